//! Writing a scenario back as a version 1 document.
//!
//! Fields come in the format's order and only when they differ from their default
//! (`gomaxprocs` and `seed` are always written, so a reader sees them); durations are written
//! with [`format_duration`]; `{"go": "f"}` is used when `n` is 1. Objects with no array inside
//! that fit on a line are written on one line (`{"go": {"func": "worker", "n": 4}}`), the rest
//! are indented by two spaces. Reading the text back gives the same [`Scenario`].

use super::duration::format_duration;
use super::{Action, ActionAt, ActionKind, Arg, Op, Scenario};
use serde_json::{Map, Value};

/// Longest object written on one line, in characters.
const INLINE_WIDTH: usize = 80;

/// The scenario as pretty JSON in the format's field order (see the module docs).
pub(super) fn to_json(s: &Scenario) -> String {
    let mut out = String::new();
    write_value(&mut out, &document(s), 0);
    out
}

/// `ops` as the document writes them, funcs, channels and WaitGroups by index (`"#3"`): a
/// text that differs exactly when the ops do.
pub(super) fn ops_text(ops: &[Op]) -> String {
    Names { s: &Scenario::empty() }.ops(ops).to_string()
}

/// The document as a JSON value, keys in the format's order.
pub(super) fn document(s: &Scenario) -> Value {
    let names = Names { s };
    let mut doc = Map::new();
    doc.insert("version".into(), s.version.into());
    if !s.name.is_empty() {
        doc.insert("name".into(), s.name.clone().into());
    }
    if !s.description.is_empty() {
        doc.insert("description".into(), s.description.clone().into());
    }
    doc.insert("gomaxprocs".into(), s.gomaxprocs.into());
    doc.insert("seed".into(), s.seed.into());
    if s.go != super::DEFAULT_GO_MINOR {
        doc.insert("go".into(), format!("1.{}", s.go).into());
    }
    if !s.chans.is_empty() {
        let chans = s
            .chans
            .iter()
            .map(|c| {
                let v = match c.elem {
                    super::types::Ty::Unknown => Value::from(c.cap),
                    t => {
                        let mut m = Map::new();
                        m.insert("cap".into(), Value::from(c.cap));
                        m.insert("type".into(), t.go_name().into());
                        Value::Object(m)
                    }
                };
                (c.name.clone(), v)
            })
            .collect();
        doc.insert("chans".into(), Value::Object(chans));
    }
    if !s.funcs.is_empty() {
        let funcs = s.funcs.iter().map(|f| (f.name.clone(), names.ops(&f.body))).collect();
        doc.insert("funcs".into(), Value::Object(funcs));
    }
    doc.insert("main".into(), names.ops(&s.main));
    if !s.actions.is_empty() {
        doc.insert("actions".into(), s.actions.iter().map(|a| names.action(a)).collect());
    }
    let costs: Map<String, Value> = s
        .costs_set
        .iter()
        .filter_map(|name| Some((name.clone(), Value::from(format_duration(s.costs.get(name)?)))))
        .collect();
    if !costs.is_empty() {
        doc.insert("costs".into(), Value::Object(costs));
    }
    Value::Object(doc)
}

/// An object of `members`, in order (one non-generic builder instead of a `json!` per op).
fn obj(members: &mut [(&str, Value)]) -> Value {
    Value::Object(members.iter_mut().map(|(k, v)| (k.to_string(), std::mem::take(v))).collect())
}

/// An op's value as the document writes it.
fn arg(a: &Arg) -> Value {
    match a {
        Arg::Int(n) => (*n).into(),
        Arg::Str(s) => s.clone().into(),
        Arg::Var(v) => obj(&mut [("var", v.clone().into())]),
    }
}

/// Turns indices back into names (an index with no name, possible only in a scenario built by
/// hand, is written as `#N` so that writing never panics).
struct Names<'a> {
    s: &'a Scenario,
}

