// A strict TypeScript CommonJS user (`require` under the hood): the types come from index.d.cts.
import kjb = require('kjb');
import { quoteFee, planPayment, buildRequest, KjbError } from 'kjb';

const quote = quoteFee({ amount: '3833.33', history: ['150000'] });
const fee: string = quote.fee;
const plan = kjb.planPayment({
  orders: '[]',
  buyer: { verified: true, alipayPersonalLinked: true, alipayBusinessLinked: true, kjbActivated: true },
  fx: { usd: 7.1 },
});
const amounts: string[] = plan.batches.map((b) => b.amount);
const req = buildRequest({ api: 'alibaba.crossBorderPay.url.get', params: { orderIdList: ['1'] }, appKey: '1234567' });
const toSign: string = req.stringToSign;
const ready: Promise<void> = kjb.init();
kjb.initSync(new Uint8Array(0));
const isKjb = (e: unknown): boolean => e instanceof KjbError && e.code === 'NOT_INITIALIZED';

planPayment({
  orders: [],
  buyer: { verified: true, alipayPersonalLinked: true, alipayBusinessLinked: true, kjbActivated: true },
  fx: { usd: '7' },
  // @ts-expect-error history is a list of monthly totals, not one number
  history: 150000,
});
// @ts-expect-error an unsigned request has no signature
const sig: string = req.signature;

export = { fee, amounts, toSign, ready, isKjb, sig };
