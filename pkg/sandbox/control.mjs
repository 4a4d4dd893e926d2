// Control routes for tests and the demo (/_sandbox/…): state, forced errors, the clock.
import { json, fenOf, yuan, chinaTime } from './wire.mjs';
import { sendJson, readBody } from './http.mjs';

/** @param sb the sandbox's shared context (index.mjs); other modules' functions are reached through it. */
export function createControl(sb) {
  const { state, now, account } = sb;

  /** The orders in the shape kjb's checkOrders/planPayment take (ids as strings). */
  function orders() {
    return [...state.orders.values()].map((o) => {
      const s = sb.supplierOf(o);
      const out = {
        orderId: o.orderId,
        amount: yuan(fenOf(o.amount)),
        currency: o.currency || 'CNY',
        status: o.status,
        tradeType: o.tradeType || 'assureTrade',
        supplier: { loginId: s.loginId, kjb: s.kjb !== false, chengxintong: s.chengxintong !== false },
        items: (o.items || []).map((it) => ({ ...it })),
      };
      if (o.sellerOrder !== undefined) out.sellerOrder = Boolean(o.sellerOrder);
      if (o.redEnvelope !== undefined) out.redEnvelope = Boolean(o.redEnvelope);
      return out;
    });
  }

  function buyer() {
    const a = account;
    return {
      verified: a.verified !== false,
      alipayPersonalLinked: a.alipayPersonalLinked !== false,
      alipayBusinessLinked: a.alipayBusinessLinked !== false,
      kjbActivated: a.kjbActivated !== false,
    };
  }

  function snapshot() {
    return {
      pushUrl: sb.urls.push,
      publicUrl: sb.urls.public,
      rateLimit: state.rateLimit,
      delay: { ...state.delay },
      callCount: state.callCount,
      orders: [...state.orders.values()].map((o) => ({
        orderId: o.orderId,
        amount: o.amount,
        status: o.status,
        paidAt: o.paidAt || null,
        kjbRefused: o.kjbRefused || null,
      })),
      sessions: [...state.sessions.values()].map((s) => ({
        token: s.token,
        api: s.api,
        orderIds: s.orderIds,
        refused: s.refused,
        paidAt: s.paidAt,
        push: sb.pushView(s.push),
      })),
      pushes: state.pushes.map((p) => ({ ...p })),
      clock: chinaTime(now()),
      qps: state.qpsLimit,
      quota: state.quota,
      fail: { ...state.fail },
      calls: state.calls.slice(),
    };
  }

  async function control(req, res, url) {
    const route = `${req.method} ${url.pathname}`;
    if (route === 'GET /_sandbox/state') return sendJson(res, 200, JSON.stringify(snapshot()));
    if (route === 'GET /_sandbox/calls')
      return sendJson(
        res,
        200,
        JSON.stringify(
          state.calls.map((c) => ({
            t: c.t,
            api: c.api,
            status: c.status,
            code: c.code === undefined ? null : c.code,
          })),
        ),
      );
    if (route === 'GET /_sandbox/orders') {
      return sendJson(
        res,
        200,
        JSON.stringify({
          orders: orders(),
          buyer: buyer(),
          fx: account.fx || null,
          history: account.history || [],
          paidTodayUsd: account.paidTodayUsd || '0',
        }),
      );
    }
    if (req.method !== 'POST') return sendJson(res, 404, json({ error: `no control endpoint ${route}` }));
    let body;
    try {
      const text = await readBody(req);
      body = text.trim() ? JSON.parse(text) : {};
    } catch (e) {
      if (e && e.status) throw e;
      return sendJson(res, 400, json({ error: 'the body must be JSON' }));
    }
    const n = (v, d) => (Number.isInteger(v) && v >= 0 ? v : d);
    const bad = (why) => sendJson(res, 400, json({ error: why }));
    switch (url.pathname) {
      case '/_sandbox/rate-limit':
        state.rateLimit = n(body.count, 1);
        return sendJson(res, 200, json({ rateLimit: state.rateLimit }));
      case '/_sandbox/qps':
        if (!(typeof body.qps === 'number' && Number.isFinite(body.qps) && body.qps >= 0))
          return bad('qps must be a number ≥ 0 (0 = no limit)');
        state.qpsLimit = body.qps;
        state.window.clear();
        return sendJson(res, 200, json({ qps: state.qpsLimit }));
      case '/_sandbox/expire-token': {
        const expired = [];
        for (const [token, t] of state.tokens) {
          if (body.accessToken === undefined || body.accessToken === token) {
            t.expiresAt = now() - 1;
            expired.push(token);
          }
        }
        return sendJson(res, 200, json({ expired: expired.length }));
      }
      case '/_sandbox/fail':
        if (!Number.isInteger(body.status) || body.status < 400 || body.status > 599)
          return bad('status must be an HTTP status 400–599');
        state.fail = {
          status: body.status,
          count: n(body.count, 1),
          api: typeof body.api === 'string' && body.api ? body.api : null,
        };
        return sendJson(res, 200, json({ fail: state.fail }));
      case '/_sandbox/quota':
        if (body.calls !== null && !Number.isInteger(body.calls))
          return bad('calls must be a whole number, or null for no limit');
        state.quota = body.calls === null ? null : Math.max(0, body.calls);
        return sendJson(res, 200, json({ quota: state.quota }));
      case '/_sandbox/push-duplicates':
        state.duplicates = n(body.count, 1);
        return sendJson(res, 200, json({ duplicates: state.duplicates }));
      case '/_sandbox/drop-push':
        state.drops = n(body.count, 1);
        return sendJson(res, 200, json({ drops: state.drops }));
      case '/_sandbox/advance': {
        if (!(typeof body.seconds === 'number' && Number.isFinite(body.seconds) && body.seconds >= 0))
          return bad('seconds must be a number ≥ 0');
        state.clockOffsetMs += Math.round(body.seconds * 1000);
        const before = state.pushes.length;
        sb.sweep();
        return sendJson(
          res,
          200,
          json({ now: chinaTime(now()), closed: state.pushes.slice(before).map((p) => p.bizKey) }),
        );
      }
      case '/_sandbox/delay':
        state.delay = { ms: n(body.ms, 0), count: n(body.count, 1) };
        return sendJson(res, 200, json({ delay: state.delay }));
      case '/_sandbox/push-url':
        sb.urls.push = typeof body.url === 'string' && body.url ? body.url : null;
        return sendJson(res, 200, json({ pushUrl: sb.urls.push }));
      case '/_sandbox/reset':
        sb.reset();
        return sendJson(res, 200, json({ reset: true }));
      default:
        return sendJson(res, 404, json({ error: `no control endpoint ${route}` }));
    }
  }

  return { orders, buyer, snapshot, control };
}
