//! What the page remembers of the explored run: the clock of every step, a compact index of every
//! event, decimated samples of queue lengths and threads, and each P's timeline.
//!
//! The run is deterministic, so all of this is a cache of facts that a replay would give again:
//! the [`Driver`](super::driver::Driver) records a step only the first time the run reaches it,
//! and drops everything after step N when an intervention at N changes the future.

use crate::core::event::{Event, Kind, What};
use crate::core::ids::{GId, PId};
use crate::core::sim::{Activity, Sim, SimState, Tracks};

/// Most samples kept for the plots; beyond that every other one is dropped and the stride
/// doubles, so a run of any length plots with at most this many points.
pub const MAX_SAMPLES: usize = 2_048;

/// Most steps [`Record::reserve`] makes room for at once.
pub const RESERVE_MAX_STEPS: u64 = 1 << 22;

/// Steps explored before [`Record::reserve`] goes by their rate of events and stretches.
pub const RATE_STEPS: u64 = 1_000;

/// No P in an [`EvRec`].
const NONE16: u16 = u16::MAX;

/// One event in the index: enough to filter the log and find the next or previous event of a
/// kind without keeping the event itself. Eight bytes (a million steps' events fit in a few
/// MB): the ids are packed, and read back typed ([`EvRec::g`], [`EvRec::p`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EvRec {
    /// The goroutine's id, 0 for none (no goroutine is G0).
    g: u32,
    /// The P's id, [`NONE16`] for none (GOMAXPROCS is far below it).
    p: u16,
    /// Its kind's code ([`Kind::code`]).
    kind: u8,
}

impl EvRec {
    /// The index entry of `e`.
    pub fn of(e: &Event) -> EvRec {
        EvRec {
            g: e.g.map_or(0, |g| g.0),
            p: e.p.map_or(NONE16, |p| p.0.min(NONE16 as u32 - 1) as u16),
            kind: e.what.kind_of().code(),
        }
    }

    /// The goroutine involved, if any.
    pub fn g(self) -> Option<GId> {
        (self.g != 0).then_some(GId(self.g))
    }

    /// The P involved, if any.
    pub fn p(self) -> Option<PId> {
        (self.p != NONE16).then_some(PId(self.p as u32))
    }

    /// Its kind's code ([`Kind::code`]).
    pub fn kind(self) -> u8 {
        self.kind
    }
}

/// The code ([`Kind::code`]) of the kind named `kind`, or `None`.
pub fn kind_code(kind: &str) -> Option<u8> {
    Kind::from_name(kind).map(Kind::code)
}

/// One sample for the plots, taken after step `step`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sample {
    pub step: u64,
    pub t: u64,
    /// Length of the global run queue.
    pub global: u32,
    /// Goroutines queued on each live P (ring plus runnext).
    pub local: Vec<u32>,
    /// Threads that exist (sysmon's included).
    pub threads: u32,
    /// Threads running a goroutine.
    pub running: u32,
    /// Threads blocked in a syscall.
    pub syscall: u32,
    /// Threads spinning (looking for work).
    pub spinning: u32,
    /// Threads parked on the idle list.
    pub idle: u32,
}

impl Sample {
    /// A sample from the cheap per-P/per-M view (equal to [`Sample::of`] the snapshot at the
    /// same step).
    pub fn from_tracks(step: u64, t: u64, tr: &Tracks) -> Sample {
        let mut s = Sample {
            step,
            t,
            global: tr.global_len as u32,
            local: tr.ps.iter().map(|p| p.local_len as u32).collect(),
            threads: 0,
            running: 0,
            syscall: 0,
            spinning: 0,
            idle: 0,
        };
        s.count_threads(tr.ms.iter().map(|m| m.activity));
        s
    }

    /// Counts the threads (every M but the dead) by what they do.
    fn count_threads(&mut self, ms: impl Iterator<Item = Activity>) {
        for a in ms {
            match a {
                Activity::Dead => continue,
                Activity::Run(_) => self.running += 1,
                Activity::Syscall(_) => self.syscall += 1,
                Activity::Idle => self.idle += 1,
                _ => {}
            }
            self.threads += 1;
            if a.spinning() {
                self.spinning += 1;
            }
        }
    }

