#!/usr/bin/env bash
# `cmake --install` of this build into a fresh prefix P, then what a user of
# the installed tree does: examples/cmake-consumer built with find_package
# (shared, then static) and with pkg-config, each run; the headers need
# nothing outside the standard library; the systemd unit and the
# /etc/default file land inside P and name P's paths.
# Usage: install_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
# Pipelines end in `grep ... >/dev/null`, not `grep -q`: -q stops reading at the
# first match, and under pipefail the writer's SIGPIPE would fail the check.
build=$1
source=$2
work=$(mktemp -d /tmp/activation-install-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$prefix" >"$work/install.log"

libdir=$(cd "$prefix" && find . -name 'libactivation-compute.so.0' -printf '%h\n' | sed 's|^\./||')
[ -n "$libdir" ] || fail "libactivation-compute.so.0 not installed"
for f in bin/activation-server bin/activation-client \
         "$libdir/libactivation-compute.so" "$libdir/libactivation-compute.a" \
         "$libdir/cmake/ActivationCompute/ActivationComputeConfig.cmake" \
         "$libdir/pkgconfig/activation-compute.pc" include/activation/compute.h \
         etc/default/activation-server lib/systemd/system/activation-server.service \
         share/doc/libactivation-compute0/copyright; do
  [ -e "$prefix/$f" ] || fail "$f not installed"
done
if command -v help2man >/dev/null; then
  man=$prefix/share/man/man1
  zcat "$man/activation-server.1.gz" | grep 'max\\-memory\\-bytes' >/dev/null || fail "server man page lacks its flags"
  zcat "$man/activation-client.1.gz" | grep -- "--activation" >/dev/null || fail "client man page lacks its subcommands' flags"
  if zcat "$man/activation-server.1.gz" | grep 'INT=[0-9]* (Env:ACTIVATION_MAX_MEMORY_BYTES)' >/dev/null; then
    fail "server man page states this machine's memory budget"
  fi
fi
"$prefix/bin/activation-server" --version | grep -x '[0-9]*\.[0-9]*\.[0-9]*' >/dev/null || fail "installed server --version"

unit=$prefix/lib/systemd/system/activation-server.service
grep -qx "ExecStart=$prefix/bin/activation-server" "$unit" || fail "unit ExecStart is not the installed server"
grep -qx "EnvironmentFile=-$prefix/etc/default/activation-server" "$unit" || fail "unit EnvironmentFile"

# Public headers: standard library and activation/ only.
stray=$(grep -h '^#include' "$prefix"/include/activation/*.h | grep -v -E '^#include <[a-z_]+>$|^#include "activation/' || true)
[ -z "$stray" ] || fail "public headers include non-standard headers: $stray"

consumer=$source/examples/cmake-consumer
cmake -S "$consumer" -B "$work/shared" -DCMAKE_PREFIX_PATH="$prefix" >"$work/shared.log"
cmake --build "$work/shared" >>"$work/shared.log"
"$work/shared/gelu_consumer"
ldd "$work/shared/gelu_consumer" | grep "libactivation-compute.so.0 => $prefix" >/dev/null ||
  fail "the consumer does not load the installed shared library"

cmake -S "$consumer" -B "$work/static" -DCMAKE_PREFIX_PATH="$prefix" -DLINK_STATIC=ON >"$work/static.log"
cmake --build "$work/static" >>"$work/static.log"
"$work/static/gelu_consumer" >/dev/null
if ldd "$work/static/gelu_consumer" | grep libactivation-compute >/dev/null; then
  fail "the static consumer loads the shared library"
fi

export PKG_CONFIG_PATH=$prefix/$libdir/pkgconfig
# shellcheck disable=SC2046
c++ -std=c++17 -o "$work/pc_consumer" "$consumer/main.cc" $(pkg-config --cflags --libs activation-compute)
LD_LIBRARY_PATH=$prefix/$libdir "$work/pc_consumer" >/dev/null
echo "ok: installed tree under a fresh prefix; consumer built with find_package (shared, static) and pkg-config"
