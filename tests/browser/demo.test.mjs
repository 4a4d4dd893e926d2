// The demo (`make demo`) end to end in headless Chromium: the console loads the sample, shows
// eligibility and reasons in English and Chinese, gets cashier links from the sandbox gateway
// through the demo's backend, pays one on the sandbox cashier, and sees the rows turn paid from
// the signed push, live. Screenshots go to tests/artifacts/ (gitignored).
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launch } from './harness.mjs';
import { startDemo } from '../../www/server.mjs';
import { planPayment } from '../../pkg/lib/node.mjs';

const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
const SAMPLE = readFileSync(new URL('../../www/sample-orders.json', import.meta.url), 'utf8');
const SECRET = 'TESTSECRET123'; // the sandbox app's (fake) secret: it must never reach the page

const BIG_ID = '3535260697417660107'; // a JSON *number* in the sample file, above 2^53
const SEEDS = '2026112510017221'; // category "plant seeds"
const WARNED = '2026112510024312'; // a title with 营养液: warns, stays eligible
const REFUSED = ['2026112510003039', '2026112510027351']; // eligible, but the sandbox refuses them (quota, risk control)

async function withDemo(viewport, fn) {
  const demo = await startDemo({ port: 0 });
  const browser = await launch({ viewport });
  const offOrigin = [];
  browser.context.on('request', (r) => {
    if (!r.url().startsWith(`${demo.url}/`) && !r.url().startsWith('data:')) offOrigin.push(r.url());
  });
  try {
    await browser.page.goto(`${demo.url}/`);
    await browser.page.waitForSelector('body[data-ready="true"]');
    await fn({ demo, ...browser });
    assert.deepEqual(offOrigin, [], 'the console loads nothing from outside its own server');
  } finally {
    await browser.close();
    await demo.close();
  }
}

/** Presses Tab until `selector` has focus (so the control is reachable by keyboard), then Enter. */
async function pressByKeyboard(page, selector) {
  for (let i = 0; i < 30; i++) {
    if (await page.evaluate((s) => document.activeElement === document.querySelector(s), selector)) {
      await page.keyboard.press('Enter');
      return;
    }
    await page.keyboard.press('Tab');
  }
  assert.fail(`${selector} cannot be reached with Tab`);
}

