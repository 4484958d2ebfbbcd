//! GMP Playground: a deterministic simulator of the Go runtime scheduler.
//!
//! [`core`] is the simulator; it uses no web crate. The browser page and the `gmpsim`
//! command-line runner are drivers over it.

pub mod core;
pub mod web;
