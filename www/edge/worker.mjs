// kjb at the edge: a Cloudflare Worker (run here under workerd) that signs 1688 gateway requests
// and verifies 1688's payment pushes. `import … from 'kjb'` is all it takes: the package's
// "workerd" export imports the wasm as a module and instantiates it, so there is no init().
//
//   GET  /sign?orderIds=3535260697417660107,…   the signed alibaba.crossBorderPay.url.get request
//                                               ({method, url, headers, body, signature}), ready for fetch
//   GET  /cashier?orderIds=…                    the cashier URLs themselves (KjbClient; GATEWAY_URL
//                                               picks the gateway, e.g. the kjb sandbox)
//   POST /push                                  1688's push (form body `message=…&_aop_signature=…`):
//                                               the verified message as JSON, or 401 if the signature is wrong
//
// Bindings (wrangler: `vars` and `wrangler secret put`; workerd: config.capnp):
// APP_KEY, APP_SECRET, ACCESS_TOKEN, and optionally GATEWAY_URL.
import { Signer, KjbClient, KjbError } from 'kjb';

let signer = null; // one per isolate: the secret goes into the wasm Signer once, not per request

const json = (status, value) => Response.json(value, { status });
const ids = (url) => (url.searchParams.get('orderIds') || '').split(',').filter(Boolean);

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    signer ||= new Signer({ appKey: env.APP_KEY, appSecret: env.APP_SECRET });
    try {
      if (request.method === 'GET' && url.pathname === '/sign') {
        return json(
          200,
          signer.sign({
            api: 'alibaba.crossBorderPay.url.get',
            params: { orderIdList: ids(url) },
            accessToken: env.ACCESS_TOKEN,
            ...(env.GATEWAY_URL ? { baseUrl: env.GATEWAY_URL } : {}),
          }),
        );
      }
      if (request.method === 'GET' && url.pathname === '/cashier') {
        const client = new KjbClient({
          appKey: env.APP_KEY,
          appSecret: env.APP_SECRET,
          accessToken: env.ACCESS_TOKEN,
          ...(env.GATEWAY_URL ? { baseUrl: env.GATEWAY_URL } : {}),
        });
        try {
          return json(200, await client.cashierUrls(ids(url)));
        } finally {
          client.free();
        }
      }
      if (request.method === 'POST' && url.pathname === '/push') {
        return json(200, signer.verifyPush(await request.text()));
      }
      return json(404, { error: { code: 'NOT_FOUND', message: `no route ${request.method} ${url.pathname}` } });
    } catch (e) {
      if (!(e instanceof KjbError)) throw e;
      const status = e.code.startsWith('PUSH_') ? 401 : e.code === 'GATEWAY_ERROR' ? 502 : 400;
      return json(status, { error: { code: e.code, message: e.message, path: e.path } });
    }
  },
};
