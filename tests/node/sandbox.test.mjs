// The sandbox gateway over real HTTP on 127.0.0.1: requests signed here with node:crypto (not
// with the sandbox's own signer), answers checked against the gateway's documented codes and
// 1688's documented answer shapes, and a few answers handed to the kjb core.
import test, { before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createHmac } from 'node:crypto';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseResponse, verifyPush } from 'kjb';
import { startSandbox, createSandbox, defaultConfig, aopSignature } from 'kjb/sandbox';
import { firstLine } from './support.mjs';

const APP = {
  appKey: '1234567',
  appSecret: 'TESTSECRET123',
  accessToken: '00000000-test-token-0000',
  refreshToken: '00000000-test-refresh-0000',
};
const BIG = '3535260697417660107';
const TRADE = 'com.alibaba.trade';
// Vector V1 of tests/fixtures/signing-vectors.json in the repository (signed by a public 1688 SDK).
const V1 = {
  urlPath: 'param2/1/com.alibaba.trade/alibaba.alipay.url.get/1234567',
  params: {
    access_token: '00000000-test-token-0000',
    orderIdList: '[3535260697417660107,3535260697417660108,3535260697417660109]',
  },
  signature: 'DB4E13177991F0EAEE5F0AD2E6A515D604A15E53',
  body: 'access_token=00000000-test-token-0000&orderIdList=%5B3535260697417660107%2C3535260697417660108%2C3535260697417660109%5D&_aop_signature=DB4E13177991F0EAEE5F0AD2E6A515D604A15E53',
};
const V11 = {
  urlPath: 'param2/1/com.example.ns/example.api/1234567',
  params: { access_token: '00000000-test-token-0000', type: 'ORDER', typeList: '["A","B"]' },
  signature: '74034328E30BA80F41BA5B856F5D6452493C991D',
};
// 1688's own documented answers (open.1688.com API pages), bodies verbatim.
const DOCUMENTED = {
  'alibaba.trade.payWay.query':
    '{"resultList":{"channels":[{"code":1,"name":"支付宝"}],"orderId":"239695213738498520","payFee":32120,"timeout":"2018-11-04 14:00:45"},"success":true}',
  'alibaba.accountPeriod.list.buyerView':
    '{"resultList":{"accountPeriodList":[{"gmtQuota":"20190110114140000+0800","quota":90000000,"sellerCompanyName":"AOP对外测试账号01","sellerLoginId":"alitestforisv01","statusStr":"有效","surplusQuota":90000000,"tapDateStr":"120天","tapOverdue":0}],"totalCount":"1"},"success":true}',
  'trade.orderpay.analysis':
    '{"result":{"success":true,"code":null,"message":null,"result":{"orderTotalCount":2,"totalPayFee":150000,"orderIds":[265354896466,854635455],"payChannel":{"channel":"alipay","avaliable":true}}}}',
  'push.query.messageList':
    '{"pushMessagePage":{"datas":[{"gmtBorn":1399452484000,"topicGroup":"CAIGOU1","data":{"quotationId":123},"msgId":68891027,"type":"CAIGOU_MSG_BUYER_MARK_QUOTATION","userInfo":"memberId","appKey":"123456","topicName":"MSG_BUYER_MARK_QUOTATION"}],"totalCount":1}}',
};
// 400_3 is not here: trade.cancel documents it.
const INVENTED = [
  'gw.QosRequestLimit',
  'gw.AccessTokenInvalid',
  'gw.APINotFound',
  'gw.MissingParameter',
  '400_1',
  '400_2',
  '400_5',
];

let sb;
let receiver;

/** A push receiver: records every POST; answers 500 while `failing` > 0. */
async function startReceiver() {
  const bodies = [];
  let waiting = [];
  const r = { bodies, failing: 0, answered: [] };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = { text: Buffer.concat(chunks).toString('utf8'), type: req.headers['content-type'] };
      const status = r.failing > 0 ? 500 : 200;
      if (r.failing > 0) r.failing -= 1;
      body.status = status;
      bodies.push(body);
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'success' : 'fail');
      const still = [];
      for (const w of waiting) w.test(bodies) ? w.resolve(bodies.slice()) : still.push(w);
      waiting = still;
    });
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  r.url = `http://127.0.0.1:${server.address().port}/push`;
  /** Resolves once `test(bodies)` holds. */
  r.until = (t, ms = 5000) =>
    t(bodies)
      ? Promise.resolve(bodies.slice())
      : new Promise((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`the receiver got ${bodies.length} pushes, not what the test waits for`)),
            ms,
          );
          waiting.push({
            test: t,
            resolve: (v) => {
              clearTimeout(timer);
              resolve(v);
            },
          });
        });
  r.close = () => new Promise((ok) => server.close(ok));
  return r;
}

/** The default config without a rate limit and with fast push re-sends (tests that need them set them). */
const testConfig = (extra = {}) => ({ ...defaultConfig(), qps: 0, pushRetry: { attempts: 4, baseMs: 20 }, ...extra });

before(async () => {
  receiver = await startReceiver();
  sb = await startSandbox({ pushUrl: receiver.url, config: testConfig() });
});
after(async () => {
  await sb.close();
  await receiver.close();
});
beforeEach(async () => {
  await sb.sandbox.idle(); // the previous test's pushes land before the receiver is cleared
  sb.sandbox.reset();
  sb.sandbox.setPushUrl(receiver.url);
  receiver.bodies.length = 0;
  receiver.failing = 0;
});

/** HMAC-SHA1 over urlPath + sorted key+value strings, upper-case hex: computed here, independently. */
function hmac(secret, urlPath, pairs) {
  const parts = pairs.map(([k, v]) => Buffer.from(`${k}${v}`)).sort(Buffer.compare);
  const mac = createHmac('sha1', secret).update(urlPath);
  for (const p of parts) mac.update(p);
  return mac.digest('hex').toUpperCase();
}

