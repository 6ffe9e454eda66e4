#!/usr/bin/env bash
# Quick start 1: build everything and run the server in the foreground.
# Extra arguments go to activation-server (e.g. --listen 0.0.0.0:50051).
# The Open Inference Protocol's HTTP/REST API, and the playground page at its
# root, are on 127.0.0.1:8000 unless ACTIVATION_HTTP_LISTEN says otherwise
# (empty: off).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
export ACTIVATION_HTTP_LISTEN=${ACTIVATION_HTTP_LISTEN-127.0.0.1:8000}
if [ -n "$ACTIVATION_HTTP_LISTEN" ]; then
  echo "HTTP/REST (Open Inference Protocol): http://$ACTIVATION_HTTP_LISTEN/v2 (unless --http-listen says otherwise)"
  echo "Playground (every activation, plotted): http://$ACTIVATION_HTTP_LISTEN/"
fi
exec "${BUILD_DIR:-build}/server/activation-server" "$@"
