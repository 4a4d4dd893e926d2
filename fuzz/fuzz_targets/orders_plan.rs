//! Orders through `checkOrders` and `planPayment`: arbitrary bytes as the orders JSON text, and
//! structured, mostly valid orders so the rules and the planner run, not only the JSON errors.
//!
//! Invariants: nothing panics and nothing is an INTERNAL error; `checkOrders` and
//! `planPayment` accept and refuse the same inputs; when they accept, every input order
//! appears exactly once across batches, rejected and deferred (as a multiset of ids, in input
//! order within each list), the eligible orders of `checkOrders` are exactly the batched ones,
//! no batch is empty or over `maxPerCall`, and the totals are the sums of the batches.
#![no_main]

#[path = "common.rs"]
mod common;

use arbitrary::{Arbitrary, Unstructured};
use kjb::api::Origin;
use kjb::api;
use libfuzzer_sys::fuzz_target;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use std::str::FromStr;

const CONTEXT: &str = r#"{"buyer":{"verified":true,"alipayPersonalLinked":true,"alipayBusinessLinked":true,"kjbActivated":true},"fx":{"usd":"7.2"},"history":["150000"],"maxPerCall":3}"#;

/// An id as the JSON of the input wrote it, normalised to its digits.
fn id_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn ids(list: &Value, key: &str) -> Vec<String> {
    list.as_array().unwrap().iter().map(|x| x[key].as_str().expect("ids are strings").to_string()).collect()
}

fn dec(v: &Value) -> Decimal {
    let s = v.as_str().expect("money is a string");
    assert!(common::is_cny_out(s), "money {s:?}");
    Decimal::from_str(s).unwrap()
}

/// Runs both entry points and checks the invariants; `orders` is the input's order list as
/// JSON (when it is one) to compare against.
fn run(input: &str, text: Option<&str>, origin: Origin, orders: Option<&[Value]>, max: usize) {
    let checked = api::check_orders(input, text, origin);
    let planned = api::plan_payment(input, text, origin);
    match (&checked, &planned) {
        (Ok(_), Ok(_)) => {}
        (Err(a), Err(b)) => {
            common::not_internal("checkOrders", input, a);
            common::not_internal("planPayment", input, b);
            assert_eq!((a.code, &a.path), (b.code, &b.path), "checkOrders and planPayment refuse differently: {input} / {text:?}");
            return;
        }
        _ => panic!("checkOrders {checked:?} but planPayment {planned:?} for {input} / {text:?}"),
    }
    let (Ok(c), Ok(p)) = (checked, planned) else { return };
    let c: Value = serde_json::from_str(&c).expect("checkOrders output is JSON");
    let p: Value = serde_json::from_str(&p).expect("planPayment output is JSON");
    assert!(common::unsafe_integers(&p.to_string()).is_empty());
    let results = c["results"].as_array().unwrap();
    let batches = p["batches"].as_array().unwrap();
    let mut batched: Vec<String> = Vec::new();
    let (mut amount, mut fee) = (Decimal::ZERO, Decimal::ZERO);
    for b in batches {
        let ids: Vec<String> = b["orderIds"].as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_string()).collect();
        assert!(!ids.is_empty() && ids.len() <= max, "batch of {} with maxPerCall {max}", ids.len());
        assert_eq!(b["api"], "alibaba.crossBorderPay.url.get");
        amount += dec(&b["amount"]);
        fee += dec(&b["fee"]);
        dec(&b["amountUsd"]);
        batched.extend(ids);
    }
    let rejected = ids(&p["rejected"], "orderId");
    let deferred = ids(&p["deferred"], "orderId");
    let t = &p["totals"];
    assert_eq!(dec(&t["amount"]), amount, "totals.amount is the sum of the batches");
    assert_eq!(dec(&t["fee"]), fee, "totals.fee is the sum of the batches");
    assert_eq!(t["orders"].as_u64().unwrap() as usize, results.len());
    assert_eq!(t["payable"].as_u64().unwrap() as usize, batched.len());
    assert_eq!(t["rejected"].as_u64().unwrap() as usize, rejected.len());
    assert_eq!(t["deferred"].as_u64().unwrap() as usize, deferred.len());
    assert_eq!(batched.len() + rejected.len() + deferred.len(), results.len(), "every order exactly once");
    // checkOrders: one result per order, in input order; its eligible ones are the batched ones.
    let eligible: Vec<String> = results.iter().filter(|r| r["eligible"] == true).map(|r| r["orderId"].as_str().unwrap().to_string()).collect();
    assert_eq!(eligible, batched, "eligible orders = batched orders, in order");
    let all: Vec<String> = results.iter().map(|r| r["orderId"].as_str().unwrap().to_string()).collect();
    let not_eligible: Vec<String> = results.iter().filter(|r| r["eligible"] != true).map(|r| r["orderId"].as_str().unwrap().to_string()).collect();
    let mut rd = rejected.clone();
    rd.extend(deferred.iter().cloned());
    let (mut a, mut b) = (not_eligible.clone(), rd);
    a.sort();
    b.sort();
    assert_eq!(a, b, "rejected + deferred = the orders checkOrders found not eligible");
    for r in results {
        let eligible = r["eligible"] == true;
        for reason in r["reasons"].as_array().unwrap() {
            assert!(reason["code"].is_string() && reason["message"].is_string(), "{reason}");
            if eligible {
                assert_eq!(reason["severity"], "warn", "an eligible order with a block reason: {r}");
            }
        }
        if !eligible {
            assert!(r["reasons"].as_array().unwrap().iter().any(|x| x["severity"] == "block"), "not eligible without a block reason: {r}");
        }
    }
    if let Some(orders) = orders {
        let want: Vec<String> = orders.iter().map(|o| id_of(&o["orderId"]).expect("accepted order has an id")).collect();
        assert_eq!(all.len(), want.len(), "one result per input order");
        for (got, want) in all.iter().zip(&want) {
            assert_eq!(u64::from_str(got).ok(), u64::from_str(want).ok(), "ids in input order");
        }
    }
}

