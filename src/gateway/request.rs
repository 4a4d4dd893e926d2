//! `buildRequest` / `signRequest`: from the caller's description of a call to the exact
//! parameters, URL and form body the gateway expects.
//!
//! Parameter order on the wire: `access_token`, the business parameters in the caller's order
//! (then defaults the caller left out), `_aop_timestamp`, and `_aop_signature` last — the order
//! of the public SDKs' bodies. The order does not change the signature (it sorts).

use super::api::{self, ApiSpec};
use super::creds::{self, json_str, kind, token};
use super::form;
use super::params::{self, Ordered};
use super::sign::{self, Secret, SIGNATURE_LEN};
use crate::error::{ErrorCode, KjbError, Result};
use crate::json::Origin;
use crate::json::Raw;
use crate::money::clip;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// The production gateway.
pub(crate) const GATEWAY: &str = "https://gw.open.1688.com";
pub(crate) const CONTENT_TYPE: &str = "application/x-www-form-urlencoded; charset=UTF-8";

/// Input of `buildRequest`, `signRequest` and `Signer.sign`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct RequestWire<'a> {
    #[serde(borrow)]
    pub api: Cow<'a, str>,
    #[serde(default, borrow)]
    pub params: Option<Ordered<'a>>,
    #[serde(default, borrow)]
    pub app_key: Option<Raw<'a>>,
    #[serde(default, borrow)]
    pub app_secret: Option<Raw<'a>>,
    #[serde(default, borrow)]
    pub access_token: Option<Raw<'a>>,
    #[serde(default, borrow)]
    pub timestamp: Option<Raw<'a>>,
    #[serde(default, borrow)]
    pub namespace: Option<Raw<'a>>,
    #[serde(default, borrow)]
    pub version: Option<Raw<'a>>,
    #[serde(default, borrow)]
    pub base_url: Option<Raw<'a>>,
}

/// A call ready to sign: where it goes and its parameters in wire order (no signature).
pub(crate) struct Prepared<'a> {
    /// `https://gw.open.1688.com`, or the caller's `baseUrl` without a trailing `/`.
    pub base: Cow<'a, str>,
    pub url_path: String,
    pub params: Vec<(Cow<'a, str>, Cow<'a, str>)>,
}

impl Prepared<'_> {
    pub(crate) fn pairs(&self) -> impl Iterator<Item = (&str, &str)> + Clone {
        self.params.iter().map(|(k, v)| (k.as_ref(), v.as_ref()))
    }

    /// `{base}/openapi/{urlPath}`.
    pub(crate) fn url(&self) -> String {
        let mut url = String::with_capacity(self.url_len());
        url.push_str(&self.base);
        url.push_str(OPENAPI);
        url.push_str(&self.url_path);
        url
    }

    fn url_len(&self) -> usize {
        self.base.len().saturating_add(OPENAPI.len()).saturating_add(self.url_path.len())
    }
}

const OPENAPI: &str = "/openapi/";

fn invalid(path: &str, message: String) -> KjbError {
    KjbError::at(ErrorCode::InvalidInput, path, message)
}

/// A URL path segment: letters, digits, `.`, `_`, `-`, not all dots.
fn segment_ok(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 128
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        && !s.bytes().all(|b| b == b'.')
}

fn text_field<'a>(raw: Raw<'a>, path: &str, what: &str) -> Result<Cow<'a, str>> {
    json_str(raw).ok_or_else(|| invalid(path, format!("{path} must be {what}; got {}", kind(raw))))
}

/// `version`: a number or a string of digits.
fn version_text<'a>(raw: Raw<'a>) -> Result<Cow<'a, str>> {
    let t = token(raw);
    let s = if t.starts_with('"') {
        json_str(raw).unwrap_or(Cow::Borrowed(""))
    } else {
        Cow::Borrowed(t)
    };
    if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(
            "version",
            format!(
                "version must be the API version, a small whole number such as 1; got {}",
                clip(&s)
            ),
        ));
    }
    Ok(s)
}

