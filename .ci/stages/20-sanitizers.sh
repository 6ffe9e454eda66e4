#!/usr/bin/env bash
# CI stage: the whole test suite under AddressSanitizer + UndefinedBehavior-
# Sanitizer (the fault and soak tests against the server included), then the
# concurrency tests under ThreadSanitizer: the worker pool and batch pipeline,
# and the server (in-process integration tests, the fault tests and a short
# soak against the server binary). Each in its own build dir; only the test
# targets and what they need are built (no benchmarks), at -O1 to keep the
# rebuild short. Any sanitizer report fails the stage.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
asan_dir=${ASAN_BUILD_DIR:-$repo/build-ci-asan}
tsan_dir=${TSAN_BUILD_DIR:-$repo/build-ci-tsan}
jobs=${JOBS:-2}
suppressions=$repo/tests/reliability/sanitizers

scripts/install-deps.sh ninja-build

configure() {  # dir, sanitizer flags, [extra compile flags]
  cmake -S . -B "$1" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
    -DCMAKE_CXX_FLAGS="$2 -fno-omit-frame-pointer ${3:-}" \
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
# Debian's gRPC, abseil and protobuf are not built with TSan. Two things make
# the server testable anyway (see tests/reliability/sanitizers/):
# - tsan_protobuf_abi.h, force-included: protobuf's map_field.h changes
#   MapFieldBase's layout under TSan, which made libprotobuf delete our arena
#   (the SEGV in ThreadSafeArena::SpaceAllocated);
# - grpc_happens_before.cc, LD_PRELOADed into the server tests: gives TSan the
#   ordering those libraries guarantee (tags, absl::Mutex, OnDone), which it
#   cannot see in uninstrumented code.
# tsan.supp only stops checking libc calls made inside those libraries.
configure "$tsan_dir" "-fsanitize=thread" "-include $suppressions/tsan_protobuf_abi.h"
cmake --build "$tsan_dir" -j"$jobs" --target simd_tests client_unit_test \
  activation-server server_integration_test reliability_fault_test reliability_soak_test
happens_before=$tsan_dir/libgrpc_happens_before.so
c++ -std=c++17 -shared -fPIC -O1 -g -fsanitize=thread "$suppressions/grpc_happens_before.cc" -o "$happens_before" -ldl

unset ASAN_OPTIONS LSAN_OPTIONS
# Reports go to files (log_path), so that those of the server child processes,
# which the tests kill, are seen too: any file there fails the stage.
reports=$tsan_dir/tsan-reports
rm -rf "$reports" && mkdir -p "$reports"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$suppressions/tsan.supp:log_path=$reports/report"
check_reports() {
  if compgen -G "$reports/report*" >/dev/null; then
    cat "$reports"/report*
    echo "ThreadSanitizer reported the above" >&2
    exit 1
  fi
}
trap check_reports EXIT

echo "--- TSan: the canary (a deliberate race in a gRPC handler must be reported under the same setup)"
canary=$tsan_dir/tsan_canary
c++ -std=c++17 -O1 -g -fsanitize=thread -include "$suppressions/tsan_protobuf_abi.h" -I"$tsan_dir/proto/gen" \
  "$suppressions/tsan_canary.cc" "$tsan_dir/proto/libactivation_proto.a" -o "$canary" $(pkg-config --libs grpc++ protobuf)
canary_report=$(LD_PRELOAD=$happens_before TSAN_OPTIONS="suppressions=$suppressions/tsan.supp" "$canary" 2>&1 || true)
if ! grep -Eq "SUMMARY: ThreadSanitizer: data race .*tsan_canary.cc:[0-9]+ in (Racy::)?ListActivations" <<<"$canary_report"; then
  echo "$canary_report"
  echo "TSan did not report the canary's race: the setup would hide races in handlers" >&2
  exit 1
fi

echo "--- TSan: worker pool and batch pipeline (tests/compute, tests/client)"
ctest --test-dir "$tsan_dir" --output-on-failure -j"$jobs" --timeout 900 --no-tests=error -R '^(WorkerPool|Compute|Batch)\.'

echo "--- TSan: the server in-process (every integration test: many callers, the compute pool, streams, errors, shutdown)"
LD_PRELOAD=$happens_before "$tsan_dir/tests/server/server_integration_test"

echo "--- TSan: faults (cancels mid-stream, disconnects, raw frames, SIGTERM with 100 calls in flight) and a 20 s soak"
# The server child runs under TSan too (same binary dir). Retried once: under
# TSan's slowdown the SIGTERM test's timing can miss (a call still uploading
# after the drain's quiet period is cancelled); a TSan report is never retried
# away, since any report file fails the stage. The soak's RSS limit is off
# here: the RSS then also holds TSan's own race history.
LD_PRELOAD=$happens_before SOAK_SECONDS=${SANITIZER_SOAK_SECONDS:-20} SOAK_RSS_CHECK=0 \
  ctest --test-dir "$tsan_dir" --output-on-failure -j1 --timeout 900 --no-tests=error --repeat until-pass:2 \
  -R '^(FaultTest|SigtermFaultTest|SoakTest)\.'
