// The KJB batch-payment console. Everything that decides — eligibility, fees, the batch plan —
// is kjb running in this page (WebAssembly); the demo server only holds the app secret, asks the
// gateway for cashier links and relays the signed payment push (Server-Sent Events).
//
// Money is never computed here: amounts, fees and totals are the strings kjb returns (digit
// grouping is string work). Order ids shown are the ones kjb returns, so a 19-digit id given as a
// JSON number in the orders text stays exact.
import init, { checkOrders, planPayment, quoteFee, feeSchedule, KjbError } from '/pkg/lib/web.mjs';
import { translator } from '/i18n.mjs';
import { ordersFromCsv, CsvError } from '/csv.mjs';
import { volumeChart, groupDigits } from '/chart.mjs';

const $ = (id) => document.getElementById(id);
const BUYER_FLAGS = ['verified', 'alipayPersonalLinked', 'alipayBusinessLinked', 'kjbActivated'];
const DEFAULT_HISTORY = [
  '2590000.00', '2430000.00', '2210000.00', '2380000.00', '1960000.00', '2050000.00',
  '1720000.00', '1850000.00', '1610000.00', '1540000.00', '1390000.00', '1280000.00',
];
const MAX_FILE = 5 << 20;

const state = {
  lang: 'en',
  t: translator('en'),
  schedule: null,
  source: null, // {kind: 'sample'|'paste'|'file', name, fileKind, text}
  orders: [], // display copies of the orders (ids are taken from kjb's answers instead)
  view: null, // {plan, rows}
  quote: null, // the fee quote for the payable total (also without orders)
  stale: false, // the inputs have an error: the view shown is the last good one
  links: [], // [{batch, orderIds, payUrl}] from the last cashier-links answer (batch: plan index)
  refused: new Map(), // orderId -> {code, reason} the gateway gave
  failed: [], // [{batch, orderIds, error}] calls that failed after their retries
  payments: new Map(), // orderId -> {status: 'paid'|'failed', detail}
  busy: false,
  appKey: null,
  live: null, // true: push channel open; false: reconnecting
  linkNote: null, // the last cashier-links outcome {links, refused, failed} (counts), for the plan summary
};

// ---- small DOM helpers ---------------------------------------------------------------------

function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}

/** "0.0015" → "0.15%" by moving the decimal point in the string. */
function ratePercent(rate) {
  const [int, frac = ''] = String(rate).split('.');
  const digits = int + frac.padEnd(2, '0');
  const point = int.length + 2;
  const whole = digits.slice(0, point).replace(/^0+(?=\d)/, '');
  const rest = digits.slice(point).replace(/0+$/, '');
  return `${whole}${rest ? `.${rest}` : ''}%`;
}

function money(s) {
  return groupDigits(s);
}

// ---- inputs ---------------------------------------------------------------------------------

const monthDate = (i) => {
  const now = new Date();
  return new Date(now.getFullYear(), now.getMonth() - 1 - i, 1);
};

function monthLabels() {
  const locale = state.lang === 'zh' ? 'zh-CN' : 'en';
  const short = new Intl.DateTimeFormat(locale, { month: 'short' });
  const long = new Intl.DateTimeFormat(locale, { month: 'short', year: 'numeric' });
  return Array.from({ length: 12 }, (_, i) => ({ short: short.format(monthDate(i)), long: long.format(monthDate(i)) }));
}

function buildHistoryInputs() {
  const box = $('history');
  box.replaceChildren();
  DEFAULT_HISTORY.forEach((v, i) => {
    const id = `history-${i}`;
    box.append(h('div', { class: 'field' },
      h('label', { for: id, id: `${id}-label` }),
      h('input', { id, value: v, inputmode: 'decimal', autocomplete: 'off', 'data-index': i })));
  });
}

function labelHistory() {
  monthLabels().forEach((m, i) => {
    $(`history-${i}-label`).textContent = state.t('history.month', m.long, i);
  });
}

/** The monthly history as typed, newest first; empty months at the old end are dropped. */
function readHistory() {
  const values = Array.from({ length: 12 }, (_, i) => $(`history-${i}`).value.trim());
  while (values.length && values[values.length - 1] === '') values.pop();
  return values.map((v) => (v === '' ? '0' : v));
}

