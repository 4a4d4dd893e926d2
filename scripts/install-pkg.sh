#!/usr/bin/env bash
# Installs the built package into a scratch project exactly as a user would: `npm pack` the
# package, `npm install` the tarball (a directory install would only symlink it), and copy the
# package tests and their sample inputs (tests/node/samples/) in. Usage: scripts/install-pkg.sh DIR
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$1
rm -rf "$dir" && mkdir -p "$dir"
tarball=$(npm pack ./pkg --pack-destination "$dir" --silent | tail -n 1)
cp tests/node/*.mjs tests/node/*.cjs "$dir"/   # the tests and their shared case files
cp -r tests/node/samples "$dir"/samples
cat > "$dir/package.json" <<JSON
{ "name": "kjb-consumer", "private": true, "version": "0.0.0" }
JSON
(cd "$dir" && npm install --no-audit --no-fund --loglevel=error "./$tarball")
