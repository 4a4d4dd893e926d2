// The demo (`make demo`) end to end in headless Chromium, in English and in 中文, at a laptop
// (1280×800) and a phone (390×844) viewport — the whole payment loop against the sandbox:
// connect the 1688 account (the sandbox's OAuth page), import the orders from 1688's own
// getBuyerOrderList answers (ordersFrom1688, in the page), eligibility and fees, the token
// expiring and kjb refreshing it, cashier links (refusals explained in the page's language),
// paying on the sandbox cashier (one batch paid, one failing ACCOUNT_BALANCE_NOT_ENOUGH with its
// push lost and pulled instead), a second "Get cashier links" after the partial payment, time
// passing until an unpaid order closes — and the reconciliation panel (paymentState) where every
// order sent to the cashier ends paid, failed (with the reason) or closed. At every step: no
// console error, no sideways scrolling. Screenshots go to target/screenshots/.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launch } from './harness.mjs';
import { startDemo } from '../../www/server.mjs';
import { defaultConfig } from '../../pkg/sandbox/config.mjs';

const SHOTS = fileURLToPath(new URL('../../target/screenshots/', import.meta.url));
const SECRET = 'TESTSECRET123'; // the sandbox app's (fake) secret: it must never reach the page

// Orders of the sandbox's default config (pkg/sandbox/default-config.json).
const BIG_ID = '3535260697417660107'; // above 2^53: 1688 sends it as a JSON number beside idOfStr
const SEEDS = '2026112510017221'; // 种子 in the title: prohibited goods
const OVER_LIMIT = '2026112510043559'; // 80,000,000.00 CNY: over the single-transaction limit
// The plan's four calls of 10: call 1 holds a MANUAL-TRADE order, so 1688 refuses the whole call
// ("Batch pay : not surport MANUAL-TRADE!"); call 3 likewise with a stock error; calls 2 and 4
// get a link, call 4's without the orders KJB lists in cantPayOrderList.
const KJB_REFUSED = '2026112510041533'; // call 4: KJB puts it in cantPayOrderList (quota)
const MANUAL = '2026112510010130'; // call 1: the manual order itself
const STOCK = '2026112510030390'; // call 3: 操作库存失败:PRODUCT_TRADE_STAT_ERROR
const CLOSES = ['2026112510006078', '2026112510019247']; // call 4; payTimeout 1 day, created 22 h before the sandbox started

const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
];
const LANGS = ['en', 'zh'];

