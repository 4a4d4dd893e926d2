// The sandbox's configuration: the default data, checks with messages that say what to change,
// and the settings with their defaults.
import { readFileSync } from 'node:fs';
import { idOf, fenOf, parseTime } from './wire.mjs';

const DEFAULT_CONFIG_URL = new URL('./default-config.json', import.meta.url);

function fail(message) {
  throw new Error(`kjb sandbox config: ${message}`);
}

/** Reads the default configuration (a fresh copy). */
export function defaultConfig() {
  return JSON.parse(readFileSync(DEFAULT_CONFIG_URL, 'utf8'));
}

/** Reads a configuration file (JSON: order ids as strings). */
export function loadConfig(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

export function normalizeConfig(config) {
  if (config === null || typeof config !== 'object') fail('must be an object');
  const apps = new Map();
  for (const [i, a] of (config.apps || []).entries()) {
    if (!a || typeof a.appKey !== 'string' || !/^[0-9]+$/.test(a.appKey))
      fail(`apps[${i}].appKey must be a string of digits`);
    if (typeof a.appSecret !== 'string' || a.appSecret === '') fail(`apps[${i}].appSecret must be a non-empty string`);
    if (typeof a.accessToken !== 'string' || a.accessToken === '')
      fail(`apps[${i}].accessToken must be a non-empty string`);
    if (a.refreshToken !== undefined && (typeof a.refreshToken !== 'string' || a.refreshToken === ''))
      fail(`apps[${i}].refreshToken must be a non-empty string when given`);
    apps.set(a.appKey, a);
  }
  if (apps.size === 0) fail('apps must list at least one app {appKey, appSecret, accessToken}');
  const suppliers = new Map();
  for (const [i, s] of (config.suppliers || []).entries()) {
    if (!s || typeof s.loginId !== 'string') fail(`suppliers[${i}].loginId must be a string`);
    suppliers.set(s.loginId, s);
  }
  const orders = [];
  for (const [i, o] of (config.orders || []).entries()) {
    const orderId = idOf(o && o.orderId);
    if (!orderId)
      fail(`orders[${i}].orderId must be a 1688 order id as a string of digits (JSON numbers above 2^53 lose digits)`);
    if (fenOf(o.amount) === null) fail(`orders[${i}].amount must be a CNY amount like "1234.50"`);
    if (o.supplier !== undefined && !suppliers.has(o.supplier))
      fail(`orders[${i}].supplier "${o.supplier}" is not in suppliers`);
    if (
      o.createTime !== undefined &&
      !(Number.isFinite(o.createTime) || (typeof o.createTime === 'string' && !Number.isNaN(parseTime(o.createTime))))
    )
      fail(
        `orders[${i}].createTime must be seconds relative to the sandbox start (e.g. -3600) or a time like "20261125103000000+0800"`,
      );
    if (o.payTimeout !== undefined && !(Number.isInteger(o.payTimeout) && o.payTimeout > 0))
      fail(`orders[${i}].payTimeout must be whole seconds > 0`);
    orders.push({ ...o, orderId });
  }
  return { apps, suppliers, orders, account: config.account || {} };
}

/** The config's tunables with their defaults (README "The sandbox"). */
export function settingsOf(config) {
  const retry = config.pushRetry || {};
  return {
    qps: Number.isFinite(config.qps) && config.qps >= 0 ? config.qps : 10,
    tokenLifetimeSec:
      Number.isFinite(config.tokenLifetimeSec) && config.tokenLifetimeSec > 0 ? config.tokenLifetimeSec : 36000,
    refreshTokenLifetimeSec:
      Number.isFinite(config.refreshTokenLifetimeSec) && config.refreshTokenLifetimeSec > 0
        ? config.refreshTokenLifetimeSec
        : 15552000,
    pushAttempts: Number.isInteger(retry.attempts) && retry.attempts > 0 ? retry.attempts : 6,
    pushBaseMs: Number.isFinite(retry.baseMs) && retry.baseMs >= 0 ? retry.baseMs : 200,
  };
}
