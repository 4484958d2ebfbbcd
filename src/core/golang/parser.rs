//! A recursive-descent parser for the Go the importer reads: a whole file's syntax (package,
//! imports, `var`, `func`), the statements and expressions of function bodies, and types.
//! Statements outside the subset (`switch`, `select`, `return`, labels, ...) are skipped whole
//! and kept as [`Stmt::Unsupported`] so that lowering reports each one. The bodies of the
//! helper functions that `gmpsim export --go` writes ([`HELPERS`]) are skipped unread: the
//! importer gives their calls a meaning of its own.
//!
//! A syntax error does not stop it: like Go's parser it reports the error and resynchronises
//! (in a block, at the statement's end: the next `;`, written or inserted at a newline, or the
//! block's closing `}`; in a grouped `import`, `var` or `const` declaration, at the next spec
//! or where Go's parser goes on; at the top level, at the next `func`, `import`, `type`, `var`
//! or `const`), then goes on, so that every mistake is reported at once, one per line at most and
//! ten at most ([`SyntaxErrors`]). The top level (package clause, imports, declarations,
//! parameter lists) is in `parser/decl.rs`.

use super::ast::*;
use super::error::{GoError, Pos, SyntaxErrors};
use super::lexer::{Tok, Token};

mod decl;

/// The helper functions of an exported program, whose bodies are not read.
pub const HELPERS: [&str; 8] = ["trace", "spawn", "spin", "calibrate", "work", "blockingSyscall", "startNet", "netWait"];

/// Deepest nesting of blocks and expressions (beyond it, an error rather than a stack overflow).
const MAX_DEPTH: usize = 100;

struct Parser<'a> {
    toks: &'a [Token],
    i: usize,
    depth: usize,
    errs: SyntaxErrors,
}

type R<T> = Result<T, GoError>;

/// Parses a whole file's tokens (as [`super::lexer::lex_all`] gives them, ending with
/// [`Tok::Eof`]), or gives every syntax error: the lexer's (`lexical`, in order) and the
/// parser's, merged by place, one per line and at most ten.
pub fn parse_file(toks: &[Token], lexical: Vec<GoError>) -> Result<File, Vec<GoError>> {
    if toks.is_empty() {
        return Err(vec![GoError { pos: None, message: "syntax error: no tokens".into() }]);
    }
    let mut p = Parser { toks, i: 0, depth: 0, errs: SyntaxErrors::new(lexical) };
    let file = p.file();
    if let Err(e) = &file {
        p.report(e.clone());
    }
    let errs = p.errs.finish();
    match file {
        Ok(f) if errs.is_empty() => Ok(f),
        _ => Err(errs),
    }
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Ident(w) => format!("name {w}"),
        Tok::Int(n) => format!("literal {n}"),
        Tok::Float(f) => format!("literal {f}"),
        Tok::Str(s) => format!("literal {s:?}"),
        Tok::Char => "rune literal".to_string(),
        Tok::Op(",") => "comma".to_string(),
        Tok::Op(o) => o.to_string(),
        Tok::Semi => "newline".to_string(),
        Tok::Eof => "EOF".to_string(),
    }
}

const KEYWORDS: [&str; 25] = [
    "break", "case", "chan", "const", "continue", "default", "defer", "else", "fallthrough", "for", "func", "go", "goto", "if",
    "import", "interface", "map", "package", "range", "return", "select", "struct", "switch", "type", "var",
];

/// 1 for an opening bracket, -1 for a closing one, 0 for another token (a bracket is the only
/// operator that starts with its character: a first byte is cheaper to match than a string).
fn bracket(t: &Tok) -> isize {
    match t {
        Tok::Op(o) => match o.as_bytes()[0] {
            b'(' | b'[' | b'{' => 1,
            b')' | b']' | b'}' => -1,
            _ => 0,
        },
        _ => 0,
    }
}

impl<'a> Parser<'a> {
    /// The token `k` ahead; once the tenth error is reported, the end of the file (the parser
    /// stops as Go's compiler does).
    fn at(&self, k: usize) -> &Token {
        let last = self.toks.len() - 1;
        &self.toks[if self.errs.full() { last } else { (self.i + k).min(last) }]
    }

