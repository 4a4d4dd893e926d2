//! Gateway answers through `parseResponse`: an API from the known list (or not), any status,
//! and a body that is arbitrary text or a generated, answer-like JSON value.
//!
//! Invariants: nothing panics and nothing is an INTERNAL error; an accepted answer is valid
//! JSON with no integer above 2^53 − 1 left as a number (a JS `JSON.parse` would round it);
//! a decoded answer has the body's structure, strings and keys, each number either as written
//! or as a string of its digits; url answers are `{payUrl, refused:[digit strings]}`.
#![no_main]

#[path = "common.rs"]
mod common;

use arbitrary::{Arbitrary, Result as AResult, Unstructured};
use kjb::api;
use kjb::api::Origin;
use kjb::ErrorCode;
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};

const APIS: &[&str] = &[
    "alibaba.crossBorderPay.url.get",
    "alibaba.alipay.url.get",
    "alibaba.creditPay.url.get",
    "alibaba.trade.payWay.query",
    "alibaba.accountPeriod.list.buyerView",
    "trade.orderpay.analysis",
    "alibaba.trade.pay.protocolPay.preparePay",
    "alibaba.trade.get.buyerView",
    "alibaba.account.agent.crossBasic",
    "com.alibaba.account:alibaba.account.agent.crossBasic",
    "com.alibaba.trade:alibaba.crossBorderPay.url.get",
    "some.unknown.api",
];

const KEYS: &[&str] = &[
    "success", "payUrl", "cantPayOrderList", "payFailureOrderList", "errorCode", "errorMsg", "erroMsg", "errorMessage",
    "error_code", "error_message", "request_id", "result", "resultList", "orderId", "payFee", "timeout", "channels",
    "code", "name", "message", "baseInfo", "id", "status", "totalAmount", "msgId", "orderIdList", "x", "",
];

/// A generated JSON text: a value tree with answer-like keys, big integers and odd spacing.
#[derive(Debug)]
struct Body(String);

fn number(u: &mut Unstructured<'_>) -> AResult<String> {
    Ok(match u.int_in_range(0..=7)? {
        0 => u64::arbitrary(u)?.to_string(),
        1 => format!("-{}", u64::arbitrary(u)?),
        2 => format!("{}{:019}", u.int_in_range(1..=9)?, u64::arbitrary(u)? % 10_000_000_000_000_000_000),
        3 => format!("{}.{}", u32::arbitrary(u)?, u8::arbitrary(u)?),
        4 => format!("{}e{}", u8::arbitrary(u)?, i8::arbitrary(u)?),
        5 => ["9007199254740991", "9007199254740992", "-9007199254740993", "3535260697417660107", "0", "-0", "1E400"][u.choose_index(7)?].to_string(),
        6 => u16::arbitrary(u)?.to_string(),
        _ => u.int_in_range(0u8..=30)?.to_string(),
    })
}

fn ws(u: &mut Unstructured<'_>, out: &mut String) -> AResult<()> {
    if u.ratio(1u8, 6)? {
        out.push_str([" ", "\n", "\t", "\r\n  "][u.choose_index(4)?]);
    }
    Ok(())
}

fn value(u: &mut Unstructured<'_>, depth: u32, out: &mut String) -> AResult<()> {
    ws(u, out)?;
    let pick = if depth >= 6 { u.int_in_range(0..=3)? } else { u.int_in_range(0..=5)? };
    match pick {
        0 => out.push_str(&number(u)?),
        1 => out.push_str(&serde_json::to_string(&<&str>::arbitrary(u)?).unwrap_or_default()),
        2 => out.push_str(["true", "false", "null", "\"true\"", "\"false\"", "{}", "[]"][u.choose_index(7)?]),
        3 => out.push_str(&serde_json::to_string(KEYS[u.choose_index(KEYS.len())?]).unwrap_or_default()),
        4 => {
            out.push('[');
            for i in 0..u.int_in_range(0..=4)? {
                if i > 0 {
                    out.push(',');
                }
                value(u, depth + 1, out)?;
            }
            out.push(']');
        }
        _ => {
            out.push('{');
            let mut used: Vec<&str> = Vec::new();
            for _ in 0..u.int_in_range(0..=6)? {
                let k = KEYS[u.choose_index(KEYS.len())?];
                if used.contains(&k) {
                    continue;
                }
                if !used.is_empty() {
                    out.push(',');
                }
                used.push(k);
                ws(u, out)?;
                out.push_str(&serde_json::to_string(k).unwrap_or_default());
                out.push(':');
                value(u, depth + 1, out)?;
            }
            out.push('}');
        }
    }
    ws(u, out)
}

impl<'a> Arbitrary<'a> for Body {
    fn arbitrary(u: &mut Unstructured<'a>) -> AResult<Self> {
        let mut s = String::new();
        if u.ratio(1u8, 16)? {
            s.push('\u{feff}');
        }
        value(u, 0, &mut s)?;
        Ok(Body(s))
    }
}

