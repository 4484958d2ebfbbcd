//! The page's workers' message codec: postcard bytes in a `Uint8Array`.
//!
//! The page and its workers run the same wasm ([`super::own_worker`]), so both ends always speak
//! the same format. Postcard rather than bincode: bincode's deserializer reports a bad tag with
//! serde's `Unexpected` message, whose `Display` formats an `f64` with core's float formatting
//! (Grisu/Dragon and their tables); postcard's errors carry no message, so neither that nor
//! bincode is in the page's wasm.

use wasm_bindgen::{JsCast, JsValue};

/// `m` as a message for `postMessage`.
pub fn encode<T: serde::Serialize>(m: &T) -> JsValue {
    // Writing to a Vec fails only for a type serde cannot describe, which none of ours is.
    let buf = postcard::to_allocvec(m).unwrap_or_default();
    js_sys::Uint8Array::from(buf.as_slice()).into()
}

/// A message posted with [`encode`], or what is wrong with it.
pub fn decode<T: serde::de::DeserializeOwned>(data: &JsValue) -> Result<T, String> {
    let Some(array) = data.dyn_ref::<js_sys::Uint8Array>() else {
        return Err("a worker message is not bytes".into());
    };
    let bytes = array.to_vec();
    postcard::from_bytes(&bytes).map_err(|_| format!("a worker message of {} bytes does not read as postcard", bytes.len()))
}
