// The kjb sandbox: a local stand-in for the 1688 open-platform gateway's payment APIs, its
// cashier and its message push, for demos and end-to-end tests.
//
// It is written against the protocol (../../shared/spec/gateway-1688.md in the repository),
// with node:http and node:crypto only and deliberately WITHOUT the kjb wasm core: the sandbox
// checks the core's signatures with its own HMAC, and the core parses the sandbox's answers,
// so each one checks the other.
//
//   import { createSandbox, startSandbox } from 'kjb/sandbox';
//   const { url, close, sandbox } = await startSandbox({ port: 0, pushUrl: 'http://127.0.0.1:8080/push' });
//
// Gateway:  POST /openapi/param2/{version}/{namespace}/{apiName}/{appKey}   (form body, signed)
// Cashier:  GET /cashier?token=…  (an HTML page with a Pay button), POST /cashier/pay (form or JSON)
// Control:  GET /_sandbox/state, GET /_sandbox/orders, POST /_sandbox/rate-limit {count},
//           POST /_sandbox/delay {ms, count}, POST /_sandbox/push-url {url}, POST /_sandbox/reset
import { createServer } from 'node:http';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';

const DEFAULT_CONFIG_URL = new URL('./default-config.json', import.meta.url);
const MAX_BODY = 1 << 20;
const U64_MAX = 18446744073709551615n;
const CALL_LOG = 200;
const PUSH_TIMEOUT_MS = 5000;

// ---- signing (independent of the kjb core) -------------------------------------------------

/**
 * The 1688 `_aop_signature`: upper-case hex HMAC-SHA1(appSecret, urlPath + the `key + value`
 * strings of every parameter but `_aop_signature`, sorted byte-wise as whole strings).
 * `urlPath` is `param2/1/ns/api/appKey` (no leading slash), or '' for the params-only variant.
 * @param params [[key, value]] pairs or an object
 */
export function aopSignature(appSecret, urlPath, params) {
  const pairs = Array.isArray(params) ? params : Object.entries(params);
  const parts = pairs.filter(([k]) => k !== '_aop_signature').map(([k, v]) => Buffer.from(`${k}${v}`, 'utf8'));
  parts.sort(Buffer.compare);
  const mac = createHmac('sha1', Buffer.from(appSecret, 'utf8'));
  mac.update(Buffer.from(urlPath, 'utf8'));
  for (const p of parts) mac.update(p);
  return mac.digest('hex').toUpperCase();
}

