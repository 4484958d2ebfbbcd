//! The simulator: Go's scheduler as a deterministic, sans-IO state machine.
//!
//! [`Sim`] holds every G, M and P, the global queue, the idle lists, sysmon, the netpoller
//! and the timers. Time is virtual. Each [`Sim::step`] takes the earliest pending thing that
//! can happen (an M finishing an op or a scheduling round, a syscall returning, a network
//! wait completing, a sysmon tick, a user action), carries out exactly what Go's runtime does
//! at that point, and records the [`Event`]s it made. A step that changes nothing a user can
//! see (a sysmon tick that takes no action) is not counted as a step.
//!
//! The code follows `proc.go`: each method names the Go function it stands for. Files:
//! `mod.rs` (state, the step loop, user actions), `queues.rs` (run queues, idle lists,
//! `wakep`/`startm`/`handoffp`/`injectglist`), `find.rs` (`schedule`, `findRunnable`,
//! `stealWork`), `exec.rs` (goroutines executing their ops: channels, WaitGroups, timers,
//! the netpoller, syscalls), `sysmon.rs` (sysmon, `retake`, preemption), `resize.rs`
//! (stop-the-world and `procresize`), `status.rs` (statuses and `Activity`), `state.rs`
//! (snapshots and invariants).

mod due;
mod exec;
mod find;
mod g;
mod global_runq;
mod gtable;
mod queues;
mod real_time;
mod resize;
mod state;
mod status;
mod sysmon;

pub(crate) use g::{GMore, G, NO_END};
use global_runq::GlobalRunq;
pub use resize::steal_order;
pub use status::{Activity, GStatus, MStatus, PStatus};
pub use state::{ChanState, GState, MState as MStateView, MTrack, NetWait, PState, PTrack, SimState, SysmonState, Tracks, WgState};

use crate::core::scenario::print::Val;
use crate::core::costs::Costs;
use crate::core::event::{Event, UserAction, What};
use crate::core::ids::{GId, MId, PId};
use crate::core::program::Program;
use crate::core::rng::Rng;
use crate::core::runq::RunQueue;
use crate::core::scenario::{ActionAt, ActionKind, Scenario};
use due::Due;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::sync::Arc;

/// `forcePreemptNS`: the time slice.
pub const TIME_SLICE_NS: u64 = 10_000_000;
/// sysmon's shortest sleep.
pub const SYSMON_MIN_DELAY_NS: u64 = 20_000;
/// sysmon's longest sleep while awake.
pub const SYSMON_MAX_DELAY_NS: u64 = 10_000_000;
/// sysmon's deep sleep when every P is idle: `forcegcperiod / 2`.
pub const SYSMON_DEEP_SLEEP_NS: u64 = 60_000_000_000;
/// sysmon polls the network if nobody has for this long.
pub const SYSMON_NETPOLL_NS: u64 = 10_000_000;
/// `sched.maxmcount`: more threads than this is a fatal error.
pub const MAX_THREADS: usize = 10_000;
/// `stealTries`.
pub const STEAL_TRIES: u8 = 4;
/// The fairness period: `schedtick % 61 == 0` checks the global queue first.
pub const GLOBAL_CHECK_PERIOD: u32 = 61;

/// What a waiting goroutine waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wait {
    /// Nothing (it is not waiting).
    None,
    /// A send on the channel.
    ChanSend(u32),
    /// A receive on the channel.
    ChanRecv(u32),
    /// The WaitGroup's counter reaching 0.
    WaitGroup(u32),
    /// A timer on P's heap, firing at `until`.
    Sleep { until: u64 },
    /// Parked on the netpoller; `ready` once the fd is ready but not yet polled.
    Net { ready_at: u64, ready: bool },
}

/// Where `stealWork` was when its M began the 3 µs runnext back-off.
#[derive(Clone, Copy, Debug)]
pub(crate) struct StealCursor {
    /// The pass over the Ps (0 to `STEAL_TRIES - 1`; the last one also looks at timers and runnext).
    pub pass: u8,
    /// The random number that chose the pass's order (start and coprime stride).
    pub r: u32,
    /// How many Ps of the pass were looked at.
    pub k: u32,
    /// A victim's timer ran during the last pass.
    pub ran_timer: bool,
    /// The victim whose runnext G we backed off for, and that G.
    pub backoff: Option<(u32, u32)>,
}

