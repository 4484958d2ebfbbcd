//! The same scenario gives the same event stream in wasm32 as natively: the digest of a
//! whole run, computed here inside WebAssembly, equals the golden digest the native test
//! (`tests/golden.rs`) checks. Run with `cargo test --target wasm32-unknown-unknown --test
//! wasm_determinism` (wasm-bindgen-test-runner, under Node).
#![cfg(target_arch = "wasm32")]

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

#[wasm_bindgen_test]
fn every_golden_scenario_runs_to_the_same_end_in_wasm() {
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
