"""The world a fault schedule runs in: the simulator (API + webhook sink), a real etcd behind
three proxies (the three "endpoints" of the group), and the daemons — each a real
`ses-upgrade-monitor run` process. Everything listens on 127.0.0.1; every request the harness
makes has a timeout.
"""
import base64
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request

from proxy import Proxy

ACCESS_KEY, SECRET_KEY = "faults-ak", "faults-sk"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method, url, body=None, timeout=2.0):
    """(status, body text) of one request; (0, reason) when there was no answer."""
    data = None if body is None else (body if isinstance(body, bytes) else body.encode())
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")
    except (OSError, urllib.error.URLError) as e:
        return 0, str(e)


def wait_for(condition, seconds, step=0.05):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


class Simulator:
    """ses-upgrade-sim with frozen virtual time, generated upgrading clusters (or a scenario
    file) and the webhook sink."""

    def __init__(self, bin_dir, work, clusters=0, scenario=None):
        args = [f"{bin_dir}/ses-upgrade-sim", "--listen", "127.0.0.1:0", "--plain",
                "--time-scale", "0", "--webhook-sink", "--access-key", ACCESS_KEY,
                "--secret-key", SECRET_KEY]
        if clusters:
            args += ["--generate-clusters", str(clusters)]
        if scenario:
            args += ["--scenario", scenario]
        self.out = open(f"{work}/sim.out", "w")
        self.log = open(f"{work}/sim.log", "w")
        self.proc = subprocess.Popen(args, stdout=self.out, stderr=self.log)
        self.url = None

        def listening():
            text = open(f"{work}/sim.out").read()
            for line in text.splitlines():
                if line.startswith("listening on "):
                    self.url = line[len("listening on "):].strip()
            return self.url is not None
        if not wait_for(listening, 10):
            raise RuntimeError("the simulator did not start: " + open(f"{work}/sim.log").read())

    def get_json(self, path):
        status, body = http("GET", self.url + path, timeout=5)
        if status != 200:
            raise RuntimeError(f"simulator GET {path}: {status} {body[:200]}")
        return json.loads(body)

    def post(self, path, body="{}"):
        status, text = http("POST", self.url + path, body, timeout=5)
        if status != 200:
            raise RuntimeError(f"simulator POST {path}: {status} {text[:200]}")

    def state(self):
        return self.get_json("/_sim/state")

    def advance(self, seconds):
        self.post(f"/_sim/advance?seconds={seconds}", "")

    def hooks(self):
        return self.get_json("/_sim/hooks")

    def polls(self):
        return self.get_json("/_sim/polls")["clusters"]

    def api_fault(self, fault):
        self.post("/_sim/faults", json.dumps({"clear": True, "faults": [fault]}))

    def clear_api_faults(self):
        self.post("/_sim/faults", json.dumps({"clear": True}))

    def hook_failure(self, fault):
        # `seconds` is virtual time: frozen here, so a failure lasts until replaced.
        self.post("/_sim/hooks/fail", json.dumps(dict(fault, seconds=1000000)))

    def clear_hook_failure(self):
        self.post("/_sim/hooks/fail", json.dumps({"mode": "503", "seconds": 0}))

    def stop(self):
        self.proc.kill()
        self.proc.wait()
        self.out.close()
        self.log.close()


class Etcd:
    """One real etcd (Debian's etcd-server), reached by the daemons through three proxies."""

    def __init__(self, work):
        self.work = work
        self.client_port, self.peer_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.client_port}"
        self.proc = None
        self.frozen = False
        self.start()
        self.proxies = [Proxy("127.0.0.1", self.client_port) for _ in range(3)]

    def start(self):
        peer = f"http://127.0.0.1:{self.peer_port}"
        self.log = open(f"{self.work}/etcd.log", "a")
        self.proc = subprocess.Popen(
            ["/usr/bin/etcd", "--name=faults", f"--data-dir={self.work}/etcd",
             f"--listen-client-urls={self.url}", f"--advertise-client-urls={self.url}",
             f"--listen-peer-urls={peer}", f"--initial-advertise-peer-urls={peer}",
             f"--initial-cluster=faults={peer}", "--heartbeat-interval=50",
             "--election-timeout=500", "--logger=zap", "--log-outputs=stderr"],
            stdout=subprocess.DEVNULL, stderr=self.log)
        if not wait_for(lambda: http("GET", self.url + "/health", timeout=0.5)[0] == 200, 20):
            raise RuntimeError("etcd did not start; see " + f"{self.work}/etcd.log")

    def endpoints(self):
        return [f"http://127.0.0.1:{p.port}" for p in self.proxies]

    def kill(self):
        if self.frozen:
            self.thaw()
        self.proc.kill()
        self.proc.wait()

    def freeze(self):
        os.kill(self.proc.pid, signal.SIGSTOP)
        self.frozen = True

    def thaw(self):
        os.kill(self.proc.pid, signal.SIGCONT)
        self.frozen = False

    def leader_key(self, key):
        """(member, create_revision) of the leader key, None when absent, or "unknown" when
        etcd did not answer within 0.3 s."""
        body = json.dumps({"key": base64.b64encode(key.encode()).decode()})
        status, text = http("POST", self.url + "/v3/kv/range", body, timeout=0.3)
        if status != 200:
            return "unknown"
        kvs = json.loads(text).get("kvs") or []
        if not kvs:
            return None
        return base64.b64decode(kvs[0]["value"]).decode(), int(kvs[0]["create_revision"])

    def stop(self):
        if self.proc:
            self.kill()
        self.log.close()


