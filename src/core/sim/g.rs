//! [`G`]: a goroutine, as the simulator keeps it in its table (`allgs`, `gtable.rs`).

use super::{GStatus, Wait};
use crate::core::scenario::print::Val;

/// A goroutine.
#[derive(Debug)]
pub(crate) struct G {
    /// `g.atomicstatus`.
    pub status: GStatus,
    /// Body being executed (index into `Program::bodies`).
    pub body: u32,
    /// Next instruction.
    pub pc: u32,
    /// Remaining iterations of the enclosing `repeat`s, innermost last.
    pub loops: Vec<u64>,
    /// `go f` × n in progress: how many are left to create (0 when not started).
    pub go_left: u32,
    /// Remaining time of the current `work` op when descheduled (0: none in progress).
    pub work_left: u64,
    /// While a `work` op runs: when it ends.
    pub work_end: Option<u64>,
    /// The M running it (running or in a syscall).
    pub m: Option<u32>,
    /// `g.lockedm`: the M it is locked to.
    pub lockedm: Option<u32>,
    /// LockOSThread nesting count.
    pub lock_count: u32,
    /// `g.preempt`: sysmon asked it to stop.
    pub preempt: bool,
    /// A syscall the user asked it to enter.
    pub pending_syscall: Option<u64>,
    /// What it waits for.
    pub wait: Wait,
    /// Bumped whenever a network wait begins or ends, to invalidate stale readiness.
    pub wait_gen: u32,
    /// Panics with this when it next runs (a sender woken by `close`).
    pub panic_on_run: Option<crate::core::event::PanicKind>,
    /// When its current syscall started.
    pub syscall_start: u64,
    /// The goroutine that created it.
    pub parent: Option<u32>,
    /// Go's own goroutine id (`goid`), from per-P blocks of 16 (spec §2.7). Users see the
    /// creation-order id (G1, G2, ...); this one is kept to show how Go numbers them.
    pub goid: u64,
    /// Its variables, by slot of its body ([`crate::core::program::Body::vars`]).
    pub vars: Vec<Val>,
    /// What its last receive got: `None` if the channel was closed.
    pub received: Option<Val>,
    /// The value it is sending while blocked in a send.
    pub sending: Val,
}

/// A goroutine is cloned whenever a checkpoint's shared chunk of the goroutine table is first
/// written (256 at a time, thousands of times in a long seek): its plain fields are copied in
/// place, and only a goroutine with loops, variables or a string in flight clones those.
impl Clone for G {
    #[inline]
    fn clone(&self) -> G {
        let val = |v: &Val| match v {
            Val::Int(i) => Val::Int(*i),
            Val::Unit => Val::Unit,
            Val::Nil => Val::Nil,
            Val::Str(s) => Val::Str(s.clone()),
        };
        G {
            status: self.status,
            body: self.body,
            pc: self.pc,
            loops: if self.loops.is_empty() { Vec::new() } else { self.loops.clone() },
            go_left: self.go_left,
            work_left: self.work_left,
            work_end: self.work_end,
            m: self.m,
            lockedm: self.lockedm,
            lock_count: self.lock_count,
            preempt: self.preempt,
            pending_syscall: self.pending_syscall,
            wait: self.wait,
            wait_gen: self.wait_gen,
            panic_on_run: self.panic_on_run,
            syscall_start: self.syscall_start,
            parent: self.parent,
            goid: self.goid,
            vars: if self.vars.is_empty() { Vec::new() } else { self.vars.clone() },
            received: self.received.as_ref().map(val),
            sending: val(&self.sending),
        }
    }
}