function readSettings() {
  const buyer = {};
  for (const f of BUYER_FLAGS) buyer[f] = $(f).checked;
  const paid = $('paidToday').value.trim();
  const max = $('maxPerCall').value.trim();
  return {
    buyer,
    fx: { usd: $('fx').value.trim() },
    paidTodayUsd: paid === '' ? '0' : paid,
    maxPerCall: /^\d+$/.test(max) ? Number(max) : max === '' ? 10 : max,
    history: readHistory(),
  };
}

const FIELD_OF_PATH = [
  [/^fx(\.usd)?$/, () => 'fx'],
  [/^paidTodayUsd$/, () => 'paidToday'],
  [/^maxPerCall$/, () => 'maxPerCall'],
  [/^history\[(\d+)\]$/, (m) => `history-${m[1]}`],
];

function clearFieldErrors() {
  for (const node of document.querySelectorAll('[aria-invalid="true"]')) node.removeAttribute('aria-invalid');
  for (const node of document.querySelectorAll('.field-error')) node.textContent = '';
}

function markField(error) {
  if (!error.path) return false;
  for (const [re, id] of FIELD_OF_PATH) {
    const m = re.exec(error.path);
    if (!m) continue;
    const input = $(id(m));
    input.setAttribute('aria-invalid', 'true');
    const slot = $(`${id(m)}-err`);
    if (slot) slot.textContent = `${error.code}: ${error.message}`;
    return true;
  }
  return false;
}

// ---- the computation (all kjb) --------------------------------------------------------------

