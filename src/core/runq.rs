//! A P's local run queue: the 256-slot ring and the `runnext` slot (spec §2.1–§2.7).
//!
//! Go's ring is single-producer, multi-consumer and lock-free; the simulator runs one step at a
//! time, so the ring is a plain array with free-running `head`/`tail` counters (indices mod 256),
//! exactly as `p.runqhead`/`p.runqtail`. Entries are goroutine slots (indices into the
//! simulator's goroutine table).

/// Capacity of a local run queue (`len(p.runq)`).
pub const RUNQ_SIZE: u32 = 256;

/// The ring and `runnext` of one P.
#[derive(Clone)]
pub struct RunQueue {
    /// `p.runq`: the ring. Slot `i mod 256` for `head <= i < tail`.
    buf: Box<[u32; RUNQ_SIZE as usize]>,
    /// `p.runqhead`: index of the oldest G (free-running).
    head: u32,
    /// `p.runqtail`: index one past the newest G (free-running).
    tail: u32,
    /// `p.runnext`: the G to run next, ahead of the ring, inheriting the time slice.
    pub runnext: Option<u32>,
}

impl Default for RunQueue {
    fn default() -> Self {
        RunQueue { buf: Box::new([0; RUNQ_SIZE as usize]), head: 0, tail: 0, runnext: None }
    }
}

/// What `runqput` did beyond queueing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PutOutcome {
    /// The G (or the kicked-out runnext G) fit in the ring or runnext.
    Queued {
        /// The previous runnext G, now at the ring's tail (`next = true` only).
        kicked: Option<u32>,
    },
    /// The ring was full: `runqputslow` must move the oldest half plus `overflow` to the global
    /// queue. `kicked` is as above (then `overflow == kicked`).
    Full { kicked: Option<u32>, overflow: u32 },
}

impl RunQueue {
    /// Number of Gs in the ring (`runqtail - runqhead`; runnext not counted, as schedtrace).
    pub fn len(&self) -> u32 {
        self.tail.wrapping_sub(self.head)
    }

    /// True when the ring is empty (runnext may still hold a G).
    pub fn ring_is_empty(&self) -> bool {
        self.head == self.tail
    }

    /// `runqempty`: no G in the ring and none in runnext.
    pub fn is_empty(&self) -> bool {
        self.ring_is_empty() && self.runnext.is_none()
    }

    /// `runqput(p, g, next)` up to the point where the ring is full (spec §2.1).
    /// With `next`, `g` always ends in runnext; what may need to go to the tail is the previous
    /// runnext. When the ring is full the caller runs [`RunQueue::put_slow`].
    pub fn put(&mut self, g: u32, next: bool) -> PutOutcome {
        let mut g = g;
        let mut kicked = None;
        if next {
            match self.runnext.replace(g) {
                None => return PutOutcome::Queued { kicked: None },
                Some(old) => {
                    kicked = Some(old);
                    g = old;
                }
            }
        }
        if self.len() < RUNQ_SIZE {
            self.buf[(self.tail % RUNQ_SIZE) as usize] = g;
            self.tail = self.tail.wrapping_add(1);
            PutOutcome::Queued { kicked }
        } else {
            PutOutcome::Full { kicked, overflow: g }
        }
    }

    /// `runqputslow`: takes the oldest half of a full ring (128 Gs) and returns them, oldest
    /// first, followed by `g`, as one batch for the global queue's tail (spec §2.2).
    pub fn put_slow(&mut self, g: u32, out: &mut Vec<u32>) {
        debug_assert_eq!(self.len(), RUNQ_SIZE, "runqputslow: queue is not full");
        let n = RUNQ_SIZE / 2;
        for i in 0..n {
            out.push(self.buf[(self.head.wrapping_add(i) % RUNQ_SIZE) as usize]);
        }
        self.head = self.head.wrapping_add(n);
        out.push(g);
    }

    /// Appends at the tail; the caller has checked there is room (`runqputbatch`, steal).
    pub fn push_back(&mut self, g: u32) {
        assert!(self.len() < RUNQ_SIZE, "runqput: local run queue overflow");
        self.buf[(self.tail % RUNQ_SIZE) as usize] = g;
        self.tail = self.tail.wrapping_add(1);
    }

