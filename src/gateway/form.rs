//! `application/x-www-form-urlencoded`, as WHATWG (and so `URLSearchParams`, Java's
//! `URLEncoder`, PHP's `http_build_query`) writes it: ASCII letters, digits and `*-._` as they
//! are, space as `+`, every other UTF-8 byte as `%XX` (upper-case hex).
//!
//! Reading is strict where WHATWG is lenient: a truncated or invalid `%` escape, or bytes that
//! are not UTF-8 once decoded, are errors, because a push body that does not decode cleanly
//! cannot be the text 1688 signed.

use super::sign::hex_pair;
use std::borrow::Cow;

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'*' | b'-' | b'.' | b'_')
}

/// Appends `s` form-encoded to `out`. Runs of bytes that stay as they are are copied whole
/// (a signed request's body is mostly such runs), the others encoded one by one.
pub fn encode_into(out: &mut String, s: &str) {
    let mut rest = s;
    while !rest.is_empty() {
        let run = rest.bytes().position(|b| !is_unreserved(b)).unwrap_or(rest.len());
        let (plain, tail) = rest.split_at(run);
        out.push_str(plain);
        let mut chars = tail.chars();
        let Some(c) = chars.next() else { break };
        let mut utf8 = [0u8; 4];
        for &b in c.encode_utf8(&mut utf8).as_bytes() {
            if b == b' ' {
                out.push('+');
            } else {
                let [hi, lo] = hex_pair(b);
                out.push('%');
                out.push(char::from(hi));
                out.push(char::from(lo));
            }
        }
        rest = chars.as_str();
    }
}

/// Bytes `s` will take once encoded (to size buffers once).
pub fn encoded_len(s: &str) -> usize {
    s.bytes().fold(0usize, |n, b| n.saturating_add(if is_unreserved(b) || b == b' ' { 1 } else { 3 }))
}

/// `k1=v1&k2=v2…`.
pub fn encode_pairs<'p>(pairs: impl Iterator<Item = (&'p str, &'p str)> + Clone) -> String {
    let len = pairs.clone().fold(0usize, |n, (k, v)| n.saturating_add(encoded_len(k)).saturating_add(encoded_len(v)).saturating_add(2));
    let mut out = String::with_capacity(len);
    for (k, v) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        encode_into(&mut out, k);
        out.push('=');
        encode_into(&mut out, v);
    }
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
pub type Field<'a> = (Cow<'a, str>, Cow<'a, str>);

/// Reads a whole form body. Empty parts (`a=1&&b=2`, a trailing `&`) are skipped; a part
/// without `=` is a key with an empty value, as WHATWG reads it.
pub fn parse(body: &str) -> Result<Vec<Field<'_>>, (usize, DecodeError)> {
    let mut fields = Vec::new();
    for (i, part) in body.split('&').enumerate() {
        if part.is_empty() {
            continue;
        }
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
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
