//! From the syntax tree to a scenario document: each simulated statement becomes an op, each
//! channel, WaitGroup and goroutine body a declaration; every statement outside the subset is
//! reported at its place, all of them at once.
//!
//! Funcs with channel or `*sync.WaitGroup` parameters are instantiated once per distinct
//! binding (`worker(jobs, &wg)` and `worker(results, &wg)` are two scenario funcs); `int` and
//! `string` parameters do not change what a goroutine does to the scheduler. Function
//! literals (`go func() { ... }()`, `wg.Go(func() { ... })`) become funcs named as Go names
//! them (`main.func1`).

use super::ast::*;
use super::error::{GoError, Pos};
use super::source_map::{self, SourceMap};
use super::values;
use super::op_json::{obj, one, s};
use serde_json::{Map, Value};
use crate::core::scenario::types::Ty;
use crate::core::scenario::Arg;
use super::names::{NameSet, Names};

/// Package-level variables of an exported program that do not stand for anything simulated.
const HELPER_VARS: [&str; 7] = ["traceFlag", "traceUsFlag", "lastG", "loopsPerMicrosecond", "sink", "listener", "connecting"];

/// Calls of an exported program that do nothing to the schedule.
const IGNORED_CALLS: [&str; 4] = ["flag.Parse", "calibrate", "startNet", "trace"];

/// Deepest nesting of plain calls inlined into one another.
const MAX_INLINE: usize = 32;

/// What a name in scope stands for.
#[derive(Clone, Debug)]
pub(super) enum Bind {
    /// A channel, by its scenario name.
    Chan(String),
    /// A WaitGroup, by its scenario name.
    Wg(String),
    /// A value a goroutine can print or send: a constant or one of its variables.
    Val(Arg),
    /// A value the importer does not follow (the `ok` of a receive).
    Opaque,
    /// The exported program's network connection (`var conn netConn`).
    Conn,
}

pub(super) type Scope = Names<Bind>;

pub(super) struct Lower<'a> {
    file: &'a File,
    /// The file's constants (package-level and in functions), by name.
    pub(super) consts: Names<Arg>,
    /// The variable names taken in the goroutine body being lowered.
    pub(super) body_vars: NameSet,
    /// Temporaries made so far (`fmt.Println(<-ch)`).
    pub(super) temps: usize,
    pub(super) errors: Vec<GoError>,
    meta: Map<String, Value>,
    names: Map<String, Value>,
    /// Channels: scenario name, capacity and declared element type.
    chans: Vec<(String, u64, Ty)>,
    wgs: Vec<String>,
    /// Scenario funcs, in order: name and ops (`None` while being lowered).
    funcs: Vec<(String, Option<Vec<Value>>)>,
    /// Top-level funcs by name.
    decls: Names<&'a FuncDecl>,
    /// Function literals lowered so far in each enclosing func (for `main.funcN`).
    lits: Names<usize>,
    /// Funcs being inlined (plain calls), to refuse recursion.
    inlining: Vec<String>,
    start_gomaxprocs: Option<u64>,
    /// Places in the document (`main`, `funcs.NAME`, `chans.NAME`) and where they come from.
    places: Vec<(String, Pos)>,
}

/// A lowered file: the scenario document and where its parts come from in the source.
pub struct Lowered {
    /// The scenario document.
    pub doc: Value,
    /// Document places (`main`, `funcs.NAME`, `chans.NAME`, `actions`) and source positions,
    /// to place the problems that validating the document finds.
    pub places: Vec<(String, Pos)>,
    /// Where each op and func came from.
    pub source: SourceMap,
    /// Each channel's scenario name and declared element type, in document order.
    pub chan_types: Vec<(String, Ty)>,
    /// The problems found while lowering, in the order found ([`super::import_with_map`]
    /// puts them in source order); the document leaves out what they are about.
    pub errors: Vec<GoError>,
}

impl Lowered {
    /// The source position of a problem's place in the document (the longest known prefix).
    pub fn pos_of(&self, place: &str) -> Option<Pos> {
        let op = self.source.ops.iter().filter(|(p, _)| place == *p || place.starts_with(&format!("{p}."))).max_by_key(|(p, _)| p.len());
        if let Some((_, pos)) = op {
            return Some(*pos);
        }
        self.places
            .iter()
            .filter(|(p, _)| place == p || place.starts_with(&format!("{p}[")) || place.starts_with(&format!("{p}.")))
            .max_by_key(|(p, _)| p.len())
            .map(|(_, pos)| *pos)
    }
}

