// KjbClient against a gateway that answers as the live 1688 gateway does (gateway-1688.md §4,
// §6): a small fake written here, over real HTTP on 127.0.0.1, that checks signatures with its
// own HMAC (node:crypto, not the kjb core). Rate limit = HTTP 400 gw.QosAppFrequencyLimit; an
// expired token = HTTP 401 {"error_code":"401","error_message":"Request need user authorized"};
// `Batch pay : not surport MANUAL-TRADE!` is an HTTP 200 business error; an outage is a 502 page.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import util from 'node:util';
import { createHmac } from 'node:crypto';
import { KjbClient, KjbError, parseToken } from 'kjb';

const APP_KEY = '1234567';
const SECRET = 'Live-Secret-Zq7-only-here';
const REDIRECT = 'https://erp.example.com/oauth/1688';

// ---- the fake gateway ---------------------------------------------------------------------

function hmac(message) {
  return createHmac('sha1', SECRET).update(message, 'utf8').digest('hex').toUpperCase();
}

/** A gateway with its own state; `opts` programs its behaviour. */
function gateway(opts = {}) {
  const g = {
    calls: [], // {t, api, status, code}
    tokenCalls: [], // {grant, t}
    tokens: new Map(), // access token → expires at (ms)
    refreshTokens: new Set(['refresh-0']),
    codes: new Set(),
    quota: opts.quota ?? null,
    qps: opts.qps ?? 0,
    rateLimitNext: opts.rateLimitNext ?? 0,
    manual: new Set(opts.manual || []),
    stock: new Set(opts.stock || []),
    down: new Set(opts.down || []),
    refused: new Set(opts.refused || []),
    expireAfter: opts.expireAfter ?? null, // expire every token after this many url calls
    issued: 0,
    messages: opts.messages || [],
    confirmed: [],
  };
  g.tokens.set('access-0', opts.expired ? 0 : Date.now() + 3600_000);
  const issue = (withRefresh) => {
    g.issued += 1;
    const access = `access-${g.issued}`;
    g.tokens.set(access, Date.now() + 36000_000);
    const out = { aliId: '8888888888', resource_owner: 'buyer01', memberId: 'b2b-22000000000', expires_in: '36000', access_token: access };
    if (withRefresh) {
      out.refresh_token = `refresh-${g.issued}`;
      out.refresh_token_timeout = '20270527183000+0800';
      g.refreshTokens.add(out.refresh_token);
    }
    return out;
  };
  const json = (res, status, body) => {
    res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
  const gwError = (res, status, code, message) => json(res, status, { error_code: code, error_message: message, request_id: 'req-1' });
  g.server = http.createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (d) => {
      text += d;
    });
    req.on('end', () => {
      const url = new URL(req.url, 'http://x');
      const form = new URLSearchParams(text);
      const t = Date.now();
      // OAuth (§6): form, not signed.
      if (url.pathname === `/openapi/http/1/system.oauth2/getToken/${APP_KEY}`) {
        const grant = form.get('grant_type');
        g.tokenCalls.push({ grant, t });
        if (form.get('client_id') !== APP_KEY || form.get('client_secret') !== SECRET) return json(res, 401, { error: 'invalid_client', error_description: 'client authentication failed' });
        if (grant === 'authorization_code') {
          if (!g.codes.has(form.get('code')) || form.get('redirect_uri') !== REDIRECT) return json(res, 400, { error: 'invalid_grant', error_description: 'code is invalid or expired' });
          g.codes.delete(form.get('code'));
          return json(res, 200, issue(true));
        }
        if (grant === 'refresh_token') {
          if (!g.refreshTokens.has(form.get('refresh_token'))) return json(res, 400, { error: 'invalid_grant', error_description: 'refresh token is invalid' });
          return json(res, 200, issue(false));
        }
        return json(res, 400, { error: 'unsupported_grant_type' });
      }
      if (url.pathname === `/openapi/param2/1/system.oauth2/postponeToken/${APP_KEY}`) {
        g.tokenCalls.push({ grant: 'postpone', t });
        if (form.get('client_secret') !== SECRET) return gwError(res, 400, 'gw.SignatureInvalid', 'bad secret');
        return json(res, 200, { success: true });
      }
      const m = /^\/openapi\/(param2\/1\/([^/]+)\/([^/]+)\/([^/]+))$/.exec(url.pathname);
      if (!m) return gwError(res, 400, 'gw.APIUnsupported', 'API unsupported');
      const [, urlPath, , api, appKey] = m;
      const log = (status, code) => g.calls.push({ t, api, status, code });
      if (appKey !== APP_KEY) return log(400, 'gw.AppKeyNotFound'), gwError(res, 400, 'gw.AppKeyNotFound', 'appKey not found');
      const pairs = [...form.entries()].filter(([k]) => k !== '_aop_signature').map(([k, v]) => k + v).sort();
      if (hmac(urlPath + pairs.join('')) !== form.get('_aop_signature')) return log(400, 'gw.SignatureInvalid'), gwError(res, 400, 'gw.SignatureInvalid', 'Signature invalid');
      const recent = g.calls.filter((c) => c.t > t - 1000).length;
      if (g.rateLimitNext > 0 || (g.qps > 0 && recent >= g.qps)) {
        if (g.rateLimitNext > 0) g.rateLimitNext -= 1;
        return log(400, 'gw.QosAppFrequencyLimit'), gwError(res, 400, 'gw.QosAppFrequencyLimit', 'App call exceeds limited frequency');
      }
      if (g.quota !== null) {
        if (g.quota <= 0) return log(400, 'gw.NoUsageLeftError'), gwError(res, 400, 'gw.NoUsageLeftError', 'SLA bill has no usage left');
        g.quota -= 1;
      }
      const push = api.startsWith('push.');
      if (!push) {
        const token = form.get('access_token');
        if (g.expireAfter !== null && g.calls.filter((c) => c.status === 200).length >= g.expireAfter) {
          for (const k of g.tokens.keys()) if (k === 'access-0') g.tokens.set(k, 0);
        }
        if (!token || !(g.tokens.get(token) > t)) return log(401, '401'), gwError(res, 401, '401', 'Request need user authorized');
      }
      if (api.endsWith('.url.get')) {
        const ids = JSON.parse(form.get('orderIdList').replace(/\d{16,}/g, '"$&"')).map(String);
        if (ids.some((id) => g.down.has(id))) {
          log(502, null);
          res.writeHead(502, { 'content-type': 'text/html' });
          return res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
        }
        if (ids.some((id) => g.manual.has(id))) return log(200, 'MANUAL'), json(res, 200, { success: false, errorCode: 'Batch pay : not surport MANUAL-TRADE!', erroMsg: 'Batch pay : not surport MANUAL-TRADE!' });
        if (ids.some((id) => g.stock.has(id))) return log(200, 'STOCK'), json(res, 200, { success: false, errorCode: '操作库存失败:PRODUCT_TRADE_STAT_ERROR', erroMsg: '操作库存失败:PRODUCT_TRADE_STAT_ERROR' });
        const refused = ids.filter((id) => g.refused.has(id));
        log(200, null);
        if (api === 'alibaba.alipay.url.get') {
          return json(res, 200, `{"success":true,"payUrl":"https://cashier.example/pay?n=${g.calls.length}","payFailureOrderList":[${refused.join(',')}]}`);
        }
        if (refused.length === ids.length) return json(res, 200, { success: 'false', errorCode: '400_4', errorMsg: 'no order can pay by kjb' });
        return json(res, 200, `{"success":"true","payUrl":"https://cashier.example/pay?n=${g.calls.length}","cantPayOrderList":[${refused.join(',')}]}`);
      }
      if (api === 'alibaba.trade.get.buyerView') {
        const id = form.get('orderId');
        log(200, null);
        if (id === '404') return json(res, 200, { success: 'false', errorCode: 'ORDER_NOT_EXIST', errorMessage: 'order not exist' });
        const paid = id.endsWith('1');
        return json(
          res,
          200,
          `{"success":"true","result":{"baseInfo":{"id":${id},"idOfStr":"${id}","status":"${paid ? 'waitsellersend' : id.endsWith('9') ? 'cancel' : 'waitbuyerpay'}","totalAmount":12.50,"payTime":${paid ? '"20261127103000000+0800"' : 'null'}},"tradeTerms":[{"payStatus":"${paid ? 2 : 1}"}],"payChannelList":${paid ? '["跨境宝"]' : '[]'}}}`,
        );
      }
      if (api === 'push.query.messageList') {
        log(200, null);
        if (form.get('access_token')) return gwError(res, 400, 'gw.ParamMissing', 'unexpected access_token');
        const datas = g.messages.map((msg) => `{"msgId":${msg.msgId},"type":"${msg.type}","userInfo":"b2b-22000000000","gmtBorn":${msg.gmtBorn},"data":{"orderId":${msg.orderId},"currentStatus":"waitsellersend"}}`);
        return json(res, 200, `{"pushMessagePage":{"datas":[${datas.join(',')}],"totalCount":${datas.length}}}`);
      }
      if (api === 'push.message.confirm') {
        log(200, null);
        g.confirmed.push(JSON.parse(form.get('msgIdList').replace(/([[,])(\d{16,})/g, '$1"$2"')).map(String));
        return json(res, 200, { isSuccess: true });
      }
      return log(400, 'gw.APIUnsupported'), gwError(res, 400, 'gw.APIUnsupported', 'API unsupported');
    });
  });
  return new Promise((resolve) => {
    g.server.listen(0, '127.0.0.1', () => {
      g.url = `http://127.0.0.1:${g.server.address().port}`;
      g.close = () => new Promise((r) => g.server.close(r));
      resolve(g);
    });
  });
}

