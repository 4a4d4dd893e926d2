// The plain-JS reference implementation the benchmarks compare kjb with.
//
// Written the way a careful ERP developer would write the same features without kjb, and
// tuned the way one would after profiling it (`node --cpu-prof` and `--trace-deopt` on
// planPayment of bench/gen.mjs's 10,000 orders). Money is exact, like the core: decimal.js for
// the arithmetic done once per call (quoteFee, the volume behind the fee tier), and whole fen
// as BigInt per order (CNY amounts have two decimals, the rate six, so limits, sums, fees and
// USD conversions are integer arithmetic, exact at any size). node:crypto does HMAC-SHA1.
// Plain objects in and out; message texts split at their placeholders once; one regular
// expression over each title as given passes over the titles that cannot mention a keyword,
// and only the others are folded and searched; no path string built unless a reason or an
// error needs it; arrays that receive reasons start as literals (see `orderReasons`). verifyPush
// reads the push's JSON in one pass over its tokens; signRequest escapes only what needs it.
//
// It does the real work — every eligibility rule, the limits in USD, the fee tiers, the
// prohibited-goods list (categories block, titles warn), batching — on every call, with
// nothing kept between calls, and produces the same answers as kjb for the inputs
// bench/gen.mjs makes (bench/agree.test.mjs checks that). It is not a second implementation of
// the contract: it checks the inputs a developer would (types, amount shapes, a positive rate)
// and leaves out what the generator never sends (custom schedules and lists, non-CNY
// currencies, ids as numbers, JSON texts as input, checks of signRequest's timestamp). Titles
// are lower-cased by String.prototype.toLowerCase, which kjb's folding differs from on one
// letter the generator never sends: the dotted capital I (kjb folds it to a plain i).

import Decimal from 'decimal.js';
import { createHmac, timingSafeEqual } from 'node:crypto';

// Exact decimal arithmetic: 40 significant digits is far more than CNY amounts need.
const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -30, toExpPos: 40 });

// ---- rules data (kjb-rules.md) -------------------------------------------------------------

/** The fee tiers; `ppm` is the rate in millionths, for the planner's integer fees. */
const TIERS = [
  [1, '0', '0.0020'],
  [2, '100000', '0.0015'],
  [3, '3000000', '0.0008'],
  [4, '10000000', '0.0003'],
  [5, '25000000', '0.0002'],
  [6, '80000000', '0.00015'],
].map(([tier, from, rate]) => ({
  tier,
  from: new D(from),
  fromText: new D(from).toFixed(2),
  rate: new D(rate),
  rateText: new D(rate).toString(),
  ppm: BigInt(new D(rate).mul(1e6).toFixed(0)),
}));
const PER_TRANSACTION_USD = '10000000';
const PER_DAY_USD = '100000000';
const API = 'alibaba.crossBorderPay.url.get';

