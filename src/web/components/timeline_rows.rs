//! The visible rows of the [timeline](super::timeline::timeline): one SVG per P with one path
//! per kind of bar (so a row is a dozen nodes however many stretches it has), redrawn only when
//! the data or the scrolled window changes.

use crate::web::fixed::Fixed;
use crate::core::shortest::Shortest;
use crate::web::record::Lane;
use crate::web::view::{Bar, PLOT_W};
use std::fmt::Write;
use std::rc::Rc;
use super::memo::{memo, Part};
use yew::prelude::*;

/// Height of a row, px.
pub const ROW: i32 = 20;
/// Colours of running goroutines (by id), as in `go tool trace`.
const HUES: u32 = 12;

/// What [`timeline_rows`] shows (a [`Part`]: drawn again only when it changed).
#[derive(Clone)]
pub struct TimelineRowsProps {
    pub lanes: Rc<Vec<Vec<Bar>>>,
    /// First and one-past-last row drawn.
    pub lo: usize,
    pub hi: usize,
    pub t_max: u64,
    pub on_seek_t: Callback<u64>,
}

impl PartialEq for TimelineRowsProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.lanes, &o.lanes) && self.lo == o.lo && self.hi == o.hi && self.t_max == o.t_max && self.on_seek_t == o.on_seek_t
    }
}

fn row(bars: &[Bar]) -> Html {
    // Paths: HUES running colours, then syscall, destroyed, mixed.
    let mut d: Vec<String> = vec![String::new(); HUES as usize + 3];
    for b in bars {
        let w = (b.x1 - b.x0).max(0.6);
        let k = if b.mixed {
            HUES as usize + 2
        } else {
            match b.lane {
                Lane::Run(g) => (g.0 % HUES) as usize,
                Lane::Syscall(_) => HUES as usize,
                Lane::Dead => HUES as usize + 1,
                Lane::Idle => continue,
            }
        };
        let _ = write!(d[k], "M{} 1h{w}v16h-{w}z", Fixed(b.x0, 1), w = Fixed(w, 1));
    }
    d.into_iter()
        .enumerate()
        .filter(|(_, p)| !p.is_empty())
        .map(|(k, p)| {
            let (class, style) = match k as u32 {
                k if k < HUES => ("run", format!("fill:hsl({} 55% 50%)", k * 360 / HUES)),
                k if k == HUES => ("sys", String::new()),
                k if k == HUES + 1 => ("dead", String::new()),
                _ => ("mixed", String::new()),
            };
            html! { <path class={class} style={style} d={p} /> }
        })
        .collect()
}

impl Part for TimelineRowsProps {
    fn view(&self) -> Html {
        let props = self;
        let t_max = props.t_max.max(1);
        let seek = super::line_plot::seek_on_click(&props.on_seek_t, t_max);
        html! {
            <>
                { for (props.lo..props.hi).map(|p| html! {
                    <div class="tl-row" key={p} style={format!("top:{}px", p as i32 * ROW)} data-lane={p.to_string()}>
                        <span class="tl-label">{ format!("P{p}") }</span>
                        <svg viewBox={format!("0 0 {} 18", Shortest(PLOT_W))} preserveAspectRatio="none" onclick={seek.clone()}
                            role="img" aria-label={format!("P{p}'s timeline; click to jump to a time")}>
                            { row(&props.lanes[p]) }
                        </svg>
                    </div>
                }) }
            </>
        }
    }
}

/// The part, drawn again only when it changed. Not a component of its own: each component type
/// costs its own copy of Yew's lifecycle code in the page's wasm; a [`super::memo::Memo`] does the same.
pub fn timeline_rows(props: TimelineRowsProps) -> Html {
    memo(props)
}