const ids = (n, from = 3535260697417660000n) => Array.from({ length: n }, (_, i) => String(from + BigInt(i) * 10n + 2n));

function client(g, extra = {}) {
  return new KjbClient({ appKey: APP_KEY, appSecret: SECRET, baseUrl: g.url, token: { accessToken: 'access-0', refreshToken: 'refresh-0' }, qps: 200, retryDelayMs: 5, ...extra });
}

/** Every text a caller could see of `values`: JSON, util.inspect (hidden too), messages, stacks. */
function views(...values) {
  return values.flatMap((v) => [
    util.inspect(v, { depth: Infinity, showHidden: true }),
    (() => {
      try {
        return JSON.stringify(v);
      } catch {
        return '';
      }
    })(),
    v && v.stack ? v.stack : '',
    v && v.cause ? util.inspect(v.cause, { depth: Infinity }) : '',
    String(v),
  ]);
}

function assertNoSecret(texts) {
  for (const t of texts) assert.ok(!t.includes(SECRET), `the secret shows in: ${t.slice(0, 300)}`);
}

function assertEveryIdOnce(input, out) {
  const seen = [...out.links.flatMap((l) => l.orderIds), ...out.refused.map((r) => r.orderId), ...out.failed.flatMap((f) => f.orderIds)];
  assert.equal(seen.length, input.length, 'every id exactly once');
  assert.deepEqual([...seen].sort(), [...input].sort());
}

