//! Goods KJB refuses (kjb-rules.md §1): an item in a refused *category* blocks the order; an
//! item whose *title* mentions refused goods only warns, because titles are free text and the
//! buyer has to confirm with Alipay business support.
//!
//! The list is data. The built-in one follows the KJB notice (pornography, gambling, drug
//! abuse, violence, terrorism, plant seeds, nutrients, cigarette paper, harpoons); a caller's
//! `prohibited` list replaces it whole (`[]` switches the check off). An entry is
//! `{id, name, nameZh, categories?, keywords?, exclude?}`:
//! - a category matches when it equals, ignoring case and surrounding spaces, the entry's `id`,
//!   `name`, `nameZh` or one of its `categories` (further names or 1688 category ids);
//! - a title matches a keyword after both are folded (letters to lower case as
//!   [`crate::case::lower`] does, punctuation and spaces to one separator, spaces between Chinese characters dropped);
//!   a keyword that starts or ends with a Latin letter or digit must meet a word boundary there,
//!   so `seed` finds "seed packet" but not "seeded player" or "seedling" (plurals are listed as
//!   keywords of their own: `seeds`);
//! - an `exclude` phrase that covers a keyword's occurrence cancels that occurrence: "seed
//!   beads", "种子选手" (seeded player) and "暴力熊" (the Bearbrick toy) are not refused goods,
//!   while "种子选手 and 种子" still warns for its second 种子. Chinese has no word boundaries, so
//!   exclusion phrases are how its false friends are handled.
//!
//! Matching is a single pass over each title with an index of the keywords' first characters,
//! so 100,000 titles against the list cost about as much as reading them.

use crate::error::{ErrorCode, KjbError, Result};
use crate::json::Raw;
use crate::order::Leaf;
use serde::Deserialize;
use std::borrow::Cow;
use std::cmp::Ordering;

/// Most entries a caller's list may have.
pub(crate) const MAX_ENTRIES: usize = 1000;
/// Most keywords, exclusions and category names over a caller's whole list.
pub(crate) const MAX_TERMS: usize = 20_000;
/// Longest keyword, exclusion or category name, in characters.
pub(crate) const MAX_TERM_CHARS: usize = 100;

/// One kind of refused goods.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    pub id: String,
    pub name: String,
    pub name_zh: String,
}

#[derive(Debug)]
struct Pattern {
    /// Folded text.
    text: String,
    /// The keyword as written, for messages.
    shown: String,
    entry: u32,
    exclude: bool,
    /// Ends with an ASCII letter or digit, so the title must not go on with one. (A keyword
    /// that starts with one is only tried where a word starts.)
    word_end: bool,
}

/// A compiled list.
#[derive(Debug)]
pub(crate) struct Prohibited {
    entries: Vec<Entry>,
    /// (folded category name, entry), sorted by [`short_lex`] and entry, without repeats: a
    /// sorted list searched by halves, with less code in the module than a map.
    categories: Vec<(String, u32)>,
    /// The same for names that are whole numbers (1688 category ids), so numeric categories
    /// are looked up without formatting them.
    category_ids: Vec<(u64, u32)>,
    patterns: Vec<Pattern>,
    /// Patterns by first byte, for patterns starting with an ASCII character.
    ascii: Vec<Vec<u32>>,
    /// The second byte of each pattern (`None` for a one-byte pattern), by pattern index.
    second: Vec<Option<u8>>,
    /// By first byte, a bit per ASCII byte that is the second byte of one of its patterns: a
    /// word whose first two letters start no keyword (most words) is passed over with one bit
    /// test instead of a walk through `ascii` and `second`.
    ascii_second: Vec<u128>,
    /// (first character, pattern) for the others, sorted.
    other: Vec<(char, u32)>,
    /// A bit per `char % 4096` of the characters in `other`: most Chinese characters of a title
    /// start no keyword, and one bit test is cheaper than a search to find that out.
    other_bits: [u64; BLOOM_WORDS],
}

/// Words of [`Prohibited::other_bits`]: 4096 bits, so a list of a few dozen Chinese first
/// characters lets about one title character in a hundred through to the search.
const BLOOM_WORDS: usize = 64;

/// A category match (blocks) or a title match (warns).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Hit {
    pub entry: u32,
    /// The keyword for a title match.
    pub pattern: Option<u32>,
}

/// Buffers reused across items, so matching allocates nothing per item.
#[derive(Default)]
pub(crate) struct Scratch {
    /// A category name being looked up.
    buf: String,
    spans: Vec<(usize, usize, u32)>,
}

/// `(id, name, nameZh, categories, keywords, exclude)`.
pub(crate) type Spec = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
);

