//! `ordersFrom1688`: 1688's own order answers (`alibaba.trade.get.buyerView`, one order in
//! `result`; `alibaba.trade.getBuyerOrderList`, a list in `result[]`) turned into kjb orders
//! that `checkOrders` and `planPayment` take as they are.
//!
//! The answer is read by the gateway reader ([`crate::gateway::response::parse`]), so ids keep
//! every digit (`idOfStr` wins over the number beside it, which 1688's own example already has
//! rounded) and money is exact (`totalAmount` is yuan, `discount` fen).
//!
//! Nothing is guessed. What the answer does not say is listed in the order's `missing`
//! (1688 field paths); where a rule needs it, the order says so in a form `checkOrders`
//! reports: a supplier absent from the caller's `suppliers` map gets `kjb`/`chengxintong`
//! `"unknown"` (reason `SUPPLIER_UNKNOWN`, block), a missing `tradeTypeCode` gives
//! `tradeType: "unknown"` (`TRADE_TYPE_UNKNOWN`, block). An answer without an order id or an
//! amount, or an item without its offer id, is an error: there is no order to check.

use crate::error::{ErrorCode, KjbError, Result};
use crate::gateway::response::{self, flag};
use crate::json;
use crate::json::Raw;
use crate::json::{Map, Value};
use crate::money;
use crate::time;
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::BTreeMap;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Wire<'a> {
    #[serde(borrow)]
    answer: Cow<'a, str>,
    #[serde(default, borrow)]
    suppliers: Option<BTreeMap<String, Raw<'a>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SupplierFacts {
    #[serde(default)]
    login_id: Option<String>,
    #[serde(default)]
    kjb: Option<crate::order::Flag>,
    #[serde(default)]
    kua_jing_bao: Option<crate::order::Flag>,
    #[serde(default)]
    chengxintong: Option<crate::order::Flag>,
}

/// A supplier's known facts: `(kjb, chengxintong)`, each `None` when the caller did not say.
type Facts = (Option<bool>, Option<bool>);

/// The suppliers' facts by login id, sorted by it (as the map gives them).
fn read_suppliers(map: Option<BTreeMap<String, Raw<'_>>>) -> Result<Vec<(String, Facts)>> {
    let mut out = Vec::new();
    for (login, raw) in map.unwrap_or_default() {
        let path = format!("suppliers.{login}");
        let f: SupplierFacts = json::parse(raw.get()).map_err(|e| e.under(&path))?;
        let _ = f.login_id;
        let kjb = match (f.kjb, f.kua_jing_bao) {
            (Some(a), Some(b)) if a != b => {
                return Err(KjbError::at(
                    ErrorCode::InvalidInput,
                    format!("{path}.kuaJingBao"),
                    format!("{path}.kjb and {path}.kuaJingBao disagree: pass one of them"),
                ))
            }
            (a, b) => a.or(b).map(|f| f.0),
        };
        out.push((login, (kjb, f.chengxintong.map(|f| f.0))));
    }
    Ok(out)
}

#[inline(never)]
fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn bad(path: &str, code: ErrorCode, why: String) -> KjbError {
    KjbError::at(code, path, format!("{path}: {why}"))
}

