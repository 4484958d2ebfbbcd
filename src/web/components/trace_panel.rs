//! The trace panel (issue 12, "The page"): open a Go execution trace (the file input or a drop
//! anywhere on the page), read in a worker with progress and Cancel (`trace_worker.rs`), then
//! the real run and the simulated replay as per-P timelines on one time axis, and a what-if
//! (GOMAXPROCS, the release's rules) that re-runs the replay (`trace_sim.rs`) and shows the
//! summary deltas. The replay also goes on the board through `on_replay`. State and its
//! reducer: `crate::web::trace_view`.

use crate::web::fixed::Fixed;
use crate::core::scenario::limits;
use crate::web::trace_sim::{run_in_slices, SliceLoop};
use crate::web::trace_view::{Lane, Phase, SimLane, TraceMsg, TraceOpened, TraceView, WhatIf, RELEASES};
use crate::web::trace_worker::{FromTraceWorker, TraceReading};
use crate::web::view::short_ns;
use gloo_events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use super::memo::{memo_local, Local, LocalPart, WeakLocal};
use yew::prelude::*;

/// Units across a lane (bars are joined below one unit).
const WIDTH: u32 = 500;

/// What [`trace_panel`] shows (a [`LocalPart`]: its state is a [`TracePanel`]).
#[derive(PartialEq, Clone)]
pub struct TracePanelProps {
    /// Runs the replay scenario (its JSON text) on the board.
    pub on_replay: Callback<String>,
}

/// What the panel hears.
pub enum PanelMsg {
    /// A file chosen or dropped.
    Open(web_sys::File),
    /// From the trace worker.
    Worker(FromTraceWorker),
    Cancel,
    /// The replay run in progress made this many steps.
    SimSteps(u64),
    View(TraceMsg),
}

/// The panel's state: a [`TraceView`]; it holds the worker and the replay run.
#[derive(Default)]
pub struct TracePanel {
    v: TraceView,
    reading: Option<TraceReading>,
    /// The replay run in progress and what it runs.
    sim: Option<(WhatIf, SliceLoop)>,
    sim_steps: u64,
    _drop: Option<(EventListener, EventListener)>,
    /// The props' `on_replay` as last drawn.
    on_replay: Callback<String>,
}

/// The trace panel. Not a component of its own: each component type costs its own copy of
/// Yew's lifecycle code in the page's wasm; a [`super::memo::Memo`] does the same.
pub fn trace_panel(props: TracePanelProps) -> Html {
    memo_local(props)
}

/// Sends the panel messages (a weak handle: what the panel holds, its worker and its drop
/// listener, sends through it without keeping it alive).
#[derive(Clone)]
struct Link(WeakLocal<TracePanel>);

impl Link {
    /// Carries out `m` and draws the panel again.
    fn send(&self, m: PanelMsg) {
        let Some(panel) = self.0.upgrade() else { return };
        let replay = panel.get_mut().update(self, m);
        // (Out of the panel's state: the page's reducer runs it.)
        if let Some((on_replay, text)) = replay {
            on_replay.emit(text);
        }
        panel.redraw().force_update();
    }

    fn callback<E: 'static>(&self, f: impl Fn(E) -> PanelMsg + 'static) -> Callback<E> {
        let link = self.clone();
        Callback::from(move |e| link.send(f(e)))
    }
}

impl LocalPart for TracePanelProps {
    type State = TracePanel;

    fn view(&self, state: &Local<TracePanel>) -> Html {
        let mut panel = state.get_mut();
        panel.on_replay = self.on_replay.clone();
        panel.view(&Link(state.weak()))
    }

    /// A file dropped anywhere on the page (listened for from the first drawing on).
    fn rendered(&self, state: &Local<TracePanel>) {
        let mut panel = state.get_mut();
        if panel._drop.is_some() {
            return;
        }
        let open = Link(state.weak()).callback(PanelMsg::Open);
        panel._drop = web_sys::window().map(|w| {
            let opts = EventListenerOptions::enable_prevent_default();
            let over = EventListener::new_with_options(&w, "dragover", opts, |e| {
                if has_files(e) {
                    e.prevent_default();
                }
            });
            let drop = EventListener::new_with_options(&w, "drop", opts, move |e| {
                if let Some(f) = e.dyn_ref::<web_sys::DragEvent>().and_then(|e| e.data_transfer()).and_then(|t| t.files()).and_then(|fs| fs.get(0)) {
                    e.prevent_default();
                    open.emit(f);
                }
            });
            (over, drop)
        });
    }
}

