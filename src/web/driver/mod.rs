//! The page's driver: owns the simulator, the explored run's [`history`] (checkpoints), its
//! [`log`] of events, the recorded actions ([`templates`]: interventions) and says what moved
//! ([`movement`]). Components never touch the simulator; the reducer calls the driver. It uses
//! no browser API and is tested natively.
//!
//! Stepping back is exact and fast: the run is deterministic, so going to step N means taking
//! the latest checkpoint at or before N and replaying at most one interval of steps. A seek far
//! ahead is done in slices ([`Driver::seek_toward`]) so the page can show progress between them.

pub mod history;
pub mod log;
pub mod movement;
pub mod templates;

pub use history::{History, CHECKPOINT_BUDGET_BYTES, CHECKPOINT_EVERY, MAX_CHECKPOINTS, MIN_CHECKPOINTS};
pub use log::{instr_words, log_row, ops_of, GDetail, LogFilter, LogRow, RECENT_EVENTS, SEGMENT};
pub use movement::{Arrow, Moves, Place, ARROW_GS};
pub use templates::{Intervention, Refused, SpawnFunc, Template, PINGPONG_CHAN};

use super::output::Output;
use super::record::{kind_code, Record};
use crate::core::event::Event;
use crate::core::scenario::Scenario;
use crate::core::sim::{Sim, SimState, SysmonState};

/// The driver.
pub struct Driver {
    /// The scenario being run, with the actions recorded so far.
    scenario: Scenario,
    /// The simulator at the current step.
    sim: Sim,
    history: History,
    record: Record,
    events: log::Events,
    /// What the program printed, by step (the Output panel).
    output: Output,
    /// The last move was one step forward: the board shows what moved (from its events).
    one_step: bool,
}

impl Driver {
    /// A driver at step 0 of `scenario`.
    pub fn new(scenario: Scenario) -> Driver {
        let sim = Sim::new(&scenario);
        Driver {
            history: History::new(&sim),
            sim,
            scenario,
            record: Record::default(),
            events: log::Events::new(),
            output: Output::default(),
            one_step: false,
        }
    }

    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    pub fn sim(&self) -> &Sim {
        &self.sim
    }

    /// What the program printed in the explored run, by step.
    pub fn output(&self) -> &Output {
        &self.output
    }

    pub fn record(&self) -> &Record {
        &self.record
    }

    pub fn history(&self) -> &History {
        &self.history
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
        self.history.interval()
    }

    /// Number of checkpoints kept.
    pub fn checkpoint_count(&self) -> usize {
        self.history.len()
    }

    /// Whether the last move was one step forward (so the current step's events say what moved).
    pub fn one_step(&self) -> bool {
        self.one_step
    }

    /// Back to step 0.
    pub fn restart(&mut self) {
        self.sim = self.history.first().clone();
        self.events.recent.clear();
        self.one_step = false;
    }

    /// One step forward. Returns `false` at the end of the run.
    pub fn forward(&mut self) -> bool {
        let moved = self.step_one();
        self.one_step = moved;
        moved
    }

    /// Up to `n` steps forward, keeping the state before the last one for the board's
    /// highlights. Returns the steps made.
    pub fn advance(&mut self, n: u64) -> u64 {
        if n == 1 {
            return self.forward() as u64;
        }
        // Several steps at once: no single step's moves to show.
        self.one_step = false;
        let mut made = 0;
        while made < n && self.step_one() {
            made += 1;
        }
        made
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
        if target == self.step() + 1 {
            self.forward();
            return;
        }
        while !self.seek_toward(target, u64::MAX) {}
    }

    /// Goes toward step `target`, making at most `budget` steps (after moving to a checkpoint,
    /// if that is nearer). Returns `true` once at `target` or at the run's end before it. A seek
    /// in slices ends exactly where one [`Driver::seek`] would.
    pub fn seek_toward(&mut self, target: u64, budget: u64) -> bool {
        self.one_step = false;
        let cur = self.step();
        if target != cur {
            let ck = self.history.at_or_before(target).step_count();
            if target < cur || ck > cur {
                self.sim = self.history.at_or_before(target).clone();
                self.events.recent.clear();
            }
        }
        // Room for every step up to the target, made once (the seek's slices then record
        // without reallocating).
        if target > self.record.explored() {
            self.record.reserve(target - self.record.explored());
        }
        let mut made = 0;
        while self.step() < target && made < budget {
            // Far from the target, the full events are not kept (the log regenerates them from a
            // checkpoint if ever asked): only the record's compact index is.
            let keep = target - self.step() <= 2 * SEGMENT;
            if !self.step_keeping(keep) {
                return true;
            }
            made += 1;
        }
        self.step() >= target
    }

    /// Runs one step, recording it if it is new. Returns `false` at the end of the run.
    fn step_one(&mut self) -> bool {
        self.step_keeping(true)
    }

    /// Runs one step, recording it if it is new, and keeping its full events at hand if `keep`.
    fn step_keeping(&mut self, keep: bool) -> bool {
        if !self.sim.step() {
            return false;
        }
        let s = self.sim.step_count();
        if s > self.record.explored() {
            self.record.push(&self.sim);
            self.output.record(s, self.sim.events());
            if keep {
                self.events.remember(s, self.sim.events());
            } else {
                self.events.forget_frontier();
            }
            self.history.offer(&self.sim);
        }
        if keep {
            let base = self.record.event_range(s, s).start;
            self.events.push_recent(base, self.sim.events());
        } else {
            self.events.recent.clear();
        }
        true
    }

    /// Explores forward (without moving the current step) until step `s` is recorded, the run
    /// ends, or `budget` steps have run. Returns whether `s` is recorded.
    fn explore_to(&mut self, s: u64, budget: u64) -> bool {
        if s <= self.record.explored() {
            return true;
        }
        let saved = self.sim.clone();
        let saved_recent = std::mem::take(&mut self.events.recent);
        let one_step = std::mem::take(&mut self.one_step);
        let start = self.record.explored();
        self.seek(start);
        let mut n = 0;
        while self.record.explored() < s && n < budget && self.step_one() {
            n += 1;
        }
        self.sim = saved;
        self.events.recent = saved_recent;
        self.one_step = one_step;
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

