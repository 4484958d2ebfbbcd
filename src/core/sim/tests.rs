//! Rule tests that need a precise starting state (spec §15 vectors TV4, TV5-61, TV6, TV7,
//! TV8b): they set the state up directly, then call the runtime function under test.

use super::*;
use crate::core::event::{Source, What};
use crate::core::scenario::{Op, Scenario};

/// A simulator past start-up: G1 runs on P0/M0, the other Ps idle.
fn started(gomaxprocs: u32) -> Sim {
    let mut s = Scenario::empty();
    s.gomaxprocs = gomaxprocs;
    s.main = vec![Op::Work(1_000_000_000)];
    let mut sim = Sim::new(&s);
    assert!(sim.step());
    sim.events.clear();
    sim
}

/// Makes `n` runnable goroutines (not queued anywhere yet) and returns their indices.
fn make_gs(sim: &mut Sim, n: u32) -> Vec<u32> {
    (0..n).map(|_| sim.new_g(sim.prog.main, None, None)).collect()
}

/// A new M holding P `p` (taken off the idle list), in `schedule`, spinning if asked.
fn thief(sim: &mut Sim, p: u32, spinning: bool) -> u32 {
    let m = sim.new_m_struct();
    sim.pidle.retain(|&x| x != p);
    sim.ps[p as usize].idle = false;
    sim.acquirep(m, p);
    sim.ms[m as usize].state = MStatus::Schedule;
    if spinning {
        sim.ms[m as usize].spinning = true;
        sim.nmspinning += 1;
    }
    m
}

fn ring(sim: &Sim, p: u32) -> Vec<u32> {
    sim.ps[p as usize].runq.iter().collect()
}

#[test]
fn tv4_global_batch_sizes() {
    let mut sim = started(4);
    let gs = make_gs(&mut sim, 20);
    sim.global.extend(gs.iter().copied());
    // Each P arrives at findRunnable step 10 with an empty local queue, in order.
    let expect = [(0, 6, 14), (1, 4, 10), (2, 3, 7), (3, 2, 5)];
    let mut taken = 0;
    for (p, k, left) in expect {
        let first = sim.globrunqgetbatch(p, 0);
        assert_eq!(first, gs[taken], "P{p} runs the global head");
        assert_eq!(ring(&sim, p), gs[taken + 1..taken + k].to_vec(), "P{p} gets k-1 in order");
        assert_eq!(sim.global.len(), left);
        taken += k;
        sim.ps[p as usize].runq = Default::default();
    }
}

#[test]
fn tv4_global_batch_caps_at_128() {
    let mut sim = started(1);
    let gs = make_gs(&mut sim, 1000);
    sim.global.extend(gs.iter().copied());
    sim.globrunqgetbatch(0, 0);
    assert_eq!(sim.ps[0].runq.len(), 127);
    assert_eq!(sim.global.len(), 1000 - 128);
}

#[test]
fn tv5_fairness_check_takes_global_first_at_schedtick_61() {
    let mut sim = started(1);
    let gs = make_gs(&mut sim, 3);
    // main has yielded to the global queue; A and B are local.
    sim.global.push_back(gs[0]);
    sim.ps[0].runq.push_back(gs[1]);
    sim.ps[0].runq.push_back(gs[2]);
    sim.ms[0].curg = None;
    sim.gs[0].status = GStatus::Dead;
    sim.ms[0].state = MStatus::Schedule;
    sim.ps[0].schedtick = 61;
    match sim.find_runnable(0) {
        find::Found::G(g, inherit, Source::Fairness) => {
            assert_eq!(g, gs[0]);
            assert!(!inherit);
        }
        _ => panic!("schedtick 61 must check the global queue first"),
    }
    sim.ps[0].schedtick = 62;
    sim.global.push_back(gs[0]);
    match sim.find_runnable(0) {
        find::Found::G(g, _, Source::Local) => assert_eq!(g, gs[1]),
        _ => panic!("schedtick 62 takes local work first"),
    }
}

