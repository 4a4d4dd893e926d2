//! KJB fees: which tier a buyer is in and what an order costs (kjb-rules.md §3).
//!
//! The schedule is data, not code, because 1688 changes it by contract: the built-in table is
//! one value of [`Schedule`], and a caller's own schedule goes through the same validation. The
//! rate of the tier applies to the whole amount (not marginally), and each order's fee is rounded
//! to the fen on its own, so a batch fee is the sum of order fees, never a fee of the sum.

use crate::error::{ErrorCode, KjbError, Result};
use crate::json::Raw;
use crate::money;
use crate::money::{Decimal, Round};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// How many completed months the average looks back over.
pub(crate) const AVERAGE_MONTHS: usize = 12;
/// Most tiers a custom schedule may have.
pub(crate) const MAX_TIERS: usize = 64;

/// How a fee is rounded to the fen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) enum Rounding {
    /// 四舍五入: 0.005 → 0.01. KJB's rule.
    HalfUp,
    /// Banker's rounding, for contracts that ask for it.
    HalfEven,
    /// Towards zero.
    Down,
    /// Away from zero.
    Up,
}

impl Rounding {
    fn mode(self) -> Round {
        match self {
            Rounding::HalfUp => Round::HalfUp,
            Rounding::HalfEven => Round::HalfEven,
            Rounding::Down => Round::Down,
            Rounding::Up => Round::Up,
        }
    }
}

/// One tier: `from <= applicable amount < to` (no `to` for the last).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Tier {
    pub tier: u32,
    pub from: Decimal,
    pub to: Option<Decimal>,
    pub rate: Decimal,
}

/// A validated fee schedule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Schedule {
    pub effective: Option<String>,
    pub rounding: Rounding,
    pub min_fee: Decimal,
    /// Contiguous from 0, ascending, the last one open-ended; never empty.
    tiers: Vec<Tier>,
}

/// The date of the rule book (kjb-rules.md) the built-in table was taken from.
pub(crate) const BUILTIN_EFFECTIVE: &str = "2026-11-25";

/// The built-in table: (from, rate) per tier, CNY.
const BUILTIN: [(i64, i64, u32); 6] = [
    // (from in CNY, rate mantissa, rate scale)
    (0, 20, 4),          // 0.20%
    (100_000, 15, 4),    // 0.15%
    (3_000_000, 8, 4),   // 0.08%
    (10_000_000, 3, 4),  // 0.03%
    (25_000_000, 2, 4),  // 0.02%
    (80_000_000, 15, 5), // 0.015%
];

impl Schedule {
    /// The KJB fee table of kjb-rules.md §3.
    pub(crate) fn builtin() -> Schedule {
        let mut tiers = Vec::with_capacity(BUILTIN.len());
        let mut number = 0u32;
        let mut iter = BUILTIN.iter().peekable();
        while let Some(&(from, m, s)) = iter.next() {
            number = number.saturating_add(1);
            tiers.push(Tier {
                tier: number,
                from: Decimal::from(from),
                to: iter.peek().map(|next| Decimal::from(next.0)),
                rate: Decimal::new(m, s),
            });
        }
        Schedule {
            effective: Some(BUILTIN_EFFECTIVE.to_string()),
            rounding: Rounding::HalfUp,
            min_fee: Decimal::ZERO,
            tiers,
        }
    }

    #[cfg(test)]
    pub(crate) fn tiers(&self) -> &[Tier] {
        &self.tiers
    }

