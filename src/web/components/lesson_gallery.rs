//! The lesson gallery: every lesson of `core::lessons` as a button (`[data-lesson]`) with its
//! title and the idea it teaches. The first thing a new visitor sees; `g` shows or hides it.

use crate::core::lessons;
use yew::prelude::*;

/// Props of [`LessonGallery`].
#[derive(Properties, PartialEq, Clone)]
pub struct LessonGalleryProps {
    /// The id of the lesson running now, if any.
    pub current: Option<&'static str>,
    pub on_open: Callback<String>,
    pub on_close: Callback<()>,
}

#[function_component(LessonGallery)]
pub fn lesson_gallery(props: &LessonGalleryProps) -> Html {
    let close = props.on_close.reform(|_: MouseEvent| ());
    html! {
        <section id="lessons" class="gallery" aria-labelledby="lessons-h" data-testid="gallery">
            <div class="gallery-head">
                <h2 id="lessons-h">{ "Lessons" }</h2>
                <p>{ "Each lesson is a small Go program run by the simulated scheduler, with what to watch, what Go does, and the proc.go function behind it. Open one, or close this and play with your own scenario." }</p>
                <button type="button" data-testid="gallery-close" onclick={close}>{ "Hide lessons" }</button>
            </div>
            <ul class="lesson-list">
                { for lessons::all().iter().map(|l| {
                    let open = props.on_open.reform(move |_: MouseEvent| l.id.to_string());
                    let current = props.current == Some(l.id);
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
