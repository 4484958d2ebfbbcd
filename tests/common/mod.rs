//! Helpers shared by the integration tests: load a scenario, run it with the invariants
//! checked after every step, and pick events out of the stream.
#![allow(dead_code)]

pub mod go;

use gmp::core::event::{Event, What};
use gmp::core::scenario::{self, Scenario};
use gmp::core::sim::Sim;
#[allow(unused_imports)]
pub use gmp::core::ids::{GId, MId, PId};

/// Parses a scenario that must be valid.
#[track_caller]
pub fn scenario(json: &str) -> Scenario {
    match scenario::parse(json) {
        Ok(s) => s,
        Err(ps) => panic!("invalid test scenario: {}", ps.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("; ")),
    }
}

/// Runs to the end (or `max_steps`), checking every invariant after every step; returns the
/// simulator and every event.
#[track_caller]
pub fn run(json: &str, max_steps: u64) -> (Sim, Vec<Event>) {
    let mut sim = Sim::new(&scenario(json));
    let mut all = Vec::new();
    while sim.step_count() < max_steps && sim.step() {
        all.extend_from_slice(sim.events());
        if let Err(e) = sim.check_invariants() {
            panic!("invariant broken after step {}: {e}\nlast events: {:#?}", sim.step_count(), sim.events());
        }
    }
    (sim, all)
}

/// Runs until `pred` holds for the state after a step; returns the simulator there.
#[track_caller]
pub fn run_until(json: &str, mut pred: impl FnMut(&Sim) -> bool) -> Sim {
    let mut sim = Sim::new(&scenario(json));
    while sim.step() {
        sim.check_invariants().unwrap_or_else(|e| panic!("invariant broken after step {}: {e}", sim.step_count()));
        if pred(&sim) {
            return sim;
        }
    }
    panic!("the run ended ({:?}) before the condition held", sim.outcome());
}

/// Goroutine ids in the order they started running (GoStart events).
pub fn start_order(events: &[Event]) -> Vec<u32> {
    events.iter().filter(|e| e.kind() == "GoStart").map(|e| e.g.unwrap().0).collect()
}

/// The events of a kind.
pub fn of_kind<'a>(events: &'a [Event], kind: &str) -> Vec<&'a Event> {
    events.iter().filter(|e| e.kind() == kind).collect()
}

/// The first event matching.
#[track_caller]
pub fn first(events: &[Event], f: impl Fn(&Event) -> bool) -> &Event {
    events.iter().find(|e| f(e)).expect("no such event")
}

/// True if the event is a GoStart of goroutine `g`.
pub fn starts(e: &Event, g: u32) -> bool {
    e.kind() == "GoStart" && e.g.map(|x| x.0) == Some(g)
}

/// The `What::GoStart` fields of an event.
pub fn go_start(e: &Event) -> (bool, u32) {
    match e.what {
        What::GoStart { inherit, schedtick, .. } => (inherit, schedtick),
        _ => panic!("not a GoStart: {e:?}"),
    }
}

/// FNV-1a over every event's fields and explanation: a platform-independent fingerprint of a
/// run's event stream.
pub fn digest(json: &str) -> u64 {
    gmp::core::sim::digest(&scenario(json))
}

/// Runs the `gmpsim` binary built for the tests, with `stdin` as standard input.
pub fn gmpsim(args: &[&str], stdin: Option<&str>) -> std::process::Output {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_gmpsim"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(text) = stdin {
        child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

/// Goroutine ids from their numbers (G1 is 1).
pub fn gids(ns: impl IntoIterator<Item = u32>) -> Vec<GId> {
    ns.into_iter().map(GId).collect()
}
