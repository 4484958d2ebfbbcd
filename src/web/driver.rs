//! The page's driver: owns the simulator, its checkpoints, the recorded actions and the history
//! of the explored run. Components never touch the simulator; the reducer calls the driver.
//!
//! Stepping back is exact and fast: the run is deterministic, so going to step N means taking
//! the latest checkpoint (a clone of the simulator) at or before N and replaying at most
//! `interval` steps. Checkpoints are taken every [`CHECKPOINT_EVERY`] steps; when they would use
//! more than [`CHECKPOINT_BUDGET_BYTES`] (a large run), every other one is dropped and the
//! interval doubles.

use super::record::{kind_code, EvRec, Record, NONE16};
use crate::core::event::Event;
use crate::core::program::{Instr, Program};
use crate::core::scenario::{Action, ActionAt, ActionKind, ChanDecl, FuncDecl, Op, Scenario};
use crate::core::sim::{GState, Sim, SimState, SysmonState};
use std::collections::HashMap;
use std::rc::Rc;

/// A checkpoint is kept every this many steps (while they fit in the budget).
pub const CHECKPOINT_EVERY: u64 = 2_000;
/// Estimated memory the checkpoints may use.
pub const CHECKPOINT_BUDGET_BYTES: u64 = 96 << 20;
/// Most and fewest checkpoints kept.
pub const MAX_CHECKPOINTS: usize = 1_024;
pub const MIN_CHECKPOINTS: usize = 16;
/// Full events are regenerated in segments of this many steps (and a few segments cached).
pub const SEGMENT: u64 = 1_024;
const CACHED_SEGMENTS: usize = 24;
/// Latest events kept at hand (with their words made on demand), so that the log can follow a
/// run while it plays without replaying a segment from a checkpoint.
pub const RECENT_EVENTS: usize = 512;

/// One line of the event log or of a goroutine's history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogRow {
    /// The event's number in the whole run (a stable key).
    pub idx: usize,
    pub step: u64,
    pub t: u64,
    pub kind: &'static str,
    pub g: Option<u32>,
    pub p: Option<u32>,
    pub text: String,
}

/// Which events the log shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogFilter {
    /// A kind name from `What::KINDS`; empty for all.
    pub kind: String,
    /// A user-facing goroutine id.
    pub g: Option<u32>,
    pub p: Option<u32>,
}

impl LogFilter {
    fn matches(&self, code: Option<u8>, e: &EvRec) -> bool {
        code.is_none_or(|c| e.kind == c)
            && self.g.is_none_or(|g| e.g == g)
            && self.p.is_none_or(|p| e.p != NONE16 && e.p as u32 == p)
    }

    /// Whether the log shows event `e` (for a log kept as events, as threads mode keeps it).
    pub fn admits(&self, e: &Event) -> bool {
        (self.kind.is_empty() || e.kind() == self.kind)
            && self.g.is_none_or(|g| e.g.is_some_and(|x| x.0 == g))
            && self.p.is_none_or(|p| e.p.is_some_and(|x| x.0 == p))
    }
}

/// Event number `idx` of a run of `prog` as a line of the log, in words.
pub fn log_row(idx: usize, e: &Event, prog: &Program) -> LogRow {
    LogRow { idx, step: e.step, t: e.t, kind: e.kind(), g: e.g.map(|g| g.0), p: e.p.map(|p| p.0), text: e.explain(prog) }
}

/// A goroutine in detail, for the side panel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GDetail {
    pub state: GState,
    /// Its body's instructions: (place in the document, words); `pc` marks the current one.
    pub ops: Vec<(String, String)>,
    /// Its latest events up to the current step, oldest first.
    pub history: Vec<LogRow>,
}

/// What an intervention from the page asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Intervention {
    /// Spawn `n` goroutines running the scenario's func `func`, or a ready [`Template`].
    Spawn { func: SpawnFunc, n: u32, on_p: Option<u32> },
    /// Goroutine `g` enters a blocking syscall for `dur` ns.
    Syscall { g: u32, dur: u64 },
    /// The network wait of goroutine `g` completes.
    NetReady { g: u32 },
    Gomaxprocs(u32),
}

/// What to spawn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SpawnFunc {
    /// A func of the scenario, by name.
    Func(String),
    Template(Template),
}

