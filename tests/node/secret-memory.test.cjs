// The app secret crosses into wasm memory with every signing call. Once the call is over it
// must not be left there for a later heap dump or a memory-reading bug to find: the staging
// buffer is wiped after each small call, the core zeroizes its own copies and its HMAC key
// block, and the stack a secret-carrying call used is zeroed after it.
//
// wasm's stack is linear memory too (Rust keeps it below the data and the heap, growing down
// from the initial `__stack_pointer`). Which values the optimiser spills there depends on the
// build, so this test scans the stack region and the heap separately, and `make
// test-secret-memory OPT=s` (or z, or 3) runs it on a build with the crate at that opt-level.
const test = require('node:test');
const assert = require('node:assert/strict');

// Catch the module bytes and the instance the glue makes (before kjb is first required).
const { Module, Instance } = WebAssembly;
let instance;
let moduleBytes;
// biome-ignore lint/complexity/useArrowFunction: wasm glue calls it with `new`, which an arrow function refuses
WebAssembly.Module = function (bytes) {
  moduleBytes = Buffer.from(bytes);
  return new Module(bytes);
};
// biome-ignore lint/complexity/useArrowFunction: wasm glue calls it with `new`, which an arrow function refuses
WebAssembly.Instance = function (module, imports) {
  instance = new Instance(module, imports);
  return instance;
};
const kjb = require('kjb');
WebAssembly.Module = Module;
WebAssembly.Instance = Instance;

// What src/wasm.rs zeroes below a secret-carrying export (CALL_SCRUB_WORDS × 8 bytes).
const CALL_SCRUB_BYTES = 1024 * 8;

/** A reader of the module's sections: `[id, start, end]` of each. */
function sections(bytes) {
  const out = [];
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at++];
    const [size, next] = leb(bytes, at);
    out.push([id, next, next + size]);
    at = next + size;
  }
  return out;
}

/** An unsigned or signed LEB128 number at `at`: [value, the byte after it]. */
function leb(bytes, at, signed = false) {
  let v = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[at++];
    v |= (b & 0x7f) << shift;
    shift += 7;
    if (!(b & 0x80)) return [signed && shift < 32 && b & 0x40 ? v | (-1 << shift) : v, at];
  }
}

/**
 * Where the stack is: below the initial value of the module's first mutable i32 global
 * (`__stack_pointer`), and nothing but the stack, as the data segments start at or above it.
 */
function stackTop(bytes) {
  let top;
  let dataFrom = Infinity;
  for (const [id, start] of sections(bytes)) {
    let at = start;
    let count;
    if (id === 6 && top === undefined) {
      [count, at] = leb(bytes, at);
      for (let i = 0; i < count && top === undefined; i++) {
        const [type, mutable, op] = [bytes[at], bytes[at + 1], bytes[at + 2]];
        if (op !== 0x41) break; // only `i32.const` initialisers are read
        let value;
        [value, at] = leb(bytes, at + 3, true);
        at++; // end
        if (type === 0x7f && mutable === 1) top = value >>> 0;
      }
    }
    if (id === 11) {
      [count, at] = leb(bytes, at);
      for (let i = 0; i < count; i++) {
        let flags;
        [flags, at] = leb(bytes, at);
        if (flags === 2) [, at] = leb(bytes, at); // memory index
        if (flags === 1) break; // a passive segment: no offset, stop reading here
        let offset;
        [offset, at] = leb(bytes, at + 1, true); // i32.const
        at++; // end
        dataFrom = Math.min(dataFrom, offset >>> 0);
        let size;
        [size, at] = leb(bytes, at);
        at += size;
      }
    }
  }
  if (top === undefined) throw new Error('no __stack_pointer global found in the module');
  if (dataFrom < top)
    throw new Error(
      `the data (0x${dataFrom.toString(16)}) starts below the stack top (0x${top.toString(16)}): the stack is not first`,
    );
  return top;
}

