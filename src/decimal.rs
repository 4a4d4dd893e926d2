//! Exact decimal numbers for money and rates: an integer mantissa and a count of decimal places.
//!
//! kjb's figures are CNY and USD amounts (at most 15 integer digits and 2 places), rates (at most
//! 6 places), and their sums, products and quotients: an `i128` mantissa holds each exactly, and
//! its arithmetic is a few machine instructions where a general decimal library brings tens of
//! kilobytes of code. The range is that of `rust_decimal` — a mantissa below 2^96, at most 28
//! places — which the tests use as the oracle of every operation here: a sum or product beyond
//! it (only an absurd FX rate times a huge limit makes one) rounds half-even to fewer places, or
//! overflows, as it does there, so even those answers do not depend on which type computed them.
//! Text is read (`FromStr`) with `rust_decimal`'s grammar for the same reason: 1688 answers that
//! kjb reads leniently must be read the same way.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// Mantissas stay below 2^96.
const LIMIT: u128 = 1 << 96;
/// Most decimal places.
const MAX_SCALE: u32 = 28;

/// `mantissa / 10^scale`. Equality and order are by value (`1.5 == 1.50`); the scale only shows
/// when printed (`Display` keeps it, as a decimal written `"10.50"` reads back `10.50`).
#[derive(Clone, Copy)]
pub struct Decimal {
    m: i128,
    scale: u32,
}

/// How a figure is rounded to fewer places.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Round {
    /// Towards zero.
    Down,
    /// Away from zero.
    Up,
    /// Half away from zero (四舍五入).
    HalfUp,
    /// Half to even.
    HalfEven,
}

