//! Helpers shared by the fuzz targets (included with `#[path]`, so each target only uses some).
#![allow(dead_code)]

use kjb::{ErrorCode, KjbError};

/// Largest integer a JS `number` holds exactly.
pub const MAX_SAFE: &str = "9007199254740991";

/// Any input may be refused, but never with `INTERNAL` (which means a bug in kjb).
pub fn not_internal(what: &str, input: &str, e: &KjbError) {
    assert!(e.code != ErrorCode::Internal, "{what}: INTERNAL error {e:?} for input {input:?}");
}

/// The integer number tokens of a JSON text (outside strings) whose magnitude exceeds 2^53 − 1:
/// a JS `JSON.parse` would round them.
pub fn unsafe_integers(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() {
                    match b[i] {
                        b'\\' => i += 2,
                        b'"' => break,
                        _ => i += 1,
                    }
                }
                i += 1;
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i < b.len() && matches!(b[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') {
                    i += 1;
                }
                let tok = &text[start..i];
                let integer = !tok.contains(['.', 'e', 'E']);
                let digits = tok.trim_start_matches('-').trim_start_matches('0');
                if integer && (digits.len() > MAX_SAFE.len() || (digits.len() == MAX_SAFE.len() && digits > MAX_SAFE)) {
                    out.push(tok.to_string());
                }
            }
            _ => i += 1,
        }
    }
    out
}

/// A CNY amount as the contract prints it: digits, a dot, exactly two digits.
pub fn is_cny_out(s: &str) -> bool {
    match s.split_once('.') {
        Some((i, f)) => !i.is_empty() && i.bytes().all(|c| c.is_ascii_digit()) && f.len() == 2 && f.bytes().all(|c| c.is_ascii_digit()),
        None => false,
    }
}