    /// Validates a caller's schedule; `path` is where it sits in the input (e.g. `schedule`).
    pub(crate) fn from_wire(w: &ScheduleWire<'_>, path: &str) -> Result<Schedule> {
        let at = |rest: &str| crate::text::join_path(path, rest);
        let bad = |rest: &str, msg: String| KjbError::at(ErrorCode::InvalidSchedule, at(rest), msg);
        if w.tiers.is_empty() {
            return Err(bad(
                "tiers",
                "a schedule needs at least one tier, starting at from: \"0\"".into(),
            ));
        }
        if w.tiers.len() > MAX_TIERS {
            return Err(bad("tiers", format!("a schedule may have at most {MAX_TIERS} tiers")));
        }
        let min_fee = match w.min_fee {
            Some(raw) => money::cny(raw, &at("minFee"))?,
            None => Decimal::ZERO,
        };
        let mut tiers: Vec<Tier> = Vec::with_capacity(w.tiers.len());
        let last = w.tiers.len().saturating_sub(1);
        for (i, t) in w.tiers.iter().enumerate() {
            let p = format!("tiers[{i}]");
            let from = money::cny(t.from, &at(&format!("{p}.from")))?;
            let rate = money::rate(t.rate, &at(&format!("{p}.rate")))?;
            let to = match t.to {
                Some(raw) if raw.get().trim() != "null" => {
                    Some(money::cny(raw, &at(&format!("{p}.to")))?)
                }
                _ => None,
            };
            let expected_from = match tiers.last() {
                None => Decimal::ZERO,
                Some(prev) => prev.to.unwrap_or(Decimal::ZERO),
            };
            if from != expected_from {
                let msg = if i == 0 {
                    format!("the first tier must start at 0, not {from}")
                } else {
                    format!("tiers must be contiguous: this tier starts at {from} but the previous one ends at {expected_from}")
                };
                return Err(bad(&format!("{p}.from"), msg));
            }
            match to {
                Some(to) if i == last => {
                    return Err(bad(
                        &format!("{p}.to"),
                        format!("the last tier must be open-ended (to: null), not end at {to}"),
                    ));
                }
                Some(to) if to <= from => {
                    return Err(bad(
                        &format!("{p}.to"),
                        format!("bounds must ascend: to ({to}) must be above from ({from})"),
                    ));
                }
                None if i != last => {
                    return Err(bad(
                        &format!("{p}.to"),
                        "only the last tier may be open-ended: give this tier a `to`".into(),
                    ));
                }
                _ => {}
            }
            let number = u32::try_from(i).unwrap_or(u32::MAX).saturating_add(1);
            tiers.push(Tier { tier: number, from, to, rate });
        }
        Ok(Schedule {
            effective: w.effective.clone(),
            rounding: w.rounding.unwrap_or(Rounding::HalfUp),
            min_fee,
            tiers,
        })
    }

    /// The tier covering `applicable` (`from <= applicable < to`).
    pub(crate) fn tier_for(&self, applicable: Decimal) -> &Tier {
        // Tiers are contiguous from 0 and the last is open-ended, so the last tier whose `from`
        // is reached is the one; a validated schedule always has a first tier from 0.
        let idx = self.tiers.iter().rposition(|t| t.from <= applicable).unwrap_or(0);
        match self.tiers.get(idx) {
            Some(t) => t,
            None => &FALLBACK_TIER,
        }
    }

    /// The tier after `tier`, if any.
    pub(crate) fn next_after(&self, tier: &Tier) -> Option<&Tier> {
        self.tiers.get(usize::try_from(tier.tier).unwrap_or(usize::MAX))
    }

    /// The fee of one order of `amount` CNY at `rate`: rounded to the fen, at least `min_fee`
    /// for a non-zero amount.
    pub(crate) fn fee(&self, amount: Decimal, rate: Decimal) -> Result<Decimal> {
        let raw = money::mul(amount, rate)?;
        let fee = money::to_fen(raw, self.rounding.mode());
        if !amount.is_zero() && fee < self.min_fee {
            return Ok(self.min_fee);
        }
        Ok(fee)
    }
}

impl Schedule {
    /// The built-in table, built once and shared: `quoteFee` needs it on every call.
    pub(crate) fn builtin_ref() -> &'static Schedule {
        static BUILTIN_SCHEDULE: OnceLock<Schedule> = OnceLock::new();
        BUILTIN_SCHEDULE.get_or_init(Schedule::builtin)
    }
}