#[test]
fn tv6a_steal_half_rounded_up() {
    for (k, run_idx, thief_gets, victim_keeps) in [(7usize, 3usize, 3usize, 3usize), (1, 0, 0, 0), (2, 0, 0, 1), (3, 1, 1, 1), (256, 127, 127, 128)] {
        let mut sim = started(2);
        let vs = make_gs(&mut sim, k as u32);
        let r = make_gs(&mut sim, 1)[0];
        for &g in &vs {
            sim.ps[0].runq.push_back(g);
        }
        sim.ps[0].runq.runnext = Some(r);
        let m = thief(&mut sim, 1, true);
        match sim.find_runnable(m) {
            find::Found::G(g, false, Source::Steal) => assert_eq!(g, vs[run_idx], "k={k}: runs the last stolen"),
            _ => panic!("k={k}: expected a steal"),
        }
        assert_eq!(ring(&sim, 1), vs[..thief_gets].to_vec(), "k={k}: thief's queue");
        assert_eq!(ring(&sim, 0), vs[k - victim_keeps..].to_vec(), "k={k}: victim keeps the newer half");
        assert_eq!(sim.ps[0].runq.runnext, Some(r), "k={k}: runnext is not taken while the ring has work");
        let steal = sim.events.iter().find(|e| e.kind() == "Steal").expect("Steal event");
        assert!(matches!(steal.what, What::Steal { n, of, runnext: false, .. } if n as usize == run_idx + 1 && of as usize == k));
    }
}

#[test]
fn tv6b_runnext_steal_backs_off_3us_when_victim_runs_user_code() {
    let mut sim = started(2);
    let x = make_gs(&mut sim, 1)[0];
    sim.ps[0].runq.runnext = Some(x);
    let m = thief(&mut sim, 1, true);
    assert!(matches!(sim.find_runnable(m), find::Found::Nothing));
    assert!(sim.events.iter().any(|e| e.kind() == "StealBackoff"));
    assert_eq!(sim.ms[m as usize].wake_at, Some(sim.now + 3_000));
    // After the back-off the runnext G is still there: the thief takes it.
    sim.events.clear();
    match sim.find_runnable(m) {
        find::Found::G(g, false, Source::Steal) => assert_eq!(g, x),
        _ => panic!("expected the runnext steal after the back-off"),
    }
    assert_eq!(sim.ps[0].runq.runnext, None);
}

#[test]
fn tv6b_victim_runs_its_runnext_during_the_backoff() {
    let mut sim = started(2);
    let x = make_gs(&mut sim, 1)[0];
    sim.ps[0].runq.runnext = Some(x);
    let m = thief(&mut sim, 1, true);
    assert!(matches!(sim.find_runnable(m), find::Found::Nothing));
    // P0's goroutine blocked and P0 took x itself.
    sim.ps[0].runq.runnext = None;
    sim.events.clear();
    assert!(matches!(sim.find_runnable(m), find::Found::Nothing));
    assert!(!sim.events.iter().any(|e| e.kind() == "Steal"));
}

#[test]
fn tv6c_no_backoff_when_victims_goroutine_is_in_a_syscall() {
    let mut sim = started(2);
    let x = make_gs(&mut sim, 1)[0];
    sim.ps[0].runq.runnext = Some(x);
    sim.gs[0].status = GStatus::Syscall;
    sim.ms[0].state = MStatus::Syscall;
    let m = thief(&mut sim, 1, true);
    match sim.find_runnable(m) {
        find::Found::G(g, false, Source::Steal) => assert_eq!(g, x),
        _ => panic!("expected an immediate runnext steal"),
    }
    assert!(!sim.events.iter().any(|e| e.kind() == "StealBackoff"));
}

#[test]
fn tv7_victim_enumeration() {
    assert_eq!(steal_order(4, 9), vec![1, 2, 3, 0]);
    assert_eq!(steal_order(4, 6), vec![2, 1, 0, 3]);
    assert_eq!(steal_order(4, 7), vec![3, 2, 1, 0]);
    assert_eq!(steal_order(5, 12), vec![2, 0, 3, 1, 4]);
    assert_eq!(steal_order(6, 14), vec![2, 3, 4, 5, 0, 1]);
    assert_eq!(steal_order(6, 10), vec![4, 3, 2, 1, 0, 5]);
    assert_eq!(resize::coprimes(1), vec![1]);
    assert_eq!(resize::coprimes(8), vec![1, 3, 5, 7]);
    // Every P exactly once, for any n and r.
    for n in 1..=20 {
        for r in [0u32, 1, 7, 12345, u32::MAX] {
            let mut o = steal_order(n, r);
            o.sort();
            assert_eq!(o, (0..n).collect::<Vec<_>>());
        }
    }
}

