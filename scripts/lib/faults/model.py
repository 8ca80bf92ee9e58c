"""The fault model (SPEC §12) and the seeded schedules drawn from it.

A schedule is everything one run of the world does: its topology (an HA pair on etcd, or one
daemon alone), its faults (kind, target, start, duration, parameters), how virtual time moves,
and how the daemons are stopped at the end. It is a pure function of its seed: the same seed
gives the same schedule, so a failing seed replays (`scripts/faults --replay SEED`).

Durations are drawn from the windows that matter for the fault's kind — for the lease, the
fractions of `ha.lease_ttl` on both sides of ttl/6 (the renewal period), ttl/2 (the term's
deadline) and ttl (the lease's expiry); for the API and the receivers, on both sides of the
request timeout and of the retry backoff.
"""
import dataclasses
import random

LEASE_FRACTIONS = (0.1, 0.4, 0.55, 0.7, 0.9, 1.1, 1.5)

# kind -> (topologies it applies to, duration family)
KINDS = {
    # the daemon's process: downtime before the restart (kill, term) or the SIGCONT (stop)
    "kill": ("ha solo", "lease"),
    "term": ("ha solo", "lease"),
    "stop": ("ha solo", "lease"),
    # etcd: the process, or the network to it (the proxies in front of its three endpoints)
    "etcd_stop": ("ha", "lease"),
    "etcd_freeze": ("ha", "lease"),
    "etcd_slow": ("ha", "lease"),
    "etcd_blackhole_one": ("ha", "lease"),
    "etcd_reset_one": ("ha", "lease"),
    # the NAVER Cloud API (the simulator's runtime faults)
    "api_429": ("ha solo", "request"),
    "api_5xx": ("ha solo", "request"),
    "api_hang": ("ha solo", "request"),
    "api_garbage": ("ha solo", "request"),
    # the webhook receiver (the sink's failure modes)
    "hook_down": ("ha solo", "request"),
    "hook_slow": ("ha solo", "request"),
    "hook_429": ("ha solo", "request"),
    "hook_5xx": ("ha solo", "request"),
}

# A delay to etcd longer than the election's request timeout (ttl/6) makes etcd unreachable
# in effect; a shorter one only slows it down.
ETCD_DELAYS = (0.05, 0.15, 0.6)
HOOK_DELAYS = (0.3, 1.5, 3.0)
REQUEST_DURATIONS = (0.3, 0.8, 1.5, 3.0)


@dataclasses.dataclass
class Fault:
    kind: str
    start: float     # seconds after the schedule's faults begin
    duration: float  # seconds
    fraction: float = 0.0  # of the lease TTL, for lease-family durations
    target: str = ""  # leader | standby | solo (process faults), endpoint index (one-of-three)
    delay: float = 0.0  # etcd_slow, hook_slow

    @property
    def end(self):
        return self.start + self.duration

    def describe(self):
        what = self.kind
        if self.target:
            what += f" {self.target}"
        if self.delay:
            what += f" (delay {self.delay:g} s)"
        length = f"{self.fraction:g}×ttl = {self.duration:.2f} s" if self.fraction \
            else f"{self.duration:.2f} s"
        return f"{what} for {length} at +{self.start:.2f} s"


@dataclasses.dataclass
class Schedule:
    seed: int
    topology: str  # "ha" | "solo"
    faults: list
    advances: list  # virtual seconds to advance, one per 0.2 s step of the fault phase
    stop_during: int  # index of a fault still active when the daemons are stopped, or -1
    double_term: bool  # the final SIGTERM is followed by a second one

    @property
    def length(self):
        return max(f.end for f in self.faults) + 0.6

    def describe(self):
        text = f"seed {self.seed}: {self.topology}; " + "; ".join(f.describe() for f in self.faults)
        if self.stop_during >= 0:
            text += f"; stopped while {self.faults[self.stop_during].kind} lasts"
        if self.double_term:
            text += "; double SIGTERM at the end"
        return text


def draw(seed, ttl, kinds=None):
    """The schedule of `seed` for a group whose lease is `ttl` seconds. `kinds`: the fault
    kinds allowed (default: all of KINDS)."""
    rng = random.Random(seed)
    topology = "ha" if rng.random() < 0.7 else "solo"
    allowed = [k for k in (kinds or KINDS) if topology in KINDS[k][0].split()]
    count = rng.choices((1, 2, 3), weights=(50, 35, 15))[0]
    faults = []
    for _ in range(count):
        kind = rng.choice(allowed)
        family = KINDS[kind][1]
        fault = Fault(kind, start=round(rng.uniform(0.3, 2.5), 2), duration=0)
        if family == "lease":
            fault.fraction = rng.choice(LEASE_FRACTIONS)
            fault.duration = fault.fraction * ttl
        else:
            fault.duration = rng.choice(REQUEST_DURATIONS)
        if kind in ("kill", "term", "stop"):
            fault.target = "solo" if topology == "solo" else rng.choices(
                ("leader", "standby"), weights=(75, 25))[0]
        elif kind.endswith("_one"):
            fault.target = str(rng.randrange(3))
        if kind == "etcd_slow":
            fault.delay = rng.choice(ETCD_DELAYS)
        elif kind == "hook_slow":
            fault.delay = rng.choice(HOOK_DELAYS)
        faults.append(fault)
    # At most one fault on each daemon process at a time keeps "who is down" well defined.
    process = [f for f in faults if f.kind in ("kill", "term", "stop")]
    for a, b in zip(process, process[1:]):
        if b.target == a.target and b.start < a.end + 0.3:
            b.start = round(a.end + 0.3, 2)
    steps = int((max(f.end for f in faults) + 0.6) / 0.2) + 1
    advances = [rng.randint(2, 12) for _ in range(steps)]
    lasting = [i for i, f in enumerate(faults) if f.kind not in ("kill", "term", "stop")]
    stop_during = rng.choice(lasting) if lasting and rng.random() < 0.2 else -1
    return Schedule(seed, topology, faults, advances, stop_during, rng.random() < 0.2)
