// The hostile-input cases (tests/node/hostile-cases.mjs) against the web build in real
// headless Chromium: the same inputs, the same expectations as in Node.
import test from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { serve, launch } from './harness.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));

test('hostile input in Chromium: KjbError every time, and the next call works', { timeout: 180_000 }, async () => {
  const server = await serve(root, { '/': '<!doctype html><title>kjb hostile</title>' });
  const browser = await launch();
  try {
    await browser.page.goto(`${server.url}/`);
    const results = await browser.page.evaluate(async () => {
      const kjb = await import('/pkg/lib/web.mjs');
      await kjb.init();
      const { hostileCases } = await import('/tests/node/hostile-cases.mjs');
      const fail = (msg) => {
        throw new Error(msg || 'assertion failed');
      };
      const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
      const tiny = {
        ok: (v, msg) => v || fail(msg),
        equal: (a, b, msg) => Object.is(a, b) || fail(`${msg || ''}: ${a} !== ${b}`),
        notEqual: (a, b, msg) => !Object.is(a, b) || fail(`${msg || ''}: ${a} === ${b}`),
        deepEqual: (a, b, msg) => same(a, b) || fail(`${msg || ''}: ${JSON.stringify(a)} != ${JSON.stringify(b)}`),
      };
      const out = [];
      for (const [name, fn] of hostileCases(kjb, tiny)) {
        try {
          fn();
          out.push([name, null]);
        } catch (e) {
          out.push([name, String(e && e.stack ? e.stack : e)]);
        }
      }
      return out;
    });
    assert.ok(results.length >= 8, `ran ${results.length} cases`);
    for (const [name, error] of results) assert.equal(error, null, `${name}: ${error}`);
    assert.deepEqual(browser.errors, []);
  } finally {
    await browser.close();
    await server.close();
  }
});
