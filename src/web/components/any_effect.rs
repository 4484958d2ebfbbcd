//! Effects with dependencies of any type through one copy of Yew's effect hook: each
//! `use_effect_with` of its own dependency and closure types compiles its own copy of the hook's
//! code into the page's wasm; [`use_any_effect`] boxes both, so the page's effects share one
//! (each keeps only the few lines that box it). What runs and when is `use_effect_with`'s: the
//! effect after a drawing whose dependencies differ (by their own `==`) from the last, its
//! teardown before the next and when the component goes. [`use_every_effect`] does the same for
//! `use_effect`, the effect after every drawing.

use std::any::Any;
use yew::functional::{Hook, TearDown};
use yew::prelude::*;

/// An effect's dependencies, of any type, compared with that type's `==`.
pub struct AnyDeps(Box<dyn DepsEq>);

trait DepsEq {
    fn same(&self, o: &dyn DepsEq) -> bool;
    fn any(&self) -> &dyn Any;
}

impl<T: PartialEq + 'static> DepsEq for T {
    fn same(&self, o: &dyn DepsEq) -> bool {
        o.any().downcast_ref::<T>().is_some_and(|o| self == o)
    }
    fn any(&self) -> &dyn Any {
        self
    }
}

impl PartialEq for AnyDeps {
    fn eq(&self, o: &Self) -> bool {
        self.0.same(&*o.0)
    }
}

/// An effect as the one hook runs it.
type AnyRun = Box<dyn FnOnce(&AnyDeps) -> Box<dyn FnOnce()>>;

/// `use_effect_with(deps, f)`, sharing one copy of the hook with every other call.
pub fn use_any_effect<T: PartialEq + 'static, D: TearDown>(deps: T, f: impl FnOnce(&T) -> D + 'static) -> impl Hook<Output = ()> {
    let run: AnyRun = Box::new(move |d: &AnyDeps| {
        // (Always a `T`: the hook hands each effect the dependencies it was given with.)
        let down = d.0.any().downcast_ref::<T>().map(f);
        Box::new(move || {
            if let Some(down) = down {
                down.tear_down()
            }
        })
    });
    use_effect_with(AnyDeps(Box::new(deps)), run)
}

/// An effect after every drawing (`use_effect`), sharing one copy of that hook with every other
/// call.
pub fn use_every_effect(f: impl FnOnce() + 'static) -> impl Hook<Output = ()> {
    let f: Box<dyn FnOnce()> = Box::new(f);
    use_effect(f)
}