/** [English, Chinese] text of each reason code; `{name}` is filled in per reason. */
const TEXT = {
  BUYER_NOT_VERIFIED: [
    "The buyer's 1688 account is not verified (实名认证). Complete the real-name verification of the 1688 account, then check again.",
    '买家的1688账号尚未完成实名认证。请先完成1688账号实名认证，然后重新检查。',
  ],
  ALIPAY_PERSONAL_NOT_LINKED: [
    "No verified Alipay personal account is linked to the buyer's 1688 account; its payment password confirms each KJB payment. Link a verified Alipay personal account in the 1688 account settings.",
    '买家的1688账号未绑定已实名认证的支付宝个人账户（每笔跨境宝付款需用其支付密码确认）。请在1688账号设置中绑定。',
  ],
  ALIPAY_BUSINESS_NOT_LINKED: [
    "No Alipay business account is linked to the buyer's 1688 account. Link the company's Alipay business account in the 1688 account settings.",
    '买家的1688账号未绑定支付宝企业账户。请在1688账号设置中绑定公司的支付宝企业账户。',
  ],
  KJB_NOT_ACTIVATED: [
    "KJB (跨境宝) is not activated for the buyer's account. Activate KJB in the 1688 account settings, then check again.",
    '买家账号尚未开通跨境宝。请在1688账号设置中开通跨境宝，然后重新检查。',
  ],
  SUPPLIER_NOT_KJB: [
    'The supplier has not enabled KJB (has not signed the KJB agreement). Ask the supplier to enable KJB, or pay this order another way.',
    '该供应商未开通跨境宝（未签署跨境宝协议）。请联系供应商开通跨境宝，或改用其他方式支付此订单。',
  ],
  SUPPLIER_NOT_CHENGXINTONG: [
    'The supplier is not a paid 诚信通 (TrustPass) member, so it cannot accept KJB. Buy from another supplier, or pay this order another way.',
    '该供应商不是诚信通会员，无法开通跨境宝。请更换供应商，或改用其他方式支付此订单。',
  ],
  TRADE_NOT_GUARANTEED: [
    'The order is not a Guaranteed transaction (担保交易, assureTrade), the only kind KJB pays. Ask the supplier to change the transaction method, or pay this order another way.',
    '该订单不是担保交易（assureTrade），跨境宝只支付担保交易订单。请联系供应商修改交易方式，或改用其他方式支付此订单。',
  ],
  ORDER_NOT_AWAITING_PAYMENT: [
    'The order is not waiting for payment (its status is not waitbuyerpay): it may be paid, cancelled or not yet confirmed. Refresh the order from 1688 and pay only orders that wait for payment.',
    '该订单不是待付款状态（waitbuyerpay），可能已付款、已取消或尚未确认。请从1688刷新订单状态，只支付待付款的订单。',
  ],
  OFFER_NOT_KJB: [
    "1688 lists this item's offer as not payable by KJB. Remove the item from the order, ask the supplier to enable KJB for the offer, or pay this order another way.",
    '1688显示该商品不支持跨境宝支付。请从订单中移除该商品、联系供应商为该商品开通跨境宝，或改用其他方式支付此订单。',
  ],
  PROHIBITED_GOODS: [
    "This item's category is goods KJB refuses ({goods}). Remove the item from the order, or pay this order another way.",
    '该商品类目属于跨境宝禁止交易的商品（{goods}）。请从订单中移除该商品，或改用其他方式支付此订单。',
  ],
  PROHIBITED_GOODS_SUSPECTED: [
    'The item title mentions "{matched}", which may be goods KJB refuses ({goods}). Confirm with Alipay business support before paying; the order is not blocked.',
    '商品标题含有“{matched}”，可能属于跨境宝禁止交易的商品（{goods}）。付款前请向支付宝企业客服确认；该订单未被拦截。',
  ],
  MANUAL_ORDER: [
    'This is a manual (invitation) order the seller created without a buyer address; the KJB batch cashier refuses such orders (MANUAL-TRADE). Ask the supplier to cancel it and place the order yourself on 1688.',
    '这是卖家代下的手工订单（无买家收货地址），跨境宝批量收银台会拒绝此类订单（MANUAL-TRADE）。请让供应商取消该订单，由买家在1688上自行下单。',
  ],
  RED_ENVELOPE_USED: [
    'The order uses a red packet (红包), which KJB cannot pay. Place the order again without the red packet, or pay this order another way.',
    '该订单使用了红包，无法使用跨境宝支付。请不使用红包重新下单，或改用其他方式支付此订单。',
  ],
  OVER_TRANSACTION_LIMIT: [
    "The order amount ({usd} USD at {fx} CNY per USD) is above KJB's single-transaction limit of {limit} USD. Ask the supplier to split the order into smaller orders.",
    '订单金额（按 {fx} 人民币/美元折合 {usd} 美元）超过跨境宝单笔限额 {limit} 美元。请联系供应商将订单拆分为多笔较小的订单。',
  ],
  OVER_DAILY_LIMIT: [
    "Paying this order today would bring the day's KJB total to {usd} USD (already paid today included), above the daily limit of {limit} USD. Pay it on another day; planPayment defers it.",
    '今日跨境宝付款总额（含今日已付）加上该订单将达到 {usd} 美元，超过单日限额 {limit} 美元。请改日支付；planPayment 会将其顺延。',
  ],
  DUPLICATE_ORDER: [
    'This order id already appears earlier in the list; only its first occurrence can be paid. Remove the repeated entry.',
    '该订单号在列表中已出现过，只有第一次出现的条目会被支付。请删除重复的条目。',
  ],
  PAY_DEADLINE_BEFORE_DEFERRAL: [
    "This order is deferred by the daily limit, but 1688 closes it unpaid at {payBy} (UTC), before the next day. Pay it today by other means, or plan it into today's payments instead of another order.",
    '该订单因单日限额被顺延，但1688将于 {payBy}（UTC）关闭未付款订单，早于次日。请今日改用其他方式支付，或调整计划让它在今日付款。',
  ],
  CURRENCY_UNSUPPORTED: [
    "The order is not priced in CNY; KJB pays 1688 orders in CNY only. Check the order's currency and pass its CNY amount.",
    '该订单不是以人民币（CNY）计价，跨境宝只支付人民币订单。请核对订单币种并传入人民币金额。',
  ],
};

