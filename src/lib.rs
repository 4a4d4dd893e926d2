//! kjb: pay 1688.com suppliers through KJB (跨境宝).
//!
//! The crate is a pure-Rust, sans-IO core — rules, fees, planning, signing, parsing — with no
//! JavaScript and no I/O in it, testable with plain `cargo test`. [`api`] is its JSON-text
//! façade; the `wasm` module (wasm32 only) is the one thin binding that exports that façade to
//! JavaScript, where `pkg/` adds `fetch`, `KjbError` and loading.

pub mod api;
pub mod case;
pub mod eligibility;
pub mod error;
pub mod fee;
pub mod gateway;
pub mod import;
pub mod json;
pub mod money;
pub mod order;
pub mod out;
pub mod payment;
pub mod plan;
pub mod prohibited;
pub mod reason;
pub mod sort;
pub mod text;
pub mod time;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use error::{ErrorCode, KjbError, Result};
