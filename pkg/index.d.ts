// Types of the kjb JavaScript contract. The reference is docs/api.md (in the repository, and
// shipped in this package as docs/api.md).
// Hand-written: these names are a contract, and `make test` type-checks a strict consumer, every
// sample input and the answers kjb really gives to them against these declarations.

/** A decimal amount: a string like "1234.50", or a JS number that converts exactly (12.5). */
export type Money = string | number;
/** A 1688 order id: digits (up to 19) as a string, a BigInt, or a safe-integer number. */
export type OrderIdInput = string | bigint | number;
/** Order ids in answers are always strings: 19-digit ids do not fit a JS number. */
export type OrderId = string;

export type ErrorCode =
  | 'INVALID_INPUT'
  | 'INVALID_JSON'
  | 'INVALID_AMOUNT'
  | 'INVALID_RATE'
  | 'INVALID_ORDER_ID'
  | 'UNSAFE_ORDER_ID'
  | 'INVALID_SCHEDULE'
  | 'MISSING_FX_RATE'
  | 'INVALID_CREDENTIALS'
  | 'UNKNOWN_API'
  | 'TOO_MANY_ORDERS'
  | 'GATEWAY_ERROR'
  | 'BUSINESS_ERROR'
  | 'PUSH_SIGNATURE_INVALID'
  | 'PUSH_MALFORMED'
  | 'NOT_INITIALIZED'
  | 'INTERNAL'
  /** The buyer's access token expired or was revoked (1688's 401) and could not be refreshed. */
  | 'TOKEN_EXPIRED'
  /** The caller's AbortSignal stopped the operation (KjbClient). */
  | 'ABORTED';

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
   * On GATEWAY_ERROR / BUSINESS_ERROR / TOKEN_EXPIRED (always present there, null when unknown):
   * 1688's own code, e.g. `gw.SignatureInvalid`, `400_4`, `401`, `invalid_grant` (KjbClient adds
   * `TIMEOUT` / `NETWORK`), and the HTTP status.
   */
  gatewayCode?: string | null;
  httpStatus?: number | null;
  /** True only for rate limits (gw.QosAppFrequencyLimit, gw.QosRequestLimit, HTTP 429): the same call can succeed later. */
  retryable?: boolean;
  requestId?: string;
  /** 1688's own message text, e.g. `Batch pay : not surport MANUAL-TRADE!` (clipped). */
  gatewayMessage?: string;
  /**
   * On an error that stopped a `KjbClient` run (cashierUrls, orderStatus): what was already
   * obtained, so no link is lost. `pending`: ids never sent (the run stopped first).
   */
  partial?: (CashierUrls & { pending?: OrderId[] }) | OrderStatus[];
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

/** A yes/no fact: a boolean, or "true"/"false" as some 1688 APIs send it. */
export type Flag = boolean | 'true' | 'false';

/**
 * A fact the contract names one way and 1688's answers another (`kjbActivated` / 1688's
 * `kuaJingBao`): one of the two is required; when both are given they must agree.
 */
export type EitherFlag<Ours extends string, Theirs extends string, F = Flag> =
  | ({ [K in Ours]: F } & { [K in Theirs]?: F })
  | ({ [K in Theirs]: F } & { [K in Ours]?: F });

export type Buyer = {
  verified: Flag;
  alipayPersonalLinked: Flag;
  alipayBusinessLinked: Flag;
} & EitherFlag<'kjbActivated', 'kuaJingBao'>;

/** One level of an item category: a name ("种子", "Plant seeds") or a 1688 category id. */
export type CategoryLeaf = string | number;

export interface Item {
  offerId: OrderIdInput;
  title?: string;
  /** A category name or id, or the category path as an array of them. */
  category?: CategoryLeaf | CategoryLeaf[];
  /** false when 1688 lists this offer as not payable by KJB. */
  kjb?: Flag;
  [extra: string]: unknown;
}

/** `"unknown"` where the facts are not known (as `ordersFrom1688` writes): `SUPPLIER_UNKNOWN`. */
export type Supplier = {
  loginId: string | null;
  chengxintong: Flag | 'unknown';
  [extra: string]: unknown;
} & EitherFlag<'kjb', 'kuaJingBao', Flag | 'unknown'>;

/** The transaction method under the contract's name or 1688's (`tradeTypeCode` wins if both). */
export type TradeType = { tradeType: string; tradeTypeCode?: string } | { tradeTypeCode: string; tradeType?: string };

