//! `Signer`: appKey and appSecret held together, so the secret is handed over once and never
//! comes back out — no getter, no `Serialize`, `Debug` prints `<redacted>`, and no error
//! message quotes it. The secret's bytes are wiped when the signer is dropped
//! (see [`Secret`] for what is and is not covered).

use super::creds;
use super::push;
use super::request::{self, RequestWire};
use super::sign::Secret;
use crate::error::{ErrorCode, KjbError, Result};
use crate::json::Raw;
use crate::json::{self, Origin};
use serde::Deserialize;
use std::fmt;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SignerWire<'a> {
    #[serde(default, borrow)]
    app_key: Option<Raw<'a>>,
    #[serde(default, borrow)]
    app_secret: Option<Raw<'a>>,
}

/// Holds appKey and appSecret; the secret never leaves it.
pub struct Signer {
    app_key: String,
    secret: Secret,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("app_key", &self.app_key)
            .field("secret", &self.secret)
            .finish()
    }
}

impl Signer {
    /// `new Signer({appKey, appSecret})`.
    pub fn from_json(input: &str, _origin: Origin) -> Result<Signer> {
        let w: SignerWire<'_> = json::parse(input)?;
        let app_key = creds::app_key(w.app_key, "appKey")?.into_owned();
        let secret = creds::app_secret(w.app_secret, "appSecret")?;
        Ok(Signer { app_key, secret })
    }

    pub fn app_key(&self) -> &str {
        &self.app_key
    }

    /// `signer.sign(r)`: `signRequest`'s input without `appSecret`; an `appKey` in it must be
    /// the signer's own.
    pub fn sign_json(&self, input: &str, origin: Origin) -> Result<String> {
        let w: RequestWire<'_> = json::parse(input)?;
        if w.app_secret.is_some() {
            return Err(KjbError::at(
                ErrorCode::InvalidInput,
                "appSecret",
                "the Signer already holds the app secret: leave appSecret out of sign()'s input",
            ));
        }
        if let Some(raw) = w.app_key {
            let given = creds::app_key(Some(raw), "appKey")?;
            if given != self.app_key.as_str() {
                return Err(KjbError::at(
                    ErrorCode::InvalidCredentials,
                    "appKey",
                    format!("appKey \"{given}\" is not this Signer's app key \"{}\": leave appKey out, or use the Signer of that app", self.app_key),
                ));
            }
        }
        let prepared = request::prepare(&w, &self.app_key, origin)?;
        request::sign_out(prepared, &self.secret)
    }

    /// `signer.verifyPush(body)`: `body` is the JSON of the raw form body (a string) or of
    /// `{message, _aop_signature}`.
    pub fn verify_push_json(&self, body: &str, _origin: Origin) -> Result<String> {
        push::verify_body_json(&self.secret, body)
    }

    /// An OAuth token request (`getToken` with either grant, or `postponeToken`) as
    /// `{"url","body"}` JSON text. The body carries `client_secret` by 1688's design, so the
    /// text is for `fetch` only and lives in a buffer that is wiped when dropped.
    pub fn token_request_json(
        &self,
        input: &str,
        _origin: Origin,
    ) -> Result<zeroize::Zeroizing<String>> {
        super::token::request_json(&self.secret, &self.app_key, input)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "S3CR3T-recognizable-0xDEADBEEF";

    #[test]
    fn secret_never_shows() {
        let s = Signer::from_json(
            &format!("{{\"appKey\":\"1234567\",\"appSecret\":\"{SECRET}\"}}"),
            Origin::Js,
        )
        .unwrap();
        let dbg = format!("{s:?} {s:#?}");
        assert!(
            !dbg.contains(SECRET) && dbg.contains("1234567") && dbg.contains("<redacted>"),
            "{dbg}"
        );
        // Errors from every path that touches the secret.
        let mut errors = vec![
            s.sign_json("{\"api\":\"alibaba.crossBorderPay.url.get\",\"params\":{\"orderIdList\":[]},\"accessToken\":\"t\"}", Origin::Js).unwrap_err(),
            s.sign_json(&format!("{{\"api\":\"x\",\"appSecret\":\"{SECRET}\"}}"), Origin::Js).unwrap_err(),
            s.sign_json("{\"api\":\"x\",\"appKey\":\"7654321\"}", Origin::Js).unwrap_err(),
            s.verify_push_json("\"message=x&_aop_signature=y\"", Origin::Js).unwrap_err(),
            Signer::from_json(&format!("{{\"appKey\":\"12x\",\"appSecret\":\"{SECRET}\"}}"), Origin::Js).unwrap_err(),
            Signer::from_json(&format!("{{\"appKey\":\"1\",\"appSecret\":\" {SECRET}\"}}"), Origin::Js).unwrap_err(),
            Signer::from_json(&format!("{{\"appKey\":\"1\",\"appSecret\":[\"{SECRET}\"]}}"), Origin::Js).unwrap_err(),
            Signer::from_json(&format!("{{\"appKey\":\"1\",\"appSecret\":\"{SECRET}\",\"x\":1}}"), Origin::Js).unwrap_err(),
            Signer::from_json(&format!("{{\"appKey\":\"1\",\"appSecret\":\"{SECRET}\""), Origin::Js).unwrap_err(),
        ];
        errors.push(
            crate::api::sign_request(
                &format!("{{\"api\":\"x\",\"appKey\":\"1\",\"appSecret\":{{\"s\":\"{SECRET}\"}}}}"),
                Origin::Js,
            )
            .unwrap_err(),
        );
        errors.push(
            crate::api::signature(
                &format!("{{\"appSecret\":\"{SECRET}\",\"urlPath\":5,\"params\":{{}}}}"),
                Origin::Js,
            )
            .unwrap_err(),
        );
        errors.push(
            crate::api::verify_push(
                &format!("{{\"appSecret\":\"{SECRET}\",\"body\":\"message=%ZZ\"}}"),
                Origin::Js,
            )
            .unwrap_err(),
        );
        for e in &errors {
            let shown = format!("{e} {e:?} {}", e.to_json());
            assert!(!shown.contains(SECRET) && !shown.contains("DEADBEEF"), "{shown}");
        }
    }

    #[test]
    fn signs_like_sign_request() {
        let s = Signer::from_json(
            "{\"appKey\":\"1234567\",\"appSecret\":\"TESTSECRET123\"}",
            Origin::Js,
        )
        .unwrap();
        assert_eq!(s.app_key(), "1234567");
        let req = r#""api":"alibaba.alipay.url.get","accessToken":"00000000-test-token-0000","params":{"orderIdList":["3535260697417660107"]}"#;
        let a = s.sign_json(&format!("{{{req}}}"), Origin::Js).unwrap();
        let b = crate::api::sign_request(
            &format!("{{{req},\"appKey\":\"1234567\",\"appSecret\":\"TESTSECRET123\"}}"),
            Origin::Js,
        )
        .unwrap();
        assert_eq!(a, b);
        assert_eq!(
            s.sign_json(&format!("{{{req},\"appKey\":\"1234567\"}}"), Origin::Js).unwrap(),
            b
        );
        let e = s.sign_json(&format!("{{{req},\"appKey\":\"7654321\"}}"), Origin::Js).unwrap_err();
        assert_eq!((e.code, e.path.as_deref()), (ErrorCode::InvalidCredentials, Some("appKey")));
        let e = s
            .sign_json(&format!("{{{req},\"appSecret\":\"TESTSECRET123\"}}"), Origin::Js)
            .unwrap_err();
        assert_eq!((e.code, e.path.as_deref()), (ErrorCode::InvalidInput, Some("appSecret")));
    }
}
