//! `ThreadState`: what a thread (M) holds between its events — its P and its goroutine —
//! followed from its own events in the order it wrote them.

/// The P and goroutine an M holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ThreadState {
    /// The P it holds (running or in a syscall), if any.
    pub p: Option<u64>,
    /// The goroutine it runs (or that is in a syscall on it), if any.
    pub g: Option<u64>,
}
