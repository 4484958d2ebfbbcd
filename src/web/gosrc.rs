//! The editor's two languages: a Go program (the default: the subset `core::golang` imports) or
//! the scenario's JSON. A text says which it is (JSON starts with `{`); each compiles to a
//! scenario or to every problem at its line; Go problems (`main.go:12:3: ...`) are placed at
//! their line and column, their span the word there. Switching language keeps both texts (the
//! other one is regenerated only when it no longer means the same scenario).

use super::locate::Locator;
use super::state::EditorProblem;
use crate::core::export::go_program;
use crate::core::golang::{self, GoError, SourceMap};
use crate::core::scenario::{self, Scenario};
use crate::core::sim::Sim;

/// Most goroutines a run may create for the page to show the line each one is on (that takes a
/// snapshot of every goroutine at each step shown).
pub const MAX_LINE_GOROUTINES: u64 = 10_000;

/// Which language a text is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Go,
    Json,
}

impl Lang {
    /// The language of `text`: JSON when its first non-blank character is `{`, Go otherwise.
    pub fn of(text: &str) -> Lang {
        if text.trim_start().starts_with('{') {
            Lang::Json
        } else {
            Lang::Go
        }
    }

    /// The other one.
    pub fn other(self) -> Lang {
        match self {
            Lang::Go => Lang::Json,
            Lang::Json => Lang::Go,
        }
    }

    /// Its name on the page.
    pub fn name(self) -> &'static str {
        match self {
            Lang::Go => "Go",
            Lang::Json => "JSON",
        }
    }
}

/// The scenario `text` stands for (read as its own language), or every problem at its place.
pub fn compile(text: &str) -> Result<Scenario, Vec<EditorProblem>> {
    match Lang::of(text) {
        Lang::Json => scenario::parse(text).map_err(|ps| {
            let loc = Locator::new(text);
            ps.into_iter()
                .map(|p| {
                    let spot = loc.find(&p.place);
                    EditorProblem {
                        line: spot.map(|s| s.line),
                        col: spot.map(|s| s.col),
                        span: spot.map(|s| (s.start, s.end)),
                        place: p.place,
                        message: p.message,
                    }
                })
                .collect()
        }),
        Lang::Go => golang::import(text).map_err(|es| es.iter().map(|e| go_problem(text, e)).collect()),
    }
}

/// A Go importer's error as an editor problem: its line and column, and the span of the word
/// (or the character) there; an error about the whole file has no line.
pub fn go_problem(text: &str, e: &GoError) -> EditorProblem {
    let Some(p) = e.pos else {
        return EditorProblem { place: "main.go".into(), message: e.message.clone(), line: None, col: None, span: None };
    };
    let start = super::highlight::offset(text, p.line, p.col);
    let rest = &text[start..];
    let word = rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len());
    let len = if word > 0 { word } else { rest.chars().next().filter(|c| *c != '\n').map_or(0, char::len_utf8) };
    EditorProblem {
        place: String::new(),
        message: e.message.clone(),
        line: Some(p.line),
        col: Some(p.col),
        span: Some((start, start + len)),
    }
}

/// `scenario` written in `lang`: its JSON document, or the Go program `gmpsim export --go` writes.
pub fn write(scenario: &Scenario, lang: Lang) -> String {
    match lang {
        Lang::Json => scenario.to_json(),
        Lang::Go => go_program(scenario),
    }
}

/// The text to show when switching from `text` to the other language: `kept` (the text last
/// shown in that language) when it still means the same scenario, or when `text` means none
/// (nothing typed is lost: `text` is kept in turn); else `text`'s scenario written anew.
pub fn switch(text: &str, kept: Option<&str>) -> String {
    let to = Lang::of(text).other();
    let kept = kept.filter(|k| Lang::of(k) == to);
    match compile(text) {
        Err(_) => kept.map(str::to_string).unwrap_or_else(|| text.to_string()),
        Ok(s) => match kept {
            Some(k) if compile(k).is_ok_and(|ks| ks == s) => k.to_string(),
            _ => write(&s, to),
        },
    }
}

/// Where the ops of a Go text came from (`None` for JSON, or Go that does not import).
pub fn source_map(text: &str) -> Option<SourceMap> {
    if Lang::of(text) != Lang::Go {
        return None;
    }
    golang::import_with_map(text).ok().map(|(_, m)| m)
}

/// The lines of the Go text that `map` was made from that goroutines are on in `sim`, each with
/// its goroutines' names (`G1 G4`), by line; none before the first step or for a run with more
/// than [`MAX_LINE_GOROUTINES`] goroutines.
pub fn goroutine_lines(map: &SourceMap, sim: &Sim) -> Vec<(u32, String)> {
    if sim.step_count() == 0 || sim.stats().goroutines_created > MAX_LINE_GOROUTINES {
        return Vec::new();
    }
    let state = sim.snapshot(true);
    let mut by: litemap::LiteMap<u32, Vec<String>> = litemap::LiteMap::new();
    for (g, line) in map.goroutine_lines(sim.program(), &state) {
        by.entry(line).or_default().push(g.to_string());
    }
    by.into_iter().map(|(l, gs)| (l, gs.join(" "))).collect()
}
