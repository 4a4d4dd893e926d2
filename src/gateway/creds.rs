//! Credentials: what is accepted as an appKey, appSecret and accessToken, checked before
//! anything is signed. Secrets and tokens are read as raw JSON tokens so that no error message
//! can ever quote them (serde's "invalid type: string …" would).

use super::sign::Secret;
use crate::error::{ErrorCode, KjbError, Result};
use crate::json::Raw;
use crate::money::clip;
use std::borrow::Cow;
use zeroize::Zeroizing;

/// The text of a JSON value. Only JSON whitespace (ASCII) can surround a value, so the cheaper
/// ASCII trim is the same as `str::trim` here.
pub(crate) fn token(raw: Raw<'_>) -> &str {
    raw.get().trim_ascii()
}

/// The text of a JSON string token (borrowed when it has no escapes); `None` for other tokens.
pub(crate) fn json_str(raw: Raw<'_>) -> Option<Cow<'_, str>> {
    let t = token(raw);
    if !t.starts_with('"') {
        return None;
    }
    // A `RawValue` holds valid JSON, so a string token without a backslash is exactly the text
    // between its quotes: no need to run a parser over it again (every key, token and id).
    if let Some(inner) = t.get(1..t.len().saturating_sub(1)) {
        if t.len() >= 2 && t.ends_with('"') && !inner.contains('\\') {
            return Some(Cow::Borrowed(inner));
        }
    }
    unescape(t).map(Cow::Owned)
}

/// Decodes a JSON string token with escapes. Done here rather than by serde because the token
/// may be the app secret: a failed borrow quoted it in an error message, and a decoder's scratch
/// buffer grows by copying; both were freed unwiped. This writes into one buffer sized once (a
/// decoded string is never longer than its token) and wipes it on failure; the escapes are
/// decoded as the JSON reader decodes them ([`crate::json::unescape_at`]).
fn unescape(t: &str) -> Option<String> {
    let inner = t.strip_prefix('"')?.strip_suffix('"')?;
    let b = inner.as_bytes();
    let mut out = Zeroizing::new(String::with_capacity(inner.len()));
    let (mut from, mut i) = (0usize, 0usize);
    while let Some(&c) = b.get(i) {
        if c != b'\\' {
            i = i.saturating_add(1);
            continue;
        }
        out.push_str(inner.get(from..i)?);
        let (decoded, next) = crate::json::unescape_at(b, i).ok()?;
        out.push(decoded);
        i = next;
        from = next;
    }
    out.push_str(inner.get(from..)?);
    Some(std::mem::take(&mut *out))
}

/// What kind of JSON token `raw` is, for messages that must not quote it (only errors ask).
#[cold]
#[inline(never)]
pub(crate) fn kind(raw: Raw<'_>) -> &'static str {
    match token(raw).as_bytes().first() {
        Some(b'"') => "a string",
        Some(b'-' | b'0'..=b'9') => "a number",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        _ => "nothing",
    }
}

/// appKey: a string of 1–20 digits (it becomes part of the URL path).
pub(crate) fn app_key<'a>(raw: Option<Raw<'a>>, path: &str) -> Result<Cow<'a, str>> {
    const WANT: &str = "must be your 1688 app key as a string of digits, e.g. \"1234567\" (it becomes part of the URL path)";
    let raw = raw.ok_or_else(|| {
        KjbError::at(ErrorCode::InvalidCredentials, path, format!("{path} is required: it {WANT}"))
    })?;
    let Some(s) = json_str(raw) else {
        return Err(KjbError::at(
            ErrorCode::InvalidCredentials,
            path,
            format!("{path} {WANT}; got {}", kind(raw)),
        ));
    };
    if s.is_empty() || s.len() > 20 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(KjbError::at(
            ErrorCode::InvalidCredentials,
            path,
            format!("{path} {WANT}; got \"{}\"", clip(&s)),
        ));
    }
    Ok(s)
}

