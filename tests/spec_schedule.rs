//! Conformance to the specification's scheduling rules (§4 `schedule`/`findRunnable`/
//! `stealWork`, §5 yield and preemption, §6 syscalls, `handoffp` and sysmon, §9 the world
//! stopping and starting, LockOSThread), one small scenario per rule, each asserting the events
//! or state the rule requires. Every run checks the invariants (spec §14.3, and `lockedm`)
//! after every step. Rules that need a hand-built state are unit tests in
//! `src/core/sim/tests.rs`.
#![cfg(not(target_arch = "wasm32"))]

mod common;
use common::*;
use gmp::core::event::{Event, HandoffWhy, Place, PollWhere, Source, StopReason, What};
use gmp::core::sim::{MStatus, Outcome, Sim};

fn m_of(e: &Event) -> u32 {
    e.m.expect("event has an M").0
}

fn p_of(e: &Event) -> u32 {
    e.p.expect("event has a P").0
}

fn g_of(e: &Event) -> u32 {
    e.g.expect("event has a G").0
}

/// The events of the step that contains `e`.
fn step_of<'a>(events: &'a [Event], e: &Event) -> Vec<&'a Event> {
    events.iter().filter(|x| x.step == e.step).collect()
}

// ----- LockOSThread: startlockedm (§4.1 step 7, §9.2) -----

/// §4.1 step 7: an M whose `findRunnable` returns a goroutine locked to another M gives that M
/// its own P and parks; the locked M runs the goroutine with a fresh time slice.
#[test]
fn startlockedm_hands_locked_g_to_its_own_m() {
    let json = r#"{"version":1,"gomaxprocs":1,
        "funcs":{"busy":[{"work":"3ms"},{"done":"wg"}],"l":["lock_os_thread",{"syscall":"1ms"},{"work":"10us"},{"done":"wg"}]},
        "main":[{"add":{"wg":"wg","n":2}},{"go":"busy"},{"go":"l"},{"wait":"wg"}]}"#;
    let (sim, events) = run(json, 1_000);
    assert_eq!(sim.outcome(), Some(&Outcome::Exit));
    let lock = first(&events, |e| e.kind() == "LockOSThread");
    let (locked_g, locked_m) = (g_of(lock), m_of(lock));
    let handoff = first(&events, |e| e.kind() == "LockedHandoff");
    let What::LockedHandoff { to } = handoff.what else { unreachable!() };
    assert_eq!(to.0, locked_m, "the P goes to the goroutine's own M");
    assert_eq!(g_of(handoff), locked_g);
    let picker = m_of(handoff);
    assert_ne!(picker, locked_m);
    let handed_p = p_of(handoff);
    // In the same step the picking M parks, holding nothing.
    assert!(step_of(&events, handoff).iter().any(|e| e.kind() == "ThreadPark" && m_of(e) == picker), "the picking M stops (stopm)");
    // Then the locked M takes that P and runs the goroutine in a new slice.
    let after: Vec<&Event> = events.iter().filter(|e| e.step > handoff.step && e.m.map(|m| m.0) == Some(locked_m)).take(2).collect();
    assert_eq!(after[0].kind(), "ProcStart");
    assert_eq!(p_of(after[0]), handed_p);
    assert!(starts(after[1], locked_g));
    assert!(matches!(after[1].what, What::GoStart { from: Source::Locked, inherit: false, .. }));
    // The locked goroutine only ever ran on its M, and that M exits with it.
    for e in events.iter().filter(|e| starts(e, locked_g)) {
        assert_eq!(m_of(e), locked_m);
    }
    assert_eq!(m_of(first(&events, |e| e.kind() == "ThreadExit")), locked_m);
}

