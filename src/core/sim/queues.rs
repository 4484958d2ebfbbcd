//! Run queues, idle lists and the functions that hand out work: `runqput`, `runqputslow`,
//! `globrunqget*`, `pidleput`/`pidleget`, `acquirep`/`releasep`, `wakep`, `startm`,
//! `handoffp`, `injectglist`, `stopm`, `ready` and `checkdead` (spec §2, §3, §6.3, §8).

use super::{GStatus, MStatus, Outcome, PStatus, Sim, Wait, MAX_THREADS};
use crate::core::event::{HandoffWhy, Place, WakeCause, What};
use crate::core::ids::GId;
use crate::core::runq::{PutOutcome, RUNQ_SIZE};

impl Sim {
    /// `runqput(p, g, next)`, with `runqputslow` when the ring is full. Returns where `g` went.
    pub(crate) fn runqput(&mut self, p: u32, g: u32, next: bool) -> Place {
        let out = self.ps[p as usize].runq.put(g, next);
        let (kicked, place) = match out {
            PutOutcome::Queued { kicked } => (kicked, None),
            PutOutcome::Full { kicked, overflow } => {
                let mut batch = std::mem::take(&mut self.scratch);
                batch.clear();
                self.ps[p as usize].runq.put_slow(overflow, &mut batch);
                let moved = batch.len() as u32;
                self.global.extend(batch.iter().copied());
                batch.clear();
                self.scratch = batch;
                self.stats.overflows += 1;
                self.note_global_len();
                self.emit(Some(overflow), Some(p), None, What::RunqOverflow { moved });
                (kicked, if kicked.is_none() { Some(Place::GlobalTail) } else { None })
            }
        };
        let len = self.ps[p as usize].runq.len() as u64;
        if len > self.stats.max_local_queue {
            self.stats.max_local_queue = len;
        }
        if next {
            Place::Runnext { kicked: kicked.map(|k| self.gid(k)) }
        } else {
            place.unwrap_or(Place::LocalTail)
        }
    }

    pub(crate) fn note_global_len(&mut self) {
        let n = self.global.len() as u64;
        if n > self.stats.max_global_queue {
            self.stats.max_global_queue = n;
        }
    }

    /// `globrunqput`: append at the global queue's tail.
    pub(crate) fn globrunqput(&mut self, g: u32) {
        self.global.push_back(g);
        self.note_global_len();
    }

    /// `globrunqgetbatch(128)` for P `p`: takes `min(128, size, size/GOMAXPROCS + 1)` Gs; the
    /// first is returned to run, the rest go to `p`'s (empty) local queue in order.
    pub(crate) fn globrunqgetbatch(&mut self, p: u32, m: u32) -> u32 {
        let size = self.global.len() as u32;
        debug_assert!(size > 0);
        let k = (RUNQ_SIZE / 2).min(size).min(size / self.gomaxprocs + 1);
        let first = self.global.pop_front().expect("globrunqgetbatch: empty");
        for _ in 1..k {
            let g = self.global.pop_front().expect("globrunqgetbatch: short");
            self.ps[p as usize].runq.push_back(g);
        }
        self.stats.global_grabs += 1;
        self.emit(Some(first), Some(p), Some(m), What::GlobalGrab { n: k, of: size, fairness: false });
        first
    }

    /// `pidleput`: P goes on the front of the idle stack. Its run queue must be empty.
    pub(crate) fn pidleput(&mut self, p: u32) {
        let pp = &mut self.ps[p as usize];
        assert!(pp.runq.is_empty(), "pidleput: P{p} has a non-empty run queue");
        pp.status = PStatus::Idle;
        pp.m = None;
        pp.idle = true;
        self.pidle.push(p);
    }

    /// `pidleget`: pops the front of the idle stack.
    pub(crate) fn pidleget(&mut self) -> Option<u32> {
        let p = self.pidle.pop()?;
        self.ps[p as usize].idle = false;
        Some(p)
    }

    /// `pidlegetSpinning`: like `pidleget`, but notes `needspinning` when no P is idle.
    /// (Before Go 1.21 there is no `needspinning`: this is plain `pidleget`.)
    pub(crate) fn pidleget_spinning(&mut self) -> Option<u32> {
        let p = self.pidleget();
        if p.is_none() && self.has_needspinning() {
            self.needspinning = true;
        }
        p
    }

