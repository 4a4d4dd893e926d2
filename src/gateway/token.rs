//! OAuth tokens (gateway-1688.md §6): reading `system.oauth2/getToken`'s answer (`parseToken`)
//! and building the token requests, whose body carries `client_secret` by 1688's design.
//!
//! Sans-IO: the current time comes in as an input (`now`, ms since the epoch) and the request
//! body goes out as text for the JS layer to hand to `fetch`. The body is written into one
//! buffer sized exactly up front and wiped on drop (`Zeroizing`), so no copy of the secret is
//! left in wasm memory by this code.

use super::creds::{self, json_str, kind};
use super::form;
use super::ids::Numbers;
use super::request;
use super::response;
use super::sign::Secret;
use crate::error::{ErrorCode, GatewayDetail, KjbError, Result};
use crate::json;
use crate::json::Raw;
use crate::json::{Map, Value};
use crate::money::clip;
use crate::time::{civil_from_days, days_from_civil, days_in_month};
use serde::Deserialize;
use std::borrow::Cow;
use zeroize::Zeroizing;

const GET_TOKEN: &str = "system.oauth2/getToken";
const POSTPONE_TOKEN: &str = "system.oauth2/postponeToken";
/// The latest time kept (9999-12-31T23:59:59.999Z), so every date prints with 4 year digits.
const MAX_MS: i64 = 253_402_300_799_999;

fn invalid(path: &str, message: String) -> KjbError {
    KjbError::at(ErrorCode::InvalidInput, path, message)
}

// ---- dates ----------------------------------------------------------------------------------

// Saturating arithmetic throughout: every value is range-checked before it gets here, and the
// crate denies operators that could overflow.

/// `2026-11-27T10:00:00.000Z` for a time in ms since the epoch (clamped to 0 ..= [`MAX_MS`]).
pub(crate) fn iso_utc(ms: i64) -> String {
    let ms = ms.clamp(0, MAX_MS);
    let (days, rest) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
    let (y, m, d) = civil_from_days(days);
    let (h, mi, s, milli) = (
        rest.div_euclid(3_600_000),
        rest.div_euclid(60_000).rem_euclid(60),
        rest.div_euclid(1000).rem_euclid(60),
        rest.rem_euclid(1000),
    );
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{milli:03}Z")
}

fn num(s: &str) -> Option<i64> {
    s.parse::<i64>().ok()
}

/// 1688's `yyyyMMddHHmmss+0800` or `yyyyMMddHHmmssSSS+0800` (any `±hhmm` offset) → ms since the
/// epoch, UTC; `None` for anything else.
pub(crate) fn parse_1688_time(s: &str) -> Option<i64> {
    let split = s.len().checked_sub(5)?;
    let (stamp, zone) = (s.get(..split)?, s.get(split..)?);
    if !(stamp.len() == 14 || stamp.len() == 17) || !stamp.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sign = match zone.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let zone = zone.get(1..)?;
    if !zone.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (zh, zm) = (num(zone.get(..2)?)?, num(zone.get(2..)?)?);
    let field = |a: usize, b: usize| stamp.get(a..b).and_then(num);
    let (y, mo, d, h, mi, sec) =
        (field(0, 4)?, field(4, 6)?, field(6, 8)?, field(8, 10)?, field(10, 12)?, field(12, 14)?);
    let milli = if stamp.len() == 17 { field(14, 17)? } else { 0 };
    if !(1970..=9999).contains(&y)
        || !(1..=12).contains(&mo)
        || d < 1
        || d > days_in_month(y, mo)
        || h > 23
        || mi > 59
        || sec > 59
        || zh > 14
        || zm > 59
    {
        return None;
    }
    let local = days_from_civil(y, mo, d)
        .saturating_mul(86_400_000)
        .saturating_add(h.saturating_mul(3_600_000))
        .saturating_add(mi.saturating_mul(60_000))
        .saturating_add(sec.saturating_mul(1000))
        .saturating_add(milli);
    let offset = zh.saturating_mul(3_600_000).saturating_add(zm.saturating_mul(60_000));
    let ms = if sign > 0 { local.saturating_sub(offset) } else { local.saturating_add(offset) };
    (0..=MAX_MS).contains(&ms).then_some(ms)
}