/// Issue 10: a locked goroutine coming back from the blocking netpoll runs on its own M
/// (startlockedm), not on the M that polled; when it returns still locked, its own M exits.
#[test]
fn netpoll_returns_a_locked_goroutine_to_its_own_m() {
    let json = r#"{"version":1,"gomaxprocs":2,
        "funcs":{"locked":["lock_os_thread",{"net":"1ms"},{"work":"100us"},{"done":"wg"}],"busy":[{"work":"300us"},{"done":"wg"}]},
        "main":[{"add":{"wg":"wg","n":4}},{"go":"locked"},{"go":{"func":"busy","n":3}},{"wait":"wg"}]}"#;
    let (sim, events) = run(json, 2_000);
    assert_eq!(sim.outcome(), Some(&Outcome::Exit));
    let lock = first(&events, |e| e.kind() == "LockOSThread");
    let (locked_g, locked_m) = (g_of(lock), m_of(lock));
    // The goroutine came back through an M blocked in netpoll.
    let ready = first(&events, |e| matches!(e.what, What::NetpollReady { poller: PollWhere::Blocked, .. }));
    let poller = m_of(ready);
    assert_ne!(poller, locked_m);
    let step = step_of(&events, ready);
    let handoff = step.iter().find(|e| e.kind() == "LockedHandoff").expect("the poller hands its P to the locked M");
    assert_eq!(m_of(handoff), poller);
    assert!(matches!(handoff.what, What::LockedHandoff { to } if to.0 == locked_m));
    assert!(!step.iter().any(|e| e.kind() == "GoStart"), "the poller does not run the locked goroutine");
    assert!(step.iter().any(|e| e.kind() == "ThreadPark" && m_of(e) == poller));
    for e in events.iter().filter(|e| starts(e, locked_g)) {
        assert_eq!(m_of(e), locked_m, "{e:?}");
    }
    let exits = of_kind(&events, "ThreadExit");
    assert_eq!(exits.len(), 1);
    assert_eq!(m_of(exits[0]), locked_m, "the locked M is the one that exits");
}

// ----- findRunnable (§4.3) -----

/// §4.3 step 3: a P's expired timers run at the top of `findRunnable`; the goroutine they ready
/// goes into this P's runnext and is picked at step 9 in the same slice.
#[test]
fn find_runnable_runs_this_ps_timers_into_its_runnext() {
    let json = r#"{"version":1,"gomaxprocs":1,"chans":{"c":0},"funcs":{"s":[{"sleep":"1ms"},{"send":"c"}]},
        "main":[{"go":"s"},{"sleep":"1us"},{"work":"2ms"},{"recv":"c"}]}"#;
    let (sim, events) = run(json, 1_000);
    assert_eq!(sim.outcome(), Some(&Outcome::Exit));
    // s's timer (1 ms) expires while main works; it fires when main blocks at ~2 ms.
    let fire = events.iter().find(|e| e.kind() == "TimerFire" && g_of(e) == 2).expect("s's timer fires");
    assert!(fire.t > 2_000_000, "nobody ran P0's timers while main worked");
    assert!(matches!(fire.what, What::TimerFire { heap, .. } if heap.0 == 0));
    let step = step_of(&events, fire);
    let unblock = step.iter().find(|e| e.kind() == "GoUnblock").unwrap();
    assert!(matches!(unblock.what, What::GoUnblock { place: Place::Runnext { .. }, .. }));
    assert_eq!(p_of(unblock), 0);
    let start = step.iter().find(|e| e.kind() == "GoStart").expect("picked in the same round");
    assert_eq!(g_of(start), 2);
    assert!(matches!(start.what, What::GoStart { from: Source::Runnext, inherit: true, .. }));
}

