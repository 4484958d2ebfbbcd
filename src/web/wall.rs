//! The page's one clock: every wall-clock reading in `src/web` (the page's main thread and threads
//! mode's workers alike) goes through [`now_ms`]. The core has no clock; this is the only place
//! the page asks the browser what time it is.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// `performance.now()` of the global scope (a window or a dedicated worker).
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

/// Milliseconds since the page (or the worker) started, monotonic, sub-millisecond precision:
/// `performance.now()`.
pub fn now_ms() -> f64 {
    performance_now()
}
