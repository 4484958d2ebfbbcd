//! Go tokens, with the language's automatic semicolons, for the importer's subset.
//!
//! Comments are dropped except `//gmp:` directives, which are returned beside the tokens.

use super::error::{GoError, Pos, MAX_SYNTAX_ERRORS};

/// What a token is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tok {
    /// An identifier or keyword.
    Ident(String),
    /// An integer literal (decimal, hex, octal or binary; `_` separators allowed).
    Int(u64),
    /// A floating-point or imaginary literal (kept as text: the subset does not use them).
    Float(String),
    /// A string literal, its value.
    Str(String),
    /// A rune literal.
    Char,
    /// An operator or punctuation.
    Op(&'static str),
    /// `;`, written or inserted at a line end.
    Semi,
    /// The end of the file.
    Eof,
}

/// A token and where it starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// What it is.
    pub tok: Tok,
    /// Where it starts.
    pub pos: Pos,
}

/// A `//gmp:NAME TEXT` comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// Where the comment starts.
    pub pos: Pos,
    /// The word after `//gmp:`.
    pub name: String,
    /// The rest of the line, trimmed.
    pub text: String,
}

const OPS: [&str; 48] = [
    "<<=", ">>=", "&^=", "...", "&&", "||", "<-", "++", "--", "==", "!=", "<=", ">=", ":=", "+=", "-=", "*=", "/=", "%=",
    "&=", "|=", "^=", "<<", ">>", "&^", "+", "-", "*", "/", "%", "&", "|", "^", "<", ">", "=", "!", "(", ")", "[", "]",
    "{", "}", ",", ";", ".", ":", "~",
];

/// Go's words for a character no token starts with: `invalid character U+003F '?'`.
fn invalid_char(ch: char) -> String {
    format!("invalid character U+{:04X} {ch:?}", ch as u32)
}

/// The tokens of `src` (ending with [`Tok::Eof`]) and its directives, or the first lexical
/// error, placed at the start of the token it is in (the editor's highlighting marks the text
/// from there: see `src/web/highlight.rs`).
pub fn lex(src: &str) -> Result<(Vec<Token>, Vec<Directive>), GoError> {
    let (toks, dirs, mut errs) = scan(src, false);
    match errs.pop() {
        None => Ok((toks, dirs)),
        Some(e) => Err(e),
    }
}

/// The tokens of `src` (ending with [`Tok::Eof`]), its directives and the lexical errors that
/// can be reported, in order, each where Go's scanner places it (a newline in a string or a
/// bad escape where it is, an unterminated literal at its start). Like Go's scanner it goes on
/// after an error: a stray character is skipped, a bad number reads as 0, a string cut by a
/// newline ends there, and an unterminated comment or literal ends the text. Only the first error of a line is kept, and
/// the text ends at the tenth (Go reports one a line and ten in all: see
/// [`super::error::SyntaxErrors`]), so a megabyte of garbage costs ten errors, not a million.
pub fn lex_all(src: &str) -> (Vec<Token>, Vec<Directive>, Vec<GoError>) {
    scan(src, true)
}