/// The built-in list. Keywords are chosen for what a 1688 title says about such goods, not for
/// the word alone: "恐怖" alone is horror (Halloween masks), so terrorism needs "恐怖主义";
/// "nutrient" alone is "nutrient-rich soil", so nutrients need "nutrient solution". Category
/// aliases are kept narrow on purpose: a category match blocks the order.
pub(crate) const BUILTIN: &[Spec] = &[
    (
        "pornography",
        "Pornography",
        "色情",
        &["色情用品", "淫秽物品"],
        &[
            "porn",
            "porno",
            "pornography",
            "pornographic",
            "adult video",
            "adult videos",
            "色情",
            "淫秽",
            "黄色录像",
            "成人影片",
        ],
        &[],
    ),
    (
        "gambling",
        "Gambling",
        "赌博",
        &["赌具", "赌博用品"],
        &["gambling", "slot machine", "slot machines", "赌博", "赌具", "赌博机", "百家乐"],
        &[],
    ),
    (
        "drugs",
        "Drug abuse",
        "毒品",
        &["吸毒用具", "毒品及吸毒用具"],
        &[
            "narcotic",
            "narcotics",
            "cocaine",
            "heroin",
            "methamphetamine",
            "marijuana",
            "cannabis",
            "毒品",
            "吸毒",
            "冰毒",
            "海洛因",
            "可卡因",
            "大麻",
            "摇头丸",
        ],
        &["大麻绳", "大麻布"],
    ),
    (
        "violence",
        "Violence",
        "暴力",
        &["暴力用品"],
        &["brass knuckles", "knuckle duster", "knuckle dusters", "暴力", "指虎"],
        // 暴力 is also slang for "powerful" in product titles.
        &[
            "暴力熊",
            "暴力风扇",
            "暴力扇",
            "暴力涡轮",
            "暴力美学",
            "暴力拆解",
            "暴力测试",
            "暴力输出",
        ],
    ),
    (
        "terrorism",
        "Terrorism",
        "恐怖主义",
        &["恐怖活动"],
        &["terrorism", "terrorist", "terrorists", "恐怖主义", "恐怖分子", "恐怖组织", "恐怖袭击"],
        &[],
    ),
    (
        "seeds",
        "Plant seeds",
        "植物种子",
        &["种子", "种子种苗", "种子/种苗"],
        &["seed", "seeds", "种子", "种籽", "籽种", "花籽"],
        &[
            "seed bead",
            "seed beads",
            "seed pearl",
            "seed pearls",
            "seed round",
            "seed funding",
            "seed money",
            "seed stitch",
            "种子选手",
            "种子队",
            "种子用户",
            "种子轮",
            "种子基金",
            "种子文件",
            "种子链接",
            "种子下载",
            "种子珠",
        ],
    ),
    (
        "nutrients",
        "Nutrients",
        "营养液",
        &["植物营养液", "植物营养剂", "水培营养液"],
        &[
            "nutrient solution",
            "nutrient solutions",
            "plant nutrient",
            "plant nutrients",
            "hydroponic nutrient",
            "hydroponic nutrients",
            "营养液",
            "水培营养",
        ],
        &[],
    ),
    (
        "cigarette-paper",
        "Cigarette paper",
        "卷烟纸",
        &["烟纸"],
        &[
            "cigarette paper",
            "cigarette papers",
            "rolling paper",
            "rolling papers",
            "smoking paper",
            "smoking papers",
            "卷烟纸",
            "烟纸",
        ],
        // Range-hood grease paper (吸油烟纸) is kitchen supply.
        &["油烟纸"],
    ),
    (
        "harpoons",
        "Harpoons",
        "鱼叉",
        &["捕鲸叉"],
        &[
            "harpoon",
            "harpoons",
            "speargun",
            "spearguns",
            "spear gun",
            "spear guns",
            "鱼叉",
            "渔叉",
            "捕鲸叉",
        ],
        &["烤鱼叉"],
    ),
];

/// A caller's entry as it arrives.
#[derive(Deserialize, Debug)]
#[serde(rename = "entry", rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct EntryWire<'a> {
    #[serde(borrow)]
    pub id: Cow<'a, str>,
    #[serde(borrow)]
    pub name: Cow<'a, str>,
    #[serde(borrow)]
    pub name_zh: Cow<'a, str>,
    #[serde(default)]
    pub categories: Vec<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default)]
    pub exclude: Vec<String>,
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

fn bloom_slot(c: char) -> (usize, u32) {
    let n = u32::from(c) & 4095;
    ((n >> 6) as usize, n & 63)
}

#[inline]
fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{9fff}' | '\u{f900}'..='\u{faff}' | '\u{20000}'..='\u{3134f}')
}

/// One character as title matching sees it: `None` for a separator, else the folded
/// character and whether it is Chinese. Most title characters are ASCII or Chinese, which are
/// decided without Unicode tables.
#[inline]
fn fold_char(c: char) -> Option<(char, bool)> {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric().then(|| (c.to_ascii_lowercase(), false));
    }
    if is_han(c) {
        return Some((c, true));
    }
    // Full-width ASCII (ＡＢＣ１２３) to ASCII.
    if let 0xff01..=0xff5e = u32::from(c) {
        let a = char::from_u32(u32::from(c).saturating_sub(0xfee0)).unwrap_or(c);
        return a.is_ascii_alphanumeric().then(|| (a.to_ascii_lowercase(), false));
    }
    c.is_alphanumeric().then(|| (crate::case::lower(c), false))
}

/// Folds a keyword; see the module comment. Titles are folded on the fly by
/// [`Prohibited::title_hits`], with the same rules.
fn fold_into(s: &str, out: &mut String) {
    out.clear();
    let mut gap = false;
    let mut last_han = false;
    for c in s.chars() {
        let Some((c, han)) = fold_char(c) else {
            gap = true;
            continue;
        };
        // Keep a separator only where it separates words of a spaced script; between Chinese
        // characters a space is layout, not a word break.
        if gap && !out.is_empty() && !(last_han && han) {
            out.push(' ');
        }
        gap = false;
        out.push(c);
        last_han = han;
    }
}

