// The KJB batch-payment console. Everything that decides — reading 1688's order answers,
// eligibility, fees, the batch plan, what became of each payment — is kjb running in this page
// (WebAssembly); the demo server only holds the app secret and the buyer's token, talks to the
// gateway, and relays the signed pushes and pulled messages (Server-Sent Events).
//
// Money is never computed here: amounts, fees and totals are the strings kjb returns (digit
// grouping is string work). Order ids shown are the ones kjb returns, so a 19-digit id given as a
// JSON number in the orders text stays exact.
import init, {
  checkOrders,
  planPayment,
  quoteFee,
  feeSchedule,
  ordersFrom1688,
  paymentState,
  KjbError,
} from '/pkg/lib/web.mjs';
import { translator } from '/i18n.mjs';
import { ordersFromCsv, CsvError } from '/csv.mjs';
import { volumeChart, groupDigits } from '/chart.mjs';

const $ = (id) => document.getElementById(id);
const BUYER_FLAGS = ['verified', 'alipayPersonalLinked', 'alipayBusinessLinked', 'kjbActivated'];
const DEFAULT_HISTORY = [
  '2590000.00',
  '2430000.00',
  '2210000.00',
  '2380000.00',
  '1960000.00',
  '2050000.00',
  '1720000.00',
  '1850000.00',
  '1610000.00',
  '1540000.00',
  '1390000.00',
  '1280000.00',
];
const MAX_FILE = 5 << 20;

const state = {
  lang: 'en',
  t: translator('en'),
  schedule: null,
  source: null, // {kind: 'import'|'paste'|'file', name, fileKind, pages, text}
  orders: [], // display copies of the orders (ids are taken from kjb's answers instead)
  view: null, // {plan, rows}
  quote: null, // the fee quote for the payable total (also without orders)
  stale: false, // the inputs have an error: the view shown is the last good one
  links: [], // [{batch, orderIds, payUrl}] from the last cashier-links answer (batch: plan index)
  refused: new Map(), // orderId -> {code, reason} the gateway gave
  failed: [], // [{batch, orderIds, error}] calls that failed after their retries
  linkRuns: [], // every cashier-links answer, for paymentState
  messages: new Map(), // msgId -> {message, source: 'push'|'pull', at} relayed by the server
  statuses: [], // orderStatus answers
  payState: new Map(), // orderId -> paymentState's {state, reason?, paidAt?}
  token: { connected: false, log: [] }, // what the server tells about the token (never the token)
  reconNote: null, // [key, ...args] of the last reconciliation action
  importing: false,
  pulling: false,
  refusedOpen: null, // the user's choice for the refused list (null: open when short)
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
    box.append(
      h(
        'div',
        { class: 'field' },
        h('label', { for: id, id: `${id}-label` }),
        h('input', { id, value: v, inputmode: 'decimal', autocomplete: 'off', 'data-index': i }),
      ),
    );
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
  save();
}

function buildView(check, plan, history) {
  const batchOf = new Map();
  plan.batches.forEach((b, i) => {
    for (const id of b.orderIds) batchOf.set(id, i);
  });
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
      index: i,
      orderId: r.orderId,
      order,
      amount,
      fee,
      reasons,
      batch: batchOf.has(r.orderId) ? batchOf.get(r.orderId) : null,
      deferred: deferred.has(r.orderId),
    };
  });
  return { plan, rows };
}

function rowStatus(row) {
  const p = state.payState.get(row.orderId);
  if (p && p.state === 'paid') return 'paid';
  if (p && p.state === 'closed') return 'closed';
  if (state.refused.has(row.orderId)) return 'refused';
  if (p && p.state === 'failed' && !state.links.some((l) => l.orderIds.includes(row.orderId))) return 'failed';
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
  $('source').textContent = !src
    ? ''
    : src.kind === 'import'
      ? t('source.import', n, src.pages, src.total)
      : src.kind === 'paste'
        ? t('source.paste', n)
        : t('source.file', src.name, n, src.fileKind);
}

function renderBackend() {
  const node = $('backend');
  node.className = `backend ${state.live === true ? 'ok' : state.live === false ? 'warn' : ''}`;
  node.textContent =
    state.appKey === null
      ? state.live === false
        ? state.t('backend.off')
        : ''
      : state.live === false
        ? state.t('backend.reconnecting')
        : state.t('backend.ok', state.appKey);
}

