#!/usr/bin/env python3
"""Counts the tests ctest skipped (from its JUnit report) and fails on any skip that
docs/development.md does not list under "### Expected skips" for this kind of build: a test
that silently stops running is a test lost (issue 27).

Usage: skips.py JUNIT_XML DEVELOPMENT_MD BUILD_KIND     (BUILD_KIND: normal | sanitizer)

The list is a Markdown table whose first column is the test's ctest name in backticks and
whose second column is the build kind it may skip in (normal, sanitizer or any).
"""
import re
import sys
import xml.etree.ElementTree as ET


def expected(doc, kind):
    text = open(doc).read()
    section = re.search(r"^### Expected skips\n(.*?)(?=^#)", text + "\n#", re.S | re.M)
    if not section:
        raise SystemExit(f"skips: {doc} has no '### Expected skips' section")
    allowed = {}
    for name, build, why in re.findall(r"^\| `([^`]+)` \| (\w+) \| (.*?) \|$",
                                       section.group(1), re.M):
        if build in (kind, "any"):
            allowed[name] = why
    return allowed


def main():
    junit, doc, kind = sys.argv[1:4]
    allowed = expected(doc, kind)
    skipped = []
    for case in ET.parse(junit).getroot().iter("testcase"):
        node = case.find("skipped")
        if case.get("status") == "notrun" or node is not None:
            out = case.findtext("system-out") or ""
            why = next((line.strip() for line in out.splitlines()
                        if re.search(r"skip", line, re.I) and "[  SKIPPED ]" not in line), "")
            skipped.append((case.get("name"), why or (node.get("message", "") if node is not None
                                                      else "")))
    unexpected = [(n, m) for n, m in skipped if n not in allowed]
    print(f"skips: {len(skipped)} test(s) skipped in this {kind} build, "
          f"{len(unexpected)} not listed in docs/development.md")
    for name, message in skipped:
        mark = "UNEXPECTED" if (name, message) in unexpected else "expected"
        print(f"skips: {mark}: {name} {message}".rstrip())
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
