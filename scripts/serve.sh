#!/usr/bin/env bash
# Quick start 1: build everything and run the server in the foreground.
# Extra arguments go to activation-server (e.g. --listen 0.0.0.0:50051).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
exec "${BUILD_DIR:-build}/server/activation-server" "$@"
