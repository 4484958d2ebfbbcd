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

#[cfg(test)]
mod tests {
    use super::super::parse;
    use crate::core::scenario::{Arg, Op};
    use expect_test::{expect, Expect};

    fn check(doc: &str, want: Expect) {
        let got = match parse(doc) {
            Ok(_) => "valid".to_string(),
            Err(ps) => ps.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"),
        };
        want.assert_eq(&got);
    }

    const VALUES: &str = r#"{
  "version": 1,
  "chans": {"c": 2},
  "funcs": {"f": [{"print": {"format": "%d %s\n", "args": [{"var": "x"}, "s"]}}, {"send": {"chan": "c", "value": {"var": "x"}}}]},
  "main": [
    {"repeat": {"n": 2, "var": "i", "from": 5, "body": [{"go": {"func": "f", "args": {"x": {"var": "i"}}}}]}},
    {"range": {"chan": "c", "var": "v", "body": [{"print": {"args": [{"var": "v"}, -3]}}]}},
    {"recv": {"chan": "c", "into": "w"}},
    {"range": {"chan": "c", "body": []}}
  ]
}"#;

    #[test]
    fn reads_and_writes_values_and_prints() {
        let s = parse(VALUES).unwrap();
        assert_eq!(s.funcs[0].body[1], Op::SendValue { chan: 0, value: Arg::Var("x".into()) });
        assert!(matches!(&s.main[0], Op::For { n: 2, var, from: 5, body } if var == "i" && matches!(&body[0], Op::GoArgs { func: 0, n: 1, args } if args == &[("x".to_string(), Arg::Var("i".into()))])));
        assert!(matches!(&s.main[1], Op::Range { chan: 0, var: Some(v), .. } if v == "v"));
        assert_eq!(s.main[2], Op::RecvInto { chan: 0, var: "w".into() });
        assert!(matches!(&s.main[3], Op::Range { var: None, .. }));
        assert_eq!(parse(&s.to_json()).unwrap(), s);
    }

    #[test]
    fn every_problem_with_values_at_its_place() {
        check(
            r#"{"version": 1, "chans": {"c": 0}, "funcs": {"f": [{"gosched": null}]}, "main": [
                {"print": {"args": [1.5, {"var": "1x"}, {"val": "x"}], "fmt": "x"}},
                {"print": {"format": 3}},
                {"send": {"chan": "d", "value": true}},
                {"recv": {"chan": "c"}},
                {"range": {"chan": "c", "body": [{"go": "f"}]}},
                {"repeat": {"n": 1, "from": 2, "body": []}},
                {"go": {"func": "f", "args": {"1": 2}}}
            ]}"#,
            expect![[r#"
                main[0].print: unknown field "fmt"
                main[0].print.args[0]: expected an integer, found a floating-point number (1.5)
                main[0].print.args[1].var: a variable name must be an identifier (letters, digits, _), found "1x"
                main[0].print.args[2]: expected a value (an integer, a string or {"var": NAME}), found an object
                main[1].print.format: expected a string, found an integer
                main[2].send.chan: undeclared channel "d" (declare it in "chans")
                main[2].send.value: expected a value (an integer, a string or {"var": NAME}), found a boolean
                main[3].recv: missing required field "into"
                main[5].repeat: "from" needs a "var"
                main[6].go.args.1: a variable name must be an identifier (letters, digits, _), found "1"
                funcs.f[0]: op "gosched" takes no argument: write it as the string "gosched""#]],
        );
    }

    #[test]
    fn a_go_inside_a_range_counts_one_goroutine_per_value_sent() {
        // 3 values sent, 2 goroutines per value (f starts g): 1 + 3 * 2 goroutines, fine.
        let ok = r#"{"version": 1, "chans": {"c": 3}, "funcs": {"f": [{"go": "g"}], "g": []},
            "main": [{"repeat": {"n": 3, "body": [{"send": "c"}]}}, {"close": "c"}, {"range": {"chan": "c", "body": [{"go": "f"}]}}]}"#;
        check(ok, expect!["valid"]);
        // 1000000 values sent (through a second range, over d), 2 goroutines each: over the limit.
        let many = r#"{"version": 1, "chans": {"c": 3, "d": 0}, "funcs": {"f": [{"go": "g"}], "g": [], "h": [{"repeat": {"n": 1000000, "body": [{"send": "d"}]}}]},
            "main": [{"go": "h"}, {"range": {"chan": "d", "body": [{"send": "c"}]}}, {"range": {"chan": "c", "body": [{"go": "f"}]}}]}"#;
        check(many, expect!["the program would create 2000002 goroutines (main included); the limit is 2000000"]);
        // A goroutine started for a value sends another: no bound, said at the go.
        let unbounded = r#"{"version": 1, "chans": {"c": 1}, "funcs": {"f": [{"send": "c"}]},
            "main": [{"send": "c"}, {"range": {"chan": "c", "body": [{"go": "f"}]}}]}"#;
        check(unbounded, expect![[r#"main[1].range.body[0].go: a go statement inside a range over "c", whose values have no bound: a goroutine started for a value can lead to more values sent on "c", so the number of goroutines is not known before the run"#]]);
    }
}
