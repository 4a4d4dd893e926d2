// The cashier: its page (usable at 390 px) and paying, or failing a batch with a documented status.
import { json, fenOf, yuan, chinaTime, esc } from './wire.mjs';
import { send, sendJson, readBody, page, wantsJson } from './http.mjs';

/** @param sb the sandbox's shared context (index.mjs); other modules' functions are reached through it. */
export function createCashier(sb) {
  const { cfg, state, now, account } = sb;

  /** Pays a cashier session (outcome "successed"), or fails it with a documented ORDER_BATCH_PAY status. */
  async function pay(token, outcome = 'successed') {
    const session = state.sessions.get(token);
    if (!session) return { status: 404, error: 'unknown or expired cashier token' };
    if (outcome !== 'successed' && !sb.FAIL_STATUSES.includes(outcome))
      return { status: 400, error: `outcome must be successed or one of ${sb.FAIL_STATUSES.join(', ')}`, session };
    sb.sweep();
    if (session.paidAt) return { status: 409, error: 'already paid', session };
    const ids = session.orderIds.filter((id) => (state.orders.get(id) || {}).status === 'waitbuyerpay');
    if (ids.length === 0) return { status: 409, error: 'none of these orders is awaiting payment any more', session };
    const app = cfg.apps.get(session.appKey);
    if (outcome === 'successed') {
      sb.markPaid(ids, session.channel);
      session.paidAt = now();
      session.paidOrderIds = ids;
      session.outcome = null;
    } else {
      session.outcome = outcome;
      session.failedAt = now();
    }
    const pushes = sb.paidPushes(app, ids, outcome);
    session.push = pushes[0];
    session.pushes = pushes;
    await Promise.all(pushes.map((p) => p.firstAttempt));
    return { status: 200, session, orderIds: ids, outcome };
  }

  const CHANNEL_NAMES = { kjb: '跨境宝 KJB', creditPay: '诚e赊 eCredit', alipay: '支付宝 Alipay' };

  function cashierPage(session) {
    const orders = session.orderIds.map((id) => state.orders.get(id)).filter(Boolean);
    const total = orders.reduce((n, o) => n + fenOf(o.amount), 0n);
    const rows = orders
      .map((o) => {
        const s = sb.supplierOf(o);
        const title = (o.items && o.items[0] && o.items[0].title) || '';
        return `<tr><td class="id" data-label="Order">${esc(o.orderId)}</td><td data-label="Supplier">${esc(s.companyName || s.loginId)}</td><td data-label="Item">${esc(title)}</td><td class="num" data-label="Amount (CNY)">${esc(yuan(fenOf(o.amount)))}</td><td data-label="Status">${esc(o.status)}</td></tr>`;
      })
      .join('\n');
    const pushText = (p) =>
      !p
        ? ''
        : p.delivered
          ? `Push ${p.type} (msgId ${p.msgId}) delivered to ${p.url} (HTTP ${p.status}).`
          : `Push ${p.type} (msgId ${p.msgId}) not delivered yet: ${p.error || 'pending'}`;
    let action = '';
    if (session.paidAt) {
      action = `<p class="paid" role="status">Paid: ${session.paidOrderIds.length} order(s), ¥${esc(yuan(total))}, at ${esc(chinaTime(session.paidAt))} (China time).</p><p>${esc(pushText(session.push))}</p>`;
    } else {
      if (session.outcome)
        action += `<p class="failed" role="alert">Payment failed: ${esc(session.outcome)} (sent as ORDER_BATCH_PAY). You can try again.</p><p>${esc(pushText(session.push))}</p>`;
      const options = ['successed', ...sb.FAIL_STATUSES]
        .map((o) => `<option value="${o}">${o === 'successed' ? 'Pay successfully' : `Fail: ${o}`}</option>`)
        .join('');
      action += `<form method="post" action="cashier/pay"><input type="hidden" name="token" value="${esc(session.token)}">
  <label>Outcome (sandbox) <select name="outcome">${options}</select></label>
  <button type="submit">Pay ¥${esc(yuan(total))}</button></form>`;
    }
    return page(
      `${session.paidAt ? 'Paid' : 'Pay'} — ${CHANNEL_NAMES[session.channel]} cashier`,
      `<h1>${esc(CHANNEL_NAMES[session.channel])} cashier</h1>
  <p class="note">kjb sandbox — a stand-in for the 1688 cashier; no money moves.</p>
  <p>Buyer: ${esc(account.companyName || account.loginId || 'sandbox buyer')}</p>
  <table><caption>Orders in this payment</caption>
  <thead><tr><th scope="col">Order</th><th scope="col">Supplier</th><th scope="col">Item</th><th scope="col" class="num">Amount (CNY)</th><th scope="col">Status</th></tr></thead>
  <tbody>
  ${rows}
  </tbody>
  <tfoot><tr><th scope="row" colspan="3">Total</th><td class="num">${esc(yuan(total))}</td></tr></tfoot></table>
  ${action}`,
    );
  }

  async function cashierPay(req, res, url) {
    const text = req.method === 'POST' ? await readBody(req) : '';
    let token = url.searchParams.get('token');
    let outcome = url.searchParams.get('outcome');
    if (String(req.headers['content-type'] || '').includes('json')) {
      try {
        const b = JSON.parse(text || '{}');
        token = b.token || token;
        outcome = b.outcome || outcome;
      } catch {
        return sendJson(
          res,
          400,
          json({ error: 'the body must be JSON {token, outcome?} or a form token=…&outcome=…' }),
        );
      }
    } else if (text) {
      const form = new URLSearchParams(text);
      token = form.get('token') || token;
      outcome = form.get('outcome') || outcome;
    }
    const out = await pay(token || '', outcome || 'successed');
    if (wantsJson(req)) {
      if (out.status !== 200) return sendJson(res, out.status, json({ paid: false, error: out.error }));
      const s = out.session;
      const total = out.orderIds.reduce((n, id) => n + fenOf(state.orders.get(id).amount), 0n);
      return sendJson(
        res,
        200,
        json({
          paid: out.outcome === 'successed',
          outcome: out.outcome,
          orderIds: out.orderIds,
          amount: yuan(total),
          push: sb.pushView(s.push),
          pushes: s.pushes.map(sb.pushView),
        }),
      );
    }
    if (out.status === 404) return send(res, 404, 'text/html; charset=utf-8', notFoundPage());
    if (out.status === 400)
      return send(
        res,
        400,
        'text/html; charset=utf-8',
        page('Bad outcome', `<h1>Bad outcome</h1><p>${esc(out.error)}</p>`),
      );
    return send(res, 303, 'text/plain; charset=utf-8', 'See the cashier page', {
      location: `../cashier?token=${encodeURIComponent(token)}`,
    });
  }

  const notFoundPage = () =>
    page(
      'Unknown cashier link',
      '<h1>Unknown cashier link</h1><p>This cashier link is unknown or has expired. Ask the ERP for a new one.</p>',
    );

  return { pay, cashierPage, cashierPay, notFoundPage };
}
