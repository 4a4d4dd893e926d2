// The demo (`make demo`) end to end in headless Chromium, in English and in 中文, at a laptop
// (1280×800) and a phone (390×844) viewport: the console loads the sample, shows eligibility
// and reasons in the page's language, gets cashier links from the sandbox gateway through the
// demo's backend, pays one on the sandbox cashier, sees the rows turn paid from the signed push,
// and asks again: every cashier button then pays exactly the unpaid orders of its own row. At
// every step: no console error, no sideways scrolling. Screenshots go to target/screenshots/.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launch } from './harness.mjs';
import { startDemo } from '../../www/server.mjs';
import { planPayment } from '../../pkg/lib/node.mjs';

const SHOTS = fileURLToPath(new URL('../../target/screenshots/', import.meta.url));
const SAMPLE = readFileSync(new URL('../../www/sample-orders.json', import.meta.url), 'utf8');
const SECRET = 'TESTSECRET123'; // the sandbox app's (fake) secret: it must never reach the page

const BIG_ID = '3535260697417660107'; // a JSON *number* in the sample file, above 2^53
const SEEDS = '2026112510017221'; // category "plant seeds"
const WARNED = '2026112510024312'; // a title with 营养液: warns, stays eligible
const OVER_LIMIT = '2026112510043559'; // 80,000,000.00 CNY: over the single-transaction limit
const REFUSED = ['2026112510003039', '2026112510027351']; // eligible, but the sandbox refuses them (quota, risk control)

const VIEWPORTS = [{ width: 1280, height: 800 }, { width: 390, height: 844 }];
const LANGS = ['en', 'zh'];

// What the page says, per language (the assertions read the page as its user would).
const TEXT = {
  en: {
    summary: /^30 of 40 orders eligible for KJB · 10 blocked · 1 with a warning$/,
    seeds: /goods KJB refuses \(Plant seeds\)/,
    overLimit: /\(11,267,605\.64 USD at 7\.1 CNY per USD\) is above KJB's single-transaction limit of 10,000,000\.00 USD/,
    getLinks: 'Get cashier links',
    linksDone: /^3 cashier links ready; 2 orders refused\./,
    linksAgain: /^2 cashier links ready; 2 orders refused\./,
    refusal: /KJB will not pay this order now/,
    detail: /^Gateway: \S/,
    paid: /· 9 paid$/,
    pay: /^Pay/,
  },
  zh: {
    summary: /^40 笔订单中 30 笔可用跨境宝 · 10 笔不可用 · 1 笔有提醒$/,
    seeds: /跨境宝禁止交易的商品（植物种子）/,
    overLimit: /折合 11,267,605\.64 美元）超过跨境宝单笔限额 10,000,000\.00 美元/,
    getLinks: '获取收银台链接',
    linksDone: /^已生成 3 个收银台链接；2 笔订单被拒绝。/,
    linksAgain: /^已生成 2 个收银台链接；2 笔订单被拒绝。/,
    refusal: /跨境宝暂不能支付该订单/,
    detail: /^网关原文：\S/,
    paid: /· 9 笔已支付$/,
    pay: /^Pay/,
  },
};

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
  for (let i = 0; i < 40; i++) {
    if (await page.evaluate((s) => document.activeElement === document.querySelector(s), selector)) {
      await page.keyboard.press('Enter');
      return;
    }
    await page.keyboard.press('Tab');
  }
  assert.fail(`${selector} cannot be reached with Tab`);
}

/** No sideways scrolling: the page is never wider than the window. */
async function assertNoHorizontalScroll(page, where) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  assert.ok(scrollWidth <= innerWidth, `${where}: the page scrolls sideways (scrollWidth ${scrollWidth} > innerWidth ${innerWidth})`);
}

/** A screenshot of the window and of the whole page, after checking the page does not scroll sideways. */
async function shot(page, name) {
  await assertNoHorizontalScroll(page, name);
  await page.screenshot({ path: `${SHOTS}${name}.png` });
  await page.screenshot({ path: `${SHOTS}${name}-full.png`, fullPage: true });
}

/** A screenshot of one part of the page (a card), to look at closely. */
async function shotOf(locator, name) {
  await locator.screenshot({ path: `${SHOTS}${name}.png` });
}

