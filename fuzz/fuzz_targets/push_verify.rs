//! Push messages through `verifyPush` and `Signer.verifyPush`: arbitrary bodies, and messages
//! signed here (with kjb's own signing functions) then delivered as sent, altered, or signed
//! with another secret.
//!
//! Invariants: nothing panics and nothing is an INTERNAL error; a message signed with the
//! right secret never fails the signature check (it verifies, or its content is refused as
//! PUSH_MALFORMED); changing one byte of the message, the signature or the secret always fails
//! it (PUSH_SIGNATURE_INVALID); the raw form and the `{message, _aop_signature}` object give
//! the same answer; an accepted message's answer is JSON with no integer above 2^53 − 1.
#![no_main]

#[path = "common.rs"]
mod common;

use arbitrary::{Arbitrary, Unstructured};
use kjb::api::{self, Signer};
use kjb::internals::{form, sign};
use kjb::api::Origin;
use kjb::ErrorCode;
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};

#[derive(Arbitrary, Debug)]
enum Message<'a> {
    /// Any text as the message.
    Text(&'a str),
    /// A message shaped like 1688's.
    Shaped { msg_id: u64, kind: &'a str, order_id: u64, gmt_born: Option<i64>, user_info: Option<&'a str>, extra: &'a str, spaces: u8 },
}

#[derive(Arbitrary, Debug)]
struct Case<'a> {
    secret: &'a str,
    message: Message<'a>,
    /// Extra signed fields besides `message`.
    extra: Vec<(&'a str, &'a str)>,
    /// Where to flip a byte of the message, and how.
    flip: (u16, u8),
    /// Arbitrary body text, tried as is.
    raw: &'a str,
}

fn message_text(m: &Message<'_>) -> String {
    match m {
        Message::Text(s) => s.to_string(),
        Message::Shaped { msg_id, kind, order_id, gmt_born, user_info, extra, spaces } => {
            let sp = " ".repeat(usize::from(spaces % 3));
            let mut v = json!({"msgId": msg_id, "type": kind, "bizKey": order_id.to_string(),
                               "data": {"orderId": order_id, "batchPay": [{"orderId": order_id, "status": "successed"}], "note": extra}});
            if let Some(g) = gmt_born {
                v["gmtBorn"] = json!(g);
            }
            if let Some(u) = user_info {
                v["userInfo"] = json!(u);
            }
            v.to_string().replace(':', &format!(":{sp}"))
        }
    }
}

fn verify(secret: &str, body: &Value) -> Result<String, kjb::KjbError> {
    let input = json!({"appSecret": secret, "body": body}).to_string();
    let r = api::verify_push(&input, Origin::Js);
    if let Err(e) = &r {
        common::not_internal("verify_push_json", &input, e);
    }
    r
}

fn check_ok(out: &str) {
    // Valid JSON text. (A number no float holds, e.g. `1E400` in `data`, is passed through as
    // 1688 signed it: serde_json's `Value` cannot hold it, JS reads it as Infinity.)
    serde_json::from_str::<serde::de::IgnoredAny>(out).expect("verifyPush output is JSON");
    let v: Value = match serde_json::from_str(out) {
        Ok(v) => v,
        Err(_) => return,
    };
    assert!(v["msgId"].as_str().is_some_and(|s| !s.is_empty()), "{out}");
    assert!(v["type"].as_str().is_some_and(|s| !s.is_empty()), "{out}");
    assert!(common::unsafe_integers(out).is_empty(), "unsafe integers in {out}");
}

// Input layout (so seeds are readable): `0x00` then a structured case; `0x01` then
// `secret\nmessage` (the message is signed here); anything else is a raw body verified with
// the secret `TESTSECRET123`.
fuzz_target!(|data: &[u8]| {
    match data.split_first() {
        Some((0, rest)) => {
            if let Ok(case) = Case::arbitrary_take_rest(Unstructured::new(rest)) {
                run(&case);
            }
        }
        Some((1, rest)) => {
            let text = String::from_utf8_lossy(rest);
            let (secret, message) = text.split_once('\n').unwrap_or(("TESTSECRET123", &text));
            run(&Case { secret, message: Message::Text(message), extra: Vec::new(), flip: (7, 1), raw: "" });
        }
        _ => {
            let text = String::from_utf8_lossy(data);
            run(&Case { secret: "TESTSECRET123", message: Message::Text("{}"), extra: Vec::new(), flip: (0, 0), raw: &text });
        }
    }
});

