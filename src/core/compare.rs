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
    pub fn of_sims(a: Sim, b: Sim, max_steps: u64) -> Comparison {
        let mut scan = Scan::new(a, b, max_steps);
        scan.advance(u64::MAX);
        scan.finish()
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

/// A comparison in progress, resumable: [`Scan::advance`] steps both runs a given number of
/// steps at most (the page scans in slices between frames), [`Scan::comparison`] is what is
/// known so far (divergences found up to [`Scan::steps`]; the summaries and timelines are
/// filled in by [`Scan::finish`]).
#[derive(Clone)]
pub struct Scan {
    sims: (Sim, Sim),
    summaries: (SummaryBuilder, SummaryBuilder),
    timelines: (Timeline, Timeline),
    max_steps: u64,
    done: bool,
    c: Comparison,
}

impl Scan {
    /// A scan of two simulators from where they are, for at most `max_steps` steps.
    pub fn new(a: Sim, b: Sim, max_steps: u64) -> Scan {
        let c = Comparison {
            ranges: Vec::new(),
            first: None,
            a: Summary::default(),
            b: Summary::default(),
            steps: 0,
            complete: false,
            timeline_a: Timeline::new(),
            timeline_b: Timeline::new(),
        };
        Scan { sims: (a, b), summaries: Default::default(), timelines: Default::default(), max_steps, done: false, c }
    }

    /// Compares at most `budget` more steps. Returns `true` once the scan is over (both runs
    /// ended, or the bound was reached).
    pub fn advance(&mut self, budget: u64) -> bool {
        let mut made = 0;
        while !self.done && made < budget {
            if self.c.steps >= self.max_steps {
                self.done = true;
                break;
            }
            let (a, b) = (&mut self.sims.0, &mut self.sims.1);
            let ra = a.step();
            let rb = b.step();
            if !ra && !rb {
                self.c.complete = true;
                self.done = true;
                break;
            }
            made += 1;
            self.c.steps += 1;
            let steps = self.c.steps;
            if ra {
                self.summaries.0.observe(a);
                self.timelines.0.observe(a);
            }
            if rb {
                self.summaries.1.observe(b);
                self.timelines.1.observe(b);
            }
            let ea: &[Event] = if ra { a.events() } else { &[] };
            let eb: &[Event] = if rb { b.events() } else { &[] };
            if !same_step(ea, eb) {
                match self.c.ranges.last_mut() {
                    Some(r) if r.1 + 1 == steps => r.1 = steps,
                    _ => self.c.ranges.push((steps, steps)),
                }
                if self.c.first.is_none() {
                    self.c.first = Some(Divergence { step: steps, a: ea.to_vec(), b: eb.to_vec() });
                }
            }
        }
        if self.done && !self.c.complete && self.sims.0.finished() && self.sims.1.finished() {
            self.c.complete = true;
        }
        self.done
    }

    /// True once the scan is over.
    pub fn done(&self) -> bool {
        self.done
    }

    /// Steps compared so far.
    pub fn steps(&self) -> u64 {
        self.c.steps
    }

    /// What is known so far: the divergences up to [`Scan::steps`] (not the summaries).
    pub fn comparison(&self) -> &Comparison {
        &self.c
    }

    /// The comparison of the steps scanned, with both runs' summaries and timelines.
    pub fn finish(mut self) -> Comparison {
        self.timelines.0.finish();
        self.timelines.1.finish();
        self.c.a = self.summaries.0.summary().clone();
        self.c.b = self.summaries.1.summary().clone();
        self.c.timeline_a = self.timelines.0;
        self.c.timeline_b = self.timelines.1;
        self.c
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
