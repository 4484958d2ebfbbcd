//! Goroutines that are not the scheduler's concern until they become runnable: on the network
//! poller, asleep on a timer, blocked on a channel or a WaitGroup.

use super::chip_list::{chip_list, Chips};
use crate::core::ids::GId;
use crate::core::sim::{GStatus, SimState};
use crate::web::driver::Moves;
use crate::web::view::short_ns;
use std::rc::Rc;
use super::memo::{memo, Part};
use yew::prelude::*;

/// What [`waiting`] shows (a [`Part`]: drawn again only when it changed).
#[derive(PartialEq, Clone)]
pub struct WaitingProps {
    pub state: Rc<SimState>,
    pub moves: Rc<Moves>,
    pub selected: Option<GId>,
    pub on_select: Callback<GId>,
    /// Put before the board's landmark labels (`Lane B: `) when two boards share the page.
    pub scope: AttrValue,
}

impl Part for WaitingProps {
    fn view(&self) -> Html {
        let props = self;
        let st = &props.state;
        let t = st.t;
        // Only the first few of a long list become chips; the rest are counted.
        const MAX: usize = 16;
        let list = |ids: &[GId], total: usize, notes: Option<&[String]>, empty: &'static str| {
            chip_list(Chips { ids, total, notes, status: GStatus::Waiting, max: MAX, moves: &props.moves, selected: props.selected, on_select: &props.on_select, empty })
        };
        let net_ids: Vec<GId> = st.netpoll.iter().take(MAX).map(|n| n.g).collect();
        let net_notes: Vec<String> = st
            .netpoll
            .iter()
            .take(MAX)
            .map(|n| if n.ready { "ready".into() } else { format!("in {}", short_ns(n.ready_at.saturating_sub(t))) })
            .collect();
        // `(when, id)` pairs: the page's one sort (`sort_unstable` of `(u64, u32)`).
        let mut timers: Vec<(u64, u32)> = st.ps.iter().flat_map(|p| p.timers.iter().map(|&(g, when)| (when, g.0))).collect();
        let n_timers = timers.len();
        timers.sort_unstable();
        timers.truncate(MAX);
        let sleep_ids: Vec<GId> = timers.iter().map(|x| GId(x.1)).collect();
        let sleep_notes: Vec<String> = timers.iter().map(|x| format!("in {}", short_ns(x.0.saturating_sub(t)))).collect();
        html! {
            <section class="waiting" aria-label={format!("{}Waiting goroutines", props.scope)}>
                <div class="wbox" data-testid="netpoll" data-count={st.netpoll.len().to_string()}>
                    <h3>{ "Network poller" }
                        <span class="sub">{ match st.poller { Some(m) => format!(" · {m} blocked in netpoll"), None => String::new() } }</span>
                    </h3>
                    { list(&net_ids, st.netpoll.len(), Some(&net_notes), "no goroutine waits on the network") }
                </div>
                <div class="wbox" data-testid="sleepers">
                    <h3>{ "Sleeping (timers)" }</h3>
                    { list(&sleep_ids, n_timers, Some(&sleep_notes), "no timer") }
                </div>
                { for st.chans.iter().map(|c| html! {
                    <div class="wbox chan" data-chan={c.name.clone()}>
                        <h3>{ format!("chan {}", c.name) }
                            <span class="sub">{ format!(" · {}/{}{}", c.len, c.cap, if c.closed { " · closed" } else { "" }) }</span>
                        </h3>
                        <div class="q"><span class="qlabel">{ "receivers" }</span>{ list(&c.recvq, c.recvq.len(), None, "none") }</div>
                        <div class="q"><span class="qlabel">{ "senders" }</span>{ list(&c.sendq, c.sendq.len(), None, "none") }</div>
                    </div>
                }) }
                { for st.wgs.iter().map(|w| html! {
                    <div class="wbox wg" data-wg={w.name.clone()}>
                        <h3>{ format!("WaitGroup {}", w.name) }<span class="sub">{ format!(" · counter {}", w.counter) }</span></h3>
                        { list(&w.waiters, w.waiters.len(), None, "no waiter") }
                    </div>
                }) }
            </section>
        }
    }
}

/// The part, drawn again only when it changed. Not a component of its own: each component type
/// costs its own copy of Yew's lifecycle code in the page's wasm; a [`super::memo::Memo`] does the same.
pub fn waiting(props: WaitingProps) -> Html {
    memo(props)
}
