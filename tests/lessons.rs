//! The lesson gallery as regression tests: every lesson parses, runs to the outcome its text
//! describes, has every moment it offers to jump to, and keeps its full trace as a golden file
//! under `tests/golden/lessons/` (the texts were written from these traces: a diff here means
//! a text may have become wrong). Refresh with `UPDATE_EXPECT=1 cargo test --test lessons`,
//! then reread the lessons whose traces changed.
#![cfg(not(target_arch = "wasm32"))]

mod common;
use expect_test::expect_file;
use gmp::core::lessons::{self, Lesson};
use gmp::core::link;
use gmp::core::event::What;
use gmp::core::sim::{Outcome, Sim};

/// The run's full trace, in the format of `tests/golden.rs`, with invariants checked after every step.
fn trace(lesson: &Lesson) -> String {
    let mut sim = Sim::new(&lesson.parsed());
    let mut out = String::new();
    while sim.step() {
        sim.check_invariants().unwrap_or_else(|e| panic!("{}: invariant broken after step {}: {e}", lesson.id, sim.step_count()));
        for e in sim.events() {
            out.push_str(&format!("{:#}\n", e.trace_line(sim.program())));
        }
    }
    out.push_str(&format!("# {}\n", sim.outcome().unwrap().message()));
    out.push_str(&format!("# {}\n", sim.schedtrace()));
    out
}

fn lesson(id: &str) -> &'static Lesson {
    lessons::find(id).unwrap_or_else(|| panic!("no lesson {id:?}"))
}

macro_rules! golden {
    ($($name:ident => $id:literal,)*) => {
        $(
            #[test]
            fn $name() {
                expect_file![concat!("golden/lessons/", $id, ".trace")].assert_eq(&trace(lesson($id)));
            }
        )*
        /// Every lesson has its golden test above.
        const GOLDEN: &[&str] = &[$($id),*];
    };
}

golden! {
    golden_concurrency_parallelism => "concurrency-parallelism",
    golden_runnext_lifo => "runnext-lifo",
    golden_work_stealing => "work-stealing",
    golden_spinning => "spinning",
    golden_runq_overflow => "runq-overflow",
    golden_fairness_61 => "fairness-61",
    golden_gosched => "gosched",
    golden_preemption => "preemption",
    golden_chan_pingpong => "chan-pingpong",
    golden_waitgroup => "waitgroup",
    golden_cpu_vs_io => "cpu-vs-io",
    golden_syscall_handoff => "syscall-handoff",
    golden_lock_os_thread => "lock-os-thread",
    golden_gomaxprocs_change => "gomaxprocs-change",
    golden_deadlock => "deadlock",
}

#[test]
fn every_lesson_has_a_golden_trace_and_no_golden_trace_is_orphaned() {
    let ids: Vec<&str> = lessons::all().iter().map(|l| l.id).collect();
    let mut sorted_ids = ids.clone();
    sorted_ids.sort_unstable();
    let mut golden = GOLDEN.to_vec();
    golden.sort_unstable();
    assert_eq!(sorted_ids, golden, "add a golden! line for each lesson");
    let dir = format!("{}/tests/golden/lessons", env!("CARGO_MANIFEST_DIR"));
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for e in entries {
            let name = e.unwrap().file_name().into_string().unwrap();
            if let Some(id) = name.strip_suffix(".trace") {
                assert!(ids.contains(&id), "{dir}/{name} belongs to no lesson");
            }
        }
    }
}

#[test]
fn the_gallery_has_the_lessons_the_issue_asks_for() {
    assert!(lessons::all().len() >= 15);
    for id in [
        "concurrency-parallelism",
        "cpu-vs-io",
        "syscall-handoff",
        "work-stealing",
        "runnext-lifo",
        "runq-overflow",
        "fairness-61",
        "preemption",
        "gosched",
        "spinning",
        "waitgroup",
        "chan-pingpong",
        "gomaxprocs-change",
        "lock-os-thread",
        "deadlock",
    ] {
        assert!(lessons::find(id).is_some(), "missing lesson {id}");
    }
}

