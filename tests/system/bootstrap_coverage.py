#!/usr/bin/env python3
"""The bootstrap lists cover the suite (issue 16): every program that the project's scripts
and tests call comes from a package that `scripts/bootstrap test` installs, directly or as a
dependency, or from the minimal Debian 12 base (debootstrap --variant=minbase: the packages
of priority "required", and apt).

    bootstrap_coverage.py SOURCE_DIR

How: the commands are read from the shell scripts (scripts/*, .ci/run, tests/**/*.sh) at
command position, from `subprocess` calls in tests/**/*.py, and from INDIRECT below for the
programs that tools and C++ tests run; each is found on PATH, its file's package asked of
dpkg (`dpkg -S`), and that package must be in the closure of the lists over Depends and
Pre-Depends (of the installed packages). A word at command position that is neither a
program, nor a shell builtin, nor a function of its script fails the check: a new kind of
construct in a script is added to the parser or to NOT_COMMANDS, never silently passed.
Exit 0 with one line per command; 1 with the problems.
"""
import os
import re
import shlex
import shutil
import subprocess
import sys

# Programs run by tools or C++ code, not visible in a script: program -> who runs it.
INDIRECT = {
    "file": "cpack -G DEB (CPackDeb finds the binaries to strip and shlibdeps with it)",
    "fakeroot": "cpack -G DEB",
    "dpkg-shlibdeps": "cpack -G DEB (the package's Depends)",
    "dpkg-deb": "cpack -G DEB",
    "ninja": "scripts/build (cmake -G Ninja)",
    "c++": "cmake (the compiler)",
    "ccache": "cmake (CMAKE_CXX_COMPILER_LAUNCHER)",
    "openssl": "tests/support/test_certs.cpp (self-signed certificates)",
    "sh": "std::system and popen in the C++ tests",
    "env": "tests/config/check_config_test.cpp",
    "etcd": "tests/support/etcd_server.cpp (the HA tests' real etcd)",
    "promtool": "tests/web/metrics_test.cpp (promtool check metrics)",
    "python3": "tests/notify/smtp_notifier_test.cpp and tests/daemon/canary_test.cpp "
               "(tests/support/smtp_sink.py, on python3-aiosmtpd)",
}
# Programs a test uses only when present, skipping the part that needs them (by design).
OPTIONAL = {}
# Scripts that run elsewhere: inside the test container (its own root filesystem, built by
# tests/system/rootfs.sh) or on the machine the .deb is installed on.
ELSEWHERE = {"tests/system/probe.sh"}

# sudo: scripts/bootstrap uses it only when not root and sudo is there (it says so otherwise).
SHELL_WORDS = {"sudo"} | set("""
    if then else elif fi case esac for while until do done in function select time
    break continue return exit export local declare readonly typeset unset shift set
    source . eval exec trap wait read readarray mapfile printf echo cd pwd pushd popd
    test [ [[ ]] true false : command type hash getopts let ulimit umask kill jobs fg bg
    disown builtin caller compgen complete enable help history logout shopt suspend times
    alias unalias coproc
""".split())
# Words the parser meets at command position that are not commands (kept short).
NOT_COMMANDS = set()
WRAPPERS = {"sudo", "$SUDO", "env", "timeout", "nice", "nohup", "exec", "command", "xargs"}


SYSTEM_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"


def run(*argv, check=True):
    return subprocess.run(argv, check=check, capture_output=True, text=True)


def shell_files(src):
    out = []
    for d in ("scripts", ".ci"):
        for name in sorted(os.listdir(os.path.join(src, d))):
            path = os.path.join(src, d, name)
            if os.path.isfile(path):
                with open(path, encoding="utf-8", errors="replace") as f:
                    if re.match(r"#!.*\b(ba)?sh\b", f.readline()):
                        out.append(path)
    for root, _, files in os.walk(os.path.join(src, "tests")):
        out += [os.path.join(root, f) for f in sorted(files) if f.endswith(".sh")]
    return [p for p in out if os.path.relpath(p, src) not in ELSEWHERE]


def without_heredocs(text):
    """The script with heredoc bodies blanked (they are data or another language)."""
    lines, out, i = text.split("\n"), [], 0
    while i < len(lines):
        out.append(lines[i])
        heredoc = re.search(r"<<-?\s*['\"]?(\w+)['\"]?", lines[i])
        i += 1
        if heredoc:
            while i < len(lines) and lines[i].strip() != heredoc.group(1):
                out.append("")
                i += 1
            if i < len(lines):
                out.append("")  # the terminator
                i += 1
    return "\n".join(out)


def without_case_patterns(text):
    """The script with the patterns of `case` clauses ("a|b)", "*)") blanked."""
    out, level = [], 0
    for line in text.split("\n"):
        if level > 0:
            line = re.sub(r"^(\s*)\(?[^()\s;]+(\s*\|\s*[^()\s;]+)*\)(?!\))", r"\1", line)
        level += len(re.findall(r"^\s*case\b|[;&|]\s*case\b", line))
        level -= len(re.findall(r"\besac\b", line))
        out.append(line)
    return "\n".join(out)