test('demo: sample → eligibility → 中文 → cashier links → pay on the sandbox cashier → row turns paid live', async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await withDemo({ width: 1280, height: 800 }, async ({ page, context, errors }) => {
    await pressByKeyboard(page, '#load-sample');
    await page.waitForSelector('#orders-body tr');

    // Eligibility: 40 orders, 30 eligible; ids as kjb returns them (the 19-digit number id intact).
    assert.equal(await page.locator('#orders-body tr').count(), 40);
    assert.match(await page.locator('#summary').textContent(), /^30 of 40 orders eligible for KJB · 10 blocked · 1 with a warning$/);
    assert.equal(await page.locator('#summary').getAttribute('data-eligible'), '30');
    assert.equal(await page.locator(`tr[data-order-id="${BIG_ID}"]`).getAttribute('data-status'), 'eligible');
    const codes = new Set(await page.locator('#orders-body .reason').evaluateAll((els) => els.map((e) => e.dataset.code)));
    for (const code of [
      'SUPPLIER_NOT_KJB', 'SUPPLIER_NOT_CHENGXINTONG', 'TRADE_NOT_GUARANTEED', 'ORDER_NOT_AWAITING_PAYMENT',
      'PROHIBITED_GOODS', 'RED_ENVELOPE_USED', 'MANUAL_ORDER', 'OVER_TRANSACTION_LIMIT', 'OFFER_NOT_KJB',
      'CURRENCY_UNSUPPORTED', 'PROHIBITED_GOODS_SUSPECTED',
    ]) assert.ok(codes.has(code), `a ${code} reason is shown`);
    const seeds = page.locator(`tr[data-order-id="${SEEDS}"]`);
    assert.equal(await seeds.getAttribute('data-status'), 'blocked');
    assert.match(await seeds.locator('.reason[data-code="PROHIBITED_GOODS"]').textContent(), /PROHIBITED_GOODS.*goods KJB refuses \(Plant seeds\)/);
    const warned = page.locator(`tr[data-order-id="${WARNED}"]`);
    assert.equal(await warned.getAttribute('data-status'), 'eligible');
    assert.equal(await warned.locator('.reason.warn').getAttribute('data-code'), 'PROHIBITED_GOODS_SUSPECTED');

    // The fee panel and the plan show exactly the strings kjb computes for the page's inputs.
    const inputs = await page.evaluate(() => ({
      history: [...document.querySelectorAll('#history input')].map((i) => i.value),
      fx: document.querySelector('#fx').value,
    }));
    const buyer = { verified: true, alipayPersonalLinked: true, alipayBusinessLinked: true, kjbActivated: true };
    const plan = planPayment({ orders: SAMPLE, buyer, fx: { usd: inputs.fx }, paidTodayUsd: '0', history: inputs.history, maxPerCall: 10 });
    const ungroup = (s) => s.replace(/,/g, '');
    assert.equal(ungroup(await page.locator('#fee-total').textContent()), `${plan.totals.fee} CNY`);
    assert.equal(await page.locator('#batches-body tr').count(), plan.batches.length);
    for (const [i, b] of plan.batches.entries()) {
      const cells = await page.locator(`#batches-body tr[data-batch="${i + 1}"] td.num`).allTextContents();
      assert.deepEqual(cells.map(ungroup), [b.amount, b.amountUsd, b.fee]);
    }
    assert.ok(await page.locator('#chart svg .threshold').count() >= 1, 'the chart draws tier thresholds');
    assert.match(await page.locator('#chart svg .to-next-label').textContent(), /CNY to tier 3/);

    // 中文: reasons switch to messageZh and the labels to Chinese; and back.
    await page.locator('#lang').click();
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
    assert.match(await seeds.locator('.reason[data-code="PROHIBITED_GOODS"] .reason-text').textContent(), /跨境宝禁止交易的商品（植物种子）/);
    assert.match(await page.locator('#summary').textContent(), /40 笔订单中 30 笔可用跨境宝/);
    assert.equal(await page.locator('#get-links').textContent(), '获取收银台链接');
    await page.locator('#lang').click();
    assert.equal(await page.locator('#get-links').textContent(), 'Get cashier links');

    // Cashier links from the sandbox gateway, through the demo's backend (which holds the secret).
    await page.locator('#get-links').click();
    await page.locator('.cashier-link').first().waitFor();
    assert.equal(await page.locator('.cashier-link').count(), 3);
    for (const id of REFUSED) assert.equal(await page.locator(`tr[data-order-id="${id}"]`).getAttribute('data-status'), 'refused');
    const link = page.locator('.cashier-link').first();
    const paidIds = (await link.getAttribute('data-order-ids')).split(',');
    assert.ok(paidIds.includes(BIG_ID) && paidIds.length === 9, `link 1 holds batch 1 but the refused order: ${paidIds}`);
    await page.screenshot({ path: `${ARTIFACTS}demo-1280x800-links.png` });

    // Open the link (a new tab, same origin) and pay on the sandbox cashier.
    const [cashier] = await Promise.all([context.waitForEvent('page'), link.click()]);
    cashier.on('pageerror', (e) => errors.push(`cashier: ${e}`));
    cashier.on('console', (m) => { if (m.type() === 'error') errors.push(`cashier: ${m.text()}`); });
    await cashier.waitForLoadState();
    assert.match(cashier.url(), /\/cashier\?token=/);
    await cashier.getByRole('button', { name: /^Pay/ }).click();
    await cashier.locator('.paid').waitFor();
    await cashier.screenshot({ path: `${ARTIFACTS}demo-cashier-paid.png` });
    await cashier.close();

    // The signed push reached the backend, which told the page: the rows turned paid.
    for (const id of paidIds) await page.locator(`tr[data-order-id="${id}"][data-status="paid"]`).waitFor({ timeout: 10000 });
    assert.match(await page.locator('#summary').textContent(), /· 9 paid$/);
    assert.equal(await page.locator('#orders-body tr[data-status="paid"]').count(), 9);

    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${ARTIFACTS}demo-1280x800.png` });
    await page.screenshot({ path: `${ARTIFACTS}demo-1280x800-full.png`, fullPage: true });

    // Phone width: one column, no sideways scrolling, the paid rows still shown.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.evaluate(() => window.scrollTo(0, 0));
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no horizontal overflow at 390 px');
    await page.screenshot({ path: `${ARTIFACTS}demo-390x844.png` });
    await page.locator(`tr[data-order-id="${BIG_ID}"]`).scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${ARTIFACTS}demo-390x844-paid.png` });

    assert.deepEqual(errors, []);
  });
});

