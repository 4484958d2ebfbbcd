//! `schedule`, `findRunnable`, `stealWork`, `runqsteal` and `execute` (spec §4), and the
//! locked-thread hand-offs `stoplockedm`/`startlockedm` (spec §9.2).

use super::{GStatus, MStatus, PStatus, Sim, StealCursor, Wait, GLOBAL_CHECK_PERIOD, STEAL_TRIES};
use crate::core::event::{PollWhere, Source, WakeCause, What};

/// What `findRunnable` came back with.
pub(crate) enum Found {
    /// A goroutine to execute.
    G(u32, bool, Source),
    /// The M parked, blocked in netpoll, or is backing off; nothing to execute now.
    Nothing,
}

/// What `stealWork` came back with.
enum Stolen {
    G(u32, bool, Source),
    NewWork,
    Backoff,
    Nothing,
}

impl Sim {
    /// `schedule`: one round on M `m`, which holds a P and no G (spec §4.1).
    pub(crate) fn schedule(&mut self, m: u32) {
        if let Some(lg) = self.ms[m as usize].lockedg {
            // The goroutine this M is locked to cannot run: give the P away and sleep.
            self.stoplockedm(m, lg);
            return;
        }
        match self.find_runnable(m) {
            Found::Nothing => {}
            Found::G(g, inherit, src) => {
                if self.ms[m as usize].spinning {
                    self.resetspinning(m);
                }
                if let Some(lm) = self.gs[g as usize].lockedm() {
                    if lm != m {
                        self.startlockedm(m, g, lm);
                        return;
                    }
                }
                self.execute(m, g, inherit, src);
            }
        }
    }

    /// `resetspinning`: the spinning M found work; the last spinner wakes a replacement.
    fn resetspinning(&mut self, m: u32) {
        self.ms[m as usize].spinning = false;
        self.nmspinning -= 1;
        let p = self.ms[m as usize].p;
        self.emit(None, p, Some(m), What::SpinStop { found: true });
        self.wakep();
    }

    fn become_spinning(&mut self, m: u32) {
        self.ms[m as usize].spinning = true;
        self.nmspinning += 1;
        self.needspinning = false;
        let p = self.ms[m as usize].p;
        self.emit(None, p, Some(m), What::SpinStart);
    }

    /// `execute`: run G on M (spec §4.2).
    pub(crate) fn execute(&mut self, m: u32, g: u32, inherit: bool, from: Source) {
        let p = self.ms[m as usize].p.expect("execute: M has no P");
        let gg = &mut self.gs[g as usize];
        gg.status = GStatus::Running;
        gg.m = Some(m);
        gg.preempt = false;
        let pp = &mut self.ps[p as usize];
        if !inherit {
            pp.schedtick = pp.schedtick.wrapping_add(1);
            pp.slice_start = self.now;
        }
        let schedtick = pp.schedtick;
        let mm = &mut self.ms[m as usize];
        mm.curg = Some(g);
        mm.state = MStatus::Run;
        self.emit(Some(g), Some(p), Some(m), What::GoStart { from, inherit, schedtick });
        let at = self.now + self.costs.g_switch;
        self.wake_m(m, at);
    }

