//! Goroutines executing their ops: `newproc`, channels, WaitGroups, `time.Sleep`, network
//! waits, `Gosched`, preemption, `LockOSThread`, exit, and syscalls with every
//! `exitsyscall` path (spec §3.1, §5, §6.1, §7, §10).

use super::{GStatus, MStatus, Outcome, PStatus, Sim, Wait};
use crate::core::event::{BlockReason, ChanHow, PanicKind, Place, StopReason, WakeCause, What};
use crate::core::program::{Instr, ValSource};
use crate::core::scenario::print::{self, Val};
use std::cmp::Reverse;

impl Sim {
    /// M `m` runs its goroutine until the goroutine does something the scheduler sees, or
    /// starts a stretch of CPU work.
    pub(crate) fn run_g(&mut self, m: u32) {
        let g = self.ms[m as usize].curg.expect("run_g: M has no G");
        let p = self.ms[m as usize].p.expect("run_g: M has no P");
        loop {
            // A `work` op in progress: finished, or interrupted (preemption, a user syscall).
            // One look-up of the G for the checks below (each `gs[g]` costs a chunk look-up).
            let now = self.now;
            let gg = &mut self.gs[g as usize];
            if let Some(end) = gg.take_work_end() {
                if now >= end {
                    gg.work_left = 0;
                    gg.pc += 1;
                } else {
                    gg.work_left = end - now;
                }
            }
            if gg.preempt {
                gg.preempt = false;
                self.gopreempt(m, p, g);
                return;
            }
            if let Some(kind) = gg.more.as_mut().and_then(|x| x.panic_on_run.take()) {
                self.emit(Some(g), Some(p), Some(m), What::Panic(kind));
                let msg = match kind {
                    PanicKind::SendOnClosed(_) => "send on closed channel",
                    PanicKind::CloseOfClosed(_) => "close of closed channel",
                    PanicKind::NegativeWaitGroup(_) => "sync: negative WaitGroup counter",
                };
                self.finish(Outcome::Panic(msg.into()));
                return;
            }
            if let Some(d) = gg.more.as_mut().and_then(|x| x.pending_syscall.take()) {
                self.entersyscall(m, p, g, d, false);
                return;
            }
            let (body, pc) = (gg.body, gg.pc);
            let Some(&instr) = self.prog.bodies[body as usize].code.get(pc as usize) else {
                self.goexit(m, p, g);
                return;
            };
            match instr {
                Instr::Work(d) => {
                    let gg = &mut self.gs[g as usize];
                    let left = if gg.work_left > 0 { gg.work_left } else { d };
                    if self.external {
                        // Real-time mode: the M's thread computes a slice for real.
                        gg.work_left = left;
                        let slice = left.min(self.slice_ns);
                        self.ms[m as usize].awaiting = Some(super::Awaiting::Work { slice });
                        self.cancel_m(m);
                        let (mid, gid) = (crate::core::ids::MId(m), self.gid(g));
                        self.commands.push(super::Command::Work { m: mid, g: gid, ns: slice });
                        return;
                    }
                    gg.work_end = self.now + left;
                    self.wake_m(m, self.now + left);
                    return;
                }
                Instr::Loop { n } => {
                    let gg = &mut self.gs[g as usize];
                    gg.more_mut().loops.push(n);
                    gg.pc += 1;
                }
                Instr::EndLoop { start } => {
                    let gg = &mut self.gs[g as usize];
                    let loops = &mut gg.more_mut().loops;
                    let top = loops.last_mut().expect("EndLoop without Loop");
                    *top -= 1;
                    if *top > 0 {
                        gg.pc = start + 1;
                    } else {
                        loops.pop();
                        gg.pc += 1;
                    }
                }
                Instr::Syscall(d) => {
                    self.entersyscall(m, p, g, d, true);
                    return;
                }
                Instr::Go { func, n } => {
                    self.count_go(g, n);
                    self.newproc(m, p, g, func);
                    self.continue_after(m, self.costs.spawn);
                    return;
                }
                Instr::Gosched => {
                    self.gs[g as usize].pc += 1;
                    self.gosched(m, p, g);
                    return;
                }
                Instr::Send(c) => {
                    self.gs[g as usize].pc += 1;
                    // A send with no value carries `Val::Unit`: drop what an earlier send left.
                    self.gs[g as usize].take_sending();
                    self.chansend(m, p, g, c);
                    return;
                }
                Instr::SendValue { chan, value } => {
                    let v = self.value(g, &self.prog.operands[value as usize]);
                    let gg = &mut self.gs[g as usize];
                    gg.pc += 1;
                    gg.more_mut().sending = v;
                    self.chansend(m, p, g, chan);
                    return;
                }
                Instr::Print(i) => {
                    let spec = &self.prog.prints[i as usize];
                    let vals: Vec<Val> = spec.args.iter().map(|a| self.value(g, a)).collect();
                    let text = match &spec.format {
                        Some(f) => print::printf(f, &vals),
                        None => print::println(&vals),
                    };
                    self.gs[g as usize].pc += 1;
                    self.emit(Some(g), Some(p), Some(m), What::Print { text });
                    self.continue_after(m, self.costs.sync_op);
                    return;
                }
                Instr::Take { slot, chan } => {
                    let zero = &self.prog.chan_zero[chan as usize];
                    let gg = &mut self.gs[g as usize];
                    let v = gg.received().cloned().unwrap_or_else(|| zero.clone());
                    gg.more_mut().vars[slot as usize] = v;
                    gg.pc += 1;
                }
                Instr::BreakIfClosed { end } => {
                    let gg = &mut self.gs[g as usize];
                    gg.pc = if gg.received().is_none() { end } else { gg.pc + 1 };
                }
                Instr::Jump { to } => self.gs[g as usize].pc = to,
                Instr::SetVar { slot, value } => {
                    let v = self.value(g, &self.prog.operands[value as usize]);
                    let gg = &mut self.gs[g as usize];
                    gg.more_mut().vars[slot as usize] = v;
                    gg.pc += 1;
                }
                Instr::IncVar { slot } => {
                    let gg = &mut self.gs[g as usize];
                    if let Val::Int(n) = &mut gg.more_mut().vars[slot as usize] {
                        *n = n.wrapping_add(1);
                    }
                    gg.pc += 1;
                }
                Instr::GoArgs { func, n, args } => {
                    self.count_go(g, n);
                    let set: Vec<(u32, Val)> =
                        self.prog.go_args[args as usize].iter().map(|(slot, o)| (*slot, self.value(g, o))).collect();
                    let child = self.newproc(m, p, g, func);
                    for (slot, v) in set {
                        self.gs[child as usize].more_mut().vars[slot as usize] = v;
                    }
                    self.continue_after(m, self.costs.spawn);
                    return;
                }
                Instr::Recv(c) => {
                    self.gs[g as usize].pc += 1;
                    self.chanrecv(m, p, g, c);
                    return;
                }
                Instr::Close(c) => {
                    self.gs[g as usize].pc += 1;
                    self.closechan(m, p, g, c);
                    return;
                }
                Instr::Add { wg, n } => {
                    self.gs[g as usize].pc += 1;
                    self.wg_add(m, p, g, wg, n);
                    return;
                }
                Instr::Wait(wg) => {
                    self.gs[g as usize].pc += 1;
                    if self.wgs[wg as usize].counter == 0 {
                        self.emit(Some(g), Some(p), Some(m), What::WgWait { wg });
                        self.continue_after(m, self.costs.sync_op);
                    } else {
                        self.wgs[wg as usize].waiters.push_back(g);
                        self.park(m, p, g, Wait::WaitGroup(wg), BlockReason::WaitGroup(wg));
                    }
                    return;
                }
                Instr::Sleep(d) => {
                    self.gs[g as usize].pc += 1;
                    let until = self.now + d;
                    self.netpoll_inited = true;
                    self.park(m, p, g, Wait::Sleep { until }, BlockReason::Sleep { until });
                    // resetForSleep runs as gopark's unlock function: the timer goes on this P.
                    let seq = self.timer_seq;
                    self.timer_seq += 1;
                    let earliest = self.ps[p as usize].timers.peek().is_none_or(|t| until < t.0 .0);
                    self.ps[p as usize].timers.push(Reverse((until, seq, g)));
                    if earliest {
                        self.wake_net_poller(until);
                    }
                    return;
                }
                Instr::Net(d) => {
                    self.gs[g as usize].pc += 1;
                    let ready_at = self.now + d;
                    self.netpoll_inited = true;
                    self.net_waiters += 1;
                    let more = self.gs[g as usize].more_mut();
                    more.wait_gen = more.wait_gen.wrapping_add(1);
                    self.park(m, p, g, Wait::Net { ready_at, ready: false }, BlockReason::Network { ready_at });
                    self.schedule_net_ready(g, ready_at);
                    return;
                }
                Instr::Gomaxprocs(n) => {
                    self.gs[g as usize].pc += 1;
                    self.stop_and_resize(n, Some((m, g)));
                    if self.outcome.is_none() && self.ms[m as usize].state == MStatus::Run {
                        self.continue_after(m, self.costs.sync_op);
                    }
                    return;
                }
                Instr::LockOsThread => {
                    self.gs[g as usize].pc += 1;
                    let gg = &mut self.gs[g as usize];
                    let more = gg.more_mut();
                    more.lock_count += 1;
                    more.lockedm = Some(m);
                    self.ms[m as usize].lockedg = Some(g);
                    self.emit(Some(g), Some(p), Some(m), What::LockOSThread { locked: true });
                    self.continue_after(m, self.costs.sync_op);
                    return;
                }
                Instr::UnlockOsThread => {
                    self.gs[g as usize].pc += 1;
                    let gg = &mut self.gs[g as usize];
                    let more = gg.more_mut();
                    more.lock_count = more.lock_count.saturating_sub(1);
                    if more.lock_count == 0 {
                        more.lockedm = None;
                        self.ms[m as usize].lockedg = None;
                    }
                    self.emit(Some(g), Some(p), Some(m), What::LockOSThread { locked: false });
                    self.continue_after(m, self.costs.sync_op);
                    return;
                }
            }
        }
    }