function displayOrders(text) {
  try {
    const v = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
}

function compute() {
  clearFieldErrors();
  const s = readSettings();
  let error = null;
  try {
    state.quote = quoteFee({ amount: '0', history: s.history });
    if (state.source) {
      const base = { orders: state.source.text, buyer: s.buyer, fx: s.fx, paidTodayUsd: s.paidTodayUsd };
      const check = checkOrders(base);
      const plan = planPayment({ ...base, history: s.history, maxPerCall: s.maxPerCall });
      state.quote = quoteFee({ amount: plan.totals.amount, history: s.history });
      state.view = buildView(check, plan, s.history);
    } else {
      state.view = null;
    }
    state.stale = false;
  } catch (e) {
    error = e;
    state.stale = state.view !== null;
  }
  showError(error);
  render();
}

function buildView(check, plan, history) {
  const batchOf = new Map();
  plan.batches.forEach((b, i) => b.orderIds.forEach((id) => batchOf.set(id, i)));
  const deferred = new Map(plan.deferred.map((d) => [d.orderId, d.reasons]));
  const rows = check.results.map((r, i) => {
    const order = state.orders[i] || {};
    let amount = order.amount === undefined ? '' : String(order.amount);
    let fee = null;
    try {
      const q = quoteFee({ amount: order.amount, history });
      amount = order.currency && order.currency !== 'CNY' ? `${q.amount} ${order.currency}` : q.amount;
      if (batchOf.has(r.orderId)) fee = q.fee;
    } catch {
      // the amount is refused by checkOrders/planPayment already; show it as given
    }
    const reasons = [...r.reasons];
    for (const d of deferred.get(r.orderId) || []) if (!reasons.some((x) => x.code === d.code)) reasons.push(d);
    return {
      index: i, orderId: r.orderId, order, amount, fee, reasons,
      batch: batchOf.has(r.orderId) ? batchOf.get(r.orderId) : null,
      deferred: deferred.has(r.orderId),
    };
  });
  return { plan, rows };
}

function rowStatus(row) {
  const p = state.payments.get(row.orderId);
  if (p && p.status === 'paid') return 'paid';
  if (p && p.status === 'failed') return 'failed';
  if (state.refused.has(row.orderId)) return 'refused';
  if (row.batch !== null && state.links.some((l) => l.orderIds.includes(row.orderId))) return 'linked';
  if (row.batch !== null) return 'eligible';
  if (row.deferred) return 'deferred';
  return 'blocked';
}

// ---- rendering -----------------------------------------------------------------------------

function showError(error) {
  const banner = $('banner');
  if (!error) {
    banner.hidden = true;
    banner.textContent = '';
    return;
  }
  let text;
  if (error instanceof KjbError) {
    markField(error);
    text = state.t('error.kjb', error);
  } else if (error instanceof CsvError) {
    text = state.t('error.csv', error.line, error.message);
  } else {
    text = String(error.message || error);
  }
  banner.textContent = text;
  banner.hidden = false;
}

function applyLabels() {
  const t = state.t;
  document.documentElement.lang = state.lang === 'zh' ? 'zh-CN' : 'en';
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  const lang = $('lang');
  lang.setAttribute('aria-pressed', String(state.lang === 'zh'));
  lang.replaceChildren(h('span', { lang: state.lang === 'zh' ? 'en' : 'zh', text: t('lang') }));
  document.title = `${t('title')} — kjb demo`;
  labelHistory();
}

function renderSource() {
  const t = state.t;
  const src = state.source;
  const n = state.orders.length;
  $('source').textContent = !src ? ''
    : src.kind === 'sample' ? t('source.sample', n)
      : src.kind === 'paste' ? t('source.paste', n)
        : t('source.file', src.name, n, src.fileKind);
}

function renderBackend() {
  const node = $('backend');
  node.className = `backend ${state.live === true ? 'ok' : state.live === false ? 'warn' : ''}`;
  node.textContent = state.appKey === null ? (state.live === false ? state.t('backend.off') : '')
    : state.live === false ? state.t('backend.reconnecting') : state.t('backend.ok', state.appKey);
}

function renderFee() {
  const t = state.t;
  const q = state.quote;
  const facts = $('fee-facts');
  facts.replaceChildren();
  if (!q) return;
  const plan = state.view && state.view.plan;
  const fact = (label, value, cls) => facts.append(h('div', { class: `fact ${cls || ''}` }, h('dt', { text: label }), h('dd', {}, value)));
  fact(t('fee.tier'), h('span', { class: 'tier-pill', text: String(q.tier) }), 'tier');
  fact(t('fee.rate'), h('span', { title: q.rate, text: ratePercent(q.rate) }));
  fact(t('fee.applicable'), h('span', {}, `${money(q.applicableAmount)} CNY `,
    h('small', { text: `(${t('fee.by', t(`fee.basis.${q.basis}`))})` })));
  fact(t('fee.lastMonth'), `${money(q.lastMonth)} CNY`);
  fact(t('fee.average'), `${money(q.average)} CNY`);
  if (plan) {
    fact(t('fee.payable'), `${money(plan.totals.amount)} CNY · ${plan.totals.payable}/${plan.totals.orders}`, 'wide');
    fact(t('fee.total'), h('strong', { id: 'fee-total', text: `${money(plan.totals.fee)} CNY` }), 'total');
  }
  const next = q.next
    ? t('fee.nextText', { ...q.next, from: money(q.next.from), volumeNeeded: money(q.next.volumeNeeded), ratePct: ratePercent(q.next.rate), fee: money(q.next.fee) })
    : t('fee.top');
  fact(t('fee.next'), next, 'wide');
  if (state.schedule) facts.append(h('p', { class: 'hint wide', text: t('fee.effective', state.schedule.effective || '—') }));
  renderChart();
}

function renderChart() {
  const box = $('chart');
  if (!state.schedule || !state.quote) return;
  const width = box.clientWidth || 600;
  box.replaceChildren(volumeChart({
    width, history: Array.from({ length: 12 }, (_, i) => $(`history-${i}`).value.trim()),
    months: monthLabels(), tiers: state.schedule.tiers, quote: state.quote, t: state.t,
  }));
  $('chart-caption').textContent = state.t('chart.caption', { applicableAmount: money(state.quote.applicableAmount) });
}

/**
 * The gateway's refusal (KjbClient's `refused[]`), shown like a reason: the text is the page's
 * own for the refusal code (en/中文); the gateway's words, English or free text, stay as detail.
 */
function gatewayReason(refusal) {
  return { code: `GATEWAY_${refusal.code}`, severity: 'block', text: state.t('refusal', refusal.code), detail: refusal.reason, path: null };
}

function reasonBadge(r) {
  const text = r.text ?? (state.lang === 'zh' ? r.messageZh : r.message);
  return h('li', { class: `reason ${r.severity}`, title: r.path ? `${r.code} · ${r.path}` : r.code, 'data-code': r.code },
    h('code', { class: 'badge', text: r.code }), ' ', h('span', { class: 'reason-text', text }),
    r.detail ? h('small', { class: 'reason-detail', lang: 'en', text: state.t('gateway.said', r.detail) }) : null);
}

function itemsCell(order) {
  const items = Array.isArray(order.items) ? order.items : [];
  const first = items[0] || {};
  const title = first.title || (first.offerId !== undefined ? `offer ${first.offerId}` : '—');
  return h('td', { 'data-label': state.t('col.items'), class: 'items' }, h('div', {},
    h('span', { class: 'title', title: items.map((x) => x.title || x.offerId).join(' · '), text: title }),
    h('span', { class: 'category', text: [first.category, items.length > 1 ? state.t('items.more', items.length - 1) : null].filter(Boolean).join(' · ') })));
}

function renderOrders() {
  const t = state.t;
  const v = state.view;
  const table = $('orders');
  const body = $('orders-body');
  $('orders-empty').hidden = v !== null;
  table.hidden = v === null;
  $('orders-section').classList.toggle('stale', state.stale);
  if (!v) {
    body.replaceChildren();
    $('summary').textContent = '';
    return;
  }
  const counts = { total: v.rows.length, eligible: 0, blocked: 0, deferred: 0, warned: 0, paid: 0 };
  body.replaceChildren(...v.rows.map((row) => {
    const status = rowStatus(row);
    if (row.batch !== null) counts.eligible += 1;
    else if (row.deferred) counts.deferred += 1;
    else counts.blocked += 1;
    if (row.batch !== null && row.reasons.some((r) => r.severity === 'warn')) counts.warned += 1;
    if (status === 'paid') counts.paid += 1;
    const pay = state.payments.get(row.orderId);
    const statusText = status === 'eligible' ? `${t('status.eligible')} · ${t('status.batch', row.batch + 1)}`
      : status === 'failed' && pay.detail ? `${t('status.failed')}: ${t('payFailure', pay.detail)}`
        : t(`status.${status}`);
    const refusal = state.refused.get(row.orderId);
    const reasons = refusal ? [...row.reasons, gatewayReason(refusal)] : row.reasons;
    const supplier = row.order.supplier || {};
    return h('tr', { 'data-order-id': row.orderId, 'data-status': status, class: `row-${status}` },
      h('td', { class: 'id', 'data-label': t('col.orderSupplier') }, h('div', {},
        h('code', { text: row.orderId }), h('span', { class: 'supplier', text: supplier.loginId || '—' }))),
      itemsCell(row.order),
      h('td', { class: 'num', 'data-label': t('col.amount'), text: row.amount ? money(row.amount) : '—' }),
      h('td', { class: 'num', 'data-label': t('col.fee'), text: row.fee === null ? '—' : money(row.fee) }),
      h('td', { class: 'status', 'data-label': t('col.status') }, h('span', { class: `status-pill ${status}`, text: statusText })),
      h('td', { class: 'reasons', 'data-label': t('col.reasons') },
        reasons.length ? h('ul', { class: 'reason-list' }, reasons.map(reasonBadge)) : h('span', { class: 'none', text: t('reasons.none') })));
  }));
  $('summary').textContent = t('orders.summary', counts);
  $('summary').dataset.eligible = String(counts.eligible);
}

function renderPlan() {
  const t = state.t;
  const v = state.view;
  const table = $('batches');
  const body = $('batches-body');
  const button = $('get-links');
  const plan = v && v.plan;
  table.hidden = !plan || plan.batches.length === 0;
  button.disabled = unpaidPlanned().length === 0 || state.stale || state.busy;
  button.textContent = state.busy ? t('plan.getting') : t('plan.getLinks');
  button.setAttribute('aria-busy', String(state.busy));
  if (!plan) {
    $('plan-summary').textContent = '';
    $('links-note').textContent = '';
    body.replaceChildren();
    $('deferred').hidden = true;
    $('refused').hidden = true;
    return;
  }
  const totals = { ...plan.totals, amount: money(plan.totals.amount), amountUsd: money(plan.totals.amountUsd), fee: money(plan.totals.fee) };
  $('plan-summary').textContent = plan.batches.length ? t('plan.summary', totals, plan.batches.length) : t('plan.nothing');
  $('links-note').textContent = state.linkNote ? t('plan.linksDone', state.linkNote) : '';
  body.replaceChildren(...plan.batches.map((b, i) => {
    // A link belongs to the plan batch it was asked for: after a partial payment the next
    // request asks per batch again, so a row's button always pays that row's unpaid orders.
    const links = state.links.filter((l) => l.batch === i);
    const failed = state.failed.find((f) => f.batch === i);
    return h('tr', { 'data-batch': i + 1 },
      h('td', { 'data-label': t('col.call'), class: 'call' }, h('div', {}, h('span', { text: String(i + 1) }), h('code', { class: 'api', text: b.api }))),
      h('td', { 'data-label': t('col.ids'), class: 'ids' }, h('ul', { class: 'id-list' }, b.orderIds.map((id) => h('li', {},
        h('code', { class: state.payments.get(id)?.status === 'paid' ? 'paid' : state.refused.has(id) ? 'refused' : null, text: id }))))),
      h('td', { class: 'num', 'data-label': t('col.amount'), text: money(b.amount) }),
      h('td', { class: 'num', 'data-label': t('col.amountUsd'), text: money(b.amountUsd) }),
      h('td', { class: 'num', 'data-label': t('col.fee'), text: money(b.fee) }),
      h('td', { 'data-label': t('col.link'), class: 'link' }, links.length
        ? h('div', {}, links.map((l) => h('a', {
          href: l.payUrl, target: '_blank', rel: 'noopener', class: 'button cashier-link', title: t('plan.openTitle'),
          'data-order-ids': l.orderIds.join(','), 'data-batch': i + 1, text: t('plan.open', i + 1),
        })))
        : failed ? h('span', { class: 'call-failed', title: failed.error.message, text: t('plan.callFailed', failed.error) })
          : h('span', { class: 'none', text: t('plan.noLink') })));
  }));

  const deferredBox = $('deferred');
  deferredBox.hidden = plan.deferred.length === 0;
  deferredBox.replaceChildren(h('h3', { text: t('plan.deferred', plan.deferred.length) }),
    h('ul', { class: 'id-list' }, plan.deferred.map((d) => h('li', {}, h('code', { text: d.orderId })))));

  const refusedBox = $('refused');
  refusedBox.hidden = state.refused.size === 0;
  refusedBox.replaceChildren(h('h3', { text: t('plan.refused') }),
    h('ul', { class: 'refused-list' }, [...state.refused].map(([id, r]) => h('li', { 'data-order-id': id },
      h('code', { text: id }), ' ', h('code', { class: 'badge', text: r.code }), ' ', h('span', { class: 'reason-text', text: t('refusal', r.code) }),
      h('small', { class: 'reason-detail', lang: 'en', text: t('gateway.said', r.reason) })))));
}

function render() {
  renderSource();
  renderBackend();
  renderFee();
  renderOrders();
  renderPlan();
}

// ---- loading orders ------------------------------------------------------------------------

function useOrders(source) {
  state.source = source;
  state.orders = displayOrders(source.text);
  state.links = [];
  state.refused = new Map();
  state.failed = [];
  state.linkNote = null;
  compute();
}

async function loadSample() {
  try {
    const res = await fetch('/sample-orders.json', { cache: 'no-store' });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    useOrders({ kind: 'sample', name: 'sample-orders.json', text: await res.text() });
  } catch (e) {
    showError(new Error(state.t('error.network', e.message)));
  }
}

async function loadFile(file) {
  try {
    if (file.size > MAX_FILE) throw new Error(`larger than ${MAX_FILE >> 20} MB`);
    const text = await file.text();
    const isCsv = /\.csv$/i.test(file.name) || file.type === 'text/csv';
    if (isCsv) {
      useOrders({ kind: 'file', name: file.name, fileKind: 'CSV', text: JSON.stringify(ordersFromCsv(text)) });
    } else {
      useOrders({ kind: 'file', name: file.name, fileKind: 'JSON', text });
    }
  } catch (e) {
    showError(e instanceof CsvError ? e : new Error(state.t('error.file', file.name, e.message)));
  }
}

function clearOrders() {
  state.source = null;
  state.orders = [];
  state.view = null;
  state.links = [];
  state.refused = new Map();
  state.failed = [];
  state.linkNote = null;
  compute();
}

// ---- the backend: cashier links and the live payment push ----------------------------------

/** The plan's batches with their orders not paid yet: paying twice is what the push is there to prevent. */
function unpaidBatches() {
  const plan = state.view && state.view.plan;
  if (!plan) return [];
  return plan.batches.map((b) => b.orderIds.filter((id) => state.payments.get(id)?.status !== 'paid'));
}

function unpaidPlanned() {
  return unpaidBatches().flat();
}

/** Takes a cashier-links answer: links, refusals and failed calls replace the earlier ones for the ids asked. */
function takeLinks(asked, answer) {
  state.links = answer.links;
  state.failed = answer.failed || [];
  for (const id of asked) state.refused.delete(id);
  for (const r of answer.refused) state.refused.set(r.orderId, { code: r.code || 'REFUSED', reason: r.reason });
  // A new link is a new attempt: an earlier failed payment of its orders is history now.
  for (const l of answer.links) for (const id of l.orderIds) if (state.payments.get(id)?.status === 'failed') state.payments.delete(id);
  state.linkNote = { links: answer.links.length, refused: answer.refused.length, failed: state.failed.reduce((n, f) => n + f.orderIds.length, 0) };
}

async function getLinks() {
  if (unpaidPlanned().length === 0 || state.busy) return;
  state.busy = true;
  renderPlan();
  try {
    const batches = unpaidBatches();
    const res = await fetch('/api/cashier-links', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ batches }),
    });
    const answer = await res.json();
    if (!res.ok) {
      state.linkNote = null;
      const partial = answer.error && answer.error.partial;
      if (partial) takeLinks(batches.flat(), partial);
      showError(new Error(state.t('error.links', answer.error || { code: `HTTP ${res.status}`, message: '' })));
    } else {
      takeLinks(batches.flat(), answer);
      showError(null);
    }
  } catch (e) {
    showError(new Error(state.t('error.network', e.message)));
  } finally {
    state.busy = false;
    renderOrders();
    renderPlan();
  }
}

