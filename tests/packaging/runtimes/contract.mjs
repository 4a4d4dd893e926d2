// The one contract script every row of the runtime matrix runs (runtimes.test.mjs): Node, Deno,
// Bun and workerd alike. It uses nothing but the language and `fetch` (no node: modules), takes
// the kjb module the row imported, and answers what each call gave back, as JSON-ready data;
// the Node harness makes the assertions (support.mjs), so every row is judged the same way.
//
// ctx: { inputs (../inputs.json), vectors (tests/fixtures/signing-vectors.json),
//        sandboxUrl (a kjb sandbox on 127.0.0.1, or null), orderIds (ids to ask cashier URLs for) }
export async function contract(kjb, ctx) {
  const { KjbError } = kjb;
  const caught = (e) => ({
    error: {
      name: e && e.name,
      code: e && e.code,
      message: String(e && e.message),
      path: e && e.path,
      isKjbError: e instanceof KjbError,
    },
  });
  const attempt = (f) => {
    try {
      return { ok: f() };
    } catch (e) {
      return caught(e);
    }
  };

  const signed = [];
  const pushes = [];
  for (const v of ctx.vectors) {
    if (v.kind === 'api_call' || v.kind === 'sort_rule_disagreement') {
      // urlPath = param2/{version}/{namespace}/{api}/{appKey}; the token and the time are params
      // in the vector, options in signRequest.
      const [, version, namespace, api] = v.urlPath.split('/');
      const { access_token: accessToken, _aop_timestamp: timestamp, ...params } = v.params;
      const r = attempt(() =>
        kjb.signRequest({
          namespace,
          api,
          version: Number(version),
          params,
          appKey: v.appKey,
          accessToken,
          appSecret: v.appSecret,
          ...(timestamp === undefined ? {} : { timestamp: Number(timestamp) }),
        }),
      );
      signed.push({
        id: v.id,
        signature: r.ok && r.ok.signature,
        body: r.ok && r.ok.body,
        url: r.ok && r.ok.url,
        error: r.error,
      });
    } else if (v.kind === 'oauth_authorize') {
      const r = attempt(() => kjb.signature({ appSecret: v.appSecret, urlPath: v.urlPath, params: v.params }));
      signed.push({ id: v.id, signature: r.ok, error: r.error });
    } else if (v.kind === 'push_verify') {
      const good = attempt(() => kjb.verifyPush({ appSecret: v.appSecret, body: v.body }));
      // The same body under another secret must be refused, with a KjbError.
      const forged = attempt(() => kjb.verifyPush({ appSecret: `${v.appSecret}x`, body: v.body }));
      pushes.push({ id: v.id, ok: good.ok, error: good.error, forged: forged.error || { accepted: forged.ok } });
    }
  }

  // Hostile input: a 19-digit id as an unsafe JS number, a malformed amount, a non-object.
  const hostile = {
    unsafeNumber:
      // biome-ignore lint/correctness/noPrecisionLoss: the unsafe JS number id is the hostile input
      attempt(() => kjb.buildRequest({ ...ctx.inputs.request, params: { orderIdList: [3535260697417660107] } }))
        .error || null,
    badAmount: attempt(() => kjb.quoteFee({ amount: '1.005', history: ['150000'] })).error || null,
    notAnObject: attempt(() => kjb.quoteFee(42)).error || null,
    // ...and the module still answers afterwards.
    after: attempt(() => kjb.quoteFee(ctx.inputs.quote)),
  };

  let client = null;
  if (ctx.sandboxUrl) {
    try {
      const c = new kjb.KjbClient({
        appKey: '1234567',
        appSecret: 'TESTSECRET123',
        accessToken: '00000000-test-token-0000',
        baseUrl: ctx.sandboxUrl,
        retryDelayMs: 5,
      });
      const out = await c.cashierUrls(ctx.orderIds);
      client = { ok: out, shown: JSON.stringify(c) };
    } catch (e) {
      client = caught(e);
    }
  }

  return {
    quote: attempt(() => kjb.quoteFee(ctx.inputs.quote)),
    plan: attempt(() => kjb.planPayment(ctx.inputs.plan)),
    request: attempt(() => kjb.buildRequest(ctx.inputs.request)),
    signed,
    pushes,
    hostile,
    client,
  };
}
