//! `Generation`: one generation of a trace — its bytes, its batches grouped by thread, its
//! string and stack tables, its clock (frequency and snapshot), CPU samples and experimental
//! batches — and the cursor that yields its timed events, merged across threads by time.
//!
//! A generation is self-contained: its ids of strings and stacks mean nothing outside it.
//! The reader holds one generation at a time, so memory is bounded by the largest one.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use litemap::LiteMap;

use super::batch::{Batch, NO_THREAD};
use super::counts::Counts;
use super::error::TraceError;
use super::event::{GoState, ProcState, TraceEvent};
use super::kind::EventKind;
use super::stack_table::{Frame, StackTable, MAX_FRAMES};
use super::string_table::{StringTable, MAX_STRING_LEN};
use super::thread::ThreadState;
use super::varint::{uvarint, Cursor};
use super::version::Version;

/// The clock snapshot of a sync batch (Go 1.25 and later): one instant on three clocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClockSnapshot {
    /// The trace clock, ticks.
    pub ts: u64,
    /// The monotonic clock, ns.
    pub mono: u64,
    /// The wall clock, seconds since 1970.
    pub sec: u64,
    /// The wall clock's nanoseconds within the second.
    pub nsec: u64,
}

/// A CPU profiling sample.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CpuSample {
    /// The raw timestamp, ticks.
    pub ts: u64,
    /// The thread.
    pub m: u64,
    /// The P (`u64::MAX` for none).
    pub p: u64,
    /// The goroutine (0 for none).
    pub g: u64,
    /// The stack id.
    pub stack: u64,
}

/// One event decoded from a thread's batch, before its context is attached.
#[derive(Clone, Copy, Debug)]
struct Raw {
    kind: EventKind,
    ts: u64,
    args: [u64; 4],
    offset: u64,
}

/// One thread's event batches in this generation, and where its reading stands.
#[derive(Debug)]
struct Stream {
    /// The thread.
    m: u64,
    /// Its batches, in the order written: `(data start, data end, base time)`.
    batches: Vec<(usize, usize, u64)>,
    /// The batch being read.
    bi: usize,
    /// The next byte to read.
    pos: usize,
    /// The end of the batch being read.
    end: usize,
    /// The timestamp of the last event read.
    ts: u64,
    /// The thread's P and G.
    state: ThreadState,
    /// The next event, read ahead to know its time.
    next: Option<Raw>,
}

/// One generation of a trace.
#[derive(Debug)]
pub struct Generation {
    /// The generation number.
    pub gen: u64,
    /// The file offset of its first byte.
    pub offset: u64,
    /// The format version.
    pub version: Version,
    /// Its bytes (batch headers and data).
    bytes: Vec<u8>,
    /// The string dictionary.
    pub strings: StringTable,
    /// The stack table.
    pub stacks: StackTable,
    /// Trace clock ticks per second.
    pub ticks_per_sec: u64,
    /// Nanoseconds per tick: whole, and the fraction times 2^64.
    ns_per_tick_fixed: (u64, u64),
    /// The clock snapshot (Go 1.25 and later).
    pub clock: Option<ClockSnapshot>,
    /// The smallest batch timestamp.
    pub min_ts: u64,
    /// CPU profiling samples.
    pub cpu_samples: Vec<CpuSample>,
    /// Experimental batches: `(experiment, thread, data start, data end)`.
    experimental: Vec<(u64, u64, usize, usize)>,
    /// Wire events counted while reading the structure (batch headers, tables, sync).
    pub structural_counts: Counts,
    /// Event batches by thread, in order of first appearance.
    streams: Vec<Stream>,
    /// `(m, index in streams)`, sorted by m.
    by_m: Vec<(u64, usize)>,
    /// Threads waiting in the time-ordered merge: `(next time, stream)`.
    heap: BinaryHeap<Reverse<(u64, usize)>>,
    /// The stream being read while its events come first.
    cur: Option<usize>,
    /// Whether the merge has been set up.
    started: bool,
}

