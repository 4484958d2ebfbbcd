//! `gmpsim` as a user runs it: formats, exit statuses, and messages for bad input.
#![cfg(not(target_arch = "wasm32"))]

mod common;
use common::gmpsim;

use std::process::Output;


fn scenario(name: &str) -> String {
    format!("{}/tests/scenarios/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

#[test]
fn jsonl_has_one_object_per_event_with_ids_as_users_see_them() {
    let o = gmpsim(&["run", &scenario("handoff.json"), "--format", "jsonl"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let lines: Vec<serde_json::Value> = stdout(&o).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(lines.len() > 50);
    let first_start = lines.iter().find(|e| e["kind"] == "GoStart").unwrap();
    assert_eq!(first_start["g"], 1, "main is G1");
    assert_eq!(first_start["p"], 0);
    assert_eq!(first_start["m"], 0);
    for e in &lines {
        assert!(e["step"].is_u64() && e["t"].is_u64() && e["kind"].is_string() && e["text"].is_string());
    }
    assert_eq!(lines.last().unwrap()["kind"], "Exit");
    let steal = lines.iter().find(|e| e["kind"] == "Steal").expect("a steal in the hand-off scenario");
    assert!(steal["detail"]["n"].is_u64() && steal["detail"]["of"].is_u64() && steal["detail"]["victim"].is_u64(), "{steal}");
}

#[test]
fn state_after_a_step_has_the_documented_shape() {
    let o = gmpsim(&["run", &scenario("steal.json"), "--until-step", "12", "--format", "state"], None);
    assert_eq!(o.status.code(), Some(0));
    let st: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(st["step"], 12);
    assert!(st["t"].is_u64());
    let p0 = &st["ps"][0];
    for key in ["id", "status", "m", "runnext", "runq", "schedtick"] {
        assert!(p0.get(key).is_some(), "ps[0].{key}");
    }
    assert!(st["global"].is_array());
    for key in ["id", "status", "p", "g", "spinning"] {
        assert!(st["ms"][0].get(key).is_some(), "ms[0].{key}");
    }
    assert_eq!(st["gs"][0]["id"], 1);
    assert!(st["gs"][0]["status"].is_string());
}

#[test]
fn summary_gives_totals_and_the_outcome() {
    let o = gmpsim(&["run", &scenario("handoff.json"), "--format", "summary"], None);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0));
    for word in ["outcome:", "exit status 0", "goroutines created:  5", "steals:", "hand-offs:", "threads created:", "preemptions:", "largest local queue:", "virtual time:"] {
        assert!(out.contains(word), "summary lacks {word:?}:\n{out}");
    }
}

#[test]
fn a_deadlocked_program_still_exits_0() {
    let o = gmpsim(&["run", "-", "--format", "summary"], Some(r#"{"version":1,"chans":{"c":0},"main":[{"recv":"c"}]}"#));
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("all goroutines are asleep - deadlock!"));
}

#[test]
fn invalid_input_exits_2_with_every_problem_and_its_place() {
    let bad = r#"{"version":1,"gomaxprocs":0,"funcs":{"worker":[]},"main":[{"go":"wrker"},{"send":"jobs"}]}"#;
    let o = gmpsim(&["run", "-"], Some(bad));
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("<stdin>: main[0].go: unknown func \"wrker\""), "{err}");
    assert!(err.contains("main[1].send"), "{err}");
    assert!(err.contains("gomaxprocs"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let o = gmpsim(&["validate", "/no/such/file.json"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("/no/such/file.json"));
    let o = gmpsim(&["run", "-"], Some("{ not json"));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("line 1"), "{}", stderr(&o));
}

#[test]
fn link_and_decode_round_trip() {
    let o = gmpsim(&["link", &scenario("steal.json"), "--base", "https://example.invalid/play/", "--step", "9"], None);
    assert_eq!(o.status.code(), Some(0));
    let link = stdout(&o).trim().to_string();
    assert!(link.starts_with("https://example.invalid/play/#s=1."), "{link}");
    assert!(link.ends_with("&step=9"));
    let o = gmpsim(&["decode", &link], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let original = gmp::core::scenario::parse(&std::fs::read_to_string(scenario("steal.json")).unwrap()).unwrap();
    assert_eq!(gmp::core::scenario::parse(&stdout(&o)).unwrap(), original);
    let o = gmpsim(&["decode", "#s=1.!!!"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).starts_with("link: "));
}

#[test]
fn validate_says_what_it_found() {
    let o = gmpsim(&["validate", &scenario("netpoll.json")], None);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("valid scenario"));
}

#[test]
fn usage_errors_exit_2() {
    let o = gmpsim(&["frobnicate"], None);
    assert_eq!(o.status.code(), Some(2));
    let o = gmpsim(&["run", "x.json", "--format", "yaml"], None);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn state_at_step_0_is_the_empty_start() {
    let o = gmpsim(&["run", &scenario("steal.json"), "--until-step", "0", "--format", "state"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let st: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(st["step"], 0);
    assert_eq!(st["ps"].as_array().unwrap().len(), 0);
}

/// `gmpsim ... | head` closes the pipe before gmpsim has written everything: that is the
/// reader's choice, not an error, and never an "internal error" (as `decode`, `validate` and
/// `link` once reported). The pipe's read end is closed before gmpsim starts, so every write
/// fails with EPIPE.
#[test]
fn a_closed_output_pipe_is_not_an_error() {
    use std::process::{Command, Stdio};
    let o = gmpsim(&["link", &scenario("steal.json")], None);
    let link = stdout(&o).trim().to_string();
    let steal = scenario("steal.json");
    for args in [
        vec!["run", steal.as_str()],
        vec!["validate", steal.as_str()],
        vec!["link", steal.as_str()],
        vec!["decode", link.as_str()],
        vec!["export", "--go", steal.as_str()],
    ] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let o = Command::new(env!("CARGO_BIN_EXE_gmpsim"))
            .args(&args)
            .stdin(Stdio::null())
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "gmpsim {args:?}: {}", stderr(&o));
        assert_eq!(stderr(&o), "", "gmpsim {args:?}");
    }
}
