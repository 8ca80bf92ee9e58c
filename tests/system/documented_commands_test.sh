#!/usr/bin/env bash
# The commands the documentation gives work as written (issue 16): config/demo.yaml's
# "Check it ... with:" line, and every ```sh block marked "run by
# tests/system/documented_commands_test.sh" in docs/*.md. Each runs from a directory laid
# out like the source tree (config/demo.yaml, config/scenarios/, build/bin/), with one
# change: the fixed ports (18443 for the simulator, 9717 for the dashboard) become free
# ones, in the commands and in the copy of config/demo.yaml, so parallel runs cannot clash.
# Then `status` against a simulator shows each node's time in status and marks a stalled
# cluster, and says why when node times lie ahead of this host's clock.
#   tests/system/documented_commands_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$(cd "${1:?source dir}" && pwd)
build=$(cd "${2:?build dir}" && pwd)
work=$(mktemp -d /tmp/sesmon-docs-XXXXXX)
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do timeout 5 tail --pid="$p" -f /dev/null 2>/dev/null || kill -KILL "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# --- the tree the commands run in --------------------------------------------------------
sim_port=$(free_port)
dash_port=$(free_port)
mkdir -p "$work/tree/config" "$work/tree/build"
ln -s "$src/config/scenarios" "$work/tree/config/scenarios"
ln -s "$build/bin" "$work/tree/build/bin"
sed -e "s/18443/$sim_port/g" -e "s/9717/$dash_port/g" "$src/config/demo.yaml" >"$work/tree/config/demo.yaml"
cd "$work/tree"
ports() { sed -e "s/18443/$sim_port/g" -e "s/9717/$dash_port/g"; }

wait_for() {  # wait_for SECONDS COMMAND...: true once COMMAND succeeds
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do [ $SECONDS -lt $deadline ] || return 1; sleep 0.2; done
}
sim_up() { [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$sim_port/" 2>/dev/null)" != 000 ]; }
hook_has() { curl -fsS "http://127.0.0.1:$sim_port/_sim/hooks" 2>/dev/null | grep -F -- "$1" >/dev/null; }

# Runs one documented command line (already joined), by what it is.
run_line() {
  local line=$1 what=$2 out="$work/out.$RANDOM"
  case "$line" in
    *ses-upgrade-sim*)
      line=${line%&}
      bash -c "exec $line" >"$out" 2>&1 &
      pids+=($!)
      if wait_for 10 sim_up; then ok "$what: the simulator answers"; else fail "$what: the simulator did not start: $(tail -n 3 "$out")"; fi ;;
    export\ *)
      eval "$line"; ok "$what: $line" ;;
    *" run -c "*)
      bash -c "exec $line" >"$out" 2>&1 &
      local daemon=$!
      pids+=("$daemon")
      if wait_for 30 hook_has upgrade_started; then
        ok "$what: the daemon delivered upgrade_started to the sink"
      else
        fail "$what: no upgrade_started at the sink within 30 s: $(tail -n 5 "$out")"
      fi
      kill -TERM "$daemon"
      if wait "$daemon"; then ok "$what: the daemon stopped cleanly on SIGTERM"; else fail "$what: the daemon exited $? on SIGTERM"; fi ;;
    *)
      if bash -c "$line" >"$out" 2>&1; then
        ok "$what"
      else
        fail "$what: exit $?: $(tail -n 5 "$out")"
      fi
      case "$line" in
        *" status "*)
          local cluster
          for cluster in cluster000 stuck-logs; do
            grep -q "^$cluster " "$out" || fail "$what: no $cluster in the table"
          done
          # Every node row has a time in status (the scenario's dates are in the past).
          if awk '/HOSTNAME/ {t=1; next} t && NF >= 4 && $NF == "-" {bad=1} END {exit bad}' "$out"; then
            ok "$what: every node shows its time in status"
          else
            fail "$what: a node shows no time in status: $(cat "$out")"
          fi ;;
      esac ;;
  esac
}

# --- config/demo.yaml's own hint ------------------------------------------------------------
hint=$(grep -A1 'Check it' "$src/config/demo.yaml" | sed -n 's/^#   //p')
[ -n "$hint" ] || fail "config/demo.yaml: no 'Check it ... with:' command found"
[ -z "$hint" ] || run_line "$(printf '%s' "$hint" | ports)" "config/demo.yaml's check-config hint"

