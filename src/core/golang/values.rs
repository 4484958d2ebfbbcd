//! The values a Go program prints: constants, loop variables, parameters and values received
//! from channels. Lowering gives each goroutine body its variables (`{"var": "i"}` in the
//! scenario), `fmt.Println`/`fmt.Printf` become `print` ops, `ch <- v` a send carrying `v`,
//! `v := <-ch` a receive into `v`, `for v := range ch` a `range` op, and the arguments of
//! `go f(i)` (and the variables a `go func() { ... }()` captures) the `args` of its `go` op.
//! After a body is lowered, variables nothing reads are dropped ([`prune`]), so a program
//! that prints nothing gives the same scenario as before printing existed.

use super::ast::*;
use super::error::Pos;
use super::lower::{callee, strip, Bind, Lower, Scope};
use crate::core::scenario::Arg;
use super::op_json::{obj, one, s};
use serde_json::{Map, Value};
use super::names::NameSet;

/// Go's keywords and predeclared names a variable must not take in exported Go.
const RESERVED: [&str; 8] = ["main", "fmt", "sync", "time", "runtime", "len", "any", "string"];

/// A scenario argument as JSON.
pub(super) fn arg_json(a: &Arg) -> Value {
    match a {
        Arg::Int(n) => Value::from(*n),
        Arg::Str(v) => s(v),
        Arg::Var(v) => one("var", s(v)),
    }
}

