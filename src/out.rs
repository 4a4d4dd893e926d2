//! The JSON writer of the big answers (`planPayment`, `checkOrders`): the same bytes
//! [`crate::api::to_json`] writes for them through serde — compact, pure ASCII — in one pass
//! into a buffer sized up front.
//!
//! A plan of 10,000 orders is a 2 MB answer, most of it reason messages, English and Chinese,
//! that repeat from order to order. serde_json escapes every string byte by byte (and the
//! ASCII-only formatter then every Chinese character); here a message that is the rule book's
//! fixed text is escaped once per call and copied after that, and ids and counts are printed
//! without core::fmt. `plan::tests` and `eligibility::tests` check that the output is
//! byte-for-byte what serde writes.

use crate::gateway::sign::hex_pair;
use crate::order::u64_digits;
use crate::reason::{Code, Reason};

/// An answer being written.
pub struct Out {
    buf: String,
    /// Escaped fixed texts, by (code, language): most reasons carry one of these.
    fixed: Vec<Option<String>>,
    /// The same texts' pieces between placeholders (`{usd}`…), each with its escaped form, for
    /// messages filled in from them.
    pieces: Vec<Option<Vec<(&'static str, String)>>>,
}

impl Out {
    pub fn with_capacity(bytes: usize) -> Out {
        let slots = Code::ALL.len().saturating_mul(2);
        Out { buf: String::with_capacity(bytes), fixed: vec![None; slots], pieces: vec![None; slots] }
    }

    pub fn finish(self) -> String {
        self.buf
    }

    /// Text that is already JSON (punctuation, keys with their quotes).
    pub fn raw(&mut self, s: &str) {
        self.buf.push_str(s);
    }

    /// A JSON string.
    pub fn str(&mut self, s: &str) {
        push_str(&mut self.buf, s);
    }

    /// An id as a JSON string of digits.
    pub fn id(&mut self, id: u64) {
        self.buf.push('"');
        self.buf.push_str(u64_digits(id, &mut [0; 20]));
        self.buf.push('"');
    }

    pub fn uint(&mut self, n: u64) {
        self.buf.push_str(u64_digits(n, &mut [0; 20]));
    }

    pub fn bool(&mut self, b: bool) {
        self.buf.push_str(if b { "true" } else { "false" });
    }

    /// A reason message: the rule book's fixed text of `code` (escaped once per answer), or a
    /// filled-in one.
    fn message(&mut self, code: Code, zh: bool, text: &str) {
        let t = crate::reason::text(code);
        let fixed = if zh { t.zh } else { t.en };
        let slot = Code::ALL.iter().position(|c| *c == code).unwrap_or(0).saturating_mul(2).saturating_add(usize::from(zh));
        if text != fixed {
            return self.filled(slot, fixed, text);
        }
        match self.fixed.get_mut(slot) {
            Some(Some(escaped)) => self.buf.push_str(escaped),
            Some(empty) => {
                let mut escaped = String::with_capacity(text.len().saturating_mul(2));
                push_str(&mut escaped, text);
                self.buf.push_str(&escaped);
                *empty = Some(escaped);
            }
            None => self.str(text),
        }
    }

    /// A message filled in from `template` (e.g. the daily limit's, with the USD figures): the
    /// template's pieces between placeholders are found in it in order and copied escaped from
    /// the cache, the rest (the values) escaped here. Escaping works character by character,
    /// so however the text is cut the result is the text escaped whole; a piece not found only
    /// means more is escaped here.
    fn filled(&mut self, slot: usize, template: &'static str, text: &str) {
        let Some(cache) = self.pieces.get_mut(slot) else { return push_str(&mut self.buf, text) };
        let pieces = cache.get_or_insert_with(|| {
            let mut pieces = Vec::new();
            let mut rest = template;
            loop {
                let (piece, after) = match rest.find('{').and_then(|open| Some((open, rest.get(open..)?.find('}')?))) {
                    Some((open, close)) => (rest.get(..open).unwrap_or(""), rest.get(open.saturating_add(close).saturating_add(1)..).unwrap_or("")),
                    None => (rest, ""),
                };
                if !piece.is_empty() {
                    let mut escaped = String::with_capacity(piece.len().saturating_mul(2));
                    push_inner(&mut escaped, piece);
                    pieces.push((piece, escaped));
                }
                if after.is_empty() || after.len() == rest.len() {
                    break;
                }
                rest = after;
            }
            pieces
        });
        self.buf.push('"');
        let mut rest = text;
        for (piece, escaped) in pieces.iter() {
            let Some(at) = find_piece(rest, piece) else { break };
            let (before, from) = rest.split_at(at);
            push_inner(&mut self.buf, before);
            self.buf.push_str(escaped);
            rest = from.get(piece.len()..).unwrap_or("");
        }
        push_inner(&mut self.buf, rest);
        self.buf.push('"');
    }

