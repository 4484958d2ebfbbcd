//! Tests written to kill mutants that survived `cargo mutants` (tests/MUTANTS.md): each asserts
//! a rule of the specification (/work/shared/go-scheduler-spec.md, cited at each test) that no
//! other test pinned down, and each was checked by applying its mutant by hand: it fails on the
//! mutant and passes without it. Every run checks the invariants after every step.
#![cfg(not(target_arch = "wasm32"))]

mod common;
use common::*;
use gmp::core::event::{BlockReason, ChanHow, Event, What};
use gmp::core::sim::{Outcome, Sim};

fn g_of(e: &Event) -> u32 {
    e.g.expect("event has a G").0
}

/// Steps `sim` once with the invariants checked; false when the run has ended.
#[track_caller]
fn step(sim: &mut Sim) -> bool {
    let ran = sim.step();
    if ran {
        sim.check_invariants().unwrap_or_else(|e| panic!("invariant broken after step {}: {e}", sim.step_count()));
    }
    ran
}

/// The `until` of goroutine `g`'s first sleep (its `GoBlock` for `time.Sleep`).
fn sleep_until(events: &[Event], g: u32) -> u64 {
    events
        .iter()
        .find_map(|e| match e.what {
            What::GoBlock { reason: BlockReason::Sleep { until } } if g_of(e) == g => Some(until),
            _ => None,
        })
        .unwrap_or_else(|| panic!("G{g} never sleeps"))
}

// ----- §10 channels: a buffered receive takes one value out of the buffer -----

/// §10 (buffered channel): a receive from a buffer with no blocked sender takes the head value,
/// so the buffer holds one value fewer (Go's `chanrecv`: `c.qcount--`). Two sends then three
/// receives on a channel of capacity 2: the receives leave 1, then 0 values, and the third
/// blocks for good (the only goroutine: deadlock, as Go reports). Kills `exec.rs` `ch.len -= 1`
/// → `+=` (the buffer grows, the third receive succeeds) and → `/=` (the length stays 2).
#[test]
fn a_buffered_receive_takes_one_value_out_of_the_buffer() {
    let json = r#"{"version":1,"gomaxprocs":1,"chans":{"c":2},
        "main":[{"send":"c"},{"send":"c"},{"recv":"c"},{"recv":"c"},{"recv":"c"}]}"#;
    let mut sim = Sim::new(&scenario(json));
    let mut lens_after_recv = Vec::new();
    while step(&mut sim) {
        for e in sim.events() {
            if let What::ChanRecv { how, .. } = e.what {
                let ChanHow::Buffered { len, cap } = how else { panic!("a receive with no blocked sender is buffered: {how:?}") };
                assert_eq!(cap, 2);
                // The snapshot after the step shows the same length.
                assert_eq!(sim.snapshot(false).chans[0].len, len, "the snapshot's buffer length");
                lens_after_recv.push(len);
            }
        }
    }
    assert_eq!(lens_after_recv, vec![1, 0], "each buffered receive takes one value");
    let end = sim.snapshot(false);
    assert_eq!(end.chans[0].len, 0);
    assert_eq!(end.chans[0].recvq.len(), 1, "the third receive blocks on the empty buffer");
    assert_eq!(sim.outcome(), Some(&Outcome::Deadlock));
}

// ----- §10 time.Sleep: timers due at the same instant run in the order they were set -----

