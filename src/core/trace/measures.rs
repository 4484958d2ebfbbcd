//! `Measures`: scheduling measures of one run that do not depend on timing luck — which Ps
//! ran the user goroutines, the work steals and how many goroutines each took, syscall
//! hand-offs, the threads that ran user code and the preemption slices — computed the same
//! way from a Go execution trace ([`from_trace`]) and from a simulator run ([`from_sim`]),
//! so that the multi-core differential tests (`tests/multicore.rs`) compare like with like.
//!
//! Both sources are first turned into [`SchedEvent`]s (goroutine created, started, stopped,
//! blocked, woken, ended, syscalls), and [`Measures::of`] reads those. Pure: no I/O.
//!
//! **Steals, reconstructed.** Neither source's events need to say "steal": each P's local run
//! queue is followed from the events, as the runtime fills it — a created or woken goroutine
//! goes into the P's runnext slot and the previous one to the queue's tail (`newproc`,
//! `ready`); a goroutine that yields or is preempted goes to the global queue; a goroutine
//! that starts on its own P leaves that P's queue. A goroutine that starts on a P while it sits
//! in ANOTHER P's queue was stolen (`runqsteal`): `runqgrab` takes a batch from the head of
//! the victim's queue and the thief runs the last goroutine of the batch first, so the
//! batch is every goroutine from the head up to the one that started — `k`, its position —
//! out of `r`, the victim's queue length then. Half is `k == r - r/2`; one at a time is
//! `k == 1`. The rest of the batch moves to the thief's queue. A goroutine found in another
//! P's runnext slot was stolen from runnext (`k = 1`, `r = 0`). A start of a goroutine found
//! in no local queue (the global queue, netpoll, the trace reader's own goroutines) is not a
//! steal; nor is a later steal of a goroutine that reached a local queue from the global
//! queue (a `globrunqget` batch is in no event). Where the events of two threads race (a victim's `runqget` and a thief's grab
//! within the same microsecond), the reconstruction can be off by one: the tests allow a
//! stated share of steals to disagree.

use std::collections::{BTreeMap, BTreeSet};

use super::event::TraceEvent;
use super::kind::EventKind;
use crate::core::event::{Event, StopReason, What};

/// What happened to a goroutine, in both sources' terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SchedKind {
    /// `go`: created by the thread's running goroutine (`newproc`: into the P's runnext).
    Create,
    /// Started running on the event's P and M.
    Start,
    /// Stopped by a preemption (sysmon's time slice).
    Preempted,
    /// Stopped by `runtime.Gosched`.
    Yield,
    /// Blocked (channel, sleep, WaitGroup, network, ...).
    Block,
    /// Made runnable by the thread's goroutine (`ready`: into the P's runnext).
    Unblock,
    /// Ended.
    Destroy,
    /// Entered a system call.
    SyscallBegin,
    /// Came back from a system call with its P.
    SyscallEnd,
    /// Came back from a system call whose P had been handed off (`GoSyscallEndBlocked`).
    SyscallEndBlocked,
}

/// One scheduling event: `g` is the goroutine it is about (the created, started or woken one,
/// else the running one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SchedEvent {
    pub kind: SchedKind,
    /// Nanoseconds.
    pub t: u64,
    pub g: u64,
    pub p: Option<u64>,
    pub m: Option<u64>,
    /// A user goroutine (main, and what the program's own code created).
    pub user: bool,
}

/// One reconstructed work steal: `k` goroutines taken out of the victim's `r` queued ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Steal {
    pub thief: u64,
    pub victim: u64,
    pub k: u32,
    pub r: u32,
    /// Taken from the victim's runnext slot (its queue was empty).
    pub runnext: bool,
    pub t: u64,
}

impl Steal {
    /// Half of the victim's queue, rounded up: what `runqgrab` takes (`n - n/2`).
    pub fn half(&self) -> u32 {
        self.r - self.r / 2
    }

    /// The batch is half of the queue, rounded up.
    pub fn is_half(&self) -> bool {
        !self.runnext && self.k == self.half()
    }
}

/// The measures of one run (user goroutines only, main excluded where it says so).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Measures {
    /// How many distinct user goroutines other than main ran on each P (at any start).
    pub ran_per_p: BTreeMap<u64, u32>,
    /// Reconstructed steals of user goroutines from another P's queue.
    pub steals: Vec<Steal>,
    /// User goroutines' system calls, and how many of them came back without their P.
    pub syscalls: u32,
    pub handoffs: u32,
    /// Distinct threads that ran a user goroutine.
    pub threads: u32,
    /// Running stretches of user goroutines ended by a preemption, ns (start to stop).
    pub preempt_slices: Vec<u64>,
    /// `Gosched` calls of user goroutines, and how many of them resumed on another P.
    pub yields: u32,
    pub yields_moved: u32,
}

