//! kjb's JSON reader: a serde `Deserializer` over JSON text that applies the input policy as
//! it reads (depth, repeated keys, lone surrogates) and reports every failure with a path.
//!
//! serde_json's own deserializer inlines its whole parser into every type it reads — about
//! 30 input types here — and that was most of the wasm. This one keeps the parsing in plain
//! functions that are compiled once; what is generic (the `visit_*` calls each type needs) is
//! a few lines per method. Every `deserialize_*` but a handful goes through
//! `deserialize_any`, as JSON describes its own types.

use super::value::{Map as Members, Number, Value};
use super::MAX_DEPTH;
use crate::error::{ErrorCode, KjbError};
use crate::text::join_path;
use serde::de::{self, DeserializeSeed, Visitor};
use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fmt;

/// serde_json's name for its borrowed raw value (`&RawValue`), which reads the value's text.
const RAW_VALUE: &str = "$serde_json::private::RawValue";

/// Keys an object may have before the repeated-key check switches from a linear scan to an
/// ordered set, so a hostile object with 100,000 keys costs O(n log n), not O(n²).
pub(super) const LINEAR_KEYS: usize = 24;

/// A failure while reading; becomes a [`KjbError`] with the path where it happened.
pub(crate) struct Error(Box<Kind>);

enum Kind {
    /// Complete, path included.
    Ready(KjbError),
    /// A shape problem raised by a type being read; the reader adds the path.
    Shape(String),
    /// A required field was absent; the path is its object's, plus the field.
    Missing(&'static str),
}

impl Error {
    pub(crate) fn into_kjb(self) -> KjbError {
        match *self.0 {
            Kind::Ready(e) => e,
            Kind::Shape(m) => KjbError::new(ErrorCode::InvalidInput, m),
            Kind::Missing(f) => missing(f),
        }
    }
}

#[cold]
#[inline(never)]
fn missing(full: &str) -> KjbError {
    KjbError::at(
        ErrorCode::InvalidInput,
        full,
        format!("{full} is required but missing (an undefined value counts as missing)"),
    )
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("json::de::Error")
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.0 {
            Kind::Ready(e) => f.write_str(&e.message),
            Kind::Shape(m) => f.write_str(m),
            Kind::Missing(field) => write!(f, "missing field `{field}`"),
        }
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    #[cold]
    #[inline(never)]
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error(Box::new(Kind::Shape(msg.to_string())))
    }

    // serde's default words, with a number shown as written: its float arm would otherwise keep
    // the whole float printer in the wasm for a message.
    #[cold]
    #[inline(never)]
    fn invalid_type(unexp: de::Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        Error::custom(format_args!("invalid type: {}, expected {}", Unexpected(unexp), exp))
    }

    #[cold]
    #[inline(never)]
    fn invalid_value(unexp: de::Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        Error::custom(format_args!("invalid value: {}, expected {}", Unexpected(unexp), exp))
    }

    #[cold]
    #[inline(never)]
    fn missing_field(field: &'static str) -> Self {
        Error(Box::new(Kind::Missing(field)))
    }

    // serde's words, with the key quoted as `text::clip` quotes user text (serde would quote a
    // megabyte-long key whole, and a bidi control in it raw).
    #[cold]
    #[inline(never)]
    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        unknown("field", field, expected)
    }

    #[cold]
    #[inline(never)]
    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        unknown("variant", variant, expected)
    }
}

/// serde's "unknown field `x`, expected one of `a`, `b`" with `x` clipped.
fn unknown(what: &str, name: &str, expected: &[&str]) -> Error {
    let mut m = format!("unknown {what} `{}`, ", crate::text::clip(name));
    match expected {
        [] => {
            m.push_str("there are no ");
            m.push_str(what);
            m.push('s');
        }
        [one] => m.push_str(&format!("expected `{one}`")),
        [a, b] => m.push_str(&format!("expected `{a}` or `{b}`")),
        names => {
            m.push_str("expected one of ");
            for (i, n) in names.iter().enumerate() {
                if i > 0 {
                    m.push_str(", ");
                }
                m.push('`');
                m.push_str(n);
                m.push('`');
            }
        }
    }
    Error(Box::new(Kind::Shape(m)))
}

struct Unexpected<'a>(de::Unexpected<'a>);

/// Writes `s` for a message between quotes: `"` and `\` escaped and control characters as JSON
/// writes them, and the characters a reader cannot see or that reorder the text around them
/// (bidi controls, zero-width and other format characters, DEL and C1 controls) as `\u{…}`,
/// as Rust's `{:?}` does — which is not used, as it would keep the standard library's table of
/// printable characters in the wasm for this one message. Cut at 40 characters, as
/// [`crate::text::clip`] cuts.
fn quote_visibly(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    f.write_str(&crate::text::clip_with(s, 40, |out, c| {
        if c == '"' || c == '\\' {
            out.push('\\');
            out.push(c);
        } else {
            crate::text::push_visible(out, c);
        }
    }))
}

impl fmt::Display for Unexpected<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            de::Unexpected::Float(_) => f.write_str("a decimal number"),
            de::Unexpected::Unsigned(n) => write!(f, "integer `{n}`"),
            de::Unexpected::Signed(n) => write!(f, "integer `{n}`"),
            de::Unexpected::Str(s) => {
                f.write_str("string \"")?;
                quote_visibly(f, s)?;
                f.write_str("\"")
            }
            de::Unexpected::Bool(b) => write!(f, "boolean `{b}`"),
            de::Unexpected::Unit => f.write_str("null"),
            de::Unexpected::Seq => f.write_str("a list"),
            de::Unexpected::Map => f.write_str("an object"),
            de::Unexpected::Char(c) => write!(f, "character `{c}`"),
            de::Unexpected::Bytes(_) => f.write_str("bytes"),
            de::Unexpected::Option => f.write_str("an optional value"),
            de::Unexpected::NewtypeStruct => f.write_str("a newtype struct"),
            de::Unexpected::Enum => f.write_str("an enum"),
            de::Unexpected::UnitVariant => f.write_str("a unit variant"),
            de::Unexpected::NewtypeVariant => f.write_str("a newtype variant"),
            de::Unexpected::TupleVariant => f.write_str("a tuple variant"),
            de::Unexpected::StructVariant => f.write_str("a struct variant"),
            de::Unexpected::Other(s) => f.write_str(s),
        }
    }
}

