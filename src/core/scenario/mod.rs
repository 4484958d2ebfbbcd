//! Scenarios, version 1: the document a user builds, runs, steps through and shares.
//!
//! `shared/scenario-format.md` is the contract. [`parse`] turns JSON text into a validated
//! [`Scenario`] (every name resolved to an index, every duration to nanoseconds) or into the
//! complete list of [`Problem`]s, each with its place (`main[2].go: unknown func "wrker"`).
//! [`Scenario::to_json`] writes it back; parsing that text gives the same scenario.

mod duration;
mod parse;
pub mod print;
pub mod types;
mod write;

pub use duration::{format_duration, parse_duration};
pub use parse::{parse, parse_value};
pub(crate) use parse::json_value;

use crate::core::costs::Costs;
use crate::core::ids::{GId, PId};
use std::fmt;

/// Published limits. Documents beyond them are rejected with a message naming the place.
pub mod limits {
    /// Largest `gomaxprocs`, at start, in an op or in an action.
    pub const MAX_GOMAXPROCS: u32 = 1024;
    /// Most goroutines one run may create, main included (counted statically: ops have no
    /// conditionals, so the count is exact).
    pub const MAX_GOROUTINES: u64 = 2_000_000;
    /// Longest `name`, in characters.
    pub const MAX_NAME_CHARS: usize = 120;
    /// Longest `description`, in characters.
    pub const MAX_DESCRIPTION_CHARS: usize = 4_000;
    /// Most ops written in one body (main or a func), nested bodies included.
    pub const MAX_OPS_PER_BODY: usize = 10_000;
    /// Deepest nesting of `repeat`.
    pub const MAX_REPEAT_DEPTH: usize = 16;
    /// Largest `repeat.n` and `go.n`.
    pub const MAX_COUNT: u64 = 1_000_000_000;
    /// Most ops one run may execute in all (counted statically, like goroutines).
    pub const MAX_TOTAL_OPS: u64 = 1_000_000_000;
    /// Longest duration of one op: one hour.
    pub const MAX_DURATION_NS: u64 = 3_600_000_000_000;
    /// Most channels, funcs, WaitGroups and actions, each.
    pub const MAX_DECLS: usize = 1_000;
    /// Largest channel capacity.
    pub const MAX_CHAN_CAP: u64 = 1_000_000;
    /// Largest `|n|` of a WaitGroup `add`.
    pub const MAX_WG_DELTA: i64 = 1_000_000_000;
    /// Largest size of a scenario document, in bytes.
    pub const MAX_DOCUMENT_BYTES: usize = 1 << 20;
}

/// The Go release modelled by default: the `proc.go` the simulator was written from.
pub const DEFAULT_GO_MINOR: u32 = 26;
/// The oldest and newest Go releases a scenario may choose (`"go": "1.19"` to `"1.27"`).
pub const GO_MINOR_RANGE: (u32, u32) = (19, 27);

/// A validated scenario: every name resolved, every duration in nanoseconds.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// Always 1.
    pub version: u32,
    /// Its title (may be empty).
    pub name: String,
    /// What it shows, in a sentence or two (may be empty).
    pub description: String,
    /// `GOMAXPROCS` at start, 1 to [`limits::MAX_GOMAXPROCS`].
    pub gomaxprocs: u32,
    /// Drives every random choice.
    pub seed: u64,
    /// The Go release whose rules the run follows, as its minor version (`"go": "1.22"` is
    /// 22); default [`DEFAULT_GO_MINOR`]. Releases before 1.26 follow the rules the
    /// specification marks [OLD].
    pub go: u32,
    /// Channels, in document order; ops refer to them by index.
    pub chans: Vec<ChanDecl>,
    /// Functions, in document order; ops refer to them by index.
    pub funcs: Vec<FuncDecl>,
    /// WaitGroups, in order of first use (main first, then funcs in document order).
    pub wgs: Vec<String>,
    /// The body of G1.
    pub main: Vec<Op>,
    /// User interventions, in document order.
    pub actions: Vec<Action>,
    /// Virtual-time prices, defaults overridden by the document's `costs`.
    pub costs: Costs,
    /// The names the document's `costs` map set, in document order (kept so that writing the
    /// scenario back gives the same document).
    pub costs_set: Vec<String>,
}

/// `chans.NAME: capacity`, or `chans.NAME: {"cap": capacity, "type": T}`.
#[derive(Clone, Debug, PartialEq)]
pub struct ChanDecl {
    /// Its name in the document.
    pub name: String,
    /// 0 is unbuffered.
    pub cap: u32,
    /// Its declared element type (`make(chan string)`); `Unknown` when the document does not
    /// say, and the values sent on it tell ([`types`]).
    pub elem: types::Ty,
}

impl ChanDecl {
    /// A channel whose element type the values sent on it tell.
    pub fn new(name: impl Into<String>, cap: u32) -> ChanDecl {
        ChanDecl { name: name.into(), cap, elem: types::Ty::Unknown }
    }
}

/// `funcs.NAME: [ops]`.
#[derive(Clone, Debug, PartialEq)]
pub struct FuncDecl {
    /// Its name in the document.
    pub name: String,
    /// What a goroutine running it does.
    pub body: Vec<Op>,
}