#[test]
fn tv8b_spinning_limit_half_the_busy_ps() {
    // GOMAXPROCS=8, 6 idle Ps, 1 spinner: a newly idle M does not steal.
    let mut sim = started(8);
    sim.gs[0].status = GStatus::Waiting;
    sim.gs[0].wait = Wait::ChanRecv(0);
    sim.ms[0].curg = None;
    sim.ms[0].state = MStatus::Schedule;
    thief(&mut sim, 7, true);
    assert_eq!(sim.npidle(), 6);
    let work = make_gs(&mut sim, 2);
    sim.ps[7].runq.push_back(work[0]);
    sim.ps[7].runq.push_back(work[1]);
    let _ = sim.find_runnable(0);
    assert!(!sim.events.iter().any(|e| e.kind() == "Steal" || e.kind() == "SpinStart"), "2·1 < 8−6 is false: no stealing");
    assert_eq!(sim.ms[0].state, MStatus::Idle);
    // With no spinner, 0 < 2: the M becomes spinning and steals.
    let mut sim2 = started(8);
    sim2.gs[0].status = GStatus::Waiting;
    sim2.gs[0].wait = Wait::ChanRecv(0);
    sim2.ms[0].curg = None;
    sim2.ms[0].state = MStatus::Schedule;
    thief(&mut sim2, 7, false);
    let work = make_gs(&mut sim2, 2);
    sim2.ps[7].runq.push_back(work[0]);
    sim2.ps[7].runq.push_back(work[1]);
    assert!(matches!(sim2.find_runnable(0), find::Found::G(_, _, Source::Steal)));
    assert!(sim2.events.iter().any(|e| e.kind() == "SpinStart"));
}

#[test]
fn runqputslow_moves_oldest_half_and_the_new_g_to_global() {
    let mut sim = started(1);
    let gs = make_gs(&mut sim, 257);
    for &g in &gs[..256] {
        sim.runqput(0, g, false);
    }
    // Variant of TV2: a full ring and runqput(X, next=false).
    let place = sim.runqput(0, gs[256], false);
    assert_eq!(place, crate::core::event::Place::GlobalTail);
    let mut want: Vec<u32> = gs[..128].to_vec();
    want.push(gs[256]);
    assert_eq!(sim.global.iter().copied().collect::<Vec<_>>(), want);
    assert_eq!(ring(&sim, 0), gs[128..256].to_vec());
}

#[test]
fn injectglist_sends_one_per_idle_p_to_global_and_keeps_the_rest() {
    let mut sim = started(4);
    let gs = make_gs(&mut sim, 5);
    for &g in &gs {
        sim.gs[g as usize].status = GStatus::Waiting;
    }
    assert_eq!(sim.npidle(), 3);
    sim.injectglist(&gs, Some(0));
    assert_eq!(sim.global.iter().copied().collect::<Vec<_>>(), gs[..3].to_vec());
    assert_eq!(ring(&sim, 0), gs[3..].to_vec());
    // Three Ms were started on the three idle Ps.
    assert_eq!(sim.events.iter().filter(|e| e.kind() == "ThreadCreate").count(), 3);
}

#[test]
fn handoffp_conditions_in_order() {
    // Local work → startm.
    let mut sim = started(2);
    let g = make_gs(&mut sim, 1)[0];
    sim.ps[1].runq.push_back(g);
    sim.pidle.retain(|&p| p != 1);
    sim.ps[1].idle = false;
    sim.handoffp(1);
    assert!(matches!(sim.events.last().map(|e| &e.what), Some(What::ThreadCreate { spinning: false, .. })));
    // No spinner and no idle P → a spinning M.
    let mut sim = started(2);
    sim.pidle.retain(|&p| p != 1);
    sim.ps[1].idle = false;
    sim.handoffp(1);
    assert!(sim.events.iter().any(|e| matches!(e.what, What::Handoff { why: crate::core::event::HandoffWhy::NeedSpinner })));
    assert_eq!(sim.nmspinning, 1);
    // An idle P exists and this is not the last running P... (GOMAXPROCS 3: P2 idle) → idle.
    let mut sim = started(3);
    sim.pidle.retain(|&p| p != 1);
    sim.ps[1].idle = false;
    sim.handoffp(1);
    assert!(sim.events.iter().any(|e| matches!(e.what, What::Handoff { why: crate::core::event::HandoffWhy::Idle })));
    assert!(sim.ps[1].idle);
}

