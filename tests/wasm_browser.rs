//! The binding as JavaScript sees it, in headless Chromium (`WASM_BINDGEN_TEST_ONLY_WEB=1`).
#![cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
mod wasm_common;
