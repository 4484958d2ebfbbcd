//! One P: its status, its M, the goroutine running, runnext, the local queue and schedtick.

use super::chip_list::{chip_list, Chips};
use super::g_chip::{g_chip, GChipProps};
use crate::core::ids::GId;
use crate::core::sim::{Activity, GStatus, PState};
use crate::web::driver::Moves;
use std::rc::Rc;
use super::memo::{memo_keyed, Part};
use yew::prelude::*;

/// What [`p_card`] shows (a [`Part`]: drawn again only when it changed).
#[derive(PartialEq, Clone)]
pub struct PCardProps {
    pub p: PState,
    /// What the P is doing ([`crate::core::sim::SimState::p_activity`]).
    pub activity: Activity,
    pub moves: Rc<Moves>,
    pub selected: Option<GId>,
    pub on_select: Callback<GId>,
    /// Put before the board's landmark labels (`Lane B: `) when two boards share the page.
    pub scope: AttrValue,
}

/// Most goroutine ids a `data-runq` attribute lists.
pub const RUNQ_ATTR_MAX: usize = 4_096;

/// The goroutine ids of a queue as a `data-runq` attribute (`3,17,4`), the first
/// [`RUNQ_ATTR_MAX`] of them (a global queue can hold hundreds of thousands; `data-len` says how
/// many it holds).
pub(super) fn id_list(ids: &[GId]) -> String {
    use std::fmt::Write;
    let ids = &ids[..ids.len().min(RUNQ_ATTR_MAX)];
    let mut s = String::with_capacity(ids.len() * 7);
    for (i, g) in ids.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        let _ = write!(s, "{}", g.0);
    }
    s
}

impl Part for PCardProps {
    fn view(&self) -> Html {
        let props = self;
        let p = &props.p;
        let handed_from = props.moves.ps.get(&p.id);
        let g_status = if matches!(props.activity, Activity::Syscall(_)) { GStatus::Syscall } else { GStatus::Running };
        let timers = p.timers.len();
        html! {
            <section
                class={classes!("pcard", format!("p-{}", p.status), handed_from.is_some().then_some("moved"))}
                data-p={p.id.0.to_string()}
                data-status={p.status.as_str()}
                data-m={p.m.map(|m| m.0.to_string()).unwrap_or_default()}
                data-g={p.g.map(|g| g.0.to_string()).unwrap_or_default()}
                data-runnext={p.runnext.map(|g| g.0.to_string()).unwrap_or_default()}
                data-runq={id_list(&p.runq)}
                aria-label={format!("{}{}, {}", props.scope, p.id, p.status)}
            >
                <header>
                    <h3>{ p.id.to_string() }</h3>
                    <span class={classes!("badge", format!("st-{}", p.status))}>{ p.status.as_str() }</span>
                    <span class="m-of-p">
                        { match p.m { Some(m) => format!("on {m}"), None => "no M".into() } }
                        if let Some(from) = handed_from {
                            <span class="from">{ format!(" ← {}", from.map(|m| m.to_string()).unwrap_or_else(|| "idle".into())) }</span>
                        }
                    </span>
                </header>
                <dl>
                    <dt>{ "running" }</dt>
                    <dd>{ match p.g {
                        Some(g) => g_chip(GChipProps { id: g, status: g_status, selected: props.selected == Some(g), moved_from: None, note: None, on_select: props.on_select.clone() }),
                        None => html! { <span class="empty">{ "—" }</span> },
                    } }</dd>
                    <dt>{ "runnext" }</dt>
                    <dd>{ match p.runnext {
                        Some(g) => g_chip(GChipProps { id: g, status: GStatus::Runnable, selected: props.selected == Some(g), moved_from: props.moves.gs.get(&g).cloned(), note: None, on_select: props.on_select.clone() }),
                        None => html! { <span class="empty">{ "—" }</span> },
                    } }</dd>
                    <dt>{ format!("local queue ({})", p.runq.len()) }</dt>
                    <dd class="runq">{ chip_list(Chips { ids: &p.runq, total: p.runq.len(), status: GStatus::Runnable, max: 10, notes: None, moves: &props.moves, selected: props.selected, on_select: &props.on_select, empty: "empty" }) }</dd>
                </dl>
                <footer>
                    <span>{ format!("schedtick {}", p.schedtick) }</span>
                    <span>{ format!("syscalltick {}", p.syscalltick) }</span>
                    if timers > 0 { <span>{ format!("{timers} timer{}", if timers == 1 { "" } else { "s" }) }</span> }
                </footer>
            </section>
        }
    }
}

/// The part, keyed by its P, drawn again only when it changed. Not a component of its own: each component type
/// costs its own copy of Yew's lifecycle code in the page's wasm; a [`super::memo::Memo`] does the same.
pub fn p_card(props: PCardProps) -> Html {
    memo_keyed(props.p.id.0.into(), props)
}