impl Generation {
    /// Reads the structure of a generation whose bytes are `bytes` (file offset `offset`) and
    /// whose batches (positions relative to `bytes`) are `batches`, in file order.
    pub fn build(bytes: Vec<u8>, offset: u64, batches: &[Batch], version: Version) -> Result<Box<Generation>, TraceError> {
        let mut g = Box::new(Generation {
            gen: batches.first().map_or(0, |b| b.gen),
            offset,
            version,
            bytes,
            strings: StringTable::default(),
            stacks: StackTable::default(),
            ticks_per_sec: 0,
            ns_per_tick_fixed: (0, 0),
            clock: None,
            min_ts: u64::MAX,
            cpu_samples: Vec::new(),
            experimental: Vec::new(),
            structural_counts: Counts::default(),
            streams: Vec::new(),
            by_m: Vec::new(),
            heap: BinaryHeap::new(),
            cur: None,
            started: false,
        });
        let end_offset = offset + g.bytes.len() as u64;
        for b in batches {
            let range = b.data_start..b.data_start + b.data_len;
            let data_offset = offset + b.data_start as u64;
            g.min_ts = g.min_ts.min(b.time);
            if b.exp != 0 {
                g.structural_counts.add(EventKind::ExperimentalBatch, 1);
                g.experimental.push((b.exp, b.m, range.start, range.end));
                continue;
            }
            g.structural_counts.add(EventKind::EventBatch, 1);
            let first = g.bytes[range.clone()].first().and_then(|&x| EventKind::from_byte(x, version));
            let mut c = Cursor::new(&g.bytes[range.clone()], data_offset);
            match first {
                Some(EventKind::Strings) => read_strings(&mut c, &mut g.strings, &mut g.structural_counts)?,
                Some(EventKind::Stacks) => read_stacks(&mut c, &mut g.stacks, &mut g.structural_counts)?,
                Some(EventKind::CPUSamples) => read_samples(&mut c, &mut g.cpu_samples, &mut g.structural_counts)?,
                Some(EventKind::Sync) if version >= Version::Go125 => {
                    read_sync(&mut c, b.time, version, &mut g.ticks_per_sec, &mut g.clock, &mut g.structural_counts)?
                }
                Some(EventKind::Frequency) if version < Version::Go125 => {
                    read_sync(&mut c, b.time, version, &mut g.ticks_per_sec, &mut g.clock, &mut g.structural_counts)?
                }
                _ => {
                    let i = match g.by_m.binary_search_by_key(&b.m, |e| e.0) {
                        Ok(j) => g.by_m[j].1,
                        Err(j) => {
                            g.by_m.insert(j, (b.m, g.streams.len()));
                            g.streams.push(Stream {
                                m: b.m,
                                batches: Vec::new(),
                                bi: 0,
                                pos: 0,
                                end: 0,
                                ts: 0,
                                state: ThreadState::default(),
                                next: None,
                            });
                            g.streams.len() - 1
                        }
                    };
                    g.streams[i].batches.push((range.start, range.end, b.time));
                }
            }
        }
        if version >= Version::Go126 {
            g.structural_counts.add(EventKind::EndOfGeneration, 1);
        }
        let what = |s: &str| format!("expected {s} in generation {} (bytes {offset}..{end_offset}), found none", g.gen);
        if g.ticks_per_sec == 0 {
            return Err(TraceError::malformed(end_offset, what("a Frequency event")));
        }
        if version >= Version::Go125 && g.clock.is_none() {
            return Err(TraceError::malformed(end_offset, what("a ClockSnapshot event")));
        }
        let f = g.ticks_per_sec;
        g.ns_per_tick_fixed = (1_000_000_000 / f, (((1_000_000_000 % f) as u128) << 64).checked_div(f as u128).unwrap_or(0) as u64);
        g.strings.seal(offset)?;
        g.stacks.seal(&g.strings, offset)?;
        if g.min_ts == u64::MAX {
            g.min_ts = 0;
        }
        Ok(g)
    }

    /// The number of bytes the generation holds.
    pub fn byte_len(&self) -> usize {
        self.bytes.len()
    }

