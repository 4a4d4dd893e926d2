// `make demo`: the KJB batch-payment console on one local server.
//
//   node www/server.mjs          (PORT=8080 by default, 127.0.0.1 only)
//
// One http server does three jobs:
//   - serves the console (www/) and the package's web build (/pkg/lib/*.mjs, /pkg/web/*), so the
//     page runs kjb in the browser: importing 1688's order answers (ordersFrom1688), eligibility,
//     fees, the batch plan and the payment state of every order (paymentState);
//   - is the small backend an ERP would have: it holds the app secret and the buyer's token
//     (KjbClient/Signer from the package's Node build), connects the 1688 account (OAuth),
//     fetches 1688's order answers, asks for cashier links, receives the signed payment pushes,
//     pulls the ones it missed, and tells the page over Server-Sent Events. Neither the secret
//     nor the token reaches the browser;
//   - mounts the sandbox 1688 gateway (pkg/sandbox), with its OAuth and cashier pages, on the
//     same origin. Its pushes go back to this server's own /push, exactly as 1688 calls an ERP.
//
// Tests start it in-process with `startDemo({port: 0})`.
import { createServer } from 'node:http';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { extname, join } from 'node:path';
import { KjbClient, KjbError, Signer, authorizeUrl } from '../pkg/lib/node.mjs';
import { createSandbox } from '../pkg/sandbox/index.mjs';

const WWW = fileURLToPath(new URL('./', import.meta.url));
const PKG = fileURLToPath(new URL('../pkg/', import.meta.url));

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
};

// What the page may load: the console's own files and the package's web build, nothing else
// (not the Node build, not the sandbox config with its secret).
const STATIC = [
  [/^\/$/, () => join(WWW, 'index.html')],
  [/^\/([a-z][a-z0-9-]*\.(?:html|mjs|css|json|csv|svg))$/, (m) => join(WWW, m[1])],
  [/^\/pkg\/lib\/([a-z][a-z0-9-]*)\.mjs$/, (m) => join(PKG, 'lib', `${m[1]}.mjs`)],
  [/^\/pkg\/web\/(kjb\.js|kjb_bg\.wasm)$/, (m) => join(PKG, 'web', m[1])],
];
const NOT_SERVED = new Set(['/server.mjs']);
const ENDPOINTS = new Set([
  '/api/cashier-links',
  '/push',
  '/api/events',
  '/api/info',
  '/api/messages',
  '/api/oauth/start',
  '/api/oauth/callback',
  '/api/token/expire',
  '/api/import',
  '/api/pull',
  '/api/status',
]);
const ORDER_LIST_API = 'alibaba.trade.getBuyerOrderList';
const PAGE_SIZE = 50;
// The demo imports at most this many pages (2,000 orders) and says so when 1688 has more.
const MAX_PAGES = 40;

// The console runs no inline code and talks to nobody but this origin.
const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

const MAX_BODY = 1 << 20;
const GATEWAY_CODES = new Set(['GATEWAY_ERROR', 'BUSINESS_ERROR']);

function send(res, status, body, type = 'text/plain; charset=utf-8', extra = {}) {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...extra,
  });
  res.end(body);
}

function sendJson(res, status, value) {
  send(res, status, JSON.stringify(value), 'application/json; charset=utf-8');
}

function sendError(res, status, code, message, extra = {}) {
  sendJson(res, status, { error: { code, message, ...extra } });
}

