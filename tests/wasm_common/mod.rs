// The binding as JavaScript sees it, run inside a real wasm engine: Node and headless Chromium
// (`make test` runs this file in both). Errors cross as JSON text; a failed call must leave
// the instance usable.

use kjb::wasm;
use wasm_bindgen_test::*;

/// quoteFee as the JS layer calls it: the input staged into wasm memory first.
fn quote(input: &str) -> Result<String, String> {
    wasm::stage_bytes(input.as_bytes());
    wasm::quote_fee()
}

fn field(json: &str, key: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    match &v[key] {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[wasm_bindgen_test]
fn quote_fee_contract_example() {
    let out = quote(r#"{"amount":"10.00","history":["150000"]}"#).unwrap();
    assert_eq!(field(&out, "fee"), "0.02");
    assert_eq!(field(&out, "tier"), "2");
    assert_eq!(field(&out, "rate"), "0.0015");
}

#[wasm_bindgen_test]
fn bad_money_throws_a_coded_error_and_the_next_call_works() {
    for bad in [
        r#"{"amount":"abc"}"#,
        r#"{"amount":-1}"#,
        r#"{"amount":null}"#,
        r#"{"amount":"1.005"}"#,
        r#"{"amount":1e+21}"#,
    ] {
        let err = quote(bad).unwrap_err();
        assert_eq!(field(&err, "code"), "INVALID_AMOUNT", "{bad}");
        assert_eq!(field(&err, "path"), "amount", "{bad}");
        let ok = quote(r#"{"amount":"100","history":[]}"#).unwrap();
        assert_eq!(field(&ok, "fee"), "0.20");
    }
}

#[wasm_bindgen_test]
fn hostile_json_is_refused_not_trapped() {
    let deep = "[".repeat(100_000);
    assert_eq!(field(&quote(&deep).unwrap_err(), "code"), "INVALID_JSON");
    assert_eq!(
        field(&quote(r#"{"amount":"1","amount":"2"}"#).unwrap_err(), "code"),
        "INVALID_JSON"
    );
    assert_eq!(field(&quote("\u{feff}{\"amount\":\"1\"}").unwrap(), "amount"), "1.00");
}

#[wasm_bindgen_test]
fn staged_bytes_that_are_not_utf8_are_refused_and_the_next_call_works() {
    wasm::stage_bytes(b"{\"amount\":\"1\xff\"}");
    let err = wasm::quote_fee().unwrap_err();
    assert_eq!(field(&err, "code"), "INVALID_JSON");
    assert!(field(&err, "message").contains("UTF-8"));
    assert_eq!(field(&quote(r#"{"amount":"100"}"#).unwrap(), "fee"), "0.20");
}

#[wasm_bindgen_test]
fn fee_schedule_is_the_builtin_table() {
    let out = wasm::fee_schedule().unwrap();
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["tiers"].as_array().unwrap().len(), 6);
    assert_eq!(v["tiers"][5]["rate"], "0.00015");
}
