//! `StringTable`: one generation's string dictionary (the `Strings` batches): goroutine
//! block and stop reasons, function and file names of stack frames, user annotations.

use super::error::TraceError;

/// The largest string the runtime writes (`tracev2.MaxEventTrailerDataSize`).
pub const MAX_STRING_LEN: u64 = 1 << 10;

/// Strings by id, for one generation.
#[derive(Clone, Debug, Default)]
pub struct StringTable {
    /// `(id, start, end)` in `text`, sorted by id once the generation is read.
    entries: Vec<(u64, usize, usize)>,
    /// Every string, one after another.
    text: String,
    /// Index into `entries` by id, when ids are dense (the runtime numbers them 1, 2, ...).
    dense: Vec<u32>,
}

impl StringTable {
    /// Adds a string; `offset` locates its event for errors.
    pub fn insert(&mut self, id: u64, s: &[u8], offset: u64) -> Result<(), TraceError> {
        if id == 0 {
            return Err(TraceError::malformed(offset, "expected a string id of 1 or more, found 0"));
        }
        let start = self.text.len();
        match std::str::from_utf8(s) {
            Ok(t) => self.text.push_str(t),
            Err(_) => self.text.push_str(&String::from_utf8_lossy(s)),
        }
        self.entries.push((id, start, self.text.len()));
        Ok(())
    }

    /// Sorts by id and checks that no id appears twice.
    pub fn seal(&mut self, offset: u64) -> Result<(), TraceError> {
        sort_by_id(&mut self.entries);
        if let Some(w) = self.entries.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err(TraceError::malformed(offset, format!("expected each string id once per generation, found id {} twice", w[0].0)));
        }
        self.dense = dense_index(&self.entries);
        Ok(())
    }

    /// The string with this id (0 is the empty string, as in Go's reader).
    #[inline]
    pub fn get(&self, id: u64) -> Option<&str> {
        if id == 0 {
            return Some("");
        }
        let i = if self.dense.is_empty() {
            self.entries.binary_search_by_key(&id, |e| e.0).ok()?
        } else {
            match usize::try_from(id).ok().and_then(|i| self.dense.get(i)) {
                Some(&i) if i != u32::MAX => i as usize,
                _ => return None,
            }
        };
        let (_, start, end) = self.entries[i];
        Some(&self.text[start..end])
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

/// Sorts a table's `(id, start, len)` entries by id, if they are not already: one sort
/// for the string and the stack tables, made of the core's one sort of `(u64, u32)` pairs
/// (id, position) rather than a sort of its own, which the page's wasm would carry. Equal
/// ids keep their order (the tables then report the id as given twice).
pub(super) fn sort_by_id(entries: &mut [(u64, usize, usize)]) {
    if !entries.is_sorted_by_key(|e| e.0) {
        let mut order: Vec<(u64, u32)> = entries.iter().enumerate().map(|(i, e)| (e.0, i as u32)).collect();
        order.sort_unstable(); // distinct pairs: the stable order
        let before = entries.to_vec();
        for (slot, (_, i)) in entries.iter_mut().zip(order) {
            *slot = before[i as usize];
        }
    }
}

/// An index by id into a list sorted by id, when the ids are dense enough for one (at most
/// four times as many slots as entries); empty otherwise.
pub(super) fn dense_index(entries: &[(u64, usize, usize)]) -> Vec<u32> {
    let n = entries.len();
    let ids = entries.iter().map(|e| e.0);
    let max = ids.clone().max().unwrap_or(0);
    if max > 4 * n as u64 + 64 || n >= u32::MAX as usize {
        return Vec::new();
    }
    let mut d = vec![u32::MAX; max as usize + 1];
    for (i, id) in ids.enumerate() {
        d[id as usize] = i as u32;
    }
    d
}
