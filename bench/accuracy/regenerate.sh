#!/usr/bin/env bash
# Regenerates the published accuracy figures and the README's activation
# table from measurement: run after changing any kernel or catalogue entry.
#   bench/accuracy/regenerate.sh [BUILD_DIR]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${1:-build}"
cmake --build "$build" --target measure_accuracy
"$build/bench/accuracy/measure_accuracy" --output compute/accuracy_table.inc
cmake --build "$build" --target catalogue_markdown   # rebuilt with the new table
"$build/bench/accuracy/catalogue_markdown" --update README.md
