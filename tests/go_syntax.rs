//! Syntax errors in Go text, every one at once, as Go's compiler reports them: the lexer and
//! the parser go on after an error (resynchronising at the statement's end, the block's `}` or
//! the next top-level declaration), at most one error per line, ten at most and then
//! `too many errors`; one mistake gives one error, not a cascade; lowering waits until the file
//! parses. Each expected list was checked against `go build` (the Go toolchain writes
//! `expecting` where Go 1.20+ and this importer write `expected`, and `unexpected x` where they
//! write `unexpected name x`). Also: how `gmpsim validate`, `gmpsim import --go` and the page's
//! editor show them. `cargo test --test go_syntax`.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use expect_test::{expect, Expect};
use gmp::core::golang;
use gmp::web::boot::{boot, default_text};
use gmp::web::gosrc;
use gmp::web::state::{AppState, Msg, Theme};
use std::rc::Rc;

/// The importer's problems with `src`, one `main.go:L:C: message` a line.
fn problems(src: &str) -> String {
    match golang::import(src) {
        Ok(_) => "imported\n".to_string(),
        Err(es) => es.iter().map(|e| format!("{e}\n")).collect(),
    }
}

fn check(src: &str, want: Expect) {
    want.assert_eq(&problems(src));
}

#[test]
fn independent_mistakes_on_different_lines_are_all_reported() {
    // Three mistakes in main and in a closure: a stray `)`, a missing comma, a missing `)`;
    // and a send without its value. What lies between them parses.
    check(
        "package main

import \"fmt\"

func main() {
	x := 1 +
	fmt.Println(x))
	go func() {
		fmt.Println(\"in\" x)
	}()
	ch := make(chan int
	ch <- 
}
",
        expect![[r#"
            main.go:7:16: syntax error: unexpected ) at end of statement
            main.go:9:20: syntax error: unexpected name x in argument list; possibly missing comma or )
            main.go:11:21: syntax error: unexpected newline in argument list; possibly missing comma or )
            main.go:13:1: syntax error: unexpected }, expected expression
        "#]],
    );
    // Mistakes in two functions and in a parameter list: each function is read on.
    check(
        "package main

import \"fmt\"

func show(a int b int) {
	fmt.Println(a)
}

func worker(id int) {
	fmt.Println(\"worker\" id)
}

func main() {
	if x := 1; x > 0 {
		fmt.Println(x
	}
	for i := range 3 {
		fmt.Println(i]
	}
}
",
        expect![[r#"
            main.go:5:17: syntax error: unexpected name b in parameter list; possibly missing comma or )
            main.go:10:23: syntax error: unexpected name id in argument list; possibly missing comma or )
            main.go:15:16: syntax error: unexpected newline in argument list; possibly missing comma or )
            main.go:18:16: syntax error: unexpected ] in argument list; possibly missing comma or )
        "#]],
    );
}

