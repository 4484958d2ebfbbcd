//! Trace reading throughput, natively, in MB/s of trace file.
//!
//! The traces are made at bench time from the committed fixtures (`tests/trace/fixtures/`,
//! written by Go 1.26.6): their generations repeated, renumbered and shifted in time up to
//! 64 MiB (`tests/trace/synth.rs`). `generations` is table-heavy (a third of its bytes are
//! events: 37 timed events per KB); `procs` is event-dense (GOMAXPROCS changes and 700
//! goroutines: about 170 timed events per KB). Three ways of reading each: the events alone (every
//! generation's tables built and every timed event decoded with its time, G, P and M), the
//! events plus the summary `gmpsim trace --format json` prints, and the same fed in 256 KiB
//! pieces as `gmpsim trace` reads a file. Criterion reports bytes per second.

#[path = "../tests/trace/synth.rs"]
mod synth;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use gmp::core::trace::summary::summarize;
use gmp::core::trace::{Pull, TraceReader};
use std::time::Duration;

const GENERATIONS: &[u8] = include_bytes!("../tests/trace/fixtures/generations-go1.26.6.trace");
const PROCS: &[u8] = include_bytes!("../tests/trace/fixtures/procs-go1.26.6.trace");

/// Reads every event of `bytes`, fed `chunk` bytes at a time; returns how many there were.
fn events(bytes: &[u8], chunk: usize) -> u64 {
    let mut r = TraceReader::new();
    let (mut fed, mut n) = (0, 0u64);
    loop {
        match r.next().expect("a valid trace") {
            Pull::Event(e) => n += e.time_ns & 1 | 1,
            Pull::NeedInput if fed < bytes.len() => {
                let k = chunk.min(bytes.len() - fed);
                r.feed(&bytes[fed..fed + k]);
                fed += k;
            }
            Pull::NeedInput => r.finish(),
            Pull::End => return n,
        }
    }
}

fn bench(c: &mut Criterion) {
    for (name, fixture) in [("generations", GENERATIONS), ("procs", PROCS)] {
        let (big, _) = synth::repeat_generations(fixture, 64 << 20);
        let mut g = c.benchmark_group(format!("read_trace_{name}"));
        g.sample_size(10).measurement_time(Duration::from_secs(15)).throughput(Throughput::Bytes(big.len() as u64));
        g.bench_function("events_64MiB", |b| b.iter(|| events(&big, usize::MAX)));
        g.bench_function("summary_64MiB", |b| b.iter(|| summarize(&big).expect("a valid trace").counts.total()));
        g.bench_function("events_64MiB_in_256KiB_pieces", |b| b.iter(|| events(&big, 256 << 10)));
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
