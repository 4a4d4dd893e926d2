//! Request parameters: read in the caller's order, typed for known APIs, and turned into the
//! exact text that is sent and signed.

use super::api::{Kind, ParamSpec, MAX_IDS_PER_CALL};
use super::creds::{json_str, kind, token};
use super::form;
use super::ids::{self, Numbers};
use crate::error::{ErrorCode, KjbError, Result};
use crate::json::Raw;
use crate::json::{self, Origin, Unread};
use crate::money::{self, clip, MAX_SAFE_INTEGER};
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::Deserialize as DeriveDeserialize;
use std::borrow::Cow;
use std::fmt;

/// A JSON object's members in the order they were written (serde_json's map would sort them).
/// Duplicate keys never get here: the reader refuses them.
#[derive(Debug, Default)]
pub(crate) struct Ordered<'a>(pub Vec<(Cow<'a, str>, Raw<'a>)>);

impl<'de: 'a, 'a> Deserialize<'de> for Ordered<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Ordered<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<M: MapAccess<'de>>(
                self,
                mut m: M,
            ) -> std::result::Result<Ordered<'a>, M::Error> {
                let mut v = Vec::with_capacity(m.size_hint().unwrap_or(4).min(64));
                while let Some(crate::json::Str(k)) = m.next_key::<crate::json::Str<'a>>()? {
                    let value: Raw<'a> = m.next_value()?;
                    v.push((k, value));
                }
                Ok(Ordered(v))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

fn invalid(path: &str, message: String) -> KjbError {
    KjbError::at(ErrorCode::InvalidInput, path, message)
}

fn first_byte(raw: Raw<'_>) -> u8 {
    token(raw).as_bytes().first().copied().unwrap_or(b' ')
}

pub(crate) fn is_null(raw: Raw<'_>) -> bool {
    token(raw) == "null"
}

fn unsafe_number(path: &str, token: &str) -> KjbError {
    KjbError::at(
        ErrorCode::UnsafeOrderId,
        path,
        format!("{path} holds the JS number {}, above Number.MAX_SAFE_INTEGER: it has already lost digits; pass it as a string or BigInt", clip(token)),
    )
}

/// A value of an unknown API's parameter (or a `Json` one): strings as they are, numbers as
/// written, booleans `true`/`false`, arrays and objects as compact JSON (their text re-printed
/// without whitespace, every token — numbers included — exactly as given). `null` means absent.
/// JS numbers above 2^53 − 1 are refused anywhere in the value.
pub(crate) fn generic<'a>(
    raw: Raw<'a>,
    path: &str,
    origin: Origin,
) -> Result<Option<Cow<'a, str>>> {
    let text = token(raw);
    let numbers = if origin == Origin::Js { Numbers::RefuseUnsafe } else { Numbers::Keep };
    match first_byte(raw) {
        b'n' => Ok(None),
        b'"' => json_str(raw)
            .map(Some)
            .ok_or_else(|| invalid(path, format!("{path} is not a readable string"))),
        b't' => Ok(Some(Cow::Borrowed("true"))),
        b'f' => Ok(Some(Cow::Borrowed("false"))),
        b'-' | b'0'..=b'9' => {
            if matches!(numbers, Numbers::RefuseUnsafe)
                && !text.contains(['.', 'e', 'E'])
                && ids::is_unsafe_integer(text)
            {
                return Err(unsafe_number(path, text));
            }
            Ok(Some(Cow::Borrowed(text)))
        }
        _ => {
            let no_space = !text.bytes().any(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
            match ids::compact(text, numbers) {
                Ok(s) if no_space && s.len() == text.len() => Ok(Some(Cow::Borrowed(text))),
                Ok(s) => Ok(Some(Cow::Owned(s))),
                Err(ids::UnsafeNumber(t)) => Err(unsafe_number(path, &t)),
            }
        }
    }
}

