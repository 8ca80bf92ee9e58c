"""The invariants of SPEC §12, checked from outside the daemons, over what the world recorded:
the receiver's deliveries (with receipt times and which member sent them), the simulator's
polls, the leader terms seen in etcd, the exits, the logs, and the harness's own record of
when each fault was in force. Nothing here asks the daemons anything.
"""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from chaos_check import check_deliveries  # noqa: E402  (invariant 1, shared with scripts/chaos)

# Lines that the daemon promises to log once per episode (invariant 8): a pattern and a name.
ONCE_PER_EPISODE = [
    (re.compile(r"etcd unreachable"), "etcd unreachable"),
    (re.compile(r"leadership not confirmed by etcd for .*paused until"), "leadership paused"),
    (re.compile(r"writing the group's state to etcd fails"), "group store failing"),
    (re.compile(r"state store degraded|state: cannot (write|commit)"), "state store degraded"),
]


def intervals_union(intervals):
    merged = []
    for s, e in sorted(i for i in intervals if i[1] > i[0]):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return merged


def subtract(span, holes):
    """`span` (s, e) minus the union of `holes`: a list of (s, e)."""
    s, e = span
    out = []
    for hs, he in intervals_union(holes):
        if he <= s or hs >= e:
            continue
        if hs > s:
            out.append((s, hs))
        s = max(s, he)
    if s < e:
        out.append((s, e))
    return out


def intersect(a, b):
    """Intersection of two sorted lists of disjoint intervals."""
    out, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        s, e = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if s < e:
            out.append((s, e))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def check_polling(polls, window, eligible, bound, slack):
    """Invariant 2: within `window` (s, e), no cluster goes unpolled for longer than `bound`
    (+ `slack` for the machine) during time that is `eligible` (some member healthy, no API
    fault that licenses a back-off). A gap is measured from the later of the last poll and
    the moment eligibility returned. Returns (worst measured gap, problems)."""
    worst, problems = 0.0, []
    for instance, times in polls.items():
        points = [window[0]] + [t / 1000 for t in times if window[0] < t / 1000 < window[1]] + \
            [window[1]]
        for a, b in zip(points, points[1:]):
            for s, e in intersect([(a, b)], eligible):
                gap = e - s
                worst = max(worst, gap)
                if gap > bound + slack:
                    problems.append(
                        f"invariant 2: instance {instance} unpolled for {gap:.2f} s while a "
                        f"member was healthy (from +{s - window[0]:.2f} s; bound {bound:.2f} s "
                        f"+ {slack:.2f} s slack)")
    return worst, problems


def check_single_sender(hooks, terms, members, tolerance):
    """Invariant 3: once another member's term began, nothing sent by the earlier leader
    reaches the receiver (unless it has led again since). `terms`: [(unix s, member, rev)]
    as seen in etcd; `tolerance`: how late the observer may see a term."""
    problems = []
    starts = sorted(terms)
    for hook in hooks:
        sender = hook["name"].removeprefix("faults-")
        if sender not in members:
            continue
        t = hook["received_at_ms"] / 1000
        previous = [s for s in starts if s[0] + tolerance < t]
        if not previous or previous[-1][1] == sender:
            continue
        if any(s[1] == sender and previous[-1][0] < s[0] <= t + tolerance for s in starts):
            continue  # it leads again: seen up to `tolerance` after this receipt
        problems.append(f"invariant 3: member {sender} delivered at +{t - starts[0][0]:.2f} s "
                        f"(after the first term seen), {t - previous[-1][0]:.2f} s after member "
                        f"{previous[-1][1]} took over")
    return problems


def check_exits(exits):
    """Invariant 5: SIGTERM exits 0 within 10 s; after a second SIGTERM, within 2 s."""
    problems = []
    for what, status, taken, double in exits:
        if double:
            if status is None or taken > 2 + 10:  # the first may have been up to 10 s
                problems.append(f"invariant 5: {what}: still running after a second SIGTERM")
        elif status is None:
            problems.append(f"invariant 5: {what}: still running 10 s after SIGTERM (killed)")
        elif status != 0:
            problems.append(f"invariant 5: {what}: exit status {status} after SIGTERM")
    return problems


def check_once_per_episode(member_logs, episodes):
    """Invariant 8: each once-per-episode line at most once per episode. The harness knows
    how many fault episodes a schedule had, not which line each one warrants, so the bound is
    that count + 1 per line kind and member run (a flood is what this catches)."""
    problems = []
    for member, runs in member_logs.items():
        for run, text in enumerate(runs, 1):
            for pattern, name in ONCE_PER_EPISODE:
                n = len(pattern.findall(text))
                if n > episodes + 1:
                    problems.append(f"invariant 8: member {member} (run {run}) logged "
                                    f"\"{name}\" {n} times over {episodes} fault episode(s)")
    return problems


def check_crashes(member_logs):
    problems = []
    for member, runs in member_logs.items():
        for run, text in enumerate(runs, 1):
            for word in ("AddressSanitizer", "runtime error:", "terminate called",
                         "LeakSanitizer"):
                if word in text:
                    problems.append(f"member {member} (run {run}): \"{word}\" in its log")
    return problems


__all__ = ["check_deliveries", "check_polling", "check_single_sender", "check_exits",
           "check_once_per_episode", "check_crashes", "intervals_union", "subtract",
           "intersect"]
