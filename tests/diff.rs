//! Two runs compared (`core::compare`, `gmpsim diff`): the first divergence, next and previous
//! divergence against a brute-force scan, the summary deltas, and bad input in one lane.
#![cfg(not(target_arch = "wasm32"))]

mod common;
use common::gmpsim;

use gmp::core::compare::{events_at, same_step, Comparison};
use gmp::core::event::{Event, What};
use gmp::core::scenario::{self, Scenario};
use gmp::core::sim::Sim;
use gmp::core::summary::Summary;
use std::process::Output;

fn path(name: &str) -> String {
    format!("{}/tests/scenarios/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn load(name: &str) -> Scenario {
    scenario::parse(&std::fs::read_to_string(path(name)).unwrap()).unwrap()
}

fn with(name: &str, f: impl FnOnce(&mut Scenario)) -> Scenario {
    let mut s = load(name);
    f(&mut s);
    scenario::parse(&s.to_json()).unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn json(o: &Output) -> serde_json::Value {
    assert_eq!(o.status.code(), Some(0), "{}", stderr(o));
    serde_json::from_str(&stdout(o)).unwrap()
}

/// Every step's events of a run, by brute force.
fn steps_of(s: &Scenario, max: u64) -> Vec<Vec<Event>> {
    let mut sim = Sim::new(s);
    let mut all = Vec::new();
    while sim.step_count() < max && sim.step() {
        all.push(sim.events().to_vec());
    }
    all
}

/// The divergent steps, by brute force.
fn brute(a: &Scenario, b: &Scenario, max: u64) -> Vec<u64> {
    let (sa, sb) = (steps_of(a, max), steps_of(b, max));
    let none: Vec<Event> = Vec::new();
    (0..sa.len().max(sb.len()))
        .filter(|&i| !same_step(sa.get(i).unwrap_or(&none), sb.get(i).unwrap_or(&none)))
        .map(|i| i as u64 + 1)
        .collect()
}

#[test]
fn identical_runs_have_no_divergence() {
    let s = load("handoff.json");
    let c = Comparison::new(&s, &s, u64::MAX);
    assert!(c.first().is_none());
    assert!(c.complete);
    assert_eq!(c.next_divergence(0), None);
    assert_eq!(c.prev_divergence(c.steps + 1), None);
    assert_eq!(c.a, c.b);

    let o = gmpsim(&["diff", &path("handoff.json"), &path("handoff.json"), "--format", "json"], None);
    let v = json(&o);
    assert_eq!(v["step"], serde_json::Value::Null);
    assert_eq!(v["a"], serde_json::json!([]));
    assert_eq!(v["b"], serde_json::json!([]));
    for k in ["total_ns", "threads", "steals", "handoffs", "preemptions"] {
        assert_eq!(v["summary"]["delta"][k], 0, "{k}");
    }
    let text = gmpsim(&["diff", &path("handoff.json"), &path("handoff.json")], None);
    assert_eq!(text.status.code(), Some(0));
    assert!(stdout(&text).starts_with("no divergence"), "{}", stdout(&text));
}

#[test]
fn gomaxprocs_2_vs_4_diverges_after_the_startup_procs_change() {
    let a = with("steal.json", |s| s.gomaxprocs = 2);
    let b = with("steal.json", |s| s.gomaxprocs = 4);
    // Step 1's ProcsChange differs in its facts (0→2, 0→4) and still counts as the same.
    let (e1a, e1b) = (events_at(&a, 1), events_at(&b, 1));
    assert!(matches!(e1a[0].what, What::ProcsChange { from: 0, to: 2 }));
    assert!(matches!(e1b[0].what, What::ProcsChange { from: 0, to: 4 }));
    assert!(same_step(&e1a, &e1b));

    let c = Comparison::new(&a, &b, u64::MAX);
    let d = c.first().expect("the runs diverge");
    assert!(d.step > 1, "diverged at {}", d.step);
    assert!(!d.a.iter().chain(&d.b).all(|e| matches!(e.what, What::ProcsChange { .. })));
    assert_eq!(d.a, events_at(&a, d.step));
    assert_eq!(d.b, events_at(&b, d.step));
    assert_eq!(c.divergences().next(), Some(d.step));

    // The command line, with the what-if flags, says the same.
    let o = gmpsim(&["diff", &path("steal.json"), &path("steal.json"), "--a-gomaxprocs", "2", "--format", "json"], None);
    let v = json(&o);
    assert_eq!(v["step"], d.step);
    let a_events = v["a"].as_array().unwrap();
    assert_eq!(a_events.len(), d.a.len());
    for (j, e) in a_events.iter().zip(&d.a) {
        assert_eq!(j["kind"], e.kind());
        assert_eq!(j["step"], d.step);
        assert_eq!(j["t"], e.t);
        assert_eq!(j["p"], serde_json::json!(e.p.map(|p| p.0)));
        assert!(j["text"].is_string() && j.get("detail").is_some());
    }
    assert_eq!(v["b"].as_array().unwrap().len(), d.b.len());
    let text = stdout(&gmpsim(&["diff", &path("steal.json"), &path("steal.json"), "--a-gomaxprocs", "2"], None));
    assert!(text.starts_with(&format!("first divergence: step {}", d.step)), "{text}");
    for word in ["A at step", "B at step", "virtual time", "threads", "steals", "hand-offs", "preemptions", "P3 busy"] {
        assert!(text.contains(word), "text lacks {word:?}:\n{text}");
    }
}

#[test]
fn different_seeds_diverge_where_the_brute_force_scan_says() {
    let a = load("steal.json");
    for seed in [1, 2, 5] {
        let b = with("steal.json", |s| s.seed = seed);
        let c = Comparison::new(&a, &b, u64::MAX);
        let want = brute(&a, &b, u64::MAX);
        assert!(!want.is_empty(), "seed {seed} changes the steal order");
        assert_eq!(c.first().map(|d| d.step), want.first().copied(), "seed {seed}");
        assert_eq!(c.divergences().collect::<Vec<_>>(), want, "seed {seed}");
    }
}

#[test]
fn next_and_previous_divergence_agree_with_a_brute_force_scan() {
    let cases = [
        (load("steal.json"), with("steal.json", |s| s.seed = 1)),
        (load("handoff.json"), with("handoff.json", |s| s.gomaxprocs = 3)),
        (load("netpoll.json"), with("netpoll.json", |s| s.seed = s.seed.wrapping_add(1))),
    ];
    for (a, b) in &cases {
        for max in [u64::MAX, 20] {
            let c = Comparison::new(a, b, max);
            let want = brute(a, b, max);
            assert!(c.steps <= max);
            for s in 0..=c.steps + 2 {
                let next = want.iter().copied().find(|&d| d > s);
                let prev = want.iter().copied().rev().find(|&d| d < s);
                assert_eq!(c.next_divergence(s), next, "next after {s}");
                assert_eq!(c.prev_divergence(s), prev, "previous before {s}");
                assert_eq!(c.diverges_at(s), want.contains(&s), "at {s}");
            }
            assert_eq!(c.divergent_steps(), want.len() as u64);
        }
    }
}

#[test]
fn max_steps_bounds_the_comparison() {
    let a = load("handoff.json");
    let b = with("handoff.json", |s| s.gomaxprocs = 3);
    let c = Comparison::new(&a, &b, 5);
    assert_eq!(c.steps, 5);
    assert!(!c.complete);
    assert_eq!(c.a.steps, 5);
    let v = json(&gmpsim(&["diff", &path("handoff.json"), &path("handoff.json"), "--max-steps", "2", "--format", "json"], None));
    assert_eq!(v["summary"]["a"]["steps"], 2);
}

#[test]
fn summary_deltas_are_b_minus_a() {
    let a = load("handoff.json");
    let b = with("handoff.json", |s| s.gomaxprocs = 3);
    let c = Comparison::new(&a, &b, u64::MAX);
    // Each lane's summary is the one of its run alone.
    assert_eq!(c.a, Summary::of_run(&mut Sim::new(&a), u64::MAX));
    assert_eq!(c.b, Summary::of_run(&mut Sim::new(&b), u64::MAX));
    let mut sim = Sim::new(&b);
    let sb = Summary::of_run(&mut sim, u64::MAX);
    assert_eq!(sb.total_ns, sim.now());
    assert_eq!(sb.threads, sim.stats().threads_created);
    assert!(sb.p_busy_ns.iter().all(|&ns| ns <= sb.total_ns));
    assert!(sb.p_busy_ns.iter().any(|&ns| ns > 0));

    let v = json(&gmpsim(&["diff", &path("handoff.json"), &path("handoff.json"), "--b-gomaxprocs", "3", "--format", "json"], None));
    let s = &v["summary"];
    for k in ["steps", "events", "total_ns", "threads", "steals", "handoffs", "preemptions"] {
        let d = s["b"][k].as_i64().unwrap() - s["a"][k].as_i64().unwrap();
        assert_eq!(s["delta"][k].as_i64().unwrap(), d, "{k}");
    }
    let (pa, pb, pd) = (s["a"]["p_busy_ns"].as_array().unwrap(), s["b"]["p_busy_ns"].as_array().unwrap(), s["delta"]["p_busy_ns"].as_array().unwrap());
    assert_eq!(pd.len(), pa.len().max(pb.len()));
    for (i, d) in pd.iter().enumerate() {
        let at = |v: &Vec<serde_json::Value>| v.get(i).and_then(|x| x.as_i64()).unwrap_or(0);
        assert_eq!(d.as_i64().unwrap(), at(pb) - at(pa), "P{i}");
    }
    assert_eq!(s["delta"]["total_ns"].as_i64().unwrap(), c.delta().total_ns);
}

#[test]
fn a_bad_lane_is_reported_with_its_name_and_place() {
    let bad = r#"{"version":1,"funcs":{"worker":[]},"main":[{"go":"wrker"},{"send":"jobs"}]}"#;
    let o = gmpsim(&["diff", &path("steal.json"), "-"], Some(bad));
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).is_empty());
    let err = stderr(&o);
    assert!(err.lines().count() >= 2, "every problem: {err}");
    assert!(err.lines().all(|l| l.starts_with("B: ")), "{err}");
    assert!(err.contains("B: main[0].go: unknown func \"wrker\""), "{err}");

    // Both lanes bad: both reported, A first.
    let o = gmpsim(&["diff", "-", "/nonexistent/b.json"], Some(bad));
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.lines().next().unwrap().starts_with("A: "), "{err}");
    assert!(err.lines().any(|l| l.starts_with("B: /nonexistent/b.json")), "{err}");

    // A what-if that breaks the limits is the lane's problem too.
    let o = gmpsim(&["diff", &path("steal.json"), &path("steal.json"), "--a-gomaxprocs", "0"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).starts_with("A: "), "{}", stderr(&o));
    let o = gmpsim(&["diff", "-", "-"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("only one of A and B"), "{}", stderr(&o));
}

