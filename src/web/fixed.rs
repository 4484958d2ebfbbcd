//! `Fixed`: a number written with a fixed count of decimals, byte for byte as `{:.N}` writes
//! an `f64`, without core's float formatting.
//!
//! `format!("{:.1}", x)` on an `f64` brings core's `float_to_decimal_common_exact` and
//! `_shortest` (Grisu with a Dragon fallback, about 11 KB of code plus their power-of-ten
//! tables) into the page's wasm. The page only ever writes a few decimals of modest numbers
//! (SVG coordinates, percentages, milliseconds), which is integer arithmetic: the value is
//! `m·2^e` exactly, so `m·10^N / 2^-e` rounded is its `N`-decimal form. Every float the page
//! writes goes through `Fixed`; the tests compare it with `{:.N}` over the whole range of `f64`.

use std::fmt;

/// The most decimals `Fixed` writes; more are taken as this many (`10^9·2^53` fits a `u128`).
pub const MAX_DECIMALS: u8 = 9;

/// `Fixed(v, n)` displays as `format!("{v:.n}")` does: the exact binary value rounded to `n`
/// decimals, a tie to the even last digit (Rust's rule: `0.125` → `0.12`, `2.5` → `2`); `-`
/// before every negative value, negative zero and what rounds to zero included (`-0.0`); `NaN`,
/// `inf` and `-inf`. `n` is at most [`MAX_DECIMALS`]. The formatter's width, fill and sign flags
/// are not applied (no call site uses them).
#[derive(Clone, Copy)]
pub struct Fixed(pub f64, pub u8);

impl fmt::Display for Fixed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Fixed(v, n) = *self;
        if crate::core::shortest::sign_or_special(v, f)? {
            return Ok(());
        }
        let n = u32::from(n.min(MAX_DECIMALS));
        // v = m·2^e exactly (subnormals have no implicit bit and the smallest exponent).
        let bits = v.to_bits();
        let biased = (bits >> 52 & 0x7ff) as i32;
        let m = bits & ((1 << 52) - 1) | if biased == 0 { 0 } else { 1 << 52 };
        let e = biased.max(1) - 1075;
        let scale = 10u64.pow(n);
        let q = if e >= 0 {
            if e > 75 {
                // At least 2^128: an integer of up to 309 digits.
                write_huge(f, m, e as u32)?;
                return write_decimals(f, 0, n);
            }
            u128::from(m) << e
        } else {
            // round(m·10^n / 2^k); m·10^n < 2^83, so from k = 84 on it is below one half.
            let k = e.unsigned_abs();
            let scaled = u128::from(m) * u128::from(scale);
            if k > 83 {
                0
            } else {
                let q = scaled >> k;
                let rest = scaled & ((1 << k) - 1);
                let half = 1 << (k - 1);
                q + u128::from(rest > half || rest == half && q & 1 == 1)
            }
        };
        let (int, frac) = if e >= 0 { (q, 0) } else { (q / u128::from(scale), (q % u128::from(scale)) as u64) };
        write!(f, "{int}")?;
        write_decimals(f, frac, n)
    }
}

/// `.` and `frac` zero-padded to `n` digits; nothing when `n` is 0.
fn write_decimals(f: &mut fmt::Formatter<'_>, frac: u64, n: u32) -> fmt::Result {
    if n == 0 {
        return Ok(());
    }
    write!(f, ".{frac:0w$}", w = n as usize)
}

