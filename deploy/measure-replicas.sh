#!/usr/bin/env bash
# Measures how batch throughput scales with replicas: activation-client eval
# of a float32 file through 1, 2 and 3 local activation-server replicas
# (client-side round_robin over all of them), median of RUNS runs each.
# Besides wall-clock throughput (which on one machine is capped by its cores)
# it reports the CPU time the replicas and the client spend per GiB, and how
# evenly the replicas share the work: what decides scaling across machines.
# Usage: deploy/measure-replicas.sh [BUILD_DIR]   (default: build)
# Environment: ELEMENTS (default 16777216 = 64 MiB), RUNS (5), RPC (stream|unary),
# CHUNK (elements per chunk, default 65536: enough chunks for streams to rebalance).
set -euo pipefail
build=${1:-build}
server=$build/server/activation-server
client=$build/client/activation-client
elements=${ELEMENTS:-16777216}
runs=${RUNS:-5}
rpc=${RPC:-stream}
chunk=${CHUNK:-65536}
[ -x "$server" ] && [ -x "$client" ] || { echo "build $server and $client first" >&2; exit 1; }

work=$(mktemp -d)
pids=()
stop_replicas() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done; pids=(); }
trap 'stop_replicas; rm -rf "$work"' EXIT

# x uniform in [-8, 8), written in blocks to keep perl's memory small.
perl -e 'srand(1); for (1 .. $ARGV[0] / 65536) { print pack("f<*", map { -8 + 16 * rand() } 1 .. 65536) }' \
  "$elements" >"$work/x.f32"
mib=$(awk -v n="$elements" 'BEGIN { printf "%.0f", n * 4 / 1048576 }')

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# CPU seconds (user + system) a process has used so far.
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.3f", ($14 + $15) / hz }' "/proc/$1/stat"; }

echo "eval sigmoid, $mib MiB of float32, --rpc $rpc, --chunk $chunk, $(nproc) cores, median of $runs runs, load $(cut -d' ' -f1 /proc/loadavg)"
printf '%-9s %8s %8s %17s %17s  %s\n' replicas "MiB/s" speedup "server CPU s/GiB" "client CPU s/GiB" "CPU share per replica"
base=
for replicas in 1 2 3; do
  target=ipv4:
  for i in $(seq "$replicas"); do
    "$server" --listen 127.0.0.1:0 --port-file "$work/port$i" --log-level warn 2>>"$work/servers.log" &
    pids+=($!)
    until [ -s "$work/port$i" ]; do sleep 0.05; done
    target+="127.0.0.1:$(cat "$work/port$i"),"
  done
  before=()
  for p in "${pids[@]}"; do before+=("$(cpu_seconds "$p")"); done
  rates=()
  client_cpu=0
  for _ in $(seq "$runs"); do
    # bash's time: wall, user and system seconds of the client.
    read -r wall user sys < <({ TIMEFORMAT='%R %U %S'; time "$client" eval --target "${target%,}" --lb round_robin \
      --rpc "$rpc" --chunk "$chunk" --activation sigmoid --quiet --input "$work/x.f32" --output "$work/y.f32" 2>/dev/null; } 2>&1)
    rates+=("$(awk -v mib="$mib" -v s="$wall" 'BEGIN { printf "%.1f", mib / s }')")
    client_cpu=$(awk -v a="$client_cpu" -v u="$user" -v s="$sys" 'BEGIN { print a + u + s }')
  done
  shares=()
  server_cpu=0
  for i in "${!pids[@]}"; do
    used=$(awk -v a="$(cpu_seconds "${pids[$i]}")" -v b="${before[$i]}" 'BEGIN { print a - b }')
    shares+=("$used")
    server_cpu=$(awk -v a="$server_cpu" -v u="$used" 'BEGIN { print a + u }')
  done
  gib=$(awk -v mib="$mib" -v r="$runs" 'BEGIN { print mib * r / 1024 }')
  share_text=$(for u in "${shares[@]}"; do awk -v u="$u" -v t="$server_cpu" 'BEGIN { printf "%.0f%% ", 100 * u / t }'; done)
  rate=$(printf '%s\n' "${rates[@]}" | median)
  base=${base:-$rate}
  printf '%-9s %8s %7.2fx %17.2f %17.2f  %s\n' "$replicas" "$rate" \
    "$(awk -v a="$rate" -v b="$base" 'BEGIN { print a / b }')" \
    "$(awk -v c="$server_cpu" -v g="$gib" 'BEGIN { print c / g }')" \
    "$(awk -v c="$client_cpu" -v g="$gib" 'BEGIN { print c / g }')" "$share_text"
  stop_replicas
  rm -f "$work"/port*
done
