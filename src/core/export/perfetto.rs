//! A scenario's run as a Chrome trace-event JSON file, for Perfetto and `chrome://tracing`.
//!
//! The format is the JSON object form of the Trace Event Format:
//! `{"traceEvents": [...], "displayTimeUnit": "ns"}`, timestamps in microseconds as decimal
//! numbers with nanosecond precision. The run is laid out as:
//!
//! - process "Ps" (pid 1): one track (thread) per P, `P0`, `P1`, ... Complete events (`X`)
//!   named `G<n>` while the P runs goroutine n (args: the goroutine's `func`, where `source`
//!   it came from, and the events that started and ended the slice), `syscall G<n>` while the
//!   P is still attached to a thread blocked in a syscall, `spinning` while its thread looks
//!   for work; gaps are idle time. Thread-scoped instants (`i`) mark the scheduler's decisions
//!   that concern the P (preemptions, overflows, hand-offs, global grabs, wake-ups, ...), each
//!   with its explanation in `args.text`. Counters (`C`) follow the global queue and each P's
//!   local queue (runnext included).
//! - process "Ms" (pid 2): one track per thread, `M0`, `M1 (sysmon)`, ...: `G<n>` while the
//!   thread runs a goroutine, `syscall G<n>` while it is blocked in a syscall, `spinning`,
//!   `netpoll` (blocked in the network poller), `waking` (being created or woken); gaps are
//!   parked time. Instants for thread creation, parking, exit and locked hand-offs; a counter
//!   of live threads.
//! - steals as flow events (`s` on the victim's P track, `f` on the thief's, same `id`), drawn
//!   as arrows from victim to thief.
//! - program-wide instants (GOMAXPROCS changes, stop-the-world, user actions, the outcome).
//!
//! Track ids are P or M id + 1 (tid 0 is avoided: some viewers treat it specially). The state
//! of every P and M is read from [`Sim::tracks`] after each step (the board's state without the
//! queues' contents, O(Ps + Ms) per step), so slices follow exactly what the board shows and a
//! long run costs time in proportion to its steps, not to steps × goroutines.

use crate::core::event::{Event, Kind, What};
use crate::core::ids::{GId, MId};
use crate::core::scenario::Scenario;
use crate::core::sim::{Activity, Sim, Tracks};

/// Process id of the Ps' tracks.
pub const PID_PS: u32 = 1;
/// Process id of the Ms' tracks.
pub const PID_MS: u32 = 2;

/// Runs `s` for at most `max_steps` steps (or to its end) and returns the run as Chrome
/// trace-event JSON (see the module documentation for the layout).
pub fn perfetto_trace(s: &Scenario, max_steps: u64) -> String {
    perfetto_export(s, max_steps).json
}

/// A trace and how much of the run it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PerfettoExport {
    /// The trace, exactly as [`perfetto_trace`] writes it.
    pub json: String,
    /// Steps traced.
    pub steps: u64,
    /// The run ended within them (otherwise it was cut at `max_steps`).
    pub ended: bool,
}

/// [`perfetto_trace`], saying also whether the whole run fits in `max_steps` (the page bounds
/// its downloads and says so when a run is cut).
pub fn perfetto_export(s: &Scenario, max_steps: u64) -> PerfettoExport {
    let mut sim = Sim::new(s);
    let mut t = Tracer::new();
    let mut tracks = Tracks::default();
    let mut ended = false;
    while sim.step_count() < max_steps {
        if !sim.step() {
            ended = true;
            break;
        }
        sim.tracks(&mut tracks);
        t.step(&sim, &tracks);
    }
    // Cut exactly at the end: the run has no further step.
    ended = ended || sim.finished();
    let steps = sim.step_count();
    PerfettoExport { json: t.finish(&sim, s), steps, ended }
}

/// What a track shows between two steps: a P's or an M's [`Activity`] as drawn (a P's M on
/// its way to it, an M parked, locked, exited or running sysmon: no slice).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Slice {
    Idle,
    /// Running goroutine n.
    Run(GId),
    /// Goroutine n in a syscall (the M blocked; on a P track: the P still attached).
    Syscall(GId),
    Spinning,
    Scheduling,
    Netpoll,
    Waking,
}