impl TracePanel {
    /// Carries out `msg`; returns the replay to run on the board, if it brings one.
    fn update(&mut self, link: &Link, msg: PanelMsg) -> Option<(Callback<String>, String)> {
        let mut replay = None;
        let m = match msg {
            PanelMsg::Open(file) => {
                self.reading = None;
                let start = TraceMsg::Start { name: file.name(), total: file.size() as u64 };
                self.v = self.v.reduce(start);
                match TraceReading::start(file, link.callback(PanelMsg::Worker)) {
                    Ok(r) => {
                        self.reading = Some(r);
                        return None;
                    }
                    Err(e) => TraceMsg::Failed(e),
                }
            }
            PanelMsg::Worker(FromTraceWorker::Progress(n)) => TraceMsg::Progress { done: n },
            PanelMsg::Worker(FromTraceWorker::Failed(e)) => {
                self.reading = None;
                TraceMsg::Failed(e)
            }
            PanelMsg::Worker(FromTraceWorker::Opened(t)) => {
                self.reading = None;
                if let Ok(text) = &t.replay {
                    replay = Some((self.on_replay.clone(), text.clone()));
                }
                TraceMsg::Opened(t)
            }
            PanelMsg::Cancel => {
                // Dropping the reading terminates its worker.
                self.reading = None;
                TraceMsg::Cancel
            }
            PanelMsg::SimSteps(n) => {
                self.sim_steps = n;
                return None;
            }
            PanelMsg::View(m) => m,
        };
        self.v = self.v.reduce(m);
        // The replay run the state asks for, in slices.
        if self.sim.as_ref().map(|s| s.0) != self.v.running {
            self.sim = None;
            if let (Some(w), Some(Ok(s))) = (self.v.running, self.v.run_scenario()) {
                self.sim_steps = 0;
                let (l1, l2) = (link.clone(), link.clone());
                let run = run_in_slices(SimLane::new(&s), move |n| l1.send(PanelMsg::SimSteps(n)), move |lane| {
                    l2.send(PanelMsg::View(TraceMsg::SimDone(w, Box::new(lane.result()))))
                });
                self.sim = Some((w, run));
            }
        }
        replay
    }

    fn view(&self, link: &Link) -> Html {
        let v = &self.v;
        let onchange = {
            let link = link.clone();
            Callback::from(move |e: Event| {
                let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                let f = input.files().and_then(|fs| fs.get(0));
                input.set_value("");
                if let Some(f) = f {
                    link.send(PanelMsg::Open(f));
                }
            })
        };
        let status = match &v.phase {
            Phase::Reading { name, done, total } => html! {
                <div class="tp-reading" data-testid="trace-progress" data-done={done.to_string()} data-total={total.to_string()}>
                    <label for="trace-progress-bar">{ format!("Reading {name}: {} of {}", mb(*done), mb(*total)) }</label>
                    <progress id="trace-progress-bar" max={total.max(&1).to_string()} value={done.to_string()}></progress>
                    <button type="button" data-testid="trace-cancel" onclick={link.callback(|_: MouseEvent| PanelMsg::Cancel)}>{ "Cancel" }</button>
                </div>
            },
            Phase::Failed { name, message } => html! {
                <p class="tp-error" role="alert" data-testid="trace-error">
                    { format!("{name} is not a trace this page can read: {message}. Your scenario and editor are unchanged.") }
                </p>
            },
            Phase::Cancelled { name } => html! { <p data-testid="trace-status" role="status">{ format!("Reading {name} was cancelled.") }</p> },
            Phase::Idle | Phase::Open => html! {},
        };
        html! {
            <section class="trace-panel" aria-labelledby="trace-title" data-testid="trace-panel">
                <h2 id="trace-title">{ "Your own Go trace: real run and replay" }</h2>
                <p class="tp-open">
                    <label for="trace-file">{ "Open a Go execution trace (go test -trace, runtime/trace, Go 1.22 or later)" }</label>
                    <input id="trace-file" type="file" data-testid="trace-file" {onchange} />
                    <span class="sub">{ " or drop it on the page. It is read here; nothing is uploaded." }</span>
                </p>
                { status }
                if let Some((name, t)) = &v.opened { { opened(v, name, t, self.sim_steps, link) } }
            </section>
        }
    }
}

fn has_files(e: &web_sys::Event) -> bool {
    e.dyn_ref::<web_sys::DragEvent>().and_then(|e| e.data_transfer()).is_some_and(|t| t.types().includes(&"Files".into(), 0))
}

fn mb(n: u64) -> String {
    format!("{} MB", Fixed(n as f64 / 1e6, 2))
}

