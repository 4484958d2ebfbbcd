//! Threads mode: the same scheduler core runs on the page's main thread in real time
//! ([`Sim::set_real_time`]), and every M the core creates is a real dedicated Web Worker
//! (the page's own wasm in a worker, [`ThreadHandle`]). The core's commands (`work`, `syscall`) are sent to the M's worker; its
//! answers are reported back with `work_done` / `syscall_done`. Sysmon, timers and the poller
//! stay in the core, on real time. A worker that does not answer in time is reported lost.
//!
//! [`Run`] is the driver of one such run; `components::threads_view` shows it. Like step
//! mode's driver it records every step ([`Record`]) for the plots and keeps the latest events
//! in words for the log and the explanation, but it keeps no checkpoints: real time cannot be
//! replayed, so there is no stepping back.

use super::driver::{log_row, ops_of, GDetail, LogFilter, LogRow, Moves};
use crate::core::event::Event;
use super::record::Record;
use super::threads_panel::{Observed, Spread};
use super::view::Plots;
use crate::core::ids::GId;
use super::thread_worker::{FromWorker, ThreadHandle, ToWorker};
use super::wall::now_ms;
use crate::core::event::What;
use crate::core::ids::MId;
use crate::core::scenario::Scenario;
use crate::core::sim::{Command, GStatus, MStatus, Sim, Tracks};
use gloo_timers::callback::Timeout;
use std::cell::RefCell;
use super::quantile::quantile;
use litemap::LiteMap;
use std::collections::VecDeque;
use std::rc::{Rc, Weak};

/// CPU work is handed to workers in slices of at most this (1 ms).
pub const SLICE_NS: u64 = 1_000_000;
/// How far the core's virtual clock may run ahead of the wall clock.
pub const LOOKAHEAD_NS: u64 = 250_000;
/// A worker that has not answered this long after its job was due is lost.
pub const GRACE_MS: f64 = 1_500.0;
/// A worker with nothing to do is asked to answer this often, so one that died while idle is
/// noticed too.
pub const PING_EVERY_MS: f64 = 1_000.0;
/// Events kept in words for the log (the oldest are dropped).
pub const LOG_CAP: usize = 4_000;

#[derive(Clone, Copy, PartialEq, Eq)]
enum JobKind {
    Work,
    Syscall,
    Ping,
}

struct Job {
    id: u32,
    kind: JobKind,
    ns: u64,
    sent: f64,
    /// The run was paused while the job was out (its round trip is not a fair sample).
    paused: bool,
}

struct Slot {
    /// The M's worker; `None` if the browser would not start one (its first command then
    /// goes unanswered and the watchdog reports the thread lost).
    handle: Option<ThreadHandle>,
    parked: bool,
    job: Option<Job>,
    /// When it last answered (or was created).
    last_heard: f64,
    /// Jobs answered (the first one's round trip includes loading the worker).
    answered: u32,
    /// When its last work slice's answer arrived, if its next command is still to come.
    answered_at: Option<f64>,
    /// When it was created.
    born: f64,
}

impl Slot {
    fn send(&self, m: &ToWorker) {
        if let Some(h) = &self.handle {
            h.send(m);
        }
    }
}

type Inbox = Rc<RefCell<VecDeque<(u32, FromWorker, f64)>>>;

