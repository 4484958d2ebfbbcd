//! A queue or set of goroutines in order: the first ones as chips, then a count of the rest.

use super::g_chip::GChip;
use crate::core::ids::GId;
use crate::core::sim::GStatus;
use crate::web::driver::Moves;
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`ChipList`].
#[derive(Properties, PartialEq, Clone)]
pub struct ChipListProps {
    /// Goroutine ids, in order (the list may be cut short: see `total`).
    pub ids: Rc<Vec<GId>>,
    /// The length of the whole list, when `ids` holds only its first ones.
    #[prop_or_default]
    pub total: Option<usize>,
    /// Their state (every goroutine of a list is in the same one).
    pub status: GStatus,
    /// Most chips shown.
    #[prop_or(12)]
    pub max: usize,
    #[prop_or_default]
    pub notes: Option<Rc<Vec<String>>>,
    pub moves: Rc<Moves>,
    pub selected: Option<GId>,
    pub on_select: Callback<GId>,
    /// Shown when the list is empty.
    #[prop_or("empty")]
    pub empty: &'static str,
}

#[function_component(ChipList)]
pub fn chip_list(props: &ChipListProps) -> Html {
    if props.ids.is_empty() {
        return html! { <span class="empty">{ props.empty }</span> };
    }
    let rest = props.total.unwrap_or(props.ids.len()).saturating_sub(props.max.min(props.ids.len()));
    html! {
        <span class="chips">
            // Not keyed: as a queue moves on, each chip is updated in place (a few attributes and a
            // text) rather than removed and created again, which costs far more while playing.
            { for props.ids.iter().take(props.max).enumerate().map(|(i, &g)| html! {
                <GChip
                    id={g}
                    status={props.status}
                    selected={props.selected == Some(g)}
                    moved_from={props.moves.gs.get(&g).cloned()}
                    note={props.notes.as_ref().and_then(|n| n.get(i).cloned())}
                    on_select={props.on_select.clone()}
                />
            }) }
            if rest > 0 { <span class="more">{ format!("+{rest} more") }</span> }
        </span>
    }
}
