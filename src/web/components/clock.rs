//! The clock: the current step and virtual time.

use crate::web::view::fmt_ns;
use yew::prelude::*;

/// Props of [`Clock`].
#[derive(Properties, PartialEq, Clone)]
pub struct ClockProps {
    pub step: u64,
    pub t: u64,
    pub explored: u64,
    pub end: Option<u64>,
}

#[function_component(Clock)]
pub fn clock(props: &ClockProps) -> Html {
    let of = match props.end {
        Some(e) => format!("of {e}"),
        None => format!("({} explored)", props.explored),
    };
    html! {
        <div class="clock" data-testid="clock" data-step={props.step.to_string()} data-t-ns={props.t.to_string()}>
            <span class="step">{ "step " }<strong>{ props.step }</strong>{ " " }<span class="of">{ of }</span></span>
            <span class="time">{ "t = " }<strong>{ fmt_ns(props.t) }</strong></span>
        </div>
    }
}
