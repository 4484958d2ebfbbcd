//! Property tests over random scenarios: the invariants hold after every step, every run
//! ends (exit, deadlock or panic — programs have no unbounded loops), the same seed gives
//! the same event stream, checkpoints resume exactly, and nothing panics. Determinism is also
//! checked against fixed values: a corpus drawn once from the generator, with every lesson and
//! golden scenario, must give the digests committed in `tests/determinism/digests.txt` (which
//! `tests/wasm_determinism.rs` checks in wasm32 too). Refresh both files, when a change in
//! scheduling or in the generator is intended, with `UPDATE_EXPECT=1 cargo test --test properties`.
#![cfg(not(target_arch = "wasm32"))]

mod common;
#[path = "determinism/runs.rs"]
mod fixed_runs;
use gmp::core::costs::Costs;
use gmp::core::ids::{GId, PId};
use gmp::core::scenario::{Action, ActionAt, ActionKind, ChanDecl, FuncDecl, Op, Scenario};
use gmp::core::sim::Sim;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

const NCHANS: u32 = 3;
const NWGS: u32 = 2;

fn leaf_op(nfuncs: u32, first_callable: u32) -> BoxedStrategy<Op> {
    let us = |lo: u64, hi: u64| (lo..hi).prop_map(|x| x * 1_000);
    let mut choices: Vec<(u32, BoxedStrategy<Op>)> = vec![
        (6, us(1, 3_000).prop_map(Op::Work).boxed()),
        (2, us(1, 4_000).prop_map(Op::Syscall).boxed()),
        (2, us(1, 6_000).prop_map(Op::Net).boxed()),
        (2, us(1, 4_000).prop_map(Op::Sleep).boxed()),
        (1, Just(Op::Gosched).boxed()),
        (2, (0..NCHANS).prop_map(Op::Send).boxed()),
        (2, (0..NCHANS).prop_map(Op::Recv).boxed()),
        (1, (0..NCHANS).prop_map(Op::Close).boxed()),
        (1, ((0..NWGS), (1i64..3)).prop_map(|(wg, n)| Op::Add { wg, n }).boxed()),
        (1, (0..NWGS).prop_map(Op::Done).boxed()),
        (1, (0..NWGS).prop_map(Op::Wait).boxed()),
        (1, (1u32..6).prop_map(Op::Gomaxprocs).boxed()),
        (1, Just(Op::LockOsThread).boxed()),
        (1, Just(Op::UnlockOsThread).boxed()),
    ];
    if first_callable < nfuncs {
        choices.push((3, ((first_callable..nfuncs), (1u32..4)).prop_map(|(func, n)| Op::Go { func, n }).boxed()));
    }
    proptest::strategy::Union::new_weighted(choices).boxed()
}

fn body(nfuncs: u32, first_callable: u32) -> BoxedStrategy<Vec<Op>> {
    let leaf = leaf_op(nfuncs, first_callable);
    let op = leaf.prop_recursive(2, 12, 4, |inner| {
        ((1u64..4), proptest::collection::vec(inner, 1..4)).prop_map(|(n, body)| Op::Repeat { n, body })
    });
    proptest::collection::vec(op, 0..8).boxed()
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (1u32..5, any::<u64>(), 1u32..7).prop_flat_map(|(nfuncs, seed, gomaxprocs)| {
        let funcs: Vec<BoxedStrategy<Vec<Op>>> = (0..nfuncs).map(|i| body(nfuncs, i + 1)).collect();
        let actions = proptest::collection::vec(
            (
                prop_oneof![(1u64..400).prop_map(ActionAt::Step), (0u64..20_000).prop_map(|us| ActionAt::Ns(us * 1_000))],
                prop_oneof![
                    ((0..nfuncs), (1u32..4), proptest::option::of(0u32..6)).prop_map(|(func, n, on_p)| ActionKind::Spawn { func, n, on_p: on_p.map(PId) }),
                    ((1u32..12), (1u64..3_000)).prop_map(|(g, us)| ActionKind::Syscall { g: GId(g), dur: us * 1_000 }),
                    (1u32..12).prop_map(|g| ActionKind::NetReady { g: GId(g) }),
                    (1u32..6).prop_map(ActionKind::Gomaxprocs),
                ],
            )
                .prop_map(|(at, kind)| Action { at, kind }),
            0..4,
        );
        // main keeps running for a while after its ops, or the program would often exit at once.
        let tail = (0u64..30).prop_map(|ms| Op::Work(ms * 1_000_000));
        (funcs, body(nfuncs, 0), tail, actions, proptest::collection::vec(0u32..3, NCHANS as usize)).prop_map(move |(bodies, mut main, tail, actions, caps)| {
            main.push(tail);
            let mut s = Scenario::empty();
            s.gomaxprocs = gomaxprocs;
            s.seed = seed;
            // Half the runs follow an older release's rules.
            s.go = if seed % 2 == 0 { 26 } else { 19 + (seed % 7) as u32 };
            s.chans = caps.iter().enumerate().map(|(i, &cap)| ChanDecl::new(format!("c{i}"), cap)).collect();
            s.funcs = bodies.into_iter().enumerate().map(|(i, body)| FuncDecl { name: format!("f{i}"), body }).collect();
            s.wgs = (0..NWGS).map(|i| format!("wg{i}")).collect();
            s.main = main;
            s.actions = actions;
            s.costs = Costs::default();
            s
        })
    })
}

