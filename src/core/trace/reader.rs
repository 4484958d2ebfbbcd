//! `TraceReader`: the streaming, sans-IO reader. Bytes go in with [`TraceReader::feed`] in
//! pieces of any size; [`TraceReader::next`] gives events one at a time, or says it needs
//! more input, or that the trace has ended.
//!
//! The reader buffers bytes until a whole generation is there (Go 1.26 closes each with
//! `EndOfGeneration`; before, the first batch of the next generation or the end of the input
//! does), reads its structure ([`Generation::build`]), then yields its timed events. The
//! bytes of a generation are dropped when the next one starts, so memory stays within about
//! twice the largest generation plus what was fed beyond it, whatever the file's size.

use litemap::LiteMap;

use super::batch::{scan, Batch, Scanned};
use super::counts::Counts;
use super::error::TraceError;
use super::event::TraceEvent;
use super::generation::Generation;
use super::thread::ThreadState;
use super::version::{Version, HEADER_LEN};

/// What [`TraceReader::next`] has to say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pull<'a> {
    /// The next event (lent until the next call).
    Event(&'a TraceEvent),
    /// Feed more bytes (or call [`TraceReader::finish`] if there are none).
    NeedInput,
    /// The trace ended, and every event was given.
    End,
}

/// What [`TraceReader::step`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    /// An event is in `TraceReader::event`.
    Event,
    /// More input is needed.
    NeedInput,
    /// The trace ended.
    End,
}

/// Reads a Go execution trace (Go 1.22 and later) from bytes fed to it.
#[derive(Debug, Default)]
pub struct TraceReader {
    /// Bytes fed and not yet handed to a generation; `buf[start..]` is live.
    buf: Vec<u8>,
    /// The first live byte of `buf`.
    start: usize,
    /// The file offset of `buf[0]`.
    buf_offset: u64,
    /// Where the next batch header is (an index into `buf`).
    scan_pos: usize,
    /// The format version, once the header is read.
    version: Option<Version>,
    /// Batches of the generation being gathered (positions are indexes into `buf`).
    pending: Vec<Batch>,
    /// The last generation handed out.
    last_gen: u64,
    /// No more input will come.
    finished: bool,
    /// The generation whose events are being given.
    current: Option<Box<Generation>>,
    /// Every thread's P and G, carried across generations.
    threads: LiteMap<u64, ThreadState>,
    /// The trace's first timestamp (the first generation's smallest).
    base_ts: Option<u64>,
    /// Wire events counted so far: structure as generations are read, timed events as they
    /// are given.
    counts: Counts,
    /// The first error: the reader stops there and repeats it.
    error: Option<TraceError>,
    /// The largest generation read so far, in bytes.
    largest_generation: usize,
    /// Generations read so far.
    generations: u64,
    /// The event last read, lent by [`TraceReader::next`]; written in place, never moved.
    event: TraceEvent,
}

impl TraceReader {
    /// A reader waiting for the header.
    pub fn new() -> TraceReader {
        TraceReader::default()
    }

    /// Appends the next bytes of the trace.
    pub fn feed(&mut self, bytes: &[u8]) {
        if self.start > 0 && self.start >= self.buf.len() / 2 {
            self.buf.drain(..self.start);
            self.buf_offset += self.start as u64;
            self.scan_pos -= self.start;
            for b in &mut self.pending {
                b.data_start -= self.start;
            }
            self.start = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// Says that no more bytes will come: the trace ends with what was fed.
    pub fn finish(&mut self) {
        self.finished = true;
    }

    /// The format version, once the header has been read.
    pub fn version(&self) -> Option<Version> {
        self.version
    }

    /// The generation whose events are being given: its number, string and stack tables,
    /// clock, CPU samples.
    pub fn generation(&self) -> Option<&Generation> {
        self.current.as_deref()
    }

    /// Wire events counted so far (all of them once [`Pull::End`] was returned), as
    /// `go tool trace -d=wire` counts them.
    pub fn counts(&self) -> &Counts {
        &self.counts
    }

    /// Every thread's P and G after the events given so far.
    pub fn threads(&self) -> &LiteMap<u64, ThreadState> {
        &self.threads
    }

    /// Bytes held: the input not yet read plus the current generation.
    pub fn buffered_bytes(&self) -> usize {
        self.buf.len() + self.current.as_ref().map_or(0, |g| g.byte_len())
    }

    /// The largest generation read so far, in bytes.
    pub fn largest_generation(&self) -> usize {
        self.largest_generation
    }

    /// How many generations were read so far.
    pub fn generations(&self) -> u64 {
        self.generations
    }

    /// The next event, or what the reader needs. After an error, every call returns it.
    /// The event is lent until the next call (copy it to keep it: `TraceEvent` is `Copy`).
    #[allow(clippy::should_implement_trait)]
    #[inline]
    pub fn next(&mut self) -> Result<Pull<'_>, TraceError> {
        Ok(match self.step()? {
            Step::Event => Pull::Event(&self.event),
            Step::NeedInput => Pull::NeedInput,
            Step::End => Pull::End,
        })
    }

    /// Reads the next event into `self.event`, or says what is needed.
    #[inline]
    fn step(&mut self) -> Result<Step, TraceError> {
        // The common case first: the next event of the current generation.
        if self.error.is_none() {
            if let Some(g) = &mut self.current {
                match g.next_event(&mut self.event, &mut self.threads, self.base_ts.unwrap_or(0)) {
                    Ok(true) => {
                        self.counts.add(self.event.kind, 1);
                        return Ok(Step::Event);
                    }
                    Ok(false) => {}
                    Err(e) => {
                        self.error = Some(e.clone());
                        return Err(e);
                    }
                }
            }
        }
        self.step_slow()
    }

    #[inline(never)]
    fn step_slow(&mut self) -> Result<Step, TraceError> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        let r = self.advance();
        if let Err(e) = &r {
            self.error = Some(e.clone());
        }
        r
    }

