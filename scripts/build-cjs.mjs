// The CommonJS copies of the package's ESM files, for Node's `require('kjb')`: esbuild converts
// each file to CJS beside it (`node scripts/build-cjs.mjs pkg/lib/api.mjs pkg/lib/client.mjs`). A relative
// import of another `.mjs` becomes a `require` of its `.cjs` twin, so the CJS files keep one
// module instance each, as the ESM ones do. Any esbuild warning fails the build: `import.meta`
// (empty in CJS), a missing import, or anything else that would give a `.cjs` that is wrong at
// run time instead of at build time.
import { build } from 'esbuild';
import { basename } from 'node:path';

const files = process.argv.slice(2);
if (files.length === 0 || files.some((f) => !f.endsWith('.mjs'))) {
  console.error('usage: node scripts/build-cjs.mjs FILE.mjs... (each FILE.mjs becomes FILE.cjs beside it)');
  process.exit(2);
}

/** `./x.mjs` → external `./x.cjs`: the sibling's own CJS build, not a second copy of its code. */
const siblings = {
  name: 'mjs-siblings-to-cjs',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\/.*\.mjs$/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      return { path: args.path.replace(/\.mjs$/, '.cjs'), external: true };
    });
  },
};

for (const file of files) {
  const result = await build({
    entryPoints: [file],
    outfile: file.replace(/\.mjs$/, '.cjs'),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    plugins: [siblings],
    logLevel: 'silent',
    logOverride: { 'empty-import-meta': 'error' },
    banner: { js: `// Generated from ${basename(file)} by scripts/build-cjs.mjs (esbuild): edit that file.` },
  }).catch((e) => {
    for (const m of e.errors ?? []) console.error(formatMessage(m, 'error'));
    console.error(`build-cjs: ${file} cannot be converted to CommonJS`);
    process.exit(1);
  });
  if (result.warnings.length > 0) {
    for (const m of result.warnings) console.error(formatMessage(m, 'warning'));
    console.error(`build-cjs: ${file}: esbuild warnings are errors here, as the .cjs would misbehave at run time`);
    process.exit(1);
  }
}

function formatMessage(m, kind) {
  const where = m.location ? `${m.location.file}:${m.location.line}:${m.location.column + 1}: ` : '';
  return `${where}${kind}: ${m.text}`;
}