/// `timestamp` → `_aop_timestamp`: milliseconds since the epoch (`Date.now()`), a number or a
/// string of digits, 13 digits (2001–2286): a value in seconds is refused, not sent.
fn timestamp<'a>(raw: Raw<'a>) -> Result<Cow<'a, str>> {
    const WANT: &str =
        "timestamp must be milliseconds since the epoch, e.g. Date.now() = 1700000000000";
    let t = token(raw);
    let s = match t.as_bytes().first() {
        Some(b'"') => json_str(raw).unwrap_or(Cow::Borrowed("")),
        Some(b'0'..=b'9' | b'-') => Cow::Borrowed(t),
        _ => return Err(invalid("timestamp", format!("{WANT}; got {}", kind(raw)))),
    };
    if !s.bytes().all(|b| b.is_ascii_digit()) || s.starts_with('0') || s.is_empty() {
        return Err(invalid("timestamp", format!("{WANT}; got {}", clip(&s))));
    }
    if s.len() != 13 {
        let hint = if s.len() == 10 { " (this looks like seconds: multiply by 1000)" } else { "" };
        return Err(invalid("timestamp", format!("{WANT}; got {}{hint}", clip(&s))));
    }
    Ok(s)
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host == "[::1]"
        || host
            .strip_prefix("127.")
            .is_some_and(|r| r.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
}

/// `baseUrl` replaces `https://gw.open.1688.com` (a sandbox, a proxy): `https://host[:port][/path]`;
/// plain `http://` only for loopback hosts (`localhost`, `127.x.x.x`, `[::1]`). No user info,
/// query or fragment. A trailing `/` is dropped; `/openapi/…` is appended.
pub(crate) fn base_url(raw: Option<Raw<'_>>) -> Result<Cow<'_, str>> {
    const P: &str = "baseUrl";
    let Some(raw) = raw.filter(|r| !params::is_null(*r)) else { return Ok(Cow::Borrowed(GATEWAY)) };
    let s = text_field(raw, P, "a URL such as \"https://gw.open.1688.com\"")?;
    let bad = |why: &str| {
        invalid(P, format!("baseUrl must look like \"https://host[:port][/path]\" (plain http only for localhost); \"{}\" {why}", clip(&s)))
    };
    let (https, rest) = if let Some(r) = s.strip_prefix("https://") {
        (true, r)
    } else if let Some(r) = s.strip_prefix("http://") {
        (false, r)
    } else {
        return Err(bad("does not start with https://"));
    };
    let (authority, path) = match rest.bytes().position(|b| b == b'/') {
        Some(i) => (rest.get(..i).unwrap_or(""), rest.get(i..).unwrap_or("")),
        None => (rest, ""),
    };
    let host = if authority.starts_with('[') {
        match authority.bytes().position(|b| b == b']') {
            Some(i) => authority.get(..=i).unwrap_or(""),
            None => return Err(bad("has an unclosed IPv6 address")),
        }
    } else {
        crate::text::split_once_byte(authority, b':').map_or(authority, |(host, _)| host)
    };
    let port = authority.get(host.len()..).unwrap_or("");
    if host.is_empty()
        || !host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'[' | b']' | b':'))
    {
        return Err(bad("has no valid host name"));
    }
    if !port.is_empty() {
        let digits = port.strip_prefix(':').unwrap_or("x");
        if digits.is_empty() || digits.len() > 5 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("has an invalid port"));
        }
    }
    if !path
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'.' | b'_' | b'~' | b'%'))
    {
        return Err(bad(
            "has characters that do not belong in a base URL (query, fragment, spaces…)",
        ));
    }
    if !https && !is_loopback(host) {
        return Err(bad("uses plain http: the gateway is always called over https (http is allowed for localhost only)"));
    }
    Ok(match s {
        Cow::Borrowed(b) => Cow::Borrowed(crate::text::trim_end_byte(b, b'/')),
        Cow::Owned(o) => Cow::Owned(crate::text::trim_end_byte(&o, b'/').to_string()),
    })
}

/// Which API is called: its known spec (if any), namespace, version and bare name.
struct Resolved<'w> {
    spec: Option<&'static ApiSpec>,
    namespace: Cow<'w, str>,
    version: Cow<'w, str>,
    name: &'w str,
}

