//! The shapes `parseResponse` gives the order, account and message answers: money as CNY
//! decimal strings whatever its wire unit, ids as strings, `…OfStr` over the number beside it.
//!
//! Money arrives as JSON numbers in yuan (`totalAmount` 6.15) or in fen (`discount` -3989,
//! `quota` 90000000). The reader holds every number under a money key as a string, exactly as
//! written ([`super::ids::Numbers::QuoteIdsAnd`]), so the amount is read as a decimal from its own
//! digits and never passes through a float.

use crate::error::{ErrorCode, GatewayDetail, KjbError, Result};
use crate::json::Raw;
use crate::json::{Escape, Fragment, Map, Value};
use crate::money;
use crate::money::Decimal;
use std::borrow::Cow;

/// Which answer family an API gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    /// `trade.get.buyerView` (one order in `result`) and `trade.getBuyerOrderList` (`result[]`).
    Orders,
    /// `accountPeriod.list.buyerView`: `quota`, `surplusQuota` in fen.
    AccountPeriod,
    /// `account.basic`, `push.query.messageList`, `push.message.confirm`, `trade.cancel`,
    /// `protocolPay.isopen`: ids as strings, `…OfStr` preferred, no money.
    Plain,
}

/// Keys whose amounts 1688 sends in yuan.
const YUAN: &[&str] = &[
    "totalAmount",
    "shippingFee",
    "sumProductPayment",
    "refund",
    "couponFee",
    "itemAmount",
    "price",
    "phasAmount",
];
/// Keys whose amounts 1688 sends in fen (its `Long` money fields).
const FEN: &[&str] = &["discount", "refundPayment", "entryDiscount", "quota", "surplusQuota"];

fn order_money(key: &str) -> bool {
    YUAN.contains(&key) || FEN.contains(&key)
}

fn quota_money(key: &str) -> bool {
    matches!(key, "quota" | "surplusQuota")
}

fn no_money(_: &str) -> bool {
    false
}

impl Shape {
    /// Which keys hold money in this answer (their numbers are read as strings).
    pub(crate) fn money_keys(self) -> fn(&str) -> bool {
        match self {
            Shape::Orders => order_money,
            Shape::AccountPeriod => quota_money,
            Shape::Plain => no_money,
        }
    }
}

fn unexpected(api: &str, status: u16, why: String) -> KjbError {
    let mut e = KjbError::new(
        ErrorCode::GatewayError,
        format!("the answer of {} is not what kjb expects: {why}", super::response::shown(api)),
    );
    e.gateway =
        Some(Box::new(GatewayDetail { http_status: Some(status), ..GatewayDetail::default() }));
    e
}

/// A yuan amount as written (`6.15`, `"6.1"`, `1E2`, `-0.5`): CNY with 2 decimals, or why not.
pub(crate) fn yuan(text: &str) -> std::result::Result<Decimal, String> {
    let t = text.trim();
    let d = t.parse::<Decimal>().map_err(|_| format!("\"{}\" is not an amount", money::clip(t)))?;
    let n = d.normalize();
    if n.scale() > money::CNY_DECIMALS {
        return Err(format!("{} has more than 2 decimals: not a CNY amount", money::clip(t)));
    }
    if n.abs() >= Decimal::from(1_000_000_000_000_000i64) {
        return Err(format!("{} is out of range for a CNY amount", money::clip(t)));
    }
    Ok(n)
}

/// A fen amount as written (a whole number, maybe negative): CNY.
pub(crate) fn fen(text: &str) -> std::result::Result<Decimal, String> {
    let t = text.trim();
    let digits = t.strip_prefix('-').unwrap_or(t);
    if digits.is_empty() || digits.len() > 17 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("\"{}\" is not a whole number of fen", money::clip(t)));
    }
    let n: i64 =
        t.parse().map_err(|_| format!("\"{}\" is not a whole number of fen", money::clip(t)))?;
    Ok(Decimal::new(n, money::CNY_DECIMALS))
}

