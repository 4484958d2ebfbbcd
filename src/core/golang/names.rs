//! [`Names`]: the importer's maps and sets of names, a sorted `Vec` searched by halves.
//!
//! It stands in for `BTreeMap<String, V>` and `BTreeSet<String>`, whose every key and value
//! type compiles a B-tree of its own into the page's wasm; the importer's maps are small (the
//! names of one file). Iteration is in key order, as a `BTreeMap`'s, so what is built from it
//! is the same.

/// Names, each with a value, in key order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Names<V>(Vec<(String, V)>);

impl<V> Default for Names<V> {
    fn default() -> Self {
        Names(Vec::new())
    }
}

impl<V> Names<V> {
    pub(crate) fn new() -> Self {
        Names(Vec::new())
    }

    fn find(&self, k: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(n, _)| n.as_str().cmp(k))
    }

    pub(crate) fn get(&self, k: &str) -> Option<&V> {
        self.find(k).ok().map(|i| &self.0[i].1)
    }

    pub(crate) fn contains_key(&self, k: &str) -> bool {
        self.find(k).is_ok()
    }

    /// Sets `k` to `v`; the value it had, if any.
    pub(crate) fn insert(&mut self, k: String, v: V) -> Option<V> {
        match self.find(&k) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, v)),
            Err(i) => {
                self.0.insert(i, (k, v));
                None
            }
        }
    }

    pub(crate) fn remove(&mut self, k: &str) -> Option<V> {
        self.find(k).ok().map(|i| self.0.remove(i).1)
    }

    /// `k`'s value, set to `v` first if `k` has none.
    pub(crate) fn get_or_insert(&mut self, k: &str, v: V) -> &mut V {
        let i = match self.find(k) {
            Ok(i) => i,
            Err(i) => {
                self.0.insert(i, (k.to_string(), v));
                i
            }
        };
        &mut self.0[i].1
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (&String, &V)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    pub(crate) fn values(&self) -> impl Iterator<Item = &V> {
        self.0.iter().map(|(_, v)| v)
    }

    pub(crate) fn clear(&mut self) {
        self.0.clear();
    }
}

/// A set of names.
pub(crate) type NameSet = Names<()>;

impl NameSet {
    /// Adds `k`; whether it was new.
    pub(crate) fn add(&mut self, k: String) -> bool {
        self.insert(k, ()).is_none()
    }

    pub(crate) fn contains(&self, k: &str) -> bool {
        self.contains_key(k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_key_order_and_replace_values() {
        let mut n = Names::new();
        assert_eq!(n.insert("b".into(), 2), None);
        assert_eq!(n.insert("a".into(), 1), None);
        assert_eq!(n.insert("c".into(), 3), None);
        assert_eq!(n.insert("b".into(), 20), Some(2));
        assert_eq!(n.iter().map(|(k, v)| (k.as_str(), *v)).collect::<Vec<_>>(), [("a", 1), ("b", 20), ("c", 3)]);
        assert_eq!(n.get("c"), Some(&3));
        assert_eq!(n.remove("a"), Some(1));
        assert!(!n.contains_key("a"));
        *n.get_or_insert("d", 0) += 4;
        *n.get_or_insert("d", 0) += 1;
        assert_eq!(n.get("d"), Some(&5));
        let mut s = NameSet::new();
        assert!(s.add("x".into()) && !s.add("x".into()) && s.contains("x"));
    }
}