/// Ready-made goroutine bodies a user can spawn into any scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Template {
    Cpu,
    Net,
    Syscall,
    Sleeper,
    PingPong,
}

impl Template {
    pub const ALL: [Template; 5] = [Template::Cpu, Template::Net, Template::Syscall, Template::Sleeper, Template::PingPong];

    /// Words for the menu.
    pub fn label(self) -> &'static str {
        match self {
            Template::Cpu => "CPU-bound (work 20ms)",
            Template::Net => "network I/O (net 5ms, work 200µs)",
            Template::Syscall => "blocking syscall (syscall 3ms, work 100µs)",
            Template::Sleeper => "sleeper (sleep 2ms, work 100µs)",
            Template::PingPong => "channel ping-pong (a pair)",
        }
    }

    /// A stable name for forms and tests.
    pub fn key(self) -> &'static str {
        match self {
            Template::Cpu => "tpl_cpu",
            Template::Net => "tpl_net",
            Template::Syscall => "tpl_syscall",
            Template::Sleeper => "tpl_sleeper",
            Template::PingPong => "tpl_ping",
        }
    }

    pub fn from_key(k: &str) -> Option<Template> {
        Template::ALL.into_iter().find(|t| t.key() == k)
    }

    /// The funcs it needs: (name, body).
    fn funcs(self, chan: u32) -> Vec<(&'static str, Vec<Op>)> {
        const MS: u64 = 1_000_000;
        const US: u64 = 1_000;
        match self {
            Template::Cpu => vec![("tpl_cpu", vec![Op::Work(20 * MS)])],
            Template::Net => vec![("tpl_net", vec![Op::Net(5 * MS), Op::Work(200 * US)])],
            Template::Syscall => vec![("tpl_syscall", vec![Op::Syscall(3 * MS), Op::Work(100 * US)])],
            Template::Sleeper => vec![("tpl_sleeper", vec![Op::Sleep(2 * MS), Op::Work(100 * US)])],
            Template::PingPong => vec![
                ("tpl_ping", vec![Op::Repeat { n: 5, body: vec![Op::Send(chan), Op::Work(50 * US), Op::Recv(chan)] }]),
                ("tpl_pong", vec![Op::Repeat { n: 5, body: vec![Op::Recv(chan), Op::Work(50 * US), Op::Send(chan)] }]),
            ],
        }
    }
}

/// Name of the channel the ping-pong template uses.
pub const PINGPONG_CHAN: &str = "tpl_pingpong";

/// The driver.
pub struct Driver {
    /// The scenario being run, with the actions recorded so far.
    scenario: Scenario,
    /// The simulator at the current step.
    sim: Sim,
    /// Clones of the run at increasing steps; the first is at step 0.
    checkpoints: Vec<Sim>,
    /// Steps between checkpoints.
    interval: u64,
    record: Record,
    /// Full events of some segments, most recently used last.
    segments: Vec<(u64, Rc<Vec<Event>>)>,
    /// Events of the segment being explored (its steps so far), when recorded from its first
    /// step.
    frontier: Option<(u64, Vec<Event>)>,
    /// The state after the step before the current one, when the last move was one step
    /// forward: the board shows what moved.
    prev: Option<Rc<SimState>>,
    /// The latest events up to the current step, with their indices in the run, oldest first:
    /// those of the steps made one after another since the simulator was last replaced.
    recent: std::collections::VecDeque<(usize, Event)>,
}

impl Driver {
    /// A driver at step 0 of `scenario`.
    pub fn new(scenario: Scenario) -> Driver {
        let sim = Sim::new(&scenario);
        Driver {
            checkpoints: vec![sim.clone()],
            sim,
            scenario,
            interval: CHECKPOINT_EVERY,
            record: Record::default(),
            segments: Vec::new(),
            frontier: Some((0, Vec::new())),
            prev: None,
            recent: std::collections::VecDeque::new(),
        }
    }

    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    pub fn sim(&self) -> &Sim {
        &self.sim
    }

    pub fn record(&self) -> &Record {
        &self.record
    }

    /// The current step.
    pub fn step(&self) -> u64 {
        self.sim.step_count()
    }

    /// True once the current step is the run's last.
    pub fn finished(&self) -> bool {
        self.sim.finished()
    }

    /// Steps between checkpoints now.
    pub fn interval(&self) -> u64 {
        self.interval
    }

