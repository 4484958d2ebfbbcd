//! Snapshots of the simulator's state (what the board and `gmpsim --format state` show) and
//! the invariants of spec §14.3, checked after every step by the tests.

use super::{Activity, GStatus, MStatus, PStatus, Sim, Wait};
use crate::core::ids::{GId, MId, PId};
use serde::Serialize;

/// The whole state after a step.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct SimState {
    /// Steps taken so far (0 before the first).
    pub step: u64,
    /// Virtual time, ns.
    pub t: u64,
    /// GOMAXPROCS now.
    pub gomaxprocs: u32,
    /// The live Ps, P0 first.
    pub ps: Vec<PState>,
    /// The global run queue, head first.
    pub global: Vec<GId>,
    /// Every M ever created (exited ones included), M0 first.
    pub ms: Vec<MState>,
    /// Every goroutine ever created, G1 first (empty unless asked for).
    pub gs: Vec<GState>,
    /// Idle Ps, front of the stack first.
    pub idle_ps: Vec<PId>,
    /// Idle Ms, front of the list first.
    pub idle_ms: Vec<MId>,
    /// `sched.nmspinning`: Ms spinning.
    pub nmspinning: u32,
    /// `sched.needspinning`: a spinner was asked for while none could start.
    pub needspinning: bool,
    /// Goroutines parked on the netpoller, in the order they parked.
    pub netpoll: Vec<NetWait>,
    /// The M blocked in netpoll, if any.
    pub poller: Option<MId>,
    /// The channels, in the scenario's order.
    pub chans: Vec<ChanState>,
    /// The WaitGroups, in the scenario's order.
    pub wgs: Vec<WgState>,
    /// sysmon.
    pub sysmon: SysmonState,
    /// How the run ended, if it has.
    pub outcome: Option<String>,
}

impl SimState {
    /// M `m`'s snapshot.
    pub fn m(&self, m: MId) -> Option<&MState> {
        self.ms.get(m.index())
    }

    /// What P `p` (one of [`SimState::ps`]) is doing: what its M does on it.
    pub fn p_activity(&self, p: &PState) -> Activity {
        Activity::of_p(p.status, p.m.and_then(|m| self.m(m)).map(MState::activity))
    }
}

/// What each P and M is doing after a step, without the queues' contents: the cheap view an
/// exporter reads at every step ([`Sim::tracks`] costs O(Ps + Ms), a [`SimState`] O(goroutines)).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tracks {
    /// The live Ps, P0 first.
    pub ps: Vec<PTrack>,
    /// Every M ever created, M0 first.
    pub ms: Vec<MTrack>,
    /// The global run queue's length.
    pub global_len: usize,
    /// The thread sysmon runs on.
    pub sysmon_m: MId,
}

/// One P in [`Tracks`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PTrack {
    /// The M holding it.
    pub m: Option<MId>,
    /// What it is doing ([`SimState::p_activity`]).
    pub activity: Activity,
    /// Goroutines in its local queue, runnext included.
    pub local_len: usize,
}

/// One M in [`Tracks`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MTrack {
    /// What it is doing ([`MState::activity`]).
    pub activity: Activity,
}

impl Tracks {
    /// The same view read from a full snapshot (what [`Sim::tracks`] must agree with).
    pub fn from_state(s: &SimState) -> Tracks {
        Tracks {
            ps: s.ps.iter().map(|p| PTrack { m: p.m, activity: s.p_activity(p), local_len: p.runq.len() + p.runnext.is_some() as usize }).collect(),
            ms: s.ms.iter().map(|m| MTrack { activity: m.activity() }).collect(),
            global_len: s.global.len(),
            sysmon_m: s.sysmon.m,
        }
    }
}

/// One P.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct PState {
    /// Its id.
    pub id: PId,
    /// `idle`, `running`, `gcstop` or `dead`.
    pub status: PStatus,
    /// The M holding it.
    pub m: Option<MId>,
    /// The goroutine its M is running (or has in a syscall).
    pub g: Option<GId>,
    /// Its `runnext` slot.
    pub runnext: Option<GId>,
    /// Its local ring, head first.
    pub runq: Vec<GId>,
    /// `p.schedtick`: time slices it started (a goroutine from runnext inherits one).
    pub schedtick: u32,
    /// `p.syscalltick`: syscalls that returned to it (the fast path), and times it was taken
    /// from an M in a syscall.
    pub syscalltick: u32,
    /// Timers on its heap: (goroutine, when), earliest first.
    pub timers: Vec<(GId, u64)>,
}

