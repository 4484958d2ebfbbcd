//! Identifiers of goroutines, processors and threads, as shown to users.
//!
//! They are `u32` newtypes, never `usize`, so that the event stream and every serialized
//! state are identical on 64-bit native targets and on wasm32.

use serde::Serialize;
use std::fmt;

/// A goroutine id as users see it: main is G1, then G2, G3, ... in creation order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct GId(pub u32);

/// A P (logical processor) id: P0 .. P(GOMAXPROCS-1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct PId(pub u32);

/// An M (OS thread) id: M0 is the thread the program starts on; new threads count up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct MId(pub u32);

impl fmt::Display for GId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "G{}", self.0)
    }
}
impl fmt::Display for PId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "P{}", self.0)
    }
}
impl fmt::Display for MId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "M{}", self.0)
    }
}
