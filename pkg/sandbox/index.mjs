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
//
// This module wires the parts together and routes requests; each part is a module named for what
// it decides: gateway.mjs (checks in 1688's order), apis.mjs (answers), orders.mjs (order state),
// push.mjs (delivery and pull), oauth.mjs, cashier.mjs, control.mjs (/_sandbox/…), config.mjs,
// wire.mjs (signature, JSON, ids, money, times) and http.mjs.
import { createServer } from 'node:http';
import { json } from './wire.mjs';
import { send, sendJson } from './http.mjs';
import { defaultConfig, loadConfig, normalizeConfig, settingsOf } from './config.mjs';
import { createOrders } from './orders.mjs';
import { createGateway } from './gateway.mjs';
import { createApis } from './apis.mjs';
import { createPush } from './push.mjs';
import { createOAuth } from './oauth.mjs';
import { createCashier } from './cashier.mjs';
import { createControl } from './control.mjs';

export { aopSignature } from './wire.mjs';
export { defaultConfig, loadConfig } from './config.mjs';

/**
 * A sandbox without a server of its own: mount `handle(req, res)` in any node:http server.
 * @param {{config?: object|string, pushUrl?: string, publicUrl?: string, log?: (line: string) => void}} [options]
 *   `config`: an object or a JSON file path (default: default-config.json); `pushUrl`: where
 *   payment pushes go (else each app's `pushUrl`); `publicUrl`: the origin written into payUrls
 *   (else taken from each request's Host header).
 */
