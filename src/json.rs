//! Reading JSON text under kjb's input policy, and writing kjb's answers ([`to_json`]).
//!
//! Both sides are kjb's own serde implementations (`de`, `ser`): they read and write what
//! serde_json does, without its code in the module. The reader adds what the contract asks
//! and serde_json does not offer: a leading BOM is ignored, nesting deeper than [`MAX_DEPTH`]
//! and repeated keys are refused (a repeated `amount` is how a forged order would slip a
//! second value past a reviewer), and every failure becomes a [`KjbError`] with a path or a
//! position.

mod de;
mod float;
mod ser;
mod value;

pub(crate) use value::{Fragment, Map, Value};

use crate::error::{ErrorCode, KjbError, Result};
pub(crate) use de::{unescape_at, Quote};
pub(crate) use ser::{write_value, Escape};
use serde::de::Deserialize;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeSet;

/// Serialises an output; our output types hold only strings, numbers and booleans.
///
/// The text is compact JSON in pure ASCII: every non-ASCII character of a string is written
/// as a `\uXXXX` escape ([`Escape::Ascii`]). It reads back (`JSON.parse`, serde_json) into
/// exactly the same strings; what changes is the cost of getting it into JavaScript, which
/// decodes the answer from wasm memory with `TextDecoder`: ASCII decodes about 4× faster than
/// UTF-8 with Chinese in it (a 10,000-order plan: 1.5 ms instead of 6.3 ms, for 0.4 ms more
/// `JSON.parse`).
pub(crate) fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    let mut out = String::with_capacity(256);
    ser::write(value, Escape::Ascii, &mut out).map_err(unwritten)?;
    Ok(out)
}

/// Out of line: `to_json` is instantiated for every answer type.
#[cold]
#[inline(never)]
fn unwritten(e: ser::Error) -> KjbError {
    KjbError::internal(format!("could not serialise the answer: {e}"))
}

/// [`to_json`] for a [`Value`] tree.
pub(crate) fn value_to_json(value: &Value) -> String {
    let mut out = String::with_capacity(256);
    write_value(value, Escape::Ascii, &mut out);
    out
}

/// A JSON value as written, borrowed from the input: a string with its quotes, a number's
/// digits, an object's text. Read through the raw-value protocol serde_json defined for its
/// `&RawValue` (a newtype named `$serde_json::private::RawValue`, handed over as a map of one
/// entry), which kjb's reader (`de`) speaks; unlike `&RawValue` it can also be made from a
/// slice of the text, as the fast reader of order lists does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Raw<'a>(pub &'a str);

impl<'a> Raw<'a> {
    /// The value's text.
    pub fn get(self) -> &'a str {
        self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Raw<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for V<'a> {
            type Value = Raw<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("any valid JSON value")
            }
            fn visit_map<M: serde::de::MapAccess<'de>>(
                self,
                mut m: M,
            ) -> std::result::Result<Raw<'a>, M::Error> {
                match m.next_key::<serde::de::IgnoredAny>()? {
                    Some(_) => m.next_value::<&'de str>().map(Raw),
                    None => Err(serde::de::Error::invalid_length(0, &self)),
                }
            }
        }
        d.deserialize_newtype_struct(value::RAW, V(std::marker::PhantomData))
    }
}

/// Written into an answer as it is.
impl serde::Serialize for Raw<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        Fragment(Cow::Borrowed(self.0)).serialize(s)
    }
}