/** Calls `ns:api` signed with node:crypto; `token: null` sends no access token. */
async function call(
  api,
  params = {},
  { ns = TRADE, base = sb.url, appKey = APP.appKey, secret = APP.appSecret, token = APP.accessToken } = {},
) {
  const p = { ...params };
  if (token !== null) p.access_token = token;
  const urlPath = `param2/1/${ns}/${api}/${appKey}`;
  const body = new URLSearchParams({ ...p, _aop_signature: hmac(secret, urlPath, Object.entries(p)) });
  const res = await fetch(`${base}/openapi/${urlPath}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
    body,
  });
  const text = await res.text();
  return { status: res.status, body: text, type: res.headers.get('content-type'), json: () => JSON.parse(text) };
}

const post = (path, body, type = 'application/json', base = sb.url) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': type },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    redirect: 'manual',
  });
const control = async (path, body) => {
  const r = await post(path, body);
  assert.equal(r.status, 200, `${path}: ${r.status}`);
  return r.json();
};
const state = async () => (await fetch(`${sb.url}/_sandbox/state`)).json();

/** Every key of the documented answer is in ours, with the same JSON type (where the doc's value is not null). */
function assertSameShape(ours, documented, path = '') {
  if (Array.isArray(documented)) {
    assert.ok(Array.isArray(ours), `${path} must be an array`);
    if (documented.length && ours.length) assertSameShape(ours[0], documented[0], `${path}[0]`);
    return;
  }
  if (documented !== null && typeof documented === 'object') {
    assert.ok(ours !== null && typeof ours === 'object' && !Array.isArray(ours), `${path} must be an object`);
    for (const k of Object.keys(documented)) {
      if (path.endsWith('.data')) continue; // a message's data depends on its topic
      assert.ok(k in ours, `${path}.${k} is missing`);
      assertSameShape(ours[k], documented[k], `${path}.${k}`);
    }
    return;
  }
  if (documented !== null)
    assert.equal(typeof ours, typeof documented, `${path}: ${JSON.stringify(ours)} is not a ${typeof documented}`);
}

/** A cashier token for `ids` via crossBorderPay.url.get. */
async function cashier(ids, api = 'alibaba.crossBorderPay.url.get') {
  const r = await call(api, { orderIdList: `[${ids.join(',')}]` });
  assert.equal(r.status, 200, r.body);
  const { payUrl } = r.json();
  assert.ok(payUrl, r.body);
  return new URL(payUrl).searchParams.get('token');
}
const pay = (token, outcome) => post('/cashier/pay', { token, ...(outcome ? { outcome } : {}) });
const messagesOf = (bodies) =>
  bodies.map((b) => ({
    ...JSON.parse(new URLSearchParams(b.text).get('message')),
    raw: new URLSearchParams(b.text).get('message'),
    signature: new URLSearchParams(b.text).get('_aop_signature'),
    status: b.status,
  }));

// ---- signing and gateway errors -------------------------------------------------------------

test('the sandbox signature is the protocol one (vectors V1 and V11), and it accepts V1 exactly as a public SDK sent it', async () => {
  assert.equal(aopSignature(APP.appSecret, V1.urlPath, V1.params), V1.signature);
  assert.equal(aopSignature(APP.appSecret, V11.urlPath, V11.params), V11.signature);
  assert.equal(hmac(APP.appSecret, V1.urlPath, Object.entries(V1.params)), V1.signature);
  const r = await post(`/openapi/${V1.urlPath}`, V1.body, 'application/x-www-form-urlencoded; charset=UTF-8');
  assert.equal(r.status, 200);
  assert.match(
    await r.text(),
    /^\{"success":true,"payUrl":"http:\/\/127\.0\.0\.1:\d+\/cashier\?token=[0-9a-f]+","payFailureOrderList":\[\]\}$/,
  );
});

test('gateway errors are the documented codes with their HTTP statuses, and none of the invented ones', async () => {
  const seen = [];
  const expect = async (r, status, code, message) => {
    assert.equal(r.status, status, r.body);
    const body = r.json();
    assert.equal(body.error_code, code);
    if (message) assert.equal(body.error_message, message);
    assert.equal(typeof body.request_id, 'string');
    assert.match(r.type, /^application\/json/);
    seen.push(code);
  };
  const params = { orderId: BIG };
  await expect(await call('alibaba.trade.payWay.query', params, { secret: 'WRONG' }), 400, 'gw.SignatureInvalid');
  await expect(await call('alibaba.trade.payWay.query', params, { appKey: '7654321' }), 400, 'gw.AppKeyNotFound');
  await expect(
    await call('alibaba.trade.payWay.query', params, { token: null }),
    401,
    '401',
    'Request need user authorized',
  );
  await expect(
    await call('alibaba.trade.payWay.query', params, { token: 'unknown-token' }),
    401,
    '401',
    'Request need user authorized',
  );
  await expect(await call('alibaba.trade.noSuchApi', params), 400, 'gw.APIUnsupported');
  await expect(
    await call('alibaba.trade.payWay.query', params, { ns: 'com.alibaba.account' }),
    400,
    'gw.APIUnsupported',
  );
  await expect(await call('alibaba.crossBorderPay.url.get', {}), 400, 'gw.ParamMissing');
  await control('/_sandbox/rate-limit', { count: 1 });
  await expect(
    await call('alibaba.trade.payWay.query', params),
    400,
    'gw.QosAppFrequencyLimit',
    'App call exceeds limited frequency',
  );
  await control('/_sandbox/quota', { calls: 1 });
  assert.equal((await call('alibaba.trade.payWay.query', params)).status, 200);
  await expect(
    await call('alibaba.trade.payWay.query', params),
    400,
    'gw.NoUsageLeftError',
    'SLA bill has no usage left',
  );
  await control('/_sandbox/quota', { calls: null });
  assert.equal((await call('alibaba.trade.payWay.query', params)).status, 200);
  // A body changed after signing.
  const urlPath = `param2/1/${TRADE}/alibaba.trade.payWay.query/${APP.appKey}`;
  const p = { access_token: APP.accessToken, orderId: BIG };
  const tampered = new URLSearchParams({
    ...p,
    orderId: '3535260697417660108',
    _aop_signature: hmac(APP.appSecret, urlPath, Object.entries(p)),
  });
  const r = await post(`/openapi/${urlPath}`, tampered.toString(), 'application/x-www-form-urlencoded');
  assert.equal(r.status, 400);
  assert.equal((await r.json()).error_code, 'gw.SignatureInvalid');

  // An app without permission for an API (solution not subscribed).
  const cfg = testConfig();
  cfg.apps.push({
    appKey: '7777777',
    appSecret: 'ACLSECRET',
    accessToken: 'acl-token',
    apis: ['alibaba.trade.payWay.query'],
  });
  const own = await startSandbox({ config: cfg });
  try {
    const opts = { base: own.url, appKey: '7777777', secret: 'ACLSECRET', token: 'acl-token' };
    assert.equal((await call('alibaba.trade.payWay.query', params, opts)).status, 200);
    await expect(
      await call('alibaba.trade.get.buyerView', params, opts),
      400,
      'gw.APIACLDecline',
      'AppKey is not allowed(acl)',
    );
    // The token is checked before the API permission.
    await expect(await call('alibaba.trade.get.buyerView', params, { ...opts, token: 'nope' }), 401, '401');
  } finally {
    await own.close();
  }
  const calls = await (await fetch(`${sb.url}/_sandbox/calls`)).json();
  for (const c of calls) assert.ok(!INVENTED.includes(c.code), `invented code ${c.code}`);
  assert.deepEqual([...new Set(seen)].sort(), [
    '401',
    'gw.APIACLDecline',
    'gw.APIUnsupported',
    'gw.AppKeyNotFound',
    'gw.NoUsageLeftError',
    'gw.ParamMissing',
    'gw.QosAppFrequencyLimit',
    'gw.SignatureInvalid',
  ]);
});

test('the per-app rate limit is a real rate: a burst past qps is refused, the observed rate stays within it', async () => {
  await control('/_sandbox/qps', { qps: 5 });
  const burst = await Promise.all(
    Array.from({ length: 12 }, () => call('alibaba.trade.payWay.query', { orderId: BIG })),
  );
  const ok = burst.filter((r) => r.status === 200).length;
  assert.equal(ok, 5);
  for (const r of burst.filter((x) => x.status !== 200)) {
    assert.equal(r.status, 400);
    assert.equal(r.json().error_code, 'gw.QosAppFrequencyLimit');
  }
  // Paced at the rate, every call goes through.
  await new Promise((r) => setTimeout(r, 1100));
  for (let i = 0; i < 8; i += 1) {
    assert.equal((await call('alibaba.trade.payWay.query', { orderId: BIG })).status, 200);
    await new Promise((r) => setTimeout(r, 210));
  }
  const calls = await (await fetch(`${sb.url}/_sandbox/calls`)).json();
  const accepted = calls.filter((c) => c.status === 200).map((c) => c.t);
  for (const t of accepted)
    assert.ok(accepted.filter((x) => x >= t && x - t < 1000).length <= 5, 'more than qps accepted calls in a second');
  assert.deepEqual(Object.keys(calls[0]).sort(), ['api', 'code', 'status', 't']);
  await control('/_sandbox/qps', { qps: 0 });
  const free = await Promise.all(
    Array.from({ length: 20 }, () => call('alibaba.trade.payWay.query', { orderId: BIG })),
  );
  assert.ok(free.every((r) => r.status === 200));
});

test('/_sandbox/fail answers HTTP errors that are not 1688 answers, for one API or any', async () => {
  await control('/_sandbox/fail', { status: 502, count: 1, api: 'alibaba.alipay.url.get' });
  assert.equal((await call('alibaba.trade.payWay.query', { orderId: BIG })).status, 200);
  const r = await call('alibaba.alipay.url.get', { orderIdList: `[${BIG}]` });
  assert.equal(r.status, 502);
  assert.match(r.type, /^text\/html/);
  assert.match(r.body, /Bad Gateway/);
  assert.equal((await call('alibaba.alipay.url.get', { orderIdList: `[${BIG}]` })).status, 200);
  await control('/_sandbox/fail', { status: 503, count: 2 });
  assert.equal((await call('alibaba.trade.payWay.query', { orderId: BIG })).status, 503);
  assert.equal((await call('alibaba.trade.get.buyerView', { orderId: BIG })).status, 503);
  assert.equal((await call('alibaba.trade.payWay.query', { orderId: BIG })).status, 200);
  assert.equal((await post('/_sandbox/fail', { status: 200 })).status, 400);
});

// ---- OAuth and tokens -----------------------------------------------------------------------

const tokenCall = (form) =>
  post(
    `/openapi/http/1/system.oauth2/getToken/${APP.appKey}`,
    new URLSearchParams(form).toString(),
    'application/x-www-form-urlencoded',
  );

async function authorize(redirectUri = 'http://127.0.0.1:9/callback', st = 'opaque-42') {
  const pageRes = await fetch(
    `${sb.url}/oauth/authorize?client_id=${APP.appKey}&site=1688&redirect_uri=${encodeURIComponent(redirectUri)}&state=${st}`,
  );
  assert.equal(pageRes.status, 200);
  const html = await pageRes.text();
  assert.match(html, /<button type="submit">Authorize<\/button>/);
  assert.match(html, /<form method="post" action="authorize">/);
  const r = await post(
    '/oauth/authorize',
    new URLSearchParams({ client_id: APP.appKey, redirect_uri: redirectUri, state: st }).toString(),
    'application/x-www-form-urlencoded',
  );
  assert.equal(r.status, 302);
  const location = new URL(r.headers.get('location'));
  assert.equal(`${location.origin}${location.pathname}`, redirectUri);
  assert.equal(location.searchParams.get('state'), st);
  return location.searchParams.get('code');
}

test('OAuth: the authorise page redirects with a code; getToken exchanges it once; the token works and expires', async () => {
  const redirectUri = 'http://127.0.0.1:9/callback';
  const code = await authorize(redirectUri);
  assert.match(code, /^[0-9a-f]{32}$/);
  const form = {
    grant_type: 'authorization_code',
    need_refresh_token: 'true',
    client_id: APP.appKey,
    client_secret: APP.appSecret,
    redirect_uri: redirectUri,
    code,
  };
  let r = await tokenCall(form);
  assert.equal(r.status, 200);
  const tok = await r.json();
  assert.deepEqual(Object.keys(tok).sort(), [
    'access_token',
    'aliId',
    'expires_in',
    'memberId',
    'refresh_token',
    'refresh_token_timeout',
    'resource_owner',
  ]);
  assert.equal(tok.expires_in, '36000');
  assert.equal(tok.memberId, defaultConfig().account.memberId);
  assert.match(tok.refresh_token_timeout, /^\d{14}\+0800$/);
  assert.ok(!JSON.stringify(tok).includes(APP.appSecret));
  // A code works once.
  r = await tokenCall(form);
  assert.equal(r.status, 400);
  assert.equal((await r.json()).error, 'invalid_grant');
  // The new token is accepted by the gateway.
  assert.equal(
    (await call('alibaba.trade.get.buyerView', { webSite: '1688', orderId: BIG }, { token: tok.access_token })).status,
    200,
  );
  // Wrong secret, wrong redirect_uri.
  const again = await authorize(redirectUri);
  assert.equal((await tokenCall({ ...form, code: again, client_secret: 'WRONG' })).status, 401);
  const third = await authorize(redirectUri);
  assert.equal((await tokenCall({ ...form, code: third, redirect_uri: 'http://127.0.0.1:9/other' })).status, 400);
  // A code lives 120 s on the sandbox clock.
  const late = await authorize(redirectUri);
  await control('/_sandbox/advance', { seconds: 121 });
  assert.equal((await tokenCall({ ...form, code: late })).status, 400);

  // Refresh grant: a new access token (the refresh token stays the same).
  r = await tokenCall({
    grant_type: 'refresh_token',
    client_id: APP.appKey,
    client_secret: APP.appSecret,
    refresh_token: tok.refresh_token,
  });
  assert.equal(r.status, 200);
  const fresh = await r.json();
  assert.equal(fresh.expires_in, '36000');
  assert.notEqual(fresh.access_token, tok.access_token);
  assert.equal(fresh.refresh_token, undefined);
  assert.equal(
    (await call('alibaba.trade.get.buyerView', { orderId: BIG }, { token: fresh.access_token })).status,
    200,
  );
  // expire-token: that token now answers 401, the others still work.
  await control('/_sandbox/expire-token', { accessToken: fresh.access_token });
  assert.equal(
    (await call('alibaba.trade.get.buyerView', { orderId: BIG }, { token: fresh.access_token })).status,
    401,
  );
  assert.equal((await call('alibaba.trade.get.buyerView', { orderId: BIG }, { token: tok.access_token })).status, 200);
  // The configured refresh token works too; an unknown one does not.
  assert.equal(
    (
      await tokenCall({
        grant_type: 'refresh_token',
        client_id: APP.appKey,
        client_secret: APP.appSecret,
        refresh_token: APP.refreshToken,
      })
    ).status,
    200,
  );
  assert.equal(
    (
      await tokenCall({
        grant_type: 'refresh_token',
        client_id: APP.appKey,
        client_secret: APP.appSecret,
        refresh_token: 'nope',
      })
    ).status,
    400,
  );

  // postponeToken: a new refresh token with a later timeout.
  r = await post(
    `/openapi/param2/1/system.oauth2/postponeToken/${APP.appKey}`,
    new URLSearchParams({
      client_id: APP.appKey,
      client_secret: APP.appSecret,
      refresh_token: tok.refresh_token,
      access_token: tok.access_token,
    }).toString(),
    'application/x-www-form-urlencoded',
  );
  assert.equal(r.status, 200);
  const postponed = await r.json();
  assert.match(postponed.refresh_token_timeout, /^\d{14}\+0800$/);
  assert.equal(postponed.access_token, tok.access_token);

  // expire-token without a token: every token expires.
  await control('/_sandbox/expire-token', {});
  assert.equal((await call('alibaba.trade.get.buyerView', { orderId: BIG })).status, 401);
  assert.equal((await call('alibaba.trade.get.buyerView', { orderId: BIG }, { token: tok.access_token })).status, 401);
});

test('tokens live tokenLifetimeSec on the sandbox clock; an app without a refresh token has none', async () => {
  const cfg = testConfig({ tokenLifetimeSec: 60 });
  cfg.apps.push({ appKey: '8888888', appSecret: 'LONGLIVED', accessToken: 'long-lived-token' });
  const own = await startSandbox({ config: cfg });
  try {
    assert.equal((await call('alibaba.trade.get.buyerView', { orderId: BIG }, { base: own.url })).status, 200);
    await post('/_sandbox/advance', { seconds: 61 }, 'application/json', own.url);
    const r = await call('alibaba.trade.get.buyerView', { orderId: BIG }, { base: own.url });
    assert.equal(r.status, 401);
    assert.equal(r.json().error_code, '401');
    const refresh = await post(
      '/openapi/http/1/system.oauth2/getToken/8888888',
      new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: '8888888',
        client_secret: 'LONGLIVED',
        refresh_token: 'long-lived-token',
      }).toString(),
      'application/x-www-form-urlencoded',
      own.url,
    );
    assert.equal(refresh.status, 400);
  } finally {
    await own.close();
  }
});

// ---- the payment APIs -----------------------------------------------------------------------

test('crossBorderPay.url.get: "true" as a string, {} for an empty list, 19-digit ids as exact JSON numbers; 400_4 when nothing is payable', async () => {
  const refusedId = defaultConfig().orders.find((o) => o.kjbRefused).orderId;
  let r = await call('alibaba.crossBorderPay.url.get', { orderIdList: `[${BIG},${refusedId}]` });
  assert.match(
    r.body,
    new RegExp(
      `^\\{"success":"true","payUrl":"http://127\\.0\\.0\\.1:\\d+/cashier\\?token=[0-9a-f]+","cantPayOrderList":\\[${refusedId}\\]\\}$`,
    ),
  );
  r = await call('alibaba.crossBorderPay.url.get', { orderIdList: `[${BIG}]` });
  assert.match(r.body, /"cantPayOrderList":\{\}\}$/);
  r = await call('alibaba.crossBorderPay.url.get', { orderIdList: `[${refusedId}]` });
  assert.deepEqual(r.json(), { success: 'false', errorCode: '400_4', errorMsg: r.json().errorMsg });
  // More than 30 ids: a business error that says the limit.
  const ids = Array.from({ length: 31 }, (_, i) => String(2026112590000000 + i));
  r = await call('alibaba.crossBorderPay.url.get', { orderIdList: `[${ids.join(',')}]` });
  assert.equal(r.status, 200);
  assert.equal(r.json().success, 'false');
  assert.match(r.json().errorMsg, /30/);
});

test('manualTrade and stockError orders: the documented free-text errors, for any call containing them', async () => {
  const manual = defaultConfig().orders.find((o) => o.manualTrade).orderId;
  const stock = defaultConfig().orders.find((o) => o.stockError).orderId;
  let r = await call('alibaba.alipay.url.get', { orderIdList: `[${BIG},${manual}]` });
  assert.equal(r.status, 200);
  assert.equal(
    r.body,
    '{"success":false,"errorCode":"Batch pay : not surport MANUAL-TRADE!","erroMsg":"Batch pay : not surport MANUAL-TRADE!"}',
  );
  r = await call('alibaba.crossBorderPay.url.get', { orderIdList: `[${manual}]` });
  assert.deepEqual(r.json(), {
    success: 'false',
    errorCode: 'Batch pay : not surport MANUAL-TRADE!',
    errorMsg: 'Batch pay : not surport MANUAL-TRADE!',
  });
  r = await call('alibaba.alipay.url.get', { orderIdList: `[${stock},${BIG}]` });
  assert.equal(
    r.body,
    '{"success":false,"errorCode":"操作库存失败:PRODUCT_TRADE_STAT_ERROR","erroMsg":"操作库存失败:PRODUCT_TRADE_STAT_ERROR"}',
  );
  // Without them the same batch gets a link.
  assert.equal((await call('alibaba.alipay.url.get', { orderIdList: `[${BIG}]` })).json().success, true);
});

test('alipay.url.get: success as a boolean, refusals in payFailureOrderList (partial success)', async () => {
  const paid = defaultConfig().orders.find((o) => o.status === 'waitsellersend').orderId;
  const r = await call('alibaba.alipay.url.get', { orderIdList: `[${BIG},${paid}]` });
  assert.match(r.body, new RegExp(`^\\{"success":true,"payUrl":"[^"]+","payFailureOrderList":\\[${paid}\\]\\}$`));
});

