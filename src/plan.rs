//! Turning a batch of orders into gateway calls without losing one.

use crate::error::{KjbError, Result};
use crate::json::Origin;

/// `planPayment(p)`; `orders_text` is the `orders` JSON text when the caller gave it as text.
pub fn plan_payment_json(_input: &str, _orders_text: Option<&str>, _origin: Origin) -> Result<String> {
    Err(KjbError::internal("planPayment is not implemented yet"))
}
