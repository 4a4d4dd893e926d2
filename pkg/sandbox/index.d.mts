// Types of `kjb/sandbox`: a local 1688 gateway, OAuth page, cashier and push sender (Node only).
import type { IncomingMessage, ServerResponse, Server } from 'node:http';

export interface SandboxApp {
  appKey: string;
  appSecret: string;
  /** Issued at start (and on reset) with `tokenLifetimeSec` to live. */
  accessToken: string;
  /** Omit for an app with a long-lived token and no refresh token. */
  refreshToken?: string;
  name?: string;
  pushUrl?: string;
  /** When given, every other API answers 400 gw.APIACLDecline. */
  apis?: string[];
}

export interface SandboxOrder {
  orderId: string;
  /** Total in CNY (yuan), e.g. "1234.50". */
  amount: string;
  status?: string;
  tradeType?: string;
  supplier?: string;
  kjbRefused?: boolean | string;
  /** Any url-API call containing it answers "Batch pay : not surport MANUAL-TRADE!". */
  manualTrade?: boolean;
  /** Any url-API call containing it answers "操作库存失败:PRODUCT_TRADE_STAT_ERROR". */
  stockError?: boolean;
  /** Seconds relative to the sandbox start (negative = before), or a 1688 time string. */
  createTime?: number | string;
  /** Seconds after createTime until an unpaid order closes (default 259200). */
  payTimeout?: number;
  /** CNY (yuan), default "0". */
  shippingFee?: string;
  /** Fen, as buyerView sends it (negative = a reduction). */
  discount?: number;
  sellerOrder?: boolean;
  /** Another buyer's order: trade.cancel answers 400_3. */
  otherBuyer?: boolean;
  items?: { offerId: string; title?: string; category?: string; quantity?: number; unit?: string }[];
  [key: string]: unknown;
}

export interface SandboxConfig {
  strictOrders?: boolean;
  /** The next `rateLimit` calls answer 400 gw.QosAppFrequencyLimit. */
  rateLimit?: number;
  /** Per-app limit in calls a second (sliding 1 s window); default 10; 0 = off. */
  qps?: number;
  /** Access-token lifetime in seconds (default 36000). */
  tokenLifetimeSec?: number;
  /** Refresh-token lifetime in seconds (default 15552000). */
  refreshTokenLifetimeSec?: number;
  /** Push re-sends: `attempts` in all (default 6), back-off `baseMs` × 2^n (default 200). */
  pushRetry?: { attempts?: number; baseMs?: number };
  apps: SandboxApp[];
  account?: { [key: string]: unknown };
  suppliers?: {
    loginId: string;
    memberId?: string;
    companyName?: string;
    kjb?: boolean;
    chengxintong?: boolean;
    [key: string]: unknown;
  }[];
  orders?: SandboxOrder[];
  [key: string]: unknown;
}

export interface PushRecord {
  msgId: string;
  type: string;
  bizKey: string;
  appKey: string;
  url: string | null;
  message: string;
  signature: string;
  gmtBorn: number;
  at: number;
  delivered: boolean;
  confirmed: boolean;
  dropped: boolean;
  duplicate: boolean;
  attempts: number;
  status: number | null;
  error: string | null;
}

export interface CallRecord {
  t: number;
  api: string | null;
  status: number;
  code?: string;
  [key: string]: unknown;
}

/** The documented ORDER_BATCH_PAY outcomes the cashier can produce. */
export type PayOutcome =
  | 'successed'
  | 'ACCOUNT_BALANCE_NOT_ENOUGH'
  | 'ACCOUNT_NOT_EXIST'
  | 'ACCOUNT_FROZEN'
  | 'PARAM_ILLEGAL';

export interface Sandbox {
  /** Resolves true when the request was one of the sandbox's (and was answered). */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  config: SandboxConfig;
  state: {
    orders: Map<string, unknown>;
    sessions: Map<string, unknown>;
    pushes: PushRecord[];
    calls: CallRecord[];
    callCount: number;
    rateLimit: number;
    qpsLimit: number;
    quota: number | null;
    delay: { ms: number; count: number };
    fail: { status: number; count: number; api: string | null };
    [key: string]: unknown;
  };
  setPushUrl(url: string | null): void;
  setPublicUrl(url: string | null): void;
  /** The next `count` gateway calls answer 400 gw.QosAppFrequencyLimit. */
  rateLimit(count?: number): void;
  delay(ms: number, count?: number): void;
  pay(
    token: string,
    outcome?: PayOutcome,
  ): Promise<{ status: number; error?: string; session?: unknown; orderIds?: string[]; outcome?: PayOutcome }>;
  reset(): void;
  /** Moves the sandbox clock on; unpaid orders past createTime + payTimeout close and push. */
  advance(seconds: number): void;
  /** The sandbox clock in ms. */
  now(): number;
  /** Resolves once every push under way has been delivered or has used up its attempts. */
  idle(): Promise<void>;
  /** The orders in the shape kjb's checkOrders / planPayment take. */
  orders(): Record<string, unknown>[];
  buyer(): { verified: boolean; alipayPersonalLinked: boolean; alipayBusinessLinked: boolean; kjbActivated: boolean };
  snapshot(): Record<string, unknown>;
}

export declare function createSandbox(options?: {
  config?: SandboxConfig | string;
  pushUrl?: string;
  publicUrl?: string;
  log?: (line: string) => void;
}): Sandbox;
export declare function startSandbox(options?: {
  port?: number;
  host?: string;
  config?: SandboxConfig | string;
  pushUrl?: string;
  publicUrl?: string;
  log?: (line: string) => void;
}): Promise<{ url: string; close(): Promise<void>; sandbox: Sandbox; server: Server }>;
export declare function aopSignature(
  appSecret: string,
  urlPath: string,
  params: [string, string][] | { [key: string]: string },
): string;
export declare function defaultConfig(): SandboxConfig;
export declare function loadConfig(file: string): SandboxConfig;
export declare function main(args: string[]): Promise<unknown>;
