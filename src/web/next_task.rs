//! [`NextTask`]: run a closure in a task of its own, as soon as the browser has handled what is
//! waiting (input, rendering), without a timer's delay. A long seek runs its slices this way: a
//! zero timeout nested more than four deep waits at least 4 ms (the HTML standard's clamp), which
//! over a seek's dozens of slices added a tenth of its time as idle gaps; a `MessageChannel`
//! message is not clamped.

use gloo_events::EventListener;
use wasm_bindgen::JsValue;
use web_sys::{MessageChannel, MessagePort};

/// A closure waiting for its task. Dropping it cancels the closure if it has not run yet.
pub struct NextTask {
    port: MessagePort,
    _listener: EventListener,
}

impl NextTask {
    /// Runs `f` in a new task.
    pub fn new(f: impl FnOnce() + 'static) -> NextTask {
        let channel = MessageChannel::new().expect("MessageChannel is available on the page");
        let port = channel.port1();
        let listener = EventListener::once(&port, "message", move |_| f());
        // A port listened to with addEventListener delivers only once started.
        port.start();
        channel.port2().post_message(&JsValue::NULL).expect("posting to a fresh MessageChannel");
        NextTask { port, _listener: listener }
    }
}

impl Drop for NextTask {
    fn drop(&mut self) {
        self.port.close();
    }
}