/// Only reachable if a schedule were built without tiers, which `from_wire` and `builtin` forbid.
static FALLBACK_TIER: Tier = Tier { tier: 1, from: Decimal::ZERO, to: None, rate: Decimal::ZERO };

/// A custom schedule as it arrives.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct ScheduleWire<'a> {
    #[serde(default)]
    pub effective: Option<String>,
    #[serde(default)]
    pub rounding: Option<Rounding>,
    #[serde(default, borrow)]
    pub min_fee: Option<Raw<'a>>,
    /// Accepted so `feeSchedule()`'s output can be passed back; only CNY exists.
    #[allow(dead_code)] // read only to be accepted under deny_unknown_fields
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(borrow)]
    pub tiers: Vec<TierWire<'a>>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub(crate) struct TierWire<'a> {
    /// Ignored on input (tiers are numbered by position); accepted so `feeSchedule()`'s output
    /// can be edited and passed back.
    #[allow(dead_code)] // read only to be accepted under deny_unknown_fields
    #[serde(default)]
    pub tier: Option<u32>,
    #[serde(borrow)]
    pub from: Raw<'a>,
    #[serde(default, borrow)]
    pub to: Option<Raw<'a>>,
    #[serde(borrow)]
    pub rate: Raw<'a>,
}

/// Which figure decided the applicable monthly amount.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) enum Basis {
    LastMonth,
    Average,
}

/// The buyer's applicable monthly amount and how it came about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Volume {
    pub last_month: Decimal,
    /// Average of the latest ≤ 12 completed months, rounded half-up to the fen — the figure
    /// that is compared with the tier bounds, so what is shown is what decided.
    pub average: Decimal,
    pub applicable: Decimal,
    pub basis: Basis,
}

/// The applicable amount from completed monthly totals, newest first (`history[0]` = last
/// month): the greater of last month and the average of the first ≤ 12 months. Ties count as
/// last month.
pub(crate) fn volume(history: &[Decimal]) -> Result<Volume> {
    let last_month = history.first().copied().unwrap_or(Decimal::ZERO);
    let window = history.get(..history.len().min(AVERAGE_MONTHS)).unwrap_or(&[]);
    let mut sum = Decimal::ZERO;
    for m in window {
        sum = money::add(sum, *m)?;
    }
    let average = if window.is_empty() {
        Decimal::ZERO
    } else {
        let n = Decimal::from(u64::try_from(window.len()).unwrap_or(1));
        money::div_fen(sum, n, Round::HalfUp)?
    };
    let (applicable, basis) = if average > last_month {
        (average, Basis::Average)
    } else {
        (last_month, Basis::LastMonth)
    };
    Ok(Volume { last_month, average, applicable, basis })
}

/// A fee quote for one amount.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Quote {
    pub amount: Decimal,
    pub fee: Decimal,
    pub tier: Tier,
    pub volume: Volume,
    pub next: Option<NextTier>,
}

/// What the next tier would bring.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct NextTier {
    pub tier: Tier,
    /// Monthly volume still needed to reach it.
    pub volume_needed: Decimal,
    /// The fee of the same amount there.
    pub fee: Decimal,
}

pub(crate) fn quote(amount: Decimal, volume: Volume, schedule: &Schedule) -> Result<Quote> {
    let tier = schedule.tier_for(volume.applicable).clone();
    let fee = schedule.fee(amount, tier.rate)?;
    let next = match schedule.next_after(&tier) {
        Some(n) => Some(NextTier {
            tier: n.clone(),
            volume_needed: money::sub(n.from, volume.applicable)?,
            fee: schedule.fee(amount, n.rate)?,
        }),
        None => None,
    };
    Ok(Quote { amount, fee, tier, volume, next })
}

// ---- JSON shapes of the JS contract -------------------------------------------------------

/// `quoteFee` input.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct QuoteInput<'a> {
    #[serde(borrow)]
    pub amount: Raw<'a>,
    #[serde(default, borrow)]
    pub history: Vec<Raw<'a>>,
    #[serde(default, borrow)]
    pub schedule: Option<ScheduleWire<'a>>,
}