def segments(text):
    """Simple commands of a shell script, as (line number, text) pieces: split at ; & | ( ) { }
    newlines and command substitutions outside quotes; quoted text, comments, arithmetic,
    ${...}, array literals and case patterns never start a command."""
    out, current, start_line, line = [], [], 1, 1
    depth = []  # what each open ( or $( was: "sub" (a command context) or "array"
    i, n = 0, len(text)

    def flush(case_pattern=False):
        nonlocal current, start_line
        piece = "".join(current).strip()
        if piece and not case_pattern:
            out.append((start_line, piece))
        current, start_line = [], line

    def skip_balanced(j, open_s, close_s):
        level = 1
        while j < n and level:
            if text.startswith(open_s, j):
                level += 1
                j += len(open_s)
            elif text.startswith(close_s, j):
                level -= 1
                j += len(close_s)
            else:
                j += 1
        return j

    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
        if c == "\\" and i + 1 < n:
            current.append(" " if text[i + 1] == "\n" else text[i:i + 2])
            line += text[i + 1] == "\n"
            i += 2
        elif c == "'":
            j = text.find("'", i + 1)
            j = n if j < 0 else j
            line += text.count("\n", i, j)
            current.append("''")
            i = j + 1
        elif c == '"':
            # Inside double quotes only $( ... ) runs a command: lex it as a nested script.
            j = i + 1
            while j < n and text[j] != '"':
                if text[j] == "\\":
                    j += 2
                    continue
                if text.startswith("$(", j) and not text.startswith("$((", j):
                    k = skip_balanced(j + 2, "(", ")")
                    out.extend((line + text.count("\n", i, j) + ln - 1, piece)
                               for ln, piece in segments(text[j + 2:k - 1]))
                    j = k
                    continue
                j += 1
            line += text.count("\n", i, j)
            current.append('""')
            i = j + 1
        elif c == "#" and (i == 0 or text[i - 1] in " \t\n;("):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("$((", i) or text.startswith("((", i):
            j = skip_balanced(i + (3 if c == "$" else 2), "((", "))")
            line += text.count("\n", i, j)
            current.append("0")
            i = j
        elif text.startswith("${", i):
            j = skip_balanced(i + 2, "{", "}")
            current.append("$x")
            i = j
        elif text.startswith("$(", i):
            flush()
            depth.append("sub")
            i += 2
        elif c == "(" and current and re.search(r"[\w\]]\+?=$", "".join(current)):
            j = skip_balanced(i + 1, "(", ")")  # an array literal
            line += text.count("\n", i, j)
            current.append("()")
            i = j
        elif c == "(":
            flush()
            depth.append("sub")
            i += 1
        elif c == ")":
            flush(case_pattern=not depth)
            if depth:
                depth.pop()
            i += 1
        elif c == "&" and ((i > 0 and text[i - 1] in "<>") or text.startswith("&>", i)):
            current.append(c)  # a redirection: >&2, 2>&1, &>/dev/null
            i += 1
        elif c in ";&|{}`\n":
            flush()
            i += 1
        else:
            current.append(c)
            i += 1
    flush()
    return out


KEYWORDS = {"then", "do", "else", "elif", "if", "while", "until", "!", "time", "{", "}"}


def command_words(segment):
    """The programs a simple command runs: the wrappers (timeout, env, ...) and the program
    past them, keywords and assignments."""
    try:
        words = shlex.split(segment, posix=True)
    except ValueError:
        words = segment.split()
    k, programs = 0, []
    while k < len(words):
        w = words[k]
        if w in KEYWORDS or re.match(r"^[A-Za-z_][A-Za-z0-9_]*(\[[^]]*\])?\+?=", w):
            k += 1
        elif w in WRAPPERS:
            programs.append(w)
            k += 1
            if w == "command" and k < len(words) and words[k] == "-v":
                k += 1
            while k < len(words) and (words[k].startswith("-") or (
                    w in ("timeout", "env") and re.match(r"^[0-9.]+[smhd]?$|^\w+=", words[k]))):
                k += 1
        else:
            return programs + [w]
    return programs