/// §4.3 step 11: an M with no local or global work polls the network without blocking, runs
/// the head of the list at once and injects the rest (no idle P: into its local queue). The
/// list is in reverse kernel order (§7).
#[test]
fn find_runnable_nonblocking_netpoll_runs_head_and_injects_rest() {
    let json = r#"{"version":1,"gomaxprocs":1,"funcs":{"a":[{"net":"1ms"},{"work":"10us"},{"done":"wg"}]},
        "main":[{"add":{"wg":"wg","n":2}},{"go":"a"},{"go":"a"},"gosched",{"work":"3ms"},{"wait":"wg"}]}"#;
    let (sim, events) = run(json, 1_000);
    assert_eq!(sim.outcome(), Some(&Outcome::Exit));
    // G3 (runnext) parked first, then G2: kernel order G3, G2; netpoll's list G2, G3.
    let ready = first(&events, |e| e.kind() == "NetpollReady");
    assert!(matches!(ready.what, What::NetpollReady { n: 2, poller: PollWhere::FindRunnable }));
    let step = step_of(&events, ready);
    let unblock = step.iter().find(|e| e.kind() == "GoUnblock").unwrap();
    assert_eq!(g_of(unblock), 3);
    assert!(matches!(unblock.what, What::GoUnblock { place: Place::LocalTail, .. }));
    let start = step.iter().find(|e| e.kind() == "GoStart").unwrap();
    assert_eq!(g_of(start), 2);
    assert!(matches!(start.what, What::GoStart { from: Source::Netpoll, inherit: false, .. }));
    assert!(of_kind(&events, "NetpollBlock").is_empty(), "work was ready: nobody blocked in netpoll");
}

/// §4.3 step 18: with nothing to run and a network waiter, one M blocks in netpoll (holding no
/// P); woken by the ready fd it takes an idle P and runs the goroutine. A second idle M does
/// not block in netpoll too.
#[test]
fn blocking_netpoll_takes_an_idle_p_and_runs_the_ready_goroutine() {
    let json = r#"{"version":1,"gomaxprocs":2,"funcs":{"w":[{"net":"1ms"},{"work":"10us"}]},
        "main":[{"go":"w"},{"net":"2ms"}]}"#;
    let (sim, events) = run(json, 1_000);
    assert_eq!(sim.outcome(), Some(&Outcome::Exit));
    let blocks = of_kind(&events, "NetpollBlock");
    assert!(!blocks.is_empty());
    let poller = m_of(blocks[0]);
    // While it is blocked no other M blocks in netpoll: the others park.
    let wake = first(&events, |e| matches!(e.what, What::NetpollReady { poller: PollWhere::Blocked, .. }));
    assert_eq!(m_of(wake), poller);
    assert!(!events.iter().any(|e| e.kind() == "NetpollBlock" && e.t < wake.t && m_of(e) != poller));
    assert_eq!(wake.t, first(&events, |e| e.kind() == "GoBlock" && g_of(e) == 2).t + 1_000_000);
    let step = step_of(&events, wake);
    assert_eq!(step[0].kind(), "ProcStart", "pidleget + acquirep");
    let start = step.iter().find(|e| e.kind() == "GoStart").unwrap();
    assert_eq!((g_of(start), m_of(start)), (2, poller));
    assert!(matches!(start.what, What::GoStart { from: Source::Netpoll, .. }));
}

/// §4.4: only on the last of its four passes does `stealWork` run a victim's expired timers,
/// on the thief's M; the readied goroutine goes into the thief P's runnext and runs there.
#[test]
fn steal_work_runs_the_victims_timers_on_the_last_pass() {
    let json = r#"{"version":1,"gomaxprocs":2,"funcs":{"busy":[{"work":"5ms"}]},
        "main":[{"go":"busy"},{"sleep":"1ms"},{"work":"10us"}]}"#;
    let (sim, events) = run(json, 1_000);
    assert_eq!(sim.outcome(), Some(&Outcome::Exit));
    // main's timer is on P0's heap; P0 runs busy for 5 ms and never looks at it.
    let fire = first(&events, |e| e.kind() == "TimerFire");
    assert_eq!(g_of(fire), 1);
    assert!(matches!(fire.what, What::TimerFire { heap, .. } if heap.0 == 0));
    assert_eq!(p_of(fire), 1, "the thief on P1 runs P0's timer");
    assert!(fire.t < 1_100_000, "at the timer, not when P0 is free at 5 ms");
    let step = step_of(&events, fire);
    assert!(step.iter().any(|e| e.kind() == "SpinStart"), "it was stealing");
    let unblock = step.iter().find(|e| e.kind() == "GoUnblock").unwrap();
    assert_eq!(p_of(unblock), 1);
    assert!(matches!(unblock.what, What::GoUnblock { place: Place::Runnext { .. }, .. }));
    let start = step.iter().find(|e| e.kind() == "GoStart").unwrap();
    assert_eq!((g_of(start), p_of(start)), (1, 1));
}

