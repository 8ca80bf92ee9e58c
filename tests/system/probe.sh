#!/bin/bash
# Runs inside the test container as a oneshot unit, after ses-upgrade-monitor.service
# started at boot. Checks what the service does under real systemd, writes one line per
# check to /out/results ("ok: ..." / "FAIL: ..."), the service's journal to /out, then
# powers the container off. Every wait has a deadline.
# Settings come from /out/probe.env: SIM_URL (simulator + webhook sink on the host).
set -u
. /out/probe.env
UNIT=ses-upgrade-monitor.service
CONF=/etc/ses-upgrade-monitor/config.yaml
CRED=/etc/ses-upgrade-monitor/credentials
results=/out/results
: >"$results"

ok() { echo "ok: $*" >>"$results"; }
fail() { echo "FAIL: $*" >>"$results"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }
prop() { systemctl show -P "$1" "$UNIT"; }
finish() {
  journalctl -b -u "$UNIT" --no-pager -o short-monotonic >/out/journal.txt 2>&1
  systemctl status "$UNIT" --no-pager >/out/status.txt 2>&1
  echo DONE >>"$results"
  systemctl --no-block poweroff
}
trap finish EXIT

# wait_for SECONDS COMMAND...: true once COMMAND succeeds, false at the deadline.
wait_for() {
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.5
  done
}
active_running() { [ "$(prop ActiveState)/$(prop SubState)" = active/running ]; }
hooks() { curl -fsS --max-time 5 "$SIM_URL/_sim/hooks" 2>/dev/null; }
hook_has() { hooks | grep -q "$1"; }
state_files() { find /var/lib/private/ses-upgrade-monitor -type f 2>/dev/null | sort; }

# 1. Started at boot (the package enabled it); active only after READY=1.
wait_for 60 active_running
check "service is active (running) after boot" active_running
check "Type=notify with NotifyAccess=main" test "$(prop Type)/$(prop NotifyAccess)" = notify/main
start=$(prop ExecMainStartTimestampMonotonic)
active=$(prop ActiveEnterTimestampMonotonic)
check "active entered after the main process started (READY=1 came first)" \
  test "${active:-0}" -gt "${start:-0}" -a "${start:-0}" -gt 0
status_text=$(prop StatusText)
echo "status line: $status_text" >>"$results"
check "STATUS= line is set" test -n "$status_text"
runs_unprivileged() {  # (minbase has no ps)
  local uid
  uid=$(awk '/^Uid:/ {print $2}' "/proc/$(prop MainPID)/status" 2>/dev/null)
  [ -n "$uid" ] && [ "$uid" != 0 ]
}
check "runs as a dynamic user, not root" runs_unprivileged
check "watchdog armed" test "$(prop WatchdogUSec)" != 0 -a "$(prop WatchdogUSec)" != infinity

# 2. Alerts from the simulator's seed upgrade reach the sink on the host.
if ! active_running; then
  fail "service not running: webhook delivery not checked"
elif [ -n "$SIM_URL" ]; then
  wait_for 120 hook_has upgrade_started
  check "upgrade_started delivered to the webhook sink" hook_has upgrade_started
  wait_for 150 hook_has upgrade_finished
  check "upgrade_finished delivered to the webhook sink" hook_has upgrade_finished
else
  fail "no simulator on the host: webhook delivery not checked"
fi
check "still active (running) after the upgrade (watchdog fed)" active_running

# 3. Reload with a broken file keeps the old configuration (the daemon validates on SIGHUP).
pid=$(prop MainPID)
same_pid() { [ "$pid" -gt 0 ] && [ "$(prop MainPID)" = "$pid" ]; }
# The daemon's own lines (not systemd's "Reload failed ...") since a time.
journal_since() { journalctl "_PID=$pid" --no-pager -o cat --since "@$1" 2>/dev/null; }
cp "$CONF" /root/config.good
printf 'clusters: [\n  broken\n' >"$CONF"
t_reload=$(date +%s)
check "systemctl reload with a broken config returns" systemctl reload "$UNIT"
refused() { journal_since "$t_reload" | grep -Eiq 'reload.*(fail|invalid|refus|keep)'; }
wait_for 10 refused
check "the daemon logged that it refused the broken config" refused
check "still active (running) after the refused reload" active_running
check "same main process after the refused reload" same_pid
cp /root/config.good "$CONF"
sleep 1  # journalctl --since has one-second granularity
t_reload=$(date +%s)
check "systemctl reload of the good config succeeds" systemctl reload "$UNIT"
hup_seen() { journal_since "$t_reload" | grep -qi reload; }
wait_for 10 hup_seen
check "the daemon logged the good reload" hup_seen
sleep 1
not_refused() { ! refused; }
check "no refusal logged for the good config" not_refused
check "still active (running) after a good reload" active_running
check "same main process after a good reload" same_pid