class HttpError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY)
      throw new HttpError(413, 'BODY_TOO_LARGE', `the request body is larger than ${MAX_BODY} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function readJson(req) {
  const text = await readBody(req);
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'INVALID_JSON', 'the request body is not JSON');
  }
}

/**
 * Starts the demo server. `port` 0 picks a free port.
 * @returns {Promise<{url: string, close: () => Promise<void>, sandbox: object}>}
 */
export async function startDemo({ port = 8080, host = '127.0.0.1', log = () => {}, config } = {}) {
  const sandbox = createSandbox({ config, log: (line) => log(`sandbox: ${line}`) });
  const app = sandbox.config.apps[0]; // the sandbox's demo app (fake credentials)
  const signer = new Signer({ appKey: app.appKey, appSecret: app.appSecret });
  let url = null; // this server's origin, known once it listens
  let client = null; // made then: the sandbox gateway is this server

  const messages = new Map(); // msgId -> {message (as verifyPush/pullMessages give it), source, at}
  const listeners = new Set(); // open SSE responses
  let token = null; // the buyer's token: here only, never sent to the page
  let connecting = false; // the next onToken is a new connection, not a refresh
  const tokenLog = []; // [{at, event: 'connected'|'refreshed'|'expired', expiresAt?, tail?}]
  const oauthStates = new Map(); // state -> time, for the OAuth callback
  const rawAnswers = new AsyncLocalStorage(); // where the order-list answer texts go

  function broadcast(event, data) {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const res of listeners) res.write(frame);
  }

  /** What the page may know of the token: when it expires, who it is for; not the token. */
  function tokenView() {
    if (!token) return { connected: false, log: tokenLog.slice(-8) };
    return {
      connected: true,
      memberId: token.memberId ?? null,
      resourceOwner: token.resourceOwner ?? null,
      expiresAt: token.expiresAt ?? null,
      refreshTokenExpiresAt: token.refreshTokenExpiresAt ?? null,
      canRefresh: Boolean(token.refreshToken),
      tail: String(token.accessToken).slice(-4),
      log: tokenLog.slice(-8),
    };
  }

  /** KjbClient's onToken: a new token, from the OAuth code or a refresh. */
  function onToken(t) {
    token = t;
    tokenLog.push({
      at: new Date().toISOString(),
      event: connecting ? 'connected' : 'refreshed',
      expiresAt: t.expiresAt ?? null,
      tail: String(t.accessToken).slice(-4),
    });
    connecting = false;
    log(`token ${tokenLog[tokenLog.length - 1].event}: expires ${t.expiresAt}`);
    broadcast('token', tokenView());
  }

  /**
   * The fetch KjbClient uses: the real one, which also hands the raw text of an order-list
   * answer to the import running now (ordersFrom1688 reads 1688's own text, in the page).
   */
  async function fetchForClient(input, init) {
    const res = await fetch(input, init);
    const sink = rawAnswers.getStore();
    if (sink && String(input).includes(`/${ORDER_LIST_API}/`) && res.status === 200)
      sink.push(await res.clone().text());
    return res;
  }

  function requireToken() {
    if (!token) throw new HttpError(409, 'NOT_CONNECTED', 'connect the 1688 account first ("Connect 1688 account")');
  }

  /** A sandbox control route (tests and demos only; the live gateway has none). */
  async function sandboxControl(name, body) {
    const res = await fetch(`${url}/_sandbox/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new HttpError(502, 'SANDBOX_CONTROL', `the sandbox refused ${name}: HTTP ${res.status}`);
    return res.json();
  }

  /** Stores a message once (1688 repeats them) and tells the page; true if it was new. */
  function takeMessage(message, source) {
    if (!message || message.msgId === undefined || messages.has(String(message.msgId))) return false;
    const entry = { message, source, at: new Date().toISOString() };
    messages.set(String(message.msgId), entry);
    broadcast('message', entry);
    return true;
  }

  /** Answers with the KjbError as JSON (502 for the gateway's failures, 400 for bad input). */
  function sendKjbError(res, e) {
    if (!(e instanceof KjbError)) throw e;
    if (e.code === 'TOKEN_EXPIRED' && token) {
      // Expired and not refreshable (no refresh token, or it expired too): connect again.
      tokenLog.push({ at: new Date().toISOString(), event: 'ended', tail: String(token.accessToken).slice(-4) });
      token = null;
      broadcast('token', tokenView());
    }
    const { code, message, ...extra } = errorView(e);
    sendError(res, GATEWAY_CODES.has(e.code) || e.code === 'TOKEN_EXPIRED' ? 502 : 400, code, message, extra);
  }

  // ---- OAuth: the sandbox's authorise page, the code exchanged here (the secret is here) ----

  const redirectUri = () => `${url}/api/oauth/callback`;

  function oauthStart(res) {
    // A state is good for one round trip within 10 minutes.
    for (const [s, at] of oauthStates) if (Date.now() - at > 600000) oauthStates.delete(s);
    const state = randomUUID();
    oauthStates.set(state, Date.now());
    // 1688's authorise URL, served on this origin by the sandbox instead of auth.1688.com.
    const auth = new URL(authorizeUrl({ appKey: app.appKey, redirectUri: redirectUri(), state }));
    send(res, 302, 'to the 1688 authorise page', 'text/plain; charset=utf-8', {
      location: `${url}${auth.pathname}${auth.search}`,
    });
  }

  async function oauthCallback(res, params) {
    const state = params.get('state');
    const code = params.get('code');
    const known = state !== null && oauthStates.has(state) && Date.now() - oauthStates.get(state) <= 600000;
    if (state !== null) oauthStates.delete(state);
    if (!known || !code) {
      return send(res, 303, 'unknown OAuth state', 'text/plain; charset=utf-8', { location: '/?oauth=STATE_MISMATCH' });
    }
    try {
      connecting = true;
      await client.exchangeCode({ code, redirectUri: redirectUri() });
      send(res, 303, 'connected', 'text/plain; charset=utf-8', { location: '/?oauth=connected' });
    } catch (e) {
      connecting = false;
      log(`OAuth code exchange failed: ${e.code} ${e.message}`);
      send(res, 303, 'not connected', 'text/plain; charset=utf-8', {
        location: `/?oauth=${encodeURIComponent(e.code || 'ERROR')}`,
      });
    }
  }

  /** Expires the token on the sandbox now; the next call meets 401 and KjbClient refreshes it. */
  async function expireToken(res) {
    requireToken();
    await sandboxControl('expire-token', { accessToken: token.accessToken });
    tokenLog.push({ at: new Date().toISOString(), event: 'expired', tail: String(token.accessToken).slice(-4) });
    broadcast('token', tokenView());
    try {
      // One small call, as an ERP's next call would be: 401 "Request need user authorized",
      // then refresh (onToken), then the call again.
      await client.call(ORDER_LIST_API, { page: 1, pageSize: 1 });
    } catch (e) {
      return sendKjbError(res, e);
    }
    sendJson(res, 200, tokenView());
  }

  // ---- orders in: 1688's own order answers, read by ordersFrom1688 in the page ----

  async function importOrders(res) {
    requireToken();
    const answers = [];
    let total = Infinity;
    try {
      await rawAnswers.run(answers, async () => {
        for (let page = 1; (page - 1) * PAGE_SIZE < total && page <= MAX_PAGES; page += 1) {
          const before = answers.length;
          await client.call(ORDER_LIST_API, { page, pageSize: PAGE_SIZE });
          // The count only, from 1688's own text (the ids in it are read by kjb, not JSON.parse).
          const m = answers.length > before ? /"totalRecord"\s*:\s*"?(\d+)/.exec(answers[answers.length - 1]) : null;
          total = m ? Number(m[1]) : 0;
        }
      });
    } catch (e) {
      return sendKjbError(res, e);
    }
    // Which suppliers accept KJB and are 诚信通 members is the ERP's own supplier record (1688's
    // order answers do not say); here, the sandbox's.
    const suppliers = Object.fromEntries(
      (sandbox.config.suppliers || []).map((x) => [
        x.loginId,
        { kjb: Boolean(x.kjb), chengxintong: Boolean(x.chengxintong) },
      ]),
    );
    // 1688 has more than the pages fetched: the page must say the list is cut, not look whole.
    const capped = Number.isFinite(total) && total > MAX_PAGES * PAGE_SIZE;
    log(
      `import: ${answers.length} order-list page(s)${capped ? `, ${total} orders at 1688 (cut at ${MAX_PAGES} pages)` : ''}`,
    );
    sendJson(res, 200, {
      api: ORDER_LIST_API,
      answers,
      suppliers,
      total: Number.isFinite(total) ? total : null,
      capped,
    });
  }

  // ---- payments out: pushes (above, /push), missed messages pulled, order statuses ----

  async function pull(res) {
    let pulled = 0;
    let fresh = 0;
    let confirmed = 0;
    try {
      for (let round = 0; round < 20; round += 1) {
        const got = await client.pullMessages({ pageSize: 50 });
        const list = Array.isArray(got) ? got : got && Array.isArray(got.messages) ? got.messages : [];
        if (list.length === 0) break;
        pulled += list.length;
        for (const m of list) if (takeMessage(m, 'pull')) fresh += 1;
        // Stored, so confirmed: 1688 stops offering them (pulling alone does not).
        await client.confirmMessages(list.map((m) => String(m.msgId)));
        confirmed += list.length;
      }
    } catch (e) {
      return sendKjbError(res, e);
    }
    log(`pull: ${pulled} message(s), ${fresh} new, ${confirmed} confirmed`);
    sendJson(res, 200, { pulled, fresh, confirmed });
  }

  async function orderStatus(req, res) {
    requireToken();
    const body = await readJson(req);
    const ids = body && body.orderIds;
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > 200)
      throw new HttpError(400, 'INVALID_INPUT', 'orderIds must be a non-empty array of at most 200 order ids');
    try {
      sendJson(res, 200, { statuses: await client.orderStatus(ids) });
    } catch (e) {
      sendKjbError(res, e);
    }
  }

  /** What the page may see of a KjbError (its texts never carry the secret: the package's contract). */
  function errorView(e) {
    const view = { code: e.code || 'INTERNAL', message: e.message };
    for (const k of ['path', 'gatewayCode', 'httpStatus', 'retryable']) if (e[k] !== undefined) view[k] = e[k];
    return view;
  }

  /** One plan batch → its cashierUrls answer, each link and refusal tagged with the batch index. */
  async function batchLinks(orderIds, batch, maxPerCall) {
    const tag = (list) => (list || []).map((x) => ({ ...x, batch }));
    try {
      const a = await client.cashierUrls(orderIds, { maxPerCall });
      return { links: tag(a.links), refused: tag(a.refused), failed: tag(a.failed) };
    } catch (e) {
      // A call that still fails after its retries concerns its own ids only (a bad id, or an
      // error about the app or the token, is the whole request's problem: rethrown).
      if (!(e instanceof KjbError) || !GATEWAY_CODES.has(e.code) || e.partial) throw e;
      return { links: [], refused: [], failed: [{ orderIds: orderIds.map(String), error: errorView(e), batch }] };
    }
  }

  // `{batches: [[ids]…]}`: the page's plan, one cashier link per batch (a batch is at most
  // maxPerCall orders, so one call each); `{orderIds, maxPerCall?}`: KjbClient splits them.
  async function cashierLinks(req, res) {
    const body = await readJson(req);
    const groups =
      body && Array.isArray(body.batches) ? body.batches : body && body.orderIds !== undefined ? [body.orderIds] : null;
    const count = groups && groups.every(Array.isArray) ? groups.reduce((n, g) => n + g.length, 0) : -1;
    if (count <= 0 || count > 1000) {
      throw new HttpError(
        400,
        'INVALID_INPUT',
        'send {orderIds: [...]} or {batches: [[...], ...]}: at most 1000 order ids in all, at least one',
      );
    }
    const maxPerCall = body.batches ? Math.max(1, ...groups.map((g) => g.length)) : (body.maxPerCall ?? 10);
    // KjbClient checks the ids and maxPerCall itself (INVALID_ORDER_ID, UNSAFE_ORDER_ID, INVALID_INPUT).
    const settled = await Promise.allSettled(groups.map((g, i) => (g.length ? batchLinks(g, i, maxPerCall) : null)));
    const stop = settled.find((r) => r.status === 'rejected')?.reason;
    const parts = settled
      .map((r, i) =>
        r.status === 'fulfilled'
          ? r.value
          : r.reason && r.reason.partial
            ? {
                links: r.reason.partial.links.map((x) => ({ ...x, batch: i })),
                refused: r.reason.partial.refused.map((x) => ({ ...x, batch: i })),
                failed: (r.reason.partial.failed || []).map((x) => ({ ...x, batch: i })),
              }
            : null,
      )
      .filter(Boolean);
    const answer = {
      links: parts.flatMap((p) => p.links),
      refused: parts.flatMap((p) => p.refused),
      failed: parts.flatMap((p) => p.failed),
    };
    if (!stop) {
      log(
        `cashier links: ${answer.links.length} link(s) for ${count} order(s), ${answer.refused.length} refused, ${answer.failed.length} call(s) failed`,
      );
      return sendJson(res, 200, answer);
    }
    // The run stopped (a bad id, the token, the app): what was obtained already comes back as `partial`.
    log(`cashier links stopped: ${stop.code || 'ERROR'} ${stop.message}`);
    const { code, message, ...extra } = errorView(stop);
    if (answer.links.length || answer.refused.length || answer.failed.length) extra.partial = answer;
    const status = stop instanceof KjbError && !GATEWAY_CODES.has(stop.code) && !extra.partial ? 400 : 502;
    sendError(res, status, code, message, extra);
  }

  async function push(req, res) {
    const body = await readBody(req);
    let msg;
    try {
      msg = signer.verifyPush(body);
    } catch (e) {
      log(`push refused: ${e.code} ${e.message}`);
      return send(res, e.code === 'PUSH_SIGNATURE_INVALID' ? 401 : 400, e.code || 'PUSH_MALFORMED');
    }
    // Stored (once: 1688 repeats messages), then 200: anything else and 1688 sends it again.
    const fresh = takeMessage(msg, 'push');
    log(`push ${msg.type} ${msg.msgId}${fresh ? '' : ' (repeat)'}`);
    send(res, 200, 'success');
  }

  function events(req, res) {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(
      `retry: 2000\nevent: snapshot\ndata: ${JSON.stringify({ messages: [...messages.values()], token: tokenView() })}\n\n`,
    );
    listeners.add(res);
    req.on('close', () => listeners.delete(res));
  }

  async function serveStatic(req, res, path) {
    if (NOT_SERVED.has(path)) return false;
    for (const [re, file] of STATIC) {
      const m = re.exec(path);
      if (!m) continue;
      const f = file(m);
      let bytes;
      try {
        bytes = await readFile(f);
      } catch {
        return false;
      }
      const headers =
        extname(f) === '.html' ? { 'content-security-policy': CSP, 'referrer-policy': 'no-referrer' } : {};
      send(
        res,
        200,
        req.method === 'HEAD' ? undefined : bytes,
        TYPES[extname(f)] || 'application/octet-stream',
        headers,
      );
      return true;
    }
    return false;
  }

  async function route(req, res) {
    const where = new URL(req.url, 'http://localhost');
    const path = where.pathname;
    if (await sandbox.handle(req, res)) return;
    if (req.method === 'GET' && path === '/api/oauth/start') return oauthStart(res);
    if (req.method === 'GET' && path === '/api/oauth/callback') return oauthCallback(res, where.searchParams);
    if (req.method === 'POST' && path === '/api/token/expire') return expireToken(res);
    if (req.method === 'POST' && path === '/api/import') return importOrders(res);
    if (req.method === 'POST' && path === '/api/pull') return pull(res);
    if (req.method === 'POST' && path === '/api/status') return orderStatus(req, res);
    if (req.method === 'POST' && path === '/api/cashier-links') {
      requireToken();
      return cashierLinks(req, res);
    }
    if (req.method === 'POST' && path === '/push') return push(req, res);
    if (req.method === 'GET' && path === '/api/events') return events(req, res);
    if (req.method === 'GET' && path === '/api/info') {
      // Public facts only: the app key is part of every request URL anyway.
      return sendJson(res, 200, {
        appKey: signer.appKey,
        gateway: `${url}/openapi`,
        pushUrl: `${url}/push`,
        sandbox: true,
        token: tokenView(),
      });
    }
    if (req.method === 'GET' && path === '/api/messages')
      return sendJson(res, 200, { messages: [...messages.values()] });
    if (req.method === 'GET' && path === '/favicon.ico') return send(res, 204, undefined);
    if ((req.method === 'GET' || req.method === 'HEAD') && (await serveStatic(req, res, path))) return;
    if (ENDPOINTS.has(path))
      return sendError(res, 405, 'METHOD_NOT_ALLOWED', `${req.method} is not supported on ${path}`);
    send(res, 404, 'not found');
  }

  const server = createServer((req, res) => {
    route(req, res).catch((e) => {
      if (res.headersSent) return res.destroy();
      if (e instanceof HttpError) return sendError(res, e.status, e.code, e.message);
      log(`internal error on ${req.method} ${req.url}: ${e && e.stack ? e.stack : e}`);
      sendError(res, 500, 'INTERNAL', 'the demo server hit an internal error (see its log)');
    });
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  sandbox.setPublicUrl(url);
  sandbox.setPushUrl(`${url}/push`);
  // No token yet: the buyer connects the 1688 account (OAuth) first; onToken keeps the new ones.
  client = new KjbClient({
    appKey: app.appKey,
    appSecret: app.appSecret,
    baseUrl: url,
    fetch: fetchForClient,
    onToken,
  });

  // SSE comments keep idle connections (and proxies) from timing out.
  const heartbeat = setInterval(() => {
    for (const res of listeners) res.write(': keep-alive\n\n');
  }, 15000);
  heartbeat.unref();

  let closing = null;
  function close() {
    if (!closing) {
      closing = new Promise((resolve) => {
        clearInterval(heartbeat);
        for (const res of listeners) res.end();
        listeners.clear();
        server.close(() => resolve());
        server.closeAllConnections();
        client.free();
        signer.free();
      });
    }
    return closing;
  }

  return { url, close, sandbox };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const port = process.env.PORT === undefined ? 8080 : Number(process.env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`PORT must be a port number; got ${JSON.stringify(process.env.PORT)}`);
    process.exit(2);
  }
  const stamp = () => new Date().toTimeString().slice(0, 8);
  let demo;
  try {
    demo = await startDemo({ port, log: (line) => console.log(`[${stamp()}] ${line}`) });
  } catch (e) {
    console.error(
      e.code === 'EADDRINUSE'
        ? `port ${port} is in use: run PORT=8081 make demo (or stop what uses it)`
        : e.stack || String(e),
    );
    process.exit(1);
  }
  console.log(`kjb demo — KJB batch-payment console on the built-in 1688 sandbox

  open  ${demo.url}/

Connect the 1688 account (the sandbox's OAuth page), import its orders, get cashier links, pay
on the sandbox cashier and watch the reconciliation. The page runs kjb (WebAssembly) to read the
orders, check them, plan and fold the payment states; this server holds the sandbox app's secret
and the buyer's token, talks to the sandbox gateway and receives its signed pushes at
${demo.url}/push. Ctrl-C stops it.
`);
  let stopping = false;
  const stop = (signal) => {
    if (stopping) process.exit(130);
    stopping = true;
    console.log(`\n${signal}: stopping`);
    demo.close().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
