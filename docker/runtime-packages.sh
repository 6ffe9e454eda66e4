#!/usr/bin/env bash
# Prints the Debian packages that provide the shared libraries the given
# binaries load, one per line: the runtime stage installs exactly these, so a
# new dependency of the server or client needs no edit to the Dockerfile.
set -euo pipefail
ldd "$@" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | sort -u |
  while read -r lib; do
    real=$(readlink -f "$lib")
    owner=
    # usrmerge: dpkg may know the file under /lib or /usr/lib.
    for candidate in "$lib" "$real" "/usr${lib#/usr}" "${lib#/usr}" "/usr${real#/usr}" "${real#/usr}"; do
      owner=$(dpkg-query -S "$candidate" 2>/dev/null) && break
    done
    if [ -z "$owner" ]; then
      echo "error: no Debian package provides $lib" >&2
      exit 1
    fi
    echo "${owner%%:*}"
  done | sort -u
