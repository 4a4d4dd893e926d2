//! The binding as JavaScript sees it, in Node (`WASM_BINDGEN_TEST_ONLY_NODE=1`).
#![cfg(target_arch = "wasm32")]
mod wasm_common;
