#!/usr/bin/env python3
"""packaging/prometheus/ (issue 27): the alerting rules pass `promtool check rules` and their
unit tests (`promtool test rules`), and every ses_upgrade_monitor_* metric that the rules and
the Grafana dashboard use is one the daemon exports (names read from src/web/, where they are
registered), so that a renamed metric cannot leave a rule that never fires.

Usage: prometheus_rules_test.py SOURCE_DIR
"""
import json
import os
import re
import shutil
import subprocess
import sys


def exported_metrics(src):
    names = set()
    for path, pattern in (("src/web/metrics.cpp", r'Name\(prefix \+ "([a-z_]+)"\)'),
                          ("src/web/cluster_series.cpp", r'append_header\(out, "([a-z_]+)"')):
        names |= set(re.findall(pattern, open(os.path.join(src, path)).read()))
    return {"ses_upgrade_monitor_" + n for n in names}


def used_metrics(text):
    used = set()
    for name in re.findall(r"ses_upgrade_monitor_[a-z_]+", text):
        used.add(re.sub(r"_(bucket|sum|count)$", "", name))
    return used


def main():
    src = sys.argv[1]
    folder = os.path.join(src, "packaging", "prometheus")
    problems = []
    if not shutil.which("promtool"):
        print("FAIL: promtool missing: run scripts/bootstrap prometheus (or test)")
        return 1
    for args in (["check", "rules", "ses-upgrade-monitor.rules.yml"],
                 ["test", "rules", "ses-upgrade-monitor.rules.test.yml"]):
        run = subprocess.run(["promtool", *args], cwd=folder, capture_output=True, text=True)
        print(run.stdout.strip())
        if run.returncode != 0:
            problems.append(f"promtool {' '.join(args)}: exit {run.returncode}\n{run.stderr}")

    exported = exported_metrics(src)
    rules = open(os.path.join(folder, "ses-upgrade-monitor.rules.yml")).read()
    dashboard_text = open(os.path.join(folder, "ses-upgrade-monitor.grafana.json")).read()
    dashboard = json.loads(dashboard_text)
    exprs = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
    if not exprs:
        problems.append("the dashboard has no queries")
    for p in dashboard["panels"]:
        if not p.get("targets"):
            problems.append(f"dashboard panel {p.get('title')!r} has no query")
    for what, text in (("rules", rules), ("dashboard", "\n".join(exprs))):
        used = used_metrics(text)
        if not used:
            problems.append(f"the {what} use no ses_upgrade_monitor_ metric")
        for name in sorted(used - exported):
            problems.append(f"the {what} use {name}, which the daemon does not export")
    print(f"{len(exported)} metrics exported; rules use {len(used_metrics(rules))}, the "
          f"dashboard {len(used_metrics(' '.join(exprs)))} in {len(exprs)} queries")
    for p in problems:
        print("FAIL: " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
