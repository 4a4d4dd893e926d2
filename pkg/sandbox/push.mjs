// Message push: signed messages, re-sent with bounded back-off until the receiver answers 200,
// duplicates and drops on request, and the pull API for what was not confirmed.
import { aopSignature, raw, json, parseTime, idListOf } from './wire.mjs';
import { missing, bizError } from './http.mjs';

const FORM = 'application/x-www-form-urlencoded; charset=UTF-8';
const PUSH_TIMEOUT_MS = 5000;

/** @param sb the sandbox's shared context (index.mjs); other modules' functions are reached through it. */
export function createPush(sb) {
  const { settings, state, now, log, buyerMemberId } = sb;

  const FAIL_STATUSES = ['ACCOUNT_BALANCE_NOT_ENOUGH', 'ACCOUNT_NOT_EXIST', 'ACCOUNT_FROZEN', 'PARAM_ILLEGAL'];

  const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref());

  /** One POST of the push; records the outcome; true on HTTP 200. */
  async function attempt(entry) {
    entry.attempts += 1;
    try {
      const body = new URLSearchParams([
        ['message', entry.message],
        ['_aop_signature', entry.signature],
      ]).toString();
      // A reset abandons the deliveries of the state it replaced.
      const signal = AbortSignal.any
        ? AbortSignal.any([AbortSignal.timeout(PUSH_TIMEOUT_MS), state.pushAbort.signal])
        : AbortSignal.timeout(PUSH_TIMEOUT_MS);
      const res = await fetch(entry.url, { method: 'POST', headers: { 'content-type': FORM }, body, signal });
      await res.arrayBuffer();
      entry.status = res.status;
      entry.error = res.status === 200 ? null : `the receiver answered HTTP ${res.status}`;
      return res.status === 200;
    } catch (e) {
      entry.status = null;
      entry.error = `could not deliver: ${e && e.message ? e.message : e}`;
      return false;
    }
  }

  /** Re-sends until the receiver answers 200, with bounded exponential back-off (pushRetry). */
  async function deliveryLoop(entry, generation, firstDone) {
    for (let i = 0; i < settings.pushAttempts; i += 1) {
      if (i > 0) await pause(settings.pushBaseMs * 2 ** (i - 1));
      if (generation !== state.generation || entry.confirmed) break;
      const sends = [attempt(entry)];
      if (entry.duplicate && i === 0) sends.push(attempt(entry));
      const ok = (await Promise.all(sends)).some(Boolean);
      firstDone();
      log(`push ${entry.type} ${entry.msgId} → ${entry.url}: ${ok ? 'delivered' : entry.error}`);
      if (ok) {
        entry.delivered = true;
        entry.confirmed = true;
        break;
      }
    }
    firstDone();
    return entry;
  }

  /**
   * Queues one signed push message (params-only signature over `message`). Returns its record at
   * once; `record.firstAttempt` settles after the first try, `record.settled` after the last.
   */
  function deliver(app, type, bizKey, data) {
    const msgId = String(state.msgSeq);
    state.msgSeq += 1;
    const gmtBorn = now();
    const dataJson = json(data);
    const message = json({
      bizKey: String(bizKey),
      data: raw(dataJson),
      gmtBorn,
      msgId: raw(msgId),
      type,
      userInfo: buyerMemberId,
    });
    const signature = aopSignature(app.appSecret, '', [['message', message]]);
    const url = sb.urls.push || app.pushUrl || null;
    const entry = {
      msgId,
      type,
      bizKey: String(bizKey),
      appKey: app.appKey,
      url,
      message,
      signature,
      dataJson,
      gmtBorn,
      at: Date.now(),
      delivered: false,
      confirmed: false,
      dropped: false,
      duplicate: false,
      attempts: 0,
      status: null,
      error: null,
    };
    state.pushes.push(entry);
    let done;
    let firstDone;
    const first = new Promise((resolve) => {
      firstDone = () => resolve(entry);
    });
    if (!url) {
      entry.error = 'no push URL is set (createSandbox({pushUrl}), setPushUrl() or POST /_sandbox/push-url)';
      done = Promise.resolve(entry);
    } else if (state.drops > 0) {
      state.drops -= 1;
      entry.dropped = true;
      entry.error = 'dropped on request (/_sandbox/drop-push): left for push.query.messageList';
      done = Promise.resolve(entry);
    } else {
      if (state.duplicates > 0) {
        state.duplicates -= 1;
        entry.duplicate = true;
      }
      done = deliveryLoop(entry, state.generation, firstDone);
      const deliveries = state.deliveries;
      deliveries.add(done);
      done.then(() => deliveries.delete(done));
    }
    if (entry.error) {
      log(`push ${type} ${bizKey}: not sent, ${entry.error}`);
      firstDone();
    }
    Object.defineProperty(entry, 'settled', { value: done, enumerable: false });
    Object.defineProperty(entry, 'firstAttempt', { value: first, enumerable: false });
    return entry;
  }

  /** The pushes after a batch payment: one ORDER_BATCH_PAY, and per paid order ORDER_BUYER_VIEW_ORDER_PAY. */
  function paidPushes(app, ids, status) {
    const out = [deliver(app, 'ORDER_BATCH_PAY', ids[0], { batchPay: ids.map((id) => ({ orderId: id, status })) })];
    if (status === 'successed')
      for (const id of ids)
        out.push(deliver(app, 'ORDER_BUYER_VIEW_ORDER_PAY', id, sb.orderTopicData(state.orders.get(id))));
    return out;
  }

  /** Messages of this app not confirmed yet (a message the receiver answered 200 counts as confirmed). */
  function messageList(params, ctx) {
    const page = Number(params.get('page') || '1');
    const pageSize = Number(params.get('pageSize') || '20');
    if (!Number.isInteger(page) || page < 1)
      return bizError('plain', 'page must be a whole number from 1', 'page must be a whole number from 1');
    if (!Number.isInteger(pageSize) || pageSize < 20 || pageSize > 200)
      return bizError('plain', 'pageSize must be 20 to 200', 'pageSize must be 20 to 200');
    const type = params.get('type');
    const userInfo = params.get('userInfo');
    const from = params.get('createStartTime') ? parseTime(params.get('createStartTime')) : null;
    const to = params.get('createEndTime') ? parseTime(params.get('createEndTime')) : null;
    const rows = state.pushes.filter(
      (p) =>
        p.appKey === ctx.app.appKey &&
        !p.confirmed &&
        (!type || p.type === type) &&
        (!userInfo || userInfo === buyerMemberId) &&
        (from === null || Number.isNaN(from) || p.gmtBorn >= from) &&
        (to === null || Number.isNaN(to) || p.gmtBorn <= to),
    );
    const datas = rows.slice((page - 1) * pageSize, page * pageSize).map((p) => ({
      gmtBorn: raw(String(p.gmtBorn)),
      topicGroup: 'ORDER',
      data: raw(p.dataJson),
      msgId: raw(p.msgId),
      type: p.type,
      userInfo: buyerMemberId,
      appKey: ctx.app.appKey,
      topicName: p.type,
    }));
    return { body: json({ pushMessagePage: { datas, totalCount: rows.length } }) };
  }

  function messageConfirm(params, ctx) {
    const list = params.get('msgIdList');
    if (list === undefined) return missing('msgIdList');
    const ids = idListOf(list);
    if (!ids)
      return bizError(
        'plain',
        'msgIdList must be a JSON array of message ids',
        'msgIdList must be a JSON array of message ids',
      );
    const wanted = new Set(ids);
    for (const p of state.pushes) if (p.appKey === ctx.app.appKey && wanted.has(p.msgId)) p.confirmed = true;
    return { body: json({ isSuccess: true }) };
  }

  function pushView(p) {
    return p
      ? {
          type: p.type,
          msgId: p.msgId,
          url: p.url,
          delivered: p.delivered,
          confirmed: p.confirmed,
          dropped: p.dropped,
          attempts: p.attempts,
          status: p.status,
          error: p.error,
        }
      : null;
  }

  /** Resolves once every push under way has been delivered or has used up its attempts. */
  async function idle() {
    while (state.deliveries.size > 0) await Promise.all([...state.deliveries]);
  }

  return { idle, deliver, paidPushes, messageList, messageConfirm, pushView, FAIL_STATUSES };
}
