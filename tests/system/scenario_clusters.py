#!/usr/bin/env python3
"""Prints the `clusters:` entries of a daemon config for every cluster of a simulator
scenario (name and instance_no), one flow mapping per line, indented for `clusters:`.
Reads the scenario with a small line parser: python3-yaml is not a dependency."""
import re
import sys


def clusters(text):
    found = []
    current = {}
    for line in text.splitlines():
        m = re.match(r'^(\s*)(-\s+)?(name|instance_no)\s*:\s*["\']?([^"\'#]+?)["\']?\s*(#.*)?$', line)
        if not m:
            continue
        key, value = m.group(3), m.group(4).strip()
        if key == "name" and m.group(2):
            current = {"name": value}
        elif key == "name" and "name" not in current:
            current["name"] = value
        elif key == "instance_no" and "name" in current and "instance_no" not in current:
            current["instance_no"] = value
            found.append(current)
    return found


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        found = clusters(f.read())
    if not found:
        sys.exit(f"no clusters with name and instance_no in {sys.argv[1]}")
    for c in found:
        print(f'  - {{ name: {c["name"]}, instance_no: "{c["instance_no"]}" }}')


if __name__ == "__main__":
    main()
