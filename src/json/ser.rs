//! kjb's JSON writer: a serde `Serializer` that writes serde_json's compact form into a
//! `String`, so the answers' `#[derive(Serialize)]` types print without serde_json in the
//! module.
//!
//! serde_json's serializer goes through `io::Write` and a formatter, both fallible, so each
//! type's serialising code carries error paths for writes that cannot fail here, and its
//! error type brings the texts and `Display` of every reading error serde_json has. This one
//! appends to a `String`, and strings are escaped by [`crate::text`], the escaper the
//! hand-written answers of [`crate::out`] use.
//!
//! What the answers hold — strings, integers, booleans, options, lists, maps with string keys,
//! and raw JSON fragments (serde_json's raw-value protocol, which [`super::Value`]'s numbers
//! use) — is written exactly as serde_json writes it; a float or a map key that is not a
//! string is refused rather than printed some other way.

use super::value::{Value, RAW};
use crate::text::{digits, push_inner, push_inner_utf8};
use serde::ser::{self, Serialize};
use std::fmt;

/// How non-ASCII characters of strings are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Escape {
    /// As `\uXXXX` escapes: the answers handed to JavaScript are pure ASCII, which
    /// `TextDecoder` reads about 4× faster ([`super::to_json`]).
    Ascii,
    /// As they are (UTF-8): serde_json's default, which what goes to 1688 and the raw
    /// fragments kept in answers are written in.
    Utf8,
}

/// Appends `value` to `out` as compact JSON.
pub(crate) fn write<T: Serialize + ?Sized>(
    value: &T,
    escape: Escape,
    out: &mut String,
) -> Result<(), Error> {
    #[cfg(test)]
    let from = out.len();
    let written = value.serialize(&mut Writer { out, ascii: escape == Escape::Ascii, raw: false });
    // Every answer any test writes is checked against serde_json, byte for byte.
    #[cfg(test)]
    if written.is_ok() {
        assert_eq!(out.get(from..), Some(&*tests::serde_json_writes(value, escape)));
    }
    written
}

/// Appends a [`Value`] tree as compact JSON: what its `Serialize` writes through [`write`],
/// by one plain recursive function — the big trees (an import of 10,000 orders, a gateway
/// answer) skip serde's generic layers.
pub(crate) fn write_value(value: &Value, escape: Escape, out: &mut String) {
    #[cfg(test)]
    let from = out.len();
    tree(value, escape == Escape::Ascii, out);
    #[cfg(test)]
    assert_eq!(out.get(from..), Some(&*tests::serde_json_writes(value, escape)));
}

fn tree(value: &Value, ascii: bool, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(n.as_str()),
        Value::String(s) => string(out, s, ascii),
        Value::Array(list) => {
            out.push('[');
            for (i, v) in list.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                tree(v, ascii, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                string(out, k, ascii);
                out.push(':');
                tree(v, ascii, out);
            }
            out.push('}');
        }
    }
}

/// `s` as a JSON string.
#[inline(never)]
fn string(out: &mut String, s: &str, ascii: bool) {
    out.push('"');
    if ascii {
        push_inner(out, s);
    } else {
        push_inner_utf8(out, s);
    }
    out.push('"');
}

/// Why a value could not be written: a float, a map key that is not a string, or an error a
/// `Serialize` implementation raised itself.
pub(crate) struct Error(String);

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    #[cold]
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

#[cold]
#[inline(never)]
fn refused(what: &str) -> Error {
    Error(format!("{what} cannot be written"))
}

struct Writer<'o> {
    out: &'o mut String,
    ascii: bool,
    /// The next string is a raw JSON fragment, written as it is.
    raw: bool,
}

impl<'o> Writer<'o> {
    fn str(&mut self, s: &str) {
        if self.raw {
            self.raw = false;
            self.out.push_str(s);
            return;
        }
        string(self.out, s, self.ascii);
    }

    /// A raw fragment's text must be a string, which takes the flag down: a value of any
    /// other type leaves it up, and is refused.
    #[inline(never)]
    fn fragment_taken(&mut self, written: Result<(), Error>) -> Result<(), Error> {
        match std::mem::replace(&mut self.raw, false) {
            false => written,
            true => Err(refused("a raw fragment that is not a string")),
        }
    }

    #[inline(never)]
    fn int(&mut self, negative: bool, n: u128) {
        if negative {
            self.out.push('-');
        }
        self.out.push_str(digits(n, &mut [0; 40]));
    }