// What the page says, per language (the assertions read the page as its user would).
const TEXT = {
  en: {
    notConnected: /^Not connected/,
    connected: /^Connected: erp-demo-buyer/,
    expires: /^…\w{4}, expires .+ \(in (9 h 5\d|10 h 0) min\)$/,
    imported: /^48 orders imported from 1688 \(1 getBuyerOrderList answer, read by kjb's ordersFrom1688\)$/,
    summary: /^40 of 48 orders eligible for KJB · 8 blocked$/,
    seeds: /goods KJB refuses/,
    overLimit:
      /\(11,267,605\.64 USD at 7\.1 CNY per USD\) is above KJB's single-transaction limit of 10,000,000\.00 USD/,
    refreshed: /the gateway answered 401 "Request need user authorized": kjb refreshed the token/,
    linksDone: /^2 cashier links ready; 23 orders refused\./,
    refusal: {
      REFUSED: /KJB will not pay this order now/,
      MANUAL_ORDER: /cannot batch-pay an order the seller placed by hand/,
      PRODUCT_TRADE_STAT_ERROR: /could not reserve the stock/,
    },
    detail: /^Gateway: \S/,
    dropped: /will not deliver the next push/,
    pulled: /^Pulled 1 message \(1 new\) and confirmed them/,
    balance: /balance .* was not enough/,
    advanced: /^The sandbox clock moved on 2 hours: 2 unpaid orders closed\.$/,
    closed: /1688 closed the order/,
  },
  zh: {
    notConnected: /^尚未连接/,
    connected: /^已连接：erp-demo-buyer/,
    expires: /^…\w{4}，.+ 过期（(9 小时 5\d|10 小时 0) 分钟后）$/,
    imported: /^从 1688 导入 48 笔订单（1 个 getBuyerOrderList 应答，由 kjb 的 ordersFrom1688 读取）$/,
    summary: /^48 笔订单中 40 笔可用跨境宝 · 8 笔不可用$/,
    seeds: /跨境宝禁止交易的商品/,
    overLimit: /折合 11,267,605\.64 美元）超过跨境宝单笔限额 10,000,000\.00 美元/,
    refreshed: /网关返回 401 "Request need user authorized"：kjb 已刷新令牌/,
    linksDone: /^已生成 2 个收银台链接；23 笔订单被拒绝。/,
    refusal: {
      REFUSED: /跨境宝暂不能支付该订单/,
      MANUAL_ORDER: /1688 不支持批量支付卖家手工下的订单/,
      PRODUCT_TRADE_STAT_ERROR: /1688 操作库存失败/,
    },
    detail: /^网关原文：\S/,
    dropped: /沙箱不会投递下一条推送/,
    pulled: /^拉取了 1 条消息（1 条新消息）并已确认/,
    balance: /余额不足/,
    advanced: /^沙箱时钟快进了 2 小时：2 笔未付款订单已关闭。$/,
    closed: /1688后台已关闭该订单/,
  },
};

async function withDemo(viewport, fn, config = undefined) {
  const demo = await startDemo({ port: 0, config });
  const browser = await launch({ viewport });
  const offOrigin = [];
  browser.context.on('request', (r) => {
    if (!r.url().startsWith(`${demo.url}/`) && !r.url().startsWith('data:')) offOrigin.push(r.url());
  });
  // Nothing the page receives may carry the app secret or the buyer's token.
  const seen = [];
  browser.context.on('response', async (r) => {
    if (!r.url().startsWith(`${demo.url}/`) || r.url().includes('/api/events')) return;
    try {
      seen.push({ url: r.url(), text: await r.text() });
    } catch {
      // redirects and aborted loads have no body
    }
  });
  try {
    await browser.page.goto(`${demo.url}/`);
    await browser.page.waitForSelector('body[data-ready="true"]');
    await fn({ demo, ...browser });
    assert.deepEqual(offOrigin, [], 'the console loads nothing from outside its own server');
    for (const { url, text } of seen) assert.ok(!text.includes(SECRET), `${url} does not carry the app secret`);
    const tokens = await (await fetch(`${demo.url}/_sandbox/state`)).text();
    for (const t of new Set(tokens.match(/[0-9a-f]{32}/g) || [])) {
      for (const { url, text } of seen)
        if (!url.includes('/_sandbox/')) assert.ok(!text.includes(t), `${url} does not carry a sandbox token`);
    }
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
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  assert.ok(
    scrollWidth <= innerWidth,
    `${where}: the page scrolls sideways (scrollWidth ${scrollWidth} > innerWidth ${innerWidth})`,
  );
}

/** A screenshot of the window, after checking the page does not scroll sideways. */
async function shot(page, name) {
  await assertNoHorizontalScroll(page, name);
  await page.screenshot({ path: `${SHOTS}${name}.png` });
}

/** A screenshot of one part of the page (a card), to look at closely. */
async function shotOf(locator, name) {
  await locator.scrollIntoViewIfNeeded();
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
    for (const bar of boxes.bars)
      assert.ok(!overlap(label, bar), `${where}: a bar covers the tier label "${label.text}"`);
  }
  assert.ok(boxes.months.length >= 4, `${where}: at least every third month is labelled (${boxes.months.length})`);
  for (let i = 1; i < boxes.months.length; i++) {
    const [a, b] = [boxes.months[i - 1], boxes.months[i]];
    assert.ok(a.right + 2 <= b.left, `${where}: month labels "${a.text}" and "${b.text}" run together`);
  }
}

/** The ids each cashier button pays, by the plan row (batch) it sits in. */
async function buttonsByRow(page) {
  return page.locator('#batches-body tr').evaluateAll((rows) =>
    rows.map((tr) => ({
      batch: tr.dataset.batch,
      ids: [...tr.querySelectorAll('td.ids code')].map((c) => c.textContent),
      buttons: [...tr.querySelectorAll('.cashier-link')].map((a) => ({
        ids: a.dataset.orderIds.split(','),
        batch: a.dataset.batch,
        text: a.textContent,
      })),
    })),
  );
}

/** Every button pays only orders of its own row, none of them paid already. */
function assertButtonsMatchRows(rows, paid = new Set()) {
  for (const row of rows) {
    for (const b of row.buttons) {
      assert.equal(b.batch, row.batch);
      assert.match(b.text, new RegExp(`${row.batch}$`), `the button of row ${row.batch} is numbered for its row`);
      for (const id of b.ids) {
        assert.ok(row.ids.includes(id), `button of row ${row.batch} pays ${id}, an order of its row`);
        assert.ok(!paid.has(id), `button of row ${row.batch} does not pay the paid order ${id} again`);
      }
    }
  }
}

/** Waits until the text of `selector` matches `re` (the page renders after the answer arrives). */
async function waitForText(page, selector, re) {
  try {
    await page.waitForFunction(
      ([sel, source, flags]) => new RegExp(source, flags).test(document.querySelector(sel)?.textContent ?? ''),
      [selector, re.source, re.flags],
      { timeout: 10000 },
    );
  } catch {
    assert.match(await page.locator(selector).textContent(), re);
  }
}

async function clickAndWait(page, selector, path) {
  const [res] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === path),
    page.locator(selector).click(),
  ]);
  assert.equal(res.status(), 200, `${path} answered ${res.status()}`);
  return res;
}

