//! Reading a Go execution trace off the main thread (issue 12, "The page").
//!
//! The worker is the page's own wasm in a module Web Worker ([`OwnWorker`]): `src/bin/app.rs`
//! calls [`serve`] instead of mounting the page in a worker named [`NAME`], so the trace
//! reader is in the build once and no file is added to the service worker's list. The page
//! ([`TraceReading::start`]) starts it and posts it the `File` at once. The worker reads it with
//! `FileReaderSync` in [`CHUNK`]s, feeds each to [`TraceIngest`] (the core's streaming reader)
//! and posts progress after each; the answer is the [`TraceOpened`] or the core's error, in
//! postcard (`worker_codec`, as threads mode's messages). Cancel terminates the worker: reading stops at once, whatever it was doing.

use super::own_worker::OwnWorker;
use super::trace_view::{TraceIngest, TraceOpened, CHUNK};
use super::worker_codec;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::Callback;

/// What the trace worker posts (postcard).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum FromTraceWorker {
    /// Bytes read so far.
    Progress(u64),
    /// The core's error (`offset N: expected ...`), or a browser error reading the file.
    Failed(String),
    Opened(Box<TraceOpened>),
}

fn post(scope: &web_sys::DedicatedWorkerGlobalScope, m: &FromTraceWorker) {
    let _ = scope.post_message(&worker_codec::encode(m));
}

/// The worker's side: answers each posted `File` with progress and the trace read.
pub fn serve() {
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let me = scope.clone();
    let on = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
        let answer = match e.data().dyn_into::<web_sys::File>() {
            Ok(file) => read(&me, &file),
            Err(_) => FromTraceWorker::Failed("the trace worker was sent something that is not a file".into()),
        };
        post(&me, &answer);
    });
    scope.set_onmessage(Some(on.as_ref().unchecked_ref()));
    on.forget();
}

/// Reads `file` chunk by chunk, posting progress.
fn read(scope: &web_sys::DedicatedWorkerGlobalScope, file: &web_sys::File) -> FromTraceWorker {
    let t0 = super::wall::now_ms();
    let total = file.size() as u64;
    let Ok(sync) = web_sys::FileReaderSync::new() else {
        return FromTraceWorker::Failed("this browser cannot read files in a worker (FileReaderSync)".into());
    };
    let mut ing = TraceIngest::new();
    let mut buf = vec![0u8; CHUNK];
    let mut at = 0u64;
    while at < total {
        let end = (at + CHUNK as u64).min(total);
        let bytes = file
            .slice_with_f64_and_f64(at as f64, end as f64)
            .and_then(|b| sync.read_as_array_buffer(&b))
            .map(|ab| js_sys::Uint8Array::new(&ab));
        let arr = match bytes {
            Ok(a) => a,
            Err(e) => return FromTraceWorker::Failed(format!("the browser could not read the file at byte {at}: {e:?}")),
        };
        let n = (end - at) as usize;
        arr.copy_to(&mut buf[..n]);
        if let Err(e) = ing.feed(&buf[..n]) {
            return FromTraceWorker::Failed(e);
        }
        at = end;
        post(scope, &FromTraceWorker::Progress(at));
    }
    match ing.finish(&file.name()) {
        Ok(mut t) => {
            t.read_us = ((super::wall::now_ms() - t0) * 1000.0) as u64;
            FromTraceWorker::Opened(Box::new(t))
        }
        Err(e) => FromTraceWorker::Failed(e),
    }
}

/// The name the trace worker is started with: `src/bin/app.rs` serves traces in a worker of
/// this name ([`super::own_worker::role`]).
pub const NAME: &str = "gmp-trace";

/// A trace being read by a worker; dropping it (or [`TraceReading::cancel`]) terminates the
/// worker.
pub struct TraceReading {
    worker: OwnWorker,
    _on: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _err: Closure<dyn FnMut(JsValue)>,
}

impl TraceReading {
    /// Starts a worker reading `file`; `on` hears its progress and answer.
    pub fn start(file: web_sys::File, on: Callback<FromTraceWorker>) -> Result<TraceReading, String> {
        let worker = OwnWorker::start(NAME).map_err(|e| format!("could not start the trace worker: {e}"))?;
        let failed = on.clone();
        let on = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            // Only this build's own worker posts here (it is the page's own wasm).
            match worker_codec::decode::<FromTraceWorker>(&e.data()) {
                Err(why) => on.emit(FromTraceWorker::Failed(format!("the trace worker's answer could not be read: {why}"))),
                Ok(m) => on.emit(m),
            }
        });
        worker.worker().set_onmessage(Some(on.as_ref().unchecked_ref()));
        let err = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
            let what = js_sys::Reflect::get(&e, &"message".into()).ok().and_then(|m| m.as_string()).unwrap_or_default();
            failed.emit(FromTraceWorker::Failed(format!("the trace worker stopped: {what}")));
        });
        worker.worker().set_onerror(Some(err.as_ref().unchecked_ref()));
        // Posted at once, after the wasm: the worker's `main` installs its handler before the
        // next message is dispatched (`OwnWorker`).
        worker.post(&file).map_err(|e| format!("could not hand the trace worker the file: {e}"))?;
        Ok(TraceReading { worker, _on: on, _err: err })
    }

    /// Stops reading at once.
    pub fn cancel(&self) {
        self.worker.terminate();
    }
}
