//! The parser's top level: the package clause, imports and declarations (`func`, `var`,
//! `const`, `type`) and their parameter lists; after a syntax error in a declaration it goes
//! on at the next one.

use super::{bracket, Parser, HELPERS, KEYWORDS, R};
use crate::core::golang::ast::*;
use crate::core::golang::error::{GoError, Pos};
use crate::core::golang::lexer::Tok;

impl<'a> Parser<'a> {
    /// After a syntax error in a top-level declaration: skips to the next `func`, `import`,
    /// `type`, `var` or `const` outside braces (a function body is skipped whole).
    fn sync_decl(&mut self) {
        let mut depth = 0usize;
        loop {
            match self.tok() {
                Tok::Eof => return,
                Tok::Ident(k) if depth == 0 && matches!(k.as_str(), "func" | "import" | "type" | "var" | "const") => return,
                Tok::Op("{") => depth += 1,
                Tok::Op("}") => depth = depth.saturating_sub(1),
                _ => {}
            }
            self.bump();
        }
    }

    pub(super) fn file(&mut self) -> R<File> {
        while matches!(self.tok(), Tok::Semi) {
            self.bump();
        }
        // Without its package clause, a file is not read further (as by Go's parser).
        if !self.is_kw("package") {
            return self.unexpected("package clause");
        }
        self.bump();
        let package = self.ident()?;
        if let Err(e) = self.expect_semi() {
            self.report(e);
            self.sync_decl();
        }
        let (mut imports, mut decls) = (Vec::new(), Vec::new());
        while !matches!(self.tok(), Tok::Eof) {
            let (at, depth) = (self.i, self.depth);
            // A declaration ends at a `;` (or a newline); what else follows it is an error.
            let r = self.decl(&mut imports, &mut decls).and_then(|()| match self.tok() {
                Tok::Semi => {
                    self.bump();
                    Ok(())
                }
                Tok::Eof => Ok(()),
                _ => Err(self.unexpected_here(" after top level declaration")),
            });
            if let Err(e) = r {
                self.depth = depth;
                self.report(e);
                if self.i == at {
                    self.bump();
                }
                self.sync_decl();
            }
        }
        Ok(File { package, imports, decls })
    }

    /// One top-level declaration (or an empty one, `;`).
    fn decl(&mut self, imports: &mut Vec<(String, Pos)>, decls: &mut Vec<Decl>) -> R<()> {
        match self.tok().clone() {
            Tok::Semi => {}
            Tok::Ident(k) if k == "import" => {
                if !decls.is_empty() {
                    return Err(GoError::at(self.pos(), "syntax error: imports must appear before other declarations"));
                }
                self.bump();
                if self.is_op("(") {
                    self.group(None, imports, &mut Vec::new())?;
                } else {
                    imports.push(self.import_spec()?);
                }
            }
            Tok::Ident(k) if k == "func" => decls.push(Decl::Func(self.func_decl()?)),
            Tok::Ident(k) if k == "var" => {
                self.bump();
                for spec in self.specs(false)? {
                    decls.push(Decl::Var(spec));
                }
            }
            Tok::Ident(k) if k == "const" => {
                self.bump();
                decls.push(Decl::Const(self.specs(true)?));
            }
            Tok::Ident(k) if k == "type" => {
                let pos = self.bump().pos;
                let kind = "type";
                let name = if self.is_op("(") { String::new() } else { self.ident()?.0 };
                decls.push(Decl::Other { pos, kind, name });
                self.skip_stmt()?;
            }
            // `func main()` with its `{` on the next line: Go's semicolon rule ends the line.
            Tok::Op("{") if matches!(decls.last(), Some(Decl::Func(f)) if f.body.is_none()) => {
                return Err(GoError::at(self.pos(), "syntax error: unexpected semicolon or newline before {"));
            }
            _ => return Err(GoError::at(self.pos(), "syntax error: non-declaration statement outside function body")),
        }
        Ok(())
    }

