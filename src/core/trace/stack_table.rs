//! `StackTable`: one generation's stack traces (the `Stacks` batches), each a list of frames
//! naming a function, a file and a line through the string table.

use super::error::TraceError;
use super::string_table::StringTable;

/// The most frames a stack may have (`tracev2.MaxFramesPerStack`).
pub const MAX_FRAMES: u64 = 128;

/// One stack frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Frame {
    /// The program counter.
    pub pc: u64,
    /// The function's name, a string id.
    pub func: u64,
    /// The source file's name, a string id.
    pub file: u64,
    /// The line number.
    pub line: u64,
}

/// Stacks by id, for one generation.
#[derive(Clone, Debug, Default)]
pub struct StackTable {
    /// `(id, first frame, frame count)`, sorted by id once the generation is read.
    stacks: Vec<(u64, usize, usize)>,
    /// Every frame of every stack, innermost first within a stack.
    frames: Vec<Frame>,
    /// Index into `stacks` by id, when ids are dense.
    dense: Vec<u32>,
}

impl StackTable {
    /// Adds a stack; `offset` locates its event for errors.
    pub fn insert(&mut self, id: u64, frames: impl IntoIterator<Item = Frame>, offset: u64) -> Result<(), TraceError> {
        if id == 0 {
            return Err(TraceError::malformed(offset, "expected a stack id of 1 or more, found 0"));
        }
        let first = self.frames.len();
        self.frames.extend(frames);
        self.stacks.push((id, first, self.frames.len() - first));
        Ok(())
    }

    /// Sorts by id, checks that no id appears twice and that every frame's strings exist
    /// (string 0, an unknown name, is the empty string).
    pub fn seal(&mut self, strings: &StringTable, offset: u64) -> Result<(), TraceError> {
        super::string_table::sort_by_id(&mut self.stacks);
        if let Some(w) = self.stacks.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err(TraceError::malformed(offset, format!("expected each stack id once per generation, found id {} twice", w[0].0)));
        }
        self.dense = super::string_table::dense_index(&self.stacks);
        for &(id, first, n) in &self.stacks {
            for f in &self.frames[first..first + n] {
                for s in [f.func, f.file] {
                    if strings.get(s).is_none() {
                        return Err(TraceError::malformed(offset, format!("expected string {s} (a frame of stack {id}) in the generation's string table, found none")));
                    }
                }
            }
        }
        Ok(())
    }

    /// The frames of the stack with this id, innermost first.
    pub fn get(&self, id: u64) -> Option<&[Frame]> {
        let i = if self.dense.is_empty() {
            self.stacks.binary_search_by_key(&id, |e| e.0).ok()?
        } else {
            match usize::try_from(id).ok().and_then(|i| self.dense.get(i)) {
                Some(&i) if i != u32::MAX => i as usize,
                _ => return None,
            }
        };
        let (_, first, n) = self.stacks[i];
        Some(&self.frames[first..first + n])
    }

    /// How many stacks.
    pub fn len(&self) -> usize {
        self.stacks.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.stacks.is_empty()
    }
}