/// Resolves the API, its namespace and version.
fn resolve<'w>(w: &'w RequestWire<'_>) -> Result<Resolved<'w>> {
    let (ns_prefix, name) = api::split_name(&w.api);
    if !segment_ok(name) {
        return Err(invalid("api", format!("api must be a 1688 API name such as \"alibaba.crossBorderPay.url.get\"; got \"{}\"", clip(&w.api))));
    }
    let spec = api::find(name);
    let mut namespace: Option<Cow<'w, str>> = ns_prefix.map(Cow::Borrowed);
    if let Some(raw) = w.namespace.filter(|r| !params::is_null(*r)) {
        let ns = text_field(raw, "namespace", "a namespace such as \"com.alibaba.trade\"")?;
        if namespace.as_deref().is_some_and(|p| p != ns.as_ref()) {
            return Err(invalid(
                "namespace",
                format!(
                    "namespace \"{}\" contradicts the one in api \"{}\"",
                    clip(&ns),
                    clip(&w.api)
                ),
            ));
        }
        namespace = Some(ns);
    }
    let version = w.version.filter(|r| !params::is_null(*r)).map(version_text).transpose()?;
    if let Some(ns) = &namespace {
        if !segment_ok(ns) {
            return Err(invalid(
                "namespace",
                format!("namespace must be like \"com.alibaba.trade\"; got \"{}\"", clip(ns)),
            ));
        }
    }
    match spec {
        Some(spec) => {
            if let Some(ns) = namespace.as_deref().filter(|ns| *ns != spec.namespace) {
                return Err(invalid("namespace", format!("{} lives in namespace \"{}\", not \"{}\": leave namespace out", spec.name, spec.namespace, clip(ns))));
            }
            if let Some(v) = version.as_deref().filter(|v| *v != spec.version) {
                return Err(invalid("version", format!("kjb knows {} as version {}, not {}: leave version out", spec.name, spec.version, clip(v))));
            }
            Ok(Resolved { spec: Some(spec), namespace: Cow::Borrowed(spec.namespace), version: Cow::Borrowed(spec.version), name })
        }
        None => match (namespace, version) {
            (Some(namespace), Some(version)) => Ok(Resolved { spec: None, namespace, version, name }),
            _ => Err(KjbError::at(
                ErrorCode::UnknownApi,
                "api",
                format!("{} is not an API kjb knows: give its namespace and version too (e.g. namespace: \"com.alibaba.trade\", version: 1)", clip(name)),
            )),
        },
    }
}

/// Checks and orders everything that goes into the call. `app_key` was validated by the caller.
pub(crate) fn prepare<'a>(
    w: &'a RequestWire<'a>,
    app_key: &str,
    origin: Origin,
) -> Result<Prepared<'a>> {
    let Resolved { spec, namespace, version, name } = resolve(w)?;
    let token = match (spec, w.access_token.filter(|r| !params::is_null(*r))) {
        (_, Some(raw)) => Some(creds::access_token(Some(raw), "accessToken")?),
        (Some(spec), None) if super::api::needs_token(spec) => {
            return Err(KjbError::at(ErrorCode::InvalidCredentials, "accessToken", format!("accessToken is required: {} acts for a 1688 buyer account (OAuth access token)", spec.name)));
        }
        (_, None) => None,
    };
    let stamp = w.timestamp.filter(|r| !params::is_null(*r)).map(timestamp).transpose()?;

    let given: &[(Cow<'a, str>, Raw<'a>)] = w.params.as_ref().map_or(&[], |p| p.0.as_slice());
    let mut out: Vec<(Cow<'a, str>, Cow<'a, str>)> =
        Vec::with_capacity(given.len().saturating_add(3));
    if let Some(t) = token {
        out.push((Cow::Borrowed("access_token"), t));
    }
    for (key, raw) in given {
        let path = || format!("params.{key}");
        match key.as_ref() {
            "access_token" => {
                return Err(invalid(
                    &path(),
                    "pass the access token as accessToken, not inside params".into(),
                ))
            }
            "_aop_timestamp" => {
                return Err(invalid(
                    &path(),
                    "pass the time as timestamp (ms since the epoch), not inside params".into(),
                ))
            }
            "_aop_signature" => {
                return Err(invalid(
                    &path(),
                    "params must not carry a signature: signRequest computes it".into(),
                ))
            }
            "" => return Err(invalid("params", "params has an empty key".into())),
            _ => {}
        }
        let read = |path: &str| match spec {
            Some(spec) => {
                let p = spec.param(key).ok_or_else(|| {
                    invalid(
                        path,
                        format!(
                            "{} is not a parameter of {}; it takes: {}",
                            clip(key),
                            spec.name,
                            spec.param_names()
                        ),
                    )
                })?;
                params::typed(p, *raw, path, spec.name, origin)
            }
            None => params::generic(*raw, path, origin),
        };
        // The parameter's path is only formatted when its value is refused: reading is pure, so
        // the value is read again with it for the message (as `fee::read_history` does).
        let value = read("").or_else(|_| read(&path()))?;
        if let Some(v) = value {
            out.push((key.clone(), v));
        }
    }
    if let Some(spec) = spec {
        for p in spec.params {
            if out.iter().any(|(k, _)| k == p.name) {
                continue;
            }
            if let Some(d) = p.default {
                out.push((Cow::Borrowed(p.name), Cow::Borrowed(d)));
            } else if p.required {
                return Err(invalid(
                    &format!("params.{}", p.name),
                    format!("params.{} is required by {}", p.name, spec.name),
                ));
            }
        }
        if !spec.one_of.is_empty() && !spec.one_of.iter().any(|n| out.iter().any(|(k, _)| k == n)) {
            return Err(invalid(
                "params",
                format!("{} needs one of: {}", spec.name, spec.one_of.join(", ")),
            ));
        }
    }
    if let Some(t) = stamp {
        out.push((Cow::Borrowed("_aop_timestamp"), t));
    }

    let base = base_url(w.base_url)?;
    let segments = [version.as_ref(), namespace.as_ref(), name, app_key];
    let mut url_path = String::with_capacity(
        segments.iter().fold(7usize, |n, s| n.saturating_add(s.len()).saturating_add(1)),
    );
    url_path.push_str("param2");
    for segment in segments {
        url_path.push('/');
        url_path.push_str(segment);
    }
    Ok(Prepared { base, url_path, params: out })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BuildOut<'s> {
    method: &'static str,
    url: &'s str,
    url_path: &'s str,
    params: Vec<(&'s str, &'s str)>,
    string_to_sign: String,
}

