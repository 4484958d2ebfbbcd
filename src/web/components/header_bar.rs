//! The page header: title, the running scenario's name, share link, theme and help.

use crate::core::link;
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`HeaderBar`].
#[derive(Properties, PartialEq, Clone)]
pub struct HeaderBarProps {
    pub name: String,
    /// The running scenario's text (what a share link holds).
    pub running_text: Rc<String>,
    pub step: u64,
    pub dark: bool,
    pub on_theme: Callback<()>,
    pub on_help: Callback<()>,
}

#[function_component(HeaderBar)]
pub fn header_bar(props: &HeaderBarProps) -> Html {
    let shared = use_state(|| Option::<String>::None);
    let share = {
        let shared = shared.clone();
        let text = props.running_text.clone();
        let step = props.step;
        Callback::from(move |_: MouseEvent| {
            let Some(w) = web_sys::window() else { return };
            let href = w.location().href().unwrap_or_default();
            let url = link::make_link(&text, &href, &[("step", step.to_string())]);
            if let Some((_, frag)) = url.split_once('#') {
                if let Ok(h) = w.history() {
                    let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&format!("#{frag}")));
                }
            }
            shared.set(Some(url));
        })
    };
    html! {
        <header class="topbar">
            <h1><span class="logo" aria-hidden="true">{ "G·M·P" }</span>{ " Playground" }</h1>
            <span class="scenario-name" title="Running scenario">{ props.name.clone() }</span>
            <div class="tools">
                <button type="button" data-testid="share" onclick={share} title="Put a link to this scenario and step in the address bar">{ "Share link" }</button>
                <button type="button" data-testid="theme" onclick={props.on_theme.reform(|_: MouseEvent| ())} aria-pressed={props.dark.to_string()} title="Light or dark theme (t)">
                    { if props.dark { "☀ Light" } else { "☾ Dark" } }
                </button>
                <button type="button" data-testid="help-open" onclick={props.on_help.reform(|_: MouseEvent| ())} title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts">{ "?" }</button>
            </div>
            if let Some(url) = &*shared {
                <label class="share-out">{ "Link: " }
                    <input type="text" readonly=true data-testid="share-link" value={url.clone()} onfocus={Callback::from(|e: FocusEvent| {
                        if let Some(i) = e.target_dyn_into::<web_sys::HtmlInputElement>() { i.select(); }
                    })} />
                </label>
            }
        </header>
    }
}
