#!/usr/bin/env python3
"""The fleet view at 10,000 clusters (issue 23, SPEC §13): the numbers of docs/performance.md
"Fleet view", measured with headless Chromium over the DevTools protocol as the browser tests
drive it (tests/web/browser_support.py, tests/web/fleet_support.py).

  bench/fleet_view.py SOURCE_DIR BUILD_DIR [--clusters N] [--window S]

Two runs of the daemon against the simulator's generated fleet (plus tests/web/
fleet_scenario.yaml's failed, stalled, finished and idle clusters and one blind one; every
cluster with labels):

  frozen    --time-scale 0: nothing changes. First meaningful paint (the first rows of the
            list on screen, by the page's clock, from navigation start; 3 loads), bytes an open
            page moves in the window, the daemon's CPU with the page open against without it
            (windows: without, with, without), typing a name until its row shows (5 names),
            the API's sizes and answer times, `status` over the fleet, screenshots.
  upgrading --time-scale 1, every cluster polled every 10 s, the generated fleet mid-upgrade
            (≈ 150 events/s): bytes and CPU again, with the events/s measured from /metrics.

Bytes are what Chromium's network layer reports: each response's encodedDataLength (headers
and body) plus each request's headers. CPU is utime + stime of the daemon from /proc. Every
figure carries the 1-minute load average (the machine is shared). Writes bench-fleet.json
and screenshots (bench-fleet*.png) to BUILD_DIR.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request

SRC = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else "."
sys.path.insert(0, os.path.join(SRC, "tests/web"))

import browser_support  # noqa: E402
from browser_support import Browser, cleanup, fail, require_tools, wait_for  # noqa: E402
from fleet_support import dom, search_for, start_fleet  # noqa: E402

GOALS = {"paint_ms": 1000, "idle_bytes": 50_000, "busy_bytes": 1_000_000,
         "search_ms": 200, "extra_core": 0.01, "status_s": 2.0}


def load():
    return os.getloadavg()[0]


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed_get(url, headers=None):
    """(bytes of the body, ms, ETag); a 304 is (0, ms, ETag)."""
    req = urllib.request.Request(url, headers=headers or {})
    start = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            body = r.read()
            return len(body), (time.monotonic() - start) * 1000, r.headers.get("ETag")
    except urllib.error.HTTPError as e:
        if e.code != 304:
            raise
        return 0, (time.monotonic() - start) * 1000, e.headers.get("ETag")


class Traffic:
    """Bytes of one page's requests and responses, from the Network domain's events."""

    def __init__(self, browser):
        self.browser = browser
        browser.call("Network.enable", session=True)
        self.seen = 0

    def mark(self):
        self.drain()
        self.seen = len(self.browser.events)

    def drain(self):
        self.browser.call("Runtime.evaluate", {"expression": "1"}, session=True)

    def since_mark(self):
        self.drain()
        received = sent = requests = 0
        for e in self.browser.events[self.seen:]:
            method = e.get("method")
            if method == "Network.loadingFinished":
                received += int(e["params"].get("encodedDataLength", 0))
            elif method == "Network.requestWillBeSentExtraInfo":
                requests += 1
                headers = e["params"].get("headers", {})
                sent += 40 + sum(len(k) + len(str(v)) + 4 for k, v in headers.items())
        return {"received": received, "sent": sent, "requests": requests, "bytes": received + sent}


def watch(browser, seconds, traffic=None):
    """Keeps reading the browser's events for `seconds`."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if traffic:
            traffic.drain()
        time.sleep(1)


# The first rows of the list on screen: the animation frame after they were added, by the
# page's clock (0 = navigation start).
PAINT_PROBE = """(() => {
  window.__paint = 0;
  const seen = () => {
    if (!window.__paint && document.querySelector('#fleet-list tr.fleet-row'))
      requestAnimationFrame((t) => { window.__paint = t; });
  };
  new MutationObserver(seen).observe(document, {childList: true, subtree: true});
})();"""


def first_paint(browser, url):
    browser.open("about:blank")
    time.sleep(0.3)
    browser.open(url)
    return wait_for("the first rows", lambda: browser.js("window.__paint || 0"), 60)


