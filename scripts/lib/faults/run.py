#!/usr/bin/env python3
"""The engine of scripts/faults (see its --help): runs seeded fault schedules against real
daemons, a real etcd and the simulator, and checks SPEC §12's invariants after each one."""
import argparse
import collections
import json
import os
import random
import shutil
import signal
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check  # noqa: E402
from model import KINDS, draw  # noqa: E402
from world import Etcd, Member, Simulator, TermObserver, wait_for  # noqa: E402

TTL = 2.0          # ha.lease_ttl (the shortest the configuration allows)
INTERVAL = 0.2     # polling.interval and idle_interval
MAX_BACKOFF = 0.5  # polling.max_backoff
API_TIMEOUT = 1.0  # api.timeout
RETRY_AFTER = 1    # what the API's 429 asks for
STARTUP_GRACE = 1.0  # a process just started is not yet "healthy" for invariant 2
CLUSTERS = 8
EVENTS = ("upgrade_started, node_changed, upgrade_finished, upgrade_failed, upgrade_stalled, "
          "stall_cleared, upgrade_vanished, monitor_blind, monitor_recovered")


def config_text(member, sim_url, work, etcd=None, prefix="", clusters=CLUSTERS, instances=None,
                polling=None):
    # The simulator's generated clusters: gen-00001 is instance 9000001, and so on. The
    # checker matches deliveries to the simulator's state by name.
    instances = instances or {f"gen-{i + 1:05d}": str(9000001 + i) for i in range(clusters)}
    lines = [
        f"api: {{ endpoint: {sim_url}, timeout: {API_TIMEOUT:g}s, max_in_flight: 16, "
        f"max_requests_per_second: 1000 }}",
        polling or f"polling: {{ interval: {int(INTERVAL * 1000)}ms, idle_interval: "
                   f"{int(INTERVAL * 1000)}ms, jitter: 0.1, max_backoff: {int(MAX_BACKOFF * 1000)}ms }}",
        "clusters:",
    ]
    lines += [f'  - {{ name: {name}, instance_no: "{no}" }}' for name, no in instances.items()]
    lines += [
        "notifiers:",
        "  - name: faults",
        "    type: webhook",
        f"    url: {sim_url}/hooks/faults-{member}",
        f"    events: [{EVENTS}]",
        "    timeout: 1s",
        "    retry: { initial_backoff: 50ms, max_backoff: 500ms, max_age: 24h }",
        f"state: {{ directory: {work}/state-{member} }}",
        'server: { listen: "127.0.0.1:0" }',
        "logging: { level: info }",
    ]
    if etcd:
        endpoints = ", ".join(etcd.endpoints())
        lines.append(f"ha: {{ etcd: {{ endpoints: [{endpoints}] }}, prefix: {prefix}, "
                     f"member: {member}, lease_ttl: {int(TTL)}s }}")
    return "\n".join(lines) + "\n"


