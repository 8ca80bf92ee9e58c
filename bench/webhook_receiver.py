#!/usr/bin/env python3
"""Loopback webhook receiver for scripts/bench: answers 204 to every POST and appends one
line per delivery to OUT: the arrival time (Unix seconds, microsecond resolution) and the
event id from the generic format's body.

    bench/webhook_receiver.py PORT_FILE OUT

Listens on 127.0.0.1, a free port written to PORT_FILE. Runs until killed."""
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Server(ThreadingHTTPServer):
    # A listen backlog like a production receiver's (nginx: 511), not socketserver's 5: with
    # 5, a burst of new connections overflows it and the kernel drops SYNs, which the sender
    # retries after 1 s — the benchmark would measure its own receiver.
    request_queue_size = 128
    daemon_threads = True


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        arrived = time.time()
        try:
            event_id = json.loads(body).get("id", "-")
        except ValueError:
            event_id = "-"
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()
        self.server.out.write(f"{arrived:.6f} {event_id}\n")
        self.server.out.flush()

    def log_message(self, *args):
        pass


def main():
    server = Server(("127.0.0.1", 0), Handler)
    server.out = open(sys.argv[2], "a", buffering=1)
    with open(sys.argv[1], "w") as f:
        f.write(str(server.server_address[1]))
    server.serve_forever()


if __name__ == "__main__":
    main()
