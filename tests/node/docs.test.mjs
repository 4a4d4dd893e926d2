// The reference shipped in the package (docs/api.md) names every code the package can give, so
// the docs cannot drift from the code: an error code, an eligibility reason code or a refusal
// code of cashierUrls that exists in the installed package but has no row (with its meaning) in
// docs/api.md fails here, and so does a documented code the package no longer has.
//
// "In the package" is read from the package itself: the `ErrorCode`, `ReasonCode` and
// `RefusedOrder['code']` unions of its types, every code its JS raises (`new KjbError('…'`), and
// the wasm binary, which must really contain each error and reason code the types declare.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('./node_modules/kjb/', import.meta.url));
const read = (file) => readFileSync(root + file, 'utf8');
const api = read('docs/api.md');
const types = read('index.d.ts');

/** The string literals of a type alias or property union of index.d.ts (up to its `;`). */
function union(startPattern) {
  const m = types.match(startPattern);
  assert.ok(m, `index.d.ts has ${startPattern}`);
  const at = m.index + m[0].length;
  const end = types.indexOf(';', at);
  const body = types.slice(at, end).replace(/\/\*\*[\s\S]*?\*\//g, '');
  const codes = [...body.matchAll(/'([A-Z0-9_]+)'/g)].map((m) => m[1]);
  assert.ok(codes.length > 0, `${startPattern} lists codes`);
  return codes;
}

const REASONS = '### Eligibility codes';
const CASHIER = '### `client.cashierUrls';
const errorCodes = union(/export type ErrorCode =/);
const reasonCodes = union(/export type ReasonCode =/);
const refusalCodes = union(/interface RefusedOrder \{[\s\S]*?\n {2}code:/);

/** The text of docs/api.md from `heading` to the next heading of any level. */
function section(heading) {
  const from = api.indexOf(heading);
  assert.ok(from >= 0, `docs/api.md has ${heading}`);
  const next = api.slice(from + heading.length).search(/\n#{1,4} /);
  return next < 0 ? api.slice(from) : api.slice(from, from + heading.length + next);
}

/** The cells after the code of the table row for `code` in `heading`'s section, trimmed; null if none. */
function row(code, heading) {
  const m = section(heading).match(new RegExp(`^\\s*\\| \`${code}\` \\|(.*)\\|\\s*$`, 'm'));
  return m ? m[1].split('|').map((c) => c.trim()) : null;
}

/** The codes in the first column of the docs table whose header row starts with `| code |`, after `heading`. */
function documentedCodes(heading, header) {
  const text = section(heading);
  const start = text.indexOf(header);
  assert.ok(start >= 0, `docs/api.md has a table "${header}" under ${heading}`);
  const lines = text.slice(start).split('\n').slice(2);
  const codes = [];
  for (const line of lines) {
    const m = line.match(/^\s*\| `([^`]+)` \|/);
    if (!m) break;
    codes.push(m[1]);
  }
  return codes;
}

test('every error code of the package is in docs/api.md with its meaning', () => {
  for (const code of errorCodes) {
    const cells = row(code, '## Errors');
    assert.ok(cells, `docs/api.md has no row for the error code ${code}`);
    assert.ok(cells[0].length > 10, `docs/api.md says too little about ${code}: ${cells[0]}`);
  }
});

test('every code the package JS raises is a declared error code', () => {
  const files = [
    ...readdirSync(`${root}lib`)
      .filter((f) => /\.(mjs|cjs)$/.test(f))
      .map((f) => `lib/${f}`),
    'bin/kjb.cjs',
  ];
  const raised = new Set();
  for (const file of files) {
    for (const m of read(file).matchAll(/new (?:KjbError|InputError)\(\s*'([A-Z0-9_]+)'/g)) raised.add(m[1]);
  }
  assert.ok(
    raised.has('ABORTED') && raised.has('TOKEN_EXPIRED'),
    `the client raises ABORTED and TOKEN_EXPIRED: ${[...raised]}`,
  );
  for (const code of raised)
    assert.ok(errorCodes.includes(code), `the package raises ${code}, which ErrorCode in index.d.ts lacks`);
});

test('the declared error and reason codes are the ones the wasm core really has', () => {
  const wasm = readFileSync(`${root}web/kjb_bg.wasm`);
  // Raised only by the JS layer (not the core): they need not be in the binary.
  const jsOnly = new Set(['NOT_INITIALIZED', 'ABORTED']);
  for (const code of [...errorCodes, ...reasonCodes]) {
    if (jsOnly.has(code)) continue;
    assert.ok(wasm.includes(Buffer.from(code)), `${code} is declared in index.d.ts but the wasm core does not have it`);
  }
});

test('the docs error table lists only codes the package has', () => {
  for (const code of documentedCodes('## Errors', '| code | when |')) {
    assert.ok(
      errorCodes.includes(code),
      `docs/api.md documents the error code ${code}, which the package does not have`,
    );
  }
});

test('every eligibility reason code is in docs/api.md with its severity and rule, and no other', () => {
  const documented = documentedCodes(REASONS, '| code | severity |');
  assert.deepEqual(
    [...documented].sort(),
    [...reasonCodes].sort(),
    "the reason codes of docs/api.md are the package's",
  );
  for (const code of reasonCodes) {
    const [severity, rule] = row(code, REASONS);
    assert.match(severity, /^(block|warn)\b/, `${code}: severity`);
    assert.ok(rule.length > 10, `${code}: the rule`);
  }
  // The documented severity is the one checkOrders gives (for the codes a single order shows).
  const kjb = createRequire(import.meta.url)('kjb');
  const order = {
    orderId: '1',
    amount: '10.00',
    currency: 'USD',
    status: 'waitsellersend',
    tradeType: 'unknown',
    supplier: { loginId: 'a', kjb: 'unknown', chengxintong: false },
    items: [{ offerId: '2', title: 'tomato seeds', category: 'Gambling', kjb: false }],
    sellerOrder: true,
    redEnvelope: true,
  };
  const buyer = { verified: false, alipayPersonalLinked: false, alipayBusinessLinked: false, kjbActivated: false };
  const { results } = kjb.checkOrders({ orders: [order, order], buyer, fx: { usd: '7' } });
  const seen = results.flatMap((r) => r.reasons);
  assert.ok(seen.length >= 12, `enough reasons to compare: ${seen.map((r) => r.code)}`);
  for (const r of seen) {
    const cells = row(r.code, REASONS);
    assert.ok(cells, `checkOrders gives ${r.code}, which docs/api.md lacks`);
    assert.ok(cells[0].startsWith(r.severity), `${r.code} is ${r.severity}, docs/api.md says ${cells[0]}`);
  }
});

test('every refusal code of cashierUrls is in docs/api.md with its meaning, and no other', () => {
  const documented = documentedCodes(CASHIER, '| code | meaning |');
  assert.deepEqual(
    [...documented].sort(),
    [...refusalCodes].sort(),
    "the refusal codes of docs/api.md are the package's",
  );
  const client = read('lib/client.mjs');
  for (const code of refusalCodes) {
    assert.ok(client.includes(`'${code}'`), `RefusedOrder declares ${code}, which the client never gives`);
    assert.ok(row(code, CASHIER)[0].length > 10, `docs/api.md says too little about ${code}`);
  }
});

test('docs/api.md speaks of what is shipped: no future-tense version markers, nothing outside the package', () => {
  assert.doesNotMatch(api, /\(v1\.1\)|from v1\.1|v1\.1 adds/, 'v1.1 is shipped');
  assert.doesNotMatch(api, /\.\.\/shared|\/work\//, 'no pointers outside the package');
});
