// The hostile-input cases (hostile-cases.mjs) against the installed package in Node.
import test from 'node:test';
import assert from 'node:assert/strict';
import * as kjb from 'kjb';
import { hostileCases } from './hostile-cases.mjs';

for (const [name, fn] of hostileCases(kjb, assert)) test(name, fn);
