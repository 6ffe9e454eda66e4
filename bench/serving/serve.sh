#!/usr/bin/env bash
# Serving performance side by side: starts activation-server and the echo
# baseline (serve_baseline) on loopback, drives both with the same
# `activation-client bench` load, and prints each figure as the median of
# REPEATS runs, with each server's CPU time per call (far less sensitive to
# other load on the machine than rates are). Each repeat runs the server and
# echo back to back (alternating which goes first), and a ratio is the median
# of those pairs' ratios, so a burst of load elsewhere spoils one pair, not
# the table.
#
#   bench/serving/serve.sh                 # uses ./build (BUILD_DIR to change)
#   DURATION=5 REPEATS=5 bench/serving/serve.sh
#   CASES='1M' bench/serving/serve.sh      # only the cases whose name matches
#   NICE=-10 bench/serving/serve.sh        # (root) shield the runs from builds at nice >= 0
#   RESULTS_OUT=bench/results/serving/serve.jsonl CONDITIONS='quiet machine' bench/serving/serve.sh
#                                          # keep the raw records (and say how loaded the machine was)
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR=${BUILD_DIR:-build}
DURATION=${DURATION:-3}
WARMUP=${WARMUP:-1}
REPEATS=${REPEATS:-3}
CASES=${CASES:-}
SERVER_ARGS=${SERVER_ARGS:-}
if [ -n "${NICE:-}" ]; then renice -n "$NICE" -p $$ >/dev/null; fi  # servers and clients inherit it
server_bin=$BUILD_DIR/server/activation-server
echo_bin=$BUILD_DIR/bench/serving/serve_baseline
client_bin=$BUILD_DIR/client/activation-client
for bin in "$server_bin" "$echo_bin" "$client_bin"; do
  [ -x "$bin" ] || { echo "missing $bin: build first (cmake --build $BUILD_DIR)" >&2; exit 1; }
done

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

start() {  # start NAME BINARY ARGS...: waits for its port file, sets port
  local name=$1 bin=$2
  shift 2
  "$bin" --listen 127.0.0.1:0 --port-file "$work/$name.port" "$@" >"$work/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 200); do
    [ -s "$work/$name.port" ] && { port=$(cat "$work/$name.port"); return; }
    sleep 0.05
  done
  echo "$name did not start:" >&2
  cat "$work/$name.log" >&2
  exit 1
}
# shellcheck disable=SC2086
start server "$server_bin" --log-level warn $SERVER_ARGS
server_port=$port
start echo "$echo_bin"
echo_port=$port

# name | bench arguments. relu is the cheapest kernel, so those rows show the
# serving overhead itself; the sigmoid rows add a transcendental kernel's cost
# (bench/kernels measures kernels alone).
cases=(
  "relu, 16 floats, values, 32 in flight|--activation relu --method evaluate --sizes 16 --encoding values -c 32"
  "relu, 256 floats, values, 32 in flight|--activation relu --method evaluate --sizes 256 --encoding values -c 32"
  "relu, 256 floats, raw, 32 in flight|--activation relu --method evaluate --sizes 256 --encoding raw -c 32"
  "relu, 64K floats, raw, 1 in flight|--activation relu --method evaluate --sizes 65536 --encoding raw -c 1"
  "relu, 64K floats, values, 1 in flight|--activation relu --method evaluate --sizes 65536 --encoding values -c 1"
  "relu, 1M floats, raw, 1 in flight|--activation relu --method evaluate --sizes 1048576 --encoding raw -c 1"
  "relu, 1M floats, values, 1 in flight|--activation relu --method evaluate --sizes 1048576 --encoding values -c 1"
  "relu, 1M floats, raw, EvaluateStream|--activation relu --method stream --sizes 1048576 --encoding raw -c 1"
  "relu, 1M floats, raw, Gradient|--activation relu --method gradient --sizes 1048576 --encoding raw -c 1"
  "sigmoid, 256 floats, raw, 32 in flight|--activation sigmoid --method evaluate --sizes 256 --encoding raw -c 32"
  "sigmoid, 1M floats, raw, 1 in flight|--activation sigmoid --method evaluate --sizes 1048576 --encoding raw -c 1"
)

# CPU time a process has used, in clock ticks (utime + stime of
# /proc/PID/stat): what a call costs the server whatever else the machine is
# running, unlike its wall-clock rate.
cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
ticks_per_s=$(getconf CLK_TCK)
server_pid=${pids[0]} echo_pid=${pids[1]}

results=${RESULTS_OUT:-$work/results.jsonl}
python3 - "$(nproc)" "${CONDITIONS:-}" >"$results" <<'PY'
import json, sys
model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
print(json.dumps({"machine": {"cpu_model": model, "cores": int(sys.argv[1]), "conditions": sys.argv[2]}}))
PY
for case in "${cases[@]}"; do
  name=${case%%|*}
  args=${case#*|}
  [[ -z "$CASES" || "$name" =~ $CASES ]] || continue
  for run in $(seq "$REPEATS"); do
    # Alternate the order so that neither side always runs on a warmer machine.
    if [ $((run % 2)) -eq 1 ]; then order="server echo"; else order="echo server"; fi
    for target in $order; do
      port=$server_port verify=1 pid=$server_pid
      [ "$target" = echo ] && port=$echo_port verify=0 pid=$echo_pid  # echo returns the input unchanged
      before=$(cpu_ticks "$pid")
      # shellcheck disable=SC2086
      "$client_bin" bench --target "127.0.0.1:$port" $args 2>>"$work/bench.log" \
        --duration "$DURATION" --warmup "$WARMUP" --verify-every "$((verify * 50))" --json >"$work/run.json" || true
      # (a non-zero exit means errors, counted in the table). The CPU time
      # covers the warm-up too, whose calls are counted at the window's rate.
      python3 - "$work/run.json" "$name" "$target" "$run" "$(($(cpu_ticks "$pid") - before))" "$ticks_per_s" \
        "$DURATION" "$WARMUP" >>"$results" <<'PY' || true
import json, sys
path, case, target, run, ticks, per_s, duration, warmup = sys.argv[1:]
r = json.load(open(path))[0]
calls = r["ok"] * (float(duration) + float(warmup)) / float(duration)
r.update(case=case, target=target, run=run, cpu_us_per_call=int(ticks) / int(per_s) / max(calls, 1) * 1e6)
print(json.dumps(r))
PY
    done
  done
done

# Memory bound of streaming: 1 GiB through one EvaluateStream in 4 MB chunks
# against a fresh server; its peak RSS is what the stream cost.
start stream-rss "$server_bin" --log-level warn
"$client_bin" bench --target "127.0.0.1:$port" --activation relu --method stream --sizes 1048576 --encoding raw \
  -c 1 --requests 256 --warmup 0 --verify-every 16 >"$work/stream.txt"
rss_mib=$(awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/${pids[-1]}/status")
echo "{\"note\": \"1 GiB through one EvaluateStream (256 chunks of 4 MiB): server peak RSS $rss_mib MiB.\"}" >>"$results"

# The raw records (the machine, one JSON object per bench run, the stream's
# RSS) are kept in RESULTS_OUT when set (bench/results/serving/serve.jsonl is
# the one the docs render); the table comes from the one renderer.
python3 bench/render_docs.py --print serving "$results"
