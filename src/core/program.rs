//! A scenario compiled for execution: every body flattened into instructions.
//!
//! Goroutines execute [`Instr`]s with a program counter and a stack of loop counters. Ops that
//! have no effect in Go (`work 0`, `sleep 0`, `net 0`, `repeat 0` and loops whose body is empty
//! after that) are dropped here, so every loop iteration either advances the virtual clock or
//! does something the scheduler sees: a run always makes progress.

use crate::core::scenario::print::Val;
use crate::core::scenario::{Arg, Op, Scenario};

/// One instruction of a compiled body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Instr {
    /// [`Op::Work`]: CPU work for the duration.
    Work(u64),
    /// [`Op::Syscall`]: a blocking syscall for the duration.
    Syscall(u64),
    /// [`Op::Net`]: a network wait for the duration.
    Net(u64),
    /// [`Op::Sleep`].
    Sleep(u64),
    /// [`Op::Go`]: `go func()`, `n` times.
    Go { func: u32, n: u32 },
    /// [`Op::Gosched`].
    Gosched,
    /// [`Op::Send`] on the channel.
    Send(u32),
    /// [`Op::Recv`] on the channel.
    Recv(u32),
    /// [`Op::Close`] of the channel.
    Close(u32),
    /// [`Op::Add`] (and [`Op::Done`], `n` = -1) on the WaitGroup.
    Add { wg: u32, n: i64 },
    /// [`Op::Wait`] on the WaitGroup.
    Wait(u32),
    /// [`Op::Gomaxprocs`].
    Gomaxprocs(u32),
    /// [`Op::LockOsThread`].
    LockOsThread,
    /// [`Op::UnlockOsThread`].
    UnlockOsThread,
    /// Start of a `repeat`: push `n` on the loop stack.
    Loop { n: u64 },
    /// End of a `repeat` body: count one iteration down; jump back to `start + 1` while any are
    /// left.
    EndLoop { start: u32 },
    /// [`Op::Print`]: print [`Program::prints`]`[i]`.
    Print(u32),
    /// [`Op::SendValue`]: send [`Program::operands`]`[value]` on the channel.
    SendValue { chan: u32, value: u32 },
    /// After a receive: keep the value received in variable `slot` (0 if the channel was
    /// closed). Takes no time.
    Take { slot: u32 },
    /// In a `range`: leave the loop (jump to `end`) if the receive just done found the
    /// channel closed. Takes no time.
    BreakIfClosed { end: u32 },
    /// End of a `range` body: jump back to its receive. Takes no time.
    Jump { to: u32 },
    /// [`Op::GoArgs`]: `go func()`, `n` times, setting the variables [`Program::go_args`]`[args]`.
    GoArgs { func: u32, n: u32, args: u32 },
    /// Variable `slot` = [`Program::operands`]`[value]` (a `for` loop's start). Takes no time.
    SetVar { slot: u32, value: u32 },
    /// Variable `slot` += 1 (a `for` loop's step). Takes no time.
    IncVar { slot: u32 },
}

/// Where an instruction's value comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Operand {
    /// A constant.
    Const(Val),
    /// The goroutine's variable in this slot.
    Var(u32),
}

/// A compiled `print` op.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrintSpec {
    /// `Printf`'s format; `None` for `Println`.
    pub format: Option<String>,
    /// Its operands.
    pub args: Vec<Operand>,
}

/// A compiled body (main or a func).
#[derive(Clone, Debug)]
pub struct Body {
    /// `main` or the func's name.
    pub name: String,
    /// Its instructions, in order.
    pub code: Vec<Instr>,
    /// For each instruction, its place in the document (`main[2]`, `funcs.worker[1].repeat.body[0]`).
    pub places: Vec<String>,
    /// Its goroutine variables, by slot (empty for every version-1 scenario without values).
    pub vars: Vec<String>,
}

/// The compiled program.
#[derive(Clone, Debug)]
pub struct Program {
    /// Funcs in document order, then main (index [`Program::main`]).
    pub bodies: Vec<Body>,
    /// Index of main's body.
    pub main: u32,
    /// Channel names and capacities.
    pub chans: Vec<(String, u32)>,
    /// WaitGroup names.
    pub wgs: Vec<String>,
    /// The `print` ops, referred to by [`Instr::Print`].
    pub prints: Vec<PrintSpec>,
    /// Operands of [`Instr::SendValue`] and [`Instr::SetVar`].
    pub operands: Vec<Operand>,
    /// Variables set by [`Instr::GoArgs`]: the new goroutine's slot and the creator's operand.
    pub go_args: Vec<Vec<(u32, Operand)>>,
}

