// Big order lists cross into wasm memory by staging (src/wasm.rs), not as strings: the text is
// encoded straight into a buffer sized by a guess that a text with many multi-byte characters
// outgrows. Whatever way the orders come, the core must see every byte of them.
import test from 'node:test';
import assert from 'node:assert/strict';
import { checkOrders, planPayment, quoteFee, KjbError } from 'kjb';

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

// A long order list given as objects is printed apart from the rest of its input, a few dozen
// orders at a time, and each slice is encoded into wasm memory as soon as it is printed
// (pkg/lib/api.mjs `stageOrders`). The core must see exactly what `JSON.stringify` of the
// whole list prints, and judge it as JS-printed (Origin::Js): unsafe number ids refused,
// BigInt ids exact, errors with their `orders[i]` paths.
const LONG = 300; // several slices, and a last one that is not full

/** The error a call throws, with the index in its path and message replaced by `i`. */
function failure(f, index) {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof KjbError, String(e));
    const at = (s) => (typeof s === 'string' ? s.replaceAll(`orders[${index}]`, 'orders[i]') : s);
    return { code: e.code, path: at(e.path), message: at(e.message), line: e.line, column: e.column };
  }
  assert.fail('no error');
}

/** `bad` put at `index` of a long list fails as it does alone in a one-order list. */
function sameFailure(bad, index, call = checkOrders) {
  const list = heavy(LONG, '纯棉', 2);
  list[index] = bad;
  const alone = failure(() => call({ ...base, orders: [bad] }), 0);
  assert.deepEqual(
    failure(() => call({ ...base, orders: list }), index),
    alone,
  );
  return alone;
}

test('long lists from objects: every length around the slice size gives what its text gives', () => {
  for (const n of [127, 128, 129, 191, 192, 193, 1000]) {
    const orders = heavy(n, 'a纯😀b', 3);
    const input = { ...base, orders, now: '2026-11-27T00:00:00Z' };
    const text = { ...input, orders: JSON.stringify(orders) };
    assert.deepEqual(planPayment(input), planPayment(text), `planPayment, ${n} orders`);
    assert.deepEqual(checkOrders(input), checkOrders(text), `checkOrders, ${n} orders`);
  }
});

test('long lists from objects: BigInt ids in any slice are exact, and nested BigInts print as digits', () => {
  const orders = heavy(LONG, '纯棉', 2);
  const withBig = orders.map((o, i) =>
    [0, 64, 65, 200, LONG - 1].includes(i)
      ? { ...o, orderId: BigInt(o.orderId), items: o.items.map((it) => ({ ...it, offerId: BigInt(it.offerId) })) }
      : o,
  );
  assert.deepEqual(checkOrders({ ...base, orders: withBig }), checkOrders({ ...base, orders }));
  const plan = planPayment({ ...base, orders: withBig, now: '2026-11-27T00:00:00Z' });
  assert.deepEqual(plan, planPayment({ ...base, orders, now: '2026-11-27T00:00:00Z' }));
  assert.ok(plan.batches.flatMap((b) => b.orderIds).includes(orders[LONG - 1].orderId));
  // Every id a BigInt (the usual case), one of them on an order of a class of its own.
  class Order {
    constructor(o) {
      Object.assign(this, o);
    }
  }
  const allBig = orders.map((o, i) => (i === 100 ? new Order(o) : { ...o }));
  for (const o of allBig) o.orderId = BigInt(o.orderId);
  assert.deepEqual(checkOrders({ ...base, orders: allBig }), checkOrders({ ...base, orders }));
});

test('long lists from objects: an unsafe number id is refused where it is, a safe one taken', () => {
  // 2^53 + 2: already rounded (to itself) when the caller wrote it; refused all the same.
  const unsafe = { ...order(1, 'x'), orderId: 2 ** 53 + 2 };
  const e = sameFailure(unsafe, 200);
  assert.equal(e.code, 'UNSAFE_ORDER_ID');
  assert.equal(e.path, 'orders[i].orderId');
  const list = heavy(LONG, '纯棉', 2);
  list[150] = { ...list[150], orderId: 9007199254740991 };
  assert.equal(checkOrders({ ...base, orders: list }).results[150].orderId, '9007199254740991');
});

