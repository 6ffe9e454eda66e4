#!/usr/bin/env bash
# Which allocator activation-server should run with, measured: the same
# large-payload load against the server under
#   glibc-default  glibc as is (mallopt calls disabled by a preloaded no-op)
#   glibc-tuned    the shipped policy (server/memory.cc: mmap threshold 32 MiB, one heap)
#   glibc-tuned-thread-heaps  the same with glibc's heap per thread (M_ARENA_MAX ignored)
#   jemalloc       libjemalloc2 preloaded        mimalloc  libmimalloc2.0 preloaded
# Prints median req/s and p99 of REPEATS runs, and the server's peak RSS.
#   apt-get install libjemalloc2 libmimalloc2.0; bench/serving/allocators.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR=${BUILD_DIR:-build}
DURATION=${DURATION:-3}
REPEATS=${REPEATS:-3}
server_bin=$BUILD_DIR/server/activation-server
client_bin=$BUILD_DIR/client/activation-client
lib=/usr/lib/x86_64-linux-gnu
work=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

printf 'int mallopt(int param, int value) { (void)param; (void)value; return 1; }\n' >"$work/nomallopt.c"
cc -shared -fPIC -O2 -o "$work/nomallopt.so" "$work/nomallopt.c"
printf '#include <malloc.h>\nint __libc_mallopt(int, int);\nint mallopt(int param, int value) { return param == M_ARENA_MAX ? 1 : __libc_mallopt(param, value); }\n' >"$work/noarenamax.c"
cc -shared -fPIC -O2 -o "$work/noarenamax.so" "$work/noarenamax.c"

variants=("glibc-default|$work/nomallopt.so" "glibc-tuned|" "glibc-tuned-thread-heaps|$work/noarenamax.so" "jemalloc|$lib/libjemalloc.so.2" "mimalloc|$lib/libmimalloc.so.2")
loads=(
  "1M raw|--sizes 1048576 --encoding raw -c 1"
  "1M values|--sizes 1048576 --encoding values -c 1"
  "64K raw|--sizes 65536 --encoding raw -c 1"
  "256 values c32|--sizes 256 --encoding values -c 32"
)
results=$work/results.txt
for variant in "${variants[@]}"; do
  name=${variant%%|*}
  preload=${variant#*|}
  if [ -n "$preload" ] && [ ! -e "$preload" ]; then echo "skipping $name: $preload missing" >&2; continue; fi
  rm -f "$work/port"
  LD_PRELOAD=$preload "$server_bin" --listen 127.0.0.1:0 --port-file "$work/port" --log-level warn &
  server_pid=$!
  for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
  port=$(cat "$work/port")
  for load in "${loads[@]}"; do
    for _ in $(seq "$REPEATS"); do
      # shellcheck disable=SC2086
      "$client_bin" bench --target "127.0.0.1:$port" --activation relu --method evaluate ${load#*|} \
        --duration "$DURATION" --warmup 1 --verify-every 0 --json |
        python3 -c 'import json,sys; r=json.load(sys.stdin)[0]; print(sys.argv[1], sys.argv[2], r["req_per_s"], r["latency_ms"]["p99"], sep="|")' \
          "$name" "${load%%|*}" >>"$results"
    done
  done
  rss=$(awk '/VmHWM/ {print $2}' "/proc/$server_pid/status")
  echo "$name|peak-rss|$rss|0" >>"$results"
  kill "$server_pid"
  wait "$server_pid" 2>/dev/null || true
  server_pid=
done

python3 - "$results" "$REPEATS" <<'PY'
import statistics, sys
rows = [line.strip().split("|") for line in open(sys.argv[1])]
variants = list(dict.fromkeys(r[0] for r in rows))
loads = [l for l in dict.fromkeys(r[1] for r in rows) if l != "peak-rss"]
print(f"relu Evaluate, median of {sys.argv[2]} runs: req/s (p99 ms); peak server RSS")
print("| allocator | " + " | ".join(loads) + " | peak RSS MiB |")
print("|---|" + "---:|" * (len(loads) + 1))
for v in variants:
    cells = []
    for l in loads:
        sel = [r for r in rows if r[0] == v and r[1] == l]
        cells.append(f"{statistics.median(float(r[2]) for r in sel):,.0f} ({statistics.median(float(r[3]) for r in sel):.1f})")
    rss = [int(r[2]) for r in rows if r[0] == v and r[1] == "peak-rss"][0]
    print(f"| {v} | " + " | ".join(cells) + f" | {rss / 1024:.0f} |")
PY