/// The scenario document (JSON) the file stands for, with every problem found. A statement
/// outside the subset is reported and left out, and lowering goes on, so the document holds
/// everything else and validating it can find the problems that remain.
pub fn lower(file: &File, directives: &[super::lexer::Directive]) -> Lowered {
    let mut l = Lower {
        file,
        consts: Names::new(),
        body_vars: NameSet::new(),
        temps: 0,
        errors: Vec::new(),
        meta: Map::new(),
        names: Map::new(),
        chans: Vec::new(),
        wgs: Vec::new(),
        funcs: Vec::new(),
        decls: Names::new(),
        lits: Names::new(),
        inlining: Vec::new(),
        start_gomaxprocs: None,
        places: Vec::new(),
    };
    l.directives(directives);
    let mut main = l.file_level();
    // Drop the variables a go sets that its func never reads, then take the places off.
    let mut read: Names<NameSet> = Names::new();
    for (n, ops) in &l.funcs {
        read.insert(n.clone(), values::reads(ops.as_deref().unwrap_or_default()));
    }
    let read_by = |f: &str| read.get(f).cloned();
    let mut source = SourceMap::default();
    for (name, ops) in l.funcs.iter_mut() {
        if let Some(ops) = ops {
            values::prune_go_args(ops, &read_by);
            source_map::untag(ops, &format!("funcs.{name}"), &mut source.ops);
        }
    }
    values::prune_go_args(&mut main, &read_by);
    source_map::untag(&mut main, "main", &mut source.ops);
    for (place, pos) in &l.places {
        if let Some(f) = place.strip_prefix("funcs.") {
            source.funcs.insert(f.to_string(), *pos);
        } else if place == "main" {
            source.funcs.insert("main".into(), *pos);
        }
    }
    let mut doc = Map::new();
    doc.insert("version".into(), Value::from(1));
    for key in ["name", "description"] {
        if let Some(v) = l.meta.get_mut(key) {
            doc.insert(key.into(), v.take());
        }
    }
    if let Some(n) = l.start_gomaxprocs {
        doc.insert("gomaxprocs".into(), Value::from(n));
    }
    for key in ["seed", "go"] {
        if let Some(v) = l.meta.get_mut(key) {
            doc.insert(key.into(), v.take());
        }
    }
    if !l.chans.is_empty() {
        doc.insert("chans".into(), Value::Object(l.chans.iter().map(|(n, c, _)| (n.clone(), Value::from(*c))).collect()));
    }
    if !l.funcs.is_empty() {
        let funcs = l.funcs.iter_mut().map(|(n, ops)| (n.clone(), Value::Array(ops.take().unwrap_or_default()))).collect();
        doc.insert("funcs".into(), Value::Object(funcs));
    }
    doc.insert("main".into(), Value::Array(main));
    for key in ["actions", "costs"] {
        if let Some(v) = l.meta.get_mut(key) {
            doc.insert(key.into(), v.take());
        }
    }
    let chan_types = l.chans.iter().map(|(n, _, t)| (n.clone(), *t)).collect();
    Lowered { doc: Value::Object(doc), places: l.places, source, chan_types, errors: l.errors }
}

pub(super) fn callee(e: &Expr) -> Option<String> {
    match e {
        Expr::Ident(_, n) => Some(n.clone()),
        Expr::Selector(_, x, n) => callee(x).map(|x| format!("{x}.{n}")),
        _ => None,
    }
}

pub(super) fn strip(e: &Expr) -> &Expr {
    match e {
        Expr::Paren(_, x) => strip(x),
        _ => e,
    }
}

/// A constant integer expression (durations in nanoseconds: `5 * time.Millisecond`).
pub(super) fn constant(e: &Expr, consts: &Names<Arg>) -> Option<i128> {
    match strip(e) {
        Expr::Int(_, n) => Some(*n as i128),
        Expr::Ident(_, n) => match consts.get(n) {
            Some(Arg::Int(v)) => Some(i128::from(*v)),
            _ => None,
        },
        Expr::Selector(..) => match callee(e)?.as_str() {
            "time.Nanosecond" => Some(1),
            "time.Microsecond" => Some(1_000),
            "time.Millisecond" => Some(1_000_000),
            "time.Second" => Some(1_000_000_000),
            "time.Minute" => Some(60_000_000_000),
            "time.Hour" => Some(3_600_000_000_000),
            _ => None,
        },
        Expr::Unary(_, "-", x) => constant(x, consts).map(|v| -v),
        Expr::Unary(_, "+", x) => constant(x, consts),
        Expr::Binary(_, op, a, b) => {
            let (a, b) = (constant(a, consts)?, constant(b, consts)?);
            let big = 1i128 << 80;
            let v = match *op {
                "+" => a + b,
                "-" => a - b,
                "*" => a.checked_mul(b)?,
                "/" if b != 0 => a / b,
                "%" if b != 0 => a % b,
                "<<" if (0..64).contains(&b) => a.checked_mul(1i128 << b)?,
                ">>" if (0..128).contains(&b) => a >> b,
                "&" => a & b,
                "|" => a | b,
                _ => return None,
            };
            (v.abs() < big).then_some(v)
        }
        _ => None,
    }
}

impl<'a> Lower<'a> {
    /// A constant integer expression, the file's constants included.
    pub(super) fn cst(&self, e: &Expr) -> Option<i128> {
        constant(e, &self.consts)
    }

    pub(super) fn err(&mut self, pos: Pos, msg: impl Into<String>) {
        self.errors.push(GoError::at(pos, msg));
    }

    pub(super) fn not_simulated(&mut self, pos: Pos, what: &str) {
        self.err(pos, format!("{what} is not simulated (see the Go subset in ARCHITECTURE.md)"));
    }

