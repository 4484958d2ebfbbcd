//! Predict mode's questions: before a step, what will the scheduler decide?
//!
//! [`ask`] looks at the step a [`Sim`] is about to run (by running it on a clone) and, when
//! that step makes one of the scheduling decisions a learner can predict, returns a
//! [`Question`]: its kind, a prompt in words and 2 to 4 [`Choice`]s. The choices are the
//! real answer plus wrong ones taken from the rules and the state before the step (the other
//! places a goroutine could come from or go to, the other Ps a thief could rob, the other
//! ways a syscall can return), deduplicated, and shuffled by a seed made of the step number,
//! so the right one's position tells nothing. The key stays private: a `Question` serializes
//! without it, and only [`Question::check`] reveals it, with the rule in words and its Go
//! function ([`Verdict`]).
//!
//! Questions come from the event stream, so every scenario has them; none is written by hand.

use crate::core::event::{Event, HandoffWhy, Place, Source, What};
use crate::core::ids::{GId, PId};
use crate::core::rng::Rng;
use crate::core::sim::Sim;
use serde::Serialize;

/// What a question asks about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// Which goroutine P `p` runs next, and where it takes it from.
    NextG { p: PId },
    /// Which P the thief robs, and of how many goroutines.
    StealVictim { thief: PId },
    /// Where the goroutine `g`, just created by a `go` statement, is queued.
    WhereNewG { g: GId },
    /// Where the goroutine `g`, just woken, is queued.
    WhereWokenG { g: GId },
    /// What happens when goroutine `g`'s syscall returns: which P it runs on, if any.
    SyscallExitP { g: GId },
    /// What `handoffp` does with P `p`, which lost its thread (taken by sysmon from a thread in
    /// a syscall, or given away by a locked or exiting thread): who gets it.
    HandoffP { p: PId },
}

impl QuestionKind {
    /// The kind's name, without its facts.
    pub fn name(&self) -> &'static str {
        match self {
            QuestionKind::NextG { .. } => "NextG",
            QuestionKind::StealVictim { .. } => "StealVictim",
            QuestionKind::WhereNewG { .. } => "WhereNewG",
            QuestionKind::WhereWokenG { .. } => "WhereWokenG",
            QuestionKind::SyscallExitP { .. } => "SyscallExitP",
            QuestionKind::HandoffP { .. } => "HandoffP",
        }
    }

    /// Every kind's name.
    pub const NAMES: [&'static str; 6] = ["NextG", "StealVictim", "WhereNewG", "WhereWokenG", "SyscallExitP", "HandoffP"];
}

/// Where a runnable goroutine is queued (a [`Place`] without the kicked goroutine).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Queue {
    /// The P's runnext slot.
    Runnext,
    /// The tail of the P's local ring.
    LocalTail,
    /// The tail of the global queue.
    GlobalTail,
}

impl Queue {
    /// The queue of a place.
    pub fn of(place: Place) -> Queue {
        match place {
            Place::Runnext { .. } => Queue::Runnext,
            Place::LocalTail => Queue::LocalTail,
            Place::GlobalTail => Queue::GlobalTail,
        }
    }
}

/// How a syscall's return ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SyscallExit {
    /// The P was still attached: the goroutine keeps running on it (fast path).
    Keeps(PId),
    /// The P had been taken; the M gets that same P back.
    Regains(PId),
    /// The P had been taken; the M acquires another, idle P.
    Other(PId),
    /// No P: the goroutine goes to the global queue and the M parks.
    GlobalQueue,
}

/// A choice's meaning, comparable with what the simulator did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// Goroutine `g` runs, taken from `from`.
    Next { g: GId, from: Source },
    /// The thief steals `n` goroutines from `victim`.
    Victim { victim: PId, n: u32 },
    /// The goroutine is queued there.
    Goes(Queue),
    /// The syscall returns so.
    Syscall(SyscallExit),
    /// `handoffp` decides so: an M for the P, for this reason, or the idle list.
    Handoff(HandoffWhy),
}

