//! Which JSON numbers must not reach JavaScript as numbers, and compact re-printing.
//!
//! A JS `JSON.parse` rounds every number to a double: a 19-digit order id loses its last
//! digits. The core therefore reads gateway answers and push messages itself, turning into
//! strings every integer above 2^53 − 1 and every integer under an id-named key (`orderId`,
//! `msgId`, `id`, `orderIdList`, `cantPayOrderList`, …; arrays inherit their key)
//! ([`Numbers::quotes`]): answers as the JSON reader builds their tree, push messages by
//! [`compact`], which re-prints a text token by token (no tree, no float conversion, every
//! other token copied verbatim). The same walker compacts JSON-valued request parameters and
//! refuses JS numbers that already lost digits.
//!
//! The input of [`compact`] must be JSON that the reader has already accepted: the walker
//! trusts the structure and only tracks strings, keys and nesting.

/// What to do with integer tokens.
#[derive(Clone, Copy)]
pub(crate) enum Numbers {
    /// Copy every number as written.
    Keep,
    /// Fail on integers above 2^53 − 1 (text printed by `JSON.stringify`: already rounded).
    RefuseUnsafe,
    /// Quote integers above 2^53 − 1 and integers under id-named keys.
    QuoteIds,
    /// As `QuoteIds`, and also quote every number (as written) under a key the predicate
    /// names: money, which is then read as an exact decimal, never through a float.
    QuoteIdsAnd(fn(&str) -> bool),
}

/// An integer token that cannot be trusted, as written.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct UnsafeNumber(pub String);

/// True for keys whose integer values are identifiers, never quantities.
pub(crate) fn is_id_key(key: &str) -> bool {
    key == "id"
        || ["Id", "ID", "Ids", "IDs", "IdList", "OrderList"].iter().any(|s| key.ends_with(s))
}

/// True when an integer token's magnitude exceeds 2^53 − 1.
pub(crate) fn is_unsafe_integer(token: &str) -> bool {
    const MAX: &str = "9007199254740991";
    let digits = token.strip_prefix('-').unwrap_or(token);
    digits.len() > MAX.len() || (digits.len() == MAX.len() && digits > MAX)
}

fn is_integer(token: &str) -> bool {
    !token.bytes().any(|b| matches!(b, b'.' | b'e' | b'E'))
}

impl Numbers {
    /// Whether the number `token` (as written), under `key`, is written as a string.
    pub(crate) fn quotes(self, key: Option<&str>, token: &str) -> bool {
        let id = || is_integer(token) && (is_unsafe_integer(token) || key.is_some_and(is_id_key));
        match self {
            Numbers::Keep | Numbers::RefuseUnsafe => false,
            Numbers::QuoteIds => id(),
            Numbers::QuoteIdsAnd(marked) => key.is_some_and(marked) || id(),
        }
    }
}

#[derive(Clone, Copy)]
struct Frame<'t> {
    object: bool,
    /// For an object: its current key (as written); for an array: its key.
    key: Option<&'t str>,
}

/// Index just past the string starting at `start` (which holds `"`).
fn string_end(b: &[u8], start: usize) -> usize {
    let mut i = start.saturating_add(1);
    while let Some(&c) = b.get(i) {
        match c {
            b'\\' => i = i.saturating_add(2),
            b'"' => return i.saturating_add(1),
            _ => i = i.saturating_add(1),
        }
    }
    b.len()
}

fn run_end(b: &[u8], start: usize, part: impl Fn(u8) -> bool) -> usize {
    let mut i = start;
    while b.get(i).is_some_and(|&c| part(c)) {
        i = i.saturating_add(1);
    }
    i
}