    /// The threads that wrote event batches, in order of first appearance.
    pub fn threads(&self) -> impl Iterator<Item = u64> + '_ {
        self.streams.iter().map(|s| s.m)
    }

    /// The experimental batches: `(experiment, thread, data)`.
    pub fn experimental_batches(&self) -> impl Iterator<Item = (u64, u64, &[u8])> + '_ {
        self.experimental.iter().map(|&(e, m, s, t)| (e, m, &self.bytes[s..t]))
    }

    /// `ticks` of the trace clock in nanoseconds (rounded down; saturating), in integers:
    /// the whole nanoseconds per tick, plus the fraction in 64-bit fixed point.
    #[inline]
    pub fn ticks_to_ns(&self, ticks: u64) -> u64 {
        let (whole, frac) = self.ns_per_tick_fixed;
        ticks.saturating_mul(whole).saturating_add(((u128::from(ticks) * u128::from(frac)) >> 64) as u64)
    }

    /// The string `id` of this generation, or `""`.
    pub fn string(&self, id: u64) -> &str {
        self.strings.get(id).unwrap_or("")
    }

    /// The frames of stack `id` of this generation.
    pub fn stack(&self, id: u64) -> &[Frame] {
        self.stacks.get(id).unwrap_or(&[])
    }

    /// Sets up the merge, each thread starting from its state at the end of the previous
    /// generation.
    #[inline(never)]
    fn start(&mut self, threads: &LiteMap<u64, ThreadState>) -> Result<(), TraceError> {
        self.started = true;
        for i in 0..self.streams.len() {
            let s = &mut self.streams[i];
            s.state = threads.get(&s.m).copied().unwrap_or_default();
            s.bi = usize::MAX;
            s.pos = 0;
            s.end = 0;
            s.next = read_event(s, &self.bytes, self.offset, self.version, self.gen)?;
            if let Some(n) = &s.next {
                self.heap.push(Reverse((n.ts, i)));
            }
        }
        Ok(())
    }

    /// Reads the next timed event in time order (threads' events merged by timestamp, each
    /// thread's in the order it wrote them) into `out`; false at the end of the generation.
    /// `threads` holds the P and G of every thread across generations; `base_ts` is the
    /// trace's first timestamp.
    #[inline]
    pub(super) fn next_event(
        &mut self,
        out: &mut TraceEvent,
        threads: &mut LiteMap<u64, ThreadState>,
        base_ts: u64,
    ) -> Result<bool, TraceError> {
        if !self.started {
            self.start(threads)?;
        }
        let i = match self.cur.take() {
            Some(i) => i,
            None => match self.heap.pop() {
                Some(Reverse((_, i))) => i,
                None => {
                    for s in &self.streams {
                        threads.insert(s.m, s.state);
                    }
                    return Ok(false);
                }
            },
        };
        let (bytes, offset, version, gen) = (&self.bytes, self.offset, self.version, self.gen);
        let s = &mut self.streams[i];
        let Some(raw) = s.next.take() else { return Ok(false) };
        s.next = read_event(s, bytes, offset, version, gen)?;
        if let Some(n) = &s.next {
            match self.heap.peek() {
                Some(Reverse((t, _))) if *t < n.ts => self.heap.push(Reverse((n.ts, i))),
                _ => self.cur = Some(i),
            }
        }
        out.kind = raw.kind;
        out.gen = gen;
        out.ts = raw.ts;
        out.m = s.m;
        out.p = s.state.p;
        out.g = s.state.g;
        out.args = raw.args;
        out.offset = raw.offset;
        out.time_ns = self.ticks_to_ns(raw.ts.saturating_sub(base_ts));
        self.apply(i, out, threads);
        Ok(true)
    }

    /// Follows the event's effect on its thread's P and G (and, for a steal or a status, on
    /// another thread's).
    #[inline]
    fn apply(&mut self, i: usize, ev: &TraceEvent, threads: &mut LiteMap<u64, ThreadState>) {
        use EventKind::*;
        let a = ev.args;
        let st = &mut self.streams[i].state;
        match ev.kind {
            ProcStart => st.p = Some(a[0]),
            ProcStop => st.p = None,
            ProcStatus => {
                if matches!(ProcState::from_wire(a[1]), ProcState::Running | ProcState::Syscall) {
                    st.p = Some(a[0]);
                }
            }
            GoStart | GoSwitch | GoSwitchDestroy | GoCreateSyscall => st.g = Some(a[0]),
            GoStop | GoBlock | GoDestroy | GoDestroySyscall | GoSyscallEndBlocked => st.g = None,
            ProcSteal => {
                let (p, victim) = (a[0], a[2]);
                self.other(victim, threads, |t| {
                    if t.p == Some(p) {
                        t.p = None
                    }
                });
            }
            GoStatus | GoStatusStack => {
                let (g, m) = (a[0], a[1]);
                if m != NO_THREAD && matches!(GoState::from_wire(a[2]), GoState::Running | GoState::Syscall) {
                    self.other(m, threads, |t| t.g = Some(g));
                }
            }
            _ => {}
        }
    }

    /// Applies `f` to thread `m`'s state, wherever it is kept.
    #[inline(never)]
    fn other(&mut self, m: u64, threads: &mut LiteMap<u64, ThreadState>, f: impl FnOnce(&mut ThreadState)) {
        match self.by_m.binary_search_by_key(&m, |e| e.0) {
            Ok(j) => f(&mut self.streams[self.by_m[j].1].state),
            Err(_) => f(threads.entry(m).or_default()),
        }
    }
}