class TermObserver:
    """Watches the group's leader key from outside (every 10 ms, straight to etcd, not through
    the proxies) and records when each term was first seen: [(unix seconds, member, revision)].
    A term is seen at most ~10 ms + one request after it began (while etcd answers)."""

    def __init__(self, etcd, key):
        self.etcd, self.key = etcd, key
        self.terms = []
        self.current = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            holder = self.etcd.leader_key(self.key) if not self.etcd.frozen else "unknown"
            if holder not in ("unknown", None) and holder != self.current:
                self.terms.append((time.time(), holder[0], holder[1]))
            if holder != "unknown":
                self.current = holder
            self._stop.wait(0.01)

    def leader(self):
        return self.current[0] if self.current else None

    def stop(self):
        self._stop.set()
        self._thread.join(2)


class Member:
    """One `ses-upgrade-monitor run` process. `name` is its HA member name ("solo" alone); its
    webhooks go to the sink's /hooks/faults-<name>, so that the checker knows who sent what."""

    def __init__(self, bin_dir, work, name, config_text):
        self.bin_dir, self.work, self.name = bin_dir, work, name
        self.config = f"{work}/config-{name}.yaml"
        with open(self.config, "w") as f:
            f.write(config_text)
        self.proc = None
        self.port = None
        self.runs = 0
        self.stopped = False  # SIGSTOPped

    @property
    def log_path(self):
        return f"{self.work}/daemon-{self.name}-{self.runs}.log"

    def start(self):
        self.runs += 1
        self.log = open(self.log_path, "w")
        env = dict(os.environ, NCLOUD_ACCESS_KEY=ACCESS_KEY, NCLOUD_SECRET_KEY=SECRET_KEY)
        self.proc = subprocess.Popen([f"{self.bin_dir}/ses-upgrade-monitor", "run", "-c",
                                      self.config], stdout=subprocess.DEVNULL, stderr=self.log,
                                     env=env)
        self.port = None
        self.stopped = False

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def status_port(self):
        if self.port is None:
            found = re.search(r"status server on http://127\.0\.0\.1:(\d+)",
                              open(self.log_path, errors="replace").read())
            self.port = int(found.group(1)) if found else None
        return self.port

    def ready(self):
        port = self.running() and not self.stopped and self.status_port()
        return bool(port) and http("GET", f"http://127.0.0.1:{port}/readyz", timeout=1)[0] == 200

    def signal(self, signo):
        if self.running():
            os.kill(self.proc.pid, signo)
        if signo == signal.SIGSTOP:
            self.stopped = True
        elif signo == signal.SIGCONT:
            self.stopped = False

    def kill(self):
        if self.running():
            self.proc.kill()
        self.proc.wait()
        self.proc = None
        self.log.close()

    def terminate(self, second_after=None, limit=10.0):
        """SIGTERM (and a second one after `second_after` seconds, if given); returns
        (exit status or None when still running after `limit`, seconds taken)."""
        if self.stopped:
            self.signal(signal.SIGCONT)
        started = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        status = None
        try:
            if second_after is not None:
                try:
                    status = self.proc.wait(second_after)
                except subprocess.TimeoutExpired:
                    self.proc.send_signal(signal.SIGTERM)
            if status is None:
                status = self.proc.wait(limit - (time.monotonic() - started))
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            status = None
        taken = time.monotonic() - started
        self.proc = None
        self.log.close()
        return status, taken

    def cpu_seconds(self):
        """User + system CPU time of the running process, from /proc."""
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def logs(self):
        text = []
        for run in range(1, self.runs + 1):
            path = f"{self.work}/daemon-{self.name}-{run}.log"
            if os.path.exists(path):
                text.append(open(path, errors="replace").read())
        return text
