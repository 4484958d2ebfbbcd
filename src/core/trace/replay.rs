//! `Replay`: a scenario that replays the user goroutines of a Go execution trace — what each
//! did, in order, with its measured durations, who created it, and the trace's GOMAXPROCS —
//! built in one pass over the events ([`Replay::add`]), memory proportional to the goroutines
//! and their ops. What cannot be mapped is counted in [`Replay::unmapped`], never dropped
//! silently.
//!
//! **Which goroutines.** G1 (main, running when the trace starts) is a user goroutine; so is
//! every goroutine a user goroutine creates (`GoCreate` on its thread) from a function outside
//! the runtime (the creation stack's innermost frame is not in `runtime`, `runtime/...` or
//! `internal/...`: `runtime/trace`'s writer and the trace advancer are not user code). Every
//! other goroutine — those alive before the trace began (GC workers, finalizers, ...) and the
//! runtime's — is not replayed.
//!
//! **What each one did.** A running stretch (`GoStart` … the next `GoStop`, `GoBlock`,
//! `GoSyscallBegin`, `GoDestroy`, or an event of the goroutine that the scenario shows as an op)
//! is `work` of its measured length; `GoCreate` is `go` of the child's own func; a system call
//! (`GoSyscallBegin` → `GoSyscallEnd`/`GoSyscallEndBlocked`) is `syscall` of its measured
//! length; `GoStop` for `runtime.Gosched` is `gosched` (a preemption is not an op: the
//! simulator preempts by itself); a user goroutine's `GOMAXPROCS` change is `gomaxprocs`. A
//! block (`GoBlock`) is mapped by its reason:
//!
//! - `sleep` → `sleep` of the measured time until the `GoUnblock`;
//! - `network` → `net` of the measured time;
//! - in `sync.(*WaitGroup).Wait` (by the block's stack), woken by user goroutine X → `wait`
//!   on a WaitGroup of the replay, released by a `done` from X at the moment of the
//!   `GoUnblock`, from every user goroutine that exited since the previous WaitGroup
//!   release, and from every one running or runnable at the wake whose next act is to exit
//!   (`defer wg.Done()`: the Dones that did not wake anyone are not in the trace);
//!   main `add`s each count before anything else. A goroutine that exited for another
//!   reason only makes the waiter wait a little longer; every dependency points from an
//!   earlier moment of the real run to a later one, so the replay cannot deadlock;
//! - anything else (`chan receive`, `chan send`, `select`, `sync`, `sync.(*Cond).Wait`, ...)
//!   woken by another user goroutine X → a release: the blocked goroutine does `recv` on a
//!   channel `X>G` and X, at the moment of the `GoUnblock`, does `send` on it. One channel
//!   per (waker, woken) pair, buffered with as many slots as releases, so the waker never
//!   blocks on it (it did not block in the real run either) and the woken one waits exactly
//!   until its waker got there. Reasons outside the known list are replayed so too and
//!   counted as approximated. Woken by a goroutine that is not replayed (or by no goroutine)
//!   → `sleep` of the measured time, counted as unmapped.
//!
//! What this cannot show: a dependency that did not make anyone block in the real run (a
//! receive that found a value waiting) is not in the trace, so the replay does not enforce it;
//! the runtime's own goroutines and GC are not replayed (their CPU time is inside the
//! measured stretches only when they interrupted a user goroutine's slice).

use litemap::LiteMap;
use std::collections::BTreeMap;

use super::event::{GoState, TraceEvent};
use super::generation::Generation;
use super::kind::EventKind;
use crate::core::scenario::{limits, ChanDecl, FuncDecl, Op, Scenario, DEFAULT_GO_MINOR};

/// Block reasons the replay maps (the rest are replayed as releases and counted).
pub const KNOWN_BLOCK_REASONS: [&str; 9] = [
    "chan receive",
    "chan send",
    "select",
    "select (no cases)",
    "sync",
    "sync.(*Cond).Wait",
    "sync.WaitGroup.Wait",
    "sleep",
    "network",
];