    /// Takes a sample of the simulator's state.
    pub fn of(state: &SimState) -> Sample {
        let mut s = Sample {
            step: state.step,
            t: state.t,
            global: state.global.len() as u32,
            local: state.ps.iter().map(|p| p.runq.len() as u32 + p.runnext.is_some() as u32).collect(),
            threads: 0,
            running: 0,
            syscall: 0,
            spinning: 0,
            idle: 0,
        };
        s.count_threads(state.ms.iter().map(|m| m.activity()));
        s
    }
}

/// What a P is doing during a stretch of the timeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lane {
    /// Not running a goroutine (idle, scheduling or spinning).
    Idle,
    /// Running goroutine G.
    Run(GId),
    /// Its M is blocked in a syscall with goroutine G.
    Syscall(GId),
    /// Destroyed by a GOMAXPROCS decrease.
    Dead,
}

impl Lane {
    /// A P's [`Activity`] as its timeline shows it.
    #[inline]
    pub fn of(a: Activity) -> Lane {
        match a {
            Activity::Dead => Lane::Dead,
            Activity::Run(g) => Lane::Run(g),
            Activity::Syscall(g) => Lane::Syscall(g),
            _ => Lane::Idle,
        }
    }
}

/// A stretch of one P's timeline: from step `step0` (its time is the record's
/// [`Record::t_at`] of it) until the next stretch. 16 bytes: a long run keeps hundreds of
/// thousands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stretch {
    pub step0: u64,
    pub lane: Lane,
}

/// The explored run.
#[derive(Clone, Debug)]
pub struct Record {
    /// Virtual time after each step; `step_t[0]` is 0 (before the first step).
    step_t: Vec<u64>,
    /// `ev_start[s]`: index in `evs` of step s's first event; `ev_start[explored + 1] == evs.len()`.
    ev_start: Vec<u32>,
    evs: Vec<EvRec>,
    /// Decimated samples, oldest first.
    samples: Vec<Sample>,
    /// A sample is taken after every step that is a multiple of this.
    stride: u64,
    /// Each P's timeline, oldest stretch first.
    lanes: Vec<Vec<Stretch>>,
    /// The step at which the run ended, once known.
    end: Option<u64>,
    /// Bumped whenever the plots' data changes.
    version: u64,
    /// Scratch buffer for the cheap per-P/per-M view.
    tracks: Tracks,
    /// Per P, the [`Record::version`] at which its lane was last updated.
    touched: Vec<u64>,
}

impl Default for Record {
    fn default() -> Self {
        Record {
            step_t: vec![0],
            ev_start: vec![0, 0],
            evs: Vec::new(),
            samples: Vec::new(),
            stride: 1,
            lanes: Vec::new(),
            end: None,
            version: 0,
            tracks: Tracks::default(),
            touched: Vec::new(),
        }
    }
}

impl Record {
    /// Makes room for `steps` more steps (at most [`RESERVE_MAX_STEPS`] at a time): a long
    /// seek then records without growing its vectors every time they fill (a reallocation
    /// copies the whole old block, and in wasm touches fresh memory, page by page). The events
    /// and each P's timeline grow at the rate so far, a quarter more for a rate that creeps up;
    /// before [`RATE_STEPS`] steps there is no rate to go by, and they grow as they fill.
    pub fn reserve(&mut self, steps: u64) {
        // `reserve`, not `reserve_exact`: short seeks at the end of the explored run ask for a
        // few steps at a time, and exact room would reallocate at every one.
        let steps = steps.min(RESERVE_MAX_STEPS);
        self.step_t.reserve(steps as usize);
        self.ev_start.reserve(steps as usize);
        let explored = self.explored();
        if explored < RATE_STEPS {
            return;
        }
        let more = |len: usize| (len as u64 * steps).div_ceil(explored).saturating_mul(5) / 4;
        self.evs.reserve(more(self.evs.len()) as usize);
        for l in &mut self.lanes {
            // A stretch per step at most.
            l.reserve(more(l.len()).min(steps) as usize);
        }
    }

    /// Steps recorded.
    pub fn explored(&self) -> u64 {
        self.step_t.len() as u64 - 1
    }

    /// The last step of the run, once the run has been explored to its end.
    pub fn end(&self) -> Option<u64> {
        self.end
    }