test('demo: CSV upload, pasted JSON with a 19-digit number id, input errors shown at the field', async () => {
  await withDemo({ width: 1280, height: 800 }, async ({ page, errors }) => {
    const csv = [
      'orderId,amount,supplierLoginId,supplierKjb,offerId,title,category',
      '1001,120.50,yiwu-a,true,610000000001,"Mug, ceramic",home',
      '1001,120.50,yiwu-a,true,610000000002,Saucer,home',
      '1002,80.00,gz-b,no,610000000003,T-shirt,apparel',
    ].join('\n');
    await page.setInputFiles('#upload', { name: 'orders.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.waitForSelector('#orders-body tr[data-order-id="1002"]');
    assert.equal(await page.locator('#orders-body tr').count(), 2);
    assert.equal(await page.locator('tr[data-order-id="1001"]').getAttribute('data-status'), 'eligible');
    assert.match(await page.locator('tr[data-order-id="1001"] td.items').textContent(), /Mug, ceramic.*\+1 more/);
    assert.equal(await page.locator('tr[data-order-id="1002"] .reason').getAttribute('data-code'), 'SUPPLIER_NOT_KJB');
    assert.match(await page.locator('#source').textContent(), /orders\.csv \(CSV, 2 orders\)/);

    await page.locator('#toggle-paste').click();
    await page.locator('#paste').fill('[{"orderId": 9223372036854775807, "amount": "10.00", "status": "waitbuyerpay", "tradeType": "assureTrade", "supplier": {"loginId": "s", "kjb": true, "chengxintong": true}, "items": [{"offerId": 1}]}]');
    await page.locator('#use-paste').click();
    await page.waitForSelector('#orders-body tr[data-order-id="9223372036854775807"]');

    await page.locator('#fx').fill('abc');
    await page.locator('#fx[aria-invalid="true"]').waitFor();
    assert.match(await page.locator('#banner').textContent(), /INVALID_RATE at fx\.usd/);
    assert.equal(await page.locator('#get-links').isDisabled(), true, 'no links from a stale plan');
    await page.locator('#fx').fill('7.10');
    await page.locator('#banner').waitFor({ state: 'hidden' });
    assert.equal(await page.locator('#get-links').isDisabled(), false);

    assert.deepEqual(errors, []);
  });
});

test('demo backend: the secret stays on the server; pushes are verified; bad input is refused', async () => {
  const demo = await startDemo({ port: 0 });
  try {
    for (const path of ['/', '/app.mjs', '/sample-orders.json', '/api/info', '/api/payments', '/pkg/lib/web.mjs']) {
      const res = await fetch(`${demo.url}${path}`);
      assert.equal(res.status, 200, path);
      assert.ok(!(await res.text()).includes(SECRET), `${path} does not carry the app secret`);
    }
    for (const path of ['/server.mjs', '/pkg/sandbox/default-config.json', '/pkg/lib/node.cjs', '/../www/server.mjs']) {
      assert.equal((await fetch(`${demo.url}${path}`)).status, 404, path);
    }
    const wasm = await fetch(`${demo.url}/pkg/web/kjb_bg.wasm`);
    assert.equal(wasm.headers.get('content-type'), 'application/wasm');

    // A push not signed with the app secret is refused and changes nothing.
    const message = JSON.stringify({ msgId: '1', type: 'ORDER_BUYER_VIEW_ORDER_PAY', data: { orderId: 1001 } });
    const forged = await fetch(`${demo.url}/push`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ message, _aop_signature: 'A'.repeat(40) }).toString(),
    });
    assert.equal(forged.status, 401);
    assert.deepEqual((await (await fetch(`${demo.url}/api/payments`)).json()).payments, []);

    const post = (body) => fetch(`${demo.url}/api/cashier-links`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    assert.equal((await post('{"orderIds": [9007199254740993]}')).status, 400, 'an unsafe number id is refused');
    assert.equal((await post('{"orderIds": ["1"], "maxPerCall": 31}')).status, 400);
    assert.equal((await post('not json')).status, 400);
    const ok = await (await post('{"orderIds": ["2026112510000000"]}')).json();
    assert.equal(ok.links.length, 1);
    assert.match(ok.links[0].payUrl, new RegExp(`^${demo.url}/cashier\\?token=`));
  } finally {
    await demo.close();
  }
});
