#!/usr/bin/env bash
# The .deb under real systemd: installs the package into a Debian 12 container, gives it
# credentials with LoadCredential=, boots systemd 252 as the container's PID 1 with
# systemd-nspawn, and lets tests/system/probe.sh (a oneshot unit inside) check readiness,
# STATUS=, webhook delivery to a simulator on the host, reload, restart without repeated
# alerts, clean stop and no restart loops. The container shares the host's network.
#   tests/system/container_test.sh SOURCE_DIR BUILD_DIR
# Needs root, and a kernel and sandbox that let systemd-nspawn start a container and boot
# systemd in it (namespaces, cgroups); exits 77 (skipped) with the reason otherwise. Its
# tools come from `scripts/bootstrap package system` (scripts/test installs them before
# ctest starts; this test fails when they are missing). The root filesystem is cached by
# tests/system/rootfs.sh; each run boots a fresh copy. SESMON_KEEP_CONTAINER=1 keeps
# the work directory for inspection.
set -euo pipefail
src=$(cd "${1:?source dir}" && pwd)
build=$(cd "${2:?build dir}" && pwd)
here="$src/tests/system"
t_begin=$(date +%s)
elapsed() { echo "$(( $(date +%s) - t_begin ))s"; }

skip() { echo "SKIP: $*" >&2; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "the container test needs root (systemd-nspawn)"
# A sanitizer build is not what ships: ASan's shadow memory and interceptors do not belong
# under MemoryDenyWriteExecute= and the syscall filter (LeakSanitizer's ptrace is refused
# there, and every exit then fails). The normal build runs this test. The build's own
# cache says which it is; no pipeline, because `objdump | grep -q` under pipefail fails
# whenever grep stops reading before objdump is done writing (SIGPIPE).
if grep -Eqx 'SESMON_(SANITIZE|FUZZ):BOOL=(ON|1|TRUE|YES)' "$build/CMakeCache.txt" 2>/dev/null; then
  echo "SKIP: sanitizer build; the container test runs on the normal build" >&2
  exit 77
fi
for tool in systemd-nspawn debootstrap cpack dpkg-deb apt-cache python3; do
  command -v $tool >/dev/null ||
    { echo "FAIL: $tool missing: run scripts/bootstrap package system" >&2; exit 1; }
done
# Can a container start here at all? A throwaway one over the host's own /usr answers in a
# fraction of a second, before minutes go into a root filesystem. (Inside another container
# or a restricted sandbox, nspawn may lack namespaces, mounts or cgroups.)
if ! probe=$(timeout 60 systemd-nspawn -q --directory=/ --volatile=yes --register=no --keep-unit \
               --pipe /bin/true </dev/null 2>&1); then
  skip "systemd-nspawn cannot start a container here: $(printf '%s' "$probe" | tail -n 3 | tr '\n' ' ')"
fi

work=$(mktemp -d /var/tmp/sesmon-container-XXXXXX)
sim_pid=""
nspawn_pid=""
cleanup() {
  [ -n "$nspawn_pid" ] && kill -KILL "$nspawn_pid" 2>/dev/null || true
  [ -n "$sim_pid" ] && kill -TERM "$sim_pid" 2>/dev/null || true
  [ -n "$sim_pid" ] && { timeout 5 tail --pid="$sim_pid" -f /dev/null 2>/dev/null || kill -KILL "$sim_pid" 2>/dev/null; } || true
  if [ "${SESMON_KEEP_CONTAINER:-0}" = 1 ]; then
    echo "kept: $work" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the package, and a root filesystem that satisfies its Depends --------------------
(cd "$build" && timeout 300 cpack -G DEB --config CPackConfig.cmake -B "$work/pkg" >"$work/cpack.log" 2>&1) ||
  { cat "$work/cpack.log" >&2; echo "FAIL: cpack" >&2; exit 1; }
deb=$(ls "$work"/pkg/ses-upgrade-monitor_*.deb)
# Real packages only: a virtual one (libspdlog1.10-fmt9) comes with its provider, which
# rootfs.sh's base list carries; if not, dpkg -i below says what is missing.
mapfile -t deps < <(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/^ *//; s/[ (|].*//' | grep . |
  while read -r p; do
    # Not grep -q: it exits at the first match, and apt-cache's next write then dies of
    # SIGPIPE, which pipefail reports as failure (seen with libsqlite3-0).
    apt-cache show --no-all-versions "$p" 2>/dev/null | grep "^Package:" >/dev/null && echo "$p"
  done)
cached=$("$here/rootfs.sh" "${deps[@]}")
root="$work/root"
cp -a "$cached" "$root"
echo "[$(elapsed)] root filesystem ready (copy of $cached)"

# --- install the package the way an admin would (dpkg -i inside, not booted) ---------
cp "$deb" "$root/var/tmp/ses-upgrade-monitor.deb"
if ! timeout 120 systemd-nspawn -q -D "$root" --register=no --keep-unit --pipe \
       dpkg -i /var/tmp/ses-upgrade-monitor.deb </dev/null >"$work/dpkg.log" 2>&1; then
  cat "$work/dpkg.log" >&2
  echo "FAIL: dpkg -i in the container" >&2
  exit 1
fi
host_fails=0
hfail() { echo "FAIL: $*" >&2; host_fails=$((host_fails + 1)); }
hcheck() { local what=$1; shift; if "$@"; then echo "ok: $what"; else hfail "$what"; fi; }
hcheck "package enabled the unit (multi-user.target.wants link)" \
  test -L "$root/etc/systemd/system/multi-user.target.wants/ses-upgrade-monitor.service"
hcheck "package created the credentials directory, mode 0700" \
  test "$(stat -c %a "$root/etc/ses-upgrade-monitor/credentials")" = 700
echo "[$(elapsed)] package installed"

# --- the simulator with its webhook sink, on the host's loopback ----------------------
# Started just before the boot: at --time-scale 30 the seed upgrade (14.3 virtual minutes)
# takes about 29 s, so the daemon sees it in progress and then finishing.
access_key=container-test-access-key
secret_key=container-test-secret-key
scenario="$src/config/scenarios/seed.yaml"
sim_url=""
if [ -x "$build/bin/ses-upgrade-sim" ] && [ -f "$scenario" ]; then
  "$build/bin/ses-upgrade-sim" --listen 127.0.0.1:0 --plain --scenario "$scenario" \
    --access-key "$access_key" --secret-key "$secret_key" \
    --time-scale "${SESMON_CONTAINER_TIME_SCALE:-30}" --webhook-sink >"$work/sim.log" 2>&1 &
  sim_pid=$!
  for _ in $(seq 100); do
    sim_url=$(grep -om1 'listening on http://127\.0\.0\.1:[0-9]*' "$work/sim.log" | sed 's/^listening on //' || true)
    [ -n "$sim_url" ] && break
    kill -0 "$sim_pid" 2>/dev/null || break
    sleep 0.2
  done
  [ -n "$sim_url" ] || { cat "$work/sim.log" >&2; echo "FAIL: the simulator did not start" >&2; exit 1; }
  echo "[$(elapsed)] simulator at $sim_url"
else
  echo "WARNING: no simulator (ses-upgrade-sim or $scenario missing): webhook checks will fail" >&2
fi

# --- configure: credentials, a webhook URL as a credential, the cluster list ----------
cred="$root/etc/ses-upgrade-monitor/credentials"
( umask 077
  printf '%s\n' "$access_key" >"$cred/ncloud-access-key"
  printf '%s\n' "$secret_key" >"$cred/ncloud-secret-key"
  printf '%s/hooks/container\n' "${sim_url:-http://127.0.0.1:9}" >"$cred/webhook-url" )
mkdir -p "$root/etc/systemd/system/ses-upgrade-monitor.service.d"
cat >"$root/etc/systemd/system/ses-upgrade-monitor.service.d/webhook.conf" <<'UNIT'
[Service]
LoadCredential=webhook-url:/etc/ses-upgrade-monitor/credentials/webhook-url
UNIT
{
  echo "api:"
  echo "  endpoint: ${sim_url:-http://127.0.0.1:9}"
  echo "polling: { interval: 1s, idle_interval: 2s, jitter: 0, max_backoff: 5s }"
  echo "clusters:"
  python3 "$here/scenario_clusters.py" "$scenario" || echo "  - { name: none, instance_no: \"0\" }"
  echo "notifiers:"
  echo "  - { name: journal, type: log }"
  echo "  - name: host-sink"
  echo "    type: webhook"
  echo "    url_file: /run/credentials/ses-upgrade-monitor.service/webhook-url"
  echo "state: { directory: /var/lib/ses-upgrade-monitor }   # as in config.example.yaml"
  echo "server: { listen: \"\" }"
} >"$root/etc/ses-upgrade-monitor/config.yaml"

# --- the probe ----------------------------------------------------------------------
out="$work/out"
mkdir -p "$out"
printf 'SIM_URL=%s\n' "$sim_url" >"$out/probe.env"
install -m 0755 "$here/probe.sh" "$root/usr/local/sbin/sesmon-probe"
cat >"$root/etc/systemd/system/sesmon-probe.service" <<'UNIT'
[Unit]
Description=ses-upgrade-monitor container test probe
After=ses-upgrade-monitor.service
[Service]
Type=oneshot
ExecStart=/usr/local/sbin/sesmon-probe
TimeoutStartSec=480
ExecStopPost=/bin/systemctl --no-block poweroff
[Install]
WantedBy=multi-user.target
UNIT
ln -sf /etc/systemd/system/sesmon-probe.service \
  "$root/etc/systemd/system/multi-user.target.wants/sesmon-probe.service"

# --- boot -----------------------------------------------------------------------------
echo "[$(elapsed)] booting the container"
t_boot=$(date +%s)
timeout -k 10 540 systemd-nspawn -q -D "$root" --boot --register=no --keep-unit \
  --bind="$out:/out" </dev/null >"$work/console.log" 2>&1 &
nspawn_pid=$!
wait "$nspawn_pid" && boot_rc=0 || boot_rc=$?
nspawn_pid=""
echo "[$(elapsed)] container powered off after $(( $(date +%s) - t_boot ))s (exit $boot_rc)"

# --- verdict --------------------------------------------------------------------------
if [ ! -f "$out/results" ]; then
  tail -n 40 "$work/console.log" >&2
  # systemd as the container's PID 1 needs a writable cgroup hierarchy and namespaces that
  # a nested container or a sandbox may withhold: that is this machine, not the package.
  # Only systemd's own start-up failures count; a failing service inside is the package's.
  if grep -Eq 'Failed to allocate manager object|Failed to (mount|create|set up).*cgroup|Cannot determine cgroup|cgroup.*(Read-only file system|Permission denied|not supported)' \
       "$work/console.log"; then
    skip "systemd could not boot in a container here (cgroups/namespaces; console above)"
  fi
  echo "FAIL: the probe wrote no results" >&2
  exit 1
fi
cat "$out/results"
grep -qx DONE "$out/results" || hfail "the probe did not finish (timeout?)"
probe_fails=$(grep -c '^FAIL' "$out/results" || true)
if [ -n "$sim_url" ]; then
  # What the sink had after the restart (the probe fetched it then); later, the probe
  # purges the package, and a daemon without its state rightly alerts again.
  hcheck "webhook sink: seed upgrade started, finished, no event delivered twice across a restart" \
    python3 "$here/check_hooks.py" "$out/hooks-after-restart.json"
fi
if [ "$probe_fails" -ne 0 ] || [ "$host_fails" -ne 0 ]; then
  echo "--- service journal (last 60 lines) ---" >&2
  tail -n 60 "$out/journal.txt" >&2 || true
  echo "container test: $probe_fails probe and $host_fails host check(s) failed after $(elapsed)" >&2
  exit 1
fi
echo "PASS: container ($(elapsed))"
