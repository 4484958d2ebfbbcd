//! The board: every P, the global run queue, the threads and the waiting goroutines, with the
//! last step's movement drawn over them.
//!
//! While playing, parts of the board scrolled out of view (P cards, the waiting goroutines) keep
//! the props they last had, so they are not rendered again every frame; they catch up as soon as
//! they scroll into view or the run pauses (see [`crate::web::seen`]).

use super::chip_list::{chip_list, Chips};
use super::m_list::{m_list, MListProps};
use super::memo::{memo_local, Local, LocalPart};
use super::move_arrows::{move_arrows, MoveArrowsProps};
use super::p_card::{id_list, p_card, PCardProps};
use super::waiting::{waiting, WaitingProps};
use crate::core::ids::GId;
use crate::core::sim::{Activity, GStatus, PState, SimState};
use crate::web::driver::Moves;
use crate::web::seen::{out_of_view, Watcher};
use litemap::LiteMap;
use std::rc::Rc;
use yew::prelude::*;

/// Ps drawn before "show all" is pressed.
pub const MAX_PS: usize = 128;

/// What [`board`] shows (a [`LocalPart`]: its state is what it last rendered and the watchers
/// of what is in view).
#[derive(PartialEq, Clone)]
pub struct BoardProps {
    pub state: Rc<SimState>,
    pub moves: Rc<Moves>,
    pub selected: Option<GId>,
    pub on_select: Callback<GId>,
    /// The run is playing: parts out of view may wait.
    pub playing: bool,
    /// Put before the board's landmark labels (`Lane B: `) when two boards share the page.
    pub scope: AttrValue,
}

/// The props a P card was last rendered with.
type CardProps = (PState, Activity, Rc<Moves>);

/// The board. Not a component of its own: each component type costs its own copy of Yew's
/// lifecycle code in the page's wasm; a [`super::memo::Memo`] does the same.
pub fn board(props: BoardProps) -> Html {
    memo_local(props)
}

/// The board's state.
#[derive(Default)]
pub struct BoardState {
    show_all: bool,
    root: NodeRef,
    /// Each P card as last rendered.
    cards: LiteMap<u32, CardProps>,
    /// The waiting goroutines' state and moves as last rendered.
    lower: Option<(Rc<SimState>, Rc<Moves>)>,
    seen_ps: Watcher,
    seen_lower: Watcher,
}

impl BoardProps {
    /// The Ps drawn.
    fn shown(&self, show_all: bool) -> usize {
        if show_all { self.state.ps.len() } else { self.state.ps.len().min(MAX_PS) }
    }
}

impl LocalPart for BoardProps {
    type State = BoardState;

    fn view(&self, state: &Local<BoardState>) -> Html {
        board_view(self, state)
    }

    fn rendered(&self, state: &Local<BoardState>) {
        let mut st = state.get_mut();
        let st = &mut *st;
        let shown = self.shown(st.show_all);
        st.seen_ps.rendered(&st.root, "section[data-p]", "data-p", "300px 0px", shown, state.redraw());
        st.seen_lower.rendered(&st.root, "[data-lower]", "data-lower", "300px 0px", 0, state.redraw());
    }
}

fn board_view(props: &BoardProps, state: &Local<BoardState>) -> Html {
    let mut guard = state.get_mut();
    let BoardState { show_all, root, cards, lower, seen_ps, seen_lower } = &mut *guard;
    let (show_all, root, seen_ps, seen_lower) = (*show_all, root.clone(), seen_ps.seen(), seen_lower.seen());
    let st = &props.state;
    let shown = props.shown(show_all);
    let global = st.global.iter().take(24).copied().collect::<Vec<GId>>();
    let toggle = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.set(|s| s.show_all = !s.show_all))
    };
    let card = |p: &PState| -> CardProps {
        let fresh = || (p.clone(), st.p_activity(p), props.moves.clone());
        let waits = props.playing && out_of_view(seen_ps, p.id.0);
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
    let (lower_state, lower_moves) = match lower {
        Some(l) if props.playing && out_of_view(seen_lower, 0) => l.clone(),
        _ => lower.insert((props.state.clone(), props.moves.clone())).clone(),
    };
    html! {
        <div class="board" ref={root.clone()}>
            // The board's own heading (for the outline: its parts are h3s under it).
            <h2 class="sr-only">{ format!("{}The board", props.scope) }</h2>
            <section class="globalq" data-testid="global-runq"
                data-runq={id_list(&st.global)} data-len={st.global.len().to_string()}
                aria-label={format!("{}Global run queue", props.scope)}>
                <h3>{ format!("Global run queue ({})", st.global.len()) }</h3>
                { chip_list(Chips { ids: &global, total: st.global.len(), status: GStatus::Runnable, max: 24, notes: None, moves: &props.moves,
                    selected: props.selected, on_select: &props.on_select, empty: "empty" }) }
            </section>
            // The Ms come before the Ps: `[data-m="N"]` then finds M N's row before any P card
            // whose data-m is N.
            { m_list(MListProps { state: props.state.clone(), selected: props.selected, on_select: props.on_select.clone(), playing: props.playing, scope: props.scope.clone() }) }
            <div class="pgrid" role="group" aria-label={format!("{}Processors (Ps)", props.scope)}>
                { for rendered.into_iter().map(|(p, activity, moves)| {
                    p_card(PCardProps { p, activity, moves, selected: props.selected, on_select: props.on_select.clone(), scope: props.scope.clone() })
                }) }
            </div>
            if st.ps.len() > MAX_PS {
                <button type="button" class="link" onclick={toggle}>
                    { if show_all { "Show fewer Ps".to_string() } else { format!("Show all {} Ps", st.ps.len()) } }
                </button>
            }
            <div class="board-lower" data-lower="0">
                { waiting(WaitingProps { state: lower_state, moves: lower_moves, selected: props.selected, on_select: props.on_select.clone(), scope: props.scope.clone() }) }
            </div>
            { move_arrows(MoveArrowsProps { moves: props.moves.clone(), root }) }
        </div>
    }
}