#[test]
fn tv16_goids_come_in_per_p_blocks_of_16() {
    let mut sim = started(2);
    assert_eq!(sim.gs[0].goid, 1, "main takes 1 from P0's block 1-16");
    assert_eq!(sim.goidgen, 16);
    let a = sim.new_g(0, Some(0), Some(0));
    let b = sim.new_g(0, Some(0), Some(0));
    let x = sim.new_g(0, Some(0), Some(1));
    let c = sim.new_g(0, Some(0), Some(0));
    assert_eq!([sim.gs[a as usize].goid, sim.gs[b as usize].goid], [2, 3]);
    assert_eq!(sim.gs[x as usize].goid, 17, "P1 takes the block 17-32");
    assert_eq!(sim.gs[c as usize].goid, 4);
    // Users see creation order: A=G2, B=G3, X=G4, C=G5.
    assert_eq!(sim.goroutine(GId(5)).unwrap().goid, 4);
}

#[test]
fn old_releases_keep_the_lowest_idle_p_in_front_and_new_ones_the_highest() {
    let mut s = Scenario::empty();
    s.gomaxprocs = 4;
    s.main = vec![Op::Work(1_000)];
    let mut new = Sim::new(&s);
    new.step();
    assert_eq!(new.snapshot(false).idle_ps, [3, 2, 1].map(PId));
    s.go = 19;
    let mut old = Sim::new(&s);
    old.step();
    assert_eq!(old.snapshot(false).idle_ps, [1, 2, 3].map(PId));
    assert!(old.schedtrace().ends_with("runqueue=0 [0 0 0 0]"), "{}", old.schedtrace());
    assert!(!old.schedtrace().contains("needspinning"));
}

/// `started(n)` for a chosen Go release.
fn started_go(gomaxprocs: u32, go: u32) -> Sim {
    let mut s = Scenario::empty();
    s.gomaxprocs = gomaxprocs;
    s.go = go;
    s.main = vec![Op::Work(1_000_000_000)];
    let mut sim = Sim::new(&s);
    assert!(sim.step());
    sim.events.clear();
    sim
}

fn kinds(sim: &Sim) -> Vec<&'static str> {
    sim.events.iter().map(|e| e.kind()).collect()
}

/// Spec §4.3 step 16: an M that may not steal (2·nmspinning ≥ busy Ps) and finds
/// `needspinning` set becomes spinning instead of dropping its P (Go 1.21+); in go1.19 there is
/// no such flag and it drops the P.
#[test]
fn find_runnable_step16_needspinning_turns_a_dropping_m_spinning() {
    for (go, turns) in [(26, true), (21, true), (19, false)] {
        let mut sim = started_go(4, go);
        thief(&mut sim, 2, true);
        thief(&mut sim, 3, true);
        let m = thief(&mut sim, 1, false);
        assert_eq!((sim.nmspinning, sim.npidle()), (2, 0), "2·2 < 4 is false: no stealing");
        sim.needspinning = true;
        assert!(matches!(sim.find_runnable(m), find::Found::Nothing));
        let k = kinds(&sim);
        let stop = k.iter().position(|&x| x == "ProcStop").expect("nothing to find: the P is dropped in the end");
        let spun = k[..stop].contains(&"SpinStart");
        assert_eq!(spun, turns, "go 1.{go}: {k:?}");
        if turns {
            assert!(!sim.needspinning, "becoming spinning clears needspinning");
        }
        assert_eq!(sim.ms[m as usize].state, MStatus::Idle);
    }
}

/// Spec §4.3 step 16: the last look at the global queue before the P is dropped. (A thief
/// resuming after its 3 µs back-off skips steps 3–11; work queued globally meanwhile is found
/// here, without giving up the P.)
#[test]
fn find_runnable_step16_last_look_at_the_global_queue_keeps_the_p() {
    let mut sim = started(2);
    let g = make_gs(&mut sim, 1)[0];
    let m = thief(&mut sim, 1, true);
    // The steal passes are over (the thief comes back from its back-off on the last pass).
    sim.ms[m as usize].steal = Some(StealCursor { pass: STEAL_TRIES - 1, r: 0, k: 2, ran_timer: false, backoff: None });
    sim.global.push_back(g);
    match sim.find_runnable(m) {
        find::Found::G(x, false, Source::Global) => assert_eq!(x, g),
        _ => panic!("step 16 takes the global goroutine"),
    }
    assert!(!kinds(&sim).contains(&"ProcStop"), "{:?}", kinds(&sim));
    assert_eq!(sim.ms[m as usize].p, Some(1));
}