export type Order = {
  orderId: OrderIdInput;
  amount: Money;
  /** "CNY" (or "RMB"); anything else gives CURRENCY_UNSUPPORTED. */
  currency?: 'CNY' | string;
  status: string;
  /** `"unknown"` (as `ordersFrom1688` writes when it is not known) gives `SUPPLIER_UNKNOWN`. */
  supplier: Supplier;
  items: Item[];
  sellerOrder?: Flag;
  redEnvelope?: Flag;
  /** ISO-8601: when 1688 closes the order unpaid (createTime + payTimeout). */
  payBy?: string;
  [extra: string]: unknown;
} & TradeType;

/** An entry of the prohibited-goods list; no other keys are accepted. */
export interface ProhibitedKind {
  id: string;
  name: string;
  nameZh: string;
  /** Category names or ids that block an order (exact match). */
  categories?: string[];
  /** Title keywords that only warn. */
  keywords?: string[];
  /** Phrases that must not count as a keyword match ("seed beads"). */
  exclude?: string[];
}

/** KJB's limits in USD; each defaults to the published one. No other keys are accepted. */
export interface Limits {
  perTransactionUsd?: Money;
  perDayUsd?: Money;
}

export interface CheckOrdersInput {
  /** Order objects, or the JSON text of the array (keeps 19-digit number ids exact). */
  orders: Order[] | string;
  buyer: Buyer;
  fx: { usd: Money };
  paidTodayUsd?: Money;
  limits?: Limits;
  /** Replaces the built-in list. Plain strings: a built-in kind by id or name, else a custom kind matched by exact category name. */
  prohibited?: (ProhibitedKind | string)[];
  /** Added to the built-in list (or to `prohibited`), same forms. */
  prohibitedExtra?: (ProhibitedKind | string)[];
  /** planPayment's inputs, accepted (and ignored) by checkOrders so one object can feed both. */
  history?: Money[];
  maxPerCall?: number;
  schedule?: ScheduleInput;
  now?: string;
}

export type ReasonCode =
  | 'BUYER_NOT_VERIFIED'
  | 'ALIPAY_PERSONAL_NOT_LINKED'
  | 'ALIPAY_BUSINESS_NOT_LINKED'
  | 'KJB_NOT_ACTIVATED'
  | 'SUPPLIER_NOT_KJB'
  | 'SUPPLIER_NOT_CHENGXINTONG'
  | 'TRADE_NOT_GUARANTEED'
  | 'ORDER_NOT_AWAITING_PAYMENT'
  | 'OFFER_NOT_KJB'
  | 'PROHIBITED_GOODS'
  | 'PROHIBITED_GOODS_SUSPECTED'
  | 'MANUAL_ORDER'
  | 'RED_ENVELOPE_USED'
  | 'OVER_TRANSACTION_LIMIT'
  | 'OVER_DAILY_LIMIT'
  | 'DUPLICATE_ORDER'
  | 'CURRENCY_UNSUPPORTED'
  | 'PAY_DEADLINE_BEFORE_DEFERRAL'
  | 'SUPPLIER_UNKNOWN'
  | 'TRADE_TYPE_UNKNOWN';

