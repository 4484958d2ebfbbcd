//! The same scenario gives the same event stream in wasm32 as natively: the digests of whole
//! runs, computed here inside WebAssembly, equal the committed values the native tests check
//! (`tests/golden.rs` for the steal scenario, `tests/properties.rs` for every run of
//! `tests/determinism/`: every lesson, the golden scenarios, two seeds and a corpus of random
//! scenarios). Run with `cargo test --target wasm32-unknown-unknown --test wasm_determinism`
//! (wasm-bindgen-test-runner, under Node).
#![cfg(target_arch = "wasm32")]

#[path = "determinism/runs.rs"]
mod fixed_runs;

use gmp::core::scenario::parse;
use gmp::core::sim::digest;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn steal_scenario_digest_matches_native() {
    let json = include_str!("scenarios/steal.json");
    let want = include_str!("golden/steal.digest").trim();
    let s = parse(json).expect("valid");
    assert_eq!(format!("{:016x}", digest(&s)), want);
}

/// Every fixed run's digest in wasm32 is the committed one, line by line.
#[wasm_bindgen_test]
fn every_fixed_run_gives_its_committed_digest_in_wasm() {
    let got = fixed_runs::digest_lines();
    let want = fixed_runs::DIGESTS;
    assert_eq!(got.lines().count(), want.lines().count(), "the runs and tests/determinism/digests.txt differ in number");
    for (g, w) in got.lines().zip(want.lines()) {
        assert_eq!(g, w, "wasm32 digest differs from the committed (native) one");
    }
    assert!(want.lines().count() > 40);
}

#[wasm_bindgen_test]
fn every_golden_scenario_keeps_its_invariants_in_wasm() {
    for json in [
        include_str!("scenarios/handoff.json"),
        include_str!("scenarios/netpoll.json"),
        include_str!("scenarios/gomaxprocs.json"),
    ] {
        let s = parse(json).expect("valid");
        let mut sim = gmp::core::sim::Sim::new(&s);
        while sim.step() {
            sim.check_invariants().expect("invariants hold in wasm too");
        }
        assert!(sim.finished());
    }
}
