// The package's web build in real headless Chromium: init guard, the contract example, errors.
import test from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { serve, launch } from './harness.mjs';

const root = fileURLToPath(new URL('../../pkg/', import.meta.url));

test('web build in Chromium: NOT_INITIALIZED before init, then the same answers as Node', async () => {
  const server = await serve(root, { '/': '<!doctype html><title>kjb</title>' });
  const browser = await launch();
  try {
    await browser.page.goto(`${server.url}/`);
    const out = await browser.page.evaluate(async () => {
      const kjb = await import('/lib/web.mjs');
      const r = {};
      try { kjb.quoteFee({ amount: '1' }); } catch (e) { r.before = [e.name, e.code, e instanceof kjb.KjbError]; }
      await kjb.default();
      await kjb.init(); // a second init is harmless
      r.quote = kjb.quoteFee({ amount: '10.00', history: ['150000'] });
      r.bad = [];
      for (const amount of ['abc', -1, NaN, '1.005', 1e21]) {
        try { kjb.quoteFee({ amount }); r.bad.push('no error'); } catch (e) { r.bad.push([e.code, e.path, e instanceof kjb.KjbError]); }
      }
      r.after = kjb.quoteFee({ amount: '100' }).fee;
      r.tiers = kjb.feeSchedule().tiers.length;
      return r;
    });
    assert.deepEqual(out.before, ['KjbError', 'NOT_INITIALIZED', true]);
    assert.equal(out.quote.fee, '0.02');
    assert.equal(out.quote.tier, 2);
    assert.equal(out.quote.rate, '0.0015');
    for (const b of out.bad) assert.deepEqual(b, ['INVALID_AMOUNT', 'amount', true]);
    assert.equal(out.after, '0.20');
    assert.equal(out.tiers, 6);
    assert.deepEqual(browser.errors, []);
  } finally {
    await browser.close();
    await server.close();
  }
});
