//! The progress of a long seek (a link deep into a run, a far scrub, "to the end"), with Cancel.

use crate::web::state::{Msg, Seeking};
use super::memo::{memo, Part};
use yew::prelude::*;

/// What [`seek_bar`] shows (a [`Part`]: drawn again only when it changed).
#[derive(PartialEq, Clone)]
pub struct SeekBarProps {
    pub seeking: Seeking,
    pub on_msg: Callback<Msg>,
}

/// The bar, drawn again only when it changed. Not a component of its own: each component
/// type costs its own copy of Yew's lifecycle code in the page's wasm; a [`super::memo::Memo`]
/// does the same.
pub fn seek_bar(props: SeekBarProps) -> Html {
    memo(props)
}

impl Part for SeekBarProps {
    fn view(&self) -> Html {
        seek_bar_view(self)
    }
}

fn seek_bar_view(props: &SeekBarProps) -> Html {
    let (done, of) = props.seeking.progress();
    let cancel = {
        let cb = props.on_msg.clone();
        Callback::from(move |_: MouseEvent| cb.emit(Msg::CancelSeek))
    };
    html! {
        <div class="seek-bar" role="status" data-testid="seek-bar">
            <label>
                { format!("Going to step {}… ", props.seeking.target) }
                <progress data-testid="seek-progress" value={done.to_string()} max={of.max(1).to_string()}
                    aria-valuetext={format!("step {} of {}", props.seeking.at, props.seeking.target)} />
            </label>
            <button type="button" data-testid="seek-cancel" onclick={cancel} title="Stop and go back to the step before (Esc)">{ "Cancel" }</button>
        </div>
    }
}
