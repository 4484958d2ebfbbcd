//! Real-time mode, as the page's threads mode drives it: the same scheduling code, with
//! `work` and `syscall` carried out by "threads" that report back. Here a deterministic fake
//! driver plays the threads (each finishes exactly when asked), so the runs are checked like
//! any other: invariants after every step, and the same outcome as in virtual time.
#![cfg(not(target_arch = "wasm32"))]

mod common;
use gmp::core::ids::MId;
use gmp::core::sim::{Command, Sim};
use std::collections::BTreeMap;

/// Runs `json` in real-time mode with fake threads; returns the simulator at the end.
fn drive(json: &str, slice_ns: u64, lose: Option<(u32, u64)>) -> Sim {
    let mut sim = Sim::new(&common::scenario(json));
    sim.set_real_time(slice_ns);
    // In-flight commands: M -> (finish time, is_syscall).
    let mut busy: BTreeMap<u32, (u64, bool)> = BTreeMap::new();
    let mut now = 0u64;
    let mut lost_done = false;
    for _ in 0..1_000_000 {
        if sim.finished() {
            break;
        }
        if let Some((m, at)) = lose {
            if !lost_done && now >= at {
                lost_done = true;
                busy.remove(&m);
                sim.thread_lost(MId(m), now);
                sim.check_invariants().unwrap();
                continue;
            }
        }
        let next_cmd = busy.iter().map(|(&m, &(t, sys))| (t, m, sys)).min();
        let next_sim = sim.next_time();
        let worker_first = matches!((next_cmd, next_sim), (Some((t, _, _)), ns) if ns.is_none_or(|n| t < n));
        match (next_cmd, next_sim) {
            (Some((t, m, sys)), _) if worker_first => {
                now = now.max(t);
                busy.remove(&m);
                if sys {
                    sim.syscall_done(MId(m), now);
                } else {
                    sim.work_done(MId(m), now);
                }
            }
            (_, Some(t)) => {
                now = now.max(t);
                // Like the page, take commands only after a step that ran: a step that
                // gives a thread work must count as one, or the work waits for the next event.
                if !sim.step_until(now) {
                    continue;
                }
                sim.check_invariants().unwrap_or_else(|e| panic!("step {}: {e}", sim.step_count()));
            }
            _ => panic!("nothing to do and no outcome"),
        }
        for c in sim.take_commands() {
            match c {
                Command::Work { m, ns, .. } => {
                    assert!(busy.insert(m.0, (now + ns, false)).is_none(), "{m} given two jobs");
                }
                Command::Syscall { m, ns, .. } => {
                    assert!(busy.insert(m.0, (now + ns, true)).is_none(), "{m} given two jobs");
                }
            }
        }
    }
    sim
}

#[test]
fn cpu_bound_run_completes_with_real_slices() {
    let json = r#"{"version":1,"gomaxprocs":2,"funcs":{"w":[{"work":"25ms"},{"done":"wg"}]},
        "main":[{"add":{"wg":"wg","n":4}},{"go":{"func":"w","n":4}},{"wait":"wg"}]}"#;
    let sim = drive(json, 1_000_000, None);
    assert_eq!(sim.outcome(), Some(&gmp::core::sim::Outcome::Exit));
    // Two Ps share 100 ms of work: about 50 ms of wall time, as in virtual time.
    let (virt, _) = common::run(json, 1_000_000);
    let diff = sim.now().abs_diff(virt.now());
    assert!(diff < 12_000_000, "real-time {} vs virtual {}", sim.now(), virt.now());
    assert!(sim.stats().preemptions > 0, "sysmon preempts at slice boundaries");
}

#[test]
fn syscalls_grow_threads_in_real_time_too() {
    let json = r#"{"version":1,"gomaxprocs":1,"funcs":{"s":[{"syscall":"5ms"},{"done":"wg"}]},
        "main":[{"add":{"wg":"wg","n":3}},{"go":{"func":"s","n":3}},{"wait":"wg"}]}"#;
    let sim = drive(json, 1_000_000, None);
    assert_eq!(sim.outcome(), Some(&gmp::core::sim::Outcome::Exit));
    assert!(sim.stats().max_threads >= 3, "threads {}", sim.stats().max_threads);
}

#[test]
fn a_lost_thread_loses_its_goroutine_and_the_rest_goes_on() {
    let json = r#"{"version":1,"gomaxprocs":2,"funcs":{"w":[{"work":"20ms"}]},
        "main":[{"go":{"func":"w","n":3}},{"work":"5ms"},{"sleep":"60ms"}]}"#;
    // M2 is the first thread started for the spawned goroutines.
    let sim = drive(json, 1_000_000, Some((2, 2_000_000)));
    assert_eq!(sim.outcome(), Some(&gmp::core::sim::Outcome::Exit));
    let dead = sim.snapshot(true).gs.iter().filter(|g| g.status == "dead").count();
    assert!(dead >= 1);
}

#[test]
fn work_after_a_network_wait_is_handed_to_a_thread() {
    let json = r#"{"version":1,"gomaxprocs":2,"funcs":{"io":[{"net":"5ms"},{"work":"10us"},{"done":"wg"}]},
        "main":[{"add":{"wg":"wg","n":50}},{"go":{"func":"io","n":50}},{"wait":"wg"}]}"#;
    let sim = drive(json, 1_000_000, None);
    assert_eq!(sim.outcome(), Some(&gmp::core::sim::Outcome::Exit));
}

#[test]
fn one_p_cpu_work_takes_about_its_duration() {
    let json = r#"{"version":1,"gomaxprocs":1,"funcs":{"w":[{"work":"20ms"}]},"main":[{"go":"w"},{"sleep":"25ms"}]}"#;
    let sim = drive(json, 1_000_000, None);
    assert_eq!(sim.outcome(), Some(&gmp::core::sim::Outcome::Exit));
    assert!(sim.now() < 30_000_000, "took {} ns", sim.now());
}
