//! Reading JSON text under kjb's input policy.
//!
//! serde_json does the parsing; this module adds what the contract asks on top of it and what
//! serde_json does not offer: a leading BOM is ignored, nesting deeper than [`MAX_DEPTH`] and
//! repeated keys are refused (a repeated `amount` is how a forged order would slip a second
//! value past a reviewer), and every failure becomes a [`KjbError`] with a path or a position.

use crate::error::{ErrorCode, KjbError, Result};
use serde::de::Deserialize;
use std::borrow::Cow;
use std::collections::HashSet;

/// Deepest nesting accepted in any JSON input (objects and arrays count alike).
pub const MAX_DEPTH: usize = 64;

/// Where the numbers of a JSON text came from, which decides whether a large integer can be
/// trusted: JSON text read by us keeps every digit, while a JS `number` above 2^53 − 1 was
/// already rounded before `JSON.stringify` printed it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Text written by a program or a person and handed over as text (a file, an HTTP body).
    Text,
    /// Text printed by the JS layer from caller objects with `JSON.stringify`.
    Js,
}

/// Strips a leading UTF-8 BOM.
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Parses `text` into `T` after the policy checks; errors carry the failing field's path.
pub fn parse<'a, T: Deserialize<'a>>(text: &'a str) -> Result<T> {
    let text = strip_bom(text);
    precheck(text)?;
    match serde_json::from_str::<T>(text) {
        Ok(v) => Ok(v),
        // Run again with path tracking only on failure: the happy path stays at full speed.
        Err(_) => Err(explain::<T>(text)),
    }
}

fn explain<'a, T: Deserialize<'a>>(text: &'a str) -> KjbError {
    let mut de = serde_json::Deserializer::from_str(text);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(_) => KjbError::new(ErrorCode::InvalidJson, "the JSON text could not be read"),
        Err(e) => {
            let path = e.path().to_string();
            let inner = e.into_inner();
            from_serde(&inner, if path == "." { "" } else { &path })
        }
    }
}

/// Turns a serde_json error into a `KjbError`: syntax problems are `INVALID_JSON` with a
/// position, shape problems `INVALID_INPUT` (or the code a custom deserializer chose) with a path.
pub fn from_serde(e: &serde_json::Error, path: &str) -> KjbError {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let msg = full.strip_suffix(&suffix).unwrap_or(&full);
    let (code, msg) = split_coded(msg);
    let mut err = if e.is_syntax() || e.is_eof() {
        KjbError::at(ErrorCode::InvalidJson, path, format!("invalid JSON: {msg}"))
    } else if let Some(field) = missing_field(msg) {
        // serde reports a missing field at its parent; the caller needs the field itself.
        let full = join_path(path, field);
        KjbError::at(ErrorCode::InvalidInput, full.as_str(), format!("{full} is required but missing (an undefined value counts as missing)"))
    } else {
        KjbError::at(code.unwrap_or(ErrorCode::InvalidInput), path, msg.to_string())
    };
    if e.line() > 0 {
        err.line = Some(e.line());
        err.column = Some(e.column());
    }
    err
}

fn missing_field(msg: &str) -> Option<&str> {
    msg.strip_prefix("missing field `")?.strip_suffix('`')
}

const CODE_MARK: char = '\u{1}';

/// A serde error message that carries a kjb error code, for custom `Deserialize` impls.
pub fn coded_message(code: ErrorCode, message: &str) -> String {
    format!("{CODE_MARK}{}{CODE_MARK}{message}", code.as_str())
}

fn split_coded(msg: &str) -> (Option<ErrorCode>, &str) {
    let Some(rest) = msg.strip_prefix(CODE_MARK) else { return (None, msg) };
    let Some((code, text)) = rest.split_once(CODE_MARK) else { return (None, msg) };
    let code = ErrorCode::ALL.iter().copied().find(|c| c.as_str() == code);
    (code, text)
}

/// Joins a field path: `join_path("orders[2]", "amount")` is `orders[2].amount`.
pub fn join_path(prefix: &str, rest: &str) -> String {
    match (prefix.is_empty(), rest.is_empty()) {
        (true, _) => rest.to_string(),
        (false, true) => prefix.to_string(),
        (false, false) if rest.starts_with('[') => format!("{prefix}{rest}"),
        (false, false) => format!("{prefix}.{rest}"),
    }
}

/// Line and column (1-based, columns in characters) of byte `offset` in `text`.
fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count().saturating_add(1);
    let col = match before.rfind('\n') {
        Some(nl) => before.get(nl.saturating_add(1)..).unwrap_or("").chars().count(),
        None => before.chars().count(),
    };
    (line, col.saturating_add(1))
}

fn scan_error(text: &str, offset: usize, message: String) -> KjbError {
    let (line, column) = position(text, offset);
    let mut e = KjbError::new(ErrorCode::InvalidJson, format!("{message} (line {line}, column {column})"));
    e.line = Some(line);
    e.column = Some(column);
    e
}

/// Objects with more keys than this switch from a linear scan to a hash set, so a hostile
/// object with 100,000 keys costs O(n), not O(n²).
const LINEAR_KEYS: usize = 24;

struct Frame<'a> {
    is_object: bool,
    /// The next string in this object is a key.
    expect_key: bool,
    /// Index into the shared key stack where this object's keys start.
    keys_from: usize,
    big: Option<HashSet<Cow<'a, str>>>,
}

