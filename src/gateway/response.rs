//! `parseResponse`: what an answer of the gateway means — a result, a gateway refusal or a
//! business refusal — with ids kept exact.
//!
//! The body is read by the core, never by JS `JSON.parse` (which rounds 19-digit ids): every
//! integer id and every integer above 2^53 − 1 is read as a string ([`super::ids`]), and the
//! answer is printed from that tree.

use super::api::{self, Answer};
use super::creds::kind;
use super::ids::Numbers;
use crate::error::{ErrorCode, GatewayDetail, KjbError, Result};
use crate::json;
use crate::json::Raw;
use crate::json::{Fragment, Map, Unread, Value};
use crate::money;
use crate::money::Decimal;
use crate::text::find;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResponseWire<'a> {
    #[serde(borrow)]
    api: Cow<'a, str>,
    #[serde(borrow)]
    status: Raw<'a>,
    #[serde(borrow)]
    body: Raw<'a>,
}

/// Gateway codes worth retrying after a back-off: the rate limits (gateway-1688.md §4).
/// `gw.QosAppFrequencyLimit` is what the live gateway sends (with HTTP 400);
/// `gw.QosRequestLimit` is seen from one community SDK and treated alike.
pub(crate) const RETRYABLE: &[&str] = &["gw.QosAppFrequencyLimit", "gw.QosRequestLimit"];
/// 1688's `error_code` for a missing, expired or revoked access token (with HTTP 401).
pub(crate) const TOKEN_CODE: &str = "401";
const MAX_QUOTED: usize = 200;

/// Server text for a message: clipped, control characters blanked, and characters that are
/// invisible or reorder text escaped as the caller's text is ([`crate::text::push_visible`]).
fn quote_server(s: &str) -> String {
    crate::text::clip_with(s, MAX_QUOTED, |out, c| {
        if c.is_control() {
            out.push(' ');
        } else {
            crate::text::push_visible(out, c);
        }
    })
}

/// Appends `before` and the server's words `s` ([`quote_server`]), when there are any.
fn push_quoted(text: &mut String, before: &str, s: Option<&str>) {
    if let Some(s) = s {
        text.push_str(before);
        text.push_str(&quote_server(s));
    }
}

#[inline(never)]
fn text_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// `true`/`false`, as booleans or as the strings some APIs send.
#[inline(never)]
pub(crate) fn flag(v: Option<&Value>) -> Option<bool> {
    match v? {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

fn first_text(o: &Map, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| text_of(o.get(k)))
}

const MESSAGE_KEYS: &[&str] =
    &["errorMsg", "erroMsg", "errorMessage", "error_message", "message", "msg"];

fn with_detail(code: ErrorCode, message: String, detail: GatewayDetail) -> KjbError {
    let mut e = KjbError::new(code, message);
    e.gateway = Some(Box::new(detail));
    e
}

/// The parameter a `gw.ParamMissing` message names ("Required argument orderId …").
fn missing_param(message: &str) -> Option<&str> {
    let lower = message.to_ascii_lowercase();
    let at = find(&lower, "argument")
        .map(|i| i.saturating_add("argument".len()))
        .or_else(|| find(&lower, "parameter").map(|i| i.saturating_add("parameter".len())))?;
    let rest = message.get(at..)?.trim_start_matches(|c: char| {
        c == 's' || c == ':' || c == '\'' || c == '"' || c == '[' || c.is_whitespace()
    });
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .unwrap_or(rest.len());
    rest.get(..end).filter(|n| !n.is_empty())
}

/// True for 1688's answer to a missing, expired or revoked access token.
fn token_expired(status: u16, code: Option<&str>, message: Option<&str>) -> bool {
    code == Some(TOKEN_CODE)
        || (status == 401
            && code.is_none()
            && message
                .is_some_and(|m| find(&m.to_ascii_lowercase(), "need user authorized").is_some()))
}

/// A refusal by the gateway itself (HTTP 4xx/5xx, `error_code`), classified by gateway-1688.md
/// §4: rate limits are retryable, the 401 answer is `TOKEN_EXPIRED`, every other code is final
/// and its message says what to change.
pub(crate) fn gateway_error(
    api: &str,
    status: u16,
    code: Option<String>,
    message: Option<String>,
    request_id: Option<String>,
) -> KjbError {
    let expired = token_expired(status, code.as_deref(), message.as_deref());
    let code = if expired { Some(TOKEN_CODE.to_string()) } else { code };
    let retryable =
        !expired && (status == 429 || code.as_deref().is_some_and(|c| RETRYABLE.contains(&c)));
    let mut text = format!("the 1688 gateway refused {} (HTTP {status}", shown(api));
    push_quoted(&mut text, ", ", code.as_deref());
    text.push(')');
    push_quoted(&mut text, ": ", message.as_deref());
    let param = message.as_deref().and_then(missing_param).map(quote_server);
    let hint: Cow<'_, str> = match code.as_deref() {
        _ if expired => "; the buyer's access token is missing, expired or revoked: refresh it (KjbClient refreshes by itself when it has a refresh token) or have the buyer authorise the app again".into(),
        _ if retryable => "; rate limited: wait and retry with back-off and jitter, and pace the calls (KjbClient option qps)".into(),
        Some("gw.SignatureInvalid") => "; the signature does not match: check appSecret and send the body exactly as it was signed; retrying will not help".into(),
        Some("gw.AppKeyNotFound") => "; 1688 knows no app with this appKey: check appKey; retrying will not help".into(),
        Some("gw.APIACLDecline") => "; the app has no permission for this API: subscribe the solution that includes it (or apply for the API permission) for this app on open.1688.com; retrying will not help".into(),
        Some("gw.APIUnsupported") => "; 1688 has no such API or version: check the api name, namespace and version; retrying will not help".into(),
        Some("gw.NoUsageLeftError") => "; the app's paid call quota is used up: buy more calls for the app on open.1688.com or wait until the quota renews; retrying will not help".into(),
        Some("gw.ParamMissing") => match &param {
            Some(p) => format!("; add the required parameter {p} to the call").into(),
            None => "; a required parameter is missing: add the one the message names".into(),
        },
        None if status >= 500 => "; 1688 or a proxy in front of it failed: try again later (a 5xx is not retried automatically, the call may have been carried out)".into(),
        _ => "".into(),
    };
    text.push_str(&hint);
    let code_kind = if expired { ErrorCode::TokenExpired } else { ErrorCode::GatewayError };
    with_detail(
        code_kind,
        text,
        GatewayDetail {
            gateway_code: code,
            http_status: Some(status),
            retryable,
            request_id,
            gateway_message: message.as_deref().map(quote_server),
        },
    )
}