function renderFee() {
  const t = state.t;
  const q = state.quote;
  const facts = $('fee-facts');
  facts.replaceChildren();
  if (!q) return;
  const plan = state.view && state.view.plan;
  const fact = (label, value, cls) =>
    facts.append(h('div', { class: `fact ${cls || ''}` }, h('dt', { text: label }), h('dd', {}, value)));
  fact(t('fee.tier'), h('span', { class: 'tier-pill', text: String(q.tier) }), 'tier');
  fact(t('fee.rate'), h('span', { title: q.rate, text: ratePercent(q.rate) }));
  fact(
    t('fee.applicable'),
    h(
      'span',
      {},
      `${money(q.applicableAmount)} CNY `,
      h('small', { text: `(${t('fee.by', t(`fee.basis.${q.basis}`))})` }),
    ),
  );
  fact(t('fee.lastMonth'), `${money(q.lastMonth)} CNY`);
  fact(t('fee.average'), `${money(q.average)} CNY`);
  if (plan) {
    fact(t('fee.payable'), `${money(plan.totals.amount)} CNY · ${plan.totals.payable}/${plan.totals.orders}`, 'wide');
    fact(t('fee.total'), h('strong', { id: 'fee-total', text: `${money(plan.totals.fee)} CNY` }), 'total');
  }
  const next = q.next
    ? t('fee.nextText', {
        ...q.next,
        from: money(q.next.from),
        volumeNeeded: money(q.next.volumeNeeded),
        ratePct: ratePercent(q.next.rate),
        fee: money(q.next.fee),
      })
    : t('fee.top');
  fact(t('fee.next'), next, 'wide');
  if (state.schedule)
    facts.append(h('p', { class: 'hint wide', text: t('fee.effective', state.schedule.effective || '—') }));
  renderChart();
}

function renderChart() {
  const box = $('chart');
  if (!state.schedule || !state.quote) return;
  const width = box.clientWidth || 600;
  box.replaceChildren(
    volumeChart({
      width,
      history: Array.from({ length: 12 }, (_, i) => $(`history-${i}`).value.trim()),
      months: monthLabels(),
      tiers: state.schedule.tiers,
      quote: state.quote,
      t: state.t,
    }),
  );
  $('chart-caption').textContent = state.t('chart.caption', { applicableAmount: money(state.quote.applicableAmount) });
}

/**
 * The gateway's refusal (KjbClient's `refused[]`), shown like a reason: the text is the page's
 * own for the refusal code (en/中文); the gateway's words, English or free text, stay as detail.
 */
function gatewayReason(refusal) {
  return {
    code: `GATEWAY_${refusal.code}`,
    severity: 'block',
    text: state.t('refusal', refusal.code),
    detail: refusal.reason,
    path: null,
  };
}

function reasonBadge(r) {
  const text = r.text ?? (state.lang === 'zh' ? r.messageZh : r.message);
  return h(
    'li',
    { class: `reason ${r.severity}`, title: r.path ? `${r.code} · ${r.path}` : r.code, 'data-code': r.code },
    h('code', { class: 'badge', text: r.code }),
    ' ',
    h('span', { class: 'reason-text', text }),
    r.detail ? h('small', { class: 'reason-detail', lang: 'en', text: state.t('gateway.said', r.detail) }) : null,
  );
}

