//! Every vector of `tests/fixtures/signing-vectors.json` (signed by public 1688 SDKs),
//! reproduced through the public entry points: stringToSign, signature and body, byte for byte.

use super::*;
use crate::error::ErrorCode;
use crate::json::Origin;
use crate::json::Raw;
use params::Ordered;
use serde::Deserialize;
use serde_json::Value;
use signer::Signer;

const FIXTURE: &str = include_str!("../../tests/fixtures/signing-vectors.json");

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Vector<'a> {
    id: String,
    kind: String,
    app_key: String,
    app_secret: String,
    url_path: String,
    #[serde(borrow)]
    params: Raw<'a>,
    string_to_sign: String,
    signature: String,
    #[serde(default)]
    body: Option<String>,
}

fn vectors() -> Vec<Vector<'static>> {
    let v: Vec<Vector<'static>> = serde_json::from_str(FIXTURE).unwrap();
    assert!(v.len() >= 5, "the fixture lost vectors");
    v
}

fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

fn ordered(v: &Vector<'_>) -> Vec<(String, String)> {
    let o: Ordered<'_> = serde_json::from_str(v.params.get()).unwrap();
    o.0.iter()
        .map(|(k, raw)| (k.to_string(), serde_json::from_str::<String>(raw.get()).unwrap()))
        .collect()
}

fn signature_of(v: &Vector<'_>) -> String {
    let input = format!(
        "{{\"appSecret\":{},\"urlPath\":{},\"params\":{}}}",
        q(&v.app_secret),
        q(&v.url_path),
        v.params.get()
    );
    serde_json::from_str::<String>(&crate::api::signature(&input, Origin::Js).unwrap()).unwrap()
}

/// The `signRequest` input that describes the vector's call; `params_json` overrides the
/// business parameters' JSON (to pass them as arrays/objects instead of pre-serialised text).
fn request_input(v: &Vector<'_>, params_json: Option<&str>) -> String {
    let parts: Vec<&str> = v.url_path.split('/').collect();
    assert_eq!(parts.len(), 5, "{}", v.id);
    let (version, namespace, api, app_key) = (parts[1], parts[2], parts[3], parts[4]);
    assert_eq!(app_key, v.app_key);
    let mut business = Vec::new();
    let mut extra = String::new();
    for (k, val) in ordered(v) {
        match k.as_str() {
            "access_token" => extra.push_str(&format!(",\"accessToken\":{}", q(&val))),
            "_aop_timestamp" => extra.push_str(&format!(",\"timestamp\":{}", q(&val))),
            _ => business.push(format!("{}:{}", q(&k), q(&val))),
        }
    }
    let params = params_json.map_or_else(|| format!("{{{}}}", business.join(",")), str::to_string);
    format!(
        "{{\"api\":{},\"namespace\":{},\"version\":{version},\"appKey\":{},\"appSecret\":{}{extra},\"params\":{params}}}",
        q(api),
        q(namespace),
        q(app_key),
        q(&v.app_secret)
    )
}

fn signed(input: &str) -> Value {
    serde_json::from_str(&crate::api::sign_request(input, Origin::Js).unwrap()).unwrap()
}

