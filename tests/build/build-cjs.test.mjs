// scripts/build-cjs.mjs (esbuild) on the ESM constructs a regex rewrite gets wrong: the .cjs it
// writes must `require()` and behave like the .mjs, and what CJS cannot express must fail the
// build instead of giving a .cjs that throws later.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../../scripts/build-cjs.mjs', import.meta.url));
const REPO = fileURLToPath(new URL('../../', import.meta.url));

function buildIn(files) {
  const dir = mkdtempSync(join(tmpdir(), 'kjb-build-cjs-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const entries = Object.keys(files).map((f) => join(dir, f));
  const r = spawnSync(process.execPath, [SCRIPT, ...entries], { cwd: REPO, encoding: 'utf8' });
  return { dir, ...r };
}

test('generators, destructured and var exports, classes and sibling imports survive', (t) => {
  const { dir, status, stderr } = buildIn({
    'dep.mjs': `export class Failure extends Error {}\nexport const shared = { count: 0 };\n`,
    'main.mjs': [
      `import { Failure, shared } from './dep.mjs';`,
      `export function* ids() { yield '1'; yield '2'; }`,
      `export async function later() { return 'done'; }`,
      `const settings = { a: 1, b: { c: 2 } };`,
      `export const { a, b: { c } } = settings;`,
      `export var legacy = 'var';`,
      `export let counter = 0;`,
      `export function bump() { counter += 1; shared.count += 1; return counter; }`,
      `export { Failure };`,
      `export default function main() { return 'default'; }`,
      '',
    ].join('\n'),
  });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.equal(status, 0, stderr);
  const require = createRequire(join(dir, 'x.cjs'));
  const m = require('./main.cjs');
  assert.deepEqual([...m.ids()], ['1', '2']);
  assert.equal(m.a, 1);
  assert.equal(m.c, 2);
  assert.equal(m.legacy, 'var');
  assert.equal(m.bump(), 1);
  assert.equal(m.counter, 1, 'a live binding, as in ESM');
  assert.equal(m.default(), 'default');
  // The sibling is required, not copied: one module instance, one class.
  const dep = require('./dep.cjs');
  assert.equal(m.Failure, dep.Failure);
  assert.equal(dep.shared.count, 1);
  assert.ok(new m.Failure() instanceof dep.Failure);
  return m.later().then((v) => assert.equal(v, 'done'));
});

test('import.meta, which CommonJS lacks, fails the build', (t) => {
  const { dir, status, stderr } = buildIn({ 'meta.mjs': `export const here = new URL('x.wasm', import.meta.url);\n` });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.equal(status, 1, stderr);
  assert.match(stderr, /import\.meta/);
  assert.ok(!existsSync(join(dir, 'meta.cjs')), 'no .cjs is left behind');
});

test('an import that does not resolve fails the build', (t) => {
  const { dir, status, stderr } = buildIn({
    'broken.mjs': `import { nothing } from './missing.js';\nexport const x = nothing;\n`,
  });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.equal(status, 1, stderr);
  assert.match(stderr, /missing\.js/);
});