test('long lists from objects: bad money, undefined fields and holes fail as in a short list', () => {
  assert.equal(sameFailure({ ...order(1, 'x'), amount: Number.NaN }, 130).path, 'orders[i].amount');
  assert.equal(sameFailure({ ...order(1, 'x'), amount: 0.1 + 0.2 }, 70).path, 'orders[i].amount');
  assert.equal(sameFailure({ ...order(1, 'x'), amount: undefined }, 299).path, 'orders[i].amount');
  assert.match(sameFailure({ ...order(1, 'x'), status: undefined }, 64).message, /status/);
  sameFailure(undefined, 100, planPayment);
  const holey = heavy(LONG, '纯棉', 2);
  delete holey[180];
  assert.deepEqual(
    failure(() => checkOrders({ ...base, orders: holey }), 180),
    failure(() => checkOrders({ ...base, orders: [null] }), 0),
  );
});

test('long lists from objects: toJSON, cycles and throwing getters behave as JSON.stringify', () => {
  const orders = heavy(LONG, '纯棉', 2);
  const viaToJson = orders.map((o, i) => (i % 50 === 7 ? { toJSON: () => o } : o));
  assert.deepEqual(checkOrders({ ...base, orders: viaToJson }), checkOrders({ ...base, orders }));
  const cyclic = [...orders];
  cyclic[250] = { ...orders[250], self: cyclic };
  assert.throws(
    () => checkOrders({ ...base, orders: cyclic }),
    (e) => e instanceof KjbError && e.code === 'INVALID_INPUT' && /circular/.test(e.message),
  );
  const throwing = [...orders];
  Object.defineProperty(throwing, 90, {
    get() {
      throw new Error('no access');
    },
    enumerable: true,
  });
  assert.throws(
    () => checkOrders({ ...base, orders: throwing }),
    (e) => e instanceof KjbError && e.code === 'INVALID_INPUT' && /no access/.test(e.message),
  );
});

test('long lists from objects: a getter that calls kjb while the list is printed does not corrupt it', () => {
  const orders = heavy(LONG, '纯棉', 2);
  const expected = checkOrders({ ...base, orders });
  let calls = 0;
  const reentrant = [...orders];
  Object.defineProperty(reentrant, 150, {
    get() {
      calls++;
      // Both stage their input in wasm memory, where the list is being written.
      checkOrders({ ...base, orders: heavy(LONG, 'x', 30) });
      quoteFee({ amount: '10.00', history: [] });
      return orders[150];
    },
    enumerable: true,
  });
  assert.deepEqual(checkOrders({ ...base, orders: reentrant }), expected);
  assert.ok(calls >= 1);
});

test('long lists from objects: a proxy input, even one whose traps throw where JSON.stringify never looks, is read', () => {
  const input = { ...base, orders: heavy(LONG, '纯棉', 2) };
  const expected = checkOrders(input);
  assert.deepEqual(checkOrders(new Proxy(input, {})), expected);
  const prickly = new Proxy(input, {
    getPrototypeOf() {
      throw new Error('no prototype for you');
    },
  });
  assert.deepEqual(checkOrders(prickly), expected);
});

test('long lists from objects: an order toJSON sees its index in the whole list', () => {
  const orders = heavy(LONG, '纯棉', 2);
  const seen = [];
  const toJson = (o) => (key) => {
    seen.push(key);
    return o;
  };
  const keyed = orders.map((o, i) => (i % 70 === 3 ? { toJSON: toJson(o) } : o));
  assert.deepEqual(checkOrders({ ...base, orders: keyed }), checkOrders({ ...base, orders }));
  assert.deepEqual(
    seen,
    orders.flatMap((_, i) => (i % 70 === 3 ? [String(i)] : [])),
  );
});

test('long lists from objects: an orders property JSON.stringify would not print is missing, as in a short list', () => {
  for (const n of [5, LONG]) {
    const input = { ...base };
    Object.defineProperty(input, 'orders', { value: heavy(n, '纯棉', 2), enumerable: false });
    assert.throws(
      () => checkOrders(input),
      (e) => e instanceof KjbError && e.code === 'INVALID_INPUT' && e.path === 'orders',
      `${n} orders`,
    );
  }
});