#[test]
fn every_lesson_is_well_formed() {
    let mut ids = Vec::new();
    for l in lessons::all() {
        assert!(!ids.contains(&l.id), "duplicate id {}", l.id);
        ids.push(l.id);
        assert!(l.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'), "{}", l.id);
        assert!(!l.title.is_empty() && !l.concept.is_empty(), "{}", l.id);
        let paragraphs: Vec<&str> = l.text.split("\n\n").collect();
        assert!((2..=4).contains(&paragraphs.len()), "{}: a few short paragraphs, got {}", l.id, paragraphs.len());
        for p in &paragraphs {
            assert!(!p.trim().is_empty() && !p.contains('\n'), "{}: paragraphs are one line each, separated by a blank line", l.id);
        }
        assert!(l.text.len() < 2_000, "{}: {} characters is not short", l.id, l.text.len());
        assert!(!l.moments.is_empty(), "{}: no moment to jump to", l.id);
        let s = l.parsed();
        assert_eq!(s.name, l.title, "{}: the scenario's name is the lesson's title", l.id);
        assert!(!s.description.is_empty(), "{}: the scenario says what it does", l.id);
    }
}

/// How each lesson's run ends, hard-coded here (not read from the lesson, so a change in the
/// scheduler or in a lesson's scenario shows up as a failure): the outcome, the virtual time at
/// which the program ends (a window in ms), and the words of the lesson's text that say so.
struct Ending {
    id: &'static str,
    outcome: &'static str,
    end_ms: (f64, f64),
    /// What the text says about the end (checked to be in the text, so the text and this
    /// table cannot drift apart silently); empty when the text does not speak of it.
    text_says: &'static str,
}

const EXIT: &str = "exit status 0: main returned";

const ENDINGS: &[Ending] = &[
    // Two batches of four 25 ms computations: 100 ms on one P, then 25 ms on four.
    Ending { id: "concurrency-parallelism", outcome: EXIT, end_ms: (120.0, 130.0), text_says: "the batch takes 25 ms" },
    Ending { id: "runnext-lifo", outcome: EXIT, end_ms: (0.0, 0.1), text_says: "the program prints 9 0 1 2 3 4 5 6 7 8" },
    Ending { id: "work-stealing", outcome: EXIT, end_ms: (4.0, 4.5), text_says: "the program ends after about 4 ms instead of 8" },
    Ending { id: "spinning", outcome: EXIT, end_ms: (0.3, 0.4), text_says: "" },
    Ending { id: "runq-overflow", outcome: EXIT, end_ms: (2.5, 3.0), text_says: "" },
    Ending { id: "fairness-61", outcome: EXIT, end_ms: (0.5, 0.7), text_says: "the program exits with 39 goroutines that never ran" },
    // Three goroutines, three 1 ms turns each, one after another on one P.
    Ending { id: "gosched", outcome: EXIT, end_ms: (9.0, 9.1), text_says: "three times" },
    // loop's 50 ms plus quick's 1 ms on one P.
    Ending { id: "preemption", outcome: EXIT, end_ms: (51.0, 51.1), text_says: "a 50 ms loop" },
    Ending { id: "chan-pingpong", outcome: EXIT, end_ms: (14.0, 14.1), text_says: "" },
    Ending { id: "waitgroup", outcome: EXIT, end_ms: (0.92, 1.0), text_says: "at 920 µs" },
    Ending { id: "cpu-vs-io", outcome: EXIT, end_ms: (20.0, 20.1), text_says: "Two goroutines compute for 20 ms" },
    Ending { id: "syscall-handoff", outcome: EXIT, end_ms: (5.6, 5.8), text_says: "" },
    Ending { id: "lock-os-thread", outcome: EXIT, end_ms: (1.6, 1.7), text_says: "" },
    Ending { id: "gomaxprocs-change", outcome: EXIT, end_ms: (8.0, 8.2), text_says: "" },
    Ending { id: "deadlock", outcome: "fatal error: all goroutines are asleep - deadlock!", end_ms: (0.2, 0.25), text_says: "the runtime stops the program with fatal error: all goroutines are asleep - deadlock!" },
];

#[test]
fn every_lesson_runs_to_its_hard_coded_outcome() {
    let ids: Vec<&str> = lessons::all().iter().map(|l| l.id).collect();
    let mut table: Vec<&str> = ENDINGS.iter().map(|e| e.id).collect();
    table.sort_unstable();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(table, sorted, "every lesson has exactly one line in ENDINGS");
    for want in ENDINGS {
        let l = lesson(want.id);
        let (sim, _) = common::run(l.scenario, lessons::MAX_LESSON_STEPS);
        assert_eq!(sim.outcome().map(|o| o.message()).as_deref(), Some(want.outcome), "{}", l.id);
        let ms = sim.now() as f64 / 1e6;
        assert!(ms >= want.end_ms.0 && ms < want.end_ms.1, "{}: ends at {ms} ms, expected [{}, {}) ms", l.id, want.end_ms.0, want.end_ms.1);
        let flat = l.text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains(want.text_says), "{}: the text no longer says {:?}", l.id, want.text_says);
        assert!(sim.step_count() < 2_000, "{}: {} steps is not small", l.id, sim.step_count());
    }
}

