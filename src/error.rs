//! The one error type of the core.
//!
//! Every failure that input can cause ends here, with a stable machine code, an English message
//! that says what to change, and the path of the input field it concerns. The JS layer turns it
//! into a thrown `KjbError` with the same fields, so callers branch on `code`, never on text.

use serde::Serialize;
use std::fmt;

/// Stable, UPPER_SNAKE error codes. Renaming one is a breaking change of the JS contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    /// A value has the wrong type or shape, or a required field is missing.
    InvalidInput,
    /// A JSON text is not valid JSON, nests deeper than allowed or repeats a key.
    InvalidJson,
    /// A money amount is not a non-negative decimal with at most 2 places and 15 integer digits.
    InvalidAmount,
    /// A rate (fee rate or FX rate) is not a valid decimal in range.
    InvalidRate,
    /// An order id is not a string of 1–19 digits fitting in u64.
    InvalidOrderId,
    /// An order id was given as a JS number above 2^53 − 1: it has already lost digits.
    UnsafeOrderId,
    /// A fee schedule is not contiguous from 0, ascending, with rates in [0, 1).
    InvalidSchedule,
    /// A limit check needs an FX rate and none was given.
    MissingFxRate,
    /// appKey / appSecret / accessToken are missing or malformed.
    InvalidCredentials,
    /// An API that kjb does not know was used without `namespace` and `version`.
    UnknownApi,
    /// More order ids than the API accepts in one call (or none).
    TooManyOrders,
    /// The gateway refused the call (HTTP ≥ 400 or `error_code`).
    GatewayError,
    /// The API answered `success: false` or a `result.success` false wrapper.
    BusinessError,
    /// A push message's signature does not match.
    PushSignatureInvalid,
    /// A push body is not a form with `message` and `_aop_signature`, or its message is not valid.
    PushMalformed,
    /// The module was used before `init()` finished (raised by the JS layer).
    NotInitialized,
    /// The buyer's access token is missing, expired or revoked (1688 answered HTTP 401
    /// "Request need user authorized") and cannot be refreshed: refresh it or authorise again.
    TokenExpired,
    /// The caller's `AbortSignal` stopped the operation (raised by the JS layer).
    Aborted,
    /// A bug in kjb: please report it. Never caused by input on purpose.
    Internal,
}

impl ErrorCode {
    /// Every code, for tests and documentation that must cover them all.
    pub const ALL: &'static [ErrorCode] = &[
        ErrorCode::InvalidInput,
        ErrorCode::InvalidJson,
        ErrorCode::InvalidAmount,
        ErrorCode::InvalidRate,
        ErrorCode::InvalidOrderId,
        ErrorCode::UnsafeOrderId,
        ErrorCode::InvalidSchedule,
        ErrorCode::MissingFxRate,
        ErrorCode::InvalidCredentials,
        ErrorCode::UnknownApi,
        ErrorCode::TooManyOrders,
        ErrorCode::GatewayError,
        ErrorCode::BusinessError,
        ErrorCode::PushSignatureInvalid,
        ErrorCode::PushMalformed,
        ErrorCode::NotInitialized,
        ErrorCode::TokenExpired,
        ErrorCode::Aborted,
        ErrorCode::Internal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidInput => "INVALID_INPUT",
            ErrorCode::InvalidJson => "INVALID_JSON",
            ErrorCode::InvalidAmount => "INVALID_AMOUNT",
            ErrorCode::InvalidRate => "INVALID_RATE",
            ErrorCode::InvalidOrderId => "INVALID_ORDER_ID",
            ErrorCode::UnsafeOrderId => "UNSAFE_ORDER_ID",
            ErrorCode::InvalidSchedule => "INVALID_SCHEDULE",
            ErrorCode::MissingFxRate => "MISSING_FX_RATE",
            ErrorCode::InvalidCredentials => "INVALID_CREDENTIALS",
            ErrorCode::UnknownApi => "UNKNOWN_API",
            ErrorCode::TooManyOrders => "TOO_MANY_ORDERS",
            ErrorCode::GatewayError => "GATEWAY_ERROR",
            ErrorCode::BusinessError => "BUSINESS_ERROR",
            ErrorCode::PushSignatureInvalid => "PUSH_SIGNATURE_INVALID",
            ErrorCode::PushMalformed => "PUSH_MALFORMED",
            ErrorCode::NotInitialized => "NOT_INITIALIZED",
            ErrorCode::TokenExpired => "TOKEN_EXPIRED",
            ErrorCode::Aborted => "ABORTED",
            ErrorCode::Internal => "INTERNAL",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Details a gateway failure carries besides code and message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct GatewayDetail {
    /// 1688's own code: `gw.SignatureInvalid`, `400_4`, …
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gateway_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// True only when waiting and calling again can succeed (rate limiting).
    pub retryable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The gateway's own message text (clipped, control characters blanked): a refused
    /// batch's reason is 1688's words, not kjb's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gateway_message: Option<String>,
}

/// A failure of one operation, caused by its input or by the gateway's answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KjbError {
    pub code: ErrorCode,
    pub message: String,
    /// The input field concerned, e.g. `orders[3].amount`; `None` when the whole input is meant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Line and column (1-based) in a JSON text, where the failure has a position.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub gateway: Option<Box<GatewayDetail>>,
}

