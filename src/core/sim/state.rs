//! Snapshots of the simulator's state (what the board and `gmpsim --format state` show) and
//! the invariants of spec §14.3, checked after every step by the tests.

use super::{GStatus, PStatus, Sim, Wait};
use serde::Serialize;

/// The whole state after a step.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct SimState {
    pub step: u64,
    pub t: u64,
    pub gomaxprocs: u32,
    pub ps: Vec<PState>,
    /// The global run queue, head first.
    pub global: Vec<u32>,
    pub ms: Vec<MState>,
    pub gs: Vec<GState>,
    /// Idle Ps, front of the stack first.
    pub idle_ps: Vec<u32>,
    /// Idle Ms, front of the list first.
    pub idle_ms: Vec<u32>,
    pub nmspinning: u32,
    pub needspinning: bool,
    /// Goroutines parked on the netpoller, in the order they parked.
    pub netpoll: Vec<NetWait>,
    /// The M blocked in netpoll, if any.
    pub poller: Option<u32>,
    pub chans: Vec<ChanState>,
    pub wgs: Vec<WgState>,
    pub sysmon: SysmonState,
    /// How the run ended, if it has.
    pub outcome: Option<String>,
}

/// What each P and M is doing after a step, without the queues' contents: the cheap view an
/// exporter reads at every step ([`Sim::tracks`] costs O(Ps + Ms), a [`SimState`] O(goroutines)).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tracks {
    pub ps: Vec<PTrack>,
    pub ms: Vec<MTrack>,
    /// The global run queue's length.
    pub global_len: usize,
    /// The thread sysmon runs on.
    pub sysmon_m: u32,
}

/// One P in [`Tracks`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PTrack {
    pub m: Option<u32>,
    /// The goroutine its M is running (or has in a syscall).
    pub g: Option<u32>,
    /// Goroutines in its local queue, runnext included.
    pub local_len: usize,
}

/// One M in [`Tracks`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MTrack {
    /// As in [`MState::status`].
    pub status: &'static str,
    pub g: Option<u32>,
    pub spinning: bool,
}

impl Tracks {
    /// The same view read from a full snapshot (what [`Sim::tracks`] must agree with).
    pub fn from_state(s: &SimState) -> Tracks {
        Tracks {
            ps: s.ps.iter().map(|p| PTrack { m: p.m, g: p.g, local_len: p.runq.len() + p.runnext.is_some() as usize }).collect(),
            ms: s.ms.iter().map(|m| MTrack { status: m.status, g: m.g, spinning: m.spinning }).collect(),
            global_len: s.global.len(),
            sysmon_m: s.sysmon.m,
        }
    }
}

/// One P.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct PState {
    pub id: u32,
    /// `idle`, `running`, `gcstop` or `dead`.
    pub status: &'static str,
    pub m: Option<u32>,
    /// The goroutine its M is running (or has in a syscall).
    pub g: Option<u32>,
    pub runnext: Option<u32>,
    pub runq: Vec<u32>,
    pub schedtick: u32,
    pub syscalltick: u32,
    /// Timers on its heap: (goroutine, when), earliest first.
    pub timers: Vec<(u32, u64)>,
}

/// One M.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct MState {
    pub id: u32,
    /// `idle`, `waking`, `scheduling`, `running`, `syscall`, `netpoll`, `locked`, `dead`,
    /// `sysmon`.
    pub status: &'static str,
    pub p: Option<u32>,
    pub g: Option<u32>,
    pub spinning: bool,
    /// The goroutine locked to it.
    pub lockedg: Option<u32>,
}

/// One goroutine.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct GState {
    pub id: u32,
    /// `runnable`, `running`, `syscall`, `waiting` or `dead`.
    pub status: &'static str,
    /// What it waits for (`chan receive jobs`, `sleep`, `network`, ...), if waiting.
    pub wait: Option<String>,
    /// The body it runs.
    pub func: String,
    /// Index of its next instruction in the compiled body, and that op's place.
    pub pc: u32,
    pub op: Option<String>,
    pub m: Option<u32>,
    pub parent: Option<u32>,
    /// Go's own goroutine id (per-P blocks of 16), for comparison with real traces.
    pub goid: u64,
}

