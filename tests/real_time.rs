//! Real-time mode, as the page's threads mode drives it: the same scheduling code, with
//! `work` and `syscall` carried out by "threads" that report back. Here a deterministic fake
//! driver plays the threads (each finishes exactly when asked), so the runs are checked like
//! any other: invariants after every step, and the same outcome as in virtual time.
#![cfg(not(target_arch = "wasm32"))]

mod common;
use gmp::core::event::Event;
use gmp::core::ids::{GId, MId};
use gmp::core::sim::{Command, GStatus, MStatus, Sim};
use std::collections::BTreeMap;

/// Runs `json` in real-time mode with fake threads; returns the simulator at the end.
fn drive(json: &str, slice_ns: u64, lose: Option<(u32, u64)>) -> Sim {
    drive_events(json, slice_ns, lose).0
}

/// A lost thread, as the driver saw it: the goroutine `Sim::thread_lost` reported and what the
/// thread was running just before.
#[derive(Debug)]
struct Lost {
    reported: Option<GId>,
    was_running: Option<u32>,
    at_step: u64,
    at: u64,
}

/// [`drive`], also returning every event and, if a thread was lost, what was lost.
fn drive_events(json: &str, slice_ns: u64, lose: Option<(u32, u64)>) -> (Sim, Vec<Event>, Option<Lost>) {
    let mut sim = Sim::new(&common::scenario(json));
    sim.set_real_time(slice_ns);
    // In-flight commands: M -> (finish time, is_syscall).
    let mut busy: BTreeMap<u32, (u64, bool)> = BTreeMap::new();
    let mut now = 0u64;
    let mut lost_done = false;
    let mut events = Vec::new();
    let mut lost = None;
    for _ in 0..1_000_000 {
        if sim.finished() {
            break;
        }
        if let Some((m, at)) = lose {
            if !lost_done && now >= at {
                lost_done = true;
                busy.remove(&m);
                let was_running = sim.snapshot(false).ms[m as usize].g.map(|g| g.0);
                let reported = sim.thread_lost(MId(m), now);
                events.extend_from_slice(sim.events());
                lost = Some(Lost { reported, was_running, at_step: sim.step_count(), at: now });
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
                events.extend_from_slice(sim.events());
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
    (sim, events, lost)
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
    // M2 is the first thread started for the spawned goroutines; at 2 ms it runs one of them.
    let (sim, events, lost) = drive_events(json, 1_000_000, Some((2, 2_000_000)));
    let lost = lost.expect("the driver lost M2");
    let g = lost.was_running.expect("M2 was running a goroutine when it was lost");
    assert!((2..=4).contains(&g), "M2 ran one of the workers G2..G4, not {g}");
    assert_eq!(lost.reported, Some(GId(g)), "thread_lost reports the goroutine M2 was running");
    // The thread exits with its goroutine, at once.
    let exit = events.iter().find(|e| e.kind() == "ThreadExit").expect("M2 exits");
    assert!(lost.at >= 2_000_000 && lost.at < 3_000_000);
    assert_eq!((exit.m, exit.g, exit.t, exit.step), (Some(MId(2)), Some(GId(g)), lost.at, lost.at_step));
    // M2 never does anything again.
    assert!(events.iter().filter(|e| e.step > lost.at_step).all(|e| e.m != Some(MId(2))), "a lost thread stays gone");
    // The lost goroutine never runs again and never finishes; the two others run to their end.
    let after: Vec<&Event> = events.iter().filter(|e| e.step > lost.at_step).collect();
    assert!(!after.iter().any(|e| e.g == Some(GId(g)) && matches!(e.kind(), "GoStart" | "GoDestroy")), "lost G{g} came back");
    let mut finished: Vec<u32> = events.iter().filter(|e| e.kind() == "GoDestroy").map(|e| e.g.unwrap().0).collect();
    finished.sort_unstable();
    let others: Vec<u32> = (2..=4).filter(|&x| x != g).collect();
    assert_eq!(finished, others, "the other workers finish; the lost one does not");
    let st = sim.snapshot(true);
    assert_eq!(st.gs[GId(g).index()].status, GStatus::Dead);
    assert_eq!(st.ms[2].status, MStatus::Dead);
    assert_eq!(sim.outcome(), Some(&gmp::core::sim::Outcome::Exit));
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
