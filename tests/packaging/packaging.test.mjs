// The built package where its users run it (`make test-packaging`): `npm pack` of pkg/ once,
// the tarball installed into each tiny consumer project (copied to target/packaging/), then
// Node ESM and CJS, a strict TypeScript check, Vite and webpack builds loaded in headless
// Chromium, a module worker, and the Manifest V3 example extension (www/extension/).
//
// The bundlers are the repo root's devDependencies, driven through their JS APIs with the
// consumer directory as root, so 'kjb' resolves from that consumer's node_modules (the tarball).
import { before, after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build as viteBuild, createServer as viteDevServer } from 'vite';
import webpack from 'webpack';
import { serve, launch, CHROMIUM_ARGS } from '../browser/harness.mjs';
import { run, inputs, checkAnswers, EXPECTED_QUOTE, ELIGIBLE, REJECTED, EXPECTED_TOTALS } from './support.mjs';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SRC = fileURLToPath(new URL('.', import.meta.url));
const WORK = join(REPO, 'target', 'packaging');
const CONSUMERS = ['node-esm', 'node-cjs', 'typescript', 'vite', 'webpack', 'worker'];
const at = (...parts) => join(WORK, ...parts);
const BIN = (name) => join(REPO, 'node_modules', '.bin', name);

before(async () => {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  // One tarball for every consumer, exactly what `npm publish` would upload.
  const { stdout } = await run('npm', ['pack', join(REPO, 'pkg'), '--pack-destination', WORK, '--silent'], {
    cwd: REPO,
  });
  renameSync(at(stdout.trim().split('\n').pop()), at('kjb.tgz'));
  cpSync(join(SRC, 'inputs.json'), at('inputs.json'));
  const skip = (p) =>
    !relative(SRC, p)
      .split(sep)
      .some((part) => part === 'node_modules' || part.startsWith('dist'));
  for (const c of CONSUMERS) cpSync(join(SRC, c), at(c), { recursive: true, filter: skip });
  // Each consumer's package.json depends on "file:../kjb.tgz": a plain `npm install`.
  await Promise.all(
    CONSUMERS.map((c) =>
      run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--prefer-offline'], { cwd: at(c) }),
    ),
  );
  // The extension as committed, plus the package files its build step copies in.
  const extSrc = join(REPO, 'www', 'extension');
  cpSync(extSrc, at('extension'), { recursive: true, filter: (p) => !relative(extSrc, p).startsWith('vendor') });
  await run(process.execPath, [join(extSrc, 'build.mjs'), at('worker', 'node_modules', 'kjb'), at('extension')]);
});

test('the tarball installs as a user gets it: a real copy, no sources', () => {
  for (const c of CONSUMERS) {
    const dir = at(c, 'node_modules', 'kjb');
    assert.ok(!lstatSync(dir).isSymbolicLink(), `${c}: kjb is a copy, not a link into the repo`);
    const files = readdirSync(dir);
    assert.ok(!files.includes('src') && !files.includes('Cargo.toml'), `${c}: ${files}`);
    for (const f of ['index.d.ts', 'index.d.mts', 'index.d.cts', 'lib', 'web', 'node'])
      assert.ok(files.includes(f), `${c} lacks ${f}`);
  }
});

const runNode = async (cwd, file) => JSON.parse((await run(process.execPath, [file], { cwd })).stdout);

test('Node ESM: import from kjb', async (t) => {
  await checkAnswers(t, await runNode(at('node-esm'), 'main.mjs'));
});

test('Node CJS: require(kjb)', async (t) => {
  await checkAnswers(t, await runNode(at('node-cjs'), 'main.cjs'));
});

async function tsc(project) {
  try {
    await run(BIN('tsc'), ['-p', project], { cwd: at('typescript') });
    return [];
  } catch (e) {
    return `${e.stdout}${e.stderr}`.split('\n').filter((l) => /error TS\d+/.test(l));
  }
}

test('TypeScript (strict, module nodenext): an ESM .mts and a CJS .cts consumer type-check', async () => {
  assert.deepEqual(await tsc('tsconfig.json'), [], 'tsc --noEmit -p tsconfig.json');
});

// init/initSync declare their inputs structurally, so a Node-only project (lib without "dom",
// skipLibCheck off) type-checks too.
test('TypeScript for Node only (lib es2022 + @types/node, no DOM lib, skipLibCheck off)', async () => {
  assert.deepEqual(await tsc('tsconfig.node.json'), [], 'tsc --noEmit -p tsconfig.node.json');
});

