//! [`G`]: a goroutine, as the simulator keeps it in its table (`allgs`, `gtable.rs`).

use super::{GStatus, Wait};
use crate::core::scenario::print::Val;

/// A goroutine. Its common fields are here; what few goroutines have (loops, variables,
/// channel values, a locked thread, a pending syscall or panic, a `go` × n in progress, network
/// waits, a syscall's start) is in [`GMore`], boxed and made on the first write: the table's
/// chunks, copied whenever a checkpoint shares them and the run then writes, stay small (72
/// bytes a goroutine in the page's wasm, from 184).
#[derive(Debug)]
pub(crate) struct G {
    /// `g.atomicstatus`.
    pub status: GStatus,
    /// Body being executed (index into `Program::bodies`).
    pub body: u32,
    /// Next instruction.
    pub pc: u32,
    /// Remaining time of the current `work` op when descheduled (0: none in progress).
    pub work_left: u64,
    /// While a `work` op runs: when it ends ([`NO_END`] otherwise).
    pub work_end: u64,
    /// The M running it (running or in a syscall).
    pub m: Option<u32>,
    /// `g.preempt`: sysmon asked it to stop.
    pub preempt: bool,
    /// What it waits for.
    pub wait: Wait,
    /// The goroutine that created it.
    pub parent: Option<u32>,
    /// Go's own goroutine id (`goid`), from per-P blocks of 16 (spec §2.7). Users see the
    /// creation-order id (G1, G2, ...); this one is kept to show how Go numbers them.
    pub goid: u64,
    /// The rest: `None` until one of its parts is first written (then kept, if only at defaults).
    pub more: Option<Box<GMore>>,
}

/// [`G::work_end`] when no `work` op runs (no run reaches that time).
pub(crate) const NO_END: u64 = u64::MAX;

/// The parts of a goroutine that few goroutines use.
#[derive(Clone, Debug)]
pub(crate) struct GMore {
    /// `go f` × n in progress: how many are left to create (0 when not started).
    pub go_left: u32,
    /// Bumped whenever a network wait begins or ends, to invalidate stale readiness.
    pub wait_gen: u32,
    /// When its current syscall started.
    pub syscall_start: u64,
    /// Remaining iterations of the enclosing `repeat`s, innermost last.
    pub loops: Vec<u64>,
    /// `g.lockedm`: the M it is locked to.
    pub lockedm: Option<u32>,
    /// LockOSThread nesting count.
    pub lock_count: u32,
    /// A syscall the user asked it to enter.
    pub pending_syscall: Option<u64>,
    /// Panics with this when it next runs (a sender woken by `close`).
    pub panic_on_run: Option<crate::core::event::PanicKind>,
    /// Its variables, by slot of its body ([`crate::core::program::Body::vars`]).
    pub vars: Vec<Val>,
    /// What its last receive got: `None` if the channel was closed.
    pub received: Option<Val>,
    /// The value it is sending while blocked in a send.
    pub sending: Val,
}

impl Default for GMore {
    fn default() -> Self {
        GMore { go_left: 0, wait_gen: 0, syscall_start: 0, loops: Vec::new(), lockedm: None, lock_count: 0, pending_syscall: None, panic_on_run: None, vars: Vec::new(), received: None, sending: Val::Unit }
    }
}

impl G {
    /// Its rare parts, made (at their defaults) if it had none.
    pub fn more_mut(&mut self) -> &mut GMore {
        self.more.get_or_insert_with(Box::default)
    }

    /// Bumped whenever a network wait begins or ends, to invalidate stale readiness.
    pub fn wait_gen(&self) -> u32 {
        self.more.as_ref().map_or(0, |x| x.wait_gen)
    }

    /// When its current syscall started.
    pub fn syscall_start(&self) -> u64 {
        self.more.as_ref().map_or(0, |x| x.syscall_start)
    }

    /// Whether a `work` op is running (it has an end).
    pub fn in_work(&self) -> bool {
        self.work_end != NO_END
    }

    /// While a `work` op runs, when it ends; `None` otherwise. Takes it.
    pub fn take_work_end(&mut self) -> Option<u64> {
        let end = std::mem::replace(&mut self.work_end, NO_END);
        (end != NO_END).then_some(end)
    }

    /// `g.lockedm`: the M it is locked to.
    pub fn lockedm(&self) -> Option<u32> {
        self.more.as_ref().and_then(|x| x.lockedm)
    }

    /// LockOSThread nesting count.
    pub fn lock_count(&self) -> u32 {
        self.more.as_ref().map_or(0, |x| x.lock_count)
    }

    /// Its variables, by slot of its body.
    pub fn vars(&self) -> &[Val] {
        self.more.as_deref().map_or(&[], |x| &x.vars)
    }

    /// What its last receive got: `None` if the channel was closed.
    pub fn received(&self) -> Option<&Val> {
        self.more.as_ref().and_then(|x| x.received.as_ref())
    }

    /// Takes the value it is sending, leaving `Val::Unit`.
    pub fn take_sending(&mut self) -> Val {
        self.more.as_mut().map_or(Val::Unit, |x| std::mem::replace(&mut x.sending, Val::Unit))
    }

    /// No longer locked to a thread.
    pub fn unlock(&mut self) {
        if let Some(x) = self.more.as_mut() {
            x.lockedm = None;
            x.lock_count = 0;
        }
    }
}

/// A goroutine is cloned whenever a checkpoint's shared chunk of the goroutine table is first
/// written (256 at a time, thousands of times in a long seek): its fields are copied in place,
/// and only a goroutine with rare parts clones those.
impl Clone for G {
    #[inline]
    fn clone(&self) -> G {
        G {
            status: self.status,
            body: self.body,
            pc: self.pc,
            work_left: self.work_left,
            work_end: self.work_end,
            m: self.m,
            preempt: self.preempt,
            wait: self.wait,
            parent: self.parent,
            goid: self.goid,
            more: self.more.clone(),
        }
    }
}
