//! The binding: every export takes JSON text and returns JSON text, and throws a JSON-text
//! error that the JS layer (`pkg/lib/api.mjs`) rebuilds into a `KjbError`. Keeping the
//! boundary to text makes each call two copies instead of thousands of property reads, and
//! keeps this file free of logic. Inputs were printed by `JSON.stringify` from caller objects
//! ([`Origin::Js`]); an orders text is a JSON text the caller handed over as is
//! ([`Origin::Text`] inside), or a big order list printed apart from the rest of its input.
//!
//! Inputs do not cross as `&str` but are [`stage`]d: the JS layer asks for a buffer of its
//! estimate, encodes the text straight into wasm memory with `TextEncoder.encodeInto`, grows
//! the buffer if the estimate was short, commits the length, and makes the call, which reads
//! the staged text. wasm-bindgen's string passing copies ASCII one character at a time in JS
//! (1.1 µs of a 7 µs signRequest) and reserves three bytes per UTF-16 unit first (4.7 MB of
//! orders grew the wasm memory by 13 MB before any work began, and wasm memory never shrinks).

use crate::api::{self, OrdersText, Origin};
use crate::{ErrorCode, KjbError};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use zeroize::Zeroize;

thread_local! {
    /// The staged input: written by JS between [`stage`] and [`stage_commit`], read by the
    /// next call. Small buffers are kept (cleared) for the next call; big ones are released.
    static STAGED: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Staging buffers up to this size are kept between calls, so small calls do not allocate.
const KEEP: usize = 1 << 16;

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
        if len > b.capacity() {
            // Grown by hand, not by `resize`: a reallocation that moves the bytes would free
            // the old block unwiped, and the text written so far may hold the app secret.
            let mut grown = Vec::with_capacity(len);
            grown.extend_from_slice(b);
            b.zeroize();
            *b = grown;
        }
        b.resize(len, 0);
        b.as_mut_ptr()
    })
}

/// Ends staging: the text is the first `written` bytes of the buffer.
#[wasm_bindgen(js_name = stageCommit)]
pub fn stage_commit(written: usize) {
    STAGED.with_borrow_mut(|b| {
        b.truncate(written);
        if b.capacity() > KEEP {
            // dlmalloc shrinks a block in place (it splits off the tail), so this moves nothing.
            b.shrink_to_fit();
        }
    })
}

/// Stages `bytes` from Rust: what the JS layer does with `TextEncoder`, for the wasm tests.
pub fn stage_bytes(bytes: &[u8]) {
    STAGED.with_borrow_mut(|b| {
        b.clear();
        b.extend_from_slice(bytes);
    })
}

/// Runs `f` on the staged text. `TextEncoder` only writes UTF-8; the check is for callers of
/// the raw exports, which could have written anything. Inputs of the small calls can carry
/// the app secret, so their buffer is wiped afterwards (`wipe`); order lists are not.
/// (`dyn`, not generic: one copy of this in the wasm, not one per export.)
fn staged(wipe: bool, f: &mut dyn FnMut(&str) -> Result<String, String>) -> Result<String, String> {
    let mut bytes = STAGED.with_borrow_mut(std::mem::take);
    let out = match std::str::from_utf8(&bytes) {
        Ok(text) => f(text),
        Err(e) => Err(KjbError::new(
            ErrorCode::InvalidJson,
            format!(
                "the staged input is not UTF-8 (byte {}): stage it with TextEncoder",
                e.valid_up_to()
            ),
        )
        .to_json()),
    };
    if wipe {
        bytes.zeroize();
    }
    if bytes.capacity() <= KEEP {
        bytes.clear();
        STAGED.set(bytes);
    }
    out
}

/// `orders` of `checkOrders`/`planPayment` (the JS layer's `ORDERS_*`): the staged text is the
/// order list the caller handed over as text.
const ORDERS_CALLER_TEXT: u8 = 1;
/// The staged text is the order list the JS layer printed from the caller's array.
const ORDERS_PRINTED: u8 = 2;