/// Spec §4.3 step 17, the delicate dance: a spinning M that found nothing first drops its P,
/// then stops spinning, then looks at every busy P's local queue once more; work there (queued
/// after its last steal pass) makes it take an idle P back, spin again and steal it.
#[test]
fn delicate_dance_drops_the_p_then_spinning_then_rechecks_local_queues() {
    let mut sim = started(2);
    let g = make_gs(&mut sim, 1)[0];
    let m = thief(&mut sim, 1, true);
    sim.ms[m as usize].steal = Some(StealCursor { pass: STEAL_TRIES - 1, r: 0, k: 2, ran_timer: false, backoff: None });
    // Work arrived on P0 after the thief's last pass visited it.
    sim.ps[0].runq.push_back(g);
    sim.events.clear();
    match sim.find_runnable(m) {
        find::Found::G(x, false, Source::Steal) => assert_eq!(x, g),
        _ => panic!("checkRunqsNoP must find P0's goroutine: {:?}", kinds(&sim)),
    }
    assert_eq!(kinds(&sim), vec!["ProcStop", "SpinStop", "ProcStart", "SpinStart", "Steal"]);
    assert!(matches!(sim.events[1].what, What::SpinStop { found: false }));
    assert_eq!(sim.nmspinning, 1, "spinning again until schedule's resetspinning");
    // Without work anywhere the dance ends in stopm.
    let mut sim = started(2);
    let m = thief(&mut sim, 1, true);
    sim.ms[m as usize].steal = Some(StealCursor { pass: STEAL_TRIES - 1, r: 0, k: 2, ran_timer: false, backoff: None });
    sim.events.clear();
    assert!(matches!(sim.find_runnable(m), find::Found::Nothing));
    assert_eq!(kinds(&sim), vec!["ProcStop", "SpinStop", "ThreadPark"]);
    assert_eq!(sim.nmspinning, 0);
}

/// Spec §6.3 step 5: a P handed off to the idle list with timers calls `wakeNetPoller`: it
/// breaks a poller that would sleep past the timer, leaves one that wakes earlier alone, and
/// with no poller calls `wakep`.
#[test]
fn handoffp_idle_with_timers_wakes_the_net_poller() {
    let setup = |poll_until: Option<u64>| {
        let mut sim = started(3);
        sim.now = 1_000;
        sim.pidle.retain(|&p| p != 1);
        sim.ps[1].idle = false;
        let w = make_gs(&mut sim, 1)[0];
        sim.gs[w as usize].status = GStatus::Waiting;
        sim.gs[w as usize].wait = Wait::Sleep { until: 50_000 };
        sim.ps[1].timers.push(std::cmp::Reverse((50_000, 0, w)));
        let pm = poll_until.map(|until| {
            let pm = sim.new_m_struct();
            sim.ms[pm as usize].state = MStatus::Netpoll;
            sim.poller = Some(pm);
            sim.poll_until = until;
            if until != 0 {
                sim.wake_m(pm, until);
            }
            pm
        });
        (sim, pm)
    };
    // A poller blocked with no deadline: netpollBreak.
    let (mut sim, pm) = setup(Some(0));
    sim.handoffp(1);
    assert!(sim.events.iter().any(|e| matches!(e.what, What::Handoff { why: crate::core::event::HandoffWhy::Idle })));
    assert!(sim.ps[1].idle);
    assert_eq!(sim.ms[pm.unwrap() as usize].wake_at, Some(1_000), "woken now");
    // A poller that wakes before the timer anyway: left alone.
    let (mut sim, pm) = setup(Some(20_000));
    sim.handoffp(1);
    assert_eq!(sim.ms[pm.unwrap() as usize].wake_at, Some(20_000));
    // Nobody polls: wakep starts a spinning M on an idle P.
    let (mut sim, _) = setup(None);
    sim.handoffp(1);
    assert!(sim.events.iter().any(|e| matches!(e.what, What::ThreadCreate { spinning: true, .. })), "{:?}", kinds(&sim));
    assert_eq!(sim.nmspinning, 1);
}

