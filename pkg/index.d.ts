// Types of the kjb JavaScript contract (../shared/spec/js-api.md). Hand-written: these names are
// a contract, and `make test` type-checks a strict consumer against them.

/** A decimal amount: a string like "1234.50", or a JS number that converts exactly (12.5). */
export type Money = string | number;
/** A 1688 order id: digits (up to 19) as a string, a BigInt, or a safe-integer number. */
export type OrderIdInput = string | bigint | number;
/** Order ids in answers are always strings: 19-digit ids do not fit a JS number. */
export type OrderId = string;

export type ErrorCode =
  | 'INVALID_INPUT' | 'INVALID_JSON' | 'INVALID_AMOUNT' | 'INVALID_RATE' | 'INVALID_ORDER_ID'
  | 'UNSAFE_ORDER_ID' | 'INVALID_SCHEDULE' | 'MISSING_FX_RATE' | 'INVALID_CREDENTIALS'
  | 'UNKNOWN_API' | 'TOO_MANY_ORDERS' | 'GATEWAY_ERROR' | 'BUSINESS_ERROR'
  | 'PUSH_SIGNATURE_INVALID' | 'PUSH_MALFORMED' | 'NOT_INITIALIZED' | 'INTERNAL';

/** Every failure kjb reports. Branch on `code`, not on `message`. */
export declare class KjbError extends Error {
  constructor(code: ErrorCode | string, message: string, details?: Partial<KjbError>);
  readonly name: 'KjbError';
  /** Stable machine code. */
  code: ErrorCode;
  /** The input field concerned, e.g. `orders[3].amount`; null when the whole input is meant. */
  path: string | null;
  /** 1-based position in a JSON text input, where the failure has one. */
  line?: number;
  column?: number;
  /** 1688's own code on gateway and business errors, e.g. `gw.SignatureInvalid`, `400_4`. */
  gatewayCode?: string;
  httpStatus?: number;
  /** True only when the same call can succeed later (rate limiting). */
  retryable?: boolean;
  requestId?: string;
}

// ---- loading --------------------------------------------------------------------------------

/** Browsers, bundlers, workers: fetches and instantiates the wasm once. Node: resolves at once. */
export declare function init(input?: string | URL | Request | Response | BufferSource | WebAssembly.Module): Promise<void>;
/** Synchronous init from the wasm bytes or a compiled module (service workers). Node: no-op. */
export declare function initSync(bytes: BufferSource | WebAssembly.Module): void;
export default init;

// ---- fees -----------------------------------------------------------------------------------

export type Rounding = 'halfUp' | 'halfEven' | 'down' | 'up';

export interface TierInput {
  tier?: number;
  from: Money;
  /** Exclusive upper bound; null/absent for the last, open-ended tier. */
  to?: Money | null;
  /** Fraction of the amount, e.g. "0.0015" for 0.15%. */
  rate: Money;
}

export interface ScheduleInput {
  currency?: 'CNY';
  effective?: string | null;
  rounding?: Rounding;
  minFee?: Money;
  tiers: TierInput[];
}

export interface Tier {
  tier: number;
  from: string;
  to: string | null;
  rate: string;
}

export interface FeeSchedule {
  currency: 'CNY';
  effective: string | null;
  rounding: Rounding;
  minFee: string;
  tiers: Tier[];
}

export interface QuoteFeeInput {
  /** The amount to pay, CNY. */
  amount: Money;
  /** Completed monthly 1688 totals in CNY, newest first (`history[0]` = last month); 12 count. */
  history?: Money[];
  schedule?: ScheduleInput;
}

export interface FeeQuote {
  amount: string;
  fee: string;
  rate: string;
  tier: number;
  applicableAmount: string;
  basis: 'lastMonth' | 'average';
  lastMonth: string;
  average: string;
  next: { tier: number; rate: string; from: string; volumeNeeded: string; fee: string } | null;
}

export declare function feeSchedule(): FeeSchedule;
export declare function quoteFee(q: QuoteFeeInput): FeeQuote;

// ---- eligibility and planning ---------------------------------------------------------------

export interface Buyer {
  verified: boolean;
  alipayPersonalLinked: boolean;
  alipayBusinessLinked: boolean;
  kjbActivated: boolean;
}

export interface Item {
  offerId: OrderIdInput;
  title?: string;
  category?: string | number;
  /** false when 1688 lists this offer as not payable by KJB. */
  kjb?: boolean;
  [extra: string]: unknown;
}

export interface Order {
  orderId: OrderIdInput;
  amount: Money;
  currency?: 'CNY' | string;
  status: string;
  tradeType: string;
  supplier: { loginId: string; kjb: boolean; chengxintong: boolean; [extra: string]: unknown };
  items: Item[];
  sellerOrder?: boolean;
  redEnvelope?: boolean;
  [extra: string]: unknown;
}

export interface ProhibitedKind {
  id: string;
  name: string;
  nameZh?: string;
  keywords?: string[];
  [extra: string]: unknown;
}

export interface CheckOrdersInput {
  /** Order objects, or the JSON text of the array (keeps 19-digit number ids exact). */
  orders: Order[] | string;
  buyer: Buyer;
  fx: { usd: Money };
  paidTodayUsd?: Money;
  limits?: { [name: string]: Money };
  prohibited?: ProhibitedKind[];
}