class ScheduleRun:
    """One schedule in a world of its own (its simulator, daemons and etcd prefix)."""

    def __init__(self, schedule, bin_dir, work, etcd, slack):
        self.s, self.bin, self.work, self.etcd, self.slack = schedule, bin_dir, work, etcd, slack
        self.ha = schedule.topology == "ha"
        self.names = ["a", "b"] if self.ha else ["solo"]
        self.record = []  # (unix s, what, member or "", on: bool)
        self.exits = []
        self.threads = []
        self.api_active, self.hook_active = {}, {}
        self.problems = []

    def note(self, what, member, on):
        self.record.append((time.time(), what, member, on))

    # --- faults -------------------------------------------------------------------------
    def target(self, fault):
        if fault.target in ("solo", ""):
            return self.members.get("solo") or self.members["a"]
        leader = self.observer.leader() if self.ha else None
        if leader not in self.members:
            leader = "a"
        if fault.target == "leader":
            return self.members[leader]
        return self.members["b" if leader == "a" else "a"]

    def background(self, fn):
        t = threading.Thread(target=fn, daemon=True)
        t.start()
        self.threads.append(t)

    def apply(self, i):
        f = self.s.faults[i]
        k = f.kind
        if k in ("kill", "term", "stop"):
            m = self.target(f)
            f.victim = m.name
            if not m.running():
                f.victim = None  # down already (an earlier fault): nothing to do
                return
            if k == "kill":
                self.note("down", m.name, True)
                m.kill()
            elif k == "term":
                self.note("down", m.name, True)
                proc_done = threading.Event()

                def term(m=m):
                    status, taken = m.terminate()
                    self.exits.append((f"member {m.name} (SIGTERM fault)", status, taken, False))
                    proc_done.set()
                self.background(term)
                f.done = proc_done
            else:
                self.note("stopped", m.name, True)
                m.signal(signal.SIGSTOP)
        elif k == "etcd_stop":
            self.note("etcd", "", True)
            self.etcd.kill()
        elif k == "etcd_freeze":
            self.note("etcd", "", True)
            self.etcd.freeze()
        elif k == "etcd_slow":
            if f.delay >= TTL / 6:
                self.note("etcd", "", True)
            for p in self.etcd.proxies:
                p.set_mode("delay", f.delay)
        elif k == "etcd_blackhole_one":
            self.etcd.proxies[int(f.target)].set_mode("drop")
        elif k == "etcd_reset_one":
            self.etcd.proxies[int(f.target)].set_mode("reset")
        elif k.startswith("api_"):
            self.note("api", "", True)
            self.api_active[i] = {
                "api_429": {"kind": "rate_limit", "retry_after": RETRY_AFTER},
                "api_5xx": {"kind": "gateway_error", "status": 503},
                "api_hang": {"kind": "timeout"},
                "api_garbage": {"kind": "invalid_json"},
            }[k]
            self.sim.api_fault(self.api_active[i])
        elif k.startswith("hook_"):
            self.hook_active[i] = {
                "hook_down": {"mode": "refuse"},
                "hook_slow": {"mode": "slow", "delay": f.delay},
                "hook_429": {"mode": "429", "retry_after": 1},
                "hook_5xx": {"mode": "503"},
            }[k]
            self.sim.hook_failure(self.hook_active[i])

    def heal(self, i):
        f = self.s.faults[i]
        k = f.kind
        if k in ("kill", "term", "stop"):
            if getattr(f, "victim", None) is None:
                return
            m = self.members[f.victim]
            if k == "stop":
                m.signal(signal.SIGCONT)
                self.note("stopped", m.name, False)
                return
            if k == "term":
                f.done.wait(12)
            m.start()
            self.note("down", m.name, False)
        elif k == "etcd_stop":
            def restart():
                self.etcd.start()
                self.note("etcd", "", False)
            self.background(restart)
        elif k == "etcd_freeze":
            self.etcd.thaw()
            self.note("etcd", "", False)
        elif k in ("etcd_slow", "etcd_blackhole_one", "etcd_reset_one"):
            proxies = self.etcd.proxies if k == "etcd_slow" else [self.etcd.proxies[int(f.target)]]
            for p in proxies:
                p.set_mode("pass")
            if k == "etcd_slow" and f.delay >= TTL / 6:
                self.note("etcd", "", False)
        elif k.startswith("api_"):
            self.api_active.pop(i, None)
            if self.api_active:
                self.sim.api_fault(list(self.api_active.values())[-1])
            else:
                self.sim.clear_api_faults()
            self.note("api", "", False)
        elif k.startswith("hook_"):
            self.hook_active.pop(i, None)
            if self.hook_active:
                self.sim.hook_failure(list(self.hook_active.values())[-1])
            else:
                self.sim.clear_hook_failure()

    # --- the run ------------------------------------------------------------------------
    def leader_ready(self):
        if not self.ha:
            return self.members["solo"].ready()
        leader = self.observer.leader()
        return leader in self.members and self.members[leader].ready()

    def execute(self):
        s = self.s
        self.sim = Simulator(self.bin, self.work, clusters=CLUSTERS)
        prefix = f"/faults/{s.seed}"
        self.observer = TermObserver(self.etcd, prefix + "/leader") if self.ha else None
        self.members = {}
        for name in self.names:
            text = config_text(name, self.sim.url, self.work, self.etcd if self.ha else None,
                               prefix)
            self.members[name] = Member(self.bin, self.work, name, text)
        try:
            return self._execute()
        finally:
            for m in self.members.values():
                if m.running():
                    m.signal(signal.SIGCONT)
                    m.kill()
            if self.observer:
                self.observer.stop()
            self.sim.stop()
            for p in self.etcd.proxies if self.ha else []:
                p.set_mode("pass")
            if self.ha and self.etcd.frozen:
                self.etcd.thaw()
            if self.ha and self.etcd.proc.poll() is not None:
                self.etcd.start()

    def _execute(self):
        s = self.s
        for m in self.members.values():
            m.start()
            self.note("started", m.name, True)
        if not wait_for(lambda: all(m.ready() for m in self.members.values()) and
                        self.leader_ready(), 30):
            return self.result(["the daemons did not get ready within 30 s"])
        initial = self.sim.state()
        begin = time.time()
        events = []
        for i, f in enumerate(s.faults):
            events.append((f.start, 0, i))
            if i != s.stop_during:
                events.append((f.end, 1, i))
        events.sort()
        step = 0
        while events or step < len(s.advances):
            now = time.time() - begin
            if step < len(s.advances) and now >= step * 0.2:
                self.sim.advance(s.advances[step])
                step += 1
            while events and events[0][0] <= now:
                _, heal, i = events.pop(0)
                (self.heal if heal else self.apply)(i)
            time.sleep(0.01)
        for t in self.threads:
            t.join(20)
        final = self.sim.state()
        if s.stop_during >= 0:
            # Stopped while a fault lasts (SIGTERM must still exit 0 in time); then the fault
            # ends and the members start again: what was pending is delivered after the
            # restart (nothing lost), and the checks below see that.
            time.sleep(0.5)
            stop_begin = time.time()
            self.stop_all(double=False)
            self.heal(s.stop_during)
            for t in self.threads:
                t.join(20)
            for m in self.members.values():
                m.start()
                self.note("started", m.name, True)
        # Settle: everything healed; the leader polls and delivers; wait for the receiver to
        # have every status the simulator shows.
        settled = wait_for(lambda: self.leader_ready() and
                           not check.check_deliveries(self.sim.hooks(), initial, final)[1],
                           25, step=0.25)
        if s.stop_during < 0:
            stop_begin = time.time()
        self.stop_all(double=s.double_term)
        hooks, polls = self.sim.hooks(), self.sim.polls()
        for name, data in (("hooks", hooks), ("polls", polls), ("initial", initial),
                           ("final", final), ("terms", self.observer.terms if self.ha else []),
                           ("record", self.record)):
            with open(os.path.join(self.work, name + ".json"), "w") as f:
                json.dump(data, f)
        problems = [] if settled else ["the deliveries did not catch up within 25 s of the "
                                       "last fault (the check below says what is missing)"]
        figures, found, counts = check.check_deliveries(hooks, initial, final)
        problems += found
        worst, found = self.check_polling(polls, begin, stop_begin)
        problems += found
        if self.ha:
            problems += check.check_single_sender(hooks, self.observer.terms, self.names, 0.2)
        problems += check.check_exits(self.exits)
        logs = {name: m.logs() for name, m in self.members.items()}
        problems += check.check_once_per_episode(logs, len(s.faults))
        problems += check.check_crashes(logs)
        return self.result(problems, counts, worst)

    def stop_all(self, double):
        running = [m for m in self.members.values() if m.running()]

        def stop(m):
            status, taken = m.terminate(second_after=0.3 if double else None)
            during = (f" while {self.s.faults[self.s.stop_during].kind} lasts"
                      if self.s.stop_during >= 0 and not double else "")
            self.exits.append((f"member {m.name} (final SIGTERM{during})", status, taken, double))
        threads = [threading.Thread(target=stop, args=(m,)) for m in running]
        for t in threads:
            t.start()
        for t in threads:
            t.join(15)

    def check_polling(self, polls, begin, end):
        """Eligible time: some member healthy (running for STARTUP_GRACE, not stopped, etcd
        reachable in a group) and no API fault licensing a back-off."""
        def spans(what, member=""):
            out, since = [], None
            for t, w, m, on in self.record:
                if w != what or m != member:
                    continue
                if on and since is None:
                    since = t
                elif not on and since is not None:
                    out.append((since, t))
                    since = None
            if since is not None:
                out.append((since, end))
            return out
        window = (begin, end)
        healthy = []
        for name in self.names:
            down = spans("down", name) + spans("stopped", name)
            down += [(t, t + STARTUP_GRACE) for t, w, m, on in self.record
                     if m == name and ((w == "down" and not on) or w == "started")]
            if self.ha:
                down += spans("etcd")
            healthy += check.subtract(window, down)
        eligible = check.intervals_union(healthy)
        api = [(s, e + MAX_BACKOFF + RETRY_AFTER + API_TIMEOUT) for s, e in spans("api")]
        eligible = [span for s, e in eligible for span in check.subtract((s, e), api)]
        bound = INTERVAL * 1.1 + (TTL if self.ha else 0)
        return check.check_polling(polls, window, eligible, bound, self.slack)

    def result(self, problems, counts=None, worst=0.0):
        return {"problems": problems, "counts": counts or {}, "worst_gap": worst,
                "exits": self.exits}