// ---- parseToken -----------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenWire<'a> {
    #[serde(default, borrow)]
    text: Option<Raw<'a>>,
    #[serde(default, borrow)]
    now: Option<Raw<'a>>,
    #[serde(default, borrow)]
    status: Option<Raw<'a>>,
}

#[inline(never)]
fn text_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A refusal of the token endpoint, in either of its shapes: the OAuth `{error,
/// error_description}` or the gateway's `{error_code, error_message}`.
fn refusal(o: &Map, status: Option<u16>) -> Option<KjbError> {
    if let Some(code) = text_of(o.get("error_code")) {
        let message =
            text_of(o.get("error_message")).or_else(|| text_of(o.get("error_description")));
        let mut e = response::gateway_error(
            GET_TOKEN,
            status.unwrap_or(400),
            Some(code),
            message,
            text_of(o.get("request_id")),
        );
        if status.is_none() {
            if let Some(g) = e.gateway.as_mut() {
                g.http_status = None;
            }
        }
        return Some(e);
    }
    let code = text_of(o.get("error"))?;
    let description = text_of(o.get("error_description"));
    let mut message = format!("1688 refused the token request ({})", clip(&code));
    if let Some(d) = &description {
        message.push_str(": ");
        message.push_str(&clip(d));
    }
    message.push_str(match code.as_str() {
        "invalid_grant" => "; an authorisation code works once and for about 2 minutes, a refresh token for about 6 months: have the buyer authorise the app again",
        "invalid_client" | "unauthorized_client" => "; check appKey and appSecret",
        _ => "",
    });
    let mut e = KjbError::new(ErrorCode::GatewayError, message);
    e.gateway = Some(Box::new(GatewayDetail {
        gateway_code: Some(code),
        http_status: status,
        retryable: false,
        request_id: None,
        gateway_message: description.map(|d| clip(&d)),
    }));
    Some(e)
}

/// Seconds in `expires_in`: a string of digits (as 1688 sends it) or a whole number.
fn seconds(v: &Value) -> Option<i64> {
    let n = match v {
        Value::String(s)
            if !s.is_empty() && s.len() <= 12 && s.bytes().all(|b| b.is_ascii_digit()) =>
        {
            s.parse::<i64>().ok()?
        }
        Value::Number(n) => n.as_i64()?,
        _ => return None,
    };
    (0..=1_000_000_000_000).contains(&n).then_some(n)
}

