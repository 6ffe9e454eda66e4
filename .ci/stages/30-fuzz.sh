#!/usr/bin/env bash
# CI stage: libFuzzer (clang-14) on every fuzz target for FUZZ_SECONDS each
# (default 60): request validation + compute for EvaluateRequest and
# GradientRequest bytes, and the client's text, CSV and .npy parsers; under
# ASan + UBSan. Starts from the committed seeds (tests/reliability/fuzz/corpus)
# and grows a scratch corpus in the build dir. A crash fails the stage; its
# input is printed and kept in $build/artifacts: add it to the target's
# committed corpus as crash-<name> (after the fix) so the replay tests keep it.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
build=${FUZZ_BUILD_DIR:-$repo/build-ci-fuzz}
seconds=${FUZZ_SECONDS:-60}
targets=(evaluate gradient oip_infer oip_http text csv npy)

scripts/install-deps.sh ninja-build clang-14 libclang-rt-14-dev

# HWY_COMPILE_ONLY_STATIC: the kernels for one SIMD target (SSE4, from
# -march) instead of every one: a fraction of the compile time. Not the
# baseline (EMU128): Highway 1.0.3's emulated float->int conversion is
# undefined for NaN lanes, which UBSan reports on the first NaN input. The
# ASan stage runs every SIMD target's kernels.
flags="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
flags+=" -DHWY_COMPILE_ONLY_STATIC -march=x86-64-v2 -maes -mpclmul"
CC=clang-14 CXX=clang++-14 cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" -DCMAKE_CXX_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" -DACTIVATION_FUZZ=ON >/dev/null
cmake --build "$build" -j"${JOBS:-2}" --target "${targets[@]/%/_fuzzer}"

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
mkdir -p "$build/artifacts"
failed=()
for target in "${targets[@]}"; do
  echo "--- fuzz $target for ${seconds} s"
  scratch=$build/corpus/$target
  mkdir -p "$scratch"
  log=$build/fuzz-$target.log
  if ! "$build/tests/reliability/fuzz/${target}_fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -max_len=65536 -print_final_stats=1 -artifact_prefix="$build/artifacts/$target-" \
      "$scratch" "$repo/tests/reliability/fuzz/corpus/$target" >"$log" 2>&1; then
    failed+=("$target")
  fi
  tail -n 20 "$log"
done
if [ ${#failed[@]} -gt 0 ]; then
  # Last in the log, where a CI summary that keeps only the end still shows
  # them: each failing target's report and its inputs, whole, in base64.
  for target in "${failed[@]}"; do
    echo "=== $target: the report"
    grep -m1 "INFO: Seed" "$build/fuzz-$target.log" || true
    grep -E -A 30 "ERROR|WARNING|runtime error|deadly signal" "$build/fuzz-$target.log" | head -n 60
  done
  echo "fuzzing found crashes in: ${failed[*]}; inputs (base64):"
  for input in "$build"/artifacts/*; do
    echo "$(basename "$input"): $(base64 -w0 "$input")"
  done
  exit 1
fi
echo "fuzzing: no crash in ${#targets[@]} targets x ${seconds} s"
