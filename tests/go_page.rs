//! The page's Go editor, tested natively: highlighting from the core's lexer (token classes,
//! every byte covered, broken text), Go errors placed at their lines, switching between Go and
//! JSON without losing either text, version 2 share links opening the Go text as written,
//! lessons shown as Go, and a broken Go edit keeping the last good scenario running.
//! `cargo test --test go_page`.
#![cfg(not(target_arch = "wasm32"))]

use gmp::core::export::go_program;
use gmp::core::link;
use gmp::core::scenario;
use gmp::web::boot::{boot, default_text, DEFAULT_SCENARIO};
use gmp::web::gosrc::{self, Lang};
use gmp::web::highlight::{highlight, lines, Class, Piece};
use gmp::web::state::{AppState, Msg, Theme};
use std::rc::Rc;

const PROG: &str = "package main\n\nimport \"sync\"\n\n// Two workers.\nfunc main() {\n\tvar wg sync.WaitGroup\n\tfor i := range 2 {\n\t\twg.Add(1)\n\t\tgo func() { defer wg.Done() }() /* inline */\n\t}\n\twg.Wait()\n\t_ = 0x1F\n}\n";

/// The (text, class) pairs of `src`, plain pieces left out.
fn classes(src: &str) -> Vec<(String, Class)> {
    highlight(src).into_iter().filter(|p| p.class != Class::Plain).map(|p| (src[p.start..p.end].to_string(), p.class)).collect()
}

fn covers(src: &str, pieces: &[Piece]) {
    let mut at = 0;
    for p in pieces {
        assert_eq!(p.start, at, "pieces are contiguous: {pieces:?}");
        assert!(p.end > p.start);
        at = p.end;
    }
    assert_eq!(at, src.len(), "every byte is covered");
}

#[test]
fn highlighting_classes_each_token_as_the_lexer_reads_it() {
    let c = classes(PROG);
    let of = |t: &str| c.iter().find(|(s, _)| s == t).map(|x| x.1);
    assert_eq!(of("package"), Some(Class::Keyword));
    assert_eq!(of("func"), Some(Class::Keyword));
    assert_eq!(of("range"), Some(Class::Keyword));
    assert_eq!(of("\"sync\""), Some(Class::Str));
    assert_eq!(of("// Two workers."), Some(Class::Comment));
    assert_eq!(of("/* inline */"), Some(Class::Comment));
    assert_eq!(of("0x1F"), Some(Class::Number));
    assert_eq!(of("2"), Some(Class::Number));
    assert_eq!(of(":="), Some(Class::Op));
    assert_eq!(of("main"), None, "a plain identifier is plain");
    assert_eq!(of("wg"), None);
    covers(PROG, &highlight(PROG));
    // A predeclared identifier, a rune, a raw string across lines, an explicit semicolon.
    let c = classes("x := make(chan int, 'a'); s := `a\nb`");
    assert!(c.contains(&("make".into(), Class::Builtin)) && c.contains(&("int".into(), Class::Builtin)), "{c:?}");
    assert!(c.contains(&("chan".into(), Class::Keyword)), "{c:?}");
    assert!(c.contains(&("'a'".into(), Class::Str)), "{c:?}");
    assert!(c.contains(&("`a\nb`".into(), Class::Str)), "{c:?}");
    assert!(c.contains(&(");".into(), Class::Op)), "{c:?}");
}

#[test]
fn text_the_lexer_refuses_is_an_error_to_its_line_end_and_the_next_lines_are_highlighted() {
    let src = "func main() {\n\ts := \"open\n\tgo f() ? x\n}\n";
    let c = classes(src);
    assert!(c.contains(&("func".into(), Class::Keyword)), "{c:?}");
    assert!(c.contains(&("\"open".into(), Class::Error)), "{c:?}");
    assert!(c.contains(&("go".into(), Class::Keyword)), "lexing resumes on the next line: {c:?}");
    assert!(c.contains(&("? x".into(), Class::Error)), "{c:?}");
    assert!(c.contains(&("}".into(), Class::Op)), "{c:?}");
    covers(src, &highlight(src));
    // An unterminated block comment is a comment to the end.
    let c = classes("x /* never\nclosed");
    assert_eq!(c.last(), Some(&("/* never\nclosed".to_string(), Class::Comment)));
    // Non-ASCII text and an invalid character.
    for src in ["s := \"héllo\" // ü\n", "é := 1", "a § b\nc", "", "\n\n", "`", "/*", "'"] {
        covers(src, &highlight(src));
    }
}