async function getLinks(page) {
  await clickAndWait(page, '#get-links', '/api/cashier-links');
  await page.locator('#get-links[aria-busy="false"]').waitFor();
}

/** Opens a cashier link (a new tab), checks the cashier page, pays with `outcome`. */
async function payOnCashier({ context, errors }, link, outcome, viewport, name) {
  const [cashier] = await Promise.all([context.waitForEvent('page'), link.click()]);
  cashier.on('pageerror', (e) => errors.push(`cashier: ${e}`));
  cashier.on('console', (m) => {
    if (m.type() === 'error') errors.push(`cashier: ${m.text()}`);
  });
  await cashier.setViewportSize(viewport);
  await cashier.waitForLoadState();
  assert.match(cashier.url(), /\/cashier\?token=/);
  await assertNoHorizontalScroll(cashier, `${name} (the sandbox cashier)`);
  await cashier.locator('select[name="outcome"]').selectOption(outcome);
  await cashier.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true });
  await cashier.getByRole('button', { name: /^Pay/ }).click();
  await cashier.locator(outcome === 'successed' ? '.paid' : '.failed').waitFor();
  await assertNoHorizontalScroll(cashier, `${name} (the sandbox cashier, after paying)`);
  await cashier.screenshot({ path: `${SHOTS}${name}-done.png`, fullPage: true });
  await cashier.close();
}

const reconState = (page, id) => page.locator(`#recon-body tr[data-order-id="${id}"]`).getAttribute('data-state');

