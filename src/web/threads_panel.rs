//! Threads mode's panel as reducer state ([`AppState::threads_panel`]
//! (super::state::AppState::threads_panel)): what the user chose ("run again", the speedup
//! measurement, the log's filter and length, the selected goroutine) and what the panel shows of
//! the run ([`Observed`]: the workers, the board, the figures, the log), which the panel
//! component observes from the run about four times a second and sends here
//! ([`ThreadsMsg::Observed`]); the panel is drawn from this state only. The run itself (the
//! simulator in real time and its Web Workers) is the component's: a browser resource, started
//! again whenever [`ThreadsPanel::run`], the measurement or the scenario changes.

use super::driver::{GDetail, LogFilter, LogRow, Moves};
use super::view::Plots;
use crate::core::ids::GId;
use crate::core::sim::SimState;
use std::rc::Rc;

/// Log rows the panel shows at first.
pub const LOG_ROWS: usize = 150;

/// The speedup measurement: a run of the same scenario with GOMAXPROCS 1 first.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Baseline {
    None,
    /// The GOMAXPROCS 1 run is going on.
    Measuring,
    /// Its wall time, ms.
    Done(f64),
    /// It did not end with exit status 0 (a lost worker, a deadlock, a panic): no figure.
    Failed(&'static str),
}

/// The panel's state.
#[derive(Clone, Debug, PartialEq)]
pub struct ThreadsPanel {
    /// The run's number: bumped to run the scenario again (or a new scenario).
    pub run: u32,
    pub baseline: Baseline,
    pub filter: Rc<LogFilter>,
    /// Log rows shown.
    pub limit: usize,
    pub selected: Option<GId>,
    /// What the panel shows of the current run: `None` until its first observation.
    pub shown: Option<Rc<Observed>>,
}

impl Default for ThreadsPanel {
    fn default() -> Self {
        ThreadsPanel { run: 0, baseline: Baseline::None, filter: Rc::new(LogFilter::default()), limit: LOG_ROWS, selected: None, shown: None }
    }
}

/// Quantiles of a series of samples: (median, 99th percentile, how many).
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Spread {
    pub p50: f64,
    pub p99: f64,
    pub n: usize,
}

/// One observation of a threads-mode run: everything its panel shows, as plain data.
#[derive(Clone, Debug)]
pub struct Observed {
    /// The run it is of ([`ThreadsPanel::run`] and whether it was the measuring run): an
    /// observation of another run is not shown.
    pub run: u32,
    pub measuring: bool,
    /// Its number among the component's observations (two observations are the same one when
    /// their runs and numbers are).
    pub seq: u64,
    /// Workers alive, idle, at most, created.
    pub live: u32,
    pub idle: u32,
    pub peak: u32,
    pub created: u32,
    pub paused: bool,
    pub finished: bool,
    /// How its blocked workers block: `"wait"` or `"spin"`.
    pub blocking: &'static str,
    /// Wall-clock time of the run (pauses left out), ms.
    pub wall_ms: f64,
    /// CPU work carried out by the workers, ms.
    pub work_ms: f64,
    /// A decision's round trip, µs.
    pub rtt_us: Spread,
    /// Worker start-up, ms.
    pub boot_ms: Spread,
    /// Syscall → its P on another worker, ms.
    pub handoff_ms: Spread,
    /// How the latest syscall blocked: asleep in `Atomics.wait` (`true`) or spinning.
    pub syscalls_sleep: Option<bool>,
    pub gomaxprocs: u32,
    /// The core's steps, events, preemptions and most threads.
    pub steps: u64,
    pub events: usize,
    pub preemptions: u64,
    pub max_threads: u64,
    /// The core's virtual clock, ns.
    pub sim_now: u64,
    /// Reports of lost workers.
    pub lost: Rc<Vec<String>>,
    /// How the run ended, in words.
    pub outcome: Option<String>,
    pub schedtrace: Rc<String>,
    /// The board: the core's state and what moved since the previous observation.
    pub state: Rc<SimState>,
    pub moves: Rc<Moves>,
    pub plots: Rc<Plots>,
    /// (wall ms since start, workers alive).
    pub threads_series: Rc<Vec<(f64, u32)>>,
    /// The log's rows under the panel's filter and length, and whether older ones match.
    pub rows: Rc<Vec<LogRow>>,
    pub more: bool,
    /// The latest step's events, for the explanation.
    pub last_rows: Rc<Vec<LogRow>>,
    /// The selected goroutine in detail.
    pub detail: Option<Rc<GDetail>>,
}

impl PartialEq for Observed {
    fn eq(&self, o: &Self) -> bool {
        (self.run, self.measuring, self.seq) == (o.run, o.measuring, o.seq)
    }
}

/// What the panel asks of the reducer.
#[derive(Clone, Debug, PartialEq)]
pub enum ThreadsMsg {
    /// Run the scenario again from the start.
    RunAgain,
    /// Measure the speedup: run with GOMAXPROCS 1 first.
    Measure,
    /// The GOMAXPROCS 1 run ended with this result: run the scenario itself.
    BaselineEnded(Baseline),
    SetFilter(LogFilter),
    /// Four times as many log rows.
    MoreRows,
    Select(Option<GId>),
    /// What the run looks like now (sent by the panel component as it observes the run).
    Observed(Rc<Observed>),
}

impl ThreadsPanel {
    /// The measuring run is the one going on.
    pub fn measuring(&self) -> bool {
        self.baseline == Baseline::Measuring
    }

    /// After `m`, with threads mode on or off (`threads`); `false` when nothing changed (an
    /// observation of a run that is no longer the current one, or out of threads mode).
    pub fn update(&mut self, m: ThreadsMsg, threads: bool) -> bool {
        match m {
            // A new run starts: nothing of it is observed yet.
            ThreadsMsg::RunAgain => self.new_run(),
            ThreadsMsg::Measure => {
                if !self.measuring() {
                    self.shown = None;
                }
                self.baseline = Baseline::Measuring;
            }
            ThreadsMsg::BaselineEnded(b) => {
                // Only the run that was measuring can end the measurement.
                if self.measuring() && b != Baseline::Measuring {
                    self.baseline = b;
                    self.new_run();
                }
            }
            ThreadsMsg::SetFilter(f) => self.filter = Rc::new(f),
            ThreadsMsg::MoreRows => self.limit = self.limit.saturating_mul(4),
            ThreadsMsg::Select(g) => self.selected = g,
            ThreadsMsg::Observed(o) => {
                if !threads || (o.run, o.measuring) != (self.run, self.measuring()) {
                    return false;
                }
                self.shown = Some(o);
            }
        }
        true
    }

    /// A new scenario: the old baseline does not measure it, and its run is over (the next one
    /// has a new number, so a late observation of the old one is not shown).
    pub fn scenario_replaced(&mut self) {
        self.baseline = Baseline::None;
        self.new_run();
    }

    /// The page went into threads mode or out of it: no run is observed yet (or any more).
    pub fn mode_switched(&mut self) {
        self.shown = None;
    }

    fn new_run(&mut self) {
        self.run = self.run.wrapping_add(1);
        self.shown = None;
    }
}
