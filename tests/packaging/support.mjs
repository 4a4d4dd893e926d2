// Shared by packaging.test.mjs: installing the packed package into the consumer projects, and
// the contract assertions every consumer's answers must meet (docs/api.md).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';

export const run = promisify(execFile);
export const inputs = JSON.parse(readFileSync(new URL('inputs.json', import.meta.url), 'utf8'));

/** Registers the three contract checks on `out` = {quote, plan, request} as subtests of `t`. */
export async function checkAnswers(t, out) {
  await t.test('quoteFee: fee at the tier', () => checkQuote(out.quote));
  await t.test('planPayment: batches, rejected, deferred, totals', () => checkPlan(out.plan));
  await t.test('buildRequest: unsigned, browser-safe request', () => checkRequest(out.request));
}

/** `actual` has at least the fields of `expected`, recursively (more fields are welcome). */
export function assertFields(actual, expected, where = '') {
  if (expected === null || typeof expected !== 'object') {
    assert.deepEqual(
      actual,
      expected,
      `${where || 'value'}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`,
    );
    return;
  }
  assert.ok(
    actual !== null && typeof actual === 'object',
    `${where}: expected an object, got ${JSON.stringify(actual)}`,
  );
  for (const key of Object.keys(expected)) assertFields(actual[key], expected[key], where ? `${where}.${key}` : key);
}

function ok(result, name) {
  assert.ok(result, `${name}: no answer`);
  assert.ok(!result.error, `${name} threw ${JSON.stringify(result.error)}`);
  return result.ok;
}

export const EXPECTED_QUOTE = {
  amount: '3833.33',
  fee: '5.75',
  rate: '0.0015',
  tier: 2,
  applicableAmount: '150000.00',
  basis: 'lastMonth',
  lastMonth: '150000.00',
  average: '115000.00',
  next: { tier: 3, rate: '0.0008', from: '3000000.00', volumeNeeded: '2850000.00', fee: '3.07' },
};

export function checkQuote(result) {
  assertFields(ok(result, 'quoteFee'), EXPECTED_QUOTE);
}

// inputs.plan: four orders at tier 2 (0.15 %), maxPerCall 2; the fourth supplier has no KJB.
export const ELIGIBLE = ['3535260697417660107', '3535260697417660108', '3535260697417660109'];
export const REJECTED = '3535260697417660110';
const ORDER_FEE = { '3535260697417660107': 150, '3535260697417660108': 375, '3535260697417660109': 50 }; // fen
export const EXPECTED_TOTALS = { orders: 4, payable: 3, amount: '3833.33', fee: '5.75', tier: 2, rate: '0.0015' };

const cents = (s) => {
  assert.match(s, /^\d+\.\d{2}$/, `CNY money is a string with 2 decimals: ${JSON.stringify(s)}`);
  return Number(s.replace('.', ''));
};
const yuan = (c) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;

function assertUsd(usd, cny, where) {
  assert.equal(typeof usd, 'string', `${where}: amountUsd is a decimal string`);
  assert.match(usd, /^\d+(\.\d+)?$/, `${where}: amountUsd ${usd}`);
  const want = Number(cny) / Number(inputs.plan.fx.usd);
  assert.ok(
    Math.abs(Number(usd) - want) < 0.011,
    `${where}: amountUsd ${usd} is not ${cny} CNY / ${inputs.plan.fx.usd}`,
  );
}

export function checkPlan(result) {
  const plan = ok(result, 'planPayment');
  const amountOf = Object.fromEntries(inputs.plan.orders.map((o) => [o.orderId, cents(o.amount)]));
  for (const key of ['batches', 'rejected', 'deferred']) assert.ok(Array.isArray(plan[key]), `plan.${key} is a list`);

  // Every input order exactly once across batches, rejected and deferred.
  const seen = [
    ...plan.batches.flatMap((b) => b.orderIds),
    ...plan.rejected.map((r) => r.orderId),
    ...plan.deferred.map((d) => d.orderId),
  ];
  assert.deepEqual(
    [...seen].sort(),
    inputs.plan.orders.map((o) => o.orderId).sort(),
    'every order appears exactly once',
  );

  assert.deepEqual(
    plan.batches.flatMap((b) => b.orderIds).sort(),
    ELIGIBLE,
    'the eligible orders are batched, 19-digit ids intact',
  );
  assert.equal(plan.batches.length, 2, 'three payable orders at maxPerCall 2 make two gateway calls');
  for (const [i, b] of plan.batches.entries()) {
    const where = `batches[${i}]`;
    assert.equal(b.api, 'alibaba.crossBorderPay.url.get', `${where}.api`);
    assert.ok(b.orderIds.length >= 1 && b.orderIds.length <= inputs.plan.maxPerCall, `${where}: 1..maxPerCall ids`);
    assert.equal(b.amount, yuan(b.orderIds.reduce((s, id) => s + amountOf[id], 0)), `${where}.amount`);
    assert.equal(
      b.fee,
      yuan(b.orderIds.reduce((s, id) => s + ORDER_FEE[id], 0)),
      `${where}.fee is the sum of per-order fees`,
    );
    assertUsd(b.amountUsd, b.amount, where);
  }

  assert.equal(plan.rejected.length, 1);
  assert.equal(plan.rejected[0].orderId, REJECTED);
  const reason = plan.rejected[0].reasons.find((r) => r.code === 'SUPPLIER_NOT_KJB');
  assert.ok(reason, `rejected for SUPPLIER_NOT_KJB: ${JSON.stringify(plan.rejected[0].reasons)}`);
  assert.equal(reason.severity, 'block');
  for (const k of ['message', 'messageZh', 'path']) assert.equal(typeof reason[k], 'string', `reason.${k}`);
  assert.deepEqual(plan.deferred, []);

  assertFields(plan.totals, EXPECTED_TOTALS, 'totals');
  assertUsd(plan.totals.amountUsd, plan.totals.amount, 'totals');
}

export const EXPECTED_URL_PATH = 'param2/1/com.alibaba.trade/alibaba.crossBorderPay.url.get/1234567';

export function checkRequest(result) {
  const req = ok(result, 'buildRequest');
  assert.equal(req.method, 'POST');
  assert.equal(req.urlPath, EXPECTED_URL_PATH);
  assert.equal(req.url, `https://gw.open.1688.com/openapi/${EXPECTED_URL_PATH}`);
  assert.ok(Array.isArray(req.params), 'params is a list of [key, value] pairs');
  for (const p of req.params) {
    assert.ok(
      Array.isArray(p) && p.length === 2 && typeof p[0] === 'string' && typeof p[1] === 'string',
      `param pair ${JSON.stringify(p)}`,
    );
  }
  const params = new Map(req.params);
  assert.equal(params.size, req.params.length, 'no key twice');
  assert.equal(params.get('access_token'), 'tok');
  assert.equal(params.get('orderIdList'), '[3535260697417660107]', 'ids go as a JSON array of numbers, digits intact');
  assert.ok(!params.has('_aop_signature'), 'unsigned: no signature, no secret');
  // The gateway's string to sign: urlPath + the byte-wise sorted `key + value` strings.
  const sorted = req.params
    .map(([k, v]) => Buffer.from(k + v, 'utf8'))
    .sort(Buffer.compare)
    .map(String);
  assert.equal(req.stringToSign, EXPECTED_URL_PATH + sorted.join(''));
  assert.ok(
    req.stringToSign.includes('access_tokentok') && req.stringToSign.includes('orderIdList[3535260697417660107]'),
  );
}