    /// Opens a list or an object.
    fn open(&mut self, open: char) -> Compound<'_, 'o> {
        self.out.push(open);
        Compound { w: self, first: true, raw: false }
    }
}

/// A list, an object, or a raw fragment, being written.
struct Compound<'w, 'o> {
    w: &'w mut Writer<'o>,
    first: bool,
    /// serde_json's raw-value protocol: the one field is the fragment.
    raw: bool,
}

impl Compound<'_, '_> {
    fn comma(&mut self) {
        if !std::mem::replace(&mut self.first, false) {
            self.w.out.push(',');
        }
    }

    /// Starts a member; in a raw fragment, readies the writer for its text instead.
    #[inline(never)]
    fn key(&mut self, key: &str) {
        if self.raw {
            self.w.raw = true;
            return;
        }
        self.comma();
        self.w.str(key);
        self.w.out.push(':');
    }

    fn close(self, close: char) {
        self.w.out.push(close);
    }
}

impl<'w, 'o> ser::Serializer for &'w mut Writer<'o> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'w, 'o>;
    type SerializeTuple = Compound<'w, 'o>;
    type SerializeTupleStruct = Compound<'w, 'o>;
    type SerializeTupleVariant = Compound<'w, 'o>;
    type SerializeMap = Compound<'w, 'o>;
    type SerializeStruct = Compound<'w, 'o>;
    type SerializeStructVariant = Compound<'w, 'o>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.out.push_str(if v { "true" } else { "false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.int(v < 0, v.unsigned_abs().into());
        Ok(())
    }
    fn serialize_i128(self, v: i128) -> Result<(), Error> {
        self.int(v < 0, v.unsigned_abs());
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.int(false, v.into());
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> Result<(), Error> {
        self.int(false, v);
        Ok(())
    }
    // No answer holds a float: money is decimal text. A float printer (serde_json's is ryu)
    // would be code for nothing.
    fn serialize_f32(self, _: f32) -> Result<(), Error> {
        Err(refused("a float"))
    }
    fn serialize_f64(self, _: f64) -> Result<(), Error> {
        Err(refused("a float"))
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.str(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.str(v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        use ser::SerializeSeq;
        let mut seq = self.serialize_seq(Some(v.len()))?;
        for b in v {
            seq.serialize_element(b)?;
        }
        seq.end()
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.out.push_str("null");
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.str(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        let mut o = self.open('{');
        o.key(variant);
        value.serialize(&mut *o.w)?;
        o.close('}');
        Ok(())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'w, 'o>, Error> {
        Ok(self.open('['))
    }
    fn serialize_tuple(self, _: usize) -> Result<Compound<'w, 'o>, Error> {
        Ok(self.open('['))
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Compound<'w, 'o>, Error> {
        Ok(self.open('['))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'w, 'o>, Error> {
        self.out.push('{');
        self.str(variant);
        self.out.push(':');
        Ok(self.open('['))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'w, 'o>, Error> {
        Ok(self.open('{'))
    }
    fn serialize_struct(self, name: &'static str, _: usize) -> Result<Compound<'w, 'o>, Error> {
        if name == RAW {
            return Ok(Compound { w: self, first: true, raw: true });
        }
        Ok(self.open('{'))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'w, 'o>, Error> {
        self.out.push('{');
        self.str(variant);
        self.out.push(':');
        Ok(self.open('{'))
    }
}

impl ser::SerializeSeq for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.comma();
        value.serialize(&mut *self.w)
    }
    fn end(self) -> Result<(), Error> {
        self.close(']');
        Ok(())
    }
}

impl ser::SerializeTuple for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), Error> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), Error> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), Error> {
        self.w.out.push_str("]}");
        Ok(())
    }
}

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.comma();
        let at = self.w.out.len();
        key.serialize(&mut *self.w)?;
        string_key(self.w.out, at)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.w.out.push(':');
        value.serialize(&mut *self.w)
    }
    fn end(self) -> Result<(), Error> {
        self.close('}');
        Ok(())
    }
}

/// serde_json writes a key that is not a string in quotes (an integer) or refuses it; no
/// answer has one, so one is refused rather than written as JSON no reader accepts.
fn string_key(out: &str, at: usize) -> Result<(), Error> {
    match out.as_bytes().get(at) {
        Some(b'"') => Ok(()),
        _ => Err(refused("a map key that is not a string")),
    }
}

impl ser::SerializeStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.key(key);
        let written = value.serialize(&mut *self.w);
        self.w.fragment_taken(written)
    }
    fn end(self) -> Result<(), Error> {
        if !self.raw {
            self.close('}');
        }
        Ok(())
    }
}

