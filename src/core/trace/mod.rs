//! A reader for Go's execution trace format, Go 1.22 and later (`internal/trace/tracev2`):
//! sans-IO and streaming.
//!
//! # The format
//!
//! A trace starts with a 16-byte header naming the format's version (`go 1.26 trace\0\0\0`)
//! and continues with **batches**. Each batch is written by one thread (M) for one
//! **generation** — the runtime starts a new generation every second or so — and is a header
//! (`EventBatch gen m time size`) followed by `size` bytes of events. An event is a type byte
//! and unsigned varint arguments; a timed event's first argument is the ticks since the
//! previous event of its batch (the first counts from the batch header's time). Some batches
//! are tables rather than events: the **string** dictionary (`Strings`), the **stack** table
//! (`Stacks`), CPU samples, and the sync batch with the clock's frequency (and from Go 1.25 a
//! clock snapshot). Ids of strings and stacks are local to their generation. Go 1.26 closes
//! every generation with a lone `EndOfGeneration` byte; before it, a generation ends where
//! the next one's batches begin.
//!
//! # The reader
//!
//! [`TraceReader`] takes bytes with `feed` and gives [`TraceEvent`]s with `next` (or
//! [`Pull::NeedInput`]); it does no I/O. It gathers one generation at a time
//! ([`Generation`]: its tables and clock), then yields that generation's timed events, each
//! thread's in its own order, the threads merged by timestamp. Every event carries its time
//! (ns since the trace began), its thread, and the P and goroutine that thread held, followed
//! from the thread's own events (`ProcStart`, `GoStart`, `GoBlock`, ...) and the steals and
//! statuses other threads report. Memory is bounded by the largest generation, not the file.
//! [`Counts`] counts every wire event as `go tool trace -d=wire` prints them; [`Summary`]
//! adds GOMAXPROCS, goroutines, threads and duration; [`Replay`] turns the user goroutines into
//! a scenario that replays them (`gmpsim import --trace`). Every malformed input is a
//! [`TraceError`] naming the byte offset and what was expected there; the reader never panics
//! on input.
//!
//! What it does not do (yet): the full partial-order validation of Go's `internal/trace`
//! (sequence numbers across threads); events at equal or skewed timestamps on different
//! threads come in timestamp order, which Go's reader may refine by sequence numbers.

pub mod batch;
pub mod counts;
pub mod error;
pub mod event;
pub mod generation;
pub mod kind;
pub mod measures;
pub mod reader;
pub mod replay;
pub mod stack_table;
pub mod string_table;
pub mod summary;
pub mod thread;
pub mod timeline;
pub mod varint;
pub mod version;

pub use counts::Counts;
pub use error::{ErrorKind, TraceError};
pub use event::{GoState, ProcState, TraceEvent};
pub use generation::Generation;
pub use kind::EventKind;
pub use reader::{Pull, TraceReader};
pub use replay::{OverLimit, Replay};
pub use summary::Summary;
pub use version::Version;