/// An OS thread.
#[derive(Clone, Debug)]
pub(crate) struct M {
    /// What it is doing.
    pub state: MStatus,
    /// `m.p`: the P it holds.
    pub p: Option<u32>,
    /// `m.nextp`: the P it will acquire when it wakes (`startm`).
    pub nextp: Option<u32>,
    /// `m.oldp`: the P it had before entering a syscall.
    pub oldp: Option<u32>,
    /// `m.curg`: the goroutine it runs (or has in a syscall).
    pub curg: Option<u32>,
    /// `m.spinning`: looking for work to steal.
    pub spinning: bool,
    /// `m.lockedg`: the goroutine locked to it.
    pub lockedg: Option<u32>,
    /// The locked goroutine `startlockedm` handed over with `nextp`.
    pub handed: Option<u32>,
    /// Generation of its pending wake-up; older heap entries are stale.
    pub gen: u32,
    /// When its pending wake-up is due.
    pub wake_at: Option<u64>,
    /// In `stealWork`'s back-off.
    pub steal: Option<StealCursor>,
    /// Was spinning before blocking in netpoll.
    pub netpoll_spinning: bool,
    /// Real-time mode: what its thread is doing for the driver.
    pub awaiting: Option<Awaiting>,
}

/// What an M's real thread is busy with, in real-time mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Awaiting {
    /// A slice of CPU work of this many ns.
    Work { slice: u64 },
    /// A blocking syscall.
    Syscall,
}

/// What a real thread must do (real-time mode). Thread creation, wake-ups and parking are
/// the `ThreadCreate`, `ThreadWake` and `ThreadPark` events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    /// Run CPU work for `ns` on behalf of goroutine `g`, then call [`Sim::work_done`].
    Work { m: MId, g: GId, ns: u64 },
    /// Block in a syscall for `ns`, then call [`Sim::syscall_done`].
    Syscall { m: MId, g: GId, ns: u64 },
}

/// `p.sysmontick`: what sysmon last saw of a P.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct SysmonTick {
    /// The P's `schedtick` sysmon last saw.
    pub schedtick: u32,
    /// When sysmon saw that `schedtick` first.
    pub schedwhen: u64,
    /// The P's `syscalltick` sysmon last saw.
    pub syscalltick: u32,
    /// When sysmon saw that `syscalltick` first.
    pub syscallwhen: u64,
}

/// A logical processor.
#[derive(Clone)]
pub(crate) struct P {
    /// `p.status`.
    pub status: PStatus,
    /// `p.m`: the M holding it.
    pub m: Option<u32>,
    /// Its local run queue and `runnext`.
    pub runq: RunQueue,
    /// `p.schedtick`: incremented at every `execute` that starts a new time slice.
    pub schedtick: u32,
    /// `p.syscalltick`: incremented when a syscall returns to it (the fast path) and when it is
    /// taken from an M in a syscall.
    pub syscalltick: u32,
    /// What sysmon last saw of it.
    pub sysmontick: SysmonTick,
    /// Timers: (when, sequence, goroutine), earliest first.
    pub timers: BinaryHeap<Reverse<(u64, u64, u32)>>,
    /// On the idle list (`idlepMask`).
    pub idle: bool,
    /// The last M that ran it (`p.oldm`).
    pub oldm: Option<u32>,
    /// When the current time slice began.
    pub slice_start: u64,
    /// `p.goidcache` / `p.goidcacheend`: the P's block of Go goroutine ids.
    pub goid_next: u64,
    /// The end of that block.
    pub goid_end: u64,
}

/// A channel (`hchan`).
#[derive(Clone, Debug, Default)]
pub(crate) struct Chan {
    /// Its buffer's capacity (0: unbuffered).
    pub cap: u32,
    /// Values in its buffer.
    pub len: u64,
    /// Closed.
    pub closed: bool,
    /// Goroutines blocked sending, first served first.
    pub sendq: VecDeque<u32>,
    /// Goroutines blocked receiving, first served first.
    pub recvq: VecDeque<u32>,
    /// The values in its buffer, oldest first (`len` of them).
    pub buf: VecDeque<Val>,
}

/// A `sync.WaitGroup`.
#[derive(Clone, Debug, Default)]
pub(crate) struct WaitGroup {
    /// Its counter.
    pub counter: i64,
    /// Goroutines blocked in `Wait`, in the order they blocked.
    pub waiters: VecDeque<u32>,
}

