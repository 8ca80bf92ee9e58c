#!/usr/bin/env bash
# `cmake --install` and the Debian package put the right files in the right places:
# programs, the unit (with ExecStart following the prefix), docs, the configuration only
# when none exists, a conffile, maintainer scripts, and Depends on every shared library
# the programs load.
#   tests/system/package_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=${1:?source dir}
build=$(cd "${2:?build dir}" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
check() { local what=$1; shift; if "$@"; then echo "ok: $what"; else fail "$what"; fi; }
# What cpack -G DEB runs (dpkg-shlibdeps for Depends, file to find the binaries, fakeroot):
# installed by `scripts/bootstrap package` before the tests start, never from here.
for tool in cpack dpkg-deb dpkg-shlibdeps file fakeroot objdump; do
  command -v $tool >/dev/null || { echo "FAIL: $tool missing: run scripts/bootstrap package" >&2; exit 1; }
done
have_sim=0
[ -x "$build/bin/ses-upgrade-sim" ] && have_sim=1

# --- cmake --install into a DESTDIR ---------------------------------------------------
dest="$work/dest"
DESTDIR="$dest" cmake --install "$build" --prefix /usr/local >"$work/install.log" 2>&1 ||
  { cat "$work/install.log" >&2; fail "cmake --install"; }
check "install: program in bin/" test -x "$dest/usr/local/bin/ses-upgrade-monitor"
[ $have_sim = 1 ] && check "install: simulator in bin/" test -x "$dest/usr/local/bin/ses-upgrade-sim"
unit="$dest/usr/local/lib/systemd/system/ses-upgrade-monitor.service"
check "install: unit in lib/systemd/system/" test -f "$unit"
check "install: unit runs the installed program" \
  grep -qx 'ExecStart=/usr/local/bin/ses-upgrade-monitor run -c /etc/ses-upgrade-monitor/config.yaml' "$unit"
check "install: README in share/doc" test -f "$dest/usr/local/share/doc/ses-upgrade-monitor/README.md"
check "install: example config in share/doc" \
  cmp -s "$src/config/config.example.yaml" "$dest/usr/local/share/doc/ses-upgrade-monitor/config.example.yaml"
check "install: Prometheus rules in share/" \
  cmp -s "$src/packaging/prometheus/ses-upgrade-monitor.rules.yml" "$dest/usr/local/share/ses-upgrade-monitor/prometheus/ses-upgrade-monitor.rules.yml"
check "install: config.yaml created from the inert template" \
  cmp -s "$src/config/config.installed.yaml" "$dest/etc/ses-upgrade-monitor/config.yaml"
echo "# operator's cluster list" >"$dest/etc/ses-upgrade-monitor/config.yaml"
DESTDIR="$dest" cmake --install "$build" --prefix /usr/local >"$work/install2.log" 2>&1 || fail "second cmake --install"
check "install: an existing config.yaml is kept" \
  grep -qx "# operator's cluster list" "$dest/etc/ses-upgrade-monitor/config.yaml"

# --- the .deb -------------------------------------------------------------------------
(cd "$build" && cpack -G DEB --config CPackConfig.cmake -B "$work/pkg" >"$work/cpack.log" 2>&1) ||
  { cat "$work/cpack.log" >&2; echo "FAIL: cpack" >&2; exit 1; }
deb=$(ls "$work"/pkg/ses-upgrade-monitor_*.deb)
echo "package: $(basename "$deb") ($(stat -c %s "$deb") bytes)"

field() { dpkg-deb -f "$deb" "$1"; }
check "control: Package" test "$(field Package)" = ses-upgrade-monitor
check "control: Architecture" test "$(field Architecture)" = "$(dpkg --print-architecture)"
check "control: Version" test -n "$(field Version)"
depends=$(field Depends)
echo "Depends: $depends"
# Every shared library a program loads must come from a package in Depends.
for prog in "$build"/bin/ses-upgrade-monitor "$build"/bin/ses-upgrade-sim; do
  [ -x "$prog" ] || continue
  for lib in $(objdump -p "$prog" | awk '/NEEDED/{print $2}'); do
    path=$(ldd "$prog" | awk -v l="$lib" '$1 == l {print $3}')
    [ -n "$path" ] || { fail "$lib of $(basename "$prog") not found by ldd"; continue; }
    owner=$(dpkg -S "$(readlink -f "$path")" 2>/dev/null | head -1 | cut -d: -f1) ||
      owner=$(dpkg -S "$path" 2>/dev/null | head -1 | cut -d: -f1) || true
    [ -n "$owner" ] || { fail "no package owns $path"; continue; }
    # The owner itself, or a virtual package it provides (libspdlog1.10-fmt9), will do.
    names=$(printf '%s, %s' "$owner" "$(dpkg-query -W -f='${Provides}' "$owner" 2>/dev/null)" |
            tr ',' '\n' | sed 's/^ *//; s/[ (:].*//' | grep .)
    if printf '%s' "$depends" | tr ',|' '\n\n' | sed 's/^ *//; s/[ (:].*//' | grep -xF -- "$names" >/dev/null; then
      echo "ok: Depends has $owner (for $lib)"
    else
      fail "Depends lacks $owner (needed for $lib by $(basename "$prog"))"
    fi
  done
done

dpkg-deb --ctrl-tarfile "$deb" | tar -x -C "$work" --one-top-level=ctrl
check "conffiles lists the configuration" grep -qx /etc/ses-upgrade-monitor/config.yaml "$work/ctrl/conffiles"
for script in postinst prerm postrm; do
  check "$script is an executable sh script" test -x "$work/ctrl/$script"
  check "$script parses" sh -n "$work/ctrl/$script"
done
check "postinst enables via deb-systemd-helper" grep -q 'deb-systemd-helper enable' "$work/ctrl/postinst"
check "postinst starts only when configured" grep -q 'elif is_configured; then' "$work/ctrl/postinst"

dpkg-deb -c "$deb" | awk '{print $1, $2, $6}' >"$work/contents"
has() { grep -q " \./$1\$" "$work/contents"; }
check "deb: /usr/bin/ses-upgrade-monitor" has usr/bin/ses-upgrade-monitor
[ $have_sim = 1 ] && check "deb: /usr/bin/ses-upgrade-sim" has usr/bin/ses-upgrade-sim
check "deb: unit" has usr/lib/systemd/system/ses-upgrade-monitor.service
check "deb: config.yaml" has etc/ses-upgrade-monitor/config.yaml
check "deb: operations guide" has usr/share/doc/ses-upgrade-monitor/operations.md
check "deb: Prometheus rules" has usr/share/ses-upgrade-monitor/prometheus/ses-upgrade-monitor.rules.yml
check "deb: Grafana dashboard" has usr/share/ses-upgrade-monitor/prometheus/ses-upgrade-monitor.grafana.json
check "deb: no build paths leaked" bash -c "! grep -q -e _CPack_Packages -e '$build' '$work/contents'"
check "deb: config.yaml is world-readable, root-owned" \
  grep -qx -- '-rw-r--r-- root/root ./etc/ses-upgrade-monitor/config.yaml' "$work/contents"

root="$work/root"
dpkg -x "$deb" "$root"
check "extracted program runs" "$root/usr/bin/ses-upgrade-monitor" --version
check "extracted unit runs /usr/bin/ses-upgrade-monitor" \
  grep -qx 'ExecStart=/usr/bin/ses-upgrade-monitor run -c /etc/ses-upgrade-monitor/config.yaml' \
  "$root/usr/lib/systemd/system/ses-upgrade-monitor.service"
check "extracted config is the inert template" cmp -s "$src/config/config.installed.yaml" "$root/etc/ses-upgrade-monitor/config.yaml"
# Inert until edited, and it says so: with keys, check-config refuses it for the missing
# cluster list alone (nothing would be polled or sent), and the file's first line says why.
conf="$root/etc/ses-upgrade-monitor/config.yaml"
check "installed config says it is inert until edited" grep -q 'INERT UNTIL EDITED' <(head -n 1 "$conf")
inert_check=$(NCLOUD_ACCESS_KEY=ak NCLOUD_SECRET_KEY=sk "$root/usr/bin/ses-upgrade-monitor" check-config -c "$conf" 2>&1) && rc=0 || rc=$?
check "installed config: check-config exits 2" test "$rc" = 2
check "installed config: refused only for its empty cluster list" \
  test "$inert_check" = "$conf:17:11: clusters: at least one cluster is required"
check "installed config: no placeholder host, no command notifier" \
  bash -c "! grep -Eq 'example\.(com|org|net)|type: *command' '$conf'"
check "postinst does not start an unedited config" grep -qF "grep -q '^clusters: \[\]'" "$work/ctrl/postinst"

if [ $fails -ne 0 ]; then echo "package test: $fails check(s) failed" >&2; exit 1; fi
echo "PASS: package"
