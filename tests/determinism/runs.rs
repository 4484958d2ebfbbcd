//! The fixed set of runs whose event-stream digests are committed in `digests.txt`, shared by
//! the native test (`tests/properties.rs`) and the wasm32 one (`tests/wasm_determinism.rs`), so
//! that each platform is checked against the same fixed values (a run compared with a second
//! run in the same process cannot catch nondeterminism across processes or platforms).
//!
//! The runs: every lesson, the golden-trace scenarios, two seeds of one steal-heavy program,
//! and `corpus.jsonl`, scenarios drawn once from the property tests' generator with a fixed
//! RNG seed (see `tests/properties.rs`), one compact JSON document per line.
#![allow(dead_code)] // each test uses part of it

use gmp::core::lessons;
use gmp::core::scenario::parse;
use gmp::core::sim::digest;

/// The corpus drawn from the property tests' generator.
pub const CORPUS: &str = include_str!("corpus.jsonl");

/// The committed digests: one `name digest` line per run.
pub const DIGESTS: &str = include_str!("digests.txt");

/// Every run: (name, scenario document).
pub fn runs() -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = lessons::all().iter().map(|l| (format!("lesson/{}", l.id), l.scenario)).collect();
    out.push(("scenario/handoff".into(), include_str!("../scenarios/handoff.json")));
    out.push(("scenario/steal".into(), include_str!("../scenarios/steal.json")));
    out.push(("scenario/netpoll".into(), include_str!("../scenarios/netpoll.json")));
    out.push(("scenario/gomaxprocs".into(), include_str!("../scenarios/gomaxprocs.json")));
    out.push(("seed/42".into(), include_str!("seed-42.json")));
    out.push(("seed/43".into(), include_str!("seed-43.json")));
    for (i, line) in CORPUS.lines().enumerate() {
        out.push((format!("random/{i:02}"), line));
    }
    out
}

/// The digest of every run, as the lines of `digests.txt`.
pub fn digest_lines() -> String {
    let mut out = String::new();
    for (name, json) in runs() {
        let s = parse(json).unwrap_or_else(|e| panic!("{name}: invalid scenario: {e:?}"));
        out.push_str(&format!("{name} {:016x}\n", digest(&s)));
    }
    out
}
