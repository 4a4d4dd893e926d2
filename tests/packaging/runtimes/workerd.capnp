# The workerd row: contract-worker.mjs with kjb from the installed tarball (modules as in
# www/edge/config.capnp). The test passes the port with --socket-addr http=127.0.0.1:PORT.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .contract),
    (name = "net", network = (allow = ["local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:8787", http = (), service = "main")],
);

const contract :Workerd.Worker = (
  modules = [
    (name = "contract-worker.mjs", esModule = embed "contract-worker.mjs"),
    (name = "contract.mjs", esModule = embed "contract.mjs"),
    (name = "kjb", esModule = embed "node_modules/kjb/workerd.mjs"),
    (name = "lib/web.mjs", esModule = embed "node_modules/kjb/lib/web.mjs"),
    (name = "lib/api.mjs", esModule = embed "node_modules/kjb/lib/api.mjs"),
    (name = "lib/client.mjs", esModule = embed "node_modules/kjb/lib/client.mjs"),
    (name = "web/kjb.js", esModule = embed "node_modules/kjb/web/kjb.js"),
    (name = "web/kjb_bg.wasm", wasm = embed "node_modules/kjb/web/kjb_bg.wasm"),
  ],
  compatibilityDate = "2026-11-01",
  globalOutbound = "net",
);
