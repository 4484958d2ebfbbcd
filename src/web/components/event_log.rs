//! The event log: every event up to the current step, filterable by kind, goroutine and P;
//! clicking an entry jumps to its step.

use crate::core::event::What;
use crate::core::ids::{GId, PId};
use crate::web::driver::{LogFilter, LogRow};
use crate::web::view::short_ns;
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use super::page_callbacks::on_click;
use super::memo::{memo, Part};
use yew::prelude::*;

/// What [`event_log`] shows (a [`Part`]: drawn again only when it changed).
#[derive(PartialEq, Clone)]
pub struct EventLogProps {
    pub rows: Rc<Vec<LogRow>>,
    /// There are earlier matching events.
    pub more: bool,
    pub step: u64,
    pub filter: Rc<LogFilter>,
    pub on_filter: Callback<LogFilter>,
    pub on_more: Callback<()>,
    pub on_seek: Callback<u64>,
    /// Clicking an entry jumps to its step (not in threads mode: real time cannot be replayed).
    pub seekable: bool,
}

/// The number of an id typed as `G7`, `p2` or `7`.
fn id_of(s: &str) -> Option<u32> {
    s.trim().trim_start_matches(['G', 'g', 'P', 'p']).parse().ok()
}

/// The log, drawn again only when it changed. Not a component of its own: each component
/// type costs its own copy of Yew's lifecycle code in the page's wasm; a [`super::memo::Memo`]
/// does the same.
pub fn event_log(props: EventLogProps) -> Html {
    memo(props)
}

impl Part for EventLogProps {
    fn view(&self) -> Html {
        event_log_view(self)
    }
}

fn event_log_view(props: &EventLogProps) -> Html {
    let f = (*props.filter).clone();
    let on_kind = {
        let (cb, f) = (props.on_filter.clone(), f.clone());
        Callback::from(move |e: Event| cb.emit(LogFilter { kind: e.target_unchecked_into::<HtmlSelectElement>().value(), ..f.clone() }))
    };
    let on_g = {
        let (cb, f) = (props.on_filter.clone(), f.clone());
        Callback::from(move |e: InputEvent| cb.emit(LogFilter { g: id_of(&e.target_unchecked_into::<HtmlInputElement>().value()).map(GId), ..f.clone() }))
    };
    let on_p = {
        let (cb, f) = (props.on_filter.clone(), f.clone());
        Callback::from(move |e: InputEvent| cb.emit(LogFilter { p: id_of(&e.target_unchecked_into::<HtmlInputElement>().value()).map(PId), ..f.clone() }))
    };
    let more = on_click(&props.on_more);
    html! {
        <section class="log" aria-labelledby="log-h">
            <h2 id="log-h">{ "Event log" }</h2>
            <div class="filters" role="group" aria-label="Filter the log">
                <label>{ "kind " }
                    <select data-testid="log-kind" onchange={on_kind}>
                        <option value="" selected={f.kind.is_empty()}>{ "all" }</option>
                        { for What::KINDS.iter().filter(|k| !k.is_empty()).map(|&k| html! {
                            <option value={k} selected={f.kind == k}>{ k }</option>
                        }) }
                    </select>
                </label>
                <label>{ " G " }<input type="text" size="5" data-testid="log-g" placeholder="any" oninput={on_g} aria-label="Goroutine id" /></label>
                <label>{ " P " }<input type="text" size="4" data-testid="log-p" placeholder="any" oninput={on_p} aria-label="P id" /></label>
            </div>
            // The scroller stacks from the bottom (column-reverse), so the newest rows stay in view
            // as rows are added, without the page setting scrollTop (which would lay it out).
            <div class="log-scroll" tabindex="0" role="region" aria-label="Events up to this step">
            <ol class="log-rows" data-testid="event-log">
                if props.more {
                    <li class="more"><button type="button" class="link" onclick={more}>{ "show earlier events" }</button></li>
                }
                if props.rows.is_empty() { <li class="empty">{ "No event yet." }</li> }
                { for props.rows.iter().map(|r| {
                    let step = r.step;
                    let onclick = props.on_seek.reform(move |_: MouseEvent| step);
                    let body = html! {
                        <>
                            <span class="lstep">{ format!("#{}", r.step) }</span>
                            <span class="lt">{ short_ns(r.t) }</span>
                            <span class={classes!("kind", format!("k-{}", r.kind))}>{ r.kind }</span>
                            <span class="words">{ r.text.clone() }</span>
                        </>
                    };
                    // Not keyed: while playing every row changes at each update, and rows updated
                    // in place cost less than rows removed and created.
                    html! {
                        <li class={classes!((r.step == props.step).then_some("current"))} data-step={r.step.to_string()} data-kind={r.kind}>
                            if props.seekable {
                                <button type="button" class="row-btn" {onclick} title={format!("Jump to step {}", r.step)}>{ body }</button>
                            } else {
                                <span class="row-btn">{ body }</span>
                            }
                        </li>
                    }
                }) }
            </ol>
            </div>
        </section>
    }
}
