//! The Share control: makes the share link of the running scenario (with the actions recorded
//! on the page) at the current step, puts it in the address bar, copies it to the clipboard,
//! and shows it with its length. Where the clipboard is unavailable or refused, the link's text
//! field is focused and selected for the user to copy.
//!
//! A Go program is shared as written (`core::link::make_go_link`, a version 2 link); a JSON
//! scenario as `core::link::make_link` of the scenario written back as JSON, as `gmpsim link
//! FILE --step N` writes it: the same scenario and step give the same link on both.

use crate::core::{link, scenario};
use crate::web::gosrc::Lang;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use super::memo::{memo_local, Local, LocalPart};
use yew::prelude::*;

/// What [`share`] shows (a [`LocalPart`]: its state is the link made last and where it went).
#[derive(PartialEq, Clone)]
pub struct ShareProps {
    /// The running scenario's text, its recorded actions included.
    pub running_text: Rc<String>,
    pub step: u64,
    /// The page is in threads mode: the link opens threads mode (`&mode=threads`), not a step.
    pub threads: bool,
}

/// Where the link went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Copied {
    Trying,
    Yes,
    /// The clipboard is unavailable or refused: the user copies from the field.
    No,
}

/// The link for `text` at `step`, on the page's own address.
pub fn share_link(text: &str, href: &str, step: u64) -> String {
    make(text, href, &[("step", step.to_string())])
}

/// The link for `text` opening in threads mode (real time has no step to share).
pub fn threads_link(text: &str, href: &str) -> String {
    make(text, href, &[("mode", "threads".to_string())])
}

/// A Go program as written (a version 2 link: comments and layout survive); a JSON scenario
/// written back in the document's canonical form, as `gmpsim link` does (version 1).
fn make(text: &str, href: &str, params: &[(&str, String)]) -> String {
    match Lang::of(text) {
        Lang::Go => link::make_go_link(text, href, params),
        Lang::Json => {
            let json = scenario::parse(text).map(|s| s.to_json()).unwrap_or_else(|_| text.to_string());
            link::make_link(&json, href, params)
        }
    }
}

/// Starts copying `text` to the clipboard; `done(true)` once copied, `done(false)` if the
/// clipboard is unavailable or refuses.
pub(crate) fn copy_to_clipboard(text: &str, done: impl Fn(bool) + Clone + 'static) {
    let attempt = || -> Result<(), JsValue> {
        let w = web_sys::window().ok_or(JsValue::NULL)?;
        let clip = js_sys::Reflect::get(&w.navigator(), &"clipboard".into())?;
        if clip.is_undefined() || clip.is_null() {
            return Err(JsValue::NULL);
        }
        let write: js_sys::Function = js_sys::Reflect::get(&clip, &"writeText".into())?.dyn_into()?;
        let promise = write.call1(&clip, &JsValue::from_str(text))?;
        let then: js_sys::Function = js_sys::Reflect::get(&promise, &"then".into())?.dyn_into()?;
        let (ok, no) = (done.clone(), done.clone());
        let ok = Closure::once_into_js(move |_: JsValue| ok(true));
        let no = Closure::once_into_js(move |_: JsValue| no(false));
        then.call2(&promise, &ok, &no)?;
        Ok(())
    };
    if attempt().is_err() {
        done(false);
    }
}

/// The Share control. Not a component of its own: each component type costs its own copy of
/// Yew's lifecycle code in the page's wasm; a [`super::memo::Memo`] does the same.
pub fn share(props: ShareProps) -> Html {
    memo_local(props)
}

/// The Share control's state.
#[derive(Default)]
pub struct Shared {
    /// The link made last and where it went.
    link: Option<(String, Copied)>,
    /// The link's text field.
    field: NodeRef,
    /// Where the link went when the part was last drawn.
    drawn: Option<Copied>,
}

impl LocalPart for ShareProps {
    type State = Shared;

    fn view(&self, state: &Local<Shared>) -> Html {
        share_view(self, state)
    }

    /// Without the clipboard, select the link for the user to copy.
    fn rendered(&self, state: &Local<Shared>) {
        let mut st = state.get_mut();
        let copied = st.link.as_ref().map(|s| s.1);
        if copied != st.drawn {
            st.drawn = copied;
            if copied == Some(Copied::No) {
                if let Some(i) = st.field.cast::<web_sys::HtmlInputElement>() {
                    let _ = i.focus();
                    i.select();
                }
            }
        }
    }
}

fn share_view(props: &ShareProps, state: &Local<Shared>) -> Html {
    let onclick = {
        let state = state.clone();
        let text = props.running_text.clone();
        let step = props.step;
        let threads = props.threads;
        Callback::from(move |_: MouseEvent| {
            let Some(w) = web_sys::window() else { return };
            let href = w.location().href().unwrap_or_default();
            let url = if threads { threads_link(&text, &href) } else { share_link(&text, &href, step) };
            if let Some((_, frag)) = url.split_once('#') {
                if let Ok(h) = w.history() {
                    let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&format!("#{frag}")));
                }
            }
            state.set(|s| s.link = Some((url.clone(), Copied::Trying)));
            let s = state.clone();
            let u = url.clone();
            copy_to_clipboard(&url, move |ok| s.set(|s| s.link = Some((u.clone(), if ok { Copied::Yes } else { Copied::No }))));
        })
    };
    let select = Callback::from(|e: FocusEvent| {
        if let Some(i) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
            i.select();
        }
    });
    let st = state.get();
    let field = st.field.clone();
    html! {
        <>
            <button type="button" data-testid="share" {onclick} title="Copy a link to this scenario, its recorded actions and this step">{ "Share" }</button>
            if let Some((url, copied)) = &st.link {
                <div class="share-out" data-testid="share-out" data-copied={match copied { Copied::Trying => "trying", Copied::Yes => "yes", Copied::No => "no" }}>
                    <label for="share-link">{ "Link" }</label>
                    <input id="share-link" type="text" readonly=true data-testid="share-link" ref={field} value={url.clone()} onfocus={select} />
                    <span role="status" data-testid="share-status">
                        { format!("{} characters. ", url.chars().count()) }
                        { match copied {
                            Copied::Trying => "Copying…",
                            Copied::Yes => "Copied to the clipboard.",
                            Copied::No => "The clipboard is unavailable: the link is selected, press Ctrl+C (⌘C) to copy it.",
                        } }
                    </span>
                </div>
            }
        </>
    }
}