/// Where folded `pattern` matches the folded form of `title` starting at byte `at` (a
/// character that does not fold away), the byte where the match ends in `title`.
fn match_at(title: &str, at: usize, pattern: &str) -> Option<usize> {
    // While both go on in ASCII letters and digits there is no folding to do: compare bytes.
    // Most candidates (a word sharing a keyword's first two letters) fail here.
    let t = title.as_bytes().get(at..)?;
    let mut n = 0usize;
    for (&p, &c) in pattern.as_bytes().iter().zip(t) {
        if !p.is_ascii_alphanumeric() || !c.is_ascii_alphanumeric() {
            break;
        }
        if c.to_ascii_lowercase() != p {
            return None;
        }
        n = n.saturating_add(1);
    }
    if n == pattern.len() && n > 0 {
        return Some(at.saturating_add(n));
    }
    let mut want = pattern.chars();
    let mut next = want.next();
    let mut gap = false;
    let mut last_han = false;
    let mut started = false;
    for (off, c) in title.get(at..)?.char_indices() {
        let Some((k, han)) = fold_char(c) else {
            gap = true;
            continue;
        };
        if gap && started && !(last_han && han) {
            if next != Some(' ') {
                return None;
            }
            next = want.next();
        }
        if next != Some(k) {
            return None;
        }
        next = want.next();
        if next.is_none() {
            return Some(at.saturating_add(off).saturating_add(c.len_utf8()));
        }
        gap = false;
        started = true;
        last_han = han;
    }
    None
}

/// Category names compare ignoring case and surrounding spaces, nothing else: the match is exact.
fn category_key_into(s: &str, out: &mut String) {
    out.clear();
    for c in s.trim().chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else if is_han(c) {
            out.push(c);
        } else {
            out.push(crate::case::lower(c));
        }
    }
}

/// The run of `list` (sorted as `cmp` orders keys) whose keys `cmp` finds equal.
fn run<Q>(list: &[(Q, u32)], cmp: impl Fn(&Q) -> Ordering) -> &[(Q, u32)] {
    let from = list.partition_point(|(k, _)| cmp(k) == Ordering::Less);
    let rest = list.get(from..).unwrap_or_default();
    let len = rest.iter().take_while(|(k, _)| cmp(k) == Ordering::Equal).count();
    rest.get(..len).unwrap_or_default()
}

/// Category names by length, then bytes: most names an item's category is compared with on
/// the way differ in length, which settles the compare without reading them.
fn short_lex(a: &str, b: &str) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

struct Builder {
    p: Prohibited,
}

impl Builder {
    fn new() -> Builder {
        Builder {
            p: Prohibited {
                entries: Vec::new(),
                categories: Vec::new(),
                category_ids: Vec::new(),
                patterns: Vec::new(),
                second: Vec::new(),
                ascii_second: vec![0; 128],
                ascii: vec![Vec::new(); 128],
                other: Vec::new(),
                other_bits: [0; BLOOM_WORDS],
            },
        }
    }

    fn entry(&mut self, id: &str, name: &str, name_zh: &str) -> u32 {
        let n = u32::try_from(self.p.entries.len()).unwrap_or(u32::MAX);
        self.p.entries.push(Entry {
            id: id.to_string(),
            name: name.to_string(),
            name_zh: name_zh.to_string(),
        });
        for c in [id, name, name_zh] {
            self.category(n, c);
        }
        n
    }

    fn category(&mut self, entry: u32, name: &str) {
        let mut key = String::new();
        category_key_into(name, &mut key);
        if key.is_empty() {
            return;
        }
        if key.bytes().all(|b| b.is_ascii_digit()) {
            if let Ok(id) = key.parse::<u64>() {
                self.p.category_ids.push((id, entry));
            }
        }
        self.p.categories.push((key, entry));
    }

    /// Adds a keyword or exclusion; `false` when it folds to nothing.
    fn pattern(&mut self, entry: u32, text: &str, exclude: bool) -> bool {
        let mut folded = String::new();
        fold_into(text, &mut folded);
        let bytes = folded.as_bytes();
        let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else { return false };
        let idx = u32::try_from(self.p.patterns.len()).unwrap_or(u32::MAX);
        match folded.chars().next() {
            Some(c) if c.is_ascii() => {
                if let Some(slot) = self.p.ascii.get_mut(usize::from(first)) {
                    slot.push(idx);
                }
                if let (Some(mask), Some(&second)) =
                    (self.p.ascii_second.get_mut(usize::from(first)), bytes.get(1))
                {
                    *mask |= 1u128.checked_shl(u32::from(second)).unwrap_or(0);
                }
            }
            Some(c) => {
                self.p.other.push((c, idx));
                let (word, bit) = bloom_slot(c);
                if let Some(w) = self.p.other_bits.get_mut(word) {
                    *w |= 1u64 << bit;
                }
            }
            None => return false,
        }
        self.p.second.push(bytes.get(1).copied());
        self.p.patterns.push(Pattern {
            shown: text.trim().to_string(),
            text: folded,
            entry,
            exclude,
            word_end: is_word(last),
        });
        true
    }

    fn finish(mut self) -> Prohibited {
        crate::sort::sort_by(&mut self.p.other, Ord::cmp);
        // Entries come in order, so each name's entries stay in list order, as they were met.
        crate::sort::sort_by(&mut self.p.categories, |a, b| {
            short_lex(&a.0, &b.0).then(a.1.cmp(&b.1))
        });
        self.p.categories.dedup();
        crate::sort::sort_by(&mut self.p.category_ids, Ord::cmp);
        self.p.category_ids.dedup();
        self.p
    }
}

