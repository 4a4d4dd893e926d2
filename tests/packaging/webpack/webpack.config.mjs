// All the webpack 5 config kjb needs is none: webpack resolves 'kjb' to its web build (the
// "browser"/"default" export) and turns the package's `new URL('kjb_bg.wasm', import.meta.url)`
// into an emitted asset. No experiments.asyncWebAssembly, no loader, no copy plugin.
import { fileURLToPath } from 'node:url';

export default {
  mode: 'production',
  context: fileURLToPath(new URL('.', import.meta.url)),
  entry: './main.js',
  output: { path: fileURLToPath(new URL('dist', import.meta.url)), clean: true },
  // Optional: the .wasm is over webpack's 244 KiB size hint; this keeps the build free of it.
  performance: { assetFilter: (file) => !file.endsWith('.wasm') },
};
