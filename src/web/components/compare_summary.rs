//! The compare view's summary: both runs' measures side by side with their differences (total
//! time, threads, steals, hand-offs, preemptions, per-P busy time), and the merged per-P
//! timeline (for each P, lane A's spans of running over lane B's), from
//! [`crate::core::compare::Comparison`].

use crate::core::compare::Comparison;
use crate::core::timeline::Span;
use crate::web::view::fmt_ns;
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`CompareSummary`].
#[derive(Properties, Clone)]
pub struct CompareSummaryProps {
    pub comparison: Rc<Comparison>,
    /// The clock's virtual time, ns (the timeline's cursor).
    pub cursor_t: u64,
}

impl PartialEq for CompareSummaryProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.comparison, &o.comparison) && self.cursor_t == o.cursor_t
    }
}

/// Most rectangles drawn per lane and P: spans closer than a pixel are drawn as one.
const MAX_RECTS: usize = 400;
const W: f64 = 1_000.0;

fn signed(d: i64, ns: bool) -> String {
    let v = if ns { fmt_ns(d.unsigned_abs()) } else { d.unsigned_abs().to_string() };
    match d.signum() {
        0 => "0".into(),
        1 => format!("+{v}"),
        _ => format!("−{v}"),
    }
}

/// The spans as at most [`MAX_RECTS`] `(x, width)` rectangles on a `t_max` scale.
fn rects(spans: &[Span], t_max: u64) -> Vec<(f64, f64)> {
    let scale = W / t_max.max(1) as f64;
    let gap = (t_max / MAX_RECTS as u64).max(1);
    let mut out: Vec<(u64, u64)> = Vec::new();
    for s in spans {
        match out.last_mut() {
            Some(r) if s.start <= r.1 + gap => r.1 = r.1.max(s.end),
            _ => out.push((s.start, s.end)),
        }
    }
    out.into_iter().map(|(a, b)| (a as f64 * scale, ((b - a) as f64 * scale).max(0.5))).collect()
}

#[function_component(CompareSummary)]
pub fn compare_summary(props: &CompareSummaryProps) -> Html {
    let c = &props.comparison;
    let d = c.delta();
    let row = |name: &str, a: String, b: String, delta: String| {
        html! { <tr><th scope="row">{ name.to_string() }</th><td>{ a }</td><td>{ b }</td><td>{ delta }</td></tr> }
    };
    let merged = c.merged_timeline();
    let t_max = c.timeline_a.end.max(c.timeline_b.end);
    let scale = W / t_max.max(1) as f64;
    let cursor = props.cursor_t.min(t_max) as f64 * scale;
    let h = 10.0;
    let height = merged.len() as f64 * (2.0 * h + 4.0);
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
            <svg class="merged-timeline" data-testid="merged-timeline" viewBox={format!("0 0 {W} {}", height.max(1.0))}
                preserveAspectRatio="none" role="img"
                aria-label={format!("Per-P timeline of both runs, {} Ps, up to {}", merged.len(), fmt_ns(t_max))}>
                { for merged.iter().enumerate().map(|(i, (a, b))| {
                    let y = i as f64 * (2.0 * h + 4.0);
                    html! {
                        <g data-merged-p={i.to_string()}>
                            { for rects(a, t_max).into_iter().map(|(x, w)| html! { <rect class="lane-a" x={x.to_string()} y={y.to_string()} width={w.to_string()} height={h.to_string()} /> }) }
                            { for rects(b, t_max).into_iter().map(|(x, w)| html! { <rect class="lane-b" x={x.to_string()} y={(y + h).to_string()} width={w.to_string()} height={h.to_string()} /> }) }
                        </g>
                    }
                }) }
                <line class="cursor" x1={cursor.to_string()} x2={cursor.to_string()} y1="0" y2={height.to_string()} />
            </svg>
        </section>
    }
}