/// One M.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct MState {
    /// Its id.
    pub id: MId,
    /// `idle`, `waking`, `scheduling`, `running`, `syscall`, `netpoll`, `locked`, `dead`,
    /// `sysmon`.
    pub status: MStatus,
    /// The P it holds (or, waking, the one it will acquire).
    pub p: Option<PId>,
    /// The goroutine it runs (or has in a syscall).
    pub g: Option<GId>,
    /// Looking for work to steal.
    pub spinning: bool,
    /// The goroutine locked to it.
    pub lockedg: Option<GId>,
}

impl MState {
    /// What it is doing.
    pub fn activity(&self) -> Activity {
        Activity::of_m(self.status, self.spinning, self.g)
    }
}

/// One goroutine.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct GState {
    /// Its id (G1 is main).
    pub id: GId,
    /// `runnable`, `running`, `syscall`, `waiting` or `dead`.
    pub status: GStatus,
    /// What it waits for (`chan receive jobs`, `sleep`, `network`, ...), if waiting.
    pub wait: Option<String>,
    /// The body it runs.
    pub func: String,
    /// Index of its next instruction in the compiled body, and that op's place.
    pub pc: u32,
    /// The place of its next op in the scenario (`main[2]`), if it has one left.
    pub op: Option<String>,
    /// The M running it (or holding it in a syscall).
    pub m: Option<MId>,
    /// The goroutine that created it (none for main and the user's spawns).
    pub parent: Option<GId>,
    /// Go's own goroutine id (per-P blocks of 16), for comparison with real traces.
    pub goid: u64,
}

/// A goroutine waiting on the network.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct NetWait {
    /// The goroutine.
    pub g: GId,
    /// When its fd becomes ready, ns.
    pub ready_at: u64,
    /// Its fd is ready; the next netpoll will return it.
    pub ready: bool,
}

/// One channel.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ChanState {
    /// Its name in the scenario.
    pub name: String,
    /// Its buffer's capacity (0: unbuffered).
    pub cap: u32,
    /// Values in its buffer.
    pub len: u64,
    /// Closed.
    pub closed: bool,
    /// Goroutines blocked sending, first to be served first.
    pub sendq: Vec<GId>,
    /// Goroutines blocked receiving, first to be served first.
    pub recvq: Vec<GId>,
}

/// One WaitGroup.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct WgState {
    /// Its name in the scenario.
    pub name: String,
    /// Its counter.
    pub counter: i64,
    /// Goroutines blocked in `Wait`, in the order they blocked.
    pub waiters: Vec<GId>,
}

/// sysmon.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct SysmonState {
    /// The thread it runs on.
    pub m: MId,
    /// Its current sleep between checks, ns.
    pub delay_ns: u64,
    /// Consecutive checks that found nothing to do.
    pub idle_cycles: u32,
    /// In deep sleep (nothing to watch): woken only by activity.
    pub deep_sleep: bool,
}

impl Sim {
    /// What goroutine `g` (index) waits for, in words.
    fn wait_words(&self, g: u32) -> Option<String> {
        let name = |c: u32| self.prog.chans[c as usize].0.clone();
        match self.gs[g as usize].wait {
            Wait::None => None,
            Wait::ChanSend(c) => Some(format!("chan send {}", name(c))),
            Wait::ChanRecv(c) => Some(format!("chan receive {}", name(c))),
            Wait::WaitGroup(w) => Some(format!("sync.WaitGroup {}", self.prog.wgs[w as usize])),
            Wait::Sleep { until } => Some(format!("sleep until {until}ns")),
            Wait::Net { ready_at, ready } => Some(if ready {
                "network (ready)".to_string()
            } else {
                format!("network until {ready_at}ns")
            }),
        }
    }

