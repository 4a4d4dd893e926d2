// Instructions per call of kjb's timed calls, counted by valgrind's callgrind on Node with V8 in
// its deterministic mode (`--predictable`, optimising compiler only: `--no-liftoff`). A timing
// on these shared machines moves ±3–5% between runs of the same build; this count repeats to
// about 0.1% within one run of this script (0.6% for orders as objects, where
// `JSON.stringify` and the garbage collector's work vary), so it can tell two builds apart by
// 1%: compare builds side by side in one run; counts of different sessions differ by ~0.5%. It counts the whole call, JS layer
// included, as the process runs it: it is not a time, and the two are compared only within one
// machine's runs.
//
// Each call is counted as (count of N2 calls − count of N1 calls) / (N2 − N1), which leaves out
// start-up, loading and compiling. Needs valgrind (`apt-get install valgrind`); about a minute
// per call and build.
//
//   node bench/count.mjs [PKG_DIR…]    (default: pkg, after `make pkg`; several: side by side)
//   ONLY=sign node bench/count.mjs …   (the calls whose name contains "sign")
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeOrders, planInput, quoteInput, signInput, PUSH_MESSAGE, SECRET } from './gen.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

/** name → [makeCall(kjb), N1, N2] */
const CASES = {
  quoteFee: [
    (k) => {
      const q = quoteInput();
      return () => k.quoteFee(q);
    },
    1000,
    3000,
  ],
  signRequest: [
    (k) => {
      const s = signInput();
      return () => k.signRequest(s);
    },
    1000,
    3000,
  ],
  verifyPush: [
    (k) => {
      const sig = k.signature({ appSecret: SECRET, urlPath: '', params: { message: PUSH_MESSAGE } });
      const body = new URLSearchParams([
        ['message', PUSH_MESSAGE],
        ['_aop_signature', sig],
      ]).toString();
      const push = { appSecret: SECRET, body };
      return () => k.verifyPush(push);
    },
    500,
    1500,
  ],
  'planPayment 2000 text': [
    (k) => {
      const input = { ...planInput(2000), orders: JSON.stringify(makeOrders(2000)) };
      return () => k.planPayment(input);
    },
    2,
    6,
  ],
  'planPayment 2000 objects': [
    (k) => {
      const input = { ...planInput(2000), orders: makeOrders(2000) };
      return () => k.planPayment(input);
    },
    2,
    6,
  ],
};

if (process.argv[2] === '--run') {
  // The child: N calls of one case.
  const [, , , pkg, name, n] = process.argv;
  const kjb = createRequire(import.meta.url)(path.resolve(pkg, 'lib/node.cjs'));
  const call = CASES[name][0](kjb);
  for (let i = 0; i < Number(n); i++) call();
} else {
  if (spawnSync('valgrind', ['--version']).status !== 0) {
    console.error('bench/count.mjs needs valgrind: apt-get install valgrind');
    process.exit(1);
  }
  const pkgs = process.argv.slice(2);
  if (pkgs.length === 0) pkgs.push(path.join(here, '..', 'pkg'));
  const collected = (pkg, name, n) => {
    const r = spawnSync(
      'valgrind',
      [
        '--tool=callgrind',
        '--smc-check=all-non-file',
        '--callgrind-out-file=/dev/null',
        process.execPath,
        '--predictable',
        '--no-liftoff',
        fileURLToPath(import.meta.url),
        '--run',
        pkg,
        name,
        String(n),
      ],
      { encoding: 'utf8', maxBuffer: 1 << 26 },
    );
    const m = /Collected : (\d+)/.exec(r.stderr ?? '');
    if (r.status !== 0 || !m) {
      throw new Error(`${name} on ${pkg} failed: ${r.error?.message ?? ''}\n${(r.stderr ?? '').slice(-2000)}`);
    }
    return BigInt(m[1]);
  };
  // A package directory by its name, or by its parent's when it is a `pkg` directory.
  const label = (p) => {
    const r = path.resolve(p);
    return path.basename(r) === 'pkg' ? `${path.basename(path.dirname(r))}/pkg` : path.basename(r);
  };
  const names = Object.keys(CASES).filter((n) => !process.env.ONLY || n.includes(process.env.ONLY));
  console.log(`instructions per call (callgrind, node ${process.version} --predictable --no-liftoff)`);
  console.log(
    ['call'.padEnd(26), ...pkgs.map((p, i) => (i === 0 ? label(p) : `${label(p)} (×)`).padStart(22))].join(''),
  );
  for (const name of names) {
    const [, n1, n2] = CASES[name];
    const per = pkgs.map((p) => Number((collected(p, name, n2) - collected(p, name, n1)) / BigInt(n2 - n1)));
    const cells = per.map((v, i) => (i === 0 ? `${v}` : `${v} (${(v / per[0]).toFixed(3)})`).padStart(22));
    console.log([name.padEnd(26), ...cells].join(''));
  }
}
