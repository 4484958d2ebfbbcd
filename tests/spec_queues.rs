//! Conformance tests for the rules of the specification that used to be checked only by the
//! golden traces: queue hand-offs (§2.3, §2.7, §3.5, §7), `procresize` and stop-the-world
//! (§9.1, §9.3), channels (§10) and the schedtrace line (§12.1). Each test builds a small
//! scenario, steps it with the invariants checked after every step, and asserts exactly what
//! the rule requires, so that breaking the rule in the core fails the test (not only a diff in
//! a golden file).
#![cfg(not(target_arch = "wasm32"))]

mod common;
use common::*;
use gmp::core::event::{Event, HandoffWhy, Place, PollWhere, Source, StopReason, What};
use gmp::core::sim::{GStatus, MStatus, Outcome, PStatus, Sim, SimState};

/// Steps `sim` once, checking the invariants; returns false when the run has ended.
#[track_caller]
fn step(sim: &mut Sim) -> bool {
    let ran = sim.step();
    if ran {
        sim.check_invariants().unwrap_or_else(|e| panic!("invariant broken after step {}: {e}", sim.step_count()));
    }
    ran
}

/// Steps until a step's events include one matching `f`; returns the state *before* that step
/// and the simulator after it.
#[track_caller]
fn step_to(sim: &mut Sim, f: impl Fn(&Event) -> bool) -> SimState {
    loop {
        let before = sim.snapshot(true);
        assert!(step(sim), "the run ended ({:?}) before the awaited event", sim.outcome());
        if sim.events().iter().any(&f) {
            return before;
        }
    }
}

fn sim_of(json: &str) -> Sim {
    Sim::new(&scenario(json))
}

fn kind_is(kind: &'static str) -> impl Fn(&Event) -> bool {
    move |e: &Event| e.kind() == kind
}

/// Goroutine ids in GoUnblock events of the last step, with where each went.
fn unblocked(sim: &Sim) -> Vec<(GId, Place)> {
    sim.events()
        .iter()
        .filter_map(|e| match e.what {
            What::GoUnblock { place, .. } => Some((e.g.unwrap(), place)),
            _ => None,
        })
        .collect()
}

/// The order the kernel reported the network waiters' fds ready by time `t`: by ready time (each
/// waiter of these scenarios parks at a different time, so there are no ties).
fn kernel_order(before: &SimState, t: u64) -> Vec<GId> {
    let mut waits: Vec<_> = before.netpoll.iter().filter(|w| w.ready_at <= t).cloned().collect();
    waits.sort_by_key(|w| w.ready_at);
    let times: Vec<u64> = waits.iter().map(|w| w.ready_at).collect();
    assert!(times.windows(2).all(|w| w[0] < w[1]), "ready times must be distinct: {times:?}");
    waits.iter().map(|w| w.g).collect()
}

// ----- §2.3 runqputbatch: what does not fit goes to the global queue -----

/// 300 network waits complete while the only P runs main; when main blocks, findRunnable's
/// non-blocking netpoll returns all 300: the head runs, `injectglist` (no idle P, so k = 0)
/// puts the rest on the local queue with `runqputbatch`, which takes 256, and the remaining 43
/// go to the global queue's tail, in list order.
#[test]
fn runqputbatch_remainder_goes_to_the_global_queue() {
    let json = r#"{"version":1,"gomaxprocs":1,"funcs":{"io":[{"net":"1ms"},{"done":"wg"}]},
        "main":[{"add":{"wg":"wg","n":300}},{"go":{"func":"io","n":300}},{"sleep":"100us"},{"work":"5ms"},{"wait":"wg"}]}"#;
    let mut sim = sim_of(json);
    let before = step_to(&mut sim, kind_is("NetpollReady"));
    assert!(before.global.is_empty() && before.ps[0].runq.is_empty() && before.ps[0].runnext.is_none());
    let poll = first(sim.events(), kind_is("NetpollReady"));
    assert!(matches!(poll.what, What::NetpollReady { n: 300, poller: PollWhere::FindRunnable }));
    // netpoll's list is the kernel order reversed (§7).
    let mut list = kernel_order(&before, sim.now());
    list.reverse();
    let start = first(sim.events(), kind_is("GoStart"));
    assert_eq!(start.g.unwrap(), list[0], "the list's head runs at once");
    assert!(matches!(start.what, What::GoStart { from: Source::Netpoll, .. }));
    let st = sim.snapshot(false);
    assert_eq!(st.ps[0].runq, list[1..257].to_vec(), "256 fit in the local ring, in list order");
    assert_eq!(st.ps[0].runnext, None, "runqputbatch appends to the ring, never runnext");
    assert_eq!(st.global, list[257..].to_vec(), "the 43 that do not fit go to the global queue, in order");
    let places = unblocked(&sim);
    assert_eq!(places.len(), 299);
    assert!(places[..256].iter().all(|(_, p)| *p == Place::LocalTail));
    assert!(places[256..].iter().all(|(_, p)| *p == Place::GlobalTail));
    // And they all run to the end.
    while step(&mut sim) {}
    assert_eq!(sim.outcome(), Some(&Outcome::Exit));
}

