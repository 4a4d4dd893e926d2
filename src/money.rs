//! Money, rates and order ids as they arrive: decimal text, never binary floating point.
//!
//! Inputs reach the core as JSON tokens ([`crate::json::Raw`]), so a number keeps the
//! exact digits it was written with: JS numbers are printed by `JSON.stringify` as their shortest
//! round-trip decimal, which is what the caller meant by `12.5`. Everything here checks the
//! contract's limits (2 decimals for CNY, 15 integer digits, 6 decimals for rates) and says what
//! to change when a value breaks them.

pub(crate) use crate::decimal::{Decimal, Round};
use crate::error::{ErrorCode, KjbError, Result};
use crate::json::Origin;
use crate::json::Raw;
use std::borrow::Cow;
use std::str::FromStr;

/// Most integer digits an amount may have (100 trillion CNY is far beyond any KJB limit).
pub(crate) const MAX_INT_DIGITS: usize = 15;
/// Decimal places of a CNY amount: fen.
pub(crate) const CNY_DECIMALS: u32 = 2;
/// Decimal places of a rate (fee rate, FX rate).
pub(crate) const RATE_DECIMALS: u32 = 6;
/// Largest integer a JS `number` holds exactly.
pub const MAX_SAFE_INTEGER: u64 = 9_007_199_254_740_991;

/// A JSON token: a string or number as written, or anything else (reported by type).
enum Token<'a> {
    Str(Cow<'a, str>),
    Num(&'a str),
    Other(&'static str),
}

/// `t` is the text of one JSON value (a `RawValue`'s, or a slice the fast order reader checked).
fn token(t: &str) -> Token<'_> {
    let t = t.trim();
    match t.as_bytes().first() {
        // Nearly every string token has no escape: its content is the text between the quotes,
        // borrowed rather than decoded into a new `String` (20,000 amounts and ids per 10,000
        // orders). Anything else is decoded by the JSON reader.
        Some(b'"') => match t.get(1..t.len().saturating_sub(1)) {
            Some(inner)
                if t.len() >= 2
                    && t.ends_with('"')
                    && !inner.bytes().any(|b| b == b'\\' || b == b'"' || b < 0x20) =>
            {
                Token::Str(Cow::Borrowed(inner))
            }
            _ => match crate::json::parse::<String>(t) {
                Ok(s) => Token::Str(Cow::Owned(s)),
                Err(_) => Token::Other("a malformed string"),
            },
        },
        Some(b'-' | b'0'..=b'9') => Token::Num(t),
        Some(b'n') => Token::Other("null (NaN, Infinity and undefined arrive as null)"),
        Some(b't' | b'f') => Token::Other("a boolean"),
        Some(b'{') => Token::Other("an object"),
        Some(b'[') => Token::Other("an array"),
        _ => Token::Other("nothing"),
    }
}

/// How a decimal is to be read.
#[derive(Clone, Copy)]
struct Shape {
    what: &'static str,
    code: ErrorCode,
    decimals: u32,
    example: &'static str,
}

const CNY: Shape = Shape {
    what: "a CNY amount",
    code: ErrorCode::InvalidAmount,
    decimals: CNY_DECIMALS,
    example: "\"1234.50\"",
};
const USD: Shape = Shape {
    what: "a USD amount",
    code: ErrorCode::InvalidAmount,
    decimals: CNY_DECIMALS,
    example: "\"1000.00\"",
};
const RATE: Shape = Shape {
    what: "a rate",
    code: ErrorCode::InvalidRate,
    decimals: RATE_DECIMALS,
    example: "\"0.0015\"",
};
const FX: Shape = Shape {
    what: "an FX rate (CNY per 1 USD)",
    code: ErrorCode::InvalidRate,
    decimals: RATE_DECIMALS,
    example: "\"7.1234\"",
};

/// Parses plain decimal text `[-]digits[.digits]` exactly, enforcing the shape's limits.
/// `quoted`: the value was a JSON string, so messages quote it (clipped) as `"…"`. The message
/// text is only built when the value is refused: the 20,000 good amounts of 10,000 orders
/// format nothing.
fn decimal_text(text: &str, shape: Shape, path: &str, quoted: bool) -> Result<Decimal> {
    let bad = |why: String| {
        KjbError::at(
            shape.code,
            path,
            format!("{} must be {}, e.g. {}; {why}", path_name(path), shape.what, shape.example),
        )
    };
    let written = || if quoted { format!("\"{}\"", clip(text)) } else { text.to_string() };
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (int, frac) = match crate::text::split_once_byte(body, b'.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
        if body.bytes().any(|b| b == b'e' || b == b'E') {
            return Err(bad(format!(
                "{} is written with an exponent: write it as plain digits",
                written()
            )));
        }
        return Err(bad(format!("{} is not a plain decimal number", written())));
    }
    if let Some(f) = frac {
        if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
            if f.bytes().any(|b| b == b'e' || b == b'E') {
                return Err(bad(format!(
                    "{} is written with an exponent: write it as plain digits",
                    written()
                )));
            }
            return Err(bad(format!("{} is not a plain decimal number", written())));
        }
        if f.len() > shape.decimals as usize {
            return Err(bad(format!(
                "{} has {} decimal places, at most {} are allowed",
                written(),
                f.len(),
                shape.decimals
            )));
        }
    }
    let significant_int = crate::text::trim_start_byte(int, b'0');
    if significant_int.len() > MAX_INT_DIGITS {
        return Err(bad(format!("{} has more than {MAX_INT_DIGITS} integer digits", written())));
    }
    let value = Decimal::from_str(body)
        .map_err(|_| bad(format!("{} is not a decimal number", written())))?;
    if negative && !value.is_zero() {
        return Err(bad(format!("{} is negative", written())));
    }
    Ok(value)
}