/// A caller's entry in either form: an object ([`EntryWire`]) or a plain name. A name that is
/// the id, English or Chinese name of a built-in entry (any case) means that entry, with its
/// categories and title keywords; any other name is a custom kind matched by exact category
/// name only (no title keywords: a guessed keyword list would warn on look-alikes).
fn entry_of<'a>(raw: Raw<'a>, path: &str) -> Result<EntryWire<'a>> {
    let text = raw.get().trim();
    if !text.starts_with('"') {
        if !text.starts_with('{') {
            return Err(KjbError::at(
                ErrorCode::InvalidInput,
                path,
                format!("{path} must be a category name (a string) or an object {{id, name, nameZh, categories?, keywords?, exclude?}}"),
            ));
        }
        // The whole input already passed the depth and repeated-key checks.
        return crate::json::parse::<EntryWire<'a>>(text).map_err(|e| e.under(path));
    }
    let name: String = crate::json::parse(text).map_err(|_| {
        KjbError::at(ErrorCode::InvalidInput, path, format!("{path} is not a readable string"))
    })?;
    let trimmed = name.trim();
    if trimmed.is_empty() {
        return Err(KjbError::at(
            ErrorCode::InvalidInput,
            path,
            format!("{path} must be a non-empty category name"),
        ));
    }
    let owned = |v: &[&str]| v.iter().map(|s| (*s).to_string()).collect::<Vec<_>>();
    // Built-in ids and English names are ASCII: an ASCII-case-insensitive match is exact.
    if let Some(&(id, en, zh, categories, keywords, exclude)) =
        BUILTIN.iter().find(|(id, en, zh, ..)| {
            id.eq_ignore_ascii_case(trimmed) || en.eq_ignore_ascii_case(trimmed) || *zh == trimmed
        })
    {
        return Ok(EntryWire {
            id: Cow::Borrowed(id),
            name: Cow::Borrowed(en),
            name_zh: Cow::Borrowed(zh),
            categories: owned(categories),
            keywords: owned(keywords),
            exclude: owned(exclude),
        });
    }
    Ok(EntryWire {
        id: Cow::Owned(trimmed.to_string()),
        name: Cow::Owned(trimmed.to_string()),
        name_zh: Cow::Owned(trimmed.to_string()),
        categories: vec![trimmed.to_string()],
        keywords: Vec::new(),
        exclude: Vec::new(),
    })
}

fn entries_of<'a>(list: &'a [Raw<'a>], path: &str) -> Result<Vec<EntryWire<'a>>> {
    if list.len() > MAX_ENTRIES {
        return Err(KjbError::at(
            ErrorCode::InvalidInput,
            path,
            format!("a prohibited-goods list may have at most {MAX_ENTRIES} entries"),
        ));
    }
    let mut out: Vec<EntryWire<'a>> = Vec::with_capacity(list.len());
    for (i, raw) in list.iter().enumerate() {
        let e = entry_of(*raw, &format!("{path}[{i}]"))?;
        // A plain name naming a kind already listed is that kind again; repeated ids of
        // objects are still refused by `from_wire`, at their path.
        let named = raw.get().trim_start().starts_with('"');
        if named && out.iter().any(|o| o.id.trim().eq_ignore_ascii_case(e.id.trim())) {
            continue;
        }
        out.push(e);
    }
    Ok(out)
}

fn builtin_entries() -> Vec<EntryWire<'static>> {
    let owned = |v: &[&str]| v.iter().map(|s| (*s).to_string()).collect::<Vec<_>>();
    BUILTIN
        .iter()
        .map(|&(id, en, zh, c, k, x)| EntryWire {
            id: Cow::Borrowed(id),
            name: Cow::Borrowed(en),
            name_zh: Cow::Borrowed(zh),
            categories: owned(c),
            keywords: owned(k),
            exclude: owned(x),
        })
        .collect()
}

impl Prohibited {
    /// `prohibited` as the caller gave it: entries as objects or plain names.
    pub(crate) fn from_raw(list: &[Raw<'_>], path: &str) -> Result<Prohibited> {
        Prohibited::from_wire(&entries_of(list, path)?, path)
    }

    /// `prohibitedExtra` added to `base` (the caller's `prohibited`, or the built-in list). An
    /// extra entry with the id of a base entry is that entry named again, and is skipped.
    pub(crate) fn extended(base: Option<&[Raw<'_>]>, extra: &[Raw<'_>]) -> Result<Prohibited> {
        let mut all = match base {
            Some(list) => entries_of(list, "prohibited")?,
            None => builtin_entries(),
        };
        let extra = entries_of(extra, "prohibitedExtra")?;
        // Validated alone first, so a bad entry is reported at its own path.
        Prohibited::from_wire(&extra, "prohibitedExtra")?;
        for e in extra {
            if !all.iter().any(|b| b.id.trim().eq_ignore_ascii_case(e.id.trim())) {
                all.push(e);
            }
        }
        Prohibited::from_wire(&all, "prohibitedExtra")
    }
}

impl Prohibited {
    /// The built-in list.
    pub(crate) fn builtin() -> Prohibited {
        let mut b = Builder::new();
        for &(id, name, name_zh, categories, keywords, exclude) in BUILTIN {
            let e = b.entry(id, name, name_zh);
            for c in categories {
                b.category(e, c);
            }
            for k in keywords {
                b.pattern(e, k, false);
            }
            for x in exclude {
                b.pattern(e, x, true);
            }
        }
        b.finish()
    }

