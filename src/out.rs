//! The JSON writer of the big answers (`planPayment`, `checkOrders`): the same bytes
//! [`crate::json::to_json`] writes for them through serde — compact, pure ASCII — in one pass
//! into a buffer sized up front.
//!
//! A plan of 10,000 orders is a 2 MB answer, most of it reason messages, English and Chinese,
//! that repeat from order to order. A serde writer escapes every string each time it is
//! written (every Chinese character as a `\uXXXX`); here a message that is the rule book's
//! fixed text is escaped once per call and copied after that, and ids and counts are printed
//! without core::fmt. `plan::tests` and `eligibility::tests` check that the output is
//! byte-for-byte what serde writes (which the tests hold to serde_json).
//!
//! The JS layer takes the answer in [`Form::Compact`]: each reason as its code's index, path
//! and placeholder values, which `pkg/lib/api.mjs` expands into the [`Form::Full`] object with
//! the texts of [`table_json`], read from the wasm once. That answer is a fifth of the size, and
//! the two texts of each reason become two references to one string instead of two strings
//! escaped here, decoded and parsed again in JS.

use crate::reason::{Code, Reason};
use crate::text::{cut, digits, escaped_len, push_inner, push_str, Seg};
use std::borrow::Cow;

/// How an answer writes its reasons.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// The public object: `{code, severity, message, messageZh, path, goods?, matched?}`.
    Full,
    /// An array: `[k, path]` when the message is the code's fixed text, `[k, path, values]`
    /// when it is filled in from the placeholder values (in the order of [`table_json`]'s
    /// `names`; a string, or `[english, chinese]` when they differ), `[k, path, {message,
    /// messageZh}]` for a text filled in some other way; then `goods` (or `null`) and `matched`
    /// when the reason has them (`0` stands for no values before them). `k` indexes
    /// [`Code::ALL`].
    Compact,
}

/// An answer being written.
pub(crate) struct Out {
    buf: String,
    form: Form,
    /// Escaped fixed texts, by (code, language): most reasons carry one of these.
    fixed: Vec<Option<String>>,
    /// The same texts cut at their placeholders (`{usd}`…), the pieces between them escaped,
    /// for messages filled in from them; `Some(None)` for a text that does not cut cleanly
    /// (an unclosed brace), whose messages are filled in whole and then escaped.
    templates: Vec<Option<Option<Vec<Seg>>>>,
    /// By code: the placeholders of its two texts, in [`table_json`]'s order (`Some(None)`
    /// when a text does not cut cleanly).
    holes: Vec<Option<Option<Vec<&'static str>>>>,
}

/// The index of `code` in [`Code::ALL`]: its number in compact answers.
fn index(code: Code) -> usize {
    Code::ALL.iter().position(|c| *c == code).unwrap_or(0)
}

/// The slot of (code, language) in the caches.
fn slot(code: Code, zh: bool) -> usize {
    index(code).saturating_mul(2).saturating_add(usize::from(zh))
}

