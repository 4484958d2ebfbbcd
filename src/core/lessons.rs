//! The lesson gallery: small scenarios, each showing one idea of the Go scheduler, with a short
//! text and "jump to the moment" markers.
//!
//! Every lesson is a scenario document under `src/lessons/` (compiled in with `include_str!`),
//! a text for a Go programmer (what to watch, what Go does, the `proc.go` function behind it;
//! paragraphs separated by a blank line, plain text), and [`Moment`]s: the `nth` event of a
//! kind, which [`moment_step`] turns into the step to open the run at. The texts were written
//! from the runs' traces; `tests/lessons.rs` keeps each trace as a golden file, so a change in
//! scheduling that would make a text wrong shows up as a diff.

use crate::core::scenario::{self, Scenario};
use crate::core::sim::Sim;

/// One lesson of the gallery.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lesson {
    /// Stable identifier, used in file names and the page's `[data-lesson]` elements
    /// (`runnext-lifo`).
    pub id: &'static str,
    /// The title shown in the gallery.
    pub title: &'static str,
    /// What to watch, what Go does, and the `proc.go` functions behind it: plain text,
    /// paragraphs separated by a blank line.
    pub text: &'static str,
    /// The idea of `shared/concepts.md` the lesson teaches, in one line.
    pub concept: &'static str,
    /// The scenario document (JSON, format version 1).
    pub scenario: &'static str,
    /// The moments worth jumping to, in run order.
    pub moments: &'static [Moment],
}

/// A moment of a lesson's run: the `nth` event (counting from 1) of kind `kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Moment {
    /// The button's label.
    pub label: &'static str,
    /// An event kind ([`crate::core::event::What::kind`], such as `"Steal"`).
    pub kind: &'static str,
    /// Which occurrence of that kind: 1 is the first.
    pub nth: u32,
}

/// Steps a lesson run may take before [`moment_step`] gives up (every lesson ends far sooner).
pub const MAX_LESSON_STEPS: u64 = 100_000;

impl Lesson {
    /// The lesson's scenario, parsed. Every lesson's document is valid (`tests/lessons.rs`);
    /// an invalid one is a bug of this file and panics naming the lesson.
    pub fn parsed(&self) -> Scenario {
        match scenario::parse(self.scenario) {
            Ok(s) => s,
            Err(ps) => panic!(
                "lessons: the scenario of lesson {:?} is invalid: {}",
                self.id,
                ps.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("; ")
            ),
        }
    }
}

/// Every lesson, in gallery order.
pub fn all() -> &'static [Lesson] {
    LESSONS
}

/// The lesson with this id.
pub fn find(id: &str) -> Option<&'static Lesson> {
    LESSONS.iter().find(|l| l.id == id)
}

/// The step at which `moment` happens in `lesson`'s run (the step whose events include the
/// `nth` event of that kind), or `None` if the run never makes it.
pub fn moment_step(lesson: &Lesson, moment: &Moment) -> Option<u64> {
    steps_of(lesson, std::slice::from_ref(moment))[0]
}

/// The steps of all of a lesson's moments, in order, from one run.
pub fn moment_steps(lesson: &Lesson) -> Vec<Option<u64>> {
    steps_of(lesson, lesson.moments)
}

