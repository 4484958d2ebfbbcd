//! [`HeapRoom`]: grows the page's wasm memory ahead of a long seek, once, rather than 64 KiB
//! at a time as the heap fills.
//!
//! The allocator asks for more wasm memory (`memory.grow`) whenever its heap is full, a few
//! pages at a time: a seek of a million steps of a million goroutines grows it by about 100 MiB
//! in well over a thousand calls. Each call replaces the memory's `ArrayBuffer` and counts as
//! external memory for V8's garbage collector, which then runs major collections in the seek's
//! slices. Once a seek has run [`RATE_STEPS`] steps, its rate of growth says how much the rest
//! will need: [`HeapRoom::plan`] says so, and [`reserve`] allocates that much at once and frees
//! it. The allocator keeps the freed block (wasm memory never shrinks) and later allocations are
//! carved out of it. The block is never written: its pages cost nothing until used.

/// Steps a seek runs before its rate of growth is taken.
pub const RATE_STEPS: u64 = 20_000;

/// The most [`HeapRoom::plan`] asks for at once.
pub const MAX_BYTES: u64 = 1 << 30;

/// Less than this is not worth a reservation.
pub const MIN_BYTES: u64 = 4 << 20;

/// A seek's memory growth so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HeapRoom {
    /// The target of the seek being measured, the step it was measured from and the memory
    /// then.
    from: Option<(u64, u64, u64)>,
    /// The room for this seek has been made.
    made: bool,
}

impl HeapRoom {
    /// Called before each slice of a seek toward `target`, at `step`, with the wasm memory's
    /// size now (`memory` bytes; 0 natively): how many bytes to reserve now, if any. A new target,
    /// or a step behind the one measured from, starts measuring again.
    pub fn plan(&mut self, step: u64, target: u64, memory: u64) -> Option<u64> {
        let (t, s0, m0) = match self.from {
            Some((t, s0, m0)) if t == target && step >= s0 => (t, s0, m0),
            _ => {
                *self = HeapRoom { from: Some((target, step, memory)), made: false };
                return None;
            }
        };
        if self.made || step - s0 < RATE_STEPS || step >= t {
            return None;
        }
        self.made = true;
        let grown = memory.saturating_sub(m0);
        // The rest of the seek at the rate so far, a quarter more.
        let want = (grown as u128 * (t - step) as u128 / (step - s0) as u128 * 5 / 4).min(u128::from(MAX_BYTES)) as u64;
        // wasm32's memory ends at 4 GiB.
        let want = want.min((4u64 << 30).saturating_sub(memory) / 2);
        (want >= MIN_BYTES).then_some(want)
    }
}

/// The size of the page's wasm memory, bytes (0 natively).
pub fn memory_bytes() -> u64 {
    #[cfg(target_arch = "wasm32")]
    return core::arch::wasm32::memory_size(0) as u64 * 65_536;
    #[cfg(not(target_arch = "wasm32"))]
    0
}

/// Grows the heap by `bytes` in one step: allocates a block that large and frees it untouched.
/// If the memory cannot grow that far, nothing happens (the seek grows it as it goes).
pub fn reserve(bytes: u64) {
    let Ok(layout) = std::alloc::Layout::from_size_align(bytes as usize, 16) else { return };
    if layout.size() == 0 {
        return;
    }
    // SAFETY: the layout's size is not zero; the block is freed with the same layout, and
    // nothing reads or writes it.
    unsafe {
        let p = std::alloc::alloc(layout);
        if !p.is_null() {
            std::alloc::dealloc(p, layout);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIB: u64 = 1 << 20;

    #[test]
    fn it_reserves_the_rest_of_the_seek_at_the_rate_so_far_once() {
        let mut r = HeapRoom::default();
        assert_eq!(r.plan(0, 1_000_000, 10 * MIB), None, "the first slice only measures");
        assert_eq!(r.plan(RATE_STEPS / 2, 1_000_000, 11 * MIB), None, "too few steps for a rate");
        // 2 MiB in 20,000 steps: 98 MiB for the 980,000 left, and a quarter more.
        let want = r.plan(RATE_STEPS, 1_000_000, 12 * MIB).expect("a reservation");
        assert_eq!(want, 2 * MIB * 980_000 / RATE_STEPS * 5 / 4);
        assert_eq!(r.plan(2 * RATE_STEPS, 1_000_000, 13 * MIB), None, "once a seek");
    }

    #[test]
    fn a_new_target_or_a_step_back_measures_again() {
        let mut r = HeapRoom::default();
        r.plan(0, 1_000_000, 0);
        assert_eq!(r.plan(RATE_STEPS, 2_000_000, 100 * MIB), None, "a new target");
        assert!(r.plan(2 * RATE_STEPS, 2_000_000, 200 * MIB).is_some());
        assert_eq!(r.plan(10, 2_000_000, 200 * MIB), None, "back to a checkpoint");
        assert!(r.plan(10 + RATE_STEPS, 2_000_000, 300 * MIB).is_some(), "measured again from there");
    }

    #[test]
    fn small_growth_asks_for_nothing_and_large_is_capped() {
        let mut r = HeapRoom::default();
        r.plan(0, 40_000, 10 * MIB);
        assert_eq!(r.plan(RATE_STEPS, 40_000, 11 * MIB), None, "1.25 MiB is not worth it");
        let mut r = HeapRoom::default();
        r.plan(0, u64::MAX, 0);
        assert_eq!(r.plan(RATE_STEPS, u64::MAX, 64 * MIB), Some(MAX_BYTES));
        let mut r = HeapRoom::default();
        r.plan(0, u64::MAX, 3 << 30);
        assert_eq!(r.plan(RATE_STEPS, u64::MAX, (3 << 30) + 64 * MIB), Some(((1 << 30) - 64 * MIB) / 2), "half of what wasm32 has left");
    }

    #[test]
    fn natively_memory_reads_zero_and_nothing_is_planned() {
        let mut r = HeapRoom::default();
        r.plan(0, 1_000_000, memory_bytes());
        assert_eq!(r.plan(RATE_STEPS, 1_000_000, memory_bytes()), None);
        reserve(1 << 20);
    }
}