    /// A snapshot of one goroutine.
    pub fn goroutine(&self, id: GId) -> Option<GState> {
        let i = id.index() as u32;
        let g = self.gs.get(i as usize)?;
        let body = &self.prog.bodies[g.body as usize];
        Some(GState {
            id,
            status: g.status,
            wait: self.wait_words(i),
            func: body.name.clone(),
            pc: g.pc,
            op: body.places.get(g.pc as usize).cloned(),
            m: g.m.map(MId),
            parent: g.parent.map(GId::of_index),
            goid: g.goid,
        })
    }

    /// Ps that exist now (none before the first step).
    fn live_ps(&self) -> usize {
        (self.gomaxprocs as usize).min(self.ps.len())
    }

    /// The number of goroutines created so far.
    pub fn goroutine_count(&self) -> u32 {
        self.gs.len() as u32
    }

    /// One P's snapshot.
    pub fn p_state(&self, p: PId) -> PState {
        let pp = &self.ps[p.index()];
        // Sorted as `(when, g index)` pairs, the page's one sort (`sort_unstable` of `(u64, u32)`):
        // a sort instantiation per element type and key is kilobytes of code.
        let mut by_when: Vec<(u64, u32)> = pp.timers.iter().map(|t| (t.0 .0, t.0 .2)).collect();
        by_when.sort_unstable();
        let timers: Vec<(GId, u64)> = by_when.into_iter().map(|(when, g)| (GId::of_index(g), when)).collect();
        PState {
            id: p,
            status: pp.status,
            m: pp.m.map(MId),
            g: pp.m.and_then(|m| self.ms[m as usize].curg).map(GId::of_index),
            runnext: pp.runq.runnext.map(GId::of_index),
            runq: pp.runq.iter().map(GId::of_index).collect(),
            schedtick: pp.schedtick,
            syscalltick: pp.syscalltick,
            timers,
        }
    }

    /// The global queue's length.
    pub fn global_len(&self) -> usize {
        self.global.len()
    }

    /// What M `m` (index) is doing: [`MState::activity`] of its snapshot, without making one.
    fn m_activity(&self, m: u32) -> Activity {
        let mm = &self.ms[m as usize];
        Activity::of_m(mm.state, mm.spinning, mm.curg.map(GId::of_index))
    }

    /// What P `p` is doing: [`SimState::p_activity`] of its snapshot, without making one.
    /// A P beyond GOMAXPROCS (or not yet made) is `Dead`.
    pub fn p_activity(&self, p: PId) -> Activity {
        match self.ps.get(p.index()) {
            Some(pp) if p.index() < self.live_ps() => Activity::of_p(pp.status, pp.m.map(|m| self.m_activity(m))),
            _ => Activity::Dead,
        }
    }

    /// What each P and M is doing now, in O(Ps + Ms); overwrites `out` (reusing its buffers).
    /// Equal to `Tracks::from_state(&self.snapshot(false))`.
    pub fn tracks(&self, out: &mut Tracks) {
        out.ps.clear();
        out.ps.extend(self.ps[..self.live_ps()].iter().enumerate().map(|(i, pp)| PTrack {
            m: pp.m.map(MId),
            activity: self.p_activity(PId(i as u32)),
            local_len: pp.runq.len() as usize + pp.runq.runnext.is_some() as usize,
        }));
        out.ms.clear();
        out.ms.extend((0..self.ms.len() as u32).map(|m| MTrack { activity: self.m_activity(m) }));
        out.global_len = self.global.len();
        out.sysmon_m = MId(self.sysmon.m);
    }