impl Lower<'_> {
    /// A fresh variable name for `ident` in the goroutine body being lowered (`i`, then `i_2`
    /// if `i` is taken).
    pub(super) fn fresh_var(&mut self, ident: &str) -> String {
        let mut name = ident.to_string();
        let mut k = 1;
        while self.body_vars.contains_key(&name) || RESERVED.contains(&name.as_str()) {
            k += 1;
            name = format!("{ident}_{k}");
        }
        self.body_vars.insert(name.clone(), ());
        name
    }

    /// Declares `ident` as a new variable of the goroutine.
    pub(super) fn declare_var(&mut self, ident: &str, scope: &mut Scope) -> String {
        let name = self.fresh_var(ident);
        scope.insert(ident.to_string(), Bind::Val(Arg::Var(name.clone())));
        name
    }

    /// A `const` declaration or group: `iota` is each spec's index, and a spec without
    /// values repeats the previous one's expressions.
    pub(super) fn const_group(&mut self, specs: &[VarSpec], scope: &mut Scope) {
        let mut prev: Option<&Vec<Expr>> = None;
        let outer = self.consts.remove("iota");
        for (i, v) in specs.iter().enumerate() {
            self.consts.insert("iota".into(), Arg::Int(i as i64));
            let values = if v.values.is_empty() { prev } else { Some(&v.values) };
            match values {
                Some(values) => self.const_spec(v, values, scope),
                None => self.err(v.pos, "missing init expr for const declaration"),
            }
            prev = values;
        }
        self.consts.remove("iota");
        if let Some(o) = outer {
            self.consts.insert("iota".into(), o);
        }
    }

    /// `const name [T] = value`: an integer or string constant.
    fn const_spec(&mut self, v: &VarSpec, values: &[Expr], scope: &mut Scope) {
        if values.len() != v.names.len() {
            self.err(v.pos, format!("assignment mismatch: {} names but {} values", v.names.len(), values.len()));
            return;
        }
        for (name, e) in v.names.iter().zip(values) {
            let a = match (self.cst(e), strip(e)) {
                (Some(n), _) if i64::try_from(n).is_ok() => Arg::Int(n as i64),
                (_, Expr::Str(_, s)) => Arg::Str(s.clone()),
                (_, Expr::Ident(_, n)) if matches!(self.consts.get(n), Some(Arg::Str(_))) => self.consts.get(n).cloned().unwrap_or(Arg::Int(0)),
                _ => {
                    self.not_simulated(e.pos(), "a constant that is not an integer or a string");
                    continue;
                }
            };
            if name == "_" {
                continue;
            }
            if let Some(old) = self.consts.get(name) {
                if *old != a {
                    self.not_simulated(v.pos, &format!("a second constant named {name} with another value"));
                    continue;
                }
            }
            self.consts.insert(name.clone(), a.clone());
            scope.insert(name.clone(), Bind::Val(a));
        }
    }

    /// What `e` stands for as a printed, sent or passed value; `ops`, if given, receives the
    /// receive a `<-ch` operand needs first. Says why not, at `e`, if it cannot.
    pub(super) fn operand(&mut self, e: &Expr, scope: &Scope, ops: Option<&mut Vec<Value>>) -> Option<Arg> {
        if let Some(n) = self.cst(e) {
            return match i64::try_from(n) {
                Ok(n) => Some(Arg::Int(n)),
                Err(_) => {
                    self.err(e.pos(), "constant overflows int");
                    None
                }
            };
        }
        match strip(e) {
            Expr::Str(_, s) => Some(Arg::Str(s.clone())),
            Expr::Ident(p, n) => match scope.get(n).or(None) {
                Some(Bind::Val(a)) => Some(a.clone()),
                _ => match self.consts.get(n) {
                    Some(a) => Some(a.clone()),
                    None => {
                        self.err(*p, format!("{n} is not a value the simulator follows (constants, loop variables, parameters and received values are)"));
                        None
                    }
                },
            },
            Expr::Unary(_, "<-", ch) => {
                let Some(ops) = ops else {
                    self.not_simulated(e.pos(), "a receive here");
                    return None;
                };
                let c = self.chan_of(ch, scope)?;
                self.temps += 1;
                let t = self.fresh_var(&format!("recv{}", self.temps));
                ops.push(one("recv", obj(&mut [("chan", Value::String(c)), ("into", s(&t))])));
                Some(Arg::Var(t))
            }
            _ => {
                self.err(e.pos(), "this expression is not simulated as a value (constants, loop variables, parameters and received values are)");
                None
            }
        }
    }

    /// `fmt.Println(args)`, `fmt.Print(args)` or `fmt.Printf(format, args)`.
    pub(super) fn print_call(&mut self, pos: Pos, name: &str, args: &[Expr], dots: bool, scope: &Scope, ops: &mut Vec<Value>) {
        if dots {
            self.not_simulated(pos, "a variadic call (...)");
            return;
        }
        let mut pre = Vec::new();
        let (format, rest) = match name {
            "fmt.Printf" => {
                let Some(f) = args.first() else {
                    self.err(pos, "not enough arguments in call to fmt.Printf");
                    return;
                };
                match self.operand(f, scope, None) {
                    Some(Arg::Str(s)) => (Some(s), &args[1..]),
                    Some(_) => {
                        self.err(f.pos(), "fmt.Printf's format must be a string constant");
                        return;
                    }
                    None => return,
                }
            }
            "fmt.Print" => {
                self.err(pos, "fmt.Print is not simulated (fmt.Println and fmt.Printf are)");
                return;
            }
            _ => (None, args),
        };
        let vals: Vec<Option<Arg>> = rest.iter().map(|a| self.operand(a, scope, Some(&mut pre))).collect();
        let Some(vals) = vals.into_iter().collect::<Option<Vec<Arg>>>() else { return };
        let mut p = Map::new();
        if let Some(f) = format {
            p.insert("format".into(), s(&f));
        }
        p.insert("args".into(), vals.iter().map(arg_json).collect());
        ops.extend(pre);
        ops.push(one("print", Value::Object(p)));
    }

    /// `ch <- v`.
    pub(super) fn send(&mut self, ch: &Expr, value: &Expr, scope: &Scope, ops: &mut Vec<Value>) {
        let plain = matches!(strip(value), Expr::Composite(_, Type::Struct(true)));
        let v = if plain { None } else { self.operand(value, scope, Some(ops)) };
        if !plain && v.is_none() {
            return;
        }
        if let Some(c) = self.chan_of(ch, scope) {
            match v {
                None => ops.push(one("send", Value::String(c))),
                Some(v) => ops.push(one("send", obj(&mut [("chan", Value::String(c)), ("value", arg_json(&v))]))),
            }
        }
    }

    /// `v := <-ch`, `v = <-ch`, `v, ok := <-ch`.
    pub(super) fn recv_assign(&mut self, ids: &[&String], define: bool, e: &Expr, scope: &mut Scope, ops: &mut Vec<Value>) {
        let Expr::Unary(_, "<-", ch) = strip(e) else { return };
        let Some(c) = self.chan_of(ch, scope) else { return };
        let target = match ids.first() {
            Some(v) if v.as_str() != "_" => match (define, scope.get(v.as_str())) {
                (false, Some(Bind::Val(Arg::Var(name)))) => Some(name.clone()),
                (false, _) => {
                    self.err(e.pos(), format!("cannot assign to {v}: not a variable the simulator follows"));
                    None
                }
                (true, _) => Some(self.declare_var(v, scope)),
            },
            _ => None,
        };
        if let Some(ok) = ids.get(1) {
            if ok.as_str() != "_" {
                scope.insert(ok.to_string(), Bind::Opaque);
            }
        }
        match target {
            Some(t) => ops.push(one("recv", obj(&mut [("chan", Value::String(c)), ("into", Value::String(t))]))),
            None => ops.push(one("recv", Value::String(c))),
        }
    }

    /// The variables a go instance's parameters set, from the call's arguments; `inner`
    /// binds each parameter (a variable of the new goroutine, or, for an inlined call, the
    /// caller's value itself).
    pub(super) fn value_param(&mut self, p: &Param, a: &Expr, scope: &Scope, inner: &mut Scope, go_args: Option<&mut Map<String, Value>>) -> bool {
        let Some(v) = self.operand(a, scope, None) else { return false };
        if p.name.is_empty() || p.name == "_" {
            return true;
        }
        match go_args {
            Some(args) => {
                let name = self.fresh_var(&p.name);
                args.insert(name.clone(), arg_json(&v));
                inner.insert(p.name.clone(), Bind::Val(Arg::Var(name)));
            }
            None => {
                inner.insert(p.name.clone(), Bind::Val(v));
            }
        }
        true
    }
}

