//! Go import: `import --go` of `export --go` is the same scenario and runs exactly the same
//! events, for every lesson, every scenario of `tests/scenarios` and `tests/differential`, and
//! every golden share link; mutated Go sources never panic the importer, and its errors have
//! places.
#![cfg(not(target_arch = "wasm32"))]

use gmp::core::export::go_program;
use gmp::core::golang;
use gmp::core::lessons;
use gmp::core::link;
use gmp::core::scenario::{self, Scenario};
use gmp::core::sim::Sim;

/// Steps compared event by event per scenario.
const MAX_STEPS: u64 = 5_000;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn json_files(dir: &str) -> Vec<(String, Scenario)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(dir)).unwrap().map(|e| e.unwrap().path()).collect();
    files.retain(|p| p.extension().is_some_and(|e| e == "json"));
    files.sort();
    files.iter().map(|f| (format!("{dir}/{}", f.file_name().unwrap().to_string_lossy()), scenario::parse(&std::fs::read_to_string(f).unwrap()).unwrap())).collect()
}

fn every_scenario() -> Vec<(String, Scenario)> {
    let mut out = json_files("tests/scenarios");
    out.extend(json_files("tests/differential"));
    out.extend(lessons::all().iter().map(|l| (format!("lesson {}", l.id), l.parsed())));
    // The Go programs of tests/go (values, printing, range over channels).
    let mut progs: Vec<PathBuf> = std::fs::read_dir(root().join("tests/go")).unwrap().map(|e| e.unwrap().path().join("main.go")).filter(|p| p.exists()).collect();
    progs.sort();
    for p in progs {
        let src = std::fs::read_to_string(&p).unwrap();
        out.push((p.display().to_string(), golang::import(&src).unwrap_or_else(|es| panic!("{}: {}", p.display(), es[0]))));
    }
    let links = std::fs::read_to_string(root().join("tests/golden/links.txt")).unwrap();
    for (i, line) in links.lines().enumerate().filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty()) {
        let l = line.split_whitespace().nth(3).unwrap();
        let json = link::decode(l).unwrap().scenario_json;
        out.push((format!("links.txt:{}", i + 1), scenario::parse(&json).unwrap()));
    }
    out
}

#[test]
fn import_of_export_runs_the_same_events() {
    let all = every_scenario();
    assert!(all.len() > 40, "{}", all.len());
    for (name, s) in all {
        let go = go_program(&s);
        let back = golang::import(&go).unwrap_or_else(|es| {
            panic!("{name}: {}\n{go}", es.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))
        });
        // The same scenario, or one Go text cannot tell from it (a loop of single `go`s reads
        // back as one `go` op with a count: the same events, checked below).
        if back != s {
            assert_eq!(go_program(&back), go, "{name}: the scenario differs");
        }
        // The same scenario runs the same events (the simulator is deterministic); compared
        // event by event over the first steps all the same (whole runs are what tests/links.rs
        // digests, and would make this test slow).
        let (mut a, mut b) = (Sim::new(&s), Sim::new(&back));
        for step in 0..MAX_STEPS {
            let (ra, rb) = (a.step(), b.step());
            assert_eq!(a.events(), b.events(), "{name}: step {step}");
            assert_eq!(ra, rb, "{name}: step {step}");
            if !ra {
                break;
            }
        }
    }
}

mod common;

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).unwrap()
}

const PROGRAM: &str = "package main\n\nimport \"sync\"\n\nfunc main() {\n\tvar wg sync.WaitGroup\n\tfor range 3 {\n\t\twg.Go(func() {})\n\t}\n\twg.Wait()\n}\n";

#[test]
fn cli_import_go_writes_the_scenario() {
    let o = common::gmpsim(&["import", "--go", "-"], Some(PROGRAM));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let s = scenario::parse(&text(&o.stdout)).unwrap();
    assert_eq!(s.funcs.len(), 1);
    assert_eq!(s.wgs, ["wg"]);
}

#[test]
fn cli_run_format_output_writes_only_what_the_program_printed() {
    let hello = root().join("tests/go/hello/main.go");
    let o = common::gmpsim(&["run", hello.to_str().unwrap(), "--format", "output"], None);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout), "hello world\n42 -7 mixed 0\nhello has 5 letters\n42|\"hello\"|ff|%\n\n");
    // A program that prints nothing writes nothing; standard input with --lang go.
    let o = common::gmpsim(&["run", "-", "--lang", "go", "--format", "output"], Some(PROGRAM));
    assert_eq!((o.status.code(), text(&o.stdout)), (Some(0), String::new()));
    // Up to a step: a prefix of the whole output.
    let src = std::fs::read_to_string(root().join("tests/go/worker_pool/main.go")).unwrap();
    let all = text(&common::gmpsim(&["run", "-", "--lang", "go", "--format", "output"], Some(&src)).stdout);
    let part = text(&common::gmpsim(&["run", "-", "--lang", "go", "--format", "output", "--until-step", "30"], Some(&src)).stdout);
    assert!(all.starts_with(&part) && part.len() < all.len() && !part.is_empty(), "{part:?} / {all:?}");
}

