//! Threads mode's panel: starts a [`Run`] of the scenario (the core on this thread in real
//! time, one Web Worker per M), holds it and its workers (a browser resource, like a
//! subscription) and commands them, and observes it about four times a second, sending what it
//! sees to the reducer ([`ThreadsMsg::Observed`]); it draws only from the reducer's state
//! ([`ThreadsPanel::shown`]): the same board,
//! explanation, log, plots and goroutine panel as step mode, plus the workers themselves
//! (alive, idle, peak, over time), wall-clock throughput, the speedup against GOMAXPROCS 1,
//! and controls to pause, run again, crash a worker and measure the speedup.

use crate::web::fixed::Fixed;
use super::board::{board, BoardProps};
use super::event_log::{event_log, EventLogProps};
use super::explain::{explain, ExplainProps};
use super::goroutine_panel::{goroutine_panel, GoroutinePanelProps};
use super::line_plot::{line_plot, LinePlotProps};
use super::timeline::{timeline, TimelineProps};
use crate::core::ids::GId;
use crate::core::scenario::Scenario;
use crate::web::driver::LogFilter;
use crate::web::state::ThreadsCommand;
use crate::web::threads_panel::{Baseline, ThreadsMsg, ThreadsPanel};
use crate::web::threads::{Choices, Observer, Run, GRACE_MS, SLICE_NS};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use super::memo::{memo_local, Local, LocalPart};
use yew::prelude::*;

/// How often the panel redraws, ms.
pub const REDRAW_MS: u32 = 250;

/// What [`threads_view`] shows (a [`LocalPart`]: its state holds the run and its workers).
#[derive(PartialEq, Clone)]
pub struct ThreadsProps {
    pub scenario: Rc<Scenario>,
    /// The latest keyboard command for the run, numbered ([`crate::web::state::AppState::threads_command`]);
    /// each number is carried out once, and one given before this panel existed never.
    pub command: Option<(u32, ThreadsCommand)>,
    /// What the user chose in the panel (held by the reducer).
    pub panel: ThreadsPanel,
    /// Sends what the user chooses to the reducer.
    pub on_msg: Callback<ThreadsMsg>,
}

fn set_hook(name: &str, v: &JsValue) {
    if let Some(w) = web_sys::window() {
        let _ = js_sys::Reflect::set(&w, &JsValue::from_str(name), v);
    }
}

fn workers_plot(series: &[(f64, u32)], wall: f64) -> Html {
    let t_max = wall.max(1.0);
    let peak = series.iter().map(|x| x.1).max().unwrap_or(0).max(1) as f64;
    let y = |n: u32| 60.0 - n as f64 / peak * 55.0;
    let mut pts = String::new();
    let mut last = 0u32;
    for &(t, n) in series {
        let x = t / t_max * 300.0;
        pts.push_str(&format!("{x},{} {x},{} ", Fixed(y(last), 1), Fixed(y(n), 1), x = Fixed(x, 1)));
        last = n;
    }
    pts.push_str(&format!("300,{}", Fixed(y(last), 1)));
    html! {
        <figure class="plot" data-testid="plot-workers">
            <figcaption>{ "Web Workers alive over wall-clock time" }<span class="sub">{ format!(" · peak {} · over {} ms", peak as u32, Fixed(wall, 0)) }</span></figcaption>
            <svg class="threads-plot" viewBox="0 0 300 62" preserveAspectRatio="none" role="img"
                aria-label={format!("Workers alive over time, peak {}", peak as u32)}>
                <polyline points={pts} fill="none" stroke="currentColor" stroke-width="1.5" vector-effect="non-scaling-stroke" />
            </svg>
        </figure>
    }
}

/// One of the run's figures: a term, its value (with a tooltip and a test id, if any).
fn fig(dt: &'static str, title: Option<&'static str>, testid: Option<&'static str>, dd: Html) -> Html {
    html! { <div><dt>{ dt }</dt><dd {title} data-testid={testid}>{ dd }</dd></div> }
}

/// The pause button: pauses the run, or resumes it.
/// `data-blocking` before the run exists: how its workers will block, `"wait"` where the page is
/// cross-origin isolated (so they can `Atomics.wait`), `"spin"` elsewhere.
fn blocking_allowed() -> &'static str {
    if crate::web::thread_worker::can_wait() {
        "wait"
    } else {
        "spin"
    }
}