/// `out` has the structure of `body`: same keys and lengths, same strings, numbers kept or
/// quoted as their exact digits.
fn same_shape(body: &Value, out: &Value, key: &str) {
    match (body, out) {
        (Value::Object(a), Value::Object(b)) => {
            assert_eq!(a.len(), b.len(), "object at {key}");
            for (k, v) in a {
                same_shape(v, b.get(k).unwrap_or_else(|| panic!("key {k} lost")), k);
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            assert_eq!(a.len(), b.len(), "array at {key}");
            for (x, y) in a.iter().zip(b) {
                same_shape(x, y, key);
            }
        }
        (Value::Number(_), Value::Number(_)) => {}
        (Value::Number(_), Value::String(s)) => {
            // An id keeps its digits; money of a shaped answer (buyerView, …) becomes CNY.
            let digits = s.strip_prefix('-').unwrap_or(s);
            let id = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
            assert!(id || common::is_cny_out(digits), "number at {key} became {s:?}");
        }
        // Money of a shaped answer, written as a string, becomes CNY with two decimals.
        (Value::String(a), Value::String(b)) if a != b => {
            let decimal = |t: &str| {
                let t = t.trim();
                let t = t.strip_prefix(['-', '+']).unwrap_or(t);
                !t.is_empty() && t.bytes().all(|c| c.is_ascii_digit() || c == b'.')
            };
            assert!(decimal(a) && common::is_cny_out(b.strip_prefix('-').unwrap_or(b)), "string at {key}: {a:?} became {b:?}");
        }
        (a, b) => assert_eq!(a, b, "at {key}"),
    }
}

fn check_ok(api: &str, body: &str, out: &str) {
    let v: Value = serde_json::from_str(out).unwrap_or_else(|e| panic!("output is not JSON ({e}): {out}"));
    let unsafe_left = common::unsafe_integers(out);
    assert!(unsafe_left.is_empty(), "integers above 2^53 left as numbers: {unsafe_left:?} in {out}");
    let name = api.rsplit(':').next().unwrap_or(api);
    match name {
        "alibaba.crossBorderPay.url.get" | "alibaba.alipay.url.get" | "alibaba.creditPay.url.get" => {
            let o: &Map<String, Value> = v.as_object().expect("url answer is an object");
            assert!(o.get("payUrl").is_some_and(|u| u.is_null() || u.as_str().is_some_and(|s| !s.is_empty())), "{out}");
            let refused = o["refused"].as_array().expect("refused is a list");
            assert!(refused.iter().all(Value::is_string), "{out}");
            assert!(!o["payUrl"].is_null() || !refused.is_empty(), "neither payUrl nor refused: {out}");
        }
        "alibaba.trade.payWay.query" => {
            let o = v.as_object().expect("payWay answer is an object");
            assert!(o["kjb"].is_boolean() && o["channels"].is_array(), "{out}");
            if let Some(fee) = o["payFee"].as_str() {
                assert!(common::is_cny_out(fee), "payFee {fee:?}");
            }
        }
        _ => {
            let text = kjb::internals::strip_bom(body).trim();
            if let Ok(b) = serde_json::from_str::<Value>(text) {
                same_shape(&b, &v, "");
            }
        }
    }
}

// Input layout (so seeds are readable): byte 0 picks the API, bytes 1–2 the status (big
// endian), byte 3 flags (bit 0: status as a string, bit 1: generated JSON body); the rest is
// the body text, or the bytes the JSON body is generated from.
fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    let (head, rest) = data.split_at(4);
    let api = APIS[usize::from(head[0]) % APIS.len()];
    let status_n = u16::from_be_bytes([head[1], head[2]]);
    let body = if head[3] & 2 != 0 {
        match Body::arbitrary_take_rest(Unstructured::new(rest)) {
            Ok(b) => b.0,
            Err(_) => return,
        }
    } else {
        String::from_utf8_lossy(rest).into_owned()
    };
    let status = if head[3] & 1 != 0 { Value::from(status_n.to_string()) } else { Value::from(status_n) };
    let input = serde_json::json!({"api": api, "status": status, "body": body}).to_string();
    match api::parse_response(&input, Origin::Js) {
        Ok(out) => {
            assert!((200..300).contains(&status_n), "HTTP {status_n} accepted: {out}");
            check_ok(api, &body, &out);
        }
        Err(e) => {
            common::not_internal("parse_response_json", &input, &e);
            if (100..=599).contains(&status_n) {
                assert!(
                    matches!(e.code, ErrorCode::GatewayError | ErrorCode::BusinessError | ErrorCode::InvalidJson),
                    "{e:?} for {input}"
                );
            }
            if let Some(g) = &e.gateway {
                assert_eq!(g.http_status, Some(status_n));
            }
        }
    }
});