#[test]
fn lines_cut_pieces_at_newlines_one_entry_per_line() {
    let src = "a /* x\ny */ b\n\n";
    let ls = lines(src, &highlight(src));
    assert_eq!(ls.len(), src.split('\n').count());
    let text = |l: &Vec<Piece>| l.iter().map(|p| &src[p.start..p.end]).collect::<String>();
    assert_eq!(text(&ls[0]), "a /* x");
    assert_eq!(text(&ls[1]), "y */ b");
    assert_eq!(ls[1][0].class, Class::Comment);
    assert!(ls[2].is_empty() && ls[3].is_empty());
}

#[test]
fn go_errors_are_placed_at_their_lines_every_one_at_once() {
    let src = "package main\n\nfunc main() {\n\tselect {}\n\tvar m map[int]int\n}\n";
    let ps = gosrc::compile(src).unwrap_err();
    assert!(ps.len() >= 2, "every problem at once: {ps:?}");
    assert_eq!((ps[0].line, ps[0].col), (Some(4), Some(2)), "{ps:?}");
    let (a, b) = ps[0].span.unwrap();
    assert_eq!(&src[a..b], "select", "the span is the word at the place");
    assert!(ps[0].message.contains("select"), "{ps:?}");
    assert_eq!(ps[1].line, Some(5), "{ps:?}");
    // A lexical error: the span is the character there.
    let ps = gosrc::compile("package main\nfunc main() { a ? b }\n").unwrap_err();
    let (a, b) = ps[0].span.unwrap();
    assert_eq!((ps[0].line, &"package main\nfunc main() { a ? b }\n"[a..b]), (Some(2), "?"));
    // JSON problems are still found at their places.
    let ps = gosrc::compile("{\"version\": 1, \"main\": [{\"go\": \"nope\"}]}").unwrap_err();
    assert!(ps[0].line.is_some() && ps[0].place.contains("main[0]"), "{ps:?}");
}

#[test]
fn the_editor_lists_problems_of_lowering_and_of_validation_together() {
    // `select {}` (refused while lowering) and a loop nested 17 deep (refused by validating
    // the scenario), each at its line.
    let mut src = String::from("package main\n\nimport \"runtime\"\n\nfunc main() {\n\tselect {}\n");
    src.push_str(&"for range 2 {\n".repeat(17));
    src.push_str("runtime.Gosched()\n");
    src.push_str(&"}\n".repeat(17));
    src.push_str("}\n");
    let ps = gosrc::compile(&src).unwrap_err();
    assert_eq!(ps.len(), 2, "{ps:?}");
    assert_eq!(ps[0].line, Some(6), "{ps:?}");
    assert!(ps[0].message.contains("select"), "{ps:?}");
    assert_eq!(ps[1].line, Some(23), "{ps:?}");
    assert!(ps[1].message.contains("nested 17 deep"), "{ps:?}");
}

#[test]
fn a_text_says_its_language_and_switching_keeps_both_texts() {
    assert_eq!(Lang::of(DEFAULT_SCENARIO), Lang::Json);
    assert_eq!(Lang::of(&default_text()), Lang::Go);
    assert_eq!(Lang::of("// hi\npackage main"), Lang::Go);
    let go = default_text();
    assert_eq!(gosrc::compile(&go).unwrap(), scenario::parse(DEFAULT_SCENARIO).unwrap(), "the default Go is the default scenario");
    // Go with comments to JSON and back: the Go comes back as written.
    let mine = go.replacen("package main", "// mine\npackage main", 1);
    let json = gosrc::switch(&mine, None);
    assert_eq!(Lang::of(&json), Lang::Json);
    assert_eq!(gosrc::switch(&json, Some(&mine)), mine, "unchanged meaning: the user's Go text");
    // A JSON edit that changes the meaning: the Go is written anew.
    let json2 = json.replacen("\"gomaxprocs\": 2", "\"gomaxprocs\": 3", 1);
    assert_ne!(json2, json);
    let go2 = gosrc::switch(&json2, Some(&mine));
    assert_eq!(gosrc::compile(&go2).unwrap().gomaxprocs, 3);
    // Broken text cannot be converted: the other text is shown as it was.
    assert_eq!(gosrc::switch("package main\nfunc main() { select {} }", Some(&json)), json);
    assert_eq!(gosrc::switch("{ broken", None), "{ broken", "nothing to switch to: the text stays");
}

