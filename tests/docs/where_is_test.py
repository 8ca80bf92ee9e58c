#!/usr/bin/env python3
"""docs/architecture.md "Where is…": every row names a file that exists and a function that
file defines or declares (a rename or a move must update the index, or this fails).

Usage: where_is_test.py PROJECT_ROOT
"""
import pathlib
import re
import sys

ROW = re.compile(r"^\| (?P<what>[^|]+) \| `(?P<file>[^`]+)` : `(?P<function>[^`]+)` \|$")


def rows(text: str):
    section = text.split("## Where is…", 1)
    if len(section) != 2:
        raise SystemExit('docs/architecture.md has no "## Where is…" section')
    body = section[1].split("\n## ", 1)[0]
    found = [ROW.match(line) for line in body.splitlines() if line.startswith("| ")]
    return [m for m in found if m]


def defines(source: str, function: str) -> bool:
    # "a::b::c" may be written whole, or as "b::c(" (inside namespace a), or — for a member
    # function declared in its class — "c(" alone; a qualified name must match at least its
    # last two parts in the .cpp, so "c(" alone counts only for unqualified names.
    parts = function.split("::")
    shortest = 2 if len(parts) > 1 else 1
    for start in range(0, len(parts) - shortest + 1):
        name = "::".join(parts[start:])
        if re.search(r"(?<![\w:])" + re.escape(name) + r"\s*\(", source):
            return True
    return False


def main() -> int:
    root = pathlib.Path(sys.argv[1])
    table = rows((root / "docs" / "architecture.md").read_text(encoding="utf-8"))
    if len(table) < 20:
        print(f"only {len(table)} rows parsed from the index: is its format still '| what | "
              "`file` : `function` |'?")
        return 1
    failures = 0
    for m in table:
        path = root / m["file"]
        if not path.is_file():
            print(f"{m['what'].strip()}: {m['file']} does not exist")
            failures += 1
        elif not defines(path.read_text(encoding="utf-8"), m["function"]):
            print(f"{m['what'].strip()}: {m['file']} has no {m['function']}(")
            failures += 1
    print(f"{len(table)} rows, {failures} wrong")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
