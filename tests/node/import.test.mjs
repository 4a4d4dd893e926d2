// 1688 orders in, payment states out, on the installed package: ordersFrom1688 on 1688's own
// documented buyerView answer (samples/import-buyerView.json, verbatim from the API page),
// paymentState, the v1.1 parseResponse shapes, and `kjb import`.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ordersFrom1688, paymentState, checkOrders, planPayment, parseResponse, KjbError } from 'kjb';

const sample = (name) => fileURLToPath(new URL(`./samples/${name}`, import.meta.url));
const DOC = readFileSync(sample('import-buyerView.json'), 'utf8');
const KJB = fileURLToPath(new URL('./node_modules/.bin/kjb', import.meta.url));
const buyer = { verified: true, alipayPersonalLinked: true, alipayBusinessLinked: true, kjbActivated: true };

function run(args, input) {
  return new Promise((resolve) => {
    const child = execFile(KJB, args, (err, stdout, stderr) => resolve({ code: err ? err.code : 0, stdout, stderr }));
    if (input !== undefined) child.stdin.end(input);
  });
}

test("1688's documented buyerView example: idOfStr kept, CNY strings, passes checkOrders as it is", () => {
  assert.ok(DOC.includes('"id":58218860983545944') && DOC.includes('"idOfStr":"58218860983545941"'));
  const orders = ordersFrom1688(DOC);
  assert.equal(orders.length, 1);
  const [o] = orders;
  assert.equal(o.orderId, '58218860983545941');
  assert.equal(o.amount, '6.15');
  assert.equal(o.status, 'waitbuyerreceive');
  assert.deepEqual(o.supplier, { loginId: 'b测试账号110', kjb: 'unknown', chengxintong: 'unknown' });
  assert.deepEqual(
    o.items.map((i) => i.offerId),
    ['547486647009', '558700975520', '558700975520'],
  );
  assert.ok(o.missing.includes('baseInfo.tradeTypeCode') && o.missing.includes('baseInfo.payTimeout'));
  const { results } = checkOrders({ orders, buyer, fx: { usd: '7.1' } });
  assert.equal(results[0].orderId, '58218860983545941');
  assert.deepEqual(
    results[0].reasons.map((r) => r.code),
    ['SUPPLIER_UNKNOWN', 'TRADE_TYPE_UNKNOWN', 'ORDER_NOT_AWAITING_PAYMENT'],
  );
  const plan = planPayment({ orders, buyer, fx: { usd: '7.1' }, history: [] });
  assert.equal(plan.rejected[0].orderId, '58218860983545941');
});

test('a payable imported list plans, and its deadline is checked against now', () => {
  const answer = `{"result":[${[1, 2].map((n) => `{"baseInfo":{"id":353526069741766010${n},"idOfStr":"353526069741766010${n}","status":"waitbuyerpay","tradeTypeCode":"assureTrade","totalAmount":${n === 1 ? 60 : 50},"sellerOrder":false,"sellerLoginId":"s1","createTime":"20261127100000000+0800","payTimeout":43200},"productItems":[{"productID":574273466269,"name":"LED lamp"}]}`).join(',')}],"totalRecord":2}`;
  const orders = ordersFrom1688(answer, { suppliers: { s1: { kjb: true, chengxintong: true } } });
  assert.deepEqual(
    orders.map((o) => [o.orderId, o.amount, o.payBy]),
    [
      ['3535260697417660101', '60.00', '2026-11-27T14:00:00Z'],
      ['3535260697417660102', '50.00', '2026-11-27T14:00:00Z'],
    ],
  );
  const plan = planPayment({
    orders,
    buyer,
    fx: { usd: '7' },
    history: [],
    limits: { perDayUsd: '10' },
    now: '2026-11-27T09:00:00Z',
  });
  assert.deepEqual(
    plan.batches.map((b) => b.orderIds),
    [['3535260697417660101']],
  );
  assert.deepEqual(
    plan.deferred[0].reasons.map((r) => [r.code, r.severity]),
    [
      ['OVER_DAILY_LIMIT', 'block'],
      ['PAY_DEADLINE_BEFORE_DEFERRAL', 'warn'],
    ],
  );
  // Without `now` the JS layer supplies the current time: the plan still answers.
  assert.equal(planPayment({ orders, buyer, fx: { usd: '7' }, history: [] }).batches.length, 1);
});