impl Slice {
    fn of(a: Activity) -> Slice {
        match a {
            Activity::Run(g) => Slice::Run(g),
            Activity::Syscall(g) => Slice::Syscall(g),
            Activity::Spinning => Slice::Spinning,
            Activity::Scheduling => Slice::Scheduling,
            Activity::Netpoll => Slice::Netpoll,
            Activity::Waking { .. } => Slice::Waking,
            Activity::Idle | Activity::Locked | Activity::Sysmon | Activity::Dead => Slice::Idle,
        }
    }

    /// Its name and category.
    fn name_cat(&self) -> (String, &'static str) {
        match self {
            Slice::Idle => ("idle".into(), "thread"),
            Slice::Run(g) => (g.to_string(), "goroutine"),
            Slice::Syscall(g) => (format!("syscall {g}"), "syscall"),
            Slice::Spinning => ("spinning".into(), "schedule"),
            Slice::Scheduling => ("scheduling".into(), "schedule"),
            Slice::Netpoll => ("netpoll".into(), "netpoll"),
            Slice::Waking => ("waking".into(), "thread"),
        }
    }

    fn g(&self) -> Option<GId> {
        match self {
            Slice::Run(g) | Slice::Syscall(g) => Some(*g),
            _ => None,
        }
    }
}

/// An open slice on a track.
struct Open {
    act: Slice,
    since: u64,
    /// Its `args` object's members, written (`"g":3,"func":"cpu",...`).
    args: String,
}

/// Kinds shown as slices rather than instants.
const AS_SLICES: [Kind; 11] = [
    Kind::GoStart,
    Kind::GoDestroy,
    Kind::GoBlock,
    Kind::GoStop,
    Kind::GoSyscallBegin,
    Kind::GoSyscallEnd,
    Kind::GoSyscallEndBlocked,
    Kind::ProcStart,
    Kind::ProcStop,
    Kind::SpinStart,
    Kind::SpinStop,
];

/// Kinds that concern the whole program.
const GLOBAL: [Kind; 8] = [Kind::ProcsChange, Kind::STWBegin, Kind::STWEnd, Kind::Action, Kind::Deadlock, Kind::Panic, Kind::Fatal, Kind::Exit];

/// Kinds that belong on the thread's track even when they name a P.
const ON_M: [Kind; 8] = [
    Kind::ThreadCreate,
    Kind::ThreadPark,
    Kind::ThreadWake,
    Kind::ThreadExit,
    Kind::LockedPark,
    Kind::LockedHandoff,
    Kind::NetpollBlock,
    Kind::NetpollReady,
];

/// Kinds that end a goroutine's slice, to name in its `end` argument.
const ENDS: [Kind; 9] =
    [Kind::GoStop, Kind::GoBlock, Kind::GoDestroy, Kind::GoSyscallBegin, Kind::Exit, Kind::Panic, Kind::Deadlock, Kind::LockedPark, Kind::Fatal];

/// Compact JSON written straight into a string, members in the order written (as
/// `serde_json` with `preserve_order` writes them).
trait JsonOut {
    /// `"k":` after the object's `{` or a `,` after a previous member.
    fn key(&mut self, k: &str);
    /// `"k":"v"`, `v` escaped.
    fn str_member(&mut self, k: &str, v: &str);
    /// `"k":n`.
    fn num_member(&mut self, k: &str, n: u64);
    /// `"k":t`, the time `ns` in microseconds as a JSON number (`ns as f64 / 1000.0`).
    fn ts_member(&mut self, k: &str, ns: u64);
}

impl JsonOut for String {
    fn key(&mut self, k: &str) {
        if !self.ends_with('{') {
            self.push(',');
        }
        self.push('"');
        self.push_str(k);
        self.push_str("\":");
    }

    fn str_member(&mut self, k: &str, v: &str) {
        self.key(k);
        if let Ok(text) = serde_json::to_string(v) {
            self.push_str(&text);
        }
    }

    fn num_member(&mut self, k: &str, n: u64) {
        self.key(k);
        self.push_str(&n.to_string());
    }

    fn ts_member(&mut self, k: &str, ns: u64) {
        self.key(k);
        self.push_str(&us(ns));
    }
}

