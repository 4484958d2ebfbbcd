//! Exports of a scenario for tools outside the playground: a runnable Go program and a trace
//! for Perfetto.
//!
//! [`go_program`] writes `main.go`, a self-contained Go program equivalent to the scenario, so
//! that a user can run the real thing and compare it with `GODEBUG=schedtrace=1` and with the
//! simulator (its `-trace` flag prints goroutine starts and ends with the simulator's ids).
//! [`perfetto_trace`] runs the scenario and writes its event stream as Chrome trace-event JSON,
//! which Perfetto (ui.perfetto.dev) and `chrome://tracing` load: one track per P and per M,
//! goroutine and syscall slices, instants for the scheduler's decisions, steals as flow arrows.
//! Both are pure functions of the scenario (the core does no I/O); the page offers them as
//! downloads and `gmpsim export` writes them.

pub mod go;
pub mod perfetto;

pub use go::go_program;
pub use perfetto::{perfetto_export, perfetto_trace, PerfettoExport};
