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
import json
import os
import re
import subprocess
import sys
import time

import browser_support
from browser_support import (PROCS, Browser, cleanup, fail, free_port, get_json,
                             require_tools, wait_for)

browser_support.init(sys.argv, "sesmon-timeline-")
SRC, BUILD, BIN, TMP = (browser_support.SRC, browser_support.BUILD, browser_support.BIN,
                        browser_support.TMP)


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
    require_tools()

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
    browser.open(base + "/#cluster/slow-node")
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
    browser.open(base + "/#cluster/slow-node")
    wait_for("the history list", lambda: browser.js(
        "document.querySelectorAll('#history tr[data-upgrade]').length"), 15)
    want = [{"id": u["id"], "cluster": u["cluster"], "outcome": u["outcome"].replace("_", " "),
             "seconds": u["duration_seconds"],
             "nodes": f"{u['nodes']['complete']}/{u['nodes']['total']}",
             "link": "#upgrade/" + u["id"]} for u in history["upgrades"]]

    def history_rows():
        return browser.js("""[...document.querySelectorAll('#history tr[data-upgrade]')].map((tr) => ({
            id: tr.dataset.upgrade, cluster: tr.querySelector('td.h-cluster').textContent,
            outcome: tr.querySelector('td.h-outcome').textContent,
            seconds: Number(tr.querySelector('td.h-duration').dataset.seconds),
            nodes: tr.querySelector('td.h-nodes').textContent,
            link: tr.querySelector('a').getAttribute('href')}))""")
    # The page was open while the upgrade finished: its history catches up with the commit
    # that recorded the finish (a second or two later) by itself.
    deadline = time.monotonic() + 15
    while history_rows() != want and time.monotonic() < deadline:
        time.sleep(0.2)
    rows = history_rows()
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