impl Measures {
    /// Ps that ran at least one user goroutine other than main.
    pub fn ps_used(&self) -> u32 {
        self.ran_per_p.len() as u32
    }

    /// Steals from a queue of at least two (where half and one differ).
    pub fn queue_steals(&self) -> impl Iterator<Item = &Steal> {
        self.steals.iter().filter(|s| !s.runnext && s.r >= 2)
    }

    /// The median preemption slice, ns.
    pub fn median_slice(&self) -> Option<u64> {
        self.slice_quantile(0.5)
    }

    /// A quantile of the preemption slices (0.0 the shortest, 1.0 the longest), ns.
    pub fn slice_quantile(&self, q: f64) -> Option<u64> {
        let mut v = self.preempt_slices.clone();
        v.sort_unstable();
        let i = ((v.len().saturating_sub(1)) as f64 * q.clamp(0.0, 1.0)).round() as usize;
        v.get(i).copied()
    }

    /// The measures of a run's scheduling events, in time order.
    pub fn of(events: &[SchedEvent]) -> Measures {
        let mut m = Measures::default();
        // Per P: runnext and the local queue, as goroutine ids.
        let mut runnext: BTreeMap<u64, u64> = BTreeMap::new();
        let mut queue: BTreeMap<u64, Vec<u64>> = BTreeMap::new();
        let mut ran: BTreeSet<(u64, u64)> = BTreeSet::new();
        let mut running_since: BTreeMap<u64, u64> = BTreeMap::new();
        let mut yielded_on: BTreeMap<u64, u64> = BTreeMap::new();
        let mut threads: BTreeSet<u64> = BTreeSet::new();
        let put_next = |runnext: &mut BTreeMap<u64, u64>, queue: &mut BTreeMap<u64, Vec<u64>>, p: u64, g: u64| {
            if let Some(old) = runnext.insert(p, g) {
                queue.entry(p).or_default().push(old);
            }
        };
        for e in events {
            match e.kind {
                SchedKind::Create | SchedKind::Unblock => {
                    if let Some(p) = e.p {
                        // A goroutine readied twice (a stale reconstruction) is moved, not copied.
                        remove_everywhere(&mut runnext, &mut queue, e.g);
                        put_next(&mut runnext, &mut queue, p, e.g);
                    }
                }
                SchedKind::Start => {
                    let Some(p) = e.p else { continue };
                    if runnext.get(&p) == Some(&e.g) {
                        runnext.remove(&p);
                    } else if let Some(i) = queue.get(&p).and_then(|q| q.iter().position(|&x| x == e.g)) {
                        queue.get_mut(&p).unwrap().remove(i);
                    } else if let Some((&victim, _)) = runnext.iter().find(|&(&v, &x)| v != p && x == e.g) {
                        runnext.remove(&victim);
                        if e.user {
                            m.steals.push(Steal { thief: p, victim, k: 1, r: 0, runnext: true, t: e.t });
                        }
                    } else if let Some((victim, i)) = queue.iter().find_map(|(&v, q)| (v != p).then(|| q.iter().position(|&x| x == e.g).map(|i| (v, i))).flatten()) {
                        let q = queue.get_mut(&victim).unwrap();
                        let r = q.len() as u32;
                        let batch: Vec<u64> = q.drain(..=i).collect();
                        if e.user {
                            m.steals.push(Steal { thief: p, victim, k: i as u32 + 1, r, runnext: false, t: e.t });
                        }
                        queue.entry(p).or_default().extend(&batch[..batch.len() - 1]);
                    }
                    if e.user {
                        if let Some(mm) = e.m {
                            threads.insert(mm);
                        }
                        if e.g != 1 && ran.insert((p, e.g)) {
                            *m.ran_per_p.entry(p).or_default() += 1;
                        }
                        if let Some(from) = yielded_on.remove(&e.g) {
                            if from != p {
                                m.yields_moved += 1;
                            }
                        }
                        running_since.insert(e.g, e.t);
                    }
                }
                SchedKind::Preempted | SchedKind::Yield => {
                    if e.user {
                        if let Some(since) = running_since.remove(&e.g) {
                            if e.kind == SchedKind::Preempted {
                                m.preempt_slices.push(e.t.saturating_sub(since));
                            }
                        }
                        if e.kind == SchedKind::Yield {
                            m.yields += 1;
                            if let Some(p) = e.p {
                                yielded_on.insert(e.g, p);
                            }
                        }
                    }
                }
                SchedKind::Block | SchedKind::Destroy | SchedKind::SyscallEnd => {
                    if e.kind != SchedKind::SyscallEnd {
                        running_since.remove(&e.g);
                    }
                }
                SchedKind::SyscallBegin => {
                    if e.user {
                        m.syscalls += 1;
                    }
                }
                SchedKind::SyscallEndBlocked => {
                    if e.user {
                        m.handoffs += 1;
                    }
                }
            }
        }
        m.threads = threads.len() as u32;
        m
    }
}

