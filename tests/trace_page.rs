//! The trace panel's logic natively (issue 12, "The page"): what the worker does with a
//! trace's chunks (`web::trace_view::TraceIngest`), the real run's per-P timeline
//! (`core::trace::timeline`), the replay run in slices (`SimLane`), the what-if, and the
//! panel's reducer. `cargo test --test trace_page`.
#![cfg(not(target_arch = "wasm32"))]

#[path = "trace/synth.rs"]
mod synth;

use gmp::core::scenario;
use gmp::core::sim::Sim;
use gmp::core::summary::Summary;
use gmp::core::timeline::Timeline;
use gmp::core::trace::summary::summarize;
use gmp::core::trace::timeline::{RealTimeline, MAX_SPANS};
use gmp::core::trace::{Pull, TraceReader};
use gmp::web::trace_view::{what_if, Lane, Phase, SimLane, TraceIngest, TraceMsg, TraceOpened, TraceView, WhatIf};

const GENERATIONS: &[u8] = include_bytes!("trace/fixtures/generations-go1.26.6.trace");
const PROCS: &[u8] = include_bytes!("trace/fixtures/procs-go1.26.6.trace");
const GEN_REPLAY: &str = include_str!("trace/fixtures/generations-go1.26.6.replay.json");

fn ingest(bytes: &[u8], chunk: usize, name: &str) -> Result<TraceOpened, String> {
    let mut ing = TraceIngest::new();
    for c in bytes.chunks(chunk.max(1)) {
        ing.feed(c)?;
    }
    assert_eq!(ing.fed(), bytes.len() as u64);
    ing.finish(name)
}

#[test]
fn ingest_gives_the_cli_summary_and_replay() {
    let t = ingest(GENERATIONS, 4 << 20, "generations-go1.26.6.trace").unwrap();
    let s = summarize(GENERATIONS).unwrap();
    assert_eq!(t.go, "1.26");
    assert_eq!(t.gomaxprocs, s.gomaxprocs);
    assert_eq!(t.goroutines, s.goroutines.len() as u64);
    assert_eq!(t.threads, s.threads.len() as u64);
    assert_eq!(t.duration_ns, s.duration_ns());
    assert_eq!(t.bytes, GENERATIONS.len() as u64);
    // The replay is `gmpsim import --trace`'s, text for text (the committed fixture).
    assert_eq!(t.replay.as_deref().unwrap().trim_end(), GEN_REPLAY.trim_end());
    // The real run has a row per P of the trace, with work on it.
    assert!(t.real.ps.len() >= 2, "{:?}", t.real.ps.len());
    assert!(t.real.busy_ns.iter().sum::<u64>() > 0);
    assert_eq!(t.quantum_ns, 0, "a small trace is drawn unmerged");
}

#[test]
fn chunk_size_does_not_matter() {
    let whole = ingest(PROCS, PROCS.len(), "p").unwrap();
    for chunk in [1, 7, 4096, 65_536] {
        assert_eq!(ingest(PROCS, chunk, "p").unwrap(), whole, "chunks of {chunk}");
    }
}

#[test]
fn bad_traces_give_the_cores_error_with_its_offset() {
    let garbage = ingest(b"this is not a Go execution trace at all", 8, "x").unwrap_err();
    assert!(garbage.starts_with("offset 0: "), "{garbage}");
    assert!(garbage.contains("expected"), "{garbage}");
    let cut = &GENERATIONS[..GENERATIONS.len() / 2];
    let truncated = ingest(cut, 1000, "x").unwrap_err();
    assert!(truncated.contains("truncated"), "{truncated}");
    let offset: u64 = truncated.trim_start_matches("offset ").split(':').next().unwrap().parse().unwrap();
    assert!(offset <= cut.len() as u64);
    let mut bad = GENERATIONS.to_vec();
    bad[16] = 0xee;
    assert_eq!(ingest(&bad, 100, "x").unwrap_err(), "offset 16: expected a batch header (EventBatch or ExperimentalBatch) or EndOfGeneration, found byte 0xee");
    assert!(ingest(b"", 1, "x").is_err(), "an empty file is not a trace");
}

/// Busy time per P computed the plain way (as tests/trace_replay.rs does), for comparison.
fn busy_plain(bytes: &[u8], user: impl Fn(u64) -> bool) -> Vec<u64> {
    let mut r = TraceReader::new();
    r.feed(bytes);
    r.finish();
    let mut tl = RealTimeline::new();
    while let Pull::Event(ev) = r.next().unwrap() {
        let ev = *ev;
        tl.add(&ev, &user);
    }
    tl.finish().busy_ns
}

#[test]
fn real_timeline_spans_add_up_to_busy_time() {
    let t = ingest(GENERATIONS, 1 << 20, "g").unwrap();
    for (p, row) in t.real.ps.iter().enumerate() {
        let sum: u64 = row.iter().map(|&(a, b, _)| b - a).sum();
        assert_eq!(sum, t.real.busy_ns[p], "P{p}");
        assert!(row.windows(2).all(|w| w[0].1 <= w[1].0), "P{p}'s spans in order, not overlapping");
        assert!(row.iter().all(|&(_, b, _)| b <= t.real.end));
    }
    // With every goroutine drawn, there is at least as much busy time.
    let all: u64 = busy_plain(GENERATIONS, |_| true).iter().sum();
    assert!(all >= t.real.busy_ns.iter().sum::<u64>());
}