let consoleLines = [];
const originalConsole = {};
before(() => {
  // Console output is scanned for the secret too.
  for (const k of ['log', 'info', 'warn', 'error', 'debug']) {
    originalConsole[k] = console[k];
    console[k] = (...args) => {
      consoleLines.push(util.format(...args));
      originalConsole[k](...args);
    };
  }
});
after(() => {
  Object.assign(console, originalConsole);
  assertNoSecret(consoleLines);
});

// ---- tests --------------------------------------------------------------------------------

test('a rate limit answered HTTP 400 gw.QosAppFrequencyLimit is retried with back-off, not a failure', async () => {
  const g = await gateway({ rateLimitNext: 2 });
  try {
    const input = ids(3);
    const out = await client(g, { retryDelayMs: 20 }).cashierUrls(input);
    assert.equal(out.links.length, 1);
    assert.deepEqual(out.failed, []);
    assert.deepEqual(g.calls.map((c) => c.code ?? c.status), ['gw.QosAppFrequencyLimit', 'gw.QosAppFrequencyLimit', 200]);
    assert.ok(g.calls[2].t - g.calls[0].t >= 30, 'backed off at least 10 + 20 ms');
  } finally {
    await g.close();
  }
});

test('pacing: a batch against a per-app limit finishes with no rate-limit failure, every id once, the rate within qps', async () => {
  const g = await gateway({ qps: 40 });
  try {
    const input = ids(150);
    const c = client(g, { qps: 35, concurrency: 8 });
    assert.equal(c.qps, 35);
    const out = await c.cashierUrls(input, { maxPerCall: 3 });
    assertEveryIdOnce(input, out);
    assert.equal(out.links.length, 50);
    assert.deepEqual(out.failed, []);
    assert.ok(!g.calls.some((x) => x.code === 'gw.QosAppFrequencyLimit'), 'the limit was never tripped');
    const times = g.calls.map((x) => x.t);
    let worst = 0;
    for (const t of times) worst = Math.max(worst, times.filter((u) => u > t - 1000 && u <= t).length);
    assert.ok(worst <= 35, `${worst} calls within one second, qps 35`);
  } finally {
    await g.close();
  }
});