/// A typed value of a known API's parameter; `None` when absent (`null`).
pub(crate) fn typed<'a>(
    spec: &ParamSpec,
    raw: Raw<'a>,
    path: &str,
    api: &str,
    origin: Origin,
) -> Result<Option<Cow<'a, str>>> {
    if is_null(raw) {
        return Ok(None);
    }
    Ok(Some(match spec.kind {
        Kind::IdList { max } => Cow::Owned(id_list(raw, path, api, max, origin)?),
        Kind::Id => Cow::Owned(money::order_id(raw, path, origin)?.to_string()),
        Kind::Text => {
            let s = json_str(raw).ok_or_else(|| {
                invalid(path, format!("{path} must be a string; got {}", kind(raw)))
            })?;
            if s.is_empty() {
                return Err(invalid(
                    path,
                    format!("{path} is empty: give a value or leave it out"),
                ));
            }
            s
        }
        Kind::Choice(choices) => {
            let s = json_str(raw);
            match s {
                Some(s) if choices.contains(&s.as_ref()) => s,
                _ => {
                    let got =
                        s.map_or_else(|| kind(raw).to_string(), |s| format!("\"{}\"", clip(&s)));
                    return Err(invalid(
                        path,
                        format!("{path} must be one of {}; got {got}", quoted(choices)),
                    ));
                }
            }
        }
        Kind::Page => Cow::Owned(positive(raw, path, "a page number (1, 2, …)")?.to_string()),
        Kind::Json => match generic(raw, path, origin)? {
            Some(v) => v,
            None => return Ok(None),
        },
        Kind::Withhold => Cow::Owned(withhold(raw, path, origin)?),
    }))
}

fn quoted(choices: &[&str]) -> String {
    let mut s = String::new();
    for (i, c) in choices.iter().enumerate() {
        s.push_str(if i == 0 { "\"" } else { ", \"" });
        s.push_str(c);
        s.push('"');
    }
    s
}

/// A positive integer ≤ 2^53 − 1, from a JSON integer or a string of digits.
fn positive(raw: Raw<'_>, path: &str, what: &str) -> Result<u64> {
    let text = token(raw);
    let s: Cow<'_, str> = match first_byte(raw) {
        b'"' => json_str(raw).unwrap_or(Cow::Borrowed("")),
        b'-' | b'0'..=b'9' => Cow::Borrowed(text),
        _ => return Err(invalid(path, format!("{path} must be {what}; got {}", kind(raw)))),
    };
    match s.parse::<u64>() {
        Ok(n) if (1..=MAX_SAFE_INTEGER).contains(&n) && s.bytes().all(|b| b.is_ascii_digit()) => {
            Ok(n)
        }
        _ => Err(invalid(path, format!("{path} must be {what}; got {}", clip(&s)))),
    }
}

/// The too-many / too-few message, which says how to split.
fn count_error(path: &str, api: &str, n: usize, max: usize) -> KjbError {
    let message = if n == 0 {
        format!("{path} is empty: {api} needs 1 to {max} order ids")
    } else {
        format!(
            "{path} has {n} order ids; {api} takes at most {max} in one call: split them into calls of at most {max} (planPayment does this, see its maxPerCall, default 10)"
        )
    };
    KjbError::at(ErrorCode::TooManyOrders, path, message)
}

/// The inside of a string token made only of digits (the common case of an id), without
/// allocating; anything else goes through `money::order_id`, which explains refusals.
fn quoted_digits(raw: Raw<'_>) -> Option<&str> {
    let inner = token(raw).strip_prefix('"')?.strip_suffix('"')?;
    inner.bytes().all(|b| b.is_ascii_digit()).then_some(inner)
}

/// The common `orderIdList`, `["3535260697417660107","3535260697417660108"]` as
/// `JSON.stringify` writes it, read in one pass over the text instead of being parsed again:
/// 1 to `max` distinct ids, each a string of 1–19 digits not starting with 0. Such an id's
/// canonical digits are the text itself, so the list is sent as that text without its quotes,
/// exactly what [`id_list`]'s general reader prints. `None` for anything else (spaces, numbers,
/// escapes, a repeat, a count out of range, an id it would refuse or re-print): the general
/// reader handles those and explains any refusal.
/// The last 8 bytes of `s` as one word (fewer, zero-extended, when it is shorter).
fn tail_word(s: &str) -> u64 {
    let b = s.as_bytes();
    match b.get(b.len().saturating_sub(8)..).and_then(|t| <[u8; 8]>::try_from(t).ok()) {
        Some(t) => u64::from_le_bytes(t),
        None => b.iter().fold(0, |w, &d| w.wrapping_shl(8) | u64::from(d)),
    }
}

fn quoted_id_list(text: &str, max: usize) -> Option<String> {
    let mut rest = text.strip_prefix('[')?.strip_suffix(']')?;
    // Each id seen so far, with its last 8 digits as one word: a repeat is looked for by
    // comparing words, and only a word that matches compares the digits.
    let mut seen = [(0u64, ""); MAX_IDS_PER_CALL];
    let mut count = 0usize;
    let mut out = String::with_capacity(rest.len());
    out.push('[');
    loop {
        let quoted = rest.strip_prefix('"')?;
        let len = form::leading_digits(quoted.as_bytes());
        let (digits, after) = (quoted.get(..len)?, quoted.get(len..)?);
        // No leading 0 and at most 19 digits: the canonical form, which fits a u64.
        if !matches!(digits.as_bytes().first(), Some(b'1'..=b'9')) || len > 19 || count >= max {
            return None;
        }
        let tail = tail_word(digits);
        if seen.get(..count)?.iter().any(|&(t, d)| t == tail && d == digits) {
            return None;
        }
        *seen.get_mut(count)? = (tail, digits);
        count = count.saturating_add(1);
        out.push_str(digits);
        match after.strip_prefix('"')?.as_bytes().first() {
            None => break,
            Some(b',') => {
                out.push(',');
                rest = after.get(2..)?;
            }
            Some(_) => return None,
        }
    }
    out.push(']');
    Some(out)
}

