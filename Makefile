# kjb — the two commands a newcomer runs are `make demo` and `make test`.
# Every target installs what it needs first (scripts/setup.sh), so a fresh Debian machine
# with Rust and Node gets from nothing to a green run.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

WASM      := target/wasm32-unknown-unknown/release/kjb.wasm
WASM_OPT  := node_modules/.bin/wasm-opt
CARGO_WASM := cargo build --release --target wasm32-unknown-unknown
export CHROMEDRIVER ?= /usr/bin/chromedriver

.PHONY: help setup setup-browser pkg wasm test test-rust test-wasm test-wasm-node test-wasm-browser test-node test-browser demo clean

help:
	@echo "make demo   run kjb on the built-in sandbox (prints where to look)"
	@echo "make test   every test: cargo, wasm in Node and Chromium, the installed npm package"
	@echo "make pkg    build the npm package into pkg/ and print its size"
	@echo "make lint   Biome's JS linter (part of make test); make fmt formats Rust and JS"

setup:
	@scripts/setup.sh

setup-browser:
	@scripts/setup.sh browser

# Node 20/22/24/26, Deno, Bun, workerd and wrangler, pinned npm packages, into target/runtimes/.
.PHONY: setup-runtimes
setup-runtimes:
	@scripts/setup.sh runtimes

# ---- the package ----------------------------------------------------------------------------

# A RUSTFLAGS in the environment, even an empty one, replaces .cargo/config.toml's flags, the
# inliner's and the loop unroller's thresholds included (the module would grow ~10 KB past the
# size budget): keep them alongside the caller's, unless the caller chose an inline threshold.
SIZE_FLAGS := -C llvm-args=-inline-threshold=100 -C llvm-args=-unroll-threshold=150
KEEP_SIZE_FLAGS := $(if $(filter undefined,$(origin RUSTFLAGS)),,$(if $(findstring inline-threshold,$(RUSTFLAGS)),,x))
wasm: setup
	$(if $(KEEP_SIZE_FLAGS),RUSTFLAGS="$(strip $(RUSTFLAGS) $(SIZE_FLAGS))") $(CARGO_WASM)

pkg: wasm
	@rm -rf pkg/node pkg/web
	wasm-bindgen --target nodejs --out-dir pkg/node $(WASM)
	wasm-bindgen --target web --out-dir pkg/web $(WASM)
	$(WASM_OPT) -Os --low-memory-unused --strip-producers --strip-target-features pkg/web/kjb_bg.wasm -o pkg/web/kjb_bg.wasm
	cp pkg/web/kjb_bg.wasm pkg/node/kjb_bg.wasm
	echo '{ "type": "module" }' > pkg/web/package.json
	node scripts/build-cjs.mjs pkg/lib/api.mjs pkg/lib/client.mjs
	cp pkg/index.d.ts pkg/index.d.mts
	cp pkg/index.d.ts pkg/index.d.cts
	cp README.npm.md pkg/README.md
	mkdir -p pkg/docs && cp docs/api.md pkg/docs/api.md
	@node scripts/size.mjs

# ---- tests ----------------------------------------------------------------------------------

test: setup-browser lint test-build-cjs test-rust test-wasm pkg test-types test-node test-browser test-packaging test-size test-bench-agree test-secret-memory
	@echo "make test: all suites passed"

# Then the wasm build as it ships, where every module but the façade is private: an item
# nothing uses is a dead-code warning there, and any warning fails.
test-rust: setup
	cargo test
	cargo clippy --all-targets -- -D warnings
	cargo check --target wasm32-unknown-unknown --lib 2>&1 | tee target/wasm-check.log
	@! grep -q '^warning' target/wasm-check.log || { echo "test-rust: the wasm32 build has warnings (above)"; exit 1; }

test-wasm: test-wasm-node test-wasm-browser

test-wasm-node: setup
	WASM_BINDGEN_TEST_ONLY_NODE=1 cargo test --target wasm32-unknown-unknown --test wasm_node

test-wasm-browser: setup-browser
	WASM_BINDGEN_TEST_ONLY_WEB=1 cargo test --target wasm32-unknown-unknown --test wasm_browser

# The package as a user gets it: `npm pack`, then `npm install` of the tarball into a scratch
# project, where the tests run with no path back into this repo.
test-node: pkg
	@scripts/install-pkg.sh target/consumer
	cd target/consumer && node --test --test-reporter=spec

test-browser: pkg setup-browser
	node --test --test-reporter=spec tests/browser/

# The packed package where its users run it: Node ESM and CJS, strict TypeScript, Vite and
# webpack builds in Chromium, module workers, the Manifest V3 extension (tests/packaging/);
# then the runtime matrix (runtimes.test.mjs): Node 20/22/24/26, Deno, Bun, workerd (and a
# wrangler bundle), and the www/edge Worker. It prints the time each row and the matrix take.
.PHONY: test-packaging test-runtimes extension
test-packaging: pkg setup-browser setup-runtimes
	node --test --test-reporter=spec tests/packaging/packaging.test.mjs
	node --test --test-reporter=spec tests/packaging/runtimes.test.mjs

# Only the runtime matrix.
test-runtimes: pkg setup-runtimes
	node --test --test-reporter=spec tests/packaging/runtimes.test.mjs

# The MV3 example extension, ready to load unpacked: kjb's web build copied into
# www/extension/vendor/kjb/ (gitignored).
extension: pkg
	node www/extension/build.mjs

# ---- demo -----------------------------------------------------------------------------------

demo: pkg
	node www/server.mjs

# Only the demo's browser test (`test-browser` already runs it with the other browser tests).
.PHONY: test-demo
test-demo: pkg setup-browser
	node --test --test-reporter=spec tests/browser/demo.test.mjs