/// The first published scenario limit ([`limits`]) the replay was found to exceed while the
/// events were added: which limit, and the event (byte offset, time) at which it was crossed.
/// Checked after every event in O(1), so a trace far beyond the limits stops being read there
/// (memory bounded by the limits, not by the file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OverLimit {
    /// What was counted, e.g. `"ops in main's body"`.
    pub what: String,
    /// How many the replay had when it stopped.
    pub count: u64,
    /// The limit.
    pub limit: u64,
    /// The byte offset of the event that crossed it.
    pub offset: u64,
    /// Its time, ns since the trace's first event.
    pub time_ns: u64,
}

impl std::fmt::Display for OverLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the replay exceeds the scenario limit of at most {} {} ({} by then) at byte {} of the trace (t={}); stopped reading there",
            self.limit,
            self.what,
            self.count,
            self.offset,
            crate::core::event::trace_time(self.time_ns)
        )
    }
}

/// One op of one goroutine, before the scenario's names exist.
#[derive(Clone, Debug, PartialEq)]
enum ROp {
    Work(u64),
    Syscall(u64),
    Sleep(u64),
    Net(u64),
    /// `go` of the goroutine with this trace id.
    Go(u64),
    Gosched,
    Gomaxprocs(u32),
    /// Wait for a release from `by` (the pair's channel).
    Recv {
        by: u64,
    },
    /// Release `to`.
    Send {
        to: u64,
    },
    /// `wg.Wait()` on the replay's WaitGroup `k`.
    Wait(u32),
    /// `wg.Done()` on the replay's WaitGroup `k`.
    Done(u32),
    /// A block whose end is not known yet.
    Pending,
}

/// A block in progress.
#[derive(Clone, Debug)]
struct Block {
    reason: String,
    since: u64,
    /// The byte offset of its `GoBlock`.
    offset: u64,
    /// In `sync.(*WaitGroup).Wait` (by the block's stack).
    wg: bool,
    /// Where its op goes in the goroutine's list.
    slot: usize,
}

/// One user goroutine.
#[derive(Clone, Debug, Default)]
struct Goroutine {
    ops: Vec<ROp>,
    /// Running since (the start of the current stretch), if running.
    run_since: Option<u64>,
    block: Option<Block>,
    /// In a system call since.
    sys_since: Option<u64>,
    /// How many of `ops` are `Go` (merged into fewer ops when consecutive children share a
    /// func) or `Pending` (dropped if still blocked at the end): the rest is a lower bound of
    /// the body's length in the scenario.
    soft: usize,
    /// Its place in [`Replay::active`] while it is there.
    active_at: Option<usize>,
    /// The WaitGroup its exit releases: set when a WaitGroup woke its waiter while it was
    /// running or runnable, cleared when it blocks, stops or makes a syscall (see
    /// [`Replay::add`]).
    candidate: Option<u32>,
    /// Its func in the scenario, once [`Replay::scenario`] wrote its body.
    func: Option<u32>,
}

impl Goroutine {
    /// Ends the current running stretch at `t` as `work` (merged with a `work` before it).
    fn flush(&mut self, t: u64) {
        if let Some(s) = self.run_since {
            let d = t.saturating_sub(s);
            if d > 0 {
                if let Some(ROp::Work(w)) = self.ops.last_mut() {
                    *w += d;
                } else {
                    self.ops.push(ROp::Work(d));
                }
            }
            self.run_since = Some(t);
        }
    }
}

/// Something the replay could not map, or mapped only approximately.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unmapped {
    /// How many times.
    pub count: u64,
    /// The byte offset of the first in the trace file.
    pub first_offset: u64,
    /// Its time, ns since the trace began.
    pub first_ns: u64,
}

