//! A message for the user: a bad link, an intervention that cannot be made, a search that found
//! nothing. Errors list every problem.

use crate::web::boot::Notice;
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`NoticeBar`].
#[derive(Properties, PartialEq, Clone)]
pub struct NoticeBarProps {
    pub notice: Rc<Notice>,
    pub on_dismiss: Callback<()>,
}

#[function_component(NoticeBar)]
pub fn notice_bar(props: &NoticeBarProps) -> Html {
    let n = &props.notice;
    let close = props.on_dismiss.reform(|_: MouseEvent| ());
    html! {
        <div class={classes!("notice", n.error.then_some("error"))} role={if n.error { "alert" } else { "status" }} data-testid="notice">
            <p><strong>{ n.title.clone() }</strong></p>
            if !n.lines.is_empty() {
                <ul>{ for n.lines.iter().map(|l| html! { <li>{ l.clone() }</li> }) }</ul>
            }
            <button type="button" class="dismiss" onclick={close} aria-label="Dismiss this message">{ "✕" }</button>
        </div>
    }
}
