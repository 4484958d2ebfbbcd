//! `procresize` at start-up and for `runtime.GOMAXPROCS(n)`, with the stop-the-world around
//! it (spec §9.1, §9.3).

use super::{GStatus, MStatus, PStatus, Sim, P};
use crate::core::event::{Place, StopReason, What};
use crate::core::runq::RunQueue;
use std::collections::BinaryHeap;

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// `randomOrder.reset(n)`: the numbers in 1..=n coprime with n.
pub(crate) fn coprimes(n: u32) -> Vec<u32> {
    (1..=n).filter(|&i| gcd(i, n) == 1).collect()
}

/// The order `stealWork` visits Ps in for random value `r` (spec §4.5).
pub fn steal_order(n: u32, r: u32) -> Vec<u32> {
    let c = coprimes(n);
    let mut pos = r % n;
    let inc = c[((r / n) as usize) % c.len()];
    (0..n)
        .map(|_| {
            let here = pos;
            pos = (pos + inc) % n;
            here
        })
        .collect()
}

impl Sim {
    fn new_p() -> P {
        P {
            status: PStatus::GcStop,
            m: None,
            runq: RunQueue::default(),
            schedtick: 0,
            syscalltick: 0,
            sysmontick: Default::default(),
            timers: BinaryHeap::new(),
            idle: false,
            oldm: None,
            slice_start: 0,
            goid_next: 0,
            goid_end: 0,
        }
    }

    /// `schedinit`'s `procresize`: M0 has no P, takes P0; the others go idle in increasing id
    /// order, so the idle stack's front is the highest id [NEW].
    pub(crate) fn procresize_at_start(&mut self, n: u32) {
        self.emit(None, None, Some(0), What::ProcsChange { from: 0, to: n });
        for _ in 0..n {
            let mut p = Self::new_p();
            p.schedtick = self.initial_schedtick;
            self.ps.push(p);
        }
        self.gomaxprocs = n;
        self.coprimes = coprimes(n);
        self.acquirep(0, 0);
        self.ms[0].state = MStatus::Run;
        if self.new_rules() {
            for p in 1..n {
                self.pidleput(p);
            }
        } else {
            // [OLD]: pushed in decreasing id order, so the front is the lowest id.
            for p in (1..n).rev() {
                self.pidleput(p);
            }
        }
    }

    /// `runtime.GOMAXPROCS(n)`: stop the world, `procresize(n)`, start the world. `caller` is
    /// the M and G that called it (none for a user action).
    pub(crate) fn stop_and_resize(&mut self, n: u32, caller: Option<(u32, u32)>) {
        if n == 0 || n == self.gomaxprocs {
            // debug.go: `if n <= 0 || n == ret { return ret }` — no stop-the-world, no
            // preemption; the caller just goes on.
            return;
        }
        let caller_m = caller.map(|c| c.0);
        let caller_p = caller_m.and_then(|m| self.ms[m as usize].p);
        self.emit(caller.map(|c| c.1), caller_p, caller_m, What::STWBegin);
        let old = self.gomaxprocs;
        // Stop every P: running goroutines are preempted and stay first on their P; threads
        // holding Ps park; Ps in syscalls are taken; idle Ps leave the idle list.
        for p in 0..old {
            if Some(p) == caller_p {
                continue;
            }
            let Some(m) = self.ps[p as usize].m else { continue };
            match self.ms[m as usize].state {
                MStatus::Run => {
                    let g = self.ms[m as usize].curg.expect("running M has a G");
                    if let Some(end) = self.gs[g as usize].take_work_end() {
                        self.gs[g as usize].work_left = end.saturating_sub(self.now);
                        if self.gs[g as usize].work_left == 0 {
                            self.gs[g as usize].pc += 1;
                        }
                    }
                    let gg = &mut self.gs[g as usize];
                    gg.status = GStatus::Runnable;
                    gg.m = None;
                    gg.preempt = false;
                    let place = if self.new_rules() {
                        // [NEW]: a goroutine preempted for a stop-the-world stays first on its P.
                        self.runqput(p, g, true)
                    } else {
                        self.globrunqput(g);
                        Place::GlobalTail
                    };
                    self.emit(Some(g), Some(p), Some(m), What::GoStop { reason: StopReason::PreemptedStw, place });
                    self.ms[m as usize].curg = None;
                    self.gcstopm(m);
                }
                MStatus::Schedule => self.gcstopm(m),
                MStatus::Syscall => {
                    // gcstopP: the P is taken from the syscalling M.
                    self.ms[m as usize].p = None;
                    let pp = &mut self.ps[p as usize];
                    pp.m = None;
                    pp.oldm = Some(m);
                    pp.syscalltick = pp.syscalltick.wrapping_add(1);
                    pp.status = PStatus::GcStop;
                }
                s => panic!("stopTheWorld: P{p}'s M{m} in state {s:?}"),
            }
        }
        // Threads about to acquire a P (startm in flight) give it back and park.
        for m in 0..self.ms.len() as u32 {
            if self.ms[m as usize].state == MStatus::Waking {
                let p = self.ms[m as usize].nextp.take().expect("waking M has nextp");
                if let Some(g) = self.ms[m as usize].handed.take() {
                    // A locked goroutine in transit goes back to its P's runnext.
                    self.ps[p as usize].runq.put(g, true);
                    self.ms[m as usize].state = MStatus::LockedWait;
                    self.cancel_m(m);
                } else {
                    if self.ms[m as usize].spinning {
                        self.ms[m as usize].spinning = false;
                        self.nmspinning -= 1;
                    }
                    self.ms[m as usize].state = MStatus::Idle;
                    self.cancel_m(m);
                    self.midle.push(m);
                }
                self.ps[p as usize].status = PStatus::GcStop;
            }
        }
        while let Some(p) = self.pidleget() {
            self.ps[p as usize].status = PStatus::GcStop;
        }
        // startTheWorldWithSema: a non-blocking netpoll, its goroutines injected (spec §9.3,
        // §7 caller 4). The caller still holds its (stopped) P and no P is idle, so they go to
        // its local queue; a user action has no P, so they go to the global queue.
        if self.netpoll_inited && !self.net_ready.is_empty() {
            let list = self.netpoll();
            let p = caller_p;
            self.emit(None, p, caller_m, What::NetpollReady { n: list.len() as u32, poller: crate::core::event::PollWhere::StartTheWorld });
            self.injectglist(&list, p);
        }
        self.needspinning = false;
        self.procresize(n, caller_m);
        // startTheWorldWithSema.
        self.emit(None, None, None, What::STWEnd);
        self.sysmon_wake_if_deep();
        self.wakep();
    }

