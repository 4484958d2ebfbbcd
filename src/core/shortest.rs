//! `Shortest`: an `f64` written byte for byte as `{}` writes it (the shortest digits that read
//! back as the same number, never an exponent), from `zmij`'s digits instead of core's float
//! formatting.
//!
//! `zmij` is the crate `serde_json` writes floats with, so it is in the page's wasm already;
//! core's `float_to_decimal_common_shortest` (with its Grisu/Dragon tables) need not be. `zmij`
//! writes `1.0`, `1e20`, `1.5e-7`; `{}` writes `1`, `100000000000000000000`, `0.00000015`: the
//! digits are the same (both are the shortest that round-trip, the closest one on a tie), only
//! the notation differs, and that is what this file changes. The tests compare it with `{}` over
//! the whole range of `f64`.

use std::fmt;

/// `Shortest(v)` displays as `format!("{v}")` does: `-` before every negative value and negative
/// zero, `NaN`, `inf`, `-inf`. The formatter's width, precision and flags are not applied (no
/// call site uses them).
#[derive(Clone, Copy)]
pub struct Shortest(pub f64);

/// Writes what `format!` writes for a float before its digits: `-` for a negative value (`-0`
/// too), and the whole of `NaN`, `inf` or `-inf`, then says whether that was the whole value.
/// Shared with `web::fixed::Fixed`.
pub fn sign_or_special(v: f64, f: &mut fmt::Formatter<'_>) -> Result<bool, fmt::Error> {
    if v.is_nan() {
        f.write_str("NaN")?;
        return Ok(true);
    }
    if v.is_sign_negative() {
        f.write_str("-")?;
    }
    if v.is_infinite() {
        f.write_str("inf")?;
        return Ok(true);
    }
    Ok(false)
}

impl fmt::Display for Shortest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.0;
        if sign_or_special(v, f)? {
            return Ok(());
        }
        let mut buf = zmij::Buffer::new();
        let text = buf.format_finite(v.abs());
        let (mantissa, exp) = match text.split_once('e') {
            Some((m, e)) => (m, e.parse::<i32>().map_err(|_| fmt::Error)?),
            None => (text, 0),
        };
        // The significant digits (at most 17) and how many of them stand before the point.
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let mut point = int.len() as i32 + exp;
        let mut digits = [0u8; 24];
        let mut len = 0;
        for b in int.bytes().chain(frac.bytes()) {
            if len == 0 && b == b'0' {
                point -= 1;
                continue;
            }
            *digits.get_mut(len).ok_or(fmt::Error)? = b;
            len += 1;
        }
        while len > 0 && digits[len - 1] == b'0' {
            len -= 1;
        }
        // A tie: `v` is exactly halfway between these digits and the next ones up. `zmij` keeps
        // the even one; `{}` rounds up (`…862.25` is `…862.3`). The upper one reads back as `v`
        // too, being as close, and an even last digit goes up without a carry.
        if len > 0 && digits[len - 1] % 2 == 0 && is_tie(v.abs(), &digits[..len], point - len as i32 - 1) {
            digits[len - 1] += 1;
        }
        let digits = std::str::from_utf8(&digits[..len]).map_err(|_| fmt::Error)?;
        if digits.is_empty() {
            return f.write_str("0");
        }
        if point <= 0 {
            f.write_str("0.")?;
            zeros(f, point.unsigned_abs())?;
            f.write_str(digits)
        } else if point as usize >= len {
            f.write_str(digits)?;
            zeros(f, point as u32 - len as u32)
        } else {
            let (int, frac) = digits.split_at(point as usize);
            f.write_str(int)?;
            f.write_str(".")?;
            f.write_str(frac)
        }
    }
}

