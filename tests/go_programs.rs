//! The Go programs of `tests/go/` (issue 11): each runs on the real Go runtime (Go 1.26.6 and
//! 1.27.3, installed by `.ci/setup` as for `tests/differential.rs`) and in the simulator
//! (`golang::import`, then a run, collecting the `Print` events), and what they print is
//! compared.
//!
//! - GOMAXPROCS 1 programs ([`Compare::Lines`]): the same lines in the same order, for SOME
//!   initial schedtick in 0..61 (the runtime's start-up goroutines leave a schedtick the
//!   program cannot control; `tests/differential/NOTES.md`).
//! - Other programs ([`Compare::Set`]): the same lines as a multiset, and the same last line
//!   (printed after a `wg.Wait()`).
//!
//! Each program is built once per release (one `go build ./...`, with a timeout) and run
//! [`RUNS`] times, one at a time, each with a timeout; it agrees with a release when MORE
//! THAN HALF of its runs agree. A run that failed to run (non-zero exit, timeout) is retried
//! at most [`RETRIES`] times; one that ran and disagreed counts as a disagreement. A missing
//! toolchain fails the test with how to install it.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::go::{self, Toolchain};
use gmp::core::event::What;
use gmp::core::golang;
use gmp::core::sim::{Outcome, Sim};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// The releases the programs run on (the [NEW] rules' releases of the differential suite).
const RELEASES: [&str; 2] = ["1.26.6", "1.27.3"];
/// Timeout of one `go build` of every program (the first also fills the build cache).
const BUILD_TIMEOUT: Duration = Duration::from_secs(300);
/// Timeout of one run of one program (each takes well under a second).
const RUN_TIMEOUT: Duration = Duration::from_secs(30);
/// Runs per program and release (odd: "more than half" is a clear majority). 7, not 3: a
/// program's prints are write syscalls, and now and then Go's main is stopped between two `go`
/// statements (`range_spawn` under Go 1.27.3 printed another order in 2 to 5 runs of 30 on an
/// idle machine), so 2 of 3 failed a whole run of this test about once in twelve; 4 of 7 seldom.
const RUNS: usize = 7;
/// How many times a run that failed to run may be retried.
const RETRIES: usize = 2;

/// How a program's output is compared.
#[derive(Clone, Copy, Debug)]
enum Compare {
    /// The same lines in the same order (GOMAXPROCS 1), for some initial schedtick.
    Lines,
    /// The same lines in any order, and the same last line.
    Set,
}

/// Every program of `tests/go/`, with how it is compared.
const PROGRAMS: &[(&str, Compare)] = &[
    ("hello", Compare::Lines),
    ("loop_vars", Compare::Lines),
    ("runnext_order", Compare::Lines),
    ("closures", Compare::Lines),
    ("worker_pool", Compare::Lines),
    ("pipeline", Compare::Lines),
    ("buffered", Compare::Lines),
    ("wg_go", Compare::Lines),
    ("gosched_turns", Compare::Lines),
    ("sleep_order", Compare::Lines),
    ("consts", Compare::Lines),
    ("closed_recv", Compare::Lines),
    ("strings_chan", Compare::Lines),
    ("zero_values", Compare::Lines),
    ("range_spawn", Compare::Lines),
    ("printf_widths", Compare::Lines),
    ("locked_thread", Compare::Lines),
    ("gomaxprocs4_set", Compare::Set),
    ("gomaxprocs2_pipeline", Compare::Set),
];

fn programs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/go")
}

fn source(name: &str) -> String {
    std::fs::read_to_string(programs_dir().join(name).join("main.go")).unwrap_or_else(|e| panic!("tests/go/{name}/main.go: {e}"))
}

/// What the simulator prints for the program, simulated as Go 1.`minor`, from initial
/// schedtick `tick`.
fn simulate(name: &str, minor: u32, tick: u32) -> String {
    let mut s = golang::import(&source(name)).unwrap_or_else(|es| {
        panic!("tests/go/{name}/main.go does not import:\n{}", es.iter().map(|e| e.render("main.go")).collect::<Vec<_>>().join("\n"))
    });
    s.go = minor;
    let mut sim = Sim::new(&s);
    sim.set_initial_schedtick(tick);
    let mut out = String::new();
    while sim.step_count() < 10_000_000 && sim.step() {
        for e in sim.events() {
            if let What::Print { text } = &e.what {
                out.push_str(text);
            }
        }
    }
    assert_eq!(sim.outcome(), Some(&Outcome::Exit), "{name}: the simulated program must exit normally");
    out
}

fn lines(text: &str) -> Vec<&str> {
    text.lines().collect()
}

/// Whether a Go run's output agrees with the simulator's outputs (one per schedtick).
fn agrees(compare: Compare, go_out: &str, sims: &[String]) -> bool {
    match compare {
        Compare::Lines => sims.iter().any(|s| s == go_out),
        Compare::Set => {
            let mut a = lines(go_out);
            let last = a.last().copied();
            a.sort_unstable();
            sims.iter().any(|s| {
                let mut b = lines(s);
                let same_last = b.last().copied() == last;
                b.sort_unstable();
                same_last && a == b
            })
        }
    }
}

