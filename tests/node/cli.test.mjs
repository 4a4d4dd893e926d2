// The `kjb` command line as installed (node_modules/.bin/kjb), on the sample files in samples/.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { firstLine } from './support.mjs';

const KJB = fileURLToPath(new URL('./node_modules/.bin/kjb', import.meta.url));
const sample = (name) => fileURLToPath(new URL(`./samples/${name}`, import.meta.url));
const BIG = '3535260697417660107';

/** Runs kjb; resolves {code, stdout, stderr}. */
function kjb(args, { input, env } = {}) {
  return new Promise((resolve) => {
    const child = execFile(KJB, args, { env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? err.code : 0, stdout, stderr });
    });
    if (input !== undefined) child.stdin.end(input);
  });
}

async function ok(args, opts) {
  const r = await kjb(args, opts);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  return { json: JSON.parse(r.stdout), text: r.stdout };
}

async function bad(args, opts) {
  const r = await kjb(args, opts);
  assert.equal(r.code, 2, `exit code for ${args.join(' ')}: ${r.stdout}${r.stderr}`);
  assert.equal(r.stdout, '');
  const { error } = JSON.parse(r.stderr);
  assert.equal(typeof error.code, 'string');
  assert.equal(typeof error.message, 'string');
  assert.ok('path' in error);
  return error;
}

test('fee and schedule', async () => {
  const { json } = await ok(['fee', sample('fee.json')]);
  assert.equal(json.fee, '0.02');
  assert.equal(json.tier, 2);
  assert.equal((await ok(['schedule'])).json.tiers.length, 6);
});

test('check and plan keep a 19-digit id written as a JSON number exactly', async () => {
  const check = await ok(['check', sample('check.json')]);
  assert.deepEqual(
    check.json.results.map((r) => [r.orderId, r.eligible]),
    [
      [BIG, true],
      ['2026112510014182', false],
    ],
  );
  const plan = await ok(['plan', sample('plan.json')]);
  assert.deepEqual(
    plan.json.batches.map((b) => b.orderIds),
    [[BIG, '3535260697417660108']],
  );
  assert.deepEqual(
    plan.json.rejected.map((r) => r.orderId),
    ['2026112510014182'],
  );
  assert.ok(plan.text.includes(`"${BIG}"`));
});

test('stdin works the same as a file', async () => {
  const fromFile = await ok(['plan', sample('plan.json')]);
  const fromStdin = await ok(['plan', '-'], { input: readFileSync(sample('plan.json')) });
  assert.deepEqual(fromStdin.json, fromFile.json);
  assert.equal((await ok(['fee'], { input: '\uFEFF{"amount":"100"}' })).json.fee, '0.20');
});

test('sign reproduces the SDK vector V1 from ids written as JSON numbers; the secret may come from KJB_APP_SECRET', async () => {
  const { json } = await ok(['sign', sample('sign.json')]);
  assert.equal(json.signature, 'DB4E13177991F0EAEE5F0AD2E6A515D604A15E53');
  assert.equal(
    json.body,
    'access_token=00000000-test-token-0000&orderIdList=%5B3535260697417660107%2C3535260697417660108%2C3535260697417660109%5D&_aop_signature=DB4E13177991F0EAEE5F0AD2E6A515D604A15E53',
  );
  const input = JSON.stringify({
    ...JSON.parse(readFileSync(sample('sign.json'), 'utf8').replace(/\[(\d+), (\d+), (\d+)\]/, '["$1","$2","$3"]')),
    appSecret: undefined,
  });
  const viaEnv = await ok(['sign', '-'], { input, env: { KJB_APP_SECRET: 'TESTSECRET123' } });
  assert.equal(viaEnv.json.signature, json.signature);
  assert.ok(!viaEnv.text.includes('TESTSECRET123'));
});

