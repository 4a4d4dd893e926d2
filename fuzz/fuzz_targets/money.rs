//! Money parsing: arbitrary tokens through `quoteFee` and the `money` functions directly.
//!
//! Invariants: nothing panics and nothing is an INTERNAL error; each reader accepts exactly
//! what an independent reference reader of the contract accepts (CNY/USD: ≤ 2 decimals, ≤ 15
//! integer digits, non-negative, no exponent; rates ≤ 6 decimals, in [0, 1); FX > 0; ids 1–19
//! digits, no leading 0, fitting u64, ≤ 2^53 − 1 when a JS number), with the same value; an
//! accepted CNY amount round-trips through `fmt_cny`; `quoteFee` of it prints that amount and
//! the tier-1 fee rounded half-up.
#![no_main]

#[path = "common.rs"]
mod common;

use arbitrary::{Arbitrary, Unstructured};
use kjb::api::Origin;
use kjb_money as money;

/// kjb's money readers and printers on `rust_decimal` values, the reference here: kjb's own
/// decimal prints with its scale and reads `rust_decimal`'s text, so the round trip is exact.
mod kjb_money {
    use kjb::internals::money as m;
    use kjb::api::Origin;
    use kjb::KjbError;
    use rust_decimal::Decimal;
    use serde_json::value::RawValue;
    use std::str::FromStr;

    pub use m::MAX_SAFE_INTEGER;

    fn theirs(d: m::Decimal) -> Decimal {
        Decimal::from_str(&d.to_string()).unwrap()
    }

    fn ours(d: Decimal) -> m::Decimal {
        d.to_string().parse().unwrap()
    }

    pub fn cny(raw: &RawValue, path: &str) -> Result<Decimal, KjbError> {
        m::cny(m::Raw(raw.get()), path).map(theirs)
    }
    pub fn usd(raw: &RawValue, path: &str) -> Result<Decimal, KjbError> {
        m::usd(m::Raw(raw.get()), path).map(theirs)
    }
    pub fn rate(raw: &RawValue, path: &str) -> Result<Decimal, KjbError> {
        m::rate(m::Raw(raw.get()), path).map(theirs)
    }
    pub fn fx(raw: &RawValue, path: &str) -> Result<Decimal, KjbError> {
        m::fx(m::Raw(raw.get()), path).map(theirs)
    }
    pub fn cny_str(text: &str, path: &str) -> Result<Decimal, KjbError> {
        m::cny_str(text, path).map(theirs)
    }
    pub fn fmt_cny(d: Decimal) -> String {
        m::fmt_cny(ours(d))
    }
    pub fn fmt_rate(d: Decimal) -> String {
        m::fmt_rate(ours(d))
    }
    pub fn order_id(raw: &RawValue, path: &str, origin: Origin) -> Result<u64, KjbError> {
        m::order_id(m::Raw(raw.get()), path, origin)
    }
}
use kjb::{api, ErrorCode};
use libfuzzer_sys::fuzz_target;
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::value::RawValue;
use serde_json::Value;
use std::str::FromStr;

#[derive(Arbitrary, Debug)]
enum Tok<'a> {
    /// The text as a JSON token, as written (often not JSON at all).
    Raw(&'a str),
    /// The text inside a JSON string.
    Quoted(&'a str),
    /// A decimal built from parts, as a number or a string.
    Parts { neg: bool, zeros: u8, int: u64, frac: Option<(u32, u8)>, exp: Option<i8>, quoted: bool },
}

impl Tok<'_> {
    fn text(&self) -> String {
        match self {
            Tok::Raw(s) => s.to_string(),
            Tok::Quoted(s) => serde_json::to_string(s).unwrap(),
            Tok::Parts { neg, zeros, int, frac, exp, quoted } => {
                let mut s = String::new();
                if *neg {
                    s.push('-');
                }
                for _ in 0..(*zeros % 24) {
                    s.push('0');
                }
                s.push_str(&int.to_string());
                if let Some((f, len)) = frac {
                    let len = usize::from(*len % 9);
                    s.push('.');
                    s.push_str(&format!("{f:0len$}").chars().take(len.max(1)).collect::<String>());
                }
                if let Some(e) = exp {
                    s.push_str(&format!("e{e}"));
                }
                if *quoted {
                    serde_json::to_string(&s).unwrap()
                } else {
                    s
                }
            }
        }
    }
}

#[derive(Arbitrary, Debug)]
struct Case<'a> {
    amount: Tok<'a>,
    history: Vec<Tok<'a>>,
    /// (from, to, rate) per tier; `None` = no custom schedule.
    schedule: Option<(Vec<(Tok<'a>, Option<Tok<'a>>, Tok<'a>)>, Option<Tok<'a>>, u8)>,
}