function itemsCell(order) {
  const items = Array.isArray(order.items) ? order.items : [];
  const first = items[0] || {};
  const title = first.title || (first.offerId !== undefined ? `offer ${first.offerId}` : '—');
  return h(
    'td',
    { 'data-label': state.t('col.items'), class: 'items' },
    h(
      'div',
      {},
      h('span', { class: 'title', title: items.map((x) => x.title || x.offerId).join(' · '), text: title }),
      h('span', {
        class: 'category',
        text: [first.category, items.length > 1 ? state.t('items.more', items.length - 1) : null]
          .filter(Boolean)
          .join(' · '),
      }),
    ),
  );
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
  body.replaceChildren(
    ...v.rows.map((row) => {
      const status = rowStatus(row);
      if (row.batch !== null) counts.eligible += 1;
      else if (row.deferred) counts.deferred += 1;
      else counts.blocked += 1;
      if (row.batch !== null && row.reasons.some((r) => r.severity === 'warn')) counts.warned += 1;
      if (status === 'paid') counts.paid += 1;
      const statusText =
        status === 'eligible' ? `${t('status.eligible')} · ${t('status.batch', row.batch + 1)}` : t(`status.${status}`);
      const refusal = state.refused.get(row.orderId);
      const reasons = refusal ? [...row.reasons, gatewayReason(refusal)] : [...row.reasons];
      const outcome = state.payState.get(row.orderId);
      if (!refusal && outcome && outcome.reason && (status === 'failed' || status === 'closed')) {
        reasons.push({
          code: outcome.reason.code,
          severity: 'block',
          text: state.lang === 'zh' ? outcome.reason.messageZh : outcome.reason.message,
          path: null,
        });
      }
      const supplier = row.order.supplier || {};
      return h(
        'tr',
        { 'data-order-id': row.orderId, 'data-status': status, class: `row-${status}` },
        h(
          'td',
          { class: 'id', 'data-label': t('col.orderSupplier') },
          h(
            'div',
            {},
            h('code', { text: row.orderId }),
            h('span', { class: 'supplier', text: supplier.loginId || '—' }),
          ),
        ),
        itemsCell(row.order),
        h('td', { class: 'num', 'data-label': t('col.amount'), text: row.amount ? money(row.amount) : '—' }),
        h('td', { class: 'num', 'data-label': t('col.fee'), text: row.fee === null ? '—' : money(row.fee) }),
        h(
          'td',
          { class: 'status', 'data-label': t('col.status') },
          h('span', { class: `status-pill ${status}`, text: statusText }),
        ),
        h(
          'td',
          { class: 'reasons', 'data-label': t('col.reasons') },
          reasons.length
            ? h('ul', { class: 'reason-list' }, reasons.map(reasonBadge))
            : h('span', { class: 'none', text: t('reasons.none') }),
        ),
      );
    }),
  );
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
  button.disabled = unpaidPlanned().length === 0 || state.stale || state.busy || !state.token.connected;
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
  const totals = {
    ...plan.totals,
    amount: money(plan.totals.amount),
    amountUsd: money(plan.totals.amountUsd),
    fee: money(plan.totals.fee),
  };
  $('plan-summary').textContent = plan.batches.length
    ? t('plan.summary', totals, plan.batches.length)
    : t('plan.nothing');
  $('links-note').textContent = state.linkNote ? t('plan.linksDone', state.linkNote) : '';
  body.replaceChildren(
    ...plan.batches.map((b, i) => {
      // A link belongs to the plan batch it was asked for: after a partial payment the next
      // request asks per batch again, so a row's button always pays that row's unpaid orders.
      const links = state.links.filter((l) => l.batch === i);
      const failed = state.failed.find((f) => f.batch === i);
      return h(
        'tr',
        { 'data-batch': i + 1 },
        h(
          'td',
          { 'data-label': t('col.call'), class: 'call' },
          h('div', {}, h('span', { text: String(i + 1) }), h('code', { class: 'api', text: b.api })),
        ),
        h(
          'td',
          { 'data-label': t('col.ids'), class: 'ids' },
          h(
            'ul',
            { class: 'id-list' },
            b.orderIds.map((id) =>
              h(
                'li',
                {},
                h('code', {
                  class:
                    { paid: 'paid', closed: 'closed' }[state.payState.get(id)?.state] ||
                    (state.refused.has(id) ? 'refused' : null),
                  text: id,
                }),
              ),
            ),
          ),
        ),
        h('td', { class: 'num', 'data-label': t('col.amount'), text: money(b.amount) }),
        h('td', { class: 'num', 'data-label': t('col.amountUsd'), text: money(b.amountUsd) }),
        h('td', { class: 'num', 'data-label': t('col.fee'), text: money(b.fee) }),
        h(
          'td',
          { 'data-label': t('col.link'), class: 'link' },
          links.length
            ? h(
                'div',
                {},
                links.map((l) =>
                  h('a', {
                    href: l.payUrl,
                    target: '_blank',
                    rel: 'noopener',
                    class: 'button cashier-link',
                    title: t('plan.openTitle'),
                    'data-order-ids': l.orderIds.join(','),
                    'data-batch': i + 1,
                    text: t('plan.open', i + 1),
                  }),
                ),
              )
            : failed
              ? h('span', {
                  class: 'call-failed',
                  title: failed.error.message,
                  text: t('plan.callFailed', failed.error),
                })
              : h('span', { class: 'none', text: t('plan.noLink') }),
        ),
      );
    }),
  );

  const deferredBox = $('deferred');
  deferredBox.hidden = plan.deferred.length === 0;
  deferredBox.replaceChildren(
    h('h3', { text: t('plan.deferred', plan.deferred.length) }),
    h(
      'ul',
      { class: 'id-list' },
      plan.deferred.map((d) => h('li', {}, h('code', { text: d.orderId }))),
    ),
  );

  const refusedBox = $('refused');
  refusedBox.hidden = state.refused.size === 0;
  // Each refused row says why in the table above; the list is there to scan, folded when long.
  const list = h(
    'details',
    { open: state.refusedOpen ?? state.refused.size <= 5 },
    h('summary', { text: t('plan.refusedCount', state.refused.size) }),
    h(
      'ul',
      { class: 'refused-list' },
      [...state.refused].map(([id, r]) =>
        h(
          'li',
          { 'data-order-id': id },
          h('code', { text: id }),
          ' ',
          h('code', { class: 'badge', text: r.code }),
          ' ',
          h('span', { class: 'reason-text', text: t('refusal', r.code) }),
          h('small', { class: 'reason-detail', lang: 'en', text: t('gateway.said', r.reason) }),
        ),
      ),
    ),
  );
  // The user's own click only (the open attribute set here queues a toggle event too).
  list.firstChild.addEventListener('click', () => {
    state.refusedOpen = !list.open;
  });
  refusedBox.replaceChildren(h('h3', { text: t('plan.refused') }), list);
}

function localTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(state.lang === 'zh' ? 'zh-CN' : 'en-GB', {
    dateStyle: 'short',
    timeStyle: 'medium',
  }).format(d);
}

function clockTime(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleTimeString(state.lang === 'zh' ? 'zh-CN' : 'en-GB');
}

function renderAccount() {
  const t = state.t;
  const v = state.token;
  $('account-status').textContent = v.connected ? t('account.on', v) : t('account.off');
  $('account-status').classList.toggle('ok', v.connected);
  $('connect').textContent = v.connected ? t('account.reconnect') : t('account.connect');
  $('connect').classList.toggle('primary', !v.connected);
  $('expire-token').hidden = !v.connected;
  const facts = $('token-facts');
  facts.hidden = !v.connected;
  facts.replaceChildren();
  if (v.connected) {
    const left = Math.round((new Date(v.expiresAt).getTime() - Date.now()) / 60000);
    const rel = Number.isFinite(left) && left > 0 ? t('token.in', Math.floor(left / 60), left % 60) : t('token.past');
    facts.append(
      h('dt', { text: t('token.access') }),
      h('dd', { id: 'token-expiry', text: t('token.expires', { tail: v.tail, time: localTime(v.expiresAt), rel }) }),
      h('dt', { text: t('token.refresh') }),
      h('dd', {
        text: v.canRefresh ? t('token.refreshUntil', localTime(v.refreshTokenExpiresAt)) : t('token.noRefresh'),
      }),
    );
  }
  $('token-log').replaceChildren(
    ...v.log.map((e) =>
      h('li', { 'data-event': e.event, text: t(`token.${e.event}`, { ...e, time: clockTime(e.at) }) }),
    ),
  );
  $('import').disabled = !v.connected || state.importing;
  $('import').textContent = state.importing ? t('load.importing') : t('load.import');
  $('reread').disabled = !v.connected || state.pulling || reconOrders().length === 0;
  $('pull').disabled = !v.connected || state.pulling;
  $('pull').textContent = state.pulling ? t('recon.pulling') : t('recon.pull');
}