// ---- structured orders --------------------------------------------------------------------

#[derive(Arbitrary, Debug)]
struct GenOrder {
    id: u8,
    big_id: Option<u64>,
    id_as_number: bool,
    fen: u32,
    weird_amount: Option<u8>,
    currency: u8,
    status: u8,
    trade: u8,
    supplier_kjb: u8,
    kua_jing_bao: bool,
    chengxintong: u8,
    items: Vec<GenItem>,
    seller_order: u8,
    red_envelope: u8,
}

#[derive(Arbitrary, Debug)]
struct GenItem {
    offer: u8,
    title: Option<u8>,
    category: Option<u8>,
    kjb: u8,
}

#[derive(Arbitrary, Debug)]
struct GenCtx {
    verified: bool,
    personal: bool,
    business: bool,
    activated: bool,
    fx: u8,
    paid_today: Option<u32>,
    per_tx: Option<u32>,
    per_day: Option<u32>,
    max_per_call: u8,
    history: Vec<u32>,
    orders: Vec<GenOrder>,
    as_text: u8,
}

const TITLES: &[&str] = &["Cotton T-shirt", "Cotton T-shirt", "USB-C charger 65 W", "Garden hose 20 m", "LED desk lamp", "slot machine parts", "大麻绳 10m", "色情", "Adult videos DVD", "海洛因", "", "Plush panda 30 cm", "brass knuckles", "Porno", "cannabis oil", "指虎 keychain"];
const CATEGORIES: &[&str] = &["apparel", "electronics", "garden", "apparel", "赌具", "toys", "色情用品", "电子产品", "吸毒", "", "Apparel"];
// Most generated orders pass each rule (the first entries are the good values), so that
// plans with many eligible orders, full batches and daily-limit deferrals are common.
const STATUSES: &[&str] = &["waitbuyerpay", "waitbuyerpay", "waitbuyerpay", "waitbuyerpay", "waitbuyerpay", "waitbuyerpay", "WAIT_BUYER_PAY", "waitsellersend", "success", ""];
const TRADES: &[&str] = &["assureTrade", "assureTrade", "assureTrade", "assureTrade", "assureTrade", "assureTrade", "ASSURE_TRADE", "50060", "fxassure", ""];
const CURRENCIES: &[Option<&str>] = &[None, None, None, None, None, Some("CNY"), Some("rmb"), Some("USD"), Some("")];
const WEIRD: &[&str] = &["\"1.005\"", "-1", "null", "1e3", "\"abc\"", "12.5", "\"999999999999999.99\"", "\"0\"", "\"1000000000000000\""];

fn pick<T: Copy>(list: &[T], i: u8) -> T {
    list[usize::from(i) % list.len()]
}

fn money(n: u64) -> String {
    format!("{}.{:02}", n / 100, n % 100)
}

