"""The fleet view's browser runs share this: a simulator playing `--generate-clusters N` beside
tests/web/fleet_scenario.yaml (a failed, a stalled, a finished and an idle cluster), a daemon
watching all of them plus one cluster the simulator does not know (blind), every cluster with
labels, and the page's hooks read over the DevTools protocol.

Used by tests/web/fleet_browser_test.py (1,000 clusters, in the suite) and
bench/fleet_view.py (10,000 clusters, the numbers of docs/performance.md).
"""
import json
import os
import re
import subprocess

import browser_support
from browser_support import PROCS, fail, free_port, get_json, wait_for

TEAMS = ("search", "logs", "metrics")
ATTENTION = ("failed", "stalled", "blind", "upgrading")
STATES = ("failed", "stalled", "blind", "upgrading", "finished", "idle")


def labels_of(i):
    return {"team": TEAMS[i % 3], "env": "prod" if i % 2 else "staging"}


def start_fleet(clusters, time_scale, interval="10s", extra_sim=(), nice=None):
    """Starts the simulator and the daemon; returns (base URL, daemon Popen, simulator URL)."""
    tmp, bin_dir, src = browser_support.TMP, browser_support.BIN, browser_support.SRC
    prefix = ["nice", "-n", str(nice)] if nice is not None else []
    sim_out = open(os.path.join(tmp, "sim.out"), "w+")
    sim = subprocess.Popen(
        prefix + [os.path.join(bin_dir, "ses-upgrade-sim"), "--listen", "127.0.0.1:0", "--plain",
                  "--access-key", "fl-ak", "--secret-key", "fl-sk", "--time-scale", str(time_scale),
                  "--scenario", os.path.join(src, "tests/web/fleet_scenario.yaml"),
                  "--generate-clusters", str(clusters), *extra_sim],
        stdout=sim_out, stderr=open(os.path.join(tmp, "sim.log"), "w"))
    PROCS.append(sim)
    sim_url = wait_for("the simulator's address", lambda: re.search(
        r"http://127\.0\.0\.1:\d+", open(sim_out.name).read()), 60).group(0)

    port = free_port()
    lines = [f"""api: {{ endpoint: "{sim_url}", timeout: 10s, max_in_flight: 64,
       max_requests_per_second: 100000 }}
polling: {{ interval: {interval}, idle_interval: 30s, jitter: 0.1, max_backoff: 10s }}
clusters:
  - {{ name: fleet-failed, instance_no: "1037901", labels: {{team: search, env: prod}} }}
  - {{ name: fleet-stalled, instance_no: "1037902", labels: {{team: logs, env: prod}},
      stall: {{ node_stage_timeout: 5m }} }}
  - {{ name: fleet-done, instance_no: "1037903", labels: {{team: search, env: staging}} }}
  - {{ name: fleet-idle, instance_no: "1037904", labels: {{team: metrics, env: staging}} }}
  - {{ name: fleet-blind, instance_no: "1037999", labels: {{team: search, env: prod}},
      stall: {{ blind_timeout: 1s }} }}"""]
    for i in range(clusters):
        lab = labels_of(i)
        lines.append(f'  - {{ name: gen-{i + 1:05d}, instance_no: "{9000001 + i}", '
                     f'labels: {{team: {lab["team"]}, env: {lab["env"]}}} }}')
    lines.append(f"""notifiers:
  - {{ name: journal, type: log, events: [upgrade_failed] }}
state: {{ directory: {tmp}/state }}
server: {{ listen: "127.0.0.1:{port}" }}
""")
    config = os.path.join(tmp, "config.yaml")
    with open(config, "w") as f:
        f.write("\n".join(lines))
    env = dict(os.environ, NCLOUD_ACCESS_KEY="fl-ak", NCLOUD_SECRET_KEY="fl-sk")
    daemon = subprocess.Popen(prefix + [os.path.join(bin_dir, "ses-upgrade-monitor"), "run",
                                        "-c", config],
                              env=env, stdout=subprocess.DEVNULL,
                              stderr=open(os.path.join(tmp, "daemon.log"), "w"))
    PROCS.append(daemon)
    base = f"http://127.0.0.1:{port}"

    def settled():
        s = get_json(base + "/api/v1/summary")
        if not s or not s["ready"]:
            return None
        c = s["counts"]
        return s if c["failed"] >= 1 and c["stalled"] >= 1 and c["blind"] >= 1 else None

    wait_for("every cluster polled, with a failed, a stalled and a blind one", settled, 180)
    return base, daemon, sim_url


def api(base, path):
    doc = get_json(base + path)
    if doc is None:
        fail(f"GET {path} failed")
    return doc


def names(doc):
    return [c["name"] for c in doc["clusters"]]


# The page's state, read in one evaluation.
DOM = """(() => !document.getElementById('fleet-total') ? {rows: [], states: [], counts: {}} : ({
  hash: location.hash,
  view: document.body.dataset.view,
  state: document.body.dataset.state,
  counts: Object.fromEntries([...document.querySelectorAll('#counts a.count')].map(
      (a) => [a.dataset.state, Number(a.querySelector('.n').textContent.replace(/,/g, ''))])),
  rows: [...document.querySelectorAll('#fleet-list tr.fleet-row')].map((tr) => tr.dataset.cluster),
  states: [...document.querySelectorAll('#fleet-list tr.fleet-row')].map((tr) => tr.dataset.state),
  total: document.getElementById('fleet-total').textContent,
}))()"""


def dom(browser):
    return browser.js(DOM)


def type_text(browser, text):
    """Types `text` into the focused element, one key at a time, as a person would."""
    for ch in text:
        browser.call("Input.dispatchKeyEvent", {"type": "keyDown", "text": ch, "key": ch,
                                                "unmodifiedText": ch}, session=True)
        browser.call("Input.dispatchKeyEvent", {"type": "keyUp", "key": ch}, session=True)


# Records, in the page, when the search box last got input and when a row for `name` first
# showed in the list: typing-to-found, measured by the page's own clock.
WATCH_SEARCH = """((name) => {
  window.__search = {typed: 0, found: 0};
  document.getElementById('search').addEventListener('input', () => {
    window.__search.typed = performance.now(); window.__search.found = 0; });
  new MutationObserver(() => {
    const row = document.querySelector('#fleet-list tr.fleet-row');
    if (row && row.dataset.cluster === name && !window.__search.found)
      window.__search.found = performance.now();
  }).observe(document.getElementById('fleet-list'), {childList: true, subtree: true});
})"""


def search_for(browser, name, timeout=15):
    """Types `name` into the search box; returns ms from the last keystroke to its row."""
    browser.js(f"({WATCH_SEARCH})({json.dumps(name)})")
    browser.js("document.getElementById('search').focus()")
    browser.js("document.getElementById('search').select()")  # typing replaces what is there
    type_text(browser, name)
    return wait_for(f"the row of {name} after typing it", lambda: browser.js(
        "window.__search.found && window.__search.found - window.__search.typed"), timeout,
        interval=0.05, describe=lambda: browser.js(
            "({value: document.getElementById('search').value, hash: location.hash, "
            "search: window.__search})"))


def screenshot_top(browser, name):
    """A screenshot of what the viewport shows (not the whole page)."""
    import base64
    png = browser.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": False},
                       session=True)["data"]
    path = os.path.join(browser_support.BUILD, name)
    with open(path, "wb") as f:
        f.write(base64.b64decode(png))
    return path
