//! The reader's tests: one `check(document, expected problems)` per behaviour.

use super::*;
use crate::core::ids::{GId, PId};
use expect_test::{expect, Expect};
use proptest::prelude::*;
use serde_json::json;

/// Parses `doc` and compares its problems, one `place: message` per line, with `want`.
#[track_caller]
fn check(doc: &str, want: Expect) {
    let got = match parse(doc) {
        Ok(_) => "valid".to_string(),
        Err(problems) => problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"),
    };
    want.assert_eq(&got);
}

/// The problems of `doc` as `place: message` lines (panics if it is valid).
#[track_caller]
fn problems(doc: &str) -> Vec<String> {
    parse(doc).expect_err("the document should be invalid").iter().map(ToString::to_string).collect()
}

/// A document with `main` and `funcs` as given (JSON text).
fn program(funcs: &str, main: &str) -> String {
    format!(r#"{{"version": 1, "funcs": {funcs}, "main": {main}}}"#)
}

/// The example document of `shared/scenario-format.md` (also used by the writer's tests).
pub(in crate::core::scenario) const FORMAT_DOC_EXAMPLE: &str = r#"{
  "version": 1,
  "name": "Blocking syscall hand-off",
  "description": "Free text shown beside the board.",
  "gomaxprocs": 2,
  "seed": 7,
  "chans": { "jobs": 0, "results": 16 },
  "funcs": {
    "worker": [ { "recv": "jobs" }, { "work": "2ms" }, { "syscall": "5ms" }, { "done": "wg" } ]
  },
  "main": [
    { "add": { "wg": "wg", "n": 4 } },
    { "go": { "func": "worker", "n": 4 } },
    { "repeat": { "n": 4, "body": [ { "send": "jobs" } ] } },
    { "wait": "wg" }
  ],
  "actions": [
    { "at_step": 40, "spawn": { "func": "worker", "on_p": 1 } },
    { "at_ns": 3000000, "gomaxprocs": 4 }
  ],
  "costs": { "g_switch": "200ns", "m_wake": "2us" }
}"#;

#[test]
fn reads_the_format_doc_example() {
    let mut costs = Costs::default();
    costs.set("g_switch", 200);
    costs.set("m_wake", 2_000);
    let want = Scenario {
        version: 1,
        name: "Blocking syscall hand-off".into(),
        description: "Free text shown beside the board.".into(),
        gomaxprocs: 2,
        seed: 7,
        go: crate::core::scenario::DEFAULT_GO_MINOR,
        chans: vec![ChanDecl::new("jobs", 0), ChanDecl::new("results", 16)],
        funcs: vec![FuncDecl {
            name: "worker".into(),
            body: vec![Op::Recv(0), Op::Work(2_000_000), Op::Syscall(5_000_000), Op::Done(0)],
        }],
        wgs: vec!["wg".into()],
        main: vec![
            Op::Add { wg: 0, n: 4 },
            Op::Go { func: 0, n: 4 },
            Op::Repeat { n: 4, body: vec![Op::Send(0)] },
            Op::Wait(0),
        ],
        actions: vec![
            Action { at: ActionAt::Step(40), kind: ActionKind::Spawn { func: 0, n: 1, on_p: Some(PId(1)) } },
            Action { at: ActionAt::Ns(3_000_000), kind: ActionKind::Gomaxprocs(4) },
        ],
        costs,
        costs_set: vec!["g_switch".into(), "m_wake".into()],
    };
    assert_eq!(parse(FORMAT_DOC_EXAMPLE), Ok(want));
}

