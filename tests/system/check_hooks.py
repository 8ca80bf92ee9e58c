#!/usr/bin/env python3
"""Checks what the simulator's webhook sink received (GET /_sim/hooks, JSON):
  check_hooks.py HOOKS_JSON [--require TYPE ...]
Every received event (any JSON object with "schema", "id" and "type", also when the body
is stored as a JSON string) is collected; the check passes when each required type
(default: upgrade_started, upgrade_finished) is present and no event id arrived twice —
a restart that forgot its state would deliver the same stable ids again."""
import collections
import json
import sys


def events(node, out):
    if isinstance(node, dict):
        if "id" in node and "type" in node and "schema" in node:
            out.append(node)
            return
        for value in node.values():
            events(value, out)
    elif isinstance(node, list):
        for value in node:
            events(value, out)
    elif isinstance(node, str) and node.lstrip().startswith("{"):
        try:
            events(json.loads(node), out)
        except ValueError:
            pass


def main():
    args = sys.argv[1:]
    path = args.pop(0)
    required = args[1:] if args[:1] == ["--require"] else ["upgrade_started", "upgrade_finished"]
    with open(path, encoding="utf-8") as f:
        received = []
        events(json.load(f), received)
    counts = collections.Counter(e["id"] for e in received)
    types = collections.Counter(e["type"] for e in received)
    print(f"received {len(received)} events: {dict(types)}")
    ok = True
    for t in required:
        if types[t] == 0:
            print(f"missing: {t}")
            ok = False
    for event_id, n in counts.items():
        if n > 1:
            kind = next(e["type"] for e in received if e["id"] == event_id)
            print(f"delivered {n} times: {kind} {event_id}")
            ok = False
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