/// sysmon's loop state.
#[derive(Clone, Debug)]
pub(crate) struct Sysmon {
    /// The M it runs on.
    pub m: u32,
    /// Consecutive cycles without a retake.
    pub idle: u32,
    /// Current sleep.
    pub delay: u64,
    /// In deep sleep (`sched.sysmonwait`).
    pub deep: bool,
    /// Generation of its pending wake-up; older heap entries are stale.
    pub gen: u32,
}

/// Something that will happen at a virtual time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Wake {
    /// M `.0`'s next activity, for its wake-up generation `.1`.
    M(u32, u32),
    /// sysmon's next check, for its generation.
    Sysmon(u32),
    /// Goroutine `.0`'s network wait completes, for its wait generation `.1`.
    NetReady(u32, u32),
    /// The scenario's `at_ns` action with this index.
    Action(u32),
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// main returned.
    Exit,
    /// `fatal error: all goroutines are asleep - deadlock!`
    Deadlock,
    /// A panic, with Go's message.
    Panic(String),
    /// Another fatal runtime error.
    Fatal(String),
}

impl Outcome {
    /// Go's words for it.
    pub fn message(&self) -> String {
        match self {
            Outcome::Exit => "exit status 0: main returned".into(),
            Outcome::Deadlock => "fatal error: all goroutines are asleep - deadlock!".into(),
            Outcome::Panic(m) => format!("panic: {m}"),
            Outcome::Fatal(m) => format!("fatal error: {m}"),
        }
    }
}

/// Totals over a run.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Stats {
    /// Goroutines created, main included.
    pub goroutines_created: u64,
    /// Successful `runqsteal`s.
    pub steals: u64,
    /// Goroutines they moved.
    pub goroutines_stolen: u64,
    /// `handoffp` calls (a P given to another M, or parked, after its M lost it).
    pub handoffs: u64,
    /// Threads created, sysmon's included.
    pub threads_created: u64,
    /// Preemptions by sysmon.
    pub preemptions: u64,
    /// Batches taken from the global queue.
    pub global_grabs: u64,
    /// Local queue overflows (`runqputslow`).
    pub overflows: u64,
    /// The global queue's longest length.
    pub max_global_queue: u64,
    /// The longest local queue (ring and runnext).
    pub max_local_queue: u64,
    /// The most threads alive at once, sysmon's included.
    pub max_threads: u64,
    /// Events made.
    pub events: u64,
}

/// The simulator. Clone it to keep a checkpoint.
#[derive(Clone)]
pub struct Sim {
    /// The compiled scenario.
    pub(crate) prog: Arc<Program>,
    /// Virtual-time prices.
    pub(crate) costs: Costs,
    /// The Go release modelled (minor version); below 26 the [OLD] rules apply.
    pub(crate) go: u32,
    /// Virtual time, ns.
    pub(crate) now: u64,
    /// Steps run so far.
    pub(crate) step: u64,
    seq: u64,
    /// The steal order's random numbers (`cheaprand`).
    pub(crate) rng: Rng,
    /// Every goroutine ever created, by index (G1 is 0), in copy-on-write chunks (cheap clones).
    pub(crate) gs: gtable::GTable<G>,
    /// `allp`, including Ps beyond GOMAXPROCS kept after a shrink.
    pub(crate) ps: Vec<P>,
    /// GOMAXPROCS now.
    pub(crate) gomaxprocs: u32,
    /// The numbers below GOMAXPROCS coprime with it: the steal order's strides.
    pub(crate) coprimes: Vec<u32>,
    /// Every M ever created, by id.
    pub(crate) ms: Vec<M>,
    /// `sched.runq`: the global run queue, head first.
    pub(crate) global: GlobalRunq,
    /// `sched.pidle`: the idle P stack, front last.
    pub(crate) pidle: Vec<u32>,
    /// `sched.midle`: the idle M list, front last.
    pub(crate) midle: Vec<u32>,
    /// `sched.nmspinning`.
    pub(crate) nmspinning: u32,
    /// `sched.needspinning`.
    pub(crate) needspinning: bool,
    /// `sched.lastpoll`; meaningful when `poller` is `None`.
    pub(crate) lastpoll: u64,
    /// The M blocked in netpoll (`lastpoll == 0` in Go).
    pub(crate) poller: Option<u32>,
    /// When the blocked poller will wake for a timer (`sched.pollUntil`, 0: never).
    pub(crate) poll_until: u64,
    /// `netpollInited`: a goroutine has used the network (or a timer), so Ms poll.
    pub(crate) netpoll_inited: bool,
    /// Goroutines parked on the netpoller.
    pub(crate) net_waiters: u32,
    /// Goroutines whose fd is ready and not yet polled, in kernel-event order.
    pub(crate) net_ready: Vec<u32>,
    /// The channels, by index.
    pub(crate) chans: Vec<Chan>,
    /// The WaitGroups, by index.
    pub(crate) wgs: Vec<WaitGroup>,
    /// sysmon.
    pub(crate) sysmon: Sysmon,
    heap: BinaryHeap<Due>,
    actions: Vec<crate::core::scenario::Action>,
    /// Indices of `at_step` actions not yet applied, in order.
    step_actions: VecDeque<u32>,
    /// The events of the last step.
    pub(crate) events: Vec<Event>,
    /// How the run ended, once it has.
    pub(crate) outcome: Option<Outcome>,
    /// Totals so far.
    pub(crate) stats: Stats,
    /// Sequence number of the next timer (orders timers due at the same time).
    pub(crate) timer_seq: u64,
    /// Real-time mode: work and syscalls are carried out by the driver's threads.
    pub(crate) external: bool,
    /// Longest slice of CPU work handed to a thread in real-time mode.
    pub(crate) slice_ns: u64,
    /// Commands for the driver's threads (real-time mode).
    pub(crate) commands: Vec<Command>,
    /// `sched.goidgen`.
    pub(crate) goidgen: u64,
    /// What every P's schedtick starts at.
    pub(crate) initial_schedtick: u32,
    started: bool,
    /// Scratch buffer (kept to avoid allocating).
    pub(crate) scratch: Vec<u32>,
}