fn request_id(o: Option<&Map>) -> Option<String> {
    o.and_then(|o| first_text(o, &["request_id", "requestId"]))
}

/// Refused order ids from `cantPayOrderList` / `payFailureOrderList`: an array (of ids or of
/// objects with `orderId`), `{}` / `null` (none), or a text list `"1,2"` / `"[1,2]"`.
fn id_strings(v: Option<&Value>) -> Vec<String> {
    fn one(v: &Value) -> Option<String> {
        match v {
            Value::Object(o) => first_text(o, &["orderId", "id"]),
            other => text_of(Some(other)),
        }
    }
    match v {
        Some(Value::Array(a)) => a.iter().filter_map(one).collect(),
        Some(Value::String(s)) => {
            // By byte: the separators are ASCII, and std's multi-character split is large.
            let mut ids = Vec::new();
            let mut rest = s.as_str();
            while !rest.is_empty() {
                let end = rest
                    .bytes()
                    .position(|b| matches!(b, b',' | b' ' | b'[' | b']' | b'"'))
                    .unwrap_or(rest.len());
                let id = rest.get(..end).unwrap_or("");
                if !id.is_empty() {
                    ids.push(id.to_string());
                }
                rest = rest.get(end.saturating_add(1)..).unwrap_or("");
            }
            ids
        }
        Some(Value::Number(n)) => vec![n.to_string()],
        _ => Vec::new(),
    }
}

/// Fails on `error_code`, `success: false` (boolean or string), a bare `errorCode`, or a
/// `result{success: false}` wrapper.
fn check(api: &str, status: u16, v: &Value) -> Result<()> {
    let Some(o) = v.as_object() else { return Ok(()) };
    if let Some(code) = text_of(o.get("error_code")) {
        return Err(gateway_error(
            api,
            status,
            Some(code),
            first_text(o, MESSAGE_KEYS),
            request_id(Some(o)),
        ));
    }
    let business = |o: &Map, code: Option<String>| {
        let message = first_text(o, MESSAGE_KEYS);
        let mut text = format!("{} was refused", shown(api));
        push_quoted(&mut text, " (", code.as_deref());
        if code.is_some() {
            text.push(')');
        }
        push_quoted(&mut text, ": ", message.as_deref());
        let refused =
            id_strings(o.get("cantPayOrderList").or_else(|| o.get("payFailureOrderList")));
        if !refused.is_empty() {
            text.push_str("; orders refused: ");
            text.push_str(&quote_server(
                &refused.iter().map(String::as_str).collect::<Vec<_>>().join(", "),
            ));
        }
        text.push_str(business_hint(code.as_deref(), message.as_deref()));
        let gateway_message = message.as_deref().map(quote_server);
        with_detail(
            ErrorCode::BusinessError,
            text,
            GatewayDetail {
                gateway_code: code,
                http_status: Some(status),
                retryable: false,
                request_id: request_id(Some(o)),
                gateway_message,
            },
        )
    };
    let success = flag(o.get("success"));
    let code = first_text(o, &["errorCode", "error_code"]);
    if success == Some(false) || (success.is_none() && code.is_some()) {
        return Err(business(o, code.or_else(|| text_of(o.get("code")))));
    }
    if let Some(Value::Object(r)) = o.get("result") {
        if flag(r.get("success")) == Some(false) {
            return Err(business(r, first_text(r, &["code", "errorCode"])));
        }
    }
    Ok(())
}