/// Reads the next timed event of a thread's stream, moving on to its next batch as needed.
#[inline(always)]
fn read_event(s: &mut Stream, bytes: &[u8], base: u64, v: Version, gen: u64) -> Result<Option<Raw>, TraceError> {
    while s.bi == usize::MAX || s.pos >= s.end {
        s.bi = s.bi.wrapping_add(1);
        let Some(&(start, end, time)) = s.batches.get(s.bi) else { return Ok(None) };
        s.pos = start;
        s.end = end;
        s.ts = time;
    }
    let data = &bytes[..s.end];
    let at = s.pos;
    let b = data[at];
    let kind = match EventKind::from_byte(b, v) {
        Some(k) if k.is_timed() && k != EventKind::ClockSnapshot => k,
        k => return Err(not_timed(k, b, base + at as u64, s.m, gen)),
    };
    let mut pos = at + 1;
    let n = kind.arg_count();
    let mut args = [0u64; 4];
    let mut dt = 0;
    for k in 0..n {
        let Ok(x) = uvarint(data, &mut pos) else { return Err(bad_arg(kind, k, base + pos as u64)) };
        if k == 0 {
            dt = x;
        } else {
            args[k - 1] = x;
        }
    }
    s.pos = pos;
    s.ts = s.ts.wrapping_add(dt);
    Ok(Some(Raw { kind, ts: s.ts, args, offset: base + at as u64 }))
}

#[cold]
fn not_timed(k: Option<EventKind>, b: u8, at: u64, m: u64, gen: u64) -> TraceError {
    let name = k.map_or(String::new(), |k| format!(" ({})", k.name()));
    TraceError::malformed(at, format!("expected a timed event in thread {}'s batch of generation {gen}, found byte 0x{b:02x}{name}", m as i64))
}

#[cold]
fn bad_arg(kind: EventKind, k: usize, at: u64) -> TraceError {
    TraceError::malformed(
        at,
        format!("expected argument {} ({}) of {} inside its batch, found the batch's end or an overlong varint", k, kind.arg_names()[k], kind.name()),
    )
}

/// Checks that the next event is `kind`, counting it.
fn expect(c: &mut Cursor, kind: EventKind, within: &str, counts: &mut Counts) -> Result<(), TraceError> {
    let at = c.offset();
    let b = c.byte(kind.name())?;
    if b != kind.byte() {
        return Err(TraceError::malformed(at, format!("expected a {} event (byte 0x{:02x}) in a {within} batch, found byte 0x{b:02x}", kind.name(), kind.byte())));
    }
    counts.add(kind, 1);
    Ok(())
}

