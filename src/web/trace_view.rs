//! The trace panel's logic (issue 12, "The page"), with no browser API so `cargo test` checks
//! it natively: [`TraceIngest`] is what the trace worker does with the file's chunks (the
//! core's streaming reader, the trace's summary, the replay and the real run's per-P
//! timeline, all in one pass), [`TraceOpened`] what it sends back, [`SimLane`] the replay run
//! in slices on the page (its summary and per-P timeline, `core::summary` and
//! `core::timeline`), [`what_if`] a replay at another GOMAXPROCS or Go release, and
//! [`TraceView`] the panel's state with its pure reducer ([`TraceView::reduce`]).

use crate::web::fixed::Fixed;
use crate::core::scenario::{self, limits, Scenario, DEFAULT_GO_MINOR};
use crate::core::sim::Sim;
use crate::core::summary::{Summary, SummaryBuilder, SummaryDelta};
use crate::core::timeline::{Span, Timeline};
use crate::core::trace::timeline::{RealRun, RealTimeline};
use crate::core::trace::{Pull, Replay, TraceReader};
use crate::web::view::short_ns;
use serde::{Deserialize, Serialize};
use std::rc::Rc;

/// Bytes the worker reads from the file at a time.
pub const CHUNK: usize = 4 << 20;

/// Most steps a replay run may make on the page (beyond, it is shown as far as it got).
pub const MAX_SIM_STEPS: u64 = 20_000_000;

/// One pass over a trace, fed chunk by chunk: summary, replay and the real run's timeline.
pub struct TraceIngest {
    reader: TraceReader,
    summary: crate::core::trace::Summary,
    replay: Replay,
    real: RealTimeline,
    fed: u64,
}

impl Default for TraceIngest {
    fn default() -> TraceIngest {
        TraceIngest::new()
    }
}

impl TraceIngest {
    /// Before the first byte.
    pub fn new() -> TraceIngest {
        TraceIngest {
            reader: TraceReader::new(),
            summary: crate::core::trace::Summary::new(),
            replay: Replay::new(),
            real: RealTimeline::new(),
            fed: 0,
        }
    }

    /// Bytes fed so far.
    pub fn fed(&self) -> u64 {
        self.fed
    }

    /// Reads `chunk` (the next bytes of the file) and every event it completes. A bad trace is
    /// the core's message: `offset N: expected ..., found ...`.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), String> {
        self.fed += chunk.len() as u64;
        self.reader.feed(chunk);
        self.pump()
    }

    fn pump(&mut self) -> Result<(), String> {
        loop {
            match self.reader.next().map_err(|e| e.to_string())? {
                Pull::Event(ev) => {
                    let ev = *ev;
                    self.summary.add(&ev);
                    if self.replay.over_limit().is_none() {
                        let gen = self.reader.generation().expect("an event comes from a generation");
                        self.replay.add(&ev, gen);
                    }
                    let rp = &self.replay;
                    self.real.add(&ev, |g| rp.is_user(g));
                }
                Pull::NeedInput | Pull::End => return Ok(()),
            }
        }
    }

    /// The end of the file: what the page shows, or the core's error for a trace that stops
    /// early. `name` names the replay scenario (the file's name).
    pub fn finish(mut self, name: &str) -> Result<TraceOpened, String> {
        self.reader.finish();
        self.pump()?;
        self.summary.finish(&self.reader);
        let s = &self.summary;
        let replay = match self.replay.over_limit() {
            // The page reads on for the real run; only the replay stopped there.
            Some(o) => Err(format!("the replay stopped at byte {} (t={}): more than the scenario limit of {} {}", o.offset, crate::core::event::trace_time(o.time_ns), o.limit, o.what)),
            None => {
                let sc = self.replay.scenario(&format!("Replay of {name}"), None);
                let text = sc.to_json();
                match scenario::parse(&text) {
                    Ok(_) => Ok(text),
                    Err(ps) => Err(format!(
                        "the replay is beyond the scenario format's limits: {}",
                        ps.iter().take(3).map(|p| if p.place.is_empty() { p.message.clone() } else { format!("{}: {}", p.place, p.message) }).collect::<Vec<_>>().join("; ")
                    )),
                }
            }
        };
        let unmapped = self
            .replay
            .unmapped()
            .iter()
            .map(|(what, u)| format!("{what}: {} (first at byte {})", u.count, u.first_offset))
            .collect();
        let RealRun { timeline, busy_ns, quantum_ns } = self.real.finish();
        Ok(TraceOpened {
            go: s.version.map(|v| v.name().to_string()).unwrap_or_default(),
            gomaxprocs: s.gomaxprocs,
            goroutines: s.goroutines.len() as u64,
            threads: s.threads.len() as u64,
            duration_ns: s.duration_ns(),
            bytes: self.fed,
            real: Lane::of(&timeline, busy_ns),
            quantum_ns,
            replay,
            unmapped,
            read_us: 0,
        })
    }
}