/// Steps enough for any generated scenario to end.
const MAX_STEPS: u64 = 200_000;

fn run_checked(s: &Scenario) -> Result<(Sim, Vec<gmp::core::event::Event>), TestCaseError> {
    let mut sim = Sim::new(s);
    let mut events = Vec::new();
    while sim.step_count() < MAX_STEPS && sim.step() {
        events.extend_from_slice(sim.events());
        if let Err(e) = sim.check_invariants() {
            let tail: Vec<String> = events[events.len().saturating_sub(40)..]
                .iter()
                .map(|e| format!("{:>5} {:>10} {:<16} {}", e.step, e.t, e.kind(), e.explain(sim.program())))
                .collect();
            return Err(TestCaseError::fail(format!("after step {}: {e}\nlast events:\n{}", sim.step_count(), tail.join("\n"))));
        }
        prop_assert!(!sim.events().is_empty(), "a step with no event");
    }
    Ok((sim, events))
}

proptest! {
    #![proptest_config(ProptestConfig { max_shrink_iters: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn invariants_hold_after_every_step_and_every_run_ends(s in scenario()) {
        let (sim, events) = run_checked(&s)?;
        prop_assert!(sim.finished(), "no outcome after {} steps", sim.step_count());
        // Steps and time never go backwards.
        for w in events.windows(2) {
            prop_assert!(w[0].step <= w[1].step && w[0].t <= w[1].t);
        }
        // Every event explains itself.
        for e in events.iter().take(2_000) {
            prop_assert!(!e.explain(sim.program()).is_empty());
        }
    }

    /// Two runs in one process agree (this catches state shared between runs; nondeterminism
    /// across processes and platforms is caught by the committed digests below).
    #[test]
    fn same_scenario_same_event_stream(s in scenario()) {
        let (_, a) = run_checked(&s)?;
        let (_, b) = run_checked(&s)?;
        prop_assert_eq!(a, b);
    }

    #[test]
    fn a_checkpoint_resumes_exactly(s in scenario(), at in 1u64..300) {
        let (_, all) = run_checked(&s)?;
        let mut sim = Sim::new(&s);
        sim.run(at);
        let mut resumed = sim.clone();
        let mut rest = Vec::new();
        while resumed.step() {
            rest.extend_from_slice(resumed.events());
        }
        let tail: Vec<_> = all.into_iter().filter(|e| e.step > at.min(sim.step_count())).collect();
        prop_assert_eq!(tail, rest);
    }
}

/// How many scenarios `tests/determinism/corpus.jsonl` holds.
const CORPUS_LEN: usize = 32;

/// The corpus is the generator's first draws with a fixed RNG seed, one compact document a line.
#[test]
fn the_fixed_corpus_is_drawn_from_the_generator() {
    let mut runner = TestRunner::new_with_rng(Config::default(), TestRng::from_seed(RngAlgorithm::ChaCha, &[42; 32]));
    let strategy = scenario();
    let mut out = String::new();
    for _ in 0..CORPUS_LEN {
        let s = strategy.new_tree(&mut runner).unwrap().current();
        let compact: serde_json::Value = serde_json::from_str(&s.to_json()).unwrap();
        out.push_str(&compact.to_string());
        out.push('\n');
    }
    expect_test::expect_file!["determinism/corpus.jsonl"].assert_eq(&out);
}

