//! The real run's per-P timeline, read from a trace: when each P ran which goroutine, as
//! [`crate::core::timeline::Timeline`] spans (the simulator's own type, so the page draws the
//! real run and the replay alike). Built event by event, sans-IO; memory bounded whatever the
//! trace's length: once a P has more than [`MAX_SPANS`] spans, neighbours closer than a
//! quantum are merged (the quantum doubling each time), which a drawing of the run cannot tell
//! apart. Busy time per P is kept exactly, beside the spans.
//!
//! Time 0 is the trace's first event of the main goroutine (G1), as in the replay
//! ([`super::Replay`]), so the real run and the replay share one time axis.

use super::{EventKind, TraceEvent};
use crate::core::ids::GId;
use crate::core::timeline::{Span, Timeline};

/// Most spans kept per P before neighbours are merged.
pub const MAX_SPANS: usize = 2_000;

/// Collects the real run's per-P spans: [`RealTimeline::add`] every event, then
/// [`RealTimeline::finish`].
#[derive(Clone, Debug, Default)]
pub struct RealTimeline {
    /// Time of G1's first event, ns since the trace began (the origin).
    origin: Option<u64>,
    /// Goroutines running now: (id, since, P), in trace time. A running goroutine holds a P,
    /// so there are at most GOMAXPROCS of them: a short list.
    running: Vec<(u64, u64, u64)>,
    /// Spans per P (by trace P id, times from the origin).
    ps: Vec<Vec<Span>>,
    /// Exact busy time per P, ns.
    busy: Vec<u64>,
    /// Current merge quantum, ns (0: nothing merged yet).
    quantum: u64,
    last: u64,
}

impl RealTimeline {
    /// An empty timeline.
    pub fn new() -> RealTimeline {
        RealTimeline::default()
    }

    /// Takes in one event; `user(g)` says whether goroutine `g` is drawn (the replay's user
    /// goroutines; before the origin nothing is).
    pub fn add(&mut self, ev: &TraceEvent, user: impl Fn(u64) -> bool) {
        let t = ev.time_ns;
        self.last = self.last.max(t);
        use EventKind::*;
        match ev.kind {
            GoStatus | GoStatusStack if ev.args[0] == 1 && self.origin.is_none() => {
                self.origin = Some(t);
                // Main is running now if its status says so (2 = running).
                if ev.args[2] == 2 {
                    self.start(1, ev.p, t);
                }
            }
            GoStart | GoSwitch if self.origin.is_some() && user(ev.args[0]) => {
                if let Some(g) = ev.g {
                    self.stop(g, t);
                }
                self.start(ev.args[0], ev.p, t)
            }
            GoStop | GoBlock | GoSyscallBegin | GoDestroy | GoDestroySyscall | GoSwitch | GoSwitchDestroy => {
                if let Some(g) = ev.g {
                    self.stop(g, t);
                }
            }
            GoSyscallEnd => {
                if let Some(g) = ev.g.filter(|&g| self.origin.is_some() && user(g)) {
                    self.start(g, ev.p, t);
                }
            }
            _ => {}
        }
    }

    fn start(&mut self, g: u64, p: Option<u64>, t: u64) {
        // P ids are below GOMAXPROCS (at most 1,024 in the scenario format; a bigger one is
        // not drawn).
        let Some(p) = p.filter(|&p| p < u64::from(crate::core::scenario::limits::MAX_GOMAXPROCS)) else { return };
        self.stop(g, t);
        self.running.push((g, t, p));
    }

    fn stop(&mut self, g: u64, t: u64) {
        let Some(i) = self.running.iter().position(|r| r.0 == g) else { return };
        let (_, t0, p) = self.running.swap_remove(i);
        let origin = self.origin.unwrap_or(0);
        let (start, end) = (t0.saturating_sub(origin), t.saturating_sub(origin));
        if end <= start {
            return;
        }
        let p = p as usize;
        if self.ps.len() <= p {
            self.ps.resize(p + 1, Vec::new());
            self.busy.resize(p + 1, 0);
        }
        self.busy[p] += end - start;
        let q = self.quantum;
        let spans = &mut self.ps[p];
        let gid = GId(u32::try_from(g).unwrap_or(u32::MAX));
        match spans.last_mut() {
            Some(last) if q > 0 && start.saturating_sub(last.end) < q => last.end = last.end.max(end),
            _ => spans.push(Span { start, end, g: gid }),
        }
        if spans.len() > MAX_SPANS {
            self.quantum = if q == 0 { 1_000 } else { q * 2 };
            for v in &mut self.ps {
                coalesce(v, self.quantum);
            }
        }
    }

    /// Closes the spans still open at the last event and gives the timeline: one row per P,
    /// by P id (P0 first), `end` the last event's time from the origin.
    pub fn finish(mut self) -> RealRun {
        let last = self.last;
        while let Some(&(g, ..)) = self.running.last() {
            self.stop(g, last);
        }
        let mut tl = Timeline::new();
        tl.ps = self.ps;
        tl.end = last.saturating_sub(self.origin.unwrap_or(0));
        RealRun { timeline: tl, busy_ns: self.busy, quantum_ns: self.quantum }
    }
}

/// Merges neighbours of `v` closer than `q` ns.
fn coalesce(v: &mut Vec<Span>, q: u64) {
    let mut out: Vec<Span> = Vec::with_capacity(v.len() / 2 + 1);
    for s in v.drain(..) {
        match out.last_mut() {
            Some(last) if s.start.saturating_sub(last.end) < q => last.end = last.end.max(s.end),
            _ => out.push(s),
        }
    }
    *v = out;
}

/// The real run as drawn: the per-P timeline and each P's exact busy time.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RealRun {
    /// Spans per P, times from G1's first event.
    pub timeline: Timeline,
    /// Each P's time running user goroutines, ns (exact, whatever was merged).
    pub busy_ns: Vec<u64>,
    /// Spans closer than this were merged, ns (0: none were).
    pub quantum_ns: u64,
}
