// The extension's service worker (a module worker). It loads kjb with a STATIC import (service
// workers may not use dynamic import()) and instantiates the wasm with initSync() from the bytes
// of the extension's own vendor/kjb/web/kjb_bg.wasm, which the manifest's CSP allows through
// 'wasm-unsafe-eval'. No app secret and no Signer here: requests are signed on your backend.
import { initSync, quoteFee, planPayment } from './vendor/kjb/lib/web.mjs';

const WASM_URL = chrome.runtime.getURL('vendor/kjb/web/kjb_bg.wasm');

// Started at once; message handlers wait for it. Top-level await is not allowed in a service
// worker, and listeners must be registered synchronously, below.
const ready = fetch(WASM_URL)
  .then((res) => {
    if (!res.ok) throw new Error(`cannot read ${WASM_URL}: HTTP ${res.status}`);
    return res.arrayBuffer();
  })
  .then((bytes) => initSync(bytes));

const errorOf = (e) => ({ code: e && e.code ? e.code : 'INTERNAL', message: String(e && e.message ? e.message : e) });

/** The payment plan for the popup: tier (quoteFee) and batches (planPayment), each may fail alone. */
function plan(input) {
  const answer = { engine: 'service-worker' };
  try {
    answer.tier = quoteFee({ amount: '0', history: input.history });
  } catch (e) {
    answer.tierError = errorOf(e);
  }
  try {
    answer.plan = planPayment(input);
  } catch (e) {
    answer.planError = errorOf(e);
  }
  return answer;
}

chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  if (sender.id !== chrome.runtime.id || !msg || typeof msg.type !== 'string') return false;
  if (msg.type === 'kjb:orders') {
    // From the content script: keep the page's orders for the popup, count them on the badge.
    // Kept as JSON text: chrome.storage would reorder the keys of objects.
    const orders = Array.isArray(msg.orders) ? msg.orders : [];
    const entry = {
      ordersText: JSON.stringify(orders, null, 1),
      count: orders.length,
      page: String(msg.page || ''),
      title: String(msg.title || ''),
      at: Date.now(),
    };
    chrome.storage.session
      .set({ lastOrders: entry })
      .then(() =>
        chrome.action.setBadgeText({
          text: orders.length ? String(orders.length) : '',
          tabId: sender.tab && sender.tab.id,
        }),
      )
      .then(
        () => sendResponse({ stored: orders.length }),
        (e) => sendResponse({ error: errorOf(e) }),
      );
    return true;
  }
  if (msg.type === 'kjb:plan') {
    ready.then(
      () => sendResponse(plan(msg.input)),
      (e) => sendResponse({ engine: 'service-worker', loadError: errorOf(e) }),
    );
    return true;
  }
  return false;
});