def idle_cpu(bin_dir, work, etcd, seconds, limit):
    """Invariant 4: an idle daemon (no cluster upgrading, default polling intervals) in each
    degraded mode uses at most `limit` of a core. Returns (lines, problems)."""
    scenario = os.path.join(work, "idle.yaml")
    with open(scenario, "w") as f:
        f.write("clusters:\n")
        for i in range(CLUSTERS):
            f.write(f'  - {{ name: idle-{i}, instance_no: "{8000001 + i}", version: "2150", '
                    f'nodes: [{{ hostname: idle-{i}-1 }}] }}\n')
    sim = Simulator(bin_dir, work, scenario=scenario)
    instances = {f"idle-{i}": str(8000001 + i) for i in range(CLUSTERS)}
    polling = "polling: { interval: 30s, idle_interval: 5m, max_backoff: 5m }"
    lines, problems = [], []
    try:
        solo = Member(bin_dir, work, "idle-solo",
                      config_text("idle-solo", sim.url, work, instances=instances,
                                  polling=polling))
        pair = [Member(bin_dir, work, n,
                       config_text(n, sim.url, work, etcd, "/faults/idle", instances=instances,
                                   polling=polling)) for n in ("idle-a", "idle-b")]
        modes = [
            ("alone, nothing wrong", [solo], lambda: None, lambda: None),
            ("alone, API answering 503", [solo],
             lambda: sim.api_fault({"kind": "gateway_error", "status": 503}),
             sim.clear_api_faults),
            ("alone, API hanging", [solo], lambda: sim.api_fault({"kind": "timeout"}),
             sim.clear_api_faults),
            ("pair, nothing wrong", pair, lambda: None, lambda: None),
            ("pair, etcd stopped", pair, etcd.kill, etcd.start),
            ("pair, etcd frozen", pair, etcd.freeze, etcd.thaw),
            ("pair, every etcd endpoint a black hole", pair,
             lambda: [p.set_mode("drop") for p in etcd.proxies],
             lambda: [p.set_mode("pass") for p in etcd.proxies]),
            ("pair, every etcd endpoint resetting", pair,
             lambda: [p.set_mode("reset") for p in etcd.proxies],
             lambda: [p.set_mode("pass") for p in etcd.proxies]),
        ]
        for label, members, fault, heal in modes:
            for m in members:
                if not m.running():
                    m.start()
            wait_for(lambda: all(m.ready() for m in members), 20)
            for m in [solo] + pair:
                if m not in members and m.running():
                    m.terminate()
            fault()
            time.sleep(2)  # into the mode: first retries and back-offs
            before = [(m.cpu_seconds(), time.monotonic()) for m in members]
            time.sleep(seconds)
            used = []
            for m, (cpu, t) in zip(members, before):
                used.append((m.cpu_seconds() - cpu) / (time.monotonic() - t))
            heal()
            worst = max(used)
            lines.append(f"idle CPU, {label}: {worst:.4f} core (worst member)")
            if worst > limit:
                problems.append(f"invariant 4: {label}: {worst:.4f} core > {limit}")
        for m in [solo] + pair:
            if m.running():
                status, _ = m.terminate()
                if status != 0:
                    problems.append(f"invariant 5: {m.name}: exit status {status}")
    finally:
        for m in [solo] + pair:
            if m.running():
                m.kill()
        sim.stop()
    return lines, problems