/** Folds everything 1688 said into one state per order (kjb's paymentState). */
function foldPayments() {
  const pushes = [...state.messages.values()].map((m) => m.message);
  if (state.linkRuns.length === 0 && pushes.length === 0 && state.statuses.length === 0) {
    state.payState = new Map();
    return;
  }
  try {
    const out = paymentState({ links: state.linkRuns, pushes, statuses: state.statuses });
    state.payState = new Map(out.map((o) => [o.orderId, o]));
  } catch (e) {
    showError(e);
  }
}

/** The orders the reconciliation covers: those sent to the cashier, in the plan's order. */
function reconOrders() {
  const asked = new Set();
  for (const run of state.linkRuns) {
    for (const l of run.links) for (const id of l.orderIds) asked.add(id);
    for (const r of run.refused) asked.add(r.orderId);
    for (const f of run.failed || []) for (const id of f.orderIds) asked.add(id);
  }
  const plan = state.view && state.view.plan;
  const order = plan ? plan.batches.flatMap((b) => b.orderIds) : [];
  return [...order.filter((id) => asked.has(id)), ...[...asked].filter((id) => !order.includes(id))];
}

function renderRecon() {
  const t = state.t;
  const ids = reconOrders();
  const counts = { total: ids.length, paid: 0, failed: 0, closed: 0, awaitingPayment: 0 };
  $('recon').hidden = ids.length === 0;
  $('recon-body').replaceChildren(
    ...ids.map((id) => {
      const p = state.payState.get(id) || { orderId: id, state: 'awaitingPayment' };
      counts[p.state] = (counts[p.state] || 0) + 1;
      // A refusal is explained by the page in its language, the gateway's words as detail
      // (paymentState's text quotes them inside its own sentence).
      const refusal = p.state === 'failed' ? state.refused.get(id) : null;
      const r =
        refusal && p.reason && p.reason.code === refusal.code
          ? {
              code: refusal.code,
              message: t('refusal', refusal.code),
              messageZh: t('refusal', refusal.code),
              detail: refusal.reason,
            }
          : p.reason;
      return h(
        'tr',
        { 'data-order-id': id, 'data-state': p.state },
        h('td', { class: 'id', 'data-label': t('col.order') }, h('code', { text: id })),
        h(
          'td',
          { 'data-label': t('col.state') },
          h('span', { class: `status-pill ${p.state}`, text: t(`state.${p.state}`) }),
        ),
        h(
          'td',
          { class: 'reasons', 'data-label': t('col.why') },
          r
            ? h(
                'div',
                { class: 'reason', 'data-code': r.code },
                h('code', { class: 'badge', text: r.code }),
                ' ',
                h('span', { class: 'reason-text', text: state.lang === 'zh' ? r.messageZh : r.message }),
                r.detail ? h('small', { class: 'reason-detail', lang: 'en', text: t('gateway.said', r.detail) }) : null,
              )
            : h('span', { class: 'none', text: '—' }),
        ),
        h('td', { class: 'num', 'data-label': t('col.paidAt'), text: p.paidAt ? localTime(p.paidAt) : '—' }),
      );
    }),
  );
  $('recon-summary').textContent = ids.length ? t('recon.summary', counts) : t('recon.empty');
  for (const k of ['paid', 'failed', 'closed', 'awaitingPayment']) $('recon-summary').dataset[k] = String(counts[k]);
  $('recon-note').textContent = state.reconNote ? t(...state.reconNote) : '';
  const log = [...state.messages.values()].sort((a, b) => String(a.at).localeCompare(String(b.at)));
  $('messages-summary').textContent = `${t('recon.messages')} (${log.length})`;
  $('message-log').replaceChildren(
    ...log.map((m) =>
      h(
        'li',
        { 'data-source': m.source },
        h('span', { class: 'when', text: clockTime(m.at) }),
        ' ',
        h('code', { text: m.message.type }),
        ' ',
        h('span', { class: 'via', text: t('recon.via', m.source) }),
        ' ',
        h('small', { text: `msgId ${m.message.msgId}` }),
      ),
    ),
  );
}

function render() {
  renderSource();
  renderBackend();
  renderAccount();
  renderFee();
  renderOrders();
  renderPlan();
  renderRecon();
}

// ---- loading orders ------------------------------------------------------------------------

function useOrders(source) {
  state.source = source;
  state.orders = displayOrders(source.text);
  state.links = [];
  state.refused = new Map();
  state.failed = [];
  state.linkRuns = [];
  state.statuses = [];
  state.linkNote = null;
  foldPayments();
  compute();
}

