//! The leaf layer: text helpers every other module may use, and which use nothing of the
//! crate. Decimal digits of ids, upper-case hex, JSON string escaping (the one escaper: the
//! hand-written answers of [`crate::out`] and serde's output through [`crate::json::to_json`]
//! both write `\uXXXX` with [`unicode_escape`]), field paths ([`join_path`]), and `{name}`
//! placeholders (the one reader of them: [`fill`] fills a text, [`cut`] prepares it to be
//! filled many times).

/// `n` in decimal, written at the end of `buf` (40 bytes hold every u128).
#[inline(never)]
pub(crate) fn digits(n: u128, buf: &mut [u8; 40]) -> &str {
    let mut start = buf.len();
    let mut slots = buf.iter_mut().rev();
    // `% 10` is a single digit: the casts cannot truncate. Digits are cut with 64-bit division
    // as soon as the rest fits 64 bits (every figure kjb prints does): WebAssembly does that in
    // one instruction where 128 bits take a call per digit.
    let mut wide = n;
    let mut n = loop {
        if let Ok(n) = u64::try_from(wide) {
            break n;
        }
        let Some(slot) = slots.next() else { break 0 };
        *slot = b'0'.wrapping_add((wide % 10) as u8);
        wide /= 10;
        start = start.saturating_sub(1);
    };
    for slot in slots {
        *slot = b'0'.wrapping_add((n % 10) as u8);
        n /= 10;
        start = start.saturating_sub(1);
        if n == 0 {
            break;
        }
    }
    buf.get(start..).and_then(|d| std::str::from_utf8(d).ok()).unwrap_or("")
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
pub(crate) fn hex_pair(b: u8) -> [u8; 2] {
    [hex_digit(b.wrapping_shr(4)), hex_digit(b)]
}

/// Appends `\uXXXX` (upper-case hex) for each UTF-16 unit of `c`: how kjb's JSON writes a
/// non-ASCII character.
fn unicode_escape(out: &mut String, c: char) {
    let mut units = [0u16; 2];
    for unit in c.encode_utf16(&mut units).iter() {
        let [hi, lo] = unit.to_be_bytes();
        let ([a, b], [c, d]) = (hex_pair(hi), hex_pair(lo));
        // Six ASCII bytes at once rather than six `char` pushes: Chinese text is one escape a
        // character.
        out.push_str(std::str::from_utf8(&[b'\\', b'u', a, b, c, d]).unwrap_or(""));
    }
}

/// How many bytes [`push_inner`] writes for `s`, counted by byte: a non-ASCII character is
/// one `\uXXXX` per UTF-16 unit (two for the 4-byte ones), its continuation bytes nothing.
pub(crate) fn escaped_len(s: &str) -> usize {
    s.bytes()
        .map(|b| match b {
            b'"' | b'\\' | 0x08 | 0x0c | b'\n' | b'\r' | b'\t' => 2,
            0..=0x1f | 0xc0..=0xef => 6,
            0x20..=0x7f => 1,
            0x80..=0xbf => 0,
            0xf0..=0xff => 12,
        })
        .fold(0usize, usize::saturating_add)
}

/// Appends `s` as a JSON string the way serde_json with [`crate::json::to_json`]'s formatter
/// writes it: `"` and `\` escaped, control characters as `\b \f \n \r \t` or `\u00xx`
/// (lower-case hex), every non-ASCII character as `\uXXXX` (upper-case hex, UTF-16).
#[inline]
pub(crate) fn push_str(out: &mut String, s: &str) {
    out.push('"');
    push_inner(out, s);
    out.push('"');
}

/// [`push_str`] without the quotes.
#[inline]
pub(crate) fn push_inner(out: &mut String, s: &str) {
    let mut rest = s;
    loop {
        // `plain_len` stops at a character boundary (an ASCII byte or the first of a character).
        let (head, tail) = rest.split_at_checked(plain_len(rest.as_bytes())).unwrap_or((rest, ""));
        out.push_str(head);
        let mut chars = tail.chars();
        let Some(c) = chars.next() else { break };
        match u8::try_from(c) {
            Ok(b) if b.is_ascii() => push_escape(out, b),
            _ => unicode_escape(out, c),
        }
        rest = chars.as_str();
    }
}

/// How many bytes at the start of `s` [`push_inner`] copies as they are: up to the first `"`,
/// `\\`, control character or non-ASCII byte. Eight bytes at a time, as most of an answer's
/// text has nothing to escape.
#[inline]
fn plain_len(s: &[u8]) -> usize {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
    // Non-zero when a byte of `v` is zero (borrows make it inexact only above a zero byte).
    let zero_in = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let mut n = 0usize;
    for chunk in s.chunks_exact(8) {
        let x = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        // A byte below 0x20 or from 0x80 on, a quote, a backslash.
        let stop = (x.wrapping_sub(ONES.wrapping_mul(0x20)) | x) & HIGH
            | zero_in(x ^ ONES.wrapping_mul(u64::from(b'"')))
            | zero_in(x ^ ONES.wrapping_mul(u64::from(b'\\')));
        if stop != 0 {
            break;
        }
        n = n.wrapping_add(8);
    }
    let rest = s.get(n..).unwrap_or(&[]);
    let tail = rest.iter().position(|&b| b < 0x20 || b == b'"' || b == b'\\' || !b.is_ascii());
    n.saturating_add(tail.unwrap_or(rest.len()))
}

/// Whether `c` is hidden or reorders the text around it when shown: DEL and the C1 controls,
/// the soft hyphen, the combining grapheme joiner, Arabic, Syriac, Mongolian and other format
/// characters (Kaithi, Egyptian, shorthand, musical), zero-width characters, bidi controls,
/// word joiners and invisible operators, the Hangul fillers, the BOM, interlinear annotation
/// marks and tags. User text quoted in a message must not carry them unseen.
pub(crate) fn is_hidden(c: char) -> bool {
    matches!(u32::from(c), 0x7f..=0x9f | 0xad | 0x34f | 0x600..=0x605 | 0x61c | 0x6dd | 0x70f
        | 0x115f | 0x1160 | 0x180e | 0x200b..=0x200f | 0x2028..=0x202e | 0x2060..=0x206f
        | 0x3164 | 0xfeff | 0xffa0 | 0xfff9..=0xfffb | 0x110bd | 0x110cd | 0x13430..=0x1343f
        | 0x1bca0..=0x1bca3 | 0x1d173..=0x1d17a | 0xe0000..=0xe0fff)
}

/// Appends `c` so that a reader sees it: a hidden character ([`is_hidden`]) as `\u{202e}`, a
/// control character as JSON escapes it (`\n`, `\u0001`), anything else as it is.
#[inline(never)]
pub(crate) fn push_visible(out: &mut String, c: char) {
    if is_hidden(c) {
        use std::fmt::Write;
        let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
    } else {
        match u8::try_from(c) {
            Ok(b @ 0..=0x1f) => push_escape(out, b),
            _ => out.push(c),
        }
    }
}

/// Makes user text fit to be quoted back in a message: its first 40 characters, then `…` if
/// there are more, with hidden characters and control characters shown as escapes
/// ([`push_visible`]) so that they cannot hide or reorder the message around them.
pub(crate) fn clip(s: &str) -> String {
    clip_to(s, 40)
}

/// [`clip`] at `max` characters: for names that are longer than a value but as much the
/// caller's text (an API name).
pub(crate) fn clip_to(s: &str, max: usize) -> String {
    clip_with(s, max, push_visible)
}

/// The first `max` characters of `s`, each written by `push`, then `…` if there are more.
pub(crate) fn clip_with(s: &str, max: usize, mut push: impl FnMut(&mut String, char)) -> String {
    let mut out = String::with_capacity(s.len().min(max.saturating_mul(4)).saturating_add(3));
    for (i, c) in s.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        push(&mut out, c);
    }
    out
}

