// Deno row with an `npm:` specifier, resolved from the installed node_modules (deno-npm.json).
import { readFileSync } from 'node:fs';
import * as kjb from 'npm:kjb';
import { contract } from './contract.mjs';

const ctx = JSON.parse(readFileSync(process.argv[2], 'utf8'));
console.log(JSON.stringify(await contract(kjb, ctx)));