/// One choice as the page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Choice {
    /// What the page shows.
    pub label: String,
    /// What it means.
    pub answer: Answer,
}

/// The verdict on an answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// Whether the chosen answer is what the scheduler does.
    pub correct: bool,
    /// The right answer's label.
    pub right: String,
    /// The rule in words, naming its Go function.
    pub rule: String,
}

/// A question about the next step. Serializes without its key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Question {
    /// The step it is about (the step the simulator runs next).
    pub step: u64,
    /// What it asks.
    pub kind: QuestionKind,
    /// The question in words.
    pub prompt: String,
    /// 2 to 4 choices, distinct, in an order that does not reveal the right one.
    pub choices: Vec<Choice>,
    #[serde(skip)]
    key: usize,
    #[serde(skip)]
    rule: String,
}

impl Question {
    /// The verdict on choice `index` (an index out of range is wrong).
    pub fn check(&self, index: usize) -> Verdict {
        Verdict { correct: index == self.key, right: self.choices[self.key].label.clone(), rule: self.rule.clone() }
    }
}

/// The question about the step `sim` runs next, if that step makes a decision worth
/// predicting. `sim` itself is not changed (the step runs on a clone).
pub fn ask(sim: &Sim) -> Option<Question> {
    if sim.finished() || sim.step_count() == 0 {
        return None;
    }
    let mut next = sim.clone();
    if !next.step() {
        return None;
    }
    let events = next.events();
    let (kind, answer, prompt, rule, mut wrong) = decision(sim, events)?;
    wrong.retain(|w| *w != answer);
    let mut answers = vec![answer];
    for w in wrong {
        if answers.len() == 4 {
            break;
        }
        if !answers.contains(&w) {
            answers.push(w);
        }
    }
    if answers.len() < 2 {
        return None;
    }
    let step = sim.step_count() + 1;
    // Fisher–Yates with a seed of the step and the kind: deterministic, not "right first".
    let mut rng = Rng::new(step.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ kind.name().len() as u64);
    let mut order: Vec<usize> = (0..answers.len()).collect();
    for i in (1..order.len()).rev() {
        let j = (rng.next_u64() % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    let key = order.iter().position(|&i| i == 0).expect("the answer is among the choices");
    let choices = order.iter().map(|&i| Choice { label: label(&kind, answers[i]), answer: answers[i] }).collect();
    Some(Question { step, kind, prompt, choices, key, rule })
}

type Decision = (QuestionKind, Answer, String, String, Vec<Answer>);

/// The first decision of the step's events: its kind, the answer, the prompt, the rule and
/// wrong answers from the state before the step.
fn decision(sim: &Sim, events: &[Event]) -> Option<Decision> {
    // A steal decides the next G too: ask about the steal.
    if let Some(e) = events.iter().find(|e| matches!(e.what, What::Steal { .. })) {
        if let (What::Steal { victim, n, of, runnext }, Some(thief)) = (&e.what, e.p) {
            return Some(steal(sim, thief, *victim, *n, *of, *runnext));
        }
    }
    for e in events {
        match &e.what {
            What::GoStart { from, .. } => {
                let (Some(g), Some(p)) = (e.g, e.p) else { continue };
                if matches!(from, Source::Start | Source::Locked | Source::Steal) {
                    continue;
                }
                return Some(next_g(sim, p, g, *from));
            }
            What::GoCreate { parent: Some(parent), place, .. } => {
                let (Some(g), Some(p)) = (e.g, e.p) else { continue };
                let answer = Answer::Goes(Queue::of(*place));
                let prompt = format!("{parent} on {p} runs a go statement that creates {g}. Where does {g} go?");
                let rule = match place {
                    Place::Runnext { kicked: None } => format!("newproc puts a new goroutine into its creator's P's runnext (runqput with next=true), so {g} runs next on {p}, inheriting the time slice — newproc/runqput"),
                    Place::Runnext { kicked: Some(k) } if events.iter().any(|e| matches!(e.what, What::RunqOverflow { .. })) => format!("newproc puts a new goroutine into its creator's P's runnext (runqput with next=true); the previous runnext {k} is kicked out, and as {p}'s local queue is full, runqputslow moves its oldest half and {k} to the global queue — newproc/runqput/runqputslow"),
                    Place::Runnext { kicked: Some(k) } => format!("newproc puts a new goroutine into its creator's P's runnext (runqput with next=true); the previous runnext {k} is kicked to the tail of {p}'s local queue — newproc/runqput"),
                    Place::LocalTail => format!("runqput puts {g} at the tail of {p}'s local queue — newproc/runqput"),
                    Place::GlobalTail => format!("{p}'s local queue is full (256): runqputslow moves half of it, and {g}, to the global queue — newproc/runqput/runqputslow"),
                };
                let wrong = vec![Answer::Goes(Queue::Runnext), Answer::Goes(Queue::LocalTail), Answer::Goes(Queue::GlobalTail)];
                return Some((QuestionKind::WhereNewG { g }, answer, prompt, rule, wrong));
            }
            What::GoUnblock { by, place, cause } => {
                let Some(g) = e.g else { continue };
                let p = e.p.map(|p| p.to_string()).unwrap_or_else(|| "the waker's P".into());
                let answer = Answer::Goes(Queue::of(*place));
                let who = by.map(|b| format!("{b} wakes {g}")).unwrap_or_else(|| format!("{g} is woken"));
                let prompt = format!("{who} ({}). Where does {g} go?", cause_words(sim, cause));
                let rule = match (cause, place) {
                    (crate::core::event::WakeCause::Network, Place::GlobalTail) => "injectglist puts one goroutine per idle P on the global queue and starts threads on those Ps (all of them, when the caller holds no P, like sysmon) — netpoll/injectglist/startIdle".to_string(),
                    (crate::core::event::WakeCause::Network, _) => "injectglist gives each idle P one goroutine through the global queue; the rest go to the tail of the caller's own P's local queue — netpoll/injectglist/runqputbatch".to_string(),
                    (_, Place::Runnext { .. }) => format!("ready puts a woken goroutine into the waker's P's runnext (runqput with next=true), so it runs next on {p} — goready/ready/runqput"),
                    (_, Place::LocalTail) => format!("ready puts {g} at the tail of {p}'s local queue — goready/ready/runqput"),
                    (_, Place::GlobalTail) => "with no room on a P for it, the woken goroutine goes to the global queue — ready/globrunqput".to_string(),
                };
                let wrong = vec![Answer::Goes(Queue::Runnext), Answer::Goes(Queue::LocalTail), Answer::Goes(Queue::GlobalTail)];
                return Some((QuestionKind::WhereWokenG { g }, answer, prompt, rule, wrong));
            }
            What::Handoff { why } => {
                let Some(p) = e.p else { continue };
                return Some(handoff(events, p, *why));
            }
            What::GoSyscallEnd => {
                let (Some(g), Some(p)) = (e.g, e.p) else { continue };
                let exit = SyscallExit::Keeps(p);
                return Some(syscall(sim, e, g, Some(p), exit));
            }
            What::GoSyscallEndBlocked { got, oldp } => {
                let Some(g) = e.g else { continue };
                let exit = match got {
                    Some(np) if Some(*np) == *oldp => SyscallExit::Regains(*np),
                    Some(np) => SyscallExit::Other(*np),
                    None => SyscallExit::GlobalQueue,
                };
                return Some(syscall(sim, e, g, *oldp, exit));
            }
            _ => {}
        }
    }
    None
}

fn cause_words(sim: &Sim, cause: &crate::core::event::WakeCause) -> String {
    use crate::core::event::WakeCause as W;
    let prog = sim.program();
    let chan = |c: &u32| prog.chans.get(*c as usize).map(|x| x.0.clone()).unwrap_or_else(|| "?".into());
    let wg = |w: &u32| prog.wgs.get(*w as usize).cloned().unwrap_or_else(|| "?".into());
    match cause {
        W::ChanSend(c) => format!("a send on channel {}", chan(c)),
        W::ChanRecv(c) => format!("a receive on channel {}", chan(c)),
        W::ChanClose(c) => format!("the close of channel {}", chan(c)),
        W::WaitGroup(w) => format!("WaitGroup {} reaching 0", wg(w)),
        W::Timer => "its sleep's timer".into(),
        W::Network => "its network wait completed".into(),
    }
}

/// The P's runnext and ring head, and the global queue's head, before the step.
fn heads(sim: &Sim, p: PId) -> (Option<GId>, Option<GId>, Option<GId>) {
    let pp = sim.ps.get(p.index());
    let runnext = pp.and_then(|pp| pp.runq.runnext).map(GId::of_index);
    let local = pp.and_then(|pp| pp.runq.iter().next()).map(GId::of_index);
    let global = sim.global.front().copied().map(GId::of_index);
    (runnext, local, global)
}

fn next_g(sim: &Sim, p: PId, g: GId, from: Source) -> Decision {
    let (runnext, local, global) = heads(sim, p);
    let answer = Answer::Next { g, from };
    let mut wrong = Vec::new();
    if let Some(r) = runnext {
        wrong.push(Answer::Next { g: r, from: Source::Runnext });
    }
    if let Some(l) = local {
        wrong.push(Answer::Next { g: l, from: Source::Local });
    }
    if let Some(h) = global {
        wrong.push(Answer::Next { g: h, from: Source::Global });
    }
    // When the state offers too few, the same goroutine from the other places a reader might
    // think of (the global queue only when it has work).
    let mut others = vec![Source::Runnext, Source::Local];
    if global.is_some() {
        others.extend([Source::Global, Source::Fairness]);
    }
    let distinct = |w: &[Answer]| w.iter().filter(|x| **x != answer).count();
    for other in others {
        if distinct(&wrong) >= 2 {
            break;
        }
        wrong.push(Answer::Next { g, from: other });
    }
    let prompt = format!("{p} is about to pick its next goroutine. Which one runs, and from where?");
    let rule = match from {
        Source::Runnext => format!("runqget takes runnext first: {g}, readied by the goroutine before it, runs next and inherits its time slice — runqget/execute"),
        Source::Local => format!("runnext is empty, so runqget takes the head of {p}'s local queue: {g} — runqget/execute"),
        Source::Fairness => format!("{p}'s schedtick is a multiple of 61: findRunnable takes one goroutine from the global queue before the local one, so global work is not starved — findRunnable/globrunqget"),
        Source::Global => format!("{p}'s local queue is empty: findRunnable takes a batch from the global queue and runs its first, {g} — globrunqgetbatch"),
        Source::Netpoll => format!("no queue has work: findRunnable polls the network and runs the first goroutine whose wait completed, {g} — findRunnable/netpoll"),
        Source::Steal | Source::Start | Source::Locked => format!("{g} runs — execute"),
    };
    (QuestionKind::NextG { p }, answer, prompt, rule, wrong)
}

fn steal(sim: &Sim, thief: PId, victim: PId, n: u32, of: u32, runnext: bool) -> Decision {
    let answer = Answer::Victim { victim, n };
    let mut wrong = Vec::new();
    // The other Ps with work, robbed by the half rule.
    for (i, pp) in sim.ps.iter().enumerate().take(sim.gomaxprocs as usize) {
        let other = PId(i as u32);
        if other == thief || other == victim {
            continue;
        }
        let len = pp.runq.len();
        if len > 0 {
            wrong.push(Answer::Victim { victim: other, n: len - len / 2 });
        } else if pp.runq.runnext.is_some() {
            wrong.push(Answer::Victim { victim: other, n: 1 });
        }
    }
    // The right victim, by a wrong count: all of it, half rounded down, one.
    wrong.push(Answer::Victim { victim, n: of });
    if of / 2 > 0 {
        wrong.push(Answer::Victim { victim, n: of / 2 });
    }
    wrong.push(Answer::Victim { victim, n: 1 });
    wrong.push(Answer::Victim { victim, n: n + 1 });
    let prompt = format!("{thief} found no work of its own or in the global queue and goes stealing. Which P does it rob, and of how many goroutines?");
    let rule = if runnext {
        format!("runqsteal found every ring empty on its last pass and took {victim}'s runnext goroutine — stealWork/runqsteal/runqgrab")
    } else {
        format!("stealWork visits the Ps in a random order and robs the first with work; runqgrab takes half of its local queue, rounded up: {n} of {of} — stealWork/runqsteal/runqgrab")
    };
    (QuestionKind::StealVictim { thief }, answer, prompt, rule, wrong)
}

fn syscall(sim: &Sim, e: &Event, g: GId, oldp: Option<PId>, exit: SyscallExit) -> Decision {
    let answer = Answer::Syscall(exit);
    // The P the goroutine had when it entered the syscall.
    let had = oldp.or_else(|| e.m.and_then(|m| sim.ms.get(m.0 as usize)).and_then(|m| m.p.or(m.oldp)).map(PId));
    let mut wrong = Vec::new();
    if let Some(h) = had {
        wrong.push(Answer::Syscall(SyscallExit::Keeps(h)));
        wrong.push(Answer::Syscall(SyscallExit::Regains(h)));
    }
    wrong.push(Answer::Syscall(SyscallExit::GlobalQueue));
    if let Some(&idle) = sim.pidle.iter().rev().find(|&&i| Some(PId(i)) != had) {
        wrong.push(Answer::Syscall(SyscallExit::Other(PId(idle))));
    }
    let prompt = format!("{g}'s blocking syscall returns. Does it get a P, and which?");
    let rule = match exit {
        SyscallExit::Keeps(p) => format!("nobody took {p} during the syscall, so exitsyscall's fast path keeps it and {g} runs on — exitsyscall"),
        SyscallExit::Regains(p) => format!("{p} was handed off during the syscall, but exitsyscallTryGetP finds it free again (idle, or held by a thread itself in a syscall), so the thread takes its old P back — exitsyscall/exitsyscallTryGetP"),
        SyscallExit::Other(p) => format!("the old P was handed to another thread (handoffp), so exitsyscall takes an idle P, {p} — exitsyscall/exitsyscallTryGetP/pidleget"),
        SyscallExit::GlobalQueue => format!("the old P was handed off and no P is idle: {g} goes to the global queue and its thread parks — exitsyscall/exitsyscallNoP/stopm"),
    };
    (QuestionKind::SyscallExitP { g }, answer, prompt, rule, wrong)
}

fn handoff(events: &[Event], p: PId, why: HandoffWhy) -> Decision {
    let answer = Answer::Handoff(why);
    let taken = events.iter().find(|e| e.p == Some(p) && matches!(e.what, What::ProcSteal { by_sysmon: true, .. }));
    let prompt = match taken.map(|e| &e.what) {
        Some(What::ProcSteal { from, .. }) => format!("sysmon takes {p} from {from}, whose goroutine is stuck in a syscall. What does handoffp do with {p}?"),
        _ => format!("{p} has lost its thread. What does handoffp do with {p}?"),
    };
    let wrong = [HandoffWhy::LocalWork, HandoffWhy::Idle, HandoffWhy::NeedSpinner, HandoffWhy::GlobalWork, HandoffWhy::LastPollerP]
        .into_iter()
        .map(Answer::Handoff)
        .collect();
    let rule = match why {
        HandoffWhy::LocalWork => format!("handoffp first checks the P's own queue: {p} has local work, so startm gives it a thread at once — handoffp/startm"),
        HandoffWhy::GlobalWork => format!("{p}'s own queue is empty but the global queue has work, so startm gives it a thread at once — handoffp/startm"),
        HandoffWhy::NeedSpinner => format!("{p} has no work, but no thread is spinning and no P is idle: handoffp starts a spinning thread on it to look for work — handoffp/startm"),
        HandoffWhy::LastPollerP => format!("{p} has no work, but it is the last running P and no thread polls the network: it gets a thread so someone does — handoffp/startm"),
        HandoffWhy::Idle => format!("{p} has no work and no other rule needs a thread on it: handoffp puts it on the idle P list — handoffp/pidleput"),
    };
    (QuestionKind::HandoffP { p }, answer, prompt, rule, wrong)
}

fn source_words(from: Source, p: &str) -> String {
    match from {
        Source::Runnext => format!("from {p}'s runnext"),
        Source::Local => format!("from the head of {p}'s local queue"),
        Source::Fairness => "from the global queue, before the local one (the 1-in-61 fairness check)".into(),
        Source::Global => "from the global queue (a batch, as the local one is empty)".into(),
        Source::Steal => "stolen from another P".into(),
        Source::Netpoll => "from the netpoller".into(),
        Source::Start => "as the program's first goroutine".into(),
        Source::Locked => "handed to its locked thread".into(),
    }
}

/// A choice's words.
fn label(kind: &QuestionKind, answer: Answer) -> String {
    match answer {
        Answer::Next { g, from } => {
            let p = match kind {
                QuestionKind::NextG { p } => p.to_string(),
                _ => "its P".into(),
            };
            format!("{g}, {}", source_words(from, &p))
        }
        Answer::Victim { victim, n } => format!("{victim}, {n} goroutine{}", if n == 1 { "" } else { "s" }),
        Answer::Goes(q) => match q {
            Queue::Runnext => "Into the P's runnext slot".into(),
            Queue::LocalTail => "At the tail of the P's local queue".into(),
            Queue::GlobalTail => "At the tail of the global queue".into(),
        },
        Answer::Syscall(x) => match x {
            SyscallExit::Keeps(p) => format!("It keeps {p}, which was still attached, and runs on"),
            SyscallExit::Regains(p) => format!("{p} was taken, but its thread gets {p} back"),
            SyscallExit::Other(p) => format!("Its old P is gone: its thread takes idle {p}"),
            SyscallExit::GlobalQueue => "No P: it goes to the global queue and its thread parks".into(),
        },
        Answer::Handoff(why) => match why {
            HandoffWhy::LocalWork => "It has local work: it gets a thread at once".into(),
            HandoffWhy::GlobalWork => "The global queue has work: it gets a thread at once".into(),
            HandoffWhy::NeedSpinner => "No thread spins and no P is idle: it gets a spinning thread".into(),
            HandoffWhy::LastPollerP => "It is the last running P and nobody polls the network: it gets a thread".into(),
            HandoffWhy::Idle => "Nothing to do: it goes on the idle P list".into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lesson_sim(id: &str) -> Sim {
        Sim::new(&crate::core::lessons::find(id).expect("lesson").parsed())
    }

    #[test]
    fn no_question_before_the_start_and_asking_changes_nothing() {
        let mut sim = lesson_sim("runnext-lifo");
        assert_eq!(ask(&sim), None, "schedinit is not a decision to predict");
        assert!(sim.step());
        let q = loop {
            let before = (sim.step_count(), sim.now(), sim.events().to_vec());
            let q = ask(&sim);
            assert_eq!((sim.step_count(), sim.now(), sim.events().to_vec()), before);
            if let Some(q) = q {
                break q;
            }
            assert!(sim.step());
        };
        assert_eq!(ask(&sim), Some(q.clone()), "deterministic");
        assert!(!q.check(q.choices.len()).correct, "an index out of range is wrong");
        let right = (0..q.choices.len()).filter(|&i| q.check(i).correct).count();
        assert_eq!(right, 1);
    }

    #[test]
    fn no_question_after_the_end() {
        let mut sim = lesson_sim("gosched");
        while sim.step() {}
        assert_eq!(ask(&sim), None);
    }
}
