// The app secret crosses into wasm memory with every signing call. Once the call is over it
// must not be left there for a later heap dump or a memory-reading bug to find: the staging
// buffer is wiped after each small call and the core zeroizes its own copies.
const test = require('node:test');
const assert = require('node:assert/strict');

// Catch the instance the glue makes, to read its memory (before kjb is first required).
const Instance = WebAssembly.Instance;
let instance;
WebAssembly.Instance = function (module, imports) {
  instance = new Instance(module, imports);
  return instance;
};
const kjb = require('kjb');
WebAssembly.Instance = Instance;

const SECRET = 'Zq9-only-in-this-test-Kx7';
const request = { api: 'alibaba.crossBorderPay.url.get', appKey: '1234567', accessToken: 'tok', params: { orderIdList: ['3535260697417660107'] } };

test('no copy of the app secret is left in wasm memory after signing, verifying or a refused call', () => {
  assert.ok(instance, 'the wasm instance was caught');
  kjb.signRequest({ ...request, appSecret: SECRET });
  const message = '{"msgId":1,"type":"ORDER_BATCH_PAY","data":{}}';
  const signature = kjb.signature({ appSecret: SECRET, urlPath: '', params: { message } });
  kjb.verifyPush({ appSecret: SECRET, body: new URLSearchParams({ message, _aop_signature: signature }).toString() });
  assert.throws(() => kjb.verifyPush({ appSecret: SECRET, body: 'message=%7B%7D&_aop_signature=00' }), kjb.KjbError);
  assert.throws(() => kjb.signRequest({ ...request, appSecret: SECRET, api: 'no.such.api' }), kjb.KjbError);
  const signer = new kjb.Signer({ appKey: '1234567', appSecret: SECRET });
  signer.sign(request);
  signer.free();
  // A big, mostly Chinese request outgrows the staging buffer's first guess, with the secret
  // already written; live Signers around it keep the allocator from growing it in place.
  const keep = [];
  for (let i = 0; i < 20; i++) {
    kjb.quoteFee({ amount: '1', history: Array(2000).fill('1') });
    keep.push(new kjb.Signer({ appKey: '1', appSecret: 'x'.repeat(1000 + i * 500) }));
  }
  kjb.signRequest({ api: 'a.b', namespace: 'n', version: '1', appKey: '1234567', accessToken: 'tok', appSecret: SECRET, params: { remark: '中'.repeat(20000) } });
  // A secret with escapes is decoded by kjb itself, leaving no copy behind.
  const escaped = `${SECRET}"q\\q\tq`;
  kjb.signature({ appSecret: escaped, urlPath: '', params: { a: 'b' } });
  for (const s of keep) s.free();
  const memory = Buffer.from(instance.exports.memory.buffer);
  assert.equal(memory.indexOf(SECRET), -1, 'the secret is still in wasm memory');
  // The check itself can see: what a call leaves behind is found.
  const probe = 'probe-text-Kx7-left-behind';
  assert.throws(() => kjb.quoteFee({ amount: '1', [probe]: 1 }), kjb.KjbError);
  assert.notEqual(Buffer.from(instance.exports.memory.buffer).indexOf(probe), -1, 'an error message naming the key stays in memory: the scan works');
});

test('the OAuth token requests, which carry the secret in their body, leave no copy of it in wasm memory', async () => {
  const bodies = [];
  const answer = '{"aliId":"1","resource_owner":"r","memberId":"m","expires_in":"36000","access_token":"new-access","refresh_token":"new-refresh","refresh_token_timeout":"20270527183000+0800"}';
  const fetch = async (url, init) => {
    bodies.push(init.body);
    return { status: 200, text: async () => answer };
  };
  const client = new kjb.KjbClient({ appKey: '1234567', appSecret: SECRET, token: { accessToken: 'old', refreshToken: 'old-refresh' }, fetch, baseUrl: 'https://gw.example.invalid', qps: 1000 });
  await client.exchangeCode({ code: 'the-code', redirectUri: 'https://erp.example.com/cb' });
  await client.refreshToken();
  await client.postponeToken();
  // A refused request (bad input) after the secret was staged once more.
  await assert.rejects(client.exchangeCode({ code: '', redirectUri: 'https://erp.example.com/cb' }), kjb.KjbError);
  client.free();
  assert.equal(bodies.length, 3);
  for (const b of bodies) assert.equal(new URLSearchParams(b).get('client_secret'), SECRET, 'the body did carry the secret to fetch');
  const memory = Buffer.from(instance.exports.memory.buffer);
  assert.equal(memory.indexOf(SECRET), -1, 'the secret is still in wasm memory');
  assert.equal(memory.indexOf(encodeURIComponent(SECRET)), -1, 'the form-encoded secret is still in wasm memory');
});
