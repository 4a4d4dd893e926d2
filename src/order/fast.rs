//! The fast path of [`super::read`]: an order list read in one pass over its text.
//!
//! The general path is `json::parse`: the serde reader, which checks nesting depth and repeated
//! keys as it reads, into `OrderWire`s through serde's generic visitors. This reader does the
//! same in one hand-written pass for lists written the usual way, and builds the very same `OrderWire`s (borrowing from the text as serde_json
//! does).
//!
//! It never reports an error. On anything it does not take — a syntax error, a value of an
//! unexpected type, a missing field, a repeated key, nesting deeper than [`MAX_DEPTH`], an
//! escape in a key or in an id or amount, more than [`MAX_UNKNOWN_KEYS`] unknown keys in an
//! object — it gives up (`None`) and the list goes through the general path, which decides and
//! reports exactly as before. So this only has to be right about what it accepts: the text is
//! strict JSON that `json::parse::<Vec<OrderWire>>` accepts too, with the same result. The
//! tests below check that on hand-made and random inputs.

use super::{Category, Flag, ItemWire, Leaf, OrderWire, Raw, Str, SupplierWire};
use crate::json::MAX_DEPTH;
use std::borrow::Cow;

/// Unknown keys one object may have on the fast path (repeats are looked for linearly); an
/// object with more goes the general path, whose reader switches to an ordered set.
const MAX_UNKNOWN_KEYS: usize = 24;

/// Reads an order list (the text without a BOM), handing each order to `each` as soon as it
/// is read, with its index; `None` leaves the list to the general path. `each` may give up too
/// (`None`), and otherwise hands back the order's item vector, emptied, for the next order: a
/// list is read with one item vector, not one per order.
pub(super) fn each<'s>(
    text: &'s str,
    mut each: impl FnMut(usize, OrderWire<'s>) -> Option<Vec<ItemWire<'s>>>,
) -> Option<()> {
    let mut p = Reader { s: text, i: 0, keys: Vec::new() };
    let mut items = Vec::new();
    p.ws();
    p.eat(b'[')?;
    p.ws();
    if !p.eat_if(b']') {
        let mut i = 0usize;
        loop {
            p.ws();
            items = each(i, p.order(items)?)?;
            i = i.saturating_add(1);
            p.ws();
            match p.next()? {
                b',' => continue,
                b']' => break,
                _ => return None,
            }
        }
    }
    p.ws();
    (p.i == text.len()).then_some(())
}

/// [`each`] collected into a list.
#[cfg(test)]
pub(crate) fn orders(text: &str) -> Option<Vec<OrderWire<'_>>> {
    let mut out = Vec::new();
    each(text, |_, w| {
        out.push(w);
        Some(Vec::new())
    })?;
    Some(out)
}

/// A known object key, as the 16 bytes after its opening quote start when the key is
/// written plainly (`word` under `mask`: the key and its closing quote).
struct Key {
    name: &'static str,
    word: u128,
    mask: u128,
}

impl Key {
    /// `name` must be at most 15 bytes (checked by a test; a longer one would never match
    /// the guess and still be read by the scan).
    const fn new(name: &'static str) -> Key {
        let mut word = 0u128;
        let mut mask = 0u128;
        let mut shift = 0u32;
        let mut rest = name.as_bytes();
        while let [b, tail @ ..] = rest {
            word |= (*b as u128).wrapping_shl(shift);
            mask |= 0xffu128.wrapping_shl(shift);
            shift = shift.wrapping_add(8);
            rest = tail;
        }
        word |= (b'"' as u128).wrapping_shl(shift);
        mask |= 0xffu128.wrapping_shl(shift);
        if shift >= 128 {
            // Too long to guess: a mask that nothing matches.
            return Key { name, word: 1, mask: 0 };
        }
        Key { name, word, mask }
    }
}

/// The known keys of one kind of object, as an enum: [`fields!`] makes the variants and the
/// [`Key`]s from one list, so a key cannot be read into another key's field.
trait Fields: Copy + 'static {
    /// The keys, in the order 1688 writes them (the key after the last one read is guessed).
    const KEYS: &'static [Key];
    /// The variants, in the order of `KEYS`.
    const ALL: &'static [Self];
}

