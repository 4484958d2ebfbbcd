//! The movement of the last step drawn over the board: one arrow per source and destination (a
//! steal, an overflow to the global queue, a global batch, a netpoll injection, a syscall's
//! goroutine queued, a P handed from one M to another), labelled with what moved. The arrows are
//! placed after the board is laid out, from where the cards actually are, and placed again when
//! the board changes size. They draw themselves and a dash travels along them, unless the user
//! prefers reduced motion: then they are drawn still.

use crate::web::fixed::Fixed;
use crate::web::driver::{Arrow, Moves, Place};
use gloo_events::EventListener;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use super::memo::{memo_local, Local, LocalPart, WeakLocal};
use yew::prelude::*;

/// What [`move_arrows`] shows (a [`LocalPart`]: its state is the arrows as placed).
#[derive(PartialEq, Clone)]
pub struct MoveArrowsProps {
    pub moves: Rc<Moves>,
    /// The board's element: the arrows' coordinates are relative to it, and the places are
    /// looked up inside it.
    pub root: NodeRef,
}

/// A box on the board, in the board's coordinates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    fn centre(self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }

    /// Where the ray from the centre in direction (dx, dy) leaves the box.
    fn exit(self, dx: f64, dy: f64) -> (f64, f64) {
        let (cx, cy) = self.centre();
        let tx = if dx.abs() > 1e-9 { self.w / 2.0 / dx.abs() } else { f64::INFINITY };
        let ty = if dy.abs() > 1e-9 { self.h / 2.0 / dy.abs() } else { f64::INFINITY };
        let t = tx.min(ty);
        if t.is_finite() {
            (cx + dx * t, cy + dy * t)
        } else {
            (cx, cy)
        }
    }
}

/// One arrow, placed.
#[derive(Clone, Debug, PartialEq)]
pub struct Drawn {
    pub from: String,
    pub to: String,
    pub count: u32,
    /// `goroutines` or `handoff`.
    pub kind: &'static str,
    /// The curve (SVG path data) and the arrowhead (a closed triangle).
    pub d: String,
    pub head: String,
    /// Where the label sits.
    pub lx: f64,
    pub ly: f64,
    pub label: String,
    /// The movement in words.
    pub title: String,
}

/// The curve from box `a` to box `b`: it leaves `a`'s edge and ends at `b`'s, bowing to the left
/// of its direction (so that a move back the other way takes another path). Returns the path, the
/// arrowhead and the label's place.
pub fn curve(a: Rect, b: Rect) -> (String, String, (f64, f64)) {
    let (ax, ay) = a.centre();
    let (bx, by) = b.centre();
    let (dx, dy) = (bx - ax, by - ay);
    let len = (dx * dx + dy * dy).sqrt().max(1.0);
    let (ux, uy) = (dx / len, dy / len);
    let (sx, sy) = a.exit(ux, uy);
    let (ex, ey) = b.exit(-ux, -uy);
    // Boxes that overlap or touch: start and end at the centres' sides instead.
    let ((sx, sy), (ex, ey)) = if (ex - sx) * ux + (ey - sy) * uy < 8.0 { ((ax, ay), (bx, by)) } else { ((sx, sy), (ex, ey)) };
    let seg = ((ex - sx).powi(2) + (ey - sy).powi(2)).sqrt().max(1.0);
    let bow = (seg * 0.2).clamp(12.0, 70.0);
    // Left of the direction of travel.
    let (nx, ny) = (uy, -ux);
    let (mx, my) = ((sx + ex) / 2.0, (sy + ey) / 2.0);
    let (cx, cy) = (mx + nx * bow, my + ny * bow);
    // The arrowhead points along the curve's last tangent (control point → end).
    let (tx, ty) = (ex - cx, ey - cy);
    let tl = (tx * tx + ty * ty).sqrt().max(1.0);
    let (tx, ty) = (tx / tl, ty / tl);
    let (hl, hw) = (11.0, 5.5);
    let (bx0, by0) = (ex - tx * hl, ey - ty * hl);
    let head = format!(
        "M{},{}L{},{}L{},{}Z",
        Fixed(ex, 1),
        Fixed(ey, 1),
        Fixed(bx0 + ty * hw, 1),
        Fixed(by0 - tx * hw, 1),
        Fixed(bx0 - ty * hw, 1),
        Fixed(by0 + tx * hw, 1)
    );
    // The path stops at the arrowhead's base so the line does not poke through its tip.
    let d = format!("M{},{}Q{},{} {},{}", Fixed(sx, 1), Fixed(sy, 1), Fixed(cx, 1), Fixed(cy, 1), Fixed(bx0, 1), Fixed(by0, 1));
    // The curve's middle (t = 1/2).
    let label = (0.25 * sx + 0.5 * cx + 0.25 * ex, 0.25 * sy + 0.5 * cy + 0.25 * ey);
    (d, head, label)
}