test('the default qps is conservative (5 a second)', async () => {
  const g = await gateway();
  try {
    const c = new KjbClient({ appKey: APP_KEY, appSecret: SECRET, baseUrl: g.url, token: { accessToken: 'access-0' } });
    assert.equal(c.qps, 5);
    const started = Date.now();
    await c.cashierUrls(ids(4), { maxPerCall: 1 });
    assert.ok(Date.now() - started >= 3 * 200, 'four calls take at least three gaps of 200 ms');
    for (const bad of [0, -1, Infinity, NaN, '5', 1001]) {
      assert.throws(() => client(g, { qps: bad }), (e) => e instanceof KjbError && e.path === 'qps', String(bad));
    }
  } finally {
    await g.close();
  }
});

test('a token expired mid-run is refreshed exactly once for all concurrent calls; onToken gets it; the run completes', async () => {
  const g = await gateway({ expireAfter: 5 });
  try {
    const seen = [];
    const c = client(g, {
      concurrency: 6,
      onToken: async (t) => {
        await new Promise((r) => setTimeout(r, 20));
        seen.push(t);
      },
    });
    const input = ids(200);
    const out = await c.cashierUrls(input);
    assertEveryIdOnce(input, out);
    assert.equal(out.links.length, 20);
    assert.deepEqual(out.failed, []);
    assert.deepEqual(g.tokenCalls.map((x) => x.grant), ['refresh_token'], 'one refresh');
    assert.ok(g.calls.filter((x) => x.status === 401).length >= 1);
    assert.equal(seen.length, 1);
    assert.equal(seen[0].accessToken, 'access-1');
    assert.equal(seen[0].refreshToken, 'refresh-0', 'a refresh answer without refresh_token keeps the old one');
    assert.equal(seen[0].memberId, 'b2b-22000000000');
    assert.ok(Date.parse(seen[0].expiresAt) > Date.now() + 35000_000);
    assertNoSecret(views(out, seen, c));
  } finally {
    await g.close();
  }
});