type Result<T> = std::result::Result<T, Error>;

enum Seg<'a> {
    Key(Cow<'a, str>),
    Index(usize),
}

/// The keys read so far in one open object.
struct Frame<'a> {
    keys_from: usize,
    big: Option<BTreeSet<Cow<'a, str>>>,
}

/// Adds `key` to the keys of the innermost open object — `keys[from..]` while they are few,
/// then the set `big` — and says whether it was new. The reader and the policy scan of
/// [`super::precheck`] share it.
#[inline(always)]
#[allow(clippy::ptr_arg)] // the key is kept as the Cow it is
pub(super) fn add_key<'a>(
    keys: &mut Vec<Cow<'a, str>>,
    from: usize,
    big: &mut Option<BTreeSet<Cow<'a, str>>>,
    key: &Cow<'a, str>,
) -> bool {
    if let Some(set) = big.as_mut() {
        return set.insert(key.clone());
    }
    let mine = keys.get(from..).unwrap_or(&[]);
    if mine.contains(key) {
        return false;
    }
    if mine.len() < LINEAR_KEYS {
        keys.push(key.clone());
        return true;
    }
    // Inserted one by one: `collect` would sort them first, with a stable sort the wasm has
    // no other use for.
    let mut set = BTreeSet::new();
    for k in mine.iter().chain([key]) {
        set.insert(k.clone());
    }
    *big = Some(set);
    true
}

/// Which numbers a [`Value`] tree holds as strings of their text: `quote(key, number)` is
/// asked for each number as written, with the key it is under (a list's elements are under the
/// list's key; `None` outside any object).
pub(crate) type Quote<'q> = &'q dyn Fn(Option<&str>, &str) -> bool;

/// Reads `text` (without its BOM) into a [`Value`] tree.
pub(crate) fn value(text: &str, quote: Quote<'_>) -> std::result::Result<Value, KjbError> {
    let mut de = De::new(text);
    let v = de.value(None, quote).map_err(Error::into_kjb)?;
    de.end().map_err(Error::into_kjb)?;
    Ok(v)
}

/// Reads one JSON value from `text` (without its BOM) into `T`, then requires the end of the
/// text.
pub(crate) fn from_str<'a, T: de::Deserialize<'a>>(
    text: &'a str,
) -> std::result::Result<T, KjbError> {
    let mut de = De::new(text);
    let value = T::deserialize(&mut de).map_err(|e| de.stamp(e).into_kjb())?;
    de.end().map_err(Error::into_kjb)?;
    Ok(value)
}

pub(crate) struct De<'a> {
    s: &'a str,
    i: usize,
    path: Vec<Seg<'a>>,
    /// The keys of the open objects, innermost last; `frames` says where each object's start.
    keys: Vec<Cow<'a, str>>,
    frames: Vec<Frame<'a>>,
    /// The depth of the list or object whose closing bracket was read last: a visitor that
    /// stopped before it (a tuple of 2 given 3 elements) left elements unread.
    closed_at: usize,
}

/// What a problem in the text is, in the words of JSON.
#[derive(Clone, Copy)]
enum Syntax {
    EofList,
    EofObject,
    EofString,
    EofValue,
    Colon,
    ListComma,
    ObjectComma,
    Word,
    Value,
    KeyString,
    Escape,
    Number,
    TooLarge,
    Control,
    TrailingComma,
    Trailing,
    Surrogate,
}

impl Syntax {
    fn words(self) -> &'static str {
        match self {
            Syntax::EofList => "the text ends inside a list: a closing ] is missing",
            Syntax::EofObject => "the text ends inside an object: a closing } is missing",
            Syntax::EofString => "the text ends inside a string: a closing \" is missing",
            Syntax::EofValue => "the text ends where a value should follow (is it empty or cut short?)",
            Syntax::Colon => "a key must be followed by ':' and its value",
            Syntax::ListComma => "list elements must be separated by ',' and the list closed by ']'",
            Syntax::ObjectComma => "object members must be separated by ',' and the object closed by '}'",
            Syntax::Word => "a word that is not a JSON value: write true, false and null in lower case, and put strings in double quotes",
            Syntax::Value => "a value is missing or is not JSON: a string in double quotes, a number, true, false, null, an object or a list",
            Syntax::KeyString => "object keys must be strings in double quotes",
            Syntax::Escape => "a string has a backslash escape JSON does not know: JSON allows \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX",
            Syntax::Number => "a number is not written as JSON writes numbers (no leading zeros, '+', hex, or '.' without digits after it)",
            Syntax::TooLarge => "a number is too large",
            Syntax::Control => "a string holds a raw control character (a tab or a line break): write it escaped, as \\t or \\n",
            Syntax::TrailingComma => "a ',' before a closing ] or } is not allowed in JSON",
            Syntax::Trailing => "there is more text after the JSON value",
            Syntax::Surrogate => "a string holds half of a UTF-16 surrogate pair (like \\ud800 alone), which JSON.stringify writes for a broken character; remove or replace that character",
        }
    }
}

/// Line and column (1-based, columns in characters) of byte `offset` in `text`.
pub(crate) fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.bytes().filter(|&b| b == b'\n').count().saturating_add(1);
    let col = match before.bytes().rposition(|b| b == b'\n') {
        Some(nl) => before.get(nl.saturating_add(1)..).unwrap_or("").chars().count(),
        None => before.chars().count(),
    };
    (line, col.saturating_add(1))
}

