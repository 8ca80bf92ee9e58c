"""What the dashboard's browser tests share: temporary directory and child processes,
waiting with a deadline, JSON over HTTP, and headless Chromium over the DevTools protocol on
a pipe (--remote-debugging-pipe: no port, no extra package).

A test calls init(sys.argv, prefix) first, then reads SRC, BUILD, BIN, TMP from this module,
and calls cleanup() at the end (a `finally`).
"""
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

SRC = BUILD = BIN = TMP = None
PROCS = []


def init(argv, prefix):
    """SOURCE_DIR BUILD_DIR from argv; a fresh temporary directory."""
    global SRC, BUILD, BIN, TMP
    SRC, BUILD = argv[1], argv[2]
    BIN = os.path.join(BUILD, "bin")
    TMP = tempfile.mkdtemp(prefix=prefix)


def fail(message):
    """Prints why, with the tail of every log in TMP, and exits 1."""
    print("FAIL:", message, file=sys.stderr)
    for name in sorted(f for f in os.listdir(TMP) if f.endswith(".log")):
        path = os.path.join(TMP, name)
        if os.path.exists(path):
            lines = open(path, encoding="utf-8", errors="replace").read().splitlines()[-25:]
            print(f"--- {name} (last {len(lines)} lines)", file=sys.stderr)
            print("\n".join(lines), file=sys.stderr)
    raise SystemExit(1)


def stop_processes():
    """Ends every child process started so far (TERM, then KILL after 5 s)."""
    for p in reversed(PROCS):
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
    PROCS.clear()


def cleanup():
    stop_processes()
    shutil.rmtree(TMP, ignore_errors=True)


def require_tools():
    """The built programs and Debian's chromium, or fail naming what is missing."""
    for tool in ("ses-upgrade-sim", "ses-upgrade-monitor"):
        if not os.access(os.path.join(BIN, tool), os.X_OK):
            fail(f"{BIN}/{tool} is not built")
    if not shutil.which("chromium"):
        fail("chromium missing: run scripts/bootstrap browser")


def wait_for(what, check, timeout, interval=0.1, describe=None):
    """check()'s first true value within `timeout` seconds; else fails, saying `what` and,
    when given, describe() (the state that was waited on)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(interval)
    fail(f"timed out after {timeout}s waiting for {what}" + (f": {describe()}" if describe else ""))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_json(url):
    try:
        with urllib.request.urlopen(url, timeout=3) as r:
            return json.load(r)
    except (OSError, ValueError):
        return None


class Browser:
    """Chromium over --remote-debugging-pipe: commands on fd 3, answers on fd 4, each a
    JSON message ended by a NUL byte. One page target, flattened session."""

    def __init__(self):
        to_browser_r, self.to_browser = os.pipe()
        self.from_browser, from_browser_w = os.pipe()
        # Above 10, so the dup2 to 3 and 4 in the child cannot clobber one another.
        high_r, high_w = os.dup2(to_browser_r, 20), os.dup2(from_browser_w, 21)
        os.close(to_browser_r)
        os.close(from_browser_w)

        def pipes():
            os.dup2(20, 3)
            os.dup2(21, 4)

        log = open(os.path.join(TMP, "chromium.log"), "w")
        self.proc = subprocess.Popen(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-dev-shm-usage", "--hide-scrollbars", "--remote-debugging-pipe",
             f"--user-data-dir={TMP}/profile", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log, preexec_fn=pipes,
            pass_fds=(3, 4, 20, 21))
        PROCS.append(self.proc)
        os.close(high_r)
        os.close(high_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget",
                                 {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.call(f"{domain}.enable", session=True)

    def _read(self, timeout=30):
        deadline = time.monotonic() + timeout
        while b"\0" not in self.buffer:
            if time.monotonic() > deadline:
                fail("chromium did not answer")
            chunk = os.read(self.from_browser, 1 << 16)
            if not chunk:
                fail("chromium closed its pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method, params=None, session=False):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self.session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        while True:
            answer = self._read()
            if answer.get("id") == self.next_id:
                if "error" in answer:
                    fail(f"{method}: {answer['error']}")
                return answer.get("result", {})
            self.events.append(answer)

    def js(self, expression):
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True}, session=True)
        if "exceptionDetails" in result:
            fail(f"script error: {result['exceptionDetails']}")
        return result["result"].get("value")

    def size(self, width, height, mobile=False):
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
                  session=True)

    def open(self, url):
        self.call("Page.navigate", {"url": url}, session=True)

    def screenshot(self, name):
        png = self.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True},
                        session=True)["data"]
        path = os.path.join(BUILD, name)
        with open(path, "wb") as f:
            f.write(base64.b64decode(png))
        return path

    def click(self, selector):
        box = self.js(f"""(() => {{
            const e = document.querySelector({json.dumps(selector)});
            if (!e) return null;
            e.scrollIntoView({{block: 'center'}});
            const r = e.getBoundingClientRect();
            return {{x: r.left + r.width / 2, y: r.top + r.height / 2}};
        }})()""")
        if not box:
            fail(f"nothing to click at {selector}")
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent",
                      {"type": kind, "x": box["x"], "y": box["y"], "button": "left",
                       "clickCount": 1}, session=True)

    def problems(self):
        out = []
        for e in self.events:
            if e.get("method") == "Runtime.exceptionThrown":
                out.append(json.dumps(e["params"]["exceptionDetails"])[:300])
            if e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error":
                text = e["params"]["entry"].get("text", "")
                if "favicon" not in text:
                    out.append(text)
        return out