/**
 * Orders from 1688 itself: the server fetches the getBuyerOrderList answers with the buyer's
 * token; kjb reads 1688's own text here (ids from idOfStr, yuan and fen as CNY strings).
 */
async function importOrders() {
  if (state.importing) return;
  state.importing = true;
  renderAccount();
  try {
    const res = await fetch('/api/import', { method: 'POST' });
    const answer = await res.json();
    if (!res.ok) throw new Error(state.t('error.links', answer.error || { code: `HTTP ${res.status}`, message: '' }));
    const orders = answer.answers.flatMap((text) => ordersFrom1688(text, { suppliers: answer.suppliers }));
    useOrders({
      kind: 'import',
      name: answer.api,
      pages: answer.answers.length,
      total: answer.capped ? answer.total : null,
      text: JSON.stringify(orders),
    });
  } catch (e) {
    showError(e instanceof KjbError ? e : new Error(e.message));
  } finally {
    state.importing = false;
    renderAccount();
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
  state.linkRuns = [];
  state.statuses = [];
  state.linkNote = null;
  foldPayments();
  compute();
}

// ---- the backend: cashier links and the live payment push ----------------------------------

/** The plan's batches without their paid or closed orders: paying twice is what the push is there to prevent. */
function unpaidBatches() {
  const plan = state.view && state.view.plan;
  if (!plan) return [];
  const done = (id) => ['paid', 'closed'].includes(state.payState.get(id)?.state);
  return plan.batches.map((b) => b.orderIds.filter((id) => !done(id)));
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
  state.linkRuns.push(answer);
  foldPayments();
  state.linkNote = {
    links: answer.links.length,
    refused: answer.refused.length,
    failed: state.failed.reduce((n, f) => n + f.orderIds.length, 0),
  };
  save();
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
    renderAccount();
    renderOrders();
    renderPlan();
    renderRecon();
  }
}

function takeMessages(list) {
  for (const m of list)
    if (m && m.message && m.message.msgId !== undefined) state.messages.set(String(m.message.msgId), m);
  foldPayments();
  renderOrders();
  renderPlan();
  renderRecon();
}

function takeToken(view) {
  state.token = view;
  renderAccount();
  renderPlan();
}

async function post(path, body) {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });
  const answer = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(state.t('error.links', answer.error || { code: `HTTP ${res.status}`, message: '' }));
  return answer;
}

/** Messages 1688 kept because their push was lost: pulled, stored, confirmed by the server. */
async function pullMessages() {
  if (state.pulling) return;
  state.pulling = true;
  renderAccount();
  try {
    const r = await post('/api/pull');
    state.reconNote = ['recon.pulled', r];
    showError(null);
  } catch (e) {
    showError(e);
  } finally {
    state.pulling = false;
    renderAccount();
    renderRecon();
  }
}

/** 1688's own word on each order (buyerView via orderStatus), when a push may have been missed. */
async function rereadOrders() {
  const ids = reconOrders().slice(0, 200);
  if (ids.length === 0 || state.pulling) return;
  state.pulling = true;
  renderAccount();
  try {
    const r = await post('/api/status', { orderIds: ids });
    state.statuses = r.statuses.filter((s) => !s.error);
    state.reconNote = ['recon.reread.done', state.statuses.length];
    foldPayments();
    save();
    showError(null);
  } catch (e) {
    showError(e);
  } finally {
    state.pulling = false;
    renderAccount();
    renderOrders();
    renderPlan();
    renderRecon();
  }
}

async function sandboxControl(name, body, note) {
  try {
    const r = await post(`/_sandbox/${name}`, body);
    state.reconNote = note(r);
    showError(null);
  } catch (e) {
    showError(e);
  }
  renderRecon();
}

async function expireToken() {
  $('expire-token').disabled = true;
  try {
    takeToken(await post('/api/token/expire'));
    showError(null);
  } catch (e) {
    showError(e);
  } finally {
    $('expire-token').disabled = false;
  }
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
  events.addEventListener('snapshot', (e) => {
    const snap = JSON.parse(e.data);
    takeToken(snap.token);
    takeMessages(snap.messages);
  });
  events.addEventListener('message', (e) => takeMessages([JSON.parse(e.data)]));
  events.addEventListener('token', (e) => takeToken(JSON.parse(e.data)));
  window.addEventListener('pagehide', () => events.close());
}

