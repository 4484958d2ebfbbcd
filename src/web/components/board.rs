//! The board: every P, the global run queue, the threads and the waiting goroutines, with the
//! last step's movement drawn over them.
//!
//! While playing, parts of the board scrolled out of view (P cards, the waiting goroutines) keep
//! the props they last had, so they are not rendered again every frame; they catch up as soon as
//! they scroll into view or the run pauses (see [`crate::web::seen`]).

use super::chip_list::{chip_list, Chips};
use super::m_list::MList;
use super::move_arrows::{move_arrows, MoveArrowsProps};
use super::p_card::{p_card, PCardProps};
use super::waiting::{waiting, WaitingProps};
use crate::core::ids::GId;
use crate::core::sim::{Activity, GStatus, PState, SimState};
use crate::web::driver::Moves;
use crate::web::seen::{out_of_view, use_seen};
use litemap::LiteMap;
use std::rc::Rc;
use yew::prelude::*;

/// Ps drawn before "show all" is pressed.
pub const MAX_PS: usize = 128;

/// Props of [`Board`].
#[derive(Properties, PartialEq, Clone)]
pub struct BoardProps {
    pub state: Rc<SimState>,
    pub moves: Rc<Moves>,
    pub selected: Option<GId>,
    pub on_select: Callback<GId>,
    /// The run is playing: parts out of view may wait.
    #[prop_or_default]
    pub playing: bool,
    /// Put before the board's landmark labels (`Lane B: `) when two boards share the page.
    #[prop_or_default]
    pub scope: AttrValue,
}

/// The props a P card was last rendered with.
type CardProps = (PState, Activity, Rc<Moves>);

#[function_component(Board)]
pub fn board(props: &BoardProps) -> Html {
    let show_all = use_state(|| false);
    let root = use_node_ref();
    let cards = use_mut_ref(LiteMap::<u32, CardProps>::new);
    let lower = use_mut_ref(|| (props.state.clone(), props.moves.clone()));
    let st = &props.state;
    let shown = if *show_all { st.ps.len() } else { st.ps.len().min(MAX_PS) };
    let seen_ps = use_seen(root.clone(), "section[data-p]", "data-p", "300px 0px", shown);
    let seen_lower = use_seen(root.clone(), "[data-lower]", "data-lower", "300px 0px", 0);

    let global = st.global.iter().take(24).copied().collect::<Vec<GId>>();
    let toggle = {
        let show_all = show_all.clone();
        Callback::from(move |_: MouseEvent| show_all.set(!*show_all))
    };
    let mut cards = cards.borrow_mut();
    let card = |p: &PState| -> CardProps {
        let fresh = || (p.clone(), st.p_activity(p), props.moves.clone());
        let waits = props.playing && out_of_view(&seen_ps, p.id.0);
        match cards.get(&p.id.0) {
            Some(c) if waits => c.clone(),
            _ => {
                let c = fresh();
                cards.insert(p.id.0, c.clone());
                c
            }
        }
    };
    let rendered: Vec<CardProps> = st.ps.iter().take(shown).map(card).collect();
    let (lower_state, lower_moves) = {
        let mut l = lower.borrow_mut();
        if !(props.playing && out_of_view(&seen_lower, 0)) {
            *l = (props.state.clone(), props.moves.clone());
        }
        l.clone()
    };
    html! {
        <div class="board" ref={root.clone()}>
            // The board's own heading (for the outline: its parts are h3s under it).
            <h2 class="sr-only">{ format!("{}The board", props.scope) }</h2>
            <section class="globalq" data-testid="global-runq"
                data-runq={st.global.iter().map(|g| g.0.to_string()).collect::<Vec<_>>().join(",")}
                aria-label={format!("{}Global run queue", props.scope)}>
                <h3>{ format!("Global run queue ({})", st.global.len()) }</h3>
                { chip_list(Chips { ids: &global, total: st.global.len(), status: GStatus::Runnable, max: 24, notes: None, moves: &props.moves,
                    selected: props.selected, on_select: &props.on_select, empty: "empty" }) }
            </section>
            // The Ms come before the Ps: `[data-m="N"]` then finds M N's row before any P card
            // whose data-m is N.
            <MList state={props.state.clone()} selected={props.selected} on_select={props.on_select.clone()} playing={props.playing} scope={props.scope.clone()} />
            <div class="pgrid" role="group" aria-label={format!("{}Processors (Ps)", props.scope)}>
                { for rendered.into_iter().map(|(p, activity, moves)| {
                    p_card(PCardProps { p, activity, moves, selected: props.selected, on_select: props.on_select.clone(), scope: props.scope.clone() })
                }) }
            </div>
            if st.ps.len() > MAX_PS {
                <button type="button" class="link" onclick={toggle}>
                    { if *show_all { "Show fewer Ps".to_string() } else { format!("Show all {} Ps", st.ps.len()) } }
                </button>
            }
            <div class="board-lower" data-lower="0">
                { waiting(WaitingProps { state: lower_state, moves: lower_moves, selected: props.selected, on_select: props.on_select.clone(), scope: props.scope.clone() }) }
            </div>
            { move_arrows(MoveArrowsProps { moves: props.moves.clone(), root }) }
        </div>
    }
}
