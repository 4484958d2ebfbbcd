//! Interventions: what the user can do to a running program (spawn goroutines, block one in a
//! syscall, wake a network wait, change GOMAXPROCS), recorded as the scenario's actions, and the
//! ready-made goroutine bodies ("templates") a spawn can add to any scenario.

use super::Driver;
use crate::core::ids::{GId, PId};
use crate::core::scenario::{Action, ActionAt, ActionKind, ChanDecl, FuncDecl, Op, Scenario};

/// What an intervention from the page asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Intervention {
    /// Spawn `n` goroutines running the scenario's func `func`, or a ready [`Template`].
    Spawn { func: SpawnFunc, n: u32, on_p: Option<PId> },
    /// Goroutine `g` enters a blocking syscall for `dur` ns.
    Syscall { g: GId, dur: u64 },
    /// The network wait of goroutine `g` completes.
    NetReady { g: GId },
    Gomaxprocs(u32),
}

/// What to spawn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SpawnFunc {
    /// A func of the scenario, by name.
    Func(String),
    Template(Template),
}

/// Ready-made goroutine bodies a user can spawn into any scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Template {
    Cpu,
    Net,
    Syscall,
    Sleeper,
    PingPong,
}

impl Template {
    pub const ALL: [Template; 5] = [Template::Cpu, Template::Net, Template::Syscall, Template::Sleeper, Template::PingPong];

    /// Words for the menu.
    pub fn label(self) -> &'static str {
        match self {
            Template::Cpu => "CPU-bound (work 20ms)",
            Template::Net => "network I/O (net 5ms, work 200µs)",
            Template::Syscall => "blocking syscall (syscall 3ms, work 100µs)",
            Template::Sleeper => "sleeper (sleep 2ms, work 100µs)",
            Template::PingPong => "channel ping-pong (a pair)",
        }
    }

    /// A stable name for forms and tests.
    pub fn key(self) -> &'static str {
        match self {
            Template::Cpu => "tpl_cpu",
            Template::Net => "tpl_net",
            Template::Syscall => "tpl_syscall",
            Template::Sleeper => "tpl_sleeper",
            Template::PingPong => "tpl_ping",
        }
    }

    pub fn from_key(k: &str) -> Option<Template> {
        Template::ALL.into_iter().find(|t| t.key() == k)
    }

    /// The funcs it needs: (name, body).
    fn funcs(self, chan: u32) -> Vec<(&'static str, Vec<Op>)> {
        const MS: u64 = 1_000_000;
        const US: u64 = 1_000;
        match self {
            Template::Cpu => vec![("tpl_cpu", vec![Op::Work(20 * MS)])],
            Template::Net => vec![("tpl_net", vec![Op::Net(5 * MS), Op::Work(200 * US)])],
            Template::Syscall => vec![("tpl_syscall", vec![Op::Syscall(3 * MS), Op::Work(100 * US)])],
            Template::Sleeper => vec![("tpl_sleeper", vec![Op::Sleep(2 * MS), Op::Work(100 * US)])],
            Template::PingPong => vec![
                ("tpl_ping", vec![Op::Repeat { n: 5, body: vec![Op::Send(chan), Op::Work(50 * US), Op::Recv(chan)] }]),
                ("tpl_pong", vec![Op::Repeat { n: 5, body: vec![Op::Recv(chan), Op::Work(50 * US), Op::Send(chan)] }]),
            ],
        }
    }
}

/// Name of the channel the ping-pong template uses.
pub const PINGPONG_CHAN: &str = "tpl_pingpong";

/// Why an intervention was not made: one line per problem (a scenario's problems, with their
/// places, when the scenario with it would not be valid).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refused(pub Vec<String>);

impl Refused {
    fn one(s: impl Into<String>) -> Refused {
        Refused(vec![s.into()])
    }

    pub fn lines(&self) -> Vec<String> {
        self.0.clone()
    }
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.join("; "))
    }
}

