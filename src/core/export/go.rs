//! A scenario as a runnable Go program (`main.go`), to compare the simulator with the real
//! runtime.
//!
//! The program uses the standard library only and is gofmt-clean. Each func becomes a Go
//! function, each channel a `chan struct{}` with its capacity, each WaitGroup a
//! `sync.WaitGroup`; `go f` starts the function through `spawn`, which numbers goroutines as
//! the simulator does (main is G1, then G2, G3, ... in creation order). The ops that stand for
//! time are written as real work of the same kind:
//!
//! - `work D`: a busy loop with no function calls, calibrated at start to take D of CPU time
//!   on the machine (an amount of work, not a deadline: a preempted goroutine does the rest
//!   later, as in the simulator);
//! - `syscall D`: `syscall.Nanosleep`, which blocks the thread in the kernel for D with the
//!   goroutine on it (entersyscall/exitsyscall, as a slow read or a cgo call);
//! - `net D`: a read on a loopback TCP connection whose other end writes D later, so the
//!   goroutine parks on the network poller;
//! - `sleep D`: `time.Sleep(D)`.
//!
//! Actions at a virtual time become `time.AfterFunc` calls where Go can do the same
//! (`gomaxprocs`; `spawn`, from the timer's goroutine, whatever P the action named); the
//! others (a syscall or network readiness forced on another goroutine), and every action at a
//! step, become comments. With `-trace` the program prints `start G<n>` and `end G<n>` as goroutines start
//! and return, and `threads <n>` (the `threadcreate` profile's count) when main returns: lines
//! a differential test can compare with the simulator's `GoStart`/`GoDestroy` events
//! (`tests/export.rs`, `tests/differential.rs`; the line format is a contract with them). Each
//! line is one raw `write(2)`, which the scheduler does not see as a system call, so tracing
//! gives sysmon no chance to hand a P off. `syscall.Nanosleep` and the raw write make the
//! program Linux-only (`//go:build linux`).

use crate::core::scenario::{format_duration, ActionAt, ActionKind, Arg, Op, Scenario};

/// The scenario as a Go program (`main.go`): runnable with `go run main.go`, standard library
/// only, gofmt-clean. See the module documentation for how each op is written.
pub fn go_program(s: &Scenario) -> String {
    Writer::new(s).program()
}

/// What the scenario uses, to import and define only what is needed.
#[derive(Default)]
struct Uses {
    work: bool,
    syscall: bool,
    net: bool,
    sleep: bool,
    spawn: bool,
    wg: bool,
    timed_actions: bool,
    /// Channels that carry values (declared `chan any`), by channel index. (Not a `BTreeSet`:
    /// the page would compile a B-tree for it alone.)
    valued: Vec<bool>,
    /// Each func's parameters: the variables `go` ops set in it, in order of first use.
    params: Vec<Vec<String>>,
    /// The Go types of channels and variables.
    types: crate::core::scenario::types::Types,
}

impl Uses {
    /// Marks a channel as carrying values (an index past the declared channels is ignored).
    fn value(&mut self, chan: u32) {
        if let Some(v) = self.valued.get_mut(chan as usize) {
            *v = true;
        }
    }

    fn of(s: &Scenario) -> Uses {
        let mut u = Uses { valued: vec![false; s.chans.len()], params: vec![Vec::new(); s.funcs.len()], types: crate::core::scenario::types::infer(s), ..Uses::default() };
        for body in s.funcs.iter().map(|f| &f.body[..]).chain(std::iter::once(&s.main[..])) {
            u.ops(body);
        }
        u.wg = !s.wgs.is_empty();
        for a in &s.actions {
            if let (ActionAt::Ns(_), ActionKind::Gomaxprocs(_) | ActionKind::Spawn { .. }) = (a.at, &a.kind) {
                u.timed_actions = true;
                if matches!(a.kind, ActionKind::Spawn { .. }) {
                    u.spawn = true;
                }
            }
        }
        u
    }

    fn ops(&mut self, ops: &[Op]) {
        for op in ops {
            match op {
                Op::Work(_) => self.work = true,
                Op::Syscall(_) => self.syscall = true,
                Op::Net(_) => self.net = true,
                Op::Sleep(_) => self.sleep = true,
                Op::Go { .. } => self.spawn = true,
                Op::Repeat { body, .. } | Op::For { body, .. } => self.ops(body),
                Op::GoArgs { func, args, .. } => {
                    self.spawn = true;
                    let list = &mut self.params[*func as usize];
                    for (k, _) in args {
                        if !list.contains(k) {
                            list.push(k.clone());
                        }
                    }
                }
                Op::SendValue { chan, .. } | Op::RecvInto { chan, .. } => {
                    self.value(*chan);
                }
                Op::Range { chan, var, body } => {
                    if var.is_some() {
                        self.value(*chan);
                    }
                    self.ops(body);
                }
                _ => {}
            }
        }
    }

    fn time(&self) -> bool {
        self.work || self.syscall || self.net || self.sleep || self.timed_actions
    }
}

