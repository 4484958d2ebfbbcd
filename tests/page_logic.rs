//! The page's logic, tested natively (no browser): the driver's history (exact step-back,
//! checkpoints, seeks in slices), its log and filter, interventions and templates, the record,
//! the view, the editor's place finder, boot's link handling, the keyboard's messages and the
//! reducer's transitions. `cargo test --test page_logic`.
#![cfg(not(target_arch = "wasm32"))]

use gmp::core::ids::{GId, PId};
use gmp::core::link;
use gmp::core::scenario::{self, limits};
use gmp::core::sim::Sim;
use gmp::web::boot::{boot, Notice, DEFAULT_SCENARIO};
use gmp::core::sim::SimState;
use gmp::web::driver::{snapshot, Driver, Intervention, LogFilter, Moves, Place, SpawnFunc, Template, CHECKPOINT_EVERY};
use std::collections::{BTreeMap, HashMap};
use gmp::web::locate::Locator;
use gmp::web::record::kind_code;
use gmp::web::shortcuts::{in_threads_mode, message_for};
use gmp::web::state::{AppState, Msg, StepBudget, Theme, ThreadsCommand, SEEK_SYNC_STEPS};
use gmp::web::threads_panel::{Baseline, ThreadsMsg, ThreadsPanel, LOG_ROWS as THREADS_LOG_ROWS};
use gmp::web::view::{fmt_ns, short_ns, Plots, View};
use std::rc::Rc;

const BUSY: &str = include_str!("e2e/scenarios/busy.json");

/// A run of about 60,000 steps on one P: long enough for a seek in slices.
const LONG: &str = r#"{
  "version": 1, "name": "long", "gomaxprocs": 1, "seed": 3,
  "funcs": { "spin": [ { "repeat": { "n": 1500, "body": [ { "work": "1us" }, "gosched" ] } } ] },
  "main": [ { "go": { "func": "spin", "n": 20 } }, { "sleep": "1s" } ]
}"#;

fn parse(text: &str) -> scenario::Scenario {
    scenario::parse(text).unwrap()
}

fn sim_at(text: &str, n: u64) -> Sim {
    let mut s = Sim::new(&parse(text));
    s.run(n);
    s
}

fn driver(text: &str) -> Driver {
    Driver::new(parse(text))
}

/// The page opened on `text` as the user's own scenario (no link).
fn page(text: &str) -> Rc<AppState> {
    Rc::new(AppState::new(boot("", None, Some(text.to_string())), Theme::System, false))
}

fn step_of(s: &AppState) -> u64 {
    s.driver.borrow().step()
}

/// Runs the seek in progress to its end, slice by slice; returns the number of slices.
fn finish_seek(mut s: Rc<AppState>) -> (Rc<AppState>, u32) {
    let mut n = 0;
    while s.seeking.is_some() {
        s = s.reduce(Msg::SeekSlice(5_000));
        n += 1;
        assert!(n < 1_000, "the seek ends");
    }
    (s, n)
}

// ---- the driver's history ----

#[test]
fn stepping_back_is_exact() {
    let mut d = driver(BUSY);
    d.seek(600);
    for n in [599, 450, 2, 0, 1, 1_853, 37] {
        d.seek(n);
        let want = sim_at(BUSY, n);
        assert_eq!(snapshot(d.sim(), true), snapshot(&want, true), "step {n}");
        assert_eq!(d.events(), want.events(), "events of step {n}");
    }
}

#[test]
fn checkpoints_are_kept_every_interval_and_stay_exact() {
    let mut d = driver(BUSY);
    d.seek(1_853);
    assert_eq!(d.interval(), CHECKPOINT_EVERY);
    assert_eq!(d.checkpoint_count() as u64, 1 + d.step().min(d.record().explored()) / CHECKPOINT_EVERY);
    d.back();
    assert_eq!(snapshot(d.sim(), true), snapshot(&sim_at(BUSY, 1_852), true));
}

#[test]
fn the_latest_checkpoint_at_or_before_a_step() {
    let mut d = driver(LONG);
    d.seek(9_000);
    let h = d.history();
    assert_eq!(h.at_or_before(0).step_count(), 0);
    assert_eq!(h.at_or_before(1_999).step_count(), 0);
    assert_eq!(h.at_or_before(2_000).step_count(), 2_000);
    assert_eq!(h.at_or_before(8_999).step_count(), 8_000);
    assert_eq!(h.at_or_before(u64::MAX).step_count(), 8_000);
}

#[test]
fn a_seek_in_slices_ends_where_one_seek_does() {
    let mut a = driver(LONG);
    let mut slices = 0;
    while !a.seek_toward(25_000, 1_000) {
        slices += 1;
        assert!(a.step() <= 25_000);
    }
    assert!(slices >= 20, "{slices} slices of at most 1,000 steps");
    assert_eq!(a.step(), 25_000);
    assert_eq!(snapshot(a.sim(), true), snapshot(&sim_at(LONG, 25_000), true));
    // Backwards in slices too: from the checkpoint before the target.
    while !a.seek_toward(12_345, 500) {}
    assert_eq!(snapshot(a.sim(), true), snapshot(&sim_at(LONG, 12_345), true));
}

#[test]
fn a_seek_past_the_end_stops_at_the_end() {
    let mut d = driver(BUSY);
    d.seek(u64::MAX / 2);
    assert!(d.finished());
    let end = d.record().end().expect("the end is known");
    assert_eq!(d.step(), end);
    assert_eq!(snapshot(d.sim(), false), snapshot(&sim_at(BUSY, end), false));
}

#[test]
fn one_step_forward_shows_what_moved_and_a_jump_does_not() {
    let mut d = driver(BUSY);
    d.seek(10);
    assert!(d.forward());
    assert!(d.one_step());
    d.advance(5);
    assert!(!d.one_step());
    d.restart();
    assert_eq!(d.step(), 0);
    assert_eq!(snapshot(d.sim(), true), snapshot(&Sim::new(&parse(BUSY)), true));
}

