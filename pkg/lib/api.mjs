// The JS face of kjb, shared by the Node and the web entry points.
//
// The wasm exports speak JSON text both ways (see src/wasm.rs); this file turns caller objects
// into that text, answers back into objects, and thrown error texts into `KjbError`s. It holds
// no rules: everything that decides lives in the Rust core.
//
// `make pkg` derives `api.cjs` from it for `require()` with esbuild (scripts/build-cjs.mjs).

const GATEWAY_CODES = new Set(['GATEWAY_ERROR', 'BUSINESS_ERROR', 'TOKEN_EXPIRED']);

/** Every failure kjb reports. `code` is stable; branch on it, not on `message`. */
export class KjbError extends Error {
  constructor(code, message, details) {
    super(message);
    this.name = 'KjbError';
    this.code = code;
    this.path = null;
    if (GATEWAY_CODES.has(code)) {
      // Gateway failures always carry these three, null where the gateway gave none
      // (a timeout has no HTTP status; an HTML error page has no 1688 code).
      this.gatewayCode = null;
      this.httpStatus = null;
      this.retryable = false;
    }
    if (details) {
      for (const key of [
        'path',
        'line',
        'column',
        'gatewayCode',
        'httpStatus',
        'retryable',
        'requestId',
        'gatewayMessage',
      ]) {
        if (details[key] !== undefined) this[key] = details[key];
      }
    }
  }
}

/** Rebuilds a `KjbError` from whatever the wasm side threw. */
export function toKjbError(thrown) {
  if (thrown instanceof KjbError) return thrown;
  if (typeof thrown === 'string' && thrown.startsWith('{')) {
    let e;
    try {
      e = JSON.parse(thrown);
    } catch {
      e = null;
    }
    if (e && typeof e.code === 'string') {
      return new KjbError(e.code, e.message, e);
    }
  }
  if (typeof WebAssembly !== 'undefined' && thrown instanceof WebAssembly.RuntimeError) {
    return new KjbError(
      'INTERNAL',
      `kjb hit an internal error (${thrown.message}); please report it with the input that caused it`,
    );
  }
  if (thrown instanceof RangeError) {
    return new KjbError('INVALID_INPUT', `the input is too large or nests too deeply to be read (${thrown.message})`);
  }
  return new KjbError(
    'INTERNAL',
    `kjb hit an internal error: ${thrown && thrown.message ? thrown.message : String(thrown)}`,
  );
}