macro_rules! fields {
    ($(#[$m:meta])* enum $name:ident { $($v:ident = $k:literal,)* }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        enum $name {
            $($v,)*
        }
        impl Fields for $name {
            const KEYS: &'static [Key] = &[$(Key::new($k),)*];
            const ALL: &'static [Self] = &[$($name::$v,)*];
        }
    };
}

fields! {
    /// An order's fields.
    enum OrderField {
        OrderId = "orderId",
        Amount = "amount",
        Currency = "currency",
        Status = "status",
        TradeType = "tradeType",
        TradeTypeCode = "tradeTypeCode",
        Supplier = "supplier",
        Items = "items",
        SellerOrder = "sellerOrder",
        RedEnvelope = "redEnvelope",
        PayBy = "payBy",
    }
}

fields! {
    /// A supplier's fields.
    enum SupplierField {
        Kjb = "kjb",
        KuaJingBao = "kuaJingBao",
        Chengxintong = "chengxintong",
    }
}

fields! {
    /// An item's fields.
    enum ItemField {
        OfferId = "offerId",
        Title = "title",
        Category = "category",
        Kjb = "kjb",
    }
}

fields! {
    /// An object of no known fields (an unknown field's value).
    enum NoField {}
}

struct Reader<'s> {
    s: &'s str,
    /// Byte offset of the cursor.
    i: usize,
    /// Unknown keys of the objects being read, innermost last (for repeated-key checks).
    keys: Vec<&'s str>,
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The bytes of `w` (little-endian) that are `"`, `\` or a control character — the bytes that
/// stop the scan of a string — as the high bit of each: 0 when there is none, else the lowest
/// set bit marks the first one. (The "has a zero byte" trick: exact up to the first such byte,
/// which is all that is used.)
#[inline]
fn special(w: u64) -> u64 {
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let quote = zero(w ^ 0x2222_2222_2222_2222);
    let backslash = zero(w ^ 0x5c5c_5c5c_5c5c_5c5c);
    let control = w.wrapping_sub(0x2020_2020_2020_2020) & !w & HIGH;
    quote | backslash | control
}

/// Which known fields an object has had, to refuse a repeated one.
#[derive(Default)]
struct Seen(u32);

impl Seen {
    /// Marks field `bit`; `None` if it was already there.
    fn mark(&mut self, bit: u32) -> Option<()> {
        let m = 1u32.checked_shl(bit)?;
        if self.0 & m != 0 {
            return None;
        }
        self.0 |= m;
        Some(())
    }
}

impl<'s> Reader<'s> {
    fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.i).copied()
    }

    fn bump(&mut self, n: usize) {
        self.i = self.i.saturating_add(n);
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.bump(1);
        Some(b)
    }

    fn eat(&mut self, b: u8) -> Option<()> {
        (self.next()? == b).then_some(())
    }

    fn eat_if(&mut self, b: u8) -> bool {
        let yes = self.peek() == Some(b);
        if yes {
            self.bump(1);
        }
        yes
    }

    /// JSON whitespace.
    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\n' | b'\t' | b'\r')) {
            self.bump(1);
        }
    }

    #[inline]
    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.i.saturating_add(word.len());
        (self.s.as_bytes().get(self.i..end)? == word).then(|| self.i = end)
    }

    /// A string at the cursor: its content as written (between the quotes) and whether it has
    /// escapes. Escapes are checked as serde_json checks a string it skips; a control
    /// character ends the fast path.
    fn string(&mut self) -> Option<(&'s str, bool)> {
        let b = self.s.as_bytes();
        self.eat(b'"')?;
        let start = self.i;
        let mut escaped = false;
        loop {
            // 8 bytes at a time up to the next byte that needs a look (the last < 8 bytes of
            // the text go one by one). A local cursor keeps the loop in registers.
            let mut i = self.i;
            while let Some(chunk) =
                b.get(i..i.saturating_add(8)).and_then(|c| <[u8; 8]>::try_from(c).ok())
            {
                let found = special(u64::from_le_bytes(chunk));
                if found != 0 {
                    i = i.saturating_add((found.trailing_zeros() / 8) as usize);
                    break;
                }
                i = i.saturating_add(8);
            }
            self.i = i;
            match *b.get(self.i)? {
                b'"' => {
                    let content = self.s.get(start..self.i)?;
                    self.bump(1);
                    return Some((content, escaped));
                }
                b'\\' => {
                    escaped = true;
                    match *b.get(self.i.saturating_add(1))? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.bump(2),
                        b'u' => {
                            let hex = b.get(self.i.saturating_add(2)..self.i.saturating_add(6))?;
                            if !hex.iter().all(u8::is_ascii_hexdigit) {
                                return None;
                            }
                            self.bump(6);
                        }
                        _ => return None,
                    }
                }
                c if c < 0x20 => return None,
                _ => self.bump(1),
            }
        }
    }

    /// A string value as serde_json gives it to `Str`/`Leaf`: borrowed when it has no escapes,
    /// decoded (by the general reader) when it has.
    #[inline]
    fn text(&mut self) -> Option<Cow<'s, str>> {
        let start = self.i;
        let (content, escaped) = self.string()?;
        if !escaped {
            return Some(Cow::Borrowed(content));
        }
        crate::json::parse::<String>(self.s.get(start..self.i)?).ok().map(Cow::Owned)
    }

    /// An object key: a string without escapes (a key with escapes goes the general path).
    #[inline]
    fn key(&mut self) -> Option<&'s str> {
        match self.string()? {
            (k, false) => Some(k),
            (_, true) => None,
        }
    }

    /// A number at the cursor, checked against JSON's grammar.
    fn number(&mut self) -> Option<&'s str> {
        let start = self.i;
        self.eat_if(b'-');
        match self.next()? {
            b'0' => {}
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.eat_if(b'.') {
            self.digit()?;
            self.digits();
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.bump(1);
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.bump(1);
            }
            self.digit()?;
            self.digits();
        }
        self.s.get(start..self.i)
    }

    fn digit(&mut self) -> Option<()> {
        self.peek().filter(u8::is_ascii_digit).map(|_| self.bump(1))
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.bump(1);
        }
    }

    /// A value read into a `Raw` (an id or an amount): a string without escapes, or a number.
    /// Anything else — which the rules refuse — goes the general path.
    fn raw(&mut self) -> Option<Raw<'s>> {
        let start = self.i;
        match self.peek()? {
            b'"' => match self.string()? {
                (_, false) => Some(Raw(self.s.get(start..self.i)?)),
                (_, true) => None,
            },
            _ => self.number().map(Raw),
        }
    }

    #[inline]
    fn null(&mut self) -> bool {
        self.peek() == Some(b'n') && self.literal(b"null").is_some()
    }

    /// `Str`: a string.
    #[inline]
    fn str_value(&mut self) -> Option<Str<'s>> {
        self.text().map(Str)
    }

    /// `Option<Str>`: `null` or a string.
    #[inline]
    fn opt_str(&mut self) -> Option<Option<Str<'s>>> {
        if self.null() {
            return Some(None);
        }
        self.str_value().map(Some)
    }

    /// `Flag`: `true`/`false`, or those words as a string in any case.
    fn flag(&mut self) -> Option<Flag> {
        match self.peek()? {
            b't' => self.literal(b"true").map(|_| Flag(true)),
            b'f' => self.literal(b"false").map(|_| Flag(false)),
            b'"' => match self.string()? {
                (s, false) if s.eq_ignore_ascii_case("true") => Some(Flag(true)),
                (s, false) if s.eq_ignore_ascii_case("false") => Some(Flag(false)),
                _ => None,
            },
            _ => None,
        }
    }

    #[inline]
    fn opt_flag(&mut self) -> Option<Option<Flag>> {
        if self.null() {
            return Some(None);
        }
        self.flag().map(Some)
    }

    /// `Leaf`: a string, or a whole number that fits in u64 (what serde_json hands to
    /// `visit_u64`).
    fn leaf(&mut self) -> Option<Leaf<'s>> {
        match self.peek()? {
            b'"' => self.text().map(Leaf::Name),
            b'0'..=b'9' => {
                let n = self.number()?;
                if !n.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                n.parse::<u64>().ok().map(Leaf::Id)
            }
            _ => None,
        }
    }

    /// `Option<Category>`: `null`, a leaf, or an array of leaves; `depth` is the item's.
    fn opt_category(&mut self, depth: usize) -> Option<Option<Category<'s>>> {
        if self.null() {
            return Some(None);
        }
        if self.peek()? != b'[' {
            return self.leaf().map(|l| Some(Category::One(l)));
        }
        let mut leaves = Vec::new();
        self.array(depth.saturating_add(1), |p, _| {
            leaves.push(p.leaf()?);
            Some(())
        })?;
        Some(Some(Category::Path(leaves)))
    }

    /// An array at the cursor whose depth (open containers, itself included) is `depth`;
    /// `element` reads each element (the cursor on it) and gets the depth of the array.
    fn array(
        &mut self,
        depth: usize,
        mut element: impl FnMut(&mut Self, usize) -> Option<()>,
    ) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.eat(b'[')?;
        self.ws();
        if self.eat_if(b']') {
            return Some(());
        }
        loop {
            self.ws();
            element(self, depth)?;
            self.ws();
            match self.next()? {
                b',' => continue,
                b']' => return Some(()),
                _ => return None,
            }
        }
    }

    /// The key at the cursor if it is `known[guess]` written plainly, taken without a scan:
    /// objects are nearly always written with their keys in the same order, so guessing the
    /// key after the last one read skips both the string scan and the comparisons.
    #[inline]
    fn guessed_key(&mut self, known: &[Key], guess: usize) -> Option<usize> {
        let k = known.get(guess)?;
        let b = self.s.as_bytes();
        let from = self.i.saturating_add(1);
        // The 16 bytes after the opening quote, compared with the key and its closing quote
        // under a mask: one comparison instead of a `memcmp` call.
        let w = u128::from_le_bytes(b.get(from..from.saturating_add(16))?.try_into().ok()?);
        if b.get(self.i) == Some(&b'"') && w & k.mask == k.word {
            self.i = from.saturating_add(k.name.len()).saturating_add(1);
            return Some(guess);
        }
        None
    }

    /// An object at the cursor whose depth is `depth`. `member` gets each key (with its field,
    /// if it is one of `F`'s) with the cursor on its value, reads the value and says
    /// whether the key is one it knows; repeated keys, known or not, are refused here.
    fn object<F: Fields>(
        &mut self,
        depth: usize,
        mut member: impl FnMut(&mut Self, &'s str, Option<F>, usize) -> Option<bool>,
    ) -> Option<()> {
        let known = F::KEYS;
        if depth > MAX_DEPTH {
            return None;
        }
        self.eat(b'{')?;
        let keys_from = self.keys.len();
        self.ws();
        if self.eat_if(b'}') {
            return Some(());
        }
        let mut guess = 0usize;
        let mut seen = Seen::default();
        loop {
            self.ws();
            let (key, index) = match self.guessed_key(known, guess) {
                Some(n) => (known.get(n).map_or("", |k| k.name), Some(n)),
                None => {
                    let key = self.key()?;
                    (key, known.iter().position(|k| k.name == key))
                }
            };
            if let Some(n) = index {
                seen.mark(u32::try_from(n).ok()?)?;
                guess = n.saturating_add(1);
            }
            self.ws();
            self.eat(b':')?;
            self.ws();
            if !member(self, key, index.and_then(|n| F::ALL.get(n).copied()), depth)? {
                let mine = self.keys.get(keys_from..)?;
                if mine.len() >= MAX_UNKNOWN_KEYS || mine.contains(&key) {
                    return None;
                }
                self.keys.push(key);
            }
            self.ws();
            match self.next()? {
                b',' => continue,
                b'}' => break,
                _ => return None,
            }
        }
        self.keys.truncate(keys_from);
        Some(())
    }

    /// Any JSON value (an unknown field's), checked and skipped; `depth` is its container's.
    fn skip(&mut self, depth: usize) -> Option<()> {
        match self.peek()? {
            b'"' => self.string().map(drop),
            b'{' => self
                .object::<NoField>(depth.saturating_add(1), |p, _, _, d| p.skip(d).map(|_| false)),
            b'[' => self.array(depth.saturating_add(1), |p, d| p.skip(d)),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            _ => self.number().map(drop),
        }
    }

    fn supplier(&mut self, depth: usize) -> Option<SupplierWire> {
        let (mut kjb, mut kua_jing_bao, mut chengxintong) = (None, None, None);
        self.object(depth, |p, _, field: Option<SupplierField>, d| {
            match field {
                Some(SupplierField::Kjb) => {
                    kjb = p.opt_flag()?;
                }
                Some(SupplierField::KuaJingBao) => {
                    kua_jing_bao = p.opt_flag()?;
                }
                Some(SupplierField::Chengxintong) => {
                    chengxintong = Some(p.flag()?);
                }
                None => {
                    p.skip(d)?;
                    return Some(false);
                }
            }
            Some(true)
        })?;
        Some(SupplierWire {
            kjb: kjb.map(Into::into),
            kua_jing_bao: kua_jing_bao.map(Into::into),
            chengxintong: chengxintong?.into(),
        })
    }

    fn item(&mut self, depth: usize) -> Option<ItemWire<'s>> {
        let (mut offer_id, mut title, mut category, mut kjb) = (None, None, None, None);
        self.object(depth, |p, _, field: Option<ItemField>, d| {
            match field {
                Some(ItemField::OfferId) => {
                    offer_id = Some(p.raw()?);
                }
                Some(ItemField::Title) => {
                    title = p.opt_str()?;
                }
                Some(ItemField::Category) => {
                    category = p.opt_category(d)?;
                }
                Some(ItemField::Kjb) => {
                    kjb = p.opt_flag()?;
                }
                None => {
                    p.skip(d)?;
                    return Some(false);
                }
            }
            Some(true)
        })?;
        Some(ItemWire { offer_id: offer_id?, title, category, kjb })
    }

    /// One order (an element of the top-level array, so at depth 2); its items go into `list`,
    /// which is empty.
    fn order(&mut self, mut list: Vec<ItemWire<'s>>) -> Option<OrderWire<'s>> {
        let (
            mut order_id,
            mut amount,
            mut currency,
            mut status,
            mut trade_type,
            mut trade_type_code,
        ) = (None, None, None, None, None, None);
        let (mut supplier, mut items, mut seller_order, mut red_envelope, mut pay_by) =
            (None, None, None, None, None);
        self.object(2, |p, _, field: Option<OrderField>, d| {
            match field {
                Some(OrderField::OrderId) => {
                    order_id = Some(p.raw()?);
                }
                Some(OrderField::Amount) => {
                    amount = Some(p.raw()?);
                }
                Some(OrderField::Currency) => {
                    currency = p.opt_str()?;
                }
                Some(OrderField::Status) => {
                    status = Some(p.str_value()?);
                }
                Some(OrderField::TradeType) => {
                    trade_type = p.opt_str()?;
                }
                Some(OrderField::TradeTypeCode) => {
                    trade_type_code = p.opt_str()?;
                }
                Some(OrderField::Supplier) => {
                    supplier = Some(p.supplier(d.saturating_add(1))?);
                }
                Some(OrderField::Items) => {
                    let mut list = std::mem::take(&mut list);
                    p.array(d.saturating_add(1), |p, d| {
                        list.push(p.item(d.saturating_add(1))?);
                        Some(())
                    })?;
                    items = Some(list);
                }
                Some(OrderField::SellerOrder) => {
                    seller_order = p.opt_flag()?;
                }
                Some(OrderField::RedEnvelope) => {
                    red_envelope = p.opt_flag()?;
                }
                Some(OrderField::PayBy) => {
                    pay_by = p.opt_str()?;
                }
                None => {
                    p.skip(d)?;
                    return Some(false);
                }
            }
            Some(true)
        })?;
        Some(OrderWire {
            order_id: order_id?,
            amount: amount?,
            currency,
            status: status?,
            trade_type,
            trade_type_code,
            supplier: supplier?,
            items: items?,
            seller_order,
            red_envelope,
            pay_by,
        })
    }
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::json;
    use proptest::prelude::*;

    /// What the general path makes of `text`.
    fn general(text: &str) -> Option<Vec<OrderWire<'_>>> {
        json::parse::<Vec<OrderWire<'_>>>(text).ok()
    }

    /// The fast path takes `text` only if the general path does, with the same result.
    fn agrees(text: &str) -> bool {
        let text = json::strip_bom(text);
        match orders(text) {
            None => true,
            Some(fast) => general(text).as_ref() == Some(&fast),
        }
    }

    const ORDER: &str = r#"{"orderId":"3535260697417660107","amount":"257.62","status":"waitbuyerpay","tradeType":"assureTrade","supplier":{"loginId":"s-1","kjb":true,"chengxintong":true},"items":[{"offerId":"610405543516","title":"LED desk lamp 护眼台灯","category":"运动户外","kjb":true},{"offerId":610829226506,"title":"积木","category":[1031910,"Toys"]}],"sellerOrder":false,"redEnvelope":false}"#;

    #[test]
    fn each_key_has_its_field() {
        assert_eq!(OrderField::KEYS.len(), OrderField::ALL.len());
        assert_eq!(SupplierField::KEYS.len(), SupplierField::ALL.len());
        assert_eq!(ItemField::KEYS.len(), ItemField::ALL.len());
        assert!(NoField::KEYS.is_empty() && NoField::ALL.is_empty());
    }

    #[test]
    fn known_keys_are_short_enough_to_guess() {
        for k in OrderField::KEYS.iter().chain(SupplierField::KEYS).chain(ItemField::KEYS) {
            assert!(k.name.len() < 16 && k.mask != 0, "{}", k.name);
            let text = format!("\"{}\":1,                ", k.name);
            let mut p = Reader { s: &text, i: 0, keys: Vec::new() };
            assert_eq!(p.guessed_key(std::slice::from_ref(k), 0), Some(0));
            assert_eq!(p.i, k.name.len() + 2);
        }
    }

    #[test]
    fn takes_the_usual_lists_and_builds_what_serde_builds() {
        for text in [
            format!("[{ORDER}]"),
            format!("[{ORDER},{ORDER}]"),
            "[]".to_string(),
            format!(" \n[ {} ]\t", ORDER.replace(',', " ,\n ").replace(':', " : ")),
            ORDER.replace("\"sellerOrder\":false", "\"sellerOrder\":null,\"extra\":{\"a\":[1,2.5e-3,true,null,\"x\\u00e9\"],\"b\":{}}").replace("\"kjb\":true}", "\"kjb\":\"TRUE\"}"),
            ORDER.replace("\"title\":\"积木\"", "\"title\":\"a \\\"quoted\\\" \\\\ title\\n\""),
            ORDER.replace("\"amount\":\"257.62\"", "\"amount\":257.62,\"currency\":\"CNY\",\"tradeTypeCode\":null"),
            ORDER.replace("\"category\":\"运动户外\"", "\"category\":null"),
        ] {
            let text = if text.starts_with('{') { format!("[{text}]") } else { text };
            let fast = orders(&text).unwrap_or_else(|| panic!("fast path gave up on {text}"));
            assert_eq!(Some(&fast), general(&text).as_ref(), "{text}");
        }
        // Titles without escapes are borrowed, as serde_json borrows them.
        let text = format!("[{ORDER}]");
        let list = orders(&text).unwrap();
        assert!(matches!(list[0].items[0].title.as_ref().unwrap().0, Cow::Borrowed(_)));
    }

    #[test]
    fn gives_up_on_what_it_does_not_take() {
        let one = |edit: &dyn Fn(&str) -> String| format!("[{}]", edit(ORDER));
        for text in [
            "".to_string(),
            "[".to_string(),
            format!("[{ORDER},]"),
            format!("[{ORDER}] x"),
            format!("[{ORDER}]]"),
            one(&|o| {
                o.replace("\"amount\":\"257.62\"", "\"amount\":\"257.62\",\"amount\":\"1.00\"")
            }),
            one(&|o| o.replace("\"loginId\":\"s-1\"", "\"loginId\":\"s-1\",\"loginId\":\"s-2\"")),
            one(&|o| o.replace("\"status\":\"waitbuyerpay\"", "\"status\":null")),
            one(&|o| o.replace("\"status\":\"waitbuyerpay\",", "")),
            one(&|o| o.replace("\"chengxintong\":true", "\"chengxintong\":1")),
            one(&|o| {
                o.replace("\"kjb\":true,\"chengxintong\"", "\"kjb\":\"yes\",\"chengxintong\"")
            }),
            one(&|o| {
                o.replace(
                    "\"orderId\":\"3535260697417660107\"",
                    "\"orderId\":\"35352606974176601\\u0030\"",
                )
            }),
            one(&|o| o.replace("\"orderId\"", "\"order\\u0049d\"")),
            one(&|o| o.replace("\"amount\":\"257.62\"", "\"amount\":01")),
            one(&|o| o.replace("\"amount\":\"257.62\"", "\"amount\":1.")),
            one(&|o| o.replace("\"amount\":\"257.62\"", "\"amount\":null")),
            one(&|o| o.replace("\"title\":\"积木\"", "\"title\":\"tab\there\"")),
            one(&|o| o.replace("[1031910,\"Toys\"]", "[-1]")),
            one(&|o| o.replace("[1031910,\"Toys\"]", "1.5")),
            one(&|o| o.replace("[1031910,\"Toys\"]", "99999999999999999999")),
            one(&|o| {
                o.replace("\"sellerOrder\":false", "\"x\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]")
            }),
            one(&|o| {
                o.replace("\"items\":[", "\"items\":{")
                    .replace("}],\"sellerOrder\"", "}},\"sellerOrder\"")
            }),
            one(&|o| o.replace("\"title\":\"积木\"", "\"title\":\"\\ud800\"")),
        ] {
            assert!(orders(&text).is_none(), "the fast path took {text}");
            assert!(agrees(&text));
        }
        // An item is at depth 4 (list, order, items, item): 60 more levels reach the limit of 64
        // and are taken, 61 are not — by either path.
        let nest = |n: usize| {
            format!(
                "[{}]",
                ORDER.replace(
                    "\"kjb\":true}",
                    &format!("\"kjb\":true,\"deep\":{}{}}}", "[".repeat(n), "]".repeat(n))
                )
            )
        };
        assert!(orders(&nest(60)).is_some() && general(&nest(60)).is_some());
        assert!(orders(&nest(61)).is_none() && general(&nest(61)).is_none());
    }

    /// Single-byte edits of a valid list: whatever the fast path still takes, the general path
    /// takes too, with the same result.
    #[test]
    fn every_single_byte_edit_agrees() {
        let base = format!("[{ORDER}]");
        let bytes = base.as_bytes();
        let replacements: &[u8] = b" \"\\,:[]{}0-.e1tnx";
        for i in 0..bytes.len() {
            let mut cut = bytes.to_vec();
            cut.remove(i);
            if let Ok(t) = String::from_utf8(cut) {
                assert!(agrees(&t), "{t}");
            }
            for &r in replacements {
                let mut v = bytes.to_vec();
                v[i] = r;
                if let Ok(t) = String::from_utf8(v) {
                    assert!(agrees(&t), "{t}");
                }
            }
        }
    }

    /// A small deterministic generator (xorshift64*), so a failing seed can be replayed.
    struct Gen(u64);

    impl Gen {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
        fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
            from[self.below(from.len() as u64) as usize]
        }
        fn chance(&mut self, percent: u64) -> bool {
            self.below(100) < percent
        }
        fn flag(&mut self) -> &'static str {
            self.pick(&["true", "false", "true", "false", "\"true\"", "\"FALSE\""])
        }
        fn digits(&mut self) -> String {
            let n = match self.below(3) {
                0 => self.below(1_000_000_000_000),
                1 => self.next() >> 1,
                _ => self.next(),
            };
            n.to_string()
        }
        fn ws(&mut self) -> &'static str {
            if self.chance(80) {
                ""
            } else {
                self.pick(&[" ", "\n", "\n  ", "\t", "\r\n"])
            }
        }
        fn id(&mut self) -> String {
            let d = self.digits();
            if self.chance(60) {
                format!("\"{d}\"")
            } else {
                d
            }
        }
        fn amount(&mut self) -> String {
            let (y, f) = (self.below(10_000_000), self.below(100));
            match self.below(4) {
                0 => format!("{y}.{f:02}"),
                1 => format!("\"{y}\""),
                _ => format!("\"{y}.{f:02}\""),
            }
        }
        fn title(&mut self) -> String {
            let words = [
                "LED",
                "desk",
                "lamp",
                "护眼台灯",
                "积木",
                "seed beads",
                "种子",
                "USB-C",
                "cable",
                "1 m",
                "花籽",
                "玩具",
            ];
            let mut t = String::new();
            for _ in 0..=self.below(4) {
                if !t.is_empty() {
                    t.push(' ');
                }
                t.push_str(self.pick(&words));
            }
            if self.chance(5) {
                t.push_str(self.pick(&["\\\"quoted\\\"", "\\n", "\\u00e9", "\\\\"]));
            }
            format!("\"{t}\"")
        }
        fn category(&mut self) -> String {
            let one = |g: &mut Gen| {
                if g.chance(50) {
                    g.below(10_000_000).to_string()
                } else {
                    format!("\"{}\"", g.pick(&["运动户外", "Toys", "种子", "electronics"]))
                }
            };
            match self.below(5) {
                0 => "null".to_string(),
                1 | 2 => one(self),
                _ => {
                    let n = self.below(4);
                    let leaves: Vec<String> = (0..n).map(|_| one(self)).collect();
                    format!("[{}]", leaves.join(","))
                }
            }
        }
        /// `{…}` from `(key, value)` members in a shuffled order.
        fn object(&mut self, mut members: Vec<(&str, String)>) -> String {
            for i in (1..members.len()).rev() {
                let j = self.below(i as u64 + 1) as usize;
                members.swap(i, j);
            }
            let parts: Vec<String> = members
                .iter()
                .map(|(k, v)| format!("{}\"{k}\"{}:{}{v}", self.ws(), self.ws(), self.ws()))
                .collect();
            format!("{{{}{}}}", parts.join(","), self.ws())
        }
        fn item(&mut self) -> String {
            let mut m = vec![("offerId", self.id())];
            if self.chance(80) {
                m.push(("title", self.title()));
            }
            if self.chance(70) {
                m.push(("category", self.category()));
            }
            if self.chance(40) {
                m.push(("kjb", self.flag().to_string()));
            }
            self.object(m)
        }
        fn order(&mut self) -> String {
            let supplier_kjb = if self.chance(80) { "kjb" } else { "kuaJingBao" };
            let supplier = {
                let m = vec![
                    ("loginId", format!("\"s-{}\"", self.below(100))),
                    (supplier_kjb, self.flag().to_string()),
                    ("chengxintong", self.flag().to_string()),
                ];
                self.object(m)
            };
            let items: Vec<String> = (0..self.below(4)).map(|_| self.item()).collect();
            let status = self.pick(&["waitbuyerpay", "waitsellersend", "cancel"]);
            let trade = self.pick(&["assureTrade", "fxassure", "period"]);
            let mut m = vec![
                ("orderId", self.id()),
                ("amount", self.amount()),
                ("status", format!("\"{status}\"")),
                (
                    if self.chance(70) { "tradeType" } else { "tradeTypeCode" },
                    format!("\"{trade}\""),
                ),
                ("supplier", supplier),
                ("items", format!("[{}]", items.join(","))),
            ];
            if self.chance(30) {
                m.push(("currency", format!("\"{}\"", self.pick(&["CNY", "cny", "USD"]))));
            }
            if self.chance(50) {
                m.push(("sellerOrder", self.flag().to_string()));
            }
            if self.chance(50) {
                m.push(("redEnvelope", self.flag().to_string()));
            }
            if self.chance(10) {
                m.push(("erpNote", "{\"a\":[1,2.5e-3,true,null,\"x\"],\"b\":{}}".to_string()));
            }
            self.object(m)
        }
        fn list(&mut self) -> String {
            let orders: Vec<String> = (0..=self.below(4)).map(|_| self.order()).collect();
            format!("{}[{}]{}", self.ws(), orders.join(","), self.ws())
        }
    }

    /// Order lists as ERPs write them — every field in any order, ids and amounts as strings or
    /// numbers, flags as booleans or strings, category paths, optional fields, whitespace: the
    /// fast path takes most of them, and whatever it takes the general path builds the same.
    #[test]
    fn random_order_lists_agree_and_mostly_go_fast() {
        const LISTS: u64 = 20_000;
        let mut taken = 0u64;
        for seed in 1..=LISTS {
            let text = Gen(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15)).list();
            assert!(agrees(&text), "seed {seed}: {text}");
            if orders(&text).is_some() {
                assert!(general(&text).is_some(), "seed {seed}: {text}");
                taken += 1;
            }
        }
        assert!(
            taken * 100 >= LISTS * 90,
            "the fast path took only {taken} of {LISTS} generated order lists"
        );
    }

    proptest! {

        #[test]
        fn random_splices_agree(at in 0usize..400, insert in "[\\[\\]{}\",:0-9a-zA-Z\\\\ .eE+\\-\\u{0}-\\u{1f}\\u{4e00}]{0,6}", cut in 0usize..4) {
            let base = format!("[{ORDER},{ORDER}]");
            let at = at.min(base.len());
            if base.is_char_boundary(at) && base.is_char_boundary((at + cut).min(base.len())) {
                let t = format!("{}{}{}", &base[..at], insert, &base[(at + cut).min(base.len())..]);
                prop_assert!(agrees(&t), "{}", t);
            }
        }
    }
}
