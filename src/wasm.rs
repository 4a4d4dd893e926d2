//! The binding: every export takes and returns JSON text, and throws a JSON-text error that the
//! JS layer (`pkg/lib/api.mjs`) rebuilds into a `KjbError`. Keeping the boundary to strings
//! makes each call two copies instead of thousands of property reads, and keeps this file free
//! of logic. Inputs here were printed by `JSON.stringify` from caller objects ([`Origin::Js`]);
//! `orders_text` is a JSON text the caller handed over as is ([`Origin::Text`] inside).

use crate::json::Origin;
use crate::{api, eligibility, gateway, plan};
use wasm_bindgen::prelude::*;

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

#[wasm_bindgen(js_name = checkOrders)]
pub fn check_orders(input: &str, orders_text: Option<String>) -> Result<String, String> {
    done(eligibility::check_orders_json(input, orders_text.as_deref(), Origin::Js))
}

#[wasm_bindgen(js_name = planPayment)]
pub fn plan_payment(input: &str, orders_text: Option<String>) -> Result<String, String> {
    done(plan::plan_payment_json(input, orders_text.as_deref(), Origin::Js))
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
