// KjbClient: the 1688 gateway over `fetch`, as the live gateway behaves — paced calls, rate
// limits retried with back-off, tokens refreshed once when they expire, and batch runs that
// keep every link they obtained when some calls fail.
//
// A thin layer: signing, token requests and answer parsing are the core's (`Signer`,
// `parseResponse`, `parseToken`); this file only moves text over the network and decides what
// to do with each outcome. The app secret goes straight into a wasm `Signer` and is never kept
// in a JS property; the token request body, which carries it by 1688's design, is built inside
// that signer and handed straight to `fetch`.
//
// Like api.mjs, written as import-free ESM with top-level `export function` declarations only, so
// `make pkg` derives `client.cjs` for `require()` (scripts/esm-to-cjs.mjs).

/**
 * Builds the `KjbClient` class over the public API.
 * @param api the object `makeApi` returns (with its non-enumerable `internal`), plus `KjbError`
 */
export function makeClient(api) {
  const { Signer, parseResponse, KjbError, orderIds: orderIds_, internal } = api;

  const DEFAULT_API = 'alibaba.crossBorderPay.url.get';
  const URL_APIS = new Set([DEFAULT_API, 'alibaba.alipay.url.get', 'alibaba.creditPay.url.get']);
  const DEFAULT_BASE_URL = 'https://gw.open.1688.com';
  /** Calls a second per client by default: well under what trips 1688's per-app limit. */
  const DEFAULT_QPS = 5;
  const MAX_BACKOFF_MS = 30000;
  /** A token this close to `expiresAt` is refreshed before it is used. */
  const EXPIRY_MARGIN_MS = 60000;
  const FORM = 'application/x-www-form-urlencoded; charset=UTF-8';
  const NODE_INSPECT = Symbol.for('nodejs.util.inspect.custom');
  const PUSH_NAMESPACE = 'cn.alibaba.open';
  /** Gateway codes about the app rather than the orders: every further call would fail alike. */
  const STOP_CODES = new Set([
    'gw.SignatureInvalid',
    'gw.AppKeyNotFound',
    'gw.APIACLDecline',
    'gw.NoUsageLeftError',
    'gw.APIUnsupported',
    'gw.ParamMissing',
  ]);
  /** OAuth refusals about the app's credentials, not the refresh token. */
  const APP_GRANT_ERRORS = new Set(['invalid_client', 'unauthorized_client']);
  const PAID = new Set([
    'waitsellersend',
    'waitlogisticstakein',
    'waitbuyerreceive',
    'waitbuyersign',
    'signinsuccess',
    'confirm_goods',
    'success',
  ]);
  const CLOSED = new Set(['cancel', 'terminated']);

  /** An optional integer option in [min, max]. */
  function intOption(value, name, min, max, fallback) {
    if (value === undefined) return fallback;
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new KjbError(
        'INVALID_INPUT',
        `${name} must be a whole number from ${min} to ${max}; got ${typeof value === 'number' ? value : typeof value}`,
        { path: name },
      );
    }
    return value;
  }

  function qpsOption(value) {
    if (value === undefined) return DEFAULT_QPS;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 1000) {
      throw new KjbError(
        'INVALID_INPUT',
        `qps must be the most calls a second this client makes, a number above 0 and at most 1000 (default ${DEFAULT_QPS}); got ${typeof value === 'number' ? value : typeof value}`,
        { path: 'qps' },
      );
    }
    return value;
  }

  /** The ids in input order, canonical and without repeats (the core's `orderIds`). */
  function orderIdsOf(orderIds, fn) {
    if (orderIds === null || typeof orderIds !== 'object' || typeof orderIds[Symbol.iterator] !== 'function') {
      throw new KjbError(
        'INVALID_INPUT',
        `${fn}() takes an array of order ids; got ${orderIds === null ? 'null' : typeof orderIds}`,
        { path: 'orderIds' },
      );
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
      throw new KjbError('INVALID_INPUT', 'baseUrl must be an http(s) URL such as "https://gw.open.1688.com"', {
        path: 'baseUrl',
      });
    }
    return value.replace(/\/+$/, '');
  }

  /** `expiresAt` as ms since the epoch: an ISO-8601 string, a Date or ms; null when absent. */
  function timeOf(value, path) {
    if (value === undefined || value === null) return null;
    const ms = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : value;
    if (typeof ms !== 'number' || !Number.isFinite(ms) || Math.abs(ms) > 8.64e15) {
      throw new KjbError(
        'INVALID_INPUT',
        `${path} must be an ISO-8601 time such as "2026-01-01T10:00:00.000Z" (what parseToken returns), a Date or ms since the epoch`,
        { path },
      );
    }
    return ms;
  }

  /** The caller's `token` option (or the older `accessToken`) as the client keeps it. */
  function tokenOf(token, accessToken) {
    if (token === undefined) {
      if (accessToken === undefined) return null;
      return tokenOf({ accessToken });
    }
    if (token === null || typeof token !== 'object') {
      throw new KjbError(
        'INVALID_CREDENTIALS',
        'token must be {accessToken, refreshToken?, expiresAt?} (what parseToken, exchangeCode and onToken give)',
        { path: 'token' },
      );
    }
    if (typeof token.accessToken !== 'string' || token.accessToken === '') {
      throw new KjbError(
        'INVALID_CREDENTIALS',
        `${accessToken !== undefined && token.accessToken === accessToken ? 'accessToken' : 'token.accessToken'} must be the non-empty access token 1688 issued for the buyer (OAuth)`,
        { path: accessToken !== undefined ? 'accessToken' : 'token.accessToken' },
      );
    }
    const refresh = token.refreshToken;
    if (refresh !== undefined && refresh !== null && (typeof refresh !== 'string' || refresh === '')) {
      throw new KjbError(
        'INVALID_CREDENTIALS',
        'token.refreshToken must be the refresh token string 1688 issued, or null',
        { path: 'token.refreshToken' },
      );
    }
    return {
      accessToken: token.accessToken,
      refreshToken: refresh || null,
      expiresAt: timeOf(token.expiresAt, 'token.expiresAt'),
      refreshTokenExpiresAt: token.refreshTokenExpiresAt === undefined ? null : token.refreshTokenExpiresAt,
      memberId: token.memberId === undefined ? null : token.memberId,
      aliId: token.aliId === undefined ? null : token.aliId,
      resourceOwner: token.resourceOwner === undefined ? null : token.resourceOwner,
    };
  }

  /** The token as callers see it (parseToken's shape). */
  function publicToken(t) {
    return {
      accessToken: t.accessToken,
      refreshToken: t.refreshToken,
      expiresAt: t.expiresAt === null ? null : new Date(t.expiresAt).toISOString(),
      refreshTokenExpiresAt: t.refreshTokenExpiresAt,
      memberId: t.memberId,
      aliId: t.aliId,
      resourceOwner: t.resourceOwner,
    };
  }

  function abortError(signal) {
    const reason = signal.reason;
    if (reason instanceof KjbError) return reason;
    const err = new KjbError(
      'ABORTED',
      `the operation was aborted${reason && reason.message ? ` (${reason.message})` : ''}: nothing more was sent to the gateway`,
    );
    err.cause = reason;
    return err;
  }

  function sleep(ms, signal) {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(abortError(signal));
      const onAbort = () => {
        clearTimeout(timer);
        reject(abortError(signal));
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** `promise`, or an ABORTED rejection as soon as `signal` aborts. */
  function abortable(promise, signal) {
    if (signal.aborted) return Promise.reject(abortError(signal));
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(abortError(signal));
      signal.addEventListener('abort', onAbort, { once: true });
      promise.then(
        (v) => {
          signal.removeEventListener('abort', onAbort);
          resolve(v);
        },
        (e) => {
          signal.removeEventListener('abort', onAbort);
          reject(e);
        },
      );
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

  function signalOption(opts) {
    const s = opts.signal;
    if (
      s !== undefined &&
      (s === null ||
        typeof s !== 'object' ||
        typeof s.aborted !== 'boolean' ||
        typeof s.addEventListener !== 'function')
    ) {
      throw new KjbError('INVALID_INPUT', 'signal must be an AbortSignal', { path: 'signal' });
    }
    return s;
  }

  function optionsOf(options, fn, names) {
    const opts = options === undefined ? {} : options;
    if (opts === null || typeof opts !== 'object') {
      throw new KjbError('INVALID_INPUT', `${fn}() options must be an object {${names}}`, { path: 'options' });
    }
    return opts;
  }

  /** An error about the app, the token or kjb itself rather than the orders: it stops a run. */
  function stopsRun(e) {
    if (!(e instanceof KjbError)) return true;
    if (e.code === 'BUSINESS_ERROR') return false;
    if (e.code === 'GATEWAY_ERROR') return STOP_CODES.has(e.gatewayCode);
    return true;
  }

  /** What a failed call's entry in `failed` says. */
  function failure(e) {
    return {
      code: e.code,
      gatewayCode: e.gatewayCode ?? null,
      message: e.message,
      retryable: e.retryable === true,
      httpStatus: e.httpStatus ?? null,
    };
  }

  /** A business error's refusal code: 1688's documented free-text errors mapped to names. */
  function refusalCode(e) {
    const text = `${e.gatewayCode ?? ''} ${e.gatewayMessage ?? ''}`;
    if (/MANUAL-TRADE/i.test(text)) return 'MANUAL_ORDER';
    if (text.includes('PRODUCT_TRADE_STAT_ERROR')) return 'PRODUCT_TRADE_STAT_ERROR';
    if (e.gatewayCode === '400_4') return '400_4';
    return 'BUSINESS_ERROR';
  }

  function refusalReason(api) {
    const list = api === 'alibaba.alipay.url.get' ? 'payFailureOrderList' : 'cantPayOrderList';
    return `1688 refused to put this order on the cashier (${list} of ${api}: quota, risk control or order state)`;
  }

  /** A text field of a decoded answer, ids and numbers as strings. */
  function textOf(v) {
    if (v === undefined || v === null || v === '') return null;
    return typeof v === 'object' ? null : String(v);
  }

  function objectOf(v) {
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : null;
  }

  /** `trade.get.buyerView`'s answer (as parseResponse gives it) → the order's payment status. */
  function statusOf(orderId, answer) {
    const root = objectOf(answer) || {};
    let order =
      objectOf(root.result) ||
      (Array.isArray(root.result) ? objectOf(root.result[0]) : null) ||
      objectOf(root.order) ||
      root;
    if (objectOf(order.order)) order = order.order;
    const base = objectOf(order.baseInfo) || order;
    const status = textOf(base.status);
    const terms = Array.isArray(order.tradeTerms) ? order.tradeTerms : [];
    const payTime = textOf(base.payTime ?? order.payTime);
    const channelList = order.payChannelList ?? base.payChannelList ?? order.payChannels ?? [];
    const payChannels = (Array.isArray(channelList) ? channelList : [])
      .map((c) => (objectOf(c) ? (textOf(c.name) ?? textOf(c.code)) : textOf(c)))
      .filter((c) => c !== null);
    const paid =
      typeof order.paid === 'boolean'
        ? order.paid
        : PAID.has(status) || terms.some((t) => objectOf(t) && String(t.payStatus) === '2');
    return { orderId, status, paid, payTime, payChannels, closed: CLOSED.has(status) };
  }

  /** A pulled message in verifyPush's shape: ids as strings, `data` an object. */
  function messageOf(m) {
    const o = objectOf(m) || {};
    let data = o.data;
    if (typeof data === 'string') {
      // The pull API sends an object; a text one is read only when it has no long numbers.
      try {
        data = /\d{16,}/.test(data) ? data : JSON.parse(data);
      } catch {
        /* left as text */
      }
    }
    if (objectOf(data)) {
      data = { ...data };
      if (data.orderId !== undefined && data.orderId !== null) data.orderId = String(data.orderId);
      if (Array.isArray(data.batchPay))
        data.batchPay = data.batchPay.map((b) =>
          objectOf(b) && b.orderId != null ? { ...b, orderId: String(b.orderId) } : b,
        );
    }
    const gmtBorn = o.gmtBorn === undefined || o.gmtBorn === null ? null : Number(o.gmtBorn);
    const out = {
      msgId: textOf(o.msgId),
      type: textOf(o.type),
      bizKey: textOf(o.bizKey) ?? (objectOf(data) ? textOf(data.orderId) : null),
      gmtBorn: Number.isFinite(gmtBorn) ? gmtBorn : null,
      userInfo: textOf(o.userInfo),
      data: data === undefined ? null : data,
    };
    out.extraInfo = o.extraInfo === undefined ? null : o.extraInfo;
    for (const k of ['topicGroup', 'topicName']) if (o[k] !== undefined) out[k] = o[k];
    return out;
  }

  /** Message ids as digit strings (strings, BigInt or safe numbers). */
  function msgIdsOf(msgIds) {
    if (!Array.isArray(msgIds) || msgIds.length === 0 || msgIds.length > 200) {
      throw new KjbError(
        'INVALID_INPUT',
        'confirmMessages() takes an array of 1–200 message ids (msgId of pullMessages or verifyPush)',
        { path: 'msgIds' },
      );
    }
    return msgIds.map((id, i) => {
      const s =
        typeof id === 'bigint'
          ? id.toString()
          : typeof id === 'number' && Number.isSafeInteger(id) && id >= 0
            ? String(id)
            : id;
      if (typeof s !== 'string' || !/^[0-9]{1,20}$/.test(s)) {
        throw new KjbError(
          'INVALID_INPUT',
          `msgIds[${i}] must be a message id: a string of digits, a BigInt or a safe whole number`,
          { path: `msgIds[${i}]` },
        );
      }
      return s;
    });
  }

  /**
   * The 1688 gateway for one app (and one buyer's token): cashier links, order status, push
   * messages and the OAuth token lifecycle. Calls are paced (`qps`), rate limits retried with
   * back-off and jitter, an expired token refreshed once and the call repeated.
   */
  class KjbClient {
    #signer = null;
    #sign;
    #appKey;
    #token;
    #onToken;
    #refreshing = null;
    #deadRefreshToken = null;
    #baseUrl;
    #fetch;
    #timeoutMs;
    #retries;
    #retryDelayMs;
    #concurrency;
    #gapMs;
    #lastStart = -Infinity;
    #paceChain = Promise.resolve();

    constructor(options) {
      if (options === null || typeof options !== 'object') {
        throw new KjbError(
          'INVALID_INPUT',
          `new KjbClient() takes an options object {appKey, appSecret, token}; got ${options === null ? 'null' : typeof options}`,
        );
      }
      const { appKey, appSecret, accessToken, token, sign, onToken } = options;
      if (options.fetch !== undefined && typeof options.fetch !== 'function') {
        throw new KjbError('INVALID_INPUT', 'fetch must be a function like globalThis.fetch', { path: 'fetch' });
      }
      if (onToken !== undefined && typeof onToken !== 'function') {
        throw new KjbError(
          'INVALID_INPUT',
          'onToken must be a function (token) => void | Promise: it is called (and awaited) with every new token so you can store it',
          { path: 'onToken' },
        );
      }
      if (token !== undefined && accessToken !== undefined) {
        throw new KjbError(
          'INVALID_INPUT',
          'pass either token {accessToken, refreshToken?, expiresAt?} or accessToken, not both',
          { path: 'accessToken' },
        );
      }
      this.#baseUrl = baseUrlOf(options.baseUrl);
      this.#timeoutMs = intOption(options.timeoutMs, 'timeoutMs', 1, 600000, 30000);
      this.#retries = intOption(options.retries, 'retries', 0, 10, 3);
      this.#retryDelayMs = intOption(options.retryDelayMs, 'retryDelayMs', 0, 120000, 1000);
      this.#concurrency = intOption(options.concurrency, 'concurrency', 1, 32, 4);
      this.#gapMs = 1000 / qpsOption(options.qps);
      this.#fetch = options.fetch;
      this.#onToken = onToken;
      this.#token = tokenOf(token, accessToken);
      if (sign !== undefined) {
        // Backend-signed flow: `sign(request)` returns (a promise of) a signed request.
        if (typeof sign !== 'function')
          throw new KjbError('INVALID_INPUT', 'sign must be a function (request) => signed request', { path: 'sign' });
        if (appSecret !== undefined)
          throw new KjbError('INVALID_INPUT', 'pass either appSecret (sign here) or sign (sign elsewhere), not both', {
            path: 'appSecret',
          });
        this.#appKey = typeof appKey === 'string' ? appKey : null;
        this.#sign = sign;
      } else {
        const signer = new Signer({ appKey, appSecret });
        // A dry run checks baseUrl and the token by the core's rules now rather than at the first call.
        try {
          signer.sign({
            api: DEFAULT_API,
            params: { orderIdList: ['1'] },
            accessToken: this.#token ? this.#token.accessToken : 'x',
            baseUrl: this.#baseUrl,
          });
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

    /** Calls a second this client makes at most. */
    get qps() {
      return 1000 / this.#gapMs;
    }

    // ---- the token lifecycle --------------------------------------------------------------

    /** Trades the code of the OAuth redirect for the buyer's token; `onToken` gets it too. */
    async exchangeCode(input) {
      const o = optionsOf(input, 'exchangeCode', 'code, redirectUri');
      const answer = await this.#tokenCall(
        { grant: 'authorization_code', code: o.code, redirectUri: o.redirectUri },
        signalOption(o),
      );
      return this.#adopt(answer);
    }

    /** A new access token from the refresh token; concurrent callers share one refresh. */
    async refreshToken(options) {
      const o = optionsOf(options, 'refreshToken', 'signal?');
      const signal = signalOption(o);
      if (this.#refreshing)
        return publicToken(await abortable(this.#refreshing, signal || new AbortController().signal));
      const t = this.#token;
      if (!t || !t.refreshToken) {
        throw new KjbError(
          'TOKEN_EXPIRED',
          'there is no refresh token to refresh with: pass token.refreshToken to new KjbClient(), or have the buyer authorise the app again (exchangeCode)',
          { gatewayCode: null, retryable: false },
        );
      }
      return publicToken(await this.#startRefresh(signal));
    }

    /** Extends the refresh token's life (system.oauth2/postponeToken); the current token after it. */
    async postponeToken(options) {
      const o = optionsOf(options, 'postponeToken', 'signal?');
      const t = this.#token;
      if (!t || !t.refreshToken) {
        throw new KjbError(
          'INVALID_INPUT',
          'postponeToken() needs the refresh token: pass token.refreshToken to new KjbClient()',
          { path: 'token.refreshToken' },
        );
      }
      let answer;
      try {
        answer = await this.#tokenCall(
          { grant: 'postpone', refreshToken: t.refreshToken, accessToken: t.accessToken },
          signalOption(o),
        );
      } catch (e) {
        // An answer without a new token (only a success flag) still extended the refresh token.
        if (
          e instanceof KjbError &&
          e.code === 'INVALID_INPUT' &&
          typeof e.path === 'string' &&
          e.path.startsWith('text.')
        )
          return publicToken(this.#token);
        throw e;
      }
      return this.#adopt(answer);
    }

    /** Takes a token the gateway issued as the client's own, tells `onToken`, returns it. */
    async #adopt(answer) {
      const old = this.#token;
      const next = tokenOf({
        ...answer,
        refreshToken: answer.refreshToken ?? (old ? old.refreshToken : null),
        refreshTokenExpiresAt:
          answer.refreshToken == null && old ? old.refreshTokenExpiresAt : answer.refreshTokenExpiresAt,
        memberId: answer.memberId ?? (old ? old.memberId : null),
        aliId: answer.aliId ?? (old ? old.aliId : null),
        resourceOwner: answer.resourceOwner ?? (old ? old.resourceOwner : null),
      });
      this.#token = next;
      const shown = publicToken(next);
      if (this.#onToken) await this.#onToken({ ...shown });
      return shown;
    }

    /** One refresh for every caller that needs it now. */
    #startRefresh(signal) {
      if (!this.#refreshing) {
        const t = this.#token;
        this.#refreshing = (async () => {
          let answer;
          try {
            // Not tied to one caller's signal: others wait on the same refresh.
            answer = await this.#tokenCall({ grant: 'refresh_token', refreshToken: t.refreshToken }, undefined);
          } catch (e) {
            const refused =
              e instanceof KjbError &&
              ((e.code === 'GATEWAY_ERROR' && !STOP_CODES.has(e.gatewayCode) && !APP_GRANT_ERRORS.has(e.gatewayCode)) ||
                e.code === 'TOKEN_EXPIRED');
            if (refused && e.httpStatus !== null && e.httpStatus >= 400 && e.httpStatus < 500 && e.retryable !== true) {
              this.#deadRefreshToken = t.refreshToken;
              const err = new KjbError(
                'TOKEN_EXPIRED',
                `the access token expired and 1688 refused the refresh token (${e.gatewayCode || `HTTP ${e.httpStatus}`}): have the buyer authorise the app again (exchangeCode)`,
                { gatewayCode: e.gatewayCode, httpStatus: e.httpStatus, retryable: false },
              );
              err.cause = e;
              throw err;
            }
            throw e;
          }
          await this.#adopt(answer);
          return this.#token;
        })().finally(() => {
          this.#refreshing = null;
        });
      }
      return abortable(this.#refreshing, signal || new AbortController().signal);
    }

    /**
     * Makes sure the token is not `stale` any more: waits for a refresh under way, starts one,
     * or throws TOKEN_EXPIRED when there is nothing to refresh with.
     */
    async #renew(stale, signal, cause) {
      if (this.#token.accessToken !== stale) return;
      if (this.#refreshing) {
        await abortable(this.#refreshing, signal);
        return;
      }
      const t = this.#token;
      if (!t.refreshToken || !this.#signer || t.refreshToken === this.#deadRefreshToken) {
        const why = cause ? 'the gateway answered 401 "Request need user authorized"' : 'it is past its expiresAt';
        const how = !t.refreshToken
          ? 'there is no refresh token'
          : !this.#signer
            ? 'a client without appSecret cannot refresh'
            : '1688 refused the refresh token';
        const err = new KjbError(
          'TOKEN_EXPIRED',
          `the buyer's access token cannot be used (${why}) and ${how}: have the buyer authorise the app again (exchangeCode), or pass a new token`,
          {
            gatewayCode: '401',
            httpStatus: cause ? cause.httpStatus : null,
            retryable: false,
          },
        );
        if (cause) err.cause = cause;
        throw err;
      }
      await this.#startRefresh(signal);
    }

    /** A signed-by-secret token request to the gateway; its answer as parseToken reads it. */
    async #tokenCall(request, signal) {
      if (!this.#signer) {
        throw new KjbError(
          'INVALID_INPUT',
          'token requests carry the app secret: create the KjbClient with appSecret (server side) to exchange or refresh tokens',
          { path: 'appSecret' },
        );
      }
      const own = new AbortController();
      const unlink = link(signal, own);
      try {
        for (let attempt = 0; ; attempt += 1) {
          try {
            await this.#pace(own.signal);
            // The body holds the app secret: it goes to fetch and nowhere else.
            const signed = internal.tokenRequest(this.#signer, { ...request, baseUrl: this.#baseUrl });
            const { status, body } = await this.#fetchText(
              'system.oauth2 token request',
              signed.url,
              { method: 'POST', headers: { 'content-type': FORM }, body: signed.body },
              own.signal,
            );
            return internal.tokenAnswer(body, status);
          } catch (e) {
            if (own.signal.aborted) throw abortError(own.signal);
            if (!(e instanceof KjbError) || e.retryable !== true || attempt >= this.#retries) throw e;
            const ceiling = Math.min(MAX_BACKOFF_MS, this.#retryDelayMs * 2 ** attempt);
            await sleep(ceiling / 2 + Math.random() * (ceiling / 2), own.signal);
          }
        }
      } finally {
        unlink();
      }
    }

    // ---- calls ----------------------------------------------------------------------------

    /**
     * Waits for this client's turn: calls start one at a time, each at least 1000/qps ms (and
     * 1 ms more, for timer and arrival jitter) after the previous one actually started, so a
     * stalled event loop never lets a burst through.
     */
    #pace(signal) {
      const turn = this.#paceChain.then(async () => {
        const wait = this.#lastStart + this.#gapMs + 1 - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        this.#lastStart = Date.now();
      });
      this.#paceChain = turn;
      return signal ? abortable(turn, signal) : turn;
    }

    /**
     * One signed gateway call with this client's credentials, pacing, timeout, rate-limit
     * retries and token refresh: `parseResponse`'s answer for `api`.
     */
    async call(apiName, params, options) {
      const o = optionsOf(options, 'call', 'signal?, namespace?, version?, token?');
      const own = new AbortController();
      const unlink = link(signalOption(o), own);
      try {
        const extra = {};
        if (o.namespace !== undefined) extra.namespace = o.namespace;
        if (o.version !== undefined) extra.version = o.version;
        return await this.#call(apiName, params === undefined ? {} : params, own.signal, o.token !== false, extra);
      } finally {
        unlink();
      }
    }

    async #call(apiName, params, signal, useToken = true, extra = {}) {
      let refreshed = false;
      for (let attempt = 0; ; ) {
        let used;
        if (useToken && this.#token) {
          const t = this.#token;
          // Early only when a refresh is possible: a token that cannot be refreshed is used to its end.
          const margin = t.refreshToken && this.#signer ? EXPIRY_MARGIN_MS : 0;
          if (!refreshed && t.expiresAt !== null && Date.now() >= t.expiresAt - margin) {
            await this.#renew(t.accessToken, signal, null);
            refreshed = true;
          }
          used = this.#token.accessToken;
        }
        try {
          return await this.#once(apiName, params, signal, used, extra);
        } catch (e) {
          if (signal.aborted) throw abortError(signal);
          if (e instanceof KjbError && e.code === 'TOKEN_EXPIRED' && useToken && this.#token && !refreshed) {
            await this.#renew(used, signal, e);
            refreshed = true;
            continue;
          }
          if (!(e instanceof KjbError) || e.retryable !== true || attempt >= this.#retries) throw e;
          // Exponential back-off with "equal jitter": half fixed, half random.
          const ceiling = Math.min(MAX_BACKOFF_MS, this.#retryDelayMs * 2 ** attempt);
          await sleep(ceiling / 2 + Math.random() * (ceiling / 2), signal);
          attempt += 1;
        }
      }
    }

    async #once(apiName, params, signal, accessToken, extra) {
      if (signal.aborted) throw abortError(signal);
      await this.#pace(signal);
      const request = { api: apiName, params, baseUrl: this.#baseUrl, timestamp: Date.now(), ...extra };
      if (accessToken !== undefined) request.accessToken = accessToken;
      const signed = await this.#sign(request);
      if (signal.aborted) throw abortError(signal);
      if (
        signed === null ||
        typeof signed !== 'object' ||
        typeof signed.url !== 'string' ||
        typeof signed.body !== 'string'
      ) {
        throw new KjbError(
          'INVALID_INPUT',
          'sign() must return the signed request {method, url, headers, body} (what Signer.sign returns)',
          { path: 'sign' },
        );
      }
      const { status, body } = await this.#fetchText(
        apiName,
        signed.url,
        { method: signed.method || 'POST', headers: signed.headers, body: signed.body },
        signal,
      );
      return parseResponse({ api: apiName, status, body });
    }

    /** `fetch` with this client's timeout; network failures and timeouts as KjbErrors that never quote the body. */
    async #fetchText(label, url, init, signal) {
      const fetchImpl = this.#fetch || globalThis.fetch;
      if (typeof fetchImpl !== 'function') {
        throw new KjbError('INVALID_INPUT', 'there is no global fetch here: pass options.fetch to new KjbClient()', {
          path: 'fetch',
        });
      }
      if (signal.aborted) throw abortError(signal);
      const controller = new AbortController();
      const unlink = link(signal, controller);
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, this.#timeoutMs);
      try {
        const res = await fetchImpl(url, { ...init, signal: controller.signal });
        return { status: res.status, body: await res.text() };
      } catch (e) {
        if (signal.aborted) throw abortError(signal);
        const where = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(url)?.[0] ?? '(the gateway)';
        const err = timedOut
          ? new KjbError(
              'GATEWAY_ERROR',
              `${label}: the gateway at ${where} did not answer within ${this.#timeoutMs} ms; try again later or with fewer orders per call (maxPerCall)`,
              { gatewayCode: 'TIMEOUT', retryable: false },
            )
          : new KjbError(
              'GATEWAY_ERROR',
              `${label}: could not reach the gateway at ${where}: ${e && e.message ? e.message : e}${e && e.cause ? ` (${e.cause.code || e.cause.message})` : ''}`,
              { gatewayCode: 'NETWORK', retryable: false },
            );
        err.cause = e;
        throw err;
      } finally {
        clearTimeout(timer);
        unlink();
      }
    }

    /**
     * Runs `tasks` (each `(signal) => result`) at most `concurrency` at a time. A task that
     * throws an error that stops runs (see `stopsRun`) lets the calls under way finish and
     * starts no more; the error is thrown with `partial` = `collect(results, pending)`.
     */
    async #run(tasks, outer, collect, onStop) {
      const controller = new AbortController();
      const unlink = link(outer, controller);
      const results = new Array(tasks.length);
      let next = 0;
      let stop = null;
      const worker = async () => {
        while (stop === null && next < tasks.length && !controller.signal.aborted) {
          const i = next;
          next += 1;
          try {
            results[i] = await tasks[i](controller.signal);
          } catch (e) {
            if (controller.signal.aborted) break;
            if (stop === null) stop = e;
            results[i] = onStop(i, e);
          }
        }
      };
      try {
        await Promise.all(Array.from({ length: Math.min(this.#concurrency, tasks.length) }, worker));
      } finally {
        unlink();
      }
      const pending = [];
      for (let i = 0; i < tasks.length; i += 1) if (results[i] === undefined) pending.push(i);
      const error = controller.signal.aborted ? abortError(controller.signal) : stop;
      if (error !== null) {
        // A caller's own error (an onToken that threw, a sign() that failed) is thrown as it
        // is, with what was obtained attached where it can be.
        if (error !== null && typeof error === 'object') error.partial = collect(results, pending);
        throw error;
      }
      return collect(results, pending);
    }

    /**
     * Cashier URLs for `orderIds` (strings, BigInt or safe numbers; repeats are dropped):
     * `{links:[{orderIds, payUrl}], refused:[{orderId, code, reason}], failed:[{orderIds, error}]}`,
     * every id exactly once. A business error refuses its call's ids; a call that still fails
     * after its retries lands in `failed`; an error about the app or the token stops the run and
     * throws with what was obtained as `error.partial` (plus `pending`: ids never sent).
     */
    async cashierUrls(orderIds, options) {
      const opts = optionsOf(options, 'cashierUrls', 'maxPerCall?, api?, signal?');
      const apiName = opts.api === undefined ? DEFAULT_API : opts.api;
      if (!URL_APIS.has(apiName)) {
        throw new KjbError('INVALID_INPUT', `api must be one of ${[...URL_APIS].join(', ')}; got ${String(apiName)}`, {
          path: 'api',
        });
      }
      const maxPerCall = intOption(opts.maxPerCall, 'maxPerCall', 1, 30, 10);
      const signal = signalOption(opts);
      const ids = orderIdsOf(orderIds, 'cashierUrls');
      const batches = [];
      for (let i = 0; i < ids.length; i += maxPerCall) batches.push(ids.slice(i, i + maxPerCall));
      const tasks = batches.map((batch) => (s) => this.#cashierBatch(apiName, batch, s));
      const collect = (results, pending) => {
        const out = { links: [], refused: [], failed: [] };
        for (const r of results) {
          if (!r) continue;
          if (r.link) out.links.push(r.link);
          out.refused.push(...r.refused);
          if (r.failed) out.failed.push(r.failed);
        }
        if (pending.length > 0) out.pending = pending.flatMap((i) => batches[i]);
        return out;
      };
      const onStop = (i, e) => ({
        link: null,
        refused: [],
        failed: {
          orderIds: batches[i],
          error: failure(e instanceof KjbError ? e : new KjbError('INTERNAL', String(e && e.message))),
        },
      });
      const out = await this.#run(tasks, signal, collect, onStop);
      delete out.pending;
      return out;
    }

    async #cashierBatch(apiName, ids, signal) {
      let answer;
      try {
        answer = await this.#call(apiName, { orderIdList: ids }, signal);
      } catch (e) {
        if (signal.aborted || stopsRun(e)) throw e;
        if (e.code === 'BUSINESS_ERROR') {
          const code = refusalCode(e);
          const reason = e.gatewayMessage || e.gatewayCode || e.message;
          return { link: null, refused: ids.map((orderId) => ({ orderId, code, reason })), failed: null };
        }
        return { link: null, refused: [], failed: { orderIds: ids, error: failure(e) } };
      }
      const refusedIds = new Set(Array.isArray(answer.refused) ? answer.refused.map(String) : []);
      const payable = ids.filter((id) => !refusedIds.has(id));
      const payUrl = typeof answer.payUrl === 'string' && answer.payUrl !== '' ? answer.payUrl : null;
      const refused = [];
      for (const orderId of ids) {
        if (refusedIds.has(orderId)) refused.push({ orderId, code: 'REFUSED', reason: refusalReason(apiName) });
        else if (!payUrl)
          refused.push({ orderId, code: 'NO_PAY_URL', reason: `1688 answered ${apiName} without a cashier URL` });
      }
      return { link: payUrl && payable.length > 0 ? { orderIds: payable, payUrl } : null, refused, failed: null };
    }

    /**
     * Payment status of orders from `alibaba.trade.get.buyerView`, one paced call each:
     * `[{orderId, status, paid, payTime, payChannels, closed}]` in input order; an order whose
     * call failed has `status: null` and `error`.
     */
    async orderStatus(orderIds, options) {
      const opts = optionsOf(options, 'orderStatus', 'signal?');
      const signal = signalOption(opts);
      const ids = orderIdsOf(orderIds, 'orderStatus');
      const blank = (orderId, e) => ({
        orderId,
        status: null,
        paid: false,
        payTime: null,
        payChannels: [],
        closed: false,
        error: failure(e),
      });
      const tasks = ids.map((orderId) => async (s) => {
        try {
          return statusOf(orderId, await this.#call('alibaba.trade.get.buyerView', { webSite: '1688', orderId }, s));
        } catch (e) {
          if (s.aborted || stopsRun(e)) throw e;
          return blank(orderId, e);
        }
      });
      const collect = (results) => results.filter(Boolean);
      return this.#run(tasks, signal, collect, (i, e) =>
        blank(ids[i], e instanceof KjbError ? e : new KjbError('INTERNAL', String(e && e.message))),
      );
    }

    /**
     * Missed push messages (`cn.alibaba.open:push.query.messageList`; signed, no access token):
     * one page, each message in verifyPush's shape. Pulling does not confirm: confirmMessages().
     */
    async pullMessages(options) {
      const opts = optionsOf(
        options,
        'pullMessages',
        'page?, pageSize?, type?, userInfo?, createStartTime?, createEndTime?, signal?',
      );
      const params = {};
      if (opts.page !== undefined) params.page = intOption(opts.page, 'page', 1, 1000000, 1);
      if (opts.pageSize !== undefined) params.pageSize = intOption(opts.pageSize, 'pageSize', 20, 200, 20);
      for (const k of ['type', 'userInfo', 'createStartTime', 'createEndTime']) {
        if (opts[k] === undefined) continue;
        if (typeof opts[k] !== 'string' || opts[k] === '')
          throw new KjbError('INVALID_INPUT', `${k} must be a non-empty string`, { path: k });
        params[k] = opts[k];
      }
      const answer = await this.call(`${PUSH_NAMESPACE}:push.query.messageList`, params, {
        signal: signalOption(opts),
        version: 1,
        token: false,
      });
      const root = objectOf(answer) || {};
      const page = objectOf(root.pushMessagePage) || objectOf(objectOf(root.result)?.pushMessagePage) || root;
      const list = Array.isArray(page.datas)
        ? page.datas
        : Array.isArray(page.messages)
          ? page.messages
          : Array.isArray(answer)
            ? answer
            : [];
      return list.map(messageOf);
    }

    /** Confirms pulled messages (`push.message.confirm`, `msgIdList`): true, or a thrown KjbError. */
    async confirmMessages(msgIds, options) {
      const opts = optionsOf(options, 'confirmMessages', 'signal?');
      const ids = msgIdsOf(msgIds);
      // Digit strings: the core sends a known id list as JSON numbers written from the digits.
      const answer = await this.call(
        `${PUSH_NAMESPACE}:push.message.confirm`,
        { msgIdList: ids },
        { signal: signalOption(opts), version: 1, token: false },
      );
      const root = objectOf(answer) || {};
      const ok = root.isSuccess ?? objectOf(root.result)?.isSuccess ?? root.success;
      if (ok === true || ok === 'true') return true;
      throw new KjbError(
        'BUSINESS_ERROR',
        `push.message.confirm did not confirm the messages (isSuccess ${JSON.stringify(ok ?? null)}): pull them again and retry`,
        { gatewayCode: null, retryable: false },
      );
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
