//! The JSON-text façade of the core: one function per JS export, JSON in, JSON out.
//!
//! Every JS export is a function here (the `RawSigner` class wraps [`Signer`]); the binding
//! (`wasm.rs`) calls nothing else, and the functions here only read the input's outer shape and
//! hand it to the domain modules and the gateway, which do the work. Native tests, benches and
//! fuzz targets call them too, and so exercise the exact boundary JavaScript sees. Inputs from JS objects arrive as `JSON.stringify` text
//! ([`Origin::Js`]); JSON texts the caller hands over verbatim (order lists, gateway answers,
//! push bodies) keep [`Origin::Text`], where a 19-digit number is exact.

use crate::error::{ErrorCode, KjbError, Result};
use crate::json::Raw;
use crate::json::{self, to_json};
use crate::money::{self, clip};
use crate::{eligibility, fee, gateway, plan};
use serde::Deserialize;
use std::borrow::Cow;

pub use crate::gateway::sign::scrub_stack;
pub use crate::gateway::signer::Signer;
pub use crate::json::Origin;
pub use crate::out::Form;

/// The reason codes and their texts, for the JS layer to expand [`Form::Compact`] answers
/// with ([`crate::out::table_json`]).
pub fn reason_table() -> String {
    crate::out::table_json()
}

/// `feeSchedule()`: the built-in schedule.
pub fn fee_schedule() -> Result<String> {
    to_json(&fee::ScheduleOut::from(&fee::Schedule::builtin()))
}

/// `quoteFee(q)`.
pub fn quote_fee(input: &str, _origin: Origin) -> Result<String> {
    let q: fee::QuoteInput<'_> = json::parse(input)?;
    Ok(fee::quote_json(&fee::quote_of(&q)?))
}

/// `orderIds(list)`: each id as its canonical digit string, in input order, repeats dropped.
/// KjbClient uses it so order ids follow one rule everywhere (`money::order_id`).
pub fn order_ids(input: &str, origin: Origin) -> Result<String> {
    let list: Vec<Raw<'_>> = json::parse(input).map_err(|e| e.under("orderIds"))?;
    let mut seen = crate::seen::Seen::with_capacity(list.len());
    let mut out = Vec::with_capacity(list.len());
    for (i, raw) in list.iter().enumerate() {
        let id = money::order_id(*raw, &format!("orderIds[{i}]"), origin)?;
        if seen.insert(id) {
            out.push(id.to_string());
        }
    }
    to_json(&out)
}

/// An order list passed apart from the rest of a `checkOrders`/`planPayment` input.
#[derive(Clone, Copy, Debug)]
pub struct OrdersText<'a> {
    pub text: &'a str,
    /// [`Origin::Text`]: the text the caller handed over. [`Origin::Js`]: the JS layer's
    /// printout of the caller's array, so that the whole input need not be read twice (once to
    /// find where the list ends, once to check it); its positions mean nothing to the caller,
    /// so its errors carry paths only.
    pub origin: Origin,
}

/// `checkOrders(c)`; `orders_text` is the `orders` JSON text when the caller gave it as text.
pub fn check_orders(input: &str, orders_text: Option<&str>, origin: Origin) -> Result<String> {
    check_orders_apart(
        input,
        orders_text.map(|text| OrdersText { text, origin: Origin::Text }),
        origin,
        Form::Full,
    )
}

/// [`check_orders`] with the order list, when it is not in `input`, from either origin, and its
/// reasons written in `form` (the JS layer takes [`Form::Compact`]).
pub fn check_orders_apart(
    input: &str,
    orders: Option<OrdersText<'_>>,
    origin: Origin,
    form: Form,
) -> Result<String> {
    let parsed: eligibility::Input<'_> = json::parse(input)?;
    let (_, verdicts) = eligibility::run(&parsed, orders, origin)?;
    Ok(eligibility::check_out(&verdicts, form))
}

/// `planPayment(p)`; `orders_text` is the `orders` JSON text when the caller gave it as text.
pub fn plan_payment(input: &str, orders_text: Option<&str>, origin: Origin) -> Result<String> {
    plan_payment_apart(
        input,
        orders_text.map(|text| OrdersText { text, origin: Origin::Text }),
        origin,
        Form::Full,
    )
}