/// Re-prints validated JSON `text` without insignificant whitespace, handling integers as
/// `numbers` says.
pub(crate) fn compact(text: &str, numbers: Numbers) -> Result<String, UnsafeNumber> {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len().saturating_add(16));
    let mut frames: Vec<Frame<'_>> = Vec::new();
    let mut expect_key = false;
    let mut i = 0usize;
    while let Some(&c) = b.get(i) {
        match c {
            b'"' => {
                let end = string_end(b, i);
                let s = text.get(i..end).unwrap_or("");
                if expect_key {
                    expect_key = false;
                    if let Some(f) = frames.last_mut() {
                        f.key = s.get(1..s.len().saturating_sub(1));
                    }
                }
                out.push_str(s);
                i = end;
            }
            b'{' | b'[' => {
                let object = c == b'{';
                let key = if object { None } else { frames.last().and_then(|f| f.key) };
                frames.push(Frame { object, key });
                expect_key = object;
                out.push(char::from(c));
                i = i.saturating_add(1);
            }
            b'}' | b']' => {
                frames.pop();
                expect_key = false;
                out.push(char::from(c));
                i = i.saturating_add(1);
            }
            b',' => {
                expect_key = frames.last().is_some_and(|f| f.object);
                out.push(',');
                i = i.saturating_add(1);
            }
            b' ' | b'\t' | b'\n' | b'\r' => i = i.saturating_add(1),
            b'-' | b'0'..=b'9' => {
                let end = run_end(b, i, |c| {
                    c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.' | b'e' | b'E')
                });
                let token = text.get(i..end).unwrap_or("");
                if matches!(numbers, Numbers::RefuseUnsafe)
                    && is_integer(token)
                    && is_unsafe_integer(token)
                {
                    return Err(UnsafeNumber(token.to_string()));
                }
                if numbers.quotes(frames.last().and_then(|f| f.key), token) {
                    out.push('"');
                    out.push_str(token);
                    out.push('"');
                } else {
                    out.push_str(token);
                }
                i = end;
            }
            _ => {
                // true / false / null (or a ':' or a stray byte serde_json already refused).
                let end = run_end(b, i, |c| c.is_ascii_alphabetic()).max(i.saturating_add(1));
                out.push_str(text.get(i..end).unwrap_or(""));
                i = end;
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_ids_and_big_integers_only() {
        let text = r#"{ "orderId": 12, "payFee": 1234, "big": 3535260697417660107, "neg": -9007199254740993,
            "cantPayOrderList": [3535260697417660107, 5], "amount": 12.50, "exp": 1e30, "n": null,
            "s": "orderId: 5, \"x\" ", "msgId": 92705609220, "list": [{"id": 7, "qty": 2}], "ok": true,
            "safe": 9007199254740991, "offerId": 554456348334 }"#;
        let out = compact(text, Numbers::QuoteIds).unwrap();
        assert_eq!(
            out,
            r#"{"orderId":"12","payFee":1234,"big":"3535260697417660107","neg":"-9007199254740993","cantPayOrderList":["3535260697417660107","5"],"amount":12.50,"exp":1e30,"n":null,"s":"orderId: 5, \"x\" ","msgId":"92705609220","list":[{"id":"7","qty":2}],"ok":true,"safe":9007199254740991,"offerId":"554456348334"}"#
        );
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["big"], "3535260697417660107");
    }

    #[test]
    fn keys_do_not_leak_across_levels() {
        let out = compact(r#"{"orderId":{"a":1},"b":2,"x":[{"orderId":3},4]}"#, Numbers::QuoteIds)
            .unwrap();
        assert_eq!(out, r#"{"orderId":{"a":1},"b":2,"x":[{"orderId":"3"},4]}"#);
    }

    /// Answers are quoted as the reader builds their tree, push messages by the walker: both
    /// quote the same numbers.
    #[test]
    fn tree_and_walker_quote_alike() {
        let money = |k: &str| k == "amount";
        let texts = [
            r#"{"orderIdList":[[1,2],[3]],"x":[{"id":4,"n":[5]}],"amount":[1.5,2,{"q":3}],"amount2":7}"#,
            r#"{"big":-9007199254740993,"f":9007199254740993.5,"e":1e30,"id":2.5,"msgId":-0}"#,
            r#"[1, 9007199254740993, {"orderId": 3535260697417660107, "s": "orderId: 5"}]"#,
            r#"{"a":{"cantPayOrderList":[12,{"payFee":34}]},"b":[[],{}],"amount":null}"#,
        ];
        for numbers in [Numbers::QuoteIds, Numbers::QuoteIdsAnd(money)] {
            for text in texts {
                let walked: serde_json::Value =
                    serde_json::from_str(&compact(text, numbers).unwrap()).unwrap();
                let Ok(tree) = crate::json::read_value(text, &|k, n| numbers.quotes(k, n)) else {
                    panic!("{text}")
                };
                let read: serde_json::Value =
                    serde_json::from_str(&crate::json::to_json(&tree).unwrap()).unwrap();
                assert_eq!(walked, read, "{text}");
            }
        }
    }

    #[test]
    fn keep_and_refuse() {
        assert_eq!(compact("[1, 2.5 ,\"a b\"]", Numbers::Keep).unwrap(), "[1,2.5,\"a b\"]");
        assert_eq!(
            compact("{\"a\":[9007199254740992]}", Numbers::RefuseUnsafe).unwrap_err().0,
            "9007199254740992"
        );
        assert!(compact("{\"a\":9007199254740992.5}", Numbers::RefuseUnsafe).is_ok());
    }

    #[test]
    fn id_keys() {
        for k in [
            "id",
            "orderId",
            "msgId",
            "orderIds",
            "orderIdList",
            "cantPayOrderList",
            "payFailureOrderList",
            "productID",
        ] {
            assert!(is_id_key(k), "{k}");
        }
        for k in ["paid", "payFee", "totalCount", "quota", "Identity", "code", "gmtBorn"] {
            assert!(!is_id_key(k), "{k}");
        }
    }
}
