//! `VecMap`: a map kept as a vector of entries sorted by key, for the trace reader's and the
//! replay's small maps (threads, goroutines, waker/woken pairs, unmapped events).
//!
//! It behaves as a `BTreeMap` does for what these maps use (lookups, insertion, iteration in
//! key order) and costs far less code in the page's wasm: each `BTreeMap<K, V>` compiles its
//! own node, search, split and merge code, while this is a binary search over a `Vec`.
//! Insertion moves the entries after the new one, so it suits maps whose keys mostly arrive
//! in increasing order or that stay small (threads, goroutine ids, at most a thousand pairs).

use std::borrow::Borrow;
use std::ops::Index;

/// A map sorted by key (see the module documentation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VecMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        VecMap { entries: Vec::new() }
    }
}

impl<K: Ord, V> VecMap<K, V> {
    /// An empty map.
    pub fn new() -> Self {
        VecMap::default()
    }

    /// Where `k` is (`Ok`), or where it would go (`Err`).
    fn find<Q: Ord + ?Sized>(&self, k: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.entries.binary_search_by(|(x, _)| x.borrow().cmp(k))
    }

    /// The value of `k`.
    pub fn get<Q: Ord + ?Sized>(&self, k: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(k).ok().map(|i| &self.entries[i].1)
    }

    /// The value of `k`, to change.
    pub fn get_mut<Q: Ord + ?Sized>(&mut self, k: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.find(k).ok().map(|i| &mut self.entries[i].1)
    }

    /// True if `k` has a value.
    pub fn contains_key<Q: Ord + ?Sized>(&self, k: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(k).is_ok()
    }

    /// Sets `k`'s value; returns the previous one.
    pub fn insert(&mut self, k: K, v: V) -> Option<V> {
        match self.find(&k) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, v)),
            Err(i) => {
                self.entries.insert(i, (k, v));
                None
            }
        }
    }

    /// Removes `k`; returns its value.
    pub fn remove<Q: Ord + ?Sized>(&mut self, k: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.find(k).ok().map(|i| self.entries.remove(i).1)
    }

    /// `k`'s value, set to `make()` first if it has none (`entry(k).or_insert_with(make)`).
    pub fn or_insert_with(&mut self, k: K, make: impl FnOnce() -> V) -> &mut V {
        let i = match self.find(&k) {
            Ok(i) => i,
            Err(i) => {
                self.entries.insert(i, (k, make()));
                i
            }
        };
        &mut self.entries[i].1
    }

    /// How many keys have a value.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True if no key has a value.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries in key order.
    pub fn iter(&self) -> Iter<'_, K, V> {
        fn pair<K, V>(e: &(K, V)) -> (&K, &V) {
            (&e.0, &e.1)
        }
        self.entries.iter().map(pair as fn(&(K, V)) -> (&K, &V))
    }

    /// The keys in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The values in key order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator {
        self.entries.iter().map(|(_, v)| v)
    }
}

/// [`VecMap::iter`]'s iterator.
pub type Iter<'a, K, V> = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;

impl<'a, K: Ord, V> IntoIterator for &'a VecMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = Iter<'a, K, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<K: Ord + Borrow<Q>, Q: Ord + ?Sized, V> Index<&Q> for VecMap<K, V> {
    type Output = V;

    /// The value of `k`; panics if it has none, as `BTreeMap`'s indexing does.
    fn index(&self, k: &Q) -> &V {
        self.get(k).expect("no entry found for key")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    proptest! {
        /// Any sequence of inserts, removes and lookups gives what a `BTreeMap` gives.
        #[test]
        fn behaves_as_a_btree_map(ops in proptest::collection::vec((0u8..4, 0u64..40, any::<u32>()), 0..200)) {
            let mut v: VecMap<u64, u32> = VecMap::new();
            let mut b: BTreeMap<u64, u32> = BTreeMap::new();
            for (op, k, x) in ops {
                match op {
                    0 => prop_assert_eq!(v.insert(k, x), b.insert(k, x)),
                    1 => prop_assert_eq!(v.remove(&k), b.remove(&k)),
                    2 => {
                        *v.or_insert_with(k, || x) += 1;
                        *b.entry(k).or_insert(x) += 1;
                    }
                    _ => {
                        prop_assert_eq!(v.get(&k), b.get(&k));
                        prop_assert_eq!(v.contains_key(&k), b.contains_key(&k));
                        if let Some(m) = v.get_mut(&k) {
                            *m = m.wrapping_mul(3);
                        }
                        if let Some(m) = b.get_mut(&k) {
                            *m = m.wrapping_mul(3);
                        }
                    }
                }
                prop_assert_eq!(v.len(), b.len());
            }
            prop_assert_eq!(v.iter().collect::<Vec<_>>(), b.iter().collect::<Vec<_>>());
            prop_assert_eq!(v.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
            prop_assert_eq!(v.values().collect::<Vec<_>>(), b.values().collect::<Vec<_>>());
        }
    }

    #[test]
    fn string_keys_are_looked_up_by_str() {
        let mut m: VecMap<String, u32> = VecMap::new();
        *m.or_insert_with("b".to_string(), || 0) += 2;
        m.insert("a".to_string(), 1);
        assert_eq!(m["b"], 2);
        assert_eq!(m.get("a"), Some(&1));
        assert_eq!((&m).into_iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(), ["a", "b"]);
    }
}