    /// Number of checkpoints kept.
    pub fn checkpoint_count(&self) -> usize {
        self.checkpoints.len()
    }

    /// The state after the previous step, when the last move was one step forward.
    pub fn prev_state(&self) -> Option<Rc<SimState>> {
        self.prev.clone()
    }

    /// Back to step 0.
    pub fn restart(&mut self) {
        self.sim = self.checkpoints[0].clone();
        self.recent.clear();
        self.prev = None;
    }

    /// One step forward. Returns `false` at the end of the run.
    pub fn forward(&mut self) -> bool {
        let before = Rc::new(snapshot(&self.sim, false));
        let moved = self.step_one();
        self.prev = if moved { Some(before) } else { None };
        moved
    }

    /// Up to `n` steps forward, keeping the state before the last one for the board's
    /// highlights. Returns the steps made.
    pub fn advance(&mut self, n: u64) -> u64 {
        if n == 1 {
            return self.forward() as u64;
        }
        // Several steps at once: no single step's moves to show.
        self.prev = None;
        let mut made = 0;
        while made < n && self.step_one() {
            made += 1;
        }
        made
    }

    /// Steps forward until `deadline` (a clock in ms, read through `now`) passes or the run
    /// ends. Returns the steps made.
    pub fn advance_until(&mut self, now: &dyn Fn() -> f64, deadline: f64) -> u64 {
        let mut made = 0u64;
        loop {
            for _ in 0..256 {
                if !self.step_one() {
                    self.prev = None;
                    return made;
                }
                made += 1;
            }
            if now() >= deadline {
                self.prev = None;
                return made;
            }
        }
    }

    /// One step back (exact).
    pub fn back(&mut self) {
        let s = self.step();
        if s > 0 {
            self.seek(s - 1);
        }
    }

    /// Goes to step `target` (or the run's end, if it ends before).
    pub fn seek(&mut self, target: u64) {
        let cur = self.step();
        self.prev = None;
        if target == cur {
            return;
        }
        let i = self.checkpoints.partition_point(|c| c.step_count() <= target) - 1;
        let ck = self.checkpoints[i].step_count();
        if target < cur || ck > cur {
            self.sim = self.checkpoints[i].clone();
            self.recent.clear();
        }
        if target == self.step() + 1 {
            self.forward();
            return;
        }
        while self.step() < target {
            if !self.step_one() {
                break;
            }
        }
    }

    /// Runs one step, recording it if it is new. Returns `false` at the end of the run.
    fn step_one(&mut self) -> bool {
        if !self.sim.step() {
            return false;
        }
        let s = self.sim.step_count();
        if s > self.record.explored() {
            self.record.push(&self.sim);
            self.remember_events(s);
            if s.is_multiple_of(self.interval) {
                self.checkpoint();
            }
        }
        let base = self.record.event_range(s, s).start;
        for (i, e) in self.sim.events().iter().enumerate() {
            if self.recent.len() == RECENT_EVENTS {
                self.recent.pop_front();
            }
            self.recent.push_back((base + i, e.clone()));
        }
        true
    }

    fn remember_events(&mut self, s: u64) {
        let seg = (s - 1) / SEGMENT;
        if s == seg * SEGMENT + 1 {
            self.frontier = Some((seg, Vec::new()));
        }
        match &mut self.frontier {
            Some((k, evs)) if *k == seg => evs.extend_from_slice(self.sim.events()),
            _ => self.frontier = None,
        }
        if s.is_multiple_of(SEGMENT) {
            if let Some((_, done)) = self.frontier.take() {
                self.cache_segment(seg, Rc::new(done));
            }
        }
    }

    fn cache_segment(&mut self, seg: u64, evs: Rc<Vec<Event>>) {
        self.segments.retain(|(k, _)| *k != seg);
        self.segments.push((seg, evs));
        if self.segments.len() > CACHED_SEGMENTS {
            self.segments.remove(0);
        }
    }

    /// Rough size of one checkpoint, in bytes.
    fn checkpoint_size(&self) -> u64 {
        let snap_gs = self.sim.goroutine_count() as u64;
        4_096 + snap_gs * 200 + self.sim.gomaxprocs() as u64 * 1_300 + self.sim.thread_count() as u64 * 96
    }

