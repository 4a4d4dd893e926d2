// `make bench`: kjb (the built package, pkg/lib/node.cjs) against the plain-JS reference
// (bench/reference.mjs), in one process, alternating kjb and reference sample by sample so
// both see the same machine state; medians per call, and the ratio reference / kjb (above 1:
// kjb is faster). Prints a table and writes bench/results/latest.json.
//
//   node --expose-gc bench/run.mjs            the full run (~2 minutes)
//   node --expose-gc bench/run.mjs --quick    fewer samples, no 100,000-order rows
//
// Start-up (compile + instantiate, import to first call) and memory are measured in fresh
// child processes, where nothing is warm or cached.
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import * as ref from './reference.mjs';
import { makeOrders, planInput, signInput, quoteInput, PUSH_MESSAGE, SECRET } from './gen.mjs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const PKG = process.env.KJB_PKG ?? here('../pkg');
const require = createRequire(import.meta.url);
const kjb = require(`${PKG}/lib/node.cjs`);
const QUICK = process.argv.includes('--quick');
const gc = globalThis.gc ?? (() => {});

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Milliseconds per call of `fn`, `inner` calls per sample. */
function sample(fn, inner) {
  gc();
  const t = performance.now();
  for (let i = 0; i < inner; i++) fn();
  return (performance.now() - t) / inner;
}

/**
 * Times the contenders alternately: sample k of each runs before sample k+1 of any. Two warm-up
 * rounds are not counted. Returns the median ms per call of each.
 */
function race(contenders, { samples, inner = 1 }) {
  const times = contenders.map(() => []);
  for (let round = -2; round < samples; round++) {
    contenders.forEach(([, fn], i) => {
      const ms = sample(fn, inner);
      if (round >= 0) times[i].push(ms);
    });
  }
  return Object.fromEntries(contenders.map(([name], i) => [name, median(times[i])]));
}

const rows = [];
function row(name, t, extra = {}) {
  const r = { name, kjbMs: t.kjb, referenceMs: t.reference, ratio: t.reference / t.kjb, ...extra };
  for (const [k, v] of Object.entries(t)) if (!['kjb', 'reference'].includes(k)) r[`${k}Ms`] = v;
  rows.push(r);
  const more = Object.entries(t)
    .filter(([k]) => !['kjb', 'reference'].includes(k))
    .map(([k, v]) => `${k} ${fmt(v)} (kjb ${(v / t.kjb).toFixed(2)}×)`)
    .join(', ');
  console.log(
    `${name.padEnd(46)} ${fmt(t.kjb).padStart(11)} ${fmt(t.reference).padStart(11)} ${`${r.ratio.toFixed(2)}×`.padStart(8)}  ${more}`,
  );
}
const fmt = (ms) => (ms >= 1 ? `${ms.toFixed(2)} ms` : `${(ms * 1000).toFixed(2)} µs`);

console.log(
  `kjb ${PKG} — Node ${process.version}, ${os.cpus()[0].model} × ${os.cpus().length}, load average ${os.loadavg()[0].toFixed(2)}`,
);
console.log(
  `${'benchmark (median per call)'.padEnd(46)} ${'kjb'.padStart(11)} ${'JS ref'.padStart(11)} ${'ref/kjb'.padStart(8)}`,
);

// ---- small calls (first, while the heap and the wasm memory are small, as in most apps) --------

const small = { samples: QUICK ? 7 : 21, inner: 2000 };
const sign = signInput();
row(
  'signRequest (10-id crossBorderPay.url.get)',
  race(
    [
      ['kjb', () => kjb.signRequest(sign)],
      ['reference', () => ref.signRequest(sign)],
    ],
    small,
  ),
);
const quote = quoteInput();
row(
  'quoteFee (12 months of history)',
  race(
    [
      ['kjb', () => kjb.quoteFee(quote)],
      ['reference', () => ref.quoteFee(quote)],
    ],
    small,
  ),
);
const signature = kjb.signature({ appSecret: SECRET, urlPath: '', params: { message: PUSH_MESSAGE } });
const push = {
  appSecret: SECRET,
  body: new URLSearchParams([
    ['message', PUSH_MESSAGE],
    ['_aop_signature', signature],
  ]).toString(),
};
row(
  'verifyPush (ORDER_BATCH_PAY)',
  race(
    [
      ['kjb', () => kjb.verifyPush(push)],
      ['reference', () => ref.verifyPush(push)],
    ],
    small,
  ),
);