/** The built-in prohibited-goods list. */
const PROHIBITED = [
  {
    id: 'pornography',
    name: 'Pornography',
    nameZh: '色情',
    categories: ['色情用品', '淫秽物品'],
    keywords: [
      'porn',
      'porno',
      'pornography',
      'pornographic',
      'adult video',
      'adult videos',
      '色情',
      '淫秽',
      '黄色录像',
      '成人影片',
    ],
    exclude: [],
  },
  {
    id: 'gambling',
    name: 'Gambling',
    nameZh: '赌博',
    categories: ['赌具', '赌博用品'],
    keywords: ['gambling', 'slot machine', 'slot machines', '赌博', '赌具', '赌博机', '百家乐'],
    exclude: [],
  },
  {
    id: 'drugs',
    name: 'Drug abuse',
    nameZh: '毒品',
    categories: ['吸毒用具', '毒品及吸毒用具'],
    keywords: [
      'narcotic',
      'narcotics',
      'cocaine',
      'heroin',
      'methamphetamine',
      'marijuana',
      'cannabis',
      '毒品',
      '吸毒',
      '冰毒',
      '海洛因',
      '可卡因',
      '大麻',
      '摇头丸',
    ],
    exclude: ['大麻绳', '大麻布'],
  },
  {
    id: 'violence',
    name: 'Violence',
    nameZh: '暴力',
    categories: ['暴力用品'],
    keywords: ['brass knuckles', 'knuckle duster', 'knuckle dusters', '暴力', '指虎'],
    exclude: ['暴力熊', '暴力风扇', '暴力扇', '暴力涡轮', '暴力美学', '暴力拆解', '暴力测试', '暴力输出'],
  },
  {
    id: 'terrorism',
    name: 'Terrorism',
    nameZh: '恐怖主义',
    categories: ['恐怖活动'],
    keywords: ['terrorism', 'terrorist', 'terrorists', '恐怖主义', '恐怖分子', '恐怖组织', '恐怖袭击'],
    exclude: [],
  },
  {
    id: 'seeds',
    name: 'Plant seeds',
    nameZh: '植物种子',
    categories: ['种子', '种子种苗', '种子/种苗'],
    keywords: ['seed', 'seeds', '种子', '种籽', '籽种', '花籽'],
    exclude: [
      'seed bead',
      'seed beads',
      'seed pearl',
      'seed pearls',
      'seed round',
      'seed funding',
      'seed money',
      'seed stitch',
      '种子选手',
      '种子队',
      '种子用户',
      '种子轮',
      '种子基金',
      '种子文件',
      '种子链接',
      '种子下载',
      '种子珠',
    ],
  },
  {
    id: 'nutrients',
    name: 'Nutrients',
    nameZh: '营养液',
    categories: ['植物营养液', '植物营养剂', '水培营养液'],
    keywords: [
      'nutrient solution',
      'nutrient solutions',
      'plant nutrient',
      'plant nutrients',
      'hydroponic nutrient',
      'hydroponic nutrients',
      '营养液',
      '水培营养',
    ],
    exclude: [],
  },
  {
    id: 'cigarette-paper',
    name: 'Cigarette paper',
    nameZh: '卷烟纸',
    categories: ['烟纸'],
    keywords: [
      'cigarette paper',
      'cigarette papers',
      'rolling paper',
      'rolling papers',
      'smoking paper',
      'smoking papers',
      '卷烟纸',
      '烟纸',
    ],
    exclude: ['油烟纸'],
  },
  {
    id: 'harpoons',
    name: 'Harpoons',
    nameZh: '鱼叉',
    categories: ['捕鲸叉'],
    keywords: ['harpoon', 'harpoons', 'speargun', 'spearguns', 'spear gun', 'spear guns', '鱼叉', '渔叉', '捕鲸叉'],
    exclude: ['烤鱼叉'],
  },
];

// ---- money ---------------------------------------------------------------------------------

// decimal.js does the arithmetic that happens once per call (quoteFee, the volume behind the
// fee tier). Per order, amounts are whole fen as BigInt: CNY amounts have two decimals, the rate
// six and the limits two, so every comparison, sum, fee and USD conversion of the planner is
// integer arithmetic, exact at any size, with no Decimal object made per order.

const CNY_RE = /^\d{1,15}(\.\d{1,2})?$/;
const RATE_RE = /^\d{1,15}(\.\d{1,6})?$/;

/** The text of a decimal input (numbers as JavaScript prints them), checked against `re`. */
function decimalText(value, path, re = CNY_RE) {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !re.test(text))
    throw new Error(
      `${typeof path === 'function' ? path() : path} must be a decimal string, got ${JSON.stringify(value)}`,
    );
  return text;
}
const money = (value, path, re) => new D(decimalText(value, path, re));

/** A checked decimal text in whole units of 10^-places: units("12.3", 2) === 1230n. */
function units(text, places) {
  const dot = text.indexOf('.');
  if (dot === -1) return BigInt(text.padEnd(text.length + places, '0'));
  return BigInt(text.slice(0, dot) + text.slice(dot + 1).padEnd(places, '0'));
}
const MILLION = 1_000_000n;
/** n / d rounded half up, and rounded up (n ≥ 0, d > 0). */
const divHalfUp = (n, d) => (2n * n + d) / (2n * d);
const divUp = (n, d) => (n + d - 1n) / d;
/** n / d rounded down, for any sign of n (BigInt division truncates toward zero). */
const divDown = (n, d) => (n < 0n ? -divUp(-n, d) : n / d);

