//! The page's compare view and predict mode (issue 13), natively: a `#s=…&vs=…&step=N` link,
//! the lanes, the divergences against `core::compare`, Share's round trip, a bad lane, the
//! keys; predict mode's flow, verdicts against `core::predict`, the score and its storage.

use gmp::core::compare::Comparison;
use gmp::core::link;
use gmp::core::predict::ask;
use gmp::core::scenario;
use gmp::web::boot::boot;
use gmp::web::compare::{variant_text, Compare, CompareMsg, Variant, COMPARE_MAX_STEPS};
use gmp::web::predict::{read_scores, PredictMsg, Score, ANY_SCENARIO};
use gmp::web::shortcuts::message_for;
use gmp::web::state::{AppState, Msg, Theme};
use std::rc::Rc;

const A: &str = include_str!("scenarios/gomaxprocs.json");

fn with_procs(n: u32) -> String {
    let mut s = scenario::parse(A).unwrap();
    s.gomaxprocs = n;
    s.to_json()
}

fn open(fragment: &str) -> Rc<AppState> {
    Rc::new(AppState::new(boot(fragment, None, Some(A.to_string())), Theme::System, false))
}

fn cmp(s: &AppState) -> &Compare {
    s.compare.as_deref().expect("the compare view is open")
}

fn lane_steps(s: &AppState) -> (u64, u64) {
    let c = cmp(s);
    let st = |l: &gmp::web::compare::Lane| l.driver.as_ref().unwrap().borrow().step();
    (st(&c.a), st(&c.b))
}

/// Runs the compare view's background work (the seek, then the scan) to its end.
fn settle(mut s: Rc<AppState>) -> Rc<AppState> {
    let mut n = 0;
    while cmp(&s).busy() {
        s = s.reduce(Msg::Compare(CompareMsg::Work(500)));
        n += 1;
        assert!(n < 10_000, "the work ends");
    }
    s
}

fn compare_link(a: &str, b: &str, step: u64) -> String {
    format!("#s={}&vs={}&step={step}", link::encode(a), link::encode(b))
}

#[test]
fn a_link_with_vs_opens_both_lanes_at_its_step() {
    let s = open(&compare_link(&with_procs(2), &with_procs(8), 4));
    let c = cmp(&s);
    assert!(c.a.valid() && c.b.valid());
    assert_eq!(c.step, 4);
    assert_eq!(lane_steps(&s), (4, 4));
    assert_eq!(c.a.view.as_ref().unwrap().state.gomaxprocs, 2);
    assert_eq!(c.b.view.as_ref().unwrap().state.gomaxprocs, 8);
    // The main run stays the user's own; nothing of theirs is saved over.
    assert_eq!(s.driver.borrow().scenario().name, scenario::parse(A).unwrap().name);
    assert!(s.save_good.is_none() && s.save_draft.is_none());
}

#[test]
fn divergences_are_core_compares() {
    let (a, b) = (with_procs(2), with_procs(4));
    let want = Comparison::new(&scenario::parse(&a).unwrap(), &scenario::parse(&b).unwrap(), COMPARE_MAX_STEPS);
    let first = want.first().expect("GOMAXPROCS 2 and 4 diverge").step;
    let s = settle(open(&compare_link(&a, &b, 0)));
    let c = cmp(&s);
    assert_eq!(c.first, Some(Some(first)));
    assert_eq!(c.scanned, want.steps);
    let done = c.done.as_ref().expect("the scan is over");
    assert_eq!((done.a.clone(), done.b.clone()), (want.a.clone(), want.b.clone()));
    // Jump: both lanes there; next and previous as the comparison says.
    let s = s.reduce(Msg::Compare(CompareMsg::JumpFirst));
    assert_eq!(lane_steps(&s), (first, first));
    let next = want.next_divergence(first).expect("more than one divergent step");
    let s = s.reduce(Msg::Compare(CompareMsg::NextDivergence));
    assert_eq!(cmp(&s).step, next);
    // `]` and `[` are next and previous divergence in the compare view.
    let s = s.reduce(message_for("[", false, false).unwrap());
    assert_eq!(cmp(&s).step, want.prev_divergence(next).unwrap());
    // A slice of the scan is a new state, which owns the scan from then on; the state before it
    // is left as it was (no change made for the new one shows there).
    let s = open(&compare_link(&a, &a, 0));
    let t = s.clone().reduce(Msg::Compare(CompareMsg::Work(10)));
    assert!(!Rc::ptr_eq(&s, &t), "the scan moved on: a new state");
    assert_eq!(cmp(&s).scanned, 0, "the old state still says what it said");
    assert!(cmp(&t).scanned >= 10);
    // Identical runs: no divergence, said so.
    let s = settle(t);
    assert_eq!(cmp(&s).first, Some(None));
    let s = s.reduce(Msg::Compare(CompareMsg::JumpFirst));
    assert_eq!(cmp(&s).note.as_deref(), Some("The runs do not diverge."));
}