    /// `gcstopm`: the M gives its P up for the stop-the-world and parks (a locked M goes
    /// through `stoplockedm` instead: the stop-the-world leaves its goroutine on its P).
    fn gcstopm(&mut self, m: u32) {
        if self.ms[m as usize].spinning {
            self.ms[m as usize].spinning = false;
            self.nmspinning -= 1;
        }
        self.ms[m as usize].steal = None;
        // A thread computing a slice for its goroutine (real-time mode) is told nothing; its
        // report finds the M no longer waiting and is dropped.
        self.ms[m as usize].awaiting = None;
        let p = self.releasep(m);
        self.ps[p as usize].status = PStatus::GcStop;
        self.cancel_m(m);
        if self.ms[m as usize].lockedg.is_some() {
            // A thread locked to a goroutine sleeps in stoplockedm, not on the idle list.
            self.ms[m as usize].state = MStatus::LockedWait;
        } else {
            self.ms[m as usize].state = MStatus::Idle;
            self.midle.push(m);
        }
    }

    /// `procresize(n)` with the world stopped (spec §9.1).
    fn procresize(&mut self, n: u32, caller_m: Option<u32>) {
        let old = self.gomaxprocs;
        self.emit(None, None, caller_m, What::ProcsChange { from: old, to: n });
        while (self.ps.len() as u32) < n {
            self.ps.push(Self::new_p());
        }
        for p in old..n {
            // Reused Ps come back stopped and empty.
            self.ps[p as usize].status = PStatus::GcStop;
        }
        // The caller keeps its P if it survives, else takes P0.
        let mut cur = caller_m.and_then(|m| self.ms[m as usize].p);
        if let (Some(m), Some(p)) = (caller_m, cur) {
            if p >= n {
                self.releasep(m);
                self.ps[p as usize].status = PStatus::GcStop;
                if let Some(m0) = self.ps[0].m.take() {
                    // Cannot happen with the world stopped; keep the books straight anyway.
                    self.ms[m0 as usize].p = None;
                }
                self.acquirep(m, 0);
                cur = Some(0);
            }
        }
        // Destroy Ps n..old in increasing id order: their goroutines go to the global queue's
        // front, keeping local order; runnext in front of them.
        let timer_dest = cur.unwrap_or(0);
        for p in n..old {
            while let Some(g) = self.ps[p as usize].runq.pop_back() {
                self.global.push_front(g);
            }
            if let Some(g) = self.ps[p as usize].runq.runnext.take() {
                self.global.push_front(g);
            }
            let timers = std::mem::take(&mut self.ps[p as usize].timers);
            for t in timers {
                self.ps[timer_dest as usize].timers.push(t);
            }
            let pp = &mut self.ps[p as usize];
            pp.status = PStatus::Dead;
            pp.idle = false;
            pp.m = None;
        }
        self.note_global_len();
        self.gomaxprocs = n;
        self.coprimes = coprimes(n);
        // Ps with work get an M (their previous one if idle); the rest go idle in increasing
        // id order [NEW].
        let mut runnable = Vec::new();
        let mut idle = Vec::new();
        for p in (0..n).rev() {
            if Some(p) == cur {
                continue;
            }
            self.ps[p as usize].status = PStatus::Idle;
            if self.ps[p as usize].runq.is_empty() {
                idle.push(p);
            } else {
                runnable.push(p);
            }
        }
        if self.new_rules() {
            // [NEW]: increasing id order, so the idle stack's front is the highest id.
            for &p in idle.iter().rev() {
                self.pidleput(p);
            }
        } else {
            for &p in &idle {
                self.pidleput(p);
            }
        }
        for p in runnable {
            if self.new_rules() {
                // [NEW]: prefer the P's previous M if it is idle.
                let prefer = self.ps[p as usize].oldm.filter(|&om| self.ms[om as usize].state == MStatus::Idle);
                if let Some(om) = prefer {
                    self.midle.retain(|&x| x != om);
                    self.midle.push(om);
                }
            }
            self.startm(Some(p), false);
        }
    }
}
