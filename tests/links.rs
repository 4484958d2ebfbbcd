//! Golden share links: a link someone shared must open the same scenario and give the same run
//! in every later release. `tests/golden/links.txt` holds one link per lesson and per scenario
//! of `tests/scenarios/`, each with two digests of its run: `gmp::core::sim::digest` (every
//! event with its explanation) and the facts digest (every event without its words: step,
//! time, ids, kind and facts). The file is append-only: when a lesson or scenario changes on
//! purpose, append a new line for it (run this test with `UPDATE_EXPECT=1` to append the
//! missing ones); the old line stays as a frozen link, still checked for its decoding and its
//! digests. The facts digest never changes. When only explanations are reworded, `sim::digest`
//! changes while the facts do not: the test says so, and `UPDATE_LINK_WORDS=1` rewrites that
//! one column.
#![cfg(not(target_arch = "wasm32"))]

use gmp::core::lessons;
use gmp::core::link;
use gmp::core::scenario::{self, Scenario};
use gmp::core::sim::{digest, facts_digest};
use std::path::PathBuf;

fn golden_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/links.txt")
}

/// One line: `NAME DIGEST FACTS LINK`.
struct Entry {
    line: usize,
    name: String,
    digest: u64,
    facts: u64,
    link: String,
}

fn entries(text: &str) -> Vec<Entry> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let parts: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(parts.len(), 4, "links.txt:{}: expected NAME DIGEST FACTS LINK", i + 1);
        let hex = |s: &str| u64::from_str_radix(s, 16).unwrap_or_else(|_| panic!("links.txt:{}: bad digest {s:?}", i + 1));
        out.push(Entry { line: i + 1, name: parts[0].to_string(), digest: hex(parts[1]), facts: hex(parts[2]), link: parts[3].to_string() });
    }
    out
}

/// Every scenario a link is kept for, by name, with its link as `gmpsim link` and the page make
/// it (a lesson's opens at its first moment).
fn sources() -> Vec<(String, Scenario, String)> {
    let mut out = Vec::new();
    for l in lessons::all() {
        let s = l.parsed();
        let step = lessons::moment_step(l, &l.moments[0]).expect("a lesson's first moment happens");
        let link = link::make_link(&s.to_json(), "", &[("step", step.to_string())]);
        out.push((format!("lesson:{}", l.id), s, link));
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.retain(|p| p.extension().is_some_and(|e| e == "json"));
    files.sort();
    for f in files {
        let s = scenario::parse(&std::fs::read_to_string(&f).unwrap()).unwrap();
        let link = link::make_link(&s.to_json(), "", &[]);
        out.push((format!("scenario:{}", f.file_name().unwrap().to_string_lossy()), s, link));
    }
    out
}

#[test]
fn golden_links_decode_to_the_same_scenario_and_the_same_run() {
    let mut text = std::fs::read_to_string(golden_path()).unwrap_or_default();
    let entries = entries(&text);
    let sources = sources();
    let mut reworded = Vec::new();
    for e in &entries {
        let params = link::decode(&e.link).unwrap_or_else(|err| panic!("links.txt:{} ({}): {err}", e.line, e.name));
        let s = scenario::parse(&params.scenario_json).unwrap_or_else(|ps| {
            panic!("links.txt:{} ({}): {}", e.line, e.name, ps.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("; "))
        });
        assert_eq!(
            facts_digest(&s),
            e.facts,
            "links.txt:{} ({}): the link's run changed; a shared link must replay the same event stream forever",
            e.line,
            e.name
        );
        if digest(&s) != e.digest {
            reworded.push((e.line, format!("{:016x}", e.digest), format!("{:016x}", digest(&s))));
        }
        // The last line for a name is the current one: it holds exactly its source's scenario.
        let last = entries.iter().rev().find(|x| x.name == e.name).map(|x| x.line) == Some(e.line);
        if let (true, Some((_, source, _))) = (last, sources.iter().find(|(n, _, _)| *n == e.name)) {
            assert_eq!(&s, source, "links.txt:{} ({}): the link no longer holds its source; append a new line", e.line, e.name);
        }
    }
    let missing: Vec<String> = sources
        .iter()
        .filter(|(n, _, _)| !entries.iter().any(|e| e.name == *n))
        .map(|(n, s, l)| format!("{n} {:016x} {:016x} {l}", digest(s), facts_digest(s)))
        .collect();
    if !reworded.is_empty() {
        if std::env::var("UPDATE_LINK_WORDS").is_ok() {
            let mut lines: Vec<String> = text.lines().map(String::from).collect();
            for (line, old, new) in &reworded {
                lines[line - 1] = lines[line - 1].replacen(old.as_str(), new, 1);
            }
            text = lines.join("\n") + "\n";
            std::fs::write(golden_path(), &text).unwrap();
        } else {
            panic!(
                "the explanations of {} golden links changed (their runs did not: the facts digests match); \
                 if the rewording is intended, rerun with UPDATE_LINK_WORDS=1 (lines {:?})",
                reworded.len(),
                reworded.iter().map(|r| r.0).collect::<Vec<_>>()
            );
        }
    }
    if !missing.is_empty() {
        if std::env::var("UPDATE_EXPECT").is_ok() {
            let mut text = if text.is_empty() { HEADER.to_string() } else { text };
            for m in &missing {
                text.push_str(m);
                text.push('\n');
            }
            std::fs::write(golden_path(), text).unwrap();
        } else {
            panic!("tests/golden/links.txt lacks links; append (or run with UPDATE_EXPECT=1):\n{}", missing.join("\n"));
        }
    }
}

#[test]
fn a_lesson_link_opens_at_its_first_moment() {
    let text = std::fs::read_to_string(golden_path()).unwrap();
    let e = entries(&text).into_iter().find(|e| e.name == "lesson:runnext-lifo").expect("a runnext-lifo link");
    let params = link::decode(&e.link).unwrap();
    assert_eq!(params.step, Some(14));
    assert!(!params.embed);
}

const HEADER: &str = "\
# Golden share links. Each line: NAME DIGEST FACTS LINK.
#   NAME    lesson:<id> or scenario:<file in tests/scenarios>
#   DIGEST  gmp::core::sim::digest of the decoded scenario's run (FNV-1a over every event and its
#           explanation)
#   FACTS   the same without the explanations (step, time, ids, kind, facts): never changes
#   LINK    the fragment the page's Share button and `gmpsim link` write (#s=1.<payload>&step=N)
# Append only. tests/links.rs checks that every line still decodes to a valid scenario whose run
# has the recorded digests, and that the last line of each name holds exactly that lesson's or
# file's scenario. When a lesson or scenario changes on purpose, append a new line for it
# (UPDATE_EXPECT=1 cargo test --test links); never edit or delete an old one. When only the
# explanations are reworded, UPDATE_LINK_WORDS=1 rewrites the DIGEST column, nothing else.
";