/// A non-empty string without surrounding whitespace; never quoted back.
fn secret_text<'a>(raw: Option<Raw<'a>>, path: &str, what: &str) -> Result<Cow<'a, str>> {
    let refuse = |why: String| {
        KjbError::at(ErrorCode::InvalidCredentials, path, format!("{path} must be {what}; {why}"))
    };
    let raw = raw.ok_or_else(|| refuse("it is missing".into()))?;
    let Some(s) = json_str(raw) else {
        return Err(refuse(format!("got {}", kind(raw))));
    };
    if s.is_empty() {
        return Err(refuse("it is empty".into()));
    }
    if s.trim() != s.as_ref() {
        // A decoded copy is wiped before it is let go: it may be the app secret.
        if let Cow::Owned(copy) = s {
            drop(Zeroizing::new(copy));
        }
        return Err(refuse("it starts or ends with whitespace (a copy-paste slip?)".into()));
    }
    Ok(s)
}

/// appSecret: non-empty; held in a buffer that is wiped on drop.
pub(crate) fn app_secret(raw: Option<Raw<'_>>, path: &str) -> Result<Secret> {
    Ok(match secret_text(raw, path, "your 1688 app secret, a non-empty string")? {
        Cow::Owned(s) => Secret::from_string(s),
        Cow::Borrowed(s) => Secret::from_str_copy(s),
    })
}

/// accessToken: non-empty.
pub(crate) fn access_token<'a>(raw: Option<Raw<'a>>, path: &str) -> Result<Cow<'a, str>> {
    secret_text(raw, path, "the buyer's OAuth access token, a non-empty string")
}

#[cfg(test)]
mod tests {

    #[test]
    fn escaped_strings_decode_as_serde_json_decodes_them() {
        let cases = [
            r#""a\"b""#,
            r#""\\\/\b\f\n\r\t""#,
            r#""\u0041\u00e9\u4e2d""#,
            r#""\ud83d\ude00x""#,
            r#""\ud800""#,
            r#""\udc00""#,
            r#""\ud800\u0041""#,
            r#""\ud800x""#,
            r#""\u12""#,
            r#""\u12g4""#,
            r#""\x""#,
            r#""\""#,
            r#""\u0000""#,
            r#""秘\"密""#,
            r#""""#,
        ];
        for t in cases {
            assert_eq!(unescape(t), serde_json::from_str::<String>(t).ok(), "{t}");
        }
    }

    use super::*;

    fn raw(s: &str) -> Raw<'_> {
        Raw(s)
    }

    #[test]
    fn app_keys() {
        assert_eq!(app_key(Some(raw("\"1234567\"")), "appKey").unwrap(), "1234567");
        for bad in ["\"\"", "\"12a\"", "\"../x\"", "1234567", "null", "\"123456789012345678901\""] {
            let e = app_key(Some(raw(bad)), "appKey").unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidCredentials, "{bad}");
            assert_eq!(e.path.as_deref(), Some("appKey"));
        }
        assert_eq!(app_key(None, "appKey").unwrap_err().code, ErrorCode::InvalidCredentials);
    }

    #[test]
    fn secrets_are_never_quoted() {
        for bad in
            ["\"\"", "\" TOPSECRET\"", "\"TOPSECRET\\n\"", "12345", "null", "[\"TOPSECRET\"]"]
        {
            let e = app_secret(Some(raw(bad)), "appSecret").unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidCredentials, "{bad}");
            assert!(
                !e.message.contains("TOPSECRET") && !e.message.contains("12345"),
                "{}",
                e.message
            );
            let e = access_token(Some(raw(bad)), "accessToken").unwrap_err();
            assert!(!e.message.contains("TOPSECRET"), "{}", e.message);
        }
        assert!(app_secret(Some(raw("\"a\\u0062c\"")), "appSecret").is_ok());
    }
}