/// §10 (`time.Sleep`): the P that runs an expired timer `goready`s the sleeper into its runnext.
/// Two timers on one P due at the same instant run in the order they were added: Go's timer
/// heap (`runtime/time.go`, `siftUp`) moves a new timer above its parent only when it is due
/// strictly earlier, so the first-set of two equal timers stays at the top and runs first.
/// Here G3 sleeps first and G2 second, both until the same instant T: at T G3 is readied first,
/// then G2, which takes runnext and kicks G3 to the local queue, so G2 runs first. Kills
/// `exec.rs` `timer_seq += 1` → `*=` (every timer gets sequence 0 and ties fall to the lower
/// goroutine, G2, whose readying then comes first).
#[test]
fn timers_due_at_the_same_instant_run_in_the_order_they_were_set() {
    let scenario_with = |d_a: u64, d_b: u64| {
        format!(
            r#"{{"version":1,"gomaxprocs":1,
            "funcs":{{"a":[{{"sleep":{d_a}}},{{"work":"10us"}}],"b":[{{"sleep":{d_b}}},{{"work":"10us"}}]}},
            "main":[{{"go":"a"}},{{"go":"b"}},{{"sleep":"50ms"}}]}}"#
        )
    };
    // G2 runs a, G3 runs b. b is in runnext when main sleeps, so G3 runs (and sleeps) first.
    // A first run finds how much later G2 goes to sleep; the second run makes both due at once.
    let d = 1_000_000;
    let (_, probe) = run(&scenario_with(d, d), 10_000);
    let (u2, u3) = (sleep_until(&probe, 2), sleep_until(&probe, 3));
    assert!(u2 > u3, "G3 sleeps before G2");
    let (sim, events) = run(&scenario_with(d - (u2 - u3), d), 10_000);
    assert_eq!(sim.outcome(), Some(&Outcome::Exit));
    let t = sleep_until(&events, 3);
    assert_eq!(sleep_until(&events, 2), t, "both timers are due at the same instant");
    let g3_slept = events.iter().position(|e| g_of_sleep(e) == Some(3)).unwrap();
    let g2_slept = events.iter().position(|e| g_of_sleep(e) == Some(2)).unwrap();
    assert!(g3_slept < g2_slept, "G3's timer is set first");
    let woken: Vec<u32> = events.iter().filter(|e| e.kind() == "GoUnblock" && e.t == t).map(g_of).collect();
    assert_eq!(woken, vec![3, 2], "the timers run in the order they were set");
    let next = events.iter().find(|e| e.kind() == "GoStart" && e.t >= t).expect("a goroutine runs after the timers");
    assert_eq!(g_of(next), 2, "the last readied, G2, is in runnext and runs first");
}

fn g_of_sleep(e: &Event) -> Option<u32> {
    match e.what {
        What::GoBlock { reason: BlockReason::Sleep { .. } } => e.g.map(|g| g.0),
        _ => None,
    }
}

// ----- §6.3 / §7 wakeNetPoller: a new earlier timer breaks the blocked poller -----

/// §7 (`netpollBreak()` wakes the blocked poller: new earlier timer, `wakeNetPoller`) and §10
/// (`time.Sleep` puts a timer on the current P): when a goroutine's sleep adds a timer earlier
/// than every other timer on its P (Go's `maybeAdd`: `when < wakeTime`), the runtime calls
/// `wakeNetPoller(when)`, which breaks the thread blocked in netpoll if it would sleep past
/// that timer. Here M2 blocks in netpoll until main's 8 ms timer; later G2, on P0, sleeps 2 ms:
/// M2 must wake at that very instant, not when some other thread happens to look. Kills
/// `exec.rs` `until < t` → `==` and `>` in the sleep (the earlier timer would not count as
/// earliest, so nobody breaks the poll at once).
#[test]
fn an_earlier_timer_breaks_the_poller_at_once() {
    let json = r#"{"version":1,"gomaxprocs":2,
        "funcs":{"busy":[{"work":"20ms"}],"x":[{"work":"100us"},{"go":"busy"},{"sleep":"2ms"},{"work":"10us"}]},
        "main":[{"go":"x"},{"sleep":"8ms"}]}"#;
    let (sim, events) = run(json, 10_000);
    assert_eq!(sim.outcome(), Some(&Outcome::Exit));
    let main_until = sleep_until(&events, 1);
    let g2_until = sleep_until(&events, 2);
    assert!(g2_until < main_until);
    let g2_sleep = events.iter().find(|e| g_of_sleep(e) == Some(2)).unwrap();
    assert_eq!(g2_sleep.p.map(|p| p.0), Some(0), "G2's timer goes on P0, whose earliest timer was main's");
    // The thread blocked in netpoll when G2 sleeps, and until when it meant to sleep.
    let block = events
        .iter()
        .filter(|e| e.step < g2_sleep.step)
        .rev()
        .find(|e| e.kind() == "NetpollBlock")
        .expect("a thread blocks in netpoll before G2 sleeps");
    assert_eq!(block.what, What::NetpollBlock { until: Some(main_until) }, "the poller sleeps until main's timer");
    let poller = block.m.unwrap();
    assert!(
        !events.iter().any(|e| e.m == Some(poller) && e.step > block.step && e.step < g2_sleep.step),
        "the poller is still blocked when G2 sleeps"
    );
    let woke = events.iter().find(|e| e.m == Some(poller) && e.step > g2_sleep.step).expect("the poller wakes");
    assert_eq!(woke.t, g2_sleep.t, "netpollBreak: the poller wakes as soon as the earlier timer is set ({woke:?})");
    // And G2 wakes when its timer is due.
    let g2_woken = events.iter().find(|e| e.kind() == "GoUnblock" && g_of(e) == 2).unwrap();
    assert_eq!(g2_woken.t, g2_until);
}

