// `make demo`: the KJB batch-payment console on one local server.
//
//   node www/server.mjs          (PORT=8080 by default, 127.0.0.1 only)
//
// One http server does three jobs:
//   - serves the console (www/) and the package's web build (/pkg/lib/*.mjs, /pkg/web/*), so the
//     page runs kjb in the browser: eligibility, fees and the batch plan never leave the page;
//   - is the small backend an ERP would have: it holds the app secret (KjbClient/Signer from the
//     package's Node build), asks the gateway for cashier links, receives the signed payment push
//     and tells the page about it over Server-Sent Events. The secret never reaches the browser;
//   - mounts the sandbox 1688 gateway (pkg/sandbox), with its cashier page, on the same origin.
//     Its push goes back to this server's own /push, exactly as 1688 would call an ERP.
//
// Tests start it in-process with `startDemo({port: 0})`.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { extname, join } from 'node:path';
import { KjbClient, KjbError, Signer } from '../pkg/lib/node.mjs';
import { createSandbox } from '../pkg/sandbox/index.mjs';

const WWW = fileURLToPath(new URL('./', import.meta.url));
const PKG = fileURLToPath(new URL('../pkg/', import.meta.url));

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8', '.csv': 'text/csv; charset=utf-8',
  '.svg': 'image/svg+xml', '.wasm': 'application/wasm',
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
const ENDPOINTS = new Set(['/api/cashier-links', '/push', '/api/events', '/api/info', '/api/payments']);

// The console runs no inline code and talks to nobody but this origin.
const CSP = [
  "default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "style-src 'self'",
  "img-src 'self' data:", "connect-src 'self'", "object-src 'none'", "base-uri 'none'",
  "frame-ancestors 'none'", "form-action 'self'",
].join('; ');

const MAX_BODY = 1 << 20;
const GATEWAY_CODES = new Set(['GATEWAY_ERROR', 'BUSINESS_ERROR']);

function send(res, status, body, type = 'text/plain; charset=utf-8', extra = {}) {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...extra });
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
    if (size > MAX_BODY) throw new HttpError(413, 'BODY_TOO_LARGE', `the request body is larger than ${MAX_BODY} bytes`);
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

/** The order ids a payment push reports, with their outcome ("paid" or 1688's failure status). */
function outcomesOf(msg) {
  const data = msg.data || {};
  if (msg.type === 'ORDER_BATCH_PAY' && Array.isArray(data.batchPay)) {
    return data.batchPay
      .filter((p) => p && p.orderId != null)
      .map((p) => ({ orderId: String(p.orderId), status: p.status === 'successed' ? 'paid' : 'failed', detail: p.status ?? null }));
  }
  if (msg.type === 'ORDER_BUYER_VIEW_ORDER_PAY' && data.orderId != null) {
    return [{ orderId: String(data.orderId), status: 'paid', detail: data.currentStatus ?? null }];
  }
  return [];
}

/**
 * Starts the demo server. `port` 0 picks a free port.
 * @returns {Promise<{url: string, close: () => Promise<void>, sandbox: object}>}
 */