/// A JSON string, borrowed from the input when it has no escapes: titles of 100,000 items
/// should not each be copied. Used for order fields and for the keys of gateway parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Str<'a>(pub Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for V<'a> {
            type Value = Str<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: serde::de::Error>(
                self,
                v: &'de str,
            ) -> std::result::Result<Str<'a>, E> {
                Ok(Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<Str<'a>, E> {
                Ok(Str(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: serde::de::Error>(
                self,
                v: String,
            ) -> std::result::Result<Str<'a>, E> {
                Ok(Str(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V(std::marker::PhantomData))
    }
}

impl Str<'_> {
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

/// Deepest nesting accepted in any JSON input (objects and arrays count alike).
pub(crate) const MAX_DEPTH: usize = 64;

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

/// Parses `text` into `T` under the policy; errors carry the failing field's path.
pub(crate) fn parse<'a, T: Deserialize<'a>>(text: &'a str) -> Result<T> {
    read(text).map_err(Unread::into_error)
}

/// Why a text was not read.
pub(crate) enum Unread {
    /// The input policy refused it: a repeated key or too deep a nesting, wherever in the text
    /// it is — even past the point where reading stopped at a value of the wrong type, as the
    /// policy comes first.
    Policy(KjbError),
    /// It is not JSON, or not of the shape asked for.
    Read(KjbError),
}

impl Unread {
    pub(crate) fn into_error(self) -> KjbError {
        match self {
            Unread::Policy(e) | Unread::Read(e) => e,
        }
    }
}

/// [`parse`], telling a policy refusal from the rest: callers word the two differently.
pub(crate) fn read<'a, T: Deserialize<'a>>(text: &'a str) -> std::result::Result<T, Unread> {
    let text = strip_bom(text);
    de::from_str(text).map_err(|e| unread(text, e))
}

/// The reader checks the policy as it reads, so the whole-text scan runs only after a failure,
/// to find a refusal further on than where reading stopped.
#[cold]
#[inline(never)]
fn unread(text: &str, e: KjbError) -> Unread {
    match precheck(text) {
        Err(p) => Unread::Policy(p),
        Ok(()) => Unread::Read(e),
    }
}

/// Reads `text` whole into a [`Value`] tree, under the same policy as [`parse`].
pub(crate) fn parse_value(text: &str) -> Result<Value> {
    de::value(strip_bom(text), &|_, _| false)
}

/// [`parse_value`], with the numbers `quote` names held as strings of their text, and a policy
/// refusal told apart as [`read`] does.
pub(crate) fn read_value(text: &str, quote: Quote<'_>) -> std::result::Result<Value, Unread> {
    let text = strip_bom(text);
    de::value(text, quote).map_err(|e| unread(text, e))
}

#[cold]
#[inline(never)]
fn scan_error(text: &str, offset: usize, message: String) -> KjbError {
    let (line, column) = de::position(text, offset);
    let mut e =
        KjbError::new(ErrorCode::InvalidJson, format!("{message} (line {line}, column {column})"));
    e.line = Some(line);
    e.column = Some(column);
    e
}

struct Frame<'a> {
    is_object: bool,
    /// The next string in this object is a key.
    expect_key: bool,
    /// Index into the shared key stack where this object's keys start.
    keys_from: usize,
    big: Option<BTreeSet<Cow<'a, str>>>,
}

/// Checks nesting depth and duplicate keys in one pass over the bytes, without building a tree.
/// It is not a validator: whatever it lets through, the reader still parses strictly.
fn precheck(text: &str) -> Result<()> {
    let bytes = text.as_bytes();
    // Room for the usual nesting and key counts up front: small calls allocate once each.
    let mut frames: Vec<Frame<'_>> = Vec::with_capacity(8);
    let mut keys: Vec<Cow<'_, str>> = Vec::with_capacity(16);
    let mut i = 0usize;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => {
                let start = i;
                let mut escaped = false;
                i = i.saturating_add(1);
                loop {
                    i = de::skip_plain(bytes, i);
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
                            match de::from_str::<String>(raw) {
                                Ok(k) => Cow::Owned(k),
                                Err(_) => return Ok(()), // bad escape: serde_json reports it
                            }
                        } else {
                            Cow::Borrowed(raw.get(1..raw.len().saturating_sub(1)).unwrap_or(""))
                        };
                        let dup = !de::add_key(&mut keys, frame.keys_from, &mut frame.big, &key);
                        if dup {
                            return Err(scan_error(
                                text,
                                start,
                                format!(
                                    "duplicate key \"{key}\" in one object: send each key once"
                                ),
                            ));
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
                frames.push(Frame {
                    is_object: b == b'{',
                    expect_key: b == b'{',
                    keys_from: keys.len(),
                    big: None,
                });
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
    use crate::text::join_path;
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
        for text in [r#"{"a":1,"a":2}"#, r#"{"a":1,"x":{"k":1,"k":2}}"#, r#"{"a":1,"\u0061":2}"#] {
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

    /// Around the switch from the list to the set: a repeat of the first key, of the key that
    /// made the switch, and of the one after it are all caught — by the reader, and by the
    /// policy scan that runs when reading stopped earlier (at `"a"`, a string).
    #[test]
    fn repeats_are_caught_across_the_switch_to_the_set() {
        for a in ["1", "\"x\""] {
            for n in [de::LINEAR_KEYS - 1, de::LINEAR_KEYS, de::LINEAR_KEYS + 1] {
                let keys: Vec<String> = (0..=n).map(|i| format!("k{i}")).collect();
                for again in [&keys[0], &keys[n - 1], &keys[n]] {
                    let mut s = format!("{{\"a\":{a}");
                    for k in keys.iter().chain([again]) {
                        s.push_str(&format!(",\"{k}\":0"));
                    }
                    s.push('}');
                    let e = parse::<Doc>(&s).unwrap_err();
                    assert_eq!(e.code, ErrorCode::InvalidJson, "{s}");
                    let want = format!("duplicate key \"{again}\"");
                    assert!(e.message.contains(&want), "{s}: {}", e.message);
                }
                let mut s = String::from("{\"a\":1");
                for k in &keys {
                    s.push_str(&format!(",\"{k}\":0"));
                }
                s.push('}');
                parse::<Doc>(&s).unwrap();
            }
        }
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

    /// Malformed texts are explained in the words of JSON, not of serde_json's parser.
    #[test]
    fn syntax_errors_are_in_plain_words() {
        let texts = [
            "[1, 2",
            "{\"a\":1",
            "\"abc",
            "",
            "{\"a\" 1}",
            "[1 2]",
            "{\"a\":1 \"b\":2}",
            "[True]",
            "[tru]",
            "[,]",
            "{a:1}",
            "[\"\\x\"]",
            "[01]",
            "[1.]",
            "[\"a\tb\"]",
            "[1,]",
            "{\"a\":1,}",
            "[1] x",
            "[1e999999]",
            "[\"\\uZZZZ\"]",
        ];
        let raw = [
            "EOF while",
            "expected ident",
            "expected value",
            "expected `",
            "key must be a string",
            "trailing",
            "invalid escape",
            "invalid number",
            "control character (\\u0000",
            "out of range",
        ];
        for text in texts {
            let e = parse::<serde_json::Value>(text).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidJson, "{text}");
            assert!(!raw.iter().any(|r| e.message.contains(r)), "{text}: {}", e.message);
            assert!(
                e.message.starts_with("invalid JSON: ") || e.message.contains("line"),
                "{text}: {}",
                e.message
            );
        }
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

    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Outer {
        orders: Vec<Order>,
        buyer: Buyer,
    }
    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Order {
        id: String,
        supplier: Buyer,
        #[serde(default)]
        tags: Vec<u8>,
    }
    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Buyer {
        ok: bool,
    }

    #[test]
    fn paths_from_positions() {
        let cases = [
            (r#"{"orders":[{"id":"1","supplier":{"ok":true}},{"id":"2","supplier":{"ok":"yes"}}],"buyer":{"ok":true}}"#, "orders[1].supplier.ok"),
            (r#"{"orders":[{"id":"1","supplier":{"ok":true}},{"id":2,"supplier":{"ok":true}}],"buyer":{"ok":true}}"#, "orders[1].id"),
            (r#"{"orders":[{"id":"1","supplier":{}}],"buyer":{"ok":true}}"#, "orders[0].supplier.ok"),
            (r#"{"orders":[{"id":"1"}],"buyer":{"ok":true}}"#, "orders[0].supplier"),
            (r#"{"orders":[],"buyer":{"ok":1}}"#, "buyer.ok"),
            (r#"{"orders":[]}"#, "buyer"),
            (r#"{"orders":{},"buyer":{"ok":true}}"#, "orders"),
            (r#"{"orders":[{"id":"1","supplier":{"ok":true},"tags":[1,2,300]}],"buyer":{"ok":true}}"#, "orders[0].tags[2]"),
            (r#"{"orders":[{"id":"1","supplier":{"ok":true},"tags":[1,"x"]}],"buyer":{"ok":true}}"#, "orders[0].tags[1]"),
            ("{\n \"orders\": [\n  {\"id\": \"1\", \"supplier\": {\"ok\": null}}\n ],\n \"buyer\": {\"ok\": true}\n}", "orders[0].supplier.ok"),
            (r#"{"orders":[{"id":"1","supplier":{"ok":true}},"x"],"buyer":{"ok":true}}"#, "orders[1]"),
            (r#"{"a\"b":1,"orders":[{"id":"1","supplier":{"ok":[]}}],"buyer":{"ok":true}}"#, "orders[0].supplier.ok"),
        ];
        for (text, want) in cases {
            let e = parse::<Outer>(text).unwrap_err();
            assert_eq!(e.path.as_deref(), Some(want), "{text}: {}", e.message);
        }
    }

    #[test]
    fn lone_surrogates_are_explained() {
        for text in [
            r#"{"a":1,"b":[{"c":"\ud800"}]}"#,
            r#"{"a":1,"b":[{"c":"x\udc00y"}]}"#,
            r#"{"a":1,"b":[{"c":"\ud800\u0041"}]}"#,
        ] {
            let e = parse::<Doc>(text).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidJson, "{text}");
            assert!(e.message.contains("surrogate pair"), "{text}: {}", e.message);
        }
        let e = parse::<Doc>(r#"{"a":1,"b":[{"c":"\u12"}]}"#).unwrap_err();
        assert!(!e.message.contains("surrogate"), "{}", e.message);
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
