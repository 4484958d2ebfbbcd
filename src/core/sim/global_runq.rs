//! [`GlobalRunq`]: `sched.runq`, the global run queue, head first.

use std::collections::VecDeque;
use std::rc::Rc;

/// Goroutines per chunk.
const CHUNK: usize = 1024;

/// `sched.runq`: goroutine indexes, head first, in fixed chunks that clones share until one of
/// them writes (as the goroutine table's). A million-goroutine run holds a few hundred thousand
/// here: a checkpoint's clone copies a pointer per chunk, and the run then copies only the
/// chunks at the ends it pushes to.
#[derive(Clone, Debug, Default)]
pub(crate) struct GlobalRunq {
    chunks: VecDeque<Rc<[u32; CHUNK]>>,
    /// Where the head is in the first chunk.
    start: usize,
    len: usize,
}

impl GlobalRunq {
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The head.
    pub(crate) fn front(&self) -> Option<&u32> {
        (self.len > 0).then(|| &self.chunks[0][self.start])
    }

    pub(crate) fn push_back(&mut self, g: u32) {
        let at = self.start + self.len;
        if at / CHUNK == self.chunks.len() {
            self.chunks.push_back(Rc::new([0; CHUNK]));
        }
        Rc::make_mut(&mut self.chunks[at / CHUNK])[at % CHUNK] = g;
        self.len += 1;
    }

    pub(crate) fn push_front(&mut self, g: u32) {
        if self.start == 0 {
            self.chunks.push_front(Rc::new([0; CHUNK]));
            self.start = CHUNK;
        }
        self.start -= 1;
        Rc::make_mut(&mut self.chunks[0])[self.start] = g;
        self.len += 1;
    }

    pub(crate) fn pop_front(&mut self) -> Option<u32> {
        if self.len == 0 {
            return None;
        }
        let g = self.chunks[0][self.start];
        self.start += 1;
        self.len -= 1;
        if self.len == 0 {
            self.chunks.clear();
            self.start = 0;
        } else if self.start == CHUNK {
            self.chunks.pop_front();
            self.start = 0;
        }
        Some(g)
    }

    /// Head first.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &u32> + '_ {
        self.chunks.iter().flat_map(|c| c.iter()).skip(self.start).take(self.len)
    }
}

impl Extend<u32> for GlobalRunq {
    fn extend<I: IntoIterator<Item = u32>>(&mut self, gs: I) {
        for g in gs {
            self.push_back(g);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[derive(Clone, Debug)]
    enum Op {
        PushBack(u32),
        PushFront(u32),
        PopFront,
        Clone,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => any::<u32>().prop_map(Op::PushBack),
            1 => any::<u32>().prop_map(Op::PushFront),
            4 => Just(Op::PopFront),
            1 => Just(Op::Clone),
        ]
    }

    proptest! {
        /// Any sequence of the simulator's operations, in runs long enough to cross chunks, gives
        /// what a `VecDeque` gives; and a clone (a checkpoint) keeps what it held while the
        /// original goes on.
        #[test]
        fn it_behaves_as_a_deque_and_clones_are_untouched_by_later_writes(ops in prop::collection::vec((op(), 1usize..3 * CHUNK), 1..12)) {
            let mut q = GlobalRunq::default();
            let mut model: VecDeque<u32> = VecDeque::new();
            let mut kept: Vec<(GlobalRunq, Vec<u32>)> = Vec::new();
            for (op, times) in ops {
                for _ in 0..times {
                    match op {
                        Op::PushBack(g) => { q.push_back(g); model.push_back(g); }
                        Op::PushFront(g) => { q.push_front(g); model.push_front(g); }
                        Op::PopFront => prop_assert_eq!(q.pop_front(), model.pop_front()),
                        Op::Clone => {}
                    }
                }
                if matches!(op, Op::Clone) {
                    kept.push((q.clone(), model.iter().copied().collect()));
                }
                prop_assert_eq!(q.len(), model.len());
                prop_assert_eq!(q.is_empty(), model.is_empty());
                prop_assert_eq!(q.front(), model.front());
                prop_assert!(q.iter().eq(model.iter()));
            }
            for (c, want) in kept {
                prop_assert_eq!(c.iter().copied().collect::<Vec<u32>>(), want);
            }
        }
    }

    #[test]
    fn a_clone_shares_its_chunks_until_a_write() {
        let mut q = GlobalRunq::default();
        q.extend(0..(3 * CHUNK as u32));
        let c = q.clone();
        assert!(q.chunks.iter().zip(&c.chunks).all(|(a, b)| Rc::ptr_eq(a, b)), "a clone copies no goroutine");
        q.push_back(7);
        assert!(Rc::ptr_eq(&q.chunks[0], &c.chunks[0]) && Rc::ptr_eq(&q.chunks[1], &c.chunks[1]), "a push at the tail leaves the head's chunks shared");
        assert_eq!(c.len(), 3 * CHUNK);
    }
}
