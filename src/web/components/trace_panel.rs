//! The trace panel (issue 12, "The page"): open a Go execution trace (the file input or a drop
//! anywhere on the page), read in a worker with progress and Cancel (`trace_worker.rs`), then
//! the real run and the simulated replay as per-P timelines on one time axis, and a what-if
//! (GOMAXPROCS, the release's rules) that re-runs the replay (`trace_sim.rs`) and shows the
//! summary deltas. The replay also goes on the board through `on_replay`. State and its
//! reducer: `crate::web::trace_view`.

use crate::core::scenario::limits;
use crate::web::trace_sim::{run_in_slices, SliceLoop};
use crate::web::trace_view::{Lane, Phase, SimLane, TraceMsg, TraceView, WhatIf, RELEASES};
use crate::web::trace_worker::{FromTraceWorker, TraceReading};
use crate::web::view::short_ns;
use gloo_events::{EventListener, EventListenerOptions};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Units across a lane (bars are joined below one unit).
const WIDTH: u32 = 500;

#[derive(Clone, PartialEq)]
struct Store(TraceView);

impl Reducible for Store {
    type Action = TraceMsg;
    fn reduce(self: Rc<Self>, msg: TraceMsg) -> Rc<Self> {
        Rc::new(Store(self.0.reduce(msg)))
    }
}

/// Props of [`TracePanel`].
#[derive(Properties, PartialEq, Clone)]
pub struct TracePanelProps {
    /// Runs the replay scenario (its JSON text) on the board.
    pub on_replay: Callback<String>,
}

#[function_component(TracePanel)]
pub fn trace_panel(props: &TracePanelProps) -> Html {
    let store = use_reducer(|| Store(TraceView::default()));
    let reading = use_mut_ref(|| None::<TraceReading>);
    let sim_loop = use_mut_ref(|| None::<SliceLoop>);
    let sim_steps = use_state(|| 0u64);
    let v = &store.0;

    let open: Rc<dyn Fn(web_sys::File)> = {
        let (d, reading, on_replay) = (store.dispatcher(), reading.clone(), props.on_replay.clone());
        Rc::new(move |file: web_sys::File| {
            reading.borrow_mut().take();
            d.dispatch(TraceMsg::Start { name: file.name(), total: file.size() as u64 });
            let (d2, r2, on_replay) = (d.clone(), reading.clone(), on_replay.clone());
            let on = Callback::from(move |m: FromTraceWorker| match m {
                FromTraceWorker::Ready => {}
                FromTraceWorker::Progress(n) => d2.dispatch(TraceMsg::Progress { done: n }),
                FromTraceWorker::Failed(e) => {
                    r2.borrow_mut().take();
                    d2.dispatch(TraceMsg::Failed(e));
                }
                FromTraceWorker::Opened(t) => {
                    r2.borrow_mut().take();
                    if let Ok(text) = &t.replay {
                        on_replay.emit(text.clone());
                    }
                    d2.dispatch(TraceMsg::Opened(t));
                }
            });
            match TraceReading::start(file, on) {
                Ok(r) => *reading.borrow_mut() = Some(r),
                Err(e) => d.dispatch(TraceMsg::Failed(e)),
            }
        })
    };

    // A file dropped anywhere on the page.
    {
        let open = open.clone();
        use_effect_with((), move |_| {
            let listeners = web_sys::window().map(|w| {
                let opts = EventListenerOptions::enable_prevent_default();
                let over = EventListener::new_with_options(&w, "dragover", opts, |e| {
                    if has_files(e) {
                        e.prevent_default();
                    }
                });
                let drop = EventListener::new_with_options(&w, "drop", opts, move |e| {
                    let Some(f) = e.dyn_ref::<web_sys::DragEvent>().and_then(|e| e.data_transfer()).and_then(|t| t.files()).and_then(|fs| fs.get(0)) else {
                        return;
                    };
                    e.prevent_default();
                    open(f);
                });
                (over, drop)
            });
            move || drop(listeners)
        });
    }

    // The replay run the state asks for, in slices.
    {
        let (d, sim_loop, sim_steps) = (store.dispatcher(), sim_loop.clone(), sim_steps.clone());
        let running = v.running;
        let scenario = v.run_scenario();
        use_effect_with(running, move |running| {
            sim_loop.borrow_mut().take();
            if let (Some(w), Some(Ok(s))) = (*running, scenario) {
                let w: WhatIf = w;
                let steps = sim_steps.clone();
                steps.set(0);
                let l = run_in_slices(SimLane::new(&s), move |n| steps.set(n), move |lane| d.dispatch(TraceMsg::SimDone(w, Box::new(lane.result()))));
                *sim_loop.borrow_mut() = Some(l);
            }
            move || {
                sim_loop.borrow_mut().take();
            }
        });
    }

    let onchange = {
        let open = open.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            if let Some(f) = input.files().and_then(|fs| fs.get(0)) {
                open(f);
            }
            input.set_value("");
        })
    };
    let on_cancel = {
        let (d, reading) = (store.dispatcher(), reading.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(r) = reading.borrow_mut().take() {
                r.cancel();
            }
            d.dispatch(TraceMsg::Cancel);
        })
    };

    let status = match &v.phase {
        Phase::Idle => html! {},
        Phase::Reading { name, done, total } => html! {
            <div class="tp-reading" data-testid="trace-progress" data-done={done.to_string()} data-total={total.to_string()}>
                <label for="trace-progress-bar">{ format!("Reading {name}: {} of {}", mb(*done), mb(*total)) }</label>
                <progress id="trace-progress-bar" max={total.max(&1).to_string()} value={done.to_string()}></progress>
                <button type="button" data-testid="trace-cancel" onclick={on_cancel}>{ "Cancel" }</button>
            </div>
        },
        Phase::Failed { name, message } => html! {
            <p class="tp-error" role="alert" data-testid="trace-error">
                { format!("{name} is not a trace this page can read: {message}. Your scenario and editor are unchanged.") }
            </p>
        },
        Phase::Cancelled { name } => html! { <p data-testid="trace-status" role="status">{ format!("Reading {name} was cancelled.") }</p> },
        Phase::Open => html! {},
    };

    html! {
        <section class="trace-panel" aria-labelledby="trace-title" data-testid="trace-panel">
            <h2 id="trace-title">{ "Your own Go trace: real run and replay" }</h2>
            <p class="tp-open">
                <label for="trace-file">{ "Open a Go execution trace (go test -trace, runtime/trace, Go 1.22 or later)" }</label>
                <input id="trace-file" type="file" data-testid="trace-file" {onchange} />
                <span class="sub">{ " or drop the file anywhere on the page. It is read here, in a worker; nothing is uploaded." }</span>
            </p>
            { status }
            if let Some((name, t)) = &v.opened { { opened(v, name, t, *sim_steps, &store) } }
        </section>
    }
}

