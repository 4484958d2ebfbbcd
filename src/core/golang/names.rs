//! [`Names`]: the importer's maps and sets of names.
//!
//! A `litemap::LiteMap` (a vector sorted by key, searched by halves) rather than a
//! `BTreeMap<String, V>`/`BTreeSet<String>`, whose every value type compiles a B-tree of its own
//! into the page's wasm; the importer's maps are small (the names of one file). Iteration is in
//! key order, as a `BTreeMap`'s, so what is built from them is the same.

/// Names, each with a value, in key order.
pub(crate) type Names<V> = litemap::LiteMap<String, V>;

/// A set of names, in order.
pub(crate) type NameSet = Names<()>;