#[test]
fn the_next_and_previous_event_of_a_kind() {
    let mut d = driver(BUSY);
    let s = d.find_next("Steal", 10_000).unwrap();
    d.seek(s);
    assert!(d.events().iter().any(|e| e.kind() == "Steal"));
    let s2 = d.find_next("Steal", 10_000).unwrap();
    assert!(s2 > s);
    d.seek(s2);
    assert_eq!(d.find_prev("Steal"), Some(s));
    assert!(kind_code("NoSuchKind").is_none());
    assert!(d.find_next("NoSuchKind", 10).is_err());
}

#[test]
fn a_search_does_not_move_the_current_step() {
    let mut d = driver(BUSY);
    d.seek(3);
    let before = snapshot(d.sim(), true);
    let _ = d.find_next("Steal", 10_000);
    assert_eq!(d.step(), 3);
    assert_eq!(snapshot(d.sim(), true), before);
    assert!(d.record().explored() > 3, "the search explored ahead");
}

// ---- the log ----

#[test]
fn the_log_while_playing_is_the_log_of_the_latest_events() {
    let mut d = driver(BUSY);
    let all = LogFilter::default();
    let steals = LogFilter { kind: "Steal".into(), ..LogFilter::default() };
    for (from, to) in [(0, 900), (300, 700)] {
        d.seek(from);
        d.advance(to - from);
        assert_eq!(d.recent_log(&all, 30), d.log(&all, 30), "steps {from}..{to}");
        let (few, _) = d.recent_log(&steals, 5);
        let (want, _) = d.log(&steals, 5);
        assert!(want.ends_with(&few), "recent steals are the latest steals");
    }
    d.seek(123);
    assert_eq!(d.recent_log(&all, 30), d.log(&all, 30));
}

#[test]
fn the_log_filter_keeps_one_kind_one_goroutine_or_one_p() {
    let mut d = driver(BUSY);
    d.seek(1_500);
    let (rows, _) = d.log(&LogFilter { kind: "Steal".into(), ..LogFilter::default() }, 50);
    assert!(!rows.is_empty() && rows.iter().all(|r| r.kind == "Steal"));
    let (rows, _) = d.log(&LogFilter { g: Some(GId(3)), ..LogFilter::default() }, 50);
    assert!(!rows.is_empty() && rows.iter().all(|r| r.g == Some(GId(3))));
    let (rows, _) = d.log(&LogFilter { p: Some(PId(1)), ..LogFilter::default() }, 50);
    assert!(!rows.is_empty() && rows.iter().all(|r| r.p == Some(PId(1))));
    let (none, more) = d.log(&LogFilter { kind: "NoSuchKind".into(), ..LogFilter::default() }, 50);
    assert!(none.is_empty() && !more);
}

#[test]
fn the_log_is_the_latest_rows_oldest_first_with_a_flag_for_more() {
    let mut d = driver(BUSY);
    d.seek(400);
    let (rows, more) = d.log(&LogFilter::default(), 20);
    assert_eq!(rows.len(), 20);
    assert!(more);
    assert!(rows.windows(2).all(|w| w[0].idx < w[1].idx && w[0].step <= w[1].step));
    assert_eq!(rows.last().unwrap().step, 400);
    let (all, more) = d.log(&LogFilter::default(), 1_000_000);
    assert!(!more);
    assert!(all.ends_with(&rows));
    assert_eq!(all.len(), d.record().event_range(1, 400).len());
}

#[test]
fn the_log_s_words_are_the_same_after_a_seek_back() {
    let mut d = driver(BUSY);
    d.seek(1_200);
    let (first, _) = d.log(&LogFilter::default(), 300);
    d.seek(17);
    d.seek(1_200);
    let (again, _) = d.log(&LogFilter::default(), 300);
    assert_eq!(first, again);
}

#[test]
fn a_filter_admits_events_as_it_matches_rows() {
    let d = {
        let mut d = driver(BUSY);
        d.seek(700);
        d
    };
    let f = LogFilter { kind: String::new(), g: None, p: Some(PId(0)) };
    for e in d.events() {
        assert_eq!(f.admits(e), e.p.is_some_and(|p| p.0 == 0));
    }
    assert!(LogFilter::default().admits(&d.events()[0]));
}

#[test]
fn the_event_index_gives_back_every_event_s_kind_and_typed_ids() {
    let mut d = driver(BUSY);
    d.seek(600);
    let (rows, _) = d.log(&LogFilter::default(), 1_000_000);
    assert!(rows.iter().any(|r| r.g.is_none()) && rows.iter().any(|r| r.p.is_none()) && rows.iter().any(|r| r.p == Some(PId(1))));
    for r in &rows {
        let e = d.record().ev(r.idx);
        assert_eq!((e.g(), e.p(), Some(e.kind())), (r.g, r.p, kind_code(r.kind)), "event {}", r.idx);
    }
}

#[test]
fn a_goroutine_in_detail_has_its_ops_and_only_its_events() {
    let mut d = driver(DEFAULT_SCENARIO);
    d.seek(40);
    let g = d.goroutine(GId(2), 10).expect("G2 exists");
    assert!(!g.ops.is_empty());
    assert!(g.history.iter().all(|r| r.g == Some(GId(2))));
    assert!(d.goroutine(GId(10_000), 10).is_none());
}

// ---- movement ----

/// Where each goroutine sits in a state: a queue or running on a P, the global queue, the
/// netpoller, or an M in a syscall (the test's own reading of two states, to check the events'
/// account against).
fn places(s: &SimState) -> HashMap<u32, (Place, bool)> {
    let mut m = HashMap::new();
    for p in &s.ps {
        for &g in p.runq.iter().chain(p.runnext.iter()) {
            m.insert(g.0, (Place::P(p.id), true));
        }
        if let Some(g) = p.g {
            m.insert(g.0, (Place::P(p.id), false));
        }
    }
    for &g in &s.global {
        m.insert(g.0, (Place::Global, true));
    }
    for n in &s.netpoll {
        m.insert(n.g.0, (Place::Netpoll, true));
    }
    m
}