#[test]
fn the_merged_timeline_agrees_with_the_busy_times() {
    let a = load("handoff.json");
    let b = with("handoff.json", |s| s.gomaxprocs = 3);
    let c = Comparison::new(&a, &b, u64::MAX);
    let merged = c.merged_timeline();
    assert_eq!(merged.len(), c.a.p_busy_ns.len().max(c.b.p_busy_ns.len()));
    for (i, (sa, sb)) in merged.iter().enumerate() {
        for (spans, s, t) in [(sa, &c.a, &c.timeline_a), (sb, &c.b, &c.timeline_b)] {
            let total: u64 = spans.iter().map(|x| x.end - x.start).sum();
            assert_eq!(total, s.p_busy_ns.get(i).copied().unwrap_or(0), "P{i}");
            assert_eq!(t.busy_in(i, 0, u64::MAX), total, "P{i}");
            assert!(spans.windows(2).all(|w| w[0].end <= w[1].start), "P{i}'s spans in order");
        }
    }
    let text = stdout(&gmpsim(&["diff", &path("handoff.json"), &path("handoff.json"), "--b-gomaxprocs", "3"], None));
    assert!(text.contains("per-P timeline") && text.contains("P2   B |#"), "{text}");
}

#[test]
fn after_and_before_report_the_next_and_previous_divergence() {
    let a = load("steal.json");
    let b = with("steal.json", |s| s.seed = 1);
    let c = Comparison::new(&a, &b, u64::MAX);
    let seed1 = std::env::temp_dir().join(format!("gmp-diff-seed1-{}.json", std::process::id()));
    std::fs::write(&seed1, b.to_json()).unwrap();
    let seed1 = seed1.to_str().unwrap();
    let first = c.first().unwrap().step;
    for (flag, s, want) in [("--after", first, c.next_divergence(first)), ("--before", c.steps + 1, c.prev_divergence(c.steps + 1)), ("--before", first, None)] {
        let v = json(&gmpsim(&["diff", &path("steal.json"), seed1, flag, &s.to_string(), "--format", "json"], None));
        assert_eq!(v["step"], serde_json::json!(want), "{flag} {s}");
        if let Some(step) = want {
            assert_eq!(v["a"].as_array().unwrap().len(), events_at(&a, step).len());
            assert_eq!(v["b"].as_array().unwrap().len(), events_at(&b, step).len());
            assert!(v["a"].as_array().unwrap().iter().all(|e| e["step"] == step));
        }
    }
    let _ = std::fs::remove_file(seed1);
}