/// [`plan_payment`] with the order list, when it is not in `input`, from either origin, and its
/// reasons written in `form` (the JS layer takes [`Form::Compact`]).
pub fn plan_payment_apart(
    input: &str,
    orders: Option<OrdersText<'_>>,
    origin: Origin,
    form: Form,
) -> Result<String> {
    let parsed: eligibility::Input<'_> = json::parse(input)?;
    let max = plan::max_per_call(parsed.max_per_call)?;
    let history = fee::read_history(&parsed.history, "history")?;
    let schedule = fee::read_schedule(parsed.schedule.as_ref(), "schedule")?;
    let tier = schedule.tier_for(fee::volume(&history)?.applicable).clone();
    let (ctx, verdicts) = eligibility::run(&parsed, orders, origin)?;
    Ok(plan::plan(&verdicts, max, &schedule, &tier, ctx.rate)?.to_json(form))
}

/// `buildRequest(r)`: the unsigned call, safe to show in a browser —
/// `{method:"POST", url, urlPath, params:[[key, value]], stringToSign}`.
pub fn build_request(input: &str, origin: Origin) -> Result<String> {
    let w: gateway::request::RequestWire<'_> = json::parse(input)?;
    if w.app_secret.is_some() {
        return Err(KjbError::at(
            ErrorCode::InvalidInput,
            "appSecret",
            "buildRequest does not sign and its answer is meant to be shown: leave appSecret out (signRequest or a Signer signs)",
        ));
    }
    let app_key = gateway::creds::app_key(w.app_key, "appKey")?;
    let prepared = gateway::request::prepare(&w, &app_key, origin)?;
    gateway::request::build_out(&prepared)
}

/// `signRequest(r)`: `{method:"POST", url, headers:{"content-type"}, body, signature}`.
pub fn sign_request(input: &str, origin: Origin) -> Result<String> {
    let w: gateway::request::RequestWire<'_> = json::parse(input)?;
    let app_key = gateway::creds::app_key(w.app_key, "appKey")?;
    let secret = gateway::creds::app_secret(w.app_secret, "appSecret")?;
    let prepared = gateway::request::prepare(&w, &app_key, origin)?;
    gateway::request::sign_out(prepared, &secret)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SignatureWire<'a> {
    #[serde(default, borrow)]
    app_secret: Option<Raw<'a>>,
    #[serde(default, borrow)]
    url_path: Option<Raw<'a>>,
    #[serde(default, borrow)]
    params: Option<gateway::params::Ordered<'a>>,
}

/// `signature({appSecret, urlPath, params})`: the 40-character upper-case hex signature, as a
/// JSON string. `urlPath` `""` is the params-only variant. Parameter values follow the rules
/// of an unknown API's parameters (strings as they are, `null` left out, arrays and objects
/// as compact JSON); a `_aop_signature` among them is not signed.
pub fn signature(input: &str, origin: Origin) -> Result<String> {
    const P: &str = "urlPath";
    let w: SignatureWire<'_> = json::parse(input)?;
    let secret = gateway::creds::app_secret(w.app_secret, "appSecret")?;
    let url_path = match w.url_path {
        Some(raw) => gateway::creds::json_str(raw).ok_or_else(|| KjbError::at(ErrorCode::InvalidInput, P, format!("urlPath must be a string (\"\" for params-only); got {}", gateway::creds::kind(raw))))?,
        None => return Err(KjbError::at(ErrorCode::InvalidInput, P, "urlPath is required: \"param2/1/{namespace}/{api}/{appKey}\", or \"\" for the params-only signature")),
    };
    if url_path.starts_with('/')
        || url_path.starts_with("openapi")
        || crate::text::find(&url_path, "://").is_some()
        || url_path.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(KjbError::at(ErrorCode::InvalidInput, P, format!("urlPath must start at \"param2/…\" (no scheme, host, /openapi or leading slash); got \"{}\"", clip(&url_path))));
    }
    let given: &[(Cow<'_, str>, Raw<'_>)] = w.params.as_ref().map_or(&[], |p| p.0.as_slice());
    let mut values: Vec<(&str, Cow<'_, str>)> = Vec::with_capacity(given.len());
    for (k, raw) in given {
        if let Some(v) = gateway::params::generic(*raw, &format!("params.{k}"), origin)? {
            values.push((k.as_ref(), v));
        }
    }
    let sig =
        gateway::sign::sign(&secret, &url_path, values.iter().map(|(k, v)| (*k, v.as_ref())))?;
    to_json(&sig.as_str())
}

/// `parseResponse({api, status, body})`.
pub fn parse_response(input: &str, _origin: Origin) -> Result<String> {
    gateway::response::parse_response_json(input)
}

/// `verifyPush({appSecret, body})`.
pub fn verify_push(input: &str, _origin: Origin) -> Result<String> {
    gateway::push::verify_push_json(input)
}

/// `authorizeUrl({appKey, redirectUri, state, appSecret?})`: the URL, as a JSON string.
pub fn authorize_url(input: &str, _origin: Origin) -> Result<String> {
    gateway::oauth::authorize_url_json(input)
}