# 4. State survives a restart: no event is delivered twice.
wait_for 10 test -n "$(state_files)"
check "state directory has files (/var/lib/private/ses-upgrade-monitor)" test -n "$(state_files)"
before=$(hooks | sha256sum)
hooks >/out/hooks-before-restart.json
check "systemctl restart succeeds" timeout 60 systemctl restart "$UNIT"
check "active (running) after restart" active_running
check "new main process after restart" test "$(prop MainPID)" != "$pid" -a "$(prop MainPID)" -gt 0
# Give the restarted daemon several poll rounds to (wrongly) repeat anything.
sleep 6
hooks >/out/hooks-after-restart.json
check "state directory still has files after restart" test -n "$(state_files)"

# 5. A clean stop: SIGTERM, exit 0, inactive (not failed), quickly.
check "running before the stop" active_running
t=$SECONDS
check "systemctl stop succeeds" timeout 40 systemctl stop "$UNIT"
check "stop took under 10 s" test $((SECONDS - t)) -lt 10
check "after stop: inactive/dead" test "$(prop ActiveState)/$(prop SubState)" = inactive/dead
check "after stop: Result=success, exit status 0" test "$(prop Result)/$(prop ExecMainStatus)" = success/0

# 6. Unconfigured: missing credentials fail once and do not restart in a loop.
mkdir -p /root/cred.saved && mv "$CRED"/ncloud-* /root/cred.saved/
systemctl reset-failed "$UNIT"
systemctl start "$UNIT" 2>/dev/null
sleep 1
check "without credentials: failed with status 243 (CREDENTIALS), not scheduled for restart" \
  test "$(prop ActiveState)/$(prop SubState)/$(prop ExecMainStatus)" = failed/failed/243
echo "without credentials: Result=$(prop Result) ExecMainStatus=$(prop ExecMainStatus) NRestarts=$(prop NRestarts)" >>"$results"
cp /root/cred.saved/* "$CRED"/
cp "$CRED/webhook-url" /root/webhook-url
systemctl reset-failed "$UNIT"

# 7. Invalid configuration (exit 2): failed once, no restart loop.
printf 'no_such_key: 1\n' >"$CONF"
systemctl reset-failed "$UNIT"
systemctl start "$UNIT" 2>/dev/null
sleep 1
check "invalid config: failed with exit status 2, not scheduled for restart" \
  test "$(prop ActiveState)/$(prop SubState)/$(prop ExecMainStatus)" = failed/failed/2
cp /root/config.good "$CONF"
systemctl reset-failed "$UNIT"

# 8. The package's maintainer scripts under a running systemd.
DEB=/var/tmp/ses-upgrade-monitor.deb
dpkg_i() { DEBIAN_FRONTEND=noninteractive dpkg -i --force-confold "$DEB" >>/out/dpkg.log 2>&1; }
inactive() { [ "$(prop ActiveState)" = inactive ] || [ "$(prop ActiveState)" = failed ]; }
check "upgrade of a stopped service: dpkg -i succeeds" dpkg_i
check "upgrade of a stopped service leaves it stopped (try-restart)" inactive
systemctl start "$UNIT"
pid=$(prop MainPID)
check "upgrade of a running service: dpkg -i succeeds" dpkg_i
restarted() { local now; now=$(prop MainPID); [ "$now" -gt 0 ] && [ "$now" != "$pid" ] && active_running; }
check "upgrade of a running service restarts it" restarted
check "purge succeeds" bash -c "dpkg --purge ses-upgrade-monitor >>/out/dpkg.log 2>&1"
check "purge stopped the service and removed the unit" test ! -e /usr/lib/systemd/system/$UNIT -a "$(systemctl is-active $UNIT)" != active
check "purge removed the state" test ! -e /var/lib/private/ses-upgrade-monitor
check "purge removed the credentials" test ! -e "$CRED"
# A fresh install without keys: enabled, not started, and it says why.
check "fresh install without keys: dpkg -i succeeds" dpkg_i
check "fresh install without keys: not started" inactive
check "fresh install without keys: enabled" systemctl is-enabled -q "$UNIT"
check "fresh install without keys: tells the admin what to do" grep -q 'enabled but not started' /out/dpkg.log
# Keys placed by the admin (or configuration management) before the install: started.
dpkg --purge ses-upgrade-monitor >>/out/dpkg.log 2>&1
install -d -m 0700 "$CRED"
cp /root/cred.saved/ncloud-access-key /root/cred.saved/ncloud-secret-key "$CRED"/ 2>/dev/null
install -m 0600 /root/webhook-url "$CRED"/webhook-url
install -m 0644 /root/config.good "$CONF" 2>/dev/null || { mkdir -p "$(dirname "$CONF")"; install -m 0644 /root/config.good "$CONF"; }
check "fresh install with keys: dpkg -i succeeds" dpkg_i
check "fresh install with keys: started, active (running)" active_running