/// [`push_inner`] with non-ASCII characters written as they are: serde_json's default, for
/// what goes to 1688 and into errors rather than into the big answers. Short texts only: one
/// character at a time, for little code.
#[inline(never)]
pub(crate) fn push_inner_utf8(out: &mut String, s: &str) {
    for c in s.chars() {
        match u8::try_from(c) {
            Ok(b @ (b'"' | b'\\' | 0..=0x1f)) => push_escape(out, b),
            _ => out.push(c),
        }
    }
}

/// `"`, `\` or a control character as serde_json escapes it: `\b \f \n \r \t` or `\u00xx`
/// (lower-case hex).
#[inline(never)]
fn push_escape(out: &mut String, b: u8) {
    let short = match b {
        b'"' => '"',
        b'\\' => '\\',
        0x08 => 'b',
        0x0c => 'f',
        b'\n' => 'n',
        b'\r' => 'r',
        b'\t' => 't',
        _ => {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(char::from(HEX.get(usize::from(b >> 4)).copied().unwrap_or(b'0')));
            out.push(char::from(HEX.get(usize::from(b & 0xf)).copied().unwrap_or(b'0')));
            return;
        }
    };
    out.push('\\');
    out.push(short);
}

/// Joins a field path: `join_path("orders[2]", "amount")` is `orders[2].amount`.
pub(crate) fn join_path(prefix: &str, rest: &str) -> String {
    match (prefix.is_empty(), rest.is_empty()) {
        (true, _) => rest.to_string(),
        (false, true) => prefix.to_string(),
        (false, false) if rest.starts_with('[') => format!("{prefix}{rest}"),
        (false, false) => format!("{prefix}.{rest}"),
    }
}