# --- the marked blocks of the docs, each with its own simulator ------------------------------
blocks=0
for doc in "$src"/docs/*.md; do
  while IFS= read -r -d '' block; do
    blocks=$((blocks + 1))
    name="$(basename "$doc") block $blocks"
    unset NCLOUD_ACCESS_KEY NCLOUD_SECRET_KEY
    # Joined continuation lines, one command each.
    while IFS= read -r line; do
      [ -n "$line" ] || continue
      run_line "$(printf '%s' "$line" | ports)" "$name: ${line:0:60}"
    done < <(printf '%s' "$block" | sed -e ':a' -e '/\\$/N; s/\\\n */ /; ta')
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    pids=()
  done < <(awk '/run by tests\/system\/documented_commands_test.sh/ {mark=1; next}
                mark && /^```/ {if (inside) {printf "%s", body; printf "%c", 0; inside=0; mark=0; body=""} else inside=1; next}
                inside {body = body $0 "\n"}' "$doc")
done
[ $blocks -ge 2 ] || fail "expected the marked blocks of docs/demo.md and docs/simulator.md, found $blocks"
echo "documented blocks run: $blocks"

# --- status against a simulator: time in status, the stall, and times ahead of this host ---------
cat >"$work/stuck.yaml" <<'YAML'
clusters:
  - name: stuck-logs
    instance_no: "1037002"
    version: "2140"
    nodes:
      - {hostname: stuck-logs-d-a1, role: D}
      - {hostname: stuck-logs-d-a2, role: D}
    upgrade:
      start: "-10m"
      target_version: "2150"
      stages:
        - {name: Upgrade_OpenSearch, duration: 60s}
      nodes:
        stuck-logs-d-a2:
          stuck: {stage: Upgrade_OpenSearch, for: forever}
  - name: later
    instance_no: "1037003"
    version: "2140"
    nodes:
      - {hostname: later-d-1, role: D}
    upgrade:
      start: "+10m"
      target_version: "2150"
      stages:
        - {name: Upgrade_OpenSearch, duration: 60s}
YAML
"$build/bin/ses-upgrade-sim" --listen "127.0.0.1:$sim_port" --plain --scenario "$work/stuck.yaml" \
  --access-key ak --secret-key sk >"$work/stuck-sim.log" 2>&1 &
pids+=($!)
wait_for 10 sim_up || fail "the stuck scenario's simulator did not start: $(tail -n 3 "$work/stuck-sim.log")"
printf 'api: { endpoint: "http://127.0.0.1:%s" }\nstall: { node_stage_timeout: 5m }\nclusters:\n  - { name: stuck-logs, instance_no: "1037002" }\n  - { name: later, instance_no: "1037003" }\n' \
  "$sim_port" >"$work/stuck-config.yaml"
export NCLOUD_ACCESS_KEY=ak NCLOUD_SECRET_KEY=sk
"$build/bin/ses-upgrade-monitor" status -c "$work/stuck-config.yaml" >"$work/fleet.out" 2>"$work/status.err" || true
cat "$work/fleet.out"
if head -n 1 "$work/fleet.out" | grep -q '^2 clusters: 0 failed, 1 stalled, ' &&
   grep -Eq '^stuck-logs +stalled +2140 → 2150 .* node stuck-logs-d-a2 stuck for (9|10)m' "$work/fleet.out"; then
  ok "status sums the fleet up and lists the stalled cluster with its stuck node"
else
  fail "status did not list the stalled cluster"
fi
"$build/bin/ses-upgrade-monitor" status -c "$work/stuck-config.yaml" --cluster stuck-logs >"$work/status.out" 2>>"$work/status.err" || true
cat "$work/status.out"
if grep -Eq 'upgrading, STALLED (9|10)m[0-9]*s? \(node_stage_timeout\)' "$work/status.out"; then
  ok "status marks the cluster stuck for 9-10 minutes as STALLED"
else
  fail "status did not mark the stalled cluster"
fi
if grep -Eq '^  stuck-logs-d-a2 +D +Upgrade_OpenSearch +(9|10)m' "$work/status.out"; then
  ok "status shows the stuck node's time in status"
else
  fail "status shows no time in status for the stuck node"
fi
[ ! -s "$work/status.err" ] || fail "status printed on stderr: $(cat "$work/status.err")"
# Twenty virtual minutes ahead: `later` upgraded 10-11 virtual minutes from the start, which
# lies in this host's future, and status says so.
curl -fsS -X POST "http://127.0.0.1:$sim_port/_sim/advance?seconds=1200" >/dev/null ||
  fail "POST /_sim/advance failed"
"$build/bin/ses-upgrade-monitor" status -c "$work/stuck-config.yaml" >"$work/status2.out" 2>"$work/status2.err" || true
if grep -q "ahead of this host's clock" "$work/status2.err"; then
  ok "status explains node times ahead of this host's clock"
else
  fail "status said nothing about node times ahead of the clock: $(cat "$work/status2.err")"
fi

if [ $fails -ne 0 ]; then echo "documented commands: $fails check(s) failed" >&2; exit 1; fi
echo "PASS: documented commands"
