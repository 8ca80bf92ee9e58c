#!/usr/bin/env python3
"""The dashboard's timeline and history in a real browser (issue 13).

The simulator plays config/scenarios/slow-node.yaml 120 times faster than real time (a
scenario minute is half a second); the daemon watches it with its timeouts scaled alike.
Headless Chromium, driven over the DevTools protocol on a pipe (--remote-debugging-pipe:
no port, no extra package), loads the dashboard:

  1. while the upgrade runs (slow-node-d-3 stalled as slower_than_peers): the card shows the
     expected finish and a Gantt whose rows and bars match /api/v1/upgrades/{id}, with the
     "now" line and the ETA marker; screenshots at laptop and phone width;
  2. once it finished: the history list matches /api/v1/history; a real mouse click on its
     row opens that upgrade's timeline (#upgrade/<id>), whose bars match the API exactly;
     screenshots again.

No console errors or CSP violations are allowed. Screenshots go to the build directory:
dashboard-timeline.png, dashboard-timeline-phone.png, dashboard-history.png,
dashboard-history-phone.png.
  timeline_browser_test.py SOURCE_DIR BUILD_DIR      exit 0 pass, 1 fail
"""
import base64
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

SRC, BUILD = sys.argv[1], sys.argv[2]
BIN = os.path.join(BUILD, "bin")
TMP = tempfile.mkdtemp(prefix="sesmon-timeline-")
PROCS = []


def fail(message):
    print("FAIL:", message, file=sys.stderr)
    for name in ("sim.log", "daemon.log", "chromium.log"):
        path = os.path.join(TMP, name)
        if os.path.exists(path):
            lines = open(path, encoding="utf-8", errors="replace").read().splitlines()[-25:]
            print(f"--- {name} (last {len(lines)} lines)", file=sys.stderr)
            print("\n".join(lines), file=sys.stderr)
    raise SystemExit(1)


def cleanup():
    for p in reversed(PROCS):
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
    shutil.rmtree(TMP, ignore_errors=True)


def wait_for(what, check, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    fail(f"timed out after {timeout}s waiting for {what}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_json(url):
    try:
        with urllib.request.urlopen(url, timeout=3) as r:
            return json.load(r)
    except (OSError, ValueError):
        return None


class Browser:
    """Chromium over --remote-debugging-pipe: commands on fd 3, answers on fd 4, each a
    JSON message ended by a NUL byte. One page target, flattened session."""

    def __init__(self):
        to_browser_r, self.to_browser = os.pipe()
        self.from_browser, from_browser_w = os.pipe()
        # Above 10, so the dup2 to 3 and 4 in the child cannot clobber one another.
        high_r, high_w = os.dup2(to_browser_r, 20), os.dup2(from_browser_w, 21)
        os.close(to_browser_r)
        os.close(from_browser_w)

        def pipes():
            os.dup2(20, 3)
            os.dup2(21, 4)

        log = open(os.path.join(TMP, "chromium.log"), "w")
        self.proc = subprocess.Popen(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-dev-shm-usage", "--hide-scrollbars", "--remote-debugging-pipe",
             f"--user-data-dir={TMP}/profile", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log, preexec_fn=pipes,
            pass_fds=(3, 4, 20, 21))
        PROCS.append(self.proc)
        os.close(high_r)
        os.close(high_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget",
                                 {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.call(f"{domain}.enable", session=True)

    def _read(self, timeout=30):
        deadline = time.monotonic() + timeout
        while b"\0" not in self.buffer:
            if time.monotonic() > deadline:
                fail("chromium did not answer")
            chunk = os.read(self.from_browser, 1 << 16)
            if not chunk:
                fail("chromium closed its pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method, params=None, session=False):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self.session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        while True:
            answer = self._read()
            if answer.get("id") == self.next_id:
                if "error" in answer:
                    fail(f"{method}: {answer['error']}")
                return answer.get("result", {})
            self.events.append(answer)

    def js(self, expression):
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True}, session=True)
        if "exceptionDetails" in result:
            fail(f"script error: {result['exceptionDetails']}")
        return result["result"].get("value")

    def size(self, width, height, mobile=False):
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
                  session=True)

    def open(self, url):
        self.call("Page.navigate", {"url": url}, session=True)

    def screenshot(self, name):
        png = self.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True},
                        session=True)["data"]
        path = os.path.join(BUILD, name)
        with open(path, "wb") as f:
            f.write(base64.b64decode(png))
        return path

    def click(self, selector):
        box = self.js(f"""(() => {{
            const e = document.querySelector({json.dumps(selector)});
            if (!e) return null;
            e.scrollIntoView({{block: 'center'}});
            const r = e.getBoundingClientRect();
            return {{x: r.left + r.width / 2, y: r.top + r.height / 2}};
        }})()""")
        if not box:
            fail(f"nothing to click at {selector}")
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent",
                      {"type": kind, "x": box["x"], "y": box["y"], "button": "left",
                       "clickCount": 1}, session=True)

    def problems(self):
        out = []
        for e in self.events:
            if e.get("method") == "Runtime.exceptionThrown":
                out.append(json.dumps(e["params"]["exceptionDetails"])[:300])
            if e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error":
                text = e["params"]["entry"].get("text", "")
                if "favicon" not in text:
                    out.append(text)
        return out