/// One run drawn as per-P rows: `[start, end, g]` spans, times in ns from the run's start.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lane {
    pub ps: Vec<Vec<(u64, u64, u32)>>,
    pub end: u64,
    pub busy_ns: Vec<u64>,
}

impl Lane {
    /// A lane of `t`, with its busy time per P.
    pub fn of(t: &Timeline, busy_ns: Vec<u64>) -> Lane {
        Lane {
            ps: t.ps.iter().map(|row| row.iter().map(|s: &Span| (s.start, s.end, s.g.0)).collect()).collect(),
            end: t.end,
            busy_ns,
        }
    }

    /// At most `width` bars per row over `[0, t_max)`: spans that fall in one unit are joined
    /// (a drawing cannot tell them apart). Each bar is `(left, width)` in units.
    pub fn bars(&self, t_max: u64, width: u32) -> Vec<Vec<(u32, u32)>> {
        let t_max = t_max.max(1) as u128;
        let unit = |t: u64| ((t as u128 * width as u128) / t_max).min(width as u128) as u32;
        self.ps
            .iter()
            .map(|row| {
                let mut out: Vec<(u32, u32)> = Vec::new();
                for &(a, b, _) in row {
                    let (l, r) = (unit(a), unit(b).max(unit(a) + 1).min(width));
                    match out.last_mut() {
                        Some(last) if l <= last.0 + last.1 => last.1 = last.1.max(r - last.0),
                        _ if l < width => out.push((l, r - l)),
                        _ => {}
                    }
                }
                out
            })
            .collect()
    }
}

/// What the worker sends back once a trace is read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceOpened {
    /// The format version (`"1.26"`).
    pub go: String,
    pub gomaxprocs: u64,
    pub goroutines: u64,
    pub threads: u64,
    pub duration_ns: u64,
    /// The file's size.
    pub bytes: u64,
    /// The real run: the user goroutines' spans on each P, from G1's first event.
    pub real: Lane,
    /// Real spans closer than this were merged to bound memory, ns (0: none).
    pub quantum_ns: u64,
    /// The replay scenario's JSON text, or why there is none.
    pub replay: Result<String, String>,
    /// What the replay could not map, one line each.
    pub unmapped: Vec<String>,
    /// How long the worker took to read it, µs (set by the worker, which has the clock).
    pub read_us: u64,
}

/// A what-if: the replay at another GOMAXPROCS and Go release.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WhatIf {
    pub gomaxprocs: u32,
    /// The release's minor version (19 for Go 1.19, 26 for Go 1.26).
    pub go: u32,
}

/// The releases the what-if offers, as minor versions: the [OLD] and the [NEW] rules.
pub const RELEASES: [u32; 2] = [19, DEFAULT_GO_MINOR];

/// `s` at `w`'s GOMAXPROCS and release, checked through the document again, so the what-if
/// meets the same limits as a scenario typed in.
pub fn what_if(s: &Scenario, w: WhatIf) -> Result<Scenario, String> {
    if w.gomaxprocs == 0 || w.gomaxprocs > limits::MAX_GOMAXPROCS {
        return Err(format!("GOMAXPROCS must be 1 to {}", limits::MAX_GOMAXPROCS));
    }
    let mut s = s.clone();
    s.gomaxprocs = w.gomaxprocs;
    s.go = w.go;
    scenario::parse(&s.to_json()).map_err(|ps| ps.iter().map(|p| p.message.clone()).collect::<Vec<_>>().join("; "))
}

/// A replay run on the page, advanced in slices: its summary and per-P timeline.
#[derive(Clone)]
pub struct SimLane {
    sim: Sim,
    summary: SummaryBuilder,
    timeline: Timeline,
    done: bool,
}

impl SimLane {
    /// A run of `s` before its first step.
    pub fn new(s: &Scenario) -> SimLane {
        SimLane { sim: Sim::new(s), summary: SummaryBuilder::new(), timeline: Timeline::new(), done: false }
    }