// ----- real-time mode: a lost thread leaves every list it was on -----

/// Threads mode (`Sim::thread_lost`: the driver lost an M's thread; "the M exits and its P is
/// handed off so the rest goes on"): a lost M is dead, so it must leave every list the
/// scheduler picks threads from: the idle M list (spec §2.7, `mget` would hand a dead thread a
/// P), the netpoll slot (§4.3 step 18: only one thread blocks in netpoll, and a dead one would
/// never wake for the next timer) and the spinning count (§4.3: `nmspinning` counts the Ms
/// that spin, and `wakep` starts none while it is above 0). The program has no `work` or
/// `syscall`, so the driver has nothing to carry out and each step runs as in virtual time.
/// Steps to the first state where `pick` chooses an M, loses it there, and runs to the end with
/// the invariants (which check each of those lists) after every step.
#[track_caller]
fn lose_thread_when(json: &str, pick: impl Fn(&gmp::core::sim::SimState) -> Option<u32>) -> (Sim, u32) {
    let mut sim = Sim::new(&scenario(json));
    sim.set_real_time(1_000_000);
    let mut lost = None;
    while step(&mut sim) {
        assert!(sim.take_commands().is_empty(), "no work for the driver's threads");
        if lost.is_none() {
            if let Some(m) = pick(&sim.snapshot(false)) {
                let now = sim.now();
                sim.thread_lost(gmp::core::ids::MId(m), now);
                sim.check_invariants().unwrap_or_else(|e| panic!("after losing M{m}: {e}"));
                let s = sim.snapshot(false);
                assert_eq!(s.ms[m as usize].status, gmp::core::sim::MStatus::Dead);
                assert!(!s.idle_ms.iter().any(|x| x.0 == m), "lost M{m} is still on the idle list");
                assert_ne!(s.poller.map(|x| x.0), Some(m), "lost M{m} still holds the netpoll slot");
                assert_eq!(s.nmspinning as usize, s.ms.iter().filter(|x| x.spinning).count());
                lost = Some(m);
            }
        }
    }
    let m = lost.expect("the run never reached the state to lose a thread in");
    assert_eq!(sim.outcome(), Some(&Outcome::Exit), "the rest of the program goes on to its end");
    (sim, m)
}

const SLEEPERS: &str = r#"{"version":1,"gomaxprocs":2,
    "funcs":{"x":[{"sleep":"100us"},{"go":"y"},{"sleep":"2ms"}],"y":[{"sleep":"3ms"}]},
    "main":[{"go":"x"},{"sleep":"8ms"}]}"#;

/// Kills `exec.rs` `lose_thread`'s `state == Idle` → `!=` and `x != m` → `==` (a lost idle M
/// stayed on the idle list).
#[test]
fn a_lost_idle_thread_leaves_the_idle_list() {
    lose_thread_when(SLEEPERS, |s| s.idle_ms.first().map(|m| m.0));
}

/// Kills `exec.rs` `lose_thread`'s `poller == Some(m)` → `!=` (a lost poller kept the netpoll
/// slot, so no other thread would block there).
#[test]
fn a_lost_poller_frees_the_netpoll_slot() {
    lose_thread_when(SLEEPERS, |s| s.poller.map(|m| m.0));
}

/// Kills `exec.rs` `lose_thread`'s `nmspinning -= 1` → `+=`, `/=` (a lost spinning M still
/// counted as spinning).
#[test]
fn a_lost_spinning_thread_stops_counting_as_spinning() {
    lose_thread_when(SLEEPERS, |s| s.ms.iter().find(|m| m.spinning).map(|m| m.id.0));
}

// ----- §4.3 step 18: a thread giving up breaks the poller only if it would sleep past its timer -----