GANTT_DOM = """(sel) => [...document.querySelectorAll(sel + ' .gantt-row')].map((row) => ({
  node: row.dataset.node,
  bars: [...row.querySelectorAll('.gantt-bar')].map((b) => ({
    status: b.dataset.status, start: b.dataset.start, end: b.dataset.end,
    width: parseFloat(b.style.width)}))}))"""


def gantt_of(browser, selector):
    return browser.js(f"({GANTT_DOM})({json.dumps(selector)})")


def compare_gantt(dom, api, exact):
    """The DOM's rows are the API's nodes in order; each bar a status with its times. While
    the upgrade runs the DOM may be one poll older: then its bars are a prefix of the API's
    and only its last (open) bar may have ended since."""
    errors = []
    if [r["node"] for r in dom] != [n["hostname"] for n in api["nodes"]]:
        errors.append(f"rows {[r['node'] for r in dom]} != nodes {[n['hostname'] for n in api['nodes']]}")
        return errors
    for row, node in zip(dom, api["nodes"]):
        want = [(s["status"], s["started_at"], s["ended_at"] or "") for s in node["statuses"]]
        got = [(b["status"], b["start"], b["end"]) for b in row["bars"]]
        if exact or len(got) == len(want):
            ok = got == want or (not exact and got[:-1] == want[:-1] and got[-1][:2] == want[-1][:2])
        else:
            ok = len(got) < len(want) and got[:-1] == want[:len(got) - 1] and \
                got[-1][:2] == want[len(got) - 1][:2]
        if not ok:
            errors.append(f"{row['node']}: bars {got} != statuses {want}")
    return errors