    /// Virtual time after step `s` (clamped to the explored run).
    pub fn t_at(&self, s: u64) -> u64 {
        self.step_t[(s as usize).min(self.step_t.len() - 1)]
    }

    /// The first explored step whose time is at least `t` (the last step if none is).
    pub fn step_at_t(&self, t: u64) -> u64 {
        self.step_t.partition_point(|&x| x < t).min(self.step_t.len() - 1) as u64
    }

    /// The step of event number `i` (index into the whole run's events).
    pub fn step_of_event(&self, i: usize) -> u64 {
        // ev_start is non-decreasing; the step is the last s with ev_start[s] <= i.
        (self.ev_start.partition_point(|&x| x as usize <= i) - 1) as u64
    }

    /// Index range in the run's events of steps `a..=b`.
    pub fn event_range(&self, a: u64, b: u64) -> std::ops::Range<usize> {
        let e = self.explored();
        let a = a.clamp(1, e + 1);
        let b = b.min(e);
        if a > b {
            let i = self.ev_start[a as usize] as usize;
            return i..i;
        }
        self.ev_start[a as usize] as usize..self.ev_start[b as usize + 1] as usize
    }

    /// Index entry `i`.
    pub fn ev(&self, i: usize) -> EvRec {
        self.evs[i]
    }

    /// The first step after `from` having an event of kind `code`, within the explored run.
    pub fn next_kind(&self, from: u64, code: u8) -> Option<u64> {
        let r = self.event_range(from + 1, self.explored());
        let i = self.evs[r.clone()].iter().position(|e| e.kind == code)?;
        Some(self.step_of_event(r.start + i))
    }

    /// The last step before `from` having an event of kind `code`.
    pub fn prev_kind(&self, from: u64, code: u8) -> Option<u64> {
        if from <= 1 {
            return None;
        }
        let r = self.event_range(1, from - 1);
        let i = self.evs[r.clone()].iter().rposition(|e| e.kind == code)?;
        Some(self.step_of_event(r.start + i))
    }

    /// The samples, oldest first.
    pub fn samples(&self) -> &[Sample] {
        &self.samples
    }

    /// Each P's timeline.
    pub fn lanes(&self) -> &[Vec<Stretch>] {
        &self.lanes
    }

    /// Changes whenever the plots' data changes.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Records the step the simulator just ran (the next unexplored one). This runs for every
    /// step a seek passes, so it makes one pass over the step's events and looks only at the Ps
    /// they name.
    pub fn push(&mut self, sim: &Sim) {
        let step = sim.step_count();
        debug_assert_eq!(step, self.explored() + 1, "Record::push: steps must be recorded in order");
        self.version += 1;
        let t = sim.now();
        self.step_t.push(t);
        let finished = sim.finished();
        if finished {
            self.end = Some(step);
        }
        let sampled = step == 1 || step.is_multiple_of(self.stride);
        // Every P's lane after a sample's step, the run's last, or a GOMAXPROCS change or stop
        // of the world; else only those of the Ps the events name (a P, a steal's victim, the P
        // a syscall left).
        let mut every_lane = sampled || finished;
        let live = sim.gomaxprocs() as usize;
        if self.touched.len() < live {
            self.touched.resize(live, 0);
        }
        for e in sim.events() {
            self.evs.push(EvRec::of(e));
            let other = match e.what {
                What::Steal { victim, .. } => Some(victim),
                What::GoSyscallEndBlocked { oldp, .. } => oldp,
                What::ProcsChange { .. } | What::STWBegin | What::STWEnd => {
                    every_lane = true;
                    None
                }
                _ => None,
            };
            if !every_lane {
                if let Some(p) = e.p {
                    self.touch_lane(sim, p, live, step);
                }
                if let Some(p) = other {
                    self.touch_lane(sim, p, live, step);
                }
            }
        }
        self.ev_start.push(self.evs.len() as u32);
        if every_lane {
            // The cheap view (O(Ps + Ms)), not a snapshot (O(queued goroutines): 4-8 ms at a
            // million goroutines, taken thousands of times in a long run).
            let mut tracks = std::mem::take(&mut self.tracks);
            sim.tracks(&mut tracks);
            self.update_lanes_all(sim, tracks.ps.len());
            if sampled {
                self.push_sample(Sample::from_tracks(step, t, &tracks));
            }
            self.tracks = tracks;
        }
    }

