//! The Output panel: what the simulated program has printed up to the current step (its
//! `fmt.Println` and `fmt.Printf` lines), scrolled to the latest; stepping back un-prints.

use crate::web::output::{Printed, MAX_OUTPUT_BYTES};
use yew::prelude::*;

/// The panel: what was printed by `step`. `pre` is the text's element, which follows the latest
/// line ([`follow`], called by the page after each change). A plain function, not a component
/// (each component type costs its own copy of Yew's lifecycle code in the page's wasm).
pub fn output_panel(p: &Printed, step: u64, pre: &NodeRef) -> Html {
    html! {
        <section class="panel output" aria-labelledby="out-h" data-testid="output" data-prints={p.prints.to_string()}>
            <h2 id="out-h">{ "Output" }</h2>
            if p.prints == 0 {
                <p class="hint" data-testid="output-empty">{ format!("Nothing printed by step {}.", step) }</p>
            } else {
                <pre ref={pre.clone()} class="out" tabindex="0" data-testid="output-text"
                    aria-label={format!("What the program printed by step {}", step)}>{ p.text.clone() }</pre>
            }
            if p.cut {
                <p class="hint">{ format!("The run printed more than {} KB by this step; the rest is not shown (`gmpsim run FILE --format output` prints all of it).", MAX_OUTPUT_BYTES / 1024) }</p>
            }
        </section>
    }
}

/// Scrolls the output's text (`pre`) to its latest line.
pub fn follow(pre: &NodeRef) {
    if let Some(el) = pre.cast::<web_sys::Element>() {
        el.set_scroll_top(el.scroll_height());
    }
}
