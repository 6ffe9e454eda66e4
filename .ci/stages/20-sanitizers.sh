#!/usr/bin/env bash
# CI stage: the whole test suite under AddressSanitizer + UndefinedBehavior-
# Sanitizer (the fault and soak tests against the server included), then the
# in-process concurrency tests (worker pool, batch pipeline) under
# ThreadSanitizer. Each in its own build dir; only the test targets and what
# they need are built (no benchmarks), at -O1 to keep the rebuild short.
# Any sanitizer report fails the test that triggered it.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
asan_dir=${ASAN_BUILD_DIR:-$repo/build-ci-asan}
tsan_dir=${TSAN_BUILD_DIR:-$repo/build-ci-tsan}
jobs=${JOBS:-2}
suppressions=$repo/tests/reliability/sanitizers

scripts/install-deps.sh ninja-build

configure() {  # dir, sanitizer flags
  cmake -S . -B "$1" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
    -DCMAKE_CXX_FLAGS="$2 -fno-omit-frame-pointer" \
    -DCMAKE_EXE_LINKER_FLAGS="$2" >/dev/null
}

echo "--- ASan + UBSan: build ($asan_dir)"
configure "$asan_dir" "-fsanitize=address,undefined -fno-sanitize-recover=undefined"
# catalogue_markdown: the README-table test lives beside the accuracy tools in bench/.
cmake --build "$asan_dir" --target tests/all catalogue_markdown -j"$jobs"
echo "--- ASan + UBSan: every test"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1"
export LSAN_OPTIONS="suppressions=$suppressions/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
# The soak is shorter here: the point is sanitizer coverage of every path.
SOAK_SECONDS=${SANITIZER_SOAK_SECONDS:-20} ctest --test-dir "$asan_dir" --output-on-failure -j"$jobs" --timeout 900

echo "--- TSan: build ($tsan_dir)"
configure "$tsan_dir" "-fsanitize=thread"
# Only the in-process concurrency (worker pool, batch pipeline): the server
# under TSan is not run here, because Debian's gRPC, abseil and protobuf are
# not TSan-instrumented. It reported races inside them and crashed in
# libprotobuf's arena, while the same tests pass clean under ASan+UBSan above.
cmake --build "$tsan_dir" -j"$jobs" --target simd_tests client_unit_test
echo "--- TSan: concurrency tests"
unset ASAN_OPTIONS LSAN_OPTIONS
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$suppressions/tsan.supp"
# The worker pool and the client's batch pipeline (tests/compute, tests/client),
ctest --test-dir "$tsan_dir" --output-on-failure -j"$jobs" --timeout 900 --no-tests=error -R '^(WorkerPool|Compute|Batch)\.'