def cpu_windows(daemon, browser, url, seconds, traffic):
    """The daemon's cores without the page, with it, without it again."""
    out = {}
    for name in ("without_1", "with", "without_2"):
        if name == "with":
            browser.open(url)
            wait_for("the list", lambda: dom(browser)["rows"], 60)
            traffic.mark()
        else:
            browser.open("about:blank")
        time.sleep(2)
        before, l0 = cpu_seconds(daemon.pid), load()
        watch(browser, seconds, traffic if name == "with" else None)
        out[name] = {"cores": (cpu_seconds(daemon.pid) - before) / seconds, "load": [l0, load()]}
        if name == "with":
            out["traffic"] = traffic.since_mark()
    out["extra_cores"] = out["with"]["cores"] - (out["without_1"]["cores"] +
                                                 out["without_2"]["cores"]) / 2
    return out


def events_total(base):
    text = urllib.request.urlopen(base + "/metrics", timeout=30).read().decode()
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith("ses_upgrade_monitor_events_total{"))


def frozen_run(args, results):
    base, daemon, _ = start_fleet(args.clusters, time_scale=0, interval="10s")
    results["frozen"] = r = {"load_at_start": load()}
    # The API's sizes and times (the whole document is what the old page fetched).
    size, ms, etag = timed_get(base + "/api/v1/clusters")
    r["whole_document"] = {"bytes": size, "ms": ms}
    _, ms304, _ = timed_get(base + "/api/v1/clusters", {"If-None-Match": etag}) if etag else (0, 0, 0)
    r["whole_document_304_ms"] = ms304
    for name, path in (("summary", "/api/v1/summary"),
                       ("page_50", "/api/v1/clusters?sort=attention&limit=50&nodes=0"),
                       ("page_1000", "/api/v1/clusters?sort=name&limit=1000"),
                       ("search", "/api/v1/clusters?q=gen-0777&limit=50&nodes=0"),
                       ("one_cluster", "/api/v1/clusters/gen-00042")):
        times = []
        for _ in range(5):
            size, ms, _ = timed_get(base + path)
            times.append(ms)
        r[name] = {"bytes": size, "ms_median": statistics.median(times), "ms_max": max(times)}

    browser = Browser()
    browser.call("Page.addScriptToEvaluateOnNewDocument", {"source": PAINT_PROBE}, session=True)
    traffic = Traffic(browser)
    browser.size(1280, 900)
    r["paint_ms"] = [first_paint(browser, base + "/") for _ in range(5)]
    r["search_ms"] = []
    for target in ("gen-07777", "gen-00001", "gen-09999", "fleet-idle", "gen-05123"):
        browser.js("location.hash = ''")
        wait_for("the unfiltered list", lambda: dom(browser)["rows"], 30)
        time.sleep(0.5)
        r["search_ms"].append(search_for(browser, target))
    browser.js("location.hash = ''")
    wait_for("the list", lambda: dom(browser)["rows"], 30)
    print("screenshot:", browser.screenshot("bench-fleet.png"))
    browser.size(390, 844, mobile=True)
    time.sleep(1)
    print("screenshot:", browser.screenshot("bench-fleet-phone.png"))
    browser.size(1280, 900)
    browser.js("location.hash = '#cluster/fleet-stalled'")
    wait_for("the cluster view", lambda: browser.js("!!document.querySelector('section.cluster')"), 30)
    time.sleep(1)
    print("screenshot:", browser.screenshot("bench-fleet-cluster.png"))
    r["cpu"] = cpu_windows(daemon, browser, base + "/", args.window, traffic)
    r["idle_bytes"] = r["cpu"]["traffic"]["bytes"]

    # `status` over the same fleet, against the same simulator.
    config = os.path.join(browser_support.TMP, "config.yaml")
    env = dict(os.environ, NCLOUD_ACCESS_KEY="fl-ak", NCLOUD_SECRET_KEY="fl-sk")
    times = []
    for _ in range(3):
        start, l0 = time.monotonic(), load()
        done = subprocess.run([os.path.join(browser_support.BIN, "ses-upgrade-monitor"), "status",
                               "-c", config], env=env, capture_output=True, text=True)
        times.append(time.monotonic() - start)
        r["status_first_line"] = done.stdout.splitlines()[0] if done.stdout else done.stderr[:200]
    r["status_s"] = times
    r["problems"] = browser.problems()
    daemon.terminate()
    daemon.wait(30)


