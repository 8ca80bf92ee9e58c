#!/usr/bin/env python3
"""The fleet view in a real browser (issue 23), 1,000 clusters against the API.

The simulator plays 1,000 generated clusters beside tests/web/fleet_scenario.yaml with time
frozen (--time-scale 0: what the page shows stays put); the daemon watches them all with
labels, plus one cluster the simulator does not know (blind). Headless Chromium, driven over
the DevTools protocol on a pipe, loads the dashboard and checks, each against the API:

  1. the counts in the header equal /api/v1/summary's;
  2. the list is in attention order (failed, stalled, blind, upgrading by ETA) and equals
     /api/v1/clusters?sort=attention's first page;
  3. a real mouse click on the "Stalled" count filters to #state=stalled, and a label filter in
     the address (#state=upgrading&label=team:search) shows the API's answer for it;
  4. typing a cluster's name into the search box finds it (and says how long it took);
  5. a click on a row opens #cluster/<name>: the card's state and node rows, and that
     cluster's history, equal the API's;
  6. the browser's console has no errors or CSP violations.

Screenshots go to the build directory: dashboard-fleet.png, dashboard-fleet-phone.png,
dashboard-fleet-filtered.png, dashboard-cluster.png, dashboard-cluster-phone.png. The 10,000-
cluster numbers are bench/fleet_view.py's.
  fleet_browser_test.py SOURCE_DIR BUILD_DIR      exit 0 pass, 1 fail
"""
import sys
import time

import browser_support
from browser_support import Browser, cleanup, fail, require_tools, wait_for
from fleet_support import (ATTENTION, STATES, api, dom, names, screenshot_top, search_for,
                           start_fleet)

browser_support.init(sys.argv, "sesmon-fleet-")
BUILD = browser_support.BUILD
CLUSTERS = 1000


def settle(check, what, timeout=20):
    """The page and the API agree within `timeout` (each may be one change behind)."""
    last = [None]

    def attempt():
        last[0] = check()
        return last[0] is True
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if attempt():
            return
        time.sleep(0.2)
    fail(f"{what}: {last[0]}")