// ----- §2.7 the idle P stack and the idle M list are LIFO -----

/// A model of the idle P stack and the idle M list driven by the events alone, as Go's
/// LIFO lists: a P goes on the front when it stops (`ProcStop`, `Handoff` to idle); an idle P
/// taken by `startm` (`ThreadWake`/`ThreadCreate` for it) or `acquirep` (`ProcStart`) must be the
/// front; a parking thread goes on the front (`ThreadPark`) and a woken one must be the front.
#[derive(Default)]
struct IdleModel {
    ps: Vec<PId>,
    ms: Vec<MId>,
    p_pops: u32,
    m_pops: u32,
}

impl IdleModel {
    fn take_p(&mut self, p: PId, e: &Event) {
        if let Some(i) = self.ps.iter().position(|&x| x == p) {
            assert_eq!(i, 0, "step {}: P{p} taken from the idle stack {:?} is not its front: {e:?}", e.step, self.ps);
            self.ps.remove(0);
            self.p_pops += 1;
        }
    }

    fn apply(&mut self, e: &Event) {
        let p = e.p;
        match e.what {
            What::ProcStop | What::Handoff { why: HandoffWhy::Idle } => self.ps.insert(0, p.unwrap()),
            What::ProcStart => self.take_p(p.unwrap(), e),
            What::ThreadWake { for_p, .. } => {
                self.take_p(for_p, e);
                let m = e.m.unwrap();
                assert_eq!(self.ms.first(), Some(&m), "step {}: woken M{m} is not the idle list's front {:?}", e.step, self.ms);
                self.ms.remove(0);
                self.m_pops += 1;
            }
            What::ThreadCreate { for_p: Some(for_p), .. } => {
                self.take_p(for_p, e);
                assert!(self.ms.is_empty(), "step {}: a thread is created while {:?} are idle", e.step, self.ms);
            }
            What::ThreadPark => self.ms.insert(0, e.m.unwrap()),
            _ => {}
        }
    }
}

/// During whole runs with Ps and Ms going idle and being woken many times, the idle P stack and
/// the idle M list behave as LIFO lists (pidleput/pidleget, mput/mget push and pop the front):
/// a model fed only with the events matches the simulator's lists after every step.
#[test]
fn idle_ps_and_idle_ms_are_lifo_during_a_run() {
    let runs = [
        // Bursts of short goroutines: Ps and Ms go idle and are woken over and over.
        r#"{"version":1,"gomaxprocs":4,"funcs":{"w":[{"work":"50us"},{"done":"wg"}],
            "burst":[{"add":{"wg":"wg","n":6}},{"go":{"func":"w","n":6}},{"wait":"wg"},{"sleep":"200us"}]},
            "main":[{"repeat":{"n":20,"body":[{"go":"burst"},{"sleep":"250us"}]}}]}"#,
        // Syscalls: Ps retaken and handed off, threads parked and reused.
        r#"{"version":1,"gomaxprocs":3,"funcs":{"s":[{"work":"30us"},{"syscall":"300us"},{"work":"30us"},{"done":"wg"}]},
            "main":[{"repeat":{"n":8,"body":[{"add":{"wg":"wg","n":4}},{"go":{"func":"s","n":4}},{"wait":"wg"}]}}]}"#,
    ];
    for json in runs {
        let mut sim = sim_of(json);
        let mut model = IdleModel::default();
        // Start-up: P0 to M0, the other Ps pushed in increasing id order [NEW].
        assert!(step(&mut sim));
        let st = sim.snapshot(false);
        model.ps = (1..st.gomaxprocs).rev().map(PId).collect();
        assert_eq!(st.idle_ps, model.ps);
        while step(&mut sim) {
            for e in sim.events() {
                model.apply(e);
            }
            let st = sim.snapshot(false);
            assert_eq!(st.idle_ps, model.ps, "step {}: idle P stack", sim.step_count());
            assert_eq!(st.idle_ms, model.ms, "step {}: idle M list", sim.step_count());
        }
        assert_eq!(sim.outcome(), Some(&Outcome::Exit));
        assert!(model.p_pops >= 10 && model.m_pops >= 10, "the run must reuse idle Ps and Ms: {} P and {} M pops", model.p_pops, model.m_pops);
    }
}

