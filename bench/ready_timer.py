#!/usr/bin/env python3
"""Times a daemon's start to READY=1 (systemd's notify protocol) for scripts/bench.

    bench/ready_timer.py TIMEOUT_S COMMAND...

Creates a NOTIFY_SOCKET, starts COMMAND with it, prints the milliseconds from the start to
the first READY=1 datagram, then stops the daemon (SIGTERM, waits). Exit status 1 when
READY=1 did not come within TIMEOUT_S or the daemon exited first."""
import os
import socket
import subprocess
import sys
import tempfile
import time


def main():
    timeout = float(sys.argv[1])
    command = sys.argv[2:]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "notify")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(path)
        env = dict(os.environ, NOTIFY_SOCKET=path)
        started = time.monotonic()
        proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                stderr=open(os.path.join(tmp, "stderr"), "w"))
        ready_ms = None
        while time.monotonic() - started < timeout:
            sock.settimeout(0.05)
            try:
                data = sock.recv(4096).decode(errors="replace")
            except socket.timeout:
                if proc.poll() is not None:
                    break
                continue
            if "READY=1" in data.split("\n"):
                ready_ms = (time.monotonic() - started) * 1000
                break
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if ready_ms is None:
            sys.stderr.write(open(os.path.join(tmp, "stderr")).read()[-2000:])
            print("n/a")
            return 1
        print(f"{ready_ms:.0f}")
        return 0


if __name__ == "__main__":
    sys.exit(main())