impl ser::SerializeStructVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.key(key);
        value.serialize(&mut *self.w)
    }
    fn end(self) -> Result<(), Error> {
        self.w.out.push_str("}}");
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::arithmetic_side_effects)]
pub(crate) mod tests {
    use super::{write, Escape};
    use proptest::prelude::*;
    use serde::Serialize;
    use std::collections::BTreeMap;

    /// What serde_json writes for `value`: `to_string`, or with its non-ASCII characters
    /// escaped by a formatter — the writer kjb used before its own.
    pub(crate) fn serde_json_writes<T: Serialize + ?Sized>(value: &T, escape: Escape) -> String {
        let mut out = Vec::new();
        match escape {
            Escape::Utf8 => value.serialize(&mut serde_json::Serializer::new(&mut out)),
            Escape::Ascii => {
                value.serialize(&mut serde_json::Serializer::with_formatter(&mut out, AsciiOnly))
            }
        }
        .unwrap();
        String::from_utf8(out).unwrap()
    }

    struct AsciiOnly;

    impl serde_json::ser::Formatter for AsciiOnly {
        fn write_string_fragment<W: ?Sized + std::io::Write>(
            &mut self,
            w: &mut W,
            fragment: &str,
        ) -> std::io::Result<()> {
            for c in fragment.chars() {
                if c.is_ascii() {
                    w.write_all(&[c as u8])?;
                } else {
                    for unit in c.encode_utf16(&mut [0; 2]) {
                        write!(w, "\\u{unit:04X}")?;
                    }
                }
            }
            Ok(())
        }
    }

    fn ours<T: Serialize + ?Sized>(value: &T, escape: Escape) -> Result<String, super::Error> {
        let mut out = String::new();
        write(value, escape, &mut out).map(|()| out)
    }

    fn same<T: Serialize + ?Sized>(value: &T) {
        for escape in [Escape::Ascii, Escape::Utf8] {
            assert_eq!(ours(value, escape).unwrap(), serde_json_writes(value, escape));
        }
    }

    #[derive(Serialize, Debug, Clone)]
    #[serde(rename_all = "camelCase")]
    enum Kind {
        Unit,
        #[serde(rename = "new\"type")]
        Newtype(String),
        Tuple(u8, Option<String>),
        Struct {
            a: i64,
            b: Vec<u16>,
        },
    }

    #[derive(Serialize, Debug, Clone)]
    struct Inner {
        #[serde(rename = "ключ")]
        key: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        maybe: Option<u32>,
    }

    /// Every shape of serde's data model that the answers can use.
    #[derive(Serialize, Debug, Clone)]
    #[serde(rename_all = "camelCase")]
    struct Shapes {
        text: String,
        c: char,
        flag: bool,
        small: i8,
        wide: i128,
        big: u128,
        id: u64,
        neg: i64,
        none: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<String>,
        kinds: Vec<Kind>,
        map: BTreeMap<String, Vec<Inner>>,
        pair: (u32, String),
        unit: (),
        #[serde(flatten)]
        flat: Option<Inner>,
        #[serde(with = "serde_bytes_like")]
        bytes: Vec<u8>,
    }

