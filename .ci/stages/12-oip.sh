#!/usr/bin/env bash
# CI stage: the Open Inference Protocol from Python. A real activation-server
# with its HTTP/REST API on, both on free loopback ports; then
# examples/python/test_oip.py: gRPC through stubs generated from
# proto/inference/grpc_predict_v2.proto (Debian's python3-grpcio) and REST
# through the standard library, every answer bit for bit against the same
# server's activation.v1 answer.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
if [ -z "${OIP_BUILD_DIR:-}" ] && [ "${CI:-}" = true ] && [ -f build/CMakeCache.txt ]; then
  OIP_BUILD_DIR=$repo/build
fi
build=${OIP_BUILD_DIR:-$repo/build-ci-oip}

echo "--- packages"
scripts/install-deps.sh python3-grpcio python3-protobuf python3-numpy grpc-proto protobuf-compiler-grpc

echo "--- build activation-server ($build)"
[ -f "$build/CMakeCache.txt" ] || cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target activation-server -j2
python_stubs=$(examples/python/generate_stubs.sh "$build/python-stubs")

echo "--- start the server"
. .ci/lib/server.sh
start_server "$build"
export ACTIVATION_HTTP_TARGET=127.0.0.1:$http_port
echo "server at $ACTIVATION_TARGET, HTTP at $ACTIVATION_HTTP_TARGET"

echo "--- Python: Open Inference Protocol over gRPC and HTTP"
(cd examples/python && ACTIVATION_STUBS=$python_stubs /usr/bin/python3 -m unittest -v test_oip)
