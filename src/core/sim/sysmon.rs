//! sysmon: its tick schedule, deep sleep, the 10 ms network poll, and `retake` with time-slice
//! preemption and syscall hand-off (spec §5.4, §6.4, §6.5).

use super::{GStatus, MStatus, PStatus, Sim, SYSMON_DEEP_SLEEP_NS, SYSMON_MAX_DELAY_NS, SYSMON_MIN_DELAY_NS, SYSMON_NETPOLL_NS, TIME_SLICE_NS};
use crate::core::event::{PollWhere, What};

impl Sim {
    /// One sysmon wake-up (the body of sysmon's loop after `usleep(delay)`).
    pub(crate) fn sysmon_tick(&mut self) {
        let now = self.now;
        // Deep sleep while every P is idle, until the next timer (at most forcegcperiod/2).
        if !self.sysmon.deep && self.npidle() == self.gomaxprocs {
            let next = self.next_timer().unwrap_or(u64::MAX);
            if next > now {
                self.sysmon.deep = true;
                let sleep = SYSMON_DEEP_SLEEP_NS.min(next - now);
                self.schedule_sysmon(now + sleep);
                return;
            }
        }
        self.sysmon.deep = false;
        // Safety net: with no thread running, checkdead must already have ended the run.
        if self.ms.iter().all(|m| matches!(m.state, MStatus::Idle | MStatus::LockedWait | MStatus::Dead | MStatus::Sysmon)) {
            self.checkdead();
            if self.outcome.is_some() {
                return;
            }
        }
        // Poll the network if nobody has for 10 ms.
        if self.netpoll_inited && self.poller.is_none() && self.lastpoll + SYSMON_NETPOLL_NS < now {
            self.lastpoll = now;
            if !self.net_ready.is_empty() {
                let list = self.netpoll();
                let sm = self.sysmon.m;
                self.emit(None, None, Some(sm), What::NetpollReady { n: list.len() as u32, poller: PollWhere::Sysmon });
                self.injectglist(&list, None);
            }
        }
        if self.retake(now) > 0 {
            self.sysmon.idle = 0;
        } else {
            self.sysmon.idle += 1;
        }
        // The next sleep: 20 µs while active, doubling after 50 idle cycles, at most 10 ms.
        if self.sysmon.idle == 0 {
            self.sysmon.delay = SYSMON_MIN_DELAY_NS;
        } else if self.sysmon.idle > 50 {
            self.sysmon.delay *= 2;
        }
        self.sysmon.delay = self.sysmon.delay.min(SYSMON_MAX_DELAY_NS);
        let at = now + self.sysmon.delay;
        self.schedule_sysmon(at);
    }

    /// Wakes sysmon from deep sleep (syscall entry and exit paths, start-the-world).
    pub(crate) fn sysmon_wake_if_deep(&mut self) {
        if self.sysmon.deep {
            // notewakeup(&sched.sysmonnote): sysmon finishes this loop iteration now (the tick
            // sees `deep` and skips the deep-sleep check), with `idle` and `delay` reset.
            self.sysmon.idle = 0;
            self.sysmon.delay = SYSMON_MIN_DELAY_NS;
            let at = self.now;
            self.schedule_sysmon(at);
        }
    }

    /// The earliest timer on any P (`timeSleepUntil`).
    pub(crate) fn next_timer(&self) -> Option<u64> {
        self.ps[..self.gomaxprocs as usize].iter().filter_map(|p| p.timers.peek().map(|t| t.0 .0)).min()
    }

    /// `retake`: preempt goroutines past their time slice and take Ps from syscalls.
    /// Returns how many Ps it took.
    fn retake(&mut self, now: u64) -> u32 {
        let mut n = 0;
        for p in 0..self.gomaxprocs {
            if self.ps[p as usize].status != PStatus::Running {
                continue;
            }
            let Some(m) = self.ps[p as usize].m else { continue };
            let pp = &mut self.ps[p as usize];
            let mut sysretake = false;
            if pp.schedtick != pp.sysmontick.schedtick {
                pp.sysmontick.schedtick = pp.schedtick;
                pp.sysmontick.schedwhen = now;
            } else if pp.sysmontick.schedwhen + TIME_SLICE_NS <= now {
                self.preemptone(p, m);
                sysretake = true;
            }
            // Is the P's goroutine in a syscall?
            let Some(g) = self.ms[m as usize].curg else { continue };
            if self.gs[g as usize].status != GStatus::Syscall {
                continue;
            }
            let pp = &mut self.ps[p as usize];
            if !sysretake && pp.syscalltick != pp.sysmontick.syscalltick {
                pp.sysmontick.syscalltick = pp.syscalltick;
                pp.sysmontick.syscallwhen = now;
                continue;
            }
            let others_can_work = self.nmspinning + self.pidle.len() as u32 > 0;
            let pp = &self.ps[p as usize];
            if pp.runq.is_empty() && others_can_work && pp.sysmontick.syscallwhen + TIME_SLICE_NS > now {
                continue;
            }
            // takeP: unwire the P from the M in the syscall, and hand it off.
            self.ms[m as usize].p = None;
            let pp = &mut self.ps[p as usize];
            pp.m = None;
            pp.oldm = Some(m);
            pp.status = PStatus::Idle;
            pp.syscalltick = pp.syscalltick.wrapping_add(1);
            let syscall_ns = now - self.gs[g as usize].syscall_start();
            let from = crate::core::ids::MId(m);
            let sm = self.sysmon.m;
            self.emit(Some(g), Some(p), Some(sm), What::ProcSteal { from, by_sysmon: true, syscall_ns });
            n += 1;
            self.handoffp(p);
        }
        n
    }

    /// `preemptone`: ask the goroutine running on P to stop (not one in a syscall).
    fn preemptone(&mut self, p: u32, m: u32) {
        let Some(g) = self.ms[m as usize].curg else { return };
        if self.gs[g as usize].status != GStatus::Running || self.ms[m as usize].state != MStatus::Run {
            return;
        }
        if self.gs[g as usize].preempt {
            return;
        }
        self.gs[g as usize].preempt = true;
        let ran_ns = self.now - self.ps[p as usize].slice_start;
        let sm = self.sysmon.m;
        self.emit(Some(g), Some(p), Some(sm), What::Preempt { ran_ns });
        // Asynchronous preemption (SIGURG) stops CPU work at once. (In real-time mode the
        // thread stops at the end of its slice, when it reports.)
        if self.gs[g as usize].in_work() {
            self.wake_m(m, self.now);
        }
    }
}
