#!/usr/bin/env bash
# CI stage: the API contract and the clients in other languages.
#  1. buf lint; buf breaking against the committed baseline image (v1 as first
#     published) and, when git history is there, against the previous revision.
#  2. A real activation-server on a free loopback port; the Python and Node
#     example tests and a buf curl call through server reflection, each checking
#     values against double-precision formulas written in the test; Python also
#     checks every catalogue entry bit for bit against activation-client --local.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
# In CI the test-suite stage has just built everything into build/: reuse it
# (the build below is then a no-op check). Elsewhere, a build dir of our own.
if [ -z "${EXAMPLES_BUILD_DIR:-}" ] && [ "${CI:-}" = true ] && [ -f build/CMakeCache.txt ]; then
  EXAMPLES_BUILD_DIR=$repo/build
fi
build=${EXAMPLES_BUILD_DIR:-$repo/build-ci-examples}
buf=$repo/examples/node/node_modules/.bin/buf

echo "--- packages"
scripts/install-deps.sh python3-grpcio python3-protobuf python3-numpy python3-mpmath python3-matplotlib grpc-proto
command -v npm >/dev/null || scripts/install-deps.sh nodejs npm
(cd examples/node && npm ci --no-audit --no-fund --loglevel=error)

echo "--- buf lint, buf breaking"
"$buf" lint
"$buf" breaking --against proto/baseline/activation.v1.image.json
if git rev-parse -q --verify HEAD~1 >/dev/null; then
  "$buf" breaking --against ".git#ref=HEAD~1"
fi

echo "--- build activation-server, activation-client ($build)"
[ -f "$build/CMakeCache.txt" ] || cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target activation-server activation-client -j2
export ACTIVATION_CLIENT=$build/client/activation-client  # its --local mode: the compute library
python_stubs=$(examples/python/generate_stubs.sh "$build/python-stubs")

echo "--- start the server"
. .ci/lib/server.sh
start_server "$build"
echo "server at $ACTIVATION_TARGET"

echo "--- Python example"
(cd examples/python && ACTIVATION_STUBS=$python_stubs /usr/bin/python3 -m unittest -v test_example)

echo "--- Node example"
(cd examples/node && node --test test/)

echo "--- buf curl through reflection"
examples/buf/curl_test.sh "$buf" "$ACTIVATION_TARGET"
