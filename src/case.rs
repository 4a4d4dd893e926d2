//! Lower case for the prohibited-goods matcher, without the standard library's Unicode table.
//!
//! The matcher compares titles and keywords ignoring case. The built-in list is English and
//! Chinese, and Chinese has no case; custom lists and titles may bring other alphabets. This
//! folds the cased alphabets a 1688 title or a buyer's list plausibly uses — Latin (Basic,
//! Latin-1, Extended-A, Extended Additional, full-width), Greek, Cyrillic and Armenian, and the
//! letterlike symbols that are their letters (Ohm, Kelvin, Angstrom) —
//! exactly as `char::to_lowercase` does, and leaves every other character as it is (there
//! case differences are not folded). `char::to_lowercase` would bring a table of every
//! Unicode case pair into the module for scripts no title uses.

/// The lower case of `c` in the alphabets above (the first character of
/// `c.to_lowercase()`); any other character unchanged.
pub(crate) fn lower(c: char) -> char {
    let n = u32::from(c);
    let to = match n {
        0x41..=0x5a
        | 0xc0..=0xd6
        | 0xd8..=0xde
        | 0x391..=0x3a1
        | 0x3a3..=0x3ab
        | 0x410..=0x42f
        | 0xff21..=0xff3a => n.wrapping_add(0x20),
        0x130 => 0x69,
        0x178 => 0xff,
        0x100..=0x12f
        | 0x132..=0x137
        | 0x14a..=0x177
        | 0x460..=0x481
        | 0x48a..=0x4bf
        | 0x4d0..=0x52f
        | 0x1e00..=0x1e95
        | 0x1ea0..=0x1eff
            if n & 1 == 0 =>
        {
            n.wrapping_add(1)
        }
        0x139..=0x148 | 0x179..=0x17e | 0x4c1..=0x4ce if n & 1 == 1 => n.wrapping_add(1),
        0x386 => 0x3ac,
        0x388..=0x38a => n.wrapping_add(0x25),
        0x38c => 0x3cc,
        0x38e..=0x38f => n.wrapping_add(0x3f),
        0x400..=0x40f => n.wrapping_add(0x50),
        0x4c0 => 0x4cf,
        0x531..=0x556 => n.wrapping_add(0x30),
        0x1e9e => 0xdf,
        // Letterlike symbols that are letters of these alphabets in disguise (Ohm, Kelvin,
        // Angstrom): a title spelling a keyword with one must not slip past the matcher.
        0x2126 => 0x3c9,
        0x212a => 0x6b,
        0x212b => 0xe5,
        _ => n,
    };
    char::from_u32(to).unwrap_or(c)
}

/// The ranges [`lower`] folds exactly as the standard library does, for the test.
#[cfg(test)]
pub(crate) const COVERED: &[(u32, u32)] = &[
    (0x0, 0x17f),
    (0x386, 0x3ce),
    (0x400, 0x52f),
    (0x531, 0x58f),
    (0x1e00, 0x1eff),
    (0x2126, 0x212b),
    (0xff00, 0xffef),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn std_lower(c: char) -> char {
        c.to_lowercase().next().unwrap_or(c)
    }

    #[test]
    fn folds_its_alphabets_exactly_as_the_standard_library() {
        for &(from, to) in COVERED {
            for c in (from..=to).filter_map(char::from_u32) {
                assert_eq!(lower(c), std_lower(c), "U+{:04X} {c}", u32::from(c));
            }
        }
    }

    /// The built-in list folds as it did with the standard library's lower case: every
    /// character of every id, name, category, keyword and exclusion, one for one.
    #[test]
    fn the_builtin_list_folds_as_before() {
        for (id, name, name_zh, categories, keywords, exclude) in crate::prohibited::BUILTIN {
            let texts = [*id, *name, *name_zh]
                .into_iter()
                .chain(categories.iter().chain(keywords.iter()).chain(exclude.iter()).copied());
            for text in texts {
                for c in text.chars() {
                    assert_eq!(
                        c.to_lowercase().collect::<String>(),
                        lower(c).to_string(),
                        "{text}"
                    );
                }
            }
        }
    }

    #[test]
    fn never_folds_a_character_differently_anywhere() {
        // Every character: either left as it is, or folded to what the standard library gives.
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            let l = lower(c);
            assert!(l == c || l == std_lower(c), "U+{:04X} {c} -> {l}", u32::from(c));
        }
    }
}
