#!/usr/bin/env node
'use strict';
// `kjb`: the library's functions from the command line. Reads one JSON input (a FILE or stdin),
// prints the answer as JSON on stdout. Bad input: exit code 2 and {"error":{code, message, path}}
// on stderr.
//
// The input file is read as text and parsed here without rounding: integers above 2^53 − 1
// become BigInt (sent to the core as digit strings), and the `orders` of check/plan (and a
// non-string `body` of parse) go to the core as their exact JSON text, so a 19-digit order id
// written as a JSON number comes out with every digit.

const fs = require('node:fs');
const path = require('node:path');

const USAGE = `kjb — pay 1688 suppliers through KJB (跨境宝)

Usage: kjb <command> [FILE|-]     (no FILE or "-": read stdin)

Commands (input: the same JSON as the library function; answer: JSON on stdout)
  fee          quoteFee     {amount, history, schedule?}
  schedule     feeSchedule  (no input)
  check        checkOrders  {orders, buyer, fx, paidTodayUsd?, limits?, prohibited?}
  plan         planPayment  as check, plus {history, maxPerCall?, schedule?}
  build        buildRequest {api, params, appKey, accessToken?, timestamp?}
  sign         signRequest  as build, plus {appSecret, baseUrl?}
  signature    signature    {appSecret, urlPath, params}
  verify-push  verifyPush   {appSecret, body}
  parse        parseResponse {api, status, body}  (body: the raw text, or the answer as JSON)
  authorize    authorizeUrl {appKey, redirectUri, state}
  token        exchange an OAuth code or refresh a token (system.oauth2/getToken):
               {appKey, code, redirectUri} or {appKey, refreshToken, postpone?, accessToken?},
               plus baseUrl?; prints the token as parseToken gives it
  import       ordersFrom1688  a buyerView / getBuyerOrderList answer as saved, or
               {answer, suppliers?} (answer: the raw text, or the answer as JSON)
  sandbox      start the local 1688 sandbox (kjb sandbox --help)

appSecret may come from the environment (KJB_APP_SECRET) instead of the file.
Exit codes: 0 ok, 2 bad input or a refused answer (error JSON on stderr), 1 internal error.
Options: --help, --version`;

const COMMANDS = new Set([
  'fee',
  'schedule',
  'check',
  'plan',
  'build',
  'sign',
  'signature',
  'verify-push',
  'parse',
  'authorize',
  'token',
  'import',
]);
const EXIT_BAD_INPUT = 2;
const EXIT_INTERNAL = 1;
const MAX_DEPTH = 64;

class InputError extends Error {
  constructor(code, message, details) {
    super(message);
    this.code = code;
    this.path = (details && details.path) || null;
    if (details && details.line) {
      this.line = details.line;
      this.column = details.column;
    }
  }
}

function position(text, index) {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) {
    line += 1;
    start = i + 1;
  }
  return { line, column: index - start + 1 };
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;

/**
 * Parses JSON text without losing digits: unsafe integers become BigInt, decimals with more
 * than 15 significant digits stay strings. Refuses repeated keys and nesting deeper than 64,
 * as the core does. Returns the value and, for a top-level object, each member's text span.
 */