// ----- yield and preemption (§5.2, §5.4) -----

/// §5.2 [NEW]: a goroutine preempted for a stop-the-world goes to its P's runnext; [OLD] to
/// the global queue's tail.
#[test]
fn preemption_for_stop_the_world_goes_to_runnext_in_new_releases() {
    let body = r#""gomaxprocs":2,"funcs":{"busy":[{"work":"10ms"}]},
        "main":[{"go":"busy"},{"work":"1ms"},{"gomaxprocs":3},{"work":"1ms"}]}"#;
    for (go, want_runnext) in [("1.26", true), ("1.19", false)] {
        let json = format!(r#"{{"version":1,"go":"{go}",{body}"#);
        let (_, events) = run(&json, 1_000);
        let stop = first(&events, |e| e.kind() == "GoStop" && g_of(e) == 2);
        let What::GoStop { reason, place } = stop.what else { unreachable!() };
        assert_eq!(reason, StopReason::PreemptedStw);
        if want_runnext {
            assert_eq!(place, Place::Runnext { kicked: None }, "go {go}");
            let st = events.iter().find(|e| e.step > stop.step && starts(e, 2)).unwrap();
            assert_eq!(p_of(st), p_of(stop), "it stays first on its P");
            assert!(matches!(st.what, What::GoStart { from: Source::Runnext, .. }));
        } else {
            assert_eq!(place, Place::GlobalTail, "go {go}");
        }
    }
}

/// §5.2 [NEW]: `goschedImpl` calls `wakep` after queueing the goroutine (not in go1.19).
#[test]
fn gosched_calls_wakep_in_new_releases() {
    let body = r#""gomaxprocs":2,"main":["gosched",{"work":"1ms"}]}"#;
    for (go, wakes) in [("1.26", true), ("1.19", false)] {
        let json = format!(r#"{{"version":1,"go":"{go}",{body}"#);
        let (_, events) = run(&json, 100);
        let stop = first(&events, |e| e.kind() == "GoStop");
        assert!(matches!(stop.what, What::GoStop { reason: StopReason::Gosched, place: Place::GlobalTail }));
        let woke = step_of(&events, stop).iter().any(|e| matches!(e.what, What::ThreadCreate { spinning: true, sysmon: false, .. }));
        assert_eq!(woke, wakes, "go {go}: wakep starts a spinning M for the idle P");
    }
}

/// §5.4 / §6.5 step 1: when a P's time slice has run out and its goroutine is in a syscall
/// (it cannot be preempted), `sysretake` makes sysmon take the P at once, even at the first
/// tick that sees the syscall and although an idle P exists.
#[test]
fn sysretake_takes_a_syscalling_p_whose_slice_expired_at_first_sight() {
    // The 1 µs syscall bumps P0's syscalltick unseen by sysmon, so for the 30 ms one the
    // tick differs from what sysmon stored: without sysretake, 11.22 ms would be only a
    // first sighting (no retake until 21.22 ms).
    let json = r#"{"version":1,"gomaxprocs":2,"main":[{"syscall":"1us"},{"work":"9ms"},{"syscall":"30ms"}]}"#;
    let (_, events) = run(json, 200);
    let begin = of_kind(&events, "GoSyscallBegin")[1];
    assert!(begin.t > 9_000_000 && begin.t < 9_010_000);
    // sysmon, backed off, ticks at 6.1 ms then 11.22 ms: 11.22 ms is its first look at the
    // syscall, and the slice that began at t=0 (seen at 20 µs) is over.
    let steal = first(&events, |e| e.kind() == "ProcSteal");
    assert_eq!(steal.t, 11_220_000);
    assert!(matches!(steal.what, What::ProcSteal { by_sysmon: true, syscall_ns, .. } if syscall_ns == 11_220_000 - begin.t));
    assert!(of_kind(&events, "Preempt").iter().all(|e| e.t > steal.t), "a goroutine in a syscall is not preempted");
}

// ----- syscalls (§6.1) -----

/// §6.1 path 3a: a goroutine back from a syscall whose P was retaken takes its old P back
/// from the M now holding it, if that M's goroutine is itself in a syscall.
#[test]
fn exitsyscall_takes_its_old_p_from_another_syscalling_m() {
    let json = r#"{"version":1,"gomaxprocs":1,"funcs":{"b":[{"syscall":"2ms"}]},
        "main":[{"go":"b"},{"syscall":"50us"},{"work":"10us"}]}"#;
    let (sim, events) = run(json, 200);
    assert_eq!(sim.outcome(), Some(&Outcome::Exit));
    let b_begin = first(&events, |e| e.kind() == "GoSyscallBegin" && g_of(e) == 2);
    let b_m = m_of(b_begin);
    let end = first(&events, |e| e.kind() == "GoSyscallEndBlocked" && g_of(e) == 1);
    assert!(matches!(end.what, What::GoSyscallEndBlocked { got: Some(p), oldp: Some(o) } if p.0 == 0 && o.0 == 0));
    let steal = step_of(&events, end).into_iter().find(|e| e.kind() == "ProcSteal").expect("takes P0 from b's M");
    assert!(matches!(steal.what, What::ProcSteal { from, by_sysmon: false, .. } if from.0 == b_m));
    assert_eq!(m_of(steal), m_of(end));
}

