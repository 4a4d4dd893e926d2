// Deterministic inputs for the benchmarks and the agreement test.
//
// Orders look like what an ERP copies from 1688 (`alibaba.trade.get.buyerView`): 19-digit ids
// as strings, CNY amounts as 2-decimal strings, two items each with a mixed Chinese/English
// title and a category. A few orders break a rule (supplier without KJB, wrong status, red
// packet, a refused category, an amount over the single-transaction limit, a repeated id), a
// few titles mention refused goods (warnings) or one of their false friends (no warning), and
// the daily limit is set so the last orders of a big batch are deferred. Everything the
// generator makes is within the inputs `bench/reference.mjs` handles exactly like the core.

/** mulberry32: a small seeded PRNG, so every run plans the same orders. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TITLES = [
  '2024新款纯棉短袖T恤 男士宽松圆领 Cotton T-shirt oversize',
  'USB-C 快充数据线 1米 编织 Fast charging cable 60W',
  '不锈钢保温杯 500ml 大容量 Stainless steel vacuum flask',
  'LED desk lamp 护眼台灯 学生宿舍 USB充电 三档调光',
  '儿童积木玩具 大颗粒 拼装 Building blocks 120pcs',
  'Garden hose 20m 花园水管 伸缩 高压洗车',
  '手机壳 适用iPhone15 透明防摔 Phone case clear',
  '女士帆布包 单肩 大容量 Canvas tote bag',
  'Yoga mat 瑜伽垫 加厚 防滑 TPE 6mm',
  '陶瓷马克杯 定制logo Ceramic mug 350ml',
  'Bluetooth earphones 蓝牙耳机 无线 降噪 运动',
  '厨房收纳盒 塑料 冰箱保鲜 Storage box set of 6',
];
/** Titles that look like refused goods and are not (no warning). */
const FALSE_FRIENDS = [
  'Glass seed beads 2mm 500g DIY jewelry',
  '种子选手 T恤 定制',
  '吸油烟纸 厨房 抽油烟机 过滤纸',
  '暴力熊 积木 公仔 400%',
];
/** Titles that warn (PROHIBITED_GOODS_SUSPECTED). */
const SUSPECT = [
  'Tomato seeds 100pcs heirloom',
  '蔬菜种子 四季 阳台 易种',
  'Hydroponic nutrient solution A+B 1L',
  '卷烟纸 便携 110mm',
];
const CATEGORIES = ['Apparel', '服装', 'electronics', '家居日用', 1031910, 'Toys', '运动户外'];

const BUYER = { verified: true, alipayPersonalLinked: true, alipayBusinessLinked: true, kjbActivated: true };

function amountText(r) {
  // Mostly 10–20,000 CNY; one in 500 is 80,000,000.xx (over 10,000,000 USD at 7.1234).
  if (r() < 0.002) return `80000000.${String(Math.floor(r() * 100)).padStart(2, '0')}`;
  const fen = 1000 + Math.floor(r() * r() * 2_000_000);
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}

/** `n` orders with `items` items each, the same for the same seed. */
export function makeOrders(n, { items = 2, seed = 1688 } = {}) {
  const r = rng(seed);
  const orders = new Array(n);
  for (let i = 0; i < n; i++) {
    // One in 400 repeats an earlier id (DUPLICATE_ORDER).
    const idNum = i > 10 && r() < 0.0025 ? Math.floor(r() * i) : i;
    const orderId = `35352606974${String(17660107 + idNum).padStart(8, '0')}`;
    const its = new Array(items);
    for (let j = 0; j < items; j++) {
      const p = r();
      const title =
        p < 0.01
          ? SUSPECT[Math.floor(r() * SUSPECT.length)]
          : p < 0.02
            ? FALSE_FRIENDS[Math.floor(r() * FALSE_FRIENDS.length)]
            : TITLES[Math.floor(r() * TITLES.length)];
      const category = r() < 0.002 ? '植物种子' : CATEGORIES[Math.floor(r() * CATEGORIES.length)];
      its[j] = { offerId: String(610000000000 + Math.floor(r() * 1e9)), title, category, kjb: r() < 0.995 };
    }
    orders[i] = {
      orderId,
      amount: amountText(r),
      status: r() < 0.98 ? 'waitbuyerpay' : 'waitsellersend',
      tradeType: r() < 0.99 ? 'assureTrade' : 'fxassure',
      supplier: { loginId: `supplier-${Math.floor(r() * 5000)}`, kjb: r() < 0.98, chengxintong: r() < 0.99 },
      items: its,
      sellerOrder: r() < 0.005,
      redEnvelope: r() < 0.005,
    };
  }
  return orders;
}

/**
 * A planPayment input without its orders: the daily limit is about 500 USD per order, below the
 * orders' average, so the last ~15% of a big batch is deferred.
 */
export function planInput(n, { maxPerCall = 10 } = {}) {
  return {
    buyer: { ...BUYER },
    fx: { usd: '7.1234' },
    paidTodayUsd: '1000.00',
    limits: { perDayUsd: `${Math.max(1, n) * 500}.00` },
    history: ['150000.00', '90000.00', '120000.00'],
    maxPerCall,
  };
}

export const SECRET = 'TESTSECRET123';
export const APP_KEY = '1234567';
export const TOKEN = '00000000-test-token-0000';

/** The signRequest input of the issue: a 10-id alibaba.crossBorderPay.url.get call. */
export function signInput() {
  const ids = Array.from({ length: 10 }, (_, i) => `35352606974176601${String(i).padStart(2, '0')}`);
  return {
    api: 'alibaba.crossBorderPay.url.get',
    appKey: APP_KEY,
    appSecret: SECRET,
    accessToken: TOKEN,
    timestamp: 1700000000000,
    params: { orderIdList: ids },
  };
}

/** A quoteFee input: an amount and 12 months of history. */
export function quoteInput(seed = 7) {
  const r = rng(seed);
  const history = Array.from(
    { length: 12 },
    () => `${Math.floor(r() * 400000)}.${String(Math.floor(r() * 100)).padStart(2, '0')}`,
  );
  return { amount: amountText(r), history };
}

/** The message of the push 1688 sends when a batch is paid (ids exact: JSON numbers). */
export const PUSH_MESSAGE =
  '{"bizKey":"3535260697417660107","data":{"batchPay":[{"orderId":3535260697417660107,"status":"successed"},' +
  '{"orderId":3535260697417660108,"status":"successed"}],"buyerMemberId":"b2b-2217000000000000",' +
  '"payTime":"2026-11-25 09:44:24"},"gmtBorn":1764035064904,"msgId":92705609220,"type":"ORDER_BATCH_PAY",' +
  '"userInfo":"b2b-2217000000000000"}';