def shell_commands(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        text = without_case_patterns(without_heredocs(f.read()))
    functions = set(re.findall(r"^\s*(?:function\s+)?([A-Za-z_][\w-]*)\s*\(\)", text, re.M))
    found = []
    for number, segment in segments(text):
        for w in command_words(segment):
            if not w or w in SHELL_WORDS or w in functions or w in NOT_COMMANDS or w[0] in "-<>0123456789":
                continue
            if "/" in w and not w.startswith("/"):
                continue  # the project's own scripts (scripts/build, $src/...)
            if re.match(r"^[\w.+-]+$|^/[\w./+-]+$", w) and not w.startswith("/tmp"):
                found.append((w, number))
    # `for tool in a b c; do ... command -v $tool`: the list names programs.
    for loop in re.finditer(r"\bfor (\w+) in ([^;\n]+); do", text):
        if re.search(r"command -v \"?\$%s\b" % loop.group(1), text):
            number = text.count("\n", 0, loop.start()) + 1
            found += [(w, number) for w in loop.group(2).split() if re.match(r"^[\w.+-]+$", w)]
    return found


def python_commands(src):
    found = []
    for root, _, files in os.walk(os.path.join(src, "tests")):
        for name in sorted(files):
            if not name.endswith(".py"):
                continue
            path = os.path.join(root, name)
            with open(path, encoding="utf-8") as f:
                for number, line in enumerate(f, 1):
                    for m in re.finditer(r"subprocess\.\w+\(\s*\[\s*[\"']([^\"']+)[\"']", line):
                        found.append((path, m.group(1), number))
    return found


def installed_packages():
    fmt = "${Package}\t${db:Status-Status}\t${Priority}\t${Depends}\t${Pre-Depends}\t${Provides}\n"
    pkgs, provides = {}, {}
    for row in run("dpkg-query", "-W", "-f", fmt).stdout.splitlines():
        name, status, priority, depends, predepends, prov = (row.split("\t") + [""] * 6)[:6]
        if status != "installed":
            continue
        pkgs[name] = (priority, ",".join(x for x in (depends, predepends) if x))
        for p in prov.split(","):
            p = re.sub(r"\s*\(.*\)", "", p).strip()
            if p:
                provides.setdefault(p, set()).add(name)
    return pkgs, provides


def closure(roots, pkgs, provides):
    seen, todo = set(), list(roots)
    while todo:
        p = re.sub(r":\w+$", "", todo.pop())  # libfoo:amd64
        candidates = [p] if p in pkgs else sorted(provides.get(p, ()))
        for c in candidates:
            if c in seen:
                continue
            seen.add(c)
            for dep in pkgs[c][1].split(","):
                for alt in dep.split("|"):
                    alt = re.sub(r"\s*\(.*\)", "", alt).strip()
                    if alt:
                        todo.append(alt)
    return seen


def owners(paths):
    """The package of each path (dpkg -S, once for all), trying its real path and the
    /usr-merged twin; diversions are skipped."""
    tries = {}
    for path in paths:
        for t in {path, os.path.realpath(path)}:
            tries[t] = path
            tries[t[4:] if t.startswith("/usr/") else "/usr" + t] = path
    result = {}
    for row in run("dpkg", "-S", *sorted(tries), check=False).stdout.splitlines():
        if row.startswith("diversion ") or ": " not in row:
            continue
        pkgs, path = row.split(": ", 1)
        if path in tries:
            result.setdefault(tries[path], pkgs.split(",")[0].split(":")[0].strip())
    return result


def main():
    src = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".")
    listed = run(os.path.join(src, "scripts", "bootstrap"), "--list", "test").stdout.split()
    pkgs, provides = installed_packages()
    problems = [f"{p} (in scripts/bootstrap's lists) is not installed: run scripts/bootstrap test"
                for p in listed if p not in pkgs and p not in provides]
    base = [p for p, (priority, _) in pkgs.items() if priority == "required"] + ["apt"]
    covered = closure(listed + base, pkgs, provides)

    uses = {}  # command -> [where]
    for path in shell_files(src):
        for word, number in shell_commands(path):
            uses.setdefault(word, []).append(f"{os.path.relpath(path, src)}:{number}")
    for path, word, number in python_commands(src):
        uses.setdefault(word, []).append(f"{os.path.relpath(path, src)}:{number}")
    for word, who in INDIRECT.items():
        uses.setdefault(word, []).append(who)
    project = {"ses-upgrade-monitor", "ses-upgrade-sim"}

    # Only where packages put programs: a tool in /usr/local or $HOME (pyenv's python3, say)
    # is this machine's, not a fresh one's.
    located = {w: shutil.which(w, path=SYSTEM_PATH) for w in uses
               if w not in project and w not in OPTIONAL}
    owner = owners([p for p in located.values() if p])
    for word in sorted(located):
        where = ", ".join(uses[word][:3]) + (" ..." if len(uses[word]) > 3 else "")
        path = located[word]
        if not path:
            problems.append(f"{word} (called at {where}) is not installed: add the package that "
                            "provides it to scripts/bootstrap (or, if it is not a program, teach "
                            "tests/system/bootstrap_coverage.py)")
            continue
        pkg = owner.get(path)
        if not pkg:
            problems.append(f"{word} ({path}, called at {where}) belongs to no Debian package")
        elif pkg not in covered:
            problems.append(f"{word} ({path}, called at {where}) comes from package {pkg}, which "
                            "scripts/bootstrap does not install (nor the minimal base)")
        else:
            print(f"ok: {word} <- {pkg}")
    for word, why in OPTIONAL.items():
        print(f"optional: {word}: {why}")
    for p in problems:
        print(f"FAIL: {p}", file=sys.stderr)
    if problems:
        print(f"bootstrap coverage: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"PASS: {len(located)} programs, all from scripts/bootstrap's lists or the minimal base")
    return 0


if __name__ == "__main__":
    sys.exit(main())
