//! The scheduler core (design essay to come with the scheduler).

pub mod costs;
pub mod event;
pub mod ids;
pub mod link;
pub mod program;
pub mod rng;
pub mod runq;
pub mod scenario;
pub mod sim;
