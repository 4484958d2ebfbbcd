//! The lesson gallery: every lesson of `core::lessons` as a button (`[data-lesson]`) with its
//! title and the idea it teaches. The first thing a new visitor sees; `g` shows or hides it.

use crate::core::lessons;
use super::page_callbacks::on_click;
use yew::prelude::*;

/// The gallery; `current` is the id of the lesson running now, if any. A plain function, not a component (each component type costs its own copy of Yew's
/// lifecycle code in the page's wasm).
pub fn lesson_gallery(current: Option<&'static str>, on_open: &Callback<String>, on_close: &Callback<()>) -> Html {
    let close = on_click(on_close);
    html! {
        <section id="lessons" class="gallery" aria-labelledby="lessons-h" data-testid="gallery">
            <div class="gallery-head">
                <h2 id="lessons-h">{ "Lessons" }</h2>
                <p>{ "Each lesson is a small Go program run by the simulated scheduler, with what to watch, what Go does, and the proc.go function behind it. Open one, or close this and play with your own scenario." }</p>
                <button type="button" data-testid="gallery-close" onclick={close}>{ "Hide lessons" }</button>
            </div>
            <ul class="lesson-list">
                { for lessons::all().iter().map(|l| {
                    let open = on_open.reform(move |_: MouseEvent| l.id.to_string());
                    let current = current == Some(l.id);
                    html! {
                        <li key={l.id}>
                            <button type="button" data-lesson={l.id} aria-current={current.then_some("true")} onclick={open}>
                                <strong>{ l.title }</strong>
                                <span>{ l.concept }</span>
                            </button>
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}
