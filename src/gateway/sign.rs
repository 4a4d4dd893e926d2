//! The `_aop_signature`: what is signed, how, and how a received signature is compared.
//!
//! message = `urlPath` + every `key + value` string (values exactly as sent, before form
//! encoding), the **whole strings** sorted byte-wise; signature = upper-case hex of
//! HMAC-SHA1(appSecret, message). `urlPath` empty is the *params-only* variant used by push
//! messages and the legacy signed OAuth URL.

use crate::error::{KjbError, Result};
use hmac::{Hmac, Mac};
use sha1::Sha1;
use std::cmp::Ordering;
use std::fmt;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

type HmacSha1 = Hmac<Sha1>;

/// Length of a signature in hex characters.
pub const SIGNATURE_LEN: usize = 40;

/// An app secret. Its bytes are wiped when it is dropped, and it prints as `<redacted>`.
///
/// The HMAC is keyed afresh for every signature (two SHA-1 blocks, well under a microsecond)
/// rather than keeping a pre-keyed state: the keyed ipad/opad state is secret-derived material
/// (enough to forge signatures) and the `hmac` crate does not wipe it on drop, so it only ever
/// lives on the stack for the duration of one call.
pub struct Secret(Zeroizing<Vec<u8>>);

impl Secret {
    /// Takes ownership of the secret's buffer (no copy left behind).
    pub fn from_string(s: String) -> Secret {
        Secret(Zeroizing::new(s.into_bytes()))
    }

    pub fn from_str_copy(s: &str) -> Secret {
        Secret(Zeroizing::new(s.as_bytes().to_vec()))
    }

    /// The secret as text, for the one place it is sent as is: the OAuth token request body
    /// (`client_secret`), written into a wiped buffer (`token::request_json`).
    pub(crate) fn as_text(&self) -> &str {
        // Made from a `str` only, so always UTF-8.
        std::str::from_utf8(&self.0).unwrap_or("")
    }

