//! The playground page: Yew components over the scheduler core.
//!
//! [`driver::Driver`] owns the simulator, its checkpoints and the recorded history;
//! [`state::AppState`] is the page's reducer; `components` render what it holds. Nothing in
//! here changes how the simulator schedules: the same core runs `gmpsim` natively.
//!
//! The page's logic (driver, record, view, locate, boot, shortcuts and the reducer) uses no
//! browser API and compiles on every target, so `cargo test` checks it natively; what touches the
//! browser (components, storage, the clock, the in-view hook, threads mode's workers) is built
//! for wasm32 only.

pub mod boot;
pub mod compare;
pub mod driver;
pub mod fixed;
pub mod gosrc;
pub mod highlight;
pub mod locate;
pub mod msg;
pub mod output;
pub mod owned;
pub mod predict;
pub mod record;
pub mod shortcuts;
pub mod state;
pub mod trace_view;
pub mod quantile;
pub mod threads_panel;
pub mod view;

#[cfg(target_arch = "wasm32")]
pub mod components;
#[cfg(target_arch = "wasm32")]
pub mod next_task;
#[cfg(target_arch = "wasm32")]
pub mod own_worker;
#[cfg(target_arch = "wasm32")]
pub mod seen;
#[cfg(target_arch = "wasm32")]
pub mod storage;
#[cfg(target_arch = "wasm32")]
pub mod thread_worker;
#[cfg(target_arch = "wasm32")]
pub mod threads;
#[cfg(target_arch = "wasm32")]
pub mod trace_sim;
#[cfg(target_arch = "wasm32")]
pub mod trace_worker;
#[cfg(target_arch = "wasm32")]
pub mod worker_codec;
#[cfg(target_arch = "wasm32")]
pub mod wall;

/// Mounts the page on `<body>`.
#[cfg(target_arch = "wasm32")]
pub fn start() {
    yew::Renderer::<components::app::App>::new().render();
}
