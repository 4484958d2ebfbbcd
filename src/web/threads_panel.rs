//! What the user chose in threads mode's panel, held by the reducer ([`AppState::threads_panel`]
//! (super::state::AppState::threads_panel)): "run again", the speedup measurement, the log's
//! filter and length, the selected goroutine. The run itself (the simulator in real time and its
//! Web Workers) is the panel component's: a browser resource, started again whenever
//! [`ThreadsPanel::run`] or the scenario changes.

use super::driver::LogFilter;
use crate::core::ids::GId;
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
    /// The run's number: bumped to run the scenario again.
    pub run: u32,
    pub baseline: Baseline,
    pub filter: Rc<LogFilter>,
    /// Log rows shown.
    pub limit: usize,
    pub selected: Option<GId>,
}

impl Default for ThreadsPanel {
    fn default() -> Self {
        ThreadsPanel { run: 0, baseline: Baseline::None, filter: Rc::new(LogFilter::default()), limit: LOG_ROWS, selected: None }
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
}

impl ThreadsPanel {
    /// The measuring run is the one going on.
    pub fn measuring(&self) -> bool {
        self.baseline == Baseline::Measuring
    }

    /// After `m`.
    pub fn update(&mut self, m: ThreadsMsg) {
        match m {
            ThreadsMsg::RunAgain => self.run = self.run.wrapping_add(1),
            ThreadsMsg::Measure => self.baseline = Baseline::Measuring,
            ThreadsMsg::BaselineEnded(b) => {
                // Only the run that was measuring can end the measurement.
                if self.measuring() && b != Baseline::Measuring {
                    self.baseline = b;
                    self.run = self.run.wrapping_add(1);
                }
            }
            ThreadsMsg::SetFilter(f) => self.filter = Rc::new(f),
            ThreadsMsg::MoreRows => self.limit = self.limit.saturating_mul(4),
            ThreadsMsg::Select(g) => self.selected = g,
        }
    }

    /// A new scenario: the old baseline does not measure it.
    pub fn scenario_replaced(&mut self) {
        self.baseline = Baseline::None;
    }
}
