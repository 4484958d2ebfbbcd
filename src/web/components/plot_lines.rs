//! The lines of a [line plot](super::line_plot::line_plot): redrawn only when the plotted data
//! changes (a few times a second while playing), not when the cursor moves.

use super::line_plot::colour;
use crate::web::view::Series;
use std::rc::Rc;
use super::memo::{memo, Part};
use yew::prelude::*;

/// Most points drawn over all the lines of one plot.
const POINT_BUDGET: usize = 12_000;

/// What [`plot_lines`] shows (a [`Part`]: drawn again only when it changed).
#[derive(Clone)]
pub struct PlotLinesProps {
    pub series: Rc<Vec<Series>>,
    /// Height of the plot's coordinate system.
    pub h: f64,
}

impl PartialEq for PlotLinesProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.series, &o.series) && self.h == o.h
    }
}

impl Part for PlotLinesProps {
    fn view(&self) -> Html {
        let props = self;
        let h = props.h;
        let max = props.series.iter().map(|s| s.max).max().unwrap_or(0).max(1) as f64;
        let n = props.series.len();
        let per = (POINT_BUDGET / n.max(1)).max(60);
        let y = |v: f64| h - v / max * (h - 4.0) - 2.0;
        html! {
            <g>
                { for props.series.iter().enumerate().rev().map(|(i, s)| {
                    let pts = s.step_line(per, y);
                    html! { <polyline points={pts} fill="none" stroke={colour(i, n)} stroke-width={if i == 0 { "2" } else { "1.2" }} vector-effect="non-scaling-stroke" /> }
                }) }
            </g>
        }
    }
}

/// The part, drawn again only when it changed. Not a component of its own: each component type
/// costs its own copy of Yew's lifecycle code in the page's wasm; a [`super::memo::Memo`] does the same.
pub fn plot_lines(props: PlotLinesProps) -> Html {
    memo(props)
}
