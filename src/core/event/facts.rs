//! [`Event::detail_json`](super::Event::detail_json)'s writer: an event's facts as JSON text,
//! written field by field in the shape `#[derive(Serialize)]` gives [`What`] (variant and field
//! names as declared, the nested enums' variants in snake_case, externally tagged, ids as
//! numbers), without instantiating the derived serializer in the page. The tests compare it
//! with the derived serializer for every variant.

use super::{BlockReason, ChanHow, HandoffWhy, PanicKind, Place, PollWhere, Source, StopReason, UserAction, WakeCause, What};
use crate::core::ids::{GId, MId, PId};

/// A value written as JSON.
trait Fact {
    fn put(&self, out: &mut String);
}

impl Fact for u32 {
    fn put(&self, out: &mut String) {
        out.push_str(&self.to_string());
    }
}

impl Fact for u64 {
    fn put(&self, out: &mut String) {
        out.push_str(&self.to_string());
    }
}

impl Fact for i64 {
    fn put(&self, out: &mut String) {
        out.push_str(&self.to_string());
    }
}

impl Fact for bool {
    fn put(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

impl Fact for str {
    fn put(&self, out: &mut String) {
        out.push_str(&serde_json::to_string(self).unwrap_or_default());
    }
}

impl Fact for String {
    fn put(&self, out: &mut String) {
        self.as_str().put(out);
    }
}

impl Fact for &str {
    fn put(&self, out: &mut String) {
        (**self).put(out);
    }
}

impl Fact for GId {
    fn put(&self, out: &mut String) {
        self.0.put(out);
    }
}

impl Fact for PId {
    fn put(&self, out: &mut String) {
        self.0.put(out);
    }
}

impl Fact for MId {
    fn put(&self, out: &mut String) {
        self.0.put(out);
    }
}

impl<T: Fact> Fact for Option<T> {
    fn put(&self, out: &mut String) {
        match self {
            Some(v) => v.put(out),
            None => out.push_str("null"),
        }
    }
}

/// A unit variant: `"name"`.
fn unit(out: &mut String, name: &str) {
    out.push('"');
    out.push_str(name);
    out.push('"');
}

/// An object being written: `{"k":v,...}`.
struct Obj<'a> {
    out: &'a mut String,
    first: bool,
}

impl<'a> Obj<'a> {
    fn new(out: &'a mut String) -> Self {
        out.push('{');
        Obj { out, first: true }
    }

    fn key(&mut self, k: &str) -> &mut String {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        unit(self.out, k);
        self.out.push(':');
        self.out
    }

    /// One field; `dyn`, so that one copy serves every field type (smaller wasm).
    fn f(mut self, k: &str, v: &dyn Fact) -> Self {
        v.put(self.key(k));
        self
    }

