//! The scheduler core: a deterministic simulation of the Go runtime scheduler.
//!
//! # Design
//!
//! Go multiplexes goroutines (G) onto OS threads (M). A thread may run Go code only while it
//! holds a P, a logical processor; there are GOMAXPROCS Ps. Each P has a local run queue (a
//! 256-slot ring plus the `runnext` slot); one global run queue backs them all. A thread with
//! no work looks, in order, at its timers, the global queue (every 61st tick, for fairness),
//! its local queue, the global queue again, the network poller, and the other Ps' queues,
//! stealing half of a victim's work; only a bounded number of threads "spin" like this at a
//! time, and each one that finds work wakes the next. A goroutine that blocks (channel,
//! WaitGroup, sleep, network) holds neither M nor P. A goroutine in a blocking system call
//! holds its M; sysmon, a thread without a P, takes the P away and hands it to another thread
//! so other goroutines keep running, and preempts goroutines that ran for 10 ms.
//!
//! This module follows `src/runtime/proc.go` as described in `shared/go-scheduler-spec.md`
//! (Go 1.26/1.27 master, commit 00120edb; items that differ in older releases are marked
//! [OLD]/[NEW] there, and the simulator implements [NEW]). Every method that stands for a Go
//! function says which.
//!
//! The core is sans-IO: it knows nothing of browsers, workers, clocks or files. [`sim::Sim`]
//! is a state machine over virtual time: inputs in (a scenario, user actions), a stream of
//! [`event::Event`]s out, each explaining itself in words that name the Go function. The
//! command-line runner, the browser page and every test read that stream.
//!
//! # Simplifications
//!
//! What Go does that the simulator does not, and why it is safe to leave out:
//! - No garbage collector: no GC workers, no mark assists, no stop-the-world for GC (only the
//!   one around `GOMAXPROCS`), no `forcegc` helper. Scheduling rules are those of a program
//!   that does not allocate much.
//! - No runtime goroutines (finalizer, bgsweep, scavenger, forcegc). Goroutines are shown by
//!   the contract's creation-order id (main is G1, then G2, ...); Go's own goid, handed out in
//!   per-P blocks of 16, is kept beside it (`GState::goid`).
//! - Goroutines run the ops of the scenario; "user code" has no function-call granularity, so
//!   a preemption request stops `work` at once (asynchronous preemption) and any other op at
//!   its start.
//! - `select`, `sync.Mutex` and `sync.Cond` are not scenario ops yet; the seeded RNG only
//!   drives the steal order.
//! - Costs of runtime work (goroutine switch, spawn, thread wake-up and creation, a syscall's
//!   entry and exit) are fixed virtual-time prices ([`costs::Costs`]), not measurements.
//! - Stop-the-world for `GOMAXPROCS` happens in one step: every running goroutine is
//!   preempted at once (Go waits for each to reach a safe point, re-preempting every 100 µs).
//! - Timers are per-P heaps run by `findRunnable`, `stealWork`'s last pass and the netpoller's
//!   wake-up, as in Go; Go 1.23's lazy channel timers are not modelled.
//! - A scheduling round (`findRunnable`, `stealWork`) takes no virtual time of its own; the
//!   3 µs runnext back-off is modelled exactly, and `execute` costs `costs.g_switch`.

pub mod compare;
pub mod costs;
pub mod event;
pub mod export;
pub mod golang;
pub mod ids;
pub mod lessons;
pub mod link;
pub mod predict;
pub mod program;
pub mod rng;
pub mod runq;
pub mod scenario;
pub mod shortest;
pub mod sim;
pub mod summary;
pub mod timeline;
pub mod trace;