describe('in headless Chromium', () => {
  let browser;
  const servers = [];
  const served = async (root, routes) => {
    const s = await serve(root, routes);
    servers.push(s);
    return s.url;
  };

  before(async () => {
    browser = await launch();
  });
  after(async () => {
    if (browser) await browser.close();
    // After the browser: Chromium's keep-alive connections would hold the servers open.
    await Promise.all(servers.map((s) => s.close()));
  });

  /** Opens `url`, waits for the page's `window.kjbResults`, returns them and the page errors. */
  async function resultsOf(url) {
    const page = await browser.context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    try {
      await page.goto(url);
      await page.waitForFunction(() => window.kjbResults, null, { timeout: 20_000 });
      const results = await page.evaluate(() => window.kjbResults);
      assert.ok(!results.failed, `the page failed: ${results.failed}`);
      return { results, errors };
    } finally {
      await page.close();
    }
  }

  async function checkBundledApp(t, url) {
    const { results, errors } = await resultsOf(url);
    assert.deepEqual(
      results.page.beforeInit.error && [results.page.beforeInit.error.code, results.page.beforeInit.error.isKjbError],
      ['NOT_INITIALIZED', true],
      'calling before init() throws KjbError NOT_INITIALIZED',
    );
    await t.test('page', (st) => checkAnswers(st, results.page));
    await t.test('module worker', (st) => checkAnswers(st, results.worker));
    assert.deepEqual(errors, []);
  }

  test('Vite build: no config; page and bundled module worker', async (t) => {
    await viteBuild({ root: at('vite'), configFile: false, logLevel: 'warn' });
    const assets = readdirSync(at('vite', 'dist', 'assets'));
    assert.equal(
      assets.filter((f) => f.endsWith('.wasm')).length,
      1,
      `one wasm asset, shared by page and worker: ${assets}`,
    );
    await checkBundledApp(t, `${await served(at('vite', 'dist'))}/index.html`);
  });

  test('Vite dev server: no config (no optimizeDeps.exclude needed)', async (t) => {
    const server = await viteDevServer({
      root: at('vite'),
      configFile: false,
      logLevel: 'warn',
      server: { host: '127.0.0.1', port: 0, hmr: false },
    });
    await server.listen();
    try {
      await checkBundledApp(t, server.resolvedUrls.local[0]);
    } finally {
      await server.close();
    }
  });

  async function webpackBuild(config) {
    const stats = await new Promise((resolve, reject) => webpack(config, (e, s) => (e ? reject(e) : resolve(s))));
    const info = stats.toJson({ all: false, errors: true, warnings: true });
    assert.deepEqual(
      [...info.errors, ...info.warnings].map((m) => m.message || String(m)),
      [],
      'webpack: no errors, no warnings',
    );
    return stats;
  }

  test('webpack 5: the documented config (entry and output only; no experiments, no loader)', async (t) => {
    const { default: config } = await import(at('webpack', 'webpack.config.mjs'));
    await webpackBuild(config);
    assert.ok(
      readdirSync(at('webpack', 'dist')).some((f) => f.endsWith('.wasm')),
      'the wasm is emitted as an asset',
    );
    await checkBundledApp(t, `${await served(at('webpack'))}/index.html`);
  });

  test('webpack 5: also with experiments.asyncWebAssembly on', async (t) => {
    const { default: config } = await import(at('webpack', 'webpack.config.mjs'));
    await webpackBuild({
      ...config,
      experiments: { asyncWebAssembly: true },
      output: { ...config.output, path: at('webpack', 'dist-async') },
    });
    const html = readFileSync(at('webpack', 'index.html'), 'utf8').replace('./dist/', './dist-async/');
    await checkBundledApp(t, `${await served(at('webpack'), { '/async.html': html })}/async.html`);
  });

  test('module worker, no bundler: new Worker(url, {type: "module"}) imports lib/web.mjs', async (t) => {
    const { results, errors } = await resultsOf(`${await served(WORK)}/worker/index.html`);
    assert.equal(results.beforeInit.error && results.beforeInit.error.code, 'NOT_INITIALIZED');
    await checkAnswers(t, results);
    assert.deepEqual(errors, []);
  });
});

/** Chromium's id for an unpacked extension: sha256 of its path, first 32 hex digits as a–p. */
function unpackedExtensionId(path) {
  const hex = createHash('sha256').update(path).digest('hex').slice(0, 32);
  return [...hex].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join('');
}

const withoutComments = (js) =>
  js
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '')
    .replace(/<!--[\s\S]*?-->/g, '');