    /// The whole state. With `with_gs`, every goroutine ever created is listed.
    pub fn snapshot(&self, with_gs: bool) -> SimState {
        let ps = (0..self.live_ps() as u32).map(|p| self.p_state(PId(p))).collect();
        let ms = self
            .ms
            .iter()
            .enumerate()
            .map(|(i, m)| MState {
                id: MId(i as u32),
                status: m.state,
                p: m.p.or(m.nextp).map(PId),
                g: m.curg.map(GId::of_index),
                spinning: m.spinning,
                lockedg: m.lockedg.map(GId::of_index),
            })
            .collect();
        let gs = if with_gs { (0..self.gs.len() as u32).filter_map(|i| self.goroutine(GId::of_index(i))).collect() } else { Vec::new() };
        // Sorted as `(ready_at, g index)` pairs (unique: one per goroutine), as the P timers are.
        let mut by_ready: Vec<(u64, u32)> = self
            .gs
            .iter()
            .enumerate()
            .filter_map(|(i, g)| match (g.status, g.wait) {
                (GStatus::Waiting, Wait::Net { ready_at, .. }) => Some((ready_at, i as u32)),
                _ => None,
            })
            .collect();
        by_ready.sort_unstable();
        let netpoll: Vec<NetWait> = by_ready
            .into_iter()
            .map(|(ready_at, i)| NetWait { g: GId::of_index(i), ready_at, ready: matches!(self.gs[i as usize].wait, Wait::Net { ready: true, .. }) })
            .collect();
        SimState {
            step: self.step,
            t: self.now,
            gomaxprocs: self.gomaxprocs,
            ps,
            global: gids(self.global.iter()),
            ms,
            gs,
            idle_ps: self.pidle.iter().rev().map(|&p| PId(p)).collect(),
            idle_ms: self.midle.iter().rev().map(|&m| MId(m)).collect(),
            nmspinning: self.nmspinning,
            needspinning: self.needspinning,
            netpoll,
            poller: self.poller.map(MId),
            chans: self
                .chans
                .iter()
                .zip(self.prog.chans.iter())
                .map(|(c, (name, cap))| ChanState {
                    name: name.clone(),
                    cap: *cap,
                    len: c.len,
                    closed: c.closed,
                    sendq: gids(&c.sendq),
                    recvq: gids(&c.recvq),
                })
                .collect(),
            wgs: self
                .wgs
                .iter()
                .zip(self.prog.wgs.iter())
                .map(|(w, name)| WgState { name: name.clone(), counter: w.counter, waiters: gids(&w.waiters) })
                .collect(),
            sysmon: SysmonState { m: MId(self.sysmon.m), delay_ns: self.sysmon.delay, idle_cycles: self.sysmon.idle, deep_sleep: self.sysmon.deep },
            outcome: self.outcome.as_ref().map(|o| o.message()),
        }
    }

    /// Threads that exist (not exited), sysmon's included, as schedtrace's `threads=`.
    pub fn thread_count(&self) -> u32 {
        self.ms.iter().filter(|m| m.state != super::MStatus::Dead).count() as u32
    }

    /// The `GODEBUG=schedtrace` line for now, in the modelled release's format (spec §12.1).
    pub fn schedtrace(&self) -> String {
        let live = self.live_ps();
        if !self.new_rules() {
            let lens: Vec<String> = self.ps[..live].iter().map(|p| p.runq.len().to_string()).collect();
            let needspinning = if self.has_needspinning() { format!(" needspinning={}", self.needspinning as u8) } else { String::new() };
            return format!(
                "SCHED {}ms: gomaxprocs={} idleprocs={} threads={} spinningthreads={}{} idlethreads={} runqueue={} [{}]",
                self.now / 1_000_000,
                self.gomaxprocs,
                self.npidle(),
                self.thread_count(),
                self.nmspinning,
                needspinning,
                self.midle.len(),
                self.global.len(),
                lens.join(" ")
            );
        }
        let lens: Vec<String> = self.ps[..live].iter().map(|p| p.runq.len().to_string()).collect();
        let ticks: Vec<String> = self.ps[..live].iter().map(|p| p.schedtick.to_string()).collect();
        format!(
            "SCHED {}ms: gomaxprocs={} idleprocs={} threads={} spinningthreads={} needspinning={} idlethreads={} runqueue={} [ {} ] schedticks=[ {} ]",
            self.now / 1_000_000,
            self.gomaxprocs,
            self.npidle(),
            self.thread_count(),
            self.nmspinning,
            self.needspinning as u8,
            self.midle.len(),
            self.global.len(),
            lens.join(" "),
            ticks.join(" ")
        )
    }