test('a token past expiresAt is refreshed before the call; concurrent refreshToken() calls share one refresh', async () => {
  const g = await gateway();
  try {
    const tokens = [];
    const c = client(g, { token: { accessToken: 'access-0', refreshToken: 'refresh-0', expiresAt: new Date(Date.now() - 1000).toISOString() }, onToken: (t) => tokens.push(t) });
    const out = await c.cashierUrls(ids(5));
    assert.equal(out.links.length, 1);
    assert.deepEqual(g.calls.map((x) => x.status), [200], 'no call with the stale token');
    assert.equal(tokens.length, 1);
    const [a, b, d] = await Promise.all([c.refreshToken(), c.refreshToken(), c.refreshToken()]);
    assert.equal(g.tokenCalls.length, 2);
    assert.deepEqual([a.accessToken, b.accessToken, d.accessToken], ['access-2', 'access-2', 'access-2']);
    assert.equal(tokens.length, 2);
  } finally {
    await g.close();
  }
});

test('without a refresh token an expired token throws TOKEN_EXPIRED (gatewayCode "401", not retryable), with partial', async () => {
  const g = await gateway({ expired: true });
  try {
    const c = client(g, { token: { accessToken: 'access-0' } });
    const input = ids(30);
    const err = await c.cashierUrls(input).then(() => null, (e) => e);
    assert.ok(err instanceof KjbError, String(err));
    assert.equal(err.code, 'TOKEN_EXPIRED');
    assert.equal(err.gatewayCode, '401');
    assert.equal(err.retryable, false);
    assert.ok(err.partial && Array.isArray(err.partial.links));
    assert.equal(g.tokenCalls.length, 0);
    // A refresh token 1688 refuses: TOKEN_EXPIRED as well, after one refresh attempt.
    const c2 = client(g, { token: { accessToken: 'access-0', refreshToken: 'revoked' }, concurrency: 3 });
    await assert.rejects(c2.cashierUrls(input), (e) => e.code === 'TOKEN_EXPIRED' && /authorise/.test(e.message));
    assert.equal(g.tokenCalls.length, 1);
    await assert.rejects(c.refreshToken(), (e) => e.code === 'TOKEN_EXPIRED');
    // A token past expiresAt with no refresh token is not sent at all.
    const before = g.calls.length;
    const c3 = client(g, { token: { accessToken: 'access-0', expiresAt: Date.now() - 1 } });
    await assert.rejects(c3.cashierUrls(input), (e) => e.code === 'TOKEN_EXPIRED');
    assert.equal(g.calls.length, before);
    assertNoSecret(views(err, c, c2));
  } finally {
    await g.close();
  }
});

test('exchangeCode: the code from the authorise redirect gives a token; a used code is refused; the secret never shows', async () => {
  const g = await gateway();
  try {
    g.codes.add('code-abc');
    const seen = [];
    const c = new KjbClient({ appKey: APP_KEY, appSecret: SECRET, baseUrl: g.url, onToken: (t) => seen.push(t), qps: 100 });
    const t = await c.exchangeCode({ code: 'code-abc', redirectUri: REDIRECT });
    assert.deepEqual(Object.keys(t).sort(), ['accessToken', 'aliId', 'expiresAt', 'memberId', 'refreshToken', 'refreshTokenExpiresAt', 'resourceOwner']);
    assert.equal(t.accessToken, 'access-1');
    assert.equal(t.refreshToken, 'refresh-1');
    assert.equal(t.refreshTokenExpiresAt, '2027-05-27T10:30:00.000Z');
    assert.deepEqual(seen, [t]);
    // The client now uses it.
    const out = await c.cashierUrls(ids(2));
    assert.equal(out.links.length, 1);
    const used = await c.exchangeCode({ code: 'code-abc', redirectUri: REDIRECT }).then(() => null, (e) => e);
    assert.ok(used instanceof KjbError);
    assert.equal(used.code, 'GATEWAY_ERROR');
    assert.equal(used.gatewayCode, 'invalid_grant');
    assert.equal(used.httpStatus, 400);
    const wrong = new KjbClient({ appKey: APP_KEY, appSecret: `${SECRET}-wrong`, baseUrl: g.url });
    const bad = await wrong.exchangeCode({ code: 'x', redirectUri: REDIRECT }).then(() => null, (e) => e);
    assert.equal(bad.gatewayCode, 'invalid_client');
    for (const input of [{}, { code: '', redirectUri: REDIRECT }, { code: 'c' }, null]) {
      await assert.rejects(c.exchangeCode(input), (e) => e instanceof KjbError && e.code === 'INVALID_INPUT');
    }
    const postponed = await c.postponeToken();
    assert.equal(postponed.accessToken, 'access-1');
    assert.deepEqual(g.tokenCalls.map((x) => x.grant), ['authorization_code', 'authorization_code', 'authorization_code', 'postpone']);
    assertNoSecret(views(t, used, bad, c, wrong, postponed, seen));
  } finally {
    await g.close();
  }
});

