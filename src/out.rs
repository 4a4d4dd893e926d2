//! The JSON writer of the big answers (`planPayment`, `checkOrders`): the same bytes
//! [`crate::json::to_json`] writes for them through serde — compact, pure ASCII — in one pass
//! into a buffer sized up front.
//!
//! A plan of 10,000 orders is a 2 MB answer, most of it reason messages, English and Chinese,
//! that repeat from order to order. serde_json escapes every string byte by byte (and the
//! ASCII-only formatter then every Chinese character); here a message that is the rule book's
//! fixed text is escaped once per call and copied after that, and ids and counts are printed
//! without core::fmt. `plan::tests` and `eligibility::tests` check that the output is
//! byte-for-byte what serde writes.

use crate::reason::{Code, Reason};
use crate::text::{cut, escaped_len, push_inner, push_str, u64_digits, Seg};
use std::borrow::Cow;

/// An answer being written.
pub(crate) struct Out {
    buf: String,
    /// Escaped fixed texts, by (code, language): most reasons carry one of these.
    fixed: Vec<Option<String>>,
    /// The same texts cut at their placeholders (`{usd}`…), the pieces between them escaped,
    /// for messages filled in from them; `Some(None)` for a text that does not cut cleanly
    /// (an unclosed brace), whose messages are filled in whole and then escaped.
    templates: Vec<Option<Option<Vec<Seg>>>>,
}

/// The slot of (code, language) in the caches.
fn slot(code: Code, zh: bool) -> usize {
    Code::ALL
        .iter()
        .position(|c| *c == code)
        .unwrap_or(0)
        .saturating_mul(2)
        .saturating_add(usize::from(zh))
}

/// The fixed text of (code, language) as a JSON string, from `cache` (escaped once per answer).
fn fixed(cache: &mut [Option<String>], code: Code, zh: bool) -> Cow<'_, str> {
    let t = crate::reason::text(code);
    let text = if zh { t.zh } else { t.en };
    let escape = || {
        let mut escaped = String::with_capacity(text.len().saturating_mul(2).saturating_add(2));
        push_str(&mut escaped, text);
        escaped
    };
    match cache.get_mut(slot(code, zh)) {
        Some(entry) => Cow::Borrowed(entry.get_or_insert_with(escape)),
        None => Cow::Owned(escape()),
    }
}

impl Out {
    pub(crate) fn with_capacity(bytes: usize) -> Out {
        let slots = Code::ALL.len().saturating_mul(2);
        Out {
            buf: String::with_capacity(bytes),
            fixed: vec![None; slots],
            templates: vec![None; slots],
        }
    }

    /// Makes room for `bytes` more.
    pub(crate) fn reserve(&mut self, bytes: usize) {
        self.buf.reserve_exact(bytes);
    }

    pub(crate) fn finish(self) -> String {
        self.buf
    }

    /// Text that is already JSON (punctuation, keys with their quotes).
    pub(crate) fn raw(&mut self, s: &str) {
        self.buf.push_str(s);
    }

    /// A JSON string.
    pub(crate) fn str(&mut self, s: &str) {
        push_str(&mut self.buf, s);
    }

    /// An id as a JSON string of digits.
    pub(crate) fn id(&mut self, id: u64) {
        self.buf.push('"');
        self.buf.push_str(u64_digits(id, &mut [0; 20]));
        self.buf.push('"');
    }

    pub(crate) fn uint(&mut self, n: u64) {
        self.buf.push_str(u64_digits(n, &mut [0; 20]));
    }

    pub(crate) fn bool(&mut self, b: bool) {
        self.buf.push_str(if b { "true" } else { "false" });
    }

    /// About how many bytes [`Out::reason`] writes for `r` (exactly, but for its path), to size
    /// the answer's buffer up front.
    pub(crate) fn reason_len(&mut self, r: &Reason) -> usize {
        let mut n = 96usize.saturating_add(r.code.as_str().len());
        for zh in [false, true] {
            n = n.saturating_add(fixed(&mut self.fixed, r.code, zh).len());
            for v in &r.vars {
                n = n.saturating_add(escaped_len(v.value(zh)));
            }
        }
        for extra in [&r.goods, &r.matched].into_iter().flatten() {
            n = n.saturating_add(escaped_len(extra)).saturating_add(14);
        }
        n
    }

    /// A reason message in English or Chinese: the rule book's fixed text (escaped once per
    /// answer), or the text filled in from `r.vars`.
    fn message(&mut self, r: &Reason, zh: bool) {
        if r.vars.is_empty() {
            self.buf.push_str(&fixed(&mut self.fixed, r.code, zh));
        } else {
            self.filled(r, zh);
        }
    }

    /// A message filled in from `r.vars`: the text's pieces between placeholders copied escaped
    /// from the cache, the values escaped here. Escaping works character by character, so this
    /// is the filled-in text escaped whole — which is what is written whenever the text does not
    /// cut cleanly, a placeholder has no value or a value has a brace (which `text::fill`
    /// treats specially).
    fn filled(&mut self, r: &Reason, zh: bool) {
        let t = crate::reason::text(r.code);
        let template = if zh { t.zh } else { t.en };
        let Out { buf, templates, .. } = self;
        let segs = templates
            .get_mut(slot(r.code, zh))
            .and_then(|slot| slot.get_or_insert_with(|| cut(template)).as_deref());
        let plain = |segs: &[Seg]| {
            r.vars.iter().all(|v| !v.value(zh).as_bytes().contains(&b'{'))
                && segs.iter().all(|s| match s {
                    Seg::Hole(name) => r.vars.iter().any(|v| v.name == *name),
                    Seg::Text(_) => true,
                })
        };
        match segs {
            Some(segs) if plain(segs) => {
                buf.push('"');
                for s in segs {
                    match s {
                        Seg::Text(escaped) => buf.push_str(escaped),
                        Seg::Hole(name) => {
                            if let Some(v) = r.vars.iter().find(|v| v.name == *name) {
                                push_inner(buf, v.value(zh));
                            }
                        }
                    }
                }
                buf.push('"');
            }
            _ => push_str(buf, &r.text(zh)),
        }
    }

    /// A reason, as `Reason`'s `Serialize` writes it.
    pub(crate) fn reason(&mut self, r: &Reason) {
        self.raw("{\"code\":\"");
        self.raw(r.code.as_str());
        self.raw(if r.is_block() {
            "\",\"severity\":\"block\",\"message\":"
        } else {
            "\",\"severity\":\"warn\",\"message\":"
        });
        self.message(r, false);
        self.raw(",\"messageZh\":");
        self.message(r, true);
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

    pub(crate) fn reasons(&mut self, rs: &[Reason]) {
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

#[cfg(test)]
mod tests {
    use super::*;

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
            for code in
                [Code::OverDailyLimit, Code::OverTransactionLimit, Code::ProhibitedGoodsSuspected]
            {
                let r = Reason::with(code, Path::Order(3, "amount"), v);
                let mut o = Out::with_capacity(0);
                o.reason(&r);
                o.reason(&r);
                assert_eq!(o.finish(), format!("{0}{0}", crate::json::to_json(&r).unwrap()));
            }
        }
    }
}
