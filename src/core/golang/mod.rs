//! Go source to scenario: `gmpsim import --go` and every command given a `.go` file.
//!
//! The importer reads a plain `main.go` in a small subset of Go (listed in ARCHITECTURE.md,
//! "The Go subset") and everything `gmpsim export --go` writes, and gives the scenario it
//! stands for, or every problem at its place in Go's own format (`main.go:12:3: select is not
//! simulated (...)`). It never panics. A hand-written lexer ([`lexer`]) and recursive-descent
//! parser ([`parser`]) give the syntax tree ([`ast`]); [`lower`] turns it into a scenario
//! document, which [`crate::core::scenario::parse`] validates like any other. The problems of
//! lowering and of validation are reported together, each at its place.
//!
//! Syntax errors are all reported too (the lexer and the parser go on after one, as Go's do:
//! see [`parser`]), at most one per line and ten in all, and then lowering does not run, as
//! Go's compiler does not type-check a file that does not parse. Lowering what did parse
//! would not be sound: a declaration lost to a syntax error (a function, a constant, a
//! channel, `main` itself) would make its uses elsewhere look wrong, a cascade of bogus
//! problems far from the one mistake; and the scenario's own checks (goroutine totals, loop
//! depth) would count a program that is not the one written.
//!
//! What Go text cannot hold (the scenario's name and description, seed, release, actions,
//! costs, and the scenario's names behind the Go identifiers) travels in one comment that
//! export writes and import reads: `//gmp:scenario {JSON}` with the fields `name`,
//! `description`, `seed`, `go`, `actions`, `costs` (as in the scenario format) and `names`
//! (Go identifier → scenario name).

pub mod ast;
pub mod error;
pub mod lexer;
mod loops;
mod names;
mod op_json;
pub mod lower;
pub mod parser;
pub mod source_map;
mod values;

pub use error::{GoError, Pos};
pub use source_map::SourceMap;

use crate::core::scenario::types::{self, Ty};
use crate::core::scenario::{self, limits, Scenario};

/// The scenario document (JSON text, pretty-printed) that a Go source stands for.
pub fn import_json(src: &str) -> Result<String, Vec<GoError>> {
    Ok(import(src)?.to_json())
}

/// The scenario a Go source stands for, or every problem with its place.
pub fn import(src: &str) -> Result<Scenario, Vec<GoError>> {
    import_with_map(src).map(|(s, _)| s)
}

/// The scenario a Go source stands for and where each of its ops came from (for the
/// page's running-line highlight), or every problem with its place.
pub fn import_with_map(src: &str) -> Result<(Scenario, SourceMap), Vec<GoError>> {
    if src.len() > limits::MAX_DOCUMENT_BYTES {
        return Err(vec![GoError { pos: None, message: format!("the source is larger than {} bytes", limits::MAX_DOCUMENT_BYTES) }]);
    }
    let (toks, dirs, lexical) = lexer::lex_all(src);
    let file = parser::parse_file(&toks, lexical)?;
    let mut lowered = lower::lower(&file, &dirs);
    // The document is validated even when lowering found problems: what it holds can have
    // problems of its own (a loop too deep, too many goroutines), reported with them at once.
    let parsed = scenario::parse_value(&lowered.doc);
    let mut errors = std::mem::take(&mut lowered.errors);
    match parsed {
        Ok(mut s) if errors.is_empty() => {
            declare_chan_types(&mut s, &lowered.chan_types);
            return Ok((s, lowered.source));
        }
        Ok(_) => {}
        Err(ps) => {
            for p in ps {
                errors.push(GoError { pos: lowered.pos_of(&p.place), message: format!("in the scenario it stands for, {p}") });
            }
        }
    }
    // In source order (problems of the whole program, without a place, first), each once.
    // Sorted as (place, index) pairs with the page's one sort, `sort_unstable` of `(u64, u32)`
    // (a sort of its own costs the page kilobytes); the pairs are distinct, so the unstable sort
    // gives the stable order: the index keeps equal places in their order.
    let mut order: Vec<(u64, u32)> = errors
        .iter()
        .enumerate()
        .map(|(i, e)| (e.pos.map_or(0, |p| (u64::from(p.line) << 32 | u64::from(p.col)).saturating_add(1)), i as u32))
        .collect();
    order.sort_unstable();
    let mut sorted: Vec<GoError> =
        order.into_iter().map(|(_, i)| std::mem::replace(&mut errors[i as usize], GoError { pos: None, message: String::new() })).collect();
    sorted.dedup();
    Err(sorted)
}

/// Gives each channel whose element type the values sent on it do not tell (a `chan string`
/// closed before any send, a `chan any` of ints) its declared type, so that a receive from it
/// once closed gets the zero value Go gives (`""`, `{}`, `<nil>`). The others keep the short
/// form (`"c": 0`), so a program that needs no type writes the same document as before.
fn declare_chan_types(s: &mut Scenario, declared: &[(String, Ty)]) {
    let inferred = types::infer(s);
    for (c, got) in s.chans.iter_mut().zip(inferred.chans) {
        let Some((_, want)) = declared.iter().find(|(n, _)| *n == c.name) else { continue };
        if *want != got && !(*want == Ty::Int && got == Ty::Unknown) {
            c.elem = *want;
        }
    }
}

#[cfg(test)]
mod tests;