#[test]
fn the_lexers_errors_are_merged_with_the_parsers_in_order() {
    // A string cut by a newline, a stray character, and a call left open: the lexer finds the
    // first two, the parser the third; a second problem on a line with one is not reported.
    check(
        "package main

func main() {
	s := \"open
	t := 2 ? 3
	go f(
}
",
        expect![[r#"
            main.go:4:12: newline in string
            main.go:5:9: invalid character U+003F '?'
            main.go:7:1: syntax error: unexpected }, expected expression
        "#]],
    );
    // An unterminated comment ends the text: what comes before it is still read.
    check(
        "package main\n\nfunc main() {\n\tgo f(1 2)\n}\n/* open\n",
        expect![[r#"
            main.go:4:9: syntax error: unexpected literal 2 in argument list; possibly missing comma or )
            main.go:6:1: comment not terminated
        "#]],
    );
}

#[test]
fn one_mistake_gives_one_error() {
    let cases: [(&str, Expect); 7] = [
        // A call left open: not also errors for the lines after it.
        (
            "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"a\"\n\tfmt.Println(\"b\")\n}\n",
            expect![[r#"
                main.go:6:17: syntax error: unexpected newline in argument list; possibly missing comma or )
            "#]],
        ),
        // A loop's `}` missing: one error at the end, not one per enclosing block.
        (
            "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfor i := 0; i < 3; i++ {\n\t\tfmt.Println(i)\n\n}\n",
            expect![[r#"
                main.go:10:1: syntax error: unexpected EOF, expected }
            "#]],
        ),
        // The body's `{` on the next line.
        (
            "package main\n\nimport \"fmt\"\n\nfunc main()\n{\n\tfmt.Println(\"x\")\n}\n",
            expect![[r#"
                main.go:6:1: syntax error: unexpected semicolon or newline before {
            "#]],
        ),
        // One `}` too many.
        (
            "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"x\")\n}\n}\n",
            expect![[r#"
                main.go:8:1: syntax error: non-declaration statement outside function body
            "#]],
        ),
        // A var without its value: the next function is read as its value, and skipped whole.
        (
            "package main\n\nimport \"fmt\"\n\nvar x = \n\nfunc main() {\n\tfmt.Println(1)\n}\n",
            expect![[r#"
                main.go:7:6: syntax error: unexpected name main, expected (
            "#]],
        ),
        // A function's closing `}` missing before the next one.
        (
            "package main\n\nfunc f() {\n\tgo f()\n\nfunc main() {\n\tf()\n}\n",
            expect![[r#"
                main.go:6:6: syntax error: unexpected name main, expected (
            "#]],
        ),
        // Two statements on a line.
        (
            "package main\n\nimport \"runtime\"\n\nfunc main() {\n\truntime.Gosched() runtime.Gosched()\n\truntime.Gosched()\n}\n",
            expect![[r#"
                main.go:6:20: syntax error: unexpected name runtime at end of statement
            "#]],
        ),
    ];
    for (src, want) in cases {
        check(src, want);
    }
}

/// A `main` with `n` lines `fmt.Println(i i)`, each a syntax error, from line 6.
fn many(n: usize) -> String {
    let mut src = String::from("package main\n\nimport \"fmt\"\n\nfunc main() {\n");
    for i in 0..n {
        src.push_str(&format!("\tfmt.Println({i} {i})\n"));
    }
    src.push_str("}\n");
    src
}

#[test]
fn ten_errors_then_too_many_errors_as_go_says_it() {
    // Go's compiler stops at the tenth error and says so at its place.
    check(
        &many(12),
        expect![[r#"
            main.go:6:16: syntax error: unexpected literal 0 in argument list; possibly missing comma or )
            main.go:7:16: syntax error: unexpected literal 1 in argument list; possibly missing comma or )
            main.go:8:16: syntax error: unexpected literal 2 in argument list; possibly missing comma or )
            main.go:9:16: syntax error: unexpected literal 3 in argument list; possibly missing comma or )
            main.go:10:16: syntax error: unexpected literal 4 in argument list; possibly missing comma or )
            main.go:11:16: syntax error: unexpected literal 5 in argument list; possibly missing comma or )
            main.go:12:16: syntax error: unexpected literal 6 in argument list; possibly missing comma or )
            main.go:13:16: syntax error: unexpected literal 7 in argument list; possibly missing comma or )
            main.go:14:16: syntax error: unexpected literal 8 in argument list; possibly missing comma or )
            main.go:15:16: syntax error: unexpected literal 9 in argument list; possibly missing comma or )
            main.go:15:16: too many errors
        "#]],
    );
    // Nine are nine; the tenth, wherever found, ends the list (as `go build` does).
    let nine = golang::import(&many(9)).unwrap_err();
    assert_eq!(nine.len(), 9, "{nine:?}");
    let ten = golang::import(&many(10)).unwrap_err();
    assert_eq!(ten.len(), 11, "{ten:?}");
    assert_eq!(ten[10].to_string(), "main.go:15:16: too many errors");
    // Lexical errors count too: ten stray characters, one a line.
    let mut src = String::from("package main\n\nfunc main() {\n");
    src.push_str(&"\t? \n".repeat(12));
    src.push_str("}\n");
    let es = golang::import(&src).unwrap_err();
    assert_eq!(es.len(), 11, "{es:?}");
    assert_eq!(es[9].to_string(), "main.go:13:2: invalid character U+003F '?'");
    assert_eq!(es[10].to_string(), "main.go:13:2: too many errors");
}

#[test]
fn syntax_errors_come_alone_and_lowering_follows_once_the_file_parses() {
    // `select {}` is not simulated, but while the file does not parse only its syntax errors
    // are reported (lowering a file with a hole in it would report bogus problems).
    let broken = "package main\n\nfunc main() {\n\tselect {}\n\tgo f(1 2)\n}\n\nfunc f(a, b int) {}\n";
    check(
        broken,
        expect![[r#"
            main.go:5:9: syntax error: unexpected literal 2 in argument list; possibly missing comma or )
        "#]],
    );
    let p = problems(&broken.replace("f(1 2)", "f(1, 2)"));
    assert!(p.starts_with("main.go:4:2: a select statement is not simulated"), "{p}");
    assert_eq!(p.lines().count(), 1, "{p}");
}

#[test]
fn gmpsim_validate_and_import_print_every_error_with_the_files_name() {
    let src = "package main\n\nfunc main() {\n\tgo f(1 2)\n\tgo f(\n}\n\nfunc f(a, b int) {\n\tx :=\n}\n";
    let dir = std::env::temp_dir().join(format!("gmp-go-syntax-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("prog.go");
    std::fs::write(&file, src).unwrap();
    let v = common::gmpsim(&["validate", file.to_str().unwrap()], None);
    let i = common::gmpsim(&["import", "--go", file.to_str().unwrap()], None);
    std::fs::remove_dir_all(&dir).unwrap();
    let want = |name: &str| {
        format!(
            "{name}:4:9: syntax error: unexpected literal 2 in argument list; possibly missing comma or )\n\
             {name}:6:1: syntax error: unexpected }}, expected expression\n\
             {name}:10:1: syntax error: unexpected }}, expected expression\n"
        )
    };
    for o in [&v, &i] {
        assert_eq!(o.status.code(), Some(2));
        assert!(o.stdout.is_empty(), "nothing on stdout when the source does not import");
        assert_eq!(String::from_utf8_lossy(&o.stderr), want(file.to_str().unwrap()));
    }
    let s = common::gmpsim(&["import", "--go", "-"], Some(src));
    assert_eq!(String::from_utf8_lossy(&s.stderr), want("<stdin>"));
}

#[test]
fn the_editor_places_every_syntax_error_at_its_line() {
    let src = "package main\n\nfunc main() {\n\tgo f(1 2)\n\ts := \"open\n\tgo f(\n}\n\nfunc f(a, b int) {}\n";
    let ps = gosrc::compile(src).unwrap_err();
    let at: Vec<(Option<u32>, Option<u32>, &str)> =
        ps.iter().map(|p| (p.line, p.col, p.span.map_or("", |(a, b)| &src[a..b]))).collect();
    assert_eq!(at, [(Some(4), Some(9), "2"), (Some(5), Some(12), ""), (Some(7), Some(1), "}")], "{ps:?}");
    assert!(ps[0].message.starts_with("syntax error: unexpected literal 2"), "{ps:?}");
    assert_eq!(ps[1].message, "newline in string");
}

#[test]
fn a_page_edit_with_several_syntax_errors_lists_them_all_and_keeps_the_last_good_run() {
    let go = default_text();
    let s = Rc::new(AppState::new(boot("", None, Some(go.clone())), Theme::Light, false)).reduce(Msg::Seek(5));
    let running = s.driver.borrow().scenario().clone();
    // Break the first two lines of main's body and the file's last line.
    let main_at = go.lines().position(|l| l == "func main() {").expect("main in the default text") as u32 + 1;
    let broken = go.replacen("func main() {\n", "func main() {\n\tgo f(1 2)\n\tx := 1 )\n", 1) + "}\n";
    let s = s.reduce(Msg::Edit(broken.clone()));
    let lines: Vec<Option<u32>> = s.editor.problems.iter().map(|p| p.line).collect();
    let last = broken.lines().count() as u32;
    assert_eq!(lines, [Some(main_at + 1), Some(main_at + 2), Some(last)], "{:?}", s.editor.problems);
    let s = s.reduce(Msg::Apply);
    assert_eq!(s.driver.borrow().scenario(), &running, "the last good scenario keeps running");
    assert_eq!(s.driver.borrow().step(), 5);
}

#[test]
fn a_megabyte_of_garbage_gives_ten_errors() {
    // One stray character a line, half a million lines: the lexer keeps the first of each line
    // and stops at the tenth, as that is all Go would report. (How fast is the benchmarks'
    // business, not a timed test's: a lexer that went on would still give these lists.)
    let src = format!("package main\n{}", "?\n".repeat(500_000));
    let es = golang::import(&src).unwrap_err();
    assert_eq!(es.len(), 11, "{es:?}");
    assert_eq!(es[0].to_string(), "main.go:2:1: invalid character U+003F '?'");
    assert_eq!(es[10].to_string(), "main.go:11:1: too many errors");
    // On one line: one error.
    let es = golang::import(&format!("package main\n{}\n", "?".repeat(1_000_000))).unwrap_err();
    assert_eq!(es.iter().map(|e| e.to_string()).collect::<Vec<_>>(), ["main.go:2:1: invalid character U+003F '?'"]);
}

#[test]
fn grouped_declarations_report_a_mistake_on_each_line_as_go_does() {
    // Inside `var ( ... )` and `const ( ... )` Go's parser goes on at the next spec after a
    // mistake in one (a missing type, a bad name, a call's argument list), but after a spec
    // that runs on (`c int int`, `l = k k`) it skips to the next `)`, `]` or `}`: here `f(1 2)`'s
    // `)` ends the group, and the group's own `)` on line 8 is then a stray statement. A
    // missing operand skips to the next `)` too (`f(5 +)` goes on after it; `1 + ,` ends the
    // group). Go 1.26.6 `go build` printed exactly these lines (Go 1.19 the same places, with
    // its older wording, and all of them with `-gcflags=-e`).
    check(
        "package main

var (
	a
	b int
	c int int
	d = f(1 2)
)

var (
	1
	e = f(3 4)
	g = f(5 +)
	h
	i = 1 + ,
	j
)

const (
	k = iota
	l = k k
	m
)

var x int y

func f(int) int { return 0 }

func main() {}
",
        expect![[r#"
            main.go:4:3: syntax error: unexpected newline, expected type
            main.go:6:8: syntax error: unexpected name int in grouped declaration; possibly missing semicolon or newline or )
            main.go:8:1: syntax error: non-declaration statement outside function body
            main.go:11:2: syntax error: unexpected literal 1, expected name
            main.go:12:10: syntax error: unexpected literal 4 in argument list; possibly missing comma or )
            main.go:13:11: syntax error: unexpected ), expected expression
            main.go:14:3: syntax error: unexpected newline, expected type
            main.go:15:10: syntax error: unexpected comma, expected expression
            main.go:21:8: syntax error: unexpected name k in grouped declaration; possibly missing semicolon or newline or )
            main.go:25:11: syntax error: unexpected name y after top level declaration
            main.go:25:11: too many errors
        "#]],
    );
    // An import group, and groups inside a function. `go build` stops at its own reading of
    // the imports (`main.go:5:7: import path must be a string`, one error) before the
    // compiler runs; these are the compiler's lines, from Go 1.26.6 `go tool compile` (Go 1.19
    // places `import path must be a string` at 6:4, the literal's end).
    check(
        "package main

import (
	\"fmt\"
	fmt2 fmt
	42
	. \"os\"
	x
)

func main() {
	var (
		p int
		q
		r = fmt.Sprint(1 2)
	)
	const (
		s = 1 1
		t
	)
	fmt.Println(p, q, r, s, t, os.Args)
}
",
        expect![[r#"
            main.go:5:7: syntax error: missing import path
            main.go:6:2: syntax error: import path must be a string
            main.go:8:3: syntax error: missing import path
            main.go:14:4: syntax error: unexpected newline, expected type
            main.go:15:20: syntax error: unexpected literal 2 in argument list; possibly missing comma or )
            main.go:18:9: syntax error: unexpected literal 1 in grouped declaration; possibly missing semicolon or newline or )
        "#]],
    );
}

#[test]
fn a_declaration_runs_on_as_go_says_it() {
    // What follows a declaration or the package clause on its line: Go 1.26.6 `go build`.
    check(
        "package main x\n\nfunc main() {}\n",
        expect![[r#"
            main.go:1:14: syntax error: unexpected name x, expected semicolon or newline
        "#]],
    );
    check(
        "package main\n\nimport \"fmt\" fmt\n\nfunc main() { fmt.Println() } main()\n",
        expect![[r#"
            main.go:3:14: syntax error: unexpected name fmt after top level declaration
            main.go:5:31: syntax error: unexpected name main after top level declaration
        "#]],
    );
}

#[test]
fn literal_mistakes_are_placed_where_go_places_them() {
    // A newline in a string or rune literal is reported at the newline, a bad escape at the
    // character after its backslash, an empty rune literal at its closing quote; a literal with
    // more than one character, or left open at the end of the text, at its start. Go 1.19.8 and
    // 1.26.6 `go tool compile` printed these lines, and also `main.go:9:9: newline in string`
    // after `main.go:9:9: unknown escape` (the importer reports one problem a line). The valid
    // escapes of lines 12 to 14 are no problem.
    check(
        "package main

func main() {
	a := 'ab'
	b := ''
	c := '\\q'
	d := \"x\\qy\"
	e := 'a
	f := \"\\
	g := '\\
	h := \"open
	v := \"\\a\\b\\f\\n\\r\\t\\v\\\\\\\"\\x41\\101\\u00e9\\U0001F600\" + `raw \\q
	still raw`
	w := []rune{'\\'', '\\x41', '\\101', '\\u00e9', 'é', '\"'}
	_, _, _, _, _, _, _, _, _, _ = a, b, c, d, e, f, g, h, v, w
}
",
        expect![[r#"
            main.go:4:7: more than one character in rune literal
            main.go:5:8: empty rune literal or unescaped '
            main.go:6:9: unknown escape
            main.go:7:10: unknown escape
            main.go:8:9: newline in rune literal
            main.go:9:9: unknown escape
            main.go:10:9: unknown escape
            main.go:11:12: newline in string
        "#]],
    );
    // Left open at the end of the text: at the literal's (or comment's) start, as Go 1.19.8
    // and 1.26.6 `go build` print them.
    let open = [
        ("\ts := \"abc", "main.go:4:7: string not terminated\n"),
        ("\ts := `abc\n\tdef", "main.go:4:7: string not terminated\n"),
        ("\ts := 'a", "main.go:4:7: rune literal not terminated\n"),
        ("\ts := 1 /* abc\n\tdef", "main.go:4:9: comment not terminated\n"),
    ];
    for (body, want) in open {
        assert_eq!(problems(&format!("package main\n\nfunc main() {{\n{body}")), want, "{body:?}");
    }
}

#[test]
fn valid_go_outside_the_subset_is_not_called_a_syntax_error() {
    // Go 1.26.6 `go vet` accepts this file. Float, hexadecimal-float and imaginary literals lex
    // (their exponent's sign included), `~` is a token, and a label followed by a `for` clause
    // (whose semicolons are the clause's own) is one statement: what is not simulated says so,
    // and nothing is called a syntax error.
    check(
        "package main

type Number interface {
	~int | ~float64
}

func main() {
	a := 1e-3 + 0x1p-2 + 0X1.8P+1 + 2i + .5
	_ = a
outer:
	for i := 0; i < 3; i++ {
		continue outer
	}
	for {
		goto inner
	inner:
	}
}
",
        expect![[r#"
            main.go:3:1: a type declaration is not simulated (see the Go subset in ARCHITECTURE.md)
            main.go:8:4: this assignment is not simulated (see the Go subset in ARCHITECTURE.md)
            main.go:9:4: an assignment is not simulated (see the Go subset in ARCHITECTURE.md)
            main.go:10:1: a labeled statement is not simulated (see the Go subset in ARCHITECTURE.md)
            main.go:14:2: a for loop that is not counted (for i := 0; i < N; i++ or for range N) or a range over a channel is not simulated (see the Go subset in ARCHITECTURE.md)
            main.go:15:3: a goto statement is not simulated (see the Go subset in ARCHITECTURE.md)
            main.go:16:2: a labeled statement is not simulated (see the Go subset in ARCHITECTURE.md)
        "#]],
    );
}
