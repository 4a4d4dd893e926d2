//! `application/x-www-form-urlencoded`: arbitrary pairs through `encode_pairs` and back
//! through `parse`/`decode`; arbitrary text through `decode` and `parse`.
//!
//! Invariants: nothing panics; `parse(encode_pairs(p)) == p` and `decode(encode(s)) == s`;
//! the encoding uses only unreserved bytes, `+` and upper-case `%XX`, and `encoded_len` is its
//! length; `decode` of any text either fails or gives text that re-encodes and decodes to
//! itself; `parse` fails exactly when one of its parts fails to decode.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use kjb::internals::form;
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Case<'a> {
    pairs: Vec<(&'a str, &'a str)>,
    text: &'a str,
}

// Input layout: `0x00` then a structured case; anything else is a form body, whose decoded
// pairs are also re-encoded and read back.
fuzz_target!(|data: &[u8]| {
    match data.split_first() {
        Some((0, rest)) => {
            if let Ok(case) = Case::arbitrary_take_rest(Unstructured::new(rest)) {
                run(&case);
            }
        }
        _ => {
            let text = String::from_utf8_lossy(data);
            let pairs: Vec<(String, String)> = match form::parse(&text) {
                Ok(f) => f.into_iter().map(|(k, v)| (k.into_owned(), v.into_owned())).collect(),
                Err(_) => Vec::new(),
            };
            let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            run(&Case { pairs, text: &text });
        }
    }
});

fn run(case: &Case<'_>) {
    let body = form::encode_pairs(case.pairs.iter().copied());
    assert!(
        body.bytes().all(|b| b.is_ascii_alphanumeric() || b"*-._+%&=".contains(&b)),
        "unexpected byte in {body:?}"
    );
    let parsed = form::parse(&body).unwrap_or_else(|e| panic!("own encoding does not parse: {e:?} {body:?}"));
    let back: Vec<(&str, &str)> = parsed.iter().map(|(k, v)| (k.as_ref(), v.as_ref())).collect();
    assert_eq!(back, case.pairs, "round trip of {body:?}");
    for (k, v) in &case.pairs {
        for s in [k, v] {
            let mut enc = String::new();
            form::encode_into(&mut enc, s);
            assert_eq!(form::encoded_len(s), enc.len());
            assert_eq!(form::decode(&enc).unwrap(), *s);
            // Escapes are upper-case hex.
            let b = enc.as_bytes();
            for (i, &c) in b.iter().enumerate() {
                if c == b'%' {
                    assert!(b[i + 1..i + 3].iter().all(|h| h.is_ascii_digit() || (b'A'..=b'F').contains(h)), "{enc}");
                }
            }
        }
    }

    // Arbitrary text.
    match form::decode(case.text) {
        Ok(d) => {
            let mut enc = String::new();
            form::encode_into(&mut enc, &d);
            assert_eq!(form::decode(&enc).unwrap(), d);
            if !case.text.contains(['%', '+']) {
                assert_eq!(d, case.text);
            }
        }
        Err(_) => assert!(case.text.contains('%'), "decode failed without a '%': {:?}", case.text),
    }
    let parts_ok = case.text.split('&').filter(|p| !p.is_empty()).all(|p| {
        let (k, v) = p.split_once('=').unwrap_or((p, ""));
        form::decode(k).is_ok() && form::decode(v).is_ok()
    });
    match form::parse(case.text) {
        Ok(fields) => {
            assert!(parts_ok);
            assert_eq!(fields.len(), case.text.split('&').filter(|p| !p.is_empty()).count());
        }
        Err((i, _)) => {
            assert!(!parts_ok);
            assert!(i < case.text.split('&').count());
        }
    }
}