// ---- planPayment and checkOrders -------------------------------------------------------------

const sizes = QUICK ? [1000, 10000] : [1000, 10000, 100000];
const samplesFor = (n) => (QUICK ? 5 : n >= 100000 ? 5 : n >= 10000 ? 15 : 41);
for (const n of sizes) {
  const orders = makeOrders(n);
  const text = JSON.stringify(orders);
  const input = planInput(n);
  const withObjects = { ...input, orders };
  const withText = { ...input, orders: text };
  const extra = { orders: n, inputBytes: Buffer.byteLength(text) };
  // The JSON text as kjb takes it; the reference gets the same orders as ready-made objects, and
  // V8's JSON.parse of the same text is the floor of any JS implementation that starts from it.
  row(
    `planPayment ${n.toLocaleString('en')} orders, JSON text`,
    race(
      [
        ['kjb', () => kjb.planPayment(withText)],
        ['reference', () => ref.planPayment(withObjects)],
        ['JSON.parse', () => JSON.parse(text)],
      ],
      { samples: samplesFor(n) },
    ),
    extra,
  );
  row(
    `planPayment ${n.toLocaleString('en')} orders, objects`,
    race(
      [
        ['kjb', () => kjb.planPayment(withObjects)],
        ['reference', () => ref.planPayment(withObjects)],
      ],
      { samples: samplesFor(n) },
    ),
    extra,
  );
  if (n === 10000) {
    row(
      `checkOrders ${n.toLocaleString('en')} orders, objects`,
      race(
        [
          ['kjb', () => kjb.checkOrders(withObjects)],
          ['reference', () => ref.checkOrders(withObjects)],
        ],
        { samples: samplesFor(n) },
      ),
      extra,
    );
  }
}

// ---- start-up, in fresh processes -------------------------------------------------------------

function child(script) {
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
}
const runs = QUICK ? 5 : 15;
const wasmPath = `${PKG}/node/kjb_bg.wasm`;
const compileScript = `
  import { readFileSync } from 'node:fs';
  const bytes = readFileSync(${JSON.stringify(wasmPath)});
  const t0 = performance.now();
  const module = new WebAssembly.Module(bytes);
  const t1 = performance.now();
  // The glue's imports, as stubs: instantiation only links them.
  const imports = {};
  for (const { module: m, name } of WebAssembly.Module.imports(module)) (imports[m] ??= {})[name] = () => {};
  const t2 = performance.now();
  new WebAssembly.Instance(module, imports);
  const t3 = performance.now();
  console.log(JSON.stringify({ compile: t1 - t0, instantiate: t3 - t2 }));`;
const firstCall = (load, call) => `
  import { createRequire } from 'node:module';
  const require = createRequire(${JSON.stringify(here('./'))});
  const t0 = performance.now();
  ${load}
  const out = ${call};
  console.log(JSON.stringify({ ms: performance.now() - t0, fee: out.fee }));`;
const kjbFirst = firstCall(
  `const m = require(${JSON.stringify(`${PKG}/lib/node.cjs`)});`,
  `m.quoteFee({ amount: '10.00', history: ['150000'] })`,
);
const refFirst = firstCall(
  `const m = await import(${JSON.stringify(here('./reference.mjs'))});`,
  `m.quoteFee({ amount: '10.00', history: ['150000'] })`,
);
const compile = [];
const first = { kjb: [], reference: [] };
for (let i = 0; i < runs; i++) {
  compile.push(child(compileScript));
  first.kjb.push(child(kjbFirst).ms);
  first.reference.push(child(refFirst).ms);
}
const compileMs = median(compile.map((c) => c.compile + c.instantiate));
rows.push({
  name: 'wasm compile + instantiate (fresh process)',
  kjbMs: compileMs,
  compileMs: median(compile.map((c) => c.compile)),
  instantiateMs: median(compile.map((c) => c.instantiate)),
});
console.log(
  `${'wasm compile + instantiate (fresh process)'.padEnd(46)} ${fmt(compileMs).padStart(11)} ${'—'.padStart(11)}`,
);
row('import to first quoteFee (fresh process)', { kjb: median(first.kjb), reference: median(first.reference) });

// ---- memory -----------------------------------------------------------------------------------

