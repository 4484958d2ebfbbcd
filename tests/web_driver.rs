//! Browser tests of the page's logic (wasm32 only): the driver's exact step-back, checkpoints
//! and interventions, the boot rules for links and storage, and the editor's place finder.
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test web_driver`.
#![cfg(target_arch = "wasm32")]

use gmp::core::link;
use gmp::core::scenario;
use gmp::core::sim::Sim;
use gmp::web::boot::{boot, DEFAULT_SCENARIO};
use gmp::web::driver::{snapshot, Driver, Intervention, LogFilter, Moves, Place, SpawnFunc, Template, CHECKPOINT_EVERY};
use gmp::web::locate::Locator;
use gmp::web::record::kind_code;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const BUSY: &str = include_str!("e2e/scenarios/busy.json");

fn sim_at(text: &str, n: u64) -> Sim {
    let mut s = Sim::new(&scenario::parse(text).unwrap());
    s.run(n);
    s
}

#[wasm_bindgen_test]
fn stepping_back_is_exact() {
    let mut d = Driver::new(scenario::parse(BUSY).unwrap());
    d.seek(600);
    for n in [599, 450, 2, 0, 1, 1_853, 37] {
        d.seek(n);
        let want = sim_at(BUSY, n);
        assert_eq!(snapshot(d.sim(), true), snapshot(&want, true), "step {n}");
        assert_eq!(d.events(), want.events(), "events of step {n}");
    }
    assert!(d.finished() || d.step() == 37);
}

#[wasm_bindgen_test]
fn a_step_s_moves_are_one_arrow_per_source_and_destination() {
    let mut d = Driver::new(scenario::parse(BUSY).unwrap());
    let steal = d.find_next("Steal", 10_000).expect("busy.json steals");
    d.seek(steal - 1);
    let before = snapshot(d.sim(), false);
    assert!(d.forward());
    let after = snapshot(d.sim(), false);
    let moves = Moves::between(&before, &after);
    let steals: Vec<_> = moves.arrows.iter().filter(|a| matches!((a.from, a.to), (Place::P(x), Place::P(y)) if x != y)).collect();
    assert_eq!(steals.len(), 1, "{:?}", moves.arrows);
    let a = steals[0];
    let (Place::P(victim), Place::P(thief)) = (a.from, a.to) else { unreachable!() };
    let was: Vec<gmp::core::ids::GId> = before.ps[victim as usize].runq.iter().chain(before.ps[victim as usize].runnext.iter()).copied().collect();
    let thief_now = &after.ps[thief as usize];
    let took = thief_now.runq.iter().chain(thief_now.runnext.iter()).chain(thief_now.g.iter()).filter(|g| was.contains(g)).count();
    assert_eq!(a.count as usize, took, "the arrow counts every stolen goroutine, the one run at once included");
    assert!(a.gs.len() <= 3 && a.gs.windows(2).all(|w| w[0] < w[1]));
    // Every highlighted goroutine that came from the victim is counted by the arrow.
    assert!(moves.gs.values().filter(|w| **w == format!("P{victim}")).count() <= took);
    // Nothing moved between a state and itself.
    assert_eq!(Moves::between(&after, &after), Moves::default());
}

#[wasm_bindgen_test]
fn the_log_while_playing_is_the_log_of_the_latest_events() {
    let mut d = Driver::new(scenario::parse(BUSY).unwrap());
    let all = LogFilter::default();
    let steals = LogFilter { kind: "Steal".into(), ..LogFilter::default() };
    // New steps, then steps replayed after a seek back (the events at hand start again).
    for (from, to) in [(0, 900), (300, 700)] {
        d.seek(from);
        d.advance(to - from);
        assert_eq!(d.recent_log(&all, 30), d.log(&all, 30), "steps {from}..{to}");
        let (few, _) = d.recent_log(&steals, 5);
        let (want, _) = d.log(&steals, 5);
        assert!(want.ends_with(&few), "recent steals are the latest steals");
        for g in [1, 7] {
            let f = LogFilter { g: Some(g), ..LogFilter::default() };
            let (recent, _) = d.recent_log(&f, 10);
            assert!(d.log(&f, 10).0.ends_with(&recent), "G{g}");
        }
    }
    // Right after a seek nothing is at hand: the full log answers.
    d.seek(123);
    assert_eq!(d.recent_log(&all, 30), d.log(&all, 30));
}

#[wasm_bindgen_test]
fn checkpoints_thin_out_and_stay_exact() {
    let mut d = Driver::new(scenario::parse(BUSY).unwrap());
    d.seek(1_853);
    assert!(d.checkpoint_count() >= 1);
    assert_eq!(d.interval(), CHECKPOINT_EVERY);
    d.back();
    assert_eq!(snapshot(d.sim(), true), snapshot(&sim_at(BUSY, 1_852), true));
}

#[wasm_bindgen_test]
fn the_next_and_previous_event_of_a_kind() {
    let mut d = Driver::new(scenario::parse(BUSY).unwrap());
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

#[wasm_bindgen_test]
fn an_intervention_is_an_action_that_replays() {
    let mut d = Driver::new(scenario::parse(DEFAULT_SCENARIO).unwrap());
    assert!(d.intervene(&Intervention::Gomaxprocs(3)).is_err(), "nothing before the first step");
    d.seek(8);
    let a = d.intervene(&Intervention::Spawn { func: SpawnFunc::Func("cruncher".into()), n: 2, on_p: Some(1) }).unwrap();
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
    // The log's words for old steps come back after the scenario grew a template.
    let (rows, _) = d.log(&Default::default(), 500);
    assert!(rows.iter().any(|r| r.text.contains("cruncher")));
}

#[wasm_bindgen_test]
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

#[wasm_bindgen_test]
fn problems_are_found_at_their_place() {
    let text = "{\n  \"main\": [\n    {\"work\": \"1ms\"},\n    {\"go\": \"wrker\"}\n  ]\n}";
    let l = Locator::new(text);
    let s = l.find("main[1].go").unwrap();
    assert_eq!((s.line, &text[s.start..s.end]), (4, "\"wrker\""));
    assert_eq!(l.find("main[1].go.func").unwrap().line, 4);
    assert_eq!(l.find("line 3, column 5").unwrap().line, 3);
    assert!(l.find("nothing").is_none());
}

#[wasm_bindgen_test]
fn boot_opens_the_gallery_only_on_a_first_visit_and_reads_embed() {
    assert!(boot("", None, None).fresh, "nothing stored, no link: a first visit");
    assert!(!boot("", Some("{}".into()), None).fresh, "a draft is the user's work");
    assert!(!boot("", None, Some(BUSY.into())).fresh);
    let s = link::encode(DEFAULT_SCENARIO);
    let b = boot(&format!("#s={s}&step=3&embed=1"), None, None);
    assert!(b.embed && !b.fresh && b.from_link);
    assert!(!boot(&format!("#s={s}&embed=0"), None, None).embed);
    assert!(boot("#s=1.@@@&embed=1", None, None).embed, "a bad link meant for an iframe stays compact");
}

#[wasm_bindgen_test]
fn the_full_page_link_drops_only_embed() {
    use gmp::core::link::without_embed;
    use gmp::web::components::embed_bar::full_page;
    assert_eq!(without_embed("#s=1.abc&step=4&embed=1"), "#s=1.abc&step=4");
    assert_eq!(without_embed("s=1.abc&embed&step=4"), "#s=1.abc&step=4");
    assert_eq!(full_page("https://h/play/?x=1#s=1.abc&embed=1&step=2"), "https://h/play/?x=1#s=1.abc&step=2");
}

#[wasm_bindgen_test]
fn the_share_link_is_gmpsim_links_for_the_same_scenario_and_step() {
    use gmp::web::components::share::share_link;
    let mut d = Driver::new(scenario::parse(DEFAULT_SCENARIO).unwrap());
    d.seek(6);
    d.intervene(&Intervention::Spawn { func: SpawnFunc::Template(Template::Cpu), n: 2, on_p: None }).unwrap();
    let text = d.scenario().to_json();
    let url = share_link(&text, "https://h/play/#old", 7);
    // `gmpsim link FILE --base https://h/play/ --step 7` writes make_link of the parsed file's JSON.
    let want = link::make_link(&scenario::parse(&text).unwrap().to_json(), "https://h/play/", &[("step", "7".into())]);
    assert_eq!(url, want);
    let back = link::decode(&url).unwrap();
    assert_eq!(back.step, Some(7));
    assert_eq!(scenario::parse(&back.scenario_json).unwrap(), *d.scenario(), "the recorded action travels with the link");
}
