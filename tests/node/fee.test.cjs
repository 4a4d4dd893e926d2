// The installed package, required as CommonJS.
const test = require('node:test');
const assert = require('node:assert/strict');
const kjb = require('kjb');

test('require(kjb) works synchronously and gives the contract example', () => {
  const q = kjb.quoteFee({ amount: '10.00', history: ['150000'] });
  assert.equal(q.fee, '0.02');
  assert.equal(q.tier, 2);
  assert.equal(q.rate, '0.0015');
});

test('require and import share one KjbError class', async () => {
  const esm = await import('kjb');
  assert.equal(esm.KjbError, kjb.KjbError);
  assert.throws(() => kjb.quoteFee({ amount: 'abc' }), esm.KjbError);
});

// Every function of the contract (v1.1 included); the classes are checked beside them.
const FUNCTIONS = [
  'feeSchedule',
  'quoteFee',
  'checkOrders',
  'planPayment',
  'buildRequest',
  'signRequest',
  'signature',
  'parseResponse',
  'verifyPush',
  'authorizeUrl',
  'orderIds',
  'parseToken',
  'ordersFrom1688',
  'paymentState',
  'init',
  'initSync',
];
const CLASSES = ['Signer', 'KjbClient', 'KjbError'];

test('every export of the contract is there', () => {
  for (const name of [...FUNCTIONS, ...CLASSES]) {
    assert.equal(typeof kjb[name], 'function', name);
  }
});

test('TypeScript declarations ship for import and require', () => {
  const fs = require('node:fs');
  const path = require('node:path');
  const root = path.dirname(require.resolve('kjb/package.json'));
  const pj = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  assert.deepEqual(Object.keys(pj.exports['.'])[0], 'types');
  for (const f of ['index.d.ts', 'index.d.mts', 'index.d.cts']) {
    const dts = fs.readFileSync(path.join(root, f), 'utf8');
    for (const name of FUNCTIONS) {
      assert.match(dts, new RegExp(`export declare function ${name}\\(`), `${f}: ${name}`);
    }
    for (const name of CLASSES) assert.match(dts, new RegExp(`export declare class ${name}\\b`), `${f}: ${name}`);
  }
  assert.ok(fs.existsSync(path.join(root, 'web', 'kjb_bg.wasm')));
  // The reference the types and the README point to ships with them.
  assert.match(fs.readFileSync(path.join(root, 'docs', 'api.md'), 'utf8'), /^# kjb JavaScript API reference/);
  assert.equal(require.resolve('kjb/kjb_bg.wasm'), path.join(root, 'web', 'kjb_bg.wasm'));
});
