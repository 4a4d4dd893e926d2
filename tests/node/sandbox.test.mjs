// The sandbox gateway against the kjb core and against the protocol: signatures checked with
// the sandbox's own HMAC, answers parsed by the core, the cashier page, and signed pushes.
import test, { before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createHmac } from 'node:crypto';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { signRequest, parseResponse, verifyPush, Signer, KjbClient, KjbError } from 'kjb';
import { startSandbox, createSandbox, defaultConfig, aopSignature } from 'kjb/sandbox';
import { firstLine } from './support.mjs';

const APP = { appKey: '1234567', appSecret: 'TESTSECRET123', accessToken: '00000000-test-token-0000' };
const BIG = '3535260697417660107';
// Vector V1 of tests/fixtures/signing-vectors.json in the repository (signed by a public 1688 SDK).
const V1 = {
  urlPath: 'param2/1/com.alibaba.trade/alibaba.alipay.url.get/1234567',
  params: { access_token: '00000000-test-token-0000', orderIdList: '[3535260697417660107,3535260697417660108,3535260697417660109]' },
  signature: 'DB4E13177991F0EAEE5F0AD2E6A515D604A15E53',
  body: 'access_token=00000000-test-token-0000&orderIdList=%5B3535260697417660107%2C3535260697417660108%2C3535260697417660109%5D&_aop_signature=DB4E13177991F0EAEE5F0AD2E6A515D604A15E53',
};
// V11: the sort is over whole key+value strings, not keys.
const V11 = {
  urlPath: 'param2/1/com.example.ns/example.api/1234567',
  params: { access_token: '00000000-test-token-0000', type: 'ORDER', typeList: '["A","B"]' },
  signature: '74034328E30BA80F41BA5B856F5D6452493C991D',
};

let sb;
let receiver;

