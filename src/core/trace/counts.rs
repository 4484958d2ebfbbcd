//! `Counts`: how many events of each wire type, keyed as `go tool trace -d=wire` names them.

use super::kind::{EventKind, ALL_KINDS};

/// Event counts by type byte.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Counts {
    /// Count per type byte.
    by_byte: [u64; 256],
}

impl Default for Counts {
    fn default() -> Counts {
        Counts { by_byte: [0; 256] }
    }
}

impl Counts {
    /// Counts one more event of `kind`.
    #[inline]
    pub fn add(&mut self, kind: EventKind, n: u64) {
        self.by_byte[kind.byte() as usize] += n;
    }

    /// The count of `kind`.
    pub fn get(&self, kind: EventKind) -> u64 {
        self.by_byte[kind.byte() as usize]
    }

    /// Adds every count of `other`.
    pub fn merge(&mut self, other: &Counts) {
        for (a, b) in self.by_byte.iter_mut().zip(other.by_byte.iter()) {
            *a += b;
        }
    }

    /// The kinds seen at least once with their counts, in type-byte order.
    pub fn nonzero(&self) -> impl Iterator<Item = (EventKind, u64)> + '_ {
        ALL_KINDS.iter().map(|&k| (k, self.get(k))).filter(|&(_, n)| n > 0)
    }

    /// The total of all counts.
    pub fn total(&self) -> u64 {
        self.by_byte.iter().sum()
    }
}
