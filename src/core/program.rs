//! A scenario compiled for execution: every body flattened into instructions.
//!
//! Goroutines execute [`Instr`]s with a program counter and a stack of loop counters. Ops that
//! have no effect in Go (`work 0`, `sleep 0`, `net 0`, `repeat 0` and loops whose body is empty
//! after that) are dropped here, so every loop iteration either advances the virtual clock or
//! does something the scheduler sees: a run always makes progress.

use crate::core::scenario::{Op, Scenario};

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
}

impl Program {
    /// Compiles a validated scenario.
    pub fn compile(s: &Scenario) -> Program {
        let mut bodies = Vec::with_capacity(s.funcs.len() + 1);
        for f in &s.funcs {
            bodies.push(compile_body(&f.name, &format!("funcs.{}", f.name), &f.body));
        }
        let main = bodies.len() as u32;
        bodies.push(compile_body("main", "main", &s.main));
        Program {
            bodies,
            main,
            chans: s.chans.iter().map(|c| (c.name.clone(), c.cap)).collect(),
            wgs: s.wgs.clone(),
        }
    }

    /// The name of body `b` (`main` or a func name).
    pub fn body_name(&self, b: u32) -> &str {
        &self.bodies[b as usize].name
    }
}

fn compile_body(name: &str, place: &str, ops: &[Op]) -> Body {
    let mut body = Body { name: name.to_string(), code: Vec::new(), places: Vec::new() };
    emit(&mut body, place, ops);
    body
}

fn emit(body: &mut Body, place: &str, ops: &[Op]) {
    for (i, op) in ops.iter().enumerate() {
        let here = format!("{place}[{i}]");
        let instr = match *op {
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
                emit(body, &format!("{here}.repeat.body"), inner);
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