/// One threads-mode run.
pub struct Run {
    pub sim: Sim,
    scenario: Scenario,
    t0: f64,
    workers: LiteMap<u32, Slot>,
    inbox: Inbox,
    me: Weak<RefCell<Run>>,
    next_id: u32,
    pub created: u32,
    pub peak: u32,
    /// Reports of lost workers.
    pub lost: Vec<String>,
    /// Round trip of one command beyond the worker's own time, µs.
    pub rtt_us: Vec<f64>,
    /// A work slice's answer → the same worker's next command, when it comes at once (the core
    /// deciding what the M does next), µs.
    pub turn_us: Vec<f64>,
    /// Worker start-up: created → its first answer, less the work it was given, ms. (A Go
    /// thread starts in tens of µs; a Web Worker loads its script and wasm first, and the
    /// goroutine handed to it waits meanwhile.)
    pub boot_ms: Vec<f64>,
    /// Syscall start → its P running on another worker, ms.
    pub handoff_ms: Vec<f64>,
    /// P → (syscall start ms, M in the syscall).
    pending_handoff: LiteMap<u32, (f64, u32)>,
    /// CPU work carried out by workers, ns.
    pub work_ns: u64,
    /// Time workers spent on their jobs by their own clocks, ns (above `work_ns` when a worker
    /// was descheduled mid-slice, or for syscalls).
    pub spent_ns: u64,
    /// (wall ms since start, live workers).
    pub threads_series: Vec<(f64, u32)>,
    pub finished_ms: Option<f64>,
    stopped: bool,
    booted: bool,
    /// Every step, for the plots.
    pub record: Record,
    /// The latest events in words, oldest first (at most [`LOG_CAP`]).
    /// The latest events with their numbers in the run, oldest first (at most [`LOG_CAP`]);
    /// put in words only when shown ([`Run::row`]), so the core's thread stays free.
    pub log: VecDeque<(usize, Event)>,
    pub events_seen: usize,
    /// The events of the latest step that had any, in words.
    pub last_events: Rc<Vec<(usize, Event)>>,
    /// Paused since this wall time.
    paused_at: Option<f64>,
    /// Scratch space for [`Run::m_p`].
    tracks: Tracks,
    /// How the latest syscall blocked: `Some(true)` asleep in `Atomics.wait`, `Some(false)`
    /// spinning (the page is not cross-origin isolated).
    pub syscalls_sleep: Option<bool>,
    /// The loop's next turn (see [`next_turn`]); dropped with the run, which cancels it.
    tick: Option<Timeout>,
}

impl Run {
    /// Starts a run of `scenario` (its loop keeps going on timers until it ends or is stopped).
    pub fn start(scenario: &Scenario) -> Rc<RefCell<Run>> {
        let mut sim = Sim::new(scenario);
        sim.set_real_time(SLICE_NS);
        let rc = Rc::new_cyclic(|me| {
            RefCell::new(Run {
                sim,
                scenario: scenario.clone(),
                t0: now_ms(),
                workers: LiteMap::new(),
                inbox: Rc::new(RefCell::new(VecDeque::new())),
                me: me.clone(),
                next_id: 0,
                created: 0,
                peak: 0,
                lost: Vec::new(),
                rtt_us: Vec::new(),
                turn_us: Vec::new(),
                boot_ms: Vec::new(),
                handoff_ms: Vec::new(),
                pending_handoff: LiteMap::new(),
                work_ns: 0,
                spent_ns: 0,
                threads_series: vec![(0.0, 0)],
                finished_ms: None,
                stopped: false,
                booted: false,
                record: Record::default(),
                log: VecDeque::new(),
                events_seen: 0,
                last_events: Rc::new(Vec::new()),
                paused_at: None,
                tracks: Tracks::default(),
                syscalls_sleep: None,
                tick: None,
            })
        });
        rc.borrow_mut().tick = Some(next_turn(Rc::downgrade(&rc), 0));
        rc
    }

    /// The scenario this run runs.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// Wall-clock time of the run so far (pauses left out), ms.
    pub fn elapsed_ms(&self) -> f64 {
        self.finished_ms.unwrap_or_else(|| self.paused_at.unwrap_or_else(now_ms) - self.t0)
    }

    fn now_ns(&self) -> u64 {
        ((now_ms() - self.t0).max(0.0) * 1e6) as u64
    }

    pub fn live(&self) -> u32 {
        self.workers.len() as u32
    }

    pub fn idle(&self) -> u32 {
        self.workers.values().filter(|s| s.parked).count() as u32
    }

