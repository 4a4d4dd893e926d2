//! The 1688 open-platform gateway, sans-IO: requests, signatures, answers, push, OAuth.
//!
//! The gateway's JS exports are functions of the façade ([`crate::api`]), which reads their
//! input's outer shape and calls in here; the work is split by what it decides:
//! - [`sign`]: the `_aop_signature` algorithm and constant-time comparison;
//! - [`form`]: `application/x-www-form-urlencoded` writing and strict reading;
//! - [`creds`]: which appKey / appSecret / accessToken are accepted (secrets never quoted);
//! - [`api`]: the table of known APIs (namespace, version, parameter types, limits, answers);
//! - [`params`]: how each parameter value becomes the exact text sent and signed;
//! - [`request`]: `buildRequest` / `signRequest` (URL, order, body, baseUrl rule);
//! - [`ids`]: which JSON numbers reach JS as strings;
//! - [`response`]: `parseResponse`; [`push`]: `verifyPush`; [`oauth`]: `authorizeUrl`;
//! - [`signer`]: the `Signer` that keeps the secret;
//! - [`token`]: `parseToken` and the OAuth token requests (built where the secret is).

pub(crate) mod answers;
pub(crate) mod api;
pub(crate) mod creds;
pub(crate) mod form;
pub(crate) mod ids;
pub(crate) mod oauth;
pub(crate) mod params;
pub(crate) mod push;
pub(crate) mod request;
pub(crate) mod response;
pub(crate) mod sign;
pub(crate) mod signer;
pub(crate) mod token;
#[cfg(test)]
mod vectors;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{ErrorCode, Result};
    use crate::json::Origin;
    use proptest::prelude::*;
    use serde_json::Value;
    use signer::Signer;

    const KEYS: &str = r#""appKey":"1234567","accessToken":"tok""#;

    fn build(rest: &str) -> Result<Value> {
        crate::api::build_request(&format!("{{{KEYS},{rest}}}"), Origin::Js)
            .map(|s| serde_json::from_str(&s).unwrap())
    }

    fn fails(rest: &str) -> (ErrorCode, Option<String>, String) {
        let e = build(rest).unwrap_err();
        (e.code, e.path, e.message)
    }

    #[test]
    fn build_request_shape() {
        let v = build(r#""api":"alibaba.crossBorderPay.url.get","params":{"orderIdList":["3535260697417660107",12]},"timestamp":1700000000000"#).unwrap();
        assert_eq!(
            v,
            serde_json::json!({
                "method": "POST",
                "url": "https://gw.open.1688.com/openapi/param2/1/com.alibaba.trade/alibaba.crossBorderPay.url.get/1234567",
                "urlPath": "param2/1/com.alibaba.trade/alibaba.crossBorderPay.url.get/1234567",
                "params": [["access_token", "tok"], ["orderIdList", "[3535260697417660107,12]"], ["_aop_timestamp", "1700000000000"]],
                "stringToSign": "param2/1/com.alibaba.trade/alibaba.crossBorderPay.url.get/1234567_aop_timestamp1700000000000access_tokentokorderIdList[3535260697417660107,12]"
            })
        );
        let v = build(r#""api":"alibaba.trade.get.buyerView","params":{"orderId":"3535260697417660107"},"baseUrl":"http://127.0.0.1:8080/""#).unwrap();
        assert_eq!(v["url"], "http://127.0.0.1:8080/openapi/param2/1/com.alibaba.trade/alibaba.trade.get.buyerView/1234567");
        assert_eq!(
            v["params"],
            serde_json::json!([
                ["access_token", "tok"],
                ["orderId", "3535260697417660107"],
                ["webSite", "1688"]
            ])
        );
        let v = build(r#""api":"com.alibaba.account:alibaba.account.agent.crossBasic","params":{"loginId":"seller1"}"#).unwrap();
        assert_eq!(
            v["urlPath"],
            "param2/1/com.alibaba.account/alibaba.account.agent.crossBasic/1234567"
        );
        let v = build(r#""api":"x.y","namespace":"com.x","version":"2","params":{"a":"","b":null,"c":false,"d":{"k":[1,"2"]},"e":1.5}"#).unwrap();
        assert_eq!(
            v["params"],
            serde_json::json!([
                ["access_token", "tok"],
                ["a", ""],
                ["c", "false"],
                ["d", "{\"k\":[1,\"2\"]}"],
                ["e", "1.5"]
            ])
        );
        let v = crate::api::build_request(
            r#"{"api":"x.y","namespace":"com.x","version":1,"appKey":"1"}"#,
            Origin::Js,
        )
        .unwrap();
        assert!(v.contains("\"params\":[]"), "{v}");
    }

    #[test]
    fn build_request_refusals() {
        use ErrorCode::*;
        let p = |s: &str| Some(s.to_string());
        let cases: &[(&str, ErrorCode, Option<String>)] = &[
            (r#""api":"x.y","params":{}"#, UnknownApi, p("api")),
            (r#""api":"x.y","namespace":"com.x","params":{}"#, UnknownApi, p("api")),
            (r#""api":"a/b","namespace":"n","version":1"#, InvalidInput, p("api")),
            (r#""api":"x.y","namespace":"..","version":1"#, InvalidInput, p("namespace")),
            (r#""api":"x.y","namespace":"n","version":"1a""#, InvalidInput, p("version")),
            (
                r#""api":"alibaba.crossBorderPay.url.get","params":{"orderIdList":["1","2","3",3535260697417660107]}"#,
                UnsafeOrderId,
                p("params.orderIdList[3]"),
            ),
            (
                r#""api":"alibaba.crossBorderPay.url.get","params":{"orderIdList":["1","x"]}"#,
                InvalidOrderId,
                p("params.orderIdList[1]"),
            ),
            (
                r#""api":"alibaba.crossBorderPay.url.get","params":{"orderIdList":["1","1"]}"#,
                InvalidInput,
                p("params.orderIdList[1]"),
            ),
            (
                r#""api":"alibaba.crossBorderPay.url.get","params":{"orderIdList":[]}"#,
                TooManyOrders,
                p("params.orderIdList"),
            ),
            (
                r#""api":"alibaba.crossBorderPay.url.get","params":{}"#,
                InvalidInput,
                p("params.orderIdList"),
            ),
            (
                r#""api":"alibaba.crossBorderPay.url.get","params":{"orderIdList":["1"],"orderIdlist":["2"]}"#,
                InvalidInput,
                p("params.orderIdlist"),
            ),
            (
                r#""api":"alibaba.crossBorderPay.url.get","params":{"orderIdList":["1"]},"namespace":"com.other""#,
                InvalidInput,
                p("namespace"),
            ),
            (
                r#""api":"alibaba.crossBorderPay.url.get","params":{"orderIdList":["1"]},"version":2"#,
                InvalidInput,
                p("version"),
            ),
            (
                r#""api":"alibaba.crossBorderPay.url.get","params":{"orderIdList":["1"]},"timestamp":1700000000"#,
                InvalidInput,
                p("timestamp"),
            ),
            (
                r#""api":"alibaba.crossBorderPay.url.get","params":{"orderIdList":["1"]},"baseUrl":"http://gw.open.1688.com""#,
                InvalidInput,
                p("baseUrl"),
            ),
            (
                r#""api":"alibaba.crossBorderPay.url.get","params":{"orderIdList":["1"]},"appSecret":"s""#,
                InvalidInput,
                p("appSecret"),
            ),
            (
                r#""api":"alibaba.crossBorderPay.url.get","params":{"orderIdList":["1"]},"extra":1"#,
                InvalidInput,
                p("extra"),
            ),
            (
                r#""api":"x.y","namespace":"n","version":1,"params":{"access_token":"t"}"#,
                InvalidInput,
                p("params.access_token"),
            ),
            (
                r#""api":"x.y","namespace":"n","version":1,"params":{"_aop_timestamp":"1"}"#,
                InvalidInput,
                p("params._aop_timestamp"),
            ),
            (
                r#""api":"x.y","namespace":"n","version":1,"params":{"_aop_signature":"1"}"#,
                InvalidInput,
                p("params._aop_signature"),
            ),
            (
                r#""api":"x.y","namespace":"n","version":1,"params":{"a":9007199254740993}"#,
                UnsafeOrderId,
                p("params.a"),
            ),
            (
                r#""api":"trade.orderpay.analysis","params":{"orderIds":["1"],"payChannel":"wechat"}"#,
                InvalidInput,
                p("params.payChannel"),
            ),
            (r#""api":"alibaba.account.agent.crossBasic","params":{}"#, InvalidInput, p("params")),
            (
                r#""api":"alibaba.accountPeriod.list.buyerView","params":{"pageIndex":0}"#,
                InvalidInput,
                p("params.pageIndex"),
            ),
            (
                r#""api":"alibaba.trade.payWay.query","params":{"orderId":3535260697417660107}"#,
                UnsafeOrderId,
                p("params.orderId"),
            ),
            (
                r#""api":"alibaba.trade.get.buyerView","params":{"orderId":"1","webSite":""}"#,
                InvalidInput,
                p("params.webSite"),
            ),
        ];
        for (rest, code, path) in cases {
            let (c, p, m) = fails(rest);
            assert_eq!((c, &p), (*code, path), "{rest}: {m}");
        }
        let (_, _, m) = fails(&format!(
            r#""api":"alibaba.alipay.url.get","params":{{"orderIdList":[{}]}}"#,
            (1..=31).map(|i| format!("\"{i}\"")).collect::<Vec<_>>().join(",")
        ));
        assert!(m.contains("at most 30") && m.contains("maxPerCall"), "{m}");
        // Credentials.
        for (input, path) in [
            (
                r#"{"api":"alibaba.trade.payWay.query","params":{"orderId":"1"},"appKey":"1234567"}"#,
                "accessToken",
            ),
            (
                r#"{"api":"alibaba.trade.payWay.query","params":{"orderId":"1"},"appKey":"1234567","accessToken":""}"#,
                "accessToken",
            ),
            (
                r#"{"api":"alibaba.trade.payWay.query","params":{"orderId":"1"},"accessToken":"t"}"#,
                "appKey",
            ),
            (
                r#"{"api":"alibaba.trade.payWay.query","params":{"orderId":"1"},"accessToken":"t","appKey":"12/34"}"#,
                "appKey",
            ),
        ] {
            let e = crate::api::build_request(input, Origin::Js).unwrap_err();
            assert_eq!(
                (e.code, e.path.as_deref()),
                (ErrorCode::InvalidCredentials, Some(path)),
                "{input}"
            );
        }
        let e = crate::api::sign_request(r#"{"api":"alibaba.trade.payWay.query","params":{"orderId":"1"},"accessToken":"t","appKey":"1"}"#, Origin::Js).unwrap_err();
        assert_eq!((e.code, e.path.as_deref()), (ErrorCode::InvalidCredentials, Some("appSecret")));
        // Text origin (CLI): a 19-digit number is exact there.
        let v: Value = serde_json::from_str(
            &crate::api::build_request(&format!("{{{KEYS},\"api\":\"alibaba.trade.payWay.query\",\"params\":{{\"orderId\":3535260697417660107}}}}"), Origin::Text).unwrap(),
        )
        .unwrap();
        assert_eq!(v["params"][1][1], "3535260697417660107");
    }

    #[test]
    fn signature_entry() {
        let sig = |s: &str| crate::api::signature(s, Origin::Js);
        let a = sig(r#"{"appSecret":"k","urlPath":"","params":{"b":"2","a":"1"}}"#).unwrap();
        assert_eq!(a.len(), 42);
        assert_eq!(a, sig(r#"{"appSecret":"k","urlPath":"","params":{"a":"1","b":"2","_aop_signature":"x","n":null}}"#).unwrap());
        for (input, path) in [
            (r#"{"appSecret":"k","params":{}}"#, "urlPath"),
            (r#"{"appSecret":"k","urlPath":"/openapi/param2/1/a/b/1","params":{}}"#, "urlPath"),
            (
                r#"{"appSecret":"k","urlPath":"https://gw.open.1688.com/openapi/param2","params":{}}"#,
                "urlPath",
            ),
            (r#"{"urlPath":"","params":{}}"#, "appSecret"),
        ] {
            assert_eq!(sig(input).unwrap_err().path.as_deref(), Some(path), "{input}");
        }
    }

    /// Hostile or random text into every entry point: an error, never a panic.
    fn all_entries(text: &str) {
        let _ = crate::api::build_request(text, Origin::Js);
        let _ = crate::api::sign_request(text, Origin::Js);
        let _ = crate::api::signature(text, Origin::Js);
        let _ = crate::api::parse_response(text, Origin::Js);
        let _ = crate::api::verify_push(text, Origin::Js);
        let _ = crate::api::authorize_url(text, Origin::Js);
        let _ = crate::api::parse_token(text, Origin::Js);
        if let Ok(s) = Signer::from_json(text, Origin::Js) {
            let _ = s.sign_json(text, Origin::Js);
            let _ = s.token_request_json(text, Origin::Js);
        }
        let _ = crate::api::build_request(text, Origin::Text);
    }

    #[test]
    fn hostile_inputs() {
        let deep = format!("{{\"api\":{}1{}}}", "[".repeat(100_000), "]".repeat(100_000));
        for t in [
            "",
            "null",
            "[]",
            "\"x\"",
            "{",
            "{\"api\":\"\\ud800\"}",
            &deep,
            "{\"api\":\"x\",\"api\":\"y\"}",
            "{\"api\":\"x.y\",\"namespace\":\"n\",\"version\":1,\"appKey\":\"1\",\"appSecret\":\"s\",\"params\":{\"a\":[[[[[[1e999]]]]]]}}",
            "{\"api\":\"alibaba.crossBorderPay.url.get\",\"status\":65536,\"body\":\"\\u0000\"}",
            "{\"appSecret\":\"s\",\"body\":\"message=%&_aop_signature=%\"}",
        ] {
            all_entries(t);
        }
    }

    proptest! {
        #[test]
        fn random_text_never_panics(text in any::<String>()) {
            all_entries(&text);
        }

        #[test]
        fn random_values_in_params_never_panic(value in "[\\[\\]{}\",:0-9a-z. \\-]{0,40}", api in prop::sample::select(vec!["alibaba.crossBorderPay.url.get", "alibaba.trade.payWay.query", "trade.orderpay.analysis", "alibaba.trade.pay.protocolPay.preparePay", "x.y"])) {
            for key in ["orderIdList", "orderId", "orderIds", "payChannel", "tradeWithholdPreparePayParam", "z"] {
                let input = format!("{{\"api\":\"{api}\",\"namespace\":\"com.alibaba.trade\",\"version\":1,\"appKey\":\"1\",\"appSecret\":\"s\",\"accessToken\":\"t\",\"params\":{{\"{key}\":{value}}}}}");
                all_entries(&input);
                let response = format!("{{\"api\":\"{api}\",\"status\":200,\"body\":{}}}", serde_json::to_string(&format!("{{\"success\":true,\"{key}\":{value}}}")).unwrap());
                let _ = crate::api::parse_response(&response, Origin::Js);
            }
        }

        #[test]
        fn signed_bodies_decode_to_their_params(values in prop::collection::vec("\\PC{0,20}", 1..5)) {
            let params: Vec<String> = values.iter().enumerate().map(|(i, v)| format!("\"p{i}\":{}", serde_json::to_string(v).unwrap())).collect();
            let input = format!("{{\"api\":\"x.y\",\"namespace\":\"n\",\"version\":1,\"appKey\":\"1\",\"appSecret\":\"s\",\"params\":{{{}}}}}", params.join(","));
            let out: Value = serde_json::from_str(&crate::api::sign_request(&input, Origin::Js).unwrap()).unwrap();
            let body = out["body"].as_str().unwrap();
            let fields = form::parse(body).unwrap();
            prop_assert_eq!(fields.len(), values.len().saturating_add(1));
            for (i, v) in values.iter().enumerate() {
                prop_assert_eq!(fields[i].1.as_ref(), v.as_str());
            }
            prop_assert_eq!(fields[values.len()].1.as_ref(), out["signature"].as_str().unwrap());
        }
    }

    /// `cargo test --release -- --ignored --nocapture sign_speed`
    #[test]
    #[ignore]
    fn sign_speed() {
        let input = r#"{"api":"alibaba.crossBorderPay.url.get","appKey":"1234567","appSecret":"TESTSECRET123","accessToken":"00000000-test-token-0000","timestamp":1700000000000,"params":{"orderIdList":["3535260697417660101","3535260697417660102","3535260697417660103","3535260697417660104","3535260697417660105","3535260697417660106","3535260697417660107","3535260697417660108","3535260697417660109","3535260697417660110"]}}"#;
        let signer =
            Signer::from_json(r#"{"appKey":"1234567","appSecret":"TESTSECRET123"}"#, Origin::Js)
                .unwrap();
        let signer_input = input.replace(r#""appSecret":"TESTSECRET123","#, "");
        let n = 100_000u32;
        for (name, f) in [
            (
                "signRequest",
                Box::new(|| crate::api::sign_request(input, Origin::Js).unwrap())
                    as Box<dyn Fn() -> String>,
            ),
            ("Signer.sign", Box::new(|| signer.sign_json(&signer_input, Origin::Js).unwrap())),
        ] {
            let t = std::time::Instant::now();
            for _ in 0..n {
                std::hint::black_box(f());
            }
            println!("{name}: {:?} per call", t.elapsed() / n);
        }
    }
}