/// From byte `i` of a string's content, the index of the next byte that is `"`, `\` or a
/// control character, found 8 bytes at a time; near the end of the text it may stop early, at
/// the last few bytes, which the caller then reads one by one.
pub(crate) fn skip_plain(bytes: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    while let Some(chunk) = bytes.get(i..i.saturating_add(8)) {
        let Ok(chunk) = <[u8; 8]>::try_from(chunk) else { break };
        let w = u64::from_le_bytes(chunk);
        // Bytes below 0x20: their top three bits are zero.
        let control = zero(w & 0xe0e0_e0e0_e0e0_e0e0);
        let found = zero(w ^ 0x2222_2222_2222_2222) | zero(w ^ 0x5c5c_5c5c_5c5c_5c5c) | control;
        if found != 0 {
            return i.saturating_add((found.trailing_zeros() / 8) as usize);
        }
        i = i.saturating_add(8);
    }
    i
}

/// Why an escape could not be decoded.
pub(crate) enum BadEscape {
    /// The text ends inside it.
    Eof,
    /// JSON does not know it, or its `\u` is not followed by 4 hex digits.
    Unknown,
    /// Half of a UTF-16 surrogate pair.
    Surrogate,
}

/// The character the escape at `b[i]` (its backslash) stands for, and the index just past it.
/// It allocates nothing: the app secret's escapes are decoded with it into a buffer that is
/// wiped (`gateway::creds`).
pub(crate) fn unescape_at(b: &[u8], i: usize) -> std::result::Result<(char, usize), BadEscape> {
    let c = match b.get(i.saturating_add(1)) {
        None => return Err(BadEscape::Eof),
        Some(b'"') => '"',
        Some(b'\\') => '\\',
        Some(b'/') => '/',
        Some(b'b') => '\u{8}',
        Some(b'f') => '\u{c}',
        Some(b'n') => '\n',
        Some(b'r') => '\r',
        Some(b't') => '\t',
        Some(b'u') => {
            let hex = b.get(i.saturating_add(2)..).unwrap_or(&[]);
            let u = hex4(hex).ok_or(BadEscape::Unknown)?;
            let after = i.saturating_add(6);
            if (0xD800..0xDC00).contains(&u) {
                // A high surrogate: a low one must follow as the next escape.
                let low = match b.get(after..).unwrap_or(&[]) {
                    [b'\\', b'u', rest @ ..] => hex4(rest),
                    _ => None,
                };
                return match low {
                    Some(lo) if (0xDC00..0xE000).contains(&lo) => {
                        let c = 0x10000u32
                            .wrapping_add((u.wrapping_sub(0xD800)) << 10)
                            .wrapping_add(lo.wrapping_sub(0xDC00));
                        char::from_u32(c)
                            .map(|c| (c, after.saturating_add(6)))
                            .ok_or(BadEscape::Surrogate)
                    }
                    _ => Err(BadEscape::Surrogate),
                };
            }
            // A lone low surrogate is not a char.
            return char::from_u32(u).map(|c| (c, after)).ok_or(BadEscape::Surrogate);
        }
        Some(_) => return Err(BadEscape::Unknown),
    };
    Ok((c, i.saturating_add(2)))
}

fn hex4(b: &[u8]) -> Option<u32> {
    let mut v = 0u32;
    for &c in b.get(..4)? {
        let d = (c as char).to_digit(16)?;
        v = v.wrapping_mul(16).wrapping_add(d);
    }
    Some(v)
}

