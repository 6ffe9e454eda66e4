#!/usr/bin/env bash
# CI stage 40: the container image and the Kubernetes manifests.
#  - validates deploy/k8s offline against the Kubernetes schemas (and proves
#    the validator rejects broken copies),
#  - lints docker/Dockerfile and docker/compose.yaml, builds the image with
#    buildah from a debootstrapped base, runs it with podman and checks it
#    (docker/build-local.sh).
# Base images and build layers stay in podman's storage, so later runs on the
# same machine reuse them; a fresh machine builds everything (a few minutes).
set -euo pipefail
cd "$(dirname "$0")/../.."
start=$SECONDS

echo "--- Kubernetes manifests (deploy/)"
command -v npm >/dev/null || scripts/install-deps.sh npm
(cd deploy && npm ci --no-audit --no-fund --silent && node validate.mjs k8s --self-test)

echo "--- container image (docker/build-local.sh)"
IMAGE=localhost/activation-service:ci docker/build-local.sh
echo "stage 40 finished in $((SECONDS - start)) s"
