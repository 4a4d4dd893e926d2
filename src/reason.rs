//! Why KJB cannot (or should not) pay an order: the stable codes of kjb-rules.md §1, their
//! severity, and the English and Chinese text shown to the buyer.
//!
//! Codes and severities are contract: ERP code branches on them. The text is for people, so
//! every message says what to do next, not only what is wrong. All text lives in one table
//! ([`text`]) so a translator or reviewer reads it in one place, and a test walks every code.

use serde::ser::Serializer;
use serde::Serialize;
use std::borrow::Cow;
use std::fmt;

use crate::text::fill;

/// A rule of kjb-rules.md §1 that an order failed. Renaming one is a breaking change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(crate) enum Code {
    BuyerNotVerified,
    AlipayPersonalNotLinked,
    AlipayBusinessNotLinked,
    KjbNotActivated,
    SupplierNotKjb,
    SupplierNotChengxintong,
    TradeNotGuaranteed,
    OrderNotAwaitingPayment,
    OfferNotKjb,
    ProhibitedGoods,
    ProhibitedGoodsSuspected,
    ManualOrder,
    RedEnvelopeUsed,
    OverTransactionLimit,
    OverDailyLimit,
    DuplicateOrder,
    CurrencyUnsupported,
    PayDeadlineBeforeDeferral,
    SupplierUnknown,
    TradeTypeUnknown,
}

/// `block` makes an order ineligible; `warn` is shown but lets it through.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Severity {
    Block,
    Warn,
}