#[test]
fn every_signature_and_string_to_sign() {
    for v in vectors() {
        assert_eq!(signature_of(&v), v.signature, "{}", v.id);
        let params = ordered(&v);
        let s =
            sign::string_to_sign(&v.url_path, params.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        assert_eq!(s, v.string_to_sign, "{}", v.id);
    }
}

#[test]
fn api_calls_reproduce_bodies() {
    for v in vectors().iter().filter(|v| v.kind == "api_call" || v.kind == "sort_rule_disagreement")
    {
        let input = request_input(v, None);
        let out = signed(&input);
        assert_eq!(out["signature"], v.signature.as_str(), "{}", v.id);
        assert_eq!(out["method"], "POST");
        assert_eq!(out["url"], format!("https://gw.open.1688.com/openapi/{}", v.url_path));
        assert_eq!(
            out["headers"]["content-type"],
            "application/x-www-form-urlencoded; charset=UTF-8"
        );
        if let Some(body) = &v.body {
            assert_eq!(out["body"], body.as_str(), "{}", v.id);
        }
        // buildRequest: same string to sign, no secret, parameters in body order.
        let unsigned_input = input.replace(&format!(",\"appSecret\":{}", q(&v.app_secret)), "");
        let b: Value =
            serde_json::from_str(&crate::api::build_request(&unsigned_input, Origin::Js).unwrap())
                .unwrap();
        assert_eq!(b["stringToSign"], v.string_to_sign.as_str(), "{}", v.id);
        assert_eq!(b["urlPath"], v.url_path.as_str());
        if let Some(body) = &v.body {
            let keys: Vec<&str> =
                b["params"].as_array().unwrap().iter().map(|p| p[0].as_str().unwrap()).collect();
            let body_keys: Vec<&str> = body
                .split('&')
                .map(|p| p.split('=').next().unwrap())
                .filter(|k| *k != "_aop_signature")
                .collect();
            assert_eq!(keys, body_keys, "{}", v.id);
        }
        assert!(!b.to_string().contains(&v.app_secret));
    }
}

#[test]
fn structured_params_sign_the_same() {
    let all = vectors();
    // V1: the ids as an array of strings (BigInt-safe) instead of pre-serialised text.
    let v1 = all.iter().find(|v| v.id.starts_with("V1_")).unwrap();
    let ids =
        r#"{"orderIdList":["3535260697417660107","3535260697417660108","3535260697417660109"]}"#;
    let out = signed(&request_input(v1, Some(ids)));
    assert_eq!(out["body"], v1.body.as_deref().unwrap());
    // The known API needs no namespace/version.
    let short = format!(
        "{{\"api\":\"alibaba.alipay.url.get\",\"appKey\":\"1234567\",\"appSecret\":\"TESTSECRET123\",\"accessToken\":\"00000000-test-token-0000\",\"params\":{ids}}}"
    );
    assert_eq!(signed(&short)["body"], v1.body.as_deref().unwrap());
    // V4: addressParam / cargoParamList as objects: compact JSON, key order and numbers as given.
    let v4 = all.iter().find(|v| v.id.starts_with("V4_")).unwrap();
    let p = ordered(v4);
    let get = |k: &str| p.iter().find(|(key, _)| key == k).unwrap().1.clone();
    let pretty_cargo = get("cargoParamList").replace(',', ", ").replace(":", ": ");
    let structured = format!(
        "{{\"addressParam\":{},\"cargoParamList\":{},\"flow\":\"general\"}}",
        get("addressParam"),
        pretty_cargo
    );
    let out = signed(&request_input(v4, Some(&structured)));
    assert_eq!(out["body"], v4.body.as_deref().unwrap());
    assert_eq!(out["signature"], v4.signature.as_str());
}

#[test]
fn oauth_vector() {
    let v = vectors().into_iter().find(|v| v.kind == "oauth_authorize").unwrap();
    let p = ordered(&v);
    let get = |k: &str| p.iter().find(|(key, _)| key == k).unwrap().1.clone();
    let input = format!(
        "{{\"appKey\":{},\"redirectUri\":{},\"state\":{},\"appSecret\":{}}}",
        q(&get("client_id")),
        q(&get("redirect_uri")),
        q(&get("state")),
        q(&v.app_secret)
    );
    let url: String =
        serde_json::from_str(&crate::api::authorize_url(&input, Origin::Js).unwrap()).unwrap();
    assert_eq!(
        url,
        format!("https://auth.1688.com/oauth/authorize?client_id=1234567&site=1688&redirect_uri=https%3A%2F%2Ferp.example.com%2Fcallback%2F1688&state=erp-state-42&_aop_signature={}", v.signature)
    );
    let unsigned = input.replace(&format!(",\"appSecret\":{}", q(&v.app_secret)), "");
    let url: String =
        serde_json::from_str(&crate::api::authorize_url(&unsigned, Origin::Js).unwrap()).unwrap();
    assert!(url.ends_with("&state=erp-state-42"), "{url}");
}

#[test]
fn push_vector() {
    let v = vectors().into_iter().find(|v| v.kind == "push_verify").unwrap();
    let body = v.body.clone().unwrap();
    assert!(body.ends_with(&format!("&_aop_signature={}", v.signature)));
    let input = format!("{{\"appSecret\":{},\"body\":{}}}", q(&v.app_secret), q(&body));
    let out: Value =
        serde_json::from_str(&crate::api::verify_push(&input, Origin::Js).unwrap()).unwrap();
    assert_eq!(out["msgId"], "92705609220");
    assert_eq!(out["type"], "ORDER_BUYER_VIEW_ORDER_PAY");
    assert_eq!(out["bizKey"], "3535260697417660107");
    assert_eq!(out["gmtBorn"], 1764035064904u64);
    assert_eq!(out["userInfo"], "b2b-2217000000000000");
    assert_eq!(out["data"]["orderId"], "3535260697417660107");
    assert_eq!(out["data"]["currentStatus"], "waitsellersend");
    assert_eq!(out["data"]["msgSendTime"], "2026-11-25 09:44:24");
    // The same through a Signer, and as {message, _aop_signature}.
    let signer = Signer::from_json(
        &format!("{{\"appKey\":\"1234567\",\"appSecret\":{}}}", q(&v.app_secret)),
        Origin::Js,
    )
    .unwrap();
    let again: Value =
        serde_json::from_str(&signer.verify_push_json(&q(&body), Origin::Js).unwrap()).unwrap();
    assert_eq!(again, out);
    let message = ordered(&v).into_iter().find(|(k, _)| k == "message").unwrap().1;
    let obj = format!("{{\"message\":{},\"_aop_signature\":{}}}", q(&message), q(&v.signature));
    let again: Value =
        serde_json::from_str(&signer.verify_push_json(&obj, Origin::Js).unwrap()).unwrap();
    assert_eq!(again, out);
    // Lower-cased signature: refused (exact comparison).
    let lower = body.replace(&v.signature, &v.signature.to_ascii_lowercase());
    let e = signer.verify_push_json(&q(&lower), Origin::Js).unwrap_err();
    assert_eq!(e.code, ErrorCode::PushSignatureInvalid);
}