def upgrading_run(args, results):
    base, daemon, _ = start_fleet(args.clusters, time_scale=1, interval="10s")
    results["upgrading"] = r = {"load_at_start": load()}
    time.sleep(60)  # past the first rounds' burst: every upgrade written to the history
    browser = Browser()
    browser.call("Page.addScriptToEvaluateOnNewDocument", {"source": PAINT_PROBE}, session=True)
    traffic = Traffic(browser)
    browser.size(1280, 900)
    r["paint_ms"] = [first_paint(browser, base + "/") for _ in range(5)]
    e0, t0 = events_total(base), time.monotonic()
    r["cpu"] = cpu_windows(daemon, browser, base + "/", args.window, traffic)
    r["events_per_s"] = (events_total(base) - e0) / (time.monotonic() - t0)
    r["busy_bytes"] = r["cpu"]["traffic"]["bytes"]
    r["problems"] = browser.problems()
    daemon.terminate()
    daemon.wait(30)


def verdict(value, goal, lower=True):
    return "MET" if (value <= goal if lower else value >= goal) else "MISSED"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("src")
    p.add_argument("build")
    p.add_argument("--clusters", type=int, default=10000)
    p.add_argument("--window", type=int, default=60)
    p.add_argument("--only", default="frozen,upgrading")
    args = p.parse_args()
    browser_support.init([sys.argv[0], args.src, args.build], "sesmon-fleet-bench-")
    require_tools()
    results = {"clusters": args.clusters, "window_s": args.window}
    if "frozen" in args.only:
        frozen_run(args, results)
        browser_support.stop_processes()
    if "upgrading" in args.only:
        upgrading_run(args, results)
    out = os.path.join(args.build, "bench-fleet.json")
    with open(out, "w") as f:
        json.dump(results, f, indent=2)
    print(json.dumps(results, indent=2))
    report(results)


def report(res):
    rows = []
    if "frozen" in res:
        f = res["frozen"]
        rows += [
            ("first meaningful paint (frozen)", f"{max(f['paint_ms']):.0f} ms (of {', '.join(f'{x:.0f}' for x in f['paint_ms'])})",
             verdict(max(f["paint_ms"]), GOALS["paint_ms"])),
            ("bytes per 60 s, nothing changing", f"{f['idle_bytes']:,} B in {f['cpu']['traffic']['requests']} requests",
             verdict(f["idle_bytes"] * 60 / res["window_s"], GOALS["idle_bytes"])),
            ("typing a name → its row", f"max {max(f['search_ms']):.0f} ms (median {statistics.median(f['search_ms']):.0f})",
             verdict(max(f["search_ms"]), GOALS["search_ms"])),
            ("daemon CPU for one open page (frozen)", f"{f['cpu']['extra_cores']:+.4f} core",
             verdict(f["cpu"]["extra_cores"], GOALS["extra_core"])),
            ("status over the fleet", f"max {max(f['status_s']):.2f} s", verdict(max(f["status_s"]), GOALS["status_s"])),
        ]
    if "upgrading" in res:
        u = res["upgrading"]
        rows += [
            ("first meaningful paint (upgrading)", f"{max(u['paint_ms']):.0f} ms (of {', '.join(f'{x:.0f}' for x in u['paint_ms'])})",
             verdict(max(u["paint_ms"]), GOALS["paint_ms"])),
            (f"bytes per 60 s, fleet upgrading ({u['events_per_s']:.0f} events/s)",
             f"{u['busy_bytes']:,} B in {u['cpu']['traffic']['requests']} requests",
             verdict(u["busy_bytes"] * 60 / res["window_s"], GOALS["busy_bytes"])),
            ("daemon CPU for one open page (upgrading)", f"{u['cpu']['extra_cores']:+.4f} core",
             verdict(u["cpu"]["extra_cores"], GOALS["extra_core"])),
        ]
    for name, value, v in rows:
        print(f"| {name} | {value} | {v} |")


try:
    main()
finally:
    cleanup()