/// The figures the texts give, checked against the runs, each hard-coded.
#[test]
fn the_figures_in_the_lesson_texts_hold() {
    let run = |id: &str| common::run(lesson(id).scenario, lessons::MAX_LESSON_STEPS);
    let says = |id: &str, words: &str| {
        let flat = lesson(id).text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains(words), "{id}: the text no longer says {words:?}");
    };
    // runnext-lifo: G11 (i=9) first, then G2..G10 (i=0..8).
    says("runnext-lifo", "prints 9 0 1 2 3 4 5 6 7 8");
    let (_, events) = run("runnext-lifo");
    let order: Vec<u32> = common::start_order(&events).into_iter().filter(|&g| g > 1).map(|g| g - 2).collect();
    assert_eq!(order, vec![9, 0, 1, 2, 3, 4, 5, 6, 7, 8]);
    // work-stealing: M2 steals 4 of 7 and runs G5.
    says("work-stealing", "steals 7 - 7/2 = 4 of them");
    let (_, events) = run("work-stealing");
    let steal = common::first(&events, |e| e.kind() == "Steal");
    assert!(matches!(steal.what, What::Steal { n: 4, of: 7, .. }), "{:?}", steal.what);
    assert_eq!(steal.g.unwrap().0, 5);
    // runq-overflow: the global queue jumps from 0 to 129.
    says("runq-overflow", "Watch the global queue jump from 0 to 129");
    let (sim, events) = run("runq-overflow");
    assert!(matches!(common::first(&events, |e| e.kind() == "RunqOverflow").what, What::RunqOverflow { moved: 129 }));
    assert_eq!(sim.stats().max_global_queue, 129);
    // fairness-61: 61 of the 100 goroutines ran (G101 and G2..G61), 39 never did.
    says("fairness-61", "39 goroutines that never ran");
    let (sim, events) = run("fairness-61");
    assert_eq!(sim.goroutine_count(), 101);
    assert_eq!(common::of_kind(&events, "GoDestroy").len(), 61);
    // cpu-vs-io: never more than five threads.
    says("cpu-vs-io", "it never goes past five (sysmon included)");
    assert_eq!(run("cpu-vs-io").0.stats().max_threads, 5);
    // syscall-handoff: six threads for two Ps.
    says("syscall-handoff", "six threads, sysmon's included, for two Ps");
    assert_eq!(run("syscall-handoff").0.stats().max_threads, 6);
    // lock-os-thread: M0 exits with gui.
    says("lock-os-thread", "M0 exits instead of going back to the idle list");
    let (_, events) = run("lock-os-thread");
    let exit = common::first(&events, |e| e.kind() == "ThreadExit");
    assert_eq!(exit.m.unwrap().0, 0);
    let gui_exit = common::first(&events, |e| e.kind() == "GoDestroy" && e.g.unwrap().0 == 2);
    assert_eq!(gui_exit.step, exit.step, "M0 exits as gui returns");
    // waitgroup: main wakes in P1's runnext and runs there.
    says("waitgroup", "main becomes runnable in P1's runnext");
    let (_, events) = run("waitgroup");
    let wake = common::first(&events, |e| e.kind() == "GoUnblock" && e.g.unwrap().0 == 1);
    assert_eq!(wake.p.unwrap().0, 1);
    // preemption: loop is preempted at 11.2 ms and again at 31.2 ms.
    says("preemption", "At 11.2 ms sysmon");
    says("preemption", "It is preempted again at 31.2 ms");
    let (_, events) = run("preemption");
    let preempts: Vec<u64> = common::of_kind(&events, "Preempt").iter().map(|e| e.t / 100_000).collect();
    assert_eq!(&preempts[..2], &[112, 312]);
    // deadlock: nothing ran after the last worker.
    says("deadlock", "all goroutines are asleep - deadlock!");
    assert_eq!(run("deadlock").0.outcome(), Some(&Outcome::Deadlock));
}

