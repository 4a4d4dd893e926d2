// Issue 13's "Done when", against the package's sandbox over real HTTP on 127.0.0.1: KjbClient
// through a real per-app rate limit, expiring tokens, the OAuth authorise page, documented
// business errors, an outage and a quota running out. The sandbox answers as gateway-1688.md
// §4/§6 says and checks signatures with its own HMAC.
import test, { before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import util from 'node:util';
import { KjbClient, KjbError } from 'kjb';
import { startSandbox, defaultConfig } from 'kjb/sandbox';

const APP_KEY = '1234567';
const SECRET = 'TESTSECRET123';
const ACCESS = '00000000-test-token-0000';
const REFRESH = '00000000-test-refresh-0000';
const REDIRECT = 'https://erp.example.com/oauth/1688';

let sb;
let config;
const printed = [];
const originalConsole = {};

before(async () => {
  config = defaultConfig();
  sb = await startSandbox({ config });
  for (const k of ['log', 'info', 'warn', 'error', 'debug']) {
    originalConsole[k] = console[k];
    console[k] = (...args) => {
      printed.push(util.format(...args));
      originalConsole[k](...args);
    };
  }
});
after(async () => {
  Object.assign(console, originalConsole);
  for (const line of printed) assert.ok(!line.includes(SECRET), `a log line shows the secret: ${line}`);
  await sb.close();
});
beforeEach(() => sb.sandbox.reset());

async function control(route, body) {
  const r = await fetch(`${sb.url}/_sandbox/${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(r.status, 200, `${route}: ${await r.clone().text()}`);
  return r.json();
}

async function calls() {
  return (await fetch(`${sb.url}/_sandbox/calls`)).json();
}

/** Ids the default config does not list: payable orders of the sandbox. */
const freshIds = (n) => Array.from({ length: n }, (_, i) => String(3535260697400000000n + BigInt(i) * 7n));

function client(extra = {}) {
  return new KjbClient({
    appKey: APP_KEY,
    appSecret: SECRET,
    baseUrl: sb.url,
    token: { accessToken: ACCESS, refreshToken: REFRESH },
    retryDelayMs: 20,
    ...extra,
  });
}

function everyIdOnce(input, out) {
  const seen = [
    ...out.links.flatMap((l) => l.orderIds),
    ...out.refused.map((r) => r.orderId),
    ...out.failed.flatMap((f) => f.orderIds),
  ];
  assert.equal(seen.length, input.length, 'every id exactly once');
  assert.deepEqual([...seen].sort(), [...input].sort());
}

function noSecret(...values) {
  for (const v of values) {
    for (const text of [
      util.inspect(v, { depth: Infinity, showHidden: true }),
      JSON.stringify(v) ?? '',
      v && v.stack ? v.stack : '',
      String(v),
    ]) {
      assert.ok(!text.includes(SECRET), `the secret shows in ${text.slice(0, 200)}`);
    }
  }
}

test('1,000 ids with the sandbox rate limit on: every id once, no call failed for the rate limit, the rate within qps', async () => {
  await control('qps', { qps: 50 });
  const input = freshIds(1000);
  const c = client({ qps: 45, concurrency: 8 });
  const out = await c.cashierUrls(input);
  everyIdOnce(input, out);
  assert.deepEqual(out.failed, []);
  assert.equal(out.links.length, 100);
  const log = (await calls()).filter((x) => x.api === 'alibaba.crossBorderPay.url.get');
  assert.equal(log.filter((x) => x.code === 'gw.QosAppFrequencyLimit').length, 0, 'pacing kept under the limit');
  const times = log.map((x) => x.t);
  let worst = 0;
  for (const t of times) worst = Math.max(worst, times.filter((u) => u > t - 1000 && u <= t).length);
  assert.ok(worst <= 45, `${worst} calls within one second at qps 45`);
  // With the limit tighter than the client's pace, the limit trips and is retried: still no failure.
  await control('qps', { qps: 20 });
  const tight = await client({ qps: 30, concurrency: 8, retries: 6 }).cashierUrls(freshIds(150));
  assert.deepEqual(tight.failed, []);
  assert.equal(tight.links.length, 15);
});

test('a token expired mid-run is refreshed exactly once for all concurrent calls; onToken gets it; the run completes', async () => {
  await control('qps', { qps: 0 });
  const tokens = [];
  let seen = 0;
  const getTokens = [];
  const fetchVia = async (url, init) => {
    if (url.includes('system.oauth2/getToken')) getTokens.push(url);
    seen += 1;
    // After the 4th call every token expires, with calls under way.
    if (seen === 5) await control('expire-token', {});
    return globalThis.fetch(url, init);
  };
  const c = client({ qps: 200, concurrency: 6, fetch: fetchVia, onToken: (t) => tokens.push(t) });
  const input = freshIds(300);
  const out = await c.cashierUrls(input);
  everyIdOnce(input, out);
  assert.deepEqual(out.failed, []);
  assert.equal(out.links.length, 30);
  assert.equal(getTokens.length, 1, 'one refresh');
  assert.equal(tokens.length, 1);
  assert.notEqual(tokens[0].accessToken, ACCESS);
  assert.equal(tokens[0].refreshToken, REFRESH, 'the refresh grant answers no new refresh token: the old one is kept');
  assert.ok((await calls()).some((x) => x.status === 401 && x.code === '401'));
  noSecret(out, tokens, c);
});

test('without a refresh token an expired token throws TOKEN_EXPIRED', async () => {
  await control('qps', { qps: 0 });
  await control('expire-token', { accessToken: ACCESS });
  const c = client({ token: { accessToken: ACCESS }, qps: 200 });
  const err = await c.cashierUrls(freshIds(30)).then(
    () => null,
    (e) => e,
  );
  assert.ok(err instanceof KjbError, String(err));
  assert.equal(err.code, 'TOKEN_EXPIRED');
  assert.equal(err.gatewayCode, '401');
  assert.equal(err.retryable, false);
  assert.deepEqual(err.partial.links, []);
  noSecret(err, c);
});

test('exchangeCode with a code from the authorise page returns a token the sandbox accepts; the secret shows nowhere', async () => {
  const page = await fetch(
    `${sb.url}/oauth/authorize?client_id=${APP_KEY}&site=1688&redirect_uri=${encodeURIComponent(REDIRECT)}&state=s1`,
  );
  assert.equal(page.status, 200);
  assert.match(await page.text(), /Authori[sz]e/);
  const granted = await fetch(`${sb.url}/oauth/authorize`, {
    method: 'POST',
    redirect: 'manual',
    body: new URLSearchParams({ client_id: APP_KEY, redirect_uri: REDIRECT, state: 's1' }),
  });
  assert.equal(granted.status, 302);
  const back = new URL(granted.headers.get('location'));
  assert.equal(back.searchParams.get('state'), 's1');
  const code = back.searchParams.get('code');
  const tokens = [];
  const c = new KjbClient({
    appKey: APP_KEY,
    appSecret: SECRET,
    baseUrl: sb.url,
    onToken: (t) => tokens.push(t),
    qps: 100,
  });
  const token = await c.exchangeCode({ code, redirectUri: REDIRECT });
  assert.equal(typeof token.accessToken, 'string');
  assert.equal(typeof token.refreshToken, 'string');
  assert.ok(Date.parse(token.expiresAt) > Date.now() + 9 * 3600_000);
  assert.ok(Date.parse(token.refreshTokenExpiresAt) > Date.now() + 100 * 86400_000);
  assert.equal(typeof token.memberId, 'string');
  assert.deepEqual(tokens, [token]);
  const out = await c.cashierUrls(freshIds(3));
  assert.equal(out.links.length, 1, 'the new token works');
  const again = await c.exchangeCode({ code, redirectUri: REDIRECT }).then(
    () => null,
    (e) => e,
  );
  assert.ok(again instanceof KjbError);
  assert.equal(again.gatewayCode, 'invalid_grant');
  const refreshed = await c.refreshToken();
  assert.notEqual(refreshed.accessToken, token.accessToken);
  const postponed = await c.postponeToken();
  assert.equal(typeof postponed.refreshToken, 'string');
  noSecret(token, again, refreshed, postponed, tokens, c, out);
});

test('a MANUAL-TRADE batch refuses its ids, the other links are kept, a 502 batch lands in failed', async () => {
  await control('qps', { qps: 0 });
  const manual = config.orders.find((o) => o.manualTrade).orderId;
  const stock = config.orders.find((o) => o.stockError).orderId;
  const plain = freshIds(40);
  const input = [
    ...plain.slice(0, 10),
    manual,
    ...plain.slice(10, 19),
    stock,
    ...plain.slice(19, 28),
    ...plain.slice(28, 38),
  ];
  await control('fail', { status: 502, count: 1 });
  const out = await client({ qps: 200, concurrency: 1 }).cashierUrls(input);
  everyIdOnce(input, out);
  assert.equal(out.failed.length, 1);
  assert.deepEqual(out.failed[0].orderIds, input.slice(0, 10));
  assert.deepEqual(
    [out.failed[0].error.code, out.failed[0].error.httpStatus, out.failed[0].error.retryable],
    ['GATEWAY_ERROR', 502, false],
  );
  assert.deepEqual(
    out.refused.filter((r) => r.code === 'MANUAL_ORDER').map((r) => r.orderId),
    input.slice(10, 20),
  );
  assert.equal(out.refused.find((r) => r.code === 'MANUAL_ORDER').reason, 'Batch pay : not surport MANUAL-TRADE!');
  assert.deepEqual(
    out.refused.filter((r) => r.code === 'PRODUCT_TRADE_STAT_ERROR').map((r) => r.orderId),
    input.slice(20, 30),
  );
  assert.deepEqual(
    out.links.map((l) => l.orderIds),
    [input.slice(30, 40)],
  );
});

test('the quota running out mid-run throws gw.NoUsageLeftError with the links obtained so far in partial', async () => {
  await control('qps', { qps: 0 });
  await control('quota', { calls: 3 });
  const input = freshIds(100);
  const err = await client({ qps: 200, concurrency: 1 })
    .cashierUrls(input)
    .then(
      () => null,
      (e) => e,
    );
  assert.ok(err instanceof KjbError, String(err));
  assert.equal(err.code, 'GATEWAY_ERROR');
  assert.equal(err.gatewayCode, 'gw.NoUsageLeftError');
  assert.equal(err.retryable, false);
  assert.match(err.message, /quota/);
  assert.equal(err.partial.links.length, 3);
  assert.deepEqual(
    err.partial.links.flatMap((l) => l.orderIds),
    input.slice(0, 30),
  );
  assert.deepEqual(
    err.partial.failed.map((f) => f.orderIds),
    [input.slice(30, 40)],
  );
  assert.deepEqual(err.partial.pending, input.slice(40));
  noSecret(err);
});

test('orderStatus reads buyerView; pullMessages and confirmMessages go through the push APIs', async () => {
  const paid = config.orders.find((o) => o.status === 'waitsellersend');
  const unpaid = config.orders.find((o) => o.status === 'waitbuyerpay');
  const c = client({ qps: 200 });
  const status = await c.orderStatus([paid.orderId, unpaid.orderId]);
  assert.deepEqual(
    status.map((s) => [s.orderId, s.status, s.paid, s.closed]),
    [
      [paid.orderId, 'waitsellersend', true, false],
      [unpaid.orderId, 'waitbuyerpay', false, false],
    ],
  );
  const msgs = await c.pullMessages();
  assert.ok(Array.isArray(msgs));
  for (const m of msgs) assert.equal(typeof m.msgId, 'string');
  if (msgs.length > 0) assert.equal(await c.confirmMessages(msgs.map((m) => m.msgId)), true);
});