for (const lang of LANGS) {
  for (const viewport of VIEWPORTS) {
    const tag = `${lang}-${viewport.width}x${viewport.height}`;
    test(`demo loop (${tag}): connect → import → plan → token refresh → links → pay/fail → pull → close → reconciled`, async () => {
      mkdirSync(SHOTS, { recursive: true });
      const T = TEXT[lang];
      await withDemo(viewport, async ({ demo, page, context, errors }) => {
        if (lang === 'zh') {
          await page.locator('#lang').click();
          assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
        }
        assert.match(await page.locator('#account-status').textContent(), T.notConnected);
        assert.equal(
          await page.locator('#import').isDisabled(),
          true,
          'nothing to import before the account is connected',
        );
        await shot(page, `${tag}-0-start`);

        // Connect: the sandbox's OAuth page, "Authorize", back with a token (kept by the server).
        if (lang === 'en' && viewport.width === 1280) await pressByKeyboard(page, '#connect');
        else await page.locator('#connect').click();
        await page.waitForURL(/\/oauth\/authorize\?client_id=1234567&site=1688&redirect_uri=/);
        await shot(page, `${tag}-1-oauth`);
        await page.getByRole('button', { name: 'Authorize' }).click();
        await page.waitForURL((u) => u.pathname === '/' && u.search === '');
        await page.waitForSelector('body[data-ready="true"]');
        assert.match(await page.locator('#account-status').textContent(), T.connected);
        assert.match(await page.locator('#token-expiry').textContent(), T.expires);
        assert.equal(await page.locator('#token-log li[data-event="connected"]').count(), 1);
        const firstTail = /…(\w{4})/.exec(await page.locator('#token-expiry').textContent())[1];

        // Import: 1688's getBuyerOrderList answer, read by kjb in the page (ids from idOfStr).
        await clickAndWait(page, '#import', '/api/import');
        await page.waitForSelector('#orders-body tr');
        assert.match(await page.locator('#source').textContent(), T.imported);
        assert.equal(await page.locator('#orders-body tr').count(), 48);
        assert.match(await page.locator('#summary').textContent(), T.summary);
        assert.equal(await page.locator(`tr[data-order-id="${BIG_ID}"]`).getAttribute('data-status'), 'eligible');
        const seeds = page.locator(`tr[data-order-id="${SEEDS}"]`);
        assert.equal(await seeds.getAttribute('data-status'), 'blocked');
        assert.match(await seeds.locator('.reason[data-code="PROHIBITED_GOODS"] .reason-text').textContent(), T.seeds);
        // Limit messages print amounts with thousands separators, in both languages.
        assert.match(
          await page
            .locator(`tr[data-order-id="${OVER_LIMIT}"] .reason[data-code="OVER_TRANSACTION_LIMIT"] .reason-text`)
            .textContent(),
          T.overLimit,
        );
        await assertChartReadable(page, tag);
        await shotOf(page.locator('section.fee'), `${tag}-2-fee`);
        await page.locator('#orders-h').scrollIntoViewIfNeeded();
        await shot(page, `${tag}-2-orders`);

        // The token expires (sandbox control); the next call meets 401 and kjb refreshes it.
        await clickAndWait(page, '#expire-token', '/api/token/expire');
        await page.locator('#token-log li[data-event="refreshed"]').waitFor();
        assert.equal(await page.locator('#token-log li[data-event="expired"]').count(), 1);
        assert.match(await page.locator('#token-log li[data-event="refreshed"]').textContent(), T.refreshed);
        const newTail = /…(\w{4})/.exec(await page.locator('#token-expiry').textContent())[1];
        assert.notEqual(newTail, firstTail, 'a new access token');
        assert.match(await page.locator('#token-expiry').textContent(), T.expires);
        await shotOf(page.locator('section.account'), `${tag}-3-token`);

        // Cashier links: one per plan batch; refusals in the page's language, 1688's text as detail.
        await getLinks(page);
        await waitForText(page, '#links-note', T.linksDone);
        for (const [id, code] of [
          [KJB_REFUSED, 'REFUSED'],
          [MANUAL, 'MANUAL_ORDER'],
          [STOCK, 'PRODUCT_TRADE_STAT_ERROR'],
        ]) {
          const row = page.locator(`#orders-body tr[data-order-id="${id}"]`);
          assert.equal(await row.getAttribute('data-status'), 'refused');
          assert.match(
            await row.locator(`.reason[data-code="GATEWAY_${code}"] .reason-text`).textContent(),
            T.refusal[code],
          );
          assert.match(
            await row.locator(`.reason[data-code="GATEWAY_${code}"] .reason-detail`).textContent(),
            T.detail,
          );
          assert.match(
            await page.locator(`#refused li[data-order-id="${id}"] .reason-text`).textContent(),
            T.refusal[code],
          );
        }
        let rows = await buttonsByRow(page);
        assert.deepEqual(
          rows.map((r) => r.buttons.length),
          [0, 1, 0, 1],
        );
        assertButtonsMatchRows(rows);
        assert.equal(
          await page.locator(`#orders-body tr[data-order-id="${BIG_ID}"]`).getAttribute('data-status'),
          'refused',
          'call 1 is refused whole',
        );
        // A reload (or the OAuth round trip) keeps the tab's work: orders, plan, links, refusals.
        await page.reload();
        await page.waitForSelector('body[data-ready="true"]');
        assert.equal(await page.locator('#orders-body tr').count(), 48);
        assert.deepEqual(await buttonsByRow(page), rows, 'the cashier links survive a reload');
        const kept = await page.evaluate(() => sessionStorage.getItem('kjb-demo-work'));
        assert.ok(kept?.includes(BIG_ID), "the work is in the tab's session storage");
        assert.ok(!kept.includes(SECRET), 'session storage does not hold the app secret');
        const tokens = await (await fetch(`${demo.url}/_sandbox/state`)).text();
        for (const t of new Set(tokens.match(/[0-9a-f]{32}/g) || []))
          assert.ok(!kept.includes(t), 'session storage does not hold a token');
        assert.equal(
          await page.locator(`#orders-body tr[data-order-id="${BIG_ID}"]`).getAttribute('data-status'),
          'refused',
          'refusals survive a reload',
        );
        await shotOf(page.locator('section.plan'), `${tag}-4-plan`);

        // Call 2 paid on the sandbox cashier: the signed push turns its rows paid, live.
        const first = page.locator('#batches-body tr[data-batch="2"] .cashier-link');
        const paidIds = (await first.getAttribute('data-order-ids')).split(',');
        assert.equal(paidIds.length, 10, `link 2 pays call 2 whole: ${paidIds}`);
        await payOnCashier({ context, errors }, first, 'successed', viewport, `${tag}-5-cashier`);
        for (const id of paidIds)
          await page.locator(`#orders-body tr[data-order-id="${id}"][data-status="paid"]`).waitFor({ timeout: 10000 });
        for (const id of paidIds) assert.equal(await reconState(page, id), 'paid');

        // After the partial payment, links again: each button still pays its own row's unpaid orders.
        await getLinks(page);
        rows = await buttonsByRow(page);
        assert.deepEqual(
          rows.map((r) => r.buttons.length),
          [0, 0, 0, 1],
        );
        assertButtonsMatchRows(rows, new Set(paidIds));

        // Call 4 fails (ACCOUNT_BALANCE_NOT_ENOUGH) and its push is lost: pulled instead.
        await clickAndWait(page, '#drop-push', '/_sandbox/drop-push');
        await waitForText(page, '#recon-note', T.dropped);
        const last = page.locator('#batches-body tr[data-batch="4"] .cashier-link');
        const failIds = (await last.getAttribute('data-order-ids')).split(',');
        assert.equal(failIds.length, 7, `link 4: call 4 but its 3 refused orders: ${failIds}`);
        for (const id of CLOSES) assert.ok(failIds.includes(id));
        await payOnCashier({ context, errors }, last, 'ACCOUNT_BALANCE_NOT_ENOUGH', viewport, `${tag}-6-cashier-fail`);
        for (const id of failIds)
          assert.equal(await reconState(page, id), 'awaitingPayment', 'the lost push told nobody');
        await clickAndWait(page, '#pull', '/api/pull');
        await waitForText(page, '#recon-note', T.pulled);
        for (const id of failIds) {
          const row = page.locator(`#recon-body tr[data-order-id="${id}"]`);
          await row.locator('xpath=self::*[@data-state="failed"]').waitFor();
          assert.equal(await row.locator('.reason').getAttribute('data-code'), 'ACCOUNT_BALANCE_NOT_ENOUGH');
          assert.match(await row.locator('.reason-text').textContent(), T.balance);
        }
        assert.equal(await page.locator('#message-log li[data-source="pull"]').count(), 1);
        await clickAndWait(page, '#pull', '/api/pull');
        await waitForText(page, '#recon-note', lang === 'en' ? /^Pulled 0 messages/ : /^拉取了 0 条消息/); // confirmed messages are not pulled again

        // Time passes on the sandbox: an unpaid order past its payTimeout closes (and says so by push).
        await clickAndWait(page, '#advance', '/_sandbox/advance');
        await waitForText(page, '#recon-note', T.advanced);
        for (const id of CLOSES) {
          await page.locator(`#recon-body tr[data-order-id="${id}"][data-state="closed"]`).waitFor({ timeout: 10000 });
          assert.match(
            await page.locator(`#recon-body tr[data-order-id="${id}"] .reason-text`).textContent(),
            T.closed,
          );
        }

        // 1688's own word on each order (buyerView) agrees.
        await clickAndWait(page, '#reread', '/api/status');
        await waitForText(
          page,
          '#recon-note',
          lang === 'en' ? /^Read the status of 40 orders from 1688/ : /^已从 1688 读取 40 笔订单的状态/,
        );

        // Reconciled: every order sent to the cashier is paid, failed (with a reason) or closed.
        const recon = await page.locator('#recon-body tr').evaluateAll((trs) =>
          trs.map((tr) => ({
            id: tr.dataset.orderId,
            state: tr.dataset.state,
            reason: tr.querySelector('.reason-text')?.textContent ?? '',
          })),
        );
        assert.equal(recon.length, 40, 'every eligible order went to the cashier');
        const states = new Set(recon.map((r) => r.state));
        assert.deepEqual([...states].sort(), ['closed', 'failed', 'paid']);
        for (const r of recon) {
          assert.ok(['paid', 'failed', 'closed'].includes(r.state), `${r.id} ends ${r.state}`);
          if (r.state !== 'paid') assert.ok(r.reason.length > 10, `${r.id} ${r.state}: the reason is given`);
          if (lang === 'zh' && r.state !== 'paid')
            assert.match(r.reason, /[\u4e00-\u9fff]/, `${r.id}: the reason is in Chinese`);
        }
        const summary = page.locator('#recon-summary');
        assert.deepEqual(await summary.evaluate((e) => ({ ...e.dataset })), {
          paid: '10',
          failed: '28',
          closed: '2',
          awaitingPayment: '0',
        });
        await shotOf(page.locator('section.recon'), `${tag}-7-recon`);
        await page.locator('#recon-h').scrollIntoViewIfNeeded();
        await shot(page, `${tag}-7-reconciled`);
        await page.locator(`#orders-body tr[data-order-id="${BIG_ID}"]`).scrollIntoViewIfNeeded();
        await shot(page, `${tag}-8-orders-paid`);

        // An outage (HTTP 502 without a 1688 body) while asking again: the calls land in
        // failed[], each row says so, nothing else is lost.
        await page.evaluate(() =>
          fetch('/_sandbox/fail', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{"status": 502, "count": 20, "api": "alibaba.crossBorderPay.url.get"}',
          }),
        );
        await getLinks(page);
        await waitForText(
          page,
          '#links-note',
          lang === 'en'
            ? /^0 cashier links ready; 28 orders not linked \(the gateway call failed: ask again\)/
            : /^已生成 0 个收银台链接；28 笔订单未生成链接（网关调用失败，请重试）/,
        );
        assert.deepEqual(
          await page.locator('#batches-body tr .call-failed').allTextContents(),
          Array(3).fill(lang === 'en' ? 'call failed: HTTP 502' : '调用失败：HTTP 502'),
        );
        assert.equal(
          await page.locator('#batches-body tr[data-batch="2"] .call-failed').count(),
          0,
          'a paid call is not asked again',
        );
        await shotOf(page.locator('section.plan'), `${tag}-9-outage`);

        assert.deepEqual(errors, []);
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
    await page
      .locator('#paste')
      .fill(
        '[{"orderId": 9223372036854775807, "amount": "10.00", "status": "waitbuyerpay", "tradeType": "assureTrade", "supplier": {"loginId": "s", "kjb": true, "chengxintong": true}, "items": [{"offerId": 1}]}]',
      );
    await page.locator('#use-paste').click();
    await page.waitForSelector('#orders-body tr[data-order-id="9223372036854775807"]');

    await page.locator('#fx').fill('abc');
    await page.locator('#fx[aria-invalid="true"]').waitFor();
    assert.match(await page.locator('#banner').textContent(), /INVALID_RATE at fx\.usd/);
    assert.equal(await page.locator('#orders-section.stale').count(), 1, 'the plan shown is the last good one');
    assert.equal(
      await page.locator('#get-links').isDisabled(),
      true,
      'no links from a stale plan (nor before connecting)',
    );
    await page.locator('#fx').fill('7.10');
    await page.locator('#banner').waitFor({ state: 'hidden' });
    assert.equal(await page.locator('#orders-section.stale').count(), 0);

    assert.deepEqual(errors, []);
  });
});

/** The OAuth round trip without a browser: start, "Authorize" on the sandbox page, callback. */
async function connect(demo) {
  const start = await fetch(`${demo.url}/api/oauth/start`, { redirect: 'manual' });
  assert.equal(start.status, 302);
  const q = new URL(start.headers.get('location')).searchParams;
  const authorized = await fetch(`${demo.url}/oauth/authorize`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      client_id: q.get('client_id'),
      redirect_uri: q.get('redirect_uri'),
      state: q.get('state'),
    }).toString(),
  });
  assert.equal(authorized.status, 302);
  const back = await fetch(authorized.headers.get('location'), { redirect: 'manual' });
  assert.equal(back.headers.get('location'), '/?oauth=connected');
}

