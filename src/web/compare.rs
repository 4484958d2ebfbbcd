//! The compare view's model (issue 13): two runs in two lanes, stepped together on one clock.
//!
//! Each lane has its own [`Driver`] (so stepping back and seeking are exact, as on the main
//! board) or, when its scenario is not valid, the problems to show in that lane; the other lane
//! runs regardless. The divergences come from [`core::compare::Scan`](crate::core::compare::Scan),
//! which the page advances in slices between frames ([`CompareMsg::Work`]): the first
//! divergence is shown as soon as it is found, the summary deltas and the merged timeline once
//! the scan is over. Pure: no clock (times come in the messages), no browser; tested natively.

use super::driver::Driver;
use super::view::View;
use crate::core::compare::{Comparison, Scan};
use crate::core::costs::Costs;
use crate::core::scenario::{self, Scenario};
use crate::core::sim::Sim;
use crate::core::{lessons, link};
use super::owned::Owned;
use std::rc::Rc;

/// Most steps the scan compares (both runs, together).
pub const COMPARE_MAX_STEPS: u64 = 2_000_000;
/// A seek that replays more steps than this is done in slices ([`CompareMsg::Work`]).
pub const COMPARE_SYNC_STEPS: u64 = 20_000;

/// Which lane.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    A,
    B,
}

impl Side {
    /// `a` or `b`, the lane's `data-lane`.
    pub fn code(self) -> &'static str {
        match self {
            Side::A => "a",
            Side::B => "b",
        }
    }

    /// `A` or `B`, the lane's name.
    pub fn name(self) -> &'static str {
        match self {
            Side::A => "A",
            Side::B => "B",
        }
    }
}

/// What "Compare with…" puts in lane B: the current scenario changed in one way, or another one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Variant {
    Gomaxprocs(u32),
    /// A Go release, "1.19" to "1.27".
    Release(String),
    Seed(u64),
    /// A cost's name and a duration in Go's syntax (`5us`).
    Cost(String, String),
    /// A lesson, by id.
    Lesson(String),
    /// Any scenario's JSON text.
    Text(String),
    /// A value the form could not read, with why.
    Invalid(String),
}

/// Lane B's scenario text for a variant of `a`, and the lane's label; a variant that cannot be
/// made (an unknown lesson, a bad release or cost) gives the problems, in words.
pub fn variant_text(a: &Scenario, v: &Variant) -> Result<(String, String), Vec<String>> {
    let mut s = a.clone();
    let label = match v {
        Variant::Gomaxprocs(n) => {
            s.gomaxprocs = *n;
            format!("GOMAXPROCS {n}")
        }
        Variant::Release(r) => {
            let (lo, hi) = scenario::GO_MINOR_RANGE;
            let m = r.trim_start_matches("go").strip_prefix("1.").and_then(|m| m.parse::<u32>().ok()).filter(|m| (lo..=hi).contains(m));
            let Some(m) = m else { return Err(vec![format!("release {r:?}: expected a Go release from 1.{lo} to 1.{hi}")]) };
            s.go = m;
            format!("Go 1.{m} rules")
        }
        Variant::Seed(n) => {
            s.seed = *n;
            format!("seed {n}")
        }
        Variant::Cost(name, d) => {
            if !Costs::NAMES.contains(&name.as_str()) {
                return Err(vec![format!("cost {name:?}: unknown (costs: {})", Costs::NAMES.join(", "))]);
            }
            match scenario::parse_duration(d) {
                Ok(ns) if s.costs.set(name, ns) => {
                    if !s.costs_set.iter().any(|n| n == name) {
                        s.costs_set.push(name.clone());
                    }
                }
                Ok(_) => return Err(vec![format!("cost {name}={d}: out of range")]),
                Err(e) => return Err(vec![format!("cost {name}={d}: {e}")]),
            }
            format!("{name} = {d}")
        }
        Variant::Lesson(id) => {
            let l = lessons::find(id).ok_or_else(|| vec![format!("there is no lesson {id:?}")])?;
            return Ok((l.scenario.to_string(), format!("lesson: {}", l.title)));
        }
        Variant::Text(t) => return Ok((t.clone(), "another scenario".into())),
        Variant::Invalid(why) => return Err(vec![why.clone()]),
    };
    Ok((s.to_json(), label))
}

