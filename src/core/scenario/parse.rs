//! Reading a scenario document: JSON text to a validated [`Scenario`], or every [`Problem`].
//!
//! The text is read into a `serde_json::Value` (keys in document order; a key given twice is
//! a problem, not a silent overwrite) and walked by hand. Each check records its problem with
//! the place it concerns and carries on, so one pass reports everything; nothing here panics
//! on any input. Names are resolved in two passes: `chans` and `funcs` are declared first, so
//! a body may use a func declared after it. Checks that need the whole program come last:
//! recursion through `go`, then the static totals of goroutines and ops.

use super::duration::{describe, duration_from_json};
use super::limits::{
    MAX_CHAN_CAP, MAX_COUNT, MAX_DECLS, MAX_DESCRIPTION_CHARS, MAX_DOCUMENT_BYTES, MAX_DURATION_NS, MAX_GOMAXPROCS,
    MAX_GOROUTINES, MAX_NAME_CHARS, MAX_OPS_PER_BODY, MAX_REPEAT_DEPTH, MAX_TOTAL_OPS, MAX_WG_DELTA,
};
use super::{Action, ActionAt, ActionKind, ChanDecl, FuncDecl, Op, Problem, Scenario};
use crate::core::costs::Costs;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt;

/// The fields of the document, in the format's order.
const DOCUMENT_FIELDS: [&str; 11] =
    ["version", "name", "description", "gomaxprocs", "seed", "go", "chans", "funcs", "main", "actions", "costs"];

/// The ops written as bare strings.
const BARE_OPS: [&str; 3] = ["gosched", "lock_os_thread", "unlock_os_thread"];