export async function startDemo({ port = 8080, host = '127.0.0.1', log = () => {} } = {}) {
  const sandbox = createSandbox({ log: (line) => log(`sandbox: ${line}`) });
  const app = sandbox.config.apps[0]; // the sandbox's demo app (fake credentials)
  const signer = new Signer({ appKey: app.appKey, appSecret: app.appSecret });
  let url = null; // this server's origin, known once it listens
  let client = null; // made then: the sandbox gateway is this server

  const payments = new Map(); // orderId -> {orderId, status, detail, msgId, type, at}
  const seenMsgIds = new Set(); // 1688 may deliver a push twice
  const listeners = new Set(); // open SSE responses

  function broadcast(event, data) {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const res of listeners) res.write(frame);
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
    const groups = body && Array.isArray(body.batches) ? body.batches : body && body.orderIds !== undefined ? [body.orderIds] : null;
    const count = groups && groups.every(Array.isArray) ? groups.reduce((n, g) => n + g.length, 0) : -1;
    if (count <= 0 || count > 1000) {
      throw new HttpError(400, 'INVALID_INPUT', 'send {orderIds: [...]} or {batches: [[...], ...]}: at most 1000 order ids in all, at least one');
    }
    const maxPerCall = body.batches ? Math.max(1, ...groups.map((g) => g.length)) : body.maxPerCall ?? 10;
    // KjbClient checks the ids and maxPerCall itself (INVALID_ORDER_ID, UNSAFE_ORDER_ID, INVALID_INPUT).
    const settled = await Promise.allSettled(groups.map((g, i) => (g.length ? batchLinks(g, i, maxPerCall) : null)));
    const stop = settled.find((r) => r.status === 'rejected')?.reason;
    const parts = settled.map((r, i) => (r.status === 'fulfilled' ? r.value
      : r.reason && r.reason.partial ? { links: r.reason.partial.links.map((x) => ({ ...x, batch: i })), refused: r.reason.partial.refused.map((x) => ({ ...x, batch: i })), failed: (r.reason.partial.failed || []).map((x) => ({ ...x, batch: i })) }
        : null)).filter(Boolean);
    const answer = { links: parts.flatMap((p) => p.links), refused: parts.flatMap((p) => p.refused), failed: parts.flatMap((p) => p.failed) };
    if (!stop) {
      log(`cashier links: ${answer.links.length} link(s) for ${count} order(s), ${answer.refused.length} refused, ${answer.failed.length} call(s) failed`);
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
    if (!seenMsgIds.has(msg.msgId)) {
      seenMsgIds.add(msg.msgId);
      const at = new Date().toISOString();
      const outcomes = outcomesOf(msg).map((o) => ({ ...o, msgId: msg.msgId, type: msg.type, at }));
      for (const o of outcomes) {
        // A success is final: a later failure message for the same order does not undo it.
        if (payments.get(o.orderId)?.status !== 'paid') payments.set(o.orderId, o);
      }
      log(`push ${msg.type} ${msg.msgId}: ${outcomes.map((o) => `${o.orderId} ${o.status}`).join(', ') || 'no orders'}`);
      if (outcomes.length) broadcast('payment', { payments: outcomes });
    }
    send(res, 200, 'success');
  }

  function events(req, res) {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(`retry: 2000\nevent: snapshot\ndata: ${JSON.stringify({ payments: [...payments.values()] })}\n\n`);
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
      const headers = extname(f) === '.html' ? { 'content-security-policy': CSP, 'referrer-policy': 'no-referrer' } : {};
      send(res, 200, req.method === 'HEAD' ? undefined : bytes, TYPES[extname(f)] || 'application/octet-stream', headers);
      return true;
    }
    return false;
  }

  async function route(req, res) {
    const path = new URL(req.url, 'http://localhost').pathname;
    if (await sandbox.handle(req, res)) return;
    if (req.method === 'POST' && path === '/api/cashier-links') return cashierLinks(req, res);
    if (req.method === 'POST' && path === '/push') return push(req, res);
    if (req.method === 'GET' && path === '/api/events') return events(req, res);
    if (req.method === 'GET' && path === '/api/info') {
      // Public facts only: the app key is part of every request URL anyway.
      return sendJson(res, 200, { appKey: signer.appKey, gateway: `${url}/openapi`, pushUrl: `${url}/push`, sandbox: true });
    }
    if (req.method === 'GET' && path === '/api/payments') return sendJson(res, 200, { payments: [...payments.values()] });
    if (req.method === 'GET' && path === '/favicon.ico') return send(res, 204, undefined);
    if ((req.method === 'GET' || req.method === 'HEAD') && (await serveStatic(req, res, path))) return;
    if (ENDPOINTS.has(path)) return sendError(res, 405, 'METHOD_NOT_ALLOWED', `${req.method} is not supported on ${path}`);
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
  client = new KjbClient({ appKey: app.appKey, appSecret: app.appSecret, accessToken: app.accessToken, baseUrl: url });

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
    console.error(e.code === 'EADDRINUSE' ? `port ${port} is in use: run PORT=8081 make demo (or stop what uses it)` : e.stack || String(e));
    process.exit(1);
  }
  console.log(`kjb demo — KJB batch-payment console on the built-in 1688 sandbox

  open  ${demo.url}/

The page runs kjb (WebAssembly) for eligibility, fees and the batch plan; this server holds the
sandbox app's secret, asks the sandbox gateway for cashier links and receives its signed payment
push at ${demo.url}/push. Ctrl-C stops it.
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