    fn checkpoint(&mut self) {
        let s = self.sim.step_count();
        if self.checkpoints.last().is_some_and(|c| c.step_count() >= s) {
            return;
        }
        self.checkpoints.push(self.sim.clone());
        let cap = (CHECKPOINT_BUDGET_BYTES / self.checkpoint_size()).clamp(MIN_CHECKPOINTS as u64, MAX_CHECKPOINTS as u64) as usize;
        while self.checkpoints.len() > cap {
            self.interval *= 2;
            let iv = self.interval;
            self.checkpoints.retain(|c| c.step_count() % iv == 0);
        }
    }

    /// Explores forward (without moving the current step) until step `s` is recorded, the run
    /// ends, or `budget` steps have run. Returns whether `s` is recorded.
    fn explore_to(&mut self, s: u64, budget: u64) -> bool {
        if s <= self.record.explored() {
            return true;
        }
        let saved = self.sim.clone();
        let saved_recent = std::mem::take(&mut self.recent);
        let prev = self.prev.take();
        let start = self.record.explored();
        self.seek(start);
        let mut n = 0;
        while self.record.explored() < s && n < budget && self.step_one() {
            n += 1;
        }
        self.sim = saved;
        self.recent = saved_recent;
        self.prev = prev;
        self.record.explored() >= s
    }

    /// The next step after the current one with an event of `kind`, exploring at most
    /// `budget` new steps. `Err(n)` says how many steps ahead were searched.
    pub fn find_next(&mut self, kind: &str, budget: u64) -> Result<u64, u64> {
        let Some(code) = kind_code(kind) else { return Err(0) };
        let cur = self.step();
        loop {
            if let Some(s) = self.record.next_kind(cur, code) {
                return Ok(s);
            }
            let explored = self.record.explored();
            if self.record.end().is_some() || explored - cur >= budget {
                return Err(explored - cur);
            }
            let to = (explored + 4_096).min(cur + budget);
            self.explore_to(to, u64::MAX);
        }
    }

    /// The last step before the current one with an event of `kind`.
    pub fn find_prev(&self, kind: &str) -> Option<u64> {
        self.record.prev_kind(self.step(), kind_code(kind)?)
    }

    /// The events of the current step.
    pub fn events(&self) -> &[Event] {
        self.sim.events()
    }

    /// The events of segment `seg`, from the cache or by replaying from a checkpoint.
    fn segment(&mut self, seg: u64) -> Rc<Vec<Event>> {
        if let Some(i) = self.segments.iter().position(|(k, _)| *k == seg) {
            let e = self.segments.remove(i);
            let r = e.1.clone();
            self.segments.push(e);
            return r;
        }
        if let Some((k, evs)) = &self.frontier {
            if *k == seg {
                return Rc::new(evs.clone());
            }
        }
        let first = seg * SEGMENT + 1;
        let last = ((seg + 1) * SEGMENT).min(self.record.explored());
        let i = self.checkpoints.partition_point(|c| c.step_count() < first) - 1;
        let mut sim = self.checkpoints[i].clone();
        while sim.step_count() + 1 < first && sim.step() {}
        let mut evs = Vec::new();
        while sim.step_count() < last && sim.step() {
            evs.extend_from_slice(sim.events());
        }
        let evs = Rc::new(evs);
        if last == (seg + 1) * SEGMENT {
            self.cache_segment(seg, evs.clone());
        }
        evs
    }

    /// The full events with run-wide indices `idx` (ascending), with their words.
    fn rows(&mut self, idx: &[usize]) -> Vec<LogRow> {
        let mut out = Vec::with_capacity(idx.len());
        let mut cur_seg: Option<(u64, Rc<Vec<Event>>, usize)> = None;
        for &i in idx {
            let step = self.record.step_of_event(i);
            let seg = (step - 1) / SEGMENT;
            if cur_seg.as_ref().is_none_or(|c| c.0 != seg) {
                let evs = self.segment(seg);
                let base = self.record.event_range(seg * SEGMENT + 1, seg * SEGMENT + 1).start;
                cur_seg = Some((seg, evs, base));
            }
            let (_, evs, base) = cur_seg.as_ref().expect("segment loaded above");
            if let Some(e) = evs.get(i - base) {
                out.push(LogRow { idx: i, ..self.row(e) });
            }
        }
        out
    }