fn selector(p: Place) -> String {
    match p {
        Place::P(p) => format!("section[data-p=\"{}\"]", p.0),
        Place::Global => "[data-testid=global-runq]".into(),
        Place::Netpoll => "[data-testid=netpoll]".into(),
        Place::M(m) => format!("li[data-m=\"{}\"]", m.0),
    }
}

fn words(a: &Arrow) -> (String, String) {
    if let Some(p) = a.p {
        return (p.to_string(), format!("{p} handed from {} to {}", a.from.words(), a.to.words()));
    }
    let ids = a.gs.iter().map(|g| g.to_string()).collect::<Vec<_>>().join(", ");
    let label = if a.count == 1 { ids.clone() } else { format!("×{}", a.count) };
    let what = if a.count == 1 {
        ids
    } else if a.count as usize > a.gs.len() {
        format!("{} goroutines ({ids}, ...)", a.count)
    } else {
        format!("{} goroutines ({ids})", a.count)
    };
    (label, format!("{what} moved from {} to {}", a.from.words(), a.to.words()))
}

/// Places every arrow whose two ends are on the board now.
fn measure(root: &web_sys::Element, moves: &Moves) -> Vec<Drawn> {
    if moves.arrows.is_empty() {
        return Vec::new();
    }
    let origin = root.get_bounding_client_rect();
    let rect = |p: Place| -> Option<Rect> {
        let el = root.query_selector(&selector(p)).ok()??;
        let r = el.get_bounding_client_rect();
        (r.width() > 0.0 && r.height() > 0.0).then(|| Rect { x: r.left() - origin.left(), y: r.top() - origin.top(), w: r.width(), h: r.height() })
    };
    moves
        .arrows
        .iter()
        .filter_map(|a| {
            let (ra, rb) = (rect(a.from)?, rect(a.to)?);
            let (d, head, (lx, ly)) = curve(ra, rb);
            let (label, title) = words(a);
            Some(Drawn {
                from: a.from.key(),
                to: a.to.key(),
                count: if a.p.is_some() { 1 } else { a.count },
                kind: if a.p.is_some() { "handoff" } else { "goroutines" },
                d,
                head,
                lx,
                ly,
                label,
                title,
            })
        })
        .collect()
}

/// The movement overlay. Not a component of its own: each component type costs its own copy of
/// Yew's lifecycle code in the page's wasm; a [`super::memo::Memo`] does the same.
pub fn move_arrows(props: MoveArrowsProps) -> Html {
    memo_local(props)
}

/// The overlay's state.
#[derive(Default)]
pub struct Arrows {
    drawn: Rc<Vec<Drawn>>,
    /// Bumped for every new set of moves, so that the same arrow in two steps running animates
    /// again.
    gen: u64,
    /// The moves last placed (compared with each drawing's, as an effect's dependency).
    moves: Option<Rc<Moves>>,
    /// What places the arrows again when the board or the window changes size (from the first
    /// drawing on).
    watch: Option<Watch>,
}