async function backendInfo() {
  try {
    const res = await fetch('/api/info');
    if (res.ok) {
      const info = await res.json();
      state.appKey = info.appKey;
      state.token = info.token;
      renderAccount();
    }
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
  $('import').addEventListener('click', importOrders);
  $('expire-token').addEventListener('click', expireToken);
  $('pull').addEventListener('click', pullMessages);
  $('reread').addEventListener('click', rereadOrders);
  $('drop-push').addEventListener('click', () => sandboxControl('drop-push', { count: 1 }, () => ['recon.dropped']));
  $('advance').addEventListener('click', () =>
    sandboxControl('advance', { seconds: 7200 }, (r) => [
      'recon.advanced',
      Array.isArray(r.closed) ? r.closed.length : Number(r.closed) || 0,
    ]),
  );
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

// ---- this tab's work, kept across a reload and the OAuth round trip -------------------------

const SAVED = 'kjb-demo-work';
const SETTING_IDS = ['fx', 'paidToday', 'maxPerCall'];

/** The orders, the settings and what the gateway answered, in the tab's session storage. */
function save() {
  try {
    const inputs = Object.fromEntries(
      [...SETTING_IDS, ...DEFAULT_HISTORY.map((_, i) => `history-${i}`)].map((id) => [id, $(id).value]),
    );
    const flags = Object.fromEntries(BUYER_FLAGS.map((f) => [f, $(f).checked]));
    const work = {
      inputs,
      flags,
      source: state.source,
      links: state.links,
      refused: [...state.refused],
      failed: state.failed,
      linkRuns: state.linkRuns,
      statuses: state.statuses,
      linkNote: state.linkNote,
    };
    sessionStorage.setItem(SAVED, JSON.stringify(work));
  } catch {
    // storage off or full (a very big list): the page works, only not across a reload; an
    // older save must not come back as if it were this work
    try {
      sessionStorage.removeItem(SAVED);
    } catch {
      // storage off
    }
  }
}

/** Puts back what {@link save} kept; run before the first compute. */
function restore() {
  let work = null;
  try {
    work = JSON.parse(sessionStorage.getItem(SAVED) ?? 'null');
  } catch {
    return;
  }
  if (!work || typeof work !== 'object') return;
  for (const [id, v] of Object.entries(work.inputs ?? {})) if ($(id) && typeof v === 'string') $(id).value = v;
  for (const f of BUYER_FLAGS) if (typeof work.flags?.[f] === 'boolean') $(f).checked = work.flags[f];
  if (!work.source || typeof work.source.text !== 'string') return;
  let saved;
  try {
    // Everything is read before any of it is taken: a save this page cannot read is dropped whole.
    saved = {
      source: work.source,
      orders: displayOrders(work.source.text),
      links: Array.isArray(work.links) ? work.links : [],
      refused: new Map(work.refused ?? []),
      failed: Array.isArray(work.failed) ? work.failed : [],
      linkRuns: Array.isArray(work.linkRuns) ? work.linkRuns : [],
      statuses: Array.isArray(work.statuses) ? work.statuses : [],
      linkNote: work.linkNote ?? null,
    };
  } catch {
    return;
  }
  Object.assign(state, saved);
  try {
    foldPayments();
  } catch {
    Object.assign(state, {
      source: null,
      orders: [],
      links: [],
      refused: new Map(),
      failed: [],
      linkRuns: [],
      statuses: [],
      linkNote: null,
    });
  }
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
  restore();
  compute();
  oauthOutcome();
  await backendInfo();
  listen();
  document.body.dataset.ready = 'true';
}

/** Back from the OAuth round trip (/?oauth=connected or an error code): say so, clean the URL. */
function oauthOutcome() {
  const outcome = new URLSearchParams(location.search).get('oauth');
  if (outcome === null) return;
  history.replaceState(null, '', location.pathname);
  if (outcome !== 'connected') showError(new Error(state.t('oauth.failed', outcome)));
}

main().catch((e) => showError(e));