/// Whether `v` is exactly `digits` followed by a 5, times `10^q`: `m·2^e == d5·10^q`. In `u128`:
/// a tie has at most 18 digits, so `5^-q` divides `d5 < 10^18` (`-q <= 26`); and none is at or
/// above 2^128 (there `2^e`'s 75 twos would need `q >= 75`, but `m < 2^53` has at most 22 fives
/// for `10^q`'s `q` fives).
fn is_tie(v: f64, digits: &[u8], q: i32) -> bool {
    let d5 = digits.iter().fold(0u128, |d, &b| d * 10 + u128::from(b - b'0')) * 10 + 5;
    let bits = v.to_bits();
    let biased = (bits >> 52 & 0x7ff) as i32;
    let m = u128::from(bits & ((1 << 52) - 1) | if biased == 0 { 0 } else { 1 << 52 });
    let e = biased.max(1) - 1075;
    // With r·2^s = d5·10^q made integer on one side: m·2^e == r·2^s.
    let (r, s) = if q >= 0 {
        match 10u128.checked_pow(q as u32).and_then(|t| t.checked_mul(d5)) {
            Some(w) => (w, 0),
            None => return false,
        }
    } else {
        let k = q.unsigned_abs();
        if k > 26 || d5 % 5u128.pow(k) != 0 {
            return false;
        }
        (d5 / 5u128.pow(k), -(k as i32))
    };
    // m·2^(e - s) == r
    let shift = e - s;
    if shift >= 0 {
        shift <= 74 && m << shift == r
    } else {
        let t = shift.unsigned_abs();
        t < 128 && r.leading_zeros() >= t && r << t == m
    }
}

/// `n` zeros.
fn zeros(f: &mut fmt::Formatter<'_>, mut n: u32) -> fmt::Result {
    const Z: &str = "0000000000000000";
    while n > 0 {
        let k = n.min(Z.len() as u32);
        f.write_str(&Z[..k as usize])?;
        n -= k;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(v: f64) {
        assert_eq!(Shortest(v).to_string(), format!("{v}"), "{v:e}");
    }

    #[test]
    fn as_rust_writes_them() {
        assert_eq!(Shortest(1.0).to_string(), "1");
        assert_eq!(Shortest(1e20).to_string(), "100000000000000000000");
        assert_eq!(Shortest(1.5e-7).to_string(), "0.00000015");
        assert_eq!(Shortest(-0.0).to_string(), "-0");
        assert_eq!(Shortest(0.1 + 0.2).to_string(), "0.30000000000000004");
        assert_eq!(Shortest(f64::NAN).to_string(), "NaN");
        assert_eq!(Shortest(f64::NEG_INFINITY).to_string(), "-inf");
        let edges = [
            0.0,
            -0.0,
            1.0,
            10.0,
            100.5,
            1000.0,
            0.5,
            0.05,
            12.345,
            1e15,
            1e16,
            1e17,
            123_456_789_012_345_680.0,
            1e-5,
            1e-7,
            f64::MAX,
            f64::MIN,
            f64::MIN_POSITIVE,
            f64::EPSILON,
            5e-324,
            2f64.powi(53),
            f64::NAN,
            -f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        for v in edges {
            check(v);
        }
    }

    #[test]
    fn ties_round_up_as_rust_rounds_them() {
        // Exactly halfway between two 16-digit candidates: zmij keeps the even one.
        assert_eq!(Shortest(1_308_548_795_726_862.25).to_string(), "1308548795726862.3");
        assert_eq!(Shortest(-752_522_637_857_996.25).to_string(), "-752522637857996.3");
        for v in [1_308_548_795_726_862.75, 999.0 + 1.0 / 16_384.0, 999.0 + 3.0 / 16_384.0, 512.0 + 5.0 / 16_384.0] {
            check(v);
            check(-v);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(50_000))]

        /// Where ties are: a whole number and a few binary fraction digits, 17 to 18 digits in all.
        #[test]
        fn near_ties_as_rust_writes_them(i in 1u64..(1 << 52), k in 0i32..=20, neg: bool) {
            let v = i as f64 / 2f64.powi(k);
            check(if neg { -v } else { v });
        }

        /// Every bit pattern: huge, tiny, subnormal, negative, non-finite.
        #[test]
        fn any_f64_as_rust_writes_it(bits in any::<u64>()) {
            check(f64::from_bits(bits));
        }

        /// The values the page writes: SVG coordinates and widths.
        #[test]
        fn page_sized_values_as_rust_writes_them(v in -1.0e4f64..1.0e4) {
            check(v);
        }

        /// Quotients like a timeline's `a · W / t_max`.
        #[test]
        fn quotients_as_rust_writes_them(a in 0u64..1_000_000_000, t in 1u64..1_000_000_000) {
            check(a as f64 * (1000.0 / t as f64));
        }
    }
}
