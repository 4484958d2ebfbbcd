//! `TraceError`: what went wrong reading a trace, at which byte, and what was expected there.

use std::fmt;

/// The sort of problem, for callers that react differently to each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The header is not `go 1.N trace\0\0\0`: not a Go execution trace.
    BadHeader,
    /// A header of a version this reader does not read (before Go 1.22, or unknown).
    UnsupportedVersion,
    /// The input ended in the middle of something.
    Truncated,
    /// Bytes that do not follow the format.
    Malformed,
}

/// A problem in a trace: `offset 1234: expected a batch header (EventBatch), found byte 0x7f`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceError {
    /// The byte offset in the trace file where the problem is.
    pub offset: u64,
    /// The sort of problem.
    pub kind: ErrorKind,
    /// What was expected and what was found, in words.
    pub message: String,
}

impl TraceError {
    /// A new error at `offset`.
    pub fn new(offset: u64, kind: ErrorKind, message: impl Into<String>) -> TraceError {
        TraceError { offset, kind, message: message.into() }
    }

    /// A malformed-input error at `offset`.
    pub fn malformed(offset: u64, message: impl Into<String>) -> TraceError {
        TraceError::new(offset, ErrorKind::Malformed, message)
    }

    /// The input ended at `offset` where `expected` should have been.
    pub fn truncated(offset: u64, expected: &str) -> TraceError {
        TraceError::new(offset, ErrorKind::Truncated, format!("expected {expected}, found the end of the input (truncated trace)"))
    }
}

impl fmt::Display for TraceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "offset {}: {}", self.offset, self.message)
    }
}

impl std::error::Error for TraceError {}