/// Reads a getToken answer `text` received at `now` (ms since the epoch).
pub(crate) fn parse_token(text: &str, now: i64, status: Option<u16>) -> Result<String> {
    let body = json::strip_bom(text).trim();
    let looks_json = body.starts_with('{');
    let value = if looks_json {
        // Ids (aliId can pass 2^53) are read as strings, as parseResponse reads them.
        match json::read_value(body, &|key, n| Numbers::QuoteIds.quotes(key, n)) {
            Ok(value) => Some(value),
            Err(json::Unread::Policy(e)) => return Err(e.under("text")),
            Err(json::Unread::Read(_)) => None,
        }
    } else {
        None
    };
    let Some(Value::Object(o)) = value else {
        if let Some(s) = status.filter(|s| *s >= 400) {
            return Err(response::gateway_error(
                GET_TOKEN,
                s,
                None,
                Some(format!("a body that is not a JSON object: \"{}\"", clip(body))),
                None,
            ));
        }
        let what =
            if body.is_empty() { "empty".to_string() } else { format!("\"{}\"", clip(body)) };
        return Err(invalid("text", format!("parseToken() takes the raw text of a system.oauth2/getToken answer (await response.text()), a JSON object; got {what}")));
    };
    if let Some(e) = refusal(&o, status) {
        return Err(e);
    }
    if let Some(s) = status.filter(|s| !(200..300).contains(s)) {
        return Err(response::gateway_error(GET_TOKEN, s, None, None, None));
    }
    let access = match o.get("access_token") {
        Some(Value::String(s)) if !s.is_empty() && s.trim() == s => s.clone(),
        Some(_) => return Err(invalid("text.access_token", "access_token of the getToken answer must be a non-empty string".into())),
        None => return Err(invalid("text.access_token", "the getToken answer has no access_token: pass the raw text of system.oauth2/getToken's answer".into())),
    };
    let expires_in = match o.get("expires_in") {
        Some(v) => seconds(v).ok_or_else(|| {
            invalid(
                "text.expires_in",
                "expires_in must be the token's lifetime in seconds, e.g. \"36000\"".into(),
            )
        })?,
        None => {
            return Err(invalid(
                "text.expires_in",
                "the getToken answer has no expires_in (the token's lifetime in seconds)".into(),
            ))
        }
    };
    let refresh = match o.get("refresh_token") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.is_empty() => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            return Err(invalid(
                "text.refresh_token",
                "refresh_token of the getToken answer must be a string".into(),
            ))
        }
    };
    let refresh_expires = match o.get("refresh_token_timeout") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.is_empty() => None,
        Some(v) => {
            let t = text_of(Some(v)).unwrap_or_default();
            let ms = parse_1688_time(&t).ok_or_else(|| {
                invalid("text.refresh_token_timeout", format!("refresh_token_timeout must be a time like \"20270527103000+0800\" (yyyyMMddHHmmss, optionally SSS, and the offset); got \"{}\"", clip(&t)))
            })?;
            Some(iso_utc(ms))
        }
    };
    let expires_at = now.saturating_add(expires_in.saturating_mul(1000));
    // Written by hand (out::push_str escapes as to_json does): serialising a `Value` tree would
    // add serde's map writer to the wasm for one small answer.
    let mut out = String::with_capacity(
        access.len().saturating_add(refresh.as_ref().map_or(0, String::len)).saturating_add(256),
    );
    let mut field = |key: &str, value: Option<&str>| {
        out.push(if out.is_empty() { '{' } else { ',' });
        out.push('"');
        out.push_str(key);
        out.push_str("\":");
        match value {
            Some(v) => crate::text::push_str(&mut out, v),
            None => out.push_str("null"),
        }
    };
    field("accessToken", Some(&access));
    field("refreshToken", refresh.as_deref());
    field("expiresAt", Some(&iso_utc(expires_at)));
    field("refreshTokenExpiresAt", refresh_expires.as_deref());
    for (key, wire) in
        [("memberId", "memberId"), ("aliId", "aliId"), ("resourceOwner", "resource_owner")]
    {
        field(key, text_of(o.get(wire)).as_deref());
    }
    out.push('}');
    Ok(out)
}

/// `parseToken`: `{text, now, status?}`; `now` is ms since the epoch (JS `Date.now()`),
/// `status` the HTTP status when the JS layer made the call itself.
pub(crate) fn parse_token_json(input: &str) -> Result<String> {
    let w: TokenWire<'_> = json::parse(input)?;
    let text = w.text.and_then(json_str).ok_or_else(|| {
        let got = w.text.map_or("nothing", kind);
        invalid("text", format!("parseToken() takes the raw answer text of system.oauth2/getToken (a string); got {got}"))
    })?;
    let now = w
        .now
        .map(creds::token)
        .and_then(|t| t.parse::<i64>().ok())
        .filter(|n| (0..=MAX_MS).contains(n));
    let now = now.ok_or_else(|| {
        invalid("now", "now must be the current time in ms since the epoch (Date.now())".into())
    })?;
    let status = match w.status {
        None => None,
        Some(r) => match creds::token(r).parse::<u16>() {
            Ok(s) if (100..=599).contains(&s) => Some(s),
            _ => {
                return Err(invalid(
                    "status",
                    "status must be the HTTP status code of the answer, 100–599".into(),
                ))
            }
        },
    };
    parse_token(&text, now, status)
}