impl Names<'_> {
    fn func(&self, i: u32) -> Value {
        name_or_index(self.s.funcs.get(i as usize).map(|f| &f.name), i)
    }

    fn chan(&self, i: u32) -> Value {
        name_or_index(self.s.chans.get(i as usize).map(|c| &c.name), i)
    }

    fn wg(&self, i: u32) -> Value {
        name_or_index(self.s.wgs.get(i as usize), i)
    }

    fn ops(&self, ops: &[Op]) -> Value {
        Value::Array(ops.iter().map(|op| self.op(op)).collect())
    }

    fn op(&self, op: &Op) -> Value {
        let dur = |d: u64| Value::from(format_duration(d));
        let (key, value) = match op {
            Op::Gosched => return "gosched".into(),
            Op::LockOsThread => return "lock_os_thread".into(),
            Op::UnlockOsThread => return "unlock_os_thread".into(),
            Op::Work(d) => ("work", dur(*d)),
            Op::Syscall(d) => ("syscall", dur(*d)),
            Op::Net(d) => ("net", dur(*d)),
            Op::Sleep(d) => ("sleep", dur(*d)),
            Op::Go { func, n: 1 } => ("go", self.func(*func)),
            Op::Go { func, n } => ("go", obj(&mut [("func", self.func(*func)), ("n", (*n).into())])),
            Op::Send(c) => ("send", self.chan(*c)),
            Op::Recv(c) => ("recv", self.chan(*c)),
            Op::Close(c) => ("close", self.chan(*c)),
            Op::Add { wg, n } => ("add", obj(&mut [("wg", self.wg(*wg)), ("n", (*n).into())])),
            Op::Done(wg) => ("done", self.wg(*wg)),
            Op::Wait(wg) => ("wait", self.wg(*wg)),
            Op::Repeat { n, body } => ("repeat", obj(&mut [("n", (*n).into()), ("body", self.ops(body))])),
            Op::Gomaxprocs(n) => ("gomaxprocs", (*n).into()),
            Op::Print { format, args } => {
                let mut m = Vec::new();
                if let Some(f) = format {
                    m.push(("format", f.clone().into()));
                }
                m.push(("args", Value::Array(args.iter().map(arg).collect())));
                ("print", obj(&mut m))
            }
            Op::SendValue { chan, value } => ("send", obj(&mut [("chan", self.chan(*chan)), ("value", arg(value))])),
            Op::RecvInto { chan, var } => ("recv", obj(&mut [("chan", self.chan(*chan)), ("into", var.clone().into())])),
            Op::Range { chan, var, body } => {
                let mut m = vec![("chan", self.chan(*chan))];
                if let Some(v) = var {
                    m.push(("var", v.clone().into()));
                }
                m.push(("body", self.ops(body)));
                ("range", obj(&mut m))
            }
            Op::GoArgs { func, n, args } => {
                let mut m = vec![("func", self.func(*func))];
                if *n != 1 {
                    m.push(("n", (*n).into()));
                }
                let mut members: Vec<(&str, Value)> = args.iter().map(|(k, a)| (k.as_str(), arg(a))).collect();
                m.push(("args", obj(&mut members)));
                ("go", obj(&mut m))
            }
            Op::For { n, var, from, body } => {
                let mut m = vec![("n", (*n).into()), ("var", var.clone().into())];
                if *from != 0 {
                    m.push(("from", (*from).into()));
                }
                m.push(("body", self.ops(body)));
                ("repeat", obj(&mut m))
            }
        };
        obj(&mut [(key, value)])
    }

    fn action(&self, a: &Action) -> Value {
        let when = match a.at {
            ActionAt::Step(n) => ("at_step", n.into()),
            ActionAt::Ns(ns) => ("at_ns", format_duration(ns).into()),
        };
        let what = match &a.kind {
            ActionKind::Spawn { func, n, on_p } => {
                let mut spawn = vec![("func", self.func(*func))];
                if *n != 1 {
                    spawn.push(("n", (*n).into()));
                }
                if let Some(p) = on_p {
                    spawn.push(("on_p", p.0.into()));
                }
                ("spawn", obj(&mut spawn))
            }
            ActionKind::Syscall { g, dur } => ("syscall", obj(&mut [("g", g.0.into()), ("for", format_duration(*dur).into())])),
            ActionKind::NetReady { g } => ("net_ready", obj(&mut [("g", g.0.into())])),
            ActionKind::Gomaxprocs(n) => ("gomaxprocs", (*n).into()),
        };
        obj(&mut [when, what])
    }
}

fn name_or_index(name: Option<&String>, i: u32) -> Value {
    name.map_or_else(|| format!("#{i}"), Clone::clone).into()
}

