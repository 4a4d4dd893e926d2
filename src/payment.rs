//! `paymentState(events)`: what is known about each order's payment, folded from everything
//! 1688 said — cashier links (`cashierUrls`), pushes (`verifyPush`, `pullMessages`) and order
//! statuses (`orderStatus`) — into one state per order.
//!
//! Pushes repeat and arrive in any order, so the answer must not depend on order or repeats.
//! Each event only ever *raises* an order's state along a fixed precedence, and ties are broken
//! by comparing the candidates themselves, so the fold is a maximum — commutative, associative
//! and idempotent:
//!
//! 1. `paid` — a pay push (`ORDER_BUYER_VIEW_ORDER_PAY`, `ORDER_BUYER_VIEW_ORDER_SUCCESS`), a
//!    `successed` batch outcome, or a status with `paid: true`. Money moved; nothing undoes that
//!    here. `paidAt` is the earliest payment time any event gives (ISO-8601 UTC).
//! 2. `closed` — a close topic (`…_BUYER_CLOSE`, `…_SELLER_CLOSE`, `…_BOPS_CLOSE`) or a status
//!    with `closed: true`, and never paid: the order will not be paid.
//! 3. `failed` — a failed batch payment (`ACCOUNT_BALANCE_NOT_ENOUGH`, …), an id the cashier
//!    refused, or a link call that failed: paying needs the buyer to act (the reason says how).
//!    Of several failures the latest (by message time, then code) is reported.
//! 4. `awaitingPayment` — a cashier link or an unpaid status, and nothing above.
//!
//! Orders come out sorted by id. Ids are checked like every order id (`INVALID_ORDER_ID`,
//! `UNSAFE_ORDER_ID` with the path); messages of other topics are ignored.

use crate::error::{ErrorCode, KjbError, Result};
use crate::json;
use crate::json::Value;
use crate::money;
use crate::time;
use serde::Serialize;
use std::collections::BTreeMap;

/// Why an order failed or closed.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Why {
    pub code: String,
    pub message: String,
    pub message_zh: String,
}

/// A failure or a close, ordered so the fold can pick one: time first (ms, `None` lowest), then
/// the reason itself.
type Ranked = (Option<i64>, Why);

#[derive(Default)]
struct Acc {
    paid: bool,
    paid_at: Option<i64>,
    closed: Option<Ranked>,
    failed: Option<Ranked>,
}

