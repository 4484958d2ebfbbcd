//! Checks of the whole program: recursion through `go`, then the static totals of goroutines
//! created and ops executed, against the published limits.
//!
//! A `range` over a channel runs once per value received, and every value received was sent
//! once: all the ranges over channel `c` together run at most as many iterations as sends on
//! `c` are executed. When a range body starts goroutines, its iterations are bounded that way
//! ([`Checker::range_bounds`]): the sends on each channel are counted with each range taken as
//! its bound, from bounds of 0, until the bounds no longer grow. A channel whose bound keeps
//! growing (a goroutine a range starts sends on the channel ranged over, so each value can
//! make another) has no bound, and its ranges may not start goroutines.

use super::*;

impl Checker {
    /// Recursion through `go`, then the static totals of goroutines and ops executed.
    pub(super) fn whole_program(&mut self, main: &[Op], funcs: &[FuncBody], actions: &[Action]) {
        if funcs.len() > MAX_DECLS {
            return; // already reported; keeps the analysis small
        }
        let Some(order) = self.callees_first(funcs) else {
            return; // recursion reported
        };
        // goroutines[f]: created by one run of f, itself not included; ops[f]: executed by it
        // and by everything it starts.
        // iters[c]: the most iterations a range over channel c runs (needed only for the
        // ranges that start goroutines; 0 when there are none).
        let iters = match self.range_bounds(main, funcs, actions, &order) {
            Some(iters) => iters,
            None => return, // unbounded ranges reported
        };
        let mut goroutines = vec![0u64; funcs.len()];
        let mut ops = vec![0u64; funcs.len()];
        for &f in &order {
            goroutines[f] = created(&funcs[f].body, &goroutines, &iters);
            ops[f] = executed(&funcs[f].body, &ops, &goroutines, &iters);
        }
        let mut total_g = 1u64.saturating_add(created(main, &goroutines, &iters));
        let mut total_ops = executed(main, &ops, &goroutines, &iters);
        for a in actions {
            if let ActionKind::Spawn { func, n, .. } = a.kind {
                let (n, f) = (u64::from(n), func as usize);
                total_g = total_g.saturating_add(n.saturating_mul(1u64.saturating_add(goroutines[f])));
                total_ops = total_ops.saturating_add(n.saturating_mul(ops[f]));
            }
        }
        let count = |n: u64| if n == u64::MAX { format!("at least {n}") } else { n.to_string() };
        if total_g > MAX_GOROUTINES {
            self.say(
                "",
                format!(
                    "the program would create {} goroutines (main included); the limit is {MAX_GOROUTINES}",
                    count(total_g)
                ),
            );
        }
        if total_ops > MAX_TOTAL_OPS {
            self.say(
                "",
                format!(
                    "the program would execute {} ops in all goroutines; the limit is {MAX_TOTAL_OPS}",
                    count(total_ops)
                ),
            );
        }
    }

    /// The most iterations a range over each channel runs, if some range starts goroutines
    /// (all 0 if none does); `None`, with each such range reported, if some has no bound.
    fn range_bounds(&mut self, main: &[Op], funcs: &[FuncBody], actions: &[Action], order: &[usize]) -> Option<Vec<u64>> {
        let chans = self.chan_ix.len();
        let mut iters = vec![0u64; chans];
        if self.range_gos.is_empty() {
            return Some(iters);
        }
        // Each round follows the sends one range further; without a cycle, one round per
        // channel reaches the end.
        let rounds = chans.min(62) + 2;
        let mut growing = vec![false; chans];
        for _ in 0..rounds {
            let mut per_func: Vec<Vec<u64>> = vec![Vec::new(); funcs.len()];
            for &f in order {
                let mut out = vec![0u64; chans];
                sent(&funcs[f].body, 1, &per_func, &iters, &mut out);
                per_func[f] = out;
            }
            let mut total = vec![0u64; chans];
            sent(main, 1, &per_func, &iters, &mut total);
            for a in actions {
                if let ActionKind::Spawn { func, n, .. } = a.kind {
                    for (t, s) in total.iter_mut().zip(&per_func[func as usize]) {
                        *t = t.saturating_add(u64::from(n).saturating_mul(*s));
                    }
                }
            }
            // Beyond the ops limit the op total says so; the bound need not grow further.
            let total: Vec<u64> = total.into_iter().map(|s| s.min(MAX_TOTAL_OPS + 1)).collect();
            growing = total.iter().zip(&iters).map(|(t, i)| t > i).collect();
            iters = total;
            if !growing.contains(&true) {
                return Some(iters);
            }
        }
        for (c, place) in std::mem::take(&mut self.range_gos) {
            if growing[c as usize] {
                let name = self.chan_ix.iter().find(|(_, &i)| i == c).map(|(n, _)| n.clone()).unwrap_or_default();
                self.say(
                    &place,
                    format!("a go statement inside a range over {name:?}, whose values have no bound: a goroutine started for a value can lead to more values sent on {name:?}, so the number of goroutines is not known before the run"),
                );
            }
        }
        None
    }

