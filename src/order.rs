//! Orders and the buyer as they arrive, read strictly where money and ids are at stake and
//! leniently where 1688's own data varies.
//!
//! Orders are usually copied from 1688 answers (`alibaba.trade.get.buyerView`,
//! `alibaba.account.agent.crossBasic`, `alibaba.createOrder.preview`), which carry dozens of
//! fields kjb does not need: unknown fields of orders, suppliers, items and the buyer are
//! ignored. What a rule reads is checked, and a value that is missing or of the wrong type is an
//! input error with its path — never silently a pass or a block, because a rule without its data
//! has not been checked.
//!
//! Tolerant forms, each one a form 1688 or ERP data really uses:
//! - flags are JSON booleans or the strings `"true"`/`"false"` (some 1688 APIs quote booleans);
//! - `status` and the trade type compare ignoring ASCII case and `_`, so `waitbuyerpay`,
//!   `WAIT_BUYER_PAY` and `assureTrade`/`assure_trade` all read as meant;
//! - `tradeTypeCode` (1688's name in `buyerView`) is read besides the contract's `tradeType`;
//!   when both are present `tradeTypeCode` decides, because raw 1688 data also has a numeric
//!   `tradeType` (e.g. `"50060"`) next to it;
//! - `kuaJingBao` (1688's name) is read besides `supplier.kjb` and `buyer.kjbActivated`; if both
//!   are given they must agree;
//! - `currency` may be absent (1688 orders are CNY), `"CNY"` or `"RMB"`, in any case;
//! - an item's `category` is a name, a numeric 1688 category id, or an array of them (a category
//!   path, any level of which may match);
//! - optional flags (`sellerOrder`, `redEnvelope`, item `kjb`) and optional texts may be `null`,
//!   which means absent.

use crate::api::OrdersText;
use crate::error::{ErrorCode, KjbError, Result};
pub(crate) use crate::json::Raw;
use crate::json::{self, Origin};
use crate::money;
use crate::money::Decimal;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

mod fast;

// ---- small wire types ----------------------------------------------------------------------

pub(crate) use crate::json::Str;