#[test]
fn a_long_trace_is_drawn_with_bounded_spans_and_exact_busy_time() {
    let (big, _) = synth::repeat_generations(PROCS, 8 << 20);
    let t = ingest(&big, 1 << 20, "big").unwrap();
    assert!(t.quantum_ns > 0, "spans were merged");
    for (p, row) in t.real.ps.iter().enumerate() {
        assert!(row.len() <= MAX_SPANS + 1, "P{p}: {} spans", row.len());
        let drawn: u64 = row.iter().map(|&(a, b, _)| b - a).sum();
        assert!(drawn >= t.real.busy_ns[p], "merging only fills gaps");
    }
    // Beyond the scenario's limits there is no replay, and the message says where it stopped;
    // the real run is still drawn whole.
    let why = t.replay.as_ref().unwrap_err();
    assert!(why.starts_with("the replay stopped at byte ") && why.contains("limit"), "{why}");
    assert!(t.real.end > 1_000_000_000, "the real lane covers the whole trace: {} ns", t.real.end);
    // Busy time is counted before merging: the same whatever the chunk size (which changes
    // nothing of the events, so nothing of the merges either), never more than the run.
    let again = ingest(&big, 3 << 20, "big").unwrap();
    assert_eq!(again.real.busy_ns, t.real.busy_ns);
    assert!(t.real.busy_ns.iter().all(|&b| b <= t.real.end));
}

#[test]
fn lane_bars_are_bounded_and_joined() {
    let lane = Lane { ps: vec![vec![(0, 10, 1), (10, 20, 2), (500, 600, 3), (990, 1000, 1)], vec![]], end: 1000, busy_ns: vec![130, 0] };
    let bars = lane.bars(1000, 100);
    assert_eq!(bars[0], vec![(0, 2), (50, 10), (99, 1)]);
    assert!(bars[1].is_empty());
    // A zoomed-out axis joins everything that falls in one unit, and nothing passes the end.
    let many = Lane { ps: vec![(0..10_000u64).map(|i| (i * 10, i * 10 + 5, 1)).collect()], end: 100_000, busy_ns: vec![50_000] };
    let b = many.bars(100_000, 500);
    assert_eq!(b[0], vec![(0, 500)]);
    let b = many.bars(200_000, 500);
    assert_eq!(b[0], vec![(0, 250)]);
}

fn replay_of(bytes: &[u8]) -> scenario::Scenario {
    scenario::parse(ingest(bytes, 1 << 20, "t").unwrap().replay.as_deref().unwrap()).unwrap()
}

#[test]
fn sim_lane_in_slices_equals_one_run() {
    let s = replay_of(GENERATIONS);
    let mut lane = SimLane::new(&s);
    let mut slices = 0;
    while !lane.advance(7) {
        slices += 1;
    }
    assert!(slices > 2);
    let r = lane.result();
    let mut sim = Sim::new(&s);
    let whole = Summary::of_run(&mut sim, u64::MAX);
    assert_eq!(r.summary, whole);
    let mut sim = Sim::new(&s);
    let mut tl = Timeline::new();
    while sim.step() {
        tl.observe(&sim);
    }
    tl.finish();
    assert_eq!(r.lane, Lane::of(&tl, whole.p_busy_ns.clone()));
    assert!(lane.advance(10), "stays done");
}

#[test]
fn what_if_sets_gomaxprocs_and_release_and_checks_limits() {
    let s = replay_of(GENERATIONS);
    let w = what_if(&s, WhatIf { gomaxprocs: 1, go: 19 }).unwrap();
    assert_eq!((w.gomaxprocs, w.go), (1, 19));
    assert_eq!(w.funcs.len(), s.funcs.len());
    assert!(what_if(&s, WhatIf { gomaxprocs: 0, go: 26 }).unwrap_err().contains("GOMAXPROCS"));
    assert!(what_if(&s, WhatIf { gomaxprocs: 5000, go: 26 }).is_err());
}

fn run(v: &TraceView) -> TraceView {
    let s = v.run_scenario().expect("a run is asked for").unwrap();
    let w = v.running.unwrap();
    let mut lane = SimLane::new(&s);
    while !lane.advance(10_000) {}
    v.reduce(TraceMsg::SimDone(w, Box::new(lane.result())))
}

