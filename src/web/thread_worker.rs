//! Threads mode's worker: one dedicated Web Worker plays one M. It carries out the commands the
//! core gives its M: CPU work for real (a computation, in slices of at most the real-time slice),
//! and blocking syscalls for real: no message is processed meanwhile. Where the page is
//! cross-origin isolated (`trunk serve` and the test server send COOP/COEP headers) the worker
//! sleeps in `Atomics.wait`, using no CPU, as a thread blocked in the kernel does; elsewhere
//! (a static host that cannot send those headers) it can only spin.
//! `src/bin/worker.rs` registers it; [`crate::web::threads`] spawns one per M.

use gloo_worker::{HandlerId, Worker, WorkerScope};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use super::wall::now_ms;

#[wasm_bindgen]
extern "C" {
    /// `self.close()` in a worker: it stops for good.
    #[wasm_bindgen(js_name = close)]
    fn worker_close();
}

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

/// The worker.
pub struct ThreadWorker {
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

impl Worker for ThreadWorker {
    type Message = ();
    type Input = ToWorker;
    type Output = FromWorker;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        ThreadWorker { acc: 0x9E37_79B9_7F4A_7C15, cell: shared_cell() }
    }

    fn update(&mut self, _scope: &WorkerScope<Self>, _msg: ()) {}

    fn received(&mut self, scope: &WorkerScope<Self>, msg: ToWorker, who: HandlerId) {
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
            ToWorker::Die => {
                worker_close();
                return;
            }
        };
        let spent_ns = ((now_ms() - t0) * 1e6) as u64;
        scope.respond(who, FromWorker { id, spent_ns, check, slept });
    }
}