/// The replay being built, event by event.
#[derive(Clone, Debug, Default)]
pub struct Replay {
    /// User goroutines by trace id.
    gs: LiteMap<u64, Goroutine>,
    /// Their ids in creation order (G1 first).
    order: Vec<u64>,
    /// GOMAXPROCS at the start (the first `ProcsChange`) and now.
    gomaxprocs: Option<u32>,
    procs_now: u32,
    /// Releases per (waker, woken) pair.
    pairs: LiteMap<(u64, u64), u32>,
    /// What could not be mapped, by description.
    unmapped: LiteMap<String, Unmapped>,
    /// User goroutines that exited and are not yet counted in a WaitGroup release.
    exited: Vec<u64>,
    /// The replay's WaitGroups: how many `done`s each is released by (main adds them first).
    wg_counts: Vec<u32>,
    /// User goroutines that started and have not exited, in no order (each knows its place:
    /// [`Goroutine::active_at`]). Those that were running or runnable (not blocked, not in a
    /// syscall) when a WaitGroup woke its waiter become its candidates
    /// ([`Goroutine::candidate`]): if the next thing they do is exit, they were past their
    /// Done, so they release that WaitGroup too.
    active: Vec<u64>,
    /// Time of G1's first event, and of the trace's last.
    start_ns: Option<u64>,
    end_ns: u64,
    /// The first event's time (for [`OverLimit::time_ns`]).
    first_ns: Option<u64>,
    /// The first limit found exceeded; once set, [`Replay::add`] ignores further events.
    over: Option<OverLimit>,
}

/// True if a function name is the runtime's (a goroutine created there is not user code).
fn is_runtime_func(name: &str) -> bool {
    name.starts_with("runtime.") || name.starts_with("runtime/") || name.starts_with("internal/")
}

impl Replay {
    /// An empty replay.
    pub fn new() -> Replay {
        Replay::default()
    }

    fn note(&mut self, what: String, ev: &TraceEvent) {
        let u = self.unmapped.entry(what).or_insert_with(|| Unmapped {
            count: 0,
            first_offset: ev.offset,
            first_ns: ev.time_ns,
        });
        u.count += 1;
    }

    /// Adds one event of generation `gen` (the reader's current one, for its strings and
    /// stacks).
    /// Once a published limit is exceeded ([`Replay::over_limit`]) the events are ignored:
    /// the caller should stop reading.
    pub fn add(&mut self, ev: &TraceEvent, gen: &Generation) {
        use EventKind::*;
        if self.over.is_some() {
            return;
        }
        self.first_ns.get_or_insert(ev.time_ns);
        let me = ev.g.filter(|g| self.gs.contains_key(g));
        if let Some(g) = me {
            if matches!(ev.kind, GoBlock | GoStop | GoSyscallBegin | GoCreate | GoUnblock | GoSwitch | ProcsChange) {
                if let Some(st) = self.gs.get_mut(&g) {
                    st.candidate = None;
                }
            }
        }
        self.apply(ev, gen, me);
        if matches!(ev.kind, GoStart | GoSwitch | GoStatus) {
            let g = ev.args[0];
            if let Some(st) = self.gs.get_mut(&g) {
                if st.active_at.is_none() {
                    st.active_at = Some(self.active.len());
                    self.active.push(g);
                }
            }
        }
        self.check_limits(ev, me);
    }

    /// The first published limit exceeded, if any: the replay cannot become a scenario.
    pub fn over_limit(&self) -> Option<&OverLimit> {
        self.over.as_ref()
    }