test('demo backend: the secret and the token stay on the server; pushes are verified; bad input is refused', async () => {
  const demo = await startDemo({ port: 0 });
  try {
    for (const path of ['/', '/app.mjs', '/api/info', '/api/messages', '/pkg/lib/web.mjs']) {
      const res = await fetch(`${demo.url}${path}`);
      assert.equal(res.status, 200, path);
      assert.ok(!(await res.text()).includes(SECRET), `${path} does not carry the app secret`);
    }
    for (const path of [
      '/server.mjs',
      '/pkg/sandbox/default-config.json',
      '/pkg/lib/node.cjs',
      '/../www/server.mjs',
      '/sample-orders.json',
    ]) {
      assert.equal((await fetch(`${demo.url}${path}`)).status, 404, path);
    }
    const wasm = await fetch(`${demo.url}/pkg/web/kjb_bg.wasm`);
    assert.equal(wasm.headers.get('content-type'), 'application/wasm');

    // A push not signed with the app secret is refused and changes nothing.
    const message = JSON.stringify({ msgId: '1', type: 'ORDER_BUYER_VIEW_ORDER_PAY', data: { orderId: 1001 } });
    const forged = await fetch(`${demo.url}/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ message, _aop_signature: 'A'.repeat(40) }).toString(),
    });
    assert.equal(forged.status, 401);
    assert.deepEqual((await (await fetch(`${demo.url}/api/messages`)).json()).messages, []);

    // Nothing reaches the gateway before the buyer connects; a callback with an unknown state is refused.
    const post = (path, body) =>
      fetch(`${demo.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    for (const path of ['/api/cashier-links', '/api/import', '/api/token/expire', '/api/status']) {
      const res = await post(path, '{"orderIds": ["2026112510000000"]}');
      assert.equal(res.status, 409, path);
      assert.equal((await res.json()).error.code, 'NOT_CONNECTED');
    }
    const forgedCallback = await fetch(`${demo.url}/api/oauth/callback?code=x&state=forged`, { redirect: 'manual' });
    assert.equal(forgedCallback.headers.get('location'), '/?oauth=STATE_MISMATCH');

    await connect(demo);
    const info = await (await fetch(`${demo.url}/api/info`)).json();
    assert.equal(info.token.connected, true);
    const sandboxState = await (await fetch(`${demo.url}/_sandbox/state`)).text();
    const infoText = JSON.stringify(info);
    for (const t of new Set(sandboxState.match(/[0-9a-f]{32}/g) || []))
      assert.ok(!infoText.includes(t), 'the token stays on the server');

    const links = (body) => post('/api/cashier-links', body);
    assert.equal((await links('{"orderIds": [9007199254740993]}')).status, 400, 'an unsafe number id is refused');
    assert.equal((await links('{"orderIds": ["1"], "maxPerCall": 31}')).status, 400);
    assert.equal((await links('not json')).status, 400);
    assert.equal((await links('{"batches": []}')).status, 400);
    const ok = await (await links('{"orderIds": ["2026112510000000"]}')).json();
    assert.equal(ok.links.length, 1);
    assert.match(ok.links[0].payUrl, new RegExp(`^${demo.url}/cashier\\?token=`));
    // Per plan batch: a business error of one call refuses that call's ids, the other keeps its link.
    const two = await (
      await links('{"batches": [["2026112510000000", "2026112510003039"], ["2026112510010130", "2026112510011143"]]}')
    ).json();
    assert.deepEqual(
      two.links.map((l) => [l.batch, l.orderIds]),
      [[0, ['2026112510000000']]],
    );
    assert.deepEqual(
      two.refused.map((r) => [r.batch, r.orderId, r.code]),
      [
        [0, '2026112510003039', 'REFUSED'],
        [1, '2026112510010130', 'MANUAL_ORDER'],
        [1, '2026112510011143', 'MANUAL_ORDER'],
      ],
    );
    // A call that fails after its retries (here an outage, HTTP 502) lands in failed, with its ids.
    await post('/_sandbox/fail', '{"status": 502, "count": 5, "api": "alibaba.crossBorderPay.url.get"}');
    const down = await (await links('{"batches": [["2026112510004052"]]}')).json();
    assert.deepEqual(
      down.failed.map((f) => [f.batch, f.orderIds, f.error.code]),
      [[0, ['2026112510004052'], 'GATEWAY_ERROR']],
    );

    // A token that expires when the refresh token has expired too: TOKEN_EXPIRED, and the
    // account shows as not connected (connect again).
    await post('/_sandbox/advance', '{"seconds": 15552001}');
    const ended = await post('/api/token/expire', '{}');
    assert.equal(ended.status, 502);
    assert.equal((await ended.json()).error.code, 'TOKEN_EXPIRED');
    const after = (await (await fetch(`${demo.url}/api/info`)).json()).token;
    assert.equal(after.connected, false);
    assert.deepEqual(
      after.log.map((e) => e.event),
      ['connected', 'expired', 'ended'],
    );
  } finally {
    await demo.close();
  }
});

// 1688 holds more orders than the demo fetches (40 pages of 50): the page says the list is cut.
test("an import cut at the demo's 2,000 orders says how many 1688 has", async () => {
  const config = defaultConfig();
  const template = config.orders[0];
  config.orders = Array.from({ length: 2050 }, (_, i) => ({
    ...structuredClone(template),
    orderId: String(3535260697417000000n + BigInt(i)),
  }));
  await withDemo(
    { width: 1280, height: 800 },
    async ({ page }) => {
      await page.locator('#connect').click();
      await page.getByRole('button', { name: 'Authorize' }).click();
      await page.waitForURL((u) => u.pathname === '/' && u.search === '');
      await page.waitForSelector('body[data-ready="true"]');
      await clickAndWait(page, '#import', '/api/import');
      await page.waitForSelector('#orders-body tr');
      assert.match(
        await page.locator('#source').textContent(),
        /^2,000 orders imported from 1688 \(40 getBuyerOrderList answers, .*\)\. 1688 lists 2,050 orders: the demo imports the first 2,000 only$/,
      );
    },
    config,
  );
});
