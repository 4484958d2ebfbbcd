//! Golden traces: the full `trace` output of a few scenarios, checked in under
//! `tests/golden/`. A change in scheduling shows up here as a readable diff; when it is
//! intended, refresh with `UPDATE_EXPECT=1 cargo test --test golden`.
#![cfg(not(target_arch = "wasm32"))]

mod common;
use expect_test::expect_file;
use gmp::core::sim::Sim;

fn trace(file: &str) -> String {
    let json = std::fs::read_to_string(format!("{}/tests/scenarios/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let mut sim = Sim::new(&common::scenario(&json));
    let mut out = String::new();
    while sim.step() {
        sim.check_invariants().unwrap();
        for e in sim.events() {
            out.push_str(&format!("{:#}\n", e.trace_line(sim.program())));
        }
    }
    out.push_str(&format!("# {}\n", sim.outcome().unwrap().message()));
    out.push_str(&format!("# {}\n", sim.schedtrace()));
    out
}

#[test]
fn golden_handoff() {
    expect_file!["golden/handoff.trace"].assert_eq(&trace("handoff.json"));
}

#[test]
fn golden_steal() {
    expect_file!["golden/steal.trace"].assert_eq(&trace("steal.json"));
}

#[test]
fn golden_netpoll() {
    expect_file!["golden/netpoll.trace"].assert_eq(&trace("netpoll.json"));
}

#[test]
fn golden_gomaxprocs() {
    expect_file!["golden/gomaxprocs.trace"].assert_eq(&trace("gomaxprocs.json"));
}

/// The digest the wasm test (`tests/wasm_determinism.rs`) must reproduce in a browser.
#[test]
fn determinism_digest_matches_the_wasm_golden() {
    let json = std::fs::read_to_string(format!("{}/tests/scenarios/steal.json", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let digest = common::digest(&json);
    expect_file!["golden/steal.digest"].assert_eq(&format!("{digest:016x}\n"));
}
