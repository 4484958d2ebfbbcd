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
    /// `null` for kinds that have none.
    pub fn detail(&self) -> serde_json::Value {
        match serde_json::to_value(&self.what) {
            Ok(serde_json::Value::Object(m)) if m.len() == 1 => {
                let (_, inner) = m.into_iter().next().expect("one entry");
                match inner {
                    serde_json::Value::Object(_) => inner,
                    other => serde_json::json!({ "value": other }),
                }
            }
            _ => serde_json::Value::Null,
        }
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
    pub fn explain(&self, prog: &Program) -> String {
        let g = opt(self.g);
        let p = opt(self.p);
        let m = opt(self.m);
        let chan = |c: &u32| format!("channel {}", prog.chans.get(*c as usize).map(|x| x.0.as_str()).unwrap_or("?"));
        let wg = |w: &u32| format!("WaitGroup {}", prog.wgs.get(*w as usize).map(|x| x.as_str()).unwrap_or("?"));
        let dur = |ns: u64| format_duration(ns);
        match &self.what {
            What::ProcsChange { from: 0, to } => format!(
                "The program starts: GOMAXPROCS={to}, so the runtime makes {to} P{}; M0 takes P0 and the others go on the idle list — schedinit/procresize",
                if *to == 1 { "" } else { "s" }
            ),
            What::ProcsChange { from, to } if from == to => format!(
                "GOMAXPROCS is set to {to}, as it was: the world was stopped and restarted, nothing else changes — procresize"
            ),
            What::ProcsChange { from, to } => format!(
                "GOMAXPROCS changes from {from} to {to}: {} — procresize",
                if to > from {
                    format!("{} new P{} join the idle list or get work", to - from, if to - from == 1 { "" } else { "s" })
                } else {
                    format!("P{to}..P{} are destroyed and their goroutines move to the front of the global queue", from - 1)
                }
            ),
            What::GoCreate { parent: None, func, .. } if *func == prog.main => {
                format!("The main goroutine {g} is created to run main — newproc (rt0_go)")
            }
            What::GoCreate { parent, func, place } => format!(
                "{} {g} to run {}(); it goes {} — newproc/runqput",
                parent.map(|x| format!("{x} creates")).unwrap_or_else(|| "You create".into()),
                prog.body_name(*func),
                place_words(*place, &p)
            ),
            What::GoStart { from, schedtick, .. } => {
                let whence = match from {
                    Source::Runnext => format!("from {p}'s runnext, inheriting the current time slice (schedtick stays {schedtick}) — runqget/execute"),
                    Source::Local => format!("from the head of {p}'s local queue, starting a new time slice (schedtick {schedtick}) — runqget/execute"),
                    Source::Fairness => format!("from the global queue: {p}'s schedtick was {}, a multiple of 61, so it checked the global queue first for fairness (schedtick now {schedtick}) — findRunnable", schedtick.wrapping_sub(1)),
                    Source::Global => format!("taken from the global queue (schedtick {schedtick}) — globrunqget/execute"),
                    Source::Steal => format!("stolen from another P (schedtick {schedtick}) — runqsteal/execute"),
                    Source::Netpoll => format!("whose network wait completed (schedtick {schedtick}) — netpoll/execute"),
                    Source::Start => "as the program's first goroutine — mstart/schedule".to_string(),
                    Source::Locked => format!("on its own locked thread {m} (schedtick {schedtick}) — startlockedm/execute"),
                };
                format!("{m} runs {g} on {p}, {whence}")
            }
            What::GoStop { reason: StopReason::Gosched, place } => format!(
                "{g} calls runtime.Gosched() and goes {}, behind all local work — goschedImpl",
                place_words(*place, &p)
            ),
            What::GoStop { reason: StopReason::Preempted, place } => format!(
                "{g} is preempted after its 10 ms time slice and goes {} — gopreempt_m/goschedImpl",
                place_words(*place, &p)
            ),
            What::GoStop { reason: StopReason::PreemptedStw, place } => format!(
                "{g} is preempted to stop the world and stays first on {p} ({}) — goschedImpl",
                place_words(*place, &p)
            ),
            What::GoBlock { reason } => match reason {
                BlockReason::ChanSend(c) => format!("{g} blocks sending on {}: no receiver is waiting and no buffer space; {m} looks for other work — chansend/gopark", chan(c)),
                BlockReason::ChanRecv(c) => format!("{g} blocks receiving from {}: nothing to receive; {m} looks for other work — chanrecv/gopark", chan(c)),
                BlockReason::WaitGroup(w) => format!("{g} waits on {} (counter above 0); {m} looks for other work — WaitGroup.Wait/semacquire/gopark", wg(w)),
                BlockReason::Sleep { until } => format!("{g} sleeps until t={}: a timer goes on {p}'s heap and {g} parks — time.Sleep/gopark", dur(*until)),
                BlockReason::Network { ready_at } => format!("{g} waits for the network (ready at t={}); it parks on the netpoller, holding no thread and no P — netpollblock/gopark", dur(*ready_at)),
            },
            What::GoUnblock { by, cause, place } => {
                let why = match cause {
                    WakeCause::ChanSend(c) => format!("a send on {}", chan(c)),
                    WakeCause::ChanRecv(c) => format!("a receive on {}", chan(c)),
                    WakeCause::ChanClose(c) => format!("the close of {}", chan(c)),
                    WakeCause::WaitGroup(w) => format!("{} reaching 0", wg(w)),
                    WakeCause::Timer => "its timer".to_string(),
                    WakeCause::Network => "the netpoller".to_string(),
                };
                let who = by.map(|b| format!(" by {b}")).unwrap_or_default();
                if *cause == WakeCause::Network {
                    format!("{g}'s network wait completed; it goes {} — injectglist", place_words(*place, &p))
                } else {
                    format!("{g} is woken{who} through {why} and goes {} (the waker's P) — goready", place_words(*place, &p))
                }
            }
            What::GoDestroy => format!("{g} returns and is destroyed; {m} looks for the next goroutine — goexit0"),
            What::GoSyscallBegin { dur: d } => format!("{g} enters a blocking syscall for {}; {m} blocks with it while {p} stays attached, for now — entersyscall", dur(*d)),
            What::GoSyscallEnd => format!("{g}'s syscall returns and {m} still has {p}: it keeps running — exitsyscall fast path"),
            What::GoSyscallEndBlocked { got: Some(np), oldp } => format!(
                "{g}'s syscall returns but {} was taken meanwhile; {m} acquires {np} and {g} keeps running — exitsyscall/exitsyscallTryGetP",
                opt(*oldp)
            ),
            What::GoSyscallEndBlocked { got: None, oldp } => format!(
                "{g}'s syscall returns but {} was taken and no P is idle: {g} goes to the global queue and {m} parks — exitsyscallNoP",
                opt(*oldp)
            ),
            What::ProcStart => format!("{m} acquires {p} — acquirep"),
            What::ProcStop => format!("{p} has nothing to run and goes on the idle P list — releasep/pidleput"),
            What::ProcSteal { from, by_sysmon: true, syscall_ns } => format!(
                "sysmon takes {p} from {from}, whose goroutine has been in a syscall for {} — retake/takeP",
                dur(*syscall_ns)
            ),
            What::ProcSteal { from, by_sysmon: false, .. } => format!(
                "{m}, back from a syscall, takes its old {p} from {from}, which is itself in a syscall — exitsyscallTryGetP"
            ),
            What::RunqOverflow { moved } => format!(
                "{p}'s local queue is full (256): its oldest {} goroutines and one more ({moved} in all) move to the global queue — runqputslow",
                moved - 1
            ),
            What::Steal { victim, n, of, runnext: false } => format!(
                "{p} found no local or global work and stole {n} of {victim}'s {of} goroutine{} (half, rounded up) — runqsteal",
                if *of == 1 { "" } else { "s" }
            ),
            What::Steal { victim, .. } => format!(
                "{p} found nothing in any queue on its last pass and stole {victim}'s runnext goroutine — runqsteal/runqgrab"
            ),
            What::StealBackoff { victim } => format!(
                "{m} on {p} sees only {victim}'s runnext; it sleeps 3 µs to give {victim} the chance to run it itself — runqgrab usleep(3)"
            ),
            What::GlobalGrab { n, of, fairness: true } => format!(
                "{p}'s schedtick is a multiple of 61: it takes {n} goroutine from the global queue's {of} before its local queue, so global work is not starved — findRunnable"
            ),
            What::GlobalGrab { n, of, fairness: false } => format!(
                "{p}'s local queue is empty: it takes {n} of the global queue's {of} goroutines (min(128, {of}/GOMAXPROCS+1)) — globrunqgetbatch"
            ),
            What::Preempt { ran_ns } => format!(
                "sysmon sees {g} on {p} running for {} in one time slice (over 10 ms) and asks it to stop — retake/preemptone",
                dur(*ran_ns)
            ),
            What::SpinStart => format!("{m} on {p} starts spinning: it has no work and looks for some to steal — findRunnable"),
            What::SpinStop { found: true } => format!("{m} found work and stops spinning; the last spinner wakes another — resetspinning/wakep"),
            What::SpinStop { found: false } => format!("{m} found nothing and stops spinning — findRunnable"),
            What::ThreadCreate { sysmon: true, .. } => format!("The runtime starts sysmon on its own thread {m}, with no P — newm(sysmon)"),
            What::ThreadCreate { for_p, spinning, .. } => format!(
                "No idle thread: the runtime creates a new OS thread {m}{}{} — startm/newm",
                for_p.map(|x| format!(" to run {x}")).unwrap_or_default(),
                if *spinning { " (spinning)" } else { "" }
            ),
            What::ThreadPark => format!("{m} has no P and nothing to do: it parks on the idle thread list — stopm"),
            What::ThreadWake { for_p, spinning, locked: None } => format!(
                "{m} is woken from the idle thread list to run {for_p}{} — startm/notewakeup",
                if *spinning { " and look for work (spinning)" } else { "" }
            ),
            What::ThreadWake { for_p, locked: Some(lg), .. } => format!(
                "{m} is locked to {lg} and slept on its own note, not with the idle threads: it is handed {for_p} and woken to run {lg} — startlockedm/notewakeup"
            ),
            What::ThreadExit => format!("{m} exits: its goroutine returned while locked to it — goexit0/mexit"),
            What::Handoff { why } => match why {
                HandoffWhy::LocalWork => format!("{p} has local work, so it gets an M at once — handoffp/startm"),
                HandoffWhy::GlobalWork => format!("The global queue has work, so {p} gets an M at once — handoffp/startm"),
                HandoffWhy::NeedSpinner => format!("No M is spinning and no P is idle, so {p} gets a spinning M to look for work — handoffp/startm"),
                HandoffWhy::LastPollerP => format!("{p} is the last running P and no thread polls the network, so it gets an M — handoffp/startm"),
                HandoffWhy::Idle => format!("{p} has no work: it goes on the idle P list — handoffp/pidleput"),
            },
            What::NetpollReady { n, poller } => format!(
                "{} finds {n} goroutine{} whose network wait completed — {}",
                match poller {
                    PollWhere::FindRunnable => format!("{m} polls the network (non-blocking) and"),
                    PollWhere::Blocked => format!("{m}, blocked in netpoll, wakes and"),
                    PollWhere::Sysmon => "sysmon, seeing no poll for 10 ms,".to_string(),
                    PollWhere::StartTheWorld => "Restarting the world, the runtime polls the network (non-blocking) and".to_string(),
                },
                if *n == 1 { "" } else { "s" },
                match poller {
                    PollWhere::FindRunnable => "findRunnable/netpoll(0)/injectglist",
                    PollWhere::Blocked => "findRunnable/netpoll/injectglist",
                    PollWhere::Sysmon => "sysmon/netpoll(0)/injectglist",
                    PollWhere::StartTheWorld => "startTheWorldWithSema/netpoll(0)/injectglist",
                }
            ),
            What::NetpollBlock { until } => format!(
                "{m} has nothing to run and blocks in netpoll{}, the one thread waiting for network events — findRunnable",
                until.map(|u| format!(" until t={} (the next timer)", dur(u))).unwrap_or_default()
            ),
            What::TimerFire { late_ns, heap } => format!(
                "{p} runs {g}'s expired timer{}{} — timers.check",
                if heap.to_string() != p { format!(" from {heap}'s heap (stealWork's last pass)") } else { String::new() },
                if *late_ns > 0 { format!(", {} late", dur(*late_ns)) } else { String::new() }
            ),
            What::ChanSend { chan: c, how } => match how {
                ChanHow::Direct { partner } => format!("{g} sends on {} straight to the waiting receiver {partner} — chansend/send", chan(c)),
                ChanHow::Buffered { len, cap } => format!("{g} sends on {} into its buffer ({len}/{cap}) — chansend", chan(c)),
                ChanHow::BufferedWake { partner, len, cap } => format!("{g} sends on {} ({len}/{cap}), waking {partner} — chansend", chan(c)),
                ChanHow::Closed => format!("{g} sends on closed {}", chan(c)),
            },
            What::ChanRecv { chan: c, how } => match how {
                ChanHow::Direct { partner } => format!("{g} receives from {} straight from the waiting sender {partner} — chanrecv/recv", chan(c)),
                ChanHow::Buffered { len, cap } => format!("{g} receives from {}'s buffer ({len}/{cap} left) — chanrecv", chan(c)),
                ChanHow::BufferedWake { partner, len, cap } => format!("{g} receives from {}'s buffer and moves waiting sender {partner}'s value in ({len}/{cap}) — chanrecv/recv", chan(c)),
                ChanHow::Closed => format!("{g} receives the zero value from closed {} — chanrecv", chan(c)),
            },
            What::ChanClose { chan: c, woken } => format!(
                "{g} closes {}{} — closechan",
                chan(c),
                if *woken > 0 { format!(", waking {woken} waiting goroutine{}", if *woken == 1 { "" } else { "s" }) } else { String::new() }
            ),
            What::WgAdd { wg: w, delta, counter, released } => format!(
                "{g} calls {}({}) on {}: counter {counter}{} — WaitGroup.Add",
                if *delta == -1 { "Done" } else { "Add" },
                if *delta == -1 { String::new() } else { delta.to_string() },
                wg(w),
                if *released > 0 { format!(", releasing {released} waiter{} in FIFO order (semrelease)", if *released == 1 { "" } else { "s" }) } else { String::new() }
            ),
            What::WgWait { wg: w } => format!("{g} calls Wait on {}: the counter is 0, so it returns at once — WaitGroup.Wait", wg(w)),
            What::LockOSThread { locked: true } => format!("{g} locks itself to {m}: only {m} will run it, and {m} runs nothing else — LockOSThread"),
            What::LockOSThread { locked: false } => format!("{g} unlocks itself from {m} — UnlockOSThread"),
            What::LockedPark => format!("{m} is locked to {g}, which cannot run now: {m} gives away its P and sleeps until {g} is runnable — stoplockedm"),
            What::LockedHandoff { to } => format!("{g} is locked to {to}: {m} hands {p} to {to} and parks — startlockedm"),
            What::STWBegin => format!("{} stops the world: every P stops at its next safe point — stopTheWorldGC", if self.g.is_some() { g.clone() } else { "The runtime".to_string() }),
            What::STWEnd => "The world restarts: Ps with work get threads, and one spinner is woken — startTheWorldWithSema".to_string(),
            What::Action(a) => match a {
                UserAction::Spawn { func, n, on_p: Some(tp), global: false } => format!(
                    "You spawn {n} × {}() as if the goroutine running on {tp} executed go — newproc",
                    prog.body_name(*func)
                ),
                UserAction::Spawn { func, n, .. } => format!(
                    "You spawn {n} × {}() into the global queue and call wakep — injectglist",
                    prog.body_name(*func)
                ),
                UserAction::Syscall { dur: d, now: true } => format!("You make {g} enter a blocking syscall for {} now", dur(*d)),
                UserAction::Syscall { dur: d, now: false } => format!("You make {g} enter a blocking syscall for {} as its next op, once it runs", dur(*d)),
                UserAction::NetReady { applied: true } => format!("You complete {g}'s network wait: its fd is ready; a netpoll will pick it up"),
                UserAction::NetReady { applied: false } => format!("You try to complete {g}'s network wait, but {g} is not waiting on the network: nothing happens"),
                UserAction::Gomaxprocs(n) => format!("You call runtime.GOMAXPROCS({n})"),
                UserAction::Ignored(why) => format!("Your action on {g} does nothing: {why}"),
            },
            What::Deadlock => "fatal error: all goroutines are asleep - deadlock! — checkdead".to_string(),
            What::Panic(k) => match k {
                PanicKind::SendOnClosed(c) => format!("panic: send on closed channel ({} in {g})", chan(c)),
                PanicKind::CloseOfClosed(c) => format!("panic: close of closed channel ({} in {g})", chan(c)),
                PanicKind::NegativeWaitGroup(w) => format!("panic: sync: negative WaitGroup counter ({} in {g})", wg(w)),
            },
            What::Fatal(msg) => format!("fatal error: {msg}"),
            What::Exit => "main returns: the program exits, whatever other goroutines are doing — runtime.main/exit(0)".to_string(),
            What::Print { text } => format!("{g} prints {:?} — fmt.Fprintln/Fprintf(os.Stdout, ...), a write(2) the scheduler does not see", text.trim_end_matches('\n')),
        }
    }
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
