#!/usr/bin/env bash
# The compose.yaml scenario with plain podman (there is no compose runtime
# here, and containers reach each other only through loopback ports): three
# server containers with metrics, and the image's client evaluating a file
# across all of them with round_robin. Checks every value and that each
# replica's metrics show a share of the calls.
# Usage: docker/check-replicas.sh [IMAGE]   (default localhost/activation-service:dev)
set -euo pipefail
docker_dir=$(cd "$(dirname "$0")" && pwd)
export CONTAINERS_CONF=${CONTAINERS_CONF:-$docker_dir/containers.conf}
image=${1:-localhost/activation-service:dev}
names=()
log=$(mktemp)
# round_robin spreads calls over the connections that are ready, and a
# replica's connection can take tens of milliseconds behind podman's port
# forwarding: 20001 numbers in calls of 16 keep the client busy long enough
# for every connection to be up before the work runs out.
input=$(mktemp)
LC_ALL=C seq -10 0.001 10 >"$input"
chmod 644 "$input"  # readable by the image's non-root user
cleanup() { for n in "${names[@]}"; do podman rm -f -t 0 "$n" >/dev/null 2>&1 || true; done; rm -f "$log" "$input"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; cat "$log" >&2; exit 1; }

client() {
  podman run --rm --no-healthcheck --network host --read-only \
    -v "$input:/data/input.txt:ro" --entrypoint activation-client "$image" "$@"
}
# GET /metrics from a published port, with bash's /dev/tcp (no curl needed).
metrics() {
  local host=${1%:*} port=${1##*:}
  exec 3<>"/dev/tcp/$host/$port"
  printf 'GET /metrics HTTP/1.0\r\nHost: %s\r\n\r\n' "$host" >&3
  cat <&3
  exec 3<&-
}

target=ipv4:
metrics_addresses=()
for i in 1 2 3; do
  name=activation-replica-$$-$i
  names+=("$name")
  podman run -d --name "$name" --health-interval disable --read-only --cap-drop ALL \
    --security-opt no-new-privileges -e ACTIVATION_METRICS_LISTEN=0.0.0.0:9464 \
    -p 127.0.0.1::50051 -p 127.0.0.1::9464 "$image" >/dev/null 2>>"$log" || fail "replica $i did not start"
  address=$(podman port "$name" 50051/tcp)
  metrics_addresses+=("$(podman port "$name" 9464/tcp)")
  target+="$address,"
  for _ in $(seq 50); do
    client health --target "$address" >/dev/null 2>&1 && break
    sleep 0.2
  done
done
target=${target%,}
echo "three replicas: $target"

# Unary calls of 16 numbers each: 1251 calls to spread.
got=$(client eval --target "$target" --lb round_robin --rpc unary --chunk 16 --activation sigmoid \
  --input /data/input.txt --output - 2>>"$log") || fail "client eval across the replicas"
lines=$(grep -c . "$input")
paste -d' ' "$input" <(printf '%s\n' "$got") |
  awk -v n="$lines" -f "$docker_dir/expect-sigmoid.awk" >/dev/null || fail "wrong values across the replicas"
echo "ok   $lines values evaluated across the replicas match the reference"

counts=()
for i in "${!names[@]}"; do
  counts+=("$(metrics "${metrics_addresses[$i]}" |
    awk '/^activation_server_requests_total\{/ && /grpc_method="Evaluate"/ { sum += $NF } END { print sum + 0 }')")
done
for i in "${!names[@]}"; do
  [ "${counts[$i]}" -gt 0 ] || fail "replica $((i + 1)) served no Evaluate call (calls per replica: ${counts[*]})"
  echo "ok   replica $((i + 1)) served ${counts[$i]} Evaluate calls (its metrics)"
done