    fn row(&self, e: &Event) -> LogRow {
        log_row(0, e, self.sim.program())
    }

    /// The current step's events with their words.
    pub fn current_rows(&self) -> Vec<LogRow> {
        self.sim.events().iter().map(|e| self.row(e)).collect()
    }

    /// The latest `limit` events matching `filter` at or before the current step, oldest first,
    /// and whether there are earlier ones.
    pub fn log(&mut self, filter: &LogFilter, limit: usize) -> (Vec<LogRow>, bool) {
        let code = if filter.kind.is_empty() { None } else { Some(kind_code(&filter.kind).unwrap_or(u8::MAX)) };
        let r = self.record.event_range(1, self.step());
        let mut idx = Vec::with_capacity(limit);
        let mut more = false;
        for i in r.rev() {
            if filter.matches(code, &self.record.ev(i)) {
                if idx.len() == limit {
                    more = true;
                    break;
                }
                idx.push(i);
            }
        }
        idx.reverse();
        (self.rows(&idx), more)
    }

    /// Like [`Driver::log`], but only from the latest events at hand (the last
    /// [`RECENT_EVENTS`] of the steps made in a row): cheap enough for every few frames while
    /// playing, never replaying from a checkpoint. Falls back to [`Driver::log`] when none are at
    /// hand; may show fewer than `limit` rows when few recent events match.
    pub fn recent_log(&mut self, filter: &LogFilter, limit: usize) -> (Vec<LogRow>, bool) {
        let cur = self.step();
        if self.recent.back().is_none_or(|(_, e)| e.step != cur) {
            return self.log(filter, limit);
        }
        let code = if filter.kind.is_empty() { None } else { Some(kind_code(&filter.kind).unwrap_or(u8::MAX)) };
        let mut rows = Vec::with_capacity(limit);
        let mut more = self.recent.front().is_some_and(|(i, _)| *i > 0);
        for (i, e) in self.recent.iter().rev() {
            if filter.matches(code, &self.record.ev(*i)) {
                if rows.len() == limit {
                    more = true;
                    break;
                }
                rows.push(LogRow { idx: *i, ..self.row(e) });
            }
        }
        rows.reverse();
        (rows, more)
    }

    /// Goroutine `id` in detail (its ops and its latest `limit` events), if it exists yet. With
    /// `recent`, the history comes from the latest events only (see [`Driver::recent_log`]).
    pub fn goroutine_at(&mut self, id: u32, limit: usize, recent: bool) -> Option<GDetail> {
        let state = self.sim.goroutine(crate::core::ids::GId(id))?;
        let ops = ops_of(&self.sim, &self.scenario, &state.func);
        let f = LogFilter { kind: String::new(), g: Some(id), p: None };
        let (history, _) = if recent { self.recent_log(&f, limit) } else { self.log(&f, limit) };
        Some(GDetail { state, ops, history })
    }

    /// Goroutine `id` in detail (its ops and its latest `limit` events), if it exists yet.
    pub fn goroutine(&mut self, id: u32, limit: usize) -> Option<GDetail> {
        self.goroutine_at(id, limit, false)
    }