fn page(text: &str) -> Rc<AppState> {
    Rc::new(AppState::new(boot("", None, Some(text.to_string())), Theme::Light, false))
}

#[test]
fn a_new_visitor_and_a_lesson_see_go() {
    let b = boot("", None, None);
    assert_eq!(Lang::of(&b.editor_text), Lang::Go);
    assert_eq!(b.editor_text, default_text());
    let s = Rc::new(AppState::new(b, Theme::Light, false));
    assert_eq!(s.editor.lang, Lang::Go);
    assert!(s.editor.valid(), "{:?}", s.editor.problems);
    let l = &gmp::core::lessons::all()[0];
    let s = s.reduce(Msg::OpenLesson(l.id.into()));
    assert_eq!(*s.editor.text, go_program(&l.parsed()), "the lesson's program is what export --go writes");
    assert_eq!(s.editor.lang, Lang::Go);
    assert!(!s.editor_dirty());
    assert_eq!(s.driver.borrow().scenario(), &l.parsed());
}

#[test]
fn broken_go_keeps_the_last_good_scenario_running_and_loses_nothing() {
    let go = default_text();
    let s = page(&go).reduce(Msg::Seek(20));
    let running = s.driver.borrow().scenario().clone();
    let broken = go.replacen("func main() {", "func main() {\n\tselect {}", 1);
    let s = s.reduce(Msg::Edit(broken.clone()));
    assert!(!s.editor.valid());
    assert_eq!(s.editor.problems[0].line, Some(go.lines().position(|l| l == "func main() {").unwrap() as u32 + 2));
    assert_eq!(s.save_draft.as_deref().map(|t| t.as_str()), Some(broken.as_str()), "the draft is stored");
    let s = s.reduce(Msg::Apply);
    assert!(s.notice.as_ref().is_some_and(|n| n.error));
    assert_eq!(s.driver.borrow().scenario(), &running, "the last good scenario keeps running");
    assert_eq!(s.driver.borrow().step(), 20);
    // Switching to JSON is refused while the Go is broken: nothing is lost.
    let s = s.reduce(Msg::SwitchLang);
    assert_eq!(*s.editor.text, broken);
    // A good edit applies.
    let fixed = go.replacen("func main() {", "func main() {\n\truntime.Gosched()", 1);
    let s = s.reduce(Msg::Edit(fixed.clone())).reduce(Msg::Apply);
    assert!(s.editor.valid(), "{:?}", s.editor.problems);
    assert_eq!(*s.running_text, fixed);
    assert_eq!(s.driver.borrow().step(), 0);
}

#[test]
fn switching_language_in_the_page_keeps_the_users_go() {
    let mine = default_text().replacen("package main", "// my notes\npackage main", 1);
    let s = page(&mine);
    assert_eq!(s.editor.lang, Lang::Go);
    let s = s.reduce(Msg::SwitchLang);
    assert_eq!(s.editor.lang, Lang::Json);
    assert!(!s.editor_dirty(), "the same scenario runs");
    let s = s.reduce(Msg::SwitchLang);
    assert_eq!(*s.editor.text, mine, "back to the Go as written");
    assert_eq!(s.editor.lang, Lang::Go);
}

#[test]
fn a_version_2_link_opens_the_go_text_as_written_and_a_version_1_link_still_opens() {
    let mine = default_text().replacen("package main", "// shared, with   spacing\npackage main", 1);
    let b = boot(&format!("#s={}&step=7", link::encode_go(&mine)), None, None);
    assert!(b.from_link && b.notice.is_none(), "{:?}", b.notice);
    assert_eq!((b.editor_text.as_str(), b.running_text.as_str(), b.step), (mine.as_str(), mine.as_str(), Some(7)));
    assert_eq!(b.scenario, gosrc::compile(&mine).unwrap());
    let b = boot(&format!("#s={}", link::encode(DEFAULT_SCENARIO)), None, None);
    assert!(b.from_link);
    assert_eq!(b.editor_text, DEFAULT_SCENARIO, "a version 1 link opens its JSON");
    // A version 2 link whose Go does not import is reported with the Go error's place.
    let b = boot(&format!("#s={}", link::encode_go("package main\nfunc main() {\n\tselect {}\n}\n")), None, None);
    assert!(!b.from_link);
    let n = b.notice.unwrap();
    assert!(n.lines[0].contains("main.go:3:2"), "{:?}", n.lines);
}

