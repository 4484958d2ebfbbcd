//! The threads (Ms): running, spinning, in a syscall, parked, with the P and goroutine they hold.
//! While the run plays, rows scrolled out of the list's view keep their last rendering.

use super::g_chip::{g_chip, GChipProps};
use crate::core::ids::GId;
use crate::core::sim::{Activity, GStatus, MStateView, MStatus, SimState};
use crate::web::seen::{out_of_view, Watcher};
use super::memo::{memo_local, Local, LocalPart};
use litemap::LiteMap;
use std::rc::Rc;
use yew::prelude::*;

/// Most Ms listed (the rest are counted).
pub const MAX_MS: usize = 200;

/// What [`m_list`] shows (a [`LocalPart`]: its state is the rows as last rendered and the
/// watcher of what is in view).
#[derive(PartialEq, Clone)]
pub struct MListProps {
    pub state: Rc<SimState>,
    pub selected: Option<GId>,
    pub on_select: Callback<GId>,
    /// The run is playing: rows out of view may wait.
    pub playing: bool,
    /// Put before the board's landmark labels (`Lane B: `) when two boards share the page.
    pub scope: AttrValue,
}

/// What a user calls what an M is doing.
pub fn m_words(m: &MStateView) -> &'static str {
    match m.activity() {
        Activity::Idle => "parked",
        a if a.spinning() => "spinning",
        Activity::Syscall(_) => "in syscall",
        Activity::Netpoll => "in netpoll",
        Activity::Locked => "locked, waiting",
        Activity::Run(_) => "running",
        Activity::Scheduling | Activity::Spinning => "scheduling",
        Activity::Waking { .. } => "waking",
        Activity::Sysmon => "sysmon",
        Activity::Dead => "dead",
    }
}

/// The threads. Not a component of its own: each component type costs its own copy of Yew's
/// lifecycle code in the page's wasm; a [`super::memo::Memo`] does the same.
pub fn m_list(props: MListProps) -> Html {
    memo_local(props)
}

/// The threads' state.
#[derive(Default)]
pub struct MRows {
    list: NodeRef,
    seen: Watcher,
    /// Each row as last rendered: (the M, whether it is the poller).
    rows: LiteMap<u32, (MStateView, bool)>,
}

impl MListProps {
    /// The Ms that have not exited.
    fn live(&self) -> Vec<&MStateView> {
        self.state.ms.iter().filter(|m| m.status != MStatus::Dead).collect()
    }
}

impl LocalPart for MListProps {
    type State = MRows;

    fn view(&self, state: &Local<MRows>) -> Html {
        m_list_view(self, &mut state.get_mut())
    }

    fn rendered(&self, state: &Local<MRows>) {
        let mut st = state.get_mut();
        let st = &mut *st;
        st.seen.rendered(&st.list, "li[data-m]", "data-m", "40px 0px", self.live().len().min(MAX_MS), state.redraw());
    }
}

fn m_list_view(props: &MListProps, st: &mut MRows) -> Html {
    let live = props.live();
    let dead = props.state.ms.len() - live.len();
    let rest = live.len().saturating_sub(MAX_MS);
    let (list, seen, rows) = (st.list.clone(), st.seen.seen(), &mut st.rows);
    let shown: Vec<(MStateView, bool)> = live
        .iter()
        .take(MAX_MS)
        .map(|m| match rows.get(&m.id.0) {
            Some(r) if props.playing && out_of_view(seen, m.id.0) => r.clone(),
            _ => {
                let r = ((*m).clone(), props.state.poller == Some(m.id));
                rows.insert(m.id.0, r.clone());
                r
            }
        })
        .collect();
    html! {
        <section class="mlist" aria-label={format!("{}Threads (Ms)", props.scope)}>
            <h3>{ format!("Threads (Ms): {}", live.len()) }</h3>
            <ul ref={list}>
                { for shown.iter().map(|(m, poller)| {
                    let words = m_words(m);
                    html! {
                        <li key={m.id.0}
                            class={classes!("mrow", format!("m-{}", m.status), m.spinning.then_some("spinning"))}
                            data-m={m.id.0.to_string()}
                            data-status={m.status.as_str()}
                            data-spinning={m.spinning.to_string()}
                            data-holds-p={m.p.map(|p| p.0.to_string()).unwrap_or_default()}>
                            <span class="mid">{ m.id.to_string() }</span>
                            <span class="mst">{ words }</span>
                            if let Some(p) = m.p { <span class="mp">{ p.to_string() }</span> }
                            if let Some(g) = m.g {
                                { g_chip(GChipProps { id: g, status: if matches!(m.activity(), Activity::Syscall(_)) { GStatus::Syscall } else { GStatus::Running }, selected: props.selected == Some(g), moved_from: None, note: None, on_select: props.on_select.clone() }) }
                            }
                            if let Some(g) = m.lockedg { <span class="note">{ format!("locked to {g}") }</span> }
                            if *poller { <span class="note">{ "poller" }</span> }
                        </li>
                    }
                }) }
            </ul>
            if rest > 0 { <p class="more">{ format!("+{rest} more threads") }</p> }
            if dead > 0 { <p class="more">{ format!("{dead} exited") }</p> }
        </section>
    }
}