    /// `findRunnable` (spec §4.3). M `m` holds a P.
    pub(crate) fn find_runnable(&mut self, m: u32) -> Found {
        let mut resume = self.ms[m as usize].steal.take();
        'top: loop {
            let p = self.ms[m as usize].p.expect("findRunnable: M has no P");
            let mut poll_until = 0u64;
            if resume.is_none() {
                // 3. This P's expired timers.
                poll_until = self.check_timers(p, p, m).1;
                // 6. Fairness: every 61st schedtick, one G from the global queue first.
                if self.ps[p as usize].schedtick.is_multiple_of(GLOBAL_CHECK_PERIOD) && !self.global.is_empty() {
                    let of = self.global.len() as u32;
                    let g = self.global.pop_front().expect("nonempty");
                    self.stats.global_grabs += 1;
                    self.emit(Some(g), Some(p), Some(m), What::GlobalGrab { n: 1, of, fairness: true });
                    return Found::G(g, false, Source::Fairness);
                }
                // 9. Local queue, runnext first.
                if let Some((g, inherit)) = self.ps[p as usize].runq.get() {
                    return Found::G(g, inherit, if inherit { Source::Runnext } else { Source::Local });
                }
                // 10. Global queue.
                if !self.global.is_empty() {
                    let g = self.globrunqgetbatch(p, m);
                    return Found::G(g, false, Source::Global);
                }
                // 11. Non-blocking netpoll.
                if self.netpoll_inited && self.net_waiters > 0 && self.poller.is_none() && !self.net_ready.is_empty() {
                    let list = self.netpoll();
                    self.emit(None, Some(p), Some(m), What::NetpollReady { n: list.len() as u32, poller: PollWhere::FindRunnable });
                    let head = list[0];
                    self.gs[head as usize].status = GStatus::Runnable;
                    self.gs[head as usize].wait = Wait::None;
                    self.injectglist(&list[1..], Some(p));
                    return Found::G(head, false, Source::Netpoll);
                }
            }
            // 12. Steal, if already spinning or spinners are fewer than half the busy Ps.
            let busy = self.gomaxprocs - self.npidle();
            if resume.is_some() || self.ms[m as usize].spinning || 2 * self.nmspinning < busy {
                if !self.ms[m as usize].spinning {
                    self.become_spinning(m);
                }
                match self.steal_work(m, p, resume.take()) {
                    Stolen::G(g, inherit, src) => return Found::G(g, inherit, src),
                    Stolen::NewWork => continue 'top,
                    Stolen::Backoff => return Found::Nothing,
                    Stolen::Nothing => {}
                }
                if let Some(t) = self.ps.iter().take(self.gomaxprocs as usize).filter_map(|pp| pp.timers.peek().map(|t| t.0 .0)).min() {
                    // stealWork reports the earliest timer it saw on other Ps.
                    if poll_until == 0 || t < poll_until {
                        poll_until = t;
                    }
                }
            }
            // 16. Last look at the global queue, then give up the P.
            if !self.global.is_empty() {
                let g = self.globrunqgetbatch(p, m);
                return Found::G(g, false, Source::Global);
            }
            if self.has_needspinning() && !self.ms[m as usize].spinning && self.needspinning {
                self.needspinning = false;
                self.become_spinning(m);
                continue 'top;
            }
            let p = self.releasep(m);
            self.pidleput(p);
            self.emit(None, Some(p), Some(m), What::ProcStop);
            // 17. The delicate dance: stop spinning, then look once more.
            let was_spinning = self.ms[m as usize].spinning;
            if was_spinning {
                self.ms[m as usize].spinning = false;
                self.nmspinning -= 1;
                self.emit(None, None, Some(m), What::SpinStop { found: false });
                // Go 1.21+: the global queue too (go1.19 re-checks only the local queues).
                if self.has_needspinning() && !self.global.is_empty() {
                    if let Some(p2) = self.pidleget_spinning() {
                        self.acquirep(m, p2);
                        self.become_spinning(m);
                        let g = self.globrunqgetbatch(p2, m);
                        return Found::G(g, false, Source::Global);
                    }
                }
                // checkRunqsNoP
                let live = self.gomaxprocs as usize;
                if self.ps[..live].iter().any(|pp| !pp.idle && !pp.runq.is_empty()) {
                    if let Some(p2) = self.pidleget_spinning() {
                        self.acquirep(m, p2);
                        self.become_spinning(m);
                        continue 'top;
                    }
                }
                // checkTimersNoP
                if let Some(t) = self.ps[..live].iter().filter_map(|pp| pp.timers.peek().map(|t| t.0 .0)).min() {
                    if poll_until == 0 || t < poll_until {
                        poll_until = t;
                    }
                }
            }
            // 18. Block in netpoll if there is anything to wait for and nobody else does.
            if self.netpoll_inited && (self.net_waiters > 0 || poll_until != 0) && self.poller.is_none() {
                self.poller = Some(m);
                self.poll_until = poll_until;
                let mm = &mut self.ms[m as usize];
                mm.state = MStatus::Netpoll;
                mm.netpoll_spinning = was_spinning;
                let until = if poll_until != 0 { Some(poll_until) } else { None };
                self.emit(None, None, Some(m), What::NetpollBlock { until });
                if !self.net_ready.is_empty() {
                    self.wake_m(m, self.now);
                } else if let Some(u) = until {
                    self.wake_m(m, u.max(self.now));
                } else {
                    self.cancel_m(m);
                }
                return Found::Nothing;
            } else if poll_until != 0 {
                if let Some(pm) = self.poller {
                    if self.poll_until == 0 || self.poll_until > poll_until {
                        // netpollBreak: the blocked poller would sleep past our timer.
                        self.wake_m(pm, self.now);
                    }
                }
            }
            // 19.
            self.stopm(m);
            return Found::Nothing;
        }
    }

    /// `stealWork` (spec §4.4): four passes over the Ps in a random order.
    fn steal_work(&mut self, m: u32, p: u32, resume: Option<StealCursor>) -> Stolen {
        let n = self.gomaxprocs;
        let mut cur = resume.unwrap_or_else(|| StealCursor {
            pass: 0,
            r: self.rng.cheaprand(),
            k: 0,
            ran_timer: false,
            backoff: None,
        });
        while cur.pass < STEAL_TRIES {
            let last = cur.pass == STEAL_TRIES - 1;
            let pos0 = cur.r % n;
            let inc = self.coprimes[((cur.r / n) as usize) % self.coprimes.len()];
            while cur.k < n {
                let victim = (pos0 + cur.k * inc) % n;
                if victim == p {
                    cur.k += 1;
                    continue;
                }
                let resumed_here = cur.backoff.is_some_and(|(v, _)| v == victim);
                if last && !resumed_here && !self.ps[victim as usize].timers.is_empty() {
                    let (ran, _) = self.check_timers(victim, p, m);
                    if ran {
                        if let Some((g, inherit)) = self.ps[p as usize].runq.get() {
                            return Stolen::G(g, inherit, if inherit { Source::Runnext } else { Source::Local });
                        }
                        cur.ran_timer = true;
                    }
                }
                if !self.ps[victim as usize].idle {
                    let after = cur.backoff.filter(|(v, _)| *v == victim).map(|(_, g)| g);
                    cur.backoff = None;
                    match self.runqsteal(m, p, victim, last, after) {
                        Grab::G(g) => return Stolen::G(g, false, Source::Steal),
                        Grab::Backoff(g) => {
                            cur.backoff = Some((victim, g));
                            self.ms[m as usize].steal = Some(cur);
                            let at = self.now + self.costs.steal_backoff;
                            self.wake_m(m, at);
                            return Stolen::Backoff;
                        }
                        Grab::Nothing => {}
                    }
                }
                cur.k += 1;
            }
            cur.pass += 1;
            cur.k = 0;
            if cur.pass < STEAL_TRIES {
                cur.r = self.rng.cheaprand();
            }
        }
        if cur.ran_timer {
            Stolen::NewWork
        } else {
            Stolen::Nothing
        }
    }

    /// `runqsteal(p, victim, stealRunNext)`: steal half of victim's ring, rounded up, or on the
    /// last pass its runnext (spec §2.6).
    fn runqsteal(&mut self, m: u32, p: u32, victim: u32, steal_runnext: bool, after_backoff: Option<u32>) -> Grab {
        let k = self.ps[victim as usize].runq.len();
        if k > 0 {
            let mut batch = std::mem::take(&mut self.scratch);
            batch.clear();
            let n = self.ps[victim as usize].runq.grab_half(&mut batch);
            let run = batch[n as usize - 1];
            for &g in &batch[..n as usize - 1] {
                self.ps[p as usize].runq.push_back(g);
            }
            batch.clear();
            self.scratch = batch;
            self.stats.steals += 1;
            self.stats.goroutines_stolen += n as u64;
            self.emit(Some(run), Some(p), Some(m), What::Steal { victim: crate::core::ids::PId(victim), n, of: k, runnext: false });
            return Grab::G(run);
        }
        if !steal_runnext {
            return Grab::Nothing;
        }
        let Some(next) = self.ps[victim as usize].runq.runnext else {
            return Grab::Nothing;
        };
        if after_backoff != Some(next) {
            // Sleep first if the victim is running user code: it may well run runnext itself.
            let vp = &self.ps[victim as usize];
            let running_user = vp.status == PStatus::Running
                && vp.m.is_some_and(|vm| match self.ms[vm as usize].curg {
                    None => true,
                    Some(g) => self.gs[g as usize].status != GStatus::Syscall,
                });
            if running_user {
                self.emit(Some(next), Some(p), Some(m), What::StealBackoff { victim: crate::core::ids::PId(victim) });
                return Grab::Backoff(next);
            }
        }
        self.ps[victim as usize].runq.runnext = None;
        self.stats.steals += 1;
        self.stats.goroutines_stolen += 1;
        self.emit(Some(next), Some(p), Some(m), What::Steal { victim: crate::core::ids::PId(victim), n: 1, of: 1, runnext: true });
        Grab::G(next)
    }

    /// `timers.check` on P `heap`'s timers, run by M `m` holding P `p`: every expired timer
    /// readies its goroutine into `p`'s runnext. Returns whether any ran, and the next timer's
    /// time (0 if none).
    pub(crate) fn check_timers(&mut self, heap: u32, p: u32, m: u32) -> (bool, u64) {
        let mut ran = false;
        loop {
            let Some(&std::cmp::Reverse((when, _, g))) = self.ps[heap as usize].timers.peek() else {
                return (ran, 0);
            };
            if when > self.now {
                return (ran, when);
            }
            ran = true;
            self.ps[heap as usize].timers.pop();
            self.emit(Some(g), Some(p), Some(m), What::TimerFire { late_ns: self.now - when, heap: crate::core::ids::PId(heap) });
            self.goready(g, p, None, WakeCause::Timer);
        }
    }

    /// `netpoll(0)`: the goroutines whose fd is ready, each pushed on the front of the list, so
    /// in reverse kernel-event order (spec §7).
    pub(crate) fn netpoll(&mut self) -> Vec<u32> {
        let mut list = std::mem::take(&mut self.net_ready);
        list.reverse();
        self.net_waiters -= list.len() as u32;
        for &g in &list {
            let more = self.gs[g as usize].more_mut();
            more.wait_gen = more.wait_gen.wrapping_add(1);
        }
        list
    }

    /// A network wait's fd became ready (the kernel side). If an M is blocked in netpoll it
    /// wakes; otherwise the next poll finds it.
    pub(crate) fn fd_ready(&mut self, g: u32) {
        if let Wait::Net { ready, .. } = &mut self.gs[g as usize].wait {
            *ready = true;
        }
        self.net_ready.push(g);
        if let Some(pm) = self.poller {
            if self.ms[pm as usize].wake_at != Some(self.now) {
                self.wake_m(pm, self.now);
            }
        }
    }

    /// The M blocked in netpoll wakes (network event, timer, or `netpollBreak`) (spec §4.3
    /// step 18).
    pub(crate) fn netpoll_wakeup(&mut self, m: u32) {
        self.poller = None;
        self.poll_until = 0;
        self.lastpoll = self.now;
        let list = self.netpoll();
        let was_spinning = self.ms[m as usize].netpoll_spinning;
        self.ms[m as usize].netpoll_spinning = false;
        match self.pidleget() {
            Some(p) => {
                self.acquirep(m, p);
                if !list.is_empty() {
                    self.emit(None, Some(p), Some(m), What::NetpollReady { n: list.len() as u32, poller: PollWhere::Blocked });
                    let head = list[0];
                    self.gs[head as usize].status = GStatus::Runnable;
                    self.gs[head as usize].wait = Wait::None;
                    self.injectglist(&list[1..], Some(p));
                    // findRunnable returns the head to schedule, which hands a goroutine
                    // locked to another thread over to that thread (step 7, startlockedm).
                    if let Some(lm) = self.gs[head as usize].lockedm().filter(|&lm| lm != m) {
                        self.startlockedm(m, head, lm);
                        return;
                    }
                    self.execute(m, head, false, Source::Netpoll);
                    return;
                }
                if was_spinning {
                    self.become_spinning(m);
                }
                self.ms[m as usize].state = MStatus::Schedule;
                self.schedule(m);
            }
            None => {
                self.ms[m as usize].state = MStatus::Idle;
                if !list.is_empty() {
                    self.emit(None, None, Some(m), What::NetpollReady { n: list.len() as u32, poller: PollWhere::Blocked });
                    self.injectglist(&list, None);
                }
                self.stopm(m);
            }
        }
    }

    /// `stoplockedm`: M is locked to `g`, which cannot run now; hand off the P and sleep.
    pub(crate) fn stoplockedm(&mut self, m: u32, g: u32) {
        let p = self.releasep(m);
        self.ms[m as usize].state = MStatus::LockedWait;
        self.cancel_m(m);
        self.emit(Some(g), Some(p), Some(m), What::LockedPark);
        self.ps[p as usize].status = PStatus::Idle;
        self.handoffp(p);
        self.checkdead();
    }

    /// `startlockedm`: M `m` found `g`, which is locked to `lm`: give `lm` our P and park.
    fn startlockedm(&mut self, m: u32, g: u32, lm: u32) {
        if self.ms[lm as usize].state == MStatus::Schedule {
            // The locked thread has not reached stoplockedm yet (its goroutine just yielded);
            // it does now, handing off its own P, and is then woken with ours.
            self.stoplockedm(lm, g);
        }
        let p = self.releasep(m);
        self.ps[p as usize].status = PStatus::Idle;
        self.emit(Some(g), Some(p), Some(m), What::LockedHandoff { to: crate::core::ids::MId(lm) });
        let lmm = &mut self.ms[lm as usize];
        debug_assert_eq!(lmm.state, MStatus::LockedWait);
        lmm.state = MStatus::Waking;
        lmm.nextp = Some(p);
        lmm.handed = Some(g);
        let at = self.now + self.costs.m_wake;
        self.emit(None, Some(p), Some(lm), What::ThreadWake { for_p: crate::core::ids::PId(p), spinning: false, locked: Some(self.gid(g)) });
        self.wake_m(lm, at);
        self.stopm(m);
    }
}

/// What `runqgrab` came back with.
enum Grab {
    G(u32),
    /// Sleep 3 µs before taking this runnext G.
    Backoff(u32),
    Nothing,
}