impl Code {
    /// Every code, in the order of the rule book's table (which is also the order reasons are
    /// reported in).
    pub(crate) const ALL: &'static [Code] = &[
        Code::BuyerNotVerified,
        Code::AlipayPersonalNotLinked,
        Code::AlipayBusinessNotLinked,
        Code::KjbNotActivated,
        Code::SupplierNotKjb,
        Code::SupplierNotChengxintong,
        Code::TradeNotGuaranteed,
        Code::OrderNotAwaitingPayment,
        Code::OfferNotKjb,
        Code::ProhibitedGoods,
        Code::ProhibitedGoodsSuspected,
        Code::ManualOrder,
        Code::RedEnvelopeUsed,
        Code::OverTransactionLimit,
        Code::OverDailyLimit,
        Code::DuplicateOrder,
        Code::CurrencyUnsupported,
        Code::PayDeadlineBeforeDeferral,
        Code::SupplierUnknown,
        Code::TradeTypeUnknown,
    ];

    pub(crate) fn severity(self) -> Severity {
        match self {
            Code::ProhibitedGoodsSuspected | Code::PayDeadlineBeforeDeferral => Severity::Warn,
            _ => Severity::Block,
        }
    }

    pub(crate) fn is_block(self) -> bool {
        self.severity() == Severity::Block
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Code::BuyerNotVerified => "BUYER_NOT_VERIFIED",
            Code::AlipayPersonalNotLinked => "ALIPAY_PERSONAL_NOT_LINKED",
            Code::AlipayBusinessNotLinked => "ALIPAY_BUSINESS_NOT_LINKED",
            Code::KjbNotActivated => "KJB_NOT_ACTIVATED",
            Code::SupplierNotKjb => "SUPPLIER_NOT_KJB",
            Code::SupplierNotChengxintong => "SUPPLIER_NOT_CHENGXINTONG",
            Code::TradeNotGuaranteed => "TRADE_NOT_GUARANTEED",
            Code::OrderNotAwaitingPayment => "ORDER_NOT_AWAITING_PAYMENT",
            Code::OfferNotKjb => "OFFER_NOT_KJB",
            Code::ProhibitedGoods => "PROHIBITED_GOODS",
            Code::ProhibitedGoodsSuspected => "PROHIBITED_GOODS_SUSPECTED",
            Code::ManualOrder => "MANUAL_ORDER",
            Code::RedEnvelopeUsed => "RED_ENVELOPE_USED",
            Code::OverTransactionLimit => "OVER_TRANSACTION_LIMIT",
            Code::OverDailyLimit => "OVER_DAILY_LIMIT",
            Code::DuplicateOrder => "DUPLICATE_ORDER",
            Code::CurrencyUnsupported => "CURRENCY_UNSUPPORTED",
            Code::PayDeadlineBeforeDeferral => "PAY_DEADLINE_BEFORE_DEFERRAL",
            Code::SupplierUnknown => "SUPPLIER_UNKNOWN",
            Code::TradeTypeUnknown => "TRADE_TYPE_UNKNOWN",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The English and Chinese text of one code. `{name}` marks a value filled in per reason.
pub(crate) struct Text {
    pub en: &'static str,
    pub zh: &'static str,
}

/// The message table. Placeholders: `{goods}` (the refused kind of goods, in the message's
/// language), `{matched}` (the title keyword), `{usd}`, `{limit}`, `{fx}` (USD figures and the
/// rate the limit was checked with).
pub(crate) fn text(code: Code) -> Text {
    let (en, zh) = match code {
        Code::BuyerNotVerified => (
            "The buyer's 1688 account is not verified (实名认证). Complete the real-name verification of the 1688 account, then check again.",
            "买家的1688账号尚未完成实名认证。请先完成1688账号实名认证，然后重新检查。",
        ),
        Code::AlipayPersonalNotLinked => (
            "No verified Alipay personal account is linked to the buyer's 1688 account; its payment password confirms each KJB payment. Link a verified Alipay personal account in the 1688 account settings.",
            "买家的1688账号未绑定已实名认证的支付宝个人账户（每笔跨境宝付款需用其支付密码确认）。请在1688账号设置中绑定。",
        ),
        Code::AlipayBusinessNotLinked => (
            "No Alipay business account is linked to the buyer's 1688 account. Link the company's Alipay business account in the 1688 account settings.",
            "买家的1688账号未绑定支付宝企业账户。请在1688账号设置中绑定公司的支付宝企业账户。",
        ),
        Code::KjbNotActivated => (
            "KJB (跨境宝) is not activated for the buyer's account. Activate KJB in the 1688 account settings, then check again.",
            "买家账号尚未开通跨境宝。请在1688账号设置中开通跨境宝，然后重新检查。",
        ),
        Code::SupplierNotKjb => (
            "The supplier has not enabled KJB (has not signed the KJB agreement). Ask the supplier to enable KJB, or pay this order another way.",
            "该供应商未开通跨境宝（未签署跨境宝协议）。请联系供应商开通跨境宝，或改用其他方式支付此订单。",
        ),
        Code::SupplierNotChengxintong => (
            "The supplier is not a paid 诚信通 (TrustPass) member, so it cannot accept KJB. Buy from another supplier, or pay this order another way.",
            "该供应商不是诚信通会员，无法开通跨境宝。请更换供应商，或改用其他方式支付此订单。",
        ),
        Code::TradeNotGuaranteed => (
            "The order is not a Guaranteed transaction (担保交易, assureTrade), the only kind KJB pays. Ask the supplier to change the transaction method, or pay this order another way.",
            "该订单不是担保交易（assureTrade），跨境宝只支付担保交易订单。请联系供应商修改交易方式，或改用其他方式支付此订单。",
        ),
        Code::OrderNotAwaitingPayment => (
            "The order is not waiting for payment (its status is not waitbuyerpay): it may be paid, cancelled or not yet confirmed. Refresh the order from 1688 and pay only orders that wait for payment.",
            "该订单不是待付款状态（waitbuyerpay），可能已付款、已取消或尚未确认。请从1688刷新订单状态，只支付待付款的订单。",
        ),
        Code::OfferNotKjb => (
            "1688 lists this item's offer as not payable by KJB. Remove the item from the order, ask the supplier to enable KJB for the offer, or pay this order another way.",
            "1688显示该商品不支持跨境宝支付。请从订单中移除该商品、联系供应商为该商品开通跨境宝，或改用其他方式支付此订单。",
        ),
        Code::ProhibitedGoods => (
            "This item's category is goods KJB refuses ({goods}). Remove the item from the order, or pay this order another way.",
            "该商品类目属于跨境宝禁止交易的商品（{goods}）。请从订单中移除该商品，或改用其他方式支付此订单。",
        ),
        Code::ProhibitedGoodsSuspected => (
            "The item title mentions \"{matched}\", which may be goods KJB refuses ({goods}). Confirm with Alipay business support before paying; the order is not blocked.",
            "商品标题含有“{matched}”，可能属于跨境宝禁止交易的商品（{goods}）。付款前请向支付宝企业客服确认；该订单未被拦截。",
        ),
        Code::ManualOrder => (
            "This is a manual (invitation) order the seller created without a buyer address; the KJB batch cashier refuses such orders (MANUAL-TRADE). Ask the supplier to cancel it and place the order yourself on 1688.",
            "这是卖家代下的手工订单（无买家收货地址），跨境宝批量收银台会拒绝此类订单（MANUAL-TRADE）。请让供应商取消该订单，由买家在1688上自行下单。",
        ),
        Code::RedEnvelopeUsed => (
            "The order uses a red packet (红包), which KJB cannot pay. Place the order again without the red packet, or pay this order another way.",
            "该订单使用了红包，无法使用跨境宝支付。请不使用红包重新下单，或改用其他方式支付此订单。",
        ),
        Code::OverTransactionLimit => (
            "The order amount ({usd} USD at {fx} CNY per USD) is above KJB's single-transaction limit of {limit} USD. Ask the supplier to split the order into smaller orders.",
            "订单金额（按 {fx} 人民币/美元折合 {usd} 美元）超过跨境宝单笔限额 {limit} 美元。请联系供应商将订单拆分为多笔较小的订单。",
        ),
        Code::OverDailyLimit => (
            "Paying this order today would bring the day's KJB total to {usd} USD (already paid today included), above the daily limit of {limit} USD. Pay it on another day; planPayment defers it.",
            "今日跨境宝付款总额（含今日已付）加上该订单将达到 {usd} 美元，超过单日限额 {limit} 美元。请改日支付；planPayment 会将其顺延。",
        ),
        Code::DuplicateOrder => (
            "This order id already appears earlier in the list; only its first occurrence can be paid. Remove the repeated entry.",
            "该订单号在列表中已出现过，只有第一次出现的条目会被支付。请删除重复的条目。",
        ),
        Code::CurrencyUnsupported => (
            "The order is not priced in CNY; KJB pays 1688 orders in CNY only. Check the order's currency and pass its CNY amount.",
            "该订单不是以人民币（CNY）计价，跨境宝只支付人民币订单。请核对订单币种并传入人民币金额。",
        ),
        Code::PayDeadlineBeforeDeferral => (
            "This order is deferred by the daily limit, but 1688 closes it unpaid at {payBy} (UTC), before the next day. Pay it today by other means, or plan it into today's payments instead of another order.",
            "该订单因单日限额被顺延，但1688将于 {payBy}（UTC）关闭未付款订单，早于次日。请今日改用其他方式支付，或调整计划让它在今日付款。",
        ),
        Code::SupplierUnknown => (
            "Whether the supplier accepts KJB and is a 诚信通 member is not known (the 1688 order answer does not say). Look the supplier up (alibaba.account.agent.crossBasic) and give ordersFrom1688 its facts in suppliers (by loginId: kjb, chengxintong), or set supplier.kjb and supplier.chengxintong.",
            "订单数据未说明该供应商是否开通跨境宝、是否为诚信通会员。请查询供应商信息（alibaba.account.agent.crossBasic），并在 ordersFrom1688 的 suppliers 中按 loginId 传入 kjb 与 chengxintong，或设置 supplier.kjb 与 supplier.chengxintong。",
        ),
        Code::TradeTypeUnknown => (
            "The order's transaction method is not known (the 1688 answer has no tradeTypeCode), so kjb cannot tell whether it is a Guaranteed transaction (assureTrade). Read the order again with alibaba.trade.get.buyerView, or set tradeType.",
            "订单数据缺少交易方式（tradeTypeCode），无法判断是否为担保交易（assureTrade）。请用 alibaba.trade.get.buyerView 重新读取订单，或设置 tradeType。",
        ),
    };
    Text { en, zh }
}

/// The input field a reason is about. Kept as indices and a static field name, not a string,
/// so reasons for 100,000 orders do not each format a path until they are written out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Path {
    /// A top-level field such as `buyer.verified`.
    Input(&'static str),
    /// A field of `orders[i]`, e.g. `supplier.kjb`.
    Order(usize, &'static str),
    /// A field of `orders[i].items[j]`.
    Item(usize, usize, &'static str),
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Path::Input(field) => f.write_str(field),
            Path::Order(i, field) => write!(f, "orders[{i}].{field}"),
            Path::Item(i, j, field) => write!(f, "orders[{i}].items[{j}].{field}"),
        }
    }
}

impl Path {
    /// Calls `f` with the path's text, assembled in a stack buffer rather than through
    /// core::fmt: a plan of 100,000 orders can print hundreds of thousands of paths.
    pub(crate) fn with_text<R>(&self, f: impl FnOnce(&str) -> R) -> R {
        let mut buf = PathBuf { bytes: [0; PATH_BUF], len: 0 };
        let fits = match *self {
            Path::Input(field) => buf.push(field),
            Path::Order(i, field) => {
                buf.push("orders[") && buf.number(i) && buf.push("].") && buf.push(field)
            }
            Path::Item(i, j, field) => {
                buf.push("orders[")
                    && buf.number(i)
                    && buf.push("].items[")
                    && buf.number(j)
                    && buf.push("].")
                    && buf.push(field)
            }
        };
        match buf.as_str() {
            Some(text) if fits => f(text),
            _ => f(&self.to_string()),
        }
    }
}

impl Serialize for Path {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.with_text(|text| s.serialize_str(text))
    }
}

