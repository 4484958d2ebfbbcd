//! [`Owned`]: a value too large to copy per message (the [`Driver`](super::driver::Driver), the
//! compare view's scan) that moves from one reducer state to the next instead of being shared by
//! them. The reducer takes it out of the state it was given ([`Owned::take`]), changes it, and
//! gives it to the state it returns in a new cell ([`Owned::new`]); when it returns the state it
//! was given (nothing changed), it puts it back ([`Owned::put`]).
//!
//! So no state ever shows a change made for a later one: a state the reducer replaced holds
//! nothing (reading it panics, saying so), never the newer state's driver. Yew's `use_reducer`
//! only compares the old state's pointer with the new one's and drops it, and the component reads
//! the current state, so nothing reads a replaced state (the page's tests would panic if
//! something did).

use std::cell::{Ref, RefCell, RefMut};

/// A value owned by one state at a time.
pub struct Owned<T>(RefCell<Option<T>>);

const MOVED: &str = "this state was replaced by a newer one, which owns its value now";

impl<T> Owned<T> {
    pub fn new(v: T) -> Owned<T> {
        Owned(RefCell::new(Some(v)))
    }

    /// The value (panics if it moved to a newer state).
    pub fn borrow(&self) -> Ref<'_, T> {
        Ref::map(self.0.borrow(), |v| v.as_ref().expect(MOVED))
    }

    /// The value, to change it (panics if it moved to a newer state).
    pub fn borrow_mut(&self) -> RefMut<'_, T> {
        RefMut::map(self.0.borrow_mut(), |v| v.as_mut().expect(MOVED))
    }

    /// Takes the value out, for the next state (panics if it moved already).
    pub fn take(&self) -> T {
        self.0.borrow_mut().take().expect(MOVED)
    }

    /// Puts the value back (the reducer returns this state after all).
    pub fn put(&self, v: T) {
        *self.0.borrow_mut() = Some(v);
    }

    /// The value moved to a newer state.
    pub fn moved(&self) -> bool {
        self.0.borrow().is_none()
    }
}
