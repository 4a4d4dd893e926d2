//! The `_aop_signature`: what is signed, how, and how a received signature is compared.
//!
//! message = `urlPath` + every `key + value` string (values exactly as sent, before form
//! encoding), the **whole strings** sorted byte-wise; signature = upper-case hex of
//! HMAC-SHA1(appSecret, message). `urlPath` empty is the *params-only* variant used by push
//! messages and the legacy signed OAuth URL.

use crate::error::Result;
use crate::text::hex_pair;
use sha1::digest::generic_array::GenericArray;
use sha1::{Digest, Sha1};
use std::cmp::Ordering;
use std::fmt;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// Length of a signature in hex characters.
pub(crate) const SIGNATURE_LEN: usize = 40;

/// An app secret. Its bytes are wiped when it is dropped, and it prints as `<redacted>`.
///
/// The HMAC is keyed afresh for every signature (two SHA-1 blocks, well under a microsecond)
/// rather than keeping a pre-keyed state, and its key padding is done here, not by the `hmac`
/// crate: that crate builds the padded key block in stack arrays it never wipes, and whether
/// the optimiser keeps a plain copy of the secret there depends on the build settings. Here the
/// key block lives in a heap buffer wiped on drop, and [`scrub_stack`] clears the stack the
/// SHA-1 rounds used (the block's words and the keyed state), so no build can leave either.
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

    /// HMAC-SHA1 (RFC 2104) of the concatenated `parts` under this secret.
    fn hmac<'m>(&self, parts: impl IntoIterator<Item = &'m [u8]>) -> [u8; DIGEST_LEN] {
        let mut digest = [0u8; DIGEST_LEN];
        let mut parts = parts.into_iter();
        keyed(&self.0, &mut |h| parts.by_ref().for_each(|p| h.update(p)), &mut digest);
        scrub_stack::<HMAC_SCRUB_WORDS>();
        digest
    }
}

/// SHA-1's block and digest lengths.
const BLOCK_LEN: usize = 64;
const DIGEST_LEN: usize = 20;

/// The HMAC itself, kept out of line (and not generic: one copy in the module) so that
/// [`scrub_stack`], called right after it returns, starts its zeroing where its frames began.
/// `message` feeds the message to the hasher: a closure, where a `dyn Iterator` would bring
/// every iterator method of each caller's iterator into the wasm.
#[inline(never)]
fn keyed(key: &[u8], message: &mut dyn FnMut(&mut Sha1), out: &mut [u8; DIGEST_LEN]) {
    // The padded key block: K, or SHA-1(K) when K is longer than a block, then zeros.
    let mut block = Zeroizing::new(vec![0u8; BLOCK_LEN]);
    if key.len() > BLOCK_LEN {
        let mut h = Sha1::new();
        h.update(key);
        if let Some(head) = block.get_mut(..DIGEST_LEN) {
            h.finalize_into(GenericArray::from_mut_slice(head));
        }
    } else if let Some(head) = block.get_mut(..key.len()) {
        head.copy_from_slice(key);
    }
    // A whole block handed to an empty SHA-1 is compressed where it is, not copied into the
    // hasher's buffer; resetting after each digest puts the public start state back.
    block.iter_mut().for_each(|b| *b ^= 0x36);
    let mut h = Sha1::new();
    h.update(block.as_slice());
    message(&mut h);
    let mut inner = GenericArray::default();
    h.finalize_into_reset(&mut inner);
    block.iter_mut().for_each(|b| *b ^= 0x36 ^ 0x5c);
    h.update(block.as_slice());
    h.update(inner);
    h.finalize_into_reset(GenericArray::from_mut_slice(out));
}

/// The stack [`keyed`] may use, in 8-byte words, with room to spare (SHA-1's rounds keep a
/// 16-word schedule and a 5-word state; the hasher is about 100 bytes).
const HMAC_SCRUB_WORDS: usize = 256;

/// Zeroes `WORDS` 8-byte words of stack just below the caller's frame, where the calls it just
/// made kept their locals. On wasm the stack is linear memory that outlives the call, and what
/// a function spills there (a key block, a hash state) is up to the optimiser; this clears it
/// whatever the build settings. The array's address escapes into `black_box`, so the zeroing
/// cannot be left out.
#[inline(never)]
pub fn scrub_stack<const WORDS: usize>() {
    let mut area = [0u64; WORDS];
    std::hint::black_box(&mut area);
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
    let mut v: Vec<(&str, &str)> =
        params.into_iter().filter(|(k, _)| *k != "_aop_signature").collect();
    // A heapsort (crate::sort): the standard sort's code is large for a dozen parameters.
    crate::sort::sort_by(&mut v, cmp_joined);
    v
}

/// The exact text that is signed (for display and debugging; signing streams it instead).
pub(crate) fn string_to_sign<'p>(
    url_path: &str,
    params: impl IntoIterator<Item = (&'p str, &'p str)>,
) -> String {
    let params = sorted(params);
    let len = params
        .iter()
        .fold(url_path.len(), |n, (k, v)| n.saturating_add(k.len()).saturating_add(v.len()));
    let mut s = String::with_capacity(len);
    s.push_str(url_path);
    for (k, v) in params {
        s.push_str(k);
        s.push_str(v);
    }
    s
}

/// Signs `url_path` (empty for params-only) and `params`.
pub fn sign<'p>(
    secret: &Secret,
    url_path: &str,
    params: impl IntoIterator<Item = (&'p str, &'p str)>,
) -> Result<Signature> {
    finish(secret, url_path, sorted(params))
}

