//! [`Due`]: an entry of the simulator's clock, something that will happen at a virtual time.
//!
//! The clock is a `BinaryHeap<Due>`: the earliest time first, and among equal times the one
//! scheduled first (the sequence number), as Go's timers and the simulator's determinism need.
//! Time and sequence number are one `u128` key, so ordering two entries is one comparison; the
//! heap's sift in `pop` and `push` is a third of a run's instructions.

use std::cmp::Ordering;

use super::Wake;

/// What happens (`wake`) at virtual time `time()`; the `seq`th thing scheduled.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Due {
    /// `time << 64 | seq`: ordered by time, then by the order of scheduling.
    key: u128,
    /// What happens.
    pub(crate) wake: Wake,
}

impl Due {
    pub(crate) fn new(time: u64, seq: u64, wake: Wake) -> Due {
        Due { key: (u128::from(time) << 64) | u128::from(seq), wake }
    }

    /// The virtual time it happens at.
    pub(crate) fn time(&self) -> u64 {
        (self.key >> 64) as u64
    }
}

impl PartialEq for Due {
    fn eq(&self, other: &Due) -> bool {
        self.key == other.key
    }
}

impl Eq for Due {}

impl PartialOrd for Due {
    fn partial_cmp(&self, other: &Due) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Reversed, so that `BinaryHeap` (a max-heap) pops the earliest first.
impl Ord for Due {
    fn cmp(&self, other: &Due) -> Ordering {
        other.key.cmp(&self.key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BinaryHeap;

    #[test]
    fn the_earliest_pops_first_and_equal_times_in_scheduling_order() {
        let mut h = BinaryHeap::new();
        for (seq, (t, w)) in [(5, Wake::Sysmon(0)), (3, Wake::Action(1)), (5, Wake::Action(2)), (u64::MAX, Wake::Action(3)), (3, Wake::M(0, 1))].into_iter().enumerate() {
            h.push(Due::new(t, seq as u64, w));
        }
        let order: Vec<(u64, Wake)> = std::iter::from_fn(|| h.pop()).map(|d| (d.time(), d.wake)).collect();
        assert_eq!(order, [(3, Wake::Action(1)), (3, Wake::M(0, 1)), (5, Wake::Sysmon(0)), (5, Wake::Action(2)), (u64::MAX, Wake::Action(3))]);
    }
}
