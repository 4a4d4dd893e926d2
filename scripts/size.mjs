// Prints the size of what `make pkg` built: raw and gzipped wasm and JS glue, per target.
//
//   node scripts/size.mjs           the table (make pkg)
//   node scripts/size.mjs --check   the table, then fails if the gzipped wasm is over budget
//                                   (make test-size, part of make test)
//
// The budget is the size the module has (README "Performance") plus a small margin, so a
// change that grows it notably fails here and has to lower or raise the budget on purpose.
import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

export const WASM_GZIP_BUDGET_KB = 178;

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;
const rows = [];
for (const dir of ['pkg/web', 'pkg/node']) {
  for (const f of readdirSync(dir).filter((f) => /\.(wasm|js)$/.test(f))) {
    const bytes = readFileSync(`${dir}/${f}`);
    rows.push([`${dir}/${f}`, kb(bytes.length), kb(gz(bytes))]);
  }
}
for (const f of ['pkg/lib/api.mjs', 'pkg/lib/client.mjs', 'pkg/lib/web.mjs']) {
  const bytes = readFileSync(f);
  rows.push([f, kb(bytes.length), kb(gz(bytes))]);
}
console.log('kjb package size       raw        gzip -9');
for (const [f, raw, gzipped] of rows) console.log(`  ${f.padEnd(24)} ${raw.padStart(9)}  ${gzipped.padStart(9)}`);

if (process.argv.includes('--check')) {
  const wasm = gz(readFileSync('pkg/web/kjb_bg.wasm'));
  if (wasm > WASM_GZIP_BUDGET_KB * 1024) {
    console.error(
      `size budget: pkg/web/kjb_bg.wasm is ${kb(wasm)} gzipped, over the budget of ${WASM_GZIP_BUDGET_KB} KB (scripts/size.mjs).`,
    );
    console.error('Find what grew with twiggy (README "Performance"); raise the budget only on purpose.');
    process.exit(1);
  }
  console.log(`size budget: wasm ${kb(wasm)} gzipped, within ${WASM_GZIP_BUDGET_KB} KB`);
}