/// Spec §4.4 step 2: a victim's expired timers are run only on the last steal pass: a thief
/// that can steal queued work on an earlier pass takes that and leaves the timer alone; with
/// nothing to steal, the last pass runs the timer on the thief's M, into the thief P's runnext.
#[test]
fn steal_work_runs_victim_timers_only_on_the_last_pass() {
    let setup = |queued: bool| {
        let mut sim = started(3);
        sim.now = 10_000;
        let gs = make_gs(&mut sim, 2);
        let (sleeper, x) = (gs[0], gs[1]);
        sim.gs[sleeper as usize].status = GStatus::Waiting;
        sim.gs[sleeper as usize].wait = Wait::Sleep { until: 5_000 };
        sim.ps[0].timers.push(std::cmp::Reverse((5_000, 0, sleeper)));
        let other = thief(&mut sim, 2, false);
        if queued {
            sim.ps[2].runq.push_back(x);
        }
        let m = thief(&mut sim, 1, true);
        sim.events.clear();
        (sim, m, sleeper, x, other)
    };
    let (mut sim, m, _, x, _) = setup(true);
    match sim.find_runnable(m) {
        find::Found::G(g, false, Source::Steal) => assert_eq!(g, x),
        _ => panic!("pass 0 steals P2's queued goroutine"),
    }
    assert!(!kinds(&sim).contains(&"TimerFire"), "timers wait for the last pass: {:?}", kinds(&sim));
    assert_eq!(sim.ps[0].timers.len(), 1);
    let (mut sim, m, sleeper, _, _) = setup(false);
    match sim.find_runnable(m) {
        find::Found::G(g, true, Source::Runnext) => assert_eq!(g, sleeper),
        _ => panic!("the last pass runs P0's timer: {:?}", kinds(&sim)),
    }
    let fire = sim.events.iter().find(|e| e.kind() == "TimerFire").unwrap();
    assert!(matches!(fire.what, What::TimerFire { heap, .. } if heap.0 == 0));
    assert_eq!(fire.p.map(|p| p.0), Some(1));
}

/// The `lockedm` invariant: a locked goroutine runs only on its own M, and that M runs
/// nothing else and never waits on the idle M list.
#[test]
fn lockedm_invariant_rejects_broken_locks() {
    // G1 runs on M0; lock it to M0: fine.
    let mut sim = started(2);
    sim.gs[0].more_mut().lockedm = Some(0);
    sim.gs[0].more_mut().lock_count = 1;
    sim.ms[0].lockedg = Some(0);
    assert_eq!(sim.check_invariants(), Ok(()));
    // Locked to another M while running on M0.
    let mut bad = sim.clone();
    let other = bad.new_m_struct();
    bad.ms[other as usize].state = MStatus::LockedWait;
    bad.ms[0].lockedg = None;
    bad.ms[other as usize].lockedg = Some(0);
    bad.gs[0].more_mut().lockedm = Some(other);
    assert!(bad.check_invariants().unwrap_err().contains("runs on M0"));
    // M0 locked to G2 but running G1.
    let mut bad = started(2);
    let g2 = make_gs(&mut bad, 1)[0];
    bad.global.push_back(g2);
    bad.ms[0].lockedg = Some(g2);
    bad.gs[g2 as usize].more_mut().lockedm = Some(0);
    assert!(bad.check_invariants().unwrap_err().contains("runs G1"));
    // A locked M parked on the idle list (it could be handed any work).
    let mut bad = started(2);
    let g2 = make_gs(&mut bad, 1)[0];
    bad.gs[g2 as usize].status = GStatus::Waiting;
    bad.gs[g2 as usize].wait = Wait::ChanRecv(0);
    let m = bad.new_m_struct();
    bad.midle.push(m);
    bad.ms[m as usize].lockedg = Some(g2);
    bad.gs[g2 as usize].more_mut().lockedm = Some(m);
    assert!(bad.check_invariants().unwrap_err().contains("idle M list"));
    // One side of the tie only.
    let mut bad = started(2);
    bad.ms[0].lockedg = Some(0);
    assert!(bad.check_invariants().unwrap_err().contains("lockedm"));
}