/// Goroutines that went from one queue to another queue or a P between two states, counted by
/// source and destination.
fn diff(before: &SimState, after: &SimState) -> BTreeMap<(Place, Place), u32> {
    let a = places(before);
    let mut out = BTreeMap::new();
    for (g, (to, _)) in places(after) {
        if let Some(&(from, queued)) = a.get(&g) {
            if queued && from != to {
                *out.entry((from, to)).or_default() += 1;
            }
        }
    }
    out
}

#[test]
fn a_steal_is_one_arrow_from_the_victim_to_the_thief_with_every_stolen_goroutine() {
    let mut d = driver(BUSY);
    let steal = d.find_next("Steal", 10_000).expect("busy.json steals");
    d.seek(steal - 1);
    let before = snapshot(d.sim(), false);
    assert!(d.forward());
    let after = snapshot(d.sim(), false);
    let moves = Moves::of(d.events(), &after);
    let steals: Vec<_> = moves.arrows.iter().filter(|a| matches!((a.from, a.to), (Place::P(x), Place::P(y)) if x != y)).collect();
    assert_eq!(steals.len(), 1, "{:?}", moves.arrows);
    let a = steals[0];
    assert_eq!(diff(&before, &after).get(&(a.from, a.to)), Some(&a.count), "the states agree with the events' count");
    assert!(a.gs.len() <= 3 && a.gs.windows(2).all(|w| w[0] < w[1]));
    let Place::P(victim) = a.from else { unreachable!() };
    assert!(moves.gs.values().all(|w| *w == victim.to_string()));
    assert!(Moves::of(&[], &after) == Moves::default());
}

#[test]
fn movement_from_the_events_agrees_with_the_states_in_a_whole_run() {
    // Every queue-to-queue movement of every step of two runs, as the events tell it, against
    // the difference of the states before and after the step.
    for text in [BUSY, DEFAULT_SCENARIO] {
        let mut sim = Sim::new(&parse(text));
        let mut before = snapshot(&sim, false);
        let mut seen = 0;
        while sim.step() {
            let after = snapshot(&sim, false);
            let moves = Moves::of(sim.events(), &after);
            let got: BTreeMap<(Place, Place), u32> =
                moves.arrows.iter().filter(|a| a.p.is_none()).map(|a| ((a.from, a.to), a.count)).filter(|((f, _), _)| !matches!(f, Place::M(_))).collect();
            let want = diff(&before, &after);
            assert_eq!(got, want, "step {}: {:?}", sim.step_count(), sim.events().iter().map(|e| e.kind()).collect::<Vec<_>>());
            seen += got.len();
            before = after;
        }
        assert!(seen > 0);
    }
}

#[test]
fn sysmon_taking_a_p_from_a_syscall_is_a_hand_off_arrow_between_ms() {
    let mut d = driver(DEFAULT_SCENARIO);
    let s = d.find_next("ProcSteal", 10_000).expect("the reader's syscall loses its P");
    d.seek(s - 1);
    let before = snapshot(d.sim(), false);
    d.forward();
    let after = snapshot(d.sim(), false);
    let moves = Moves::of(d.events(), &after);
    let hand: Vec<_> = moves.arrows.iter().filter(|a| a.p.is_some()).collect();
    assert_eq!(hand.len(), 1, "{:?} {:?}", moves.arrows, d.events().iter().map(|e| e.kind()).collect::<Vec<_>>());
    for a in &hand {
        let (Place::M(from), Place::M(to), Some(p)) = (a.from, a.to, a.p) else { panic!("{a:?}") };
        assert_ne!(from, to);
        assert_eq!(before.ps[p.index()].m, Some(from));
        assert_eq!(moves.ps.get(&p), Some(&Some(from)));
    }
}

// ---- interventions and templates ----

#[test]
fn an_intervention_is_an_action_that_replays() {
    let mut d = driver(DEFAULT_SCENARIO);
    assert!(d.intervene(&Intervention::Gomaxprocs(3)).is_err(), "nothing before the first step");
    d.seek(8);
    let a = d.intervene(&Intervention::Spawn { func: SpawnFunc::Func("cruncher".into()), n: 2, on_p: Some(PId(1)) }).unwrap();
    assert_eq!(d.step(), 9);
    assert_eq!(d.scenario().actions, vec![a]);
    d.intervene(&Intervention::Spawn { func: SpawnFunc::Template(Template::PingPong), n: 1, on_p: None }).unwrap();
    d.seek(30);
    let text = d.scenario().to_json();
    let want = sim_at(&text, 30);
    assert_eq!(snapshot(d.sim(), true), snapshot(&want, true));
    d.seek(3);
    d.seek(30);
    assert_eq!(snapshot(d.sim(), true), snapshot(&want, true));
    let (rows, _) = d.log(&Default::default(), 500);
    assert!(rows.iter().any(|r| r.text.contains("cruncher")));
}

#[test]
fn a_spawn_past_the_published_limit_is_refused_with_a_message() {
    let mut d = driver(DEFAULT_SCENARIO);
    d.seek(5);
    let before = d.scenario().clone();
    let n = u32::try_from(limits::MAX_GOROUTINES).unwrap();
    let e = d.intervene(&Intervention::Spawn { func: SpawnFunc::Func("cruncher".into()), n, on_p: None }).unwrap_err();
    assert!(e.lines().iter().any(|l| l.contains(&limits::MAX_GOROUTINES.to_string())), "{e}");
    assert_eq!(*d.scenario(), before, "nothing recorded");
    assert_eq!(d.step(), 5);
    // Within the limit it is made, and the running text still parses.
    d.intervene(&Intervention::Spawn { func: SpawnFunc::Template(Template::Cpu), n: 1_000, on_p: None }).unwrap();
    assert!(scenario::parse(&d.scenario().to_json()).is_ok());
}

