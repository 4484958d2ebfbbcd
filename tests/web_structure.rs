//! The page's structure rules that a reading of its sources checks (native, no browser): one
//! clock wrapper, timers only from gloo-timers, link parameters read only by `core::link`, no
//! map or sort type of its own (each is kilobytes of wasm).
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, with its text minus `//` comments.
fn sources(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            let code: String = text.lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n");
            out.push((path, code));
        }
    }
    out.sort();
    out
}

fn web() -> Vec<(PathBuf, String)> {
    sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web"))
}

/// The files that contain any of `needles`, relative to src/web.
fn using(needles: &[&str], except: &[&str]) -> Vec<String> {
    web()
        .into_iter()
        .filter(|(p, code)| {
            let rel = p.strip_prefix(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web")).unwrap();
            !except.iter().any(|e| rel == Path::new(e)) && needles.iter().any(|n| code.contains(n))
        })
        .map(|(p, _)| p.display().to_string())
        .collect()
}

#[test]
fn only_wall_rs_reads_the_clock() {
    let readers = using(&["performance", "Date::now", "Date.now", "js_sys::Date"], &["wall.rs"]);
    assert!(readers.is_empty(), "read the time through crate::web::wall::now_ms, not in {readers:?}");
    assert!(!using(&["performance_now"], &[]).is_empty(), "wall.rs reads performance.now()");
}

#[test]
fn timers_come_from_gloo_timers() {
    let hand_made = using(&["set_timeout_with", "set_interval_with", "setTimeout", "setInterval", "clear_interval", "clear_timeout"], &[]);
    assert!(hand_made.is_empty(), "use gloo_timers::callback::{{Timeout, Interval}}, not window timers, in {hand_made:?}");
}

#[test]
fn the_page_reads_link_parameters_only_through_core_link() {
    let parsers = using(&["split('&')", "split(\"&\")", "\"mode=", "\"embed=", "\"step=", "\"s=\""], &[]);
    assert!(parsers.is_empty(), "read a link with core::link::fragment or decode, not by hand in {parsers:?}");
}

#[test]
fn the_page_s_logic_reads_no_clock_and_touches_no_browser() {
    // What compiles natively (and is tested there): the reducer gets the time in its messages.
    let logic = ["state.rs", "view.rs", "record.rs", "boot.rs", "locate.rs", "shortcuts.rs", "threads_panel.rs", "driver"];
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web");
    let bad: Vec<String> = web()
        .into_iter()
        .filter(|(p, _)| logic.iter().any(|l| p.strip_prefix(&root).unwrap().starts_with(l)))
        .filter(|(_, code)| {
            ["now_ms", "wall::", "storage::", "web_sys", "js_sys", "gloo", "window"].iter().any(|n| code.contains(n))
                || code.replace("RefCell<", "").contains("Cell<")
        })
        .map(|(p, _)| p.display().to_string())
        .collect();
    assert!(bad.is_empty(), "no clock, browser or interior mutability in the page's logic: {bad:?}");
}

#[test]
fn the_page_compiles_no_tree_or_hash_map_and_one_sort() {
    // Each map type and each sort key is kilobytes of the page's wasm (README, "Page size now"):
    // the web layer's maps are `LiteMap`s and its sorts `sort_unstable` of `(u64, u32)` pairs.
    // Test modules (after `#[cfg(test)]`) may compare with the plain versions.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web");
    let needles = ["BTreeMap", "BTreeSet", "HashMap", "HashSet", ".sort()", "sort_by(", "sort_by_key(", "sort_unstable_by"];
    let bad: Vec<String> = web()
        .into_iter()
        .filter_map(|(p, code)| {
            let code = code.split("#[cfg(test)]").next().unwrap_or("");
            let found: Vec<&str> = needles.iter().copied().filter(|n| code.contains(n)).collect();
            (!found.is_empty()).then(|| format!("{}: {found:?}", p.strip_prefix(&root).unwrap().display()))
        })
        .collect();
    assert!(bad.is_empty(), "a map or sort of its own in the page: {bad:?}");
}
