//! The 1688 open-platform gateway, sans-IO: requests, signatures, answers, push, OAuth.

use crate::error::{KjbError, Result};
use crate::json::Origin;

fn todo_(name: &str) -> KjbError {
    KjbError::internal(format!("{name} is not implemented yet"))
}

pub fn build_request_json(_input: &str, _origin: Origin) -> Result<String> { Err(todo_("buildRequest")) }
pub fn sign_request_json(_input: &str, _origin: Origin) -> Result<String> { Err(todo_("signRequest")) }
pub fn signature_json(_input: &str, _origin: Origin) -> Result<String> { Err(todo_("signature")) }
pub fn parse_response_json(_input: &str, _origin: Origin) -> Result<String> { Err(todo_("parseResponse")) }
pub fn verify_push_json(_input: &str, _origin: Origin) -> Result<String> { Err(todo_("verifyPush")) }
pub fn authorize_url_json(_input: &str, _origin: Origin) -> Result<String> { Err(todo_("authorizeUrl")) }

/// Holds appKey and appSecret; the secret never leaves it.
pub struct Signer {
    app_key: String,
}

impl Signer {
    /// `new Signer({appKey, appSecret})`.
    pub fn from_json(_input: &str, _origin: Origin) -> Result<Signer> { Err(todo_("Signer")) }
    pub fn app_key(&self) -> &str { &self.app_key }
    /// `signer.sign(r)`: `signRequest` without `appKey`/`appSecret` in the input.
    pub fn sign_json(&self, _input: &str, _origin: Origin) -> Result<String> { Err(todo_("Signer.sign")) }
    /// `signer.verifyPush(body)`: `body` as `verifyPush` takes it, as JSON (a string or an object).
    pub fn verify_push_json(&self, _body: &str, _origin: Origin) -> Result<String> { Err(todo_("Signer.verifyPush")) }
}