fn path_name(path: &str) -> &str {
    if path.is_empty() {
        "the value"
    } else {
        path
    }
}

fn read(raw: &str, shape: Shape, path: &str) -> Result<Decimal> {
    match token(raw) {
        Token::Str(s) => decimal_text(&s, shape, path, true),
        Token::Num(n) => decimal_text(n, shape, path, false),
        Token::Other(kind) => Err(KjbError::at(
            shape.code,
            path,
            format!(
                "{} must be {} as a decimal string, e.g. {}; got {kind}",
                path_name(path),
                shape.what,
                shape.example
            ),
        )),
    }
}

pub(crate) use crate::text::clip;

/// A non-negative CNY amount with at most 2 decimals and 15 integer digits.
pub fn cny(raw: Raw<'_>, path: &str) -> Result<Decimal> {
    read(raw.get(), CNY, path)
}

/// [`cny`] of a JSON value given as its text.
pub(crate) fn cny_text(raw: &str, path: &str) -> Result<Decimal> {
    read(raw, CNY, path)
}

/// A non-negative USD amount (same shape as CNY).
pub fn usd(raw: Raw<'_>, path: &str) -> Result<Decimal> {
    read(raw.get(), USD, path)
}

/// A rate in [0, 1) with at most 6 decimals.
pub fn rate(raw: Raw<'_>, path: &str) -> Result<Decimal> {
    let r = read(raw.get(), RATE, path)?;
    if r >= Decimal::ONE {
        return Err(KjbError::at(
            ErrorCode::InvalidRate,
            path,
            format!("{} must be below 1 (0.0015 means 0.15%); got {r}", path_name(path)),
        ));
    }
    Ok(r)
}

/// An FX rate: CNY per 1 USD, positive, at most 6 decimals.
pub fn fx(raw: Raw<'_>, path: &str) -> Result<Decimal> {
    let r = read(raw.get(), FX, path)?;
    if r.is_zero() {
        return Err(KjbError::at(
            ErrorCode::InvalidRate,
            path,
            format!("{} must be positive (CNY per 1 USD, e.g. \"7.1234\")", path_name(path)),
        ));
    }
    Ok(r)
}

/// Parses an amount given as plain text (CLI flags, query strings).
pub fn cny_str(text: &str, path: &str) -> Result<Decimal> {
    decimal_text(text, CNY, path, true)
}