/// §6.1 path 3b: if the old P is busy (its M is not in a syscall), the goroutine takes any
/// idle P, from the front of the idle stack.
#[test]
fn exitsyscall_takes_an_idle_p_when_its_old_p_is_busy() {
    let json = r#"{"version":1,"gomaxprocs":2,"funcs":{"b":[{"work":"100us"}],"c":[{"work":"3ms"}]},
        "main":[{"go":"b"},{"go":"c"},{"syscall":"1ms"},{"work":"10us"}]}"#;
    let (sim, events) = run(json, 300);
    assert_eq!(sim.outcome(), Some(&Outcome::Exit));
    let end = first(&events, |e| e.kind() == "GoSyscallEndBlocked" && g_of(e) == 1);
    // P0 runs c (retaken and handed off at 20 µs); P1 went idle after b.
    let c_start = first(&events, |e| starts(e, 3));
    assert_eq!(p_of(c_start), 0);
    assert!(matches!(end.what, What::GoSyscallEndBlocked { got: Some(p), oldp: Some(o) } if p.0 == 1 && o.0 == 0));
    assert!(!step_of(&events, end).iter().any(|e| e.kind() == "ProcSteal"));
    assert_eq!(p_of(events.iter().find(|e| e.step == end.step && e.kind() == "ProcStart").unwrap()), 1);
}

/// §6.1 path 4 with a locked goroutine: no P to be had, so the goroutine goes to the global
/// queue and its M sleeps in `stoplockedm` (not on the idle list); whoever picks the goroutine
/// hands it back to that M.
#[test]
fn exitsyscall_without_a_p_parks_the_locked_m_for_its_goroutine() {
    let json = r#"{"version":1,"gomaxprocs":1,
        "funcs":{"busy":[{"work":"3ms"},{"done":"wg"}],"l":["lock_os_thread",{"syscall":"1ms"},{"work":"10us"},{"done":"wg"}]},
        "main":[{"add":{"wg":"wg","n":2}},{"go":"busy"},{"go":"l"},{"wait":"wg"}]}"#;
    let mut sim = Sim::new(&scenario(json));
    let mut events = Vec::new();
    let mut checked = false;
    while sim.step() {
        sim.check_invariants().unwrap();
        events.extend_from_slice(sim.events());
        if let Some(end) = sim.events().iter().find(|e| e.kind() == "GoSyscallEndBlocked") {
            assert!(matches!(end.what, What::GoSyscallEndBlocked { got: None, .. }));
            let m = m_of(end);
            assert!(sim.events().iter().any(|e| e.kind() == "LockedPark" && m_of(e) == m));
            assert!(!sim.events().iter().any(|e| e.kind() == "ThreadPark"), "not stopm");
            let st = sim.snapshot(true);
            assert_eq!(st.global, [GId(3)]);
            assert!(!st.idle_ms.contains(&MId(m)), "a locked M never sits on the idle list");
            assert_eq!(st.ms[m as usize].status, MStatus::LockedWait);
            checked = true;
        }
    }
    assert!(checked);
    let end = first(&events, |e| e.kind() == "GoSyscallEndBlocked");
    let handoff = first(&events, |e| e.kind() == "LockedHandoff");
    assert!(handoff.t > end.t);
    assert!(matches!(handoff.what, What::LockedHandoff { to } if to.0 == m_of(end)));
    let back = events.iter().find(|e| e.step > end.step && starts(e, 3)).unwrap();
    assert_eq!(m_of(back), m_of(end));
}