/// 10^0 … 10^38, every power of ten `u128` holds.
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)] // evaluated at compile time
static POW10: [u128; 39] = {
    let mut t = [1u128; 39];
    let mut i = 1;
    while i < t.len() {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

fn pow10(n: u32) -> Option<u128> {
    POW10.get(usize::try_from(n).ok()?).copied()
}

/// `m × 10^by`, `None` past `i128`. The usual operand (an amount, a rate) fits 64 bits and is
/// scaled by at most 10^18, a product that cannot overflow: it is multiplied without the
/// overflow check, which on WebAssembly is a slow library call.
#[inline(never)]
fn scaled(m: i128, by: u32) -> Option<i128> {
    if by == 0 {
        return Some(m);
    }
    let p = i128::try_from(pow10(by)?).ok()?;
    match (i32::try_from(m), i64::try_from(m)) {
        // An amount below 2^31 fen scaled by at most 10^9: a native 64-bit product.
        (Ok(small), _) if by <= 9 => {
            Some(i128::from(i64::from(small).wrapping_mul(i64::try_from(p).ok()?)))
        }
        (_, Ok(small)) if by <= 18 => Some(i128::from(small).wrapping_mul(p)),
        _ => m.checked_mul(p),
    }
}

/// `q` rounded up or not, given the remainder `r` of a division by `div` (`r < div`).
fn round_up(mode: Round, q: u128, r: u128, div: u128) -> bool {
    // `r` against the half of `div` without overflow: the sign of `r - (div - r)`.
    let rest = div.saturating_sub(r);
    match mode {
        Round::Down => false,
        Round::Up => r != 0,
        Round::HalfUp => r != 0 && r >= rest,
        Round::HalfEven => r > rest || (r != 0 && r == rest && q & 1 == 1),
    }
}

/// `±magnitude`: `None` if it does not fit (it always does below 2^96).
fn signed(negative: bool, magnitude: u128) -> Option<i128> {
    let m = i128::try_from(magnitude).ok()?;
    Some(if negative { m.wrapping_neg() } else { m })
}

impl Decimal {
    pub const ZERO: Decimal = Decimal { m: 0, scale: 0 };
    pub const ONE: Decimal = Decimal { m: 1, scale: 0 };

    /// `mantissa / 10^scale` for the constants of the code (`scale` at most 28).
    pub(crate) const fn new(mantissa: i64, scale: u32) -> Decimal {
        Decimal { m: mantissa as i128, scale: if scale > MAX_SCALE { MAX_SCALE } else { scale } }
    }

    /// `mantissa / 10^scale` from a reader that counted the digits (`scale` at most 28).
    pub(crate) fn from_u64(mantissa: u64, scale: u32) -> Decimal {
        Decimal { m: i128::from(mantissa), scale: scale.min(MAX_SCALE) }
    }

    /// `m / 10^scale` brought into range: rounded half-even to the most places that keep the
    /// mantissa below 2^96 (and the places at most 28); `None` when not even the whole number
    /// fits.
    fn fit(m: i128, scale: u32) -> Option<Decimal> {
        if m.unsigned_abs() < LIMIT && scale <= MAX_SCALE {
            return Some(Decimal { m, scale });
        }
        Decimal::round_into_range(m, scale)
    }

    #[inline(never)]
    fn round_into_range(m: i128, scale: u32) -> Option<Decimal> {
        let mag = m.unsigned_abs();
        let mut drop = scale.saturating_sub(MAX_SCALE).max(1);
        while drop <= scale {
            let q = match pow10(drop) {
                Some(div) => {
                    let (q, r) = (mag.checked_div(div)?, mag.checked_rem(div)?);
                    if round_up(Round::HalfEven, q, r, div) {
                        q.checked_add(1)?
                    } else {
                        q
                    }
                }
                // 10^drop is beyond u128: the value rounds to 0.
                None => 0,
            };
            if q < LIMIT {
                return Some(Decimal { m: signed(m < 0, q)?, scale: scale.checked_sub(drop)? });
            }
            drop = drop.checked_add(1)?;
        }
        None
    }

    pub(crate) fn is_zero(self) -> bool {
        self.m == 0
    }

    pub(crate) fn is_sign_negative(self) -> bool {
        self.m < 0
    }

    /// Decimal places as written or computed.
    pub(crate) fn scale(self) -> u32 {
        self.scale
    }

    /// The mantissa (`value × 10^scale`).
    pub(crate) fn mantissa(self) -> i128 {
        self.m
    }

    pub(crate) fn abs(self) -> Decimal {
        Decimal { m: self.m.wrapping_abs(), scale: self.scale }
    }

    fn neg(self) -> Decimal {
        Decimal { m: self.m.wrapping_neg(), scale: self.scale }
    }

    /// Both mantissas at the larger scale; `None` past `i128` (never for kjb's scales, ≤ 8).
    #[inline]
    fn aligned(self, other: Decimal) -> Option<(i128, i128, u32)> {
        let scale = self.scale.max(other.scale);
        let up = |d: Decimal| scaled(d.m, scale.checked_sub(d.scale)?);
        Some((up(self)?, up(other)?, scale))
    }

    /// The exact sum, brought into range; a zero term gives the other unchanged.
    #[inline]
    pub(crate) fn checked_add(self, other: Decimal) -> Option<Decimal> {
        // The usual sum (amounts in fen, at one scale) in one native addition: two terms below
        // 2^63 add up to less than 2^96.
        if self.scale == other.scale && !self.is_zero() && !other.is_zero() {
            if let (Ok(a), Ok(b)) = (i64::try_from(self.m), i64::try_from(other.m)) {
                return Some(Decimal {
                    m: i128::from(a).wrapping_add(i128::from(b)),
                    scale: self.scale,
                });
            }
        }
        self.add_any(other)
    }

    #[inline(never)]
    fn add_any(self, other: Decimal) -> Option<Decimal> {
        if self.is_zero() {
            return Some(other);
        }
        if other.is_zero() {
            return Some(self);
        }
        let (a, b, scale) = self.aligned(other)?;
        Decimal::fit(a.checked_add(b)?, scale)
    }

    pub(crate) fn checked_sub(self, other: Decimal) -> Option<Decimal> {
        self.checked_add(other.neg())
    }

    /// The exact product, brought into range. `None` past `i128`, which the products kjb forms
    /// (an amount by a rate: at most 17 + 21 digits) never reach.
    #[inline(never)]
    pub(crate) fn checked_mul(self, other: Decimal) -> Option<Decimal> {
        if self.is_zero() || other.is_zero() {
            return Some(Decimal::ZERO);
        }
        // Two 64-bit mantissas (an amount by a rate, nearly always) cannot overflow i128.
        let m = match (i32::try_from(self.m), i32::try_from(other.m)) {
            (Ok(a), Ok(b)) => i128::from(i64::from(a).wrapping_mul(i64::from(b))),
            _ => match (i64::try_from(self.m), i64::try_from(other.m)) {
                (Ok(a), Ok(b)) => i128::from(a).wrapping_mul(i128::from(b)),
                _ => self.m.checked_mul(other.m)?,
            },
        };
        Decimal::fit(m, self.scale.checked_add(other.scale)?)
    }

    /// `self / other` rounded to `places` places with `mode`, exactly; `None` for a zero divisor
    /// or a quotient out of range.
    #[inline(never)]
    pub(crate) fn div_round(self, other: Decimal, places: u32, mode: Round) -> Option<Decimal> {
        if other.is_zero() {
            return None;
        }
        // self / other × 10^places = (|a| × 10^(places + scale_b)) / (|b| × 10^scale_a).
        let shift = i64::from(places)
            .checked_add(i64::from(other.scale))?
            .checked_sub(i64::from(self.scale))?;
        let (mut num, mut den) = (self.m.unsigned_abs(), other.m.unsigned_abs());
        let p = pow10(u32::try_from(shift.checked_abs()?).ok()?)?;
        if shift >= 0 {
            num = num.checked_mul(p)?;
        } else {
            den = den.checked_mul(p)?;
        }
        let (q, r) = match (u64::try_from(num), u64::try_from(den)) {
            // 64-bit division where it does (see `round_to`).
            (Ok(n), Ok(d)) => (u128::from(n.checked_div(d)?), u128::from(n.checked_rem(d)?)),
            _ => (num.checked_div(den)?, num.checked_rem(den)?),
        };
        let q = if round_up(mode, q, r, den) { q.checked_add(1)? } else { q };
        if places > MAX_SCALE {
            return None;
        }
        if q >= LIMIT {
            // Too big for `places` places: as a general decimal quotient, with the places
            // that fit, half-even at the last one (no USD figure of kjb comes near 10^26).
            return self.div_round(other, places.checked_sub(1)?, Round::HalfEven);
        }
        Some(Decimal {
            m: signed(self.is_sign_negative() != other.is_sign_negative(), q)?,
            scale: places,
        })
    }

    /// Rounded to `places` places with `mode`; unchanged when it has no more places than that.
    pub(crate) fn round_to(self, places: u32, mode: Round) -> Decimal {
        let Some(div) = self.scale.checked_sub(places).filter(|&d| d > 0).and_then(pow10) else {
            return self;
        };
        let mag = self.m.unsigned_abs();
        // The usual figure (a fee before rounding: an amount in fen times a rate, 8 places) is
        // rounded in 64 bits, which WebAssembly does in one instruction where 128 bits take a
        // call.
        let (q, r) = match (u64::try_from(mag), u64::try_from(div)) {
            (Ok(m), Ok(d)) => match (m.checked_div(d), m.checked_rem(d)) {
                (Some(q), Some(r)) => (u128::from(q), u128::from(r)),
                _ => return self,
            },
            _ => match (mag.checked_div(div), mag.checked_rem(div)) {
                (Some(q), Some(r)) => (q, r),
                _ => return self,
            },
        };
        // `q` < 2^96 / 10, so `q + 1` and the sign fit.
        let q = if round_up(mode, q, r, div) { q.saturating_add(1) } else { q };
        Decimal { m: signed(self.m < 0, q).unwrap_or(0), scale: places }
    }

    /// The same value with up to `scale` places: the most that keep the mantissa in range.
    pub(crate) fn widened(self, scale: u32) -> Decimal {
        (self.scale..=scale)
            .rev()
            .find_map(|s| self.with_scale(s).filter(|d| d.m.unsigned_abs() < LIMIT))
            .unwrap_or(self)
    }

    /// The same value with `scale` places (`scale` at least the current one), if it fits.
    pub(crate) fn with_scale(self, scale: u32) -> Option<Decimal> {
        Some(Decimal { m: scaled(self.m, scale.checked_sub(self.scale)?)?, scale })
    }

    /// Without trailing zeros (`1.500` → `1.5`, `0.00` → `0`).
    pub(crate) fn normalize(self) -> Decimal {
        if self.m == 0 {
            return Decimal::ZERO;
        }
        let mut scale = self.scale;
        // In 64 bits where the mantissa fits (a rate's does): see `round_to`.
        let m = match i64::try_from(self.m) {
            Ok(mut m) => {
                while scale > 0 && m % 10 == 0 {
                    m /= 10;
                    scale = scale.saturating_sub(1);
                }
                i128::from(m)
            }
            Err(_) => {
                let mut m = self.m;
                while scale > 0 && m % 10 == 0 {
                    m /= 10;
                    scale = scale.saturating_sub(1);
                }
                m
            }
        };
        Decimal { m, scale }
    }
}

impl From<u64> for Decimal {
    fn from(n: u64) -> Decimal {
        Decimal { m: i128::from(n), scale: 0 }
    }
}

impl From<i64> for Decimal {
    fn from(n: i64) -> Decimal {
        Decimal { m: i128::from(n), scale: 0 }
    }
}

impl Ord for Decimal {
    #[inline]
    fn cmp(&self, other: &Decimal) -> Ordering {
        if self.scale == other.scale {
            return self.m.cmp(&other.m);
        }
        self.cmp_any(other)
    }
}

impl Decimal {
    #[inline(never)]
    fn cmp_any(&self, other: &Decimal) -> Ordering {
        match self.aligned(*other) {
            Some((a, b, _)) => a.cmp(&b),
            // One mantissa, scaled up, passed i128, so it outweighs the other (below 2^96).
            None => {
                if self.scale < other.scale {
                    self.m.cmp(&0)
                } else {
                    0.cmp(&other.m)
                }
            }
        }
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Decimal) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Decimal {
    fn eq(&self, other: &Decimal) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Decimal {}

/// Appends `magnitude / 10^scale` with exactly `scale` places (`1234, 2` → `12.34`, `5, 3` →
/// `0.005`).
pub(crate) fn push_fixed(out: &mut String, magnitude: u128, scale: u32) {
    let mut buf = [0; 40];
    let digits = crate::text::digits(magnitude, &mut buf);
    let scale = usize::try_from(scale).unwrap_or(0);
    if scale == 0 {
        out.push_str(digits);
        return;
    }
    match digits.len().checked_sub(scale) {
        Some(int_len) if int_len > 0 => {
            // The digits are ASCII: the point goes in at any byte, and `insert`'s boundary
            // check panics with a fixed message, where `split_at` would bring in the standard
            // library's printing of the text it could not split.
            let at = out.len().saturating_add(int_len);
            out.push_str(digits);
            out.insert(at, '.');
        }
        _ => {
            out.push_str("0.");
            for _ in digits.len()..scale {
                out.push('0');
            }
            out.push_str(digits);
        }
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::with_capacity(32);
        if self.m < 0 {
            s.push('-');
        }
        push_fixed(&mut s, self.m.unsigned_abs(), self.scale);
        f.write_str(&s)
    }
}

impl fmt::Debug for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Why text is not a decimal.
#[derive(Debug, PartialEq, Eq)]
pub struct ParseError;

/// `rust_decimal`'s `FromStr`: a `+`/`-` sign, digits with one `.` (either side may be empty)
/// and `_` after the first digit; digits past the 28th place round half-up at the first of
/// them; an integer part of 2^96 or more is refused. Failing that, with an `e`/`E`: such a
/// base and a power of ten up to ±28.
impl FromStr for Decimal {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Decimal, ParseError> {
        if let Some(d) = plain(s.as_bytes()) {
            return Ok(d);
        }
        let (base, exp) = s.split_once(['e', 'E']).ok_or(ParseError)?;
        scientific(plain(base.as_bytes()).ok_or(ParseError)?, exp).ok_or(ParseError)
    }
}

/// `base × 10^exp`, `exp` as written after the `e`.
fn scientific(base: Decimal, exp: &str) -> Option<Decimal> {
    if let Some(e) = exp.strip_prefix('-') {
        let e: u32 = e.parse().ok().filter(|&e| e <= MAX_SCALE)?;
        let scale = base.scale.checked_add(e)?;
        if scale <= MAX_SCALE {
            return Some(Decimal { m: base.m, scale });
        }
        // Too many places: round half-up to what 28 places leave.
        let m = base.round_to(MAX_SCALE.checked_sub(e)?, Round::HalfUp).m;
        return Some(Decimal { m, scale: MAX_SCALE });
    }
    let e: u32 = exp.parse().ok()?;
    if let Some(scale) = base.scale.checked_sub(e) {
        return Some(Decimal { m: base.m, scale });
    }
    if e > MAX_SCALE {
        return None;
    }
    // A whole number: base × 10^e with no places left; refused from 2^96 on.
    let p = pow10(e.checked_sub(base.scale)?)?;
    let mag = base.m.unsigned_abs().checked_mul(p).filter(|&m| m < LIMIT)?;
    Some(Decimal { m: signed(base.m < 0, mag)?, scale: 0 }.normalize())
}

/// `rust_decimal`'s radix-10 reader, byte for byte: the plain form of [`Decimal::from_str`].
fn plain(s: &[u8]) -> Option<Decimal> {
    // It switches to a 128-bit mantissa past this value (for texts of 18 bytes or more), and
    // the two paths treat an `_` at the rounding place differently.
    const WIDE_FROM: u128 = 1_844_674_407_370_954_906; // u64::MAX / 10 - 255
    let (negative, body) = match s.split_first()? {
        (b'-', rest) => (true, rest),
        (b'+', rest) => (false, rest),
        _ => (false, s),
    };
    let long = s.len() >= 18;
    let (mut data, mut scale, mut point, mut digits, mut wide) = (0u128, 0u32, false, false, false);
    let mut bytes = body.iter();
    while let Some(&b) = bytes.next() {
        let rest = bytes.as_slice();
        match b {
            b'0'..=b'9' => {
                let next = data.checked_mul(10)?.checked_add(u128::from(b.wrapping_sub(b'0')))?;
                if wide && next >= LIMIT {
                    return if point { round_tail(data, b, rest, scale, negative) } else { None };
                }
                data = next;
                digits = true;
                if point {
                    scale = scale.checked_add(1)?;
                }
                if rest.is_empty() {
                    break;
                }
                if point && scale >= MAX_SCALE && (long || wide) {
                    let mut after = rest;
                    if wide {
                        // The wide path looks past `_` for the rounding digit.
                        while let Some((b'_', tail)) = after.split_first() {
                            after = tail;
                        }
                    }
                    return match after.split_first() {
                        Some((&next, tail)) => round_tail(data, next, tail, scale, negative),
                        None => finish(data, scale, negative),
                    };
                }
                if long && data >= WIDE_FROM {
                    wide = true;
                }
            }
            b'.' if !point => point = true,
            b'_' if digits => {}
            _ => return None,
        }
    }
    if !digits {
        return None;
    }
    finish(data, scale, negative)
}

/// Rounds at the digit `next` (half-up on that digit alone) and checks what follows it.
fn round_tail(data: u128, next: u8, rest: &[u8], scale: u32, negative: bool) -> Option<Decimal> {
    let digit = match next {
        b'0'..=b'9' => next.wrapping_sub(b'0'),
        b'_' => 0,
        _ => return None,
    };
    let (mut data, mut scale) = (data, scale);
    if digit >= 5 {
        data = data.checked_add(1)?;
        if data >= LIMIT {
            scale = scale.checked_sub(1)?;
            data = data.checked_add(4)?.checked_div(10)?;
        }
    }
    if !rest.iter().all(|b| b.is_ascii_digit() || *b == b'_') {
        return None;
    }
    finish(data, scale, negative)
}

fn finish(data: u128, scale: u32, negative: bool) -> Option<Decimal> {
    Some(Decimal { m: signed(negative, data)?, scale })
}

/// `rust_decimal`, the oracle: conversions both ways and the tests that hold this module to it.
#[cfg(test)]
#[allow(clippy::arithmetic_side_effects, clippy::unwrap_used, clippy::indexing_slicing)]
pub(crate) mod oracle {
    use super::*;
    pub(crate) use rust_decimal::{Decimal as Theirs, RoundingStrategy};

    pub(crate) fn ours(d: Theirs) -> Decimal {
        Decimal { m: d.mantissa(), scale: d.scale() }
    }

    pub(crate) fn theirs(d: Decimal) -> Theirs {
        Theirs::from_i128_with_scale(d.m, d.scale)
    }

    /// Same value and same scale (what `Display` shows).
    pub(crate) fn same(a: Decimal, b: Theirs) -> bool {
        a.m == b.mantissa() && a.scale == b.scale()
    }

    pub(crate) fn strategy(mode: Round) -> RoundingStrategy {
        match mode {
            Round::Down => RoundingStrategy::ToZero,
            Round::Up => RoundingStrategy::AwayFromZero,
            Round::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            Round::HalfEven => RoundingStrategy::MidpointNearestEven,
        }
    }

    pub(crate) const MODES: [Round; 4] = [Round::Down, Round::Up, Round::HalfUp, Round::HalfEven];
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects, clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::oracle::{same, strategy, theirs, Theirs, MODES};
    use super::*;
    use proptest::prelude::*;

    /// Any value in range: mantissas of every bit length below 97, scales up to `max_scale`.
    fn any_decimal(max_scale: u32) -> impl Strategy<Value = Decimal> {
        (any::<u128>(), 0u32..=96, any::<bool>(), 0..=max_scale).prop_map(
            |(m, bits, neg, scale)| {
                let m = if bits == 0 { 0 } else { m >> (128 - bits) };
                Decimal { m: if neg { -(m as i128) } else { m as i128 }, scale }
            },
        )
    }

    /// The figures kjb forms: amounts (≤ 15 integer digits, ≤ 2 places, sums of a few), rates
    /// and FX rates (≤ 6 places, ≤ 15 integer digits), and their edges.
    fn figure() -> impl Strategy<Value = Decimal> {
        prop_oneof![
            (0u64..100_000_000_000_000_000, 0u32..=2).prop_map(|(m, s)| Decimal::from_u64(m, s)),
            (0u64..100_000_000, 0u32..=2).prop_map(|(m, s)| Decimal::from_u64(m, s)),
            (0u128..1_000_000_000_000_000_000_000, 0u32..=6)
                .prop_map(|(m, s)| Decimal { m: m as i128, scale: s }),
            (1u64..10_000_000, 0u32..=6).prop_map(|(m, s)| Decimal::from_u64(m, s)),
            prop::sample::select(vec![
                "0",
                "0.01",
                "0.00",
                "1",
                "0.5",
                "0.005",
                "0.015",
                "999999999999999.99",
                "999999999999999.999999",
                "0.000001",
                "7.123456",
                "10000000",
                "100000000",
                "0.0015",
            ])
            .prop_map(|s| s.parse().unwrap()),
        ]
    }

    fn check(ours: Option<Decimal>, want: Option<Theirs>) -> Result<(), TestCaseError> {
        match (ours, want) {
            (None, None) => Ok(()),
            (Some(o), Some(t)) if same(o, t) => Ok(()),
            _ => Err(TestCaseError::fail(format!("ours {ours:?}, rust_decimal {want:?}"))),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 10_000, ..ProptestConfig::default() })]

        #[test]
        fn reads_text_as_rust_decimal_does(
            s in prop_oneof![
                "[-+]?[0-9_]{0,34}(\\.[0-9_]{0,34})?([eE][-+]?[0-9]{1,2})?",
                "[-+0-9_.eE]{0,12}",
                "[0-9]{0,3}\\.[0-9]{26,31}[0-9_.]{0,3}",
                "-?[1-9][0-9]{17,30}(\\.[0-9]{0,12})?",
            ],
        ) {
            check(s.parse::<Decimal>().ok(), s.parse::<Theirs>().ok())?;
        }

        #[test]
        fn prints_as_rust_decimal_does(d in any_decimal(28)) {
            prop_assert_eq!(d.to_string(), theirs(d).to_string());
            prop_assert!(same(d.normalize(), theirs(d).normalize()));
        }

        #[test]
        fn compares_as_rust_decimal_does(a in any_decimal(28), b in any_decimal(28), f in figure(), g in figure()) {
            prop_assert_eq!(a.cmp(&b), theirs(a).cmp(&theirs(b)));
            prop_assert_eq!(f.cmp(&g), theirs(f).cmp(&theirs(g)));
            prop_assert_eq!(a == a.normalize(), true);
        }

        /// Sums, differences and products, rounding and overflow included, for any values at
        /// kjb's scales (≤ 8 places) and for the figures kjb forms.
        #[test]
        fn adds_and_multiplies_as_rust_decimal_does(a in any_decimal(8), b in any_decimal(8), f in figure(), g in figure()) {
            check(a.checked_add(b), theirs(a).checked_add(theirs(b)))?;
            check(a.checked_sub(b), theirs(a).checked_sub(theirs(b)))?;
            check(f.checked_add(g), theirs(f).checked_add(theirs(g)))?;
            check(f.checked_sub(g), theirs(f).checked_sub(theirs(g)))?;
            // Products whose exact mantissa fits i128: an amount (≤ 17 digits) by a rate
            // (≤ 21), the products kjb forms, always does. Beyond, kjb refuses where
            // rust_decimal would round.
            if f.m.checked_mul(g.m).is_some() {
                check(f.checked_mul(g), theirs(f).checked_mul(theirs(g)))?;
            }
            if a.m.checked_mul(b.m).is_some() {
                check(a.checked_mul(b), theirs(a).checked_mul(theirs(b)))?;
            }
        }

        #[test]
        fn rounds_as_rust_decimal_does(d in any_decimal(28), f in figure(), places in 0u32..=8, pick in 0usize..4) {
            let mode = MODES[pick];
            for x in [d, f] {
                let want = if x.scale <= places { theirs(x) } else { theirs(x).round_dp_with_strategy(places, strategy(mode)) };
                prop_assert!(same(x.round_to(places, mode), want), "{} {:?} {}", x, mode, places);
            }
        }

        /// Quotients rounded to the fen — a CNY figure (up to sums of 10^5 maximal amounts, or
        /// a limit times an FX rate: 8 places) by an FX rate or a month count — are what
        /// rust_decimal's quotient rounds to.
        #[test]
        fn divides_to_the_fen_as_rust_decimal_does(
            a in prop_oneof![figure(), (0u128..500_000_000_000_000_000_000, 2u32..=8).prop_map(|(m, s)| Decimal { m: m as i128, scale: s })],
            b in prop_oneof![figure(), (1u64..=12).prop_map(Decimal::from)],
            pick in 0usize..4,
        ) {
            prop_assume!(!b.is_zero());
            let mode = MODES[pick];
            let want = theirs(a).checked_div(theirs(b)).map(|q| q.round_dp_with_strategy(2, strategy(mode)));
            let got = a.div_round(b, 2, mode);
            prop_assert_eq!(got.map(theirs), want, "{} / {} {:?}", a, b, mode);
        }

        /// Halves and exact cents: a quotient that lands on the rounding point exactly.
        #[test]
        fn divides_at_the_rounding_point(fx in figure(), cents in 0u64..10_000_000_000, half in any::<bool>(), pick in 0usize..4) {
            prop_assume!(!fx.is_zero() && fx.scale <= 6);
            let q = Decimal::from_u64(cents * 10 + if half { 5 } else { 0 }, 3);
            // Products of 2^96 or more lose places; what is left is no longer on the point.
            if !q.m.checked_mul(fx.m).is_some_and(|m| m < 1 << 96) {
                return Ok(());
            }
            let Some(a) = q.checked_mul(fx) else {
                prop_assert!(theirs(q).checked_mul(theirs(fx)).is_none());
                return Ok(());
            };
            let mode = MODES[pick];
            let want = (theirs(a) / theirs(fx)).round_dp_with_strategy(2, strategy(mode));
            prop_assert_eq!(theirs(a.div_round(fx, 2, mode).unwrap()), want);
            prop_assert_eq!(theirs(q.round_to(2, mode)), want);
        }
    }

    #[test]
    fn edges() {
        let max = Decimal { m: (1 << 96) - 1, scale: 0 };
        assert_eq!(max.checked_add(Decimal::ONE), None);
        assert_eq!(theirs(max).checked_add(Theirs::ONE), None);
        let tenth = Decimal { m: 1, scale: 1 };
        for (x, y) in [
            (max, Decimal { m: 5, scale: 1 }),
            (max, Decimal { m: 4, scale: 1 }),
            (max, Decimal { m: -5, scale: 1 }),
        ] {
            check(x.checked_add(y), theirs(x).checked_add(theirs(y))).unwrap();
            check(x.checked_mul(y), theirs(x).checked_mul(theirs(y))).unwrap();
        }
        check(max.checked_mul(tenth), theirs(max).checked_mul(theirs(tenth))).unwrap();
        assert_eq!(Decimal::ONE.div_round(Decimal::ZERO, 2, Round::HalfUp), None);
        assert_eq!("1e29".parse::<Decimal>(), Err(ParseError));
        assert_eq!("-0".parse::<Decimal>().unwrap().to_string(), "0");
        assert_eq!("1.50".parse::<Decimal>().unwrap().to_string(), "1.50");
        assert_eq!("1.50".parse::<Decimal>().unwrap(), Decimal::from_u64(15, 1));
        assert!(Decimal::new(-1, 2) < Decimal::ZERO);
    }
}
