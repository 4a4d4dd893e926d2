//! `cargo bench`: the core itself, natively, through the same JSON-text façade the wasm exports
//! (so parsing and printing are counted, as they are for JavaScript callers).
//!
//! - `plan/10k_text`: planPayment of 10,000 orders (two items each) handed over as a JSON text;
//! - `check/10k_text`: checkOrders of the same orders;
//! - `quote`: quoteFee with 12 months of history;
//! - `sign`: signRequest of a 10-id `alibaba.crossBorderPay.url.get` call;
//! - `verify_push`: verifyPush of a signed `ORDER_BATCH_PAY` message.
//!
//! The orders mirror `bench/gen.mjs` (same kinds of titles, rule failures and limits), written
//! here without a JSON library so the bench measures kjb, not its setup.
// Bench code on fixed inputs: a failure should stop the run loudly, and the generator's
// arithmetic works on small numbers. (The crate's lints are for code that meets input.)
#![allow(
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation
)]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use kjb::api::Origin;
use std::fmt::Write;
use std::hint::black_box;

/// A small deterministic PRNG (xorshift64*), so every run plans the same orders.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    }
    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[(self.next() * list.len() as f64) as usize % list.len()]
    }
}

const TITLES: &[&str] = &[
    "2024新款纯棉短袖T恤 男士宽松圆领 Cotton T-shirt oversize",
    "USB-C 快充数据线 1米 编织 Fast charging cable 60W",
    "不锈钢保温杯 500ml 大容量 Stainless steel vacuum flask",
    "LED desk lamp 护眼台灯 学生宿舍 USB充电 三档调光",
    "儿童积木玩具 大颗粒 拼装 Building blocks 120pcs",
    "Garden hose 20m 花园水管 伸缩 高压洗车",
    "手机壳 适用iPhone15 透明防摔 Phone case clear",
    "女士帆布包 单肩 大容量 Canvas tote bag",
    "Yoga mat 瑜伽垫 加厚 防滑 TPE 6mm",
    "陶瓷马克杯 定制logo Ceramic mug 350ml",
];
const SUSPECT: &[&str] = &[
    "Tomato seeds 100pcs heirloom",
    "蔬菜种子 四季 阳台 易种",
    "Glass seed beads 2mm 500g DIY jewelry",
];
const CATEGORIES: &[&str] = &["\"Apparel\"", "\"服装\"", "\"electronics\"", "1031910", "\"Toys\""];