/// The placeholders of `code`'s two texts, each once, as they first appear in the English text
/// and then the Chinese one; `None` when a text does not cut cleanly.
fn holes_of(code: Code) -> Option<Vec<&'static str>> {
    let t = crate::reason::text(code);
    let mut names = Vec::new();
    for seg in cut(t.en)?.into_iter().chain(cut(t.zh)?) {
        if let Seg::Hole(name) = seg {
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    Some(names)
}

/// The reason table the JS layer expands compact answers with, in [`Code::ALL`] order:
/// `[{code, severity, message, messageZh, names, parts}]`. `message`/`messageZh` are the fixed
/// texts; `names` the placeholders ([`holes_of`]); `parts` the English and Chinese texts cut at
/// them, `[[piece or index into names, …], […]]` (`null` when a text does not cut cleanly,
/// which compact answers then never fill from values).
pub(crate) fn table_json() -> String {
    let mut out = String::with_capacity(16 * 1024);
    out.push('[');
    for (i, &code) in Code::ALL.iter().enumerate() {
        let t = crate::reason::text(code);
        out.push_str(if i == 0 { "{\"code\":" } else { ",{\"code\":" });
        push_str(&mut out, code.as_str());
        out.push_str(if code.is_block() {
            ",\"severity\":\"block\",\"message\":"
        } else {
            ",\"severity\":\"warn\",\"message\":"
        });
        push_str(&mut out, t.en);
        out.push_str(",\"messageZh\":");
        push_str(&mut out, t.zh);
        out.push_str(",\"names\":[");
        let names = holes_of(code);
        for (j, name) in names.iter().flatten().enumerate() {
            if j > 0 {
                out.push(',');
            }
            push_str(&mut out, name);
        }
        out.push_str("],\"parts\":");
        match (&names, cut(t.en), cut(t.zh)) {
            (Some(names), Some(en), Some(zh)) => {
                out.push('[');
                for (j, segs) in [en, zh].iter().enumerate() {
                    out.push_str(if j == 0 { "[" } else { ",[" });
                    for (k, seg) in segs.iter().enumerate() {
                        if k > 0 {
                            out.push(',');
                        }
                        match seg {
                            Seg::Text(escaped) => {
                                out.push('"');
                                out.push_str(escaped);
                                out.push('"');
                            }
                            Seg::Hole(name) => {
                                let at = names.iter().position(|n| n == name).unwrap_or(0);
                                out.push_str(digits(at as u128, &mut [0; 40]));
                            }
                        }
                    }
                    out.push(']');
                }
                out.push(']');
            }
            _ => out.push_str("null"),
        }
        out.push('}');
    }
    out.push(']');
    out
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
    pub(crate) fn new(form: Form) -> Out {
        let slots = Code::ALL.len().saturating_mul(2);
        Out {
            buf: String::new(),
            form,
            fixed: vec![None; slots],
            templates: vec![None; slots],
            holes: vec![None; Code::ALL.len()],
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
        self.buf.push_str(digits(id.into(), &mut [0; 40]));
        self.buf.push('"');
    }

    pub(crate) fn uint(&mut self, n: u64) {
        self.buf.push_str(digits(n.into(), &mut [0; 40]));
    }

    pub(crate) fn bool(&mut self, b: bool) {
        self.buf.push_str(if b { "true" } else { "false" });
    }

    /// About how many bytes [`Out::reason`] writes for `r` (exactly, but for its path), to size
    /// the answer's buffer up front.
    pub(crate) fn reason_len(&mut self, r: &Reason) -> usize {
        if self.form == Form::Compact {
            let mut n = 48usize;
            for v in &r.vars {
                n = n.saturating_add(escaped_len(v.value(false))).saturating_add(8);
                if v.zh.is_some() {
                    n = n.saturating_add(escaped_len(v.value(true)));
                }
            }
            for extra in [&r.goods, &r.matched].into_iter().flatten() {
                n = n.saturating_add(escaped_len(extra)).saturating_add(4);
            }
            return n;
        }
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

    /// A reason, as `Reason`'s `Serialize` writes it, or in compact form.
    pub(crate) fn reason(&mut self, r: &Reason) {
        if self.form == Form::Compact {
            return self.compact(r);
        }
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

    /// A reason in [`Form::Compact`].
    fn compact(&mut self, r: &Reason) {
        self.raw("[");
        self.uint(index(r.code) as u64);
        self.raw(",");
        r.path.with_text(|p| push_str(&mut self.buf, p));
        let extras = r.goods.is_some() || r.matched.is_some();
        if !r.vars.is_empty() {
            self.raw(",");
            self.values(r);
        } else if extras {
            self.raw(",0");
        }
        if extras {
            self.raw(",");
            match &r.goods {
                Some(g) => self.str(g),
                None => self.raw("null"),
            }
            if let Some(m) = &r.matched {
                self.raw(",");
                self.str(m);
            }
        }
        self.raw("]");
    }

    /// The placeholder values of `r` in [`table_json`]'s order, when its texts are those filled
    /// in from them piece by piece; else the two texts, filled in here.
    fn values(&mut self, r: &Reason) {
        let Out { buf, holes, .. } = self;
        let names = holes
            .get_mut(index(r.code))
            .and_then(|slot| slot.get_or_insert_with(|| holes_of(r.code)).as_deref());
        // `text::fill` reads a value holding a brace specially (`Out::filled`).
        let plain = r
            .vars
            .iter()
            .all(|v| !v.en.contains('{') && !v.zh.as_deref().unwrap_or("").contains('{'));
        let found = names.filter(|_| plain).and_then(|names| {
            names
                .iter()
                .map(|name| r.vars.iter().find(|v| v.name == *name))
                .collect::<Option<Vec<_>>>()
        });
        match found {
            Some(vars) => {
                buf.push('[');
                for (i, v) in vars.iter().enumerate() {
                    if i > 0 {
                        buf.push(',');
                    }
                    match &v.zh {
                        Some(zh) if *zh != v.en => {
                            buf.push('[');
                            push_str(buf, &v.en);
                            buf.push(',');
                            push_str(buf, zh);
                            buf.push(']');
                        }
                        _ => push_str(buf, &v.en),
                    }
                }
                buf.push(']');
            }
            None => {
                buf.push_str("{\"message\":");
                push_str(buf, &r.text(false));
                buf.push_str(",\"messageZh\":");
                push_str(buf, &r.text(true));
                buf.push('}');
            }
        }
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
pub(crate) mod tests {
    use super::*;
    use crate::reason::{Path, Reason};
    use serde_json::Value;

    /// What `pkg/lib/api.mjs` does with a compact reason, in Rust: the full reason's JSON text.
    pub(crate) fn expand(compact: &Value, table: &Value) -> String {
        let r = compact.as_array().unwrap();
        let entry = &table[r[0].as_u64().unwrap() as usize];
        let texts = match r.get(2) {
            None | Some(Value::Number(_)) => [
                entry["message"].as_str().unwrap().to_string(),
                entry["messageZh"].as_str().unwrap().to_string(),
            ],
            Some(Value::Array(values)) => [0, 1].map(|lang| {
                let parts = entry["parts"][lang].as_array().unwrap();
                parts
                    .iter()
                    .map(|p| match p {
                        Value::String(s) => s.clone(),
                        Value::Number(i) => match &values[i.as_u64().unwrap() as usize] {
                            Value::String(s) => s.clone(),
                            pair => pair[lang].as_str().unwrap().to_string(),
                        },
                        other => panic!("{other}"),
                    })
                    .collect::<String>()
            }),
            Some(full) => [
                full["message"].as_str().unwrap().to_string(),
                full["messageZh"].as_str().unwrap().to_string(),
            ],
        };
        let mut o = String::new();
        o.push_str("{\"code\":");
        push_str(&mut o, entry["code"].as_str().unwrap());
        o.push_str(",\"severity\":");
        push_str(&mut o, entry["severity"].as_str().unwrap());
        o.push_str(",\"message\":");
        push_str(&mut o, &texts[0]);
        o.push_str(",\"messageZh\":");
        push_str(&mut o, &texts[1]);
        o.push_str(",\"path\":");
        push_str(&mut o, r[1].as_str().unwrap());
        if let Some(Value::String(g)) = r.get(3) {
            o.push_str(",\"goods\":");
            push_str(&mut o, g);
        }
        if let Some(m) = r.get(4) {
            o.push_str(",\"matched\":");
            push_str(&mut o, m.as_str().unwrap());
        }
        o.push('}');
        o
    }

    /// `answer` (a compact checkOrders or planPayment answer) with each reason expanded.
    pub(crate) fn expand_answer(answer: &str) -> Value {
        let table: Value = serde_json::from_str(&table_json()).unwrap();
        let mut v: Value = serde_json::from_str(answer).unwrap();
        let mut lists: Vec<&mut Value> = Vec::new();
        for (key, value) in v.as_object_mut().unwrap() {
            match key.as_str() {
                "results" | "rejected" | "deferred" => lists.extend(value.as_array_mut().unwrap()),
                "batches" => {
                    for b in value.as_array_mut().unwrap() {
                        lists.extend(b["warnings"].as_array_mut().unwrap());
                    }
                }
                _ => {}
            }
        }
        for listed in lists {
            for r in listed["reasons"].as_array_mut().unwrap() {
                *r = serde_json::from_str(&expand(r, &table)).unwrap();
            }
        }
        v
    }

    fn both_forms(r: &Reason) -> (String, String) {
        let mut full = Out::new(Form::Full);
        full.reason(r);
        let mut compact = Out::new(Form::Compact);
        compact.reason(r);
        (full.finish(), compact.finish())
    }

    #[test]
    fn the_table_has_every_code_in_order_with_its_texts() {
        let table: Value = serde_json::from_str(&table_json()).unwrap();
        let table = table.as_array().unwrap();
        assert_eq!(table.len(), Code::ALL.len());
        for (entry, &code) in table.iter().zip(Code::ALL) {
            let t = crate::reason::text(code);
            assert_eq!(entry["code"], code.as_str());
            assert_eq!(entry["severity"], serde_json::to_value(code.severity()).unwrap());
            assert_eq!(
                (entry["message"].as_str(), entry["messageZh"].as_str()),
                (Some(t.en), Some(t.zh))
            );
            // The parts put back together with `{name}` are the texts.
            let names = entry["names"].as_array().unwrap();
            for (lang, text) in [t.en, t.zh].into_iter().enumerate() {
                let joined: String = entry["parts"][lang]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| match p {
                        Value::String(s) => s.clone(),
                        i => {
                            format!("{{{}}}", names[i.as_u64().unwrap() as usize].as_str().unwrap())
                        }
                    })
                    .collect();
                assert_eq!(joined, text, "{code}");
            }
        }
    }

    #[test]
    fn compact_reasons_expand_to_the_full_ones() {
        let table: Value = serde_json::from_str(&table_json()).unwrap();
        let vars: &[&[(&str, &str, &str)]] = &[
            &[],
            &[("usd", "12.34", "12.34"), ("limit", "100.00", "100.00"), ("fx", "7.1", "7.1")],
            &[("goods", "Plant seeds", "植物种子"), ("matched", "seeds \"x\"\n", "种子")],
            &[("usd", "{limit}", "种子"), ("limit", "\"", "\n")],
            &[("usd", "1", "1")],
            &[
                ("payBy", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z"),
                ("payBy", "second", "第二"),
            ],
            &[("unused", "x", "y"), ("goods", "a}", "b")],
            &[
                ("goods", "", ""),
                ("matched", "", ""),
                ("usd", "", ""),
                ("limit", "", ""),
                ("fx", "", ""),
                ("payBy", "", ""),
            ],
        ];
        let extras =
            [(None, None), (Some("seeds"), None), (None, Some("种子")), (Some("g\""), Some("m"))];
        for &code in Code::ALL {
            for v in vars {
                for (goods, matched) in extras {
                    let mut r = Reason::with(code, Path::Item(3, 1, "title"), v);
                    r.goods = goods.map(str::to_string);
                    r.matched = matched.map(str::to_string);
                    let (full, compact) = both_forms(&r);
                    let compact: Value = serde_json::from_str(&compact).unwrap();
                    assert_eq!(expand(&compact, &table), full, "{code} {v:?} {compact}");
                }
            }
        }
        // The usual reasons cross as values, not texts.
        let r = Reason::with(
            Code::OverDailyLimit,
            Path::Order(7, "amount"),
            &[("usd", "1.00", "1.00"), ("limit", "2.00", "2.00")],
        );
        assert_eq!(both_forms(&r).1, r#"[14,"orders[7].amount",["1.00","2.00"]]"#);
        let r = Reason::new(Code::ManualOrder, Path::Order(0, "buyerAddress"));
        assert_eq!(both_forms(&r).1, r#"[11,"orders[0].buyerAddress"]"#);
    }

    #[test]
    fn filled_messages_are_escaped_whole() {
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
                let mut o = Out::new(Form::Full);
                o.reason(&r);
                o.reason(&r);
                assert_eq!(o.finish(), format!("{0}{0}", crate::json::to_json(&r).unwrap()));
            }
        }
    }
}
