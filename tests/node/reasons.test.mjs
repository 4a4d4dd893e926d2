// checkOrders and planPayment get their reasons from the wasm in a compact form (code index,
// path, placeholder values) and the JS layer expands them with the wasm's own reason table
// (src/out.rs). The expanded answers must be exactly the ones the core writes in full: same
// keys in the same order, same texts. The full form is still in the wasm, for this comparison.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import { checkOrders, planPayment } from 'kjb';

const require = createRequire(import.meta.url);
const root = path.dirname(path.dirname(require.resolve('kjb')));
// The wasm-bindgen glue the package entry uses (the same module instance).
const raw = require(path.join(root, 'node', 'kjb.js'));

const buyer = { verified: true, alipayPersonalLinked: true, alipayBusinessLinked: true, kjbActivated: true };

function order(i, change = {}) {
  return {
    orderId: `35352606974${String(17660107 + i).padStart(8, '0')}`,
    amount: `${100 + i * 37}.${String(i % 100).padStart(2, '0')}`,
    status: 'waitbuyerpay',
    tradeType: 'assureTrade',
    supplier: { loginId: `s${i}`, kjb: true, chengxintong: true },
    items: [
      { offerId: String(610000000000 + i), title: 'Cotton T-shirt 纯棉短袖', category: 'Apparel', kjb: true },
      { offerId: String(620000000000 + i), title: 'Ceramic mug 陶瓷马克杯', category: '家居日用', kjb: true },
    ],
    ...change,
  };
}

/** Orders that between them fail every rule an order can fail, and some that pass. */
function orders() {
  const list = [];
  for (let i = 0; i < 60; i++) list.push(order(i));
  const item = (i, patch) => order(i).items.map((it, j) => (j === 0 ? { ...it, ...patch } : it));
  list[1] = order(1, { status: 'waitsellersend' });
  list[2] = order(2, { supplier: { loginId: 's2', kjb: false, chengxintong: false } });
  list[3] = order(3, { tradeType: 'fxassure' });
  list[4] = order(4, { redEnvelope: true });
  list[5] = order(5, { items: item(5, { kjb: false }) });
  list[6] = order(6, { items: item(6, { category: '植物种子' }) });
  list[7] = order(7, { items: item(7, { title: 'Tomato seeds 100pcs 蔬菜种子' }) });
  list[8] = order(8, { amount: '80000000.00' });
  list[9] = order(9, { currency: 'USD' });
  list[10] = { ...list[0] };
  list[11] = order(11, { items: item(11, { category: 'weird stuff' }) });
  list[12] = order(12, { items: item(12, { title: 'zzkw "quoted" {usd} 😀' }) });
  list[13] = order(13, { supplier: { loginId: 's13', kjb: 'unknown', chengxintong: true } });
  list[14] = order(14, { tradeType: 'unknown' });
  list[15] = order(15, { sellerOrder: true });
  // Deferred by the daily limit, and 1688 closes it before the next day.
  list[59] = order(59, { payBy: '2026-11-27T09:00:00Z' });
  return list;
}

const base = {
  buyer,
  fx: { usd: '7.1234' },
  history: ['150000'],
  limits: { perDayUsd: '1200' },
  now: '2026-11-27T08:00:00Z',
  // A caller's entry whose names hold braces and quotes: its reasons cannot be filled from
  // values as they are, and come as whole texts.
  prohibitedExtra: [
    {
      id: 'odd{goods}',
      name: 'Odd {usd} "things"',
      nameZh: '奇怪{matched}的东西',
      categories: ['weird stuff'],
      keywords: ['zzkw'],
    },
  ],
};

/** The core's full answer, as the wasm writes it without the compact form. */
function full(name, input) {
  return JSON.parse(raw[name](JSON.stringify(input), 0, false));
}

const reasonsOf = (answer) =>
  answer.results
    ? answer.results.flatMap((r) => r.reasons)
    : [
        ...answer.batches.flatMap((b) => b.warnings.flatMap((w) => w.reasons)),
        ...answer.rejected.flatMap((r) => r.reasons),
        ...answer.deferred.flatMap((r) => r.reasons),
      ];

for (const [what, change] of [
  ['orders failing each rule', {}],
  ['a buyer who fails the account rules', { buyer: { ...buyer, verified: false, kjbActivated: false } }],
  ['no daily limit reached', { limits: undefined }],
]) {
  test(`expanded reasons are the core's full reasons, key order and text: ${what}`, () => {
    const input = { ...base, ...change, orders: orders() };
    for (const [name, call] of [
      ['checkOrders', checkOrders],
      ['planPayment', planPayment],
    ]) {
      const expected = full(name, input);
      for (const answer of [call(input), call({ ...input, orders: JSON.stringify(input.orders) })]) {
        assert.equal(JSON.stringify(answer), JSON.stringify(expected), name);
        assert.deepEqual(answer, expected, name);
      }
      const codes = new Set(reasonsOf(expected).map((r) => r.code));
      assert.ok(codes.size >= (change.buyer ? 2 : 10), `${name}: ${[...codes]}`);
    }
  });
}

test('the comparison sees every kind of compact reason: fixed, filled from values, whole texts', () => {
  const input = { ...base, orders: orders() };
  const compact = JSON.parse(raw.planPayment(JSON.stringify(input), 0, true));
  const kinds = new Set(
    reasonsOf(compact).map((r) => (r.length === 2 ? 'fixed' : Array.isArray(r[2]) ? 'values' : typeof r[2])),
  );
  assert.deepEqual([...kinds].sort(), ['fixed', 'object', 'values']);
  const plan = planPayment(input);
  const whole = reasonsOf(plan).filter((r) => r.goods === 'odd{goods}');
  assert.ok(whole.length > 0 && whole.every((r) => r.message.includes('Odd {usd} "things"')));
});

test('each reason is its own object; the texts of one code are the same strings', () => {
  const input = { ...base, buyer: { ...buyer, verified: false }, orders: orders() };
  const { results } = checkOrders(input);
  const [a, b] = results.map((r) => r.reasons.find((x) => x.code === 'BUYER_NOT_VERIFIED'));
  assert.notEqual(a, b);
  assert.deepEqual(a, { ...b, path: a.path });
  a.message = 'changed';
  assert.notEqual(b.message, 'changed');
});