fn amount_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The number key a `…OfStr` / `…String` key spells out.
fn spelled_of(key: &str) -> Option<&str> {
    if let Some(base) = key.strip_suffix("OfStr") {
        return (!base.is_empty()).then_some(base);
    }
    let base = key.strip_suffix("String")?;
    (base.ends_with("ID") || base.ends_with("Id")).then_some(base)
}

/// A failure deep in the tree: why, and the path segments from the failing value up (pushed
/// while the error travels out, so the path is only built when something is wrong).
struct Deep {
    why: String,
    segments: Vec<String>,
}

/// Rewrites `v` in place.
fn walk(v: &mut Value, shape: Shape) -> std::result::Result<(), Deep> {
    match v {
        Value::Object(o) => object(o, shape),
        Value::Array(a) => {
            for (i, e) in a.iter_mut().enumerate() {
                walk(e, shape).map_err(|mut d| {
                    d.segments.push(format!("[{i}]"));
                    d
                })?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

fn object(o: &mut Map, shape: Shape) -> std::result::Result<(), Deep> {
    // `…OfStr` wins over the number beside it (which a float may already have rounded).
    let spelled: Vec<(String, String)> = o
        .iter()
        .filter_map(|(k, v)| {
            Some((
                spelled_of(k)?.to_string(),
                v.as_str()
                    .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))?
                    .to_string(),
            ))
        })
        .collect();
    for (base, s) in spelled {
        o.insert(base, Value::String(s));
    }
    if shape == Shape::Plain {
        batch_outcomes(o);
    }
    for (k, v) in o.iter_mut() {
        let unit = match shape {
            Shape::Orders if YUAN.contains(&k.as_str()) => Some(true),
            Shape::Orders if FEN.contains(&k.as_str()) => Some(false),
            Shape::AccountPeriod if quota_money(k) => Some(false),
            _ => None,
        };
        let at = |why: String| Deep { why, segments: vec![k.clone()] };
        let is_null = v.is_null();
        match unit {
            Some(_) if is_null => {}
            Some(is_yuan) => {
                let text = amount_text(v).ok_or_else(|| at("is not an amount".into()))?;
                let d = if is_yuan { yuan(&text) } else { fen(&text) }.map_err(at)?;
                *v = Value::String(money::fmt_cny(d));
            }
            None => walk(v, shape).map_err(|mut d| {
                d.segments.push(k.clone());
                d
            })?,
        }
    }
    Ok(())
}

/// Topics whose `data.orderId` names the order (a number on the wire in some, a string in
/// others): it always comes out as a string of digits.
pub(crate) const ORDER_TOPICS: &[&str] = &[
    "ORDER_BUYER_VIEW_ORDER_PAY",
    "ORDER_BUYER_VIEW_ORDER_SUCCESS",
    "ORDER_BUYER_VIEW_ORDER_BUYER_CLOSE",
    "ORDER_BUYER_VIEW_ORDER_SELLER_CLOSE",
    "ORDER_BUYER_VIEW_ORDER_BOPS_CLOSE",
];

/// `batchPay[{orderId, status}]` outcomes gain `paid` (`status` is `successed`).
fn batch_outcomes(o: &mut Map) {
    if let Some(Value::Array(list)) = o.get_mut("batchPay") {
        for e in list.iter_mut().filter_map(Value::as_object_mut) {
            let paid = e
                .get("status")
                .and_then(Value::as_str)
                .is_some_and(|s| s.eq_ignore_ascii_case("successed"));
            e.insert("paid".into(), Value::Bool(paid));
        }
    }
}

/// A push message's `data` (ids already quoted), typed for its topic: `ORDER_BATCH_PAY`
/// outcomes carry `paid`; the order topics must name their order by a digit string. Other
/// topics pass as sent.
pub(crate) fn typed_data<'a>(
    topic: &str,
    raw: Raw<'a>,
) -> std::result::Result<Fragment<'a>, String> {
    let order_topic = ORDER_TOPICS.contains(&topic);
    if topic != "ORDER_BATCH_PAY" && !order_topic {
        return Ok(Fragment(Cow::Borrowed(raw.get())));
    }
    let mut v: Value =
        crate::json::parse_value(raw.get()).map_err(|_| "data could not be read".to_string())?;
    let Some(o) = v.as_object_mut() else {
        return Err(format!("data of {topic} must be an object"));
    };
    if order_topic {
        match o.get("orderId") {
            Some(Value::String(s)) if money::digits_id(s).is_ok() => {}
            _ => return Err(format!("data.orderId of {topic} must be the order id")),
        }
    }
    batch_outcomes(o);
    // Written as serde_json writes it (non-ASCII as it is), as the data of other topics is
    // passed on as sent.
    let mut out = String::with_capacity(raw.get().len().saturating_add(32));
    crate::json::write_value(&v, Escape::Utf8, &mut out);
    Ok(Fragment(Cow::Owned(out)))
}