/// What to do about the business errors gateway-1688.md §4 documents.
fn business_hint(code: Option<&str>, message: Option<&str>) -> &'static str {
    let says = |needle: &str| {
        code.is_some_and(|c| find(c, needle).is_some())
            || message.is_some_and(|m| find(m, needle).is_some())
    };
    match code {
        Some("400_4") => "; none of these orders can be paid by KJB",
        Some("500_2") => "; the access token belongs to a sub-account: have the buyer's main account authorise the app and use its token",
        _ if says("MANUAL-TRADE") => "; a manually created (MANUAL-TRADE) order cannot be paid in a batch: pay it on its own",
        _ if says("PRODUCT_TRADE_STAT_ERROR") => "; 1688 could not reserve the stock of an order (PRODUCT_TRADE_STAT_ERROR): check the orders on 1688",
        _ => "",
    }
}

fn unexpected(api: &str, status: u16, why: &str) -> KjbError {
    with_detail(
        ErrorCode::GatewayError,
        format!("the answer of {} is not what kjb expects: {why}", shown(api)),
        GatewayDetail { http_status: Some(status), ..GatewayDetail::default() },
    )
}

/// Where an answer's fields are: at the top, or inside a `result` wrapper.
fn field<'v>(o: &'v Map, key: &str) -> Option<&'v Value> {
    o.get(key).filter(|v| !v.is_null()).or_else(|| {
        o.get("result").and_then(Value::as_object).and_then(|r| r.get(key)).filter(|v| !v.is_null())
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PayUrlOut {
    pay_url: Option<String>,
    refused: Vec<String>,
}

fn pay_url(api: &str, status: u16, o: &Map) -> Result<String> {
    let url =
        field(o, "payUrl").and_then(|v| v.as_str()).filter(|s| !s.is_empty()).map(str::to_string);
    let refused =
        id_strings(field(o, "cantPayOrderList").or_else(|| field(o, "payFailureOrderList")));
    if url.is_none() && refused.is_empty() {
        return Err(unexpected(api, status, "it has neither payUrl nor refused orders"));
    }
    crate::json::to_json(&PayUrlOut { pay_url: url, refused })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PayWayOut {
    order_id: Option<String>,
    /// CNY, 2 decimals (the contract's money format).
    pay_fee: Option<String>,
    /// The same amount in fen, as 1688 sends it.
    pay_fee_fen: Option<String>,
    /// As 1688 sends it (written: trees print without serde).
    #[serde(skip_serializing_if = "Option::is_none")]
    timeout: Option<Fragment<'static>>,
    channels: Vec<Channel>,
    kjb: bool,
}

#[derive(Serialize)]
struct Channel {
    /// A number, a string or null (written).
    code: Fragment<'static>,
    name: Option<String>,
}

/// A tree as an answer's field.
fn written(v: &Value) -> Fragment<'static> {
    Fragment(Cow::Owned(json::value_to_json(v)))
}

/// Channel codes that mean 跨境宝.
const KJB_CHANNELS: [u64; 2] = [16, 20];

fn pay_way(api: &str, status: u16, o: &Map) -> Result<String> {
    let row = match field(o, "resultList") {
        Some(Value::Object(r)) => r,
        Some(Value::Array(a)) => match a.first() {
            Some(Value::Object(r)) => r,
            _ => return Err(unexpected(api, status, "resultList is empty")),
        },
        _ => return Err(unexpected(api, status, "it has no resultList")),
    };
    let (pay_fee, pay_fee_fen) = match text_of(row.get("payFee")) {
        None => (None, None),
        Some(fen) => {
            let n = money::digits_id(&fen)
                .ok()
                .or((fen == "0").then_some(0))
                .and_then(|n| i64::try_from(n).ok());
            let Some(n) = n else {
                return Err(unexpected(
                    api,
                    status,
                    &format!("payFee {} is not a whole number of fen", quote_server(&fen)),
                ));
            };
            (Some(money::fmt_cny(Decimal::new(n, 2))), Some(fen))
        }
    };
    let list: &[Value] = match row.get("channels") {
        Some(Value::Array(a)) => a,
        _ => &[],
    };
    let mut channels = Vec::with_capacity(list.len());
    let mut kjb = false;
    for c in list {
        let Some(c) = c.as_object() else { continue };
        let code = match c.get("code") {
            Some(Value::Number(n)) => Value::Number(n.clone()),
            // A code sent as digits becomes a number, but only a safe one: the answer was read
            // with every integer above 2^53 − 1 as a string, and turning it back into a number
            // would hand JS a rounded value.
            Some(Value::String(s)) => match s.parse::<u64>() {
                Ok(n) if n <= money::MAX_SAFE_INTEGER && s.bytes().all(|b| b.is_ascii_digit()) => {
                    Value::from(n)
                }
                _ => Value::String(s.clone()),
            },
            _ => Value::Null,
        };
        kjb |= code.as_u64().is_some_and(|n| KJB_CHANNELS.contains(&n));
        channels.push(Channel {
            code: written(&code),
            name: c.get("name").and_then(Value::as_str).map(str::to_string),
        });
    }
    crate::json::to_json(&PayWayOut {
        order_id: text_of(row.get("orderId")),
        pay_fee,
        pay_fee_fen,
        timeout: row.get("timeout").filter(|v| !v.is_null()).map(written),
        channels,
        kjb,
    })
}

fn status_code(raw: Raw<'_>) -> Result<u16> {
    let t = raw.get().trim();
    let s = t.strip_prefix('"').and_then(|s| s.strip_suffix('"')).unwrap_or(t);
    match s.parse::<u16>() {
        Ok(n) if (100..=599).contains(&n) => Ok(n),
        _ => Err(KjbError::at(
            ErrorCode::InvalidInput,
            "status",
            format!(
                "status must be the HTTP status code (response.status), 100–599; got {}",
                money::clip(t)
            ),
        )),
    }
}

/// `parseResponse({api, status, body})`.
pub(crate) fn parse_response_json(input: &str) -> Result<String> {
    let w: ResponseWire<'_> = json::parse(input)?;
    let status = status_code(w.status)?;
    if api::split_name(&w.api).1.is_empty() {
        return Err(KjbError::at(
            ErrorCode::InvalidInput,
            "api",
            "api must be the name of the API that was called",
        ));
    }
    let body = super::creds::json_str(w.body).ok_or_else(|| {
        KjbError::at(
            ErrorCode::InvalidInput,
            "body",
            format!(
                "body must be the raw response text (await response.text()); got {}",
                kind(w.body)
            ),
        )
    })?;
    parse(&w.api, status, &body)
}

/// The caller's API name as a message quotes it: any name 1688 has fits, escaped as
/// [`crate::text::clip`] escapes user text.
pub(crate) fn shown(api: &str) -> String {
    crate::text::clip_to(api, 120)
}

/// Reads one answer of `api`.
pub(crate) fn parse(api: &str, status: u16, body: &str) -> Result<String> {
    let value = checked(api, status, body)?;
    let answer = api::find(api::split_name(api).1).map_or(Answer::Decoded, |s| s.answer);
    if let Answer::Shaped(shape) = answer {
        return super::answers::shape(shape, api, status, value);
    }
    match (answer, value.as_object()) {
        (Answer::Decoded, _) => Ok(json::value_to_json(&value)),
        (Answer::PayUrl, Some(o)) => pay_url(api, status, o),
        (Answer::PayWay, Some(o)) => pay_way(api, status, o),
        (Answer::Shaped(_), _) | (_, None) => {
            Err(unexpected(api, status, "it is not a JSON object"))
        }
    }
}

/// An answer of an API kjb shapes (buyerView, getBuyerOrderList, …) as the tree [`parse`]
/// would print: for a caller that reads it on, without printing and reading it again.
pub(crate) fn parse_shaped(api: &str, status: u16, body: &str) -> Result<Value> {
    let value = checked(api, status, body)?;
    match api::find(api::split_name(api).1).map(|s| s.answer) {
        Some(Answer::Shaped(shape)) => super::answers::shape_tree(shape, api, status, value),
        _ => Err(KjbError::internal(format!("{} has no shaped answer", shown(api)))),
    }
}

/// The answer's tree (ids quoted), after the checks every answer gets: HTTP status, gateway
/// and business errors.
fn checked(api: &str, status: u16, body: &str) -> Result<Value> {
    let text = json::strip_bom(body).trim();
    let looks_json = text.starts_with('{') || text.starts_with('[');
    // One read builds the tree with ids (and, for shaped answers, money) held as strings of
    // their digits. A repeated key or too deep a nesting is the caller's to see (INVALID_JSON
    // at `body`), wherever it is in the body; any other failure, a number no float holds
    // (`1E400`) included, is a body kjb cannot read, not a bug.
    let value = if looks_json {
        let numbers = match api::find(api::split_name(api).1).map(|s| s.answer) {
            Some(Answer::Shaped(shape)) => Numbers::QuoteIdsAnd(shape.money_keys()),
            _ => Numbers::QuoteIds,
        };
        match json::read_value(text, &|key, n| numbers.quotes(key, n)) {
            Ok(value) => Some(value),
            Err(Unread::Policy(e)) => return Err(e.under("body")),
            Err(Unread::Read(_)) => None,
        }
    } else {
        None
    };
    let Some(value) = value else {
        let what = if text.is_empty() {
            "an empty body".to_string()
        } else if looks_json {
            format!("a body that is not valid JSON: \"{}\"", quote_server(text))
        } else {
            format!("a body that is not a JSON object: \"{}\"", quote_server(text))
        };
        if status >= 400 {
            return Err(gateway_error(api, status, None, Some(what), None));
        }
        return Err(with_detail(
            ErrorCode::GatewayError,
            format!("{} answered HTTP {status} with {what}", shown(api)),
            GatewayDetail { http_status: Some(status), ..GatewayDetail::default() },
        ));
    };
    if status >= 400 {
        let o = value.as_object();
        let code = o.and_then(|o| first_text(o, &["error_code", "errorCode", "code"]));
        let message = o.and_then(|o| first_text(o, MESSAGE_KEYS));
        return Err(gateway_error(api, status, code, message, request_id(o)));
    }
    if !(200..300).contains(&status) {
        return Err(gateway_error(api, status, None, Some("unexpected HTTP status".into()), None));
    }
    check(api, status, &value)?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use serde_json::{json, Map, Value};

    const CBP: &str = "alibaba.crossBorderPay.url.get";

    proptest::proptest! {
        /// A text list of refused ids is cut where `str::split` at its separators cuts it.
        #[test]
        fn refused_ids_in_text_are_cut_at_the_separators(s in "[0-9a, \\[\\]\"\u{4e2d}]{0,24}") {
            let want: Vec<String> = s
                .split([',', ' ', '[', ']', '"'])
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect();
            proptest::prop_assert_eq!(id_strings(Some(&crate::json::Value::String(s.clone()))), want);
        }
    }

    fn ok(api: &str, body: &str) -> Value {
        serde_json::from_str(&parse(api, 200, body).unwrap()).unwrap()
    }

    fn err(api: &str, status: u16, body: &str) -> KjbError {
        parse(api, status, body).unwrap_err()
    }

    #[test]
    fn url_answers_keep_19_digit_ids() {
        let v = ok(
            CBP,
            r#"{"success":"true","payUrl":"https://pay.1688.com/x?a=1","cantPayOrderList":[3535260697417660107,3535260697417660108]}"#,
        );
        assert_eq!(v["payUrl"], "https://pay.1688.com/x?a=1");
        assert_eq!(v["refused"], serde_json::json!(["3535260697417660107", "3535260697417660108"]));
        let v = ok(
            "alibaba.alipay.url.get",
            r#"{"success":true,"payUrl":"u","payFailureOrderList":{}}"#,
        );
        assert_eq!(v["refused"], serde_json::json!([]));
        let v = ok(CBP, r#"{"success":true,"payUrl":"u","cantPayOrderList":null}"#);
        assert_eq!(v["refused"], serde_json::json!([]));
        let v =
            ok(CBP, "\u{feff} {\"success\":true,\"cantPayOrderList\":\"3535260697417660107,5\"}\n");
        assert_eq!(v["payUrl"], Value::Null);
        assert_eq!(v["refused"], serde_json::json!(["3535260697417660107", "5"]));
        let v = ok(
            "com.alibaba.trade:alibaba.creditPay.url.get",
            r#"{"result":{"success":true,"payUrl":"u"}}"#,
        );
        assert_eq!(v["payUrl"], "u");
        assert_eq!(err(CBP, 200, r#"{"success":true}"#).code, ErrorCode::GatewayError);
    }

    #[test]
    fn integers_no_float_holds_come_back_as_their_digits() {
        let big = format!("1{}", "0".repeat(400));
        let v = ok("x.y", &format!("[{big}]"));
        assert_eq!(v, serde_json::json!([big]));
        let e = err("x.y", 200, r#"{"rate":1E400}"#);
        assert_eq!(e.code, ErrorCode::GatewayError);
    }

    #[test]
    fn business_errors() {
        let e = err(
            CBP,
            200,
            r#"{"success":"false","errorCode":"400_4","errorMsg":"no order","cantPayOrderList":[3535260697417660107]}"#,
        );
        assert_eq!(e.code, ErrorCode::BusinessError);
        let g = e.gateway.as_ref().unwrap();
        assert_eq!(
            (g.gateway_code.as_deref(), g.http_status, g.retryable),
            (Some("400_4"), Some(200), false)
        );
        assert!(
            e.message.contains("no order") && e.message.contains("3535260697417660107"),
            "{}",
            e.message
        );
        let e = err(
            "alibaba.alipay.url.get",
            200,
            r#"{"success":false,"errorCode":"E1","erroMsg":"sic"}"#,
        );
        assert!(e.message.contains("sic"));
        let e = err("x.y", 200, r#"{"errorCode":"E2","errorMessage":"bare"}"#);
        assert_eq!(
            (e.code, e.gateway.unwrap().gateway_code.as_deref()),
            (ErrorCode::BusinessError, Some("E2"))
        );
        let e = err(
            "alibaba.trade.pay.protocolPay.preparePay",
            200,
            r#"{"result":{"success":false,"code":"PAY_FAIL","message":"m"}}"#,
        );
        assert_eq!(
            (e.code, e.gateway.unwrap().gateway_code.as_deref()),
            (ErrorCode::BusinessError, Some("PAY_FAIL"))
        );
    }

    /// Every code of gateway-1688.md §4, as the live gateway sends it.
    #[test]
    fn every_gateway_code_is_classified() {
        struct Case {
            status: u16,
            body: &'static str,
            code: ErrorCode,
            gateway_code: Option<&'static str>,
            retryable: bool,
            says: &'static [&'static str],
        }
        let cases = [
            Case {
                status: 400,
                body: r#"{"error_code":"gw.QosAppFrequencyLimit","error_message":"App call exceeds limited frequency","request_id":"r1"}"#,
                code: ErrorCode::GatewayError,
                gateway_code: Some("gw.QosAppFrequencyLimit"),
                retryable: true,
                says: &["App call exceeds limited frequency", "back-off", "qps"],
            },
            Case {
                status: 400,
                body: r#"{"error_code":"gw.QosRequestLimit","error_message":"too fast"}"#,
                code: ErrorCode::GatewayError,
                gateway_code: Some("gw.QosRequestLimit"),
                retryable: true,
                says: &["back-off"],
            },
            Case {
                status: 429,
                body: "",
                code: ErrorCode::GatewayError,
                gateway_code: None,
                retryable: true,
                says: &["HTTP 429", "back-off"],
            },
            Case {
                status: 429,
                body: "Too Many Requests",
                code: ErrorCode::GatewayError,
                gateway_code: None,
                retryable: true,
                says: &["back-off"],
            },
            Case {
                status: 401,
                body: r#"{"error_code":"401","error_message":"Request need user authorized","request_id":"r2"}"#,
                code: ErrorCode::TokenExpired,
                gateway_code: Some("401"),
                retryable: false,
                says: &["Request need user authorized", "refresh", "authorise"],
            },
            Case {
                status: 401,
                body: "Request need user authorized",
                code: ErrorCode::TokenExpired,
                gateway_code: Some("401"),
                retryable: false,
                says: &["refresh"],
            },
            Case {
                status: 400,
                body: r#"{"error_code":"gw.SignatureInvalid","error_message":"Signature invalid"}"#,
                code: ErrorCode::GatewayError,
                gateway_code: Some("gw.SignatureInvalid"),
                retryable: false,
                says: &["appSecret", "will not help"],
            },
            Case {
                status: 400,
                body: r#"{"error_code":"gw.APIACLDecline","error_message":"AppKey is not allowed(acl)"}"#,
                code: ErrorCode::GatewayError,
                gateway_code: Some("gw.APIACLDecline"),
                retryable: false,
                says: &["AppKey is not allowed(acl)", "subscribe the solution", "permission"],
            },
            Case {
                status: 400,
                body: r#"{"error_code":"gw.APIUnsupported","error_message":"API unsupported"}"#,
                code: ErrorCode::GatewayError,
                gateway_code: Some("gw.APIUnsupported"),
                retryable: false,
                says: &["api name", "version"],
            },
            Case {
                status: 400,
                body: r#"{"error_code":"gw.ParamMissing","error_message":"Required argument orderIdList is missing"}"#,
                code: ErrorCode::GatewayError,
                gateway_code: Some("gw.ParamMissing"),
                retryable: false,
                says: &["add the required parameter orderIdList"],
            },
            Case {
                status: 400,
                body: r#"{"error_code":"gw.ParamMissing","error_message":"Required argument: 'webSite'"}"#,
                code: ErrorCode::GatewayError,
                gateway_code: Some("gw.ParamMissing"),
                retryable: false,
                says: &["parameter webSite"],
            },
            Case {
                status: 400,
                body: r#"{"error_code":"gw.NoUsageLeftError","error_message":"SLA bill has no usage left"}"#,
                code: ErrorCode::GatewayError,
                gateway_code: Some("gw.NoUsageLeftError"),
                retryable: false,
                says: &["SLA bill has no usage left", "paid call quota is used up"],
            },
            Case {
                status: 400,
                body: r#"{"error_code":"gw.AppKeyNotFound","error_message":"appKey not found"}"#,
                code: ErrorCode::GatewayError,
                gateway_code: Some("gw.AppKeyNotFound"),
                retryable: false,
                says: &["check appKey"],
            },
            Case {
                status: 502,
                body: "<html><body>Bad Gateway</body></html>",
                code: ErrorCode::GatewayError,
                gateway_code: None,
                retryable: false,
                says: &["Bad Gateway", "try again later"],
            },
            Case {
                status: 503,
                body: "",
                code: ErrorCode::GatewayError,
                gateway_code: None,
                retryable: false,
                says: &["HTTP 503"],
            },
            Case {
                status: 500,
                body: r#"{"message":"internal"}"#,
                code: ErrorCode::GatewayError,
                gateway_code: None,
                retryable: false,
                says: &["internal", "try again later"],
            },
        ];
        for c in &cases {
            let e = err(CBP, c.status, c.body);
            let g = e.gateway.as_ref().unwrap();
            assert_eq!(
                (e.code, g.gateway_code.as_deref(), g.http_status, g.retryable),
                (c.code, c.gateway_code, Some(c.status), c.retryable),
                "{}: {e:?}",
                c.body
            );
            for s in c.says {
                assert!(e.message.contains(s), "{}: {:?} lacks {s:?}", c.body, e.message);
            }
        }
        // The JSON the JS layer rebuilds its KjbError from.
        let e =
            err(CBP, 401, r#"{"error_code":"401","error_message":"Request need user authorized"}"#);
        let v: Value = serde_json::from_str(&e.to_json()).unwrap();
        assert_eq!(
            (
                v["code"].as_str(),
                v["gatewayCode"].as_str(),
                v["httpStatus"].as_u64(),
                v["retryable"].as_bool()
            ),
            (Some("TOKEN_EXPIRED"), Some("401"), Some(401), Some(false))
        );
        assert_eq!(v["gatewayMessage"], "Request need user authorized");
        let e = err(
            CBP,
            400,
            r#"{"error_code":"gw.QosAppFrequencyLimit","error_message":"App call exceeds limited frequency","request_id":"r1"}"#,
        );
        assert_eq!(e.gateway.as_ref().unwrap().request_id.as_deref(), Some("r1"));
        assert!(
            !err(CBP, 401, r#"{"error_code":"gw.SignatureInvalid","error_message":"bad sig"}"#)
                .gateway
                .unwrap()
                .retryable
        );
        let e = err(CBP, 200, r#"{"error_code":"gw.APIACLDecline"}"#);
        assert_eq!(e.gateway.unwrap().http_status, Some(200));
        for body in ["", "   ", "<html>", "null", "{\"a\":", "\u{0}"] {
            let e = err(CBP, 200, body);
            assert_eq!(e.code, ErrorCode::GatewayError, "{body:?}");
        }
        assert_eq!(err(CBP, 302, "{}").code, ErrorCode::GatewayError);
        assert_eq!(err(CBP, 200, r#"{"a":1,"a":2}"#).code, ErrorCode::InvalidJson);
    }

    /// The business errors §4 documents: never retried, with the gateway's own words kept.
    #[test]
    fn documented_business_errors() {
        let cases = [
            (
                "alibaba.alipay.url.get",
                r#"{"success":false,"errorCode":"Batch pay : not surport MANUAL-TRADE!","erroMsg":"Batch pay : not surport MANUAL-TRADE!"}"#,
                "Batch pay : not surport MANUAL-TRADE!",
                "MANUAL-TRADE",
            ),
            (
                "alibaba.alipay.url.get",
                r#"{"success":false,"errorCode":"操作库存失败:PRODUCT_TRADE_STAT_ERROR","erroMsg":"操作库存失败:PRODUCT_TRADE_STAT_ERROR"}"#,
                "操作库存失败:PRODUCT_TRADE_STAT_ERROR",
                "stock",
            ),
            (
                CBP,
                r#"{"success":"false","errorCode":"400_4","errorMsg":"no order can pay"}"#,
                "no order can pay",
                "none of these orders",
            ),
            (
                "alibaba.trade.payWay.query",
                r#"{"success":false,"errorCode":"500_2","errorMsg":"sub account"}"#,
                "sub account",
                "main account",
            ),
        ];
        for (api, body, kept, says) in cases {
            let e = err(api, 200, body);
            let g = e.gateway.as_ref().unwrap();
            assert_eq!(
                (e.code, g.retryable, g.gateway_message.as_deref()),
                (ErrorCode::BusinessError, false, Some(kept)),
                "{body}"
            );
            assert!(e.message.contains(says), "{}", e.message);
        }
    }

    #[test]
    fn pay_way() {
        let v = ok(
            "alibaba.trade.payWay.query",
            r#"{"success":"true","resultList":{"orderId":3535260697417660107,"payFee":123456,"timeout":"2026-01-01 00:00:00","channels":[{"code":1,"name":"支付宝"},{"code":16,"name":"跨境宝"}]}}"#,
        );
        assert_eq!(v["orderId"], "3535260697417660107");
        assert_eq!(v["payFee"], "1234.56");
        assert_eq!(v["payFeeFen"], "123456");
        assert_eq!(v["kjb"], true);
        assert_eq!(v["channels"][1], serde_json::json!({"code":16,"name":"跨境宝"}));
        let v = ok(
            "alibaba.trade.payWay.query",
            r#"{"resultList":[{"orderId":"5","payFee":"7","channels":{}}]}"#,
        );
        assert_eq!((v["payFee"].as_str(), v["kjb"].as_bool()), (Some("0.07"), Some(false)));
        assert_eq!(v["channels"], serde_json::json!([]));
        let v = ok(
            "alibaba.trade.payWay.query",
            r#"{"resultList":{"orderId":"5","payFee":0,"channels":[{"code":"20","name":"k"}]}}"#,
        );
        assert_eq!((v["payFee"].as_str(), v["kjb"].as_bool()), (Some("0.00"), Some(true)));
        assert_eq!(
            err("alibaba.trade.payWay.query", 200, r#"{"resultList":{"payFee":12.5}}"#).code,
            ErrorCode::GatewayError
        );
        assert_eq!(
            err("alibaba.trade.payWay.query", 200, r#"{"success":true}"#).code,
            ErrorCode::GatewayError
        );
    }

    #[test]
    fn decoded_answers_have_string_ids() {
        let out = parse("alibaba.trade.get.buyerView", 200, r#"{"success":"true","result":{"baseInfo":{"id":3535260697417660107,"status":"waitbuyerpay","totalAmount":12.50,"buyerID":"b2b-1"}}}"#).unwrap();
        // Money as a CNY string (yuan on the wire), ids as strings (answers.rs shapes it).
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"success":"true","result":{"baseInfo":{"id":"3535260697417660107","status":"waitbuyerpay","totalAmount":"12.50","buyerID":"b2b-1"}}})
        );
        assert_eq!(
            parse("some.unknown.api", 200, "[1, 9007199254740993]").unwrap(),
            "[1,\"9007199254740993\"]"
        );
    }

    /// Found by `cargo fuzz run gateway_parse`: a channel code above 2^53 − 1 (read as a
    /// string, as every such integer is) was parsed back into a JSON number, which JS
    /// would round.
    #[test]
    fn pay_way_channel_codes_above_2_53_stay_strings() {
        for code in ["17308602676620779810", "\"17308602676620779810\"", "9007199254740992"] {
            let body = format!(
                r#"{{"resultList":{{"orderId":"5","payFee":1,"channels":[{{"code":{code},"name":"x"}},{{"code":"16","name":"k"}}]}}}}"#
            );
            let out = parse("alibaba.trade.payWay.query", 200, &body).unwrap();
            let v: Value = serde_json::from_str(&out).unwrap();
            assert_eq!(v["channels"][0]["code"], code.trim_matches('"'), "{out}");
            assert_eq!(v["channels"][1]["code"], 16);
            assert_eq!(v["kjb"], true);
        }
        let v: Value = serde_json::from_str(
            &parse(
                "alibaba.trade.payWay.query",
                200,
                r#"{"resultList":{"channels":[{"code":"+16"},{"code":9007199254740991}]}}"#,
            )
            .unwrap(),
        )
        .unwrap();
        assert_eq!(
            v["channels"],
            serde_json::json!([{"code": "+16", "name": null}, {"code": 9007199254740991u64, "name": null}])
        );
    }

    /// Found by `cargo fuzz run gateway_parse`: a number that no float holds was once
    /// reported as an INTERNAL error (a kjb bug); it is a body kjb cannot read.
    #[test]
    fn numbers_out_of_float_range_are_a_bad_body_not_a_bug() {
        for (status, body) in [
            (200, r#"{"success":true,"payUrl":"u","x":1E400}"#),
            (117, r#"{"a":[1E400]}"#),
            (503, "[-1e999]"),
        ] {
            let e = err(CBP, status, body);
            assert_eq!(e.code, ErrorCode::GatewayError, "{body}: {e:?}");
            assert_eq!(e.gateway.as_ref().and_then(|g| g.http_status), Some(status));
            assert!(e.message.contains("not valid JSON"), "{}", e.message);
        }
        // Large but finite numbers are read (and integers above 2^53 quoted).
        assert_eq!(
            parse("x.y", 200, "[1E300,123456789012345678901234567890]").unwrap(),
            "[1E300,\"123456789012345678901234567890\"]"
        );
    }

    /// Nesting is bounded by the reader, which stops at 64 levels, so its recursion is too:
    /// 100,000 levels are an INVALID_JSON error, not a stack overflow, at every status.
    #[test]
    fn deep_bodies_are_refused_without_recursion() {
        for body in [
            "[".repeat(100_000),
            "{\"a\":".repeat(100_000),
            format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000)),
        ] {
            for status in [200, 500] {
                let e = err(CBP, status, &body);
                assert_eq!(e.code, ErrorCode::InvalidJson, "{e:?}");
                assert_eq!(e.path.as_deref(), Some("body"));
                assert!(e.message.contains("deeper than 64"), "{}", e.message);
            }
        }
        let input =
            serde_json::json!({"api": CBP, "status": 200, "body": "[".repeat(100_000)}).to_string();
        assert_eq!(parse_response_json(&input).unwrap_err().code, ErrorCode::InvalidJson);
        // 64 levels are fine.
        let ok = format!("{}{}", "[".repeat(64), "]".repeat(64));
        assert_eq!(parse("x.y", 200, &ok).unwrap(), ok);
    }

    #[test]
    fn input_shape() {
        let e = parse_response_json(r#"{"api":"x","status":0,"body":""}"#).unwrap_err();
        assert_eq!(e.path.as_deref(), Some("status"));
        let e = parse_response_json(r#"{"api":"x","status":200,"body":{"a":1}}"#).unwrap_err();
        assert_eq!(e.path.as_deref(), Some("body"));
        let v: Value = serde_json::from_str(&parse_response_json(r#"{"api":"alibaba.crossBorderPay.url.get","status":200,"body":"{\"success\":true,\"payUrl\":\"u\",\"cantPayOrderList\":[3535260697417660107]}"}"#).unwrap()).unwrap();
        assert_eq!(v["refused"][0], "3535260697417660107");
    }

    #[test]
    fn the_api_name_is_quoted_visibly_and_bounded() {
        // 1688's own names are quoted whole, however long.
        let long = "com.alibaba.trade:alibaba.trade.getBuyerOrderList-1";
        let e = parse(long, 500, "oops").unwrap_err();
        assert!(e.message.contains(long), "{}", e.message);
        // The caller's text is not: a bidi override is escaped, a huge name cut.
        let e = parse("x\u{202e}y", 500, "oops").unwrap_err();
        assert!(e.message.contains(r"x\u{202e}y"), "{}", e.message);
        assert!(!e.message.contains('\u{202e}'), "{}", e.message);
        let huge = "a".repeat(100_000);
        let e = parse(&huge, 500, "oops").unwrap_err();
        assert!(e.message.len() < 400, "{}", e.message.len());
        let e = parse(&huge, 200, r#"{"error_code":"gw.X","error_message":"m"}"#).unwrap_err();
        assert!(e.message.len() < 400, "{}", e.message.len());
        // 1688's own words: control characters blanked, hidden ones escaped.
        let body = "{\"error_code\":\"gw.X\",\"error_message\":\"a\\u202eb\\nc\"}";
        let e = parse("x.y", 400, body).unwrap_err();
        assert!(e.message.contains(r"a\u{202e}b c"), "{}", e.message);
    }
}
