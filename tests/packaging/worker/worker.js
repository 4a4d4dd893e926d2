// A module worker importing the package's web build straight from node_modules (served as-is):
// it awaits init(), which fetches kjb_bg.wasm next to the glue, then answers.
import init, { quoteFee, planPayment, buildRequest, KjbError } from './node_modules/kjb/lib/web.mjs';

const attempt = (f) => {
  try {
    return { ok: f() };
  } catch (e) {
    return { error: { name: e.name, code: e.code, message: e.message, isKjbError: e instanceof KjbError } };
  }
};

self.onmessage = async ({ data: inputs }) => {
  const beforeInit = attempt(() => quoteFee(inputs.quote));
  await init();
  self.postMessage({
    beforeInit,
    quote: attempt(() => quoteFee(inputs.quote)),
    plan: attempt(() => planPayment(inputs.plan)),
    request: attempt(() => buildRequest(inputs.request)),
  });
};
