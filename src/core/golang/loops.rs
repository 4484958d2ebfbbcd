//! Loops: counted `for` clauses, `for range N` and `for v := range ch`, each with its loop
//! variable (one per iteration, as in Go 1.22+) when the body reads it.

use super::ast::*;
use super::error::Pos;
use super::lower::{strip, Bind, Lower, Scope};
use super::values;
use super::op_json::{obj, one, s};
use serde_json::{Map, Value};

impl Lower<'_> {
    pub(super) fn for_stmt(&mut self, pos: Pos, head: &ForHead, body: &Block, fname: &str, scope: &Scope, ops: &mut Vec<Value>) {
        let mut inner = scope.clone();
        // The loop variable (scenario name) and its first value, for a loop that has one.
        let mut var: Option<(String, i128)> = None;
        let n = match head {
            ForHead::Clauses { init: Some(init), cond: Some(cond), post: Some(post) } => {
                self.counted(init, cond, post, &mut inner).map(|(n, v, from)| {
                    var = Some((v, from));
                    n
                })
            }
            ForHead::Range { key, value, define, x } => {
                if let Expr::Ident(_, n) = strip(x) {
                    if let Some(Bind::Chan(c)) = scope.get(n) {
                        let c = c.clone();
                        return self.range_chan(pos, key.as_ref(), value.is_some(), *define, &c, body, fname, inner, ops);
                    }
                }
                if value.is_some() {
                    self.err(pos, "range over an int permits only one iteration variable");
                    return;
                }
                if let Some(k) = key {
                    match (k, define) {
                        (Expr::Ident(_, n), true) if n == "_" => {}
                        (Expr::Ident(_, n), true) => var = Some((self.declare_var(n, &mut inner), 0)),
                        _ => {
                            self.not_simulated(k.pos(), "a range assigning to an existing variable");
                            return;
                        }
                    }
                }
                self.count(x, "a range bound")
            }
            _ => {
                self.not_simulated(pos, "a for loop that is not counted (for i := 0; i < N; i++ or for range N) or a range over a channel");
                None
            }
        };
        let mut inner_ops = Vec::new();
        let mut deferred = Vec::new();
        self.block(body, fname, &mut inner, &mut inner_ops, &mut deferred, false);
        let Some(n) = n else { return };
        let var = var.filter(|(v, _)| values::reads(&inner_ops).contains_key(v));
        if inner_ops.len() == 1 && var.is_none() {
            if let Some(f) = inner_ops[0].get("go").and_then(|g| g.as_str()) {
                ops.push(one("go", obj(&mut [("func", s(f)), ("n", Value::from(n))])));
                return;
            }
        }
        match var {
            Some((v, 0)) => ops.push(one("repeat", obj(&mut [("n", Value::from(n)), ("var", s(&v)), ("body", Value::Array(inner_ops))]))),
            Some((v, from)) => ops.push(one("repeat", obj(&mut [("n", Value::from(n)), ("var", s(&v)), ("from", Value::from(from as i64)), ("body", Value::Array(inner_ops))]))),
            None => ops.push(one("repeat", obj(&mut [("n", Value::from(n)), ("body", Value::Array(inner_ops))]))),
        }
    }

    /// `for [v :=] range ch { body }`.
    #[allow(clippy::too_many_arguments)]
    fn range_chan(&mut self, pos: Pos, key: Option<&Expr>, two: bool, define: bool, c: &str, body: &Block, fname: &str, mut inner: Scope, ops: &mut Vec<Value>) {
        if two {
            self.err(pos, "range over a channel permits only one iteration variable");
            return;
        }
        let var = match key {
            None => None,
            Some(Expr::Ident(_, n)) if n == "_" => None,
            Some(Expr::Ident(_, n)) if define => Some(self.declare_var(n, &mut inner)),
            Some(k) => {
                self.not_simulated(k.pos(), "a range assigning to an existing variable");
                return;
            }
        };
        let mut inner_ops = Vec::new();
        let mut deferred = Vec::new();
        self.block(body, fname, &mut inner, &mut inner_ops, &mut deferred, false);
        let mut r = Map::new();
        r.insert("chan".into(), s(c));
        if let Some(v) = var {
            r.insert("var".into(), s(&v));
        }
        r.insert("body".into(), Value::Array(inner_ops));
        ops.push(one("range", Value::Object(r)));
    }

    /// The trip count of `for i := A; i < B; i++` (or `<=`, `i += 1`), declaring `i`: the
    /// count, `i`'s variable and A.
    fn counted(&mut self, init: &Stmt, cond: &Expr, post: &Stmt, scope: &mut Scope) -> Option<(u64, String, i128)> {
        let bad = |l: &mut Self, p: Pos| {
            l.not_simulated(p, "a for clause other than i := A; i < B; i++ with constants A and B");
            None
        };
        let (var, from) = match init {
            Stmt::Assign { lhs, op: ":=", rhs, .. } if lhs.len() == 1 && rhs.len() == 1 => match (&lhs[0], self.cst(&rhs[0])) {
                (Expr::Ident(_, v), Some(a)) => (v.clone(), a),
                _ => return bad(self, lhs[0].pos()),
            },
            _ => return bad(self, cond.pos()),
        };
        let (to, inclusive) = match strip(cond) {
            Expr::Binary(_, op @ ("<" | "<="), a, b) if matches!(strip(a), Expr::Ident(_, v) if *v == var) => match self.cst(b) {
                Some(b) => (b, *op == "<="),
                None => return bad(self, b.pos()),
            },
            _ => return bad(self, cond.pos()),
        };
        let step_ok = match post {
            Stmt::IncDec { x: Expr::Ident(_, v), inc: true, .. } => *v == var,
            Stmt::Assign { lhs, op: "+=", rhs, .. } => {
                matches!(lhs.as_slice(), [Expr::Ident(_, v)] if *v == var) && rhs.len() == 1 && self.cst(&rhs[0]) == Some(1)
            }
            _ => false,
        };
        if !step_ok {
            return bad(self, cond.pos());
        }
        let n = (to - from + i128::from(inclusive)).max(0);
        if n > 1_000_000_000 {
            self.err(cond.pos(), "a loop may run at most 1000000000 times");
            return None;
        }
        if from.abs() > 1_000_000_000 {
            self.err(cond.pos(), "a loop variable must start from -1000000000 to 1000000000");
            return None;
        }
        let name = self.declare_var(&var, scope);
        Some((n as u64, name, from))
    }
}
