// The popup (an extension page, so under the manifest's extension_pages CSP). It runs kjb's wasm
// itself for the live tier line (quoteFee as you type) and asks the service worker for the
// payment plan. Static import; `await init()` fetches vendor/kjb/web/kjb_bg.wasm from the
// extension itself. No app secret, no Signer: the batches are signed on your backend.
import init, { quoteFee } from './vendor/kjb/lib/web.mjs';

const $ = (id) => document.getElementById(id);
const FIELDS = ['history', 'fx', 'max-per-call'];
const CHECKS = ['verified', 'alipay-personal', 'alipay-business', 'kjb-activated'];

function setState(state) {
  document.body.dataset.state = state;
}

/** A rate as a percentage for display: "0.0015" → "0.15%". */
function percent(rate) {
  return `${Number((Number(rate) * 100).toPrecision(6))}%`;
}

function history() {
  return $('history')
    .value.split(/[\s,;，]+/)
    .filter(Boolean);
}

function showError(el, e) {
  el.textContent = e ? `${e.code || 'ERROR'}: ${e.message || e}` : '';
  el.hidden = !e;
}

/** The tier line, computed here in the popup with kjb's wasm. */
function updateTier() {
  try {
    const q = quoteFee({ amount: '0', history: history() });
    $('tier').textContent = String(q.tier);
    $('rate').textContent = percent(q.rate);
    $('basis').textContent =
      `(by ${q.basis === 'lastMonth' ? 'last month' : 'the monthly average'}: ${q.applicableAmount} CNY)`;
    showError($('tier-error'), null);
    return q;
  } catch (e) {
    $('tier').textContent = '–';
    $('rate').textContent = '–';
    $('basis').textContent = '';
    showError($('tier-error'), e);
    return null;
  }
}

function li(text, attrs = {}) {
  const el = document.createElement('li');
  el.textContent = text;
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

function renderPlan(plan) {
  const t = plan.totals;
  $('eligible').textContent = `${t.payable} of ${t.orders}`;
  $('fee').textContent = t.fee;
  $('amount').textContent = t.amount;
  $('amount-usd').textContent = t.amountUsd;
  $('fee-tier').textContent = String(t.tier);
  $('fee-rate').textContent = percent(t.rate);
  $('batches').replaceChildren(
    ...plan.batches.map((b) =>
      li(
        `${b.orderIds.length} order${b.orderIds.length === 1 ? '' : 's'}, ${b.amount} CNY, fee ${b.fee}: ${b.orderIds.join(', ')}`,
        { 'data-order-ids': b.orderIds.join(','), 'data-amount': b.amount, 'data-fee': b.fee },
      ),
    ),
  );
  const why = (x) =>
    x.reasons
      .filter((r) => r.severity === 'block')
      .map((r) => `${r.message} (${r.messageZh})`)
      .join('; ');
  $('rejected').replaceChildren(
    ...plan.rejected.map((r) =>
      li(`${r.orderId}: ${why(r)}`, {
        'data-order-id': r.orderId,
        'data-codes': r.reasons.map((x) => x.code).join(','),
      }),
    ),
  );
  $('deferred').replaceChildren(
    ...plan.deferred.map((d) =>
      li(`${d.orderId}: ${why(d)}`, {
        'data-order-id': d.orderId,
        'data-codes': d.reasons.map((x) => x.code).join(','),
      }),
    ),
  );
  $('rejected-title').hidden = plan.rejected.length === 0;
  $('deferred-title').hidden = plan.deferred.length === 0;
  $('result').hidden = false;
}

function input() {
  return {
    orders: $('orders').value.trim() || '[]', // JSON text: kjb reads it itself, ids stay exact
    buyer: {
      verified: $('verified').checked,
      alipayPersonalLinked: $('alipay-personal').checked,
      alipayBusinessLinked: $('alipay-business').checked,
      kjbActivated: $('kjb-activated').checked,
    },
    fx: { usd: $('fx').value.trim() },
    history: history(),
    maxPerCall: Number($('max-per-call').value) || 10,
  };
}

async function saveSettings() {
  const settings = Object.fromEntries([
    ...FIELDS.map((id) => [id, $(id).value]),
    ...CHECKS.map((id) => [id, $(id).checked]),
  ]);
  await chrome.storage.local.set({ settings });
}

async function planPayment() {
  setState('planning');
  $('result').hidden = true;
  showError($('plan-error'), null);
  await saveSettings();
  const local = updateTier();
  const answer = await chrome.runtime.sendMessage({ type: 'kjb:plan', input: input() });
  if (!answer || answer.loadError) {
    showError($('plan-error'), answer ? answer.loadError : { message: 'the service worker did not answer' });
    return setState('failed');
  }
  $('sw-tier').textContent = answer.tier ? String(answer.tier.tier) : '–';
  $('engine').hidden = false;
  if (answer.tier && local && (answer.tier.tier !== local.tier || answer.tier.rate !== local.rate)) {
    showError($('plan-error'), { code: 'MISMATCH', message: 'the service worker and the popup disagree on the tier' });
    return setState('failed');
  }
  if (answer.planError) {
    showError($('plan-error'), answer.planError);
    return setState('failed');
  }
  renderPlan(answer.plan);
  setState('planned');
}

async function main() {
  const { settings = {} } = await chrome.storage.local.get('settings');
  for (const id of FIELDS) if (settings[id] !== undefined) $(id).value = settings[id];
  for (const id of CHECKS) if (settings[id] !== undefined) $(id).checked = settings[id];

  const { lastOrders } = await chrome.storage.session.get('lastOrders');
  if (lastOrders && lastOrders.count) {
    $('orders').value = lastOrders.ordersText;
    $('source').textContent = `${lastOrders.count} orders read from “${lastOrders.title || lastOrders.page}”.`;
  }

  await init(); // the popup's own wasm instance
  updateTier();
  $('history').addEventListener('input', updateTier);
  $('plan').addEventListener('click', () =>
    planPayment().catch((e) => {
      showError($('plan-error'), e);
      setState('failed');
    }),
  );
  setState('ready');
  if ($('orders').value && $('fx').value) $('plan').click(); // settings known: plan at once
}

main().catch((e) => {
  showError($('plan-error'), e);
  setState('failed');
});