impl Sim {
    /// A simulator for a validated scenario, before its first step.
    pub fn new(s: &Scenario) -> Sim {
        let prog = Arc::new(Program::compile(s));
        let mut step_actions: Vec<(u64, u32)> = Vec::new();
        let mut heap = BinaryHeap::new();
        let mut seq = 0;
        for (i, a) in s.actions.iter().enumerate() {
            match a.at {
                ActionAt::Step(n) => step_actions.push((n, i as u32)),
                ActionAt::Ns(t) => {
                    heap.push(Due::new(t, seq, Wake::Action(i as u32)));
                    seq += 1;
                }
            }
        }
        // (step, index) pairs are distinct: unstable gives the stable order, and shares the
        // unstable sort's code shape (a stable sort instantiation is larger).
        step_actions.sort_unstable();
        Sim {
            chans: prog.chans.iter().map(|c| Chan { cap: c.1, ..Chan::default() }).collect(),
            wgs: prog.wgs.iter().map(|_| WaitGroup::default()).collect(),
            prog,
            costs: s.costs,
            go: s.go,
            now: 0,
            step: 0,
            seq,
            rng: Rng::new(s.seed),
            gs: gtable::GTable::new(),
            ps: Vec::new(),
            gomaxprocs: 0,
            coprimes: Vec::new(),
            ms: Vec::new(),
            global: GlobalRunq::default(),
            pidle: Vec::new(),
            midle: Vec::new(),
            nmspinning: 0,
            needspinning: false,
            lastpoll: 0,
            poller: None,
            poll_until: 0,
            netpoll_inited: false,
            net_waiters: 0,
            net_ready: Vec::new(),
            sysmon: Sysmon { m: 1, idle: 0, delay: SYSMON_MIN_DELAY_NS, deep: false, gen: 0 },
            heap,
            actions: s.actions.clone(),
            step_actions: step_actions.into_iter().map(|(_, i)| i).collect(),
            events: Vec::new(),
            outcome: None,
            stats: Stats::default(),
            timer_seq: 0,
            external: false,
            slice_ns: 1_000_000,
            commands: Vec::new(),
            goidgen: 0,
            initial_schedtick: 0,
            started: false,
            scratch: Vec::new(),
        }
        .with_gomaxprocs_target(s.gomaxprocs)
    }

    fn with_gomaxprocs_target(mut self, n: u32) -> Sim {
        // Remembered until the first step runs schedinit.
        self.gomaxprocs = n;
        self
    }

    /// The compiled program (names of funcs, channels and WaitGroups).
    pub fn program(&self) -> &Program {
        &self.prog
    }