/// The contract's reading of decimal text, written independently of `money`: the value, or
/// `None` when refused.
fn reference(text: &str, decimals: usize) -> Option<Decimal> {
    let body = text.strip_prefix('-').unwrap_or(text);
    let negative = body.len() != text.len();
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, f),
        None => (body, ""),
    };
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if body.contains('.') && frac.is_empty() {
        return None;
    }
    if frac.len() > decimals {
        return None;
    }
    let sig = int.trim_start_matches('0');
    if sig.len() > 15 {
        return None;
    }
    let norm = if sig.is_empty() { "0" } else { sig };
    let v = Decimal::from_str(&format!("{norm}.{}", if frac.is_empty() { "0" } else { frac })).ok()?;
    if negative && !v.is_zero() {
        return None;
    }
    Some(v)
}

/// What a JSON token says as decimal text (a string's content or a number as written).
fn token_text(raw: &RawValue) -> Option<String> {
    let t = raw.get().trim();
    match t.as_bytes().first()? {
        b'"' => serde_json::from_str::<String>(t).ok(),
        b'-' | b'0'..=b'9' => Some(t.to_string()),
        _ => None,
    }
}

fn ref_id(text: &str) -> Option<u64> {
    if text.is_empty() || text.len() > 19 || !text.bytes().all(|b| b.is_ascii_digit()) || (text.len() > 1 && text.starts_with('0')) {
        return None;
    }
    text.parse::<u64>().ok().filter(|&v| v != 0)
}

fn check_cny(d: Decimal, what: &str) {
    assert!(!d.is_sign_negative() || d.is_zero(), "{what}: negative {d}");
    assert!(d.scale() <= 2, "{what}: {d} has more than 2 decimals");
    assert!(d < Decimal::from(1_000_000_000_000_000i64), "{what}: {d} has more than 15 integer digits");
    let out = money::fmt_cny(d);
    assert!(common::is_cny_out(&out), "{what}: fmt_cny({d}) = {out:?}");
    assert_eq!(Decimal::from_str(&out).unwrap(), d, "{what}: fmt_cny round trip");
    assert_eq!(money::cny_str(&out, "x").unwrap(), d, "{what}: cny_str(fmt_cny) round trip");
    let raw = RawValue::from_string(serde_json::to_string(&out).unwrap()).unwrap();
    assert_eq!(money::cny(&raw, "x").unwrap(), d);
}

fn direct(raw: &RawValue) {
    let text = token_text(raw);
    let r2 = text.as_deref().and_then(|t| reference(t, 2));
    let r6 = text.as_deref().and_then(|t| reference(t, 6));
    let got = money::cny(raw, "amount");
    match (&got, r2) {
        (Ok(d), Some(want)) => {
            assert_eq!(*d, want, "cny({})", raw.get());
            check_cny(*d, raw.get());
        }
        (Err(e), None) => {
            assert_eq!(e.code, ErrorCode::InvalidAmount, "{e:?}");
            assert_eq!(e.path.as_deref(), Some("amount"));
        }
        (got, want) => panic!("cny({}) = {got:?}, reference says {want:?}", raw.get()),
    }
    assert_eq!(money::usd(raw, "u").ok(), r2, "usd({})", raw.get());
    let want_rate = r6.filter(|r| *r < Decimal::ONE);
    assert_eq!(money::rate(raw, "r").ok(), want_rate, "rate({})", raw.get());
    let want_fx = r6.filter(|r| !r.is_zero());
    assert_eq!(money::fx(raw, "fx").ok(), want_fx, "fx({})", raw.get());
    if let Some(t) = &text {
        assert_eq!(money::cny_str(t, "x").ok(), reference(t, 2), "cny_str({t:?})");
    }
    for origin in [Origin::Text, Origin::Js] {
        let got = money::order_id(raw, "id", origin);
        let want = text.as_deref().and_then(ref_id);
        let is_number = !raw.get().trim().starts_with('"');
        match (&got, want) {
            (Ok(id), Some(w)) => {
                assert_eq!(*id, w);
                assert!(!(origin == Origin::Js && is_number && w > money::MAX_SAFE_INTEGER), "unsafe JS number id accepted");
            }
            (Err(e), Some(w)) => assert!(
                e.code == ErrorCode::UnsafeOrderId && origin == Origin::Js && is_number && w > money::MAX_SAFE_INTEGER,
                "order_id({}) refused: {e:?}",
                raw.get()
            ),
            (Err(e), None) => assert_eq!(e.code, ErrorCode::InvalidOrderId, "{e:?}"),
            (Ok(id), None) => panic!("order_id({}) = {id}, reference refuses", raw.get()),
        }
    }
}