clean:
	rm -rf target pkg/node pkg/web pkg/lib/api.cjs pkg/lib/client.cjs pkg/index.d.mts pkg/index.d.cts pkg/README.md pkg/docs

# ---- fuzzing (cargo-fuzz on nightly; not part of `make test`, see fuzz/README.md) ----------

FUZZ_TARGETS := money orders_plan gateway_parse push_verify form_roundtrip
FUZZ_TIME    ?= 600
FUZZ_SMOKE   ?= 10
CARGO_FUZZ   := cargo +nightly fuzz
FUZZ_FLAGS   := --sanitizer none --debug-assertions

.PHONY: fuzz fuzz-smoke fuzz-build
fuzz-build:
	@$(CARGO_FUZZ) --version >/dev/null 2>&1 || { echo "fuzzing needs the nightly toolchain and cargo-fuzz: rustup toolchain install nightly; cargo install cargo-fuzz"; exit 1; }
	cd fuzz && $(CARGO_FUZZ) build $(FUZZ_FLAGS)

# Each target for FUZZ_TIME seconds (default 10 min), one after the other, from its corpus
# and hand-written seeds (fuzz/seeds/<target>); what it finds goes into fuzz/corpus/<target>
# (minimise before committing: fuzz/README.md), crashes into fuzz/artifacts/<target>.
fuzz: fuzz-build
	cd fuzz && for t in $(FUZZ_TARGETS); do \
	  nice $(CARGO_FUZZ) run $(FUZZ_FLAGS) $$t corpus/$$t seeds/$$t -- -max_total_time=$(FUZZ_TIME) -print_final_stats=1 || exit 1; \
	done

# Each target for FUZZ_SMOKE seconds (default 10) over its committed corpus and seeds, which
# it leaves as they are: new inputs go to a scratch folder.
fuzz-smoke: fuzz-build
	@mkdir -p target/fuzz-smoke
	@cd fuzz && for t in $(FUZZ_TARGETS); do \
	  scratch=$$(mktemp -d); log=../target/fuzz-smoke/$$t.log; \
	  if $(CARGO_FUZZ) run $(FUZZ_FLAGS) $$t $$scratch corpus/$$t seeds/$$t -- -max_total_time=$(FUZZ_SMOKE) -print_final_stats=1 >$$log 2>&1; then \
	    echo "fuzz-smoke $$t: $$(grep -o 'Done [0-9]* runs in [0-9]* second(s)' $$log)"; rm -rf $$scratch; \
	  else \
	    tail -n 60 $$log; echo "fuzz-smoke $$t FAILED: crash input in fuzz/artifacts/$$t/, log in target/fuzz-smoke/$$t.log"; rm -rf $$scratch; exit 1; \
	  fi; \
	done

# ---- benchmarks and size (issue #9; README "Performance") ----------------------------------

.PHONY: bench bench-quick bench-core bench-count test-bench-agree test-size

# kjb against the plain-JS reference (bench/reference.mjs), alternating, medians; prints the
# table and writes bench/results/latest.json. `make bench-core`: criterion on the Rust core.
bench: pkg
	node --expose-gc bench/run.mjs

bench-quick: pkg
	node --expose-gc bench/run.mjs --quick

bench-core: setup
	cargo bench --bench core

# Instructions per call of the timed calls, counted by valgrind (bench/count.mjs): repeatable
# to ~0.1% within one run, where timings move ±3–5%. `make bench-count PKGS="/tmp/a /tmp/b"`
# compares built package directories side by side (without PKGS: pkg, built first).
bench-count: $(if $(PKGS),,pkg)
	node bench/count.mjs $(PKGS)

# The reference and kjb give the same answers on the benchmark's inputs (small ones: seconds).
test-bench-agree: pkg
	node --test --test-reporter=spec bench/agree.test.mjs

# tests/node/secret-memory.test.cjs on the wasm rebuilt with the crate at other opt-levels
# (the optimiser decides what is spilled to the wasm stack): `make test-secret-memory
# SECRET_OPTS="3 s z"`. Each level builds in its own target/opt-LEVEL.
.PHONY: test-secret-memory
SECRET_OPTS ?= s
test-secret-memory: pkg
	scripts/secret-memory.sh $(SECRET_OPTS)

# The gzipped wasm stays within scripts/size.mjs's budget.
test-size: pkg
	node scripts/size.mjs --check


# ---- types, lint, format (issue #15) --------------------------------------------------------

.PHONY: test-types lint fmt test-build-cjs

# The shipped types against what kjb really takes and gives: every sample and fixture input
# (tests/packaging/inputs.json, tests/node/samples, bench/gen.mjs) and
# the built package's answer to it, and the TypeScript examples of docs/api.md, type-checked with
# tsc against pkg/index.d.ts (scripts/check-types.mjs). A drift on either side fails.
# First, every error and reason code of the core is declared there and documented in docs/api.md
# (scripts/check-codes.mjs).
test-types: pkg
	node scripts/check-codes.mjs
	node scripts/check-types.mjs

# esbuild's CJS conversion (scripts/build-cjs.mjs) on the constructs the old regex step broke.
test-build-cjs: setup
	node --test --test-reporter=spec tests/build/build-cjs.test.mjs

# Biome's linter over the JS and TypeScript (biome.json; a warning fails too), its formatter and
# rustfmt's (rustfmt.toml) in check mode: `make fmt` rewrites what they flag.
lint: setup
	node_modules/.bin/biome lint --error-on-warnings
	node_modules/.bin/biome format
	cargo fmt --check

# Rewrites the sources in the project's style: rustfmt.toml, biome.json.
fmt: setup
	cargo fmt
	node_modules/.bin/biome format --write
