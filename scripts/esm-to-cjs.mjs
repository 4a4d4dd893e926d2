// Derives a CommonJS copy of an import-free ESM file written as top-level
// `export function|class|const NAME` declarations (pkg/lib/api.mjs): Node's `require()` of
// the package then shares the code without a bundler. Anything else in the file is an error.
import { readFileSync, writeFileSync } from 'node:fs';

const [src, dst] = process.argv.slice(2);
const text = readFileSync(src, 'utf8');
if (/^\s*import\s/m.test(text) || /^export\s+(default|\{|\*)/m.test(text)) {
  console.error(`${src}: only "export function|class|const NAME" is supported`);
  process.exit(1);
}
const names = [];
const body = text.replace(/^export\s+(async\s+function|function|class|const|let)\s+([A-Za-z_$][\w$]*)/gm, (_m, kind, name) => {
  names.push(name);
  return `${kind} ${name}`;
});
writeFileSync(dst, `'use strict';\n// Generated from ${src.split('/').pop()} by scripts/esm-to-cjs.mjs: edit that file.\n${body}\nmodule.exports = { ${names.join(', ')} };\n`);