fn read_strings(c: &mut Cursor, table: &mut StringTable, counts: &mut Counts) -> Result<(), TraceError> {
    expect(c, EventKind::Strings, "strings", counts)?;
    while !c.at_end() {
        let at = c.offset();
        expect(c, EventKind::String, "strings", counts)?;
        let id = c.varint("a string's id")?;
        let len_at = c.offset();
        let len = c.varint("a string's length")?;
        if len > MAX_STRING_LEN {
            return Err(TraceError::malformed(len_at, format!("expected a string of at most {MAX_STRING_LEN} bytes, found a length of {len}")));
        }
        let s = c.bytes(len as usize, "string data")?;
        table.insert(id, s, at)?;
    }
    Ok(())
}

fn read_stacks(c: &mut Cursor, table: &mut StackTable, counts: &mut Counts) -> Result<(), TraceError> {
    expect(c, EventKind::Stacks, "stacks", counts)?;
    let mut frames = Vec::new();
    while !c.at_end() {
        let at = c.offset();
        expect(c, EventKind::Stack, "stacks", counts)?;
        let id = c.varint("a stack's id")?;
        let n_at = c.offset();
        let n = c.varint("a stack's frame count")?;
        if n > MAX_FRAMES {
            return Err(TraceError::malformed(n_at, format!("expected at most {MAX_FRAMES} frames in a stack, found {n}")));
        }
        frames.clear();
        for _ in 0..n {
            let pc = c.varint("a frame's pc")?;
            let func = c.varint("a frame's function")?;
            let file = c.varint("a frame's file")?;
            let line = c.varint("a frame's line")?;
            frames.push(Frame { pc, func, file, line });
        }
        table.insert(id, frames.iter().copied(), at)?;
    }
    Ok(())
}

fn read_samples(c: &mut Cursor, out: &mut Vec<CpuSample>, counts: &mut Counts) -> Result<(), TraceError> {
    expect(c, EventKind::CPUSamples, "CPU samples", counts)?;
    while !c.at_end() {
        expect(c, EventKind::CPUSample, "CPU samples", counts)?;
        let ts = c.varint("a sample's time")?;
        let m = c.varint("a sample's thread")?;
        let p = c.varint("a sample's P")?;
        let g = c.varint("a sample's goroutine")?;
        let stack = c.varint("a sample's stack")?;
        out.push(CpuSample { ts, m, p, g, stack });
    }
    Ok(())
}

fn read_sync(
    c: &mut Cursor,
    time: u64,
    v: Version,
    freq: &mut u64,
    clock: &mut Option<ClockSnapshot>,
    counts: &mut Counts,
) -> Result<(), TraceError> {
    if v >= Version::Go125 {
        expect(c, EventKind::Sync, "sync", counts)?;
    }
    let mut ts = time;
    while !c.at_end() {
        let at = c.offset();
        let b = c.byte("an event")?;
        match EventKind::from_byte(b, v) {
            Some(EventKind::Frequency) => {
                if *freq != 0 {
                    return Err(TraceError::malformed(at, "expected one Frequency event per generation, found a second"));
                }
                let f = c.varint("the frequency")?;
                if f == 0 {
                    return Err(TraceError::malformed(at + 1, "expected a clock frequency above 0, found 0"));
                }
                *freq = f;
                counts.add(EventKind::Frequency, 1);
            }
            Some(EventKind::ClockSnapshot) => {
                if clock.is_some() {
                    return Err(TraceError::malformed(at, "expected one ClockSnapshot event per generation, found a second"));
                }
                ts = ts.wrapping_add(c.varint("the snapshot's dt")?);
                let mono = c.varint("the snapshot's monotonic time")?;
                let sec = c.varint("the snapshot's seconds")?;
                let nsec = c.varint("the snapshot's nanoseconds")?;
                *clock = Some(ClockSnapshot { ts, mono, sec, nsec });
                counts.add(EventKind::ClockSnapshot, 1);
            }
            _ => {
                return Err(TraceError::malformed(at, format!("expected Frequency or ClockSnapshot in the sync batch, found byte 0x{b:02x}")));
            }
        }
    }
    Ok(())
}
