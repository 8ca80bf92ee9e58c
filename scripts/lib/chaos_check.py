#!/usr/bin/env python3
"""Checks what scripts/chaos collected: the webhooks the sink received and the simulator's
final state. Prints the figures, one violation per line, and exits 1 on any violation.

Usage: chaos_check.py HOOKS_JSON INITIAL_STATE_JSON FINAL_STATE_JSON KILLS INTEGRITY_FAILURES
                      [UNEXPECTED_EXITS]
UNEXPECTED_EXITS counts daemons that ended other than by the script's SIGKILL, or with a
status other than 0 after its SIGTERM (a crash).

INITIAL_STATE_JSON is the simulator's /_sim/state as the daemon first saw it (time frozen),
FINAL_STATE_JSON the same at the end.
"""
import collections
import json
import sys


def check_deliveries(hooks, initial_state, final_state):
    """Invariant 1 of SPEC §12 over what a receiver got: every transition delivered, none
    under two ids. `hooks` is the sink's /_sim/hooks list (every receiver name together),
    `initial_state` and `final_state` the simulator's /_sim/state when the daemon first saw
    it and at the end. Returns (figures, problems): lines to print, and violations."""
    initial = {(c["name"], n["hostname"]): n["status"]
               for c in initial_state["clusters"] for n in c["nodes"]}
    state = final_state
    problems = []

    # First receipt of every id, in receipt order; later receipts are repeats.
    first = {}
    receipts = collections.Counter()
    for hook in hooks:
        if hook.get("status") != 200:
            continue
        body = json.loads(hook["body"])
        receipts[body["id"]] += 1
        first.setdefault(body["id"], body)
    repeated_ids = [i for i, n in receipts.items() if n > 1]
    extra_deliveries = sum(n - 1 for n in receipts.values())

    # No transition under two ids: one id per (cluster, upgrade, node, from, to) and per
    # (cluster, upgrade, type) for the once-per-upgrade events.
    by_transition = collections.defaultdict(set)
    chains = collections.defaultdict(list)
    for body in first.values():
        upgrade = body.get("upgrade") or {}
        key_upgrade = (upgrade.get("action_date"), upgrade.get("to_version"))
        cluster = body["cluster"]["name"]
        if body["type"] == "node_changed":
            node = body["node"]
            key = (cluster, key_upgrade, node["hostname"], node.get("previous_status"),
                   node["status"])
            chains[(cluster, key_upgrade, node["hostname"])].append(node)
        elif body["type"] in ("upgrade_started", "upgrade_finished", "upgrade_vanished"):
            key = (cluster, key_upgrade, body["type"])
        else:
            continue
        by_transition[key].add(body["id"])
    for key, ids in by_transition.items():
        if len(ids) > 1:
            problems.append(f"delivered under {len(ids)} ids: {key}")

    # Every transition delivered: unbroken chains per node...
    transitions = 0
    for (cluster, upgrade, host), nodes in chains.items():
        transitions += len(nodes)
        for before, after in zip(nodes, nodes[1:]):
            if after.get("previous_status") != before["status"]:
                problems.append(
                    f"{cluster} {host}: delivered {before['status']} then "
                    f"{after.get('previous_status')} -> {after['status']}: a transition is missing")
    # ...from where the daemon first saw each node to where the simulator is at the end.
    nodes_checked = 0
    for cluster in state["clusters"]:
        for node in cluster["nodes"]:
            key = (cluster["name"], node["hostname"])
            nodes_checked += 1
            seen = initial.get(key, "")
            nodes = [n for (c, _, h), ns in chains.items() if (c, h) == key for n in ns]
            if not nodes:
                if node["status"].lower() != seen.lower():
                    problems.append(f"{key[0]} {key[1]}: moved from {seen} to {node['status']} "
                                    f"and nothing was delivered")
                continue
            start = nodes[0].get("previous_status")
            if start is not None and start.lower() != seen.lower():
                problems.append(f"{key[0]} {key[1]}: first seen {seen}, the first delivered "
                                f"change starts from {start}")
            if nodes[-1]["status"].lower() != node["status"].lower():
                problems.append(f"{key[0]} {key[1]}: the simulator says {node['status']}, the "
                                f"last delivered status is {nodes[-1]['status']}")

    types = collections.Counter(b["type"] for b in first.values())
    figures = [
        f"deliveries received {len(hooks)}; distinct events {len(first)} "
        f"({', '.join(f'{t} {n}' for t, n in sorted(types.items()))})",
        f"transitions delivered {transitions} over {len(chains)} nodes; final status checked "
        f"on {nodes_checked} nodes",
        f"same-id repeats (deliveries in flight at a fault): {extra_deliveries} extra "
        f"deliveries of {len(repeated_ids)} ids",
    ]
    return figures, problems, {"transitions": transitions, "repeats": extra_deliveries,
                               "events": len(first)}


def main():
    hooks_file, initial_file, final_file, kills, integrity_failures = sys.argv[1:6]
    unexpected_exits = int(sys.argv[6]) if len(sys.argv) > 6 else 0
    problems = []
    if int(integrity_failures):
        problems.append(f"{integrity_failures} integrity_check failures (see above)")
    if unexpected_exits:
        problems.append(f"{unexpected_exits} daemon exit(s) not caused by the script, or "
                        f"unclean after SIGTERM (see above)")
    figures, found, _ = check_deliveries(json.load(open(hooks_file)),
                                         json.load(open(initial_file)),
                                         json.load(open(final_file)))
    problems += found
    print(f"kills {kills}; " + figures[0])
    for line in figures[1:]:
        print(line)
    for p in problems:
        print("VIOLATION: " + p)
    print("verdict: " + ("FAILED" if problems else "ok"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