    fn advance(&mut self) -> Result<Step, TraceError> {
        loop {
            if let Some(g) = &mut self.current {
                if g.next_event(&mut self.event, &mut self.threads, self.base_ts.unwrap_or(0))? {
                    self.counts.add(self.event.kind, 1);
                    return Ok(Step::Event);
                }
            }
            match self.gather()? {
                Some(g) => {
                    self.counts.merge(&g.structural_counts);
                    self.largest_generation = self.largest_generation.max(g.byte_len());
                    self.generations += 1;
                    if self.base_ts.is_none() {
                        self.base_ts = Some(g.min_ts);
                    }
                    self.current = Some(g);
                }
                None if self.finished => return Ok(Step::End),
                None => return Ok(Step::NeedInput),
            }
        }
    }

    /// The next whole generation, if the bytes fed hold one.
    fn gather(&mut self) -> Result<Option<Box<Generation>>, TraceError> {
        let v = match self.version {
            Some(v) => v,
            None => {
                let live = &self.buf[self.start..];
                if live.len() < HEADER_LEN {
                    // A wrong magic shows in the first bytes: say so without waiting.
                    let n = live.len().min(5);
                    if live[..n] != b"go 1."[..n] {
                        return Version::parse_header(live).map(|_| None);
                    }
                    if !self.finished {
                        return Ok(None);
                    }
                    if live.is_empty() {
                        return Err(TraceError::truncated(0, "a Go execution trace header \"go 1.N trace\\x00\\x00\\x00\" (the input is empty)"));
                    }
                    return Err(TraceError::truncated(live.len() as u64, &format!("the rest of the {HEADER_LEN}-byte header")));
                }
                let v = Version::parse_header(&live[..HEADER_LEN])?;
                self.version = Some(v);
                self.start += HEADER_LEN;
                self.scan_pos = self.start;
                v
            }
        };
        loop {
            let at = self.buf_offset + self.scan_pos as u64;
            let end = match scan(&self.buf, self.scan_pos, self.buf_offset, v, self.finished)? {
                Scanned::Incomplete => {
                    if !self.finished {
                        return Ok(None);
                    }
                    // The end of the input, between batches.
                    if self.pending.is_empty() {
                        return Ok(None);
                    }
                    if v >= Version::Go126 {
                        let gen = self.pending[0].gen;
                        return Err(TraceError::truncated(at, &format!("more batches of generation {gen} and its EndOfGeneration")));
                    }
                    self.scan_pos
                }
                Scanned::EndOfGeneration => {
                    if self.pending.is_empty() {
                        return Err(TraceError::malformed(at, "expected a batch header (EventBatch or ExperimentalBatch), found EndOfGeneration with no batch before it"));
                    }
                    self.scan_pos += 1;
                    self.scan_pos
                }
                Scanned::Batch { batch, len } => match self.pending.first().map(|b| b.gen) {
                    Some(g) if batch.gen == g => {
                        self.pending.push(batch);
                        self.scan_pos += len;
                        continue;
                    }
                    // The first batch of the next generation ends this one (before Go 1.26).
                    Some(g) if v < Version::Go126 && batch.gen == g + 1 => self.scan_pos,
                    Some(g) => {
                        return Err(TraceError::malformed(
                            at,
                            if v >= Version::Go126 {
                                format!("expected a batch of generation {g} or its EndOfGeneration, found a batch of generation {}", batch.gen)
                            } else {
                                format!("expected a batch of generation {g} or {}, found a batch of generation {} (generations out of order)", g + 1, batch.gen)
                            },
                        ))
                    }
                    None if batch.gen <= self.last_gen => {
                        return Err(TraceError::malformed(
                            at,
                            format!("expected a batch of a generation after {}, found a batch of generation {} (generations out of order)", self.last_gen, batch.gen),
                        ))
                    }
                    None => {
                        self.pending.push(batch);
                        self.scan_pos += len;
                        continue;
                    }
                },
            };
            return self.take_generation(end, v).map(Some);
        }
    }

