// The gateway front door, in the order 1688 checks: outage (control route), app key, rate limit and
// quota, signature, API, access token (401), permission; then the API answers.
import { aopSignature, sameText } from './wire.mjs';
import { send, sendJson, readBody, gatewayError } from './http.mjs';

const CALL_LOG = 5000;
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

/** @param sb the sandbox's shared context (index.mjs); other modules' functions are reached through it. */
export function createGateway(sb) {
  const { cfg, state, now, log } = sb;

  function record(line) {
    state.calls.push(line);
    if (state.calls.length > CALL_LOG) state.calls.shift();
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

  const STATUS_TEXT = {
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
    504: 'Gateway Timeout',
    429: 'Too Many Requests',
  };

  async function gateway(req, res, url) {
    sb.sweep();
    state.callCount += 1;
    const entry = { t: Date.now(), api: null, method: req.method, path: url.pathname };
    const done = (outcome) => {
      record({ ...entry, ...outcome });
      log(`${req.method} ${url.pathname} → ${outcome.status}${outcome.code ? ` ${outcome.code}` : ''}`);
    };
    const oauthMatch = /^\/openapi\/(?:http|param2)\/1\/system\.oauth2\/(getToken|postponeToken)\/([^/]+)$/.exec(
      url.pathname,
    );
    const m = /^\/openapi\/((?:param2|json2)\/([0-9]+)\/([^/]+)\/([^/]+)\/([^/]+))$/.exec(url.pathname);
    if (m) entry.api = m[4];
    else if (oauthMatch) entry.api = `system.oauth2.${oauthMatch[1]}`;
    // An outage or a proxy in front of the gateway: not a 1688 answer at all.
    if (state.fail.count > 0 && (!state.fail.api || state.fail.api === entry.api)) {
      state.fail.count -= 1;
      const status = state.fail.status;
      const text = STATUS_TEXT[status] || 'Error';
      send(
        res,
        status,
        'text/html',
        `<html><head><title>${status} ${text}</title></head><body><center><h1>${status} ${text}</h1></center><hr><center>Tengine</center></body></html>\n`,
      );
      return done({ status });
    }
    const text = req.method === 'POST' ? await readBody(req) : url.search.slice(1);
    const pairs = [...new URLSearchParams(text)];
    if (oauthMatch) {
      const out = sb.oauthToken(oauthMatch[1], oauthMatch[2], new Map(pairs));
      sendJson(res, out.status, out.body);
      return done({ status: out.status, code: out.code, appKey: oauthMatch[2] });
    }
    if (!m)
      return done(
        gatewayError(
          res,
          400,
          'gw.APIUnsupported',
          `The API is not supported: ${url.pathname}; expected /openapi/param2/1/{namespace}/{apiName}/{appKey}`,
        ),
      );
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
      if (params.has(k))
        return done(
          gatewayError(res, 400, 'gw.SignatureInvalid', `Request signature is invalid: parameter ${k} is repeated`),
        );
      params.set(k, v);
    }
    const received = params.get('_aop_signature');
    if (!received || !sameText(received, aopSignature(app.appSecret, urlPath, pairs))) {
      return done(gatewayError(res, 400, 'gw.SignatureInvalid', 'Request signature is invalid'));
    }
    const api = APIS[apiName];
    if (!api || api.ns !== namespace || version !== '1') {
      return done(
        gatewayError(res, 400, 'gw.APIUnsupported', `The API is not supported: ${namespace}:${apiName}-${version}`),
      );
    }
    if (api.token !== false && !liveToken(params.get('access_token'), appKey)) return done(unauthorized(res));
    if (Array.isArray(app.apis) && !app.apis.includes(apiName))
      return done(gatewayError(res, 400, 'gw.APIACLDecline', 'AppKey is not allowed(acl)'));

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
    const answer = sb.business(apiName, params, { app, req });
    if (answer.error) return done(answer.error(res));
    sendJson(res, answer.status || 200, answer.body);
    return done({ status: answer.status || 200, code: answer.code, orderIds: answer.orderIds });
  }

  return { gateway, liveToken };
}
