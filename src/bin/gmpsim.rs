//! `gmpsim`: the native command-line runner over the scheduler core.
//!
//! `gmpsim run FILE` simulates a scenario and prints its event stream (`jsonl`, `trace`), the
//! state after the last step (`state`) or totals (`summary`); `validate`, `link` and `decode`
//! work on scenario documents and share links; `export` writes a scenario as a Go program or
//! its run as a trace for Perfetto; `trace` reads a Go execution trace (Go 1.22 and later) and
//! prints its totals or its events in the simulator's vocabulary; `diff` compares two runs step
//! by step (`core::compare`). Exit status: 0 when the simulation ran
//! (whatever the simulated program did), 2 for invalid input, with every problem on stderr.

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    std::process::exit(cli::main());
}

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use clap::{Parser, Subcommand, ValueEnum};
    use gmp::core::event::trace_time as fmt_t;
    use gmp::core::export;
    use gmp::core::link;
    use gmp::core::scenario::{self, Scenario};
    use gmp::core::sim::Sim;
    use std::io::{self, BufWriter, Read, Write};

    /// Simulate the Go runtime scheduler (G, M, P) deterministically.
    #[derive(Parser)]
    #[command(name = "gmpsim", version, about)]
    struct Cli {
        #[command(subcommand)]
        cmd: Cmd,
    }

    #[derive(Subcommand)]
    enum Cmd {
        /// Run a scenario and print its events, final state or summary.
        Run {
            /// Scenario JSON file, or `-` for standard input.
            file: String,
            /// Stop after this many steps (the run may end earlier).
            #[arg(long)]
            until_step: Option<u64>,
            /// What to print.
            #[arg(long, value_enum, default_value_t = Format::Trace)]
            format: Format,
            /// What-if: start at this GOMAXPROCS instead of the scenario's.
            #[arg(long)]
            gomaxprocs: Option<u32>,
            /// What-if: follow this Go release's rules instead of the scenario's ("1.19" to "1.27").
            #[arg(long)]
            release: Option<String>,
            /// What-if: set a cost, `NAME=DURATION` (e.g. `m_wake=5us`); may be repeated.
            #[arg(long = "cost")]
            costs: Vec<String>,
            /// Read FILE as this language (default: Go for a `.go` file, JSON otherwise); needed
            /// for Go on standard input.
            #[arg(long, value_enum)]
            lang: Option<Lang>,
        },
        /// Compare two runs step by step: the first divergence and the summary deltas.
        Diff {
            /// Scenario A: JSON file, or `-` for standard input.
            a: String,
            /// Scenario B: JSON file, or `-` for standard input (not both).
            b: String,
            /// What to print.
            #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
            format: DiffFormat,
            /// Compare at most this many steps.
            #[arg(long, default_value_t = 1_000_000)]
            max_steps: u64,
            /// Report the next divergence after this step instead of the first.
            #[arg(long, conflicts_with = "before")]
            after: Option<u64>,
            /// Report the previous divergence before this step instead of the first.
            #[arg(long)]
            before: Option<u64>,
            /// What-if for A: start at this GOMAXPROCS.
            #[arg(long)]
            a_gomaxprocs: Option<u32>,
            /// What-if for B: start at this GOMAXPROCS.
            #[arg(long)]
            b_gomaxprocs: Option<u32>,
            /// What-if for A: follow this Go release's rules.
            #[arg(long)]
            a_release: Option<String>,
            /// What-if for B: follow this Go release's rules.
            #[arg(long)]
            b_release: Option<String>,
            /// What-if for A: set a cost, `NAME=DURATION`; may be repeated.
            #[arg(long = "a-cost")]
            a_costs: Vec<String>,
            /// What-if for B: set a cost, `NAME=DURATION`; may be repeated.
            #[arg(long = "b-cost")]
            b_costs: Vec<String>,
        },
        /// Check a scenario and list every problem with its place.
        Validate {
            /// Scenario JSON file, or `-` for standard input.
            file: String,
            /// Read FILE as this language (default: Go for a `.go` file, JSON otherwise); needed
            /// for Go on standard input.
            #[arg(long, value_enum)]
            lang: Option<Lang>,
        },
        /// Print the share link of a scenario (a Go program: version 2, its text as written).
        Link {
            /// Scenario JSON file, or `-` for standard input.
            file: String,
            /// The page's address to put before the fragment.
            #[arg(long, default_value = "")]
            base: String,
            /// Open the run at this step.
            #[arg(long)]
            step: Option<u64>,
            /// Read FILE as this language (default: Go for a `.go` file, JSON otherwise); needed
            /// for Go on standard input.
            #[arg(long, value_enum)]
            lang: Option<Lang>,
        },
        /// Print the scenario JSON held in a share link.
        Decode {
            /// The link, its fragment (`#s=1....`), or `-` to read it from standard input.
            link: String,
        },
        /// Write a scenario as a runnable Go program, or its run as a trace for Perfetto.
        #[command(group(clap::ArgGroup::new("what").required(true).args(["go", "perfetto"])))]
        Export {
            /// Scenario JSON file, or `-` for standard input.
            file: String,
            /// A Go program (`main.go`) equivalent to the scenario.
            #[arg(long)]
            go: bool,
            /// The run as Chrome trace-event JSON, for ui.perfetto.dev or chrome://tracing.
            #[arg(long)]
            perfetto: bool,
            /// With --perfetto: stop after this many steps (the run may end earlier).
            #[arg(long)]
            until_step: Option<u64>,
            /// Write to this file instead of standard output.
            #[arg(long, short)]
            output: Option<String>,
            /// Read FILE as this language (default: Go for a `.go` file, JSON otherwise); needed
            /// for Go on standard input.
            #[arg(long, value_enum)]
            lang: Option<Lang>,
        },
        /// Write a scenario: from a Go program (`--go`) or replaying the user goroutines of a Go
        /// execution trace (`--trace`).
        #[command(group(clap::ArgGroup::new("from").required(true).args(["trace", "go"])))]
        Import {
            /// Trace file (`runtime/trace`, Go 1.22 and later), or `-` for standard input.
            #[arg(long)]
            trace: Option<String>,
            /// A Go program (`main.go`, in the subset ARCHITECTURE.md lists), or `-` for
            /// standard input: its scenario JSON on standard output.
            #[arg(long)]
            go: Option<String>,
            /// The Go release whose rules the scenario follows ("1.19" to "1.27"; default the
            /// simulator's).
            #[arg(long)]
            release: Option<String>,
            /// Also write what could not be mapped as JSON to this file (it is always
            /// listed on stderr).
            #[arg(long)]
            report: Option<String>,
        },
        /// Read a Go execution trace (`runtime/trace`, Go 1.22 and later).
        Trace {
            /// Trace file, or `-` for standard input.
            file: String,
            /// What to print.
            #[arg(long, value_enum, default_value_t = TraceFormat::Summary)]
            format: TraceFormat,
        },
    }

    #[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
    enum Lang {
        /// A scenario JSON document.
        Json,
        /// A Go program (`main.go`).
        Go,
    }

    #[derive(Clone, Copy, ValueEnum)]
    enum TraceFormat {
        /// Totals and event counts, readable.
        Summary,
        /// One JSON object: version, GOMAXPROCS, goroutines, threads, duration, counts.
        Json,
        /// One JSON object per timed event, with its time, G, P and M.
        Jsonl,
    }

    #[derive(Clone, Copy, ValueEnum)]
    enum DiffFormat {
        /// A readable report.
        Text,
        /// One JSON object: the first divergent step, both runs' events at it, the summaries.
        Json,
    }

    #[derive(Clone, Copy, ValueEnum)]
    enum Format {
        /// One JSON object per event.
        Jsonl,
        /// One readable line per event, with its explanation.
        Trace,
        /// The state after the last step run, as JSON.
        State,
        /// Totals and the outcome.
        Summary,
        /// Only what the program printed (fmt.Println/Printf), as it printed it.
        Output,
    }

    fn read_input(file: &str) -> Result<String, String> {
        let mut text = String::new();
        if file == "-" {
            io::stdin().read_to_string(&mut text).map_err(|e| format!("standard input: {e}"))?;
        } else {
            text = std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?;
        }
        Ok(text)
    }

    /// A scenario from a JSON document or, with `--lang go` or a `.go` file, a Go program.
    fn load_as(file: &str, lang: Option<Lang>) -> Result<Scenario, Vec<String>> {
        load_text_as(file, lang).map(|(s, _)| s)
    }

    /// [`load_as`], with the Go program's text when the input is Go.
    fn load_text_as(file: &str, lang: Option<Lang>) -> Result<(Scenario, Option<String>), Vec<String>> {
        let text = read_input(file).map_err(|e| vec![e])?;
        let name = if file == "-" { "<stdin>" } else { file };
        let go = lang.map_or(file.ends_with(".go"), |l| l == Lang::Go);
        if go {
            let s = gmp::core::golang::import(&text).map_err(|es| es.iter().map(|e| e.render(name)).collect::<Vec<_>>())?;
            return Ok((s, Some(text)));
        }
        scenario::parse(&text).map(|s| (s, None)).map_err(|ps| ps.iter().map(|p| format!("{name}: {p}")).collect())
    }

    fn fail(problems: &[String]) -> i32 {
        let stderr = io::stderr();
        let mut e = stderr.lock();
        for p in problems {
            let _ = writeln!(e, "{p}");
        }
        2
    }

    pub fn main() -> i32 {
        std::panic::set_hook(Box::new(|info| {
            eprintln!("gmpsim: internal error in the simulator: {info}");
            eprintln!("gmpsim: this is a bug; please report it with the scenario that caused it");
        }));
        let cli = match Cli::try_parse() {
            Ok(c) => c,
            Err(e) => {
                let code = if e.use_stderr() { 2 } else { 0 };
                let _ = e.print();
                return code;
            }
        };
        let result = std::panic::catch_unwind(|| run(cli));
        result.unwrap_or(70)
    }

    fn run(cli: Cli) -> i32 {
        match cli.cmd {
            Cmd::Trace { file, format } => read_trace(&file, format),
            Cmd::Import { go: Some(go), trace: None, release: None, report: None } => match load_as(&go, Some(Lang::Go)) {
                Err(p) => fail(&p),
                Ok(s) => emit(&format!("{}\n", s.to_json())),
            },
            Cmd::Import { go: Some(_), .. } => fail(&["gmpsim import: --go takes no --trace, --release or --report".to_string()]),
            Cmd::Import { trace, release, report, .. } => import_trace(&trace.unwrap_or_default(), release.as_deref(), report.as_deref()),
            Cmd::Run { file, until_step, format, gomaxprocs, release, costs, lang } => match load_as(&file, lang).and_then(|s| what_if(s, gomaxprocs, release.as_deref(), &costs)) {
                Err(p) => fail(&p),
                Ok(s) => {
                    let stdout = io::stdout();
                    let mut out = BufWriter::new(stdout.lock());
                    match simulate(&s, until_step, format, &mut out).and_then(|_| out.flush()) {
                        Ok(()) => 0,
                        // A closed pipe (`gmpsim run ... | head`) is not an error of ours.
                        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => 0,
                        Err(e) => fail(&[format!("gmpsim: writing output: {e}")]),
                    }
                }
            },
            Cmd::Diff { a, b, format, max_steps, after, before, a_gomaxprocs, b_gomaxprocs, a_release, b_release, a_costs, b_costs } => {
                if a == "-" && b == "-" {
                    return fail(&["gmpsim diff: only one of A and B can be `-` (standard input)".to_string()]);
                }
                let la = load_lane("A", &a, a_gomaxprocs, a_release.as_deref(), &a_costs);
                let lb = load_lane("B", &b, b_gomaxprocs, b_release.as_deref(), &b_costs);
                match (la, lb) {
                    (Ok(sa), Ok(sb)) => {
                        let stdout = io::stdout();
                        let mut out = BufWriter::new(stdout.lock());
                        match diff(&sa, &sb, format, max_steps, after, before, &mut out).and_then(|_| out.flush()) {
                            Ok(()) => 0,
                            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => 0,
                            Err(e) => fail(&[format!("gmpsim: writing output: {e}")]),
                        }
                    }
                    (ra, rb) => {
                        let mut problems = ra.err().unwrap_or_default();
                        problems.extend(rb.err().unwrap_or_default());
                        fail(&problems)
                    }
                }
            }
            Cmd::Validate { file, lang } => match load_as(&file, lang) {
                Err(p) => fail(&p),
                Ok(s) => emit(&format!(
                        "{}: valid scenario{} (GOMAXPROCS {}, {} func{}, {} channel{}, {} action{})\n",
                        if file == "-" { "<stdin>" } else { &file },
                        if s.name.is_empty() { String::new() } else { format!(" \"{}\"", s.name) },
                        s.gomaxprocs,
                        s.funcs.len(),
                        if s.funcs.len() == 1 { "" } else { "s" },
                        s.chans.len(),
                        if s.chans.len() == 1 { "" } else { "s" },
                        s.actions.len(),
                        if s.actions.len() == 1 { "" } else { "s" },
                    )),
            },
            Cmd::Link { file, base, step, lang } => match load_text_as(&file, lang) {
                Err(p) => fail(&p),
                Ok((s, go)) => {
                    let mut params = Vec::new();
                    if let Some(n) = step {
                        params.push(("step", n.to_string()));
                    }
                    // A Go program is linked as written (version 2, as the page shares it); a
                    // JSON scenario in its canonical form (version 1).
                    let l = match go {
                        Some(text) => link::make_go_link(&text, &base, &params),
                        None => link::make_link(&s.to_json(), &base, &params),
                    };
                    emit(&format!("{l}\n"))
                }
            },
            Cmd::Decode { link: l } => {
                let text = if l == "-" {
                    match read_input("-") {
                        Ok(t) => t.trim().to_string(),
                        Err(e) => return fail(&[e]),
                    }
                } else {
                    l
                };
                match link::decode(&text) {
                    Err(e) => fail(&[format!("link: {e}")]),
                    Ok(params) => match scenario::parse(&params.scenario_json) {
                        Err(ps) => fail(&ps.iter().map(|p| format!("link scenario: {p}")).collect::<Vec<_>>()),
                        Ok(_) => emit(&format!("{}\n", params.scenario_json)),
                    },
                }
            }
            Cmd::Export { go, until_step: Some(_), .. } if go => {
                fail(&["gmpsim export: --until-step applies to --perfetto, not --go".to_string()])
            }
            Cmd::Export { file, go, perfetto, until_step, output, lang } => match load_as(&file, lang) {
                Err(p) => fail(&p),
                Ok(s) => {
                    let text = if go {
                        export::go_program(&s)
                    } else {
                        debug_assert!(perfetto, "clap requires --go or --perfetto");
                        export::perfetto_trace(&s, until_step.unwrap_or(u64::MAX))
                    };
                    match &output {
                        Some(path) => match std::fs::write(path, &text) {
                            Ok(()) => 0,
                            Err(e) => fail(&[format!("{path}: {e}")]),
                        },
                        None => emit(&text),
                    }
                }
            },
        }
    }

    /// A Go release named "1.22" (or "go1.22", "1.22.3") as its minor version, if in range.
    fn release_minor(r: &str) -> Result<u32, String> {
        let (lo, hi) = scenario::GO_MINOR_RANGE;
        r.trim_start_matches("go")
            .strip_prefix("1.")
            .and_then(|m| m.split('.').next())
            .and_then(|m| m.parse::<u32>().ok())
            .filter(|m| (lo..=hi).contains(m))
            .ok_or_else(|| format!("--release {r:?}: expected a Go release from 1.{lo} to 1.{hi}"))
    }

    /// Applies `run`'s what-if overrides; the scenario is validated again with them.
    fn what_if(mut s: Scenario, gomaxprocs: Option<u32>, release: Option<&str>, costs: &[String]) -> Result<Scenario, Vec<String>> {
        if gomaxprocs.is_none() && release.is_none() && costs.is_empty() {
            return Ok(s);
        }
        let mut problems = Vec::new();
        if let Some(n) = gomaxprocs {
            s.gomaxprocs = n;
        }
        if let Some(r) = release {
            match release_minor(r) {
                Ok(m) => s.go = m,
                Err(e) => problems.push(e),
            }
        }
        for c in costs {
            let Some((name, d)) = c.split_once('=') else {
                problems.push(format!("--cost {c:?}: expected NAME=DURATION"));
                continue;
            };
            if !gmp::core::costs::Costs::NAMES.contains(&name) {
                problems.push(format!("--cost {c:?}: unknown cost {name:?} (costs: {})", gmp::core::costs::Costs::NAMES.join(", ")));
                continue;
            }
            match scenario::parse_duration(d) {
                Ok(ns) if s.costs.set(name, ns) => {
                    if !s.costs_set.iter().any(|n| n == name) {
                        s.costs_set.push(name.to_string());
                    }
                }
                Ok(_) => problems.push(format!("--cost {c:?}: out of range")),
                Err(e) => problems.push(format!("--cost {c:?}: {e}")),
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        // Through the document again, so that the overrides meet the same limits.
        scenario::parse(&s.to_json()).map_err(|ps| ps.iter().map(|p| format!("with the overrides: {p}")).collect())
    }

    /// One lane of `diff`: its scenario with its what-if overrides; every problem is prefixed
    /// with the lane's name (`A: main[2].go: unknown func "wrker"`).
    fn load_lane(lane: &str, file: &str, gomaxprocs: Option<u32>, release: Option<&str>, costs: &[String]) -> Result<Scenario, Vec<String>> {
        let s = if file.ends_with(".go") {
            load_as(file, Some(Lang::Go)).map_err(|ps| ps.iter().map(|p| format!("{lane}: {p}")).collect::<Vec<_>>())?
        } else {
            let text = read_input(file).map_err(|e| vec![format!("{lane}: {e}")])?;
            scenario::parse(&text).map_err(|ps| ps.iter().map(|p| format!("{lane}: {p}")).collect::<Vec<_>>())?
        };
        what_if(s, gomaxprocs, release, costs).map_err(|ps| ps.into_iter().map(|p| format!("{lane}: {p}")).collect())
    }

    /// A signed difference of virtual times, `+1.500µs`, `-850ns`, `0`.
    fn fmt_dt(d: i64) -> String {
        match d {
            0 => "0".to_string(),
            d if d > 0 => format!("+{}", fmt_t(d as u64)),
            d => format!("-{}", fmt_t(d.unsigned_abs())),
        }
    }

    /// `gmpsim diff`: the two runs compared by `core::compare`.
    fn diff(a: &Scenario, b: &Scenario, format: DiffFormat, max_steps: u64, after: Option<u64>, before: Option<u64>, out: &mut impl Write) -> io::Result<()> {
        use gmp::core::compare::{events_at, Comparison, Divergence};
        let c = Comparison::new(a, b, max_steps);
        let delta = c.delta();
        // The divergence to report: the first, or the next after / previous before a step.
        let target = match (after, before) {
            (Some(s), _) => c.next_divergence(s),
            (None, Some(s)) => c.prev_divergence(s),
            (None, None) => c.first().map(|d| d.step),
        };
        let shown: Option<Divergence> = target.map(|step| match c.first() {
            Some(d) if d.step == step => d.clone(),
            _ => Divergence { step, a: events_at(a, step), b: events_at(b, step) },
        });
        let which = match (after, before) {
            (Some(s), _) => format!("next divergence after step {s}"),
            (None, Some(s)) => format!("previous divergence before step {s}"),
            (None, None) => "first divergence".to_string(),
        };
        // Programs for the events' explanations (a compiled scenario, before any step).
        let (pa, pb) = (Sim::new(a), Sim::new(b));
        match format {
            DiffFormat::Json => {
                let evs = |es: &[gmp::core::event::Event], sim: &Sim| es.iter().map(|e| e.to_json(sim.program())).collect::<Vec<_>>();
                let (step, ea, eb) = match &shown {
                    Some(d) => (serde_json::json!(d.step), evs(&d.a, &pa), evs(&d.b, &pb)),
                    None => (serde_json::Value::Null, Vec::new(), Vec::new()),
                };
                let v = serde_json::json!({
                    "step": step,
                    "a": ea,
                    "b": eb,
                    "summary": { "a": c.a, "b": c.b, "delta": delta },
                });
                writeln!(out, "{v}")?;
            }
            DiffFormat::Text => {
                match &shown {
                    None if c.first().is_some() => writeln!(out, "no {which} ({} of {} steps differ)", c.divergent_steps(), c.steps)?,
                    None => writeln!(out, "no divergence: the runs are the same over {} steps{}", c.steps, if c.complete { "" } else { " (stopped at --max-steps)" })?,
                    Some(d) => {
                        writeln!(
                            out,
                            "{which}: step {} ({} of {} steps differ{})",
                            d.step,
                            c.divergent_steps(),
                            c.steps,
                            if c.complete { "" } else { ", stopped at --max-steps" }
                        )?;
                        for (lane, es, sim) in [("A", &d.a, &pa), ("B", &d.b, &pb)] {
                            writeln!(out, "\n{lane} at step {}:", d.step)?;
                            if es.is_empty() {
                                writeln!(out, "  (the run had ended)")?;
                            }
                            for e in es {
                                writeln!(out, "{}", e.trace_line(sim.program()))?;
                            }
                        }
                    }
                }
                writeln!(out, "\n{:<16}{:>16}{:>16}{:>16}", "", "A", "B", "B - A")?;
                let row = |out: &mut dyn Write, name: &str, x: u64, y: u64, d: i64| writeln!(out, "{name:<16}{x:>16}{y:>16}{:>16}", format!("{d:+}"));
                let trow = |out: &mut dyn Write, name: &str, x: u64, y: u64, d: i64| writeln!(out, "{name:<16}{:>16}{:>16}{:>16}", fmt_t(x), fmt_t(y), fmt_dt(d));
                trow(out, "virtual time", c.a.total_ns, c.b.total_ns, delta.total_ns)?;
                row(out, "steps", c.a.steps, c.b.steps, delta.steps)?;
                row(out, "threads", c.a.threads, c.b.threads, delta.threads)?;
                row(out, "steals", c.a.steals, c.b.steals, delta.steals)?;
                row(out, "hand-offs", c.a.handoffs, c.b.handoffs, delta.handoffs)?;
                row(out, "preemptions", c.a.preemptions, c.b.preemptions, delta.preemptions)?;
                for (i, d) in delta.p_busy_ns.iter().enumerate() {
                    let at = |v: &[u64]| v.get(i).copied().unwrap_or(0);
                    trow(out, &format!("P{i} busy"), at(&c.a.p_busy_ns), at(&c.b.p_busy_ns), *d)?;
                }
                // The merged per-P timeline, on one time scale: `#` running most of a column's
                // time, `+` some of it, `.` none.
                const COLS: u64 = 64;
                let end = c.timeline_a.end.max(c.timeline_b.end).max(1);
                writeln!(out, "\nper-P timeline, 0 to {} (# running, + partly, . not):", fmt_t(end))?;
                for (i, _) in c.merged_timeline().iter().enumerate() {
                    for (lane, t) in [("A", &c.timeline_a), ("B", &c.timeline_b)] {
                        let bar: String = (0..COLS)
                            .map(|k| {
                                let (from, to) = (end * k / COLS, end * (k + 1) / COLS);
                                let busy = t.busy_in(i, from, to);
                                if to > from && busy * 2 >= to - from { '#' } else if busy > 0 { '+' } else { '.' }
                            })
                            .collect();
                        writeln!(out, "P{i:<3} {lane} |{bar}|")?;
                    }
                }
            }
        }
        Ok(())
    }

    /// `gmpsim import --trace FILE`: the replay scenario on stdout, what could not be mapped
    /// on stderr (and in `--report` as JSON).
    fn import_trace(file: &str, release: Option<&str>, report: Option<&str>) -> i32 {
        use gmp::core::trace::{Pull, Replay, TraceReader};
        let name = if file == "-" { "<stdin>" } else { file };
        let go = match release.map(release_minor).transpose() {
            Ok(g) => g,
            Err(e) => return fail(&[e]),
        };
        let mut input: Box<dyn Read> = if file == "-" {
            Box::new(io::stdin())
        } else {
            match std::fs::File::open(file) {
                Ok(f) => Box::new(f),
                Err(e) => return fail(&[format!("{name}: {e}")]),
            }
        };
        let mut r = TraceReader::new();
        let mut rp = Replay::new();
        let mut chunk = vec![0u8; 256 << 10];
        loop {
            match r.next() {
                Err(e) => return fail(&[format!("{name}: {e}")]),
                Ok(Pull::Event(ev)) => {
                    let ev = *ev;
                    rp.add(&ev, r.generation().expect("an event comes from a generation"));
                    if let Some(o) = rp.over_limit() {
                        // Reading on would only grow memory for a scenario that cannot be written.
                        return fail(&[format!("{name}: {o}")]);
                    }
                }
                Ok(Pull::NeedInput) => match input.read(&mut chunk) {
                    Ok(0) => r.finish(),
                    Ok(n) => r.feed(&chunk[..n]),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return fail(&[format!("{name}: {e}")]),
                },
                Ok(Pull::End) => break,
            }
        }
        let base = std::path::Path::new(name).file_name().map_or(name.to_string(), |f| f.to_string_lossy().into_owned());
        let s = rp.scenario(&format!("Replay of {base}"), go);
        let text = s.to_json();
        if let Err(ps) = scenario::parse(&text) {
            let mut msgs = vec![format!(
                "{name}: the replay of this trace ({} user goroutines: {} distinct bodies as funcs, {} channels, {} ops) does not fit the scenario format's limits (at most {} funcs, {} channels, {} ops per body, {} bytes):",
                rp.goroutines(),
                s.funcs.len(),
                s.chans.len(),
                s.funcs.iter().map(|f| f.body.len()).sum::<usize>() + s.main.len(),
                scenario::limits::MAX_DECLS,
                scenario::limits::MAX_DECLS,
                scenario::limits::MAX_OPS_PER_BODY,
                scenario::limits::MAX_DOCUMENT_BYTES
            )];
            msgs.extend(ps.iter().take(20).map(|p| format!("  {p}")));
            if ps.len() > 20 {
                msgs.push(format!("  ... and {} more", ps.len() - 20));
            }
            return fail(&msgs);
        }
        let mut items = Vec::new();
        for (what, u) in rp.unmapped() {
            eprintln!(
                "{name}: not mapped: {what}: {} time{} (first at byte {}, {})",
                u.count,
                if u.count == 1 { "" } else { "s" },
                u.first_offset,
                fmt_t(u.first_ns)
            );
            items.push(serde_json::json!({ "what": what, "count": u.count, "first_offset": u.first_offset, "first_ns": u.first_ns }));
        }
        eprintln!(
            "{name}: replayed {} user goroutine{} at GOMAXPROCS {} ({} funcs, {} channels)",
            rp.goroutines(),
            if rp.goroutines() == 1 { "" } else { "s" },
            s.gomaxprocs,
            s.funcs.len(),
            s.chans.len()
        );
        if let Some(path) = report {
            let j = serde_json::json!({ "goroutines": rp.goroutines(), "duration_ns": rp.duration_ns(), "unmapped": items });
            if let Err(e) = std::fs::write(path, format!("{j:#}\n")) {
                return fail(&[format!("{path}: {e}")]);
            }
        }
        emit(&text)
    }

    /// Writes `text` to standard output. A closed pipe (`gmpsim decode ... | head`) is not an
    /// error of ours: the reader had what it wanted.
    fn emit(text: &str) -> i32 {
        let stdout = io::stdout();
        let mut out = stdout.lock();
        match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
            Err(e) if e.kind() != io::ErrorKind::BrokenPipe => fail(&[format!("gmpsim: writing output: {e}")]),
            _ => 0,
        }
    }

    /// Why reading a trace stopped.
    enum TraceFail {
        /// The file could not be read.
        Io(String),
        /// The trace is malformed.
        Bad(gmp::core::trace::TraceError),
        /// Output could not be written.
        Out(io::Error),
    }

    fn read_trace(file: &str, format: TraceFormat) -> i32 {
        let name = if file == "-" { "<stdin>" } else { file };
        let stdout = io::stdout();
        let mut out = BufWriter::new(stdout.lock());
        let result = if file == "-" {
            let stdin = io::stdin();
            let mut input = stdin.lock();
            stream_trace(&mut input, format, &mut out)
        } else {
            match std::fs::File::open(file) {
                Ok(mut f) => stream_trace(&mut f, format, &mut out),
                Err(e) => Err(TraceFail::Io(e.to_string())),
            }
        };
        match result.and_then(|_| out.flush().map_err(TraceFail::Out)) {
            Ok(()) => 0,
            Err(TraceFail::Out(e)) if e.kind() == io::ErrorKind::BrokenPipe => 0,
            Err(TraceFail::Out(e)) => fail(&[format!("gmpsim: writing output: {e}")]),
            Err(TraceFail::Io(e)) => fail(&[format!("{name}: {e}")]),
            Err(TraceFail::Bad(e)) => fail(&[format!("{name}: {e}")]),
        }
    }

    /// Feeds the input to the core's reader 256 KiB at a time, printing as events come.
    fn stream_trace(input: &mut impl Read, format: TraceFormat, out: &mut impl Write) -> Result<(), TraceFail> {
        use gmp::core::trace::{Pull, Summary, TraceReader};
        let mut r = TraceReader::new();
        let mut summary = Summary::new();
        let mut chunk = vec![0u8; 256 << 10];
        loop {
            match r.next().map_err(TraceFail::Bad)? {
                Pull::Event(ev) => {
                    summary.add(ev);
                    if let TraceFormat::Jsonl = format {
                        let ev = *ev;
                        write_event_json(&r, &ev, out).map_err(TraceFail::Out)?;
                    }
                }
                Pull::NeedInput => {
                    let n = loop {
                        match input.read(&mut chunk) {
                            Ok(n) => break n,
                            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                            Err(e) => return Err(TraceFail::Io(e.to_string())),
                        }
                    };
                    if n == 0 {
                        r.finish();
                    } else {
                        r.feed(&chunk[..n]);
                    }
                }
                Pull::End => break,
            }
        }
        summary.finish(&r);
        match format {
            TraceFormat::Jsonl => Ok(()),
            TraceFormat::Json => writeln!(out, "{}", summary.to_json()).map_err(TraceFail::Out),
            TraceFormat::Summary => write_trace_summary(&summary, out).map_err(TraceFail::Out),
        }
    }

    /// One event as a JSON line, written field by field (no JSON tree per event).
    fn write_event_json(
        r: &gmp::core::trace::TraceReader,
        ev: &gmp::core::trace::TraceEvent,
        out: &mut impl Write,
    ) -> io::Result<()> {
        fn opt(x: Option<u64>) -> String {
            x.map_or_else(|| "null".to_string(), |v| v.to_string())
        }
        fn text(s: &str) -> String {
            serde_json::to_string(s).expect("a string serializes")
        }
        let gen = r.generation().expect("an event comes from a generation");
        write!(
            out,
            "{{\"t\":{},\"kind\":\"{}\",\"wire\":\"{}\",\"g\":{},\"p\":{},\"m\":{},\"gen\":{},\"args\":{{",
            ev.time_ns,
            ev.sim_kind().map_or(ev.kind.name(), |k| k.name()),
            ev.kind.name(),
            opt(ev.subject_g()),
            opt(ev.subject_p()),
            opt(ev.thread()),
            ev.gen
        )?;
        let mut first = true;
        for (name, &v) in ev.kind.arg_names().iter().skip(1).zip(ev.args()) {
            let (key, value) = if let Some(base) = name.strip_suffix("_string") {
                (base, text(gen.string(v)))
            } else if *name == "stack" {
                match gen.stack(v).first() {
                    Some(f) => ("at", text(&format!("{}:{}", gen.string(f.func), f.line))),
                    None => continue,
                }
            } else {
                (name.trim_end_matches("_value"), v.to_string())
            };
            write!(out, "{}\"{key}\":{value}", if first { "" } else { "," })?;
            first = false;
        }
        writeln!(out, "}}}}")
    }

    fn write_trace_summary(s: &gmp::core::trace::Summary, out: &mut impl Write) -> io::Result<()> {
        let timed: u64 = s.counts.nonzero().filter(|(k, _)| k.is_timed()).map(|(_, n)| n).sum();
        writeln!(out, "format:       go {}", s.version.map(|v| v.name()).unwrap_or_default())?;
        writeln!(out, "generations:  {}", s.generations)?;
        writeln!(out, "duration:     {}", fmt_t(s.duration_ns()))?;
        writeln!(out, "GOMAXPROCS:   {} (largest {})", s.gomaxprocs, s.max_gomaxprocs)?;
        writeln!(out, "goroutines:   {}", s.goroutines.len())?;
        writeln!(out, "threads:      {}", s.threads.len())?;
        writeln!(out, "events:       {} timed, {} in all on the wire", timed, s.counts.total())?;
        for (k, n) in s.counts.nonzero() {
            writeln!(out, "  {:<21}{n:>10}", k.name())?;
        }
        Ok(())
    }

    fn simulate(s: &Scenario, until: Option<u64>, format: Format, out: &mut impl Write) -> io::Result<()> {
        let mut sim = Sim::new(s);
        let limit = until.unwrap_or(u64::MAX);
        let mut summary = gmp::core::summary::SummaryBuilder::new();
        while sim.step_count() < limit && sim.step() {
            if matches!(format, Format::Summary) {
                summary.observe(&sim);
            }
            match format {
                Format::Jsonl => {
                    for e in sim.events() {
                        writeln!(out, "{}", e.to_json(sim.program()))?;
                    }
                }
                Format::Trace => {
                    for e in sim.events() {
                        writeln!(out, "{}", e.trace_line(sim.program()))?;
                    }
                }
                Format::Output => {
                    for e in sim.events() {
                        if let gmp::core::event::What::Print { text } = &e.what {
                            out.write_all(text.as_bytes())?;
                        }
                    }
                }
                Format::State | Format::Summary => {}
            }
        }
        match format {
            Format::State => {
                writeln!(out, "{}", serde_json::to_string(&sim.snapshot(true)).expect("state serializes"))?;
            }
            Format::Summary => {
                let st = sim.stats();
                let outcome = match sim.outcome() {
                    Some(o) => o.message(),
                    None => format!("still running after step {}", sim.step_count()),
                };
                writeln!(out, "scenario:            {}", if s.name.is_empty() { "(unnamed)" } else { &s.name })?;
                writeln!(out, "outcome:             {outcome}")?;
                writeln!(out, "steps:               {}", sim.step_count())?;
                writeln!(out, "events:              {}", st.events)?;
                writeln!(out, "virtual time:        {}", fmt_t(sim.now()))?;
                writeln!(out, "goroutines created:  {}", st.goroutines_created)?;
                writeln!(out, "steals:              {} ({} goroutines)", st.steals, st.goroutines_stolen)?;
                writeln!(out, "hand-offs:           {}", st.handoffs)?;
                writeln!(out, "threads created:     {} (peak {} alive, sysmon included)", st.threads_created, st.max_threads)?;
                writeln!(out, "preemptions:         {}", st.preemptions)?;
                let busy: Vec<String> = summary.summary().p_busy_ns.iter().enumerate().map(|(i, &ns)| format!("P{i} {}", fmt_t(ns))).collect();
                writeln!(out, "busy per P:          {}", busy.join(", "))?;
                writeln!(out, "global batches:      {}", st.global_grabs)?;
                writeln!(out, "local overflows:     {}", st.overflows)?;
                writeln!(out, "largest local queue: {}", st.max_local_queue)?;
                writeln!(out, "largest global queue:{:>1}", format!(" {}", st.max_global_queue))?;
                writeln!(out, "{}", sim.schedtrace())?;
            }
            _ => {
                if let Some(o) = sim.outcome() {
                    if matches!(format, Format::Trace) {
                        writeln!(out, "# {}", o.message())?;
                    }
                }
            }
        }
        Ok(())
    }
}
