//! The quantile of a list of floats (threads mode's round-trip and hand-off figures), sorted
//! with the page's one sort instead of a float sort of its own.

/// The `f` quantile (0 to 1) of `v` (0 if empty).
pub fn quantile(v: &[f64], f: f64) -> f64 {
    // Each value as the `u64` whose order is `f64::total_cmp`'s, sorted with the page's one sort
    // (`sort_unstable` of `(u64, u32)`; equal keys are equal bits, so the order is the stable one).
    let mut keys: Vec<(u64, u32)> = v.iter().map(|x| (total_order_key(*x), 0)).collect();
    keys.sort_unstable();
    match keys.get(((keys.len().max(1) - 1) as f64 * f).round() as usize) {
        Some(&(k, _)) => f64::from_bits(if k >> 63 == 1 { k ^ (1 << 63) } else { !k }),
        None => 0.0,
    }
}

/// `x`'s bits mapped so that unsigned order is `f64::total_cmp`'s order: a positive value gets
/// its sign bit set, a negative one all its bits flipped.
fn total_order_key(x: f64) -> u64 {
    let b = x.to_bits();
    if b >> 63 == 0 { b | (1 << 63) } else { !b }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What the plain float sort gives.
    fn by_float_sort(v: &[f64], f: f64) -> f64 {
        let mut v = v.to_vec();
        v.sort_by(|a, b| a.total_cmp(b));
        if v.is_empty() {
            0.0
        } else {
            v[((v.len() - 1) as f64 * f).round() as usize]
        }
    }

    #[test]
    fn orders_as_total_cmp_does() {
        let v = [3.5, -0.0, 0.0, -2.0, f64::INFINITY, f64::NEG_INFINITY, 1e-300, -1e-300, 7.0];
        for f in [0.0, 0.1, 0.25, 0.5, 0.75, 0.99, 1.0] {
            assert_eq!(quantile(&v, f).to_bits(), by_float_sort(&v, f).to_bits(), "{f}");
        }
        assert_eq!(quantile(&v, 0.0), f64::NEG_INFINITY);
        assert_eq!(quantile(&v, 1.0), f64::INFINITY);
        assert_eq!(quantile(&[], 0.5), 0.0);
    }

    proptest! {
        #[test]
        fn equals_the_float_sort(v in proptest::collection::vec(any::<u64>().prop_map(f64::from_bits), 0..40), f in 0.0..=1.0f64) {
            prop_assert_eq!(quantile(&v, f).to_bits(), by_float_sort(&v, f).to_bits());
        }
    }
}
