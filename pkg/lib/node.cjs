'use strict';
// Node entry (CommonJS): the wasm is compiled and instantiated synchronously on require, so
// kjb is ready at once; init()/initSync() exist for code shared with browsers.
const shared = require('./api.cjs');
const { makeClient } = require('./client.cjs');

const GLUE = require.resolve('../node/kjb.js');
let raw = require(GLUE);
let generation = 0;

const api = shared.makeApi({
  raw: () => raw,
  ready: () => true,
  generation: () => generation,
  // After a wasm trap: drop the glue from the module cache and load it again, which compiles
  // and instantiates a fresh module; the trapped instance is left to the garbage collector.
  recover() {
    delete require.cache[GLUE];
    raw = require(GLUE);
    generation += 1;
    return true;
  },
});
const KjbClient = makeClient({ ...api, internal: api.internal, KjbError: shared.KjbError });

/** Already initialised in Node: resolves at once. */
async function init() {}
/** Already initialised in Node: a no-op. */
function initSync() {}

module.exports = { ...api, KjbClient, KjbError: shared.KjbError, init, initSync, default: init };