/// The goroutine variables `ops` read (in prints, sends and `go` args).
pub(super) fn reads(ops: &[Value]) -> NameSet {
    fn walk(v: &Value, out: &mut NameSet) {
        match v {
            Value::Object(m) => {
                if let (1, Some(Value::String(n))) = (m.len(), m.get("var")) {
                    out.insert(n.clone(), ());
                    return;
                }
                for (k, x) in m {
                    if k != "into" && k != "var" {
                        walk(x, out);
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let mut out = NameSet::new();
    ops.iter().for_each(|o| walk(o, &mut out));
    out
}

/// Drops the variables of a goroutine body that nothing reads: a receive into one becomes a
/// plain receive, a range over a channel or a counted loop loses it, a `go` stops setting it.
pub(super) fn prune(ops: &mut [Value], read: &NameSet) {
    for op in ops.iter_mut() {
        let Value::Object(m) = op else { continue };
        if let Some(Value::Object(r)) = m.get_mut("recv") {
            if let Some(Value::String(v)) = r.get("into") {
                if !read.contains_key(v) {
                    let c = r.get_mut("chan").map_or(Value::Null, Value::take);
                    m.insert("recv".into(), c);
                }
            }
        }
        for key in ["range", "repeat"] {
            if let Some(Value::Object(r)) = m.get_mut(key) {
                if let Some(Value::String(v)) = r.get("var") {
                    if !read.contains_key(v) {
                        r.remove("var");
                        r.remove("from");
                    }
                }
                if let Some(Value::Array(body)) = r.get_mut("body") {
                    prune(body, read);
                }
            }
        }
    }
}

/// The callee of a `spawn(func() { f(args) })` that export writes for `go f(args)`: the call
/// inside, if the literal holds that one call of a declared function and nothing else.
pub(super) fn spawned_call<'e>(e: &'e Expr, declared: &dyn Fn(&str) -> bool) -> Option<(&'e Expr, &'e [Expr])> {
    let Expr::FuncLit { params, body, .. } = strip(e) else { return None };
    if !params.is_empty() || body.len() != 1 {
        return None;
    }
    let Stmt::Expr(call) = &body[0] else { return None };
    let Expr::Call { fun, args, dots: false, .. } = strip(call) else { return None };
    let name = callee(fun)?;
    (matches!(strip(fun), Expr::Ident(..)) && declared(&name)).then_some((fun.as_ref(), args.as_slice()))
}

/// Drops the `args` of the `go` ops in `ops` that the started func never reads
/// (`read_by(func)`); a `go` left with none is a plain `go`.
pub(super) fn prune_go_args(ops: &mut [Value], read_by: &dyn Fn(&str) -> Option<NameSet>) {
    for op in ops.iter_mut() {
        let Value::Object(m) = op else { continue };
        if let Some(Value::Object(g)) = m.get_mut("go") {
            let f = g.get("func").and_then(Value::as_str).unwrap_or_default().to_string();
            if let (Some(Value::Object(args)), Some(read)) = (g.get_mut("args"), read_by(&f)) {
                args.retain(|k, _| read.contains_key(k));
                if args.is_empty() {
                    g.remove("args");
                }
            }
            if g.len() == 1 {
                m.insert("go".into(), Value::String(f));
            }
        }
        for key in ["range", "repeat"] {
            if let Some(Value::Array(body)) = m.get_mut(key).and_then(|r| r.get_mut("body")) {
                prune_go_args(body, read_by);
            }
        }
    }
}