/// Room for `orders[i].items[j].field` with 20-digit indices and a field name of 60 bytes.
const PATH_BUF: usize = 128;

struct PathBuf {
    bytes: [u8; PATH_BUF],
    len: usize,
}

impl PathBuf {
    /// Appends `text`; false (and nothing appended) when it does not fit.
    fn push(&mut self, text: &str) -> bool {
        let end = self.len.saturating_add(text.len());
        match self.bytes.get_mut(self.len..end) {
            Some(slot) => {
                slot.copy_from_slice(text.as_bytes());
                self.len = end;
                true
            }
            None => false,
        }
    }

    fn number(&mut self, n: usize) -> bool {
        self.push(crate::text::digits(n as u128, &mut [0; 40]))
    }

    fn as_str(&self) -> Option<&str> {
        self.bytes.get(..self.len).and_then(|b| std::str::from_utf8(b).ok())
    }
}

/// One failed rule of one order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Reason {
    pub code: Code,
    /// The values of the placeholders of the code's text; empty for the fixed text. The text
    /// itself is only filled in when it is written ([`Reason::message`], [`crate::out`]): a
    /// plan can defer 100,000 orders, each with its own figures in two languages.
    pub vars: Vec<Var>,
    pub path: Path,
    /// For prohibited goods: the id of the list entry that matched (e.g. `"seeds"`).
    pub goods: Option<String>,
    /// For a suspected title: the keyword found in it.
    pub matched: Option<String>,
}

