//! The trace panel's replay runs ([`SimLane`]) on the main thread, in slices of about
//! [`SLICE_MS`] each in a zero timeout of its own, so input and drawing come between them and
//! the page never freezes. Dropping the returned [`SliceLoop`] stops the run.

use super::trace_view::SimLane;
use super::wall::now_ms;
use gloo_timers::callback::Timeout;
use std::cell::RefCell;
use std::rc::Rc;

/// Work per slice, ms.
pub const SLICE_MS: f64 = 25.0;

/// Steps between two looks at the clock.
const STEPS_PER_LOOK: u64 = 2_000;

/// A run in slices; dropping it cancels the pending slice.
pub struct SliceLoop {
    pending: Rc<RefCell<Option<Timeout>>>,
}

impl Drop for SliceLoop {
    fn drop(&mut self) {
        self.pending.borrow_mut().take();
    }
}

/// Runs `lane` to its end in slices; `progress(steps)` after each slice, `done(lane)` at the end.
pub fn run_in_slices(lane: SimLane, progress: impl Fn(u64) + 'static, done: impl FnOnce(SimLane) + 'static) -> SliceLoop {
    let pending = Rc::new(RefCell::new(None));
    schedule(Rc::new(RefCell::new(Some(lane))), pending.clone(), Rc::new(progress), Rc::new(RefCell::new(Some(Box::new(done)))));
    SliceLoop { pending }
}

type Done = Rc<RefCell<Option<Box<dyn FnOnce(SimLane)>>>>;

fn schedule(lane: Rc<RefCell<Option<SimLane>>>, pending: Rc<RefCell<Option<Timeout>>>, progress: Rc<dyn Fn(u64)>, done: Done) {
    let p2 = pending.clone();
    let t = Timeout::new(0, move || {
        let t0 = now_ms();
        let finished = {
            let mut l = lane.borrow_mut();
            let Some(l) = l.as_mut() else { return };
            loop {
                if l.advance(STEPS_PER_LOOK) {
                    break true;
                }
                if now_ms() - t0 >= SLICE_MS {
                    break false;
                }
            }
        };
        if finished {
            p2.borrow_mut().take();
            let l = lane.borrow_mut().take();
            if let (Some(l), Some(f)) = (l, done.borrow_mut().take()) {
                f(l);
            }
        } else {
            if let Some(l) = lane.borrow().as_ref() {
                progress(l.steps());
            }
            schedule(lane, p2, progress, done);
        }
    });
    *pending.borrow_mut() = Some(t);
}