/// `ns` in microseconds, written as `serde_json` writes `ns as f64 / 1000.0`: `0.0`, `1.1`,
/// `1000.25`. Below 10^15 ns the quotient's shortest round-trip form is its exact decimal, so
/// integer arithmetic writes it; beyond, the float itself is written.
fn us(ns: u64) -> String {
    if ns >= 1_000_000_000_000_000 {
        return serde_json::to_string(&(ns as f64 / 1000.0)).unwrap_or_default();
    }
    let (int, frac) = (ns / 1000, ns % 1000);
    if frac == 0 {
        return format!("{int}.0");
    }
    let mut text = format!("{int}.{frac:03}");
    while text.ends_with('0') {
        text.pop();
    }
    text
}

struct Tracer {
    /// The events written so far, each preceded by `,\n`.
    events: String,
    ps: Vec<Option<Open>>,
    ms: Vec<Option<Open>>,
    /// Function name of each goroutine (index: id - 1).
    funcs: Vec<String>,
    flow: u64,
    global_len: Option<usize>,
    local_lens: Vec<Option<usize>>,
    threads: Option<u32>,
    sysmon: Option<MId>,
}

impl Tracer {
    fn new() -> Tracer {
        Tracer {
            events: String::new(),
            ps: Vec::new(),
            ms: Vec::new(),
            funcs: Vec::new(),
            flow: 0,
            global_len: None,
            local_lens: Vec::new(),
            threads: None,
            sysmon: None,
        }
    }

    /// Starts an event: `,\n{"name":name`.
    fn begin(&mut self, name: &str) {
        self.events.push_str(",\n{");
        self.events.str_member("name", name);
    }

    /// A counter: `{"name":name,"ph":"C","ts":now,"pid":pid,"args":{arg:n}}`.
    fn counter(&mut self, name: &str, now: u64, pid: u32, arg: &str, n: u64) {
        self.begin(name);
        let o = &mut self.events;
        o.str_member("ph", "C");
        o.ts_member("ts", now);
        o.num_member("pid", pid.into());
        o.key("args");
        o.push('{');
        o.num_member(arg, n);
        o.push_str("}}");
    }

    fn step(&mut self, sim: &Sim, state: &Tracks) {
        let now = sim.now();
        let prog = sim.program();
        self.sysmon = Some(state.sysmon_m);
        for e in sim.events() {
            if let What::GoCreate { func, .. } = e.what {
                if let Some(g) = e.g {
                    let i = g.index();
                    if self.funcs.len() <= i {
                        self.funcs.resize(i + 1, String::new());
                    }
                    self.funcs[i] = prog.body_name(func).to_string();
                }
            }
        }
        // Tracks: what each P and M does from now on.
        for p in 0..self.ps.len().max(state.ps.len()) {
            let act = state.ps.get(p).map_or(Slice::Idle, |x| Slice::of(x.activity));
            self.transition(true, p, act, now, sim);
        }
        for (m, x) in state.ms.iter().enumerate() {
            self.transition(false, m, Slice::of(x.activity), now, sim);
        }
        // Instants and flows.
        for e in sim.events() {
            self.event(e, sim);
        }
        // Counters.
        if self.global_len != Some(state.global_len) {
            self.global_len = Some(state.global_len);
            self.counter("global runqueue", now, PID_PS, "goroutines", state.global_len as u64);
        }
        if self.local_lens.len() < state.ps.len() {
            self.local_lens.resize(state.ps.len(), None);
        }
        for p in 0..self.local_lens.len() {
            let len = state.ps.get(p).map_or(0, |x| x.local_len);
            if self.local_lens[p] != Some(len) {
                self.local_lens[p] = Some(len);
                self.counter(&format!("P{p} runq"), now, PID_PS, "goroutines", len as u64);
            }
        }
        let threads = sim.thread_count();
        if self.threads != Some(threads) {
            self.threads = Some(threads);
            self.counter("threads", now, PID_MS, "threads", threads.into());
        }
    }

