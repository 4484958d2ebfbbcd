//! `Version`: the trace format versions this reader knows, and the 16-byte file header that
//! names one (`go 1.26 trace\0\0\0`).
//!
//! Go writes the format's version, not the toolchain's: Go 1.24 writes `go 1.23`, and Go
//! 1.27 still writes `go 1.26`. Versions 1.11–1.21 are the older format, which this reader
//! does not read.

use super::error::{ErrorKind, TraceError};

/// A trace format version (Go 1.22 and later).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Version {
    /// `go 1.22`: the first of the generational format.
    Go122,
    /// `go 1.23` (also written by Go 1.24): coroutine switches, `GoStatusStack`, experiments.
    Go123,
    /// `go 1.25`: the sync batch with a clock snapshot.
    Go125,
    /// `go 1.26` (also written by Go 1.27): `EndOfGeneration` closes each generation.
    Go126,
}

/// The length of the header.
pub const HEADER_LEN: usize = 16;

impl Version {
    /// The minor number in the header (`22` for `go 1.22`).
    pub fn minor(self) -> u32 {
        match self {
            Version::Go122 => 22,
            Version::Go123 => 23,
            Version::Go125 => 25,
            Version::Go126 => 26,
        }
    }

    /// `"1.26"`.
    pub fn name(self) -> String {
        format!("1.{}", self.minor())
    }

    /// Reads the header from the first [`HEADER_LEN`] bytes of a trace.
    pub fn parse_header(h: &[u8]) -> Result<Version, TraceError> {
        let bad = |offset: usize, what: String| TraceError::new(offset as u64, ErrorKind::BadHeader, what);
        let shown = |b: &[u8]| -> String {
            let mut s = String::from("\"");
            for &c in b {
                if (0x20..0x7f).contains(&c) && c != b'"' && c != b'\\' {
                    s.push(c as char);
                } else {
                    s.push_str(&format!("\\x{c:02x}"));
                }
            }
            s.push('"');
            s
        };
        const MAGIC: &[u8] = b"go 1.";
        for (i, &m) in MAGIC.iter().enumerate() {
            if h.get(i) != Some(&m) {
                return Err(bad(
                    0,
                    format!(
                        "expected a Go execution trace header \"go 1.N trace\\x00\\x00\\x00\", found {} (not a Go execution trace)",
                        shown(&h[..h.len().min(HEADER_LEN)])
                    ),
                ));
            }
        }
        let mut i = MAGIC.len();
        let mut minor: u32 = 0;
        while i < h.len() && h[i].is_ascii_digit() && i < MAGIC.len() + 3 {
            minor = minor * 10 + u32::from(h[i] - b'0');
            i += 1;
        }
        if i == MAGIC.len() {
            return Err(bad(i, format!("expected the version's minor number after \"go 1.\", found {}", shown(&h[i..h.len().min(i + 1)]))));
        }
        const TAIL: &[u8] = b" trace\x00\x00\x00";
        if h.len() < i + TAIL.len() || &h[i..i + TAIL.len()] != TAIL {
            return Err(bad(i, format!("expected \" trace\\x00\\x00\\x00\" after \"go 1.{minor}\", found {}", shown(&h[i..h.len().min(i + TAIL.len())]))));
        }
        match minor {
            22 => Ok(Version::Go122),
            23 => Ok(Version::Go123),
            25 => Ok(Version::Go125),
            26 => Ok(Version::Go126),
            11..=21 => Err(TraceError::new(
                MAGIC.len() as u64,
                ErrorKind::UnsupportedVersion,
                format!("this is a go 1.{minor} trace, from before Go 1.22 (the old format, not read here); expected go 1.22 or later"),
            )),
            _ => Err(TraceError::new(
                MAGIC.len() as u64,
                ErrorKind::UnsupportedVersion,
                format!("unknown trace version go 1.{minor}; expected go 1.22, 1.23, 1.25 or 1.26"),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers() {
        assert_eq!(Version::parse_header(b"go 1.26 trace\0\0\0"), Ok(Version::Go126));
        assert_eq!(Version::parse_header(b"go 1.22 trace\0\0\0"), Ok(Version::Go122));
        let e = Version::parse_header(b"go 1.21 trace\0\0\0").unwrap_err();
        assert_eq!(e.kind, ErrorKind::UnsupportedVersion);
        assert!(e.to_string().contains("before Go 1.22"), "{e}");
        let e = Version::parse_header(b"go 1.24 trace\0\0\0").unwrap_err();
        assert!(e.to_string().contains("unknown trace version go 1.24"), "{e}");
        let e = Version::parse_header(b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0").unwrap_err();
        assert_eq!(e.kind, ErrorKind::BadHeader);
        assert!(e.to_string().starts_with("offset 0: expected a Go execution trace header"), "{e}");
        let e = Version::parse_header(b"go 1.26 trice\0\0\0").unwrap_err();
        assert_eq!(e.offset, 7);
    }
}
