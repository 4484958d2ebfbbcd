//! Movement on the board, read from the step's events: which goroutines moved from one queue to
//! another (`Steal`, `RunqOverflow`, `GlobalGrab`, the netpoller's `GoUnblock`s and the goroutine
//! it runs at once, a syscall's return to the global queue) and which P went from one M to
//! another (`ProcSteal` then the M that takes the P, `LockedHandoff`), grouped into one arrow per
//! source and destination. The state after the step only names the goroutines a batch moved (the
//! events count them).

use crate::core::event::{Event, Source, WakeCause, What};
use crate::core::event::Place as QueuePlace;
use crate::core::ids::{GId, MId, PId};
use crate::core::sim::SimState;
use litemap::LiteMap;

/// A place on the board that goroutines (or a P) move from or to: one end of a movement arrow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Place {
    P(PId),
    Global,
    Netpoll,
    M(MId),
}

impl Place {
    /// A stable key for the page's hooks: `p:3`, `global`, `netpoll`, `m:2`.
    pub fn key(self) -> String {
        match self {
            Place::P(p) => format!("p:{}", p.0),
            Place::Global => "global".into(),
            Place::Netpoll => "netpoll".into(),
            Place::M(m) => format!("m:{}", m.0),
        }
    }

    /// In words: `P3`, `the global queue`, `the network poller`, `M2`.
    pub fn words(self) -> String {
        match self {
            Place::P(p) => p.to_string(),
            Place::Global => "the global queue".into(),
            Place::Netpoll => "the network poller".into(),
            Place::M(m) => m.to_string(),
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
    pub gs: Vec<GId>,
    /// For a hand-off (from one M to another): the P handed over.
    pub p: Option<PId>,
}

/// Goroutine ids an [`Arrow`] keeps for its words.
pub const ARROW_GS: usize = 3;

/// What moved in one step: goroutine → where it came from, for those that moved from one
/// queue to another (a steal, an overflow, a global batch, a netpoll injection) or from a syscall
/// to a queue; P → the M that had it before a hand-off; and the same movements (with the
/// goroutine a steal or a batch runs at once) grouped by source and destination, one arrow each.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Moves {
    pub gs: LiteMap<GId, String>,
    pub ps: LiteMap<PId, Option<MId>>,
    /// Sorted by source, then destination.
    pub arrows: Vec<Arrow>,
}

impl Moves {
    /// What moved in the step that made `events`; `after` is the state after it.
    pub fn of(events: &[Event], after: &SimState) -> Moves {
        let mut m = Mover::default();
        let p_of = |p: PId| after.ps.iter().find(|x| x.id == p);
        // The last `k` goroutines of a queue (a batch lands at its tail).
        let tail = |q: &[GId], k: usize| q[q.len().saturating_sub(k)..].to_vec();
        let mut stolen_from: LiteMap<PId, MId> = LiteMap::new();
        let mut released: LiteMap<PId, MId> = LiteMap::new();
        let mut taken_by: LiteMap<PId, MId> = LiteMap::new();
        for e in events {
            let (g, p, mm) = (e.g, e.p, e.m);
            match (&e.what, p) {
                (What::Steal { victim, n, .. }, Some(thief)) => {
                    let queued = p_of(thief).map_or(Vec::new(), |pp| tail(&pp.runq, *n as usize - 1));
                    m.queued(&queued, victim.to_string());
                    m.add(Place::P(*victim), Place::P(thief), *n, queued.into_iter().chain(g));
                }
                (What::RunqOverflow { moved }, Some(p)) => {
                    let queued = tail(&after.global, *moved as usize);
                    m.queued(&queued, p.to_string());
                    m.add(Place::P(p), Place::Global, *moved, queued);
                }
                (What::GlobalGrab { n, .. }, Some(p)) => {
                    let queued = if *n > 1 { p_of(p).map_or(Vec::new(), |pp| tail(&pp.runq, *n as usize - 1)) } else { Vec::new() };
                    m.queued(&queued, "global".into());
                    m.add(Place::Global, Place::P(p), *n, queued.into_iter().chain(g));
                }
                (What::GoStart { from: Source::Netpoll, .. }, Some(p)) => m.add(Place::Netpoll, Place::P(p), 1, g),
                (What::GoUnblock { cause: WakeCause::Network, place, .. }, _) => {
                    let to = match (place, p) {
                        (QueuePlace::GlobalTail, _) | (_, None) => Place::Global,
                        (_, Some(p)) => Place::P(p),
                    };
                    m.queued(&g.into_iter().collect::<Vec<_>>(), "netpoll".into());
                    m.add(Place::Netpoll, to, 1, g);
                }
                (What::GoSyscallEndBlocked { got: None, .. }, _) => {
                    if let Some(from) = mm {
                        m.queued(&g.into_iter().collect::<Vec<_>>(), format!("{from} (syscall)"));
                        m.add(Place::M(from), Place::Global, 1, g);
                    }
                }
                (What::ProcSteal { from, .. }, Some(p)) => {
                    stolen_from.insert(p, *from);
                }
                (What::ProcStop, Some(p)) => {
                    if let Some(x) = mm {
                        released.insert(p, x);
                    }
                }
                (What::ThreadWake { for_p, .. }, _) | (What::ThreadCreate { for_p: Some(for_p), .. }, _) => {
                    if let Some(x) = mm {
                        taken_by.insert(*for_p, x);
                    }
                }
                (What::ProcStart, Some(p)) => {
                    if let Some(x) = mm {
                        taken_by.entry(p).or_insert(x);
                        if released.get(&p) != Some(&x) && !stolen_from.contains_key(&p) {
                            // Taken from the idle list (or another M's release): no M before.
                            m.ps.entry(p).or_insert(released.get(&p).copied());
                        }
                    }
                }
                (What::LockedHandoff { to }, Some(p)) => {
                    if let Some(from) = mm {
                        m.handoff(p, from, *to);
                    }
                }
                _ => {}
            }
        }
        for (p, from) in stolen_from {
            if let Some(&to) = taken_by.get(&p) {
                if to != from {
                    m.handoff(p, from, to);
                }
            }
        }
        m.finish()
    }
}

/// Moves being gathered.
#[derive(Default)]
struct Mover {
    gs: LiteMap<GId, String>,
    ps: LiteMap<PId, Option<MId>>,
    groups: LiteMap<(Place, Place), (u32, Vec<GId>)>,
    handoffs: LiteMap<(MId, MId), PId>,
}

impl Mover {
    /// Goroutines now in a queue, and where they came from.
    fn queued(&mut self, gs: &[GId], from: String) {
        for &g in gs {
            self.gs.insert(g, from.clone());
        }
    }

