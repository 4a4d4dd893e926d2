// `make test-types`: the shipped types (pkg/index.d.ts) against what kjb really takes and gives.
//
// Every sample and fixture input the project runs (tests/packaging/inputs.json,
// tests/node/samples, the benchmark's generated inputs) is written into a
// TypeScript file as an object literal typed with the function's input type, next to the built
// package's answer to it (run through the `kjb` command, which keeps 19-digit number ids exact)
// typed with the output type, or its error typed as a KjbError. The TypeScript examples of
// docs/api.md are checked as they are. Then `tsc --noEmit` in strict mode: an object literal may
// have no key its type lacks, so a field added, renamed or dropped on either side of the types —
// in the Rust core or in a fixture — fails here.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(REPO, 'target', 'types-check');
const CLI = join(REPO, 'pkg', 'bin', 'kjb.cjs');
const TSC = join(REPO, 'node_modules', '.bin', 'tsc');

/** What each `kjb` command takes and gives, as type expressions over the package's exports. */
const COMMANDS = {
  fee: { input: 'QuoteFeeInput', output: () => 'FeeQuote' },
  schedule: { input: null, output: () => 'FeeSchedule' },
  check: { input: 'CheckOrdersInput', output: () => 'ReturnType<typeof checkOrders>' },
  plan: { input: 'PlanPaymentInput', output: () => 'PaymentPlan' },
  build: { input: 'RequestInput', output: () => 'UnsignedRequest' },
  sign: { input: 'SignRequestInput', output: () => 'SignedRequest' },
  'verify-push': { input: 'Parameters<typeof verifyPush>[0]', output: () => 'PushMessage' },
  // Its input is 1688's own answer text (or `{answer, suppliers}`), which kjb does not type.
  import: { input: null, output: () => 'ReturnType<typeof ordersFrom1688>' },
  // The overload of parseResponse for this `api` decides the answer's type.
  parse: { input: 'Parameters<typeof parseResponse>[0]', output: (input) => `ReturnType<typeof parseAs${api(input)}>` },
};
const apis = new Map();
function api(input) {
  const name = input && typeof input.api === 'string' ? input.api : '';
  if (!apis.has(name)) apis.set(name, apis.size);
  return apis.get(name);
}

const cases = [];
/**
 * One case: `text` (JSON) is the input of `kjb <command>`. `typed: false` when the input is
 * the command's own extension (a JSON body for parse) or not JSON at all; `expect` 'ok'|'error'.
 */
function add(source, command, text, { typed = true, expect = 'ok' } = {}) {
  cases.push({ source, command, text, typed, expect });
}

// tests/packaging/inputs.json: what every consumer project runs.
const packaging = JSON.parse(readFileSync(join(REPO, 'tests/packaging/inputs.json'), 'utf8'));
add('tests/packaging/inputs.json quote', 'fee', JSON.stringify(packaging.quote));
add('tests/packaging/inputs.json plan', 'plan', JSON.stringify(packaging.plan));
add('tests/packaging/inputs.json request', 'build', JSON.stringify(packaging.request));

// tests/node/samples: the CLI tests' inputs. The name says the command; bad-* fail on purpose.
const SAMPLE_COMMANDS = {
  'bad-amount': 'fee',
  'bad-json': 'fee',
  'bad-order': 'check',
  'parse-error': 'parse',
  'parse-object': 'parse',
  'import-buyerView': 'import',
};
for (const file of readdirSync(join(REPO, 'tests/node/samples')).sort()) {
  if (!file.endsWith('.json')) continue;
  const name = file.replace(/\.json$/, '');
  const command = SAMPLE_COMMANDS[name] ?? name;
  if (!COMMANDS[command])
    throw new Error(`tests/node/samples/${file}: which kjb command takes it? (add it to SAMPLE_COMMANDS)`);
  const text = readFileSync(join(REPO, 'tests/node/samples', file), 'utf8');
  const expect = name.startsWith('bad-') || name.endsWith('-error') ? 'error' : 'ok';
  add(`tests/node/samples/${file}`, command, text, { typed: name !== 'bad-json' && name !== 'parse-object', expect });
}

// The benchmark's generated inputs (bench/gen.mjs), at a small size.
const gen = await import(join(REPO, 'bench/gen.mjs'));
for (const name of ['makeOrders', 'planInput', 'signInput', 'quoteInput']) {
  if (typeof gen[name] !== 'function')
    throw new Error(`bench/gen.mjs no longer exports ${name}(): update scripts/check-types.mjs`);
}
add('bench/gen.mjs planInput(60)', 'plan', JSON.stringify({ ...gen.planInput(60), orders: gen.makeOrders(60) }));
add('bench/gen.mjs signInput()', 'sign', JSON.stringify(gen.signInput()));
add('bench/gen.mjs quoteInput()', 'fee', JSON.stringify(gen.quoteInput()));
add('feeSchedule()', 'schedule', null);

