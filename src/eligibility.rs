//! Which orders KJB can pay, and why not (kjb-rules.md §1–2).
//!
//! Every rule is checked for every order and every failure is reported, so a buyer fixes all
//! of an order's problems in one round instead of discovering them one by one. Two rules depend
//! on the orders around one:
//! - `DUPLICATE_ORDER`: the first occurrence of an id is checked like any order; each repeat is
//!   blocked (and still checked for everything else).
//! - `OVER_DAILY_LIMIT`: orders are taken in input order; an order counts towards the day only
//!   if it is eligible, so the day's total is `paidTodayUsd` plus the eligible orders before
//!   it. The daily rule is only asked of orders that pass every other rule: "over the daily
//!   limit" means "payable, but not today", which is what `planPayment` defers. A smaller
//!   order after a deferred one may still fit and stays eligible.
//!
//! Limits are in USD, amounts in CNY. `amount_usd <= limit` with `amount_usd = amount_cny / rate`
//! is evaluated as `amount_cny <= limit × rate`: the same inequality for a positive rate, but
//! multiplication of decimals is exact where a division would have to round. The limit on an
//! order that is not priced in CNY is not checked (its amount is not CNY); it is blocked by
//! `CURRENCY_UNSUPPORTED` anyway.

use crate::api::OrdersText;
use crate::error::{ErrorCode, KjbError, Result};
use crate::fee::ScheduleWire;
use crate::json::Raw;
use crate::json::{self, Origin};
use crate::money;
use crate::money::{Decimal, Round};
use crate::order::{self, present, Buyer, BuyerWire, Flag, Order};
use crate::out::{Form, Out};
use crate::prohibited::{self, Hit, Prohibited};
use crate::reason::{Code, Path, Reason, Var};
use serde::Deserialize;

/// KJB's single-transaction limit (kjb-rules.md §2), the default of `limits.perTransactionUsd`.
pub(crate) const DEFAULT_PER_TRANSACTION_USD: i64 = 10_000_000;
/// KJB's daily limit, the default of `limits.perDayUsd`.
pub(crate) const DEFAULT_PER_DAY_USD: i64 = 100_000_000;

/// The input of `checkOrders`, and of `planPayment`, which adds `history`, `maxPerCall` and
/// `schedule`. `checkOrders` accepts (and ignores) those three so one object can feed both
/// calls; any other unknown field is refused, because a misspelt `limits` or `paidTodayUsd`
/// would otherwise silently fall back to a default.
#[derive(Deserialize)]
#[serde(rename = "input", rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct Input<'a> {
    /// An array, or a JSON text of one; absent when the JS layer passes the text separately.
    #[serde(default, borrow)]
    pub orders: Option<Raw<'a>>,
    pub buyer: BuyerWire,
    #[serde(default, borrow)]
    pub fx: Option<Raw<'a>>,
    #[serde(default, borrow, deserialize_with = "present")]
    pub paid_today_usd: Option<Raw<'a>>,
    #[serde(default, borrow)]
    pub limits: Option<LimitsWire<'a>>,
    #[serde(default, borrow)]
    pub prohibited: Option<Vec<Raw<'a>>>,
    /// Added to the built-in list (or to `prohibited` when given) instead of replacing it.
    #[serde(default, borrow)]
    pub prohibited_extra: Option<Vec<Raw<'a>>>,
    /// ISO-8601: the time the plan is made, for `payBy` deadlines (the JS layer passes the
    /// current time; the core has no clock).
    #[serde(default, borrow)]
    pub now: Option<order::Str<'a>>,
    #[serde(default, borrow)]
    pub history: Vec<Raw<'a>>,
    #[serde(default, borrow, deserialize_with = "present")]
    pub max_per_call: Option<Raw<'a>>,
    #[serde(default, borrow)]
    pub schedule: Option<ScheduleWire<'a>>,
}

/// `limits`: `{perTransactionUsd?, perDayUsd?}`, USD decimal strings; each defaults to KJB's
/// published limit. The rule book makes them configurable because 1688 can change them by
/// contract.
#[derive(Deserialize)]
#[serde(rename = "limits", rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct LimitsWire<'a> {
    #[serde(default, borrow, deserialize_with = "present")]
    pub per_transaction_usd: Option<Raw<'a>>,
    #[serde(default, borrow, deserialize_with = "present")]
    pub per_day_usd: Option<Raw<'a>>,
}

/// `fx`: other currencies an ERP keeps in the same object are ignored; only `usd` is read.
#[derive(Deserialize)]
#[serde(rename = "fx")]
struct FxWire<'a> {
    #[serde(default, borrow, deserialize_with = "present")]
    usd: Option<Raw<'a>>,
}

/// The limits in force, USD.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Limits {
    pub per_transaction_usd: Decimal,
    pub per_day_usd: Decimal,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            per_transaction_usd: Decimal::from(DEFAULT_PER_TRANSACTION_USD),
            per_day_usd: Decimal::from(DEFAULT_PER_DAY_USD),
        }
    }
}

/// Everything the rules need besides the orders, read and checked once per call.
pub(crate) struct Context {
    pub buyer: Buyer,
    /// CNY per 1 USD.
    pub rate: Decimal,
    pub limits: Limits,
    pub prohibited: Prohibited,
    /// `now`, seconds since the epoch: deferred orders due before the next UTC day are flagged.
    pub now: Option<i64>,
    /// `paidTodayUsd × rate`.
    paid_today_cny: Decimal,
    /// `limits.perTransactionUsd × rate`.
    per_transaction_cny: Decimal,
    /// `(perDayUsd − paidTodayUsd) × rate`; negative when today is already over the limit.
    day_room_cny: Decimal,
}

/// `limit × rate`, which only overflows for a rate no currency has.
fn to_cny(usd: Decimal, rate: Decimal) -> Result<Decimal> {
    usd.checked_mul(rate).ok_or_else(|| {
        KjbError::at(
            ErrorCode::InvalidRate,
            "fx.usd",
            format!("fx.usd ({rate}) is far too large to be CNY per 1 USD; pass e.g. \"7.1234\""),
        )
    })
}

