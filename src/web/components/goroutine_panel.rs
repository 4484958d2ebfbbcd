//! The selected goroutine: its state, its ops with the current one marked, and its history.

use crate::core::ids::GId;
use crate::core::sim::GStatus;
use crate::web::driver::GDetail;
use crate::web::view::short_ns;
use std::rc::Rc;
use super::page_callbacks::on_click;
use super::memo::{memo, Part};
use yew::prelude::*;

/// What [`goroutine_panel`] shows (a [`Part`]: drawn again only when it changed).
#[derive(PartialEq, Clone)]
pub struct GoroutinePanelProps {
    pub id: GId,
    /// `None` when the goroutine does not exist at this step.
    pub detail: Option<Rc<GDetail>>,
    pub on_close: Callback<()>,
    pub on_seek: Callback<u64>,
    /// History entries jump to their step (not in threads mode).
    pub seekable: bool,
}

/// The panel, drawn again only when it changed. Not a component of its own: each component
/// type costs its own copy of Yew's lifecycle code in the page's wasm; a [`super::memo::Memo`]
/// does the same.
pub fn goroutine_panel(props: GoroutinePanelProps) -> Html {
    memo(props)
}

impl Part for GoroutinePanelProps {
    fn view(&self) -> Html {
        goroutine_panel_view(self)
    }
}

fn goroutine_panel_view(props: &GoroutinePanelProps) -> Html {
    let close = on_click(&props.on_close);
    let Some(d) = &props.detail else {
        return html! {
            <section class="gpanel" data-testid="goroutine" aria-label={format!("Goroutine {}", props.id)}>
                <header><h2>{ props.id.to_string() }</h2><button type="button" onclick={close} aria-label="Close">{ "✕" }</button></header>
                <p>{ "It does not exist yet at this step." }</p>
            </section>
        };
    };
    let s = &d.state;
    html! {
        <section class="gpanel" data-testid="goroutine" data-g={props.id.0.to_string()} data-status={s.status.as_str()} aria-label={format!("Goroutine {}", props.id)}>
            <header>
                <h2>{ format!("{} · {}()", s.id, s.func) }</h2>
                <button type="button" onclick={close} aria-label="Close the goroutine panel">{ "✕" }</button>
            </header>
            <p class="gstate">
                <span class={classes!("badge", format!("g-{}", s.status))}>{ s.status.as_str() }</span>
                if let Some(w) = &s.wait { { format!(" · waiting for {w}") } }
                if let Some(m) = s.m { { format!(" · on {m}") } }
                if let Some(p) = s.parent { { format!(" · created by {p}") } }
            </p>
            <h3>{ "Ops" }</h3>
            <ol class="ops">
                { for d.ops.iter().enumerate().map(|(i, (place, words))| {
                    let cur = i as u32 == s.pc && s.status != GStatus::Dead;
                    html! {
                        <li class={classes!(cur.then_some("current"))} aria-current={cur.then_some("step")}>
                            <code>{ words.clone() }</code>
                            <span class="place">{ place.clone() }</span>
                            if cur { <span class="sr-only">{ " (next op)" }</span> }
                        </li>
                    }
                }) }
                if s.status == GStatus::Dead || s.pc as usize >= d.ops.len() { <li class="current">{ "returned" }</li> }
            </ol>
            <h3>{ "History" }</h3>
            <ol class="history">
                { for d.history.iter().map(|r| {
                    let step = r.step;
                    let onclick = props.on_seek.reform(move |_: MouseEvent| step);
                    html! {
                        <li>
                            if props.seekable {
                                <button type="button" class="row-btn" {onclick}>
                                    <span class="lstep">{ format!("#{}", r.step) }</span>
                                    <span class="lt">{ short_ns(r.t) }</span>
                                    <span class="words">{ r.text.clone() }</span>
                                </button>
                            } else {
                                <span class="row-btn">
                                    <span class="lstep">{ format!("#{}", r.step) }</span>
                                    <span class="lt">{ short_ns(r.t) }</span>
                                    <span class="words">{ r.text.clone() }</span>
                                </span>
                            }
                        </li>
                    }
                }) }
            </ol>
        </section>
    }
}