def main():
    require_tools()
    base, _, _ = start_fleet(CLUSTERS, time_scale=0, interval="5s")
    browser = Browser()
    browser.size(1280, 900)
    browser.open(base + "/")
    wait_for("the first rows", lambda: dom(browser)["rows"], 30)

    # 1. The counts.
    def counts_match():
        summary = api(base, "/api/v1/summary")
        shown = dom(browser)["counts"]
        want = {s: summary["counts"][s] for s in STATES}
        return True if shown == want else f"page {shown} != API {want}"
    settle(counts_match, "counts")
    summary = api(base, "/api/v1/summary")
    print(f"counts ok: {summary['counts']} ({summary['clusters']} clusters)")

    # 2. The attention order, equal to the API's first page.
    def first_page_matches():
        doc = api(base, "/api/v1/clusters?state=" + ",".join(ATTENTION) +
                  "&sort=attention&limit=50&nodes=0")
        shown = dom(browser)["rows"]
        return True if shown == names(doc) else f"page {shown[:8]}… != API {names(doc)[:8]}…"
    settle(first_page_matches, "attention order")
    page = dom(browser)
    if page["rows"][:3] != ["fleet-failed", "fleet-stalled", "fleet-blind"]:
        fail(f"attention order starts {page['rows'][:3]}")
    ranks = [ATTENTION.index(s) for s in page["states"]]
    if ranks != sorted(ranks):
        fail(f"states out of attention order: {page['states']}")
    print(f"attention order ok: {page['rows'][:5]}…, {page['total']}")
    print("screenshot:", screenshot_top(browser, "dashboard-fleet.png"))
    browser.size(390, 844, mobile=True)
    time.sleep(0.5)
    print("screenshot:", screenshot_top(browser, "dashboard-fleet-phone.png"))
    browser.size(1280, 900)

    # 3. Filters: a click on a count, then labels from the address.
    browser.click('#counts a.count[data-state="stalled"]')
    wait_for("#state=stalled", lambda: dom(browser)["hash"] == "#state=stalled", 10)
    settle(lambda: True if dom(browser)["rows"] == names(api(
        base, "/api/v1/clusters?state=stalled&nodes=0&limit=50")) else dom(browser)["rows"],
        "the stalled filter")
    if "fleet-stalled" not in dom(browser)["rows"]:
        fail("the stalled filter lost fleet-stalled")
    browser.js("location.hash = '#state=upgrading&label=team:search'")
    want = api(base, "/api/v1/clusters?state=upgrading&label=team:search&limit=50&nodes=0")
    settle(lambda: True if dom(browser)["rows"] == names(want) else dom(browser)["rows"][:5],
           "the label filter")
    chips = browser.js("[...document.querySelectorAll('#label-chips .chip')].map((c) => c.dataset.label)")
    if chips != ["team:search"]:
        fail(f"label chips {chips}")
    if not all(s == "upgrading" for s in dom(browser)["states"]):
        fail(f"the filter shows other states: {set(dom(browser)['states'])}")
    print(f"filters ok: stalled, then upgrading with team:search ({want['total']} clusters)")
    print("screenshot:", browser.screenshot("dashboard-fleet-filtered.png"))

    # 4. Search: from the unfiltered view, type a name.
    browser.js("location.hash = ''")
    wait_for("the unfiltered list", lambda: dom(browser)["rows"][:1] == ["fleet-failed"], 10)
    target = "gen-00777"
    ms = search_for(browser, target)
    shown = dom(browser)
    if shown["rows"][0] != target or "q=gen-00777" not in shown["hash"]:
        fail(f"search: rows {shown['rows'][:3]}, address {shown['hash']}")
    print(f"search ok: {target} found {ms:.0f} ms after the last keystroke")

    # 5. The detail view, by a real click on the row.
    browser.js("location.hash = '#state=stalled'")
    wait_for("the stalled list", lambda: "fleet-stalled" in dom(browser)["rows"], 10)
    browser.click('#fleet-list tr.fleet-row[data-cluster="fleet-stalled"] td.f-versions')
    wait_for("#cluster/fleet-stalled", lambda: browser.js(
        "location.hash === '#cluster/fleet-stalled' && "
        "!!document.querySelector('section.cluster[data-cluster=\"fleet-stalled\"]')"), 10)
    cluster = api(base, "/api/v1/clusters/fleet-stalled")["cluster"]
    card = browser.js("""(() => {
      const c = document.querySelector('section.cluster[data-cluster="fleet-stalled"]');
      return {state: c.dataset.state,
              nodes: [...c.querySelectorAll('tr[data-node]')].map((tr) => tr.dataset.node),
              badges: [...c.querySelectorAll('.badge')].map((b) => b.className),
              labels: [...c.querySelectorAll('.labels .chip')].map((b) => b.textContent)};
    })()""")
    errors = []
    if card["state"] != cluster["state"]:
        errors.append(f"state {card['state']} != {cluster['state']}")
    if card["nodes"] != [n["hostname"] for n in cluster["nodes"]]:
        errors.append(f"nodes {card['nodes']}")
    if "badge badge-stalled" not in card["badges"]:
        errors.append(f"badges {card['badges']}")
    if card["labels"] != ["env=prod", "team=logs"]:
        errors.append(f"labels {card['labels']}")
    history = api(base, "/api/v1/history?cluster=fleet-stalled&limit=20")
    ids = [u["id"] for u in history["upgrades"]]
    settle(lambda: True if browser.js(
        "[...document.querySelectorAll('#history tr[data-upgrade]')].map((tr) => tr.dataset.upgrade)")
        == ids else "history rows differ", "the cluster's history")
    if errors:
        fail("cluster view: " + "; ".join(errors))
    print(f"cluster view ok: {card['state']}, {len(card['nodes'])} nodes, {len(ids)} upgrade(s)")
    print("screenshot:", browser.screenshot("dashboard-cluster.png"))
    browser.size(390, 844, mobile=True)
    time.sleep(0.5)
    print("screenshot:", screenshot_top(browser, "dashboard-cluster-phone.png"))

    problems = browser.problems()
    if problems:
        fail("browser console: " + " | ".join(problems))
    print("PASS")


try:
    main()
finally:
    cleanup()