    /// The running goroutine's next op comes after `cost` ns.
    pub(crate) fn continue_after(&mut self, m: u32, cost: u64) {
        let at = self.now + cost;
        self.wake_m(m, at);
    }

    /// After its G stopped running, M runs `schedule` once `cost` ns have passed.
    fn reschedule_after(&mut self, m: u32, cost: u64) {
        let mm = &mut self.ms[m as usize];
        mm.curg = None;
        mm.state = MStatus::Schedule;
        let at = self.now + cost;
        self.wake_m(m, at);
    }

    /// `newproc`: create a goroutine running `func`, into P's runnext; then `wakep`.
    /// One of the `n` goroutines a `go` op starts: the op stays at `g`'s pc until the last one.
    #[inline]
    fn count_go(&mut self, g: u32, n: u32) {
        let gg = &mut self.gs[g as usize];
        let more = gg.more_mut();
        if more.go_left == 0 {
            more.go_left = n;
        }
        more.go_left -= 1;
        if more.go_left == 0 {
            gg.pc += 1;
        }
    }

    fn newproc(&mut self, m: u32, p: u32, parent: u32, func: u32) -> u32 {
        let g = self.new_g(func, Some(parent), Some(p));
        let place = self.runqput(p, g, true);
        let parent = self.gid(parent);
        self.emit(Some(g), Some(p), Some(m), What::GoCreate { parent: Some(parent), func, place });
        self.wakep();
        g
    }

