//! `Batch`: one batch's header and where its data lies. A trace is a sequence of batches,
//! each written by one thread (M) for one generation: `EventBatch gen m time size` followed
//! by `size` bytes of events (or `ExperimentalBatch exp gen m time` followed by a length and
//! the experiment's data).

use super::error::TraceError;
use super::kind::EventKind;
use super::varint::Cursor;
use super::version::Version;

/// The largest batch the runtime writes (`tracev2.MaxBatchSize`).
pub const MAX_BATCH_SIZE: u64 = 64 << 10;

/// The M id the runtime writes for batches that belong to no thread (the sync batch).
pub const NO_THREAD: u64 = u64::MAX;

/// A batch header, with the place of its data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Batch {
    /// The generation it belongs to.
    pub gen: u64,
    /// The thread that wrote it ([`NO_THREAD`] for none).
    pub m: u64,
    /// The base timestamp (ticks) its first event's `dt` counts from.
    pub time: u64,
    /// The experiment number of an `ExperimentalBatch`; 0 for an `EventBatch`.
    pub exp: u64,
    /// The file offset of the header's first byte.
    pub offset: u64,
    /// Where the data starts, relative to the buffer the batch was scanned in.
    pub data_start: usize,
    /// The length of the data in bytes.
    pub data_len: usize,
}

/// What starts at a position between batches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scanned {
    /// A whole batch, `len` bytes with its header.
    Batch { batch: Batch, len: usize },
    /// A lone `EndOfGeneration` byte (Go 1.26).
    EndOfGeneration,
    /// The bytes end before the batch does; more input is needed.
    Incomplete,
}

/// Reads the batch header at `data[pos..]` (file offset `base + pos`) without reading its
/// data, and checks that the data is all there.
///
/// With `eof` (no more input will come), a batch cut short is an error rather than
/// [`Scanned::Incomplete`]; `Incomplete` then only means the input ended between batches.
pub fn scan(data: &[u8], pos: usize, base: u64, v: Version, eof: bool) -> Result<Scanned, TraceError> {
    let mut c = Cursor { data, pos, base };
    let Some(&b) = data.get(pos) else { return Ok(Scanned::Incomplete) };
    let offset = c.offset();
    let kind = EventKind::from_byte(b, v);
    let experimental = match kind {
        Some(EventKind::EventBatch) => false,
        Some(EventKind::ExperimentalBatch) => true,
        Some(EventKind::EndOfGeneration) => return Ok(Scanned::EndOfGeneration),
        _ => {
            let expected = match v {
                Version::Go126 => "a batch header (EventBatch or ExperimentalBatch) or EndOfGeneration",
                Version::Go123 | Version::Go125 => "a batch header (EventBatch or ExperimentalBatch)",
                Version::Go122 => "a batch header (EventBatch)",
            };
            return Err(TraceError::malformed(offset, format!("expected {expected}, found byte 0x{b:02x}")));
        }
    };
    c.pos += 1;
    macro_rules! field {
        ($what:expr) => {
            match c.varint($what) {
                Ok(x) => x,
                Err(e) if e.kind == super::error::ErrorKind::Truncated && !eof => return Ok(Scanned::Incomplete),
                Err(e) => return Err(e),
            }
        };
    }
    let exp = if experimental { field!("the batch's experiment") } else { 0 };
    let gen = field!("the batch's generation");
    let m = field!("the batch's thread");
    let time = field!("the batch's timestamp");
    let size = field!("the batch's size");
    if experimental && exp == 0 {
        return Err(TraceError::malformed(offset + 1, "expected an experiment number (1 or more) in ExperimentalBatch, found 0"));
    }
    if size > MAX_BATCH_SIZE {
        return Err(TraceError::malformed(offset, format!("expected a batch of at most {MAX_BATCH_SIZE} bytes, found a size of {size}")));
    }
    if gen == 0 {
        return Err(TraceError::malformed(offset, "expected a generation number of 1 or more in the batch header, found 0"));
    }
    let data_start = c.pos;
    if c.remaining() < size as usize {
        if eof {
            return Err(TraceError::truncated(
                c.offset() + c.remaining() as u64,
                &format!("{} more bytes of data of the batch at offset {offset} (its header says {size})", size as usize - c.remaining()),
            ));
        }
        return Ok(Scanned::Incomplete);
    }
    let batch = Batch { gen, m, time, exp, offset, data_start, data_len: size as usize };
    Ok(Scanned::Batch { batch, len: data_start + size as usize - pos })
}