def main():
    ap = argparse.ArgumentParser(prog="scripts/faults")
    ap.add_argument("--bin", required=True)
    ap.add_argument("--schedules", type=int, default=30)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--replay", type=int, default=None)
    ap.add_argument("--kinds", default="")
    ap.add_argument("--slack", type=float, default=0.75)
    ap.add_argument("--idle-seconds", type=float, default=3.0)
    ap.add_argument("--no-idle-cpu", action="store_true")
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    kinds = [k for k in a.kinds.split(",") if k] or list(KINDS)
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        print(f"scripts/faults: unknown fault kind(s) {', '.join(unknown)}; known: "
              f"{', '.join(KINDS)}", file=sys.stderr)
        return 2
    seed = a.seed if a.seed is not None else random.randrange(1, 10 ** 6)
    seeds = [a.replay] if a.replay is not None else [seed + i for i in range(a.schedules)]
    root = tempfile.mkdtemp(prefix="sesmon-faults.")
    etcd = Etcd(root)
    started = time.time()
    failed, by_kind, repeats_by_kind = [], collections.Counter(), collections.Counter()
    transitions = repeats = 0
    worst_gap, worst_exit = 0.0, 0.0
    try:
        for n, sd in enumerate(seeds, 1):
            schedule = draw(sd, TTL, kinds)
            work = os.path.join(root, f"s{sd}")
            os.makedirs(work)
            r = ScheduleRun(schedule, a.bin, work, etcd, a.slack).execute()
            for f in schedule.faults:
                by_kind[f.kind] += 1
            c = r["counts"]
            transitions += c.get("transitions", 0)
            repeats += c.get("repeats", 0)
            for kind in {f.kind for f in schedule.faults}:
                repeats_by_kind[kind] += c.get("repeats", 0)
            worst_gap = max(worst_gap, r["worst_gap"])
            worst_exit = max([worst_exit] + [t for _, st, t, d in r["exits"] if not d])
            verdict = "ok" if not r["problems"] else "FAILED"
            print(f"schedule {n}/{len(seeds)} {verdict}: {schedule.describe()} — transitions "
                  f"{c.get('transitions', 0)}, repeats {c.get('repeats', 0)}, worst polling gap "
                  f"{r['worst_gap']:.2f} s", flush=True)
            for p in r["problems"]:
                print(f"  VIOLATION: {p}", flush=True)
            if r["problems"]:
                failed.append(sd)
                print(f"  replay: scripts/faults --replay {sd}  (work directory kept: {work})",
                      flush=True)
            elif not a.keep:
                shutil.rmtree(work, ignore_errors=True)
        idle_lines, idle_problems = [], []
        if not a.no_idle_cpu and a.replay is None:
            idle_work = os.path.join(root, "idle")
            os.makedirs(idle_work)
            idle_lines, idle_problems = idle_cpu(a.bin, idle_work, etcd, a.idle_seconds, 0.02)
    finally:
        etcd.stop()
    print(f"faults: {len(seeds)} schedules in {time.time() - started:.0f} s, first seed "
          f"{seeds[0]}; faults by kind: "
          + ", ".join(f"{k} {n}" for k, n in sorted(by_kind.items())))
    print(f"faults: {transitions} transitions delivered; {repeats} same-id repeats (by fault kind "
          f"in their schedule: " + ", ".join(f"{k} {n}" for k, n in sorted(repeats_by_kind.items())
                                             if n) + ")")
    print(f"faults: worst polling gap {worst_gap:.2f} s (bound {INTERVAL * 1.1 + TTL:.2f} s in a "
          f"group, {INTERVAL * 1.1:.2f} s alone, + {a.slack:g} s slack); slowest SIGTERM exit "
          f"{worst_exit:.2f} s")
    for line in idle_lines:
        print("faults: " + line)
    for p in idle_problems:
        print("VIOLATION: " + p)
    if failed or idle_problems:
        print(f"faults: FAILED — seeds {', '.join(map(str, failed))}" if failed else
              "faults: FAILED (idle CPU)")
        return 1
    if not a.keep:
        shutil.rmtree(root, ignore_errors=True)
    else:
        print(f"faults: kept {root}")
    print("faults: verdict ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
