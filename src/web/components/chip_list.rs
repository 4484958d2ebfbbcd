//! A queue or set of goroutines in order: the first ones as chips, then a count of the rest.

use super::g_chip::{g_chip, GChipProps};
use crate::core::ids::GId;
use crate::core::sim::GStatus;
use crate::web::driver::Moves;
use yew::prelude::*;

/// What [`chip_list`] shows.
pub struct Chips<'a> {
    /// Goroutine ids, in order (the list may be cut short: see `total`).
    pub ids: &'a [GId],
    /// The length of the whole list (more than `ids` holds when it holds only its first ones).
    pub total: usize,
    /// Their state (every goroutine of a list is in the same one).
    pub status: GStatus,
    /// Most chips shown.
    pub max: usize,
    /// Extra words for each chip (a timer, a wait).
    pub notes: Option<&'a [String]>,
    pub moves: &'a Moves,
    pub selected: Option<GId>,
    pub on_select: &'a Callback<GId>,
    /// Shown when the list is empty.
    pub empty: &'static str,
}

/// The list. A plain function, not a component: its parents (a P card, the waiting goroutines)
/// already skip rendering when their data did not change, and each chip skips by its own props;
/// each component type costs its own copy of Yew's lifecycle code in the page's wasm.
pub fn chip_list(c: Chips) -> Html {
    if c.ids.is_empty() {
        return html! { <span class="empty">{ c.empty }</span> };
    }
    let rest = c.total.max(c.ids.len()).saturating_sub(c.max.min(c.ids.len()));
    html! {
        <span class="chips">
            // Not keyed: as a queue moves on, each chip is updated in place (a few attributes and a
            // text) rather than removed and created again, which costs far more while playing.
            { for c.ids.iter().take(c.max).enumerate().map(|(i, &g)| g_chip(GChipProps {
                id: g,
                status: c.status,
                selected: c.selected == Some(g),
                moved_from: c.moves.gs.get(&g).cloned(),
                note: c.notes.and_then(|n| n.get(i).cloned()),
                on_select: c.on_select.clone(),
            })) }
            if rest > 0 { <span class="more">{ format!("+{rest} more") }</span> }
        </span>
    }
}