/// One order of the answer (`result` or `result[i]`), at `path`.
fn order(o: &Value, path: &str, suppliers: &[(String, Facts)]) -> Result<Value> {
    let base = o.get("baseInfo").and_then(Value::as_object).ok_or_else(|| {
        bad(
            path,
            ErrorCode::InvalidInput,
            "the order has no baseInfo object: is this a buyerView / getBuyerOrderList answer?"
                .into(),
        )
    })?;
    let bp = |k: &str| format!("{path}.baseInfo.{k}");
    let mut missing: Vec<String> = Vec::new();

    let id_text = text(base.get("id")).ok_or_else(|| {
        bad(
            &bp("idOfStr"),
            ErrorCode::InvalidOrderId,
            "the order has neither idOfStr nor id".into(),
        )
    })?;
    // A non-digit idOfStr was not taken over `id` by the reader: it is still refused, not
    // silently replaced by the number beside it.
    if let Some(spelled) = text(base.get("idOfStr")) {
        if spelled != id_text {
            return Err(bad(
                &bp("idOfStr"),
                ErrorCode::InvalidOrderId,
                format!("\"{}\" is not a 1688 order id (1–19 digits)", money::clip(&spelled)),
            ));
        }
    }
    let id = money::digits_id(&id_text).map_err(|why| {
        bad(
            &bp("idOfStr"),
            ErrorCode::InvalidOrderId,
            format!("\"{}\" is not a 1688 order id ({why})", money::clip(&id_text)),
        )
    })?;

    let amount_text = text(base.get("totalAmount")).ok_or_else(|| {
        bad(
            &bp("totalAmount"),
            ErrorCode::InvalidAmount,
            "the order has no totalAmount: kjb does not guess what is due".into(),
        )
    })?;
    let amount = money::cny_str(&amount_text, &bp("totalAmount"))?;

    let status = match text(base.get("status")) {
        Some(s) => s,
        None => {
            missing.push("baseInfo.status".into());
            "unknown".into()
        }
    };
    let trade_type = match text(base.get("tradeTypeCode")) {
        Some(s) => s,
        None => {
            missing.push("baseInfo.tradeTypeCode".into());
            "unknown".into()
        }
    };

    let login = text(base.get("sellerLoginId"));
    if login.is_none() {
        missing.push("baseInfo.sellerLoginId".into());
    }
    let (kjb, cxt) = login
        .as_ref()
        .and_then(|l| suppliers.binary_search_by(|(k, _)| k.cmp(l)).ok())
        .and_then(|at| suppliers.get(at))
        .map_or((None, None), |&(_, facts)| facts);
    let fact = |f: Option<bool>| f.map_or(Value::from("unknown"), Value::from);
    if kjb.is_none() || cxt.is_none() {
        missing.push("suppliers[sellerLoginId]".into());
    }
    let supplier: Map = [
        ("loginId".to_string(), Value::from(login)),
        ("kjb".to_string(), fact(kjb)),
        ("chengxintong".to_string(), fact(cxt)),
    ]
    .into_iter()
    .collect();

    let mut items = Vec::new();
    match o.get("productItems") {
        Some(Value::Array(list)) => {
            for (j, it) in list.iter().enumerate() {
                let ip = format!("{path}.productItems[{j}]");
                let offer = text(it.get("productID")).ok_or_else(|| {
                    bad(
                        &format!("{ip}.productID"),
                        ErrorCode::InvalidInput,
                        "the item has no productID (its offer id)".into(),
                    )
                })?;
                let mut item = Map::new();
                item.insert("offerId".into(), Value::String(offer));
                if let Some(name) = text(it.get("name")) {
                    item.insert("title".into(), Value::String(name));
                }
                let category = it
                    .get("category")
                    .or_else(|| it.get("categoryName"))
                    .or_else(|| it.get("categoryId"))
                    .or_else(|| it.get("categoryID"));
                match category {
                    Some(Value::String(s)) if !s.is_empty() => {
                        item.insert("category".into(), Value::String(s.clone()));
                    }
                    Some(Value::String(_) | Value::Null) | None => {}
                    Some(Value::Array(a)) if a.iter().all(|v| v.is_string()) => {
                        item.insert("category".into(), Value::Array(a.clone()));
                    }
                    Some(_) => {
                        return Err(bad(
                            &format!("{ip}.category"),
                            ErrorCode::InvalidInput,
                            "a category must be a name or an id".into(),
                        ))
                    }
                }
                items.push(Value::Object(item));
            }
        }
        None | Some(Value::Null) => missing.push("productItems".into()),
        Some(_) => {
            return Err(bad(
                &format!("{path}.productItems"),
                ErrorCode::InvalidInput,
                "productItems must be a list".into(),
            ))
        }
    }

    let mut out = Map::new();
    out.insert("orderId".into(), Value::String(id.to_string()));
    out.insert("amount".into(), Value::String(money::fmt_cny(amount)));
    out.insert("currency".into(), Value::from("CNY"));
    out.insert("status".into(), Value::String(status));
    out.insert("tradeType".into(), Value::String(trade_type));
    out.insert("supplier".into(), Value::Object(supplier));
    out.insert("items".into(), Value::Array(items));
    match flag(base.get("sellerOrder")) {
        Some(b) => {
            out.insert("sellerOrder".into(), Value::Bool(b));
        }
        None => missing.push("baseInfo.sellerOrder".into()),
    }
    // A red packet shows as its amount (`couponFee`, yuan); absent means none was used.
    if let Some(fee) = text(base.get("couponFee")) {
        let fee = money::cny_str(crate::text::trim_start_byte(&fee, b'-'), &bp("couponFee"))?;
        out.insert("redEnvelope".into(), Value::Bool(!fee.is_zero()));
    }
    let created = text(base.get("createTime"));
    let timeout = text(base.get("payTimeout"));
    match (created, timeout) {
        (Some(c), Some(t)) => {
            let start = time::parse_any(&c).ok_or_else(|| {
                bad(
                    &bp("createTime"),
                    ErrorCode::InvalidInput,
                    format!("\"{}\" is not a 1688 time (yyyyMMddHHmmssSSS+0800)", money::clip(&c)),
                )
            })?;
            let secs: i64 =
                t.parse().ok().filter(|s: &i64| (0..=315_360_000).contains(s)).ok_or_else(
                    || {
                        bad(
                            &bp("payTimeout"),
                            ErrorCode::InvalidInput,
                            format!("\"{}\" is not a number of seconds", money::clip(&t)),
                        )
                    },
                )?;
            out.insert("payBy".into(), Value::String(time::format_iso(start.saturating_add(secs))));
        }
        (c, t) => {
            if c.is_none() {
                missing.push("baseInfo.createTime".into());
            }
            if t.is_none() {
                missing.push("baseInfo.payTimeout".into());
            }
        }
    }
    out.insert("missing".into(), Value::from(missing));
    Ok(Value::Object(out))
}