    /// How this run's blocked workers block: `"wait"` (asleep in `Atomics.wait`, no CPU) or
    /// `"spin"` (the page is not cross-origin isolated). Reported by the workers once one has
    /// blocked in a syscall; until then, what the page's isolation allows.
    pub fn blocking(&self) -> &'static str {
        if self.syscalls_sleep.unwrap_or_else(super::thread_worker::can_wait) {
            "wait"
        } else {
            "spin"
        }
    }

    pub fn paused(&self) -> bool {
        self.paused_at.is_some()
    }

    pub fn finished(&self) -> bool {
        self.sim.finished()
    }

    /// Stops the run: every worker is dropped (and so ends).
    pub fn stop(&mut self) {
        self.stopped = true;
        for (_, s) in std::mem::take(&mut self.workers) {
            s.send(&ToWorker::Die);
        }
    }

    /// Pauses the run: the core takes no decision and its clock stands still. Workers finish
    /// what they were given (a syscall really goes on); their answers wait for `resume`.
    pub fn pause(&mut self) {
        if self.paused_at.is_none() && !self.stopped {
            self.paused_at = Some(now_ms());
        }
    }

    /// Resumes a paused run: the pause is cut out of its clock.
    pub fn resume(&mut self) {
        let Some(at) = self.paused_at.take() else {
            return;
        };
        let now = now_ms();
        let d = now - at;
        self.t0 += d;
        for s in self.workers.iter_mut().map(|(_, s)| s) {
            s.last_heard += d;
            if let Some(j) = &mut s.job {
                j.sent += d;
                j.paused = true;
            }
        }
        for (_, _, t) in self.inbox.borrow_mut().iter_mut() {
            *t = now;
        }
        for (t, _) in self.pending_handoff.iter_mut().map(|(_, v)| v) {
            *t += d;
        }
        self.tick = Some(next_turn(self.me.clone(), 0));
    }

    /// Makes a worker crash (it stops answering for good): by choice `m`, else one busy with
    /// CPU work for a goroutine other than main, else any. Returns its M.
    pub fn kill(&mut self, m: Option<u32>) -> Option<u32> {
        let main_m = self.sim.goroutine(crate::core::ids::GId(1)).and_then(|g| g.m).map(|m| m.0); // main is G1, as in Go
        let busy = |s: &Slot| s.job.as_ref().is_some_and(|j| j.kind == JobKind::Work);
        let m = m
            .or_else(|| self.workers.iter().find(|(&m, s)| busy(s) && Some(m) != main_m).map(|(&m, _)| m))
            .or_else(|| self.workers.iter().find(|(&m, _)| Some(m) != main_m).map(|(&m, _)| m))
            .or_else(|| self.workers.keys().next().copied())?;
        self.workers.get(&m)?.send(&ToWorker::Die);
        Some(m)
    }

    fn spawn(&mut self, m: u32) {
        if self.workers.contains_key(&m) {
            return;
        }
        let inbox = self.inbox.clone();
        let me = self.me.clone();
        let handle = ThreadHandle::spawn(move |out: FromWorker| {
            inbox.borrow_mut().push_back((m, out, now_ms()));
            if let Some(rc) = me.upgrade() {
                if let Ok(mut r) = rc.try_borrow_mut() {
                    r.pump();
                }
            }
        });
        let handle = match handle {
            Ok(h) => Some(h),
            Err(e) => {
                self.lost.push(format!("M{m}'s worker could not start: {e}"));
                None
            }
        };
        self.workers.insert(m, Slot { handle, parked: false, job: None, last_heard: now_ms(), answered: 0, answered_at: None, born: now_ms() });
        self.created += 1;
        self.note_threads();
    }

    fn note_threads(&mut self) {
        let live = self.live();
        self.peak = self.peak.max(live);
        let t = now_ms() - self.t0;
        self.threads_series.push((t, live));
    }

    /// After a step: follow the Ms' lives and send the threads their commands first (a worker
    /// waits for them), then record the step and keep its events.
    fn after_step(&mut self) {
        self.threads();
        self.commands();
        self.record.push(&self.sim);
        let evs: Vec<(usize, Event)> = self.sim.events().iter().enumerate().map(|(i, e)| (self.events_seen + i, e.clone())).collect();
        self.events_seen += evs.len();
        if !evs.is_empty() {
            self.log.extend(evs.iter().cloned());
            while self.log.len() > LOG_CAP {
                self.log.pop_front();
            }
            self.last_events = Rc::new(evs);
        }
    }

    /// Event number `idx` in words, for the log and the explanation.
    pub fn row(&self, idx: usize, e: &Event) -> LogRow {
        log_row(idx, e, self.sim.program())
    }

    fn threads(&mut self) {
        let evs: Vec<(Option<MId>, What)> = self.sim.events().iter().map(|e| (e.m, e.what.clone())).collect();
        for (m, what) in evs {
            let Some(MId(m)) = m else { continue };
            match what {
                What::ThreadCreate { sysmon: false, .. } => self.spawn(m),
                What::ThreadPark => {
                    if let Some(s) = self.workers.get_mut(&m) {
                        s.parked = true;
                    }
                }
                What::ThreadWake { .. } => {
                    if let Some(s) = self.workers.get_mut(&m) {
                        s.parked = false;
                    }
                }
                What::ThreadExit => {
                    if let Some(s) = self.workers.remove(&m) {
                        s.send(&ToWorker::Die);
                        self.note_threads();
                    }
                }
                _ => {}
            }
        }
    }

    /// The P that M `m` holds (read from the core's cheap per-P view).
    fn m_p(&mut self, m: u32) -> Option<u32> {
        self.sim.tracks(&mut self.tracks);
        self.tracks.ps.iter().position(|p| p.m == Some(MId(m))).map(|p| p as u32)
    }

    fn send(&mut self, m: u32, kind: JobKind, ns: u64) {
        let id = self.next_id;
        self.next_id += 1;
        let Some(s) = self.workers.get_mut(&m) else {
            return;
        };
        if let Some(at) = s.answered_at.take() {
            if kind != JobKind::Ping {
                self.turn_us.push((now_ms() - at) * 1e3);
            }
        }
        s.job = Some(Job { id, kind, ns, sent: now_ms(), paused: false });
        s.send(&match kind {
            JobKind::Work => ToWorker::Work { id, ns },
            JobKind::Syscall => ToWorker::Syscall { id, ns },
            JobKind::Ping => ToWorker::Ping { id },
        });
    }

    fn commands(&mut self) {
        for c in self.sim.take_commands() {
            let (m, ns, syscall) = match c {
                Command::Work { m, ns, .. } => (m.0, ns, false),
                Command::Syscall { m, ns, .. } => (m.0, ns, true),
            };
            let now = now_ms();
            // A hand-off: the P of an M that entered a syscall gets its next command, work or
            // another syscall, on another M. (Counting only work missed the hand-offs whose
            // new M went straight into a syscall of its own.)
            if let Some(p) = self.m_p(m) {
                if let Some((t, m0)) = self.pending_handoff.remove(&p) {
                    if m0 != m {
                        self.handoff_ms.push(now - t);
                    }
                }
                if syscall {
                    self.pending_handoff.insert(p, (now, m));
                }
            }
            if let Some(s) = self.workers.get_mut(&m) {
                s.parked = false;
            }
            // No worker for this M means it was lost; the watchdog already told the core.
            self.send(m, if syscall { JobKind::Syscall } else { JobKind::Work }, ns);
        }
    }

    /// Takes the workers' answers, runs every step due by now and sends out the commands.
    pub fn pump(&mut self) {
        if self.stopped || self.paused_at.is_some() {
            return;
        }
        loop {
            let Some((m, out, at)) = self.inbox.borrow_mut().pop_front() else {
                break;
            };
            let Some(slot) = self.workers.get_mut(&m) else {
                continue;
            };
            slot.last_heard = at;
            if slot.job.as_ref().is_none_or(|j| j.id != out.id) {
                continue;
            }
            let job = slot.job.take().expect("a job");
            self.spent_ns += out.spent_ns;
            slot.answered += 1;
            if slot.answered == 1 && !job.paused {
                self.boot_ms.push((at - slot.born - out.spent_ns as f64 / 1e6).max(0.0));
            }
            slot.answered_at = (job.kind == JobKind::Work && !job.paused).then_some(at);
            if slot.answered > 1 && !job.paused && job.kind != JobKind::Ping {
                self.rtt_us.push(((at - job.sent) * 1e3 - out.spent_ns as f64 / 1e3).max(0.0));
            }
            let t = ((at - self.t0).max(0.0) * 1e6) as u64;
            // The M is woken; what it does next comes from the steps below.
            match job.kind {
                JobKind::Syscall => {
                    self.syscalls_sleep = Some(out.slept);
                    self.sim.syscall_done(MId(m), t);
                }
                JobKind::Work => {
                    self.work_ns += job.ns;
                    self.sim.work_done(MId(m), t);
                }
                JobKind::Ping => {}
            }
        }
        self.watchdog();
        let mut n = 0;
        // The core's own costs (a few µs of virtual time per decision) may run up to
        // LOOKAHEAD_NS ahead of the wall clock, so a decision never waits for the next timer.
        while !self.sim.finished() && n < 20_000 && self.sim.step_until(self.now_ns() + LOOKAHEAD_NS) {
            n += 1;
            if !self.booted {
                // The M the core starts with (m0, which runs main) is a thread too.
                self.booted = true;
                let initial: Vec<u32> = self.sim.snapshot(false).ms.iter().filter(|m| !matches!(m.status, MStatus::Sysmon | MStatus::Dead)).map(|m| m.id.0).collect();
                for m in initial {
                    self.spawn(m);
                }
            }
            self.after_step();
        }
        if self.sim.finished() && self.finished_ms.is_none() {
            self.finished_ms = Some(now_ms() - self.t0);
            self.stop();
            self.note_threads();
        }
    }

    fn watchdog(&mut self) {
        let now = now_ms();
        let late: Vec<(u32, JobKind, u64)> = self
            .workers
            .iter()
            .filter_map(|(&m, s)| s.job.as_ref().filter(|j| now - j.sent > j.ns as f64 / 1e6 + GRACE_MS).map(|j| (m, j.kind, j.ns)))
            .collect();
        for (m, kind, ns) in late {
            self.workers.remove(&m);
            let g = self.sim.thread_lost(MId(m), self.now_ns());
            let what = match kind {
                JobKind::Syscall => format!("its syscall of {} ms was due", crate::web::fixed::Fixed(ns as f64 / 1e6, 1)),
                JobKind::Work => format!("its work slice of {} ms was due", crate::web::fixed::Fixed(ns as f64 / 1e6, 1)),
                JobKind::Ping => "it was asked, while idle, whether it was still there".to_string(),
            };
            let g = g.map_or("it held no goroutine".to_string(), |g| format!("G{} is lost", g.0));
            self.lost.push(format!("M{m}'s worker stopped answering: no reply {} ms after {what}; {g} (thread lost)", crate::web::fixed::Fixed(GRACE_MS, 0)));
            self.note_threads();
            self.after_step();
        }
        // Ask the workers that have had nothing to do for a while whether they are still there.
        let quiet: Vec<u32> = self.workers.iter().filter(|(_, s)| s.job.is_none() && now - s.last_heard > PING_EVERY_MS).map(|(&m, _)| m).collect();
        for m in quiet {
            self.send(m, JobKind::Ping, 0);
        }
    }

    /// Figures for tests and the benchmark.
    pub fn figures(&self) -> serde_json::Value {
        let q = quantile;
        let (r, boot, t, h) = (&self.rtt_us, &self.boot_ms, &self.turn_us, &self.handoff_ms);
        let st = self.sim.snapshot(true);
        // Ms whose worker is computing a slice of a goroutine's work: (M, G).
        let busy: Vec<(u32, Option<u32>)> = self
            .workers
            .iter()
            .filter(|(_, s)| s.job.as_ref().is_some_and(|j| j.kind == JobKind::Work))
            .map(|(&m, _)| (m, st.ms.get(m as usize).and_then(|x| x.g).map(|g| g.0)))
            .collect();
        serde_json::json!({
            "busy": busy,
            "live": self.live(), "idle": self.idle(), "peak": self.peak, "created": self.created,
            "finished": self.sim.finished(),
            "paused": self.paused(),
            "syscalls_sleep": self.syscalls_sleep,
            "blocking": self.blocking(),
            "outcome": self.sim.outcome().map(|o| o.message()),
            "wall_ms": self.elapsed_ms(),
            "work_ms": self.work_ns as f64 / 1e6,
            "spent_ms": self.spent_ns as f64 / 1e6,
            "turn_sum_ms": self.turn_us.iter().sum::<f64>() / 1e3,
            "gomaxprocs": self.sim.gomaxprocs(),
            "rtt_us": { "n": r.len(), "p50": q(r, 0.5), "p90": q(r, 0.9), "p95": q(r, 0.95), "p99": q(r, 0.99), "sum_ms": r.iter().sum::<f64>() / 1e3 },
            "boot_ms": { "n": boot.len(), "p50": q(boot, 0.5), "max": q(boot, 1.0) },
            "turn_us": { "n": t.len(), "p50": q(t, 0.5), "p90": q(t, 0.9), "p99": q(t, 0.99) },
            "handoff_ms": { "n": h.len(), "p50": q(h, 0.5), "max": q(h, 1.0) },
            "lost": self.lost,
            "step": self.sim.step_count(), "sim_now": self.sim.now(), "wall_ns": self.now_ns(),
            "events": self.events_seen,
            "gs": st.gs.len(),
            "gs_dead": st.gs.iter().filter(|g| g.status == GStatus::Dead).count(),
            "max_threads": self.sim.stats().max_threads,
            "preemptions": self.sim.stats().preemptions,
        })
    }
}

