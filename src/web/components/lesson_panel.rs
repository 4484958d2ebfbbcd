//! The open lesson: its text (what to watch, what Go does, the proc.go function) and its "jump
//! to the moment" buttons, each seeking to the step where that moment happens.

use crate::web::state::LessonView;
use super::page_callbacks::on_click;
use yew::prelude::*;

/// The lesson `l` at the current step `now` (the moment shown now is marked). `heading` is its
/// heading: opening a lesson moves the focus there (the gallery button is gone), which the page
/// does ([`super::help::focus`]). A plain function, not a component (each component type costs
/// its own copy of Yew's lifecycle code in the page's wasm).
pub fn lesson_panel(l: &LessonView, now: u64, on_seek: &Callback<u64>, on_close: &Callback<()>, heading: &NodeRef) -> Html {
    let close = on_click(on_close);
    html! {
        <section class="panel lesson" aria-labelledby="lesson-h" data-testid="lesson" data-lesson-open={l.id}>
            <h2 id="lesson-h" tabindex="-1" ref={heading.clone()}>{ "Lesson: " }{ l.title }</h2>
            { for l.text.split("\n\n").map(|p| html! { <p>{ p }</p> }) }
            <h3 id="moments-h">{ "Jump to the moment" }</h3>
            <ul class="moments" aria-labelledby="moments-h">
                { for l.moments.iter().map(|&(label, step)| {
                    let here = step == Some(now);
                    let seek = on_seek.reform(move |_: MouseEvent| step.unwrap_or(0));
                    html! {
                        <li>
                            <button type="button" data-testid="moment" data-step={step.map(|s| s.to_string())}
                                disabled={step.is_none()} aria-current={here.then_some("step")} onclick={seek}>
                                { label }
                                <span class="moment-step">{ match step { Some(s) => format!(" — step {s}"), None => " — not reached".to_string() } }</span>
                            </button>
                        </li>
                    }
                }) }
            </ul>
            <button type="button" data-testid="lesson-close" onclick={close}>{ "Close the lesson" }</button>
        </section>
    }
}
