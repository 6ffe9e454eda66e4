#!/usr/bin/env bash
# CI stage: the server and operations test binaries run twice more, one
# repetition after the other, so that a test which passes only sometimes
# shows up here rather than in a user's first run. Reuses the build of the
# test-suite stage (build/ or $BUILD_DIR).
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${BUILD_DIR:-build}
[ -f "$build/CMakeCache.txt" ] || cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target server_integration_test server_binary_test server_ops_test server_oip_test \
  server_ops_shutdown_test -j"$(nproc)"
echo "--- ctest -L 'server|ops' --repeat until-fail:2"
ctest --test-dir "$build" -L '^(server|ops)$' --repeat until-fail:2 --output-on-failure -j"$(nproc)"