// ----- handoffp (§6.3) -----

/// §6.3 step 1: a P handed off with an empty local queue but work in the global queue gets an
/// M at once (`startm(p, false)`), which runs the global goroutine.
#[test]
fn handoffp_starts_an_m_for_global_work() {
    let json = r#"{"version":1,"gomaxprocs":1,"funcs":{"f":[{"work":"10us"}]},
        "main":[{"syscall":"1ms"}],
        "actions":[{"at_ns":"10us","spawn":{"func":"f"}}]}"#;
    let (sim, events) = run(json, 100);
    assert_eq!(sim.outcome(), Some(&Outcome::Exit));
    let handoff = first(&events, |e| e.kind() == "Handoff");
    assert!(matches!(handoff.what, What::Handoff { why: HandoffWhy::GlobalWork }));
    let create = step_of(&events, handoff).into_iter().find(|e| e.kind() == "ThreadCreate").unwrap();
    assert!(matches!(create.what, What::ThreadCreate { spinning: false, .. }), "not a spinner: startm(p, false)");
    let start = first(&events, |e| starts(e, 2));
    assert_eq!(m_of(start), m_of(create));
    assert!(matches!(start.what, What::GoStart { from: Source::Global, .. }));
}

/// §6.3 / timers: a new earliest timer calls `wakeNetPoller`, which breaks a poller blocked
/// without a deadline (netpollBreak) so that it re-blocks with the timer's.
#[test]
fn wake_net_poller_breaks_a_poller_that_would_sleep_past_a_new_timer() {
    let json = r#"{"version":1,"gomaxprocs":2,"funcs":{"w":[{"net":"50ms"}],"s":[{"sleep":"2ms"},{"work":"10us"}]},
        "main":[{"go":"w"},{"work":"500us"},{"go":"s"},{"work":"5ms"}]}"#;
    let (_, events) = run(json, 500);
    let blocks = of_kind(&events, "NetpollBlock");
    let forever = blocks.iter().find(|e| matches!(e.what, What::NetpollBlock { until: None })).expect("a poller blocks with no deadline");
    let sleep = first(&events, |e| e.kind() == "GoBlock" && g_of(e) == 3);
    assert!(sleep.t > forever.t);
    let until = sleep.t + 2_000_000;
    // The poller is woken in that same instant (before any M reaches findRunnable): it finds
    // nothing ready and no idle P, so it parks; a thread then blocks until s's timer.
    let poller = m_of(forever);
    let woke = first(&events, |e| e.t >= sleep.t && e.m.map(|m| m.0) == Some(poller));
    assert_eq!((woke.kind(), woke.t), ("ThreadPark", sleep.t));
    assert!(blocks.iter().any(|e| e.t >= sleep.t && matches!(e.what, What::NetpollBlock { until: Some(u) } if u == until)));
    let fire = first(&events, |e| e.kind() == "TimerFire");
    assert_eq!(fire.t, until, "the timer fires on time");
}

// ----- sysmon (§6.4, §6.5) -----