/// §4.3 step 18 (Go's `findRunnable`: `if pollerPollUntil == 0 || pollerPollUntil > pollUntil
/// { netpollBreak() }`): a thread that gives up its P with a timer pending, while another
/// thread is blocked in netpoll, wakes that poller only if the poller would sleep past the
/// timer. Here, at GOMAXPROCS 4, M0 blocks in netpoll until the first of P1's timers (64.25 µs);
/// then M2, on P0, gives up with only its own P's timer (G6's, 65.4 µs) in view: it did not
/// steal, a thread being created for P2 already counts as spinning, and one spinner is enough
/// for two busy Ps. The poller wakes before that timer anyway, so it is not broken and wakes at
/// 64.25 µs. Kills `find.rs:205` `pollerPollUntil > pollUntil` → `<` (M0 was woken at once, at
/// 63.45 µs, when M2 parked).
#[test]
fn a_thread_giving_up_does_not_break_a_poller_that_wakes_before_its_timer() {
    let json = r#"{"version":1,"gomaxprocs":4,"chans":{"c":0},"funcs":{"f":[{"sleep":"2us"}]},
        "main":[{"sleep":"61us"},{"go":{"func":"f","n":6}},{"send":"c"}]}"#;
    let (sim, events) = run(json, 10_000);
    assert_eq!(sim.outcome(), Some(&Outcome::Deadlock), "main blocks for good on the unbuffered send");
    let mut checked = 0;
    for b in events.iter().filter(|e| e.kind() == "NetpollBlock") {
        let What::NetpollBlock { until: Some(until) } = b.what else { continue };
        let poller = b.m;
        let woke = events.iter().find(|e| e.step > b.step && e.m == poller).expect("the poller wakes");
        // Threads that parked while the poller slept, the last goroutine on each having gone
        // to sleep until after the poller's wake-up.
        for park in events.iter().filter(|e| e.kind() == "ThreadPark" && e.m != poller && e.step > b.step && e.step < woke.step) {
            let last_g = events.iter().rev().find(|e| e.step < park.step && e.m == park.m && e.g.is_some());
            if let Some(What::GoBlock { reason: BlockReason::Sleep { until: t } }) = last_g.map(|e| &e.what) {
                let t = *t;
                if t > until && park.t < until {
                    checked += 1;
                    assert_eq!(woke.t, until, "M{} parked at {} with a timer at {t}: the poller sleeps on to {until} ({woke:?})", park.m.unwrap().0, park.t);
                }
            }
        }
    }
    assert_eq!(checked, 1, "one thread gives up, with a later timer, while the poller sleeps");
}

// ----- §4.4 / §2.6: after the 3 µs runnext back-off, the victim's timers are not run again -----

/// §4.4 step 2 then 3 and §2.6 (`runqgrab`'s `usleep(3)`): on the last steal pass the thief
/// runs the victim's expired timers, then, finding only the victim's runnext while the victim
/// runs user code, sleeps 3 µs inside `runqgrab` and steals runnext. The 3 µs sleep is inside
/// the steal: the victim's timers are not looked at again, even if one falls due meanwhile.
/// Here main (on P0) leaves G2 asleep until 22.55 µs and G3 in runnext, then raises GOMAXPROCS
/// to 2; the thread made for P1 arrives at 20.9 µs, finds G2's timer not yet due, backs off
/// from G3 and, at 23.9 µs, steals G3 although G2's timer is now due; G2 runs only when that
/// thread looks again, after G3. Kills `find.rs:237` `v == victim` → `!=` (the thread ran G2's
/// timer on its return and ran G2 first).
#[test]
fn after_the_runnext_backoff_the_victims_timers_are_not_run_again() {
    let json = r#"{"version":1,"gomaxprocs":1,"funcs":{"s":[{"sleep":"22us"}],"r":[{"work":"10us"}]},
        "main":[{"go":"s"},"gosched",{"go":"r"},{"gomaxprocs":2},{"work":"300us"}]}"#;
    let (sim, events) = run(json, 10_000);
    assert_eq!(sim.outcome(), Some(&Outcome::Exit));
    let g2_until = sleep_until(&events, 2);
    let backoff = events.iter().find(|e| e.kind() == "StealBackoff").expect("a thread backs off from P0's runnext");
    assert_eq!((backoff.p.map(|p| p.0), g_of(backoff)), (Some(1), 3), "P1's thread backs off from G3, P0's runnext");
    assert!(backoff.t < g2_until && g2_until <= backoff.t + 3_000, "G2's timer falls due during the back-off");
    assert!(!events.iter().any(|e| e.kind() == "TimerFire" && e.step <= backoff.step), "G2's timer was not due when the thread looked");
    let thief = backoff.m;
    let next = events.iter().find(|e| e.step > backoff.step && e.m == thief).expect("the thread returns");
    assert_eq!(next.t, backoff.t + 3_000);
    assert_eq!(next.what, What::Steal { victim: gmp::core::ids::PId(0), n: 1, of: 1, runnext: true }, "it steals runnext ({next:?})");
    assert_eq!(g_of(next), 3);
    let fire = events.iter().find(|e| e.kind() == "TimerFire").expect("G2's timer runs");
    let g3_start = events.iter().find(|e| e.kind() == "GoStart" && g_of(e) == 3).unwrap();
    assert!(fire.step > g3_start.step, "G2's timer runs after G3 starts ({fire:?})");
}