#[test]
fn interventions_that_name_nothing_real_are_refused() {
    let mut d = driver(DEFAULT_SCENARIO);
    d.seek(5);
    assert!(d.intervene(&Intervention::Spawn { func: SpawnFunc::Func("cruncher".into()), n: 1, on_p: Some(PId(9)) }).is_err());
    assert!(d.intervene(&Intervention::Spawn { func: SpawnFunc::Func("nope".into()), n: 1, on_p: None }).is_err());
    assert!(d.intervene(&Intervention::Spawn { func: SpawnFunc::Func("cruncher".into()), n: 0, on_p: None }).is_err());
    assert!(d.intervene(&Intervention::Gomaxprocs(0)).is_err());
    assert!(d.intervene(&Intervention::Gomaxprocs(limits::MAX_GOMAXPROCS + 1)).is_err());
    assert!(d.scenario().actions.is_empty());
    d.seek(u64::MAX / 2);
    assert!(d.intervene(&Intervention::Gomaxprocs(2)).is_err(), "the run has ended");
}

#[test]
fn templates_have_stable_keys_and_labels() {
    for t in Template::ALL {
        assert_eq!(Template::from_key(t.key()), Some(t));
        assert!(!t.label().is_empty());
    }
    assert_eq!(Template::from_key("tpl_nope"), None);
}

#[test]
fn every_template_spawned_keeps_the_scenario_valid_and_replayable() {
    let mut d = driver(DEFAULT_SCENARIO);
    d.seek(4);
    for t in Template::ALL {
        d.intervene(&Intervention::Spawn { func: SpawnFunc::Template(t), n: 2, on_p: Some(PId(0)) }).unwrap();
    }
    let text = d.scenario().to_json();
    assert!(scenario::parse(&text).is_ok());
    d.seek(60);
    assert_eq!(snapshot(d.sim(), true), snapshot(&sim_at(&text, 60), true));
}

// ---- the record and the view ----

#[test]
fn the_record_s_timelines_say_what_each_p_does_after_every_step() {
    use gmp::web::record::{Lane, Record};
    // Checked against the full snapshot after every step of runs with syscalls and steals.
    let syscalls = gmp::core::lessons::all().iter().find(|l| l.scenario.contains("syscall")).expect("a lesson with a syscall");
    for text in [BUSY, DEFAULT_SCENARIO, syscalls.scenario] {
        let mut sim = Sim::new(&parse(text));
        let mut r = Record::default();
        while sim.step() {
            r.push(&sim);
            let st = snapshot(&sim, true);
            for p in &st.ps {
                let want = match p.g {
                    None => Lane::Idle,
                    Some(g) if st.gs.iter().any(|x| x.id == g && x.status.to_string() == "syscall") => Lane::Syscall(g),
                    Some(g) => Lane::Run(g),
                };
                let got = r.lanes()[p.id.0 as usize].last().map(|s| s.lane);
                assert_eq!(got, Some(want), "P{} after step {}", p.id, sim.step_count());
            }
        }
    }
}


#[test]
fn the_record_maps_steps_to_times_and_back() {
    let mut d = driver(BUSY);
    d.seek(500);
    let r = d.record();
    assert_eq!(r.explored(), 500);
    assert_eq!(r.t_at(0), 0);
    for s in [1, 77, 500] {
        let t = r.t_at(s);
        assert!(r.step_at_t(t) <= s);
        assert_eq!(r.t_at(r.step_at_t(t)), t, "the first step at time {t}");
    }
    assert_eq!(r.end(), None);
    let range = r.event_range(1, 500);
    assert_eq!(range.start, 0);
    assert_eq!(r.step_of_event(range.end - 1), 500);
}

#[test]
fn the_view_explains_step_zero_and_every_step_in_sentences() {
    let d = driver(DEFAULT_SCENARIO);
    let v = View::build(&d);
    assert_eq!(v.step, 0);
    assert!(v.explanation().starts_with("Step 0"));
    let mut d = d;
    d.seek(12);
    let v = View::build(&d);
    assert_eq!((v.step, v.explored), (12, 12));
    assert!(v.explanation().ends_with('.'));
    assert_eq!(*v.funcs, vec!["cruncher", "reader", "fetcher"]);
}

#[test]
fn the_plots_follow_the_record() {
    let mut d = driver(BUSY);
    d.seek(800);
    let p = Plots::build(d.record());
    assert_eq!(p.version, d.record().version());
    assert_eq!(p.queues[0].name, "global");
    assert_eq!(p.threads.len(), 5);
    assert!(p.lanes.iter().flatten().all(|b| b.x0 <= b.x1));
}

#[test]
fn times_in_words() {
    assert_eq!(fmt_ns(850), "850 ns");
    assert_eq!(fmt_ns(12_500), "12.500 µs");
    assert_eq!(fmt_ns(2_000_000_000), "2.000000000 s");
    assert_eq!(short_ns(12_500), "12.5µs");
    assert_eq!(short_ns(2_000_000_000), "2s");
}

// ---- the editor's place finder and boot ----

#[test]
fn problems_are_found_at_their_place() {
    let text = "{\n  \"main\": [\n    {\"work\": \"1ms\"},\n    {\"go\": \"wrker\"}\n  ]\n}";
    let l = Locator::new(text);
    let s = l.find("main[1].go").unwrap();
    assert_eq!((s.line, &text[s.start..s.end]), (4, "\"wrker\""));
    assert_eq!(l.find("main[1].go.func").unwrap().line, 4);
    assert_eq!(l.find("line 3, column 5").unwrap().line, 3);
    assert!(l.find("nothing").is_none());
}

