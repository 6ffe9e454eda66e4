#!/usr/bin/env bash
# Builds and checks the image on a machine without a Docker engine, with
# Debian's buildah/podman/runc/debootstrap (run as root from anywhere):
#   1. installs those tools (and npm for the linters) when missing,
#   2. lints docker/Dockerfile (dockerfile-utils) and compose.yaml (dclint),
#   3. makes the FROM images with debootstrap (make-base-image.sh),
#   4. builds docker/Dockerfile with buildah (docker format keeps HEALTHCHECK),
#   5. runs and checks the image with podman (check-image.sh), and the
#      compose scenario of three replicas and a client (check-replicas.sh).
# Environment: IMAGE (default localhost/activation-service:dev).
set -euo pipefail
docker_dir=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$docker_dir")
export CONTAINERS_CONF="$docker_dir/containers.conf"
image=${IMAGE:-localhost/activation-service:dev}
step() { echo "--- $* ($SECONDS s)"; }

step "tools"
tools=(buildah podman runc debootstrap containernetworking-plugins iptables uidmap curl python3)
command -v npm >/dev/null || tools+=(npm)
"$repo/scripts/install-deps.sh" "${tools[@]}"

step "lint docker/Dockerfile and docker/compose.yaml"
(cd "$docker_dir" && npm ci --no-audit --no-fund --silent && npm run --silent lint)

step "base images"
"$docker_dir/make-base-image.sh"

step "build $image"
version=$(sed -n 's/^project([^)]*VERSION \([0-9.]*\).*/\1/p' "$repo/CMakeLists.txt")
revision=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
buildah bud --format docker --isolation chroot --layers --pull=never --quiet \
  --build-arg VERSION="$version" --build-arg REVISION="$revision" \
  -f "$docker_dir/Dockerfile" -t "$image" "$repo" >/dev/null

step "check $image"
"$docker_dir/check-image.sh" "$image"
step "three replicas and a client"
"$docker_dir/check-replicas.sh" "$image"
step "done"