/// How often the plots are rebuilt while running, ms (they are the costliest part to draw).
pub const PLOTS_EVERY_MS: f64 = 500.0;

/// The newest `limit` log rows of `r` that match `f`, oldest first, and whether older ones match.
fn filtered(r: &Run, f: &LogFilter, limit: usize) -> (Vec<LogRow>, bool) {
    let mut out: Vec<LogRow> = Vec::new();
    let mut more = false;
    for (i, e) in r.log.iter().rev() {
        if f.admits(e) {
            if out.len() == limit {
                more = true;
                break;
            }
            out.push(r.row(*i, e));
        }
    }
    out.reverse();
    (out, more)
}

fn spread(v: &[f64]) -> Spread {
    Spread { p50: quantile(v, 0.5), p99: quantile(v, 0.99), n: v.len() }
}

/// What the panel chose to see of a run: the log's filter and length, the selected goroutine.
pub struct Choices<'a> {
    pub filter: &'a LogFilter,
    pub limit: usize,
    pub selected: Option<GId>,
}

/// Observes one run for its panel ([`Run::observe`]): remembers what it drew last, so each
/// observation carries only the movement since the previous one, and rebuilds the plots and the
/// log's rows only when they changed.
pub struct Observer {
    run: u32,
    measuring: bool,
    seq: u64,
    /// The number of the first event not yet drawn as movement.
    drawn: usize,
    plots: (f64, u64, Rc<Plots>),
    last: (usize, Rc<Vec<LogRow>>),
    rows: (usize, LogFilter, usize, Rc<Vec<LogRow>>, bool),
}

