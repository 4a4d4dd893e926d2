//! The JSON-text façade of the core: one function per JS export, JSON in, JSON out.
//!
//! The binding module and the CLI call these; so do native tests, which therefore exercise the
//! exact boundary JavaScript sees. Inputs from JS objects arrive as `JSON.stringify` text
//! ([`Origin::Js`]); JSON texts the caller hands over verbatim (order lists, gateway answers,
//! push bodies) keep [`Origin::Text`], where a 19-digit number is exact.

use crate::error::Result;
use crate::fee;
use crate::json::{self, to_json, Origin};
use crate::money;
use serde_json::value::RawValue;

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
    let list: Vec<&RawValue> = json::parse(input).map_err(|e| e.under("orderIds"))?;
    let mut seen = std::collections::HashSet::with_capacity(list.len());
    let mut out = Vec::with_capacity(list.len());
    for (i, raw) in list.iter().enumerate() {
        let id = money::order_id(raw, &format!("orderIds[{i}]"), origin)?;
        if seen.insert(id) {
            out.push(id.to_string());
        }
    }
    to_json(&out)
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
        let out = order_ids(r#"["3535260697417660107",7,"7",9007199254740991]"#, Origin::Js).unwrap();
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
        for s in ["", "plain", "植物种子", "a\"b\\c\n\u{1}", "emoji 😀 and é", "\u{7f}\u{80}\u{ffff}\u{10000}\u{10ffff}"] {
            let out = to_json(&T { s }).unwrap();
            assert!(out.is_ascii(), "{out}");
            let back: serde_json::Value = serde_json::from_str(&out).unwrap();
            assert_eq!(back["s"], s);
            assert_eq!(serde_json::from_str::<serde_json::Value>(&serde_json::to_string(&T { s }).unwrap()).unwrap(), back);
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