const SECRET = 'Zq9-only-in-this-test-Kx7';
const xor = (text, pad) => Buffer.from(Buffer.from(text).map((b) => b ^ pad));
// SHA-1 reads the padded key block as big-endian words: the same bytes, reversed per word.
const wordSwapped = (buf) => {
  const out = Buffer.from(buf.subarray(0, buf.length - (buf.length % 4)));
  return out.swap32();
};
/** Every form in which a secret (or the key block made from it) could be left behind. */
const forms = (secret) => {
  const out = [];
  for (const [name, bytes] of [
    ['the secret', Buffer.from(secret)],
    ['the HMAC inner key block (secret ^ 0x36)', xor(secret, 0x36)],
    ['the HMAC outer key block (secret ^ 0x5c)', xor(secret, 0x5c)],
  ]) {
    out.push([name, bytes], [`${name}, as big-endian words`, wordSwapped(bytes)]);
  }
  return out;
};

/** Where in `[from, to)` of wasm memory each form of `secret` is found. */
function findings(secret, from, to) {
  const memory = Buffer.from(instance.exports.memory.buffer).subarray(from, to);
  const found = [];
  for (const [name, bytes] of forms(secret)) {
    const i = memory.indexOf(bytes);
    if (i !== -1) found.push(`${name} at 0x${(from + i).toString(16)}`);
  }
  return found;
}

const PAINT = 0xa5;
/** Fills the stack (all of it is free between calls) with a pattern a call overwrites. */
function paintStack(top) {
  new Uint8Array(instance.exports.memory.buffer, 0, top).fill(PAINT);
}
/** The lowest address in `[0, top)` that is not the paint: how deep the stack was used since. */
function deepestUsed(top) {
  const stack = new Uint8Array(instance.exports.memory.buffer, 0, top);
  for (let i = 0; i < top; i++) if (stack[i] !== PAINT) return i;
  return top;
}

const request = {
  api: 'alibaba.crossBorderPay.url.get',
  appKey: '1234567',
  accessToken: 'tok',
  params: { orderIdList: ['3535260697417660107'] },
};
const message = '{"msgId":1,"type":"ORDER_BATCH_PAY","data":{}}';

/** Every call that takes the secret, succeeding and refused. */
function secretCalls(secret) {
  kjb.signRequest({ ...request, appSecret: secret });
  const signature = kjb.signature({ appSecret: secret, urlPath: '', params: { message } });
  kjb.verifyPush({ appSecret: secret, body: new URLSearchParams({ message, _aop_signature: signature }).toString() });
  assert.throws(() => kjb.verifyPush({ appSecret: secret, body: 'message=%7B%7D&_aop_signature=00' }), kjb.KjbError);
  assert.throws(() => kjb.signRequest({ ...request, appSecret: secret, api: 'no.such.api' }), kjb.KjbError);
  const signer = new kjb.Signer({ appKey: '1234567', appSecret: secret });
  signer.sign(request);
  signer.verifyPush(new URLSearchParams({ message, _aop_signature: signature }).toString());
  assert.throws(() => signer.sign({ ...request, api: 'no.such.api' }), kjb.KjbError);
  signer.free();
  // The legacy signed authorisation URL.
  kjb.authorizeUrl({
    appKey: '1234567',
    redirectUri: 'https://erp.example.com/callback',
    state: 's',
    appSecret: secret,
  });
  // A secret longer than SHA-1's block is hashed into the key block first.
  kjb.signature({ appSecret: secret.repeat(4), urlPath: '', params: { message } });
}

test('the stack: secret-carrying calls leave no secret or key block there, and stay within the scrub', (t) => {
  assert.ok(instance && moduleBytes, 'the wasm module and instance were caught');
  const top = stackTop(moduleBytes);
  paintStack(top);
  secretCalls(SECRET);
  assert.deepEqual(findings(SECRET, 0, top), [], `left on the stack (below 0x${top.toString(16)})`);
  assert.deepEqual(findings(SECRET.repeat(4), 0, top), [], 'the long secret, left on the stack');
  // The deepest bytes written are the scrub's own: had a call gone deeper, what it wrote there
  // would outlive it (then raise CALL_SCRUB_WORDS in src/wasm.rs and here). The binding's
  // frames above the scrub take a few hundred bytes.
  const deepest = deepestUsed(top);
  t.diagnostic(`secret-carrying calls and their scrub wrote the stack down to ${top - deepest} bytes below its top`);
  assert.ok(
    deepest >= top - CALL_SCRUB_BYTES - 1024,
    `a secret-carrying call used the stack down to 0x${deepest.toString(16)}, below the ${CALL_SCRUB_BYTES} bytes scrubbed under 0x${top.toString(16)}`,
  );
  // The scan looks where calls run: a call without a scrub leaves its traces there.
  paintStack(top);
  kjb.buildRequest({
    api: 'a.b',
    namespace: 'n',
    version: '1',
    appKey: '1234567',
    accessToken: 'tok',
    params: { remark: 'probe-Kx7' },
  });
  const used = top - deepestUsed(top);
  t.diagnostic(`buildRequest (signRequest without the signing) used ${used} bytes of stack`);
  assert.ok(used > 0 && used < CALL_SCRUB_BYTES, `buildRequest used ${used} bytes of stack`);
});

