// A Node ESM user: `import` from 'kjb', no init needed. Prints the answers as JSON.
import { readFileSync } from 'node:fs';
import init, { quoteFee, planPayment, buildRequest, KjbError } from 'kjb';

const inputs = JSON.parse(readFileSync(new URL('../inputs.json', import.meta.url), 'utf8'));
const attempt = (f) => {
  try {
    return { ok: f() };
  } catch (e) {
    return { error: { name: e.name, code: e.code, message: e.message, isKjbError: e instanceof KjbError } };
  }
};

await init(); // a no-op in Node, there for code shared with browsers
console.log(
  JSON.stringify({
    quote: attempt(() => quoteFee(inputs.quote)),
    plan: attempt(() => planPayment(inputs.plan)),
    request: attempt(() => buildRequest(inputs.request)),
  }),
);
