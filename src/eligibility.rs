//! Which orders KJB can pay, and why not (kjb-rules.md §1–2).

use crate::error::{KjbError, Result};
use crate::json::Origin;

/// `checkOrders(c)`; `orders_text` is the `orders` JSON text when the caller gave it as text.
pub fn check_orders_json(_input: &str, _orders_text: Option<&str>, _origin: Origin) -> Result<String> {
    Err(KjbError::internal("checkOrders is not implemented yet"))
}