/// `parseToken({text, now, status?})`.
pub fn parse_token(input: &str, _origin: Origin) -> Result<String> {
    gateway::token::parse_token_json(input)
}

/// `ordersFrom1688({answer, suppliers?})`: kjb orders from a buyerView / getBuyerOrderList
/// answer text ([`crate::import`]).
pub fn orders_from_1688(input: &str, _origin: Origin) -> Result<String> {
    crate::import::orders_from_1688_json(input)
}

/// `paymentState({links?, pushes?, statuses?})` ([`crate::payment`]).
pub fn payment_state(input: &str, _origin: Origin) -> Result<String> {
    crate::payment::payment_state_json(input)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use serde::Serialize;

    #[test]
    fn quote_fee_contract_example() {
        let out = quote_fee(r#"{"amount":"10.00","history":["150000"]}"#, Origin::Js).unwrap();
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["fee"], "0.02");
        assert_eq!(v["tier"], 2);
        assert_eq!(v["rate"], "0.0015");
        assert_eq!(v["basis"], "lastMonth");
        assert_eq!(v["amount"], "10.00");
        assert_eq!(v["next"]["tier"], 3);
    }

    #[test]
    fn bad_money_is_reported_with_path() {
        for (input, path) in [
            (r#"{"amount":"abc"}"#, "amount"),
            (r#"{"amount":-1}"#, "amount"),
            (r#"{"amount":null}"#, "amount"),
            (r#"{"amount":"1.005"}"#, "amount"),
            (r#"{"amount":1e+21}"#, "amount"),
            (r#"{"amount":"1","history":["1","x"]}"#, "history[1]"),
        ] {
            let e = quote_fee(input, Origin::Js).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidAmount, "{input}");
            assert_eq!(e.path.as_deref(), Some(path), "{input}");
        }
        let e = quote_fee(r#"{"amount":"1","histroy":[]}"#, Origin::Js).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput);
        assert!(e.message.contains("histroy"), "{}", e.message);
        let e = quote_fee(r#"{"history":[]}"#, Origin::Js).unwrap_err();
        assert!(e.message.contains("amount"), "{}", e.message);
    }

    #[test]
    fn order_ids_are_canonical_and_deduplicated() {
        let out =
            order_ids(r#"["3535260697417660107",7,"7",9007199254740991]"#, Origin::Js).unwrap();
        assert_eq!(out, r#"["3535260697417660107","7","9007199254740991"]"#);
        let e = order_ids(r#"["1",9007199254740993]"#, Origin::Js).unwrap_err();
        assert_eq!((e.code, e.path.as_deref()), (ErrorCode::UnsafeOrderId, Some("orderIds[1]")));
        let e = order_ids(r#"["1","01"]"#, Origin::Js).unwrap_err();
        assert_eq!((e.code, e.path.as_deref()), (ErrorCode::InvalidOrderId, Some("orderIds[1]")));
        let e = order_ids(r#"{"a":1}"#, Origin::Js).unwrap_err();
        assert_eq!((e.code, e.path.as_deref()), (ErrorCode::InvalidInput, Some("orderIds")));
    }

    #[test]
    fn answers_are_ascii_and_read_back_the_same() {
        #[derive(Serialize)]
        struct T<'a> {
            s: &'a str,
        }
        for s in [
            "",
            "plain",
            "植物种子",
            "a\"b\\c\n\u{1}",
            "emoji 😀 and é",
            "\u{7f}\u{80}\u{ffff}\u{10000}\u{10ffff}",
        ] {
            let out = to_json(&T { s }).unwrap();
            assert!(out.is_ascii(), "{out}");
            let back: serde_json::Value = serde_json::from_str(&out).unwrap();
            assert_eq!(back["s"], s);
            assert_eq!(
                serde_json::from_str::<serde_json::Value>(
                    &serde_json::to_string(&T { s }).unwrap()
                )
                .unwrap(),
                back
            );
        }
        assert_eq!(to_json(&T { s: "种a" }).unwrap(), r#"{"s":"\u79CDa"}"#);
    }

    #[test]
    fn schedule_output_shape() {
        let v: serde_json::Value = serde_json::from_str(&fee_schedule().unwrap()).unwrap();
        assert_eq!(v["currency"], "CNY");
        assert_eq!(v["rounding"], "halfUp");
        assert_eq!(v["minFee"], "0.00");
        assert_eq!(v["tiers"][0]["rate"], "0.002");
        assert_eq!(v["tiers"][5]["to"], serde_json::Value::Null);
        assert_eq!(v["tiers"][1]["from"], "100000.00");
    }
}
