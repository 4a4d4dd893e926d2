// CommonJS row (Node, Bun): `require('kjb')`, ready at once.
const { readFileSync } = require('node:fs');
const kjb = require('kjb');

const ctx = JSON.parse(readFileSync(process.argv[2], 'utf8'));
import('./contract.mjs').then(({ contract }) => contract(kjb, ctx)).then((out) => console.log(JSON.stringify(out)));
