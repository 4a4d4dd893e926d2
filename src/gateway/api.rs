//! The APIs kjb knows: their namespace, version, parameters (names, types, limits) and the
//! shape of their answer. Any other API can still be called with an explicit `namespace` and
//! `version`, its parameters sent as given.

/// Most order ids a url API (cashier link) takes in one call. `alibaba.alipay.url.get` allows
/// 100 for other channels, but 30 when paying by KJB, which is what this library is for; larger
/// calls also time out (10 is the recommended size, `planPayment`'s default `maxPerCall`).
pub(crate) const MAX_IDS_PER_CALL: usize = 30;

/// How a parameter's value is read and sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A list of order ids, sent as a compact JSON array of numbers; 1..=max, no repeats.
    IdList { max: usize },
    /// One order id, sent as its digits.
    Id,
    /// A non-empty string.
    Text,
    /// One of these strings.
    Choice(&'static [&'static str]),
    /// A page number: a positive integer.
    Page,
    /// Any JSON value, sent like an unknown API's parameter (arrays/objects as compact JSON).
    Json,
    /// `tradeWithholdPreparePayParam`: `{orderId, payChannel, payAmount (fen), opRequestId}`.
    Withhold,
}

#[derive(Debug)]
pub(crate) struct ParamSpec {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
    /// Sent when the caller gives none.
    pub default: Option<&'static str>,
}

/// What `parseResponse` makes of an API's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Answer {
    /// `{payUrl, refused:[ids]}`.
    PayUrl,
    /// `{orderId, payFee, payFeeFen, channels, kjb}`.
    PayWay,
    /// The decoded answer, ids as strings.
    Decoded,
    /// The decoded answer, money as CNY strings and `…OfStr` preferred ([`super::answers`]).
    Shaped(super::answers::Shape),
}

#[derive(Debug)]
pub(crate) struct ApiSpec {
    pub name: &'static str,
    pub namespace: &'static str,
    pub version: &'static str,
    pub params: &'static [ParamSpec],
    /// At least one of these parameters must be given.
    pub one_of: &'static [&'static str],
    pub answer: Answer,
}

const fn req(name: &'static str, kind: Kind) -> ParamSpec {
    ParamSpec { name, kind, required: true, default: None }
}
const fn opt(name: &'static str, kind: Kind) -> ParamSpec {
    ParamSpec { name, kind, required: false, default: None }
}

use super::answers::Shape;

const TRADE: &str = "com.alibaba.trade";
/// The message-service APIs: signed, but called without an access token.
const OPEN: &str = "cn.alibaba.open";

/// Whether a call of `spec` needs the buyer's access token.
pub(crate) fn needs_token(spec: &ApiSpec) -> bool {
    spec.namespace != OPEN
}
const URL_PARAMS: &[ParamSpec] = &[req("orderIdList", Kind::IdList { max: MAX_IDS_PER_CALL })];