fn read_fx(raw: Option<Raw<'_>>) -> Result<Decimal> {
    let missing = |path: &str| {
        KjbError::at(
            ErrorCode::MissingFxRate,
            path,
            format!("{path} is missing: pass the FX rate as CNY per 1 USD, e.g. \"fx\": {{\"usd\": \"7.1234\"}}; KJB limits are in USD and kjb never guesses a rate"),
        )
    };
    let Some(raw) = raw else { return Err(missing("fx")) };
    if !raw.get().trim_start().starts_with('{') {
        return Err(KjbError::at(
            ErrorCode::InvalidInput,
            "fx",
            "fx must be an object like {\"usd\": \"7.1234\"} (CNY per 1 USD)",
        ));
    }
    let w: FxWire<'_> = json::parse(raw.get()).map_err(|e| e.under("fx"))?;
    match w.usd {
        Some(usd) => money::fx(usd, "fx.usd"),
        None => Err(missing("fx.usd")),
    }
}

impl Context {
    pub(crate) fn from_input(input: &Input<'_>) -> Result<Context> {
        let buyer = Buyer::from_wire(&input.buyer)?;
        let rate = read_fx(input.fx)?;
        let paid_today_usd = match input.paid_today_usd {
            Some(raw) => money::usd(raw, "paidTodayUsd")?,
            None => Decimal::ZERO,
        };
        let mut limits = Limits::default();
        if let Some(w) = &input.limits {
            if let Some(raw) = w.per_transaction_usd {
                limits.per_transaction_usd = money::usd(raw, "limits.perTransactionUsd")?;
            }
            if let Some(raw) = w.per_day_usd {
                limits.per_day_usd = money::usd(raw, "limits.perDayUsd")?;
            }
        }
        let prohibited = match (&input.prohibited, &input.prohibited_extra) {
            (Some(list), None) => Prohibited::from_raw(list, "prohibited")?,
            (None, None) => Prohibited::builtin(),
            (base, Some(extra)) => Prohibited::extended(base.as_deref(), extra)?,
        };
        let now = match &input.now {
            None => None,
            Some(t) => Some(crate::time::parse_iso(t.as_str()).ok_or_else(|| {
                KjbError::at(ErrorCode::InvalidInput, "now", format!("now must be an ISO-8601 time with a zone, e.g. \"2026-11-27T12:00:00Z\"; got \"{}\"", money::clip(t.as_str())))
            })?),
        };
        let per_transaction_cny = to_cny(limits.per_transaction_usd, rate)?;
        let paid_today_cny = to_cny(paid_today_usd, rate)?;
        let day_room_cny = money::sub(to_cny(limits.per_day_usd, rate)?, paid_today_cny)?;
        Ok(Context {
            buyer,
            rate,
            limits,
            prohibited,
            now,
            paid_today_cny,
            per_transaction_cny,
            day_room_cny,
        })
    }

    /// The buyer's failures, which every order shares.
    fn buyer_reasons(&self) -> Vec<Reason> {
        let b = &self.buyer;
        [
            (b.verified, Code::BuyerNotVerified, "buyer.verified"),
            (b.alipay_personal_linked, Code::AlipayPersonalNotLinked, "buyer.alipayPersonalLinked"),
            (b.alipay_business_linked, Code::AlipayBusinessNotLinked, "buyer.alipayBusinessLinked"),
            (b.kjb_activated, Code::KjbNotActivated, b.kjb_field),
        ]
        .into_iter()
        .filter(|(ok, _, _)| !ok)
        .map(|(_, code, field)| Reason::new(code, Path::Input(field)))
        .collect()
    }

    /// USD for a message about exceeding a limit: rounded up to the cent, so a figure shown as
    /// over the limit never prints equal to it.
    fn usd_up(&self, cny: Decimal) -> Result<String> {
        Ok(grouped(&money::fmt_cny(money::div_fen(cny, self.rate, Round::Up)?)))
    }
}

