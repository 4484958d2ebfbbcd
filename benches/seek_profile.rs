//! How long the page's driver takes to reach a far step natively, against the bare simulator
//! (`cargo bench --bench seek_profile -- FILE STEP`): the driver's own cost (record,
//! events, checkpoints) without the browser.

use gmp::core::scenario;
use gmp::core::sim::Sim;
use gmp::web::driver::Driver;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;

/// The system allocator, counting the bytes held now and the most held since [`Counting::reset`].
struct Counting;

static HELD: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static BASE: AtomicUsize = AtomicUsize::new(0);
/// Bytes that reallocations moved (the old blocks' sizes), and how many there were.
static MOVED: AtomicUsize = AtomicUsize::new(0);
static REALLOCS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let n = HELD.fetch_add(l.size(), Relaxed) + l.size();
        PEAK.fetch_max(n, Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        HELD.fetch_sub(l.size(), Relaxed);
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        MOVED.fetch_add(l.size(), Relaxed);
        REALLOCS.fetch_add(1, Relaxed);
        // Both blocks are held while the old one is copied.
        let n = HELD.fetch_add(new, Relaxed) + new;
        PEAK.fetch_max(n, Relaxed);
        HELD.fetch_sub(l.size(), Relaxed);
        unsafe { System.realloc(p, l, new) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

impl Counting {
    /// Starts a new peak from what is held now.
    fn reset() {
        BASE.store(HELD.load(Relaxed), Relaxed);
        PEAK.store(HELD.load(Relaxed), Relaxed);
    }
    /// The most held since the last reset beyond what was held then, MiB.
    fn peak_mib() -> f64 {
        (PEAK.load(Relaxed) - BASE.load(Relaxed)) as f64 / (1 << 20) as f64
    }
}

fn main() {
    // `cargo bench` passes `--bench`; the rest are this program's own arguments.
    let args: Vec<String> = std::env::args().filter(|a| a != "--bench").collect();
    if args.get(3).is_some_and(|a| a == "--reducer") {
        let file = &args[1];
        reducer(&std::fs::read_to_string(file).expect("the scenario"), args[2].parse().expect("a step"));
        return;
    }
    if args.get(3).is_some_and(|a| a == "--driver") {
        // The driver alone, for a profiler.
        let s = scenario::parse(&std::fs::read_to_string(&args[1]).expect("the scenario")).expect("a valid scenario");
        let t = Instant::now();
        let mut d = Driver::new(s);
        while !d.seek_toward(args[2].parse().expect("a step"), 20_000) {}
        println!(
            "driver: {:?}, {} checkpoints; peak heap {:.1} MiB; {} reallocations moved {:.1} MiB",
            t.elapsed(),
            d.checkpoint_count(),
            Counting::peak_mib(),
            REALLOCS.load(Relaxed),
            MOVED.load(Relaxed) as f64 / (1 << 20) as f64
        );
        // The driver's own drop (a million goroutines' checkpoints) is not the seek's.
        std::mem::forget(d);
        return;
    }
    let file = args.get(1).map_or("tests/e2e/scenarios/seek-1m.json", |s| s.as_str());
    let step: u64 = args.get(2).map_or(1_000_000, |s| s.parse().expect("a step"));
    let s = scenario::parse(&std::fs::read_to_string(file).expect("the scenario")).expect("a valid scenario");
    Counting::reset();
    let t = Instant::now();
    let mut sim = Sim::new(&s);
    sim.run(step);
    let bare = t.elapsed();
    println!("bare sim: {} goroutines, peak heap {:.1} MiB", sim.goroutine_count(), Counting::peak_mib());
    let t = Instant::now();
    let c = sim.clone();
    let clone = t.elapsed();
    drop(c);
    let t = Instant::now();
    let snap = sim.snapshot(false);
    let snapshot = t.elapsed();
    println!("one snapshot (no gs) there: {snapshot:?}, global queue {}", snap.global.len());
    // The record alone (what the page keeps of every new step).
    Counting::reset();
    let t = Instant::now();
    let mut sim2 = Sim::new(&s);
    let mut rec = gmp::web::record::Record::default();
    while sim2.step_count() < step && sim2.step() {
        rec.push(&sim2);
    }
    println!("bare sim + record: {:?}; record of {} steps; peak heap {:.1} MiB", t.elapsed(), rec.explored(), Counting::peak_mib());
    drop(sim2);
    drop(rec);
    drop(snap);
    let held = sim.clone();
    drop(sim);
    Counting::reset();
    let t = Instant::now();
    let mut d = Driver::new(s);
    let mut slices = 0;
    let mut worst = std::time::Duration::ZERO;
    loop {
        let t1 = Instant::now();
        let done = d.seek_toward(step, 20_000);
        worst = worst.max(t1.elapsed());
        slices += 1;
        if done {
            break;
        }
    }
    let driver = t.elapsed();
    println!("driver: peak heap {:.1} MiB ", Counting::peak_mib());
    let sim = held;
    println!(
        "bare sim to step {}: {:?}; one clone there: {:?}; driver: {:?} in {slices} slices (worst {:?}), {} checkpoints every {} steps; ratio {:.2}",
        sim.step_count(),
        bare,
        clone,
        driver,
        worst,
        d.checkpoint_count(),
        d.interval(),
        driver.as_secs_f64() / bare.as_secs_f64()
    );
}

/// The page's reducer on the same seek: each slice's time and the last message's (the one that
/// draws the page at the step), natively.
fn reducer(text: &str, step: u64) {
    use gmp::web::state::{AppState, Msg, Theme};
    use std::rc::Rc;
    let frag = format!("#s={}&step={step}", gmp::core::link::encode(text));
    let t = Instant::now();
    let mut s = Rc::new(AppState::new(gmp::web::boot::boot(&frag, None, None), Theme::System, false));
    let mut worst = std::time::Duration::ZERO;
    let mut last = std::time::Duration::ZERO;
    while s.seeking.is_some() {
        let t1 = Instant::now();
        s = s.reduce(Msg::SeekSlice(60_000));
        last = t1.elapsed();
        if s.seeking.is_some() {
            worst = worst.max(last);
        }
    }
    println!("reducer: {:?} in all; worst slice {worst:?}; the last message (drawing the page at the step) {last:?}", t.elapsed());
    // Stepping there, one message a step (the driver moves from state to state).
    let n = 200;
    let t1 = Instant::now();
    for _ in 0..n {
        s = s.reduce(Msg::Forward);
    }
    println!("one step forward (the whole message, a new step explored): {:?}", t1.elapsed() / n);
}