function recordPayments(list) {
  for (const p of list) {
    if (state.payments.get(p.orderId)?.status === 'paid') continue;
    state.payments.set(p.orderId, { status: p.status, detail: p.detail });
  }
  renderOrders();
  renderPlan();
}

function listen() {
  const events = new EventSource('/api/events');
  events.addEventListener('open', () => {
    state.live = true;
    renderBackend();
  });
  events.addEventListener('error', () => {
    state.live = false;
    renderBackend();
  });
  events.addEventListener('snapshot', (e) => recordPayments(JSON.parse(e.data).payments));
  events.addEventListener('payment', (e) => recordPayments(JSON.parse(e.data).payments));
  window.addEventListener('pagehide', () => events.close());
}

async function backendInfo() {
  try {
    const res = await fetch('/api/info');
    if (res.ok) state.appKey = (await res.json()).appKey;
  } catch {
    state.live = false;
  }
  renderBackend();
}

// ---- wiring --------------------------------------------------------------------------------

function setLang(lang) {
  state.lang = lang;
  state.t = translator(lang);
  try {
    localStorage.setItem('kjb-demo-lang', lang);
  } catch {
    // storage may be off; the toggle still works for this page
  }
  applyLabels();
  render();
}

function debounce(fn, ms) {
  let timer = null;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(fn, ms);
  };
}