/// True if the ops (or any nested body) contain a `net` op.
fn has_net(ops: &[Op]) -> bool {
    ops.iter().any(|op| match op {
        Op::Net(_) => true,
        Op::Repeat { body, .. } | Op::For { body, .. } | Op::Range { body, .. } => has_net(body),
        _ => false,
    })
}

struct Writer<'a> {
    s: &'a Scenario,
    uses: Uses,
    funcs: Vec<String>,
    chans: Vec<String>,
    wgs: Vec<String>,
    out: String,
}

/// A Go identifier made of `prefix` and the words of `name` (ASCII letters and digits), unique
/// among `taken`. The prefixes (`fn`, `ch`, `wg`) keep scenario names clear of Go's keywords
/// and of the helpers the program defines.
fn ident(prefix: &str, name: &str, index: usize, taken: &[String]) -> String {
    let mut id = prefix.to_string();
    for word in name.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()) {
        let mut cs = word.chars();
        if let Some(first) = cs.next() {
            id.push(first.to_ascii_uppercase());
            id.extend(cs);
        }
    }
    if id == prefix || taken.contains(&id) {
        id.push_str(&index.to_string());
    }
    while taken.contains(&id) {
        id.push('_');
    }
    id
}

/// The variables `ops` receive into, in order.
fn received(ops: &[Op], out: &mut Vec<String>) {
    for op in ops {
        match op {
            Op::RecvInto { var, .. } if !out.contains(var) => out.push(var.clone()),
            Op::Repeat { body, .. } | Op::For { body, .. } | Op::Range { body, .. } => received(body, out),
            _ => {}
        }
    }
}

/// True if `ops` (or a nested body) read the variable `v`.
fn reads_var(ops: &[Op], v: &str) -> bool {
    let is = |a: &Arg| matches!(a, Arg::Var(x) if x == v);
    ops.iter().any(|op| match op {
        Op::Print { args, .. } => args.iter().any(is),
        Op::SendValue { value, .. } => is(value),
        Op::GoArgs { args, .. } => args.iter().any(|(_, a)| is(a)),
        Op::Repeat { body, .. } | Op::For { body, .. } | Op::Range { body, .. } => reads_var(body, v),
        _ => false,
    })
}

/// A value as Go source.
fn go_arg(a: &Arg) -> String {
    match a {
        Arg::Int(n) => n.to_string(),
        Arg::Str(s) => go_quote(s),
        Arg::Var(v) => v.clone(),
    }
}