    /// Compares what the event may have grown with the published limits, in O(1): the
    /// goroutines created, the channels (one per waker/woken pair), the WaitGroups, and the
    /// ops of the bodies it touched (main's and the event's goroutine's, whose length without
    /// `go`s is a lower bound of the written body's). Distinct funcs are known only at the
    /// end (bodies are shared), so they, and the document's size, are left to the parse of
    /// the finished scenario.
    fn check_limits(&mut self, ev: &TraceEvent, me: Option<u64>) {
        let body = |gs: &LiteMap<u64, Goroutine>, g: u64| gs.get(&g).map_or(0, |st| st.ops.len() - st.soft);
        let over = |what: String, count: u64, limit: u64| {
            (count > limit).then(|| OverLimit {
                what,
                count,
                limit,
                offset: ev.offset,
                time_ns: ev.time_ns.saturating_sub(self.first_ns.unwrap_or(ev.time_ns)),
            })
        };
        let mut found = over("goroutines created".into(), self.order.len() as u64, limits::MAX_GOROUTINES)
            .or_else(|| over("channels (one per waker and woken goroutine pair)".into(), self.pairs.len() as u64, limits::MAX_DECLS as u64))
            .or_else(|| over("WaitGroups".into(), self.wg_counts.len() as u64, limits::MAX_DECLS as u64))
            .or_else(|| {
                // Main's body also holds an `add` per WaitGroup.
                over("ops in main's body".into(), (body(&self.gs, 1) + self.wg_counts.len()) as u64, limits::MAX_OPS_PER_BODY as u64)
            });
        for g in [me, ev.g, Some(ev.args[0])].into_iter().flatten() {
            if found.is_some() {
                break;
            }
            if g == 1 {
                continue;
            }
            found = over(format!("ops in one body (goroutine {g}'s)"), body(&self.gs, g) as u64, limits::MAX_OPS_PER_BODY as u64);
        }
        self.over = found;
    }

    /// A goroutine's exit: it releases the WaitGroup it is a candidate for, or waits in
    /// `exited` for the next WaitGroup release.
    fn exit(&mut self, g: u64) {
        let Some(st) = self.gs.get_mut(&g) else {
            self.exited.push(g);
            return;
        };
        let candidate = st.candidate.take();
        if let Some(i) = st.active_at.take() {
            self.active.swap_remove(i);
            if let Some(&moved) = self.active.get(i) {
                if let Some(m) = self.gs.get_mut(&moved) {
                    m.active_at = Some(i);
                }
            }
        }
        match candidate {
            Some(k) => {
                self.gs.get_mut(&g).unwrap().ops.push(ROp::Done(k));
                self.wg_counts[k as usize] += 1;
            }
            None => self.exited.push(g),
        }
    }

