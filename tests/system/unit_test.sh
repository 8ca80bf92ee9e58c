#!/usr/bin/env bash
# The unit passes `systemd-analyze security` at exposure <= 1.5 and `systemd-analyze
# verify` prints nothing on stderr (SPEC, issue 7).
#   tests/system/unit_test.sh SOURCE_DIR BIN_DIR
set -euo pipefail
src=${1:?source dir}
bin=${2:?bin dir}
unit="$src/systemd/ses-upgrade-monitor.service"
command -v systemd-analyze >/dev/null || { echo "FAIL: systemd-analyze missing: run scripts/bootstrap system" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0

# The threshold is ten times the printed score: 15 means "exposure 1.5 or better".
if ! systemd-analyze security --offline=yes --threshold=15 --no-pager "$unit" >"$work/security.txt" 2>&1; then
  cat "$work/security.txt" >&2
  echo "FAIL: systemd-analyze security: exposure above 1.5" >&2
  fail=1
fi
grep -E 'Overall exposure' "$work/security.txt" || true

# verify needs the executables to exist: a copy of the unit pointing at the build.
sed "s#/usr/bin/ses-upgrade-monitor#$bin/ses-upgrade-monitor#g" "$unit" \
  >"$work/ses-upgrade-monitor.service"
[ -x "$bin/ses-upgrade-monitor" ] || { echo "FAIL: $bin/ses-upgrade-monitor not built" >&2; exit 1; }
if ! systemd-analyze verify --man=no "$work/ses-upgrade-monitor.service" 2>"$work/verify.err"; then
  echo "FAIL: systemd-analyze verify exited non-zero" >&2
  fail=1
fi
if [ -s "$work/verify.err" ]; then
  cat "$work/verify.err" >&2
  echo "FAIL: systemd-analyze verify printed warnings" >&2
  fail=1
fi
[ $fail -eq 0 ] && echo "PASS: unit security and verify"
exit $fail