test('the heap and everywhere else: no copy of the app secret after signing, verifying or a refused call', () => {
  secretCalls(SECRET);
  // A big, mostly Chinese request outgrows the staging buffer's first guess, with the secret
  // already written; live Signers around it keep the allocator from growing it in place.
  const keep = [];
  for (let i = 0; i < 20; i++) {
    kjb.quoteFee({ amount: '1', history: Array(2000).fill('1') });
    keep.push(new kjb.Signer({ appKey: '1', appSecret: 'x'.repeat(1000 + i * 500) }));
  }
  kjb.signRequest({
    api: 'a.b',
    namespace: 'n',
    version: '1',
    appKey: '1234567',
    accessToken: 'tok',
    appSecret: SECRET,
    params: { remark: '中'.repeat(20000) },
  });
  // A secret with escapes is decoded by kjb itself, leaving no copy behind.
  const escaped = `${SECRET}"q\\q\tq`;
  kjb.signature({ appSecret: escaped, urlPath: '', params: { a: 'b' } });
  for (const s of keep) s.free();
  // So does one refused for the whitespace it ends with, once decoded: last, so that nothing
  // allocated after it covers what it left, and after a prefix that the allocator's free-list
  // links may overwrite in a freed block.
  const refused = `free-list links may overwrite this prefix ${SECRET}"q\n`;
  assert.throws(() => kjb.signature({ appSecret: refused, urlPath: '', params: { a: 'b' } }), kjb.KjbError);
  const top = stackTop(moduleBytes);
  const end = instance.exports.memory.buffer.byteLength;
  assert.deepEqual(findings(SECRET, 0, top), [], 'left on the stack');
  assert.deepEqual(findings(SECRET, top, end), [], 'left in the data or the heap');
  // The check itself can see: what a call leaves behind is found.
  const probe = 'probe-text-Kx7-left-behind';
  assert.throws(() => kjb.quoteFee({ amount: '1', [probe]: 1 }), kjb.KjbError);
  assert.notEqual(
    Buffer.from(instance.exports.memory.buffer).indexOf(probe),
    -1,
    'an error message naming the key stays in memory: the scan works',
  );
});

test('the OAuth token requests, which carry the secret in their body, leave no copy of it in wasm memory', async () => {
  const bodies = [];
  const answer =
    '{"aliId":"1","resource_owner":"r","memberId":"m","expires_in":"36000","access_token":"new-access","refresh_token":"new-refresh","refresh_token_timeout":"20270527183000+0800"}';
  const fetch = async (_url, init) => {
    bodies.push(init.body);
    return { status: 200, text: async () => answer };
  };
  const client = new kjb.KjbClient({
    appKey: '1234567',
    appSecret: SECRET,
    token: { accessToken: 'old', refreshToken: 'old-refresh' },
    fetch,
    baseUrl: 'https://gw.example.invalid',
    qps: 1000,
  });
  await client.exchangeCode({ code: 'the-code', redirectUri: 'https://erp.example.com/cb' });
  await client.refreshToken();
  await client.postponeToken();
  // A refused request (bad input) after the secret was staged once more.
  await assert.rejects(client.exchangeCode({ code: '', redirectUri: 'https://erp.example.com/cb' }), kjb.KjbError);
  client.free();
  assert.equal(bodies.length, 3);
  for (const b of bodies)
    assert.equal(new URLSearchParams(b).get('client_secret'), SECRET, 'the body did carry the secret to fetch');
  const memory = Buffer.from(instance.exports.memory.buffer);
  assert.equal(memory.indexOf(SECRET), -1, 'the secret is still in wasm memory');
  assert.equal(memory.indexOf(encodeURIComponent(SECRET)), -1, 'the form-encoded secret is still in wasm memory');
});
