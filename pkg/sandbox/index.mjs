// The kjb sandbox: a local stand-in for the 1688 open-platform gateway (payment, order and
// message APIs, OAuth), its cashier and its message push, for demos and end-to-end tests.
//
// Written against the protocol, with node:http and node:crypto only and deliberately WITHOUT the
// kjb wasm core: the sandbox checks the core's signatures with its own HMAC, and the core parses
// the sandbox's answers, so each one checks the other. The README's "The sandbox" section lists
// its routes, control routes and config keys, and which behaviour is documented 1688 behaviour.
//
//   import { createSandbox, startSandbox } from 'kjb/sandbox';
//   const { url, close, sandbox } = await startSandbox({ port: 0, pushUrl: 'http://127.0.0.1:8080/push' });
import { createServer } from 'node:http';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';

const DEFAULT_CONFIG_URL = new URL('./default-config.json', import.meta.url);
const MAX_BODY = 1 << 20;
const U64_MAX = 18446744073709551615n;
const CALL_LOG = 5000;
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

/**
 * A 1688 time as ms: `yyyyMMddHHmmss[SSS]±hhmm`, or `yyyy-MM-dd HH:mm:ss` in China time; NaN if
 * it is neither.
 */
function parseTime(text) {
  const m = /^([0-9]{4})-?([0-9]{2})-?([0-9]{2})[ T]?([0-9]{2}):?([0-9]{2}):?([0-9]{2})([0-9]{3})?([+-][0-9]{4})?$/.exec(String(text).trim());
  if (!m) return Number.NaN;
  const zone = m[8] || '+0800';
  const offset = (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3))) * 60000;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], +(m[7] || 0)) - offset;
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
    if (a.refreshToken !== undefined && (typeof a.refreshToken !== 'string' || a.refreshToken === '')) fail(`apps[${i}].refreshToken must be a non-empty string when given`);
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
    if (o.createTime !== undefined && !(Number.isFinite(o.createTime) || (typeof o.createTime === 'string' && !Number.isNaN(parseTime(o.createTime))))) fail(`orders[${i}].createTime must be seconds relative to the sandbox start (e.g. -3600) or a time like "20261125103000000+0800"`);
    if (o.payTimeout !== undefined && !(Number.isInteger(o.payTimeout) && o.payTimeout > 0)) fail(`orders[${i}].payTimeout must be whole seconds > 0`);
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
/** The APIs the sandbox serves: namespace, and whether the call needs the user's access token. */
const APIS = {
  'alibaba.crossBorderPay.url.get': { ns: 'com.alibaba.trade' },
  'alibaba.creditPay.url.get': { ns: 'com.alibaba.trade' },
  'alibaba.alipay.url.get': { ns: 'com.alibaba.trade' },
  'alibaba.trade.payWay.query': { ns: 'com.alibaba.trade' },
  'alibaba.accountPeriod.list.buyerView': { ns: 'com.alibaba.trade' },
  'trade.orderpay.analysis': { ns: 'com.alibaba.trade' },
  'alibaba.trade.pay.protocolPay.preparePay': { ns: 'com.alibaba.trade' },
  'alibaba.trade.pay.protocolPay.isopen': { ns: 'com.alibaba.trade' },
  'alibaba.trade.get.buyerView': { ns: 'com.alibaba.trade' },
  'alibaba.trade.getBuyerOrderList': { ns: 'com.alibaba.trade' },
  'alibaba.trade.cancel': { ns: 'com.alibaba.trade' },
  'alibaba.account.agent.crossBasic': { ns: 'com.alibaba.account' },
  'alibaba.account.basic': { ns: 'com.alibaba.account' },
  'push.query.messageList': { ns: 'cn.alibaba.open', token: false },
  'push.message.confirm': { ns: 'cn.alibaba.open', token: false },
};
/** Documented free-text business errors of the url APIs (alibaba.alipay.url.get's page). */
const MANUAL_TRADE = 'Batch pay : not surport MANUAL-TRADE!';
const STOCK_ERROR = '操作库存失败:PRODUCT_TRADE_STAT_ERROR';

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

  const settings = {
    qps: Number.isFinite(config.qps) && config.qps >= 0 ? config.qps : 10,
    tokenLifetimeSec: Number.isFinite(config.tokenLifetimeSec) && config.tokenLifetimeSec > 0 ? config.tokenLifetimeSec : 36000,
    refreshTokenLifetimeSec: Number.isFinite(config.refreshTokenLifetimeSec) && config.refreshTokenLifetimeSec > 0 ? config.refreshTokenLifetimeSec : 15552000,
    pushAttempts: Number.isInteger(config.pushRetry && config.pushRetry.attempts) && config.pushRetry.attempts > 0 ? config.pushRetry.attempts : 6,
    pushBaseMs: Number.isFinite(config.pushRetry && config.pushRetry.baseMs) && config.pushRetry.baseMs >= 0 ? config.pushRetry.baseMs : 200,
  };

  const state = {};
  /** The sandbox clock: real time plus what /_sandbox/advance added. */
  const now = () => Date.now() + state.clockOffsetMs;
  function reset() {
    state.clockOffsetMs = 0;
    state.startedAt = Date.now();
    state.orders = new Map(cfg.orders.map((o) => [o.orderId, initialOrder(o)]));
    state.sessions = new Map();
    state.pushes = [];
    state.calls = [];
    state.callCount = 0;
    state.rateLimit = Number.isInteger(config.rateLimit) ? config.rateLimit : 0;
    state.qpsLimit = settings.qps;
    state.delay = { ms: 0, count: 0 };
    state.fail = { status: 0, count: 0, api: null };
    state.quota = null;
    state.prepared = new Map();
    state.window = new Map();
    state.msgSeq = 92705609220;
    state.tokens = new Map();
    state.refreshTokens = new Map();
    state.codes = new Map();
    state.duplicates = 0;
    state.drops = 0;
    state.generation = (state.generation || 0) + 1;
    for (const app of cfg.apps.values()) {
      state.tokens.set(app.accessToken, { appKey: app.appKey, expiresAt: now() + settings.tokenLifetimeSec * 1000 });
      if (app.refreshToken) state.refreshTokens.set(app.refreshToken, { appKey: app.appKey, expiresAt: now() + settings.refreshTokenLifetimeSec * 1000 });
    }
  }

  /** An order as the sandbox keeps it: config fields plus its createTime (ms) and payTimeout (s). */
  function initialOrder(o) {
    const created = typeof o.createTime === 'number' ? Date.now() + o.createTime * 1000 : typeof o.createTime === 'string' ? parseTime(o.createTime) : Date.now() - 3600 * 1000;
    return { ...o, status: o.status || 'waitbuyerpay', createdAt: created, modifiedAt: created, payTimeout: Number.isInteger(o.payTimeout) ? o.payTimeout : 259200 };
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
      order = initialOrder({ orderId: id, amount: yuan(fen), status: 'waitbuyerpay', tradeType: 'assureTrade', supplier: first.loginId, items: [{ offerId: '600000000001', title: `Order ${id} (not in the sandbox config)` }], generated: true });
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

  function record(line) {
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

  const requestId = () => randomBytes(13).toString('hex').slice(0, 26);

  function gatewayError(res, status, code, message) {
    sendJson(res, status, json({ error_code: code, error_message: message, request_id: requestId() }));
    return { status, code };
  }
  const unauthorized = (res) => gatewayError(res, 401, '401', 'Request need user authorized');
  const rateLimited = (res) => gatewayError(res, 400, 'gw.QosAppFrequencyLimit', 'App call exceeds limited frequency');

  /** Per-app sliding one-second window of accepted calls; true when this call may go on. */
  function withinRate(appKey) {
    if (!(state.qpsLimit > 0)) return true;
    const t = Date.now();
    const recent = (state.window.get(appKey) || []).filter((x) => t - x < 1000);
    state.window.set(appKey, recent);
    if (recent.length >= state.qpsLimit) return false;
    recent.push(t);
    return true;
  }

  /** The token's record when it is known, belongs to `appKey` and has not expired. */
  function liveToken(token, appKey) {
    const t = token ? state.tokens.get(token) : null;
    return t && t.appKey === appKey && t.expiresAt > now() ? t : null;
  }

  const STATUS_TEXT = { 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout', 429: 'Too Many Requests' };

  async function gateway(req, res, url) {
    sweep();
    state.callCount += 1;
    const entry = { t: Date.now(), api: null, method: req.method, path: url.pathname };
    const done = (outcome) => {
      record({ ...entry, ...outcome });
      log(`${req.method} ${url.pathname} → ${outcome.status}${outcome.code ? ` ${outcome.code}` : ''}`);
    };
    const oauthMatch = /^\/openapi\/(?:http|param2)\/1\/system\.oauth2\/(getToken|postponeToken)\/([^/]+)$/.exec(url.pathname);
    const m = /^\/openapi\/((?:param2|json2)\/([0-9]+)\/([^/]+)\/([^/]+)\/([^/]+))$/.exec(url.pathname);
    if (m) entry.api = m[4];
    else if (oauthMatch) entry.api = `system.oauth2.${oauthMatch[1]}`;
    // An outage or a proxy in front of the gateway: not a 1688 answer at all.
    if (state.fail.count > 0 && (!state.fail.api || state.fail.api === entry.api)) {
      state.fail.count -= 1;
      const status = state.fail.status;
      const text = STATUS_TEXT[status] || 'Error';
      send(res, status, 'text/html', `<html><head><title>${status} ${text}</title></head><body><center><h1>${status} ${text}</h1></center><hr><center>Tengine</center></body></html>\n`);
      return done({ status });
    }
    const text = req.method === 'POST' ? await readBody(req) : url.search.slice(1);
    const pairs = [...new URLSearchParams(text)];
    if (oauthMatch) {
      const out = oauthToken(oauthMatch[1], oauthMatch[2], new Map(pairs));
      sendJson(res, out.status, out.body);
      return done({ status: out.status, code: out.code, appKey: oauthMatch[2] });
    }
    if (!m) return done(gatewayError(res, 400, 'gw.APIUnsupported', `The API is not supported: ${url.pathname}; expected /openapi/param2/1/{namespace}/{apiName}/{appKey}`));
    const [, urlPath, version, namespace, apiName, appKey] = m;
    entry.appKey = appKey;
    const app = cfg.apps.get(appKey);
    if (!app) return done(gatewayError(res, 400, 'gw.AppKeyNotFound', `AppKey not found: ${appKey}`));

    if (state.rateLimit > 0) {
      state.rateLimit -= 1;
      return done(rateLimited(res));
    }
    if (!withinRate(appKey)) return done(rateLimited(res));
    if (state.quota !== null) {
      if (state.quota <= 0) return done(gatewayError(res, 400, 'gw.NoUsageLeftError', 'SLA bill has no usage left'));
      state.quota -= 1;
    }

    const params = new Map();
    for (const [k, v] of pairs) {
      if (params.has(k)) return done(gatewayError(res, 400, 'gw.SignatureInvalid', `Request signature is invalid: parameter ${k} is repeated`));
      params.set(k, v);
    }
    const received = params.get('_aop_signature');
    if (!received || !sameText(received, aopSignature(app.appSecret, urlPath, pairs))) {
      return done(gatewayError(res, 400, 'gw.SignatureInvalid', 'Request signature is invalid'));
    }
    const api = APIS[apiName];
    if (!api || api.ns !== namespace || version !== '1') {
      return done(gatewayError(res, 400, 'gw.APIUnsupported', `The API is not supported: ${namespace}:${apiName}-${version}`));
    }
    if (api.token !== false && !liveToken(params.get('access_token'), appKey)) return done(unauthorized(res));
    if (Array.isArray(app.apis) && !app.apis.includes(apiName)) return done(gatewayError(res, 400, 'gw.APIACLDecline', 'AppKey is not allowed(acl)'));

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
    if (answer.error) return done(answer.error(res));
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
      case 'alibaba.trade.pay.protocolPay.isopen': return protocolPayIsOpen();
      case 'alibaba.trade.get.buyerView': return buyerView(params);
      case 'alibaba.trade.getBuyerOrderList': return buyerOrderList(params);
      case 'alibaba.trade.cancel': return cancel(params, ctx);
      case 'alibaba.account.basic': return accountBasic();
      case 'push.query.messageList': return messageList(params, ctx);
      case 'push.message.confirm': return messageConfirm(params, ctx);
      default: return crossBasic(params);
    }
  }

  const missing = (name) => ({ error: (res) => gatewayError(res, 400, 'gw.ParamMissing', `Required argument is missing: ${name}`) });
  /** A business error in the style of `flavour`: "kjb" = success "false" + errorMsg, "alipay" = false + erroMsg, else false + errorMessage. */
  function bizError(flavour, code, message, extra = {}) {
    if (flavour === 'kjb') return { code, body: json({ success: 'false', errorCode: code, errorMsg: message, ...extra }) };
    if (flavour === 'alipay') return { code, body: json({ success: false, errorCode: code, erroMsg: message, ...extra }) };
    return { code, body: json({ success: false, errorCode: code, errorMessage: message, ...extra }) };
  }
  const idJson = (id) => raw(id);

  function urlApi(apiName, spec, params, ctx) {
    const list = params.get('orderIdList');
    if (list === undefined) return missing('orderIdList');
    const listed = idListOf(list);
    if (!listed) return bizError(spec.flavour, 'orderIdList must be a JSON array of order ids', 'orderIdList must be a JSON array of order ids, e.g. [3535260697417660107]');
    const ids = [...new Set(listed)];
    if (ids.length === 0 || ids.length > spec.max) {
      const text = `orderIdList must list 1 to ${spec.max} orders, got ${ids.length}`;
      return bizError(spec.flavour, text, text);
    }
    // The documented free-text errors fail the whole call (alibaba.alipay.url.get's page).
    const orders = ids.map((id) => orderOf(id));
    if (orders.some((o) => o && o.manualTrade)) return { ...bizError(spec.flavour, MANUAL_TRADE, MANUAL_TRADE), orderIds: ids };
    if (orders.some((o) => o && o.stockError)) return { ...bizError(spec.flavour, STOCK_ERROR, STOCK_ERROR), orderIds: ids };
    if (spec.channel === 'creditPay' && account.creditPay === false) {
      const text = '买家未开通诚e赊 (the buyer has not opened eCredit)';
      return { ...bizError(spec.flavour, text, text), orderIds: ids };
    }
    const payable = [];
    const refused = [];
    for (const id of ids) (refusal(orderOf(id), spec.channel) ? refused : payable).push(id);
    if (payable.length === 0) {
      if (spec.flavour === 'alipay') {
        const text = '没有可以支付的订单 (no order can be paid)';
        return { ...bizError('alipay', text, text, { payFailureOrderList: ids.map(idJson) }), orderIds: ids };
      }
      return { ...bizError(spec.flavour, '400_4', '没有可以使用跨境宝支付的订单 (no order can be paid by KJB)'), orderIds: ids };
    }
    const token = randomBytes(12).toString('hex');
    state.sessions.set(token, { token, api: apiName, channel: spec.channel, appKey: ctx.app.appKey, orderIds: payable, refused, createdAt: now(), paidAt: null, push: null, outcome: null });
    const payUrl = `${baseOf(ctx.req)}/cashier?token=${token}`;
    const refusedJson = refused.map(idJson);
    const body = spec.flavour === 'alipay'
      ? json({ success: true, payUrl, payFailureOrderList: refusedJson })
      // crossBorderPay / creditPay: success as a string, and an empty list printed as {} (as 1688 does).
      : json({ success: 'true', payUrl, cantPayOrderList: refused.length ? refusedJson : raw('{}') });
    return { body, orderIds: ids };
  }

  /** One order id parameter, or an answer to send instead. */
  function singleId(params, name) {
    const value = params.get(name);
    if (value === undefined) return { error: missing(name) };
    const id = idOf(value.trim().replace(/^"(.*)"$/, '$1'));
    return id ? { id } : { error: bizError('plain', `${name} is not a 1688 order id`, `${name} must be a 1688 order id (digits)`) };
  }

  function payWay(params) {
    const { id, error } = singleId(params, 'orderId');
    if (error) return error;
    if (account.subAccount) return bizError('plain', '500_2', '请使用主账号操作 (use the buyer\'s main account)');
    const order = orderOf(id);
    if (!order) return bizError('plain', '订单不存在', `order ${id} does not exist`);
    if (order.status !== 'waitbuyerpay') return bizError('plain', '订单状态不是待付款', `order ${id} is not awaiting payment (status ${order.status})`);
    const channels = [{ code: 1, name: '支付宝' }];
    if (!refusal(order, 'kjb')) channels.push(...KJB_CHANNELS);
    if (account.creditPay !== false) channels.push({ code: 3, name: '诚e赊' });
    if (supplierOf(order).accountPeriod) channels.push({ code: 7, name: '账期支付' });
    // As the documented example: resultList is an object, orderId a string, payFee fen.
    return { body: json({ resultList: { channels, orderId: id, payFee: raw(fenOf(order.amount).toString()), timeout: chinaTime(order.createdAt + order.payTimeout * 1000) }, success: true }) };
  }

  function accountPeriods(params) {
    const pageIndex = Number(params.get('pageIndex') || '1');
    if (!Number.isInteger(pageIndex) || pageIndex < 1) return bizError('plain', 'pageIndex must be a whole number from 1', 'pageIndex must be a whole number from 1');
    const seller = params.get('sellerLoginId');
    const rows = [...cfg.suppliers.values()].filter((s) => s.accountPeriod && (!seller || s.loginId === seller));
    const page = rows.slice((pageIndex - 1) * 10, pageIndex * 10).map((s) => ({
      gmtQuota: aopDate(state.startedAt - 30 * 86400 * 1000),
      quota: raw(fenOf(s.accountPeriod.quota || '0').toString()),
      sellerCompanyName: s.companyName || s.loginId,
      sellerLoginId: s.loginId,
      statusStr: s.accountPeriod.statusStr || '有效',
      surplusQuota: raw(fenOf(s.accountPeriod.surplusQuota || '0').toString()),
      tapDateStr: s.accountPeriod.tapDateStr || '30天',
      tapOverdue: Number.isInteger(s.accountPeriod.tapOverdue) ? s.accountPeriod.tapOverdue : 0,
    }));
    return { body: json({ resultList: { accountPeriodList: page, totalCount: String(rows.length) }, success: true }) };
  }

  /** One yes/no for the whole set of orders, as documented (`avaliable` sic, totalPayFee in fen). */
  function analysis(params) {
    const list = params.get('orderIds');
    if (list === undefined) return missing('orderIds');
    const wrap = (success, code, message, result) => ({ code: success ? undefined : code, body: json({ result: { success, code, message, result } }) });
    const ids = idListOf(list);
    if (!ids || ids.length === 0) return wrap(false, 'PARAM_ILLEGAL', 'orderIds must be a non-empty JSON array of order ids', null);
    const payChannel = params.get('payChannel') || 'kjpayV2';
    const channel = { kjpayV2: 'kjb', alipay: 'alipay', shegou: 'creditPay' }[payChannel];
    if (!channel) return wrap(false, 'PARAM_ILLEGAL', 'payChannel must be kjpayV2, alipay or shegou', null);
    const orders = ids.map((id) => orderOf(id));
    const avaliable = orders.every((o) => o && !refusal(o, channel) && !o.manualTrade && !o.stockError);
    const totalPayFee = orders.reduce((n, o) => n + (o ? fenOf(o.amount) : 0n), 0n);
    return wrap(true, null, null, { orderTotalCount: ids.length, totalPayFee: raw(totalPayFee.toString()), orderIds: ids.map(idJson), payChannel: { channel: payChannel, avaliable } });
  }

  function preparePay(params, ctx) {
    const text = params.get('tradeWithholdPreparePayParam');
    if (text === undefined) return missing('tradeWithholdPreparePayParam');
    const wrap = (success, code, message, result) => ({ code: success ? undefined : code, body: json({ result: { success, code, message, result } }) });
    let p;
    try {
      p = JSON.parse(text);
    } catch {
      return wrap(false, 'PARAM_ILLEGAL', 'tradeWithholdPreparePayParam must be a JSON object', null);
    }
    const idMatch = /"orderId"\s*:\s*"?([0-9]+)"?/.exec(text); // JSON.parse would round a 19-digit id
    const id = idMatch && idOf(idMatch[1]);
    if (!p || typeof p !== 'object' || !id) return wrap(false, 'PARAM_ILLEGAL', 'tradeWithholdPreparePayParam needs orderId', null);
    const key = `${ctx.app.appKey}/${p.opRequestId}`;
    if (p.opRequestId !== undefined && state.prepared.has(key)) return state.prepared.get(key);
    const payChannel = p.payChannel || 'kjpayV2';
    const order = orderOf(id);
    let answer;
    if (account.protocolPay === false) answer = wrap(false, 'PROTOCOL_NOT_SIGNED', 'the buyer has not signed password-free payment', null);
    else if (!order) answer = wrap(false, 'ORDER_NOT_EXIST', `order ${id} does not exist`, null);
    else if (p.payAmount !== undefined && String(p.payAmount) !== fenOf(order.amount).toString()) answer = wrap(false, 'PAY_AMOUNT_MISMATCH', `payAmount must be ${fenOf(order.amount)} (fen)`, null);
    else {
      const why = refusal(order, payChannel === 'kjpayV2' ? 'kjb' : 'alipay');
      if (why) answer = wrap(false, 'ORDER_CANNOT_PAY', why, { payChannel, paySuccess: false });
      else {
        markPaid([id], payChannel === 'kjpayV2' ? '跨境宝' : '支付宝');
        // The outcome also arrives by push, as 1688 does for password-free batch payments.
        paidPushes(ctx.app, [id], 'successed');
        answer = wrap(true, '200', 'success', { payChannel, paySuccess: true });
      }
    }
    if (p.opRequestId !== undefined) state.prepared.set(key, answer);
    return answer;
  }

  function protocolPayIsOpen() {
    const open = account.protocolPay !== false;
    return { body: json({ result: { success: true, code: null, message: null, result: { signedStatus: open, isOpen: open } } }) };
  }

  /** Yuan as 1688 writes it in buyerView: a JSON number, trailing zeros dropped ("6.15", "6", "0.3"). */
  function yuanNumber(fen) {
    const neg = fen < 0n;
    const s = yuan(neg ? -fen : fen).replace(/\.?0+$/, '');
    return raw(`${neg ? '-' : ''}${s === '' ? '0' : s}`);
  }

  /** An order as buyerView describes it (`result`). */
  function orderView(order) {
    const id = order.orderId;
    const s = supplierOf(order);
    const total = fenOf(order.amount);
    const shipping = fenOf(order.shippingFee || '0') || 0n;
    const discount = BigInt(Number.isInteger(order.discount) ? order.discount : 0); // fen, as 1688 sends it
    const products = total - shipping - discount;
    const paid = Boolean(order.paidAt);
    const baseInfo = {
      id: idJson(id),
      businessType: 'cn',
      buyerID: buyerMemberId,
      createTime: aopDate(order.createdAt),
      modifyTime: aopDate(order.modifiedAt),
      payTime: paid ? aopDate(order.paidAt) : undefined,
      completeTime: order.closedAt ? aopDate(order.closedAt) : undefined,
      sellerID: s.memberId || `b2b-${s.loginId}`,
      shippingFee: yuanNumber(shipping),
      status: order.status,
      totalAmount: yuanNumber(total),
      discount: raw(discount.toString()),
      sellerContact: { companyName: s.companyName || s.loginId, imInPlatform: s.loginId },
      tradeType: order.tradeType === 'assureTrade' || !order.tradeType ? '50060' : '50000',
      tradeTypeCode: order.tradeType || 'assureTrade',
      refund: raw('0'),
      idOfStr: id,
      buyerLoginId: account.loginId || 'sandbox-buyer',
      sellerLoginId: s.loginId,
      closeReason: order.closeReason,
      sumProductPayment: yuanNumber(products),
      payTimeout: raw(String(order.payTimeout)),
      sellerOrder: Boolean(order.sellerOrder),
      payChannelList: order.payChannel ? [order.payChannel] : undefined,
    };
    const items = order.items || [];
    const share = items.length ? products / BigInt(items.length) : 0n;
    const productItems = items.map((it, i) => {
      const amount = i === 0 ? products - share * BigInt(items.length - 1) : share;
      const quantity = Number.isInteger(it.quantity) && it.quantity > 0 ? it.quantity : 1;
      return {
        itemAmount: yuanNumber(amount),
        name: it.title || '',
        price: yuanNumber(amount / BigInt(quantity)),
        productID: raw(idOf(it.offerId) || '0'),
        quantity: raw(String(quantity)),
        status: order.status,
        type: 'common',
        unit: it.unit || '件',
        categoryName: it.category,
      };
    });
    const tradeTerms = [{ payStatus: paid ? '2' : order.status === 'cancel' ? '8' : '1', payTime: paid ? aopDate(order.paidAt) : undefined, payWay: paid ? '13' : undefined, phasAmount: yuanNumber(total), phase: raw('1'), cardPay: false, expressPay: false }];
    return { baseInfo, productItems, tradeTerms };
  }

  function buyerView(params) {
    const { id, error } = singleId(params, 'orderId');
    if (error) return error;
    const order = orderOf(id);
    if (!order) return bizError('plain', '订单不存在', `order ${id} does not exist`);
    return { body: json({ result: orderView(order) }) };
  }

  function buyerOrderList(params) {
    const page = Number(params.get('page') || '1');
    const pageSize = Number(params.get('pageSize') || '20');
    if (!Number.isInteger(page) || page < 1) return bizError('plain', 'page must be a whole number from 1', 'page must be a whole number from 1');
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) return bizError('plain', 'pageSize must be 1 to 100', 'pageSize must be 1 to 100');
    const status = params.get('orderStatus');
    const from = params.get('modifyStartTime') ? parseTime(params.get('modifyStartTime')) : null;
    const to = params.get('modifyEndTime') ? parseTime(params.get('modifyEndTime')) : null;
    if (Number.isNaN(from) || Number.isNaN(to)) return bizError('plain', 'modifyStartTime/modifyEndTime must be yyyyMMddHHmmssSSS+0800', 'modifyStartTime/modifyEndTime must be yyyyMMddHHmmssSSS+0800');
    // The live gateway ignores an orderIds filter: so does the sandbox.
    const rows = [...state.orders.values()]
      .filter((o) => !o.generated && (!status || o.status === status) && (from === null || o.modifiedAt >= from) && (to === null || o.modifiedAt <= to))
      .sort((x, y) => y.createdAt - x.createdAt || (x.orderId < y.orderId ? 1 : -1));
    const slice = rows.slice((page - 1) * pageSize, page * pageSize).map(orderView);
    return { body: json({ result: slice, totalRecord: raw(String(rows.length)) }) };
  }

  function cancel(params, ctx) {
    const { id, error } = singleId(params, 'tradeID');
    if (error) return error;
    const reason = params.get('cancelReason');
    if (reason === undefined) return missing('cancelReason');
    if (!['buyerCancel', 'sellerGoodsLack', 'other'].includes(reason)) return bizError('plain', '400_3', 'cancelReason must be buyerCancel, sellerGoodsLack or other');
    const order = state.orders.get(id) || (config.strictOrders ? null : orderOf(id));
    if (!order) return bizError('plain', 'ORDER_NOT_EXIST', `order ${id} does not exist`);
    if (order.status !== 'waitbuyerpay') return bizError('plain', 'ORDER_STATUS_ERROR', `order ${id} cannot be cancelled in status ${order.status}`);
    if (now() - order.createdAt < 10000) return bizError('plain', 'CLOSE_ORDER_TOO_FAST', 'an order cannot be cancelled within 10 seconds of its creation');
    closeOrder(order, reason, ctx.app, 'ORDER_BUYER_VIEW_ORDER_BUYER_CLOSE');
    return { body: json({ success: true }), orderIds: [id] };
  }

  function crossBasic(params) {
    const loginId = params.get('loginId');
    const domain = params.get('domain');
    if (!loginId && !domain) return missing('loginId');
    const s = [...cfg.suppliers.values()].find((x) => x.loginId === loginId || (domain && x.domain === domain));
    if (!s) return bizError('plain', '会员不存在', `member ${loginId || domain} does not exist`);
    // As documented: no 诚信通 field here (that flag comes from elsewhere).
    return { body: json({ result: { loginId: s.loginId, categoryName: s.categoryName || '', companyName: s.companyName || s.loginId, shopUrl: s.shopUrl || `https://${s.loginId}.1688.com`, supplierName: s.supplierName || s.companyName || s.loginId, kuaJingBao: s.kjb !== false }, success: true }) };
  }

  function accountBasic() {
    const a = account;
    return { body: json({ result: { memberId: buyerMemberId, loginId: a.loginId || 'sandbox-buyer', companyName: a.companyName, kuaJingBao: a.kjbActivated !== false, crossBorder: a.crossBorder !== false, tpYear: raw(String(Number.isInteger(a.tpYear) ? a.tpYear : 3)), gmtPaidJoin: aopDate(state.startedAt - 3 * 365 * 86400 * 1000) }, success: true }) };
  }

  /** Messages of this app not confirmed yet (a message the receiver answered 200 counts as confirmed). */
  function messageList(params, ctx) {
    const page = Number(params.get('page') || '1');
    const pageSize = Number(params.get('pageSize') || '20');
    if (!Number.isInteger(page) || page < 1) return bizError('plain', 'page must be a whole number from 1', 'page must be a whole number from 1');
    if (!Number.isInteger(pageSize) || pageSize < 20 || pageSize > 200) return bizError('plain', 'pageSize must be 20 to 200', 'pageSize must be 20 to 200');
    const type = params.get('type');
    const userInfo = params.get('userInfo');
    const from = params.get('createStartTime') ? parseTime(params.get('createStartTime')) : null;
    const to = params.get('createEndTime') ? parseTime(params.get('createEndTime')) : null;
    const rows = state.pushes.filter((p) => p.appKey === ctx.app.appKey && !p.confirmed && (!type || p.type === type) && (!userInfo || userInfo === buyerMemberId) && (from === null || Number.isNaN(from) || p.gmtBorn >= from) && (to === null || Number.isNaN(to) || p.gmtBorn <= to));
    const datas = rows.slice((page - 1) * pageSize, page * pageSize).map((p) => ({ gmtBorn: raw(String(p.gmtBorn)), topicGroup: 'ORDER', data: raw(p.dataJson), msgId: raw(p.msgId), type: p.type, userInfo: buyerMemberId, appKey: ctx.app.appKey, topicName: p.type }));
    return { body: json({ pushMessagePage: { datas, totalCount: rows.length } }) };
  }

  function messageConfirm(params, ctx) {
    const list = params.get('msgIdList');
    if (list === undefined) return missing('msgIdList');
    const ids = idListOf(list);
    if (!ids) return bizError('plain', 'msgIdList must be a JSON array of message ids', 'msgIdList must be a JSON array of message ids');
    const wanted = new Set(ids);
    for (const p of state.pushes) if (p.appKey === ctx.app.appKey && wanted.has(p.msgId)) p.confirmed = true;
    return { body: json({ isSuccess: true }) };
  }

  // ---- OAuth ----

  const oauthError = (status, error, description) => ({ status, code: error, body: json({ error, error_description: description }) });

  /** system.oauth2 getToken (both grants) and postponeToken: form bodies, not signed, carrying client_secret. */
  function oauthToken(which, appKey, p) {
    const app = cfg.apps.get(appKey);
    if (!app || p.get('client_id') !== appKey) return oauthError(401, 'invalid_client', 'client_id is unknown or does not match the appKey in the path');
    if (!p.has('client_secret') || !sameText(p.get('client_secret'), app.appSecret)) return oauthError(401, 'invalid_client', 'client_secret is wrong');
    const tokenAnswer = (accessToken, refresh) => {
      state.tokens.set(accessToken, { appKey, expiresAt: now() + settings.tokenLifetimeSec * 1000 });
      const out = { aliId: account.aliId || '8000000000001', resource_owner: account.loginId || 'sandbox-buyer', memberId: buyerMemberId, expires_in: String(settings.tokenLifetimeSec), access_token: accessToken };
      if (refresh) {
        const expiresAt = now() + settings.refreshTokenLifetimeSec * 1000;
        state.refreshTokens.set(refresh, { appKey, expiresAt });
        Object.assign(out, { refresh_token: refresh, refresh_token_timeout: aopDate(expiresAt).replace(/([0-9]{14})[0-9]{3}/, '$1') });
      }
      return { status: 200, body: json(out) };
    };
    const newToken = () => randomBytes(16).toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
    if (which === 'postponeToken') {
      const rt = state.refreshTokens.get(p.get('refresh_token') || '');
      if (!rt || rt.appKey !== appKey || rt.expiresAt <= now()) return oauthError(400, 'invalid_grant', 'refresh_token is unknown or expired');
      if (!liveToken(p.get('access_token'), appKey)) return oauthError(400, 'invalid_grant', 'access_token is unknown or expired');
      state.refreshTokens.delete(p.get('refresh_token'));
      const out = tokenAnswer(p.get('access_token'), newToken());
      return out;
    }
    const grant = p.get('grant_type');
    if (grant === 'authorization_code') {
      const code = state.codes.get(p.get('code') || '');
      state.codes.delete(p.get('code') || '');
      if (!code || code.appKey !== appKey || code.expiresAt <= now()) return oauthError(400, 'invalid_grant', 'code is unknown, used or expired (a code lives 120 s and works once)');
      if (p.get('redirect_uri') !== code.redirectUri) return oauthError(400, 'invalid_grant', 'redirect_uri does not match the one the code was issued for');
      return tokenAnswer(newToken(), p.get('need_refresh_token') === 'false' ? null : newToken());
    }
    if (grant === 'refresh_token') {
      const rt = state.refreshTokens.get(p.get('refresh_token') || '');
      if (!rt || rt.appKey !== appKey || rt.expiresAt <= now()) return oauthError(400, 'invalid_grant', 'refresh_token is unknown or expired: authorise again');
      return tokenAnswer(newToken(), null);
    }
    return oauthError(400, 'unsupported_grant_type', 'grant_type must be authorization_code or refresh_token');
  }

  function authorizePage(url) {
    const clientId = url.searchParams.get('client_id') || '';
    const redirectUri = url.searchParams.get('redirect_uri') || '';
    const st = url.searchParams.get('state') || '';
    const app = cfg.apps.get(clientId);
    if (!app || !/^https?:\/\//.test(redirectUri)) return { status: 400, html: page('Cannot authorise', `<h1>Cannot authorise</h1><p>${app ? 'redirect_uri must be an http(s) URL.' : `Unknown client_id ${esc(clientId)}.`}</p>`) };
    const body = `<h1>Authorise ${esc(app.name || app.appKey)}</h1>
<p class="note">kjb sandbox — a stand-in for auth.1688.com; no 1688 account is involved.</p>
<p><strong>${esc(app.name || app.appKey)}</strong> asks to act for the buyer <strong>${esc(account.loginId || 'sandbox-buyer')}</strong>: read orders, get cashier links, receive payment messages.</p>
<form method="post" action="authorize"><input type="hidden" name="client_id" value="${esc(clientId)}"><input type="hidden" name="redirect_uri" value="${esc(redirectUri)}"><input type="hidden" name="state" value="${esc(st)}"><input type="hidden" name="site" value="1688"><button type="submit">Authorize</button></form>`;
    return { status: 200, html: page(`Authorise ${app.name || app.appKey}`, body) };
  }

  async function authorizePost(req, res) {
    const p = new URLSearchParams(await readBody(req));
    const clientId = p.get('client_id') || '';
    const redirectUri = p.get('redirect_uri') || '';
    if (!cfg.apps.has(clientId) || !/^https?:\/\//.test(redirectUri)) return send(res, 400, 'text/html; charset=utf-8', page('Cannot authorise', '<h1>Cannot authorise</h1><p>Unknown client_id or a redirect_uri that is not an http(s) URL.</p>'));
    const code = randomBytes(16).toString('hex');
    state.codes.set(code, { appKey: clientId, redirectUri, expiresAt: now() + 120000 });
    const target = new URL(redirectUri);
    target.searchParams.set('code', code);
    if (p.get('state') !== null) target.searchParams.set('state', p.get('state'));
    return send(res, 302, 'text/plain; charset=utf-8', 'Authorised', { location: target.toString() });
  }

  // ---- paying, closing and pushing ----

  const FAIL_STATUSES = ['ACCOUNT_BALANCE_NOT_ENOUGH', 'ACCOUNT_NOT_EXIST', 'ACCOUNT_FROZEN', 'PARAM_ILLEGAL'];
  const CHANNEL_PAID = { kjb: '跨境宝', creditPay: '诚e赊', alipay: '支付宝' };
  const firstApp = () => cfg.apps.values().next().value;

  function markPaid(ids, channelName) {
    const t = now();
    for (const id of ids) {
      const order = state.orders.get(id);
      if (order) Object.assign(order, { status: 'waitsellersend', paidAt: t, modifiedAt: t, payChannel: channelName });
    }
  }

  function orderTopicData(order) {
    const s = supplierOf(order);
    return { buyerMemberId, currentStatus: order.status, orderId: idJson(order.orderId), sellerMemberId: s.memberId || `b2b-${s.loginId}`, msgSendTime: chinaTime(now()) };
  }

  /** The pushes after a batch payment: one ORDER_BATCH_PAY, and per paid order ORDER_BUYER_VIEW_ORDER_PAY. */
  function paidPushes(app, ids, status) {
    const out = [deliver(app, 'ORDER_BATCH_PAY', ids[0], { batchPay: ids.map((id) => ({ orderId: id, status })) })];
    if (status === 'successed') for (const id of ids) out.push(deliver(app, 'ORDER_BUYER_VIEW_ORDER_PAY', id, orderTopicData(state.orders.get(id))));
    return out;
  }

  function closeOrder(order, reason, app, topic) {
    const t = now();
    Object.assign(order, { status: 'cancel', closeReason: reason, closedAt: t, modifiedAt: t });
    deliver(app, topic, order.orderId, orderTopicData(order));
  }

  /** Closes every unpaid order past createTime + payTimeout (on the sandbox clock). */
  function sweep() {
    const t = now();
    for (const order of state.orders.values()) {
      if (order.status === 'waitbuyerpay' && order.createdAt + order.payTimeout * 1000 <= t) closeOrder(order, 'BUYER_NO_PAY', firstApp(), 'ORDER_BUYER_VIEW_ORDER_BOPS_CLOSE');
    }
  }

  const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref());

  /** One POST of the push; records the outcome; true on HTTP 200. */
  async function attempt(entry) {
    entry.attempts += 1;
    try {
      const body = new URLSearchParams([['message', entry.message], ['_aop_signature', entry.signature]]).toString();
      const res = await fetch(entry.url, { method: 'POST', headers: { 'content-type': FORM }, body, signal: AbortSignal.timeout(PUSH_TIMEOUT_MS) });
      await res.arrayBuffer();
      entry.status = res.status;
      entry.error = res.status === 200 ? null : `the receiver answered HTTP ${res.status}`;
      return res.status === 200;
    } catch (e) {
      entry.status = null;
      entry.error = `could not deliver: ${e && e.message ? e.message : e}`;
      return false;
    }
  }

  /** Re-sends until the receiver answers 200, with bounded exponential back-off (pushRetry). */
  async function deliveryLoop(entry, generation, firstDone) {
    for (let i = 0; i < settings.pushAttempts; i += 1) {
      if (i > 0) await pause(settings.pushBaseMs * 2 ** (i - 1));
      if (generation !== state.generation || entry.confirmed) break;
      const sends = [attempt(entry)];
      if (entry.duplicate && i === 0) sends.push(attempt(entry));
      const ok = (await Promise.all(sends)).some(Boolean);
      firstDone();
      log(`push ${entry.type} ${entry.msgId} → ${entry.url}: ${ok ? 'delivered' : entry.error}`);
      if (ok) {
        entry.delivered = true;
        entry.confirmed = true;
        break;
      }
    }
    firstDone();
    return entry;
  }

  /**
   * Queues one signed push message (params-only signature over `message`). Returns its record at
   * once; `record.firstAttempt` settles after the first try, `record.settled` after the last.
   */
  function deliver(app, type, bizKey, data) {
    const msgId = String(state.msgSeq);
    state.msgSeq += 1;
    const gmtBorn = now();
    const dataJson = json(data);
    const message = json({ bizKey: String(bizKey), data: raw(dataJson), gmtBorn, msgId: raw(msgId), type, userInfo: buyerMemberId });
    const signature = aopSignature(app.appSecret, '', [['message', message]]);
    const url = pushUrl || app.pushUrl || null;
    const entry = { msgId, type, bizKey: String(bizKey), appKey: app.appKey, url, message, signature, dataJson, gmtBorn, at: Date.now(), delivered: false, confirmed: false, dropped: false, duplicate: false, attempts: 0, status: null, error: null };
    state.pushes.push(entry);
    let done;
    let firstDone;
    const first = new Promise((resolve) => {
      firstDone = () => resolve(entry);
    });
    if (!url) {
      entry.error = 'no push URL is set (createSandbox({pushUrl}), setPushUrl() or POST /_sandbox/push-url)';
      done = Promise.resolve(entry);
    } else if (state.drops > 0) {
      state.drops -= 1;
      entry.dropped = true;
      entry.error = 'dropped on request (/_sandbox/drop-push): left for push.query.messageList';
      done = Promise.resolve(entry);
    } else {
      if (state.duplicates > 0) {
        state.duplicates -= 1;
        entry.duplicate = true;
      }
      done = deliveryLoop(entry, state.generation, firstDone);
    }
    if (entry.error) {
      log(`push ${type} ${bizKey}: not sent, ${entry.error}`);
      firstDone();
    }
    Object.defineProperty(entry, 'settled', { value: done, enumerable: false });
    Object.defineProperty(entry, 'firstAttempt', { value: first, enumerable: false });
    return entry;
  }

  /** Pays a cashier session (outcome "successed"), or fails it with a documented ORDER_BATCH_PAY status. */
  async function pay(token, outcome = 'successed') {
    const session = state.sessions.get(token);
    if (!session) return { status: 404, error: 'unknown or expired cashier token' };
    if (outcome !== 'successed' && !FAIL_STATUSES.includes(outcome)) return { status: 400, error: `outcome must be successed or one of ${FAIL_STATUSES.join(', ')}`, session };
    sweep();
    if (session.paidAt) return { status: 409, error: 'already paid', session };
    const ids = session.orderIds.filter((id) => (state.orders.get(id) || {}).status === 'waitbuyerpay');
    if (ids.length === 0) return { status: 409, error: 'none of these orders is awaiting payment any more', session };
    const app = cfg.apps.get(session.appKey);
    if (outcome === 'successed') {
      markPaid(ids, CHANNEL_PAID[session.channel]);
      session.paidAt = now();
      session.paidOrderIds = ids;
      session.outcome = null;
    } else {
      session.outcome = outcome;
      session.failedAt = now();
    }
    const pushes = paidPushes(app, ids, outcome);
    session.push = pushes[0];
    session.pushes = pushes;
    await Promise.all(pushes.map((p) => p.firstAttempt));
    return { status: 200, session, orderIds: ids, outcome };
  }

  // ---- the cashier page ----

  const CHANNEL_NAMES = { kjb: '跨境宝 KJB', creditPay: '诚e赊 eCredit', alipay: '支付宝 Alipay' };
  // Narrow screens (390 px): the table turns into stacked rows, long ids wrap; nothing scrolls sideways.
  const STYLE = `*{box-sizing:border-box}body{font:16px/1.5 system-ui,sans-serif;margin:1rem auto;max-width:60rem;padding:0 1rem;color:#1a1a1a;overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border-bottom:1px solid #ccc;padding:.4rem;text-align:left}
.num{text-align:right;font-variant-numeric:tabular-nums}.id{font-family:ui-monospace,monospace;word-break:break-all}
button,select{font:inherit;max-width:100%}button{font-size:1.2rem;padding:.6rem 2rem;background:#ff5000;color:#fff;border:0;border-radius:4px;cursor:pointer}
button:focus-visible,select:focus-visible{outline:3px solid #1a1a1a;outline-offset:2px}.paid{font-size:1.3rem;color:#0a6b2d;font-weight:bold}
.failed{font-size:1.1rem;color:#a40000;font-weight:bold}.note{color:#555;font-size:.9rem}label{display:block;margin:.5rem 0}
@media (max-width:40rem){thead{display:none}table,tbody,tfoot,tr,td,th{display:block;width:100%}tr{border-bottom:1px solid #ccc;padding:.3rem 0}td,th{border:0;padding:.1rem 0}td.num{text-align:left}}`;

  function page(title, body) {
    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} (kjb sandbox)</title>
<style>${STYLE}</style></head>
<body><main>
${body}
</main></body></html>
`;
  }

  function cashierPage(session) {
    const orders = session.orderIds.map((id) => state.orders.get(id)).filter(Boolean);
    const total = orders.reduce((n, o) => n + fenOf(o.amount), 0n);
    const rows = orders.map((o) => {
      const s = supplierOf(o);
      const title = (o.items && o.items[0] && o.items[0].title) || '';
      return `<tr><td class="id">${esc(o.orderId)}</td><td>${esc(s.companyName || s.loginId)}</td><td>${esc(title)}</td><td class="num">${esc(yuan(fenOf(o.amount)))}</td><td>${esc(o.status)}</td></tr>`;
    }).join('\n');
    const pushText = (p) => (!p ? '' : p.delivered ? `Push ${p.type} (msgId ${p.msgId}) delivered to ${p.url} (HTTP ${p.status}).` : `Push ${p.type} (msgId ${p.msgId}) not delivered yet: ${p.error || 'pending'}`);
    let action = '';
    if (session.paidAt) {
      action = `<p class="paid" role="status">Paid: ${session.paidOrderIds.length} order(s), ¥${esc(yuan(total))}, at ${esc(chinaTime(session.paidAt))} (China time).</p><p>${esc(pushText(session.push))}</p>`;
    } else {
      if (session.outcome) action += `<p class="failed" role="alert">Payment failed: ${esc(session.outcome)} (sent as ORDER_BATCH_PAY). You can try again.</p><p>${esc(pushText(session.push))}</p>`;
      const options = ['successed', ...FAIL_STATUSES].map((o) => `<option value="${o}">${o === 'successed' ? 'Pay successfully' : `Fail: ${o}`}</option>`).join('');
      action += `<form method="post" action="cashier/pay"><input type="hidden" name="token" value="${esc(session.token)}">
<label>Outcome (sandbox) <select name="outcome">${options}</select></label>
<button type="submit">Pay ¥${esc(yuan(total))}</button></form>`;
    }
    return page(`${session.paidAt ? 'Paid' : 'Pay'} — ${CHANNEL_NAMES[session.channel]} cashier`, `<h1>${esc(CHANNEL_NAMES[session.channel])} cashier</h1>
<p class="note">kjb sandbox — a stand-in for the 1688 cashier; no money moves.</p>
<p>Buyer: ${esc(account.companyName || account.loginId || 'sandbox buyer')}</p>
<table><caption>Orders in this payment</caption>
<thead><tr><th scope="col">Order</th><th scope="col">Supplier</th><th scope="col">Item</th><th scope="col" class="num">Amount (CNY)</th><th scope="col">Status</th></tr></thead>
<tbody>
${rows}
</tbody>
<tfoot><tr><th scope="row" colspan="3">Total</th><td class="num">${esc(yuan(total))}</td><td></td></tr></tfoot></table>
${action}`);
  }

  function wantsJson(req) {
    const type = String(req.headers['content-type'] || '');
    const accept = String(req.headers.accept || '');
    return type.includes('json') || (accept.includes('application/json') && !accept.includes('text/html'));
  }

  async function cashierPay(req, res, url) {
    const text = req.method === 'POST' ? await readBody(req) : '';
    let token = url.searchParams.get('token');
    let outcome = url.searchParams.get('outcome');
    if (String(req.headers['content-type'] || '').includes('json')) {
      try {
        const b = JSON.parse(text || '{}');
        token = b.token || token;
        outcome = b.outcome || outcome;
      } catch {
        return sendJson(res, 400, json({ error: 'the body must be JSON {token, outcome?} or a form token=…&outcome=…' }));
      }
    } else if (text) {
      const form = new URLSearchParams(text);
      token = form.get('token') || token;
      outcome = form.get('outcome') || outcome;
    }
    const out = await pay(token || '', outcome || 'successed');
    if (wantsJson(req)) {
      if (out.status !== 200) return sendJson(res, out.status, json({ paid: false, error: out.error }));
      const s = out.session;
      const total = out.orderIds.reduce((n, id) => n + fenOf(state.orders.get(id).amount), 0n);
      return sendJson(res, 200, json({ paid: out.outcome === 'successed', outcome: out.outcome, orderIds: out.orderIds, amount: yuan(total), push: pushView(s.push), pushes: s.pushes.map(pushView) }));
    }
    if (out.status === 404) return send(res, 404, 'text/html; charset=utf-8', notFoundPage());
    if (out.status === 400) return send(res, 400, 'text/html; charset=utf-8', page('Bad outcome', `<h1>Bad outcome</h1><p>${esc(out.error)}</p>`));
    return send(res, 303, 'text/plain; charset=utf-8', 'See the cashier page', { location: `../cashier?token=${encodeURIComponent(token)}` });
  }

  const notFoundPage = () => page('Unknown cashier link', '<h1>Unknown cashier link</h1><p>This cashier link is unknown or has expired. Ask the ERP for a new one.</p>');

  function pushView(p) {
    return p ? { type: p.type, msgId: p.msgId, url: p.url, delivered: p.delivered, confirmed: p.confirmed, dropped: p.dropped, attempts: p.attempts, status: p.status, error: p.error } : null;
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
      clock: chinaTime(now()), qps: state.qpsLimit, quota: state.quota, fail: { ...state.fail },
      calls: state.calls.slice(),
    };
  }

  async function control(req, res, url) {
    const route = `${req.method} ${url.pathname}`;
    if (route === 'GET /_sandbox/state') return sendJson(res, 200, JSON.stringify(snapshot()));
    if (route === 'GET /_sandbox/calls') return sendJson(res, 200, JSON.stringify(state.calls.map((c) => ({ t: c.t, api: c.api, status: c.status, code: c.code === undefined ? null : c.code }))));
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
    const bad = (why) => sendJson(res, 400, json({ error: why }));
    switch (url.pathname) {
      case '/_sandbox/rate-limit':
        state.rateLimit = n(body.count, 1);
        return sendJson(res, 200, json({ rateLimit: state.rateLimit }));
      case '/_sandbox/qps':
        if (!(typeof body.qps === 'number' && Number.isFinite(body.qps) && body.qps >= 0)) return bad('qps must be a number ≥ 0 (0 = no limit)');
        state.qpsLimit = body.qps;
        state.window.clear();
        return sendJson(res, 200, json({ qps: state.qpsLimit }));
      case '/_sandbox/expire-token': {
        const expired = [];
        for (const [token, t] of state.tokens) {
          if (body.accessToken === undefined || body.accessToken === token) {
            t.expiresAt = now() - 1;
            expired.push(token);
          }
        }
        return sendJson(res, 200, json({ expired: expired.length }));
      }
      case '/_sandbox/fail':
        if (!Number.isInteger(body.status) || body.status < 400 || body.status > 599) return bad('status must be an HTTP status 400–599');
        state.fail = { status: body.status, count: n(body.count, 1), api: typeof body.api === 'string' && body.api ? body.api : null };
        return sendJson(res, 200, json({ fail: state.fail }));
      case '/_sandbox/quota':
        if (body.calls !== null && !Number.isInteger(body.calls)) return bad('calls must be a whole number, or null for no limit');
        state.quota = body.calls === null ? null : Math.max(0, body.calls);
        return sendJson(res, 200, json({ quota: state.quota }));
      case '/_sandbox/push-duplicates':
        state.duplicates = n(body.count, 1);
        return sendJson(res, 200, json({ duplicates: state.duplicates }));
      case '/_sandbox/drop-push':
        state.drops = n(body.count, 1);
        return sendJson(res, 200, json({ drops: state.drops }));
      case '/_sandbox/advance': {
        if (!(typeof body.seconds === 'number' && Number.isFinite(body.seconds) && body.seconds >= 0)) return bad('seconds must be a number ≥ 0');
        state.clockOffsetMs += Math.round(body.seconds * 1000);
        const before = state.pushes.length;
        sweep();
        return sendJson(res, 200, json({ now: chinaTime(now()), closed: state.pushes.slice(before).map((p) => p.bizKey) }));
      }
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
    const ours = path.startsWith('/openapi/') || path === '/cashier' || path === '/cashier/pay' || path === '/oauth/authorize' || path.startsWith('/_sandbox/');
    if (!ours) return false;
    try {
      if (path.startsWith('/openapi/')) await gateway(req, res, url);
      else if (path === '/oauth/authorize' && req.method === 'GET') {
        const out = authorizePage(url);
        send(res, out.status, 'text/html; charset=utf-8', out.html);
      } else if (path === '/oauth/authorize' && req.method === 'POST') await authorizePost(req, res);
      else if (path === '/cashier' && req.method === 'GET') {
        const session = state.sessions.get(url.searchParams.get('token') || '');
        if (session) send(res, 200, 'text/html; charset=utf-8', cashierPage(session));
        else send(res, 404, 'text/html; charset=utf-8', notFoundPage());
      } else if (path === '/cashier/pay' && req.method === 'POST') await cashierPay(req, res, url);
      else if (path.startsWith('/_sandbox/')) await control(req, res, url);
      else send(res, 405, 'text/plain; charset=utf-8', `${req.method} is not allowed on ${path}`, { allow: path === '/cashier' ? 'GET' : path === '/oauth/authorize' ? 'GET, POST' : 'POST' });
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
    /** The next `count` gateway calls answer 400 gw.QosAppFrequencyLimit. */
    rateLimit(count = 1) {
      state.rateLimit = count;
    },
    /** The next `count` gateway calls wait `ms` before answering. */
    delay(ms, count = 1) {
      state.delay = { ms, count };
    },
    pay,
    reset,
    /** Moves the sandbox clock on; unpaid orders past their payTimeout close (and push). */
    advance(seconds) {
      state.clockOffsetMs += Math.round(seconds * 1000);
      sweep();
    },
    /** The sandbox clock (ms). */
    now,
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