    /// The funcs ordered so that every func comes after the funcs it starts; `None`, with the
    /// cycles reported, if some func can start itself.
    fn callees_first(&mut self, funcs: &[FuncBody]) -> Option<Vec<usize>> {
        let n = funcs.len();
        // Each func's callees, distinct and in index order (a sorted Vec: a B-tree set would
        // compile its own node code into the page).
        let callees: Vec<Vec<usize>> = funcs
            .iter()
            .map(|f| {
                let mut s = Vec::new();
                for &(g, _) in &f.gos {
                    if let Err(i) = s.binary_search(&(g as usize)) {
                        s.insert(i, g as usize);
                    }
                }
                s
            })
            .collect();
        let mut callers: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (f, cs) in callees.iter().enumerate() {
            for &c in cs {
                callers[c].push(f);
            }
        }
        // Kahn's algorithm from the leaves up.
        let mut pending: Vec<usize> = callees.iter().map(Vec::len).collect();
        // `order` is the queue too: funcs are appended when ready and taken in that order.
        let mut order: Vec<usize> = Vec::with_capacity(n);
        order.extend((0..n).filter(|&f| pending[f] == 0));
        let mut next = 0;
        while let Some(&f) = order.get(next) {
            next += 1;
            for &caller in &callers[f] {
                pending[caller] -= 1;
                if pending[caller] == 0 {
                    order.push(caller);
                }
            }
        }
        if order.len() == n {
            return Some(order);
        }
        // Some funcs are on a cycle or lead to one: report each cycle once, at the first func
        // on it in document order, by the shortest way back.
        let mut told = vec![false; n];
        for f in 0..n {
            if pending[f] == 0 || told[f] {
                continue;
            }
            let Some(path) = shortest_cycle(f, &callees) else { continue };
            for &g in &path {
                told[g] = true;
            }
            let first = path[0];
            let place =
                funcs[f].gos.iter().find(|(g, _)| *g as usize == first).map_or(funcs[f].place.as_str(), |(_, p)| p);
            let name = &funcs[f].name;
            let message = if path.len() == 1 {
                format!("{name:?} starts itself; recursion would create goroutines without end")
            } else {
                let through: Vec<String> = path.iter().map(|&g| format!("{:?}", funcs[g].name)).collect();
                format!(
                    "{name:?} starts itself through {}; recursion would create goroutines without end",
                    through.join(" -> ")
                )
            };
            let place = place.to_string();
            self.say(&place, message);
        }
        None
    }
}