/// Three workers finish one after another; their Ps go idle and their threads park in that
/// order. The next `go` statement's wakep takes the P that went idle last and the thread that
/// parked last.
#[test]
fn wakep_takes_the_last_idled_p_and_the_last_parked_m() {
    let json = r#"{"version":1,"gomaxprocs":4,"funcs":{"a":[{"work":"1ms"}],"b":[{"work":"2ms"}],"c":[{"work":"3ms"}],"late":[{"work":"10us"}]},
        "main":[{"go":"a"},{"go":"b"},{"go":"c"},{"work":"5ms"},{"go":"late"},{"work":"1ms"}]}"#;
    let (_, events) = run(json, 10_000);
    let late_create = first(&events, |e| e.kind() == "GoCreate" && e.g.unwrap().0 == 5).step;
    let stops: Vec<(u32, u32)> = events.iter().filter(|e| e.kind() == "ProcStop" && e.step < late_create).map(|e| (e.p.unwrap().0, e.m.unwrap().0)).collect();
    let parks: Vec<u32> = events.iter().filter(|e| e.kind() == "ThreadPark" && e.step < late_create).map(|e| e.m.unwrap().0).collect();
    assert!(stops.len() >= 3 && parks.len() >= 3, "three Ps went idle and three threads parked: {stops:?} {parks:?}");
    let wake = events.iter().find(|e| e.step == late_create && e.kind() == "ThreadWake").expect("go late wakes an idle thread");
    let What::ThreadWake { for_p, spinning } = wake.what else { unreachable!() };
    assert!(spinning);
    assert_eq!(for_p.0, stops.last().unwrap().0, "pidleget pops the P pushed last");
    assert_eq!(wake.m.unwrap().0, *parks.last().unwrap(), "mget pops the M pushed last");
    // The first idle P went idle first and is not the one taken.
    assert_ne!(stops[0].0, for_p.0);
}

// ----- §3.5 injectglist with no P -----

/// sysmon, which has no P, finds three completed network waits after 10 ms without a poll:
/// all go to the global queue's tail in netpoll's (reversed) order, and since no P is idle no
/// thread is started (pidlegetSpinning notes needspinning instead).
#[test]
fn injectglist_without_a_p_sends_everything_to_the_global_queue() {
    let json = r#"{"version":1,"gomaxprocs":1,
        "funcs":{"a":[{"net":"3ms"},{"done":"wg"}],"b":[{"net":"1ms"},{"done":"wg"}],"c":[{"net":"2ms"},{"done":"wg"}]},
        "main":[{"add":{"wg":"wg","n":3}},{"go":"a"},{"go":"b"},{"go":"c"},{"sleep":"100us"},{"work":"30ms"},{"wait":"wg"}]}"#;
    let mut sim = sim_of(json);
    let before = step_to(&mut sim, kind_is("NetpollReady"));
    assert!(before.global.is_empty());
    let poll = first(sim.events(), kind_is("NetpollReady"));
    assert!(matches!(poll.what, What::NetpollReady { n: 3, poller: PollWhere::Sysmon }));
    assert!(poll.t > 10_000_000, "sysmon polls only after 10 ms without a poll");
    let mut list = kernel_order(&before, sim.now());
    list.reverse();
    assert_eq!(list, gids([2, 4, 3]));
    let places = unblocked(&sim);
    assert_eq!(places, list.iter().map(|&g| (g, Place::GlobalTail)).collect::<Vec<_>>());
    for e in sim.events().iter().filter(|e| e.kind() == "GoUnblock") {
        assert_eq!(e.p, None, "no P: nothing goes to a local queue");
    }
    assert!(!sim.events().iter().any(|e| matches!(e.kind(), "ThreadWake" | "ThreadCreate")), "no idle P, so no M is started");
    let st = sim.snapshot(false);
    assert_eq!(&st.global[..3], &list[..], "global = the list, in order");
    assert!(st.needspinning, "startIdle's pidlegetSpinning found no P");
    assert_eq!(st.ps[0].runnext, None);
    assert!(st.ps[0].runq.is_empty());
}

/// The thread blocked in netpoll wakes to find every P taken (another thread took the idle P
/// meanwhile): with no P it injects the list into the global queue and parks.
#[test]
fn poller_waking_without_a_p_injects_into_the_global_queue_and_parks() {
    let json = r#"{"version":1,"gomaxprocs":2,
        "funcs":{"io":[{"net":"1ms"},{"done":"wg"}],"hog":[{"work":"20ms"}]},
        "main":[{"add":{"wg":"wg","n":2}},{"go":{"func":"io","n":2}},{"work":"100us"},{"go":"hog"},{"work":"20ms"},{"wait":"wg"}]}"#;
    let mut sim = sim_of(json);
    let before = step_to(&mut sim, kind_is("NetpollReady"));
    let poll = first(sim.events(), kind_is("NetpollReady")).clone();
    assert!(matches!(poll.what, What::NetpollReady { poller: PollWhere::Blocked, .. }), "{:?}", poll.what);
    assert!(before.idle_ps.is_empty(), "both Ps are busy when the poller wakes: {:?}", before.ps);
    let poller = poll.m.unwrap().0;
    assert_eq!(poll.p, None, "the poller has no P");
    let mut list = kernel_order(&before, sim.now());
    list.reverse();
    assert_eq!(unblocked(&sim), list.iter().map(|&g| (g, Place::GlobalTail)).collect::<Vec<_>>());
    assert_eq!(&sim.snapshot(false).global[..list.len()], &list[..]);
    let park = sim.events().iter().position(|e| e.kind() == "ThreadPark" && e.m.unwrap().0 == poller);
    assert!(park.is_some(), "the poller parks (stopm)");
    assert!(!sim.events().iter().any(|e| matches!(e.kind(), "ThreadWake" | "ThreadCreate")));
}

// ----- §7 netpoll returns the ready goroutines in reverse order -----