test('ordersFrom1688 refuses parsed objects and bad answers with a KjbError', () => {
  assert.throws(
    () => ordersFrom1688(JSON.parse(DOC)),
    (e) => e instanceof KjbError && e.code === 'INVALID_INPUT' && e.path === 'answer',
  );
  assert.throws(
    () => ordersFrom1688('{"result":{"baseInfo":{"idOfStr":"58218860983545941"}}}'),
    (e) => e.code === 'INVALID_AMOUNT' && e.path === 'answer.result.baseInfo.totalAmount',
  );
  assert.throws(
    () => ordersFrom1688('{"success":false,"errorCode":"ORDER_NOT_EXIST","errorMessage":"no"}'),
    (e) => e.code === 'BUSINESS_ERROR',
  );
});

test('paymentState: any order, repeats, precedence, en/中文 reasons', () => {
  const pushes = [
    {
      msgId: '1',
      type: 'ORDER_BATCH_PAY',
      gmtBorn: 1764035064904,
      data: {
        batchPay: [
          { orderId: '11', status: 'successed', paid: true },
          { orderId: '12', status: 'ACCOUNT_BALANCE_NOT_ENOUGH', paid: false },
        ],
      },
    },
    { msgId: '2', type: 'ORDER_BUYER_VIEW_ORDER_BUYER_CLOSE', gmtBorn: 1764035064905, data: { orderId: '13' } },
  ];
  const links = { links: [{ orderIds: ['11', '12', '13', '14'], payUrl: 'https://x' }], refused: [], failed: [] };
  const want = paymentState({ links, pushes });
  assert.deepEqual(
    want.map((s) => [s.orderId, s.state]),
    [
      ['11', 'paid'],
      ['12', 'failed'],
      ['13', 'closed'],
      ['14', 'awaitingPayment'],
    ],
  );
  assert.equal(want[0].paidAt, '2025-11-25T01:44:24Z');
  assert.equal(want[1].reason.code, 'ACCOUNT_BALANCE_NOT_ENOUGH');
  assert.match(want[1].reason.messageZh, /余额不足/);
  assert.deepEqual(paymentState({ pushes: [...pushes, ...pushes].reverse(), links: [links, links] }), want);
});

test('parseResponse: buyerView money as CNY strings, ids from idOfStr', () => {
  const v = parseResponse({ api: 'alibaba.trade.get.buyerView', status: 200, body: DOC });
  assert.equal(v.result.baseInfo.id, '58218860983545941');
  assert.equal(v.result.baseInfo.totalAmount, '6.15');
  assert.equal(v.result.baseInfo.shippingFee, '6.00');
  assert.equal(v.result.productItems[0].subItemID, '128403042259997715');
});

test('kjb import: a saved answer, stdin, and {answer, suppliers}', async () => {
  let r = await run(['import', sample('import-buyerView.json')]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout)[0].orderId, '58218860983545941');
  r = await run(['import', '-'], DOC);
  assert.equal(JSON.parse(r.stdout)[0].amount, '6.15');
  r = await run(
    ['import'],
    JSON.stringify({
      answer: JSON.parse(DOC),
      suppliers: { b测试账号110: { kjb: true, chengxintong: false } },
    }).replace('"id":58218860983545940', '"id":58218860983545944'),
  );
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout)[0].supplier, { loginId: 'b测试账号110', kjb: true, chengxintong: false });
  r = await run(['import', '-'], '{"result":{}}');
  assert.equal(r.code, 2);
  assert.equal(JSON.parse(r.stderr).error.path, 'answer.result');
});