    /// Records an intervention at the current step and runs the step that applies it. Returns
    /// the action as recorded, or a reason it cannot be made now.
    pub fn intervene(&mut self, what: &Intervention) -> Result<Action, String> {
        if self.step() == 0 {
            return Err("Step once first: the program has not started.".into());
        }
        if self.sim.finished() {
            return Err("The run has ended; step back or restart first.".into());
        }
        let n = self.step();
        let mut rebuild = false;
        let kind = match what {
            Intervention::Spawn { func, n: count, on_p } => {
                let idx = match func {
                    SpawnFunc::Func(name) => self
                        .scenario
                        .funcs
                        .iter()
                        .position(|f| &f.name == name)
                        .ok_or_else(|| format!("There is no func {name:?} in the scenario."))? as u32,
                    SpawnFunc::Template(t) => {
                        let (i, added) = self.ensure_template(*t);
                        rebuild |= added;
                        i
                    }
                };
                if *count == 0 {
                    return Err("Spawn at least one goroutine.".into());
                }
                if let Some(p) = on_p {
                    if *p >= self.sim.gomaxprocs() {
                        return Err(format!("There is no P{p} (GOMAXPROCS is {}).", self.sim.gomaxprocs()));
                    }
                }
                let extra = match func {
                    SpawnFunc::Template(Template::PingPong) => {
                        let pong = self.scenario.funcs.iter().position(|f| f.name == "tpl_pong").expect("template added") as u32;
                        Some(ActionKind::Spawn { func: pong, n: *count, on_p: on_p.map(crate::core::ids::PId) })
                    }
                    _ => None,
                };
                if let Some(k) = extra {
                    // The pong goroutines first: the ping ones end up in runnext and start.
                    self.push_action(Action { at: ActionAt::Step(n), kind: k }, rebuild);
                    rebuild = false;
                }
                ActionKind::Spawn { func: idx, n: *count, on_p: on_p.map(crate::core::ids::PId) }
            }
            Intervention::Syscall { g, dur } => ActionKind::Syscall { g: crate::core::ids::GId(*g), dur: *dur },
            Intervention::NetReady { g } => ActionKind::NetReady { g: crate::core::ids::GId(*g) },
            Intervention::Gomaxprocs(p) => {
                if !(1..=crate::core::scenario::limits::MAX_GOMAXPROCS).contains(p) {
                    return Err(format!("GOMAXPROCS must be 1 to {}.", crate::core::scenario::limits::MAX_GOMAXPROCS));
                }
                ActionKind::Gomaxprocs(*p)
            }
        };
        let action = Action { at: ActionAt::Step(n), kind };
        self.push_action(action.clone(), rebuild);
        // The next step applies the actions recorded at step n, one per step.
        self.forward();
        Ok(action)
    }

    /// Adds the ready template's funcs (and channel) to the scenario if missing. Returns the
    /// index of its (first) func and whether the scenario changed.
    fn ensure_template(&mut self, t: Template) -> (u32, bool) {
        let mut added = false;
        let chan = match self.scenario.chans.iter().position(|c| c.name == PINGPONG_CHAN) {
            Some(i) => i as u32,
            None if t == Template::PingPong => {
                self.scenario.chans.push(ChanDecl { name: PINGPONG_CHAN.into(), cap: 0 });
                added = true;
                self.scenario.chans.len() as u32 - 1
            }
            None => 0,
        };
        let mut first = None;
        for (name, body) in t.funcs(chan) {
            let i = match self.scenario.funcs.iter().position(|f| f.name == name) {
                Some(i) => i,
                None => {
                    self.scenario.funcs.push(FuncDecl { name: name.into(), body });
                    added = true;
                    self.scenario.funcs.len() - 1
                }
            };
            first.get_or_insert(i as u32);
        }
        (first.expect("a template has a func"), added)
    }

    /// Adds `action` to the scenario and the run. With `rebuild` (the scenario's funcs changed)
    /// the simulator is rebuilt and replayed to the current step: the new funcs are not used
    /// before it, so the run up to here is the same.
    fn push_action(&mut self, action: Action, rebuild: bool) {
        let n = self.step();
        self.recent.clear();
        self.scenario.actions.push(action.clone());
        self.record.truncate(n);
        self.segments.retain(|(k, _)| (k + 1) * SEGMENT <= n);
        match &mut self.frontier {
            Some((k, evs)) if *k * SEGMENT < n => evs.retain(|e| e.step <= n),
            _ => self.frontier = None,
        }
        if rebuild {
            // Func indices changed (main's among them): cached events would name the wrong func.
            self.segments.clear();
            self.frontier = None;
            let mut sim = Sim::new(&self.scenario);
            let iv = self.interval;
            self.checkpoints = vec![sim.clone()];
            while sim.step_count() < n && sim.step() {
                if sim.step_count().is_multiple_of(iv) && sim.step_count() <= n {
                    self.checkpoints.push(sim.clone());
                }
            }
            self.sim = sim;
        } else {
            self.checkpoints.retain(|c| c.step_count() <= n);
            for c in &mut self.checkpoints {
                c.add_action(action.clone());
            }
            self.sim.add_action(action);
        }
        self.prev = None;
    }
}

