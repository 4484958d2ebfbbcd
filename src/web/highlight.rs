//! Go syntax highlighting for the editor, from the core's own Go lexer
//! ([`crate::core::golang::lexer`]), so what is coloured as a keyword, a literal or an operator is
//! exactly what the importer reads. The lexer gives where each token starts; its end is found
//! from its kind, and what lies between two tokens is only blanks and comments. Text the lexer
//! refuses (an unterminated string, a stray character) is marked as an error to the end of its
//! line, and lexing resumes on the next line.

use crate::core::golang::lexer::{lex, Tok};

/// What a piece of the text is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// Blanks, and identifiers that are not predeclared (shown plain).
    Plain,
    Keyword,
    /// A predeclared identifier: `int`, `string`, `make`, `close`, `true`, ...
    Builtin,
    Number,
    Str,
    Comment,
    /// Operators and punctuation.
    Op,
    /// Text the lexer refuses.
    Error,
}

impl Class {
    /// The CSS class of a highlighted piece (`None` for plain text).
    pub fn css(self) -> Option<&'static str> {
        Some(match self {
            Class::Plain => return None,
            Class::Keyword => "tk",
            Class::Builtin => "tb",
            Class::Number => "tn",
            Class::Str => "ts",
            Class::Comment => "tc",
            Class::Op => "to",
            Class::Error => "te",
        })
    }
}

/// A piece of the text: bytes `start..end`, and what it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Piece {
    pub start: usize,
    pub end: usize,
    pub class: Class,
}

const KEYWORDS: [&str; 25] = [
    "break", "case", "chan", "const", "continue", "default", "defer", "else", "fallthrough", "for", "func", "go", "goto",
    "if", "import", "interface", "map", "package", "range", "return", "select", "struct", "switch", "type", "var",
];

const BUILTINS: [&str; 44] = [
    "any", "bool", "byte", "comparable", "complex64", "complex128", "error", "float32", "float64", "int", "int8", "int16",
    "int32", "int64", "rune", "string", "uint", "uint8", "uint16", "uint32", "uint64", "uintptr", "true", "false", "iota",
    "nil", "append", "cap", "clear", "close", "complex", "copy", "delete", "imag", "len", "make", "max", "min", "new",
    "panic", "print", "println", "real", "recover",
];

/// The class of an identifier.
fn word_class(w: &str) -> Class {
    if KEYWORDS.contains(&w) {
        Class::Keyword
    } else if BUILTINS.contains(&w) {
        Class::Builtin
    } else {
        Class::Plain
    }
}

/// The whole text cut into pieces, in order, covering every byte once.
pub fn highlight(src: &str) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    let mut base = 0;
    while base < src.len() {
        base = chunk(src, base, &mut out);
    }
    merge(out)
}

/// Highlights `src[base..]` until its end or the first lexical error; returns where to go on.
fn chunk(src: &str, base: usize, out: &mut Vec<Piece>) -> usize {
    let text = &src[base..];
    let (toks, stop) = match lex(text) {
        Ok((toks, _)) => (toks, None),
        Err(e) => {
            let at = e.pos.map_or(0, |p| offset(text, p.line, p.col));
            // What comes before the error lexes as it did (the lexer goes left to right).
            let toks = lex(&text[..at]).map(|(t, _)| t).unwrap_or_default();
            (toks, Some(at))
        }
    };
    let limit = stop.unwrap_or(text.len());
    let starts = line_starts(text);
    let mut at = 0;
    for t in &toks {
        let o = starts.get(t.pos.line as usize - 1).map_or(limit, |s| s + t.pos.col as usize - 1).min(limit);
        let len = match &t.tok {
            Tok::Eof => continue,
            // An inserted semicolon takes no text.
            Tok::Semi if text.as_bytes().get(o) != Some(&b';') => continue,
            Tok::Semi => 1,
            Tok::Ident(w) => w.len(),
            Tok::Op(op) => op.len(),
            Tok::Int(_) | Tok::Float(_) => text[o..].bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'.').count(),
            Tok::Str(_) | Tok::Char => quoted_len(&text[o..]),
        };
        if o < at {
            continue;
        }
        gap(text, at, o, base, out);
        let end = (o + len).min(limit);
        let class = match &t.tok {
            Tok::Ident(w) => word_class(w),
            Tok::Int(_) | Tok::Float(_) => Class::Number,
            Tok::Str(_) | Tok::Char => Class::Str,
            _ => Class::Op,
        };
        out.push(Piece { start: base + o, end: base + end, class });
        at = end;
    }
    match stop {
        None => {
            gap(text, at, text.len(), base, out);
            src.len()
        }
        Some(e) => {
            gap(text, at, e, base, out);
            // The refused text, to the end of its line (or of the unterminated comment).
            let rest = &text[e..];
            let end = if rest.starts_with("/*") { text.len() } else { rest.find('\n').map_or(text.len(), |n| e + n) };
            let end = end.max(e + rest.chars().next().map_or(0, char::len_utf8));
            out.push(Piece { start: base + e, end: base + end, class: if rest.starts_with("/*") { Class::Comment } else { Class::Error } });
            base + end
        }
    }
}