export interface Reason {
  code: ReasonCode;
  severity: 'block' | 'warn';
  message: string;
  messageZh: string;
  path: string;
  /** PROHIBITED_GOODS / PROHIBITED_GOODS_SUSPECTED: the id of the list entry that matched. */
  goods?: string;
  /** PROHIBITED_GOODS_SUSPECTED: the title keyword that matched. */
  matched?: string;
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

/** An order of a plan and its reasons (blocking ones in `rejected`, warnings in a batch). */
export interface ListedOrder {
  orderId: OrderId;
  reasons: Reason[];
}

export interface Batch {
  api: 'alibaba.crossBorderPay.url.get';
  orderIds: OrderId[];
  amount: string;
  amountUsd: string;
  fee: string;
  /** The batch's orders that carry warn reasons (e.g. PROHIBITED_GOODS_SUSPECTED); `[]` when none. */
  warnings: ListedOrder[];
}

export interface PlanTotals {
  /** Input orders, and how many of them went into batches, were rejected, deferred, or are in a batch with warnings. */
  orders: number;
  payable: number;
  rejected: number;
  deferred: number;
  warned: number;
  /** Sums over the batches. */
  amount: string;
  amountUsd: string;
  fee: string;
  tier: number;
  rate: string;
}

export interface PaymentPlan {
  batches: Batch[];
  rejected: ListedOrder[];
  deferred: ListedOrder[];
  totals: PlanTotals;
}

export declare function planPayment(p: PlanPaymentInput): PaymentPlan;

// ---- the 1688 gateway -----------------------------------------------------------------------

export type ApiName =
  | 'alibaba.crossBorderPay.url.get'
  | 'alibaba.alipay.url.get'
  | 'alibaba.creditPay.url.get'
  | 'alibaba.trade.payWay.query'
  | 'alibaba.accountPeriod.list.buyerView'
  | 'trade.orderpay.analysis'
  | 'alibaba.trade.pay.protocolPay.preparePay'
  | 'alibaba.trade.get.buyerView'
  | 'alibaba.trade.getBuyerOrderList'
  | 'alibaba.trade.cancel'
  | 'alibaba.trade.pay.protocolPay.isopen'
  | 'alibaba.account.agent.crossBasic'
  | 'alibaba.account.basic'
  | 'push.query.messageList'
  | 'push.message.confirm';

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
  /** Gateway origin, default https://gw.open.1688.com (e.g. a local sandbox); part of `url`. */
  baseUrl?: string;
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
export declare function signature(s: {
  appSecret: string;
  urlPath: string;
  params: { [name: string]: string };
}): string;

export interface UrlAnswer {
  payUrl: string | null;
  refused: OrderId[];
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
}

export type UrlApi = 'alibaba.crossBorderPay.url.get' | 'alibaba.alipay.url.get' | 'alibaba.creditPay.url.get';

/** What `parseResponse` gives for APIs without a shape of their own: the decoded answer, ids as strings. */
export interface GatewayAnswer {
  [field: string]: unknown;
}

/** `parseResponse`'s answer for each `api` (overloads: the most specific one applies). */
export declare function parseResponse(r: { api: UrlApi; status: number; body: string }): UrlAnswer;
export declare function parseResponse(r: {
  api: 'alibaba.trade.payWay.query';
  status: number;
  body: string;
}): PayWayAnswer;
/** buyerView / getBuyerOrderList: money as CNY strings (`totalAmount` "6.15", `discount` fen → "0.00"), `id` from `idOfStr`. */
export interface OrderAnswer {
  baseInfo: {
    id: OrderId;
    idOfStr?: OrderId;
    status?: string;
    totalAmount?: string;
    shippingFee?: string;
    sumProductPayment?: string;
    discount?: string;
    [field: string]: unknown;
  };
  productItems?: { productID?: string; name?: string; itemAmount?: string; price?: string; [field: string]: unknown }[];
  [field: string]: unknown;
}
export declare function parseResponse(r: {
  api: 'alibaba.trade.get.buyerView' | 'com.alibaba.trade:alibaba.trade.get.buyerView';
  status: number;
  body: string;
}): { result: OrderAnswer; [field: string]: unknown };
export declare function parseResponse(r: {
  api: 'alibaba.trade.getBuyerOrderList' | 'com.alibaba.trade:alibaba.trade.getBuyerOrderList';
  status: number;
  body: string;
}): { result: OrderAnswer[]; totalRecord?: number; [field: string]: unknown };
export declare function parseResponse(r: { api: ApiName | string; status: number; body: string }): GatewayAnswer;

export interface PushMessage {
  msgId: string;
  type: string;
  bizKey: string | null;
  gmtBorn: number | null;
  userInfo: string | null;
  /** Ids as strings; `ORDER_BATCH_PAY`: `{batchPay: BatchPayOutcome[]}`; order topics: `{orderId, …}`. */
  // biome-ignore lint/suspicious/noExplicitAny: one shape per 1688 message type; callers branch on `type`
  data: any;
  /** What 1688 sent beside `data`; null when it sent none. */
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
export declare function authorizeUrl(a: {
  appKey: string;
  redirectUri: string;
  state: string;
  appSecret?: string;
}): string;

/** A buyer's OAuth token, as `parseToken`, `exchangeCode`, `refreshToken` and `onToken` give it. */
export interface Token {
  accessToken: string;
  /** null for apps whose long-lived tokens come without one. */
  refreshToken: string | null;
  /** ISO-8601 UTC, from `expires_in` and the time the answer was read. */
  expiresAt: string;
  /** ISO-8601 UTC, from `refresh_token_timeout` (a +0800 time). */
  refreshTokenExpiresAt: string | null;
  /** What push messages carry in `userInfo`. */
  memberId: string | null;
  aliId: string | null;
  resourceOwner: string | null;
}

/** Reads the raw text of a `system.oauth2/getToken` answer; 1688's refusals throw KjbError. */
export declare function parseToken(text: string): Token;

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

/** The token a client starts with; `expiresAt` as parseToken gives it (or a Date / ms). */
export interface TokenInput {
  accessToken: string;
  refreshToken?: string | null;
  expiresAt?: string | Date | number | null;
  refreshTokenExpiresAt?: string | null;
  memberId?: string | null;
  aliId?: string | null;
  resourceOwner?: string | null;
}

export interface KjbClientCommonOptions {
  /** Gateway origin; default https://gw.open.1688.com (e.g. a local kjb sandbox). */
  baseUrl?: string;
  fetch?: FetchLike;
  /** Per gateway call, including reading the answer; default 30000. */
  timeoutMs?: number;
  /** Extra attempts after a rate-limited call (gw.QosAppFrequencyLimit, gw.QosRequestLimit, HTTP 429), 0–10; default 3. */
  retries?: number;
  /** First back-off delay; it doubles per attempt (capped at 30 s), with jitter; default 1000. */
  retryDelayMs?: number;
  /** Gateway calls in flight at once, 1–32; default 4. */
  concurrency?: number;
  /** Most calls a second this client starts (evenly spaced, retries and token calls included); default 5. */
  qps?: number;
  /** The buyer's token; with `refreshToken` (and appSecret) the client refreshes it by itself. */
  token?: TokenInput;
  /** The older form of `token: {accessToken}`. */
  accessToken?: string;
  /** Called, and awaited, with every new token (exchangeCode, refreshes): store it. If it throws, the call (or run) fails with that error. */
  onToken?: (token: Token) => void | Promise<void>;
}

/** Server side: the client signs with an internal `Signer`; the secret never comes back out. */
export interface KjbClientOptions extends KjbClientCommonOptions {
  appKey: string;
  appSecret: string;
}

/**
 * Backend-signed flow (browsers, extensions): `sign` asks your backend to sign each request
 * (e.g. with `Signer.sign`, adding the access token there); no secret in the page, so no
 * token exchange or refresh here.
 */
export interface KjbClientBackendSignedOptions extends KjbClientCommonOptions {
  sign(request: {
    api: ApiName | string;
    params: { [name: string]: unknown };
    baseUrl: string;
    timestamp: number;
    accessToken?: string;
  }): SignedRequest | Promise<SignedRequest>;
  appKey?: string;
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
  /**
   * `MANUAL_ORDER` (`Batch pay : not surport MANUAL-TRADE!`), `PRODUCT_TRADE_STAT_ERROR`,
   * `REFUSED` (cantPayOrderList / payFailureOrderList), `400_4` (no order of the call payable),
   * `BUSINESS_ERROR` (other business errors), `NO_PAY_URL`.
   */
  code: 'MANUAL_ORDER' | 'PRODUCT_TRADE_STAT_ERROR' | 'REFUSED' | '400_4' | 'BUSINESS_ERROR' | 'NO_PAY_URL' | string;
  /** 1688's own text where it gave one. */
  reason: string;
}

export interface FailedCall {
  orderIds: OrderId[];
  error: {
    code: ErrorCode;
    gatewayCode: string | null;
    message: string;
    retryable: boolean;
    httpStatus: number | null;
  };
}

export interface CashierUrls {
  /** One per gateway call that returned a cashier URL, in batch order. */
  links: CashierLink[];
  /** Orders 1688 refused (business errors), with the reason. */
  refused: RefusedOrder[];
  /** Calls that failed for a reason not the orders' or the app's (5xx, timeout, network — not retried — or a rate limit past its retries). */
  failed: FailedCall[];
}

export interface OrderStatus {
  orderId: OrderId;
  /** buyerView `baseInfo.status`, e.g. `waitbuyerpay`, `waitsellersend`; null when the call failed. */
  status: string | null;
  paid: boolean;
  payTime: string | null;
  payChannels: string[];
  /** `cancel` / `terminated`: an unpaid closed order will never be paid. */
  closed: boolean;
  /** Present when this order's call failed. */
  error?: FailedCall['error'];
}

export interface PullMessagesOptions {
  page?: number;
  /** 20–200; default 20. */
  pageSize?: number;
  type?: string;
  userInfo?: string;
  createStartTime?: string;
  createEndTime?: string;
  signal?: AbortSignal;
}

/**
 * The 1688 gateway for one app and one buyer: cashier URLs, order status, push messages and the
 * OAuth token lifecycle. Calls are paced (`qps`); rate limits (gw.QosAppFrequencyLimit,
 * gw.QosRequestLimit, HTTP 429) are retried with exponential back-off and jitter; a call
 * answered 401 or made with a token past `expiresAt` refreshes the token once (shared by
 * concurrent calls), calls `onToken` and is repeated once; without a refresh token it throws
 * `TOKEN_EXPIRED`. Timeouts and network failures are `GATEWAY_ERROR` with `gatewayCode`
 * `TIMEOUT` / `NETWORK`; they and HTTP 5xx are not retried (the call may have been carried
 * out). An aborted signal throws `ABORTED`.
 */
export declare class KjbClient {
  constructor(options: KjbClientOptions | KjbClientBackendSignedOptions);
  readonly appKey: string | null;
  readonly baseUrl: string;
  readonly qps: number;
  /**
   * `{links, refused, failed}`, every id exactly once. An error about the app or the token
   * (gw.SignatureInvalid, gw.AppKeyNotFound, gw.APIACLDecline, gw.NoUsageLeftError,
   * gw.APIUnsupported, gw.ParamMissing, TOKEN_EXPIRED) stops the run and throws with `partial`.
   */
  cashierUrls(orderIds: Iterable<OrderIdInput>, options?: CashierUrlsOptions): Promise<CashierUrls>;
  /** Payment status from `alibaba.trade.get.buyerView`, one paced call per order, input order. */
  orderStatus(orderIds: Iterable<OrderIdInput>, options?: { signal?: AbortSignal }): Promise<OrderStatus[]>;
  /** One page of `push.query.messageList` (signed, no access token), in verifyPush's shape. */
  pullMessages(options?: PullMessagesOptions): Promise<(PushMessage & { extraInfo: unknown | null })[]>;
  /** `push.message.confirm` of these message ids: true, or a thrown KjbError. */
  confirmMessages(msgIds: (string | bigint | number)[], options?: { signal?: AbortSignal }): Promise<true>;
  /** Trades the OAuth redirect's code for the buyer's token (also passed to onToken). */
  exchangeCode(input: { code: string; redirectUri: string; signal?: AbortSignal }): Promise<Token>;
  /** A new access token from the refresh token; concurrent callers share one refresh. */
  refreshToken(options?: { signal?: AbortSignal }): Promise<Token>;
  /** Extends the refresh token's life (system.oauth2/postponeToken). */
  postponeToken(options?: { signal?: AbortSignal }): Promise<Token>;
  /** One signed call with this client's credentials, pacing, retries and token refresh: `parseResponse`'s answer. */
  call(
    api: UrlApi,
    params?: { [name: string]: unknown },
    options?: { signal?: AbortSignal; namespace?: string; version?: number | string; token?: boolean },
  ): Promise<UrlAnswer>;
  call(
    api: 'alibaba.trade.payWay.query',
    params?: { [name: string]: unknown },
    options?: { signal?: AbortSignal; namespace?: string; version?: number | string; token?: boolean },
  ): Promise<PayWayAnswer>;
  call(
    api: ApiName | string,
    params?: { [name: string]: unknown },
    options?: { signal?: AbortSignal; namespace?: string; version?: number | string; token?: boolean },
  ): Promise<GatewayAnswer>;
  /** Wipes the secret now; the client cannot sign afterwards. */
  free(): void;
  toJSON(): { appKey: string | null; baseUrl: string };
}

// ---- 1688 orders in, payment states out -------------------------------------------------------

/** An order made by `ordersFrom1688`: an `Order` as `checkOrders`/`planPayment` take it. */
export type ImportedOrder = Order & {
  orderId: OrderId;
  amount: string;
  currency: 'CNY';
  supplier: { loginId: string | null; kjb: boolean | 'unknown'; chengxintong: boolean | 'unknown' };
  items: { offerId: string; title?: string; category?: string | string[] }[];
  /** The 1688 fields the answer lacked (e.g. `baseInfo.tradeTypeCode`, `baseInfo.payTimeout`). */
  missing: string[];
};

/** 1688's own order answer text (buyerView: one order; getBuyerOrderList: a list) → kjb orders. */
export declare function ordersFrom1688(
  answer: string,
  options?: { suppliers?: { [loginId: string]: { kjb?: boolean; kuaJingBao?: boolean; chengxintong?: boolean } } },
): ImportedOrder[];

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
