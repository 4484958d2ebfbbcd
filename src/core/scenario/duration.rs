//! Go duration strings (`"300ns"`, `"20us"`, `"1.5ms"`, `"1h2m3.5s"`) to nanoseconds and back.
//!
//! [`parse_duration`] follows Go's `time.ParseDuration` digit for digit, including its float
//! arithmetic for fractions (so `"0.3333333333333333333h"` is exactly 20 minutes, as in Go),
//! except that a scenario's durations take no sign. [`format_duration`] writes the shortest
//! string that parses back to the same value.

use serde_json::Value;

const NS: u64 = 1;
const US: u64 = 1_000;
const MS: u64 = 1_000_000;
const SEC: u64 = 1_000_000_000;
const MIN: u64 = 60 * SEC;
const HOUR: u64 = 60 * MIN;

/// `1 << 63`: the bound Go's parser checks its partial sums against.
const BOUND: u64 = 1 << 63;

/// The units Go's `unitMap` accepts, with their length in nanoseconds.
const UNITS: [(&str, u64); 8] = [
    ("ns", NS),
    ("us", US),
    ("\u{b5}s", US),  // U+00B5 MICRO SIGN
    ("\u{3bc}s", US), // U+03BC GREEK SMALL LETTER MU
    ("ms", MS),
    ("s", SEC),
    ("m", MIN),
    ("h", HOUR),
];

/// What the user is told when a value is neither a duration string nor an integer.
const EXPECTED_DURATION: &str = "expected a duration such as \"2ms\" or an integer of nanoseconds";

/// Parses a Go duration string into nanoseconds.
///
/// Accepts what `time.ParseDuration` accepts, without a sign: `"0"`, or one or more decimal
/// numbers (optional fraction) each followed by a unit among `ns`, `us`, `µs` (U+00B5), `μs`
/// (U+03BC), `ms`, `s`, `m`, `h`, as in `"1h2m3.5s"`. Values above `i64::MAX` nanoseconds are
/// rejected, as in Go. The error is a sentence for the user.
pub fn parse_duration(s: &str) -> Result<u64, String> {
    let orig = s;
    if s.starts_with('-') {
        return Err(format!("durations cannot be negative, got {orig:?}"));
    }
    if s.starts_with('+') {
        return Err(format!("a duration takes no sign, got {orig:?}"));
    }
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err("empty duration (write one such as \"2ms\")".to_string());
    }
    let invalid = || format!("invalid duration {orig:?} (write one such as \"300ns\", \"1.5ms\" or \"2s\")");
    let too_large = || format!("duration {orig:?} is too large");
    let b = s.as_bytes();
    let mut i = 0;
    let mut d: u64 = 0;
    while i < b.len() {
        // The next character must be [0-9.].
        if !(b[i] == b'.' || b[i].is_ascii_digit()) {
            return Err(invalid());
        }
        // Consume [0-9]* (Go's leadingInt).
        let start = i;
        let mut v: u64 = 0;
        while i < b.len() && b[i].is_ascii_digit() {
            if v > BOUND / 10 {
                return Err(too_large());
            }
            v = v * 10 + u64::from(b[i] - b'0');
            if v > BOUND {
                return Err(too_large());
            }
            i += 1;
        }
        let pre = i != start;
        // Consume (\.[0-9]*)? (Go's leadingFraction: digits past what fits are ignored).
        let mut f: u64 = 0;
        let mut scale: f64 = 1.0;
        let mut post = false;
        if i < b.len() && b[i] == b'.' {
            i += 1;
            let start = i;
            let mut overflow = false;
            while i < b.len() && b[i].is_ascii_digit() {
                if !overflow {
                    if f > (BOUND - 1) / 10 {
                        overflow = true;
                    } else {
                        let y = f * 10 + u64::from(b[i] - b'0');
                        if y > BOUND {
                            overflow = true;
                        } else {
                            f = y;
                            scale *= 10.0;
                        }
                    }
                }
                i += 1;
            }
            post = i != start;
        }
        if !pre && !post {
            // No digits, as in ".s".
            return Err(invalid());
        }
        // Consume the unit: everything up to the next number.
        let start = i;
        while i < b.len() && !(b[i] == b'.' || b[i].is_ascii_digit()) {
            i += 1;
        }
        if i == start {
            return Err(format!(
                "missing unit in duration {orig:?} (add one of ns, us, ms, s, m, h, or give an integer of nanoseconds)"
            ));
        }
        // `start` and `i` sit next to ASCII bytes, so they are char boundaries.
        let u = &s[start..i];
        let Some(&(_, unit)) = UNITS.iter().find(|(name, _)| *name == u) else {
            return Err(format!("unknown unit {u:?} in duration {orig:?} (use ns, us, µs, ms, s, m or h)"));
        };
        if v > BOUND / unit {
            return Err(too_large());
        }
        v *= unit;
        if f > 0 {
            // As Go: float64 keeps fractions of hours nanosecond-accurate, and the truncating
            // conversion is part of the meaning.
            v += (f as f64 * (unit as f64 / scale)) as u64;
            if v > BOUND {
                return Err(too_large());
            }
        }
        d += v;
        if d > BOUND {
            return Err(too_large());
        }
    }
    if d > BOUND - 1 {
        return Err(too_large());
    }
    Ok(d)
}

