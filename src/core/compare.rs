//! A comparison of two runs: the steps at which their events differ, and their summary
//! measures side by side. Pure (no I/O): both [`Sim`]s are stepped together, one step at a
//! time (a step is what [`Sim::step`] does once, the unit of `--until-step` and `&step=N`).
//!
//! Two steps are the same when they made the same number of events and each pair agrees on
//! kind, G, P, M and time; an event's facts (its [`What`]'s fields) are detail and are not
//! compared. The start-up `ProcsChange` (from 0 to N) is the same whatever N, so two runs that
//! differ only in GOMAXPROCS do not diverge at step 1 on it.
//!
//! The divergent steps are kept as ranges of consecutive steps, so that next and previous
//! divergence from any step are binary searches, even for long runs.

use crate::core::event::{Event, What};
use crate::core::scenario::Scenario;
use crate::core::sim::Sim;
use crate::core::summary::{Summary, SummaryBuilder, SummaryDelta};
use crate::core::timeline::{self, Span, Timeline};

/// True when two events are the same for a comparison: kind, G, P, M and time.
pub fn same_event(a: &Event, b: &Event) -> bool {
    let startup = |e: &Event| matches!(e.what, What::ProcsChange { from: 0, .. });
    if startup(a) && startup(b) {
        return a.t == b.t;
    }
    a.what.kind_of() == b.what.kind_of() && a.g == b.g && a.p == b.p && a.m == b.m && a.t == b.t
}

/// True when two steps' events are the same, pair by pair ([`same_event`]).
pub fn same_step(a: &[Event], b: &[Event]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_event(x, y))
}

/// The first divergence: its step and the events each run made at it (empty for a run that
/// had already ended).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Divergence {
    /// The step (steps count from 1).
    pub step: u64,
    /// Run A's events at that step.
    pub a: Vec<Event>,
    /// Run B's events at that step.
    pub b: Vec<Event>,
}

/// Two runs compared step by step, up to a number of steps.
#[derive(Clone, Debug)]
pub struct Comparison {
    /// Divergent steps as inclusive ranges `(first, last)`, in order, not touching.
    ranges: Vec<(u64, u64)>,
    first: Option<Divergence>,
    /// Run A's summary measures.
    pub a: Summary,
    /// Run B's summary measures.
    pub b: Summary,
    /// Steps compared (the longer run's steps, at most the bound).
    pub steps: u64,
    /// True when both runs ended within the bound.
    pub complete: bool,
    /// Run A's per-P timeline.
    pub timeline_a: Timeline,
    /// Run B's per-P timeline.
    pub timeline_b: Timeline,
}

impl Comparison {
    /// Compares the runs of two validated scenarios, for at most `max_steps` steps.
    pub fn new(a: &Scenario, b: &Scenario, max_steps: u64) -> Comparison {
        Comparison::of_sims(Sim::new(a), Sim::new(b), max_steps)
    }

    /// Compares two simulators from where they are (normally before their first step), for
    /// at most `max_steps` more steps.
    pub fn of_sims(mut a: Sim, mut b: Sim, max_steps: u64) -> Comparison {
        let (mut sa, mut sb) = (SummaryBuilder::new(), SummaryBuilder::new());
        let mut ranges: Vec<(u64, u64)> = Vec::new();
        let mut first = None;
        let mut steps = 0;
        let mut complete = false;
        let (mut ta, mut tb) = (Timeline::new(), Timeline::new());
        while steps < max_steps {
            let ra = a.step();
            let rb = b.step();
            if !ra && !rb {
                complete = true;
                break;
            }
            steps += 1;
            if ra {
                sa.observe(&a);
                ta.observe(&a);
            }
            if rb {
                sb.observe(&b);
                tb.observe(&b);
            }
            let ea: &[Event] = if ra { a.events() } else { &[] };
            let eb: &[Event] = if rb { b.events() } else { &[] };
            if !same_step(ea, eb) {
                match ranges.last_mut() {
                    Some(r) if r.1 + 1 == steps => r.1 = steps,
                    _ => ranges.push((steps, steps)),
                }
                if first.is_none() {
                    first = Some(Divergence { step: steps, a: ea.to_vec(), b: eb.to_vec() });
                }
            }
        }
        if !complete && a.finished() && b.finished() {
            complete = true;
        }
        ta.finish();
        tb.finish();
        Comparison { ranges, first, a: sa.summary().clone(), b: sb.summary().clone(), steps, complete, timeline_a: ta, timeline_b: tb }
    }

    /// The first divergence, `None` when the runs are the same (within the bound).
    pub fn first(&self) -> Option<&Divergence> {
        self.first.as_ref()
    }

    /// The first divergent step after `step`.
    pub fn next_divergence(&self, step: u64) -> Option<u64> {
        let i = self.ranges.partition_point(|r| r.1 <= step);
        self.ranges.get(i).map(|r| r.0.max(step + 1))
    }

    /// The last divergent step before `step`.
    pub fn prev_divergence(&self, step: u64) -> Option<u64> {
        let i = self.ranges.partition_point(|r| r.0 < step);
        i.checked_sub(1).map(|i| self.ranges[i].1.min(step - 1))
    }

    /// True when the runs differ at `step`.
    pub fn diverges_at(&self, step: u64) -> bool {
        let i = self.ranges.partition_point(|r| r.1 < step);
        self.ranges.get(i).is_some_and(|r| r.0 <= step)
    }

    /// How many steps differ.
    pub fn divergent_steps(&self) -> u64 {
        self.ranges.iter().map(|r| r.1 - r.0 + 1).sum()
    }

    /// Every divergent step, in order.
    pub fn divergences(&self) -> impl Iterator<Item = u64> + '_ {
        self.ranges.iter().flat_map(|r| r.0..=r.1)
    }

    /// The two runs' per-P timelines merged: for each P, A's spans of running and B's.
    pub fn merged_timeline(&self) -> Vec<(&[Span], &[Span])> {
        timeline::merge(&self.timeline_a, &self.timeline_b)
    }

    /// `b − a` of the summary measures.
    pub fn delta(&self) -> SummaryDelta {
        self.a.delta_to(&self.b)
    }
}

/// The events one run makes at `step` (empty if it ends before): the run is simulated again
/// from the start, O(step).
pub fn events_at(s: &Scenario, step: u64) -> Vec<Event> {
    let mut sim = Sim::new(s);
    while sim.step_count() < step {
        if !sim.step() {
            return Vec::new();
        }
    }
    if step == 0 { Vec::new() } else { sim.events().to_vec() }
}
