//! The browser around the page: local storage, the clock, the colour scheme, and the
//! `window.__gmp*` hooks that the end-to-end tests and the benchmark read.

use super::driver::Driver;
use super::owned::Owned;
use super::wall::now_ms;
use gloo_events::EventListener;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The text stored under `key` (nothing if storage is unavailable).
pub fn load(key: &str) -> Option<String> {
    local_storage()?.get_item(key).ok().flatten()
}

/// Stores `value` under `key`; a full or unavailable storage is ignored.
pub fn save(key: &str, value: &str) {
    if let Some(s) = local_storage() {
        let _ = s.set_item(key, value);
    }
}

fn dark_query() -> Option<web_sys::MediaQueryList> {
    web_sys::window()?.match_media("(prefers-color-scheme: dark)").ok().flatten()
}

/// The system prefers a dark colour scheme.
pub fn prefers_dark() -> bool {
    dark_query().is_some_and(|q| q.matches())
}

/// Calls `f` whenever the system's colour scheme preference changes.
pub fn on_prefers_dark(f: impl Fn(bool) + 'static) -> Option<EventListener> {
    let q = dark_query()?;
    let q2 = q.clone();
    Some(EventListener::new(&q, "change", move |_| f(q2.matches())))
}

/// Sets the theme on the root element (`data-theme="dark"` or `"light"`).
pub fn set_theme(dark: bool) {
    if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = el.set_attribute("data-theme", if dark { "dark" } else { "light" });
    }
}

/// Appends one frame's work time (ms) to `window.__gmpFrames` (the benchmark reads it).
pub fn record_frame(ms: f64) {
    let Some(w) = web_sys::window() else { return };
    let key = JsValue::from_str("__gmpFrames");
    let arr = match js_sys::Reflect::get(&w, &key).ok().and_then(|v| v.dyn_into::<js_sys::Array>().ok()) {
        Some(a) => a,
        None => {
            let a = js_sys::Array::new();
            let _ = js_sys::Reflect::set(&w, &key, &a);
            a
        }
    };
    if arr.length() < 100_000 {
        arr.push(&JsValue::from_f64(ms));
    }
}

/// Adds `ms` to the running total of phase `name` in `window.__gmpPhases` (the benchmark reads
/// where a frame's time goes: simulating, building the view, the log, the plots).
pub fn add_phase(name: &str, ms: f64) {
    let Some(w) = web_sys::window() else { return };
    let key = JsValue::from_str("__gmpPhases");
    let obj = match js_sys::Reflect::get(&w, &key).ok().filter(|v| v.is_object()) {
        Some(o) => o,
        None => {
            let o: JsValue = js_sys::Object::new().into();
            let _ = js_sys::Reflect::set(&w, &key, &o);
            o
        }
    };
    let k = JsValue::from_str(name);
    let prev = js_sys::Reflect::get(&obj, &k).ok().and_then(|v| v.as_f64()).unwrap_or(0.0);
    let _ = js_sys::Reflect::set(&obj, &k, &JsValue::from_f64(prev + ms));
}

/// What `window.__gmpInfo()` returns (as JSON, in this order). A struct rather than `json!`: its
/// serializer is far smaller in the page's wasm than building a `serde_json::Value`.
#[derive(serde::Serialize)]
struct Info {
    step: u64,
    explored: u64,
    end: Option<u64>,
    checkpoints: usize,
    interval: u64,
    goroutines: u32,
    gomaxprocs: u32,
    actions: usize,
    /// The page's wasm memory, bytes (it only grows: the most the page has used).
    memory: u64,
}

/// The size of the page's wasm memory, bytes.
fn wasm_memory_bytes() -> u64 {
    #[cfg(target_arch = "wasm32")]
    return core::arch::wasm32::memory_size(0) as u64 * 65_536;
    #[cfg(not(target_arch = "wasm32"))]
    0
}

/// Installs `window.__gmpState()` (the state at the current step, exactly as
/// `gmpsim run --format state` prints it) and `window.__gmpInfo()` (step, explored steps,
/// checkpoints, interval, wasm memory), both of the driver `current` gives (the current state's: the driver
/// moves from state to state).
pub fn install_hooks(current: Rc<dyn Fn() -> Rc<Owned<Driver>>>) {
    let Some(w) = web_sys::window() else { return };
    let d = current.clone();
    let state = Closure::<dyn Fn() -> JsValue>::new(move || {
        let d = d();
        let d = d.borrow();
        JsValue::from_str(&serde_json::to_string(&super::driver::snapshot(d.sim(), true)).unwrap_or_default())
    });
    let d = current;
    let info = Closure::<dyn Fn() -> JsValue>::new(move || {
        let d = d();
        let d = d.borrow();
        let v = Info {
            step: d.step(),
            explored: d.record().explored(),
            end: d.record().end(),
            checkpoints: d.checkpoint_count(),
            interval: d.interval(),
            goroutines: d.sim().goroutine_count(),
            gomaxprocs: d.sim().gomaxprocs(),
            actions: d.scenario().actions.len(),
            memory: wasm_memory_bytes(),
        };
        JsValue::from_str(&serde_json::to_string(&v).unwrap_or_default())
    });
    // When the first render finished, ms after navigation started (the benchmark reads it).
    let _ = js_sys::Reflect::set(&w, &JsValue::from_str("__gmpFirstRender"), &JsValue::from_f64(now_ms()));
    let _ = js_sys::Reflect::set(&w, &JsValue::from_str("__gmpState"), state.as_ref());
    let _ = js_sys::Reflect::set(&w, &JsValue::from_str("__gmpInfo"), info.as_ref());
    state.forget();
    info.forget();
}