/// A CNY amount at `path`, as [`money::cny`] reads it; the path is only formatted when the
/// amount is refused (the read is repeated with it, so the message names `history[3]`).
fn cny_at(raw: Raw<'_>, path: impl FnOnce() -> String) -> Result<Decimal> {
    match money::plain_cny(raw.get().trim_ascii()) {
        Some(d) => Ok(d),
        None => money::cny(raw, "").or_else(|_| money::cny(raw, &path())),
    }
}

/// Reads `history` (CNY amounts, newest first) at `path`.
pub(crate) fn read_history(history: &[Raw<'_>], path: &str) -> Result<Vec<Decimal>> {
    // A loop, not `collect` into a `Result`: that adapter is a large function of its own.
    let mut out = Vec::with_capacity(history.len());
    for (i, raw) in history.iter().enumerate() {
        out.push(cny_at(*raw, || format!("{path}[{i}]"))?);
    }
    Ok(out)
}

/// Reads an optional schedule at `path`, defaulting to the built-in one.
pub(crate) fn read_schedule(w: Option<&ScheduleWire<'_>>, path: &str) -> Result<Schedule> {
    match w {
        Some(w) => Schedule::from_wire(w, path),
        None => Ok(Schedule::builtin()),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TierOut {
    pub tier: u32,
    pub from: String,
    pub to: Option<String>,
    pub rate: String,
}

impl From<&Tier> for TierOut {
    fn from(t: &Tier) -> Self {
        TierOut {
            tier: t.tier,
            from: money::fmt_cny(t.from),
            to: t.to.map(money::fmt_cny),
            rate: money::fmt_rate(t.rate),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ScheduleOut {
    pub currency: &'static str,
    pub effective: Option<String>,
    pub rounding: Rounding,
    pub min_fee: String,
    pub tiers: Vec<TierOut>,
}

impl From<&Schedule> for ScheduleOut {
    fn from(s: &Schedule) -> Self {
        ScheduleOut {
            currency: "CNY",
            effective: s.effective.clone(),
            rounding: s.rounding,
            min_fee: money::fmt_cny(s.min_fee),
            tiers: s.tiers.iter().map(TierOut::from).collect(),
        }
    }
}

/// `quoteFee` over a parsed input: the quote itself.
pub(crate) fn quote_of(q: &QuoteInput<'_>) -> Result<Quote> {
    let amount = cny_at(q.amount, || "amount".into())?;
    let history = read_history(&q.history, "history")?;
    let custom;
    let schedule = match q.schedule.as_ref() {
        Some(w) => {
            custom = Schedule::from_wire(w, "schedule")?;
            &custom
        }
        None => Schedule::builtin_ref(),
    };
    quote(amount, volume(&history)?, schedule)
}

/// `quoteFee`'s answer as JSON text: the bytes serde gives for `tests::QuoteOut::from(q)`
/// (`tests::quote_json_is_to_json`), written straight into one buffer — each figure formatted
/// in place rather than into a `String` of its own, and no serde pass over the result.
pub(crate) fn quote_json(q: &Quote) -> String {
    let mut out = String::with_capacity(320);
    out.push_str("{\"amount\":\"");
    money::push_cny(&mut out, q.amount);
    out.push_str("\",\"fee\":\"");
    money::push_cny(&mut out, q.fee);
    out.push_str("\",\"rate\":\"");
    money::push_rate(&mut out, q.tier.rate);
    out.push_str("\",\"tier\":");
    out.push_str(crate::text::digits(q.tier.tier.into(), &mut [0; 40]));
    out.push_str(",\"applicableAmount\":\"");
    money::push_cny(&mut out, q.volume.applicable);
    out.push_str(match q.volume.basis {
        Basis::LastMonth => "\",\"basis\":\"lastMonth\",\"lastMonth\":\"",
        Basis::Average => "\",\"basis\":\"average\",\"lastMonth\":\"",
    });
    money::push_cny(&mut out, q.volume.last_month);
    out.push_str("\",\"average\":\"");
    money::push_cny(&mut out, q.volume.average);
    match &q.next {
        None => out.push_str("\",\"next\":null}"),
        Some(n) => {
            out.push_str("\",\"next\":{\"tier\":");
            out.push_str(crate::text::digits(n.tier.tier.into(), &mut [0; 40]));
            out.push_str(",\"rate\":\"");
            money::push_rate(&mut out, n.tier.rate);
            out.push_str("\",\"from\":\"");
            money::push_cny(&mut out, n.tier.from);
            out.push_str("\",\"volumeNeeded\":\"");
            money::push_cny(&mut out, n.volume_needed);
            out.push_str("\",\"fee\":\"");
            money::push_cny(&mut out, n.fee);
            out.push_str("\"}}");
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use std::str::FromStr;

    // The answer's shape as serde writes it: the oracle `quote_json` is checked against.
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct NextOut {
        tier: u32,
        rate: String,
        from: String,
        volume_needed: String,
        fee: String,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct QuoteOut {
        amount: String,
        fee: String,
        rate: String,
        tier: u32,
        applicable_amount: String,
        basis: Basis,
        last_month: String,
        average: String,
        next: Option<NextOut>,
    }

    impl From<&Quote> for QuoteOut {
        fn from(q: &Quote) -> Self {
            QuoteOut {
                amount: money::fmt_cny(q.amount),
                fee: money::fmt_cny(q.fee),
                rate: money::fmt_rate(q.tier.rate),
                tier: q.tier.tier,
                applicable_amount: money::fmt_cny(q.volume.applicable),
                basis: q.volume.basis,
                last_month: money::fmt_cny(q.volume.last_month),
                average: money::fmt_cny(q.volume.average),
                next: q.next.as_ref().map(|n| NextOut {
                    tier: n.tier.tier,
                    rate: money::fmt_rate(n.tier.rate),
                    from: money::fmt_cny(n.tier.from),
                    volume_needed: money::fmt_cny(n.volume_needed),
                    fee: money::fmt_cny(n.fee),
                }),
            }
        }
    }

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn builtin_table_matches_the_rule_book() {
        let s = Schedule::builtin();
        let got: Vec<(u32, String, Option<String>, String)> = s
            .tiers()
            .iter()
            .map(|t| (t.tier, t.from.to_string(), t.to.map(|x| x.to_string()), t.rate.to_string()))
            .collect();
        let want = [
            (1, "0", Some("100000"), "0.0020"),
            (2, "100000", Some("3000000"), "0.0015"),
            (3, "3000000", Some("10000000"), "0.0008"),
            (4, "10000000", Some("25000000"), "0.0003"),
            (5, "25000000", Some("80000000"), "0.0002"),
            (6, "80000000", None, "0.00015"),
        ];
        for (g, w) in got.iter().zip(want.iter()) {
            assert_eq!((g.0, g.1.as_str(), g.2.as_deref(), g.3.as_str()), (w.0, w.1, w.2, w.3));
        }
        assert_eq!(got.len(), 6);
    }

    #[test]
    fn tier_boundaries_are_from_inclusive_to_exclusive() {
        let s = Schedule::builtin();
        for (amount, tier) in [
            ("0", 1),
            ("99999.99", 1),
            ("100000", 2),
            ("2999999.99", 2),
            ("3000000", 3),
            ("9999999.99", 3),
            ("10000000", 4),
            ("24999999.99", 4),
            ("25000000", 5),
            ("79999999.99", 5),
            ("80000000", 6),
            ("999999999999999.99", 6),
        ] {
            assert_eq!(s.tier_for(d(amount)).tier, tier, "{amount}");
        }
    }

    #[test]
    fn applicable_amount_is_the_greater_of_last_month_and_average() {
        let v = volume(&[d("150000")]).unwrap();
        assert_eq!((v.applicable, v.basis), (d("150000"), Basis::LastMonth));
        let v = volume(&[d("10"), d("300000"), d("300000")]).unwrap();
        assert_eq!(v.basis, Basis::Average);
        assert_eq!(v.applicable, d("200003.33"));
        // Only the first 12 months count.
        let mut h = vec![d("0"); 12];
        h.push(d("1200000000"));
        assert_eq!(volume(&h).unwrap().applicable, d("0"));
        let v = volume(&[]).unwrap();
        assert_eq!((v.applicable, v.basis), (Decimal::ZERO, Basis::LastMonth));
    }

    #[test]
    fn the_contract_example() {
        let q = quote(d("10.00"), volume(&[d("150000")]).unwrap(), &Schedule::builtin()).unwrap();
        let out = QuoteOut::from(&q);
        assert_eq!((out.fee.as_str(), out.tier, out.rate.as_str()), ("0.02", 2, "0.0015"));
        let next = out.next.unwrap();
        assert_eq!(
            (next.tier, next.volume_needed.as_str(), next.fee.as_str(), next.rate.as_str()),
            (3, "2850000.00", "0.01", "0.0008")
        );
    }

    #[test]
    fn half_up_at_the_half_fen() {
        let s = Schedule::builtin();
        // 0.20% of 2.25 = 0.0045 → 0.00; of 2.50 = 0.005 → 0.01; 0.15% of 3.00 = 0.0045 → 0.00
        assert_eq!(s.fee(d("2.25"), d("0.002")).unwrap(), d("0.00"));
        assert_eq!(s.fee(d("2.50"), d("0.002")).unwrap(), d("0.01"));
        assert_eq!(s.fee(d("7.50"), d("0.002")).unwrap(), d("0.02"));
        assert_eq!(s.fee(d("0"), d("0.002")).unwrap(), d("0"));
    }

    #[test]
    fn last_tier_has_no_next() {
        let q = quote(d("100"), volume(&[d("90000000")]).unwrap(), &Schedule::builtin()).unwrap();
        assert_eq!(q.tier.tier, 6);
        assert!(q.next.is_none());
    }

    fn wire(json: &str) -> Result<Schedule> {
        let w: ScheduleWire<'_> = crate::json::parse(json)?;
        Schedule::from_wire(&w, "schedule")
    }

    #[test]
    fn custom_schedules_are_validated() {
        let ok = wire(r#"{"rounding":"down","minFee":"0.50","tiers":[{"from":"0","to":"1000","rate":"0.01"},{"from":"1000","to":null,"rate":"0.005"}]}"#).unwrap();
        assert_eq!(ok.fee(d("10"), d("0.01")).unwrap(), d("0.50"));
        assert_eq!(ok.fee(d("199.99"), d("0.01")).unwrap(), d("1.99"));
        for (json, path) in [
            (r#"{"tiers":[]}"#, "schedule.tiers"),
            (r#"{"tiers":[{"from":"1","rate":"0.01"}]}"#, "schedule.tiers[0].from"),
            (
                r#"{"tiers":[{"from":"0","to":"10","rate":"0.01"},{"from":"20","rate":"0.01"}]}"#,
                "schedule.tiers[1].from",
            ),
            (
                r#"{"tiers":[{"from":"0","to":"0","rate":"0.01"},{"from":"0","rate":"0.01"}]}"#,
                "schedule.tiers[0].to",
            ),
            (r#"{"tiers":[{"from":"0","to":"10","rate":"0.01"}]}"#, "schedule.tiers[0].to"),
            (
                r#"{"tiers":[{"from":"0","rate":"0.01"},{"from":"0","rate":"0.01"}]}"#,
                "schedule.tiers[0].to",
            ),
        ] {
            let e = wire(json).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidSchedule, "{json}: {e}");
            assert_eq!(e.path.as_deref(), Some(path), "{json}");
        }
        let e = wire(r#"{"tiers":[{"from":"0","rate":"1.5"}]}"#).unwrap_err();
        assert_eq!(
            (e.code, e.path.as_deref()),
            (ErrorCode::InvalidRate, Some("schedule.tiers[0].rate"))
        );
        let e = wire(r#"{"tiers":[{"from":"0","rate":"0.1","extra":1}]}"#).unwrap_err();
        assert_eq!((e.code, e.path.as_deref()), (ErrorCode::InvalidInput, Some("tiers[0].extra")));
    }

    #[test]
    fn quote_json_is_to_json() {
        let custom = wire(r#"{"tiers":[{"from":"0","to":"1000","rate":"0.01"},{"from":"1000","to":null,"rate":"0.005"}]}"#).unwrap();
        for (amount, history) in [
            (
                "2500.00",
                &[
                    "180000.00",
                    "95000.00",
                    "120000.50",
                    "80000",
                    "150000",
                    "99000",
                    "101000",
                    "130000",
                    "70000",
                    "110000",
                    "90000",
                    "100000",
                ][..],
            ),
            ("10.00", &["150000"][..]),
            ("0", &[][..]),
            ("0.01", &["10", "300000", "300000"][..]),
            ("999999999999999.99", &["90000000"][..]),
            ("123.45", &["999999999999999.99", "999999999999999.99"][..]),
        ] {
            let history: Vec<Decimal> = history.iter().map(|h| d(h)).collect();
            for schedule in [&Schedule::builtin(), &custom] {
                let q = quote(d(amount), volume(&history).unwrap(), schedule).unwrap();
                assert_eq!(
                    quote_json(&q),
                    crate::json::to_json(&QuoteOut::from(&q)).unwrap(),
                    "{amount} {history:?}"
                );
            }
        }
    }

    #[test]
    fn plain_amounts_read_like_money() {
        let mut texts: Vec<String> = [
            "0",
            "00",
            "0.5",
            "0.50",
            "007",
            "12.5",
            "120000.50",
            "999999999999999.99",
            "1000000000000000",
            "0000000000000001",
            "1.",
            ".5",
            "1.234",
            "-1",
            "-0",
            "1e3",
            "1E3",
            "+1",
            "1..2",
            "",
            " 1",
            "1 ",
            "12a",
        ]
        .iter()
        .flat_map(|t| [format!("\"{t}\""), t.to_string()])
        .collect();
        texts.extend(["\"\\u0031\"", "null", "true", "[]", "{}"].map(String::from));
        let mut x: u64 = 0x1688;
        for _ in 0..3000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let digits = (x % 1_000_000_000_000_000_000).to_string();
            let cut = usize::try_from(x % 21).unwrap().min(digits.len());
            let text = format!("{}.{}", &digits[..cut], &digits[cut..]);
            texts.push(format!("\"{}\"", text.trim_end_matches('.')));
            texts.push(format!(
                "\"{}\"",
                &digits[..usize::try_from(x % 18).unwrap().min(digits.len())]
            ));
        }
        let mut fast = 0;
        for t in &texts {
            let Ok(r) = serde_json::value::RawValue::from_string(t.clone()) else { continue };
            let r = Raw(r.get());
            if let Some(d) = money::plain_cny(r.get().trim_ascii()) {
                fast += 1;
                let want = money::cny(r, "").unwrap();
                assert_eq!((d.mantissa(), d.scale()), (want.mantissa(), want.scale()), "{t}");
            }
        }
        assert!(fast > 1000, "{fast}");
        assert_eq!(money::plain_cny("\"12.5\"").map(|d| d.to_string()), Some("12.5".into()));
        assert!(
            money::plain_cny("\"1.234\"").is_none()
                && money::plain_cny("\"1.\"").is_none()
                && money::plain_cny("\"-1\"").is_none()
        );
    }

    #[test]
    fn builtin_round_trips_through_its_output() {
        let out = serde_json::to_string(&ScheduleOut::from(&Schedule::builtin())).unwrap();
        assert_eq!(wire(&out).unwrap().tiers(), Schedule::builtin().tiers());
    }

    proptest::proptest! {
        /// quoteFee's figures are what the same rules computed with `rust_decimal` give: the
        /// average of the months, the tier, the fee in each rounding mode with a minimum, the
        /// volume still needed — for amounts from 0 to 15 integer digits and rates of 6 places.
        #[test]
        fn quote_matches_a_general_decimal(
            fen in proptest::prop_oneof![0u64..10_000_000, 0u64..100_000_000_000_000_000],
            history in proptest::collection::vec(0u64..100_000_000_000_000_000, 0..15),
            rates in proptest::collection::vec(0u64..1_000_000, 1..4),
            mode in 0usize..4,
            min_fee in 0u64..500,
        ) {
            use crate::decimal::oracle::{RoundingStrategy, Theirs};
            let cny = |f: u64| Theirs::from_i128_with_scale(i128::from(f), 2);
            let half_up = |d: Theirs| {
                let mut r = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
                r.rescale(2);
                r.to_string()
            };
            let (amount, history): (Theirs, Vec<Theirs>) = (cny(fen), history.into_iter().map(cny).collect());
            let rates: Vec<Theirs> = rates.into_iter().map(|r| Theirs::from_i128_with_scale(i128::from(r), 6)).collect();
            let froms: Vec<Theirs> = (0..rates.len()).map(|i| Theirs::from(i as u64 * 1_000_000)).collect();
            let (name, strategy) = [("halfUp", RoundingStrategy::MidpointAwayFromZero), ("halfEven", RoundingStrategy::MidpointNearestEven), ("down", RoundingStrategy::ToZero), ("up", RoundingStrategy::AwayFromZero)][mode];
            let min_fee = cny(min_fee);
            let tiers: Vec<serde_json::Value> = rates.iter().enumerate().map(|(i, r)| serde_json::json!({
                "from": froms[i].to_string(),
                "to": froms.get(i + 1).map(|f| f.to_string()),
                "rate": r.to_string(),
            })).collect();
            let input = serde_json::json!({
                "amount": amount.to_string(),
                "history": history.iter().map(|h| h.to_string()).collect::<Vec<_>>(),
                "schedule": {"rounding": name, "minFee": min_fee.to_string(), "tiers": tiers},
            });
            let q: serde_json::Value = serde_json::from_str(&crate::api::quote_fee(&input.to_string(), crate::json::Origin::Js).unwrap()).unwrap();

            let last = history.first().copied().unwrap_or(Theirs::ZERO);
            let window = &history[..history.len().min(AVERAGE_MONTHS)];
            let average = if window.is_empty() { Theirs::ZERO } else {
                (window.iter().copied().sum::<Theirs>() / Theirs::from(window.len() as u64)).round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
            };
            let applicable = average.max(last);
            let tier = froms.iter().rposition(|f| *f <= applicable).unwrap();
            let fee = |rate: Theirs| {
                let f = (amount * rate).round_dp_with_strategy(2, strategy);
                if !amount.is_zero() && f < min_fee { min_fee } else { f }
            };
            proptest::prop_assert_eq!(q["amount"].as_str().unwrap(), half_up(amount));
            proptest::prop_assert_eq!(q["average"].as_str().unwrap(), half_up(average));
            proptest::prop_assert_eq!(q["applicableAmount"].as_str().unwrap(), half_up(applicable));
            proptest::prop_assert_eq!(q["tier"].as_u64(), Some(tier as u64 + 1));
            proptest::prop_assert_eq!(q["rate"].as_str().unwrap(), rates[tier].normalize().to_string());
            proptest::prop_assert_eq!(q["fee"].as_str().unwrap(), half_up(fee(rates[tier])));
            if let Some(next) = rates.get(tier + 1) {
                proptest::prop_assert_eq!(q["next"]["fee"].as_str().unwrap(), half_up(fee(*next)));
                proptest::prop_assert_eq!(q["next"]["volumeNeeded"].as_str().unwrap(), half_up(froms[tier + 1] - applicable));
            } else {
                proptest::prop_assert!(q["next"].is_null());
            }
        }
    }
}
