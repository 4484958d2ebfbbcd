//! Browser tests of the page's driver (wasm32 only): what needs a browser or a component —
//! the share link and the embedded view's full-page link — and, as a check that wasm32 steps
//! the same as native, exact step-back and a seek in slices. The rest of the page's logic
//! (history, log, interventions, boot, locate, the reducer) is tested natively in
//! `tests/page_logic.rs`.
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test web_driver`.
#![cfg(target_arch = "wasm32")]

use gmp::core::link;
use gmp::core::scenario;
use gmp::core::sim::Sim;
use gmp::web::boot::DEFAULT_SCENARIO;
use gmp::web::driver::{snapshot, Driver, Intervention, SpawnFunc, Template};
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
}

#[wasm_bindgen_test]
fn a_seek_in_slices_ends_where_one_seek_does() {
    let mut d = Driver::new(scenario::parse(BUSY).unwrap());
    while !d.seek_toward(1_700, 97) {}
    assert_eq!(snapshot(d.sim(), true), snapshot(&sim_at(BUSY, 1_700), true));
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
