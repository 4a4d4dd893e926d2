// The installed package, imported as ESM the way a Node user does.
import test from 'node:test';
import assert from 'node:assert/strict';
import init, { quoteFee, feeSchedule, KjbError, initSync, checkOrders, parseResponse } from 'kjb';
import kjbCjs from 'kjb';

test('quoteFee gives the contract example', () => {
  const q = quoteFee({ amount: '10.00', history: ['150000'] });
  assert.equal(q.fee, '0.02');
  assert.equal(q.tier, 2);
  assert.equal(q.rate, '0.0015');
  assert.equal(q.amount, '10.00');
  assert.equal(q.basis, 'lastMonth');
  assert.deepEqual(q.next, { tier: 3, rate: '0.0008', from: '3000000.00', volumeNeeded: '2850000.00', fee: '0.01' });
});

test('init is the default export and resolves at once in Node', async () => {
  assert.equal(typeof init, 'function');
  await init();
  initSync();
  assert.equal(typeof kjbCjs, 'function');
});

test('bad money throws KjbError with code and path, and the next call works', () => {
  for (const amount of [
    'abc',
    -1,
    NaN,
    '1.005',
    1e21,
    Infinity,
    -Infinity,
    '',
    '1e5',
    null,
    undefined,
    {},
    [],
    true,
    0.1 + 0.2,
  ]) {
    assert.throws(
      () => quoteFee({ amount }),
      (e) => {
        assert.ok(e instanceof KjbError, `${amount}: ${e}`);
        assert.ok(e instanceof Error);
        assert.equal(e.name, 'KjbError');
        assert.match(e.code, /^(INVALID_AMOUNT|INVALID_INPUT)$/, String(amount));
        assert.equal(e.path, 'amount', String(amount));
        assert.match(e.message, /amount/);
        return true;
      },
    );
    assert.equal(quoteFee({ amount: '100', history: [] }).fee, '0.20');
  }
});

test('exact JS numbers are accepted; -0 is zero', () => {
  assert.equal(quoteFee({ amount: 12.5, history: [150000] }).amount, '12.50');
  assert.equal(quoteFee({ amount: -0 }).fee, '0.00');
});

test('non-object input is an INVALID_INPUT error', () => {
  for (const bad of [undefined, null, 42, 'x']) {
    assert.throws(
      () => quoteFee(bad),
      (e) => e instanceof KjbError && e.code === 'INVALID_INPUT',
    );
  }
  const cyclic = { amount: '1' };
  cyclic.self = cyclic;
  assert.throws(
    () => quoteFee(cyclic),
    (e) => e instanceof KjbError && e.code === 'INVALID_INPUT',
  );
});

test('feeSchedule is the built-in table and round-trips as a custom schedule', () => {
  const s = feeSchedule();
  assert.equal(s.currency, 'CNY');
  assert.equal(s.rounding, 'halfUp');
  assert.deepEqual(
    s.tiers.map((t) => [t.tier, t.rate]),
    [
      [1, '0.002'],
      [2, '0.0015'],
      [3, '0.0008'],
      [4, '0.0003'],
      [5, '0.0002'],
      [6, '0.00015'],
    ],
  );
  assert.equal(s.tiers[5].to, null);
  assert.deepEqual(
    quoteFee({ amount: '10.00', history: ['150000'], schedule: s }),
    quoteFee({ amount: '10.00', history: ['150000'] }),
  );
});

test('custom schedules are validated', () => {
  assert.throws(
    () => quoteFee({ amount: '1', schedule: { tiers: [{ from: '5', rate: '0.01' }] } }),
    (e) => e.code === 'INVALID_SCHEDULE' && e.path === 'schedule.tiers[0].from',
  );
});

test('nesting deeper than 64 levels is refused', () => {
  const deep = {};
  let cur = deep;
  for (let i = 0; i < 100; i++) cur = cur.x = {};
  assert.throws(
    () => quoteFee({ amount: '1', schedule: { tiers: [], deep } }),
    (e) => e.code === 'INVALID_JSON',
  );
});

// An object cannot hold a key twice; JSON texts can: orders passed as text, gateway answers.
test('a key repeated in a JSON text input is refused, with its position', () => {
  const order =
    '{"orderId":"1","amount":"5.00","amount":"6.00","status":"waitbuyerpay","tradeType":"assureTrade","supplier":{"loginId":"s","kjb":true,"chengxintong":true},"items":[]}';
  const buyer = { verified: true, alipayPersonalLinked: true, alipayBusinessLinked: true, kjbActivated: true };
  assert.throws(
    () => checkOrders({ orders: `[${order}]`, buyer, fx: { usd: '7' } }),
    (e) =>
      e instanceof KjbError && e.code === 'INVALID_JSON' && /amount/.test(e.message) && e.line === 1 && e.column > 1,
  );
  const body = '{"success":"true","payUrl":"https://cashier.1688.com/a","payUrl":"https://cashier.1688.com/b"}';
  assert.throws(
    () => parseResponse({ api: 'alibaba.crossBorderPay.url.get', status: 200, body }),
    (e) => e instanceof KjbError && e.code === 'INVALID_JSON' && /payUrl/.test(e.message),
  );
});
