//! What the components render, derived from the driver after each action: the board's state,
//! the current step's explanations, the log, the selected goroutine and the plots.

use crate::web::fixed::Fixed;
use super::driver::{Driver, GDetail, LogFilter, LogRow, Moves};
use super::record::{Lane, Record, Sample};
use crate::core::ids::GId;
use crate::core::sim::{Activity, SimState};
use std::rc::Rc;

/// Width of the plots' coordinate system (SVG user units; the SVG scales to its box).
pub const PLOT_W: f64 = 1_000.0;
/// Most points drawn per plotted line.
pub const PLOT_POINTS: usize = 500;

/// The board and explanations at the current step.
#[derive(Clone, Debug, PartialEq)]
pub struct View {
    pub step: u64,
    pub t: u64,
    /// Steps explored so far.
    pub explored: u64,
    /// The run's last step, once known.
    pub end: Option<u64>,
    pub finished: bool,
    pub state: Rc<SimState>,
    /// The current step's events, in words.
    pub rows: Rc<Vec<LogRow>>,
    pub schedtrace: Rc<String>,
    /// The scenario's funcs, for the spawn menu.
    pub funcs: Rc<Vec<String>>,
    /// What moved in the last step (when it was one step forward).
    pub moves: Rc<Moves>,
    /// Goroutines running now (on an M not in a syscall), for the interventions.
    pub running: Rc<Vec<GId>>,
    /// Goroutines waiting on the network, fd not ready yet.
    pub net_waiting: Rc<Vec<GId>>,
}

impl View {
    pub fn build(d: &Driver) -> View {
        let sim = d.sim();
        let state = Rc::new(super::driver::snapshot(sim, false));
        let moves = if d.one_step() { Moves::of(d.events(), &state) } else { Moves::default() };
        let running = state
            .ps
            .iter()
            .filter_map(|p| match state.p_activity(p) {
                Activity::Run(g) => Some(g),
                _ => None,
            })
            .collect();
        let net_waiting = state.netpoll.iter().filter(|n| !n.ready).map(|n| n.g).collect();
        View {
            running: Rc::new(running),
            net_waiting: Rc::new(net_waiting),
            step: sim.step_count(),
            t: sim.now(),
            explored: d.record().explored(),
            end: d.record().end(),
            finished: sim.finished(),
            state,
            rows: Rc::new(d.current_rows()),
            schedtrace: Rc::new(if sim.step_count() == 0 { String::new() } else { sim.schedtrace() }),
            funcs: Rc::new(d.scenario().funcs.iter().map(|f| f.name.clone()).collect()),
            moves: Rc::new(moves),
        }
    }

    /// The explanation of the current step in one string (what the live region announces).
    pub fn explanation(&self) -> String {
        if self.step == 0 {
            return "Step 0: the program has not started. Step forward to run schedinit.".into();
        }
        let mut s = String::new();
        for r in self.rows.iter() {
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(&r.text);
            if !r.text.ends_with('.') {
                s.push('.');
            }
        }
        if s.is_empty() {
            s = "Nothing visible happened in this step.".into();
        }
        s
    }
}

/// The event log at the current step.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct LogView {
    /// The step it was built at (rows of that step are the current ones).
    pub at: u64,
    pub rows: Rc<Vec<LogRow>>,
    /// There are earlier matching events than those shown.
    pub more: bool,
}

impl LogView {
    /// The log at the current step; `playing`, from the latest events only (cheap; see
    /// `Driver::recent_log`).
    pub fn build(d: &mut Driver, filter: &LogFilter, limit: usize, playing: bool) -> LogView {
        let (rows, more) = if playing { d.recent_log(filter, limit) } else { d.log(filter, limit) };
        LogView { at: d.step(), rows: Rc::new(rows), more }
    }
}

/// The selected goroutine; `playing`, with its history from the latest events only.
pub fn detail(d: &mut Driver, g: Option<GId>, playing: bool) -> Option<Rc<GDetail>> {
    g.and_then(|g| d.goroutine_at(g, 40, playing)).map(Rc::new)
}

/// One plotted line: SVG `points` in plot coordinates (x in 0..PLOT_W, y in 0..1 from the
/// bottom, scaled by the component).
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
    /// Largest value.
    pub max: u32,
}

impl Series {
    /// The series as a step line, SVG `points` (each value holds until the next sample), with
    /// at most about `per` of its samples and `y` mapping a value to plot coordinates. A value
    /// that holds adds no corner: the line runs on to the next change (a thread count that
    /// stays put for the whole run is two points, not hundreds).
    pub fn step_line(&self, per: usize, y: impl Fn(f64) -> f64) -> String {
        use std::fmt::Write;
        let skip = self.points.len().div_ceil(per.max(1)).max(1);
        let mut pts = String::with_capacity(self.points.len() / skip * 24 + 24);
        let mut last: Option<f64> = None;
        for (k, &(x, v)) in self.points.iter().enumerate() {
            let end = k + 1 == self.points.len();
            if (k % skip != 0 || last == Some(v)) && !end {
                continue;
            }
            if let Some(l) = last {
                let _ = write!(pts, "{},{} ", Fixed(x, 1), Fixed(y(l), 1));
            }
            if last != Some(v) {
                let _ = write!(pts, "{},{} ", Fixed(x, 1), Fixed(y(v), 1));
            }
            last = Some(v);
        }
        pts
    }
}

