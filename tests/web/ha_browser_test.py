#!/usr/bin/env python3
"""An HA pair's dashboards in a real browser (issue 15, SPEC §11).

A real etcd (Debian's etcd-server) on loopback, the simulator playing the seed scenario, and
two members of one group, a and b, each with its own dashboard. Headless Chromium loads
both; the header must name each member's role and the leader as /api/v1/clusters does:

  1. a leads: a's page says "member a: leader", b's "member b: standby, a leads", and b's
     card says a polls (a standby never does);
  2. etcd stopped: b's page says "member b: etcd unreachable: ...", its /readyz is 503.

No console errors or CSP violations are allowed. Screenshot: dashboard-ha.png (b's page
while a leads) in the build directory.
  ha_browser_test.py SOURCE_DIR BUILD_DIR      exit 0 pass, 1 fail
"""
import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request

import browser_support
from browser_support import (PROCS, Browser, cleanup, fail, free_port, get_json,
                             require_tools, wait_for)

browser_support.init(sys.argv, "sesmon-ha-browser-")
SRC, BUILD, BIN, TMP = (browser_support.SRC, browser_support.BUILD, browser_support.BIN,
                        browser_support.TMP)
ETCD = "/usr/bin/etcd"


def start_etcd():
    client, peer = f"http://127.0.0.1:{free_port()}", f"http://127.0.0.1:{free_port()}"
    etcd = subprocess.Popen(
        [ETCD, "--name=ha-browser", f"--data-dir={TMP}/etcd",
         f"--listen-client-urls={client}", f"--advertise-client-urls={client}",
         f"--listen-peer-urls={peer}", f"--initial-advertise-peer-urls={peer}",
         f"--initial-cluster=ha-browser={peer}", "--logger=zap", "--log-outputs=stderr",
         "--heartbeat-interval=50", "--election-timeout=500"],
        stdout=subprocess.DEVNULL, stderr=open(os.path.join(TMP, "etcd.log"), "w"))
    PROCS.append(etcd)
    wait_for("etcd to serve", lambda: get_json(client + "/health"), 20)
    return etcd, client


def start_member(name, sim_url, etcd_url):
    port = free_port()
    home = os.path.join(TMP, name)
    os.makedirs(home)
    config = os.path.join(home, "config.yaml")
    with open(config, "w") as f:
        f.write(f"""api: {{ endpoint: "{sim_url}", timeout: 5s }}
polling: {{ interval: 1s, idle_interval: 2s, jitter: 0, max_backoff: 5s }}
clusters:
  - {{ name: cluster000, instance_no: "1037001" }}
notifiers:
  - {{ name: journal, type: log }}
state: {{ directory: {home}/state }}
server: {{ listen: "127.0.0.1:{port}" }}
ha:
  etcd: {{ endpoints: [{etcd_url}] }}
  prefix: /sesmon/ha-browser
  member: {name}
  lease_ttl: 3s
""")
    env = dict(os.environ, NCLOUD_ACCESS_KEY="ha-ak", NCLOUD_SECRET_KEY="ha-sk")
    daemon = subprocess.Popen([os.path.join(BIN, "ses-upgrade-monitor"), "run", "-c", config],
                              env=env, stdout=subprocess.DEVNULL,
                              stderr=open(os.path.join(TMP, f"{name}.log"), "w"))
    PROCS.append(daemon)
    return f"http://127.0.0.1:{port}"


def seat(base):
    """The member's `ha` object from /api/v1/clusters, or None."""
    doc = get_json(base + "/api/v1/clusters")
    return doc.get("ha") if doc else None


def readyz_status(base):
    try:
        with urllib.request.urlopen(base + "/readyz", timeout=3) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return None


def header_of(browser, base):
    """The dashboard's HA line once the page rendered the cluster's view (its card)."""
    url = base + "/#cluster/cluster000"
    browser.open("about:blank")  # the same URL again would only move to its fragment
    browser.open(url)
    wait_for("the page to render", lambda: browser.js(
        f"location.href === {json.dumps(url)} && "
        "(document.getElementById('daemon-version') || {textContent: ''})"
        ".textContent.startsWith('v') && !!document.querySelector('section.cluster')"), 15)
    return browser.js("document.getElementById('ha-role').textContent")


def main():
    require_tools()
    if not os.access(ETCD, os.X_OK):
        fail(f"{ETCD} missing: run scripts/bootstrap")

    etcd, etcd_url = start_etcd()
    sim_out = open(os.path.join(TMP, "sim.out"), "w+")
    sim = subprocess.Popen(
        [os.path.join(BIN, "ses-upgrade-sim"), "--listen", "127.0.0.1:0", "--plain",
         "--access-key", "ha-ak", "--secret-key", "ha-sk",
         "--scenario", os.path.join(SRC, "config/scenarios/seed.yaml")],
        stdout=sim_out, stderr=open(os.path.join(TMP, "sim.log"), "w"))
    PROCS.append(sim)
    sim_url = wait_for("the simulator's address", lambda: re.search(
        r"http://127\.0\.0\.1:\d+", open(sim_out.name).read()), 10).group(0)

    a = start_member("a", sim_url, etcd_url)
    wait_for("a to lead", lambda: (seat(a) or {}).get("role") == "leader", 20)
    b = start_member("b", sim_url, etcd_url)
    wait_for("b to follow a", lambda: (seat(b) or {}).get("leader") == "a", 20)

    errors = []
    browser = Browser()
    browser.size(1280, 900)
    expected = {a: "member a: leader", b: "member b: standby, a leads"}
    for base, want in expected.items():
        got = header_of(browser, base)
        if got != want:
            errors.append(f"{base}: header {got!r}, want {want!r} (API: {seat(base)})")
        poll = browser.js("document.querySelector('section.cluster .last-poll').textContent")
        # The leader polls; the standby never does, and says who does.
        want_poll = ("Last poll", "Not polled yet") if base == a else ("Polled by member a; ",)
        if not poll.startswith(want_poll):
            errors.append(f"{base}: the card's poll line {poll!r}, want {want_poll}")
    print("screenshot:", browser.screenshot("dashboard-ha.png"))

    etcd.terminate()
    etcd.wait(10)
    wait_for("b to report etcd unreachable",
             lambda: "etcd unreachable" in ((seat(b) or {}).get("problem") or ""), 20)
    got = header_of(browser, b)
    if not got.startswith("member b: etcd unreachable: "):
        errors.append(f"etcd down: b's header {got!r} (API: {seat(b)})")
    if readyz_status(b) != 503:
        errors.append(f"etcd down: b's /readyz answered {readyz_status(b)}, not 503")

    problems = browser.problems()
    if problems:
        errors.append("browser console: " + " | ".join(problems))
    if errors:
        fail("; ".join(errors))
    print("PASS: " + "; ".join(expected.values()) + "; etcd down: " + got)


try:
    main()
finally:
    cleanup()