    /// Checks the invariants of spec §14.3 (and the simulator's own bookkeeping).
    pub fn check_invariants(&self) -> Result<(), String> {
        let gid = |i: usize| GId::of_index(i as u32);
        let live = self.live_ps();
        let mut seen = vec![0u8; self.gs.len()];
        let mut mark = |g: u32, wherein: &str| -> Result<(), String> {
            let s = &mut seen[g as usize];
            *s += 1;
            if *s > 1 {
                return Err(format!("{} is queued twice (again in {wherein})", GId::of_index(g)));
            }
            Ok(())
        };
        for (i, p) in self.ps.iter().enumerate() {
            if i >= live {
                if !p.runq.is_empty() || p.status != PStatus::Dead || p.m.is_some() {
                    return Err(format!("destroyed P{i} still has work, status {:?} or an M", p.status));
                }
                continue;
            }
            if p.runq.len() > 256 {
                return Err(format!("P{i}'s ring holds {}", p.runq.len()));
            }
            if let Some(g) = p.runq.runnext {
                mark(g, &format!("P{i} runnext"))?;
            }
            for g in p.runq.iter() {
                mark(g, &format!("P{i} runq"))?;
            }
            if p.idle != self.pidle.contains(&(i as u32)) {
                return Err(format!("P{i}'s idle bit disagrees with the idle list"));
            }
            if p.idle && (p.status != PStatus::Idle || !p.runq.is_empty() || p.m.is_some()) {
                return Err(format!("idle P{i} has status {:?}, work or an M", p.status));
            }
            if let Some(m) = p.m {
                if self.ms[m as usize].p != Some(i as u32) {
                    return Err(format!("P{i}.m = M{m} but M{m}.p = {:?}", self.ms[m as usize].p));
                }
                if p.status != PStatus::Running {
                    return Err(format!("P{i} has M{m} but status {:?}", p.status));
                }
            }
        }
        for &g in self.global.iter() {
            mark(g, "the global queue")?;
        }
        for m in &self.ms {
            if let Some(g) = m.handed {
                mark(g, "a locked hand-off")?;
            }
        }
        for (i, g) in self.gs.iter().enumerate() {
            let queued = seen[i] == 1;
            if (g.status == GStatus::Runnable) != queued {
                return Err(format!("{} has status {:?} but is {}in a run queue", gid(i), g.status, if queued { "" } else { "not " }));
            }
            match g.status {
                GStatus::Running | GStatus::Syscall => {
                    let Some(m) = g.m else { return Err(format!("{} is {:?} without an M", gid(i), g.status)) };
                    if self.ms[m as usize].curg != Some(i as u32) {
                        return Err(format!("{} says M{m} but M{m} runs {:?}", gid(i), self.ms[m as usize].curg));
                    }
                    let want = if g.status == GStatus::Running { super::MStatus::Run } else { super::MStatus::Syscall };
                    if self.ms[m as usize].state != want {
                        return Err(format!("{} is {:?} but M{m} is {:?}", gid(i), g.status, self.ms[m as usize].state));
                    }
                }
                GStatus::Waiting
                    if g.wait == Wait::None => {
                        return Err(format!("{} waits for nothing", gid(i)));
                    }
                _ => {}
            }
        }
        let mut spinning = 0;
        for (i, m) in self.ms.iter().enumerate() {
            let in_idle = self.midle.iter().filter(|&&x| x == i as u32).count();
            let should = (m.state == super::MStatus::Idle) as usize;
            if in_idle != should {
                return Err(format!("M{i} in state {:?} appears {in_idle} times on the idle list", m.state));
            }
            if let Some(p) = m.p {
                if self.ps[p as usize].m != Some(i as u32) {
                    return Err(format!("M{i}.p = P{p} but P{p}.m = {:?}", self.ps[p as usize].m));
                }
            }
            match m.state {
                super::MStatus::Idle | super::MStatus::Netpoll | super::MStatus::LockedWait | super::MStatus::Dead
                    if (m.p.is_some() || m.curg.is_some()) => {
                        return Err(format!("M{i} in state {:?} holds a P or G", m.state));
                    }
                super::MStatus::Run | super::MStatus::Schedule
                    if m.p.is_none() => {
                        return Err(format!("M{i} in state {:?} has no P", m.state));
                    }
                _ => {}
            }
            // The converse of the G check above: an M runs its G only while that G is running.
            if let (super::MStatus::Run, Some(g)) = (m.state, m.curg) {
                if self.gs[g as usize].status != GStatus::Running {
                    return Err(format!("M{i} is in state Run but its {} is {:?}", GId::of_index(g), self.gs[g as usize].status));
                }
            }
            // And an M is in state Syscall exactly when its G is in a syscall.
            match (m.state == super::MStatus::Syscall, m.curg) {
                (true, None) => return Err(format!("M{i} is in state Syscall without a G")),
                (in_syscall, Some(g)) if in_syscall != (self.gs[g as usize].status == GStatus::Syscall) => {
                    return Err(format!("M{i} is in state {:?} but its {} is {:?}", m.state, GId::of_index(g), self.gs[g as usize].status));
                }
                _ => {}
            }
            if m.spinning {
                spinning += 1;
                let p = m.p.or(m.nextp).ok_or_else(|| format!("spinning M{i} has no P"))?;
                if !self.ps[p as usize].runq.is_empty() && m.state != super::MStatus::Waking {
                    return Err(format!("spinning M{i} has local work on P{p}"));
                }
            }
        }
        // lockedm (LockOSThread): a locked goroutine runs only on its own M, and that M runs
        // nothing else (and never sits on the idle list to be handed other work).
        for (i, g) in self.gs.iter().enumerate() {
            let Some(lm) = g.lockedm() else { continue };
            if self.ms[lm as usize].lockedg != Some(i as u32) {
                return Err(format!("{} is locked to M{lm} but M{lm}.lockedg = {:?}", gid(i), self.ms[lm as usize].lockedg.map(|x| GId::of_index(x).0)));
            }
            if matches!(g.status, GStatus::Running | GStatus::Syscall) && g.m != Some(lm) {
                return Err(format!("{} is locked to M{lm} but runs on M{}", gid(i), g.m.unwrap_or(u32::MAX)));
            }
        }
        for (i, m) in self.ms.iter().enumerate() {
            if let Some(h) = m.handed {
                if m.lockedg != Some(h) {
                    return Err(format!("M{i} was handed {} but is locked to {:?}", GId::of_index(h), m.lockedg.map(|x| GId::of_index(x).0)));
                }
            }
            let Some(lg) = m.lockedg else { continue };
            if self.gs[lg as usize].lockedm() != Some(i as u32) {
                return Err(format!("M{i} is locked to {} but {}.lockedm = {:?}", GId::of_index(lg), GId::of_index(lg), self.gs[lg as usize].lockedm()));
            }
            if let Some(c) = m.curg.filter(|&c| c != lg) {
                return Err(format!("M{i} is locked to {} but runs {}", GId::of_index(lg), GId::of_index(c)));
            }
            if m.state == super::MStatus::Idle {
                return Err(format!("M{i} is locked to {} but parked on the idle M list", GId::of_index(lg)));
            }
        }
        if spinning != self.nmspinning {
            return Err(format!("nmspinning = {} but {spinning} Ms spin", self.nmspinning));
        }
        if self.npidle() > self.gomaxprocs {
            return Err("more idle Ps than GOMAXPROCS".into());
        }
        // The fds the kernel reported ready belong to distinct goroutines still parked on the
        // netpoller, each counted among its waiters.
        for (k, &g) in self.net_ready.iter().enumerate() {
            if self.net_ready[..k].contains(&g) || !matches!(self.gs[g as usize].wait, Wait::Net { .. }) {
                return Err(format!("{} is reported ready twice or is not parked on the netpoller", GId::of_index(g)));
            }
        }
        if self.net_ready.len() > self.net_waiters as usize {
            return Err(format!("{} goroutines reported ready but {} parked on the netpoller", self.net_ready.len(), self.net_waiters));
        }
        if let Some(pm) = self.poller {
            if self.ms[pm as usize].state != super::MStatus::Netpoll {
                return Err(format!("poller M{pm} is not blocked in netpoll"));
            }
        }
        Ok(())
    }
}

/// A queue of goroutine indexes as their ids: one copy of this loop for the global queue and
/// every channel's and WaitGroup's queue (a closure written at each field compiled one each).
fn gids<'a>(q: impl IntoIterator<Item = &'a u32>) -> Vec<GId> {
    q.into_iter().map(|&g| GId::of_index(g)).collect()
}
