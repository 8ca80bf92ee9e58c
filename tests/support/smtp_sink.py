#!/usr/bin/python3
"""An SMTP relay for the smtp notifier's tests, on Debian's python3-aiosmtpd.

    smtp_sink.py --out DIR [--starttls | --tls] [--cert PEM --key PEM]
                 [--auth USER:PASSWORD] [--rcpt-reply "550 ..."] [--data-reply "451 ..."]
                 [--data-delay SECONDS]

Listens on 127.0.0.1, a free port, printed as "listening on PORT" on stdout. Every accepted
message becomes DIR/<n>.json: {"mail_from", "rcpt_tos", "data", "tls", "authenticated"}
(written to a temporary name and renamed, so a reader never sees half a file).
--starttls requires STARTTLS before MAIL; --tls is implicit TLS (SMTPS); --auth requires
AUTH (PLAIN or LOGIN) with that user and password. --rcpt-reply / --data-reply answer RCPT /
DATA with that reply instead of accepting; --data-delay waits before answering DATA.
Stops on SIGTERM.
"""
import argparse
import asyncio
import json
import os
import signal
import ssl

from aiosmtpd.controller import UnthreadedController
from aiosmtpd.smtp import AuthResult


class Handler:
    def __init__(self, args):
        self.args = args
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.args.rcpt_reply:
            return self.args.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.args.data_delay:
            await asyncio.sleep(self.args.data_delay)
        if self.args.data_reply:
            return self.args.data_reply
        self.count += 1
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "data": envelope.original_content.decode("utf-8", "replace"),
            "tls": session.ssl is not None or bool(self.args.tls),
            "authenticated": bool(session.authenticated),
        }
        path = os.path.join(self.args.out, "%d.json" % self.count)
        with open(path + ".tmp", "w") as f:
            json.dump(record, f)
        os.rename(path + ".tmp", path)
        return "250 Message accepted"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--starttls", action="store_true")
    p.add_argument("--tls", action="store_true")
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--auth")
    p.add_argument("--rcpt-reply")
    p.add_argument("--data-reply")
    p.add_argument("--data-delay", type=float, default=0)
    args = p.parse_args()

    context = None
    if args.starttls or args.tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)

    def authenticate(server, session, envelope, mechanism, auth_data):
        user, password = args.auth.split(":", 1)
        ok = auth_data.login.decode() == user and auth_data.password.decode() == password
        # handled=False: aiosmtpd then answers 535 itself (handled=True would mean "answered").
        return AuthResult(success=ok, handled=False)

    smtp_args = {}
    if args.starttls:
        smtp_args.update(tls_context=context, require_starttls=True)
    if args.auth:
        # auth_require_tls looks at STARTTLS only: over implicit TLS it would hide AUTH.
        smtp_args.update(authenticator=authenticate, auth_required=True,
                         auth_require_tls=bool(args.starttls))
    loop = asyncio.new_event_loop()
    controller = UnthreadedController(
        Handler(args), hostname="127.0.0.1", port=0, loop=loop,
        ssl_context=context if args.tls else None, **smtp_args)
    controller.begin()
    port = controller.server.sockets[0].getsockname()[1]
    print("listening on %d" % port, flush=True)
    loop.add_signal_handler(signal.SIGTERM, loop.stop)
    loop.run_forever()


if __name__ == "__main__":
    main()