/// What a goroutine does, in order. Indices refer to [`Scenario::chans`], [`Scenario::funcs`]
/// and [`Scenario::wgs`]; durations are nanoseconds.
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    /// CPU-bound code running for the duration.
    Work(u64),
    /// A blocking system call lasting the duration.
    Syscall(u64),
    /// A network read that becomes ready after the duration.
    Net(u64),
    /// `time.Sleep`.
    Sleep(u64),
    /// `go f()`, `n` times in a row.
    Go { func: u32, n: u32 },
    /// `runtime.Gosched()`.
    Gosched,
    /// `c <- v` on the channel.
    Send(u32),
    /// `<-c` on the channel.
    Recv(u32),
    /// `close(c)`.
    Close(u32),
    /// `wg.Add(n)` (n may be negative).
    Add { wg: u32, n: i64 },
    /// `wg.Done()`.
    Done(u32),
    /// `wg.Wait()`.
    Wait(u32),
    /// A `for` loop running `body` `n` times.
    Repeat { n: u64, body: Vec<Op> },
    /// `runtime.GOMAXPROCS(n)`.
    Gomaxprocs(u32),
    /// `runtime.LockOSThread()`.
    LockOsThread,
    /// `runtime.UnlockOSThread()`.
    UnlockOsThread,
    /// `fmt.Println(args...)` (no `format`) or `fmt.Printf(format, args...)` (version-1
    /// extension, see `FORMAT.md`): writes one event with the printed text.
    Print { format: Option<String>, args: Vec<Arg> },
    /// `c <- value` on the channel: [`Op::Send`] carrying a value.
    SendValue { chan: u32, value: Arg },
    /// `var := <-c`: [`Op::Recv`] keeping the value received in the goroutine's variable.
    RecvInto { chan: u32, var: String },
    /// `for var := range c { body }`: receives until the channel is closed and drained.
    Range { chan: u32, var: Option<String>, body: Vec<Op> },
    /// `go f(args)`, `n` times: [`Op::Go`] setting variables of the new goroutines, each
    /// evaluated by the creating goroutine.
    GoArgs { func: u32, n: u32, args: Vec<(String, Arg)> },
    /// `for var := from; var < from+n; var++ { body }`: [`Op::Repeat`] with a loop variable.
    For { n: u64, var: String, from: i64, body: Vec<Op> },
}

/// A value an op uses: a constant or one of the goroutine's variables.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    /// An integer constant (`42`).
    Int(i64),
    /// A string constant (`"hello"`).
    Str(String),
    /// The goroutine's variable (`{"var": "i"}`): set by a loop, a receive or a `go`'s args.
    Var(String),
}

/// A user intervention and when it happens.
#[derive(Clone, Debug, PartialEq)]
pub struct Action {
    /// When it happens.
    pub at: ActionAt,
    /// What it does.
    pub kind: ActionKind,
}

/// When an action is applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionAt {
    /// After step N has run.
    Step(u64),
    /// When the virtual clock reaches this time (ns).
    Ns(u64),
}

/// What an action does.
#[derive(Clone, Debug, PartialEq)]
pub enum ActionKind {
    /// As if the goroutine running on `on_p` executed `go f()` `n` times; with no `on_p` (or if
    /// that P runs nothing) the goroutines go to the global queue and `wakep` runs.
    Spawn { func: u32, n: u32, on_p: Option<PId> },
    /// Goroutine `g` enters a blocking syscall lasting `dur` ns now if it is running, or as its
    /// next op once it runs.
    Syscall { g: GId, dur: u64 },
    /// The network wait of goroutine `g` completes now.
    NetReady { g: GId },
    /// `runtime.GOMAXPROCS(n)` now.
    Gomaxprocs(u32),
}

/// One thing wrong with a document, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Where: a path such as `main[2].go` or `funcs.worker[0].recv`; empty for the whole
    /// document; `line 3, column 7` for JSON syntax errors.
    pub place: String,
    /// What is wrong, in words.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.place.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.place, self.message)
        }
    }
}

impl Scenario {
    /// The scenario as a JSON document (pretty-printed, fields in the format's order, only
    /// non-default fields). `parse(&s.to_json())` gives `s` back.
    pub fn to_json(&self) -> String {
        write::to_json(self)
    }

    /// `ops` as a document writes them, with every func, channel and WaitGroup by index:
    /// equal texts for equal ops, different ones otherwise (the trace replay shares funcs by
    /// it).
    pub(crate) fn ops_text(ops: &[Op]) -> String {
        write::ops_text(ops)
    }

    /// The document [`Scenario::to_json`] writes, as a JSON value (what parsing that text
    /// with `serde_json` gives, without writing and reading it).
    pub(crate) fn to_value(&self) -> serde_json::Value {
        write::document(self)
    }

    /// A minimal scenario whose main does nothing: the page's starting point.
    pub fn empty() -> Scenario {
        Scenario {
            version: 1,
            name: String::new(),
            description: String::new(),
            gomaxprocs: 4,
            seed: 1,
            go: DEFAULT_GO_MINOR,
            chans: Vec::new(),
            funcs: Vec::new(),
            wgs: Vec::new(),
            main: Vec::new(),
            actions: Vec::new(),
            costs: Costs::default(),
            costs_set: Vec::new(),
        }
    }
}
