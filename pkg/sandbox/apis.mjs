// The API answers, in the shapes 1688's API pages document (README "The sandbox" says where the
// sandbox chooses for itself).
import { randomBytes } from 'node:crypto';
import { idJson, raw, json, idOf, fenOf, chinaTime, aopDate, parseTime, idListOf } from './wire.mjs';
import { missing, bizError } from './http.mjs';

const KJB_CHANNELS = [
  { code: 16, name: '跨境宝' },
  { code: 20, name: '跨境宝2.0' },
];
const URL_APIS = {
  'alibaba.crossBorderPay.url.get': { channel: 'kjb', max: 30, flavour: 'kjb' },
  'alibaba.creditPay.url.get': { channel: 'creditPay', max: 30, flavour: 'kjb' },
  'alibaba.alipay.url.get': { channel: 'alipay', max: 100, flavour: 'alipay' },
};
/** Documented free-text business errors of the url APIs (alibaba.alipay.url.get's page). */
const MANUAL_TRADE = 'Batch pay : not surport MANUAL-TRADE!';
const STOCK_ERROR = '操作库存失败:PRODUCT_TRADE_STAT_ERROR';

/** @param sb the sandbox's shared context (index.mjs); other modules' functions are reached through it. */
export function createApis(sb) {
  const { config, cfg, state, now, account, buyerMemberId } = sb;

  function business(apiName, params, ctx) {
    if (URL_APIS[apiName]) return urlApi(apiName, URL_APIS[apiName], params, ctx);
    switch (apiName) {
      case 'alibaba.trade.payWay.query':
        return payWay(params);
      case 'alibaba.accountPeriod.list.buyerView':
        return accountPeriods(params);
      case 'trade.orderpay.analysis':
        return analysis(params);
      case 'alibaba.trade.pay.protocolPay.preparePay':
        return preparePay(params, ctx);
      case 'alibaba.trade.pay.protocolPay.isopen':
        return protocolPayIsOpen();
      case 'alibaba.trade.get.buyerView':
        return buyerView(params);
      case 'alibaba.trade.getBuyerOrderList':
        return buyerOrderList(params);
      case 'alibaba.trade.cancel':
        return cancel(params, ctx);
      case 'alibaba.account.basic':
        return accountBasic();
      case 'push.query.messageList':
        return sb.messageList(params, ctx);
      case 'push.message.confirm':
        return sb.messageConfirm(params, ctx);
      case 'alibaba.account.agent.crossBasic':
        return crossBasic(params);
      default:
        throw new Error(`no answer for ${apiName}`); // the gateway lets only known APIs through
    }
  }

  function urlApi(apiName, spec, params, ctx) {
    const list = params.get('orderIdList');
    if (list === undefined) return missing('orderIdList');
    const listed = idListOf(list);
    if (!listed)
      return bizError(
        spec.flavour,
        'orderIdList must be a JSON array of order ids',
        'orderIdList must be a JSON array of order ids, e.g. [3535260697417660107]',
      );
    const ids = [...new Set(listed)];
    if (ids.length === 0 || ids.length > spec.max) {
      const text = `orderIdList must list 1 to ${spec.max} orders, got ${ids.length}`;
      return bizError(spec.flavour, text, text);
    }
    // The documented free-text errors fail the whole call (alibaba.alipay.url.get's page).
    const orders = ids.map((id) => sb.orderOf(id));
    if (orders.some((o) => o && o.manualTrade))
      return { ...bizError(spec.flavour, MANUAL_TRADE, MANUAL_TRADE), orderIds: ids };
    if (orders.some((o) => o && o.stockError))
      return { ...bizError(spec.flavour, STOCK_ERROR, STOCK_ERROR), orderIds: ids };
    if (spec.channel === 'creditPay' && account.creditPay === false) {
      const text = '买家未开通诚e赊 (the buyer has not opened eCredit)';
      return { ...bizError(spec.flavour, text, text), orderIds: ids };
    }
    const payable = [];
    const refused = [];
    for (const id of ids) (sb.refusal(sb.orderOf(id), spec.channel) ? refused : payable).push(id);
    if (payable.length === 0) {
      if (spec.flavour === 'alipay') {
        const text = '没有可以支付的订单 (no order can be paid)';
        return { ...bizError('alipay', text, text, { payFailureOrderList: ids.map(idJson) }), orderIds: ids };
      }
      return {
        ...bizError(spec.flavour, '400_4', '没有可以使用跨境宝支付的订单 (no order can be paid by KJB)'),
        orderIds: ids,
      };
    }
    const token = randomBytes(12).toString('hex');
    state.sessions.set(token, {
      token,
      api: apiName,
      channel: spec.channel,
      appKey: ctx.app.appKey,
      orderIds: payable,
      refused,
      createdAt: now(),
      paidAt: null,
      push: null,
      outcome: null,
    });
    const payUrl = `${sb.baseOf(ctx.req)}/cashier?token=${token}`;
    const refusedJson = refused.map(idJson);
    const body =
      spec.flavour === 'alipay'
        ? json({ success: true, payUrl, payFailureOrderList: refusedJson })
        : // crossBorderPay / creditPay: success as a string, and an empty list printed as {} (as 1688 does).
          json({ success: 'true', payUrl, cantPayOrderList: refused.length ? refusedJson : raw('{}') });
    return { body, orderIds: ids };
  }

  /** One order id parameter, or an answer to send instead. */
  function singleId(params, name) {
    const value = params.get(name);
    if (value === undefined) return { error: missing(name) };
    const id = idOf(value.trim().replace(/^"(.*)"$/, '$1'));
    return id
      ? { id }
      : { error: bizError('plain', `${name} is not a 1688 order id`, `${name} must be a 1688 order id (digits)`) };
  }

  function payWay(params) {
    const { id, error } = singleId(params, 'orderId');
    if (error) return error;
    if (account.subAccount) return bizError('plain', '500_2', "请使用主账号操作 (use the buyer's main account)");
    const order = sb.orderOf(id);
    if (!order) return bizError('plain', '订单不存在', `order ${id} does not exist`);
    if (order.status !== 'waitbuyerpay')
      return bizError('plain', '订单状态不是待付款', `order ${id} is not awaiting payment (status ${order.status})`);
    const channels = [{ code: 1, name: '支付宝' }];
    if (!sb.refusal(order, 'kjb')) channels.push(...KJB_CHANNELS);
    if (account.creditPay !== false) channels.push({ code: 3, name: '诚e赊' });
    if (sb.supplierOf(order).accountPeriod) channels.push({ code: 7, name: '账期支付' });
    // As the documented example: resultList is an object, orderId a string, payFee fen.
    return {
      body: json({
        resultList: {
          channels,
          orderId: id,
          payFee: raw(fenOf(order.amount).toString()),
          timeout: chinaTime(order.createdAt + order.payTimeout * 1000),
        },
        success: true,
      }),
    };
  }

  function accountPeriods(params) {
    const pageIndex = Number(params.get('pageIndex') || '1');
    if (!Number.isInteger(pageIndex) || pageIndex < 1)
      return bizError('plain', 'pageIndex must be a whole number from 1', 'pageIndex must be a whole number from 1');
    const seller = params.get('sellerLoginId');
    const rows = [...cfg.suppliers.values()].filter((s) => s.accountPeriod && (!seller || s.loginId === seller));
    const page = rows.slice((pageIndex - 1) * 10, pageIndex * 10).map((s) => ({
      gmtQuota: aopDate(state.startedAt - 30 * 86400 * 1000),
      quota: raw(fenOf(s.accountPeriod.quota || '0').toString()),
      sellerCompanyName: s.companyName || s.loginId,
      sellerLoginId: s.loginId,
      statusStr: s.accountPeriod.statusStr || '有效',
      surplusQuota: raw(fenOf(s.accountPeriod.surplusQuota || '0').toString()),
      tapDateStr: s.accountPeriod.tapDateStr || '30天',
      tapOverdue: Number.isInteger(s.accountPeriod.tapOverdue) ? s.accountPeriod.tapOverdue : 0,
    }));
    return { body: json({ resultList: { accountPeriodList: page, totalCount: String(rows.length) }, success: true }) };
  }

  /** One yes/no for the whole set of orders, as documented (`avaliable` sic, totalPayFee in fen). */
  function analysis(params) {
    const list = params.get('orderIds');
    if (list === undefined) return missing('orderIds');
    const wrap = (success, code, message, result) => ({
      code: success ? undefined : code,
      body: json({ result: { success, code, message, result } }),
    });
    const ids = idListOf(list);
    if (!ids || ids.length === 0)
      return wrap(false, 'PARAM_ILLEGAL', 'orderIds must be a non-empty JSON array of order ids', null);
    const payChannel = params.get('payChannel') || 'kjpayV2';
    const channel = { kjpayV2: 'kjb', alipay: 'alipay', shegou: 'creditPay' }[payChannel];
    if (!channel) return wrap(false, 'PARAM_ILLEGAL', 'payChannel must be kjpayV2, alipay or shegou', null);
    const orders = ids.map((id) => sb.orderOf(id));
    const avaliable = orders.every((o) => o && !sb.refusal(o, channel) && !o.manualTrade && !o.stockError);
    const totalPayFee = orders.reduce((n, o) => n + (o ? fenOf(o.amount) : 0n), 0n);
    return wrap(true, null, null, {
      orderTotalCount: ids.length,
      totalPayFee: raw(totalPayFee.toString()),
      orderIds: ids.map(idJson),
      payChannel: { channel: payChannel, avaliable },
    });
  }

  function preparePay(params, ctx) {
    const text = params.get('tradeWithholdPreparePayParam');
    if (text === undefined) return missing('tradeWithholdPreparePayParam');
    const wrap = (success, code, message, result) => ({
      code: success ? undefined : code,
      body: json({ result: { success, code, message, result } }),
    });
    let p;
    try {
      p = JSON.parse(text);
    } catch {
      return wrap(false, 'PARAM_ILLEGAL', 'tradeWithholdPreparePayParam must be a JSON object', null);
    }
    const idMatch = /"orderId"\s*:\s*"?([0-9]+)"?/.exec(text); // JSON.parse would round a 19-digit id
    const id = idMatch && idOf(idMatch[1]);
    if (!p || typeof p !== 'object' || !id)
      return wrap(false, 'PARAM_ILLEGAL', 'tradeWithholdPreparePayParam needs orderId', null);
    const key = `${ctx.app.appKey}/${p.opRequestId}`;
    if (p.opRequestId !== undefined && state.prepared.has(key)) return state.prepared.get(key);
    const payChannel = p.payChannel || 'kjpayV2';
    const order = sb.orderOf(id);
    let answer;
    if (account.protocolPay === false)
      answer = wrap(false, 'PROTOCOL_NOT_SIGNED', 'the buyer has not signed password-free payment', null);
    else if (!order) answer = wrap(false, 'ORDER_NOT_EXIST', `order ${id} does not exist`, null);
    else if (p.payAmount !== undefined && String(p.payAmount) !== fenOf(order.amount).toString())
      answer = wrap(false, 'PAY_AMOUNT_MISMATCH', `payAmount must be ${fenOf(order.amount)} (fen)`, null);
    else {
      const why = sb.refusal(order, payChannel === 'kjpayV2' ? 'kjb' : 'alipay');
      if (why) answer = wrap(false, 'ORDER_CANNOT_PAY', why, { payChannel, paySuccess: false });
      else {
        sb.markPaid([id], { kjpayV2: 'kjb', shegou: 'creditPay' }[payChannel] || 'alipay');
        // The outcome also arrives by push, as 1688 does for password-free batch payments.
        sb.paidPushes(ctx.app, [id], 'successed');
        answer = wrap(true, '200', 'success', { payChannel, paySuccess: true });
      }
    }
    if (p.opRequestId !== undefined) state.prepared.set(key, answer);
    return answer;
  }

  /** As documented: per channel (SHEGOU = 诚e赊, ALIPAY) whether the withholding agreement is bound and signed, as strings. */
  function protocolPayIsOpen() {
    const open = account.protocolPay !== false;
    const shegou = open && account.creditPay !== false;
    const paymentAgreements = [
      { bindingStatus: String(shegou), payChannel: 'SHEGOU', signedStatus: String(shegou) },
      { bindingStatus: String(open), payChannel: 'ALIPAY', signedStatus: String(open) },
    ];
    return { body: json({ result: { success: true, code: null, message: null, result: { paymentAgreements } } }) };
  }

  function buyerView(params) {
    const { id, error } = singleId(params, 'orderId');
    if (error) return error;
    const order = sb.orderOf(id);
    if (!order) return bizError('plain', '订单不存在', `order ${id} does not exist`);
    return { body: json({ result: sb.orderView(order) }) };
  }

  function buyerOrderList(params) {
    const page = Number(params.get('page') || '1');
    const pageSize = Number(params.get('pageSize') || '20');
    if (!Number.isInteger(page) || page < 1)
      return bizError('plain', 'page must be a whole number from 1', 'page must be a whole number from 1');
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100)
      return bizError('plain', 'pageSize must be 1 to 100', 'pageSize must be 1 to 100');
    const status = params.get('orderStatus');
    const from = params.get('modifyStartTime') ? parseTime(params.get('modifyStartTime')) : null;
    const to = params.get('modifyEndTime') ? parseTime(params.get('modifyEndTime')) : null;
    if (Number.isNaN(from) || Number.isNaN(to))
      return bizError(
        'plain',
        'modifyStartTime/modifyEndTime must be yyyyMMddHHmmssSSS+0800',
        'modifyStartTime/modifyEndTime must be yyyyMMddHHmmssSSS+0800',
      );
    // The live gateway ignores an orderIds filter: so does the sandbox.
    const rows = [...state.orders.values()]
      .filter(
        (o) =>
          !o.generated &&
          (!status || o.status === status) &&
          (from === null || o.modifiedAt >= from) &&
          (to === null || o.modifiedAt <= to),
      )
      .sort((x, y) => y.createdAt - x.createdAt || (x.orderId < y.orderId ? 1 : -1));
    const slice = rows.slice((page - 1) * pageSize, page * pageSize).map(sb.orderView);
    return { body: json({ result: slice, totalRecord: raw(String(rows.length)) }) };
  }

  function cancel(params, ctx) {
    const { id, error } = singleId(params, 'tradeID');
    if (error) return error;
    const reason = params.get('cancelReason');
    if (reason === undefined) return missing('cancelReason');
    if (!['buyerCancel', 'sellerGoodsLack', 'other'].includes(reason)) {
      const text = 'cancelReason must be buyerCancel, sellerGoodsLack or other';
      return bizError('plain', text, text);
    }
    const order = state.orders.get(id) || (config.strictOrders ? null : sb.orderOf(id));
    if (!order) return bizError('plain', 'ORDER_NOT_EXIST', '订单不存在');
    // An order of another buyer (config `otherBuyer`): the token's user may not cancel it.
    if (order.otherBuyer) return bizError('plain', '400_3', "无权取消该订单 (not this buyer's order)");
    if (order.status !== 'waitbuyerpay') return bizError('plain', 'ORDER_STATUS_ERROR', '订单状态错误');
    if (now() - order.createdAt < 10000)
      return bizError(
        'plain',
        'CLOSE_ORDER_TOO_FAST',
        'an order cannot be cancelled within 10 seconds of its creation',
      );
    sb.closeOrder(order, reason, ctx.app, 'ORDER_BUYER_VIEW_ORDER_BUYER_CLOSE', 'CLOSE_TRADE_BY_BUYER');
    return { body: json({ success: true }), orderIds: [id] };
  }

  function crossBasic(params) {
    const loginId = params.get('loginId');
    const domain = params.get('domain');
    if (!loginId && !domain) return missing('loginId');
    const s = [...cfg.suppliers.values()].find((x) => x.loginId === loginId || (domain && x.domain === domain));
    if (!s) return bizError('plain', '会员不存在', `member ${loginId || domain} does not exist`);
    // As documented: no 诚信通 field here (that flag comes from elsewhere).
    return {
      body: json({
        result: {
          loginId: s.loginId,
          categoryName: s.categoryName || '',
          companyName: s.companyName || s.loginId,
          shopUrl: s.shopUrl || `https://${s.loginId}.1688.com`,
          supplierName: s.supplierName || s.companyName || s.loginId,
          kuaJingBao: s.kjb !== false,
        },
        success: true,
      }),
    };
  }

  function accountBasic() {
    const a = account;
    const userId = /([0-9]+)$/.exec(buyerMemberId);
    return {
      body: json({
        result: {
          loginId: a.loginId || 'sandbox-buyer',
          userId: raw(userId ? String(Number(userId[1].slice(-10))) : '0'),
          enterpriseAccount: true,
          personAccount: false,
          createDate: aopDate(state.startedAt - 5 * 365 * 86400 * 1000),
          gmtPaidJoin: aopDate(state.startedAt - 3 * 365 * 86400 * 1000),
          tpYear: raw(String(Number.isInteger(a.tpYear) ? a.tpYear : 3)),
          companyName: a.companyName,
          memberBizType: 'ENTERPRISE',
          memberId: buyerMemberId,
          supplierName: a.companyName,
          kuaJingBao: a.kjbActivated !== false,
          crossBorder: a.kjbActivated !== false,
          status: a.subAccount ? 'enabled' : undefined,
        },
        success: true,
      }),
    };
  }

  return { business };
}