    /// A reason, as `Reason`'s `Serialize` writes it.
    pub fn reason(&mut self, r: &Reason) {
        self.raw("{\"code\":\"");
        self.raw(r.code.as_str());
        self.raw(if r.is_block() { "\",\"severity\":\"block\",\"message\":" } else { "\",\"severity\":\"warn\",\"message\":" });
        self.message(r.code, false, &r.message);
        self.raw(",\"messageZh\":");
        self.message(r.code, true, &r.message_zh);
        self.raw(",\"path\":");
        r.path.with_text(|p| push_str(&mut self.buf, p));
        if let Some(g) = &r.goods {
            self.raw(",\"goods\":");
            self.str(g);
        }
        if let Some(m) = &r.matched {
            self.raw(",\"matched\":");
            self.str(m);
        }
        self.raw("}");
    }

    pub fn reasons(&mut self, rs: &[Reason]) {
        self.raw("[");
        for (i, r) in rs.iter().enumerate() {
            if i > 0 {
                self.raw(",");
            }
            self.reason(r);
        }
        self.raw("]");
    }
}

/// Where `piece` starts in `text`: usually right at the start or after a few characters (a
/// value), so candidates are tried from the front (`str::find` sets up a two-way search per
/// call, which cost more than the whole escape it saves).
fn find_piece(text: &str, piece: &str) -> Option<usize> {
    let first = *piece.as_bytes().first()?;
    text.bytes().enumerate().filter(|&(_, b)| b == first).map(|(i, _)| i).find(|&i| text.get(i..).is_some_and(|r| r.starts_with(piece)))
}

/// Appends `s` as a JSON string the way serde_json with [`crate::api::to_json`]'s formatter
/// writes it: `"` and `\` escaped, control characters as `\b \f \n \r \t` or `\u00xx`
/// (lower-case hex), every non-ASCII character as `\uXXXX` (upper-case hex, UTF-16).
pub fn push_str(out: &mut String, s: &str) {
    out.push('"');
    push_inner(out, s);
    out.push('"');
}

/// [`push_str`] without the quotes.
fn push_inner(out: &mut String, s: &str) {
    let mut rest = s;
    loop {
        let plain = rest.bytes().position(|b| b < 0x20 || b == b'"' || b == b'\\' || !b.is_ascii()).unwrap_or(rest.len());
        let (head, tail) = rest.split_at(plain);
        out.push_str(head);
        let mut chars = tail.chars();
        let Some(c) = chars.next() else { break };
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_ascii() => {
                // The other control characters: serde_json's `\u00xx`, lower-case.
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let b = c as u8;
                out.push_str("\\u00");
                out.push(char::from(HEX.get(usize::from(b >> 4)).copied().unwrap_or(b'0')));
                out.push(char::from(HEX.get(usize::from(b & 0xf)).copied().unwrap_or(b'0')));
            }
            c => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units).iter() {
                    let [hi, lo] = unit.to_be_bytes();
                    let ([a, b], [c, d]) = (hex_pair(hi), hex_pair(lo));
                    out.push_str("\\u");
                    for x in [a, b, c, d] {
                        out.push(char::from(x));
                    }
                }
            }
        }
        rest = chars.as_str();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn strings_are_written_as_to_json_writes_them(s in "\\PC*|[\\u{0}-\\u{7f}]*|.*") {
            let mut out = String::new();
            push_str(&mut out, &s);
            prop_assert_eq!(out, crate::api::to_json(&s).unwrap());
        }
    }

    #[test]
    fn filled_messages_are_escaped_whole() {
        use crate::reason::{Path, Reason};
        let vars: &[&[(&str, &str, &str)]] = &[
            &[("usd", "12.34", "12.34"), ("limit", "100.00", "100.00")],
            &[("usd", "{limit}", "种子"), ("limit", "\"", "\n")],
            &[("usd", "", ""), ("limit", "", "")],
            &[("usd", "USD at", "美元"), ("limit", "limit", "限额")],
        ];
        for v in vars {
            for code in [Code::OverDailyLimit, Code::OverTransactionLimit, Code::ProhibitedGoodsSuspected] {
                let r = Reason::with(code, Path::Order(3, "amount"), v);
                let mut o = Out::with_capacity(0);
                o.reason(&r);
                o.reason(&r);
                assert_eq!(o.finish(), format!("{0}{0}", crate::api::to_json(&r).unwrap()));
            }
        }
    }

    #[test]
    fn control_and_non_bmp_characters() {
        for s in ["\u{0}\u{1f}\u{7f}\u{8}\u{c}\n\r\t\"\\/", "😀𝄞", "种子 seeds"] {
            let mut out = String::new();
            push_str(&mut out, s);
            assert_eq!(out, crate::api::to_json(&s).unwrap());
        }
    }
}