#[test]
fn cli_commands_read_go_by_extension_or_lang() {
    let dir = std::env::temp_dir().join(format!("gmp-golang-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("main.go");
    std::fs::write(&file, PROGRAM).unwrap();
    let f = file.to_str().unwrap();
    for args in [vec!["run", f, "--format", "summary"], vec!["validate", f], vec!["link", f], vec!["export", "--go", f]] {
        let o = common::gmpsim(&args, None);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", text(&o.stderr));
    }
    let o = common::gmpsim(&["validate", "-", "--lang", "go"], Some(PROGRAM));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("valid scenario"));
    // Without --lang, standard input is JSON.
    let o = common::gmpsim(&["validate", "-"], Some(PROGRAM));
    assert_eq!(o.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn cli_reports_every_problem_in_go_format() {
    let o = common::gmpsim(&["import", "--go", "-"], Some("package main\n\nfunc main() {\n\tselect {}\n\tfor {\n\t}\n}\n"));
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(lines[0].starts_with("<stdin>:4:2: a select statement is not simulated"), "{err}");
    assert!(lines[1].starts_with("<stdin>:5:2: a for loop that is not counted"), "{err}");
}

#[test]
fn cli_validate_reports_problems_of_lowering_and_of_validation_together() {
    // `select {}` is refused while lowering; the wg.Add is valid Go but the scenario it
    // stands for is not (more goroutines than the limit): both, at their lines.
    let src = "package main

func f() {}

func main() {
	select {}
	for range 3000000 {
		go f()
	}
}
";
    let dir = std::env::temp_dir().join(format!("gmp-golang-both-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("x.go");
    std::fs::write(&file, src).unwrap();
    let o = common::gmpsim(&["validate", file.to_str().unwrap()], None);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(err.contains("x.go:6:2: a select statement is not simulated"), "{err}");
    assert!(err.contains("x.go: in the scenario it stands for") && err.contains("3000001 goroutines"), "{err}");
}

mod mutations {
    use super::*;
    use proptest::prelude::*;

    /// Sources to mutate: exported programs and a plain one.
    fn seeds() -> Vec<String> {
        let mut out: Vec<String> = json_files("tests/scenarios").iter().map(|(_, s)| go_program(s)).collect();
        out.push(PROGRAM.to_string());
        // The Go programs of tests/go: printing, values, range over channels, consts.
        let mut progs: Vec<PathBuf> = std::fs::read_dir(root().join("tests/go")).unwrap().map(|e| e.unwrap().path().join("main.go")).collect();
        progs.sort();
        out.extend(progs.iter().filter(|p| p.exists()).map(|p| std::fs::read_to_string(p).unwrap()));
        out.push("package main\n\nimport \"time\"\n\nfunc w(c chan int, n int) {\n\tfor i := 0; i < 3; i++ {\n\t\tc <- n\n\t}\n}\n\nfunc main() {\n\tc := make(chan int, 2)\n\tgo w(c, 1)\n\tfor range 3 {\n\t\t<-c\n\t}\n\ttime.Sleep(time.Millisecond)\n}\n".to_string());
        out
    }

    const PIECES: [&str; 24] = [
        "{", "}", "(", ")", "[", "]", "\n", ";", "\"", "`", "/*", "//gmp:scenario {", "func", "go", "for", "range", "<-",
        ":=", "select {}", "if x {", "1e9", "0x", "é", "99999999999999999999",
    ];

    #[derive(Clone, Debug)]
    enum Mutation {
        Delete(usize, usize),
        Insert(usize, usize),
        Truncate(usize),
        Duplicate(usize, usize),
    }

    fn mutation() -> impl Strategy<Value = Mutation> {
        prop_oneof![
            (any::<usize>(), 1usize..40).prop_map(|(a, n)| Mutation::Delete(a, n)),
            (any::<usize>(), 0..PIECES.len()).prop_map(|(a, p)| Mutation::Insert(a, p)),
            any::<usize>().prop_map(Mutation::Truncate),
            (any::<usize>(), 1usize..200).prop_map(|(a, n)| Mutation::Duplicate(a, n)),
        ]
    }

    fn at(s: &str, a: usize) -> usize {
        let mut i = a % (s.len() + 1);
        while !s.is_char_boundary(i) {
            i -= 1;
        }
        i
    }

    fn apply(mut s: String, m: &Mutation) -> String {
        match *m {
            Mutation::Delete(a, n) => {
                let i = at(&s, a);
                let j = at(&s, i + n.min(s.len() - i));
                s.replace_range(i..j.max(i), "");
            }
            Mutation::Insert(a, p) => {
                let i = at(&s, a);
                s.insert_str(i, PIECES[p]);
            }
            Mutation::Truncate(a) => {
                let i = at(&s, a);
                s.truncate(i);
            }
            Mutation::Duplicate(a, n) => {
                let i = at(&s, a);
                let j = at(&s, i + n.min(s.len() - i));
                let piece = s[i..j.max(i)].to_string();
                s.insert_str(i, &piece);
            }
        }
        s
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

        #[test]
        fn mutated_sources_never_panic_and_errors_have_places(seed in 0usize..40, ms in proptest::collection::vec(mutation(), 1..6)) {
            let seeds = seeds();
            let mut src = seeds[seed % seeds.len()].clone();
            for m in &ms {
                src = apply(src, m);
            }
            // Where each line starts and ends (the end of the text is a place too: `unexpected EOF`).
            let line_lens: Vec<usize> = src.split('\n').map(str::len).collect();
            // The syntax errors alone, as the lexer and parser report them.
            let (toks, _, lexical) = golang::lexer::lex_all(&src);
            let syntax = golang::parser::parse_file(&toks, lexical).err();
            match golang::import(&src) {
                Ok(_) => prop_assert!(syntax.is_none(), "a source with syntax errors imported: {syntax:?}"),
                Err(es) => {
                    prop_assert!(!es.is_empty(), "import failed with no problem");
                    for e in &es {
                        prop_assert!(
                            e.pos.is_some() || e.message.starts_with("function main is undeclared") || e.message.starts_with("in the scenario it stands for"),
                            "{e}"
                        );
                        if let Some(p) = e.pos {
                            let len = line_lens.get(p.line as usize - 1).copied();
                            prop_assert!(p.line >= 1 && len.is_some(), "{e}: line outside the source's {} lines", line_lens.len());
                            prop_assert!(p.col >= 1 && p.col as usize <= len.unwrap_or(0) + 1, "{e}: column outside its line");
                        }
                    }
                    // With syntax errors, they are all there is (lowering does not run): in
                    // order, one per line, at most ten and then `too many errors`.
                    if let Some(syn) = syntax {
                        prop_assert_eq!(&es, &syn);
                        let lines: Vec<u32> = es.iter().filter(|e| e.message != "too many errors").filter_map(|e| e.pos.map(|p| p.line)).collect();
                        prop_assert!(lines.windows(2).all(|w| w[0] < w[1]), "not one per line, in order: {es:?}");
                        prop_assert!(es.len() <= 11, "{es:?}");
                        prop_assert_eq!(es.len() == 11, es.last().is_some_and(|e| e.message == "too many errors"));
                    }
                }
            }
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        for src in [
            format!("package main\nfunc main() {{\n{}\n}}\n", "{".repeat(5000)),
            format!("package main\nvar x = {}1\n", "(".repeat(5000)),
            format!("package main\nfunc main() {{\n{}}}\n", "for range 2 {\n".repeat(5000)),
            format!("package main\nvar x {}int\n", "*".repeat(5000)),
        ] {
            let es = golang::import(&src).unwrap_err();
            assert!(es[0].pos.is_some(), "{}", es[0]);
        }
    }
}

#[test]
fn a_plain_program_survives_export_and_import() {
    let closures = "package main\n\nimport (\n\t\"runtime\"\n\t\"sync\"\n\t\"time\"\n)\n\nfunc worker(jobs chan int, wg *sync.WaitGroup, id int) {\n\tdefer wg.Done()\n\tfor range 2 {\n\t\t<-jobs\n\t\truntime.Gosched()\n\t}\n}\n\nfunc main() {\n\truntime.GOMAXPROCS(2)\n\tjobs := make(chan int)\n\tvar wg sync.WaitGroup\n\tfor i := range 3 {\n\t\twg.Add(1)\n\t\tgo worker(jobs, &wg, i)\n\t}\n\tgo func() {\n\t\tfor i := 0; i < 6; i++ {\n\t\t\tjobs <- i\n\t\t}\n\t\tclose(jobs)\n\t}()\n\twg.Wait()\n\ttime.Sleep(time.Millisecond)\n}\n";
    for src in [PROGRAM, closures] {
        let s = golang::import(src).unwrap();
        let again = golang::import(&go_program(&s)).unwrap();
        assert_eq!(again, s);
        let mut sim = Sim::new(&s);
        sim.run(100_000);
        assert!(sim.finished());
    }
}
