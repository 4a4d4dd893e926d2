//! `application/x-www-form-urlencoded`, as WHATWG (and so `URLSearchParams`, Java's
//! `URLEncoder`, PHP's `http_build_query`) writes it: ASCII letters, digits and `*-._` as they
//! are, space as `+`, every other UTF-8 byte as `%XX` (upper-case hex).
//!
//! Reading is strict where WHATWG is lenient: a truncated or invalid `%` escape, or bytes that
//! are not UTF-8 once decoded, are errors, because a push body that does not decode cleanly
//! cannot be the text 1688 signed.

use crate::text::hex_pair;
use std::borrow::Cow;

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'*' | b'-' | b'.' | b'_')
}

/// How many ASCII digits `s` starts with, 8 bytes at a time while it can (an order id is 19).
pub(crate) fn leading_digits(s: &[u8]) -> usize {
    const NIBBLES: u64 = 0xF0F0_F0F0_F0F0_F0F0;
    const THREES: u64 = 0x3030_3030_3030_3030;
    let mut n = 0usize;
    while let Some(word) = s.get(n..n.saturating_add(8)).and_then(|w| <[u8; 8]>::try_from(w).ok()) {
        let w = u64::from_le_bytes(word);
        // A byte is a digit when it is 0x3_ and adding 6 leaves it 0x3_ (0x30..=0x39); a byte
        // that could carry into the next one (0xFA and up) already fails the first test.
        if w & NIBBLES != THREES || w.wrapping_add(0x0606_0606_0606_0606) & NIBBLES != THREES {
            break;
        }
        n = n.saturating_add(8);
    }
    let rest = s.get(n..).unwrap_or_default();
    n.saturating_add(rest.iter().position(|b| !b.is_ascii_digit()).unwrap_or(rest.len()))
}

/// Appends `s` form-encoded to `out`. Runs of bytes that stay as they are are copied whole
/// (a signed request's body is mostly such runs), the others encoded one by one. Encoding is
/// per UTF-8 byte, so the text is walked as bytes: a run of unreserved (ASCII) bytes always
/// starts and ends on character boundaries. Digits, most of a body (ids, timestamps), are
/// skipped 8 at a time.
pub fn encode_into(out: &mut String, s: &str) {
    let bytes = s.as_bytes();
    let mut run_from = 0usize;
    let mut i = 0usize;
    while let Some(&b) = bytes.get(i) {
        if b.is_ascii_digit() {
            i = i.saturating_add(leading_digits(bytes.get(i..).unwrap_or_default()));
            continue;
        }
        if !is_unreserved(b) {
            out.push_str(s.get(run_from..i).unwrap_or(""));
            if b == b' ' {
                out.push('+');
            } else {
                let [hi, lo] = hex_pair(b);
                out.push('%');
                out.push(char::from(hi));
                out.push(char::from(lo));
            }
            run_from = i.saturating_add(1);
        }
        i = i.saturating_add(1);
    }
    out.push_str(s.get(run_from..).unwrap_or(""));
}

/// Bytes `s` will take once encoded (to size buffers once): one per byte, two more per escape.
pub fn encoded_len(s: &str) -> usize {
    let escaped = s.bytes().filter(|&b| !is_unreserved(b) && b != b' ').count();
    s.len().saturating_add(escaped.saturating_mul(2))
}

/// Bytes `k1=v1&k2=v2…` will take.
pub(crate) fn encoded_pairs_len<'p>(pairs: impl Iterator<Item = (&'p str, &'p str)>) -> usize {
    pairs.fold(0usize, |n, (k, v)| {
        n.saturating_add(encoded_len(k)).saturating_add(encoded_len(v)).saturating_add(2)
    })
}

/// Appends `k1=v1&k2=v2…` to `out` (which may already hold other text).
pub(crate) fn encode_pairs_into<'p>(
    out: &mut String,
    pairs: impl Iterator<Item = (&'p str, &'p str)>,
) {
    for (i, (k, v)) in pairs.enumerate() {
        if i > 0 {
            out.push('&');
        }
        encode_into(out, k);
        out.push('=');
        encode_into(out, v);
    }
}

/// `k1=v1&k2=v2…`.
pub fn encode_pairs<'p>(pairs: impl Iterator<Item = (&'p str, &'p str)> + Clone) -> String {
    let mut out = String::with_capacity(encoded_pairs_len(pairs.clone()));
    encode_pairs_into(&mut out, pairs);
    out
}

fn hex_value(b: u8) -> Option<u8> {
    char::from(b).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

/// Why a form could not be read.
#[derive(Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// A `%` not followed by two hex digits.
    BadEscape,
    /// The decoded bytes are not UTF-8.
    NotUtf8,
}

impl DecodeError {
    pub fn describe(&self) -> &'static str {
        match self {
            DecodeError::BadEscape => "has a truncated or invalid percent-escape (a '%' must be followed by two hex digits)",
            DecodeError::NotUtf8 => "is not UTF-8 once percent-decoded",
        }
    }
}