    fn mac(&self) -> Result<HmacSha1> {
        // HMAC accepts keys of any length; the error branch exists only in the type.
        HmacSha1::new_from_slice(&self.0).map_err(|_| KjbError::internal("the HMAC key was refused"))
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A computed signature: 40 upper-case hex digits.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Signature([u8; SIGNATURE_LEN]);

impl Signature {
    pub fn as_str(&self) -> &str {
        // Only ASCII hex digits are ever written into it.
        std::str::from_utf8(&self.0).unwrap_or("")
    }

    /// Constant-time comparison with a received signature, byte for byte: a lower-case
    /// rendering of the right signature does not match (1688 signs in upper-case hex).
    pub fn matches(&self, received: &str) -> bool {
        bool::from(self.0.as_slice().ct_eq(received.as_bytes()))
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

fn hex_digit(n: u8) -> u8 {
    let n = n & 0x0f;
    if n < 10 {
        b'0' | n
    } else {
        n.wrapping_add(b'A'.wrapping_sub(10))
    }
}

/// Upper-case hex of one byte, as two ASCII digits.
pub fn hex_pair(b: u8) -> [u8; 2] {
    [hex_digit(b.wrapping_shr(4)), hex_digit(b)]
}

/// Orders `key + value` strings as whole strings, without building them.
fn cmp_joined(a: &(&str, &str), b: &(&str, &str)) -> Ordering {
    // Keys nearly always differ before the shorter one ends, and then they alone decide (one
    // slice comparison); only when one key starts the other do the values take part.
    let common = a.0.len().min(b.0.len());
    match a.0.as_bytes().get(..common).cmp(&b.0.as_bytes().get(..common)) {
        Ordering::Equal => a.0.bytes().chain(a.1.bytes()).cmp(b.0.bytes().chain(b.1.bytes())),
        decided => decided,
    }
}

/// The parameters in signing order; `_aop_signature` itself is never signed.
fn sorted<'p>(params: impl IntoIterator<Item = (&'p str, &'p str)>) -> Vec<(&'p str, &'p str)> {
    let mut v: Vec<(&str, &str)> = params.into_iter().filter(|(k, _)| *k != "_aop_signature").collect();
    // A heapsort (crate::sort): the standard sort's code is large for a dozen parameters.
    crate::sort::sort_by(&mut v, cmp_joined);
    v
}

/// The exact text that is signed (for display and debugging; signing streams it instead).
pub fn string_to_sign<'p>(url_path: &str, params: impl IntoIterator<Item = (&'p str, &'p str)>) -> String {
    let params = sorted(params);
    let len = params.iter().fold(url_path.len(), |n, (k, v)| n.saturating_add(k.len()).saturating_add(v.len()));
    let mut s = String::with_capacity(len);
    s.push_str(url_path);
    for (k, v) in params {
        s.push_str(k);
        s.push_str(v);
    }
    s
}

/// Signs `url_path` (empty for params-only) and `params`.
pub fn sign<'p>(secret: &Secret, url_path: &str, params: impl IntoIterator<Item = (&'p str, &'p str)>) -> Result<Signature> {
    finish(secret, url_path, sorted(params))
}

/// [`sign`] for parameters the caller owns and no longer needs in their order: they are sorted
/// where they are, saving the copy `sign` makes.
pub fn sign_sorting<K: AsRef<str>, V: AsRef<str>>(secret: &Secret, url_path: &str, params: &mut [(K, V)]) -> Result<Signature> {
    crate::sort::sort_by(params, |(ka, va), (kb, vb)| cmp_joined(&(ka.as_ref(), va.as_ref()), &(kb.as_ref(), vb.as_ref())));
    let pairs = params.iter().map(|(k, v)| (k.as_ref(), v.as_ref())).filter(|(k, _)| *k != "_aop_signature");
    finish(secret, url_path, pairs)
}

/// The signature of `url_path` and `params`, already in signing order.
fn finish<'p>(secret: &Secret, url_path: &str, params: impl IntoIterator<Item = (&'p str, &'p str)>) -> Result<Signature> {
    let mut mac = secret.mac()?;
    mac.update(url_path.as_bytes());
    for (k, v) in params {
        mac.update(k.as_bytes());
        mac.update(v.as_bytes());
    }
    let digest = mac.finalize().into_bytes();
    let mut out = [0u8; SIGNATURE_LEN];
    for (pair, b) in out.chunks_exact_mut(2).zip(digest.iter()) {
        pair.copy_from_slice(&hex_pair(*b));
    }
    Ok(Signature(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_strings_are_sorted_not_keys() {
        // By key, "type" < "typeList"; as whole strings "typeList[…" < "typeORDER" ('L' < 'O').
        let s = string_to_sign("p/", [("type", "ORDER"), ("typeList", "[\"A\"]")]);
        assert_eq!(s, "p/typeList[\"A\"]typeORDER");
    }

    #[test]
    fn joined_order_is_the_order_of_the_joined_strings() {
        let pairs = [("a", ""), ("a", "b"), ("ab", ""), ("ab", "a"), ("a", "ba"), ("b", "a"), ("", "ab"), ("type", "ORDER"), ("typeList", "[1]"), ("", "")];
        for a in &pairs {
            for b in &pairs {
                assert_eq!(cmp_joined(a, b), format!("{}{}", a.0, a.1).cmp(&format!("{}{}", b.0, b.1)), "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn signature_is_skipped_and_hex_is_upper() {
        let k = Secret::from_str_copy("k");
        let a = sign(&k, "", [("a", "1")]).unwrap();
        let b = sign(&k, "", [("a", "1"), ("_aop_signature", "X")]).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.as_str().len(), SIGNATURE_LEN);
        assert!(a.as_str().bytes().all(|c| c.is_ascii_digit() || (b'A'..=b'F').contains(&c)));
        assert!(a.matches(a.as_str()));
        assert!(!a.matches(&a.as_str().to_ascii_lowercase()) || a.as_str().bytes().all(|c| c.is_ascii_digit()));
        assert!(!a.matches(""));
        assert!(!a.matches(&format!("{}0", a.as_str())));
    }

    #[test]
    fn many_parameters_sign_like_few() {
        let k = Secret::from_str_copy("k");
        let keys: Vec<String> = (0..40).map(|i| format!("p{:02}", (i * 7) % 40)).collect();
        for n in [0, 1, 15, 16, 17, 40] {
            let params: Vec<(&str, &str)> = keys.iter().take(n).map(|k| (k.as_str(), "v")).collect();
            let mut with_signature = params.clone();
            with_signature.insert(n / 2, ("_aop_signature", "X"));
            let want = {
                let mut mac = k.mac().unwrap();
                mac.update(string_to_sign("u/", params.iter().copied()).as_bytes());
                mac.finalize().into_bytes().iter().flat_map(|b| hex_pair(*b)).collect::<Vec<u8>>()
            };
            assert_eq!(sign(&k, "u/", params.iter().copied()).unwrap().as_str().as_bytes(), want.as_slice(), "{n}");
            assert_eq!(sign(&k, "u/", with_signature.iter().copied()).unwrap(), sign(&k, "u/", params.iter().copied()).unwrap(), "{n}");
            let mut owned: Vec<(String, String)> = with_signature.iter().rev().map(|(k, v)| (k.to_string(), v.to_string())).collect();
            assert_eq!(sign_sorting(&k, "u/", &mut owned).unwrap(), sign(&k, "u/", params).unwrap(), "{n}");
        }
    }

    #[test]
    fn hex_pairs() {
        assert_eq!(&hex_pair(0x00), b"00");
        assert_eq!(&hex_pair(0xAF), b"AF");
        assert_eq!(&hex_pair(0x5b), b"5B");
    }

    #[test]
    fn secret_debug_is_redacted() {
        let s = Secret::from_str_copy("VERY-SECRET-XYZ");
        assert_eq!(format!("{s:?}"), "<redacted>");
    }
}
