//! The keyboard help overlay (`?`).

use crate::web::shortcuts::HELP;
use yew::prelude::*;

/// Props of [`Help`].
#[derive(Properties, PartialEq, Clone)]
pub struct HelpProps {
    pub on_close: Callback<()>,
}

#[function_component(Help)]
pub fn help(props: &HelpProps) -> Html {
    let close_btn = use_node_ref();
    {
        let close_btn = close_btn.clone();
        use_effect_with((), move |_| {
            if let Some(b) = close_btn.cast::<web_sys::HtmlElement>() {
                let _ = b.focus();
            }
        });
    }
    let close = props.on_close.reform(|_: MouseEvent| ());
    let backdrop_close = props.on_close.reform(|_: MouseEvent| ());
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
                <button type="button" ref={close_btn} onclick={close}>{ "Close" }</button>
            </div>
        </div>
    }
}