#[test]
fn boot_prefers_a_good_link_and_reports_a_bad_one() {
    let b = boot("", None, None);
    assert!(!b.from_link && b.notice.is_none());
    let b = boot("#s=1.@@@", Some("{ broken".into()), None);
    assert!(b.notice.unwrap().error);
    assert_eq!(b.editor_text, "{ broken");
    let b = boot(&format!("#s={}&step=7", link::encode(DEFAULT_SCENARIO)), None, None);
    assert!(b.from_link);
    assert_eq!(b.step, Some(7));
    let bad = link::encode(r#"{"version": 1, "main": [{"go": "nope"}]}"#);
    let b = boot(&format!("#s={bad}"), None, Some(BUSY.into()));
    let n = b.notice.unwrap();
    assert!(n.lines.iter().any(|l| l.contains("main[0].go")), "{:?}", n.lines);
    assert_eq!(b.running_text, BUSY, "the user's own scenario runs");
}

#[test]
fn boot_opens_the_gallery_only_on_a_first_visit_and_reads_embed_and_mode() {
    assert!(boot("", None, None).fresh);
    assert!(!boot("", Some("{}".into()), None).fresh);
    assert!(!boot("", None, Some(BUSY.into())).fresh);
    let s = link::encode(DEFAULT_SCENARIO);
    let b = boot(&format!("#s={s}&step=3&embed=1"), None, None);
    assert!(b.embed && !b.fresh && b.from_link && !b.threads);
    assert!(!boot(&format!("#s={s}&embed=0"), None, None).embed);
    assert!(boot("#s=1.@@@&embed=1", None, None).embed, "a bad link meant for an iframe stays compact");
    assert!(boot(&format!("#s={s}&mode=threads"), None, None).threads);
    assert!(boot("#mode=threads", None, None).threads, "threads mode for the user's own scenario");
}

// ---- the keyboard ----

#[test]
fn keys_are_messages_and_threads_mode_keeps_its_own() {
    assert_eq!(message_for(" ", false, false), Some(Msg::TogglePlay));
    assert_eq!(message_for("ArrowRight", true, false), Some(Msg::SeekBy(10)));
    assert_eq!(message_for("ArrowLeft", false, false), Some(Msg::Back));
    assert_eq!(message_for("End", false, false), Some(Msg::ToEnd));
    assert_eq!(message_for("l", false, true), None, "with Ctrl it is the browser's");
    assert_eq!(message_for("x", false, false), None);
    assert_eq!(in_threads_mode(Msg::TogglePlay), Some(Msg::Threads(ThreadsCommand::TogglePause)));
    assert_eq!(in_threads_mode(Msg::Restart), Some(Msg::Threads(ThreadsCommand::RunAgain)));
    assert_eq!(in_threads_mode(Msg::Forward), None);
    assert_eq!(in_threads_mode(Msg::ToggleHelp), Some(Msg::ToggleHelp));
}

// ---- the reducer ----

#[test]
fn a_near_seek_is_done_at_once() {
    let s = page(BUSY).reduce(Msg::Seek(700));
    assert!(s.seeking.is_none());
    assert_eq!((step_of(&s), s.view.step), (700, 700));
    let s = s.reduce(Msg::SeekBy(-100));
    assert_eq!(step_of(&s), 600);
    let s = s.reduce(Msg::Back);
    assert_eq!(step_of(&s), 599);
    let s = s.reduce(Msg::Forward);
    assert_eq!(step_of(&s), 600);
}

#[test]
fn a_far_seek_runs_in_slices_to_the_exact_step() {
    let s = page(LONG).reduce(Msg::Seek(45_000));
    let sk = s.seeking.expect("a seek in slices");
    assert_eq!((sk.from, sk.target), (0, 45_000));
    assert!(45_000 > SEEK_SYNC_STEPS);
    assert_eq!(step_of(&s), 0, "nothing ran yet");
    let s = s.reduce(Msg::SeekSlice(10_000));
    assert_eq!(step_of(&s), 10_000);
    assert_eq!(s.seeking.unwrap().progress(), (10_000, 45_000));
    assert_eq!(s.view.step, 0, "the board is drawn once, at the end");
    let (s, slices) = finish_seek(s);
    assert!(slices >= 7);
    assert_eq!((step_of(&s), s.view.step), (45_000, 45_000));
    assert_eq!(snapshot(s.driver.borrow().sim(), true), snapshot(&sim_at(LONG, 45_000), true));
    assert_eq!(s.log.at, 45_000, "the log follows once the seek is done");
}

#[test]
fn cancel_goes_back_to_the_step_before_the_seek() {
    let s = page(LONG).reduce(Msg::Seek(123));
    let s = s.reduce(Msg::Seek(50_000));
    let s = s.reduce(Msg::SeekSlice(20_000));
    assert_eq!(step_of(&s), 20_123, "from where it was");
    let s = s.reduce(Msg::CancelSeek);
    assert!(s.seeking.is_none());
    assert_eq!((step_of(&s), s.view.step), (123, 123));
    // Escape cancels too.
    let s = s.reduce(Msg::Seek(50_000)).reduce(Msg::SeekSlice(1_000)).reduce(Msg::Escape);
    assert!(s.seeking.is_none());
    assert_eq!(step_of(&s), 123);
}

#[test]
fn while_seeking_the_stepping_keys_wait_and_the_others_answer() {
    let s = page(LONG).reduce(Msg::Seek(50_000));
    let same = s.clone().reduce(Msg::Forward);
    assert!(Rc::ptr_eq(&s, &same), "a step forward waits for the seek");
    assert!(Rc::ptr_eq(&s, &s.clone().reduce(Msg::TogglePlay)));
    let s = s.reduce(Msg::ToggleHelp);
    assert!(s.help && s.seeking.is_some());
    // Escape closes the help first, then cancels.
    let s = s.reduce(Msg::Escape);
    assert!(!s.help && s.seeking.is_some());
    // A new target while seeking continues from where it is; Cancel still goes back to 0.
    let s = s.reduce(Msg::SeekSlice(5_000)).reduce(Msg::Seek(40_000));
    assert_eq!(s.seeking.unwrap().from, 0);
    assert_eq!(s.seeking.unwrap().target, 40_000);
}

#[test]
fn a_deep_link_opens_with_a_seek_in_slices() {
    let frag = format!("#s={}&step=30000", link::encode(LONG));
    let s = Rc::new(AppState::new(boot(&frag, None, None), Theme::System, false));
    assert!(s.from_link);
    assert_eq!(s.seeking.map(|k| (k.from, k.target)), Some((0, 30_000)));
    let (s, _) = finish_seek(s);
    assert_eq!(step_of(&s), 30_000);
}

#[test]
fn playing_moves_at_the_chosen_speed_and_a_still_tick_changes_nothing() {
    let s = page(BUSY).reduce(Msg::SetSpeed(100)).reduce(Msg::TogglePlay);
    assert!(s.playing);
    let s = s.reduce(Msg::Tick { now: 1_000.0, steps: 0 });
    assert_eq!(step_of(&s), 1, "the first frame moves at once");
    let s = s.reduce(Msg::Tick { now: 1_100.0, steps: 0 });
    assert_eq!(step_of(&s), 11, "100 steps/s for 100 ms");
    let s = s.reduce(Msg::Pause);
    assert!(!s.playing);
    let same = s.clone().reduce(Msg::Tick { now: 2_000.0, steps: 0 });
    assert!(Rc::ptr_eq(&s, &same), "not playing: nothing changes");
    assert!(Rc::ptr_eq(&s, &s.clone().reduce(Msg::IdleRefresh(3_000.0))));
    assert!(Rc::ptr_eq(&s, &s.clone().reduce(Msg::Pause)));
}

#[test]
fn to_the_end_plays_by_budget_then_seeks_once_the_end_is_known() {
    let s = page(BUSY).reduce(Msg::ToEnd);
    assert!(s.playing && s.to_end);
    let s = s.reduce(Msg::Tick { now: 0.0, steps: 500 });
    assert_eq!(step_of(&s), 500);
    let s = s.reduce(Msg::Tick { now: 16.0, steps: 1_000_000 });
    assert!(!s.playing && s.view.finished);
    let end = s.view.end.unwrap();
    let s = s.reduce(Msg::Restart).reduce(Msg::ToEnd);
    assert!(!s.playing, "the end is known: a seek, not a play");
    assert_eq!(step_of(&s), end);
}

#[test]
fn the_step_budget_follows_the_time_a_slice_took() {
    let b = StepBudget { steps: 10_000 };
    assert_eq!(b.after(10_000, 100.0, 40.0).steps, 4_000, "too slow: fewer steps");
    assert_eq!(b.after(10_000, 10.0, 40.0).steps, 40_000, "fast: as many as fit");
    assert_eq!(b.after(10_000, 1.0, 40.0).steps, 10_000 * StepBudget::GROWTH, "very fast: at most GROWTH times more");
    assert_eq!(b.after(10_000, 0.0, 40.0).steps, 10_000 * StepBudget::GROWTH);
    assert_eq!(StepBudget { steps: 1 << 23 }.after(1, 0.0, 40.0).steps, 1 << 24, "at most 2^24 steps");
    assert_eq!(StepBudget { steps: 300 }.after(300, 1_000.0, 1.0).steps, 256, "never below 256");
}

#[test]
fn apply_runs_a_valid_editor_and_keeps_the_last_good_one_otherwise() {
    let s = page(BUSY).reduce(Msg::Seek(100));
    let s = s.reduce(Msg::Edit("{ not json".into()));
    assert!(s.editor_dirty() && !s.editor.valid());
    let s = s.reduce(Msg::Apply);
    assert!(s.notice.as_ref().is_some_and(|n| n.error));
    assert_eq!(step_of(&s), 100, "the last good one keeps running");
    let s = s.reduce(Msg::Edit(DEFAULT_SCENARIO.into())).reduce(Msg::Apply);
    assert_eq!(step_of(&s), 0);
    assert_eq!(*s.running_text, DEFAULT_SCENARIO);
    assert_eq!(s.save_good.as_deref().map(|t| t.as_str()), Some(DEFAULT_SCENARIO));
    assert!(s.notice.is_none() && !s.from_link && !s.editor_dirty());
}

#[test]
fn every_way_of_replacing_the_scenario_resets_the_same_things() {
    // The driver moves to the state a message returns, so each case starts from a state of its own.
    let base = || page(BUSY).reduce(Msg::Seek(50)).reduce(Msg::Select(Some(GId(2)))).reduce(Msg::TogglePlay);
    let lesson = gmp::core::lessons::all()[0].id.to_string();
    let link_frag = format!("#s={}&step=5", link::encode(DEFAULT_SCENARIO));
    let cases = [
        Msg::Load(DEFAULT_SCENARIO.into()),
        Msg::OpenLesson(lesson.clone()),
        Msg::OpenLink(link_frag),
        Msg::Mine { good: DEFAULT_SCENARIO.into(), draft: Some("{ draft".into()) },
    ];
    for m in cases {
        let base = base();
        let run_gen = base.run_gen;
        let s = base.clone().reduce(m.clone());
        assert!(!s.playing && s.seeking.is_none() && s.selected.is_none() && s.notice.is_none(), "{m:?}");
        assert_eq!(s.run_gen, run_gen + 1, "{m:?}");
        let mine = matches!(m, Msg::Load(_) | Msg::Mine { .. });
        assert_eq!(s.from_link, !mine, "{m:?}");
        assert_eq!(s.save_good.is_some(), mine, "{m:?}: only the user's own is saved");
        assert_eq!(s.lesson.as_ref().map(|l| l.id.to_string()), matches!(m, Msg::OpenLesson(_)).then(|| lesson.clone()));
        assert!(gmp::web::gosrc::compile(&s.running_text).is_ok(), "{m:?}: the running text (Go for a lesson) compiles");
    }
    let s = base().reduce(Msg::Mine { good: DEFAULT_SCENARIO.into(), draft: Some("{ draft".into()) });
    assert_eq!(*s.editor.text, "{ draft");
    let s = base().reduce(Msg::OpenLink(format!("#s={}&step=5", link::encode(DEFAULT_SCENARIO))));
    assert_eq!(step_of(&s), 5);
}

#[test]
fn a_bad_link_leaves_the_running_scenario_alone() {
    let s = page(BUSY).reduce(Msg::Seek(30));
    let s = s.reduce(Msg::OpenLink("#s=1.@@@".into()));
    assert_eq!(step_of(&s), 30);
    assert_eq!(*s.running_text, BUSY);
    assert!(s.notice.as_ref().is_some_and(|n| n.error));
    assert_eq!(s.clone().reduce(Msg::Dismiss).notice, None::<Rc<Notice>>);
}

#[test]
fn an_intervention_updates_the_running_text_and_a_refused_one_says_why() {
    let s = page(DEFAULT_SCENARIO).reduce(Msg::Seek(6));
    let s = s.reduce(Msg::Intervene(Intervention::Spawn { func: SpawnFunc::Template(Template::Sleeper), n: 3, on_p: None }));
    assert!(s.notice.is_none());
    assert_eq!(step_of(&s), 7);
    let parsed = scenario::parse(&s.running_text).expect("the running text parses");
    assert_eq!(parsed.actions.len(), 1);
    assert_eq!(s.editor.text, s.running_text, "a clean editor follows");
    let n = u32::try_from(limits::MAX_GOROUTINES).unwrap();
    let s2 = s.clone().reduce(Msg::Intervene(Intervention::Spawn { func: SpawnFunc::Func("cruncher".into()), n, on_p: None }));
    let notice = s2.notice.clone().expect("refused");
    assert!(notice.error && !notice.lines.is_empty());
    assert_eq!(s2.running_text, s.running_text);
}

#[test]
fn threads_mode_lives_in_the_reducer() {
    let s = page(DEFAULT_SCENARIO).reduce(Msg::TogglePlay);
    assert!(Rc::ptr_eq(&s, &s.clone().reduce(Msg::Threads(ThreadsCommand::RunAgain))), "not in threads mode");
    let s = s.reduce(Msg::ToggleThreads);
    assert!(s.threads && !s.playing);
    let s = s.reduce(Msg::Threads(ThreadsCommand::TogglePause)).reduce(Msg::Threads(ThreadsCommand::TogglePause));
    assert_eq!(s.threads_command, Some((2, ThreadsCommand::TogglePause)));
    let s = s.reduce(Msg::ToggleThreads);
    assert!(!s.threads && s.threads_command.is_none());
    let frag = format!("#s={}&mode=threads", link::encode(DEFAULT_SCENARIO));
    assert!(AppState::new(boot(&frag, None, None), Theme::System, false).threads);
}

#[test]
fn the_threads_panel_s_choices_live_in_the_reducer() {
    let s = page(DEFAULT_SCENARIO).reduce(Msg::ToggleThreads);
    assert_eq!(s.threads_panel, ThreadsPanel::default());
    // "Run again", from the button or the keyboard, is a new run number.
    let s = s.reduce(Msg::ThreadsPanel(ThreadsMsg::RunAgain)).reduce(Msg::Threads(ThreadsCommand::RunAgain));
    assert_eq!(s.threads_panel.run, 2);
    // A measurement ended by anything but the measuring run changes nothing.
    let s = s.reduce(Msg::ThreadsPanel(ThreadsMsg::BaselineEnded(Baseline::Done(9.0))));
    assert_eq!((s.threads_panel.baseline, s.threads_panel.run), (Baseline::None, 2));
    let s = s.reduce(Msg::ThreadsPanel(ThreadsMsg::Measure));
    assert!(s.threads_panel.measuring());
    // The GOMAXPROCS 1 run's end keeps its figure and runs the scenario itself.
    let s = s.reduce(Msg::ThreadsPanel(ThreadsMsg::BaselineEnded(Baseline::Done(42.5))));
    assert_eq!((s.threads_panel.baseline, s.threads_panel.run), (Baseline::Done(42.5), 3));
    let f = LogFilter { kind: "Steal".into(), g: None, p: Some(PId(1)) };
    let s = s
        .reduce(Msg::ThreadsPanel(ThreadsMsg::SetFilter(f.clone())))
        .reduce(Msg::ThreadsPanel(ThreadsMsg::MoreRows))
        .reduce(Msg::ThreadsPanel(ThreadsMsg::Select(Some(GId(4)))));
    assert_eq!((&*s.threads_panel.filter, s.threads_panel.limit, s.threads_panel.selected), (&f, 4 * THREADS_LOG_ROWS, Some(GId(4))));
    let s = s.reduce(Msg::ThreadsPanel(ThreadsMsg::Select(None)));
    assert_eq!(s.threads_panel.selected, None);
    // A new scenario forgets the baseline (it measured the old one), not the log's filter.
    let s = s.reduce(Msg::Load(BUSY.into()));
    assert_eq!((s.threads_panel.baseline, &*s.threads_panel.filter), (Baseline::None, &f));
}

#[test]
fn speed_theme_help_and_selection() {
    let s = page(BUSY);
    assert_eq!(s.speed, 10);
    let s = s.reduce(Msg::Faster);
    assert_eq!(s.speed, 20);
    let s = s.reduce(Msg::Slower).reduce(Msg::Slower);
    assert_eq!(s.speed, 5);
    let s = s.reduce(Msg::ToggleTheme);
    assert!(s.dark());
    let s = s.reduce(Msg::SystemDark(true)).reduce(Msg::ToggleTheme);
    assert!(!s.dark());
    let s = s.reduce(Msg::Select(Some(GId(3))));
    assert_eq!(s.selected, Some(GId(3)));
    let s = s.reduce(Msg::Select(Some(GId(3))));
    assert_eq!(s.selected, None, "a second click deselects");
    let s = s.reduce(Msg::ToggleHelp).reduce(Msg::Escape);
    assert!(!s.help);
}

#[test]
fn the_jump_to_the_next_event_of_a_kind_and_a_notice_when_there_is_none() {
    let s = page(BUSY).reduce(Msg::SetJumpKind("Steal".into())).reduce(Msg::JumpNext);
    let first = step_of(&s);
    assert!(first > 0 && s.driver.borrow().events().iter().any(|e| e.kind() == "Steal"));
    let s = s.reduce(Msg::JumpNext).reduce(Msg::JumpPrev);
    assert_eq!(step_of(&s), first);
    let s = s.reduce(Msg::JumpPrev);
    assert!(s.notice.is_some(), "no steal before the first");
}

// ---- the reducer leaves the state it was given as it was ----

/// What a state shows, to compare a state before and after a message was reduced from it.
fn shown(s: &AppState) -> (u64, u64, Option<u64>, usize, bool, Option<GId>, usize) {
    (s.view.step, s.view.explored, s.seeking.map(|k| k.at), s.log.rows.len(), s.playing, s.selected, s.plots.lanes.len())
}

#[test]
fn the_reducer_never_changes_the_state_it_was_given() {
    let old = page(BUSY).reduce(Msg::Seek(20));
    let before = shown(&old);
    for m in [Msg::Forward, Msg::Back, Msg::Seek(200), Msg::TogglePlay, Msg::Select(Some(GId(1))), Msg::Restart] {
        let old = page(BUSY).reduce(Msg::Seek(20));
        let new = old.clone().reduce(m.clone());
        assert!(!Rc::ptr_eq(&old, &new), "{m:?}: a new state");
        assert_eq!(shown(&old), before, "{m:?}: the old state shows what it showed");
        // The driver moved to the new state: the old one holds none (never the new step's).
        assert!(old.driver.moved() && !new.driver.moved(), "{m:?}");
    }
    // Stepping on: each state keeps its own step; only the newest owns the driver.
    let s0 = page(BUSY).reduce(Msg::Seek(20));
    let s1 = s0.clone().reduce(Msg::Forward);
    let s2 = s1.clone().reduce(Msg::Forward);
    assert_eq!((s0.view.step, s1.view.step, s2.view.step), (20, 21, 22));
    assert_eq!(step_of(&s2), 22);
    assert!(s0.driver.moved() && s1.driver.moved());
}

#[test]
fn a_message_that_changes_nothing_returns_the_same_state_with_its_driver() {
    let s = page(BUSY).reduce(Msg::Seek(20));
    let t = s.clone().reduce(Msg::Pause);
    assert!(Rc::ptr_eq(&s, &t), "not playing: nothing to pause");
    assert!(!t.driver.moved());
    assert_eq!(step_of(&t), 20);
    let t = t.reduce(Msg::Forward);
    assert_eq!(step_of(&t), 21);
}

#[test]
fn a_seek_in_slices_leaves_each_earlier_state_as_it_was() {
    let s = page(LONG).reduce(Msg::Seek(50_000));
    let start = s.seeking.expect("far: in slices");
    let t = s.clone().reduce(Msg::SeekSlice(5_000));
    assert_eq!(s.seeking, Some(start), "the old state's progress is unchanged");
    assert_eq!(s.view.step, 0);
    assert!(t.seeking.expect("still seeking").at > start.at);
    let (end, _) = finish_seek(t);
    assert_eq!((end.view.step, step_of(&end)), (50_000, 50_000));
}

#[test]
fn a_long_seek_draws_the_whole_page_once_in_a_task_after_its_last_slice() {
    let start = page(LONG);
    let plots = start.plots.clone();
    let mut s = start.reduce(Msg::Seek(50_000));
    let mut last = s.clone();
    while s.seeking.is_some() {
        last = s.clone();
        s = s.reduce(Msg::SeekSlice(5_000));
    }
    // The slice that reached the target drew nothing but the progress bar...
    assert_eq!((last.seeking.map(|k| k.at), last.view.step, last.log.at), (Some(50_000), 0, 0));
    assert!(Rc::ptr_eq(&plots, &last.plots), "the plots wait for the seek's end");
    // ...and the next task drew the board, the log and side panels and the plots at the target.
    assert_eq!((s.view.step, s.log.at), (50_000, 50_000));
    assert!(s.plots.t_max > plots.t_max, "the plots reach the target");
    // Nothing left: another slice changes nothing.
    let t = s.clone().reduce(Msg::SeekSlice(5_000));
    assert!(Rc::ptr_eq(&s, &t));
}

#[test]
fn a_plotted_step_line_has_a_corner_only_where_the_value_changes() {
    use gmp::web::view::Series;
    let s = |vals: &[f64]| Series { name: "s".into(), max: 0, points: vals.iter().enumerate().map(|(i, &v)| (i as f64 * 10.0, v)).collect() };
    let y = |v: f64| 100.0 - v;
    // A value that holds for the whole run: from the first sample to the last, flat.
    assert_eq!(s(&[3.0; 50]).step_line(1_000, y), "0.0,97.0 490.0,97.0 ");
    // Each change is a corner: the old value up to the change, then the new one.
    assert_eq!(s(&[1.0, 1.0, 2.0, 2.0, 2.0, 0.0]).step_line(1_000, y), "0.0,99.0 20.0,99.0 20.0,98.0 50.0,98.0 50.0,100.0 ");
    // Thinned to about `per` samples, the last always drawn.
    assert_eq!(s(&[0.0, 5.0, 1.0, 5.0, 2.0]).step_line(3, y), "0.0,100.0 20.0,100.0 20.0,99.0 40.0,99.0 40.0,98.0 ");
    assert_eq!(s(&[]).step_line(10, y), "");
}
