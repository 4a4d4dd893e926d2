//! Turning a batch of orders into gateway calls without losing one.
//!
//! Every input order lands in exactly one place: a batch (eligible, payable now), `deferred`
//! (blocked only by the daily limit: payable another day) or `rejected` (any other block
//! reason). Eligible orders are cut, in input order, into calls of at most `maxPerCall` ids to
//! `alibaba.crossBorderPay.url.get` (1–30 accepted by 1688, 10 recommended because larger calls
//! time out, hence the default).
//!
//! Warnings do not block, but a buyer must see them before paying: each batch lists its orders
//! that carry warn reasons in `warnings: [{orderId, reasons}]` (always present, `[]` when none),
//! and `totals.warned` counts them.
//!
//! Money: CNY sums are exact; an order's fee is its own amount at the tier rate, rounded by the
//! schedule, and a batch fee is the sum of its orders' fees (kjb-rules.md §3), so the total
//! fee is exactly the sum of the batch fees and the total amount the sum of batch amounts.
//! `amountUsd` is the exact CNY sum divided by the rate, rounded half-up to the cent for
//! display; since each figure is rounded on its own, the batches' `amountUsd` may add up to a
//! cent or so per batch more or less than `totals.amountUsd`. Limits are never checked on these
//! rounded figures (see `eligibility`).

use crate::eligibility::{Outcome, Verdict};
use crate::error::{ErrorCode, KjbError, Result};
use crate::fee::{Schedule, Tier};
use crate::json::Raw;
use crate::money;
use crate::money::{Decimal, Round};
use crate::order::IdStr;
use crate::out::{Form, Out};
use crate::reason::Reason;
#[cfg(test)]
use serde::Serialize;

/// The gateway API every batch is a call to.
pub(crate) const API: &str = "alibaba.crossBorderPay.url.get";
/// Most order ids 1688 accepts in one call.
pub(crate) const MAX_PER_CALL: usize = 30;
/// Ids per call unless the caller says otherwise: 1688's recommendation.
pub(crate) const DEFAULT_PER_CALL: usize = 10;

/// `maxPerCall`: a whole number 1–30 (a JS number, or its digits as a string from the CLI).
pub(crate) fn max_per_call(raw: Option<Raw<'_>>) -> Result<usize> {
    let Some(raw) = raw else { return Ok(DEFAULT_PER_CALL) };
    let t = raw.get().trim();
    let digits = t.strip_prefix('"').and_then(|s| s.strip_suffix('"')).unwrap_or(t);
    match digits.parse::<usize>() {
        Ok(n) if (1..=MAX_PER_CALL).contains(&n) && digits.bytes().all(|b| b.is_ascii_digit()) => Ok(n),
        _ => Err(KjbError::at(
            ErrorCode::InvalidInput,
            "maxPerCall",
            format!("maxPerCall must be a whole number from 1 to {MAX_PER_CALL} (1688 takes at most {MAX_PER_CALL} orders a call; {DEFAULT_PER_CALL} is recommended); got {}", money::clip(t)),
        )),
    }
}

// Serialize (tests only): serde's rendering is the oracle `Plan::to_json` is checked against.

/// An order listed with its reasons.
#[derive(Debug)]
#[cfg_attr(test, derive(Serialize), serde(rename_all = "camelCase"))]
pub(crate) struct Listed<'v> {
    pub order_id: IdStr,
    pub reasons: &'v [Reason],
}

impl<'v> From<&'v Verdict> for Listed<'v> {
    fn from(v: &'v Verdict) -> Self {
        Listed { order_id: IdStr(v.id), reasons: &v.reasons }
    }
}

/// One gateway call.
#[derive(Debug)]
#[cfg_attr(test, derive(Serialize), serde(rename_all = "camelCase"))]
pub(crate) struct Batch<'v> {
    pub api: &'static str,
    pub order_ids: Vec<IdStr>,
    pub amount: String,
    pub amount_usd: String,
    pub fee: String,
    /// The batch's orders that carry warn reasons.
    pub warnings: Vec<Listed<'v>>,
}

#[derive(Debug)]
#[cfg_attr(test, derive(Serialize), serde(rename_all = "camelCase"))]
pub(crate) struct Totals {
    /// Input orders.
    pub orders: usize,
    /// Orders in batches.
    pub payable: usize,
    pub rejected: usize,
    pub deferred: usize,
    /// Orders in batches that carry warnings.
    pub warned: usize,
    pub amount: String,
    pub amount_usd: String,
    pub fee: String,
    pub tier: u32,
    pub rate: String,
}

