//! "Compare with…": opens the compare view with the running scenario in lane A and, in lane B,
//! the same scenario with another GOMAXPROCS, Go release's rules, seed or cost, or a lesson, or
//! any scenario's JSON text ([`crate::web::compare::Variant`]). A value that is not valid is
//! reported in lane B, where it would run.

use crate::core::costs::Costs;
use crate::core::lessons;
use crate::web::compare::Variant;
use super::memo::{memo_local, Local, LocalPart};
use yew::prelude::*;

/// What [`compare_with`] shows (a [`LocalPart`]: its state is the form's [`Form`]).
#[derive(PartialEq, Clone)]
pub struct CompareWithProps {
    /// The running scenario's GOMAXPROCS (the default for lane B is twice it).
    pub gomaxprocs: u32,
    pub on_open: Callback<Variant>,
}

/// The variant for a kind and the value typed, or why it cannot be read.
fn variant(kind: &str, value: &str) -> Variant {
    let v = value.trim();
    match kind {
        "gomaxprocs" => v.parse().map(Variant::Gomaxprocs).unwrap_or_else(|_| Variant::Invalid(format!("GOMAXPROCS {v:?}: not a whole number"))),
        "release" => Variant::Release(v.to_string()),
        "seed" => v.parse().map(Variant::Seed).unwrap_or_else(|_| Variant::Invalid(format!("seed {v:?}: not a whole number"))),
        "cost" => {
            let (n, d) = v.split_once('=').unwrap_or((v, ""));
            Variant::Cost(n.trim().to_string(), d.trim().to_string())
        }
        "lesson" => Variant::Lesson(v.to_string()),
        _ => Variant::Text(value.to_string()),
    }
}

/// The kinds of variant: (value, label).
const KINDS: [(&str, &str); 6] = [
    ("gomaxprocs", "GOMAXPROCS"),
    ("release", "Go release's rules"),
    ("seed", "seed"),
    ("cost", "cost"),
    ("lesson", "lesson instead"),
    ("text", "scenario instead (paste its JSON)"),
];

/// The form: the kind of variant chosen and the value typed (empty: the kind's default).
pub struct Form {
    kind: String,
    value: String,
}

impl Default for Form {
    fn default() -> Self {
        Form { kind: "gomaxprocs".to_string(), value: String::new() }
    }
}

/// The form. Not a component of its own: each component type costs its own copy of Yew's
/// lifecycle code in the page's wasm; a [`super::memo::Memo`] does the same.
pub fn compare_with(props: CompareWithProps) -> Html {
    memo_local(props)
}

impl LocalPart for CompareWithProps {
    type State = Form;

    fn view(&self, form: &Local<Form>) -> Html {
        compare_with_view(self, form)
    }
}

fn compare_with_view(props: &CompareWithProps, form: &Local<Form>) -> Html {
    let (kind, value) = {
        let f = form.get();
        (f.kind.clone(), f.value.clone())
    };
    let default = match kind.as_str() {
        "gomaxprocs" => (props.gomaxprocs * 2).max(1).to_string(),
        "release" => "1.19".into(),
        "seed" => "2".into(),
        "cost" => "m_wake=20us".into(),
        "lesson" => lessons::all().first().map_or(String::new(), |l| l.id.to_string()),
        _ => String::new(),
    };
    let shown = if value.is_empty() { default.clone() } else { value };
    let on_kind = {
        let form = form.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                form.set(|f| {
                    f.kind = s.value();
                    f.value.clear();
                });
            }
        })
    };
    let on_value = {
        let form = form.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(i) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                form.set(|f| f.value = i.value());
            }
        })
    };
    let on_lesson = {
        let form = form.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                form.set(|f| f.value = s.value());
            }
        })
    };
    let onsubmit = {
        let (kind, on_open, shown) = (kind.clone(), props.on_open.clone(), shown.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            on_open.emit(variant(&kind, &shown));
        })
    };
    let (lo, hi) = crate::core::scenario::GO_MINOR_RANGE;
    let hint = match kind.as_str() {
        "release" => format!("1.{lo} to 1.{hi}"),
        "cost" => format!("NAME=DURATION; costs: {}", Costs::NAMES.join(", ")),
        _ => String::new(),
    };
    html! {
        <details class="compare-with" data-testid="compare-with">
            <summary>{ "Compare with…" }</summary>
            <form {onsubmit}>
                <label>{ "Lane B: this scenario with another " }
                    <select data-testid="compare-kind" onchange={on_kind}>
                        { for KINDS.iter().map(|(k, l)| html! { <option value={*k} selected={kind == *k}>{ *l }</option> }) }
                    </select>
                </label>
                if kind == "lesson" {
                    <label>{ "Lesson " }
                        <select data-testid="compare-value" onchange={on_lesson}>
                            { for lessons::all().iter().map(|l| html! { <option value={l.id} selected={shown == l.id}>{ l.title }</option> }) }
                        </select>
                    </label>
                } else {
                    <label>{ "Value " }<input data-testid="compare-value" type="text" value={shown} oninput={on_value} /></label>
                    if !hint.is_empty() { <small>{ format!(" ({hint})") }</small> }
                }
                <button type="submit" data-testid="compare-open">{ "Compare" }</button>
            </form>
        </details>
    }
}
