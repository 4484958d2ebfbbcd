//! The page: lays out the components, owns the reducer, and wires the browser in (keyboard,
//! animation frames while playing, local storage, theme, the address's share link, and the
//! `window.__gmp*` hooks the end-to-end tests and the benchmark read).

use super::any_effect::{use_any_effect, use_every_effect};
use super::board::{board, BoardProps};
use super::clock::clock;
use super::compare_view::{compare_view, CompareViewProps};
use super::compare_with::{compare_with, CompareWithProps};
use super::predict_panel::predict_panel;
use super::controls::{controls, ControlsProps};
use super::downloads::{downloads, DownloadsProps};
use super::editor::{editor, EditorProps};
use super::output_panel::{follow, output_panel};
use super::page_callbacks::PageCallbacks;
use super::embed_bar::embed_bar;
use super::event_log::{event_log, EventLogProps};
use super::explain::{explain, ExplainProps};
use super::goroutine_panel::{goroutine_panel, GoroutinePanelProps};
use super::header_bar::{header_bar, HeaderBarProps};
use super::help::{focus, help};
use super::interventions::{interventions, InterventionsProps};
use super::lesson_gallery::lesson_gallery;
use super::lesson_panel::lesson_panel;
use super::line_plot::{line_plot, LinePlotProps};
use super::notice_bar::notice_bar;
use super::timeline::{timeline, TimelineProps};
use super::trace_panel::{trace_panel, TracePanelProps};
use crate::web::boot;
use crate::web::shortcuts::{in_threads_mode, message_for};
use crate::web::state::{AppState, Msg, StepBudget, Theme, SEEK_SLICE_MS, TO_END_FRAME_MS};
use super::seek_bar::{seek_bar, SeekBarProps};
use crate::web::storage;
use super::threads_view::{threads_view, ThreadsProps};
use gloo_events::EventListener;
use gloo_render::{request_animation_frame, AnimationFrame};
use gloo_timers::callback::Timeout;
use crate::web::next_task::NextTask;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