/// Rounds to the fen with the given mode; amounts read from orders already are in fen, and
/// rounding leaves those as they are.
pub(crate) fn to_fen(d: Decimal, mode: Round) -> Decimal {
    d.round_to(CNY_DECIMALS, mode)
}

/// A CNY amount as output: always exactly 2 decimals.
pub fn fmt_cny(d: Decimal) -> String {
    let mut out = String::with_capacity(24);
    push_cny(&mut out, d);
    out
}

/// Appends [`fmt_cny`]`(d)`: digits, a `.`, and `-` at most, nothing JSON escapes, so the
/// hand-written answers put it between quotes as it is.
pub(crate) fn push_cny(out: &mut String, d: Decimal) {
    // Beyond 2^96 fen, which no sum of amounts reaches, with the places that fit.
    let r = to_fen(d, Round::HalfUp).widened(CNY_DECIMALS);
    if r.is_sign_negative() {
        out.push('-');
    }
    crate::decimal::push_fixed(out, r.mantissa().unsigned_abs(), r.scale());
}

/// A rate as output: its shortest exact form (`"0.0015"`, `"0"`).
pub fn fmt_rate(d: Decimal) -> String {
    let mut out = String::new();
    push_rate(&mut out, d);
    out
}

/// Appends [`fmt_rate`]`(d)`.
pub(crate) fn push_rate(out: &mut String, d: Decimal) {
    let n = d.normalize();
    if n.is_sign_negative() {
        out.push('-');
    }
    crate::decimal::push_fixed(out, n.mantissa().unsigned_abs(), n.scale());
}

/// Adds exactly; amounts are bounded to 15 integer digits so a sum of up to 10^12 of them fits
/// in a `Decimal` — the checked form turns the impossible overflow into an error, not a panic.
#[inline]
pub(crate) fn add(a: Decimal, b: Decimal) -> Result<Decimal> {
    a.checked_add(b).ok_or_else(|| KjbError::internal("decimal overflow while adding amounts"))
}

pub(crate) fn sub(a: Decimal, b: Decimal) -> Result<Decimal> {
    a.checked_sub(b).ok_or_else(|| KjbError::internal("decimal overflow while subtracting amounts"))
}

pub(crate) fn mul(a: Decimal, b: Decimal) -> Result<Decimal> {
    a.checked_mul(b).ok_or_else(|| KjbError::internal("decimal overflow while multiplying amounts"))
}

/// `a / b` rounded to the fen with `mode`, exactly: every quotient kjb shows is one in fen.
pub(crate) fn div_fen(a: Decimal, b: Decimal, mode: Round) -> Result<Decimal> {
    a.div_round(b, CNY_DECIMALS, mode)
        .ok_or_else(|| KjbError::internal("decimal division by zero or overflow"))
}

/// An order id: 1–19 digits fitting u64, from a string, a BigInt (which the JS layer sends as a
/// string) or an integer number. Numbers from JS above 2^53 − 1 are refused: they already lost
/// digits before kjb saw them.
pub fn order_id(raw: Raw<'_>, path: &str, origin: Origin) -> Result<u64> {
    order_id_text(raw.get(), path, origin)
}

/// [`order_id`] of a JSON value given as its text.
pub(crate) fn order_id_text(raw: &str, path: &str, origin: Origin) -> Result<u64> {
    let invalid = |why: String| {
        KjbError::at(ErrorCode::InvalidOrderId, path, format!("{} must be a 1688 order id: a string of 1–19 digits, e.g. \"3535260697417660107\"; {why}", path_name(path)))
    };
    match token(raw) {
        Token::Str(s) => digits_id(&s).map_err(|why| invalid(format!("\"{}\" {why}", clip(&s)))),
        Token::Num(n) => {
            let id = digits_id(n).map_err(|why| invalid(format!("{n} {why}")))?;
            if origin == Origin::Js && id > MAX_SAFE_INTEGER {
                return Err(KjbError::at(
                    ErrorCode::UnsafeOrderId,
                    path,
                    format!("{} is a JS number above Number.MAX_SAFE_INTEGER and has already lost digits; pass order ids as strings or BigInt", path_name(path)),
                ));
            }
            Ok(id)
        }
        Token::Other(kind) => Err(invalid(format!("got {kind}"))),
    }
}