    fn end(self) {
        self.out.push('}');
    }
}

/// `{"name":v}`: a newtype variant, or a struct variant's object around its fields.
fn tagged(out: &mut String, name: &str, v: &dyn Fact) {
    Obj::new(out).f(name, v).end();
}

impl Fact for Place {
    fn put(&self, out: &mut String) {
        match self {
            Place::Runnext { kicked } => {
                let mut o = Obj::new(out);
                Obj::new(o.key("runnext")).f("kicked", kicked).end();
                o.end();
            }
            Place::LocalTail => unit(out, "local_tail"),
            Place::GlobalTail => unit(out, "global_tail"),
        }
    }
}

impl Fact for Source {
    fn put(&self, out: &mut String) {
        unit(out, self.name());
    }
}

impl Fact for StopReason {
    fn put(&self, out: &mut String) {
        unit(
            out,
            match self {
                StopReason::Gosched => "gosched",
                StopReason::Preempted => "preempted",
                StopReason::PreemptedStw => "preempted_stw",
            },
        );
    }
}

impl Fact for BlockReason {
    fn put(&self, out: &mut String) {
        match self {
            BlockReason::ChanSend(c) => tagged(out, "chan_send", c),
            BlockReason::ChanRecv(c) => tagged(out, "chan_recv", c),
            BlockReason::WaitGroup(w) => tagged(out, "wait_group", w),
            BlockReason::Sleep { until } => {
                let mut o = Obj::new(out);
                Obj::new(o.key("sleep")).f("until", until).end();
                o.end();
            }
            BlockReason::Network { ready_at } => {
                let mut o = Obj::new(out);
                Obj::new(o.key("network")).f("ready_at", ready_at).end();
                o.end();
            }
        }
    }
}

impl Fact for WakeCause {
    fn put(&self, out: &mut String) {
        match self {
            WakeCause::ChanSend(c) => tagged(out, "chan_send", c),
            WakeCause::ChanRecv(c) => tagged(out, "chan_recv", c),
            WakeCause::ChanClose(c) => tagged(out, "chan_close", c),
            WakeCause::WaitGroup(w) => tagged(out, "wait_group", w),
            WakeCause::Timer => unit(out, "timer"),
            WakeCause::Network => unit(out, "network"),
        }
    }
}

impl Fact for ChanHow {
    fn put(&self, out: &mut String) {
        if let ChanHow::Closed = self {
            return unit(out, "closed");
        }
        let mut o = Obj::new(out);
        match self {
            ChanHow::Direct { partner } => Obj::new(o.key("direct")).f("partner", partner).end(),
            ChanHow::Buffered { len, cap } => Obj::new(o.key("buffered")).f("len", len).f("cap", cap).end(),
            ChanHow::BufferedWake { partner, len, cap } => {
                Obj::new(o.key("buffered_wake")).f("partner", partner).f("len", len).f("cap", cap).end()
            }
            ChanHow::Closed => {}
        }
        o.end();
    }
}

impl Fact for HandoffWhy {
    fn put(&self, out: &mut String) {
        unit(
            out,
            match self {
                HandoffWhy::LocalWork => "local_work",
                HandoffWhy::GlobalWork => "global_work",
                HandoffWhy::NeedSpinner => "need_spinner",
                HandoffWhy::LastPollerP => "last_poller_p",
                HandoffWhy::Idle => "idle",
            },
        );
    }
}

impl Fact for PollWhere {
    fn put(&self, out: &mut String) {
        unit(
            out,
            match self {
                PollWhere::FindRunnable => "find_runnable",
                PollWhere::Blocked => "blocked",
                PollWhere::Sysmon => "sysmon",
                PollWhere::StartTheWorld => "start_the_world",
            },
        );
    }
}

impl Fact for PanicKind {
    fn put(&self, out: &mut String) {
        match self {
            PanicKind::SendOnClosed(c) => tagged(out, "send_on_closed", c),
            PanicKind::CloseOfClosed(c) => tagged(out, "close_of_closed", c),
            PanicKind::NegativeWaitGroup(w) => tagged(out, "negative_wait_group", w),
        }
    }
}

impl Fact for UserAction {
    fn put(&self, out: &mut String) {
        let mut o = Obj::new(out);
        match self {
            UserAction::Spawn { func, n, on_p, global } => {
                Obj::new(o.key("spawn")).f("func", func).f("n", n).f("on_p", on_p).f("global", global).end()
            }
            UserAction::Syscall { dur, now } => Obj::new(o.key("syscall")).f("dur", dur).f("now", now).end(),
            UserAction::NetReady { applied } => Obj::new(o.key("net_ready")).f("applied", applied).end(),
            UserAction::Gomaxprocs(n) => n.put(o.key("gomaxprocs")),
            UserAction::Ignored(why) => why.put(o.key("ignored")),
        }
        o.end();
    }
}

/// The facts of `what` as a JSON object, `None` for kinds that have none: a struct variant's
/// fields, a newtype variant's object (`Action`, `Panic`), `{"value": ...}` around a newtype
/// variant's string (`Fatal`).
pub(super) fn write(what: &What) -> Option<String> {
    let mut out = String::new();
    let o = Obj::new(&mut out);
    match what {
        What::ProcsChange { from, to } => o.f("from", from).f("to", to).end(),
        What::GoCreate { parent, func, place } => o.f("parent", parent).f("func", func).f("place", place).end(),
        What::GoStart { from, inherit, schedtick } => o.f("from", from).f("inherit", inherit).f("schedtick", schedtick).end(),
        What::GoStop { reason, place } => o.f("reason", reason).f("place", place).end(),
        What::GoBlock { reason } => o.f("reason", reason).end(),
        What::GoUnblock { by, cause, place } => o.f("by", by).f("cause", cause).f("place", place).end(),
        What::GoSyscallBegin { dur } => o.f("dur", dur).end(),
        What::GoSyscallEndBlocked { got, oldp } => o.f("got", got).f("oldp", oldp).end(),
        What::ProcSteal { from, by_sysmon, syscall_ns } => {
            o.f("from", from).f("by_sysmon", by_sysmon).f("syscall_ns", syscall_ns).end()
        }
        What::RunqOverflow { moved } => o.f("moved", moved).end(),
        What::Steal { victim, n, of, runnext } => o.f("victim", victim).f("n", n).f("of", of).f("runnext", runnext).end(),
        What::StealBackoff { victim } => o.f("victim", victim).end(),
        What::GlobalGrab { n, of, fairness } => o.f("n", n).f("of", of).f("fairness", fairness).end(),
        What::Preempt { ran_ns } => o.f("ran_ns", ran_ns).end(),
        What::SpinStop { found } => o.f("found", found).end(),
        What::ThreadCreate { for_p, spinning, sysmon } => o.f("for_p", for_p).f("spinning", spinning).f("sysmon", sysmon).end(),
        What::ThreadWake { for_p, spinning, locked: _ } => o.f("for_p", for_p).f("spinning", spinning).end(),
        What::Handoff { why } => o.f("why", why).end(),
        What::NetpollReady { n, poller } => o.f("n", n).f("poller", poller).end(),
        What::NetpollBlock { until } => o.f("until", until).end(),
        What::TimerFire { late_ns, heap } => o.f("late_ns", late_ns).f("heap", heap).end(),
        What::ChanSend { chan, how } | What::ChanRecv { chan, how } => o.f("chan", chan).f("how", how).end(),
        What::ChanClose { chan, woken } => o.f("chan", chan).f("woken", woken).end(),
        What::WgAdd { wg, delta, counter, released } => {
            o.f("wg", wg).f("delta", delta).f("counter", counter).f("released", released).end()
        }
        What::WgWait { wg } => o.f("wg", wg).end(),
        What::LockOSThread { locked } => o.f("locked", locked).end(),
        What::LockedHandoff { to } => o.f("to", to).end(),
        What::Print { text } => o.f("text", text).end(),
        What::Fatal(why) => o.f("value", why).end(),
        What::Action(a) => {
            out.clear();
            a.put(&mut out);
        }
        What::Panic(p) => {
            out.clear();
            p.put(&mut out);
        }
        What::GoDestroy
        | What::GoSyscallEnd
        | What::ProcStart
        | What::ProcStop
        | What::SpinStart
        | What::ThreadPark
        | What::ThreadExit
        | What::LockedPark
        | What::STWBegin
        | What::STWEnd
        | What::Deadlock
        | What::Exit => return None,
    }
    Some(out)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    /// What the derived serializer gives: `{"Kind": INNER}` read as a value, its inner object
    /// (or `{"value": INNER}`), or `None` for a unit variant.
    fn derived(what: &What) -> Option<String> {
        match serde_json::to_value(what).unwrap() {
            serde_json::Value::Object(m) => {
                let inner = m.into_iter().next().unwrap().1;
                Some(if inner.is_object() { inner } else { serde_json::json!({ "value": inner }) }.to_string())
            }
            _ => None,
        }
    }

    #[test]
    fn every_variant_is_written_as_the_derived_serializer_writes_it() {
        let (g, p, m) = (GId(3), PId(1), MId(2));
        let places = [Place::Runnext { kicked: Some(g) }, Place::Runnext { kicked: None }, Place::LocalTail, Place::GlobalTail];
        let hows = [
            ChanHow::Direct { partner: g },
            ChanHow::Buffered { len: 2, cap: 4 },
            ChanHow::BufferedWake { partner: g, len: 1, cap: 1 },
            ChanHow::Closed,
        ];
        let mut all = vec![
            What::ProcsChange { from: 0, to: 4 },
            What::GoDestroy,
            What::GoSyscallBegin { dur: 5_000_000 },
            What::GoSyscallEnd,
            What::GoSyscallEndBlocked { got: Some(p), oldp: None },
            What::ProcStart,
            What::ProcStop,
            What::ProcSteal { from: m, by_sysmon: true, syscall_ns: 20_000 },
            What::RunqOverflow { moved: 129 },
            What::Steal { victim: p, n: 4, of: 7, runnext: false },
            What::StealBackoff { victim: p },
            What::GlobalGrab { n: 2, of: 9, fairness: true },
            What::Preempt { ran_ns: 10_000_000 },
            What::SpinStart,
            What::SpinStop { found: false },
            What::ThreadCreate { for_p: None, spinning: true, sysmon: false },
            What::ThreadPark,
            What::ThreadWake { for_p: p, spinning: false, locked: Some(g) },
            What::ThreadExit,
            What::NetpollBlock { until: Some(u64::MAX) },
            What::NetpollBlock { until: None },
            What::TimerFire { late_ns: 0, heap: p },
            What::ChanClose { chan: 0, woken: 3 },
            What::WgAdd { wg: 1, delta: -1, counter: i64::MIN, released: 0 },
            What::WgWait { wg: 0 },
            What::LockOSThread { locked: true },
            What::LockedPark,
            What::LockedHandoff { to: m },
            What::STWBegin,
            What::STWEnd,
            What::Deadlock,
            What::Fatal("runtime: program exceeds 10000-thread limit"),
            What::Exit,
            What::Print { text: "tab\t\"quote\" \\ é \u{1} 日本\n".to_string() },
            What::Action(UserAction::Spawn { func: 1, n: 2, on_p: Some(p), global: false }),
            What::Action(UserAction::Spawn { func: 0, n: 1, on_p: None, global: true }),
            What::Action(UserAction::Syscall { dur: 1, now: true }),
            What::Action(UserAction::NetReady { applied: false }),
            What::Action(UserAction::Gomaxprocs(8)),
            What::Action(UserAction::Ignored("no such \"goroutine\"")),
            What::Panic(PanicKind::SendOnClosed(0)),
            What::Panic(PanicKind::CloseOfClosed(1)),
            What::Panic(PanicKind::NegativeWaitGroup(2)),
        ];
        for from in [Source::Runnext, Source::Local, Source::Fairness, Source::Global, Source::Steal, Source::Netpoll, Source::Start, Source::Locked] {
            all.push(What::GoStart { from, inherit: true, schedtick: 61 });
        }
        for place in places {
            all.push(What::GoCreate { parent: Some(g), func: 2, place });
            all.push(What::GoCreate { parent: None, func: 0, place });
            for reason in [StopReason::Gosched, StopReason::Preempted, StopReason::PreemptedStw] {
                all.push(What::GoStop { reason, place });
            }
            for cause in [WakeCause::ChanSend(1), WakeCause::ChanRecv(2), WakeCause::ChanClose(3), WakeCause::WaitGroup(4), WakeCause::Timer, WakeCause::Network] {
                all.push(What::GoUnblock { by: Some(g), cause, place });
                all.push(What::GoUnblock { by: None, cause, place });
            }
        }
        for reason in [BlockReason::ChanSend(1), BlockReason::ChanRecv(2), BlockReason::WaitGroup(3), BlockReason::Sleep { until: 7 }, BlockReason::Network { ready_at: 8 }] {
            all.push(What::GoBlock { reason });
        }
        for why in [HandoffWhy::LocalWork, HandoffWhy::GlobalWork, HandoffWhy::NeedSpinner, HandoffWhy::LastPollerP, HandoffWhy::Idle] {
            all.push(What::Handoff { why });
        }
        for poller in [PollWhere::FindRunnable, PollWhere::Blocked, PollWhere::Sysmon, PollWhere::StartTheWorld] {
            all.push(What::NetpollReady { n: 2, poller });
        }
        for how in hows {
            all.push(What::ChanSend { chan: 5, how });
            all.push(What::ChanRecv { chan: 6, how });
        }
        let kinds: std::collections::BTreeSet<&str> = all.iter().map(What::kind).collect();
        assert_eq!(kinds.len(), super::super::Kind::COUNT, "a kind is missing from this test");
        for what in &all {
            assert_eq!(write(what), derived(what), "{what:?}");
        }
    }
}
