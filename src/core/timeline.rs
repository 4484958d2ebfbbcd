//! A per-P timeline of one run: when each P ran which goroutine. Collected step by step from a
//! [`Sim`] (O(Ps + Ms) per step, one span per stretch of running); pure, no I/O. `gmpsim diff`
//! merges two runs' timelines, P by P.

use crate::core::ids::GId;
use crate::core::sim::{Activity, Sim, Tracks};

/// A stretch of virtual time during which a P ran one goroutine: `[start, end)` ns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    /// When it started running, ns.
    pub start: u64,
    /// When it stopped, ns.
    pub end: u64,
    /// The goroutine.
    pub g: GId,
}

/// Every P's spans of running, P0 first, each in time order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Timeline {
    /// The spans of each P ever live.
    pub ps: Vec<Vec<Span>>,
    /// The clock after the last step observed, ns.
    pub end: u64,
    tracks: Tracks,
    /// The open span of each P: (start, goroutine).
    open: Vec<Option<(u64, GId)>>,
}

impl Timeline {
    /// A timeline before the first step.
    pub fn new() -> Timeline {
        Timeline::default()
    }

    /// Takes in the step `sim` just ran.
    pub fn observe(&mut self, sim: &Sim) {
        let now = sim.now();
        sim.tracks(&mut self.tracks);
        let n = self.tracks.ps.len().max(self.open.len());
        self.open.resize(n, None);
        self.ps.resize(n, Vec::new());
        for i in 0..n {
            let g = match self.tracks.ps.get(i).map(|p| p.activity) {
                Some(Activity::Run(g)) => Some(g),
                _ => None,
            };
            if self.open[i].map(|o| o.1) != g {
                if let Some((start, og)) = self.open[i].take() {
                    if now > start {
                        self.ps[i].push(Span { start, end: now, g: og });
                    }
                }
                self.open[i] = g.map(|g| (now, g));
            }
        }
        self.end = now;
    }

    /// Closes the spans still open at the last step observed.
    pub fn finish(&mut self) {
        for (i, o) in self.open.iter_mut().enumerate() {
            if let Some((start, g)) = o.take() {
                if self.end > start {
                    self.ps[i].push(Span { start, end: self.end, g });
                }
            }
        }
    }

    /// Busy time of P `i` in `[from, to)`, ns.
    pub fn busy_in(&self, i: usize, from: u64, to: u64) -> u64 {
        let spans = self.ps.get(i).map(Vec::as_slice).unwrap_or(&[]);
        let k = spans.partition_point(|s| s.end <= from);
        spans[k..].iter().take_while(|s| s.start < to).map(|s| s.end.min(to) - s.start.max(from)).sum()
    }
}

/// Two runs' timelines merged P by P: for each P (of either run), A's spans and B's.
pub fn merge<'a>(a: &'a Timeline, b: &'a Timeline) -> Vec<(&'a [Span], &'a [Span])> {
    let n = a.ps.len().max(b.ps.len());
    let at = |t: &'a Timeline, i: usize| t.ps.get(i).map(Vec::as_slice).unwrap_or(&[]);
    (0..n).map(|i| (at(a, i), at(b, i))).collect()
}
