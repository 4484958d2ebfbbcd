//! The controls: step forward and back, play and pause, speed, to the end, restart, the scrubber,
//! and jumping to the next or previous event of a chosen kind.

use crate::core::event::What;
use crate::web::state::{Msg, SPEEDS};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// What [`controls`] shows.
pub struct ControlsProps {
    pub step: u64,
    pub explored: u64,
    pub end: Option<u64>,
    pub finished: bool,
    pub playing: bool,
    pub to_end: bool,
    pub speed: u32,
    pub jump_kind: String,
    pub on_msg: Callback<Msg>,
}

/// The controls. A plain function, not a component: they change at every step, so a
/// component's props check would never skip them, and each component type costs its own copy
/// of Yew's lifecycle code in the page's wasm.
pub fn controls(props: ControlsProps) -> Html {
    let send = |m: Msg| {
        let cb = props.on_msg.clone();
        Callback::from(move |_: MouseEvent| cb.emit(m.clone()))
    };
    let on_speed = {
        let cb = props.on_msg.clone();
        Callback::from(move |e: Event| {
            let v: u32 = e.target_unchecked_into::<HtmlSelectElement>().value().parse().unwrap_or(10);
            cb.emit(Msg::SetSpeed(v))
        })
    };
    let on_scrub = {
        let cb = props.on_msg.clone();
        Callback::from(move |e: InputEvent| {
            if let Ok(v) = e.target_unchecked_into::<HtmlInputElement>().value().parse::<u64>() {
                cb.emit(Msg::Seek(v))
            }
        })
    };
    let on_kind = {
        let cb = props.on_msg.clone();
        Callback::from(move |e: Event| cb.emit(Msg::SetJumpKind(e.target_unchecked_into::<HtmlSelectElement>().value())))
    };
    let max = props.end.unwrap_or(props.explored).max(props.step).max(1);
    let play_label = if props.playing { "Pause" } else { "Play" };
    html! {
        <div class="controls" role="toolbar" aria-label="Run controls">
            <div class="row">
                <button type="button" data-testid="restart" onclick={send(Msg::Restart)} title="Restart (r, Home)" aria-label="Restart from step 0">{ "↺ restart" }</button>
                <button type="button" data-testid="step-back" onclick={send(Msg::Back)} disabled={props.step == 0} title="Step back (←)" aria-label="Step back">{ "◀ step" }</button>
                <button type="button" data-testid="play" class="primary" onclick={send(Msg::TogglePlay)} aria-pressed={props.playing.to_string()} title="Play / pause (space)">
                    { if props.playing { "❚❚ " } else { "▶ " } }{ play_label }
                </button>
                <button type="button" data-testid="step-forward" onclick={send(Msg::Forward)} disabled={props.finished} title="Step forward (→)" aria-label="Step forward">{ "step ▶" }</button>
                <button type="button" data-testid="to-end" onclick={send(Msg::ToEnd)} disabled={props.finished} aria-pressed={props.to_end.to_string()} title="Run to the end (End)">{ "to the end »" }</button>
                <label class="speed">
                    <span>{ "speed" }</span>
                    <select data-testid="speed" onchange={on_speed} aria-label="Speed in steps per second">
                        { for SPEEDS.iter().map(|&v| html! {
                            <option value={v.to_string()} selected={v == props.speed}>{ format!("{v} steps/s") }</option>
                        }) }
                    </select>
                </label>
            </div>
            <div class="row">
                <label class="scrub">
                    <span class="sr-only">{ "Step" }</span>
                    <input type="range" data-testid="scrubber" min="0" max={max.to_string()} value={props.step.to_string()}
                        oninput={on_scrub} aria-label="Scrub through the run" aria-valuetext={format!("step {}", props.step)} />
                </label>
                <span class="scrub-note">{ match props.end {
                    Some(e) => format!("{e} steps"),
                    None => format!("{} explored · the run goes on", props.explored),
                } }</span>
            </div>
            <div class="row jump">
                <button type="button" data-testid="jump-prev" onclick={send(Msg::JumpPrev)} title="Previous event of this kind ([)">{ "◀ prev" }</button>
                <label>
                    <span class="sr-only">{ "Event kind to jump to" }</span>
                    <select data-testid="jump-kind" onchange={on_kind} aria-label="Event kind to jump to">
                        { for What::KINDS.iter().filter(|k| !k.is_empty()).map(|&k| html! {
                            <option value={k} selected={k == props.jump_kind}>{ k }</option>
                        }) }
                    </select>
                </label>
                <button type="button" data-testid="jump-next" onclick={send(Msg::JumpNext)} title="Next event of this kind (])">{ "next ▶" }</button>
            </div>
        </div>
    }
}