/// The ops written as one-key objects, each with an example of its argument.
const ARG_OPS: [(&str, &str); 12] = [
    ("work", r#"{"work": "1ms"}"#),
    ("syscall", r#"{"syscall": "5ms"}"#),
    ("net", r#"{"net": "2ms"}"#),
    ("sleep", r#"{"sleep": "1ms"}"#),
    ("go", r#"{"go": "worker"}"#),
    ("send", r#"{"send": "jobs"}"#),
    ("recv", r#"{"recv": "jobs"}"#),
    ("close", r#"{"close": "jobs"}"#),
    ("add", r#"{"add": {"wg": "wg", "n": 1}}"#),
    ("done", r#"{"done": "wg"}"#),
    ("wait", r#"{"wait": "wg"}"#),
    ("repeat", r#"{"repeat": {"n": 3, "body": [...]}}"#),
];

/// The keys saying when an action happens.
const ACTION_TIMES: [&str; 2] = ["at_step", "at_ns"];

/// The keys saying what an action does.
const ACTION_KINDS: [&str; 4] = ["spawn", "syscall", "net_ready", "gomaxprocs"];

/// Reads and validates a scenario document.
///
/// Returns the scenario, or every problem found, each with its place (`main[2].go`,
/// `funcs.worker[0].recv`, `actions[1].spawn.on_p`, `line 3, column 7` for JSON syntax),
/// in a fixed order: keys given twice, unknown top-level fields, then `version`, `name`,
/// `description`, `gomaxprocs`, `seed`, `chans`, `main`, each func, `actions`, `costs`, and last
/// recursion and the goroutine and op totals. A JSON syntax error or a document over
/// [`MAX_DOCUMENT_BYTES`] is the only problem reported. Never panics.
pub fn parse(text: &str) -> Result<Scenario, Vec<Problem>> {
    if text.len() > MAX_DOCUMENT_BYTES {
        return Err(vec![problem(
            "",
            format!("the document is {} bytes; the limit is {MAX_DOCUMENT_BYTES} bytes", text.len()),
        )]);
    }
    let mut checker = Checker::default();
    let value = read_json(text, &mut checker.problems)?;
    let scenario = checker.document(&value);
    match scenario {
        Some(s) if checker.problems.is_empty() => Ok(s),
        _ => Err(checker.problems),
    }
}

fn problem(place: &str, message: impl Into<String>) -> Problem {
    Problem { place: place.to_string(), message: message.into() }
}

/// The place of `key` inside the object at `parent`.
fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

/// `"a", "b" and "c"`.
fn quoted_list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

// ---------------------------------------------------------------------------------------------
// JSON text to Value, noting keys given twice.

/// Parses `text` as one JSON value. A syntax error is the only problem returned; keys given
/// twice are added to `problems` and the first value is kept.
fn read_json(text: &str, problems: &mut Vec<Problem>) -> Result<Value, Vec<Problem>> {
    let mut de = serde_json::Deserializer::from_str(text);
    let result = Build { place: String::new(), problems }.deserialize(&mut de).and_then(|v| de.end().map(|()| v));
    result.map_err(|e| {
        let message = e.to_string();
        // serde_json ends its message with " at line L column C"; the place says that.
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        let message = message.strip_suffix(&suffix).unwrap_or(&message).to_string();
        let place = if e.line() == 0 { String::new() } else { format!("line {}, column {}", e.line(), e.column()) };
        vec![Problem { place, message }]
    })
}

/// Builds a `Value` like serde_json's own, but reports keys given twice.
struct Build<'p> {
    place: String,
    problems: &'p mut Vec<Problem>,
}

impl<'de> DeserializeSeed<'de> for Build<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Build<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }

    fn visit_f64<E>(self, x: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_string()))
    }

    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        loop {
            let place = format!("{}[{}]", self.place, items.len());
            match seq.next_element_seed(Build { place, problems: &mut *self.problems })? {
                Some(v) => items.push(v),
                None => return Ok(Value::Array(items)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut fields = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let place = join(&self.place, &key);
            let v = map.next_value_seed(Build { place, problems: &mut *self.problems })?;
            if fields.contains_key(&key) {
                self.problems.push(problem(&self.place, format!("{key:?} is given twice")));
            } else {
                fields.insert(key, v);
            }
        }
        Ok(Value::Object(fields))
    }
}

// ---------------------------------------------------------------------------------------------
// Walking the document.

/// The state of one walk over a document.
#[derive(Default)]
struct Checker {
    /// Everything found wrong so far, in the order found.
    problems: Vec<Problem>,
    /// Channel name → index into `Scenario::chans`.
    chan_ix: BTreeMap<String, u32>,
    /// Func name → index into `Scenario::funcs`.
    func_ix: BTreeMap<String, u32>,
    /// WaitGroups in order of first use.
    wgs: Vec<String>,
    /// WaitGroup name → index into `wgs`.
    wg_ix: BTreeMap<String, u32>,
    /// Whether "too many WaitGroups" has been said (it is said once).
    wg_limit_told: bool,
    /// The `go` ops of the body being walked: the func started and the op's place.
    gos: Vec<(u32, String)>,
}

/// A func's body as far as it could be read, and its `go` ops.
struct FuncBody {
    name: String,
    place: String,
    body: Vec<Op>,
    gos: Vec<(u32, String)>,
}

impl Checker {
    fn say(&mut self, place: &str, message: impl Into<String>) {
        self.problems.push(problem(place, message));
    }

    /// `v` as an object, or a problem saying `expected {what}, found ...`.
    fn object<'v>(&mut self, v: &'v Value, place: &str, what: &str) -> Option<&'v Map<String, Value>> {
        match v {
            Value::Object(m) => Some(m),
            other => {
                self.say(place, format!("expected {what}, found {}", describe(other)));
                None
            }
        }
    }

    /// `"go": "1.N"`: the Go release whose rules the run follows.
    fn go_release(&mut self, v: &Value) -> Option<u32> {
        let (lo, hi) = super::GO_MINOR_RANGE;
        let want = format!("a Go release such as \"1.22\" (from 1.{lo} to 1.{hi})");
        let Value::String(text) = v else {
            self.say("go", format!("expected {want}, found {}", describe(v)));
            return None;
        };
        let minor = text.strip_prefix("go").unwrap_or(text).strip_prefix("1.").and_then(|m| m.parse::<u32>().ok());
        match minor {
            Some(m) if (lo..=hi).contains(&m) => Some(m),
            Some(m) => {
                self.say("go", format!("Go 1.{m} is not modelled: the rules were read from Go 1.19, 1.22 and 1.26; choose a release from 1.{lo} to 1.{hi}"));
                None
            }
            None => {
                self.say("go", format!("expected {want}, found {text:?}"));
                None
            }
        }
    }

    /// Reports every key of `m` not in `known`.
    fn unknown_fields(&mut self, m: &Map<String, Value>, place: &str, known: &[&str]) {
        for key in m.keys() {
            if !known.contains(&key.as_str()) {
                self.say(place, format!("unknown field {key:?}"));
            }
        }
    }

    /// The field `key` of `m`, or a problem saying it is missing.
    fn required<'v>(&mut self, m: &'v Map<String, Value>, place: &str, key: &str) -> Option<&'v Value> {
        let v = m.get(key);
        if v.is_none() {
            self.say(place, format!("missing required field {key:?}"));
        }
        v
    }

    fn string<'v>(&mut self, v: &'v Value, place: &str) -> Option<&'v str> {
        match v {
            Value::String(s) => Some(s),
            other => {
                self.say(place, format!("expected a string, found {}", describe(other)));
                None
            }
        }
    }

    /// `v` as an integer from `lo` to `hi`.
    fn int(&mut self, v: &Value, place: &str, lo: i128, hi: i128) -> Option<i128> {
        let out_of_range = |got: &dyn fmt::Display| format!("must be an integer from {lo} to {hi}, got {got}");
        let n = match v {
            Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
                (Some(i), _, _) => i128::from(i),
                (_, Some(u), _) => i128::from(u),
                // Integers beyond the 64-bit range arrive as floats without a fraction.
                (_, _, Some(x)) if x.fract() == 0.0 && x.abs() >= 9.0e18 => {
                    self.say(place, out_of_range(&x));
                    return None;
                }
                _ => {
                    self.say(place, format!("expected an integer, found {}", describe(v)));
                    return None;
                }
            },
            other => {
                self.say(place, format!("expected an integer, found {}", describe(other)));
                return None;
            }
        };
        if n < lo || n > hi {
            self.say(place, out_of_range(&n));
            return None;
        }
        Some(n)
    }

    fn duration(&mut self, v: &Value, place: &str, max: u64) -> Option<u64> {
        match duration_from_json(v, max) {
            Ok(ns) => Some(ns),
            Err(message) => {
                self.say(place, message);
                None
            }
        }
    }

    /// A `name`/`description` string of at most `max` characters.
    fn text(&mut self, m: &Map<String, Value>, key: &str, max: usize) -> Option<String> {
        let v = m.get(key)?;
        let s = self.string(v, key)?;
        let chars = s.chars().count();
        if chars > max {
            self.say(key, format!("must be at most {max} characters, got {chars}"));
            return None;
        }
        Some(s.to_string())
    }

    /// Walks the whole document. Returns a scenario built from what could be read; it is
    /// valid only if no problem was found.
    fn document(&mut self, v: &Value) -> Option<Scenario> {
        let doc = self.object(v, "", "a JSON object (the scenario document)")?;
        self.unknown_fields(doc, "", &DOCUMENT_FIELDS);

        let version = match doc.get("version") {
            None => {
                self.say("", "missing required field \"version\"");
                None
            }
            Some(Value::Number(n)) if n.as_u64() == Some(1) => Some(1),
            Some(Value::Number(n)) if n.is_i64() || n.is_u64() => {
                self.say("version", format!("unsupported version {n} (this program reads version 1)"));
                None
            }
            Some(other) => {
                self.say("version", format!("expected the integer 1, found {}", describe(other)));
                None
            }
        };
        let name = self.text(doc, "name", MAX_NAME_CHARS).unwrap_or_default();
        let description = self.text(doc, "description", MAX_DESCRIPTION_CHARS).unwrap_or_default();
        let gomaxprocs = match doc.get("gomaxprocs") {
            None => 4,
            Some(v) => self.int(v, "gomaxprocs", 1, i128::from(MAX_GOMAXPROCS)).unwrap_or(4) as u32,
        };
        let seed = match doc.get("seed") {
            None => 1,
            Some(v) => self.int(v, "seed", 0, i128::from(u64::MAX)).unwrap_or(1) as u64,
        };

        let go = match doc.get("go") {
            None => super::DEFAULT_GO_MINOR,
            Some(v) => self.go_release(v).unwrap_or(super::DEFAULT_GO_MINOR),
        };

        let chans = doc.get("chans").map(|v| self.chans(v)).unwrap_or_default();
        let func_names = doc.get("funcs").map(|v| self.func_names(v)).unwrap_or_default();

        let main = match self.required(doc, "", "main") {
            Some(v) => {
                self.gos.clear();
                self.body(v, "main")
            }
            None => Vec::new(),
        };

        let mut funcs = Vec::with_capacity(func_names.len());
        for (name, place, v) in func_names {
            self.gos.clear();
            let body = self.body(v, &place);
            funcs.push(FuncBody { name, place, body, gos: std::mem::take(&mut self.gos) });
        }

        let actions = doc.get("actions").map(|v| self.actions(v)).unwrap_or_default();
        let (costs, costs_set) = doc.get("costs").map(|v| self.costs(v)).unwrap_or_default();

        self.whole_program(&main, &funcs, &actions);

        Some(Scenario {
            version: version?,
            name,
            description,
            gomaxprocs,
            seed,
            go,
            chans,
            funcs: funcs.into_iter().map(|f| FuncDecl { name: f.name, body: f.body }).collect(),
            wgs: std::mem::take(&mut self.wgs),
            main,
            actions,
            costs,
            costs_set,
        })
    }

    /// The named declarations of `key` ("chans", "funcs"): an object with at most `MAX_DECLS`
    /// entries, none with an empty name (each problem reported, the entries returned anyway).
    fn named<'v>(&mut self, v: &'v Value, key: &str, what: &str, example: &str) -> Vec<(&'v String, &'v Value)> {
        let Some(m) = self.object(v, key, example) else {
            return Vec::new();
        };
        if m.len() > MAX_DECLS {
            self.say(key, format!("declares {} {what}s; the limit is {MAX_DECLS}", m.len()));
        }
        if m.contains_key("") {
            self.say(key, format!("a {what} name must not be empty"));
        }
        m.iter().collect()
    }

    fn chans(&mut self, v: &Value) -> Vec<ChanDecl> {
        let m = self.named(v, "chans", "channel", r#"an object of channel names and capacities, such as {"jobs": 0}"#);
        let mut chans = Vec::with_capacity(m.len());
        for (name, cap) in m {
            let cap = self.int(cap, &join("chans", name), 0, i128::from(MAX_CHAN_CAP)).unwrap_or(0) as u32;
            self.chan_ix.insert(name.clone(), chans.len() as u32);
            chans.push(ChanDecl { name: name.clone(), cap });
        }
        chans
    }

    /// Declares the funcs; their bodies are walked later. Returns name, place and body value.
    fn func_names<'v>(&mut self, v: &'v Value) -> Vec<(String, String, &'v Value)> {
        let m = self.named(v, "funcs", "func", r#"an object of func names and bodies, such as {"worker": [...]}"#);
        let mut out = Vec::with_capacity(m.len());
        for (name, body) in m {
            self.func_ix.insert(name.clone(), out.len() as u32);
            out.push((name.clone(), join("funcs", name), body));
        }
        out
    }

    /// A body (main or a func): an array of ops, with the size limit checked.
    fn body(&mut self, v: &Value, place: &str) -> Vec<Op> {
        let mut written = 0;
        let ops = self.ops(v, place, 0, &mut written);
        if written > MAX_OPS_PER_BODY {
            self.say(place, format!("has {written} ops (nested ones included); the limit is {MAX_OPS_PER_BODY}"));
        }
        ops
    }

    /// An array of ops at `depth` repeats deep; counts every op written into `written`.
    fn ops(&mut self, v: &Value, place: &str, depth: usize, written: &mut usize) -> Vec<Op> {
        let Value::Array(items) = v else {
            self.say(place, format!("expected an array of ops, found {}", describe(v)));
            return Vec::new();
        };
        let mut ops = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            *written += 1;
            if let Some(op) = self.op(item, &format!("{place}[{i}]"), depth, written) {
                ops.push(op);
            }
        }
        ops
    }

    fn op(&mut self, v: &Value, place: &str, depth: usize, written: &mut usize) -> Option<Op> {
        let (key, arg) = match v {
            Value::String(s) => {
                return match s.as_str() {
                    "gosched" => Some(Op::Gosched),
                    "lock_os_thread" => Some(Op::LockOsThread),
                    "unlock_os_thread" => Some(Op::UnlockOsThread),
                    other => {
                        match ARG_OPS.iter().find(|(name, _)| *name == other) {
                            Some((name, example)) => {
                                self.say(place, format!("op {name:?} needs an argument, as in {example}"));
                            }
                            None => self.say(place, format!("unknown op {other:?}")),
                        }
                        None
                    }
                };
            }
            Value::Object(m) if m.len() == 1 => m.iter().next()?,
            Value::Object(m) if m.is_empty() => {
                self.say(place, r#"an op is an object with one key, such as {"work": "1ms"}; found an empty object"#);
                return None;
            }
            Value::Object(m) => {
                let keys: Vec<&str> = m.keys().map(String::as_str).collect();
                self.say(
                    place,
                    format!("an op is an object with one key; found {}: {}", keys.len(), quoted_list(&keys)),
                );
                return None;
            }
            other => {
                self.say(
                    place,
                    format!(
                        r#"expected an op (an object such as {{"work": "1ms"}} or a string such as "gosched"), found {}"#,
                        describe(other)
                    ),
                );
                return None;
            }
        };
        let here = join(place, key);
        let here = here.as_str();
        match key.as_str() {
            "work" => self.duration(arg, here, MAX_DURATION_NS).map(Op::Work),
            "syscall" => self.duration(arg, here, MAX_DURATION_NS).map(Op::Syscall),
            "net" => self.duration(arg, here, MAX_DURATION_NS).map(Op::Net),
            "sleep" => self.duration(arg, here, MAX_DURATION_NS).map(Op::Sleep),
            "go" => self.go(arg, here),
            "send" => self.chan(arg, here).map(Op::Send),
            "recv" => self.chan(arg, here).map(Op::Recv),
            "close" => self.chan(arg, here).map(Op::Close),
            "add" => {
                let m = self.object(arg, here, r#"{"wg": NAME, "n": N}"#)?;
                self.unknown_fields(m, here, &["wg", "n"]);
                let wg = self.required(m, here, "wg").and_then(|w| self.wg(w, &join(here, "wg")));
                let n = self
                    .required(m, here, "n")
                    .and_then(|n| self.int(n, &join(here, "n"), -i128::from(MAX_WG_DELTA), i128::from(MAX_WG_DELTA)));
                Some(Op::Add { wg: wg?, n: n? as i64 })
            }
            "done" => self.wg(arg, here).map(Op::Done),
            "wait" => self.wg(arg, here).map(Op::Wait),
            "repeat" => {
                let m = self.object(arg, here, r#"{"n": N, "body": [ops]}"#)?;
                self.unknown_fields(m, here, &["n", "body"]);
                if depth == MAX_REPEAT_DEPTH {
                    self.say(
                        here,
                        format!("repeats are nested {} deep here; the limit is {MAX_REPEAT_DEPTH}", depth + 1),
                    );
                }
                let n =
                    self.required(m, here, "n").and_then(|n| self.int(n, &join(here, "n"), 0, i128::from(MAX_COUNT)));
                let body = self.required(m, here, "body").map(|b| self.ops(b, &join(here, "body"), depth + 1, written));
                Some(Op::Repeat { n: n? as u64, body: body? })
            }
            "gomaxprocs" => self.int(arg, here, 1, i128::from(MAX_GOMAXPROCS)).map(|n| Op::Gomaxprocs(n as u32)),
            bare if BARE_OPS.contains(&bare) => {
                self.say(place, format!("op {bare:?} takes no argument: write it as the string {bare:?}"));
                None
            }
            other => {
                self.say(place, format!("unknown op {other:?}"));
                None
            }
        }
    }

    /// `{"go": "f"}` or `{"go": {"func": "f", "n": N}}`.
    fn go(&mut self, arg: &Value, here: &str) -> Option<Op> {
        let (func, n) = match arg {
            Value::String(name) => (self.func(name, here), Some(1)),
            Value::Object(m) => {
                self.unknown_fields(m, here, &["func", "n"]);
                let func = self.required(m, here, "func").and_then(|f| {
                    let place = join(here, "func");
                    let name = self.string(f, &place)?;
                    self.func(name, &place)
                });
                let n = match m.get("n") {
                    None => Some(1),
                    Some(n) => self.int(n, &join(here, "n"), 1, i128::from(MAX_COUNT)),
                };
                (func, n)
            }
            other => {
                self.say(
                    here,
                    format!(r#"expected a func name or {{"func": NAME, "n": N}}, found {}"#, describe(other)),
                );
                return None;
            }
        };
        let func = func?;
        self.gos.push((func, here.to_string()));
        Some(Op::Go { func, n: n? as u32 })
    }

    fn func(&mut self, name: &str, place: &str) -> Option<u32> {
        let ix = self.func_ix.get(name).copied();
        if ix.is_none() {
            self.say(place, format!("unknown func {name:?}"));
        }
        ix
    }

    fn chan(&mut self, v: &Value, place: &str) -> Option<u32> {
        let name = self.string(v, place)?;
        let ix = self.chan_ix.get(name).copied();
        if ix.is_none() {
            self.say(place, format!("undeclared channel {name:?} (declare it in \"chans\")"));
        }
        ix
    }

    /// A WaitGroup name; the first use of a name declares it.
    fn wg(&mut self, v: &Value, place: &str) -> Option<u32> {
        let name = self.string(v, place)?;
        if name.is_empty() {
            self.say(place, "a WaitGroup name must not be empty");
            return None;
        }
        if let Some(&ix) = self.wg_ix.get(name) {
            return Some(ix);
        }
        if self.wgs.len() == MAX_DECLS {
            if !self.wg_limit_told {
                self.wg_limit_told = true;
                self.say(place, format!("too many WaitGroups; the limit is {MAX_DECLS}"));
            }
            return None;
        }
        let ix = self.wgs.len() as u32;
        self.wgs.push(name.to_string());
        self.wg_ix.insert(name.to_string(), ix);
        Some(ix)
    }

    fn actions(&mut self, v: &Value) -> Vec<Action> {
        let Value::Array(items) = v else {
            self.say("actions", format!("expected an array of actions, found {}", describe(v)));
            return Vec::new();
        };
        if items.len() > MAX_DECLS {
            self.say("actions", format!("has {} actions; the limit is {MAX_DECLS}", items.len()));
        }
        let mut actions = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            if let Some(a) = self.action(item, &format!("actions[{i}]")) {
                actions.push(a);
            }
        }
        actions
    }

    fn action(&mut self, v: &Value, place: &str) -> Option<Action> {
        let m = self.object(v, place, r#"an action, such as {"at_step": 10, "gomaxprocs": 2}"#)?;
        let known: Vec<&str> = ACTION_TIMES.iter().chain(ACTION_KINDS.iter()).copied().collect();
        self.unknown_fields(m, place, &known);

        let times: Vec<&str> = ACTION_TIMES.iter().copied().filter(|k| m.contains_key(*k)).collect();
        let at = match times.as_slice() {
            [] => {
                self.say(place, r#"missing "at_step" or "at_ns" (when the action happens)"#);
                None
            }
            ["at_step"] => self
                .int(&m["at_step"], &join(place, "at_step"), 0, i128::from(u64::MAX))
                .map(|n| ActionAt::Step(n as u64)),
            ["at_ns"] => self.duration(&m["at_ns"], &join(place, "at_ns"), i64::MAX as u64).map(ActionAt::Ns),
            _ => {
                self.say(place, r#"give only one of "at_step" and "at_ns""#);
                None
            }
        };

        let kinds: Vec<&str> = ACTION_KINDS.iter().copied().filter(|k| m.contains_key(*k)).collect();
        let kind = match kinds.as_slice() {
            [] => {
                self.say(
                    place,
                    format!(
                        "missing what the action does: one of {}",
                        quoted_list(&ACTION_KINDS).replace(" and ", " or ")
                    ),
                );
                None
            }
            [kind] => self.action_kind(kind, &m[*kind], &join(place, kind)),
            several => {
                self.say(place, format!("give one action per entry; found {}", quoted_list(several)));
                None
            }
        };
        Some(Action { at: at?, kind: kind? })
    }

    fn action_kind(&mut self, kind: &str, v: &Value, here: &str) -> Option<ActionKind> {
        let g_range = (1, i128::from(MAX_GOROUTINES));
        match kind {
            "spawn" => {
                let m = self.object(v, here, r#"{"func": NAME, "n": N, "on_p": P}"#)?;
                self.unknown_fields(m, here, &["func", "n", "on_p"]);
                let func = self.required(m, here, "func").and_then(|f| {
                    let place = join(here, "func");
                    let name = self.string(f, &place)?;
                    self.func(name, &place)
                });
                let n = match m.get("n") {
                    None => Some(1),
                    Some(n) => self.int(n, &join(here, "n"), 1, i128::from(MAX_COUNT)),
                };
                let on_p = match m.get("on_p") {
                    None => Some(None),
                    Some(p) => {
                        self.int(p, &join(here, "on_p"), 0, i128::from(MAX_GOMAXPROCS) - 1).map(|p| Some(p as u32))
                    }
                };
                Some(ActionKind::Spawn { func: func?, n: n? as u32, on_p: on_p? })
            }
            "syscall" => {
                let m = self.object(v, here, r#"{"g": G, "for": DURATION}"#)?;
                self.unknown_fields(m, here, &["g", "for"]);
                let g = self.required(m, here, "g").and_then(|g| self.int(g, &join(here, "g"), g_range.0, g_range.1));
                let dur =
                    self.required(m, here, "for").and_then(|d| self.duration(d, &join(here, "for"), MAX_DURATION_NS));
                Some(ActionKind::Syscall { g: g? as u32, dur: dur? })
            }
            "net_ready" => {
                let m = self.object(v, here, r#"{"g": G}"#)?;
                self.unknown_fields(m, here, &["g"]);
                let g = self.required(m, here, "g").and_then(|g| self.int(g, &join(here, "g"), g_range.0, g_range.1));
                Some(ActionKind::NetReady { g: g? as u32 })
            }
            _ => self.int(v, here, 1, i128::from(MAX_GOMAXPROCS)).map(|n| ActionKind::Gomaxprocs(n as u32)),
        }
    }

    fn costs(&mut self, v: &Value) -> (Costs, Vec<String>) {
        let mut costs = Costs::default();
        let mut set = Vec::new();
        let Some(m) =
            self.object(v, "costs", r#"an object of cost names and durations, such as {"g_switch": "200ns"}"#)
        else {
            return (costs, set);
        };
        for (name, d) in m {
            if !Costs::NAMES.contains(&name.as_str()) {
                self.say("costs", format!("unknown cost {name:?} (the costs are {})", Costs::NAMES.join(", ")));
                continue;
            }
            if let Some(ns) = self.duration(d, &join("costs", name), Costs::MAX) {
                costs.set(name, ns);
                set.push(name.clone());
            }
        }
        (costs, set)
    }

    /// Recursion through `go`, then the static totals of goroutines and ops executed.
    fn whole_program(&mut self, main: &[Op], funcs: &[FuncBody], actions: &[Action]) {
        if funcs.len() > MAX_DECLS {
            return; // already reported; keeps the analysis small
        }
        let Some(order) = self.callees_first(funcs) else {
            return; // recursion reported
        };
        // goroutines[f]: created by one run of f, itself not included; ops[f]: executed by it
        // and by everything it starts.
        let mut goroutines = vec![0u64; funcs.len()];
        let mut ops = vec![0u64; funcs.len()];
        for f in order {
            goroutines[f] = created(&funcs[f].body, &goroutines);
            ops[f] = executed(&funcs[f].body, &ops);
        }
        let mut total_g = 1u64.saturating_add(created(main, &goroutines));
        let mut total_ops = executed(main, &ops);
        for a in actions {
            if let ActionKind::Spawn { func, n, .. } = a.kind {
                let (n, f) = (u64::from(n), func as usize);
                total_g = total_g.saturating_add(n.saturating_mul(1u64.saturating_add(goroutines[f])));
                total_ops = total_ops.saturating_add(n.saturating_mul(ops[f]));
            }
        }
        let count = |n: u64| if n == u64::MAX { format!("at least {n}") } else { n.to_string() };
        if total_g > MAX_GOROUTINES {
            self.say(
                "",
                format!(
                    "the program would create {} goroutines (main included); the limit is {MAX_GOROUTINES}",
                    count(total_g)
                ),
            );
        }
        if total_ops > MAX_TOTAL_OPS {
            self.say(
                "",
                format!(
                    "the program would execute {} ops in all goroutines; the limit is {MAX_TOTAL_OPS}",
                    count(total_ops)
                ),
            );
        }
    }

    /// The funcs ordered so that every func comes after the funcs it starts; `None`, with the
    /// cycles reported, if some func can start itself.
    fn callees_first(&mut self, funcs: &[FuncBody]) -> Option<Vec<usize>> {
        let n = funcs.len();
        let callees: Vec<BTreeSet<usize>> =
            funcs.iter().map(|f| f.gos.iter().map(|&(g, _)| g as usize).collect()).collect();
        let mut callers: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (f, cs) in callees.iter().enumerate() {
            for &c in cs {
                callers[c].push(f);
            }
        }
        // Kahn's algorithm from the leaves up.
        let mut pending: Vec<usize> = callees.iter().map(BTreeSet::len).collect();
        let mut ready: VecDeque<usize> = (0..n).filter(|&f| pending[f] == 0).collect();
        let mut order = Vec::with_capacity(n);
        while let Some(f) = ready.pop_front() {
            order.push(f);
            for &caller in &callers[f] {
                pending[caller] -= 1;
                if pending[caller] == 0 {
                    ready.push_back(caller);
                }
            }
        }
        if order.len() == n {
            return Some(order);
        }
        // Some funcs are on a cycle or lead to one: report each cycle once, at the first func
        // on it in document order, by the shortest way back.
        let mut told = vec![false; n];
        for f in 0..n {
            if pending[f] == 0 || told[f] {
                continue;
            }
            let Some(path) = shortest_cycle(f, &callees) else { continue };
            for &g in &path {
                told[g] = true;
            }
            let first = path[0];
            let place =
                funcs[f].gos.iter().find(|(g, _)| *g as usize == first).map_or(funcs[f].place.as_str(), |(_, p)| p);
            let name = &funcs[f].name;
            let message = if path.len() == 1 {
                format!("{name:?} starts itself; recursion would create goroutines without end")
            } else {
                let through: Vec<String> = path.iter().map(|&g| format!("{:?}", funcs[g].name)).collect();
                format!(
                    "{name:?} starts itself through {}; recursion would create goroutines without end",
                    through.join(" -> ")
                )
            };
            let place = place.to_string();
            self.say(&place, message);
        }
        None
    }
}

/// The shortest path of funcs from `f` back to `f` (ending with `f`), trying callees in index
/// order; `None` if `f` is not on a cycle.
fn shortest_cycle(f: usize, callees: &[BTreeSet<usize>]) -> Option<Vec<usize>> {
    let mut from: Vec<Option<usize>> = vec![None; callees.len()];
    let mut queue = VecDeque::from([f]);
    while let Some(g) = queue.pop_front() {
        for &h in &callees[g] {
            if h == f {
                let mut path = Vec::new();
                let mut at = g;
                while at != f {
                    path.push(at);
                    at = from[at]?;
                }
                path.reverse();
                path.push(f);
                return Some(path);
            }
            if from[h].is_none() {
                from[h] = Some(g);
                queue.push_back(h);
            }
        }
    }
    None
}

/// Goroutines created by running `body` once (not counting the goroutine running it), given
/// the same count for every func.
fn created(body: &[Op], per_func: &[u64]) -> u64 {
    body.iter().fold(0u64, |sum, op| {
        let here = match op {
            Op::Go { func, n } => u64::from(*n).saturating_mul(1u64.saturating_add(per_func[*func as usize])),
            Op::Repeat { n, body } => n.saturating_mul(created(body, per_func)),
            _ => 0,
        };
        sum.saturating_add(here)
    })
}

/// Ops executed by running `body` once, those of the goroutines it starts included; a
/// `repeat` counts as its body `n` times, a `go` as one op plus what the started bodies run.
fn executed(body: &[Op], per_func: &[u64]) -> u64 {
    body.iter().fold(0u64, |sum, op| {
        let here = match op {
            Op::Go { func, n } => 1u64.saturating_add(u64::from(*n).saturating_mul(per_func[*func as usize])),
            Op::Repeat { n, body } => n.saturating_mul(executed(body, per_func)),
            _ => 1,
        };
        sum.saturating_add(here)
    })
}

#[cfg(all(test, not(target_arch = "wasm32")))]
pub(super) mod tests {
    use super::*;
    use expect_test::{expect, Expect};
    use proptest::prelude::*;
    use serde_json::json;

    /// Parses `doc` and compares its problems, one `place: message` per line, with `want`.
    #[track_caller]
    fn check(doc: &str, want: Expect) {
        let got = match parse(doc) {
            Ok(_) => "valid".to_string(),
            Err(problems) => problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"),
        };
        want.assert_eq(&got);
    }

    /// The problems of `doc` as `place: message` lines (panics if it is valid).
    #[track_caller]
    fn problems(doc: &str) -> Vec<String> {
        parse(doc).expect_err("the document should be invalid").iter().map(ToString::to_string).collect()
    }

    /// A document with `main` and `funcs` as given (JSON text).
    fn program(funcs: &str, main: &str) -> String {
        format!(r#"{{"version": 1, "funcs": {funcs}, "main": {main}}}"#)
    }

    /// The example document of `shared/scenario-format.md` (also used by the writer's tests).
    pub(in crate::core::scenario) const FORMAT_DOC_EXAMPLE: &str = r#"{
      "version": 1,
      "name": "Blocking syscall hand-off",
      "description": "Free text shown beside the board.",
      "gomaxprocs": 2,
      "seed": 7,
      "chans": { "jobs": 0, "results": 16 },
      "funcs": {
        "worker": [ { "recv": "jobs" }, { "work": "2ms" }, { "syscall": "5ms" }, { "done": "wg" } ]
      },
      "main": [
        { "add": { "wg": "wg", "n": 4 } },
        { "go": { "func": "worker", "n": 4 } },
        { "repeat": { "n": 4, "body": [ { "send": "jobs" } ] } },
        { "wait": "wg" }
      ],
      "actions": [
        { "at_step": 40, "spawn": { "func": "worker", "on_p": 1 } },
        { "at_ns": 3000000, "gomaxprocs": 4 }
      ],
      "costs": { "g_switch": "200ns", "m_wake": "2us" }
    }"#;

    #[test]
    fn reads_the_format_doc_example() {
        let mut costs = Costs::default();
        costs.set("g_switch", 200);
        costs.set("m_wake", 2_000);
        let want = Scenario {
            version: 1,
            name: "Blocking syscall hand-off".into(),
            description: "Free text shown beside the board.".into(),
            gomaxprocs: 2,
            seed: 7,
            go: crate::core::scenario::DEFAULT_GO_MINOR,
            chans: vec![ChanDecl { name: "jobs".into(), cap: 0 }, ChanDecl { name: "results".into(), cap: 16 }],
            funcs: vec![FuncDecl {
                name: "worker".into(),
                body: vec![Op::Recv(0), Op::Work(2_000_000), Op::Syscall(5_000_000), Op::Done(0)],
            }],
            wgs: vec!["wg".into()],
            main: vec![
                Op::Add { wg: 0, n: 4 },
                Op::Go { func: 0, n: 4 },
                Op::Repeat { n: 4, body: vec![Op::Send(0)] },
                Op::Wait(0),
            ],
            actions: vec![
                Action { at: ActionAt::Step(40), kind: ActionKind::Spawn { func: 0, n: 1, on_p: Some(1) } },
                Action { at: ActionAt::Ns(3_000_000), kind: ActionKind::Gomaxprocs(4) },
            ],
            costs,
            costs_set: vec!["g_switch".into(), "m_wake".into()],
        };
        assert_eq!(parse(FORMAT_DOC_EXAMPLE), Ok(want));
    }

    #[test]
    fn fills_in_defaults() {
        assert_eq!(parse(r#"{"version": 1, "main": []}"#), Ok(Scenario::empty()));
    }

    #[test]
    fn reports_every_problem_with_its_place() {
        let doc = r#"{
          "version": 1,
          "gomaxproc": 2,
          "chans": {"jobs": 0},
          "funcs": {"worker": [{"recv": "jbs"}, {"sendd": "jobs"}]},
          "main": [{"go": "worker"}, {"work": "2ms"}, {"go": "wrker"}],
          "actions": [{"at_step": 3, "spawn": {"func": "worker", "on_p": 1024}}],
          "costs": {"g_switch": "2 ms"}
        }"#;
        let places: Vec<String> = parse(doc).unwrap_err().into_iter().map(|p| p.place).collect();
        assert_eq!(
            places,
            ["", "main[2].go", "funcs.worker[0].recv", "funcs.worker[1]", "actions[0].spawn.on_p", "costs.g_switch"]
        );
        check(
            doc,
            expect![[r#"
                unknown field "gomaxproc"
                main[2].go: unknown func "wrker"
                funcs.worker[0].recv: undeclared channel "jbs" (declare it in "chans")
                funcs.worker[1]: unknown op "sendd"
                actions[0].spawn.on_p: must be an integer from 0 to 1023, got 1024
                costs.g_switch: unknown unit " ms" in duration "2 ms" (use ns, us, µs, ms, s, m or h)"#]],
        );
    }

    #[test]
    fn reports_wrong_values_everywhere_in_one_pass() {
        check(
            r#"{"version": 2, "gomaxprocs": 0, "seed": -1, "name": 5,
                "chans": {"c": "1", "d": 2.0, "e": 1000001},
                "funcs": {"f": [{"go": "g"}], "g": [{"repeat": {"n": 2, "body": [{"go": "f"}]}}]},
                "main": [{"go": {"func": "f", "n": 0}}, {"work": 2.0}, {"sleep": "-1ms"}, {"net": "2h"},
                         {"add": {"wg": "w"}}, {"add": {"wg": "", "n": 1, "m": 2}}, {"gomaxprocs": 1025},
                         {"repeat": {"n": -1, "body": {}}}, {"close": 3}],
                "actions": [{"at_step": 1}, {"at_ns": "1ms", "at_step": 3, "spawn": {"func": "f"}},
                            {"at_ns": -5, "syscall": {"g": 0}}, {"at_step": 1.5, "net_ready": {}},
                            {"at_step": 1, "spawn": {}, "gomaxprocs": 2}, 7],
                "costs": {"g_swich": 1, "spawn": "2s", "m_wake": null}}"#,
            expect![[r#"
                version: unsupported version 2 (this program reads version 1)
                name: expected a string, found an integer
                gomaxprocs: must be an integer from 1 to 1024, got 0
                seed: must be an integer from 0 to 18446744073709551615, got -1
                chans.c: expected an integer, found a string
                chans.d: expected an integer, found a floating-point number (2.0)
                chans.e: must be an integer from 0 to 1000000, got 1000001
                main[0].go.n: must be an integer from 1 to 1000000000, got 0
                main[1].work: expected a duration such as "2ms" or an integer of nanoseconds, found a floating-point number (2.0)
                main[2].sleep: durations cannot be negative, got "-1ms"
                main[3].net: must be at most 1h, got 2h
                main[4].add: missing required field "n"
                main[5].add: unknown field "m"
                main[5].add.wg: a WaitGroup name must not be empty
                main[6].gomaxprocs: must be an integer from 1 to 1024, got 1025
                main[7].repeat.n: must be an integer from 0 to 1000000000, got -1
                main[7].repeat.body: expected an array of ops, found an object
                main[8].close: expected a string, found an integer
                actions[0]: missing what the action does: one of "spawn", "syscall", "net_ready" or "gomaxprocs"
                actions[1]: give only one of "at_step" and "at_ns"
                actions[2].at_ns: durations cannot be negative, got -5
                actions[2].syscall.g: must be an integer from 1 to 2000000, got 0
                actions[2].syscall: missing required field "for"
                actions[3].at_step: expected an integer, found a floating-point number (1.5)
                actions[3].net_ready: missing required field "g"
                actions[4]: give one action per entry; found "spawn" and "gomaxprocs"
                actions[5]: expected an action, such as {"at_step": 10, "gomaxprocs": 2}, found an integer
                costs: unknown cost "g_swich" (the costs are g_switch, spawn, m_wake, m_create, sync_op, syscall, steal_backoff)
                costs.spawn: must be at most 1s, got 2s
                costs.m_wake: expected a duration such as "2ms" or an integer of nanoseconds, found null
                funcs.f[0].go: "f" starts itself through "g" -> "f"; recursion would create goroutines without end"#]],
        );
    }

    #[test]
    fn explains_malformed_ops() {
        check(
            r#"{"version": 1, "main": [{"a": 1, "b": 2}, {}, 3, "work", {"gosched": null}, "sendd", {"go": 5}, {"go": {"n": 2}}]}"#,
            expect![[r#"
                main[0]: an op is an object with one key; found 2: "a" and "b"
                main[1]: an op is an object with one key, such as {"work": "1ms"}; found an empty object
                main[2]: expected an op (an object such as {"work": "1ms"} or a string such as "gosched"), found an integer
                main[3]: op "work" needs an argument, as in {"work": "1ms"}
                main[4]: op "gosched" takes no argument: write it as the string "gosched"
                main[5]: unknown op "sendd"
                main[6].go: expected a func name or {"func": NAME, "n": N}, found an integer
                main[7].go: missing required field "func""#]],
        );
    }

    #[test]
    fn requires_version_and_main() {
        check(
            r#"{"name": "x"}"#,
            expect![[r#"
                missing required field "version"
                missing required field "main""#]],
        );
        check(r#"{"version": "1", "main": []}"#, expect![[r#"version: expected the integer 1, found a string"#]]);
        check(r#"[1]"#, expect!["expected a JSON object (the scenario document), found an array"]);
    }

    #[test]
    fn places_json_syntax_errors_by_line_and_column() {
        check("{\"version\": 1,\n  \"main\": [,]}", expect!["line 2, column 12: expected value"]);
        check(r#"{"version": 1, "main": [], "#, expect!["line 1, column 27: EOF while parsing a value"]);
        check(r#"{"version": 1, "main": []} x"#, expect!["line 1, column 28: trailing characters"]);
        check("", expect!["line 1, column 0: EOF while parsing a value"]);
    }

    #[test]
    fn rejects_keys_given_twice() {
        check(
            r#"{"version": 1, "chans": {"c": 0, "c": 1}, "main": [{"repeat": {"n": 1, "n": 2, "body": []}}], "main": []}"#,
            expect![[r#"
                chans: "c" is given twice
                main[0].repeat: "n" is given twice
                "main" is given twice"#]],
        );
    }

    #[test]
    fn rejects_recursive_spawn() {
        let doc = program(r#"{"f": [{"work": 1}, {"go": "g"}], "g": [{"go": "f"}], "h": [{"go": "f"}]}"#, "[]");
        assert_eq!(
            problems(&doc),
            [r#"funcs.f[1].go: "f" starts itself through "g" -> "f"; recursion would create goroutines without end"#]
        );
        let doc = program(r#"{"f": [{"repeat": {"n": 0, "body": [{"go": {"func": "f", "n": 2}}]}}]}"#, "[]");
        assert_eq!(
            problems(&doc),
            [r#"funcs.f[0].repeat.body[0].go: "f" starts itself; recursion would create goroutines without end"#]
        );
        // Two separate cycles are two problems.
        let doc = program(r#"{"a": [{"go": "b"}], "b": [{"go": "a"}], "c": [{"go": "c"}]}"#, "[]");
        assert_eq!(problems(&doc).len(), 2);
    }

    #[test]
    fn resolves_names_declared_later_in_the_document() {
        let doc = r#"{"version": 1, "main": [{"go": "a"}, {"send": "c"}], "funcs": {"a": [{"go": "b"}], "b": []}, "chans": {"c": 1}}"#;
        let s = parse(doc).unwrap();
        assert_eq!(s.main, [Op::Go { func: 0, n: 1 }, Op::Send(0)]);
        assert_eq!(s.funcs[0].body, [Op::Go { func: 1, n: 1 }]);
    }

    #[test]
    fn numbers_waitgroups_in_order_of_first_use_main_first() {
        let doc = r#"{"version": 1,
            "funcs": {"f": [{"done": "a"}, {"wait": "c"}], "g": [{"add": {"wg": "d", "n": 0}}]},
            "main": [{"repeat": {"n": 0, "body": [{"wait": "b"}]}}, {"add": {"wg": "a", "n": -2}}]}"#;
        let s = parse(doc).unwrap();
        assert_eq!(s.wgs, ["b", "a", "c", "d"]);
        assert_eq!(s.funcs[0].body, [Op::Done(1), Op::Wait(2)]);
        assert_eq!(s.main[1], Op::Add { wg: 1, n: -2 });
    }

    #[test]
    fn reads_durations_as_strings_or_nanoseconds() {
        let doc = r#"{"version": 1, "main": [{"work": "20µs"}, {"work": "20μs"}, {"work": "20us"}, {"work": 20000},
            {"sleep": "1h"}, {"net": "0"}, {"syscall": "1m0.5s"}], "actions": [{"at_ns": "2562047h", "gomaxprocs": 1}]}"#;
        let s = parse(doc).unwrap();
        assert_eq!(
            s.main,
            [
                Op::Work(20_000),
                Op::Work(20_000),
                Op::Work(20_000),
                Op::Work(20_000),
                Op::Sleep(3_600_000_000_000),
                Op::Net(0),
                Op::Syscall(60_500_000_000)
            ]
        );
        assert_eq!(s.actions[0].at, ActionAt::Ns(2_562_047 * 3_600_000_000_000));
    }

    #[test]
    fn reads_go_counts_and_each_action() {
        let doc = r#"{"version": 1, "funcs": {"f": []}, "main": [{"go": {"func": "f"}}, {"go": {"func": "f", "n": 3}}],
            "actions": [{"at_step": 0, "spawn": {"func": "f", "n": 2}}, {"at_step": 18446744073709551615, "syscall": {"g": 2, "for": "5ms"}},
                        {"at_ns": 7, "net_ready": {"g": 2000000}}, {"gomaxprocs": 1024, "at_step": 9}]}"#;
        let s = parse(doc).unwrap();
        assert_eq!(s.main, [Op::Go { func: 0, n: 1 }, Op::Go { func: 0, n: 3 }]);
        let kinds: Vec<(ActionAt, ActionKind)> = s.actions.into_iter().map(|a| (a.at, a.kind)).collect();
        assert_eq!(
            kinds,
            [
                (ActionAt::Step(0), ActionKind::Spawn { func: 0, n: 2, on_p: None }),
                (ActionAt::Step(u64::MAX), ActionKind::Syscall { g: 2, dur: 5_000_000 }),
                (ActionAt::Ns(7), ActionKind::NetReady { g: 2_000_000 }),
                (ActionAt::Step(9), ActionKind::Gomaxprocs(1024)),
            ]
        );
    }

    #[test]
    fn takes_any_u64_seed_and_rejects_bigger() {
        let s = parse(r#"{"version": 1, "seed": 18446744073709551615, "main": []}"#).unwrap();
        assert_eq!(s.seed, u64::MAX);
        check(
            r#"{"version": 1, "seed": 18446744073709551616, "main": []}"#,
            expect!["seed: must be an integer from 0 to 18446744073709551615, got 18446744073709552000"],
        );
        check(r#"{"version": 1, "seed": "7", "main": []}"#, expect!["seed: expected an integer, found a string"]);
        check(
            r#"{"version": 1, "seed": 1e3, "main": []}"#,
            expect!["seed: expected an integer, found a floating-point number (1000.0)"],
        );
        check(r#"{"version": 1, "seed": -0, "main": []}"#, expect!["seed: expected an integer, found a floating-point number (-0.0)"]);
    }

    #[test]
    fn records_costs_in_document_order() {
        let s = parse(r#"{"version": 1, "main": [], "costs": {"spawn": 0, "g_switch": "1s"}}"#).unwrap();
        assert_eq!(s.costs_set, ["spawn", "g_switch"]);
        assert_eq!((s.costs.spawn, s.costs.g_switch), (0, 1_000_000_000));
        assert_eq!(s.costs.m_wake, Costs::default().m_wake);
    }

    #[test]
    fn counts_name_lengths_in_characters() {
        let ok = format!(r#"{{"version": 1, "name": "{}", "main": []}}"#, "é".repeat(120));
        assert!(parse(&ok).is_ok());
        let long = format!(
            r#"{{"version": 1, "name": "{}", "description": "{}", "main": []}}"#,
            "é".repeat(121),
            "x".repeat(4001)
        );
        assert_eq!(
            problems(&long),
            ["name: must be at most 120 characters, got 121", "description: must be at most 4000 characters, got 4001"]
        );
    }

    #[test]
    fn counts_goroutines_exactly_against_the_limit() {
        // 1 (main) + 1_999_999 = the limit.
        let at_limit = program("{\"g\": []}", r#"[{"repeat": {"n": 1999999, "body": [{"go": "g"}]}}]"#);
        assert!(parse(&at_limit).is_ok());
        let over = program("{\"g\": []}", r#"[{"repeat": {"n": 2000000, "body": [{"go": "g"}]}}]"#);
        assert_eq!(
            problems(&over),
            ["the program would create 2000001 goroutines (main included); the limit is 2000000"]
        );
        // Through funcs: main starts 1000 f, each starting 1999 g: 1 + 1000 * (1 + 1999).
        let through =
            program(r#"{"f": [{"go": {"func": "g", "n": 1999}}], "g": []}"#, r#"[{"go": {"func": "f", "n": 1000}}]"#);
        assert_eq!(
            problems(&through),
            ["the program would create 2000001 goroutines (main included); the limit is 2000000"]
        );
        // Spawn actions count too.
        let spawned = r#"{"version": 1, "funcs": {"f": [{"go": {"func": "g", "n": 1000}}], "g": []},
            "main": [], "actions": [{"at_step": 1, "spawn": {"func": "f", "n": 2000}}]}"#;
        assert_eq!(
            problems(spawned),
            ["the program would create 2002001 goroutines (main included); the limit is 2000000"]
        );
    }

    #[test]
    fn counts_ops_executed_against_the_limit() {
        let at_limit = program("{}", r#"[{"repeat": {"n": 500000000, "body": [{"work": 1}, "gosched"]}}]"#);
        assert!(parse(&at_limit).is_ok());
        let over = program("{}", r#"[{"work": 1}, {"repeat": {"n": 500000000, "body": [{"work": 1}, "gosched"]}}]"#);
        assert_eq!(
            problems(&over),
            ["the program would execute 1000000001 ops in all goroutines; the limit is 1000000000"]
        );
        let huge = program(
            r#"{"f": [{"repeat": {"n": 1000000000, "body": [{"repeat": {"n": 1000000000, "body": [{"go": {"func": "g", "n": 1000000000}}]}}]}}], "g": [{"work": 1}]}"#,
            r#"[{"repeat": {"n": 1000000000, "body": [{"go": {"func": "f", "n": 1000000000}}]}}]"#,
        );
        assert_eq!(
            problems(&huge),
            [
                "the program would create at least 18446744073709551615 goroutines (main included); the limit is 2000000",
                "the program would execute at least 18446744073709551615 ops in all goroutines; the limit is 1000000000"
            ]
        );
    }

    #[test]
    fn enforces_nesting_and_size_limits() {
        let mut body = r#"[{"work": 1}]"#.to_string();
        for _ in 0..17 {
            body = format!(r#"[{{"repeat": {{"n": 1, "body": {body}}}}}]"#);
        }
        let deepest = format!("main{}[0].repeat", "[0].repeat.body".repeat(16));
        assert_eq!(
            problems(&program("{}", &body)),
            [format!("{deepest}: repeats are nested 17 deep here; the limit is 16")]
        );

        let ops = vec![r#"{"work": 1}"#; MAX_OPS_PER_BODY + 1].join(",");
        assert_eq!(
            problems(&program("{}", &format!("[{ops}]"))),
            ["main: has 10001 ops (nested ones included); the limit is 10000"]
        );

        let chans: Vec<String> = (0..=MAX_DECLS).map(|i| format!("\"c{i}\": 0")).collect();
        let doc = format!(r#"{{"version": 1, "chans": {{{}}}, "main": []}}"#, chans.join(","));
        assert_eq!(problems(&doc), ["chans: declares 1001 channels; the limit is 1000"]);

        let wgs: Vec<String> = (0..=MAX_DECLS).map(|i| format!("{{\"wait\": \"w{i}\"}}")).collect();
        assert_eq!(
            problems(&program("{}", &format!("[{}]", wgs.join(",")))),
            ["main[1000].wait: too many WaitGroups; the limit is 1000"]
        );

        let big = format!(r#"{{"version": 1, "main": [], "description": "{}"}}"#, " ".repeat(MAX_DOCUMENT_BYTES));
        assert_eq!(problems(&big), ["the document is 1048621 bytes; the limit is 1048576 bytes"]);
    }

    #[test]
    fn survives_deep_json_nesting() {
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(problems(&deep), ["line 1, column 128: recursion limit exceeded"]);
    }

    /// JSON values built from the format's own words, so that generated documents reach deep
    /// into the checks.
    fn scenario_like() -> impl Strategy<Value = Value> {
        let words = prop::sample::select(vec![
            "version",
            "name",
            "main",
            "funcs",
            "chans",
            "actions",
            "costs",
            "seed",
            "gomaxprocs",
            "work",
            "go",
            "func",
            "n",
            "repeat",
            "body",
            "send",
            "recv",
            "close",
            "add",
            "wg",
            "done",
            "wait",
            "gosched",
            "at_step",
            "at_ns",
            "spawn",
            "on_p",
            "syscall",
            "net_ready",
            "g",
            "for",
            "f",
            "c",
            "g_switch",
            "1ms",
            "lock_os_thread",
        ]);
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            (-3i64..5).prop_map(Value::from),
            any::<f64>().prop_map(|x| json!(x)),
            words.clone().prop_map(Value::from),
            "\\PC{0,8}".prop_map(Value::from),
        ];
        leaf.prop_recursive(6, 64, 6, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec((words.clone(), inner), 0..6)
                    .prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn never_panics_on_any_text(text in "\\PC{0,200}") {
            let _ = parse(&text);
        }

        #[test]
        fn never_panics_on_scenario_like_json(v in scenario_like(), funcs in scenario_like(), main in scenario_like()) {
            let _ = parse(&v.to_string());
            let doc = json!({
                "version": 1,
                "funcs": {"f": funcs, "g": [{"go": "f"}]},
                "chans": {"c": 1},
                "main": main,
                "actions": [v],
            });
            match parse(&doc.to_string()) {
                // Whatever was read writes back to the same scenario.
                Ok(s) => prop_assert_eq!(parse(&s.to_json()), Ok(s)),
                Err(problems) => {
                    prop_assert!(!problems.is_empty());
                    prop_assert!(problems.iter().all(|p| !p.message.is_empty()));
                }
            }
        }
    }
}