    /// Track `id` of the Ps (`p`) or the Ms now shows `act`: close what it showed, open `act`.
    fn transition(&mut self, p: bool, id: usize, act: Slice, now: u64, sim: &Sim) {
        let tracks = if p { &mut self.ps } else { &mut self.ms };
        if tracks.len() <= id {
            tracks.resize_with(id + 1, || None);
        }
        if tracks[id].as_ref().map(|o| &o.act) == Some(&act) || (tracks[id].is_none() && act == Slice::Idle) {
            return;
        }
        if let Some(open) = tracks[id].take() {
            self.close(p, id, open, now, sim);
        }
        if act != Slice::Idle {
            let args = self.open_args(&act, sim);
            let tracks = if p { &mut self.ps } else { &mut self.ms };
            tracks[id] = Some(Open { act, since: now, args });
        }
    }

    fn open_args(&self, act: &Slice, sim: &Sim) -> String {
        let mut args = String::from("{");
        if let Some(g) = act.g() {
            args.num_member("g", g.0.into());
            if let Some(f) = self.funcs.get(g.index()) {
                args.str_member("func", f);
            }
            let start = sim.events().iter().find(|e| e.g == Some(g) && e.what.kind_of() == Kind::GoStart);
            match (act, start) {
                (Slice::Run(_), Some(e)) => {
                    if let What::GoStart { from, .. } = e.what {
                        args.str_member("source", from.name());
                    }
                    args.str_member("start", &e.explain(sim.program()));
                }
                _ => {
                    let why = sim.events().iter().find(|e| e.g == Some(g));
                    if let Some(e) = why {
                        if matches!(act, Slice::Run(_)) && matches!(e.what, What::GoSyscallEnd | What::GoSyscallEndBlocked { .. }) {
                            // Back from a syscall, running on again.
                            args.str_member("source", "syscall");
                        }
                        args.str_member("start", &e.explain(sim.program()));
                    }
                }
            }
        }
        args.remove(0);
        args
    }

    fn close(&mut self, p: bool, id: usize, mut open: Open, now: u64, sim: &Sim) {
        if let Some(g) = open.act.g() {
            let end = sim.events().iter().find(|e| e.g == Some(g) && ENDS.contains(&e.what.kind_of()));
            if let Some(e) = end {
                open.args.insert(0, '{');
                open.args.str_member("end", &e.explain(sim.program()));
                open.args.remove(0);
            }
        }
        self.slice(p, id, &open, now);
    }

    fn slice(&mut self, p: bool, id: usize, open: &Open, now: u64) {
        let pid = if p { PID_PS } else { PID_MS };
        let (name, cat) = open.act.name_cat();
        self.begin(&name);
        let o = &mut self.events;
        o.str_member("cat", cat);
        o.str_member("ph", "X");
        o.ts_member("ts", open.since);
        o.ts_member("dur", now - open.since);
        o.num_member("pid", pid.into());
        o.num_member("tid", id as u64 + 1);
        o.key("args");
        o.push('{');
        o.push_str(&open.args);
        o.push_str("}}");
    }

    /// The start of a flow event of a steal: `name`, `cat`, `ph` (and `bp`), `id`, `ts`.
    fn flow_event(&mut self, ph: &str, id: u64, t: u64, tid: u32) {
        self.begin("steal");
        let o = &mut self.events;
        o.str_member("cat", "steal");
        o.str_member("ph", ph);
        if ph == "f" {
            o.str_member("bp", "e");
        }
        o.num_member("id", id);
        o.ts_member("ts", t);
        o.num_member("pid", PID_PS.into());
        o.num_member("tid", u64::from(tid) + 1);
        o.push('}');
    }

    fn event(&mut self, e: &Event, sim: &Sim) {
        let kind = e.what.kind_of();
        if AS_SLICES.contains(&kind) {
            return;
        }
        let (pid, tid, scope) = if GLOBAL.contains(&kind) {
            (PID_PS, 1, "g")
        } else if let (true, Some(m)) = (ON_M.contains(&kind), e.m) {
            (PID_MS, m.0 as u64 + 1, "t")
        } else if let Some(p) = e.p {
            (PID_PS, p.0 as u64 + 1, "t")
        } else if let Some(m) = e.m {
            (PID_MS, m.0 as u64 + 1, "t")
        } else {
            (PID_PS, 1, "g")
        };
        self.begin(kind.name());
        let o = &mut self.events;
        o.str_member("cat", "scheduler");
        o.str_member("ph", "i");
        o.str_member("s", scope);
        o.ts_member("ts", e.t);
        o.num_member("pid", pid.into());
        o.num_member("tid", tid);
        o.key("args");
        o.push('{');
        o.str_member("text", &e.explain(sim.program()));
        if let Some(g) = e.g {
            o.num_member("g", g.0.into());
        }
        if let Some(detail) = e.detail_json() {
            o.key("detail");
            o.push_str(&detail);
        }
        o.push_str("}}");
        if let (What::Steal { victim, .. }, Some(thief)) = (&e.what, e.p) {
            self.flow += 1;
            let id = self.flow;
            self.flow_event("s", id, e.t, victim.0);
            self.flow_event("f", id, e.t, thief.0);
        }
    }

