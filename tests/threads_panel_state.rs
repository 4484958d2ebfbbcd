//! Threads mode's panel as reducer state, tested natively: what the panel shows of its run
//! (`Observed`, sent by the panel component) comes and goes with the run's transitions.
//! `cargo test --test threads_panel_state`.
#![cfg(not(target_arch = "wasm32"))]

use gmp::core::ids::GId;
use gmp::core::scenario;
use gmp::core::sim::Sim;
use gmp::web::boot::{boot, DEFAULT_SCENARIO};
use gmp::web::driver::{snapshot, Moves};
use gmp::web::state::{AppState, Msg, Theme, ThreadsCommand};
use gmp::web::threads_panel::{Baseline, Observed, Spread, ThreadsMsg};
use gmp::web::view::Plots;
use std::rc::Rc;

const BUSY: &str = include_str!("e2e/scenarios/busy.json");

fn sim_at(text: &str, n: u64) -> Sim {
    let mut s = Sim::new(&scenario::parse(text).unwrap());
    s.run(n);
    s
}

fn page(text: &str) -> Rc<AppState> {
    Rc::new(AppState::new(boot("", None, Some(text.to_string())), Theme::System, false))
}

/// An observation of threads-mode run `run` (measuring or not), numbered `seq`, of a run of
/// BUSY stopped after `steps` steps with `live` workers.
fn observed(run: u32, measuring: bool, seq: u64, steps: u64, live: u32) -> Rc<Observed> {
    let sim = sim_at(BUSY, steps);
    Rc::new(Observed {
        run,
        measuring,
        seq,
        live,
        idle: 0,
        peak: live,
        created: live,
        paused: false,
        finished: sim.finished(),
        blocking: "spin",
        wall_ms: 12.0,
        work_ms: 3.0,
        rtt_us: Spread { p50: 40.0, p99: 90.0, n: 7 },
        boot_ms: Spread::default(),
        handoff_ms: Spread::default(),
        syscalls_sleep: None,
        gomaxprocs: sim.gomaxprocs(),
        steps: sim.step_count(),
        events: 0,
        preemptions: sim.stats().preemptions,
        max_threads: sim.stats().max_threads,
        sim_now: sim.now(),
        lost: Rc::new(Vec::new()),
        outcome: sim.outcome().map(|o| o.message()),
        schedtrace: Rc::new(sim.schedtrace()),
        state: Rc::new(snapshot(&sim, false)),
        moves: Rc::new(Moves::default()),
        plots: Rc::new(Plots::default()),
        threads_series: Rc::new(vec![(0.0, 0), (1.0, live)]),
        rows: Rc::new(Vec::new()),
        more: false,
        last_rows: Rc::new(Vec::new()),
        detail: None,
    })
}

#[test]
fn what_threads_mode_shows_lives_in_the_reducer() {
    // Going into threads mode: nothing of the run is observed yet ("Starting the workers…").
    let s = page(BUSY).reduce(Msg::ToggleThreads);
    assert!(s.threads && s.threads_panel.shown.is_none());
    // The component's observation of the current run is what the panel shows.
    let first = observed(0, false, 1, 40, 2);
    let s = s.reduce(Msg::ThreadsPanel(ThreadsMsg::Observed(first.clone())));
    let shown = s.threads_panel.shown.clone().expect("shown");
    assert_eq!((shown.seq, shown.live, shown.steps), (1, 2, 40));
    assert_eq!(shown.state.gomaxprocs, sim_at(BUSY, 40).gomaxprocs());
    // A later observation replaces it.
    let s = s.reduce(Msg::ThreadsPanel(ThreadsMsg::Observed(observed(0, false, 2, 90, 3))));
    assert_eq!(s.threads_panel.shown.as_ref().map(|o| (o.seq, o.live, o.steps)), Some((2, 3, 90)));
    // Run again: a new run, nothing observed of it; an observation of the old one is not shown,
    // and the state stays the one it was.
    let s = s.reduce(Msg::ThreadsPanel(ThreadsMsg::RunAgain));
    assert!(s.threads_panel.shown.is_none());
    let stale = s.clone().reduce(Msg::ThreadsPanel(ThreadsMsg::Observed(observed(0, false, 3, 95, 3))));
    assert!(Rc::ptr_eq(&s, &stale));
    let s = s.reduce(Msg::ThreadsPanel(ThreadsMsg::Observed(observed(1, false, 1, 10, 1))));
    assert_eq!(s.threads_panel.shown.as_ref().map(|o| (o.run, o.live)), Some((1, 1)));
    // The keyboard's run again too.
    let s = s.reduce(Msg::Threads(ThreadsCommand::RunAgain));
    assert!(s.threads_panel.shown.is_none());
    let s = s.reduce(Msg::ThreadsPanel(ThreadsMsg::Observed(observed(2, false, 1, 10, 1))));
    // Measuring: the GOMAXPROCS 1 run is another run (same number, measuring).
    let s = s.reduce(Msg::ThreadsPanel(ThreadsMsg::Measure));
    assert!(s.threads_panel.shown.is_none());
    let s = s.reduce(Msg::ThreadsPanel(ThreadsMsg::Observed(observed(2, false, 2, 20, 1))));
    assert!(s.threads_panel.shown.is_none(), "an observation of the run before the measurement");
    let s = s.reduce(Msg::ThreadsPanel(ThreadsMsg::Observed(observed(2, true, 1, 20, 1))));
    assert_eq!(s.threads_panel.shown.as_ref().map(|o| o.measuring), Some(true));
    // Its end starts the scenario itself: nothing observed of that yet.
    let s = s.reduce(Msg::ThreadsPanel(ThreadsMsg::BaselineEnded(Baseline::Done(30.0))));
    assert!(s.threads_panel.shown.is_none() && s.threads_panel.run == 3);
    let s = s.reduce(Msg::ThreadsPanel(ThreadsMsg::Observed(observed(3, false, 1, 40, 2))));
    assert!(s.threads_panel.shown.is_some());
    // The panel's choices keep what is shown (the component observes again under them).
    let s = s.reduce(Msg::ThreadsPanel(ThreadsMsg::MoreRows)).reduce(Msg::ThreadsPanel(ThreadsMsg::Select(Some(GId(1)))));
    assert!(s.threads_panel.shown.is_some());
    // A new scenario ends the run: it is a new run, nothing of it observed yet, and a late
    // observation of the old one is not shown.
    let s = s.reduce(Msg::Load(DEFAULT_SCENARIO.into()));
    assert!(s.threads && s.threads_panel.shown.is_none() && s.threads_panel.run == 4);
    let s = s.reduce(Msg::ThreadsPanel(ThreadsMsg::Observed(observed(3, false, 2, 40, 2))));
    assert!(s.threads_panel.shown.is_none());
    let s = s.reduce(Msg::ThreadsPanel(ThreadsMsg::Observed(observed(4, false, 1, 40, 2))));
    assert!(s.threads_panel.shown.is_some());
    // Leaving threads mode clears it, and an observation arriving afterwards is not taken.
    let s = s.reduce(Msg::ToggleThreads);
    assert!(!s.threads && s.threads_panel.shown.is_none());
    let late = s.clone().reduce(Msg::ThreadsPanel(ThreadsMsg::Observed(observed(4, false, 2, 40, 2))));
    assert!(Rc::ptr_eq(&s, &late) && late.threads_panel.shown.is_none());
    // Coming back starts from nothing observed.
    let s = s.reduce(Msg::ToggleThreads);
    assert!(s.threads && s.threads_panel.shown.is_none());
}
