#!/usr/bin/env bash
# CI stage: the machines our users run are not this one. The whole test suite
# runs again with the kernels capped at AVX2, at SSE4 and at the portable
# target (as on a CPU without AVX-512, without AVX, or anything else), and a
# strided ulp_sweep (every 256th bit pattern, every function, both passes)
# holds the AVX2 and SSE4 kernels to the figures the catalogue publishes for
# them. Reuses the build of the test-suite stage (build/ or $BUILD_DIR).
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${BUILD_DIR:-build}
[ -f "$build/CMakeCache.txt" ] || cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)"
for target in avx2 sse4 scalar; do
  echo "--- ACTIVATION_SIMD_TARGET=$target ctest"
  start=$SECONDS
  ACTIVATION_SIMD_TARGET=$target ctest --test-dir "$build" --output-on-failure -j"$(nproc)"
  echo "--- $target: $((SECONDS - start)) s"
done
echo "--- strided ulp_sweep, AVX2 and SSE4, against the published figures"
start=$SECONDS
bench/accuracy/sweep_targets.sh "$build" 256 "$(mktemp)" avx2 sse4 -- --check-published
echo "--- sweep: $((SECONDS - start)) s"