/// Three network waits complete in the order b, c, a while the only P is busy. The poll made
/// when main blocks returns a, c, b (each ready G pushed on the list's front): a runs at once,
/// c and b go to the local queue in that order and run after it.
#[test]
fn netpoll_returns_ready_goroutines_in_reverse_order() {
    let json = r#"{"version":1,"gomaxprocs":1,
        "funcs":{"a":[{"net":"3ms"},{"done":"wg"}],"b":[{"net":"1ms"},{"done":"wg"}],"c":[{"net":"2ms"},{"done":"wg"}]},
        "main":[{"add":{"wg":"wg","n":3}},{"go":"a"},{"go":"b"},{"go":"c"},{"sleep":"100us"},{"work":"5ms"},{"wait":"wg"}]}"#;
    let (a, b, c) = (GId(2), GId(3), GId(4));
    let mut sim = sim_of(json);
    let before = step_to(&mut sim, kind_is("NetpollReady"));
    assert_eq!(kernel_order(&before, sim.now()), vec![b, c, a], "the fds became ready in the order b, c, a");
    let start = first(sim.events(), kind_is("GoStart"));
    assert_eq!(start.g.unwrap(), a, "the last one ready is the list's head");
    assert_eq!(unblocked(&sim), vec![(c, Place::LocalTail), (b, Place::LocalTail)]);
    assert_eq!(sim.p_state(PId(0)).runq, vec![c, b]);
    let mut events = Vec::new();
    while step(&mut sim) {
        events.extend_from_slice(sim.events());
    }
    assert_eq!(start_order(&events), vec![c.0, b.0, 1]);
}

// ----- §9.1 procresize -----

/// A four-P program where every P has queued work and the global queue has two goroutines;
/// the goroutine running on P3 calls GOMAXPROCS(2). (The spinner chain that spreads the three
/// spawned goroutines fills the Ps from the idle stack's front: P3 first with [NEW] rules, P1
/// first with [OLD] ones; the caller is spawned so that it lands on P3 either way.)
const SHRINK: &str = r#"{"version":1,"gomaxprocs":4,"go":"GO",
    "funcs":{"caller":[{"work":"2ms"},{"gomaxprocs":2},{"work":"1ms"}],"hog":[{"work":"50ms"}],"f":[{"work":"1ms"}]},
    "main":[{"go":"FIRST"},{"go":"hog"},{"go":"THIRD"},{"work":"50ms"}],
    "actions":[{"at_ns":"1ms","spawn":{"func":"f","n":3,"on_p":2}},{"at_ns":"1ms","spawn":{"func":"f","n":2,"on_p":3}},
               {"at_ns":"1ms","spawn":{"func":"f","n":2}},{"at_ns":"1ms","spawn":{"func":"f","n":2,"on_p":1}}]}"#;

/// Steps SHRINK (for Go `go`) to the stop-the-world; returns the state before and the sim after.
fn shrink(go: &str) -> (SimState, Sim) {
    let (first, third) = if go == "1.26" { ("caller", "hog") } else { ("hog", "caller") };
    let mut sim = sim_of(&SHRINK.replace("GO", go).replace("FIRST", first).replace("THIRD", third));
    let before = step_to(&mut sim, kind_is("STWBegin"));
    let caller = before.ps[3].g.expect("P3 runs a goroutine");
    assert_eq!(before.gs[caller.index()].func, "caller", "Go {go}: the caller runs on P3");
    for p in &before.ps {
        assert!(p.runnext.is_some() || p.id == PId(0), "Go {go}: P{} has a runnext: {:?}", p.id, before.ps);
    }
    (before, sim)
}

/// §9.1 step 3: the destroyed Ps (P2, then P3) put their goroutines on the global queue's front,
/// each P's runnext in front of its ring, so the global queue is [runnext(P3), runq(P3)…,
/// runnext(P2), runq(P2)…, previous global…]. (With [NEW] rules, the goroutine each P was running
/// went to its runnext when the world stopped, §5.2.)
#[test]
fn procresize_moves_destroyed_ps_work_to_the_global_front_in_order() {
    let (before, sim) = shrink("1.26");
    let (p2, p3) = (&before.ps[2], &before.ps[3]);
    assert!(p2.runnext.is_some() && !p2.runq.is_empty() && p3.runnext.is_some() && !p3.runq.is_empty());
    assert_eq!(before.global, gids([10, 11]));
    let st = sim.snapshot(false);
    assert_eq!(st.gomaxprocs, 2);
    assert_eq!(st.ps.len(), 2);
    // P2 was running G3: preempted into P2's runnext, which kicked runnext G7 to the ring.
    let mut want = vec![p3.runnext.unwrap()];
    want.extend(&p3.runq);
    want.push(p2.g.unwrap());
    want.extend(&p2.runq);
    want.push(p2.runnext.unwrap());
    want.extend(&before.global);
    assert_eq!(want, gids([9, 8, 3, 5, 6, 7, 10, 11]));
    assert_eq!(st.global, want);
    // P1's queue is kept, with its preempted goroutine in runnext (§9.3: local queues are kept).
    assert_eq!(st.ps[1].runnext, before.ps[1].g);
    let mut p1 = before.ps[1].runq.clone();
    p1.push(before.ps[1].runnext.unwrap());
    assert_eq!(st.ps[1].runq, p1);
}

