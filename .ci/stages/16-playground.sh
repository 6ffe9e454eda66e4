#!/usr/bin/env bash
# CI stage: the playground page (GET / of the HTTP port) in a real browser.
# Debian's chromium, headless, driven by playwright-core from npm (no browser
# download) through tests/playground/playground.test.mjs, against a real
# activation-server on free loopback ports: the catalogue listed, gelu's f and
# f' plotted equal to the server's own answers, the server's message for an
# invalid parameter, no request to anything but the server. The screenshots
# stay in $build/artifacts/ (build/artifacts/playground.png in CI).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
start=$SECONDS
if [ -z "${PLAYGROUND_BUILD_DIR:-}" ] && [ "${CI:-}" = true ] && [ -f build/CMakeCache.txt ]; then
  PLAYGROUND_BUILD_DIR=$repo/build
fi
build=${PLAYGROUND_BUILD_DIR:-$repo/build-ci-playground}

echo "--- packages"
scripts/install-deps.sh chromium fonts-dejavu-core
command -v npm >/dev/null || scripts/install-deps.sh nodejs npm
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' ||
  { echo "playwright-core needs Node 20 or later; this is $(node --version)" >&2; exit 1; }
(cd tests/playground && npm ci --no-audit --no-fund --loglevel=error)

echo "--- build activation-server ($build)"
[ -f "$build/CMakeCache.txt" ] || cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target activation-server -j2

echo "--- start the server"
. .ci/lib/server.sh
start_server "$build"
echo "page at http://127.0.0.1:$http_port/"

echo "--- headless Chromium on the page"
mkdir -p "$build/artifacts"
(cd tests/playground && PLAYGROUND_URL="http://127.0.0.1:$http_port/" ARTIFACTS_DIR="$build/artifacts" node --test)
echo "screenshots: $build/artifacts/playground.png, playground-full.png, playground-phone.png"
echo "stage 16 finished in $((SECONDS - start)) s"
