//! Small non-generic builders for the scenario document's JSON that [`super::lower`] writes.
//!
//! They stand in for `serde_json::json!`, whose every use expands to its own map building and
//! `to_value` call: one shared function per shape keeps the page's wasm small. Keys keep the
//! order they are given in (the document is built with `preserve_order`).

use serde_json::{Map, Value};

/// `{ k: v }`.
pub(super) fn one(k: &str, v: Value) -> Value {
    obj(&mut [(k, v)])
}

/// `{ k1: v1, k2: v2, ... }`, keys in the order given (the values are taken, leaving `null`).
pub(super) fn obj(pairs: &mut [(&str, Value)]) -> Value {
    let mut m = Map::new();
    for (k, v) in pairs.iter_mut() {
        m.insert((*k).to_owned(), v.take());
    }
    Value::Object(m)
}

/// A JSON string.
pub(super) fn s(v: &str) -> Value {
    Value::String(v.to_owned())
}