def main():
    for tool in ("ses-upgrade-sim", "ses-upgrade-monitor"):
        if not os.access(os.path.join(BIN, tool), os.X_OK):
            fail(f"{BIN}/{tool} is not built")
    if not shutil.which("chromium"):
        fail("chromium missing: run scripts/bootstrap browser")

    sim_out = open(os.path.join(TMP, "sim.out"), "w+")
    sim = subprocess.Popen(
        [os.path.join(BIN, "ses-upgrade-sim"), "--listen", "127.0.0.1:0", "--plain",
         "--access-key", "tl-ak", "--secret-key", "tl-sk", "--time-scale", "120",
         "--scenario", os.path.join(SRC, "config/scenarios/slow-node.yaml")],
        stdout=sim_out, stderr=open(os.path.join(TMP, "sim.log"), "w"))
    PROCS.append(sim)
    sim_url = wait_for("the simulator's address", lambda: re.search(
        r"http://127\.0\.0\.1:\d+", open(sim_out.name).read()), 10).group(0)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    config = os.path.join(TMP, "config.yaml")
    with open(config, "w") as f:
        f.write(f"""api: {{ endpoint: "{sim_url}", timeout: 5s }}
polling: {{ interval: 200ms, idle_interval: 1s, jitter: 0, max_backoff: 2s }}
# The scenario's minutes are half-seconds: 45m, 10m, 12m at 1/120.
stall: {{ node_stage_timeout: 22500ms, no_progress_timeout: 0s, blind_timeout: 0s,
         adaptive_factor: 3, adaptive_min: 5s }}
eta: {{ node_prior: 6s }}
clusters:
  - {{ name: slow-node, instance_no: "1037301" }}
notifiers:
  - {{ name: journal, type: log }}
state: {{ directory: {TMP}/state }}
server: {{ listen: "127.0.0.1:{port}" }}
""")
    env = dict(os.environ, NCLOUD_ACCESS_KEY="tl-ak", NCLOUD_SECRET_KEY="tl-sk")
    daemon = subprocess.Popen([os.path.join(BIN, "ses-upgrade-monitor"), "run", "-c", config],
                              env=env, stdout=subprocess.DEVNULL,
                              stderr=open(os.path.join(TMP, "daemon.log"), "w"))
    PROCS.append(daemon)

    def stalled():
        doc = get_json(base + "/api/v1/clusters")
        if not doc or not doc["clusters"]:
            return None
        c = doc["clusters"][0]
        return c if c.get("stall") and c["stall"]["reason"] == "slower_than_peers" else None

    cluster = wait_for("the slower_than_peers stall", stalled, 40)
    upgrade_id = cluster["upgrade"]["id"]
    print(f"stalled: {cluster['stall']}, upgrade {upgrade_id}, "
          f"expected finish {cluster['upgrade']['expected_finish']}")

    browser = Browser()
    browser.size(1280, 900)
    browser.open(base + "/")
    card = f'section.cluster[data-cluster="slow-node"] .gantt[data-upgrade="{upgrade_id}"]'
    wait_for("the card's Gantt", lambda: browser.js(
        f"document.querySelectorAll('{card} .gantt-row').length"), 15)
    dom = gantt_of(browser, card)
    api = get_json(f"{base}/api/v1/upgrades/{upgrade_id}")
    errors = compare_gantt(dom, api, exact=False)
    marks = browser.js(f"""({{
      eta: document.querySelector('section.cluster .eta') ?
           document.querySelector('section.cluster .eta').dataset.at : null,
      etaMark: !!document.querySelector('{card} .gantt-eta'),
      now: !!document.querySelector('{card} .gantt-now'),
      legend: [...document.querySelectorAll('{card} .gantt-legend li')].map((l) => l.textContent)
    }})""")
    if api["upgrade"]["outcome"] == "in_progress":
        if not marks["eta"] or not marks["etaMark"] or not marks["now"]:
            errors.append(f"in progress but ETA/now marks missing: {marks}")
    for status in ("running", "Upgrade_OpenSearch", "complete"):
        if status not in marks["legend"]:
            errors.append(f"legend lacks {status}: {marks['legend']}")
    slow = next(r for r in dom if r["node"] == "slow-node-d-3")
    fast = next(r for r in dom if r["node"] == "slow-node-d-1")
    width = lambda row, status: sum(b["width"] for b in row["bars"] if b["status"] == status)
    if not width(slow, "Upgrade_OpenSearch") > 2 * width(fast, "Upgrade_OpenSearch"):
        errors.append(f"the slow node's bar is not the long one: {slow} vs {fast}")
    if errors:
        fail("card Gantt vs API: " + "; ".join(errors))
    print(f"card Gantt ok: {len(dom)} rows, {sum(len(r['bars']) for r in dom)} bars, "
          f"ETA {marks['eta']}, legend {marks['legend']}")
    print("screenshot:", browser.screenshot("dashboard-timeline.png"))
    browser.size(390, 844, mobile=True)
    time.sleep(0.5)
    print("screenshot:", browser.screenshot("dashboard-timeline-phone.png"))

    def finished():
        doc = get_json(base + "/api/v1/history")
        return doc if doc and doc["upgrades"] and doc["upgrades"][0]["outcome"] == "finished" else None

    history = wait_for("the upgrade to finish", finished, 60)
    browser.size(1280, 900)
    browser.open(base + "/")
    wait_for("the history list", lambda: browser.js(
        "document.querySelectorAll('#history tr[data-upgrade]').length"), 15)
    rows = browser.js("""[...document.querySelectorAll('#history tr[data-upgrade]')].map((tr) => ({
        id: tr.dataset.upgrade, cluster: tr.querySelector('td.h-cluster').textContent,
        outcome: tr.querySelector('td.h-outcome').textContent,
        seconds: Number(tr.querySelector('td.h-duration').dataset.seconds),
        nodes: tr.querySelector('td.h-nodes').textContent,
        link: tr.querySelector('a').getAttribute('href')}))""")
    want = [{"id": u["id"], "cluster": u["cluster"], "outcome": u["outcome"].replace("_", " "),
             "seconds": u["duration_seconds"],
             "nodes": f"{u['nodes']['complete']}/{u['nodes']['total']}",
             "link": "#upgrade/" + u["id"]} for u in history["upgrades"]]
    if rows != want:
        fail(f"history rows {rows} != API {want}")
    print(f"history ok: {rows}")

    browser.click(f'#history tr[data-upgrade="{upgrade_id}"] td.h-versions')
    view = f'#timeline-view[data-upgrade="{upgrade_id}"]'
    wait_for("the opened timeline", lambda: browser.js(
        f"!document.querySelector('#timeline-view').hidden && "
        f"document.querySelectorAll('{view} .gantt-row').length"), 15)
    if browser.js("location.hash") != "#upgrade/" + upgrade_id:
        fail(f"the click did not open #upgrade/{upgrade_id}: {browser.js('location.hash')}")
    api = get_json(f"{base}/api/v1/upgrades/{upgrade_id}")
    errors = compare_gantt(gantt_of(browser, view), api, exact=True)
    title = browser.js(f"document.querySelector('{view} h2').textContent")
    if "slow-node" not in title or "finished" not in title:
        errors.append(f"title {title!r}")
    if browser.js(f"!!document.querySelector('{view} .gantt-eta')"):
        errors.append("a finished upgrade shows an ETA marker")
    if errors:
        fail("opened timeline vs API: " + "; ".join(errors))
    print(f"clicked the history row: timeline of {upgrade_id} ok ({title})")
    print("screenshot:", browser.screenshot("dashboard-history.png"))
    browser.size(390, 844, mobile=True)
    time.sleep(0.5)
    print("screenshot:", browser.screenshot("dashboard-history-phone.png"))

    problems = browser.problems()
    if problems:
        fail("browser console: " + " | ".join(problems))
    print("PASS")


try:
    main()
finally:
    cleanup()
