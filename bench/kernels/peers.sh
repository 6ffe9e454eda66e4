#!/usr/bin/env bash
# The vector kernels against oneDNN, side by side in one run per instruction
# set: the machine's best (bench/results/kernels/peers-native.json) and both
# capped at AVX2, as on a CPU without AVX-512 (peers-avx2.json). Rendered by
# bench/render_docs.py into docs/performance.md.
# Usage: bench/kernels/peers.sh [BUILD_DIR] [--benchmark_context=key=value ...]
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
shift || true
repetitions=5
run() {  # run OUTPUT [VAR=value ...]
  local out=$1
  shift
  env "$@" ACTIVATION_COMPUTE_THREADS=1 "$build/bench/kernels/kernels_bench" \
    --benchmark_filter='^(fast|onednn|memcpy)/.*(1048576|16777216)(/|$)' \
    --benchmark_min_time=0.1 --benchmark_repetitions=$repetitions --benchmark_enable_random_interleaving=true \
    --benchmark_report_aggregates_only=true --benchmark_context=repetitions=$repetitions "${extra[@]}" \
    --benchmark_out="$out" --benchmark_out_format=json >/dev/null
}
extra=("$@")
run bench/results/kernels/peers-native.json
run bench/results/kernels/peers-avx2.json ACTIVATION_SIMD_TARGET=avx2 DNNL_MAX_CPU_ISA=AVX2
bench/render_docs.py