#[test]
fn stw_stops_a_spinning_thread_and_its_spinning_count() {
    // gcstopm (§9.3): a spinning M holding a P when the world stops leaves the spinning count as
    // it parks; start-the-world's wakep then sees no spinner and wakes one for the idle Ps.
    let mut sim = started(2);
    thief(&mut sim, 1, true);
    assert_eq!(sim.nmspinning, 1);
    sim.stop_and_resize(3, None);
    sim.check_invariants().unwrap();
    let spinners = sim.ms.iter().filter(|x| x.spinning).count() as u32;
    assert_eq!((sim.nmspinning, spinners), (1, 1), "one spinner, woken by start-the-world's wakep");
    assert!(sim.events.iter().any(|e| matches!(e.what, What::ThreadWake { spinning: true, .. })));
}

#[test]
fn sysmon_polls_the_network_only_after_more_than_10ms() {
    // sysmon step 3 (§6.4): `lastpoll != 0 && lastpoll + 10ms < now`: exactly 10 ms
    // after the last poll is not yet "more than 10 ms"; 1 ns later it is.
    let mut sim = started(1);
    sim.netpoll_inited = true;
    sim.lastpoll = 5_000_000;
    sim.now = sim.lastpoll + SYSMON_NETPOLL_NS;
    sim.sysmon_tick();
    assert_eq!(sim.lastpoll, 5_000_000, "no poll at exactly 10 ms");
    sim.now += 1;
    sim.sysmon_tick();
    assert_eq!(sim.lastpoll, sim.now, "sysmon polls once more than 10 ms passed");
}

#[test]
fn retake_takes_an_idle_syscall_p_at_exactly_10ms() {
    // retake (§6.5): a P in a syscall with an empty local queue, while other Ps or spinners can
    // work, is left alone only while `syscallwhen + 10ms > now`; at exactly 10 ms it is taken.
    for (after, retaken) in [(TIME_SLICE_NS - 1, false), (TIME_SLICE_NS, true)] {
        let mut s = Scenario::empty();
        s.gomaxprocs = 2;
        s.main = vec![Op::Syscall(50_000_000)];
        let mut sim = Sim::new(&s);
        while !sim.gs.get(0).is_some_and(|g| g.status == GStatus::Syscall) {
            assert!(sim.step());
        }
        // sysmon saw the syscall (and P0's schedtick) now.
        let when = sim.now;
        let pp = &mut sim.ps[0];
        pp.sysmontick.syscalltick = pp.syscalltick;
        pp.sysmontick.syscallwhen = when;
        pp.sysmontick.schedtick = pp.schedtick;
        pp.sysmontick.schedwhen = when;
        assert!(sim.pidle.contains(&1), "P1 is idle: others can work");
        sim.events.clear();
        sim.now = when + after;
        sim.sysmon_tick();
        let steal = sim.events.iter().any(|e| matches!(e.what, What::ProcSteal { by_sysmon: true, .. }));
        assert_eq!(steal, retaken, "{after} ns after sysmon saw the syscall");
    }
}

#[test]
fn startm_dies_of_thread_exhaustion_at_10000_live_threads() {
    // newm/checkmcount: with 10000 threads alive (here all blocked in syscalls) and none idle,
    // a new M is fatal, "thread exhaustion"; exited threads do not count.
    for exited in [false, true] {
        let mut sim = started(2);
        while sim.ms.len() < MAX_THREADS {
            let m = sim.new_m_struct();
            sim.ms[m as usize].state = MStatus::Syscall;
        }
        if exited {
            let last = sim.ms.len() - 1;
            sim.ms[last].state = MStatus::Dead;
        }
        let p = sim.pidleget().expect("P1 is idle");
        sim.startm(Some(p), false);
        assert_eq!(matches!(sim.outcome(), Some(Outcome::Fatal(_))), !exited, "one thread exited: {exited}");
        assert_eq!(sim.events.iter().any(|e| matches!(e.what, What::ThreadCreate { .. })), exited);
    }
}

#[test]
fn wake_net_poller_breaks_a_poll_that_would_sleep_past_the_new_timer() {
    // wakeNetPoller: a thread blocked in netpoll until pollUntil is woken at once
    // (netpollBreak) for a timer earlier than pollUntil, not for one at or after it.
    for (when, woken) in [(1_000_000, true), (5_000_000, false), (9_000_000, false)] {
        let mut sim = started(2);
        let m = sim.new_m_struct();
        sim.ms[m as usize].state = MStatus::Netpoll;
        sim.poller = Some(m);
        sim.poll_until = 5_000_000;
        sim.wake_net_poller(when);
        assert_eq!(sim.ms[m as usize].wake_at == Some(sim.now), woken, "timer at {when}, poll until 5 ms");
    }
}
