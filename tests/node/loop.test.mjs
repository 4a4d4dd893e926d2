// Issue 14's "Done when": the whole payment loop on the installed package, against the package's
// sandbox over real HTTP on 127.0.0.1. 40 orders are imported from the sandbox's own
// getBuyerOrderList answer (ordersFrom1688), planned, put on cashiers (cashierUrls); two cashiers
// are paid (one fails for the balance); pushes reach a node:http receiver that verifies them,
// answers 500 once (the sandbox re-sends) and misses one (pulled instead); the clock runs past
// some orders' pay timeout; paymentState folds links, pushes and orderStatus into the state of
// every order; confirmed messages are no longer pulled.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { KjbClient, Signer, ordersFrom1688, checkOrders, planPayment, paymentState, verifyPush } from 'kjb';
import { startSandbox, defaultConfig } from 'kjb/sandbox';

const APP_KEY = '1234567';
const SECRET = 'TESTSECRET123';
const ACCESS = '00000000-test-token-0000';
const REFRESH = '00000000-test-refresh-0000';
const KJB_SUPPLIERS = [
  'yiwu-starlight-toys',
  'shenzhen-bright-electronics',
  'guangzhou-silkroad-textile',
  'ningbo-harbor-home',
];
const N = 40;
/** Orders 35…39 must be paid within an hour of creation; the others have 1688's default 3 days. */
const SHORT = new Set([35, 36, 37, 38, 39]);
/** Order 17 is one the cashier refuses (cantPayOrderList). */
const REFUSED = 17;

// 19-digit ids above 2^53: a JSON.parse anywhere on the way would change their digits.
const idOf = (i) => String(3535260697417660000n + BigInt(i) * 101n);

function config() {
  const base = defaultConfig();
  const orders = Array.from({ length: N }, (_, i) => ({
    orderId: idOf(i),
    amount: `${100 + i * 7}.${String((i * 13) % 100).padStart(2, '0')}`,
    status: 'waitbuyerpay',
    tradeType: 'assureTrade',
    supplier: KJB_SUPPLIERS[i % KJB_SUPPLIERS.length],
    createTime: -600 - i * 60,
    payTimeout: SHORT.has(i) ? 3600 : 259200,
    items: [{ offerId: String(600000000000 + i), title: `Plush toy ${i}`, category: 'Toys', quantity: 2, unit: 'pcs' }],
    ...(i === REFUSED ? { kjbRefused: 'risk control' } : {}),
  }));
  // No rate limit here (pacing has its own tests); push re-sends 20 ms apart to keep the test short.
  return { ...base, qps: 0, strictOrders: true, pushRetry: { attempts: 4, baseMs: 20 }, orders };
}

/** A push receiver as an ERP writes it: verifies every push with kjb, answers 200; `failNext` answers 500 instead. */
async function startReceiver() {
  const r = { got: [], invalid: [], failNext: 0 };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let message;
      try {
        message = verifyPush({ appSecret: SECRET, body });
      } catch (e) {
        r.invalid.push({ body, error: `${e.code}: ${e.message}` });
        res.writeHead(400).end('bad signature');
        return;
      }
      const status = r.failNext > 0 ? 500 : 200;
      if (status === 500) r.failNext -= 1;
      r.got.push({ status, message, at: performance.now() });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'success' : 'try again');
    });
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  r.url = `http://127.0.0.1:${server.address().port}/1688/push`;
  r.close = () => new Promise((ok) => server.close(ok));
  /** The messages the receiver accepted (answered 200), as verifyPush gave them. */
  r.accepted = () => r.got.filter((g) => g.status === 200).map((g) => g.message);
  return r;
}

let sb;
let receiver;

before(async () => {
  receiver = await startReceiver();
  sb = await startSandbox({ config: config(), pushUrl: receiver.url });
});
after(async () => {
  await sb.close();
  await receiver.close();
});

