//! The trace reader against real Go: the programs in `tests/trace/` write execution traces at
//! test time with Go 1.26.6 and Go 1.27.3 (installed by `.ci/setup`), and what the reader and
//! `gmpsim trace` make of each is checked against `go tool trace -d=wire` of the same file.
//! Also: bad traces through the command line, memory bounded by the largest generation, and
//! a property test that mutated real traces never make the reader panic.
#![cfg(not(target_arch = "wasm32"))]

#[path = "trace/synth.rs"]
mod synth;

mod common;
use common::go;

use gmp::core::trace::summary::summarize;
use gmp::core::trace::{ErrorKind, EventKind, Pull, TraceError, TraceEvent, TraceReader};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

const FIXTURE: &[u8] = include_bytes!("trace/fixtures/generations-go1.26.6.trace");
const GO_VERSIONS: [&str; 2] = ["1.26.6", "1.27.3"];

/// The pinned toolchain `version` (see `common/go.rs`); a clear failure when it is missing.
fn toolchain(version: &'static str) -> go::Toolchain {
    go::toolchain(version).unwrap_or_else(|e| panic!("{e}"))
}

/// Runs `cmd` with a deadline; its standard output, or a failure that says what went wrong.
fn run(cmd: Command, what: &str, limit: Duration) -> String {
    let out = go::run(cmd, limit).unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(out.status.success(), "{what} failed ({}):\n{}", out.status, String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap_or_else(|e| panic!("{what}: output is not UTF-8: {e}"))
}

/// Each event name that `go tool trace -d=wire` prints, with its count.
fn wire_counts(version: &'static str, dir: &Path) -> BTreeMap<String, u64> {
    let mut cmd = go::command(&toolchain(version));
    cmd.args(["tool", "trace", "-d=wire"]).arg(dir.join("out.trace"));
    let text = run(cmd, &format!("go {version} tool trace -d=wire"), Duration::from_secs(300));
    let mut counts = BTreeMap::new();
    for line in text.lines().filter(|l| !l.starts_with(char::is_whitespace) && !l.is_empty()) {
        let name = line.split(' ').next().unwrap();
        *counts.entry(name.to_string()).or_insert(0) += 1;
    }
    counts
}

/// Runs `gmpsim` with arguments; returns (exit status, stdout, stderr).
fn gmpsim(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_gmpsim")).args(args).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

/// Reads `bytes` fed `chunk` bytes at a time: the events, or the error.
fn read(bytes: &[u8], chunk: usize) -> (Vec<TraceEvent>, Option<TraceError>) {
    let mut r = TraceReader::new();
    let (mut fed, mut out) = (0, Vec::new());
    loop {
        match r.next() {
            Ok(Pull::Event(e)) => out.push(*e),
            Ok(Pull::NeedInput) if fed < bytes.len() => {
                let n = chunk.min(bytes.len() - fed);
                r.feed(&bytes[fed..fed + n]);
                fed += n;
            }
            Ok(Pull::NeedInput) => r.finish(),
            Ok(Pull::End) => return (out, None),
            Err(e) => return (out, Some(e)),
        }
    }
}

/// Everything checked for one program's trace with one Go version.
fn check_program(program: &str, version: &'static str) {
    let (bytes, dir) = go::write_trace(version, program, &[]);
    let want = wire_counts(version, &dir);
    let s = summarize(&bytes).unwrap_or_else(|e| panic!("{program} (Go {version}): {e}"));
    let got: BTreeMap<String, u64> = s.counts.nonzero().map(|(k, n)| (k.name().to_string(), n)).collect();
    assert_eq!(got, want, "{program} (Go {version}): counts against go tool trace -d=wire");

    // The command line says the same.
    let file = dir.join("out.trace");
    let (code, out, err) = gmpsim(&["trace", file.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let j: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(j["go"], "1.26", "Go 1.26 and 1.27 both write the go 1.26 format");
    let cli: BTreeMap<String, u64> = j["counts"].as_object().unwrap().iter().map(|(k, v)| (k.clone(), v.as_u64().unwrap())).collect();
    assert_eq!(cli, want, "{program} (Go {version}): gmpsim trace --format json");
    assert_eq!(j["gomaxprocs"].as_u64(), Some(s.gomaxprocs));
    assert_eq!(j["goroutines"].as_u64(), Some(s.goroutines.len() as u64));
    assert_eq!(j["threads"].as_u64(), Some(s.threads.len() as u64));
    assert!(j["duration_ns"].as_u64().unwrap() > 0);
    let (code, jsonl, _) = gmpsim(&["trace", file.to_str().unwrap(), "--format", "jsonl"]);
    assert_eq!(code, 0);
    let timed: u64 = s.counts.nonzero().filter(|(k, _)| k.is_timed() && *k != EventKind::ClockSnapshot).map(|(_, n)| n).sum();
    assert_eq!(jsonl.lines().count() as u64, timed, "one jsonl line per timed event");
    for line in jsonl.lines() {
        let e: serde_json::Value = serde_json::from_str(line).unwrap();
        for key in ["t", "kind", "wire", "g", "p", "m", "gen", "args"] {
            assert!(e.get(key).is_some(), "{line} lacks {key}");
        }
        // The kind is one of the simulator's kinds where the simulator has one (its STWBegin and
        // STWEnd, which are also the wire's names), else the wire name itself.
        let (kind, wire) = (e["kind"].as_str().unwrap(), e["wire"].as_str().unwrap());
        assert!(kind == wire || gmp::core::event::Kind::from_name(kind).is_some(), "{line}: kind {kind} is neither");
        if wire == "STWBegin" || wire == "STWEnd" {
            assert_eq!(kind, wire, "{line}");
        }
    }

    // Streaming: bytes fed in small pieces give the same events.
    let (whole, e1) = read(&bytes, usize::MAX);
    let (pieces, e2) = read(&bytes, 333);
    assert!(e1.is_none() && e2.is_none());
    assert_eq!(whole, pieces);

    // Each event has the thread, P and goroutine it happened on.
    let mut last: BTreeMap<u64, u64> = BTreeMap::new();
    for e in &whole {
        use EventKind::*;
        match e.kind {
            GoBlock | GoStop | GoDestroy | GoSyscallBegin | GoSyscallEnd | GoSyscallEndBlocked => {
                assert!(e.g.is_some(), "{program} (Go {version}): {e:?} has no goroutine")
            }
            GoStart => assert!(e.p.is_some() && e.g.is_none(), "{program} (Go {version}): {e:?}"),
            GoCreate => assert!(e.g.is_some(), "{program} (Go {version}): {e:?}"),
            _ => {}
        }
        let t = last.entry(e.m).or_insert(0);
        assert!(e.time_ns >= *t, "{e:?}");
        *t = e.time_ns;
    }

    let n = |k: EventKind| s.counts.get(k);
    match program {
        "goroutines" => {
            assert!(n(EventKind::GoCreate) >= 20 && s.goroutines.len() >= 21, "{:?}", s.goroutines.len());
            assert!(n(EventKind::GoBlock) >= 1 && n(EventKind::GoUnblock) >= 1);
        }
        "syscalls" => {
            assert_eq!(s.gomaxprocs, 2);
            assert!(n(EventKind::GoSyscallBegin) >= 4);
            assert!(n(EventKind::ProcSteal) + n(EventKind::GoSyscallEndBlocked) >= 1, "sysmon took no P from a 30 ms syscall");
            assert!(s.threads.len() >= 3, "{:?}", s.threads);
        }
        "procs" => {
            assert!(s.generations >= 2, "{} generations in 2.5 s", s.generations);
            assert_eq!((s.gomaxprocs, s.max_gomaxprocs), (3, 4));
            assert!(n(EventKind::ProcsChange) >= 8 && n(EventKind::STWBegin) >= 4);
            assert!(s.duration_ns() >= 2_400_000_000, "{}", s.duration_ns());
        }
        _ => unreachable!(),
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn go_1_26_traces_read_as_go_tool_trace_reads_them() {
    for p in ["goroutines", "syscalls", "procs"] {
        check_program(p, GO_VERSIONS[0]);
    }
}

#[test]
fn go_1_27_traces_read_as_go_tool_trace_reads_them() {
    for p in ["goroutines", "syscalls", "procs"] {
        check_program(p, GO_VERSIONS[1]);
    }
}

#[test]
fn bad_traces_exit_2_naming_the_offset() {
    let dir = std::env::temp_dir().join(format!("gmp-trace-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("truncated", FIXTURE[..FIXTURE.len() / 2].to_vec(), "found the end of the input (truncated trace)"),
        ("magic", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(), "offset 0: expected a Go execution trace header"),
        ("old", [&b"go 1.21 trace\0\0\0"[..], &FIXTURE[16..]].concat(), "offset 5: this is a go 1.21 trace, from before Go 1.22"),
        ("unknown", [&b"go 1.30 trace\0\0\0"[..], &FIXTURE[16..]].concat(), "offset 5: unknown trace version go 1.30"),
        ("garbage", [&FIXTURE[..16], &[0xee; 40][..]].concat(), "offset 16: expected a batch header (EventBatch or ExperimentalBatch) or EndOfGeneration, found byte 0xee"),
        ("empty", Vec::new(), "offset 0: expected a Go execution trace header"),
    ];
    for (name, bytes, want) in cases {
        let file = dir.join(format!("{name}.trace"));
        std::fs::write(&file, &bytes).unwrap();
        let path = file.to_str().unwrap();
        for format in ["summary", "json", "jsonl"] {
            let (code, _, err) = gmpsim(&["trace", path, "--format", format]);
            assert_eq!(code, 2, "{name} --format {format}: {err}");
            assert!(err.starts_with(&format!("{path}: offset ")), "{name}: {err}");
            assert!(err.contains(want), "{name}: {err}");
            assert_eq!(err.lines().count(), 1, "{err}");
        }
    }
    let (code, _, err) = gmpsim(&["trace", dir.join("missing.trace").to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    let (code, out, _) = gmpsim(&["trace", std::fs::canonicalize("tests/trace/fixtures/generations-go1.26.6.trace").unwrap().to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(out.contains("generations:  3"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn memory_is_bounded_by_the_largest_generation_not_the_file() {
    let (big, largest) = synth::repeat_generations(FIXTURE, 24 << 20);
    assert!(big.len() >= 24 << 20);
    let chunk = 64 << 10;
    let mut r = TraceReader::new();
    let (mut fed, mut events, mut peak) = (0, 0u64, 0);
    loop {
        match r.next().unwrap() {
            Pull::Event(_) => events += 1,
            Pull::NeedInput if fed < big.len() => {
                let n = chunk.min(big.len() - fed);
                r.feed(&big[fed..fed + n]);
                fed += n;
            }
            Pull::NeedInput => r.finish(),
            Pull::End => break,
        }
        peak = peak.max(r.buffered_bytes());
    }
    assert_eq!(r.largest_generation(), largest);
    assert!(peak <= 3 * largest + 2 * chunk, "held {peak} bytes; the largest generation is {largest}, the file {}", big.len());
    let copies = big.len() / FIXTURE.len();
    assert!(events >= 499 * copies as u64, "{events}");
}

#[test]
fn older_formats_read_the_same_events() {
    let (events, err) = read(FIXTURE, usize::MAX);
    assert!(err.is_none());
    let s26 = summarize(FIXTURE).unwrap();
    for minor in [25, 23] {
        let old = synth::to_older_format(FIXTURE, minor);
        for chunk in [usize::MAX, 100, 1] {
            let (evs, err) = read(&old, chunk);
            assert!(err.is_none(), "go 1.{minor}, chunk {chunk}: {err:?}");
            // The same events but for their byte offsets (the older formats are shorter).
            let strip = |v: &[TraceEvent]| v.iter().map(|e| TraceEvent { offset: 0, ..*e }).collect::<Vec<_>>();
            assert!(strip(&evs) == strip(&events), "go 1.{minor}, chunk {chunk}: different events");
        }
        let s = summarize(&old).unwrap();
        assert_eq!(s.version.unwrap().minor(), minor);
        assert_eq!(s.generations, 3);
        for (k, n) in s26.counts.nonzero() {
            let want = match (k, minor) {
                (EventKind::EndOfGeneration, _) => 0,
                (EventKind::Sync | EventKind::ClockSnapshot, 23) => 0,
                _ => n,
            };
            assert_eq!(s.counts.get(k), want, "go 1.{minor}: {}", k.name());
        }
        // A Go 1.25 trace must have its clock snapshot.
        if minor == 25 {
            let no_clock = synth::to_older_format(FIXTURE, 23);
            let mut relabeled = no_clock.clone();
            relabeled[..16].copy_from_slice(b"go 1.25 trace\0\0\0");
            let e = read(&relabeled, usize::MAX).1.unwrap();
            assert!(e.to_string().contains("expected a sync batch") || e.to_string().contains("ClockSnapshot") || e.to_string().contains("Frequency"), "{e}");
        }
    }
    // Truncation of an older format: the last generation is simply shorter, or the cut batch
    // is reported.
    let old = synth::to_older_format(FIXTURE, 25);
    for cut in (17..old.len()).step_by(97) {
        let _ = read(&old[..cut], 333);
    }
}

/// A mutation of a real trace.
#[derive(Clone, Debug)]
enum Mutation {
    /// Flip one bit.
    Flip(usize, u8),
    /// Cut the trace short.
    Truncate(usize),
    /// Copy a stretch of the trace over another place.
    Splice(usize, usize, usize),
    /// Put random bytes at a place.
    Insert(usize, Vec<u8>),
    /// Set one byte.
    Set(usize, u8),
}

fn mutate(base: &[u8], ms: &[Mutation]) -> Vec<u8> {
    let mut b = base.to_vec();
    for m in ms {
        let len = b.len().max(1);
        match m {
            Mutation::Flip(i, bit) => {
                if !b.is_empty() {
                    b[i % len] ^= 1 << (bit % 8);
                }
            }
            Mutation::Truncate(i) => b.truncate(i % (len + 1)),
            Mutation::Splice(from, to, n) => {
                let (from, to) = (from % len, to % len);
                let n = (*n).min(b.len().saturating_sub(from)).min(b.len().saturating_sub(to));
                let part = b[from..from + n].to_vec();
                b[to..to + n].copy_from_slice(&part);
            }
            Mutation::Insert(i, bytes) => {
                let at = i % (b.len() + 1);
                b.splice(at..at, bytes.iter().copied());
            }
            Mutation::Set(i, v) => {
                if !b.is_empty() {
                    b[i % len] = *v;
                }
            }
        }
    }
    b
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), any::<usize>(), 0usize..600).prop_map(|(a, b, n)| Mutation::Splice(a, b, n)),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..12)).prop_map(|(i, v)| Mutation::Insert(i, v)),
        (any::<usize>(), prop_oneof![Just(0u8), Just(1), Just(0x34), Just(0x80), Just(0xff), any::<u8>()]).prop_map(|(i, v)| Mutation::Set(i, v)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// Whatever is done to a real trace, the reader answers with events or an error naming a
    /// place inside the input; never a panic, and the same answer however it is fed.
    #[test]
    fn mutated_traces_never_panic(ms in prop::collection::vec(mutation(), 1..6), chunk in 1usize..5000) {
        let bytes = mutate(FIXTURE, &ms);
        let (whole, e1) = read(&bytes, usize::MAX);
        let (pieces, e2) = read(&bytes, chunk);
        prop_assert_eq!(&whole, &pieces);
        prop_assert_eq!(e1.as_ref().map(|e| (e.offset, e.kind)), e2.as_ref().map(|e| (e.offset, e.kind)));
        if let Some(e) = e1 {
            prop_assert!(e.offset <= bytes.len() as u64, "{} beyond {} bytes", e, bytes.len());
            prop_assert!(e.to_string().contains("expected"), "{}", e);
            if bytes.len() >= 16 && !bytes.starts_with(b"go 1.") {
                prop_assert_eq!(e.kind, ErrorKind::BadHeader);
            }
        }
        let _ = summarize(&bytes);
    }
}
