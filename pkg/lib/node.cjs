'use strict';
// Node entry (CommonJS): the wasm is compiled and instantiated synchronously on require, so
// kjb is ready at once; init()/initSync() exist for code shared with browsers.
const raw = require('../node/kjb.js');
const shared = require('./api.cjs');
const { makeClient } = require('./client.cjs');

const api = shared.makeApi(raw, () => true);
const KjbClient = makeClient({ ...api, KjbError: shared.KjbError });

/** Already initialised in Node: resolves at once. */
async function init() {}
/** Already initialised in Node: a no-op. */
function initSync() {}

module.exports = { ...api, KjbClient, KjbError: shared.KjbError, init, initSync, default: init };