/// Writes `v` at `indent` spaces: scalars as serde_json does, short array-free objects inside
/// the document on one line, everything else one member per line.
fn write_value(out: &mut String, v: &Value, indent: usize) {
    match v {
        Value::Array(items) if !items.is_empty() => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                push_indent(out, indent + 2);
                write_value(out, item, indent + 2);
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            push_indent(out, indent);
            out.push(']');
        }
        Value::Object(m) if !m.is_empty() => {
            // The document itself (indent 0) always takes one member per line.
            if let Some(line) = inline(v).filter(|l| indent > 0 && l.chars().count() <= INLINE_WIDTH) {
                out.push_str(&line);
                return;
            }
            out.push_str("{\n");
            for (i, (k, item)) in m.iter().enumerate() {
                push_indent(out, indent + 2);
                out.push_str(&Value::from(k.as_str()).to_string());
                out.push_str(": ");
                write_value(out, item, indent + 2);
                out.push_str(if i + 1 < m.len() { ",\n" } else { "\n" });
            }
            push_indent(out, indent);
            out.push('}');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// `v` on one line (`{"a": 1, "b": {"c": "d"}}`), if it holds no non-empty array.
fn inline(v: &Value) -> Option<String> {
    match v {
        Value::Array(items) if !items.is_empty() => None,
        Value::Object(m) if !m.is_empty() => {
            let members: Option<Vec<String>> =
                m.iter().map(|(k, item)| Some(format!("{}: {}", Value::from(k.as_str()), inline(item)?))).collect();
            Some(format!("{{{}}}", members?.join(", ")))
        }
        scalar => Some(scalar.to_string()),
    }
}

fn push_indent(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::super::limits::{
        MAX_CHAN_CAP, MAX_COUNT, MAX_DURATION_NS, MAX_GOMAXPROCS, MAX_GOROUTINES, MAX_WG_DELTA,
    };
    use super::super::{parse, ChanDecl, FuncDecl};
    use super::*;
    use crate::core::costs::Costs;
    use crate::core::ids::{GId, PId};
    use expect_test::expect;
    use proptest::collection::{btree_map, btree_set, vec};
    use proptest::prelude::*;
    use proptest::strategy::Union;

    use super::super::parse::tests::FORMAT_DOC_EXAMPLE;

    #[test]
    fn writes_the_format_doc_example_in_the_formats_order() {
        let s = parse(FORMAT_DOC_EXAMPLE).unwrap();
        expect![[r#"
            {
              "version": 1,
              "name": "Blocking syscall hand-off",
              "description": "Free text shown beside the board.",
              "gomaxprocs": 2,
              "seed": 7,
              "chans": {"jobs": 0, "results": 16},
              "funcs": {
                "worker": [
                  {"recv": "jobs"},
                  {"work": "2ms"},
                  {"syscall": "5ms"},
                  {"done": "wg"}
                ]
              },
              "main": [
                {"add": {"wg": "wg", "n": 4}},
                {"go": {"func": "worker", "n": 4}},
                {
                  "repeat": {
                    "n": 4,
                    "body": [
                      {"send": "jobs"}
                    ]
                  }
                },
                {"wait": "wg"}
              ],
              "actions": [
                {"at_step": 40, "spawn": {"func": "worker", "on_p": 1}},
                {"at_ns": "3ms", "gomaxprocs": 4}
              ],
              "costs": {"g_switch": "200ns", "m_wake": "2us"}
            }"#]]
        .assert_eq(&s.to_json());
        assert_eq!(parse(&s.to_json()), Ok(s));
    }

    #[test]
    fn writes_only_version_gomaxprocs_seed_and_main_for_the_empty_scenario() {
        let s = Scenario::empty();
        expect![[r#"
            {
              "version": 1,
              "gomaxprocs": 4,
              "seed": 1,
              "main": []
            }"#]]
        .assert_eq(&s.to_json());
        assert_eq!(parse(&s.to_json()), Ok(s));
    }

    #[test]
    fn writes_go_with_one_goroutine_as_a_bare_name_and_bare_ops_as_strings() {
        let mut s = Scenario::empty();
        s.funcs.push(FuncDecl { name: "f".into(), body: vec![Op::Gosched] });
        s.main = vec![
            Op::Go { func: 0, n: 1 },
            Op::Go { func: 0, n: 2 },
            Op::LockOsThread,
            Op::UnlockOsThread,
            Op::Work(1_500_000),
        ];
        s.actions.push(Action { at: ActionAt::Ns(0), kind: ActionKind::Spawn { func: 0, n: 1, on_p: None } });
        expect![[r#"
            {
              "version": 1,
              "gomaxprocs": 4,
              "seed": 1,
              "funcs": {
                "f": [
                  "gosched"
                ]
              },
              "main": [
                {"go": "f"},
                {"go": {"func": "f", "n": 2}},
                "lock_os_thread",
                "unlock_os_thread",
                {"work": "1.5ms"}
              ],
              "actions": [
                {"at_ns": "0s", "spawn": {"func": "f"}}
              ]
            }"#]]
        .assert_eq(&s.to_json());
        assert_eq!(parse(&s.to_json()), Ok(s));
    }

    #[test]
    fn writes_long_objects_one_member_per_line() {
        let mut s = Scenario::empty();
        for i in 0..8 {
            s.chans.push(ChanDecl::new(format!("channel_{i}"), i));
        }
        let json = s.to_json();
        assert!(json.contains("\"chans\": {\n    \"channel_0\": 0,\n"), "{json}");
        assert_eq!(parse(&json), Ok(s));
    }

    #[test]
    fn never_panics_on_dangling_indices() {
        let mut s = Scenario::empty();
        s.main = vec![Op::Send(3), Op::Go { func: 9, n: 1 }, Op::Wait(0)];
        let json = s.to_json();
        assert!(json.contains(r##"{"send": "#3"}"##), "{json}");
        assert!(parse(&json).is_err());
    }

    // -- Generated scenarios -------------------------------------------------------------------

    fn name() -> impl Strategy<Value = String> {
        prop_oneof![4 => "[a-z][a-z0-9_]{0,6}", 1 => "\\PC{1,6}"]
    }

    fn duration() -> impl Strategy<Value = u64> {
        prop_oneof![
            Just(0),
            (1..=1000u64).prop_map(|x| x * 1_000),
            (1..=60u64).prop_map(|x| x * 1_000_000_000),
            0..=MAX_DURATION_NS,
        ]
    }

    /// Ops using channels `0..chans`, WaitGroup slots `0..wgs` and funcs in `go_to`.
    fn op(chans: u32, go_to: std::ops::Range<u32>, wgs: u32) -> impl Strategy<Value = Op> {
        let mut leaves: Vec<BoxedStrategy<Op>> = vec![
            duration().prop_map(Op::Work).boxed(),
            duration().prop_map(Op::Syscall).boxed(),
            duration().prop_map(Op::Net).boxed(),
            duration().prop_map(Op::Sleep).boxed(),
            Just(Op::Gosched).boxed(),
            Just(Op::LockOsThread).boxed(),
            Just(Op::UnlockOsThread).boxed(),
            (1..=MAX_GOMAXPROCS).prop_map(Op::Gomaxprocs).boxed(),
            (0..=MAX_COUNT).prop_map(|n| Op::Repeat { n, body: Vec::new() }).boxed(),
        ];
        if chans > 0 {
            leaves.push((0..chans).prop_map(Op::Send).boxed());
            leaves.push((0..chans).prop_map(Op::Recv).boxed());
            leaves.push((0..chans).prop_map(Op::Close).boxed());
        }
        if wgs > 0 {
            leaves.push((0..wgs, -MAX_WG_DELTA..=MAX_WG_DELTA).prop_map(|(wg, n)| Op::Add { wg, n }).boxed());
            leaves.push((0..wgs).prop_map(Op::Done).boxed());
            leaves.push((0..wgs).prop_map(Op::Wait).boxed());
        }
        if !go_to.is_empty() {
            leaves.push((go_to, 1..=3u32).prop_map(|(func, n)| Op::Go { func, n }).boxed());
        }
        Union::new(leaves)
            .prop_recursive(3, 16, 4, |inner| (0..=3u64, vec(inner, 0..4)).prop_map(|(n, body)| Op::Repeat { n, body }))
    }

    /// Renumbers WaitGroup slots in order of first use, as the parser numbers them.
    fn renumber(ops: &mut [Op], slots: &[String], wgs: &mut Vec<String>) {
        for op in ops {
            match op {
                Op::Add { wg, .. } | Op::Done(wg) | Op::Wait(wg) => {
                    let name = &slots[*wg as usize];
                    *wg = match wgs.iter().position(|w| w == name) {
                        Some(i) => i as u32,
                        None => {
                            wgs.push(name.clone());
                            wgs.len() as u32 - 1
                        }
                    };
                }
                Op::Repeat { body, .. } => renumber(body, slots, wgs),
                _ => {}
            }
        }
    }

    fn scenario() -> impl Strategy<Value = Scenario> {
        let decls =
            (btree_map(name(), 0..=MAX_CHAN_CAP as u32, 0..4), btree_set(name(), 0..4), btree_set(name(), 0..4));
        decls.prop_flat_map(|(chans, funcs, slots)| {
            let (nc, nf, nw) = (chans.len() as u32, funcs.len() as u32, slots.len() as u32);
            let bodies: Vec<_> = (0..nf).map(|i| vec(op(nc, i + 1..nf, nw), 0..5)).collect();
            let at = prop_oneof![any::<u64>().prop_map(ActionAt::Step), (0..=i64::MAX as u64).prop_map(ActionAt::Ns)];
            let g = 1..=MAX_GOROUTINES as u32;
            let mut kinds: Vec<BoxedStrategy<ActionKind>> = vec![
                (g.clone(), duration()).prop_map(|(g, dur)| ActionKind::Syscall { g: GId(g), dur }).boxed(),
                g.prop_map(|g| ActionKind::NetReady { g: GId(g) }).boxed(),
                (1..=MAX_GOMAXPROCS).prop_map(ActionKind::Gomaxprocs).boxed(),
            ];
            if nf > 0 {
                let on_p = proptest::option::of(0..MAX_GOMAXPROCS);
                kinds.push(
                    (0..nf, 1..=3u32, on_p).prop_map(|(func, n, on_p)| ActionKind::Spawn { func, n, on_p: on_p.map(PId) }).boxed(),
                );
            }
            let action = (at, Union::new(kinds)).prop_map(|(at, kind)| Action { at, kind });
            let costs = (
                proptest::sample::subsequence(Costs::NAMES.to_vec(), 0..=Costs::NAMES.len()).prop_shuffle(),
                vec(0..=Costs::MAX, Costs::NAMES.len()),
            );
            let header = ("\\PC{0,20}", "\\PC{0,40}", 1..=MAX_GOMAXPROCS, any::<u64>());
            (Just((chans, funcs, slots)), header, bodies, vec(op(nc, 0..nf, nw), 0..6), vec(action, 0..3), costs)
                .prop_map(
                    |((chans, funcs, slots), (name, description, gomaxprocs, seed), bodies, main, actions, costs)| {
                        let slots: Vec<String> = slots.into_iter().collect();
                        let mut wgs = Vec::new();
                        let mut main = main;
                        renumber(&mut main, &slots, &mut wgs);
                        let funcs = funcs
                            .into_iter()
                            .zip(bodies)
                            .map(|(name, mut body)| {
                                renumber(&mut body, &slots, &mut wgs);
                                FuncDecl { name, body }
                            })
                            .collect();
                        let (costs_set, values) = costs;
                        let mut c = Costs::default();
                        for (name, ns) in costs_set.iter().zip(values) {
                            c.set(name, ns);
                        }
                        Scenario {
                            version: 1,
                            name,
                            description,
                            gomaxprocs,
                            seed,
                            go: if seed % 3 == 0 { 19 + (seed % 9) as u32 } else { crate::core::scenario::DEFAULT_GO_MINOR },
                            chans: chans.into_iter().map(|(name, cap)| ChanDecl::new(name, cap)).collect(),
                            funcs,
                            wgs,
                            main,
                            actions,
                            costs: c,
                            costs_set: costs_set.into_iter().map(String::from).collect(),
                        }
                    },
                )
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn parsing_the_written_json_gives_the_scenario_back(s in scenario()) {
            let json = s.to_json();
            let back = parse(&json);
            if let Err(problems) = &back {
                // Generated programs may go beyond the goroutine or op totals; those are not
                // round-trip failures.
                prop_assume!(!problems.iter().all(|p| p.place.is_empty() && p.message.starts_with("the program would")));
            }
            prop_assert_eq!(back, Ok(s), "{}", json);
        }
    }
}