/// §9.1 step 3 with [OLD] rules: goroutines preempted by the stop-the-world went to the global
/// tail first; the destroyed Ps' queues still go in front of everything.
#[test]
fn procresize_old_rules_put_preempted_goroutines_behind_the_destroyed_ps_work() {
    let (before, sim) = shrink("1.22");
    let (p2, p3) = (&before.ps[2], &before.ps[3]);
    let st = sim.snapshot(false);
    let mut want = vec![p3.runnext.unwrap()];
    want.extend(&p3.runq);
    want.push(p2.runnext.unwrap());
    want.extend(&p2.runq);
    want.extend(&before.global);
    // Preempted in P order: main on P0, then P1's and P2's goroutines (not the caller's).
    want.extend([GId(1), before.ps[1].g.unwrap(), p2.g.unwrap()]);
    assert_eq!(before.ps[0].g, Some(GId(1)));
    assert_eq!(st.global, want);
}

/// §9.1 step 2: the caller's P (P3) does not survive, so the caller's thread takes P0.
#[test]
fn procresize_gives_a_caller_on_a_destroyed_p_p0() {
    let (before, sim) = shrink("1.26");
    let caller_m = before.ps[3].m.unwrap();
    let st = sim.snapshot(false);
    let m = &st.ms[caller_m.index()];
    assert_eq!(m.p, Some(PId(0)));
    assert_eq!(m.g, before.ps[3].g, "the caller goes on running");
    assert_eq!(st.ps[0].m, Some(caller_m));
    let take = first(sim.events(), |e| e.kind() == "ProcStart" && e.m == Some(caller_m));
    assert_eq!(take.p.unwrap().0, 0);
    // P0's own goroutine (main) waits in P0's runnext and runs when the caller is done.
    assert_eq!(st.ps[0].runnext, Some(GId(1)));
}

/// §9.1 step 5 and step 9: P1 has work after the resize, so it gets a thread at once: with
/// [NEW] rules its previous thread (even though another is at the idle list's front), with
/// [OLD] rules the idle list's front (mget).
#[test]
fn procresize_starts_ps_with_work_on_their_previous_thread() {
    for (go, prefer_previous) in [("1.26", true), ("1.22", false)] {
        let (before, sim) = shrink(go);
        let p1_m = before.ps[1].m.unwrap();
        let st = sim.snapshot(false);
        let wakes: Vec<&Event> = sim.events().iter().filter(|e| matches!(e.kind(), "ThreadWake" | "ThreadCreate")).collect();
        assert_eq!(wakes.len(), 1, "{go}: one thread for the one surviving P with work, and wakep finds no idle P: {wakes:?}");
        let What::ThreadWake { for_p, spinning } = wakes[0].what else { panic!("{go}: an idle thread is reused: {:?}", wakes[0]) };
        assert_eq!(for_p.0, 1);
        assert!(!spinning);
        // The threads parked by the stop-the-world, in P order (P0's, P1's, P2's): the front is P2's.
        let p2_m = before.ps[2].m.unwrap();
        assert_ne!(p2_m, p1_m);
        let got = wakes[0].m.unwrap();
        if prefer_previous {
            assert_eq!(got, p1_m, "{go}: P1's previous thread");
        } else {
            assert_eq!(got, p2_m, "{go}: the front of the idle thread list");
        }
        assert!(!st.idle_ms.contains(&got));
    }
}

/// §9.1 step 9: growing 2 → 4 while P1's goroutine runs: the stop-the-world leaves it first on
/// P1, so P1 has work and gets its thread (not spinning); then start-the-world's single wakep
/// starts one spinner, on the idle stack's front (P3), and leaves P2 idle.
#[test]
fn start_the_world_starts_ps_with_work_then_wakes_one_spinner() {
    let json = r#"{"version":1,"gomaxprocs":2,"funcs":{"hog":[{"work":"20ms"}]},
        "main":[{"go":"hog"},{"work":"1ms"},{"gomaxprocs":4},{"work":"1ms"}]}"#;
    let mut sim = sim_of(json);
    let before = step_to(&mut sim, kind_is("STWBegin"));
    let p1_m = before.ps[1].m.unwrap();
    let starts: Vec<(u32, u32, bool)> = sim
        .events()
        .iter()
        .filter_map(|e| match e.what {
            What::ThreadWake { for_p, spinning } => Some((e.m.unwrap().0, for_p.0, spinning)),
            What::ThreadCreate { for_p: Some(p), spinning, .. } => Some((e.m.unwrap().0, p.0, spinning)),
            _ => None,
        })
        .collect();
    assert_eq!(starts.len(), 2, "{starts:?}");
    assert_eq!(starts[0], (p1_m.0, 1, false), "first the P with work, on its thread");
    assert_eq!((starts[1].1, starts[1].2), (3, true), "then one spinner, for the idle stack's front");
    let st = sim.snapshot(false);
    assert_eq!(st.idle_ps, [PId(2)]);
    assert_eq!(st.ps[1].runnext, Some(GId(2)), "the preempted goroutine waits first on P1");
    assert_eq!(st.nmspinning, 1);
}