#[test]
fn the_stepping_keys_and_frames_move_both_lanes() {
    let s = open(&compare_link(&with_procs(2), &with_procs(3), 0));
    let s = s.reduce(message_for("ArrowRight", false, false).unwrap());
    assert_eq!(lane_steps(&s), (1, 1));
    let s = s.reduce(message_for("ArrowRight", true, false).unwrap());
    assert_eq!(lane_steps(&s), (11, 11));
    let s = s.reduce(message_for("ArrowLeft", false, false).unwrap());
    assert_eq!(lane_steps(&s), (10, 10));
    let s = s.reduce(Msg::Compare(CompareMsg::SetSpeed(100)));
    let s = s.reduce(message_for(" ", false, false).unwrap());
    assert!(cmp(&s).playing);
    let s = s.reduce(Msg::Tick { now: 1000.0, steps: 1 }).reduce(Msg::Tick { now: 1100.0, steps: 1 });
    // One owed step at the start, then 100 steps/s for 100 ms.
    assert_eq!(lane_steps(&s), (21, 21));
    // The main board did not move; predict mode's keys do nothing here.
    assert_eq!(s.driver.borrow().step(), 0);
    let s = s.reduce(Msg::Predict(PredictMsg::Open { stored: None }));
    assert!(s.predict.is_none());
}

#[test]
fn share_gives_a_link_that_opens_the_same_comparison() {
    let s = open(&compare_link(&with_procs(2), &with_procs(8), 0)).reduce(Msg::Compare(CompareMsg::Seek(40)));
    let url = cmp(&s).share_link("https://x.org/play/#old");
    assert!(url.starts_with("https://x.org/play/#s=1.") && url.contains("&vs=1.") && url.ends_with("&step=40"), "{url}");
    let t = open(url.split_once('#').unwrap().1);
    let (c, d) = (cmp(&s), cmp(&t));
    assert_eq!((c.a.text.clone(), c.b.text.clone(), c.step), (d.a.text.clone(), d.b.text.clone(), d.step));
}

#[test]
fn a_bad_lane_is_reported_in_it_and_the_other_lane_runs() {
    // A payload that does not unpack.
    let s = open(&format!("#s={}&vs=1.%%%&step=3", link::encode(A)));
    let c = cmp(&s);
    assert!(c.a.valid() && !c.b.valid());
    assert!(c.b.problems[0].starts_with("link parameter vs=: payload is not valid base64url"), "{:?}", c.b.problems);
    assert_eq!(c.step, 3);
    // A scenario with a mistake: reported at its place, lane A still steps.
    let bad = A.replace("\"func\": \"cpu\", \"n\": 16", "\"func\": \"cpux\", \"n\": 16");
    let s = open(&compare_link(A, &bad, 0));
    let problems = cmp(&s).b.problems.clone();
    assert!(problems.iter().any(|p| p.contains("main[1].go") && p.contains("cpux")), "{problems:?}");
    assert!(!cmp(&s).busy(), "nothing to scan with one lane");
    let s = s.reduce(Msg::Forward);
    assert_eq!(cmp(&s).a.driver.as_ref().unwrap().borrow().step(), 1);
    // A bad lane A: lane B runs.
    let s = open(&compare_link(&bad, A, 0));
    assert!(!cmp(&s).a.valid() && cmp(&s).b.valid());
    // From the page: the user's editor keeps their text; a variant that cannot be made is lane B's.
    let s = open("").reduce(Msg::Edit("{ my draft".into()));
    let s = s.reduce(Msg::OpenCompare(Variant::Release("1.99".into())));
    assert_eq!(cmp(&s).b.problems[0], "release \"1.99\": expected a Go release from 1.19 to 1.27");
    assert!(cmp(&s).a.valid());
    assert_eq!(*s.editor.text, "{ my draft");
    let s = s.reduce(Msg::CloseCompare);
    assert!(s.compare.is_none());
    assert_eq!(*s.editor.text, "{ my draft");
}

#[test]
fn compare_with_makes_each_variant() {
    let a = scenario::parse(A).unwrap();
    let read = |v: Variant| scenario::parse(&variant_text(&a, &v).unwrap().0).unwrap();
    assert_eq!(read(Variant::Gomaxprocs(8)).gomaxprocs, 8);
    assert_eq!(read(Variant::Release("1.19".into())).go, 19);
    assert_eq!(read(Variant::Seed(77)).seed, 77);
    assert_eq!(read(Variant::Cost("m_wake".into(), "20us".into())).costs.m_wake, 20_000);
    assert_eq!(read(Variant::Lesson("work-stealing".into())).name, gmp::core::lessons::find("work-stealing").unwrap().parsed().name);
    assert!(variant_text(&a, &Variant::Cost("nope".into(), "1us".into())).unwrap_err()[0].contains("unknown"));
    assert!(variant_text(&a, &Variant::Lesson("nope".into())).is_err());
    let s = open("").reduce(Msg::OpenCompare(Variant::Gomaxprocs(8)));
    assert_eq!(cmp(&s).b.label, "B: GOMAXPROCS 8");
    assert_eq!(cmp(&s).b.view.as_ref().unwrap().state.gomaxprocs, 0, "step 0: schedinit has not run");
    let s = s.reduce(Msg::Forward);
    assert_eq!(cmp(&s).b.view.as_ref().unwrap().state.gomaxprocs, 8);
}

