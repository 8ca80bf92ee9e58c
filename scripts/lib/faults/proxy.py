"""A TCP proxy the fault harness puts between a daemon and etcd: it forwards bytes both ways,
or fails the way networks fail. Modes (set at any time, applying to open connections too):

  pass       forward everything
  drop       a black hole: accept connections, read and discard what arrives, forward nothing
             and answer nothing (a host that vanished mid-route; connects still succeed, like
             a stateful firewall dropping after the handshake would not, but the client's
             deadline is what is tested)
  delay      forward each chunk after `delay` seconds (latency)
  reset      close every connection with a TCP reset (SO_LINGER 0), new ones at once

Runs its own asyncio loop on a daemon thread; `set_mode` is thread-safe.
"""
import asyncio
import socket
import struct
import threading


class Proxy:
    def __init__(self, target_host, target_port):
        self.target = (target_host, target_port)
        self.mode = "pass"
        self.delay = 0.0
        self.port = None
        self._writers = set()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        self._ready.wait(5)
        if self.port is None:
            raise RuntimeError("proxy did not start")

    def _run(self):
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(
            asyncio.start_server(self._serve, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    def set_mode(self, mode, delay=0.0):
        assert mode in ("pass", "drop", "delay", "reset"), mode
        done = threading.Event()

        def apply():
            self.mode, self.delay = mode, delay
            if mode == "reset":
                for w in list(self._writers):
                    _reset(w)
            done.set()

        self._loop.call_soon_threadsafe(apply)
        done.wait(5)

    async def _serve(self, reader, writer):
        if self.mode == "reset":
            _reset(writer)
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            _reset(writer)
            return
        self._writers.update((writer, up_writer))
        try:
            await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer),
                                 return_exceptions=True)
        finally:
            for w in (writer, up_writer):
                self._writers.discard(w)
                w.close()

    async def _pipe(self, reader, writer):
        while True:
            data = await reader.read(65536)
            if not data:
                writer.close()
                return
            mode = self.mode
            if mode == "drop":
                continue  # swallowed: the peer waits for an answer that never comes
            if mode == "delay":
                await asyncio.sleep(self.delay)
            if self.mode in ("drop", "reset"):
                continue
            writer.write(data)
            await writer.drain()


def _reset(writer):
    sock = writer.get_extra_info("socket")
    if sock is not None:
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
    writer.close()
