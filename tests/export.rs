//! Exports: the Perfetto trace of every scenario and lesson is well-formed (tracks named, no
//! overlapping slices on a track, flows paired), `gmpsim export` behaves like the other
//! subcommands, and, with each Go release the project compares with (Go 1.19, 1.26.6, 1.27.3;
//! `bash .ci/setup` installs them, and a missing one fails these tests), every exported Go
//! program is gofmt-clean, passes `go vet`, builds, and a few run and agree with the simulator.
#![cfg(not(target_arch = "wasm32"))]

mod common;
use common::gmpsim;
use common::go::{self, Toolchain};

use gmp::core::export::{go_program, perfetto_trace};
use gmp::core::lessons;
use gmp::core::scenario::{self, Scenario};
use gmp::core::sim::{Sim, Tracks};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every scenario file of `tests/scenarios` and every lesson, by name.
fn all_scenarios() -> Vec<(String, Scenario)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("tests/scenarios")).unwrap().map(|e| e.unwrap().path()).collect();
    files.retain(|p| p.extension().is_some_and(|e| e == "json"));
    files.sort();
    let mut out: Vec<(String, Scenario)> = files
        .iter()
        .map(|f| {
            let name = f.file_stem().unwrap().to_string_lossy().to_string();
            (name, scenario::parse(&std::fs::read_to_string(f).unwrap()).unwrap())
        })
        .collect();
    out.extend(lessons::all().iter().map(|l| (format!("lesson-{}", l.id), l.parsed())));
    out
}


fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

// ----- Perfetto -----

/// A track: (pid, tid).
type Track = (u64, u64);
/// A slice on a track: (start, end, name).
type Slice = (f64, f64, String);

/// Checks the structure of a trace and returns its events.
#[track_caller]
fn check_trace(name: &str, json: &str) -> Vec<Value> {
    let v: Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{name}: not JSON: {e}"));
    assert_eq!(v["displayTimeUnit"], "ns", "{name}");
    let evs = v["traceEvents"].as_array().unwrap_or_else(|| panic!("{name}: no traceEvents")).clone();
    // Every track used is named.
    let mut named: BTreeMap<(u64, u64), String> = BTreeMap::new();
    for e in evs.iter().filter(|e| e["ph"] == "M" && e["name"] == "thread_name") {
        named.insert((e["pid"].as_u64().unwrap(), e["tid"].as_u64().unwrap()), e["args"]["name"].as_str().unwrap().to_string());
    }
    assert_eq!(named.get(&(1, 1)).map(String::as_str), Some("P0"), "{name}");
    assert_eq!(named.get(&(2, 1)).map(String::as_str), Some("M0"), "{name}");
    for e in &evs {
        let ph = e["ph"].as_str().unwrap_or_else(|| panic!("{name}: an event without ph: {e}"));
        if ph == "M" || ph == "C" {
            continue;
        }
        assert!(e["ts"].as_f64().is_some_and(|t| t >= 0.0), "{name}: bad ts in {e}");
        let track = (e["pid"].as_u64().unwrap(), e["tid"].as_u64().unwrap());
        assert!(named.contains_key(&track), "{name}: unnamed track {track:?} in {e}");
    }
    // Slices on one track never overlap, and never run backwards.
    let mut tracks: BTreeMap<Track, Vec<Slice>> = BTreeMap::new();
    for e in evs.iter().filter(|e| e["ph"] == "X") {
        let ts = e["ts"].as_f64().unwrap();
        let dur = e["dur"].as_f64().unwrap();
        assert!(dur >= 0.0, "{name}: negative duration in {e}");
        let track = (e["pid"].as_u64().unwrap(), e["tid"].as_u64().unwrap());
        tracks.entry(track).or_default().push((ts, ts + dur, e["name"].as_str().unwrap().to_string()));
    }
    for (track, mut slices) in tracks {
        slices.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap().then(a.1.partial_cmp(&b.1).unwrap()));
        for w in slices.windows(2) {
            assert!(w[0].1 <= w[1].0 + 1e-6, "{name}: on track {track:?}, {:?} overlaps {:?}", w[0], w[1]);
        }
    }
    // Flows pair up: one start and one finish per id, from one P track to another.
    let mut flows: BTreeMap<u64, (Vec<&Value>, Vec<&Value>)> = BTreeMap::new();
    for e in &evs {
        match e["ph"].as_str() {
            Some("s") => flows.entry(e["id"].as_u64().unwrap()).or_default().0.push(e),
            Some("f") => flows.entry(e["id"].as_u64().unwrap()).or_default().1.push(e),
            Some("t") => panic!("{name}: unexpected flow step {e}"),
            _ => {}
        }
    }
    for (id, (s, f)) in &flows {
        assert_eq!((s.len(), f.len()), (1, 1), "{name}: flow {id} does not pair up");
        assert_eq!(s[0]["pid"], 1, "{name}: a steal starts on a P track");
        assert_eq!(f[0]["pid"], 1, "{name}: a steal ends on a P track");
        assert_ne!(s[0]["tid"], f[0]["tid"], "{name}: a P does not steal from itself");
        assert_eq!(s[0]["ts"], f[0]["ts"]);
    }
    evs
}