    /// Hands `buf[start..end]` and the pending batches to a new generation.
    fn take_generation(&mut self, end: usize, v: Version) -> Result<Box<Generation>, TraceError> {
        let bytes = self.buf[self.start..end].to_vec();
        let offset = self.buf_offset + self.start as u64;
        let mut batches = std::mem::take(&mut self.pending);
        for b in &mut batches {
            b.data_start -= self.start;
        }
        self.start = end;
        if self.start == self.buf.len() {
            self.buf.clear();
            self.buf_offset += end as u64;
            self.start = 0;
            self.scan_pos = 0;
        }
        // The current generation is done: drop it before building the next.
        self.current = None;
        let g = Generation::build(bytes, offset, &batches, v)?;
        self.last_gen = g.gen;
        Ok(g)
    }
}

#[cfg(test)]
mod tests {
    use super::super::error::ErrorKind;
    use super::super::kind::EventKind;
    use super::super::summary::summarize;
    use super::*;
    use std::collections::BTreeMap;

    /// Written by `tests/trace/fixture/main.go` with Go 1.26.6: three generations.
    const FIXTURE: &[u8] = include_bytes!("../../../tests/trace/fixtures/generations-go1.26.6.trace");
    /// `go tool trace -d=wire` of it, counted.
    const WIRE: &str = include_str!("../../../tests/trace/fixtures/generations-go1.26.6.wire-counts");

    /// Reads `bytes` fed `chunk` bytes at a time: the events, or the error.
    fn read(bytes: &[u8], chunk: usize) -> (Vec<TraceEvent>, Option<TraceError>, TraceReader) {
        let mut r = TraceReader::new();
        let mut fed = 0;
        let mut out = Vec::new();
        loop {
            match r.next() {
                Ok(Pull::Event(e)) => out.push(*e),
                Ok(Pull::NeedInput) if fed < bytes.len() => {
                    let n = chunk.min(bytes.len() - fed);
                    r.feed(&bytes[fed..fed + n]);
                    fed += n;
                }
                Ok(Pull::NeedInput) => r.finish(),
                Ok(Pull::End) => return (out, None, r),
                Err(e) => return (out, Some(e), r),
            }
        }
    }