fn initial_state() -> AppState {
    let fragment = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
    let b = boot::boot(&fragment, storage::load(boot::DRAFT_KEY), storage::load(boot::GOOD_KEY));
    let theme = match storage::load(boot::THEME_KEY).as_deref() {
        Some("light") => Theme::Light,
        Some("dark") => Theme::Dark,
        _ => Theme::System,
    };
    AppState::new(b, theme, storage::prefers_dark())
}

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(initial_state);
    let dispatch = state.dispatcher();
    // When the current animation frame's work began (for the frame-time measurements).
    let frame_t0 = use_mut_ref(|| Option::<f64>::None);
    // Step mode or threads mode (`&mode=threads` in the fragment opens threads mode): the
    // reducer's; the keyboard listener reads it from here (it is installed once).
    let threads_now = use_mut_ref(|| false);
    *threads_now.borrow_mut() = state.threads;

    // Once, on mount: the keyboard shortcuts, the system theme's changes, a share link pasted
    // into the address bar, and the hooks for the end-to-end tests and the benchmark. One effect
    // for all four: each effect costs its own copy of Yew's hook code in the page's wasm.
    {
        let dispatch = dispatch.clone();
        let threads_now = threads_now.clone();
        let state = state.clone();
        use_any_effect((), move |_| {
            let keys = keyboard_listener(dispatch.clone(), threads_now);
            let d = dispatch.clone();
            let dark = storage::on_prefers_dark(move |dark| d.dispatch(Msg::SystemDark(dark)));
            let link = link_listener(dispatch);
            storage::install_hooks(Rc::new(move || state.driver.clone()));
            move || drop((keys, dark, link))
        });
    }

    // Animation frames while playing.
    {
        let dispatch = dispatch.clone();
        let frame_t0 = frame_t0.clone();
        let playing = state.playing || state.compare.as_ref().is_some_and(|c| c.playing);
        use_any_effect(playing, move |&playing| {
            let handle: Rc<RefCell<Option<AnimationFrame>>> = Rc::new(RefCell::new(None));
            let alive = Rc::new(Cell::new(playing));
            if playing {
                fn schedule(
                    handle: Rc<RefCell<Option<AnimationFrame>>>,
                    alive: Rc<Cell<bool>>,
                    dispatch: UseReducerDispatcher<AppState>,
                    frame_t0: Rc<RefCell<Option<f64>>>,
                    budget: Rc<Cell<StepBudget>>,
                ) {
                    let h2 = handle.clone();
                    let frame = request_animation_frame(move |ts| {
                        if !alive.get() {
                            return;
                        }
                        let t0 = crate::web::wall::now_ms();
                        *frame_t0.borrow_mut() = Some(t0);
                        let b = budget.get();
                        dispatch.dispatch(Msg::Tick { now: ts, steps: b.steps });
                        // The next "to the end" frame makes as many steps as fit in its time.
                        budget.set(b.after(b.steps, crate::web::wall::now_ms() - t0, TO_END_FRAME_MS));
                        schedule(h2, alive, dispatch, frame_t0, budget);
                    });
                    *handle.borrow_mut() = Some(frame);
                }
                schedule(handle.clone(), alive.clone(), dispatch, frame_t0, Rc::new(Cell::new(StepBudget::FIRST)));
            }
            move || {
                alive.set(false);
                handle.borrow_mut().take();
            }
        });
    }

    // A long seek runs in slices, each in its own task, so the page answers in between.
    {
        let start = |a, p, d| schedule_seek_slice(a, p, d, StepBudget::FIRST);
        use_any_effect(state.seeking.is_some(), while_on(dispatch.clone(), start));
    }

    // The compare view's scan and far seeks, in slices between frames (issue 13).
    {
        let start = |a, p, d| schedule_compare_work(a, p, d, COMPARE_FIRST_SLICE);
        use_any_effect(state.compare.as_ref().is_some_and(|c| c.busy()), while_on(dispatch.clone(), start));
    }
    // Predict mode's scores (issue 13).
    use_any_effect(state.predict.as_ref().map(|p| (p.saves, p.scores_json())), |p| {
        if let Some((n, json)) = p {
            if *n > 0 {
                storage::save(crate::web::predict::PREDICT_KEY, json);
            }
        }
    });

    // While playing, the log, the goroutine panel, the interventions' lists and the plots are
    // rebuilt in the browser's idle time between frames (at most a few times a second), so the
    // frames that draw the board stay short.
    use_any_effect(state.playing, while_on(dispatch.clone(), schedule_idle_refresh));

    // After every render: record how long the frame's work took (while playing).
    {
        let frame_t0 = frame_t0.clone();
        use_every_effect(move || {
            if let Some(t0) = frame_t0.borrow_mut().take() {
                let ms = crate::web::wall::now_ms() - t0;
                storage::record_frame(ms);
                storage::add_phase("frame", ms);
            }
        });
    }

    // Local storage: what the user built survives a reload.
    use_any_effect(state.save_draft.clone(), save_to(boot::DRAFT_KEY));
    use_any_effect(state.save_good.clone(), save_to(boot::GOOD_KEY));

    // Theme.
    use_any_effect((state.theme, state.dark()), |&(theme, dark)| {
        storage::set_theme(dark);
        match theme {
            Theme::Light => storage::save(boot::THEME_KEY, "light"),
            Theme::Dark => storage::save(boot::THEME_KEY, "dark"),
            Theme::System => {}
        }
    });

    // The keyboard help's Close button takes the focus as the help opens; an opened lesson's
    // heading as the lesson opens (the gallery button is gone); the Output panel follows its
    // latest line. (Effects of the page's, so that these panels are plain functions.)
    let help_close = use_node_ref();
    use_any_effect(state.help.then_some(""), focus_on(help_close.clone()));
    // The full page's main view (not the compare view, not the embedded view).
    let main_view = !state.embed && state.compare.is_none();
    let lesson_heading = use_node_ref();
    let shown = state.lesson.as_ref().filter(|_| main_view && !state.threads).map(|l| l.id);
    use_any_effect(shown, focus_on(lesson_heading.clone()));
    let output_pre = use_node_ref();
    {
        let r = output_pre.clone();
        use_any_effect((state.printed.clone(), main_view), move |_| follow(&r));
    }

    // Callbacks that stay the same across renders (the dispatcher never changes), so children
    // whose data did not change skip rendering.
    let d = dispatch.clone();
    let callbacks = use_memo((), move |_| PageCallbacks::new(&d));
    let PageCallbacks {
        on_theme, on_help, on_dismiss, on_more, on_apply, on_close, on_default, on_mine, on_lessons, on_switch, on_close_lesson, on_msg,
        on_threads, on_select, on_seek, on_seek_t, on_filter, on_intervene, on_edit, on_trace, on_open_lesson, on_compare, on_mode,
    } = (*callbacks).clone();
    let on_help_close = on_help.clone();
    let threads_mode = state.threads;
    let threads_scenario = threads_mode.then(|| Rc::new(state.driver.borrow().scenario().clone()));

    let v = &state.view;
    let scenario_name;
    let description;
    {
        let d = state.driver.borrow();
        scenario_name = if d.scenario().name.is_empty() { "untitled scenario".to_string() } else { d.scenario().name.clone() };
        description = d.scenario().description.clone();
    }
    let announce = !state.playing || (!state.to_end && state.speed <= 2);
    let controls = html! {
        <div class="sticky">
            { controls(ControlsProps { step: v.step, explored: v.explored, end: v.end, finished: v.finished, playing: state.playing,
                to_end: state.to_end, speed: state.speed, jump_kind: (*state.jump_kind).clone(), on_msg: on_msg.clone() }) }
            { clock(v.step, v.t, v.explored, v.end) }
            if let Some(sk) = state.seeking {
                { seek_bar(SeekBarProps { seeking: sk, on_msg: on_msg.clone() }) }
            }
        </div>
    };
    let explain = html! {
        { explain(ExplainProps { step: v.step, rows: v.rows.clone(), text: v.explanation(), schedtrace: v.schedtrace.clone(),
            outcome: v.state.outcome.clone(), announce, on_select: on_select.clone() }) }
    };
    let board = html! {
        <div id="board" tabindex="-1">
            { board(BoardProps { state: v.state.clone(), moves: v.moves.clone(), selected: state.selected, on_select: on_select.clone(),
                playing: state.playing, scope: AttrValue::default() }) }
        </div>
    };
    let help = if state.help { help(&on_help_close, &help_close) } else { Html::default() };
    if let (Some(c), false) = (&state.compare, state.embed) {
        return html! {
            <div class={classes!("app", c.playing.then_some("playing"))}>
                { header_bar(HeaderBarProps { name: scenario_name, running_text: state.running_text.clone(), step: v.step, threads: false, dark: state.dark(),
                    gallery: false, on_lessons: on_lessons.clone(), on_theme, on_help }) }
                <main class="compare-main">
                    { compare_view(CompareViewProps { compare: c.clone(), on_msg: on_msg.clone() }) }
                </main>
                { help }
            </div>
        };
    }
    if state.embed {
        // The compact view for an iframe: no editor, log, side column or gallery.
        return html! {
            <div class={classes!("app", "embed", state.playing.then_some("playing"))}>
                <a class="skip" href="#board">{ "Skip to the board" }</a>
                { embed_bar(scenario_name) }
                if let Some(n) = &state.notice {
                    { notice_bar(n, &on_dismiss) }
                }
                <main class="embed-main">
                    { controls }
                    { explain }
                    { board }
                </main>
                { help }
            </div>
        };
    }
    html! {
        <div class={classes!("app", state.playing.then_some("playing"))}>
            <a class="skip" href="#board">{ "Skip to the board" }</a>
            { header_bar(HeaderBarProps { name: scenario_name, running_text: state.running_text.clone(), step: v.step, threads: threads_mode, dark: state.dark(),
                gallery: state.gallery, on_lessons: on_lessons.clone(), on_theme, on_help }) }
            if let Some(n) = &state.notice {
                { notice_bar(n, &on_dismiss) }
            }
            if state.gallery {
                { lesson_gallery(state.lesson.as_ref().map(|l| l.id), &on_open_lesson, &on_lessons) }
            }
            <main class="layout">
                <div class="col-main">
                    <p class="mode-switch">
                        <button type="button" data-testid="mode-toggle" aria-pressed={threads_mode.to_string()} onclick={on_mode}>
                            { if threads_mode { "Back to step mode" } else { "Threads mode: run on real Web Workers" } }
                        </button>
                    </p>
                    if let Some(sc) = threads_scenario {
                        { threads_view(ThreadsProps { scenario: sc, command: state.threads_command, panel: state.threads_panel.clone(), on_msg: on_threads }) }
                    } else {
                    { compare_with(CompareWithProps { gomaxprocs: v.state.gomaxprocs, on_open: on_compare }) }
                    { controls }
                    { predict_panel(state.predict.as_ref(), v.step, &on_msg) }
                    if !description.is_empty() { <p class="desc">{ description }</p> }
                    { explain }
                    { board }
                    <section class="pictures" aria-label="Pictures of the run">
                        { line_plot(LinePlotProps { title: "Run queue lengths (global and each P)", testid: "plot-queues", series: state.plots.queues.clone(),
                            t_max: state.plots.t_max, cursor_t: v.t, on_seek_t: on_seek_t.clone(), seekable: true }) }
                        { line_plot(LinePlotProps { title: "Threads", testid: "plot-threads", series: state.plots.threads.clone(),
                            t_max: state.plots.t_max, cursor_t: v.t, on_seek_t: on_seek_t.clone(), seekable: true }) }
                        { timeline(TimelineProps { lanes: state.plots.lanes.clone(), t_max: state.plots.t_max, cursor_t: v.t, on_seek_t }) }
                    </section>
                    { trace_panel(TracePanelProps { on_replay: on_trace }) }
                    }
                </div>
                <aside class="col-side">
                    if threads_mode {
                        <p class="threads-side">{ "Threads mode shows its own goroutine panel and log beside the board; interventions belong to step mode. The scenario below is what runs: apply an edit to run it again." }</p>
                    } else {
                    if let Some(l) = &state.lesson {
                        { lesson_panel(l, v.step, &on_seek, &on_close_lesson, &lesson_heading) }
                    }
                    if let Some(g) = state.selected {
                        { goroutine_panel(GoroutinePanelProps { id: g, detail: state.detail.clone(), on_close, on_seek: on_seek.clone(), seekable: true }) }
                    }
                    { interventions(InterventionsProps { gomaxprocs: state.side.gomaxprocs, running: state.side.running.clone(), net_waiting: state.side.net_waiting.clone(), funcs: v.funcs.clone(), selected: state.selected,
                        enabled: state.side.enabled, on_intervene }) }
                    { event_log(EventLogProps { rows: state.log.rows.clone(), more: state.log.more, step: state.log.at, filter: state.filter.clone(),
                        on_filter, on_more, on_seek, seekable: true }) }
                    }
                    { editor(EditorProps { text: state.editor.text.clone(), problems: state.editor.problems.clone(), dirty: state.editor_dirty(),
                        from_link: state.from_link, on_edit, on_apply, on_default, on_mine,
                        lang: state.editor.lang, on_switch, at_lines: state.go_lines.clone() }) }
                    { output_panel(&state.printed, v.step, &output_pre) }
                    { downloads(DownloadsProps { running_text: state.running_text.clone() }) }
                </aside>
            </main>
            { help }
        </div>
    }
}