/// A goroutine waiting on the network.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct NetWait {
    pub g: u32,
    pub ready_at: u64,
    /// Its fd is ready; the next netpoll will return it.
    pub ready: bool,
}

/// One channel.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ChanState {
    pub name: String,
    pub cap: u32,
    pub len: u64,
    pub closed: bool,
    pub sendq: Vec<u32>,
    pub recvq: Vec<u32>,
}

/// One WaitGroup.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct WgState {
    pub name: String,
    pub counter: i64,
    pub waiters: Vec<u32>,
}

/// sysmon.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct SysmonState {
    pub m: u32,
    pub delay_ns: u64,
    pub idle_cycles: u32,
    pub deep_sleep: bool,
}

fn g_status(s: GStatus) -> &'static str {
    match s {
        GStatus::Runnable => "runnable",
        GStatus::Running => "running",
        GStatus::Syscall => "syscall",
        GStatus::Waiting => "waiting",
        GStatus::Dead => "dead",
    }
}

fn p_status(s: PStatus) -> &'static str {
    match s {
        PStatus::Idle => "idle",
        PStatus::Running => "running",
        PStatus::GcStop => "gcstop",
        PStatus::Dead => "dead",
    }
}

fn m_status(s: super::MState) -> &'static str {
    match s {
        super::MState::Idle => "idle",
        super::MState::Waking => "waking",
        super::MState::Schedule => "scheduling",
        super::MState::Run => "running",
        super::MState::Syscall => "syscall",
        super::MState::Netpoll => "netpoll",
        super::MState::LockedWait => "locked",
        super::MState::Dead => "dead",
        super::MState::Sysmon => "sysmon",
    }
}

impl Sim {
    fn id(g: u32) -> u32 {
        g + 1
    }

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

