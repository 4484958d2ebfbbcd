//! Predict mode's questions (`core::predict`) against what the simulator does: over every
//! lesson and every scenario under `tests/scenarios/`, each question asked before a step has
//! 2 to 4 distinct choices, exactly one right, and the right one is what the step's events
//! say happened (checked here from the events, not by the module's own reading of them);
//! the right one's position varies; every kind of question is asked somewhere. Then one
//! hand-checked example per kind.
#![cfg(not(target_arch = "wasm32"))]

mod common;
use std::collections::{BTreeMap, BTreeSet};

use expect_test::{expect, Expect};
use gmp::core::event::{Event, Place, What};
use gmp::core::lessons;
use gmp::core::predict::{self, Answer, Question, QuestionKind, Queue, SyscallExit};
use gmp::core::scenario::Scenario;
use gmp::core::sim::Sim;

const MAX_STEPS: u64 = 2_000;

/// Every scenario the tests run: the lessons, then `tests/scenarios/*.json`.
fn scenarios() -> Vec<(String, Scenario)> {
    let mut out: Vec<(String, Scenario)> = lessons::all().iter().map(|l| (l.id.to_string(), l.parsed())).collect();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/scenarios");
    let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|x| x == "json")).collect();
    files.sort();
    for f in files {
        out.push((f.file_name().unwrap().to_string_lossy().into_owned(), common::scenario(&std::fs::read_to_string(&f).unwrap())));
    }
    out
}

/// Whether `answer` is what the step's `events` did, for a question of `kind`: read from the
/// events alone.
fn happened(kind: QuestionKind, answer: Answer, events: &[Event]) -> bool {
    let queue = |place: &Place| match place {
        Place::Runnext { .. } => Queue::Runnext,
        Place::LocalTail => Queue::LocalTail,
        Place::GlobalTail => Queue::GlobalTail,
    };
    match (kind, answer) {
        (QuestionKind::NextG { p }, Answer::Next { g, from }) => events.iter().any(|e| {
            matches!(e.what, What::GoStart { from: f, .. } if f == from) && e.g == Some(g) && e.p == Some(p)
        }),
        (QuestionKind::StealVictim { thief }, Answer::Victim { victim, n }) => events.iter().any(|e| {
            matches!(e.what, What::Steal { victim: v, n: k, .. } if v == victim && k == n) && e.p == Some(thief)
        }),
        (QuestionKind::WhereNewG { g }, Answer::Goes(q)) => events.iter().any(|e| {
            matches!(&e.what, What::GoCreate { parent: Some(_), place, .. } if queue(place) == q) && e.g == Some(g)
        }),
        (QuestionKind::WhereWokenG { g }, Answer::Goes(q)) => events.iter().any(|e| {
            matches!(&e.what, What::GoUnblock { place, .. } if queue(place) == q) && e.g == Some(g)
        }),
        (QuestionKind::SyscallExitP { g }, Answer::Syscall(x)) => events.iter().any(|e| {
            e.g == Some(g)
                && match (&e.what, x) {
                    (What::GoSyscallEnd, SyscallExit::Keeps(p)) => e.p == Some(p),
                    (What::GoSyscallEndBlocked { got: Some(np), oldp }, SyscallExit::Regains(p)) => *np == p && *oldp == Some(p),
                    (What::GoSyscallEndBlocked { got: Some(np), oldp }, SyscallExit::Other(p)) => *np == p && *oldp != Some(p),
                    (What::GoSyscallEndBlocked { got: None, .. }, SyscallExit::GlobalQueue) => true,
                    _ => false,
                }
        }),
        (QuestionKind::HandoffP { p }, Answer::Handoff(why)) => {
            events.iter().any(|e| matches!(e.what, What::Handoff { why: w } if w == why) && e.p == Some(p))
        }
        _ => false,
    }
}