    fn import_spec(&mut self) -> R<(String, Pos)> {
        if matches!(self.tok(), Tok::Ident(_) | Tok::Op(".")) {
            self.bump();
        }
        let what = match self.tok().clone() {
            Tok::Str(s) => return Ok((s, self.bump().pos)),
            Tok::Int(_) | Tok::Float(_) | Tok::Char => "syntax error: import path must be a string",
            _ => "syntax error: missing import path",
        };
        Err(GoError::at(self.pos(), what))
    }

    /// The specs of a grouped declaration, `( spec; spec; ... )` (at its `(`): imports
    /// (`konst` `None`) into `imports`, or `var` or `const` specs into `specs`. As Go's parser,
    /// after a mistake in a spec it goes on at the next one (see [`Parser::sync_spec`]); after
    /// a spec that does not end at a `;` or the `)`, it reports `in grouped declaration` and
    /// skips to the next `)`, `]` or `}`, leaving the group unless that is a `)`.
    fn group(&mut self, konst: Option<bool>, imports: &mut Vec<(String, Pos)>, specs: &mut Vec<VarSpec>) -> R<()> {
        self.bump();
        while !self.is_op(")") && !matches!(self.tok(), Tok::Eof) {
            let (at, depth) = (self.i, self.depth);
            let r = match konst {
                None => self.import_spec().map(|s| imports.push(s)),
                Some(k) => self.spec(k).map(|s| specs.push(s)),
            };
            if let Err(e) = r {
                self.depth = depth;
                let operand = e.message.ends_with("expected expression");
                self.report(e);
                self.sync_spec(at, operand);
            }
            match self.tok() {
                Tok::Semi => {
                    self.bump();
                }
                Tok::Op(")") | Tok::Eof => {}
                _ => {
                    let e = self.unexpected_here(" in grouped declaration; possibly missing semicolon or newline or )");
                    self.report(e);
                    self.sync_spec(self.i, true);
                    if !self.is_op(")") {
                        return Ok(());
                    }
                }
            }
        }
        self.expect_op(")")?;
        Ok(())
    }

    /// After a syntax error in a grouped spec begun at token `at`, goes on where Go's parser
    /// would: at the spec's `;` or the group's `)`. A `)`, `]` or `}` closes first the
    /// brackets the spec left open at the error; a missing operand (`operand`) skips, as Go,
    /// straight to the next one of them.
    fn sync_spec(&mut self, at: usize, mut operand: bool) {
        let mut open: isize = self.toks[at..self.i].iter().map(|t| bracket(&t.tok)).sum();
        let mut depth = 0usize;
        loop {
            let b = bracket(self.tok());
            match self.tok() {
                Tok::Eof => return,
                Tok::Semi if depth == 0 && !operand => return,
                _ if b > 0 && !operand => depth += 1,
                _ if b < 0 && depth > 0 => depth -= 1,
                _ if b < 0 && open > 0 => {
                    open -= 1;
                    operand = false;
                }
                _ if b < 0 => return,
                _ => {}
            }
            self.bump();
        }
    }

    /// The specs of a `var` (`konst` false) or `const` declaration: `spec` or
    /// `( spec; spec; ... )`.
    pub(super) fn specs(&mut self, konst: bool) -> R<Vec<VarSpec>> {
        let mut out = Vec::new();
        if self.is_op("(") {
            self.group(Some(konst), &mut Vec::new(), &mut out)?;
        } else {
            out.push(self.spec(konst)?);
        }
        Ok(out)
    }

    /// `names [type] [= values]`; a const's values are optional (a spec repeating the
    /// previous one's), a var's type is optional when it has values.
    fn spec(&mut self, konst: bool) -> R<VarSpec> {
        let (first, pos) = self.ident()?;
        let mut names = vec![first];
        while self.is_op(",") {
            self.bump();
            names.push(self.ident()?.0);
        }
        let untyped = self.is_op("=") || (konst && (matches!(self.tok(), Tok::Semi) || self.is_op(")")));
        let ty = if untyped { None } else { Some(self.ty()?) };
        let mut values = Vec::new();
        if self.is_op("=") {
            self.bump();
            values = self.expr_list(false)?;
        }
        Ok(VarSpec { pos, names, ty, values })
    }

