// ESM row (Node, Bun, Deno with the deno.json import map): `import … from 'kjb'`, no init().
// Usage: <runtime> main.mjs context.json — prints the contract's answers as JSON.
import { readFileSync } from 'node:fs';
import * as kjb from 'kjb';
import { contract } from './contract.mjs';

const ctx = JSON.parse(readFileSync(process.argv[2], 'utf8'));
console.log(JSON.stringify(await contract(kjb, ctx)));
