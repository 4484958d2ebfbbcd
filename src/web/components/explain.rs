//! The current step's explanation: every event of the step in words, naming the Go function;
//! the schedtrace line; the run's outcome. An ARIA live region announces it.

use crate::core::ids::GId;
use crate::web::driver::LogRow;
use std::rc::Rc;
use super::memo::{memo, Part};
use yew::prelude::*;

/// What [`explain`] shows (a [`Part`]: drawn again only when it changed).
#[derive(PartialEq, Clone)]
pub struct ExplainProps {
    pub step: u64,
    pub rows: Rc<Vec<LogRow>>,
    /// The whole explanation in one string (what is announced).
    pub text: String,
    pub schedtrace: Rc<String>,
    pub outcome: Option<String>,
    /// Announce it (not while playing fast: a screen reader cannot keep up).
    pub announce: bool,
    pub on_select: Callback<GId>,
}

/// The explanation, drawn again only when it changed. Not a component of its own: each component
/// type costs its own copy of Yew's lifecycle code in the page's wasm; a [`super::memo::Memo`]
/// does the same.
pub fn explain(props: ExplainProps) -> Html {
    memo(props)
}

impl Part for ExplainProps {
    fn view(&self) -> Html {
        explain_view(self)
    }
}

fn explain_view(props: &ExplainProps) -> Html {
    html! {
        <section class="explain" aria-label="What happened in this step">
            <div data-testid="explain" class="explain-text" tabindex="0">
                if props.step == 0 {
                    <p>{ props.text.clone() }</p>
                } else if props.rows.is_empty() {
                    <p>{ "Nothing visible happened in this step." }</p>
                } else {
                    <ol class="events">
                        { for props.rows.iter().enumerate().map(|(i, r)| {
                            let g = r.g;
                            let on_select = props.on_select.clone();
                            html! {
                                <li key={i}>
                                    <span class={classes!("kind", format!("k-{}", r.kind))}>{ r.kind }</span>
                                    { " " }
                                    if let Some(g) = g {
                                        <button type="button" class="glink" onclick={Callback::from(move |_: MouseEvent| on_select.emit(g))}>{ g.to_string() }</button>
                                        { " " }
                                    }
                                    <span class="words">{ r.text.clone() }</span>
                                </li>
                            }
                        }) }
                    </ol>
                }
            </div>
            if let Some(o) = &props.outcome {
                <p class="outcome" data-testid="outcome" role="status">{ o.clone() }</p>
            }
            <pre class="schedtrace" data-testid="schedtrace" aria-label="schedtrace line" tabindex="0">{ if props.schedtrace.is_empty() { "SCHED: the program has not started".to_string() } else { (*props.schedtrace).clone() } }</pre>
            <div class="sr-only" aria-live="polite" aria-atomic="true" data-testid="announce">
                { if props.announce { props.text.clone() } else { String::new() } }
            </div>
        </section>
    }
}
