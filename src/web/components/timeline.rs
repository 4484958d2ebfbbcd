//! A per-P timeline in the style of `go tool trace`: which goroutine each P ran when, its
//! syscalls and its idle time, with a cursor at the current step; clicking jumps there. Rows are
//! virtualized (only those scrolled into view are drawn) and each row is decimated to at most
//! about one bar per unit of its 1,000-unit width.

use crate::web::fixed::Fixed;
use super::timeline_rows::{timeline_rows, TimelineRowsProps, ROW};
use crate::web::view::{short_ns, Bar};
use std::rc::Rc;
use super::memo::{memo_local, Local, LocalPart};
use yew::prelude::*;

/// Rows visible without scrolling.
const VISIBLE: usize = 12;

/// What [`timeline`] shows (a [`LocalPart`]: drawn again only when it changed or its first
/// visible row did).
#[derive(PartialEq, Clone)]
pub struct TimelineProps {
    pub lanes: Rc<Vec<Vec<Bar>>>,
    pub t_max: u64,
    pub cursor_t: u64,
    pub on_seek_t: Callback<u64>,
}

/// The timeline, drawn again only when it changed. Not a component of its own: each component
/// type costs its own copy of Yew's lifecycle code in the page's wasm; a [`super::memo::Memo`]
/// does the same, keeping the first visible row as its state.
pub fn timeline(props: TimelineProps) -> Html {
    memo_local(props)
}

impl LocalPart for TimelineProps {
    /// The first row scrolled into view.
    type State = usize;

    fn view(&self, first: &Local<usize>) -> Html {
        timeline_view(self, first)
    }
}

fn timeline_view(props: &TimelineProps, first: &Local<usize>) -> Html {
    let n = props.lanes.len();
    let onscroll = {
        let first = first.clone();
        Callback::from(move |e: Event| {
            let top = e.target_unchecked_into::<web_sys::Element>().scroll_top();
            let f = (top / ROW).max(0) as usize;
            let now = *first.get();
            if f != now {
                first.set(|x| *x = f);
            }
        })
    };
    let t_max = props.t_max.max(1);
    let cursor = props.cursor_t.min(t_max) as f64 / t_max as f64 * 100.0;
    let lo = (*first.get()).min(n.saturating_sub(1));
    let hi = (lo + VISIBLE + 2).min(n);
    html! {
        <figure class="timeline" data-testid="timeline">
            <figcaption>
                { "Per-P timeline" }<span class="sub">{ format!(" · 0 to {} · ", short_ns(props.t_max)) }</span>
                <span class="key run">{ "running G" }</span>
                <span class="key sys">{ "syscall" }</span>
                <span class="key idle">{ "idle" }</span>
                <span class="key mixed">{ "several (zoomed out)" }</span>
            </figcaption>
            <div class="tl-scroll" style={format!("height:{}px", (n.min(VISIBLE) as i32) * ROW + 2)} {onscroll}>
                <div class="tl-inner" style={format!("height:{}px", n as i32 * ROW)}>
                    { timeline_rows(TimelineRowsProps { lanes: props.lanes.clone(), lo, hi, t_max: props.t_max, on_seek_t: props.on_seek_t.clone() }) }
                    <div class="tl-cursor" style={format!("left:calc(3.5em + (100% - 3.5em) * {})", Fixed(cursor / 100.0, 4))} aria-hidden="true"></div>
                </div>
            </div>
        </figure>
    }
}
