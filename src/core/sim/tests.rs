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
    sim.ms[m as usize].state = MState::Schedule;
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
    sim.ms[0].state = MState::Schedule;
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
    sim.ms[0].state = MState::Syscall;
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
    sim.ms[0].state = MState::Schedule;
    let spinner = thief(&mut sim, 7, true);
    assert_eq!(sim.npidle(), 6);
    let work = make_gs(&mut sim, 2);
    sim.ps[7].runq.push_back(work[0]);
    sim.ps[7].runq.push_back(work[1]);
    let _ = sim.find_runnable(0);
    assert!(!sim.events.iter().any(|e| e.kind() == "Steal" || e.kind() == "SpinStart"), "2·1 < 8−6 is false: no stealing");
    assert_eq!(sim.ms[0].state, MState::Idle);
    // With no spinner, 0 < 2: the M becomes spinning and steals.
    let mut sim2 = started(8);
    sim2.gs[0].status = GStatus::Waiting;
    sim2.gs[0].wait = Wait::ChanRecv(0);
    sim2.ms[0].curg = None;
    sim2.ms[0].state = MState::Schedule;
    let other = thief(&mut sim2, 7, false);
    let work = make_gs(&mut sim2, 2);
    sim2.ps[7].runq.push_back(work[0]);
    sim2.ps[7].runq.push_back(work[1]);
    assert!(matches!(sim2.find_runnable(0), find::Found::G(_, _, Source::Steal)));
    assert!(sim2.events.iter().any(|e| e.kind() == "SpinStart"));
    let _ = (spinner, other);
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
    assert_eq!(sim.goroutine(5).unwrap().goid, 4);
}

#[test]
fn old_releases_keep_the_lowest_idle_p_in_front_and_new_ones_the_highest() {
    let mut s = Scenario::empty();
    s.gomaxprocs = 4;
    s.main = vec![Op::Work(1_000)];
    let mut new = Sim::new(&s);
    new.step();
    assert_eq!(new.snapshot(false).idle_ps, vec![3, 2, 1]);
    s.go = 19;
    let mut old = Sim::new(&s);
    old.step();
    assert_eq!(old.snapshot(false).idle_ps, vec![1, 2, 3]);
    assert!(old.schedtrace().ends_with("runqueue=0 [0 0 0 0]"), "{}", old.schedtrace());
    assert!(!old.schedtrace().contains("needspinning"));
}