/// The simulator's state, also before its first step (when the core has no Ps yet and
/// `Sim::snapshot` cannot be called).
pub fn snapshot(sim: &Sim, with_gs: bool) -> SimState {
    if sim.step_count() > 0 {
        return sim.snapshot(with_gs);
    }
    SimState {
        step: 0,
        t: 0,
        gomaxprocs: 0,
        ps: Vec::new(),
        global: Vec::new(),
        ms: Vec::new(),
        gs: Vec::new(),
        idle_ps: Vec::new(),
        idle_ms: Vec::new(),
        nmspinning: 0,
        needspinning: false,
        netpoll: Vec::new(),
        poller: None,
        chans: Vec::new(),
        wgs: Vec::new(),
        sysmon: SysmonState { m: crate::core::ids::MId(0), delay_ns: 0, idle_cycles: 0, deep_sleep: false },
        outcome: None,
    }
}

/// The ops of body `func` in words, with their places in the scenario document.
pub fn ops_of(sim: &Sim, scenario: &Scenario, func: &str) -> Vec<(String, String)> {
    sim.program()
        .bodies
        .iter()
        .find(|b| b.name == func)
        .map(|b| b.code.iter().zip(&b.places).map(|(i, p)| (p.clone(), instr_words(i, scenario))).collect())
        .unwrap_or_default()
}

/// An instruction in words, as in the scenario format.
pub fn instr_words(i: &Instr, s: &Scenario) -> String {
    use crate::core::scenario::format_duration as d;
    let chan = |c: u32| s.chans.get(c as usize).map_or("?".to_string(), |c| c.name.clone());
    let wg = |w: u32| s.wgs.get(w as usize).cloned().unwrap_or_else(|| "?".into());
    let func = |f: u32| s.funcs.get(f as usize).map_or("?".to_string(), |f| f.name.clone());
    match *i {
        Instr::Work(n) => format!("work {}", d(n)),
        Instr::Syscall(n) => format!("syscall {}", d(n)),
        Instr::Net(n) => format!("net {}", d(n)),
        Instr::Sleep(n) => format!("sleep {}", d(n)),
        Instr::Go { func: f, n: 1 } => format!("go {}()", func(f)),
        Instr::Go { func: f, n } => format!("go {}() × {n}", func(f)),
        Instr::Gosched => "runtime.Gosched()".into(),
        Instr::Send(c) => format!("{} <- v", chan(c)),
        Instr::Recv(c) => format!("<-{}", chan(c)),
        Instr::Close(c) => format!("close({})", chan(c)),
        Instr::Add { wg: w, n: -1 } => format!("{}.Done()", wg(w)),
        Instr::Add { wg: w, n } => format!("{}.Add({n})", wg(w)),
        Instr::Wait(w) => format!("{}.Wait()", wg(w)),
        Instr::Gomaxprocs(n) => format!("runtime.GOMAXPROCS({n})"),
        Instr::LockOsThread => "runtime.LockOSThread()".into(),
        Instr::UnlockOsThread => "runtime.UnlockOSThread()".into(),
        Instr::Loop { n, .. } => format!("for i := 0; i < {n}; i++ {{"),
        Instr::EndLoop { .. } => "}".into(),
    }
}

/// Where a goroutine sits on the board.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Spot {
    /// Queued on P (runnext or ring).
    Queued(u32),
    Running(u32),
    Global,
    Netpoll,
    Syscall(u32),
}

impl Spot {
    fn queue(self) -> bool {
        matches!(self, Spot::Queued(_) | Spot::Global | Spot::Netpoll)
    }
    fn words(self) -> String {
        match self {
            Spot::Queued(p) => format!("P{p}"),
            Spot::Running(p) => format!("P{p} (running)"),
            Spot::Global => "global".into(),
            Spot::Netpoll => "netpoll".into(),
            Spot::Syscall(m) => format!("M{m} (syscall)"),
        }
    }
}

/// Where each goroutine sits on the board, for the movement highlights.
fn spots(state: &SimState) -> HashMap<u32, Spot> {
    let mut m = HashMap::with_capacity(state.global.len() + state.netpoll.len() + state.ps.len() * 8);
    for p in &state.ps {
        if let Some(g) = p.runnext {
            m.insert(g.0, Spot::Queued(p.id.0));
        }
        for &g in &p.runq {
            m.insert(g.0, Spot::Queued(p.id.0));
        }
        if let Some(g) = p.g {
            m.insert(g.0, Spot::Running(p.id.0));
        }
    }
    for &g in &state.global {
        m.insert(g.0, Spot::Global);
    }
    for n in &state.netpoll {
        m.insert(n.g.0, Spot::Netpoll);
    }
    for mm in &state.ms {
        if let crate::core::sim::Activity::Syscall(g) = mm.activity() {
            m.insert(g.0, Spot::Syscall(mm.id.0));
        }
    }
    m
}