#[test]
fn every_moment_happens_in_run_order() {
    for l in lessons::all() {
        let steps = lessons::moment_steps(l);
        for (m, step) in l.moments.iter().zip(&steps) {
            assert!(step.is_some(), "{}: moment {:?} never happens", l.id, m.label);
            assert_eq!(lessons::moment_step(l, m), *step, "{}: {:?}", l.id, m.label);
        }
        let steps: Vec<u64> = steps.into_iter().flatten().collect();
        assert!(steps.windows(2).all(|w| w[0] <= w[1]), "{}: moments out of order: {steps:?}", l.id);
    }
}

/// Where each moment lands, with the event there: a readable check that the buttons still
/// point at what their labels say.
#[test]
fn moments_point_at_what_their_labels_say() {
    let mut out = String::new();
    for l in lessons::all() {
        out.push_str(&format!("{}\n", l.id));
        let (sim, events) = common::run(l.scenario, lessons::MAX_LESSON_STEPS);
        for (m, step) in l.moments.iter().zip(lessons::moment_steps(l)) {
            let step = step.unwrap();
            let e = events.iter().filter(|e| e.kind() == m.kind).nth(m.nth as usize - 1).unwrap();
            assert_eq!(e.step, step);
            out.push_str(&format!("  {:>5} {}: {}\n", step, m.label, e.explain(sim.program())));
        }
    }
    expect_file!["golden/lessons/moments.txt"].assert_eq(&out);
}

#[test]
fn a_moment_that_never_happens_has_no_step() {
    let l = lesson("runnext-lifo");
    let never = lessons::Moment { label: "no steal with one P", kind: "Steal", nth: 1 };
    assert_eq!(lessons::moment_step(l, &never), None);
    let too_far = lessons::Moment { label: "a 99th start", kind: "GoStart", nth: 99 };
    assert_eq!(lessons::moment_step(l, &too_far), None);
}

/// The README's table: each lesson's steps and share-link length (`make_link(json, "", &[])`
/// of the scenario as the page writes it).
#[test]
fn lesson_links_stay_short() {
    let mut table = String::from("| lesson | title | steps | link length |\n| --- | --- | ---: | ---: |\n");
    for l in lessons::all() {
        let (sim, _) = common::run(l.scenario, lessons::MAX_LESSON_STEPS);
        let link = link::make_link(&l.parsed().to_json(), "", &[]);
        assert!(link.len() < 1_200, "{}: a {}-character link is not short", l.id, link.len());
        table.push_str(&format!("| `{}` | {} | {} | {} |\n", l.id, l.title, sim.step_count(), link.len()));
    }
    println!("{table}");
    expect_file!["golden/lessons/links.md"].assert_eq(&table);
}