export type ReasonCode =
  | 'BUYER_NOT_VERIFIED' | 'ALIPAY_PERSONAL_NOT_LINKED' | 'ALIPAY_BUSINESS_NOT_LINKED'
  | 'KJB_NOT_ACTIVATED' | 'SUPPLIER_NOT_KJB' | 'SUPPLIER_NOT_CHENGXINTONG' | 'TRADE_NOT_GUARANTEED'
  | 'ORDER_NOT_AWAITING_PAYMENT' | 'OFFER_NOT_KJB' | 'PROHIBITED_GOODS' | 'PROHIBITED_GOODS_SUSPECTED'
  | 'MANUAL_ORDER' | 'RED_ENVELOPE_USED' | 'OVER_TRANSACTION_LIMIT' | 'OVER_DAILY_LIMIT'
  | 'DUPLICATE_ORDER' | 'CURRENCY_UNSUPPORTED';

export interface Reason {
  code: ReasonCode;
  severity: 'block' | 'warn';
  message: string;
  messageZh: string;
  path: string;
}

export interface CheckResult {
  orderId: OrderId;
  eligible: boolean;
  reasons: Reason[];
}

export declare function checkOrders(c: CheckOrdersInput): { results: CheckResult[] };

export interface PlanPaymentInput extends CheckOrdersInput {
  history?: Money[];
  /** Ids per gateway call, 1–30; default 10 (larger calls time out). */
  maxPerCall?: number;
  schedule?: ScheduleInput;
}

export interface Batch {
  api: 'alibaba.crossBorderPay.url.get';
  orderIds: OrderId[];
  amount: string;
  amountUsd: string;
  fee: string;
  [extra: string]: unknown;
}

export interface PaymentPlan {
  batches: Batch[];
  rejected: { orderId: OrderId; reasons: Reason[] }[];
  deferred: { orderId: OrderId; reasons: Reason[] }[];
  totals: { orders: number; payable: number; amount: string; amountUsd: string; fee: string; tier: number; rate: string; [extra: string]: unknown };
}

export declare function planPayment(p: PlanPaymentInput): PaymentPlan;

// ---- the 1688 gateway -----------------------------------------------------------------------

export type ApiName =
  | 'alibaba.crossBorderPay.url.get' | 'alibaba.alipay.url.get' | 'alibaba.creditPay.url.get'
  | 'alibaba.trade.payWay.query' | 'alibaba.accountPeriod.list.buyerView' | 'trade.orderpay.analysis'
  | 'alibaba.trade.pay.protocolPay.preparePay' | 'alibaba.trade.get.buyerView'
  | 'alibaba.account.agent.crossBasic';

export interface RequestInput {
  api: ApiName | string;
  params?: { [name: string]: unknown };
  /** Decimal digits; part of the URL path. */
  appKey: string;
  accessToken?: string;
  /** `_aop_timestamp`, ms since epoch. */
  timestamp?: number | string | bigint;
  /** Required for APIs kjb does not know. */
  namespace?: string;
  version?: number | string;
}

export interface UnsignedRequest {
  method: 'POST';
  url: string;
  urlPath: string;
  params: [string, string][];
  stringToSign: string;
}

export interface SignRequestInput extends RequestInput {
  appSecret: string;
  /** Gateway origin, default https://gw.open.1688.com (e.g. a local sandbox). */
  baseUrl?: string;
}

export interface SignedRequest {
  method: 'POST';
  url: string;
  headers: { [name: string]: string };
  body: string;
  signature: string;
}

export declare function buildRequest(r: RequestInput): UnsignedRequest;
export declare function signRequest(r: SignRequestInput): SignedRequest;
export declare function signature(s: { appSecret: string; urlPath: string; params: { [name: string]: string } }): string;

export interface UrlAnswer {
  payUrl: string | null;
  refused: OrderId[];
  [extra: string]: unknown;
}

export interface PayWayAnswer {
  orderId: OrderId;
  payFee: string;
  channels: { code: number; name: string }[];
  /** True when a KJB channel (code 16 or 20) is offered. */
  kjb: boolean;
  [extra: string]: unknown;
}

export declare function parseResponse(r: { api: ApiName | string; status: number; body: string }): UrlAnswer | PayWayAnswer | any;

export interface PushMessage {
  msgId: string;
  type: string;
  bizKey: string | null;
  gmtBorn: number | string | null;
  userInfo: string | null;
  data: any;
}

export type PushBody = string | { message: string; _aop_signature: string };

export declare function verifyPush(p: { appSecret: string; body: PushBody }): PushMessage;
export declare function authorizeUrl(a: { appKey: string; redirectUri: string; state: string }): string;

/** Holds appKey/appSecret; the secret never comes back out. */
export declare class Signer {
  constructor(options: { appKey: string; appSecret: string });
  readonly appKey: string;
  sign(request: Omit<SignRequestInput, 'appKey' | 'appSecret'> & { appKey?: string }): SignedRequest;
  verifyPush(body: PushBody): PushMessage;
  /** Wipes the secret now rather than at garbage collection. */
  free(): void;
  toJSON(): { appKey: string };
}