    /// A caller's list at `path` (e.g. `prohibited`), validated.
    pub(crate) fn from_wire(list: &[EntryWire<'_>], path: &str) -> Result<Prohibited> {
        let bad = |rest: String, msg: String| {
            KjbError::at(ErrorCode::InvalidInput, crate::text::join_path(path, &rest), msg)
        };
        if list.len() > MAX_ENTRIES {
            return Err(bad(
                String::new(),
                format!("a prohibited-goods list may have at most {MAX_ENTRIES} entries"),
            ));
        }
        let mut b = Builder::new();
        let mut terms = 0usize;
        for (i, w) in list.iter().enumerate() {
            for (field, value) in [("id", &w.id), ("name", &w.name), ("nameZh", &w.name_zh)] {
                if value.trim().is_empty() {
                    return Err(bad(
                        format!("[{i}].{field}"),
                        format!("{path}[{i}].{field} must be a non-empty string"),
                    ));
                }
            }
            // Entry `k` of the builder is item `k` of the list; ids compare case-blind. A
            // scan: lists are short (at most MAX_ENTRIES), and no map is needed for it.
            let id = w.id.trim();
            if let Some(first) = b.p.entries.iter().position(|e| e.id.eq_ignore_ascii_case(id)) {
                return Err(bad(format!("[{i}].id"), format!("{path}[{i}].id \"{}\" repeats the id of {path}[{first}]: ids must be unique", crate::money::clip(&w.id))));
            }
            let e = b.entry(w.id.trim(), w.name.trim(), w.name_zh.trim());
            for (field, values) in
                [("categories", &w.categories), ("keywords", &w.keywords), ("exclude", &w.exclude)]
            {
                for (j, v) in values.iter().enumerate() {
                    terms = terms.saturating_add(1);
                    if terms > MAX_TERMS {
                        return Err(bad(format!("[{i}].{field}"), format!("a prohibited-goods list may have at most {MAX_TERMS} keywords, exclusions and categories in all")));
                    }
                    let here = format!("[{i}].{field}[{j}]");
                    if v.chars().count() > MAX_TERM_CHARS {
                        return Err(bad(
                            here.clone(),
                            format!("{path}{here} is longer than {MAX_TERM_CHARS} characters"),
                        ));
                    }
                    let ok = match field {
                        "categories" => {
                            b.category(e, v);
                            !v.trim().is_empty()
                        }
                        _ => b.pattern(e, v, field == "exclude"),
                    };
                    if !ok {
                        return Err(bad(here.clone(), format!("{path}{here} must contain a letter, digit or character, not only spaces or punctuation")));
                    }
                }
            }
        }
        Ok(b.finish())
    }

    #[cfg(test)]
    pub(crate) fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub(crate) fn entry(&self, i: u32) -> Option<&Entry> {
        self.entries.get(usize::try_from(i).ok()?)
    }

    /// The keyword of a title hit, as written in the list.
    pub(crate) fn keyword(&self, pattern: u32) -> &str {
        usize::try_from(pattern)
            .ok()
            .and_then(|p| self.patterns.get(p))
            .map_or("", |p| p.shown.as_str())
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Adds to `out` the entries whose category `leaf` is (no duplicates).
    pub(crate) fn category_hits(&self, leaf: &Leaf<'_>, scratch: &mut Scratch, out: &mut Vec<Hit>) {
        let mut add = |entry: u32| {
            if !out.iter().any(|h| h.entry == entry) {
                out.push(Hit { entry, pattern: None });
            }
        };
        match leaf {
            Leaf::Name(n) => {
                category_key_into(n, &mut scratch.buf);
                let key = scratch.buf.as_str();
                run(&self.categories, |k| short_lex(k, key)).iter().for_each(|&(_, e)| add(e));
            }
            Leaf::Id(id) => {
                run(&self.category_ids, |k| k.cmp(id)).iter().for_each(|&(_, e)| add(e))
            }
        }
    }

    /// Adds to `out` one hit per entry the title mentions, skipping entries already in `out`.
    ///
    /// The title is folded on the fly rather than copied: each character is looked up in the
    /// first-character index, and only a candidate is compared further.
    pub(crate) fn title_hits(&self, title: &str, scratch: &mut Scratch, out: &mut Vec<Hit>) {
        if self.patterns.is_empty() {
            return;
        }
        scratch.spans.clear();
        // Whether the previous character folds to an ASCII letter or digit: keywords that start
        // with one are only tried where a word starts.
        let mut after_word = false;
        let bytes = title.as_bytes();
        let mut at = 0usize;
        // Byte by byte through ASCII (nearly half of a 1688 title, and inside a word there is
        // nothing to do), character by character through the rest.
        while let Some(&b) = bytes.get(at) {
            if b.is_ascii() {
                let here = at;
                at = at.saturating_add(1);
                if !b.is_ascii_alphanumeric() {
                    after_word = false;
                } else if !after_word {
                    after_word = true;
                    // What the next folded byte is when the title goes on in ASCII: most
                    // candidates fail on it without a full comparison.
                    let next = bytes.get(at).filter(|n| n.is_ascii()).map(|&n| {
                        if n.is_ascii_alphanumeric() {
                            n.to_ascii_lowercase()
                        } else {
                            b' '
                        }
                    });
                    self.try_ascii(title, here, b.to_ascii_lowercase(), next, &mut scratch.spans);
                    // The rest of the word starts nothing: pass over it in a tight loop.
                    while bytes.get(at).is_some_and(u8::is_ascii_alphanumeric) {
                        at = at.saturating_add(1);
                    }
                }
                continue;
            }
            // A three-byte character (every Chinese one) decoded from its bytes: the title is a
            // `str`, so they are valid UTF-8, and most of these start no keyword, which the
            // first-character bloom tells without a general decode or a search.
            if let (0xe0..=0xef, Some(&b1), Some(&b2)) =
                (b, bytes.get(at.saturating_add(1)), bytes.get(at.saturating_add(2)))
            {
                let n = (u32::from(b & 0x0f) << 12)
                    | (u32::from(b1 & 0x3f) << 6)
                    | u32::from(b2 & 0x3f);
                if matches!(n, 0x3400..=0x9fff | 0xf900..=0xfaff) {
                    let here = at;
                    at = at.saturating_add(3);
                    after_word = false;
                    if self.may_start_code(n) {
                        if let Some(c) = char::from_u32(n) {
                            self.try_other(title, here, c, &mut scratch.spans);
                        }
                    }
                    continue;
                }
            }
            let Some(c) = title.get(at..).and_then(|rest| rest.chars().next()) else { break };
            let here = at;
            at = at.saturating_add(c.len_utf8());
            // Chinese first: nearly every other character of a 1688 title.
            if is_han(c) {
                after_word = false;
                self.try_other(title, here, c, &mut scratch.spans);
                continue;
            }
            match fold_char(c) {
                None => after_word = false,
                // A full-width letter or digit: as its ASCII form, without a look ahead.
                Some((k, _)) if k.is_ascii() => {
                    if !after_word {
                        after_word = true;
                        self.try_ascii(title, here, k as u8, None, &mut scratch.spans);
                    }
                }
                Some((k, _)) => {
                    after_word = false;
                    self.try_other(title, here, k, &mut scratch.spans);
                }
            }
        }
        let spans = &scratch.spans;
        for &(start, end, idx) in spans {
            let Some(p) = usize::try_from(idx).ok().and_then(|i| self.patterns.get(i)) else {
                continue;
            };
            if p.exclude || out.iter().any(|h| h.entry == p.entry) {
                continue;
            }
            let covered = spans.iter().any(|&(xs, xe, xi)| {
                usize::try_from(xi)
                    .ok()
                    .and_then(|i| self.patterns.get(i))
                    .is_some_and(|x| x.exclude && x.entry == p.entry && xs <= start && end <= xe)
            });
            if !covered {
                out.push(Hit { entry: p.entry, pattern: Some(idx) });
            }
        }
    }

    /// Tries the keywords that start with the ASCII letter or digit `k` (folded) at `at`, where a
    /// word starts; `next` is the folded byte after it when the title goes on in ASCII.
    #[inline]
    fn try_ascii(
        &self,
        title: &str,
        at: usize,
        k: u8,
        next: Option<u8>,
        spans: &mut Vec<(usize, usize, u32)>,
    ) {
        let k = usize::from(k);
        if let Some(n) = next {
            // No keyword of this letter goes on with `n` (a one-letter keyword only matches
            // where the title does not go on in ASCII).
            let mask = self.ascii_second.get(k).copied().unwrap_or(0);
            if mask.checked_shr(u32::from(n)).unwrap_or(0) & 1 == 0 {
                return;
            }
        }
        for &idx in self.ascii.get(k).map_or(&[][..], Vec::as_slice) {
            if let (Some(n), Some(p)) =
                (next, self.second.get(usize::try_from(idx).unwrap_or(usize::MAX)))
            {
                if *p != Some(n) {
                    continue;
                }
            }
            self.try_at(title, at, idx, spans);
        }
    }

    /// Tries the keywords that start with the non-ASCII character `k` at `at`.
    #[inline]
    fn try_other(&self, title: &str, at: usize, k: char, spans: &mut Vec<(usize, usize, u32)>) {
        if !self.may_start(k) {
            return;
        }
        let from = self.other.partition_point(|&(x, _)| x < k);
        let to = self.other.partition_point(|&(x, _)| x <= k);
        for &(_, idx) in self.other.get(from..to).unwrap_or(&[]) {
            self.try_at(title, at, idx, spans);
        }
    }

    fn may_start(&self, c: char) -> bool {
        self.may_start_code(u32::from(c))
    }

    /// [`Self::may_start`] for a character's code point.
    #[inline]
    fn may_start_code(&self, n: u32) -> bool {
        let n = n & 4095;
        self.other_bits.get((n >> 6) as usize).is_some_and(|w| w & (1u64 << (n & 63)) != 0)
    }

    /// Records pattern `idx` if it matches at `at` and meets its word boundaries.
    fn try_at(&self, title: &str, at: usize, idx: u32, spans: &mut Vec<(usize, usize, u32)>) {
        let Some(p) = usize::try_from(idx).ok().and_then(|i| self.patterns.get(i)) else { return };
        let Some(end) = match_at(title, at, &p.text) else { return };
        if p.word_end
            && title
                .get(end..)
                .and_then(|rest| rest.chars().next())
                .and_then(fold_char)
                .is_some_and(|(k, _)| k.is_ascii_alphanumeric())
        {
            return;
        }
        spans.push((at, end, idx));
    }
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;

    fn title(p: &Prohibited, t: &str) -> Vec<String> {
        let mut out = Vec::new();
        p.title_hits(t, &mut Scratch::default(), &mut out);
        out.iter().map(|h| p.entry(h.entry).unwrap().id.clone()).collect()
    }

    fn category(p: &Prohibited, c: &str) -> Vec<String> {
        let mut out = Vec::new();
        p.category_hits(&Leaf::Name(c.into()), &mut Scratch::default(), &mut out);
        out.iter().map(|h| p.entry(h.entry).unwrap().id.clone()).collect()
    }

    /// Titles that look like refused goods and are not.
    const FALSE_FRIENDS: &[&str] = &[
        "Glass seed beads 2mm 500g DIY jewelry",
        "Czech SEED-BEADS mixed colours",
        "Freshwater seed pearls strand",
        "Seeded player medal",
        "Seedless grapes packaging box",
        "Nutrient-rich soil for succulents 10L",
        "nutrient rich potting mix",
        "种子选手 T恤 定制",
        "种子 选手 奖杯",
        "中国队种子队 应援旗",
        "种子轮融资 商业计划书 模板",
        "暴力熊 积木 公仔 400%",
        "暴力风扇 大风力 USB",
        "吸油烟纸 厨房 抽油烟机 过滤纸",
        "恐怖面具 万圣节 乳胶",
        "Horror mask Halloween terror-free fun",
        "Rolling pin wooden 40cm",
        "Paper cups 100pcs",
        "Slotted spoon stainless",
        "烤鱼叉 不锈钢 烧烤工具",
        "Cannonball run poster",
        "大麻绳 手工编织",
        "Potted plant with seedling tray",
        "Popcorn maker, sportsmanship trophy",
    ];

    /// Titles that should warn, with the entry they should find.
    const TRUE_POSITIVES: &[(&str, &str)] = &[
        ("Tomato seeds 100pcs heirloom", "seeds"),
        ("SEED packet, mixed flowers", "seeds"),
        ("蔬菜种子 四季 阳台", "seeds"),
        ("种子选手同款 + 向日葵种子", "seeds"),
        ("ｓｅｅｄｓ full-width", "seeds"),
        ("Hydroponic nutrient solution A+B 1L", "nutrients"),
        ("植物营养液 通用型", "nutrients"),
        ("Rolling papers 110mm king size", "cigarette-paper"),
        ("卷烟纸 50本", "cigarette-paper"),
        ("Stainless steel fishing harpoon 3 prongs", "harpoons"),
        ("不锈钢鱼叉 户外", "harpoons"),
        ("Slot machine cabinet", "gambling"),
        ("赌具 骰子", "gambling"),
        ("大麻 图案 T恤", "drugs"),
        ("Brass knuckles keychain", "violence"),
        // The Kelvin sign (U+212A) lower-cases to k.
        ("Brass \u{212a}nuckles keychain", "violence"),
        ("恐怖主义 宣传", "terrorism"),
        ("porn DVD", "pornography"),
    ];

    #[test]
    fn false_friends_do_not_warn() {
        let p = Prohibited::builtin();
        for t in FALSE_FRIENDS {
            assert_eq!(title(&p, t), Vec::<String>::new(), "{t}");
        }
    }

    #[test]
    fn true_positives_warn() {
        let p = Prohibited::builtin();
        for (t, want) in TRUE_POSITIVES {
            assert_eq!(title(&p, t), vec![want.to_string()], "{t}");
        }
    }

    #[test]
    fn keyword_reported_as_written() {
        let p = Prohibited::builtin();
        let mut out = Vec::new();
        p.title_hits("Hydroponic nutrient solution", &mut Scratch::default(), &mut out);
        assert_eq!(p.keyword(out[0].pattern.unwrap()), "hydroponic nutrient");
    }

    #[test]
    fn categories_match_exactly_by_id_or_name_in_either_language() {
        let p = Prohibited::builtin();
        for c in [
            "seeds",
            "Plant seeds",
            "PLANT SEEDS",
            " 植物种子 ",
            "种子",
            "harpoons",
            "鱼叉",
            "cigarette-paper",
            "卷烟纸",
        ] {
            assert_eq!(category(&p, c).len(), 1, "{c}");
        }
        for c in ["Plant seed", "seed beads", "植物种子 批发", "Plant-seeds", "", "harpoon"] {
            assert!(category(&p, c).is_empty(), "{c}");
        }
    }

    #[test]
    fn every_builtin_entry_has_both_names_and_keywords() {
        let p = Prohibited::builtin();
        assert_eq!(p.entries().len(), 9);
        for e in p.entries() {
            assert!(!e.name.is_empty() && !e.name_zh.is_empty());
            assert!(
                p.patterns.iter().any(|x| !x.exclude && p.entry(x.entry) == Some(e)),
                "{}",
                e.id
            );
        }
    }

    fn custom(json: &str) -> Result<Prohibited> {
        let list: Vec<EntryWire<'_>> = crate::json::parse(json)?;
        Prohibited::from_wire(&list, "prohibited")
    }

    #[test]
    fn custom_lists_replace_and_are_validated() {
        let p = custom(r#"[{"id":"batteries","name":"Batteries","nameZh":"电池","categories":["1234"],"keywords":["lithium battery","锂电池"],"exclude":["锂电池盒"]}]"#).unwrap();
        assert!(title(&p, "Tomato seeds").is_empty());
        assert_eq!(title(&p, "18650 Lithium-Battery"), ["batteries"]);
        assert!(title(&p, "锂电池盒 收纳").is_empty());
        let mut out = Vec::new();
        p.category_hits(&Leaf::Id(1234), &mut Scratch::default(), &mut out);
        assert_eq!(out.len(), 1);
        assert!(custom("[]").unwrap().is_empty());
        for (json, path) in [
            (r#"[{"id":" ","name":"a","nameZh":"b"}]"#, "prohibited[0].id"),
            (r#"[{"id":"a","name":"a","nameZh":""}]"#, "prohibited[0].nameZh"),
            (
                r#"[{"id":"a","name":"a","nameZh":"b"},{"id":"A","name":"a","nameZh":"b"}]"#,
                "prohibited[1].id",
            ),
            (
                r#"[{"id":"a","name":"a","nameZh":"b","keywords":["ok","--"]}]"#,
                "prohibited[0].keywords[1]",
            ),
            (
                r#"[{"id":"a","name":"a","nameZh":"b","categories":[""]}]"#,
                "prohibited[0].categories[0]",
            ),
        ] {
            let e = custom(json).unwrap_err();
            assert_eq!(
                (e.code, e.path.as_deref()),
                (ErrorCode::InvalidInput, Some(path)),
                "{json}: {e}"
            );
        }
        let e = custom(r#"[{"id":"a","name":"a","nameZh":"b","keyword":["x"]}]"#).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput);
        assert!(e.message.contains("keyword"), "{e}");
    }

    /// The entries a title mentions, by the definition: fold the whole title, then search.
    fn reference(p: &Prohibited, title: &str) -> Vec<u32> {
        let mut f = String::new();
        fold_into(title, &mut f);
        let b = f.as_bytes();
        let mut spans = Vec::new();
        for (idx, pat) in p.patterns.iter().enumerate() {
            let mut from = 0;
            while let Some(pos) = f[from..].find(&pat.text) {
                let at = from + pos;
                let end = at + pat.text.len();
                let start_ok = !is_word(pat.text.as_bytes()[0]) || at == 0 || !is_word(b[at - 1]);
                let end_ok = !pat.word_end || end == b.len() || !is_word(b[end]);
                if start_ok && end_ok {
                    spans.push((at, end, idx));
                }
                from = at + f[at..].chars().next().unwrap().len_utf8();
            }
        }
        let mut entries: Vec<u32> = spans
            .iter()
            .filter(|&&(s, e, i)| {
                let k = &p.patterns[i];
                !k.exclude
                    && !spans.iter().any(|&(xs, xe, xi)| {
                        p.patterns[xi].exclude
                            && p.patterns[xi].entry == k.entry
                            && xs <= s
                            && e <= xe
                    })
            })
            .map(|&(_, _, i)| p.patterns[i].entry)
            .collect();
        entries.sort_unstable();
        entries.dedup();
        entries
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 2000, ..Default::default() })]

        /// Folding on the fly finds exactly what folding the whole title and searching finds.
        #[test]
        fn on_the_fly_matching_agrees_with_the_definition(parts in proptest::collection::vec(proptest::sample::select(vec![
            "seed", "Seeds", "beads", " ", "-", "，", "ｓｅｅｄ", "种子", "选手", "子", "暴力", "熊", "a",
            "油烟纸", "烟纸", "rolling", "paper", "é",
        ]), 0..10)) {
            let title: String = parts.concat();
            let p = Prohibited::builtin();
            let mut out = Vec::new();
            p.title_hits(&title, &mut Scratch::default(), &mut out);
            let mut got: Vec<u32> = out.iter().map(|h| h.entry).collect();
            got.sort_unstable();
            proptest::prop_assert_eq!(got, reference(&p, &title), "{}", title);
        }
    }

    /// Title matching alone over the titles of the 10,000-order benchmark:
    /// `cargo test --release -- --ignored --nocapture title_speed`.
    #[test]
    #[ignore]
    fn title_speed() {
        let p = Prohibited::builtin();
        let titles: Vec<String> = (0..20_000)
            .map(|i| match i % 2 {
                0 => "2024新款 纯棉T恤 男士短袖 Cotton T-shirt men summer".to_string(),
                _ if i % 200 == 1 => "蔬菜种子 阳台盆栽 seeds".to_string(),
                _ => "北欧风 陶瓷马克杯 带盖勺 Ceramic mug with lid 400ml".to_string(),
            })
            .collect();
        let mut scratch = Scratch::default();
        let mut out = Vec::new();
        let start = std::time::Instant::now();
        let mut n = 0;
        for _ in 0..50 {
            for t in &titles {
                out.clear();
                p.title_hits(t, &mut scratch, &mut out);
                n += out.len();
            }
        }
        eprintln!("{:?} per title ({n} hits)", start.elapsed() / (50 * 20_000));
    }

    #[test]
    fn folding() {
        let mut s = String::new();
        fold_into("  Seed--Beads，种子 选手【ＡＢＣ】 ", &mut s);
        assert_eq!(s, "seed beads 种子选手 abc");
    }
}
