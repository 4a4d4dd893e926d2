// Prints the size of what `make pkg` built: raw and gzipped wasm and JS glue, per target.
import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const rows = [];
for (const dir of ['pkg/web', 'pkg/node']) {
  for (const f of readdirSync(dir).filter((f) => /\.(wasm|js)$/.test(f))) {
    const bytes = readFileSync(`${dir}/${f}`);
    rows.push([`${dir}/${f}`, kb(bytes.length), kb(gzipSync(bytes, { level: 9 }).length)]);
  }
}
for (const f of ['pkg/lib/api.mjs', 'pkg/lib/client.mjs', 'pkg/lib/web.mjs']) {
  const bytes = readFileSync(f);
  rows.push([f, kb(bytes.length), kb(gzipSync(bytes, { level: 9 }).length)]);
}
console.log('kjb package size       raw        gzip -9');
for (const [f, raw, gz] of rows) console.log(`  ${f.padEnd(24)} ${raw.padStart(9)}  ${gz.padStart(9)}`);
