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
  /**
   * On GATEWAY_ERROR / BUSINESS_ERROR (always present there, null when unknown): 1688's own
   * code, e.g. `gw.SignatureInvalid`, `400_4` (KjbClient adds `TIMEOUT` / `NETWORK`), and the
   * HTTP status.
   */
  gatewayCode?: string | null;
  httpStatus?: number | null;
  /** True only when the same call can succeed later (rate limiting). */
  retryable?: boolean;
  requestId?: string;
}

// ---- loading --------------------------------------------------------------------------------

/**
 * What `init`/`initSync` take besides a URL: the wasm bytes, a compiled `WebAssembly.Module`,
 * or a `Response`/`Request`/promise of one. Declared structurally so projects without the DOM
 * lib (Node-only TypeScript) type-check too.
 */
export type WasmInput = ArrayBuffer | ArrayBufferView | PromiseLike<unknown> | object;

/** Browsers, bundlers, workers: fetches and instantiates the wasm once. Node: resolves at once. */
export declare function init(input?: string | URL | WasmInput): Promise<void>;
/** Synchronous init from the wasm bytes or a compiled module (service workers). Node: no-op. */
export declare function initSync(bytes?: ArrayBuffer | ArrayBufferView | object): void;
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
  /** A category name or id, or a category path (any level may match). */
  category?: string | number | (string | number)[];
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
  /** `"unknown"` (as `ordersFrom1688` writes when it is not known) gives `SUPPLIER_UNKNOWN`. */
  supplier: { loginId: string | null; kjb: boolean | 'unknown'; chengxintong: boolean | 'unknown'; [extra: string]: unknown };
  items: Item[];
  sellerOrder?: boolean;
  redEnvelope?: boolean;
  /** ISO-8601: when 1688 closes the order unpaid (createTime + payTimeout). */
  payBy?: string;
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
  /** Replaces the built-in list. Plain strings: a built-in kind by id or name, else a custom kind matched by exact category name. */
  prohibited?: (ProhibitedKind | string)[];
  /** Added to the built-in list (or to `prohibited`), same forms. */
  prohibitedExtra?: (ProhibitedKind | string)[];
}

export type ReasonCode =
  | 'BUYER_NOT_VERIFIED' | 'ALIPAY_PERSONAL_NOT_LINKED' | 'ALIPAY_BUSINESS_NOT_LINKED'
  | 'KJB_NOT_ACTIVATED' | 'SUPPLIER_NOT_KJB' | 'SUPPLIER_NOT_CHENGXINTONG' | 'TRADE_NOT_GUARANTEED'
  | 'ORDER_NOT_AWAITING_PAYMENT' | 'OFFER_NOT_KJB' | 'PROHIBITED_GOODS' | 'PROHIBITED_GOODS_SUSPECTED'
  | 'MANUAL_ORDER' | 'RED_ENVELOPE_USED' | 'OVER_TRANSACTION_LIMIT' | 'OVER_DAILY_LIMIT'
  | 'DUPLICATE_ORDER' | 'CURRENCY_UNSUPPORTED'
  | 'PAY_DEADLINE_BEFORE_DEFERRAL' | 'SUPPLIER_UNKNOWN' | 'TRADE_TYPE_UNKNOWN';

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

/** Order ids as their canonical digit strings, in input order, repeats dropped (the rule every kjb function applies). */
export declare function orderIds(list: OrderIdInput[]): OrderId[];

export declare function checkOrders(c: CheckOrdersInput): { results: CheckResult[] };

export interface PlanPaymentInput extends CheckOrdersInput {
  history?: Money[];
  /** Ids per gateway call, 1–30; default 10 (larger calls time out). */
  maxPerCall?: number;
  schedule?: ScheduleInput;
  /** ISO-8601; default: the current time (for `payBy` deadlines). */
  now?: string;
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
  /** The amount to pay in yuan, 2 decimals. */
  payFee: string;
  /** The same amount in fen, as 1688 sent it. */
  payFeeFen: string;
  timeout?: unknown;
  channels: { code: number | string; name: string }[];
  /** True when a KJB channel (code 16 or 20) is offered. */
  kjb: boolean;
  [extra: string]: unknown;
}