test('verify-push and parse give ids as strings', async () => {
  const push = await ok(['verify-push', sample('verify-push.json')]);
  assert.equal(push.json.type, 'ORDER_BUYER_VIEW_ORDER_PAY');
  assert.equal(push.json.data.orderId, BIG);
  for (const file of ['parse.json', 'parse-object.json']) {
    const { json } = await ok(['parse', sample(file)]);
    assert.deepEqual(json.refused, [BIG], file);
    assert.match(json.payUrl, /^https:\/\//);
  }
});

test('bad input: exit code 2 and {"error":{code, message, path}} on stderr', async () => {
  assert.deepEqual(await bad(['fee', sample('bad-amount.json')]).then((e) => [e.code, e.path]), [
    'INVALID_AMOUNT',
    'amount',
  ]);
  const json = await bad(['fee', sample('bad-json.json')]);
  assert.equal(json.code, 'INVALID_JSON');
  assert.deepEqual([json.line, json.column], [2, 22]);
  assert.equal((await bad(['fee', '-'], { input: '{"amount":"1","amount":"2"}' })).code, 'INVALID_JSON');
  assert.equal((await bad(['fee', '-'], { input: '[1]' })).code, 'INVALID_INPUT');
  const order = await bad(['plan', sample('bad-order.json')]);
  assert.deepEqual([order.code, order.path], ['INVALID_ORDER_ID', 'orders[1].orderId']);
  const gw = await bad(['parse', sample('parse-error.json')]);
  assert.deepEqual([gw.code, gw.gatewayCode, gw.retryable], ['GATEWAY_ERROR', 'gw.SignatureInvalid', false]);
  assert.equal((await bad(['fee', sample('no-such-file.json')])).code, 'INVALID_INPUT');
  assert.equal((await bad(['frobnicate', sample('fee.json')])).code, 'INVALID_INPUT');
  assert.equal((await bad(['fee', sample('fee.json'), sample('fee.json')])).code, 'INVALID_INPUT');
  const deep = `{"amount":"1","x":${'['.repeat(100)}${']'.repeat(100)}}`;
  assert.equal((await bad(['fee', '-'], { input: deep })).code, 'INVALID_JSON');
});

test('--help and --version', async () => {
  const help = await kjb(['--help']);
  assert.equal(help.code, 0);
  for (const cmd of ['fee', 'check', 'plan', 'sign', 'verify-push', 'parse', 'sandbox'])
    assert.ok(help.stdout.includes(cmd), cmd);
  const version = await kjb(['--version']);
  const pj = createRequire(import.meta.url)('kjb/package.json');
  assert.equal(version.stdout.trim(), pj.version);
});

test('kjb sandbox starts the sandbox and prints its URL', async () => {
  const child = spawn(KJB, ['sandbox', '--port', '0', '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const url = await firstLine(child);
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal((await fetch(`${url}/_sandbox/state`)).status, 200);
  } finally {
    child.kill();
  }
});

test('plan given a bare order list says what the object around it holds', async () => {
  const orders = JSON.stringify(
    JSON.parse(readFileSync(sample('plan.json'), 'utf8').replace(/(\d{17,})/g, '"$1"')).orders,
  );
  const error = await bad(['plan', '-'], { input: orders });
  assert.equal(error.code, 'INVALID_INPUT');
  for (const field of ['"orders"', '"buyer"', '"fx"']) assert.ok(error.message.includes(field), error.message);
});

test('kjb token: exchanges a code or refreshes with the secret from KJB_APP_SECRET; the secret is never printed', async () => {
  const http = await import('node:http');
  const secret = 'Cli-Token-Secret-7Qx';
  const seen = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      const form = new URLSearchParams(body);
      seen.push([req.url, form.get('grant_type')]);
      res.setHeader('content-type', 'application/json');
      if (form.get('client_secret') !== secret) {
        res.statusCode = 401;
        return res.end('{"error":"invalid_client","error_description":"client_secret is wrong"}');
      }
      if (form.get('grant_type') === 'authorization_code' && form.get('code') !== 'good-code') {
        res.statusCode = 400;
        return res.end('{"error":"invalid_grant","error_description":"code is unknown, used or expired"}');
      }
      const refresh =
        form.get('grant_type') === 'authorization_code'
          ? ',"refresh_token":"r-1","refresh_token_timeout":"20270527183000+0800"'
          : '';
      res.end(
        `{"aliId":"1","resource_owner":"buyer","memberId":"b2b-1","expires_in":"36000","access_token":"a-${seen.length}"${refresh}}`,
      );
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const baseUrl = `http://127.0.0.1:${server.address().port}`;
  try {
    const env = { KJB_APP_SECRET: secret };
    const exchanged = await kjb(['token', '-'], {
      input: JSON.stringify({
        appKey: '1234567',
        code: 'good-code',
        redirectUri: 'https://erp.example.com/cb',
        baseUrl,
      }),
      env,
    });
    assert.equal(exchanged.code, 0, exchanged.stderr);
    const token = JSON.parse(exchanged.stdout);
    assert.equal(token.accessToken, 'a-1');
    assert.equal(token.refreshToken, 'r-1');
    assert.equal(token.refreshTokenExpiresAt, '2027-05-27T10:30:00.000Z');
    const refreshed = await kjb(['token'], {
      input: JSON.stringify({ appKey: '1234567', refreshToken: 'r-1', baseUrl }),
      env,
    });
    assert.equal(refreshed.code, 0, refreshed.stderr);
    assert.equal(JSON.parse(refreshed.stdout).accessToken, 'a-2');
    assert.deepEqual(seen, [
      ['/openapi/http/1/system.oauth2/getToken/1234567', 'authorization_code'],
      ['/openapi/http/1/system.oauth2/getToken/1234567', 'refresh_token'],
    ]);
    const used = await kjb(['token'], {
      input: JSON.stringify({ appKey: '1234567', code: 'used', redirectUri: 'https://erp.example.com/cb', baseUrl }),
      env,
    });
    assert.equal(used.code, 2);
    assert.equal(JSON.parse(used.stderr).error.gatewayCode, 'invalid_grant');
    const noSecret = await kjb(['token'], {
      input: JSON.stringify({ appKey: '1234567', refreshToken: 'r-1', baseUrl }),
      env: { KJB_APP_SECRET: '' },
    });
    assert.equal(noSecret.code, 2);
    assert.equal(JSON.parse(noSecret.stderr).error.path, 'appSecret');
    for (const r of [exchanged, refreshed, used, noSecret])
      assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret));
  } finally {
    server.close();
  }
});
