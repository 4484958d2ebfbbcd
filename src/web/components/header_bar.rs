//! The page header: title, the running scenario's name, the lesson gallery's toggle, the Share
//! control, theme and help.

use super::share::{share, ShareProps};
use std::rc::Rc;
use super::page_callbacks::on_click;
use yew::prelude::*;

/// What [`header_bar`] shows.
pub struct HeaderBarProps {
    pub name: String,
    /// The running scenario's text (what a share link holds).
    pub running_text: Rc<String>,
    pub step: u64,
    /// The page is in threads mode (the share link opens threads mode).
    pub threads: bool,
    pub dark: bool,
    /// The lesson gallery is shown.
    pub gallery: bool,
    pub on_lessons: Callback<()>,
    pub on_theme: Callback<()>,
    pub on_help: Callback<()>,
}

/// The header. A plain function, not a component (each component type costs its own copy of Yew's
/// lifecycle code in the page's wasm).
pub fn header_bar(props: HeaderBarProps) -> Html {
    html! {
        <header class="topbar">
            <h1><span class="logo" aria-hidden="true">{ "G·M·P" }</span>{ " Playground" }</h1>
            <span class="scenario-name" title="Running scenario">{ props.name }</span>
            <div class="tools">
                <button type="button" data-testid="lessons-toggle" onclick={on_click(&props.on_lessons)}
                    aria-expanded={props.gallery.to_string()} aria-controls="lessons" title="Show or hide the lesson gallery (g)">{ "Lessons" }</button>
                { share(ShareProps { running_text: props.running_text, step: props.step, threads: props.threads }) }
                <button type="button" data-testid="theme" onclick={on_click(&props.on_theme)} aria-pressed={props.dark.to_string()} title="Light or dark theme (t)">
                    { if props.dark { "☀ Light" } else { "☾ Dark" } }
                </button>
                <button type="button" data-testid="help-open" onclick={on_click(&props.on_help)} title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts">{ "?" }</button>
            </div>
        </header>
    }
}