    /// The scenario's name for a Go identifier (the directive's `names`, or itself).
    fn name(&self, ident: &str) -> String {
        match self.names.get(ident) {
            Some(Value::String(s)) => s.clone(),
            _ => ident.to_string(),
        }
    }

    fn directives(&mut self, dirs: &[super::lexer::Directive]) {
        for d in dirs {
            if d.name != "scenario" {
                self.err(d.pos, format!("unknown directive //gmp:{} (only //gmp:scenario is read)", d.name));
                continue;
            }
            match crate::core::scenario::json_value(&d.text) {
                Ok(Value::Object(m)) => {
                    for (k, v) in m {
                        match k.as_str() {
                            "names" => match v {
                                Value::Object(n) => self.names = n,
                                _ => self.err(d.pos, "//gmp:scenario: names must be an object"),
                            },
                            "name" | "description" | "seed" | "go" | "actions" | "costs" => {
                                self.places.push((k.clone(), d.pos));
                                self.meta.insert(k, v);
                            }
                            other => self.err(d.pos, format!("//gmp:scenario: unknown field {other:?}")),
                        }
                    }
                }
                Ok(_) => self.err(d.pos, "//gmp:scenario: expected a JSON object"),
                Err(e) => self.err(d.pos, format!("//gmp:scenario: {e}")),
            }
        }
    }

    /// Declarations; returns main's ops.
    fn file_level(&mut self) -> Vec<Value> {
        let file = self.file;
        if file.package.0 != "main" {
            self.err(file.package.1, format!("package {} is not a main package", file.package.0));
        }
        let mut scope = Scope::new();
        let mut main = None;
        for d in &file.decls {
            match d {
                Decl::Var(v) => self.package_var(v, &mut scope),
                Decl::Const(specs) => self.const_group(specs, &mut scope),
                Decl::Other { kind: "type", name, .. } if name == "netConn" => {}
                Decl::Other { pos, kind, .. } => self.not_simulated(*pos, &format!("a {kind} declaration")),
                Decl::Func(f) => {
                    if let Some(r) = &f.recv {
                        if !(r == "netConn" && f.name == "close") {
                            self.not_simulated(f.pos, "a method");
                        }
                    } else if f.name == "main" {
                        if main.is_some() {
                            self.err(f.pos, "main redeclared in this block");
                        }
                        main = Some(f);
                        self.places.push(("main".into(), f.pos));
                    } else if super::parser::HELPERS.contains(&f.name.as_str()) && f.body.is_none() {
                    } else if self.decls.insert(f.name.clone(), f).is_some() {
                        self.err(f.pos, format!("{} redeclared in this block", f.name));
                    } else if f.results {
                        self.not_simulated(f.pos, "a function with results");
                    }
                }
            }
        }
        // Funcs without parameters, or with value parameters only, are scenario funcs in
        // declaration order, used or not (so that export's order reads back the same).
        for d in &file.decls {
            if let Decl::Func(f) = d {
                if f.recv.is_none() && f.name != "main" && f.body.is_some() && value_params(f) && !f.results {
                    self.funcs.push((self.name(&f.name), None));
                    self.places.push((format!("funcs.{}", self.name(&f.name)), f.pos));
                }
            }
        }
        for d in &file.decls {
            if let Decl::Func(f) = d {
                if f.recv.is_none() && f.name != "main" && value_params(f) && !f.results {
                    if let Some(body) = &f.body {
                        let saved = std::mem::take(&mut self.body_vars);
                        let mut inner = scope.clone();
                        for p in f.params.iter().filter(|p| !p.name.is_empty() && p.name != "_") {
                            self.declare_var(&p.name, &mut inner);
                        }
                        let ops = self.func_body(&f.name, body, &inner);
                        self.body_vars = saved;
                        let name = self.name(&f.name);
                        if let Some(slot) = self.funcs.iter_mut().find(|(n, _)| *n == name) {
                            slot.1 = Some(ops);
                        }
                    }
                }
            }
        }
        match main {
            Some(f) => {
                if !f.params.is_empty() || f.results {
                    self.err(f.pos, "func main must have no arguments and no return values");
                }
                let mut scope = scope.clone();
                let body = f.body.as_deref().unwrap_or_default();
                let mut ops = Vec::new();
                let mut deferred = Vec::new();
                self.body_vars.clear();
                self.block(&body, "main", &mut scope, &mut ops, &mut deferred, true);
                ops.extend(deferred.into_iter().rev());
                let read = values::reads(&ops);
                values::prune(&mut ops, &read);
                ops
            }
            None => {
                self.errors.push(GoError { pos: None, message: "function main is undeclared in the main package".into() });
                Vec::new()
            }
        }
    }

