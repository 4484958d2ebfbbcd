//! `gmpsim`: the native command-line runner over the scheduler core.
//!
//! `gmpsim run FILE` simulates a scenario and prints its event stream (`jsonl`, `trace`), the
//! state after the last step (`state`) or totals (`summary`); `validate`, `link` and `decode`
//! work on scenario documents and share links; `export` writes a scenario as a Go program or
//! its run as a trace for Perfetto; `trace` reads a Go execution trace (Go 1.22 and later) and
//! prints its totals or its events in the simulator's vocabulary. Exit status: 0 when the simulation ran
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
        },
        /// Check a scenario and list every problem with its place.
        Validate {
            /// Scenario JSON file, or `-` for standard input.
            file: String,
        },
        /// Print the share link of a scenario.
        Link {
            /// Scenario JSON file, or `-` for standard input.
            file: String,
            /// The page's address to put before the fragment.
            #[arg(long, default_value = "")]
            base: String,
            /// Open the run at this step.
            #[arg(long)]
            step: Option<u64>,
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
    enum Format {
        /// One JSON object per event.
        Jsonl,
        /// One readable line per event, with its explanation.
        Trace,
        /// The state after the last step run, as JSON.
        State,
        /// Totals and the outcome.
        Summary,
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

    fn load(file: &str) -> Result<Scenario, Vec<String>> {
        let text = read_input(file).map_err(|e| vec![e])?;
        let name = if file == "-" { "<stdin>" } else { file };
        scenario::parse(&text).map_err(|ps| ps.iter().map(|p| format!("{name}: {p}")).collect())
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
            Cmd::Run { file, until_step, format } => match load(&file) {
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
            Cmd::Validate { file } => match load(&file) {
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
            Cmd::Link { file, base, step } => match load(&file) {
                Err(p) => fail(&p),
                Ok(s) => {
                    let mut params = Vec::new();
                    if let Some(n) = step {
                        params.push(("step", n.to_string()));
                    }
                    emit(&format!("{}\n", link::make_link(&s.to_json(), &base, &params)))
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
            Cmd::Export { file, go, perfetto, until_step, output } => match load(&file) {
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
            ev.sim_kind().unwrap_or(ev.kind.name()),
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
        while sim.step_count() < limit && sim.step() {
            match format {
                Format::Jsonl => {
                    for e in sim.events() {
                        let line = serde_json::json!({
                            "step": e.step,
                            "t": e.t,
                            "kind": e.kind(),
                            "g": e.g.map(|x| x.0),
                            "p": e.p.map(|x| x.0),
                            "m": e.m.map(|x| x.0),
                            "text": e.explain(sim.program()),
                            "detail": e.detail(),
                        });
                        writeln!(out, "{line}")?;
                    }
                }
                Format::Trace => {
                    for e in sim.events() {
                        writeln!(out, "{}", e.trace_line(sim.program()))?;
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
