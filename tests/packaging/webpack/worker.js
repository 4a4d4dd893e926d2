// A module worker bundled by webpack: imports 'kjb', awaits init, answers with the results.
import init, { quoteFee, planPayment, buildRequest, KjbError } from 'kjb';

const attempt = (f) => {
  try {
    return { ok: f() };
  } catch (e) {
    return { error: { name: e.name, code: e.code, message: e.message, isKjbError: e instanceof KjbError } };
  }
};

self.onmessage = async ({ data: inputs }) => {
  await init();
  self.postMessage({
    quote: attempt(() => quoteFee(inputs.quote)),
    plan: attempt(() => planPayment(inputs.plan)),
    request: attempt(() => buildRequest(inputs.request)),
  });
};