/// A stretch of a P's timeline in plot coordinates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bar {
    pub x0: f64,
    pub x1: f64,
    pub lane: Lane,
    /// Several short stretches merged into one (too narrow to show apart).
    pub mixed: bool,
    /// The step the stretch starts at (clicking jumps there).
    pub step0: u64,
}

/// The plots' data, rebuilt from the record at most a few times a second while playing.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Plots {
    /// Time span plotted, ns (0 to `t_max`).
    pub t_max: u64,
    /// Global queue, then each P's local queue.
    pub queues: Rc<Vec<Series>>,
    /// Threads: all, running, in a syscall, spinning, idle.
    pub threads: Rc<Vec<Series>>,
    /// Each P's timeline.
    pub lanes: Rc<Vec<Vec<Bar>>>,
    /// The record's version this was built from.
    pub version: u64,
}

impl Plots {
    pub fn build(r: &Record) -> Plots {
        let t_max = r.t_at(r.explored()).max(1);
        let xs = |t: u64| t as f64 / t_max as f64 * PLOT_W;
        let samples = r.samples();
        let step = samples.len().div_ceil(PLOT_POINTS).max(1);
        let picked: Vec<&Sample> = samples.iter().step_by(step).collect();
        let series = |name: String, f: &dyn Fn(&Sample) -> Option<u32>| {
            let pts: Vec<(f64, u32)> = picked.iter().filter_map(|s| f(s).map(|v| (xs(s.t), v))).collect();
            let max = pts.iter().map(|p| p.1).max().unwrap_or(0);
            Series { name, max, points: pts.into_iter().map(|(x, v)| (x, v as f64)).collect() }
        };
        let nps = samples.iter().map(|s| s.local.len()).max().unwrap_or(0);
        let mut queues = vec![series("global".into(), &|s| Some(s.global))];
        for p in 0..nps {
            queues.push(series(format!("P{p}"), &move |s: &Sample| s.local.get(p).copied()));
        }
        let threads = vec![
            series("threads".into(), &|s| Some(s.threads)),
            series("running".into(), &|s| Some(s.running)),
            series("in syscall".into(), &|s| Some(s.syscall)),
            series("spinning".into(), &|s| Some(s.spinning)),
            series("idle".into(), &|s| Some(s.idle)),
        ];
        let end_t = r.t_at(r.explored());
        let lanes: Vec<Vec<Bar>> = r
            .lanes()
            .iter()
            .map(|l| {
                let mut bars: Vec<Bar> = Vec::new();
                for (i, s) in l.iter().enumerate() {
                    let t1 = l.get(i + 1).map_or(end_t, |n| r.t_at(n.step0));
                    let (x0, x1) = (xs(r.t_at(s.step0)), xs(t1));
                    match bars.last_mut() {
                        Some(b) if b.lane == s.lane && !b.mixed => b.x1 = x1,
                        // Too narrow to draw apart: merge into the previous narrow bar.
                        Some(b) if x1 - x0 < 1.0 && (b.x1 - b.x0 < 1.0 || b.mixed) => {
                            b.mixed = true;
                            if matches!(b.lane, Lane::Idle | Lane::Dead) {
                                b.lane = s.lane;
                            }
                            b.x1 = x1;
                        }
                        _ => bars.push(Bar { x0, x1, lane: s.lane, mixed: false, step0: s.step0 }),
                    }
                }
                bars.retain(|b| b.lane != Lane::Idle || b.mixed);
                bars
            })
            .collect();
        Plots { t_max, queues: Rc::new(queues), threads: Rc::new(threads), lanes: Rc::new(lanes), version: r.version() }
    }
}

/// A virtual time in words, exactly: `850 ns`, `12.500 µs`, `1.234567 ms`, `2.000000000 s`.
pub fn fmt_ns(ns: u64) -> String {
    match ns {
        0..=999 => format!("{ns} ns"),
        1_000..=999_999 => format!("{}.{:03} µs", ns / 1_000, ns % 1_000),
        1_000_000..=999_999_999 => format!("{}.{:06} ms", ns / 1_000_000, ns % 1_000_000),
        _ => format!("{}.{:09} s", ns / 1_000_000_000, ns % 1_000_000_000),
    }
}

/// A time in short words for chips and axes: `850ns`, `12.5µs`, `1.23ms`, `2s`.
pub fn short_ns(ns: u64) -> String {
    let f = |v: f64, u: &str| {
        let s = Fixed(v, 2).to_string();
        let s = s.trim_end_matches('0').trim_end_matches('.');
        format!("{s}{u}")
    };
    match ns {
        0..=999 => format!("{ns}ns"),
        1_000..=999_999 => f(ns as f64 / 1e3, "µs"),
        1_000_000..=999_999_999 => f(ns as f64 / 1e6, "ms"),
        _ => f(ns as f64 / 1e9, "s"),
    }
}
