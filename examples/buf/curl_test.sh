#!/usr/bin/env bash
# Calls a running server with `buf curl` through server reflection (no .proto
# given), JSON in and out, and checks the answers against double-precision
# formulas: examples/buf/curl_test.sh BUF HOST:PORT
set -euo pipefail
buf=$1 target=$2
call() {  # SERVICE/METHOD JSON
  "$buf" curl --protocol grpc --http2-prior-knowledge --data "$2" "http://$target/$1"
}

services=$("$buf" curl --protocol grpc --http2-prior-knowledge --list-services "http://$target")
for s in activation.v1.ActivationService grpc.health.v1.Health; do
  grep -qx "$s" <<<"$services" || { echo "reflection does not list $s" >&2; exit 1; }
done
# Reflection names gRPC C++'s built-in health service but cannot describe it
# (so --list-methods fails on it): give buf curl its schema, compiled from
# Debian's grpc-proto.
health_schema=$(mktemp --suffix=.binpb)
trap 'rm -f "$health_schema"' EXIT
protoc -I /usr/share/grpc-proto --include_imports -o "$health_schema" grpc/health/v1/health.proto
health=$("$buf" curl --schema "$health_schema" --protocol grpc --http2-prior-knowledge \
  --data '{"service": "activation.v1.ActivationService"}' "http://$target/grpc.health.v1.Health/Check")
echo "Health/Check -> $health"

evaluate=$(call activation.v1.ActivationService/Evaluate '{"activation": "sigmoid", "input": {"values": [0, 1, -20]}}')
gradient=$(call activation.v1.ActivationService/Gradient '{"activation": "tanh", "input": {"values": [0, 9]},
                           "grad_output": {"values": [2, 1]}, "include_output": true}')
echo "Evaluate -> $evaluate"
echo "Gradient -> $gradient"

/usr/bin/python3 - "$health" "$evaluate" "$gradient" <<'PY'
import json, math, struct, sys

def f32(v):  # the nearest float32, as the service returns it
    return struct.unpack("<f", struct.pack("<f", v))[0]

def check(got, want, what):
    assert len(got) == len(want), f"{what}: {got}"
    for g, w in zip(got, want):
        assert math.isclose(g, f32(w), rel_tol=1e-6, abs_tol=0), f"{what}: got {g}, want {f32(w)}"

health, evaluate, gradient = (json.loads(a) for a in sys.argv[1:])
assert health == {"status": "SERVING"}, health
check(evaluate["output"]["values"], [1 / (1 + math.exp(-x)) for x in (0, 1, -20)], "sigmoid")
check(gradient["output"]["values"], [math.tanh(0), math.tanh(9)], "tanh")
check(gradient["gradInput"]["values"], [2 / math.cosh(0) ** 2, 1 / math.cosh(9) ** 2], "2, 1 * tanh'")
print("buf curl: health SERVING; Evaluate and Gradient match the double-precision formulas")
PY
