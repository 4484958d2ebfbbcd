//! Identifiers of goroutines, processors and threads, as shown to users.
//!
//! They are `u32` newtypes, never `usize`, so that the event stream and every serialized
//! state are identical on 64-bit native targets and on wasm32.
//!
//! Inside the simulator a goroutine is its 0-based index in creation order; users see it
//! 1-based (main is G1). [`GId::of_index`] and [`GId::index`] are the one conversion. Ps and Ms
//! are 0-based both inside and outside (P0, M0).

use serde::Serialize;
use std::fmt;

/// A goroutine id as users see it: main is G1, then G2, G3, ... in creation order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct GId(pub u32);

/// A P (logical processor) id: P0 .. P(GOMAXPROCS-1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct PId(pub u32);

/// An M (OS thread) id: M0 is the thread the program starts on; new threads count up.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
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

impl GId {
    /// The id of the goroutine at 0-based index `i` in creation order (index 0 is G1).
    pub const fn of_index(i: u32) -> GId {
        GId(i + 1)
    }

    /// Its 0-based index in creation order (G1 is 0). `GId(0)` names no goroutine: its index
    /// is `u32::MAX`, beyond any goroutine's.
    pub const fn index(self) -> usize {
        self.0.wrapping_sub(1) as usize
    }
}

impl PId {
    /// Its index among the Ps (P0 is 0).
    pub const fn index(self) -> usize {
        self.0 as usize
    }
}

impl MId {
    /// Its index among the Ms (M0 is 0).
    pub const fn index(self) -> usize {
        self.0 as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn g1_is_index_0() {
        assert_eq!(GId::of_index(0), GId(1));
        assert_eq!(GId(1).index(), 0);
        assert_eq!(GId::of_index(41).index(), 41);
        assert_eq!(GId(0).index(), u32::MAX as usize);
        assert_eq!((GId(7).to_string(), PId(0).to_string(), MId(2).to_string()), ("G7".into(), "P0".into(), "M2".into()));
    }
}
