//! Where each op of an imported scenario came from in the Go source, and the line each
//! goroutine is on: what the page highlights as a run steps.
//!
//! [`super::import_with_map`] returns, beside the scenario, a [`SourceMap`]: for every op's
//! place in the scenario document (`main[2]`, `funcs.worker[0].repeat.body[1]`, the places
//! that [`crate::core::program::Body::places`] and [`GState::op`] name) the position of the Go
//! statement it stands for, and for every func the position of its declaration.
//! [`SourceMap::goroutine_line`] reads a goroutine's snapshot ([`GState`]: its body and
//! program counter) and gives its line: the op it is blocked in or in a syscall on, else
//! the op it runs or will run next. An op written in a function that was inlined (a plain
//! call) has the place of the line inside that function.
//!
//! While lowering, each op (a JSON value) carries its statement's position in an `"@pos"`
//! key ([`tag`]); [`untag`] takes the keys off and records the places.

use super::error::Pos;
use crate::core::ids::GId;
use crate::core::program::Program;
use crate::core::sim::{GState, GStatus, SimState};
use super::op_json::obj;
use serde_json::Value;
use super::names::Names;

/// The source positions of an imported scenario's ops and funcs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceMap {
    /// Op place in the document (`main[2]`) → the Go statement's position.
    pub(crate) ops: Names<Pos>,
    /// Func name in the scenario (and `main`) → the position of its declaration (or
    /// function literal).
    pub(crate) funcs: Names<Pos>,
}

impl SourceMap {
    /// The Go line the op at `place` came from.
    pub fn line_of(&self, place: &str) -> Option<u32> {
        self.ops.get(place).map(|p| p.line)
    }

    /// The Go line goroutine `g` is on in a snapshot, for program `prog` (compiled from the
    /// imported scenario): the op it is blocked in (waiting or in a syscall), else the op at
    /// its program counter; `None` for a goroutine that is dead or has no op left.
    pub fn goroutine_line(&self, prog: &Program, g: &GState) -> Option<u32> {
        if g.status == GStatus::Dead {
            return None;
        }
        let body = prog.bodies.iter().find(|b| b.name == g.func)?;
        let pc = match g.status {
            GStatus::Waiting | GStatus::Syscall if g.pc > 0 => g.pc - 1,
            _ => g.pc,
        };
        match body.places.get(pc as usize) {
            Some(place) => self.line_of(place),
            // Past its last op: on the function's closing line is unknown, so its declaration.
            None => self.funcs.get(&body.name).map(|p| p.line),
        }
    }

    /// The line of every live goroutine of a snapshot taken with its goroutines
    /// (`Sim::snapshot(true)`), in goroutine order.
    pub fn goroutine_lines(&self, prog: &Program, state: &SimState) -> Vec<(GId, u32)> {
        state.gs.iter().filter_map(|g| self.goroutine_line(prog, g).map(|l| (g.id, l))).collect()
    }
}

/// Tags every op of `ops` that has no position yet with `pos`.
pub(super) fn tag(ops: &mut [Value], pos: Pos) {
    for op in ops {
        let at = Value::Array(vec![Value::from(pos.line), Value::from(pos.col)]);
        match op {
            Value::Object(m) => {
                m.entry("@pos").or_insert(at);
            }
            Value::String(s) => *op = obj(&mut [("@op", Value::String(s.clone())), ("@pos", at)]),
            _ => {}
        }
    }
}

/// Takes the tags off `ops` (the body at `place`), recording each op's place and position.
pub(super) fn untag(ops: &mut [Value], place: &str, out: &mut Names<Pos>) {
    for (i, op) in ops.iter_mut().enumerate() {
        let here = format!("{place}[{i}]");
        let Value::Object(m) = op else { continue };
        if let Some(Value::Array(p)) = m.remove("@pos") {
            let n = |k: usize| p.get(k).and_then(Value::as_u64).unwrap_or(0) as u32;
            out.insert(here.clone(), Pos { line: n(0), col: n(1) });
        }
        if let Some(Value::String(s)) = m.remove("@op") {
            *op = Value::String(s);
            continue;
        }
        for key in ["repeat", "range"] {
            if let Some(Value::Array(body)) = m.get_mut(key).and_then(|r| r.get_mut("body")) {
                untag(body, &format!("{here}.{key}.body"), out);
            }
        }
    }
}
