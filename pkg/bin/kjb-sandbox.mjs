#!/usr/bin/env node
// `kjb-sandbox`: a local 1688 gateway, cashier and push sender (see ../sandbox/index.mjs).
import { main } from '../sandbox/index.mjs';

main(process.argv.slice(2)).catch((e) => {
  process.stderr.write(`kjb-sandbox: ${e && e.message ? e.message : e}\n`);
  process.exit(2);
});
