//! The compare view's merged per-P timeline: for each P, lane A's spans of running above lane
//! B's, on one time scale. Drawn once per comparison (its props are the comparison only); the
//! cursor is drawn over it by [`super::compare_summary`].

use crate::core::compare::Comparison;
use crate::core::timeline::Span;
use crate::core::shortest::Shortest;
use crate::web::view::fmt_ns;
use std::rc::Rc;
use super::memo::{memo, Part};
use yew::prelude::*;

/// Width of the timeline's coordinate system (SVG user units).
pub const W: f64 = 1_000.0;
/// Most rectangles drawn per lane and P: spans closer than this fraction of the run are drawn
/// as one.
const MAX_RECTS: usize = 250;

/// What [`merged_timeline`] shows (a [`Part`]: drawn again only when it changed).
#[derive(Clone)]
pub struct MergedTimelineProps {
    pub comparison: Rc<Comparison>,
}

impl PartialEq for MergedTimelineProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.comparison, &o.comparison)
    }
}

/// The spans as at most about [`MAX_RECTS`] `(x, width)` rectangles on a `t_max` scale.
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

impl Part for MergedTimelineProps {
    fn view(&self) -> Html {
        let props = self;
        let c = &props.comparison;
        let merged = c.merged_timeline();
        let t_max = c.timeline_a.end.max(c.timeline_b.end);
        let h = 10.0;
        let height = merged.len() as f64 * (2.0 * h + 4.0);
        html! {
            <svg class="merged-timeline" data-testid="merged-timeline" viewBox={format!("0 0 {} {}", Shortest(W), Shortest(height.max(1.0)))}
                preserveAspectRatio="none" role="img"
                aria-label={format!("Per-P timeline of both runs, {} Ps, up to {}", merged.len(), fmt_ns(t_max))}>
                { for merged.iter().enumerate().map(|(i, (a, b))| {
                    let y = i as f64 * (2.0 * h + 4.0);
                    html! {
                        <g data-merged-p={i.to_string()}>
                            { for rects(a, t_max).into_iter().map(|(x, w)| html! { <rect class="lane-a" x={Shortest(x).to_string()} y={Shortest(y).to_string()} width={Shortest(w).to_string()} height={Shortest(h).to_string()} /> }) }
                            { for rects(b, t_max).into_iter().map(|(x, w)| html! { <rect class="lane-b" x={Shortest(x).to_string()} y={Shortest(y + h).to_string()} width={Shortest(w).to_string()} height={Shortest(h).to_string()} /> }) }
                        </g>
                    }
                }) }
            </svg>
        }
    }
}

/// The part, drawn again only when it changed. Not a component of its own: each component type
/// costs its own copy of Yew's lifecycle code in the page's wasm; a [`super::memo::Memo`] does the same.
pub fn merged_timeline(props: MergedTimelineProps) -> Html {
    memo(props)
}
