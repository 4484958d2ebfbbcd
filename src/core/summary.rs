//! A run's summary measures: what `gmpsim run --format summary` prints and what
//! `gmpsim diff` compares. Collected step by step from a [`Sim`]; pure, no I/O.

use crate::core::sim::{Activity, Sim, Tracks};
use serde::Serialize;

/// The summary measures of one run (so far).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Steps run.
    pub steps: u64,
    /// Events made.
    pub events: u64,
    /// Total virtual time, ns (the clock after the last step).
    pub total_ns: u64,
    /// Threads created, sysmon's included.
    pub threads: u64,
    /// Successful `runqsteal`s.
    pub steals: u64,
    /// `handoffp` calls.
    pub handoffs: u64,
    /// Preemptions by sysmon.
    pub preemptions: u64,
    /// For each P ever live (P0 first), the virtual time it spent running a goroutine, ns.
    pub p_busy_ns: Vec<u64>,
}

/// Collects a [`Summary`]: call [`SummaryBuilder::observe`] after every step.
#[derive(Clone, Debug, Default)]
pub struct SummaryBuilder {
    summary: Summary,
    tracks: Tracks,
    last_t: u64,
}

impl SummaryBuilder {
    /// A builder before the first step.
    pub fn new() -> SummaryBuilder {
        SummaryBuilder::default()
    }

    /// Takes in the step `sim` just ran: the time since the previous step is busy time for
    /// every P that was running a goroutine after it. O(Ps + Ms).
    pub fn observe(&mut self, sim: &Sim) {
        let now = sim.now();
        let dt = now.saturating_sub(self.last_t);
        if dt > 0 {
            for (i, p) in self.tracks.ps.iter().enumerate() {
                if matches!(p.activity, Activity::Run(_)) {
                    self.summary.p_busy_ns[i] += dt;
                }
            }
        }
        self.last_t = now;
        sim.tracks(&mut self.tracks);
        if self.summary.p_busy_ns.len() < self.tracks.ps.len() {
            self.summary.p_busy_ns.resize(self.tracks.ps.len(), 0);
        }
        let st = sim.stats();
        let s = &mut self.summary;
        s.steps = sim.step_count();
        s.events = st.events;
        s.total_ns = now;
        s.threads = st.threads_created;
        s.steals = st.steals;
        s.handoffs = st.handoffs;
        s.preemptions = st.preemptions;
    }

    /// The summary so far.
    pub fn summary(&self) -> &Summary {
        &self.summary
    }
}

/// `b − a` of two summaries, measure by measure (per P: missing Ps count as 0).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SummaryDelta {
    /// Steps run.
    pub steps: i64,
    /// Events made.
    pub events: i64,
    /// Total virtual time, ns.
    pub total_ns: i64,
    /// Threads created.
    pub threads: i64,
    /// Steals.
    pub steals: i64,
    /// Hand-offs.
    pub handoffs: i64,
    /// Preemptions.
    pub preemptions: i64,
    /// Busy time per P, ns.
    pub p_busy_ns: Vec<i64>,
}

impl Summary {
    /// Runs `sim` until it ends or has run `max_steps` steps in all, and summarizes it.
    pub fn of_run(sim: &mut Sim, max_steps: u64) -> Summary {
        let mut b = SummaryBuilder::new();
        while sim.step_count() < max_steps && sim.step() {
            b.observe(sim);
        }
        b.summary
    }

    /// `other − self`.
    pub fn delta_to(&self, other: &Summary) -> SummaryDelta {
        let d = |a: u64, b: u64| b as i64 - a as i64;
        let n = self.p_busy_ns.len().max(other.p_busy_ns.len());
        let at = |v: &[u64], i: usize| v.get(i).copied().unwrap_or(0);
        SummaryDelta {
            steps: d(self.steps, other.steps),
            events: d(self.events, other.events),
            total_ns: d(self.total_ns, other.total_ns),
            threads: d(self.threads, other.threads),
            steals: d(self.steals, other.steals),
            handoffs: d(self.handoffs, other.handoffs),
            preemptions: d(self.preemptions, other.preemptions),
            p_busy_ns: (0..n).map(|i| d(at(&self.p_busy_ns, i), at(&other.p_busy_ns, i))).collect(),
        }
    }
}