/// The trace reads the cheap per-P/per-M view ([`Sim::tracks`]) at every step; it must say
/// exactly what the full snapshot (the board's state) says, or the slices would drift from the
/// board.
#[test]
fn the_trace_view_of_ps_and_ms_agrees_with_the_snapshot_at_every_step() {
    let mut tracks = Tracks::default();
    for (name, s) in all_scenarios() {
        let mut sim = Sim::new(&s);
        while sim.step_count() < 20_000 && sim.step() {
            sim.tracks(&mut tracks);
            assert_eq!(tracks, Tracks::from_state(&sim.snapshot(false)), "{name} at step {}", sim.step_count());
        }
    }
}

/// A long run's trace costs time in proportion to its steps: 10,000 goroutines queued at once
/// (a snapshot per step would copy the queues at every one of its steps).
#[test]
fn a_long_run_with_long_queues_exports_in_linear_time() {
    let s = scenario::parse(
        r#"{"version":1,"gomaxprocs":4,"funcs":{"w":[{"work":"10us"}]},"main":[{"go":{"func":"w","n":10000}},{"sleep":"1s"}]}"#,
    )
    .unwrap();
    let t0 = std::time::Instant::now();
    let v: Value = serde_json::from_str(&perfetto_trace(&s, u64::MAX)).unwrap();
    let steps = v["otherData"]["steps"].as_u64().unwrap();
    assert!(steps > 30_000, "{steps} steps");
    // Generous for a debug build on a loaded 2-core machine; a quadratic export takes minutes.
    assert!(t0.elapsed().as_secs() < 60, "{steps} steps took {:?}", t0.elapsed());
}

#[test]
fn every_scenario_and_lesson_gives_a_well_formed_perfetto_trace() {
    for (name, s) in all_scenarios() {
        let evs = check_trace(&name, &perfetto_trace(&s, u64::MAX));
        // One flow per Steal event, one goroutine slice per GoStart at least.
        let mut sim = Sim::new(&s);
        let (mut steals, mut starts) = (0, 0);
        while sim.step() {
            steals += sim.events().iter().filter(|e| e.kind() == "Steal").count();
            starts += sim.events().iter().filter(|e| e.kind() == "GoStart").count();
        }
        assert_eq!(evs.iter().filter(|e| e["ph"] == "s").count(), steals, "{name}");
        let g_slices = evs.iter().filter(|e| e["ph"] == "X" && e["pid"] == 1 && e["cat"] == "goroutine").count();
        assert!(g_slices >= starts, "{name}: {g_slices} goroutine slices for {starts} GoStart events");
    }
}