/** Hundredths as a text with two decimals: 123456n → "1234.56". */
function hundredths(n) {
  const digits = String(n < 0n ? -n : n).padStart(3, '0');
  return `${n < 0n ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}
/** The same with the integer digits grouped in threes, as kjb prints limits: "10,000,000.00". */
function grouped(n) {
  const text = hundredths(n < 0n ? -n : n);
  let int = text.slice(0, -3);
  let out = text.slice(-3);
  for (; int.length > 3; int = int.slice(0, -3)) out = `,${int.slice(-3)}${out}`;
  return `${n < 0n ? '-' : ''}${int}${out}`;
}
const fmtCny = (d) => d.toFixed(2, D.ROUND_HALF_UP);
const feeOf = (amount, rate) => amount.mul(rate).toDecimalPlaces(2, D.ROUND_HALF_UP);

// ---- fees ----------------------------------------------------------------------------------

function volume(history = []) {
  let lastMonth = new D(0);
  let sum = new D(0);
  const n = Math.min(history.length, 12);
  for (let i = 0; i < history.length; i++) {
    const month = money(history[i], () => `history[${i}]`);
    if (i === 0) lastMonth = month;
    if (i < 12) sum = sum.plus(month);
  }
  const average = n ? sum.div(n).toDecimalPlaces(2, D.ROUND_HALF_UP) : sum;
  const basis = average.gt(lastMonth) ? 'average' : 'lastMonth';
  return { lastMonth, average, applicable: basis === 'average' ? average : lastMonth, basis };
}

function tierFor(applicable) {
  let i = TIERS.length - 1;
  while (i > 0 && TIERS[i].from.gt(applicable)) i--;
  return TIERS[i];
}

export function quoteFee(q) {
  const amount = money(q.amount, 'amount');
  const v = volume(q.history);
  const tier = tierFor(v.applicable);
  const next = TIERS[tier.tier] ?? null;
  return {
    amount: fmtCny(amount),
    fee: fmtCny(feeOf(amount, tier.rate)),
    rate: tier.rateText,
    tier: tier.tier,
    applicableAmount: fmtCny(v.applicable),
    basis: v.basis,
    lastMonth: fmtCny(v.lastMonth),
    average: fmtCny(v.average),
    next: next && {
      tier: next.tier,
      rate: next.rateText,
      from: next.fromText,
      volumeNeeded: fmtCny(next.from.minus(v.applicable)),
      fee: fmtCny(feeOf(amount, next.rate)),
    },
  };
}

// ---- prohibited goods ----------------------------------------------------------------------

const HAN = /[\u3400-\u9fff\uf900-\ufaff]/;
const isHanUnit = (u) => (u >= 0x3400 && u <= 0x9fff) || (u >= 0xf900 && u <= 0xfaff);
const FULL_WIDTH = /[\uff01-\uff5e]/g;
const SEPARATORS = /[^\p{L}\p{N}]+/u;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the whole ASCII range, controls included, is the fast case
const SIMPLE = /^[\x00-\x7f\u4e00-\u9fa5]*$/;
const SIMPLE_GAPS = /[^a-z0-9\u4e00-\u9fa5]+/g;
const SPACE_IN_CHINESE = /(?<=[\u4e00-\u9fa5]) (?=[\u4e00-\u9fa5])/g;

/** One character at a time: the definition, and the path for the rare title with a capital sigma. */
function foldByChar(s) {
  let out = '';
  let gap = false;
  let lastHan = false;
  for (let c of s) {
    const code = c.codePointAt(0);
    if (code >= 0xff01 && code <= 0xff5e) c = String.fromCodePoint(code - 0xfee0);
    if (!/[\p{L}\p{N}]/u.test(c)) {
      gap = true;
      continue;
    }
    const han = HAN.test(c);
    if (gap && out && !(lastHan && han)) out += ' ';
    gap = false;
    out += c.toLowerCase();
    lastHan = han;
  }
  return out;
}

/**
 * Lower case, full-width to ASCII, punctuation and spaces to one space, none between Chinese:
 * whole words at a time. Lower-casing the whole string equals lower-casing each character
 * except for a capital sigma, whose lower case depends on its neighbours.
 */
function fold(s) {
  // Titles in ASCII and common Chinese characters only (nearly all): three plain expressions.
  if (SIMPLE.test(s)) return s.toLowerCase().replace(SIMPLE_GAPS, ' ').trim().replace(SPACE_IN_CHINESE, '');
  const t = s.replace(FULL_WIDTH, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
  if (t.includes('Σ')) return foldByChar(s);
  let out = '';
  for (const word of t.split(SEPARATORS)) {
    if (!word) continue;
    if (out && !(isHanUnit(out.charCodeAt(out.length - 1)) && isHanUnit(word.charCodeAt(0)))) out += ' ';
    out += word;
  }
  return out.toLowerCase();
}

const categoryKey = (c) => String(c).trim().toLowerCase();
const CATEGORY = new Map();
for (const e of PROHIBITED) {
  for (const c of [e.id, e.name, e.nameZh, ...e.categories]) {
    const k = categoryKey(c);
    if (!CATEGORY.has(k)) CATEGORY.set(k, []);
    if (!CATEGORY.get(k).includes(e)) CATEGORY.get(k).push(e);
  }
}
const FOLDED = PROHIBITED.map((e) => ({
  entry: e,
  keywords: e.keywords.map((k) => ({ shown: k, text: fold(k) })),
  exclude: e.exclude.map(fold),
}));

/** Whether the code unit at `i` of `s` is an ASCII letter or digit (folded text: lower case). */
const isWordAt = (s, i) => {
  const u = s.charCodeAt(i);
  return (u >= 0x61 && u <= 0x7a) || (u >= 0x30 && u <= 0x39);
};

/** Start offsets where `kw` occurs in `title` (both folded) on word boundaries. */
function occurrences(title, kw) {
  const found = [];
  for (let at = title.indexOf(kw); at !== -1; at = title.indexOf(kw, at + 1)) {
    if (isWordAt(kw, 0) && isWordAt(title, at - 1)) continue;
    if (isWordAt(kw, kw.length - 1) && isWordAt(title, at + kw.length)) continue;
    found.push(at);
  }
  return found;
}

/**
 * Whether a title, as given, may mention a keyword: most titles mention none, and one regular
 * expression over the unfolded title says so without folding it. Folding lower-cases letters
 * (full-width letters and the Kelvin sign become ASCII, the dotted capital I an i and a combining
 * dot), turns a run of other characters into one space, and drops that space between two
 * Chinese characters. So a folded keyword can only occur where the title has its letters in
 * any of those forms, a run of non-letters for each space, and any non-letters between two
 * Chinese characters; an English keyword also starts where no ASCII letter or digit precedes
 * it. Keywords that contain another ("seeds", "seed") need only the shorter. It may pass a
 * title that mentions none; `titleHits` then folds it and decides.
 */
const MAY_MENTION = (() => {
  const gap = '[^A-Za-z0-9\\u4e00-\\u9fa5]';
  const forms = { i: 'i\u0130', k: 'k\u212a' };
  const pattern = (kw) => {
    let p = '';
    for (let i = 0; i < kw.length; i++) {
      const c = kw[i];
      if (c === ' ') p += `${gap}+`;
      else if (c >= 'a' && c <= 'z') p += `[${forms[c] ?? c}${String.fromCharCode(c.charCodeAt(0) + 0xfee0)}]`;
      else if (isHanUnit(kw.charCodeAt(i))) p += `${i > 0 && isHanUnit(kw.charCodeAt(i - 1)) ? `${gap}*` : ''}${c}`;
      else throw new Error(`keyword ${kw}: only letters, Chinese and spaces are expected`);
    }
    return p;
  };
  const all = FOLDED.flatMap((f) => f.keywords.map((k) => k.text));
  const needed = all.filter((k, i) => !all.some((other, j) => j !== i && other !== k && k.includes(other)));
  const english = needed.filter((k) => isWordAt(k, 0));
  const chinese = needed.filter((k) => !isWordAt(k, 0));
  // A look at the Chinese keywords' first characters spares most positions of a title the
  // whole list of Chinese keywords.
  const firsts = [...new Set(chinese.map((k) => k[0]))].join('');
  return new RegExp(
    `(?:^|[^A-Za-z0-9])(?:${english.map(pattern).join('|')})|(?=[${firsts}])(?:${chinese.map(pattern).join('|')})`,
    'i',
  );
})();

/** The entries a title mentions: [{entry, keyword, at}], earliest mention first. */
function titleHits(title) {
  if (!MAY_MENTION.test(title)) return [];
  const t = fold(title);
  const hits = [];
  for (const { entry, keywords, exclude } of FOLDED) {
    // The spans of the entry's false friends, found once one of its keywords occurs.
    let cancelled = null;
    let best = null;
    for (const kw of keywords) {
      for (const at of occurrences(t, kw.text)) {
        const end = at + kw.text.length;
        cancelled ??= exclude.flatMap((x) => occurrences(t, x).map((at) => [at, at + x.length]));
        if (cancelled.some(([s, e]) => s <= at && end <= e)) continue;
        if (!best || at < best.at) best = { entry, keyword: kw.shown, at };
        break;
      }
    }
    if (best) hits.push(best);
  }
  return hits.sort((a, b) => a.at - b.at);
}

// ---- eligibility ---------------------------------------------------------------------------

/** Each text split once at its placeholders: [literal, name, literal, …]. */
const TEMPLATES = Object.fromEntries(
  Object.entries(TEXT).map(([code, texts]) => [code, texts.map((t) => t.split(/\{(\w+)\}/))]),
);

/** Fills a template; a value is one text for both languages or [English, Chinese]. */
function fill(parts, vars, lang) {
  if (parts.length === 1) return parts[0];
  let out = parts[0];
  for (let i = 1; i < parts.length; i += 2) {
    const value = vars?.[parts[i]];
    out += (value === undefined ? `{${parts[i]}}` : typeof value === 'string' ? value : value[lang]) + parts[i + 1];
  }
  return out;
}

function reason(code, path, vars) {
  const [en, zh] = TEMPLATES[code];
  return {
    code,
    severity: code === 'PROHIBITED_GOODS_SUSPECTED' || code === 'PAY_DEADLINE_BEFORE_DEFERRAL' ? 'warn' : 'block',
    message: fill(en, vars, 0),
    messageZh: fill(zh, vars, 1),
    path,
  };
}

function goodsReason(code, path, entry, keyword) {
  const r = reason(code, path, { goods: [entry.name, entry.nameZh], matched: keyword ?? '' });
  r.goods = entry.id;
  if (keyword !== undefined) r.matched = keyword;
  return r;
}

const norm = (s) => String(s).replace(/_/g, '').toLowerCase();
const ID_RE = /^[1-9]\d{0,18}$/;
const at = (i, field) => `orders[${i}].${field}`;

/** The reasons of one order that do not depend on the orders before it, in kjb's order. */
function orderReasons(o, i, amount, rules) {
  // A literal, not buyerReasons.map(…): V8 then makes the array ready for objects, where an
  // array from map() starts as small integers and every push site deoptimizes once per call.
  const reasons = [];
  for (const r of rules.buyerReasons) reasons.push({ ...r });
  if (!o.supplier.kjb) reasons.push(reason('SUPPLIER_NOT_KJB', at(i, 'supplier.kjb')));
  if (!o.supplier.chengxintong) reasons.push(reason('SUPPLIER_NOT_CHENGXINTONG', at(i, 'supplier.chengxintong')));
  if (o.tradeType !== 'assureTrade' && norm(o.tradeType) !== 'assuretrade')
    reasons.push(reason('TRADE_NOT_GUARANTEED', at(i, 'tradeType')));
  if (o.status !== 'waitbuyerpay' && norm(o.status) !== 'waitbuyerpay')
    reasons.push(reason('ORDER_NOT_AWAITING_PAYMENT', at(i, 'status')));
  const items = o.items;
  for (let j = 0; j < items.length; j++)
    if (items[j].kjb === false) reasons.push(reason('OFFER_NOT_KJB', at(i, `items[${j}].kjb`)));
  // Refused categories block; titles that mention refused goods only warn, after them.
  let warns = null;
  for (let j = 0; j < items.length; j++) {
    const { category, title } = items[j];
    const blocked = category === undefined || category === null ? undefined : CATEGORY.get(categoryKey(category));
    if (blocked)
      for (const e of blocked) reasons.push(goodsReason('PROHIBITED_GOODS', at(i, `items[${j}].category`), e));
    if (title) {
      for (const h of titleHits(title)) {
        if (blocked?.includes(h.entry)) continue;
        warns ??= [];
        warns.push(goodsReason('PROHIBITED_GOODS_SUSPECTED', at(i, `items[${j}].title`), h.entry, h.keyword));
      }
    }
  }
  if (warns) reasons.push(...warns);
  if (o.sellerOrder) reasons.push(reason('MANUAL_ORDER', at(i, 'sellerOrder')));
  if (o.redEnvelope) reasons.push(reason('RED_ENVELOPE_USED', at(i, 'redEnvelope')));
  if (amount > rules.maxTransactionFen) {
    const usd = grouped(divUp(amount * MILLION, rules.rate));
    reasons.push(reason('OVER_TRANSACTION_LIMIT', at(i, 'amount'), { usd, ...rules.transactionTexts() }));
  }
  return reasons;
}

function evaluate(input) {
  const { buyer, orders } = input;
  if (!Array.isArray(orders)) throw new Error('orders must be an array');
  if (!input.fx || input.fx.usd === undefined) throw new Error('fx.usd is missing');
  // The rate in millionths of a CNY per USD, the limits and paidTodayUsd in cents.
  const rateText = decimalText(input.fx.usd, 'fx.usd', RATE_RE);
  const rate = units(rateText, 6);
  if (rate === 0n) throw new Error('fx.usd must be positive');
  const perTransactionUsd = units(
    decimalText(input.limits?.perTransactionUsd ?? PER_TRANSACTION_USD, 'limits.perTransactionUsd'),
    2,
  );
  const perDayUsd = units(decimalText(input.limits?.perDayUsd ?? PER_DAY_USD, 'limits.perDayUsd'), 2);
  const paidTodayUsd = units(decimalText(input.paidTodayUsd ?? '0', 'paidTodayUsd'), 2);
  const buyerReasons = [];
  if (!buyer.verified) buyerReasons.push(reason('BUYER_NOT_VERIFIED', 'buyer.verified'));
  if (!buyer.alipayPersonalLinked)
    buyerReasons.push(reason('ALIPAY_PERSONAL_NOT_LINKED', 'buyer.alipayPersonalLinked'));
  if (!buyer.alipayBusinessLinked)
    buyerReasons.push(reason('ALIPAY_BUSINESS_NOT_LINKED', 'buyer.alipayBusinessLinked'));
  if (!buyer.kjbActivated) buyerReasons.push(reason('KJB_NOT_ACTIVATED', 'buyer.kjbActivated'));
  let transactionTexts;
  const rules = {
    buyerReasons,
    rate,
    // F fen are F·10⁴/rate USD, so F is over a limit of L cents when F·10⁶ > L·rate: amounts
    // are whole fen, so each limit becomes a whole number of fen once per call.
    maxTransactionFen: divDown(perTransactionUsd * rate, MILLION),
    /** The limit and the rate as the message shows them, made when the first one is needed. */
    transactionTexts: () =>
      (transactionTexts ??= { limit: grouped(perTransactionUsd), fx: new D(rateText).toString() }),
  };
  const dayRoomFen = divDown((perDayUsd - paidTodayUsd) * rate, MILLION);
  let dayLimit;

  const seen = new Set();
  let dayFen = 0n;
  const verdicts = new Array(orders.length);
  for (let i = 0; i < orders.length; i++) {
    const o = orders[i];
    if (typeof o.orderId !== 'string' || !ID_RE.test(o.orderId))
      throw new Error(`${at(i, 'orderId')} must be a string of digits`);
    const amount = units(
      decimalText(o.amount, () => at(i, 'amount')),
      2,
    );
    const reasons = orderReasons(o, i, amount, rules);
    if (seen.has(o.orderId)) reasons.push(reason('DUPLICATE_ORDER', at(i, 'orderId')));
    seen.add(o.orderId);
    let outcome;
    if (reasons.some((r) => r.severity === 'block')) {
      outcome = 'rejected';
    } else {
      const next = dayFen + amount;
      if (next <= dayRoomFen) {
        dayFen = next;
        outcome = 'eligible';
      } else {
        // The day's total in USD, rounded up to the cent: what was paid plus the plan so far.
        const usd = grouped(paidTodayUsd + divUp(next * MILLION, rate));
        dayLimit ??= grouped(perDayUsd);
        reasons.push(reason('OVER_DAILY_LIMIT', at(i, 'amount'), { usd, limit: dayLimit }));
        if (o.payBy && input.now) {
          // Whole seconds, as the core counts; the next day starts at 00:00 UTC.
          const payBy = Math.floor(Date.parse(o.payBy) / 1000);
          const nextDay = (Math.floor(Date.parse(input.now) / 86_400_000) + 1) * 86_400;
          if (payBy < nextDay) {
            const when = new Date(payBy * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
            reasons.push(reason('PAY_DEADLINE_BEFORE_DEFERRAL', at(i, 'payBy'), { payBy: when }));
          }
        }
        outcome = 'deferred';
      }
    }
    verdicts[i] = { orderId: o.orderId, amount, outcome, reasons };
  }
  return { rate, verdicts };
}

export function checkOrders(input) {
  return {
    results: evaluate(input).verdicts.map((v) => ({
      orderId: v.orderId,
      eligible: v.outcome === 'eligible',
      reasons: v.reasons,
    })),
  };
}

export function planPayment(input) {
  const max = input.maxPerCall ?? 10;
  if (!Number.isInteger(max) || max < 1 || max > 30) throw new Error('maxPerCall must be 1-30');
  const tier = tierFor(volume(input.history).applicable);
  const { rate, verdicts } = evaluate(input);
  // CNY fen to USD cents: F·10⁶ / rate, half up.
  const usd = (fen) => hundredths(divHalfUp(fen * MILLION, rate));
  const batches = [];
  const rejected = [];
  const deferred = [];
  let totalAmount = 0n;
  let totalFee = 0n;
  let warned = 0;
  let batch = null;
  const close = () => {
    totalAmount += batch.amount;
    totalFee += batch.fee;
    batches.push({
      api: API,
      orderIds: batch.orderIds,
      amount: hundredths(batch.amount),
      amountUsd: usd(batch.amount),
      fee: hundredths(batch.fee),
      warnings: batch.warnings,
    });
    batch = null;
  };
  for (const v of verdicts) {
    if (v.outcome === 'rejected') rejected.push({ orderId: v.orderId, reasons: v.reasons });
    else if (v.outcome === 'deferred') deferred.push({ orderId: v.orderId, reasons: v.reasons });
    else {
      batch ??= { orderIds: [], amount: 0n, fee: 0n, warnings: [] };
      batch.orderIds.push(v.orderId);
      batch.amount += v.amount;
      // Each order's fee, rounded half up to the fen.
      batch.fee += divHalfUp(v.amount * tier.ppm, MILLION);
      if (v.reasons.length) {
        warned++;
        batch.warnings.push({ orderId: v.orderId, reasons: v.reasons });
      }
      if (batch.orderIds.length >= max) close();
    }
  }
  if (batch) close();
  const payable = verdicts.length - rejected.length - deferred.length;
  return {
    batches,
    rejected,
    deferred,
    totals: {
      orders: verdicts.length,
      payable,
      rejected: rejected.length,
      deferred: deferred.length,
      warned,
      amount: hundredths(totalAmount),
      amountUsd: usd(totalAmount),
      fee: hundredths(totalFee),
      tier: tier.tier,
      rate: tier.rateText,
    },
  };
}

// ---- the 1688 gateway ----------------------------------------------------------------------

const GATEWAY = 'https://gw.open.1688.com';
const CONTENT_TYPE = 'application/x-www-form-urlencoded; charset=UTF-8';

/** The `_aop_signature`: HMAC-SHA1 over urlPath + the sorted `key + value` strings. */
function sign(secret, urlPath, params) {
  const parts = [];
  for (const [k, v] of params) if (k !== '_aop_signature') parts.push(k + v);
  return createHmac('sha1', secret)
    .update(urlPath + parts.sort().join(''))
    .digest('hex')
    .toUpperCase();
}

/**
 * A value as application/x-www-form-urlencoded writes it (URLSearchParams): letters, digits
 * and `*-._` stand as they are, which covers tokens, timestamps and hex signatures.
 */
const FORM_PLAIN = /^[\w.*-]*$/;
const formValue = (v) => (FORM_PLAIN.test(v) ? v : new URLSearchParams([['', v]]).toString().slice(1));

/** signRequest for the KJB cashier-URL call (`alibaba.crossBorderPay.url.get`). */
export function signRequest(r) {
  if (r.api !== API) throw new Error(`only ${API} is supported here`);
  if (!/^\d+$/.test(r.appKey)) throw new Error('appKey must be digits');
  if (!r.appSecret || !r.accessToken) throw new Error('appSecret and accessToken are required');
  const list = r.params.orderIdList;
  if (list.length < 1 || list.length > 30) throw new Error('orderIdList takes 1-30 ids');
  // The list as signed, "[1,2]", and as the body carries it, "%5B1%2C2%5D": ids are digits.
  const ids = new Set();
  let signed = '';
  let escaped = '';
  for (const id of list) {
    const text = String(id);
    if (!ID_RE.test(text) || ids.has(text)) throw new Error('orderIdList: ids must be distinct digit strings');
    ids.add(text);
    signed += signed ? `,${text}` : text;
    escaped += escaped ? `%2C${text}` : text;
  }
  const urlPath = `param2/1/com.alibaba.trade/${API}/${r.appKey}`;
  const params = [
    ['access_token', r.accessToken],
    ['orderIdList', `[${signed}]`],
  ];
  if (r.timestamp !== undefined) params.push(['_aop_timestamp', String(r.timestamp)]);
  const signature = sign(r.appSecret, urlPath, params);
  let body = `access_token=${formValue(r.accessToken)}&orderIdList=%5B${escaped}%5D`;
  if (r.timestamp !== undefined) body += `&_aop_timestamp=${formValue(String(r.timestamp))}`;
  return {
    method: 'POST',
    url: `${GATEWAY}/openapi/${urlPath}`,
    headers: { 'content-type': CONTENT_TYPE },
    body: `${body}&_aop_signature=${signature}`,
    signature,
  };
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const isSafeInteger = (digits) => BigInt(digits) <= MAX_SAFE && BigInt(digits) >= -MAX_SAFE;
const ID_KEY = /^(id|\w*(Id|ID|Ids|IDs|IdList|OrderList))$/;
/** The tokens of a JSON text that decide how its numbers are read: strings, numbers, brackets, `:`. */
const JSON_TOKEN = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|[{}[\]:]/g;

/** JSON.parse that keeps ids (and integers beyond ±(2^53 − 1)) exact, as strings. */
function parseWithIds(text) {
  // One pass over the tokens: integers in the value of an id-named key (a number, or arrays of
  // them) and integers too long for a double are quoted.
  let lastString = '';
  let underIdKey = false;
  let depth = 0; // arrays open in the id-named key's value
  const quoted = text.replace(JSON_TOKEN, (token) => {
    switch (token) {
      case ':':
        underIdKey = ID_KEY.test(lastString.slice(1, -1));
        depth = 0;
        return token;
      case '[':
        if (underIdKey) depth++;
        return token;
      case ']':
        if (underIdKey && --depth <= 0) underIdKey = false;
        return token;
      case '{':
      case '}':
        underIdKey = false;
        return token;
    }
    if (token.charCodeAt(0) === 0x22) lastString = token;
    else if (!/[.eE]/.test(token) && (underIdKey || (token.length > 15 && !isSafeInteger(token)))) return `"${token}"`;
    return token;
  });
  return JSON.parse(quoted);
}

/** verifyPush: checks the signature of a 1688 push body, then reads its message. */
export function verifyPush({ appSecret, body }) {
  const form = new URLSearchParams(body);
  const fields = [...form];
  const received = form.get('_aop_signature');
  const message = form.get('message');
  if (received === null || message === null) throw new Error('the push needs message and _aop_signature');
  const expected = Buffer.from(sign(appSecret, '', fields));
  const got = Buffer.from(received);
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) throw new Error('PUSH_SIGNATURE_INVALID');
  const m = parseWithIds(message);
  const scalar = (v) => (v === undefined || v === null ? null : String(v));
  const data = m.data ?? null;
  // Batch outcomes say whether the order was paid.
  if (m.type === 'ORDER_BATCH_PAY' && data && Array.isArray(data.batchPay)) {
    for (const o of data.batchPay)
      if (o && typeof o === 'object') o.paid = typeof o.status === 'string' && o.status.toLowerCase() === 'successed';
  }
  return {
    msgId: scalar(m.msgId),
    type: m.type,
    bizKey: scalar(m.bizKey),
    gmtBorn: m.gmtBorn ?? null,
    userInfo: scalar(m.userInfo),
    data,
    extraInfo: m.extraInfo ?? null,
  };
}