/// [`sign`] for parameters the caller owns and no longer needs in their order: they are sorted
/// where they are, saving the copy `sign` makes.
pub(crate) fn sign_sorting<K: AsRef<str>, V: AsRef<str>>(
    secret: &Secret,
    url_path: &str,
    params: &mut [(K, V)],
) -> Result<Signature> {
    crate::sort::sort_by(params, |(ka, va), (kb, vb)| {
        cmp_joined(&(ka.as_ref(), va.as_ref()), &(kb.as_ref(), vb.as_ref()))
    });
    let pairs = params
        .iter()
        .map(|(k, v)| (k.as_ref(), v.as_ref()))
        .filter(|(k, _)| *k != "_aop_signature");
    finish(secret, url_path, pairs)
}

/// The signature of `url_path` and `params`, already in signing order.
fn finish<'p>(
    secret: &Secret,
    url_path: &str,
    params: impl IntoIterator<Item = (&'p str, &'p str)>,
) -> Result<Signature> {
    let parts = params.into_iter().flat_map(|(k, v)| [k.as_bytes(), v.as_bytes()]);
    let digest = secret.hmac(std::iter::once(url_path.as_bytes()).chain(parts));
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
        let pairs = [
            ("a", ""),
            ("a", "b"),
            ("ab", ""),
            ("ab", "a"),
            ("a", "ba"),
            ("b", "a"),
            ("", "ab"),
            ("type", "ORDER"),
            ("typeList", "[1]"),
            ("", ""),
        ];
        for a in &pairs {
            for b in &pairs {
                assert_eq!(
                    cmp_joined(a, b),
                    format!("{}{}", a.0, a.1).cmp(&format!("{}{}", b.0, b.1)),
                    "{a:?} {b:?}"
                );
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
        assert!(
            !a.matches(&a.as_str().to_ascii_lowercase())
                || a.as_str().bytes().all(|c| c.is_ascii_digit())
        );
        assert!(!a.matches(""));
        assert!(!a.matches(&format!("{}0", a.as_str())));
    }

    #[test]
    fn many_parameters_sign_like_few() {
        let k = Secret::from_str_copy("k");
        let keys: Vec<String> = (0..40).map(|i| format!("p{:02}", (i * 7) % 40)).collect();
        for n in [0, 1, 15, 16, 17, 40] {
            let params: Vec<(&str, &str)> =
                keys.iter().take(n).map(|k| (k.as_str(), "v")).collect();
            let mut with_signature = params.clone();
            with_signature.insert(n / 2, ("_aop_signature", "X"));
            let want = k
                .hmac([string_to_sign("u/", params.iter().copied()).as_bytes()])
                .iter()
                .flat_map(|b| hex_pair(*b))
                .collect::<Vec<u8>>();
            assert_eq!(
                sign(&k, "u/", params.iter().copied()).unwrap().as_str().as_bytes(),
                want.as_slice(),
                "{n}"
            );
            assert_eq!(
                sign(&k, "u/", with_signature.iter().copied()).unwrap(),
                sign(&k, "u/", params.iter().copied()).unwrap(),
                "{n}"
            );
            let mut owned: Vec<(String, String)> =
                with_signature.iter().rev().map(|(k, v)| (k.to_string(), v.to_string())).collect();
            assert_eq!(
                sign_sorting(&k, "u/", &mut owned).unwrap(),
                sign(&k, "u/", params).unwrap(),
                "{n}"
            );
        }
    }

    /// RFC 2202's HMAC-SHA1 test cases: short, long (hashed) and block-sized keys.
    #[test]
    fn hmac_is_rfc_2202() {
        let hex = |d: [u8; DIGEST_LEN]| d.iter().map(|b| format!("{b:02x}")).collect::<String>();
        let cases: [(Vec<u8>, Vec<u8>, &str); 5] = [
            (vec![0x0b; 20], b"Hi There".to_vec(), "b617318655057264e28bc0b6fb378c8ef146be00"),
            (
                b"Jefe".to_vec(),
                b"what do ya want for nothing?".to_vec(),
                "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
            ),
            (vec![0xaa; 20], vec![0xdd; 50], "125d7342b9ac11cd91a39af48aa17b4f63f175d3"),
            (
                vec![0xaa; 80],
                b"Test Using Larger Than Block-Size Key - Hash Key First".to_vec(),
                "aa4ae5e15272d00e95705637ce8a3b55ed402112",
            ),
            (
                vec![0xaa; 80],
                b"Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data"
                    .to_vec(),
                "e8e99d0f45237d786d6bbaa7965c7808bbff1a91",
            ),
        ];
        for (key, data, want) in cases {
            let secret = Secret(Zeroizing::new(key));
            assert_eq!(hex(secret.hmac([data.as_slice()])), want);
            // Split anywhere, the same MAC.
            let (a, b) = data.split_at(data.len() / 3);
            assert_eq!(hex(secret.hmac([a, b, &[][..]])), want);
        }
        let block_key = Secret(Zeroizing::new(vec![7u8; BLOCK_LEN]));
        let mut padded = vec![7u8 ^ 0x36; BLOCK_LEN];
        padded.extend_from_slice(b"m");
        let inner = Sha1::digest(&padded);
        let mut outer = vec![7u8 ^ 0x5c; BLOCK_LEN];
        outer.extend_from_slice(&inner);
        assert_eq!(block_key.hmac([&b"m"[..]]).as_slice(), Sha1::digest(&outer).as_slice());
    }

    #[test]
    fn secret_debug_is_redacted() {
        let s = Secret::from_str_copy("VERY-SECRET-XYZ");
        assert_eq!(format!("{s:?}"), "<redacted>");
    }
}