/// Builds every program for one release into `dir/bin/`.
fn build_all(tc: &Toolchain, dir: &Path) -> Result<(), String> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir.join("bin")).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("go.mod"), "module gmpgo\n\ngo 1.22\n").map_err(|e| e.to_string())?;
    for (name, _) in PROGRAMS {
        std::fs::create_dir_all(dir.join(name)).map_err(|e| e.to_string())?;
        std::fs::write(dir.join(name).join("main.go"), source(name)).map_err(|e| e.to_string())?;
    }
    go::build_all(tc, dir, BUILD_TIMEOUT)
}

/// One run's standard output; Err if it failed to run.
fn run_once(bin: &Path) -> Result<String, String> {
    let out = go::run(Command::new(bin), RUN_TIMEOUT)?;
    if !out.status.success() {
        return Err(format!("exit {}: {}", out.status, String::from_utf8_lossy(&out.stderr)));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn every_program_of_tests_go_is_listed() {
    let mut dirs: Vec<String> = std::fs::read_dir(programs_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| programs_dir().join(n).join("main.go").exists())
        .collect();
    dirs.sort();
    let mut listed: Vec<String> = PROGRAMS.iter().map(|(n, _)| n.to_string()).collect();
    listed.sort();
    assert_eq!(dirs, listed, "tests/go/*/main.go and PROGRAMS must list the same programs");
    assert!(PROGRAMS.len() >= 15);
    // Every Lines program sets GOMAXPROCS 1 and every Set program another value.
    for (name, compare) in PROGRAMS {
        let s = golang::import(&source(name)).unwrap_or_else(|es| panic!("{name}: {}", es[0]));
        match compare {
            Compare::Lines => assert!(s.gomaxprocs == 1 || !source(name).contains("GOMAXPROCS"), "{name}"),
            Compare::Set => assert!(s.gomaxprocs > 1, "{name}"),
        }
        assert!(!simulate(name, s.go, 0).is_empty(), "{name} prints nothing in the simulator");
    }
}

#[test]
fn programs_print_what_real_go_prints() {
    let mut failures = Vec::new();
    let mut report = Vec::new();
    for release in RELEASES {
        let tc = go::toolchain(release).unwrap_or_else(|e| panic!("{e}"));
        let dir = std::env::temp_dir().join(format!("gmp-go-programs-{}-{release}", std::process::id()));
        if let Err(e) = build_all(&tc, &dir) {
            failures.push(format!("Go {release}: {e}"));
            continue;
        }
        let mut agreeing = 0;
        for (name, compare) in PROGRAMS {
            let ticks: Vec<u32> = match compare {
                Compare::Lines => (0..61).collect(),
                Compare::Set => vec![0],
            };
            let mut sims: Vec<String> = ticks.iter().map(|&t| simulate(name, tc.minor, t)).collect();
            sims.dedup();
            let (mut ok, mut last_go, mut errors) = (0, String::new(), Vec::new());
            for _ in 0..RUNS {
                let mut result = run_once(&dir.join("bin").join(name));
                for _ in 0..RETRIES {
                    if result.is_ok() {
                        break;
                    }
                    result = run_once(&dir.join("bin").join(name));
                }
                match result {
                    Ok(out) => {
                        if agrees(*compare, &out, &sims) {
                            ok += 1;
                        } else {
                            last_go = out;
                        }
                    }
                    Err(e) => errors.push(e),
                }
            }
            report.push(format!("{} {name}: {ok}/{RUNS}", tc.version));
            if ok * 2 > RUNS {
                agreeing += 1;
            } else {
                failures.push(format!(
                    "{name} (Go {release}, {compare:?}): {ok} of {RUNS} runs agree{}\n--- Go printed:\n{last_go}--- the simulator printed:\n{}",
                    if errors.is_empty() { String::new() } else { format!("; failed runs: {}", errors.join("; ")) },
                    sims[0]
                ));
            }
        }
        report.push(format!("{}: {agreeing} of {} programs agree", tc.version, PROGRAMS.len()));
        let _ = std::fs::remove_dir_all(&dir);
    }
    println!("{}", report.join("\n"));
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A clone of the simulator (a checkpoint: the page's step back, `core/sim/gtable.rs`'s
/// copy-on-write chunks, `G`'s own `Clone`) taken at any step runs on exactly as the original:
/// every goroutine's loops, variables and string values in flight are carried over. Each
/// program of `tests/go/` is cloned every few steps and every clone run to the end.
#[test]
fn a_clone_taken_at_any_step_runs_on_as_the_original() {
    for (name, _) in PROGRAMS {
        let s = golang::import(&source(name)).unwrap_or_else(|es| panic!("{name}: {}", es[0]));
        let mut sim = Sim::new(&s);
        let mut clones = Vec::new();
        let mut events = Vec::new();
        while sim.step() {
            events.extend(sim.events().iter().cloned());
            if sim.step_count() % 5 == 1 {
                clones.push((events.len(), sim.clone()));
            }
        }
        assert!(clones.len() >= 2, "{name}: a run of a few steps at least");
        for (from, mut c) in clones {
            let at = c.step_count();
            let mut rest = Vec::new();
            while c.step() {
                rest.extend(c.events().iter().cloned());
            }
            assert!(rest == events[from..], "{name}: a clone taken at step {at} ran on differently");
        }
    }
}
