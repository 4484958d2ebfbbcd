//! Threads mode's worker: one dedicated Web Worker plays one M. It carries out the commands the
//! core gives its M: CPU work for real (a computation, in slices of at most the real-time slice),
//! and blocking syscalls for real: no message is processed meanwhile. Where the page is
//! cross-origin isolated (`trunk serve` and the test server send COOP/COEP headers) the worker
//! sleeps in `Atomics.wait`, using no CPU, as a thread blocked in the kernel does; elsewhere
//! (a static host that cannot send those headers) it can only spin.
//! The worker is the page's own wasm ([`OwnWorker`]; `src/bin/app.rs` calls [`serve`] there);
//! [`crate::web::threads`] spawns one per M ([`ThreadHandle`]). Messages are postcard
//! ([`super::worker_codec`]), as the trace worker's.

use super::worker_codec;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::own_worker::OwnWorker;
use super::wall::now_ms;

/// The name a thread worker is started with: `src/bin/app.rs` serves [`ToWorker`] commands in a
/// worker of this name ([`super::own_worker::role`]).
pub const NAME: &str = "gmp-thread";

/// What the page asks of a worker.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum ToWorker {
    /// Compute for `ns` (a real computation), then answer.
    Work { id: u32, ns: u64 },
    /// Block for `ns`: no message is processed meanwhile.
    Syscall { id: u32, ns: u64 },
    /// Answer at once (the page checks that an idle worker is still there).
    Ping { id: u32 },
    /// Stop answering for good (a crash, for tests and the page's "kill" control).
    Die,
}

/// What a worker answers.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FromWorker {
    pub id: u32,
    /// Time spent on the job inside the worker, ns.
    pub spent_ns: u64,
    /// The computation's result (so it cannot be optimised away).
    pub check: u64,
    /// A syscall slept without using the CPU (`Atomics.wait`) rather than spinning.
    pub slept: bool,
}

/// The worker's state.
struct ThreadWorker {
    acc: u64,
    /// A word of shared memory to `Atomics.wait` on, when the page is cross-origin isolated.
    cell: Option<js_sys::Int32Array>,
}

/// Whether this global (the page, or a worker, which inherits the page's isolation) can block in
/// `Atomics.wait`: it needs a SharedArrayBuffer, which browsers give only to cross-origin
/// isolated pages (COOP/COEP headers from the host, or from the page's service worker,
/// `www/sw.js`, on a host that cannot send them).
pub fn can_wait() -> bool {
    let global = js_sys::global();
    let isolated = js_sys::Reflect::get(&global, &JsValue::from_str("crossOriginIsolated")).ok().and_then(|v| v.as_bool()).unwrap_or(false);
    isolated && js_sys::Reflect::has(&global, &JsValue::from_str("SharedArrayBuffer")).unwrap_or(false)
}

/// A word of shared memory to `Atomics.wait` on, where [`can_wait`].
fn shared_cell() -> Option<js_sys::Int32Array> {
    if !can_wait() {
        return None;
    }
    let sab = js_sys::SharedArrayBuffer::new(4);
    Some(js_sys::Int32Array::new(&sab))
}

impl ThreadWorker {
    fn new() -> ThreadWorker {
        ThreadWorker { acc: 0x9E37_79B9_7F4A_7C15, cell: shared_cell() }
    }

    /// Carries out `msg`; the answer, or `None` for [`ToWorker::Die`] (the worker then closes).
    fn received(&mut self, msg: ToWorker) -> Option<FromWorker> {
        let t0 = now_ms();
        let mut slept = false;
        let (id, check) = match msg {
            ToWorker::Work { id, ns } => {
                let end = t0 + ns as f64 / 1e6;
                let mut x = self.acc;
                loop {
                    for _ in 0..256 {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                    }
                    if now_ms() >= end {
                        break;
                    }
                }
                self.acc = x;
                (id, x)
            }
            ToWorker::Syscall { id, ns } => {
                let end = t0 + ns as f64 / 1e6;
                loop {
                    let left = end - now_ms();
                    if left <= 0.0 {
                        break;
                    }
                    match &self.cell {
                        // Nobody ever notifies the cell: this sleeps until the timeout.
                        Some(cell) if js_sys::Atomics::wait_with_timeout(cell, 0, 0, left).is_ok() => slept = true,
                        _ => {}
                    }
                }
                (id, 0)
            }
            ToWorker::Ping { id } => (id, 0),
            ToWorker::Die => return None,
        };
        let spent_ns = ((now_ms() - t0) * 1e6) as u64;
        Some(FromWorker { id, spent_ns, check, slept })
    }
}

/// The worker's side, run by `src/bin/app.rs` in a worker named [`NAME`]: answers each command.
pub fn serve() {
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let me = scope.clone();
    let mut worker = ThreadWorker::new();
    let on = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
        // Only the page that started this worker posts here, in postcard.
        let Ok(command) = worker_codec::decode::<ToWorker>(&e.data()) else {
            return;
        };
        match worker.received(command) {
            Some(answer) => {
                let _ = me.post_message(&worker_codec::encode(&answer));
            }
            None => me.close(),
        }
    });
    scope.set_onmessage(Some(on.as_ref().unchecked_ref()));
    on.forget();
}

/// The page's side: one M's worker. Dropping it terminates the worker.
pub struct ThreadHandle {
    worker: OwnWorker,
    _on: Closure<dyn FnMut(web_sys::MessageEvent)>,
}

impl ThreadHandle {
    /// Starts a worker; `on` hears its answers.
    pub fn spawn(on: impl Fn(FromWorker) + 'static) -> Result<ThreadHandle, String> {
        let worker = OwnWorker::start(NAME)?;
        let on = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            // An answer that does not read is no answer: the watchdog reports a worker that
            // stops answering.
            if let Ok(answer) = worker_codec::decode(&e.data()) {
                on(answer);
            }
        });
        worker.worker().set_onmessage(Some(on.as_ref().unchecked_ref()));
        Ok(ThreadHandle { worker, _on: on })
    }

    /// Sends the worker a command (it is queued until the worker has loaded).
    pub fn send(&self, m: &ToWorker) {
        let _ = self.worker.post(&worker_codec::encode(m));
    }
}
