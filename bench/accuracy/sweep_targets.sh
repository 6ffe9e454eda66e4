#!/usr/bin/env bash
# Runs ulp_sweep over every function (gelu in both forms), both passes, the
# fast kernels forced to each SIMD target this CPU offers in turn, plus the
# scalar reference kernels once, on every STRIDE-th bit pattern. Writes the
# raw lines, with the machine they ran on, to OUTPUT.
#
#   bench/accuracy/sweep_targets.sh BUILD_DIR STRIDE OUTPUT [TARGET...] [-- ULP_SWEEP_FLAGS...]
#
# TARGETs default to avx512 avx2 sse4 ssse3 scalar (those the CPU lacks are
# skipped). Exits 1 when any line fails ulp_sweep's checks (pass
# -- --check-published to hold each target to its published figures).
set -euo pipefail
build=$1 stride=$2 output=$3
shift 3
targets=() flags=()
while [ $# -gt 0 ]; do
  if [ "$1" = -- ]; then shift; flags=("$@"); break; fi
  targets+=("$1"); shift
done
[ ${#targets[@]} -gt 0 ] || targets=(avx512 avx2 sse4 ssse3 scalar)
sweep=$build/bench/accuracy/ulp_sweep
threads=$(nproc)
status=0
{
  echo "# bench/accuracy/sweep_targets.sh $build $stride $(basename "$output") ${targets[*]} ${flags[*]:+-- ${flags[*]}}"
  echo "# cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //');$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(sse|ssse3|avx|fma)' | tr '\n' ' ' | sed 's/^/ /')"
  echo "# every ${stride}th bit pattern (sample k is pattern k*stride + k%stride), default parameters"
} > "$output"
run() { "$sweep" --stride "$stride" --threads "$threads" "${flags[@]}" "$@" >> "$output" || status=1; }
run --function all --kernel reference
run --function gelu --kernel reference --param approximate=1
for target in "${targets[@]}"; do
  if ! "$sweep" --target "$target" --function relu --stride 65536 --threads 1 >/dev/null 2>&1; then
    echo "# $target: not available on this CPU" >> "$output"
    continue
  fi
  run --function all --kernel fast --target "$target"
  run --function gelu --kernel fast --target "$target" --param approximate=1
done
cat "$output"
exit $status