fn quote(body: &str, simple: Option<Decimal>) {
    match api::quote_fee(body, Origin::Js) {
        Ok(out) => {
            let v: Value = serde_json::from_str(&out).expect("quote output is JSON");
            for k in ["amount", "fee", "applicableAmount", "lastMonth", "average"] {
                let s = v[k].as_str().unwrap_or_else(|| panic!("{k} missing in {out}"));
                assert!(common::is_cny_out(s), "{k} = {s:?}");
            }
            if let Some(n) = v.get("next").filter(|n| !n.is_null()) {
                for k in ["from", "volumeNeeded", "fee"] {
                    let s = n[k].as_str().unwrap();
                    assert!(common::is_cny_out(s), "next.{k} = {s:?} in {out}");
                }
            }
            let rate = Decimal::from_str(v["rate"].as_str().unwrap()).unwrap();
            assert!(rate < Decimal::ONE && !rate.is_sign_negative());
            if let Some(d) = simple {
                assert_eq!(v["amount"], money::fmt_cny(d));
                let fee = (d * Decimal::new(2, 3)).round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
                assert_eq!(v["fee"], money::fmt_cny(fee), "{body}");
                assert_eq!(v["tier"], 1);
            }
        }
        Err(e) => common::not_internal("quote_fee", body, &e),
    }
}

fuzz_target!(|data: &[u8]| {
    // Seeds are readable: a whole `quoteFee` input (`{…}`), or one token as text; bytes
    // starting with 0x00 are a structured case.
    match data.split_first() {
        Some((0, rest)) => {
            if let Ok(case) = Case::arbitrary_take_rest(Unstructured::new(rest)) {
                structured(&case);
            }
        }
        _ => {
            let text = String::from_utf8_lossy(data);
            if text.starts_with('{') {
                quote(&text, None);
            } else {
                structured(&Case { amount: Tok::Raw(&text), history: Vec::new(), schedule: None });
            }
        }
    }
});

fn structured(case: &Case<'_>) {
    let amount = case.amount.text();
    // {"amount": <token>}: accepted exactly when the reader accepts the token.
    let body = format!("{{\"amount\":{amount}}}");
    let raw = RawValue::from_string(amount.clone()).ok();
    if let Some(raw) = &raw {
        direct(raw);
    }
    let accepted = raw.as_deref().and_then(|r| money::cny(r, "amount").ok());
    // (Only when the token is one JSON value: `"1","history":[]` makes a valid body too.)
    if raw.is_some() && serde_json::from_str::<Value>(&body).is_ok() {
        let r = api::quote_fee(&body, Origin::Js);
        assert_eq!(r.is_ok(), accepted.is_some(), "quote_fee({body}) = {r:?}");
    }
    quote(&body, accepted);

    // With history and a custom schedule: no panic, well-formed answers.
    let history: Vec<String> = case.history.iter().take(16).map(Tok::text).collect();
    let mut body = format!("{{\"amount\":{amount},\"history\":[{}]", history.join(","));
    if let Some((tiers, min_fee, rounding)) = &case.schedule {
        let tiers: Vec<String> = tiers
            .iter()
            .take(8)
            .map(|(f, t, r)| match t {
                Some(t) => format!("{{\"from\":{},\"to\":{},\"rate\":{}}}", f.text(), t.text(), r.text()),
                None => format!("{{\"from\":{},\"to\":null,\"rate\":{}}}", f.text(), r.text()),
            })
            .collect();
        let rounding = ["halfUp", "halfEven", "down", "up"][usize::from(*rounding % 4)];
        let min = min_fee.as_ref().map(|m| format!(",\"minFee\":{}", m.text())).unwrap_or_default();
        body.push_str(&format!(",\"schedule\":{{\"rounding\":\"{rounding}\"{min},\"tiers\":[{}]}}", tiers.join(",")));
    }
    body.push('}');
    quote(&body, None);

    // Any decimal prints as a CNY amount without panicking.
    if let Ok(d) = Decimal::from_str(amount.trim_matches('"')) {
        let out = money::fmt_cny(d);
        if !d.is_sign_negative() && d < Decimal::from(1_000_000_000_000_000i64) {
            assert!(common::is_cny_out(&out), "fmt_cny({d}) = {out}");
            assert_eq!(Decimal::from_str(&out).unwrap(), d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero));
        }
        let _ = money::fmt_rate(d);
    }
}
