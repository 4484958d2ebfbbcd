//! The event stream: every state change the simulator makes, with the reason in words.
//!
//! An [`Event`] is small and cheap to make (no strings are built while simulating);
//! [`Event::explain`] writes the one-line explanation on demand, naming the Go runtime
//! function responsible. Kind names follow Go's execution tracer where one exists
//! (`GoCreate`, `GoStart`, `ProcSteal`, ...) and add what a learner must see (`Steal`,
//! `RunqOverflow`, `SpinStart`, `Handoff`, ...).

use crate::core::ids::{GId, MId, PId};
use serde::Serialize;
use crate::core::program::Program;
use crate::core::scenario::format_duration;

mod facts;

/// One state change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// The step it belongs to (steps count from 1; one step may make several events).
    pub step: u64,
    /// Virtual time, ns.
    pub t: u64,
    /// The goroutine involved, if any.
    pub g: Option<GId>,
    /// The P involved, if any.
    pub p: Option<PId>,
    /// The M involved, if any.
    pub m: Option<MId>,
    /// What happened.
    pub what: What,
}

/// Where a goroutine was put when it became runnable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Place {
    /// The P's runnext slot; `kicked` is the previous runnext G, moved to the ring's tail.
    Runnext { kicked: Option<GId> },
    /// The tail of the P's local ring.
    LocalTail,
    /// The tail of the global run queue.
    GlobalTail,
}

/// Where `findRunnable` found the goroutine it runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// `runqget`: runnext, inheriting the time slice.
    Runnext,
    /// `runqget`: the head of the local ring.
    Local,
    /// The 1-in-61 fairness check: one G from the global queue's head.
    Fairness,
    /// `globrunqgetbatch`: the first of a batch from the global queue.
    Global,
    /// `runqsteal`: the last G of a stolen batch.
    Steal,
    /// `netpoll`: the head of the list of goroutines whose network wait completed.
    Netpoll,
    /// The main goroutine at program start.
    Start,
    /// `startlockedm`: a locked goroutine handed to its own thread.
    Locked,
}

impl Source {
    /// The name it serializes to (the event's facts, the Perfetto slice's `source` argument).
    pub fn name(self) -> &'static str {
        match self {
            Source::Runnext => "runnext",
            Source::Local => "local",
            Source::Fairness => "fairness",
            Source::Global => "global",
            Source::Steal => "steal",
            Source::Netpoll => "netpoll",
            Source::Start => "start",
            Source::Locked => "locked",
        }
    }
}

/// Why a goroutine stopped running but stayed runnable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// `runtime.Gosched()`.
    Gosched,
    /// Preempted by sysmon after its time slice (`gopreempt_m`).
    Preempted,
    /// Preempted for a stop-the-world; kept first on its P.
    PreemptedStw,
}

/// Why a goroutine blocked (trace reason strings of `GoBlock`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockReason {
    /// A send on the channel: no receiver waits and its buffer is full.
    ChanSend(u32),
    /// A receive on the channel: nothing to receive.
    ChanRecv(u32),
    /// `sync.WaitGroup.Wait`.
    WaitGroup(u32),
    /// `time.Sleep` until the virtual time `until`.
    Sleep { until: u64 },
    /// A network wait whose fd becomes ready at `ready_at`.
    Network { ready_at: u64 },
}

/// What woke a goroutine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WakeCause {
    /// A send on the channel.
    ChanSend(u32),
    /// A receive on the channel.
    ChanRecv(u32),
    /// The channel's close.
    ChanClose(u32),
    /// The WaitGroup's counter reaching 0.
    WaitGroup(u32),
    /// Its sleep's timer.
    Timer,
    /// The netpoller found its network wait complete.
    Network,
}

/// What a channel operation did without blocking.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChanHow {
    /// Handed directly to a waiting partner, which was readied.
    Direct { partner: GId },
    /// Went through the buffer; `len` is the buffer length after.
    Buffered { len: u64, cap: u32 },
    /// Buffered receive that also moved a blocked sender's value into the buffer.
    BufferedWake { partner: GId, len: u64, cap: u32 },
    /// Receive from a closed, drained channel: the zero value.
    Closed,
}

/// Why `handoffp` gave a P to another M, or parked it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HandoffWhy {
    /// The P has local work: it gets an M at once.
    LocalWork,
    /// The global queue has work: the P gets an M at once.
    GlobalWork,
    /// No M spins and no P is idle: the P gets a spinning M.
    NeedSpinner,
    /// It is the last running P and no thread polls the network: it gets an M.
    LastPollerP,
    /// Nothing to do: the P goes on the idle list.
    Idle,
}

/// Which caller of `netpoll` found ready goroutines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PollWhere {
    /// `findRunnable` step 11, non-blocking.
    FindRunnable,
    /// The M blocked in `netpoll` (`findRunnable` step 18) woke.
    Blocked,
    /// sysmon's poll after 10 ms without one.
    Sysmon,
    /// `startTheWorldWithSema`'s non-blocking poll before it restarts the Ps.
    StartTheWorld,
}

