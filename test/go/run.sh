#!/usr/bin/env bash
# The Go binding, proven: generates Go bindings with jsii-pacmak for cdk8s, cdk8s-plus-27 (from the
# .jsii assemblies their npm packages ship) and this library (its .jsii from `npx projen compile`),
# builds test/go/main.go against them, and checks that it prints byte-identical YAML to its
# TypeScript twin test/go/app.ts. Writes test-reports/junit-go.xml (one test case) for .ci/summary.js.
#
# Needs a compiled library (lib/ and .jsii): run `npx projen compile` first (test:all does).
#
# The cdk8s and cdk8s-plus-27 bindings (8 MB of Go, about 15 s to generate) are cached outside the
# repository, keyed by the pacmak, cdk8s and cdk8s-plus-27 versions; this library's binding is
# generated afresh into build/go/ on every run. Go's build cache (GOCACHE) keeps the compiled
# packages, so only what changed is recompiled.
#
# Environment:
#   CDK8S_BATCH_GO_CACHE  cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/cdk8s-batch-go)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
BUILD="$ROOT/build/go"
REPORT="$ROOT/test-reports/junit-go.xml"
CASE='the Go binding synthesizes byte-identical YAML to TypeScript (test/go/main.go vs test/go/app.ts)'

log() { printf '[test/go] %s\n' "$*" >&2; }
started=$(date +%s)

junit() { # junit FAILURE-MESSAGE-OR-EMPTY
  mkdir -p "$(dirname "$REPORT")"
  local seconds=$(( $(date +%s) - started )) body=''
  if [ -n "$1" ]; then
    body="<failure message=\"Go YAML differs from TypeScript\"><![CDATA[$1]]></failure>"
  fi
  printf '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites><testsuite name="go binding" tests="1" failures="%d" time="%d"><testcase classname="test/go" name="%s" time="%d">%s</testcase></testsuite></testsuites>\n' \
    "$([ -n "$1" ] && echo 1 || echo 0)" "$seconds" "$CASE" "$seconds" "$body" > "$REPORT"
}
fail() { log "FAIL: $*"; junit "$*"; exit 1; }

[ -f .jsii ] && [ -f lib/index.js ] || fail "no compiled library (.jsii, lib/): run 'npx projen compile' first"
if [ -n "$(find src -name '*.ts' -newer .jsii -print -quit)" ]; then
  fail "src/ changed after the last compile (.jsii is stale): run 'npx projen compile' first"
fi

# Never let `go` fetch another toolchain: the module proxy is the only Go source here.
export GOTOOLCHAIN=local
# jsii's Node end-of-life banner (pacmak and the Go program's jsii kernel each print it) would
# drown the log; CI runs Node 20, which jsii 6 tools still work on.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20

version() { node -p "require('./node_modules/$1/package.json').version"; }
key="pacmak-$(version jsii-pacmak)_cdk8s-$(version cdk8s)_plus27-$(version cdk8s-plus-27)"
cache="${CDK8S_BATCH_GO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cdk8s-batch-go}/$key"

t0=$(date +%s)
if [ ! -f "$cache/go/cdk8s/go.mod" ] || [ ! -f "$cache/go/cdk8splus27/go.mod" ]; then
  log "generating the cdk8s and cdk8s-plus-27 Go bindings into $cache"
  stage="$cache.tmp.$$"
  rm -rf "$stage"
  # --no-npmignore: pacmak must not edit the .npmignore of packages in node_modules.
  npx jsii-pacmak --target go --code-only --no-npmignore --outdir "$stage" node_modules/cdk8s node_modules/cdk8s-plus-27 >/dev/null
  rm -rf "$cache" && mv "$stage" "$cache"
else
  log "cdk8s and cdk8s-plus-27 Go bindings cached in $cache"
fi
t1=$(date +%s)

log "generating this library's Go binding into $BUILD/gen"
rm -rf "$BUILD/gen"
mkdir -p "$BUILD"
npx jsii-pacmak --target go --code-only --no-npmignore --outdir "$BUILD/gen" . >/dev/null
# test/go/go.mod's replace directives point here.
ln -sfn "$cache/go/cdk8s" "$BUILD/cdk8s"
ln -sfn "$cache/go/cdk8splus27" "$BUILD/cdk8splus27"
ln -sfn "$BUILD/gen/go/cdk8sbatch" "$BUILD/cdk8sbatch"
t2=$(date +%s)

log "building test/go"
# -trimpath: the build cache entries do not depend on where the repository is checked out;
# -mod=readonly: the committed go.mod/go.sum are the pins; -buildvcs=false: the program's
# version is not the repository's git state.
(cd test/go && go build -trimpath -mod=readonly -buildvcs=false -o "$BUILD/app" .)
t3=$(date +%s)

"$BUILD/app" > "$BUILD/go.yaml" || fail "the Go program failed (exit $?)"
# --transpile-only: only what it prints matters here, and type-checking against cdk8s-plus-27
# would double the time.
npx ts-node --transpile-only --project test/tsconfig.json test/go/app.ts > "$BUILD/ts.yaml" || fail "test/go/app.ts failed (exit $?)"
t4=$(date +%s)
log "times: bindings of cdk8s and plus $((t1 - t0)) s, library binding $((t2 - t1)) s, go build $((t3 - t2)) s, run both $((t4 - t3)) s"

if ! cmp -s "$BUILD/go.yaml" "$BUILD/ts.yaml"; then
  fail "$(diff -u --label 'Go (test/go/main.go)' --label 'TypeScript (test/go/app.ts)' "$BUILD/go.yaml" "$BUILD/ts.yaml" | head -60)"
fi
[ -s "$BUILD/go.yaml" ] || fail "both programs printed nothing"
junit ''
log "PASS: $CASE ($(wc -l < "$BUILD/go.yaml") lines)"
