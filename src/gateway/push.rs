//! `verifyPush`: is a message really from 1688, and what does it say.
//!
//! 1688 POSTs a form with `message` (a JSON text) and `_aop_signature`. The signature is the
//! params-only one over every received field except `_aop_signature` — in practice
//! HMAC-SHA1(appSecret, "message" + the raw message text) — compared in constant time with
//! the received one, byte for byte, over the message text exactly as received (form-decoded,
//! never re-serialised). Only a message that passes is parsed.

use super::creds::{self, json_str, kind};
use super::form;
use super::ids::{self, Numbers};
use super::params::Ordered;
use super::sign::{self, Secret, SIGNATURE_LEN};
use crate::error::{ErrorCode, KjbError, Result};
use crate::json::Raw;
use crate::json::{self, Fragment, Unread};
use crate::money::{clip, MAX_SAFE_INTEGER};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PushWire<'a> {
    #[serde(default, borrow)]
    app_secret: Option<Raw<'a>>,
    #[serde(default, borrow)]
    body: Option<Raw<'a>>,
}

const SIGNATURE: &str = "_aop_signature";
const MESSAGE: &str = "message";

fn malformed(path: &str, message: impl Into<String>) -> KjbError {
    KjbError::at(ErrorCode::PushMalformed, path, message)
}

/// `verifyPush({appSecret, body})`.
pub(crate) fn verify_push_json(input: &str) -> Result<String> {
    let w: PushWire<'_> = json::parse(input)?;
    let secret = creds::app_secret(w.app_secret, "appSecret")?;
    let body = w.body.ok_or_else(|| {
        malformed(
            "body",
            "body is required: the raw form body as received, or {message, _aop_signature}",
        )
    })?;
    verify(&secret, body)
}

/// `signer.verifyPush(body)`: `body_json` is the JSON of a string or an object.
pub(crate) fn verify_body_json(secret: &Secret, body_json: &str) -> Result<String> {
    let body: Raw<'_> = json::parse(body_json)?;
    verify(secret, body)
}

/// Verifies a body given as the raw form text (a JSON string) or as its fields (an object of
/// strings), then reads the message.
pub(crate) fn verify(secret: &Secret, body: Raw<'_>) -> Result<String> {
    match body.get().trim().as_bytes().first() {
        Some(b'"') => {
            let text =
                json_str(body).ok_or_else(|| malformed("body", "body is not a readable string"))?;
            let text = text.trim();
            let fields = form::parse(text).map_err(|(i, e)| {
                malformed(
                    "body",
                    format!(
                        "body is not a valid form: part {} {}",
                        i.saturating_add(1),
                        e.describe()
                    ),
                )
            })?;
            if fields.is_empty()
                || (text.starts_with('{') && !fields.iter().any(|(k, _)| k == MESSAGE))
            {
                return Err(malformed(
                    "body",
                    "body is not a form body (message=…&_aop_signature=…): pass the raw request body as received, or an object {message, _aop_signature}",
                ));
            }
            verify_fields(secret, &fields)
        }
        Some(b'{') => {
            let object: Ordered<'_> = json::parse(body.get())
                .map_err(|_| malformed("body", "body is not a readable object"))?;
            let mut fields: Vec<form::Field<'_>> = Vec::with_capacity(object.0.len());
            for (k, v) in &object.0 {
                let Some(s) = json_str(*v) else {
                    let path = format!("body.{k}");
                    let hint = if k == MESSAGE {
                        ": the raw message text exactly as received (the signature covers that text, not parsed JSON)"
                    } else {
                        ""
                    };
                    return Err(malformed(
                        &path,
                        format!("{path} must be a string{hint}; got {}", kind(*v)),
                    ));
                };
                fields.push((k.clone(), s));
            }
            verify_fields(secret, &fields)
        }
        _ => Err(malformed(
            "body",
            format!(
                "body must be the raw form body (a string) or {{message, _aop_signature}}; got {}",
                kind(body)
            ),
        )),
    }
}