fn has_files(e: &web_sys::Event) -> bool {
    e.dyn_ref::<web_sys::DragEvent>().and_then(|e| e.data_transfer()).is_some_and(|t| t.types().includes(&"Files".into(), 0))
}

fn mb(n: u64) -> String {
    format!("{:.1} MB", n as f64 / 1e6)
}

fn opened(v: &TraceView, name: &str, t: &crate::web::trace_view::TraceOpened, sim_steps: u64, store: &UseReducerHandle<Store>) -> Html {
    let t_max = v.t_max();
    let shown = v.shown();
    let procs = v.what_if.as_ref().map(|(w, _)| w.gomaxprocs).or(v.own().map(|w| w.gomaxprocs));
    let d = store.dispatcher();
    let on_procs = Callback::from(move |e: Event| {
        let i: web_sys::HtmlInputElement = e.target_unchecked_into();
        d.dispatch(TraceMsg::SetGomaxprocs(i.value().trim().parse().unwrap_or(0)));
    });
    let d = store.dispatcher();
    let on_release = Callback::from(move |e: Event| {
        let s: web_sys::HtmlSelectElement = e.target_unchecked_into();
        if let Ok(g) = s.value().parse() {
            d.dispatch(TraceMsg::SetRelease(g));
        }
    });
    let d = store.dispatcher();
    let on_rerun = Callback::from(move |e: SubmitEvent| {
        e.prevent_default();
        d.dispatch(TraceMsg::ReRun);
    });
    let merged = if t.quantum_ns > 0 { format!(" (stretches closer than {} joined)", short_ns(t.quantum_ns)) } else { String::new() };
    html! {
        <>
            <p class="tp-summary" data-testid="trace-summary">
                { format!("{name}: go {} trace, {} long, GOMAXPROCS {}, {} goroutines, {} threads, {}.", t.go, short_ns(t.duration_ns), t.gomaxprocs, t.goroutines, t.threads, mb(t.bytes)) }
            </p>
            <div class="tp-lanes">
                <figure class="tp-lane" data-testid="trace-real" data-goroutines={t.goroutines.to_string()} data-gomaxprocs={t.gomaxprocs.to_string()}
                    data-end-ns={t.real.end.to_string()}>
                    <figcaption>{ format!("Real run: user goroutines on each P{merged}") }</figcaption>
                    { rows(&t.real, t_max) }
                </figure>
                <figure class="tp-lane" data-testid="trace-sim" data-gomaxprocs={procs.map(|p| p.to_string()).unwrap_or_default()}
                    data-total-ns={shown.map(|r| r.summary.total_ns.to_string()).unwrap_or_default()}>
                    <figcaption>
                        { match (&v.what_if, procs) {
                            (Some((w, _)), _) => format!("Replay, what-if: GOMAXPROCS {}, Go 1.{} rules", w.gomaxprocs, w.go),
                            (None, Some(p)) => format!("Replay in the simulator, GOMAXPROCS {p} (also on the board above)"),
                            _ => "Replay".to_string(),
                        } }
                    </figcaption>
                    if let Err(e) = &t.replay {
                        <p class="tp-error" role="alert">{ format!("No replay: {e}") }</p>
                    } else if let Some(r) = shown {
                        { rows(&r.lane, t_max) }
                    }
                    if v.running.is_some() {
                        <p role="status" data-testid="trace-sim-running">{ format!("Running the replay… {sim_steps} steps") }</p>
                    }
                </figure>
                <p class="tp-axis sub">{ format!("Both on one time axis: 0 to {}, from the main goroutine's first event.", short_ns(t_max)) }</p>
            </div>
            if v.replay.is_some() {
                <form class="tp-whatif" onsubmit={on_rerun} aria-label="What-if">
                    <label>{ "GOMAXPROCS " }
                        <input type="number" min="1" max={limits::MAX_GOMAXPROCS.to_string()} data-testid="trace-whatif-procs"
                            value={v.form.gomaxprocs.to_string()} onchange={on_procs} />
                    </label>
                    <label>{ " Go release " }
                        <select data-testid="trace-whatif-release" onchange={on_release}>
                            { for RELEASES.iter().map(|&g| html! { <option value={g.to_string()} selected={v.form.go == g}>{ format!("1.{g} rules") }</option> }) }
                        </select>
                    </label>
                    <button type="submit" data-testid="trace-rerun" disabled={v.base.is_none() || v.running.is_some()}>{ "Re-run the replay" }</button>
                    if let Some(e) = &v.form_error { <span class="tp-error" role="alert">{ format!(" {e}") }</span> }
                </form>
            }
            { delta(v) }
            if !t.unmapped.is_empty() {
                <details class="tp-unmapped">
                    <summary>{ format!("Not replayed exactly ({} kinds)", t.unmapped.len()) }</summary>
                    <ul>{ for t.unmapped.iter().map(|u| html! { <li>{ u }</li> }) }</ul>
                </details>
            }
        </>
    }
}