    /// Free slots in the ring.
    pub fn free(&self) -> u32 {
        RUNQ_SIZE - self.len()
    }

    /// `runqget`: runnext first (inheriting the time slice), else the ring's head (spec §2.4).
    pub fn get(&mut self) -> Option<(u32, bool)> {
        if let Some(g) = self.runnext.take() {
            return Some((g, true));
        }
        self.pop_front().map(|g| (g, false))
    }

    /// Pops the ring's head.
    pub fn pop_front(&mut self) -> Option<u32> {
        if self.ring_is_empty() {
            return None;
        }
        let g = self.buf[(self.head % RUNQ_SIZE) as usize];
        self.head = self.head.wrapping_add(1);
        Some(g)
    }

    /// Pops the ring's tail (`procresize` empties destroyed Ps from the tail, spec §9.1).
    pub fn pop_back(&mut self) -> Option<u32> {
        if self.ring_is_empty() {
            return None;
        }
        self.tail = self.tail.wrapping_sub(1);
        Some(self.buf[(self.tail % RUNQ_SIZE) as usize])
    }

    /// The ring's Gs, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.len()).map(move |i| self.buf[(self.head.wrapping_add(i) % RUNQ_SIZE) as usize])
    }

    /// `runqgrab` without runnext: removes ⌈k/2⌉ of the `k` queued Gs from the head, oldest
    /// first, into `out`. Returns how many.
    pub fn grab_half(&mut self, out: &mut Vec<u32>) -> u32 {
        let k = self.len();
        let n = k - k / 2;
        for _ in 0..n {
            let g = self.pop_front().expect("runqgrab: ring shorter than counted");
            out.push(g);
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fits_256_one_at_a_time() {
        let mut q = RunQueue::default();
        for g in 0..256 {
            assert_eq!(q.put(g, false), PutOutcome::Queued { kicked: None });
        }
        assert_eq!(q.len(), 256);
        assert_eq!(q.put(999, false), PutOutcome::Full { kicked: None, overflow: 999 });
    }

    #[test]
    fn runnext_kicks_previous_to_tail() {
        let mut q = RunQueue::default();
        q.put(1, true);
        assert_eq!(q.put(2, true), PutOutcome::Queued { kicked: Some(1) });
        assert_eq!(q.runnext, Some(2));
        assert_eq!(q.iter().collect::<Vec<_>>(), vec![1]);
        assert_eq!(q.get(), Some((2, true)));
        assert_eq!(q.get(), Some((1, false)));
        assert_eq!(q.get(), None);
    }

    #[test]
    fn put_slow_moves_oldest_half_plus_new() {
        let mut q = RunQueue::default();
        for g in 1..=256 {
            q.put(g, false);
        }
        let mut out = Vec::new();
        q.put_slow(257, &mut out);
        assert_eq!(out.len(), 129);
        assert_eq!(out[0], 1);
        assert_eq!(out[127], 128);
        assert_eq!(out[128], 257);
        assert_eq!(q.iter().collect::<Vec<_>>(), (129..=256).collect::<Vec<_>>());
    }

    #[test]
    fn steal_half_rounds_up() {
        for (k, want) in [(1u32, 1u32), (2, 1), (3, 2), (7, 4), (256, 128)] {
            let mut q = RunQueue::default();
            for g in 0..k {
                q.put(g, false);
            }
            let mut out = Vec::new();
            assert_eq!(q.grab_half(&mut out), want, "k={k}");
            assert_eq!(out, (0..want).collect::<Vec<_>>());
            assert_eq!(q.len(), k - want);
        }
    }

    #[test]
    fn wraps_around_the_ring() {
        let mut q = RunQueue::default();
        for round in 0..10u32 {
            for g in 0..200 {
                q.put(round * 1000 + g, false);
            }
            for g in 0..200 {
                assert_eq!(q.pop_front(), Some(round * 1000 + g));
            }
        }
        assert!(q.is_empty());
    }
}
