//! A line plot over virtual time (queue lengths, threads), with a cursor at the current step;
//! clicking it jumps to that time.

use crate::web::fixed::Fixed;
use crate::core::shortest::Shortest;
use super::plot_lines::{plot_lines, PlotLinesProps};
use crate::web::view::{short_ns, Series, PLOT_W};
use std::rc::Rc;
use super::memo::{memo, Part};
use yew::prelude::*;

/// Height of the plot's coordinate system.
const H: f64 = 100.0;

/// What [`line_plot`] shows (a [`Part`]: drawn again only when it changed).
#[derive(PartialEq, Clone)]
pub struct LinePlotProps {
    pub title: &'static str,
    pub testid: &'static str,
    pub series: Rc<Vec<Series>>,
    pub t_max: u64,
    pub cursor_t: u64,
    pub on_seek_t: Callback<u64>,
    /// Clicking jumps to a time (not in threads mode).
    pub seekable: bool,
}

/// A colour for series `i` of `n` (the first is the strongest).
pub fn colour(i: usize, n: usize) -> String {
    if i == 0 {
        return "var(--fg)".into();
    }
    let hue = (i - 1) as f64 * 360.0 / (n.max(2) - 1) as f64;
    format!("hsl({} 70% 50%)", Fixed(hue, 0))
}

/// A click on an element spanning times 0 to `t_max` left to right: emits the time clicked.
pub fn seek_on_click(on_seek_t: &Callback<u64>, t_max: u64) -> Callback<MouseEvent> {
    let cb = on_seek_t.clone();
    Callback::from(move |e: MouseEvent| {
        if let Some(el) = e.current_target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok()) {
            let r = el.get_bounding_client_rect();
            let f = ((e.client_x() as f64 - r.left()) / r.width().max(1.0)).clamp(0.0, 1.0);
            cb.emit((f * t_max as f64) as u64)
        }
    })
}

/// The plot, drawn again only when it changed. Not a component of its own: each component
/// type costs its own copy of Yew's lifecycle code in the page's wasm; a [`super::memo::Memo`]
/// does the same.
pub fn line_plot(props: LinePlotProps) -> Html {
    memo(props)
}

impl Part for LinePlotProps {
    fn view(&self) -> Html {
        line_plot_view(self)
    }
}

fn line_plot_view(props: &LinePlotProps) -> Html {
    let max = props.series.iter().map(|s| s.max).max().unwrap_or(0).max(1) as f64;
    let n = props.series.len();
    let t_max = props.t_max.max(1);
    let onclick = seek_on_click(&props.on_seek_t, t_max);
    let cx = props.cursor_t.min(t_max) as f64 / t_max as f64 * PLOT_W;
    html! {
        <figure class="plot" data-testid={props.testid}>
            <figcaption>{ props.title }<span class="sub">{ format!(" · max {} · over {}", max as u32, short_ns(props.t_max)) }</span></figcaption>
            <div class="plot-area">
            <svg viewBox={format!("0 0 {} {}", Shortest(PLOT_W), Shortest(H))} preserveAspectRatio="none" role="img"
                aria-label={if props.seekable { format!("{}; click to jump to a time", props.title) } else { props.title.to_string() }}
                onclick={props.seekable.then_some(onclick)}>
                <rect class="plot-bg" x="0" y="0" width={Shortest(PLOT_W).to_string()} height={Shortest(H).to_string()} />
                { plot_lines(PlotLinesProps { series: props.series.clone(), h: H }) }
            </svg>
            <div class="plot-cursor" style={format!("left:{}%", Fixed(cx / PLOT_W * 100.0, 3))} aria-hidden="true"></div>
            </div>
            <ul class="legend">
                { for props.series.iter().enumerate().take(17).map(|(i, s)| html! {
                    <li><span class="swatch" style={format!("background:{}", colour(i, n))}></span>{ s.name.clone() }</li>
                }) }
                if n > 17 { <li>{ format!("+{} more", n - 17) }</li> }
            </ul>
        </figure>
    }
}
