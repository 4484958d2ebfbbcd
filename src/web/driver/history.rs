//! The explored run's history: checkpoints (copies of the simulator at increasing steps) from
//! which any step is reached exactly by replaying at most one interval of steps.
//!
//! Checkpoints are taken every [`CHECKPOINT_EVERY`] steps; when they would use more than
//! [`CHECKPOINT_BUDGET_BYTES`] (a large run), every other one is dropped and the interval doubles.

use crate::core::scenario::{Action, Scenario};
use crate::core::sim::Sim;

/// A checkpoint is kept every this many steps (while they fit in the budget).
pub const CHECKPOINT_EVERY: u64 = 2_000;
/// Estimated memory the checkpoints may use.
pub const CHECKPOINT_BUDGET_BYTES: u64 = 96 << 20;
/// Most and fewest checkpoints kept.
pub const MAX_CHECKPOINTS: usize = 1_024;
pub const MIN_CHECKPOINTS: usize = 16;

/// Checkpoints of one run, the first at step 0.
#[derive(Clone)]
pub struct History {
    checkpoints: Vec<Sim>,
    /// Steps between checkpoints.
    interval: u64,
}

impl History {
    /// A history holding `start` (the run at step 0).
    pub fn new(start: &Sim) -> History {
        History { checkpoints: vec![start.clone()], interval: CHECKPOINT_EVERY }
    }

    /// Steps between checkpoints now.
    pub fn interval(&self) -> u64 {
        self.interval
    }

    /// Number of checkpoints kept.
    pub fn len(&self) -> usize {
        self.checkpoints.len()
    }

    pub fn is_empty(&self) -> bool {
        self.checkpoints.is_empty()
    }

    /// The run at step 0.
    pub fn first(&self) -> &Sim {
        &self.checkpoints[0]
    }

    /// The latest checkpoint at or before `step`.
    pub fn at_or_before(&self, step: u64) -> &Sim {
        let i = self.checkpoints.partition_point(|c| c.step_count() <= step);
        &self.checkpoints[i.max(1) - 1]
    }

    /// Offers the run at a newly explored step: kept if a checkpoint is due there. (Called for
    /// every step a seek explores: the test is inlined, the keeping is not.)
    #[inline]
    pub fn offer(&mut self, sim: &Sim) {
        let s = sim.step_count();
        if s.is_multiple_of(self.interval) && self.checkpoints.last().is_none_or(|c| c.step_count() < s) {
            self.keep(sim);
        }
    }

    /// Keeps a checkpoint of `sim`; when they would use more than the budget, every other one
    /// is dropped and the interval doubles.
    #[inline(never)]
    fn keep(&mut self, sim: &Sim) {
        self.checkpoints.push(sim.clone());
        let cap = (CHECKPOINT_BUDGET_BYTES / size_of(sim)).clamp(MIN_CHECKPOINTS as u64, MAX_CHECKPOINTS as u64) as usize;
        while self.checkpoints.len() > cap {
            self.interval *= 2;
            let iv = self.interval;
            self.checkpoints.retain(|c| c.step_count() % iv == 0);
        }
    }

    /// An action recorded at step `n`: checkpoints after `n` are dropped, the others learn it.
    pub fn add_action(&mut self, n: u64, action: &Action) {
        self.checkpoints.retain(|c| c.step_count() <= n);
        for c in &mut self.checkpoints {
            c.add_action(action.clone());
        }
    }

    /// Starts again from `scenario` (whose funcs changed) and replays it to step `n`, keeping
    /// checkpoints at the same interval. Returns the run at step `n`.
    pub fn rebuild(&mut self, scenario: &Scenario, n: u64) -> Sim {
        let mut sim = Sim::new(scenario);
        let iv = self.interval;
        self.checkpoints = vec![sim.clone()];
        while sim.step_count() < n && sim.step() {
            if sim.step_count().is_multiple_of(iv) && sim.step_count() <= n {
                self.checkpoints.push(sim.clone());
            }
        }
        sim
    }
}

/// Rough size of one checkpoint of `sim`, in bytes.
pub fn size_of(sim: &Sim) -> u64 {
    4_096 + sim.goroutine_count() as u64 * 200 + sim.gomaxprocs() as u64 * 1_300 + sim.thread_count() as u64 * 96
}
