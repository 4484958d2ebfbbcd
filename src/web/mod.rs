//! The playground page: Yew components over the scheduler core, built for wasm32 only.
//!
//! [`driver::Driver`] owns the simulator, its checkpoints and the recorded history;
//! [`state::AppState`] is the page's reducer; [`components`] render what it holds. Nothing in
//! here changes how the simulator schedules: the same core runs `gmpsim` natively.

pub mod boot;
pub mod components;
pub mod driver;
pub mod locate;
pub mod record;
pub mod seen;
pub mod shortcuts;
pub mod state;
pub mod storage;
pub mod thread_worker;
pub mod threads;
pub mod view;
pub mod wall;

/// Mounts the page on `<body>`.
pub fn start() {
    yew::Renderer::<components::app::App>::new().render();
}