/// Checks nesting depth and duplicate keys in one pass over the bytes, without building a tree.
/// It is not a validator: whatever it lets through, serde_json still parses strictly.
pub fn precheck(text: &str) -> Result<()> {
    let bytes = text.as_bytes();
    let mut frames: Vec<Frame<'_>> = Vec::new();
    let mut keys: Vec<Cow<'_, str>> = Vec::new();
    let mut i = 0usize;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => {
                let start = i;
                let mut escaped = false;
                i = i.saturating_add(1);
                loop {
                    match bytes.get(i) {
                        None => return Ok(()), // unterminated: serde_json reports it with position
                        Some(b'\\') => {
                            escaped = true;
                            i = i.saturating_add(2);
                        }
                        Some(b'"') => break,
                        Some(_) => i = i.saturating_add(1),
                    }
                }
                let end = i; // index of the closing quote
                if let Some(frame) = frames.last_mut() {
                    if frame.is_object && frame.expect_key {
                        frame.expect_key = false;
                        let raw = text.get(start..=end).unwrap_or("");
                        let key: Cow<'_, str> = if escaped {
                            match serde_json::from_str::<String>(raw) {
                                Ok(k) => Cow::Owned(k),
                                Err(_) => return Ok(()), // bad escape: serde_json reports it
                            }
                        } else {
                            Cow::Borrowed(raw.get(1..raw.len().saturating_sub(1)).unwrap_or(""))
                        };
                        let dup = if let Some(set) = frame.big.as_mut() {
                            !set.insert(key.clone())
                        } else {
                            let mine = keys.get(frame.keys_from..).unwrap_or(&[]);
                            let dup = mine.contains(&key);
                            if !dup && mine.len() >= LINEAR_KEYS {
                                let mut set: HashSet<Cow<'_, str>> = mine.iter().cloned().collect();
                                set.insert(key.clone());
                                frame.big = Some(set);
                            }
                            dup
                        };
                        if dup {
                            return Err(scan_error(
                                text,
                                start,
                                format!("duplicate key \"{key}\" in one object: send each key once"),
                            ));
                        }
                        if frame.big.is_none() {
                            keys.push(key);
                        }
                    }
                }
                i = end.saturating_add(1);
            }
            b'{' | b'[' => {
                if frames.len() >= MAX_DEPTH {
                    return Err(scan_error(
                        text,
                        i,
                        format!("JSON nests deeper than {MAX_DEPTH} levels"),
                    ));
                }
                frames.push(Frame { is_object: b == b'{', expect_key: b == b'{', keys_from: keys.len(), big: None });
                i = i.saturating_add(1);
            }
            b'}' | b']' => {
                if let Some(f) = frames.pop() {
                    keys.truncate(f.keys_from);
                }
                i = i.saturating_add(1);
            }
            b',' => {
                if let Some(f) = frames.last_mut() {
                    if f.is_object {
                        f.expect_key = true;
                    }
                }
                i = i.saturating_add(1);
            }
            _ => i = i.saturating_add(1),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Doc {
        a: u32,
        b: Option<Vec<Inner>>,
    }
    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Inner {
        c: bool,
    }

    #[test]
    fn bom_is_ignored() {
        let d: Doc = parse("\u{feff}{\"a\":1}").unwrap();
        assert_eq!(d.a, 1);
    }

    #[test]
    fn duplicate_keys_are_refused_even_when_unknown_or_escaped() {
        for text in [
            r#"{"a":1,"a":2}"#,
            r#"{"a":1,"x":{"k":1,"k":2}}"#,
            r#"{"a":1,"\u0061":2}"#,
        ] {
            let e = parse::<Doc>(text).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidJson, "{text}");
            assert!(e.message.contains("duplicate key"), "{}", e.message);
            assert!(e.line.is_some());
        }
        // The same key in sibling objects is fine.
        parse::<Doc>(r#"{"a":1,"b":[{"c":true},{"c":false}]}"#).unwrap();
    }

    #[test]
    fn many_keys_stay_linear_and_still_catch_duplicates() {
        let mut s = String::from("{\"a\":1");
        for i in 0..100_000 {
            s.push_str(&format!(",\"k{i}\":0"));
        }
        s.push('}');
        parse::<Doc>(&s).unwrap();
        s.pop();
        s.push_str(",\"k99\":1}");
        assert!(parse::<Doc>(&s).unwrap_err().message.contains("\"k99\""));
    }

    #[test]
    fn depth_is_bounded() {
        let ok = format!("{{\"a\":1,\"x\":{}{}}}", "[".repeat(63), "]".repeat(63));
        parse::<Doc>(&ok).unwrap();
        let deep = format!("{{\"a\":1,\"x\":{}{}}}", "[".repeat(64), "]".repeat(64));
        assert_eq!(parse::<Doc>(&deep).unwrap_err().code, ErrorCode::InvalidJson);
        let hostile = "[".repeat(100_000);
        assert_eq!(parse::<Doc>(&hostile).unwrap_err().code, ErrorCode::InvalidJson);
    }

    #[test]
    fn errors_have_paths_and_positions() {
        let e = parse::<Doc>(r#"{"a":1,"b":[{"c":true},{"c":"yes"}]}"#).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput);
        assert_eq!(e.path.as_deref(), Some("b[1].c"));
        let e = parse::<Doc>("{\"a\":1,\n \"b\": [}").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidJson);
        assert_eq!(e.line, Some(2));
        let e = parse::<Doc>("").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidJson);
    }

    #[test]
    fn join_paths() {
        assert_eq!(join_path("orders", "[2].amount"), "orders[2].amount");
        assert_eq!(join_path("orders[2]", "amount"), "orders[2].amount");
        assert_eq!(join_path("", "amount"), "amount");
        assert_eq!(join_path("orders", ""), "orders");
    }

    #[test]
    fn precheck_survives_garbage() {
        for t in ["\"", "\"\\", "{\"", "{\"a", "}}}]]]", "{\"\\u12\":1}", "\u{0}\u{1}"] {
            let _ = precheck(t);
        }
    }
}