/** buyerView / getBuyerOrderList: money as CNY strings (`totalAmount` "6.15", `discount` fen → "0.00"), `id` from `idOfStr`. */
export interface OrderAnswer {
  baseInfo: { id: OrderId; idOfStr?: OrderId; status?: string; totalAmount?: string; shippingFee?: string; sumProductPayment?: string; discount?: string; [field: string]: unknown };
  productItems?: { productID?: string; name?: string; itemAmount?: string; price?: string; [field: string]: unknown }[];
  [field: string]: unknown;
}
export declare function parseResponse(r: { api: 'alibaba.trade.get.buyerView' | 'com.alibaba.trade:alibaba.trade.get.buyerView'; status: number; body: string }): { result: OrderAnswer; [field: string]: unknown };
export declare function parseResponse(r: { api: 'alibaba.trade.getBuyerOrderList' | 'com.alibaba.trade:alibaba.trade.getBuyerOrderList'; status: number; body: string }): { result: OrderAnswer[]; totalRecord?: number; [field: string]: unknown };
export declare function parseResponse(r: { api: ApiName | string; status: number; body: string }): UrlAnswer | PayWayAnswer | any;

export interface PushMessage {
  msgId: string;
  type: string;
  bizKey: string | null;
  gmtBorn: number | null;
  userInfo: string | null;
  /** Ids as strings; `ORDER_BATCH_PAY`: `{batchPay: BatchPayOutcome[]}`; order topics: `{orderId, …}`. */
  data: any;
  extraInfo: unknown | null;
}

export interface BatchPayOutcome {
  orderId: OrderId;
  /** `successed`, `ACCOUNT_BALANCE_NOT_ENOUGH`, `ACCOUNT_NOT_EXIST`, `ACCOUNT_FROZEN`, `PARAM_ILLEGAL`, … */
  status: string;
  paid: boolean;
}

export type PushBody = string | { message: string; _aop_signature: string };

export declare function verifyPush(p: { appSecret: string; body: PushBody }): PushMessage;
/** The 1688 OAuth authorise URL; with `appSecret` (server side) it carries the legacy `_aop_signature`. */
export declare function authorizeUrl(a: { appKey: string; redirectUri: string; state: string; appSecret?: string }): string;

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

// ---- KjbClient: cashier URLs end to end ----------------------------------------------------

/** The part of `fetch` KjbClient uses (globalThis.fetch by default, looked up at call time). */
export type FetchLike = (
  url: string,
  init: { method: string; headers: { [name: string]: string }; body: string; signal: AbortSignal },
) => Promise<{ status: number; text(): Promise<string> }>;

export interface KjbClientCommonOptions {
  /** Gateway origin; default https://gw.open.1688.com (e.g. a local kjb sandbox). */
  baseUrl?: string;
  fetch?: FetchLike;
  /** Per gateway call, including reading the answer; default 30000. */
  timeoutMs?: number;
  /** Extra attempts after a rate-limited call (gw.QosRequestLimit), 0–10; default 3. */
  retries?: number;
  /** First back-off delay; it doubles per attempt (capped at 10 s), with jitter; default 500. */
  retryDelayMs?: number;
  /** Gateway calls in flight at once, 1–10; default 2. */
  concurrency?: number;
}

/** Server side: the client signs with an internal `Signer`; the secret never comes back out. */
export interface KjbClientOptions extends KjbClientCommonOptions {
  appKey: string;
  appSecret: string;
  accessToken: string;
}

/**
 * Backend-signed flow (browsers, extensions): `sign` asks your backend to sign each request
 * (e.g. with `Signer.sign`, adding the access token there); no secret in the page.
 */
export interface KjbClientBackendSignedOptions extends KjbClientCommonOptions {
  sign(request: { api: ApiName | string; params: { [name: string]: unknown }; baseUrl: string; timestamp: number; accessToken?: string }): SignedRequest | Promise<SignedRequest>;
  appKey?: string;
  accessToken?: string;
  appSecret?: never;
}

export type CashierUrlApi = 'alibaba.crossBorderPay.url.get' | 'alibaba.alipay.url.get' | 'alibaba.creditPay.url.get';