    /// A metadata event: `{"name":name,"ph":"M","pid":pid[,"tid":tid],"args":{arg:value}}`.
    fn meta(out: &mut String, name: &str, pid: u32, tid: Option<usize>, arg: &str, value: Result<&str, usize>) {
        out.push('{');
        out.str_member("name", name);
        out.str_member("ph", "M");
        out.num_member("pid", pid.into());
        if let Some(t) = tid {
            out.num_member("tid", t as u64 + 1);
        }
        out.key("args");
        out.push('{');
        match value {
            Ok(text) => out.str_member(arg, text),
            Err(n) => out.num_member(arg, n as u64),
        }
        out.push_str("}},\n");
    }

    fn finish(mut self, sim: &Sim, s: &Scenario) -> String {
        let now = sim.now();
        for p in 0..self.ps.len() {
            if let Some(open) = self.ps[p].take() {
                self.slice(true, p, &open, now);
            }
        }
        for m in 0..self.ms.len() {
            if let Some(open) = self.ms[m].take() {
                self.slice(false, m, &open, now);
            }
        }
        let mut out = String::from("{\"traceEvents\":[\n");
        let meta = Tracer::meta;
        meta(&mut out, "process_name", PID_PS, None, "name", Ok("Ps"));
        meta(&mut out, "process_sort_index", PID_PS, None, "sort_index", Err(1));
        meta(&mut out, "process_name", PID_MS, None, "name", Ok("Ms"));
        meta(&mut out, "process_sort_index", PID_MS, None, "sort_index", Err(2));
        for p in 0..self.ps.len().max(s.gomaxprocs as usize) {
            meta(&mut out, "thread_name", PID_PS, Some(p), "name", Ok(&format!("P{p}")));
            meta(&mut out, "thread_sort_index", PID_PS, Some(p), "sort_index", Err(p));
        }
        for m in 0..self.ms.len() {
            let name = if Some(MId(m as u32)) == self.sysmon { format!("M{m} (sysmon)") } else { format!("M{m}") };
            meta(&mut out, "thread_name", PID_MS, Some(m), "name", Ok(&name));
            meta(&mut out, "thread_sort_index", PID_MS, Some(m), "sort_index", Err(m));
        }
        // The metadata's last `,\n` and the events' first one are the same separator.
        out.truncate(out.len() - 2);
        out.push_str(&self.events);
        out.push_str("\n],\n\"displayTimeUnit\":\"ns\",\n\"otherData\":{");
        out.str_member("scenario", &s.name);
        out.str_member("go", &sim.go_release());
        out.num_member("steps", sim.step_count());
        out.num_member("end_ns", now);
        match sim.outcome() {
            Some(o) => out.str_member("outcome", &o.message()),
            None => {
                out.key("outcome");
                out.push_str("null");
            }
        }
        out.str_member("generator", "GMP Playground");
        out.push_str("}}\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::event::Source;
    use crate::core::scenario::parse;
    use serde_json::Value;

    fn trace(json: &str, max: u64) -> Value {
        serde_json::from_str(&perfetto_trace(&parse(json).unwrap(), max)).expect("the trace is JSON")
    }

    const STEAL: &str = r#"{"version":1,"gomaxprocs":2,"funcs":{"cpu":[{"work":"1ms"},{"done":"wg"}]},
        "main":[{"add":{"wg":"wg","n":8}},{"go":{"func":"cpu","n":8}},{"wait":"wg"}]}"#;

    /// The times are written exactly as `serde_json` writes `ns as f64 / 1000.0`.
    #[test]
    fn microseconds_are_written_as_serde_json_writes_the_float() {
        let float = |ns: u64| serde_json::to_string(&(ns as f64 / 1000.0)).unwrap();
        let mut samples = vec![0, 1, 10, 100, 999, 1000, 1001, 1010, 1100, 1_000_250, 999_999_999_999_999, 1_000_000_000_000_000, u64::MAX];
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            samples.push(x % 1_000_000_000_000_000);
            samples.push(x % 10_000_000);
        }
        for ns in samples {
            assert_eq!(us(ns), float(ns), "{ns} ns");
        }
    }

