// Hostile input at the JS boundary: every bad call must throw a KjbError with a sensible code
// (never INTERNAL, never a wasm trap), and the next call must still work — a trapped wasm
// instance would poison every later call. Shared by the Node suite (hostile.test.mjs, on the
// installed package) and the Chromium one (tests/browser/hostile.test.mjs, on the web build):
// `hostileCases(kjb, assert)` returns [name, fn] pairs; `assert` is node:assert/strict or the
// small stand-in the browser page brings.

export function hostileCases(kjb, assert) {
  const {
    quoteFee,
    checkOrders,
    planPayment,
    buildRequest,
    signRequest,
    signature,
    parseResponse,
    verifyPush,
    authorizeUrl,
    Signer,
    KjbError,
  } = kjb;
  const list = [];
  const add = (name, fn) => list.push([name, fn]);

  const SECRET = 'TESTSECRET123';
  const BIG = '3535260697417660107';

  function healthy() {
    assert.equal(quoteFee({ amount: '10.00', history: ['150000'] }).fee, '0.02');
    assert.equal(signature({ appSecret: SECRET, urlPath: '', params: { a: '1' } }).length, 40);
  }

  /** Runs `fn`; it must either answer or throw a non-INTERNAL KjbError; then kjb must be healthy. */
  function survives(label, fn, { codes } = {}) {
    let threw = null;
    try {
      fn();
    } catch (e) {
      threw = e;
      assert.ok(e instanceof KjbError, `${label}: threw ${e && e.name}: ${e && e.message}`);
      assert.notEqual(e.code, 'INTERNAL', `${label}: ${e.message}`);
      assert.equal(typeof e.message, 'string');
      assert.ok(e.message.length > 0 && e.message.length < 2000, `${label}: message length ${e.message.length}`);
      if (codes) assert.ok(codes.includes(e.code), `${label}: code ${e.code} not in ${codes}: ${e.message}`);
    }
    healthy();
    return threw;
  }

  const WEIRD = [
    undefined,
    null,
    true,
    false,
    0,
    -0,
    1,
    -1,
    NaN,
    Infinity,
    -Infinity,
    1e21,
    2 ** 53 + 2,
    0.1 + 0.2,
    '',
    ' ',
    'abc',
    '1.005',
    '1'.repeat(40),
    '-5',
    '1e5',
    '\uD800',
    '\u0000',
    '\uFEFF1',
    '٣',
    '１２',
    [],
    [1],
    {},
    { toString: 1 },
    10n,
    -10n,
  ];

  /** A label for any value, even one whose toString is broken. */
  function show(v) {
    try {
      return typeof v === 'bigint' ? `${v}n` : typeof v === 'string' ? JSON.stringify(v.slice(0, 20)) : String(v);
    } catch {
      return Object.prototype.toString.call(v);
    }
  }

  const order = (over = {}) => ({
    orderId: '1001',
    amount: '100.00',
    status: 'waitbuyerpay',
    tradeType: 'assureTrade',
    supplier: { loginId: 'yiwu-toys', kjb: true, chengxintong: true },
    items: [{ offerId: '6001', title: 'Plush toy', category: 'Toys' }],
    ...over,
  });
  const base = (orders) => ({
    orders,
    buyer: { verified: true, alipayPersonalLinked: true, alipayBusinessLinked: true, kjbActivated: true },
    fx: { usd: '7.10' },
  });

  add('quoteFee: every field, every weird value', () => {
    for (const v of WEIRD) {
      survives(`amount=${show(v)}`, () => quoteFee({ amount: v }));
      survives(`history=${show(v)}`, () => quoteFee({ amount: '1', history: v }));
      survives(`history[0]=${show(v)}`, () => quoteFee({ amount: '1', history: [v] }));
      survives(`schedule=${show(v)}`, () => quoteFee({ amount: '1', schedule: v }));
    }
    const e = survives('3 decimals', () => quoteFee({ amount: '1.005' }), { codes: ['INVALID_AMOUNT'] });
    assert.equal(e.path, 'amount');
    survives('40 digits', () => quoteFee({ amount: '1'.repeat(40) }), { codes: ['INVALID_AMOUNT'] });
    survives('negative', () => quoteFee({ amount: '-0.01' }), { codes: ['INVALID_AMOUNT'] });
  });

  add('whole-input hostility: non-objects, cycles, depth, __proto__, huge strings', () => {
    const fns = {
      quoteFee,
      checkOrders,
      planPayment,
      buildRequest,
      signRequest,
      signature,
      parseResponse,
      verifyPush,
      authorizeUrl,
    };
    const cyclic = {};
    cyclic.self = cyclic;
    let deep = {};
    const root = deep;
    for (let i = 0; i < 100_000; i++) deep = deep.x = {};
    const proto = JSON.parse(
      '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "amount": "1"}',
    );
    for (const [name, fn] of Object.entries(fns)) {
      for (const bad of [
        undefined,
        null,
        1,
        'text',
        [],
        cyclic,
        root,
        proto,
        { amount: 'x'.repeat(10 * 1024 * 1024) },
      ]) {
        survives(`${name}(${Array.isArray(bad) ? 'array' : typeof bad})`, () => fn(bad));
      }
    }
    assert.equal({}.polluted, undefined);
  });

  add('orders: wrong types in every field, unsafe ids, duplicates, BOM, deep JSON text', () => {
    const fields = [
      'orderId',
      'amount',
      'currency',
      'status',
      'tradeType',
      'supplier',
      'items',
      'sellerOrder',
      'redEnvelope',
    ];
    for (const f of fields) {
      for (const v of WEIRD) {
        survives(`orders[0].${f}=${show(v)}`, () => checkOrders(base([order({ [f]: v })])));
      }
    }
    for (const v of WEIRD) {
      survives(`supplier.kjb=${show(v)}`, () =>
        checkOrders(base([order({ supplier: { loginId: 'x', kjb: v, chengxintong: true } })])),
      );
      survives(`items[0]=${show(v)}`, () => planPayment({ ...base([order({ items: [v] })]), history: [] }));
      survives(`fx=${show(v)}`, () => checkOrders({ ...base([order()]), fx: v }));
      survives(`buyer=${show(v)}`, () => checkOrders({ ...base([order()]), buyer: v }));
      survives(`maxPerCall=${show(v)}`, () => planPayment({ ...base([order()]), history: [], maxPerCall: v }));
    }
    const unsafe = survives('unsafe number id', () => checkOrders(base([order({ orderId: 2 ** 53 + 2 })])), {
      codes: ['UNSAFE_ORDER_ID'],
    });
    assert.equal(unsafe.path, 'orders[0].orderId');
    // BigInt and string ids keep every digit.
    const r = checkOrders(base([order({ orderId: BigInt(BIG) }), order({ orderId: '9' + BIG.slice(1) })]));
    assert.deepEqual(
      r.results.map((x) => x.orderId),
      [BIG, '9' + BIG.slice(1)],
    );
    // JSON text: duplicate keys, BOM, depth, truncation, lone surrogates.
    survives('dup keys', () => planPayment({ ...base(`[{"orderId":1,"orderId":2}]`), history: [] }), {
      codes: ['INVALID_JSON'],
    });
    survives('truncated', () => planPayment({ ...base(`[{"orderId":1,`), history: [] }), { codes: ['INVALID_JSON'] });
    survives('deep text', () => planPayment({ ...base('['.repeat(100_000)), history: [] }), {
      codes: ['INVALID_JSON'],
    });
    survives('lone surrogate', () => planPayment({ ...base('[{"orderId":"1","title":"\\ud800"}]'), history: [] }));
    const withBom = planPayment({ ...base('\uFEFF' + JSON.stringify([order()])), history: [] });
    assert.equal(withBom.totals.orders, 1);
    const text = planPayment({ ...base(`[${JSON.stringify(order()).replace('"1001"', BIG)}]`), history: [] });
    assert.deepEqual(text.batches[0].orderIds, [BIG]);
  });

  add('orders: empty and 100,000-order batches', () => {
    const empty = planPayment({ ...base([]), history: [] });
    assert.equal(empty.totals.orders, 0);
    assert.deepEqual(empty.batches, []);
    const many = Array.from({ length: 100_000 }, (_, i) => order({ orderId: String(1_000_000 + i), amount: '10.00' }));
    const plan = planPayment({ ...base(many), history: [], maxPerCall: 30 });
    const seen = plan.batches.reduce((n, b) => n + b.orderIds.length, 0) + plan.rejected.length + plan.deferred.length;
    assert.equal(seen, 100_000);
    assert.ok(plan.batches.every((b) => b.orderIds.length <= 30));
  });

  add('gateway requests: credentials, params and limits', () => {
    const req = {
      api: 'alibaba.crossBorderPay.url.get',
      appKey: '1234567',
      accessToken: 'tok',
      params: { orderIdList: [BIG] },
    };
    assert.equal(buildRequest(req).params.find(([k]) => k === 'orderIdList')[1], `[${BIG}]`);
    for (const v of WEIRD) {
      survives(`appKey=${show(v)}`, () => signRequest({ ...req, appSecret: SECRET, appKey: v }));
      survives(`appSecret=${show(v)}`, () => signRequest({ ...req, appSecret: v }));
      survives(`accessToken=${show(v)}`, () => signRequest({ ...req, appSecret: SECRET, accessToken: v }));
      survives(`api=${show(v)}`, () => buildRequest({ ...req, api: v }));
      survives(`params=${show(v)}`, () => buildRequest({ ...req, params: v }));
      survives(`orderIdList=${show(v)}`, () => buildRequest({ ...req, params: { orderIdList: v } }));
      survives(`orderIdList[0]=${show(v)}`, () => buildRequest({ ...req, params: { orderIdList: [v] } }));
      survives(`baseUrl=${show(v)}`, () => signRequest({ ...req, appSecret: SECRET, baseUrl: v }));
    }
    survives(
      '31 ids',
      () => buildRequest({ ...req, params: { orderIdList: Array.from({ length: 31 }, (_, i) => String(i + 1)) } }),
      { codes: ['TOO_MANY_ORDERS'] },
    );
    survives('unsafe id', () => buildRequest({ ...req, params: { orderIdList: [2 ** 53 + 2] } }), {
      codes: ['UNSAFE_ORDER_ID'],
    });
    survives('unknown api', () => buildRequest({ ...req, api: 'x.y.z' }), { codes: ['UNKNOWN_API'] });
  });

  add('gateway answers: garbage bodies and statuses', () => {
    const bodies = [
      '',
      'null',
      '[]',
      '{}',
      '<html>502</html>',
      '{"success":',
      '{"a":1,"a":2}',
      '['.repeat(100_000),
      '\uFEFF{}',
      '{"success":"true","payUrl":1}',
      '{"success":"true","cantPayOrderList":"x"}',
      '{"error_code":"gw.QosRequestLimit"}',
      'x'.repeat(10 * 1024 * 1024),
    ];
    for (const api of [
      'alibaba.crossBorderPay.url.get',
      'alibaba.alipay.url.get',
      'alibaba.trade.payWay.query',
      'alibaba.trade.get.buyerView',
      'x.unknown',
    ]) {
      for (const body of bodies) {
        for (const status of [200, 429, 500, -1, 1e21, NaN, '200']) {
          survives(`${api} ${status} ${body.slice(0, 20)}`, () => parseResponse({ api, status, body }));
        }
      }
    }
    const e = survives('rate limited', () =>
      parseResponse({
        api: 'alibaba.crossBorderPay.url.get',
        status: 429,
        body: '{"error_code":"gw.QosRequestLimit","error_message":"slow down"}',
      }),
    );
    assert.equal(e.code, 'GATEWAY_ERROR');
    assert.equal(e.retryable, true);
    assert.equal(e.gatewayCode, 'gw.QosRequestLimit');
  });

  add('push bodies: truncation and wrong content in every field', () => {
    const message = JSON.stringify({
      msgId: 1,
      type: 'ORDER_BUYER_VIEW_ORDER_PAY',
      bizKey: BIG,
      data: { orderId: 1 },
      gmtBorn: 1,
      userInfo: 'u',
    }).replace('"orderId":1', `"orderId":${BIG}`);
    const sig = signature({ appSecret: SECRET, urlPath: '', params: { message } });
    const body = `message=${encodeURIComponent(message)}&_aop_signature=${sig}`;
    assert.equal(verifyPush({ appSecret: SECRET, body }).data.orderId, BIG);
    for (let cut = 0; cut < body.length; cut += 7) {
      survives(`truncated at ${cut}`, () => verifyPush({ appSecret: SECRET, body: body.slice(0, cut) }), {
        codes: ['PUSH_MALFORMED', 'PUSH_SIGNATURE_INVALID'],
      });
    }
    for (const v of WEIRD) {
      survives(`body=${show(v)}`, () => verifyPush({ appSecret: SECRET, body: v }));
      survives(`message=${show(v)}`, () =>
        verifyPush({ appSecret: SECRET, body: { message: v, _aop_signature: sig } }),
      );
      survives(`_aop_signature=${show(v)}`, () =>
        verifyPush({ appSecret: SECRET, body: { message, _aop_signature: v } }),
      );
      survives(`appSecret=${show(v)}`, () => verifyPush({ appSecret: v, body }));
    }
    for (const bad of [
      '%',
      '%zz',
      'message=%E4%B8',
      '&&&',
      '=',
      'message&_aop_signature',
      `message=${encodeURIComponent(message)}&_aop_signature=${sig}&_aop_signature=${sig}`,
    ]) {
      survives(`form ${bad.slice(0, 30)}`, () => verifyPush({ appSecret: SECRET, body: bad }), {
        codes: ['PUSH_MALFORMED', 'PUSH_SIGNATURE_INVALID'],
      });
    }
  });

  add('the secret never comes back out of a Signer', () => {
    const secret = 'S3CRET-never-shown-9f8e7d';
    const s = new Signer({ appKey: '1234567', appSecret: secret });
    const seen = [JSON.stringify(s), String(s), Object.keys(s).join(), Object.getOwnPropertyNames(s).join()];
    const util = globalThis.process && process.getBuiltinModule ? process.getBuiltinModule('node:util') : null;
    if (util) seen.push(util.inspect(s, { showHidden: true, depth: 10 }));
    for (const bad of [
      { api: 'x.y' },
      { api: 'alibaba.crossBorderPay.url.get', params: { orderIdList: [] } },
      { appSecret: secret },
      null,
    ]) {
      try {
        s.sign(bad);
      } catch (e) {
        seen.push(e.message, JSON.stringify(e), String(e.stack));
      }
    }
    for (const bad of ['x', { message: '{}', _aop_signature: 'A'.repeat(40) }]) {
      try {
        s.verifyPush(bad);
      } catch (e) {
        seen.push(e.message, JSON.stringify(e));
      }
    }
    try {
      new Signer({ appKey: 'not-digits', appSecret: secret });
    } catch (e) {
      seen.push(e.message, JSON.stringify(e));
    }
    for (const text of seen) assert.ok(!String(text).includes(secret), `secret leaked in: ${text}`);
    s.free();
    survives('after free', () =>
      s.sign({ api: 'alibaba.crossBorderPay.url.get', accessToken: 't', params: { orderIdList: ['1'] } }),
    );
  });

  add('parseToken: hostile getToken answers are KjbErrors, never traps', () => {
    const { parseToken } = kjb;
    const deep = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    const texts = [
      undefined,
      null,
      1,
      {},
      [],
      '',
      ' ',
      'null',
      '[]',
      '{',
      deep,
      '{"access_token":"a","access_token":"b","expires_in":"1"}',
      '{"access_token":"a","expires_in":"1","refresh_token_timeout":"99999999999999+9999"}',
      '{"access_token":"a","expires_in":"-1"}',
      '{"access_token":"a","expires_in":1e400}',
      '{"access_token":"\\ud800","expires_in":"1"}',
      '{"error":{"x":1}}',
      `{"error":"${'e'.repeat(100000)}"}`,
      '\ufeff{"access_token":"a","expires_in":"99999999999"}',
    ];
    for (const t of texts)
      survives(`parseToken(${typeof t === 'string' ? t.slice(0, 30) : String(t)})`, () => parseToken(t));
    assert.equal(parseToken('{"access_token":"a","expires_in":"60"}').accessToken, 'a');
  });

  // ---- v1.1: ordersFrom1688, paymentState, the new parseResponse shapes ---------------------

  add('ordersFrom1688: garbage, deep nesting, bad ids and money, wrong types', () => {
    const { ordersFrom1688 } = kjb;
    const one = (base, items = [{ productID: 574273466269, name: 'x' }]) =>
      JSON.stringify({ result: { baseInfo: base, productItems: items } });
    const good = {
      idOfStr: BIG,
      status: 'waitbuyerpay',
      tradeTypeCode: 'assureTrade',
      totalAmount: 39.9,
      sellerLoginId: 's1',
      sellerOrder: false,
    };
    const out = ordersFrom1688(one(good).replace('"idOfStr"', `"id":${BIG.slice(0, -1)}4,"idOfStr"`), {
      suppliers: { s1: { kjb: true, chengxintong: true } },
    });
    assert.equal(out[0].orderId, BIG);
    assert.equal(out[0].amount, '39.90');
    assert.equal(checkOrders(base(out)).results[0].eligible, true);
    const bodies = [
      '',
      'null',
      '[]',
      '{}',
      '[1]',
      '{"result":null}',
      '{"result":[null]}',
      '{"result":{"baseInfo":[]}}',
      '<html>',
      '{"result":',
      '{"a":1,"a":2}',
      '['.repeat(100_000),
      `{"result":${'['.repeat(70)}${']'.repeat(70)}}`,
      '\uFEFF{"result":[]}',
      '{"success":false,"errorCode":"x"}',
      '{"error_code":"gw.APIACLDecline"}',
      'x'.repeat(5 * 1024 * 1024),
    ];
    for (const b of bodies) survives(`answer ${b.slice(0, 20)}`, () => ordersFrom1688(b));
    for (const id of ['12345678901234567890', '1'.repeat(40), 'abc', '-1', '0', '1.5', '１２', '', ' ', '\u0000']) {
      const e = survives(`idOfStr ${id}`, () => ordersFrom1688(one({ ...good, idOfStr: id, id: undefined })));
      assert.ok(e === null || ['INVALID_ORDER_ID', 'INVALID_INPUT'].includes(e.code), `idOfStr ${id}: ${e && e.code}`);
    }
    for (const amount of ['lots', '1e400', '0.001', '-5', '1'.repeat(30), true, null, [], {}, 'NaN', 'Infinity']) {
      const e = survives(`totalAmount ${show(amount)}`, () => ordersFrom1688(one({ ...good, totalAmount: amount })));
      assert.ok(e !== null, `totalAmount ${show(amount)} was accepted`);
    }
    for (const v of WEIRD) {
      survives(`answer=${show(v)}`, () => ordersFrom1688(v));
      survives(`options=${show(v)}`, () => ordersFrom1688(one(good), v));
      survives(`suppliers=${show(v)}`, () => ordersFrom1688(one(good), { suppliers: v }));
      survives(`suppliers.s1.kjb=${show(v)}`, () =>
        ordersFrom1688(one(good), { suppliers: { s1: { kjb: v, chengxintong: true } } }),
      );
      // (The answer text is built here, so a BigInt goes in as its digits.)
      const w = typeof v === 'bigint' ? String(v) : v;
      survives(`productItems=${show(v)}`, () =>
        ordersFrom1688(JSON.stringify({ result: { baseInfo: good, productItems: w === undefined ? null : w } })),
      );
      survives(`createTime=${show(v)}`, () => ordersFrom1688(one({ ...good, createTime: w, payTimeout: 3600 })));
      survives(`payTimeout=${show(v)}`, () =>
        ordersFrom1688(one({ ...good, createTime: '20261127100000000+0800', payTimeout: w })),
      );
    }
    const many = JSON.stringify({
      result: Array.from({ length: 20_000 }, (_, i) => ({
        baseInfo: { ...good, idOfStr: String(1_000_000 + i) },
        productItems: [{ productID: 1 }],
      })),
    });
    assert.equal(ordersFrom1688(many).length, 20_000);
  });

  add('paymentState: garbage, bad ids, huge event lists, any order', () => {
    const { paymentState } = kjb;
    for (const v of WEIRD) {
      survives(`events=${show(v)}`, () => paymentState(v));
      survives(`pushes=${show(v)}`, () => paymentState({ pushes: v }));
      survives(`pushes[0]=${show(v)}`, () => paymentState({ pushes: [v] }));
      survives(`links=${show(v)}`, () => paymentState({ links: v }));
      survives(`statuses[0]=${show(v)}`, () => paymentState({ statuses: [v] }));
      survives(`data.orderId=${show(v)}`, () =>
        paymentState({ pushes: [{ type: 'ORDER_BUYER_VIEW_ORDER_PAY', data: { orderId: v } }] }),
      );
      survives(`batchPay=${show(v)}`, () =>
        paymentState({ pushes: [{ type: 'ORDER_BATCH_PAY', data: { batchPay: v } }] }),
      );
    }
    for (const id of ['12345678901234567890', 'x1', '', 2 ** 53 + 2, 1.5, -1]) {
      const e = survives(`order id ${show(id)}`, () => paymentState({ statuses: [{ orderId: id, paid: true }] }));
      assert.ok(e && ['INVALID_ORDER_ID', 'UNSAFE_ORDER_ID'].includes(e.code), `order id ${show(id)}: ${e && e.code}`);
    }
    let deep = {};
    const root = deep;
    for (let i = 0; i < 1000; i++) deep = deep.data = {};
    survives('deep push', () => paymentState({ pushes: [{ type: 'ORDER_BATCH_PAY', ...root }] }));
    const pushes = [];
    for (let i = 0; i < 50_000; i++) {
      pushes.push({
        msgId: String(i),
        type: 'ORDER_BATCH_PAY',
        gmtBorn: 1_764_000_000_000 + i,
        data: {
          batchPay: [
            { orderId: String(1_000_000 + (i % 5000)), status: i % 3 ? 'successed' : 'ACCOUNT_BALANCE_NOT_ENOUGH' },
          ],
        },
      });
    }
    const a = paymentState({ pushes });
    const b = paymentState({ pushes: [...pushes].reverse() });
    assert.deepEqual(a, b);
    assert.equal(a.length, 5000);
  });

  add('parseResponse: the v1.1 shapes with garbage, bad money and ids', () => {
    const apis = [
      'alibaba.trade.get.buyerView',
      'alibaba.trade.getBuyerOrderList',
      'alibaba.accountPeriod.list.buyerView',
      'com.alibaba.account:alibaba.account.basic',
      'cn.alibaba.open:push.query.messageList',
      'push.message.confirm',
    ];
    const bodies = [
      '',
      '{}',
      '[]',
      '{"result":{"baseInfo":{"totalAmount":"lots"}}}',
      '{"result":{"baseInfo":{"totalAmount":1e400}}}',
      '{"result":[{"baseInfo":{"discount":1.5}}]}',
      '{"resultList":{"accountPeriodList":[{"quota":"x"}]}}',
      '{"resultList":{"accountPeriodList":[{"quota":1e30}]}}',
      '{"pushMessagePage":{"datas":[{"msgId":123456789012345678901,"data":{"batchPay":"x"}}]}}',
      `{"result":${'['.repeat(70)}${']'.repeat(70)}}`,
      '{"result":{"baseInfo":{"id":12345678901234567890123,"idOfStr":"x"}}}',
    ];
    for (const api of apis) {
      for (const body of bodies)
        survives(`${api} ${body.slice(0, 30)}`, () => parseResponse({ api, status: 200, body }));
    }
    const v = parseResponse({
      api: 'alibaba.trade.get.buyerView',
      status: 200,
      body: `{"result":{"baseInfo":{"id":${BIG.slice(0, -1)}4,"idOfStr":"${BIG}","totalAmount":6.15,"discount":-3989}}}`,
    });
    assert.equal(v.result.baseInfo.id, BIG);
    assert.equal(v.result.baseInfo.totalAmount, '6.15');
    assert.equal(v.result.baseInfo.discount, '-39.89');
  });

  return list;
}