/// A Go interpreted string literal.
fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text safe inside a `//` comment: one line, no control characters.
fn comment_text(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// Words of `text` wrapped into `//` comment lines of at most about 96 columns.
fn comment_block(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::from("//");
    for word in comment_text(text).split_whitespace() {
        if line.len() > 2 && line.len() + 1 + word.len() > 96 {
            lines.push(std::mem::replace(&mut line, String::from("//")));
        }
        line.push(' ');
        line.push_str(word);
    }
    if line.len() > 2 {
        lines.push(line);
    }
    lines
}

/// A duration as a Go constant expression (`5 * time.Millisecond`), as gofmt spaces it when
/// it is a call's only argument.
fn go_duration(ns: u64) -> String {
    if ns == 0 {
        return "0".to_string();
    }
    for (unit, name) in [
        (3_600_000_000_000, "Hour"),
        (60_000_000_000, "Minute"),
        (1_000_000_000, "Second"),
        (1_000_000, "Millisecond"),
        (1_000, "Microsecond"),
    ] {
        if ns.is_multiple_of(unit) {
            let n = ns / unit;
            return if n == 1 { format!("time.{name}") } else { format!("{n} * time.{name}") };
        }
    }
    if ns == 1 {
        "time.Nanosecond".to_string()
    } else {
        format!("{ns} * time.Nanosecond")
    }
}

/// A duration as gofmt writes it among several arguments (`5*time.Millisecond`).
fn go_duration_arg(ns: u64) -> String {
    go_duration(ns).replace(" * ", "*")
}

/// The loop variable for a `for` at nesting depth `depth`.
fn loop_var(depth: usize) -> String {
    match depth {
        0 => "i".to_string(),
        1 => "j".to_string(),
        2 => "k".to_string(),
        d => format!("i{d}"),
    }
}

impl<'a> Writer<'a> {
    fn new(s: &'a Scenario) -> Writer<'a> {
        let mut funcs: Vec<String> = Vec::new();
        for (i, f) in s.funcs.iter().enumerate() {
            let id = ident("fn", &f.name, i, &funcs);
            funcs.push(id);
        }
        let mut chans: Vec<String> = Vec::new();
        for (i, c) in s.chans.iter().enumerate() {
            let id = ident("ch", &c.name, i, &chans);
            chans.push(id);
        }
        let mut wgs: Vec<String> = Vec::new();
        for (i, w) in s.wgs.iter().enumerate() {
            let id = ident("wg", w, i, &wgs);
            wgs.push(id);
        }
        Writer { s, uses: Uses::of(s), funcs, chans, wgs, out: String::new() }
    }

    fn line(&mut self, depth: usize, text: &str) {
        if !text.is_empty() {
            for _ in 0..depth {
                self.out.push('\t');
            }
            self.out.push_str(text);
        }
        self.out.push('\n');
    }

    /// [`Writer::line`] of formatted text, written in place.
    fn put(&mut self, depth: usize, text: std::fmt::Arguments<'_>) {
        use std::fmt::Write;
        for _ in 0..depth {
            self.out.push('\t');
        }
        let _ = self.out.write_fmt(text);
        self.out.push('\n');
    }

    fn lines(&mut self, text: &str) {
        self.out.push_str(text);
    }

    fn program(mut self) -> String {
        self.header();
        self.imports();
        self.declarations();
        self.main();
        for i in 0..self.s.funcs.len() {
            self.func(i);
        }
        self.helpers();
        self.out
    }

    fn header(&mut self) {
        let s = self.s;
        self.line(0, "//go:build linux");
        self.line(0, "");
        let title = if s.name.is_empty() { "a GMP Playground scenario".to_string() } else { format!("the GMP Playground scenario {:?}", comment_text(&s.name)) };
        for l in comment_block(&format!("main.go is {title}, written as a Go program to run on the real runtime.")) {
            self.line(0, &l);
        }
        if !s.description.is_empty() {
            self.line(0, "//");
            for l in comment_block(&s.description) {
                self.line(0, &l);
            }
        }
        let scheduler = format!(
            "The simulator modelled the scheduler of Go 1.{} with GOMAXPROCS={} and seed {}; the real runtime chooses steal victims at random, so runs differ in detail.",
            s.go, s.gomaxprocs, s.seed
        );
        self.lines(
            "//\n\
             // Run it (Linux; it prints nothing unless asked, and exits as the simulated program did):\n\
             //\n\
             //\tgo run main.go\n\
             //\n\
             // With -trace it prints \"start G3\" and \"end G3\" as goroutines start running and return,\n\
             // numbered as in the simulator (main is G1, then G2, G3, ... in creation order), and\n\
             // \"threads N\", the number of threads the runtime created, when main returns:\n\
             //\n\
             //\tgo run main.go -trace\n\
             //\n\
             // With -trace-us as well, each start and end line ends with the time it was written, in\n\
             // microseconds (\"start G3 1764561600123456\"): a goroutine's slice, to set beside the\n\
             // simulator's, is the difference between two of them.\n\
             //\n\
             // To compare with the runtime's own view, build first (go run would also trace the go\n\
             // command itself), then run with schedtrace:\n\
             //\n\
             //\tgo build -o prog main.go && GODEBUG=schedtrace=1 ./prog -trace\n\
             //\n\
             // schedtrace=1 prints a SCHED line to standard error every millisecond: gomaxprocs,\n\
             // idleprocs, threads, spinningthreads, runqueue (the global queue) and the length of each\n\
             // P's local queue, to set beside the simulator's board at the same time. Add\n\
             // scheddetail=1 for every P, M and G.\n\
             //\n\
             // How the scenario's ops are written:\n\
             //   - work D: a loop with no function calls, calibrated at start to take D of CPU time\n\
             //     (an amount of work, not a deadline: a preempted goroutine does the rest later);\n\
             //   - syscall D: syscall.Nanosleep, which blocks the thread in the kernel for D;\n\
             //   - net D: a read on a loopback TCP connection whose other end writes D later (a\n\
             //     goroutine's first net op also connects, once);\n\
             //   - sleep D: time.Sleep(D).\n",
        );
        self.line(0, "//");
        for l in comment_block(&scheduler) {
            self.line(0, &l);
        }
        self.line(0, "package main");
        self.line(0, "");
        self.directive();
    }

    /// The `//gmp:scenario` directive: what the Go text cannot say (name, description, seed,
    /// release, actions, costs, and the scenario's names of the Go identifiers), as one line
    /// of JSON that `gmpsim import --go` reads back. A plain comment to the Go toolchain.
    fn directive(&mut self) {
        let mut doc = self.s.to_value();
        let mut meta = serde_json::Map::new();
        for key in ["name", "description", "seed", "go", "actions", "costs"] {
            if let Some(v) = doc.get_mut(key) {
                meta.insert(key.to_string(), v.take());
            }
        }
        let mut names = serde_json::Map::new();
        for (ids, decls) in [
            (&self.funcs, self.s.funcs.iter().map(|f| f.name.clone()).collect::<Vec<_>>()),
            (&self.chans, self.s.chans.iter().map(|c| c.name.clone()).collect()),
            (&self.wgs, self.s.wgs.clone()),
        ] {
            for (id, name) in ids.iter().zip(decls) {
                if *id != name {
                    names.insert(id.clone(), serde_json::Value::String(name));
                }
            }
        }
        if !names.is_empty() {
            meta.insert("names".to_string(), serde_json::Value::Object(names));
        }
        let json = serde_json::Value::Object(meta).to_string();
        self.line(0, "// The scenario's settings that Go text cannot hold, for gmpsim import --go:");
        self.put(0, format_args!("//gmp:scenario {json}"));
        self.line(0, "");
    }

    fn imports(&mut self) {
        let u = &self.uses;
        // In sorted order, as gofmt keeps them.
        let imports = [
            ("flag", true),
            ("fmt", true),
            ("io", u.net),
            ("net", u.net),
            ("runtime", true),
            ("runtime/pprof", true),
            ("strconv", true),
            ("sync", u.wg || u.net),
            ("sync/atomic", u.spawn || u.work),
            ("syscall", true),
            ("time", u.time()),
            ("unsafe", true),
        ];
        self.line(0, "import (");
        for (i, used) in imports {
            if used {
                self.put(1, format_args!("\"{i}\""));
            }
        }
        self.line(0, ")");
        self.line(0, "");
    }

    fn declarations(&mut self) {
        self.line(0, "var traceFlag = flag.Bool(\"trace\", false, \"print goroutine starts and ends, and the thread count at the end\")");
        self.line(0, "var traceUsFlag = flag.Bool(\"trace-us\", false, \"with -trace, end each start and end line with the time it was written, in microseconds\")");
        self.line(0, "");
        for (i, c) in self.s.chans.iter().enumerate() {
            let name = self.chans[i].clone();
            let kind = if c.cap == 0 { "unbuffered".to_string() } else { format!("capacity {}", c.cap) };
            self.put(0, format_args!("// {name} is the channel {:?} ({kind}).", comment_text(&c.name)));
            let elem = if self.uses.valued.get(i).copied().unwrap_or(false) { self.uses.types.chans[i].go_name() } else { "struct{}" };
            if c.cap == 0 {
                self.put(0, format_args!("var {name} = make(chan {elem})"));
            } else {
                self.put(0, format_args!("var {name} = make(chan {elem}, {})", c.cap));
            }
            self.line(0, "");
        }
        for (i, w) in self.s.wgs.iter().enumerate() {
            let name = self.wgs[i].clone();
            self.put(0, format_args!("// {name} is the WaitGroup {:?}.", comment_text(w)));
            self.put(0, format_args!("var {name} sync.WaitGroup"));
            self.line(0, "");
        }
        if self.uses.spawn {
            self.line(0, "// lastG is the simulator's id of the last goroutine created: main is G1.");
            self.line(0, "var lastG int64 = 1");
            self.line(0, "");
        }
    }

    fn main(&mut self) {
        self.line(0, "func main() {");
        self.line(1, "flag.Parse()");
        if self.uses.work {
            self.line(1, "calibrate()");
        }
        if self.uses.net {
            self.line(1, "startNet()");
        }
        self.put(1, format_args!("runtime.GOMAXPROCS({})", self.s.gomaxprocs));
        self.actions();
        self.line(1, "trace(\"start\", 1)");
        if has_net(&self.s.main) {
            self.line(1, "var conn netConn");
        }
        let main = self.s.main.clone();
        self.locals(&main, self.s.funcs.len(), &[]);
        self.body(&main, 1, 0);
        self.line(1, "trace(\"end\", 1)");
        self.line(1, "if *traceFlag {");
        self.line(2, "fmt.Printf(\"threads %d\\n\", pprof.Lookup(\"threadcreate\").Count())");
        self.line(1, "}");
        self.line(0, "}");
        self.line(0, "");
    }

    fn actions(&mut self) {
        for a in &self.s.actions {
            let when = match a.at {
                ActionAt::Step(n) => format!("after step {n}"),
                ActionAt::Ns(t) => format!("at {}", format_duration(t)),
            };
            let what = match &a.kind {
                ActionKind::Spawn { func, n, on_p } => format!(
                    "spawn {n} x {}(){}",
                    comment_text(&self.s.funcs[*func as usize].name),
                    on_p.map(|p| format!(" on {p}")).unwrap_or_default()
                ),
                ActionKind::Syscall { g, dur } => format!("{g} enters a {} syscall", format_duration(*dur)),
                ActionKind::NetReady { g } => format!("{g}'s network wait completes"),
                ActionKind::Gomaxprocs(n) => format!("runtime.GOMAXPROCS({n})"),
            };
            match (a.at, &a.kind) {
                (ActionAt::Ns(t), ActionKind::Gomaxprocs(n)) => {
                    self.put(1, format_args!("// The scenario's action {when}: {what}."));
                    self.put(1, format_args!("time.AfterFunc({}, func() {{ runtime.GOMAXPROCS({n}) }})", go_duration_arg(t)));
                }
                (ActionAt::Ns(t), ActionKind::Spawn { func, n, on_p }) => {
                    let f = self.spawned(*func);
                    self.put(1, format_args!("// The scenario's action {when}: {what}, from a timer's goroutine."));
                    if on_p.is_some() {
                        self.line(1, "// (A Go program cannot choose the P that runs a go statement.)");
                    }
                    if *n == 1 {
                        self.put(1, format_args!("time.AfterFunc({}, func() {{ spawn({f}) }})", go_duration_arg(t)));
                    } else {
                        self.put(1, format_args!("time.AfterFunc({}, func() {{", go_duration_arg(t)));
                        self.put(2, format_args!("for i := 0; i < {n}; i++ {{"));
                        self.put(3, format_args!("spawn({f})"));
                        self.line(2, "}");
                        self.line(1, "})");
                    }
                }
                (ActionAt::Ns(_), _) => {
                    self.put(1, format_args!("// The scenario's action {when}: {what}. Not written: a Go program cannot"));
                    self.line(1, "// make another goroutine do this.");
                }
                (ActionAt::Step(_), _) => {
                    self.put(1, format_args!("// The scenario's action {when}: {what}. Not written: a real run has no"));
                    self.line(1, "// steps to count (goroutines it would create are missing from the numbering).");
                }
            }
        }
    }

    fn func(&mut self, i: usize) {
        let f = &self.s.funcs[i];
        let name = self.funcs[i].clone();
        self.put(0, format_args!("// {name} is the scenario's func {:?}.", comment_text(&f.name)));
        let params = self.uses.params[i].clone();
        let sig: Vec<String> = params.iter().map(|p| format!("{p} {}", self.uses.types.var(i, p).go_name())).collect();
        self.put(0, format_args!("func {name}({}) {{", sig.join(", ")));
        let body = f.body.clone();
        if has_net(&body) {
            self.line(1, "var conn netConn");
            self.line(1, "defer conn.close()");
        }
        self.locals(&body, i, &params);
        self.body(&body, 1, 0);
        self.line(0, "}");
        self.line(0, "");
    }

    fn body(&mut self, ops: &[Op], depth: usize, loops: usize) {
        for op in ops {
            match op {
                Op::Work(d) => self.put(depth, format_args!("work({})", go_duration(*d))),
                Op::Syscall(d) => self.put(depth, format_args!("blockingSyscall({})", go_duration(*d))),
                Op::Net(d) => self.put(depth, format_args!("netWait(&conn, {})", go_duration_arg(*d))),
                Op::Sleep(d) => self.put(depth, format_args!("time.Sleep({})", go_duration(*d))),
                Op::Go { func, n } => {
                    let f = self.spawned(*func);
                    if *n == 1 {
                        self.put(depth, format_args!("spawn({f})"));
                    } else {
                        let v = loop_var(loops);
                        self.put(depth, format_args!("for {v} := 0; {v} < {n}; {v}++ {{"));
                        self.put(depth + 1, format_args!("spawn({f})"));
                        self.line(depth, "}");
                    }
                }
                Op::Gosched => self.line(depth, "runtime.Gosched()"),
                Op::Send(c) => {
                    let c = self.chans[*c as usize].clone();
                    self.put(depth, format_args!("{c} <- struct{{}}{{}}"));
                }
                Op::Recv(c) => {
                    let c = self.chans[*c as usize].clone();
                    self.put(depth, format_args!("<-{c}"));
                }
                Op::Close(c) => {
                    let c = self.chans[*c as usize].clone();
                    self.put(depth, format_args!("close({c})"));
                }
                Op::Add { wg, n } => {
                    let w = self.wgs[*wg as usize].clone();
                    self.put(depth, format_args!("{w}.Add({n})"));
                }
                Op::Done(wg) => {
                    let w = self.wgs[*wg as usize].clone();
                    self.put(depth, format_args!("{w}.Done()"));
                }
                Op::Wait(wg) => {
                    let w = self.wgs[*wg as usize].clone();
                    self.put(depth, format_args!("{w}.Wait()"));
                }
                Op::Repeat { n, body } => {
                    let v = loop_var(loops);
                    self.put(depth, format_args!("for {v} := 0; {v} < {n}; {v}++ {{"));
                    self.body(body, depth + 1, loops + 1);
                    self.line(depth, "}");
                }
                Op::Gomaxprocs(n) => self.put(depth, format_args!("runtime.GOMAXPROCS({n})")),
                Op::LockOsThread => self.line(depth, "runtime.LockOSThread()"),
                Op::UnlockOsThread => self.line(depth, "runtime.UnlockOSThread()"),
                Op::Print { format, args } => {
                    let mut all: Vec<String> = format.iter().map(|f| go_quote(f)).collect();
                    all.extend(args.iter().map(go_arg));
                    let f = if format.is_some() { "Printf" } else { "Println" };
                    self.put(depth, format_args!("fmt.{f}({})", all.join(", ")));
                }
                Op::SendValue { chan, value } => {
                    let c = self.chans[*chan as usize].clone();
                    self.put(depth, format_args!("{c} <- {}", go_arg(value)));
                }
                Op::RecvInto { chan, var } => {
                    let c = self.chans[*chan as usize].clone();
                    self.put(depth, format_args!("{var} = <-{c}"));
                }
                Op::Range { chan, var, body } => {
                    let c = self.chans[*chan as usize].clone();
                    match var {
                        Some(v) => self.put(depth, format_args!("for {v} := range {c} {{")),
                        None => self.put(depth, format_args!("for range {c} {{")),
                    }
                    if let Some(v) = var.as_ref().filter(|v| !reads_var(body, v)) {
                        self.put(depth + 1, format_args!("_ = {v}"));
                    }
                    self.body(body, depth + 1, loops + 1);
                    self.line(depth, "}");
                }
                Op::GoArgs { func, n, args } => {
                    let f = self.funcs[*func as usize].clone();
                    let params = self.uses.params[*func as usize].clone();
                    let call: Vec<String> =
                        params.iter().map(|p| args.iter().find(|(k, _)| k == p).map_or("0".to_string(), |(_, a)| go_arg(a))).collect();
                    let spawn = format!("spawn(func() {{ {f}({}) }})", call.join(", "));
                    if *n == 1 {
                        self.line(depth, &spawn);
                    } else {
                        let v = loop_var(loops);
                        self.put(depth, format_args!("for {v} := 0; {v} < {n}; {v}++ {{"));
                        self.line(depth + 1, &spawn);
                        self.line(depth, "}");
                    }
                }
                Op::For { n, var, from, body } => {
                    self.put(depth, format_args!("for {var} := {from}; {var} < {}; {var}++ {{", i128::from(*from) + i128::from(*n)));
                    self.body(body, depth + 1, loops + 1);
                    self.line(depth, "}");
                }
            }
        }
    }

    /// What `spawn` runs for a `go` of func `i` that sets no variables: the function, or, if
    /// it has parameters (other `go` ops set them), a literal calling it with zero values.
    fn spawned(&self, i: u32) -> String {
        let f = &self.funcs[i as usize];
        let params = &self.uses.params[i as usize];
        if params.is_empty() {
            return f.clone();
        }
        let zeros: Vec<&str> = params
            .iter()
            .map(|p| match self.uses.types.var(i as usize, p).go_name() {
                "string" => "\"\"",
                "struct{}" => "struct{}{}",
                "any" => "nil",
                _ => "0",
            })
            .collect();
        format!("func() {{ {f}({}) }}", zeros.join(", "))
    }

    /// Declares the variables body `b` receives into (`var v int`, used at once so that Go
    /// accepts it whether or not anything reads it).
    fn locals(&mut self, ops: &[Op], b: usize, params: &[String]) {
        let mut set = Vec::new();
        received(ops, &mut set);
        for v in set.iter().filter(|v| !params.contains(v)) {
            self.put(1, format_args!("var {v} {}", self.uses.types.var(b, v).go_name()));
            self.put(1, format_args!("_ = {v}"));
        }
    }

    fn helpers(&mut self) {
        self.lines(TRACE);
        if self.uses.spawn {
            self.lines(SPAWN);
        }
        if self.uses.work {
            self.lines(WORK);
        }
        if self.uses.syscall {
            self.lines(SYSCALL);
        }
        if self.uses.net {
            self.lines(NET);
        }
        // Drop the blank line after the last helper: gofmt ends the file with one newline.
        while self.out.ends_with("\n\n") {
            self.out.pop();
        }
    }
}

const TRACE: &str = "// trace prints \"start G<id>\" or \"end G<id>\" with -trace. It writes with a raw write(2),
// which the scheduler does not see as a system call: tracing gives sysmon no chance to hand
// the P to another thread, as a blocking syscall would. With -trace-us the line ends with the
// time it was written (gettimeofday, which is no system call for the scheduler either), so
// that a reader that gets the line late does not time it late.
func trace(what string, id int64) {
\tif !*traceFlag {
\t\treturn
\t}
\tvar buf [64]byte
\tb := append(buf[:0], what...)
\tb = append(b, \" G\"...)
\tb = strconv.AppendInt(b, id, 10)
\tif *traceUsFlag {
\t\tvar tv syscall.Timeval
\t\tsyscall.Gettimeofday(&tv)
\t\tb = append(b, ' ')
\t\tb = strconv.AppendInt(b, int64(tv.Sec)*1000000+int64(tv.Usec), 10)
\t}
\tb = append(b, '\\n')
\tsyscall.RawSyscall(syscall.SYS_WRITE, 1, uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)))
\truntime.KeepAlive(b)
}

";

const SPAWN: &str = "// spawn runs f in a new goroutine (a go statement), numbered as the simulator numbers it.
func spawn(f func()) {
\tid := atomic.AddInt64(&lastG, 1)
\tgo func() {
\t\ttrace(\"start\", id)
\t\tf()
\t\ttrace(\"end\", id)
\t}()
}

";

const WORK: &str = "// loopsPerMicrosecond is how many iterations of spin take 1 µs of CPU time here.
var loopsPerMicrosecond float64

// sink keeps the compiler from removing the loops.
var sink uint64

// spin runs n iterations of a loop with no function calls: CPU-bound code that only
// asynchronous preemption (sysmon's signal) can interrupt.
func spin(n int64) uint64 {
\tx := uint64(n)
\tfor i := int64(0); i < n; i++ {
\t\tx = x*6364136223846793005 + 1442695040888963407
\t}
\treturn x
}

// calibrate measures loopsPerMicrosecond, keeping the fastest of five short runs (about
// 2 ms in all, so that sysmon has not yet slowed down its checks when the scenario starts).
func calibrate() {
\tconst n = 1 << 18
\tbest := time.Duration(1 << 62)
\tfor i := 0; i < 5; i++ {
\t\tstart := time.Now()
\t\tatomic.AddUint64(&sink, spin(n))
\t\tif d := time.Since(start); d > 0 && d < best {
\t\t\tbest = d
\t\t}
\t}
\tloopsPerMicrosecond = float64(n) / (float64(best) / float64(time.Microsecond))
}

// work is CPU-bound code that takes d of CPU time: the scenario's work op.
func work(d time.Duration) {
\tn := int64(float64(d) / float64(time.Microsecond) * loopsPerMicrosecond)
\tatomic.AddUint64(&sink, spin(n))
}

";

const SYSCALL: &str = "// blockingSyscall blocks the thread in the kernel for d, with the goroutine on it, as a
// slow read or a cgo call would: the scenario's syscall op. sysmon may hand the P to
// another thread meanwhile.
func blockingSyscall(d time.Duration) {
\tts := syscall.NsecToTimespec(int64(d))
\tfor {
\t\tvar rest syscall.Timespec
\t\tif err := syscall.Nanosleep(&ts, &rest); err != syscall.EINTR {
\t\t\treturn
\t\t}
\t\tts = rest
\t}
}

";

const NET: &str = "// listener accepts the loopback connections of netWait.
var listener net.Listener

// connecting makes each Dial and Accept pair up.
var connecting sync.Mutex

// startNet opens the loopback listener and lets the program open as many connections as
// the system allows (Go 1.19 and older do not raise the limit themselves).
func startNet() {
\tvar lim syscall.Rlimit
\tif syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim) == nil && lim.Cur < lim.Max {
\t\tlim.Cur = lim.Max
\t\tsyscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
\t}
\tl, err := net.Listen(\"tcp\", \"127.0.0.1:0\")
\tif err != nil {
\t\tpanic(err)
\t}
\tlistener = l
}

// netConn is a goroutine's loopback connection: it reads from client; server writes.
type netConn struct {
\tclient net.Conn
\tserver net.Conn
}

// netWait is the scenario's net op: a read that becomes ready d later, when a timer writes
// one byte at the other end. The goroutine parks on the network poller meanwhile.
func netWait(c *netConn, d time.Duration) {
\tif c.client == nil {
\t\tconnecting.Lock()
\t\tclient, err := net.Dial(\"tcp\", listener.Addr().String())
\t\tif err != nil {
\t\t\tpanic(err)
\t\t}
\t\tserver, err := listener.Accept()
\t\tif err != nil {
\t\t\tpanic(err)
\t\t}
\t\tconnecting.Unlock()
\t\tc.client, c.server = client, server
\t}
\tserver := c.server
\ttime.AfterFunc(d, func() { server.Write([]byte{1}) })
\tvar b [1]byte
\tif _, err := io.ReadFull(c.client, b[:]); err != nil {
\t\tpanic(err)
\t}
}

// close closes the connection, if it was opened.
func (c *netConn) close() {
\tif c.client != nil {
\t\tc.client.Close()
\t\tc.server.Close()
\t}
}

";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::scenario::parse;

    fn program(json: &str) -> String {
        go_program(&parse(json).unwrap())
    }

    #[test]
    fn durations_are_go_constants() {
        assert_eq!(go_duration(0), "0");
        assert_eq!(go_duration(1), "time.Nanosecond");
        assert_eq!(go_duration(300), "300 * time.Nanosecond");
        assert_eq!(go_duration(1_500), "1500 * time.Nanosecond");
        assert_eq!(go_duration(20_000), "20 * time.Microsecond");
        assert_eq!(go_duration(1_000_000), "time.Millisecond");
        assert_eq!(go_duration(1_500_000), "1500 * time.Microsecond");
        assert_eq!(go_duration(2_000_000_000), "2 * time.Second");
        assert_eq!(go_duration(3_600_000_000_000), "time.Hour");
    }

    #[test]
    fn names_become_unique_identifiers() {
        let mut taken = Vec::new();
        for (i, n) in ["worker", "my-worker 2", "worker", "日本", "spawn", "Worker"].iter().enumerate() {
            let id = ident("fn", n, i, &taken);
            taken.push(id);
        }
        assert_eq!(taken, ["fnWorker", "fnMyWorker2", "fnWorker2", "fn3", "fnSpawn", "fnWorker5"]);
    }

    #[test]
    fn ops_become_go_statements() {
        let text = program(
            r#"{"version":1,"gomaxprocs":2,"chans":{"jobs":0,"results":16},
                "funcs":{"worker":[{"recv":"jobs"},{"work":"2ms"},{"syscall":"5ms"},{"net":"1ms"},
                                   {"sleep":"300us"},{"send":"results"},{"done":"wg"}]},
                "main":[{"add":{"wg":"wg","n":4}},{"go":{"func":"worker","n":4}},
                        {"repeat":{"n":4,"body":[{"send":"jobs"},{"repeat":{"n":2,"body":["gosched"]}}]}},
                        {"wait":"wg"},{"gomaxprocs":3},"lock_os_thread","unlock_os_thread",{"close":"jobs"}]}"#,
        );
        for want in [
            "//go:build linux\n",
            "package main\n",
            "var chJobs = make(chan struct{})\n",
            "var chResults = make(chan struct{}, 16)\n",
            "var wgWg sync.WaitGroup\n",
            "\truntime.GOMAXPROCS(2)\n",
            "\twgWg.Add(4)\n\tfor i := 0; i < 4; i++ {\n\t\tspawn(fnWorker)\n\t}\n",
            "\tfor i := 0; i < 4; i++ {\n\t\tchJobs <- struct{}{}\n\t\tfor j := 0; j < 2; j++ {\n\t\t\truntime.Gosched()\n\t\t}\n\t}\n",
            "\twgWg.Wait()\n\truntime.GOMAXPROCS(3)\n\truntime.LockOSThread()\n\truntime.UnlockOSThread()\n\tclose(chJobs)\n",
            "func fnWorker() {\n\tvar conn netConn\n\tdefer conn.close()\n\t<-chJobs\n\twork(2 * time.Millisecond)\n\tblockingSyscall(5 * time.Millisecond)\n\tnetWait(&conn, time.Millisecond)\n\ttime.Sleep(300 * time.Microsecond)\n\tchResults <- struct{}{}\n\twgWg.Done()\n}\n",
            "syscall.Nanosleep(&ts, &rest)",
            "func calibrate() {",
            "net.Listen(\"tcp\", \"127.0.0.1:0\")",
            "trace(\"start\", 1)",
            "pprof.Lookup(\"threadcreate\").Count()",
            "GODEBUG=schedtrace=1",
        ] {
            assert!(text.contains(want), "missing {want:?} in:\n{text}");
        }
        assert!(text.ends_with("}\n") && !text.ends_with("\n\n"));
    }

    #[test]
    fn only_what_is_used_is_imported_and_defined() {
        let text = program(r#"{"version":1,"main":[{"go":"f"},"gosched"],"funcs":{"f":[]}}"#);
        assert!(
            text.contains("import (\n\t\"flag\"\n\t\"fmt\"\n\t\"runtime\"\n\t\"runtime/pprof\"\n\t\"strconv\"\n\t\"sync/atomic\"\n\t\"syscall\"\n\t\"unsafe\"\n)\n"),
            "{text}"
        );
        for absent in ["\"time\"", "\"net\"", "func work(", "func netWait(", "func blockingSyscall(", "\"sync\"\n"] {
            assert!(!text.contains(absent), "{absent} should not be there:\n{text}");
        }
        assert!(text.contains("func fnF() {\n}\n"));
        assert!(text.contains("\tspawn(fnF)\n\truntime.Gosched()\n"));
        let bare = program(r#"{"version":1,"main":[]}"#);
        assert!(!bare.contains("lastG") && !bare.contains("func spawn("), "{bare}");
    }

    #[test]
    fn timed_actions_become_timers_and_the_rest_comments() {
        let text = program(
            r#"{"version":1,"funcs":{"cpu":[{"work":"1ms"}]},"main":[{"sleep":"1ms"}],
                "actions":[{"at_ns":"150us","gomaxprocs":3},{"at_ns":"200us","spawn":{"func":"cpu","n":2}},
                           {"at_ns":"300us","spawn":{"func":"cpu","n":1}},{"at_ns":"400us","spawn":{"func":"cpu","n":1,"on_p":0}},
                           {"at_step":30,"spawn":{"func":"cpu","n":1,"on_p":1}},{"at_ns":"1ms","net_ready":{"g":2}}]}"#,
        );
        for want in [
            "\ttime.AfterFunc(150*time.Microsecond, func() { runtime.GOMAXPROCS(3) })\n",
            "\ttime.AfterFunc(200*time.Microsecond, func() {\n\t\tfor i := 0; i < 2; i++ {\n\t\t\tspawn(fnCpu)\n\t\t}\n\t})\n",
            "\ttime.AfterFunc(300*time.Microsecond, func() { spawn(fnCpu) })\n",
            "\t// (A Go program cannot choose the P that runs a go statement.)\n\ttime.AfterFunc(400*time.Microsecond, func() { spawn(fnCpu) })\n",
            "// The scenario's action after step 30: spawn 1 x cpu() on P1. Not written",
            "// The scenario's action at 1ms: G2's network wait completes. Not written",
        ] {
            assert!(text.contains(want), "missing {want:?} in:\n{text}");
        }
    }

    #[test]
    fn names_and_descriptions_cannot_break_out_of_comments() {
        let text = program(r#"{"version":1,"name":"a\nb","description":"line one\nfunc main() {}\n*/","chans":{"c\nd":1},"main":[{"send":"c\nd"}]}"#);
        for line in text.lines() {
            assert!(!line.starts_with("func main() {}"), "{text}");
        }
        assert!(text.contains("// chCD is the channel \"c d\" (capacity 1).\n"), "{text}");
    }
}