pub type Result<T> = std::result::Result<T, KjbError>;

// The constructors are cold and out of line: errors are the rare path, and inlined at each of
// the hundreds of call sites their string moves would be most of the error handling's code.
impl KjbError {
    #[cold]
    #[inline(never)]
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        KjbError {
            code,
            message: message.into(),
            path: None,
            line: None,
            column: None,
            gateway: None,
        }
    }

    /// An error about the input field at `path`.
    #[cold]
    #[inline(never)]
    pub fn at(code: ErrorCode, path: impl Into<String>, message: impl Into<String>) -> Self {
        let path = path.into();
        let mut e = KjbError::new(code, message);
        e.path = if path.is_empty() { None } else { Some(path) };
        e
    }

    #[cold]
    #[inline(never)]
    pub fn internal(message: impl Into<String>) -> Self {
        KjbError::new(ErrorCode::Internal, message)
    }

    /// Re-roots an error raised inside a sub-document (e.g. the `orders` JSON text) under `prefix`.
    #[cold]
    #[inline(never)]
    pub fn under(mut self, prefix: &str) -> Self {
        self.path = Some(crate::text::join_path(prefix, self.path.as_deref().unwrap_or("")));
        self
    }

    /// The error as the JSON object the JS layer rebuilds a `KjbError` from: what serde_json
    /// writes for it (non-ASCII as it is), written by hand — an error is made in hundreds of
    /// places but printed only here, and the derived code with its flattened gateway detail
    /// was four times this.
    pub fn to_json(&self) -> String {
        use crate::text::push_inner_utf8 as esc;
        fn opt(out: &mut String, key: &str, v: Option<&str>) {
            if let Some(v) = v {
                out.push_str(key);
                esc(out, v);
                out.push('"');
            }
        }
        fn num(out: &mut String, key: &str, v: Option<usize>) {
            if let Some(v) = v {
                out.push_str(key);
                // A usize always fits u128.
                out.push_str(crate::text::digits(v as u128, &mut [0; 40]));
            }
        }
        let mut out = String::with_capacity(self.message.len().saturating_add(64));
        out.push_str("{\"code\":\"");
        out.push_str(self.code.as_str());
        out.push_str("\",\"message\":\"");
        esc(&mut out, &self.message);
        out.push('"');
        opt(&mut out, ",\"path\":\"", self.path.as_deref());
        num(&mut out, ",\"line\":", self.line);
        num(&mut out, ",\"column\":", self.column);
        if let Some(g) = &self.gateway {
            opt(&mut out, ",\"gatewayCode\":\"", g.gateway_code.as_deref());
            num(&mut out, ",\"httpStatus\":", g.http_status.map(usize::from));
            out.push_str(if g.retryable { ",\"retryable\":true" } else { ",\"retryable\":false" });
            opt(&mut out, ",\"requestId\":\"", g.request_id.as_deref());
            opt(&mut out, ",\"gatewayMessage\":\"", g.gateway_message.as_deref());
        }
        out.push('}');
        out
    }
}

impl fmt::Display for KjbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)?;
        if let Some(p) = &self.path {
            write!(f, " (at {p})")?;
        }
        Ok(())
    }
}

impl std::error::Error for KjbError {}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn text() -> impl Strategy<Value = String> {
        "(\\PC|[\\u{0}-\\u{7f}]|种|😀)*"
    }

    prop_compose! {
        fn detail()(
            gateway_code in proptest::option::of(text()), http_status in proptest::option::of(any::<u16>()),
            retryable in any::<bool>(), request_id in proptest::option::of(text()),
            gateway_message in proptest::option::of(text()),
        ) -> GatewayDetail {
            GatewayDetail { gateway_code, http_status, retryable, request_id, gateway_message }
        }
    }

    prop_compose! {
        fn error()(
            code in proptest::sample::select(ErrorCode::ALL), message in text(),
            path in proptest::option::of(text()), line in proptest::option::of(any::<usize>()),
            column in proptest::option::of(any::<usize>()),
            gateway in proptest::option::of(detail().prop_map(Box::new)),
        ) -> KjbError {
            KjbError { code, message, path, line, column, gateway }
        }
    }

    proptest! {
        /// The hand-written JSON is what serde_json writes for the derived `Serialize`.
        #[test]
        fn to_json_is_what_serde_json_writes(e in error()) {
            prop_assert_eq!(e.to_json(), serde_json::to_string(&e).unwrap());
        }
    }
}