/// §9.1 step 7 and step 9: growing from 1 to 4 P makes three idle Ps. [NEW]: pidleput in
/// increasing id order, so the idle stack's front is the highest id; [OLD]: the lowest. Then
/// start-the-world calls wakep once: one spinning thread, for the front P.
#[test]
fn procresize_idle_stack_order_and_a_single_wakep() {
    for (go, front, rest) in [("1.26", 3, vec![2, 1]), ("1.22", 1, vec![2, 3])] {
        let json = r#"{"version":1,"gomaxprocs":1,"go":"GO","main":[{"work":"1ms"},{"gomaxprocs":4},{"work":"1ms"}]}"#.replace("GO", go);
        let mut sim = sim_of(&json);
        step_to(&mut sim, kind_is("STWEnd"));
        let starts: Vec<&Event> = sim.events().iter().filter(|e| matches!(e.kind(), "ThreadWake" | "ThreadCreate")).collect();
        assert_eq!(starts.len(), 1, "{go}: wakep once, one spinner: {starts:?}");
        assert!(matches!(starts[0].what, What::ThreadCreate { for_p: Some(p), spinning: true, .. } if p.0 == front), "{go}: {:?}", starts[0].what);
        let end = sim.events().iter().position(|e| e.kind() == "STWEnd").unwrap();
        let start = sim.events().iter().position(|e| e.kind() == "ThreadCreate").unwrap();
        assert!(start > end, "{go}: wakep comes as the world restarts");
        let st = sim.snapshot(false);
        assert_eq!(st.idle_ps, rest.into_iter().map(PId).collect::<Vec<_>>(), "{go}: the idle stack after wakep took its front");
        assert_eq!(st.nmspinning, 1);
    }
}

// ----- §9.3 stop-the-world -----

/// GOMAXPROCS(4) → 5 while one goroutine is in a syscall (sysmon leaves its P alone for 10 ms,
/// since a P is idle) and one P is idle: the running goroutines are preempted and stay first on
/// their P [NEW] (§5.2); the stop-the-world itself takes the syscalling P (syscalltick++); the
/// idle P leaves and rejoins the idle list; after the world restarts the syscall returns without
/// its P (no fast path). (Start-the-world's non-blocking netpoll, §7 caller 4, is not tested
/// here: the simulator does not do it yet.)
#[test]
fn stop_the_world_stops_running_syscall_and_idle_ps() {
    let json = r#"{"version":1,"gomaxprocs":4,"funcs":{"sc":[{"syscall":"5ms"},{"work":"10us"}],"w":[{"work":"3ms"}]},
        "main":[{"go":"sc"},{"work":"500us"},{"go":"w"},{"work":"500us"},{"gomaxprocs":5},{"work":"10ms"}]}"#;
    let mut sim = sim_of(json);
    let before = step_to(&mut sim, kind_is("STWBegin"));
    let sc_p = before.ps.iter().find(|p| p.g == Some(GId(2))).expect("sc holds a P in its syscall");
    assert_eq!(before.gs[1].status, GStatus::Syscall);
    let w_p = before.ps.iter().find(|p| p.g == Some(GId(3))).expect("w runs on a P");
    let idle_before = before.idle_ps.clone();
    assert_eq!(idle_before.len(), 1, "one idle P: {:?}", before.ps);
    let events = sim.events().to_vec();
    // The running goroutine on another P is preempted for the stop-the-world into its P's runnext.
    let stop = first(&events, |e| e.kind() == "GoStop" && e.g.unwrap().0 == 3);
    assert!(matches!(stop.what, What::GoStop { reason: StopReason::PreemptedStw, place: Place::Runnext { .. } }));
    assert_eq!(stop.p.unwrap(), w_p.id);
    let st = sim.snapshot(false);
    assert_eq!(st.ps[w_p.id.index()].runnext, Some(GId(3)), "the preempted goroutine stays first on its P");
    // The P in a syscall was taken: its M no longer holds it and its syscalltick moved on.
    assert_eq!(st.ps[sc_p.id.index()].syscalltick, sc_p.syscalltick + 1);
    assert_ne!(st.ps[sc_p.id.index()].m, sc_p.m);
    let sc_m = sc_p.m.unwrap();
    assert_eq!(st.ms[sc_m.index()].p, None);
    assert_eq!(st.ms[sc_m.index()].status, MStatus::Syscall);
    // Every P is accounted for: the caller's, w's (started with a thread), and idle ones.
    assert_eq!(st.gomaxprocs, 5);
    for p in &st.ps {
        if p.id == PId(0) {
            assert_eq!(p.status, PStatus::Running);
        } else if p.id == w_p.id {
            assert!(st.ms.iter().any(|m| m.p == Some(p.id) && m.status == MStatus::Waking), "P{} has work and a thread on its way", p.id);
        } else {
            assert!(st.idle_ps.contains(&p.id) || st.ms.iter().any(|m| m.p == Some(p.id) && m.spinning), "P{} is idle or given to the spinner", p.id);
        }
    }
    // The syscall returns later, without its P.
    let mut rest = Vec::new();
    while step(&mut sim) {
        rest.extend_from_slice(sim.events());
    }
    let end = first(&rest, |e| e.kind().starts_with("GoSyscallEnd") && e.g.unwrap().0 == 2);
    assert_eq!(end.kind(), "GoSyscallEndBlocked", "the stop-the-world took the P: no fast path");
    assert_eq!(sim.outcome(), Some(&Outcome::Exit));
}

