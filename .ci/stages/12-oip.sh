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
work=$(mktemp -d)
"$build/server/activation-server" --listen 127.0.0.1:0 --http-listen 127.0.0.1:0 --port-file "$work/port" \
  >"$work/server.log" 2>&1 &
server_pid=$!
stop_server() {
  local status=$?
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  [ "$status" -eq 0 ] || { echo "--- server log (last 30 lines)"; tail -n 30 "$work/server.log"; }
  rm -rf "$work"
}
trap stop_server EXIT
for _ in $(seq 100); do
  [ -s "$work/port" ] && break
  kill -0 "$server_pid" || { echo "activation-server exited before listening" >&2; exit 1; }
  sleep 0.1
done
[ -s "$work/port" ] || { echo "activation-server did not write its port file" >&2; exit 1; }
# The port file holds the gRPC port; the HTTP one is in the start-up log line.
http_port=$(grep -o 'http_port=[0-9]*' "$work/server.log" | head -n1 | cut -d= -f2)
[ -n "$http_port" ] || { echo "no http_port in the server's log" >&2; exit 1; }
export ACTIVATION_TARGET=127.0.0.1:$(head -n1 "$work/port")
export ACTIVATION_HTTP_TARGET=127.0.0.1:$http_port
echo "server at $ACTIVATION_TARGET, HTTP at $ACTIVATION_HTTP_TARGET"

echo "--- Python: Open Inference Protocol over gRPC and HTTP"
(cd examples/python && ACTIVATION_STUBS=$python_stubs /usr/bin/python3 -m unittest -v test_oip)
