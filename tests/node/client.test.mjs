// KjbClient end to end, over real HTTP on 127.0.0.1, against the package's own sandbox (which
// checks signatures with its own HMAC, not with the kjb core). The live gateway's behaviours
// (rate limits, tokens, partial failure) are in client-live.test.mjs.
import test, { before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import util from 'node:util';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { KjbClient, KjbError, Signer } from 'kjb';
import { startSandbox, defaultConfig } from 'kjb/sandbox';

const APP = { appKey: '1234567', appSecret: 'TESTSECRET123', accessToken: '00000000-test-token-0000' };
const BIG = ['3535260697417660107', '3535260697417660108'];

let sb;
let config;

before(async () => {
  config = defaultConfig();
  sb = await startSandbox({ config });
});
after(() => sb.close());
beforeEach(() => sb.sandbox.reset());

/** A fetch that counts (and can delay) calls on their way to the real one. */
function countingFetch({ delay } = {}) {
  const calls = [];
  const fetch = async (url, init) => {
    calls.push({ url, body: init.body });
    if (delay) await new Promise((r) => setTimeout(r, delay()));
    return globalThis.fetch(url, init);
  };
  return { fetch, calls };
}

function client(extra = {}) {
  return new KjbClient({ ...APP, baseUrl: sb.url, retryDelayMs: 5, qps: 200, ...extra });
}

/** What the sandbox config says KJB refuses (computed from the config, not from the sandbox). */
function refusedByConfig(order) {
  const supplier = config.suppliers.find((s) => s.loginId === order.supplier);
  return (
    Boolean(order.kjbRefused) ||
    (supplier && supplier.kjb === false) ||
    (order.status || 'waitbuyerpay') !== 'waitbuyerpay' ||
    (order.tradeType || 'assureTrade') !== 'assureTrade'
  );
}

test('KjbClient is exported by the package (import and require) and typed', async () => {
  assert.equal(typeof KjbClient, 'function');
  const require = createRequire(import.meta.url);
  assert.equal(require('kjb').KjbClient, KjbClient);
  const root = dirname(require.resolve('kjb/package.json'));
  for (const f of ['index.d.ts', 'index.d.mts', 'index.d.cts']) {
    assert.match(readFileSync(join(root, f), 'utf8'), /export declare class KjbClient \{/, f);
  }
  assert.match(readFileSync(join(root, 'sandbox', 'index.d.mts'), 'utf8'), /export declare function startSandbox\(/);
});

/** An order the url APIs answer with a documented free-text error for its whole call. */
const batchBreaker = (o) => Boolean(o.manualTrade || o.stockError);

test('45 orders, some refused: links of up to 10 ids in batch order, refusals with their code, every id once', async () => {
  const orders = config.orders.slice(0, 45);
  const ids = orders.map((o) => o.orderId);
  const byId = new Map(orders.map((o) => [o.orderId, o]));
  // The expectation, computed from the config: a batch with a MANUAL-TRADE / stock-error order is
  // refused whole; in the others KJB's own refusals are listed and the rest get a link.
  const expectedLinks = [];
  const expectedRefused = [];
  for (let i = 0; i < ids.length; i += 10) {
    const batch = ids.slice(i, i + 10);
    const breaker = batch.map((id) => byId.get(id)).find(batchBreaker);
    if (breaker) {
      for (const id of batch)
        expectedRefused.push([id, breaker.manualTrade ? 'MANUAL_ORDER' : 'PRODUCT_TRADE_STAT_ERROR']);
      continue;
    }
    const payable = batch.filter((id) => !refusedByConfig(byId.get(id)));
    for (const id of batch)
      if (refusedByConfig(byId.get(id))) expectedRefused.push([id, payable.length ? 'REFUSED' : '400_4']);
    if (payable.length) expectedLinks.push(payable);
  }
  assert.ok(expectedRefused.length >= 5, 'the default config has refused orders among the first 45');
  const { fetch, calls } = countingFetch();
  const out = await client({ fetch }).cashierUrls(ids);
  assert.equal(calls.length, 5);
  assert.deepEqual(
    out.links.map((l) => l.orderIds),
    expectedLinks,
  );
  for (const link of out.links) assert.match(link.payUrl, new RegExp(`^${sb.url}/cashier\\?token=[0-9a-f]+$`));
  assert.deepEqual(
    out.refused.map((r) => [r.orderId, r.code === '400_4' ? 'REFUSED' : r.code]).sort(),
    expectedRefused.map(([id, code]) => [id, code === '400_4' ? 'REFUSED' : code]).sort(),
  );
  for (const r of out.refused) assert.ok(typeof r.reason === 'string' && r.reason !== '', r.orderId);
  assert.ok(
    out.refused.some((r) => r.reason === 'Batch pay : not surport MANUAL-TRADE!') ||
      !expectedRefused.some(([, c]) => c === 'MANUAL_ORDER'),
  );
  assert.deepEqual(out.failed, []);
  const all = [...out.links.flatMap((l) => l.orderIds), ...out.refused.map((r) => r.orderId)];
  assert.deepEqual([...all].sort(), [...ids].sort());
  // The sandbox saw exactly these calls, each signed correctly.
  assert.deepEqual(
    sb.sandbox.state.calls.map((c) => c.status),
    [200, 200, 200, 200, 200],
  );
});

test('maxPerCall splits differently and is validated before any call', async () => {
  const ids = config.orders
    .filter((o) => !batchBreaker(o))
    .slice(0, 45)
    .map((o) => o.orderId);
  const { fetch, calls } = countingFetch();
  const c = client({ fetch });
  const out = await c.cashierUrls(ids, { maxPerCall: 30 });
  assert.equal(out.links.length, 2);
  assert.equal(calls.length, 2);
  for (const maxPerCall of [0, 31, 2.5, '10']) {
    await assert.rejects(
      c.cashierUrls(ids, { maxPerCall }),
      (e) => e instanceof KjbError && e.code === 'INVALID_INPUT' && e.path === 'maxPerCall',
    );
  }
  await assert.rejects(
    c.cashierUrls(ids, { api: 'alibaba.trade.payWay.query' }),
    (e) => e.code === 'INVALID_INPUT' && e.path === 'api',
  );
  assert.equal(calls.length, 2);
  assert.deepEqual(await c.cashierUrls([]), { links: [], refused: [], failed: [] });
});

test('order ids: strings, BigInt and safe numbers; unsafe numbers and junk refused before any call; repeats dropped', async () => {
  const { fetch, calls } = countingFetch();
  const c = client({ fetch });
  const safe = config.orders.find((o) => !refusedByConfig(o) && !BIG.includes(o.orderId)).orderId;
  const out = await c.cashierUrls([BigInt(BIG[0]), BIG[1], Number(safe), BIG[0]]);
  assert.deepEqual(
    out.links.map((l) => l.orderIds),
    [[BIG[0], BIG[1], safe]],
  );
  assert.equal(calls.length, 1);
  await assert.rejects(
    c.cashierUrls([BIG[1], Number(BIG[0])]),
    (e) => e instanceof KjbError && e.code === 'UNSAFE_ORDER_ID' && e.path === 'orderIds[1]',
  );
  for (const bad of ['12a', '', '0', '0123', -5, 1.5, null, {}, '99999999999999999999']) {
    await assert.rejects(
      c.cashierUrls(['1', bad]),
      (e) => e.code === 'INVALID_ORDER_ID' && e.path === 'orderIds[1]',
      String(bad),
    );
  }
  await assert.rejects(c.cashierUrls('3535260697417660107'), (e) => e.code === 'INVALID_INPUT');
  assert.equal(calls.length, 1);
});

test('19-digit ids survive the round trip, in links and in the refused list', async () => {
  const cfg = defaultConfig();
  cfg.orders.find((o) => o.orderId === BIG[1]).kjbRefused = 'quota';
  const own = await startSandbox({ config: cfg });
  try {
    const c = new KjbClient({ ...APP, baseUrl: own.url });
    const out = await c.cashierUrls([BIG[0], BIG[1], '9223372036854775807']);
    assert.deepEqual(
      out.links.map((l) => l.orderIds),
      [[BIG[0], '9223372036854775807']],
    );
    assert.deepEqual(
      out.refused.map((r) => r.orderId),
      [BIG[1]],
    );
    // The sandbox sent them back as JSON numbers, as 1688 does.
    const session = [...own.sandbox.state.sessions.values()][0];
    assert.deepEqual(session.orderIds, [BIG[0], '9223372036854775807']);
  } finally {
    await own.close();
  }
});

test('a forced rate limit is retried with back-off and then succeeds', async () => {
  sb.sandbox.rateLimit(2);
  const { fetch, calls } = countingFetch();
  const started = Date.now();
  const out = await client({ fetch, retryDelayMs: 20 }).cashierUrls([BIG[0]]);
  assert.equal(out.links.length, 1);
  assert.equal(calls.length, 3);
  const codes = sb.sandbox.state.calls.map((c) => c.code || c.status);
  assert.equal(codes.length, 3);
  assert.equal(codes[2], 200);
  for (const c of codes.slice(0, 2)) assert.ok(['gw.QosAppFrequencyLimit', 'gw.QosRequestLimit'].includes(c), c);
  // Back-off of at least half of 20 ms then half of 40 ms.
  assert.ok(Date.now() - started >= 30, `waited ${Date.now() - started} ms`);
});

test('rate limiting past the retry budget lands the call in failed, retryable (control endpoint over HTTP)', async () => {
  const r = await fetch(`${sb.url}/_sandbox/rate-limit`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"count":10}',
  });
  assert.equal(r.status, 200);
  const { fetch: f, calls } = countingFetch();
  const out = await client({ fetch: f, retries: 2 }).cashierUrls([BIG[0]]);
  assert.deepEqual(out.links, []);
  assert.equal(out.failed.length, 1);
  const { error } = out.failed[0];
  assert.deepEqual(out.failed[0].orderIds, [BIG[0]]);
  assert.equal(error.code, 'GATEWAY_ERROR');
  assert.ok(['gw.QosAppFrequencyLimit', 'gw.QosRequestLimit'].includes(error.gatewayCode), error.gatewayCode);
  assert.equal(error.retryable, true);
  assert.equal(calls.length, 3);
});

test('a wrong secret gives GATEWAY_ERROR gw.SignatureInvalid, not retried, and never shows the secret', async () => {
  const secret = 'WRONG-SECRET-5a1e';
  const { fetch, calls } = countingFetch();
  const c = new KjbClient({ ...APP, appSecret: secret, baseUrl: sb.url, fetch, concurrency: 1, qps: 200 });
  let error;
  await assert.rejects(c.cashierUrls(config.orders.slice(0, 25).map((o) => o.orderId)), (e) => {
    error = e;
    return (
      e instanceof KjbError &&
      e.code === 'GATEWAY_ERROR' &&
      e.gatewayCode === 'gw.SignatureInvalid' &&
      e.retryable === false &&
      e.httpStatus >= 400
    );
  });
  assert.equal(calls.length, 1, 'fails fast: no retry, no further batch');
  assert.deepEqual(error.partial.links, []);
  assert.equal(error.partial.failed.length, 1);
  assert.equal(error.partial.pending.length, 15);
  // With calls in parallel, each batch is still tried once only.
  const { fetch: f2, calls: calls2 } = countingFetch();
  await assert.rejects(
    new KjbClient({ ...APP, appSecret: secret, baseUrl: sb.url, fetch: f2, qps: 200 }).cashierUrls(
      config.orders.map((o) => o.orderId),
    ),
    (e) => e.gatewayCode === 'gw.SignatureInvalid',
  );
  assert.ok(calls2.length <= 4, `${calls2.length} calls: no more than the calls already under way (concurrency 4)`);
  assert.equal(new Set(calls2.map((x) => x.body.replace(/_aop_timestamp=\d+&?/, ''))).size, calls2.length);
  for (const text of [
    error.message,
    error.stack,
    JSON.stringify(error),
    util.inspect(error, { depth: 10, showHidden: true }),
  ]) {
    assert.ok(!text.includes(secret), text);
  }
  for (const call of calls) assert.ok(!call.body.includes(secret));
});

test('the secret is in no JS property: JSON, inspect, string, own keys, constructor errors', () => {
  const secret = 'VERY-SECRET-9f3c';
  const c = new KjbClient({ ...APP, appSecret: secret, baseUrl: 'https://gw.example.invalid' });
  const views = [
    JSON.stringify(c),
    String(c),
    util.inspect(c),
    util.inspect(c, { showHidden: true, depth: Infinity, customInspect: false }),
    JSON.stringify(Object.getOwnPropertyNames(c).map((k) => c[k])),
    JSON.stringify(Object.getOwnPropertySymbols(c).map(String)),
  ];
  for (const v of views) assert.ok(!v.includes(secret), v);
  assert.deepEqual(JSON.parse(JSON.stringify(c)), { appKey: '1234567', baseUrl: 'https://gw.example.invalid' });
  assert.equal(c.appKey, '1234567');
  for (const bad of [
    { appKey: 'abc' },
    { accessToken: '' },
    { timeoutMs: -1 },
    { baseUrl: 'ftp://x' },
    { baseUrl: 'http://10.0.0.5:8080' },
    { fetch: 42 },
  ]) {
    assert.throws(
      () => new KjbClient({ ...APP, appSecret: secret, ...bad }),
      (e) => {
        assert.ok(e instanceof KjbError, String(e));
        assert.ok(
          !e.message.includes(secret) && !JSON.stringify(e).includes(secret) && !util.inspect(e).includes(secret),
        );
        return true;
      },
    );
  }
  assert.throws(
    () => new KjbClient(),
    (e) => e.code === 'INVALID_INPUT',
  );
  c.free();
  return assert.rejects(c.cashierUrls(['1']), (e) => e instanceof KjbError);
});

test('a gateway that does not answer in time: the call lands in failed as GATEWAY_ERROR TIMEOUT, not retried', async () => {
  sb.sandbox.delay(2000, 1);
  const { fetch, calls } = countingFetch();
  const started = Date.now();
  const out = await client({ fetch, timeoutMs: 150 }).cashierUrls([BIG[0]]);
  assert.deepEqual(
    out.failed.map((f) => [f.orderIds, f.error.code, f.error.gatewayCode, f.error.retryable]),
    [[[BIG[0]], 'GATEWAY_ERROR', 'TIMEOUT', false]],
  );
  assert.ok(Date.now() - started < 1500);
  assert.equal(calls.length, 1);
  // An injected fetch that never settles on its own is aborted by the timeout too.
  const hanging = (_url, init) =>
    new Promise((_resolve, reject) => init.signal.addEventListener('abort', () => reject(init.signal.reason)));
  const hung = await client({ fetch: hanging, timeoutMs: 50 }).cashierUrls([BIG[0]]);
  assert.equal(hung.failed[0].error.gatewayCode, 'TIMEOUT');
  // call() throws it.
  await assert.rejects(
    client({ fetch: hanging, timeoutMs: 50 }).call('alibaba.trade.payWay.query', { orderId: BIG[0] }),
    (e) => e instanceof KjbError && e.gatewayCode === 'TIMEOUT',
  );
});

test('an unreachable gateway: the call lands in failed as GATEWAY_ERROR NETWORK', async () => {
  const dead = new KjbClient({ ...APP, baseUrl: 'http://127.0.0.1:9' });
  const out = await dead.cashierUrls([BIG[0]]);
  const { error } = out.failed[0];
  assert.ok(
    error.code === 'GATEWAY_ERROR' &&
      error.gatewayCode === 'NETWORK' &&
      error.retryable === false &&
      /127\.0\.0\.1:9/.test(error.message),
    error.message,
  );
});

test('400_4 (no order payable) refuses the batch instead of failing the run', async () => {
  const refused = config.orders.filter((o) => o.kjbRefused).map((o) => o.orderId);
  const payable = config.orders.filter((o) => !refusedByConfig(o)).map((o) => o.orderId);
  const ids = [...refused.slice(0, 2), ...payable.slice(0, 2)];
  const out = await client().cashierUrls(ids, { maxPerCall: 2 });
  assert.deepEqual(
    out.links.map((l) => l.orderIds),
    [payable.slice(0, 2)],
  );
  assert.deepEqual(
    out.refused.map((r) => r.orderId),
    refused.slice(0, 2),
  );
  for (const r of out.refused) {
    assert.ok(['400_4', 'REFUSED'].includes(r.code), r.code);
    assert.equal(typeof r.reason, 'string');
    assert.notEqual(r.reason, '');
  }
  assert.deepEqual(out.failed, []);
});

test('concurrency keeps links in batch order whatever order the answers come in', async () => {
  const ids = config.orders
    .filter((o) => !refusedByConfig(o) && !batchBreaker(o))
    .map((o) => o.orderId)
    .slice(0, 24);
  const { fetch, calls } = countingFetch({ delay: () => Math.random() * 40 });
  const out = await client({ fetch, concurrency: 4 }).cashierUrls(ids, { maxPerCall: 3 });
  assert.equal(calls.length, 8);
  assert.deepEqual(
    out.links.map((l) => l.orderIds),
    Array.from({ length: 8 }, (_, i) => ids.slice(i * 3, i * 3 + 3)),
  );
});

test('fetch is looked up at call time; a caller signal aborts the run', async () => {
  const c = client();
  const original = globalThis.fetch;
  let used = 0;
  globalThis.fetch = (...args) => {
    used += 1;
    return original(...args);
  };
  try {
    await c.cashierUrls([BIG[0]]);
  } finally {
    globalThis.fetch = original;
  }
  assert.equal(used, 1);
  const controller = new AbortController();
  sb.sandbox.delay(1000, 1);
  const run = c.cashierUrls([BIG[0]], { signal: controller.signal });
  setTimeout(() => controller.abort(new Error('stopped by the user')), 30);
  await assert.rejects(
    run,
    (e) => e instanceof KjbError && e.code === 'ABORTED' && /stopped by the user/.test(e.message),
  );
});

test('the other url APIs: alipay.url.get (payFailureOrderList) and call() for payWay', async () => {
  const paid = config.orders.find((o) => o.status === 'waitsellersend').orderId;
  const out = await client().cashierUrls([BIG[0], paid], { api: 'alibaba.alipay.url.get' });
  assert.deepEqual(
    out.links.map((l) => l.orderIds),
    [[BIG[0]]],
  );
  assert.deepEqual(
    out.refused.map((r) => r.orderId),
    [paid],
  );
  assert.match(out.refused[0].reason, /payFailureOrderList/);
  const way = await client().call('alibaba.trade.payWay.query', { orderId: BIG[0] });
  assert.equal(way.orderId, BIG[0]);
  assert.equal(way.kjb, true);
  assert.ok(way.channels.some((ch) => ch.code === 16 || ch.code === 20));
});

test('backend-signed flow: sign() elsewhere, no secret in the client', async () => {
  const backend = new Signer({ appKey: APP.appKey, appSecret: APP.appSecret });
  const requests = [];
  const c = new KjbClient({
    baseUrl: sb.url,
    qps: 200,
    sign: async (request) => {
      requests.push(request);
      return backend.sign({ ...request, accessToken: APP.accessToken });
    },
  });
  const out = await c.cashierUrls([BIG[0], BIG[1]]);
  assert.deepEqual(
    out.links.map((l) => l.orderIds),
    [BIG],
  );
  assert.equal(requests.length, 1);
  assert.equal(requests[0].api, 'alibaba.crossBorderPay.url.get');
  assert.equal(requests[0].accessToken, undefined);
  assert.throws(
    () => new KjbClient({ ...APP, sign: () => null }),
    (e) => e.code === 'INVALID_INPUT' && e.path === 'appSecret',
  );
  const broken = new KjbClient({ baseUrl: sb.url, sign: () => null });
  await assert.rejects(
    broken.cashierUrls([BIG[0]]),
    (e) => e instanceof KjbError && e.code === 'INVALID_INPUT' && e.path === 'sign',
  );
});