#[derive(Debug)]
#[cfg_attr(test, derive(Serialize))]
pub(crate) struct Plan<'v> {
    pub batches: Vec<Batch<'v>>,
    pub rejected: Vec<Listed<'v>>,
    pub deferred: Vec<Listed<'v>>,
    pub totals: Totals,
}

impl Plan<'_> {
    /// The answer's JSON: in [`Form::Full`], exactly what `json::to_json` writes for it (a test
    /// compares), faster ([`crate::out`]).
    pub(crate) fn to_json(&self, form: Form) -> String {
        // The answer's size, nearly exactly, so it is written into one allocation that is not
        // much bigger than the answer: reasons as `Out` writes them, 22 bytes an id (19 digits
        // at most), 48 a listed order, 200 a batch.
        let mut o = Out::new(form);
        let listed = self
            .batches
            .iter()
            .flat_map(|b| &b.warnings)
            .chain(&self.rejected)
            .chain(&self.deferred);
        let (mut size, mut orders) = (512usize, 0usize);
        for l in listed {
            orders = orders.saturating_add(1);
            size = l.reasons.iter().map(|r| o.reason_len(r)).fold(size, usize::saturating_add);
        }
        let ids: usize = self.batches.iter().map(|b| b.order_ids.len()).sum();
        size = size
            .saturating_add(orders.saturating_mul(48))
            .saturating_add(ids.saturating_mul(22))
            .saturating_add(self.batches.len().saturating_mul(200));
        o.reserve(size);
        let listed = |o: &mut Out, list: &[Listed<'_>]| {
            o.raw("[");
            for (i, l) in list.iter().enumerate() {
                o.raw(if i == 0 { "{\"orderId\":" } else { ",{\"orderId\":" });
                o.id(l.order_id.0);
                o.raw(",\"reasons\":");
                o.reasons(l.reasons);
                o.raw("}");
            }
            o.raw("]");
        };
        // Each batch and the totals carry the same three amounts.
        let amounts = |o: &mut Out, amount: &str, amount_usd: &str, fee: &str| {
            o.raw(",\"amount\":");
            o.str(amount);
            o.raw(",\"amountUsd\":");
            o.str(amount_usd);
            o.raw(",\"fee\":");
            o.str(fee);
        };
        o.raw("{\"batches\":[");
        for (i, b) in self.batches.iter().enumerate() {
            o.raw(if i == 0 { "{\"api\":" } else { ",{\"api\":" });
            o.str(b.api);
            o.raw(",\"orderIds\":[");
            for (j, id) in b.order_ids.iter().enumerate() {
                if j > 0 {
                    o.raw(",");
                }
                o.id(id.0);
            }
            o.raw("]");
            amounts(&mut o, &b.amount, &b.amount_usd, &b.fee);
            o.raw(",\"warnings\":");
            listed(&mut o, &b.warnings);
            o.raw("}");
        }
        o.raw("],\"rejected\":");
        listed(&mut o, &self.rejected);
        o.raw(",\"deferred\":");
        listed(&mut o, &self.deferred);
        let t = &self.totals;
        for (key, n) in [
            ("{\"orders\":", t.orders),
            (",\"payable\":", t.payable),
            (",\"rejected\":", t.rejected),
            (",\"deferred\":", t.deferred),
            (",\"warned\":", t.warned),
        ] {
            if key.starts_with('{') {
                o.raw(",\"totals\":");
            }
            o.raw(key);
            o.uint(n as u64);
        }
        amounts(&mut o, &t.amount, &t.amount_usd, &t.fee);
        o.raw(",\"tier\":");
        o.uint(u64::from(t.tier));
        o.raw(",\"rate\":");
        o.str(&t.rate);
        o.raw("}}");
        o.finish()
    }
}

