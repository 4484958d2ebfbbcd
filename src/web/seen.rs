//! Which parts of a list are in view: a [`Watcher`] over an `IntersectionObserver`, kept in a
//! part's state ([`crate::web::components::memo::LocalPart`]). While the run plays, the board keeps the parts out of view (P cards, thread rows, the waiting goroutines) as
//! they were, so that a frame lays out and paints only what can be seen; they catch up when they
//! come into view or the run pauses.

use std::cell::RefCell;
use litemap::LiteMap;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The keys (the `key_attr` attribute, a number) of the elements in view, or `None` until the
/// observer first reports (then everything counts as in view).
pub type Seen = Rc<RefCell<Option<LiteMap<u32, ()>>>>;

/// Whether the element with `key` is out of view and may keep its last rendering.
pub fn out_of_view(seen: &Seen, key: u32) -> bool {
    seen.borrow().as_ref().is_some_and(|s| !s.contains_key(&key))
}

/// Watches the elements matching a selector inside a root element (again whenever a
/// generation number changes: elements came or went) and draws its part again when the set in
/// view changes. Dropping it stops watching.
#[derive(Default)]
pub struct Watcher {
    seen: Seen,
    /// The generation watched, and the observer watching it.
    watching: Option<(usize, Option<Observer>)>,
}

impl Watcher {
    /// What is in view.
    pub fn seen(&self) -> &Seen {
        &self.seen
    }

    /// After each drawing: watches `selector` inside `root` again if `generation` changed.
    /// `margin` widens the view (CSS margin syntax) so that what is about to scroll in is already
    /// up to date; `redraw` draws the part again.
    pub fn rendered(&mut self, root: &NodeRef, selector: &str, key_attr: &'static str, margin: &str, generation: usize, redraw: UseForceUpdateHandle) {
        if self.watching.as_ref().is_some_and(|w| w.0 == generation) {
            return;
        }
        self.stop();
        self.watching = Some((generation, observe(root, selector, key_attr, margin, self.seen.clone(), redraw)));
    }

    fn stop(&mut self) {
        if let Some((_, Some((o, _)))) = self.watching.take() {
            o.disconnect();
        }
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        self.stop();
    }
}

type Observer = (web_sys::IntersectionObserver, Closure<dyn FnMut(js_sys::Array)>);

fn observe(root: &NodeRef, selector: &str, key_attr: &'static str, margin: &str, seen: Seen, redraw: UseForceUpdateHandle) -> Option<Observer> {
    let el = root.cast::<web_sys::Element>()?;
    let cb = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
        let mut s = seen.borrow_mut();
        let set = s.get_or_insert_with(LiteMap::new);
        let mut changed = false;
        for e in entries.iter() {
            let Ok(e) = e.dyn_into::<web_sys::IntersectionObserverEntry>() else { continue };
            let Some(k) = e.target().get_attribute(key_attr).and_then(|v| v.parse::<u32>().ok()) else { continue };
            changed |= if e.is_intersecting() { set.insert(k, ()).is_none() } else { set.remove(&k).is_some() };
        }
        drop(s);
        if changed {
            redraw.force_update();
        }
    });
    let init = web_sys::IntersectionObserverInit::new();
    init.set_root_margin(margin);
    let obs = web_sys::IntersectionObserver::new_with_options(cb.as_ref().unchecked_ref(), &init).ok()?;
    let list = el.query_selector_all(selector).ok()?;
    for i in 0..list.length() {
        if let Some(n) = list.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) {
            obs.observe(&n);
        }
    }
    Some((obs, cb))
}