    /// `make(chan T[, n])`: its capacity and element type.
    fn make_chan(&mut self, e: &Expr) -> Option<Result<(u64, Ty), ()>> {
        let Expr::Call { fun, args, .. } = strip(e) else { return None };
        let Some(Expr::Type(tpos, Type::Chan(elem))) = args.first() else { return None };
        if callee(fun).as_deref() != Some("make") {
            return None;
        }
        let ty = match &**elem {
            Type::Name(n) => Ty::from_go_name(n),
            Type::Struct(true) => Some(Ty::Unit),
            Type::Other("interface") => Some(Ty::Any),
            _ => None,
        };
        // Reported, and declared anyway so that its uses are not reported too.
        let ty = ty.unwrap_or_else(|| {
            self.not_simulated(*tpos, "a channel of this element type (chan int, chan string, chan struct{} and chan any are)");
            Ty::Unknown
        });
        match args.len() {
            1 => Some(Ok((0, ty))),
            2 => match self.cst(&args[1]) {
                Some(n) if (0..=1_000_000).contains(&n) => Some(Ok((n as u64, ty))),
                _ => {
                    self.err(args[1].pos(), "a channel's capacity must be a constant from 0 to 1000000");
                    Some(Err(()))
                }
            },
            _ => {
                self.err(e.pos(), "make(chan T) takes at most a capacity");
                Some(Err(()))
            }
        }
    }

    fn declare_chan(&mut self, ident: &str, pos: Pos, (cap, ty): (u64, Ty), scope: &mut Scope) {
        let name = self.name(ident);
        if self.chans.iter().any(|(n, ..)| *n == name) {
            self.err(pos, format!("a second channel named {ident}: each make(chan) must have its own name"));
            return;
        }
        self.chans.push((name.clone(), cap, ty));
        self.places.push((format!("chans.{name}"), pos));
        scope.insert(ident.to_string(), Bind::Chan(name));
    }

    fn declare_wg(&mut self, ident: &str, pos: Pos, scope: &mut Scope) {
        let name = self.name(ident);
        if self.wgs.contains(&name) {
            self.err(pos, format!("a second WaitGroup named {ident}: each must have its own name"));
            return;
        }
        self.wgs.push(name.clone());
        scope.insert(ident.to_string(), Bind::Wg(name));
    }

    fn var_spec(&mut self, v: &VarSpec, scope: &mut Scope, top: bool) {
        if v.names.len() != 1 {
            self.not_simulated(v.pos, "declaring several variables at once");
            return;
        }
        let ident = &v.names[0];
        match (&v.ty, v.values.first()) {
            (Some(Type::Name(t)), None) if t == "sync.WaitGroup" => self.declare_wg(ident, v.pos, scope),
            (Some(Type::Name(t)), None) if t == "netConn" && !top => {
                scope.insert(ident.clone(), Bind::Conn);
            }
            (_, Some(e)) if v.values.len() == 1 => match self.make_chan(e) {
                Some(Ok(c)) => self.declare_chan(ident, v.pos, c, scope),
                Some(Err(())) => {}
                None if top && HELPER_VARS.contains(&ident.as_str()) => {}
                None if !top && self.cst(e).is_some() || matches!(strip(e), Expr::Str(..)) => {
                    if let Some(a) = self.operand(e, scope, None) {
                        scope.insert(ident.clone(), Bind::Val(a));
                    }
                }
                None => self.not_simulated(v.pos, &format!("the variable {ident}")),
            },
            (Some(Type::Struct(true)), None) if !top => {
                self.declare_var(ident, scope);
            }
            (Some(Type::Name(t)), None) if !top && (t == "int" || t == "string" || t == "any") => {
                self.declare_var(ident, scope);
            }
            _ if top && HELPER_VARS.contains(&ident.as_str()) => {}
            _ => self.not_simulated(v.pos, &format!("the variable {ident}")),
        }
    }

    fn package_var(&mut self, v: &VarSpec, scope: &mut Scope) {
        self.var_spec(v, scope, true);
    }