/// Plans `verdicts` (in input order) into calls of at most `max` orders.
pub(crate) fn plan<'v>(
    verdicts: &'v [Verdict],
    max: usize,
    schedule: &Schedule,
    tier: &Tier,
    fx: Decimal,
) -> Result<Plan<'v>> {
    let max = max.clamp(1, MAX_PER_CALL);
    let mut batches: Vec<Batch<'v>> = Vec::new();
    let mut rejected = Vec::new();
    let mut deferred = Vec::new();
    let (mut total_amount, mut total_fee) = (Decimal::ZERO, Decimal::ZERO);
    let (mut payable, mut warned) = (0usize, 0usize);
    // The batch being filled: its ids, warnings and exact sums.
    let mut ids: Vec<IdStr> = Vec::with_capacity(max);
    let mut warnings: Vec<Listed<'v>> = Vec::new();
    let (mut amount, mut fee) = (Decimal::ZERO, Decimal::ZERO);
    let close = |ids: &mut Vec<IdStr>,
                 warnings: &mut Vec<Listed<'v>>,
                 amount: &mut Decimal,
                 fee: &mut Decimal|
     -> Result<Batch<'v>> {
        let batch = Batch {
            api: API,
            order_ids: std::mem::replace(ids, Vec::with_capacity(max)),
            amount: money::fmt_cny(*amount),
            amount_usd: money::fmt_cny(money::div_fen(*amount, fx, Round::HalfUp)?),
            fee: money::fmt_cny(*fee),
            warnings: std::mem::take(warnings),
        };
        *amount = Decimal::ZERO;
        *fee = Decimal::ZERO;
        Ok(batch)
    };
    for v in verdicts {
        match v.outcome {
            Outcome::Rejected => rejected.push(Listed::from(v)),
            Outcome::Deferred => deferred.push(Listed::from(v)),
            Outcome::Eligible => {
                let order_fee = schedule.fee(v.amount, tier.rate)?;
                amount = money::add(amount, v.amount)?;
                fee = money::add(fee, order_fee)?;
                total_amount = money::add(total_amount, v.amount)?;
                total_fee = money::add(total_fee, order_fee)?;
                payable = payable.saturating_add(1);
                ids.push(IdStr(v.id));
                if !v.reasons.is_empty() {
                    warned = warned.saturating_add(1);
                    warnings.push(Listed::from(v));
                }
                if ids.len() >= max {
                    batches.push(close(&mut ids, &mut warnings, &mut amount, &mut fee)?);
                }
            }
        }
    }
    if !ids.is_empty() {
        batches.push(close(&mut ids, &mut warnings, &mut amount, &mut fee)?);
    }
    let totals = Totals {
        orders: verdicts.len(),
        payable,
        rejected: rejected.len(),
        deferred: deferred.len(),
        warned,
        amount: money::fmt_cny(total_amount),
        amount_usd: money::fmt_cny(money::div_fen(total_amount, fx, Round::HalfUp)?),
        fee: money::fmt_cny(total_fee),
        tier: tier.tier,
        rate: money::fmt_rate(tier.rate),
    };
    Ok(Plan { batches, rejected, deferred, totals })
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::api::check_orders;
    use crate::api::plan_payment;
    use crate::eligibility::tests::{good_order, input};
    use crate::eligibility::{self, Input};
    use crate::error::ErrorCode;
    use crate::fee;
    use crate::json::{self, Origin};
    use proptest::prelude::*;
    use serde_json::{json, Value};
    use std::collections::{HashMap, HashSet};
    use std::str::FromStr;
    // The figures of the answers, added up again with the oracle type.
    use crate::decimal::oracle::Theirs as Decimal;

    fn plan_value(v: &Value) -> Result<Value> {
        plan_payment(&v.to_string(), None, Origin::Js).map(|s| serde_json::from_str(&s).unwrap())
    }

    fn d(s: &Value) -> Decimal {
        Decimal::from_str(s.as_str().unwrap()).unwrap()
    }

    #[test]
    fn the_shape_of_a_plan() {
        let mut v = input(json!([good_order("1"), good_order("2"), good_order("3")]));
        v["history"] = json!(["150000"]);
        v["maxPerCall"] = json!(2);
        v["orders"][1]["items"][0]["title"] = json!("Tomato seeds");
        v["orders"][2]["amount"] = json!("10.00");
        let out = plan_value(&v).unwrap();
        assert_eq!(
            out,
            json!({
                "batches": [
                    {"api": API, "orderIds": ["1", "2"], "amount": "200.00", "amountUsd": "27.78", "fee": "0.30",
                     "warnings": [{"orderId": "2", "reasons": out["batches"][0]["warnings"][0]["reasons"].clone()}]},
                    {"api": API, "orderIds": ["3"], "amount": "10.00", "amountUsd": "1.39", "fee": "0.02", "warnings": []}
                ],
                "rejected": [], "deferred": [],
                "totals": {"orders": 3, "payable": 3, "rejected": 0, "deferred": 0, "warned": 1,
                           "amount": "210.00", "amountUsd": "29.17", "fee": "0.32", "tier": 2, "rate": "0.0015"}
            })
        );
        assert_eq!(
            out["batches"][0]["warnings"][0]["reasons"][0]["code"],
            "PROHIBITED_GOODS_SUSPECTED"
        );
    }

    #[test]
    fn rejected_and_deferred_are_listed_with_reasons() {
        let mut v = input(json!([good_order("1"), good_order("2"), good_order("1")]));
        v["fx"]["usd"] = json!("1");
        v["limits"] = json!({"perDayUsd": "150"});
        let out = plan_value(&v).unwrap();
        assert_eq!(out["batches"][0]["orderIds"], json!(["1"]));
        assert_eq!(out["deferred"][0]["orderId"], "2");
        assert_eq!(out["deferred"][0]["reasons"][0]["code"], "OVER_DAILY_LIMIT");
        assert_eq!(out["rejected"][0]["orderId"], "1");
        assert_eq!(out["rejected"][0]["reasons"][0]["code"], "DUPLICATE_ORDER");
        assert_eq!(out["totals"]["payable"], 1);
    }

    #[test]
    fn empty_orders_give_an_empty_plan() {
        let mut v = input(json!([]));
        v["history"] = json!([]);
        let out = plan_value(&v).unwrap();
        assert_eq!(out["batches"], json!([]));
        assert_eq!(
            out["totals"],
            json!({"orders": 0, "payable": 0, "rejected": 0, "deferred": 0, "warned": 0, "amount": "0.00", "amountUsd": "0.00", "fee": "0.00", "tier": 1, "rate": "0.002"})
        );
    }

    #[test]
    fn max_per_call_is_checked() {
        for bad in [
            json!(0),
            json!(31),
            json!(2.5),
            json!("x"),
            json!(null),
            json!(-1),
            json!(true),
            json!("1e1"),
        ] {
            let mut v = input(json!([]));
            v["maxPerCall"] = bad.clone();
            let e = plan_payment(&v.to_string(), None, Origin::Js).unwrap_err();
            assert_eq!(
                (e.code, e.path.as_deref()),
                (ErrorCode::InvalidInput, Some("maxPerCall")),
                "{bad}"
            );
        }
        for (ok, n) in [(json!(1), 1), (json!(30), 30), (json!("7"), 7)] {
            assert_eq!(max_per_call(Some(Raw(&ok.to_string()))).unwrap(), n);
        }
    }

    #[test]
    fn custom_schedule_and_history_pick_the_tier() {
        let mut v = input(json!([good_order("1")]));
        v["history"] = json!(["90000000"]);
        assert_eq!(plan_value(&v).unwrap()["totals"]["tier"], 6);
        v["schedule"] = json!({"rounding": "up", "minFee": "1.00", "tiers": [{"from": "0", "to": null, "rate": "0.5"}]});
        let out = plan_value(&v).unwrap();
        assert_eq!(
            (out["totals"]["rate"].as_str(), out["totals"]["fee"].as_str()),
            (Some("0.5"), Some("50.00"))
        );
        v["schedule"] = json!({"tiers": [{"from": "1", "rate": "0.5"}]});
        let e = plan_payment(&v.to_string(), None, Origin::Js).unwrap_err();
        assert_eq!(
            (e.code, e.path.as_deref()),
            (ErrorCode::InvalidSchedule, Some("schedule.tiers[0].from"))
        );
        v["schedule"] = json!(null);
        v["history"] = json!(["1", "x"]);
        let e = plan_payment(&v.to_string(), None, Origin::Js).unwrap_err();
        assert_eq!((e.code, e.path.as_deref()), (ErrorCode::InvalidAmount, Some("history[1]")));
    }

    #[test]
    fn orders_as_text_keep_big_ids() {
        let big = "9223372036854775807";
        let text = format!(
            "[{}]",
            good_order("1").to_string().replace("\"orderId\":\"1\"", &format!("\"orderId\":{big}"))
        );
        let mut v = input(json!(null));
        v.as_object_mut().unwrap().remove("orders");
        let out: Value =
            serde_json::from_str(&plan_payment(&v.to_string(), Some(&text), Origin::Js).unwrap())
                .unwrap();
        assert_eq!(out["batches"][0]["orderIds"], json!([big]));
    }

    /// One random order: (id, amount in fen, flags). Few distinct ids make duplicates common;
    /// a few huge amounts cross the limits.
    fn arb_order() -> impl Strategy<Value = (u64, u64, [bool; 6])> {
        let amount = prop_oneof![8 => 0u64..10_000_000u64, 1 => 0u64..100_000_000_000_000u64];
        (1u64..3000, amount, proptest::array::uniform6(proptest::bool::weighted(0.93)))
    }

    fn order_json(id: u64, fen: u64, f: [bool; 6]) -> Value {
        let mut o = good_order(&id.to_string());
        o["amount"] = json!(format!("{}.{:02}", fen / 100, fen % 100));
        o["supplier"]["kjb"] = json!(f[0]);
        o["supplier"]["chengxintong"] = json!(f[1]);
        o["status"] = json!(if f[2] { "waitbuyerpay" } else { "waitsellersend" });
        o["items"][0]["kjb"] = json!(f[3]);
        o["redEnvelope"] = json!(!f[4]);
        if !f[5] {
            o["items"][0]["title"] = json!("花种子");
        }
        o
    }

    /// The plan of `v`, written by `Plan::to_json` and by serde (`json::to_json`).
    fn both_writers(v: &Value) -> (String, String) {
        let text = v.to_string();
        let parsed: Input<'_> = json::parse(&text).unwrap();
        let max = max_per_call(parsed.max_per_call).unwrap();
        let schedule = fee::read_schedule(parsed.schedule.as_ref(), "schedule").unwrap();
        let history = fee::read_history(&parsed.history, "history").unwrap();
        let tier = schedule.tier_for(fee::volume(&history).unwrap().applicable).clone();
        let (ctx, verdicts) = eligibility::run(&parsed, None, Origin::Js).unwrap();
        let p = plan(&verdicts, max, &schedule, &tier, ctx.rate).unwrap();
        (p.to_json(Form::Full), crate::json::to_json(&p).unwrap())
    }

    #[test]
    fn the_fast_writer_writes_what_serde_writes() {
        let mut v =
            input(json!([good_order("1"), good_order("2"), good_order("1"), good_order("3")]));
        v["orders"][1]["items"][0]["title"] = json!("花种子 \"quoted\"\n\u{1}😀");
        v["orders"][3]["amount"] = json!("80000000.00");
        v["limits"] = json!({"perDayUsd": "20"});
        v["history"] = json!(["150000"]);
        let (fast, serde) = both_writers(&v);
        assert_eq!(fast, serde);
        v["orders"] = json!([]);
        let (fast, serde) = both_writers(&v);
        assert_eq!(fast, serde);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

        #[test]
        fn the_fast_writer_agrees_on_random_plans(orders in proptest::collection::vec(arb_order(), 0..300), max in 1usize..=30, per_day in 1u64..2_000_000u64) {
            let list: Vec<Value> = orders.iter().map(|&(id, fen, f)| order_json(id, fen, f)).collect();
            let mut v = input(Value::Array(list));
            v["limits"] = json!({"perDayUsd": format!("{per_day}.00")});
            v["maxPerCall"] = json!(max);
            v["history"] = json!(["250000.00"]);
            let (fast, serde) = both_writers(&v);
            prop_assert_eq!(&fast, &serde);
            let compact = crate::api::plan_payment_apart(&v.to_string(), None, Origin::Js, Form::Compact).unwrap();
            let full: Value = serde_json::from_str(&fast).unwrap();
            prop_assert_eq!(crate::out::tests::expand_answer(&compact), full);
            let text = v.to_string();
            let compact = crate::api::check_orders_apart(&text, None, Origin::Js, Form::Compact).unwrap();
            let full: Value = serde_json::from_str(&crate::api::check_orders(&text, None, Origin::Js).unwrap()).unwrap();
            prop_assert_eq!(crate::out::tests::expand_answer(&compact), full);
        }

        /// Every figure of a plan — the limits' verdicts at their very edge, batch and total
        /// amounts, fees, USD amounts and the USD figures in limit messages — is what the same
        /// rules computed with `rust_decimal` give, for FX rates and limits of every size.
        #[test]
        fn figures_match_a_general_decimal(
            fens in proptest::collection::vec(prop_oneof![3 => 0u64..10_000_000, 1 => 0u64..100_000_000_000_000_000, 2 => Just(u64::MAX)], 1..60),
            fx_m in prop_oneof![3 => 1u64..=99_999_999, 1 => 1u64..=999_999_999_999_999_999],
            fx_s in 0u32..=6,
            per_tx in prop_oneof![3 => 1u64..=10_000_000_000, 1 => 1u64..=99_999_999_999_999_999],
            per_day in prop_oneof![3 => 1u64..=10_000_000_000, 1 => 1u64..=99_999_999_999_999_999],
            paid in prop_oneof![3 => 0u64..=10_000_000_000, 1 => 0u64..=99_999_999_999_999_999],
            max in 1usize..=30,
            history in proptest::collection::vec(0u64..100_000_000_000, 0..14),
        ) {
            use crate::decimal::oracle::RoundingStrategy;
            let fx = Decimal::new(fx_m as i64, fx_s);
            prop_assume!(fx < Decimal::new(1_000_000_000_000_000, 0));
            let usd = |fen: u64| Decimal::from_i128_with_scale(i128::from(fen), 2);
            let (per_tx, per_day, paid) = (usd(per_tx), usd(per_day), usd(paid));
            // Amounts at the per-transaction limit exactly, a fen either side, and at random.
            let edge = per_tx.checked_mul(fx).unwrap_or(Decimal::ZERO).round_dp_with_strategy(2, RoundingStrategy::ToZero);
            let amounts: Vec<Decimal> = fens.iter().map(|&f| match f {
                u64::MAX => edge,
                f if f % 7 == 0 => edge + Decimal::new(1, 2),
                f if f % 7 == 1 && edge > Decimal::ZERO => edge - Decimal::new(1, 2),
                f => usd(f),
            }).filter(|a| *a < Decimal::new(1_000_000_000_000_000, 0)).collect();
            prop_assume!(!amounts.is_empty());
            let history: Vec<Decimal> = history.into_iter().map(usd).collect();
            let list: Vec<Value> = amounts.iter().enumerate().map(|(i, a)| {
                let mut o = good_order(&(i + 1).to_string());
                o["amount"] = json!(a.to_string());
                o
            }).collect();
            let mut v = input(Value::Array(list));
            v["fx"]["usd"] = json!(fx.to_string());
            v["paidTodayUsd"] = json!(paid.to_string());
            v["limits"] = json!({"perTransactionUsd": per_tx.to_string(), "perDayUsd": per_day.to_string()});
            v["history"] = json!(history.iter().map(|h| h.to_string()).collect::<Vec<_>>());
            v["maxPerCall"] = json!(max);
            let half_up = |d: Decimal| {
                let mut r = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
                r.rescale(2);
                r.to_string()
            };
            // The day's figures overflow a 96-bit decimal only for absurd FX rates: both refuse.
            let (Some(tx_cny), Some(day_cny), Some(paid_cny)) = (per_tx.checked_mul(fx), per_day.checked_mul(fx), paid.checked_mul(fx)) else {
                let e = plan_payment(&v.to_string(), None, Origin::Js).unwrap_err();
                prop_assert_eq!(e.code, ErrorCode::InvalidRate);
                return Ok(());
            };
            let room = day_cny - paid_cny;
            let p: Value = serde_json::from_str(&plan_payment(&v.to_string(), None, Origin::Js).unwrap()).unwrap();
            let c: Value = serde_json::from_str(&check_orders(&v.to_string(), None, Origin::Js).unwrap()).unwrap();

            // The tier, as quoteFee's rules give it.
            let last = history.first().copied().unwrap_or(Decimal::ZERO);
            let window = &history[..history.len().min(12)];
            let average = if window.is_empty() { Decimal::ZERO } else {
                (window.iter().copied().sum::<Decimal>() / Decimal::from(window.len() as u64)).round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
            };
            let applicable = average.max(last);
            let tiers = [(0i64, 20u32, 4u32), (100_000, 15, 4), (3_000_000, 8, 4), (10_000_000, 3, 4), (25_000_000, 2, 4), (80_000_000, 15, 5)];
            let (tier, &(_, rm, rs)) = tiers.iter().enumerate().rev().find(|(_, t)| Decimal::from(t.0) <= applicable).unwrap();
            let rate = Decimal::new(i64::from(rm), rs);

            let (mut day, mut eligible, mut rejected, mut deferred) = (Decimal::ZERO, vec![], vec![], vec![]);
            for (i, &a) in amounts.iter().enumerate() {
                let id = (i + 1).to_string();
                let r = &c["results"][i];
                if a > tx_cny {
                    rejected.push(id);
                    let usd = (a / fx).round_dp_with_strategy(2, RoundingStrategy::AwayFromZero);
                    let mut shown = usd;
                    shown.rescale(2);
                    let m = r["reasons"].as_array().unwrap().iter().find(|x| x["code"] == "OVER_TRANSACTION_LIMIT").unwrap()["message"].as_str().unwrap().replace(',', "");
                    prop_assert!(m.contains(&format!("{shown} USD")), "{} {}", m, shown);
                } else if day + a <= room {
                    day += a;
                    eligible.push((id, a));
                } else {
                    deferred.push(id);
                }
            }
            let ids = |list: &Value| list.as_array().unwrap().iter().map(|e| e["orderId"].as_str().unwrap().to_string()).collect::<Vec<_>>();
            prop_assert_eq!(ids(&p["rejected"]), rejected);
            prop_assert_eq!(ids(&p["deferred"]), deferred);
            let batches = p["batches"].as_array().unwrap();
            let chunks: Vec<_> = eligible.chunks(max).collect();
            prop_assert_eq!(batches.len(), chunks.len());
            let (mut total, mut total_fee) = (Decimal::ZERO, Decimal::ZERO);
            for (b, chunk) in batches.iter().zip(&chunks) {
                let amount: Decimal = chunk.iter().map(|(_, a)| *a).sum();
                let fee: Decimal = chunk.iter().map(|(_, a)| (*a * rate).round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)).sum();
                total += amount;
                total_fee += fee;
                prop_assert_eq!(b["amount"].as_str().unwrap(), half_up(amount));
                prop_assert_eq!(b["fee"].as_str().unwrap(), half_up(fee));
                prop_assert_eq!(b["amountUsd"].as_str().unwrap(), half_up(amount / fx));
            }
            let t = &p["totals"];
            prop_assert_eq!(t["tier"].as_u64(), Some(tier as u64 + 1));
            prop_assert_eq!(t["amount"].as_str().unwrap(), half_up(total));
            prop_assert_eq!(t["fee"].as_str().unwrap(), half_up(total_fee));
            prop_assert_eq!(t["amountUsd"].as_str().unwrap(), half_up(total / fx));
        }

        #[test]
        fn every_order_lands_exactly_once(
            orders in prop_oneof![3 => proptest::collection::vec(arb_order(), 0..200), 1 => proptest::collection::vec(arb_order(), 1000..2500)],
            max in 1usize..=30,
            paid in 0u64..100_000_000u64,
            per_day in 1u64..2_000_000u64,
            as_text in any::<bool>(),
            buyer_ok in proptest::bool::weighted(0.9),
        ) {
            let list: Vec<Value> = orders.iter().map(|&(id, fen, f)| order_json(id, fen, f)).collect();
            let mut v = input(Value::Array(list));
            v["fx"]["usd"] = json!("7.1234");
            v["paidTodayUsd"] = json!(format!("{}.00", paid % 1_000_000));
            v["limits"] = json!({"perDayUsd": format!("{per_day}.00")});
            v["history"] = json!(["250000.00", "1000"]);
            v["maxPerCall"] = json!(max);
            v["buyer"]["kjbActivated"] = json!(buyer_ok);
            let (plan_out, check_out) = if as_text {
                let text = v["orders"].to_string();
                v.as_object_mut().unwrap().remove("orders");
                (plan_payment(&v.to_string(), Some(&text), Origin::Js).unwrap(), check_orders(&v.to_string(), Some(&text), Origin::Js).unwrap())
            } else {
                (plan_payment(&v.to_string(), None, Origin::Js).unwrap(), check_orders(&v.to_string(), None, Origin::Js).unwrap())
            };
            let p: Value = serde_json::from_str(&plan_out).unwrap();
            let c: Value = serde_json::from_str(&check_out).unwrap();

            // Input positions: ids repeat, so count (id → occurrences) on both sides.
            let mut want: HashMap<String, usize> = HashMap::new();
            for &(id, _, _) in &orders {
                *want.entry(id.to_string()).or_default() += 1;
            }
            let mut got: HashMap<String, usize> = HashMap::new();
            let mut planned = Vec::new();
            let (mut amount, mut fee, mut usd, mut warned) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO, 0usize);
            let batches = p["batches"].as_array().unwrap();
            for b in batches {
                let ids = b["orderIds"].as_array().unwrap();
                prop_assert!(!ids.is_empty() && ids.len() <= max);
                prop_assert_eq!(b["api"].as_str(), Some(API));
                for id in ids {
                    *got.entry(id.as_str().unwrap().to_string()).or_default() += 1;
                    planned.push(id.as_str().unwrap().to_string());
                }
                amount += d(&b["amount"]);
                fee += d(&b["fee"]);
                usd += d(&b["amountUsd"]);
                warned += b["warnings"].as_array().unwrap().len();
            }
            // Only the last batch may be short.
            for b in batches.iter().rev().skip(1) {
                prop_assert_eq!(b["orderIds"].as_array().unwrap().len(), max);
            }
            for list in ["rejected", "deferred"] {
                for e in p[list].as_array().unwrap() {
                    *got.entry(e["orderId"].as_str().unwrap().to_string()).or_default() += 1;
                }
            }
            prop_assert_eq!(&got, &want);
            let t = &p["totals"];
            prop_assert_eq!(t["orders"].as_u64(), Some(orders.len() as u64));
            prop_assert_eq!(t["payable"].as_u64(), Some(planned.len() as u64));
            prop_assert_eq!(t["rejected"].as_u64().unwrap() as usize, p["rejected"].as_array().unwrap().len());
            prop_assert_eq!(t["deferred"].as_u64().unwrap() as usize, p["deferred"].as_array().unwrap().len());
            prop_assert_eq!(t["warned"].as_u64(), Some(warned as u64));
            prop_assert_eq!(d(&t["amount"]), amount);
            prop_assert_eq!(d(&t["fee"]), fee);
            let slack = Decimal::new(5, 3) * Decimal::from(batches.len().max(1));
            prop_assert!((d(&t["amountUsd"]) - usd).abs() <= slack, "usd {} vs {}", t["amountUsd"], usd);
            // The day's limit holds: paid today plus everything planned.
            let paid_usd = Decimal::from(paid % 1_000_000);
            prop_assert!(paid_usd + amount / Decimal::from_str("7.1234").unwrap() <= Decimal::from(per_day) || planned.is_empty());

            // checkOrders agrees: planned = eligible, deferred = blocked only by the daily limit.
            let results = c["results"].as_array().unwrap();
            prop_assert_eq!(results.len(), orders.len());
            let eligible: Vec<String> = results.iter().filter(|r| r["eligible"] == true).map(|r| r["orderId"].as_str().unwrap().to_string()).collect();
            prop_assert_eq!(&eligible, &planned);
            let only_daily: HashSet<String> = results.iter().filter(|r| {
                let blocks: Vec<&Value> = r["reasons"].as_array().unwrap().iter().filter(|x| x["severity"] == "block").collect();
                blocks.len() == 1 && blocks[0]["code"] == "OVER_DAILY_LIMIT"
            }).map(|r| r["orderId"].as_str().unwrap().to_string()).collect();
            let deferred: HashSet<String> = p["deferred"].as_array().unwrap().iter().map(|e| e["orderId"].as_str().unwrap().to_string()).collect();
            prop_assert_eq!(only_daily, deferred);
            // Reasons in the plan are the ones checkOrders gives.
            let mut listed: HashMap<&str, Vec<&Value>> = HashMap::new();
            for e in p["rejected"].as_array().unwrap().iter().chain(p["deferred"].as_array().unwrap()) {
                listed.entry(e["orderId"].as_str().unwrap()).or_default().push(&e["reasons"]);
            }
            for r in results.iter().filter(|r| r["eligible"] == false) {
                let id = r["orderId"].as_str().unwrap();
                prop_assert!(listed.get(id).is_some_and(|v| v.contains(&&r["reasons"])), "{}", id);
            }
        }
    }

    /// Native timing of the contract's performance case; run with
    /// `cargo test --release -- --ignored --nocapture plan_10k`.
    #[test]
    #[ignore]
    fn plan_10k() {
        let mut list = String::from("[");
        for i in 0..10_000u64 {
            if i > 0 {
                list.push(',');
            }
            list.push_str(&format!(
                r#"{{"orderId":{},"amount":"{}.{:02}","status":"waitbuyerpay","tradeTypeCode":"assureTrade","supplier":{{"loginId":"supplier{}","kjb":true,"chengxintong":true}},"items":[{{"offerId":{},"title":"2024新款 纯棉T恤 男士短袖 Cotton T-shirt men summer","category":"服装"}},{{"offerId":{},"title":"{}","category":[ "家居", 1031910 ]}}]}}"#,
                3_535_260_697_417_660_107u64 - i,
                (i * 7919) % 100_000,
                i % 100,
                i % 50,
                600_000_000_000u64 + i,
                700_000_000_000u64 + i,
                // One order in a hundred has a title that warns.
                if i % 100 == 0 { "蔬菜种子 阳台盆栽 seeds" } else { "北欧风 陶瓷马克杯 带盖勺 Ceramic mug with lid 400ml" }
            ));
        }
        list.push(']');
        let mut v = input(json!(null));
        v.as_object_mut().unwrap().remove("orders");
        v["history"] = json!(["150000"]);
        let v = v.to_string();
        let start = std::time::Instant::now();
        let runs = 20;
        let mut out = String::new();
        for _ in 0..runs {
            out = plan_payment(&v, Some(&list), Origin::Js).unwrap();
        }
        let each = start.elapsed() / runs;
        let p: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(p["totals"]["payable"], 10_000);
        eprintln!("plan of 10,000 orders ({} KB): {:?} each", list.len() / 1024, each);
    }
}