#[test]
fn reducer_open_run_what_if() {
    let v = TraceView::default();
    let v = v.reduce(TraceMsg::Start { name: "g.trace".into(), total: GENERATIONS.len() as u64 });
    assert!(matches!(v.phase, Phase::Reading { done: 0, .. }));
    let v = v.reduce(TraceMsg::Progress { done: 100 });
    assert!(matches!(v.phase, Phase::Reading { done: 100, .. }));
    let t = ingest(GENERATIONS, 1 << 20, "g.trace").unwrap();
    let v = v.reduce(TraceMsg::Opened(Box::new(t.clone())));
    assert_eq!(v.phase, Phase::Open);
    let own = v.own().unwrap();
    // The replay starts at the trace's first GOMAXPROCS (this one then changes it: the summary's
    // is the last).
    let replay = scenario::parse(t.replay.as_deref().unwrap()).unwrap();
    assert_eq!((own.gomaxprocs, own.go), (replay.gomaxprocs, replay.go));
    assert_eq!((own.gomaxprocs, t.gomaxprocs), (2, 1));
    assert_eq!(v.running, Some(own), "the replay runs at once at the trace's own GOMAXPROCS");
    assert_eq!(v.form, own);
    // Re-run waits for the baseline.
    assert_eq!(v.reduce(TraceMsg::ReRun).running, Some(own));
    let v = run(&v);
    assert!(v.running.is_none() && v.base.is_some() && v.what_if.is_none());
    let base_total = v.shown().unwrap().summary.total_ns;
    assert!(v.t_max() >= base_total.max(t.real.end));
    // A bad GOMAXPROCS is said, nothing runs.
    let bad = v.reduce(TraceMsg::SetGomaxprocs(0)).reduce(TraceMsg::ReRun);
    assert!(bad.running.is_none() && bad.form_error.is_some());
    // The what-if: one P and Go 1.19's rules.
    let v = v.reduce(TraceMsg::SetGomaxprocs(1)).reduce(TraceMsg::SetRelease(19)).reduce(TraceMsg::ReRun);
    let w = WhatIf { gomaxprocs: 1, go: 19 };
    assert_eq!(v.running, Some(w));
    // A stale run's answer is ignored.
    let stale = v.reduce(TraceMsg::SimDone(own, Box::new(v.base.as_deref().unwrap().clone())));
    assert!(stale.what_if.is_none() && stale.running == Some(w));
    let v = run(&v);
    let (ww, r) = v.what_if.clone().unwrap();
    assert_eq!(ww, w);
    assert_ne!(r.summary, v.base.as_ref().unwrap().summary, "the what-if runs differently");
    let d = v.delta().unwrap();
    assert_eq!(d.total_ns, r.summary.total_ns as i64 - base_total as i64);
    assert_eq!(v.shown().unwrap().summary, r.summary, "the sim lane shows the what-if");
    let (caption, total, lines) = v.delta_table().unwrap();
    assert_eq!(total, d.total_ns);
    assert!(caption.contains(&format!("GOMAXPROCS {}, Go 1.{}", own.gomaxprocs, own.go)), "{caption}");
    let b = &v.base.as_ref().unwrap().summary;
    assert_eq!(lines[2], format!("steals: {} → {} ({:+})", b.steals, r.summary.steals, d.steals));
    assert_eq!(lines.len(), 5);
    assert!(v.summary_line("g.trace").starts_with("g.trace: go 1.26 trace, "), "{}", v.summary_line("g.trace"));
    assert!(v.summary_line("g.trace").contains(&format!("{} goroutines", t.goroutines)));
    // A failed open keeps the trace already open (and says why).
    let f = v.reduce(TraceMsg::Start { name: "junk".into(), total: 5 }).reduce(TraceMsg::Failed("offset 0: expected go 1.N trace".into()));
    assert_eq!(f.phase, Phase::Failed { name: "junk".into(), message: "offset 0: expected go 1.N trace".into() });
    assert_eq!(f.opened, v.opened);
    assert_eq!(f.what_if, v.what_if);
    // Cancel while reading.
    let c = v.reduce(TraceMsg::Start { name: "big".into(), total: 5 }).reduce(TraceMsg::Cancel);
    assert_eq!(c.phase, Phase::Cancelled { name: "big".into() });
    assert_eq!(c.opened, v.opened);
    // An answer after a cancel is dropped.
    let late = c.reduce(TraceMsg::Opened(Box::new(t)));
    assert_eq!(late.phase, c.phase);
}

#[test]
fn the_replay_goes_on_the_board_as_a_link_does() {
    use gmp::web::boot::boot;
    use gmp::web::state::{AppState, Msg, Theme};
    use std::rc::Rc;
    let mine = r#"{"version": 1, "name": "mine", "gomaxprocs": 2, "main": [{"work": "1ms"}]}"#;
    let s = Rc::new(AppState::new(boot("", None, Some(mine.to_string())), Theme::System, false));
    let text = ingest(GENERATIONS, 1 << 20, "g.trace").unwrap().replay.unwrap();
    let s = s.reduce(Msg::OpenTrace(text.clone()));
    assert_eq!(*s.running_text, text, "the replay runs");
    assert_eq!(s.editor.text.as_str(), text, "and is in the editor");
    assert!(s.from_link, "as a link's: the user's own work stays in storage");
    assert!(s.save_good.is_none(), "nothing of the user's is overwritten");
    assert_eq!(s.driver.borrow().step(), 0);
    // Text that is not a scenario changes nothing.
    let same = s.clone().reduce(Msg::OpenTrace("{".into()));
    assert!(Rc::ptr_eq(&same, &s));
}