test('parseToken: expires_in as a string, both refresh_token_timeout formats, refusals as KjbError', () => {
  const before = Date.now();
  const t = parseToken('{"aliId":"1","resource_owner":"r","memberId":"m","expires_in":"36000","access_token":"a","refresh_token":"b","refresh_token_timeout":"20270527183000123+0800"}');
  assert.equal(t.refreshTokenExpiresAt, '2027-05-27T10:30:00.123Z');
  const at = Date.parse(t.expiresAt);
  assert.ok(at >= before + 36000_000 && at <= Date.now() + 36000_000);
  assert.equal(parseToken('{"access_token":"a","expires_in":60,"refresh_token_timeout":"20270527183000+0800"}').refreshTokenExpiresAt, '2027-05-27T10:30:00.000Z');
  assert.throws(() => parseToken('{"error":"invalid_grant","error_description":"expired"}'), (e) => e instanceof KjbError && e.code === 'GATEWAY_ERROR' && e.gatewayCode === 'invalid_grant');
  assert.throws(() => parseToken('{"error_code":"gw.AppKeyNotFound","error_message":"x"}'), (e) => e.gatewayCode === 'gw.AppKeyNotFound');
  for (const bad of ['', 'null', '{}', '[', '{"access_token":"a","expires_in":"soon"}', 42, null]) {
    assert.throws(() => parseToken(bad), (e) => e instanceof KjbError && typeof e.code === 'string', String(bad));
  }
});

test('a MANUAL-TRADE batch refuses its ids, a 502 batch lands in failed, the other links are kept', async () => {
  const input = ids(50);
  const g = await gateway({ manual: [input[12]], stock: [input[25]], down: [input[33]], refused: [input[41]] });
  try {
    const out = await client(g).cashierUrls(input);
    assertEveryIdOnce(input, out);
    assert.equal(out.links.length, 2);
    assert.deepEqual(out.links.map((l) => l.orderIds[0]), [input[0], input[40]]);
    assert.ok(!out.links[1].orderIds.includes(input[41]));
    const manual = out.refused.filter((r) => r.code === 'MANUAL_ORDER');
    assert.deepEqual(manual.map((r) => r.orderId), input.slice(10, 20));
    assert.equal(manual[0].reason, 'Batch pay : not surport MANUAL-TRADE!');
    const stock = out.refused.filter((r) => r.code === 'PRODUCT_TRADE_STAT_ERROR');
    assert.deepEqual(stock.map((r) => r.orderId), input.slice(20, 30));
    assert.equal(stock[0].reason, '操作库存失败:PRODUCT_TRADE_STAT_ERROR');
    assert.deepEqual(out.refused.filter((r) => r.code === 'REFUSED').map((r) => r.orderId), [input[41]]);
    assert.equal(out.failed.length, 1);
    assert.deepEqual(out.failed[0].orderIds, input.slice(30, 40));
    assert.deepEqual(Object.keys(out.failed[0].error).sort(), ['code', 'gatewayCode', 'httpStatus', 'message', 'retryable']);
    assert.equal(out.failed[0].error.code, 'GATEWAY_ERROR');
    assert.equal(out.failed[0].error.httpStatus, 502);
    assert.equal(out.failed[0].error.retryable, false);
    assert.match(out.failed[0].error.message, /Bad Gateway/);
    // alipay.url.get's partial success: a link plus refusals.
    const alipay = await client(g).cashierUrls([input[40], input[41]], { api: 'alibaba.alipay.url.get' });
    assert.deepEqual(alipay.links.map((l) => l.orderIds), [[input[40]]]);
    assert.deepEqual(alipay.refused.map((r) => [r.orderId, r.code]), [[input[41], 'REFUSED']]);
    assert.deepEqual(alipay.failed, []);
  } finally {
    await g.close();
  }
});