fn toggle_pause(r: &mut Run) {
    if r.paused() {
        r.resume()
    } else {
        r.pause()
    }
}

/// What the panel holds: the run with its observer, and the panel's choices as the observer
/// reads them (kept current at every drawing).
#[derive(Default)]
struct Held {
    run: Option<(Rc<RefCell<Run>>, Observer)>,
    chosen: (Rc<LogFilter>, usize, Option<GId>),
}

/// Observes the held run (unless it is in use) and sends what it sees to the reducer.
fn observe(held: &RefCell<Held>, on_msg: &Callback<ThreadsMsg>) {
    let seen = {
        let mut h = held.borrow_mut();
        let Held { run, chosen: (filter, limit, selected) } = &mut *h;
        let Some((run, observer)) = run.as_mut() else { return };
        let Ok(r) = run.try_borrow() else { return };
        observer.observe(&r, &Choices { filter, limit: *limit, selected: *selected })
    };
    on_msg.emit(ThreadsMsg::Observed(Rc::new(seen)));
}

/// The threads-mode panel. Not a component of its own: each component type costs its own copy
/// of Yew's lifecycle code in the page's wasm; a [`super::memo::Memo`] does the same.
pub fn threads_view(props: ThreadsProps) -> Html {
    memo_local(props)
}

/// What the running run's start set up, torn down (in this order) when it is dropped: the
/// redraw timer, the run (stopped) and the `window.__gmpThreads*` hooks.
pub struct Started {
    redraw: Option<gloo_timers::callback::Interval>,
    run: Rc<RefCell<Run>>,
    hooks: Option<(Closure<dyn Fn() -> JsValue>, Closure<dyn Fn(JsValue) -> JsValue>)>,
}

impl Drop for Started {
    fn drop(&mut self) {
        drop(self.redraw.take());
        self.run.borrow_mut().stop();
        drop(self.hooks.take());
        set_hook("__gmpThreads", &JsValue::NULL);
        set_hook("__gmpThreadsKill", &JsValue::NULL);
    }
}

/// The panel's callbacks that stay the same across redraws (made again only for another
/// `on_msg`): the log's filter and more rows, select and close a goroutine, and a seek that
/// does nothing.
type Steady = (Callback<LogFilter>, Callback<()>, Callback<GId>, Callback<()>, Callback<u64>);

/// The panel's state.
#[derive(Default)]
pub struct ThreadsState {
    held: Rc<RefCell<Held>>,
    /// The run started, with what started it: the scenario, the run's number, measuring.
    started: Option<((Rc<Scenario>, u32, bool), Started)>,
    /// The last keyboard command carried out (set when the panel is first drawn).
    seen: Option<Option<u32>>,
    /// The command and the choices observed last.
    observed: Option<(Option<(u32, ThreadsCommand)>, Rc<LogFilter>, usize, Option<GId>)>,
    steady: Option<(Callback<ThreadsMsg>, Steady)>,
}

/// Carries out `f` on the held run, then observes it.
fn command(held: &RefCell<Held>, on_msg: &Callback<ThreadsMsg>, f: &dyn Fn(&mut Run)) {
    let run = held.borrow().run.as_ref().map(|(r, _)| r.clone());
    if let Some(r) = run {
        f(&mut r.borrow_mut());
    }
    observe(held, on_msg);
}