/// One lane's figure: `(testid, caption, lane, goroutines, GOMAXPROCS, total ns)`.
type Fig<'a> = (&'static str, String, Option<&'a Lane>, Option<u64>, u64, u64);

fn opened(v: &TraceView, name: &str, t: &TraceOpened, sim_steps: u64, link: &Link) -> Html {
    let t_max = v.t_max();
    let shown = v.shown();
    let procs = v.what_if.as_ref().map(|(w, _)| w.gomaxprocs).or(v.own().map(|w| w.gomaxprocs)).unwrap_or(0);
    let on_procs = link.callback(|e: Event| {
        let i: web_sys::HtmlInputElement = e.target_unchecked_into();
        PanelMsg::View(TraceMsg::SetGomaxprocs(i.value().trim().parse().unwrap_or(0)))
    });
    let on_release = link.callback(|e: Event| {
        let s: web_sys::HtmlSelectElement = e.target_unchecked_into();
        PanelMsg::View(TraceMsg::SetRelease(s.value().parse().unwrap_or(0)))
    });
    let on_rerun = link.callback(|e: SubmitEvent| {
        e.prevent_default();
        PanelMsg::View(TraceMsg::ReRun)
    });
    let sim_caption = match (&v.what_if, &t.replay) {
        (_, Err(e)) => format!("No replay: {e}"),
        (Some((w, _)), _) => format!("Replay, what-if: GOMAXPROCS {}, Go 1.{} rules", w.gomaxprocs, w.go),
        (None, _) if v.running.is_some() => format!("Running the replay… {sim_steps} steps"),
        (None, _) => format!("Replay in the simulator at GOMAXPROCS {procs} (also on the board above)"),
    };
    let figs: [Fig; 2] = [
        ("trace-real", v.real_caption(), Some(&t.real), Some(t.goroutines), t.gomaxprocs, t.real.end),
        ("trace-sim", sim_caption, shown.map(|r| &r.lane), None, u64::from(procs), shown.map_or(0, |r| r.summary.total_ns)),
    ];
    html! {
        <>
            <p class="tp-summary" data-testid="trace-summary" data-bytes={t.bytes.to_string()} data-read-us={t.read_us.to_string()}>{ v.summary_line(name) }</p>
            { for figs.into_iter().map(|(id, caption, lane, gs, ps, total)| html! {
                <figure class="tp-lane" data-testid={id} data-goroutines={gs.map(|g| g.to_string())} data-gomaxprocs={ps.to_string()} data-total-ns={total.to_string()}>
                    <figcaption>{ caption }</figcaption>
                    if let Some(l) = lane { { rows(l, t_max) } }
                </figure>
            }) }
            <p class="tp-axis sub">{ format!("Both on one time axis: 0 to {}, from the main goroutine's first event.", short_ns(t_max)) }</p>
            if v.replay.is_some() {
                <form class="tp-whatif" onsubmit={on_rerun} aria-label="What-if">
                    <label>{ "GOMAXPROCS " }
                        <input type="number" min="1" max={limits::MAX_GOMAXPROCS.to_string()} data-testid="trace-whatif-procs"
                            value={v.form.gomaxprocs.to_string()} onchange={on_procs} />
                    </label>
                    <label>{ "Go release " }
                        <select data-testid="trace-whatif-release" onchange={on_release}>
                            { for RELEASES.iter().map(|&g| html! { <option value={g.to_string()} selected={v.form.go == g}>{ format!("1.{g} rules") }</option> }) }
                        </select>
                    </label>
                    <button type="submit" data-testid="trace-rerun" disabled={v.base.is_none() || v.running.is_some()}>{ "Re-run the replay" }</button>
                    if let Some(e) = &v.form_error { <span class="tp-error" role="alert">{ e }</span> }
                </form>
            }
            if let Some((caption, total, lines)) = v.delta_table() {
                <div class="tp-delta" data-testid="trace-delta" data-total-delta-ns={total.to_string()}>
                    <p>{ caption }</p>
                    <ul>{ for lines.into_iter().map(|l| html! { <li>{ l }</li> }) }</ul>
                </div>
            }
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
                    <span class="tp-bars" role="img" aria-label={format!("P{p} busy {}", short_ns(lane.busy_ns.get(p).copied().unwrap_or(0)))}>
                        { for row.iter().map(|&(l, w)| html! {
                            <i style={format!("left:{}%;width:{}%", Fixed(l as f64 * 100.0 / WIDTH as f64, 2), Fixed(w as f64 * 100.0 / WIDTH as f64, 2))}></i>
                        }) }
                    </span>
                </div>
            }) }
        </div>
    }
}