pub(crate) static APIS: &[ApiSpec] = &[
    ApiSpec {
        name: "alibaba.crossBorderPay.url.get",
        namespace: TRADE,
        version: "1",
        params: URL_PARAMS,
        one_of: &[],
        answer: Answer::PayUrl,
    },
    ApiSpec {
        name: "alibaba.alipay.url.get",
        namespace: TRADE,
        version: "1",
        params: URL_PARAMS,
        one_of: &[],
        answer: Answer::PayUrl,
    },
    ApiSpec {
        name: "alibaba.creditPay.url.get",
        namespace: TRADE,
        version: "1",
        params: URL_PARAMS,
        one_of: &[],
        answer: Answer::PayUrl,
    },
    ApiSpec {
        name: "alibaba.trade.payWay.query",
        namespace: TRADE,
        version: "1",
        params: &[req("orderId", Kind::Id)],
        one_of: &[],
        answer: Answer::PayWay,
    },
    ApiSpec {
        name: "alibaba.accountPeriod.list.buyerView",
        namespace: TRADE,
        version: "1",
        params: &[opt("pageIndex", Kind::Page), opt("sellerLoginId", Kind::Text)],
        one_of: &[],
        answer: Answer::Shaped(Shape::AccountPeriod),
    },
    ApiSpec {
        name: "trade.orderpay.analysis",
        namespace: TRADE,
        version: "1",
        params: &[
            req("orderIds", Kind::IdList { max: MAX_IDS_PER_CALL }),
            req("payChannel", Kind::Choice(&["kjpayV2", "alipay", "shegou"])),
        ],
        one_of: &[],
        answer: Answer::Decoded,
    },
    ApiSpec {
        name: "alibaba.trade.pay.protocolPay.preparePay",
        namespace: TRADE,
        version: "1",
        params: &[req("tradeWithholdPreparePayParam", Kind::Withhold)],
        one_of: &[],
        answer: Answer::Decoded,
    },
    ApiSpec {
        name: "alibaba.trade.get.buyerView",
        namespace: TRADE,
        version: "1",
        params: &[
            ParamSpec { name: "webSite", kind: Kind::Text, required: true, default: Some("1688") },
            req("orderId", Kind::Id),
            opt("includeFields", Kind::Text),
            opt("attributeKeys", Kind::Json),
            opt("outOrderId", Kind::Text),
        ],
        one_of: &[],
        answer: Answer::Shaped(Shape::Orders),
    },
    ApiSpec {
        name: "alibaba.trade.getBuyerOrderList",
        namespace: TRADE,
        version: "1",
        params: &[
            opt("bizTypes", Kind::Json),
            opt("createStartTime", Kind::Text),
            opt("createEndTime", Kind::Text),
            opt("modifyStartTime", Kind::Text),
            opt("modifyEndTime", Kind::Text),
            opt("isHis", Kind::Json),
            opt("page", Kind::Page),
            opt("pageSize", Kind::Page),
            opt("orderStatus", Kind::Text),
            opt("tradeType", Kind::Text),
            opt("productName", Kind::Text),
            opt("needBuyerAddressAndPhone", Kind::Json),
            opt("needMemoInfo", Kind::Json),
            opt("outOrderId", Kind::Text),
        ],
        one_of: &[],
        answer: Answer::Shaped(Shape::Orders),
    },
    ApiSpec {
        name: "alibaba.trade.cancel",
        namespace: TRADE,
        version: "1",
        params: &[
            ParamSpec { name: "webSite", kind: Kind::Text, required: true, default: Some("1688") },
            req("tradeID", Kind::Id),
            req("cancelReason", Kind::Choice(&["buyerCancel", "sellerGoodsLack", "other"])),
            opt("remark", Kind::Text),
        ],
        one_of: &[],
        answer: Answer::Shaped(Shape::Plain),
    },
    ApiSpec {
        name: "alibaba.trade.pay.protocolPay.isopen",
        namespace: TRADE,
        version: "1",
        params: &[],
        one_of: &[],
        answer: Answer::Shaped(Shape::Plain),
    },
    ApiSpec {
        name: "alibaba.account.basic",
        namespace: "com.alibaba.account",
        version: "1",
        params: &[],
        one_of: &[],
        answer: Answer::Shaped(Shape::Plain),
    },
    ApiSpec {
        name: "push.query.messageList",
        namespace: OPEN,
        version: "1",
        params: &[
            opt("page", Kind::Page),
            opt("pageSize", Kind::Page),
            opt("type", Kind::Text),
            opt("userInfo", Kind::Text),
            opt("createStartTime", Kind::Text),
            opt("createEndTime", Kind::Text),
        ],
        one_of: &[],
        answer: Answer::Shaped(Shape::Plain),
    },
    ApiSpec {
        name: "push.message.confirm",
        namespace: OPEN,
        version: "1",
        params: &[req("msgIdList", Kind::IdList { max: 200 })],
        one_of: &[],
        answer: Answer::Shaped(Shape::Plain),
    },
    ApiSpec {
        name: "alibaba.account.agent.crossBasic",
        namespace: "com.alibaba.account",
        version: "1",
        params: &[opt("loginId", Kind::Text), opt("domain", Kind::Text)],
        one_of: &["loginId", "domain"],
        answer: Answer::Decoded,
    },
];

/// The known API of that name (without namespace).
pub(crate) fn find(name: &str) -> Option<&'static ApiSpec> {
    APIS.iter().find(|a| a.name == name)
}

/// Splits the `namespace:apiName` form (as 1688's docs write some APIs); plain names pass.
pub(crate) fn split_name(api: &str) -> (Option<&str>, &str) {
    match api.rsplit_once(':') {
        Some((ns, name)) => (Some(ns), name),
        None => (None, api),
    }
}

impl ApiSpec {
    pub(crate) fn param(&self, name: &str) -> Option<&'static ParamSpec> {
        self.params.iter().find(|p| p.name == name)
    }

    pub(crate) fn param_names(&self) -> String {
        self.params.iter().map(|p| p.name).collect::<Vec<_>>().join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contract_names_are_known() {
        for n in [
            "alibaba.crossBorderPay.url.get",
            "alibaba.alipay.url.get",
            "alibaba.creditPay.url.get",
            "alibaba.trade.payWay.query",
            "alibaba.accountPeriod.list.buyerView",
            "trade.orderpay.analysis",
            "alibaba.trade.pay.protocolPay.preparePay",
            "alibaba.trade.get.buyerView",
            "alibaba.account.agent.crossBasic",
            "alibaba.trade.getBuyerOrderList",
            "alibaba.trade.cancel",
            "alibaba.account.basic",
            "push.query.messageList",
            "push.message.confirm",
            "alibaba.trade.pay.protocolPay.isopen",
        ] {
            assert!(find(n).is_some(), "{n}");
        }
        assert_eq!(find("push.query.messageList").unwrap().namespace, "cn.alibaba.open");
        assert!(!needs_token(find("push.message.confirm").unwrap()));
        assert_eq!(
            find("alibaba.account.agent.crossBasic").unwrap().namespace,
            "com.alibaba.account"
        );
        assert_eq!(
            split_name("com.alibaba.account:alibaba.account.agent.crossBasic"),
            (Some("com.alibaba.account"), "alibaba.account.agent.crossBasic")
        );
    }
}
