#!/usr/bin/env bash
# CI stage 45: the Debian packages (docs/install.md).
#  - makes the four .debs with CPack from the build scripts/test.sh left
#    (BUILD_DIR, default build; built here when missing),
#  - lintian: no errors (warnings are printed),
#  - installs them with `apt-get install` into a clean Debian bookworm
#    container (the debootstrapped debian:bookworm that stage 40 makes, plus
#    a compiler, cmake, man-db and systemd for the checks) and runs
#    packaging/check-packages.sh there, with systemd as PID 1: systemd-analyze
#    verify, the service started by systemctl and called by the installed
#    client, Restart=on-failure, examples/cmake-consumer built against the
#    installed library with find_package, apt-get purge.
# The base image and the tools layer stay in podman's storage, so later runs
# on the same machine reuse them.
set -euo pipefail
# Pipelines end in `grep ... >/dev/null`, not `grep -q`: -q stops reading at the
# first match, and under pipefail the writer's SIGPIPE would fail the check.
cd "$(dirname "$0")/../.."
repo=$PWD
start=$SECONDS
step() { echo "--- $* ($((SECONDS - start)) s)"; }
build=${BUILD_DIR:-build}
export CONTAINERS_CONF=$repo/docker/containers.conf
tools_image=localhost/activation-packages-test:bookworm

step "tools"
scripts/install-deps.sh lintian podman runc debootstrap containernetworking-plugins iptables uidmap

step "build ($build)"
if [ ! -f "$build/CMakeCache.txt" ]; then
  BUILD_DIR=$build scripts/build.sh
fi
cmake -S . -B "$build" >/dev/null  # finds help2man if it was installed after the first configure
cmake --build "$build" -j"$(nproc)" >/dev/null

step "packages (cpack)"
out=$(mktemp -d /var/tmp/activation-debs.XXXXXX)
trap 'rm -rf "$out"' EXIT
(cd "$out" && cpack --config "$repo/$build/CPackConfig.cmake" >cpack.log 2>&1) ||
  { tail -n 30 "$out/cpack.log" >&2; exit 1; }
debs=()
for p in activation-server activation-client libactivation-compute0 libactivation-compute-dev; do
  deb=$(ls "$out/${p}_"*.deb 2>/dev/null) || { echo "FAIL: no $p package" >&2; exit 1; }
  debs+=("$deb")
  echo "$(basename "$deb"): $(du -k "$deb" | cut -f1) KiB; Depends: $(dpkg-deb -f "$deb" Depends)"
done
for p in activation-server activation-client; do
  dpkg-deb -c "$out/${p}_"*.deb | grep "usr/share/man/man1/$p.1.gz" >/dev/null ||
    { echo "FAIL: $p has no man page (is help2man installed?)" >&2; exit 1; }
done

step "lintian"
status=0
lintian --fail-on error "${debs[@]}" >"$out/lintian.log" 2>&1 || status=$?
grep -v '^running with root privileges' "$out/lintian.log" || true
[ "$status" -eq 0 ] || { echo "FAIL: lintian reports errors (exit $status)" >&2; exit 1; }
echo "ok: lintian reports no errors"

step "clean bookworm root"
docker/make-base-image.sh
context=$(mktemp -d)
cat >"$context/Containerfile" <<'CONTAINERFILE'
FROM debian:bookworm
RUN apt-get update && apt-get install -y --no-install-recommends cmake g++ make man-db systemd \
 && rm -rf /var/lib/apt/lists/*
CONTAINERFILE
podman build --quiet --pull=never -t "$tools_image" "$context" >/dev/null
rm -rf "$context"

step "install and run the packages in it"
# systemd as PID 1, so the unit runs with its sandbox; --privileged lets
# systemd set up the unit's namespaces inside the container.
container=activation-packages-check-$$
trap 'podman rm -f "$container" >/dev/null 2>&1 || true; rm -rf "$out"' EXIT
podman run -d --name "$container" --privileged --systemd=always \
  -v "$out":/debs:ro \
  -v "$repo/examples/cmake-consumer":/consumer:ro \
  -v "$repo/packaging/check-packages.sh":/check-packages.sh:ro \
  "$tools_image" /lib/systemd/systemd >/dev/null
podman exec "$container" bash /check-packages.sh
step "done"
echo "stage 45 finished in $((SECONDS - start)) s"
