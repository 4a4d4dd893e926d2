// Big order lists cross into wasm memory by staging (src/wasm.rs), not as strings: the text is
// encoded straight into a buffer sized by a guess that a text with many multi-byte characters
// outgrows. Whatever way the orders come, the core must see every byte of them.
import test from 'node:test';
import assert from 'node:assert/strict';
import { checkOrders, planPayment, KjbError } from 'kjb';

const buyer = { verified: true, alipayPersonalLinked: true, alipayBusinessLinked: true, kjbActivated: true };
const base = { buyer, fx: { usd: '7.1234' }, history: ['150000'] };

function order(i, title) {
  return {
    orderId: `35352606974${String(17660107 + i).padStart(8, '0')}`,
    amount: `${100 + i}.${String(i % 100).padStart(2, '0')}`,
    status: 'waitbuyerpay',
    tradeType: 'assureTrade',
    supplier: { loginId: `s${i}`, kjb: true, chengxintong: true },
    items: [{ offerId: String(610000000000 + i), title, category: '家居日用', kjb: true }],
  };
}

/** Orders whose titles are mostly 3- and 4-byte UTF-8, with a refused-goods keyword at the end. */
function heavy(n, filler, repeat = 40) {
  return Array.from({ length: n }, (_, i) => order(i, `${filler.repeat(repeat + (i % 7))} 蔬菜种子 ${i}`));
}

const warned = (plan) => plan.batches.flatMap((b) => b.warnings.map((w) => w.orderId));

for (const [what, filler] of [
  ['Chinese (3 bytes a unit)', '纯棉短袖'],
  ['emoji (surrogate pairs)', '😀'],
  ['mixed', 'a纯😀b'],
]) {
  test(`orders text that outgrows the first guess arrives whole: ${what}`, () => {
    const orders = heavy(800, filler);
    const text = JSON.stringify(orders);
    assert.ok(Buffer.byteLength(text) > text.length * 1.25, 'the text needs more than the first guess');
    const fromText = planPayment({ ...base, orders: text });
    const fromObjects = planPayment({ ...base, orders });
    assert.deepEqual(fromText, fromObjects);
    assert.equal(fromText.totals.orders, 800);
    // The keyword is the last thing in every title: every order warns only if its bytes all arrived.
    assert.equal(warned(fromText).length, 800);
    assert.equal(
      fromText.totals.amount,
      orders
        .reduce((s, o) => s + Math.round(Number(o.amount) * 100), 0)
        .toFixed(0)
        .replace(/(\d\d)$/, '.$1'),
    );
  });
}

test('small and big inputs give the same answers (below and above the staging size)', () => {
  const orders = heavy(400, '纯棉');
  const small = orders.slice(0, 3);
  const one = checkOrders({ ...base, orders: small });
  const oneText = checkOrders({ ...base, orders: JSON.stringify(small) });
  assert.deepEqual(one, oneText);
  const all = checkOrders({ ...base, orders });
  assert.deepEqual(all.results.slice(0, 3), one.results);
});

test('a lone surrogate (JSON.stringify writes it as an escape) is refused the same way staged or not', () => {
  const big = [...heavy(300, 'x'), order(1, 'ok \ud800 ok')];
  const error = (f) => {
    try {
      f();
    } catch (e) {
      assert.match(e.message, /surrogate pair/);
      return { code: e.code, path: e.path };
    }
    return null;
  };
  const small = error(() => checkOrders({ ...base, orders: [order(1, 'ok \ud800 ok')] }));
  assert.equal(small.code, 'INVALID_JSON');
  assert.deepEqual(
    error(() => checkOrders({ ...base, orders: big })),
    { ...small, path: small.path.replace('orders[0]', 'orders[300]') },
  );
  assert.deepEqual(
    error(() => checkOrders({ ...base, orders: JSON.stringify(big) })),
    { ...small, path: small.path.replace('orders[0]', 'orders[300]') },
  );
});

test('errors in staged text keep their position and path, and the next call works', () => {
  const orders = heavy(300, '纯棉');
  const text = JSON.stringify(orders);
  const broken = `${text.slice(0, -2)},}]`;
  assert.throws(
    () => planPayment({ ...base, orders: broken }),
    (e) => e instanceof KjbError && e.code === 'INVALID_JSON' && e.line === 1 && e.column > 0,
  );
  const badAmount = [...orders.slice(0, 200), { ...orders[200], amount: '1.005' }];
  assert.throws(
    () => planPayment({ ...base, orders: JSON.stringify(badAmount) }),
    (e) => e.code === 'INVALID_AMOUNT' && e.path === 'orders[200].amount',
  );
  assert.throws(
    () => planPayment({ ...base, orders: badAmount }),
    (e) => e.code === 'INVALID_AMOUNT' && e.path === 'orders[200].amount',
  );
  assert.equal(planPayment({ ...base, orders: text }).totals.orders, 300);
});