function sameText(a, b) {
  const x = Buffer.from(String(a), 'utf8');
  const y = Buffer.from(String(b), 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

// ---- JSON written by hand, so 19-digit ids go out as exact JSON numbers --------------------

const RAW = Symbol('raw JSON');
const raw = (text) => ({ [RAW]: text });

function json(v) {
  if (v !== null && typeof v === 'object' && v[RAW] !== undefined) return v[RAW];
  if (Array.isArray(v)) return `[${v.map(json).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => `${JSON.stringify(k)}:${json(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

// ---- values --------------------------------------------------------------------------------

/** A canonical order id (digits, 1–19, no leading zero, fits u64), or null. */
function idOf(value) {
  const s = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  if (typeof s !== 'string' || !/^[1-9][0-9]{0,18}$/.test(s) || BigInt(s) > U64_MAX) return null;
  return s;
}

/** "1234.5" → 123450n fen; null when not a valid CNY amount. */
function fenOf(amount) {
  const s = typeof amount === 'number' && Number.isFinite(amount) ? String(amount) : amount;
  const m = typeof s === 'string' ? /^([0-9]{1,15})(?:\.([0-9]{1,2}))?$/.exec(s) : null;
  return m ? BigInt(m[1]) * 100n + BigInt((m[2] || '').padEnd(2, '0')) : null;
}

function yuan(fen) {
  const s = fen.toString().padStart(3, '0');
  return `${s.slice(0, -2)}.${s.slice(-2)}`;
}

function pad(n, w = 2) {
  return String(n).padStart(w, '0');
}

/** China time (UTC+8) as "yyyy-MM-dd HH:mm:ss". */
function chinaTime(ms) {
  const d = new Date(ms + 8 * 3600 * 1000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** 1688's date format: yyyyMMddHHmmssSSS+0800. */
function aopDate(ms) {
  return `${chinaTime(ms).replace(/[- :]/g, '')}${pad(new Date(ms).getUTCMilliseconds(), 3)}+0800`;
}

function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Parses a JSON list of ids (numbers or digit strings) without rounding them. */
function idListOf(text) {
  const m = /^\s*\[([\s\S]*)\]\s*$/.exec(text);
  if (!m) return null;
  if (m[1].trim() === '') return [];
  const ids = [];
  for (const part of m[1].split(',')) {
    const t = /^\s*("?)([0-9]+)\1\s*$/.exec(part);
    const id = t && idOf(t[2]);
    if (!id) return null;
    ids.push(id);
  }
  return ids;
}

// ---- configuration -------------------------------------------------------------------------

function fail(message) {
  throw new Error(`kjb sandbox config: ${message}`);
}

/** Reads the default configuration (a fresh copy). */
export function defaultConfig() {
  return JSON.parse(readFileSync(DEFAULT_CONFIG_URL, 'utf8'));
}

/** Reads a configuration file (JSON: order ids as strings). */
export function loadConfig(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

function normalizeConfig(config) {
  if (config === null || typeof config !== 'object') fail('must be an object');
  const apps = new Map();
  for (const [i, a] of (config.apps || []).entries()) {
    if (!a || typeof a.appKey !== 'string' || !/^[0-9]+$/.test(a.appKey)) fail(`apps[${i}].appKey must be a string of digits`);
    if (typeof a.appSecret !== 'string' || a.appSecret === '') fail(`apps[${i}].appSecret must be a non-empty string`);
    if (typeof a.accessToken !== 'string' || a.accessToken === '') fail(`apps[${i}].accessToken must be a non-empty string`);
    apps.set(a.appKey, a);
  }
  if (apps.size === 0) fail('apps must list at least one app {appKey, appSecret, accessToken}');
  const suppliers = new Map();
  for (const [i, s] of (config.suppliers || []).entries()) {
    if (!s || typeof s.loginId !== 'string') fail(`suppliers[${i}].loginId must be a string`);
    suppliers.set(s.loginId, s);
  }
  const orders = [];
  for (const [i, o] of (config.orders || []).entries()) {
    const orderId = idOf(o && o.orderId);
    if (!orderId) fail(`orders[${i}].orderId must be a 1688 order id as a string of digits (JSON numbers above 2^53 lose digits)`);
    if (fenOf(o.amount) === null) fail(`orders[${i}].amount must be a CNY amount like "1234.50"`);
    if (o.supplier !== undefined && !suppliers.has(o.supplier)) fail(`orders[${i}].supplier "${o.supplier}" is not in suppliers`);
    orders.push({ ...o, orderId });
  }
  return { apps, suppliers, orders, account: config.account || {} };
}

// ---- the sandbox ---------------------------------------------------------------------------

const KJB_CHANNELS = [{ code: 16, name: '跨境宝' }, { code: 20, name: '跨境宝2.0' }];
const FORM = 'application/x-www-form-urlencoded; charset=UTF-8';
const URL_APIS = {
  'alibaba.crossBorderPay.url.get': { channel: 'kjb', max: 30, flavour: 'kjb' },
  'alibaba.creditPay.url.get': { channel: 'creditPay', max: 30, flavour: 'kjb' },
  'alibaba.alipay.url.get': { channel: 'alipay', max: 100, flavour: 'alipay' },
};
const NAMESPACES = {
  'alibaba.crossBorderPay.url.get': 'com.alibaba.trade',
  'alibaba.creditPay.url.get': 'com.alibaba.trade',
  'alibaba.alipay.url.get': 'com.alibaba.trade',
  'alibaba.trade.payWay.query': 'com.alibaba.trade',
  'alibaba.accountPeriod.list.buyerView': 'com.alibaba.trade',
  'trade.orderpay.analysis': 'com.alibaba.trade',
  'alibaba.trade.pay.protocolPay.preparePay': 'com.alibaba.trade',
  'alibaba.trade.get.buyerView': 'com.alibaba.trade',
  'alibaba.account.agent.crossBasic': 'com.alibaba.account',
};

/**
 * A sandbox without a server of its own: mount `handle(req, res)` in any node:http server.
 * @param {{config?: object|string, pushUrl?: string, publicUrl?: string, log?: (line: string) => void}} [options]
 *   `config`: an object or a JSON file path (default: default-config.json); `pushUrl`: where
 *   payment pushes go (else each app's `pushUrl`); `publicUrl`: the origin written into payUrls
 *   (else taken from each request's Host header).
 */
export function createSandbox(options = {}) {
  const config = options.config === undefined ? defaultConfig() : typeof options.config === 'string' ? loadConfig(options.config) : options.config;
  const cfg = normalizeConfig(config);
  const log = typeof options.log === 'function' ? options.log : () => {};
  let pushUrl = options.pushUrl || null;
  let publicUrl = options.publicUrl ? String(options.publicUrl).replace(/\/+$/, '') : null;

  const state = {};
  function reset() {
    state.orders = new Map(cfg.orders.map((o) => [o.orderId, { ...o, status: o.status || 'waitbuyerpay' }]));
    state.sessions = new Map();
    state.pushes = [];
    state.calls = [];
    state.callCount = 0;
    state.rateLimit = Number.isInteger(config.rateLimit) ? config.rateLimit : 0;
    state.delay = { ms: 0, count: 0 };
    state.prepared = new Map();
    state.qps = new Map();
    state.msgSeq = 92705609220;
  }
  reset();

  const account = cfg.account;
  const buyerMemberId = account.memberId || 'b2b-2217000000000000';
  const supplierOf = (order) => cfg.suppliers.get(order.supplier) || { loginId: order.supplier || 'unknown-supplier', kjb: true, chengxintong: true };

  /** The order, creating one for an unknown id unless the config is strict. */
  function orderOf(id) {
    let order = state.orders.get(id);
    if (!order && !config.strictOrders) {
      const first = [...cfg.suppliers.values()].find((s) => s.kjb !== false) || {};
      const fen = 10000n + (BigInt(id) % 990000n);
      order = { orderId: id, amount: yuan(fen), status: 'waitbuyerpay', tradeType: 'assureTrade', supplier: first.loginId, items: [{ offerId: '600000000001', title: `Order ${id} (not in the sandbox config)` }], generated: true };
      state.orders.set(id, order);
    }
    return order || null;
  }

  /** Why `channel` cannot pay `order` now, or null. */
  function refusal(order, channel) {
    if (!order) return 'unknown order';
    if (order.status !== 'waitbuyerpay') return `order status is ${order.status}`;
    if (channel === 'kjb') {
      if (account.kjbActivated === false) return 'KJB is not activated for the buyer';
      if (order.kjbRefused) return `KJB refused: ${order.kjbRefused === true ? 'risk control' : order.kjbRefused}`;
      if (supplierOf(order).kjb === false) return 'the supplier does not accept KJB';
      if (order.tradeType && order.tradeType !== 'assureTrade') return 'not a guaranteed transaction';
    }
    if (channel === 'creditPay' && account.creditPay === false) return 'the buyer has no eCredit (诚e赊)';
    return null;
  }

  function push(line) {
    state.calls.push(line);
    if (state.calls.length > CALL_LOG) state.calls.shift();
  }

  // ---- HTTP plumbing ----

  function send(res, status, type, body, headers = {}) {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers });
    res.end(body);
  }
  const sendJson = (res, status, text, headers) => send(res, status, 'application/json;charset=UTF-8', text, headers);

  function readBody(req) {
    return new Promise((resolve, reject) => {
      const chunks = [];
      let size = 0;
      req.on('data', (c) => {
        size += c.length;
        if (size > MAX_BODY) {
          reject(Object.assign(new Error('body too large'), { status: 413 }));
          req.destroy();
        } else chunks.push(c);
      });
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });
  }

  function baseOf(req) {
    return publicUrl || `http://${req.headers.host || '127.0.0.1'}`;
  }

  // ---- the gateway ----

  function gatewayError(res, status, code, message, headers) {
    const requestId = randomBytes(8).toString('hex');
    sendJson(res, status, json({ error_code: code, error_message: message, request_id: requestId }), headers);
    return { status, code };
  }

  async function gateway(req, res, url) {
    state.callCount += 1;
    const m = /^\/openapi\/((?:param2|json2)\/([0-9]+)\/([^/]+)\/([^/]+)\/([^/]+))$/.exec(url.pathname);
    const entry = { at: Date.now(), method: req.method, path: url.pathname };
    const done = (outcome) => {
      push({ ...entry, ...outcome });
      log(`${req.method} ${url.pathname} → ${outcome.status}${outcome.code ? ` ${outcome.code}` : ''}`);
    };
    if (req.method !== 'POST' && req.method !== 'GET') return done(gatewayError(res, 405, 'gw.HttpMethodNotAllowed', 'use POST with a form body'));
    const text = req.method === 'POST' ? await readBody(req) : url.search.slice(1);
    const pairs = [...new URLSearchParams(text)];
    const params = new Map();
    for (const [k, v] of pairs) {
      if (params.has(k)) return done(gatewayError(res, 400, 'gw.ParameterInvalid', `parameter ${k} is repeated`));
      params.set(k, v);
    }
    if (!m) return done(gatewayError(res, 404, 'gw.APINotFound', `no API at ${url.pathname}; expected /openapi/param2/{version}/{namespace}/{apiName}/{appKey}`));
    const [, urlPath, version, namespace, apiName, appKey] = m;
    Object.assign(entry, { api: apiName, appKey });
    const app = cfg.apps.get(appKey);
    if (!app) return done(gatewayError(res, 400, 'gw.AppKeyNotFound', `appKey ${appKey} is not registered`));

    if (state.rateLimit > 0) {
      state.rateLimit -= 1;
      return done(gatewayError(res, 429, 'gw.QosRequestLimit', 'request rate limit exceeded (sandbox: forced)', { 'retry-after': '1' }));
    }
    if (config.qps > 0) {
      const now = Date.now();
      const recent = (state.qps.get(appKey) || []).filter((t) => now - t < 1000);
      if (recent.length >= config.qps) {
        state.qps.set(appKey, recent);
        return done(gatewayError(res, 429, 'gw.QosRequestLimit', `request rate limit exceeded: at most ${config.qps} calls a second`, { 'retry-after': '1' }));
      }
      recent.push(now);
      state.qps.set(appKey, recent);
    }

    const received = params.get('_aop_signature');
    if (!received) return done(gatewayError(res, 401, 'gw.SignatureInvalid', '_aop_signature is missing'));
    if (!sameText(received, aopSignature(app.appSecret, urlPath, pairs))) {
      return done(gatewayError(res, 401, 'gw.SignatureInvalid', 'Request signature is invalid'));
    }
    if (NAMESPACES[apiName] !== namespace || version !== '1') {
      return done(gatewayError(res, 404, 'gw.APINotFound', `API ${namespace}:${apiName}-${version} is not available in the sandbox`));
    }
    const token = params.get('access_token');
    if (!token) return done(gatewayError(res, 400, 'gw.MissingParameter', 'access_token is required'));
    if (!sameText(token, app.accessToken)) return done(gatewayError(res, 401, 'gw.AccessTokenInvalid', 'access_token is invalid or expired'));

    if (state.delay.count > 0) {
      state.delay.count -= 1;
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, state.delay.ms);
        res.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    const answer = business(apiName, params, { app, req });
    sendJson(res, answer.status || 200, answer.body);
    return done({ status: answer.status || 200, code: answer.code, orderIds: answer.orderIds });
  }

  // ---- the APIs ----

  function business(apiName, params, ctx) {
    if (URL_APIS[apiName]) return urlApi(apiName, URL_APIS[apiName], params, ctx);
    switch (apiName) {
      case 'alibaba.trade.payWay.query': return payWay(params);
      case 'alibaba.accountPeriod.list.buyerView': return accountPeriods(params);
      case 'trade.orderpay.analysis': return analysis(params);
      case 'alibaba.trade.pay.protocolPay.preparePay': return preparePay(params, ctx);
      case 'alibaba.trade.get.buyerView': return buyerView(params);
      default: return crossBasic(params);
    }
  }

  const paramError = (name, why) => ({ status: 400, code: 'gw.ParameterInvalid', body: json({ error_code: 'gw.ParameterInvalid', error_message: `${name} ${why}`, request_id: randomBytes(8).toString('hex') }) });
  const missing = (name) => ({ status: 400, code: 'gw.MissingParameter', body: json({ error_code: 'gw.MissingParameter', error_message: `${name} is required`, request_id: randomBytes(8).toString('hex') }) });
  /** A business error in the style of `flavour`: "kjb" = success "false" + errorMsg, "alipay" = false + erroMsg, else false + errorMessage. */
  function bizError(flavour, code, message) {
    if (flavour === 'kjb') return { code, body: json({ success: 'false', errorCode: code, errorMsg: message }) };
    if (flavour === 'alipay') return { code, body: json({ success: false, errorCode: code, erroMsg: message }) };
    return { code, body: json({ success: false, errorCode: code, errorMessage: message }) };
  }
  const idJson = (id) => raw(id);

  function urlApi(apiName, spec, params, ctx) {
    const list = params.get('orderIdList');
    if (list === undefined) return missing('orderIdList');
    const listed = idListOf(list);
    if (!listed) return paramError('orderIdList', 'must be a JSON array of order ids, e.g. [3535260697417660107]');
    const ids = [...new Set(listed)];
    if (ids.length === 0) return bizError(spec.flavour, '400_1', 'orderIdList is empty');
    if (ids.length > spec.max) return bizError(spec.flavour, '400_2', `too many orders: at most ${spec.max} per call, got ${ids.length}`);
    if (spec.channel === 'creditPay' && account.creditPay === false) return bizError(spec.flavour, '400_3', 'the buyer has not opened eCredit (诚e赊)');
    const payable = [];
    const refused = [];
    for (const id of ids) (refusal(orderOf(id), spec.channel) ? refused : payable).push(id);
    if (payable.length === 0) {
      const message = spec.channel === 'kjb' ? '没有可以使用跨境宝支付的订单 (no order can be paid by KJB)' : 'no order can be paid';
      return { ...bizError(spec.flavour, '400_4', message), orderIds: ids };
    }
    const token = randomBytes(12).toString('hex');
    state.sessions.set(token, { token, api: apiName, channel: spec.channel, appKey: ctx.app.appKey, orderIds: payable, refused, createdAt: Date.now(), paidAt: null, push: null });
    const payUrl = `${baseOf(ctx.req)}/cashier?token=${token}`;
    const refusedJson = refused.map(idJson);
    const body = spec.flavour === 'alipay'
      ? json({ success: true, payUrl, payFailureOrderList: refusedJson })
      // crossBorderPay / creditPay: success as a string, and an empty list printed as {} (as 1688 does).
      : json({ success: 'true', payUrl, cantPayOrderList: refused.length ? refusedJson : raw('{}') });
    return { body, orderIds: ids };
  }

  function singleId(params, name) {
    const value = params.get(name);
    if (value === undefined) return { error: missing(name) };
    const id = idOf(value.trim().replace(/^"(.*)"$/, '$1'));
    return id ? { id } : { error: paramError(name, 'must be a 1688 order id') };
  }

  function payWay(params) {
    const { id, error } = singleId(params, 'orderId');
    if (error) return error;
    const order = orderOf(id);
    if (!order) return bizError('plain', '400_1', `order ${id} does not exist`);
    if (order.status !== 'waitbuyerpay') return bizError('plain', '400_5', `order ${id} is not awaiting payment (status ${order.status})`);
    const channels = [{ code: 1, name: '支付宝' }];
    if (!refusal(order, 'kjb')) channels.push(...KJB_CHANNELS);
    if (account.creditPay !== false) channels.push({ code: 3, name: '诚e赊' });
    if (supplierOf(order).accountPeriod) channels.push({ code: 7, name: '账期支付' });
    const timeout = chinaTime((order.createdAt || Date.now()) + 3 * 24 * 3600 * 1000);
    return { body: json({ success: true, resultList: { orderId: idJson(id), payFee: raw(fenOf(order.amount).toString()), timeout, channels } }) };
  }

  function accountPeriods(params) {
    const pageIndex = Number(params.get('pageIndex') || '1');
    if (!Number.isInteger(pageIndex) || pageIndex < 1) return paramError('pageIndex', 'must be a whole number from 1');
    const seller = params.get('sellerLoginId');
    const rows = [...cfg.suppliers.values()].filter((s) => s.accountPeriod && (!seller || s.loginId === seller));
    const page = rows.slice((pageIndex - 1) * 10, pageIndex * 10).map((s) => ({
      sellerLoginId: s.loginId,
      sellerCompanyName: s.companyName || s.loginId,
      quota: raw(fenOf(s.accountPeriod.quota || '0').toString()),
      surplusQuota: raw(fenOf(s.accountPeriod.surplusQuota || '0').toString()),
      statusStr: s.accountPeriod.statusStr || '生效中',
      tapDateStr: s.accountPeriod.tapDateStr || '每月15日',
      tapOverdue: Boolean(s.accountPeriod.tapOverdue),
    }));
    return { body: json({ success: true, resultList: { totalCount: rows.length, accountPeriodList: page } }) };
  }

  function analysis(params) {
    const list = params.get('orderIds');
    if (list === undefined) return missing('orderIds');
    const ids = idListOf(list);
    if (!ids || ids.length === 0) return paramError('orderIds', 'must be a non-empty JSON array of order ids');
    const payChannel = params.get('payChannel') || 'kjpayV2';
    const channel = { kjpayV2: 'kjb', alipay: 'alipay', shegou: 'creditPay' }[payChannel];
    if (!channel) return paramError('payChannel', 'must be kjpayV2, alipay or shegou');
    const can = [];
    const cant = [];
    for (const id of ids) (refusal(orderOf(id), channel) ? cant : can).push(id);
    return { body: json({ success: true, result: { payChannel, canPay: cant.length === 0, canPayOrderIdList: can.map(idJson), cantPayOrderList: cant.map(idJson) } }) };
  }

  function preparePay(params, ctx) {
    const text = params.get('tradeWithholdPreparePayParam');
    if (text === undefined) return missing('tradeWithholdPreparePayParam');
    let p;
    try {
      p = JSON.parse(text);
    } catch {
      return paramError('tradeWithholdPreparePayParam', 'must be a JSON object');
    }
    const idMatch = /"orderId"\s*:\s*"?([0-9]+)"?/.exec(text); // JSON.parse would round a 19-digit id
    const id = idMatch && idOf(idMatch[1]);
    if (!p || typeof p !== 'object' || !id) return paramError('tradeWithholdPreparePayParam', 'needs orderId, payChannel, payAmount (fen) and opRequestId');
    const wrap = (success, code, message, result) => ({ code: success ? undefined : code, body: json({ result: { success, code, message, result } }) });
    const key = `${ctx.app.appKey}/${p.opRequestId}`;
    if (p.opRequestId !== undefined && state.prepared.has(key)) return state.prepared.get(key);
    const payChannel = p.payChannel || 'kjpayV2';
    const order = orderOf(id);
    let answer;
    if (account.protocolPay === false) answer = wrap(false, 'PROTOCOL_NOT_SIGNED', 'the buyer has not signed password-free payment', null);
    else if (!order) answer = wrap(false, 'ORDER_NOT_EXIST', `order ${id} does not exist`, null);
    else if (String(p.payAmount) !== fenOf(order.amount).toString()) answer = wrap(false, 'PAY_AMOUNT_MISMATCH', `payAmount must be ${fenOf(order.amount)} (fen)`, null);
    else {
      const why = refusal(order, payChannel === 'kjpayV2' ? 'kjb' : 'alipay');
      if (why) answer = wrap(false, 'ORDER_CANNOT_PAY', why, { payChannel, paySuccess: false });
      else {
        markPaid([id]);
        // The outcome also arrives by push, as 1688 does for password-free batch payments.
        deliver(ctx.app, 'ORDER_BATCH_PAY', id, { batchPay: [{ orderId: idJson(id), status: 'successed' }] });
        answer = wrap(true, '200', 'success', { payChannel, paySuccess: true });
      }
    }
    if (p.opRequestId !== undefined) state.prepared.set(key, answer);
    return answer;
  }

  function buyerView(params) {
    const { id, error } = singleId(params, 'orderId');
    if (error) return error;
    const order = state.orders.get(id) || (config.strictOrders ? null : orderOf(id));
    if (!order) return bizError('plain', '400_1', `order ${id} does not exist`);
    const s = supplierOf(order);
    const baseInfo = {
      id: idJson(id), idOfStr: id, status: order.status, tradeTypeCode: order.tradeType || 'assureTrade',
      totalAmount: raw(yuan(fenOf(order.amount))), sellerLoginId: s.loginId, sellerMemberId: s.memberId || `b2b-${s.loginId}`,
      buyerLoginId: account.loginId || 'sandbox-buyer', buyerMemberId, sellerOrder: Boolean(order.sellerOrder),
      createTime: aopDate(order.createdAt || Date.now() - 3600 * 1000),
    };
    if (order.paidAt) baseInfo.payTime = aopDate(order.paidAt);
    const productItems = (order.items || []).map((it) => ({ productID: raw(idOf(it.offerId) || '0'), name: it.title || '', categoryName: it.category }));
    return { body: json({ success: true, result: { baseInfo, productItems } }) };
  }

  function crossBasic(params) {
    const loginId = params.get('loginId');
    const domain = params.get('domain');
    if (!loginId && !domain) return missing('loginId');
    const s = [...cfg.suppliers.values()].find((x) => x.loginId === loginId || (domain && x.domain === domain));
    if (!s) return bizError('plain', '400_1', `member ${loginId || domain} does not exist`);
    return { body: json({ success: true, result: { loginId: s.loginId, memberId: s.memberId || `b2b-${s.loginId}`, companyName: s.companyName || s.loginId, kuaJingBao: s.kjb !== false, chengxintong: s.chengxintong !== false } }) };
  }

  // ---- paying and pushing ----

  function markPaid(ids) {
    const now = Date.now();
    for (const id of ids) {
      const order = state.orders.get(id);
      if (order) Object.assign(order, { status: 'waitsellersend', paidAt: now });
    }
  }

  /** Sends one signed push message; resolves to its log entry (never rejects). */
  async function deliver(app, type, bizKey, data) {
    const msgId = state.msgSeq;
    state.msgSeq += 1;
    const gmtBorn = Date.now();
    const message = json({ bizKey, data, gmtBorn, msgId, type, userInfo: buyerMemberId });
    const signature = aopSignature(app.appSecret, '', [['message', message]]);
    const url = pushUrl || app.pushUrl || null;
    const entry = { msgId: String(msgId), type, bizKey, url, message, signature, at: gmtBorn, delivered: false, status: null, error: null };
    state.pushes.push(entry);
    if (!url) {
      entry.error = 'no push URL is set (createSandbox({pushUrl}), setPushUrl() or POST /_sandbox/push-url)';
      log(`push ${type} ${bizKey}: not sent, ${entry.error}`);
      return entry;
    }
    try {
      const body = new URLSearchParams([['message', message], ['_aop_signature', signature]]).toString();
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': FORM }, body, signal: AbortSignal.timeout(PUSH_TIMEOUT_MS) });
      await res.arrayBuffer();
      entry.status = res.status;
      entry.delivered = res.ok;
      if (!res.ok) entry.error = `the receiver answered HTTP ${res.status}`;
    } catch (e) {
      entry.error = `could not deliver: ${e && e.message ? e.message : e}`;
    }
    log(`push ${type} ${bizKey} → ${url}: ${entry.delivered ? `delivered (${entry.status})` : entry.error}`);
    return entry;
  }

  /** Pays a cashier session: marks its orders paid and delivers the push. */
  async function pay(token) {
    const session = state.sessions.get(token);
    if (!session) return { status: 404, error: 'unknown or expired cashier token' };
    if (session.paidAt) return { status: 409, error: 'already paid', session };
    const ids = session.orderIds.filter((id) => (state.orders.get(id) || {}).status === 'waitbuyerpay');
    if (ids.length === 0) return { status: 409, error: 'none of these orders is awaiting payment any more', session };
    markPaid(ids);
    session.paidAt = Date.now();
    session.paidOrderIds = ids;
    const app = cfg.apps.get(session.appKey);
    const order = state.orders.get(ids[0]);
    session.push = ids.length === 1
      ? await deliver(app, 'ORDER_BUYER_VIEW_ORDER_PAY', ids[0], {
        buyerMemberId, currentStatus: 'waitsellersend', orderId: idJson(ids[0]),
        sellerMemberId: supplierOf(order).memberId || `b2b-${supplierOf(order).loginId}`, msgSendTime: chinaTime(Date.now()),
      })
      : await deliver(app, 'ORDER_BATCH_PAY', ids[0], { batchPay: ids.map((id) => ({ orderId: idJson(id), status: 'successed' })) });
    return { status: 200, session };
  }

  // ---- the cashier page ----

  const CHANNEL_NAMES = { kjb: '跨境宝 KJB', creditPay: '诚e赊 eCredit', alipay: '支付宝 Alipay' };

  function cashierPage(session) {
    const orders = session.orderIds.map((id) => state.orders.get(id)).filter(Boolean);
    const total = orders.reduce((n, o) => n + fenOf(o.amount), 0n);
    const rows = orders.map((o) => {
      const s = supplierOf(o);
      const title = (o.items && o.items[0] && o.items[0].title) || '';
      return `<tr><td class="id">${esc(o.orderId)}</td><td>${esc(s.companyName || s.loginId)}</td><td>${esc(title)}</td><td class="num">${esc(yuan(fenOf(o.amount)))}</td><td>${esc(o.status)}</td></tr>`;
    }).join('\n');
    let action;
    if (session.paidAt) {
      const p = session.push;
      const pushText = !p ? '' : p.delivered ? `Push ${p.type} (msgId ${p.msgId}) delivered to ${p.url} (HTTP ${p.status}).` : `Push ${p.type} (msgId ${p.msgId}) not delivered: ${p.error}`;
      action = `<p class="paid" role="status">Paid: ${session.paidOrderIds.length} order(s), ¥${esc(yuan(total))}, at ${esc(chinaTime(session.paidAt))} (China time).</p><p>${esc(pushText)}</p>`;
    } else {
      action = `<form method="post" action="cashier/pay"><input type="hidden" name="token" value="${esc(session.token)}"><button type="submit">Pay ¥${esc(yuan(total))}</button></form>`;
    }
    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${session.paidAt ? 'Paid' : 'Pay'} — ${esc(CHANNEL_NAMES[session.channel])} cashier (kjb sandbox)</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1a1a1a}
table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border-bottom:1px solid #ccc;padding:.4rem;text-align:left}
.num{text-align:right;font-variant-numeric:tabular-nums}.id{font-family:ui-monospace,monospace}
button{font:inherit;font-size:1.2rem;padding:.6rem 2rem;background:#ff5000;color:#fff;border:0;border-radius:4px;cursor:pointer}
button:focus-visible{outline:3px solid #1a1a1a;outline-offset:2px}.paid{font-size:1.3rem;color:#0a6b2d;font-weight:bold}
.note{color:#555;font-size:.9rem}</style></head>
<body><main>
<h1>${esc(CHANNEL_NAMES[session.channel])} cashier</h1>
<p class="note">kjb sandbox — a stand-in for the 1688 cashier; no money moves.</p>
<p>Buyer: ${esc(account.companyName || account.loginId || 'sandbox buyer')}</p>
<table><caption>Orders in this payment</caption>
<thead><tr><th scope="col">Order</th><th scope="col">Supplier</th><th scope="col">Item</th><th scope="col" class="num">Amount (CNY)</th><th scope="col">Status</th></tr></thead>
<tbody>
${rows}
</tbody>
<tfoot><tr><th scope="row" colspan="3">Total</th><td class="num">${esc(yuan(total))}</td><td></td></tr></tfoot></table>
${action}
</main></body></html>
`;
  }

  function wantsJson(req) {
    const type = String(req.headers['content-type'] || '');
    const accept = String(req.headers.accept || '');
    return type.includes('json') || (accept.includes('application/json') && !accept.includes('text/html'));
  }

  async function cashierPay(req, res, url) {
    const text = req.method === 'POST' ? await readBody(req) : '';
    let token = url.searchParams.get('token');
    if (String(req.headers['content-type'] || '').includes('json')) {
      try {
        token = JSON.parse(text || '{}').token || token;
      } catch {
        return sendJson(res, 400, json({ error: 'the body must be JSON {token} or a form token=…' }));
      }
    } else if (text) token = new URLSearchParams(text).get('token') || token;
    const out = await pay(token || '');
    if (wantsJson(req)) {
      if (out.status !== 200) return sendJson(res, out.status, json({ paid: false, error: out.error }));
      const s = out.session;
      const total = s.paidOrderIds.reduce((n, id) => n + fenOf(state.orders.get(id).amount), 0n);
      return sendJson(res, 200, json({ paid: true, orderIds: s.paidOrderIds, amount: yuan(total), push: pushView(s.push) }));
    }
    if (out.status === 404) return send(res, 404, 'text/html; charset=utf-8', notFoundPage());
    return send(res, 303, 'text/plain; charset=utf-8', 'See the cashier page', { location: `../cashier?token=${encodeURIComponent(token)}` });
  }

  const notFoundPage = () => '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Unknown cashier link (kjb sandbox)</title></head><body><main><h1>Unknown cashier link</h1><p>This cashier link is unknown or has expired. Ask the ERP for a new one.</p></main></body></html>\n';

  function pushView(p) {
    return p ? { type: p.type, msgId: p.msgId, url: p.url, delivered: p.delivered, status: p.status, error: p.error } : null;
  }

  // ---- control endpoints ----

  /** The orders in the shape kjb's checkOrders/planPayment take (ids as strings). */
  function orders() {
    return [...state.orders.values()].map((o) => {
      const s = supplierOf(o);
      const out = {
        orderId: o.orderId, amount: yuan(fenOf(o.amount)), currency: o.currency || 'CNY', status: o.status,
        tradeType: o.tradeType || 'assureTrade',
        supplier: { loginId: s.loginId, kjb: s.kjb !== false, chengxintong: s.chengxintong !== false },
        items: (o.items || []).map((it) => ({ ...it })),
      };
      if (o.sellerOrder !== undefined) out.sellerOrder = Boolean(o.sellerOrder);
      if (o.redEnvelope !== undefined) out.redEnvelope = Boolean(o.redEnvelope);
      return out;
    });
  }

  function buyer() {
    const a = account;
    return { verified: a.verified !== false, alipayPersonalLinked: a.alipayPersonalLinked !== false, alipayBusinessLinked: a.alipayBusinessLinked !== false, kjbActivated: a.kjbActivated !== false };
  }

  function snapshot() {
    return {
      pushUrl, publicUrl, rateLimit: state.rateLimit, delay: { ...state.delay }, callCount: state.callCount,
      orders: [...state.orders.values()].map((o) => ({ orderId: o.orderId, amount: o.amount, status: o.status, paidAt: o.paidAt || null, kjbRefused: o.kjbRefused || null })),
      sessions: [...state.sessions.values()].map((s) => ({ token: s.token, api: s.api, orderIds: s.orderIds, refused: s.refused, paidAt: s.paidAt, push: pushView(s.push) })),
      pushes: state.pushes.map((p) => ({ ...p })),
      calls: state.calls.slice(),
    };
  }

  async function control(req, res, url) {
    const route = `${req.method} ${url.pathname}`;
    if (route === 'GET /_sandbox/state') return sendJson(res, 200, JSON.stringify(snapshot()));
    if (route === 'GET /_sandbox/orders') {
      return sendJson(res, 200, JSON.stringify({ orders: orders(), buyer: buyer(), fx: account.fx || null, history: account.history || [], paidTodayUsd: account.paidTodayUsd || '0' }));
    }
    if (req.method !== 'POST') return sendJson(res, 404, json({ error: `no control endpoint ${route}` }));
    let body;
    try {
      const text = await readBody(req);
      body = text.trim() ? JSON.parse(text) : {};
    } catch (e) {
      if (e && e.status) throw e;
      return sendJson(res, 400, json({ error: 'the body must be JSON' }));
    }
    const n = (v, d) => (Number.isInteger(v) && v >= 0 ? v : d);
    switch (url.pathname) {
      case '/_sandbox/rate-limit':
        state.rateLimit = n(body.count, 1);
        return sendJson(res, 200, json({ rateLimit: state.rateLimit }));
      case '/_sandbox/delay':
        state.delay = { ms: n(body.ms, 0), count: n(body.count, 1) };
        return sendJson(res, 200, json({ delay: state.delay }));
      case '/_sandbox/push-url':
        pushUrl = typeof body.url === 'string' && body.url ? body.url : null;
        return sendJson(res, 200, json({ pushUrl }));
      case '/_sandbox/reset':
        reset();
        return sendJson(res, 200, json({ reset: true }));
      default:
        return sendJson(res, 404, json({ error: `no control endpoint ${route}` }));
    }
  }

  // ---- the entry point ----

  /** Handles the sandbox's routes; resolves false (touching nothing) for any other request. */
  async function handle(req, res) {
    const url = new URL(req.url || '/', 'http://sandbox.invalid');
    const path = url.pathname;
    const ours = path.startsWith('/openapi/') || path === '/cashier' || path === '/cashier/pay' || path.startsWith('/_sandbox/');
    if (!ours) return false;
    try {
      if (path.startsWith('/openapi/')) await gateway(req, res, url);
      else if (path === '/cashier' && req.method === 'GET') {
        const session = state.sessions.get(url.searchParams.get('token') || '');
        if (session) send(res, 200, 'text/html; charset=utf-8', cashierPage(session));
        else send(res, 404, 'text/html; charset=utf-8', notFoundPage());
      } else if (path === '/cashier/pay' && req.method === 'POST') await cashierPay(req, res, url);
      else if (path.startsWith('/_sandbox/')) await control(req, res, url);
      else send(res, 405, 'text/plain; charset=utf-8', `${req.method} is not allowed on ${path}`, { allow: path === '/cashier' ? 'GET' : 'POST' });
    } catch (e) {
      const status = e && e.status ? e.status : 500;
      sendJson(res, status, json({ error: status === 500 ? `sandbox error: ${e && e.message ? e.message : e}` : e.message }));
      if (status === 500) log(`error on ${req.method} ${path}: ${e && e.stack ? e.stack : e}`);
    }
    return true;
  }

  return {
    handle,
    config,
    state,
    setPushUrl(url) {
      pushUrl = url || null;
    },
    setPublicUrl(url) {
      publicUrl = url ? String(url).replace(/\/+$/, '') : null;
    },
    /** The next `count` gateway calls answer gw.QosRequestLimit. */
    rateLimit(count = 1) {
      state.rateLimit = count;
    },
    /** The next `count` gateway calls wait `ms` before answering. */
    delay(ms, count = 1) {
      state.delay = { ms, count };
    },
    pay,
    reset,
    orders,
    buyer,
    snapshot,
  };
}

/**
 * Starts a sandbox on its own HTTP server (127.0.0.1 and a free port by default).
 * @returns {Promise<{url: string, close: () => Promise<void>, sandbox: ReturnType<typeof createSandbox>, server: import('node:http').Server}>}
 */
export async function startSandbox({ port = 0, host = '127.0.0.1', config, pushUrl, publicUrl, log } = {}) {
  const sandbox = createSandbox({ config, pushUrl, publicUrl, log });
  const server = createServer((req, res) => {
    sandbox.handle(req, res).then((handled) => {
      if (handled) return;
      if (req.url === '/' || req.url === '') {
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`kjb sandbox: a local stand-in for the 1688 gateway.\nGateway: POST /openapi/param2/1/com.alibaba.trade/{apiName}/{appKey}\nCashier: GET /cashier?token=…\nState:   GET /_sandbox/state, GET /_sandbox/orders\n`);
      } else {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('not found\n');
      }
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${server.address().port}`;
  if (!publicUrl) sandbox.setPublicUrl(url);
  const close = () => new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  return { url, close, sandbox, server };
}

const USAGE = `kjb-sandbox — a local 1688 gateway, cashier and push sender for kjb demos and tests

Usage: kjb-sandbox [--port N] [--host H] [--config FILE] [--push-url URL] [--public-url URL] [--quiet]

  --port N          port to listen on (default 0: a free one)
  --host H          interface (default 127.0.0.1)
  --config FILE     apps, buyer account, suppliers and orders (default: the built-in demo data)
  --push-url URL    where payment pushes are POSTed (form: message + _aop_signature)
  --public-url URL  origin written into cashier URLs (default: the listening URL)
  --quiet           no log lines on stderr

Prints its URL on stdout, then runs until interrupted. The credentials of the default app are
fake: appKey 1234567, appSecret TESTSECRET123, accessToken 00000000-test-token-0000.
`;

/** The command line (`kjb-sandbox`, `kjb sandbox`). */
export async function main(args) {
  const opts = { port: 0, host: '127.0.0.1' };
  let quiet = false;
  for (let i = 0; i < args.length; i += 1) {
    const a = args[i];
    const value = () => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[(i += 1)];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    const name = a.split('=')[0];
    if (name === '--help' || name === '-h') {
      process.stdout.write(USAGE);
      return null;
    } else if (name === '--port') {
      opts.port = Number(value());
      if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) throw new Error('--port must be 0–65535');
    } else if (name === '--host') opts.host = value();
    else if (name === '--config') opts.config = value();
    else if (name === '--push-url') opts.pushUrl = value();
    else if (name === '--public-url') opts.publicUrl = value();
    else if (name === '--quiet') quiet = true;
    else throw new Error(`unknown option ${a} (see --help)`);
  }
  if (!quiet) opts.log = (line) => process.stderr.write(`[kjb-sandbox] ${line}\n`);
  const running = await startSandbox(opts);
  process.stdout.write(`${running.url}\n`);
  if (!quiet) {
    const app = [...running.sandbox.config.apps][0];
    process.stderr.write(`[kjb-sandbox] gateway ${running.url}/openapi/…  app ${app.appKey}; ${running.sandbox.state.orders.size} orders; push → ${opts.pushUrl || app.pushUrl || '(none: --push-url)'}\n`);
  }
  const stop = () => running.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return running;
}
