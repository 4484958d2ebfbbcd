//! The keyboard help overlay (`?`).

use crate::web::shortcuts::HELP;
use super::page_callbacks::on_click;
use yew::prelude::*;

/// The overlay; `close_btn` is its Close button, which the page focuses as the overlay opens
/// ([`focus`]). A plain function, not a component (each component type costs its own copy of
/// Yew's lifecycle code in the page's wasm).
pub fn help(on_close: &Callback<()>, close_btn: &NodeRef) -> Html {
    let close = on_click(on_close);
    let backdrop_close = on_click(on_close);
    html! {
        <div class="overlay" onclick={backdrop_close}>
            <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="help-h" data-testid="help"
                onclick={Callback::from(|e: MouseEvent| e.stop_propagation())}>
                <h2 id="help-h">{ "Keyboard shortcuts" }</h2>
                <table>
                    <tbody>
                        { for HELP.iter().map(|(k, what)| html! { <tr><th scope="row"><kbd>{ *k }</kbd></th><td>{ *what }</td></tr> }) }
                    </tbody>
                </table>
                <p>{ "Shortcuts do nothing while you type in the editor or a form field. Tab moves between controls." }</p>
                <button type="button" ref={close_btn.clone()} onclick={close}>{ "Close" }</button>
            </div>
        </div>
    }
}

/// Focuses the element `r` holds, if any (an overlay's Close button as it opens, a lesson's
/// heading as it opens).
pub fn focus(r: &NodeRef) {
    if let Some(el) = r.cast::<web_sys::HtmlElement>() {
        let _ = el.focus();
    }
}
