//! The embedded view's only chrome (`&embed=1`): the scenario's name and a link that opens the
//! same link on the full playground page (the fragment without `embed`).

use crate::core::link::without_embed;
use yew::prelude::*;

/// The full page's address for the address `href` of an embedded view.
pub fn full_page(href: &str) -> String {
    match href.split_once('#') {
        Some((base, frag)) => format!("{base}{}", without_embed(frag)),
        None => href.to_string(),
    }
}

/// The bar for the scenario named `name`. A plain function, not a component (each component type costs its own copy of Yew's
/// lifecycle code in the page's wasm).
pub fn embed_bar(name: String) -> Html {
    let href = web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default();
    html! {
        <header class="embedbar">
            <span class="logo" aria-hidden="true">{ "G·M·P" }</span>
            <span class="scenario-name" title="Running scenario">{ name }</span>
            <a data-testid="open-full" href={full_page(&href)} target="_blank" rel="noopener">{ "Open in the playground ↗" }</a>
        </header>
    }
}