export interface CashierUrlsOptions {
  /** Ids per gateway call, 1–30; default 10 (larger calls time out). */
  maxPerCall?: number;
  /** Default `alibaba.crossBorderPay.url.get` (KJB). */
  api?: CashierUrlApi;
  signal?: AbortSignal;
}

export interface CashierLink {
  orderIds: OrderId[];
  payUrl: string;
}

export interface RefusedOrder {
  orderId: OrderId;
  reason: string;
  /** `REFUSED` (listed in cantPayOrderList / payFailureOrderList), `400_4` (no order of the call payable), `NO_PAY_URL`. */
  code: 'REFUSED' | '400_4' | 'NO_PAY_URL' | string;
}

export interface CashierUrls {
  /** One per gateway call that returned a cashier URL, in batch order. */
  links: CashierLink[];
  /** Every other order, in input order; each input id appears once across links and refused. */
  refused: RefusedOrder[];
}

/**
 * Obtains 1688 cashier URLs: splits order ids into gateway calls, signs, POSTs, parses, and
 * retries rate-limited calls (gw.QosRequestLimit) with bounded exponential back-off and jitter.
 * Timeouts and network failures throw `GATEWAY_ERROR` with `gatewayCode` `TIMEOUT` / `NETWORK`.
 */
export declare class KjbClient {
  constructor(options: KjbClientOptions | KjbClientBackendSignedOptions);
  readonly appKey: string | null;
  readonly baseUrl: string;
  cashierUrls(orderIds: Iterable<OrderIdInput>, options?: CashierUrlsOptions): Promise<CashierUrls>;
  /** One signed call with this client's credentials, timeout and retries: `parseResponse`'s answer. */
  call(api: ApiName | string, params?: { [name: string]: unknown }, options?: { signal?: AbortSignal }): Promise<UrlAnswer | PayWayAnswer | any>;
  /** Wipes the secret now; the client cannot sign afterwards. */
  free(): void;
  toJSON(): { appKey: string | null; baseUrl: string };
}

// ---- v1.1: 1688 orders in, payment states out ---------------------------------------------------

/** An order made by `ordersFrom1688`: an `Order` as `checkOrders`/`planPayment` take it. */
export interface ImportedOrder extends Order {
  orderId: OrderId;
  amount: string;
  currency: 'CNY';
  supplier: { loginId: string | null; kjb: boolean | 'unknown'; chengxintong: boolean | 'unknown' };
  items: { offerId: string; title?: string; category?: string | string[] }[];
  /** The 1688 fields the answer lacked (e.g. `baseInfo.tradeTypeCode`, `baseInfo.payTimeout`). */
  missing: string[];
}

/** 1688's own order answer text (buyerView: one order; getBuyerOrderList: a list) → kjb orders. */
export declare function ordersFrom1688(
  answer: string,
  options?: { suppliers?: { [loginId: string]: { kjb?: boolean; kuaJingBao?: boolean; chengxintong?: boolean } } },
): ImportedOrder[];

export interface OrderStatus {
  orderId: OrderId;
  status: string;
  paid: boolean;
  payTime: string | null;
  payChannels: string[];
  closed: boolean;
}

export interface PaymentEvents {
  /** What `cashierUrls` returned (one answer or a list of them). */
  links?: CashierUrls | CashierUrls[] | { links?: unknown[]; refused?: unknown[]; failed?: unknown[] } | object[];
  /** What `verifyPush` / `pullMessages` returned, repeats included. */
  pushes?: PushMessage[];
  /** What `orderStatus` returned. */
  statuses?: OrderStatus[];
}

export interface PaymentState {
  orderId: OrderId;
  /** Precedence: paid > closed > failed > awaitingPayment, whatever the order of events. */
  state: 'awaitingPayment' | 'paid' | 'failed' | 'closed';
  reason?: { code: string; message: string; messageZh: string };
  /** ISO-8601 UTC: the earliest payment time any event gave. */
  paidAt?: string;
}

/** One state per order, sorted by order id; the same events in any order give the same answer. */
export declare function paymentState(events: PaymentEvents): PaymentState[];
