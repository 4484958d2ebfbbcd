//! Browser tests of the page's components (wasm32 only):
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test web_components`.
#![cfg(target_arch = "wasm32")]

use gmp::core::ids::{GId, MId, PId};
use gmp::core::sim::{Activity, GStatus, PState, PStatus};
use gmp::web::components::app::App;
use gmp::web::components::g_chip::GChipProps;
use gmp::web::components::memo::{Memo, MemoProps};
use gmp::web::components::p_card::PCardProps;
use gmp::web::driver::Moves;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use yew::Callback;

wasm_bindgen_test_configure!(run_in_browser);

fn root() -> web_sys::Element {
    let doc = web_sys::window().unwrap().document().unwrap();
    let div = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&div).unwrap();
    div
}

fn attr(el: &web_sys::Element, sel: &str, name: &str) -> String {
    el.query_selector(sel).unwrap().unwrap_or_else(|| panic!("no {sel}")).get_attribute(name).unwrap_or_default()
}

#[wasm_bindgen_test]
async fn p_card_exposes_the_test_hooks() {
    let r = root();
    let p = PState {
        id: PId(2),
        status: PStatus::Running,
        m: Some(MId(5)),
        g: Some(GId(9)),
        runnext: Some(GId(11)),
        runq: vec![GId(3), GId(4), GId(7)],
        schedtick: 12,
        syscalltick: 1,
        timers: vec![],
    };
    yew::Renderer::<Memo>::with_root_and_props(
        r.clone(),
        MemoProps::of(PCardProps { p, activity: Activity::Run(GId(9)), moves: Rc::new(Moves::default()), selected: None, on_select: Callback::noop(), scope: yew::AttrValue::default() }),
    )
    .render();
    yew::scheduler::flush().await;
    assert_eq!(attr(&r, "[data-p]", "data-p"), "2");
    assert_eq!(attr(&r, "[data-p]", "data-status"), "running");
    assert_eq!(attr(&r, "[data-p]", "data-m"), "5");
    assert_eq!(attr(&r, "[data-p]", "data-runnext"), "11");
    assert_eq!(attr(&r, "[data-p]", "data-runq"), "3,4,7");
    let text = r.text_content().unwrap();
    assert!(text.contains("schedtick 12"), "{text}");
    assert!(text.contains("G9") && text.contains("G11"), "{text}");
}

#[wasm_bindgen_test]
async fn a_chip_shows_its_state_by_glyph_and_words_and_reports_clicks() {
    let r = root();
    let clicked = Rc::new(std::cell::Cell::new(0));
    let c = clicked.clone();
    yew::Renderer::<Memo>::with_root_and_props(
        r.clone(),
        MemoProps::of(GChipProps { id: GId(7), status: GStatus::Syscall, selected: false, moved_from: Some("P1".into()), note: None, on_select: Callback::from(move |g: GId| c.set(g.0)) }),
    )
    .render();
    yew::scheduler::flush().await;
    let b = r.query_selector("button").unwrap().unwrap();
    assert_eq!(b.get_attribute("data-g").as_deref(), Some("7"));
    let label = b.get_attribute("aria-label").unwrap();
    assert!(label.contains("syscall") && label.contains("moved from P1"), "{label}");
    assert!(b.class_name().contains("moved"));
    assert!(b.text_content().unwrap().contains('◆'));
    b.dyn_into::<web_sys::HtmlElement>().unwrap().click();
    assert_eq!(clicked.get(), 7);
}

#[wasm_bindgen_test]
async fn the_app_steps_forward_and_back() {
    web_sys::window().unwrap().local_storage().unwrap().unwrap().clear().unwrap();
    let r = root();
    yew::Renderer::<App>::with_root(r.clone()).render();
    yew::scheduler::flush().await;
    let clock = |r: &web_sys::Element| attr(r, "[data-testid=clock]", "data-step");
    assert_eq!(clock(&r), "0");
    let click = |sel: &str| r.query_selector(sel).unwrap().unwrap().dyn_into::<web_sys::HtmlElement>().unwrap().click();
    click("[data-testid=step-forward]");
    yew::scheduler::flush().await;
    click("[data-testid=step-forward]");
    yew::scheduler::flush().await;
    assert_eq!(clock(&r), "2");
    assert!(r.query_selector("[data-p=\"1\"]").unwrap().is_some(), "the default scenario has 2 Ps");
    let explain = r.query_selector("[data-testid=explain]").unwrap().unwrap().text_content().unwrap();
    assert!(explain.contains('—'), "{explain}");
    click("[data-testid=step-back]");
    yew::scheduler::flush().await;
    assert_eq!(clock(&r), "1");
}

/// The editor component drawn for `ed` (its text, problems and language), goroutines at
/// `at_lines`, with no-op callbacks.
async fn render_editor(ed: &gmp::web::state::Editor, at_lines: std::rc::Rc<Vec<(u32, String)>>) -> web_sys::Element {
    use gmp::web::components::editor::EditorProps;
    let r = root();
    yew::Renderer::<Memo>::with_root_and_props(
        r.clone(),
        MemoProps::of_local(EditorProps {
            text: ed.text.clone(),
            problems: ed.problems.clone(),
            dirty: true,
            from_link: false,
            on_edit: Callback::noop(),
            on_apply: Callback::noop(),
            on_default: Callback::noop(),
            on_mine: Callback::noop(),
            lang: ed.lang,
            on_switch: Callback::noop(),
            at_lines,
        }),
    )
    .render();
    yew::scheduler::flush().await;
    r
}

#[wasm_bindgen_test]
async fn the_go_editor_highlights_tokens_and_marks_problem_and_goroutine_lines() {
    let go = "package main\n\n// hi\nfunc main() {\n\tselect {}\n}\n";
    let ed = gmp::web::state::Editor::new(go.into());
    assert_eq!(ed.lang, gmp::web::gosrc::Lang::Go);
    let r = render_editor(&ed, std::rc::Rc::new(vec![(4, "G1 G2".to_string())])).await;
    assert_eq!(attr(&r, "[data-testid=editor]", "aria-label"), "Go program");
    let text = |sel: &str| r.query_selector(sel).unwrap().unwrap().text_content().unwrap();
    assert_eq!(text("[data-testid=code] .cl:nth-child(1) .tk"), "package");
    assert_eq!(text("[data-testid=code] .cl:nth-child(3) .tc"), "// hi");
    assert_eq!(r.query_selector_all("[data-testid=code] .cl").unwrap().length(), 7, "one block per line");
    assert_eq!(attr(&r, "[data-testid=code] .cl:nth-child(4)", "class"), "cl run");
    assert_eq!(attr(&r, "[data-testid=code] .cl:nth-child(4)", "data-g"), "G1 G2");
    assert_eq!(attr(&r, "[data-testid=code] .cl:nth-child(5)", "class"), "cl bad");
    assert_eq!(attr(&r, "[data-testid=gutter] button.problem", "data-line"), "5");
    assert_eq!(text("[data-testid=switch-lang]"), "Show as JSON");
    assert_eq!(text("[data-testid=at-lines]"), "Goroutines in the program: G1 G2 at line 4.", "said in words for screen readers");
}

#[wasm_bindgen_test]
async fn the_editor_lists_every_problem_at_its_line() {
    let bad = "{\n  \"version\": 1,\n  \"gomaxprocs\": 0,\n  \"main\": [ {\"go\": \"nope\"} ]\n}";
    let ed = gmp::web::state::Editor::new(bad.into());
    assert_eq!(ed.problems.len(), 2, "{:?}", ed.problems);
    let r = render_editor(&ed, Default::default()).await;
    assert_eq!(attr(&r, "[data-testid=problems]", "data-count"), "2");
    let text = r.query_selector("[data-testid=problems]").unwrap().unwrap().text_content().unwrap();
    assert!(text.contains("line 3:") && text.contains("line 4:"), "{text}");
    assert!(text.contains("gomaxprocs") && text.contains("main[0].go"), "{text}");
    assert_eq!(r.query_selector("mark").unwrap().map(|m| m.text_content().unwrap()).as_deref(), Some("0"));
    let apply = r.query_selector("[data-testid=apply]").unwrap().unwrap();
    assert!(apply.has_attribute("disabled"));
    // The gutter: a number per line, the problems' lines as buttons named with their problems.
    assert_eq!(r.query_selector_all("[data-testid=gutter] .ln").unwrap().length(), 5);
    let marks = r.query_selector_all("[data-testid=gutter] button.problem").unwrap();
    let lines: Vec<String> = (0..marks.length())
        .map(|i| marks.item(i).unwrap().dyn_into::<web_sys::Element>().unwrap().get_attribute("data-line").unwrap())
        .collect();
    assert_eq!(lines, ["3", "4"]);
    let label = attr(&r, "[data-testid=gutter] button[data-line=\"3\"]", "aria-label");
    assert!(label.starts_with("Line 3: 1 problem: gomaxprocs"), "{label}");
}