impl<'a> De<'a> {
    /// A reader at the start of `text`.
    fn new(text: &'a str) -> De<'a> {
        De {
            s: text,
            i: 0,
            path: Vec::new(),
            keys: Vec::new(),
            frames: Vec::new(),
            closed_at: usize::MAX,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.i).copied()
    }

    #[inline(never)]
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.i = self.i.saturating_add(1);
        }
    }

    /// The current path, as `orders[2].supplier`.
    #[inline(never)]
    fn path_text(&self) -> String {
        let mut p = String::new();
        for seg in &self.path {
            match seg {
                Seg::Key(k) => {
                    if !p.is_empty() {
                        p.push('.');
                    }
                    p.push_str(k);
                }
                Seg::Index(n) => {
                    p.push('[');
                    p.push_str(&n.to_string());
                    p.push(']');
                }
            }
        }
        p
    }

    #[cold]
    #[inline(never)]
    fn syntax(&self, what: Syntax, at: usize) -> Error {
        let (line, column) = position(self.s, at);
        let mut e = KjbError::at(
            ErrorCode::InvalidJson,
            self.path_text(),
            format!("invalid JSON: {}", what.words()),
        );
        e.line = Some(line);
        e.column = Some(column);
        Error(Box::new(Kind::Ready(e)))
    }

    #[cold]
    #[inline(never)]
    fn scan_error(&self, at: usize, message: String) -> Error {
        let (line, column) = position(self.s, at);
        let mut e = KjbError::new(
            ErrorCode::InvalidJson,
            format!("{message} (line {line}, column {column})"),
        );
        e.line = Some(line);
        e.column = Some(column);
        Error(Box::new(Kind::Ready(e)))
    }

    /// Gives a shape error the path where it was raised: the innermost value that saw it.
    #[cold]
    #[inline(never)]
    fn stamp(&self, e: Error) -> Error {
        let (message, path) = match *e.0 {
            Kind::Ready(_) => return e,
            Kind::Shape(m) => (m, self.path_text()),
            Kind::Missing(f) => {
                let e = missing(&join_path(&self.path_text(), f));
                return Error(Box::new(Kind::Ready(e)));
            }
        };
        Error(Box::new(Kind::Ready(KjbError::at(ErrorCode::InvalidInput, path, message))))
    }

    /// After the value: only whitespace may follow.
    #[inline(never)]
    fn end(&mut self) -> Result<()> {
        self.ws();
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.syntax(Syntax::Trailing, self.i)),
        }
    }

    /// The error for a value expected at the current byte.
    #[cold]
    #[inline(never)]
    fn no_value(&self) -> Error {
        match self.peek() {
            None => {
                let what = match self.frames.last() {
                    None => Syntax::EofValue,
                    Some(f) if f.keys_from == usize::MAX => Syntax::EofList,
                    Some(_) => Syntax::EofObject,
                };
                self.syntax(what, self.i)
            }
            Some(b) if b.is_ascii_alphabetic() => self.syntax(Syntax::Word, self.i),
            Some(_) => self.syntax(Syntax::Value, self.i),
        }
    }

    #[inline(never)]
    fn literal(&mut self, word: &'static str) -> Result<()> {
        let end = self.i.saturating_add(word.len());
        if self.s.as_bytes().get(self.i..end) == Some(word.as_bytes()) {
            // `truex` is a word, not `true` followed by junk.
            if !self.s.as_bytes().get(end).is_some_and(u8::is_ascii_alphanumeric) {
                self.i = end;
                return Ok(());
            }
        }
        Err(self.syntax(Syntax::Word, self.i))
    }

    /// A number as written, checked against JSON's grammar.
    #[inline(never)]
    fn number(&mut self) -> Result<&'a str> {
        let b = self.s.as_bytes();
        let start = self.i;
        let mut i = start;
        if b.get(i) == Some(&b'-') {
            i = i.saturating_add(1);
        }
        let digits = |mut i: usize| {
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i = i.saturating_add(1);
            }
            i
        };
        match b.get(i) {
            Some(b'0') => i = i.saturating_add(1),
            Some(b'1'..=b'9') => i = digits(i),
            _ => return Err(self.syntax(Syntax::Number, start)),
        }
        if b.get(i) == Some(&b'.') {
            let from = i.saturating_add(1);
            i = digits(from);
            if i == from {
                return Err(self.syntax(Syntax::Number, i));
            }
        }
        if let Some(b'e' | b'E') = b.get(i) {
            i = i.saturating_add(1);
            if let Some(b'+' | b'-') = b.get(i) {
                i = i.saturating_add(1);
            }
            let from = i;
            i = digits(from);
            if i == from {
                return Err(self.syntax(Syntax::Number, i));
            }
        }
        if b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'.') {
            return Err(self.syntax(Syntax::Number, i));
        }
        self.i = i;
        Ok(self.s.get(start..i).unwrap_or(""))
    }

    /// A string at its opening quote: borrowed from the text when it has no escapes.
    fn string(&mut self) -> Result<Cow<'a, str>> {
        self.scan_string(true)
    }

    /// A string at its opening quote, checked; decoded only when `decode`. Skipping does not
    /// decode: a raw value's text (the app secret's, say) is then never copied into a buffer
    /// that would be freed unwiped.
    #[inline(never)]
    fn scan_string(&mut self, decode: bool) -> Result<Cow<'a, str>> {
        let b = self.s.as_bytes();
        let start = self.i.saturating_add(1);
        let mut i = start;
        let mut owned: Option<String> = None;
        let mut from = start;
        loop {
            i = skip_plain(b, i);
            match b.get(i) {
                None => return Err(self.syntax(Syntax::EofString, b.len())),
                Some(b'"') => break,
                Some(b'\\') => {
                    if decode {
                        let out = owned.get_or_insert_with(String::new);
                        out.push_str(self.s.get(from..i).unwrap_or(""));
                    }
                    let (c, next) = unescape_at(b, i).map_err(|e| match e {
                        BadEscape::Eof => self.syntax(Syntax::EofString, b.len()),
                        BadEscape::Unknown => self.syntax(Syntax::Escape, i),
                        BadEscape::Surrogate => self.syntax(Syntax::Surrogate, i),
                    })?;
                    if let Some(out) = owned.as_mut() {
                        out.push(c);
                    }
                    i = next;
                    from = i;
                }
                Some(&c) if c < 0x20 => return Err(self.syntax(Syntax::Control, i)),
                Some(_) => i = i.saturating_add(1),
            }
        }
        let rest = self.s.get(from..i).unwrap_or("");
        self.i = i.saturating_add(1);
        Ok(match owned {
            Some(mut out) => {
                out.push_str(rest);
                Cow::Owned(out)
            }
            None => Cow::Borrowed(rest),
        })
    }

    #[inline(never)]
    fn open(&mut self, object: bool) -> Result<()> {
        if self.frames.len() >= MAX_DEPTH {
            return Err(
                self.scan_error(self.i, format!("JSON nests deeper than {MAX_DEPTH} levels"))
            );
        }
        self.frames.push(Frame {
            keys_from: if object { self.keys.len() } else { usize::MAX },
            big: None,
        });
        self.closed_at = usize::MAX;
        self.i = self.i.saturating_add(1);
        Ok(())
    }

    /// After a visitor: its list or object must have been read to the closing bracket.
    #[inline(never)]
    fn finish(&mut self) -> Result<()> {
        if self.closed_at != self.frames.len() {
            // The visitor took what it wanted (a tuple reads its length, no more): the bracket
            // must follow now.
            let close = match self.frames.last() {
                Some(f) if f.keys_from == usize::MAX => b']',
                _ => b'}',
            };
            self.ws();
            if self.peek() != Some(close) {
                let e = <Error as de::Error>::custom(
                    "the list or object has more elements than expected",
                );
                return Err(self.stamp(e));
            }
            self.i = self.i.saturating_add(1);
        }
        self.close();
        Ok(())
    }

    #[inline(never)]
    fn close(&mut self) {
        if let Some(f) = self.frames.pop() {
            if f.keys_from != usize::MAX {
                self.keys.truncate(f.keys_from);
            }
        }
    }

    /// Records `key` in the innermost object; a repeat is an error.
    #[inline(never)]
    #[allow(clippy::ptr_arg)] // the key is kept as the Cow it is
    fn remember(&mut self, key: &Cow<'a, str>, at: usize) -> Result<()> {
        let Some(frame) = self.frames.last_mut() else { return Ok(()) };
        if add_key(&mut self.keys, frame.keys_from, &mut frame.big, key) {
            return Ok(());
        }
        Err(self
            .scan_error(at, format!("duplicate key \"{key}\" in one object: send each key once")))
    }

    /// Before an element or member: `,` between them, or the closing bracket. `Ok(false)` at
    /// the closing bracket, which is consumed.
    #[inline(never)]
    fn next_in(&mut self, first: bool, close: u8) -> Result<bool> {
        self.ws();
        let (comma, eof) = if close == b']' {
            (Syntax::ListComma, Syntax::EofList)
        } else {
            (Syntax::ObjectComma, Syntax::EofObject)
        };
        match self.peek() {
            Some(c) if c == close => {
                self.i = self.i.saturating_add(1);
                self.closed_at = self.frames.len();
                return Ok(false);
            }
            None => return Err(self.syntax(eof, self.i)),
            _ if first => return Ok(true),
            Some(b',') => self.i = self.i.saturating_add(1),
            Some(_) => return Err(self.syntax(comma, self.i)),
        }
        self.ws();
        match self.peek() {
            Some(c) if c == close => Err(self.syntax(Syntax::TrailingComma, self.i)),
            None => Err(self.syntax(eof, self.i)),
            _ => Ok(true),
        }
    }

    /// The next key of an object (the `"` is next), its `:` read, its path segment pushed.
    #[inline(never)]
    fn key(&mut self) -> Result<Cow<'a, str>> {
        if self.peek() != Some(b'"') {
            return Err(self.syntax(Syntax::KeyString, self.i));
        }
        let at = self.i;
        let key = self.string()?;
        self.remember(&key, at)?;
        self.ws();
        match self.peek() {
            Some(b':') => self.i = self.i.saturating_add(1),
            None => return Err(self.syntax(Syntax::EofObject, self.i)),
            Some(_) => return Err(self.syntax(Syntax::Colon, self.i)),
        }
        self.path.push(Seg::Key(key.clone()));
        Ok(key)
    }

    /// Reads past one value, checking it as strictly as reading it would.
    #[inline(never)]
    fn skip(&mut self) -> Result<()> {
        self.ws();
        match self.peek() {
            Some(b'"') => self.scan_string(false).map(drop),
            Some(b'{') => {
                self.open(true)?;
                let mut first = true;
                while self.next_in(first, b'}')? {
                    first = false;
                    self.key()?;
                    self.skip()?;
                    self.path.pop();
                }
                self.close();
                Ok(())
            }
            Some(b'[') => {
                self.open(false)?;
                let mut n = 0usize;
                while self.next_in(n == 0, b']')? {
                    self.path.push(Seg::Index(n));
                    self.skip()?;
                    self.path.pop();
                    n = n.saturating_add(1);
                }
                self.close();
                Ok(())
            }
            Some(b't') => self.literal("true"),
            Some(b'f') => self.literal("false"),
            Some(b'n') => self.literal("null"),
            Some(b'-' | b'0'..=b'9') => self.number().map(drop),
            _ => Err(self.no_value()),
        }
    }

    /// `true` or `false` next, read past; anything else is left for [`De::invalid`].
    #[inline(never)]
    fn boolean(&mut self) -> Option<bool> {
        self.ws();
        let b = match self.peek() {
            Some(b't') => true,
            Some(b'f') => false,
            _ => return None,
        };
        self.literal(if b { "true" } else { "false" }).ok()?;
        Some(b)
    }

    /// An integer next, read past; `Ok(None)` leaves anything else for [`De::invalid`].
    #[inline(never)]
    fn integer(&mut self) -> Result<Option<Num>> {
        self.ws();
        if !matches!(self.peek(), Some(b'-' | b'0'..=b'9')) {
            return Ok(None);
        }
        let at = self.i;
        match num(self.number()?) {
            Some(n @ (Num::U(_) | Num::I(_))) => Ok(Some(n)),
            Some(Num::F(_)) => {
                self.i = at;
                Ok(None)
            }
            None => Err(self.syntax(Syntax::TooLarge, at)),
        }
    }

    /// The error for a value of the wrong type next: what it is, against what was expected.
    /// A malformed value is reported as the syntax error it is.
    #[cold]
    #[inline(never)]
    fn invalid(&mut self, exp: &dyn de::Expected) -> Error {
        self.ws();
        let at = self.i;
        let owned;
        let unexp = match self.peek() {
            // A whole input given as a string is not quoted back: for the calls that take the
            // app secret, that string may be the secret itself.
            Some(b'"') if self.path.is_empty() => match self.skip() {
                Ok(()) => de::Unexpected::Other("a string"),
                Err(e) => return e,
            },
            Some(b'"') => match self.string() {
                Ok(s) => {
                    owned = s;
                    de::Unexpected::Str(&owned)
                }
                Err(e) => return e,
            },
            Some(b'{') => de::Unexpected::Map,
            Some(b'[') => de::Unexpected::Seq,
            Some(b'-' | b'0'..=b'9') => match self.number().map(num) {
                Ok(Some(Num::U(u))) => de::Unexpected::Unsigned(u),
                Ok(Some(Num::I(i))) => de::Unexpected::Signed(i),
                Ok(Some(Num::F(f))) => de::Unexpected::Float(f),
                Ok(None) => return self.syntax(Syntax::TooLarge, at),
                Err(e) => return e,
            },
            Some(b't' | b'f' | b'n') => {
                let word = match self.peek() {
                    Some(b't') => "true",
                    Some(b'f') => "false",
                    _ => "null",
                };
                if let Err(e) = self.literal(word) {
                    return e;
                }
                match word {
                    "true" => de::Unexpected::Bool(true),
                    "false" => de::Unexpected::Bool(false),
                    _ => de::Unexpected::Unit,
                }
            }
            _ => return self.no_value(),
        };
        let e = <Error as de::Error>::invalid_type(unexp, exp);
        self.i = at;
        self.stamp(e)
    }

    /// The next value, under `key`, as a [`Value`] tree, numbers kept as written.
    #[inline(never)]
    fn value(&mut self, key: Option<&str>, quote: Quote<'_>) -> Result<Value> {
        self.ws();
        Ok(match self.peek() {
            Some(b'"') => Value::String(self.string()?.into_owned()),
            Some(b'{') => {
                self.open(true)?;
                let mut map = Members::new();
                let mut first = true;
                while self.next_in(first, b'}')? {
                    first = false;
                    let key = self.key()?;
                    let v = self.value(Some(&key), quote)?;
                    self.path.pop();
                    map.push(key.into_owned(), v);
                }
                self.close();
                Value::Object(map)
            }
            Some(b'[') => {
                self.open(false)?;
                let mut list = Vec::new();
                while self.next_in(list.is_empty(), b']')? {
                    self.path.push(Seg::Index(list.len()));
                    list.push(self.value(key, quote)?);
                    self.path.pop();
                }
                self.close();
                Value::Array(list)
            }
            Some(b't') => {
                self.literal("true")?;
                Value::Bool(true)
            }
            Some(b'f') => {
                self.literal("false")?;
                Value::Bool(false)
            }
            Some(b'n') => {
                self.literal("null")?;
                Value::Null
            }
            Some(b'-' | b'0'..=b'9') => {
                let at = self.i;
                let text = self.number()?;
                // A number kept as its digits needs no float; any other that no float holds
                // (`1E400`) is refused, as serde_json refuses it.
                if quote(key, text) {
                    Value::String(text.to_string())
                } else if num(text).is_none() {
                    return Err(self.syntax(Syntax::TooLarge, at));
                } else {
                    Value::Number(Number::new(text))
                }
            }
            _ => return Err(self.no_value()),
        })
    }

    /// The text of the next value, read past.
    #[inline(never)]
    fn raw(&mut self) -> Result<&'a str> {
        self.ws();
        let start = self.i;
        self.skip()?;
        Ok(self.s.get(start..self.i).unwrap_or(""))
    }
}