/// The lexer; with `recover` false it stops at the first error.
fn scan(src: &str, recover: bool) -> (Vec<Token>, Vec<Directive>, Vec<GoError>) {
    let mut errs: Vec<GoError> = Vec::new();
    // The first error of each line, up to the most that can be reported.
    let note = |errs: &mut Vec<GoError>, e: GoError| {
        if errs.last().is_none_or(|l| l.pos.map(|p| p.line) != e.pos.map(|p| p.line)) {
            errs.push(e);
        }
    };
    let most = if recover { MAX_SYNTAX_ERRORS } else { 1 };
    let b = src.as_bytes();
    let mut toks: Vec<Token> = Vec::new();
    let mut dirs = Vec::new();
    let (mut i, mut line, mut line_start) = (0usize, 1u32, 0usize);
    let pos = |i: usize, line: u32, ls: usize| Pos { line, col: (i - ls + 1) as u32 };
    // Whether a newline after the last token ends a statement (Go's semicolon rule).
    let needs_semi = |toks: &Vec<Token>| match toks.last().map(|t| &t.tok) {
        Some(Tok::Ident(w)) => !matches!(
            w.as_str(),
            "package" | "import" | "func" | "var" | "const" | "type" | "go" | "defer" | "for" | "range" | "if" | "else"
                | "switch" | "case" | "select" | "chan" | "struct" | "map" | "interface" | "default" | "goto"
        ) || matches!(w.as_str(), "break" | "continue" | "fallthrough" | "return"),
        Some(Tok::Int(_) | Tok::Float(_) | Tok::Str(_) | Tok::Char) => true,
        Some(Tok::Op(o)) => matches!(*o, "++" | "--" | ")" | "]" | "}"),
        _ => false,
    };
    while i < b.len() && errs.len() < most {
        let c = b[i];
        let p = pos(i, line, line_start);
        if c == b'\n' {
            if needs_semi(&toks) {
                toks.push(Token { tok: Tok::Semi, pos: p });
            }
            i += 1;
            line += 1;
            line_start = i;
        } else if c == b' ' || c == b'\t' || c == b'\r' {
            i += 1;
        } else if src[i..].starts_with("//") {
            let end = src[i..].find('\n').map_or(b.len(), |n| i + n);
            if let Some(rest) = src[i..end].strip_prefix("//gmp:") {
                let (name, text) = rest.split_once(' ').unwrap_or((rest, ""));
                dirs.push(Directive { pos: p, name: name.trim().to_string(), text: text.trim().to_string() });
            }
            i = end;
        } else if src[i..].starts_with("/*") {
            let Some(n) = src[i + 2..].find("*/") else {
                note(&mut errs, GoError::at(p, "comment not terminated"));
                break;
            };
            let end = i + 2 + n + 2;
            let newlines = src[i..end].matches('\n').count() as u32;
            if newlines > 0 {
                if needs_semi(&toks) {
                    toks.push(Token { tok: Tok::Semi, pos: p });
                }
                line += newlines;
                line_start = i + src[i..end].rfind('\n').unwrap_or(0) + 1;
            }
            i = end;
        } else if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 {
            let start = i;
            while i < b.len() {
                let ch = src[i..].chars().next().unwrap_or(' ');
                if ch.is_alphanumeric() || ch == '_' {
                    i += ch.len_utf8();
                } else {
                    break;
                }
            }
            if i == start {
                let ch = src[i..].chars().next().unwrap_or(' ');
                note(&mut errs, GoError::at(p, invalid_char(ch)));
                i += ch.len_utf8();
                continue;
            }
            toks.push(Token { tok: Tok::Ident(src[start..i].to_string()), pos: p });
        } else if c.is_ascii_digit() || (c == b'.' && b.get(i + 1).is_some_and(u8::is_ascii_digit)) {
            let start = i;
            // Digits, `_`, `.`, letters (a base, an exponent, `i`), and the sign of an exponent:
            // after `e` in a decimal literal, after `p` in a hexadecimal one (`1e-3`, `0x1p-2`).
            let hex = b[start..].starts_with(b"0x") || b[start..].starts_with(b"0X");
            while i < b.len() {
                let d = b[i];
                let sign = (d == b'+' || d == b'-') && b[i - 1].to_ascii_lowercase() == if hex { b'p' } else { b'e' };
                if !(d.is_ascii_alphanumeric() || d == b'_' || d == b'.' || sign) {
                    break;
                }
                i += 1;
            }
            let text: String = src[start..i].chars().filter(|&c| c != '_').collect();
            let lower = text.to_ascii_lowercase();
            let n = if let Some(h) = lower.strip_prefix("0x") {
                u64::from_str_radix(h, 16).ok()
            } else if let Some(o) = lower.strip_prefix("0o") {
                u64::from_str_radix(o, 8).ok()
            } else if let Some(bn) = lower.strip_prefix("0b") {
                u64::from_str_radix(bn, 2).ok()
            } else if lower.len() > 1 && lower.starts_with('0') && lower.bytes().all(|d| d.is_ascii_digit()) {
                u64::from_str_radix(&lower[1..], 8).ok()
            } else {
                lower.parse().ok()
            };
            match n {
                Some(n) => toks.push(Token { tok: Tok::Int(n), pos: p }),
                // A float or an imaginary literal (`1.5`, `1e-3`, `0x1p-2`, `2i`).
                None if lower.ends_with('i') || if hex { lower.contains(['.', 'p']) } else { lower.contains(['.', 'e']) } => {
                    toks.push(Token { tok: Tok::Float(text), pos: p })
                }
                None => {
                    note(&mut errs, GoError::at(p, format!("invalid or too large integer literal {}", &src[start..i])));
                    toks.push(Token { tok: Tok::Int(0), pos: p });
                }
            }
        } else if c == b'"' || c == b'`' || c == b'\'' {
            let rune = c == b'\'';
            let (mut j, mut n) = (i + 1, 0);
            let mut value = String::new();
            // The literal's first problem and its place, as Go's scanner gives them: a newline or
            // a bad escape where it is, an unterminated literal at its start. It then ends there.
            let mut bad: Option<(Pos, &str)> = None;
            loop {
                let at = pos(j, line, line_start);
                let Some(ch) = src[j..].chars().next() else {
                    bad = Some((p, if rune { "rune literal not terminated" } else { "string not terminated" }));
                    break;
                };
                if ch as u32 == c as u32 {
                    j += 1;
                    if rune && n != 1 {
                        let m = if n == 0 { (at, "empty rune literal or unescaped '") } else { (p, "more than one character in rune literal") };
                        bad = bad.or(Some(m));
                    }
                    break;
                }
                n += 1;
                if ch == '\n' && c != b'`' {
                    bad = bad.or(Some((at, if rune { "newline in rune literal" } else { "newline in string" })));
                    break;
                }
                if ch == '\n' {
                    line += 1;
                    line_start = j + 1;
                }
                j += ch.len_utf8();
                if ch != '\\' || c == b'`' {
                    value.push(ch);
                    continue;
                }
                // An escape. A backslash as the text's last character ends nothing: the literal
                // is unterminated (and the loop must not stay on it).
                let Some(e) = src[j..].chars().next() else { continue };
                let (digits, radix) = match e {
                    'x' => (2, 16),
                    'u' => (4, 16),
                    'U' => (8, 16),
                    '0'..='7' => (3, 8),
                    _ => (0, 0),
                };
                if digits > 0 {
                    // `\x41`, `\u00e9`, `\101`: the value's digits (an octal one is the first).
                    let from = if radix == 8 { j } else { j + 1 };
                    let k = src[from..].bytes().take(digits).take_while(u8::is_ascii_hexdigit).count();
                    let v = u32::from_str_radix(&src[from..from + k], radix).ok().and_then(char::from_u32);
                    value.push(v.unwrap_or('\u{fffd}'));
                    j = from + k;
                    continue;
                }
                let v = match e {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    'a' => '\u{7}',
                    'b' => '\u{8}',
                    'f' => '\u{c}',
                    'v' => '\u{b}',
                    '\\' => '\\',
                    q if q as u32 == c as u32 => q,
                    // Read on from the character after the backslash (a newline ends the literal).
                    _ => {
                        bad = bad.or(Some((pos(j, line, line_start), "unknown escape")));
                        continue;
                    }
                };
                value.push(v);
                j += 1;
            }
            if let Some((at, m)) = bad {
                // `lex` stops at the literal's start: the editor marks the text from there.
                note(&mut errs, GoError::at(if recover { at } else { p }, m));
            }
            i = j;
            toks.push(Token { tok: if rune { Tok::Char } else { Tok::Str(value) }, pos: p });
        } else {
            let Some(op) = OPS.iter().find(|o| src[i..].starts_with(**o)) else {
                let ch = src[i..].chars().next().unwrap_or(' ');
                note(&mut errs, GoError::at(p, invalid_char(ch)));
                i += ch.len_utf8();
                continue;
            };
            i += op.len();
            toks.push(Token { tok: if *op == ";" { Tok::Semi } else { Tok::Op(op) }, pos: p });
        }
    }
    let end = pos(i, line, line_start);
    if needs_semi(&toks) {
        toks.push(Token { tok: Tok::Semi, pos: end });
    }
    toks.push(Token { tok: Tok::Eof, pos: end });
    (toks, dirs, errs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_ends_at_the_tenth_error() {
        // Half a million bad lines: nothing is lexed past the tenth error's line, so a megabyte
        // of garbage costs ten errors' work, not a million.
        let src = format!("package main\n{}", "?\n".repeat(500_000));
        let (toks, _, errs) = lex_all(&src);
        assert_eq!(errs.len(), 10, "{errs:?}");
        let last = toks.iter().rev().find(|t| t.tok != Tok::Eof).map(|t| t.pos.line);
        assert!(last.is_some_and(|l| l <= 11), "{last:?} {} tokens", toks.len());
        assert!(toks.len() < 40, "{} tokens", toks.len());
    }

    #[test]
    fn a_backslash_ending_the_text_is_an_unterminated_literal_not_a_hang() {
        // Typing `"\` at the end of the editor once made the lexer loop for ever.
        for (src, msg) in [("x := \"\\", "string not terminated"), ("x := '\\", "rune literal not terminated")] {
            let e = lex(src).unwrap_err();
            assert_eq!((e.message.as_str(), e.pos.map(|p| (p.line, p.col))), (msg, Some((1, 6))), "{src:?}");
        }
    }

    fn kinds(src: &str) -> Vec<Tok> {
        lex(src).unwrap().0.into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn semicolons_are_inserted_at_line_ends() {
        assert_eq!(
            kinds("x++\nf()\n"),
            vec![Tok::Ident("x".into()), Tok::Op("++"), Tok::Semi, Tok::Ident("f".into()), Tok::Op("("), Tok::Op(")"), Tok::Semi, Tok::Eof]
        );
        assert_eq!(kinds("for {\n}"), vec![Tok::Ident("for".into()), Tok::Op("{"), Tok::Op("}"), Tok::Semi, Tok::Eof]);
    }

    #[test]
    fn literals_and_positions() {
        let (t, d) = lex("a := 0x1_0 // c\n\t\"s\\n\" `r`\n//gmp:scenario {}\n").unwrap();
        assert_eq!(t[2].tok, Tok::Int(16));
        assert_eq!(t[4].tok, Tok::Str("s\n".into()));
        assert_eq!(t[4].pos, Pos { line: 2, col: 2 });
        assert_eq!(t[5].tok, Tok::Str("r".into()));
        assert_eq!(d, vec![Directive { pos: Pos { line: 3, col: 1 }, name: "scenario".into(), text: "{}".into() }]);
    }

    #[test]
    fn lex_all_goes_on_after_each_error_and_lex_stops_at_the_first() {
        let src = "a ? b\n\"x\ny 0x §\n`";
        let (t, _, e) = lex_all(src);
        let e: Vec<String> = e.iter().map(|e| e.to_string()).collect();
        assert_eq!(
            e,
            [
                "main.go:1:3: invalid character U+003F '?'",
                "main.go:2:3: newline in string",
                "main.go:3:3: invalid or too large integer literal 0x",
                // Not `3:6: invalid character U+00A7 '§'`: one error a line.
                "main.go:4:1: string not terminated",
            ]
        );
        let kinds: Vec<Tok> = t.into_iter().map(|t| t.tok).collect();
        let id = |s: &str| Tok::Ident(s.into());
        assert_eq!(
            kinds,
            [id("a"), id("b"), Tok::Semi, Tok::Str("x".into()), Tok::Semi, id("y"), Tok::Int(0), Tok::Semi, Tok::Str(String::new()), Tok::Semi, Tok::Eof]
        );
        assert_eq!(lex(src).unwrap_err().to_string(), "main.go:1:3: invalid character U+003F '?'");
    }

    #[test]
    fn lex_places_a_bad_literal_at_its_start_and_escapes_have_their_values() {
        // `lex_all` places a newline in a string where Go does, at the newline; `lex`, whose
        // error is where the editor's highlighting marks the text from, at the literal's start.
        assert_eq!(lex_all("x := \"ab\ny").2[0].to_string(), "main.go:1:9: newline in string");
        assert_eq!(lex("x := \"ab\ny").unwrap_err().to_string(), "main.go:1:6: newline in string");
        let (t, _) = lex(r#""\x41\101\u00e9\U0001F600\a\"" '\x41' '\''"#).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t[0].tok, Tok::Str("AAé😀\u{7}\"".into()));
        assert_eq!((&t[1].tok, &t[2].tok), (&Tok::Char, &Tok::Char));
        // A string's `\'` and a rune's `\"` are unknown escapes, at the character after `\`.
        assert_eq!(lex_all(r#"'\"' "\'""#).2[0].to_string(), "main.go:1:3: unknown escape");
        assert_eq!(lex_all(r#""\'""#).2[0].to_string(), "main.go:1:3: unknown escape");
    }

    #[test]
    fn errors_have_positions() {
        assert_eq!(lex("x\n  \"abc").unwrap_err().to_string(), "main.go:2:3: string not terminated");
        assert_eq!(lex("a ? b").unwrap_err().to_string(), "main.go:1:3: invalid character U+003F '?'");
    }
}