impl Acc {
    fn paid(&mut self, at: Option<i64>) {
        self.paid = true;
        self.paid_at = match (self.paid_at, at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
}

fn raise(slot: &mut Option<Ranked>, candidate: Ranked) {
    let higher = match slot {
        Some(s) => candidate > *s,
        None => true,
    };
    if higher {
        *slot = Some(candidate);
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StateOut {
    order_id: String,
    state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<Why>,
    #[serde(skip_serializing_if = "Option::is_none")]
    paid_at: Option<String>,
}

fn why(code: &str, en: String, zh: String) -> Why {
    Why { code: code.to_string(), message: en, message_zh: zh }
}

/// The text of a failed batch payment status (gateway-1688.md §5).
pub(crate) fn batch_failure(status: &str) -> Why {
    let s = money::clip(status);
    match status {
        "ACCOUNT_BALANCE_NOT_ENOUGH" => why(
            status,
            "The balance of the buyer's Alipay business account was not enough for this batch payment. Top up the account, get a new cashier link and pay again.".into(),
            "买家支付宝企业账户余额不足，本次批量付款失败。请充值后重新获取收银台链接并付款。".into(),
        ),
        "ACCOUNT_NOT_EXIST" => why(
            status,
            "The buyer has signed KJB but has no KJB payment account yet (ACCOUNT_NOT_EXIST). Finish opening the KJB account, then pay again.".into(),
            "买家已签约跨境宝但尚未开通跨境宝支付账户（ACCOUNT_NOT_EXIST）。请完成开户后重新付款。".into(),
        ),
        "ACCOUNT_FROZEN" => why(
            status,
            "The buyer's payment account is frozen. Contact Alipay business support to unfreeze it, then pay again.".into(),
            "买家的支付账户已被冻结。请联系支付宝企业客服解冻后重新付款。".into(),
        ),
        "PARAM_ILLEGAL" => why(
            status,
            "1688 refused the batch payment's parameters (PARAM_ILLEGAL). Get a new cashier link and pay again; if it repeats, contact 1688 support.".into(),
            "1688拒绝了本次批量付款的参数（PARAM_ILLEGAL）。请重新获取收银台链接并付款；如仍失败请联系1688客服。".into(),
        ),
        _ => why(
            status,
            format!("The batch payment failed ({s}). Get a new cashier link and pay again."),
            format!("批量付款失败（{s}）。请重新获取收银台链接并付款。"),
        ),
    }
}

fn close_reason(topic: &str) -> Why {
    let (code, en, zh) = match topic {
        "ORDER_BUYER_VIEW_ORDER_BUYER_CLOSE" => ("BUYER_CLOSE", "The buyer closed the order on 1688; it will not be paid.", "买家已在1688关闭该订单，不会再付款。"),
        "ORDER_BUYER_VIEW_ORDER_SELLER_CLOSE" => ("SELLER_CLOSE", "The seller closed the order; it will not be paid. Place a new order if still needed.", "卖家已关闭该订单，不会再付款。如仍需要请重新下单。"),
        _ => ("BOPS_CLOSE", "1688 closed the order (BOPS, e.g. unpaid past its payment deadline); it will not be paid.", "1688后台已关闭该订单（例如超过付款期限未付款），不会再付款。"),
    };
    why(code, en.into(), zh.into())
}

fn bad(path: &str, message: String) -> KjbError {
    KjbError::at(ErrorCode::InvalidInput, path, message)
}

/// An order id from JS: digits as a string, or a safe whole number.
#[inline(never)]
fn id_of(v: Option<&Value>, path: &str) -> Result<u64> {
    match v {
        Some(Value::String(s)) => money::digits_id(s).map_err(|why| KjbError::at(ErrorCode::InvalidOrderId, path, format!("{path} must be a 1688 order id (1–19 digits); \"{}\" {why}", money::clip(s)))),
        Some(Value::Number(n)) => match n.as_u64() {
            Some(id) if id > money::MAX_SAFE_INTEGER => Err(KjbError::at(ErrorCode::UnsafeOrderId, path, format!("{path} is a number above 2^53 − 1 and has lost digits: pass order ids as strings"))),
            Some(id) if id > 0 => Ok(id),
            _ => Err(KjbError::at(ErrorCode::InvalidOrderId, path, format!("{path} must be a 1688 order id; got {n}"))),
        },
        Some(other) => Err(KjbError::at(ErrorCode::InvalidOrderId, path, format!("{path} must be a 1688 order id (a string of digits); got {}", kind(other)))),
        None => Err(KjbError::at(ErrorCode::InvalidOrderId, path, format!("{path} is missing"))),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[inline(never)]
fn list<'v>(v: Option<&'v Value>, path: &str) -> Result<&'v [Value]> {
    match v {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(a)) => Ok(a),
        Some(other) => Err(bad(path, format!("{path} must be a list; got {}", kind(other)))),
    }
}

#[inline(never)]
fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[inline(never)]
fn flag(v: Option<&Value>, path: &str) -> Result<bool> {
    match v {
        Some(Value::Bool(b)) => Ok(*b),
        None | Some(Value::Null) => Ok(false),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(true),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(false),
        Some(other) => Err(bad(path, format!("{path} must be true or false; got {}", kind(other)))),
    }
}

/// `gmtBorn` (ms since the epoch) as seconds.
fn born(push: &Value) -> Option<i64> {
    match push.get("gmtBorn")? {
        Value::Number(n) => n.as_i64().map(|ms| ms.div_euclid(1000)),
        Value::String(s) => s.parse::<i64>().ok().map(|ms| ms.div_euclid(1000)),
        _ => None,
    }
}

struct Fold {
    orders: BTreeMap<u64, Acc>,
}

impl Fold {
    fn at(&mut self, id: u64) -> &mut Acc {
        self.orders.entry(id).or_default()
    }

    fn links(&mut self, run: &Value, path: &str) -> Result<()> {
        if !run.is_object() {
            return Err(bad(
                path,
                format!(
                    "{path} must be what cashierUrls returned, {{links, refused, failed}}; got {}",
                    kind(run)
                ),
            ));
        }
        for (i, link) in list(run.get("links"), &format!("{path}.links"))?.iter().enumerate() {
            let p = format!("{path}.links[{i}].orderIds");
            for (j, id) in list(link.get("orderIds"), &p)?.iter().enumerate() {
                self.at(id_of(Some(id), &format!("{p}[{j}]"))?);
            }
        }
        for (i, r) in list(run.get("refused"), &format!("{path}.refused"))?.iter().enumerate() {
            let id = id_of(r.get("orderId"), &format!("{path}.refused[{i}].orderId"))?;
            let code = text(r.get("code")).unwrap_or_else(|| "REFUSED".into());
            let said = text(r.get("reason")).unwrap_or_default();
            let said = money::clip(&said);
            let w = why(
                &code,
                format!("The cashier refused this order ({code}): {said}"),
                format!("收银台拒绝了该订单（{code}）：{said}"),
            );
            raise(&mut self.at(id).failed, (None, w));
        }
        for (i, f) in list(run.get("failed"), &format!("{path}.failed"))?.iter().enumerate() {
            let p = format!("{path}.failed[{i}]");
            let error = f.get("error");
            let code =
                error.and_then(|e| text(e.get("code"))).unwrap_or_else(|| "GATEWAY_ERROR".into());
            let said = error.and_then(|e| text(e.get("message"))).unwrap_or_default();
            let said = money::clip(&said);
            let w = why(&code, format!("No cashier link could be obtained for this order ({code}): {said}. Try again later."), format!("未能获取该订单的收银台链接（{code}）：{said}。请稍后重试。"));
            for (j, id) in list(f.get("orderIds"), &format!("{p}.orderIds"))?.iter().enumerate() {
                let id = id_of(Some(id), &format!("{p}.orderIds[{j}]"))?;
                raise(&mut self.at(id).failed, (None, w.clone()));
            }
        }
        Ok(())
    }

    fn push(&mut self, m: &Value, path: &str) -> Result<()> {
        let Some(topic) = m.get("type").and_then(Value::as_str) else {
            return Err(bad(
                &format!("{path}.type"),
                format!(
                    "{path} has no type: pass messages as verifyPush or pullMessages return them"
                ),
            ));
        };
        let t = born(m);
        let data = m.get("data").unwrap_or(&Value::Null);
        let data_id = |fold: &mut Fold| -> Result<u64> {
            let id = id_of(data.get("orderId"), &format!("{path}.data.orderId"))?;
            fold.at(id);
            Ok(id)
        };
        match topic {
            "ORDER_BUYER_VIEW_ORDER_PAY" | "ORDER_BUYER_VIEW_ORDER_SUCCESS" => {
                let id = data_id(self)?;
                self.at(id).paid(t);
            }
            "ORDER_BUYER_VIEW_ORDER_BUYER_CLOSE"
            | "ORDER_BUYER_VIEW_ORDER_SELLER_CLOSE"
            | "ORDER_BUYER_VIEW_ORDER_BOPS_CLOSE" => {
                let id = data_id(self)?;
                raise(&mut self.at(id).closed, (t, close_reason(topic)));
            }
            "ORDER_BATCH_PAY" => {
                let p = format!("{path}.data.batchPay");
                for (i, o) in list(data.get("batchPay"), &p)?.iter().enumerate() {
                    let id = id_of(o.get("orderId"), &format!("{p}[{i}].orderId"))?;
                    let status = text(o.get("status")).unwrap_or_default();
                    if status.eq_ignore_ascii_case("successed")
                        || status.eq_ignore_ascii_case("success")
                    {
                        self.at(id).paid(t);
                    } else {
                        raise(
                            &mut self.at(id).failed,
                            (t, batch_failure(if status.is_empty() { "UNKNOWN" } else { &status })),
                        );
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn status(&mut self, s: &Value, path: &str) -> Result<()> {
        let id = id_of(s.get("orderId"), &format!("{path}.orderId"))?;
        let paid = flag(s.get("paid"), &format!("{path}.paid"))?;
        let closed = flag(s.get("closed"), &format!("{path}.closed"))?;
        let at = text(s.get("payTime")).and_then(|t| time::parse_any(&t));
        let status = text(s.get("status")).unwrap_or_default();
        let acc = self.at(id);
        if paid {
            acc.paid(at);
        } else if closed {
            let st = money::clip(&status);
            let w = why(
                "CLOSED",
                format!("The order is closed on 1688 (status {st}); it will not be paid."),
                format!("该订单在1688已关闭（状态 {st}），不会再付款。"),
            );
            raise(&mut acc.closed, (None, w));
        }
        Ok(())
    }
}

/// `paymentState({links?, pushes?, statuses?})`.
pub(crate) fn payment_state_json(input: &str) -> Result<String> {
    let v: Value = json::parse_value(input)?;
    let Some(o) = v.as_object() else {
        return Err(bad(
            "",
            format!("paymentState takes {{links?, pushes?, statuses?}}; got {}", kind(&v)),
        ));
    };
    if let Some(k) = o.keys().find(|k| !matches!(k.as_str(), "links" | "pushes" | "statuses")) {
        return Err(bad(
            k,
            format!(
                "unknown field {}: paymentState takes {{links?, pushes?, statuses?}}",
                money::clip(k)
            ),
        ));
    }
    let mut fold = Fold { orders: BTreeMap::new() };
    match o.get("links") {
        None | Some(Value::Null) => {}
        Some(Value::Array(runs)) => {
            for (i, run) in runs.iter().enumerate() {
                fold.links(run, &format!("links[{i}]"))?;
            }
        }
        Some(run) => fold.links(run, "links")?,
    }
    for (i, m) in list(o.get("pushes"), "pushes")?.iter().enumerate() {
        fold.push(m, &format!("pushes[{i}]"))?;
    }
    for (i, s) in list(o.get("statuses"), "statuses")?.iter().enumerate() {
        fold.status(s, &format!("statuses[{i}]"))?;
    }
    let out: Vec<StateOut> = fold
        .orders
        .into_iter()
        .map(|(id, a)| {
            let (state, reason, paid_at) = if a.paid {
                ("paid", None, a.paid_at.map(time::format_iso))
            } else if let Some((_, w)) = a.closed {
                ("closed", Some(w), None)
            } else if let Some((_, w)) = a.failed {
                ("failed", Some(w), None)
            } else {
                ("awaitingPayment", None, None)
            };
            StateOut { order_id: id.to_string(), state, reason, paid_at }
        })
        .collect();
    crate::json::to_json(&out)
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    #[allow(unused_imports)]
    use serde_json::{json, Map, Value};

    fn state(events: Value) -> Value {
        serde_json::from_str(&payment_state_json(&events.to_string()).unwrap()).unwrap()
    }

    fn events() -> Vec<(&'static str, Value)> {
        vec![
            (
                "links",
                json!({"links": [{"orderIds": ["1", "2", "3", "4", "5"], "payUrl": "u"}], "refused": [{"orderId": "6", "code": "MANUAL_ORDER", "reason": "Batch pay : not surport MANUAL-TRADE!"}], "failed": [{"orderIds": ["7"], "error": {"code": "GATEWAY_ERROR", "message": "HTTP 502"}}]}),
            ),
            (
                "pushes",
                json!({"msgId": "10", "type": "ORDER_BATCH_PAY", "gmtBorn": 1_764_035_064_904u64, "data": {"batchPay": [{"orderId": "1", "status": "successed"}, {"orderId": "2", "status": "ACCOUNT_BALANCE_NOT_ENOUGH"}]}}),
            ),
            (
                "pushes",
                json!({"msgId": "11", "type": "ORDER_BUYER_VIEW_ORDER_PAY", "gmtBorn": 1_764_035_000_000u64, "data": {"orderId": "1", "currentStatus": "waitsellersend"}}),
            ),
            (
                "pushes",
                json!({"msgId": "12", "type": "ORDER_BATCH_PAY", "gmtBorn": 1_764_036_000_000u64, "data": {"batchPay": [{"orderId": "2", "status": "successed"}, {"orderId": "3", "status": "ACCOUNT_FROZEN"}]}}),
            ),
            (
                "pushes",
                json!({"msgId": "13", "type": "ORDER_BUYER_VIEW_ORDER_BOPS_CLOSE", "gmtBorn": 1_764_037_000_000u64, "data": {"orderId": "4"}}),
            ),
            (
                "pushes",
                json!({"msgId": "14", "type": "ORDER_BATCH_PAY", "gmtBorn": 1_764_030_000_000u64, "data": {"batchPay": [{"orderId": "3", "status": "ACCOUNT_BALANCE_NOT_ENOUGH"}, {"orderId": "4", "status": "PARAM_ILLEGAL"}]}}),
            ),
            ("pushes", json!({"msgId": "15", "type": "SOMETHING_ELSE", "data": {}})),
            (
                "statuses",
                json!({"orderId": "5", "status": "waitbuyerpay", "paid": false, "payTime": null, "payChannels": [], "closed": false}),
            ),
            (
                "statuses",
                json!({"orderId": "8", "status": "success", "paid": true, "payTime": "2026-11-27T12:00:00Z", "payChannels": ["跨境宝"], "closed": false}),
            ),
            (
                "statuses",
                json!({"orderId": "9", "status": "cancel", "paid": false, "payTime": null, "payChannels": [], "closed": true}),
            ),
        ]
    }

    fn input(events: &[(&'static str, Value)]) -> Value {
        let mut out = json!({"links": [], "pushes": [], "statuses": []});
        for (k, e) in events {
            out[*k].as_array_mut().unwrap().push(e.clone());
        }
        out
    }

    #[test]
    fn precedence() {
        let v = state(input(&events()));
        let by: BTreeMap<String, Value> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["orderId"].as_str().unwrap().to_string(), s.clone()))
            .collect();
        assert_eq!(by["1"]["state"], "paid");
        assert_eq!(by["1"]["paidAt"], "2025-11-25T01:43:20Z");
        assert_eq!(by["2"]["state"], "paid");
        assert_eq!(by["3"]["state"], "failed");
        assert_eq!(by["3"]["reason"]["code"], "ACCOUNT_FROZEN", "the latest failure");
        assert!(by["3"]["reason"]["messageZh"].as_str().unwrap().contains("冻结"));
        assert_eq!(by["4"]["state"], "closed");
        assert_eq!(by["4"]["reason"]["code"], "BOPS_CLOSE");
        assert_eq!(by["5"]["state"], "awaitingPayment");
        assert!(by["5"].get("reason").is_none());
        assert_eq!(by["6"]["reason"]["code"], "MANUAL_ORDER");
        assert_eq!(by["7"]["state"], "failed");
        assert_eq!(by["8"]["paidAt"], "2026-11-27T12:00:00Z");
        assert_eq!(by["9"]["state"], "closed");
        assert_eq!(v.as_array().unwrap().len(), 9);
        // One cashierUrls answer on its own (not in a list) reads the same.
        assert_eq!(state(json!({"links": events()[0].1}))[5]["state"], "failed");
    }

    #[test]
    fn refusals() {
        for (events, code, path) in [
            (json!([]), ErrorCode::InvalidInput, ""),
            (json!({"pushes": {}}), ErrorCode::InvalidInput, "pushes"),
            (
                json!({"pushes": [{"type": "ORDER_BUYER_VIEW_ORDER_PAY", "data": {"orderId": "12a"}}]}),
                ErrorCode::InvalidOrderId,
                "pushes[0].data.orderId",
            ),
            (
                json!({"pushes": [{"type": "ORDER_BUYER_VIEW_ORDER_PAY", "data": {"orderId": "123456789012345678901"}}]}),
                ErrorCode::InvalidOrderId,
                "pushes[0].data.orderId",
            ),
            (
                json!({"pushes": [{"type": "ORDER_BUYER_VIEW_ORDER_PAY", "data": {"orderId": 9_007_199_254_740_993u64}}]}),
                ErrorCode::UnsafeOrderId,
                "pushes[0].data.orderId",
            ),
            (json!({"pushes": [{"data": {}}]}), ErrorCode::InvalidInput, "pushes[0].type"),
            (
                json!({"statuses": [{"orderId": "1", "paid": "yes"}]}),
                ErrorCode::InvalidInput,
                "statuses[0].paid",
            ),
            (
                json!({"links": [{"links": [{"orderIds": [1.5]}]}]}),
                ErrorCode::InvalidOrderId,
                "links[0].links[0].orderIds[0]",
            ),
            (json!({"link": []}), ErrorCode::InvalidInput, "link"),
        ] {
            let e = payment_state_json(&events.to_string()).unwrap_err();
            assert_eq!(
                (e.code, e.path.as_deref().unwrap_or("")),
                (code, path),
                "{events}: {}",
                e.message
            );
        }
    }

    proptest! {
        /// Any permutation of the same events, with any of them repeated, gives the same states.
        #[test]
        fn order_and_repeats_do_not_matter(picks in prop::collection::vec(0usize..10, 0..40), seed in any::<u64>()) {
            let all = events();
            let base = input(&all);
            let mut shuffled: Vec<(&'static str, Value)> = all.clone();
            for &p in &picks {
                shuffled.push(all[p].clone());
            }
            // A seeded Fisher–Yates shuffle.
            let mut s = seed | 1;
            for i in (1..shuffled.len()).rev() {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                shuffled.swap(i, (s % (i as u64 + 1)) as usize);
            }
            prop_assert_eq!(state(input(&shuffled)), state(base));
        }
    }
}