const PRINTS: &str = "package main\n\nimport (\n\t\"fmt\"\n\t\"runtime\"\n)\n\nfunc worker(id int) {\n\tfmt.Println(\"worker\", id)\n}\n\nfunc main() {\n\truntime.GOMAXPROCS(1)\n\tfor i := range 3 {\n\t\tgo worker(i)\n\t}\n\truntime.Gosched()\n\tfmt.Println(\"main done\")\n}\n";

/// Each step's printed texts, from the core's own run.
fn prints_by_step(go: &str) -> Vec<(u64, String)> {
    let mut sim = gmp::core::sim::Sim::new(&gosrc::compile(go).unwrap());
    let mut out = Vec::new();
    while sim.step() {
        for e in sim.events() {
            if let gmp::core::event::What::Print { text } = &e.what {
                out.push((sim.step_count(), text.clone()));
            }
        }
    }
    out
}

#[test]
fn the_output_panel_shows_what_was_printed_up_to_each_step_and_stepping_back_unprints() {
    let want = prints_by_step(PRINTS);
    assert_eq!(want.len(), 4, "{want:?}");
    let mut s = page(PRINTS).reduce(Msg::Seek(10_000));
    let end = s.driver.borrow().step();
    assert!(s.driver.borrow().finished());
    assert_eq!(s.printed.prints, 4);
    assert!(s.printed.text.ends_with("main done\n"), "{:?}", s.printed.text);
    // Back, one step at a time: the text is exactly what was printed by then.
    for k in (0..end).rev() {
        s = s.reduce(Msg::Back);
        assert_eq!(s.driver.borrow().step(), k);
        let text: String = want.iter().filter(|(st, _)| *st <= k).map(|(_, t)| t.as_str()).collect();
        assert_eq!(s.printed.text, text, "at step {k}");
        assert_eq!(s.printed.prints, want.iter().filter(|(st, _)| *st <= k).count());
    }
    assert_eq!(s.printed.prints, 0, "nothing printed at step 0");
    // Forward again (replayed from the record): the same prints, once each.
    let s = s.reduce(Msg::Seek(end));
    assert_eq!(s.printed.text, want.iter().map(|(_, t)| t.as_str()).collect::<String>());
}

#[test]
fn the_lines_goroutines_are_on_follow_the_run() {
    let lines: Vec<&str> = PRINTS.lines().collect();
    let line_of = |text: &str| lines.iter().position(|l| l.trim() == text).unwrap() as u32 + 1;
    let mut s = page(PRINTS);
    assert!(s.go_lines.is_empty(), "nothing runs at step 0");
    let (mut g1, mut workers) = (Vec::new(), Vec::new());
    while !s.driver.borrow().finished() {
        s = s.reduce(Msg::Forward);
        for (l, gs) in s.go_lines.iter() {
            assert!(*l >= 1 && *l as usize <= lines.len(), "line {l} is in the text");
            for g in gs.split(' ') {
                if g == "G1" {
                    g1.push(*l);
                } else {
                    workers.push(*l);
                }
            }
        }
    }
    // The loop of `go` statements is one op, at the loop's line.
    assert!(g1.contains(&line_of("for i := range 3 {")), "main is seen at its loop of go statements: {g1:?}");
    assert!(g1.contains(&line_of("fmt.Println(\"main done\")")), "main is seen at its print: {g1:?}");
    assert!(workers.contains(&line_of("fmt.Println(\"worker\", id)")), "a worker is seen at its print: {workers:?}");
    // An edit that is not what runs: no lines (they would point into other text).
    let s = s.reduce(Msg::Back).reduce(Msg::Edit(format!("// edited\n{PRINTS}")));
    assert!(s.go_lines.is_empty());
}

#[test]
fn gmpsim_link_of_a_go_file_keeps_its_text_and_decode_reads_it() {
    let dir = std::env::temp_dir().join(format!("gmp-go-page-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("main.go");
    std::fs::write(&file, PRINTS).unwrap();
    let run = |args: &[&str]| {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_gmpsim")).args(args).output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };
    let l = run(&["link", file.to_str().unwrap(), "--base", "https://h/p/", "--step", "4"]);
    assert_eq!(l.trim(), link::make_go_link(PRINTS, "https://h/p/", &[("step", "4".into())]));
    assert_eq!(link::decode(l.trim()).unwrap().go_source.as_deref(), Some(PRINTS));
    let json = run(&["decode", l.trim()]);
    assert_eq!(scenario::parse(&json).unwrap(), gosrc::compile(PRINTS).unwrap());
    std::fs::remove_dir_all(&dir).unwrap();
}
