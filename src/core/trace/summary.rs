//! `Summary`: the totals of a trace — format version, GOMAXPROCS, goroutines, threads,
//! duration and the count of every wire event — as `gmpsim trace --format json` prints them.

use super::batch::NO_THREAD;
use super::counts::Counts;
use super::error::TraceError;
use super::event::TraceEvent;
use super::kind::EventKind;
use super::reader::{Pull, TraceReader};
use litemap::LiteMap;
use super::version::Version;

/// A set of ids: a bitmap for the small ones (Go numbers goroutines 1, 2, 3, ...), a sorted
/// vector for the rest (their ids arrive in increasing order, nearly).
#[derive(Clone, Debug, Default)]
pub struct IdSet {
    /// Bit `id` is set when `id` (below [`IdSet::DENSE`]) is in the set.
    bits: Vec<u64>,
    /// The ids from [`IdSet::DENSE`] up.
    large: LiteMap<u64, ()>,
    /// How many ids are in `bits`.
    dense_len: usize,
}

impl IdSet {
    /// Ids below this live in the bitmap (at most 2 MiB of it).
    pub const DENSE: u64 = 1 << 24;

    /// Adds an id.
    #[inline]
    pub fn insert(&mut self, id: u64) {
        if id >= Self::DENSE {
            self.large.insert(id, ());
            return;
        }
        let (w, b) = ((id / 64) as usize, id % 64);
        if w >= self.bits.len() {
            self.bits.resize((w + 1).next_power_of_two(), 0);
        }
        if self.bits[w] & (1 << b) == 0 {
            self.bits[w] |= 1 << b;
            self.dense_len += 1;
        }
    }

    /// True if `id` is in the set.
    pub fn contains(&self, id: u64) -> bool {
        if id >= Self::DENSE {
            return self.large.contains_key(&id);
        }
        self.bits.get((id / 64) as usize).is_some_and(|w| w & (1 << (id % 64)) != 0)
    }

    /// How many ids.
    pub fn len(&self) -> usize {
        self.dense_len + self.large.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Totals of a trace, gathered event by event.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    /// The format version.
    pub version: Option<Version>,
    /// GOMAXPROCS at the end (the last `ProcsChange`; 0 when there is none).
    pub gomaxprocs: u64,
    /// The largest GOMAXPROCS seen.
    pub max_gomaxprocs: u64,
    /// Generations read.
    pub generations: u64,
    /// Distinct goroutine ids seen.
    pub goroutines: IdSet,
    /// Distinct threads seen (writing events, or named by a status or a steal), from the
    /// reader when the trace ends, in increasing order.
    pub threads: Vec<u64>,
    /// The first and last event times, ns since the trace began.
    pub span_ns: Option<(u64, u64)>,
    /// Every wire event counted.
    pub counts: Counts,
}

impl Summary {
    /// An empty summary.
    pub fn new() -> Summary {
        Summary::default()
    }

    /// Adds one event.
    pub fn add(&mut self, ev: &TraceEvent) {
        if ev.kind == EventKind::ProcsChange {
            self.gomaxprocs = ev.args[0];
            self.max_gomaxprocs = self.max_gomaxprocs.max(ev.args[0]);
        }
        // A goroutine appears in a generation by its creation or its status (the runtime
        // writes a goroutine's status the first time a generation mentions it).
        match ev.kind {
            EventKind::GoCreate
            | EventKind::GoCreateSyscall
            | EventKind::GoCreateBlocked
            | EventKind::GoStatus
            | EventKind::GoStatusStack
                if ev.args[0] != 0 =>
            {
                self.goroutines.insert(ev.args[0]);
            }
            _ => {}
        }
        let t = ev.time_ns;
        self.span_ns = Some(match self.span_ns {
            Some((a, b)) => (if t < a { t } else { a }, if t > b { t } else { b }),
            None => (t, t),
        });
    }

    /// Takes the version, the generations and the wire counts from the reader, once it
    /// returned [`Pull::End`].
    pub fn finish(&mut self, r: &TraceReader) {
        self.version = r.version();
        self.generations = r.generations();
        // The reader's threads come distinct and in order.
        self.threads.clear();
        self.threads.extend(r.threads().keys().copied().filter(|&m| m != NO_THREAD));
        self.counts = r.counts().clone();
    }

    /// Nanoseconds from the first event to the last.
    pub fn duration_ns(&self) -> u64 {
        self.span_ns.map_or(0, |(a, b)| b - a)
    }

    /// The summary as `{"go": "1.26", "gomaxprocs": N, "goroutines": N, "threads": N,
    /// "duration_ns": N, "counts": {"GoCreate": n, ...}}`.
    pub fn to_json(&self) -> serde_json::Value {
        let mut counts = serde_json::Map::new();
        for (k, n) in self.counts.nonzero() {
            counts.insert(k.name().to_string(), n.into());
        }
        serde_json::json!({
            "go": self.version.map(|v| v.name()),
            "gomaxprocs": self.gomaxprocs,
            "goroutines": self.goroutines.len(),
            "threads": self.threads.len(),
            "duration_ns": self.duration_ns(),
            "counts": counts,
        })
    }
}

/// Reads a whole trace held in memory and sums it up.
pub fn summarize(bytes: &[u8]) -> Result<Summary, TraceError> {
    let mut r = TraceReader::new();
    r.feed(bytes);
    r.finish();
    let mut s = Summary::new();
    while let Pull::Event(ev) = r.next()? {
        s.add(ev);
    }
    s.finish(&r);
    Ok(s)
}