    /// Steps run so far.
    pub fn step_count(&self) -> u64 {
        self.step
    }

    /// Virtual time now, ns.
    pub fn now(&self) -> u64 {
        self.now
    }

    /// The events of the last step.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// How the run ended, once it has.
    pub fn outcome(&self) -> Option<&Outcome> {
        self.outcome.as_ref()
    }

    /// True once the run has ended.
    pub fn finished(&self) -> bool {
        self.outcome.is_some()
    }

    /// Totals so far.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// True when the rules the specification marks [NEW] apply (Go 1.26 and later); older
    /// releases follow the [OLD] ones.
    pub fn new_rules(&self) -> bool {
        self.go >= 26
    }

    /// True for the releases that have `sched.needspinning` and `pidlegetSpinning` (Go 1.21
    /// and later: go1.19 has neither; the Go 1.22-era source the specification read has both;
    /// Go 1.21 is where they landed, with the delicate dance's global-queue check). Older
    /// releases follow go1.19: `wakep` just gives up when no P is idle, an M about to drop
    /// its P never turns spinning instead, and the dance re-checks only the local queues.
    pub(crate) fn has_needspinning(&self) -> bool {
        self.go >= 21
    }

    /// The Go release modelled, as `1.N`.
    pub fn go_release(&self) -> String {
        format!("1.{}", self.go)
    }

    /// Current GOMAXPROCS.
    pub fn gomaxprocs(&self) -> u32 {
        self.gomaxprocs
    }

    /// Runs one step. Returns `false` (and does nothing) once the run has ended.
    pub fn step(&mut self) -> bool {
        self.step_until(u64::MAX)
    }

    /// Runs one step if something happens at or before virtual time `limit`; returns whether
    /// a step ran. The real-time driver calls this with the wall clock, so nothing is
    /// simulated ahead of real time. (`step()` is `step_until(u64::MAX)`.)
    pub fn step_until(&mut self, limit: u64) -> bool {
        if self.outcome.is_some() {
            return false;
        }
        self.events.clear();
        if !self.started {
            self.started = true;
            self.schedinit();
        } else if let Some(&i) = self.step_actions.front().filter(|&&i| match self.actions[i as usize].at {
            ActionAt::Step(n) => n <= self.step,
            ActionAt::Ns(_) => false,
        }) {
            self.step_actions.pop_front();
            let kind = self.actions[i as usize].kind.clone();
            self.apply(&kind);
        } else {
            // A step ends once something happened: an event, or (in real-time mode) a command
            // for a thread, which the driver must send out now, not at the next event.
            while self.events.is_empty() && self.commands.is_empty() {
                match self.next_heap_time() {
                    Some(t) if t <= limit => {}
                    Some(_) => return false,
                    None if self.external => return false,
                    None => panic!("Sim::step: nothing left to happen and no outcome (checkdead missed a deadlock)"),
                }
                let due = self.heap.pop().expect("next_time saw an entry");
                let (t, w) = (due.time(), due.wake);
                match w {
                    Wake::M(m, _) => {
                        self.now = self.now.max(t);
                        self.ms[m as usize].wake_at = None;
                        self.run_m(m);
                    }
                    Wake::Sysmon(_) => {
                        self.now = self.now.max(t);
                        self.sysmon_tick();
                    }
                    Wake::NetReady(g, _) => {
                        self.now = self.now.max(t);
                        self.fd_ready(g);
                    }
                    Wake::Action(i) => {
                        self.now = self.now.max(t);
                        let kind = self.actions[i as usize].kind.clone();
                        self.apply(&kind);
                    }
                }
            }
        }
        self.step += 1;
        let step = self.step;
        for e in &mut self.events {
            e.step = step;
        }
        self.stats.events += self.events.len() as u64;
        true
    }

    /// The virtual time of the next thing that will happen on its own (stale wake-ups are
    /// dropped on the way). `None` when nothing is pending: the run has ended, or, in
    /// real-time mode, everything waits for a worker to report.
    pub fn next_time(&mut self) -> Option<u64> {
        if self.outcome.is_some() {
            return None;
        }
        let step_action_due = self.step_actions.front().is_some_and(|&i| matches!(self.actions[i as usize].at, ActionAt::Step(n) if n <= self.step));
        if !self.started || step_action_due {
            return Some(self.now);
        }
        self.next_heap_time()
    }

