//! The compare view (issue 13): two lanes, each with a board whose hooks are scoped to the lane
//! (`[data-lane=a] [data-p=N]`), one clock for both, the first divergence and next/previous
//! divergence, Share (a `#s=…&vs=…&step=N` link), and the summary deltas with the merged
//! timeline ([`super::compare_summary`]). Renders [`crate::web::compare::Compare`]; every action
//! is a message.

use crate::core::ids::GId;
use super::board::{board, BoardProps};
use super::clock::clock;
use super::compare_summary::compare_summary;
use super::share::copy_to_clipboard;
use crate::web::compare::{Compare, CompareMsg, Lane};
use crate::web::state::{Msg, SPEEDS};
use std::rc::Rc;
use super::memo::{memo_local, Local, LocalPart};
use yew::prelude::*;

/// What [`compare_view`] shows (a [`LocalPart`]: drawn again only when the comparison or its
/// share link changed).
#[derive(Clone)]
pub struct CompareViewProps {
    pub compare: Rc<Compare>,
    pub on_msg: Callback<Msg>,
}

impl PartialEq for CompareViewProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.compare, &o.compare) && self.on_msg == o.on_msg
    }
}

fn lane(l: &Lane, playing: bool, noop: &Callback<GId>) -> Html {
    let code = l.side.code();
    html! {
        <section class="lane" data-lane={code} aria-label={format!("Lane {}: {}", l.side.name(), l.label)}
            data-valid={l.valid().to_string()}>
            <h2>{ l.label.clone() }</h2>
            if let Some(v) = &l.view {
                <p class="lane-step" data-testid="lane-step" data-step={v.step.to_string()}>
                    { format!("step {}{}", v.step, if v.finished { " (the run has ended)" } else { "" }) }
                </p>
                { board(BoardProps { state: v.state.clone(), moves: v.moves.clone(), selected: None::<GId>, on_select: noop.clone(), playing,
                    scope: AttrValue::from(format!("Lane {}: ", l.side.name())) }) }
            } else {
                <div class="lane-error" role="alert" data-testid="lane-error">
                    <p>{ format!("Lane {} cannot run: its scenario is not valid.", l.side.name()) }</p>
                    <ul>{ for l.problems.iter().map(|p| html! { <li>{ p.clone() }</li> }) }</ul>
                </div>
            }
        </section>
    }
}

/// The buttons: (test id, label, message); the first four are the stepping controls.
const BUTTONS: [(&str, &str, CompareMsg); 7] = [
    ("compare-restart", "Restart both lanes", CompareMsg::Restart),
    ("compare-back", "◀ Back", CompareMsg::Back),
    ("compare-play", "Play both lanes", CompareMsg::TogglePlay),
    ("compare-forward", "Forward ▶", CompareMsg::Forward),
    ("jump-divergence", "Jump to the first divergence", CompareMsg::JumpFirst),
    ("prev-divergence", "Previous divergence", CompareMsg::PrevDivergence),
    ("next-divergence", "Next divergence", CompareMsg::NextDivergence),
];

/// The view's own state: the share link shown (and whether it was copied), and the lanes'
/// selection callback, the same every render, so that a lane's board whose state did not change
/// skips rendering (the lanes select nothing).
pub struct CompareLocal {
    shared: Option<(String, bool)>,
    noop: Callback<GId>,
}

impl Default for CompareLocal {
    fn default() -> Self {
        CompareLocal { shared: None, noop: Callback::from(|_: GId| ()) }
    }
}

/// The compare view, drawn again only when it changed. Not a component of its own: each
/// component type costs its own copy of Yew's lifecycle code in the page's wasm; a
/// [`super::memo::Memo`] does the same, keeping [`CompareLocal`] as its state.
pub fn compare_view(props: CompareViewProps) -> Html {
    memo_local(props)
}

impl LocalPart for CompareViewProps {
    type State = CompareLocal;

    fn view(&self, local: &Local<CompareLocal>) -> Html {
        compare_view_view(self, local)
    }
}