/// `buildRequest`'s answer.
pub(crate) fn build_out(p: &Prepared<'_>) -> Result<String> {
    crate::json::to_json(&BuildOut {
        method: "POST",
        url: &p.url(),
        url_path: &p.url_path,
        params: p.pairs().collect(),
        string_to_sign: sign::string_to_sign(&p.url_path, p.pairs()),
    })
}

/// `signRequest`'s answer, `{"method":"POST","url":…,"headers":{"content-type":…},"body":…,
/// "signature":…}`, written straight into one buffer — the form body included, which is never
/// built on its own — rather than through serde: this is the call an ERP makes for every
/// payment link, and serde's per-character string escaping was a fifth of its cost. The
/// bytes are those `to_json` printed for the same fields (`tests::sign_out_is_to_json`).
///
/// The body's parameters are written first, in wire order; then `p`'s parameters are sorted in
/// place to be signed (no copy of them is made), and the signature ends the body.
pub(crate) fn sign_out(mut p: Prepared<'_>, secret: &Secret) -> Result<String> {
    // Room for the body with some escapes (an id list has one every 20 bytes); the exact
    // encoded size would cost a pass over every byte, and a longer body just grows the buffer.
    let raw_len = p.pairs().fold(0usize, |n, (k, v)| {
        n.saturating_add(k.len()).saturating_add(v.len()).saturating_add(2)
    });
    let body_len = raw_len
        .saturating_add(raw_len / 4)
        .saturating_add(SIGNATURE_FIELD.len())
        .saturating_add(SIGNATURE_LEN);
    let mut out = String::with_capacity(
        body_len.saturating_add(p.url_len()).saturating_add(CONTENT_TYPE.len()).saturating_add(80),
    );
    out.push_str("{\"method\":\"POST\",\"url\":");
    crate::text::push_str(&mut out, &p.url());
    out.push_str(",\"headers\":{\"content-type\":\"");
    out.push_str(CONTENT_TYPE);
    // A form-encoded body is only letters, digits, `*-._+%&=`: nothing JSON escapes.
    out.push_str("\"},\"body\":\"");
    form::encode_pairs_into(&mut out, p.pairs());
    if !p.params.is_empty() {
        out.push('&');
    }
    let sig = sign::sign_sorting(secret, &p.url_path, &mut p.params)?;
    // The signature field last, as it is: its key and hex digits need no encoding.
    out.push_str(SIGNATURE_FIELD);
    out.push_str(sig.as_str());
    out.push_str("\",\"signature\":\"");
    out.push_str(sig.as_str());
    out.push_str("\"}");
    Ok(out)
}