export function createSandbox(options = {}) {
  const config =
    options.config === undefined
      ? defaultConfig()
      : typeof options.config === 'string'
        ? loadConfig(options.config)
        : options.config;
  const cfg = normalizeConfig(config);
  const settings = settingsOf(config);
  const state = {};
  const account = cfg.account;
  // The context every part shares; each part adds its functions to it.
  const sb = {
    config,
    cfg,
    settings,
    state,
    account,
    buyerMemberId: account.memberId || 'b2b-2217000000000000',
    log: typeof options.log === 'function' ? options.log : () => {},
    urls: {
      push: options.pushUrl || null,
      public: options.publicUrl ? String(options.publicUrl).replace(/\/+$/, '') : null,
    },
    /** The sandbox clock: real time plus what /_sandbox/advance added. */
    now: () => Date.now() + state.clockOffsetMs,
    baseOf: (req) => sb.urls.public || `http://${req.headers.host || '127.0.0.1'}`,
    reset,
  };
  Object.assign(
    sb,
    createOrders(sb),
    createPush(sb),
    createGateway(sb),
    createApis(sb),
    createOAuth(sb),
    createCashier(sb),
    createControl(sb),
  );
  const { now } = sb;

  function reset() {
    state.clockOffsetMs = 0;
    state.startedAt = Date.now();
    state.orders = new Map(cfg.orders.map((o) => [o.orderId, sb.initialOrder(o)]));
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
    if (state.pushAbort) state.pushAbort.abort();
    state.pushAbort = new AbortController();
    state.deliveries = new Set();
    for (const app of cfg.apps.values()) {
      state.tokens.set(app.accessToken, { appKey: app.appKey, expiresAt: now() + settings.tokenLifetimeSec * 1000 });
      if (app.refreshToken)
        state.refreshTokens.set(app.refreshToken, {
          appKey: app.appKey,
          expiresAt: now() + settings.refreshTokenLifetimeSec * 1000,
        });
    }
  }
  reset();

  /** Handles the sandbox's routes; resolves false (touching nothing) for any other request. */
  async function handle(req, res) {
    const url = new URL(req.url || '/', 'http://sandbox.invalid');
    const path = url.pathname;
    const ours =
      path.startsWith('/openapi/') ||
      path === '/cashier' ||
      path === '/cashier/pay' ||
      path === '/oauth/authorize' ||
      path.startsWith('/_sandbox/');
    if (!ours) return false;
    try {
      sb.sweep();
      if (path.startsWith('/openapi/')) await sb.gateway(req, res, url);
      else if (path === '/oauth/authorize' && req.method === 'GET') {
        const out = sb.authorizePage(url);
        send(res, out.status, 'text/html; charset=utf-8', out.html);
      } else if (path === '/oauth/authorize' && req.method === 'POST') await sb.authorizePost(req, res);
      else if (path === '/cashier' && req.method === 'GET') {
        const session = state.sessions.get(url.searchParams.get('token') || '');
        if (session) send(res, 200, 'text/html; charset=utf-8', sb.cashierPage(session));
        else send(res, 404, 'text/html; charset=utf-8', sb.notFoundPage());
      } else if (path === '/cashier/pay' && req.method === 'POST') await sb.cashierPay(req, res, url);
      else if (path.startsWith('/_sandbox/')) await sb.control(req, res, url);
      else
        send(res, 405, 'text/plain; charset=utf-8', `${req.method} is not allowed on ${path}`, {
          allow: path === '/cashier' ? 'GET' : path === '/oauth/authorize' ? 'GET, POST' : 'POST',
        });
    } catch (e) {
      const status = e && e.status ? e.status : 500;
      sendJson(
        res,
        status,
        json({ error: status === 500 ? `sandbox error: ${e && e.message ? e.message : e}` : e.message }),
      );
      if (status === 500) sb.log(`error on ${req.method} ${path}: ${e && e.stack ? e.stack : e}`);
    }
    return true;
  }

  return {
    handle,
    config,
    state,
    setPushUrl(url) {
      sb.urls.push = url || null;
    },
    setPublicUrl(url) {
      sb.urls.public = url ? String(url).replace(/\/+$/, '') : null;
    },
    /** The next `count` gateway calls answer 400 gw.QosAppFrequencyLimit. */
    rateLimit(count = 1) {
      state.rateLimit = count;
    },
    /** The next `count` gateway calls wait `ms` before answering. */
    delay(ms, count = 1) {
      state.delay = { ms, count };
    },
    pay: sb.pay,
    reset,
    /** Moves the sandbox clock on; unpaid orders past their payTimeout close (and push). */
    advance(seconds) {
      state.clockOffsetMs += Math.round(seconds * 1000);
      sb.sweep();
    },
    /** The sandbox clock (ms). */
    now,
    /** Resolves once every push under way has been delivered or has used up its attempts. */
    idle: sb.idle,
    orders: sb.orders,
    buyer: sb.buyer,
    snapshot: sb.snapshot,
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
        res.end(
          `kjb sandbox: a local stand-in for the 1688 gateway.\nGateway: POST /openapi/param2/1/com.alibaba.trade/{apiName}/{appKey}\nCashier: GET /cashier?token=…\nState:   GET /_sandbox/state, GET /_sandbox/orders\n`,
        );
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
  const close = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return { url, close, sandbox, server };
}

const USAGE = `kjb-sandbox — a local 1688 gateway, OAuth page, cashier and push sender for kjb demos and tests

Usage: kjb-sandbox [--port N] [--host H] [--config FILE] [--push-url URL] [--public-url URL] [--quiet]

  --port N          port to listen on (default 0: a free one)
  --host H          interface (default 127.0.0.1)
  --config FILE     apps, buyer account, suppliers and orders (default: the built-in demo data)
  --push-url URL    where pushes are POSTed (form: message + _aop_signature)
  --public-url URL  origin written into cashier URLs (default: the listening URL)
  --quiet           no log lines on stderr

Prints its URL on stdout, then runs until interrupted. The credentials of the default app are
fake: appKey 1234567, appSecret TESTSECRET123, accessToken 00000000-test-token-0000 (lives
36000 s), refreshToken 00000000-test-refresh-0000. Routes and control routes: the README's
"The sandbox" section.
`;

/** The command line (`kjb-sandbox`, `kjb sandbox`). */
export async function main(args) {
  const opts = { port: 0, host: '127.0.0.1' };
  let quiet = false;
  for (let i = 0; i < args.length; i += 1) {
    const a = args[i];
    const value = () => {
      if (!a.includes('=')) i += 1;
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[i];
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
    process.stderr.write(
      `[kjb-sandbox] gateway ${running.url}/openapi/…  app ${app.appKey}; ${running.sandbox.state.orders.size} orders; push → ${opts.pushUrl || app.pushUrl || '(none: --push-url)'}\n`,
    );
  }
  const stop = () => running.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return running;
}