/// Where `needle` first occurs in `hay`, by byte: a match of whole UTF-8 text starts and ends
/// at character boundaries. One small loop for the few searches by text, where `str::find`
/// would bring in the standard library's two-way searcher.
pub(crate) fn find(hay: &str, needle: &str) -> Option<usize> {
    let n = needle.as_bytes();
    let Some(&first) = n.first() else { return Some(0) };
    let h = hay.as_bytes();
    let mut from = 0usize;
    while let Some(rest) = h.get(from..) {
        let at = from.checked_add(rest.iter().position(|&b| b == first)?)?;
        if h.get(at..)?.starts_with(n) {
            return Some(at);
        }
        from = at.checked_add(1)?;
    }
    None
}

/// `s` cut at its first `b`, an ASCII byte: the text before it and the text after it, as
/// `str::split_once(char)` gives them. Searches for one ASCII character go by byte: the
/// standard library's character searcher is a large function for what they need.
pub(crate) fn split_once_byte(s: &str, b: u8) -> Option<(&str, &str)> {
    let at = s.bytes().position(|x| x == b)?;
    Some((s.get(..at)?, s.get(at.saturating_add(1)..)?))
}

/// The pieces of `s` between its `b`s (an ASCII byte), as `str::split(char)` gives them.
pub(crate) fn split_byte(s: &str, b: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(s);
    std::iter::from_fn(move || {
        let r = rest?;
        let (piece, after) = match split_once_byte(r, b) {
            Some((piece, after)) => (piece, Some(after)),
            None => (r, None),
        };
        rest = after;
        Some(piece)
    })
}

/// `s` without its leading `b`s (an ASCII byte), as `str::trim_start_matches(char)` gives it.
pub(crate) fn trim_start_byte(s: &str, b: u8) -> &str {
    s.get(s.bytes().take_while(|&x| x == b).count()..).unwrap_or(s)
}

/// `s` without its trailing `b`s (an ASCII byte), as `str::trim_end_matches(char)` gives it.
pub(crate) fn trim_end_byte(s: &str, b: u8) -> &str {
    let keep = s.len().saturating_sub(s.bytes().rev().take_while(|&x| x == b).count());
    s.get(..keep).unwrap_or(s)
}

/// `s` with its first `count` occurrences of a non-empty `from` replaced by `to`, left to
/// right, as `str::replacen` does.
pub(crate) fn replacen(s: &str, from: &str, to: &str, count: usize) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    for _ in 0..count {
        let Some(at) = find(rest, from) else { break };
        let (Some(before), Some(after)) =
            (rest.get(..at), rest.get(at.saturating_add(from.len())..))
        else {
            break;
        };
        out.push_str(before);
        out.push_str(to);
        rest = after;
    }
    out.push_str(rest);
    out
}