/// `orderIdList`: an array of ids (strings, BigInts-as-strings, safe numbers), or the already
/// serialised JSON text of such an array (`"[1,2]"`, as public SDK examples pass it; its numbers
/// are exact). Sent as the compact JSON array of numbers, re-printed from the integers.
pub(crate) fn id_list(
    raw: Raw<'_>,
    path: &str,
    api: &str,
    max: usize,
    origin: Origin,
) -> Result<String> {
    match quoted_id_list(raw.get(), max) {
        Some(sent) => Ok(sent),
        None => read_id_list(raw, path, api, max, origin),
    }
}

/// [`id_list`] in general: every form of id, and the reason for any refusal.
fn read_id_list(raw: Raw<'_>, path: &str, api: &str, max: usize, origin: Origin) -> Result<String> {
    const WANT: &str = "must be a list of order ids, e.g. [\"3535260697417660107\"], or its JSON text \"[3535260697417660107]\"";
    let owned_text;
    let (items_text, item_origin) = match first_byte(raw) {
        b'[' => (raw.get(), origin),
        b'"' => {
            owned_text = json_str(raw).unwrap_or(Cow::Borrowed(""));
            if !owned_text.trim_start().starts_with('[') {
                return Err(KjbError::at(
                    ErrorCode::InvalidOrderId,
                    path,
                    format!("{path} {WANT}; got \"{}\"", clip(&owned_text)),
                ));
            }
            (owned_text.as_ref(), Origin::Text)
        }
        _ => {
            return Err(KjbError::at(
                ErrorCode::InvalidOrderId,
                path,
                format!("{path} {WANT}; got {}", kind(raw)),
            ))
        }
    };
    // A policy refusal can only come from a list given as text: a list given as a value was
    // read under the policy with the call's parameters.
    let items: Vec<Raw<'_>> = json::read(items_text).map_err(|e| match e {
        Unread::Policy(e) => e.under(path),
        Unread::Read(_) => KjbError::at(
            ErrorCode::InvalidOrderId,
            path,
            format!("{path} {WANT}; its JSON text is not a list"),
        ),
    })?;
    if items.is_empty() || items.len() > max {
        return Err(count_error(path, api, items.len(), max));
    }
    let mut ids: Vec<u64> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        // The element's path is only formatted when something is wrong with it.
        let id = match quoted_digits(*item).map(money::digits_id) {
            Some(Ok(id)) => id,
            _ => money::order_id(*item, &format!("{path}[{i}]"), item_origin)?,
        };
        if let Some(j) = ids.iter().position(|x| *x == id) {
            let p = format!("{path}[{i}]");
            return Err(invalid(&p, format!("{p} repeats order id {id} (already at {path}[{j}]): send each order once per call")));
        }
        ids.push(id);
    }
    let mut out = String::with_capacity(ids.len().saturating_mul(20).saturating_add(2));
    out.push('[');
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(crate::text::digits((*id).into(), &mut [0; 40]));
    }
    out.push(']');
    Ok(out)
}

#[derive(DeriveDeserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct WithholdWire<'a> {
    #[serde(borrow)]
    order_id: Raw<'a>,
    #[serde(borrow)]
    pay_channel: Raw<'a>,
    #[serde(borrow)]
    pay_amount: Raw<'a>,
    #[serde(borrow)]
    op_request_id: Raw<'a>,
}

/// `s` as a JSON string, as serde_json writes it (non-ASCII as it is): 1688 gets what its
/// own SDKs send.
fn json_string_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len().saturating_add(2));
    out.push('"');
    crate::text::push_inner_utf8(&mut out, s);
    out.push('"');
    out
}