// ----- statistics: steals and stolen goroutines -----

/// `gmpsim run --format summary` counts steals and stolen goroutines: each `Steal` event is one
/// steal, of its `n` goroutines, whether it took half a ring (§2.6 `runqgrab`) or a runnext
/// (after the back-off). Two runs: GOMAXPROCS 2 with 8 goroutines spawned on P0 (P1's thread
/// takes half the ring), and the back-off run above (one runnext steal). Kills `find.rs`
/// `steals += 1` → `*=` and `goroutines_stolen += n` → `*=` in both of `runqsteal`'s steals
/// (the counters stayed 0).
#[test]
fn steal_statistics_count_the_steal_events() {
    let half = r#"{"version":1,"gomaxprocs":2,"funcs":{"f":[{"work":"100us"}]},"main":[{"go":{"func":"f","n":8}},{"work":"1ms"}]}"#;
    let runnext = r#"{"version":1,"gomaxprocs":1,"funcs":{"s":[{"sleep":"22us"}],"r":[{"work":"10us"}]},
        "main":[{"go":"s"},"gosched",{"go":"r"},{"gomaxprocs":2},{"work":"300us"}]}"#;
    for (json, from_runnext) in [(half, false), (runnext, true)] {
        let (sim, events) = run(json, 10_000);
        assert_eq!(sim.outcome(), Some(&Outcome::Exit));
        let steals: Vec<(u32, bool)> = events
            .iter()
            .filter_map(|e| match e.what {
                What::Steal { n, runnext, .. } => Some((n, runnext)),
                _ => None,
            })
            .collect();
        assert!(steals.iter().any(|&(n, r)| r == from_runnext && (r || n > 1)), "{steals:?}");
        let st = sim.stats();
        assert_eq!(st.steals, steals.len() as u64);
        assert_eq!(st.goroutines_stolen, steals.iter().map(|&(n, _)| n as u64).sum::<u64>());
    }
}

// ----- goroutine arguments: `go f(x)` gives x to the new goroutine -----

/// `go worker(w, jobs, results, &wg)` evaluates its arguments in the calling goroutine and the
/// new goroutine starts with them (Go's `newproc` copies the arguments into the new G's frame).
/// `tests/go/worker_pool` at GOMAXPROCS 1: the last worker created (id 3) is in runnext and
/// takes every job, then main prints the results. This is what Go 1.26.6 prints (run by hand
/// for this test, and compared on every run by `tests/go_programs.rs`, which the mutation run
/// leaves out: no other test it runs checks what a goroutine's arguments are). It fails when
/// `newproc` returns G1 or G2 instead of the goroutine it made (checked by hand: the arguments
/// went to main or to the first worker, and the printing worker said `worker 0`).
#[test]
fn goroutine_arguments_reach_the_new_goroutine() {
    let src = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/go/worker_pool/main.go")).unwrap();
    let s = gmp::core::golang::import(&src).unwrap_or_else(|es| panic!("{}", es[0]));
    let mut sim = Sim::new(&s);
    let mut out = String::new();
    while step(&mut sim) {
        for e in sim.events() {
            if let What::Print { text } = &e.what {
                out.push_str(text);
            }
        }
    }
    assert_eq!(sim.outcome(), Some(&Outcome::Exit));
    let jobs: String = (0..5).map(|j| format!("worker 3 got job {j}\n")).collect();
    let results: String = (0..5).map(|r| format!("result {r}\n")).collect();
    assert_eq!(out, jobs + &results);
}