    fn next_heap_time(&mut self) -> Option<u64> {
        while let Some(&due) = self.heap.peek() {
            let (t, w) = (due.time(), due.wake);
            let live = match w {
                Wake::M(m, gen) => self.ms[m as usize].gen == gen,
                Wake::Sysmon(gen) => self.sysmon.gen == gen,
                Wake::NetReady(g, gen) => self.gs[g as usize].wait_gen() == gen,
                Wake::Action(_) => true,
            };
            if live {
                return Some(t);
            }
            self.heap.pop();
        }
        None
    }

    /// Starts every P's schedtick at `tick` instead of 0. Real Go programs reach `main` with a
    /// schedtick left by the runtime's own start-up goroutines, which decides when the 1-in-61
    /// fairness check falls; differential tests against real Go try every value modulo 61.
    /// Call before the first step.
    pub fn set_initial_schedtick(&mut self, tick: u32) {
        assert!(!self.started, "set_initial_schedtick: the run has started");
        self.initial_schedtick = tick;
    }

    /// Runs until the run ends or `max_steps` steps have run in all. Returns steps run now.
    pub fn run(&mut self, max_steps: u64) -> u64 {
        let start = self.step;
        while self.step < max_steps && self.step() {}
        self.step - start
    }

    /// Adds an action to the run, as if the scenario had listed it: an `at_step` action applies
    /// as the step after that one (at once if the run is already past it); an `at_ns` action
    /// when the clock reaches that time (at once if it already has). The page calls this on
    /// the simulator and on every checkpoint before it, so replaying gives the same run.
    pub fn add_action(&mut self, action: crate::core::scenario::Action) {
        let i = self.actions.len() as u32;
        self.actions.push(action.clone());
        match action.at {
            ActionAt::Step(n) => {
                // Keep the pending list ordered by step, then by insertion.
                let pos = self
                    .step_actions
                    .iter()
                    .position(|&j| matches!(self.actions[j as usize].at, ActionAt::Step(m) if m > n))
                    .unwrap_or(self.step_actions.len());
                self.step_actions.insert(pos, i);
            }
            ActionAt::Ns(t) => {
                let t = t.max(self.now);
                self.push(t, Wake::Action(i));
            }
        }
    }

    /// The actions of this run, the scenario's and those added since, in the order added.
    pub fn actions(&self) -> &[crate::core::scenario::Action] {
        &self.actions
    }

    /// Applies a user intervention now, as the next step (the page calls this; the run stays
    /// reproducible when the page records it as an `at_step` action).
    pub fn act(&mut self, kind: &ActionKind) -> bool {
        if self.outcome.is_some() || !self.started {
            return false;
        }
        self.events.clear();
        self.apply(kind);
        self.step += 1;
        let step = self.step;
        for e in &mut self.events {
            e.step = step;
        }
        self.stats.events += self.events.len() as u64;
        true
    }

    // ----- emitting -----

    pub(crate) fn emit(&mut self, g: Option<u32>, p: Option<u32>, m: Option<u32>, what: What) {
        self.events.push(Event {
            step: self.step + 1,
            t: self.now,
            g: g.map(GId::of_index),
            p: p.map(PId),
            m: m.map(MId),
            what,
        });
    }

    pub(crate) fn gid(&self, g: u32) -> GId {
        GId::of_index(g)
    }

    // ----- the clock -----

    fn push(&mut self, t: u64, w: Wake) {
        self.heap.push(Due::new(t, self.seq, w));
        self.seq += 1;
    }

    /// Schedules M `m`'s next activity at `t`, replacing any pending one.
    pub(crate) fn wake_m(&mut self, m: u32, t: u64) {
        let mm = &mut self.ms[m as usize];
        mm.gen = mm.gen.wrapping_add(1);
        mm.wake_at = Some(t);
        let gen = mm.gen;
        self.push(t, Wake::M(m, gen));
    }

    /// Cancels M `m`'s pending activity.
    pub(crate) fn cancel_m(&mut self, m: u32) {
        let mm = &mut self.ms[m as usize];
        mm.gen = mm.gen.wrapping_add(1);
        mm.wake_at = None;
    }

    pub(crate) fn schedule_sysmon(&mut self, t: u64) {
        self.sysmon.gen = self.sysmon.gen.wrapping_add(1);
        let gen = self.sysmon.gen;
        self.push(t, Wake::Sysmon(gen));
    }