/// Parses an id from its digits; the error says what is wrong with them.
pub(crate) fn digits_id(s: &str) -> std::result::Result<u64, &'static str> {
    if s.is_empty() {
        return Err("is empty");
    }
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err("is not a whole number of digits");
    }
    if s.len() > 1 && s.starts_with('0') {
        return Err("starts with 0");
    }
    if s.len() > 19 {
        return Err("has more than 19 digits");
    }
    match s.parse::<u64>() {
        Ok(0) => Err("is zero"),
        Ok(v) => Ok(v),
        Err(_) => Err("does not fit in 19 digits"),
    }
}

/// A CNY amount in its usual form, read in one pass: digits with at most 2 decimals
/// (`"120000.50"`, `"80000"`, `12.5`), without sign, exponent or escape, at most 15 integer
/// digits. It is the very `Decimal` (mantissa and scale) [`cny`] reads from the same
/// text; `None` for anything else, which `cny` reads — or refuses, with its message.
/// `token` is the JSON token as it stands in the text (no surrounding whitespace); it is
/// the shortcut of both the order reader and `quoteFee`.
pub(crate) fn plain_cny(token: &str) -> Option<Decimal> {
    let t = token;
    let text = match t.strip_prefix('"') {
        Some(rest) => rest.strip_suffix('"')?,
        None => t,
    };
    let (mut mantissa, mut int_digits, mut decimals) = (0u64, 0usize, None::<u32>);
    for b in text.bytes() {
        if b == b'.' {
            if decimals.is_some() || int_digits == 0 {
                return None;
            }
            decimals = Some(0);
            continue;
        }
        if !b.is_ascii_digit() {
            return None;
        }
        match decimals.as_mut() {
            None if int_digits < MAX_INT_DIGITS => int_digits = int_digits.saturating_add(1),
            Some(n) if *n < CNY_DECIMALS => *n = n.saturating_add(1),
            _ => return None,
        }
        // At most 17 digits: far below u64::MAX.
        mantissa = mantissa.checked_mul(10)?.checked_add(u64::from(b.wrapping_sub(b'0')))?;
    }
    match decimals {
        _ if int_digits == 0 => None,
        Some(0) => None,
        scale => Some(Decimal::from_u64(mantissa, scale.unwrap_or(0))),
    }
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use crate::decimal::oracle::{ours, same, strategy, RoundingStrategy, Theirs, MODES};

    /// What `rust_decimal` prints for a CNY figure: the fen, rescaled to 2 decimals.
    fn their_cny(d: Theirs) -> String {
        let mut fen =
            d.round_dp_with_strategy(CNY_DECIMALS, RoundingStrategy::MidpointAwayFromZero);
        fen.rescale(CNY_DECIMALS);
        fen.to_string()
    }

    #[test]
    fn figures_print_like_money() {
        let mut cases: Vec<Theirs> = [
            "0",
            "-0",
            "0.001",
            "0.005",
            "0.0049",
            "1",
            "12.5",
            "-12.5",
            "-0.004",
            "0.0015",
            "0.00015",
            "100000",
            "1e-28",
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
            "18446744073709551615",
            "18446744073709551616",
            "0.000001",
            "7.1234",
        ]
        .iter()
        .map(|s| Theirs::from_scientific(s).or_else(|_| Theirs::from_str(s)).unwrap())
        .collect();
        let mut x: u64 = 0x1688;
        for _ in 0..2000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let scale = u32::try_from(x % 29).unwrap();
            cases.push(Theirs::from_i128_with_scale(i128::from(x >> (x % 60)), scale));
        }
        for t in cases {
            let c = ours(t);
            let (mut cny, mut rate) = (String::new(), String::new());
            push_cny(&mut cny, c);
            push_rate(&mut rate, c);
            // `rust_decimal` cannot rescale a figure of 2^96 fen or more to 2 decimals; no sum
            // of amounts comes near (15 integer digits each).
            if t.abs() < Theirs::from_i128_with_scale((1 << 96) - 1, 2) {
                assert_eq!(cny, their_cny(t), "{c:?}");
            }
            assert_eq!(rate, t.normalize().to_string(), "{c:?}");
            assert_eq!((fmt_cny(c), fmt_rate(c)), (cny, rate));
        }
    }

    use super::*;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 20_000, ..Default::default() })]

        /// `to_fen` (64-bit and 128-bit paths) gives exactly what `round_dp_with_strategy`
        /// gives, scale included.
        #[test]
        fn fen_rounding_is_round_dp(m in proptest::prelude::any::<i64>(), wide in proptest::prelude::any::<u64>(), big in proptest::prelude::any::<bool>(), scale in 0u32..=28, pick in 0usize..4, small in 0u64..100_000) {
            let mode = MODES[pick];
            let mantissas = [i128::from(m), i128::from(wide), -i128::from(wide), i128::from(small), -i128::from(small), i128::from(small) * 5, i128::from(u64::MAX) - i128::from(small)];
            for mant in mantissas.into_iter().chain(big.then_some(i128::from(wide) << 20)) {
                let d = Theirs::from_i128_with_scale(mant, scale);
                let want = if d.scale() <= CNY_DECIMALS { d } else { d.round_dp_with_strategy(CNY_DECIMALS, strategy(mode)) };
                let got = to_fen(ours(d), mode);
                proptest::prop_assert!(same(got, want), "{} {:?}: {} {}", d, mode, got, want);
            }
        }
    }

    #[test]
    fn fen_rounding_at_midpoints() {
        for s in [
            "0.005",
            "-0.005",
            "0.015",
            "-0.015",
            "0.025",
            "-0.001",
            "-0.0049999",
            "1.2350",
            "18446744073709551.615",
            "-18446744073709551.615",
            "0.0000000000000000000000000005",
        ] {
            let d: Theirs = s.parse().unwrap();
            for mode in MODES {
                assert!(
                    same(
                        to_fen(ours(d), mode),
                        d.round_dp_with_strategy(CNY_DECIMALS, strategy(mode))
                    ),
                    "{s} {mode:?}"
                );
            }
        }
    }

    fn raw(s: &str) -> Raw<'_> {
        Raw(s)
    }

    #[test]
    fn cny_accepts_exact_values() {
        for (t, want) in [
            ("\"10.00\"", "10.00"),
            ("\"0\"", "0"),
            ("12.5", "12.5"),
            ("\"999999999999999.99\"", "999999999999999.99"),
            ("-0", "0"),
            ("7", "7"),
        ] {
            assert_eq!(cny(raw(t), "amount").unwrap().to_string(), want, "{t}");
        }
    }

    #[test]
    fn cny_refuses_bad_values_with_path() {
        for t in [
            "\"abc\"",
            "-1",
            "null",
            "\"1.005\"",
            "1e+21",
            "1e21",
            "\"1e5\"",
            "\"\"",
            "\" 1\"",
            "\"1.\"",
            "\".5\"",
            "\"+1\"",
            "0.30000000000000004",
            "\"1000000000000000\"",
            "true",
            "{}",
            "[]",
            "\"-5\"",
            "\"１２\"",
        ] {
            let e = cny(raw(t), "orders[3].amount").unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidAmount, "{t}");
            assert_eq!(e.path.as_deref(), Some("orders[3].amount"));
            assert!(e.message.starts_with("orders[3].amount must be"), "{}", e.message);
        }
    }

    #[test]
    fn rates() {
        assert_eq!(rate(raw("\"0.0015\""), "r").unwrap().to_string(), "0.0015");
        assert_eq!(rate(raw("\"1\""), "r").unwrap_err().code, ErrorCode::InvalidRate);
        assert_eq!(rate(raw("\"0.0000001\""), "r").unwrap_err().code, ErrorCode::InvalidRate);
        assert_eq!(fx(raw("\"0\""), "fx.usd").unwrap_err().code, ErrorCode::InvalidRate);
        assert_eq!(fx(raw("\"7.123456\""), "fx.usd").unwrap().to_string(), "7.123456");
    }

    #[test]
    fn ids() {
        let big = "3535260697417660107";
        assert_eq!(
            order_id(raw(&format!("\"{big}\"")), "id", Origin::Js).unwrap().to_string(),
            big
        );
        assert_eq!(order_id(raw(big), "id", Origin::Text).unwrap().to_string(), big);
        assert_eq!(
            order_id(raw(big), "id", Origin::Js).unwrap_err().code,
            ErrorCode::UnsafeOrderId
        );
        assert_eq!(order_id(raw("9007199254740991"), "id", Origin::Js).unwrap(), MAX_SAFE_INTEGER);
        assert_eq!(
            order_id(raw("9007199254740992"), "id", Origin::Js).unwrap_err().code,
            ErrorCode::UnsafeOrderId
        );
        for t in [
            "\"\"",
            "\"12a\"",
            "1.5",
            "-3",
            "\"0123\"",
            "0",
            "\"99999999999999999999\"",
            "null",
            "1e+21",
        ] {
            assert_eq!(
                order_id(raw(t), "id", Origin::Text).unwrap_err().code,
                ErrorCode::InvalidOrderId,
                "{t}"
            );
        }
    }

    #[test]
    fn fmt_cny_prints_like_decimal_display() {
        let mut cases: Vec<Theirs> = [
            "0",
            "-0",
            "0.001",
            "0.005",
            "0.01",
            "0.1",
            "1",
            "9.99",
            "10",
            "12.345",
            "100000",
            "999999999999999.99",
            "-1.5",
            "-0.004",
            "184467440737095516.15",
            "184467440737095516.16",
            "792281625142643375935439503.35",
        ]
        .iter()
        .map(|s| Theirs::from_str(s).unwrap())
        .collect();
        cases.push(Theirs::new(-0, 5));
        for fen in (0..2000u64).chain([u64::MAX / 100, u64::MAX]) {
            cases.push(Theirs::from_i128_with_scale(i128::from(fen), 2));
            cases.push(Theirs::from_i128_with_scale(i128::from(fen), 4));
        }
        for d in cases {
            assert_eq!(fmt_cny(ours(d)), their_cny(d), "{d:?}");
            for mode in MODES {
                assert!(
                    same(
                        to_fen(ours(d), mode),
                        d.round_dp_with_strategy(CNY_DECIMALS, strategy(mode))
                    ),
                    "{d:?}"
                );
            }
        }
    }

    #[test]
    fn formatting() {
        assert_eq!(fmt_cny(Decimal::from_str("18.5").unwrap()), "18.50");
        assert_eq!(fmt_cny(Decimal::ZERO), "0.00");
        assert_eq!(fmt_rate(Decimal::from_str("0.001500").unwrap()), "0.0015");
        assert_eq!(clip(&"x".repeat(100)).chars().count(), 41);
    }

    #[test]
    fn clipped_text_hides_nothing() {
        assert_eq!(clip(&"x".repeat(40)), "x".repeat(40));
        assert_eq!(clip(&"中".repeat(41)), format!("{}…", "中".repeat(40)));
        // A bidi override would show the rest of a message reversed; zero-width, format and
        // control characters would be unseen.
        assert_eq!(
            clip("12\u{202e}34\u{200b}5\u{7f}\n\u{1}"),
            r"12\u{202e}34\u{200b}5\u{7f}\n\u0001"
        );
        assert_eq!(clip("\u{e0041}\u{feff}\u{61c}"), r"\u{e0041}\u{feff}\u{61c}");
        // Visible text, quotes and backslashes included, is quoted as it is.
        assert_eq!(clip(r#"a"b\c é 中 ①"#), r#"a"b\c é 中 ①"#);
        // Through the façade: an order id with a bidi override.
        let e = crate::api::order_ids("[\"35352\u{202e}60697\"]", Origin::Js).unwrap_err();
        assert!(e.message.contains(r"35352\u{202e}60697"), "{}", e.message);
        assert!(!e.message.contains('\u{202e}'), "{}", e.message);
    }
}
