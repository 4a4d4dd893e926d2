// `make test-types`: every error code (src/error.rs) and reason code (src/reason.rs) of the core
// is declared in pkg/index.d.ts and documented in docs/api.md, and the types declare no code the
// core lacks. (tests/node/docs.test.mjs checks the installed package the same way; this catches a
// code added to the Rust core but to neither the types nor the docs.)
import { readFileSync } from 'node:fs';

const REPO = new URL('..', import.meta.url);
const read = (file) => readFileSync(new URL(file, REPO), 'utf8');
const JS_ONLY = new Set(['NOT_INITIALIZED', 'ABORTED']); // raised by the JS layer; declared in error.rs too

/** The codes `as_str` of a Rust enum spells out: `Enum::Variant => "CODE"`. */
function rustCodes(file) {
  return [...read(file).matchAll(/::\w+ => "([A-Z0-9_]+)"/g)].map((m) => m[1]);
}

function typeUnion(name) {
  const types = read('pkg/index.d.ts');
  const m = types.match(new RegExp(`export type ${name} =`));
  if (!m) throw new Error(`pkg/index.d.ts has no ${name}`);
  const body = types.slice(m.index, types.indexOf(';', m.index)).replace(/\/\*\*[\s\S]*?\*\//g, '');
  return [...body.matchAll(/'([A-Z0-9_]+)'/g)].map((x) => x[1]);
}

const api = read('docs/api.md');
const problems = [];
for (const [file, type] of [
  ['src/error.rs', 'ErrorCode'],
  ['src/reason.rs', 'ReasonCode'],
]) {
  const core = rustCodes(file);
  const declared = typeUnion(type);
  if (core.length < 10) problems.push(`${file}: found only ${core.length} codes; has as_str changed shape?`);
  for (const code of core) {
    if (!declared.includes(code)) problems.push(`${code} (${file}) is not in ${type} of pkg/index.d.ts`);
    if (!new RegExp(`^\\| \`${code}\` \\|`, 'm').test(api))
      problems.push(`${code} (${file}) has no row in docs/api.md`);
  }
  for (const code of declared) {
    if (!core.includes(code) && !JS_ONLY.has(code))
      problems.push(`${type} in pkg/index.d.ts declares ${code}, which ${file} lacks`);
  }
}
if (problems.length > 0) {
  console.error(`check-codes: the core's codes, the types and docs/api.md disagree:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('check-codes: every core error and reason code is declared and documented');