    pub(crate) fn npidle(&self) -> u32 {
        self.pidle.len() as u32
    }

    /// `acquirep`: M takes P.
    pub(crate) fn acquirep(&mut self, m: u32, p: u32) {
        let pp = &mut self.ps[p as usize];
        assert!(pp.m.is_none(), "acquirep: P{p} already has M{}", pp.m.unwrap_or(0));
        pp.status = PStatus::Running;
        pp.m = Some(m);
        pp.idle = false;
        self.ms[m as usize].p = Some(p);
        self.emit(None, Some(p), Some(m), What::ProcStart);
    }

    /// `releasep`: M lets go of its P (which the caller then places somewhere).
    pub(crate) fn releasep(&mut self, m: u32) -> u32 {
        let p = self.ms[m as usize].p.take().expect("releasep: M has no P");
        let pp = &mut self.ps[p as usize];
        pp.m = None;
        pp.oldm = Some(m);
        p
    }

    /// `wakep`: start a spinning M on an idle P, unless one is spinning already (spec §3.3).
    pub(crate) fn wakep(&mut self) {
        if self.nmspinning != 0 {
            return;
        }
        self.nmspinning = 1;
        match self.pidleget_spinning() {
            Some(p) => self.startm(Some(p), true),
            None => self.nmspinning -= 1,
        }
    }

    /// `startm(p, spinning)`: run P on an idle M, or on a new thread (spec §3.4).
    pub(crate) fn startm(&mut self, p: Option<u32>, spinning: bool) {
        let p = match p {
            Some(p) => p,
            None => {
                assert!(!spinning, "startm: P required for spinning=true");
                match self.pidleget() {
                    Some(p) => p,
                    None => return,
                }
            }
        };
        if spinning {
            assert!(self.ps[p as usize].runq.is_empty(), "startm: P{p} has work but M is to spin");
        }
        let (m, at) = match self.midle.pop() {
            Some(m) => {
                self.emit(None, Some(p), Some(m), What::ThreadWake { for_p: p.into_pid(), spinning });
                (m, self.now + self.costs.m_wake)
            }
            None => {
                let live = self.ms.iter().filter(|m| m.state != MStatus::Dead).count();
                if live >= MAX_THREADS {
                    self.emit(None, Some(p), None, What::Fatal("thread exhaustion (program exceeds 10000-thread limit)"));
                    self.finish(Outcome::Fatal("thread exhaustion".into()));
                    return;
                }
                let m = self.new_m_struct();
                self.stats.threads_created += 1;
                self.emit(None, Some(p), Some(m), What::ThreadCreate { for_p: Some(p.into_pid()), spinning, sysmon: false });
                (m, self.now + self.costs.m_create)
            }
        };
        let mm = &mut self.ms[m as usize];
        mm.state = MStatus::Waking;
        mm.nextp = Some(p);
        mm.spinning = spinning;
        self.wake_m(m, at);
    }

    /// `stopm`: M parks on the idle list; then `checkdead`.
    pub(crate) fn stopm(&mut self, m: u32) {
        let mm = &mut self.ms[m as usize];
        debug_assert!(mm.p.is_none() && mm.curg.is_none());
        mm.state = MStatus::Idle;
        mm.spinning = false;
        self.cancel_m(m);
        self.midle.push(m);
        self.emit(None, None, Some(m), What::ThreadPark);
        self.checkdead();
    }

    /// `handoffp`: find something to run P, or park it (spec §6.3).
    pub(crate) fn handoffp(&mut self, p: u32) {
        self.stats.handoffs += 1;
        let local = !self.ps[p as usize].runq.is_empty();
        if local || !self.global.is_empty() {
            let why = if local { HandoffWhy::LocalWork } else { HandoffWhy::GlobalWork };
            self.emit(None, Some(p), None, What::Handoff { why });
            self.startm(Some(p), false);
            return;
        }
        if self.nmspinning + self.npidle() == 0 {
            self.nmspinning = 1;
            self.needspinning = false;
            self.emit(None, Some(p), None, What::Handoff { why: HandoffWhy::NeedSpinner });
            self.startm(Some(p), true);
            return;
        }
        if self.npidle() == self.gomaxprocs - 1 && self.poller.is_none() {
            self.emit(None, Some(p), None, What::Handoff { why: HandoffWhy::LastPollerP });
            self.startm(Some(p), false);
            return;
        }
        self.emit(None, Some(p), None, What::Handoff { why: HandoffWhy::Idle });
        let when = self.ps[p as usize].timers.peek().map(|t| t.0 .0);
        self.pidleput(p);
        if let Some(when) = when {
            self.wake_net_poller(when);
        }
    }

