#!/usr/bin/env bash
# Runs tests/node/secret-memory.test.cjs on the package with its wasm rebuilt with the kjb
# crate (and the hot dependency that is otherwise fixed at 3: sha1) at
# another opt-level. Which values the optimiser leaves on the wasm stack depends on it, so the
# secret wipe is proven at each. Usage: scripts/secret-memory.sh OPT... (OPT: 3, s or z)
# Needs `make pkg` first; each opt-level builds in its own target dir (target/opt-OPT).
set -euo pipefail
cd "$(dirname "$0")/.."
for opt in "$@"; do
  case $opt in
    3) level=3 flags=() ;;
    # At "s" and "z" LLVM's inliner keeps those levels' own thresholds: an empty RUSTFLAGS
    # replaces .cargo/config.toml's inline threshold, which would otherwise apply to them too.
    s | z) level="\"$opt\"" flags=(RUSTFLAGS=) ;;
    *) echo "opt-level must be 3, s or z; got $opt" >&2; exit 2 ;;
  esac
  dir=target/secret-memory/$opt
  env "${flags[@]}" nice cargo build --release --target wasm32-unknown-unknown --target-dir "target/opt-$opt" \
    --config "profile.release.opt-level=$level" \
    --config "profile.release.package.sha1.opt-level=$level"
  rm -rf "$dir" && mkdir -p "$dir"
  wasm-bindgen --target nodejs --out-dir "$dir/node" "target/opt-$opt/wasm32-unknown-unknown/release/kjb.wasm"
  node_modules/.bin/wasm-opt -Os --low-memory-unused --strip-producers --strip-target-features "$dir/node/kjb_bg.wasm" -o "$dir/node/kjb_bg.wasm"
  scripts/install-pkg.sh "$dir/consumer" >/dev/null
  installed=$dir/consumer/node_modules/kjb
  cp "$dir/node/kjb.js" "$dir/node/kjb_bg.wasm" "$installed/node/"
  cp "$dir/node/kjb_bg.wasm" "$installed/web/kjb_bg.wasm"
  echo "secret-memory test, kjb built at opt-level $opt:"
  (cd "$dir/consumer" && node --test --test-reporter=spec secret-memory.test.cjs)
done
