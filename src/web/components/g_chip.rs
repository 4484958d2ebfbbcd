//! A goroutine chip: its id, and its state by shape and a glyph as well as colour.

use crate::core::ids::GId;
use crate::core::sim::GStatus;
use super::memo::{memo, Part};
use yew::prelude::*;

/// What [`g_chip`] shows (a [`Part`]: drawn again only when it changed).
#[derive(PartialEq, Clone)]
pub struct GChipProps {
    pub id: GId,
    /// Its state.
    pub status: GStatus,
    pub selected: bool,
    /// Where it came from, when it moved in the last step.
    pub moved_from: Option<String>,
    /// Extra words after the id (a timer, a wait).
    pub note: Option<String>,
    pub on_select: Callback<GId>,
}

/// The glyph that shows a state without colour.
pub fn glyph(status: GStatus) -> &'static str {
    match status {
        GStatus::Running => "▶",
        GStatus::Runnable => "○",
        GStatus::Syscall => "◆",
        GStatus::Waiting => "‖",
        GStatus::Dead => "✕",
    }
}

impl Part for GChipProps {
    fn view(&self) -> Html {
        let props = self;
        let id = props.id;
        let onclick = props.on_select.reform(move |_: MouseEvent| id);
        // The name begins with the chip's visible text ("G7" and its note), as a speech-input user
        // reads it; the state and the move follow in words.
        let label = format!(
            "{id}{}, {}{}",
            props.note.as_ref().map(|n| format!(" {n}")).unwrap_or_default(),
            props.status,
            props.moved_from.as_ref().map(|f| format!(", moved from {f}")).unwrap_or_default()
        );
        html! {
            <button
                type="button"
                class={classes!("chip", format!("g-{}", props.status), props.selected.then_some("selected"), props.moved_from.is_some().then_some("moved"))}
                data-g={id.0.to_string()}
                aria-pressed={props.selected.to_string()}
                aria-label={label.clone()}
                title={label}
                {onclick}
            >
                <span class="glyph" aria-hidden="true">{ glyph(props.status) }</span>
                { id.to_string() }
                if let Some(n) = &props.note { { " " }<span class="note">{ n.clone() }</span> }
                // "←P1" is drawn by the stylesheet (from data-from): the label says it in words.
                if let Some(f) = &props.moved_from { <span class="from" aria-hidden="true" data-from={f.clone()}></span> }
            </button>
        }
    }
}

/// The part, drawn again only when it changed. Not a component of its own: each component type
/// costs its own copy of Yew's lifecycle code in the page's wasm; a [`super::memo::Memo`] does the same.
pub fn g_chip(props: GChipProps) -> Html {
    memo(props)
}
