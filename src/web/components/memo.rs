//! One component for every part of the page that is drawn again only when its own data changed
//! (a P card, a goroutine chip, the waiting goroutines, a plot's lines, the timeline's rows): a
//! part is a plain struct of the data it shows with a `view` ([`Part`]), and [`memo`] draws it
//! inside a [`Memo`], which skips rendering when the part equals the one it drew last. Each
//! component type costs its own copy of Yew's lifecycle code in the page's wasm; this way they
//! all share one. A part with state of its own (what the user typed, a message) is a
//! [`LocalPart`]: its state lives in the [`Memo`] drawing it, as a component's `use_state` would,
//! and its [`LocalPart::rendered`] runs after each drawing, as a component's effects would (what
//! an effect would tear down, the state holds and drops).

use std::any::{Any, TypeId};
use std::cell::{Ref, RefCell, RefMut};
use std::rc::{Rc, Weak};
use super::any_effect::use_every_effect;
use yew::prelude::*;
use yew::virtual_dom::{Key, VComp, VNode};

/// What a [`Memo`] draws: data compared with `==` and its view.
pub trait Part: PartialEq + 'static {
    fn view(&self) -> Html;
}

/// What a [`Memo`] draws with state of its own: data compared with `==`, its state (made with
/// `Default` when the part is first drawn) and its view.
pub trait LocalPart: PartialEq + 'static {
    type State: Default + 'static;
    fn view(&self, state: &Local<Self::State>) -> Html;
    /// After each drawing of the part (where a component's effects run): nothing by default.
    fn rendered(&self, _state: &Local<Self::State>) {}
}

/// A [`LocalPart`]'s state: read it with [`Local::get`]; [`Local::set`] changes it and draws the
/// part again.
pub struct Local<S> {
    cell: Rc<RefCell<S>>,
    redraw: UseForceUpdateHandle,
}

impl<S> Clone for Local<S> {
    fn clone(&self) -> Self {
        Local { cell: self.cell.clone(), redraw: self.redraw.clone() }
    }
}

impl<S> Local<S> {
    pub fn get(&self) -> Ref<'_, S> {
        self.cell.borrow()
    }
    /// The state to change without drawing the part again (what a component's effect keeps in
    /// a `use_mut_ref`).
    pub fn get_mut(&self) -> RefMut<'_, S> {
        self.cell.borrow_mut()
    }
    /// Changes the state with `f` and draws the part again.
    pub fn set(&self, f: impl FnOnce(&mut S)) {
        f(&mut self.cell.borrow_mut());
        self.redraw.force_update();
    }
    /// What draws the part again (for a watcher the state holds).
    pub fn redraw(&self) -> UseForceUpdateHandle {
        self.redraw.clone()
    }
    /// A handle that does not keep the state alive, for what the state itself holds (a
    /// listener, a worker): no cycle keeps the state after its [`Memo`] is gone.
    pub fn weak(&self) -> WeakLocal<S> {
        WeakLocal { cell: Rc::downgrade(&self.cell), redraw: self.redraw.clone() }
    }
}

/// A [`Local`] that does not keep the state alive ([`Local::weak`]).
pub struct WeakLocal<S> {
    cell: Weak<RefCell<S>>,
    redraw: UseForceUpdateHandle,
}

impl<S> Clone for WeakLocal<S> {
    fn clone(&self) -> Self {
        WeakLocal { cell: self.cell.clone(), redraw: self.redraw.clone() }
    }
}

impl<S> WeakLocal<S> {
    /// The state, while its [`Memo`] is alive.
    pub fn upgrade(&self) -> Option<Local<S>> {
        Some(Local { cell: self.cell.upgrade()?, redraw: self.redraw.clone() })
    }
}

/// Where a [`Memo`] keeps its part's state: the part's type and the state.
struct Store {
    state: RefCell<Option<(TypeId, Rc<dyn Any>)>>,
    redraw: UseForceUpdateHandle,
}

/// A [`LocalPart`] as drawn by a [`Memo`].
struct WithState<T>(T);

impl<T: LocalPart> PartialEq for WithState<T> {
    fn eq(&self, o: &Self) -> bool {
        self.0 == o.0
    }
}

impl<T: LocalPart> WithState<T> {
    /// The part's state in `store`.
    fn local(&self, store: &Store) -> Local<T::State> {
        let mut st = store.state.borrow_mut();
        let cell = match &*st {
            Some((t, s)) if *t == TypeId::of::<T>() => s.clone().downcast::<RefCell<T::State>>().ok(),
            _ => None,
        };
        // A part first drawn here (or one of another type drawn here before): a fresh state.
        let cell = cell.unwrap_or_else(|| {
            let c = Rc::new(RefCell::new(T::State::default()));
            *st = Some((TypeId::of::<T>(), c.clone()));
            c
        });
        drop(st);
        Local { cell, redraw: store.redraw.clone() }
    }
}

impl<T: LocalPart> AnyPart for WithState<T> {
    fn view(&self, store: &Store) -> Html {
        self.0.view(&self.local(store))
    }
    fn rendered(&self, store: &Store) {
        self.0.rendered(&self.local(store))
    }
    fn same(&self, o: &dyn AnyPart) -> bool {
        o.any().downcast_ref::<Self>().is_some_and(|o| self == o)
    }
    fn any(&self) -> &dyn Any {
        self
    }
}

/// A [`Part`] behind a pointer: compares itself with a part of any type (parts of two types are
/// never equal).
trait AnyPart {
    fn view(&self, store: &Store) -> Html;
    /// After each drawing.
    fn rendered(&self, _store: &Store) {}
    fn same(&self, o: &dyn AnyPart) -> bool;
    fn any(&self) -> &dyn Any;
}

impl<T: Part> AnyPart for T {
    fn view(&self, _: &Store) -> Html {
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

    /// The props of a [`Memo`] drawing `part` with its state.
    pub fn of_local<T: LocalPart>(part: T) -> MemoProps {
        MemoProps { part: Rc::new(WithState(part)) }
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
    let redraw = use_force_update();
    let store = use_mut_ref(|| Store { state: RefCell::new(None), redraw });
    {
        // One effect for every part (each effect closure type costs its own copy of Yew's code).
        let (part, store) = (props.part.clone(), store.clone());
        use_every_effect(move || part.rendered(&store.borrow()));
    }
    // (Bound first: the borrow ends before `store` is dropped.)
    let html = props.part.view(&store.borrow());
    html
}

/// `part`, drawn again only when it changed.
pub fn memo<T: Part>(part: T) -> Html {
    memo_dyn(Rc::new(part), None)
}

/// `part` as an item of a keyed list, drawn again only when it changed.
pub fn memo_keyed<T: Part>(key: Key, part: T) -> Html {
    memo_dyn(Rc::new(part), Some(key))
}

/// `part`, with its state, drawn again when it changed or its state did.
pub fn memo_local<T: LocalPart>(part: T) -> Html {
    memo_dyn(Rc::new(WithState(part)), None)
}

/// The one place a [`Memo`] is made (not once per type of part).
fn memo_dyn(part: Rc<dyn AnyPart>, key: Option<Key>) -> Html {
    VNode::VComp(Rc::new(VComp::new::<Memo>(Rc::new(MemoProps { part }), key)))
}