/// Decodes one form component (`+` is a space); borrows when there is nothing to decode.
pub fn decode(s: &str) -> Result<Cow<'_, str>, DecodeError> {
    if !s.bytes().any(|b| b == b'%' || b == b'+') {
        return Ok(Cow::Borrowed(s));
    }
    let mut out = Vec::with_capacity(s.len());
    let mut it = s.bytes();
    while let Some(b) = it.next() {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hi = it.next().and_then(hex_value);
                let lo = it.next().and_then(hex_value);
                match (hi, lo) {
                    (Some(h), Some(l)) => out.push(h.wrapping_mul(16) | l),
                    _ => return Err(DecodeError::BadEscape),
                }
            }
            _ => out.push(b),
        }
    }
    String::from_utf8(out).map(Cow::Owned).map_err(|_| DecodeError::NotUtf8)
}

/// One decoded field, and the index of the `&`-separated part it came from.
pub(crate) type Field<'a> = (Cow<'a, str>, Cow<'a, str>);

/// Reads a whole form body. Empty parts (`a=1&&b=2`, a trailing `&`) are skipped; a part
/// without `=` is a key with an empty value, as WHATWG reads it.
pub fn parse(body: &str) -> Result<Vec<Field<'_>>, (usize, DecodeError)> {
    let mut fields = Vec::new();
    for (i, part) in crate::text::split_byte(body, b'&').enumerate() {
        if part.is_empty() {
            continue;
        }
        let (k, v) = crate::text::split_once_byte(part, b'=').unwrap_or((part, ""));
        let k = decode(k).map_err(|e| (i, e))?;
        let v = decode(v).map_err(|e| (i, e))?;
        fields.push((k, v));
    }
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_whatwg() {
        let mut s = String::new();
        encode_into(&mut s, "aZ09*-._ ~!'()&=+/:,[]{}\"张");
        assert_eq!(s, "aZ09*-._+%7E%21%27%28%29%26%3D%2B%2F%3A%2C%5B%5D%7B%7D%22%E5%BC%A0");
        assert_eq!(encoded_len("aZ09*-._ ~!'()&=+/:,[]{}\"张"), s.len());
        assert_eq!(encode_pairs([("a", "1 2"), ("b", "")].into_iter()), "a=1+2&b=");
    }

    #[test]
    fn leading_digit_counts() {
        for b in 0..=u8::MAX {
            for at in 0..12 {
                let mut s = *b"012345678901";
                s[at] = b;
                let want = if b.is_ascii_digit() { 12 } else { at };
                assert_eq!(leading_digits(&s), want, "{b} at {at}");
            }
        }
        assert_eq!(leading_digits(b""), 0);
        assert_eq!(leading_digits(b"3535260697417660107\""), 19);
    }

    #[test]
    fn unreserved_bytes() {
        for b in 0..=u8::MAX {
            assert_eq!(
                is_unreserved(b),
                b.is_ascii_alphanumeric() || matches!(b, b'*' | b'-' | b'.' | b'_'),
                "{b}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn encoding_is_sized_exactly_and_decodes_back(text in "\\PC{0,40}") {
            let mut enc = String::from("x");
            encode_into(&mut enc, &text);
            proptest::prop_assert_eq!(enc.len(), encoded_len(&text).saturating_add(1));
            proptest::prop_assert!(enc.bytes().all(|b| is_unreserved(b) || b == b'+' || b == b'%'));
            proptest::prop_assert_eq!(decode(enc.get(1..).unwrap()).unwrap(), text.as_str());
        }
    }

    #[test]
    fn decodes_and_round_trips() {
        let text = "网商路699号 A&B=C+D %zz\u{1}";
        let mut enc = String::new();
        encode_into(&mut enc, text);
        assert_eq!(decode(&enc).unwrap(), text);
        assert!(matches!(decode("plain"), Ok(Cow::Borrowed("plain"))));
        assert_eq!(decode("a%2b+c").unwrap(), "a+ c");
    }

    #[test]
    fn strict_on_bad_escapes() {
        for bad in ["%", "%4", "%G1", "abc%", "%%41", "%4%41"] {
            assert_eq!(decode(bad).unwrap_err(), DecodeError::BadEscape, "{bad}");
        }
        assert_eq!(decode("%FF%FE").unwrap_err(), DecodeError::NotUtf8);
        assert_eq!(decode("%E5%BC").unwrap_err(), DecodeError::NotUtf8);
    }

    #[test]
    fn parses_forms() {
        let f = parse("a=1&&b&c=x%3Dy&").unwrap();
        let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_ref(), v.as_ref())).collect();
        assert_eq!(f, vec![("a", "1"), ("b", ""), ("c", "x=y")]);
        assert_eq!(parse("a=1&b=%ZZ").unwrap_err().0, 1);
        assert!(parse("").unwrap().is_empty());
    }
}
