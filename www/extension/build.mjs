// Copies kjb's web build into vendor/kjb/, in the package's own layout: lib/web.mjs and every
// module it imports (followed through their relative static imports), and web/kjb_bg.wasm,
// which web/kjb.js fetches from beside itself. The committed extension holds no package code:
// run this after `make pkg` (`make extension` does both).
//
//   node www/extension/build.mjs [PACKAGE_DIR] [EXTENSION_DIR]
//
// PACKAGE_DIR: the built package (default: pkg/ of this repo) or an installed node_modules/kjb.
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const pkgDir = resolve(process.argv[2] || join(here, '../../pkg'));
const extDir = resolve(process.argv[3] || here);
const ENTRY = 'lib/web.mjs';
const WASM = 'web/kjb_bg.wasm';

function fail(message) {
  console.error(`build.mjs: ${message}`);
  process.exit(1);
}

// The entry's import graph: only relative specifiers (the web build has no dependencies).
const IMPORT = /(?:^|[;\s])(?:import|export)\s*(?:[\w*{}\s,$]*?\sfrom\s*)?['"](\.{1,2}\/[^'"]+)['"]/g;
const files = new Set();
const queue = [ENTRY];
while (queue.length) {
  const file = queue.shift();
  if (files.has(file)) continue;
  if (!existsSync(join(pkgDir, file))) fail(`${pkgDir} lacks ${file}: build the package first (make pkg)`);
  files.add(file);
  for (const [, spec] of readFileSync(join(pkgDir, file), 'utf8').matchAll(IMPORT)) {
    queue.push(posix.normalize(posix.join(posix.dirname(file), spec)));
  }
}
if (!existsSync(join(pkgDir, WASM))) fail(`${pkgDir} lacks ${WASM}: build the package first (make pkg)`);
files.add(WASM);

const out = join(extDir, 'vendor', 'kjb');
rmSync(out, { recursive: true, force: true });
for (const f of files) {
  mkdirSync(dirname(join(out, f)), { recursive: true });
  copyFileSync(join(pkgDir, f), join(out, f));
}
console.log(`extension: copied ${[...files].join(', ')} from ${pkgDir} into ${out}`);