/** A tiny push receiver: records every POST body. */
async function startReceiver() {
  const bodies = [];
  const waiting = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = { text: Buffer.concat(chunks).toString('utf8'), type: req.headers['content-type'] };
      bodies.push(body);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('success');
      while (waiting.length) waiting.shift()(body);
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}/push`,
    bodies,
    next: () => new Promise((r) => waiting.push(r)),
    close: () => new Promise((r) => server.close(r)),
  };
}

before(async () => {
  receiver = await startReceiver();
  sb = await startSandbox({ pushUrl: receiver.url });
});
after(async () => {
  await sb.close();
  await receiver.close();
});
beforeEach(() => {
  sb.sandbox.reset();
  receiver.bodies.length = 0;
});

const post = (path, body, type = 'application/x-www-form-urlencoded; charset=UTF-8') =>
  fetch(`${sb.url}${path}`, { method: 'POST', headers: { 'content-type': type }, body, redirect: 'manual' });

async function gw(signed) {
  const res = await fetch(signed.url, { method: signed.method, headers: signed.headers, body: signed.body });
  return { status: res.status, body: await res.text() };
}

const sign = (api, params, extra = {}) => signRequest({ ...APP, api, params, baseUrl: sb.url, ...extra });

test('the sandbox signature is the protocol one (vectors V1 and V11), computed without the core', () => {
  assert.equal(aopSignature(APP.appSecret, V1.urlPath, V1.params), V1.signature);
  assert.equal(aopSignature(APP.appSecret, V11.urlPath, V11.params), V11.signature);
});

test('accepts the V1 request exactly as a public SDK sent it', async () => {
  const r = await post(`/openapi/${V1.urlPath}`, V1.body);
  assert.equal(r.status, 200);
  const text = await r.text();
  assert.match(text, /^\{"success":true,"payUrl":"http:\/\/127\.0\.0\.1:\d+\/cashier\?token=[0-9a-f]+","payFailureOrderList":\[\]\}$/);
  assert.deepEqual(parseResponse({ api: 'alibaba.alipay.url.get', status: r.status, body: text }).refused, []);
});

test('rejects a request signed with a wrong secret, a tampered body, an unknown app and a wrong access token', async () => {
  const wrong = signRequest({ ...APP, appSecret: 'WRONG', api: 'alibaba.crossBorderPay.url.get', params: { orderIdList: [BIG] }, baseUrl: sb.url });
  let r = await gw(wrong);
  assert.equal(r.status, 401);
  assert.equal(JSON.parse(r.body).error_code, 'gw.SignatureInvalid');
  assert.throws(() => parseResponse({ api: 'alibaba.crossBorderPay.url.get', ...r }), (e) => e instanceof KjbError && e.code === 'GATEWAY_ERROR' && e.gatewayCode === 'gw.SignatureInvalid' && e.retryable === false);

  const good = sign('alibaba.crossBorderPay.url.get', { orderIdList: [BIG] });
  r = await gw({ ...good, body: good.body.replace('3535260697417660107', '3535260697417660108') });
  assert.equal(JSON.parse(r.body).error_code, 'gw.SignatureInvalid');

  r = await gw(signRequest({ ...APP, appKey: '7654321', api: 'alibaba.crossBorderPay.url.get', params: { orderIdList: [BIG] }, baseUrl: sb.url }));
  assert.equal(JSON.parse(r.body).error_code, 'gw.AppKeyNotFound');
  assert.throws(() => parseResponse({ api: 'alibaba.crossBorderPay.url.get', ...r }), (e) => e.gatewayCode === 'gw.AppKeyNotFound');

  r = await gw(signRequest({ ...APP, accessToken: 'expired-token', api: 'alibaba.crossBorderPay.url.get', params: { orderIdList: [BIG] }, baseUrl: sb.url }));
  assert.equal(r.status, 401);
  assert.equal(sb.sandbox.state.sessions.size, 0);
});

test('crossBorderPay.url.get answers like 1688: "true" as a string, {} for an empty list, 19-digit ids as exact JSON numbers', async () => {
  const cfg = defaultConfig();
  const refusedBig = '3535260697417660108';
  cfg.orders.find((o) => o.orderId === refusedBig).kjbRefused = 'quota';
  const own = createSandbox({ config: cfg, publicUrl: 'http://sandbox.test' });
  const server = createServer((req, res) => own.handle(req, res).then((done) => done || res.writeHead(404).end()));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${server.address().port}`;
  try {
    let r = await gw(signRequest({ ...APP, api: 'alibaba.crossBorderPay.url.get', params: { orderIdList: [BIG, refusedBig] }, baseUrl: base }));
    assert.match(r.body, /^\{"success":"true","payUrl":"http:\/\/sandbox\.test\/cashier\?token=[0-9a-f]+","cantPayOrderList":\[3535260697417660108\]\}$/);
    assert.deepEqual(parseResponse({ api: 'alibaba.crossBorderPay.url.get', ...r }).refused, [refusedBig]);
    r = await gw(signRequest({ ...APP, api: 'alibaba.crossBorderPay.url.get', params: { orderIdList: [BIG] }, baseUrl: base }));
    assert.match(r.body, /"cantPayOrderList":\{\}\}$/);
    assert.deepEqual(parseResponse({ api: 'alibaba.crossBorderPay.url.get', ...r }).refused, []);
    // Only its own routes: anything else is left to the host server.
    assert.equal((await fetch(`${base}/index.html`)).status, 404);
  } finally {
    await new Promise((r) => server.close(r));
  }
});

test('business errors: 400_4 when no order is payable, a limit error above 30 ids', async () => {
  const refused = defaultConfig().orders.filter((o) => o.kjbRefused).map((o) => o.orderId);
  let r = await gw(sign('alibaba.crossBorderPay.url.get', { orderIdList: refused }));
  assert.equal(r.status, 200);
  assert.equal(JSON.parse(r.body).success, 'false');
  assert.throws(() => parseResponse({ api: 'alibaba.crossBorderPay.url.get', ...r }), (e) => e.code === 'BUSINESS_ERROR' && e.gatewayCode === '400_4');
  // The core refuses to sign more than 30 ids, so the sandbox's own limit is checked with its own signature.
  const ids = Array.from({ length: 31 }, (_, i) => String(2026112590000000 + i));
  const params = { access_token: APP.accessToken, orderIdList: `[${ids.join(',')}]` };
  const urlPath = 'param2/1/com.alibaba.trade/alibaba.crossBorderPay.url.get/1234567';
  const body = new URLSearchParams({ ...params, _aop_signature: aopSignature(APP.appSecret, urlPath, params) }).toString();
  const res = await post(`/openapi/${urlPath}`, body);
  r = { status: res.status, body: await res.text() };
  assert.throws(() => parseResponse({ api: 'alibaba.crossBorderPay.url.get', ...r }), (e) => e.code === 'BUSINESS_ERROR' && /30/.test(e.message));
});