    /// Each `(name, count)` of a `.wire-counts` file, sorted.
    fn wire(text: &str) -> Vec<(String, u64)> {
        let mut want: Vec<(String, u64)> = text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| {
                let (k, n) = l.split_once(' ').unwrap();
                (k.to_string(), n.parse().unwrap())
            })
            .collect();
        want.sort();
        want
    }

    /// Each `(name, count)` the reader counted, sorted.
    fn counted(s: &super::super::summary::Summary) -> Vec<(String, u64)> {
        let mut got: Vec<(String, u64)> = s.counts.nonzero().map(|(k, n)| (k.name().to_string(), n)).collect();
        got.sort();
        got
    }

    #[test]
    fn counts_equal_go_tool_trace_wire() {
        let s = summarize(FIXTURE).unwrap();
        assert_eq!(counted(&s), wire(WIRE));
        let procs = summarize(include_bytes!("../../../tests/trace/fixtures/procs-go1.26.6.trace")).unwrap();
        assert_eq!(counted(&procs), wire(include_str!("../../../tests/trace/fixtures/procs-go1.26.6.wire-counts")));
        assert_eq!((procs.gomaxprocs, procs.max_gomaxprocs, procs.generations), (3, 4, 3));
        assert_eq!(s.version, Some(Version::Go126));
        assert_eq!(s.generations, 3);
        assert_eq!((s.gomaxprocs, s.max_gomaxprocs), (1, 2));
        assert!(s.goroutines.len() >= 13, "{}", s.goroutines.len());
        assert!(s.duration_ns() > 2_000_000_000 && s.duration_ns() < 10_000_000_000, "{}", s.duration_ns());
    }

    #[test]
    fn any_chunking_gives_the_same_events() {
        let (whole, err, r) = read(FIXTURE, usize::MAX);
        assert!(err.is_none(), "{err:?}");
        assert_eq!(whole.len() as u64, r.counts().nonzero().filter(|(k, _)| k.is_timed() && *k != EventKind::ClockSnapshot).map(|(_, n)| n).sum::<u64>());
        for chunk in [1, 2, 7, 100, 4096] {
            let (evs, err, _) = read(FIXTURE, chunk);
            assert!(err.is_none(), "chunk {chunk}: {err:?}");
            assert_eq!(evs, whole, "chunk {chunk}");
        }
    }

    #[test]
    fn events_carry_their_thread_p_and_goroutine() {
        let (evs, _, _) = read(FIXTURE, usize::MAX);
        let mut last_t: BTreeMap<u64, u64> = BTreeMap::new();
        for e in &evs {
            use EventKind::*;
            match e.kind {
                GoBlock | GoStop | GoDestroy | GoSyscallBegin | GoSyscallEnd | GoSyscallEndBlocked => {
                    assert!(e.g.is_some(), "{e:?} has no goroutine")
                }
                GoStart => assert!(e.p.is_some() && e.g.is_none(), "{e:?}: a goroutine starts on an M with a P and no G"),
                ProcStop => assert!(e.p.is_some(), "{e:?}"),
                _ => {}
            }
            // Each thread's events come in the order it wrote them.
            let t = last_t.entry(e.m).or_insert(0);
            assert!(e.time_ns >= *t, "{e:?} before {t}");
            *t = e.time_ns;
        }
        // Across threads, in time order within each generation (generations overlap a little:
        // the next one's first statuses may be stamped before the last one's last events).
        let back: Vec<_> = evs.windows(2).filter(|w| w[1].gen == w[0].gen && w[1].time_ns < w[0].time_ns).collect();
        assert!(back.is_empty(), "{back:#?}");
        let gen = r_generation_tables();
        assert!(gen.0 > 10 && gen.1 > 10, "{gen:?}");
    }

    /// Sizes of the last generation's string and stack tables.
    fn r_generation_tables() -> (usize, usize) {
        let mut r = TraceReader::new();
        r.feed(FIXTURE);
        r.finish();
        while let Ok(Pull::Event(_)) = r.next() {}
        let g = r.generation().unwrap();
        assert_eq!(g.gen, 3);
        assert!(g.clock.is_some() && g.ticks_per_sec > 0);
        (g.strings.len(), g.stacks.len())
    }

    #[test]
    fn every_truncation_is_an_error_naming_its_offset_except_at_generation_ends() {
        let mut ends = vec![HEADER_LEN];
        let mut r = TraceReader::new();
        r.feed(FIXTURE);
        r.finish();
        loop {
            let end = matches!(r.next(), Ok(Pull::End) | Err(_));
            if let Some(g) = r.generation() {
                let end = (g.offset as usize) + g.byte_len();
                if ends.last() != Some(&end) {
                    ends.push(end);
                }
            }
            if end {
                break;
            }
        }
        assert_eq!(ends.len(), 4, "{ends:?}");
        for cut in 0..FIXTURE.len() {
            let (_, err, _) = read(&FIXTURE[..cut], 64);
            if ends.contains(&cut) {
                assert!(err.is_none(), "cut at {cut}: {err:?}");
            } else {
                let e = err.unwrap_or_else(|| panic!("cut at {cut} read without error"));
                assert_eq!(e.kind, ErrorKind::Truncated, "cut at {cut}: {e}");
                assert!(e.offset <= cut as u64, "cut at {cut}: {e}");
                assert!(e.to_string().contains("expected"), "{e}");
            }
        }
    }

    #[test]
    fn bad_headers_and_garbage() {
        let with_header = |h: &[u8]| [h, &FIXTURE[HEADER_LEN..]].concat();
        let e = read(&with_header(b"go 1.21 trace\0\0\0"), 4096).1.unwrap();
        assert_eq!((e.kind, e.offset), (ErrorKind::UnsupportedVersion, 5));
        let e = read(&with_header(b"go 1.99 trace\0\0\0"), 4096).1.unwrap();
        assert!(e.to_string().contains("unknown trace version go 1.99"), "{e}");
        let e = read(b"PK\x03\x04 not a trace at all", 3).1.unwrap();
        assert_eq!((e.kind, e.offset), (ErrorKind::BadHeader, 0));
        let e = read(b"", 1).1.unwrap();
        assert_eq!((e.kind, e.offset), (ErrorKind::Truncated, 0));
        let garbage = [&FIXTURE[..HEADER_LEN], &[0x7f, 1, 2, 3][..]].concat();
        let e = read(&garbage, 4096).1.unwrap();
        assert_eq!(
            e.to_string(),
            "offset 16: expected a batch header (EventBatch or ExperimentalBatch) or EndOfGeneration, found byte 0x7f"
        );
        // An event type unknown to the version inside a thread's batch.
        let mut bad = FIXTURE.to_vec();
        let (evs, _, _) = read(FIXTURE, usize::MAX);
        let at = evs[10].offset as usize;
        bad[at] = 0x5f;
        let e = read(&bad, 4096).1.unwrap();
        assert_eq!(e.offset, at as u64, "{e}");
        assert!(e.to_string().contains("expected a timed event"), "{e}");
    }
}
