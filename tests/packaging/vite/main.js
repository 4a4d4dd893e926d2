// A Vite app: the page and a module worker both import 'kjb'; Vite copies kjb_bg.wasm from the
// `new URL('kjb_bg.wasm', import.meta.url)` in the package's web build, no config needed.
import init, { quoteFee, planPayment, buildRequest, KjbError } from 'kjb';
import inputs from '../inputs.json';

const attempt = (f) => {
  try {
    return { ok: f() };
  } catch (e) {
    return { error: { name: e.name, code: e.code, message: e.message, isKjbError: e instanceof KjbError } };
  }
};

async function run() {
  const beforeInit = attempt(() => quoteFee(inputs.quote));
  await init();
  const page = {
    beforeInit,
    quote: attempt(() => quoteFee(inputs.quote)),
    plan: attempt(() => planPayment(inputs.plan)),
    request: attempt(() => buildRequest(inputs.request)),
  };
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  const fromWorker = await new Promise((resolve, reject) => {
    worker.onmessage = (e) => resolve(e.data);
    worker.onerror = (e) => reject(new Error(`worker failed: ${e.message}`));
    worker.postMessage(inputs);
  });
  return { page, worker: fromWorker };
}

window.kjbResults = run().catch((e) => ({ failed: String(e && e.stack ? e.stack : e) }));
window.kjbResults.then((r) => {
  document.getElementById('out').textContent = JSON.stringify(r, null, 2);
});
