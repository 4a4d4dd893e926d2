//! `authorizeUrl`: where to send a buyer to grant the app access to their 1688 account.
//!
//! `https://auth.1688.com/oauth/authorize?client_id={appKey}&site=1688&redirect_uri={uri}&state={opaque}`,
//! values form-encoded. With `appSecret` (server side only) the legacy signed form is produced:
//! `_aop_signature` appended, the params-only signature over the four parameters (vector V9).

use super::creds::{self, json_str, kind};
use super::form;
use super::sign;
use crate::error::{ErrorCode, KjbError, Result};
use crate::json;
use crate::json::Raw;
use crate::money::clip;
use serde::Deserialize;

pub(crate) const AUTHORIZE: &str = "https://auth.1688.com/oauth/authorize";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AuthorizeWire<'a> {
    #[serde(default, borrow)]
    app_key: Option<Raw<'a>>,
    #[serde(default, borrow)]
    redirect_uri: Option<Raw<'a>>,
    #[serde(default, borrow)]
    state: Option<Raw<'a>>,
    #[serde(default, borrow)]
    app_secret: Option<Raw<'a>>,
}

fn invalid(path: &str, message: String) -> KjbError {
    KjbError::at(ErrorCode::InvalidInput, path, message)
}

/// `authorizeUrl({appKey, redirectUri, state, appSecret?})` → the URL (as a JSON string).
pub(crate) fn authorize_url_json(input: &str) -> Result<String> {
    let w: AuthorizeWire<'_> = json::parse(input)?;
    let app_key = creds::app_key(w.app_key, "appKey")?;
    let uri = w.redirect_uri.and_then(json_str).unwrap_or_default();
    let uri_ok = (uri.starts_with("https://") || uri.starts_with("http://"))
        && uri.len() > "https://".len()
        && !uri.chars().any(|c| c.is_whitespace() || c.is_control() || c == '#');
    if !uri_ok {
        let got = match w.redirect_uri {
            Some(r) if json_str(r).is_some() => format!("\"{}\"", clip(&uri)),
            Some(r) => kind(r).to_string(),
            None => "nothing".to_string(),
        };
        return Err(invalid("redirectUri", format!("redirectUri must be the absolute http(s) callback URL registered for the app, without a #fragment; got {got}")));
    }
    let state = w.state.and_then(json_str).unwrap_or_default();
    if state.is_empty() || state.len() > 512 {
        return Err(invalid("state", "state must be a non-empty opaque string (at most 512 bytes) that the callback checks against CSRF".into()));
    }
    let params = [
        ("client_id", app_key.as_ref()),
        ("site", "1688"),
        ("redirect_uri", uri.as_ref()),
        ("state", state.as_ref()),
    ];
    let mut url = String::with_capacity(
        AUTHORIZE
            .len()
            .saturating_add(uri.len().saturating_mul(3))
            .saturating_add(state.len().saturating_mul(3))
            .saturating_add(120),
    );
    url.push_str(AUTHORIZE);
    url.push('?');
    url.push_str(&form::encode_pairs(params.into_iter()));
    if w.app_secret.is_some() {
        let secret = creds::app_secret(w.app_secret, "appSecret")?;
        let sig = sign::sign(&secret, "", params)?;
        url.push_str("&_aop_signature=");
        url.push_str(sig.as_str());
    }
    crate::json::to_json(&url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(input: &str) -> Result<String> {
        authorize_url_json(input).map(|s| serde_json::from_str::<String>(&s).unwrap())
    }

    #[test]
    fn plain_url() {
        let u = url(r#"{"appKey":"1234567","redirectUri":"https://erp.example.com/callback/1688?a=1&b=2","state":"s 1&x"}"#).unwrap();
        assert_eq!(u, "https://auth.1688.com/oauth/authorize?client_id=1234567&site=1688&redirect_uri=https%3A%2F%2Ferp.example.com%2Fcallback%2F1688%3Fa%3D1%26b%3D2&state=s+1%26x");
    }

    #[test]
    fn refusals() {
        for (input, path) in [
            (r#"{"appKey":"abc","redirectUri":"https://x.example","state":"s"}"#, "appKey"),
            (r#"{"appKey":"1","redirectUri":"javascript:alert(1)","state":"s"}"#, "redirectUri"),
            (r#"{"appKey":"1","redirectUri":"https://x.example","state":""}"#, "state"),
            (r#"{"appKey":"1","redirectUri":"https://x.example"}"#, "state"),
            (
                r#"{"appKey":"1","redirectUri":"https://x.example","state":"s","appSecret":""}"#,
                "appSecret",
            ),
        ] {
            assert_eq!(
                authorize_url_json(input).unwrap_err().path.as_deref(),
                Some(path),
                "{input}"
            );
        }
    }
}