/// Pieces for `text[a..b]`, which holds only blanks and comments.
fn gap(text: &str, a: usize, b: usize, base: usize, out: &mut Vec<Piece>) {
    let mut i = a;
    while i < b {
        let rest = &text[i..b];
        let (len, class) = if rest.starts_with("//") {
            (rest.find('\n').unwrap_or(rest.len()), Class::Comment)
        } else if rest.starts_with("/*") {
            (rest[2..].find("*/").map_or(rest.len(), |n| n + 4), Class::Comment)
        } else {
            (rest.find('/').filter(|&n| n > 0).unwrap_or(rest.len()), Class::Plain)
        };
        out.push(Piece { start: base + i, end: base + i + len, class });
        i += len;
    }
}

/// The length of the string or rune literal that `s` starts with (to its closing quote).
fn quoted_len(s: &str) -> usize {
    let q = s.as_bytes()[0];
    let b = s.as_bytes();
    let mut j = 1;
    while j < b.len() {
        if b[j] == b'\\' && q != b'`' {
            j += 2;
            continue;
        }
        if b[j] == q {
            return j + 1;
        }
        j += 1;
    }
    s.len()
}

/// Byte offsets where each line of `text` starts.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect()
}

/// The byte offset of line `line`, column `col` (both from 1, the column in bytes).
pub fn offset(text: &str, line: u32, col: u32) -> usize {
    let starts = line_starts(text);
    let l = (line.max(1) as usize - 1).min(starts.len() - 1);
    let mut o = (starts[l] + col.max(1) as usize - 1).min(text.len());
    while !text.is_char_boundary(o) {
        o -= 1;
    }
    o
}

/// Adjacent pieces of one class joined, empty ones dropped.
fn merge(pieces: Vec<Piece>) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::with_capacity(pieces.len());
    for p in pieces.into_iter().filter(|p| p.end > p.start) {
        match out.last_mut() {
            Some(l) if l.class == p.class && l.end == p.start => l.end = p.end,
            _ => out.push(p),
        }
    }
    out
}

/// The pieces of each line (a piece across lines is cut at each newline, which belongs to no
/// line), offsets into the whole text; one entry per line, as many as the text has lines.
pub fn lines(src: &str, pieces: &[Piece]) -> Vec<Vec<Piece>> {
    let mut out = vec![Vec::new()];
    for p in pieces {
        let mut s = p.start;
        for (i, _) in src[p.start..p.end].match_indices('\n') {
            let nl = p.start + i;
            if nl > s {
                if let Some(l) = out.last_mut() {
                    l.push(Piece { start: s, end: nl, class: p.class });
                }
            }
            out.push(Vec::new());
            s = nl + 1;
        }
        if p.end > s {
            if let Some(l) = out.last_mut() {
                l.push(Piece { start: s, end: p.end, class: p.class });
            }
        }
    }
    out
}
