// Order state: which orders exist, what stops a channel paying one, paying, closing (payTimeout on
// the sandbox clock) and the buyerView description of an order.
import { idJson, raw, idOf, fenOf, yuan, chinaTime, aopDate, parseTime, yuanNumber } from './wire.mjs';

// How buyerView names the channel that paid: payChannelList (documented names), payChannelCodeList
// and tradeTerms[].payWay (the KJB code and payWay are the sandbox's choice).
const PAY_CHANNELS = {
  kjb: { name: '跨境宝', code: 'kjpay', payWay: '13' },
  creditPay: { name: '诚e赊', code: 'shegou', payWay: '3' },
  alipay: { name: '支付宝', code: 'alipay', payWay: '1' },
};

/** @param sb the sandbox's shared context (index.mjs); other modules' functions are reached through it. */
export function createOrders(sb) {
  const { config, cfg, state, now, account, buyerMemberId } = sb;

  /** An order as the sandbox keeps it: config fields plus its createTime (ms) and payTimeout (s). */
  function initialOrder(o) {
    const created =
      typeof o.createTime === 'number'
        ? Date.now() + o.createTime * 1000
        : typeof o.createTime === 'string'
          ? parseTime(o.createTime)
          : Date.now() - 3600 * 1000;
    return {
      ...o,
      status: o.status || 'waitbuyerpay',
      createdAt: created,
      modifiedAt: created,
      payTimeout: Number.isInteger(o.payTimeout) ? o.payTimeout : 259200,
    };
  }

  const supplierOf = (order) =>
    cfg.suppliers.get(order.supplier) || {
      loginId: order.supplier || 'unknown-supplier',
      kjb: true,
      chengxintong: true,
    };

  /** The order, creating one for an unknown id unless the config is strict. */
  function orderOf(id) {
    let order = state.orders.get(id);
    if (!order && !config.strictOrders) {
      const first = [...cfg.suppliers.values()].find((s) => s.kjb !== false) || {};
      const fen = 10000n + (BigInt(id) % 990000n);
      order = initialOrder({
        orderId: id,
        amount: yuan(fen),
        status: 'waitbuyerpay',
        tradeType: 'assureTrade',
        supplier: first.loginId,
        items: [{ offerId: '600000000001', title: `Order ${id} (not in the sandbox config)` }],
        generated: true,
      });
      state.orders.set(id, order);
    }
    return order || null;
  }

  /** Why `channel` cannot pay `order` now, or null. */
  function refusal(order, channel) {
    if (!order) return 'unknown order';
    if (order.status !== 'waitbuyerpay') return `order status is ${order.status}`;
    if (channel === 'kjb') {
      if (account.kjbActivated === false) return 'KJB is not activated for the buyer';
      if (order.kjbRefused) return `KJB refused: ${order.kjbRefused === true ? 'risk control' : order.kjbRefused}`;
      if (supplierOf(order).kjb === false) return 'the supplier does not accept KJB';
      if (order.tradeType && order.tradeType !== 'assureTrade') return 'not a guaranteed transaction';
    }
    if (channel === 'creditPay' && account.creditPay === false) return 'the buyer has no eCredit (诚e赊)';
    return null;
  }

  const firstApp = () => cfg.apps.values().next().value;

  /** Marks orders paid through `channel` (kjb, creditPay or alipay). */
  function markPaid(ids, channel) {
    const t = now();
    for (const id of ids) {
      const order = state.orders.get(id);
      if (order)
        Object.assign(order, { status: 'waitsellersend', paidAt: t, modifiedAt: t, payChannel: PAY_CHANNELS[channel] });
    }
  }

  function orderTopicData(order) {
    const s = supplierOf(order);
    return {
      buyerMemberId,
      currentStatus: order.status,
      orderId: idJson(order.orderId),
      sellerMemberId: s.memberId || `b2b-${s.loginId}`,
      msgSendTime: chinaTime(now()),
    };
  }

  function closeOrder(order, reason, app, topic, operateType) {
    const t = now();
    Object.assign(order, {
      status: 'cancel',
      closeReason: reason,
      closeOperateType: operateType,
      closedAt: t,
      modifiedAt: t,
    });
    sb.deliver(app, topic, order.orderId, orderTopicData(order));
  }

  /** Closes every unpaid order past createTime + payTimeout (on the sandbox clock). */
  function sweep() {
    const t = now();
    for (const order of state.orders.values()) {
      if (order.status === 'waitbuyerpay' && order.createdAt + order.payTimeout * 1000 <= t)
        closeOrder(order, 'BUYER_NO_PAY', firstApp(), 'ORDER_BUYER_VIEW_ORDER_BOPS_CLOSE', 'CLOSE_TRADE_BY_SYSTEM');
    }
  }

  /** An order as buyerView describes it (`result`). */
  function orderView(order) {
    const id = order.orderId;
    const s = supplierOf(order);
    const total = fenOf(order.amount);
    const shipping = fenOf(order.shippingFee || '0') || 0n;
    const discount = BigInt(Number.isInteger(order.discount) ? order.discount : 0); // fen, as 1688 sends it
    const products = total - shipping - discount;
    const paid = Boolean(order.paidAt);
    const baseInfo = {
      id: idJson(id),
      businessType: 'cn',
      buyerID: buyerMemberId,
      createTime: aopDate(order.createdAt),
      modifyTime: aopDate(order.modifiedAt),
      payTime: paid ? aopDate(order.paidAt) : undefined,
      completeTime: order.closedAt ? aopDate(order.closedAt) : undefined,
      sellerID: s.memberId || `b2b-${s.loginId}`,
      shippingFee: yuanNumber(shipping),
      status: order.status,
      totalAmount: yuanNumber(total),
      discount: raw(discount.toString()),
      sellerContact: { companyName: s.companyName || s.loginId, imInPlatform: s.loginId },
      tradeType: order.tradeType === 'assureTrade' || !order.tradeType ? '50060' : '50000',
      tradeTypeCode: order.tradeType || 'assureTrade',
      refund: raw('0'),
      idOfStr: id,
      buyerLoginId: account.loginId || 'sandbox-buyer',
      sellerLoginId: s.loginId,
      closeReason: order.closeReason,
      sumProductPayment: yuanNumber(products),
      payTimeout: raw(String(order.payTimeout)),
      sellerOrder: Boolean(order.sellerOrder),
      closeOperateType: order.closeOperateType,
      tradeTypeDesc: (order.tradeType || 'assureTrade') === 'assureTrade' ? '担保交易' : order.tradeType,
      payTimeoutType: raw('0'),
      payChannelList: order.payChannel ? [order.payChannel.name] : undefined,
      payChannelCodeList: order.payChannel ? [order.payChannel.code] : undefined,
    };
    const items = order.items || [];
    const share = items.length ? products / BigInt(items.length) : 0n;
    const productItems = items.map((it, i) => {
      const amount = i === 0 ? products - share * BigInt(items.length - 1) : share;
      const quantity = Number.isInteger(it.quantity) && it.quantity > 0 ? it.quantity : 1;
      return {
        itemAmount: yuanNumber(amount),
        name: it.title || '',
        price: yuanNumber(amount / BigInt(quantity)),
        productID: raw(idOf(it.offerId) || '0'),
        quantity: raw(String(quantity)),
        status: order.status,
        type: 'common',
        unit: it.unit || '件',
        categoryName: it.category,
      };
    });
    const tradeTerms = [
      {
        payStatus: paid ? '2' : order.status === 'cancel' ? '8' : '1',
        payTime: paid ? aopDate(order.paidAt) : undefined,
        payWay: paid ? order.payChannel.payWay : undefined,
        phasAmount: yuanNumber(total),
        phase: raw('1'),
        cardPay: false,
        expressPay: false,
        payWayDesc: paid ? order.payChannel.name : undefined,
      },
    ];
    return { baseInfo, productItems, tradeTerms };
  }

  return {
    initialOrder,
    supplierOf,
    orderOf,
    refusal,
    firstApp,
    markPaid,
    closeOrder,
    sweep,
    orderView,
    orderTopicData,
  };
}