/** The chart's labels are readable: no bar over a tier label, no two month labels touching. */
async function assertChartReadable(page, where) {
  const boxes = await page.evaluate(() => {
    const box = (e) => {
      const r = e.getBoundingClientRect();
      return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, text: e.textContent };
    };
    const svg = document.querySelector('#chart svg');
    return {
      bars: [...svg.querySelectorAll('.bar')].map(box),
      tiers: [...svg.querySelectorAll('.threshold-label')].map(box),
      months: [...svg.querySelectorAll('.month')].map(box),
    };
  });
  const overlap = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  assert.ok(boxes.tiers.length >= 1, `${where}: the chart labels its tier thresholds`);
  for (const label of boxes.tiers) {
    for (const bar of boxes.bars) assert.ok(!overlap(label, bar), `${where}: a bar covers the tier label "${label.text}"`);
  }
  assert.ok(boxes.months.length >= 4, `${where}: at least every third month is labelled (${boxes.months.length})`);
  for (let i = 1; i < boxes.months.length; i++) {
    const [a, b] = [boxes.months[i - 1], boxes.months[i]];
    assert.ok(a.right + 2 <= b.left, `${where}: month labels "${a.text}" and "${b.text}" run together`);
  }
}

/** The ids each cashier button pays, by the plan row (batch) it sits in. */
async function buttonsByRow(page) {
  return page.locator('#batches-body tr').evaluateAll((rows) => rows.map((tr) => ({
    batch: tr.dataset.batch,
    ids: [...tr.querySelectorAll('td.ids code')].map((c) => c.textContent),
    buttons: [...tr.querySelectorAll('.cashier-link')].map((a) => ({ ids: a.dataset.orderIds.split(','), batch: a.dataset.batch, text: a.textContent })),
  })));
}

async function getLinks(page) {
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/cashier-links')),
    page.locator('#get-links').click(),
  ]);
  assert.equal(res.status(), 200);
  await page.locator('#get-links[aria-busy="false"]').waitFor();
}