/// The value of placeholder `{name}`: `en` in the English text, `zh` in the Chinese one (the
/// same as `en` when `None`, as for figures and keywords).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Var {
    pub name: &'static str,
    pub en: String,
    pub zh: Option<String>,
}

impl Var {
    /// A value written the same in both languages.
    pub(crate) fn both(name: &'static str, value: String) -> Var {
        Var { name, en: value, zh: None }
    }

    /// The value in the English (`zh == false`) or Chinese text.
    pub(crate) fn value(&self, zh: bool) -> &str {
        match (&self.zh, zh) {
            (Some(z), true) => z,
            _ => &self.en,
        }
    }
}

impl Reason {
    /// A reason whose text has no placeholders.
    pub(crate) fn new(code: Code, path: Path) -> Reason {
        Reason { code, vars: Vec::new(), path, goods: None, matched: None }
    }

    /// A reason whose text is filled in: `vars` are `(name, english, chinese)`.
    pub(crate) fn with(code: Code, path: Path, vars: &[(&'static str, &str, &str)]) -> Reason {
        let vars = vars
            .iter()
            .map(|&(name, en, zh)| Var {
                name,
                en: en.to_string(),
                zh: (zh != en).then(|| zh.to_string()),
            })
            .collect();
        Reason::filled(code, path, vars)
    }

    /// [`Reason::with`] taking the values as they are.
    pub(crate) fn filled(code: Code, path: Path, vars: Vec<Var>) -> Reason {
        Reason { code, vars, path, goods: None, matched: None }
    }

    /// The English (`zh == false`) or Chinese message: the code's text, filled in.
    pub(crate) fn text(&self, zh: bool) -> Cow<'static, str> {
        let t = text(self.code);
        let template = if zh { t.zh } else { t.en };
        if self.vars.is_empty() {
            return Cow::Borrowed(template);
        }
        let vars: Vec<(&str, &str, &str)> =
            self.vars.iter().map(|v| (v.name, v.value(false), v.value(true))).collect();
        Cow::Owned(fill(template, &vars, zh))
    }

    /// The English message.
    #[cfg(test)]
    pub(crate) fn message(&self) -> Cow<'static, str> {
        self.text(false)
    }

    /// The Chinese message.
    #[cfg(test)]
    pub(crate) fn message_zh(&self) -> Cow<'static, str> {
        self.text(true)
    }

    pub(crate) fn is_block(&self) -> bool {
        self.code.is_block()
    }
}

