//! The scenario editor: a Go program (or, one click away, the scenario's JSON) beside the board
//! with a line-number gutter, every problem marked at its line in the gutter (a button that
//! selects it) and listed with its line; applying restarts the run. Nothing typed here can stop
//! the running scenario. Go is highlighted the light way: the textarea's text is transparent over
//! a backdrop that colours the core lexer's tokens ([`crate::web::highlight`]), one block per
//! line, so a line with a problem, or with a running goroutine on it, is marked whole.

use crate::web::gosrc::Lang;
use crate::web::highlight::{self, Piece};
use crate::web::state::EditorProblem;
use std::cell::RefCell;
use std::rc::Rc;
use web_sys::HtmlTextAreaElement;
use super::page_callbacks::on_click;
use super::memo::{memo_local, Local, LocalPart};
use yew::prelude::*;

/// What [`editor`] shows (a [`LocalPart`]: drawn again only when it changed or its state did).
#[derive(PartialEq, Clone)]
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
    /// Go or JSON.
    pub lang: Lang,
    /// Show the other language.
    pub on_switch: Callback<()>,
    /// The lines goroutines are on at this step, each with its goroutines' names (`G1 G4`).
    pub at_lines: Rc<Vec<(u32, String)>>,
}

/// UTF-16 offset of byte offset `b` in `s` (what the textarea's selection uses).
fn utf16_at(s: &str, b: usize) -> u32 {
    let b = b.min(s.len());
    let b = (0..=b).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0);
    s[..b].encode_utf16().count() as u32
}

/// The text with each problem's span wrapped in a mark (the backdrop under the textarea).
fn backdrop(text: &str, problems: &[EditorProblem]) -> Html {
    // `(start, end)` as `(u64, u32)` pairs: the page's one sort (ends past 4 GiB clamp).
    let mut spans: Vec<(u64, u32)> = problems.iter().filter_map(|p| p.span).map(|(a, b)| (a as u64, b.min(u32::MAX as usize) as u32)).collect();
    spans.sort_unstable();
    let mut out: Vec<Html> = Vec::new();
    let mut at = 0;
    for (a, b) in spans {
        let (a, b) = (a as usize, b as usize);
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

/// The Go text, highlighted, one block per line: a line with a problem is marked `bad`, one
/// with goroutines on it `run` (their names shown at its end).
fn code(text: &str, pieces: &[Piece], problems: &[EditorProblem], at_lines: &[(u32, String)]) -> Html {
    highlight::lines(text, pieces)
        .into_iter()
        .enumerate()
        .map(|(i, line)| {
            let n = i as u32 + 1;
            let bad = problems.iter().any(|p| p.line == Some(n));
            let at = at_lines.iter().find(|(l, _)| *l == n).map(|(_, g)| g.clone());
            let class = classes!("cl", bad.then_some("bad"), at.is_some().then_some("run"));
            html! {
                <div {class} data-g={at}>
                    { for line.iter().map(|p| {
                        let t = text[p.start..p.end].to_string();
                        match p.class.css() {
                            Some(c) => html! { <span class={c}>{ t }</span> },
                            None => html! { { t } },
                        }
                    }) }
                </div>
            }
        })
        .collect()
}

/// The gutter: one number per line of `text`; a line with problems is a button that selects the
/// first of them, named with every message of that line for screen readers.
fn gutter(text: &str, problems: &[EditorProblem], show: &dyn Fn(Option<(usize, usize)>) -> Callback<MouseEvent>) -> Html {
    let lines = text.split('\n').count();
    // By line, then in the given order: (line, index) pairs sorted as the backdrop's spans are
    // (the page's one sort instantiation).
    let mut order: Vec<(u64, u32)> = problems.iter().enumerate().filter_map(|(i, p)| p.line.map(|l| (u64::from(l), i as u32))).collect();
    order.sort_unstable();
    let at: Vec<(u32, &EditorProblem)> = order.into_iter().map(|(l, i)| (l as u32, &problems[i as usize])).collect();
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

/// The editor's own state: its textarea, backdrop and gutter, and the highlighted text's pieces,
/// kept until the text or the language changes.
#[derive(Default)]
pub struct EditorLocal {
    area: NodeRef,
    back: NodeRef,
    lines: NodeRef,
    pieces: RefCell<Option<((Rc<String>, bool), Rc<Vec<Piece>>)>>,
}

/// The editor, drawn again only when it changed. Not a component of its own: each component type
/// costs its own copy of Yew's lifecycle code in the page's wasm; a [`super::memo::Memo`] does
/// the same, keeping [`EditorLocal`] as its state.
pub fn editor(props: EditorProps) -> Html {
    memo_local(props)
}

impl LocalPart for EditorProps {
    type State = EditorLocal;

    fn view(&self, local: &Local<EditorLocal>) -> Html {
        editor_view(self, local)
    }
}

fn editor_view(props: &EditorProps, local: &Local<EditorLocal>) -> Html {
    let go = props.lang == Lang::Go;
    let (area, back, lines, pieces) = {
        let l = local.get();
        let key = (props.text.clone(), go);
        let mut cache = l.pieces.borrow_mut();
        let pieces = match &*cache {
            Some((k, p)) if *k == key => p.clone(),
            _ => {
                let p = Rc::new(if go { highlight::highlight(&key.0) } else { Vec::new() });
                *cache = Some((key, p.clone()));
                p
            }
        };
        (l.area.clone(), l.back.clone(), l.lines.clone(), pieces)
    };
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
    let switch = on_click(&props.on_switch);
    let apply = on_click(&props.on_apply);
    let default = on_click(&props.on_default);
    let mine = on_click(&props.on_mine);
    html! {
        <section class="editor" aria-labelledby="ed-h">
            <div class="ed-head">
                <h2 id="ed-h">{ if go { "Program (main.go)" } else { "Scenario (JSON)" } }</h2>
                <button type="button" data-testid="switch-lang" onclick={switch}
                    title={format!("Show this scenario as {}; both texts are kept", props.lang.other().name())}>
                    { format!("Show as {}", props.lang.other().name()) }
                </button>
            </div>
            <div class="ed-wrap">
                <div class="ed-gutter" ref={lines} data-testid="gutter" role="group" aria-label="Line numbers; lines with problems are buttons">
                    { gutter(&props.text, &props.problems, &show) }
                </div>
                <div class={classes!("ed-main", go.then_some("go"))} data-lang={props.lang.name()}>
                    <div class="ed-back" ref={back} aria-hidden="true" data-testid="code">
                        if go { { code(&props.text, &pieces, &props.problems, &props.at_lines) } }
                        else { { backdrop(&props.text, &props.problems) } }
                    </div>
                    <textarea ref={area.clone()} data-testid="editor" spellcheck="false" autocomplete="off" wrap="off"
                        aria-label={if go { "Go program" } else { "Scenario JSON" }} aria-invalid={(n > 0).to_string()} aria-describedby="ed-problems"
                        value={(*props.text).clone()} {oninput} {onscroll} />
                </div>
            </div>
            if go && !props.at_lines.is_empty() {
                <p class="sr-only" data-testid="at-lines">
                    { format!("Goroutines in the program: {}.", props.at_lines.iter().map(|(l, g)| format!("{g} at line {l}")).collect::<Vec<_>>().join("; ")) }
                </p>
            }
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