/// Every fixed run gives the committed digest of its event stream: the same values the wasm32
/// test checks, so a difference between processes, builds or platforms fails here or there.
#[test]
fn fixed_runs_give_their_committed_digests() {
    let lines = fixed_runs::digest_lines();
    assert_eq!(lines.lines().count(), fixed_runs::runs().len());
    assert!(fixed_runs::CORPUS.lines().count() == CORPUS_LEN || std::env::var("UPDATE_EXPECT").is_ok());
    expect_test::expect_file!["determinism/digests.txt"].assert_eq(&lines);
    // The seed drives the steal order: two seeds of one program give different streams.
    let digest_of = |name: &str| lines.lines().find(|l| l.starts_with(&format!("{name} "))).unwrap().split(' ').nth(1).unwrap().to_string();
    assert_ne!(digest_of("seed/42"), digest_of("seed/43"));
}

/// [`Activity`] is the one answer to "what is this P or M doing" (the board, the plots, the
/// timeline and the Perfetto export all read it): over every fixed run it agrees at every step
/// with the statuses it is computed from, and the core's cheap per-P answer
/// ([`Sim::p_activity`], the timeline's) with the snapshot's.
#[test]
fn one_activity_answer_agrees_with_the_statuses_at_every_step() {
    use gmp::core::ids::PId;
    use gmp::core::sim::{Activity, GStatus, MStatus, PStatus};
    for (name, json) in fixed_runs::runs() {
        let mut sim = Sim::new(&gmp::core::scenario::parse(json).unwrap());
        while sim.step_count() < 5_000 && sim.step() {
            let st = sim.snapshot(true);
            let at = format!("{name} at step {}", st.step);
            for m in &st.ms {
                let a = m.activity();
                let g_status = m.g.map(|g| st.gs[g.index()].status);
                match m.status {
                    MStatus::Run => assert_eq!((a, g_status), (Activity::Run(m.g.unwrap()), Some(GStatus::Running)), "{at}: {m:?}"),
                    MStatus::Syscall => assert_eq!((a, g_status), (Activity::Syscall(m.g.unwrap()), Some(GStatus::Syscall)), "{at}: {m:?}"),
                    MStatus::Schedule if m.spinning => assert_eq!(a, Activity::Spinning, "{at}"),
                    MStatus::Schedule => assert_eq!(a, Activity::Scheduling, "{at}"),
                    MStatus::Waking => assert_eq!(a, Activity::Waking { spinning: m.spinning }, "{at}"),
                    MStatus::Idle => assert_eq!(a, Activity::Idle, "{at}"),
                    MStatus::Netpoll => assert_eq!(a, Activity::Netpoll, "{at}"),
                    MStatus::LockedWait => assert_eq!(a, Activity::Locked, "{at}"),
                    MStatus::Sysmon => assert_eq!(a, Activity::Sysmon, "{at}"),
                    MStatus::Dead => assert_eq!(a, Activity::Dead, "{at}"),
                }
                // The plots count spinning threads by their activity.
                assert_eq!(a.spinning(), m.spinning, "{at}: {m:?}");
                assert_eq!(a.g(), m.g, "{at}: {m:?}");
            }
            for p in &st.ps {
                let a = st.p_activity(p);
                assert_eq!(sim.p_activity(p.id), a, "{at}: P{}", p.id.0);
                // A P does what its M does on it, and shows the goroutine its M runs.
                assert_eq!(a.g(), p.g, "{at}: {p:?}");
                match p.m.map(|m| &st.ms[m.index()]) {
                    None => assert_eq!(a, Activity::Idle, "{at}: {p:?}"),
                    Some(m) if m.spinning => assert_eq!(a, Activity::Spinning, "{at}: {p:?} {m:?}"),
                    Some(m) => assert_eq!(a, m.activity(), "{at}: {p:?} {m:?}"),
                }
                assert_ne!(p.status, PStatus::Dead, "{at}: a live P");
            }
            assert_eq!(sim.p_activity(PId(st.ps.len() as u32)), Activity::Dead, "{at}: beyond GOMAXPROCS");
        }
    }
}