/// One lane: a run, or what is wrong with its scenario.
#[derive(Clone)]
pub struct Lane {
    pub side: Side,
    pub label: String,
    /// The scenario's JSON text (empty when a link's payload could not be unpacked).
    pub text: Rc<String>,
    /// The run, when the scenario is valid.
    pub driver: Option<Rc<Owned<Driver>>>,
    /// What is wrong, each with its place (`main[2].go: unknown func "wrker"`).
    pub problems: Rc<Vec<String>>,
    /// The board, rebuilt after each move.
    pub view: Option<Rc<View>>,
}

impl Lane {
    /// A lane for a scenario's text.
    pub fn of_text(side: Side, label: String, text: String) -> Lane {
        // Go or JSON, as the editor reads it; each problem with its place (a Go line, or a
        // scenario path).
        let (driver, problems) = match super::gosrc::compile(&text) {
            Ok(s) => (Some(Rc::new(Owned::new(Driver::new(s)))), Vec::new()),
            Err(ps) => (
                None,
                ps.iter()
                    .map(|p| match (p.line, p.col) {
                        (Some(l), Some(c)) if p.place.is_empty() => format!("main.go:{l}:{c}: {}", p.message),
                        _ if p.place.is_empty() => p.message.clone(),
                        _ => format!("{}: {}", p.place, p.message),
                    })
                    .collect(),
            ),
        };
        let mut lane = Lane { side, label, text: Rc::new(text), driver, problems: Rc::new(problems), view: None };
        lane.refresh();
        lane
    }

    /// A lane for a link's packed scenario (`1.<payload>`), or for its absence.
    pub fn of_packed(side: Side, packed: Option<&str>) -> Lane {
        let label = format!("{} (from the link)", side.name());
        let name = if side == Side::A { "s" } else { "vs" };
        match packed.map(link::unpack) {
            Some(Ok(link::Packed::Json(text) | link::Packed::Go(text))) => Lane::of_text(side, label, text),
            Some(Err(e)) => Lane::of_problems(side, label, vec![format!("link parameter {name}=: {e}")]),
            None => Lane::of_problems(side, label, vec![format!("the link has no {name}= parameter")]),
        }
    }

    /// A lane that cannot run, with what is wrong.
    pub fn of_problems(side: Side, label: String, problems: Vec<String>) -> Lane {
        Lane { side, label, text: Rc::new(String::new()), driver: None, problems: Rc::new(problems), view: None }
    }

    /// True when the lane runs.
    pub fn valid(&self) -> bool {
        self.driver.is_some()
    }

    fn refresh(&mut self) {
        self.view = self.driver.as_ref().map(|d| Rc::new(View::build(&d.borrow())));
    }

    fn sim(&self) -> Option<Sim> {
        self.driver.as_ref().map(|d| d.borrow().history().first().clone())
    }

    /// The lane's step: at most its run's end.
    fn step(&self) -> u64 {
        self.driver.as_ref().map_or(0, |d| d.borrow().step())
    }
}

/// What the compare view's controls and the page ask of it.
#[derive(Clone, Debug, PartialEq)]
pub enum CompareMsg {
    Forward,
    Back,
    Seek(u64),
    SeekBy(i64),
    Restart,
    TogglePlay,
    /// An animation frame while playing, at this time (ms).
    Tick(f64),
    SetSpeed(u32),
    JumpFirst,
    NextDivergence,
    PrevDivergence,
    /// Background work between frames: a slice of the seek in progress, else of the scan, of
    /// at most this many steps.
    Work(u64),
}

/// The compare view's state.
#[derive(Clone)]
pub struct Compare {
    pub a: Lane,
    pub b: Lane,
    /// The scan in progress (both lanes valid), moved from state to state as the lanes' drivers.
    scan: Option<Rc<Owned<Scan>>>,
    /// The finished comparison (summaries, deltas, merged timeline).
    pub done: Option<Rc<Comparison>>,
    /// The first divergent step, once found; `Some(None)` once the scan ended without one.
    pub first: Option<Option<u64>>,
    /// Steps compared so far.
    pub scanned: u64,
    /// The clock: the step both lanes are at (a lane whose run ended stays at its end).
    pub step: u64,
    pub playing: bool,
    /// Steps per second.
    pub speed: u32,
    clock: (f64, Option<f64>),
    /// A far seek in progress: its target.
    pub seeking: Option<u64>,
    /// A message about the last action (no divergence after this step, ...).
    pub note: Option<String>,
}