    /// An operand's value for goroutine `g`.
    fn value(&self, g: u32, o: &ValSource) -> Val {
        match o {
            ValSource::Const(v) => v.clone(),
            ValSource::Var(slot) => self.gs[g as usize].vars().get(*slot as usize).cloned().unwrap_or(Val::Int(0)),
        }
    }

    /// `gopark` + `park_m`: the goroutine blocks, holding no M and no P.
    fn park(&mut self, m: u32, p: u32, g: u32, wait: Wait, reason: BlockReason) {
        let gg = &mut self.gs[g as usize];
        gg.status = GStatus::Waiting;
        gg.wait = wait;
        gg.m = None;
        self.emit(Some(g), Some(p), Some(m), What::GoBlock { reason });
        self.reschedule_after(m, self.costs.sync_op);
    }

    /// `goschedImpl(gp, false)`: `runtime.Gosched()` → global queue tail, `wakep`.
    fn gosched(&mut self, m: u32, p: u32, g: u32) {
        let gg = &mut self.gs[g as usize];
        gg.status = GStatus::Runnable;
        gg.m = None;
        self.globrunqput(g);
        self.emit(Some(g), Some(p), Some(m), What::GoStop { reason: StopReason::Gosched, place: Place::GlobalTail });
        if self.new_rules() {
            // [NEW]: goschedImpl wakes a P for the goroutine it just queued.
            self.wakep();
        }
        self.reschedule_after(m, self.costs.sync_op);
    }

