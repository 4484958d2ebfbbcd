//! One component for every part of the page that is drawn again only when its own data changed
//! (a P card, a goroutine chip, the waiting goroutines, a plot's lines, the timeline's rows): a
//! part is a plain struct of the data it shows with a `view` ([`Part`]), and [`memo`] draws it
//! inside a [`Memo`], which skips rendering when the part equals the one it drew last. Each
//! component type costs its own copy of Yew's lifecycle code in the page's wasm; this way they
//! all share one.

use std::any::Any;
use std::rc::Rc;
use yew::prelude::*;
use yew::virtual_dom::{Key, VComp, VNode};

/// What a [`Memo`] draws: data compared with `==` and its view.
pub trait Part: PartialEq + 'static {
    fn view(&self) -> Html;
}

/// A [`Part`] behind a pointer: compares itself with a part of any type (parts of two types are
/// never equal).
trait AnyPart {
    fn view(&self) -> Html;
    fn same(&self, o: &dyn AnyPart) -> bool;
    fn any(&self) -> &dyn Any;
}

impl<T: Part> AnyPart for T {
    fn view(&self) -> Html {
        Part::view(self)
    }
    fn same(&self, o: &dyn AnyPart) -> bool {
        o.any().downcast_ref::<T>().is_some_and(|o| self == o)
    }
    fn any(&self) -> &dyn Any {
        self
    }
}

/// Props of [`Memo`]: the part ([`MemoProps::of`]).
#[derive(Properties, Clone)]
pub struct MemoProps {
    part: Rc<dyn AnyPart>,
}

impl MemoProps {
    pub fn of<T: Part>(part: T) -> MemoProps {
        MemoProps { part: Rc::new(part) }
    }
}

impl PartialEq for MemoProps {
    fn eq(&self, o: &Self) -> bool {
        self.part.same(&*o.part)
    }
}

/// Draws its part, again only when the part changed.
#[function_component(Memo)]
pub fn memo_view(props: &MemoProps) -> Html {
    props.part.view()
}

/// `part`, drawn again only when it changed.
pub fn memo<T: Part>(part: T) -> Html {
    memo_dyn(Rc::new(part), None)
}

/// `part` as an item of a keyed list, drawn again only when it changed.
pub fn memo_keyed<T: Part>(key: Key, part: T) -> Html {
    memo_dyn(Rc::new(part), Some(key))
}

/// The one place a [`Memo`] is made (not once per type of part).
fn memo_dyn(part: Rc<dyn AnyPart>, key: Option<Key>) -> Html {
    VNode::VComp(Rc::new(VComp::new::<Memo>(Rc::new(MemoProps { part }), key)))
}
