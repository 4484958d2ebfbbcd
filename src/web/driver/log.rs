//! The event log: its rows in words, the filter, and the events behind them. The record keeps
//! every explored step's events compactly; their full form (for the words) is regenerated in
//! segments of [`SEGMENT`] steps from a checkpoint, a few segments cached, and the latest
//! [`RECENT_EVENTS`] events are kept at hand so the log can follow a run while it plays.

use super::Driver;
use crate::core::event::Event;
use crate::core::ids::{GId, PId};
use crate::core::program::{Instr, Program};
use crate::core::scenario::Scenario;
use crate::core::sim::{GState, Sim};
use crate::web::record::{kind_code, EvRec};
use std::collections::VecDeque;
use std::rc::Rc;

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
    pub g: Option<GId>,
    pub p: Option<PId>,
    pub text: String,
}

/// Which events the log shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogFilter {
    /// A kind name from `What::KINDS`; empty for all.
    pub kind: String,
    pub g: Option<GId>,
    pub p: Option<PId>,
}

impl LogFilter {
    fn matches(&self, code: Option<u8>, e: EvRec) -> bool {
        code.is_none_or(|c| e.kind() == c)
            && self.g.is_none_or(|g| e.g() == Some(g))
            && self.p.is_none_or(|p| e.p() == Some(p))
    }

    /// Whether the log shows event `e` (for a log kept as events, as threads mode keeps it).
    pub fn admits(&self, e: &Event) -> bool {
        (self.kind.is_empty() || e.kind() == self.kind)
            && self.g.is_none_or(|g| e.g == Some(g))
            && self.p.is_none_or(|p| e.p == Some(p))
    }
}

/// Event number `idx` of a run of `prog` as a line of the log, in words.
pub fn log_row(idx: usize, e: &Event, prog: &Program) -> LogRow {
    LogRow { idx, step: e.step, t: e.t, kind: e.kind(), g: e.g, p: e.p, text: e.explain(prog) }
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

/// The full events the driver keeps at hand.
#[derive(Default)]
pub(super) struct Events {
    /// Full events of some segments, most recently used last.
    segments: Vec<(u64, Rc<Vec<Event>>)>,
    /// Events of the segment being explored (its steps so far), when recorded from its first
    /// step.
    frontier: Option<(u64, Vec<Event>)>,
    /// The latest events up to the current step, with their indices in the run, oldest first:
    /// those of the steps made one after another since the simulator was last replaced.
    pub(super) recent: VecDeque<(usize, Event)>,
}

impl Events {
    pub(super) fn new() -> Events {
        Events { frontier: Some((0, Vec::new())), ..Events::default() }
    }

    /// The events of step `s`, explored for the first time.
    pub(super) fn remember(&mut self, s: u64, events: &[Event]) {
        let seg = (s - 1) / SEGMENT;
        if s == seg * SEGMENT + 1 {
            self.frontier = Some((seg, Vec::new()));
        }
        match &mut self.frontier {
            Some((k, evs)) if *k == seg => evs.extend_from_slice(events),
            _ => self.frontier = None,
        }
        if s.is_multiple_of(SEGMENT) {
            if let Some((_, done)) = self.frontier.take() {
                self.cache_segment(seg, Rc::new(done));
            }
        }
    }

    /// A new step's events were not kept: the segment being explored is incomplete.
    pub(super) fn forget_frontier(&mut self) {
        self.frontier = None;
    }

    /// The events of the step just made, the first numbered `base` in the run.
    pub(super) fn push_recent(&mut self, base: usize, events: &[Event]) {
        for (i, e) in events.iter().enumerate() {
            if self.recent.len() == RECENT_EVENTS {
                self.recent.pop_front();
            }
            self.recent.push_back((base + i, e.clone()));
        }
    }

    fn cache_segment(&mut self, seg: u64, evs: Rc<Vec<Event>>) {
        self.segments.retain(|(k, _)| *k != seg);
        self.segments.push((seg, evs));
        if self.segments.len() > CACHED_SEGMENTS {
            self.segments.remove(0);
        }
    }

    /// The run changes after step `n`: what was cached after it is dropped.
    pub(super) fn truncate(&mut self, n: u64) {
        self.recent.clear();
        self.segments.retain(|(k, _)| (k + 1) * SEGMENT <= n);
        match &mut self.frontier {
            Some((k, evs)) if *k * SEGMENT < n => evs.retain(|e| e.step <= n),
            _ => self.frontier = None,
        }
    }

    /// Func indices changed: every cached event may name the wrong func.
    pub(super) fn clear(&mut self) {
        self.recent.clear();
        self.segments.clear();
        self.frontier = None;
    }
}

impl Driver {
    /// The events of segment `seg`, from the cache or by replaying from a checkpoint.
    fn segment(&mut self, seg: u64) -> Rc<Vec<Event>> {
        if let Some(i) = self.events.segments.iter().position(|(k, _)| *k == seg) {
            let e = self.events.segments.remove(i);
            let r = e.1.clone();
            self.events.segments.push(e);
            return r;
        }
        if let Some((k, evs)) = &self.events.frontier {
            if *k == seg {
                return Rc::new(evs.clone());
            }
        }
        let first = seg * SEGMENT + 1;
        let last = ((seg + 1) * SEGMENT).min(self.record.explored());
        let mut sim = self.history.at_or_before(first - 1).clone();
        while sim.step_count() + 1 < first && sim.step() {}
        let mut evs = Vec::new();
        while sim.step_count() < last && sim.step() {
            evs.extend_from_slice(sim.events());
        }
        let evs = Rc::new(evs);
        if last == (seg + 1) * SEGMENT {
            self.events.cache_segment(seg, evs.clone());
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
            if filter.matches(code, self.record.ev(i)) {
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
        if self.events.recent.back().is_none_or(|(_, e)| e.step != cur) {
            return self.log(filter, limit);
        }
        let code = if filter.kind.is_empty() { None } else { Some(kind_code(&filter.kind).unwrap_or(u8::MAX)) };
        let mut rows = Vec::with_capacity(limit);
        let mut more = self.events.recent.front().is_some_and(|(i, _)| *i > 0);
        for (i, e) in self.events.recent.iter().rev() {
            if filter.matches(code, self.record.ev(*i)) {
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
    pub fn goroutine_at(&mut self, id: GId, limit: usize, recent: bool) -> Option<GDetail> {
        let state = self.sim.goroutine(id)?;
        let ops = ops_of(&self.sim, &self.scenario, &state.func);
        let f = LogFilter { kind: String::new(), g: Some(id), p: None };
        let (history, _) = if recent { self.recent_log(&f, limit) } else { self.log(&f, limit) };
        Some(GDetail { state, ops, history })
    }

    /// Goroutine `id` in detail (its ops and its latest `limit` events), if it exists yet.
    pub fn goroutine(&mut self, id: GId, limit: usize) -> Option<GDetail> {
        self.goroutine_at(id, limit, false)
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
        Instr::Print(_) => "fmt.Println(...)".into(),
        Instr::SendValue { chan: c, .. } => format!("{} <- v", chan(c)),
        Instr::GoArgs { func: f, .. } => format!("go {}(...)", func(f)),
        Instr::Take { .. } | Instr::BreakIfClosed { .. } | Instr::Jump { .. } | Instr::SetVar { .. } | Instr::IncVar { .. } => String::new(),
    }
}