/// Why a program panicked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PanicKind {
    /// `send on closed channel`.
    SendOnClosed(u32),
    /// `close of closed channel`.
    CloseOfClosed(u32),
    /// `sync: negative WaitGroup counter`.
    NegativeWaitGroup(u32),
}

/// A user intervention, as applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UserAction {
    /// `n` goroutines running body `func`, created as if by the goroutine on P `on_p`, or put
    /// on the global queue (`global`).
    Spawn { func: u32, n: u32, on_p: Option<PId>, global: bool },
    /// The goroutine enters a syscall lasting `dur`: `now` if it was running, else as its next op.
    Syscall { dur: u64, now: bool },
    /// The goroutine's network wait completes; `applied` if it was waiting on the network.
    NetReady { applied: bool },
    /// `runtime.GOMAXPROCS(n)`.
    Gomaxprocs(u32),
    /// The action could not apply, for the reason given.
    Ignored(&'static str),
}

/// Defines [`What`] and, from its variants, [`Kind`]: the kinds' names (the variants' names),
/// their list and their numeric codes (the variants' order), so that nothing else lists them.
macro_rules! event_kinds {
    (
        $(#[$meta:meta])*
        pub enum What {
            $(
                $(#[$vmeta:meta])*
                $kind:ident $( ( $($tuple:ty),* ) )? $( { $( $(#[$fmeta:meta])* $field:ident : $fty:ty ),* $(,)? } )?
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        pub enum What {
            $(
                $(#[$vmeta])*
                $kind $( ( $($tuple),* ) )? $( { $( $(#[$fmeta])* $field : $fty ),* } )?
            ),*
        }

        /// An event's kind: a [`What`] without its facts. Its name is the variant's name, its
        /// code (the page's compact event index) the variant's position.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[repr(u8)]
        pub enum Kind {
            $( $kind ),*
        }

        impl Kind {
            /// How many kinds there are.
            pub const COUNT: usize = [$( stringify!($kind) ),*].len();

            /// Every kind, in code order.
            pub const ALL: [Kind; Kind::COUNT] = [$( Kind::$kind ),*];

            /// Every kind's name, in code order.
            pub const NAMES: [&'static str; Kind::COUNT] = [$( stringify!($kind) ),*];

            /// Its name (Go's trace name where one exists).
            pub const fn name(self) -> &'static str {
                Kind::NAMES[self as usize]
            }
        }

        impl What {
            /// Its kind.
            pub const fn kind_of(&self) -> Kind {
                match self {
                    $( What::$kind { .. } => Kind::$kind ),*
                }
            }
        }
    };
}

event_kinds! {
    /// What happened, with the facts the explanation needs. Its variants are the event kinds:
    /// a variant's name is its kind's name ([`Kind`]).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize)]
    pub enum What {
        /// `procresize`: GOMAXPROCS changed (or was set at start).
        ProcsChange { from: u32, to: u32 },
        /// `newproc`: a goroutine was created by `parent` (none for main or a user spawn) running
        /// body `func`, and queued at `place`.
        GoCreate { parent: Option<GId>, func: u32, place: Place },
        /// `execute`: the goroutine started running.
        GoStart { from: Source, inherit: bool, schedtick: u32 },
        /// `goschedImpl`: the goroutine stopped and was queued again.
        GoStop { reason: StopReason, place: Place },
        /// `gopark`: the goroutine blocked.
        GoBlock { reason: BlockReason },
        /// `ready`/`goready`: the goroutine became runnable.
        GoUnblock { by: Option<GId>, cause: WakeCause, place: Place },
        /// `goexit0`: the goroutine returned.
        GoDestroy,
        /// `entersyscall`.
        GoSyscallBegin { dur: u64 },
        /// `exitsyscall` fast path: the P was still there.
        GoSyscallEnd,
        /// `exitsyscall` after the P was taken: `got` is the P it found, `None` if the goroutine
        /// went to the global queue.
        GoSyscallEndBlocked { got: Option<PId>, oldp: Option<PId> },
        /// `acquirep`: the M took the P.
        ProcStart,
        /// `releasep` + `pidleput`: the P went idle.
        ProcStop,
        /// `retake`/`takeP`: the P was taken from M `from` whose goroutine is in a syscall.
        ProcSteal { from: MId, by_sysmon: bool, syscall_ns: u64 },
        /// `runqputslow`: the P's ring was full; its oldest `moved - 1` goroutines and one more
        /// went to the global queue.
        RunqOverflow { moved: u32 },
        /// `runqsteal`: this P stole `n` of `victim`'s `of` goroutines.
        Steal { victim: PId, n: u32, of: u32, runnext: bool },
        /// The thief backs off before stealing `victim`'s runnext (`usleep(3)` in `runqgrab`).
        StealBackoff { victim: PId },
        /// `globrunqget`/`globrunqgetbatch`: took `n` of the global queue's `of` goroutines.
        GlobalGrab { n: u32, of: u32, fairness: bool },
        /// sysmon's `retake` asked the running goroutine to stop (`preemptone`).
        Preempt { ran_ns: u64 },
        /// The M started spinning (looking for work to steal).
        SpinStart,
        /// The M stopped spinning; `found` says whether it found work (`resetspinning`).
        SpinStop { found: bool },
        /// `newm`: a new OS thread.
        ThreadCreate { for_p: Option<PId>, spinning: bool, sysmon: bool },
        /// `stopm`: the M parked on the idle list.
        ThreadPark,
        /// `startm` woke an idle M to run P.
        ThreadWake {
            for_p: PId,
            spinning: bool,
            /// Set only on `startlockedm`'s wake-up: the goroutine the woken M is locked to (that
            /// M slept on its own note, not on the idle thread list). Not in the JSON facts: the
            /// `LockedHandoff` event of the same step already names the M.
            #[serde(skip)]
            locked: Option<GId>,
        },
        /// The thread exited (its locked goroutine returned).
        ThreadExit,
        /// `handoffp`: decided what happens to a P that lost its M.
        Handoff { why: HandoffWhy },
        /// `netpoll` returned `n` goroutines whose network wait completed.
        NetpollReady { n: u32, poller: PollWhere },
        /// The M blocked in `netpoll` waiting for the network or a timer (`findRunnable` step 18).
        NetpollBlock { until: Option<u64> },
        /// A timer on `heap`'s timer heap expired and was run by this P (`timers.check`).
        TimerFire { late_ns: u64, heap: PId },
        /// `chansend` on channel `chan` that did not block, done `how`.
        ChanSend { chan: u32, how: ChanHow },
        /// `chanrecv` on channel `chan` that did not block, done `how`.
        ChanRecv { chan: u32, how: ChanHow },
        /// `closechan`: channel `chan` closed, readying `woken` waiting goroutines.
        ChanClose { chan: u32, woken: u32 },
        /// `wg.Add(delta)` / `wg.Done()`; `released` waiters were readied.
        WgAdd { wg: u32, delta: i64, counter: i64, released: u32 },
        /// `wg.Wait()` returned at once (counter already 0).
        WgWait { wg: u32 },
        /// `LockOSThread` / `UnlockOSThread`.
        LockOSThread { locked: bool },
        /// `stoplockedm`: the M locked to a goroutine that blocked gave its P away and sleeps.
        LockedPark,
        /// `startlockedm`: this M gave its P to the thread the goroutine is locked to.
        LockedHandoff { to: MId },
        /// `stopTheWorldWithSema`.
        STWBegin,
        /// `startTheWorldWithSema`.
        STWEnd,
        /// A user intervention.
        Action(UserAction),
        /// `checkdead`: all goroutines are asleep.
        Deadlock,
        /// The program panicked.
        Panic(PanicKind),
        /// A fatal runtime error (thread exhaustion).
        Fatal(&'static str),
        /// main returned: the program exits.
        Exit,
        /// `fmt.Println`/`fmt.Printf` (a `print` op): the goroutine wrote `text` (newline
        /// included, if any) to standard output. What a program has printed up to step N is
        /// the concatenation of the texts of these events up to it.
        Print { text: String },
    }
}

impl What {
    /// The kind name (Go's trace name where one exists).
    pub const fn kind(&self) -> &'static str {
        self.kind_of().name()
    }

    /// Every kind name, for filters.
    pub const KINDS: [&'static str; Kind::COUNT] = Kind::NAMES;
}

impl Kind {
    /// Its numeric code: its position in [`Kind::ALL`].
    pub const fn code(self) -> u8 {
        self as u8
    }

    /// The kind with code `code`.
    pub fn from_code(code: u8) -> Option<Kind> {
        Kind::ALL.get(code as usize).copied()
    }

    /// The kind named `name`.
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| k.name() == name)
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

fn opt<T: std::fmt::Display>(x: Option<T>) -> String {
    x.map(|v| v.to_string()).unwrap_or_else(|| "?".to_string())
}

fn place_words(place: Place, p: &str) -> String {
    match place {
        Place::Runnext { kicked: None } => format!("into {p}'s runnext"),
        Place::Runnext { kicked: Some(k) } => {
            format!("into {p}'s runnext, kicking {k} to the tail of {p}'s local queue")
        }
        Place::LocalTail => format!("at the tail of {p}'s local queue"),
        Place::GlobalTail => "at the tail of the global queue".to_string(),
    }
}

/// One event as a line of a trace: step, time, kind and explanation. `{}` writes the line of
/// `gmpsim run --format trace` (the time in words, [`trace_time`]); `{:#}` the compact line of
/// the golden traces under `tests/` (the time in ns).
pub struct TraceLine<'a> {
    /// The event.
    pub event: &'a Event,
    /// The program it belongs to (for the names in its explanation).
    pub prog: &'a Program,
}

impl std::fmt::Display for TraceLine<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let e = self.event;
        if f.alternate() {
            write!(f, "{:>5} {:>10} {:<19} {}", e.step, e.t, e.kind(), e.explain(self.prog))
        } else {
            write!(f, "{:>7} {:>14} {:<19} {}", e.step, trace_time(e.t), e.kind(), e.explain(self.prog))
        }
    }
}

/// A virtual time as a trace line writes it: `850ns`, `12.500µs`, `1.234567ms`.
pub fn trace_time(ns: u64) -> String {
    if ns >= 1_000_000 {
        format!("{}.{:06}ms", ns / 1_000_000, ns % 1_000_000)
    } else if ns >= 1_000 {
        format!("{}.{:03}µs", ns / 1_000, ns % 1_000)
    } else {
        format!("{ns}ns")
    }
}

impl Event {
    /// The event as a line of a trace (see [`TraceLine`]).
    pub fn trace_line<'a>(&'a self, prog: &'a Program) -> TraceLine<'a> {
        TraceLine { event: self, prog }
    }

    /// The kind name.
    pub fn kind(&self) -> &'static str {
        self.what.kind()
    }

    /// The event's own facts as JSON (`{"victim": 0, "n": 4, "of": 7, ...}` for a Steal),
    /// `null` for kinds that have none. The value of [`Event::detail_json`].
    pub fn detail(&self) -> serde_json::Value {
        match self.detail_json() {
            Some(text) => serde_json::from_str(&text).expect("detail_json writes valid JSON"),
            None => serde_json::Value::Null,
        }
    }

    /// The event's own facts as JSON text, `None` for kinds that have none: the variant's
    /// fields written straight into a string (no `serde_json::Value` tree), in the shape the
    /// derived serializer gives them (`event/facts.rs`).
    pub fn detail_json(&self) -> Option<String> {
        facts::write(&self.what)
    }

    /// The event as one object of `gmpsim run --format jsonl`: step, time, kind, G, P, M (ids
    /// as users see them), the explanation and the facts ([`Event::detail`]).
    pub fn to_json(&self, prog: &Program) -> serde_json::Value {
        serde_json::json!({
            "step": self.step,
            "t": self.t,
            "kind": self.kind(),
            "g": self.g.map(|x| x.0),
            "p": self.p.map(|x| x.0),
            "m": self.m.map(|x| x.0),
            "text": self.explain(prog),
            "detail": self.detail(),
        })
    }

    /// One line in plain words saying what happened and which Go function did it.
    ///
    /// Each case picks a template and fills its slots (see [`fill`]): one table of texts and
    /// one writer, rather than a formatting call per case.
    pub fn explain(&self, prog: &Program) -> String {
        let g = opt(self.g);
        let p = opt(self.p);
        let m = opt(self.m);
        let chan = |c: &u32| ["channel ", prog.chans.get(*c as usize).map(|x| x.0.as_str()).unwrap_or("?")].concat();
        let wg = |w: &u32| ["WaitGroup ", prog.wgs.get(*w as usize).map(|x| x.as_str()).unwrap_or("?")].concat();
        let dur = |ns: u64| format_duration(ns);
        let plural = |n: u64| if n == 1 { "" } else { "s" }.to_string();
        let (mut a, mut b, mut c, mut d) = (String::new(), String::new(), String::new(), String::new());
        let template = match &self.what {
            What::ProcsChange { from: 0, to } => {
                (a, b) = (to.to_string(), plural((*to).into()));
                "The program starts: GOMAXPROCS={a}, so the runtime makes {a} P{b}; M0 takes P0 and the others go on the idle list — schedinit/procresize"
            }
            What::ProcsChange { from, to } if from == to => {
                a = to.to_string();
                "GOMAXPROCS is set to {a}, as it was: the world was stopped and restarted, nothing else changes — procresize"
            }
            What::ProcsChange { from, to } => {
                (a, b) = (from.to_string(), to.to_string());
                if to > from {
                    (c, d) = ((to - from).to_string(), plural((to - from).into()));
                    "GOMAXPROCS changes from {a} to {b}: {c} new P{d} join the idle list or get work — procresize"
                } else {
                    c = (from - 1).to_string();
                    "GOMAXPROCS changes from {a} to {b}: P{b}..P{c} are destroyed and their goroutines move to the front of the global queue — procresize"
                }
            }
            What::GoCreate { parent: None, func, .. } if *func == prog.main => "The main goroutine {g} is created to run main — newproc (rt0_go)",
            What::GoCreate { parent, func, place } => {
                a = parent.map(|x| [x.to_string().as_str(), " creates"].concat()).unwrap_or_else(|| "You create".into());
                (b, c) = (prog.body_name(*func).to_string(), place_words(*place, &p));
                "{a} {g} to run {b}(); it goes {c} — newproc/runqput"
            }
            What::GoStart { from, schedtick, .. } => {
                a = schedtick.to_string();
                match from {
                    Source::Runnext => "{m} runs {g} on {p}, from {p}'s runnext, inheriting the current time slice (schedtick stays {a}) — runqget/execute",
                    Source::Local => "{m} runs {g} on {p}, from the head of {p}'s local queue, starting a new time slice (schedtick {a}) — runqget/execute",
                    Source::Fairness => {
                        b = schedtick.wrapping_sub(1).to_string();
                        "{m} runs {g} on {p}, from the global queue: {p}'s schedtick was {b}, a multiple of 61, so it checked the global queue first for fairness (schedtick now {a}) — findRunnable"
                    }
                    Source::Global => "{m} runs {g} on {p}, taken from the global queue (schedtick {a}) — globrunqget/execute",
                    Source::Steal => "{m} runs {g} on {p}, stolen from another P (schedtick {a}) — runqsteal/execute",
                    Source::Netpoll => "{m} runs {g} on {p}, whose network wait completed (schedtick {a}) — netpoll/execute",
                    Source::Start => "{m} runs {g} on {p}, as the program's first goroutine — mstart/schedule",
                    Source::Locked => "{m} runs {g} on {p}, on its own locked thread {m} (schedtick {a}) — startlockedm/execute",
                }
            }
            What::GoStop { reason, place } => {
                a = place_words(*place, &p);
                match reason {
                    StopReason::Gosched => "{g} calls runtime.Gosched() and goes {a}, behind all local work — goschedImpl",
                    StopReason::Preempted => "{g} is preempted after its 10 ms time slice and goes {a} — gopreempt_m/goschedImpl",
                    StopReason::PreemptedStw => "{g} is preempted to stop the world and stays first on {p} ({a}) — goschedImpl",
                }
            }
            What::GoBlock { reason } => match reason {
                BlockReason::ChanSend(ch) => {
                    a = chan(ch);
                    "{g} blocks sending on {a}: no receiver is waiting and no buffer space; {m} looks for other work — chansend/gopark"
                }
                BlockReason::ChanRecv(ch) => {
                    a = chan(ch);
                    "{g} blocks receiving from {a}: nothing to receive; {m} looks for other work — chanrecv/gopark"
                }
                BlockReason::WaitGroup(w) => {
                    a = wg(w);
                    "{g} waits on {a} (counter above 0); {m} looks for other work — WaitGroup.Wait/semacquire/gopark"
                }
                BlockReason::Sleep { until } => {
                    a = dur(*until);
                    "{g} sleeps until t={a}: a timer goes on {p}'s heap and {g} parks — time.Sleep/gopark"
                }
                BlockReason::Network { ready_at } => {
                    a = dur(*ready_at);
                    "{g} waits for the network (ready at t={a}); it parks on the netpoller, holding no thread and no P — netpollblock/gopark"
                }
            },
            What::GoUnblock { by, cause, place } => {
                a = place_words(*place, &p);
                b = by.map(|x| [" by ", x.to_string().as_str()].concat()).unwrap_or_default();
                c = match cause {
                    WakeCause::ChanSend(ch) => ["a send on ", &chan(ch)].concat(),
                    WakeCause::ChanRecv(ch) => ["a receive on ", &chan(ch)].concat(),
                    WakeCause::ChanClose(ch) => ["the close of ", &chan(ch)].concat(),
                    WakeCause::WaitGroup(w) => [wg(w).as_str(), " reaching 0"].concat(),
                    WakeCause::Timer => "its timer".to_string(),
                    WakeCause::Network => String::new(),
                };
                if *cause == WakeCause::Network {
                    "{g}'s network wait completed; it goes {a} — injectglist"
                } else {
                    "{g} is woken{b} through {c} and goes {a} (the waker's P) — goready"
                }
            }
            What::GoDestroy => "{g} returns and is destroyed; {m} looks for the next goroutine — goexit0",
            What::GoSyscallBegin { dur: ns } => {
                a = dur(*ns);
                "{g} enters a blocking syscall for {a}; {m} blocks with it while {p} stays attached, for now — entersyscall"
            }
            What::GoSyscallEnd => "{g}'s syscall returns and {m} still has {p}: it keeps running — exitsyscall fast path",
            What::GoSyscallEndBlocked { got, oldp } => {
                a = opt(*oldp);
                match got {
                    Some(np) => {
                        b = np.to_string();
                        "{g}'s syscall returns but {a} was taken meanwhile; {m} acquires {b} and {g} keeps running — exitsyscall/exitsyscallTryGetP"
                    }
                    None => "{g}'s syscall returns but {a} was taken and no P is idle: {g} goes to the global queue and {m} parks — exitsyscallNoP",
                }
            }
            What::ProcStart => "{m} acquires {p} — acquirep",
            What::ProcStop => "{p} has nothing to run and goes on the idle P list — releasep/pidleput",
            What::ProcSteal { from, by_sysmon, syscall_ns } => {
                a = from.to_string();
                if *by_sysmon {
                    b = dur(*syscall_ns);
                    "sysmon takes {p} from {a}, whose goroutine has been in a syscall for {b} — retake/takeP"
                } else {
                    "{m}, back from a syscall, takes its old {p} from {a}, which is itself in a syscall — exitsyscallTryGetP"
                }
            }
            What::RunqOverflow { moved } => {
                (a, b) = ((moved - 1).to_string(), moved.to_string());
                "{p}'s local queue is full (256): its oldest {a} goroutines and one more ({b} in all) move to the global queue — runqputslow"
            }
            What::Steal { victim, n, of, runnext } => {
                b = victim.to_string();
                if *runnext {
                    "{p} found nothing in any queue on its last pass and stole {b}'s runnext goroutine — runqsteal/runqgrab"
                } else {
                    (a, c, d) = (n.to_string(), of.to_string(), plural((*of).into()));
                    "{p} found no local or global work and stole {a} of {b}'s {c} goroutine{d} (half, rounded up) — runqsteal"
                }
            }
            What::StealBackoff { victim } => {
                a = victim.to_string();
                "{m} on {p} sees only {a}'s runnext; it sleeps 3 µs to give {a} the chance to run it itself — runqgrab usleep(3)"
            }
            What::GlobalGrab { n, of, fairness } => {
                (a, b) = (n.to_string(), of.to_string());
                if *fairness {
                    "{p}'s schedtick is a multiple of 61: it takes {a} goroutine from the global queue's {b} before its local queue, so global work is not starved — findRunnable"
                } else {
                    "{p}'s local queue is empty: it takes {a} of the global queue's {b} goroutines (min(128, {b}/GOMAXPROCS+1)) — globrunqgetbatch"
                }
            }
            What::Preempt { ran_ns } => {
                a = dur(*ran_ns);
                "sysmon sees {g} on {p} running for {a} in one time slice (over 10 ms) and asks it to stop — retake/preemptone"
            }
            What::SpinStart => "{m} on {p} starts spinning: it has no work and looks for some to steal — findRunnable",
            What::SpinStop { found: true } => "{m} found work and stops spinning; the last spinner wakes another — resetspinning/wakep",
            What::SpinStop { found: false } => "{m} found nothing and stops spinning — findRunnable",
            What::ThreadCreate { sysmon: true, .. } => "The runtime starts sysmon on its own thread {m}, with no P — newm(sysmon)",
            What::ThreadCreate { for_p, spinning, .. } => {
                a = for_p.map(|x| [" to run ", x.to_string().as_str()].concat()).unwrap_or_default();
                b = if *spinning { " (spinning)" } else { "" }.to_string();
                "No idle thread: the runtime creates a new OS thread {m}{a}{b} — startm/newm"
            }
            What::ThreadPark => "{m} has no P and nothing to do: it parks on the idle thread list — stopm",
            What::ThreadWake { for_p, spinning, locked } => {
                a = for_p.to_string();
                match locked {
                    None => {
                        b = if *spinning { " and look for work (spinning)" } else { "" }.to_string();
                        "{m} is woken from the idle thread list to run {a}{b} — startm/notewakeup"
                    }
                    Some(lg) => {
                        b = lg.to_string();
                        "{m} is locked to {b} and slept on its own note, not with the idle threads: it is handed {a} and woken to run {b} — startlockedm/notewakeup"
                    }
                }
            }
            What::ThreadExit => "{m} exits: its goroutine returned while locked to it — goexit0/mexit",
            What::Handoff { why } => match why {
                HandoffWhy::LocalWork => "{p} has local work, so it gets an M at once — handoffp/startm",
                HandoffWhy::GlobalWork => "The global queue has work, so {p} gets an M at once — handoffp/startm",
                HandoffWhy::NeedSpinner => "No M is spinning and no P is idle, so {p} gets a spinning M to look for work — handoffp/startm",
                HandoffWhy::LastPollerP => "{p} is the last running P and no thread polls the network, so it gets an M — handoffp/startm",
                HandoffWhy::Idle => "{p} has no work: it goes on the idle P list — handoffp/pidleput",
            },
            What::NetpollReady { n, poller } => {
                (a, b) = (n.to_string(), plural((*n).into()));
                match poller {
                    PollWhere::FindRunnable => "{m} polls the network (non-blocking) and finds {a} goroutine{b} whose network wait completed — findRunnable/netpoll(0)/injectglist",
                    PollWhere::Blocked => "{m}, blocked in netpoll, wakes and finds {a} goroutine{b} whose network wait completed — findRunnable/netpoll/injectglist",
                    PollWhere::Sysmon => "sysmon, seeing no poll for 10 ms, finds {a} goroutine{b} whose network wait completed — sysmon/netpoll(0)/injectglist",
                    PollWhere::StartTheWorld => "Restarting the world, the runtime polls the network (non-blocking) and finds {a} goroutine{b} whose network wait completed — startTheWorldWithSema/netpoll(0)/injectglist",
                }
            }
            What::NetpollBlock { until } => {
                a = until.map(|u| [" until t=", &dur(u), " (the next timer)"].concat()).unwrap_or_default();
                "{m} has nothing to run and blocks in netpoll{a}, the one thread waiting for network events — findRunnable"
            }
            What::TimerFire { late_ns, heap } => {
                let h = heap.to_string();
                if h != p {
                    a = [" from ", &h, "'s heap (stealWork's last pass)"].concat();
                }
                if *late_ns > 0 {
                    b = [", ", &dur(*late_ns), " late"].concat();
                }
                "{p} runs {g}'s expired timer{a}{b} — timers.check"
            }
            What::ChanSend { chan: ch, how } | What::ChanRecv { chan: ch, how } => {
                a = chan(ch);
                let send = matches!(self.what, What::ChanSend { .. });
                match *how {
                    ChanHow::Direct { partner } => {
                        b = partner.to_string();
                        if send {
                            "{g} sends on {a} straight to the waiting receiver {b} — chansend/send"
                        } else {
                            "{g} receives from {a} straight from the waiting sender {b} — chanrecv/recv"
                        }
                    }
                    ChanHow::Buffered { len, cap } => {
                        (b, c) = (len.to_string(), cap.to_string());
                        if send {
                            "{g} sends on {a} into its buffer ({b}/{c}) — chansend"
                        } else {
                            "{g} receives from {a}'s buffer ({b}/{c} left) — chanrecv"
                        }
                    }
                    ChanHow::BufferedWake { partner, len, cap } => {
                        (b, c, d) = (len.to_string(), cap.to_string(), partner.to_string());
                        if send {
                            "{g} sends on {a} ({b}/{c}), waking {d} — chansend"
                        } else {
                            "{g} receives from {a}'s buffer and moves waiting sender {d}'s value in ({b}/{c}) — chanrecv/recv"
                        }
                    }
                    ChanHow::Closed => {
                        if send {
                            "{g} sends on closed {a}"
                        } else {
                            "{g} receives the zero value from closed {a} — chanrecv"
                        }
                    }
                }
            }
            What::ChanClose { chan: ch, woken } => {
                a = chan(ch);
                if *woken > 0 {
                    (b, c) = (woken.to_string(), plural((*woken).into()));
                    "{g} closes {a}, waking {b} waiting goroutine{c} — closechan"
                } else {
                    "{g} closes {a} — closechan"
                }
            }
            What::WgAdd { wg: w, delta, counter, released } => {
                (a, b, c) = (wg(w), delta.to_string(), counter.to_string());
                if *released > 0 {
                    d = [", releasing ", &released.to_string(), " waiter", &plural((*released).into()), " in FIFO order (semrelease)"].concat();
                }
                if *delta == -1 {
                    "{g} calls Done() on {a}: counter {c}{d} — WaitGroup.Add"
                } else {
                    "{g} calls Add({b}) on {a}: counter {c}{d} — WaitGroup.Add"
                }
            }
            What::WgWait { wg: w } => {
                a = wg(w);
                "{g} calls Wait on {a}: the counter is 0, so it returns at once — WaitGroup.Wait"
            }
            What::LockOSThread { locked: true } => "{g} locks itself to {m}: only {m} will run it, and {m} runs nothing else — LockOSThread",
            What::LockOSThread { locked: false } => "{g} unlocks itself from {m} — UnlockOSThread",
            What::LockedPark => "{m} is locked to {g}, which cannot run now: {m} gives away its P and sleeps until {g} is runnable — stoplockedm",
            What::LockedHandoff { to } => {
                a = to.to_string();
                "{g} is locked to {a}: {m} hands {p} to {a} and parks — startlockedm"
            }
            What::STWBegin if self.g.is_some() => "{g} stops the world: every P stops at its next safe point — stopTheWorldGC",
            What::STWBegin => "The runtime stops the world: every P stops at its next safe point — stopTheWorldGC",
            What::STWEnd => "The world restarts: Ps with work get threads, and one spinner is woken — startTheWorldWithSema",
            What::Action(act) => match act {
                UserAction::Spawn { func, n, on_p, global } => {
                    (a, b) = (n.to_string(), prog.body_name(*func).to_string());
                    match (on_p, global) {
                        (Some(tp), false) => {
                            c = tp.to_string();
                            "You spawn {a} × {b}() as if the goroutine running on {c} executed go — newproc"
                        }
                        _ => "You spawn {a} × {b}() into the global queue and call wakep — injectglist",
                    }
                }
                UserAction::Syscall { dur: ns, now } => {
                    a = dur(*ns);
                    if *now {
                        "You make {g} enter a blocking syscall for {a} now"
                    } else {
                        "You make {g} enter a blocking syscall for {a} as its next op, once it runs"
                    }
                }
                UserAction::NetReady { applied: true } => "You complete {g}'s network wait: its fd is ready; a netpoll will pick it up",
                UserAction::NetReady { applied: false } => "You try to complete {g}'s network wait, but {g} is not waiting on the network: nothing happens",
                UserAction::Gomaxprocs(n) => {
                    a = n.to_string();
                    "You call runtime.GOMAXPROCS({a})"
                }
                UserAction::Ignored(why) => {
                    a = why.to_string();
                    "Your action on {g} does nothing: {a}"
                }
            },
            What::Deadlock => "fatal error: all goroutines are asleep - deadlock! — checkdead",
            What::Panic(k) => match k {
                PanicKind::SendOnClosed(ch) => {
                    a = chan(ch);
                    "panic: send on closed channel ({a} in {g})"
                }
                PanicKind::CloseOfClosed(ch) => {
                    a = chan(ch);
                    "panic: close of closed channel ({a} in {g})"
                }
                PanicKind::NegativeWaitGroup(w) => {
                    a = wg(w);
                    "panic: sync: negative WaitGroup counter ({a} in {g})"
                }
            },
            What::Fatal(msg) => {
                a = msg.to_string();
                "fatal error: {a}"
            }
            What::Exit => "main returns: the program exits, whatever other goroutines are doing — runtime.main/exit(0)",
            What::Print { text } => {
                a = format!("{:?}", text.trim_end_matches('\n'));
                "{g} prints {a} — fmt.Println/Printf: a short write(2) to standard output that returns at once (exitsyscall's fast path keeps the P), so the scheduler carries on as after a channel op"
            }
        };
        fill(template, [&g, &p, &m, &a, &b, &c, &d])
    }
}

/// `template` with each `{g}`, `{p}`, `{m}`, `{a}`, `{b}`, `{c}` and `{d}` replaced by the
/// slot of that name (in that order in `slots`); the values themselves are not scanned.
fn fill(template: &str, slots: [&str; 7]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let bytes = rest.as_bytes();
        let slot = b"gpmabcd".iter().position(|&k| bytes.get(i + 1) == Some(&k)).filter(|_| bytes.get(i + 2) == Some(&b'}'));
        match slot {
            Some(k) => {
                out.push_str(slots[k]);
                rest = &rest[i + 3..];
            }
            None => {
                out.push('{');
                rest = &rest[i + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The kinds' names and codes, as the page, the traces and the golden files know them: a
    /// new kind goes at the end (codes are positions), and none is renamed.
    #[test]
    fn kinds_keep_their_names_and_codes() {
        let names = [
            "ProcsChange", "GoCreate", "GoStart", "GoStop", "GoBlock", "GoUnblock", "GoDestroy",
            "GoSyscallBegin", "GoSyscallEnd", "GoSyscallEndBlocked", "ProcStart", "ProcStop",
            "ProcSteal", "RunqOverflow", "Steal", "StealBackoff", "GlobalGrab", "Preempt",
            "SpinStart", "SpinStop", "ThreadCreate", "ThreadPark", "ThreadWake", "ThreadExit",
            "Handoff", "NetpollReady", "NetpollBlock", "TimerFire", "ChanSend", "ChanRecv",
            "ChanClose", "WgAdd", "WgWait", "LockOSThread", "LockedPark", "LockedHandoff",
            "STWBegin", "STWEnd", "Action", "Deadlock", "Panic", "Fatal", "Exit", "Print",
        ];
        assert_eq!(What::KINDS, names);
        for (i, k) in Kind::ALL.iter().enumerate() {
            assert_eq!(k.code() as usize, i);
            assert_eq!(Kind::from_code(k.code()), Some(*k));
            assert_eq!(Kind::from_name(k.name()), Some(*k));
            assert_eq!(k.to_string(), names[i]);
        }
        assert_eq!(Kind::from_name("StopTheWorld"), None);
        assert_eq!(Kind::from_code(Kind::COUNT as u8), None);
        let e = What::WgWait { wg: 0 };
        assert_eq!((e.kind_of(), e.kind()), (Kind::WgWait, "WgWait"));
        assert_eq!(What::Fatal("x").kind_of(), Kind::Fatal);
    }

    #[test]
    fn a_trace_line_in_both_forms() {
        let s = crate::core::scenario::parse(r#"{"version":1,"gomaxprocs":1,"main":[{"work":"1500us"}]}"#).unwrap();
        let mut sim = crate::core::sim::Sim::new(&s);
        while sim.step() && !sim.events().iter().any(|e| e.kind() == "Exit") {}
        let exit = sim.events().iter().find(|e| e.kind() == "Exit").expect("main returns");
        let text = exit.explain(sim.program());
        let t = exit.t;
        assert!(t > 1_000_000);
        assert_eq!(exit.trace_line(sim.program()).to_string(), format!("{:>7} {:>14} Exit                {text}", exit.step, trace_time(t)));
        assert_eq!(format!("{:#}", exit.trace_line(sim.program())), format!("{:>5} {t:>10} Exit                {text}", exit.step));
        assert_eq!((trace_time(850), trace_time(12_500), trace_time(1_234_567)), ("850ns".into(), "12.500µs".into(), "1.234567ms".into()));
    }
}
