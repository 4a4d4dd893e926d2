# workerd config for the kjb edge example: `npm install` kjb (and workerd), then
#   npx workerd serve config.capnp            (listens on 127.0.0.1:8787)
# workerd has no package resolution of its own, so the modules are listed: the name "kjb" is
# what `import … from 'kjb'` finds, and the package's files keep their paths under it. With
# wrangler none of this is needed: it resolves kjb's "workerd" export and bundles the wasm.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .kjbWorker),
    # Outbound fetch; "local" lets the example reach a kjb sandbox on 127.0.0.1.
    (name = "net", network = (allow = ["public", "local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:8787", http = (), service = "main")],
);

const kjbWorker :Workerd.Worker = (
  modules = [
    (name = "worker.mjs", esModule = embed "worker.mjs"),
    (name = "kjb", esModule = embed "node_modules/kjb/workerd.mjs"),
    (name = "lib/web.mjs", esModule = embed "node_modules/kjb/lib/web.mjs"),
    (name = "lib/api.mjs", esModule = embed "node_modules/kjb/lib/api.mjs"),
    (name = "lib/client.mjs", esModule = embed "node_modules/kjb/lib/client.mjs"),
    (name = "web/kjb.js", esModule = embed "node_modules/kjb/web/kjb.js"),
    (name = "web/kjb_bg.wasm", wasm = embed "node_modules/kjb/web/kjb_bg.wasm"),
  ],
  compatibilityDate = "2026-11-01",
  globalOutbound = "net",
  bindings = [
    # The sandbox's test app. In production APP_SECRET and ACCESS_TOKEN are secrets
    # (`wrangler secret put`), never committed.
    (name = "APP_KEY", text = "1234567"),
    (name = "APP_SECRET", text = "TESTSECRET123"),
    (name = "ACCESS_TOKEN", text = "00000000-test-token-0000"),
    (name = "GATEWAY_URL", fromEnvironment = "GATEWAY_URL"),
  ],
);