/// `n` orders as a JSON text (about 470 bytes each).
fn orders_text(n: usize) -> String {
    let mut r = Rng(0x1688_1688_1688_1688);
    let mut s = String::with_capacity(n * 480);
    s.push('[');
    for i in 0..n {
        if i > 0 {
            s.push(',');
        }
        let id = if i > 10 && r.next() < 0.0025 { (r.next() * i as f64) as usize } else { i };
        let fen = if r.next() < 0.002 {
            8_000_000_000
        } else {
            1000 + (r.next() * r.next() * 2_000_000.0) as u64
        };
        let flag = |r: &mut Rng, p: f64| r.next() < p;
        let status = if flag(&mut r, 0.98) { "waitbuyerpay" } else { "waitsellersend" };
        let (kjb, cxt) = (flag(&mut r, 0.98), flag(&mut r, 0.99));
        let _ = write!(
            s,
            r#"{{"orderId":"35352606974{:08}","amount":"{}.{:02}","status":"{status}","tradeType":"assureTrade","supplier":{{"loginId":"supplier-{}","kjb":{kjb},"chengxintong":{cxt}}},"items":["#,
            17_660_107 + id,
            fen / 100,
            fen % 100,
            (r.next() * 5000.0) as u32
        );
        for j in 0..2 {
            if j > 0 {
                s.push(',');
            }
            let title = if r.next() < 0.02 { r.pick(SUSPECT) } else { r.pick(TITLES) };
            let category = r.pick(CATEGORIES);
            let _ = write!(
                s,
                r#"{{"offerId":"{}","title":"{title}","category":{category},"kjb":true}}"#,
                610_000_000_000u64 + (r.next() * 1e9) as u64
            );
        }
        let red = flag(&mut r, 0.005);
        let _ = write!(s, r#"],"sellerOrder":false,"redEnvelope":{red}}}"#);
    }
    s.push(']');
    s
}

fn plan_input(n: usize) -> String {
    format!(
        r#"{{"buyer":{{"verified":true,"alipayPersonalLinked":true,"alipayBusinessLinked":true,"kjbActivated":true}},"fx":{{"usd":"7.1234"}},"paidTodayUsd":"1000.00","limits":{{"perDayUsd":"{}.00"}},"history":["150000.00","90000.00","120000.00"],"maxPerCall":10}}"#,
        n.max(1) * 500
    )
}

const SIGN: &str = r#"{"api":"alibaba.crossBorderPay.url.get","appKey":"1234567","appSecret":"TESTSECRET123","accessToken":"00000000-test-token-0000","timestamp":1700000000000,"params":{"orderIdList":["3535260697417660100","3535260697417660101","3535260697417660102","3535260697417660103","3535260697417660104","3535260697417660105","3535260697417660106","3535260697417660107","3535260697417660108","3535260697417660109"]}}"#;

const QUOTE: &str = r#"{"amount":"2500.00","history":["180000.00","95000.00","120000.50","80000","150000","99000","101000","130000","70000","110000","90000","100000"]}"#;

const PUSH_MESSAGE: &str = r#"{"bizKey":"3535260697417660107","data":{"batchPay":[{"orderId":3535260697417660107,"status":"successed"},{"orderId":3535260697417660108,"status":"successed"}],"buyerMemberId":"b2b-2217000000000000","payTime":"2026-11-25 09:44:24"},"gmtBorn":1764035064904,"msgId":92705609220,"type":"ORDER_BATCH_PAY","userInfo":"b2b-2217000000000000"}"#;

/// `{appSecret, body}` with the form body 1688 would POST.
fn push_input() -> String {
    let signature = kjb::api::signature(
        &format!(
            r#"{{"appSecret":"TESTSECRET123","urlPath":"","params":{{"message":{}}}}}"#,
            json_string(PUSH_MESSAGE)
        ),
        Origin::Js,
    )
    .expect("signature");
    let signature = signature.trim_matches('"');
    let mut body = String::from("message=");
    kjb::internals::form::encode_into(&mut body, PUSH_MESSAGE);
    body.push_str("&_aop_signature=");
    body.push_str(signature);
    format!(r#"{{"appSecret":"TESTSECRET123","body":{}}}"#, json_string(&body))
}

fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn benches(c: &mut Criterion) {
    let n = 10_000;
    let orders = orders_text(n);
    let input = plan_input(n);
    let mut g = c.benchmark_group("orders");
    g.sample_size(30);
    g.throughput(Throughput::Bytes(orders.len() as u64));
    g.bench_function("plan/10k_text", |b| {
        b.iter(|| {
            kjb::api::plan_payment(black_box(&input), Some(black_box(&orders)), Origin::Js)
                .expect("plan")
        })
    });
    g.bench_function("check/10k_text", |b| {
        b.iter(|| {
            kjb::api::check_orders(black_box(&input), Some(black_box(&orders)), Origin::Js)
                .expect("check")
        })
    });
    g.finish();

    c.bench_function("quote", |b| {
        b.iter(|| kjb::api::quote_fee(black_box(QUOTE), Origin::Js).expect("quote"))
    });
    c.bench_function("sign", |b| {
        b.iter(|| kjb::api::sign_request(black_box(SIGN), Origin::Js).expect("sign"))
    });
    let push = push_input();
    kjb::api::verify_push(&push, Origin::Js).expect("the bench's push verifies");
    c.bench_function("verify_push", |b| {
        b.iter(|| kjb::api::verify_push(black_box(&push), Origin::Js).expect("verify"))
    });
}

criterion_group!(core, benches);
criterion_main!(core);
