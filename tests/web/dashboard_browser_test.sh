#!/usr/bin/env bash
# The dashboard in a real browser (issue 6): the simulator plays the seed scenario, the
# daemon watches it, headless Chromium loads http://127.0.0.1:PORT/ and runs its script;
# the fleet list must show a row per cluster needing attention, and each cluster's own view
# (#cluster/<name>) a card whose progress text matches /api/v1/clusters.
# Screenshots (laptop and phone width) go to the build directory.
#   dashboard_browser_test.sh SOURCE_DIR BUILD_DIR
# Exit 0 pass, 1 fail, 77 skip (only while `ses-upgrade-monitor run` is not built yet).
set -euo pipefail
src=${1:?source dir}
build=${2:?build dir}
bin="$build/bin"
tmp=$(mktemp -d /tmp/sesmon-browser-XXXXXX)
sim_pid="" daemon_pid="" www_pid=""

stop_process() {  # TERM, then KILL after 5 s; only processes this script started
  local pid=$1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
  stop_process "$daemon_pid"
  stop_process "$sim_pid"
  stop_process "$www_pid"
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
fail() {
  echo "FAIL: $*" >&2
  for f in sim.log daemon.log; do
    [ -f "$tmp/$f" ] && { echo "--- $f (last 30 lines)" >&2; tail -n 30 "$tmp/$f" >&2; }
  done
  exit 1
}

# --- skip only while the daemon command is still the placeholder ------------------------
[ -x "$bin/ses-upgrade-monitor" ] || fail "$bin/ses-upgrade-monitor is not built"
"$bin/ses-upgrade-monitor" run -c /nonexistent/config.yaml >"$tmp/probe.out" 2>&1 || true
if grep -q "is not built yet" "$tmp/probe.out"; then
  echo "SKIP: ses-upgrade-monitor run is not built yet"
  exit 77
fi
[ -x "$bin/ses-upgrade-sim" ] || fail "ses-upgrade-sim is not built"

# --- the browser: Debian's chromium, installed by `scripts/bootstrap browser` (scripts/test
# runs it before ctest starts; a test never installs anything itself) ---------------------
command -v chromium >/dev/null 2>&1 || fail "chromium missing: run scripts/bootstrap browser"
command -v curl >/dev/null 2>&1 || fail "curl missing: run scripts/bootstrap"

# --- the simulator: the seed scenario, plain HTTP, any free port -------------------------
scenario=""
for candidate in seed.yaml demo.yaml; do
  [ -f "$src/config/scenarios/$candidate" ] && { scenario="$src/config/scenarios/$candidate"; break; }
done
sim_args=(--listen 127.0.0.1:0 --plain --access-key browser-ak --secret-key browser-sk
          --time-scale 60)
if [ -n "$scenario" ]; then
  sim_args+=(--scenario "$scenario")
  clusters=$(python3 "$src/tests/system/scenario_clusters.py" "$scenario") ||
    fail "cannot read the clusters of $scenario"
else  # no scenario file in this tree yet: one fabricated cluster mid-upgrade
  sim_args+=(--generate-clusters 1)
  clusters='  - { name: gen-00001, instance_no: "9000001" }'
fi
"$bin/ses-upgrade-sim" "${sim_args[@]}" >"$tmp/sim.out" 2>"$tmp/sim.log" &
sim_pid=$!
sim_url=""
for _ in $(seq 100); do
  sim_url=$(grep -om1 'http://127\.0\.0\.1:[0-9]*' "$tmp/sim.out" || true)
  [ -n "$sim_url" ] && break
  kill -0 "$sim_pid" 2>/dev/null || break
  sleep 0.1
done
[ -n "$sim_url" ] || fail "the simulator did not print 'listening on ...'"

# --- the daemon ------------------------------------------------------------------------
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
mkdir -p "$tmp/state"
cat >"$tmp/config.yaml" <<YAML
api:
  endpoint: $sim_url
  timeout: 5s
polling: { interval: 1s, idle_interval: 2s, jitter: 0, max_backoff: 5s }
stall: { node_stage_timeout: 30m, no_progress_timeout: 60m, blind_timeout: 5m }
clusters:
$clusters
notifiers:
  - { name: journal, type: log }
state:
  directory: $tmp/state
server:
  listen: 127.0.0.1:$port
YAML
NCLOUD_ACCESS_KEY=browser-ak NCLOUD_SECRET_KEY=browser-sk STATE_DIRECTORY="$tmp/state" \
  "$bin/ses-upgrade-monitor" run -c "$tmp/config.yaml" >"$tmp/daemon.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 200); do
  curl -fsS --max-time 2 "$base/healthz" >/dev/null 2>&1 && break
  kill -0 "$daemon_pid" 2>/dev/null || fail "the daemon exited early"
  sleep 0.1
done
curl -fsS --max-time 2 "$base/healthz" >/dev/null || fail "the daemon's HTTP server did not answer"

# --- wait (bounded) until some node of the seed upgrade is complete ----------------------
progress() {  # "done total" summed over clusters, from the API
  curl -fsS --max-time 3 "$base/api/v1/clusters" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(sum(c["upgrade"]["nodes_complete"] for c in d["clusters"]),
      sum(c["upgrade"]["nodes_total"] for c in d["clusters"]))'
}
progressed=""
for i in $(seq 90); do
  read -r done total < <(progress || echo "0 0")
  if [ "${done:-0}" -ge 1 ]; then progressed=yes; break; fi
  kill -0 "$daemon_pid" 2>/dev/null || fail "the daemon exited"
  # Nudge virtual time along when the scenario is slow to start.
  [ $((i % 5)) -eq 0 ] && curl -fsS -X POST --max-time 3 "$sim_url/_sim/advance?seconds=120" \
    >/dev/null 2>&1 || true
  sleep 1
done
[ -n "$progressed" ] || fail "no node completed within 90 s: $(curl -sS "$base/api/v1/clusters")"
echo "progress: $done/$total nodes complete"

# --- the real browser ------------------------------------------------------------------
chrome() {
  timeout -k 5 90 chromium --headless --no-sandbox --disable-gpu --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --disable-dev-shm-usage --user-data-dir="$tmp/profile" "$@" 2>>"$tmp/chromium.log"
}
curl -fsS "$base/api/v1/clusters" >"$tmp/before.json"
chrome --virtual-time-budget=5000 --dump-dom "$base/?feed_wait=1" >"$tmp/dom.html" ||
  fail "chromium --dump-dom failed: $(tail -n 5 "$tmp/chromium.log")"
# Each cluster's own view (#cluster/<name>): its card.
i=0
while IFS= read -r name; do
  chrome --virtual-time-budget=5000 --dump-dom "$base/?feed_wait=1#cluster/$name" >"$tmp/card-$i.html" ||
    fail "chromium --dump-dom of #cluster/$name failed: $(tail -n 5 "$tmp/chromium.log")"
  i=$((i + 1))
done < <(python3 -c 'import json,sys,urllib.parse; [print(urllib.parse.quote(c["name"])) for c in json.load(open(sys.argv[1]))["clusters"]]' "$tmp/before.json")
curl -fsS "$base/api/v1/clusters" >"$tmp/after.json"

python3 - "$tmp/dom.html" "$tmp/before.json" "$tmp/after.json" "$tmp"/card-*.html <<'PY' || fail "DOM check"
import json, sys
from html.parser import HTMLParser

class Dom(HTMLParser):
    """Collects the fleet list's rows (tr.fleet-row) and, per section[data-cluster], the text
    of its .progress-text, .versions and node rows."""
    def __init__(self):
        super().__init__()
        self.cards, self.rows, self.body_state, self.banner_hidden = {}, {}, None, None
        self.card = None
        self.grab = None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "body":
            self.body_state = a.get("data-state")
        if a.get("id") == "offline-banner":
            self.banner_hidden = "hidden" in a
        if tag == "tr" and "fleet-row" in classes:
            self.rows[a["data-cluster"]] = a.get("data-state")
        if tag == "section" and "data-cluster" in a:
            self.card = {"progress": "", "nodes": [], "versions": ""}
            self.cards[a["data-cluster"]] = self.card
        if self.card is not None and tag == "tr" and "data-node" in a:
            self.card["nodes"].append(a["data-node"])
        if self.card is not None and ("progress-text" in classes or "versions" in classes):
            self.grab = "progress" if "progress-text" in classes else "versions"
    def handle_endtag(self, tag):
        if tag in ("span", "div"):
            self.grab = None
    def handle_data(self, data):
        if self.grab and self.card is not None:
            self.card[self.grab] += data

def parse(path):
    dom = Dom()
    dom.feed(open(path, encoding="utf-8").read())
    return dom

fleet = parse(sys.argv[1])
before = {c["name"]: c for c in json.load(open(sys.argv[2]))["clusters"]}
after = {c["name"]: c for c in json.load(open(sys.argv[3]))["clusters"]}
cards = {}
for path in sys.argv[4:]:
    dom = parse(path)
    cards.update(dom.cards)
    if dom.body_state != "ok":
        print(f"DOM: {path}: body data-state is {dom.body_state!r}", file=sys.stderr)
errors = []
if fleet.body_state != "ok":
    errors.append(f"body data-state is {fleet.body_state!r}, not 'ok' (the page's fetch failed?)")
if fleet.banner_hidden is not True:
    errors.append("the offline banner is visible")
attention = {"failed", "stalled", "blind", "upgrading"}
for name, c in after.items():
    # The fleet list: a row per cluster needing attention (the others are collapsed below).
    states = {before[name]["state"], c["state"]}
    if states & attention and name not in fleet.rows:
        errors.append(f"no fleet row for {name} ({c['state']})")
    if name in fleet.rows and fleet.rows[name] not in states:
        errors.append(f"{name}: fleet row state {fleet.rows[name]!r}, API says {sorted(states)}")
    card = cards.get(name)
    if card is None:
        errors.append(f"no card for cluster {name} in #cluster/{name}")
        continue
    b, u = before[name]["upgrade"], c["upgrade"]
    accepted = {f'{x["nodes_complete"]}/{x["nodes_total"]} nodes' for x in (b, u)}
    lo, hi = b["nodes_complete"], u["nodes_complete"]
    accepted |= {f'{k}/{u["nodes_total"]} nodes' for k in range(lo, hi + 1)}
    if card["progress"].strip() not in accepted:
        errors.append(f"{name}: progress text {card['progress']!r}, API says {sorted(accepted)}")
    if u["from_version"] and u["to_version"] and u["from_version"] != u["to_version"]:
        want = f'{u["from_version"]} \u2192 {u["to_version"]}'
        if card["versions"].strip() != want:
            errors.append(f"{name}: versions {card['versions']!r}, want {want!r}")
    if len(card["nodes"]) != len(c["nodes"]):
        errors.append(f"{name}: {len(card['nodes'])} node rows, API has {len(c['nodes'])}")
extra = (set(cards) | set(fleet.rows)) - set(after)
if extra:
    errors.append(f"cards or rows for unknown clusters: {sorted(extra)}")
for e in errors:
    print("DOM:", e, file=sys.stderr)
if not errors:
    for name, card in cards.items():
        print(f"DOM ok: {name}: row {fleet.rows.get(name)}, {card['versions'].strip()}, "
              f"{card['progress'].strip()}, {len(card['nodes'])} node rows")
sys.exit(1 if errors else 0)
PY

# --- screenshots, laptop and phone width -----------------------------------------------
rm -f "$build/dashboard.png" "$build/dashboard-phone.png"
chrome --virtual-time-budget=5000 --hide-scrollbars --window-size=1280,900 \
  --screenshot="$build/dashboard.png" "$base/?feed_wait=1" >/dev/null || fail "screenshot failed"
chrome --virtual-time-budget=5000 --hide-scrollbars --window-size=390,844 \
  --screenshot="$build/dashboard-phone.png" "$base/?feed_wait=1" >/dev/null || fail "phone screenshot failed"
[ -s "$build/dashboard.png" ] && [ -s "$build/dashboard-phone.png" ] || fail "no screenshot written"
echo "screenshots: $build/dashboard.png $build/dashboard-phone.png"

# --- the banner: the daemon stops answering while the page is open ----------------------
# A stand-in for the daemon on another port serves the same page; after a page load it
# answers the summary and the first page of clusters with the real documents, then every
# request (the change feed first) with 503: the page must keep its rows and show the "not
# answering" banner.
mkdir -p "$tmp/www"
curl -fsS "$base/" >"$tmp/www/index.html"
curl -fsS "$base/api/v1/summary" >"$tmp/www/summary.json"
curl -fsS "$base/api/v1/clusters?state=failed,stalled,blind,upgrading,finished,idle&nodes=0" >"$tmp/page.json"
# Plus a cluster whose name and labels are markup: the page must show them as text, never
# as HTML.
python3 - "$tmp/page.json" "$tmp/www/clusters.json" <<'PY'
import copy, json, sys
doc = json.load(open(sys.argv[1]))
evil = copy.deepcopy(doc["clusters"][0])
evil["name"] = '<img src=x id=injected onerror="document.title=1">'
evil["state"] = "failed"
evil["labels"] = {"team": "<b id=injected-label>x</b>"}
doc["clusters"].insert(0, evil)
json.dump(doc, open(sys.argv[2], "w"))
PY
www_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 - "$tmp/www" "$www_port" >/dev/null 2>&1 <<'PY' &
import http.server, sys
root, port = sys.argv[1], int(sys.argv[2])
served = set()
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        path = self.path.split("?")[0]
        if path == "/":
            served.clear()  # each page load gets one good answer of each, then 503s
            body, kind = open(root + "/index.html", "rb").read(), "text/html; charset=utf-8"
        elif path in ("/api/v1/summary", "/api/v1/clusters") and path not in served:
            served.add(path)
            name = "summary.json" if path.endswith("summary") else "clusters.json"
            body, kind = open(root + "/" + name, "rb").read(), "application/json"
        else:
            self.send_response(503 if path.startswith("/api/") else 404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
PY
www_pid=$!
for _ in $(seq 50); do curl -fsS --max-time 1 "http://127.0.0.1:$www_port/" >/dev/null 2>&1 && break; sleep 0.1; done
chrome --virtual-time-budget=6000 --dump-dom "http://127.0.0.1:$www_port/" >"$tmp/offline.html" ||
  fail "chromium --dump-dom (offline) failed"
python3 - "$tmp/offline.html" <<'PY' || fail "offline banner check"
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'<div id="offline-banner"([^>]*)>(.*?)</div>', html, re.S)
print("banner:", m.group(2) if m else None, file=sys.stderr)
ok = (m is not None and "hidden" not in m.group(1)
      and m.group(2).startswith("Daemon not answering since")
      and "HTTP 503" in m.group(2) and "out of date" in m.group(2)
      and 'data-state="offline"' in html and "data-cluster=" in html)
if 'id="injected' in html or "&lt;img src=x" not in html or "&lt;b id=injected-label" not in html:
    print("markup in data was not escaped", file=sys.stderr)
    ok = False
sys.exit(0 if ok else 1)
PY
chrome --virtual-time-budget=6000 --hide-scrollbars --window-size=1280,900 \
  --screenshot="$build/dashboard-offline.png" "http://127.0.0.1:$www_port/" >/dev/null || true
echo "PASS"