    /// A snapshot of one goroutine; `id` is the user-facing id (G1 is 1).
    pub fn goroutine(&self, id: u32) -> Option<GState> {
        let i = id.checked_sub(1)?;
        let g = self.gs.get(i as usize)?;
        let body = &self.prog.bodies[g.body as usize];
        Some(GState {
            id,
            status: g_status(g.status),
            wait: self.wait_words(i),
            func: body.name.clone(),
            pc: g.pc,
            op: body.places.get(g.pc as usize).cloned(),
            m: g.m,
            parent: g.parent.map(Self::id),
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
    pub fn p_state(&self, p: u32) -> PState {
        let pp = &self.ps[p as usize];
        let mut timers: Vec<(u32, u64)> = pp.timers.iter().map(|t| (Self::id(t.0 .2), t.0 .0)).collect();
        timers.sort_by_key(|t| (t.1, t.0));
        PState {
            id: p,
            status: p_status(pp.status),
            m: pp.m,
            g: pp.m.and_then(|m| self.ms[m as usize].curg).map(Self::id),
            runnext: pp.runq.runnext.map(Self::id),
            runq: pp.runq.iter().map(Self::id).collect(),
            schedtick: pp.schedtick,
            syscalltick: pp.syscalltick,
            timers,
        }
    }

    /// The global queue's length.
    pub fn global_len(&self) -> usize {
        self.global.len()
    }

    /// What each P and M is doing now, in O(Ps + Ms); overwrites `out` (reusing its buffers).
    /// Equal to `Tracks::from_state(&self.snapshot(false))`.
    pub fn tracks(&self, out: &mut Tracks) {
        out.ps.clear();
        out.ps.extend(self.ps[..self.live_ps()].iter().map(|pp| PTrack {
            m: pp.m,
            g: pp.m.and_then(|m| self.ms[m as usize].curg).map(Self::id),
            local_len: pp.runq.len() as usize + pp.runq.runnext.is_some() as usize,
        }));
        out.ms.clear();
        out.ms.extend(self.ms.iter().map(|m| MTrack { status: m_status(m.state), g: m.curg.map(Self::id), spinning: m.spinning }));
        out.global_len = self.global.len();
        out.sysmon_m = self.sysmon.m;
    }

    /// The whole state. With `with_gs`, every goroutine ever created is listed.
    pub fn snapshot(&self, with_gs: bool) -> SimState {
        let ps = (0..self.live_ps() as u32).map(|p| self.p_state(p)).collect();
        let ms = self
            .ms
            .iter()
            .enumerate()
            .map(|(i, m)| MState {
                id: i as u32,
                status: m_status(m.state),
                p: m.p.or(m.nextp),
                g: m.curg.map(Self::id),
                spinning: m.spinning,
                lockedg: m.lockedg.map(Self::id),
            })
            .collect();
        let gs = if with_gs { (1..=self.gs.len() as u32).filter_map(|id| self.goroutine(id)).collect() } else { Vec::new() };
        let mut netpoll: Vec<NetWait> = self
            .gs
            .iter()
            .enumerate()
            .filter_map(|(i, g)| match (g.status, g.wait) {
                (GStatus::Waiting, Wait::Net { ready_at, ready }) => Some(NetWait { g: i as u32 + 1, ready_at, ready }),
                _ => None,
            })
            .collect();
        netpoll.sort_by_key(|n| (n.ready_at, n.g));
        SimState {
            step: self.step,
            t: self.now,
            gomaxprocs: self.gomaxprocs,
            ps,
            global: self.global.iter().map(|&g| Self::id(g)).collect(),
            ms,
            gs,
            idle_ps: self.pidle.iter().rev().copied().collect(),
            idle_ms: self.midle.iter().rev().copied().collect(),
            nmspinning: self.nmspinning,
            needspinning: self.needspinning,
            netpoll,
            poller: self.poller,
            chans: self
                .chans
                .iter()
                .zip(self.prog.chans.iter())
                .map(|(c, (name, cap))| ChanState {
                    name: name.clone(),
                    cap: *cap,
                    len: c.len,
                    closed: c.closed,
                    sendq: c.sendq.iter().map(|&g| Self::id(g)).collect(),
                    recvq: c.recvq.iter().map(|&g| Self::id(g)).collect(),
                })
                .collect(),
            wgs: self
                .wgs
                .iter()
                .zip(self.prog.wgs.iter())
                .map(|(w, name)| WgState { name: name.clone(), counter: w.counter, waiters: w.waiters.iter().map(|&g| Self::id(g)).collect() })
                .collect(),
            sysmon: SysmonState { m: self.sysmon.m, delay_ns: self.sysmon.delay, idle_cycles: self.sysmon.idle, deep_sleep: self.sysmon.deep },
            outcome: self.outcome.as_ref().map(|o| o.message()),
        }
    }

    /// Threads that exist (not exited), sysmon's included, as schedtrace's `threads=`.
    pub fn thread_count(&self) -> u32 {
        self.ms.iter().filter(|m| m.state != super::MState::Dead).count() as u32
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
        let live = self.live_ps();
        let mut seen = vec![0u8; self.gs.len()];
        let mut mark = |g: u32, wherein: &str| -> Result<(), String> {
            let s = &mut seen[g as usize];
            *s += 1;
            if *s > 1 {
                return Err(format!("G{} is queued twice (again in {wherein})", g + 1));
            }
            Ok(())
        };
        for (i, p) in self.ps.iter().enumerate() {
            if i >= live {
                if !p.runq.is_empty() || p.status != PStatus::Dead {
                    return Err(format!("destroyed P{i} still has work or status {:?}", p.status));
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
        for &g in &self.global {
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
                return Err(format!("G{} has status {:?} but is {}in a run queue", i + 1, g.status, if queued { "" } else { "not " }));
            }
            match g.status {
                GStatus::Running | GStatus::Syscall => {
                    let Some(m) = g.m else { return Err(format!("G{} is {:?} without an M", i + 1, g.status)) };
                    if self.ms[m as usize].curg != Some(i as u32) {
                        return Err(format!("G{} says M{m} but M{m} runs {:?}", i + 1, self.ms[m as usize].curg));
                    }
                    let want = if g.status == GStatus::Running { super::MState::Run } else { super::MState::Syscall };
                    if self.ms[m as usize].state != want {
                        return Err(format!("G{} is {:?} but M{m} is {:?}", i + 1, g.status, self.ms[m as usize].state));
                    }
                }
                GStatus::Waiting
                    if g.wait == Wait::None => {
                        return Err(format!("G{} waits for nothing", i + 1));
                    }
                _ => {}
            }
        }
        let mut spinning = 0;
        for (i, m) in self.ms.iter().enumerate() {
            let in_idle = self.midle.iter().filter(|&&x| x == i as u32).count();
            let should = (m.state == super::MState::Idle) as usize;
            if in_idle != should {
                return Err(format!("M{i} in state {:?} appears {in_idle} times on the idle list", m.state));
            }
            if let Some(p) = m.p {
                if self.ps[p as usize].m != Some(i as u32) {
                    return Err(format!("M{i}.p = P{p} but P{p}.m = {:?}", self.ps[p as usize].m));
                }
            }
            match m.state {
                super::MState::Idle | super::MState::Netpoll | super::MState::LockedWait | super::MState::Dead
                    if (m.p.is_some() || m.curg.is_some()) => {
                        return Err(format!("M{i} in state {:?} holds a P or G", m.state));
                    }
                super::MState::Run | super::MState::Schedule
                    if m.p.is_none() => {
                        return Err(format!("M{i} in state {:?} has no P", m.state));
                    }
                _ => {}
            }
            // The converse of the G check above: an M runs its G only while that G is running.
            if let (super::MState::Run, Some(g)) = (m.state, m.curg) {
                if self.gs[g as usize].status != GStatus::Running {
                    return Err(format!("M{i} is in state Run but its G{} is {:?}", g + 1, self.gs[g as usize].status));
                }
            }
            if m.spinning {
                spinning += 1;
                let p = m.p.or(m.nextp).ok_or_else(|| format!("spinning M{i} has no P"))?;
                if !self.ps[p as usize].runq.is_empty() && m.state != super::MState::Waking {
                    return Err(format!("spinning M{i} has local work on P{p}"));
                }
            }
        }
        // lockedm (LockOSThread): a locked goroutine runs only on its own M, and that M runs
        // nothing else (and never sits on the idle list to be handed other work).
        for (i, g) in self.gs.iter().enumerate() {
            let Some(lm) = g.lockedm else { continue };
            if self.ms[lm as usize].lockedg != Some(i as u32) {
                return Err(format!("G{} is locked to M{lm} but M{lm}.lockedg = {:?}", i + 1, self.ms[lm as usize].lockedg.map(|x| x + 1)));
            }
            if matches!(g.status, GStatus::Running | GStatus::Syscall) && g.m != Some(lm) {
                return Err(format!("G{} is locked to M{lm} but runs on M{}", i + 1, g.m.unwrap_or(u32::MAX)));
            }
        }
        for (i, m) in self.ms.iter().enumerate() {
            if let Some(h) = m.handed {
                if m.lockedg != Some(h) {
                    return Err(format!("M{i} was handed G{} but is locked to {:?}", h + 1, m.lockedg.map(|x| x + 1)));
                }
            }
            let Some(lg) = m.lockedg else { continue };
            if self.gs[lg as usize].lockedm != Some(i as u32) {
                return Err(format!("M{i} is locked to G{} but G{}.lockedm = {:?}", lg + 1, lg + 1, self.gs[lg as usize].lockedm));
            }
            if let Some(c) = m.curg.filter(|&c| c != lg) {
                return Err(format!("M{i} is locked to G{} but runs G{}", lg + 1, c + 1));
            }
            if m.state == super::MState::Idle {
                return Err(format!("M{i} is locked to G{} but parked on the idle M list", lg + 1));
            }
        }
        if spinning != self.nmspinning {
            return Err(format!("nmspinning = {} but {spinning} Ms spin", self.nmspinning));
        }
        if self.npidle() > self.gomaxprocs {
            return Err("more idle Ps than GOMAXPROCS".into());
        }
        if let Some(pm) = self.poller {
            if self.ms[pm as usize].state != super::MState::Netpoll {
                return Err(format!("poller M{pm} is not blocked in netpoll"));
            }
        }
        Ok(())
    }
}