impl Compare {
    /// Two lanes; the scan starts when both are valid; at `step` (far: in slices).
    pub fn new(a: Lane, b: Lane, step: Option<u64>) -> Compare {
        let scan = match (a.sim(), b.sim()) {
            (Some(sa), Some(sb)) => Some(Rc::new(Owned::new(Scan::new(sa, sb, COMPARE_MAX_STEPS)))),
            _ => None,
        };
        let mut c = Compare {
            a,
            b,
            scan,
            done: None,
            first: None,
            scanned: 0,
            step: 0,
            playing: false,
            speed: 10,
            clock: (0.0, None),
            seeking: None,
            note: None,
        };
        if let Some(n) = step {
            c.seek(n);
        }
        c
    }

    /// Opened from a link's parameters: `s=` (lane A), `vs=` (lane B), `step=`.
    pub fn of_link(f: &link::Fragment) -> Compare {
        let a = Lane::of_packed(Side::A, f.packed.as_deref());
        let b = Lane::of_packed(Side::B, f.vs.as_deref());
        let mut c = Compare::new(a, b, f.step.clone().ok().flatten());
        if let Err(s) = &f.step {
            c.note = Some(format!("`step` is not a number: {s:?}; opened at step 0"));
        }
        c
    }

    /// The link that opens this comparison at the current step (`base` is the page's address).
    pub fn share_link(&self, base: &str) -> String {
        let mut params = vec![("vs", link::encode(&self.b.text))];
        if self.step > 0 {
            params.push(("step", self.step.to_string()));
        }
        link::make_link(&self.a.text, base, &params)
    }

    /// A copy of this state that owns the lanes' drivers and the scan from now on (this one is
    /// left without them: see [`Owned`]).
    pub fn take_over(&self) -> Compare {
        let mut c = self.clone();
        for (new, old) in [(&mut c.a, &self.a), (&mut c.b, &self.b)] {
            new.driver = old.driver.as_ref().map(|d| Rc::new(Owned::new(d.take())));
        }
        c.scan = self.scan.as_ref().map(|s| Rc::new(Owned::new(s.take())));
        c
    }

    /// Gives back what [`Compare::take_over`] took (the message changed nothing).
    pub fn give_back(&self, from: &Compare) {
        for (old, new) in [(&self.a, &from.a), (&self.b, &from.b)] {
            if let (Some(o), Some(n)) = (&old.driver, &new.driver) {
                o.put(n.take());
            }
        }
        if let (Some(o), Some(n)) = (&self.scan, &from.scan) {
            o.put(n.take());
        }
    }

    /// Work to do between frames: a far seek or the scan.
    pub fn busy(&self) -> bool {
        self.seeking.is_some() || self.scan.is_some()
    }

    fn lanes(&self) -> impl Iterator<Item = &Lane> {
        [&self.a, &self.b].into_iter()
    }

    /// The last step of the longer run, once both ends are known.
    fn end(&self) -> Option<u64> {
        self.lanes().filter_map(|l| l.driver.as_ref()).map(|d| d.borrow().record().end()).try_fold(0, |m, e| e.map(|e| m.max(e)))
    }

    /// Both runs have ended at the current step.
    pub fn finished(&self) -> bool {
        self.lanes().filter_map(|l| l.driver.as_ref()).all(|d| d.borrow().finished())
    }

    fn stop(&mut self) {
        self.playing = false;
        self.clock = (0.0, None);
    }

    fn refresh(&mut self) {
        self.step = self.a.step().max(self.b.step());
        self.a.refresh();
        self.b.refresh();
    }

    /// Both lanes to step `n` (a lane that ends before stays at its end); far: in slices.
    fn seek(&mut self, n: u64) {
        self.stop();
        let n = self.end().map_or(n, |e| n.min(e));
        let far = self.lanes().filter_map(|l| l.driver.as_ref()).any(|d| {
            let d = d.borrow();
            let ck = d.history().at_or_before(n).step_count();
            let start = if n < d.step() || ck > d.step() { ck } else { d.step() };
            n.saturating_sub(start) > COMPARE_SYNC_STEPS
        });
        if far {
            self.seeking = Some(n);
            return;
        }
        for d in self.lanes().filter_map(|l| l.driver.clone()) {
            d.borrow_mut().seek(n);
        }
        self.seeking = None;
        self.refresh();
    }

    fn advance(&mut self, n: u64) {
        for d in self.lanes().filter_map(|l| l.driver.clone()) {
            d.borrow_mut().advance(n);
        }
        self.refresh();
    }

