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
use super::{types, Action, ActionAt, ActionKind, ChanDecl, FuncDecl, Op, Problem, Scenario};
use crate::core::costs::Costs;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;

/// The fields of the document, in the format's order.
const DOCUMENT_FIELDS: [&str; 11] =
    ["version", "name", "description", "gomaxprocs", "seed", "go", "chans", "funcs", "main", "actions", "costs"];

/// The ops written as bare strings.
const BARE_OPS: [&str; 3] = ["gosched", "lock_os_thread", "unlock_os_thread"];

/// The ops written as one-key objects, each with an example of its argument.
const ARG_OPS: [(&str, &str); 14] = [
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
    ("print", r#"{"print": {"args": ["hello", {"var": "i"}]}}"#),
    ("range", r#"{"range": {"chan": "jobs", "var": "v", "body": [...]}}"#),
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
    let mut problems = Vec::new();
    let value = read_json(text, &mut problems)?;
    check(&value, problems)
}

/// [`parse`] of a document already read as a JSON value (the Go importer's): the same
/// checks but those of the text (keys given twice, syntax, its size in bytes).
pub fn parse_value(value: &Value) -> Result<Scenario, Vec<Problem>> {
    check(value, Vec::new())
}

/// The document's checks, after the `problems` reading its text found.
fn check(value: &Value, problems: Vec<Problem>) -> Result<Scenario, Vec<Problem>> {
    let mut checker = Checker { problems, ..Checker::default() };
    let scenario = checker.document(value);
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
    let result = Build { place: String::new(), problems, last_wins: false }.deserialize(&mut de).and_then(|v| de.end().map(|()| v));
    result.map_err(|e| {
        let message = e.to_string();
        // serde_json ends its message with " at line L column C"; the place says that.
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        let message = message.strip_suffix(&suffix).unwrap_or(&message).to_string();
        let place = if e.line() == 0 { String::new() } else { format!("line {}, column {}", e.line(), e.column()) };
        vec![Problem { place, message }]
    })
}

/// `serde_json::from_str::<Value>(text)`, made by [`Build`] so that the page's wasm carries one
/// builder of JSON values, not serde_json's too: a key given twice keeps its first place and
/// its last value, as serde_json's map does, and is not reported.
pub(crate) fn json_value(text: &str) -> Result<Value, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let v = Build { place: String::new(), problems: &mut Vec::new(), last_wins: true }.deserialize(&mut de)?;
    de.end()?;
    Ok(v)
}

/// Builds a `Value` like serde_json's own, but reports keys given twice (unless `last_wins`).
struct Build<'p> {
    place: String,
    problems: &'p mut Vec<Problem>,
    /// A key given twice: its last value replaces the first, unreported (serde_json's way).
    last_wins: bool,
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
            match seq.next_element_seed(Build { place, problems: &mut *self.problems, last_wins: self.last_wins })? {
                Some(v) => items.push(v),
                None => return Ok(Value::Array(items)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut fields = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let place = join(&self.place, &key);
            let v = map.next_value_seed(Build { place, problems: &mut *self.problems, last_wins: self.last_wins })?;
            if !self.last_wins && fields.contains_key(&key) {
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
    /// The `go` ops inside a `range` over a channel: the channel and the op's place.
    range_gos: Vec<(u32, String)>,
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
                    self.say(place, out_of_range(&crate::core::shortest::Shortest(x)));
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
        for (name, v) in m {
            let here = join("chans", name);
            let (mut cap, mut elem) = (v, types::Ty::Unknown);
            if v.is_object() {
                // `{"cap": N, "type": T}`: a channel with its declared element type.
                if let Some(o) = self.object(v, &here, r#"{"cap": N, "type": "string"}"#) {
                    self.unknown_fields(o, &here, &["cap", "type"]);
                    cap = o.get("cap").unwrap_or(&Value::Null);
                    if let Some(t) = o.get("type") {
                        match t.as_str().and_then(types::Ty::from_go_name) {
                            Some(ty) => elem = ty,
                            None => self.say(&join(&here, "type"), r#"must be "int", "string", "struct{}" or "any""#),
                        }
                    }
                }
            }
            let cap = self.int(cap, &here, 0, i128::from(MAX_CHAN_CAP)).unwrap_or(0) as u32;
            self.chan_ix.insert(name.clone(), chans.len() as u32);
            chans.push(ChanDecl { name: name.clone(), cap, elem });
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
}

mod actions;
mod body;
mod totals;
mod values;

#[cfg(all(test, not(target_arch = "wasm32")))]
pub(super) mod tests;