// ---- token requests (carry the secret) ------------------------------------------------------

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct GrantWire<'a> {
    #[serde(default, borrow)]
    grant: Option<Raw<'a>>,
    #[serde(default, borrow)]
    code: Option<Raw<'a>>,
    #[serde(default, borrow)]
    redirect_uri: Option<Raw<'a>>,
    #[serde(default, borrow)]
    refresh_token: Option<Raw<'a>>,
    #[serde(default, borrow)]
    access_token: Option<Raw<'a>>,
    #[serde(default, borrow)]
    base_url: Option<Raw<'a>>,
}

/// A non-empty string field, never quoted back (codes and tokens are credentials too).
fn credential<'a>(raw: Option<Raw<'a>>, path: &str, what: &str) -> Result<Cow<'a, str>> {
    let refuse = |why: &str| invalid(path, format!("{path} must be {what}; {why}"));
    let raw = raw.ok_or_else(|| refuse("it is missing"))?;
    let s = json_str(raw).ok_or_else(|| refuse(&format!("got {}", kind(raw))))?;
    if s.is_empty() || s.trim() != s.as_ref() || s.chars().any(char::is_control) {
        return Err(refuse("it is empty, has surrounding whitespace or control characters"));
    }
    Ok(s)
}

/// The token request `{grant, …}` as `{"url":…,"body":…}` JSON text: `grant` is
/// `"authorization_code"` (`code`, `redirectUri`), `"refresh_token"` (`refreshToken`) or
/// `"postpone"` (`refreshToken`, `accessToken`); `baseUrl` as for signRequest. The answer holds
/// the app secret: it is for `fetch` only.
pub(crate) fn request_json<'a>(
    secret: &'a Secret,
    app_key: &'a str,
    input: &'a str,
) -> Result<Zeroizing<String>> {
    let w: GrantWire<'a> = json::parse(input)?;
    let grant = w.grant.and_then(json_str).unwrap_or_default();
    let base = request::base_url(w.base_url)?;
    let secret = secret.as_text();
    let pair = |k: &'static str, v: Cow<'a, str>| (Cow::Borrowed(k), v);
    let (path, params) = match grant.as_ref() {
        "authorization_code" => {
            let code = credential(
                w.code,
                "code",
                "the code 1688 added to the redirect URI after the buyer authorised the app",
            )?;
            let uri = credential(
                w.redirect_uri,
                "redirectUri",
                "the redirect URI the authorisation used",
            )?;
            let head = [
                pair("grant_type", "authorization_code".into()),
                pair("need_refresh_token", "true".into()),
            ];
            (
                GET_TOKEN,
                head.into_iter()
                    .chain([
                        pair("client_id", app_key.into()),
                        pair("client_secret", secret.into()),
                        pair("redirect_uri", uri),
                        pair("code", code),
                    ])
                    .collect::<Vec<_>>(),
            )
        }
        "refresh_token" => {
            let refresh = credential(
                w.refresh_token,
                "refreshToken",
                "the refresh token 1688 issued with the access token",
            )?;
            (
                GET_TOKEN,
                vec![
                    pair("grant_type", "refresh_token".into()),
                    pair("client_id", app_key.into()),
                    pair("client_secret", secret.into()),
                    pair("refresh_token", refresh),
                ],
            )
        }
        "postpone" => {
            let refresh =
                credential(w.refresh_token, "refreshToken", "the refresh token to extend")?;
            let access = credential(w.access_token, "accessToken", "the current access token")?;
            (
                POSTPONE_TOKEN,
                vec![
                    pair("client_id", app_key.into()),
                    pair("client_secret", secret.into()),
                    pair("refresh_token", refresh),
                    pair("access_token", access),
                ],
            )
        }
        _ => {
            return Err(invalid(
                "grant",
                "grant must be \"authorization_code\", \"refresh_token\" or \"postpone\"".into(),
            ))
        }
    };
    // getToken lives under /openapi/http/, postponeToken under /openapi/param2/.
    let kind_path = if path == GET_TOKEN { "http/1/" } else { "param2/1/" };
    let url_path = [kind_path, path, "/", app_key].concat();
    // A `Prepared` call, so the body is written by the same code as a signed request's.
    let p = request::Prepared { base, url_path, params };
    let mut url_json = String::with_capacity(p.url().len().saturating_add(8));
    crate::text::push_str(&mut url_json, &p.url());
    // Sized exactly before the secret is written: the buffer never moves, so no unwiped copy
    // of the secret is left behind by a reallocation.
    let body_len = p.pairs().fold(0usize, |n, (k, v)| {
        n.saturating_add(form::encoded_len(k))
            .saturating_add(form::encoded_len(v))
            .saturating_add(1)
    });
    let mut out = Zeroizing::new(String::with_capacity(
        url_json.len().saturating_add(body_len).saturating_add(32),
    ));
    out.push_str("{\"url\":");
    out.push_str(&url_json);
    // A form-encoded body is only letters, digits, `*-._+%&=`: nothing JSON escapes.
    out.push_str(",\"body\":\"");
    form::encode_pairs_into(&mut out, p.pairs());
    out.push_str("\"}");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use serde_json::{json, Map, Value};

    const NOW: i64 = 1_764_237_600_000; // 2025-11-27T10:00:00.000Z

    fn token(text: &str) -> Value {
        serde_json::from_str(&parse_token(text, NOW, None).unwrap()).unwrap()
    }

    #[test]
    fn dates() {
        assert_eq!(iso_utc(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso_utc(NOW), "2025-11-27T10:00:00.000Z");
        assert_eq!(iso_utc(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(iso_utc(MAX_MS), "9999-12-31T23:59:59.999Z");
        for ms in [0, 1, 86_399_999, 951_782_400_000, NOW, 4_102_444_800_000, MAX_MS] {
            let (y, m, d) = civil_from_days(ms.div_euclid(86_400_000));
            assert_eq!(days_from_civil(y, m, d), ms.div_euclid(86_400_000));
        }
        assert_eq!(
            parse_1688_time("20260527183000+0800").map(iso_utc).as_deref(),
            Some("2026-05-27T10:30:00.000Z")
        );
        assert_eq!(
            parse_1688_time("20260527183000123+0800").map(iso_utc).as_deref(),
            Some("2026-05-27T10:30:00.123Z")
        );
        assert_eq!(
            parse_1688_time("20260101003000000+0800").map(iso_utc).as_deref(),
            Some("2025-12-31T16:30:00.000Z")
        );
        assert_eq!(
            parse_1688_time("20240229120000-0130").map(iso_utc).as_deref(),
            Some("2024-02-29T13:30:00.000Z")
        );
        for bad in [
            "",
            "2026",
            "20260527183000",
            "20260527183000+08",
            "2026052718300+0800",
            "20261327183000+0800",
            "20250229120000+0800",
            "20260527243000+0800",
            "2026052718300a+0800",
            "20260527183000 0800",
            "20260527183000+08a0",
            "+20260527183000+0800",
            "00000101000000+0800",
            "２０２６0527183000+0800",
        ] {
            assert_eq!(parse_1688_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn both_timeout_formats_and_expires_in_as_a_string() {
        let t = token(
            r#"{"aliId":"8888888888","resource_owner":"buyer01","memberId":"b2b-2200000000001a2b3","expires_in":"36000","access_token":"00000000-a","refresh_token":"00000000-r","refresh_token_timeout":"20260527183000+0800"}"#,
        );
        assert_eq!(
            t,
            serde_json::json!({"accessToken":"00000000-a","refreshToken":"00000000-r","expiresAt":"2025-11-27T20:00:00.000Z","refreshTokenExpiresAt":"2026-05-27T10:30:00.000Z","memberId":"b2b-2200000000001a2b3","aliId":"8888888888","resourceOwner":"buyer01"})
        );
        let t = token(
            r#"{"aliId":22111111111111111111,"resource_owner":"b","memberId":"m","expires_in":36000,"access_token":"a","refresh_token":"r","refresh_token_timeout":"20260527183000999+0800"}"#,
        );
        assert_eq!(
            (t["refreshTokenExpiresAt"].as_str(), t["expiresAt"].as_str(), t["aliId"].as_str()),
            (
                Some("2026-05-27T10:30:00.999Z"),
                Some("2025-11-27T20:00:00.000Z"),
                Some("22111111111111111111")
            )
        );
        // A long-lived token without a refresh token.
        let t = token("\u{feff}{\"access_token\":\"a\",\"expires_in\":\"0\"}");
        assert_eq!(
            (t["refreshToken"].clone(), t["refreshTokenExpiresAt"].clone(), t["memberId"].clone()),
            (Value::Null, Value::Null, Value::Null)
        );
    }

    #[test]
    fn refusals_and_hostile_answers_are_errors() {
        let e = parse_token(
            r#"{"error":"invalid_grant","error_description":"code is expired"}"#,
            NOW,
            Some(401),
        )
        .unwrap_err();
        let g = e.gateway.as_ref().unwrap();
        assert_eq!(
            (e.code, g.gateway_code.as_deref(), g.http_status, g.retryable),
            (ErrorCode::GatewayError, Some("invalid_grant"), Some(401), false)
        );
        assert!(
            e.message.contains("code is expired") && e.message.contains("authorise"),
            "{}",
            e.message
        );
        let e = parse_token(
            r#"{"error_code":"gw.AppKeyNotFound","error_message":"no app"}"#,
            NOW,
            None,
        )
        .unwrap_err();
        assert_eq!(
            (e.code, e.gateway.as_ref().unwrap().http_status),
            (ErrorCode::GatewayError, None)
        );
        let e = parse_token(
            r#"{"error_code":"401","error_message":"Request need user authorized"}"#,
            NOW,
            Some(401),
        )
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::TokenExpired);
        assert_eq!(
            parse_token("<html>502</html>", NOW, Some(502))
                .unwrap_err()
                .gateway
                .unwrap()
                .http_status,
            Some(502)
        );
        for (text, path) in [
            ("", "text"),
            ("null", "text"),
            ("[1]", "text"),
            ("{\"a\":1,\"a\":2}", "text"),
            ("{", "text"),
            ("{\"expires_in\":\"1\"}", "text.access_token"),
            ("{\"access_token\":\"\",\"expires_in\":\"1\"}", "text.access_token"),
            ("{\"access_token\":7,\"expires_in\":\"1\"}", "text.access_token"),
            ("{\"access_token\":\"a\"}", "text.expires_in"),
            ("{\"access_token\":\"a\",\"expires_in\":\"-1\"}", "text.expires_in"),
            ("{\"access_token\":\"a\",\"expires_in\":\"1e3\"}", "text.expires_in"),
            ("{\"access_token\":\"a\",\"expires_in\":1.5}", "text.expires_in"),
            ("{\"access_token\":\"a\",\"expires_in\":99999999999999999999}", "text.expires_in"),
            (
                "{\"access_token\":\"a\",\"expires_in\":\"1\",\"refresh_token\":[]}",
                "text.refresh_token",
            ),
            (
                "{\"access_token\":\"a\",\"expires_in\":\"1\",\"refresh_token_timeout\":\"2026\"}",
                "text.refresh_token_timeout",
            ),
            (
                "{\"access_token\":\"a\",\"expires_in\":\"1\",\"refresh_token_timeout\":{}}",
                "text.refresh_token_timeout",
            ),
        ] {
            let e = parse_token(text, NOW, None).unwrap_err();
            assert!(e.path.as_deref().is_some_and(|p| p.starts_with(path)), "{text}: {e:?}");
        }
        let deep = format!("{}{}", "{\"a\":".repeat(100_000), "}".repeat(100_000));
        assert_eq!(parse_token(&deep, NOW, None).unwrap_err().code, ErrorCode::InvalidJson);
        // Far future: clamped, not overflowed.
        let t = token(r#"{"access_token":"a","expires_in":"999999999999"}"#);
        assert_eq!(t["expiresAt"], "9999-12-31T23:59:59.999Z");
    }

    #[test]
    fn json_entry() {
        let v: Value = serde_json::from_str(
            &parse_token_json(
                r#"{"text":"{\"access_token\":\"a\",\"expires_in\":\"60\"}","now":1764237600000}"#,
            )
            .unwrap(),
        )
        .unwrap();
        assert_eq!(v["expiresAt"], "2025-11-27T10:01:00.000Z");
        for (input, path) in [
            (r#"{"now":1}"#, "text"),
            (r#"{"text":"{}"}"#, "now"),
            (r#"{"text":"{}","now":-5}"#, "now"),
            (r#"{"text":"{}","now":1,"status":700}"#, "status"),
            (r#"{"text":5,"now":1}"#, "text"),
        ] {
            assert_eq!(parse_token_json(input).unwrap_err().path.as_deref(), Some(path), "{input}");
        }
    }

    const SECRET: &str = "S3CR3T&=+ 秘";

    fn body(input: &str) -> Result<Value> {
        let secret = Secret::from_str_copy(SECRET);
        request_json(&secret, "1234567", input).map(|s| serde_json::from_str(&s).unwrap())
    }

    #[test]
    fn token_requests() {
        let v = body(r#"{"grant":"authorization_code","code":"c o&de","redirectUri":"https://erp.example/cb?a=1"}"#).unwrap();
        assert_eq!(
            v["url"],
            "https://gw.open.1688.com/openapi/http/1/system.oauth2/getToken/1234567"
        );
        let b = v["body"].as_str().unwrap();
        assert_eq!(b, "grant_type=authorization_code&need_refresh_token=true&client_id=1234567&client_secret=S3CR3T%26%3D%2B+%E7%A7%98&redirect_uri=https%3A%2F%2Ferp.example%2Fcb%3Fa%3D1&code=c+o%26de");
        let fields = form::parse(b).unwrap();
        assert_eq!(
            fields.iter().find(|f| f.0 == "client_secret").map(|f| f.1.as_ref()),
            Some(SECRET)
        );
        let v = body(
            r#"{"grant":"refresh_token","refreshToken":"r1","baseUrl":"http://127.0.0.1:9/x/"}"#,
        )
        .unwrap();
        assert_eq!(v["url"], "http://127.0.0.1:9/x/openapi/http/1/system.oauth2/getToken/1234567");
        assert!(v["body"]
            .as_str()
            .unwrap()
            .starts_with("grant_type=refresh_token&client_id=1234567&client_secret="));
        let v = body(r#"{"grant":"postpone","refreshToken":"r1","accessToken":"a1"}"#).unwrap();
        assert_eq!(
            v["url"],
            "https://gw.open.1688.com/openapi/param2/1/system.oauth2/postponeToken/1234567"
        );
        assert!(v["body"].as_str().unwrap().ends_with("&refresh_token=r1&access_token=a1"));
        for (input, path) in [
            (r#"{"grant":"password"}"#, "grant"),
            (r#"{}"#, "grant"),
            (r#"{"grant":"authorization_code","redirectUri":"https://x"}"#, "code"),
            (r#"{"grant":"authorization_code","code":"c"}"#, "redirectUri"),
            (r#"{"grant":"refresh_token","refreshToken":""}"#, "refreshToken"),
            (r#"{"grant":"postpone","refreshToken":"r"}"#, "accessToken"),
            (
                r#"{"grant":"refresh_token","refreshToken":"r","baseUrl":"http://evil.example"}"#,
                "baseUrl",
            ),
            (r#"{"grant":"refresh_token","refreshToken":"r","x":1}"#, ""),
        ] {
            let e = body(input).unwrap_err();
            let shown = format!("{e} {e:?} {}", e.to_json());
            assert!(!shown.contains("S3CR3T"), "{shown}");
            if !path.is_empty() {
                assert_eq!(e.path.as_deref(), Some(path), "{input}");
            }
        }
    }
}