    /// Reports a syntax error (see [`SyntaxErrors::add`]).
    fn report(&mut self, e: GoError) {
        let at_eof = e.pos == self.toks.last().map(|t| t.pos);
        self.errs.add(e, at_eof);
    }

    fn tok(&self) -> &Tok {
        &self.at(0).tok
    }

    fn peek(&self, k: usize) -> &Tok {
        &self.at(k).tok
    }

    fn pos(&self) -> Pos {
        self.at(0).pos
    }

    fn bump(&mut self) -> Token {
        let t = self.at(0).clone();
        if self.i < self.toks.len() - 1 {
            self.i += 1;
        }
        t
    }

    fn is_op(&self, o: &str) -> bool {
        matches!(self.tok(), Tok::Op(x) if *x == o)
    }

    fn is_kw(&self, k: &str) -> bool {
        matches!(self.tok(), Tok::Ident(x) if x == k)
    }

    fn unexpected<T>(&self, wanted: &str) -> R<T> {
        Err(self.expected(wanted))
    }

    /// `syntax error: unexpected TOKEN, expected {wanted}` at the current token.
    fn expected(&self, wanted: &str) -> GoError {
        self.unexpected_here(&format!(", expected {wanted}"))
    }

    /// `syntax error: unexpected TOKEN{rest}` at the current token (not generic: one copy).
    fn unexpected_here(&self, rest: &str) -> GoError {
        GoError::at(self.pos(), format!("syntax error: unexpected {}{rest}", describe(self.tok())))
    }

    fn expect_op(&mut self, o: &str) -> R<Pos> {
        if self.is_op(o) {
            Ok(self.bump().pos)
        } else {
            self.unexpected(o)
        }
    }

    fn expect_semi(&mut self) -> R<()> {
        match self.tok() {
            Tok::Semi => {
                self.bump();
                Ok(())
            }
            Tok::Op(")") | Tok::Op("}") | Tok::Eof => Ok(()),
            _ => self.unexpected("semicolon or newline"),
        }
    }

    fn ident(&mut self) -> R<(String, Pos)> {
        match self.tok().clone() {
            Tok::Ident(w) if !KEYWORDS.contains(&w.as_str()) => Ok((w, self.bump().pos)),
            _ => self.unexpected("name"),
        }
    }