fn run(case: &Case<'_>) {
    // A secret kjb accepts: non-empty, no surrounding whitespace.
    let secret = if case.secret.is_empty() || case.secret.trim() != case.secret { "TESTSECRET123" } else { case.secret };
    let key = sign::Secret::from_str_copy(secret);
    let message = message_text(&case.message);
    let extra: Vec<(&str, &str)> = case.extra.iter().take(3).copied().filter(|(k, _)| *k != "message" && *k != "_aop_signature").collect();
    let mut fields: Vec<(&str, &str)> = vec![("message", message.as_str())];
    fields.extend(extra.iter().copied());
    let sig = sign::sign(&key, "", fields.iter().copied()).unwrap();
    // Repeated extra keys make the push malformed; keep them, but know it.
    let repeated = (1..fields.len()).any(|i| fields[..i].iter().any(|(k, _)| *k == fields[i].0));

    // 1. As sent: the signature holds.
    let mut sent = fields.clone();
    sent.push(("_aop_signature", sig.as_str()));
    let body = form::encode_pairs(sent.iter().copied());
    let r = verify(secret, &Value::from(body.as_str()));
    match &r {
        Ok(out) => check_ok(out),
        Err(e) => {
            assert_eq!(e.code, ErrorCode::PushMalformed, "a rightly signed push failed: {e:?} body {body:?}");
            assert_ne!(e.path.as_deref(), Some("body._aop_signature"));
        }
    }
    // The same through a Signer and as an object of fields.
    let signer = Signer::from_json(&json!({"appKey": "1", "appSecret": secret}).to_string(), Origin::Js).unwrap();
    let r2 = signer.verify_push_json(&Value::from(body.as_str()).to_string(), Origin::Js);
    assert_eq!(r.as_ref().map_err(|e| e.code), r2.as_ref().map_err(|e| e.code));
    if !repeated {
        let mut obj = serde_json::Map::new();
        for (k, v) in &sent {
            obj.insert(k.to_string(), Value::from(*v));
        }
        let r3 = verify(secret, &Value::Object(obj));
        if let (Ok(a), Ok(b)) = (&r, &r3) {
            assert_eq!(a, b);
        } else {
            assert_eq!(r.as_ref().err().map(|e| e.code), r3.as_ref().err().map(|e| e.code), "form {r:?} vs object {r3:?}");
        }
    }

    if !repeated {
        // 2. One byte of the message changed (kept UTF-8): the signature fails.
        let mut bytes = message.clone().into_bytes();
        let changed = if bytes.is_empty() {
            "x".to_string()
        } else {
            let i = usize::from(case.flip.0) % bytes.len();
            bytes[i] = if bytes[i].is_ascii() { (bytes[i] ^ (case.flip.1 | 1)) & 0x7f } else { b'?' };
            String::from_utf8(bytes).unwrap_or_else(|_| format!("{message}!"))
        };
        if changed != message {
            let mut altered = sent.clone();
            altered[0].1 = changed.as_str();
            let e = verify(secret, &Value::from(form::encode_pairs(altered.iter().copied()))).unwrap_err();
            assert_eq!(e.code, ErrorCode::PushSignatureInvalid, "altered message: {e:?}");
        }
        // 3. The signature with one hex digit changed, or lower-cased.
        let mut wrong = sig.as_str().to_string().into_bytes();
        let i = usize::from(case.flip.1) % wrong.len();
        wrong[i] = if wrong[i] == b'0' { b'1' } else { b'0' };
        let wrong = String::from_utf8(wrong).unwrap();
        for bad in [wrong, sig.as_str().to_ascii_lowercase()] {
            if bad == sig.as_str() {
                continue;
            }
            let mut altered = fields.clone();
            altered.push(("_aop_signature", bad.as_str()));
            let e = verify(secret, &Value::from(form::encode_pairs(altered.iter().copied()))).unwrap_err();
            assert_eq!(e.code, ErrorCode::PushSignatureInvalid, "altered signature: {e:?}");
        }
        // 4. Another secret.
        let other = format!("{secret}x");
        let e = verify(&other, &Value::from(body.as_str())).unwrap_err();
        assert_eq!(e.code, ErrorCode::PushSignatureInvalid, "other secret: {e:?}");
    }

    // 5. Arbitrary bodies, as text and as a JSON value: refused or read, never a panic.
    if let Ok(out) = verify(secret, &Value::from(case.raw)) {
        check_ok(&out);
    }
    if let Ok(v) = serde_json::from_str::<Value>(case.raw) {
        if let Ok(out) = verify(secret, &v) {
            check_ok(&out);
        }
    }
    let _ = signer.verify_push_json(case.raw, Origin::Js);
}