/// A number's value in the form serde_json gives it: an integer when it has no fraction or
/// exponent and fits, else a float.
enum Num {
    U(u64),
    I(i64),
    F(f64),
}

#[inline(never)]
fn num(text: &str) -> Option<Num> {
    if !text.bytes().any(|b| matches!(b, b'.' | b'e' | b'E')) {
        if let Ok(u) = text.parse::<u64>() {
            return Some(Num::U(u));
        }
        // serde_json reads `-0` as the float -0.0.
        if let Ok(i) =
            text.parse::<i64>().map_err(drop).and_then(|i| if i == 0 { Err(()) } else { Ok(i) })
        {
            return Some(Num::I(i));
        }
    }
    super::float::float(text).map(Num::F)
}

impl<'de> de::Deserializer<'de> for &mut De<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.ws();
        match self.peek() {
            Some(b'"') => self.deserialize_str(visitor),
            Some(b'{') => self.deserialize_map(visitor),
            Some(b'[') => self.deserialize_seq(visitor),
            Some(b't') => {
                self.literal("true")?;
                visitor.visit_bool(true)
            }
            Some(b'f') => {
                self.literal("false")?;
                visitor.visit_bool(false)
            }
            Some(b'n') => {
                self.literal("null")?;
                visitor.visit_unit()
            }
            Some(b'-' | b'0'..=b'9') => {
                let at = self.i;
                match num(self.number()?) {
                    Some(Num::U(u)) => visitor.visit_u64(u),
                    Some(Num::I(i)) => visitor.visit_i64(i),
                    Some(Num::F(f)) => visitor.visit_f64(f),
                    None => Err(self.syntax(Syntax::TooLarge, at)),
                }
            }
            _ => Err(self.no_value()),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.ws();
        if self.peek() != Some(b'"') {
            return Err(self.invalid(&visitor));
        }
        match self.string()? {
            Cow::Borrowed(s) => visitor.visit_borrowed_str(s),
            Cow::Owned(s) => visitor.visit_string(s),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.boolean() {
            Some(b) => visitor.visit_bool(b),
            None => Err(self.invalid(&visitor)),
        }
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.integer()? {
            Some(Num::U(u)) => visitor.visit_u64(u),
            Some(Num::I(i)) => visitor.visit_i64(i),
            _ => Err(self.invalid(&visitor)),
        }
    }

    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_map(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.ws();
        if self.peek() != Some(b'{') {
            return Err(self.invalid(&visitor));
        }
        self.open(true)?;
        let value = visitor.visit_map(Map { de: &mut *self, first: true })?;
        self.finish()?;
        Ok(value)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.ws();
        if self.peek() != Some(b'[') {
            return Err(self.invalid(&visitor));
        }
        self.open(false)?;
        let value = visitor.visit_seq(Seq { de: &mut *self, n: 0 })?;
        self.finish()?;
        Ok(value)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.ws();
        if self.peek() == Some(b'n') {
            self.literal("null")?;
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        if name == RAW_VALUE {
            let raw = self.raw()?;
            return visitor.visit_map(RawMap { raw: Some(raw) });
        }
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.ws();
        if self.peek() == Some(b'"') {
            let name = self.string()?;
            return visitor.visit_enum(UnitVariant(name));
        }
        self.deserialize_any(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.skip()?;
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i128 u128 f32 f64 char bytes byte_buf unit unit_struct tuple tuple_struct
    }
}

struct Map<'d, 'a> {
    de: &'d mut De<'a>,
    first: bool,
}

impl<'de> de::MapAccess<'de> for Map<'_, 'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        if !self.de.next_in(self.first, b'}')? {
            return Ok(None);
        }
        self.first = false;
        let key = self.de.key()?;
        seed.deserialize(Key(key)).map(Some).map_err(|e| self.de.stamp(e))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        let value = seed.deserialize(&mut *self.de).map_err(|e| self.de.stamp(e))?;
        self.de.path.pop();
        Ok(value)
    }
}

