//! The clock: the current step and virtual time.

use crate::web::view::fmt_ns;
use yew::prelude::*;

/// The clock at `step` and virtual time `t`, of `end` steps (or `explored` so far). A plain
/// function, not a component: it changes at every step, so a component's props check would
/// never skip it, and each component type costs its own copy of Yew's lifecycle code.
pub fn clock(step: u64, t: u64, explored: u64, end: Option<u64>) -> Html {
    let of = match end {
        Some(e) => format!("of {e}"),
        None => format!("({explored} explored)"),
    };
    html! {
        <div class="clock" data-testid="clock" data-step={step.to_string()} data-t-ns={t.to_string()}>
            <span class="step">{ "step " }<strong>{ step }</strong>{ " " }<span class="of">{ of }</span></span>
            <span class="time">{ "t = " }<strong>{ fmt_ns(t) }</strong></span>
        </div>
    }
}