fn order_json(o: &GenOrder) -> Value {
    let id = match o.big_id {
        Some(b) if b % 4 == 0 => b.to_string(),
        _ => (3_535_260_697_417_660_000u64 + u64::from(o.id % 16)).to_string(),
    };
    let id = if o.id_as_number { Value::from(u64::from_str(&id).unwrap_or(1)) } else { Value::from(id) };
    let amount: Value = match o.weird_amount {
        Some(w) if w % 8 == 0 => serde_json::from_str(pick(WEIRD, w / 8)).unwrap(),
        _ => Value::from(money(u64::from(o.fen) % 50_000_000)),
    };
    let mut supplier = json!({"loginId": "s", "chengxintong": o.chengxintong < 230});
    if o.supplier_kjb < 250 {
        supplier[if o.kua_jing_bao { "kuaJingBao" } else { "kjb" }] = Value::from(o.supplier_kjb < 230);
    }
    let items: Vec<Value> = o
        .items
        .iter()
        .take(4)
        .map(|it| {
            let mut v = json!({"offerId": format!("6100000{:05}", it.offer)});
            if let Some(t) = it.title {
                v["title"] = Value::from(pick(TITLES, t));
            }
            if let Some(c) = it.category {
                v["category"] = Value::from(pick(CATEGORIES, c));
            }
            match it.kjb {
                0..=127 => {}
                128..=239 => v["kjb"] = Value::from(true),
                _ => v["kjb"] = Value::from(false),
            }
            v
        })
        .collect();
    let mut v = json!({
        "orderId": id, "amount": amount, "status": pick(STATUSES, o.status), "tradeType": pick(TRADES, o.trade),
        "supplier": supplier, "items": items,
    });
    if let Some(c) = pick(CURRENCIES, o.currency) {
        v["currency"] = Value::from(c);
    }
    if o.seller_order > 128 {
        v["sellerOrder"] = Value::from(o.seller_order > 245);
    }
    if o.red_envelope > 128 {
        v["redEnvelope"] = Value::from(o.red_envelope > 245);
    }
    v
}

fn structured(g: &GenCtx) {
    let orders: Vec<Value> = g.orders.iter().take(40).map(order_json).collect();
    let max = usize::from(g.max_per_call % 30) + 1;
    let mut input = json!({
        "buyer": {"verified": g.verified || g.fx % 11 != 0, "alipayPersonalLinked": g.personal || g.fx % 13 != 0,
                  "alipayBusinessLinked": g.business || g.fx % 17 != 0, "kjbActivated": g.activated || g.fx % 19 != 0},
        "fx": {"usd": pick(&["7.2", "7.123456", "1", "0.000001", "100000"], g.fx)},
        "maxPerCall": max,
        "history": g.history.iter().take(14).map(|h| money(u64::from(*h) * 100)).collect::<Vec<_>>(),
    });
    if let Some(p) = g.paid_today {
        input["paidTodayUsd"] = Value::from(money(u64::from(p)));
    }
    if g.per_tx.is_some() || g.per_day.is_some() {
        let mut l = json!({});
        if let Some(t) = g.per_tx {
            l["perTransactionUsd"] = Value::from(money(u64::from(t)));
        }
        if let Some(d) = g.per_day {
            l["perDayUsd"] = Value::from(money(u64::from(d)));
        }
        input["limits"] = l;
    }
    let text = Value::Array(orders.clone()).to_string();
    match g.as_text % 3 {
        // Orders inside the input, as the JS layer sends an array.
        0 => {
            let rest = input.to_string();
            input["orders"] = Value::Array(orders.clone());
            run(&input.to_string(), None, Origin::Js, Some(&orders), max);
            // The JS layer prints a long list apart from the rest: the same answers, or the
            // same refusal (code and path).
            let apart = Some(api::OrdersText { text: &text, origin: Origin::Js });
            for (whole, split) in [
                (
                    api::check_orders(&input.to_string(), None, Origin::Js),
                    api::check_orders_apart(&rest, apart, Origin::Js, api::Form::Full),
                ),
                (
                    api::plan_payment(&input.to_string(), None, Origin::Js),
                    api::plan_payment_apart(&rest, apart, Origin::Js, api::Form::Full),
                ),
            ] {
                match (whole, split) {
                    (Ok(a), Ok(b)) => assert_eq!(a, b, "orders apart answer differently: {input}"),
                    (Err(a), Err(b)) => assert_eq!((a.code, a.path), (b.code, b.path), "orders apart refuse differently: {input}"),
                    (a, b) => panic!("whole {a:?} but apart {b:?}: {input}"),
                }
            }
        }
        // Orders as a separate JSON text (a file, an HTTP body).
        1 => run(&input.to_string(), Some(&text), Origin::Text, Some(&orders), max),
        // Orders as a JSON text inside the input, as CLI users write it.
        _ => {
            input["orders"] = Value::from(text);
            run(&input.to_string(), None, Origin::Js, Some(&orders), max);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    match data.split_first() {
        // Structured orders.
        Some((0xA5, rest)) => {
            if let Ok(g) = GenCtx::arbitrary_take_rest(Unstructured::new(rest)) {
                structured(&g);
            }
        }
        // Arbitrary text as the orders JSON text.
        _ => {
            let Ok(text) = std::str::from_utf8(data) else { return };
            let orders: Option<Vec<Value>> = serde_json::from_str(kjb::internals::strip_bom(text)).ok();
            run(CONTEXT, Some(text), Origin::Text, orders.as_deref(), 3);
        }
    }
});
