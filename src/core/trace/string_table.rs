//! `StringTable`: one generation's string dictionary (the `Strings` batches): goroutine
//! block and stop reasons, function and file names of stack frames, user annotations.

use super::error::TraceError;

/// The largest string the runtime writes (`tracev2.MaxEventTrailerDataSize`).
pub const MAX_STRING_LEN: u64 = 1 << 10;

/// Strings by id, for one generation.
#[derive(Clone, Debug, Default)]
pub struct StringTable {
    /// `(id, string)`, sorted by id once the generation is read.
    entries: Vec<(u64, Box<str>)>,
}

impl StringTable {
    /// Adds a string; `offset` locates its event for errors.
    pub fn insert(&mut self, id: u64, s: &[u8], offset: u64) -> Result<(), TraceError> {
        if id == 0 {
            return Err(TraceError::malformed(offset, "expected a string id of 1 or more, found 0"));
        }
        self.entries.push((id, String::from_utf8_lossy(s).into()));
        Ok(())
    }

    /// Sorts by id and checks that no id appears twice.
    pub fn seal(&mut self, offset: u64) -> Result<(), TraceError> {
        self.entries.sort_unstable_by_key(|e| e.0);
        if let Some(w) = self.entries.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err(TraceError::malformed(offset, format!("expected each string id once per generation, found id {} twice", w[0].0)));
        }
        Ok(())
    }

    /// The string with this id (0 is the empty string, as in Go's reader).
    pub fn get(&self, id: u64) -> Option<&str> {
        if id == 0 {
            return Some("");
        }
        self.entries.binary_search_by_key(&id, |e| e.0).ok().map(|i| &*self.entries[i].1)
    }

    /// How many strings.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