function wire() {
  $('load-sample').addEventListener('click', loadSample);
  $('clear').addEventListener('click', clearOrders);
  $('upload').addEventListener('change', (e) => {
    const file = e.target.files && e.target.files[0];
    if (file) loadFile(file);
    e.target.value = '';
  });
  $('toggle-paste').addEventListener('click', () => {
    const box = $('paste-box');
    box.hidden = !box.hidden;
    $('toggle-paste').setAttribute('aria-expanded', String(!box.hidden));
    if (!box.hidden) $('paste').focus();
  });
  $('use-paste').addEventListener('click', () => {
    const text = $('paste').value;
    if (text.trim() === '') return $('paste').focus();
    useOrders({ kind: 'paste', name: 'pasted', text });
  });
  $('lang').addEventListener('click', () => setLang(state.lang === 'zh' ? 'en' : 'zh'));
  $('get-links').addEventListener('click', getLinks);
  const later = debounce(compute, 200);
  for (const id of ['fx', 'paidToday', 'maxPerCall']) $(id).addEventListener('input', later);
  for (const f of BUYER_FLAGS) $(f).addEventListener('change', compute);
  $('history').addEventListener('input', later);
  let lastWidth = 0;
  new ResizeObserver(() => {
    const w = $('chart').clientWidth;
    if (Math.abs(w - lastWidth) > 4) {
      lastWidth = w;
      renderChart();
    }
  }).observe($('chart'));
}

async function main() {
  buildHistoryInputs();
  let lang = 'en';
  try {
    lang = localStorage.getItem('kjb-demo-lang') === 'zh' ? 'zh' : 'en';
  } catch {
    // no storage: English
  }
  state.lang = lang;
  state.t = translator(lang);
  applyLabels();
  wire();
  await init();
  state.schedule = feeSchedule();
  compute();
  document.body.dataset.ready = 'true';
  backendInfo();
  listen();
}

main().catch((e) => showError(e));