/// The window's resize listener and the board's resize observer; dropping it stops both.
pub struct Watch {
    _resize: EventListener,
    observer: Option<web_sys::ResizeObserver>,
    _report: Closure<dyn FnMut(js_sys::Array)>,
}

impl Drop for Watch {
    fn drop(&mut self) {
        if let Some(o) = &self.observer {
            o.disconnect();
        }
    }
}

impl LocalPart for MoveArrowsProps {
    type State = Arrows;

    fn view(&self, state: &Local<Arrows>) -> Html {
        arrows_view(&state.get())
    }

    fn rendered(&self, state: &Local<Arrows>) {
        let mut st = state.get_mut();
        // Place them again when the board or the window changes size.
        if st.watch.is_none() {
            st.watch = Some(watch(self.root.clone(), state.weak()));
        }
        // Place the arrows after each drawing that brought new moves.
        if st.moves.as_ref() == Some(&self.moves) {
            return;
        }
        st.moves = Some(self.moves.clone());
        let next = self.root.cast::<web_sys::Element>().map(|r| measure(&r, &self.moves)).unwrap_or_default();
        if !(next.is_empty() && st.drawn.is_empty()) {
            drop(st);
            state.set(|s| {
                s.gen += 1;
                s.drawn = Rc::new(next);
            });
        }
    }
}

/// Places the arrows again whenever the window is resized or the board changes size.
fn watch(root: NodeRef, arrows: WeakLocal<Arrows>) -> Watch {
    let last: Rc<RefCell<Option<(f64, f64)>>> = Rc::new(RefCell::new(None));
    let replace = {
        let root = root.clone();
        Rc::new(move || {
            let Some(r) = root.cast::<web_sys::Element>() else { return };
            let Some(arrows) = arrows.upgrade() else { return };
            let Some(moves) = arrows.get().moves.clone() else { return };
            if moves.arrows.is_empty() {
                return;
            }
            arrows.set(|s| s.drawn = Rc::new(measure(&r, &moves)));
        })
    };
    let resize = {
        let replace = replace.clone();
        EventListener::new(&web_sys::window().expect("a window"), "resize", move |_| replace())
    };
    let report = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
        let Some(e) = entries.get(0).dyn_into::<web_sys::ResizeObserverEntry>().ok() else { return };
        let r = e.content_rect();
        let size = (r.width(), r.height());
        // The first report is the size at observation: nothing moved yet.
        let prev = last.borrow_mut().replace(size);
        if prev.is_some_and(|p| p != size) {
            replace();
        }
    });
    let observer = web_sys::ResizeObserver::new(report.as_ref().unchecked_ref()).ok();
    if let (Some(o), Some(el)) = (&observer, root.cast::<web_sys::Element>()) {
        o.observe(&el);
    }
    Watch { _resize: resize, observer, _report: report }
}

fn arrows_view(st: &Arrows) -> Html {
    let drawn = &st.drawn;
    if drawn.is_empty() {
        return html! {};
    }
    let g = st.gen;
    let summary = drawn.iter().map(|d| d.title.clone()).collect::<Vec<_>>().join("; ");
    html! {
        <svg class="move-arrows" data-testid="move-arrows" role="img" aria-label={format!("Movement in the last step: {summary}.")}>
            { for drawn.iter().map(|d| html! {
                <g key={format!("{g}-{}-{}", d.from, d.to)} class={classes!("move-arrow", format!("mv-{}", d.kind))}
                    data-move-from={d.from.clone()} data-move-to={d.to.clone()} data-count={d.count.to_string()}>
                    <title>{ d.title.clone() }</title>
                    <path class="mv-line" d={d.d.clone()} pathLength="100" />
                    <path class="mv-dash" d={d.d.clone()} pathLength="100" />
                    <path class="mv-head" d={d.head.clone()} />
                    <text class="mv-label" x={Fixed(d.lx, 1).to_string()} y={Fixed(d.ly, 1).to_string()}>{ d.label.clone() }</text>
                </g>
            }) }
        </svg>
    }
}
