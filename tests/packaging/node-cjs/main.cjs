// A Node CommonJS user: `require('kjb')`, ready at once. Prints the answers as JSON.
const { quoteFee, planPayment, buildRequest, KjbError } = require('kjb');
const inputs = require('../inputs.json');

const attempt = (f) => {
  try {
    return { ok: f() };
  } catch (e) {
    return { error: { name: e.name, code: e.code, message: e.message, isKjbError: e instanceof KjbError } };
  }
};

console.log(
  JSON.stringify({
    quote: attempt(() => quoteFee(inputs.quote)),
    plan: attempt(() => planPayment(inputs.plan)),
    request: attempt(() => buildRequest(inputs.request)),
  }),
);