test('rate limited past the retries: the call lands in failed (retryable), the run goes on', async () => {
  const g = await gateway({ rateLimitNext: 3 });
  try {
    const input = ids(20);
    const out = await client(g, { retries: 2, concurrency: 1 }).cashierUrls(input);
    assertEveryIdOnce(input, out);
    assert.equal(out.failed.length, 1);
    assert.equal(out.failed[0].error.gatewayCode, 'gw.QosAppFrequencyLimit');
    assert.equal(out.failed[0].error.retryable, true);
    assert.equal(out.links.length, 1);
  } finally {
    await g.close();
  }
});

test('the quota running out mid-run (gw.NoUsageLeftError) throws with the links obtained so far in partial', async () => {
  const g = await gateway({ quota: 4 });
  try {
    const input = ids(100);
    const err = await client(g, { concurrency: 2 }).cashierUrls(input).then(() => null, (e) => e);
    assert.ok(err instanceof KjbError, String(err));
    assert.equal(err.code, 'GATEWAY_ERROR');
    assert.equal(err.gatewayCode, 'gw.NoUsageLeftError');
    assert.equal(err.retryable, false);
    assert.match(err.message, /quota/);
    assert.equal(err.partial.links.length, 4, 'the four links obtained are kept');
    const accounted = [...err.partial.links.flatMap((l) => l.orderIds), ...err.partial.refused.map((r) => r.orderId), ...err.partial.failed.flatMap((f) => f.orderIds), ...err.partial.pending];
    assert.deepEqual([...accounted].sort(), [...input].sort(), 'links, refusals, failures and pending ids account for every id');
    assert.ok(g.calls.length <= 7, `stopped early: ${g.calls.length} calls`);
    assertNoSecret(views(err));
  } finally {
    await g.close();
  }
});

test('app errors stop the run: wrong secret (gw.SignatureInvalid) and unknown app key, never retried', async () => {
  const g = await gateway();
  try {
    const wrong = client(g, { appSecret: 'not-the-secret', concurrency: 1 });
    await assert.rejects(wrong.cashierUrls(ids(40)), (e) => e.code === 'GATEWAY_ERROR' && e.gatewayCode === 'gw.SignatureInvalid' && e.partial.failed.length === 1 && e.partial.pending.length === 30);
    assert.equal(g.calls.length, 1);
    await assert.rejects(client(g, { appKey: '7654321' }).cashierUrls(ids(5)), (e) => e.gatewayCode === 'gw.AppKeyNotFound');
  } finally {
    await g.close();
  }
});

test('an aborted run throws a KjbError ABORTED (not a DOMException) with what it had', async () => {
  const g = await gateway();
  try {
    const controller = new AbortController();
    const c = client(g, { qps: 20, concurrency: 1 });
    const run = c.cashierUrls(ids(100), { signal: controller.signal });
    setTimeout(() => controller.abort(), 120);
    const err = await run.then(() => null, (e) => e);
    assert.ok(err instanceof KjbError, String(err));
    assert.equal(err.code, 'ABORTED');
    assert.ok(err.partial.links.length >= 1 && err.partial.pending.length > 0);
    await assert.rejects(c.cashierUrls(ids(1), { signal: AbortSignal.abort() }), (e) => e instanceof KjbError && e.code === 'ABORTED');
  } finally {
    await g.close();
  }
});