    pub(crate) fn schedule_net_ready(&mut self, g: u32, t: u64) {
        let gen = self.gs[g as usize].wait_gen();
        self.push(t, Wake::NetReady(g, gen));
    }

    // ----- start -----

    /// `schedinit` + `runtime.main`: Ps, M0 on P0, sysmon, and G1.
    fn schedinit(&mut self) {
        let n = self.gomaxprocs;
        self.gomaxprocs = 0;
        // M0, the thread the program starts on.
        self.new_m_struct();
        self.procresize_at_start(n);
        // sysmon's thread (`newm(sysmon, nil, -1)` in runtime.main).
        let sm = self.new_m_struct();
        self.ms[sm as usize].state = MStatus::Sysmon;
        self.sysmon.m = sm;
        self.stats.threads_created += 1;
        self.emit(None, None, Some(sm), What::ThreadCreate { for_p: None, spinning: false, sysmon: true });
        self.schedule_sysmon(SYSMON_MIN_DELAY_NS);
        // G1 runs main.
        let main = self.new_g(self.prog.main, None, Some(0));
        self.emit(Some(main), Some(0), Some(0), What::GoCreate { parent: None, func: self.prog.main, place: crate::core::event::Place::Runnext { kicked: None } });
        self.execute(0, main, false, crate::core::event::Source::Start);
    }

    pub(crate) fn new_m_struct(&mut self) -> u32 {
        let id = self.ms.len() as u32;
        self.ms.push(M {
            state: MStatus::Idle,
            p: None,
            nextp: None,
            oldp: None,
            curg: None,
            spinning: false,
            lockedg: None,
            handed: None,
            gen: 0,
            wake_at: None,
            steal: None,
            netpoll_spinning: false,
            awaiting: None,
        });
        let threads = self.ms.iter().filter(|m| m.state != MStatus::Dead).count() as u64;
        self.stats.max_threads = self.stats.max_threads.max(threads);
        id
    }

    /// `newproc1` on P `p`: a new goroutine, with a goid from `p`'s block (or, made outside any
    /// P by a user action, straight from `goidgen`).
    #[inline]
    pub(crate) fn new_g(&mut self, body: u32, parent: Option<u32>, p: Option<u32>) -> u32 {
        let id = self.gs.len() as u32;
        let goid = match p {
            Some(p) => {
                let pp = &mut self.ps[p as usize];
                if pp.goid_next == pp.goid_end {
                    // _GoidCacheBatch = 16
                    pp.goid_next = self.goidgen + 1;
                    self.goidgen += 16;
                    pp.goid_end = self.goidgen + 1;
                }
                let goid = pp.goid_next;
                pp.goid_next += 1;
                goid
            }
            None => {
                self.goidgen += 1;
                self.goidgen
            }
        };
        // Most bodies have no variables: no rare parts to make.
        let zeros = &self.prog.bodies[body as usize].zeros;
        let more = (!zeros.is_empty()).then(|| Box::new(GMore { vars: zeros.clone(), ..GMore::default() }));
        self.gs.push(G {
            status: GStatus::Runnable,
            body,
            pc: 0,
            work_left: 0,
            work_end: NO_END,
            m: None,
            preempt: false,
            wait: Wait::None,
            parent,
            goid,
            more,
        });
        self.stats.goroutines_created += 1;
        id
    }

    /// Ends the run.
    pub(crate) fn finish(&mut self, outcome: Outcome) {
        self.outcome = Some(outcome);
    }

    // ----- dispatch -----

    fn run_m(&mut self, m: u32) {
        match self.ms[m as usize].state {
            MStatus::Waking => self.m_wakeup(m),
            MStatus::Schedule => self.schedule(m),
            MStatus::Run => self.run_g(m),
            MStatus::Syscall => self.exitsyscall(m),
            MStatus::Netpoll => self.netpoll_wakeup(m),
            s => panic!("run_m: M{m} woke in state {s:?}"),
        }
    }

    /// An M woken or created by `startm` begins: it acquires `nextp` and schedules.
    fn m_wakeup(&mut self, m: u32) {
        let p = self.ms[m as usize].nextp.take().expect("mstart: woken M has no nextp");
        self.acquirep(m, p);
        if let Some(g) = self.ms[m as usize].handed.take() {
            self.execute(m, g, false, crate::core::event::Source::Locked);
        } else {
            self.ms[m as usize].state = MStatus::Schedule;
            self.schedule(m);
        }
    }