#[test]
fn the_perfetto_trace_shows_syscalls_handoffs_and_preemptions() {
    let l = lessons::find("syscall-handoff").unwrap();
    let evs = check_trace(l.id, &perfetto_trace(&l.parsed(), u64::MAX));
    let on_m = |name: &str| evs.iter().any(|e| e["ph"] == "X" && e["pid"] == 2 && e["name"].as_str().unwrap().starts_with(name));
    assert!(on_m("syscall G"), "syscall slices on the M tracks");
    assert!(evs.iter().any(|e| e["ph"] == "X" && e["pid"] == 1 && e["cat"] == "syscall"), "a P held by a thread in a syscall");
    for kind in ["ProcSteal", "Handoff", "ThreadCreate"] {
        assert!(evs.iter().any(|e| e["ph"] == "i" && e["name"] == kind), "an instant for {kind}");
    }
    assert!(evs.iter().any(|e| e["ph"] == "C" && e["name"] == "threads" && e["args"]["threads"] == 6), "the thread count reaches 6");
    let l = lessons::find("preemption").unwrap();
    let evs = check_trace(l.id, &perfetto_trace(&l.parsed(), u64::MAX));
    let preempt = evs.iter().find(|e| e["ph"] == "i" && e["name"] == "Preempt").expect("a Preempt instant");
    assert_eq!(preempt["ts"].as_f64(), Some(11_220.0));
    assert!(preempt["args"]["text"].as_str().unwrap().contains("retake/preemptone"));
}

// ----- gmpsim export -----