    /// `gopreempt_m` → `goschedImpl(gp, true)`: the preempted G goes to the global queue tail.
    fn gopreempt(&mut self, m: u32, p: u32, g: u32) {
        let gg = &mut self.gs[g as usize];
        gg.status = GStatus::Runnable;
        gg.m = None;
        self.globrunqput(g);
        self.stats.preemptions += 1;
        self.emit(Some(g), Some(p), Some(m), What::GoStop { reason: StopReason::Preempted, place: Place::GlobalTail });
        if self.new_rules() {
            self.wakep();
        }
        self.reschedule_after(m, 0);
    }

    /// `goexit0`: the goroutine returned. main returning ends the program.
    fn goexit(&mut self, m: u32, p: u32, g: u32) {
        if self.gs[g as usize].body == self.prog.main && g == 0 {
            self.emit(Some(g), Some(p), Some(m), What::Exit);
            self.finish(Outcome::Exit);
            return;
        }
        let gg = &mut self.gs[g as usize];
        gg.status = GStatus::Dead;
        gg.m = None;
        let locked = gg.lock_count() > 0;
        if let Some(more) = gg.more.as_mut() {
            more.loops = Vec::new();
        }
        gg.unlock();
        self.emit(Some(g), Some(p), Some(m), What::GoDestroy);
        if locked {
            // The thread exits with its goroutine: mexit → handoffp(releasep()).
            let mm = &mut self.ms[m as usize];
            mm.curg = None;
            mm.lockedg = None;
            mm.state = MStatus::Dead;
            self.cancel_m(m);
            self.emit(None, Some(p), Some(m), What::ThreadExit);
            let p = self.releasep(m);
            self.ps[p as usize].status = PStatus::Idle;
            self.handoffp(p);
            self.checkdead();
            return;
        }
        self.reschedule_after(m, self.costs.sync_op);
    }

    // ----- channels (spec §10) -----