function parseExact(text) {
  let i = 0;
  const spans = new Map();
  const fail = (message, at = i) => {
    const { line, column } = position(text, at);
    throw new InputError('INVALID_JSON', `invalid JSON: ${message} at line ${line} column ${column}`, { line, column });
  };
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i += 1;
  };
  const str = () => {
    const start = i;
    let j = i + 1;
    while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
    if (j >= text.length) fail('unterminated string', start);
    i = j + 1;
    try {
      return JSON.parse(text.slice(start, i));
    } catch {
      return fail('invalid string (control character or bad escape)', start);
    }
  };
  const num = () => {
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m) fail('unexpected character');
    const token = m[0];
    i += token.length;
    if (!m[1] && !m[2]) {
      const n = Number(token);
      return Number.isSafeInteger(n) ? n : BigInt(token);
    }
    const n = Number(token);
    const significant = token
      .replace(/^-/, '')
      .replace(/[eE].*$/, '')
      .replace('.', '')
      .replace(/^0+/, '').length;
    return Number.isFinite(n) && significant <= 15 ? n : token;
  };
  const value = (depth, top) => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      if (depth >= MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH} levels`);
      i += 1;
      ws();
      if (c === '[') {
        const arr = [];
        if (text[i] === ']') {
          i += 1;
          return arr;
        }
        for (;;) {
          arr.push(value(depth + 1, false));
          ws();
          if (text[i] === ',') i += 1;
          else if (text[i] === ']') {
            i += 1;
            return arr;
          } else fail("expected ',' or ']'");
        }
      }
      const obj = {};
      if (text[i] === '}') {
        i += 1;
        return obj;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a key in double quotes');
        const keyAt = i;
        const key = str();
        if (Object.hasOwn(obj, key)) fail(`duplicate key "${key}"`, keyAt);
        ws();
        if (text[i] !== ':') fail("expected ':'");
        i += 1;
        ws();
        const start = i;
        const v = value(depth + 1, false);
        if (top) spans.set(key, [start, i]);
        Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
        ws();
        if (text[i] === ',') i += 1;
        else if (text[i] === '}') {
          i += 1;
          return obj;
        } else fail("expected ',' or '}'");
      }
    }
    if (c === '"') return str();
    for (const [word, literal] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ]) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return literal;
      }
    }
    if (c === undefined) return fail('unexpected end of input');
    return num();
  };
  const v = value(0, true);
  ws();
  if (i < text.length) fail('unexpected text after the JSON value');
  return { value: v, spans };
}

function readInput(file) {
  try {
    const buf = file === undefined || file === '-' ? fs.readFileSync(0) : fs.readFileSync(file);
    return buf.toString('utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    throw new InputError(
      'INVALID_INPUT',
      `cannot read ${file === undefined || file === '-' ? 'stdin' : file}: ${e.code || e.message}`,
    );
  }
}

/** The input object of each command, as the usage text names it. */
const SHAPES = {
  fee: '{amount, history, schedule?}',
  check: '{orders, buyer, fx, paidTodayUsd?, limits?, prohibited?}',
  plan: '{orders, buyer, fx, history, maxPerCall?, …}',
  build: '{api, params, appKey, accessToken?, timestamp?}',
  sign: '{api, params, appKey, appSecret, accessToken?, timestamp?, baseUrl?}',
  signature: '{appSecret, urlPath, params}',
  'verify-push': '{appSecret, body}',
  parse: '{api, status, body}',
  authorize: '{appKey, redirectUri, state}',
};

function objectInput(parsed, command) {
  const v = parsed.value;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    const got = v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
    const hint =
      Array.isArray(v) && (command === 'check' || command === 'plan')
        ? ': put the order list under "orders", next to the buyer and the FX rate, e.g. {"orders": [...], "buyer": {...}, "fx": {"usd": "7.10"}}'
        : '';
    throw new InputError('INVALID_INPUT', `kjb ${command} takes a JSON object ${SHAPES[command]}; got ${got}${hint}`);
  }
  return v;
}

function withSecret(input) {
  if (input.appSecret === undefined && process.env.KJB_APP_SECRET)
    return { ...input, appSecret: process.env.KJB_APP_SECRET };
  return input;
}

/** Moves a raw member's error position from its own text to the file's. */
function relocate(err, text, span) {
  if (!err || typeof err.line !== 'number' || !span) return err;
  const at = position(text, span[0]);
  if (err.line === 1) err.column = at.column + err.column - 1;
  err.line = at.line + err.line - 1;
  return err;
}

// `kjb import`: the saved answer goes to the core as its exact text (19-digit ids intact);
// a wrapper {answer, suppliers?} is recognised by its `answer` member.
function runImport(kjb, text) {
  const body = text.replace(/^\uFEFF/, '').trim();
  if (body.startsWith('{') && /"answer"\s*:/.test(body)) {
    const parsed = parseExact(text);
    const input = objectInput(parsed, 'import');
    if (input.answer !== undefined) {
      const answer = typeof input.answer === 'string' ? input.answer : text.slice(...parsed.spans.get('answer'));
      const { answer: _answer, ...options } = input;
      return kjb.ordersFrom1688(answer, options);
    }
  }
  return kjb.ordersFrom1688(text);
}

function run(kjb, command, text) {
  if (command === 'import') return runImport(kjb, text);
  const parsed = text === null ? null : parseExact(text);
  const input = parsed && objectInput(parsed, command);
  const rawMember = (key) => text.slice(...parsed.spans.get(key));
  switch (command) {
    case 'schedule':
      return kjb.feeSchedule();
    case 'fee':
      return kjb.quoteFee(input);
    case 'check':
    case 'plan': {
      const fn = command === 'check' ? kjb.checkOrders : kjb.planPayment;
      if (!Array.isArray(input.orders)) return fn(input);
      try {
        return fn({ ...input, orders: rawMember('orders') });
      } catch (e) {
        throw e && typeof e.path === 'string' && e.path.startsWith('orders')
          ? relocate(e, text, parsed.spans.get('orders'))
          : e;
      }
    }
    case 'build':
      return kjb.buildRequest(input);
    case 'sign':
      return kjb.signRequest(withSecret(input));
    case 'signature':
      return kjb.signature(withSecret(input));
    case 'verify-push':
      return kjb.verifyPush(withSecret(input));
    case 'parse': {
      const body =
        input.body !== undefined && input.body !== null && typeof input.body === 'object'
          ? rawMember('body')
          : input.body;
      return kjb.parseResponse({ ...input, body });
    }
    default:
      return kjb.authorizeUrl(input);
  }
}

/**
 * `kjb token`: the one call that carries the app secret, made by a KjbClient (the secret goes
 * from KJB_APP_SECRET into its wasm Signer and from there only into the request body).
 */
async function token(kjb, text) {
  const input = objectInput(parseExact(text), 'token');
  const { appKey, baseUrl, code, redirectUri, refreshToken, accessToken, postpone } = input;
  const appSecret = input.appSecret !== undefined ? input.appSecret : process.env.KJB_APP_SECRET;
  if (appSecret === undefined || appSecret === '') {
    throw new InputError(
      'INVALID_CREDENTIALS',
      'kjb token needs the app secret: set KJB_APP_SECRET in the environment',
      { path: 'appSecret' },
    );
  }
  if ((code === undefined) === (refreshToken === undefined)) {
    throw new InputError(
      'INVALID_INPUT',
      'kjb token takes either {code, redirectUri} (after the buyer authorised the app) or {refreshToken}',
      { path: code === undefined ? 'code' : 'refreshToken' },
    );
  }
  const tokenOption =
    refreshToken !== undefined
      ? { accessToken: typeof accessToken === 'string' && accessToken !== '' ? accessToken : '-', refreshToken }
      : undefined;
  const client = new kjb.KjbClient({ appKey, appSecret, baseUrl, token: tokenOption, retries: 1 });
  try {
    if (code !== undefined) return await client.exchangeCode({ code, redirectUri });
    if (postpone === true) return await client.postponeToken();
    return await client.refreshToken();
  } finally {
    client.free();
  }
}

function report(e) {
  const internal = !e || typeof e.code !== 'string' || e.code === 'INTERNAL';
  const error = {
    code: e && typeof e.code === 'string' ? e.code : 'INTERNAL',
    message: e && e.message ? e.message : String(e),
    path: e && e.path ? e.path : null,
  };
  for (const key of ['line', 'column', 'gatewayCode', 'httpStatus', 'retryable', 'requestId', 'gatewayMessage']) {
    if (e && e[key] !== undefined) error[key] = e[key];
  }
  process.stderr.write(`${JSON.stringify({ error })}\n`);
  return internal ? EXIT_INTERNAL : EXIT_BAD_INPUT;
}

function main(argv) {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    (command === undefined ? process.stderr : process.stdout).write(`${USAGE}\n`);
    return command === undefined ? EXIT_BAD_INPUT : 0;
  }
  if (command === '--version' || command === '-v') {
    const pj = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
    process.stdout.write(`${pj.version}\n`);
    return 0;
  }
  if (command === 'sandbox') {
    import('../sandbox/index.mjs')
      .then((m) => m.main(rest))
      .catch((e) => {
        process.stderr.write(`kjb sandbox: ${e && e.message ? e.message : e}\n`);
        process.exit(EXIT_BAD_INPUT);
      });
    return null;
  }
  try {
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (!COMMANDS.has(command)) throw new InputError('INVALID_INPUT', `unknown command "${command}"; run kjb --help`);
    if (rest.length > 1)
      throw new InputError(
        'INVALID_INPUT',
        `kjb ${command} takes one FILE (or - for stdin); got ${rest.length} arguments`,
      );
    const kjb = require('../lib/node.cjs');
    const file = rest[0];
    if (command === 'token') {
      if ((file === undefined || file === '-') && process.stdin.isTTY) {
        throw new InputError('INVALID_INPUT', 'kjb token needs JSON input: give a FILE or pipe it into stdin');
      }
      token(kjb, readInput(file)).then(
        (out) => process.stdout.write(`${JSON.stringify(out, null, 2)}\n`),
        (e) => {
          process.exitCode = report(e);
        },
      );
      return null;
    }
    let text = null;
    if (command !== 'schedule') {
      if ((file === undefined || file === '-') && process.stdin.isTTY) {
        throw new InputError('INVALID_INPUT', `kjb ${command} needs JSON input: give a FILE or pipe it into stdin`);
      }
      text = readInput(file);
    }
    const out = run(kjb, command, text);
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return 0;
  } catch (e) {
    return report(e);
  }
}

// `kjb plan big.json | head` closes the pipe early: that is not an error.
process.stdout.on('error', (e) => {
  if (e.code !== 'EPIPE') throw e;
  process.exit(process.exitCode || 0);
});
const code = main(process.argv.slice(2));
if (code !== null) process.exitCode = code;