test('orderStatus: paid, unpaid, closed and missing orders from trade.get.buyerView, paced, in input order', async () => {
  const g = await gateway();
  try {
    const out = await client(g).orderStatus(['3535260697417660101', '3535260697417660102', '3535260697417660109', '404']);
    assert.deepEqual(out.slice(0, 3), [
      { orderId: '3535260697417660101', status: 'waitsellersend', paid: true, payTime: '20261127103000000+0800', payChannels: ['跨境宝'], closed: false },
      { orderId: '3535260697417660102', status: 'waitbuyerpay', paid: false, payTime: null, payChannels: [], closed: false },
      { orderId: '3535260697417660109', status: 'cancel', paid: false, payTime: null, payChannels: [], closed: true },
    ]);
    assert.equal(out[3].orderId, '404');
    assert.equal(out[3].status, null);
    assert.equal(out[3].error.code, 'BUSINESS_ERROR');
  } finally {
    await g.close();
  }
});

test('pullMessages (signed, no access token) gives verifyPush-shaped messages with string ids; confirmMessages sends msgIdList', async () => {
  const g = await gateway({ messages: [{ msgId: '12345678901234567', type: 'ORDER_BUYER_VIEW_ORDER_PAY', gmtBorn: 1764237600000, orderId: '3535260697417660107' }] });
  try {
    const c = client(g);
    const msgs = await c.pullMessages({ pageSize: 50 });
    assert.deepEqual(msgs, [
      { msgId: '12345678901234567', type: 'ORDER_BUYER_VIEW_ORDER_PAY', bizKey: '3535260697417660107', gmtBorn: 1764237600000, userInfo: 'b2b-22000000000', data: { orderId: '3535260697417660107', currentStatus: 'waitsellersend' }, extraInfo: null },
    ]);
    assert.equal(await c.confirmMessages([msgs[0].msgId, 7n]), true);
    assert.deepEqual(g.confirmed, [['12345678901234567', '7']]);
    await assert.rejects(c.confirmMessages([]), (e) => e.code === 'INVALID_INPUT');
    await assert.rejects(c.confirmMessages(['1x']), (e) => e.code === 'INVALID_INPUT' && e.path === 'msgIds[0]');
    await assert.rejects(c.pullMessages({ pageSize: 5 }), (e) => e.path === 'pageSize');
  } finally {
    await g.close();
  }
});

test('the client never shows the secret: inspect, JSON, errors of every kind', async () => {
  const g = await gateway();
  try {
    const c = client(g);
    const errors = [];
    for (const p of [c.cashierUrls(['x']), c.exchangeCode({ code: 'nope', redirectUri: REDIRECT }), client(g, { appSecret: 'other' }).refreshToken(), c.call('no.such.api', {}, { namespace: 'a.b', version: 1 })]) {
      errors.push(await p.then(() => null, (e) => e));
    }
    assert.ok(errors.every((e) => e instanceof KjbError), errors.map(String).join('\n'));
    assertNoSecret(views(c, ...errors, Object.getOwnPropertyNames(c).map((k) => c[k])));
  } finally {
    await g.close();
  }
});

test('an onToken that throws stops the run with its own error, the links obtained attached', async () => {
  const g = await gateway({ expireAfter: 2 });
  try {
    const boom = new Error('database is down');
    const c = client(g, { concurrency: 1, onToken: () => { throw boom; } });
    const err = await c.cashierUrls(ids(50)).then(() => null, (e) => e);
    assert.equal(err, boom);
    assert.equal(err.partial.links.length, 2);
  } finally {
    await g.close();
  }
});