/// Start-the-world wakes sysmon from its deep sleep (spec §9.3; §6.4 step 2): at 20 ms every P
/// is idle and sysmon sleeps until main's timer at 30 ms; a GOMAXPROCS change then makes it run
/// at once with its 20 µs period. A control run with a no-op action at 20 ms stays asleep.
#[test]
fn start_the_world_wakes_sysmon_from_deep_sleep() {
    let json = r#"{"version":1,"gomaxprocs":2,"main":[{"sleep":"30ms"},{"work":"10us"}],
        "actions":[{"at_ns":"20ms","ACTION"}]}"#;
    let at_20ms = |action: &str| {
        let mut sim = sim_of(&json.replace(r#""ACTION""#, action));
        step_to(&mut sim, kind_is("Action"));
        assert_eq!(sim.now(), 20_000_000);
        let sysmon = sim.snapshot(false).sysmon;
        assert!(sysmon.deep_sleep, "{action}: every P was idle: sysmon was in deep sleep");
        sim
    };
    let mut control = at_20ms(r#""net_ready":{"g":99}"#);
    assert!(control.next_time().unwrap() > 29_000_000, "nothing happens before main's timer");
    assert!(step(&mut control));
    assert!(control.snapshot(false).sysmon.deep_sleep);
    let mut woken = at_20ms(r#""gomaxprocs":3"#);
    assert_eq!(woken.next_time(), Some(20_000_000), "notewakeup(&sched.sysmonnote): sysmon runs now");
    let st = woken.snapshot(false).sysmon;
    assert_eq!((st.idle_cycles, st.delay_ns), (0, 20_000), "back to the 20 µs period");
    assert!(step(&mut woken));
    assert!(woken.now() < 29_000_000);
    assert!(!woken.snapshot(false).sysmon.deep_sleep, "sysmon is awake");
}

// ----- §10 channels -----

/// A receive from a full buffered channel with a blocked sender takes the buffer's head and
/// moves the sender's value to the tail, so the buffer stays full; the sender is readied into
/// the receiver's P's runnext and goes on past its send.
#[test]
fn buffered_receive_wakes_a_blocked_sender_into_runnext() {
    let json = r#"{"version":1,"gomaxprocs":1,"chans":{"c":1},
        "funcs":{"s":[{"send":"c"},{"work":"10us"}]},
        "main":[{"send":"c"},{"go":"s"},"gosched",{"recv":"c"},{"work":"10us"},{"recv":"c"},{"work":"10us"}]}"#;
    let mut sim = sim_of(json);
    let before = step_to(&mut sim, |e| e.kind() == "ChanRecv");
    assert_eq!(before.gs[1].status, GStatus::Waiting, "the sender is blocked on the full buffer");
    assert_eq!(before.chans[0].len, 1);
    let recv = first(sim.events(), kind_is("ChanRecv"));
    assert!(matches!(recv.what, What::ChanRecv { how: gmp::core::event::ChanHow::BufferedWake { partner, len: 1, cap: 1 }, .. } if partner.0 == 2), "{:?}", recv.what);
    let wake = first(sim.events(), kind_is("GoUnblock"));
    assert_eq!(wake.g.unwrap().0, 2);
    assert!(matches!(wake.what, What::GoUnblock { place: Place::Runnext { kicked: None }, .. }));
    let st = sim.snapshot(false);
    assert_eq!(st.chans[0].len, 1, "the sender's value took the freed slot");
    assert_eq!(st.ps[0].runnext, Some(GId(2)));
    // main's second receive takes the sender's value from the buffer without blocking.
    let mut rest = Vec::new();
    while step(&mut sim) {
        rest.extend_from_slice(sim.events());
    }
    let recvs: Vec<&Event> = of_kind(&rest, "ChanRecv");
    assert_eq!(recvs.len(), 1);
    assert!(matches!(recvs[0].what, What::ChanRecv { how: gmp::core::event::ChanHow::Buffered { len: 0, .. }, .. }));
    assert!(of_kind(&rest, "GoBlock").is_empty(), "nobody blocks again");
    assert_eq!(sim.outcome(), Some(&Outcome::Exit));
}

/// Closing a channel with blocked senders readies them all (in reverse: the first sender ends
/// in runnext, the others in the local queue in reverse order), and the first to run panics
/// with "send on closed channel".
#[test]
fn close_with_blocked_senders_readies_them_and_they_panic() {
    let json = r#"{"version":1,"gomaxprocs":1,"chans":{"c":0},
        "funcs":{"s":[{"send":"c"}]},
        "main":[{"go":{"func":"s","n":3}},"gosched",{"close":"c"},"gosched",{"work":"10us"}]}"#;
    let mut sim = sim_of(json);
    let before = step_to(&mut sim, kind_is("ChanClose"));
    // Senders blocked in run order G4 (runnext), G2, G3.
    let blocked: Vec<GId> = before.gs.iter().filter(|g| g.status == GStatus::Waiting).map(|g| g.id).collect();
    assert_eq!(blocked.len(), 3);
    let close = first(sim.events(), kind_is("ChanClose"));
    assert!(matches!(close.what, What::ChanClose { woken: 3, .. }));
    // Readied last-blocked first: G3, then G2, then G4 (the first sender) ends in runnext.
    let order: Vec<GId> = unblocked(&sim).into_iter().map(|(g, _)| g).collect();
    assert_eq!(order, gids([3, 2, 4]));
    let p0 = sim.p_state(PId(0));
    assert_eq!(p0.runnext, Some(GId(4)));
    assert_eq!(p0.runq, gids([3, 2]));
    // main yields, and the first sender runs and panics.
    let mut rest = Vec::new();
    while step(&mut sim) {
        rest.extend_from_slice(sim.events());
    }
    assert_eq!(sim.outcome(), Some(&Outcome::Panic("send on closed channel".into())));
    let panic = first(&rest, kind_is("Panic"));
    assert_eq!(panic.g.unwrap().0, 4, "the first blocked sender runs first and panics");
}

// ----- §12.1 the schedtrace line -----

/// The [NEW] summary line: every field in order, per-P ring lengths without runnext, inner
/// spaces in the brackets and the schedticks list. [OLD]: no inner spaces and no schedticks;
/// needspinning only from Go 1.22.
#[test]
fn schedtrace_line_formats() {
    // At the moment G5 is created: P0 runs main with runnext G5 and ring [G2..G4] (3), the
    // spinner chain has not started, sysmon and M0 are the threads.
    let json = r#"{"version":1,"gomaxprocs":2,"go":"GO","funcs":{"f":[{"work":"1ms"}]},
        "main":[{"go":{"func":"f","n":4}},{"work":"1ms"}]}"#;
    for (go, want) in [
        ("1.26", "SCHED 0ms: gomaxprocs=2 idleprocs=0 threads=3 spinningthreads=1 needspinning=0 idlethreads=0 runqueue=0 [ 3 0 ] schedticks=[ 1 0 ]"),
        ("1.22", "SCHED 0ms: gomaxprocs=2 idleprocs=0 threads=3 spinningthreads=1 needspinning=0 idlethreads=0 runqueue=0 [3 0]"),
        ("1.19", "SCHED 0ms: gomaxprocs=2 idleprocs=0 threads=3 spinningthreads=1 idlethreads=0 runqueue=0 [3 0]"),
    ] {
        let mut sim = sim_of(&json.replace("GO", go));
        step_to(&mut sim, |e| e.kind() == "GoCreate" && e.g.unwrap().0 == 5);
        let st = sim.snapshot(false);
        assert_eq!(st.ps[0].runnext, Some(GId(5)));
        assert_eq!(st.ps[0].runq.len(), 3, "runnext is not counted");
        assert_eq!(sim.schedtrace(), want, "Go {go}");
    }
}