fn steps_of(lesson: &Lesson, moments: &[Moment]) -> Vec<Option<u64>> {
    let mut found: Vec<Option<u64>> = vec![None; moments.len()];
    let mut seen: Vec<(&'static str, u32)> = Vec::new();
    let mut sim = Sim::new(&lesson.parsed());
    while found.iter().any(|f| f.is_none()) && sim.step_count() < MAX_LESSON_STEPS && sim.step() {
        for e in sim.events() {
            let kind = e.kind();
            let n = match seen.iter_mut().find(|(k, _)| *k == kind) {
                Some(entry) => {
                    entry.1 += 1;
                    entry.1
                }
                None => {
                    seen.push((kind, 1));
                    1
                }
            };
            for (i, m) in moments.iter().enumerate() {
                if found[i].is_none() && m.kind == kind && m.nth == n {
                    found[i] = Some(e.step);
                }
            }
        }
    }
    found
}

const fn m(label: &'static str, kind: &'static str, nth: u32) -> Moment {
    Moment { label, kind, nth }
}

static LESSONS: &[Lesson] = &[
    Lesson {
        id: "concurrency-parallelism",
        title: "Concurrency versus parallelism",
        concept: "Concurrency is about structure; parallelism needs several threads on several cores at the same time.",
        scenario: include_str!("../lessons/concurrency-parallelism.json"),
        text: "Watch the clock. The same four 25 ms computations run twice in one program: first with \
GOMAXPROCS=1, then, after main calls runtime.GOMAXPROCS(4), with four Ps. With one P the \
goroutines take turns: G5 runs first, sysmon preempts it at 11.2 ms, then G2, G3 and G4 get \
20 ms turns each, and they finish one after another between 85 and 100 ms. With four Ps the \
second batch spreads over four threads by stealing, all four run at once, and the batch takes 25 ms.\n\n\
The program is equally concurrent in both halves: four independent computations that may run \
in any order. Parallelism is how many of them run at the same moment, and a goroutine only runs \
on a thread that holds a P: GOMAXPROCS caps it. On one P, concurrency is interleaving, and for \
CPU-bound goroutines the interleaving comes from sysmon preempting each one after 10 to 20 ms.\n\n\
This is one run in two halves rather than two runs, so that both can be read off the same \
clock. In proc.go: procresize makes the new Ps, runqsteal moves the work to them, and sysmon's \
retake/preemptone makes the turns on one P.",
        moments: &[
            m("G5 is preempted: the turns begin", "Preempt", 1),
            m("runtime.GOMAXPROCS(4)", "ProcsChange", 2),
            m("a second P steals work", "Steal", 1),
            m("four goroutines run at once", "Steal", 3),
            m("the last Done wakes main", "GoUnblock", 2),
        ],
    },
    Lesson {
        id: "runnext-lifo",
        title: "runnext: go print(i) prints 9 0 1 2 ... 8",
        concept: "Each P has a local run queue, plus a runnext slot for the goroutine most likely to run next.",
        scenario: include_str!("../lessons/runnext-lifo.json"),
        text: "main runs for i := 0; i < 10; i++ { go print(i) } with GOMAXPROCS=1, then waits. Watch \
P0's runnext slot and local queue while the goroutines are created: each go statement puts the \
new goroutine (G2 for i=0, ..., G11 for i=9) in runnext and kicks the previous one to the tail \
of the local queue. When main blocks, P0 runs G11 first, from runnext, then G2 to G10 in \
order from the head of the queue: the program prints 9 0 1 2 3 4 5 6 7 8.\n\n\
newproc calls runqput(pp, newg, next=true). runnext holds the goroutine most likely to run \
soon: the one just created, or just woken by the running goroutine. A goroutine taken from \
runnext inherits the current time slice (schedtick stays 1), so a producer and consumer that \
hand work to each other behave like one goroutine. The queue itself is first in, first out.\n\n\
The language does not promise this order; with more Ps an idle P would steal from the queue. \
Look at runqput and runqget in proc.go.",
        moments: &[
            m("G11 (i=9) runs first, from runnext", "GoStart", 2),
            m("then G2 (i=0), from the queue's head", "GoStart", 3),
            m("main resumes, from runnext", "GoStart", 12),
        ],
    },
    Lesson {
        id: "work-stealing",
        title: "Work stealing: half, rounded up",
        concept: "Work spreads by stealing: an idle P takes half of a busy P's local queue.",
        scenario: include_str!("../lessons/work-stealing.json"),
        text: "GOMAXPROCS=2. main creates eight goroutines on P0 and waits. The first go statement \
calls wakep, which starts a new thread, M2, spinning for P1; creating a thread takes 20 µs. By \
then P0 runs G9 from runnext and has G2 to G8, seven goroutines, in its local queue. M2 finds \
its own queue and the global queue empty and steals 7 - 7/2 = 4 of them, the oldest: it runs \
the last one taken, G5, and keeps G2, G3 and G4 in P1's queue. From then on each P runs four \
1 ms goroutines, and the program ends after about 4 ms instead of 8.\n\n\
There is no central dispatcher in Go: a P with nothing to do goes looking. findRunnable tries, \
in order, its timers, its local queue, the global queue and the network poller, then \
stealWork: up to four passes over all Ps in a random order, calling runqsteal on each. \
runqgrab takes half of the victim's queue, rounded up; the victim's runnext is taken only on \
the last pass, after a 3 µs back-off if the victim is running.",
        moments: &[
            m("go wakes a spinning thread for P1", "ThreadCreate", 2),
            m("P1 steals 4 of P0's 7", "Steal", 1),
        ],
    },
    Lesson {
        id: "spinning",
        title: "Spinning threads wake one another",
        concept: "Idle threads look for work by spinning; one spinner at a time, each waking the next.",
        scenario: include_str!("../lessons/spinning.json"),
        text: "GOMAXPROCS=4. main creates three goroutines in a row and waits. The first go statement \
calls wakep: no thread is spinning and P3 is idle, so startm creates M2, spinning, for P3. The \
second and third go statements call wakep too, and do nothing: a thread is already spinning. \
At 20 µs M2 starts, steals G2 from P0, and stops spinning; it was the last spinner, so it \
calls wakep, which starts M3 on P2. M3 steals G3 and wakes M4 for P1. M4 finds nothing \
anywhere, puts P1 back on the idle list, stops spinning and parks.\n\n\
A spinning thread holds a P and looks for work to steal. Go keeps this search cheap: wakep \
starts a spinner only if none is spinning, and findRunnable lets at most half of the busy Ps \
spin. When a spinner finds work, resetspinning makes it wake a replacement, so work spreads \
across idle Ps in a chain, one thread wake-up per hand-off, and the chain ends with a spinner \
that finds nothing and calls stopm.\n\n\
In proc.go: wakep, startm, resetspinning, findRunnable, stopm.",
        moments: &[
            m("the first go wakes a spinner", "ThreadCreate", 2),
            m("the next go does not", "GoCreate", 3),
            m("M2 finds work and wakes the next spinner", "SpinStop", 1),
            m("M4 finds nothing and parks", "ThreadPark", 1),
        ],
    },
    Lesson {
        id: "runq-overflow",
        title: "Local queue overflow to the global queue",
        concept: "Each P has a 256-slot local run queue; there is also one global run queue.",
        scenario: include_str!("../lessons/runq-overflow.json"),
        text: "GOMAXPROCS=1. main creates 260 goroutines without blocking. runnext holds the newest and \
the ring behind it holds 256. The go statement that creates G259 kicks G258 out of runnext, \
and G258 does not fit: runqputslow moves the oldest half of the ring, G2 to G129, plus G258 to \
the global queue, 129 goroutines in one batch. Watch the global queue jump from 0 to 129.\n\n\
When main waits, P0 runs G261 from runnext, then G130 onwards from its local queue. The \
global queue is not forgotten meanwhile: every 61st schedtick P0 takes one goroutine from it \
first (G2, then G3). Once the local queue is empty, P0 takes the rest from the global queue, \
up to 128 at a time.\n\n\
Moving half at once keeps a full queue from spilling one goroutine per go statement, and \
takes the oldest, which have waited longest. In proc.go: runqput, runqputslow, \
globrunqget and globrunqgetbatch.",
        moments: &[
            m("the ring is full: 129 go to the global queue", "RunqOverflow", 1),
            m("the local queue runs first", "GoStart", 3),
            m("schedtick 61 looks at the global queue", "GlobalGrab", 1),
            m("the local queue is empty: a global batch", "GlobalGrab", 3),
        ],
    },
    Lesson {
        id: "fairness-61",
        title: "The 1-in-61 fairness check",
        concept: "The scheduler trades perfect fairness for throughput, within limits: the 1-in-61 global check.",
        scenario: include_str!("../lessons/fairness-61.json"),
        text: "GOMAXPROCS=1. main creates 100 goroutines and calls runtime.Gosched(), which puts main \
at the tail of the global queue. P0's local queue always has work, and findRunnable takes from \
the local queue before the global one, so main waits. But every time P0's schedtick is a \
multiple of 61, findRunnable looks at the global queue first: after G101 (from runnext, same \
slice) and G2 to G61 (schedticks 2 to 61), P0 takes main from the global queue (the GoStart \
line then shows schedtick 62: execute counts main's new slice). main returns, and the program \
exits with 39 goroutines that never ran.\n\n\
Without this check, goroutines that keep creating or waking each other on a P's local queue \
could starve the global queue forever; with it, a goroutine in the global queue waits at most \
61 slices of one P. The local-first order stays the fast path.\n\n\
In proc.go: the schedtick%61 test at the top of findRunnable, then globrunqget.",
        moments: &[
            m("main yields to the global queue", "GoStop", 1),
            m("schedtick 61: the global queue first", "GlobalGrab", 1),
            m("main returns; the program exits", "Exit", 1),
        ],
    },
    Lesson {
        id: "gosched",
        title: "runtime.Gosched",
        concept: "A goroutine gives up its P at a yield: Gosched puts it behind all other work.",
        scenario: include_str!("../lessons/gosched.json"),
        text: "GOMAXPROCS=1. Three goroutines each work 1 ms and call runtime.Gosched(), three times. G4 \
runs first (runnext). Its Gosched puts it at the tail of the global queue, not the local one, \
so P0 runs G2 and G3 from its local queue next. When the local queue is empty, P0 takes all \
three from the global queue at once, min(128, 3/1+1) = 3: it runs G4 and puts G2 and G3 in its \
local queue. The order G4, G2, G3 repeats.\n\n\
Gosched is goschedImpl: the goroutine becomes runnable, goes to the global queue behind all \
local work, wakep runs in case an idle P can take it, and the thread calls schedule. It is a \
hint, not a sleep: a goroutine that yields with nothing else runnable runs again at once.\n\n\
In proc.go: Gosched, goschedImpl, globrunqput.",
        moments: &[
            m("G4 yields to the global queue", "GoStop", 1),
            m("local queue empty: the global batch", "GlobalGrab", 1),
        ],
    },
    Lesson {
        id: "preemption",
        title: "Preemption of a tight loop",
        concept: "The scheduler gets control at calls, channel operations and syscalls, and through sysmon's preemption.",
        scenario: include_str!("../lessons/preemption.json"),
        text: "GOMAXPROCS=1. main creates quick (G2, 1 ms of work) and then loop (G3, a 50 ms loop \
with no function calls), and waits. loop, the newest, runs first from runnext; quick waits in \
the local queue. At 11.2 ms sysmon sees that P0 has been running the same time slice for over \
10 ms and preempts loop: loop goes to the global queue, quick runs and finishes, and loop \
resumes. It is preempted again at 31.2 ms, after 19 ms: sysmon checks every 10 ms, so a slice \
ends somewhere between 10 and 20 ms. Nothing else is waiting then, so loop simply goes on.\n\n\
sysmon is a thread without a P. retake looks at every P; if the same schedtick has been running \
for more than forcePreemptNS (10 ms), preemptone sets the goroutine's preempt flag and, since \
Go 1.14, sends the thread a signal (SIGURG), so even a loop without function calls stops at \
the next safe point. The preempted goroutine goes to the global queue, like a Gosched. Before \
Go 1.14 this loop would have kept the P for all its 50 ms.\n\n\
In proc.go: sysmon, retake, preemptone, gopreempt_m.",
        moments: &[
            m("sysmon preempts loop", "Preempt", 1),
            m("quick runs", "GoStart", 3),
            m("loop preempted again, after 19 ms", "Preempt", 2),
        ],
    },
    Lesson {
        id: "chan-pingpong",
        title: "Channel ping-pong shares one time slice",
        concept: "Goroutines woken by a channel operation go to the waker's runnext and inherit its time slice.",
        scenario: include_str!("../lessons/chan-pingpong.json"),
        text: "GOMAXPROCS=1. main creates cpu (G2) and ponger (G3), then plays ping: main and ponger \
pass a token back and forth over two unbuffered channels, 100 µs of work per turn. cpu sits \
in P0's local queue. Each receive readies the blocked sender into runnext, and each sender \
then blocks, so the partner runs next, inheriting the slice: schedtick stays 1 for the whole \
exchange and cpu does not run. At 11.2 ms sysmon sees one slice older than 10 ms and preempts \
ponger. main, still in runnext, runs and blocks; only then does cpu run, 11 ms late. After \
that the pair resumes, now on schedtick 3.\n\n\
Channel operations wake the partner with goready, which is ready(gp, next=true): the woken \
goroutine goes to the runnext of the waker's P. Because a goroutine taken from runnext keeps \
the time slice, a communicating pair cannot starve others for more than one slice: sysmon's \
10 ms preemption still applies to the pair as a whole.\n\n\
In proc.go: goready, ready, runqput (next=true), runqget (inheritTime), retake.",
        moments: &[
            m("ponger wakes main into runnext", "GoUnblock", 1),
            m("sysmon preempts the pair", "Preempt", 1),
            m("cpu finally runs", "GoStart", 114),
        ],
    },
    Lesson {
        id: "waitgroup",
        title: "WaitGroup orchestration",
        concept: "Orchestration (goroutines signalling each other) is not synchronization; the woken goroutine lands in the waker's runnext.",
        scenario: include_str!("../lessons/waitgroup.json"),
        text: "GOMAXPROCS=2. main calls wg.Add(3), starts long, medium and short workers, and waits in \
wg.Wait(). While it waits, main holds no thread and no P. short runs on P0, P1's new thread \
steals long, and medium runs on P0 after short. P0 then has nothing left and goes idle. The \
last wg.Done() is long's, on P1, at 920 µs: the counter reaches 0 and main becomes runnable in \
P1's runnext, not on P0 where it blocked, and P1 runs it at once.\n\n\
wg.Wait parks the goroutine on a semaphore (semacquire, gopark). The Done that brings the \
counter to 0 releases the waiters in FIFO order (semrelease), each through goready: \
ready(gp, next=true) puts it in the runnext of the waker's P and calls wakep. The workers share \
no data here; the WaitGroup only says when they are done: that is orchestration.\n\n\
In proc.go: gopark, goready, ready, runqput.",
        moments: &[
            m("main waits, holding nothing", "GoBlock", 1),
            m("the last Done readies main on P1", "GoUnblock", 1),
            m("main runs on P1", "GoStart", 5),
        ],
    },
    Lesson {
        id: "cpu-vs-io",
        title: "CPU-bound versus I/O-bound work",
        concept: "Network waits park on the poller and hold no thread, so a few threads serve many goroutines.",
        scenario: include_str!("../lessons/cpu-vs-io.json"),
        text: "GOMAXPROCS=4. Two goroutines compute for 20 ms; 100 goroutines each make two network \
round trips of 5 ms with 20 µs of work after each. Watch the thread count: it never goes past \
five (sysmon included). The two computing goroutines hold P0 and P3 for their whole run, \
preempted at 11.2 ms only to be picked up again. The 100 requests run mostly on P1 and P2: each \
runs for a moment, waits on the network, and while it waits it holds no thread and no P. One \
thread blocks in netpoll for all of them; when responses arrive it finds them as they come, 44 \
and then 54 in a single poll, and puts them on run queues.\n\n\
I/O-bound work in Go becomes scheduling: a network read that would block parks the goroutine on \
the poller (netpollblock, gopark) and frees the thread. findRunnable polls the network when a \
thread has nothing else to do, and one idle thread sleeps in netpoll until the next event. So \
the number of threads follows the CPU work, not the number of waiting goroutines; make the \
requests 10,000 and the thread count stays the same.\n\n\
In proc.go: findRunnable (netpoll), injectglist; in netpoll.go: netpollblock.",
        moments: &[
            m("P3's thread steals 50 requests", "Steal", 1),
            m("one thread blocks in netpoll for all", "NetpollBlock", 1),
            m("44 responses in one poll", "NetpollReady", 3),
            m("the computations are preempted", "Preempt", 1),
        ],
    },
    Lesson {
        id: "syscall-handoff",
        title: "A blocking syscall hands off its P",
        concept: "A blocking syscall holds its thread; the P is handed to another thread, so the thread count grows.",
        scenario: include_str!("../lessons/syscall-handoff.json"),
        text: "GOMAXPROCS=2. Four goroutines each make a 5 µs syscall, work 200 µs, make a 5 ms \
syscall (say a read from a slow disk) and work again. The short syscalls return before sysmon \
looks: exitsyscall's fast path, the thread still has its P and goes on. The long ones do not: \
sysmon finds P0's thread blocked in a syscall with goroutines waiting, takes P0 away and hands \
it to a new thread, M3, which runs the next goroutine. The same happens to P1, and then to P0 \
again when M3's goroutine makes its long syscall. Watch the thread count: six threads, \
sysmon's included, for two Ps. When a long syscall returns, its thread needs a P again: M0 \
takes the idle P0; M2 takes back its old P1 from M4, whose goroutine is still in a syscall. A \
thread that finds no P puts its goroutine on the global queue and parks.\n\n\
A goroutine in a syscall keeps its thread blocked in the kernel; the Go scheduler cannot \
switch it out. entersyscall leaves the P attached, betting the call is short. sysmon's retake \
takes the P of a thread it has seen in the same syscall on two of its ticks (20 µs apart at \
first) if there is other work to do, and handoffp finds the P a thread: an idle one, or a new \
one. GOMAXPROCS limits the threads running Go code, \
not the threads.\n\n\
In proc.go: entersyscall, exitsyscall, retake, handoffp, startm.",
        moments: &[
            m("a short syscall: fast path", "GoSyscallEnd", 1),
            m("a long syscall begins", "GoSyscallBegin", 3),
            m("sysmon takes P0; a new thread runs it", "ProcSteal", 1),
            m("the sixth thread", "ThreadCreate", 5),
            m("back from the syscall: get a P", "GoSyscallEndBlocked", 1),
        ],
    },
    Lesson {
        id: "lock-os-thread",
        title: "LockOSThread",
        concept: "A goroutine wired to its thread with LockOSThread: only that thread runs it, and it runs nothing else.",
        scenario: include_str!("../lessons/lock-os-thread.json"),
        text: "GOMAXPROCS=1. gui (G2) calls runtime.LockOSThread() on M0, as code that calls a C \
library with per-thread state must, and then sleeps twice. When gui sleeps, M0 may not run \
anything else: it gives P0 away and sleeps too, and a new thread, M2, takes P0 and runs the \
other cpu goroutine. When gui's timer fires, M2 cannot run it: it hands P0 to M0 and parks itself. \
gui returns while still locked, so M0 exits instead of going back to the idle list.\n\n\
A locked goroutine costs a thread switch on every block and wake-up: schedule on the locked \
thread calls stoplockedm (hand off the P, sleep until the goroutine is runnable); the thread \
that finds the goroutine runnable calls startlockedm (give it the P, wake its thread, stop). \
Since Go 1.10, a goroutine that exits locked takes its thread with it, because the thread's \
state may be changed for good.\n\n\
In proc.go: LockOSThread, stoplockedm, startlockedm, goexit0.",
        moments: &[
            m("gui locks itself to M0", "LockOSThread", 1),
            m("gui sleeps: M0 gives P0 away", "LockedPark", 1),
            m("P0 is handed back to M0", "LockedHandoff", 1),
            m("gui exits locked: M0 exits", "ThreadExit", 1),
        ],
    },
    Lesson {
        id: "gomaxprocs-change",
        title: "GOMAXPROCS changed mid-run",
        concept: "GOMAXPROCS caps the Ps; changing it stops the world and resizes.",
        scenario: include_str!("../lessons/gomaxprocs-change.json"),
        text: "main starts eight 2 ms computations with GOMAXPROCS=2, sleeps, calls \
runtime.GOMAXPROCS(4), sleeps again, then calls runtime.GOMAXPROCS(1). Its first 1 ms sleep \
ends 1 ms late: the timer is on P0's heap, and P0 is busy with a 2 ms goroutine, so the timer \
runs only when P0 next schedules. The first call stops the world (the goroutine running on P1 \
is preempted and kept first on P1), procresize makes P2 and P3, and the world restarts: new \
spinning threads steal from P0 and P1 until four Ps run. The second call destroys P1 to P3: \
their goroutines go to the global queue, and P0 runs everything that is left, one at a time.\n\n\
GOMAXPROCS is the number of Ps. Changing it is a stop-the-world (stopTheWorldGC), then \
procresize with every P stopped: new Ps are created empty, removed Ps give their run queues to \
the global queue, and startTheWorld gives threads to the Ps that have work and wakes one \
spinner for the rest.\n\n\
In proc.go: GOMAXPROCS, stopTheWorldWithSema, procresize, startTheWorldWithSema.",
        moments: &[
            m("main's timer, 1 ms late", "TimerFire", 1),
            m("GOMAXPROCS 2 to 4", "ProcsChange", 2),
            m("a new P steals", "Steal", 2),
            m("GOMAXPROCS 4 to 1", "ProcsChange", 3),
            m("P0 takes the survivors from the global queue", "GlobalGrab", 1),
        ],
    },
    Lesson {
        id: "deadlock",
        title: "A deadlock",
        concept: "A goroutine is running, runnable or waiting; when all are waiting with nothing to wake them, Go stops the program.",
        scenario: include_str!("../lessons/deadlock.json"),
        text: "main calls wg.Add(3) but starts only two workers, then waits. Both workers finish and \
call wg.Done(); the counter stays at 1, and nothing can ever wake main. The last thread with \
work finds nothing to run and parks. At that moment there is no running goroutine, no \
runnable one, no timer, no network wait and no syscall that could make one runnable: the \
runtime stops the program with fatal error: all goroutines are asleep - deadlock!\n\n\
checkdead runs whenever a thread goes idle. It counts the threads that could still run Go \
code; when none could, and no goroutine is waiting on a timer, it throws. It only sees the \
whole program: a deadlock among some goroutines while others still run (or while a network \
listener waits) goes unnoticed, and the stuck goroutines simply leak.\n\n\
In proc.go: checkdead, called from mput/stopm.",
        moments: &[
            m("main waits on the WaitGroup", "GoBlock", 1),
            m("all goroutines are asleep", "Deadlock", 1),
        ],
    },
];