// Shapes no file above has: a payWay answer (1688's documented fields), a request to a sandbox.
const payWayBody = {
  resultList: {
    orderId: '3535260697417660107',
    payFee: 100028,
    timeout: '2026-11-28 09:44:24',
    channels: [
      { code: 16, name: '跨境宝' },
      { code: 1, name: '支付宝' },
    ],
  },
};
add(
  'payWay.query answer',
  'parse',
  JSON.stringify({ api: 'alibaba.trade.payWay.query', status: 200, body: JSON.stringify(payWayBody) }),
);
add(
  'buildRequest to a sandbox',
  'build',
  JSON.stringify({
    api: 'alibaba.trade.get.buyerView',
    appKey: '1234567',
    accessToken: 'tok',
    timestamp: 1700000000000,
    params: { orderId: '3535260697417660107', webSite: '1688' },
    baseUrl: 'http://127.0.0.1:8688',
  }),
);

// ---- run each case through the built package ---------------------------------------------

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });

const lines = [
  "// Generated by scripts/check-types.mjs: sample inputs and kjb's answers, typed with the shipped types.",
  "import type { KjbError } from 'kjb';",
  "import type * as K from 'kjb';",
  "import { checkOrders, ordersFrom1688, parseResponse, verifyPush } from 'kjb';",
  "type ErrorAnswer = Pick<KjbError, 'code' | 'message' | 'path'> & Partial<Pick<KjbError, 'line' | 'column' | 'gatewayCode' | 'gatewayMessage' | 'httpStatus' | 'retryable' | 'requestId'>>;",
  'void checkOrders, ordersFrom1688, verifyPush;',
];
const qualify = (t) =>
  t.replace(
    /\b(QuoteFeeInput|FeeQuote|FeeSchedule|CheckOrdersInput|PlanPaymentInput|PaymentPlan|RequestInput|UnsignedRequest|SignRequestInput|SignedRequest|PushMessage)\b/g,
    'K.$1',
  );

cases.forEach((c, n) => {
  const where = `case ${n}: ${c.source} (kjb ${c.command})`;
  const args = c.text === null ? [CLI, c.command] : [CLI, c.command, '-'];
  const run = spawnSync(process.execPath, args, { input: c.text ?? '', encoding: 'utf8' });
  const input = c.text === null ? null : safeParse(c.text);
  const spec = COMMANDS[c.command];
  lines.push(`// ${where}`);
  if (c.typed && spec.input && input !== undefined)
    lines.push(`export const in${n}: ${qualify(spec.input)} = ${literal(input)};`);
  if (c.expect === 'ok') {
    if (run.status !== 0) fail(`${where}: expected an answer, got exit ${run.status}: ${run.stderr}`);
    lines.push(`export const out${n}: ${qualify(spec.output(input))} = ${literal(JSON.parse(run.stdout))};`);
  } else {
    if (run.status !== 2)
      fail(`${where}: expected a refusal (exit 2), got exit ${run.status}: ${run.stdout}${run.stderr}`);
    lines.push(`export const err${n}: ErrorAnswer = ${literal(JSON.parse(run.stderr).error)};`);
  }
});
for (const [name, n] of apis) {
  lines.push(`const parseAs${n} = () => parseResponse({ api: ${JSON.stringify(name)}, status: 200, body: '' });`);
  lines.push(`void parseAs${n};`);
}
writeFileSync(join(OUT, 'samples.ts'), `${lines.join('\n')}\n`);

// ---- docs/api.md's TypeScript examples ----------------------------------------------------

const doc = readFileSync(join(REPO, 'docs/api.md'), 'utf8');
const examples = [...doc.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
if (examples.length === 0) fail('docs/api.md has no ```ts examples to check');
const files = ['samples.ts'];
examples.forEach((code, i) => {
  const file = `api-md-example-${i + 1}.ts`;
  writeFileSync(join(OUT, file), `// docs/api.md, TypeScript example ${i + 1}\n${code}export {};\n`);
  files.push(file);
});

// ---- tsc --------------------------------------------------------------------------------

writeFileSync(
  join(OUT, 'tsconfig.json'),
  JSON.stringify(
    {
      compilerOptions: {
        strict: true,
        exactOptionalPropertyTypes: true,
        noEmit: true,
        module: 'esnext',
        moduleResolution: 'bundler',
        target: 'es2022',
        lib: ['es2022', 'dom'],
        types: [],
        skipLibCheck: false,
        paths: { kjb: [join(REPO, 'pkg', 'index.d.ts')] },
      },
      files,
    },
    null,
    2,
  ),
);
try {
  execFileSync(TSC, ['-p', join(OUT, 'tsconfig.json')], { cwd: OUT, encoding: 'utf8', stdio: 'pipe' });
} catch (e) {
  process.stdout.write(`${e.stdout ?? ''}${e.stderr ?? ''}`);
  fail(`the shipped types (pkg/index.d.ts) do not describe the inputs and answers above: see ${OUT}`);
}
console.log(
  `test-types: ${cases.length} sample inputs with kjb's answers and ${examples.length} docs/api.md examples type-check against pkg/index.d.ts`,
);

function safeParse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A JSON value as a TypeScript literal (JSON is one; big integers only lose digits, not type). */
function literal(value) {
  return JSON.stringify(value, null, 1);
}

function fail(message) {
  console.error(`test-types: ${message}`);
  process.exit(1);
}