/// `ordersFrom1688({answer, suppliers?})`: the orders, as a JSON array.
pub(crate) fn orders_from_1688_json(input: &str) -> Result<String> {
    let w: Wire<'_> = json::parse(input)?;
    let suppliers = read_suppliers(w.suppliers)?;
    let trimmed = json::strip_bom(&w.answer).trim();
    // A bare list of orders (what an ERP may have stored) reads like getBuyerOrderList's.
    let wrapped;
    let body = if trimmed.starts_with('[') {
        wrapped = format!("{{\"result\":{trimmed}}}");
        wrapped.as_str()
    } else {
        trimmed
    };
    let value =
        response::parse_shaped("alibaba.trade.get.buyerView", 200, body).map_err(|mut e| {
            if let Some(p) = &e.path {
                e.path = Some(crate::text::replacen(p, "body", "answer", 1));
            } else if e.code == ErrorCode::GatewayError {
                e.path = Some("answer".into());
            }
            e
        })?;
    let (orders, base): (Vec<&Value>, &str) = match (value.get("result"), value.get("baseInfo")) {
        (Some(Value::Array(list)), _) => (list.iter().collect(), "answer.result"),
        (Some(one @ Value::Object(_)), _) => (vec![one], "answer.result"),
        (None, Some(_)) => (vec![&value], "answer"),
        _ => {
            return Err(KjbError::at(
                ErrorCode::InvalidInput,
                "answer",
                "answer has no result: pass the raw text of an alibaba.trade.get.buyerView or alibaba.trade.getBuyerOrderList answer",
            ))
        }
    };
    let single = !matches!(value.get("result"), Some(Value::Array(_)));
    let mut out = Vec::with_capacity(orders.len());
    for (i, o) in orders.iter().enumerate() {
        let path = if single { base.to_string() } else { format!("{base}[{i}]") };
        out.push(order(o, &path, &suppliers)?);
    }
    Ok(crate::json::value_to_json(&Value::Array(out)))
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::json::Origin;
    #[allow(unused_imports)]
    use serde_json::{json, Map, Value};

    const DOC: &str = include_str!("../tests/fixtures/1688-buyerView-documented.json");

    fn import(answer: &str, suppliers: &str) -> Result<Value> {
        let input = format!(
            "{{\"answer\":{},\"suppliers\":{suppliers}}}",
            serde_json::to_string(answer).unwrap()
        );
        orders_from_1688_json(&input).map(|s| serde_json::from_str(&s).unwrap())
    }

    fn check(orders: &Value) -> Value {
        let input = json!({"orders": orders, "buyer": {"verified": true, "alipayPersonalLinked": true, "alipayBusinessLinked": true, "kjbActivated": true}, "fx": {"usd": "7.1"}});
        serde_json::from_str(
            &crate::api::check_orders(&input.to_string(), None, Origin::Js).unwrap(),
        )
        .unwrap()
    }

    fn codes(v: &Value) -> Vec<String> {
        v["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["code"].as_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn the_documented_example_keeps_id_of_str_and_passes_check_orders() {
        let v = import(DOC, "{}").unwrap();
        let o = &v[0];
        assert_eq!(o["orderId"], "58218860983545941");
        assert_eq!(o["amount"], "6.15");
        assert_eq!(o["status"], "waitbuyerreceive");
        assert_eq!(o["tradeType"], "unknown");
        assert_eq!(
            o["supplier"],
            json!({"loginId": "b测试账号110", "kjb": "unknown", "chengxintong": "unknown"})
        );
        assert_eq!(
            o["items"][0],
            json!({"offerId": "547486647009", "title": "测试扫码购富光勿拍2L*6件"})
        );
        assert_eq!(o["items"].as_array().unwrap().len(), 3);
        let missing: Vec<&str> =
            o["missing"].as_array().unwrap().iter().map(|m| m.as_str().unwrap()).collect();
        assert_eq!(
            missing,
            [
                "baseInfo.tradeTypeCode",
                "suppliers[sellerLoginId]",
                "baseInfo.sellerOrder",
                "baseInfo.payTimeout"
            ]
        );
        let r = check(&v);
        let r = &r["results"][0];
        assert_eq!(r["orderId"], "58218860983545941");
        assert_eq!(r["eligible"], false);
        assert_eq!(
            codes(r),
            ["SUPPLIER_UNKNOWN", "TRADE_TYPE_UNKNOWN", "ORDER_NOT_AWAITING_PAYMENT"]
        );
        // With the supplier known and planPayment's input: still accepted as it is.
        let v = import(DOC, r#"{"b测试账号110":{"kjb":true,"chengxintong":true}}"#).unwrap();
        assert_eq!(v[0]["supplier"]["kjb"], true);
        let r = check(&v);
        assert_eq!(codes(&r["results"][0]), ["TRADE_TYPE_UNKNOWN", "ORDER_NOT_AWAITING_PAYMENT"]);
    }

    #[test]
    fn a_payable_order_list_is_eligible_with_its_deadline() {
        let list = r#"{"result":[{"baseInfo":{"id":3535260697417660107,"idOfStr":"3535260697417660107","status":"waitbuyerpay","tradeTypeCode":"assureTrade","totalAmount":39.9,"discount":-3989,"sellerOrder":false,"sellerLoginId":"s1","createTime":"20261127100000000+0800","payTimeout":43200,"couponFee":0},"productItems":[{"productID":574273466269,"name":"裤","itemAmount":39.9}]}],"totalRecord":1}"#;
        let v = import(list, r#"{"s1":{"kuaJingBao":"true","chengxintong":true}}"#).unwrap();
        assert_eq!(v[0]["orderId"], "3535260697417660107");
        assert_eq!(v[0]["amount"], "39.90");
        assert_eq!(v[0]["payBy"], "2026-11-27T14:00:00Z");
        assert_eq!(v[0]["redEnvelope"], false);
        assert_eq!(v[0]["missing"], json!([]));
        let r = check(&v);
        assert_eq!(r["results"][0]["eligible"], true, "{r}");
    }

    #[test]
    fn refusals_have_codes_and_paths() {
        for (answer, code, path) in [
            ("", ErrorCode::GatewayError, "answer"),
            ("{\"result\":{}}", ErrorCode::InvalidInput, "answer.result"),
            (
                "{\"result\":[{\"baseInfo\":{\"idOfStr\":\"x1\",\"totalAmount\":1}}]}",
                ErrorCode::InvalidOrderId,
                "answer.result[0].baseInfo.idOfStr",
            ),
            (
                "{\"result\":[{\"baseInfo\":{\"id\":12345678901234567890123,\"totalAmount\":1}}]}",
                ErrorCode::InvalidOrderId,
                "answer.result[0].baseInfo.idOfStr",
            ),
            (
                "{\"result\":[{\"baseInfo\":{\"id\":1}}]}",
                ErrorCode::InvalidAmount,
                "answer.result[0].baseInfo.totalAmount",
            ),
            (
                "{\"result\":{\"baseInfo\":{\"id\":1,\"totalAmount\":\"lots\"}}}",
                ErrorCode::GatewayError,
                "answer",
            ),
            (
                "{\"result\":{\"baseInfo\":{\"id\":1,\"totalAmount\":-1}}}",
                ErrorCode::InvalidAmount,
                "answer.result.baseInfo.totalAmount",
            ),
            (
                "{\"result\":{\"baseInfo\":{\"id\":1,\"totalAmount\":1},\"productItems\":[{}]}}",
                ErrorCode::InvalidInput,
                "answer.result.productItems[0].productID",
            ),
            (
                "{\"success\":false,\"errorCode\":\"ORDER_NOT_EXIST\"}",
                ErrorCode::BusinessError,
                "answer",
            ),
            ("{\"x\":1}", ErrorCode::InvalidInput, "answer"),
        ] {
            let e = import(answer, "{}").unwrap_err();
            assert_eq!(e.code, code, "{answer}: {}", e.message);
            if code != ErrorCode::BusinessError {
                assert_eq!(e.path.as_deref(), Some(path), "{answer}: {}", e.message);
            }
        }
        let e = import(DOC, r#"{"a":{"kjb":"maybe","chengxintong":true}}"#).unwrap_err();
        assert_eq!(e.path.as_deref(), Some("suppliers.a.kjb"));
        let deep = format!("{{\"result\":{}1{}}}", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(import(&deep, "{}").unwrap_err().code, ErrorCode::InvalidJson);
    }

    proptest::proptest! {
        #[test]
        fn any_answer_is_an_answer_or_a_coded_error(answer in "\\PC{0,200}") {
            if let Err(e) = import(&answer, "{}") {
                proptest::prop_assert_ne!(e.code, ErrorCode::Internal);
            }
        }
    }
}

#[cfg(test)]
mod speed {
    /// One `ordersFrom1688` of 10,000 orders, for an instruction count:
    /// `valgrind --tool=callgrind <test binary> --ignored --exact import::tests::import_once`
    #[test]
    #[ignore]
    fn import_once() {
        let one = r#"{"baseInfo":{"idOfStr":"3535260697417660107","status":"waitbuyerpay","tradeTypeCode":"assureTrade","totalAmount":39.9,"sellerLoginId":"s1","sellerOrder":false,"createTime":"20261127100000000+0800","payTimeout":43200},"productItems":[{"productID":574273466269,"name":"LED lamp 护眼台灯","itemAmount":39.9}]}"#;
        let answer =
            format!("{{\"result\":[{}],\"totalRecord\":10000}}", vec![one; 10_000].join(","));
        let input = serde_json::json!({"answer": answer, "suppliers": {"s1": {"kjb": true, "chengxintong": true}}}).to_string();
        super::orders_from_1688_json(&input).unwrap();
    }

    /// `cargo test --release --lib -- --ignored --nocapture import_speed`: each step's best of
    /// 7 runs, as one run on a shared machine says little.
    #[test]
    #[ignore]
    fn import_speed() {
        let one = r#"{"baseInfo":{"idOfStr":"3535260697417660107","status":"waitbuyerpay","tradeTypeCode":"assureTrade","totalAmount":39.9,"sellerLoginId":"s1","sellerOrder":false,"createTime":"20261127100000000+0800","payTimeout":43200},"productItems":[{"productID":574273466269,"name":"LED lamp 护眼台灯","itemAmount":39.9}]}"#;
        let answer = format!("{{\"result\":[{}]}}", vec![one; 10_000].join(","));
        let input = format!(
            "{{\"answer\":{},\"suppliers\":{{\"s1\":{{\"kjb\":true,\"chengxintong\":true}}}}}}",
            serde_json::to_string(&answer).unwrap()
        );
        fn best<T>(what: &str, mut f: impl FnMut() -> T) -> T {
            let mut out = None;
            let mut fastest = std::time::Duration::MAX;
            for _ in 0..7 {
                let t = std::time::Instant::now();
                let r = f();
                fastest = fastest.min(t.elapsed());
                out = Some(r);
            }
            println!("{what}: {fastest:?}");
            out.unwrap()
        }
        best("parse (decoded only)", || {
            crate::gateway::response::parse("x.unknown", 200, &answer).unwrap()
        });
        let v = best("from_str", || crate::json::parse_value(&answer).unwrap());
        best("to_json", || crate::json::to_json(&v).unwrap());
        best("shape", || {
            crate::gateway::answers::shape(
                crate::gateway::answers::Shape::Orders,
                "x",
                200,
                v.clone(),
            )
            .unwrap()
        });
        let shaped = best("parse+shape", || {
            crate::gateway::response::parse("alibaba.trade.get.buyerView", 200, &answer).unwrap()
        });
        best("re-read", || serde_json::from_str::<serde_json::Value>(&shaped).unwrap());
        best("ordersFrom1688", || super::orders_from_1688_json(&input).unwrap());
    }
}
