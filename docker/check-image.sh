#!/usr/bin/env bash
# Runs the image with podman on a loopback port and checks what users rely on:
# health SERVING, correct Evaluate results from the host, the HTTP/REST port
# (Open Inference Protocol readiness and an infer call), a non-root server,
# a prompt graceful stop, and prints the image size.
# Usage: docker/check-image.sh [IMAGE]   (default localhost/activation-service:dev)
set -euo pipefail
export CONTAINERS_CONF=${CONTAINERS_CONF:-$(cd "$(dirname "$0")" && pwd)/containers.conf}
image=${1:-localhost/activation-service:dev}
name=activation-check-$$
log=$(mktemp)

fail() { echo "FAIL: $*" >&2; podman logs "$name" 2>&1 | tail -n 20 >&2 || true; exit 1; }
cleanup() { podman rm -f -t 0 "$name" >/dev/null 2>&1 || true; rm -f "$log"; }
trap cleanup EXIT

# The image's own client, run in the host's network namespace: its calls go
# through the published loopback port exactly like any host process.
host_client() { podman run --rm --no-healthcheck --network host --entrypoint activation-client "$image" "$@"; }

# No periodic health timer (podman would need systemd for it); the check runs
# it on demand. podman's complaints about the missing systemd go to a file.
podman run -d --name "$name" --health-interval disable -p 127.0.0.1::50051 -p 127.0.0.1::8000 "$image" >/dev/null 2>"$log" ||
  { cat "$log" >&2; exit 1; }
address=$(podman port "$name" 50051/tcp)
echo "container $name serving on $address"

for _ in $(seq 50); do
  host_client health --target "$address" >/dev/null 2>&1 && break
  sleep 0.2
done
health=$(host_client health --target "$address" 2>&1) || fail "health from the host: $health"
grep -q SERVING <<<"$health" || fail "health from the host says: $health"
echo "ok   health from the host: $health"
podman healthcheck run "$name" >/dev/null || fail "the image's HEALTHCHECK does not pass"
echo "ok   HEALTHCHECK (activation-client health inside the container) passes"

# sigmoid against 1/(1+exp(-x)) in double precision, relative error <= 1e-6.
inputs=(0 1 -20 4.5)
got=$(host_client eval --target "$address" --activation sigmoid -- "${inputs[@]}") ||
  fail "eval from the host: $got"
paste -d' ' <(printf '%s\n' "${inputs[@]}") <(printf '%s\n' "$got") |
  awk -v n="${#inputs[@]}" -f "$(dirname "$0")/expect-sigmoid.awk" || fail "eval from the host gave wrong values"
echo "ok   Evaluate from the host matches the reference"

http=$(podman port "$name" 8000/tcp)
ready=$(curl -sS -o /dev/null -w '%{http_code}' "http://$http/v2/health/ready") || fail "HTTP from the host: $ready"
[ "$ready" = 200 ] || fail "GET /v2/health/ready from the host answered $ready"
answer=$(curl -sS -H 'Content-Type: application/json' \
  -d '{"inputs":[{"name":"x","datatype":"FP32","shape":[4],"data":[0,1,-20,4.5]}]}' \
  "http://$http/v2/models/sigmoid/infer") || fail "infer over HTTP from the host: $answer"
got=$(python3 -c 'import json,sys; print("\n".join(repr(v) for v in json.loads(sys.argv[1])["outputs"][0]["data"]))' "$answer") ||
  fail "infer over HTTP answered: $answer"
paste -d' ' <(printf '%s\n' "${inputs[@]}") <(printf '%s\n' "$got") |
  awk -v n="${#inputs[@]}" -f "$(dirname "$0")/expect-sigmoid.awk" || fail "infer over HTTP gave wrong values"
echo "ok   HTTP/REST on $http: ready, and sigmoid over /v2/models/sigmoid/infer matches the reference"

pid=$(podman inspect --format '{{.State.Pid}}' "$name")
uid=$(awk '/^Uid:/ { print $3 }' "/proc/$pid/status")
[ "$uid" != 0 ] || fail "the server runs as root"
echo "ok   PID 1 of the container is $(tr '\0' ' ' <"/proc/$pid/cmdline")(uid $uid, not root)"

# The server's own exit time (State.FinishedAt) is what SIGTERM handling
# controls; podman's network teardown afterwards is reported separately.
start=$(date +%s%N)
podman stop -t 10 "$name" >/dev/null 2>>"$log"
returned_ms=$((($(date +%s%N) - start) / 1000000))
finished=$(date -d "$(podman inspect --format '{{.State.FinishedAt}}' "$name" | awk '{ print $1, $2, $3 }')" +%s%N)
exited_ms=$(((finished - start) / 1000000))
code=$(podman inspect --format '{{.State.ExitCode}}' "$name")
[ "$exited_ms" -le 2000 ] || fail "the server exited ${exited_ms} ms after podman stop (limit 2000)"
[ "$code" = 0 ] || fail "the server exited with $code after SIGTERM"
echo "ok   podman stop: the server exited with 0 after ${exited_ms} ms (podman stop returned after ${returned_ms} ms)"

size=$(podman image inspect --format '{{.Size}}' "$image")
echo "image $image: $(numfmt --to=iec --suffix=B "$size") ($size bytes)"