fn remove_everywhere(runnext: &mut BTreeMap<u64, u64>, queue: &mut BTreeMap<u64, Vec<u64>>, g: u64) {
    runnext.retain(|_, x| *x != g);
    for q in queue.values_mut() {
        q.retain(|&x| x != g);
    }
}

/// A simulator run's events as scheduling events (every goroutine is a user goroutine).
pub fn from_sim(events: &[Event]) -> Vec<SchedEvent> {
    let mut out = Vec::new();
    for e in events {
        let kind = match &e.what {
            What::GoCreate { .. } => SchedKind::Create,
            What::GoStart { .. } => SchedKind::Start,
            What::GoStop { reason: StopReason::Gosched, .. } => SchedKind::Yield,
            What::GoStop { .. } => SchedKind::Preempted,
            What::GoBlock { .. } => SchedKind::Block,
            What::GoUnblock { .. } => SchedKind::Unblock,
            What::GoDestroy => SchedKind::Destroy,
            What::GoSyscallBegin { .. } => SchedKind::SyscallBegin,
            What::GoSyscallEnd => SchedKind::SyscallEnd,
            What::GoSyscallEndBlocked { .. } => SchedKind::SyscallEndBlocked,
            _ => continue,
        };
        let Some(g) = e.g else { continue };
        out.push(SchedEvent {
            kind,
            t: e.t,
            g: u64::from(g.0),
            p: e.p.map(|p| u64::from(p.0)),
            m: e.m.map(|m| u64::from(m.0)),
            user: true,
        });
    }
    out
}

/// True if a goroutine created at a stack whose innermost function is this one is user code
/// (the program's, not the runtime's or `runtime/trace`'s).
fn is_user_func(name: &str) -> bool {
    !(name.starts_with("runtime.") || name.starts_with("runtime/") || name.starts_with("internal/"))
}

/// A Go execution trace's events as scheduling events. User goroutines: G1 (main) and every
/// goroutine created from a function outside the runtime.
pub fn from_trace(bytes: &[u8]) -> Result<Vec<SchedEvent>, super::TraceError> {
    let mut r = super::TraceReader::new();
    r.feed(bytes);
    r.finish();
    let mut user: BTreeSet<u64> = BTreeSet::from([1]);
    let mut out = Vec::new();
    loop {
        let ev: TraceEvent = match r.next()? {
            super::Pull::Event(ev) => *ev,
            super::Pull::End => return Ok(out),
            super::Pull::NeedInput => unreachable!("finish() was called"),
        };
        use EventKind::*;
        let gen = r.generation().expect("an event comes from a generation");
        let kind = match ev.kind {
            GoCreate | GoCreateBlocked => {
                let top = ev.stack().and_then(|s| gen.stack(s).first().copied());
                if top.is_some_and(|f| is_user_func(gen.string(f.func))) {
                    user.insert(ev.args[0]);
                }
                if ev.kind == GoCreateBlocked {
                    continue;
                }
                SchedKind::Create
            }
            GoStart => SchedKind::Start,
            GoStop => {
                let reason = gen.string(ev.args[0]);
                if reason == "preempted" {
                    SchedKind::Preempted
                } else if reason == "runtime.Gosched" || reason == "yield" {
                    SchedKind::Yield
                } else {
                    continue;
                }
            }
            GoBlock => SchedKind::Block,
            GoUnblock => SchedKind::Unblock,
            GoDestroy | GoDestroySyscall => SchedKind::Destroy,
            GoSyscallBegin => SchedKind::SyscallBegin,
            GoSyscallEnd => SchedKind::SyscallEnd,
            GoSyscallEndBlocked => SchedKind::SyscallEndBlocked,
            _ => continue,
        };
        let Some(g) = ev.subject_g() else { continue };
        out.push(SchedEvent { kind, t: ev.time_ns, g, p: ev.p, m: ev.thread(), user: user.contains(&g) });
    }
}
