// The package's web build in real headless Chromium: init guard, the contract example, errors.
import test from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
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
      try {
        kjb.quoteFee({ amount: '1' });
      } catch (e) {
        r.before = [e.name, e.code, e instanceof kjb.KjbError];
      }
      await kjb.default();
      await kjb.init(); // a second init is harmless
      r.quote = kjb.quoteFee({ amount: '10.00', history: ['150000'] });
      r.bad = [];
      for (const amount of ['abc', -1, NaN, '1.005', 1e21]) {
        try {
          kjb.quoteFee({ amount });
          r.bad.push('no error');
        } catch (e) {
          r.bad.push([e.code, e.path, e instanceof kjb.KjbError]);
        }
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

test('web build in Chromium: big order lists (staged into wasm memory) give the same plan as Node', async () => {
  const { planPayment } = await import('../../pkg/lib/node.mjs');
  const buyer = { verified: true, alipayPersonalLinked: true, alipayBusinessLinked: true, kjbActivated: true };
  // Titles heavy in 3- and 4-byte UTF-8, so staging outgrows its first guess; the refused-goods
  // keyword at the end of each title only warns if the whole text arrived.
  const orders = Array.from({ length: 1500 }, (_, i) => ({
    orderId: `35352606974${String(17660107 + i).padStart(8, '0')}`,
    amount: `${100 + i}.${String(i % 100).padStart(2, '0')}`,
    status: 'waitbuyerpay',
    tradeType: 'assureTrade',
    supplier: { loginId: `s${i}`, kjb: true, chengxintong: true },
    items: [{ offerId: String(610000000000 + i), title: `${'纯棉😀'.repeat(30 + (i % 5))} 蔬菜种子`, kjb: true }],
  }));
  const input = { buyer, fx: { usd: '7.1234' }, history: ['150000'], orders: JSON.stringify(orders) };
  const server = await serve(root, { '/': '<!doctype html><title>kjb</title>' });
  const browser = await launch();
  try {
    await browser.page.goto(`${server.url}/`);
    const out = await browser.page.evaluate(async (input) => {
      const kjb = await import('/lib/web.mjs');
      await kjb.init();
      const text = kjb.planPayment(input);
      const objects = kjb.planPayment({ ...input, orders: JSON.parse(input.orders) });
      return { text, objects };
    }, input);
    const node = planPayment(input);
    assert.deepEqual(out.text, node);
    assert.deepEqual(out.objects, node);
    assert.equal(node.totals.orders, 1500);
    assert.equal(node.totals.warned, 1500);
    assert.deepEqual(browser.errors, []);
  } finally {
    await browser.close();
    await server.close();
  }
});

test('web entry: initSync() while an init() is still loading leaves kjb working after both finish', async () => {
  const kjb = await import('../../pkg/lib/web.mjs');
  const bytes = readFileSync(new URL('../../pkg/web/kjb_bg.wasm', import.meta.url));
  const loading = kjb.init(bytes);
  kjb.initSync(bytes);
  assert.equal(kjb.quoteFee({ amount: '10.00', history: ['150000'] }).fee, '0.02');
  await loading; // the glue swaps in the instance this init made
  assert.equal(kjb.quoteFee({ amount: '10.00', history: ['150000'] }).fee, '0.02');
  assert.match(kjb.signature({ appSecret: 'S', urlPath: '', params: { a: 'b' } }), /^[0-9A-F]{40}$/);
});