    /// Makes up to `steps` more steps; true once the run has ended (or hit [`MAX_SIM_STEPS`]).
    pub fn advance(&mut self, steps: u64) -> bool {
        for _ in 0..steps {
            if self.done {
                break;
            }
            if self.sim.step_count() >= MAX_SIM_STEPS || !self.sim.step() {
                self.done = true;
                self.timeline.finish();
                break;
            }
            self.summary.observe(&self.sim);
            self.timeline.observe(&self.sim);
        }
        self.done
    }

    /// Steps made so far.
    pub fn steps(&self) -> u64 {
        self.sim.step_count()
    }

    /// The finished run (call once [`SimLane::advance`] said it ended).
    pub fn result(&self) -> SimResult {
        let s = self.summary.summary().clone();
        SimResult { lane: Lane::of(&self.timeline, s.p_busy_ns.clone()), summary: s }
    }
}

/// A finished replay run.
#[derive(Clone, Debug, PartialEq)]
pub struct SimResult {
    pub summary: Summary,
    pub lane: Lane,
}

/// Where reading a trace is.
#[derive(Clone, Debug, PartialEq)]
pub enum Phase {
    Idle,
    /// The worker reads `name`: `done` of `total` bytes.
    Reading { name: String, done: u64, total: u64 },
    /// The last open failed (the previous trace and the user's scenario are kept).
    Failed { name: String, message: String },
    /// Cancelled by the user.
    Cancelled { name: String },
    Open,
}

/// The panel's state.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceView {
    pub phase: Phase,
    /// The trace read last, and its file name.
    pub opened: Option<(String, Rc<TraceOpened>)>,
    /// The replay scenario (parsed), when the trace has one.
    pub replay: Option<Rc<Scenario>>,
    /// The replay at the trace's own GOMAXPROCS and release (the baseline).
    pub base: Option<Rc<SimResult>>,
    /// The last what-if run and its settings.
    pub what_if: Option<(WhatIf, Rc<SimResult>)>,
    /// The settings in the what-if form.
    pub form: WhatIf,
    /// A replay run is in progress (base when no what-if is set).
    pub running: Option<WhatIf>,
    /// A what-if the form could not run.
    pub form_error: Option<String>,
}

/// What happens to the panel.
#[derive(Clone, Debug)]
pub enum TraceMsg {
    /// The worker started reading `name` (`total` bytes).
    Start { name: String, total: u64 },
    Progress { done: u64 },
    Cancel,
    Failed(String),
    Opened(Box<TraceOpened>),
    /// The replay run at `0` finished.
    SimDone(WhatIf, Box<SimResult>),
    SetGomaxprocs(u32),
    SetRelease(u32),
    /// Re-run the replay with the form's settings.
    ReRun,
}

impl Default for TraceView {
    fn default() -> TraceView {
        TraceView {
            phase: Phase::Idle,
            opened: None,
            replay: None,
            base: None,
            what_if: None,
            form: WhatIf { gomaxprocs: 1, go: DEFAULT_GO_MINOR },
            running: None,
            form_error: None,
        }
    }
}

impl TraceView {
    /// The replay's own settings (the trace's GOMAXPROCS and the default release).
    pub fn own(&self) -> Option<WhatIf> {
        self.replay.as_ref().map(|s| WhatIf { gomaxprocs: s.gomaxprocs, go: s.go })
    }

    /// The scenario the run in progress runs, if any.
    pub fn run_scenario(&self) -> Option<Result<Scenario, String>> {
        let (w, s) = (self.running?, self.replay.as_ref()?);
        Some(what_if(s, w))
    }

