//! [`GlobalRunq`]: `sched.runq`, the global run queue, head first.

use std::collections::VecDeque;
use std::ops::{Deref, DerefMut};

/// `sched.runq`: a `VecDeque` of goroutine indexes, head first, that a checkpoint's clone copies
/// as its two slices (a derived clone copies it one element at a time: a million-goroutine run
/// holds a few hundred thousand here, copied at every checkpoint).
#[derive(Debug, Default)]
pub(crate) struct GlobalRunq(VecDeque<u32>);

impl Clone for GlobalRunq {
    fn clone(&self) -> Self {
        let (a, b) = self.0.as_slices();
        let mut q = VecDeque::with_capacity(self.0.len());
        q.extend(a);
        q.extend(b);
        GlobalRunq(q)
    }
}

impl Deref for GlobalRunq {
    type Target = VecDeque<u32>;
    fn deref(&self) -> &VecDeque<u32> {
        &self.0
    }
}

impl DerefMut for GlobalRunq {
    fn deref_mut(&mut self) -> &mut VecDeque<u32> {
        &mut self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clone_holds_the_same_goroutines_in_the_same_order_when_the_queue_wraps() {
        let mut q = GlobalRunq::default();
        q.extend(0..8);
        // Take from the head and push at the tail until the ring wraps around its buffer.
        for i in 8..13 {
            q.pop_front();
            q.push_back(i);
        }
        assert!(!q.as_slices().1.is_empty(), "the test needs a wrapped ring");
        let c = q.clone();
        assert_eq!(c.iter().copied().collect::<Vec<_>>(), (5..13).collect::<Vec<u32>>());
    }
}