/// A printed amount with its integer digits in groups of three ("10,000,000.00"): limit messages
/// are read by people, in English and Chinese alike; JSON amounts stay plain.
fn grouped(plain: &str) -> String {
    let (sign, rest) = plain.strip_prefix('-').map_or(("", plain), |r| ("-", r));
    let int_len = rest.bytes().position(|b| b == b'.').unwrap_or(rest.len());
    let mut out = String::with_capacity(plain.len().saturating_add(int_len / 3));
    out.push_str(sign);
    for (i, c) in rest.char_indices() {
        if i > 0 && int_len.checked_sub(i).is_some_and(|left| left > 0 && left % 3 == 0) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// What the rules decided about one order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// No block reason: payable now.
    Eligible,
    /// Blocked only by the daily limit: payable another day.
    Deferred,
    /// Blocked by anything else.
    Rejected,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Verdict {
    pub id: u64,
    /// CNY.
    pub amount: Decimal,
    pub outcome: Outcome,
    /// Block and warn reasons, in the order of the rule book's table.
    pub reasons: Vec<Reason>,
}

fn goods_reason(ctx: &Context, code: Code, path: Path, hit: Hit) -> Reason {
    let (id, name, name_zh) = ctx
        .prohibited
        .entry(hit.entry)
        .map_or(("", "", ""), |e| (e.id.as_str(), e.name.as_str(), e.name_zh.as_str()));
    let keyword = hit.pattern.map(|p| ctx.prohibited.keyword(p));
    let kw = keyword.unwrap_or("");
    let mut r = Reason::with(code, path, &[("goods", name, name_zh), ("matched", kw, kw)]);
    r.goods = Some(id.to_string());
    r.matched = keyword.map(str::to_string);
    r
}

/// The rules applied order by order, with what they keep from one order to the next (the ids
/// seen, the day's running total, buffers).
struct Checker<'c> {
    ctx: &'c Context,
    /// The buyer's failures, which every order shares.
    buyer: Vec<Reason>,
    seen: crate::seen::Seen,
    day_cny: Decimal,
    goods: Goods,
    verdicts: Vec<Verdict>,
    /// `limits.perDayUsd` as messages print it.
    day_limit: String,
}

impl<'c> Checker<'c> {
    /// `expected`: about how many orders will come.
    fn new(ctx: &'c Context, expected: usize) -> Checker<'c> {
        Checker {
            ctx,
            buyer: ctx.buyer_reasons(),
            seen: crate::seen::Seen::with_capacity(expected),
            day_cny: Decimal::ZERO,
            goods: Goods::default(),
            verdicts: Vec::with_capacity(expected),
            day_limit: grouped(&money::fmt_cny(ctx.limits.per_day_usd)),
        }
    }

    /// Checks the next order.
    fn check(&mut self, o: &Order<'_>) -> Result<()> {
        let ctx = self.ctx;
        let i = self.verdicts.len();
        let at = |code: Code, field: &'static str| Reason::new(code, Path::Order(i, field));
        let mut reasons = self.buyer.clone();
        if !o.supplier_kjb {
            reasons.push(at(Code::SupplierNotKjb, o.supplier_kjb_field));
        }
        if !o.supplier_chengxintong {
            reasons.push(at(Code::SupplierNotChengxintong, "supplier.chengxintong"));
        }
        if let Some(field) = o.supplier_unknown {
            reasons.push(at(Code::SupplierUnknown, field));
        }
        if o.trade_unknown {
            reasons.push(at(Code::TradeTypeUnknown, o.trade_field));
        } else if !o.guaranteed {
            reasons.push(at(Code::TradeNotGuaranteed, o.trade_field));
        }
        if !o.awaiting_payment {
            reasons.push(at(Code::OrderNotAwaitingPayment, "status"));
        }
        for (j, item) in o.items.iter().enumerate() {
            if item.kjb == Some(Flag(false)) {
                reasons.push(Reason::new(Code::OfferNotKjb, Path::Item(i, j, "kjb")));
            }
        }
        self.goods.check(ctx, i, o, &mut reasons);
        if o.seller_order {
            reasons.push(at(Code::ManualOrder, "sellerOrder"));
        }
        if o.red_envelope {
            reasons.push(at(Code::RedEnvelopeUsed, "redEnvelope"));
        }
        if o.currency_cny && o.amount > ctx.per_transaction_cny {
            let vars = vec![
                Var::both("usd", ctx.usd_up(o.amount)?),
                Var::both("limit", grouped(&money::fmt_cny(ctx.limits.per_transaction_usd))),
                Var::both("fx", money::fmt_rate(ctx.rate)),
            ];
            reasons.push(Reason::filled(
                Code::OverTransactionLimit,
                Path::Order(i, "amount"),
                vars,
            ));
        }
        if !self.seen.insert(o.id) {
            reasons.push(at(Code::DuplicateOrder, "orderId"));
        }
        if !o.currency_cny {
            reasons.push(at(Code::CurrencyUnsupported, "currency"));
        }
        let outcome = if reasons.iter().any(Reason::is_block) {
            Outcome::Rejected
        } else {
            let next = money::add(self.day_cny, o.amount)?;
            if next <= ctx.day_room_cny {
                self.day_cny = next;
                Outcome::Eligible
            } else {
                let vars = vec![
                    Var::both("usd", ctx.usd_up(money::add(ctx.paid_today_cny, next)?)?),
                    Var::both("limit", self.day_limit.clone()),
                ];
                reasons.push(Reason::filled(Code::OverDailyLimit, Path::Order(i, "amount"), vars));
                if let (Some(now), Some(pay_by)) = (ctx.now, o.pay_by) {
                    if pay_by < crate::time::next_day(now) {
                        reasons.push(Reason::filled(
                            Code::PayDeadlineBeforeDeferral,
                            Path::Order(i, "payBy"),
                            vec![Var::both("payBy", crate::time::format_iso(pay_by))],
                        ));
                    }
                }
                Outcome::Deferred
            }
        };
        self.verdicts.push(Verdict { id: o.id, amount: o.amount, outcome, reasons });
        Ok(())
    }
}

impl<'s> order::Sink<'s> for Checker<'_> {
    fn order(&mut self, order: &Order<'s>) -> Result<()> {
        self.check(order)
    }

    fn restart(&mut self) {
        self.seen.clear();
        self.day_cny = Decimal::ZERO;
        self.verdicts.clear();
    }
}

/// The prohibited-goods rules, with buffers kept across orders.
#[derive(Default)]
struct Goods {
    scratch: prohibited::Scratch,
    hits: Vec<Hit>,
    warns: Vec<Reason>,
}

impl Goods {
    /// Category matches block; title matches warn and are reported after every category match
    /// of the order (the rule book's order). An item refused by its category is not also
    /// "suspected" of the same kind of goods.
    fn check(&mut self, ctx: &Context, i: usize, o: &Order<'_>, reasons: &mut Vec<Reason>) {
        if ctx.prohibited.is_empty() {
            return;
        }
        for (j, item) in o.items.iter().enumerate() {
            self.hits.clear();
            if let Some(cat) = &item.category {
                for leaf in cat.leaves() {
                    ctx.prohibited.category_hits(leaf, &mut self.scratch, &mut self.hits);
                }
            }
            let blocked = self.hits.len();
            for &h in &self.hits {
                reasons.push(goods_reason(
                    ctx,
                    Code::ProhibitedGoods,
                    Path::Item(i, j, "category"),
                    h,
                ));
            }
            if let Some(title) = &item.title {
                ctx.prohibited.title_hits(title.as_str(), &mut self.scratch, &mut self.hits);
            }
            for &h in self.hits.get(blocked..).unwrap_or(&[]) {
                self.warns.push(goods_reason(
                    ctx,
                    Code::ProhibitedGoodsSuspected,
                    Path::Item(i, j, "title"),
                    h,
                ));
            }
        }
        reasons.append(&mut self.warns);
    }
}

/// Reads the context and the orders of a call and checks them, each order as it is read: no
/// order outlives its check, verdicts keep only what the answers print.
pub(crate) fn run(
    input: &Input<'_>,
    orders: Option<OrdersText<'_>>,
    origin: Origin,
) -> Result<(Context, Vec<Verdict>)> {
    let ctx = Context::from_input(input)?;
    let mut holder = None;
    let src = order::source(input.orders, orders, origin, &mut holder)?;
    // Orders are a few hundred bytes each.
    let mut checker = Checker::new(&ctx, src.text.len() / 320);
    order::each(&src, &mut checker)?;
    let verdicts = checker.verdicts;
    Ok((ctx, verdicts))
}

/// `checkOrders`' answer: in [`Form::Full`], what `json::to_json` writes for `tests::CheckOut`
/// (a test compares), written by [`crate::out`].
pub(crate) fn check_out(verdicts: &[Verdict], form: Form) -> String {
    // The answer's size, nearly exactly (ids are at most 19 digits), so it is written into one
    // allocation that is not much bigger than the answer.
    let mut o = Out::new(form);
    let size = verdicts
        .iter()
        .flat_map(|v| &v.reasons)
        .map(|r| o.reason_len(r))
        .fold(verdicts.len().saturating_mul(64).saturating_add(16), usize::saturating_add);
    o.reserve(size);
    o.raw("{\"results\":[");
    for (i, v) in verdicts.iter().enumerate() {
        o.raw(if i == 0 { "{\"orderId\":" } else { ",{\"orderId\":" });
        o.id(v.id);
        o.raw(",\"eligible\":");
        o.bool(v.outcome == Outcome::Eligible);
        o.raw(",\"reasons\":");
        o.reasons(&v.reasons);
        o.raw("}");
    }
    o.raw("]}");
    o.finish()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::{json, Value};

    /// A change to a test input.
    type Edit = Box<dyn Fn(&mut Value)>;

    pub(crate) fn good_order(id: &str) -> Value {
        json!({
            "orderId": id, "amount": "100.00", "status": "waitbuyerpay", "tradeType": "assureTrade",
            "supplier": {"loginId": "s1", "kjb": true, "chengxintong": true},
            "items": [{"offerId": "623456789012", "title": "Cotton T-shirt", "category": "Apparel", "kjb": true}]
        })
    }

    pub(crate) fn input(orders: Value) -> Value {
        json!({
            "orders": orders,
            "buyer": {"verified": true, "alipayPersonalLinked": true, "alipayBusinessLinked": true, "kjbActivated": true},
            "fx": {"usd": "7.2"}
        })
    }

    fn check_value(v: &Value) -> Result<Value> {
        crate::api::check_orders(&v.to_string(), None, Origin::Js)
            .map(|s| serde_json::from_str(&s).unwrap())
    }

    /// Codes and paths of the one order in `v`.
    fn reasons(v: &Value) -> Vec<(String, String)> {
        let out = check_value(v).unwrap();
        out["results"][0]["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (r["code"].as_str().unwrap().to_string(), r["path"].as_str().unwrap().to_string())
            })
            .collect()
    }

    fn one(edit: impl FnOnce(&mut Value)) -> Vec<(String, String)> {
        let mut v = input(json!([good_order("1")]));
        edit(&mut v);
        reasons(&v)
    }

    fn pair(code: &str, path: &str) -> Vec<(String, String)> {
        vec![(code.to_string(), path.to_string())]
    }

    #[test]
    fn a_good_order_is_eligible_without_reasons() {
        let out = check_value(&input(json!([good_order("1")]))).unwrap();
        assert_eq!(out, json!({"results": [{"orderId": "1", "eligible": true, "reasons": []}]}));
    }

    #[test]
    fn each_rule_fires_alone() {
        let o = |f: &str| format!("/orders/0/{f}");
        let cases: Vec<(Edit, Vec<(String, String)>)> = vec![
            (
                Box::new(|v| v["buyer"]["verified"] = json!(false)),
                pair("BUYER_NOT_VERIFIED", "buyer.verified"),
            ),
            (
                Box::new(|v| v["buyer"]["alipayPersonalLinked"] = json!(false)),
                pair("ALIPAY_PERSONAL_NOT_LINKED", "buyer.alipayPersonalLinked"),
            ),
            (
                Box::new(|v| v["buyer"]["alipayBusinessLinked"] = json!(false)),
                pair("ALIPAY_BUSINESS_NOT_LINKED", "buyer.alipayBusinessLinked"),
            ),
            (
                Box::new(|v| v["buyer"]["kjbActivated"] = json!(false)),
                pair("KJB_NOT_ACTIVATED", "buyer.kjbActivated"),
            ),
            (
                Box::new(move |v| *v.pointer_mut(&o("supplier/kjb")).unwrap() = json!(false)),
                pair("SUPPLIER_NOT_KJB", "orders[0].supplier.kjb"),
            ),
            (
                Box::new(move |v| {
                    *v.pointer_mut(&o("supplier/chengxintong")).unwrap() = json!(false)
                }),
                pair("SUPPLIER_NOT_CHENGXINTONG", "orders[0].supplier.chengxintong"),
            ),
            (
                Box::new(move |v| *v.pointer_mut(&o("tradeType")).unwrap() = json!("fxassure")),
                pair("TRADE_NOT_GUARANTEED", "orders[0].tradeType"),
            ),
            (
                Box::new(move |v| *v.pointer_mut(&o("status")).unwrap() = json!("waitsellersend")),
                pair("ORDER_NOT_AWAITING_PAYMENT", "orders[0].status"),
            ),
            (
                Box::new(move |v| *v.pointer_mut(&o("items/0/kjb")).unwrap() = json!(false)),
                pair("OFFER_NOT_KJB", "orders[0].items[0].kjb"),
            ),
            (
                Box::new(move |v| {
                    *v.pointer_mut(&o("items/0/category")).unwrap() = json!("植物种子")
                }),
                pair("PROHIBITED_GOODS", "orders[0].items[0].category"),
            ),
            (
                Box::new(move |v| {
                    *v.pointer_mut(&o("items/0/title")).unwrap() = json!("Tomato seeds")
                }),
                pair("PROHIBITED_GOODS_SUSPECTED", "orders[0].items[0].title"),
            ),
            (
                Box::new(move |v| v["orders"][0]["sellerOrder"] = json!(true)),
                pair("MANUAL_ORDER", "orders[0].sellerOrder"),
            ),
            (
                Box::new(move |v| v["orders"][0]["redEnvelope"] = json!(true)),
                pair("RED_ENVELOPE_USED", "orders[0].redEnvelope"),
            ),
            // 72,000,000.01 CNY at 7.2 is 10,000,000.0014 USD: just over, and over the day too,
            // but the daily rule is only asked of otherwise eligible orders.
            (
                Box::new(move |v| *v.pointer_mut(&o("amount")).unwrap() = json!("72000000.01")),
                pair("OVER_TRANSACTION_LIMIT", "orders[0].amount"),
            ),
            (
                Box::new(move |v| v["paidTodayUsd"] = json!("99999990")),
                pair("OVER_DAILY_LIMIT", "orders[0].amount"),
            ),
            (
                Box::new(move |v| v["orders"][0]["currency"] = json!("USD")),
                pair("CURRENCY_UNSUPPORTED", "orders[0].currency"),
            ),
        ];
        for (edit, want) in cases {
            let got = one(edit);
            assert_eq!(got, want);
        }
        // DUPLICATE_ORDER needs two orders: the first is fine, the repeat is blocked.
        let out = check_value(&input(json!([good_order("7"), good_order("7")]))).unwrap();
        assert_eq!(out["results"][0]["eligible"], true);
        assert_eq!(out["results"][1]["eligible"], false);
        assert_eq!(out["results"][1]["reasons"][0]["code"], "DUPLICATE_ORDER");
        assert_eq!(out["results"][1]["reasons"][0]["path"], "orders[1].orderId");
        assert_eq!(out["results"][1]["reasons"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn one_order_failing_everything_reports_everything() {
        let mut v = input(json!([good_order("5"), {
            "orderId": "5", "amount": "99999999999.00", "currency": "EUR", "status": "success", "tradeTypeCode": "fxassure",
            "supplier": {"kuaJingBao": false, "chengxintong": "false"},
            "items": [{"offerId": 1, "kjb": false, "category": ["Weapons", "harpoons"], "title": "Harpoon 种子"}],
            "sellerOrder": true, "redEnvelope": "true"
        }]));
        v["buyer"] = json!({"verified": false, "alipayPersonalLinked": false, "alipayBusinessLinked": false, "kuaJingBao": false});
        let out = check_value(&v).unwrap();
        let r = &out["results"][1];
        assert_eq!(r["eligible"], false);
        let got: Vec<(&str, &str, &str)> = r["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                (
                    x["code"].as_str().unwrap(),
                    x["severity"].as_str().unwrap(),
                    x["path"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("BUYER_NOT_VERIFIED", "block", "buyer.verified"),
                ("ALIPAY_PERSONAL_NOT_LINKED", "block", "buyer.alipayPersonalLinked"),
                ("ALIPAY_BUSINESS_NOT_LINKED", "block", "buyer.alipayBusinessLinked"),
                ("KJB_NOT_ACTIVATED", "block", "buyer.kuaJingBao"),
                ("SUPPLIER_NOT_KJB", "block", "orders[1].supplier.kuaJingBao"),
                ("SUPPLIER_NOT_CHENGXINTONG", "block", "orders[1].supplier.chengxintong"),
                ("TRADE_NOT_GUARANTEED", "block", "orders[1].tradeTypeCode"),
                ("ORDER_NOT_AWAITING_PAYMENT", "block", "orders[1].status"),
                ("OFFER_NOT_KJB", "block", "orders[1].items[0].kjb"),
                ("PROHIBITED_GOODS", "block", "orders[1].items[0].category"),
                ("PROHIBITED_GOODS_SUSPECTED", "warn", "orders[1].items[0].title"),
                ("MANUAL_ORDER", "block", "orders[1].sellerOrder"),
                ("RED_ENVELOPE_USED", "block", "orders[1].redEnvelope"),
                ("DUPLICATE_ORDER", "block", "orders[1].orderId"),
                ("CURRENCY_UNSUPPORTED", "block", "orders[1].currency"),
            ]
        );
        // The category hit (harpoons) is not repeated as a suspicion; the title's seeds are.
        let reasons = r["reasons"].as_array().unwrap();
        assert_eq!(reasons[9]["goods"], "harpoons");
        assert_eq!(reasons[10]["goods"], "seeds");
        assert_eq!(reasons[10]["matched"], "种子");
        assert!(reasons[10]["message"].as_str().unwrap().contains("\"种子\""));
        assert!(reasons[10]["messageZh"].as_str().unwrap().contains("植物种子"));
        for r in reasons {
            assert!(
                !r["message"].as_str().unwrap().is_empty()
                    && !r["messageZh"].as_str().unwrap().is_empty()
            );
        }
    }

    #[test]
    fn limits_compare_inclusively_and_exactly() {
        // 72,000,000.00 CNY at 7.2 is exactly 10,000,000 USD: allowed.
        let mut v = input(json!([good_order("1")]));
        v["orders"][0]["amount"] = json!("72000000.00");
        assert_eq!(check_value(&v).unwrap()["results"][0]["eligible"], true);
        // A rate whose quotient never terminates: 1/3 USD per CNY.
        let mut v = input(json!([good_order("1"), good_order("2")]));
        v["fx"]["usd"] = json!("3");
        v["limits"] = json!({"perTransactionUsd": "1", "perDayUsd": "2"});
        v["orders"][0]["amount"] = json!("3.00");
        v["orders"][1]["amount"] = json!("3.01");
        let out = check_value(&v).unwrap();
        assert_eq!(out["results"][0]["eligible"], true);
        let r = &out["results"][1]["reasons"][0];
        assert_eq!(r["code"], "OVER_TRANSACTION_LIMIT");
        assert!(r["message"].as_str().unwrap().contains("(1.01 USD at 3 CNY per USD)"), "{r}");
        assert!(r["message"].as_str().unwrap().contains("limit of 1.00 USD"), "{r}");
    }

    #[test]
    fn limit_messages_group_thousands_in_both_languages() {
        for (plain, want) in [
            ("0.00", "0.00"),
            ("999.99", "999.99"),
            ("1000.00", "1,000.00"),
            ("123456.78", "123,456.78"),
            ("10000000.00", "10,000,000.00"),
            ("-1234.00", "-1,234.00"),
            ("1234567", "1,234,567"),
        ] {
            assert_eq!(grouped(plain), want);
        }
        let mut v = input(json!([good_order("1")]));
        v["fx"]["usd"] = json!("7.2");
        v["orders"][0]["amount"] = json!("72000007.20");
        let r = &check_value(&v).unwrap()["results"][0]["reasons"][0];
        assert_eq!(r["code"], "OVER_TRANSACTION_LIMIT");
        assert!(
            r["message"].as_str().unwrap().contains("(10,000,001.00 USD at 7.2 CNY per USD)"),
            "{r}"
        );
        assert!(r["message"].as_str().unwrap().contains("limit of 10,000,000.00 USD"), "{r}");
        assert!(
            r["messageZh"]
                .as_str()
                .unwrap()
                .contains("折合 10,000,001.00 美元）超过跨境宝单笔限额 10,000,000.00 美元"),
            "{r}"
        );
    }

    #[test]
    fn the_day_counts_paid_today_and_earlier_eligible_orders_only() {
        let mut v = input(json!([
            good_order("1"),
            good_order("2"),
            good_order("3"),
            good_order("4"),
            good_order("5")
        ]));
        v["fx"]["usd"] = json!("1");
        v["paidTodayUsd"] = json!("50");
        v["limits"] = json!({"perDayUsd": "300"});
        v["orders"][0]["amount"] = json!("100"); // 150: eligible
        v["orders"][1]["amount"] = json!("200"); // 350: deferred
        v["orders"][2]["status"] = json!("cancel"); // rejected, does not count
        v["orders"][3]["amount"] = json!("150"); // 300: eligible (inclusive)
        v["orders"][4]["amount"] = json!("0.01"); // 300.01: deferred
        let out = check_value(&v).unwrap();
        let eligible: Vec<bool> = out["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["eligible"].as_bool().unwrap())
            .collect();
        assert_eq!(eligible, [true, false, false, true, false]);
        assert_eq!(out["results"][1]["reasons"][0]["code"], "OVER_DAILY_LIMIT");
        assert!(out["results"][1]["reasons"][0]["message"]
            .as_str()
            .unwrap()
            .contains("350.00 USD"));
        assert_eq!(out["results"][2]["reasons"][0]["code"], "ORDER_NOT_AWAITING_PAYMENT");
        assert_eq!(out["results"][4]["reasons"][0]["code"], "OVER_DAILY_LIMIT");
    }

    #[test]
    fn warnings_do_not_block() {
        let mut v = input(json!([good_order("1")]));
        v["orders"][0]["items"][0]["title"] = json!("向日葵种子 500粒");
        let out = check_value(&v).unwrap();
        assert_eq!(out["results"][0]["eligible"], true);
        assert_eq!(out["results"][0]["reasons"][0]["severity"], "warn");
        // A replaced list: seeds no longer warn, batteries do; [] switches the check off.
        v["prohibited"] = json!([{"id": "batteries", "name": "Batteries", "nameZh": "电池", "keywords": ["电池"]}]);
        v["orders"][0]["items"][0]["category"] = json!("Plant seeds");
        assert_eq!(check_value(&v).unwrap()["results"][0]["reasons"], json!([]));
        v["prohibited"] = json!([]);
        v["orders"][0]["items"][0]["title"] = json!("电池");
        assert_eq!(check_value(&v).unwrap()["results"][0]["reasons"], json!([]));
    }

    #[test]
    fn big_ids_round_trip_as_strings_and_as_text() {
        let big = "3535260697417660107";
        let out = check_value(&input(json!([good_order(big)]))).unwrap();
        assert_eq!(out["results"][0]["orderId"], big);
        // As a JSON text with a number id: exact.
        let text = format!(
            "[{}]",
            good_order("1").to_string().replace("\"orderId\":\"1\"", &format!("\"orderId\":{big}"))
        );
        let mut v = input(json!(null));
        v.as_object_mut().unwrap().remove("orders");
        let out: Value = serde_json::from_str(
            &crate::api::check_orders(&v.to_string(), Some(&text), Origin::Js).unwrap(),
        )
        .unwrap();
        assert_eq!(out["results"][0]["orderId"], big);
        // The same text inside the input as a string (CLI use).
        v["orders"] = json!(text);
        let out: Value = serde_json::from_str(
            &crate::api::check_orders(&v.to_string(), None, Origin::Js).unwrap(),
        )
        .unwrap();
        assert_eq!(out["results"][0]["orderId"], big);
        // As a JS number inside the input object: it already lost digits.
        let raw = input(json!([good_order("1")]))
            .to_string()
            .replace("\"orderId\":\"1\"", &format!("\"orderId\":{big}"));
        let e = crate::api::check_orders(&raw, None, Origin::Js).unwrap_err();
        assert_eq!(
            (e.code, e.path.as_deref()),
            (ErrorCode::UnsafeOrderId, Some("orders[0].orderId"))
        );
    }

    fn err(v: &Value) -> KjbError {
        crate::api::check_orders(&v.to_string(), None, Origin::Js).unwrap_err()
    }

    #[test]
    fn hostile_inputs_are_errors_with_code_and_path() {
        let base = input(json!([good_order("1"), good_order("2"), good_order("3")]));
        let cases: Vec<(Edit, ErrorCode, &str)> = vec![
            (
                Box::new(|v| v["orders"][2]["amount"] = json!(null)),
                ErrorCode::InvalidAmount,
                "orders[2].amount",
            ),
            (
                Box::new(|v| v["orders"][2]["amount"] = json!(-1)),
                ErrorCode::InvalidAmount,
                "orders[2].amount",
            ),
            (
                Box::new(|v| v["orders"][2]["amount"] = json!("1.005")),
                ErrorCode::InvalidAmount,
                "orders[2].amount",
            ),
            (
                Box::new(|v| v["orders"][2]["amount"] = json!(true)),
                ErrorCode::InvalidAmount,
                "orders[2].amount",
            ),
            (
                Box::new(|v| v["orders"][1]["orderId"] = json!("12a")),
                ErrorCode::InvalidOrderId,
                "orders[1].orderId",
            ),
            (
                Box::new(|v| v["orders"][1]["orderId"] = json!(1.5)),
                ErrorCode::InvalidOrderId,
                "orders[1].orderId",
            ),
            (
                Box::new(|v| v["orders"][1]["status"] = json!(3)),
                ErrorCode::InvalidInput,
                "orders[1].status",
            ),
            (
                Box::new(|v| v["orders"][1]["supplier"]["kjb"] = json!("yes")),
                ErrorCode::InvalidInput,
                "orders[1].supplier.kjb",
            ),
            (
                Box::new(|v| v["orders"][1]["items"] = json!({})),
                ErrorCode::InvalidInput,
                "orders[1].items",
            ),
            (
                Box::new(|v| {
                    v["orders"][1].as_object_mut().unwrap().remove("supplier");
                }),
                ErrorCode::InvalidInput,
                "orders[1].supplier",
            ),
            (Box::new(|v| v["orders"] = json!({"a": 1})), ErrorCode::InvalidInput, "orders"),
            (Box::new(|v| v["orders"] = json!("[")), ErrorCode::InvalidJson, "orders"),
            (
                Box::new(|v| v["buyer"]["verified"] = json!(null)),
                ErrorCode::InvalidInput,
                "buyer.verified",
            ),
            (
                Box::new(|v| {
                    v["buyer"].as_object_mut().unwrap().remove("kjbActivated");
                }),
                ErrorCode::InvalidInput,
                "buyer.kjbActivated",
            ),
            (
                Box::new(|v| {
                    v.as_object_mut().unwrap().remove("fx");
                }),
                ErrorCode::MissingFxRate,
                "fx",
            ),
            (Box::new(|v| v["fx"] = json!({"eur": "7.8"})), ErrorCode::MissingFxRate, "fx.usd"),
            (Box::new(|v| v["fx"] = json!({"usd": null})), ErrorCode::InvalidRate, "fx.usd"),
            (Box::new(|v| v["fx"] = json!({"usd": "0"})), ErrorCode::InvalidRate, "fx.usd"),
            (Box::new(|v| v["fx"] = json!({"usd": "7.1234567"})), ErrorCode::InvalidRate, "fx.usd"),
            (Box::new(|v| v["fx"] = json!("7.2")), ErrorCode::InvalidInput, "fx"),
            (
                Box::new(|v| {
                    v["fx"] = json!({"usd": "999999999999999"});
                    v["limits"] = json!({"perDayUsd": "999999999999999"});
                }),
                ErrorCode::InvalidRate,
                "fx.usd",
            ),
            (
                Box::new(|v| v["paidTodayUsd"] = json!(null)),
                ErrorCode::InvalidAmount,
                "paidTodayUsd",
            ),
            (
                Box::new(|v| v["limits"] = json!({"perDayUsd": "-5"})),
                ErrorCode::InvalidAmount,
                "limits.perDayUsd",
            ),
            (
                Box::new(|v| v["limits"] = json!({"perDay": "5"})),
                ErrorCode::InvalidInput,
                "limits.perDay",
            ),
            (Box::new(|v| v["paidToday"] = json!("5")), ErrorCode::InvalidInput, "paidToday"),
            (
                Box::new(|v| v["prohibited"] = json!([{"id": "x"}])),
                ErrorCode::InvalidInput,
                "prohibited[0].name",
            ),
            (
                Box::new(|v| {
                    v.as_object_mut().unwrap().remove("orders");
                }),
                ErrorCode::InvalidInput,
                "orders",
            ),
        ];
        for (edit, code, path) in cases {
            let mut v = base.clone();
            edit(&mut v);
            let e = err(&v);
            assert_eq!((e.code, e.path.as_deref()), (code, Some(path)), "{v}: {e}");
            assert!(!e.message.is_empty());
        }
        // Duplicated keys, inside the input or inside an orders text.
        let dup = base.to_string().replacen(
            "\"amount\":\"100.00\"",
            "\"amount\":\"100.00\",\"amount\":\"1.00\"",
            1,
        );
        assert_eq!(
            crate::api::check_orders(&dup, None, Origin::Js).unwrap_err().code,
            ErrorCode::InvalidJson
        );
        let mut v = base.clone();
        let text = v["orders"].to_string().replacen(
            "\"amount\":\"100.00\"",
            "\"amount\":\"100.00\",\"amount\":\"1.00\"",
            1,
        );
        v.as_object_mut().unwrap().remove("orders");
        let e = crate::api::check_orders(&v.to_string(), Some(&text), Origin::Js).unwrap_err();
        assert_eq!((e.code, e.path.as_deref()), (ErrorCode::InvalidJson, Some("orders")));
        assert!(e.line.is_some());
        // Orders twice.
        let e = crate::api::check_orders(&base.to_string(), Some("[]"), Origin::Js).unwrap_err();
        assert_eq!((e.code, e.path.as_deref()), (ErrorCode::InvalidInput, Some("orders")));
        // Errors inside an orders text point into it.
        let text = format!("[{}]", good_order("1").to_string().replace("100.00", "1.999"));
        let e = crate::api::check_orders(&v.to_string(), Some(&text), Origin::Js).unwrap_err();
        assert_eq!(
            (e.code, e.path.as_deref()),
            (ErrorCode::InvalidAmount, Some("orders[0].amount"))
        );
        assert!(e.message.starts_with("orders[0].amount must be"), "{}", e.message);
    }

    /// An order list the JS layer printed apart from its input is judged as JS-printed: a
    /// number id above 2^53 − 1 is refused (it was rounded before it was printed), and errors
    /// carry paths but no positions (the text is not the caller's). The same text handed over
    /// by the caller keeps every digit.
    #[test]
    fn orders_printed_apart_are_judged_as_printed() {
        use crate::api::{check_orders_apart, OrdersText};
        let mut v = input(json!([]));
        v.as_object_mut().unwrap().remove("orders");
        let rest = v.to_string();
        let mut order = good_order("1");
        order["orderId"] = json!(3535260697417660107u64);
        let text = format!("[{},{order}]", good_order("2"));
        let printed = OrdersText { text: &text, origin: Origin::Js };
        let e = check_orders_apart(&rest, Some(printed), Origin::Js, Form::Full).unwrap_err();
        assert_eq!(
            (e.code, e.path.as_deref()),
            (ErrorCode::UnsafeOrderId, Some("orders[1].orderId"))
        );
        assert_eq!((e.line, e.column), (None, None));
        let given = OrdersText { text: &text, origin: Origin::Text };
        let out: Value = serde_json::from_str(
            &check_orders_apart(&rest, Some(given), Origin::Js, Form::Full).unwrap(),
        )
        .unwrap();
        assert_eq!(out["results"][1]["orderId"], "3535260697417660107");
        let bad = text.replace("100.00", "1.999");
        let e = check_orders_apart(
            &rest,
            Some(OrdersText { text: &bad, origin: Origin::Js }),
            Origin::Js,
            Form::Full,
        )
        .unwrap_err();
        assert_eq!(
            (e.code, e.path.as_deref(), e.line),
            (ErrorCode::InvalidAmount, Some("orders[0].amount"), None)
        );
    }

    /// `checkOrders`' answer as serde writes it: what [`check_out`] is tested against.
    #[derive(serde::Serialize)]
    struct CheckOut<'v> {
        results: Vec<ResultOut<'v>>,
    }

    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct ResultOut<'v> {
        order_id: crate::order::IdStr,
        eligible: bool,
        reasons: &'v [Reason],
    }

    #[test]
    fn the_fast_writer_writes_what_serde_writes() {
        let mut v =
            input(json!([good_order("1"), good_order("2"), good_order("1"), good_order("3")]));
        v["orders"][1]["items"][0]["title"] = json!("Tomato seeds");
        v["orders"][2]["items"][0]["category"] = json!("植物种子");
        v["orders"][3]["amount"] = json!("80000000.00");
        v["buyer"]["verified"] = json!(false);
        for orders in [v["orders"].clone(), json!([])] {
            v["orders"] = orders;
            let text = v.to_string();
            let parsed: Input<'_> = json::parse(&text).unwrap();
            let (_, verdicts) = run(&parsed, None, Origin::Js).unwrap();
            let results: Vec<ResultOut<'_>> = verdicts
                .iter()
                .map(|v| ResultOut {
                    order_id: crate::order::IdStr(v.id),
                    eligible: v.outcome == Outcome::Eligible,
                    reasons: &v.reasons,
                })
                .collect();
            assert_eq!(
                check_out(&verdicts, Form::Full),
                crate::json::to_json(&CheckOut { results }).unwrap()
            );
        }
    }

    #[test]
    fn empty_orders_give_empty_results() {
        assert_eq!(check_value(&input(json!([]))).unwrap(), json!({"results": []}));
    }

    #[test]
    fn prohibited_takes_plain_names_and_extra_entries() {
        let lithium =
            |v: &mut Value| v["orders"][0]["items"][0]["category"] = json!("Lithium batteries");
        let seeds = |v: &mut Value| v["orders"][0]["items"][0]["category"] = json!("种子");
        // A name the built-in list does not have: a custom kind matched by exact category name.
        assert_eq!(
            one(|v| {
                lithium(v);
                v["prohibited"] = json!(["lithium batteries"]);
            }),
            pair("PROHIBITED_GOODS", "orders[0].items[0].category")
        );
        // `prohibited` replaces the built-in list; `prohibitedExtra` adds to it.
        assert_eq!(
            one(|v| {
                seeds(v);
                v["prohibited"] = json!(["lithium batteries"]);
            }),
            vec![]
        );
        assert_eq!(
            one(|v| {
                seeds(v);
                v["prohibitedExtra"] = json!(["lithium batteries"]);
            }),
            pair("PROHIBITED_GOODS", "orders[0].items[0].category")
        );
        assert_eq!(
            one(|v| {
                lithium(v);
                v["prohibitedExtra"] = json!(["lithium batteries"]);
            }),
            pair("PROHIBITED_GOODS", "orders[0].items[0].category")
        );
        // A built-in kind by name keeps its categories and title keywords; mixed with objects.
        assert_eq!(
            one(|v| {
                seeds(v);
                v["prohibited"] = json!(["Plant seeds", {"id": "x", "name": "X", "nameZh": "叉"}]);
            })
            .len(),
            1
        );
        assert_eq!(
            one(|v| {
                seeds(v);
                v["prohibitedExtra"] = json!(["seeds", "植物种子", "Plant Seeds"]);
            })
            .len(),
            1,
            "names of a built-in kind are that kind"
        );
        for (list, path) in [
            (json!([""]), "prohibited[0]"),
            (json!([1]), "prohibited[0]"),
            (json!([{"id": "x"}]), "prohibited[0].name"),
        ] {
            let mut v = input(json!([good_order("1")]));
            v["prohibited"] = list.clone();
            let e = check_value(&v).unwrap_err();
            assert_eq!(
                (e.code, e.path.as_deref()),
                (ErrorCode::InvalidInput, Some(path)),
                "{list}"
            );
            let mut v = input(json!([good_order("1")]));
            v["prohibitedExtra"] = list.clone();
            let e = check_value(&v).unwrap_err();
            assert_eq!(
                e.path.as_deref(),
                Some(path.replace("prohibited", "prohibitedExtra").as_str()),
                "{list}"
            );
        }
    }

    #[test]
    fn unknown_supplier_and_trade_type_block_with_their_own_codes() {
        let unknown = |v: &mut Value| {
            v["orders"][0]["supplier"] =
                json!({"loginId": null, "kjb": "unknown", "chengxintong": "unknown"})
        };
        assert_eq!(one(unknown), pair("SUPPLIER_UNKNOWN", "orders[0].supplier.kjb"));
        assert_eq!(
            one(|v| v["orders"][0]["supplier"]["chengxintong"] = json!("UNKNOWN")),
            pair("SUPPLIER_UNKNOWN", "orders[0].supplier.chengxintong")
        );
        assert_eq!(
            one(|v| {
                v["orders"][0]["supplier"]["kjb"] = json!(false);
                v["orders"][0]["supplier"]["chengxintong"] = json!("unknown");
            }),
            vec![
                ("SUPPLIER_NOT_KJB".to_string(), "orders[0].supplier.kjb".to_string()),
                ("SUPPLIER_UNKNOWN".to_string(), "orders[0].supplier.chengxintong".to_string())
            ]
        );
        assert_eq!(
            one(|v| v["orders"][0]["tradeType"] = json!("unknown")),
            pair("TRADE_TYPE_UNKNOWN", "orders[0].tradeType")
        );
        let e = check_value(&{
            let mut v = input(json!([good_order("1")]));
            v["orders"][0]["supplier"]["kjb"] = json!("maybe");
            v
        })
        .unwrap_err();
        assert_eq!(
            (e.code, e.path.as_deref()),
            (ErrorCode::InvalidInput, Some("orders[0].supplier.kjb"))
        );
    }

    #[test]
    fn deferred_orders_due_before_tomorrow_warn() {
        let plan = |pay_by: &str, now: Option<&str>| -> Value {
            let mut v = input(json!([good_order("1"), good_order("2")]));
            v["orders"][1]["payBy"] = json!(pay_by);
            v["limits"] = json!({"perDayUsd": "20"});
            v["history"] = json!([]);
            if let Some(now) = now {
                v["now"] = json!(now);
            }
            serde_json::from_str(
                &crate::api::plan_payment(&v.to_string(), None, Origin::Js).unwrap(),
            )
            .unwrap()
        };
        let codes = |p: &Value| {
            p["deferred"][0]["reasons"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["code"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        };
        let p = plan("2026-11-27T20:00:00+08:00", Some("2026-11-27T08:00:00Z"));
        assert_eq!(p["deferred"][0]["orderId"], "2");
        assert_eq!(codes(&p), ["OVER_DAILY_LIMIT", "PAY_DEADLINE_BEFORE_DEFERRAL"]);
        let r = &p["deferred"][0]["reasons"][1];
        assert_eq!(
            (r["severity"].as_str(), r["path"].as_str()),
            (Some("warn"), Some("orders[1].payBy"))
        );
        assert!(r["message"].as_str().unwrap().contains("2026-11-27T12:00:00Z"), "{r}");
        assert!(r["messageZh"].as_str().unwrap().contains("2026-11-27T12:00:00Z"), "{r}");
        // Due tomorrow or later, or no `now`: only the deferral.
        assert_eq!(
            codes(&plan("2026-11-28T00:00:00Z", Some("2026-11-27T08:00:00Z"))),
            ["OVER_DAILY_LIMIT"]
        );
        assert_eq!(codes(&plan("2026-11-27T09:00:00Z", None)), ["OVER_DAILY_LIMIT"]);
        for (pay_by, now, path) in [
            ("tomorrow", "2026-11-27T08:00:00Z", "orders[1].payBy"),
            ("2026-11-27T09:00:00Z", "2026-11-27", "now"),
        ] {
            let mut v = input(json!([good_order("1"), good_order("2")]));
            v["orders"][1]["payBy"] = json!(pay_by);
            v["now"] = json!(now);
            v["history"] = json!([]);
            let e = crate::api::plan_payment(&v.to_string(), None, Origin::Js).unwrap_err();
            assert_eq!((e.code, e.path.as_deref()), (ErrorCode::InvalidInput, Some(path)));
        }
    }
}