    fn divergence(&self, next: bool) -> Option<u64> {
        let scan = self.scan.as_ref().map(|s| s.borrow());
        let c: &Comparison = match (&self.done, &scan) {
            (Some(d), _) => d,
            (None, Some(s)) => s.comparison(),
            (None, None) => return None,
        };
        if next { c.next_divergence(self.step) } else { c.prev_divergence(self.step) }
    }

    /// A slice of the scan. Returns `true` when the scan moved on: the state that owns it now is
    /// a new one (see [`Owned`]), so the view is redrawn after every slice.
    fn scan_slice(&mut self, budget: u64) -> bool {
        let Some(scan) = self.scan.clone() else { return false };
        let over = scan.borrow_mut().advance(budget);
        let s = scan.borrow();
        self.scanned = s.steps();
        if let Some(d) = s.comparison().first() {
            self.first = Some(Some(d.step));
        }
        drop(s);
        if !over {
            // The scan moved on, so this is a new state (it owns the scan now), even when what
            // the view shows is the same.
            return true;
        }
        self.scan = None;
        let c = scan.take().finish();
        if c.first().is_none() {
            self.first = Some(None);
        }
        self.done = Some(Rc::new(c));
        true
    }

    /// Does `msg`. Returns `false` when nothing changed (a frame that owes no step yet, a
    /// key during a far seek).
    pub fn reduce(&mut self, msg: CompareMsg) -> bool {
        if self.seeking.is_some() && !matches!(msg, CompareMsg::Work(_) | CompareMsg::Seek(_) | CompareMsg::SetSpeed(_)) {
            // A far seek is under way: only another seek (or the work) counts.
            return false;
        }
        if let CompareMsg::Tick(now) = msg {
            return self.tick(now);
        }
        if !matches!(msg, CompareMsg::Work(_)) {
            self.note = None;
        }
        match msg {
            CompareMsg::Forward => {
                self.stop();
                self.advance(1);
            }
            CompareMsg::Back => self.seek(self.step.saturating_sub(1)),
            CompareMsg::Seek(n) => self.seek(n),
            CompareMsg::SeekBy(k) => self.seek(self.step.saturating_add_signed(k)),
            CompareMsg::Restart => self.seek(0),
            CompareMsg::TogglePlay if self.playing => self.stop(),
            CompareMsg::TogglePlay => {
                if self.finished() {
                    self.note = Some("Both runs have ended. Step back or restart to play again.".into());
                } else {
                    self.playing = true;
                    self.clock = (1.0, None);
                }
            }
            CompareMsg::Tick(_) => unreachable!("handled above"),
            CompareMsg::SetSpeed(v) => self.speed = v.clamp(1, 1_000),
            CompareMsg::JumpFirst => match self.first {
                Some(Some(n)) => self.seek(n),
                Some(None) => self.note = Some("The runs do not diverge.".into()),
                None => self.note = Some(format!("No divergence in the first {} steps compared so far.", self.scanned)),
            },
            CompareMsg::NextDivergence | CompareMsg::PrevDivergence => {
                let next = msg == CompareMsg::NextDivergence;
                match self.divergence(next) {
                    Some(n) => self.seek(n),
                    None if next && self.scan.is_some() => {
                        self.note = Some(format!("No divergence after this step in the {} steps compared so far.", self.scanned))
                    }
                    None => self.note = Some(format!("No divergence {} this step.", if next { "after" } else { "before" })),
                }
            }
            CompareMsg::Work(budget) => {
                let Some(target) = self.seeking else { return self.scan_slice(budget.max(1)) };
                let mut done = true;
                for d in self.lanes().filter_map(|l| l.driver.clone()) {
                    done &= d.borrow_mut().seek_toward(target, budget.max(1));
                }
                if !done {
                    // The lanes' drivers moved on (to this new state); the boards wait for the end.
                    return true;
                }
                self.seeking = None;
                self.refresh();
            }
        }
        true
    }

    /// An animation frame while playing: the steps owed at the speed, if any.
    fn tick(&mut self, now: f64) -> bool {
        if !self.playing {
            return false;
        }
        let (owed, last) = self.clock;
        let dt = last.map_or(0.0, |l| (now - l).clamp(0.0, 250.0));
        let owed = owed + self.speed as f64 * dt / 1000.0;
        let n = owed.floor();
        self.clock = (owed - n, Some(now));
        if n < 1.0 {
            // Only the clock's fraction changed: the same picture.
            return true;
        }
        self.advance(n as u64);
        if self.finished() {
            self.stop();
        }
        true
    }
}
