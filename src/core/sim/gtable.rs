//! The goroutine table (`allgs`), kept in fixed-size chunks that clones of the simulator share
//! until one of them writes: a clone (a checkpoint of the page's history) copies a pointer per
//! chunk rather than every goroutine, and a chunk is copied the first time it changes after.

use std::ops::{Index, IndexMut};
use std::rc::Rc;

/// Goroutines per chunk.
const CHUNK: usize = 256;

/// A growable table indexed like a `Vec`, copy-on-write by chunk.
#[derive(Clone, Debug)]
pub(crate) struct GTable<T> {
    chunks: Vec<Rc<Vec<T>>>,
    len: usize,
}

impl<T> Default for GTable<T> {
    fn default() -> Self {
        GTable { chunks: Vec::new(), len: 0 }
    }
}

impl<T: Clone> GTable<T> {
    pub(crate) fn new() -> Self {
        GTable::default()
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Appends with the same inlined fast path as `index_mut`: only a new or shared last chunk
    /// goes out of line.
    #[inline]
    pub(crate) fn push(&mut self, g: T) {
        if self.len.is_multiple_of(CHUNK) {
            self.chunks.push(Rc::new(Vec::with_capacity(CHUNK)));
        }
        let chunk = self.chunks.last_mut().expect("a chunk");
        if Rc::get_mut(chunk).is_none() {
            unshare(chunk);
        }
        Rc::get_mut(chunk).expect("unshared above").push(g);
        self.len += 1;
    }

    pub(crate) fn get(&self, i: usize) -> Option<&T> {
        self.chunks.get(i / CHUNK)?.get(i % CHUNK)
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &T> {
        self.chunks.iter().flat_map(|c| c.iter())
    }
}

impl<T> Index<usize> for GTable<T> {
    type Output = T;
    fn index(&self, i: usize) -> &T {
        &self.chunks[i / CHUNK][i % CHUNK]
    }
}

impl<T: Clone> IndexMut<usize> for GTable<T> {
    /// Writes are the simulator's hot path: a chunk this table alone holds (every chunk, but
    /// after a checkpoint's clone) is written in place with an inlined check; only a shared
    /// one takes the out-of-line copy.
    #[inline]
    fn index_mut(&mut self, i: usize) -> &mut T {
        let chunk = &mut self.chunks[i / CHUNK];
        if Rc::get_mut(chunk).is_none() {
            unshare(chunk);
        }
        &mut Rc::get_mut(chunk).expect("unshared above")[i % CHUNK]
    }
}

/// Copies a chunk another clone of the table still holds (copy-on-write's copy).
#[cold]
#[inline(never)]
fn unshare<T: Clone>(chunk: &mut Rc<Vec<T>>) {
    Rc::make_mut(chunk);
}

#[cfg(test)]
mod tests {
    use super::GTable;

    #[test]
    fn a_clone_shares_chunks_until_written() {
        let mut a = GTable::new();
        for i in 0..1_000u32 {
            a.push(i);
        }
        let b = a.clone();
        a[700] = 7;
        assert_eq!((a[700], b[700], a.len(), b.len()), (7, 700, 1_000, 1_000));
        assert_eq!(b.iter().copied().sum::<u32>(), (0..1_000u32).sum::<u32>());
        assert_eq!(a.get(1_000), None);
        assert_eq!(a.get(999), Some(&999));
    }
}
