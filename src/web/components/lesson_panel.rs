//! The open lesson: its text (what to watch, what Go does, the proc.go function) and its "jump
//! to the moment" buttons, each seeking to the step where that moment happens.

use crate::web::state::LessonView;
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`LessonPanel`].
#[derive(Properties, PartialEq, Clone)]
pub struct LessonPanelProps {
    pub lesson: Rc<LessonView>,
    /// The current step (the moment shown now is marked).
    pub step: u64,
    pub on_seek: Callback<u64>,
    pub on_close: Callback<()>,
}

#[function_component(LessonPanel)]
pub fn lesson_panel(props: &LessonPanelProps) -> Html {
    let heading = use_node_ref();
    {
        // Opening a lesson moves the focus to its text (the gallery button is gone).
        let heading = heading.clone();
        use_effect_with(props.lesson.id, move |_| {
            if let Some(h) = heading.cast::<web_sys::HtmlElement>() {
                let _ = h.focus();
            }
        });
    }
    let l = &props.lesson;
    let close = props.on_close.reform(|_: MouseEvent| ());
    html! {
        <section class="panel lesson" aria-labelledby="lesson-h" data-testid="lesson" data-lesson-open={l.id}>
            <h2 id="lesson-h" tabindex="-1" ref={heading}>{ "Lesson: " }{ l.title }</h2>
            { for l.text.split("\n\n").map(|p| html! { <p>{ p }</p> }) }
            <h3 id="moments-h">{ "Jump to the moment" }</h3>
            <ul class="moments" aria-labelledby="moments-h">
                { for l.moments.iter().map(|&(label, step)| {
                    let here = step == Some(props.step);
                    let seek = props.on_seek.reform(move |_: MouseEvent| step.unwrap_or(0));
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