test('payWay.query, accountPeriod, orderpay.analysis and messageList answer in the documented shapes', async () => {
  let r = await call('alibaba.trade.payWay.query', { orderId: BIG });
  assertSameShape(r.json(), JSON.parse(DOCUMENTED['alibaba.trade.payWay.query']));
  assert.match(r.body, /"orderId":"3535260697417660107"/);
  const order = defaultConfig().orders.find((o) => o.orderId === BIG);
  assert.equal(r.json().resultList.payFee, Math.round(Number(order.amount) * 100));
  assert.deepEqual(
    r.json().resultList.channels.map((c) => c.code),
    [1, 16, 20, 3],
  );
  const notKjb = defaultConfig().orders.find((o) => o.kjbRefused).orderId;
  assert.ok(
    !(await call('alibaba.trade.payWay.query', { orderId: notKjb }))
      .json()
      .resultList.channels.some((c) => c.code === 16),
  );

  r = await call('alibaba.accountPeriod.list.buyerView', {});
  assertSameShape(r.json(), JSON.parse(DOCUMENTED['alibaba.accountPeriod.list.buyerView']));
  assert.equal(typeof r.json().resultList.totalCount, 'string');
  assert.equal(r.json().resultList.accountPeriodList[0].quota, 5000000); // "50000.00" yuan in fen

  r = await call('trade.orderpay.analysis', { orderIds: `[${BIG},2026112510000000]`, payChannel: 'kjpayV2' });
  assertSameShape(r.json(), JSON.parse(DOCUMENTED['trade.orderpay.analysis']));
  assert.match(r.body, /"orderIds":\[3535260697417660107,2026112510000000\]/);
  assert.equal(r.json().result.result.payChannel.avaliable, true);
  assert.equal(r.json().result.result.totalPayFee, 12919 + 5000);
  r = await call('trade.orderpay.analysis', { orderIds: `[${BIG},${notKjb}]`, payChannel: 'kjpayV2' });
  assert.equal(r.json().result.result.payChannel.avaliable, false); // one yes/no for the whole set

  const token = await cashier([BIG]);
  await control('/_sandbox/drop-push', { count: 5 });
  assert.equal((await pay(token)).status, 200);
  r = await call('push.query.messageList', { pageSize: '20' }, { ns: 'cn.alibaba.open', token: null });
  assertSameShape(r.json(), JSON.parse(DOCUMENTED['push.query.messageList']));
});

