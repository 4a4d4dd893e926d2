// Types of `kjb/sandbox`: a local 1688 gateway, cashier and push sender (Node only).
import type { IncomingMessage, ServerResponse, Server } from 'node:http';

export interface SandboxConfig {
  strictOrders?: boolean;
  rateLimit?: number;
  qps?: number;
  apps: { appKey: string; appSecret: string; accessToken: string; name?: string; pushUrl?: string }[];
  account?: { [key: string]: unknown };
  suppliers?: { loginId: string; memberId?: string; companyName?: string; kjb?: boolean; chengxintong?: boolean; [key: string]: unknown }[];
  orders?: { orderId: string; amount: string; status?: string; tradeType?: string; supplier?: string; kjbRefused?: boolean | string; items?: { offerId: string; title?: string; category?: string }[]; [key: string]: unknown }[];
  [key: string]: unknown;
}

export interface PushRecord {
  msgId: string; type: string; bizKey: string; url: string | null; message: string; signature: string;
  at: number; delivered: boolean; status: number | null; error: string | null;
}

export interface Sandbox {
  /** Resolves true when the request was one of the sandbox's (and was answered). */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  config: SandboxConfig;
  state: { orders: Map<string, any>; sessions: Map<string, any>; pushes: PushRecord[]; calls: any[]; callCount: number; rateLimit: number; delay: { ms: number; count: number } };
  setPushUrl(url: string | null): void;
  setPublicUrl(url: string | null): void;
  rateLimit(count?: number): void;
  delay(ms: number, count?: number): void;
  pay(token: string): Promise<{ status: number; error?: string; session?: any }>;
  reset(): void;
  /** The orders in the shape kjb's checkOrders / planPayment take. */
  orders(): any[];
  buyer(): { verified: boolean; alipayPersonalLinked: boolean; alipayBusinessLinked: boolean; kjbActivated: boolean };
  snapshot(): any;
}

export declare function createSandbox(options?: { config?: SandboxConfig | string; pushUrl?: string; publicUrl?: string; log?: (line: string) => void }): Sandbox;
export declare function startSandbox(options?: { port?: number; host?: string; config?: SandboxConfig | string; pushUrl?: string; publicUrl?: string; log?: (line: string) => void }): Promise<{ url: string; close(): Promise<void>; sandbox: Sandbox; server: Server }>;
export declare function aopSignature(appSecret: string, urlPath: string, params: [string, string][] | { [key: string]: string }): string;
export declare function defaultConfig(): SandboxConfig;
export declare function loadConfig(file: string): SandboxConfig;
export declare function main(args: string[]): Promise<unknown>;
