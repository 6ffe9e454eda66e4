#!/usr/bin/env bash
# The shared library's ABI surface: SONAME libactivation-compute.so.0 and no
# exported symbol outside activation::api (every one under the version node).
# Usage: check_exports.sh LIBRARY
set -euo pipefail
lib=$1
soname=$(readelf -d "$lib" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
if [ "$soname" != libactivation-compute.so.0 ]; then
  echo "FAIL: SONAME is '$soname', expected libactivation-compute.so.0" >&2
  exit 1
fi
symbols=$(nm -D --defined-only "$lib" | awk '{ $1 = ""; $2 = ""; print substr($0, 3) }' | c++filt)
stray=$(grep -v -e '^ACTIVATION_COMPUTE_0$' -e '^activation::api::.*@@ACTIVATION_COMPUTE_0$' <<<"$symbols" || true)
if [ -n "$stray" ]; then
  echo "FAIL: symbols exported outside activation::api:" >&2
  echo "$stray" | head -n 20 >&2
  exit 1
fi
count=$(grep -c '^activation::api::' <<<"$symbols" || true)
if [ "$count" -lt 5 ]; then
  echo "FAIL: only $count activation::api symbols exported" >&2
  exit 1
fi
echo "ok: SONAME $soname, $count symbols, all activation::api"
