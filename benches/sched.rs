//! Simulator throughput: wall time per simulated scheduling event, natively.
//!
//! Workloads of issue 2: 1,000,000 goroutines spawned by main and run to completion
//! (GOMAXPROCS 1 and 8); 1,000,000 Gosched yields over 1,000 goroutines; a 10,000-goroutine
//! fan-out with GOMAXPROCS 8 that steals; and the same spawn workload from 10 to 1,000,000
//! goroutines, to show the cost per event stays flat. Throughput is reported per event, so
//! criterion's "time per element" is the wall time per event. The memory used per live
//! goroutine is printed once before the runs.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use gmp::core::scenario::{parse, Scenario};
use gmp::core::sim::Sim;
use std::time::Duration;

fn spawn(n: u32, procs: u32) -> String {
    format!(
        r#"{{"version":1,"gomaxprocs":{procs},"funcs":{{"f":[{{"work":"1us"}},{{"done":"wg"}}]}},
        "main":[{{"add":{{"wg":"wg","n":{n}}}}},{{"go":{{"func":"f","n":{n}}}}},{{"wait":"wg"}}]}}"#
    )
}

fn gosched() -> String {
    r#"{"version":1,"gomaxprocs":4,"funcs":{"y":[{"repeat":{"n":1000,"body":["gosched"]}},{"done":"wg"}]},
       "main":[{"add":{"wg":"wg","n":1000}},{"go":{"func":"y","n":1000}},{"wait":"wg"}]}"#
        .to_string()
}

fn fanout() -> String {
    r#"{"version":1,"gomaxprocs":8,"funcs":{"w":[{"work":"50us"},{"done":"wg"}]},
       "main":[{"add":{"wg":"wg","n":10000}},{"go":{"func":"w","n":10000}},{"wait":"wg"}]}"#
        .to_string()
}

/// Runs a scenario to the end; returns the number of events.
fn run(s: &Scenario) -> u64 {
    let mut sim = Sim::new(s);
    while sim.step() {}
    assert!(sim.finished());
    sim.stats().events
}

fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Bytes per live goroutine: main spawns 1,000,000 goroutines on one P, none of which has
/// run yet (they sit in runnext, the local ring and the global queue).
fn report_memory() {
    let s = parse(&spawn(1_000_000, 1)).unwrap();
    let before = rss_kib();
    let mut sim = Sim::new(&s);
    while sim.goroutine_count() < 1_000_001 && sim.step() {}
    if let (Some(b), Some(a)) = (before, rss_kib()) {
        let per = (a.saturating_sub(b) * 1024) as f64 / 1_000_000.0;
        println!("memory: {per:.0} bytes per live simulated goroutine (1,000,000 live, RSS {} MiB)", (a - b) / 1024);
    }
    drop(sim);
}

fn benches(c: &mut Criterion) {
    report_memory();
    let mut g = c.benchmark_group("workloads");
    g.sample_size(10).measurement_time(Duration::from_secs(8)).warm_up_time(Duration::from_secs(1));
    for (name, json) in [
        ("spawn_1m_gomaxprocs_1", spawn(1_000_000, 1)),
        ("spawn_1m_gomaxprocs_8", spawn(1_000_000, 8)),
        ("gosched_1m_over_1000", gosched()),
        ("fanout_10k_gomaxprocs_8", fanout()),
    ] {
        let s = parse(&json).expect("valid benchmark scenario");
        let events = run(&s);
        g.throughput(Throughput::Elements(events));
        g.bench_function(name, |b| b.iter(|| run(&s)));
    }
    g.finish();

    let mut g = c.benchmark_group("per_event_scaling");
    g.sample_size(10).measurement_time(Duration::from_secs(4)).warm_up_time(Duration::from_secs(1));
    for n in [10u32, 1_000, 100_000, 1_000_000] {
        let s = parse(&spawn(n, 8)).expect("valid benchmark scenario");
        let events = run(&s);
        g.throughput(Throughput::Elements(events));
        g.bench_with_input(BenchmarkId::from_parameter(n), &s, |b, s| b.iter(|| run(s)));
    }
    g.finish();
}

criterion_group!(sched, benches);
criterion_main!(sched);