/// A place on the board that goroutines (or a P) move from or to: one end of a movement arrow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Place {
    P(u32),
    Global,
    Netpoll,
    M(u32),
}

impl Place {
    fn of(s: Spot) -> Place {
        match s {
            Spot::Queued(p) | Spot::Running(p) => Place::P(p),
            Spot::Global => Place::Global,
            Spot::Netpoll => Place::Netpoll,
            Spot::Syscall(m) => Place::M(m),
        }
    }

    /// A stable key for the page's hooks: `p:3`, `global`, `netpoll`, `m:2`.
    pub fn key(self) -> String {
        match self {
            Place::P(p) => format!("p:{p}"),
            Place::Global => "global".into(),
            Place::Netpoll => "netpoll".into(),
            Place::M(m) => format!("m:{m}"),
        }
    }

    /// In words: `P3`, `the global queue`, `the network poller`, `M2`.
    pub fn words(self) -> String {
        match self {
            Place::P(p) => format!("P{p}"),
            Place::Global => "the global queue".into(),
            Place::Netpoll => "the network poller".into(),
            Place::M(m) => format!("M{m}"),
        }
    }
}

/// One movement of the last step, drawn as one arrow however many goroutines took it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arrow {
    pub from: Place,
    pub to: Place,
    /// Goroutines that moved this way (0 for a P's hand-off).
    pub count: u32,
    /// The first few of them, ascending.
    pub gs: Vec<u32>,
    /// For a hand-off (from one M to another): the P handed over.
    pub p: Option<u32>,
}

/// Goroutine ids an [`Arrow`] keeps for its words.
pub const ARROW_GS: usize = 3;

/// What moved between two states: goroutine → where it came from, for those that moved from one
/// queue to another (a steal, an overflow, a global batch, a netpoll injection) or from a syscall
/// to a queue; P → the M that had it before a hand-off; and the same movements (with the
/// goroutine a steal or a batch runs at once) grouped by source and destination, one arrow each.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Moves {
    pub gs: HashMap<u32, String>,
    pub ps: HashMap<u32, Option<u32>>,
    /// Sorted by source, then destination.
    pub arrows: Vec<Arrow>,
}

impl Moves {
    pub fn between(before: &SimState, after: &SimState) -> Moves {
        let a = spots(before);
        let mut gs = HashMap::new();
        let mut groups: std::collections::BTreeMap<(Place, Place), Vec<u32>> = std::collections::BTreeMap::new();
        for (g, now) in spots(after) {
            if let Some(&was) = a.get(&g) {
                if was == now || !(was.queue() || matches!(was, Spot::Syscall(_))) {
                    continue;
                }
                if now.queue() {
                    gs.insert(g, was.words());
                }
                // The arrows also count a goroutine that was taken to run at once (the one a
                // steal or a global batch returns to `schedule`).
                let (from, to) = (Place::of(was), Place::of(now));
                if from != to && (now.queue() || (was.queue() && matches!(now, Spot::Running(_)))) {
                    groups.entry((from, to)).or_default().push(g);
                }
            }
        }
        let mut arrows: Vec<Arrow> = groups
            .into_iter()
            .map(|((from, to), mut v)| {
                v.sort_unstable();
                let count = v.len() as u32;
                v.truncate(ARROW_GS);
                Arrow { from, to, count, gs: v, p: None }
            })
            .collect();
        let mut ps = HashMap::new();
        for p in &after.ps {
            if let Some(b) = before.ps.iter().find(|x| x.id == p.id) {
                if b.m != p.m && p.m.is_some() {
                    ps.insert(p.id.0, b.m.map(|m| m.0));
                    if let (Some(old), Some(new)) = (b.m, p.m) {
                        arrows.push(Arrow { from: Place::M(old.0), to: Place::M(new.0), count: 0, gs: Vec::new(), p: Some(p.id.0) });
                    }
                }
            }
        }
        arrows.sort_by_key(|a| (a.from, a.to));
        Moves { gs, ps, arrows }
    }
}
