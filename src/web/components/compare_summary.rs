//! The compare view's summary: both runs' measures side by side with their differences (total
//! time, threads, steals, hand-offs, preemptions, per-P busy time), and the merged per-P
//! timeline (for each P, lane A's spans of running over lane B's), from
//! [`crate::core::compare::Comparison`]. The timeline's cursor is drawn over it apart, so that
//! the timeline itself is drawn once per comparison.

use crate::core::compare::Comparison;
use super::merged_timeline::{merged_timeline, MergedTimelineProps, W};
use crate::core::shortest::Shortest;
use crate::web::view::fmt_ns;
use std::rc::Rc;
use yew::prelude::*;


fn signed(d: i64, ns: bool) -> String {
    let v = if ns { fmt_ns(d.unsigned_abs()) } else { d.unsigned_abs().to_string() };
    match d.signum() {
        0 => "0".into(),
        1 => format!("+{v}"),
        _ => format!("−{v}"),
    }
}

/// The summary of comparison `c`, the timeline's cursor at the clock's virtual time `cursor_t`
/// (ns). A plain function, not a component (each component type costs its own copy of Yew's
/// lifecycle code in the page's wasm); the merged timeline under it is drawn once per comparison.
pub fn compare_summary(c: &Rc<Comparison>, cursor_t: u64) -> Html {
    let d = c.delta();
    let row = |name: &str, a: String, b: String, delta: String| {
        html! { <tr><th scope="row">{ name.to_string() }</th><td>{ a }</td><td>{ b }</td><td>{ delta }</td></tr> }
    };
    let t_max = c.timeline_a.end.max(c.timeline_b.end);
    let cursor = cursor_t.min(t_max) as f64 * W / t_max.max(1) as f64;
    html! {
        <section class="compare-summary" data-testid="compare-summary" aria-label="Summary of both runs">
            <h2>{ if c.complete { "Both runs, side by side" } else { "Both runs, side by side (as far as compared)" } }</h2>
            <table data-testid="summary-deltas">
                <thead><tr><th scope="col">{ "Measure" }</th><th scope="col">{ "A" }</th><th scope="col">{ "B" }</th><th scope="col">{ "B − A" }</th></tr></thead>
                <tbody>
                    { row("Total time", fmt_ns(c.a.total_ns), fmt_ns(c.b.total_ns), signed(d.total_ns, true)) }
                    { row("Threads created", c.a.threads.to_string(), c.b.threads.to_string(), signed(d.threads, false)) }
                    { row("Steals", c.a.steals.to_string(), c.b.steals.to_string(), signed(d.steals, false)) }
                    { row("Hand-offs", c.a.handoffs.to_string(), c.b.handoffs.to_string(), signed(d.handoffs, false)) }
                    { row("Preemptions", c.a.preemptions.to_string(), c.b.preemptions.to_string(), signed(d.preemptions, false)) }
                    { for d.p_busy_ns.iter().enumerate().map(|(i, &dp)| {
                        let at = |v: &[u64]| v.get(i).map_or("—".to_string(), |&n| fmt_ns(n));
                        row(&format!("P{i} busy"), at(&c.a.p_busy_ns), at(&c.b.p_busy_ns), signed(dp, true))
                    }) }
                </tbody>
            </table>
            <h3>{ "Merged per-P timeline (each P: A above, B below)" }</h3>
            <div class="merged-wrap">
                { merged_timeline(MergedTimelineProps { comparison: c.clone() }) }
                <svg class="merged-cursor" viewBox={format!("0 0 {} 1", Shortest(W))} preserveAspectRatio="none" aria-hidden="true">
                    <line class="cursor" x1={Shortest(cursor).to_string()} x2={Shortest(cursor).to_string()} y1="0" y2="1" />
                </svg>
            </div>
        </section>
    }
}