fn rows(lane: &Lane, t_max: u64) -> Html {
    let bars = lane.bars(t_max, WIDTH);
    html! {
        <div class="tp-rows">
            { for bars.iter().enumerate().map(|(p, row)| html! {
                <div class="tp-row">
                    <span class="tp-p">{ format!("P{p}") }</span>
                    <span class="tp-bars" aria-label={format!("P{p} busy {}", short_ns(lane.busy_ns.get(p).copied().unwrap_or(0)))} role="img">
                        { for row.iter().map(|&(l, w)| html! {
                            <i style={format!("left:{:.2}%;width:{:.2}%", l as f64 * 100.0 / WIDTH as f64, w as f64 * 100.0 / WIDTH as f64)}></i>
                        }) }
                    </span>
                </div>
            }) }
        </div>
    }
}

fn delta(v: &TraceView) -> Html {
    let (Some(b), Some((w, r)), Some(d)) = (v.base.as_ref(), v.what_if.as_ref(), v.delta()) else { return html! {} };
    let own = v.own().unwrap_or(*w);
    let ns = |x: i64| format!("{}{}", if x < 0 { "−" } else { "+" }, short_ns(x.unsigned_abs()));
    let n = |x: i64| format!("{x:+}");
    let line = |what: &str, a: String, c: String, dd: String| html! { <tr><th scope="row">{ what.to_string() }</th><td>{ a }</td><td>{ c }</td><td>{ dd }</td></tr> };
    let (bs, ws) = (&b.summary, &r.summary);
    html! {
        <table class="tp-delta" data-testid="trace-delta" data-total-delta-ns={d.total_ns.to_string()}>
            <caption>{ format!("What-if against the replay at GOMAXPROCS {}, Go 1.{}", own.gomaxprocs, own.go) }</caption>
            <thead><tr><th scope="col">{ "measure" }</th><th scope="col">{ "replay" }</th><th scope="col">{ "what-if" }</th><th scope="col">{ "difference" }</th></tr></thead>
            <tbody>
                { line("total time", short_ns(bs.total_ns), short_ns(ws.total_ns), ns(d.total_ns)) }
                { line("threads created", bs.threads.to_string(), ws.threads.to_string(), n(d.threads)) }
                { line("steals", bs.steals.to_string(), ws.steals.to_string(), n(d.steals)) }
                { line("hand-offs", bs.handoffs.to_string(), ws.handoffs.to_string(), n(d.handoffs)) }
                { line("preemptions", bs.preemptions.to_string(), ws.preemptions.to_string(), n(d.preemptions)) }
            </tbody>
        </table>
    }
}
