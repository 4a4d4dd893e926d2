//! kjb: pay 1688.com suppliers through KJB (跨境宝).
//!
//! The crate is a pure-Rust, sans-IO core — rules, fees, planning, signing, parsing — with no
//! JavaScript and no I/O in it, testable with plain `cargo test`. [`api`] is its JSON-text
//! façade and the only public module; the `wasm` module (wasm32 only) is the one thin binding
//! that exports that façade to JavaScript, where `pkg/` adds `fetch`, `KjbError` and loading.
//!
//! The modules are layered (README "Layout"): a module imports only from its own layer or
//! below. Text helpers ([`text`](crate::text), `case`, `sort`, `time`) use nothing of the
//! crate; `error` and `json` use only those; `money` and `order` the layers below; the rules
//! (`fee`, `reason`, `prohibited`, `out`, `eligibility`, `plan`) and the `gateway` sit side by
//! side above them; `import` and `payment` read gateway answers into the rules' terms; [`api`]
//! uses them all, and `wasm` uses only [`api`].
#![warn(unreachable_pub)]

// Leaf: text helpers.
mod case;
mod seen;
mod sort;
mod text;
mod time;

// Reading input, reporting errors.
mod error;
mod json;

// Values and the order model.
mod decimal;
mod money;
mod order;

// The rules.
mod eligibility;
mod fee;
mod out;
mod plan;
mod prohibited;
mod reason;

// The 1688 gateway.
mod gateway;

// Gateway answers read into kjb's terms.
mod import;
mod payment;

pub mod api;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use error::{ErrorCode, KjbError, Result};

/// What the fuzz targets (`fuzz/`) and benchmarks (`benches/`) reach below the façade: the
/// value readers and the form and signing primitives, to test them against references. Not
/// part of the crate's API.
#[doc(hidden)]
pub mod internals {
    /// Money and id readers and printers.
    pub mod money {
        pub use crate::decimal::Decimal;
        pub use crate::json::Raw;
        pub use crate::money::{
            cny, cny_str, fmt_cny, fmt_rate, fx, order_id, rate, usd, MAX_SAFE_INTEGER,
        };
    }
    /// `application/x-www-form-urlencoded` writing and reading.
    pub mod form {
        pub use crate::gateway::form::{decode, encode_into, encode_pairs, encoded_len, parse};
    }
    /// The `_aop_signature` algorithm.
    pub mod sign {
        pub use crate::gateway::sign::{sign, Secret};
    }
    pub use crate::json::strip_bom;
}