    fn func_decl(&mut self) -> R<FuncDecl> {
        let pos = self.bump().pos;
        let mut recv = None;
        if self.is_op("(") {
            let ps = self.params()?;
            recv = ps.first().map(|p| match &p.ty {
                Type::Pointer(t) => match &**t {
                    Type::Name(n) => n.clone(),
                    _ => String::new(),
                },
                Type::Name(n) => n.clone(),
                _ => String::new(),
            });
        }
        let (name, _) = self.ident()?;
        if self.is_op("[") {
            return Err(GoError::at(self.pos(), "type parameters are not simulated"));
        }
        let params = self.params()?;
        let results = self.results()?;
        let body = if !self.is_op("{") {
            None
        } else if recv.is_some() || HELPERS.contains(&name.as_str()) {
            self.skip_braces()?;
            None
        } else {
            Some(self.block()?)
        };
        Ok(FuncDecl { pos, name, recv, params, results, body })
    }

    pub(super) fn results(&mut self) -> R<bool> {
        if self.is_op("(") {
            self.params()?;
            Ok(true)
        } else if self.is_op("{") || matches!(self.tok(), Tok::Semi | Tok::Op(")" | "," | "]" | "}" | "=")) {
            Ok(false)
        } else {
            self.ty()?;
            Ok(true)
        }
    }

    /// `( [name] type, ... )`, with Go's grouping (`a, b int`).
    pub(super) fn params(&mut self) -> R<Vec<Param>> {
        self.expect_op("(")?;
        let mut entries: Vec<(Pos, Option<String>, Option<Type>)> = Vec::new();
        while !self.is_op(")") {
            let pos = self.pos();
            if let Tok::Ident(w) = self.tok().clone() {
                let next_is_end = matches!(self.peek(1), Tok::Op("," | ")" | "."));
                if !KEYWORDS.contains(&w.as_str()) && !next_is_end {
                    self.bump();
                    if self.is_op("...") {
                        self.bump();
                    }
                    let ty = self.ty()?;
                    entries.push((pos, Some(w), Some(ty)));
                } else if !KEYWORDS.contains(&w.as_str()) && matches!(self.peek(1), Tok::Op("," | ")")) {
                    self.bump();
                    entries.push((pos, Some(w), None));
                } else {
                    let ty = self.ty()?;
                    entries.push((pos, None, Some(ty)));
                }
            } else {
                if self.is_op("...") {
                    self.bump();
                }
                let ty = self.ty()?;
                entries.push((pos, None, Some(ty)));
            }
            if !self.is_op(")") {
                if !self.is_op(",") {
                    return Err(self.unexpected_here(" in parameter list; possibly missing comma or )"));
                }
                self.bump();
            }
        }
        self.bump();
        let named = entries.iter().any(|e| e.1.is_some() && e.2.is_some());
        let mut out = Vec::new();
        let mut pending: Vec<(Pos, String)> = Vec::new();
        for (pos, name, ty) in entries {
            match (name, ty) {
                (Some(n), None) if named => pending.push((pos, n)),
                (Some(n), None) => out.push(Param { pos, name: String::new(), ty: Type::Name(n) }),
                (Some(n), Some(t)) => {
                    for (p, m) in pending.drain(..) {
                        out.push(Param { pos: p, name: m, ty: t.clone() });
                    }
                    out.push(Param { pos, name: n, ty: t });
                }
                (None, Some(t)) => out.push(Param { pos, name: String::new(), ty: t }),
                (None, None) => {}
            }
        }
        if let Some((p, _)) = pending.first() {
            return Err(GoError::at(*p, "syntax error: mixed named and unnamed parameters"));
        }
        Ok(out)
    }
}
