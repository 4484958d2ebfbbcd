//! What the simulated program printed (`fmt.Println`, `fmt.Printf`: the core's `Print` events),
//! by step: the driver records each new step's prints once, and the Output panel shows those up
//! to the current step, so stepping back un-prints. At most [`MAX_OUTPUT_BYTES`] are kept; a
//! run that prints more says so.

use crate::core::event::{Event, What};

/// Most bytes of printed text kept for the panel.
pub const MAX_OUTPUT_BYTES: usize = 256 * 1024;

/// Every print of the explored run, in order: (step, text).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Output {
    prints: Vec<(u64, String)>,
    bytes: usize,
    /// The first step whose print was not kept (the limit was reached), if any.
    cut_at: Option<u64>,
}

/// What the panel shows at one step.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Printed {
    /// The text printed up to the step.
    pub text: String,
    /// How many prints made it.
    pub prints: usize,
    /// The text stops short: the run printed more than [`MAX_OUTPUT_BYTES`] by this step.
    pub cut: bool,
}

impl Output {
    /// Records the prints among `events`, those of newly explored step `step`.
    #[inline]
    pub fn record(&mut self, step: u64, events: &[Event]) {
        for e in events {
            if let What::Print { text } = &e.what {
                if self.cut_at.is_some() || self.bytes + text.len() > MAX_OUTPUT_BYTES {
                    self.cut_at.get_or_insert(step);
                    continue;
                }
                self.bytes += text.len();
                self.prints.push((step, text.clone()));
            }
        }
    }

    /// Forgets the prints after step `n` (an intervention at step `n` changes what follows).
    pub fn truncate(&mut self, n: u64) {
        self.prints.truncate(self.count_upto(n));
        self.bytes = self.prints.iter().map(|(_, t)| t.len()).sum();
        if self.cut_at.is_some_and(|c| c > n) {
            self.cut_at = None;
        }
    }

    /// How many prints were made at steps up to `step`.
    pub fn count_upto(&self, step: u64) -> usize {
        self.prints.partition_point(|(s, _)| *s <= step)
    }

    /// What was printed at steps up to `step`.
    pub fn upto(&self, step: u64) -> Printed {
        let n = self.count_upto(step);
        Printed {
            text: self.prints[..n].iter().map(|(_, t)| t.as_str()).collect(),
            prints: n,
            cut: self.cut_by(step),
        }
    }

    /// Whether prints were left out at steps up to `step`.
    pub fn cut_by(&self, step: u64) -> bool {
        self.cut_at.is_some_and(|c| c <= step)
    }
}
