//! The Output panel: what the simulated program has printed up to the current step (its
//! `fmt.Println` and `fmt.Printf` lines), scrolled to the latest; stepping back un-prints.

use crate::web::output::{Printed, MAX_OUTPUT_BYTES};
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`OutputPanel`].
#[derive(Properties, PartialEq, Clone)]
pub struct OutputPanelProps {
    pub printed: Rc<Printed>,
    pub step: u64,
}

#[function_component(OutputPanel)]
pub fn output_panel(props: &OutputPanelProps) -> Html {
    let pre = use_node_ref();
    {
        // Follow the latest line.
        let pre = pre.clone();
        use_effect_with(props.printed.clone(), move |_| {
            if let Some(el) = pre.cast::<web_sys::Element>() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }
    let p = &props.printed;
    html! {
        <section class="panel output" aria-labelledby="out-h" data-testid="output" data-prints={p.prints.to_string()}>
            <h2 id="out-h">{ "Output" }</h2>
            if p.prints == 0 {
                <p class="hint" data-testid="output-empty">{ format!("Nothing printed by step {}.", props.step) }</p>
            } else {
                <pre ref={pre} class="out" tabindex="0" data-testid="output-text"
                    aria-label={format!("What the program printed by step {}", props.step)}>{ p.text.clone() }</pre>
            }
            if p.cut {
                <p class="hint">{ format!("The run printed more than {} KB by this step; the rest is not shown (`gmpsim run FILE --format output` prints all of it).", MAX_OUTPUT_BYTES / 1024) }</p>
            }
        </section>
    }
}