/// Writes `ns` as the shortest Go duration string that [`parse_duration`] reads back exactly:
/// `"300ns"`, `"20us"`, `"1.5ms"`, `"2s"`, `"90s"`, `"1h"`, `"0s"`.
///
/// The candidates are Go's `Duration.String` form (with `us` for µs) and every single-unit
/// form whose integer part is not zero; on equal length Go's form wins, then the larger unit.
/// Values above `i64::MAX` (no Go duration) are written as `"<ns>ns"`.
pub fn format_duration(ns: u64) -> String {
    if ns == 0 {
        return "0s".to_string();
    }
    let mut best: Option<String> = None;
    let mut consider = |c: String| {
        if best.as_ref().is_none_or(|b| c.len() < b.len()) && parse_duration(&c) == Ok(ns) {
            best = Some(c);
        }
    };
    consider(go_string(ns));
    for (unit, name) in [(HOUR, "h"), (MIN, "m"), (SEC, "s"), (MS, "ms"), (US, "us"), (NS, "ns")] {
        if let Some(c) = single_unit(ns, unit, name) {
            consider(c);
        }
    }
    best.unwrap_or_else(|| format!("{ns}ns"))
}

/// Reads a scenario duration: a non-negative integer of nanoseconds or a duration string, at
/// most `max` nanoseconds. The error is a sentence for the user (the caller adds the place).
pub(crate) fn duration_from_json(v: &Value, max: u64) -> Result<u64, String> {
    let ns = match v {
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                u
            } else if let Some(i) = n.as_i64() {
                return Err(format!("durations cannot be negative, got {i}"));
            } else {
                return Err(format!("{EXPECTED_DURATION}, found a floating-point number ({n})"));
            }
        }
        Value::String(s) => parse_duration(s)?,
        other => return Err(format!("{EXPECTED_DURATION}, found {}", describe(other))),
    };
    if ns > max {
        return Err(format!("must be at most {}, got {}", format_duration(max), format_duration(ns)));
    }
    Ok(ns)
}

/// What kind of JSON value `v` is, in words: `a string`, `an array`, `null`, ...
pub(crate) fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".to_string(),
        Value::Bool(_) => "a boolean".to_string(),
        Value::Number(n) if n.is_f64() => format!("a floating-point number ({n})"),
        Value::Number(_) => "an integer".to_string(),
        Value::String(_) => "a string".to_string(),
        Value::Array(_) => "an array".to_string(),
        Value::Object(_) => "an object".to_string(),
    }
}

/// Go's `Duration.String` for a positive duration, with `us` for µs.
fn go_string(ns: u64) -> String {
    if ns < US {
        return format!("{ns}ns");
    }
    if ns < MS {
        return format!("{}us", decimal(ns, US));
    }
    if ns < SEC {
        return format!("{}ms", decimal(ns, MS));
    }
    let secs = ns / SEC;
    let frac = decimal(ns % SEC + SEC, SEC); // "1.xxx": keep the fraction only
    let frac = &frac[1..];
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h > 0 {
        format!("{h}h{m}m{s}{frac}s")
    } else if secs >= 60 {
        format!("{m}m{s}{frac}s")
    } else {
        format!("{s}{frac}s")
    }
}