struct Seq<'d, 'a> {
    de: &'d mut De<'a>,
    n: usize,
}

impl<'de> de::SeqAccess<'de> for Seq<'_, 'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        if !self.de.next_in(self.n == 0, b']')? {
            return Ok(None);
        }
        self.de.path.push(Seg::Index(self.n));
        let value = seed.deserialize(&mut *self.de).map_err(|e| self.de.stamp(e))?;
        self.de.path.pop();
        self.n = self.n.saturating_add(1);
        Ok(Some(value))
    }
}

/// An object key, or a unit variant's name, as a deserializer.
struct Key<'a>(Cow<'a, str>);

impl<'de> de::Deserializer<'de> for Key<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.0 {
            Cow::Borrowed(s) => visitor.visit_borrowed_str(s),
            Cow::Owned(s) => visitor.visit_string(s),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

struct UnitVariant<'a>(Cow<'a, str>);

impl<'de> de::EnumAccess<'de> for UnitVariant<'de> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self)> {
        let value = seed.deserialize(Key(self.0.clone()))?;
        Ok((value, self))
    }
}

impl<'de> de::VariantAccess<'de> for UnitVariant<'de> {
    type Error = Error;

    fn unit_variant(self) -> Result<()> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, _seed: T) -> Result<T::Value> {
        Err(de::Error::invalid_type(de::Unexpected::UnitVariant, &"a variant with a value"))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, _visitor: V) -> Result<V::Value> {
        Err(de::Error::invalid_type(de::Unexpected::UnitVariant, &"a tuple variant"))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value> {
        Err(de::Error::invalid_type(de::Unexpected::UnitVariant, &"a struct variant"))
    }
}

