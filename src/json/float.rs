//! A JSON number with a fraction or an exponent, as a float, without the standard library's
//! float parser.
//!
//! kjb reads no float itself: money is decimal text and ids are integers. A float reaches only
//! a visitor that takes any value (serde's `IgnoredAny` skipping a push message's fields,
//! `serde_json::Value` in the tests), and the reader must refuse what no float holds (`1E400`),
//! as serde_json does. `str::parse::<f64>` rounds correctly, but its tables would be the
//! largest single thing in the wasm after the data section, for values nobody reads. So here
//! the range is decided exactly, on the digits, and the value is the nearest float when it
//! has at most 15 significant digits and a power of ten up to 10^22 (most numbers written by
//! hand or by a program), and within a few units in the last place otherwise.

/// The digits of the smallest number that rounds to infinity, 2^1024 − 2^970 (10^308 ≤ it <
/// 10^309): halfway between `f64::MAX` and 2^1024, and a tie goes to 2^1024's even mantissa.
const OVERFLOW: &[u8] = b"17976931348623158079372897140530341507993413271003782693617377898\
04449682927647509466490179775872070963302864166928879109465555478519404026306574886715058\
20681908902000708383676273854845817711531764475730270069855571366959622842914819860834936\
475292719074168444365510704342711559699508093042880177904174497792";

/// 10^0 … 10^21: every one is a float exactly.
const SMALL: [f64; 22] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21,
];

/// 10^(22·k) for k = 0 … 14, each rounded once, by the compiler.
const LARGE: [f64; 15] = [
    1e0, 1e22, 1e44, 1e66, 1e88, 1e110, 1e132, 1e154, 1e176, 1e198, 1e220, 1e242, 1e264, 1e286,
    1e308,
];

/// Significant digits a `u64` always holds.
const HELD: usize = 19;

/// The number `text` (JSON's grammar, already checked) as a float; `None` when it is too large
/// for one, where `str::parse::<f64>` gives infinity.
pub(super) fn float(text: &str) -> Option<f64> {
    let b = text.as_bytes();
    let (negative, b) = match b.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, b),
    };
    let (mantissa, exponent) = match b.iter().position(|c| matches!(c, b'e' | b'E')) {
        Some(at) => (b.get(..at)?, b.get(at.saturating_add(1)..)?),
        None => (b, &[][..]),
    };
    let fraction = match mantissa.iter().position(|&c| c == b'.') {
        Some(at) => mantissa.len().saturating_sub(at).saturating_sub(1),
        None => 0,
    };
    let digits = || mantissa.iter().copied().filter(u8::is_ascii_digit).skip_while(|&c| c == b'0');
    let count = digits().count();
    let magnitude = if count == 0 {
        0.0
    } else {
        // value = d₁.d₂d₃… × 10^point
        let point = as_i64(count)
            .saturating_sub(1)
            .saturating_add(power(exponent))
            .saturating_sub(as_i64(fraction));
        if point > 308 || (point == 308 && digits().cmp(OVERFLOW.iter().copied()).is_ge()) {
            return None;
        }
        if point < -400 {
            // Below half the smallest subnormal (~2.5 × 10^-324) by far.
            return Some(if negative { -0.0 } else { 0.0 });
        }
        let held = count.min(HELD);
        let m = digits()
            .take(held)
            .fold(0u64, |m, d| m.wrapping_mul(10).wrapping_add(u64::from(d.wrapping_sub(b'0'))));
        let value = scale(m as f64, point.saturating_sub(as_i64(held)).saturating_add(1));
        // Below the overflow digits, so a float holds it: only rounding on the way got past.
        if value.is_finite() {
            value
        } else {
            f64::MAX
        }
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// An exponent's digits (sign included) as a number, held at ±2^40: far past any float's
/// range, and no sum with a text's length can overflow.
fn power(text: &[u8]) -> i64 {
    let (negative, digits) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, text),
    };
    let n = digits.iter().fold(0i64, |n, &d| {
        n.saturating_mul(10).saturating_add(i64::from(d.wrapping_sub(b'0'))).min(1 << 40)
    });
    if negative {
        n.saturating_neg()
    } else {
        n
    }
}