/// `m·2^e` in decimal, for the integers beyond a `u128`: base-10^9 limbs, least significant
/// first, doubled 29 bits at a time (a limb below 2^30 times 2^29 plus a carry fits a `u64`).
fn write_huge(f: &mut fmt::Formatter<'_>, m: u64, mut e: u32) -> fmt::Result {
    const BASE: u64 = 1_000_000_000;
    // 2^1024 < 10^309: 35 limbs.
    let mut limbs = [0u32; 35];
    let mut len = 0;
    let mut x = m;
    while x > 0 {
        limbs[len] = (x % BASE) as u32;
        x /= BASE;
        len += 1;
    }
    while e > 0 {
        let s = e.min(29);
        e -= s;
        let mut carry = 0u64;
        for l in &mut limbs[..len] {
            let t = (u64::from(*l) << s) + carry;
            *l = (t % BASE) as u32;
            carry = t / BASE;
        }
        while carry > 0 {
            limbs[len] = (carry % BASE) as u32;
            carry /= BASE;
            len += 1;
        }
    }
    let mut rest = limbs[..len].iter().rev();
    if let Some(top) = rest.next() {
        write!(f, "{top}")?;
    }
    for l in rest {
        write!(f, "{l:09}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(v: f64, n: u8) {
        assert_eq!(Fixed(v, n).to_string(), format!("{:.*}", usize::from(n), v), "{v:e} to {n} decimals");
    }

    #[test]
    fn ties_go_to_the_even_digit_as_rust_rounds() {
        assert_eq!(Fixed(0.5, 0).to_string(), "0");
        assert_eq!(Fixed(1.5, 0).to_string(), "2");
        assert_eq!(Fixed(2.5, 0).to_string(), "2");
        assert_eq!(Fixed(0.125, 2).to_string(), "0.12");
        assert_eq!(Fixed(0.375, 2).to_string(), "0.38");
        // 0.15 is 0.1499999999999999944… in binary: no tie, rounded down.
        assert_eq!(Fixed(0.15, 1).to_string(), "0.1");
        for v in [0.5, 1.5, 2.5, -2.5, 0.125, 0.375, 0.15, 0.25, 1e-7, 5e-5, 0.05, 1.005] {
            for n in 0..=4 {
                check(v, n);
            }
        }
    }

    #[test]
    fn signs_zeros_and_non_finite_values() {
        assert_eq!(Fixed(-0.0, 1).to_string(), "-0.0");
        assert_eq!(Fixed(-0.01, 1).to_string(), "-0.0");
        assert_eq!(Fixed(-1.25, 1).to_string(), "-1.2");
        assert_eq!(Fixed(f64::NAN, 2).to_string(), "NaN");
        assert_eq!(Fixed(-f64::NAN, 2).to_string(), "NaN");
        assert_eq!(Fixed(f64::INFINITY, 0).to_string(), "inf");
        assert_eq!(Fixed(f64::NEG_INFINITY, 3).to_string(), "-inf");
        for v in [0.0, -0.0, f64::NAN, -f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -0.04, -0.05, -0.06] {
            for n in 0..=MAX_DECIMALS {
                check(v, n);
            }
        }
    }

    #[test]
    fn extremes_of_the_range() {
        let edges = [
            f64::MAX,
            f64::MIN,
            f64::MIN_POSITIVE,
            f64::EPSILON,
            5e-324,
            -5e-324,
            2f64.powi(128),
            2f64.powi(128) - 2f64.powi(75),
            2f64.powi(53) + 2.0,
            2f64.powi(-84),
            2f64.powi(-83) * 3.0,
            1e15 + 0.3,
            123_456_789.987_654_32,
            0.000_000_000_5,
            0.999_999_999_5,
            9.999_95,
            -999.999_5,
        ];
        for v in edges {
            for n in 0..=MAX_DECIMALS {
                check(v, n);
            }
        }
    }

    #[test]
    fn more_decimals_than_the_most_are_the_most() {
        assert_eq!(Fixed(1.0 / 3.0, 12).to_string(), format!("{:.9}", 1.0 / 3.0));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]

        /// Every bit pattern: huge, tiny, subnormal, negative, non-finite.
        #[test]
        fn any_f64_as_rust_writes_it(bits in any::<u64>(), n in 0u8..=4) {
            check(f64::from_bits(bits), n);
        }

        /// The values the page writes: coordinates, percentages, milliseconds.
        #[test]
        fn page_sized_values_as_rust_writes_them(v in -1.0e7f64..1.0e7, n in 0u8..=4) {
            check(v, n);
        }

        /// Numbers with few decimals, where ties and near-ties are.
        #[test]
        fn short_decimals_as_rust_writes_them(i in -10_000_000i64..10_000_000, d in 0u32..=6, n in 0u8..=MAX_DECIMALS) {
            check(i as f64 / 10f64.powi(d as i32), n);
        }

        #[test]
        fn binary_ties_as_rust_writes_them(i in -100_000i64..100_000, k in 1i32..=12, n in 0u8..=4) {
            check(i as f64 / 2f64.powi(k), n);
        }
    }
}