// Wasm memory only grows: its size after planning 100,000 orders (given as a JSON text) is the
// peak the call needed. The glue's WebAssembly.Instance is captured to read it.
const memN = QUICK ? 10000 : 100000;
const memory = child(`
  import { createRequire } from 'node:module';
  import { makeOrders, planInput } from ${JSON.stringify(here('./gen.mjs'))};
  const Instance = WebAssembly.Instance;
  let instance;
  WebAssembly.Instance = function (m, i) { instance = new Instance(m, i); return instance; };
  const require = createRequire(${JSON.stringify(here('./'))});
  const kjb = require(${JSON.stringify(`${PKG}/lib/node.cjs`)});
  WebAssembly.Instance = Instance;
  const text = JSON.stringify(makeOrders(${memN}));
  const before = instance.exports.memory.buffer.byteLength;
  kjb.planPayment({ ...planInput(${memN}), orders: text });
  const after = instance.exports.memory.buffer.byteLength;
  console.log(JSON.stringify({ orders: ${memN}, inputBytes: Buffer.byteLength(text), before, after }));`);
memory.growth = memory.after - memory.before;
memory.growthPerInputByte = memory.growth / memory.inputBytes;
console.log(
  `wasm memory, planning ${memN.toLocaleString('en')} orders (${(memory.inputBytes / 2 ** 20).toFixed(1)} MiB of JSON): ${(memory.before / 2 ** 20).toFixed(1)} → ${(memory.after / 2 ** 20).toFixed(1)} MiB, growth ${memory.growthPerInputByte.toFixed(2)}× the input`,
);

// ---- sizes and targets --------------------------------------------------------------------------

const gz = (p) => gzipSync(readFileSync(p), { level: 9 }).length;
const size = {
  wasmBytes: readFileSync(wasmPath).length,
  wasmGzipBytes: gz(wasmPath),
  nodeGlueGzipBytes: gz(`${PKG}/node/kjb.js`),
  webGlueGzipBytes: gz(`${PKG}/web/kjb.js`),
};
console.log(
  `wasm ${(size.wasmBytes / 1024).toFixed(1)} KB, ${(size.wasmGzipBytes / 1024).toFixed(1)} KB gzipped; glue ${(size.webGlueGzipBytes / 1024).toFixed(1)} KB gzipped (web)`,
);

const get = (name) => rows.find((r) => r.name === name);
const plan10kText = get('planPayment 10,000 orders, JSON text');
const plan10kObj = get('planPayment 10,000 orders, objects');
// The targets of issue #17 (the README's "Performance" says which are met).
const targets = [
  ['planPayment 10k, JSON text: ≥ 6× the JS reference', plan10kText.ratio, 6, '≥'],
  [
    'planPayment 10k, JSON text: ≤ 0.7× V8 JSON.parse of the text',
    plan10kText.kjbMs / plan10kText['JSON.parseMs'],
    0.7,
    '≤',
  ],
  ['planPayment 10k, objects: ≥ 2× the JS reference', plan10kObj.ratio, 2, '≥'],
  ['signRequest: ≥ 1.0× node:crypto reference', get('signRequest (10-id crossBorderPay.url.get)').ratio, 1, '≥'],
  ['quoteFee: ≥ 2× decimal.js reference', get('quoteFee (12 months of history)').ratio, 2, '≥'],
  ['wasm ≤ 150 KB gzipped (KB)', size.wasmGzipBytes / 1024, 150, '≤'],
  ['compile + instantiate < 5 ms (ms)', compileMs, 5, '≤'],
  [`memory growth ≤ 2× input (${memN.toLocaleString('en')} orders)`, memory.growthPerInputByte, 2, '≤'],
].map(([target, value, limit, op]) => ({ target, value, limit, met: op === '≥' ? value >= limit : value <= limit }));
console.log('\ntargets');
for (const t of targets) console.log(`  ${t.met ? 'met   ' : 'MISSED'} ${t.target.padEnd(58)} ${t.value.toFixed(2)}`);

const machine = {
  loadAverage: os.loadavg(),
  node: process.version,
  v8: process.versions.v8,
  cpu: os.cpus()[0].model,
  cores: os.cpus().length,
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  os: `${os.type()} ${os.release()}`,
  platform: `${process.platform}-${process.arch}`,
};
mkdirSync(here('./results'), { recursive: true });
writeFileSync(
  here('./results/latest.json'),
  `${JSON.stringify({ date: new Date().toISOString(), quick: QUICK, machine, rows, memory, size, targets }, null, 2)}\n`,
);
console.log('\nwritten: bench/results/latest.json');
