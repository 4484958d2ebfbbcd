//! The types of a scenario's values, inferred from what flows where: a loop variable is an
//! `int`, a constant has its own type, a channel has its declared element type if it has one
//! joined with the type of the values sent on it (the empty struct for a send without a value), a variable that receives has its channel's, a
//! variable a `go` sets has its value's. Two different types make `any`.
//!
//! The simulator reads it for the value a receive gets from a closed channel (the element
//! type's zero value); `export --go` for the Go types it declares.

use super::print::Val;
use super::{Arg, Op, Scenario};
use litemap::LiteMap;

/// A value's type, as far as the scenario tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    /// Nothing says (taken as `int`).
    Unknown,
    /// `int`.
    Int,
    /// `string`.
    Str,
    /// `struct{}`.
    Unit,
    /// Values of several types: `any`.
    Any,
}

impl Ty {
    fn join(self, other: Ty) -> Ty {
        match (self, other) {
            (Ty::Unknown, t) | (t, Ty::Unknown) => t,
            (a, b) if a == b => a,
            _ => Ty::Any,
        }
    }

    /// Its name in Go (`Unknown` is `int`).
    pub fn go_name(self) -> &'static str {
        match self {
            Ty::Unknown | Ty::Int => "int",
            Ty::Str => "string",
            Ty::Unit => "struct{}",
            Ty::Any => "any",
        }
    }

    /// The type a Go name stands for (`int`, `string`, `struct{}`, `any`), if one of those.
    pub fn from_go_name(name: &str) -> Option<Ty> {
        match name {
            "int" => Some(Ty::Int),
            "string" => Some(Ty::Str),
            "struct{}" => Some(Ty::Unit),
            "any" | "interface{}" => Some(Ty::Any),
            _ => None,
        }
    }

    /// Its zero value.
    pub fn zero(self) -> Val {
        match self {
            Ty::Unknown | Ty::Int => Val::Int(0),
            Ty::Str => Val::Str(String::new()),
            Ty::Unit => Val::Unit,
            Ty::Any => Val::Nil,
        }
    }
}

/// The inferred types of a scenario.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Types {
    /// Each channel's element type, by index.
    pub chans: Vec<Ty>,
    /// Each body's variables (funcs by index, then main), by name (a few each: a sorted Vec
    /// compiles smaller than a B-tree of its own type).
    pub vars: Vec<LiteMap<String, Ty>>,
}

impl Types {
    /// Variable `v` of body `b` (a func's index, or the number of funcs for main).
    pub fn var(&self, b: usize, v: &str) -> Ty {
        self.vars.get(b).and_then(|m| m.get(v)).copied().unwrap_or(Ty::Unknown)
    }
}

/// Infers the types of `s`'s channels and variables.
pub fn infer(s: &Scenario) -> Types {
    // A channel declared with its element type (`"type"` in `chans`) starts from it.
    let mut t = Types { chans: s.chans.iter().map(|c| c.elem).collect(), vars: vec![LiteMap::new(); s.funcs.len() + 1] };
    // Each pass can only move a type up (Unknown → a type → Any): a few passes reach the end.
    for _ in 0..8 {
        let before = t.clone();
        for (b, ops) in s.funcs.iter().map(|f| &f.body).chain([&s.main]).enumerate() {
            walk(ops, b, &mut t);
        }
        if t == before {
            break;
        }
    }
    t
}

fn set(t: &mut Types, b: usize, v: &str, ty: Ty) {
    if let Some(m) = t.vars.get_mut(b) {
        match m.get_mut(v) {
            Some(e) => *e = e.join(ty),
            None => {
                m.insert(v.to_string(), Ty::Unknown.join(ty));
            }
        }
    }
}

fn set_chan(t: &mut Types, c: u32, ty: Ty) {
    if let Some(e) = t.chans.get_mut(c as usize) {
        *e = e.join(ty);
    }
}

fn of(t: &Types, b: usize, a: &Arg) -> Ty {
    match a {
        Arg::Int(_) => Ty::Int,
        Arg::Str(_) => Ty::Str,
        Arg::Var(v) => t.var(b, v),
    }
}

fn walk(ops: &[Op], b: usize, t: &mut Types) {
    for op in ops {
        match op {
            Op::Send(c) => set_chan(t, *c, Ty::Unit),
            Op::SendValue { chan, value } => set_chan(t, *chan, of(t, b, value)),
            Op::RecvInto { chan, var } => set(t, b, var, t.chans.get(*chan as usize).copied().unwrap_or(Ty::Unknown)),
            Op::Range { chan, var, body } => {
                if let Some(v) = var {
                    set(t, b, v, t.chans.get(*chan as usize).copied().unwrap_or(Ty::Unknown));
                }
                walk(body, b, t);
            }
            Op::For { var, body, .. } => {
                set(t, b, var, Ty::Int);
                walk(body, b, t);
            }
            Op::GoArgs { func, args, .. } => {
                for (k, a) in args {
                    let ty = of(t, b, a);
                    set(t, *func as usize, k, ty);
                }
            }
            Op::Print { args, .. } => {
                for a in args {
                    if let Arg::Var(v) = a {
                        set(t, b, v, Ty::Unknown);
                    }
                }
            }
            Op::Repeat { body, .. } => walk(body, b, t),
            _ => {}
        }
    }
}