#[test]
fn gmpsim_export_writes_a_go_program_or_a_trace() {
    let handoff = root().join("tests/scenarios/handoff.json");
    let handoff = handoff.to_str().unwrap();
    let o = gmpsim(&["export", "--go", handoff], None);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let go = text(&o.stdout);
    assert!(go.starts_with("//go:build linux\n") && go.contains("\npackage main\n"), "{go}");
    assert_eq!(go, go_program(&scenario::parse(&std::fs::read_to_string(handoff).unwrap()).unwrap()));

    let o = gmpsim(&["export", handoff, "--perfetto", "--until-step", "10"], None);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let v: Value = serde_json::from_str(&text(&o.stdout)).unwrap();
    assert_eq!(v["otherData"]["steps"], 10);

    let out = std::env::temp_dir().join(format!("gmpsim-export-{}.json", std::process::id()));
    let o = gmpsim(&["export", "--perfetto", "-", "-o", out.to_str().unwrap()], Some(r#"{"version":1,"main":[{"work":"1ms"}]}"#));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(o.stdout.is_empty());
    let written = std::fs::read_to_string(&out).unwrap();
    std::fs::remove_file(&out).unwrap();
    check_trace("stdin", &written);
}

#[test]
fn gmpsim_export_rejects_bad_input_with_status_2() {
    let steal = root().join("tests/scenarios/steal.json");
    let steal = steal.to_str().unwrap();
    for args in [
        vec!["export", steal],
        vec!["export", "--go", "--perfetto", steal],
        vec!["export", "--go", "--until-step", "3", steal],
    ] {
        let o = gmpsim(&args, None);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
    }
    let o = gmpsim(&["export", "--go", "-"], Some(r#"{"version":1,"main":[{"go":"wrker"}]}"#));
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("<stdin>: main[0].go: unknown func \"wrker\""), "{}", text(&o.stderr));
    let o = gmpsim(&["export", "--perfetto", "/no/such/file.json"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("/no/such/file.json"));
    let o = gmpsim(&["export", "--go", steal, "-o", "/no/such/dir/main.go"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("/no/such/dir/main.go"), "{}", text(&o.stderr));
}

// ----- Go programs, checked with every Go release the project compares with -----

/// Timeout of one Go command (vet, build) or program run.
const GO_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(300);

/// Every release in `go::RELEASES`; a missing one fails the test with how to install it.
fn toolchains() -> Vec<Toolchain> {
    let (tcs, missing) = go::toolchains();
    assert!(missing.is_empty(), "the Go checks need every release the project compares with:\n{}", missing.join("\n"));
    tcs
}

#[track_caller]
fn run_ok(cmd: Command) -> String {
    let what = format!("{cmd:?}");
    let o = go::run(cmd, GO_TIMEOUT).unwrap_or_else(|e| panic!("{e}"));
    assert!(o.status.success(), "{what} failed:\n{}{}", text(&o.stdout), text(&o.stderr));
    text(&o.stdout)
}

/// A Go module holding one package per scenario, in a fresh temporary directory.
struct GoModule(PathBuf, Toolchain);

impl GoModule {
    fn new(tc: &Toolchain, tag: &str, programs: &[(String, String)]) -> GoModule {
        let dir = std::env::temp_dir().join(format!("gmp-export-go-{}-{}-{tag}", std::process::id(), tc.version));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("go.mod"), "module gmpexport\n\ngo 1.19\n").unwrap();
        for (name, text) in programs {
            std::fs::create_dir_all(dir.join(name)).unwrap();
            std::fs::write(dir.join(name).join("main.go"), text).unwrap();
        }
        GoModule(dir, tc.clone())
    }

    fn go(&self, args: &[&str]) -> Command {
        let mut c = go::command(&self.1);
        c.args(args).current_dir(&self.0).env("GO111MODULE", "on");
        c
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for GoModule {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The goroutines in the order they first started running, from the simulator.
fn sim_start_order(s: &Scenario) -> Vec<u32> {
    let mut sim = Sim::new(s);
    let mut order = Vec::new();
    while sim.step() {
        for e in sim.events() {
            if let ("GoStart", Some(g)) = (e.kind(), e.g) {
                if !order.contains(&g.0) {
                    order.push(g.0);
                }
            }
        }
    }
    order
}

/// The goroutines in the order they first started running, from a `-trace` run.
fn go_start_order(out: &str) -> Vec<u32> {
    let mut order = Vec::new();
    for line in out.lines() {
        if let Some(g) = line.strip_prefix("start G") {
            let g: u32 = g.parse().unwrap();
            if !order.contains(&g) {
                order.push(g);
            }
        }
    }
    order
}

/// A scenario that uses every op and every kind of action, with names that are not Go
/// identifiers.
const EVERYTHING: &str = r#"{
  "version": 1,
  "name": "every op",
  "description": "Every op and action, with odd names.\nA second line.",
  "gomaxprocs": 3,
  "chans": { "jobs-in": 0, "results out": 4, "done": 1 },
  "funcs": {
    "worker 1": [ { "recv": "jobs-in" }, { "work": "1500ns" }, { "syscall": "200us" }, { "net": "300us" },
                  { "repeat": { "n": 2, "body": [ { "repeat": { "n": 2, "body": [ { "repeat": { "n": 2, "body": [ { "repeat": { "n": 2, "body": [ "gosched" ] } } ] } } ] } } ] } },
                  { "send": "results out" }, { "done": "all" } ],
    "locked": [ "lock_os_thread", { "sleep": "100us" }, "unlock_os_thread", { "done": "all" } ],
    "late": [ { "work": "10us" } ],
    "empty": []
  },
  "main": [
    { "add": { "wg": "all", "n": 5 } },
    { "go": { "func": "worker 1", "n": 4 } },
    { "go": "locked" },
    { "go": "empty" },
    { "repeat": { "n": 4, "body": [ { "send": "jobs-in" } ] } },
    { "net": "100us" },
    { "wait": "all" },
    { "repeat": { "n": 4, "body": [ { "recv": "results out" } ] } },
    { "gomaxprocs": 2 },
    { "send": "done" },
    { "close": "done" },
    { "add": { "wg": "extra", "n": 1 } },
    { "add": { "wg": "extra", "n": -1 } },
    { "wait": "extra" },
    { "sleep": "2ms" }
  ],
  "actions": [
    { "at_ns": "50us", "gomaxprocs": 4 },
    { "at_ns": "60us", "spawn": { "func": "late", "n": 3 } },
    { "at_ns": "70us", "spawn": { "func": "late", "n": 1 } },
    { "at_ns": "80us", "spawn": { "func": "late", "n": 1, "on_p": 0 } },
    { "at_ns": "90us", "syscall": { "g": 2, "for": "1ms" } },
    { "at_ns": "95us", "net_ready": { "g": 3 } },
    { "at_step": 10, "gomaxprocs": 1 }
  ]
}"#;

#[test]
fn exported_go_programs_are_gofmt_clean_vet_clean_and_build() {
    let mut programs: Vec<(String, String)> = all_scenarios().iter().map(|(n, s)| (n.clone(), go_program(s))).collect();
    programs.push(("everything".into(), go_program(&scenario::parse(EVERYTHING).unwrap())));
    for tc in toolchains() {
        let module = GoModule::new(&tc, "build", &programs);
        let mut gofmt = Command::new(tc.go.with_file_name("gofmt"));
        gofmt.arg("-l").arg(module.path());
        let unformatted = run_ok(gofmt);
        assert!(unformatted.trim().is_empty(), "{}: not gofmt-clean:\n{unformatted}", tc.version);
        run_ok(module.go(&["vet", "./..."]));
        run_ok(module.go(&["build", "./..."]));
        println!("{} Go programs are gofmt-clean, pass go vet and build with {}", programs.len(), tc.version);
    }
}

#[test]
fn exported_go_programs_run_like_the_simulator() {
    for tc in toolchains() {
        println!("running the exported programs with {} ({})", tc.version, tc.go.display());
        programs_run_like_the_simulator(&tc);
        println!("the exported programs run like the simulator with {}", tc.version);
    }
}

fn programs_run_like_the_simulator(tc: &Toolchain) {
    let ids = ["runnext-lifo", "gosched", "fairness-61", "deadlock"];
    let programs: Vec<(String, String)> = ids.iter().map(|id| (id.to_string(), go_program(&lessons::find(id).unwrap().parsed()))).collect();
    let module = GoModule::new(tc, "run", &programs);
    let run = |id: &str| -> Output {
        let bin = module.path().join(format!("{id}.bin"));
        run_ok(module.go(&["build", "-o", bin.to_str().unwrap(), &format!("./{id}")]));
        let mut c = Command::new(&bin);
        c.arg("-trace");
        go::run(c, GO_TIMEOUT).unwrap_or_else(|e| panic!("{}: {id}: {e}", tc.version))
    };
    let sim = |id: &str| sim_start_order(&lessons::find(id).unwrap().parsed());

    // The programs run and print a start line for every goroutine the simulator starts, and
    // the thread count. (Orders are compared with the simulator in tests/differential.rs,
    // which allows for what a single real run cannot control: one run here is not enough.)
    for id in ["runnext-lifo", "gosched"] {
        let o = run(id);
        assert!(o.status.success(), "{id}: {}", text(&o.stderr));
        let out = text(&o.stdout);
        let mut go = go_start_order(&out);
        let mut want = sim(id);
        go.sort();
        want.sort();
        assert_eq!(go, want, "{id}: the same goroutines start:\n{out}");
        assert!(out.lines().last().unwrap().starts_with("threads "), "{out}");
    }
    // The 1-in-61 check: main, behind 100 goroutines in the local queue, runs again and
    // exits before they have all started. A real run on a busy machine can be disturbed (a
    // thread descheduled at the wrong moment), so up to three runs are tried.
    let mut outs = Vec::new();
    let fair = (0..3).any(|_| {
        let out = text(&run("fairness-61").stdout);
        let ended = out.lines().position(|l| l == "end G1").expect("main ends");
        let started_before_main_ended = out.lines().take(ended).filter(|l| l.starts_with("start G")).count() - 1;
        outs.push(out);
        started_before_main_ended < 100
    });
    assert!(fair, "main waited for all 100 goroutines in three runs:\n{}", outs.join("\n---\n"));

    // Every op, network waits included, runs to the end.
    let o = {
        let module = GoModule::new(tc, "everything", &[("everything".into(), go_program(&scenario::parse(EVERYTHING).unwrap()))]);
        let bin = module.path().join("everything.bin");
        run_ok(module.go(&["build", "-o", bin.to_str().unwrap(), "./everything"]));
        let mut c = Command::new(&bin);
        c.arg("-trace");
        go::run(c, std::time::Duration::from_secs(60)).unwrap_or_else(|e| panic!("{}: the everything program: {e}", tc.version))
    };
    assert!(o.status.success(), "{}{}", text(&o.stdout), text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("end G1\n") && out.contains("start G8\n"), "main and the spawned goroutines ran:\n{out}");

    // A deadlock is Go's own fatal error, with exit status 2.
    let o = run("deadlock");
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("fatal error: all goroutines are asleep - deadlock!"), "{}", text(&o.stderr));
}
