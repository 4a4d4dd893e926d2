// KjbClient: cashier URLs end to end over `fetch` — split, sign, call, parse, retry.
//
// A thin layer: signing and answer parsing are the core's (`Signer`, `parseResponse`); this file
// only moves text over the network and decides what to do with each outcome. The app secret
// goes straight into a wasm `Signer` and is never kept in a JS property.
//
// Like api.mjs, written as import-free ESM with top-level `export function` declarations only, so
// `make pkg` derives `client.cjs` for `require()` (scripts/esm-to-cjs.mjs).

/**
 * Builds the `KjbClient` class over the public API.
 * @param api the object `makeApi` returns, plus `KjbError`
 */
export function makeClient(api) {
  const { Signer, parseResponse, KjbError, orderIds: orderIds_ } = api;

  const DEFAULT_API = 'alibaba.crossBorderPay.url.get';
  const URL_APIS = new Set([DEFAULT_API, 'alibaba.alipay.url.get', 'alibaba.creditPay.url.get']);
  const DEFAULT_BASE_URL = 'https://gw.open.1688.com';
  const MAX_BACKOFF_MS = 10000;
  const NODE_INSPECT = Symbol.for('nodejs.util.inspect.custom');

  /** An optional integer option in [min, max]. */
  function intOption(value, name, min, max, fallback) {
    if (value === undefined) return fallback;
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new KjbError('INVALID_INPUT', `${name} must be a whole number from ${min} to ${max}; got ${typeof value === 'number' ? value : typeof value}`, { path: name });
    }
    return value;
  }

  /** The ids in input order, canonical and without repeats (the core's `orderIds`). */
  function orderIdsOf(orderIds) {
    if (orderIds === null || typeof orderIds !== 'object' || typeof orderIds[Symbol.iterator] !== 'function') {
      throw new KjbError('INVALID_INPUT', `cashierUrls() takes an array of order ids; got ${orderIds === null ? 'null' : typeof orderIds}`, { path: 'orderIds' });
    }
    return orderIds_(Array.isArray(orderIds) ? orderIds : [...orderIds]);
  }

  function baseUrlOf(value) {
    if (value === undefined) return DEFAULT_BASE_URL;
    let url = null;
    try {
      url = typeof value === 'string' ? new URL(value) : null;
    } catch {
      url = null;
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
      throw new KjbError('INVALID_INPUT', 'baseUrl must be an http(s) URL such as "https://gw.open.1688.com"', { path: 'baseUrl' });
    }
    return value.replace(/\/+$/, '');
  }

  function sleep(ms, signal) {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal.reason);
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Aborts `controller` when `outer` (optional) aborts; returns the function that unlinks them. */
  function link(outer, controller) {
    if (!outer) return () => {};
    if (outer.aborted) {
      controller.abort(outer.reason);
      return () => {};
    }
    const onAbort = () => controller.abort(outer.reason);
    outer.addEventListener('abort', onAbort, { once: true });
    return () => outer.removeEventListener('abort', onAbort);
  }

  /** Runs `tasks(signal)` with at most `limit` at a time; results keep the tasks' order; fails fast. */
  async function runAll(tasks, limit, outer) {
    const controller = new AbortController();
    const unlink = link(outer, controller);
    const results = new Array(tasks.length);
    let next = 0;
    let failure = null;
    const worker = async () => {
      while (failure === null && next < tasks.length) {
        const i = next;
        next += 1;
        try {
          results[i] = await tasks[i](controller.signal);
        } catch (e) {
          if (failure === null) {
            failure = { error: outer && outer.aborted ? outer.reason : e };
            controller.abort(failure.error);
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
    unlink();
    if (failure !== null) throw failure.error;
    return results;
  }

  function refusalReason(api) {
    const list = api === 'alibaba.alipay.url.get' ? 'payFailureOrderList' : 'cantPayOrderList';
    return `1688 refused to put this order on the cashier (${list} of ${api}: quota, risk control or order state)`;
  }

  /**
   * Obtains 1688 cashier URLs for orders: splits them into gateway calls, signs each with an
   * internal `Signer`, calls, parses, and retries rate-limited calls with bounded back-off.
   */
  class KjbClient {
    #signer = null;
    #sign;
    #appKey;
    #accessToken;
    #baseUrl;
    #fetch;
    #timeoutMs;
    #retries;
    #retryDelayMs;
    #concurrency;

    constructor(options) {
      if (options === null || typeof options !== 'object') {
        throw new KjbError('INVALID_INPUT', `new KjbClient() takes an options object {appKey, appSecret, accessToken}; got ${options === null ? 'null' : typeof options}`);
      }
      const { appKey, appSecret, accessToken, sign } = options;
      if (options.fetch !== undefined && typeof options.fetch !== 'function') {
        throw new KjbError('INVALID_INPUT', 'fetch must be a function like globalThis.fetch', { path: 'fetch' });
      }
      this.#baseUrl = baseUrlOf(options.baseUrl);
      this.#timeoutMs = intOption(options.timeoutMs, 'timeoutMs', 1, 600000, 30000);
      this.#retries = intOption(options.retries, 'retries', 0, 10, 3);
      this.#retryDelayMs = intOption(options.retryDelayMs, 'retryDelayMs', 0, 60000, 500);
      this.#concurrency = intOption(options.concurrency, 'concurrency', 1, 10, 2);
      this.#fetch = options.fetch;
      if (accessToken !== undefined || sign === undefined) {
        if (typeof accessToken !== 'string' || accessToken === '') {
          throw new KjbError('INVALID_CREDENTIALS', 'accessToken must be the non-empty access token 1688 issued for the buyer (OAuth)', { path: 'accessToken' });
        }
        this.#accessToken = accessToken;
      }
      if (sign !== undefined) {
        // Backend-signed flow: `sign(request)` returns (a promise of) a signed request.
        if (typeof sign !== 'function') throw new KjbError('INVALID_INPUT', 'sign must be a function (request) => signed request', { path: 'sign' });
        if (appSecret !== undefined) throw new KjbError('INVALID_INPUT', 'pass either appSecret (sign here) or sign (sign elsewhere), not both', { path: 'appSecret' });
        this.#appKey = typeof appKey === 'string' ? appKey : null;
        this.#sign = sign;
      } else {
        const signer = new Signer({ appKey, appSecret });
        // A dry run checks baseUrl and accessToken by the core's rules now rather than at the first call.
        try {
          signer.sign({ api: DEFAULT_API, params: { orderIdList: ['1'] }, accessToken, baseUrl: this.#baseUrl });
        } catch (e) {
          signer.free();
          throw e;
        }
        this.#signer = signer;
        this.#appKey = signer.appKey;
        this.#sign = (request) => signer.sign(request);
      }
    }

    /** The app key (public: part of every request URL); null in the backend-signed flow without one. */
    get appKey() {
      return this.#appKey;
    }

    /** The gateway origin requests go to. */
    get baseUrl() {
      return this.#baseUrl;
    }

    /**
     * Cashier URLs for `orderIds` (strings, BigInt or safe numbers; repeats are dropped):
     * `{links:[{orderIds, payUrl}], refused:[{orderId, reason, code}]}`, links in batch order.
     * Every id ends up exactly once in a link or in `refused`. A call answered `400_4` (no order
     * payable) refuses its ids instead of failing the run; any other failure throws.
     */
    async cashierUrls(orderIds, options) {
      const opts = options === undefined ? {} : options;
      if (opts === null || typeof opts !== 'object') {
        throw new KjbError('INVALID_INPUT', 'cashierUrls() options must be an object {maxPerCall?, api?, signal?}', { path: 'options' });
      }
      const apiName = opts.api === undefined ? DEFAULT_API : opts.api;
      if (!URL_APIS.has(apiName)) {
        throw new KjbError('INVALID_INPUT', `api must be one of ${[...URL_APIS].join(', ')}; got ${String(apiName)}`, { path: 'api' });
      }
      const maxPerCall = intOption(opts.maxPerCall, 'maxPerCall', 1, 30, 10);
      const ids = orderIdsOf(orderIds);
      const batches = [];
      for (let i = 0; i < ids.length; i += maxPerCall) batches.push(ids.slice(i, i + maxPerCall));
      const tasks = batches.map((batch) => (signal) => this.#cashierBatch(apiName, batch, signal));
      const results = await runAll(tasks, this.#concurrency, opts.signal);
      const out = { links: [], refused: [] };
      for (const r of results) {
        if (r.link) out.links.push(r.link);
        out.refused.push(...r.refused);
      }
      return out;
    }

    /**
     * One signed gateway call with this client's credentials, timeout and rate-limit retries:
     * `parseResponse`'s answer for `api`.
     */
    async call(apiName, params, options) {
      const [answer] = await runAll([(signal) => this.#call(apiName, params === undefined ? {} : params, signal)], 1, options && options.signal);
      return answer;
    }

    async #cashierBatch(apiName, ids, signal) {
      let answer;
      try {
        answer = await this.#call(apiName, { orderIdList: ids }, signal);
      } catch (e) {
        if (e instanceof KjbError && e.code === 'BUSINESS_ERROR' && e.gatewayCode === '400_4') {
          return { link: null, refused: ids.map((orderId) => ({ orderId, reason: e.message, code: '400_4' })) };
        }
        throw e;
      }
      const refusedIds = new Set(Array.isArray(answer.refused) ? answer.refused.map(String) : []);
      const payable = ids.filter((id) => !refusedIds.has(id));
      const payUrl = typeof answer.payUrl === 'string' && answer.payUrl !== '' ? answer.payUrl : null;
      const refused = [];
      for (const orderId of ids) {
        if (refusedIds.has(orderId)) refused.push({ orderId, reason: refusalReason(apiName), code: 'REFUSED' });
        else if (!payUrl) refused.push({ orderId, reason: `1688 answered ${apiName} without a cashier URL`, code: 'NO_PAY_URL' });
      }
      return { link: payUrl && payable.length > 0 ? { orderIds: payable, payUrl } : null, refused };
    }

    async #call(apiName, params, signal) {
      for (let attempt = 0; ; attempt += 1) {
        try {
          return await this.#once(apiName, params, signal);
        } catch (e) {
          if (!(e instanceof KjbError) || e.retryable !== true || attempt >= this.#retries || signal.aborted) throw e;
          // Exponential back-off with "equal jitter": half fixed, half random.
          const ceiling = Math.min(MAX_BACKOFF_MS, this.#retryDelayMs * 2 ** attempt);
          await sleep(ceiling / 2 + Math.random() * (ceiling / 2), signal);
        }
      }
    }

    async #once(apiName, params, signal) {
      if (signal.aborted) throw signal.reason;
      const request = { api: apiName, params, baseUrl: this.#baseUrl, timestamp: Date.now() };
      if (this.#accessToken !== undefined) request.accessToken = this.#accessToken;
      const signed = await this.#sign(request);
      if (signal.aborted) throw signal.reason;
      if (signed === null || typeof signed !== 'object' || typeof signed.url !== 'string' || typeof signed.body !== 'string') {
        throw new KjbError('INVALID_INPUT', 'sign() must return the signed request {method, url, headers, body} (what Signer.sign returns)', { path: 'sign' });
      }
      const fetchImpl = this.#fetch || globalThis.fetch;
      if (typeof fetchImpl !== 'function') {
        throw new KjbError('INVALID_INPUT', 'there is no global fetch here: pass options.fetch to new KjbClient()', { path: 'fetch' });
      }
      const controller = new AbortController();
      const unlink = link(signal, controller);
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, this.#timeoutMs);
      let status;
      let body;
      try {
        const res = await fetchImpl(signed.url, { method: signed.method || 'POST', headers: signed.headers, body: signed.body, signal: controller.signal });
        status = res.status;
        body = await res.text();
      } catch (e) {
        if (signal.aborted) throw signal.reason;
        const where = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(signed.url)?.[0] ?? signed.url;
        const err = timedOut
          ? new KjbError('GATEWAY_ERROR', `${apiName}: the gateway at ${where} did not answer within ${this.#timeoutMs} ms; try again later or with fewer orders per call (maxPerCall)`, { gatewayCode: 'TIMEOUT', retryable: false })
          : new KjbError('GATEWAY_ERROR', `${apiName}: could not reach the gateway at ${where}: ${e && e.message ? e.message : e}${e && e.cause ? ` (${e.cause.code || e.cause.message})` : ''}`, { gatewayCode: 'NETWORK', retryable: false });
        err.cause = e;
        throw err;
      } finally {
        clearTimeout(timer);
        unlink();
      }
      return parseResponse({ api: apiName, status, body });
    }

    /** Wipes the secret from wasm memory now; the client cannot sign afterwards. */
    free() {
      if (this.#signer) this.#signer.free();
      this.#signer = null;
      this.#sign = () => {
        throw new KjbError('INVALID_INPUT', 'this KjbClient was freed: create a new one');
      };
    }

    toJSON() {
      return { appKey: this.#appKey, baseUrl: this.#baseUrl };
    }

    toString() {
      return `KjbClient { appKey: ${this.#appKey}, baseUrl: ${this.#baseUrl} }`;
    }

    [NODE_INSPECT]() {
      return this.toString();
    }
  }
  if (typeof Symbol.dispose === 'symbol') {
    KjbClient.prototype[Symbol.dispose] = KjbClient.prototype.free;
  }

  return KjbClient;
}
