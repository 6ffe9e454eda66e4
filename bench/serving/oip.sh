#!/usr/bin/env bash
# The Open Inference Protocol over gRPC against activation.v1 on one server
# in one `activation-client bench` run: the two protocols take turns at each
# size and concurrency (256 floats with 32 calls in flight; 1M floats, raw),
# REPEATS times, and the table ends with the oip / v1 ratio of req/s per case
# (median over the repeats). The header records the machine and its load.
#
#   bench/serving/oip.sh                                # uses ./build (BUILD_DIR to change)
#   RESULTS_OUT=bench/results/serving/oip.txt bench/serving/oip.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR=${BUILD_DIR:-build}
DURATION=${DURATION:-3}
WARMUP=${WARMUP:-1}
REPEATS=${REPEATS:-3}
server_bin=$BUILD_DIR/server/activation-server
client_bin=$BUILD_DIR/client/activation-client
for bin in "$server_bin" "$client_bin"; do
  [ -x "$bin" ] || { echo "missing $bin: build first (cmake --build $BUILD_DIR)" >&2; exit 1; }
done

work=$(mktemp -d)
server_pid=
cleanup() {
  [ -z "$server_pid" ] || { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
  rm -rf "$work"
}
trap cleanup EXIT
"$server_bin" --listen 127.0.0.1:0 --port-file "$work/port" --log-level warn >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 200); do [ -s "$work/port" ] && break; sleep 0.05; done
[ -s "$work/port" ] || { cat "$work/server.log" >&2; exit 1; }
target=127.0.0.1:$(cat "$work/port")

{
  echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(uname -m), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# $client_bin bench --protocol v1,oip --duration $DURATION --warmup $WARMUP, $REPEATS repeats"
  for repeat in $(seq "$REPEATS"); do
    "$client_bin" bench --target "$target" --protocol v1,oip --sizes 256 -c 32 --duration "$DURATION" --warmup "$WARMUP"
    "$client_bin" bench --target "$target" --protocol v1,oip --sizes 1048576 -c 1 --encoding raw \
      --duration "$DURATION" --warmup "$WARMUP" | tail -n +2
  done
  echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$work/table"
# The ratio per case (floats, concurrency): median over the repeats of oip / v1.
python3 - "$work/table" >"$work/result" <<'PY'
import statistics, sys
rates, lines = {}, open(sys.argv[1]).read().splitlines()
for line in lines:
    print(line)
    f = line.split()
    if line.startswith("#") or not f or f[0] == "proto":
        continue
    rates.setdefault((f"{f[2]} floats, {f[3]} in flight"), {}).setdefault(f[0], []).append(float(f[5]))
for case, by in rates.items():
    ratios = [o / v for o, v in zip(by["oip"], by["v1"])]
    print(f"# oip / v1 req/s, {case}: {statistics.median(ratios):.3f} (median of {len(ratios)})")
PY
cat "$work/result"
if [ -n "${RESULTS_OUT:-}" ]; then cp "$work/result" "$RESULTS_OUT"; fi