    fn push_sample(&mut self, s: Sample) {
        self.samples.push(s);
        if self.samples.len() >= MAX_SAMPLES {
            self.stride *= 2;
            let stride = self.stride;
            self.samples.retain(|x| x.step % stride == 0 || x.step == 1);
        }
    }

    fn set_lane(&mut self, p: usize, step: u64, lane: Lane) {
        if self.lanes.len() <= p {
            self.lanes.resize_with(p + 1, Vec::new);
        }
        let l = &mut self.lanes[p];
        match l.last_mut() {
            Some(last) if last.lane == lane => {}
            Some(last) if last.step0 == step => {
                last.lane = lane;
                // Merge with the stretch before if it now matches.
                if l.len() >= 2 && l[l.len() - 2].lane == lane {
                    l.pop();
                }
            }
            _ => l.push(Stretch { step0: step, lane }),
        }
    }

    fn update_lanes_all(&mut self, sim: &Sim, live: usize) {
        let step = sim.step_count();
        for p in 0..live.max(self.lanes.len()) {
            let lane = if p < live { Lane::of(sim.p_activity(PId(p as u32))) } else { Lane::Dead };
            self.set_lane(p, step, lane);
        }
    }

    /// Updates live P `p`'s lane after step `step`, once a step: `touched[p]` holds
    /// the [`Record::version`] of the push that last updated it.
    #[inline]
    fn touch_lane(&mut self, sim: &Sim, p: PId, live: usize, step: u64) {
        let i = p.index();
        if i < live && self.touched[i] != self.version {
            self.touched[i] = self.version;
            let lane = Lane::of(sim.p_activity(p));
            self.set_lane(i, step, lane);
        }
    }

    /// Forgets everything after step `n` (an intervention at `n` changes the future).
    pub fn truncate(&mut self, n: u64) {
        if n >= self.explored() {
            return;
        }
        let n = n as usize;
        self.step_t.truncate(n + 1);
        self.ev_start.truncate(n + 2);
        self.evs.truncate(self.ev_start[n + 1] as usize);
        self.samples.retain(|s| s.step <= n as u64);
        for l in &mut self.lanes {
            l.retain(|s| s.step0 <= n as u64);
        }
        self.end = None;
        self.version += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::scenario;

    /// A busy scenario: events at every step, on both Ps.
    const BUSY: &str = r#"{"version":1,"gomaxprocs":2,"seed":1,"funcs":{"w":[{"work":"20us"},"gosched",{"work":"20us"}]},"main":[{"go":{"func":"w","n":2000}},{"sleep":"100ms"}]}"#;

    #[test]
    fn short_reserves_at_the_end_of_the_run_grow_the_vectors_geometrically() {
        let s = scenario::parse(BUSY).expect("a valid scenario");
        let mut sim = Sim::new(&s);
        let mut r = Record::default();
        let mut grew = 0;
        while sim.step_count() < 3_000 {
            let caps = (r.step_t.capacity(), r.evs.capacity());
            // A seek of one step past the explored run, as the arrow keys make.
            r.reserve(1);
            if !sim.step() {
                break;
            }
            r.push(&sim);
            grew += usize::from((r.step_t.capacity(), r.evs.capacity()) != caps);
        }
        assert!(r.explored() >= 3_000, "the run is long enough to tell ({} steps)", r.explored());
        assert!(grew < 60, "reallocated {grew} times in {} steps", r.explored());
    }

    #[test]
    fn a_long_reserve_once_there_is_a_rate_makes_room_for_the_whole_seek() {
        let s = scenario::parse(BUSY).expect("a valid scenario");
        let mut sim = Sim::new(&s);
        let mut r = Record::default();
        while r.explored() < RATE_STEPS && sim.step() {
            r.push(&sim);
        }
        r.reserve(2_000);
        let caps = (r.step_t.capacity(), r.ev_start.capacity(), r.evs.capacity());
        for _ in 0..2_000 {
            if !sim.step() {
                break;
            }
            r.push(&sim);
        }
        assert_eq!((r.step_t.capacity(), r.ev_start.capacity(), r.evs.capacity()), caps, "no reallocation during the seek");
    }
}