/// A yes/no fact: a JSON boolean, or `"true"`/`"false"` as some 1688 APIs send them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Flag(pub bool);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Flag;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("true or false")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> std::result::Result<Flag, E> {
                Ok(Flag(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Flag, E> {
                if v.eq_ignore_ascii_case("true") {
                    Ok(Flag(true))
                } else if v.eq_ignore_ascii_case("false") {
                    Ok(Flag(false))
                } else {
                    Err(E::invalid_value(de::Unexpected::Str(v), &self))
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// A supplier fact that may be unknown: a [`Flag`], or the string `"unknown"` (any case) —
/// what `ordersFrom1688` writes when the 1688 answer does not say and the caller's `suppliers`
/// map has no entry. An unknown fact is reported (`SUPPLIER_UNKNOWN`, block), never guessed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Fact(pub Option<bool>);

impl From<Flag> for Fact {
    fn from(f: Flag) -> Fact {
        Fact(Some(f.0))
    }
}

impl<'de> Deserialize<'de> for Fact {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Fact;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("true, false or \"unknown\"")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> std::result::Result<Fact, E> {
                Ok(Fact(Some(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Fact, E> {
                if v.eq_ignore_ascii_case("unknown") {
                    return Ok(Fact(None));
                }
                Flag::deserialize(de::value::StrDeserializer::<E>::new(v)).map(Fact::from)
            }
        }
        d.deserialize_any(V)
    }
}

/// For optional money fields: keeps an explicit `null` (what `JSON.stringify` prints for `NaN`)
/// as a value, so it is reported instead of silently taking the default.
pub(crate) fn present<'de, D: Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<Raw<'de>>, D::Error> {
    Raw::deserialize(d).map(Some)
}

/// An order id written out as a string of digits, without allocating one per order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct IdStr(pub u64);

/// (Serialize: tests only, for the plan oracle.)
#[cfg(test)]
impl serde::Serialize for IdStr {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(crate::text::digits(self.0.into(), &mut [0; 40]))
    }
}

/// One level of an item category: a name (`"种子"`, `"Plant seeds"`) or a 1688 category id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Leaf<'a> {
    Name(Cow<'a, str>),
    Id(u64),
}

/// An item's category: one name or id, or a category path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Category<'a> {
    One(Leaf<'a>),
    Path(Vec<Leaf<'a>>),
}

impl<'a> Category<'a> {
    pub(crate) fn leaves(&self) -> &[Leaf<'a>] {
        match self {
            Category::One(l) => std::slice::from_ref(l),
            Category::Path(v) => v,
        }
    }
}

struct LeafVisitor<'a>(PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for LeafVisitor<'a> {
    type Value = Leaf<'a>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a category name or a whole-number category id")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> std::result::Result<Leaf<'a>, E> {
        Ok(Leaf::Name(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Leaf<'a>, E> {
        Ok(Leaf::Name(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> std::result::Result<Leaf<'a>, E> {
        Ok(Leaf::Name(Cow::Owned(v)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Leaf<'a>, E> {
        Ok(Leaf::Id(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Leaf<'a>, E> {
        u64::try_from(v)
            .map(Leaf::Id)
            .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Leaf<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(LeafVisitor(PhantomData))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Category<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Category<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a category name, a whole-number category id, or an array of them")
            }
            fn visit_borrowed_str<E: de::Error>(
                self,
                v: &'de str,
            ) -> std::result::Result<Category<'a>, E> {
                LeafVisitor(PhantomData).visit_borrowed_str(v).map(Category::One)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Category<'a>, E> {
                LeafVisitor(PhantomData).visit_str(v).map(Category::One)
            }
            fn visit_string<E: de::Error>(self, v: String) -> std::result::Result<Category<'a>, E> {
                LeafVisitor(PhantomData).visit_string(v).map(Category::One)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Category<'a>, E> {
                Ok(Category::One(Leaf::Id(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Category<'a>, E> {
                LeafVisitor(PhantomData).visit_i64(v).map(Category::One)
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Category<'a>, A::Error> {
                let mut v = Vec::new();
                while let Some(leaf) = seq.next_element::<Leaf<'a>>()? {
                    v.push(leaf);
                }
                Ok(Category::Path(v))
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

// ---- the buyer -----------------------------------------------------------------------------

/// `buyer` as it arrives.
#[derive(Deserialize, Debug)]
#[serde(rename = "buyer", rename_all = "camelCase")]
pub(crate) struct BuyerWire {
    pub verified: Flag,
    pub alipay_personal_linked: Flag,
    pub alipay_business_linked: Flag,
    #[serde(default)]
    pub kjb_activated: Option<Flag>,
    /// 1688's name for the same fact (`alibaba.account.basic` → `kuaJingBao`).
    #[serde(default)]
    pub kua_jing_bao: Option<Flag>,
}

/// The buyer's account facts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Buyer {
    pub verified: bool,
    pub alipay_personal_linked: bool,
    pub alipay_business_linked: bool,
    pub kjb_activated: bool,
    /// Which field said it (`buyer.kjbActivated` or `buyer.kuaJingBao`), for the reason's path.
    pub kjb_field: &'static str,
}

impl Buyer {
    pub(crate) fn from_wire(w: &BuyerWire) -> Result<Buyer> {
        let (kjb_activated, kjb_field) = either(
            w.kjb_activated,
            w.kua_jing_bao,
            "buyer.kjbActivated",
            "buyer.kuaJingBao",
            "whether KJB is activated for the buyer",
        )?;
        Ok(Buyer {
            verified: w.verified.0,
            alipay_personal_linked: w.alipay_personal_linked.0,
            alipay_business_linked: w.alipay_business_linked.0,
            kjb_activated,
            kjb_field,
        })
    }
}

/// A fact given under the contract's name or 1688's: one of them is needed, and both must agree.
fn either(
    ours: Option<Flag>,
    theirs: Option<Flag>,
    our_path: &'static str,
    their_path: &'static str,
    what: &str,
) -> Result<(bool, &'static str)> {
    match (ours, theirs) {
        (Some(a), Some(b)) if a != b => Err(KjbError::at(
            ErrorCode::InvalidInput,
            their_path,
            format!(
                "{our_path} ({}) and {their_path} ({}) disagree about {what}: pass one of them",
                a.0, b.0
            ),
        )),
        (Some(a), _) => Ok((a.0, our_path)),
        (None, Some(b)) => Ok((b.0, their_path)),
        (None, None) => Err(KjbError::at(
            ErrorCode::InvalidInput,
            our_path,
            format!("{our_path} is missing: pass true or false ({what})"),
        )),
    }
}

// ---- orders --------------------------------------------------------------------------------

/// One order as it arrives.
#[derive(Deserialize, Debug, PartialEq)]
#[serde(rename = "order", rename_all = "camelCase")]
pub(crate) struct OrderWire<'a> {
    #[serde(borrow)]
    pub order_id: Raw<'a>,
    #[serde(borrow)]
    pub amount: Raw<'a>,
    #[serde(default, borrow)]
    pub currency: Option<Str<'a>>,
    #[serde(borrow)]
    pub status: Str<'a>,
    #[serde(default, borrow)]
    pub trade_type: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub trade_type_code: Option<Str<'a>>,
    pub supplier: SupplierWire,
    #[serde(borrow)]
    pub items: Vec<ItemWire<'a>>,
    #[serde(default)]
    pub seller_order: Option<Flag>,
    #[serde(default)]
    pub red_envelope: Option<Flag>,
    /// ISO-8601: when 1688 closes the order unpaid (`createTime` + `payTimeout`).
    #[serde(default, borrow)]
    pub pay_by: Option<Str<'a>>,
}

/// The supplier of an order. `loginId` is part of the contract so callers can keep it with the
/// order, but no rule reads it, so it is not checked.
#[derive(Deserialize, Debug, PartialEq)]
#[serde(rename = "supplier", rename_all = "camelCase")]
pub(crate) struct SupplierWire {
    #[serde(default)]
    pub kjb: Option<Fact>,
    #[serde(default)]
    pub kua_jing_bao: Option<Fact>,
    pub chengxintong: Fact,
}

/// One item of an order.
#[derive(Deserialize, Debug, Clone, PartialEq)]
#[serde(rename = "item", rename_all = "camelCase")]
pub(crate) struct ItemWire<'a> {
    /// Checked by [`Order::from_wire`]: a non-empty string or a whole number.
    #[serde(borrow)]
    pub offer_id: Raw<'a>,
    #[serde(default, borrow)]
    pub title: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub category: Option<Category<'a>>,
    /// `false` = 1688 lists the offer in `unsupportedCrossBorderPayOfferList`; absent or `null`
    /// = not known to be refused.
    #[serde(default)]
    pub kjb: Option<Flag>,
}

/// A checked order: what the rules read, nothing else.
#[derive(Clone, Debug)]
pub(crate) struct Order<'a> {
    pub id: u64,
    /// CNY, exact.
    pub amount: Decimal,
    pub currency_cny: bool,
    pub guaranteed: bool,
    /// `tradeType` or `tradeTypeCode`: the field that decided `guaranteed`.
    pub trade_field: &'static str,
    pub awaiting_payment: bool,
    pub supplier_kjb: bool,
    /// `supplier.kjb` or `supplier.kuaJingBao`.
    pub supplier_kjb_field: &'static str,
    pub supplier_chengxintong: bool,
    /// The first supplier field given as `"unknown"`: the rules it feeds were not checked.
    pub supplier_unknown: Option<&'static str>,
    /// The trade type was given as `"unknown"`.
    pub trade_unknown: bool,
    /// `payBy`: when 1688 closes the order unpaid, in seconds since the epoch (UTC).
    pub pay_by: Option<i64>,
    pub seller_order: bool,
    pub red_envelope: bool,
    /// Kept as they arrived: every field of an item is already its checked form.
    pub items: Vec<ItemWire<'a>>,
}

/// Runs a check with an empty path first and, only when it fails, again with the full path:
/// the error then reads `orders[3].amount must be …`, while the 100,000 good orders never
/// format a path.
fn at<T>(f: impl Fn(&str) -> Result<T>, path: impl FnOnce() -> String) -> Result<T> {
    f("").or_else(|_| f(&path()))
}

/// Compares a 1688 code ignoring ASCII case and underscores; `want` is lower case without `_`.
#[inline]
pub(crate) fn code_is(value: &str, want: &str) -> bool {
    value == want
        || value.bytes().filter(|&b| b != b'_').map(|b| b.to_ascii_lowercase()).eq(want.bytes())
}

impl<'a> Order<'a> {
    pub(crate) fn from_wire(w: OrderWire<'a>, i: usize, origin: Origin) -> Result<Order<'a>> {
        let p = |field: &str| format!("orders[{i}].{field}");
        let id = match plain_id(w.order_id.0, origin) {
            Some(id) => id,
            None => at(|path| money::order_id_text(w.order_id.0, path, origin), || p("orderId"))?,
        };
        let amount = match money::plain_cny(w.amount.0) {
            Some(amount) => amount,
            None => at(|path| money::cny_text(w.amount.0, path), || p("amount"))?,
        };
        let currency_cny = match &w.currency {
            None => true,
            Some(c) => {
                c.as_str().eq_ignore_ascii_case("CNY") || c.as_str().eq_ignore_ascii_case("RMB")
            }
        };
        let (trade, trade_field) = match (&w.trade_type_code, &w.trade_type) {
            (Some(code), _) => (code, "tradeTypeCode"),
            (None, Some(t)) => (t, "tradeType"),
            (None, None) => {
                return Err(KjbError::at(
                    ErrorCode::InvalidInput,
                    p("tradeType"),
                    format!("{} is missing: pass the order's transaction method (1688's tradeTypeCode, \"assureTrade\" for a Guaranteed transaction)", p("tradeType")),
                ))
            }
        };
        let known = |f: Option<Fact>| f.and_then(|f| f.0.map(Flag));
        let supplier_unknown = if w.supplier.kjb.is_some_and(|f| f.0.is_none()) {
            Some("supplier.kjb")
        } else if w.supplier.kua_jing_bao.is_some_and(|f| f.0.is_none()) {
            Some("supplier.kuaJingBao")
        } else if w.supplier.chengxintong.0.is_none() {
            Some("supplier.chengxintong")
        } else {
            None
        };
        let kjb_unknown = w.supplier.kjb.is_some_and(|f| f.0.is_none())
            || w.supplier.kua_jing_bao.is_some_and(|f| f.0.is_none());
        let (supplier_kjb, supplier_kjb_field) = if kjb_unknown {
            (true, "supplier.kjb")
        } else {
            either(
                known(w.supplier.kjb),
                known(w.supplier.kua_jing_bao),
                "supplier.kjb",
                "supplier.kuaJingBao",
                "whether the supplier accepts KJB",
            )
            .map_err(|e| e.under(&format!("orders[{i}]")))?
        };
        let pay_by = match &w.pay_by {
            None => None,
            Some(t) => Some(crate::time::parse_iso(t.as_str()).ok_or_else(|| {
                let path = p("payBy");
                KjbError::at(ErrorCode::InvalidInput, &path, format!("{path} must be an ISO-8601 time with a zone, e.g. \"2026-11-27T12:00:00Z\"; got \"{}\"", money::clip(t.as_str())))
            })?),
        };
        for (j, item) in w.items.iter().enumerate() {
            check_offer_id(item.offer_id).map_err(|why| {
                let path = format!("orders[{i}].items[{j}].offerId");
                KjbError::at(
                    ErrorCode::InvalidInput,
                    &path,
                    format!("{path} must be the 1688 offer id, a string or a whole number; {why}"),
                )
            })?;
        }
        Ok(Order {
            id,
            amount,
            currency_cny,
            guaranteed: code_is(trade.as_str(), "assuretrade")
                || code_is(trade.as_str(), "unknown"),
            trade_unknown: code_is(trade.as_str(), "unknown"),
            supplier_unknown,
            pay_by,
            trade_field,
            awaiting_payment: code_is(w.status.as_str(), "waitbuyerpay"),
            supplier_kjb,
            supplier_kjb_field,
            supplier_chengxintong: w.supplier.chengxintong.0.unwrap_or(true),
            seller_order: w.seller_order.is_some_and(|f| f.0),
            red_envelope: w.red_envelope.is_some_and(|f| f.0),
            items: w.items,
        })
    }
}

/// The digits of the usual order id: 1–19 ASCII digits, as a number.
fn plain_digits(digits: &str) -> Option<u64> {
    if digits.is_empty() || digits.len() > 19 {
        return None;
    }
    // 19 digits are below u64::MAX, so nothing overflows: wasm32 has no cheap overflow check
    // for a u64 product (`checked_mul` is a 128-bit multiplication call).
    digits.bytes().try_fold(0u64, |n, b| {
        b.is_ascii_digit().then(|| n.wrapping_mul(10).wrapping_add(u64::from(b & 0x0f)))
    })
}

/// The usual order id: a string of 1–19 digits not starting with 0, or such a number (within
/// JS's safe integers when it came through JS). `None` for anything else, which
/// [`money::order_id_text`] reads or refuses with its message; for what this takes, it gives
/// the same id.
fn plain_id(raw: &str, origin: Origin) -> Option<u64> {
    let (digits, quoted) = match raw.strip_prefix('"') {
        Some(rest) => (rest.strip_suffix('"')?, true),
        None => (raw, false),
    };
    if digits.starts_with('0') {
        return None;
    }
    let id = plain_digits(digits)?;
    (quoted || origin == Origin::Text || id <= money::MAX_SAFE_INTEGER).then_some(id)
}

fn check_offer_id(raw: Raw<'_>) -> std::result::Result<(), String> {
    // The usual form, a quoted non-empty string, without trimming first.
    let b = raw.0.as_bytes();
    if b.len() > 2 && b.first() == Some(&b'"') && b.last() == Some(&b'"') {
        return Ok(());
    }
    let t = raw.0.trim();
    match t.as_bytes().first() {
        Some(b'"') if t.len() > 2 => Ok(()),
        Some(b'"') => Err("got an empty string".into()),
        Some(b'0'..=b'9') if t.bytes().all(|b| b.is_ascii_digit()) => Ok(()),
        _ => Err(format!("got {}", money::clip(t))),
    }
}

/// Where the order list came from, decided once per call.
pub(crate) struct Source<'s> {
    pub text: &'s str,
    pub origin: Origin,
    /// The text is not the caller's (the list sits inside the input object, or the JS layer
    /// printed it): positions in it would mean nothing to the caller, so only paths are reported.
    embedded: bool,
}

/// Picks the order list: the `orders` field of the input (an array, or a JSON text in a string,
/// as CLI users write it) or the separate text the JS layer passes: the caller's text, which
/// keeps every digit of a 19-digit number id ([`Origin::Text`]), or its printout of the caller's
/// array ([`Origin::Js`]).
pub(crate) fn source<'s>(
    field: Option<Raw<'s>>,
    text: Option<OrdersText<'s>>,
    origin: Origin,
    holder: &'s mut Option<String>,
) -> Result<Source<'s>> {
    match (field, text) {
        (Some(_), Some(_)) => Err(KjbError::at(
            ErrorCode::InvalidInput,
            "orders",
            "orders was given twice, in the input and as a JSON text: pass it once",
        )),
        (None, None) => Err(KjbError::at(
            ErrorCode::InvalidInput,
            "orders",
            "orders is missing: pass an array of orders or their JSON text ([] for none)",
        )),
        (None, Some(t)) => {
            Ok(Source { text: t.text, origin: t.origin, embedded: t.origin == Origin::Js })
        }
        (Some(raw), None) if raw.get().trim_start().starts_with('"') => {
            let decoded: String =
                json::parse(raw.get()).map_err(|e: KjbError| e.under("orders"))?;
            Ok(Source {
                text: holder.insert(decoded).as_str(),
                origin: Origin::Text,
                embedded: false,
            })
        }
        (Some(raw), None) => Ok(Source { text: raw.get(), origin, embedded: true }),
    }
}

/// What [`each`] hands the orders to.
pub(crate) trait Sink<'s> {
    /// Takes the next order, in input order; an error stops the reading.
    fn order(&mut self, order: &Order<'s>) -> Result<()>;
    /// Forgets every order taken so far: the list is read again from the start.
    fn restart(&mut self);
}

/// Parses and checks the order list and hands each order to `sink` as it is read; every error
/// carries its `orders[…]` path.
///
/// The fast reader ([`fast`]) takes the usual lists in one pass, and nothing per order
/// outlives the order: an order is read, checked and handed over before the next is read.
/// Whatever it does not take — including every list with an error in it, and an order `sink`
/// refuses — goes through `json::parse` from the start (after [`Sink::restart`]), which reads
/// the whole list, then checks every order, then hands them over: the first error reported is
/// the one a reader of the whole list finds first.
pub(crate) fn each<'s>(src: &Source<'s>, sink: &mut impl Sink<'s>) -> Result<()> {
    let origin = src.origin;
    let fast = fast::each(json::strip_bom(src.text), |i, w| {
        let order = Order::from_wire(w, i, origin).ok()?;
        sink.order(&order).ok()?;
        let mut items = order.items;
        items.clear();
        Some(items)
    });
    if fast.is_some() {
        return Ok(());
    }
    sink.restart();
    let wires = read_general(src)?;
    let mut orders = Vec::with_capacity(wires.len());
    for (i, w) in wires.into_iter().enumerate() {
        orders.push(Order::from_wire(w, i, src.origin)?);
    }
    orders.iter().try_for_each(|o| sink.order(o))
}

/// Parses and checks the order list into a vector (see [`each`]).
#[cfg(test)]
fn read<'s>(src: &Source<'s>) -> Result<Vec<Order<'s>>> {
    struct Collect<'s>(Vec<Order<'s>>);
    impl<'s> Sink<'s> for Collect<'s> {
        fn order(&mut self, order: &Order<'s>) -> Result<()> {
            self.0.push(order.clone());
            Ok(())
        }
        fn restart(&mut self) {
            self.0.clear();
        }
    }
    let mut c = Collect(Vec::new());
    each(src, &mut c)?;
    Ok(c.0)
}

/// The general reader of an order list: `json::parse`.
fn read_general<'s>(src: &Source<'s>) -> Result<Vec<OrderWire<'s>>> {
    json::parse(src.text).map_err(|e| {
        let inner = e.path.clone();
        let mut e = e.under("orders");
        // Messages that start with the path inside the list get the full path too.
        if let (Some(inner), Some(full)) = (inner, e.path.as_deref()) {
            if let Some(rest) = e.message.strip_prefix(inner.as_str()) {
                e.message = format!("{full}{rest}");
            }
        }
        if src.embedded {
            e.line = None;
            e.column = None;
        }
        e
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(order: &str) -> Result<Order<'_>> {
        let src = Source { text: order, origin: Origin::Text, embedded: false };
        read(&src).map(|mut v| v.remove(0))
    }

    const BASE: &str = r#"[{"orderId":"1","amount":"1.00","status":"waitbuyerpay","tradeType":"assureTrade","supplier":{"loginId":"s","kjb":true,"chengxintong":true},"items":[{"offerId":"1"}]}]"#;

    #[test]
    fn tolerant_forms() {
        let o = one(BASE).unwrap();
        assert!(o.guaranteed && o.awaiting_payment && o.supplier_kjb && o.currency_cny);
        let t = BASE
            .replace("waitbuyerpay", "WAIT_BUYER_PAY")
            .replace("assureTrade", "ASSURE_TRADE")
            .replace("\"kjb\":true", "\"kuaJingBao\":\"true\"");
        let o = one(&t).unwrap();
        assert!(o.guaranteed && o.awaiting_payment && o.supplier_kjb);
        assert_eq!(o.supplier_kjb_field, "supplier.kuaJingBao");
        // tradeTypeCode decides over a numeric-looking tradeType.
        let t = BASE.replace(
            "\"tradeType\":\"assureTrade\"",
            "\"tradeType\":\"50060\",\"tradeTypeCode\":\"assureTrade\"",
        );
        let o = one(&t).unwrap();
        assert!(o.guaranteed);
        assert_eq!(o.trade_field, "tradeTypeCode");
        let t = BASE.replace("\"items\":[{\"offerId\":\"1\"}]", "\"items\":[{\"offerId\":623456789012,\"category\":[\"农业\",1031910],\"title\":null,\"kjb\":null,\"extra\":{\"x\":[1]}}],\"currency\":\"rmb\",\"sellerOrder\":null");
        let o = one(&t).unwrap();
        assert!(o.currency_cny && !o.seller_order);
        assert_eq!(
            o.items[0].category.as_ref().unwrap().leaves(),
            &[Leaf::Name("农业".into()), Leaf::Id(1031910)]
        );
    }

    #[test]
    fn missing_and_conflicting_facts_are_input_errors() {
        for (from, to, path) in [
            ("\"tradeType\":\"assureTrade\",", "", "orders[0].tradeType"),
            ("\"kjb\":true,", "", "orders[0].supplier.kjb"),
            (
                "\"kjb\":true,",
                "\"kjb\":true,\"kuaJingBao\":false,",
                "orders[0].supplier.kuaJingBao",
            ),
            ("\"offerId\":\"1\"", "\"offerId\":\"\"", "orders[0].items[0].offerId"),
            ("\"offerId\":\"1\"", "\"offerId\":-1", "orders[0].items[0].offerId"),
            ("\"offerId\":\"1\"", "\"offerId\":\"1\",\"kjb\":\"no\"", "orders[0].items[0].kjb"),
            (
                "\"offerId\":\"1\"",
                "\"offerId\":\"1\",\"category\":1.5",
                "orders[0].items[0].category",
            ),
            (
                "\"offerId\":\"1\"",
                "\"offerId\":\"1\",\"category\":[[\"a\"]]",
                "orders[0].items[0].category[0]",
            ),
            ("\"status\":\"waitbuyerpay\"", "\"status\":null", "orders[0].status"),
            ("\"chengxintong\":true", "\"chengxintong\":1", "orders[0].supplier.chengxintong"),
        ] {
            let text = BASE.replace(from, to);
            let e = one(&text).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidInput, "{to}: {e}");
            assert_eq!(e.path.as_deref(), Some(path), "{to}: {e}");
        }
    }

    /// The shortcuts for the usual ids and amounts give what the general readers give, to the
    /// bit (a `Decimal`'s scale shows in the answers), and leave everything else to them.
    #[test]
    fn plain_ids_and_amounts_read_as_money_reads_them() {
        let mut texts: Vec<String> = [
            "0",
            "00",
            "1",
            "01",
            "1.",
            ".5",
            "1.5",
            "1.50",
            "1.05",
            "1.005",
            "12.345",
            "-0",
            "-1",
            "-0.00",
            "1e5",
            "1E5",
            "+1",
            " 1",
            "1 ",
            "",
            "0.0",
            "0.00",
            "999999999999999.99",
            "9999999999999999",
            "000000000000000001.5",
            "9007199254740991",
            "9007199254740992",
            "18446744073709551615",
            "9999999999999999999",
            "10000000000000000000",
            "3535260697417660107",
            "١٢",
            "1.5.5",
            "1..5",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for n in [0u64, 7, 10, 99, 100, 1234, 25762, 100_000_000, u64::MAX / 3] {
            texts.push(n.to_string());
            texts.push(format!("{}.{:02}", n / 100, n % 100));
            texts.push(format!("{}.{}", n / 10, n % 10));
        }
        for t in &texts {
            for raw in [t.clone(), format!("\"{t}\"")] {
                if let Some(d) = money::plain_cny(&raw) {
                    assert_eq!(
                        Some((d.mantissa(), d.scale())),
                        money::cny_text(&raw, "a").ok().map(|x| (x.mantissa(), x.scale())),
                        "{raw}"
                    );
                }
                for origin in [Origin::Js, Origin::Text] {
                    if let Some(id) = plain_id(&raw, origin) {
                        assert_eq!(Some(id), money::order_id_text(&raw, "a", origin).ok(), "{raw}");
                    }
                }
            }
        }
        assert!(
            money::plain_cny("\"257.62\"").is_some()
                && money::plain_cny("12").is_some()
                && plain_id("\"3535260697417660107\"", Origin::Js).is_some()
        );
    }

    #[test]
    fn titles_borrow_from_the_input() {
        let t = BASE.replace("\"offerId\":\"1\"", "\"offerId\":\"1\",\"title\":\"plain\"");
        let o = one(&t).unwrap();
        assert!(matches!(o.items[0].title.as_ref().unwrap().0, Cow::Borrowed("plain")));
        let t = BASE.replace("\"offerId\":\"1\"", "\"offerId\":\"1\",\"title\":\"esc\\u0061ped\"");
        assert_eq!(one(&t).unwrap().items[0].title.as_ref().unwrap().as_str(), "escaped");
    }
}