#[test]
fn predict_asks_checks_scores_and_moves_on() {
    let s = open("").reduce(Msg::OpenLesson("work-stealing".into()));
    let s = s.reduce(Msg::Predict(PredictMsg::Open { stored: None }));
    let p = s.predict.clone().expect("predict mode is on");
    assert_eq!(p.key, "work-stealing");
    let (qstep, _, labels) = p.shown().expect("a question");
    let at = s.driver.borrow().step();
    assert_eq!(qstep, at + 1);
    assert!((2..=4).contains(&labels.len()));
    // The same question as the core's, whose key the test may read through `check`.
    let q = ask(s.driver.borrow().sim()).unwrap();
    let right = (0..labels.len()).find(|&i| q.check(i).correct).unwrap();
    let wrong = (right + 1) % labels.len();
    // Key 1..4 answers; out of range changes nothing.
    assert_eq!(message_for(&(wrong + 1).to_string(), false, false), Some(Msg::Predict(PredictMsg::Answer(wrong))));
    assert!(Rc::ptr_eq(&s.clone().reduce(Msg::Predict(PredictMsg::Answer(7))), &s));
    let s = s.reduce(message_for(&(wrong + 1).to_string(), false, false).unwrap());
    let p = s.predict.clone().unwrap();
    let v = &p.verdict.as_ref().unwrap().1;
    assert!(!v.correct);
    assert!(v.rule.contains("()") || v.rule.contains("runq") || v.rule.contains("handoffp"), "names its Go function: {}", v.rule);
    assert_eq!(s.driver.borrow().step(), qstep, "the board moved on to the decided step");
    assert_eq!(p.score(), Score { right: 0, asked: 1 });
    // A second answer to the same question does nothing.
    assert!(Rc::ptr_eq(&s.clone().reduce(Msg::Predict(PredictMsg::Answer(right))), &s));
    // Next question, answered right.
    let s = s.reduce(Msg::Predict(PredictMsg::Next));
    let q = ask(s.driver.borrow().sim()).unwrap();
    let right = (0..q.choices.len()).find(|&i| q.check(i).correct).unwrap();
    let s = s.reduce(Msg::Predict(PredictMsg::Answer(right)));
    let p = s.predict.clone().unwrap();
    assert!(p.verdict.as_ref().unwrap().1.correct);
    assert_eq!(p.score(), Score { right: 1, asked: 2 });
    // Stored and read back (a reload): the lesson's score is kept, others are apart.
    let stored = p.scores_json();
    assert_eq!(read_scores(Some(&stored)).get("work-stealing"), Some(&Score { right: 1, asked: 2 }));
    let t = open("").reduce(Msg::OpenLesson("work-stealing".into())).reduce(Msg::Predict(PredictMsg::Open { stored: Some(stored.clone()) }));
    assert_eq!(t.predict.as_ref().unwrap().score(), Score { right: 1, asked: 2 });
    let u = open("").reduce(Msg::Predict(PredictMsg::Open { stored: Some(stored) }));
    assert_eq!(u.predict.as_ref().unwrap().key, ANY_SCENARIO);
    assert_eq!(u.predict.as_ref().unwrap().score(), Score::default());
    assert_eq!(read_scores(Some("not json")), Default::default());
}

#[test]
fn predict_runs_to_the_end_and_says_so() {
    let mut s = open("").reduce(Msg::OpenLesson("gosched".into())).reduce(Msg::Predict(PredictMsg::Open { stored: None }));
    let mut asked = 0;
    loop {
        let p = s.predict.clone().unwrap();
        if p.shown().is_none() {
            assert!(p.note.as_deref().unwrap().starts_with("The run has ended"), "{:?}", p.note);
            break;
        }
        s = s.reduce(Msg::Predict(PredictMsg::Answer(0)));
        asked += 1;
        assert!(asked < 5_000);
        s = s.reduce(Msg::Predict(PredictMsg::Next));
    }
    assert!(asked >= 2, "a lesson asks several questions ({asked})");
    assert!(s.driver.borrow().finished());
    assert_eq!(s.predict.as_ref().unwrap().score().asked, asked);
}
