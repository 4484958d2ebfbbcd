//! Real-time mode: the Ms are real threads (the page's Web Workers). `work` and `syscall` ops
//! become [`Command`]s for an M's thread, which reports back; the scheduling rules are the
//! same as in virtual time.

use super::{Awaiting, Command, MStatus, Sim};
use crate::core::ids::{GId, MId};

impl Sim {
    /// Switches to real-time mode before the first step: `work` and `syscall` ops are no
    /// longer timed by the simulator but carried out by the driver's threads, which report
    /// back with [`Sim::work_done`] and [`Sim::syscall_done`]. CPU work is handed out in slices
    /// of at most `slice_ns`; a preemption request takes effect when a slice ends, as Go's
    /// cooperative preemption does at a function prologue. The scheduling rules are the same.
    pub fn set_real_time(&mut self, slice_ns: u64) {
        assert!(!self.started, "set_real_time: the run has started");
        self.external = true;
        self.slice_ns = slice_ns.max(1);
    }

    /// True in real-time mode.
    pub fn real_time(&self) -> bool {
        self.external
    }

    /// What the driver's threads must do, made by the last steps; the driver takes them.
    pub fn take_commands(&mut self) -> Vec<Command> {
        std::mem::take(&mut self.commands)
    }

    /// M's thread finished the slice of CPU work it was given, at real time `now`. Returns
    /// `false` if the M was no longer waiting for one (its goroutine was stopped meanwhile).
    pub fn work_done(&mut self, m: MId, now: u64) -> bool {
        let m = m.0;
        let Some(Awaiting::Work { slice }) = self.ms.get(m as usize).and_then(|x| x.awaiting) else {
            return false;
        };
        self.ms[m as usize].awaiting = None;
        let g = self.ms[m as usize].curg.expect("work_done: M has no G");
        let gg = &mut self.gs[g as usize];
        gg.work_left = gg.work_left.saturating_sub(slice);
        if gg.work_left == 0 {
            gg.pc += 1;
        }
        self.now = self.now.max(now);
        self.wake_m(m, self.now);
        true
    }

    /// M's thread came back from the blocking syscall it was given, at real time `now`.
    pub fn syscall_done(&mut self, m: MId, now: u64) -> bool {
        let m = m.0;
        if self.ms.get(m as usize).and_then(|x| x.awaiting) != Some(Awaiting::Syscall) {
            return false;
        }
        self.ms[m as usize].awaiting = None;
        self.now = self.now.max(now);
        self.wake_m(m, self.now);
        true
    }

    /// The driver lost M's thread (it crashed or stopped answering): its goroutine is marked
    /// lost and left out of the run; the M exits and its P is handed off so the rest goes on.
    pub fn thread_lost(&mut self, m: MId, now: u64) -> Option<GId> {
        let m = m.0;
        if self.ms.get(m as usize).is_none_or(|x| matches!(x.state, MStatus::Dead | MStatus::Sysmon)) {
            return None;
        }
        self.events.clear();
        self.now = self.now.max(now);
        let lost = self.lose_thread(m);
        self.step += 1;
        let step = self.step;
        for e in &mut self.events {
            e.step = step;
        }
        lost.map(|g| self.gid(g))
    }
}