    fn enter(&mut self) -> R<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(GoError::at(self.pos(), "nesting too deep"));
        }
        Ok(())
    }

    /// Skips a balanced `{ ... }` (the current token is `{`).
    fn skip_braces(&mut self) -> R<()> {
        let start = self.expect_op("{")?;
        let mut depth = 1usize;
        loop {
            match self.bump().tok {
                Tok::Op("{") => depth += 1,
                Tok::Op("}") => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(());
                    }
                }
                Tok::Eof => return Err(GoError::at(start, "syntax error: unclosed {")),
                _ => {}
            }
        }
    }

    /// Skips to the end of the statement: the next `;` or `}` outside brackets.
    fn skip_stmt(&mut self) -> R<()> {
        let mut depth = 0usize;
        loop {
            let b = bracket(self.tok());
            match self.tok() {
                Tok::Eof => return Ok(()),
                Tok::Semi if depth == 0 => return Ok(()),
                _ if b > 0 => depth += 1,
                _ if b < 0 && depth == 0 => return Ok(()),
                _ if b < 0 => depth -= 1,
                _ => {}
            }
            self.bump();
        }
    }

    /// After a syntax error in a statement begun at token `at`: skips to the statement's end,
    /// the next `;` (written, or inserted at a newline) outside brackets, or the `}` that closes
    /// the block (a `)` or `]` left open by the error is skipped with the rest).
    fn sync_stmt(&mut self, at: usize) {
        if self.i == at && !matches!(self.tok(), Tok::Eof | Tok::Semi | Tok::Op("}")) {
            self.bump();
        }
        let mut depth = 0usize;
        loop {
            let b = bracket(self.tok());
            match self.tok() {
                Tok::Eof => return,
                Tok::Semi if depth == 0 => return,
                Tok::Op("}") if depth == 0 => return,
                _ if b > 0 => depth += 1,
                _ if b < 0 => depth = depth.saturating_sub(1),
                _ => {}
            }
            self.bump();
        }
    }

    fn ty(&mut self) -> R<Type> {
        self.enter()?;
        let t = self.ty_inner();
        self.depth -= 1;
        t
    }

    fn ty_inner(&mut self) -> R<Type> {
        match self.tok().clone() {
            Tok::Op("*") => {
                self.bump();
                Ok(Type::Pointer(Box::new(self.ty()?)))
            }
            Tok::Op("(") => {
                self.bump();
                let t = self.ty()?;
                self.expect_op(")")?;
                Ok(t)
            }
            Tok::Op("<-") => {
                self.bump();
                if !self.is_kw("chan") {
                    return self.unexpected("chan");
                }
                self.bump();
                Ok(Type::Chan(Box::new(self.ty()?)))
            }
            Tok::Op("[") => {
                self.bump();
                let kind = if self.is_op("]") { "slice" } else { "array" };
                if !self.is_op("]") {
                    self.expr(false)?;
                }
                self.expect_op("]")?;
                self.ty()?;
                Ok(Type::Other(kind))
            }
            Tok::Ident(k) => match k.as_str() {
                "chan" => {
                    self.bump();
                    if self.is_op("<-") {
                        self.bump();
                    }
                    Ok(Type::Chan(Box::new(self.ty()?)))
                }
                "struct" | "interface" => {
                    self.bump();
                    let empty = matches!(self.peek(1), Tok::Op("}"));
                    self.skip_braces()?;
                    Ok(if k == "struct" { Type::Struct(empty) } else { Type::Other("interface") })
                }
                "map" => {
                    self.bump();
                    self.expect_op("[")?;
                    self.ty()?;
                    self.expect_op("]")?;
                    self.ty()?;
                    Ok(Type::Other("map"))
                }
                "func" => {
                    self.bump();
                    self.params()?;
                    self.results()?;
                    Ok(Type::Other("func"))
                }
                _ => {
                    let (mut name, _) = self.ident()?;
                    if self.is_op(".") {
                        self.bump();
                        name = format!("{name}.{}", self.ident()?.0);
                    }
                    if self.is_op("[") && !matches!(self.peek(1), Tok::Op("]")) {
                        return Err(GoError::at(self.pos(), "generic types are not simulated"));
                    }
                    Ok(Type::Name(name))
                }
            },
            _ => self.unexpected("type"),
        }
    }

    fn block(&mut self) -> R<Block> {
        self.enter()?;
        let b = self.block_inner();
        self.depth -= 1;
        b
    }

    /// A block's statements; a statement with a syntax error is reported and skipped.
    fn block_inner(&mut self) -> R<Block> {
        self.expect_op("{")?;
        let mut out = Vec::new();
        loop {
            match self.tok() {
                Tok::Op("}") => {
                    self.bump();
                    break;
                }
                Tok::Eof => return self.unexpected("}"),
                Tok::Semi => {
                    self.bump();
                }
                _ => {
                    let (at, depth) = (self.i, self.depth);
                    match self.stmt_and_end() {
                        Ok(s) => out.push(s),
                        Err(e) => {
                            self.depth = depth;
                            self.report(e);
                            self.sync_stmt(at);
                        }
                    }
                }
            }
        }
        Ok(out)
    }

    /// A statement and what ends it (`;`, a newline, or the block's `}` next).
    fn stmt_and_end(&mut self) -> R<Stmt> {
        let s = self.stmt()?;
        match self.tok() {
            Tok::Semi => {
                self.bump();
            }
            Tok::Op("}") | Tok::Eof => {}
            _ => return Err(self.unexpected_here(" at end of statement")),
        }
        Ok(s)
    }

    fn stmt(&mut self) -> R<Stmt> {
        let pos = self.pos();
        let kw = match self.tok() {
            Tok::Ident(w) if KEYWORDS.contains(&w.as_str()) => w.clone(),
            Tok::Op("{") => return Ok(Stmt::Block(self.block()?)),
            _ => {
                if let (Tok::Ident(_), Tok::Op(":")) = (self.tok(), self.peek(1)) {
                    // The label is not simulated; the statement it labels is read as any other
                    // (a `for` clause's semicolons are its own), unless the label ends a block.
                    self.bump();
                    self.bump();
                    if !matches!(self.tok(), Tok::Op("}") | Tok::Op(";") | Tok::Eof) {
                        self.stmt()?;
                    }
                    return Ok(Stmt::Unsupported { pos, what: "labeled statement".into() });
                }
                return self.simple_stmt(false);
            }
        };
        match kw.as_str() {
            "go" | "defer" => {
                self.bump();
                let call = self.expr(false)?;
                Ok(if kw == "go" { Stmt::Go { pos, call } } else { Stmt::Defer { pos, call } })
            }
            "var" => {
                self.bump();
                let mut specs = self.specs(false)?;
                if specs.len() == 1 {
                    Ok(Stmt::Var(specs.remove(0)))
                } else {
                    Ok(Stmt::Vars(specs))
                }
            }
            "const" => {
                self.bump();
                Ok(Stmt::Const(self.specs(true)?))
            }
            "for" => self.for_stmt(),
            "if" => self.if_stmt(),
            "func" | "struct" | "map" | "chan" => self.simple_stmt(false),
            other => {
                let what = format!("{other} statement");
                self.bump();
                if matches!(other, "switch" | "select") {
                    while !self.is_op("{") && !matches!(self.tok(), Tok::Eof) {
                        self.bump();
                    }
                }
                self.skip_stmt()?;
                Ok(Stmt::Unsupported { pos, what })
            }
        }
    }

    /// An expression statement, send, assignment or inc/dec; with `range_ok`, also the
    /// `k, v := range x` of a for clause (returned as a `For` with an empty body).
    fn simple_stmt(&mut self, no_lit: bool) -> R<Stmt> {
        let pos = self.pos();
        if no_lit && self.is_kw("range") {
            self.bump();
            let x = self.expr(true)?;
            return Ok(Stmt::For { pos, head: ForHead::Range { key: None, value: None, define: false, x }, body: Vec::new() });
        }
        let lhs = self.expr_list(no_lit)?;
        match self.tok().clone() {
            Tok::Op("<-") => {
                let p = self.bump().pos;
                let value = self.expr(no_lit)?;
                let ch = lhs.into_iter().next().ok_or_else(|| GoError::at(p, "syntax error: send without a channel"))?;
                Ok(Stmt::Send { pos: p, ch, value })
            }
            Tok::Op(op @ ("++" | "--")) => {
                self.bump();
                Ok(Stmt::IncDec { pos, x: lhs.into_iter().next().unwrap_or(Expr::Ident(pos, String::new())), inc: op == "++" })
            }
            Tok::Op(op @ (":=" | "=" | "+=" | "-=" | "*=" | "/=" | "%=" | "&=" | "|=" | "^=" | "<<=" | ">>=" | "&^=")) => {
                let p = self.bump().pos;
                if no_lit && self.is_kw("range") && (op == ":=" || op == "=") {
                    self.bump();
                    let x = self.expr(true)?;
                    let mut it = lhs.into_iter();
                    let key = it.next();
                    let value = it.next();
                    return Ok(Stmt::For { pos, head: ForHead::Range { key, value, define: op == ":=", x }, body: Vec::new() });
                }
                let rhs = self.expr_list(no_lit)?;
                Ok(Stmt::Assign { pos: p, lhs, op, rhs })
            }
            _ => {
                if lhs.len() != 1 {
                    return self.unexpected(":= or = or comma");
                }
                Ok(Stmt::Expr(lhs.into_iter().next().unwrap_or(Expr::Ident(pos, String::new()))))
            }
        }
    }

    fn for_stmt(&mut self) -> R<Stmt> {
        let pos = self.bump().pos;
        if self.is_op("{") {
            return Ok(Stmt::For { pos, head: ForHead::Forever, body: self.block()? });
        }
        let init = if matches!(self.tok(), Tok::Semi) { None } else { Some(self.simple_stmt(true)?) };
        // The range clause moves into the loop: a clone here would compile the whole AST's
        // Clone code into the page.
        if let Some(Stmt::For { head: head @ ForHead::Range { .. }, .. }) = init {
            return Ok(Stmt::For { pos, head, body: self.block()? });
        }
        if self.is_op("{") {
            let cond = match init {
                Some(Stmt::Expr(e)) => e,
                _ => return Err(GoError::at(pos, "syntax error: expected for loop condition")),
            };
            return Ok(Stmt::For { pos, head: ForHead::Cond(cond), body: self.block()? });
        }
        if !matches!(self.tok(), Tok::Semi) {
            return self.unexpected("{ after for clause");
        }
        self.bump();
        let cond = if matches!(self.tok(), Tok::Semi) { None } else { Some(self.expr(true)?) };
        if !matches!(self.tok(), Tok::Semi) {
            return self.unexpected("; after for loop condition");
        }
        self.bump();
        let post = if self.is_op("{") { None } else { Some(Box::new(self.simple_stmt(true)?)) };
        let body = self.block()?;
        Ok(Stmt::For { pos, head: ForHead::Clauses { init: init.map(Box::new), cond, post }, body })
    }

    fn if_stmt(&mut self) -> R<Stmt> {
        let pos = self.bump().pos;
        let first = self.simple_stmt(true)?;
        let (init, cond) = if matches!(self.tok(), Tok::Semi) {
            self.bump();
            (Some(Box::new(first)), self.expr(true)?)
        } else {
            match first {
                Stmt::Expr(e) => (None, e),
                _ => return Err(GoError::at(pos, "syntax error: missing condition in if statement")),
            }
        };
        let then = self.block()?;
        let els = if self.is_kw("else") {
            self.bump();
            Some(Box::new(if self.is_kw("if") { self.if_stmt()? } else { Stmt::Block(self.block()?) }))
        } else {
            None
        };
        Ok(Stmt::If { pos, init, cond, then, els })
    }

    fn expr_list(&mut self, no_lit: bool) -> R<Vec<Expr>> {
        let mut out = vec![self.expr(no_lit)?];
        while self.is_op(",") {
            self.bump();
            out.push(self.expr(no_lit)?);
        }
        Ok(out)
    }

    fn expr(&mut self, no_lit: bool) -> R<Expr> {
        self.enter()?;
        let e = self.binary(1, no_lit);
        self.depth -= 1;
        e
    }

    fn binary(&mut self, min: u8, no_lit: bool) -> R<Expr> {
        let mut left = self.unary(no_lit)?;
        loop {
            let (op, prec) = match self.tok() {
                Tok::Op(o @ "||") => (*o, 1),
                Tok::Op(o @ "&&") => (*o, 2),
                Tok::Op(o @ ("==" | "!=" | "<" | "<=" | ">" | ">=")) => (*o, 3),
                Tok::Op(o @ ("+" | "-" | "|" | "^")) => (*o, 4),
                Tok::Op(o @ ("*" | "/" | "%" | "<<" | ">>" | "&" | "&^")) => (*o, 5),
                _ => return Ok(left),
            };
            if prec < min {
                return Ok(left);
            }
            let pos = self.bump().pos;
            self.enter()?;
            let right = self.binary(prec + 1, no_lit);
            self.depth -= 1;
            left = Expr::Binary(pos, op, Box::new(left), Box::new(right?));
        }
    }

    fn unary(&mut self, no_lit: bool) -> R<Expr> {
        match self.tok().clone() {
            Tok::Op(o @ ("+" | "-" | "!" | "^" | "*" | "&" | "<-")) => {
                let pos = self.bump().pos;
                if o == "<-" && self.is_kw("chan") {
                    let t = self.ty()?;
                    return Ok(Expr::Type(pos, Type::Chan(Box::new(match t {
                        Type::Chan(inner) => *inner,
                        other => other,
                    }))));
                }
                self.enter()?;
                let x = self.unary(no_lit);
                self.depth -= 1;
                Ok(Expr::Unary(pos, o, Box::new(x?)))
            }
            _ => self.primary(no_lit),
        }
    }

    fn primary(&mut self, no_lit: bool) -> R<Expr> {
        let pos = self.pos();
        let mut x = match self.tok().clone() {
            Tok::Int(n) => {
                self.bump();
                Expr::Int(pos, n)
            }
            Tok::Str(s) => {
                self.bump();
                Expr::Str(pos, s)
            }
            Tok::Float(_) => {
                self.bump();
                Expr::Lit(pos, "floating-point literal")
            }
            Tok::Char => {
                self.bump();
                Expr::Lit(pos, "rune literal")
            }
            Tok::Op("(") => {
                self.bump();
                let e = self.expr(false)?;
                self.expect_op(")")?;
                Expr::Paren(pos, Box::new(e))
            }
            Tok::Op("[") => {
                let t = self.ty()?;
                if self.is_op("{") {
                    self.skip_braces()?;
                    Expr::Composite(pos, t)
                } else {
                    Expr::Type(pos, t)
                }
            }
            Tok::Ident(k) if k == "func" => {
                self.bump();
                let params = self.params()?;
                self.results()?;
                if self.is_op("{") {
                    let body = self.block()?;
                    Expr::FuncLit { pos, params, body }
                } else {
                    Expr::Type(pos, Type::Other("func"))
                }
            }
            Tok::Ident(k) if matches!(k.as_str(), "chan" | "struct" | "map" | "interface") => {
                let t = self.ty()?;
                if self.is_op("{") && matches!(t, Type::Struct(_) | Type::Other("map")) {
                    self.skip_braces()?;
                    Expr::Composite(pos, t)
                } else {
                    Expr::Type(pos, t)
                }
            }
            Tok::Ident(_) => Expr::Ident(pos, self.ident()?.0),
            _ => return self.unexpected("expression"),
        };
        loop {
            match self.tok() {
                Tok::Op(".") => {
                    self.bump();
                    if self.is_op("(") {
                        self.bump();
                        let p = self.pos();
                        if self.is_kw("type") {
                            self.bump();
                        } else {
                            self.ty()?;
                        }
                        self.expect_op(")")?;
                        x = Expr::Index(p, Box::new(x));
                        continue;
                    }
                    let (name, _) = self.ident()?;
                    let p = x.pos();
                    x = Expr::Selector(p, Box::new(x), name);
                }
                Tok::Op("(") => {
                    let p = self.bump().pos;
                    let mut args = Vec::new();
                    let mut dots = false;
                    while !self.is_op(")") {
                        args.push(self.expr(false)?);
                        if self.is_op("...") {
                            self.bump();
                            dots = true;
                        }
                        if !self.is_op(")") {
                            if !self.is_op(",") {
                                return Err(self.unexpected_here(" in argument list; possibly missing comma or )"));
                            }
                            self.bump();
                            while matches!(self.tok(), Tok::Semi) {
                                self.bump();
                            }
                        }
                    }
                    self.bump();
                    let _ = p;
                    x = Expr::Call { pos: x.pos(), fun: Box::new(x), args, dots };
                }
                Tok::Op("[") => {
                    let p = self.bump().pos;
                    while !self.is_op("]") {
                        if matches!(self.tok(), Tok::Op(":") | Tok::Op(",")) {
                            self.bump();
                        } else {
                            self.expr(false)?;
                        }
                    }
                    self.bump();
                    x = Expr::Index(p, Box::new(x));
                }
                Tok::Op("{") if !no_lit && matches!(x, Expr::Ident(..) | Expr::Selector(..) | Expr::Index(..)) => {
                    let p = x.pos();
                    self.skip_braces()?;
                    x = Expr::Composite(p, Type::Other("composite"));
                }
                _ => return Ok(x),
            }
        }
    }
}
