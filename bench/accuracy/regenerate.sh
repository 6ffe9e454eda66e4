#!/usr/bin/env bash
# Re-measures the published accuracy and regenerates everything rendered from
# it: run after changing any kernel or catalogue entry, on a CPU that runs
# every target the binary carries (AVX-512), with ACTIVATION_SIMD_TARGET unset.
#   bench/accuracy/regenerate.sh [BUILD_DIR]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${1:-build}"
results=bench/results/accuracy
cmake --build "$build" --target measure_accuracy ulp_sweep
"$build/bench/accuracy/measure_accuracy" --output "$results/measure_accuracy.txt"
"$build/bench/accuracy/measure_accuracy" --float64 --output "$results/float64_ulp.txt"
bench/accuracy/sweep_targets.sh "$build" 256 "$results/ulp_sweep_stride256.txt" >/dev/null
python3 bench/accuracy/render_accuracy.py          # compute/accuracy_table.inc, docs/accuracy.md
python3 bench/accuracy/render_dtypes.py            # compute/float64_accuracy_table.inc, docs/accuracy.md
cmake --build "$build" --target catalogue_markdown # rebuilt with the new table
"$build/bench/accuracy/catalogue_markdown" --update README.md