// Effects made by one function each, so that effects alike share one closure type (each costs its
// own copy of Yew's hook code in the page's wasm).

/// An effect that runs `start`'s loop while its dependency is `true`: the loop stops (its pending
/// task dropped) when it turns `false` or the page goes.
fn while_on<P: 'static>(
    dispatch: UseReducerDispatcher<AppState>,
    start: fn(Rc<Cell<bool>>, Rc<RefCell<Option<P>>>, UseReducerDispatcher<AppState>),
) -> impl FnOnce(&bool) -> Box<dyn FnOnce()> {
    move |&on| {
        let alive = Rc::new(Cell::new(on));
        let pending = Rc::new(RefCell::new(None));
        if on {
            start(alive.clone(), pending.clone(), dispatch);
        }
        Box::new(move || {
            alive.set(false);
            pending.borrow_mut().take();
        })
    }
}

/// An effect that stores its text, when there is one, under `key`.
fn save_to(key: &'static str) -> impl FnOnce(&Option<Rc<String>>) {
    move |t| {
        if let Some(t) = t {
            storage::save(key, t);
        }
    }
}

/// An effect that focuses `r` when its dependency is (or becomes another) `Some`.
fn focus_on(r: NodeRef) -> impl FnOnce(&Option<&'static str>) {
    move |s| {
        if s.is_some() {
            focus(&r)
        }
    }
}