fn the_one<'f>(fields: &'f [form::Field<'_>], key: &str) -> Result<&'f str> {
    let mut found = fields.iter().filter(|(k, _)| k == key);
    let path = format!("body.{key}");
    match (found.next(), found.next()) {
        (Some((_, v)), None) => Ok(v.as_ref()),
        (None, _) => Err(malformed(&path, format!("the push has no {key} field"))),
        (Some(_), Some(_)) => Err(malformed(&path, format!("the push has {key} more than once"))),
    }
}

fn verify_fields(secret: &Secret, fields: &[form::Field<'_>]) -> Result<String> {
    let received = the_one(fields, SIGNATURE)?;
    let message = the_one(fields, MESSAGE)?;
    let expected = sign::sign(secret, "", fields.iter().map(|(k, v)| (k.as_ref(), v.as_ref())))?;
    if !expected.matches(received) {
        let mut text = String::from("the push signature does not match: the body was altered, is not from 1688, or was signed with another appSecret; ignore it");
        if received.len() != SIGNATURE_LEN {
            text.push_str(&format!(
                " (the received one has {} characters, a signature has {SIGNATURE_LEN})",
                received.chars().count()
            ));
        } else if received.bytes().any(|b| b.is_ascii_lowercase()) {
            text.push_str(" (the received one has lower-case letters; 1688 signs in upper-case hex and kjb compares exactly)");
        }
        return Err(KjbError::at(ErrorCode::PushSignatureInvalid, "body._aop_signature", text));
    }
    read_message(message)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MessageWire<'a> {
    #[serde(default, borrow)]
    msg_id: Option<Raw<'a>>,
    #[serde(default, borrow, rename = "type")]
    kind: Option<Raw<'a>>,
    #[serde(default, borrow)]
    biz_key: Option<Raw<'a>>,
    #[serde(default, borrow)]
    gmt_born: Option<Raw<'a>>,
    #[serde(default, borrow)]
    user_info: Option<Raw<'a>>,
    #[serde(default, borrow)]
    data: Option<Raw<'a>>,
    #[serde(default, borrow)]
    extra_info: Option<Raw<'a>>,
}

/// `verifyPush`'s answer.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PushOut<'a> {
    msg_id: Cow<'a, str>,
    #[serde(rename = "type")]
    kind: Cow<'a, str>,
    biz_key: Option<Cow<'a, str>>,
    /// Milliseconds since the epoch (a safe JS number).
    gmt_born: Option<u64>,
    user_info: Option<Cow<'a, str>>,
    /// The message's `data`, every id (and every integer above 2^53 − 1) as a string;
    /// `ORDER_BATCH_PAY` outcomes carry `paid` ([`super::answers::typed_data`]).
    data: Option<Fragment<'a>>,
    /// The envelope's `extraInfo`, as sent (ids as strings); `null` when absent.
    extra_info: Option<Raw<'a>>,
}

/// A string, or a number as written; `None` for null/absent/other.
fn scalar(raw: Option<Raw<'_>>) -> Option<Cow<'_, str>> {
    let raw = raw?;
    let t = raw.get().trim();
    match t.as_bytes().first() {
        Some(b'"') => json_str(raw),
        Some(b'-' | b'0'..=b'9') => Some(Cow::Borrowed(t)),
        _ => None,
    }
}

fn read_message(message: &str) -> Result<String> {
    const P: &str = "body.message";
    let text = json::strip_bom(message).trim();
    let at = |mut m: KjbError, e: &KjbError| {
        m.line = e.line;
        m.column = e.column;
        m
    };
    // A repeated key or too deep a nesting is reported first, wherever it is in the message.
    let read = json::read::<serde::de::IgnoredAny>(text);
    if let Err(Unread::Policy(e)) = &read {
        return Err(at(malformed(P, format!("message: {}", e.message)), e));
    }
    if !text.starts_with('{') {
        return Err(malformed(
            P,
            format!(
                "message must be a JSON object {{msgId, type, data, …}}; it starts with \"{}\"",
                clip(text)
            ),
        ));
    }
    if let Err(Unread::Read(e)) = &read {
        let mut why = e.message.as_str();
        while let Some(rest) = why.strip_prefix("invalid JSON: ") {
            why = rest;
        }
        return Err(at(malformed(P, format!("message is not valid JSON ({why})")), e));
    }
    let printed = ids::compact(text, Numbers::QuoteIds)
        .map_err(|_| KjbError::internal("id quoting refused a number"))?;
    let w: MessageWire<'_> = json::parse(&printed)
        .map_err(|e| malformed(P, format!("message could not be read: {}", e.message)))?;
    let msg_id = scalar(w.msg_id).filter(|s| !s.is_empty()).ok_or_else(|| {
        malformed(&format!("{P}.msgId"), "message has no msgId: is this a 1688 push message?")
    })?;
    let kind = w.kind.and_then(json_str).filter(|s| !s.is_empty()).ok_or_else(|| {
        malformed(
            &format!("{P}.type"),
            "message has no type (the topic, e.g. ORDER_BUYER_VIEW_ORDER_PAY)",
        )
    })?;
    let gmt_born = match scalar(w.gmt_born) {
        None => None,
        Some(s) => match s.parse::<u64>() {
            Ok(n) if n <= MAX_SAFE_INTEGER => Some(n),
            _ => {
                return Err(malformed(
                    &format!("{P}.gmtBorn"),
                    format!("gmtBorn must be milliseconds since the epoch; got {}", clip(&s)),
                ))
            }
        },
    };
    let data = match w.data {
        None => None,
        Some(raw) => Some(
            super::answers::typed_data(&kind, raw)
                .map_err(|why| malformed(&format!("{P}.data"), why))?,
        ),
    };
    let out = PushOut {
        msg_id,
        kind,
        biz_key: scalar(w.biz_key),
        gmt_born,
        user_info: scalar(w.user_info),
        data,
        extra_info: w.extra_info,
    };
    crate::json::to_json(&out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SECRET: &str = "TESTSECRET123";

    fn secret() -> Secret {
        Secret::from_str_copy(SECRET)
    }

    fn signed_body(message: &str) -> String {
        let sig = sign::sign(&secret(), "", [(MESSAGE, message)]).unwrap();
        form::encode_pairs([(MESSAGE, message), (SIGNATURE, sig.as_str())].into_iter())
    }

    fn as_json_string(s: &str) -> String {
        serde_json::to_string(s).unwrap()
    }

    fn check(body: &str) -> Result<String> {
        verify_body_json(&secret(), &as_json_string(body))
    }

    const MSG: &str = r#"{"bizKey":"3535260697417660107","data":{"orderId":3535260697417660107,"batchPay":[{"orderId":3535260697417660108,"status":"successed"}]},"gmtBorn":1764035064904,"msgId":92705609220,"type":"ORDER_BATCH_PAY","userInfo":"b2b-1"}"#;

    #[test]
    fn ids_come_back_as_strings() {
        let v: serde_json::Value =
            serde_json::from_str(&check(&signed_body(MSG)).unwrap()).unwrap();
        assert_eq!(v["msgId"], "92705609220");
        assert_eq!(v["type"], "ORDER_BATCH_PAY");
        assert_eq!(v["bizKey"], "3535260697417660107");
        assert_eq!(v["gmtBorn"], 1764035064904u64);
        assert_eq!(v["userInfo"], "b2b-1");
        assert_eq!(v["data"]["orderId"], "3535260697417660107");
        assert_eq!(v["data"]["batchPay"][0]["orderId"], "3535260697417660108");
    }

    #[test]
    fn tampering_is_caught() {
        let body = signed_body(MSG);
        let (msg_part, sig_part) = body.split_once("&_aop_signature=").unwrap();
        // Signature lower-cased: not the same bytes.
        let e = check(&format!("{msg_part}&_aop_signature={}", sig_part.to_ascii_lowercase()))
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::PushSignatureInvalid);
        assert!(e.message.contains("lower-case"), "{}", e.message);
        // One byte of the message changed.
        let changed = msg_part.replacen("successed", "successeD", 1);
        assert_eq!(
            check(&format!("{changed}&_aop_signature={sig_part}")).unwrap_err().code,
            ErrorCode::PushSignatureInvalid
        );
        // One byte of the signature changed.
        let mut sig = sig_part.to_string();
        let last = if sig.ends_with('0') { "1" } else { "0" };
        sig.replace_range(39..40, last);
        assert_eq!(
            check(&format!("{msg_part}&_aop_signature={sig}")).unwrap_err().code,
            ErrorCode::PushSignatureInvalid
        );
        // A field missing.
        assert_eq!(check(msg_part).unwrap_err().code, ErrorCode::PushMalformed);
        assert_eq!(
            check(&format!("_aop_signature={sig_part}")).unwrap_err().code,
            ErrorCode::PushMalformed
        );
        // An extra field: it is signed too, so it breaks the signature unless signed with it.
        let e = check(&format!("{msg_part}&extra=1&_aop_signature={sig_part}")).unwrap_err();
        assert_eq!(e.code, ErrorCode::PushSignatureInvalid);
        let sig2 = sign::sign(&secret(), "", [(MESSAGE, MSG), ("extra", "1")]).unwrap();
        assert!(check(&format!("{msg_part}&extra=1&_aop_signature={}", sig2.as_str())).is_ok());
        // Repeated fields, truncated escapes.
        assert_eq!(check(&format!("{body}&message=x")).unwrap_err().code, ErrorCode::PushMalformed);
        assert_eq!(
            check(&format!("{msg_part}%2&_aop_signature={sig_part}")).unwrap_err().code,
            ErrorCode::PushMalformed
        );
        assert_eq!(check(&format!("{body}&x=%E")).unwrap_err().code, ErrorCode::PushMalformed);
        // Another secret.
        let other = Secret::from_str_copy("OTHER");
        assert_eq!(
            verify_body_json(&other, &as_json_string(&body)).unwrap_err().code,
            ErrorCode::PushSignatureInvalid
        );
    }

    #[test]
    fn object_form() {
        let sig = sign::sign(&secret(), "", [(MESSAGE, MSG)]).unwrap();
        let obj = format!(
            "{{\"message\":{},\"_aop_signature\":\"{}\"}}",
            as_json_string(MSG),
            sig.as_str()
        );
        assert!(verify_body_json(&secret(), &obj).is_ok());
        let parsed = format!("{{\"message\":{MSG},\"_aop_signature\":\"{}\"}}", sig.as_str());
        let e = verify_body_json(&secret(), &parsed).unwrap_err();
        assert_eq!((e.code, e.path.as_deref()), (ErrorCode::PushMalformed, Some("body.message")));
        let e = verify_body_json(&secret(), "{\"_aop_signature\":\"x\"}").unwrap_err();
        assert_eq!(e.code, ErrorCode::PushMalformed);
        assert_eq!(verify_body_json(&secret(), "42").unwrap_err().code, ErrorCode::PushMalformed);
    }

    #[test]
    fn bad_messages_after_a_good_signature() {
        for (m, path) in [
            ("not json", "body.message"),
            ("{\"msgId\":1", "body.message"),
            ("[1]", "body.message"),
            ("{\"type\":\"T\"}", "body.message.msgId"),
            ("{\"msgId\":1}", "body.message.type"),
            ("{\"msgId\":1,\"type\":\"T\",\"gmtBorn\":\"x\"}", "body.message.gmtBorn"),
            ("{\"msgId\":1,\"msgId\":2,\"type\":\"T\"}", "body.message"),
        ] {
            let e = check(&signed_body(m)).unwrap_err();
            assert_eq!((e.code, e.path.as_deref()), (ErrorCode::PushMalformed, Some(path)), "{m}");
        }
        let deep = format!(
            "{{\"msgId\":1,\"type\":\"T\",\"data\":{}{}}}",
            "[".repeat(100),
            "]".repeat(100)
        );
        assert_eq!(check(&signed_body(&deep)).unwrap_err().code, ErrorCode::PushMalformed);
        let e = check("{\"message\":\"x\"}").unwrap_err();
        assert!(e.message.contains("not a form"), "{}", e.message);
    }

    /// Nesting is bounded by the reader, which stops at 64 levels, so its recursion is too: a
    /// rightly signed message nested 100,000 deep is PUSH_MALFORMED, and a body or input
    /// nested that deep is INVALID_JSON — never a stack overflow.
    #[test]
    fn deep_messages_are_refused_without_recursion() {
        for nest in [
            "[".repeat(100_000),
            "{\"a\":".repeat(100_000),
            format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000)),
        ] {
            let message = format!("{{\"msgId\":1,\"type\":\"T\",\"data\":{nest}}}");
            let e = check(&signed_body(&message)).unwrap_err();
            assert_eq!(
                (e.code, e.path.as_deref()),
                (ErrorCode::PushMalformed, Some("body.message")),
                "{e:?}"
            );
            assert!(e.message.contains("deeper than 64"), "{}", e.message);
            let sig = sign::sign(&secret(), "", [(MESSAGE, message.as_str())]).unwrap();
            let obj = format!(
                "{{\"message\":{},\"_aop_signature\":\"{}\"}}",
                as_json_string(&message),
                sig.as_str()
            );
            assert_eq!(
                verify_body_json(&secret(), &obj).unwrap_err().code,
                ErrorCode::PushMalformed
            );
            // The same depth in the JSON of the call itself.
            let input = format!("{{\"appSecret\":\"{SECRET}\",\"body\":{nest}}}");
            assert_eq!(verify_push_json(&input).unwrap_err().code, ErrorCode::InvalidJson);
            assert_eq!(
                verify_body_json(&secret(), &nest).unwrap_err().code,
                ErrorCode::InvalidJson
            );
        }
    }

    #[test]
    fn entry_point() {
        let input = format!(
            "{{\"appSecret\":\"{SECRET}\",\"body\":{}}}",
            as_json_string(&signed_body(MSG))
        );
        assert!(verify_push_json(&input).is_ok());
        let e = verify_push_json("{\"appSecret\":\"\",\"body\":\"x\"}").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidCredentials);
        let e = verify_push_json(&format!("{{\"appSecret\":\"{SECRET}\"}}")).unwrap_err();
        assert_eq!((e.code, e.path.as_deref()), (ErrorCode::PushMalformed, Some("body")));
    }

    proptest! {
        #[test]
        fn any_message_text_verifies(message in any::<String>()) {
            let r = check(&signed_body(&message));
            // The signature always holds; only the message's content may be refused.
            if let Err(e) = &r {
                prop_assert_eq!(e.code, ErrorCode::PushMalformed, "{}", e.message);
                prop_assert_ne!(e.path.as_deref(), Some("body._aop_signature"));
            }
            let obj = format!("{{\"message\":{},\"_aop_signature\":\"{}\"}}", as_json_string(&message), sign::sign(&secret(), "", [(MESSAGE, message.as_str())]).unwrap().as_str());
            if let Err(e) = verify_body_json(&secret(), &obj) {
                prop_assert_eq!(e.code, ErrorCode::PushMalformed);
            }
        }

        #[test]
        fn json_messages_verify_with_exact_ids(topic in "\\PC{1,30}", order_id in 1u64..=u64::MAX / 2, msg_id in 1u64.., spaces in " {0,3}") {
            let message = format!("{{\"msgId\":{spaces}{msg_id},\"type\":{},\"data\":{{\"orderId\":{order_id}}}{spaces}}}", as_json_string(&topic));
            let v: serde_json::Value = serde_json::from_str(&check(&signed_body(&message)).unwrap()).unwrap();
            prop_assert_eq!(v["type"].as_str(), Some(topic.as_str()));
            let order = order_id.to_string();
            let msg = msg_id.to_string();
            prop_assert_eq!(v["data"]["orderId"].as_str(), Some(order.as_str()));
            prop_assert_eq!(v["msgId"].as_str(), Some(msg.as_str()));
        }

        #[test]
        fn hostile_bodies_never_panic(body in any::<String>()) {
            let _ = check(&body);
            let _ = verify_body_json(&secret(), &body);
        }
    }
}