/// The shortest path of funcs from `f` back to `f` (ending with `f`), trying callees in index
/// order; `None` if `f` is not on a cycle.
fn shortest_cycle(f: usize, callees: &[Vec<usize>]) -> Option<Vec<usize>> {
    let mut from: Vec<Option<usize>> = vec![None; callees.len()];
    // A first-in first-out queue as a Vec read from `next` on (no VecDeque of its own).
    let mut queue = vec![f];
    let mut next = 0;
    while let Some(&g) = queue.get(next) {
        next += 1;
        for &h in &callees[g] {
            if h == f {
                let mut path = Vec::new();
                let mut at = g;
                while at != f {
                    path.push(at);
                    at = from[at]?;
                }
                path.reverse();
                path.push(f);
                return Some(path);
            }
            if from[h].is_none() {
                from[h] = Some(g);
                queue.push(h);
            }
        }
    }
    None
}

/// Adds to `out[c]` the sends on channel `c` that running `body` `mult` times executes, those
/// of the goroutines it starts included (`per_func`: the same for one run of each func), a
/// range over `c` taken as `iters[c]` iterations.
fn sent(body: &[Op], mult: u64, per_func: &[Vec<u64>], iters: &[u64], out: &mut [u64]) {
    for op in body {
        match op {
            Op::Send(c) | Op::SendValue { chan: c, .. } => {
                if let Some(o) = out.get_mut(*c as usize) {
                    *o = o.saturating_add(mult);
                }
            }
            Op::Go { func, n } | Op::GoArgs { func, n, .. } => {
                let k = mult.saturating_mul(u64::from(*n));
                for (o, s) in out.iter_mut().zip(&per_func[*func as usize]) {
                    *o = o.saturating_add(k.saturating_mul(*s));
                }
            }
            Op::Repeat { n, body } | Op::For { n, body, .. } => sent(body, mult.saturating_mul(*n), per_func, iters, out),
            Op::Range { chan, body, .. } => {
                let k = iters.get(*chan as usize).copied().unwrap_or(0);
                sent(body, mult.saturating_mul(k), per_func, iters, out);
            }
            _ => {}
        }
    }
}

/// Goroutines created by running `body` once (not counting the goroutine running it), given
/// the same count for every func; a range over `c` runs at most `iters[c]` times.
fn created(body: &[Op], per_func: &[u64], iters: &[u64]) -> u64 {
    body.iter().fold(0u64, |sum, op| {
        let here = match op {
            Op::Go { func, n } | Op::GoArgs { func, n, .. } => u64::from(*n).saturating_mul(1u64.saturating_add(per_func[*func as usize])),
            Op::Repeat { n, body } | Op::For { n, body, .. } => n.saturating_mul(created(body, per_func, iters)),
            Op::Range { chan, body, .. } => iters.get(*chan as usize).copied().unwrap_or(0).saturating_mul(created(body, per_func, iters)),
            _ => 0,
        };
        sum.saturating_add(here)
    })
}

/// Ops executed by running `body` once, those of the goroutines it starts included; a
/// `repeat` counts as its body `n` times, a `go` as one op plus what the started bodies run.
/// `goroutines` and `iters` are [`created`]'s.
fn executed(body: &[Op], per_func: &[u64], goroutines: &[u64], iters: &[u64]) -> u64 {
    body.iter().fold(0u64, |sum, op| {
        let here = match op {
            Op::Go { func, n } | Op::GoArgs { func, n, .. } => 1u64.saturating_add(u64::from(*n).saturating_mul(per_func[*func as usize])),
            Op::Repeat { n, body } | Op::For { n, body, .. } => n.saturating_mul(executed(body, per_func, goroutines, iters)),
            // A range that starts goroutines: its bound of iterations, each a receive and the
            // body, and the final receive.
            Op::Range { chan, body, .. } if created(body, goroutines, iters) > 0 => {
                let k = iters.get(*chan as usize).copied().unwrap_or(0);
                1u64.saturating_add(k.saturating_mul(1u64.saturating_add(executed(body, per_func, goroutines, iters))))
            }
            // Other ranges: one receive per value sent, and values sent are bounded by the
            // sends counted elsewhere: counted here as one pass plus the final receive.
            Op::Range { body, .. } => 1u64.saturating_add(executed(body, per_func, goroutines, iters)),
            _ => 1,
        };
        sum.saturating_add(here)
    })
}