    /// The next state (pure).
    pub fn reduce(&self, msg: TraceMsg) -> TraceView {
        let mut v = self.clone();
        match msg {
            TraceMsg::Start { name, total } => v.phase = Phase::Reading { name, done: 0, total },
            TraceMsg::Progress { done } => {
                if let Phase::Reading { done: d, .. } = &mut v.phase {
                    *d = done;
                }
            }
            TraceMsg::Cancel => {
                if let Phase::Reading { name, .. } = &v.phase {
                    v.phase = Phase::Cancelled { name: name.clone() };
                }
            }
            TraceMsg::Failed(message) => {
                let name = match &v.phase {
                    Phase::Reading { name, .. } => name.clone(),
                    _ => String::new(),
                };
                v.phase = Phase::Failed { name, message };
            }
            TraceMsg::Opened(t) => {
                let Phase::Reading { name, .. } = &v.phase else { return v };
                let name = name.clone();
                v.replay = t.replay.as_ref().ok().and_then(|text| scenario::parse(text).ok()).map(Rc::new);
                v.opened = Some((name, Rc::new(*t)));
                v.phase = Phase::Open;
                v.base = None;
                v.what_if = None;
                v.form_error = None;
                v.running = v.own();
                if let Some(w) = v.own() {
                    v.form = w;
                }
            }
            TraceMsg::SimDone(w, r) => {
                if v.running != Some(w) {
                    return v;
                }
                v.running = None;
                let r = Rc::new(*r);
                if v.base.is_none() {
                    v.base = Some(r);
                } else {
                    v.what_if = Some((w, r));
                }
            }
            TraceMsg::SetGomaxprocs(n) => v.form.gomaxprocs = n,
            TraceMsg::SetRelease(g) => v.form.go = g,
            TraceMsg::ReRun => {
                let Some(s) = &v.replay else { return v };
                if v.base.is_none() || v.running.is_some() {
                    return v;
                }
                match what_if(s, v.form) {
                    Ok(_) => {
                        v.form_error = None;
                        v.running = Some(v.form);
                    }
                    Err(e) => v.form_error = Some(e),
                }
            }
        }
        v
    }

    /// The replay shown in the sim lane: the last what-if, else the baseline.
    pub fn shown(&self) -> Option<&SimResult> {
        self.what_if.as_ref().map(|(_, r)| &**r).or(self.base.as_deref())
    }

    /// Baseline → what-if, measure by measure.
    pub fn delta(&self) -> Option<SummaryDelta> {
        let (b, (_, w)) = (self.base.as_ref()?, self.what_if.as_ref()?);
        Some(b.summary.delta_to(&w.summary))
    }

    /// The common time axis of the two lanes: the longer run.
    pub fn t_max(&self) -> u64 {
        let real = self.opened.as_ref().map_or(0, |(_, t)| t.real.end);
        real.max(self.shown().map_or(0, |r| r.lane.end)).max(1)
    }

    /// The line that sums up the trace open.
    pub fn summary_line(&self, name: &str) -> String {
        let Some((_, t)) = &self.opened else { return String::new() };
        format!(
            "{name}: go {} trace, {} long, GOMAXPROCS {} (at the end), {} goroutines, {} threads; {} MB read in {} ms.",
            t.go,
            short_ns(t.duration_ns),
            t.gomaxprocs,
            t.goroutines,
            t.threads,
            Fixed(t.bytes as f64 / 1e6, 2),
            t.read_us / 1000
        )
    }

    /// The real lane's caption.
    pub fn real_caption(&self) -> String {
        let q = self.opened.as_ref().map_or(0, |(_, t)| t.quantum_ns);
        let merged = if q > 0 { format!(" (stretches closer than {} joined)", short_ns(q)) } else { String::new() };
        format!("Real run: user goroutines on each P{merged}")
    }

    /// The what-if's differences: caption, total time's difference (ns) and one line per
    /// measure (`steals: 4 → 0 (-4)`).
    pub fn delta_table(&self) -> Option<(String, i64, Vec<String>)> {
        let (b, (w, r), d) = (self.base.as_ref()?, self.what_if.as_ref()?, self.delta()?);
        let own = self.own().unwrap_or(*w);
        let (bs, ws) = (&b.summary, &r.summary);
        let sign = if d.total_ns < 0 { "-" } else { "+" };
        let n = |name: &str, a: u64, c: u64, x: i64| format!("{name}: {a} → {c} ({x:+})");
        let rows = vec![
            format!("total time: {} → {} ({sign}{})", short_ns(bs.total_ns), short_ns(ws.total_ns), short_ns(d.total_ns.unsigned_abs())),
            n("threads created", bs.threads, ws.threads, d.threads),
            n("steals", bs.steals, ws.steals, d.steals),
            n("hand-offs", bs.handoffs, ws.handoffs, d.handoffs),
            n("preemptions", bs.preemptions, ws.preemptions, d.preemptions),
        ];
        Some((format!("What-if against the replay at GOMAXPROCS {}, Go 1.{}:", own.gomaxprocs, own.go), d.total_ns, rows))
    }
}