    /// The ops of a func's body, with its deferred calls at the end.
    fn func_body(&mut self, fname: &str, body: &[Stmt], scope: &Scope) -> Vec<Value> {
        let mut scope = scope.clone();
        let mut ops = Vec::new();
        let mut deferred = Vec::new();
        self.block(body, fname, &mut scope, &mut ops, &mut deferred, true);
        ops.extend(deferred.into_iter().rev());
        if self.inlining.is_empty() {
            let read = values::reads(&ops);
                values::prune(&mut ops, &read);
        }
        ops
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn block(&mut self, stmts: &[Stmt], fname: &str, scope: &mut Scope, ops: &mut Vec<Value>, deferred: &mut Vec<Value>, top: bool) {
        for s in stmts {
            self.stmt(s, fname, scope, ops, deferred, top);
        }
    }

    pub(super) fn chan_of(&mut self, e: &Expr, scope: &Scope) -> Option<String> {
        if let Expr::Ident(_, n) = strip(e) {
            if let Some(Bind::Chan(c)) = scope.get(n) {
                return Some(c.clone());
            }
        }
        self.err(e.pos(), "expected a channel made with make(chan T) (a name in scope)");
        None
    }

    fn wg_of(&mut self, e: &Expr, scope: &Scope) -> Option<String> {
        let inner = match strip(e) {
            Expr::Unary(_, "&", x) => strip(x),
            x => x,
        };
        if let Expr::Ident(_, n) = inner {
            if let Some(Bind::Wg(w)) = scope.get(n) {
                return Some(w.clone());
            }
        }
        self.err(e.pos(), "expected a sync.WaitGroup (a name in scope)");
        None
    }

    fn duration(&mut self, e: &Expr) -> Option<u64> {
        match self.cst(e) {
            Some(n) if (0..=3_600_000_000_000).contains(&n) => Some(n as u64),
            Some(_) => {
                self.err(e.pos(), "a duration must be from 0 to 1 hour");
                None
            }
            None => {
                self.err(e.pos(), "a duration must be a constant (such as 5 * time.Millisecond)");
                None
            }
        }
    }

    pub(super) fn count(&mut self, e: &Expr, what: &str) -> Option<u64> {
        match self.cst(e) {
            Some(n) if (0..=1_000_000_000).contains(&n) => Some(n as u64),
            _ => {
                self.err(e.pos(), format!("{what} must be a constant from 0 to 1000000000"));
                None
            }
        }
    }

    /// `op1 x` for a receive expression `<-ch`.
    fn recv(&mut self, e: &Expr, scope: &Scope) -> Option<Value> {
        if let Expr::Unary(_, "<-", ch) = strip(e) {
            return Some(match self.chan_of(ch, scope) {
                Some(c) => one("recv", Value::String(c)),
                None => Value::Null,
            });
        }
        None
    }

    fn push(ops: &mut Vec<Value>, op: Option<Value>) {
        if let Some(op) = op {
            if !op.is_null() {
                ops.push(op);
            }
        }
    }

    /// A statement's ops, each tagged with the statement's place for the source map (ops of
    /// nested statements keep their own).
    fn stmt(&mut self, s: &Stmt, fname: &str, scope: &mut Scope, ops: &mut Vec<Value>, deferred: &mut Vec<Value>, top: bool) {
        let (o, d) = (ops.len(), deferred.len());
        self.stmt_ops(s, fname, scope, ops, deferred, top);
        if let Some(pos) = stmt_pos(s) {
            source_map::tag(&mut ops[o..], pos);
            source_map::tag(&mut deferred[d..], pos);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn stmt_ops(&mut self, s: &Stmt, fname: &str, scope: &mut Scope, ops: &mut Vec<Value>, deferred: &mut Vec<Value>, top: bool) {
        match s {
            Stmt::Const(specs) => self.const_group(specs, scope),
            Stmt::Vars(specs) => specs.iter().for_each(|v| self.var_spec(v, scope, false)),
            Stmt::Empty => {}
            Stmt::Block(b) => {
                let mut inner = scope.clone();
                let names = self.body_vars.clone();
                self.block(b, fname, &mut inner, ops, deferred, top);
                self.body_vars = names;
            }
            Stmt::Unsupported { pos, what } => self.not_simulated(*pos, &format!("a {what}")),
            Stmt::Expr(e) => {
                if let Some(op) = self.recv(e, scope) {
                    Self::push(ops, Some(op));
                } else if let Expr::Call { .. } = strip(e) {
                    self.call(e, fname, scope, ops);
                } else {
                    self.err(e.pos(), "an expression statement that is not a call or a receive is not simulated");
                }
            }
            Stmt::Send { ch, value, .. } => self.send(ch, value, scope, ops),
            Stmt::Assign { pos, lhs, op, rhs } => {
                let idents: Option<Vec<&String>> = lhs.iter().map(|e| if let Expr::Ident(_, n) = e { Some(n) } else { None }).collect();
                match (idents, *op, rhs.as_slice()) {
                    (Some(ids), op @ (":=" | "="), [e]) if ids.len() <= 2 && matches!(strip(e), Expr::Unary(_, "<-", _)) => {
                        self.recv_assign(&ids, op == ":=", e, scope, ops);
                    }
                    (Some(ids), ":=", [e]) if ids.len() == 1 => match self.make_chan(e) {
                        Some(Ok(c)) => self.declare_chan(ids[0], lhs[0].pos(), c, scope),
                        Some(Err(())) => {}
                        None if self.cst(e).is_some() || matches!(strip(e), Expr::Str(..)) => {
                            if let Some(a) = self.operand(e, scope, None) {
                                scope.insert(ids[0].clone(), Bind::Val(a));
                            }
                        }
                        None => self.not_simulated(*pos, "this assignment"),
                    },
                    (Some(ids), "=", [e]) if ids.iter().all(|i| *i == "_") && self.plain_value(e, scope) => {}
                    _ => self.not_simulated(*pos, "an assignment"),
                }
            }
            Stmt::IncDec { pos, .. } => self.not_simulated(*pos, "an increment outside a for clause"),
            Stmt::Var(v) => self.var_spec(v, scope, false),
            Stmt::If { pos, init, cond, .. } => {
                let trace_flag = init.is_none() && matches!(strip(cond), Expr::Unary(_, "*", x) if matches!(strip(x), Expr::Ident(_, n) if n == "traceFlag"));
                if !trace_flag {
                    self.not_simulated(*pos, "an if statement");
                }
            }
            Stmt::Go { pos, call } => {
                let op = self.go_stmt(*pos, call, fname, scope);
                Self::push(ops, op);
            }
            Stmt::Defer { pos, call } => {
                let Expr::Call { fun, args, .. } = strip(call) else {
                    self.err(*pos, "expression in defer must be function call");
                    return;
                };
                if let Expr::Selector(_, x, m) = strip(fun) {
                    if m == "close" && matches!(strip(x), Expr::Ident(_, n) if matches!(scope.get(n), Some(Bind::Conn))) {
                        return;
                    }
                    if m == "Done" && args.is_empty() {
                        if !top {
                            self.not_simulated(*pos, "a defer inside a loop or block");
                            return;
                        }
                        if let Some(w) = self.wg_of(x, scope) {
                            deferred.push(one("done", Value::String(w)));
                        }
                        return;
                    }
                }
                if !top {
                    self.not_simulated(*pos, "a defer inside a loop or block");
                    return;
                }
                let mut d = Vec::new();
                self.call(call, fname, scope, &mut d);
                deferred.extend(d.into_iter().rev());
            }
            Stmt::For { pos, head, body } => {
                // The loop's variables are free again after it.
                let names = self.body_vars.clone();
                self.for_stmt(*pos, head, body, fname, scope, ops);
                self.body_vars = names;
            }
        }
    }

    fn plain_value(&self, e: &Expr, scope: &Scope) -> bool {
        match strip(e) {
            Expr::Int(..) | Expr::Str(..) | Expr::Lit(..) => true,
            Expr::Composite(_, Type::Struct(true)) => true,
            Expr::Ident(_, n) => scope.contains_key(n) || matches!(n.as_str(), "true" | "false" | "nil"),
            x => self.cst(x).is_some(),
        }
    }

    /// The scenario func that `f(args)` runs in a new goroutine (instantiated if needed).
    /// The `go` op that starts it, with the variables the new goroutine gets (`args`).
    fn instance(&mut self, pos: Pos, fun: &Expr, args: &[Expr], fname: &str, scope: &Scope, then_done: Option<&str>) -> Option<Value> {
        let saved = std::mem::take(&mut self.body_vars);
        let mut go_args = Map::new();
        let name = self.instance_in(pos, fun, args, fname, scope, then_done, &mut go_args);
        self.body_vars = saved;
        let name = name?;
        // Only what the new goroutine reads.
        if let Some((_, Some(ops))) = self.funcs.iter().find(|(n, _)| *n == name) {
            let read = values::reads(ops);
            go_args.retain(|k, _| read.contains_key(k));
        }
        Some(if go_args.is_empty() { one("go", Value::String(name)) } else { one("go", obj(&mut [("func", Value::String(name)), ("args", Value::Object(go_args))])) })
    }

    #[allow(clippy::too_many_arguments)]
    fn instance_in(&mut self, pos: Pos, fun: &Expr, args: &[Expr], fname: &str, scope: &Scope, then_done: Option<&str>, go_args: &mut Map<String, Value>) -> Option<String> {
        match strip(fun) {
            Expr::FuncLit { params, body, .. } => {
                let k = self.lits.entry(fname.to_string()).or_insert(0);
                *k += 1;
                let mut name = format!("{fname}.func{k}");
                if then_done.is_some() && !args.is_empty() {
                    self.err(pos, "wg.Go takes a func()");
                    return None;
                }
                let mut inner = scope.clone();
                // The variables it captures: the creator's, passed by value as the go runs
                // (loop variables are per iteration, as in Go 1.22).
                let captured: Vec<String> = scope
                    .values()
                    .filter_map(|b| if let Bind::Val(Arg::Var(v)) = b { Some(v.clone()) } else { None })
                    .collect();
                for c in &captured {
                    self.body_vars.insert(c.clone(), ());
                }
                if !self.bind_params(pos, params, args, scope, &mut inner, Some(go_args)) {
                    return None;
                }
                while self.funcs.iter().any(|(n, _)| *n == name) {
                    name.push('_');
                }
                let idx = self.funcs.len();
                self.funcs.push((name.clone(), None));
                self.places.push((format!("funcs.{name}"), pos));
                let mut ops = self.func_body(&name, body, &inner);
                let read = values::reads(&ops);
                for c in captured.into_iter().filter(|c| read.contains_key(c)) {
                    go_args.insert(c.clone(), one("var", s(&c)));
                }
                if let Some(w) = then_done {
                    ops.push(one("done", s(w)));
                }
                self.funcs[idx].1 = Some(ops);
                Some(name)
            }
            Expr::Ident(_, f) => {
                let Some(decl) = self.decls.get(f).copied() else {
                    self.err(pos, format!("{f} is not a function declared in this file"));
                    return None;
                };
                let body = decl.body.as_deref().unwrap_or_default();
                let mut bound = self.package_scope();
                if !self.bind_params(pos, &decl.params, args, scope, &mut bound, Some(go_args)) {
                    return None;
                }
                let mut key = self.name(f);
                let binding: Vec<String> = decl
                    .params
                    .iter()
                    .filter_map(|p| match bound.get(&p.name) {
                        Some(Bind::Chan(c)) => Some(c.clone()),
                        Some(Bind::Wg(w)) => Some(format!("&{w}")),
                        _ => None,
                    })
                    .collect();
                if !binding.is_empty() {
                    key = format!("{key}({})", binding.join(", "));
                }
                if let Some(w) = then_done {
                    key = format!("{key}+{w}.Done");
                }
                if !self.funcs.iter().any(|(n, _)| *n == key) {
                    self.funcs.push((key.clone(), None));
                    self.places.push((format!("funcs.{key}"), decl.pos));
                    let idx = self.funcs.len() - 1;
                    let mut ops = self.func_body(f, &body, &bound);
                    if let Some(w) = then_done {
                        ops.push(one("done", s(w)));
                    }
                    self.funcs[idx].1 = Some(ops);
                }
                Some(key)
            }
            other => {
                self.err(other.pos(), "a go statement must call a function declared in this file or a function literal");
                None
            }
        }
    }

    /// The names every func sees: package-level channels and WaitGroups.
    fn package_scope(&mut self) -> Scope {
        let mut s = Scope::new();
        for (k, a) in self.consts.iter() {
            s.insert(k.clone(), Bind::Val(a.clone()));
        }
        for d in &self.file.decls {
            if let Decl::Var(v) = d {
                if let Some(ident) = v.names.first() {
                    let name = self.name(ident);
                    if self.chans.iter().any(|(n, ..)| *n == name) {
                        s.insert(ident.clone(), Bind::Chan(name));
                    } else if self.wgs.contains(&name) {
                        s.insert(ident.clone(), Bind::Wg(name));
                    }
                }
            }
        }
        s
    }

    /// Binds `params` to `args` in `inner`; with `go_args`, for a new goroutine (value
    /// parameters become its variables, set by the `go` op), else for an inlined call.
    fn bind_params(&mut self, pos: Pos, params: &[Param], args: &[Expr], scope: &Scope, inner: &mut Scope, mut go_args: Option<&mut Map<String, Value>>) -> bool {
        if params.len() != args.len() {
            self.err(pos, format!("wrong number of arguments: have {}, want {}", args.len(), params.len()));
            return false;
        }
        let mut ok = true;
        for (p, a) in params.iter().zip(args) {
            let b = match &p.ty {
                Type::Chan(_) => self.chan_of(a, scope).map(Bind::Chan),
                Type::Pointer(t) if matches!(&**t, Type::Name(n) if n == "sync.WaitGroup") => self.wg_of(a, scope).map(Bind::Wg),
                Type::Name(t) if t == "int" || t == "string" || t == "any" => {
                    if !self.value_param(p, a, scope, inner, go_args.as_deref_mut()) {
                        ok = false;
                    }
                    continue;
                }
                Type::Other("interface") | Type::Struct(true) => {
                    if !self.value_param(p, a, scope, inner, go_args.as_deref_mut()) {
                        ok = false;
                    }
                    continue;
                }
                _ => {
                    self.not_simulated(p.pos, "a parameter of this type (int, string, any, chan T and *sync.WaitGroup are)");
                    None
                }
            };
            match b {
                Some(b) if !p.name.is_empty() && p.name != "_" => {
                    inner.insert(p.name.clone(), b);
                }
                Some(_) => {}
                None => ok = false,
            }
        }
        ok
    }

    fn go_stmt(&mut self, pos: Pos, call: &Expr, fname: &str, scope: &Scope) -> Option<Value> {
        let Expr::Call { fun, args, .. } = strip(call) else {
            self.err(pos, "expression in go must be function call");
            return None;
        };
        self.instance(pos, fun, args, fname, scope, None)
    }

    fn call(&mut self, e: &Expr, fname: &str, scope: &Scope, ops: &mut Vec<Value>) {
        let Expr::Call { pos, fun, args, .. } = strip(e) else { return };
        let pos = *pos;
        let name = callee(fun).unwrap_or_default();
        let arity = |l: &mut Self, n: usize| {
            if args.len() != n {
                l.err(pos, format!("{name} takes {n} argument{}", if n == 1 { "" } else { "s" }));
                false
            } else {
                true
            }
        };
        // A method call on a WaitGroup in scope.
        if let Expr::Selector(_, x, m) = strip(fun) {
            if let Expr::Ident(_, w) = strip(x) {
                if let Some(Bind::Wg(wg)) = scope.get(w).cloned() {
                    match m.as_str() {
                        "Add" if arity(self, 1) => match self.cst(&args[0]) {
                            Some(n) if n.abs() <= 1_000_000_000 => ops.push(one("add", obj(&mut [("wg", s(&wg)), ("n", Value::from(n as i64))]))),
                            _ => self.err(args[0].pos(), "wg.Add takes a constant from -1000000000 to 1000000000"),
                        },
                        "Done" if arity(self, 0) => ops.push(one("done", s(&wg))),
                        "Wait" if arity(self, 0) => ops.push(one("wait", s(&wg))),
                        "Go" if arity(self, 1) => {
                            if let Some(g) = self.instance(pos, &args[0], &[], fname, scope, Some(&wg)) {
                                ops.push(one("add", obj(&mut [("wg", s(&wg)), ("n", Value::from(1))])));
                                ops.push(g);
                            }
                        }
                        "Add" | "Done" | "Wait" | "Go" => {}
                        other => self.not_simulated(pos, &format!("WaitGroup.{other}")),
                    }
                    return;
                }
            }
        }
        let meta_actions = self.meta.contains_key("actions");
        match name.as_str() {
            n if IGNORED_CALLS.contains(&n) => {}
            "time.AfterFunc" if meta_actions && fname == "main" => {}
            "work" | "blockingSyscall" | "time.Sleep" => {
                if arity(self, 1) {
                    if let Some(d) = self.duration(&args[0]) {
                        let k = match name.as_str() {
                            "work" => "work",
                            "blockingSyscall" => "syscall",
                            _ => "sleep",
                        };
                        ops.push(one(k, Value::from(d)));
                    }
                }
            }
            "netWait" => {
                if arity(self, 2) {
                    if let Some(d) = self.duration(&args[1]) {
                        ops.push(one("net", Value::from(d)));
                    }
                }
            }
            "spawn" => {
                if arity(self, 1) {
                    let decls = &self.decls;
                    let g = match values::spawned_call(&args[0], &|n| decls.contains_key(n)) {
                        // What export writes for `go f(args)`.
                        Some((fun, call_args)) => self.instance(pos, fun, call_args, fname, scope, None),
                        None => self.instance(pos, &args[0], &[], fname, scope, None),
                    };
                    Self::push(ops, g);
                }
            }
            "runtime.Gosched" if arity(self, 0) => ops.push(s("gosched")),
            "runtime.LockOSThread" if arity(self, 0) => ops.push(s("lock_os_thread")),
            "runtime.UnlockOSThread" if arity(self, 0) => ops.push(s("unlock_os_thread")),
            "runtime.GOMAXPROCS" if arity(self, 1) => match self.cst(&args[0]) {
                Some(n) if (1..=1024).contains(&n) => {
                    if fname == "main" && ops.is_empty() && self.start_gomaxprocs.is_none() && self.inlining.is_empty() {
                        self.start_gomaxprocs = Some(n as u64);
                    } else {
                        ops.push(one("gomaxprocs", Value::from(n as u64)));
                    }
                }
                _ => self.err(args[0].pos(), "runtime.GOMAXPROCS takes a constant from 1 to 1024"),
            },
            "close" if arity(self, 1) => {
                if let Some(c) = self.chan_of(&args[0], scope) {
                    ops.push(one("close", Value::String(c)));
                }
            }
            "fmt.Println" | "fmt.Printf" | "fmt.Print" => {
                let dots = matches!(strip(e), Expr::Call { dots: true, .. });
                self.print_call(pos, &name, args, dots, scope, ops);
            }
            f if self.decls.contains_key(f) => {
                // A plain call runs the function's body on the same goroutine.
                if self.inlining.iter().any(|x| x == f) || self.inlining.len() >= MAX_INLINE {
                    self.not_simulated(pos, "a recursive call");
                    return;
                }
                let Some(decl) = self.decls.get(f).copied() else { return };
                let mut bound = self.package_scope();
                if !self.bind_params(pos, &decl.params, args, scope, &mut bound, None) {
                    return;
                }
                self.inlining.push(f.to_string());
                let body = decl.body.as_deref().unwrap_or_default();
                let inner = self.func_body(fname, &body, &bound);
                self.inlining.pop();
                ops.extend(inner);
            }
            "" => self.not_simulated(pos, "this call"),
            "runtime.Gosched" | "runtime.LockOSThread" | "runtime.UnlockOSThread" | "runtime.GOMAXPROCS" | "close" => {}
            other => self.not_simulated(pos, &format!("a call of {other}")),
        }
    }
}

/// Where a statement starts, for the source map.
fn stmt_pos(s: &Stmt) -> Option<Pos> {
    match s {
        Stmt::Expr(e) => Some(e.pos()),
        Stmt::Send { pos, .. } | Stmt::Go { pos, .. } | Stmt::Defer { pos, .. } | Stmt::Assign { pos, .. } => Some(*pos),
        Stmt::IncDec { pos, .. } | Stmt::For { pos, .. } | Stmt::If { pos, .. } | Stmt::Unsupported { pos, .. } => Some(*pos),
        Stmt::Var(v) => Some(v.pos),
        Stmt::Const(v) | Stmt::Vars(v) => v.first().map(|v| v.pos),
        Stmt::Block(_) | Stmt::Empty => None,
    }
}

/// Whether every parameter of `f` is a value (int, string, any, struct{}): such a func is one
/// scenario func, whatever its arguments.
fn value_params(f: &FuncDecl) -> bool {
    f.params.iter().all(|p| match &p.ty {
        Type::Name(t) => matches!(t.as_str(), "int" | "string" | "any"),
        Type::Other("interface") | Type::Struct(true) => true,
        _ => false,
    })
}