/// Asks before every step of every scenario and checks each question against the step.
#[test]
fn every_question_has_one_right_answer_and_it_is_what_the_simulator_does() {
    let mut kinds: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
    let mut positions: BTreeMap<usize, u32> = BTreeMap::new();
    let mut asked = 0;
    for (name, s) in scenarios() {
        let mut sim = Sim::new(&s);
        while sim.step_count() < MAX_STEPS && !sim.finished() {
            let q = predict::ask(&sim);
            let before = sim.step_count();
            assert_eq!(predict::ask(&sim), q, "{name}: ask is deterministic");
            if !sim.step() {
                assert!(q.is_none(), "{name}: a question after the end");
                break;
            }
            let Some(q) = q else { continue };
            asked += 1;
            let at = format!("{name} step {}: {q:#?}", sim.step_count());
            assert_eq!(q.step, before + 1, "{at}");
            assert!((2..=4).contains(&q.choices.len()), "{at}");
            let labels: BTreeSet<_> = q.choices.iter().map(|c| &c.label).collect();
            assert_eq!(labels.len(), q.choices.len(), "labels distinct: {at}");
            for (i, a) in q.choices.iter().enumerate() {
                for b in &q.choices[i + 1..] {
                    assert_ne!(a.answer, b.answer, "answers distinct: {at}");
                }
            }
            let right: Vec<usize> = (0..q.choices.len()).filter(|&i| q.check(i).correct).collect();
            assert_eq!(right.len(), 1, "exactly one right choice: {at}");
            let events = sim.events();
            for (i, c) in q.choices.iter().enumerate() {
                assert_eq!(happened(q.kind, c.answer, events), i == right[0], "choice {i} against the events: {at}\n{events:#?}");
            }
            let v = q.check(right[0]);
            assert!(v.rule.contains(" — "), "the rule names its Go function: {at}");
            assert_eq!(v.right, q.choices[right[0]].label);
            assert!(!q.check(if right[0] == 0 { 1 } else { 0 }).correct);
            *positions.entry(right[0]).or_default() += 1;
            kinds.entry(q.kind.name()).or_default().insert(name.clone());
        }
    }
    eprintln!("{asked} questions; positions {positions:?}; kinds {kinds:?}");
    assert!(asked > 1000, "only {asked} questions");
    for k in QuestionKind::NAMES {
        assert!(kinds.contains_key(k), "no scenario asks a {k} question: {kinds:?}");
    }
    assert!(positions.len() >= 3, "the right answer's position varies: {positions:?}");
    let most = *positions.values().max().unwrap();
    assert!((most as f64) < 0.7 * asked as f64, "no position dominates: {positions:?}");
}

/// The key is not in what the page gets.
#[test]
fn a_question_serializes_without_its_key() {
    let (_, s) = scenarios().into_iter().find(|(n, _)| n == "runnext-lifo").unwrap();
    let mut sim = Sim::new(&s);
    let q = loop {
        if let Some(q) = predict::ask(&sim) {
            break q;
        }
        assert!(sim.step());
    };
    let json = serde_json::to_value(&q).unwrap();
    let keys: Vec<_> = json.as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys, ["step", "kind", "prompt", "choices"]);
    assert!(!json.to_string().contains(&q.check(0).rule), "no rule in the page's copy: {json}");
    for c in json["choices"].as_array().unwrap() {
        let keys: Vec<_> = c.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, ["label", "answer"], "nothing marks the right choice: {json}");
    }
}

/// The first question of `lesson` whose right answer passes `right`, as text: the prompt,
/// each choice marked right (`*`) or wrong, and the verdict's rule.
fn first(lesson: &str, kind: &str, right: impl Fn(Answer) -> bool) -> String {
    first_with(lesson, kind, |a, _| right(a))
}

/// The same, with the right answer's rule passed to the test too.
fn first_with(lesson: &str, kind: &str, right: impl Fn(Answer, &str) -> bool) -> String {
    let (_, s) = scenarios().into_iter().find(|(n, _)| n == lesson).unwrap();
    let mut sim = Sim::new(&s);
    while sim.step_count() < MAX_STEPS {
        if let Some(q) = predict::ask(&sim).filter(|q| q.kind.name() == kind) {
            let key = (0..q.choices.len()).find(|&i| q.check(i).correct).unwrap();
            if right(q.choices[key].answer, &q.check(key).rule) {
                return render(&q);
            }
        }
        assert!(sim.step(), "{lesson} ended without a {kind} question");
    }
    panic!("no {kind} question in {lesson}")
}

fn render(q: &Question) -> String {
    let mut out = format!("step {} {:?}\n{}\n", q.step, q.kind, q.prompt);
    for (i, c) in q.choices.iter().enumerate() {
        out.push_str(&format!("{} {}\n", if q.check(i).correct { "*" } else { "-" }, c.label));
    }
    out.push_str(&format!("rule: {}\n", q.check(0).rule));
    out
}