#[test]
fn fills_in_defaults() {
    assert_eq!(parse(r#"{"version": 1, "main": []}"#), Ok(Scenario::empty()));
}

#[test]
fn reports_every_problem_with_its_place() {
    let doc = r#"{
      "version": 1,
      "gomaxproc": 2,
      "chans": {"jobs": 0},
      "funcs": {"worker": [{"recv": "jbs"}, {"sendd": "jobs"}]},
      "main": [{"go": "worker"}, {"work": "2ms"}, {"go": "wrker"}],
      "actions": [{"at_step": 3, "spawn": {"func": "worker", "on_p": 1024}}],
      "costs": {"g_switch": "2 ms"}
    }"#;
    let places: Vec<String> = parse(doc).unwrap_err().into_iter().map(|p| p.place).collect();
    assert_eq!(
        places,
        ["", "main[2].go", "funcs.worker[0].recv", "funcs.worker[1]", "actions[0].spawn.on_p", "costs.g_switch"]
    );
    check(
        doc,
        expect![[r#"
            unknown field "gomaxproc"
            main[2].go: unknown func "wrker"
            funcs.worker[0].recv: undeclared channel "jbs" (declare it in "chans")
            funcs.worker[1]: unknown op "sendd"
            actions[0].spawn.on_p: must be an integer from 0 to 1023, got 1024
            costs.g_switch: unknown unit " ms" in duration "2 ms" (use ns, us, µs, ms, s, m or h)"#]],
    );
}

#[test]
fn reports_wrong_values_everywhere_in_one_pass() {
    check(
        r#"{"version": 2, "gomaxprocs": 0, "seed": -1, "name": 5,
            "chans": {"c": "1", "d": 2.0, "e": 1000001},
            "funcs": {"f": [{"go": "g"}], "g": [{"repeat": {"n": 2, "body": [{"go": "f"}]}}]},
            "main": [{"go": {"func": "f", "n": 0}}, {"work": 2.0}, {"sleep": "-1ms"}, {"net": "2h"},
                     {"add": {"wg": "w"}}, {"add": {"wg": "", "n": 1, "m": 2}}, {"gomaxprocs": 1025},
                     {"repeat": {"n": -1, "body": {}}}, {"close": 3}],
            "actions": [{"at_step": 1}, {"at_ns": "1ms", "at_step": 3, "spawn": {"func": "f"}},
                        {"at_ns": -5, "syscall": {"g": 0}}, {"at_step": 1.5, "net_ready": {}},
                        {"at_step": 1, "spawn": {}, "gomaxprocs": 2}, 7],
            "costs": {"g_swich": 1, "spawn": "2s", "m_wake": null}}"#,
        expect![[r#"
            version: unsupported version 2 (this program reads version 1)
            name: expected a string, found an integer
            gomaxprocs: must be an integer from 1 to 1024, got 0
            seed: must be an integer from 0 to 18446744073709551615, got -1
            chans.c: expected an integer, found a string
            chans.d: expected an integer, found a floating-point number (2.0)
            chans.e: must be an integer from 0 to 1000000, got 1000001
            main[0].go.n: must be an integer from 1 to 1000000000, got 0
            main[1].work: expected a duration such as "2ms" or an integer of nanoseconds, found a floating-point number (2.0)
            main[2].sleep: durations cannot be negative, got "-1ms"
            main[3].net: must be at most 1h, got 2h
            main[4].add: missing required field "n"
            main[5].add: unknown field "m"
            main[5].add.wg: a WaitGroup name must not be empty
            main[6].gomaxprocs: must be an integer from 1 to 1024, got 1025
            main[7].repeat.n: must be an integer from 0 to 1000000000, got -1
            main[7].repeat.body: expected an array of ops, found an object
            main[8].close: expected a string, found an integer
            actions[0]: missing what the action does: one of "spawn", "syscall", "net_ready" or "gomaxprocs"
            actions[1]: give only one of "at_step" and "at_ns"
            actions[2].at_ns: durations cannot be negative, got -5
            actions[2].syscall.g: must be an integer from 1 to 2000000, got 0
            actions[2].syscall: missing required field "for"
            actions[3].at_step: expected an integer, found a floating-point number (1.5)
            actions[3].net_ready: missing required field "g"
            actions[4]: give one action per entry; found "spawn" and "gomaxprocs"
            actions[5]: expected an action, such as {"at_step": 10, "gomaxprocs": 2}, found an integer
            costs: unknown cost "g_swich" (the costs are g_switch, spawn, m_wake, m_create, sync_op, syscall, steal_backoff)
            costs.spawn: must be at most 1s, got 2s
            costs.m_wake: expected a duration such as "2ms" or an integer of nanoseconds, found null
            funcs.f[0].go: "f" starts itself through "g" -> "f"; recursion would create goroutines without end"#]],
    );
}

#[test]
fn explains_malformed_ops() {
    check(
        r#"{"version": 1, "main": [{"a": 1, "b": 2}, {}, 3, "work", {"gosched": null}, "sendd", {"go": 5}, {"go": {"n": 2}}]}"#,
        expect![[r#"
            main[0]: an op is an object with one key; found 2: "a" and "b"
            main[1]: an op is an object with one key, such as {"work": "1ms"}; found an empty object
            main[2]: expected an op (an object such as {"work": "1ms"} or a string such as "gosched"), found an integer
            main[3]: op "work" needs an argument, as in {"work": "1ms"}
            main[4]: op "gosched" takes no argument: write it as the string "gosched"
            main[5]: unknown op "sendd"
            main[6].go: expected a func name or {"func": NAME, "n": N}, found an integer
            main[7].go: missing required field "func""#]],
    );
}

#[test]
fn requires_version_and_main() {
    check(
        r#"{"name": "x"}"#,
        expect![[r#"
            missing required field "version"
            missing required field "main""#]],
    );
    check(r#"{"version": "1", "main": []}"#, expect![[r#"version: expected the integer 1, found a string"#]]);
    check(r#"[1]"#, expect!["expected a JSON object (the scenario document), found an array"]);
}

#[test]
fn places_json_syntax_errors_by_line_and_column() {
    check("{\"version\": 1,\n  \"main\": [,]}", expect!["line 2, column 12: expected value"]);
    check(r#"{"version": 1, "main": [], "#, expect!["line 1, column 27: EOF while parsing a value"]);
    check(r#"{"version": 1, "main": []} x"#, expect!["line 1, column 28: trailing characters"]);
    check("", expect!["line 1, column 0: EOF while parsing a value"]);
}

#[test]
fn rejects_keys_given_twice() {
    check(
        r#"{"version": 1, "chans": {"c": 0, "c": 1}, "main": [{"repeat": {"n": 1, "n": 2, "body": []}}], "main": []}"#,
        expect![[r#"
            chans: "c" is given twice
            main[0].repeat: "n" is given twice
            "main" is given twice"#]],
    );
}

#[test]
fn rejects_recursive_spawn() {
    let doc = program(r#"{"f": [{"work": 1}, {"go": "g"}], "g": [{"go": "f"}], "h": [{"go": "f"}]}"#, "[]");
    assert_eq!(
        problems(&doc),
        [r#"funcs.f[1].go: "f" starts itself through "g" -> "f"; recursion would create goroutines without end"#]
    );
    let doc = program(r#"{"f": [{"repeat": {"n": 0, "body": [{"go": {"func": "f", "n": 2}}]}}]}"#, "[]");
    assert_eq!(
        problems(&doc),
        [r#"funcs.f[0].repeat.body[0].go: "f" starts itself; recursion would create goroutines without end"#]
    );
    // Two separate cycles are two problems.
    let doc = program(r#"{"a": [{"go": "b"}], "b": [{"go": "a"}], "c": [{"go": "c"}]}"#, "[]");
    assert_eq!(problems(&doc).len(), 2);
}

#[test]
fn resolves_names_declared_later_in_the_document() {
    let doc = r#"{"version": 1, "main": [{"go": "a"}, {"send": "c"}], "funcs": {"a": [{"go": "b"}], "b": []}, "chans": {"c": 1}}"#;
    let s = parse(doc).unwrap();
    assert_eq!(s.main, [Op::Go { func: 0, n: 1 }, Op::Send(0)]);
    assert_eq!(s.funcs[0].body, [Op::Go { func: 1, n: 1 }]);
}

#[test]
fn numbers_waitgroups_in_order_of_first_use_main_first() {
    let doc = r#"{"version": 1,
        "funcs": {"f": [{"done": "a"}, {"wait": "c"}], "g": [{"add": {"wg": "d", "n": 0}}]},
        "main": [{"repeat": {"n": 0, "body": [{"wait": "b"}]}}, {"add": {"wg": "a", "n": -2}}]}"#;
    let s = parse(doc).unwrap();
    assert_eq!(s.wgs, ["b", "a", "c", "d"]);
    assert_eq!(s.funcs[0].body, [Op::Done(1), Op::Wait(2)]);
    assert_eq!(s.main[1], Op::Add { wg: 1, n: -2 });
}

#[test]
fn reads_durations_as_strings_or_nanoseconds() {
    let doc = r#"{"version": 1, "main": [{"work": "20µs"}, {"work": "20μs"}, {"work": "20us"}, {"work": 20000},
        {"sleep": "1h"}, {"net": "0"}, {"syscall": "1m0.5s"}], "actions": [{"at_ns": "2562047h", "gomaxprocs": 1}]}"#;
    let s = parse(doc).unwrap();
    assert_eq!(
        s.main,
        [
            Op::Work(20_000),
            Op::Work(20_000),
            Op::Work(20_000),
            Op::Work(20_000),
            Op::Sleep(3_600_000_000_000),
            Op::Net(0),
            Op::Syscall(60_500_000_000)
        ]
    );
    assert_eq!(s.actions[0].at, ActionAt::Ns(2_562_047 * 3_600_000_000_000));
}

#[test]
fn reads_go_counts_and_each_action() {
    let doc = r#"{"version": 1, "funcs": {"f": []}, "main": [{"go": {"func": "f"}}, {"go": {"func": "f", "n": 3}}],
        "actions": [{"at_step": 0, "spawn": {"func": "f", "n": 2}}, {"at_step": 18446744073709551615, "syscall": {"g": 2, "for": "5ms"}},
                    {"at_ns": 7, "net_ready": {"g": 2000000}}, {"gomaxprocs": 1024, "at_step": 9}]}"#;
    let s = parse(doc).unwrap();
    assert_eq!(s.main, [Op::Go { func: 0, n: 1 }, Op::Go { func: 0, n: 3 }]);
    let kinds: Vec<(ActionAt, ActionKind)> = s.actions.into_iter().map(|a| (a.at, a.kind)).collect();
    assert_eq!(
        kinds,
        [
            (ActionAt::Step(0), ActionKind::Spawn { func: 0, n: 2, on_p: None }),
            (ActionAt::Step(u64::MAX), ActionKind::Syscall { g: GId(2), dur: 5_000_000 }),
            (ActionAt::Ns(7), ActionKind::NetReady { g: GId(2_000_000) }),
            (ActionAt::Step(9), ActionKind::Gomaxprocs(1024)),
        ]
    );
}

#[test]
fn takes_any_u64_seed_and_rejects_bigger() {
    let s = parse(r#"{"version": 1, "seed": 18446744073709551615, "main": []}"#).unwrap();
    assert_eq!(s.seed, u64::MAX);
    check(
        r#"{"version": 1, "seed": 18446744073709551616, "main": []}"#,
        expect!["seed: must be an integer from 0 to 18446744073709551615, got 18446744073709552000"],
    );
    check(r#"{"version": 1, "seed": "7", "main": []}"#, expect!["seed: expected an integer, found a string"]);
    check(
        r#"{"version": 1, "seed": 1e3, "main": []}"#,
        expect!["seed: expected an integer, found a floating-point number (1000.0)"],
    );
    check(r#"{"version": 1, "seed": -0, "main": []}"#, expect!["seed: expected an integer, found a floating-point number (-0.0)"]);
}

#[test]
fn records_costs_in_document_order() {
    let s = parse(r#"{"version": 1, "main": [], "costs": {"spawn": 0, "g_switch": "1s"}}"#).unwrap();
    assert_eq!(s.costs_set, ["spawn", "g_switch"]);
    assert_eq!((s.costs.spawn, s.costs.g_switch), (0, 1_000_000_000));
    assert_eq!(s.costs.m_wake, Costs::default().m_wake);
}

#[test]
fn counts_name_lengths_in_characters() {
    let ok = format!(r#"{{"version": 1, "name": "{}", "main": []}}"#, "é".repeat(120));
    assert!(parse(&ok).is_ok());
    let long = format!(
        r#"{{"version": 1, "name": "{}", "description": "{}", "main": []}}"#,
        "é".repeat(121),
        "x".repeat(4001)
    );
    assert_eq!(
        problems(&long),
        ["name: must be at most 120 characters, got 121", "description: must be at most 4000 characters, got 4001"]
    );
}

#[test]
fn counts_goroutines_exactly_against_the_limit() {
    // 1 (main) + 1_999_999 = the limit.
    let at_limit = program("{\"g\": []}", r#"[{"repeat": {"n": 1999999, "body": [{"go": "g"}]}}]"#);
    assert!(parse(&at_limit).is_ok());
    let over = program("{\"g\": []}", r#"[{"repeat": {"n": 2000000, "body": [{"go": "g"}]}}]"#);
    assert_eq!(
        problems(&over),
        ["the program would create 2000001 goroutines (main included); the limit is 2000000"]
    );
    // Through funcs: main starts 1000 f, each starting 1999 g: 1 + 1000 * (1 + 1999).
    let through =
        program(r#"{"f": [{"go": {"func": "g", "n": 1999}}], "g": []}"#, r#"[{"go": {"func": "f", "n": 1000}}]"#);
    assert_eq!(
        problems(&through),
        ["the program would create 2000001 goroutines (main included); the limit is 2000000"]
    );
    // Spawn actions count too.
    let spawned = r#"{"version": 1, "funcs": {"f": [{"go": {"func": "g", "n": 1000}}], "g": []},
        "main": [], "actions": [{"at_step": 1, "spawn": {"func": "f", "n": 2000}}]}"#;
    assert_eq!(
        problems(spawned),
        ["the program would create 2002001 goroutines (main included); the limit is 2000000"]
    );
}

#[test]
fn counts_ops_executed_against_the_limit() {
    let at_limit = program("{}", r#"[{"repeat": {"n": 500000000, "body": [{"work": 1}, "gosched"]}}]"#);
    assert!(parse(&at_limit).is_ok());
    let over = program("{}", r#"[{"work": 1}, {"repeat": {"n": 500000000, "body": [{"work": 1}, "gosched"]}}]"#);
    assert_eq!(
        problems(&over),
        ["the program would execute 1000000001 ops in all goroutines; the limit is 1000000000"]
    );
    let huge = program(
        r#"{"f": [{"repeat": {"n": 1000000000, "body": [{"repeat": {"n": 1000000000, "body": [{"go": {"func": "g", "n": 1000000000}}]}}]}}], "g": [{"work": 1}]}"#,
        r#"[{"repeat": {"n": 1000000000, "body": [{"go": {"func": "f", "n": 1000000000}}]}}]"#,
    );
    assert_eq!(
        problems(&huge),
        [
            "the program would create at least 18446744073709551615 goroutines (main included); the limit is 2000000",
            "the program would execute at least 18446744073709551615 ops in all goroutines; the limit is 1000000000"
        ]
    );
}

#[test]
fn enforces_nesting_and_size_limits() {
    let mut body = r#"[{"work": 1}]"#.to_string();
    for _ in 0..17 {
        body = format!(r#"[{{"repeat": {{"n": 1, "body": {body}}}}}]"#);
    }
    let deepest = format!("main{}[0].repeat", "[0].repeat.body".repeat(16));
    assert_eq!(
        problems(&program("{}", &body)),
        [format!("{deepest}: repeats are nested 17 deep here; the limit is 16")]
    );

    let ops = vec![r#"{"work": 1}"#; MAX_OPS_PER_BODY + 1].join(",");
    assert_eq!(
        problems(&program("{}", &format!("[{ops}]"))),
        ["main: has 10001 ops (nested ones included); the limit is 10000"]
    );

    let chans: Vec<String> = (0..=MAX_DECLS).map(|i| format!("\"c{i}\": 0")).collect();
    let doc = format!(r#"{{"version": 1, "chans": {{{}}}, "main": []}}"#, chans.join(","));
    assert_eq!(problems(&doc), ["chans: declares 1001 channels; the limit is 1000"]);

    let wgs: Vec<String> = (0..=MAX_DECLS).map(|i| format!("{{\"wait\": \"w{i}\"}}")).collect();
    assert_eq!(
        problems(&program("{}", &format!("[{}]", wgs.join(",")))),
        ["main[1000].wait: too many WaitGroups; the limit is 1000"]
    );

    let big = format!(r#"{{"version": 1, "main": [], "description": "{}"}}"#, " ".repeat(MAX_DOCUMENT_BYTES));
    assert_eq!(problems(&big), ["the document is 1048621 bytes; the limit is 1048576 bytes"]);
}

#[test]
fn survives_deep_json_nesting() {
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert_eq!(problems(&deep), ["line 1, column 128: recursion limit exceeded"]);
}

/// JSON values built from the format's own words, so that generated documents reach deep
/// into the checks.
fn scenario_like() -> impl Strategy<Value = Value> {
    let words = prop::sample::select(vec![
        "version",
        "name",
        "main",
        "funcs",
        "chans",
        "actions",
        "costs",
        "seed",
        "gomaxprocs",
        "work",
        "go",
        "func",
        "n",
        "repeat",
        "body",
        "send",
        "recv",
        "close",
        "add",
        "wg",
        "done",
        "wait",
        "gosched",
        "at_step",
        "at_ns",
        "spawn",
        "on_p",
        "syscall",
        "net_ready",
        "g",
        "for",
        "f",
        "c",
        "g_switch",
        "1ms",
        "lock_os_thread",
    ]);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-3i64..5).prop_map(Value::from),
        any::<f64>().prop_map(|x| json!(x)),
        words.clone().prop_map(Value::from),
        "\\PC{0,8}".prop_map(Value::from),
    ];
    leaf.prop_recursive(6, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((words.clone(), inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect())),
        ]
    })
}

proptest! {
    #[test]
    fn never_panics_on_any_text(text in "\\PC{0,200}") {
        let _ = parse(&text);
    }

    #[test]
    fn never_panics_on_scenario_like_json(v in scenario_like(), funcs in scenario_like(), main in scenario_like()) {
        let _ = parse(&v.to_string());
        let doc = json!({
            "version": 1,
            "funcs": {"f": funcs, "g": [{"go": "f"}]},
            "chans": {"c": 1},
            "main": main,
            "actions": [v],
        });
        match parse(&doc.to_string()) {
            // Whatever was read writes back to the same scenario.
            Ok(s) => prop_assert_eq!(parse(&s.to_json()), Ok(s)),
            Err(problems) => {
                prop_assert!(!problems.is_empty());
                prop_assert!(problems.iter().all(|p| !p.message.is_empty()));
            }
        }
    }
}

/// `json_value` (the Go importer's directives) reads as `serde_json::from_str::<Value>`: the
/// same values, a key given twice keeping its first place and its last value, the same errors.
#[test]
fn json_value_reads_as_serde_json() {
    let texts = [
        r#"{"names": {"jobs": "queue"}, "seed": 7}"#,
        r#"{"b": 1, "a": 2, "b": 3}"#,
        r#"{"a": {"x": 1, "x": [1, 2]}, "a": {"y": null}}"#,
        r#"[1, -2, 3.5, 1e400, 18446744073709551615, -9223372036854775808, "s\u00e9", true, false, null, {}, []]"#,
        r#"  "just a string"  "#,
        r#"{"a": 1,}"#,
        r#"{"a": 1} trailing"#,
        r#"{"a" 1}"#,
        r#"[1, 2"#,
        "",
        "nul",
        &"[".repeat(200),
    ];
    for text in texts {
        let ours = json_value(text).map_err(|e| e.to_string());
        let theirs = serde_json::from_str::<Value>(text).map_err(|e| e.to_string());
        assert_eq!(ours, theirs, "{text}");
        if let (Ok(a), Ok(b)) = (&ours, &theirs) {
            assert_eq!(a.to_string(), b.to_string(), "key order of {text}");
        }
    }
    assert_eq!(json_value(r#"{"b": 1, "a": 2, "b": 3}"#).unwrap().to_string(), r#"{"b":3,"a":2}"#);
}