    fn add(&mut self, from: Place, to: Place, n: u32, gs: impl IntoIterator<Item = GId>) {
        if from == to || n == 0 {
            return;
        }
        let e = self.groups.entry((from, to)).or_default();
        e.0 += n;
        e.1.extend(gs);
    }

    fn handoff(&mut self, p: PId, from: MId, to: MId) {
        self.ps.insert(p, Some(from));
        self.handoffs.insert((from, to), p);
    }

    fn finish(self) -> Moves {
        let mut arrows: Vec<Arrow> = self
            .groups
            .into_iter()
            .map(|((from, to), (count, v))| {
                // Sorted as `(id, 0)` pairs, the page's one sort (`sort_unstable` of `(u64, u32)`):
                // a sort instantiation per element type is kilobytes of wasm.
                let mut ids: Vec<(u64, u32)> = v.iter().map(|g| (u64::from(g.0), 0)).collect();
                ids.sort_unstable();
                ids.dedup();
                ids.truncate(ARROW_GS);
                Arrow { from, to, count, gs: ids.into_iter().map(|(g, _)| GId(g as u32)).collect(), p: None }
            })
            .collect();
        // Both maps are in (from, to) order: each hand-off goes in after the arrows up to its
        // key, as a stable sort of the two would put it (no sort instantiation in the wasm).
        for ((from, to), p) in self.handoffs {
            let key = (Place::M(from), Place::M(to));
            let at = arrows.partition_point(|a| (a.from, a.to) <= key);
            arrows.insert(at, Arrow { from: key.0, to: key.1, count: 0, gs: Vec::new(), p: Some(p) });
        }
        Moves { gs: self.gs, ps: self.ps, arrows }
    }
}
