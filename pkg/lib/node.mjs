// Node entry (ESM): re-exports the CommonJS entry so `import` and `require` share one module
// instance and one KjbError class (instanceof works across both).
import kjb from './node.cjs';

export const {
  feeSchedule,
  quoteFee,
  checkOrders,
  planPayment,
  buildRequest,
  signRequest,
  signature,
  parseResponse,
  verifyPush,
  authorizeUrl,
  orderIds,
  Signer,
  KjbClient,
  KjbError,
  init,
  initSync,
  parseToken,
} = kjb;
// v1.1: 1688 orders in, payment states out.
export const { ordersFrom1688, paymentState } = kjb;
export default kjb.init;