    fn chansend(&mut self, m: u32, p: u32, g: u32, c: u32) {
        let ch = &mut self.chans[c as usize];
        if ch.closed {
            self.gs[g as usize].more_mut().panic_on_run = Some(PanicKind::SendOnClosed(c));
            self.continue_after(m, 0);
            return;
        }
        if let Some(r) = ch.recvq.pop_front() {
            let partner = self.gid(r);
            let v = self.gs[g as usize].take_sending();
            self.gs[r as usize].more_mut().received = Some(v);
            self.emit(Some(g), Some(p), Some(m), What::ChanSend { chan: c, how: ChanHow::Direct { partner } });
            self.goready(r, p, Some(g), WakeCause::ChanSend(c));
            self.continue_after(m, self.costs.sync_op);
        } else if ch.len < ch.cap as u64 {
            ch.len += 1;
            if self.prog.chan_valued[c as usize] {
                ch.buf.push_back(self.gs[g as usize].take_sending());
            }
            let (len, cap) = (ch.len, ch.cap);
            self.emit(Some(g), Some(p), Some(m), What::ChanSend { chan: c, how: ChanHow::Buffered { len, cap } });
            self.continue_after(m, self.costs.sync_op);
        } else {
            ch.sendq.push_back(g);
            self.park(m, p, g, Wait::ChanSend(c), BlockReason::ChanSend(c));
        }
    }

    fn chanrecv(&mut self, m: u32, p: u32, g: u32, c: u32) {
        let ch = &mut self.chans[c as usize];
        if ch.len > 0 {
            if let Some(s) = ch.sendq.pop_front() {
                // Take the head of the buffer; the blocked sender's value goes to its tail.
                let head = ch.buf.pop_front().unwrap_or(Val::Unit);
                if self.prog.chan_valued[c as usize] {
                    ch.buf.push_back(self.gs[s as usize].take_sending());
                }
                self.gs[g as usize].more_mut().received = Some(head);
                let ch = &self.chans[c as usize];
                let (len, cap) = (ch.len, ch.cap);
                let partner = self.gid(s);
                self.emit(Some(g), Some(p), Some(m), What::ChanRecv { chan: c, how: ChanHow::BufferedWake { partner, len, cap } });
                self.goready(s, p, Some(g), WakeCause::ChanRecv(c));
            } else {
                ch.len -= 1;
                let head = ch.buf.pop_front().unwrap_or(Val::Unit);
                let (len, cap) = (ch.len, ch.cap);
                self.gs[g as usize].more_mut().received = Some(head);
                self.emit(Some(g), Some(p), Some(m), What::ChanRecv { chan: c, how: ChanHow::Buffered { len, cap } });
            }
            self.continue_after(m, self.costs.sync_op);
        } else if let Some(s) = ch.sendq.pop_front() {
            let partner = self.gid(s);
            let v = self.gs[s as usize].take_sending();
            self.gs[g as usize].more_mut().received = Some(v);
            self.emit(Some(g), Some(p), Some(m), What::ChanRecv { chan: c, how: ChanHow::Direct { partner } });
            self.goready(s, p, Some(g), WakeCause::ChanRecv(c));
            self.continue_after(m, self.costs.sync_op);
        } else if ch.closed {
            self.gs[g as usize].more_mut().received = None;
            self.emit(Some(g), Some(p), Some(m), What::ChanRecv { chan: c, how: ChanHow::Closed });
            self.continue_after(m, self.costs.sync_op);
        } else {
            ch.recvq.push_back(g);
            self.park(m, p, g, Wait::ChanRecv(c), BlockReason::ChanRecv(c));
        }
    }