test('alipay.url.get: success as a boolean; payWay.query lists KJB channels 16/20 and the fee in fen', async () => {
  const paid = defaultConfig().orders.find((o) => o.status === 'waitsellersend').orderId;
  let r = await gw(sign('alibaba.alipay.url.get', { orderIdList: [BIG, paid] }));
  assert.match(r.body, /^\{"success":true,/);
  assert.deepEqual(parseResponse({ api: 'alibaba.alipay.url.get', ...r }).refused, [paid]);

  r = await gw(sign('alibaba.trade.payWay.query', { orderId: BIG }));
  assert.match(r.body, /"orderId":3535260697417660107,/);
  const way = parseResponse({ api: 'alibaba.trade.payWay.query', ...r });
  assert.equal(way.orderId, BIG);
  assert.equal(way.kjb, true);
  assert.deepEqual(way.channels.map((c) => c.code).filter((c) => c === 16 || c === 20), [16, 20]);
  const amount = defaultConfig().orders.find((o) => o.orderId === BIG).amount;
  assert.equal(way.payFee, amount);

  const notKjb = defaultConfig().orders.find((o) => o.kjbRefused).orderId;
  r = await gw(sign('alibaba.trade.payWay.query', { orderId: notKjb }));
  assert.equal(parseResponse({ api: 'alibaba.trade.payWay.query', ...r }).kjb, false);
});

test('the other APIs answer in their 1688 shapes and the core parses them', async () => {
  const cases = [
    ['alibaba.accountPeriod.list.buyerView', {}, (v) => assert.ok(JSON.stringify(v).includes('yiwu-starlight-toys'))],
    ['trade.orderpay.analysis', { orderIds: [BIG], payChannel: 'kjpayV2' }, (v) => assert.ok(JSON.stringify(v).includes(`"${BIG}"`))],
    ['alibaba.trade.get.buyerView', { webSite: '1688', orderId: BIG }, (v) => assert.equal(v.result.baseInfo.status, 'waitbuyerpay')],
    ['alibaba.account.agent.crossBasic', { loginId: 'hangzhou-greenleaf-garden' }, (v) => assert.equal(v.result.kuaJingBao, false)],
  ];
  for (const [api, params, check] of cases) {
    const r = await gw(sign(api, params));
    assert.equal(r.status, 200, `${api}: ${r.body}`);
    check(parseResponse({ api, ...r }));
  }
});

test('rate limiting on demand: gw.QosRequestLimit, which the core marks retryable', async () => {
  const res = await post('/_sandbox/rate-limit', '{"count":1}', 'application/json');
  assert.equal(res.status, 200);
  const r = await gw(sign('alibaba.trade.payWay.query', { orderId: BIG }));
  assert.equal(JSON.parse(r.body).error_code, 'gw.QosRequestLimit');
  assert.throws(() => parseResponse({ api: 'alibaba.trade.payWay.query', ...r }), (e) => e.code === 'GATEWAY_ERROR' && e.retryable === true);
  assert.equal((await gw(sign('alibaba.trade.payWay.query', { orderId: BIG }))).status, 200);
});

test('cashier: a page with a real Pay button; paying one 19-digit order pushes ORDER_BUYER_VIEW_ORDER_PAY that verifyPush accepts', async () => {
  const client = new KjbClient({ ...APP, baseUrl: sb.url });
  const { links } = await client.cashierUrls([BIG]);
  assert.equal(links.length, 1);
  let page = await (await fetch(links[0].payUrl)).text();
  assert.match(page, /<button type="submit">Pay ¥\d+\.\d\d<\/button>/);
  assert.ok(page.includes(BIG));
  assert.ok(page.includes(defaultConfig().orders.find((o) => o.orderId === BIG).amount));

  const token = new URL(links[0].payUrl).searchParams.get('token');
  const pushed = receiver.next();
  const res = await post('/cashier/pay', new URLSearchParams({ token }).toString());
  assert.equal(res.status, 303);
  const push = await pushed;
  assert.match(push.type, /^application\/x-www-form-urlencoded/);

  const msg = verifyPush({ appSecret: APP.appSecret, body: push.text });
  assert.equal(msg.type, 'ORDER_BUYER_VIEW_ORDER_PAY');
  assert.equal(msg.data.orderId, BIG);
  assert.equal(msg.data.currentStatus, 'waitsellersend');
  assert.equal(msg.bizKey, BIG);
  assert.equal(typeof msg.msgId, 'string');
  // The raw message carries the id as an exact JSON number, signed params-only.
  const form = new URLSearchParams(push.text);
  assert.match(form.get('message'), /"orderId":3535260697417660107[,}]/);
  assert.equal(form.get('_aop_signature'), createHmac('sha1', APP.appSecret).update(`message${form.get('message')}`).digest('hex').toUpperCase());
  const signer = new Signer({ appKey: APP.appKey, appSecret: APP.appSecret });
  assert.equal(signer.verifyPush(push.text).data.orderId, BIG);
  assert.throws(() => verifyPush({ appSecret: 'WRONG', body: push.text }), (e) => e.code === 'PUSH_SIGNATURE_INVALID');

  page = await (await fetch(new URL(res.headers.get('location'), `${sb.url}/cashier/pay`))).text();
  assert.match(page, /Paid/);
  assert.doesNotMatch(page, /<button/);
  // Paid now: the order is no longer payable, and a second payment is refused.
  assert.equal((await post('/cashier/pay', JSON.stringify({ token }), 'application/json')).status, 409);
  const again = await client.cashierUrls([BIG]);
  assert.deepEqual(again.links, []);
  assert.deepEqual(again.refused.map((x) => [x.orderId, x.code]), [[BIG, '400_4']]);
});

