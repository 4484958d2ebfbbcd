//! Movement on the board: which goroutines moved from one queue to another in the last step
//! (a steal, an overflow to the global queue, a global batch, a netpoll injection, a syscall's
//! return) and which P was handed to another M, grouped into one arrow per source and destination.

use crate::core::sim::SimState;
use std::collections::HashMap;

/// Where a goroutine sits on the board.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Spot {
    /// Queued on P (runnext or ring).
    Queued(u32),
    Running(u32),
    Global,
    Netpoll,
    Syscall(u32),
}

impl Spot {
    fn queue(self) -> bool {
        matches!(self, Spot::Queued(_) | Spot::Global | Spot::Netpoll)
    }
    fn words(self) -> String {
        match self {
            Spot::Queued(p) => format!("P{p}"),
            Spot::Running(p) => format!("P{p} (running)"),
            Spot::Global => "global".into(),
            Spot::Netpoll => "netpoll".into(),
            Spot::Syscall(m) => format!("M{m} (syscall)"),
        }
    }
}

/// Where each goroutine sits on the board, for the movement highlights.
fn spots(state: &SimState) -> HashMap<u32, Spot> {
    let mut m = HashMap::with_capacity(state.global.len() + state.netpoll.len() + state.ps.len() * 8);
    for p in &state.ps {
        if let Some(g) = p.runnext {
            m.insert(g, Spot::Queued(p.id));
        }
        for &g in &p.runq {
            m.insert(g, Spot::Queued(p.id));
        }
        if let Some(g) = p.g {
            m.insert(g, Spot::Running(p.id));
        }
    }
    for &g in &state.global {
        m.insert(g, Spot::Global);
    }
    for n in &state.netpoll {
        m.insert(n.g, Spot::Netpoll);
    }
    for mm in &state.ms {
        if mm.status == "syscall" {
            if let Some(g) = mm.g {
                m.insert(g, Spot::Syscall(mm.id));
            }
        }
    }
    m
}

/// A place on the board that goroutines (or a P) move from or to: one end of a movement arrow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Place {
    P(u32),
    Global,
    Netpoll,
    M(u32),
}

impl Place {
    fn of(s: Spot) -> Place {
        match s {
            Spot::Queued(p) | Spot::Running(p) => Place::P(p),
            Spot::Global => Place::Global,
            Spot::Netpoll => Place::Netpoll,
            Spot::Syscall(m) => Place::M(m),
        }
    }

    /// A stable key for the page's hooks: `p:3`, `global`, `netpoll`, `m:2`.
    pub fn key(self) -> String {
        match self {
            Place::P(p) => format!("p:{p}"),
            Place::Global => "global".into(),
            Place::Netpoll => "netpoll".into(),
            Place::M(m) => format!("m:{m}"),
        }
    }

    /// In words: `P3`, `the global queue`, `the network poller`, `M2`.
    pub fn words(self) -> String {
        match self {
            Place::P(p) => format!("P{p}"),
            Place::Global => "the global queue".into(),
            Place::Netpoll => "the network poller".into(),
            Place::M(m) => format!("M{m}"),
        }
    }
}

/// One movement of the last step, drawn as one arrow however many goroutines took it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arrow {
    pub from: Place,
    pub to: Place,
    /// Goroutines that moved this way (0 for a P's hand-off).
    pub count: u32,
    /// The first few of them, ascending.
    pub gs: Vec<u32>,
    /// For a hand-off (from one M to another): the P handed over.
    pub p: Option<u32>,
}

/// Goroutine ids an [`Arrow`] keeps for its words.
pub const ARROW_GS: usize = 3;

/// What moved between two states: goroutine → where it came from, for those that moved from one
/// queue to another (a steal, an overflow, a global batch, a netpoll injection) or from a syscall
/// to a queue; P → the M that had it before a hand-off; and the same movements (with the
/// goroutine a steal or a batch runs at once) grouped by source and destination, one arrow each.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Moves {
    pub gs: HashMap<u32, String>,
    pub ps: HashMap<u32, Option<u32>>,
    /// Sorted by source, then destination.
    pub arrows: Vec<Arrow>,
}

impl Moves {
    pub fn between(before: &SimState, after: &SimState) -> Moves {
        let a = spots(before);
        let mut gs = HashMap::new();
        let mut groups: std::collections::BTreeMap<(Place, Place), Vec<u32>> = std::collections::BTreeMap::new();
        for (g, now) in spots(after) {
            if let Some(&was) = a.get(&g) {
                if was == now || !(was.queue() || matches!(was, Spot::Syscall(_))) {
                    continue;
                }
                if now.queue() {
                    gs.insert(g, was.words());
                }
                // The arrows also count a goroutine that was taken to run at once (the one a
                // steal or a global batch returns to `schedule`).
                let (from, to) = (Place::of(was), Place::of(now));
                if from != to && (now.queue() || (was.queue() && matches!(now, Spot::Running(_)))) {
                    groups.entry((from, to)).or_default().push(g);
                }
            }
        }
        let mut arrows: Vec<Arrow> = groups
            .into_iter()
            .map(|((from, to), mut v)| {
                v.sort_unstable();
                let count = v.len() as u32;
                v.truncate(ARROW_GS);
                Arrow { from, to, count, gs: v, p: None }
            })
            .collect();
        let mut ps = HashMap::new();
        for p in &after.ps {
            if let Some(b) = before.ps.iter().find(|x| x.id == p.id) {
                if b.m != p.m && p.m.is_some() {
                    ps.insert(p.id, b.m);
                    if let (Some(old), Some(new)) = (b.m, p.m) {
                        arrows.push(Arrow { from: Place::M(old), to: Place::M(new), count: 0, gs: Vec::new(), p: Some(p.id) });
                    }
                }
            }
        }
        arrows.sort_by_key(|a| (a.from, a.to));
        Moves { gs, ps, arrows }
    }
}
