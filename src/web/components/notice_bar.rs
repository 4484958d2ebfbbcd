//! A message for the user: a bad link, an intervention that cannot be made, a search that found
//! nothing. Errors list every problem.

use crate::web::boot::Notice;
use super::page_callbacks::on_click;
use yew::prelude::*;

/// The notice `n`, with a button that calls `on_dismiss`. A plain function, not a component (each component type costs its own copy of Yew's
/// lifecycle code in the page's wasm).
pub fn notice_bar(n: &Notice, on_dismiss: &Callback<()>) -> Html {
    let close = on_click(on_dismiss);
    html! {
        <div class={classes!("notice", n.error.then_some("error"))} role={if n.error { "alert" } else { "status" }} data-testid="notice">
            <p><strong>{ n.title.clone() }</strong></p>
            if !n.lines.is_empty() {
                <ul>{ for n.lines.iter().map(|l| html! { <li>{ l.clone() }</li> }) }</ul>
            }
            <button type="button" class="dismiss" onclick={close} aria-label="Dismiss this message">{ "✕" }</button>
        </div>
    }
}