/// Starts a run of `sc` (at GOMAXPROCS 1 when `measuring`), holds it, observes it at once and
/// then every [`REDRAW_MS`].
fn start(held: &Rc<RefCell<Held>>, on_msg: &Callback<ThreadsMsg>, sc: &Scenario, run_no: u32, measuring: bool) -> Started {
    let mut sc = sc.clone();
    if measuring {
        sc.gomaxprocs = 1;
    }
    let r = Run::start(&sc);
    held.borrow_mut().run = Some((r.clone(), Observer::new(run_no, measuring)));
    let weak = Rc::downgrade(&r);
    let figs = Closure::<dyn Fn() -> JsValue>::new({
        let weak = weak.clone();
        move || weak.upgrade().map_or(JsValue::NULL, |r| JsValue::from_str(&r.borrow().figures().to_string()))
    });
    let kill = Closure::<dyn Fn(JsValue) -> JsValue>::new({
        let weak = weak.clone();
        move |m: JsValue| {
            let m = m.as_f64().map(|x| x as u32);
            weak.upgrade().and_then(|r| r.borrow_mut().kill(m)).map_or(JsValue::NULL, |m| JsValue::from_f64(m as f64))
        }
    });
    set_hook("__gmpThreads", figs.as_ref());
    set_hook("__gmpThreadsKill", kill.as_ref());
    // The run exists now: draw its panel (controls included) at once, not at the first
    // redraw.
    observe(held, on_msg);
    let (held, on_msg) = (held.clone(), on_msg.clone());
    let tick = move || {
        // The GOMAXPROCS 1 run has ended: keep its time, run the scenario itself.
        if measuring {
            let end = weak.upgrade().and_then(|r| {
                let r = r.try_borrow().ok()?;
                let ms = r.finished_ms?;
                let clean = r.lost.is_empty() && matches!(r.sim.outcome(), Some(crate::core::sim::Outcome::Exit));
                Some(if clean {
                    Baseline::Done(ms)
                } else {
                    Baseline::Failed("the GOMAXPROCS 1 run did not end with exit status 0, so there is no figure")
                })
            });
            if let Some(b) = end {
                on_msg.emit(ThreadsMsg::BaselineEnded(b));
            }
        }
        observe(&held, &on_msg)
    };
    let redraw = gloo_timers::callback::Interval::new(REDRAW_MS, tick);
    Started { redraw: Some(redraw), run: r, hooks: Some((figs, kill)) }
}

impl LocalPart for ThreadsProps {
    type State = ThreadsState;

    fn view(&self, state: &Local<ThreadsState>) -> Html {
        threads_panel_view(self, state)
    }

    /// (What a component's effects would do; the state is not borrowed while the run is
    /// started, stopped or observed.)
    fn rendered(&self, state: &Local<ThreadsState>) {
        let panel = &self.panel;
        // (Re)start the run whenever the scenario, "run again" or the baseline measurement asks.
        let key = (self.scenario.clone(), panel.run, panel.measuring());
        let held = state.get().held.clone();
        if state.get().started.as_ref().is_none_or(|s| s.0 != key) {
            // The last run's teardown first, as an effect's.
            let last = state.get_mut().started.take();
            drop(last);
            let started = start(&held, &self.on_msg, &key.0, key.1, key.2);
            state.get_mut().started = Some((key, started));
        }
        // The keyboard's pause command: Space as the pause button (nothing once the run has
        // ended, when the button is disabled). "Run again" (r) is the reducer's
        // (`ThreadsPanel::run`). New choices (the log's filter or length, the selection) are
        // observed at once, too.
        let pause = {
            let mut st = state.get_mut();
            let st = &mut *st;
            let seen = st.seen.get_or_insert(self.command.map(|(n, _)| n));
            let observed = (self.command, panel.filter.clone(), panel.limit, panel.selected);
            if st.observed.as_ref() == Some(&observed) {
                return;
            }
            st.observed = Some(observed);
            let mut pause = false;
            if let Some((n, c)) = self.command {
                if *seen != Some(n) {
                    *seen = Some(n);
                    pause = c == ThreadsCommand::TogglePause;
                }
            }
            pause
        };
        command(&held, &self.on_msg, &|r: &mut Run| {
            if pause && !r.finished() {
                toggle_pause(r);
            }
        })
    }
}

