#!/usr/bin/env bash
# Makes the Dockerfile's FROM images without a registry: debootstraps Debian
# bookworm (minbase) from the apt mirror this machine is configured with and
# imports it as debian:bookworm, and a docs-free copy as debian:bookworm-slim
# (what Docker Hub's -slim drops: manuals, docs, locales).
# Skips the work when both images exist, unless --force.
set -euo pipefail
export CONTAINERS_CONF=${CONTAINERS_CONF:-$(cd "$(dirname "$0")" && pwd)/containers.conf}

if [ "${1:-}" != --force ] &&
   podman image exists debian:bookworm && podman image exists debian:bookworm-slim; then
  echo "base images debian:bookworm and debian:bookworm-slim already present"
  exit 0
fi

# The URI of the first active apt source serving suite $1 (one-line or deb822).
host_mirror_for() {
  local suite=$1
  {
    cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
      awk -v s="$suite" '$1 == "deb" { i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
                                       if ($(i + 1) == s) print $i }'
    for f in /etc/apt/sources.list.d/*.sources; do
      [ -e "$f" ] || continue
      awk -v s="$suite" 'BEGIN { RS = ""; FS = "\n" }
        { uri = ""; hit = 0; deb = 1
          for (k = 1; k <= NF; k++) {
            if ($k ~ /^URIs:/)    { split($k, a, /[ \t]+/); uri = a[2] }
            if ($k ~ /^Suites:/)  { n = split($k, a, /[ \t]+/); for (j = 2; j <= n; j++) if (a[j] == s) hit = 1 }
            if ($k ~ /^Types:/ && $k !~ /[ \t]deb([ \t]|$)/) deb = 0
            if ($k ~ /^Enabled:[ \t]*no/) deb = 0 }
          if (hit && deb && uri != "") print uri }' "$f"
    done
  } | head -n1
}

mirror=$(host_mirror_for bookworm)
security=$(host_mirror_for bookworm-security)
if [ -z "$mirror" ]; then
  echo "error: no apt source for suite 'bookworm' in /etc/apt/sources.list*" >&2
  exit 1
fi
echo "debootstrap bookworm from $mirror"

work=$(mktemp -d /var/tmp/activation-base.XXXXXX)
trap 'rm -rf "$work"' EXIT
rootfs=$work/rootfs
debootstrap --variant=minbase --components=main bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 ||
  { tail -n 30 "$work/debootstrap.log" >&2; exit 1; }

# Inside the image, apt uses the same mirror and the same tolerance for a
# frozen snapshot mirror (expired Valid-Until) as the host.
{
  printf 'Types: deb\nURIs: %s\nSuites: bookworm bookworm-updates\nComponents: main\n' "$mirror"
  printf 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
  if [ -n "$security" ]; then
    printf '\nTypes: deb\nURIs: %s\nSuites: bookworm-security\nComponents: main\n' "$security"
    printf 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
  fi
} >"$rootfs/etc/apt/sources.list.d/debian.sources"
rm -f "$rootfs/etc/apt/sources.list"
apt-config dump | grep -E '^Acquire::Check-(Valid-Until|Date) ' >"$rootfs/etc/apt/apt.conf.d/90host-mirror" || true
# Container conventions: no recommends, no apt caches left in layers.
cat >"$rootfs/etc/apt/apt.conf.d/90container" <<'EOF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/*.bin || true"; };
EOF
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/*.log

import() { # rootfs tag
  tar --numeric-owner -C "$1" -c . |
    podman import --quiet --change 'CMD ["/bin/bash"]' \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - "$2" >/dev/null
  echo "imported $2 ($(podman image inspect --format '{{.Size}}' "$2" | numfmt --to=iec))"
}
import "$rootfs" debian:bookworm

cat >"$rootfs/etc/dpkg/dpkg.cfg.d/slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
EOF
find "$rootfs/usr/share/doc" -mindepth 1 ! -name copyright ! -type d -delete
rm -rf "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/* "$rootfs"/usr/share/lintian/*
import "$rootfs" debian:bookworm-slim