    /// Maps one event; `me` is the user goroutine running on its thread, if any.
    fn apply(&mut self, ev: &TraceEvent, gen: &Generation, me: Option<u64>) {
        use EventKind::*;
        let t = ev.time_ns;
        self.end_ns = self.end_ns.max(t);
        match ev.kind {
            ProcsChange => {
                let n = ev.args[0].min(u64::from(limits::MAX_GOMAXPROCS)).max(1) as u32;
                if self.gomaxprocs.is_none() {
                    self.gomaxprocs = Some(n);
                } else if n != self.procs_now {
                    if let Some(g) = me {
                        let st = self.gs.get_mut(&g).unwrap();
                        st.flush(t);
                        st.ops.push(ROp::Gomaxprocs(n));
                    } else {
                        self.note("GOMAXPROCS changed by no user goroutine".into(), ev);
                    }
                }
                self.procs_now = n;
            }
            GoStatus | GoStatusStack if ev.args[0] == 1 && !self.gs.contains_key(&1) => {
                let mut st = Goroutine::default();
                match GoState::from_wire(ev.args[2]) {
                    GoState::Running => st.run_since = Some(t),
                    GoState::Runnable => {}
                    _ => self.note("main (G1) was not running when the trace began".into(), ev),
                }
                self.gs.insert(1, st);
                self.order.push(1);
                self.start_ns = Some(t);
            }
            GoCreate => {
                let Some(g) = me else { return };
                let child = ev.args[0];
                let top = gen
                    .stack(ev.args[2])
                    .first()
                    .map_or("", |f| gen.string(f.func));
                if is_runtime_func(top) {
                    return;
                }
                let st = self.gs.get_mut(&g).unwrap();
                st.flush(t);
                st.ops.push(ROp::Go(child));
                st.soft += 1;
                self.gs.insert(child, Goroutine::default());
                self.order.push(child);
            }
            GoCreateSyscall | GoCreateBlocked if me.is_some() => {
                self.note(format!("{} (not replayed)", ev.kind.name()), ev);
            }
            GoStart => {
                if let Some(st) = self.gs.get_mut(&ev.args[0]) {
                    st.run_since = Some(t);
                }
            }
            GoStop => {
                let Some(g) = me else { return };
                let reason = gen.string(ev.args[0]);
                let st = self.gs.get_mut(&g).unwrap();
                st.flush(t);
                st.run_since = None;
                if reason == "runtime.Gosched" || reason == "yield" {
                    st.ops.push(ROp::Gosched);
                }
            }
            GoBlock => {
                let Some(g) = me else { return };
                let reason = gen.string(ev.args[0]).to_string();
                let top = gen.stack(ev.args[1]).first().map_or("", |f| gen.string(f.func));
                let wg = top.contains("WaitGroup") || reason.contains("WaitGroup");
                let st = self.gs.get_mut(&g).unwrap();
                st.flush(t);
                st.run_since = None;
                st.block = Some(Block {
                    reason,
                    since: t,
                    offset: ev.offset,
                    wg,
                    slot: st.ops.len(),
                });
                st.ops.push(ROp::Pending);
                st.soft += 1;
            }
            GoUnblock => {
                let to = ev.args[0];
                let Some(b) = self.gs.get_mut(&to).and_then(|st| st.block.take()) else {
                    return;
                };
                let d = t.saturating_sub(b.since);
                let op = match b.reason.as_str() {
                    "sleep" => ROp::Sleep(d),
                    "network" => ROp::Net(d),
                    reason => {
                        if !KNOWN_BLOCK_REASONS.contains(&reason) {
                            self.note(
                                format!(
                                    "block reason {reason:?} (replayed as a release by its waker)"
                                ),
                                ev,
                            );
                        }
                        match me {
                            Some(by) if by != to && b.wg => {
                                // A WaitGroup counts every Done, but only the last one
                                // wakes the waiter: the waiter waits for the waker's Done
                                // and for one from every user goroutine that exited since
                                // the last WaitGroup release (`defer wg.Done()`).
                                let k = self.wg_counts.len() as u32;
                                let w = self.gs.get_mut(&by).unwrap();
                                w.flush(t);
                                w.ops.push(ROp::Done(k));
                                let mut n = 1;
                                for g in std::mem::take(&mut self.exited) {
                                    if g != to && g != by {
                                        self.gs.get_mut(&g).unwrap().ops.push(ROp::Done(k));
                                        n += 1;
                                    }
                                }
                                self.wg_counts.push(n);
                                for &g in &self.active {
                                    let st = self.gs.get_mut(&g).unwrap();
                                    if g != to && g != by && st.block.is_none() && st.sys_since.is_none() {
                                        st.candidate = Some(k);
                                    }
                                }
                                ROp::Wait(k)
                            }
                            Some(by) if by != to => {
                                let w = self.gs.get_mut(&by).unwrap();
                                w.flush(t);
                                w.ops.push(ROp::Send { to });
                                *self.pairs.entry((by, to)).or_insert(0) += 1;
                                ROp::Recv { by }
                            }
                            _ => {
                                self.note(
                                    format!("{reason:?} ended by a goroutine that is not replayed (replayed as a sleep of the measured wait)"),
                                    ev,
                                );
                                ROp::Sleep(d)
                            }
                        }
                    }
                };
                let st = self.gs.get_mut(&to).unwrap();
                st.ops[b.slot] = op;
                st.soft -= 1;
            }
            GoSyscallBegin => {
                let Some(g) = me else { return };
                let st = self.gs.get_mut(&g).unwrap();
                st.flush(t);
                st.run_since = None;
                st.sys_since = Some(t);
            }
            GoSyscallEnd | GoSyscallEndBlocked | GoDestroySyscall => {
                let Some(g) = me else { return };
                let st = self.gs.get_mut(&g).unwrap();
                if let Some(s) = st.sys_since.take() {
                    st.ops.push(ROp::Syscall(t.saturating_sub(s).max(1)));
                }
                // After GoSyscallEnd the goroutine runs on; after EndBlocked it waits for a P.
                st.run_since = (ev.kind == GoSyscallEnd).then_some(t);
                if ev.kind == GoDestroySyscall {
                    self.exit(g);
                }
            }
            GoDestroy => {
                let Some(g) = me else { return };
                let st = self.gs.get_mut(&g).unwrap();
                st.flush(t);
                st.run_since = None;
                self.exit(g);
            }
            GoSwitch | GoSwitchDestroy => {
                if let Some(g) = me {
                    let st = self.gs.get_mut(&g).unwrap();
                    st.flush(t);
                    st.run_since = None;
                    self.note(
                        format!("{} (coroutine switch, not replayed)", ev.kind.name()),
                        ev,
                    );
                    if ev.kind == GoSwitchDestroy {
                        self.exit(g);
                    }
                }
                if let Some(st) = self.gs.get_mut(&ev.args[0]) {
                    st.run_since = Some(t);
                }
            }
            _ => {}
        }
    }