/// How long after an idle-time refresh the next is asked for, ms.
const IDLE_REFRESH_GAP_MS: u32 = 100;
/// An idle-time refresh runs after this long even if the browser is never idle, ms.
const IDLE_REFRESH_TIMEOUT_MS: u32 = 200;

/// Asks for `Msg::IdleRefresh` in the browser's next idle period after a gap of
/// [`IDLE_REFRESH_GAP_MS`], again and again while `alive`. The pending gap's timeout is kept in
/// `gap` (the effect's cleanup drops it, which cancels it).
fn schedule_idle_refresh(alive: Rc<Cell<bool>>, gap: Rc<RefCell<Option<Timeout>>>, dispatch: UseReducerDispatcher<AppState>) {
    let (a0, g0) = (alive.clone(), gap.clone());
    let wait = Timeout::new(IDLE_REFRESH_GAP_MS, move || {
        let (alive, gap) = (a0, g0);
        if !alive.get() {
            return;
        }
        let Some(w) = web_sys::window() else { return };
        let (a, g, d) = (alive.clone(), gap.clone(), dispatch.clone());
        let idle = Closure::once_into_js(move || {
            if a.get() {
                d.dispatch(Msg::IdleRefresh(crate::web::wall::now_ms()));
                schedule_idle_refresh(a, g, d);
            }
        });
        let opts = web_sys::IdleRequestOptions::new();
        opts.set_timeout(IDLE_REFRESH_TIMEOUT_MS);
        if w.request_idle_callback_with_options(idle.unchecked_ref(), &opts).is_err() {
            // No requestIdleCallback: refresh now.
            dispatch.dispatch(Msg::IdleRefresh(crate::web::wall::now_ms()));
            schedule_idle_refresh(alive, gap, dispatch);
        }
    });
    *gap.borrow_mut() = Some(wait);
}

