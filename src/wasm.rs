//! The binding: every export takes and returns JSON text, and throws a JSON-text error that the
//! JS layer (`pkg/lib/api.mjs`) rebuilds into a `KjbError`. Keeping the boundary to strings
//! makes each call two copies instead of thousands of property reads, and keeps this file free
//! of logic. Inputs here were printed by `JSON.stringify` from caller objects ([`Origin::Js`]);
//! `orders_text` is a JSON text the caller handed over as is ([`Origin::Text`] inside).
//!
//! Big texts (order lists of megabytes) do not cross as `&str`: wasm-bindgen reserves three
//! bytes per UTF-16 unit of a string before encoding it, so 4.7 MB of orders grew the wasm
//! memory by 13 MB before any work began (and wasm memory never shrinks). Instead the JS layer
//! [`stage`]s them: it asks for a buffer of its estimate, encodes the text straight into wasm
//! memory with `TextEncoder.encodeInto`, grows the buffer if the estimate was short, commits
//! the length, and calls `checkOrders`/`planPayment`, which take the staged text.

use crate::error::{ErrorCode, KjbError};
use crate::json::Origin;
use crate::{api, eligibility, gateway, plan};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

thread_local! {
    /// The text being staged: written by JS between [`stage`] and [`stage_commit`], taken by
    /// the next `checkOrders`/`planPayment`.
    static STAGED: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// The module's memory, for the JS layer to write staged text into (the glue keeps its own
/// reference private, and the export name `memory` is the module's own).
#[wasm_bindgen(js_name = stageMemory)]
pub fn stage_memory() -> JsValue {
    wasm_bindgen::memory()
}

/// Makes the staging buffer `len` bytes long, keeping the bytes already written (a short
/// estimate is grown, not restarted), and returns where it starts in wasm memory. The pointer
/// is valid until the next call into the module.
#[wasm_bindgen]
pub fn stage(len: usize) -> *mut u8 {
    STAGED.with_borrow_mut(|b| {
        b.resize(len, 0);
        b.as_mut_ptr()
    })
}

/// Ends staging: the text is the first `written` bytes of the buffer.
#[wasm_bindgen(js_name = stageCommit)]
pub fn stage_commit(written: usize) {
    STAGED.with_borrow_mut(|b| {
        b.truncate(written);
        b.shrink_to_fit();
    })
}

/// Takes the staged text. `TextEncoder` only writes UTF-8, so the check is for callers of the
/// raw exports, which could have written anything.
fn take_staged() -> Result<String, String> {
    let bytes = STAGED.with_borrow_mut(std::mem::take);
    String::from_utf8(bytes).map_err(|e| {
        KjbError::new(ErrorCode::InvalidJson, format!("the staged text is not UTF-8 (byte {}): stage it with TextEncoder", e.utf8_error().valid_up_to())).to_json()
    })
}

/// Runs `f(input, orders_text)` with the staged text where the call put it: `input` is the
/// call's JSON text, or `None` when the whole input was staged; `staged_orders` says the staged
/// text is the orders list the caller handed over as text.
fn with_staged(
    input: Option<String>,
    staged_orders: bool,
    f: impl FnOnce(&str, Option<&str>) -> crate::error::Result<String>,
) -> Result<String, String> {
    match (input, staged_orders) {
        (Some(input), false) => done(f(&input, None)),
        (Some(input), true) => {
            let orders = take_staged()?;
            done(f(&input, Some(&orders)))
        }
        (None, _) => {
            let input = take_staged()?;
            done(f(&input, None))
        }
    }
}

fn done(r: crate::error::Result<String>) -> Result<String, String> {
    r.map_err(|e| e.to_json())
}

#[wasm_bindgen(js_name = feeSchedule)]
pub fn fee_schedule() -> Result<String, String> {
    done(api::fee_schedule())
}

#[wasm_bindgen(js_name = quoteFee)]
pub fn quote_fee(input: &str) -> Result<String, String> {
    done(api::quote_fee(input, Origin::Js))
}

#[wasm_bindgen(js_name = orderIds)]
pub fn order_ids(input: &str) -> Result<String, String> {
    done(api::order_ids(input, Origin::Js))
}

/// `input`/`staged_orders`: see [`with_staged`].
#[wasm_bindgen(js_name = checkOrders)]
pub fn check_orders(input: Option<String>, staged_orders: bool) -> Result<String, String> {
    with_staged(input, staged_orders, |i, o| eligibility::check_orders_json(i, o, Origin::Js))
}

/// `input`/`staged_orders`: see [`with_staged`].
#[wasm_bindgen(js_name = planPayment)]
pub fn plan_payment(input: Option<String>, staged_orders: bool) -> Result<String, String> {
    with_staged(input, staged_orders, |i, o| plan::plan_payment_json(i, o, Origin::Js))
}

#[wasm_bindgen(js_name = buildRequest)]
pub fn build_request(input: &str) -> Result<String, String> {
    done(gateway::build_request_json(input, Origin::Js))
}

#[wasm_bindgen(js_name = signRequest)]
pub fn sign_request(input: &str) -> Result<String, String> {
    done(gateway::sign_request_json(input, Origin::Js))
}

#[wasm_bindgen]
pub fn signature(input: &str) -> Result<String, String> {
    done(gateway::signature_json(input, Origin::Js))
}

#[wasm_bindgen(js_name = parseResponse)]
pub fn parse_response(input: &str) -> Result<String, String> {
    done(gateway::parse_response_json(input, Origin::Js))
}

#[wasm_bindgen(js_name = verifyPush)]
pub fn verify_push(input: &str) -> Result<String, String> {
    done(gateway::verify_push_json(input, Origin::Js))
}

#[wasm_bindgen(js_name = authorizeUrl)]
pub fn authorize_url(input: &str) -> Result<String, String> {
    done(gateway::authorize_url_json(input, Origin::Js))
}

/// The raw signer; `pkg/lib/api.mjs` wraps it in the public `Signer` class.
#[wasm_bindgen(js_name = RawSigner)]
pub struct RawSigner(gateway::Signer);

#[wasm_bindgen(js_class = RawSigner)]
impl RawSigner {
    #[wasm_bindgen(constructor)]
    pub fn new(input: &str) -> Result<RawSigner, String> {
        gateway::Signer::from_json(input, Origin::Js).map(RawSigner).map_err(|e| e.to_json())
    }

    #[wasm_bindgen(getter = appKey)]
    pub fn app_key(&self) -> String {
        self.0.app_key().to_string()
    }

    pub fn sign(&self, input: &str) -> Result<String, String> {
        done(self.0.sign_json(input, Origin::Js))
    }

    #[wasm_bindgen(js_name = verifyPush)]
    pub fn verify_push(&self, body: &str) -> Result<String, String> {
        done(self.0.verify_push_json(body, Origin::Js))
    }
}
