//! The page's callbacks: each sends the reducer one message. The dispatcher never changes, so
//! they are made once (one `use_memo` in `app.rs`) and stay the same across renders, and children
//! whose data did not change skip rendering. Each is made by [`send`] from a plain function
//! that turns what the child reports into the message: one closure type per type reported
//! rather than one per callback, so the page's wasm holds far fewer copies of the callback code.

use crate::core::ids::GId;
use crate::web::boot;
use crate::web::compare::Variant;
use crate::web::driver::{Intervention, LogFilter};
use crate::web::state::{AppState, Msg};
use crate::web::storage;
use crate::web::threads_panel::ThreadsMsg;
use yew::prelude::*;

/// Every callback the page hands its children.
#[derive(Clone)]
pub struct PageCallbacks {
    pub on_theme: Callback<()>,
    pub on_help: Callback<()>,
    pub on_dismiss: Callback<()>,
    pub on_more: Callback<()>,
    pub on_apply: Callback<()>,
    pub on_close: Callback<()>,
    pub on_default: Callback<()>,
    pub on_mine: Callback<()>,
    pub on_lessons: Callback<()>,
    pub on_switch: Callback<()>,
    pub on_close_lesson: Callback<()>,
    pub on_msg: Callback<Msg>,
    pub on_threads: Callback<ThreadsMsg>,
    pub on_select: Callback<GId>,
    pub on_seek: Callback<u64>,
    pub on_seek_t: Callback<u64>,
    pub on_filter: Callback<LogFilter>,
    pub on_intervene: Callback<Intervention>,
    pub on_edit: Callback<String>,
    pub on_trace: Callback<String>,
    pub on_open_lesson: Callback<String>,
    pub on_compare: Callback<Variant>,
    pub on_mode: Callback<MouseEvent>,
}

/// A callback that sends `to(what the child reports)`.
fn send<IN: 'static>(d: &UseReducerDispatcher<AppState>, to: fn(IN) -> Msg) -> Callback<IN> {
    let d = d.clone();
    Callback::from(move |x| d.dispatch(to(x)))
}

/// "My scenario": the last good scenario the user ran (else the default) and their draft.
fn mine() -> Msg {
    let good = storage::load(boot::GOOD_KEY).unwrap_or_else(boot::default_text);
    Msg::Mine { good, draft: storage::load(boot::DRAFT_KEY) }
}

impl PageCallbacks {
    pub fn new(d: &UseReducerDispatcher<AppState>) -> PageCallbacks {
        PageCallbacks {
            on_theme: send(d, |()| Msg::ToggleTheme),
            on_help: send(d, |()| Msg::ToggleHelp),
            on_dismiss: send(d, |()| Msg::Dismiss),
            on_more: send(d, |()| Msg::MoreLog),
            on_apply: send(d, |()| Msg::Apply),
            on_close: send(d, |()| Msg::Select(None)),
            on_default: send(d, |()| Msg::Load(boot::default_text())),
            on_mine: send(d, |()| mine()),
            on_lessons: send(d, |()| Msg::ToggleGallery),
            on_switch: send(d, |()| Msg::SwitchLang),
            on_close_lesson: send(d, |()| Msg::CloseLesson),
            on_msg: send(d, |m| m),
            on_threads: send(d, Msg::ThreadsPanel),
            on_select: send(d, |g| Msg::Select(Some(g))),
            on_seek: send(d, Msg::Seek),
            on_seek_t: send(d, Msg::SeekTime),
            on_filter: send(d, Msg::SetFilter),
            on_intervene: send(d, Msg::Intervene),
            on_edit: send(d, Msg::Edit),
            on_trace: send(d, Msg::OpenTrace),
            on_open_lesson: send(d, Msg::OpenLesson),
            on_compare: send(d, Msg::OpenCompare),
            on_mode: send(d, |_| Msg::ToggleThreads),
        }
    }
}

/// `cb` as a button's click handler: one closure type for every such button rather than one each.
#[inline(never)]
pub fn on_click(cb: &Callback<()>) -> Callback<MouseEvent> {
    cb.reform(|_: MouseEvent| ())
}