for (const lang of LANGS) {
  for (const viewport of VIEWPORTS) {
    const tag = `${lang}-${viewport.width}x${viewport.height}`;
    test(`demo walk (${tag}): sample → eligibility → links → pay on the sandbox cashier → paid live → links again`, async () => {
      mkdirSync(SHOTS, { recursive: true });
      const T = TEXT[lang];
      await withDemo(viewport, async ({ page, context, errors }) => {
        await shot(page, `${tag}-0-empty`);
        if (lang === 'zh') {
          await page.locator('#lang').click();
          assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
        }
        if (lang === 'en' && viewport.width === 1280) await pressByKeyboard(page, '#load-sample');
        else await page.locator('#load-sample').click();
        await page.waitForSelector('#orders-body tr');

        // Eligibility: 40 orders, 30 eligible; ids as kjb returns them (the 19-digit number id intact).
        assert.equal(await page.locator('#orders-body tr').count(), 40);
        assert.match(await page.locator('#summary').textContent(), T.summary);
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
        assert.match(await seeds.locator('.reason[data-code="PROHIBITED_GOODS"] .reason-text').textContent(), T.seeds);
        const warned = page.locator(`tr[data-order-id="${WARNED}"]`);
        assert.equal(await warned.getAttribute('data-status'), 'eligible');
        assert.equal(await warned.locator('.reason.warn').getAttribute('data-code'), 'PROHIBITED_GOODS_SUSPECTED');
        // Limit messages print amounts with thousands separators, in both languages.
        assert.match(await page.locator(`tr[data-order-id="${OVER_LIMIT}"] .reason[data-code="OVER_TRANSACTION_LIMIT"] .reason-text`).textContent(), T.overLimit);

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
          const cells = await page.locator(`#batches-body tr[data-batch="${i + 1}"] td.num`).evaluateAll((tds) => tds.map((td) => td.lastChild.textContent));
          assert.deepEqual(cells.map(ungroup), [b.amount, b.amountUsd, b.fee]);
        }
        const grouped = (s) => s.replace(/^\d+/, (int) => int.replace(/\B(?=(\d{3})+$)/g, ','));
        assert.ok((await page.locator('#plan-summary').textContent()).includes(grouped(plan.totals.amount)), 'the plan summary groups its amounts');
        assert.ok(await page.locator('#chart svg .threshold').count() >= 1, 'the chart draws tier thresholds');
        assert.match(await page.locator('#chart svg .to-next-label').textContent(), lang === 'en' ? /CNY to tier 3/ : /距第 3 档还差/);
        await assertChartReadable(page, tag);
        await shotOf(page.locator('section.fee'), `${tag}-1-fee`);
        await page.locator('#orders-h').scrollIntoViewIfNeeded();
        await shot(page, `${tag}-1-orders`);

        // Cashier links from the sandbox gateway, through the demo's backend (which holds the secret).
        assert.equal(await page.locator('#get-links').textContent(), T.getLinks);
        await getLinks(page);
        assert.equal(await page.locator('.cashier-link').count(), 3);
        assert.match(await page.locator('#links-note').textContent(), T.linksDone);
        for (const id of REFUSED) {
          const row = page.locator(`tr[data-order-id="${id}"]`);
          assert.equal(await row.getAttribute('data-status'), 'refused');
          // The page's own text for the refusal code, in the page's language; 1688's words as detail.
          assert.match(await row.locator('.reason[data-code="GATEWAY_REFUSED"] .reason-text').textContent(), T.refusal);
          assert.match(await row.locator('.reason[data-code="GATEWAY_REFUSED"] .reason-detail').textContent(), T.detail);
          assert.match(await page.locator(`#refused li[data-order-id="${id}"] .reason-text`).textContent(), T.refusal);
        }
        let rows = await buttonsByRow(page);
        for (const row of rows) {
          assert.equal(row.buttons.length, 1, `row ${row.batch} has one cashier button`);
          for (const b of row.buttons) {
            assert.equal(b.batch, row.batch);
            for (const id of b.ids) assert.ok(row.ids.includes(id), `button of row ${row.batch} pays ${id}, an order of its row`);
          }
        }
        const link = page.locator('#batches-body tr[data-batch="1"] .cashier-link');
        const paidIds = (await link.getAttribute('data-order-ids')).split(',');
        assert.ok(paidIds.includes(BIG_ID) && paidIds.length === 9, `link 1 holds batch 1 but the refused order: ${paidIds}`);
        await page.locator('#plan-h').scrollIntoViewIfNeeded();
        await shot(page, `${tag}-2-links`);
        await shotOf(page.locator('section.plan'), `${tag}-2-plan`);
        await shotOf(page.locator(`tr[data-order-id="${REFUSED[0]}"]`), `${tag}-2-refused-row`);

        // Open the link (a new tab, same origin) and pay on the sandbox cashier.
        const [cashier] = await Promise.all([context.waitForEvent('page'), link.click()]);
        cashier.on('pageerror', (e) => errors.push(`cashier: ${e}`));
        cashier.on('console', (m) => { if (m.type() === 'error') errors.push(`cashier: ${m.text()}`); });
        await cashier.setViewportSize(viewport);
        await cashier.waitForLoadState();
        assert.match(cashier.url(), /\/cashier\?token=/);
        // The sandbox's cashier page must not scroll sideways either; checked at the end so the
        // walk (and its screenshots) goes on.
        const cashierOverflow = await cashier.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        await cashier.screenshot({ path: `${SHOTS}${tag}-3-cashier.png`, fullPage: true });
        await cashier.getByRole('button', { name: T.pay }).click();
        await cashier.locator('.paid').waitFor();
        await cashier.screenshot({ path: `${SHOTS}${tag}-4-cashier-paid.png`, fullPage: true });
        await cashier.close();

        // The signed push reached the backend, which told the page: the rows turned paid.
        for (const id of paidIds) await page.locator(`tr[data-order-id="${id}"][data-status="paid"]`).waitFor({ timeout: 10000 });
        assert.match(await page.locator('#summary').textContent(), T.paid);
        assert.equal(await page.locator('#orders-body tr[data-status="paid"]').count(), 9);
        await page.locator(`tr[data-order-id="${BIG_ID}"]`).scrollIntoViewIfNeeded();
        await shot(page, `${tag}-5-paid`);

        // After the partial payment, links again: row 1 has nothing left to pay (its one unpaid
        // order is refused again), rows 2 and 3 get a button each for their own orders.
        await getLinks(page);
        assert.match(await page.locator('#links-note').textContent(), T.linksAgain);
        rows = await buttonsByRow(page);
        assert.deepEqual(rows.map((r) => r.buttons.length), [0, 1, 1]);
        for (const row of rows) {
          for (const b of row.buttons) {
            assert.equal(b.batch, row.batch);
            assert.match(b.text, new RegExp(`${row.batch}$`), `the button of row ${row.batch} is numbered for its row`);
            for (const id of b.ids) {
              assert.ok(row.ids.includes(id), `button of row ${row.batch} pays ${id}, an order of its row`);
              assert.ok(!paidIds.includes(id), `button of row ${row.batch} does not pay the paid order ${id} again`);
            }
          }
        }
        await page.locator('#plan-h').scrollIntoViewIfNeeded();
        await shot(page, `${tag}-6-links-again`);
        await shotOf(page.locator('section.plan'), `${tag}-6-plan`);

        assert.deepEqual(errors, []);
        assert.ok(cashierOverflow <= 0, `${tag}: the sandbox cashier page scrolls sideways by ${cashierOverflow} px`);
      });
    });
  }
}

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
