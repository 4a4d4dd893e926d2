// HTTP plumbing shared by the routes: answers, bodies, the gateway's error answer, the HTML frame.
import { randomBytes } from 'node:crypto';
import { json, esc } from './wire.mjs';

const MAX_BODY = 1 << 20;

export function send(res, status, type, body, headers = {}) {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers });
  res.end(body);
}

export const sendJson = (res, status, text, headers) =>
  send(res, status, 'application/json;charset=UTF-8', text, headers);

export function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(Object.assign(new Error('body too large'), { status: 413 }));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const requestId = () => randomBytes(13).toString('hex').slice(0, 26);

/** The gateway's own error answer: HTTP `status`, `{error_code, error_message, request_id}`. */
export function gatewayError(res, status, code, message) {
  sendJson(res, status, json({ error_code: code, error_message: message, request_id: requestId() }));
  return { status, code };
}

export const missing = (name) => ({
  error: (res) => gatewayError(res, 400, 'gw.ParamMissing', `Required argument is missing: ${name}`),
});

export /** A business error in the style of `flavour`: "kjb" = success "false" + errorMsg, "alipay" = false + erroMsg, else false + errorMessage. */
function bizError(flavour, code, message, extra = {}) {
  if (flavour === 'kjb')
    return { code, body: json({ success: 'false', errorCode: code, errorMsg: message, ...extra }) };
  if (flavour === 'alipay')
    return { code, body: json({ success: false, errorCode: code, erroMsg: message, ...extra }) };
  return { code, body: json({ success: false, errorCode: code, errorMessage: message, ...extra }) };
}

// Narrow screens (390 px): the table turns into stacked rows, long ids wrap; nothing scrolls sideways.
const STYLE = `*{box-sizing:border-box}body{font:16px/1.5 system-ui,sans-serif;margin:1rem auto;max-width:60rem;padding:0 1rem;color:#1a1a1a;overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border-bottom:1px solid #ccc;padding:.4rem;text-align:left}
.num{text-align:right;font-variant-numeric:tabular-nums}.id{font-family:ui-monospace,monospace;word-break:break-all}
button,select{font:inherit;max-width:100%}button{font-size:1.2rem;padding:.6rem 2rem;background:#ff5000;color:#fff;border:0;border-radius:4px;cursor:pointer}
button:focus-visible,select:focus-visible{outline:3px solid #1a1a1a;outline-offset:2px}.paid{font-size:1.3rem;color:#0a6b2d;font-weight:bold}
.failed{font-size:1.1rem;color:#a40000;font-weight:bold}.note{color:#555;font-size:.9rem}label{display:block;margin:.5rem 0}
@media (max-width:40rem){thead{display:none}table,tbody,tfoot,tr,td,th{display:block;width:100%}caption{display:block;text-align:left}tr{border-bottom:1px solid #ccc;padding:.3rem 0}td,th{border:0;padding:.1rem 0}td.num{text-align:left}td[data-label]::before{content:attr(data-label) ": ";color:#555;font-family:system-ui,sans-serif}}`;

export function page(title, body) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} (kjb sandbox)</title>
<style>${STYLE}</style></head>
<body><main>
${body}
</main></body></html>
`;
}

export function wantsJson(req) {
  const type = String(req.headers['content-type'] || '');
  const accept = String(req.headers.accept || '');
  return type.includes('json') || (accept.includes('application/json') && !accept.includes('text/html'));
}