/// The [NEW] line's fields follow the state through a run: each field is read back from the
/// line and compared with the snapshot at that step.
#[test]
fn schedtrace_fields_match_the_state_throughout_a_run() {
    let json = r#"{"version":1,"gomaxprocs":3,"funcs":{"w":[{"work":"300us"},{"syscall":"200us"},{"done":"wg"}]},
        "main":[{"add":{"wg":"wg","n":40}},{"go":{"func":"w","n":40}},{"wait":"wg"},{"sleep":"2ms"}]}"#;
    let mut sim = sim_of(json);
    let mut checked = 0;
    while step(&mut sim) {
        let line = sim.schedtrace();
        let st = sim.snapshot(false);
        let field = |name: &str| -> String {
            let at = line.find(&format!(" {name}=")).unwrap_or_else(|| panic!("no {name} in {line}")) + name.len() + 2;
            line[at..].split(' ').next().unwrap().to_string()
        };
        assert!(line.starts_with(&format!("SCHED {}ms: ", sim.now() / 1_000_000)), "{line}");
        assert_eq!(field("gomaxprocs"), st.gomaxprocs.to_string());
        assert_eq!(field("idleprocs"), st.idle_ps.len().to_string());
        assert_eq!(field("threads"), st.ms.iter().filter(|m| m.status != MStatus::Dead).count().to_string());
        assert_eq!(field("spinningthreads"), st.nmspinning.to_string());
        assert_eq!(field("needspinning"), (st.needspinning as u8).to_string());
        assert_eq!(field("idlethreads"), st.idle_ms.len().to_string());
        assert_eq!(field("runqueue"), st.global.len().to_string());
        let lens: Vec<String> = st.ps.iter().map(|p| p.runq.len().to_string()).collect();
        let ticks: Vec<String> = st.ps.iter().map(|p| p.schedtick.to_string()).collect();
        assert!(line.ends_with(&format!(" [ {} ] schedticks=[ {} ]", lens.join(" "), ticks.join(" "))), "{line}");
        checked += 1;
    }
    assert!(checked > 100);
    assert_eq!(sim.outcome(), Some(&Outcome::Exit));
}

