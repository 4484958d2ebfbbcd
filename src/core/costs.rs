//! Virtual-time prices of runtime work.
//!
//! The simulator's clock advances by these amounts. The defaults come from section 11 of the
//! scheduler specification (`shared/go-scheduler-spec.md`) and the sources it cites; a scenario
//! can override any of them in its `costs` map.

use serde::Serialize;

/// Every cost, in virtual nanoseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Costs {
    /// `schedule` + `execute`: switching an M from one goroutine to the next (user-space context
    /// switch). Folklore-grade figure of 100–200 ns (spec §11); default 200 ns.
    pub g_switch: u64,
    /// `newproc`: creating a goroutine and queueing it. `BenchmarkCreateGoroutines` measured
    /// 88–219 ns per goroutine (spec §11); default 100 ns.
    pub spawn: u64,
    /// Waking a parked M (futex wake + the thread getting a CPU). 1–2 µs per thread switch
    /// (spec §11); default 2 µs.
    pub m_wake: u64,
    /// Creating a new OS thread (`newm` → `clone`). "Tens of µs" (spec §11); default 20 µs.
    pub m_create: u64,
    /// A channel operation, WaitGroup call, `Gosched` call or `LockOSThread`: the user-side
    /// cost of a runtime call that does not block. Default 50 ns.
    pub sync_op: u64,
    /// `entersyscall` + `exitsyscall` fast path: about 30 ns (spec §11). Default 30 ns.
    pub syscall: u64,
    /// The back-off a thief sleeps before stealing a running P's `runnext` (`usleep(3)` in
    /// `runqgrab`): 3 µs.
    pub steal_backoff: u64,
}

impl Default for Costs {
    fn default() -> Self {
        Costs {
            g_switch: 200,
            spawn: 100,
            m_wake: 2_000,
            m_create: 20_000,
            sync_op: 50,
            syscall: 30,
            steal_backoff: 3_000,
        }
    }
}

impl Costs {
    /// The names a scenario's `costs` map may use, in documentation order.
    pub const NAMES: [&'static str; 7] = [
        "g_switch",
        "spawn",
        "m_wake",
        "m_create",
        "sync_op",
        "syscall",
        "steal_backoff",
    ];

    /// Largest cost a scenario may set: one second.
    pub const MAX: u64 = 1_000_000_000;

    /// Sets the cost called `name`. Returns `false` if there is no such cost.
    pub fn set(&mut self, name: &str, ns: u64) -> bool {
        let slot = match name {
            "g_switch" => &mut self.g_switch,
            "spawn" => &mut self.spawn,
            "m_wake" => &mut self.m_wake,
            "m_create" => &mut self.m_create,
            "sync_op" => &mut self.sync_op,
            "syscall" => &mut self.syscall,
            "steal_backoff" => &mut self.steal_backoff,
            _ => return false,
        };
        *slot = ns;
        true
    }

    /// The cost called `name`, if there is one.
    pub fn get(&self, name: &str) -> Option<u64> {
        Some(match name {
            "g_switch" => self.g_switch,
            "spawn" => self.spawn,
            "m_wake" => self.m_wake,
            "m_create" => self.m_create,
            "sync_op" => self.sync_op,
            "syscall" => self.syscall,
            "steal_backoff" => self.steal_backoff,
            _ => return None,
        })
    }
}