/// Shapes a decoded, checked answer.
pub(crate) fn shape(shape: Shape, api: &str, status: u16, value: Value) -> Result<String> {
    Ok(crate::json::value_to_json(&shape_tree(shape, api, status, value)?))
}

/// [`shape`]'s tree, for a caller that reads it on (`ordersFrom1688`) rather than print it.
pub(crate) fn shape_tree(shape: Shape, api: &str, status: u16, mut value: Value) -> Result<Value> {
    if !value.is_object() {
        return Err(unexpected(api, status, "it is not a JSON object".into()));
    }
    walk(&mut value, shape).map_err(|d| {
        let mut path = String::new();
        for seg in d.segments.iter().rev() {
            if !path.is_empty() && !seg.starts_with('[') {
                path.push('.');
            }
            path.push_str(seg);
        }
        unexpected(api, status, format!("{path}: {}", d.why))
    })?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::response::parse;
    #[allow(unused_imports)]
    use serde_json::{json, Map, Value};

    const DOCUMENTED: &str = include_str!("../../tests/fixtures/1688-documented-answers.json");
    const BUYER_VIEW: &str = include_str!("../../tests/fixtures/1688-buyerView-documented.json");

    fn documented(name: &str) -> String {
        let d: Value = serde_json::from_str(DOCUMENTED).unwrap();
        let e = d["examples"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["api"] == name || e["topic"] == name)
            .unwrap();
        e["body"].as_str().unwrap().to_string()
    }

    fn ok(api: &str, body: &str) -> Value {
        serde_json::from_str(&parse(api, 200, body).unwrap()).unwrap()
    }

    #[test]
    fn documented_buyer_view_money_and_ids() {
        for api in ["alibaba.trade.get.buyerView", "com.alibaba.trade:alibaba.trade.get.buyerView"]
        {
            let v = ok(api, BUYER_VIEW);
            let b = &v["result"]["baseInfo"];
            assert_eq!(b["id"], "58218860983545941", "idOfStr wins over the rounded number");
            assert_eq!(
                (
                    b["totalAmount"].as_str(),
                    b["shippingFee"].as_str(),
                    b["sumProductPayment"].as_str()
                ),
                (Some("6.15"), Some("6.00"), Some("0.30"))
            );
            assert_eq!(
                (b["discount"].as_str(), b["refundPayment"].as_str(), b["refund"].as_str()),
                (Some("0.00"), Some("0.00"), Some("0.00"))
            );
            let item = &v["result"]["productItems"][0];
            assert_eq!(
                (item["productID"].as_str(), item["subItemID"].as_str()),
                (Some("547486647009"), Some("128403042259997715"))
            );
            assert_eq!(
                (item["itemAmount"].as_str(), item["price"].as_str()),
                (Some("0.30"), Some("0.30"))
            );
            assert_eq!(item["quantity"], 1);
            assert_eq!(v["result"]["tradeTerms"][0]["phasAmount"], "6.15");
        }
        let list =
            format!("{{\"result\":[{}],\"totalRecord\":1}}", &BUYER_VIEW[10..BUYER_VIEW.len() - 1]);
        let v = ok("alibaba.trade.getBuyerOrderList", &list);
        assert_eq!(v["result"][0]["baseInfo"]["totalAmount"], "6.15");
        assert_eq!(v["totalRecord"], 1);
        let v = ok(
            "alibaba.trade.getBuyerOrderList",
            r#"{"result":[{"baseInfo":{"totalAmount":"0.01","discount":-3989,"idOfStr":196965465451498520,"id":196965465451498520}}]}"#,
        );
        assert_eq!(
            (
                v["result"][0]["baseInfo"]["discount"].as_str(),
                v["result"][0]["baseInfo"]["id"].as_str()
            ),
            (Some("-39.89"), Some("196965465451498520"))
        );
    }

    #[test]
    fn documented_account_period_and_messages() {
        let v = ok(
            "alibaba.accountPeriod.list.buyerView",
            &documented("alibaba.accountPeriod.list.buyerView"),
        );
        let row = &v["resultList"]["accountPeriodList"][0];
        assert_eq!(
            (row["quota"].as_str(), row["surplusQuota"].as_str()),
            (Some("900000.00"), Some("900000.00"))
        );
        assert_eq!(row["tapOverdue"], 0);
        assert_eq!(v["resultList"]["totalCount"], "1");
        let v = ok(
            "cn.alibaba.open:push.query.messageList",
            &documented("cn.alibaba.open:push.query.messageList"),
        );
        let m = &v["pushMessagePage"]["datas"][0];
        assert_eq!(
            (m["msgId"].as_str(), m["data"]["quotationId"].as_str()),
            (Some("68891027"), Some("123"))
        );
        assert_eq!(m["gmtBorn"], 1_399_452_484_000u64);
        let v = ok(
            "push.query.messageList",
            r#"{"pushMessagePage":{"datas":[{"msgId":1,"type":"ORDER_BATCH_PAY","data":{"batchPay":[{"orderId":558880835194545941,"status":"successed"},{"orderId":"2","status":"ACCOUNT_FROZEN"}]}}],"totalCount":1}}"#,
        );
        assert_eq!(
            v["pushMessagePage"]["datas"][0]["data"]["batchPay"],
            serde_json::json!([{"orderId":"558880835194545941","status":"successed","paid":true},{"orderId":"2","status":"ACCOUNT_FROZEN","paid":false}])
        );
        assert_eq!(ok("push.message.confirm", r#"{"isSuccess":true}"#)["isSuccess"], true);
        assert_eq!(
            ok(
                "com.alibaba.account:alibaba.account.basic",
                r#"{"result":{"memberId":"b2b-1","kuaJingBao":true}}"#
            )["result"]["kuaJingBao"],
            true
        );
        // Money that is not money is a coded error with where it was.
        for (api, body) in [
            ("alibaba.trade.get.buyerView", r#"{"result":{"baseInfo":{"totalAmount":"lots"}}}"#),
            ("alibaba.trade.get.buyerView", r#"{"result":{"baseInfo":{"totalAmount":0.001}}}"#),
            ("alibaba.trade.get.buyerView", r#"{"result":{"baseInfo":{"discount":1.5}}}"#),
            ("alibaba.trade.get.buyerView", r#"{"result":{"baseInfo":{"totalAmount":1e400}}}"#),
            (
                "alibaba.accountPeriod.list.buyerView",
                r#"{"resultList":{"accountPeriodList":[{"quota":true}]}}"#,
            ),
        ] {
            let e = parse(api, 200, body).unwrap_err();
            assert_eq!(e.code, ErrorCode::GatewayError, "{body}");
            assert!(
                e.message.contains("totalAmount")
                    || e.message.contains("discount")
                    || e.message.contains("quota")
                    || e.message.contains("JSON"),
                "{}",
                e.message
            );
        }
    }

    fn push(message: &str) -> std::result::Result<Value, KjbError> {
        let sig: String = serde_json::from_str(&crate::api::signature(&serde_json::json!({"appSecret": "S", "urlPath": "", "params": {"message": message}}).to_string(), crate::json::Origin::Js).unwrap()).unwrap();
        let body = crate::gateway::form::encode_pairs(
            [("message", message), ("_aop_signature", sig.as_str())].into_iter(),
        );
        let input = serde_json::json!({"appSecret": "S", "body": body}).to_string();
        crate::gateway::push::verify_push_json(&input).map(|s| serde_json::from_str(&s).unwrap())
    }

    #[test]
    fn pushes_are_typed() {
        let batch = format!(
            r#"{{"msgId":1,"type":"ORDER_BATCH_PAY","gmtBorn":1,"extraInfo":{{"k":[1]}},"data":{}}}"#,
            documented("ORDER_BATCH_PAY").trim()
        );
        let v = push(&batch).unwrap();
        assert_eq!(
            v["data"]["batchPay"],
            serde_json::json!([{"orderId": "558880835194545941", "status": "successed", "paid": true}])
        );
        assert_eq!(v["extraInfo"], serde_json::json!({"k": [1]}));
        let v = push(r#"{"msgId":2,"type":"ORDER_BATCH_PAY","data":{"batchPay":[{"orderId":3535260697417660107,"status":"ACCOUNT_BALANCE_NOT_ENOUGH"}]}}"#).unwrap();
        assert_eq!(
            v["data"]["batchPay"][0],
            serde_json::json!({"orderId": "3535260697417660107", "status": "ACCOUNT_BALANCE_NOT_ENOUGH", "paid": false})
        );
        assert_eq!(v["extraInfo"], Value::Null);
        for topic in ORDER_TOPICS {
            for id in ["3535260697417660107", "\"3535260697417660107\""] {
                let v = push(&format!(r#"{{"msgId":3,"type":"{topic}","data":{{"orderId":{id},"currentStatus":"x"}}}}"#)).unwrap();
                assert_eq!(v["data"]["orderId"], "3535260697417660107", "{topic} {id}");
            }
            for bad in ["{}", r#"{"orderId":"x"}"#, r#"{"orderId":null}"#, "[1]", "\"text\""] {
                let e =
                    push(&format!(r#"{{"msgId":3,"type":"{topic}","data":{bad}}}"#)).unwrap_err();
                assert_eq!(
                    (e.code, e.path.as_deref()),
                    (ErrorCode::PushMalformed, Some("body.message.data")),
                    "{topic} {bad}"
                );
            }
        }
        // Other topics pass their data as sent (ids as strings).
        let v = push(r#"{"msgId":4,"type":"CAIGOU_MSG","data":"free text"}"#).unwrap();
        assert_eq!(v["data"], "free text");
    }

    #[test]
    fn units() {
        assert_eq!(money::fmt_cny(yuan("6.15").unwrap()), "6.15");
        assert_eq!(money::fmt_cny(yuan("6").unwrap()), "6.00");
        assert_eq!(money::fmt_cny(yuan("39.900").unwrap()), "39.90");
        assert_eq!(yuan("1E2").map(money::fmt_cny), Ok("100.00".to_string()));
        assert!(yuan("0.001").is_err());
        assert!(yuan("abc").is_err());
        assert!(yuan("1e400").is_err());
        assert_eq!(money::fmt_cny(fen("-3989").unwrap()), "-39.89");
        assert_eq!(money::fmt_cny(fen("90000000").unwrap()), "900000.00");
        assert!(fen("1.5").is_err());
        assert!(fen("99999999999999999999").is_err());
        assert_eq!(spelled_of("idOfStr"), Some("id"));
        assert_eq!(spelled_of("subItemIDString"), Some("subItemID"));
        assert_eq!(spelled_of("OfStr"), None);
        assert_eq!(spelled_of("statusString"), None);
    }
}
