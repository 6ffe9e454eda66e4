#!/usr/bin/env bash
# Installs the Debian bookworm packages the build and tests need (as root),
# skipping the apt-get calls entirely when everything is already present.
# Extra package names given as arguments are installed too (CI stages use this).
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libspdlog-dev libgtest-dev libgmock-dev libbenchmark-dev
  libhwy-dev libdnnl-dev
  libcli11-dev grpc-proto help2man file
  prometheus-cpp-dev openssl
  libcpp-httplib-dev libsimdjson-dev nlohmann-json3-dev
  libmpfr-dev
)
packages+=("$@")

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
