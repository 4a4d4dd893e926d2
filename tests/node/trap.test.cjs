// A wasm trap (what a Rust panic becomes) must surface as KjbError INTERNAL and must not
// poison kjb: the Node entry replaces the trapped instance, so the next call works. A real
// trap is raised by patching one export of the installed glue to run `unreachable` in a tiny
// wasm module — the recovery path is what is under test, not how the trap came about.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const kjb = require('kjb');

const glue = path.join(path.dirname(require.resolve('kjb/package.json')), 'node', 'kjb.js');
// (module (func (export "t") unreachable))
const TRAP = new WebAssembly.Instance(
  new WebAssembly.Module(
    new Uint8Array([
      0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 7, 5, 1, 1, 116, 0, 0, 10, 5, 1, 3, 0, 0, 11,
    ]),
  ),
).exports.t;

test('a trap becomes KjbError INTERNAL and the next call runs on a fresh instance', () => {
  const signer = new kjb.Signer({ appKey: '1234567', appSecret: 'TESTSECRET123' });
  const current = require(glue);
  assert.equal(typeof current.quoteFee, 'function', 'the glue kjb uses is the one patched here');
  current.quoteFee = () => TRAP();
  assert.throws(
    () => kjb.quoteFee({ amount: '1' }),
    (e) => {
      assert.ok(e instanceof kjb.KjbError);
      assert.equal(e.code, 'INTERNAL');
      assert.match(e.message, /fresh instance/);
      return true;
    },
  );
  assert.notEqual(require(glue), current, 'the trapped glue was replaced');
  assert.equal(kjb.quoteFee({ amount: '10.00', history: ['150000'] }).fee, '0.02');
  // A Signer from the trapped instance says so; a new one works.
  assert.throws(
    () => signer.sign({ api: 'alibaba.crossBorderPay.url.get', accessToken: 't', params: { orderIdList: ['1'] } }),
    (e) => e.code === 'INTERNAL' && /create a new Signer/.test(e.message),
  );
  const fresh = new kjb.Signer({ appKey: '1234567', appSecret: 'TESTSECRET123' });
  assert.equal(
    fresh.sign({ api: 'alibaba.crossBorderPay.url.get', accessToken: 't', params: { orderIdList: ['1'] } }).signature
      .length,
    40,
  );
});
