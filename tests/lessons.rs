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
use gmp::core::sim::Sim;

/// The run's full trace, in the format of `tests/golden.rs`, with invariants checked after every step.
fn trace(lesson: &Lesson) -> String {
    let mut sim = Sim::new(&lesson.parsed());
    let mut out = String::new();
    while sim.step() {
        sim.check_invariants().unwrap_or_else(|e| panic!("{}: invariant broken after step {}: {e}", lesson.id, sim.step_count()));
        for e in sim.events() {
            out.push_str(&format!("{:>5} {:>10} {:<19} {}\n", e.step, e.t, e.kind(), e.explain(sim.program())));
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

/// How each lesson's run ends, as its text says.
const OUTCOMES: &[(&str, &str)] = &[("deadlock", "fatal error: all goroutines are asleep - deadlock!")];

#[test]
fn every_lesson_runs_to_the_outcome_its_text_describes() {
    for l in lessons::all() {
        let (sim, _) = common::run(l.scenario, lessons::MAX_LESSON_STEPS);
        let want = OUTCOMES.iter().find(|(id, _)| *id == l.id).map_or("exit status 0: main returned", |(_, o)| o);
        assert_eq!(sim.outcome().map(|o| o.message()).as_deref(), Some(want), "{}", l.id);
        assert!(sim.step_count() < 2_000, "{}: {} steps is not small", l.id, sim.step_count());
    }
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