fn check(actual: String, expect: Expect) {
    expect.assert_eq(&actual);
}

#[test]
fn next_g_examples() {
    use gmp::core::event::Source;
    let from = |s: Source| move |a: Answer| matches!(a, Answer::Next { from, .. } if from == s);
    check(first("runnext-lifo", "NextG", from(Source::Runnext)), expect![[r#"
        step 14 NextG { p: PId(0) }
        P0 is about to pick its next goroutine. Which one runs, and from where?
        * G11, from P0's runnext
        - G2, from the head of P0's local queue
        - G11, from the head of P0's local queue
        rule: runqget takes runnext first: G11, readied by the goroutine before it, runs next and inherits its time slice — runqget/execute
    "#]]);
    check(first("runnext-lifo", "NextG", from(Source::Local)), expect![[r#"
        step 17 NextG { p: PId(0) }
        P0 is about to pick its next goroutine. Which one runs, and from where?
        - G2, from P0's runnext
        * G2, from the head of P0's local queue
        rule: runnext is empty, so runqget takes the head of P0's local queue: G2 — runqget/execute
    "#]]);
    check(first("fairness-61", "NextG", from(Source::Fairness)), expect![[r#"
        step 225 NextG { p: PId(0) }
        P0 is about to pick its next goroutine. Which one runs, and from where?
        * G1, from the global queue, before the local one (the 1-in-61 fairness check)
        - G62, from the head of P0's local queue
        - G1, from the global queue (a batch, as the local one is empty)
        rule: P0's schedtick is a multiple of 61: findRunnable takes one goroutine from the global queue before the local one, so global work is not starved — findRunnable/globrunqget
    "#]]);
    check(first("runq-overflow", "NextG", from(Source::Global)), expect![[r#"
        step 663 NextG { p: PId(0) }
        P0 is about to pick its next goroutine. Which one runs, and from where?
        * G4, from the global queue (a batch, as the local one is empty)
        - G4, from P0's runnext
        - G4, from the head of P0's local queue
        rule: P0's local queue is empty: findRunnable takes a batch from the global queue and runs its first, G4 — globrunqgetbatch
    "#]]);
    check(first("netpoll.json", "NextG", from(Source::Netpoll)), expect![[r#"
        step 74 NextG { p: PId(0) }
        P0 is about to pick its next goroutine. Which one runs, and from where?
        - G2, from P0's runnext
        * G2, from the netpoller
        - G2, from the head of P0's local queue
        rule: no queue has work: findRunnable polls the network and runs the first goroutine whose wait completed, G2 — findRunnable/netpoll
    "#]]);
}

#[test]
fn steal_victim_examples() {
    check(first("work-stealing", "StealVictim", |_| true), expect![[r#"
        step 13 StealVictim { thief: PId(1) }
        P1 found no work of its own or in the global queue and goes stealing. Which P does it rob, and of how many goroutines?
        - P0, 3 goroutines
        * P0, 4 goroutines
        - P0, 1 goroutine
        - P0, 7 goroutines
        rule: stealWork visits the Ps in a random order and robs the first with work; runqgrab takes half of its local queue, rounded up: 4 of 7 — stealWork/runqsteal/runqgrab
    "#]]);
    check(first("steal.json", "StealVictim", |_| true), expect![[r#"
        step 17 StealVictim { thief: PId(3) }
        P3 found no work of its own or in the global queue and goes stealing. Which P does it rob, and of how many goroutines?
        - P0, 11 goroutines
        * P0, 6 goroutines
        - P0, 1 goroutine
        - P0, 5 goroutines
        rule: stealWork visits the Ps in a random order and robs the first with work; runqgrab takes half of its local queue, rounded up: 6 of 11 — stealWork/runqsteal/runqgrab
    "#]]);
}

#[test]
fn where_new_g_examples() {
    let to = |q: Queue| move |a: Answer| a == Answer::Goes(q);
    check(first("runnext-lifo", "WhereNewG", to(Queue::Runnext)), expect![[r#"
        step 3 WhereNewG { g: GId(2) }
        G1 on P0 runs a go statement that creates G2. Where does G2 go?
        - At the tail of the P's local queue
        - At the tail of the global queue
        * Into the P's runnext slot
        rule: newproc puts a new goroutine into its creator's P's runnext (runqput with next=true), so G2 runs next on P0, inheriting the time slice — newproc/runqput
    "#]]);
    check(first_with("runq-overflow", "WhereNewG", |_, rule| rule.contains("runqputslow")), expect![[r#"
        step 260 WhereNewG { g: GId(259) }
        G1 on P0 runs a go statement that creates G259. Where does G259 go?
        - At the tail of the global queue
        - At the tail of the P's local queue
        * Into the P's runnext slot
        rule: newproc puts a new goroutine into its creator's P's runnext (runqput with next=true); the previous runnext G258 is kicked out, and as P0's local queue is full, runqputslow moves its oldest half and G258 to the global queue — newproc/runqput/runqputslow
    "#]]);
}

#[test]
fn where_woken_g_examples() {
    let to = |q: Queue| move |a: Answer| a == Answer::Goes(q);
    check(first("chan-pingpong", "WhereWokenG", to(Queue::Runnext)), expect![[r#"
        step 7 WhereWokenG { g: GId(1) }
        G3 wakes G1 (a receive on channel ping). Where does G1 go?
        - At the tail of the P's local queue
        * Into the P's runnext slot
        - At the tail of the global queue
        rule: ready puts a woken goroutine into the waker's P's runnext (runqput with next=true), so it runs next on P0 — goready/ready/runqput
    "#]]);
    check(first("netpoll.json", "WhereWokenG", |_| true), expect![[r#"
        step 69 WhereWokenG { g: GId(22) }
        G22 is woken (its sleep's timer). Where does G22 go?
        * Into the P's runnext slot
        - At the tail of the global queue
        - At the tail of the P's local queue
        rule: ready puts a woken goroutine into the waker's P's runnext (runqput with next=true), so it runs next on P1 — goready/ready/runqput
    "#]]);
}

#[test]
fn syscall_exit_examples() {
    let exit = |f: fn(SyscallExit) -> bool| move |a: Answer| matches!(a, Answer::Syscall(x) if f(x));
    check(first("syscall-handoff", "SyscallExitP", exit(|x| matches!(x, SyscallExit::Keeps(_)))), expect![[r#"
        step 10 SyscallExitP { g: GId(5) }
        G5's blocking syscall returns. Does it get a P, and which?
        - P0 was taken, but its thread gets P0 back
        * It keeps P0, which was still attached, and runs on
        - No P: it goes to the global queue and its thread parks
        rule: nobody took P0 during the syscall, so exitsyscall's fast path keeps it and G5 runs on — exitsyscall
    "#]]);
    check(first("handoff.json", "SyscallExitP", exit(|x| !matches!(x, SyscallExit::Keeps(_)))), expect![[r#"
        step 32 SyscallExitP { g: GId(5) }
        G5's blocking syscall returns. Does it get a P, and which?
        * P0 was taken, but its thread gets P0 back
        - No P: it goes to the global queue and its thread parks
        - It keeps P0, which was still attached, and runs on
        rule: P0 was handed off during the syscall, but exitsyscallTryGetP finds it free again (idle, or held by a thread itself in a syscall), so the thread takes its old P back — exitsyscall/exitsyscallTryGetP
    "#]]);
}

#[test]
fn handoff_examples() {
    use gmp::core::event::HandoffWhy;
    let why = |w: HandoffWhy| move |a: Answer| a == Answer::Handoff(w);
    check(first("handoff.json", "HandoffP", why(HandoffWhy::NeedSpinner)), expect![[r#"
        step 25 HandoffP { p: PId(0) }
        sysmon takes P0 from M0, whose goroutine is stuck in a syscall. What does handoffp do with P0?
        - It has local work: it gets a thread at once
        - The global queue has work: it gets a thread at once
        * No thread spins and no P is idle: it gets a spinning thread
        - Nothing to do: it goes on the idle P list
        rule: P0 has no work, but no thread is spinning and no P is idle: handoffp starts a spinning thread on it to look for work — handoffp/startm
    "#]]);
    check(first("lock-os-thread", "HandoffP", why(HandoffWhy::LocalWork)), expect![[r#"
        step 13 HandoffP { p: PId(0) }
        P0 has lost its thread. What does handoffp do with P0?
        - The global queue has work: it gets a thread at once
        - No thread spins and no P is idle: it gets a spinning thread
        * It has local work: it gets a thread at once
        - Nothing to do: it goes on the idle P list
        rule: handoffp first checks the P's own queue: P0 has local work, so startm gives it a thread at once — handoffp/startm
    "#]]);
}