    /// `wakeNetPoller(when)`: make sure some thread will wake for a timer at `when`.
    pub(crate) fn wake_net_poller(&mut self, when: u64) {
        match self.poller {
            Some(pm) => {
                if self.poll_until == 0 || self.poll_until > when {
                    // netpollBreak
                    self.wake_m(pm, self.now);
                }
            }
            None => self.wakep(),
        }
    }

    /// `ready(g, next=true)` run by M `m` on P `p`: the woken G goes to `p`'s runnext.
    pub(crate) fn goready(&mut self, g: u32, p: u32, by: Option<u32>, cause: WakeCause) {
        let gg = &mut self.gs[g as usize];
        debug_assert_eq!(gg.status, GStatus::Waiting);
        gg.status = GStatus::Runnable;
        gg.wait = Wait::None;
        let place = self.runqput(p, g, true);
        let by = by.map(|b| self.gid(b));
        self.emit(Some(g), Some(p), None, What::GoUnblock { by, cause, place });
        self.wakep();
    }

    /// `injectglist`: make a batch of goroutines runnable (spec §3.5). `p` is the caller's P.
    pub(crate) fn injectglist(&mut self, list: &[u32], p: Option<u32>) {
        if list.is_empty() {
            return;
        }
        for &g in list {
            let gg = &mut self.gs[g as usize];
            gg.status = GStatus::Runnable;
            gg.wait = Wait::None;
        }
        let Some(p) = p else {
            for &g in list {
                self.globrunqput(g);
                self.emit(Some(g), None, None, What::GoUnblock { by: None, cause: WakeCause::Network, place: Place::GlobalTail });
            }
            self.start_idle(list.len());
            return;
        };
        let k = (self.npidle() as usize).min(list.len());
        for &g in &list[..k] {
            self.globrunqput(g);
            self.emit(Some(g), None, None, What::GoUnblock { by: None, cause: WakeCause::Network, place: Place::GlobalTail });
        }
        if k > 0 {
            self.start_idle(k);
        }
        for &g in &list[k..] {
            // runqputbatch, with what does not fit going to the global queue.
            let place = if self.ps[p as usize].runq.free() > 0 {
                self.ps[p as usize].runq.push_back(g);
                Place::LocalTail
            } else {
                self.globrunqput(g);
                Place::GlobalTail
            };
            self.emit(Some(g), Some(p), None, What::GoUnblock { by: None, cause: WakeCause::Network, place });
        }
        self.wakep();
    }

    /// `injectglist`'s `startIdle(n)`: start up to n Ms on idle Ps.
    fn start_idle(&mut self, n: usize) {
        for _ in 0..n {
            match self.pidleget_spinning() {
                Some(p) => self.startm(Some(p), false),
                None => break,
            }
        }
    }

    /// `checkdead`: if no M is running and no goroutine can ever run again, the program is
    /// deadlocked (spec §14.3 item 9).
    pub(crate) fn checkdead(&mut self) {
        if self.outcome.is_some() {
            return;
        }
        let running = self
            .ms
            .iter()
            .filter(|m| !matches!(m.state, MStatus::Idle | MStatus::LockedWait | MStatus::Dead | MStatus::Sysmon))
            .count();
        if running > 0 {
            return;
        }
        for (i, g) in self.gs.iter().enumerate() {
            if matches!(g.status, GStatus::Runnable | GStatus::Running | GStatus::Syscall) {
                panic!("checkdead: runnable g {} in status {:?} with no running M", GId::of_index(i as u32), g.status);
            }
        }
        let live = self.gomaxprocs as usize;
        if self.ps[..live].iter().any(|p| !p.timers.is_empty()) {
            return;
        }
        self.emit(None, None, None, What::Deadlock);
        self.finish(Outcome::Deadlock);
    }
}

/// Converts raw P indices to ids for events.
pub(crate) trait IntoPId {
    fn into_pid(self) -> crate::core::ids::PId;
}

impl IntoPId for u32 {
    fn into_pid(self) -> crate::core::ids::PId {
        crate::core::ids::PId(self)
    }
}
