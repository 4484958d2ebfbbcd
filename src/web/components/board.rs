//! The board: every P, the global run queue, the threads and the waiting goroutines, with the
//! last step's movement drawn over them.

use super::chip_list::ChipList;
use super::m_list::MList;
use super::move_arrows::MoveArrows;
use super::p_card::PCard;
use super::waiting::Waiting;
use crate::core::sim::SimState;
use crate::web::driver::Moves;
use std::rc::Rc;
use yew::prelude::*;

/// Ps drawn before "show all" is pressed.
pub const MAX_PS: usize = 128;

/// Props of [`Board`].
#[derive(Properties, PartialEq, Clone)]
pub struct BoardProps {
    pub state: Rc<SimState>,
    pub moves: Rc<Moves>,
    pub selected: Option<u32>,
    pub on_select: Callback<u32>,
}

#[function_component(Board)]
pub fn board(props: &BoardProps) -> Html {
    let show_all = use_state(|| false);
    let root = use_node_ref();
    let st = &props.state;
    let shown = if *show_all { st.ps.len() } else { st.ps.len().min(MAX_PS) };
    let global = Rc::new(st.global.iter().take(24).copied().collect::<Vec<u32>>());
    let toggle = {
        let show_all = show_all.clone();
        Callback::from(move |_: MouseEvent| show_all.set(!*show_all))
    };
    html! {
        <div class="board" ref={root.clone()}>
            <section class="globalq" data-testid="global-runq"
                data-runq={st.global.iter().map(|g| g.to_string()).collect::<Vec<_>>().join(",")}
                aria-label="Global run queue">
                <h3>{ format!("Global run queue ({})", st.global.len()) }</h3>
                <ChipList ids={global} total={st.global.len()} status="runnable" max={24} moves={props.moves.clone()}
                    selected={props.selected} on_select={props.on_select.clone()} />
            </section>
            // The Ms come before the Ps: `[data-m="N"]` then finds M N's row before any P card
            // whose data-m is N.
            <MList state={props.state.clone()} selected={props.selected} on_select={props.on_select.clone()} />
            <div class="pgrid" aria-label="Processors (Ps)">
                { for st.ps.iter().take(shown).map(|p| {
                    let m_status = p.m.and_then(|m| st.ms.get(m as usize)).map(|m| m.status);
                    html! {
                        <PCard key={p.id} p={p.clone()} {m_status} moves={props.moves.clone()}
                            selected={props.selected} on_select={props.on_select.clone()} />
                    }
                }) }
            </div>
            if st.ps.len() > MAX_PS {
                <button type="button" class="link" onclick={toggle}>
                    { if *show_all { "Show fewer Ps".to_string() } else { format!("Show all {} Ps", st.ps.len()) } }
                </button>
            }
            <div class="board-lower">
                <Waiting state={props.state.clone()} moves={props.moves.clone()} selected={props.selected} on_select={props.on_select.clone()} />
            </div>
            <MoveArrows moves={props.moves.clone()} {root} />
        </div>
    }
}