impl Program {
    /// Compiles a validated scenario.
    pub fn compile(s: &Scenario) -> Program {
        // Every body's variables first: those it names, then those `go` ops set in it.
        let mut vars: Vec<Vec<String>> = s.funcs.iter().map(|f| names_in(&f.body)).collect();
        vars.push(names_in(&s.main));
        for ops in s.funcs.iter().map(|f| &f.body).chain([&s.main]) {
            go_arg_names(ops, &mut vars);
        }
        let mut tables = Tables { vars, prints: Vec::new(), operands: Vec::new(), go_args: Vec::new() };
        let mut bodies = Vec::with_capacity(s.funcs.len() + 1);
        for (i, f) in s.funcs.iter().enumerate() {
            bodies.push(compile_body(&f.name, &format!("funcs.{}", f.name), &f.body, i, &mut tables));
        }
        let main = bodies.len() as u32;
        bodies.push(compile_body("main", "main", &s.main, main as usize, &mut tables));
        Program {
            bodies,
            main,
            chans: s.chans.iter().map(|c| (c.name.clone(), c.cap)).collect(),
            wgs: s.wgs.clone(),
            prints: tables.prints,
            operands: tables.operands,
            go_args: tables.go_args,
        }
    }

    /// The name of body `b` (`main` or a func name).
    pub fn body_name(&self, b: u32) -> &str {
        &self.bodies[b as usize].name
    }
}

/// The program's tables while its bodies compile.
struct Tables {
    vars: Vec<Vec<String>>,
    prints: Vec<PrintSpec>,
    operands: Vec<Operand>,
    go_args: Vec<Vec<(u32, Operand)>>,
}

impl Tables {
    fn slot(&self, body: usize, var: &str) -> u32 {
        self.vars[body].iter().position(|v| v == var).expect("every variable named has a slot") as u32
    }

    fn operand(&self, body: usize, a: &Arg) -> Operand {
        match a {
            Arg::Int(n) => Operand::Const(Val::Int(*n)),
            Arg::Str(s) => Operand::Const(Val::Str(s.clone())),
            Arg::Var(v) => Operand::Var(self.slot(body, v)),
        }
    }

    fn push_operand(&mut self, o: Operand) -> u32 {
        self.operands.push(o);
        self.operands.len() as u32 - 1
    }
}

