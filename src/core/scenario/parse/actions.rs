//! Reading the `actions` (what the user does at a step or a time) and the `costs` map.

use super::*;
use crate::core::ids::{GId, PId};

impl Checker {
    pub(super) fn actions(&mut self, v: &Value) -> Vec<Action> {
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
                let (func, n) = self.func_and_count(m, here);
                let on_p = match m.get("on_p") {
                    None => Some(None),
                    Some(p) => {
                        self.int(p, &join(here, "on_p"), 0, i128::from(MAX_GOMAXPROCS) - 1).map(|p| Some(PId(p as u32)))
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
                Some(ActionKind::Syscall { g: GId(g? as u32), dur: dur? })
            }
            "net_ready" => {
                let m = self.object(v, here, r#"{"g": G}"#)?;
                self.unknown_fields(m, here, &["g"]);
                let g = self.required(m, here, "g").and_then(|g| self.int(g, &join(here, "g"), g_range.0, g_range.1));
                Some(ActionKind::NetReady { g: GId(g? as u32) })
            }
            _ => self.int(v, here, 1, i128::from(MAX_GOMAXPROCS)).map(|n| ActionKind::Gomaxprocs(n as u32)),
        }
    }

    pub(super) fn costs(&mut self, v: &Value) -> (Costs, Vec<String>) {
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
}