/// §6.4 step 2: with every P idle sysmon sleeps deeply (until the next timer, at most a
/// minute); a syscall entry wakes it early, with its delay back at 20 µs.
#[test]
fn sysmon_deep_sleeps_while_all_ps_idle_and_a_syscall_wakes_it() {
    let json = r#"{"version":1,"gomaxprocs":1,"main":[{"net":"1ms"},{"syscall":"5ms"},{"work":"10us"}]}"#;
    let mut sim = Sim::new(&scenario(json));
    let mut saw_deep = false;
    let mut events = Vec::new();
    while sim.step() {
        sim.check_invariants().unwrap();
        events.extend_from_slice(sim.events());
        if sim.events().iter().any(|e| e.kind() == "NetpollReady") {
            // From 250 ns to 1 ms every P was idle: sysmon's tick at 20 µs went to deep sleep.
            let st = sim.snapshot(false);
            assert!(st.sysmon.deep_sleep, "every P idle: sysmon sleeps deeply");
            saw_deep = true;
        }
    }
    assert!(saw_deep);
    let begin = first(&events, |e| e.kind() == "GoSyscallBegin");
    // Woken by entersyscall, sysmon looks at once (not after its one-minute sleep): a fresh P's
    // syscalltick equals what sysmon stored, so it retakes at this first sighting (§6.5 note).
    let steal = first(&events, |e| e.kind() == "ProcSteal");
    assert_eq!(steal.t, begin.t);
}

/// §6.4 step 3: when nobody has polled the network for 10 ms, sysmon polls it and injects the
/// ready goroutines (it has no P: into the global queue).
#[test]
fn sysmon_polls_the_network_after_10ms_without_a_poll() {
    let json = r#"{"version":1,"gomaxprocs":1,"funcs":{"n":[{"net":"1ms"},{"work":"10us"}]},
        "main":[{"go":"n"},"gosched",{"work":"30ms"}]}"#;
    let (_, events) = run(json, 200);
    let ready = first(&events, |e| e.kind() == "NetpollReady");
    assert!(matches!(ready.what, What::NetpollReady { n: 1, poller: PollWhere::Sysmon }));
    // sysmon's wake-ups: 20 µs × 51, then 1.06, 1.14, 1.3, 1.62, 2.26, 3.54, 6.1, 11.22 ms: the
    // first after 10 ms without a poll.
    assert_eq!(ready.t, 11_220_000);
    let unblock = step_of(&events, ready).into_iter().find(|e| e.kind() == "GoUnblock").unwrap();
    assert_eq!(g_of(unblock), 2);
    assert!(matches!(unblock.what, What::GoUnblock { place: Place::GlobalTail, .. }));
}

/// §6.5 step 4: a syscalling P with an empty local queue is left alone while an idle P exists
/// and less than 10 ms passed since sysmon first saw the syscall; with local work it is
/// retaken at the next tick.
#[test]
fn retake_waits_for_an_empty_p_while_others_can_work() {
    // main's syscall starts at ~100 µs, seen first at 120 µs (sysmon at 20 µs steps).
    let idle = r#"{"version":1,"gomaxprocs":2,"main":[{"work":"100us"},{"syscall":"1us"},{"syscall":"5ms"}]}"#;
    let (_, events) = run(idle, 200);
    assert!(of_kind(&events, "ProcSteal").is_empty(), "empty queue, idle P1, < 10 ms: never retaken");
    let busy = r#"{"version":1,"gomaxprocs":2,"funcs":{"f":[{"work":"1ms"}],"g":[{"work":"1ms"}]},
        "main":[{"work":"100us"},{"syscall":"1us"},{"go":"f"},{"go":"g"},{"syscall":"5ms"}]}"#;
    let (_, events) = run(busy, 400);
    let steal = first(&events, |e| e.kind() == "ProcSteal");
    assert!(steal.t < 200_000, "local work: retaken at the second tick ({} ns)", steal.t);
}

// ----- GOMAXPROCS, start-the-world, needspinning (§9, issue 10) -----