    mod serde_bytes_like {
        pub(super) fn serialize<S: serde::Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(v)
        }
    }

    /// Strings with what escaping is about: quotes, backslashes, every control character,
    /// DEL, `/`, two- to four-byte characters.
    fn text() -> impl Strategy<Value = String> {
        "(\\PC|[\u{0}-\u{7f}]|[\"\\\\/]|é|种|😀|\u{2028}|\u{fffd})*"
    }

    fn kind() -> impl Strategy<Value = Kind> {
        prop_oneof![
            Just(Kind::Unit),
            text().prop_map(Kind::Newtype),
            (any::<u8>(), proptest::option::of(text())).prop_map(|(a, b)| Kind::Tuple(a, b)),
            (any::<i64>(), prop::collection::vec(any::<u16>(), 0..3))
                .prop_map(|(a, b)| Kind::Struct { a, b }),
        ]
    }

    fn inner() -> impl Strategy<Value = Inner> {
        (text(), proptest::option::of(any::<u32>())).prop_map(|(key, maybe)| Inner { key, maybe })
    }

    prop_compose! {
        fn shapes()(
            text in text(), c in any::<char>(), flag in any::<bool>(), small in any::<i8>(),
            wide in any::<i128>(), big in any::<u128>(), id in any::<u64>(), neg in any::<i64>(),
            none in proptest::option::of(text()), skipped in proptest::option::of(text()),
            kinds in prop::collection::vec(kind(), 0..4),
            map in prop::collection::btree_map(text(), prop::collection::vec(inner(), 0..3), 0..3),
            pair in (any::<u32>(), text()), flat in proptest::option::of(inner()),
            bytes in prop::collection::vec(any::<u8>(), 0..4),
        ) -> Shapes {
            Shapes { text, c, flag, small, wide, big, id, neg, none, skipped, kinds, map, pair,
                     unit: (), flat, bytes }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        #[test]
        fn strings_are_written_as_serde_json_writes_them(s in text()) {
            same(&s);
            let mut inner = String::new();
            crate::text::push_inner_utf8(&mut inner, &s);
            prop_assert_eq!(format!("\"{inner}\""), serde_json::to_string(&s).unwrap());
        }

        #[test]
        fn every_shape_is_written_as_serde_json_writes_it(v in shapes()) {
            same(&v);
        }

        /// Trees read from text keep their numbers as written; serde_json (raw_value) writes
        /// such a number as it is too.
        #[test]
        fn value_trees_are_written_as_serde_json_writes_them(
            v in prop::collection::vec((text(), any::<i64>(), "-?(0|[1-9][0-9]{0,30})(\\.[0-9]{1,5})?([eE][+-]?[0-9]{1,3})?"), 0..4)
        ) {
            let members: Vec<String> = v
                .iter()
                .map(|(k, n, x)| format!("{}:[{n},{x},null,true,{{}},[]]", serde_json::to_string(k).unwrap()))
                .collect();
            let text = format!("{{{}}}", members.join(","));
            if let Ok(tree) = crate::json::parse_value(&text) {
                same(&tree);
                for escape in [Escape::Ascii, Escape::Utf8] {
                    let mut out = String::new();
                    super::write_value(&tree, escape, &mut out);
                    prop_assert_eq!(out, serde_json_writes(&tree, escape));
                }
            }
        }
    }

    #[test]
    fn floats_and_keys_that_are_not_strings_are_refused() {
        assert!(ours(&1.5f64, Escape::Ascii).is_err());
        assert!(ours(&[0.0f32], Escape::Ascii).is_err());
        let map: BTreeMap<u64, u8> = [(1, 2)].into();
        assert!(ours(&map, Escape::Ascii).is_err());
        let map: BTreeMap<String, u8> = [("1".into(), 2)].into();
        assert_eq!(ours(&map, Escape::Ascii).unwrap(), r#"{"1":2}"#);
    }

    #[test]
    fn raw_fragments_are_written_as_they_are() {
        let f = crate::json::Fragment("{\"a\":\"种\" }".into());
        assert_eq!(ours(&f, Escape::Ascii).unwrap(), "{\"a\":\"种\" }");
        assert_eq!(ours(&[Some(&f), None], Escape::Ascii).unwrap(), "[{\"a\":\"种\" },null]");
        let raw = serde_json::value::RawValue::from_string("[1, \"é\"]".into()).unwrap();
        same(&raw);
    }

    /// A fragment's text must be a string; a value of another type is refused, and the
    /// writer is not left expecting a fragment.
    #[test]
    fn a_raw_fragment_that_is_not_a_string_is_refused() {
        struct NotText;
        impl Serialize for NotText {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeStruct;
                let mut raw = s.serialize_struct(super::RAW, 1)?;
                raw.serialize_field(super::RAW, &5u8)?;
                raw.end()
            }
        }
        assert!(ours(&NotText, Escape::Ascii).is_err());
        let mut out = String::new();
        let mut w = super::Writer { out: &mut out, ascii: true, raw: false };
        assert!(NotText.serialize(&mut w).is_err());
        assert!("a".serialize(&mut w).is_ok());
        assert_eq!(out, "5\"a\"");
    }

    #[test]
    fn limits_of_the_integers() {
        same(&(i64::MIN, i64::MAX, u64::MAX, i128::MIN, u128::MAX, 0u8, -1i32));
    }
}