/// The signature's form field up to its value.
const SIGNATURE_FIELD: &str = "_aop_signature=";

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(s: &str) -> Raw<'_> {
        Raw(s)
    }

    #[test]
    fn base_urls() {
        assert_eq!(base_url(None).unwrap(), GATEWAY);
        for ok in [
            "\"https://gw.open.1688.com/\"",
            "\"http://127.0.0.1:8080\"",
            "\"http://localhost:3000/sandbox\"",
            "\"http://[::1]:9\"",
            "\"https://proxy.example.com/1688\"",
        ] {
            assert!(base_url(Some(raw(ok))).is_ok(), "{ok}");
        }
        assert_eq!(base_url(Some(raw("\"https://a.example/x/\""))).unwrap(), "https://a.example/x");
        for bad in [
            "\"http://gw.open.1688.com\"",
            "\"ftp://x\"",
            "\"https://\"",
            "\"https://u:p@h\"",
            "\"https://h/?q=1\"",
            "\"https://h#f\"",
            "\"https://h:port\"",
            "\"//h\"",
            "5",
            "\"https://h /x\"",
            "\"http://127.0.0.1.evil.com\"",
        ] {
            let e = base_url(Some(raw(bad))).unwrap_err();
            assert_eq!(
                (e.code, e.path.as_deref()),
                (ErrorCode::InvalidInput, Some("baseUrl")),
                "{bad}"
            );
        }
    }

    /// The answer `sign_out` gave when it went through serde.
    #[derive(Serialize)]
    struct SignOut<'s> {
        method: &'static str,
        url: &'s str,
        headers: Headers,
        body: String,
        signature: &'s str,
    }

    #[derive(Serialize)]
    struct Headers {
        #[serde(rename = "content-type")]
        content_type: &'static str,
    }

    fn serde_sign_out(p: &Prepared<'_>, secret: &Secret) -> String {
        let sig = sign::sign(secret, &p.url_path, p.pairs()).unwrap();
        let body =
            form::encode_pairs(p.pairs().chain(std::iter::once(("_aop_signature", sig.as_str()))));
        crate::json::to_json(&SignOut {
            method: "POST",
            url: &p.url(),
            headers: Headers { content_type: CONTENT_TYPE },
            body,
            signature: sig.as_str(),
        })
        .unwrap()
    }

    #[test]
    fn sign_out_is_to_json() {
        let secret = Secret::from_str_copy("TESTSECRET123");
        for input in [
            r#"{"api":"alibaba.crossBorderPay.url.get","accessToken":"tok","timestamp":1700000000000,"params":{"orderIdList":["3535260697417660107",12]}}"#,
            r#"{"api":"alibaba.trade.get.buyerView","accessToken":"t o k","params":{"orderId":"1"},"baseUrl":"http://127.0.0.1:8080/x%20y/"}"#,
            r#"{"api":"x.y","namespace":"com.x","version":"2","params":{"a":"网商路 \"&=+\\","b":{"k":[1,"2"]},"c":"\u0001\u007f"}}"#,
        ] {
            let w: RequestWire<'_> = crate::json::parse(input).unwrap();
            let p = prepare(&w, "1234567", Origin::Js).unwrap();
            let want = serde_sign_out(&p, &secret);
            assert_eq!(sign_out(p, &secret).unwrap(), want, "{input}");
        }
        // A base URL that needs escaping (not one `base_url` lets through) takes the other path.
        let p = Prepared {
            base: Cow::Borrowed("https://h/\"\u{e9}"),
            url_path: "param2/1/n/a/1".into(),
            params: vec![(Cow::Borrowed("k"), Cow::Borrowed("v"))],
        };
        let want = serde_sign_out(&p, &secret);
        assert_eq!(sign_out(p, &secret).unwrap(), want);
        let p = Prepared {
            base: Cow::Borrowed(GATEWAY),
            url_path: "param2/1/n/a/1".into(),
            params: vec![],
        };
        let want = serde_sign_out(&p, &secret);
        assert_eq!(sign_out(p, &secret).unwrap(), want);
    }

    #[test]
    fn timestamps() {
        assert_eq!(timestamp(raw("1700000000000")).unwrap(), "1700000000000");
        assert_eq!(timestamp(raw("\"1700000000000\"")).unwrap(), "1700000000000");
        for bad in [
            "1700000000",
            "1700000000000.5",
            "-1700000000000",
            "\"abc\"",
            "true",
            "\"01700000000000\"",
            "17000000000000",
        ] {
            assert_eq!(
                timestamp(raw(bad)).unwrap_err().path.as_deref(),
                Some("timestamp"),
                "{bad}"
            );
        }
        assert!(timestamp(raw("1700000000")).unwrap_err().message.contains("seconds"));
    }
}
