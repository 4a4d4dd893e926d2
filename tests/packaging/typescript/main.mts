// A strict TypeScript ESM user: the shipped types (index.d.mts) must describe every call and
// answer. `tsc --noEmit` only; the @ts-expect-error lines prove the types are not `any`.
import init, { quoteFee, planPayment, buildRequest, parseResponse, KjbError } from 'kjb';
import type { Order, PaymentPlan, UnsignedRequest, FeeQuote, ErrorCode, PlanPaymentInput } from 'kjb';

await init();

const quote: FeeQuote = quoteFee({ amount: '3833.33', history: ['150000', 80000] });
const fee: string = quote.fee;
const tier: number = quote.tier;
const nextFee: string | undefined = quote.next?.fee;

const orders: Order[] = [
  {
    orderId: 3535260697417660107n,
    amount: '1000.00',
    status: 'waitbuyerpay',
    tradeType: 'assureTrade',
    supplier: { loginId: 'sz-cable-factory', kjb: true, chengxintong: true },
    items: [{ offerId: '554456348334', title: 'USB-C cable 1 m' }],
  },
];
const input: PlanPaymentInput = {
  orders,
  buyer: { verified: true, alipayPersonalLinked: true, alipayBusinessLinked: true, kjbActivated: true },
  fx: { usd: '7.10' },
  history: ['150000'],
  maxPerCall: 10,
};
const plan: PaymentPlan = planPayment(input);
const firstIds: string[] = plan.batches.flatMap((b) => b.orderIds);
const payable: number = plan.totals.payable;
const rejectedCodes: string[] = plan.rejected.flatMap((r) => r.reasons.map((x) => x.code));
// Orders may also be passed as JSON text, which keeps 19-digit number ids exact.
planPayment({ ...input, orders: '[]' });

const req: UnsignedRequest = buildRequest({
  api: 'alibaba.crossBorderPay.url.get',
  params: { orderIdList: ['3535260697417660107'] },
  appKey: '1234567',
  accessToken: 'tok',
});
const method: 'POST' = req.method;
const pairs: [string, string][] = req.params;

try {
  quoteFee({ amount: '1.005' });
} catch (e) {
  if (e instanceof KjbError) {
    const code: ErrorCode = e.code;
    const path: string | null = e.path;
    void [code, path];
  }
}

// @ts-expect-error amount is money (string | number), not a boolean
quoteFee({ amount: true });
// @ts-expect-error fees come back as decimal strings, never numbers
const wrong: number = quote.fee;
// @ts-expect-error buildRequest needs an appKey
buildRequest({ api: 'alibaba.crossBorderPay.url.get' });
// @ts-expect-error the buyer must say whether KJB is activated (kjbActivated, or 1688's kuaJingBao)
planPayment({ ...input, buyer: { verified: true, alipayPersonalLinked: true, alipayBusinessLinked: true } });
// What the runtime accepts, the types accept: 1688's own field names, category paths, a baseUrl.
planPayment({
  ...input,
  buyer: { verified: true, alipayPersonalLinked: true, alipayBusinessLinked: true, kuaJingBao: true },
  orders: [
    {
      orderId: '3535260697417660107',
      amount: '1.00',
      status: 'waitbuyerpay',
      tradeTypeCode: 'assureTrade',
      supplier: { loginId: 's', kuaJingBao: true, chengxintong: true },
      items: [{ offerId: '1', category: [1031910, 'Toys'] }],
    },
  ],
  limits: { perDayUsd: '1000000' },
});
// @ts-expect-error limits has two keys; a misspelt one is refused at run time too
planPayment({ ...input, limits: { perDay: '1000000' } });
buildRequest({ api: 'alibaba.trade.get.buyerView', appKey: '1234567', baseUrl: 'http://127.0.0.1:8688' });
// parseResponse's answer follows the api.
const urlAnswer = parseResponse({ api: 'alibaba.crossBorderPay.url.get', status: 200, body: '{}' });
const refused: string[] = urlAnswer.refused;
const payWay = parseResponse({ api: 'alibaba.trade.payWay.query', status: 200, body: '{}' });
const kjbOffered: boolean = payWay.kjb;
// @ts-expect-error a url API's answer has no channels
void urlAnswer.channels;
const suspected: (string | undefined)[] = plan.rejected.flatMap((r) => r.reasons.map((x) => x.matched));

export { fee, tier, nextFee, firstIds, payable, rejectedCodes, method, pairs, wrong, refused, kjbOffered, suspected };