    /// What could not be mapped (or only approximately), by description.
    pub fn unmapped(&self) -> &LiteMap<String, Unmapped> {
        &self.unmapped
    }

    /// User goroutines found, main included.
    pub fn goroutines(&self) -> usize {
        self.order.len()
    }

    /// True if `g` (a trace goroutine id) is replayed.
    pub fn is_user(&self, g: u64) -> bool {
        self.gs.contains_key(&g)
    }

    /// From G1's first event to the trace's last, ns: the real run's length as replayed.
    pub fn duration_ns(&self) -> u64 {
        self.end_ns
            .saturating_sub(self.start_ns.unwrap_or(self.end_ns))
    }

    /// The scenario, once every event was added: `name`, the Go release `go` (minor
    /// version; `None` for the default). Goroutines still running at the end of the trace
    /// work until it; those still blocked stop there (counted); funcs with the same body are
    /// shared. The result may exceed the scenario's limits (too many funcs, ops, channels):
    /// parse its JSON to find out.
    pub fn scenario(&mut self, name: &str, go: Option<u32>) -> Scenario {
        let end = self.end_ns;
        let mut at_end = Vec::new();
        for id in &self.order {
            let st = self.gs.get_mut(id).unwrap();
            if st.run_since.is_some() {
                st.flush(end);
            }
            if let Some(b) = st.block.take() {
                st.ops.remove(b.slot);
                at_end.push((b.reason, b.offset, b.since));
            }
            if let Some(s) = st.sys_since.take() {
                st.ops.push(ROp::Syscall(end.saturating_sub(s).max(1)));
            }
        }
        for (r, offset, since) in at_end {
            let u = self
                .unmapped
                .entry(format!("blocked ({r}) when the trace ended (the replay stops there)")).or_insert_with(|| Unmapped {
                    count: 0,
                    first_offset: offset,
                    first_ns: since,
                });
            if offset < u.first_offset {
                (u.first_offset, u.first_ns) = (offset, since);
            }
            u.count += 1;
        }
        let mut s = Scenario::empty();
        s.name = name.chars().take(limits::MAX_NAME_CHARS).collect();
        s.description = format!(
            "Replay of {} user goroutines of a Go execution trace ({} long), with their measured durations.",
            self.order.len(),
            crate::core::event::trace_time(self.duration_ns())
        );
        s.gomaxprocs = self.gomaxprocs.unwrap_or(1);
        s.go = go.unwrap_or(DEFAULT_GO_MINOR);
        // Channels: one per (waker, woken) pair.
        let mut chan_of = LiteMap::new_vec();
        for (&(by, to), &n) in &self.pairs {
            chan_of.insert((by, to), s.chans.len() as u32);
            s.chans.push(ChanDecl::new(format!("g{by}>g{to}"), n));
        }
        // Funcs, children first (a child is created after its parent), then reversed.
        let mut bodies: Vec<(String, Vec<Op>)> = Vec::new();
        // Bodies already written, by their text (`Op` has no order), to share funcs.
        let mut seen: BTreeMap<String, u32> = BTreeMap::new();
        let mut main = Vec::new();
        for &id in self.order.iter().rev() {
            let mut ops: Vec<Op> = Vec::new();
            for op in &self.gs[&id].ops {
                let o = match *op {
                    ROp::Work(d) => Op::Work(d.min(limits::MAX_DURATION_NS)),
                    ROp::Syscall(d) => Op::Syscall(d.min(limits::MAX_DURATION_NS)),
                    ROp::Sleep(d) => Op::Sleep(d.min(limits::MAX_DURATION_NS)),
                    ROp::Net(d) => Op::Net(d.min(limits::MAX_DURATION_NS)),
                    ROp::Go(c) => {
                        let f = self.gs[&c].func.expect("a child's body is written before its parent's");
                        if let Some(Op::Go { func, n }) = ops.last_mut() {
                            if *func == f {
                                *n += 1;
                                continue;
                            }
                        }
                        Op::Go { func: f, n: 1 }
                    }
                    ROp::Gosched => Op::Gosched,
                    ROp::Gomaxprocs(n) => Op::Gomaxprocs(n),
                    ROp::Recv { by } => Op::Recv(chan_of[&(by, id)]),
                    ROp::Send { to } => Op::Send(chan_of[&(id, to)]),
                    ROp::Wait(k) => Op::Wait(k),
                    ROp::Done(k) => Op::Done(k),
                    ROp::Pending => continue,
                };
                ops.push(o);
            }
            if id == 1 {
                main = ops;
            } else if let Some(&i) = seen.get(&Scenario::ops_text(&ops)) {
                self.gs.get_mut(&id).unwrap().func = Some(i);
            } else {
                seen.insert(Scenario::ops_text(&ops), bodies.len() as u32);
                self.gs.get_mut(&id).unwrap().func = Some(bodies.len() as u32);
                bodies.push((format!("g{id}"), ops));
            }
        }
        // Reverse the funcs into creation order, renumbering `go`s.
        let n = bodies.len() as u32;
        fn renumber(ops: &mut [Op], n: u32) {
            for op in ops {
                if let Op::Go { func, .. } = op {
                    *func = n - 1 - *func;
                }
            }
        }
        renumber(&mut main, n);
        for (name, mut body) in bodies.into_iter().rev() {
            renumber(&mut body, n);
            s.funcs.push(FuncDecl { name, body });
        }
        // Main adds every WaitGroup's count before anything else, so no Done comes first.
        s.wgs = (0..self.wg_counts.len()).map(|k| format!("wg{k}")).collect();
        let adds = self.wg_counts.iter().enumerate().map(|(k, &n)| Op::Add { wg: k as u32, n: i64::from(n) });
        s.main = adds.chain(main).collect();
        s
    }
}

/// Reads a whole trace held in memory and builds its replay.
/// Stops at the first published limit exceeded: see [`Replay::over_limit`].
pub fn replay(bytes: &[u8]) -> Result<Replay, super::TraceError> {
    let mut r = super::TraceReader::new();
    r.feed(bytes);
    r.finish();
    let mut rp = Replay::new();
    loop {
        match r.next()? {
            super::Pull::Event(ev) => {
                let ev = *ev;
                rp.add(
                    &ev,
                    r.generation().expect("an event comes from a generation"),
                );
                if rp.over_limit().is_some() {
                    return Ok(rp);
                }
            }
            super::Pull::End => return Ok(rp),
            super::Pull::NeedInput => unreachable!("finish() was called"),
        }
    }
}