fn as_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// `m` × 10^`e`, for `e` from −420 to 308.
fn scale(m: f64, e: i64) -> f64 {
    // 10^420 is past a float: take 10^308 off first, into the subnormals.
    let (m, e) = if e < -308 { (m / 1e308, e.saturating_add(308)) } else { (m, e) };
    let p = ten_to(u32::try_from(e.unsigned_abs()).unwrap_or(u32::MAX));
    if e >= 0 {
        m * p
    } else {
        m / p
    }
}

/// 10^`e`, for `e` ≤ 308.
fn ten_to(e: u32) -> f64 {
    let large = LARGE.get(usize::try_from(e / 22).unwrap_or(usize::MAX)).copied();
    let small = SMALL.get(usize::try_from(e % 22).unwrap_or(usize::MAX)).copied();
    large.unwrap_or(f64::INFINITY) * small.unwrap_or(f64::INFINITY)
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects, clippy::unwrap_used)]
mod tests {
    use super::float;
    use proptest::prelude::*;

    /// The standard library's correctly rounded reading, with infinity as "too large".
    fn std_float(text: &str) -> Option<f64> {
        text.parse::<f64>().ok().filter(|f| f.is_finite())
    }

    /// Within `ulps` units in the last place of the correctly rounded value (subnormals:
    /// of the smallest normal's).
    fn close(ours: f64, exact: f64, ulps: f64) -> bool {
        let unit = exact.abs().max(f64::MIN_POSITIVE) * f64::EPSILON;
        ours == exact || (ours - exact).abs() <= ulps * unit
    }

    #[test]
    fn range_is_decided_exactly_at_the_rounding_boundary() {
        let max = "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497791";
        let half = max.trim_end_matches('1').to_string() + "2";
        for text in [
            max.to_string(),
            half.clone(),
            format!("{half}0"),
            format!("{max}.999999"),
            format!("{}e-1", half + "0"),
            "1.7976931348623157e308".into(),
            "1.7976931348623158e308".into(),
            "1.7976931348623159e308".into(),
            "-1.7976931348623159e308".into(),
            "1e308".into(),
            "1e309".into(),
            "10e308".into(),
            "0.1e309".into(),
            "0.00000e999999999999999999999".into(),
            "1e-99999999999999999999".into(),
            "-0".into(),
            "-0.0e5".into(),
            "0e-5".into(),
        ] {
            let (ours, std) = (float(&text), std_float(&text));
            assert_eq!(ours.is_some(), std.is_some(), "{text}");
            if let (Some(o), Some(s)) = (ours, std) {
                assert!(close(o, s, 0.0), "{text}: {o} vs {s}");
                assert_eq!(o.is_sign_negative(), s.is_sign_negative(), "{text}");
            }
        }
    }

    proptest! {
        /// What people and programs write (up to 15 digits, a small power of ten) reads as the
        /// nearest float.
        #[test]
        fn short_numbers_are_exact(m in 0u64..1_000_000_000_000_000, point in 0usize..16, shift in -22i32..=22, neg: bool) {
            let digits = m.to_string();
            let point = point.min(digits.len());
            let (int, frac) = digits.split_at(digits.len() - point);
            // The value is m × 10^shift: one rounding, so the nearest float.
            let e = shift + point as i32;
            let text = format!("{}{}{}{}e{e}", if neg { "-" } else { "" }, if int.is_empty() { "0" } else { int }, if frac.is_empty() { "" } else { "." }, frac);
            prop_assert!(close(float(&text).unwrap(), std_float(&text).unwrap(), 0.0), "{}", text);
        }

        /// Any number: the same answer on the range, and the value within a few units in the
        /// last place.
        #[test]
        fn any_number_is_close(digits in "[1-9][0-9]{0,40}", point in 0usize..40, e in -400i32..400, neg: bool) {
            let point = point.min(digits.len() - 1);
            let (int, frac) = digits.split_at(digits.len() - point);
            let text = format!("{}{int}.{frac}0e{e}", if neg { "-" } else { "" });
            let (ours, std) = (float(&text), std_float(&text));
            prop_assert_eq!(ours.is_some(), std.is_some(), "{}", text);
            if let (Some(o), Some(s)) = (ours, std) {
                prop_assert!(close(o, s, 3.0), "{}: {} vs {}", text, o, s);
            }
        }

        /// Floats printed by Rust (every digit, no exponent) read back.
        #[test]
        fn printed_floats_read_back(f in any::<f64>().prop_filter("finite", |f| f.is_finite())) {
            let text = f.to_string();
            prop_assert!(close(float(&text).unwrap(), f, 3.0), "{}", text);
        }
    }
}