/// Runs the next slice of the seek in progress in a task of its own (a [`NextTask`], so input
/// and rendering come first, with no timer clamp between slices), sizing it from how long the
/// last one took, again and again while `alive`. The pending task is kept in `pending` (the
/// effect's cleanup drops it, which cancels it).
fn schedule_seek_slice(alive: Rc<Cell<bool>>, pending: Rc<RefCell<Option<NextTask>>>, dispatch: UseReducerDispatcher<AppState>, budget: StepBudget) {
    let p2 = pending.clone();
    let t = NextTask::new(move || {
        if !alive.get() {
            return;
        }
        let t0 = crate::web::wall::now_ms();
        dispatch.dispatch(Msg::SeekSlice(budget.steps));
        let next = budget.after(budget.steps, crate::web::wall::now_ms() - t0, SEEK_SLICE_MS);
        if alive.get() {
            schedule_seek_slice(alive, p2, dispatch, next);
        }
    });
    *pending.borrow_mut() = Some(t);
}

/// Runs the next slice of the compare view's work (a far seek, else the scan) in a task of its
/// own, about [`COMPARE_SLICE_MS`] each so that frames keep their time while both lanes play.
fn schedule_compare_work(alive: Rc<Cell<bool>>, pending: Rc<RefCell<Option<Timeout>>>, dispatch: UseReducerDispatcher<AppState>, budget: u64) {
    let p2 = pending.clone();
    let t = Timeout::new(0, move || {
        if !alive.get() {
            return;
        }
        let t0 = crate::web::wall::now_ms();
        dispatch.dispatch(Msg::Compare(crate::web::compare::CompareMsg::Work(budget)));
        // The next slice's steps: as many as fit in its time at this slice's rate (a step of two
        // large runs can take a tenth of a millisecond, so no floor but one step), at most twice
        // as many as this one.
        let ms = crate::web::wall::now_ms() - t0;
        let fit = if ms > 0.0 { (budget as f64 * COMPARE_SLICE_MS / ms) as u64 } else { budget * 2 };
        let next = fit.clamp(1, budget * 2);
        if alive.get() {
            schedule_compare_work(alive, p2, dispatch, next);
        }
    });
    *pending.borrow_mut() = Some(t);
}

/// Longest one slice of the compare view's background work may take, ms.
const COMPARE_SLICE_MS: f64 = 6.0;
/// Steps in the compare view's first slice of work.
const COMPARE_FIRST_SLICE: u64 = 32;

/// The keyboard shortcuts: each key's message (threads mode's, while it is on), unless the
/// user is typing or pressing a focused button.
fn keyboard_listener(dispatch: UseReducerDispatcher<AppState>, threads_now: Rc<RefCell<bool>>) -> EventListener {
    let doc = gloo_utils_document();
    let opts = gloo_events::EventListenerOptions::enable_prevent_default();
    EventListener::new_with_options(&doc, "keydown", opts, move |e| {
        let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else { return };
        let typing = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT") || el.has_attribute("contenteditable"));
        if typing && e.key() != "Escape" {
            return;
        }
        let on_button = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).is_some_and(|el| el.tag_name() == "BUTTON");
        // Space and Enter on a focused button press it; don't also toggle play.
        if on_button && (e.key() == " " || e.key() == "Enter") {
            return;
        }
        let Some(m) = message_for(&e.key(), e.shift_key(), e.ctrl_key() || e.meta_key() || e.alt_key()) else { return };
        let m = if *threads_now.borrow() {
            let Some(m) = in_threads_mode(m) else { return };
            m
        } else {
            m
        };
        e.prevent_default();
        dispatch.dispatch(m);
    })
}

/// A share link pasted into the address bar opens.
fn link_listener(dispatch: UseReducerDispatcher<AppState>) -> EventListener {
    let w = web_sys::window().expect("a window");
    EventListener::new(&w, "hashchange", move |_| {
        let frag = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
        if crate::core::link::fragment(&frag).packed.is_some() {
            dispatch.dispatch(Msg::OpenLink(frag));
        }
    })
}

fn gloo_utils_document() -> web_sys::Document {
    web_sys::window().and_then(|w| w.document()).expect("a document")
}