/// `tradeWithholdPreparePayParam`: an object `{orderId, payChannel, payAmount, opRequestId}` or
/// its JSON text; `payAmount` in fen (a positive integer). Sent as compact JSON with `orderId`
/// and `payAmount` as JSON integers, in that field order.
fn withhold(raw: Raw<'_>, path: &str, origin: Origin) -> Result<String> {
    let owned_text;
    let (text, origin) = match first_byte(raw) {
        b'{' => (raw.get(), origin),
        b'"' => {
            owned_text = json_str(raw).unwrap_or(Cow::Borrowed(""));
            (owned_text.as_ref(), Origin::Text)
        }
        _ => {
            return Err(invalid(
                path,
                format!("{path} must be an object {{orderId, payChannel, payAmount (fen), opRequestId}}; got {}", kind(raw)),
            ))
        }
    };
    let w: WithholdWire<'_> = json::read(text).map_err(|e| match e {
        // Only from an object given as text, with the line and column in it.
        Unread::Policy(e) => e.under(path),
        Unread::Read(mut err) => {
            err.line = None;
            err.column = None;
            err.code = ErrorCode::InvalidInput;
            err.under(path)
        }
    })?;
    let order_id = money::order_id(w.order_id, &format!("{path}.orderId"), origin)?;
    let channel_path = format!("{path}.payChannel");
    let channel = json_str(w.pay_channel).filter(|s| !s.is_empty()).ok_or_else(|| {
        invalid(&channel_path, format!("{channel_path} must be a non-empty string"))
    })?;
    let amount_path = format!("{path}.payAmount");
    let amount = positive(
        w.pay_amount,
        &amount_path,
        "the amount in fen, a positive integer (12.50 CNY is 1250)",
    )
    .map_err(|mut e| {
        e.code = ErrorCode::InvalidAmount;
        e
    })?;
    let op_path = format!("{path}.opRequestId");
    let op = json_str(w.op_request_id)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| invalid(&op_path, format!("{op_path} must be a non-empty string: your idempotency key, reused when retrying the same payment")))?;
    Ok(format!(
        "{{\"orderId\":{order_id},\"payChannel\":{},\"payAmount\":{amount},\"opRequestId\":{}}}",
        json_string_literal(&channel),
        json_string_literal(&op)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(s: &str) -> Raw<'_> {
        Raw(s)
    }

    #[test]
    fn ordered_keeps_order_and_escaped_keys() {
        let o: Ordered<'_> = serde_json::from_str(r#"{"z":1,"a\u0062":"x","m":[1]}"#).unwrap();
        let keys: Vec<&str> = o.0.iter().map(|(k, _)| k.as_ref()).collect();
        assert_eq!(keys, ["z", "ab", "m"]);
    }

    #[test]
    fn generic_values() {
        let g = |s: &str, o| generic(raw(s), "params.x", o).map(|v| v.map(|c| c.into_owned()));
        assert_eq!(g("\"a b\"", Origin::Js).unwrap().unwrap(), "a b");
        assert_eq!(g("12.5", Origin::Js).unwrap().unwrap(), "12.5");
        assert_eq!(g("true", Origin::Js).unwrap().unwrap(), "true");
        assert_eq!(g("null", Origin::Js).unwrap(), None);
        assert_eq!(g("{ \"a\" : [1, 2] }", Origin::Text).unwrap().unwrap(), "{\"a\":[1,2]}");
        assert_eq!(
            g("{\"id\":3535260697417660107}", Origin::Text).unwrap().unwrap(),
            "{\"id\":3535260697417660107}"
        );
        let e = g("{\"id\":3535260697417660000}", Origin::Js).unwrap_err();
        assert_eq!((e.code, e.path.as_deref()), (ErrorCode::UnsafeOrderId, Some("params.x")));
        assert_eq!(g("9007199254740993", Origin::Js).unwrap_err().code, ErrorCode::UnsafeOrderId);
    }

    #[test]
    fn id_lists() {
        let l = |s: &str, o| id_list(raw(s), "params.orderIdList", "api", 30, o);
        assert_eq!(
            l("[\"3535260697417660107\",\"12\"]", Origin::Js).unwrap(),
            "[3535260697417660107,12]"
        );
        assert_eq!(
            l("\"[3535260697417660107, 12]\"", Origin::Js).unwrap(),
            "[3535260697417660107,12]"
        );
        assert_eq!(l("[12, 13]", Origin::Js).unwrap(), "[12,13]");
        let e = l("[\"1\",\"2\",\"3\",3535260697417660107]", Origin::Js).unwrap_err();
        assert_eq!(
            (e.code, e.path.as_deref()),
            (ErrorCode::UnsafeOrderId, Some("params.orderIdList[3]"))
        );
        let e = l("[\"1\",\"2\",\"1\"]", Origin::Js).unwrap_err();
        assert_eq!(
            (e.code, e.path.as_deref()),
            (ErrorCode::InvalidInput, Some("params.orderIdList[2]"))
        );
        assert_eq!(l("[]", Origin::Js).unwrap_err().code, ErrorCode::TooManyOrders);
        let many =
            format!("[{}]", (1..=31).map(|i| format!("\"{i}\"")).collect::<Vec<_>>().join(","));
        let e = l(&many, Origin::Js).unwrap_err();
        assert_eq!(e.code, ErrorCode::TooManyOrders);
        assert!(e.message.contains("split") && e.message.contains("maxPerCall"), "{}", e.message);
        for bad in ["\"1,2\"", "\"[1,\"", "{}", "5", "\"[[1]]\"", "[\"0\"]", "[1.5]"] {
            assert!(l(bad, Origin::Js).is_err(), "{bad}");
        }
    }

    #[test]
    fn quoted_id_lists_read_like_the_general_reader() {
        let ok = ["[\"3535260697417660107\"]", "[\"112345678\",\"212345678\",\"12345678\",\"2345678\",\"3535260697417660107\",\"3535260697417660108\"]", "[\"1\",\"22\",\"9999999999999999999\"]", "[\"12\",\"13\"]"];
        let left = [
            "[]",
            "[\"\"]",
            "[\"0\"]",
            "[\"01\"]",
            "[\"1\",\"1\"]",
            "[\"3535260697417660107\",\"2\",\"3535260697417660107\"]",
            "[\"1\", \"2\"]",
            "[1]",
            "[\"1\",2]",
            "[\"10000000000000000000\"]",
            "[\"1\\u0031\"]",
            "[\"1\",]",
        ];
        for text in ok {
            assert_eq!(
                quoted_id_list(text, 30),
                Some(read_id_list(raw(text), "p", "api", 30, Origin::Js).unwrap()),
                "{text}"
            );
        }
        for text in left {
            assert_eq!(quoted_id_list(text, 30), None, "{text}");
        }
        assert_eq!(quoted_id_list("[\"1\",\"2\",\"3\"]", 2), None);
    }

    proptest::proptest! {
        #[test]
        fn id_list_fast_path_agrees(ids in proptest::collection::vec("0?[0-9]{1,20}", 0..33), max in 1usize..32) {
            let text = format!("[{}]", ids.iter().map(|i| format!("\"{i}\"")).collect::<Vec<_>>().join(","));
            let general = read_id_list(raw(&text), "p", "api", max, Origin::Js);
            match quoted_id_list(&text, max) {
                Some(fast) => proptest::prop_assert_eq!(Some(fast), general.ok()),
                None => proptest::prop_assert!(general.is_err() || ids.iter().any(|i| i.starts_with('0') || i.len() > 19)),
            }
            let all = id_list(raw(&text), "p", "api", max, Origin::Js).map_err(|e| (e.code, e.path, e.message));
            let general = read_id_list(raw(&text), "p", "api", max, Origin::Js).map_err(|e| (e.code, e.path, e.message));
            proptest::prop_assert_eq!(all, general);
        }
    }

    #[test]
    fn withhold_param() {
        let spec = ParamSpec { name: "w", kind: Kind::Withhold, required: true, default: None };
        let w = |s: &str| {
            typed(&spec, raw(s), "params.w", "api", Origin::Js).map(|v| v.map(|c| c.into_owned()))
        };
        let want = "{\"orderId\":3535260697417660107,\"payChannel\":\"kjpay\",\"payAmount\":1250,\"opRequestId\":\"op-1\"}";
        assert_eq!(w(r#"{"opRequestId":"op-1","orderId":"3535260697417660107","payAmount":1250,"payChannel":"kjpay"}"#).unwrap().unwrap(), want);
        assert_eq!(w(&serde_json::to_string(want).unwrap()).unwrap().unwrap(), want);
        let e =
            w(r#"{"opRequestId":"op-1","orderId":"1","payAmount":"12.50","payChannel":"kjpay"}"#)
                .unwrap_err();
        assert_eq!(
            (e.code, e.path.as_deref()),
            (ErrorCode::InvalidAmount, Some("params.w.payAmount"))
        );
        let e = w(r#"{"orderId":"1","payAmount":1,"payChannel":"kjpay"}"#).unwrap_err();
        assert!(e.path.as_deref().unwrap().starts_with("params.w"), "{:?}", e.path);
        assert!(e.message.contains("opRequestId"), "{}", e.message);
        let e = w(
            r#"{"opRequestId":"op-1","orderId":"1","payAmount":1,"payChannel":"kjpay","extra":1}"#,
        )
        .unwrap_err();
        assert!(e.message.contains("extra"), "{}", e.message);
    }
}