/// The variables `ops` name, in order of first appearance.
fn names_in(ops: &[Op]) -> Vec<String> {
    fn add(out: &mut Vec<String>, v: &str) {
        if !out.iter().any(|x| x == v) {
            out.push(v.to_string());
        }
    }
    fn arg(out: &mut Vec<String>, a: &Arg) {
        if let Arg::Var(v) = a {
            add(out, v);
        }
    }
    fn walk(out: &mut Vec<String>, ops: &[Op]) {
        for op in ops {
            match op {
                Op::Print { args, .. } => args.iter().for_each(|a| arg(out, a)),
                Op::SendValue { value, .. } => arg(out, value),
                Op::RecvInto { var, .. } => add(out, var),
                Op::GoArgs { args, .. } => args.iter().for_each(|(_, a)| arg(out, a)),
                Op::Range { var, body, .. } => {
                    if let Some(v) = var {
                        add(out, v);
                    }
                    walk(out, body);
                }
                Op::For { var, body, .. } => {
                    add(out, var);
                    walk(out, body);
                }
                Op::Repeat { body, .. } => walk(out, body),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    walk(&mut out, ops);
    out
}

/// Adds the variables `go` ops in `ops` set to their funcs' lists.
fn go_arg_names(ops: &[Op], vars: &mut [Vec<String>]) {
    for op in ops {
        match op {
            Op::GoArgs { func, args, .. } => {
                let list = &mut vars[*func as usize];
                for (name, _) in args {
                    if !list.contains(name) {
                        list.push(name.clone());
                    }
                }
            }
            Op::Repeat { body, .. } | Op::For { body, .. } | Op::Range { body, .. } => go_arg_names(body, vars),
            _ => {}
        }
    }
}

fn compile_body(name: &str, place: &str, ops: &[Op], ix: usize, t: &mut Tables) -> Body {
    let mut body = Body { name: name.to_string(), code: Vec::new(), places: Vec::new(), vars: t.vars[ix].clone() };
    emit(&mut body, place, ops, ix, t);
    body
}

fn emit(body: &mut Body, place: &str, ops: &[Op], ix: usize, t: &mut Tables) {
    for (i, op) in ops.iter().enumerate() {
        let here = format!("{place}[{i}]");
        let at = |body: &mut Body, instr: Instr, place: &str| {
            body.code.push(instr);
            body.places.push(place.to_string());
        };
        let instr = match *op {
            Op::Print { ref format, ref args } => {
                let args = args.iter().map(|a| t.operand(ix, a)).collect();
                t.prints.push(PrintSpec { format: format.clone(), args });
                Instr::Print(t.prints.len() as u32 - 1)
            }
            Op::SendValue { chan, ref value } => {
                let o = t.operand(ix, value);
                Instr::SendValue { chan, value: t.push_operand(o) }
            }
            Op::RecvInto { chan, ref var } => {
                at(body, Instr::Recv(chan), &here);
                Instr::Take { slot: t.slot(ix, var) }
            }
            Op::GoArgs { func, n, ref args } => {
                let set = args.iter().map(|(k, a)| (t.slot(func as usize, k), t.operand(ix, a))).collect();
                t.go_args.push(set);
                Instr::GoArgs { func, n, args: t.go_args.len() as u32 - 1 }
            }
            Op::Range { chan, ref var, body: ref inner } => {
                let start = body.code.len() as u32;
                at(body, Instr::Recv(chan), &here);
                if let Some(v) = var {
                    at(body, Instr::Take { slot: t.slot(ix, v) }, &here);
                }
                let brk = body.code.len();
                at(body, Instr::BreakIfClosed { end: 0 }, &here);
                emit(body, &format!("{here}.range.body"), inner, ix, t);
                at(body, Instr::Jump { to: start }, &here);
                body.code[brk] = Instr::BreakIfClosed { end: body.code.len() as u32 };
                continue;
            }
            Op::For { n, ref var, from, body: ref inner } => {
                if n == 0 {
                    continue;
                }
                let slot = t.slot(ix, var);
                let value = t.push_operand(Operand::Const(Val::Int(from)));
                at(body, Instr::SetVar { slot, value }, &here);
                let start = body.code.len();
                at(body, Instr::Loop { n }, &here);
                emit(body, &format!("{here}.repeat.body"), inner, ix, t);
                if body.code.len() == start + 1 {
                    body.code.truncate(start - 1);
                    body.places.truncate(start - 1);
                    continue;
                }
                at(body, Instr::IncVar { slot }, &here);
                Instr::EndLoop { start: start as u32 }
            }
            Op::Work(0) | Op::Sleep(0) | Op::Net(0) => continue,
            Op::Work(d) => Instr::Work(d),
            Op::Syscall(d) => Instr::Syscall(d),
            Op::Net(d) => Instr::Net(d),
            Op::Sleep(d) => Instr::Sleep(d),
            Op::Go { func, n } => Instr::Go { func, n },
            Op::Gosched => Instr::Gosched,
            Op::Send(c) => Instr::Send(c),
            Op::Recv(c) => Instr::Recv(c),
            Op::Close(c) => Instr::Close(c),
            Op::Add { wg, n } => Instr::Add { wg, n },
            Op::Done(wg) => Instr::Add { wg, n: -1 },
            Op::Wait(wg) => Instr::Wait(wg),
            Op::Gomaxprocs(n) => Instr::Gomaxprocs(n),
            Op::LockOsThread => Instr::LockOsThread,
            Op::UnlockOsThread => Instr::UnlockOsThread,
            Op::Repeat { n, body: ref inner } => {
                if n == 0 {
                    continue;
                }
                let start = body.code.len();
                body.code.push(Instr::Loop { n });
                body.places.push(here.clone());
                emit(body, &format!("{here}.repeat.body"), inner, ix, t);
                if body.code.len() == start + 1 {
                    // Nothing left to repeat.
                    body.code.pop();
                    body.places.pop();
                    continue;
                }
                Instr::EndLoop { start: start as u32 }
            }
        };
        body.code.push(instr);
        body.places.push(here);
    }
}