function bigintToString(_key, value) {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** Caller input as JSON text. BigInt ids become digit strings; cycles and depth are reported. */
export function toJsonText(input, fnName) {
  if (input === null || typeof input !== 'object') {
    throw new KjbError('INVALID_INPUT', `${fnName}() takes an object; got ${input === null ? 'null' : typeof input}`);
  }
  try {
    return JSON.stringify(input);
  } catch {
    try {
      // Only inputs holding a BigInt get here: the replacer costs a call per value.
      return JSON.stringify(input, bigintToString);
    } catch (e) {
      if (e instanceof RangeError) {
        throw new KjbError(
          'INVALID_JSON',
          `${fnName}() input could not be read as JSON (${e.message}): it nests too deeply (kjb accepts 64 levels) or is too large`,
        );
      }
      const why =
        e && /circular/i.test(String(e.message)) ? 'it contains a circular reference' : String(e && e.message);
      throw new KjbError('INVALID_INPUT', `${fnName}() input cannot be read as JSON: ${why}`);
    }
  }
}

function orderTextOf(input) {
  if (input !== null && typeof input === 'object' && typeof input.orders === 'string') {
    const { orders, ...rest } = input;
    return [rest, orders];
  }
  return [input, undefined];
}

const NODE_INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** A text of the reason table filled in: `parts` are pieces and indices into `values`. */
function fill(parts, values, lang) {
  let s = '';
  for (const p of parts) {
    if (typeof p === 'string') s += p;
    else {
      const v = values[p];
      s += typeof v === 'string' ? v : v[lang];
    }
  }
  return s;
}

/**
 * Replaces each compact reason of `reasons` (src/out.rs `Form::Compact`: `[k, path, values?,
 * goods?, matched?]`) by the public object, its texts from `table`. Fixed texts are the
 * table's strings themselves, shared by every reason that carries them.
 */
function expandReasons(table, reasons) {
  for (let i = 0; i < reasons.length; i++) {
    const r = reasons[i];
    const t = table[r[0]];
    const v = r[2];
    let message = t.message;
    let messageZh = t.messageZh;
    if (Array.isArray(v)) {
      message = fill(t.parts[0], v, 0);
      messageZh = fill(t.parts[1], v, 1);
    } else if (v !== undefined && v !== 0) {
      message = v.message;
      messageZh = v.messageZh;
    }
    const out = { code: t.code, severity: t.severity, message, messageZh, path: r[1] };
    if (r.length > 3) {
      if (r[3] !== null) out.goods = r[3];
      if (r.length > 4) out.matched = r[4];
    }
    reasons[i] = out;
  }
}

/** Whole inputs at least this long (UTF-16 units) are staged by checkOrders/planPayment. */
const STAGE_FROM = 1 << 15;
const encoder = new TextEncoder();
/** Bumped by every staging, so a slice-by-slice staging notices a kjb call made in between. */
let stagings = 0;

/**
 * Writes `text` as UTF-8 straight into the wasm module's staging buffer (src/wasm.rs `stage`):
 * every input crosses this way. A short text gets room for the worst case (3 bytes a unit).
 * A long one first gets 1.25 bytes a unit, which covers order lists whose titles mix Chinese
 * and ASCII; text with more multi-byte characters grows the buffer once, by the worst case for
 * what is left, and the surplus is given back at commit.
 */
function stageText(raw, text) {
  stagings++;
  // Asked every time, not cached: the web glue can swap its instance under the same namespace
  // (a late `init()` finishing after `initSync()`), and the call costs ~0.1 µs.
  const memory = raw.stageMemory();
  let len = text.length <= 4096 ? text.length * 3 : text.length + (text.length >> 2) + 16;
  let ptr = raw.stage(len);
  let { read, written } = encoder.encodeInto(text, new Uint8Array(memory.buffer, ptr, len));
  if (read < text.length) {
    len = written + (text.length - read) * 3;
    ptr = raw.stage(len);
    const more = encoder.encodeInto(text.slice(read), new Uint8Array(memory.buffer, ptr + written, len - written));
    written += more.written;
  }
  raw.stageCommit(written);
}

/** Order lists at least this long are printed apart from the rest of their input, a slice at a time. */
const SLICE_FROM = 128;
/** Orders per slice: 64 orders of the benchmark print to ~28,000 UTF-16 units. */
const SLICE = 64;
/** How checkOrders/planPayment find their order list (src/wasm.rs `with_staged`). */
const ORDERS_IN_INPUT = 0;
const ORDERS_CALLER_TEXT = 1;
const ORDERS_PRINTED = 2;

/**
 * `{orders, rest}` when `input`'s order list is printed apart (see {@link stageOrders}): a
 * plain object whose `orders` is a plain array of at least `SLICE_FROM` orders, neither with a
 * `toJSON`; `rest` is the input without it. A proxy or getter that throws here leaves the input
 * to the whole-input path, which reports it.
 */
function ordersApart(input) {
  try {
    const proto = Object.getPrototypeOf(input);
    if ((proto !== Object.prototype && proto !== null) || input.toJSON !== undefined) return undefined;
    // Only what JSON.stringify would print: an own, enumerable data property.
    const desc = Object.getOwnPropertyDescriptor(input, 'orders');
    if (desc === undefined || !desc.enumerable || !('value' in desc)) return undefined;
    const orders = desc.value;
    if (
      !Array.isArray(orders) ||
      Object.getPrototypeOf(orders) !== Array.prototype ||
      orders.length < SLICE_FROM ||
      orders.toJSON !== undefined
    ) {
      return undefined;
    }
    const { orders: _, ...rest } = input;
    return { orders, rest };
  } catch {
    return undefined;
  }
}

/**
 * A plain order with a BigInt id, as a copy with the id in digits; anything else as it is. A
 * BigInt id is the usual BigInt in an order list, and this costs less than printing the slice
 * with a replacer, which is called for every value.
 */
function idAsText(order) {
  return order !== null &&
    typeof order === 'object' &&
    typeof order.orderId === 'bigint' &&
    Object.getPrototypeOf(order) === Object.prototype &&
    order.toJSON === undefined
    ? { ...order, orderId: order.orderId.toString() }
    : order;
}

/**
 * Stages `orders` as the JSON text `JSON.stringify` prints for it, `SLICE` orders at a time,
 * each slice encoded into wasm memory right after it is printed. Printing the list apart spares
 * the core a pass over it to find where it ends in the input; printing it in slices avoids
 * V8's slow cases with one long text (encoding a fresh `JSON.stringify` result costs several
 * times encoding the same string again, and newer V8s print a long array far more slowly than
 * its slices), and encodes each slice while it is still in cache. README "Performance" has the
 * numbers.
 *
 * Returns false when printing needs the whole-input path, which then reports what went wrong:
 * a value the replacer cannot print either (a cycle), an order with a `toJSON` (it would be
 * called with its index in the slice), a `toJSON` or getter that throws, or one that calls kjb
 * (which would overwrite the staging buffer). A BigInt only makes its slice be
 * printed again, with its orders' BigInt ids as digits ({@link idAsText}) or, for a BigInt
 * elsewhere, with the replacer. `current(raw)` says `raw` is still the module in use.
 */
function stageOrders(raw, orders, current) {
  const mark = ++stagings;
  const untouched = () => stagings === mark && current(raw);
  let cap = 0;
  let ptr = 0;
  let at = 0;
  let units = 0;
  try {
    for (let i = 0; i < orders.length; i += SLICE) {
      const slice = orders.slice(i, i + SLICE);
      // An order's toJSON is called with its index, which a slice would give wrongly.
      if (slice.some((o) => o !== null && typeof o === 'object' && o.toJSON !== undefined)) return false;
      let text;
      try {
        text = JSON.stringify(slice);
      } catch (e) {
        if (!(e instanceof TypeError) || !untouched()) return false;
        try {
          text = JSON.stringify(slice.map(idAsText));
        } catch {
          if (!untouched()) return false;
          text = JSON.stringify(slice, bigintToString);
        }
      }
      if (!untouched()) return false;
      // Room for this slice at 3 bytes a UTF-16 unit at worst, and for the orders still to
      // come at the bytes a unit so far (a quarter more), so that a list grows the buffer
      // about once.
      if (at + text.length * 3 > cap) {
        const perUnit = units > 0 ? Math.max(at / units, 1) : 1;
        const later = (text.length / slice.length) * (orders.length - i - slice.length);
        cap = Math.ceil(at + text.length * 3 + later * perUnit * 1.25) + 64;
        ptr = raw.stage(cap);
      }
      const memory = new Uint8Array(raw.stageMemory().buffer, ptr, cap);
      const from = at;
      at += encoder.encodeInto(text, memory.subarray(at)).written;
      units += text.length;
      // `[a,b]` `[c,d]` → `[a,b,c,d]`: a later slice's `[` becomes `,`, and the `]` of all
      // but the last is written over.
      if (i > 0) memory[from] = 0x2c;
      if (i + SLICE < orders.length) at -= 1;
    }
  } catch (e) {
    if (typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.RuntimeError) throw e;
    return false;
  }
  raw.stageCommit(at);
  return true;
}

/**
 * Builds the public API over the wasm exports.
 * @param runtime `{raw(), ready(), recover(), generation()}`: the current wasm-bindgen module
 *   namespace; whether it is instantiated; what to do after a wasm trap (returns true when a
 *   fresh instance is in place); a counter that changes whenever the instance is replaced.
 *
 * A trap (a Rust panic, which the core's lints and fuzzing exist to rule out) leaves the
 * instance's stack pointer and borrow flags wherever the panic stopped them, so the instance is
 * never used again: Node re-instantiates at once; a browser reports INTERNAL until reloaded.
 */
export function makeApi(runtime) {
  let broken = false;

  function guard(name) {
    if (broken) {
      throw new KjbError(
        'INTERNAL',
        `${name}(): an earlier call hit an internal error in kjb's wasm module, which cannot be reused; reload the page to use kjb again (and please report the input that caused it)`,
      );
    }
    if (!runtime.ready()) {
      throw new KjbError(
        'NOT_INITIALIZED',
        `kjb is not initialised yet: await init() (or call initSync(bytes)) once before calling ${name}()`,
      );
    }
  }

  function trapped(name, e) {
    const fresh = runtime.recover();
    if (!fresh) broken = true;
    const after = fresh ? 'kjb started a fresh instance, so later calls work' : 'reload the page to use kjb again';
    return new KjbError(
      'INTERNAL',
      `${name}(): kjb hit an internal error (${e.message}); ${after}. Please report it with the input that caused it`,
    );
  }

  /** Runs `thunk` (a call into the wasm) and reads its JSON answer. */
  function invoke(name, thunk) {
    let out;
    try {
      out = thunk();
    } catch (e) {
      if (typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.RuntimeError) throw trapped(name, e);
      throw toKjbError(e);
    }
    return JSON.parse(out);
  }

  function call(name, input) {
    guard(name);
    const text = toJsonText(input, name);
    const raw = runtime.raw();
    return invoke(name, () => {
      stageText(raw, text);
      return raw[name]();
    });
  }

  // checkOrders/planPayment: the orders text the caller handed over, a long order list printed
  // apart (stageOrders), or a whole input big enough to matter, is staged into wasm memory
  // rather than passed as a string (src/wasm.rs). The answer's reasons come compact and are
  // expanded here (`expandReasons`).
  function callWithOrders(name, input) {
    guard(name);
    const [rest, ordersText] = orderTextOf(input);
    const answer = ordersCall(name, rest, ordersText);
    const table = reasonTable(runtime.raw());
    if (answer.results) {
      for (const r of answer.results) expandReasons(table, r.reasons);
    } else {
      for (const b of answer.batches) for (const w of b.warnings) expandReasons(table, w.reasons);
      for (const r of answer.rejected) expandReasons(table, r.reasons);
      for (const r of answer.deferred) expandReasons(table, r.reasons);
    }
    return answer;
  }

  /** The wasm call of {@link callWithOrders}, with compact reasons. */
  function ordersCall(name, rest, ordersText) {
    const apart = ordersText === undefined && rest !== null && typeof rest === 'object' ? ordersApart(rest) : undefined;
    if (apart) {
      const text = toJsonText(apart.rest, name);
      const raw = runtime.raw();
      let staged;
      try {
        staged = stageOrders(raw, apart.orders, (r) => r === runtime.raw());
      } catch (e) {
        throw trapped(name, e); // stageOrders lets only wasm traps through
      }
      if (staged) return invoke(name, () => raw[name](text, ORDERS_PRINTED, true));
    }
    const text = toJsonText(rest, name);
    const raw = runtime.raw();
    return invoke(name, () => {
      if (ordersText !== undefined) {
        stageText(raw, ordersText);
        return raw[name](text, ORDERS_CALLER_TEXT, true);
      }
      if (text.length >= STAGE_FROM) {
        stageText(raw, text);
        return raw[name](undefined, ORDERS_IN_INPUT, true);
      }
      return raw[name](text, ORDERS_IN_INPUT, true);
    });
  }

  let table = null;
  /** The wasm's reason table (src/out.rs `table_json`), read once: the same for every instance. */
  function reasonTable(raw) {
    if (table === null) table = JSON.parse(raw.reasonTable());
    return table;
  }

  const decoder = new TextDecoder();
  let tokenRequestOf = null;

  class Signer {
    #raw;
    #generation;
    static {
      // The OAuth token request carries the app secret (1688's design). It is built inside the
      // wasm signer and handed only to KjbClient, through the non-enumerable `internal` of the
      // API object: no public method returns it. The wasm leaves it in the staging buffer
      // (a returned string's block would be freed unwiped), which is wiped once read.
      tokenRequestOf = (signer, request) => {
        guard('Signer.tokenRequest');
        const text = toJsonText(request, 'tokenRequest');
        const raw = signer.#live('Signer.tokenRequest');
        const glue = runtime.raw();
        let len;
        try {
          stageText(glue, text);
          len = raw.tokenRequest();
        } catch (e) {
          if (typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.RuntimeError)
            throw trapped('Signer.tokenRequest', e);
          throw toKjbError(e);
        }
        try {
          const ptr = glue.stage(len);
          return JSON.parse(decoder.decode(new Uint8Array(glue.stageMemory().buffer, ptr, len)));
        } finally {
          glue.stageWipe();
        }
      };
    }
    constructor(options) {
      guard('Signer');
      const text = toJsonText(options, 'Signer');
      try {
        const raw = runtime.raw();
        stageText(raw, text);
        this.#raw = new raw.RawSigner();
      } catch (e) {
        if (typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.RuntimeError) throw trapped('Signer', e);
        throw toKjbError(e);
      }
      this.#generation = runtime.generation();
    }
    /** The app key (public: it is part of every request URL). */
    get appKey() {
      return this.#live('Signer.appKey').appKey;
    }
    #live(name) {
      if (!this.#raw) throw new KjbError('INVALID_INPUT', `${name}: this Signer was freed; create a new one`);
      if (this.#generation !== runtime.generation()) {
        throw new KjbError(
          'INTERNAL',
          `${name}: this Signer lived in a wasm instance that was replaced after an internal error; create a new Signer`,
        );
      }
      return this.#raw;
    }
    /** `signRequest` with this signer's credentials. */
    sign(request) {
      guard('Signer.sign');
      // The request's own toJSON runs first: it could free this signer.
      const text = toJsonText(request, 'Signer.sign');
      const raw = this.#live('Signer.sign');
      return invoke('Signer.sign', () => {
        stageText(runtime.raw(), text);
        return raw.sign();
      });
    }
    /** `verifyPush` with this signer's secret; `body` is the raw form text or `{message, _aop_signature}`. */
    verifyPush(body) {
      guard('Signer.verifyPush');
      let text;
      try {
        text = JSON.stringify(body === undefined ? null : body, bigintToString);
      } catch {
        throw new KjbError(
          'PUSH_MALFORMED',
          'the push body cannot be read: pass the raw form text or {message, _aop_signature}',
        );
      }
      const raw = this.#live('Signer.verifyPush');
      return invoke('Signer.verifyPush', () => {
        stageText(runtime.raw(), text);
        return raw.verifyPush();
      });
    }
    /** Wipes the secret from wasm memory now instead of at garbage collection. */
    free() {
      if (this.#raw) {
        this.#raw.free();
        this.#raw = undefined;
      }
    }
    toJSON() {
      return { appKey: this.appKey };
    }
    toString() {
      return `Signer { appKey: ${this.appKey} }`;
    }
    [NODE_INSPECT]() {
      return this.toString();
    }
  }
  if (typeof Symbol.dispose === 'symbol') {
    Signer.prototype[Symbol.dispose] = Signer.prototype.free;
  }

  const publicApi = {
    feeSchedule: () => {
      guard('feeSchedule');
      return invoke('feeSchedule', () => runtime.raw().feeSchedule());
    },
    quoteFee: (q) => call('quoteFee', q),
    orderIds: (list) => call('orderIds', list),
    checkOrders: (c) => callWithOrders('checkOrders', c),
    buildRequest: (r) => call('buildRequest', r),
    signRequest: (r) => call('signRequest', r),
    signature: (s) => call('signature', s),
    parseResponse: (r) => call('parseResponse', r),
    verifyPush: (p) => call('verifyPush', p),
    authorizeUrl: (a) => call('authorizeUrl', a),
    /** A `system.oauth2/getToken` answer text → `{accessToken, refreshToken, expiresAt, …}`. */
    parseToken: (text) => call('parseToken', { text, now: Date.now() }),
    Signer,
    // v1.1: 1688 orders in, payment states out.
    ordersFrom1688(answer, options) {
      if (typeof answer !== 'string') {
        throw new KjbError(
          'INVALID_INPUT',
          `ordersFrom1688() takes the raw answer text (await response.text()), not ${answer === null ? 'null' : typeof answer}: JSON.parse has already rounded its 19-digit ids`,
          { path: 'answer' },
        );
      }
      if (options !== undefined && (options === null || typeof options !== 'object')) {
        throw new KjbError('INVALID_INPUT', 'ordersFrom1688(answer, options): options must be an object {suppliers?}', {
          path: 'options',
        });
      }
      return call('ordersFrom1688', { ...options, answer });
    },
    paymentState: (events) => call('paymentState', events),
    planPayment(p) {
      // The core has no clock: "now" (for payBy deadlines) is supplied here unless given.
      const withNow =
        p !== null && typeof p === 'object' && !Array.isArray(p) && p.now === undefined
          ? { ...p, now: new Date().toISOString() }
          : p;
      return callWithOrders('planPayment', withNow);
    },
  };
  // For KjbClient only; not enumerable, so the entry points' `...api` does not export it.
  Object.defineProperty(publicApi, 'internal', {
    value: Object.freeze({
      tokenRequest: (signer, request) => tokenRequestOf(signer, request),
      tokenAnswer: (text, status) => call('parseToken', { text, status, now: Date.now() }),
    }),
    enumerable: false,
  });
  return publicApi;
}