/// Runs `f(input, orders)` with the staged text where the call put it: `input` is the call's
/// JSON text, or `None` when the whole input was staged; `orders` says whether the staged text
/// is the order list, and whose text it is (any other value: the list is in the input).
fn with_staged(
    input: Option<String>,
    orders: u8,
    f: &dyn Fn(&str, Option<OrdersText<'_>>) -> crate::Result<String>,
) -> Result<String, String> {
    let origin = match orders {
        ORDERS_CALLER_TEXT => Some(Origin::Text),
        ORDERS_PRINTED => Some(Origin::Js),
        _ => None,
    };
    match (input, origin) {
        (Some(input), None) => done(f(&input, None)),
        (Some(input), Some(origin)) => {
            staged(false, &mut |text| done(f(&input, Some(OrdersText { text, origin }))))
        }
        (None, _) => staged(false, &mut |input| done(f(input, None))),
    }
}

/// A call whose whole input is the staged JSON text.
fn staged_json(f: &dyn Fn(&str, Origin) -> crate::Result<String>) -> Result<String, String> {
    staged(true, &mut |input| done(f(input, Origin::Js)))
}

/// The stack a whole secret-carrying export may use below [`secret_json`], in 8-byte words,
/// with room to spare: parsing the input, preparing and signing a request.
/// `tests/node/secret-memory.test.cjs` checks that those calls stay within it.
const CALL_SCRUB_WORDS: usize = 1024;

/// [`staged_json`] for a call whose input or signer holds the app secret: afterwards the stack
/// the call used is zeroed, whatever the optimiser spilled there along the way (the core
/// already wipes its key material; this is the second line).
fn secret_json(f: &dyn Fn(&str, Origin) -> crate::Result<String>) -> Result<String, String> {
    let out = staged_json(f);
    api::scrub_stack::<CALL_SCRUB_WORDS>();
    out
}

fn done(r: crate::Result<String>) -> Result<String, String> {
    r.map_err(|e| e.to_json())
}

#[wasm_bindgen(js_name = feeSchedule)]
pub fn fee_schedule() -> Result<String, String> {
    done(api::fee_schedule())
}

#[wasm_bindgen(js_name = quoteFee)]
pub fn quote_fee() -> Result<String, String> {
    staged_json(&api::quote_fee)
}

#[wasm_bindgen(js_name = orderIds)]
pub fn order_ids() -> Result<String, String> {
    staged_json(&api::order_ids)
}

fn form(compact: bool) -> api::Form {
    if compact {
        api::Form::Compact
    } else {
        api::Form::Full
    }
}

/// `input`/`orders`: see [`with_staged`]; `compact`: reasons as [`api::Form::Compact`].
#[wasm_bindgen(js_name = checkOrders)]
pub fn check_orders(input: Option<String>, orders: u8, compact: bool) -> Result<String, String> {
    with_staged(input, orders, &|i, o| api::check_orders_apart(i, o, Origin::Js, form(compact)))
}

/// `input`/`orders`: see [`with_staged`]; `compact`: reasons as [`api::Form::Compact`].
#[wasm_bindgen(js_name = planPayment)]
pub fn plan_payment(input: Option<String>, orders: u8, compact: bool) -> Result<String, String> {
    with_staged(input, orders, &|i, o| api::plan_payment_apart(i, o, Origin::Js, form(compact)))
}

/// The table compact reasons are expanded with ([`api::reason_table`]).
#[wasm_bindgen(js_name = reasonTable)]
pub fn reason_table() -> String {
    api::reason_table()
}

#[wasm_bindgen(js_name = buildRequest)]
pub fn build_request() -> Result<String, String> {
    staged_json(&api::build_request)
}

#[wasm_bindgen(js_name = signRequest)]
pub fn sign_request() -> Result<String, String> {
    secret_json(&api::sign_request)
}

#[wasm_bindgen]
pub fn signature() -> Result<String, String> {
    secret_json(&api::signature)
}

#[wasm_bindgen(js_name = parseResponse)]
pub fn parse_response() -> Result<String, String> {
    staged_json(&api::parse_response)
}

#[wasm_bindgen(js_name = verifyPush)]
pub fn verify_push() -> Result<String, String> {
    secret_json(&api::verify_push)
}

#[wasm_bindgen(js_name = authorizeUrl)]
pub fn authorize_url() -> Result<String, String> {
    secret_json(&api::authorize_url)
}

#[wasm_bindgen(js_name = parseToken)]
pub fn parse_token() -> Result<String, String> {
    staged_json(&api::parse_token)
}

/// Wipes the staging buffer, spare capacity included: the JS layer calls it once it has read
/// a secret-bearing answer out of it ([`RawSigner::token_request`]).
#[wasm_bindgen(js_name = stageWipe)]
pub fn stage_wipe() {
    STAGED.with_borrow_mut(|b| b.zeroize());
}

/// Puts `bytes` into the staging buffer for JS to read (at `stage(len)`), instead of
/// returning them as a string: the glue frees a returned string's block unwiped.
fn stage_out(bytes: &[u8]) -> usize {
    STAGED.with_borrow_mut(|b| {
        if bytes.len() > b.capacity() {
            b.zeroize();
            *b = Vec::with_capacity(bytes.len());
        }
        b.clear();
        b.extend_from_slice(bytes);
        b.len()
    })
}

#[wasm_bindgen(js_name = ordersFrom1688)]
pub fn orders_from_1688() -> Result<String, String> {
    staged(false, &mut |input| done(api::orders_from_1688(input, Origin::Js)))
}

#[wasm_bindgen(js_name = paymentState)]
pub fn payment_state() -> Result<String, String> {
    staged(false, &mut |input| done(api::payment_state(input, Origin::Js)))
}

/// The raw signer; `pkg/lib/api.mjs` wraps it in the public `Signer` class.
#[wasm_bindgen(js_name = RawSigner)]
pub struct RawSigner(api::Signer);

#[wasm_bindgen(js_class = RawSigner)]
impl RawSigner {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Result<RawSigner, String> {
        let mut signer = None;
        let made = staged(true, &mut |input| {
            signer = Some(api::Signer::from_json(input, Origin::Js).map_err(|e| e.to_json())?);
            Ok(String::new())
        });
        api::scrub_stack::<CALL_SCRUB_WORDS>();
        made?;
        signer
            .map(RawSigner)
            .ok_or_else(|| KjbError::new(ErrorCode::Internal, "the signer was not made").to_json())
    }

    #[wasm_bindgen(getter = appKey)]
    pub fn app_key(&self) -> String {
        self.0.app_key().to_string()
    }

    pub fn sign(&self) -> Result<String, String> {
        secret_json(&|input, origin| self.0.sign_json(input, origin))
    }

    #[wasm_bindgen(js_name = verifyPush)]
    pub fn verify_push(&self) -> Result<String, String> {
        secret_json(&|body, origin| self.0.verify_push_json(body, origin))
    }

    /// The OAuth token request `{url, body}` (the body carries the app secret): left in the
    /// staging buffer, its length returned; JS reads it at `stage(len)` and calls `stageWipe`.
    #[wasm_bindgen(js_name = tokenRequest)]
    pub fn token_request(&self) -> Result<usize, String> {
        let made = (|| {
            let mut out = None;
            staged(true, &mut |input| {
                out = Some(self.0.token_request_json(input, Origin::Js).map_err(|e| e.to_json())?);
                Ok(String::new())
            })?;
            let out = out.ok_or_else(|| {
                KjbError::new(ErrorCode::Internal, "the token request was not made").to_json()
            })?;
            Ok(stage_out(out.as_bytes()))
        })();
        api::scrub_stack::<CALL_SCRUB_WORDS>();
        made
    }
}
