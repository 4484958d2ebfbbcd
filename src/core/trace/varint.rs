//! `Cursor`: a position in a byte slice that reads the format's unsigned LEB128 varints and
//! knows the file offset of every byte, for errors.

use super::error::TraceError;

/// Reads varints and bytes from `data`, whose first byte is at file offset `base`.
pub struct Cursor<'a> {
    /// The bytes.
    pub data: &'a [u8],
    /// The next byte to read.
    pub pos: usize,
    /// The file offset of `data[0]`.
    pub base: u64,
}

/// Why a varint could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VarintError {
    /// The bytes ended before the varint did.
    End,
    /// More than ten bytes, or a value beyond 64 bits.
    Overflow,
}

/// Reads one varint at `data[*pos..]`, advancing `pos`.
#[inline(always)]
pub fn uvarint(data: &[u8], pos: &mut usize) -> Result<u64, VarintError> {
    let p = *pos;
    let b = *data.get(p).ok_or(VarintError::End)?;
    if b < 0x80 {
        *pos = p + 1;
        return Ok(u64::from(b));
    }
    uvarint_long(data, pos, b)
}

/// The rest of [`uvarint`] when the first byte `b` says more follow.
#[inline(never)]
fn uvarint_long(data: &[u8], pos: &mut usize, b: u8) -> Result<u64, VarintError> {
    let mut p = *pos;
    let mut x = u64::from(b & 0x7f);
    let mut shift = 7;
    p += 1;
    loop {
        let b = *data.get(p).ok_or(VarintError::End)?;
        p += 1;
        if shift == 63 && b > 1 {
            return Err(VarintError::Overflow);
        }
        x |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            *pos = p;
            return Ok(x);
        }
        shift += 7;
        if shift > 63 {
            return Err(VarintError::Overflow);
        }
    }
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `data`, which begins at file offset `base`.
    pub fn new(data: &'a [u8], base: u64) -> Cursor<'a> {
        Cursor { data, pos: 0, base }
    }

    /// The file offset of the next byte.
    pub fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// True when every byte has been read.
    pub fn at_end(&self) -> bool {
        self.pos >= self.data.len()
    }

    /// Bytes left.
    pub fn remaining(&self) -> usize {
        self.data.len().saturating_sub(self.pos)
    }

    /// The next byte; `what` names it in the error.
    pub fn byte(&mut self, what: &str) -> Result<u8, TraceError> {
        match self.data.get(self.pos) {
            Some(&b) => {
                self.pos += 1;
                Ok(b)
            }
            None => Err(TraceError::truncated(self.offset(), what)),
        }
    }

    /// The next varint; `what` names it in the error.
    #[inline]
    pub fn varint(&mut self, what: &str) -> Result<u64, TraceError> {
        if let Some(&b) = self.data.get(self.pos) {
            if b < 0x80 {
                self.pos += 1;
                return Ok(u64::from(b));
            }
        }
        let start = self.pos;
        match uvarint(self.data, &mut self.pos) {
            Ok(x) => Ok(x),
            Err(e) => Err(self.varint_error(start, e, what)),
        }
    }

    #[cold]
    fn varint_error(&self, start: usize, e: VarintError, what: &str) -> TraceError {
        let at = self.base + start as u64;
        match e {
            VarintError::End => TraceError::truncated(at, &format!("a varint ({what})")),
            VarintError::Overflow => TraceError::malformed(at, format!("expected a varint ({what}), found more than 64 bits")),
        }
    }

    /// The next `n` bytes; `what` names them in the error.
    pub fn bytes(&mut self, n: usize, what: &str) -> Result<&'a [u8], TraceError> {
        if self.remaining() < n {
            return Err(TraceError::truncated(self.offset(), &format!("{n} bytes of {what} ({} left)", self.remaining())));
        }
        let s = &self.data[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints() {
        let mut p = 0;
        assert_eq!(uvarint(&[0x96, 0x01], &mut p), Ok(150));
        assert_eq!(p, 2);
        // Go's runtime pads reserved varints with continuation bytes.
        let mut p = 0;
        assert_eq!(uvarint(&[0x85, 0x80, 0x80, 0x00], &mut p), Ok(5));
        let mut p = 0;
        assert_eq!(uvarint(&[0xff; 9], &mut p), Err(VarintError::End));
        let mut p = 0;
        assert_eq!(uvarint(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], &mut p), Ok(u64::MAX));
        let mut p = 0;
        assert_eq!(uvarint(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02], &mut p), Err(VarintError::Overflow));
        let mut p = 0;
        assert_eq!(uvarint(&[0x80; 11], &mut p), Err(VarintError::Overflow));
    }
}
