#!/usr/bin/env bash
# Throughput of `activation-client eval` on a large raw float32 file, side by
# side in one run with `cat` of the same file (the I/O floor) and with
# `--local` (the linked compute library, no server). Each figure is the
# median of REPEATS runs; max RSS is the client's.
#
#   bench/serving/cli_batch.sh                  # 1 GiB, uses ./build (BUILD_DIR to change)
#   SIZE_MIB=4096 REPEATS=1 bench/serving/cli_batch.sh   # the 4 GiB memory-bound check
#
# Needs activation-server and activation-client built in BUILD_DIR.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR=${BUILD_DIR:-build}
SIZE_MIB=${SIZE_MIB:-1024}
REPEATS=${REPEATS:-3}
ACTIVATION=${ACTIVATION:-sigmoid}
CLIENT_ARGS=${CLIENT_ARGS:-}
server_bin=$BUILD_DIR/server/activation-server
client_bin=$BUILD_DIR/client/activation-client
for bin in "$server_bin" "$client_bin"; do
  [ -x "$bin" ] || { echo "missing $bin: build it first (cmake --build $BUILD_DIR)" >&2; exit 1; }
done

# Input and outputs live in RAM (tmpfs) so that the disk's write-back speed
# does not decide the result; WORK_PARENT=/tmp measures with the disk.
WORK_PARENT=${WORK_PARENT:-$( [ -d /dev/shm ] && echo /dev/shm || echo "${TMPDIR:-/tmp}")}
work=$(mktemp -d "$WORK_PARENT/cli_batch.XXXXXX")
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# Input: 1 MiB of normally distributed floats (sd 4), repeated.
python3 - "$work/in.f32" "$SIZE_MIB" <<'PY'
import array, random, sys
random.seed(1)
block = array.array("f", (random.gauss(0, 4) for _ in range(1 << 18))).tobytes()
with open(sys.argv[1], "wb") as f:
    for _ in range(int(sys.argv[2])):
        f.write(block)
PY

"$server_bin" --listen 127.0.0.1:0 --port-file "$work/port" --log-level warn >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
[ -s "$work/port" ] || { echo "server did not start:" >&2; cat "$work/server.log" >&2; exit 1; }
port=$(cat "$work/port")

# name | command (reads $in, writes $out)
cases=(
  "cat|cat \"\$in\" > \"\$out\""
  "eval --local|$client_bin eval --local -a $ACTIVATION -q -i \"\$in\" -o \"\$out\" $CLIENT_ARGS"
  "eval via server (EvaluateStream)|$client_bin eval --target 127.0.0.1:$port -a $ACTIVATION -q -i \"\$in\" -o \"\$out\" $CLIENT_ARGS"
)

python3 - "$work" "$REPEATS" "$SIZE_MIB" "${cases[@]}" <<'PY'
import os, statistics, subprocess, sys, time
work, repeats, size_mib, cases = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
env = dict(os.environ, **{"in": f"{work}/in.f32", "out": f"{work}/out.f32"})
results = {}
for run in range(repeats):
    for case in cases:
        name, command = case.split("|", 1)
        try: os.unlink(env["out"])
        except FileNotFoundError: pass
        start = time.monotonic()
        child = subprocess.Popen(["bash", "-c", "exec " + command], env=env)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.monotonic() - start
        if status != 0 or os.path.getsize(env["out"]) != size_mib << 20:
            sys.exit(f"{name}: failed (status {status})")
        results.setdefault(name, []).append((seconds, usage.ru_maxrss / 1024))
cat = statistics.median(s for s, _ in results["cat"])
print(f"{size_mib} MiB raw float32 in and out ({work}), median of {repeats}; {os.cpu_count()} cores")
print("| command | seconds | MB/s | time vs cat | max RSS MB |")
print("|---|---:|---:|---:|---:|")
for name, runs in results.items():
    s = statistics.median(x for x, _ in runs)
    rss = max(r for _, r in runs)
    print(f"| {name} | {s:.2f} | {size_mib * 1.048576 / s:,.0f} | {s / cat:.1f}x | {rss:.0f} |")
PY