/// debug.go: `runtime.GOMAXPROCS(n)` with n equal to the current value returns at once: no
/// stop-the-world, no preemption, no procresize — from a goroutine or as a user action.
#[test]
fn gomaxprocs_to_the_current_value_returns_at_once() {
    for json in [
        r#"{"version":1,"gomaxprocs":2,"funcs":{"busy":[{"work":"3ms"}]},
            "main":[{"go":"busy"},{"work":"1ms"},{"gomaxprocs":2},{"work":"1ms"}]}"#,
        r#"{"version":1,"gomaxprocs":2,"funcs":{"busy":[{"work":"3ms"}]},
            "main":[{"go":"busy"},{"work":"2ms"}],"actions":[{"at_ns":"1ms","gomaxprocs":2}]}"#,
    ] {
        let (sim, events) = run(json, 200);
        assert_eq!(sim.outcome(), Some(&Outcome::Exit));
        for kind in ["STWBegin", "STWEnd", "GoStop"] {
            assert!(of_kind(&events, kind).is_empty(), "{kind} in {json}");
        }
        assert_eq!(of_kind(&events, "ProcsChange").len(), 1, "only schedinit's");
        // main goes on right after the call: 1 ms + the call + 1 ms.
        assert!(sim.now() < 2_010_000, "{}", sim.now());
    }
}

/// §9.3 / §7 caller 4: start-the-world polls the network (non-blocking) and injects what is
/// ready. The goroutine calling GOMAXPROCS still holds its P, and no P is idle, so they go to
/// its local queue; a user action has no P, so they go to the global queue.
#[test]
fn start_the_world_polls_the_network_and_injects() {
    let from_g = r#"{"version":1,"gomaxprocs":2,"funcs":{"waiter":[{"net":"1ms"},{"work":"10us"}],"busy":[{"work":"10ms"}]},
        "main":[{"go":"waiter"},{"go":"busy"},{"work":"2ms"},{"gomaxprocs":3},{"work":"1ms"}]}"#;
    let from_action = r#"{"version":1,"gomaxprocs":2,"funcs":{"waiter":[{"net":"1ms"},{"work":"10us"}],"busy":[{"work":"10ms"}]},
        "main":[{"go":"waiter"},{"go":"busy"},{"work":"3ms"}],"actions":[{"at_ns":"2ms","gomaxprocs":3}]}"#;
    for (json, want) in [(from_g, Place::LocalTail), (from_action, Place::GlobalTail)] {
        let (_, events) = run(json, 300);
        let stw = first(&events, |e| e.kind() == "STWBegin");
        let step = step_of(&events, stw);
        let kinds: Vec<&str> = step.iter().map(|e| e.kind()).collect();
        let ready = step.iter().position(|e| e.kind() == "NetpollReady").expect("start-the-world polls");
        assert!(matches!(step[ready].what, What::NetpollReady { n: 1, poller: PollWhere::StartTheWorld }));
        assert!(ready < kinds.iter().position(|&k| k == "ProcsChange").unwrap(), "before procresize: {kinds:?}");
        let unblock = step.iter().find(|e| e.kind() == "GoUnblock").unwrap();
        assert_eq!(g_of(unblock), 2);
        assert!(matches!(unblock.what, What::GoUnblock { place, .. } if place == want), "{:?}", unblock.what);
        if want == Place::LocalTail {
            assert_eq!(p_of(unblock), 0, "the caller's P");
        }
        // It runs soon after, not when sysmon polls 10 ms later.
        assert!(first(&events, |e| e.step > stw.step && starts(e, 2)).t < 2_100_000);
    }
}

/// `sched.needspinning` exists only from Go 1.21: in go1.19 `wakep` with no idle P just gives
/// up (spec §3.3, §12.1: no `needspinning=` in go1.19's schedtrace).
#[test]
fn needspinning_only_in_releases_that_have_it() {
    for (go, has) in [("1.19", false), ("1.20", false), ("1.21", true), ("1.22", true), ("1.26", true)] {
        let json = format!(r#"{{"version":1,"go":"{go}","gomaxprocs":1,"funcs":{{"f":[]}},"main":[{{"go":"f"}},{{"work":"1us"}}]}}"#);
        let sim = run_until(&json, |s| s.events().iter().any(|e| e.kind() == "GoCreate" && e.g.unwrap().0 == 2));
        assert_eq!(sim.snapshot(false).needspinning, has, "go {go}");
        assert_eq!(sim.schedtrace().contains("needspinning="), has, "go {go}: {}", sim.schedtrace());
    }
}