    // ----- user actions -----

    fn apply(&mut self, kind: &ActionKind) {
        match *kind {
            ActionKind::Spawn { func, n, on_p } => {
                let on_p = on_p.map(|p| p.0);
                let running_on = on_p.filter(|&p| {
                    p < self.gomaxprocs
                        && self.ps[p as usize].status == PStatus::Running
                        && self.ps[p as usize].m.is_some_and(|m| {
                            self.ms[m as usize].curg.is_some_and(|g| self.gs[g as usize].status == GStatus::Running)
                        })
                });
                self.emit(None, running_on, None, What::Action(UserAction::Spawn { func, n, on_p: on_p.map(PId), global: running_on.is_none() }));
                for _ in 0..n {
                    let g = self.new_g(func, None, running_on);
                    match running_on {
                        Some(p) => {
                            let place = self.runqput(p, g, true);
                            self.emit(Some(g), Some(p), None, What::GoCreate { parent: None, func, place });
                        }
                        None => {
                            self.globrunqput(g);
                            self.emit(Some(g), None, None, What::GoCreate { parent: None, func, place: crate::core::event::Place::GlobalTail });
                        }
                    }
                    self.wakep();
                }
            }
            ActionKind::Syscall { g, dur } => {
                let gi = g.index() as u32;
                match self.gs.get(gi as usize).map(|x| x.status) {
                    None => self.emit(None, None, None, What::Action(UserAction::Ignored("there is no such goroutine yet"))),
                    Some(GStatus::Dead) => self.emit(Some(gi), None, None, What::Action(UserAction::Ignored("it has already returned"))),
                    Some(st) => {
                        self.gs[gi as usize].more_mut().pending_syscall = Some(dur);
                        let now = st == GStatus::Running;
                        let m = self.gs[gi as usize].m;
                        self.emit(Some(gi), None, m, What::Action(UserAction::Syscall { dur, now }));
                        if now && !self.external {
                            let m = m.expect("a running G has an M");
                            if self.ms[m as usize].state == MStatus::Run {
                                self.wake_m(m, self.now);
                            }
                        }
                    }
                }
            }
            ActionKind::NetReady { g } => {
                let gi = g.index() as u32;
                let waiting = self.gs.get(gi as usize).is_some_and(|x| {
                    x.status == GStatus::Waiting && matches!(x.wait, Wait::Net { ready: false, .. })
                });
                if waiting {
                    self.emit(Some(gi), None, None, What::Action(UserAction::NetReady { applied: true }));
                    let more = self.gs[gi as usize].more_mut();
                    more.wait_gen = more.wait_gen.wrapping_add(1);
                    self.fd_ready(gi);
                } else {
                    let g = if (gi as usize) < self.gs.len() { Some(gi) } else { None };
                    self.emit(g, None, None, What::Action(UserAction::NetReady { applied: false }));
                }
            }
            ActionKind::Gomaxprocs(n) => {
                self.emit(None, None, None, What::Action(UserAction::Gomaxprocs(n)));
                self.stop_and_resize(n, None);
            }
        }
    }
}
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

/// FNV-1a over every event of a whole run (step, time, ids and explanation): the fingerprint
/// that proves the same scenario gives the same stream natively and in wasm.
pub fn digest(s: &Scenario) -> u64 {
    fnv_run(s, |e, prog, eat| eat(e.explain(prog).as_bytes()))
}

/// FNV-1a over every event of a whole run without its wording: step, time, ids, kind and the
/// event's facts (`Event::detail`). What a run does, independent of how it is explained.
pub fn facts_digest(s: &Scenario) -> u64 {
    fnv_run(s, |e, _, eat| {
        eat(e.kind().as_bytes());
        eat(e.detail().to_string().as_bytes());
    })
}

fn fnv_run(s: &Scenario, mut extra: impl FnMut(&Event, &Program, &mut dyn FnMut(&[u8]))) -> u64 {
    let mut sim = Sim::new(s);
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            h ^= b as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    while sim.step() {
        for e in sim.events() {
            eat(&e.step.to_le_bytes());
            eat(&e.t.to_le_bytes());
            for id in [e.g.map(|x| x.0), e.p.map(|x| x.0), e.m.map(|x| x.0)] {
                eat(&id.map_or(u32::MAX, |x| x).to_le_bytes());
            }
            extra(e, sim.program(), &mut eat);
        }
    }
    h
}