    /// `closechan`: receivers (FIFO) then senders are pushed on a stack and readied from the
    /// top, so the first receiver ends in runnext. Woken senders panic when they run.
    fn closechan(&mut self, m: u32, p: u32, g: u32, c: u32) {
        let ch = &mut self.chans[c as usize];
        if ch.closed {
            self.gs[g as usize].more_mut().panic_on_run = Some(PanicKind::CloseOfClosed(c));
            self.continue_after(m, 0);
            return;
        }
        ch.closed = true;
        let mut stack: Vec<u32> = ch.recvq.drain(..).collect();
        for &r in &stack {
            self.gs[r as usize].more_mut().received = None;
        }
        let senders: Vec<u32> = ch.sendq.drain(..).collect();
        for &s in &senders {
            self.gs[s as usize].more_mut().panic_on_run = Some(PanicKind::SendOnClosed(c));
        }
        stack.extend(senders);
        self.emit(Some(g), Some(p), Some(m), What::ChanClose { chan: c, woken: stack.len() as u32 });
        while let Some(w) = stack.pop() {
            self.goready(w, p, Some(g), WakeCause::ChanClose(c));
        }
        self.continue_after(m, self.costs.sync_op);
    }

    // ----- WaitGroups -----

    fn wg_add(&mut self, m: u32, p: u32, g: u32, wg: u32, delta: i64) {
        let w = &mut self.wgs[wg as usize];
        w.counter += delta;
        if w.counter < 0 {
            self.gs[g as usize].more_mut().panic_on_run = Some(PanicKind::NegativeWaitGroup(wg));
            self.continue_after(m, 0);
            return;
        }
        let counter = w.counter;
        let released: Vec<u32> = if counter == 0 { w.waiters.drain(..).collect() } else { Vec::new() };
        self.emit(Some(g), Some(p), Some(m), What::WgAdd { wg, delta, counter, released: released.len() as u32 });
        for w in released {
            self.goready(w, p, Some(g), WakeCause::WaitGroup(wg));
        }
        self.continue_after(m, self.costs.sync_op);
    }

    // ----- syscalls (spec §6.1, new model) -----

    /// `entersyscall`: the M blocks with its G; the P stays wired to it, `_Prunning`.
    fn entersyscall(&mut self, m: u32, p: u32, g: u32, dur: u64, op: bool) {
        let gg = &mut self.gs[g as usize];
        gg.status = GStatus::Syscall;
        gg.more_mut().syscall_start = self.now;
        if op {
            // The op is done once the syscall returns.
            gg.pc += 1;
        }
        let mm = &mut self.ms[m as usize];
        mm.state = MStatus::Syscall;
        mm.oldp = Some(p);
        self.emit(Some(g), Some(p), Some(m), What::GoSyscallBegin { dur });
        self.sysmon_wake_if_deep();
        if self.external {
            // Real-time mode: the M's thread really blocks.
            self.ms[m as usize].awaiting = Some(super::Awaiting::Syscall);
            self.cancel_m(m);
            let (mid, gid) = (crate::core::ids::MId(m), self.gid(g));
            self.commands.push(super::Command::Syscall { m: mid, g: gid, ns: dur });
            return;
        }
        let at = self.now + self.costs.syscall + dur;
        self.wake_m(m, at);
    }

    /// Real-time mode: M's thread is gone. Its goroutine is lost (dead, with no exit), the M
    /// exits, and its P, if it had one, is handed off. Returns the lost goroutine.
    pub(crate) fn lose_thread(&mut self, m: u32) -> Option<u32> {
        let lost = self.ms[m as usize].curg.take();
        if let Some(g) = lost {
            let gg = &mut self.gs[g as usize];
            gg.status = GStatus::Dead;
            gg.m = None;
            gg.unlock();
        }
        if let Some(lg) = self.ms[m as usize].lockedg {
            // Its locked goroutine (waiting or queued) is no longer tied to a thread.
            self.gs[lg as usize].unlock();
        }
        let state = self.ms[m as usize].state;
        if state == MStatus::Idle {
            self.midle.retain(|&x| x != m);
        }
        if self.poller == Some(m) {
            self.poller = None;
            self.poll_until = 0;
        }
        if self.ms[m as usize].spinning {
            self.ms[m as usize].spinning = false;
            self.nmspinning -= 1;
        }
        let mm = &mut self.ms[m as usize];
        mm.state = MStatus::Dead;
        mm.awaiting = None;
        mm.lockedg = None;
        mm.steal = None;
        let nextp = mm.nextp.take();
        let handed = mm.handed.take();
        self.cancel_m(m);
        self.emit(lost, None, Some(m), What::ThreadExit);
        if let Some(g) = handed {
            self.gs[g as usize].status = GStatus::Dead;
        }
        let p = if self.ms[m as usize].p.is_some() { Some(self.releasep(m)) } else { nextp };
        if let Some(p) = p {
            self.ps[p as usize].status = PStatus::Idle;
            self.handoffp(p);
        }
        if lost.is_some_and(|g| g == 0) {
            // main is gone: the program cannot go on.
            self.emit(Some(0), None, Some(m), What::Fatal("the thread running main was lost"));
            self.finish(Outcome::Fatal("the thread running main was lost".into()));
        }
        self.checkdead();
        lost
    }