/// Adds the ready template's funcs (and channel) to `scenario` if missing. Returns the index of
/// its (first) func.
fn ensure_template(scenario: &mut Scenario, t: Template) -> u32 {
    let chan = match scenario.chans.iter().position(|c| c.name == PINGPONG_CHAN) {
        Some(i) => i as u32,
        None if t == Template::PingPong => {
            scenario.chans.push(ChanDecl::new(PINGPONG_CHAN, 0));
            scenario.chans.len() as u32 - 1
        }
        None => 0,
    };
    let mut first = None;
    for (name, body) in t.funcs(chan) {
        let i = match scenario.funcs.iter().position(|f| f.name == name) {
            Some(i) => i,
            None => {
                scenario.funcs.push(FuncDecl { name: name.into(), body });
                scenario.funcs.len() - 1
            }
        };
        first.get_or_insert(i as u32);
    }
    first.expect("a template has a func")
}

impl Driver {
    /// Records an intervention at the current step and runs the step that applies it. Returns
    /// the action as recorded, or why it cannot be made now. The scenario with the intervention
    /// is checked as any scenario is (`core::scenario::parse`, the published limits included),
    /// so the running scenario's text always parses.
    pub fn intervene(&mut self, what: &Intervention) -> Result<Action, Refused> {
        if self.step() == 0 {
            return Err(Refused::one("Step once first: the program has not started."));
        }
        if self.sim.finished() {
            return Err(Refused::one("The run has ended; step back or restart first."));
        }
        let n = self.step();
        let at = ActionAt::Step(n);
        let mut cand = self.scenario.clone();
        let mut actions = Vec::new();
        match what {
            Intervention::Spawn { func, n: count, on_p } => {
                if *count == 0 {
                    return Err(Refused::one("Spawn at least one goroutine."));
                }
                if let Some(p) = on_p {
                    if p.0 >= self.sim.gomaxprocs() {
                        return Err(Refused::one(format!("There is no {p} (GOMAXPROCS is {}).", self.sim.gomaxprocs())));
                    }
                }
                let idx = match func {
                    SpawnFunc::Func(name) => cand
                        .funcs
                        .iter()
                        .position(|f| &f.name == name)
                        .ok_or_else(|| Refused::one(format!("There is no func {name:?} in the scenario.")))? as u32,
                    SpawnFunc::Template(t) => ensure_template(&mut cand, *t),
                };
                if let SpawnFunc::Template(Template::PingPong) = func {
                    // The pong goroutines first: the ping ones end up in runnext and start.
                    let pong = cand.funcs.iter().position(|f| f.name == "tpl_pong").expect("template added") as u32;
                    actions.push(Action { at, kind: ActionKind::Spawn { func: pong, n: *count, on_p: *on_p } });
                }
                actions.push(Action { at, kind: ActionKind::Spawn { func: idx, n: *count, on_p: *on_p } });
            }
            Intervention::Syscall { g, dur } => actions.push(Action { at, kind: ActionKind::Syscall { g: *g, dur: *dur } }),
            Intervention::NetReady { g } => actions.push(Action { at, kind: ActionKind::NetReady { g: *g } }),
            Intervention::Gomaxprocs(p) => actions.push(Action { at, kind: ActionKind::Gomaxprocs(*p) }),
        }
        cand.actions.extend(actions.iter().cloned());
        if let Err(ps) = crate::core::scenario::parse(&cand.to_json()) {
            return Err(Refused(ps.iter().map(|p| p.to_string()).collect()));
        }
        let rebuild = cand.funcs.len() != self.scenario.funcs.len() || cand.chans.len() != self.scenario.chans.len();
        self.scenario = cand;
        self.record.truncate(n);
        self.events.truncate(n);
        self.output.truncate(n);
        if rebuild {
            // Func indices changed (main's among them): cached events would name the wrong
            // func. The new funcs are not used before step n, so the run up to here is the same.
            self.events.clear();
            self.sim = self.history.rebuild(&self.scenario, n);
        } else {
            for a in &actions {
                self.history.add_action(n, a);
                self.sim.add_action(a.clone());
            }
        }
        self.one_step = false;
        // The next step applies the actions recorded at step n, one per step.
        self.forward();
        Ok(actions.pop().expect("an action"))
    }
}