describe('Manifest V3 extension (www/extension) in Chromium', () => {
  const ext = at('extension');
  let context, profile, server, id;
  const errors = [];

  before(async () => {
    profile = mkdtempSync(join(tmpdir(), 'kjb-extension-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      headless: true, // with --headless=new below: the old headless mode cannot load extensions
      ignoreDefaultArgs: ['--disable-extensions'],
      args: [
        ...CHROMIUM_ARGS.filter((a) => !a.startsWith('--disable-extensions-except')),
        `--disable-extensions-except=${ext}`,
        `--load-extension=${ext}`,
      ],
    });
    // The service worker starts when the extension installs; its URL carries the extension id.
    let [worker] = context.serviceWorkers();
    if (!worker) worker = await context.waitForEvent('serviceworker', { timeout: 20_000 });
    assert.match(worker.url(), /^chrome-extension:\/\/[a-p]{32}\/service-worker\.js$/);
    id = new URL(worker.url()).host;
    assert.equal(id, unpackedExtensionId(ext), 'the id Chromium derives from the unpacked path');
    server = await serve(join(SRC, 'fixtures'));
  });
  after(async () => {
    if (context) await context.close();
    if (server) await server.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  test('the committed extension: the CSP line, a module service worker, no secret, no package code', () => {
    const manifest = JSON.parse(readFileSync(join(REPO, 'www/extension/manifest.json'), 'utf8'));
    assert.equal(manifest.manifest_version, 3);
    assert.deepEqual(manifest.background, { service_worker: 'service-worker.js', type: 'module' });
    assert.equal(
      manifest.content_security_policy.extension_pages,
      "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'",
    );
    for (const f of ['service-worker.js', 'popup.js', 'content.js', 'popup.html']) {
      const text = withoutComments(readFileSync(join(REPO, 'www/extension', f), 'utf8'));
      assert.doesNotMatch(
        text,
        /\bSigner\b|signRequest|appSecret|app_secret/,
        `${f} must not sign: that stays on a backend`,
      );
      assert.doesNotMatch(text, /\bimport\s*\(/, `${f}: static imports only`);
    }
    const committed = readdirSync(join(REPO, 'www/extension'), { recursive: true }).map(String);
    assert.ok(
      !committed.some((f) => /kjb_bg\.wasm$|(^|\/)kjb\.js$|web\.mjs$|api\.mjs$/.test(f) && !f.startsWith('vendor')),
      'no copy of package code outside vendor/',
    );
  });

  test('content script reads the order list; popup and service worker run kjb under the MV3 CSP', async (t) => {
    const page = await context.newPage();
    await page.goto(`${server.url}/order-list.html`);
    await page.waitForSelector('html[data-kjb-orders]', { timeout: 20_000 });
    assert.equal(await page.getAttribute('html', 'data-kjb-orders'), String(inputs.plan.orders.length));

    const popup = await context.newPage();
    popup.on('pageerror', (e) => errors.push(String(e)));
    popup.on('console', (m) => {
      if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) errors.push(m.text());
    });
    await popup.goto(`chrome-extension://${id}/popup.html`);
    await popup.waitForSelector('body[data-state=ready], body[data-state=failed]', { timeout: 20_000 });
    const text = (sel) => popup.textContent(sel).then((s) => s.trim());
    assert.equal(await popup.getAttribute('body', 'data-state'), 'ready', await text('#plan-error'));
    assert.match(await text('#source'), /^4 orders read from/);
    assert.deepEqual(
      JSON.parse(await popup.inputValue('#orders')).map((o) => o.orderId),
      inputs.plan.orders.map((o) => o.orderId),
    );

    // The tier line is computed in the popup itself as the buyer types.
    await popup.fill('#history', inputs.plan.history.join(', '));
    assert.equal(await text('#tier'), String(EXPECTED_QUOTE.tier));
    assert.equal(await text('#rate'), '0.15%');
    await popup.fill('#fx', inputs.plan.fx.usd);
    await popup.fill('#max-per-call', String(inputs.plan.maxPerCall));
    await popup.click('#plan');
    await popup.waitForSelector('body[data-state=planned], body[data-state=failed]', { timeout: 20_000 });
    // The service worker answered with its own wasm instance, and agrees on the tier.
    assert.equal(await text('#sw-tier'), String(EXPECTED_QUOTE.tier));

    await t.test('the plan: eligible count, fee at the tier, batches, rejected', async () => {
      const state = await popup.getAttribute('body', 'data-state');
      const planError = await text('#plan-error');
      assert.equal(state, 'planned', planError);
      assert.equal(await text('#eligible'), `${EXPECTED_TOTALS.payable} of ${EXPECTED_TOTALS.orders}`);
      assert.equal(await text('#fee'), EXPECTED_TOTALS.fee);
      assert.equal(await text('#amount'), EXPECTED_TOTALS.amount);
      assert.equal(await text('#fee-tier'), String(EXPECTED_TOTALS.tier));
      assert.equal(await text('#fee-rate'), '0.15%');
      const batches = await popup.$$eval('#batches li', (lis) => lis.map((li) => ({ ...li.dataset })));
      assert.equal(batches.length, 2);
      assert.deepEqual(batches.flatMap((b) => b.orderIds.split(',')).sort(), ELIGIBLE);
      const fen = (s) => Number(s.replace('.', ''));
      assert.equal(
        batches.reduce((s, b) => s + fen(b.fee), 0),
        fen(EXPECTED_TOTALS.fee),
      );
      const rejected = await popup.$$eval('#rejected li', (lis) => lis.map((li) => ({ ...li.dataset })));
      assert.equal(rejected.length, 1);
      assert.equal(rejected[0].orderId, REJECTED);
      assert.match(rejected[0].codes, /SUPPLIER_NOT_KJB/);
    });
    assert.deepEqual(errors, [], 'no page errors, no CSP violations');
  });
});