async function control(route, body) {
  const res = await fetch(`${sb.url}/_sandbox/${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200, `${route}: ${await res.clone().text()}`);
  return res.json();
}

/** One signed gateway call whose raw answer text we keep (ordersFrom1688 takes the text, not JSON.parse's numbers). */
async function rawCall(signer, api, params) {
  const req = signer.sign({ api, accessToken: ACCESS, params, baseUrl: sb.url });
  const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body });
  const text = await res.text();
  assert.equal(res.status, 200, `${api}: ${text.slice(0, 300)}`);
  return text;
}

async function payCashier(payUrl, outcome) {
  const token = new URL(payUrl).searchParams.get('token');
  assert.ok(token, `a cashier link with a token: ${payUrl}`);
  const res = await fetch(`${sb.url}/cashier/pay`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(outcome ? { token, outcome } : { token }),
  });
  const answer = await res.json();
  assert.equal(res.status, 200, JSON.stringify(answer));
  return answer;
}

const byId = (states) => Object.fromEntries(states.map((s) => [s.orderId, s]));
const sorted = (ids) => [...ids].sort();

/** What a pushed and a pulled message both say (bizKey aside: the pull answer carries none). */
const core = ({ msgId, type, gmtBorn, userInfo, data, extraInfo }) => ({
  msgId,
  type,
  gmtBorn,
  userInfo,
  data,
  extraInfo,
});

test('the payment loop: 40 orders imported, planned, linked, paid or failed, pushed, pulled, closed and confirmed', async (t) => {
  const signer = new Signer({ appKey: APP_KEY, appSecret: SECRET });
  const client = new KjbClient({
    appKey: APP_KEY,
    appSecret: SECRET,
    baseUrl: sb.url,
    token: { accessToken: ACCESS, refreshToken: REFRESH },
    qps: 200,
    concurrency: 8,
  });
  const suppliers = Object.fromEntries(
    defaultConfig().suppliers.map((s) => [s.loginId, { kjb: s.kjb, chengxintong: s.chengxintong }]),
  );
  const account = defaultConfig().account;
  const buyer = {
    verified: account.verified,
    alipayPersonalLinked: account.alipayPersonalLinked,
    alipayBusinessLinked: account.alipayBusinessLinked,
    kjbActivated: account.kjbActivated,
  };
  const ids = Array.from({ length: N }, (_, i) => idOf(i));
  let orders;
  let plan;
  let run;

  await t.test(
    'import: the getBuyerOrderList answer through ordersFrom1688, ready for checkOrders without edits',
    async () => {
      const text = await rawCall(signer, 'alibaba.trade.getBuyerOrderList', { page: '1', pageSize: '50' });
      assert.match(text, /"id":3535260697417660\d{3}[,}]/, 'the answer carries the ids as JSON numbers too');
      orders = ordersFrom1688(text, { suppliers });
      assert.equal(orders.length, N);
      assert.deepEqual(sorted(orders.map((o) => o.orderId)), sorted(ids), 'every id keeps its 19 digits (idOfStr)');
      const cfg = config().orders;
      for (const o of orders) {
        const want = cfg.find((c) => c.orderId === o.orderId);
        assert.equal(o.amount, want.amount, `${o.orderId} amount as a CNY string`);
        assert.equal(o.status, 'waitbuyerpay');
        assert.equal(o.tradeType, 'assureTrade');
        assert.deepEqual(o.supplier, { loginId: want.supplier, kjb: true, chengxintong: true });
        assert.deepEqual(
          o.items.map((it) => it.offerId),
          [want.items[0].offerId],
        );
        assert.deepEqual(o.missing, [], `${o.orderId}: nothing missing`);
        // payBy = createTime + payTimeout, within the run's seconds of the sandbox's start.
        const left = Date.parse(o.payBy) - Date.now();
        const expected = (want.createTime + want.payTimeout) * 1000;
        assert.ok(
          Math.abs(left - expected) < 60_000,
          `${o.orderId} payBy ${o.payBy}: ${left} ms left, expected about ${expected}`,
        );
      }
      // The same order read alone (buyerView) imports to the same thing.
      const one = ordersFrom1688(
        await rawCall(signer, 'alibaba.trade.get.buyerView', { webSite: '1688', orderId: idOf(5) }),
        { suppliers },
      );
      assert.deepEqual(
        one,
        orders.filter((o) => o.orderId === idOf(5)),
      );
      const checked = checkOrders({ orders, buyer, fx: account.fx });
      assert.deepEqual(
        checked.results.filter((r) => !r.eligible),
        [],
        'every imported order is eligible',
      );
    },
  );

  await t.test(
    'plan and cashier links: four batches; the refused order refused with the gateway reason, every id once',
    async () => {
      plan = planPayment({
        orders,
        buyer,
        fx: account.fx,
        history: account.history,
        paidTodayUsd: account.paidTodayUsd,
      });
      assert.deepEqual([plan.rejected, plan.deferred], [[], []]);
      assert.deepEqual(
        plan.batches.map((b) => b.orderIds.length),
        [10, 10, 10, 10],
      );
      run = await client.cashierUrls(
        plan.batches.flatMap((b) => b.orderIds),
        { maxPerCall: 10 },
      );
      assert.deepEqual(run.failed, []);
      assert.deepEqual(
        run.refused.map((r) => [r.orderId, r.code]),
        [[idOf(REFUSED), 'REFUSED']],
      );
      assert.deepEqual(
        run.links.map((l) => l.orderIds),
        plan.batches.map((b) => b.orderIds.filter((id) => id !== idOf(REFUSED))),
        'links follow the plan',
      );
      const before = paymentState({ links: run });
      assert.equal(before.length, N);
      assert.equal(before.filter((s) => s.state === 'awaitingPayment').length, N - 1);
      assert.equal(byId(before)[idOf(REFUSED)].state, 'failed');
    },
  );

  // The cashiers paid: the first one pays, the second fails for the balance; the others wait.
  let paidLink;
  let failedLink;
  let waiting;
  let pulled;
  let statuses;

  await t.test(
    'pay the first cashier: the receiver answers 500 once, the sandbox re-sends, every push verifies',
    async () => {
      paidLink = run.links.find((l) => l.orderIds.every((id) => !SHORT.has(ids.indexOf(id))));
      const page = await fetch(paidLink.payUrl);
      assert.equal(page.status, 200);
      const html = await page.text();
      for (const id of paidLink.orderIds) assert.ok(html.includes(id), `the cashier page lists ${id}`);
      receiver.failNext = 1;
      const paid = await payCashier(paidLink.payUrl);
      assert.deepEqual([paid.paid, paid.outcome], [true, 'successed']);
      assert.deepEqual(sorted(paid.orderIds), sorted(paidLink.orderIds));
      await sb.sandbox.idle();
      assert.deepEqual(receiver.invalid, [], 'every push verifies');
      const refusedOnce = receiver.got.filter((g) => g.status === 500);
      assert.equal(refusedOnce.length, 1);
      const again = receiver.got.filter((g) => g.message.msgId === refusedOnce[0].message.msgId);
      assert.deepEqual(
        again.map((g) => g.status),
        [500, 200],
        'the push answered 500 came again and was taken',
      );
      assert.deepEqual(again[1].message, again[0].message, 'the re-sent push is the same message');
      const accepted = receiver.accepted();
      assert.equal(
        new Set(accepted.map((m) => m.msgId)).size,
        1 + paidLink.orderIds.length,
        'one ORDER_BATCH_PAY and one ORDER_BUYER_VIEW_ORDER_PAY per order',
      );
      const batch = accepted.find((m) => m.type === 'ORDER_BATCH_PAY');
      assert.deepEqual(
        batch.data.batchPay.map((b) => [b.orderId, b.status, b.paid]),
        paidLink.orderIds.map((id) => [id, 'successed', true]),
      );
      assert.deepEqual(
        sorted(accepted.filter((m) => m.type === 'ORDER_BUYER_VIEW_ORDER_PAY').map((m) => String(m.data.orderId))),
        sorted(paidLink.orderIds),
      );
      const now = byId(paymentState({ links: run, pushes: accepted }));
      for (const id of paidLink.orderIds) {
        assert.equal(now[id].state, 'paid', id);
        assert.ok(!Number.isNaN(Date.parse(now[id].paidAt)), `${id} paidAt ${now[id].paidAt}`);
      }
    },
  );

  await t.test(
    'the second cashier fails with ACCOUNT_BALANCE_NOT_ENOUGH and its push is lost: pulled instead',
    async () => {
      failedLink = run.links.find((l) => l !== paidLink && l.orderIds.every((id) => !SHORT.has(ids.indexOf(id))));
      waiting = run.links.filter((l) => l !== paidLink && l !== failedLink);
      await control('drop-push', { count: 1 });
      const before = receiver.got.length;
      const failed = await payCashier(failedLink.payUrl, 'ACCOUNT_BALANCE_NOT_ENOUGH');
      assert.deepEqual([failed.paid, failed.outcome], [false, 'ACCOUNT_BALANCE_NOT_ENOUGH']);
      await sb.sandbox.idle();
      assert.equal(receiver.got.length, before, 'the lost push never reached the receiver');
      // Without the lost push the failed batch still looks unpaid.
      const blind = byId(paymentState({ links: run, pushes: receiver.accepted() }));
      for (const id of failedLink.orderIds) assert.equal(blind[id].state, 'awaitingPayment', id);
      pulled = await client.pullMessages({ pageSize: 200 });
      assert.equal(
        pulled.length,
        1,
        `only the lost message is unconfirmed: ${JSON.stringify(pulled.map((m) => [m.msgId, m.type]))}`,
      );
      const [lost] = pulled;
      assert.equal(typeof lost.msgId, 'string');
      assert.equal(lost.type, 'ORDER_BATCH_PAY');
      assert.ok(!receiver.got.some((g) => g.message.msgId === lost.msgId));
      assert.deepEqual(
        lost.data.batchPay.map((b) => [b.orderId, b.status, b.paid]),
        failedLink.orderIds.map((id) => [id, 'ACCOUNT_BALANCE_NOT_ENOUGH', false]),
      );
      // The pulled message says what the lost push would have said (the pull API carries no bizKey).
      const record = sb.sandbox.state.pushes.find((p) => p.msgId === lost.msgId);
      assert.equal(record.dropped, true);
      const pushed = verifyPush({
        appSecret: SECRET,
        body: { message: record.message, _aop_signature: record.signature },
      });
      assert.deepEqual(core(lost), core(pushed));
    },
  );

  await t.test(
    'the clock passes the short pay timeouts: those unpaid orders close and push a close topic',
    async () => {
      const pushedBefore = receiver.accepted().length;
      const advanced = await control('advance', { seconds: 3600 });
      const short = ids.filter((_, i) => SHORT.has(i));
      assert.deepEqual(sorted(advanced.closed), sorted(short));
      await sb.sandbox.idle();
      const closes = receiver.accepted().slice(pushedBefore);
      assert.deepEqual(
        closes.map((m) => m.type),
        short.map(() => 'ORDER_BUYER_VIEW_ORDER_BOPS_CLOSE'),
      );
      assert.deepEqual(sorted(closes.map((m) => String(m.data.orderId))), sorted(short));
      statuses = await client.orderStatus(ids);
      assert.deepEqual(
        statuses.map((s) => s.orderId),
        ids,
        'orderStatus answers in input order',
      );
      for (const s of statuses) {
        const i = ids.indexOf(s.orderId);
        if (paidLink.orderIds.includes(s.orderId)) {
          assert.deepEqual([s.status, s.paid, s.closed], ['waitsellersend', true, false], s.orderId);
          assert.ok(s.payTime, `${s.orderId} has a payTime`);
        } else if (SHORT.has(i)) {
          assert.deepEqual([s.paid, s.closed], [false, true], s.orderId);
        } else {
          assert.deepEqual([s.status, s.paid, s.closed], ['waitbuyerpay', false, false], s.orderId);
        }
      }
    },
  );

  await t.test('paymentState: every order in the right state, whatever the order and repeats of the events', () => {
    // Every push the receiver verified (the 500'd one twice), then the pulled one.
    const pushes = [...receiver.got.map((g) => g.message), ...pulled];
    const final = paymentState({ links: run, pushes, statuses });
    assert.deepEqual(
      final.map((s) => s.orderId),
      sorted(ids),
      'one state per order, sorted by id',
    );
    const states = byId(final);
    const want = (id) => {
      const i = ids.indexOf(id);
      if (paidLink.orderIds.includes(id)) return 'paid';
      if (SHORT.has(i)) return 'closed';
      if (failedLink.orderIds.includes(id) || i === REFUSED) return 'failed';
      return 'awaitingPayment';
    };
    for (const id of ids) assert.equal(states[id].state, want(id), `${id} (order ${ids.indexOf(id)})`);
    const count = (s) => final.filter((x) => x.state === s).length;
    assert.deepEqual([count('paid'), count('failed'), count('closed'), count('awaitingPayment')], [10, 10, 5, 15]);
    assert.ok(
      waiting.flatMap((l) => l.orderIds).every((id) => ['closed', 'awaitingPayment'].includes(states[id].state)),
    );
    for (const id of paidLink.orderIds) {
      // Paid during this run (before the clock was moved on).
      assert.ok(Math.abs(Date.parse(states[id].paidAt) - Date.now()) < 60_000, `${id} paidAt ${states[id].paidAt}`);
      assert.equal(states[id].reason, undefined);
    }
    for (const id of failedLink.orderIds) {
      const { reason } = states[id];
      assert.equal(reason.code, 'ACCOUNT_BALANCE_NOT_ENOUGH', id);
      assert.match(reason.message, /balance/i);
      assert.match(reason.messageZh, /余额不足/);
    }
    assert.equal(states[idOf(REFUSED)].reason.code, 'REFUSED');
    assert.ok(states[idOf(REFUSED)].reason.message.length > 0);
    for (const i of SHORT)
      assert.ok(states[idOf(i)].reason && states[idOf(i)].reason.message, `closed order ${i} says why`);
    // The same events in another order, with repeats, give the same answer.
    const shuffled = [...pushes, ...pushes.slice(0, 7)].reverse();
    assert.deepEqual(paymentState({ statuses: [...statuses].reverse(), pushes: shuffled, links: [run, run] }), final);
    // The pushes and the pulled message alone (no statuses) already tell every state.
    assert.deepEqual(
      paymentState({ links: run, pushes }).map((s) => [s.orderId, s.state]),
      final.map((s) => [s.orderId, s.state]),
    );
  });

  await t.test('confirmed messages are no longer pulled', async () => {
    assert.equal(await client.confirmMessages(pulled.map((m) => m.msgId)), true);
    assert.deepEqual(await client.pullMessages({ pageSize: 200 }), []);
    const record = sb.sandbox.state.pushes.find((p) => p.msgId === pulled[0].msgId);
    assert.deepEqual([record.dropped, record.confirmed], [true, true]);
  });
});

test('a receiver down for every attempt: the sandbox gives up after pushRetry.attempts with growing pauses, the messages wait for the pull API; duplicates change no state', async () => {
  sb.sandbox.reset();
  receiver.got.length = 0;
  receiver.invalid.length = 0;
  const { attempts, baseMs } = config().pushRetry;
  const client = new KjbClient({
    appKey: APP_KEY,
    appSecret: SECRET,
    baseUrl: sb.url,
    token: { accessToken: ACCESS, refreshToken: REFRESH },
    qps: 200,
  });
  const first = Array.from({ length: 10 }, (_, i) => idOf(i));
  const second = Array.from({ length: 10 }, (_, i) => idOf(20 + i));
  const run = await client.cashierUrls([...first, ...second]);
  assert.deepEqual(
    run.links.map((l) => l.orderIds),
    [first, second],
  );

  receiver.failNext = 1_000;
  await payCashier(run.links[0].payUrl);
  await sb.sandbox.idle();
  assert.deepEqual(receiver.invalid, []);
  const msgIds = [...new Set(receiver.got.map((g) => g.message.msgId))];
  assert.equal(msgIds.length, 11);
  for (const msgId of msgIds) {
    const tries = receiver.got.filter((g) => g.message.msgId === msgId);
    assert.deepEqual(
      tries.map((g) => g.status),
      Array(attempts).fill(500),
      `${msgId}: tried ${attempts} times, then left`,
    );
    // Back-off: the pause before try n+1 is at least baseMs × 2^(n-1) (a lower bound holds on a busy machine too).
    for (let n = 1; n < tries.length; n++) {
      const gap = tries[n].at - tries[n - 1].at;
      assert.ok(gap >= baseMs * 2 ** (n - 1) - 2, `${msgId}: ${gap.toFixed(1)} ms before try ${n + 1}`);
    }
    const record = sb.sandbox.state.pushes.find((p) => p.msgId === msgId);
    assert.deepEqual(
      [record.delivered, record.confirmed, record.attempts, record.status],
      [false, false, attempts, 500],
    );
  }
  const pulled = await client.pullMessages({ pageSize: 200 });
  assert.deepEqual(sorted(pulled.map((m) => m.msgId)), sorted(msgIds), 'every undelivered message can be pulled');
  for (const m of pulled)
    assert.deepEqual(
      core(m),
      core(receiver.got.find((g) => g.message.msgId === m.msgId).message),
      `${m.msgId}: pulled as pushed`,
    );
  const fromPull = byId(paymentState({ links: run, pushes: pulled }));
  for (const id of first) assert.equal(fromPull[id].state, 'paid', id);
  for (const id of second) assert.equal(fromPull[id].state, 'awaitingPayment', id);

  // The receiver is back; the next messages each come twice, concurrently.
  receiver.failNext = 0;
  receiver.got.length = 0;
  await control('push-duplicates', { count: 12 });
  await payCashier(run.links[1].payUrl, 'ACCOUNT_FROZEN');
  await payCashier(run.links[1].payUrl);
  await sb.sandbox.idle();
  assert.deepEqual(receiver.invalid, []);
  const got = receiver.got.map((g) => g.message);
  const distinct = [...new Map(got.map((m) => [m.msgId, m])).values()];
  assert.equal(distinct.length, 12, 'a failed ORDER_BATCH_PAY, then a successful one and ten order pushes');
  for (const m of distinct) assert.equal(got.filter((x) => x.msgId === m.msgId).length, 2, `${m.msgId} came twice`);
  const once = paymentState({ links: run, pushes: [...pulled, ...distinct] });
  assert.deepEqual(paymentState({ links: run, pushes: [...got, ...pulled, ...got] }), once);
  const states = byId(once);
  for (const id of [...first, ...second])
    assert.equal(states[id].state, 'paid', `${id}: paid after the frozen account was sorted out`);

  assert.equal(await client.confirmMessages(pulled.map((m) => m.msgId)), true);
  assert.deepEqual(await client.pullMessages({ pageSize: 200 }), []);
});

test('each documented batch-payment failure reaches paymentState with its own reason, en and 中文', async () => {
  sb.sandbox.reset();
  receiver.got.length = 0;
  receiver.invalid.length = 0;
  receiver.failNext = 0;
  const client = new KjbClient({
    appKey: APP_KEY,
    appSecret: SECRET,
    baseUrl: sb.url,
    token: { accessToken: ACCESS, refreshToken: REFRESH },
    qps: 200,
  });
  const outcomes = ['ACCOUNT_BALANCE_NOT_ENOUGH', 'ACCOUNT_NOT_EXIST', 'ACCOUNT_FROZEN', 'PARAM_ILLEGAL'];
  const run = await client.cashierUrls(
    outcomes.map((_, i) => idOf(i)),
    { maxPerCall: 1 },
  );
  assert.equal(run.links.length, outcomes.length);
  for (const [i, outcome] of outcomes.entries()) await payCashier(run.links[i].payUrl, outcome);
  await sb.sandbox.idle();
  assert.deepEqual(receiver.invalid, []);
  const pushes = receiver.accepted();
  assert.deepEqual(
    pushes.map((m) => m.type),
    outcomes.map(() => 'ORDER_BATCH_PAY'),
  );
  const states = byId(paymentState({ links: run, pushes }));
  const messages = new Set();
  for (const [i, outcome] of outcomes.entries()) {
    const { state, reason } = states[idOf(i)];
    assert.equal(state, 'failed', outcome);
    assert.equal(reason.code, outcome);
    // A documented status has its own advice, not the fallback for unknown ones.
    assert.doesNotMatch(reason.message, /^The batch payment failed \(/, outcome);
    assert.match(reason.messageZh, /[\u4e00-\u9fff]/, outcome);
    messages.add(reason.message);
  }
  assert.equal(messages.size, outcomes.length, 'four different messages');
  const statuses = await client.orderStatus(outcomes.map((_, i) => idOf(i)));
  assert.deepEqual(
    statuses.map((s) => [s.paid, s.closed]),
    outcomes.map(() => [false, false]),
    'a failed batch leaves the orders unpaid and open',
  );
});