test('crossBasic, account.basic and protocolPay.isopen', async () => {
  let r = await call(
    'alibaba.account.agent.crossBasic',
    { loginId: 'hangzhou-greenleaf-garden' },
    { ns: 'com.alibaba.account' },
  );
  assert.deepEqual(Object.keys(r.json().result).sort(), [
    'categoryName',
    'companyName',
    'kuaJingBao',
    'loginId',
    'shopUrl',
    'supplierName',
  ]);
  assert.equal(r.json().result.kuaJingBao, false);
  r = await call('alibaba.account.agent.crossBasic', { loginId: 'yiwu-starlight-toys' }, { ns: 'com.alibaba.account' });
  assert.equal(r.json().result.kuaJingBao, true);
  r = await call('alibaba.account.basic', {}, { ns: 'com.alibaba.account' });
  const basic = r.json().result;
  assert.equal(basic.memberId, defaultConfig().account.memberId);
  assert.equal(basic.kuaJingBao, true);
  for (const k of ['crossBorder', 'tpYear', 'gmtPaidJoin']) assert.ok(k in basic, k);
  r = await call('alibaba.trade.pay.protocolPay.isopen', {});
  assert.equal(r.status, 200);
  assert.equal(r.json().result.success, true);
  // As its API page documents: per channel, the statuses as strings.
  assert.deepEqual(
    r.json().result.result.paymentAgreements.map((a) => [a.payChannel, a.bindingStatus, a.signedStatus]),
    [
      ['SHEGOU', 'true', 'true'],
      ['ALIPAY', 'true', 'true'],
    ],
  );
});

