// Cloudflare Workers (workerd) entry, chosen by the "workerd" export condition. Workers cannot
// fetch or compile wasm at run time; they import it as a module (a compiled WebAssembly.Module),
// so kjb instantiates it here, synchronously, and is ready on import: no init() call.
// It sits at the package root on purpose: its relative imports then resolve the same whether a
// bundler (wrangler) reads it from here or a workerd config lists it as the module named "kjb".
import wasm from './web/kjb_bg.wasm';
import { initSync } from './lib/web.mjs';

initSync(wasm);

export * from './lib/web.mjs';
export { default } from './lib/web.mjs';