test('paying several orders pushes one ORDER_BATCH_PAY listing each order as successed', async () => {
  const client = new KjbClient({ ...APP, baseUrl: sb.url });
  const ids = [BIG, '3535260697417660108', defaultConfig().orders[0].orderId];
  const { links } = await client.cashierUrls(ids);
  const pushed = receiver.next();
  const res = await post('/cashier/pay', JSON.stringify({ token: new URL(links[0].payUrl).searchParams.get('token') }), 'application/json');
  assert.equal(res.status, 200);
  const answer = await res.json();
  assert.deepEqual(answer.orderIds, ids);
  assert.equal(answer.push.delivered, true);
  const msg = verifyPush({ appSecret: APP.appSecret, body: (await pushed).text });
  assert.equal(msg.type, 'ORDER_BATCH_PAY');
  assert.deepEqual(msg.data.batchPay.map((b) => [b.orderId, b.status]), ids.map((id) => [id, 'successed']));
  const state = await (await fetch(`${sb.url}/_sandbox/state`)).json();
  assert.deepEqual(state.orders.filter((o) => ids.includes(o.orderId)).map((o) => o.status), ['waitsellersend', 'waitsellersend', 'waitsellersend']);
});

test('unknown order ids are payable unless the config is strict', async () => {
  const unknown = '1999999999999999999';
  let r = await gw(sign('alibaba.crossBorderPay.url.get', { orderIdList: [unknown] }));
  assert.equal(parseResponse({ api: 'alibaba.crossBorderPay.url.get', ...r }).refused.length, 0);
  const strict = await startSandbox({ config: { ...defaultConfig(), strictOrders: true } });
  try {
    r = await gw(signRequest({ ...APP, api: 'alibaba.crossBorderPay.url.get', params: { orderIdList: [unknown, BIG] }, baseUrl: strict.url }));
    assert.deepEqual(parseResponse({ api: 'alibaba.crossBorderPay.url.get', ...r }).refused, [unknown]);
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
    const state = await (await fetch(`${url}/_sandbox/orders`)).json();
    assert.ok(state.orders.length >= 45);
    assert.ok(state.orders.some((o) => o.orderId === BIG));
  } finally {
    child.kill();
  }
});