/// `s` split at its first `{`: the text before it, the text after it, and — when a `}`
/// follows — the placeholder's name (everything up to that `}`) and the text after the `}`.
#[allow(clippy::type_complexity)]
fn placeholder(s: &str) -> Option<(&str, &str, Option<(&str, &str)>)> {
    // Byte searches: `str::find(char)` sets up a searcher per call, and this runs per reason.
    let brace = |s: &str, b: u8| s.bytes().position(|x| x == b);
    let open = brace(s, b'{')?;
    let (before, from_brace) = s.split_at_checked(open)?;
    let after_open = from_brace.get(1..).unwrap_or("");
    let hole = brace(after_open, b'}').and_then(|close| {
        Some((after_open.get(..close)?, after_open.get(close.saturating_add(1)..)?))
    });
    Some((before, after_open, hole))
}

/// The template with each `{name}` of `vars` (name, English value, Chinese value) replaced by
/// its value in the language.
///
/// One pass, one allocation: for 100,000 orders deferred by the daily limit this runs 200,000
/// times. It gives what replacing the placeholders one after the other gives — including a
/// value that itself holds a later placeholder's `{name}` (possible in a caller's prohibited
/// list), for which it falls back to exactly that.
pub(crate) fn fill<'v>(template: &str, vars: &[(&str, &'v str, &'v str)], zh: bool) -> String {
    let value = |v: &(&str, &'v str, &'v str)| if zh { v.2 } else { v.1 };
    if vars.iter().any(|v| value(v).as_bytes().contains(&b'{')) {
        let mut out = template.to_string();
        for v in vars {
            out = replacen(&out, &format!("{{{}}}", v.0), value(v), usize::MAX);
        }
        return out;
    }
    let extra: usize = vars.iter().map(|v| value(v).len()).sum();
    let mut out = String::with_capacity(template.len().saturating_add(extra));
    let mut rest = template;
    while let Some((before, after_open, hole)) = placeholder(rest) {
        out.push_str(before);
        let found =
            hole.and_then(|(name, after)| Some((value(vars.iter().find(|v| v.0 == name)?), after)));
        match found {
            Some((v, after)) => {
                out.push_str(v);
                rest = after;
            }
            // Not a placeholder of `vars`: the brace stays, the scan goes on after it.
            None => {
                out.push('{');
                rest = after_open;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A piece of a text cut at its placeholders.
#[derive(Clone)]
pub(crate) enum Seg {
    /// Text, escaped as inside a JSON string ([`push_inner`]).
    Text(String),
    /// A placeholder's name.
    Hole(&'static str),
}

/// `template` cut at its placeholders, as [`fill`] reads them when every placeholder is
/// given; `None` when a brace has no pair.
pub(crate) fn cut(template: &'static str) -> Option<Vec<Seg>> {
    let mut segs = Vec::new();
    let text = |segs: &mut Vec<Seg>, piece: &str| {
        if !piece.is_empty() {
            let mut escaped = String::with_capacity(piece.len().saturating_mul(2));
            push_inner(&mut escaped, piece);
            segs.push(Seg::Text(escaped));
        }
    };
    let mut rest = template;
    while let Some((before, _, hole)) = placeholder(rest) {
        let (name, after) = hole?;
        if name.contains('{') {
            return None;
        }
        text(&mut segs, before);
        segs.push(Seg::Hole(name));
        rest = after;
    }
    text(&mut segs, rest);
    Some(segs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn hidden_characters_are_the_invisible_and_reordering_ones() {
        for c in [
            '\u{202e}',
            '\u{200b}',
            '\u{7f}',
            '\u{85}',
            '\u{34f}',
            '\u{3164}',
            '\u{ffa0}',
            '\u{feff}',
            '\u{1d173}',
            '\u{e0041}',
        ] {
            assert!(is_hidden(c), "{c:?}");
            let mut out = String::new();
            push_visible(&mut out, c);
            assert_eq!(out, format!("\\u{{{:x}}}", u32::from(c)));
        }
        for c in ['a', ' ', '中', 'é', '…', '①', '\u{301}', '\u{fe0f}'] {
            assert!(!is_hidden(c), "{c:?}");
        }
    }

    proptest! {
        /// The splits and trims at an ASCII byte agree with `str::split_once`, `str::split` and
        /// `str::trim_*_matches` (the byte first, last, repeated, absent; multi-byte characters
        /// around it).
        #[test]
        fn byte_splits_agree_with_std(s in "[a:.\u{e9}\u{4e2d}]{0,20}", b in prop_oneof![Just(b':'), Just(b'.')]) {
            let c = char::from(b);
            prop_assert_eq!(split_once_byte(&s, b), s.split_once(c));
            prop_assert_eq!(split_byte(&s, b).collect::<Vec<_>>(), s.split(c).collect::<Vec<_>>());
            prop_assert_eq!(trim_start_byte(&s, b), s.trim_start_matches(c));
            prop_assert_eq!(trim_end_byte(&s, b), s.trim_end_matches(c));
        }

        /// The byte search agrees with `str::find`, and `replacen` with `str::replacen`, on
        /// texts from a small alphabet (many near-matches, overlaps, multi-byte characters).
        #[test]
        fn find_and_replacen_agree_with_std(
            hay in "[ab\u{e9}\u{4e2d}{}]{0,40}",
            needle in "[ab\u{e9}\u{4e2d}{}]{0,4}",
            to in "[xy]{0,3}",
            count in 0usize..5,
        ) {
            prop_assert_eq!(find(&hay, &needle), hay.find(needle.as_str()));
            if !needle.is_empty() {
                prop_assert_eq!(replacen(&hay, &needle, &to, count), hay.replacen(needle.as_str(), &to, count));
                prop_assert_eq!(replacen(&hay, &needle, &to, usize::MAX), hay.replace(needle.as_str(), &to));
            }
        }
    }

    #[test]
    fn hex_pairs() {
        assert_eq!(&hex_pair(0x00), b"00");
        assert_eq!(&hex_pair(0xAF), b"AF");
        assert_eq!(&hex_pair(0x5b), b"5B");
    }

    proptest! {
        #[test]
        fn strings_are_written_as_to_json_writes_them(s in "\\PC*|[\\u{0}-\\u{7f}]*|.*") {
            let mut out = String::new();
            push_str(&mut out, &s);
            prop_assert_eq!(escaped_len(&s).saturating_add(2), out.len());
            prop_assert_eq!(out, crate::json::to_json(&s).unwrap());
        }
    }

    /// [`plain_len`] reads eight bytes at a time: a byte to escape is found at every offset in
    /// and after the first words, and the bytes next to the stops are not (DEL, space, `~`).
    #[test]
    fn an_escape_at_every_offset_of_the_word_scan() {
        for special in ["\"", "\\", "\u{0}", "\u{1f}", "\u{7f}", " ", "~", "é", "种", "😀"] {
            for before in 0..20 {
                for after in [0, 1, 7, 8, 9] {
                    let s = format!("{}{special}{}", "a".repeat(before), "b".repeat(after));
                    let mut out = String::new();
                    push_str(&mut out, &s);
                    assert_eq!(out, crate::json::to_json(&s).unwrap(), "{s:?}");
                }
            }
        }
    }

    #[test]
    fn control_and_non_bmp_characters() {
        for s in ["\u{0}\u{1f}\u{7f}\u{8}\u{c}\n\r\t\"\\/", "😀𝄞", "种子 seeds"] {
            let mut out = String::new();
            push_str(&mut out, s);
            assert_eq!(out, crate::json::to_json(&s).unwrap());
        }
    }

    #[test]
    fn fill_replaces_like_one_replace_per_placeholder() {
        fn naive(template: &str, vars: &[(&str, &str, &str)], zh: bool) -> String {
            let mut out = template.to_string();
            for (name, en, zh_value) in vars {
                out = out.replace(&format!("{{{name}}}"), if zh { zh_value } else { en });
            }
            out
        }
        let templates = [
            "",
            "plain",
            "{goods}",
            "a {goods} b {matched} c {goods}",
            "{{goods}}",
            "{ {goods",
            "{unknown} {goods}",
            "}{",
            "{",
            "种{goods}子{matched}",
        ];
        let var_sets: [&[(&str, &str, &str)]; 4] = [
            &[],
            &[("goods", "Plant seeds", "植物种子"), ("matched", "seeds", "种子")],
            &[("goods", "{matched}", "{matched}"), ("matched", "k", "k")],
            &[("goods", "x}", "{"), ("goods", "second", "second")],
        ];
        for t in templates {
            for vars in var_sets {
                for zh in [false, true] {
                    assert_eq!(fill(t, vars, zh), naive(t, vars, zh), "{t:?} {vars:?}");
                }
            }
        }
    }
}
