// What goes over the wire, independent of the kjb core: the 1688 signature, JSON written by hand
// (so 19-digit ids go out as exact JSON numbers), ids, money and 1688's time formats.
import { createHmac, timingSafeEqual } from 'node:crypto';

const U64_MAX = 18446744073709551615n;

/**
 * The 1688 `_aop_signature`: upper-case hex HMAC-SHA1(appSecret, urlPath + the `key + value`
 * strings of every parameter but `_aop_signature`, sorted byte-wise as whole strings).
 * `urlPath` is `param2/1/ns/api/appKey` (no leading slash), or '' for the params-only variant.
 * @param params [[key, value]] pairs or an object
 */
export function aopSignature(appSecret, urlPath, params) {
  const pairs = Array.isArray(params) ? params : Object.entries(params);
  const parts = pairs.filter(([k]) => k !== '_aop_signature').map(([k, v]) => Buffer.from(`${k}${v}`, 'utf8'));
  parts.sort(Buffer.compare);
  const mac = createHmac('sha1', Buffer.from(appSecret, 'utf8'));
  mac.update(Buffer.from(urlPath, 'utf8'));
  for (const p of parts) mac.update(p);
  return mac.digest('hex').toUpperCase();
}

export function sameText(a, b) {
  const x = Buffer.from(String(a), 'utf8');
  const y = Buffer.from(String(b), 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

const RAW = Symbol('raw JSON');
export const raw = (text) => ({ [RAW]: text });

export function json(v) {
  if (v !== null && typeof v === 'object' && v[RAW] !== undefined) return v[RAW];
  if (Array.isArray(v)) return `[${v.map(json).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.entries(v)
      .filter(([, x]) => x !== undefined)
      .map(([k, x]) => `${JSON.stringify(k)}:${json(x)}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** A canonical order id (digits, 1–19, no leading zero, fits u64), or null. */
export function idOf(value) {
  const s = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  if (typeof s !== 'string' || !/^[1-9][0-9]{0,18}$/.test(s) || BigInt(s) > U64_MAX) return null;
  return s;
}

/** "1234.5" → 123450n fen; null when not a valid CNY amount. */
export function fenOf(amount) {
  const s = typeof amount === 'number' && Number.isFinite(amount) ? String(amount) : amount;
  const m = typeof s === 'string' ? /^([0-9]{1,15})(?:\.([0-9]{1,2}))?$/.exec(s) : null;
  return m ? BigInt(m[1]) * 100n + BigInt((m[2] || '').padEnd(2, '0')) : null;
}

export function yuan(fen) {
  const s = fen.toString().padStart(3, '0');
  return `${s.slice(0, -2)}.${s.slice(-2)}`;
}

function pad(n, w = 2) {
  return String(n).padStart(w, '0');
}

/** China time (UTC+8) as "yyyy-MM-dd HH:mm:ss". */
export function chinaTime(ms) {
  const d = new Date(ms + 8 * 3600 * 1000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** 1688's date format: yyyyMMddHHmmssSSS+0800. */
export function aopDate(ms) {
  return `${chinaTime(ms).replace(/[- :]/g, '')}${pad(new Date(ms).getUTCMilliseconds(), 3)}+0800`;
}

/**
 * A 1688 time as ms: `yyyyMMddHHmmss[SSS]±hhmm`, or `yyyy-MM-dd HH:mm:ss` in China time; NaN if
 * it is neither.
 */
export function parseTime(text) {
  const m =
    /^([0-9]{4})-?([0-9]{2})-?([0-9]{2})[ T]?([0-9]{2}):?([0-9]{2}):?([0-9]{2})([0-9]{3})?([+-][0-9]{4})?$/.exec(
      String(text).trim(),
    );
  if (!m) return Number.NaN;
  const zone = m[8] || '+0800';
  const offset = (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3))) * 60000;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], +(m[7] || 0)) - offset;
}

export function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Parses a JSON list of ids (numbers or digit strings) without rounding them. */
export function idListOf(text) {
  const m = /^\s*\[([\s\S]*)\]\s*$/.exec(text);
  if (!m) return null;
  if (m[1].trim() === '') return [];
  const ids = [];
  for (const part of m[1].split(',')) {
    const t = /^\s*("?)([0-9]+)\1\s*$/.exec(part);
    const id = t && idOf(t[2]);
    if (!id) return null;
    ids.push(id);
  }
  return ids;
}

/** An order id as a JSON number, exactly as written (1688 sends ids as numbers). */
export const idJson = (id) => raw(id);

/** Yuan as 1688 writes it in buyerView: a JSON number, trailing zeros dropped ("6.15", "6", "0.3"). */
export function yuanNumber(fen) {
  const neg = fen < 0n;
  const s = yuan(neg ? -fen : fen).replace(/\.?0+$/, '');
  return raw(`${neg ? '-' : ''}${s === '' ? '0' : s}`);
}
