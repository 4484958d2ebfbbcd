//! Predict mode's panel (issue 13): the toggle `[data-testid=predict]`, the question with 2–4
//! `[data-choice]` buttons (their labels only: nothing here knows the right one), then the
//! verdict `[data-testid=verdict]` with `data-correct` and the rule naming its Go function, and
//! the lesson's score. Keys 1–4 answer (the page's shortcuts). Renders
//! [`crate::web::predict::Predict`].

use crate::web::predict::{Predict, PredictMsg, PREDICT_KEY};
use crate::web::state::Msg;
use crate::web::storage;
use std::rc::Rc;
use yew::prelude::*;

/// The panel for predict mode's state `predict` (when on) at the driver's `step` (a question is
/// open only for the step after it). A plain function, not a component: the step changes at
/// every step, so a component's props check would seldom skip it, and each component type costs
/// its own copy of Yew's lifecycle code in the page's wasm.
pub fn predict_panel(predict: Option<&Rc<Predict>>, step: u64, on_msg: &Callback<Msg>) -> Html {
    let on = predict.is_some();
    let toggle = {
        let m = on_msg.clone();
        Callback::from(move |_: MouseEvent| {
            m.emit(if on { Msg::Predict(PredictMsg::Close) } else { Msg::Predict(PredictMsg::Open { stored: storage::load(PREDICT_KEY) }) })
        })
    };
    let next = {
        let m = on_msg.clone();
        Callback::from(move |_: MouseEvent| m.emit(Msg::Predict(PredictMsg::Next)))
    };
    let body = predict.map(|p| {
        let score = p.score();
        let shown = p.shown();
        // The question is about the step after the board's, or answered at the board's step.
        let open = shown.as_ref().is_some_and(|q| p.verdict.is_none() && q.0 == step + 1);
        let answered = shown.as_ref().is_some_and(|q| p.verdict.is_some() && q.0 == step);
        html! {
            <div class="predict-body">
                <p data-testid="predict-score" data-right={score.right.to_string()} data-asked={score.asked.to_string()}>
                    { format!("Score for {}: {} right of {}", if p.key == crate::web::predict::ANY_SCENARIO { "this scenario".to_string() } else { format!("lesson {}", p.key) }, score.right, score.asked) }
                </p>
                if let Some((step, prompt, labels)) = shown.filter(|_| open || answered) {
                    <fieldset class="predict-q" data-testid="predict-question" data-step={step.to_string()}>
                        <legend>{ format!("Step {step}: {prompt}") }</legend>
                        { for labels.iter().enumerate().map(|(i, l)| {
                            let m = on_msg.clone();
                            let chosen = p.verdict.as_ref().is_some_and(|v| v.0 == i);
                            html! {
                                <button type="button" data-choice={(i + 1).to_string()} disabled={!open} aria-pressed={chosen.to_string()}
                                    onclick={Callback::from(move |_: MouseEvent| m.emit(Msg::Predict(PredictMsg::Answer(i))))}>
                                    <kbd>{ i + 1 }</kbd>{ format!(" {l}") }
                                </button>
                            }
                        }) }
                    </fieldset>
                }
                if let Some((_, v)) = p.verdict.as_ref().filter(|_| answered) {
                    <div class="verdict" data-testid="verdict" data-correct={v.correct.to_string()} role="status">
                        <p><strong>{ if v.correct { "Right." } else { "Not quite." } }</strong>{ format!(" The scheduler's answer: {}.", v.right) }</p>
                        <p>{ v.rule.clone() }</p>
                    </div>
                }
                if let Some(n) = &p.note { <p role="status" data-testid="predict-note">{ n.clone() }</p> }
                if !open {
                    <button type="button" data-testid="predict-next" onclick={next}>{ "Next question" }</button>
                }
            </div>
        }
    });
    html! {
        <section class="predict" aria-label="Predict the scheduler">
            <button type="button" data-testid="predict" aria-pressed={on.to_string()} onclick={toggle}>
                { if on { "Stop predicting" } else { "Predict mode: guess each scheduling decision" } }
            </button>
            { body.unwrap_or_default() }
        </section>
    }
}
