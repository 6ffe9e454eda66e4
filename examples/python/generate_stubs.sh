#!/usr/bin/env bash
# Generates the Python protobuf + gRPC stubs (never committed) for the service,
# the Open Inference Protocol (inference/) and the standard health API, with Debian's protoc and grpc_python_plugin:
#   examples/python/generate_stubs.sh [OUT_DIR]     (default: examples/python/gen)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${1:-$here/gen}
# Debian package grpc-proto. Rooted at grpc/ so the stubs land in health/v1/
# rather than in a grpc/ folder that would shadow the grpc module itself.
health_protos=/usr/share/grpc-proto/grpc
mkdir -p "$out"
protoc -I "$repo/proto" -I "$health_protos" \
  --python_out="$out" --grpc_out="$out" \
  --plugin=protoc-gen-grpc="$(command -v grpc_python_plugin)" \
  activation/v1/activation.proto inference/grpc_predict_v2.proto health/v1/health.proto
echo "$out"