/// `ns / unit` in decimal, for `unit` a power of ten, trailing zeros of the fraction trimmed.
fn decimal(ns: u64, unit: u64) -> String {
    let (int, rem) = (ns / unit, ns % unit);
    if rem == 0 {
        return int.to_string();
    }
    let width = unit.ilog10() as usize;
    let digits = format!("{rem:0width$}");
    format!("{int}.{}", digits.trim_end_matches('0'))
}

/// `ns` written in one unit, if the integer part is not zero and the fraction is finite.
fn single_unit(ns: u64, unit: u64, name: &str) -> Option<String> {
    let (int, rem) = (ns / unit, ns % unit);
    if int == 0 {
        return None;
    }
    if rem == 0 {
        return Some(format!("{int}{name}"));
    }
    let mut pow: u128 = 1;
    for digits in 1..=12 {
        pow *= 10;
        let scaled = u128::from(rem) * pow;
        if scaled.is_multiple_of(u128::from(unit)) {
            let frac = scaled / u128::from(unit);
            return Some(format!("{int}.{frac:0digits$}{name}"));
        }
    }
    None
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    #[test]
    fn parses_go_syntax_as_go_does() {
        // Cases from Go's time_test.go (parseDurationTests), unsigned ones.
        let cases: &[(&str, u64)] = &[
            ("0", 0),
            ("5s", 5 * SEC),
            ("30s", 30 * SEC),
            ("1478s", 1478 * SEC),
            ("5.0s", 5 * SEC),
            ("5.6s", 5 * SEC + 600 * MS),
            ("5.s", 5 * SEC),
            (".5s", 500 * MS),
            ("1.0s", SEC),
            ("1.00s", SEC),
            ("1.004s", SEC + 4 * MS),
            ("1.0040s", SEC + 4 * MS),
            ("100.00100s", 100 * SEC + MS),
            ("10ns", 10),
            ("11us", 11 * US),
            ("12\u{b5}s", 12 * US),
            ("12\u{3bc}s", 12 * US),
            ("13ms", 13 * MS),
            ("14s", 14 * SEC),
            ("15m", 15 * MIN),
            ("16h", 16 * HOUR),
            ("3h30m", 3 * HOUR + 30 * MIN),
            ("10.5s4m", 4 * MIN + 10 * SEC + 500 * MS),
            ("1h2m3s4ms5us6ns", HOUR + 2 * MIN + 3 * SEC + 4 * MS + 5 * US + 6),
            ("39h9m14.425s", 39 * HOUR + 9 * MIN + 14 * SEC + 425 * MS),
            ("52763797000ns", 52_763_797_000),
            ("0.3333333333333333333h", 20 * MIN),
            ("9007199254740993ns", (1 << 53) + 1),
            ("9223372036854775807ns", (1 << 63) - 1),
            ("9223372036854775.807us", (1 << 63) - 1),
            ("9223372036s854ms775us807ns", (1 << 63) - 1),
            ("0.100000000000000000000h", 6 * MIN),
            ("0.830103483285477580700h", 49 * MIN + 48 * SEC + 372_539_827),
        ];
        for &(s, want) in cases {
            assert_eq!(parse_duration(s), Ok(want), "{s}");
        }
    }

    #[test]
    fn rejects_what_go_rejects_and_any_sign() {
        for s in [
            "",
            "3",
            "-",
            "s",
            ".",
            "-.",
            ".s",
            "+.s",
            "1d",
            "hello",
            "1 s",
            "1sec",
            "1.2.3s",
            "9223372036854775808ns",
            "9223372036854775.808us",
            "9223372036854ms775us808ns",
            "-5s",
            "+5s",
            "-0",
            "+0",
            "1e3ns",
            " 1s",
            "1s ",
        ] {
            assert!(parse_duration(s).is_err(), "{s:?} should be rejected");
        }
    }

    #[test]
    fn explains_errors_in_words() {
        let err = |s: &str| parse_duration(s).unwrap_err();
        assert_eq!(err("-1s"), r#"durations cannot be negative, got "-1s""#);
        assert_eq!(err("+1s"), r#"a duration takes no sign, got "+1s""#);
        assert_eq!(
            err("10"),
            r#"missing unit in duration "10" (add one of ns, us, ms, s, m, h, or give an integer of nanoseconds)"#
        );
        assert_eq!(err("1sec"), r#"unknown unit "sec" in duration "1sec" (use ns, us, µs, ms, s, m or h)"#);
        assert_eq!(err("fast"), r#"invalid duration "fast" (write one such as "300ns", "1.5ms" or "2s")"#);
        assert_eq!(err("99999999999h"), r#"duration "99999999999h" is too large"#);
        assert_eq!(err(""), r#"empty duration (write one such as "2ms")"#);
    }

    #[test]
    fn formats_the_shortest_exact_string() {
        let cases: &[(u64, &str)] = &[
            (0, "0s"),
            (1, "1ns"),
            (300, "300ns"),
            (1_000, "1us"),
            (1_500, "1.5us"),
            (20_000, "20us"),
            (1_234_500, "1.2345ms"),
            (1_500_000, "1.5ms"),
            (100_000_000, "100ms"),
            (2 * SEC, "2s"),
            (SEC + 1, "1.000000001s"),
            (90 * SEC, "90s"),
            (MIN, "1m"),
            (HOUR, "1h"),
            (90 * MIN, "90m"),
            (HOUR + SEC, "3601s"),
            (3 * HOUR + 30 * MIN, "3.5h"),
            (2 * HOUR + 1, "7200.000000001s"),
            ((1 << 63) - 1, "9223372036.854775807s"),
            (u64::MAX, "18446744073709551615ns"),
        ];
        for &(ns, want) in cases {
            assert_eq!(format_duration(ns), want, "{ns}");
        }
    }

    #[test]
    fn reads_integers_and_strings_from_json() {
        let max = HOUR;
        assert_eq!(duration_from_json(&json!(2_000_000), max), Ok(2 * MS));
        assert_eq!(duration_from_json(&json!("2ms"), max), Ok(2 * MS));
        assert_eq!(duration_from_json(&json!("20µs"), max), Ok(20 * US));
        assert_eq!(duration_from_json(&json!(0), max), Ok(0));
        assert_eq!(duration_from_json(&json!("0"), max), Ok(0));
        assert_eq!(duration_from_json(&json!(-1), max).unwrap_err(), "durations cannot be negative, got -1");
        assert_eq!(
            duration_from_json(&json!(2.0), max).unwrap_err(),
            r#"expected a duration such as "2ms" or an integer of nanoseconds, found a floating-point number (2.0)"#
        );
        assert_eq!(
            duration_from_json(&json!(true), max).unwrap_err(),
            r#"expected a duration such as "2ms" or an integer of nanoseconds, found a boolean"#
        );
        assert_eq!(duration_from_json(&json!("2h"), max).unwrap_err(), "must be at most 1h, got 2h");
        assert_eq!(duration_from_json(&json!(HOUR + 1), max).unwrap_err(), "must be at most 1h, got 3600.000000001s");
    }

    proptest! {
        #[test]
        fn format_then_parse_is_identity(ns in 0..=i64::MAX as u64) {
            prop_assert_eq!(parse_duration(&format_duration(ns)), Ok(ns));
        }

        #[test]
        fn format_then_parse_is_identity_for_small_values(ns in 0..=2 * HOUR) {
            prop_assert_eq!(parse_duration(&format_duration(ns)), Ok(ns));
        }

        #[test]
        fn never_panics_on_any_string(s in "\\PC{0,24}") {
            let _ = parse_duration(&s);
        }

        #[test]
        fn never_panics_on_duration_like_strings(s in "[0-9.]{0,22}(ns|us|µs|μs|ms|s|m|h|x)?[0-9.]{0,3}(ns|s|h)?") {
            let _ = parse_duration(&s);
        }
    }
}
