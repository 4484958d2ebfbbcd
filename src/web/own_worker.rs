//! A module Web Worker running the page's own wasm: threads mode's Ms
//! ([`super::thread_worker`]) and the trace reader ([`super::trace_worker`]) are both the page's
//! wasm started again in a worker, so the build has one wasm and one JS file, and the service
//! worker's list names nothing more.
//!
//! The worker's script is a blob module of three lines: it imports the page's JS (named in
//! index.html's `<link rel="modulepreload">`, hashed by trunk, so a tab never mixes two builds)
//! and, on its first message, instantiates the page's already compiled `WebAssembly.Module`
//! (posted by [`OwnWorker::start`] from [`wasm_bindgen::module`]) with `initSync`: nothing is
//! fetched or compiled again. Instantiating runs `main` (`src/bin/app.rs`), which reads the
//! worker's `name` to know what it is ([`role`]) and installs its own message handler before
//! the next message is dispatched, so the page may post its first request right after
//! starting the worker.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// What the page's wasm is doing in this global.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Role {
    /// The page itself (a window).
    Page,
    /// A worker: the `name` it was started with ([`OwnWorker::start`]).
    Worker(String),
}

/// Where the wasm runs: `src/bin/app.rs` dispatches on it.
pub fn role() -> Role {
    match js_sys::global().dyn_into::<web_sys::DedicatedWorkerGlobalScope>() {
        Ok(scope) => Role::Worker(scope.name()),
        Err(_) => Role::Page,
    }
}

/// A worker started from the page's own wasm; dropping it terminates the worker and clears its
/// handlers.
pub struct OwnWorker {
    worker: web_sys::Worker,
    url: String,
}

impl OwnWorker {
    /// Starts a worker named `name` (its role) and hands it the page's compiled wasm.
    pub fn start(name: &str) -> Result<OwnWorker, String> {
        let js = page_script().ok_or("the page's own script is not named in index.html (modulepreload)")?;
        let src = format!("import {{ initSync }} from {js:?};\nself.onmessage = (e) => {{ self.onmessage = null; initSync({{ module: e.data }}); }};\n");
        let parts = js_sys::Array::of1(&JsValue::from_str(&src));
        let bag = web_sys::BlobPropertyBag::new();
        bag.set_type("text/javascript");
        let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &bag).map_err(|e| format!("could not make the worker's script: {e:?}"))?;
        let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|e| format!("could not make the worker's script: {e:?}"))?;
        let opts = web_sys::WorkerOptions::new();
        opts.set_type(web_sys::WorkerType::Module);
        opts.set_name(name);
        let worker = match web_sys::Worker::new_with_options(&url, &opts) {
            Ok(w) => w,
            Err(e) => {
                let _ = web_sys::Url::revoke_object_url(&url);
                return Err(format!("the browser refused to start a worker: {e:?}"));
            }
        };
        let me = OwnWorker { worker, url };
        me.post(&wasm_bindgen::module())?;
        Ok(me)
    }

    /// The browser's worker (to set its handlers).
    pub fn worker(&self) -> &web_sys::Worker {
        &self.worker
    }

    /// Posts `v` to the worker.
    pub fn post(&self, v: &JsValue) -> Result<(), String> {
        self.worker.post_message(v).map_err(|e| format!("could not post to the worker: {e:?}"))
    }

    /// Stops the worker at once, whatever it is doing.
    pub fn terminate(&self) {
        self.worker.terminate();
    }
}

impl Drop for OwnWorker {
    fn drop(&mut self) {
        // The holder drops its handlers' closures after this (declare the `OwnWorker` first):
        // an answer already on its way must find no handler rather than a freed closure.
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
        let _ = web_sys::Url::revoke_object_url(&self.url);
    }
}

/// The page's JS, absolute: trunk names it in index.html's `modulepreload` link.
fn page_script() -> Option<String> {
    let doc = web_sys::window()?.document()?;
    let base = doc.base_uri().ok().flatten()?;
    let href = doc.query_selector("link[rel=modulepreload][href*=app]").ok().flatten()?.get_attribute("href")?;
    web_sys::Url::new_with_base(&href, &base).ok().map(|u| u.href())
}