    /// `exitsyscall`: fast path if the P is still ours; else `exitsyscallTryGetP`; else
    /// `exitsyscallNoP`.
    pub(crate) fn exitsyscall(&mut self, m: u32) {
        let g = self.ms[m as usize].curg.expect("exitsyscall: no G");
        let oldp = self.ms[m as usize].oldp.take();
        if let Some(p) = self.ms[m as usize].p {
            self.gs[g as usize].status = GStatus::Running;
            self.ps[p as usize].syscalltick = self.ps[p as usize].syscalltick.wrapping_add(1);
            self.ms[m as usize].state = MStatus::Run;
            self.emit(Some(g), Some(p), Some(m), What::GoSyscallEnd);
            self.continue_after(m, 0);
            return;
        }
        // a. Take oldp back from another M that is itself in a syscall.
        let mut got = None;
        if let Some(op) = oldp.filter(|&op| op < self.gomaxprocs) {
            if let Some(om) = self.ps[op as usize].m {
                let in_syscall = self.ms[om as usize].state == MStatus::Syscall
                    && self.ms[om as usize].curg.is_some_and(|og| self.gs[og as usize].status == GStatus::Syscall);
                if om != m && in_syscall {
                    self.ms[om as usize].p = None;
                    self.ps[op as usize].m = None;
                    self.ps[op as usize].oldm = Some(om);
                    self.ps[op as usize].syscalltick = self.ps[op as usize].syscalltick.wrapping_add(1);
                    let from = crate::core::ids::MId(om);
                    self.emit(None, Some(op), Some(m), What::ProcSteal { from, by_sysmon: false, syscall_ns: 0 });
                    got = Some(op);
                }
            }
        }
        // b. Any idle P.
        if got.is_none() {
            got = self.pidleget();
            if got.is_some() {
                self.sysmon_wake_if_deep();
            }
        }
        if let Some(np) = got {
            self.acquirep(m, np);
            self.gs[g as usize].status = GStatus::Running;
            self.ms[m as usize].state = MStatus::Run;
            let oldp = oldp.map(crate::core::ids::PId);
            self.emit(Some(g), Some(np), Some(m), What::GoSyscallEndBlocked { got: Some(crate::core::ids::PId(np)), oldp });
            self.continue_after(m, 0);
            return;
        }
        // exitsyscallNoP: the G goes to the global queue and the M stops.
        let gg = &mut self.gs[g as usize];
        gg.status = GStatus::Runnable;
        gg.m = None;
        self.globrunqput(g);
        let mm = &mut self.ms[m as usize];
        mm.curg = None;
        let oldp = oldp.map(crate::core::ids::PId);
        self.emit(Some(g), None, Some(m), What::GoSyscallEndBlocked { got: None, oldp });
        if self.ms[m as usize].lockedg == Some(g) {
            self.ms[m as usize].state = MStatus::LockedWait;
            self.cancel_m(m);
            self.emit(Some(g), None, Some(m), What::LockedPark);
            self.checkdead();
        } else {
            self.stopm(m);
        }
    }
}