fn threads_panel_view(props: &ThreadsProps, state: &Local<ThreadsState>) -> Html {
    let mut st = state.get_mut();
    let panel = &props.panel;
    let (baseline, filter, limit, selected) = (&panel.baseline, &panel.filter, &panel.limit, &panel.selected);
    st.held.borrow_mut().chosen = (filter.clone(), *limit, *selected);
    let measuring = panel.measuring();
    let with_run = |f: fn(&mut Run)| {
        let (held, on_msg) = (st.held.clone(), props.on_msg.clone());
        Callback::from(move |_: MouseEvent| command(&held, &on_msg, &f))
    };
    let on_pause = with_run(toggle_pause);
    let on_kill = with_run(|r| {
        r.kill(None);
    });
    let on_restart = props.on_msg.reform(|_: MouseEvent| ThreadsMsg::RunAgain);
    let on_measure = props.on_msg.reform(|_: MouseEvent| ThreadsMsg::Measure);
    // Callbacks that stay the same across redraws, so children whose data did not change skip
    // rendering (the panel redraws four times a second and must leave the thread to the core).
    if st.steady.as_ref().is_none_or(|s| s.0 != props.on_msg) {
        let m = &props.on_msg;
        let steady = (
            m.reform(ThreadsMsg::SetFilter),
            m.reform(|()| ThreadsMsg::MoreRows),
            m.reform(|g: GId| ThreadsMsg::Select(Some(g))),
            m.reform(|()| ThreadsMsg::Select(None)),
            Callback::from(|_: u64| ()),
        );
        st.steady = Some((m.clone(), steady));
    }
    let (on_filter, on_more, on_select, on_close, noop_seek) = st.steady.as_ref().map(|s| s.1.clone()).expect("made above");
    drop(st);
    let noop_seek_t = noop_seek.clone();

    let Some(r) = panel.shown.as_deref() else {
        return html! { <section class="threads" data-testid="threads" data-live="0" data-idle="0" data-peak="0" data-blocking={blocking_allowed()}>{ "Starting the workers…" }</section> };
    };
    let wall = r.wall_ms;
    let busy = r.work_ms;
    let throughput = if wall > 0.0 { busy / wall } else { 0.0 };
    let state = r.state.clone();
    let moves = r.moves.clone();
    let finished = r.finished;
    let plots = r.plots.clone();
    let (rows, more) = (r.rows.clone(), r.more);
    let outcome = r.outcome.as_ref().map(|o| format!("{o} — after {} ms of wall-clock time", Fixed(wall, 0)));
    let last_rows = r.last_rows.clone();
    let text = if last_rows.is_empty() {
        "Starting: schedinit and the first thread.".to_string()
    } else {
        last_rows.iter().map(|x| x.text.clone()).collect::<Vec<_>>().join(" ")
    };
    let detail = r.detail.clone();
    let ratio = |b: f64| b / wall.max(1e-9);
    let (speedup_state, speedup_value, speedup_text) = match *baseline {
        Baseline::Measuring => ("measuring", None, "measuring: running it with GOMAXPROCS 1 first…".to_string()),
        Baseline::Done(b) if finished => (
            "done",
            Some(Fixed(ratio(b), 3).to_string()),
            format!("{}× (GOMAXPROCS 1 took {} ms, GOMAXPROCS {} took {} ms)", Fixed(ratio(b), 2), Fixed(b, 0), r.gomaxprocs, Fixed(wall, 0)),
        ),
        Baseline::Done(b) => ("running", None, format!("GOMAXPROCS 1 took {} ms; this run is still going", Fixed(b, 0))),
        Baseline::Failed(why) => ("failed", None, why.to_string()),
        Baseline::None => ("none", None, "not measured (use “Measure speedup”)".to_string()),
    };
    let speedup = html! { <span data-testid="speedup" data-state={speedup_state} data-value={speedup_value}>{ speedup_text }</span> };
    let paused = r.paused;
    let status = if measuring {
        "Measuring the GOMAXPROCS 1 baseline"
    } else if finished {
        "Ended"
    } else if paused {
        "Paused"
    } else {
        "Running on real time"
    };
    html! {
        <section class="threads" aria-labelledby="threads-h" data-testid="threads"
            data-live={r.live.to_string()} data-idle={r.idle.to_string()} data-peak={r.peak.to_string()}
            data-paused={paused.to_string()} data-finished={finished.to_string()} data-blocking={r.blocking}>
            <h2 id="threads-h">{ "Threads mode: every M is a real Web Worker" }</h2>
            <p class="threads-intro">
                { format!("The same scheduler core decides, on this page's thread and on the wall clock; each M it creates is a dedicated Web Worker that really computes `work` ops (in slices of at most {} ms, where sysmon's 10 ms preemption takes effect), really blocks in `syscall` ops (sysmon retakes the P and hands it to another worker), and is left alone while its goroutines wait on the network or a timer. There is no stepping back: real time does not replay.", SLICE_NS / 1_000_000) }
            </p>
            <div class="threads-controls" role="toolbar" aria-label="Threads mode controls">
                <button type="button" data-testid="threads-pause" aria-pressed={paused.to_string()} onclick={on_pause} disabled={finished}
                    title="Pause or resume (Space)">{ if paused { "▶ Resume" } else { "⏸ Pause" } }</button>
                <button type="button" data-testid="threads-restart" onclick={on_restart} title="Run again (r)">{ "↺ Run again" }</button>
                <button type="button" data-testid="threads-kill" onclick={on_kill} disabled={finished || paused}
                    title="Make one worker stop answering: the page reports it and its goroutine is lost">{ "Crash a worker" }</button>
                <button type="button" data-testid="threads-measure" onclick={on_measure} disabled={measuring}
                    title="Run the scenario with GOMAXPROCS 1, then as it is, and compare wall-clock times">{ "Measure speedup against GOMAXPROCS 1" }</button>
                <span class="threads-status" role="status">{ status }</span>
            </div>
            <dl class="threads-figures" data-testid="threads-figures">
                { fig("Workers", None, None, html! { format!("{} alive, {} idle, peak {} ({} created)", r.live, r.idle, r.peak, r.created) }) }
                { fig("Wall clock", None, None, html! { format!("{} ms", Fixed(wall, 0)) }) }
                { fig("Throughput", None, None, html! { format!("{} ms of CPU work done, {} CPU-ms per wall-ms", Fixed(busy, 0), Fixed(throughput, 2)) }) }
                { fig("Speedup against GOMAXPROCS 1", None, None, speedup) }
                { fig("Decision round trip", None, None, html! { format!("median {} µs, p99 {} µs over {}", Fixed(r.rtt_us.p50, 0), Fixed(r.rtt_us.p99, 0), r.rtt_us.n) }) }
                if r.boot_ms.n > 0 {
                    { fig("Worker start-up", Some("A Go thread starts in tens of microseconds; a Web Worker first loads its script and wasm, and the goroutine handed to it waits (and may be preempted) meanwhile"), None,
                        html! { format!("median {} ms over {} (a Go thread: ~20 µs)", Fixed(r.boot_ms.p50, 0), r.boot_ms.n) }) }
                }
                if let Some(sleep) = r.syscalls_sleep {
                    { fig("Syscalls block by", None, Some("syscall-block"), html! { { if sleep { "sleeping in Atomics.wait (no CPU used, as in the kernel)" } else { "spinning: this host does not send the cross-origin isolation headers Atomics.wait needs, so a blocked worker uses a core" } } }) }
                }
                if r.handoff_ms.n > 0 {
                    { fig("Syscall → P on another worker", None, None, html! { format!("median {} ms over {}", Fixed(r.handoff_ms.p50, 2), r.handoff_ms.n) }) }
                }
                { fig("Core", None, None, html! { format!("{} steps, {} events, {} preemptions, {} threads at most", r.steps, r.events, r.preemptions, r.max_threads) }) }
            </dl>
            for l in r.lost.iter() {
                <p class="notice" role="alert" data-testid="thread-lost">{ l.clone() }<span class="sub">{ format!(" (a worker is declared lost {} ms after its answer was due)", Fixed(GRACE_MS, 0)) }</span></p>
            }
            { explain(ExplainProps { step: r.steps, rows: last_rows, text, schedtrace: r.schedtrace.clone(),
                outcome, announce: paused || finished, on_select: on_select.clone() }) }
            <div class="threads-board" id="board" tabindex="-1">
                { board(BoardProps { state, moves, selected: *selected, on_select, playing: false, scope: AttrValue::default() }) }
                if let Some(g) = *selected {
                    { goroutine_panel(GoroutinePanelProps { id: g, detail, on_close, on_seek: noop_seek.clone(), seekable: false }) }
                }
            </div>
            <section class="pictures" aria-label="Pictures of the run">
                { workers_plot(&r.threads_series, wall) }
                { line_plot(LinePlotProps { title: "Run queue lengths (global and each P)", testid: "plot-queues", series: plots.queues.clone(),
                    t_max: plots.t_max, cursor_t: r.sim_now, on_seek_t: noop_seek_t.clone(), seekable: false }) }
                { line_plot(LinePlotProps { title: "Threads as the core sees them", testid: "plot-threads", series: plots.threads.clone(),
                    t_max: plots.t_max, cursor_t: r.sim_now, on_seek_t: noop_seek_t.clone(), seekable: false }) }
                { timeline(TimelineProps { lanes: plots.lanes.clone(), t_max: plots.t_max, cursor_t: r.sim_now, on_seek_t: noop_seek_t }) }
            </section>
            { event_log(EventLogProps { rows, more, step: r.steps, filter: (*filter).clone(), on_filter, on_more,
                on_seek: noop_seek, seekable: false }) }
        </section>
    }
}