/// (Tests only: serde's rendering is the oracle [`crate::out`] is checked against.)
#[cfg(test)]
impl Serialize for Reason {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let extra =
            usize::from(self.goods.is_some()).saturating_add(usize::from(self.matched.is_some()));
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Reason", 5usize.saturating_add(extra))?;
        st.serialize_field("code", &self.code)?;
        st.serialize_field("severity", &self.code.severity())?;
        st.serialize_field("message", &self.message())?;
        st.serialize_field("messageZh", &self.message_zh())?;
        st.serialize_field("path", &self.path)?;
        if let Some(g) = &self.goods {
            st.serialize_field("goods", g)?;
        }
        if let Some(m) = &self.matched {
            st.serialize_field("matched", m)?;
        }
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Placeholders each code's text may use; anything else in braces would reach the user raw.
    fn allowed(code: Code) -> &'static [&'static str] {
        match code {
            Code::ProhibitedGoods => &["goods"],
            Code::ProhibitedGoodsSuspected => &["goods", "matched"],
            Code::OverTransactionLimit => &["usd", "fx", "limit"],
            Code::OverDailyLimit => &["usd", "limit"],
            Code::PayDeadlineBeforeDeferral => &["payBy"],
            _ => &[],
        }
    }

    #[test]
    fn every_code_has_english_and_chinese_text_that_says_what_to_do() {
        assert_eq!(Code::ALL.len(), 20);
        for &code in Code::ALL {
            let t = text(code);
            assert!(!t.en.trim().is_empty() && !t.zh.trim().is_empty(), "{code}");
            assert!(
                t.zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{code}: Chinese text has no Chinese"
            );
            assert!(
                t.en.starts_with(|c: char| c.is_ascii_alphanumeric()),
                "{code}: English text should be English"
            );
            // Placeholders in both languages are the same known set.
            for (lang, s) in [("en", t.en), ("zh", t.zh)] {
                let mut rest = s;
                while let Some(open) = rest.find('{') {
                    let after = &rest[open + 1..];
                    let close =
                        after.find('}').unwrap_or_else(|| panic!("{code} {lang}: unclosed brace"));
                    let name = &after[..close];
                    assert!(
                        allowed(code).contains(&name),
                        "{code} {lang}: unknown placeholder {{{name}}}"
                    );
                    rest = &after[close..];
                }
                for name in allowed(code) {
                    assert!(s.contains(&format!("{{{name}}}")), "{code} {lang}: {{{name}}} unused");
                }
            }
            let vars: Vec<(&'static str, &str, &str)> =
                allowed(code).iter().map(|n| (*n, "X", "甲")).collect();
            let r = Reason::with(code, Path::Input("x"), &vars);
            assert!(!r.message().contains('{') && !r.message_zh().contains('{'), "{code}");
            let json = serde_json::to_value(&r).unwrap();
            assert_eq!(json["code"], code.as_str());
        }
    }

    #[test]
    fn codes_serialise_as_their_names() {
        for &code in Code::ALL {
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
        }
        assert_eq!(serde_json::to_value(Severity::Warn).unwrap(), "warn");
        assert_eq!(Code::ProhibitedGoodsSuspected.severity(), Severity::Warn);
        assert_eq!(Code::PayDeadlineBeforeDeferral.severity(), Severity::Warn);
        assert_eq!(Code::ALL.iter().filter(|c| c.severity() == Severity::Warn).count(), 2);
    }

    #[test]
    fn paths_print_like_the_input() {
        assert_eq!(Path::Input("buyer.verified").to_string(), "buyer.verified");
        assert_eq!(Path::Order(2, "supplier.kjb").to_string(), "orders[2].supplier.kjb");
        assert_eq!(Path::Item(2, 0, "kjb").to_string(), "orders[2].items[0].kjb");
        // Serialised (stack buffer) exactly as displayed (core::fmt), also past the buffer.
        const LONG: &str = "a-field-name-far-longer-than-any-real-one-so-that-the-path-no-longer-fits-in-the-buffer-of-128-bytes-used-for-paths-even-with-this-tail";
        for p in [
            Path::Input("buyer.verified"),
            Path::Order(0, "amount"),
            Path::Order(99_999, "status"),
            Path::Item(usize::MAX, usize::MAX, "category"),
            Path::Input(LONG),
        ] {
            assert_eq!(serde_json::to_value(p).unwrap(), p.to_string());
        }
        for n in [0u64, 7, 10, 99, 100, 3535260697417660107, u64::MAX] {
            assert_eq!(crate::text::digits(n.into(), &mut [0; 40]), n.to_string());
        }
        for n in [u128::from(u64::MAX) + 1, 10u128.pow(20), 10u128.pow(20) - 1, u128::MAX] {
            assert_eq!(crate::text::digits(n, &mut [0; 40]), n.to_string());
        }
    }
}
