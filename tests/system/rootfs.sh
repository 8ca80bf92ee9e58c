#!/usr/bin/env bash
# Prints the path of a cached Debian 12 root filesystem with systemd as init, building it
# with debootstrap on first use (about a minute or two, from Debian's mirror).
#   tests/system/rootfs.sh [EXTRA_PACKAGE...]
# The cache key is the sorted package list, so a changed list builds a new tree and an
# unchanged one is reused across runs. The tree is built in a temporary directory and
# renamed into place only when debootstrap succeeded, so an interrupted build never
# leaves a half tree behind. Callers copy it (cp -a) before booting; it stays pristine.
set -euo pipefail

cache=${SESMON_ROOTFS_CACHE:-/var/cache/ses-upgrade-monitor-test}
mirror=${SESMON_DEBIAN_MIRROR:-http://deb.debian.org/debian}
# systemd as PID 1, dbus for systemctl, curl for the probe; the rest are the daemon's
# run-time libraries as of this writing, so a new .deb usually needs no new tree.
base=(systemd systemd-sysv dbus curl ca-certificates procps libc6 libgcc-s1 libstdc++6
      libssl3 libyaml-cpp0.7 libspdlog1.10 libfmt9 libsystemd0 libboost-url1.81.0
      libprometheus-cpp-core1.0 libc-ares2)
mapfile -t packages < <(printf '%s\n' "${base[@]}" "$@" | sort -u)
key=$(printf '%s\n' "${packages[@]}" | sha256sum | cut -c1-16)
root="$cache/rootfs-$key"
if [ -x "$root/lib/systemd/systemd" ]; then
  echo "$root"
  exit 0
fi

command -v debootstrap >/dev/null || { echo "rootfs: debootstrap missing: run scripts/bootstrap system" >&2; exit 1; }
mkdir -p "$cache"
tmp=$(mktemp -d "$cache/.build-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
include=$(IFS=,; echo "${packages[*]}")
echo "rootfs: debootstrap bookworm with $include (cached as $root)" >&2
if ! timeout 900 debootstrap --variant=minbase --include="$include" bookworm "$tmp/root" \
       "$mirror" >"$tmp/debootstrap.log" 2>&1; then
  echo "rootfs: debootstrap failed; last lines of its log:" >&2
  tail -n 20 "$tmp/debootstrap.log" >&2
  exit 1
fi
# A machine id lets systemd boot without first-boot setup; no getty on a headless test.
systemd-machine-id-setup --root="$tmp/root" >/dev/null 2>&1 || true
rm -f "$tmp/root/etc/systemd/system/getty.target.wants/"* 2>/dev/null || true
mv "$tmp/root" "$root"
echo "$root"
