//! `TraceEvent`: one timed event read from a trace, with its time and the thread (M), P and
//! goroutine (G) it happened on, and its meaning in the simulator's vocabulary.

use super::kind::EventKind;

/// A goroutine's state in `GoStatus` (`tracev2.GoStatus`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GoState {
    /// An invalid value.
    Bad,
    /// Runnable, in a run queue.
    Runnable,
    /// Running on an M.
    Running,
    /// In a system call on an M.
    Syscall,
    /// Blocked.
    Waiting,
}

impl GoState {
    /// From the wire value.
    pub fn from_wire(x: u64) -> GoState {
        match x {
            1 => GoState::Runnable,
            2 => GoState::Running,
            3 => GoState::Syscall,
            4 => GoState::Waiting,
            _ => GoState::Bad,
        }
    }
}

/// A P's state in `ProcStatus` (`tracev2.ProcStatus`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProcState {
    /// An invalid value.
    Bad,
    /// Held by an M running Go code.
    Running,
    /// On the idle list.
    Idle,
    /// Held by an M whose goroutine is in a system call.
    Syscall,
    /// In a syscall whose start was not seen in this generation (before a `ProcSteal`).
    SyscallAbandoned,
}

impl ProcState {
    /// From the wire value.
    pub fn from_wire(x: u64) -> ProcState {
        match x {
            1 => ProcState::Running,
            2 => ProcState::Idle,
            3 => ProcState::Syscall,
            4 => ProcState::SyscallAbandoned,
            _ => ProcState::Bad,
        }
    }
}

/// One timed event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceEvent {
    /// The wire type.
    pub kind: EventKind,
    /// The generation it belongs to.
    pub gen: u64,
    /// The raw timestamp, in the trace's ticks.
    pub ts: u64,
    /// Nanoseconds since the first timestamp of the trace.
    pub time_ns: u64,
    /// The thread that wrote it ([`super::batch::NO_THREAD`] for the statuses the runtime
    /// writes for goroutines that are on no thread).
    pub m: u64,
    /// The P that thread held just before the event, if any.
    pub p: Option<u64>,
    /// The goroutine running on that thread just before the event, if any.
    pub g: Option<u64>,
    /// The arguments after `dt`, in the order of [`EventKind::arg_names`] (unused ones 0).
    pub args: [u64; 4],
    /// The byte offset of the event in the file.
    pub offset: u64,
}

impl Default for TraceEvent {
    fn default() -> TraceEvent {
        TraceEvent { kind: EventKind::GoStart, gen: 0, ts: 0, time_ns: 0, m: 0, p: None, g: None, args: [0; 4], offset: 0 }
    }
}

impl TraceEvent {
    /// The arguments after `dt`.
    pub fn args(&self) -> &[u64] {
        &self.args[..self.kind.arg_count().saturating_sub(1)]
    }

    /// The argument named `name` (as in [`EventKind::arg_names`]).
    pub fn arg(&self, name: &str) -> Option<u64> {
        let i = self.kind.arg_names().iter().skip(1).position(|&n| n == name)?;
        Some(self.args[i])
    }

    /// The thread, unless it is [`super::batch::NO_THREAD`].
    pub fn thread(&self) -> Option<u64> {
        Some(self.m).filter(|&m| m != super::batch::NO_THREAD)
    }

    /// The goroutine the event is about: the created, started, unblocked, described or
    /// switched-to one for the events that name one, else the one running on the thread.
    pub fn subject_g(&self) -> Option<u64> {
        use EventKind::*;
        match self.kind {
            GoCreate | GoCreateSyscall | GoCreateBlocked | GoStart | GoUnblock | GoStatus | GoStatusStack
            | GoSwitch | GoSwitchDestroy | GCMarkAssistActive => Some(self.args[0]),
            _ => self.g,
        }
    }

    /// The P the event is about: the started, stolen or described one for the events that
    /// name one, else the thread's.
    pub fn subject_p(&self) -> Option<u64> {
        use EventKind::*;
        match self.kind {
            ProcStart | ProcSteal | ProcStatus | GCSweepActive => Some(self.args[0]),
            _ => self.p,
        }
    }

    /// The stack id of the place the event happened, for events that record one (0 is none).
    pub fn stack(&self) -> Option<u64> {
        let i = self.kind.arg_names().iter().skip(1).position(|&n| n == "stack")?;
        Some(self.args[i]).filter(|&s| s != 0)
    }

    /// The simulator's event kind ([`crate::core::event::Kind`]) that stands for this one, if
    /// there is one: `GoCreate`, `GoStart`, `GoStop`, `GoBlock`, `GoUnblock`, `GoDestroy`,
    /// `GoSyscallBegin`, `GoSyscallEnd`, `GoSyscallEndBlocked`, `ProcStart`, `ProcStop`,
    /// `ProcSteal`, `ProcsChange`, `STWBegin`, `STWEnd`.
    pub fn sim_kind(&self) -> Option<crate::core::event::Kind> {
        use crate::core::event::Kind as Sim;
        use EventKind::*;
        Some(match self.kind {
            GoCreate | GoCreateBlocked | GoCreateSyscall => Sim::GoCreate,
            GoStart | GoSwitch => Sim::GoStart,
            GoStop => Sim::GoStop,
            GoBlock => Sim::GoBlock,
            GoUnblock => Sim::GoUnblock,
            GoDestroy | GoDestroySyscall | GoSwitchDestroy => Sim::GoDestroy,
            GoSyscallBegin => Sim::GoSyscallBegin,
            GoSyscallEnd => Sim::GoSyscallEnd,
            GoSyscallEndBlocked => Sim::GoSyscallEndBlocked,
            ProcStart => Sim::ProcStart,
            ProcStop => Sim::ProcStop,
            ProcSteal => Sim::ProcSteal,
            ProcsChange => Sim::ProcsChange,
            STWBegin => Sim::STWBegin,
            STWEnd => Sim::STWEnd,
            _ => return None,
        })
    }
}
