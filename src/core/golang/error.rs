//! Errors of the Go importer, in the Go toolchain's own format: `main.go:12:3: message`.

use std::fmt;

/// A place in the source: line and column, both from 1 (the column counts bytes, as Go's).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    /// Line, from 1.
    pub line: u32,
    /// Column in bytes, from 1.
    pub col: u32,
}

/// One problem with the Go source, at its place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoError {
    /// Where; `None` for the whole file.
    pub pos: Option<Pos>,
    /// What is wrong, in words.
    pub message: String,
}

impl GoError {
    /// A problem at `pos`.
    pub fn at(pos: Pos, message: impl Into<String>) -> GoError {
        GoError { pos: Some(pos), message: message.into() }
    }

    /// The problem as Go prints it, with `file` as the file's name: `main.go:12:3: message`.
    pub fn render(&self, file: &str) -> String {
        match self.pos {
            Some(p) => format!("{file}:{}:{}: {}", p.line, p.col, self.message),
            None => format!("{file}: {}", self.message),
        }
    }
}

impl fmt::Display for GoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render("main.go"))
    }
}