// ---- orders: buyerView, getBuyerOrderList, cancel -------------------------------------------

test("buyerView: 1688's shape, id as an exact JSON number beside idOfStr, yuan/fen units; paying flips status and payTime", async () => {
  let r = await call('alibaba.trade.get.buyerView', { webSite: '1688', orderId: BIG });
  assert.equal(r.status, 200);
  assert.match(r.body, /^\{"result":\{"baseInfo":\{"id":3535260697417660107,/);
  assert.match(r.body, /"idOfStr":"3535260697417660107"/);
  const v = r.json().result;
  const order = defaultConfig().orders.find((o) => o.orderId === BIG);
  assert.equal(v.baseInfo.status, 'waitbuyerpay');
  assert.equal(v.baseInfo.tradeTypeCode, 'assureTrade');
  assert.equal(v.baseInfo.payTimeout, order.payTimeout);
  assert.match(v.baseInfo.createTime, /^\d{17}\+0800$/);
  assert.equal(v.baseInfo.payTime, undefined);
  assert.match(r.body, new RegExp(`"totalAmount":${order.amount.replace(/\.?0+$/, '').replace('.', '\\.')}[,}]`));
  assert.equal(v.baseInfo.sellerLoginId, order.supplier);
  assert.equal(v.baseInfo.sellerOrder, false);
  assert.equal(v.tradeTerms[0].payStatus, '1');
  assert.equal(v.productItems[0].name, order.items[0].title);
  // Money: totalAmount = sumProductPayment + shippingFee + discount/100 (discount in fen).
  const discounted =
    defaultConfig().orders.find((o) => o.discount && o.shippingFee === undefined) ||
    defaultConfig().orders.find((o) => o.discount);
  const d = (await call('alibaba.trade.get.buyerView', { orderId: discounted.orderId })).json().result.baseInfo;
  assert.equal(
    Math.round(d.sumProductPayment * 100) + Math.round((d.shippingFee || 0) * 100) + d.discount,
    Math.round(d.totalAmount * 100),
  );
  assert.equal(d.discount, discounted.discount);

  const token = await cashier([BIG]);
  assert.equal((await pay(token)).status, 200);
  r = await call('alibaba.trade.get.buyerView', { webSite: '1688', orderId: BIG });
  const paid = r.json().result;
  assert.equal(paid.baseInfo.status, 'waitsellersend');
  assert.match(paid.baseInfo.payTime, /^\d{17}\+0800$/);
  assert.equal(paid.tradeTerms[0].payStatus, '2');
  assert.deepEqual(paid.baseInfo.payChannelList, ['跨境宝']);
  assert.equal(paid.tradeTerms[0].payWayDesc, '跨境宝');
  assert.equal(paid.baseInfo.payTimeoutType, 0);
});

test('getBuyerOrderList: buyerView-shaped pages with totalRecord, status and modify-time filters', async () => {
  const all = defaultConfig().orders;
  let r = await call('alibaba.trade.getBuyerOrderList', { page: '1', pageSize: '20' });
  const first = r.json();
  assert.equal(first.totalRecord, all.length);
  assert.equal(first.result.length, 20);
  assert.ok(first.result.every((o) => o.baseInfo && o.baseInfo.idOfStr && Array.isArray(o.productItems)));
  const pages = [first.result];
  for (let page = 2; page <= 3; page += 1)
    pages.push((await call('alibaba.trade.getBuyerOrderList', { page: String(page), pageSize: '20' })).json().result);
  const ids = pages.flat().map((o) => o.baseInfo.idOfStr);
  assert.deepEqual([...ids].sort(), all.map((o) => o.orderId).sort());
  // Ids as exact numbers in the text too.
  assert.ok(pages.flat().every((o) => String(o.baseInfo.id).length > 0));
  r = await call('alibaba.trade.getBuyerOrderList', { orderStatus: 'waitsellersend', page: '1', pageSize: '50' });
  assert.deepEqual(
    r.json().result.map((o) => o.baseInfo.idOfStr),
    all.filter((o) => o.status === 'waitsellersend').map((o) => o.orderId),
  );
  // Paid orders show up in a modify-time window starting now.
  const since = (await state()).clock.replace(/[- :]/g, '');
  const token = await cashier([BIG]);
  await pay(token);
  r = await call('alibaba.trade.getBuyerOrderList', { modifyStartTime: `${since}000+0800`, page: '1', pageSize: '50' });
  assert.deepEqual(
    r.json().result.map((o) => o.baseInfo.idOfStr),
    [BIG],
  );
});

test('trade.cancel closes an unpaid order and pushes the close topic; paid, unknown and too-fresh orders are refused', async () => {
  const id = '2026112510000000';
  let r = await call('alibaba.trade.cancel', { webSite: '1688', tradeID: id, cancelReason: 'buyerCancel' });
  assert.deepEqual(r.json(), { success: true });
  assert.equal((await call('alibaba.trade.get.buyerView', { orderId: id })).json().result.baseInfo.status, 'cancel');
  const [msg] = messagesOf(await receiver.until((b) => b.length >= 1));
  assert.equal(msg.type, 'ORDER_BUYER_VIEW_ORDER_BUYER_CLOSE');
  assert.match(msg.raw, /"orderId":2026112510000000[,}]/);
  const closed = (await call('alibaba.trade.get.buyerView', { orderId: id })).json().result.baseInfo;
  assert.deepEqual([closed.closeReason, closed.closeOperateType], ['buyerCancel', 'CLOSE_TRADE_BY_BUYER']);
  r = await call('alibaba.trade.cancel', { webSite: '1688', tradeID: id, cancelReason: 'buyerCancel' });
  assert.deepEqual(r.json(), { success: false, errorCode: 'ORDER_STATUS_ERROR', errorMessage: '订单状态错误' });
  r = await call('alibaba.trade.cancel', { webSite: '1688', tradeID: BIG, cancelReason: 'whatever' });
  assert.equal(r.json().success, false);
  const strict = await startSandbox({
    config: testConfig({
      strictOrders: true,
      orders: [
        ...defaultConfig().orders,
        { orderId: '1999999999999999990', amount: '1.00', createTime: 0, supplier: 'yiwu-starlight-toys' },
        { orderId: '1999999999999999980', amount: '1.00', createTime: -3600, otherBuyer: true },
      ],
    }),
  });
  try {
    r = await call(
      'alibaba.trade.cancel',
      { tradeID: '1999999999999999999', cancelReason: 'other' },
      { base: strict.url },
    );
    assert.equal(r.json().errorCode, 'ORDER_NOT_EXIST');
    r = await call(
      'alibaba.trade.cancel',
      { tradeID: '1999999999999999990', cancelReason: 'other' },
      { base: strict.url },
    );
    assert.equal(r.json().errorCode, 'CLOSE_ORDER_TOO_FAST');
    r = await call(
      'alibaba.trade.cancel',
      { tradeID: '1999999999999999980', cancelReason: 'other' },
      { base: strict.url },
    );
    assert.equal(r.json().errorCode, '400_3'); // documented: not this buyer's (or seller's) order
  } finally {
    await strict.close();
  }
});

// ---- cashier and pushes ---------------------------------------------------------------------

test('paying pushes ORDER_BATCH_PAY (ids as strings) and per-order ORDER_BUYER_VIEW_ORDER_PAY (ids as numbers), signed params-only', async () => {
  const ids = [BIG, '3535260697417660108', '2026112510000000'];
  const token = await cashier(ids);
  const page = await (await fetch(`${sb.url}/cashier?token=${token}`)).text();
  assert.match(page, /<button type="submit">Pay ¥\d+\.\d\d<\/button>/);
  for (const o of ['successed', 'ACCOUNT_BALANCE_NOT_ENOUGH', 'ACCOUNT_NOT_EXIST', 'ACCOUNT_FROZEN', 'PARAM_ILLEGAL'])
    assert.ok(page.includes(`<option value="${o}">`), o);
  const res = await post(
    '/cashier/pay',
    new URLSearchParams({ token }).toString(),
    'application/x-www-form-urlencoded',
  );
  assert.equal(res.status, 303);
  const msgs = messagesOf(await receiver.until((b) => b.length >= 4));
  for (const m of msgs) {
    assert.equal(m.signature, createHmac('sha1', APP.appSecret).update(`message${m.raw}`).digest('hex').toUpperCase());
    assert.equal(m.userInfo, defaultConfig().account.memberId);
    assert.equal(typeof m.gmtBorn, 'number');
  }
  const batch = msgs.find((m) => m.type === 'ORDER_BATCH_PAY');
  assert.match(batch.raw, /"batchPay":\[\{"orderId":"3535260697417660107","status":"successed"\}/);
  assert.deepEqual(
    batch.data.batchPay.map((b) => [b.orderId, b.status]),
    ids.map((id) => [id, 'successed']),
  );
  const perOrder = msgs.filter((m) => m.type === 'ORDER_BUYER_VIEW_ORDER_PAY');
  assert.equal(perOrder.length, 3);
  assert.ok(perOrder.some((m) => /"orderId":3535260697417660107[,}]/.test(m.raw)));
  assert.ok(perOrder.every((m) => m.data.currentStatus === 'waitsellersend'));
  const after = await (await fetch(`${sb.url}/cashier?token=${token}`)).text();
  assert.match(after, /Paid: 3 order/);
  assert.doesNotMatch(after, /<button/);
  assert.equal((await pay(token)).status, 409);
});

test('the cashier fails a batch with each documented status: ORDER_BATCH_PAY carries it, the orders stay unpaid', async () => {
  for (const outcome of ['ACCOUNT_BALANCE_NOT_ENOUGH', 'ACCOUNT_NOT_EXIST', 'ACCOUNT_FROZEN', 'PARAM_ILLEGAL']) {
    sb.sandbox.reset();
    receiver.bodies.length = 0;
    const token = await cashier([BIG, '2026112510000000']);
    const res = await pay(token, outcome);
    assert.equal(res.status, 200);
    const answer = await res.json();
    assert.equal(answer.paid, false);
    assert.equal(answer.outcome, outcome);
    const [msg] = messagesOf(await receiver.until((b) => b.length >= 1));
    assert.equal(msg.type, 'ORDER_BATCH_PAY');
    assert.deepEqual(msg.data.batchPay, [
      { orderId: BIG, status: outcome },
      { orderId: '2026112510000000', status: outcome },
    ]);
    assert.equal(
      (await call('alibaba.trade.get.buyerView', { orderId: BIG })).json().result.baseInfo.status,
      'waitbuyerpay',
    );
    assert.match(
      await (await fetch(`${sb.url}/cashier?token=${token}`)).text(),
      new RegExp(`Payment failed: ${outcome}`),
    );
  }
  // The form route takes the outcome too; an unknown outcome is refused.
  const token = await cashier([BIG]);
  assert.equal((await pay(token, 'NOPE')).status, 400);
  const res = await post(
    '/cashier/pay',
    new URLSearchParams({ token, outcome: 'ACCOUNT_FROZEN' }).toString(),
    'application/x-www-form-urlencoded',
  );
  assert.equal(res.status, 303);
  // After a failure the buyer can pay.
  assert.equal((await (await pay(token)).json()).paid, true);
});

test('a push the receiver answers 500 is re-sent until it answers 200; duplicates on request', async () => {
  receiver.failing = 1;
  const token = await cashier([BIG]);
  await pay(token);
  const bodies = await receiver.until((b) => b.filter((x) => x.status === 200).length >= 2);
  const msgs = messagesOf(bodies);
  const failed = msgs.find((m) => m.status === 500);
  assert.ok(
    msgs.some((m) => m.status === 200 && m.msgId === failed.msgId),
    'the refused message came again',
  );
  const s = await state();
  assert.ok(s.pushes.every((p) => p.delivered));
  assert.equal(s.pushes.find((p) => p.msgId === String(failed.msgId)).attempts, 2);

  // Bounded: a receiver that never answers 200 gets `attempts` tries, then the message waits for the pull API.
  sb.sandbox.reset();
  receiver.bodies.length = 0;
  receiver.failing = 1000;
  await pay(await cashier(['2026112510000000']));
  await receiver.until((b) => b.length >= 8); // 2 messages × 4 attempts
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(receiver.bodies.length, 8);
  receiver.failing = 0;
  const pulled = (await call('push.query.messageList', {}, { ns: 'cn.alibaba.open', token: null })).json();
  assert.equal(pulled.pushMessagePage.totalCount, 2);

  sb.sandbox.reset();
  receiver.bodies.length = 0;
  await control('/_sandbox/push-duplicates', { count: 1 });
  await pay(await cashier([BIG]));
  const dup = messagesOf(await receiver.until((b) => b.length >= 3));
  const counts = {};
  for (const m of dup) counts[m.msgId] = (counts[m.msgId] || 0) + 1;
  assert.deepEqual(Object.values(counts).sort(), [1, 2]);
});

test('a dropped push stays for push.query.messageList until push.message.confirm', async () => {
  await control('/_sandbox/drop-push', { count: 1 });
  await pay(await cashier([BIG]));
  const delivered = messagesOf(await receiver.until((b) => b.length >= 1));
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(receiver.bodies.length, 1); // one of the two pushes was dropped
  const pull = async (params = {}) =>
    (await call('push.query.messageList', params, { ns: 'cn.alibaba.open', token: null })).json().pushMessagePage;
  let page = await pull();
  assert.equal(page.totalCount, 1);
  const [lost] = page.datas;
  assert.notEqual(String(lost.msgId), String(delivered[0].msgId));
  assert.equal(typeof lost.data, 'object'); // an object here, not a JSON text
  assert.equal(lost.userInfo, defaultConfig().account.memberId);
  assert.equal(lost.appKey, APP.appKey);
  // Pulling does not confirm.
  assert.equal((await pull()).totalCount, 1);
  assert.equal((await pull({ type: 'NOTHING_LIKE_IT' })).totalCount, 0);
  // pageSize outside 20–200 is refused.
  assert.equal(
    (await call('push.query.messageList', { pageSize: '10' }, { ns: 'cn.alibaba.open', token: null })).json().success,
    false,
  );
  const rawPage = (await call('push.query.messageList', {}, { ns: 'cn.alibaba.open', token: null })).body;
  const msgId = /"msgId":([0-9]+)/.exec(rawPage)[1];
  const r = await call('push.message.confirm', { msgIdList: `[${msgId}]` }, { ns: 'cn.alibaba.open', token: null });
  assert.deepEqual(r.json(), { isSuccess: true });
  page = await pull();
  assert.equal(page.totalCount, 0);
  // Signed like every call: a wrong signature is refused.
  assert.equal(
    (await call('push.query.messageList', {}, { ns: 'cn.alibaba.open', token: null, secret: 'WRONG' })).status,
    400,
  );
});

test('unpaid orders close after createTime + payTimeout on the sandbox clock, with a close push', async () => {
  const orders = defaultConfig().orders.filter((o) => o.status === 'waitbuyerpay');
  const soon = orders
    .filter((o) => o.createTime + o.payTimeout < 4 * 3600)
    .map((o) => o.orderId)
    .sort();
  assert.ok(soon.length >= 1, 'the default config has orders whose payTimeout ends today');
  await pay(await cashier([BIG]));
  await receiver.until((b) => b.length >= 2);
  receiver.bodies.length = 0;
  const r = await control('/_sandbox/advance', { seconds: 4 * 3600 });
  assert.deepEqual([...r.closed].sort(), soon);
  const msgs = messagesOf(await receiver.until((b) => b.length >= soon.length));
  assert.ok(msgs.every((m) => m.type === 'ORDER_BUYER_VIEW_ORDER_BOPS_CLOSE' && m.data.currentStatus === 'cancel'));
  const v = (await call('alibaba.trade.get.buyerView', { orderId: soon[0] })).json().result.baseInfo;
  assert.equal(v.status, 'cancel');
  assert.equal(v.closeReason, 'BUYER_NO_PAY');
  assert.equal(v.closeOperateType, 'CLOSE_TRADE_BY_SYSTEM');
  // A closed order is not payable; a paid one never closes.
  assert.equal(
    (await call('alibaba.crossBorderPay.url.get', { orderIdList: `[${soon[0]}]` })).json().errorCode,
    '400_4',
  );
  await control('/_sandbox/advance', { seconds: 30 * 86400 });
  assert.equal((await call('alibaba.trade.get.buyerView', { orderId: BIG })).status, 401); // the token expired too
  let s = await state();
  assert.equal(s.orders.find((o) => o.orderId === BIG).status, 'waitsellersend');
  assert.ok(s.orders.filter((o) => o.status === 'waitbuyerpay').length === 0);
  await sb.sandbox.idle();
  s = await state();
  assert.ok(
    s.pushes.every((p) => p.delivered),
    'every close was pushed',
  );
});

test('the cashier page fits a 390 px screen: viewport meta, stacked rows below 40rem, wrapping ids', async () => {
  const page = await (await fetch(`${sb.url}/cashier?token=${await cashier([BIG])}`)).text();
  assert.match(page, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
  assert.match(
    page,
    /@media \(max-width:40rem\)\{thead\{display:none\}table,tbody,tfoot,tr,td,th\{display:block;width:100%\}caption\{display:block/,
  );
  assert.match(page, /overflow-wrap:anywhere/);
  assert.match(page, /button,select\{font:inherit;max-width:100%\}/);
});

test('the kjb core reads what the sandbox sends: url answers and both push topics, ids as strings', async () => {
  const refusedId = defaultConfig().orders.find((o) => o.kjbRefused).orderId;
  const r = await call('alibaba.crossBorderPay.url.get', { orderIdList: `[${BIG},${refusedId}]` });
  const parsed = parseResponse({ api: 'alibaba.crossBorderPay.url.get', status: r.status, body: r.body });
  assert.deepEqual(parsed.refused, [refusedId]);
  await pay(new URL(parsed.payUrl).searchParams.get('token'));
  const bodies = await receiver.until((b) => b.length >= 2);
  const msgs = bodies.map((b) => verifyPush({ appSecret: APP.appSecret, body: b.text }));
  const perOrder = msgs.find((m) => m.type === 'ORDER_BUYER_VIEW_ORDER_PAY');
  assert.equal(perOrder.data.orderId, BIG);
  assert.equal(typeof perOrder.msgId, 'string');
  const batch = msgs.find((m) => m.type === 'ORDER_BATCH_PAY');
  assert.equal(batch.data.batchPay[0].orderId, BIG);
  assert.equal(batch.data.batchPay[0].status, 'successed');
  assert.throws(
    () => verifyPush({ appSecret: 'WRONG', body: bodies[0].text }),
    (e) => e.code === 'PUSH_SIGNATURE_INVALID',
  );
});

test('protocolPay.preparePay pays one order, answers the same for a repeated opRequestId, and pushes like a batch payment', async () => {
  const order = defaultConfig().orders.find((o) => o.orderId === '2026112510000000');
  const param = (extra) =>
    JSON.stringify({
      orderId: 2026112510000000,
      payChannel: 'kjpayV2',
      payAmount: Math.round(Number(order.amount) * 100),
      opRequestId: 'op-1',
      ...extra,
    });
  let r = await call('alibaba.trade.pay.protocolPay.preparePay', { tradeWithholdPreparePayParam: param() });
  assert.deepEqual(r.json(), {
    result: { success: true, code: '200', message: 'success', result: { payChannel: 'kjpayV2', paySuccess: true } },
  });
  const again = await call('alibaba.trade.pay.protocolPay.preparePay', { tradeWithholdPreparePayParam: param() });
  assert.equal(again.body, r.body);
  const msgs = messagesOf(await receiver.until((b) => b.length >= 2));
  assert.deepEqual(msgs.map((m) => m.type).sort(), ['ORDER_BATCH_PAY', 'ORDER_BUYER_VIEW_ORDER_PAY']);
  assert.equal(
    (await call('alibaba.trade.get.buyerView', { orderId: order.orderId })).json().result.baseInfo.status,
    'waitsellersend',
  );
  // A wrong amount, a new request for a paid order, garbage.
  r = await call('alibaba.trade.pay.protocolPay.preparePay', {
    tradeWithholdPreparePayParam: param({ orderId: BIG, payAmount: 1, opRequestId: 'op-2' }),
  });
  assert.equal(r.json().result.code, 'PAY_AMOUNT_MISMATCH');
  r = await call('alibaba.trade.pay.protocolPay.preparePay', {
    tradeWithholdPreparePayParam: param({ opRequestId: 'op-3' }),
  });
  assert.equal(r.json().result.success, false);
  r = await call('alibaba.trade.pay.protocolPay.preparePay', { tradeWithholdPreparePayParam: '{not json' });
  assert.equal(r.json().result.success, false);
  assert.equal((await call('alibaba.trade.pay.protocolPay.preparePay', {})).json().error_code, 'gw.ParamMissing');
});

test('creditPay.url.get answers like crossBorderPay and pays through 诚e赊', async () => {
  const r = await call('alibaba.creditPay.url.get', { orderIdList: `[${BIG}]` });
  assert.match(r.body, /^\{"success":"true","payUrl":"[^"]+","cantPayOrderList":\{\}\}$/);
  const token = new URL(r.json().payUrl).searchParams.get('token');
  assert.match(await (await fetch(`${sb.url}/cashier?token=${token}`)).text(), /诚e赊 eCredit cashier/);
  await pay(token);
  assert.deepEqual(
    (await call('alibaba.trade.get.buyerView', { orderId: BIG })).json().result.baseInfo.payChannelList,
    ['诚e赊'],
  );
});

test('control routes: delay, push-url, reset, state and orders; bad bodies are refused', async () => {
  await control('/_sandbox/delay', { ms: 300, count: 1 });
  let t = Date.now();
  assert.equal((await call('alibaba.trade.payWay.query', { orderId: BIG })).status, 200);
  assert.ok(Date.now() - t >= 280);
  t = Date.now();
  await call('alibaba.trade.payWay.query', { orderId: BIG });
  assert.ok(Date.now() - t < 280);
  // push-url: pushes go elsewhere (here: nowhere), and stay for the pull API.
  await control('/_sandbox/push-url', { url: 'http://127.0.0.1:9/nobody' });
  await pay(await cashier([BIG]));
  assert.equal(receiver.bodies.length, 0);
  let st = await state();
  assert.equal(st.pushUrl, 'http://127.0.0.1:9/nobody');
  assert.ok(st.pushes.every((p) => !p.delivered && p.error));
  // reset: back to the config.
  await control('/_sandbox/qps', { qps: 3 });
  await control('/_sandbox/advance', { seconds: 60 });
  await control('/_sandbox/reset', {});
  st = await state();
  assert.equal(st.orders.find((o) => o.orderId === BIG).status, 'waitbuyerpay');
  assert.equal(st.pushes.length, 0);
  assert.equal(st.calls.length, 0);
  assert.equal(st.qps, 0);
  const orders = await (await fetch(`${sb.url}/_sandbox/orders`)).json();
  assert.equal(orders.orders.length, defaultConfig().orders.length);
  assert.equal(orders.buyer.kjbActivated, true);
  for (const [path, body] of [
    ['/_sandbox/qps', { qps: -1 }],
    ['/_sandbox/quota', { calls: 'x' }],
    ['/_sandbox/advance', { seconds: 'x' }],
    ['/_sandbox/fail', { status: 99 }],
    ['/_sandbox/rate-limit', '{not json'],
    ['/_sandbox/nope', {}],
  ]) {
    const r = await post(path, body);
    assert.ok(r.status === 400 || r.status === 404, `${path}: ${r.status}`);
  }
  assert.equal((await fetch(`${sb.url}/_sandbox/nope`)).status, 404);
});

test('hostile input: garbage ids and bodies get a 1688-style answer, oversized bodies 413, bad configs a message', async () => {
  for (const list of ['', 'x', '[1,2', '["abc"]', '[01]', '[18446744073709551616]', `[${'1'.repeat(30)}]`, '{}']) {
    const r = await call('alibaba.alipay.url.get', { orderIdList: list });
    assert.equal(r.status, 200, list);
    assert.equal(r.json().success, false, list);
  }
  for (const id of ['', 'abc', '-1', '1e3', '99999999999999999999']) {
    const r = await call('alibaba.trade.get.buyerView', { orderId: id });
    assert.equal(r.json().success, false, id);
  }
  const big = await post(
    `/openapi/param2/1/${TRADE}/alibaba.trade.payWay.query/${APP.appKey}`,
    `a=${'x'.repeat(1 << 21)}`,
    'application/x-www-form-urlencoded',
  ).catch((e) => e);
  assert.ok(big instanceof Error || big.status === 413);
  assert.equal((await call('alibaba.trade.payWay.query', { orderId: BIG })).status, 200); // still answering
  assert.throws(() => createSandbox({ config: { apps: [] } }), /apps must list at least one app/);
  assert.throws(
    // biome-ignore lint/correctness/noPrecisionLoss: a JSON-number id that has already lost digits is what this refuses
    () => createSandbox({ config: { ...defaultConfig(), orders: [{ orderId: 3535260697417660107, amount: '1.00' }] } }),
    /orderId must be a 1688 order id as a string/,
  );
  assert.throws(
    () =>
      createSandbox({
        config: { ...defaultConfig(), orders: [{ orderId: '1', amount: '1.00', createTime: 'yesterday' }] },
      }),
    /createTime/,
  );
});

test('unknown order ids are payable unless the config is strict', async () => {
  const unknown = '1999999999999999999';
  let r = await call('alibaba.crossBorderPay.url.get', { orderIdList: `[${unknown}]` });
  assert.match(r.body, /"cantPayOrderList":\{\}/);
  const strict = await startSandbox({ config: testConfig({ strictOrders: true }) });
  try {
    r = await call('alibaba.crossBorderPay.url.get', { orderIdList: `[${unknown},${BIG}]` }, { base: strict.url });
    assert.match(r.body, /"cantPayOrderList":\[1999999999999999999\]/);
  } finally {
    await strict.close();
  }
});

test('the kjb-sandbox bin prints its URL and serves', async () => {
  const bin = fileURLToPath(new URL('./node_modules/.bin/kjb-sandbox', import.meta.url));
  const child = spawn(bin, ['--port', '0', '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const url = await firstLine(child);
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const body = await (await fetch(`${url}/_sandbox/orders`)).json();
    assert.ok(body.orders.length >= 40 && body.orders.length <= 48);
    assert.ok(body.orders.some((o) => o.orderId === BIG));
  } finally {
    child.kill();
  }
});
