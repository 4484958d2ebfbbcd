//! Reading the ops that carry values (the version-1 extension for Go programs, `FORMAT.md`):
//! `print`, `send` and `recv` in their object forms, `range`, a `go` with `args` and a
//! `repeat` with a loop variable.

use super::*;
use crate::core::scenario::Arg;

/// Longest string constant or `print` format, in bytes.
pub(super) const MAX_TEXT_BYTES: usize = 4_000;
/// Most arguments of one `print` or one `go`.
pub(super) const MAX_ARGS: usize = 64;

impl Checker {
    /// An argument: an integer, a string, or `{"var": NAME}`.
    pub(super) fn arg(&mut self, v: &Value, place: &str) -> Option<Arg> {
        match v {
            Value::Number(_) => self.int(v, place, i128::from(i64::MIN), i128::from(i64::MAX)).map(|n| Arg::Int(n as i64)),
            Value::String(s) if s.len() > MAX_TEXT_BYTES => {
                self.say(place, format!("a string constant may have at most {MAX_TEXT_BYTES} bytes"));
                None
            }
            Value::String(s) => Some(Arg::Str(s.clone())),
            Value::Object(m) if m.len() == 1 && m.contains_key("var") => self.var_name(&m["var"], &join(place, "var")).map(Arg::Var),
            other => {
                self.say(place, format!(r#"expected a value (an integer, a string or {{"var": NAME}}), found {}"#, describe(other)));
                None
            }
        }
    }

    /// A goroutine variable's name: a Go identifier.
    pub(super) fn var_name(&mut self, v: &Value, place: &str) -> Option<String> {
        let name = self.string(v, place)?;
        let ok = name.chars().next().is_some_and(|c| c == '_' || c.is_alphabetic())
            && name.chars().all(|c| c == '_' || c.is_alphanumeric())
            && name.len() <= 64;
        if !ok {
            self.say(place, format!("a variable name must be an identifier (letters, digits, _), found {name:?}"));
            return None;
        }
        Some(name.to_string())
    }

    fn args(&mut self, v: &Value, place: &str) -> Option<Vec<Arg>> {
        let Value::Array(items) = v else {
            self.say(place, format!("expected an array of values, found {}", describe(v)));
            return None;
        };
        if items.len() > MAX_ARGS {
            self.say(place, format!("has {} values; the limit is {MAX_ARGS}", items.len()));
            return None;
        }
        let args: Vec<Option<Arg>> = items.iter().enumerate().map(|(i, a)| self.arg(a, &format!("{place}[{i}]"))).collect();
        args.into_iter().collect()
    }

    /// `{"print": {"args": [...]}}` (`fmt.Println`) or `{"print": {"format": F, "args": [...]}}`
    /// (`fmt.Printf`).
    pub(super) fn print(&mut self, arg: &Value, here: &str) -> Option<Op> {
        let m = self.object(arg, here, r#"{"format": TEXT, "args": [values]}"#)?;
        self.unknown_fields(m, here, &["format", "args"]);
        let format = match m.get("format") {
            None => None,
            Some(f) => {
                let place = join(here, "format");
                let f = self.string(f, &place)?;
                if f.len() > MAX_TEXT_BYTES {
                    self.say(&place, format!("a format may have at most {MAX_TEXT_BYTES} bytes"));
                    return None;
                }
                Some(f.to_string())
            }
        };
        let args = match m.get("args") {
            None => Vec::new(),
            Some(a) => self.args(a, &join(here, "args"))?,
        };
        Some(Op::Print { format, args })
    }

    /// `{"send": {"chan": C, "value": V}}`.
    pub(super) fn send_value(&mut self, arg: &Value, here: &str) -> Option<Op> {
        let m = self.object(arg, here, r#"a channel name or {"chan": NAME, "value": V}"#)?;
        self.unknown_fields(m, here, &["chan", "value"]);
        let chan = self.required(m, here, "chan").and_then(|c| self.chan(c, &join(here, "chan")));
        let value = self.required(m, here, "value").and_then(|v| self.arg(v, &join(here, "value")));
        Some(Op::SendValue { chan: chan?, value: value? })
    }

    /// `{"recv": {"chan": C, "into": NAME}}`.
    pub(super) fn recv_into(&mut self, arg: &Value, here: &str) -> Option<Op> {
        let m = self.object(arg, here, r#"a channel name or {"chan": NAME, "into": VAR}"#)?;
        self.unknown_fields(m, here, &["chan", "into"]);
        let chan = self.required(m, here, "chan").and_then(|c| self.chan(c, &join(here, "chan")));
        let var = self.required(m, here, "into").and_then(|v| self.var_name(v, &join(here, "into")));
        Some(Op::RecvInto { chan: chan?, var: var? })
    }

    /// The `"args"` of a `go` op: `{NAME: V, ...}`.
    pub(super) fn go_args(&mut self, v: &Value, here: &str) -> Option<Vec<(String, Arg)>> {
        let m = self.object(v, here, r#"{"NAME": value, ...}"#)?;
        if m.len() > MAX_ARGS {
            self.say(here, format!("has {} values; the limit is {MAX_ARGS}", m.len()));
            return None;
        }
        let mut out = Vec::new();
        let mut ok = true;
        for (k, a) in m {
            let place = join(here, k);
            let name = self.var_name(&Value::String(k.clone()), &place);
            match (name, self.arg(a, &place)) {
                (Some(n), Some(a)) => out.push((n, a)),
                _ => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// The optional `"var"` and `"from"` of a `repeat`.
    pub(super) fn loop_var(&mut self, m: &Map<String, Value>, here: &str) -> Option<Option<(String, i64)>> {
        let var = match m.get("var") {
            None => {
                if m.contains_key("from") {
                    self.say(here, r#""from" needs a "var""#);
                }
                return Some(None);
            }
            Some(v) => self.var_name(v, &join(here, "var"))?,
        };
        let from = match m.get("from") {
            None => 0,
            Some(f) => self.int(f, &join(here, "from"), -i128::from(MAX_COUNT), i128::from(MAX_COUNT))? as i64,
        };
        Some(Some((var, from)))
    }
}