impl Observer {
    /// An observer of the run numbered `run` (and measuring or not) in the reducer.
    pub fn new(run: u32, measuring: bool) -> Observer {
        Observer {
            run,
            measuring,
            seq: 0,
            drawn: 0,
            plots: (f64::NEG_INFINITY, 0, Rc::new(Plots::default())),
            last: (usize::MAX, Rc::new(Vec::new())),
            rows: (usize::MAX, LogFilter::default(), 0, Rc::new(Vec::new()), false),
        }
    }

    /// What `r`'s panel shows now, under the panel's choices `c`.
    pub fn observe(&mut self, r: &Run, c: &Choices) -> Observed {
        let sim = &r.sim;
        let wall = r.elapsed_ms();
        let state = Rc::new(super::driver::snapshot(sim, false));
        // What moved since the previous observation, from the events kept since then.
        let evs: Vec<Event> = r.log.iter().filter(|(i, _)| *i >= self.drawn).map(|(_, e)| e.clone()).collect();
        self.drawn = r.events_seen;
        let moves = Rc::new(if evs.is_empty() { Moves::default() } else { Moves::of(&evs, &state) });
        let finished = r.finished();
        let p = &mut self.plots;
        let due = finished || wall - p.0 >= PLOTS_EVERY_MS || wall < p.0;
        if due && p.1 != r.record.version() {
            *p = (wall, r.record.version(), Rc::new(Plots::build(&r.record)));
        }
        let seen = r.events_seen;
        let rc = &mut self.rows;
        if rc.0 != seen || rc.1 != *c.filter || rc.2 != c.limit {
            let (rows, more) = filtered(r, c.filter, c.limit);
            *rc = (seen, c.filter.clone(), c.limit, Rc::new(rows), more);
        }
        if self.last.0 != seen {
            self.last = (seen, Rc::new(r.last_events.iter().map(|(i, e)| r.row(*i, e)).collect()));
        }
        let detail = c.selected.and_then(|g| {
            let st = sim.goroutine(g)?;
            let ops = ops_of(sim, r.scenario(), &st.func);
            let (history, _) = filtered(r, &LogFilter { g: Some(g), ..LogFilter::default() }, 40);
            Some(Rc::new(GDetail { state: st, ops, history }))
        });
        self.seq += 1;
        Observed {
            run: self.run,
            measuring: self.measuring,
            seq: self.seq,
            live: r.live(),
            idle: r.idle(),
            peak: r.peak,
            created: r.created,
            paused: r.paused(),
            finished,
            blocking: r.blocking(),
            wall_ms: wall,
            work_ms: r.work_ns as f64 / 1e6,
            rtt_us: spread(&r.rtt_us),
            boot_ms: spread(&r.boot_ms),
            handoff_ms: spread(&r.handoff_ms),
            syscalls_sleep: r.syscalls_sleep,
            gomaxprocs: sim.gomaxprocs(),
            steps: sim.step_count(),
            events: seen,
            preemptions: sim.stats().preemptions,
            max_threads: sim.stats().max_threads,
            sim_now: sim.now(),
            lost: Rc::new(r.lost.clone()),
            outcome: sim.outcome().map(|o| o.message()),
            schedtrace: Rc::new(if sim.step_count() == 0 { String::new() } else { sim.schedtrace() }),
            state,
            moves,
            plots: self.plots.2.clone(),
            threads_series: Rc::new(r.threads_series.clone()),
            rows: self.rows.3.clone(),
            more: self.rows.4,
            last_rows: self.last.1.clone(),
            detail,
        }
    }
}

/// The run's loop: a timeout that, `ms` from now, pumps the run and, unless it has stopped or
/// paused, arms the next turn 1 ms later (kept in [`Run::tick`], replacing this one).
fn next_turn(me: Weak<RefCell<Run>>, ms: u32) -> Timeout {
    Timeout::new(ms, move || {
        let Some(rc) = me.upgrade() else { return };
        let Ok(mut r) = rc.try_borrow_mut() else {
            // The run is in use (not expected between two turns of the event loop): try again
            // next turn, on a timeout nobody holds.
            next_turn(me, 1).forget();
            return;
        };
        r.pump();
        if !(r.stopped || r.paused()) {
            r.tick = Some(next_turn(me, 1));
        }
    })
}
