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

/// Most syntax errors reported, as the Go compiler: at the tenth it stops and says
/// `main.go:L:C: too many errors` at the tenth's place.
pub const MAX_SYNTAX_ERRORS: usize = 10;

/// The syntax errors of a file as the Go compiler reports them: in order, at most one per
/// line (a second one on a line is most often a consequence of the first), and at most
/// [`MAX_SYNTAX_ERRORS`]. The lexer's errors (all found first) are merged in by place as the
/// parser's come, as Go's scanner and parser, which run together, would find them.
#[derive(Debug)]
pub struct SyntaxErrors {
    list: Vec<GoError>,
    /// The lexer's errors, in order; those from `next` on are not merged yet.
    lexical: Vec<GoError>,
    next: usize,
    full: bool,
}

impl SyntaxErrors {
    /// A list that holds the lexer's `lexical` errors (in source order) to merge.
    pub fn new(lexical: Vec<GoError>) -> SyntaxErrors {
        SyntaxErrors { list: Vec::new(), lexical, next: 0, full: false }
    }

    /// Merges the lexer's errors before `pos` (all with `None`).
    fn merge_lexical(&mut self, pos: Option<Pos>) {
        while let Some(l) = self.lexical.get(self.next).filter(|l| pos.is_none() || l.pos < pos) {
            let l = l.clone();
            self.next += 1;
            self.push(l);
        }
    }

    /// Whether the tenth error was reported: the parser stops.
    pub fn full(&self) -> bool {
        self.full
    }

    /// Reports `e` (the lexer's errors before it first), unless the list is full or a problem
    /// on its line is already reported. An error at the end of the text (`at_eof`) after
    /// another one is left out, as by Go's parser: it is most often the first one's echo (a
    /// block left open by the mistake).
    pub fn add(&mut self, e: GoError, at_eof: bool) {
        self.merge_lexical(e.pos);
        if at_eof && !(self.list.is_empty() && self.next == self.lexical.len()) {
            return;
        }
        self.push(e);
    }

    fn push(&mut self, e: GoError) {
        let line = e.pos.map(|p| p.line);
        if self.full || self.list.iter().any(|o| o.pos.map(|p| p.line) == line) {
            return;
        }
        // In source order (an unclosed `{` is found at the end, reported at its start).
        let pos = e.pos;
        let at = self.list.partition_point(|o| o.pos <= pos);
        self.list.insert(at, e);
        if self.list.len() == MAX_SYNTAX_ERRORS {
            self.list.push(GoError { pos, message: "too many errors".to_string() });
            self.full = true;
        }
    }

    /// Every error reported, the lexer's remaining ones merged in.
    pub fn finish(mut self) -> Vec<GoError> {
        self.merge_lexical(None);
        self.list
    }
}
