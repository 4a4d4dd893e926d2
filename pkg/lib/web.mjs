// Browser, bundler, worker and extension entry (ESM). The wasm must be fetched and compiled
// before use: `await init()` once (or `initSync(bytes)` in a service worker). Calling anything
// earlier throws KjbError NOT_INITIALIZED instead of a wasm trap.
import wbgInit, * as raw from '../web/kjb.js';
import { makeApi, KjbError } from './api.mjs';
import { makeClient } from './client.mjs';

let ready = false;
let pending = null;

/**
 * Loads the wasm. `input` is optional: a URL/Request/Response/BufferSource/WebAssembly.Module;
 * by default `kjb_bg.wasm` next to the glue, resolved with import.meta.url (bundlers copy it).
 */
export function init(input) {
  if (ready) return Promise.resolve();
  if (!pending) {
    pending = wbgInit(input === undefined ? undefined : { module_or_path: input }).then(
      () => {
        ready = true;
      },
      (e) => {
        pending = null; // a failed fetch can be retried
        throw new KjbError('NOT_INITIALIZED', `kjb could not load its wasm module: ${e && e.message ? e.message : e}`);
      },
    );
  }
  return pending;
}

/** Synchronous init from the wasm bytes or a compiled WebAssembly.Module (service workers). */
export function initSync(bytes) {
  if (ready) return;
  try {
    raw.initSync({ module: bytes });
  } catch (e) {
    throw new KjbError(
      'NOT_INITIALIZED',
      `kjb could not instantiate its wasm module: ${e && e.message ? e.message : e}`,
    );
  }
  ready = true;
}

// The web glue holds one instance for the page's lifetime and cannot be re-initialised, so
// after a trap the API reports INTERNAL until the page reloads (recover() returns false).
const api = makeApi({ raw: () => raw, ready: () => ready, generation: () => 0, recover: () => false });
/** Cashier URLs over fetch. In a page, sign on your backend: see the README (`sign` option). */
export const KjbClient = makeClient({ ...api, internal: api.internal, KjbError });

export const {
  feeSchedule,
  quoteFee,
  checkOrders,
  planPayment,
  buildRequest,
  signRequest,
  signature,
  parseResponse,
  verifyPush,
  authorizeUrl,
  orderIds,
  Signer,
  parseToken,
} = api;
// v1.1: 1688 orders in, payment states out.
export const { ordersFrom1688, paymentState } = api;
export { KjbError };
export default init;