fn compare_view_view(props: &CompareViewProps, local: &Local<CompareLocal>) -> Html {
    let c = &props.compare;
    let (shared, noop) = {
        let l = local.get();
        (l.shared.clone(), l.noop.clone())
    };
    let button = |(id, label, m): &(&'static str, &'static str, CompareMsg)| {
        let (on, m) = (props.on_msg.clone(), m.clone());
        let pressed = (*id == "compare-play").then(|| c.playing.to_string());
        let label = if *id == "compare-play" && c.playing { "Pause both lanes" } else { *label };
        html! { <button type="button" data-testid={*id} aria-pressed={pressed} onclick={Callback::from(move |_: MouseEvent| on.emit(Msg::Compare(m.clone())))}>{ label }</button> }
    };
    let close = {
        let on = props.on_msg.clone();
        Callback::from(move |_: MouseEvent| on.emit(Msg::CloseCompare))
    };
    let on_speed = {
        let on = props.on_msg.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                if let Ok(v) = s.value().parse() {
                    on.emit(Msg::Compare(CompareMsg::SetSpeed(v)));
                }
            }
        })
    };
    let share = {
        let local = local.clone();
        let c = c.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(w) = web_sys::window() else { return };
            let url = c.share_link(&w.location().href().unwrap_or_default());
            if let (Some((_, frag)), Ok(h)) = (url.split_once('#'), w.history()) {
                let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&format!("#{frag}")));
            }
            let u = url.clone();
            local.set(|l| l.shared = Some((u, false)));
            let (l, u) = (local.clone(), url.clone());
            copy_to_clipboard(&url, move |ok| {
                let u = u.clone();
                l.set(|l| l.shared = Some((u, ok)))
            });
        })
    };
    let (t, explored, end) = [&c.a, &c.b]
        .iter()
        .filter_map(|l| l.view.as_ref())
        .fold((0, 0, Some(0)), |(t, x, e), v| (t.max(v.t), x.max(v.explored), e.zip(v.end).map(|(a, b)| a.max(b))));
    let first = match c.first {
        Some(Some(n)) => html! {
            <span data-testid="first-divergence" data-step={n.to_string()}>{ format!("First divergence: step {n}") }</span>
        },
        Some(None) => html! {
            <span data-testid="first-divergence" data-step="none">{ format!("The runs do not diverge ({} steps compared).", c.scanned) }</span>
        },
        None if !(c.a.valid() && c.b.valid()) => html! { <span data-testid="first-divergence">{ "Nothing to compare: a lane cannot run." }</span> },
        None => html! { <span data-testid="first-divergence" aria-busy="true">{ format!("Comparing… {} steps so far, no divergence yet.", c.scanned) }</span> },
    };
    let diverges_here = c.done.as_ref().is_some_and(|d| d.diverges_at(c.step));
    html! {
        <section class="compare" data-testid="compare-view" aria-label="Compare two runs">
            <div class="compare-bar sticky">
                <div class="controls" role="toolbar" aria-label="Both lanes' controls">
                    { for BUTTONS[..4].iter().map(button) }
                    <label>{ "Speed " }
                        <select data-testid="compare-speed" onchange={on_speed}>
                            { for SPEEDS.iter().map(|&v| html! { <option value={v.to_string()} selected={v == c.speed}>{ format!("{v} steps/s") }</option> }) }
                        </select>
                    </label>
                    <button type="button" data-testid="compare-share" onclick={share}>{ "Share" }</button>
                    <button type="button" data-testid="compare-close" onclick={close}>{ "Close the comparison" }</button>
                </div>
                { clock(c.step, t, explored, end) }
                <div class="divergence" role="group" aria-label="Divergences">
                    { first }
                    { for BUTTONS[4..].iter().map(button) }
                    if diverges_here { <strong data-testid="diverges-here">{ " The runs differ at this step." }</strong> }
                </div>
                if let Some(target) = c.seeking { <p role="status">{ format!("Going to step {target}…") }</p> }
                if let Some(n) = &c.note { <p role="status" data-testid="compare-note">{ n.clone() }</p> }
                if let Some((url, copied)) = &shared {
                    <p class="share-out">
                        <label for="compare-share-link">{ "Link" }</label>
                        <input id="compare-share-link" type="text" readonly=true data-testid="compare-share-link" value={url.clone()} />
                        <span role="status">{ if *copied { "Copied to the clipboard." } else { "Select the link and copy it." } }</span>
                    </p>
                }
            </div>
            <div class="lanes">
                { lane(&c.a, c.playing, &noop) }
                { lane(&c.b, c.playing, &noop) }
            </div>
            if let Some(done) = &c.done {
                { compare_summary(done, t) }
            }
        </section>
    }
}
