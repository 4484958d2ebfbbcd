//! The scenario editor: the JSON beside the board with a line-number gutter, every problem
//! marked at its place and at its line in the gutter (a button that selects it) and listed with
//! its line; applying restarts the run. Nothing typed here can stop the running scenario.

use crate::web::state::EditorProblem;
use std::rc::Rc;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

/// Props of [`Editor`].
#[derive(Properties, PartialEq, Clone)]
pub struct EditorProps {
    pub text: Rc<String>,
    pub problems: Rc<Vec<EditorProblem>>,
    /// The text differs from the running scenario's.
    pub dirty: bool,
    /// The running scenario came from a share link.
    pub from_link: bool,
    pub on_edit: Callback<String>,
    pub on_apply: Callback<()>,
    pub on_default: Callback<()>,
    pub on_mine: Callback<()>,
}

/// UTF-16 offset of byte offset `b` in `s` (what the textarea's selection uses).
fn utf16_at(s: &str, b: usize) -> u32 {
    let b = b.min(s.len());
    let b = (0..=b).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0);
    s[..b].encode_utf16().count() as u32
}

/// The text with each problem's span wrapped in a mark (the backdrop under the textarea).
fn backdrop(text: &str, problems: &[EditorProblem]) -> Html {
    let mut spans: Vec<(usize, usize)> = problems.iter().filter_map(|p| p.span).collect();
    spans.sort_unstable();
    let mut out: Vec<Html> = Vec::new();
    let mut at = 0;
    for (a, b) in spans {
        let a = a.max(at).min(text.len());
        let b = b.max(a).min(text.len());
        if !text.is_char_boundary(a) || !text.is_char_boundary(b) {
            continue;
        }
        out.push(html! { { text[at..a].to_string() } });
        out.push(html! { <mark>{ if a == b { " ".to_string() } else { text[a..b].to_string() } }</mark> });
        at = b;
    }
    out.push(html! { { format!("{}\n", &text[at..]) } });
    out.into_iter().collect()
}

/// The gutter: one number per line of `text`; a line with problems is a button that selects the
/// first of them, named with every message of that line for screen readers.
fn gutter(text: &str, problems: &[EditorProblem], show: &dyn Fn(Option<(usize, usize)>) -> Callback<MouseEvent>) -> Html {
    let lines = text.split('\n').count();
    let mut at: Vec<(u32, &EditorProblem)> = problems.iter().filter_map(|p| p.line.map(|l| (l, p))).collect();
    at.sort_by_key(|x| x.0);
    let mut i = 0;
    (1..=lines as u32)
        .map(|n| {
            let first = i;
            while i < at.len() && at[i].0 <= n {
                i += 1;
            }
            let here: Vec<&EditorProblem> = at[first..i].iter().filter(|x| x.0 == n).map(|x| x.1).collect();
            if here.is_empty() {
                return html! { <span class="ln" data-line={n.to_string()}>{ n }</span> };
            }
            let words = here
                .iter()
                .map(|p| if p.place.is_empty() { p.message.clone() } else { format!("{}: {}", p.place, p.message) })
                .collect::<Vec<_>>()
                .join("; ");
            let label = format!("Line {n}: {} problem{}: {words}", here.len(), if here.len() == 1 { "" } else { "s" });
            html! {
                <button type="button" class="ln problem" data-line={n.to_string()} data-problems={here.len().to_string()}
                    aria-label={label.clone()} title={label} onclick={show(here[0].span)}>
                    <span class="ln-mark" aria-hidden="true">{ "●" }</span>{ n }
                </button>
            }
        })
        .collect()
}

#[function_component(Editor)]
pub fn editor(props: &EditorProps) -> Html {
    let area = use_node_ref();
    let back = use_node_ref();
    let lines = use_node_ref();
    let oninput = {
        let cb = props.on_edit.clone();
        Callback::from(move |e: InputEvent| cb.emit(e.target_unchecked_into::<HtmlTextAreaElement>().value()))
    };
    let onscroll = {
        let (area, back, lines) = (area.clone(), back.clone(), lines.clone());
        Callback::from(move |_: Event| {
            if let (Some(a), Some(b)) = (area.cast::<HtmlTextAreaElement>(), back.cast::<web_sys::Element>()) {
                b.set_scroll_top(a.scroll_top());
                b.set_scroll_left(a.scroll_left());
                if let Some(g) = lines.cast::<web_sys::Element>() {
                    g.set_scroll_top(a.scroll_top());
                }
            }
        })
    };
    let show = |span: Option<(usize, usize)>| {
        let area = area.clone();
        let text = props.text.clone();
        Callback::from(move |_: MouseEvent| {
            if let (Some(a), Some((s, e))) = (area.cast::<HtmlTextAreaElement>(), span) {
                let _ = a.focus();
                let _ = a.set_selection_range(utf16_at(&text, s), utf16_at(&text, e));
            }
        })
    };
    let n = props.problems.len();
    let apply = props.on_apply.reform(|_: MouseEvent| ());
    let default = props.on_default.reform(|_: MouseEvent| ());
    let mine = props.on_mine.reform(|_: MouseEvent| ());
    html! {
        <section class="editor" aria-labelledby="ed-h">
            <h2 id="ed-h">{ "Scenario" }</h2>
            <div class="ed-wrap">
                <div class="ed-gutter" ref={lines} data-testid="gutter" role="group" aria-label="Line numbers; lines with problems are buttons">
                    { gutter(&props.text, &props.problems, &show) }
                </div>
                <div class="ed-main">
                    <div class="ed-back" ref={back} aria-hidden="true">{ backdrop(&props.text, &props.problems) }</div>
                    <textarea ref={area.clone()} data-testid="editor" spellcheck="false" autocomplete="off" wrap="off"
                        aria-label="Scenario JSON" aria-invalid={(n > 0).to_string()} aria-describedby="ed-problems"
                        value={(*props.text).clone()} {oninput} {onscroll} />
                </div>
            </div>
            <div id="ed-problems" data-testid="problems" data-count={n.to_string()} aria-live="polite">
                if n == 0 {
                    <p class="ok">{ if props.dirty { "Valid. Apply to run it from step 0." } else { "Valid; this is what runs." } }</p>
                } else {
                    <p class="error">{ format!("{n} problem{}; the last good scenario keeps running:", if n == 1 { "" } else { "s" }) }</p>
                    <ul class="problems">
                        { for props.problems.iter().map(|p| html! {
                            <li>
                                <button type="button" class="link" onclick={show(p.span)}>
                                    { match (p.line, p.col) { (Some(l), Some(c)) => format!("line {l}:{c}"), _ => "document".into() } }
                                </button>
                                { " " }
                                if !p.place.is_empty() { <code>{ p.place.clone() }</code>{ ": " } }
                                { p.message.clone() }
                            </li>
                        }) }
                    </ul>
                }
            </div>
            <div class="row">
                <button type="button" class="primary" data-testid="apply" onclick={apply} disabled={n > 0 || !props.dirty}>{ "Apply and restart" }</button>
                <button type="button" onclick={default}>{ "Load the default scenario" }</button>
                if props.from_link { <button type="button" onclick={mine}>{ "Back to my scenario" }</button> }
            </div>
        </section>
    }
}