/// serde_json's raw-value protocol: one entry, its key the raw-value name, its value the text.
struct RawMap<'a> {
    raw: Option<&'a str>,
}

impl<'de> de::MapAccess<'de> for RawMap<'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        if self.raw.is_none() {
            return Ok(None);
        }
        seed.deserialize(Key(Cow::Borrowed(RAW_VALUE))).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        let raw = self.raw.take().unwrap_or("null");
        seed.deserialize(Key(Cow::Borrowed(raw)))
    }
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Equal, but for the last bits of a float: neither serde_json's default float reading
    /// nor ours (`float.rs`) is correctly rounded for every number.
    fn same(a: &serde_json::Value, b: &serde_json::Value) -> bool {
        use serde_json::Value as V;
        match (a, b) {
            (V::Number(x), V::Number(y)) if x.is_f64() || y.is_f64() => {
                let (x, y) = (x.as_f64().unwrap_or(f64::NAN), y.as_f64().unwrap_or(f64::NAN));
                let tolerance = (x.abs().max(y.abs()) * 4.0 * f64::EPSILON)
                    .max(8.0 * f64::MIN_POSITIVE * f64::EPSILON); // subnormals: a few steps
                x == y || (x - y).abs() <= tolerance
            }
            (V::Array(x), V::Array(y)) => {
                x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
            }
            (V::Object(x), V::Object(y)) => {
                x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
            }
            _ => a == b,
        }
    }

    /// serde_json is the oracle: for any text the policy has nothing against (no repeated key,
    /// no nesting past the limit), this reader accepts exactly what serde_json accepts and
    /// reads the same value — through serde (`serde_json::Value`) and as a [`Value`] tree.
    fn agrees(text: &str) {
        let ours = super::super::parse::<serde_json::Value>(text);
        let tree = super::super::parse_value(text);
        let theirs = serde_json::from_str::<serde_json::Value>(super::super::strip_bom(text));
        if super::super::precheck(super::super::strip_bom(text)).is_err() {
            assert!(ours.is_err() && tree.is_err(), "{text:?}");
            return;
        }
        match (&ours, &theirs) {
            (Ok(a), Ok(b)) => assert!(same(a, b), "{text:?}: {a:?} vs {b:?}"),
            (Err(e), Err(_)) => assert_eq!(e.code, ErrorCode::InvalidJson, "{text:?}: {e:?}"),
            _ => panic!("{text:?}: ours {ours:?}, serde_json {theirs:?}"),
        }
        match (&tree, &theirs) {
            (Ok(a), Ok(b)) => {
                let printed = super::super::to_json(a).unwrap();
                let back: serde_json::Value = serde_json::from_str(&printed).unwrap();
                assert!(same(&back, b), "{text:?}: {back:?} vs {b:?}");
            }
            (Err(_), Err(_)) => {}
            _ => panic!("{text:?}: tree {tree:?}, serde_json {theirs:?}"),
        }
    }

    #[test]
    fn hand_made_texts_agree_with_serde_json() {
        for text in [
            "null",
            "true",
            "false",
            "0",
            "-0",
            "-",
            "01",
            "1.",
            "1.5e",
            "1e+5",
            "-1E-5",
            "1.5",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775808",
            "-9223372036854775809",
            "1e400",
            "\"\"",
            "\"a\\u0041\\n\\/\"",
            "\"\\ud83d\\ude00\"",
            "\"\\ud83d\"",
            "\"\\udc00\"",
            "\"\\u12\"",
            "\"\\x\"",
            "\"a\tb\"",
            "\"\u{7f}\"",
            "[]",
            "[1,]",
            "[,1]",
            "[1 2]",
            "{}",
            "{\"a\":1,}",
            "{\"a\" 1}",
            "{a:1}",
            "{\"a\":1}x",
            " \n[ 1 , { \"b\" : [ null ] } ]\r\n",
            "truex",
            "tru",
            "nul",
            "[True]",
            "\u{feff}[1]",
            "{\"a\":1,\"a\":2}",
            "[[[[]]]]",
            "",
            " ",
            "[",
            "{",
            "\"abc",
            "{\"a\":",
            "[1,",
        ] {
            agrees(text);
        }
        let limit = format!("{}{}", "[".repeat(64), "]".repeat(64));
        super::super::parse::<serde_json::Value>(&limit).unwrap();
        let deep = format!("{}{}", "[".repeat(65), "]".repeat(65));
        assert_eq!(
            super::super::parse::<serde_json::Value>(&deep).unwrap_err().code,
            ErrorCode::InvalidJson
        );
    }

    /// A visitor that stops early (a tuple) does not let the rest of its list through.
    #[test]
    fn unread_elements_are_refused() {
        let e = super::super::parse::<Vec<(u8, u8)>>("[[1,2],[1,2,3]]").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput);
        assert_eq!(e.path.as_deref(), Some("[1]"));
        assert!(super::super::parse::<Vec<(u8, u8)>>("[[1,2,[3,4]]").is_err());
        assert_eq!(
            super::super::parse::<Vec<(u8, u8)>>("[[1,2],[3,4]]").unwrap(),
            [(1, 2), (3, 4)]
        );
    }

    /// An unknown key is named in serde's words, cut and escaped as other quoted text is.
    #[test]
    fn unknown_keys_are_named_as_serde_does_but_clipped_and_visibly() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct One {
            a: Option<u8>,
        }
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Three {
            a: Option<u8>,
            b: Option<u8>,
            c: Option<u8>,
        }
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        enum Two {
            X,
            Y,
        }
        // serde_json's words for plain keys (it adds the position; kjb's error carries it apart).
        fn same<T: serde::de::DeserializeOwned + std::fmt::Debug>(text: &str) {
            let ours = super::super::parse::<T>(text).unwrap_err().message;
            let theirs = serde_json::from_str::<T>(text).unwrap_err().to_string();
            assert!(theirs.starts_with(&format!("{ours} at line")), "{ours} / {theirs}");
        }
        same::<One>(r#"{"zz":1}"#);
        same::<Three>(r#"{"a":1,"zz":1}"#);
        same::<Two>(r#""Z""#);
        let e = super::super::parse::<One>("{\"x\u{202e}y\":1}").unwrap_err();
        assert_eq!(e.message, r"unknown field `x\u{202e}y`, expected `a`");
        let long = format!("{{\"{}\":1}}", "k".repeat(100_000));
        let e = super::super::parse::<Three>(&long).unwrap_err();
        assert_eq!(
            e.message,
            format!("unknown field `{}…`, expected one of `a`, `b`, `c`", "k".repeat(40))
        );
    }

    /// A string where another type belongs is quoted in the message with what cannot be seen
    /// (bidi overrides, zero-width and format characters, DEL) escaped, and cut at 40
    /// characters; a whole input given as a string is not quoted at all, as it may be the app
    /// secret.
    #[test]
    fn wrong_type_strings_are_quoted_visibly_and_never_whole() {
        let e = super::super::parse::<Vec<u8>>(r#"["a\u202eb\u200b\u007f\t\"中"]"#).unwrap_err();
        assert_eq!(e.path.as_deref(), Some("[0]"));
        assert!(
            e.message
                .starts_with(r#"invalid type: string "a\u{202e}b\u{200b}\u{7f}\t\"中", expected"#),
            "{}",
            e.message
        );
        let long = format!("[\"{}\"]", "k".repeat(100_000));
        let e = super::super::parse::<Vec<u8>>(&long).unwrap_err();
        assert!(
            e.message
                .starts_with(&format!("invalid type: string \"{}…\", expected", "k".repeat(40))),
            "{}",
            &e.message[..80]
        );
        let e = super::super::parse::<Vec<u8>>("\"TESTSECRET123\"").unwrap_err();
        assert!(!e.message.contains("TESTSECRET"), "{}", e.message);
        assert!(e.message.starts_with("invalid type: a string, expected"), "{}", e.message);
    }

    fn json_like() -> impl Strategy<Value = String> {
        let atom = prop_oneof![
            Just("null".to_string()),
            Just("true".to_string()),
            any::<i64>().prop_map(|n| n.to_string()),
            any::<u64>().prop_map(|n| n.to_string()),
            any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| f.to_string()),
            "\"([a-z]|\\\\[nt\"\\\\/]|\\\\u00[0-9a-f]{2}|é|中)*\"",
        ];
        atom.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5)
                    .prop_map(|v| format!("[{}]", v.join(","))),
                prop::collection::vec(("[a-d]", inner), 0..5).prop_map(|v| {
                    let members: Vec<String> =
                        v.into_iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
                    format!("{{{}}}", members.join(","))
                }),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn random_texts_agree_with_serde_json(text in json_like()) {
            agrees(&text);
        }

        /// One byte changed, cut or doubled anywhere: still the same verdict as serde_json.
        #[test]
        fn damaged_texts_agree_with_serde_json(text in json_like(), at in any::<usize>(), b in prop::sample::select(b"[]{},:\"\\ 0-.eEtnu1x".to_vec()), op in 0u8..3) {
            let mut bytes = text.into_bytes();
            let at = at % (bytes.len() + 1);
            match op {
                0 if at < bytes.len() => bytes[at] = b,
                1 => bytes.insert(at, b),
                _ => bytes.truncate(at),
            }
            if let Ok(text) = String::from_utf8(bytes) {
                agrees(&text);
            }
        }
    }
}