    /// A slice's `source` is the name `Source` serializes to.
    #[test]
    fn source_names_are_the_serialized_names() {
        for from in [Source::Runnext, Source::Local, Source::Fairness, Source::Global, Source::Steal, Source::Netpoll, Source::Start, Source::Locked] {
            assert_eq!(serde_json::to_value(from).unwrap(), from.name());
        }
    }

    #[test]
    fn names_processes_and_tracks() {
        let v = trace(STEAL, u64::MAX);
        assert_eq!(v["displayTimeUnit"], "ns");
        let evs = v["traceEvents"].as_array().unwrap();
        let named = |pid: u64, tid: u64| {
            evs.iter()
                .find(|e| e["ph"] == "M" && e["name"] == "thread_name" && e["pid"] == pid && e["tid"] == tid)
                .map(|e| e["args"]["name"].as_str().unwrap().to_string())
        };
        assert_eq!(named(1, 1).as_deref(), Some("P0"));
        assert_eq!(named(1, 2).as_deref(), Some("P1"));
        assert_eq!(named(2, 1).as_deref(), Some("M0"));
        assert_eq!(named(2, 2).as_deref(), Some("M1 (sysmon)"));
        assert!(evs.iter().any(|e| e["name"] == "process_name" && e["args"]["name"] == "Ps"));
    }

    #[test]
    fn a_steal_is_a_flow_from_victim_to_thief() {
        let v = trace(STEAL, u64::MAX);
        let evs = v["traceEvents"].as_array().unwrap();
        let s = evs.iter().find(|e| e["ph"] == "s").expect("a flow start");
        let f = evs.iter().find(|e| e["ph"] == "f" && e["id"] == s["id"]).expect("its end");
        assert_eq!((s["tid"].as_u64(), f["tid"].as_u64()), (Some(1), Some(2)), "P0 to P1");
        assert_eq!(s["ts"], f["ts"]);
        // The thief's slice of the stolen goroutine starts at the steal.
        assert!(evs.iter().any(|e| e["ph"] == "X" && e["pid"] == 1 && e["tid"] == 2 && e["ts"] == f["ts"] && e["args"]["source"] == "steal"));
    }

    #[test]
    fn goroutine_slices_carry_func_source_and_why_they_ended() {
        let v = trace(STEAL, u64::MAX);
        let evs = v["traceEvents"].as_array().unwrap();
        let g9 = evs.iter().find(|e| e["ph"] == "X" && e["name"] == "G9" && e["pid"] == 1).unwrap();
        assert_eq!(g9["args"]["func"], "cpu");
        assert_eq!(g9["args"]["source"], "runnext");
        assert_eq!(g9["ts"].as_f64(), Some(1.1));
        assert!(g9["args"]["end"].as_str().unwrap().contains("G9 returns"), "{g9}");
        assert!((g9["dur"].as_f64().unwrap() - 1000.25).abs() < 1e-9, "{g9}");
    }

    #[test]
    fn the_export_says_whether_the_run_was_cut() {
        let s = parse(STEAL).unwrap();
        let cut = perfetto_export(&s, 14);
        assert_eq!((cut.steps, cut.ended), (14, false));
        assert_eq!(cut.json, perfetto_trace(&s, 14));
        let whole = perfetto_export(&s, u64::MAX);
        assert!(whole.ended);
        assert_eq!(perfetto_export(&s, whole.steps), whole, "cut exactly at the last step");
    }

    #[test]
    fn a_cut_run_closes_its_slices() {
        let v = trace(STEAL, 14);
        assert_eq!(v["otherData"]["steps"], 14);
        let evs = v["traceEvents"].as_array().unwrap();
        assert!(evs.iter().any(|e| e["ph"] == "X" && e["name"] == "G9"));
        assert!(v["otherData"]["outcome"].is_null());
    }
}
