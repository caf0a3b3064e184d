"""A TCP proxy a test controls: the network between a process and its broker, made to fail.

A process given the proxy's port instead of the broker's reaches the broker through it. The
proxy runs its own event loop in a thread, so it serves the test's process and the worker
processes alike, and keeps serving while the test's loop waits. Its faults:

- black hole: the connections stay open and every byte either way is dropped, with no FIN
  and no reset: only a heartbeat tells the ends that nothing gets through. Bytes are lost, so
  a black-holed connection never carries anything again (as behind a firewall that lost the
  flow's state and drops its packets); it ends when an end gives up on it. New connections
  wait unanswered in the listening socket's backlog (as SYNs do) and pass once it clears;
- cut: every connection is closed and new ones are reset at once (a partition that answers);
- partition: every byte either way is held, none lost, and passed on in order when it heals
  (as TCP retransmits across a partition shorter than its own timeout); new connections wait
  unanswered as in a black hole;
- latency: each chunk is held the given time before it goes on, in each direction, in order.

`heal` ends the black hole, the cut and the partition; latency is set on its own (`delay(0)`
ends it).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import threading
import time
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

CHUNK = 65536
CONTROL_SECONDS = 10.0


def _reset(sock: socket.socket) -> None:
    # Linger 0: close sends a reset, as a refused or dropped connection does.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


@dataclass(eq=False)
class _Link:
    """One proxied connection: the client's end and the broker's."""

    client: tuple[asyncio.StreamReader, asyncio.StreamWriter]
    upstream: tuple[asyncio.StreamReader, asyncio.StreamWriter]
    holed: bool = False

    def abort(self) -> None:
        """Close both ends at once."""
        for _, writer in (self.client, self.upstream):
            writer.transport.abort()


class NetProxy:
    """Listens on a free loopback port, forwards to `upstream_port`; see the module's faults."""

    def __init__(self, upstream_port: int, upstream_host: str = "127.0.0.1") -> None:
        self.upstream = (upstream_host, upstream_port)
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(128)
        self._listener.setblocking(False)
        self.port = int(self._listener.getsockname()[1])
        self.latency = 0.0
        self.holed = False
        self.cut_off = False
        # Cleared while partitioned: the senders hold their chunks until it is set again.
        self._flowing = asyncio.Event()
        self._flowing.set()
        # When a client closed a black-holed connection: when it noticed that nothing passes.
        self.given_up: list[float] = []
        # When each connection through the proxy was opened.
        self.opened: list[float] = []
        self._links: set[_Link] = set()
        self._opening: set[asyncio.Task[None]] = set()
        self._acceptor: asyncio.Task[None] | None = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name=f"netproxy-{self.port}", daemon=True
        )

    def url(self, broker_url: str) -> str:
        """`broker_url` (one AMQP URL) going through this proxy instead."""
        parts = urlsplit(broker_url)
        credentials = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
        netloc = f"{credentials}127.0.0.1:{self.port}"
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))

    # --- controls, called from any thread ------------------------------------------------

    def start(self) -> None:
        """Begin serving in the proxy's thread."""
        self._thread.start()
        self._run(self._start_accepting())

    def close(self) -> None:
        """Close every connection and the listening socket; stop the thread."""
        self._run(self._shut())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(CONTROL_SECONDS)
        self._loop.close()
        self._listener.close()

    def black_hole(self) -> None:
        """Drop every byte of every open connection from now on; leave new ones unanswered."""
        self._run(self._black_hole())

    def cut(self) -> None:
        """Close every connection; reset new ones until healed."""
        self._run(self._cut())

    def partition(self) -> None:
        """Hold every byte of every open connection until healed; leave new ones unanswered."""
        self._run(self._partition())

    def heal(self) -> None:
        """Take new connections again and pass on what a partition held (black-holed
        connections stay dead: their bytes are lost)."""
        self._run(self._heal())

    def delay(self, seconds: float) -> None:
        """Hold each chunk `seconds` before passing it on, in each direction."""
        self.latency = seconds

    @property
    def connections(self) -> int:
        """Connections the proxy holds now (black-holed ones included)."""
        return len(self._links)

    def _run(self, coroutine: Coroutine[Any, Any, None]) -> None:
        asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(CONTROL_SECONDS)

    # --- in the proxy's loop -------------------------------------------------------------

    async def _start_accepting(self) -> None:
        if self._acceptor is None or self._acceptor.done():
            self._acceptor = asyncio.create_task(self._accept())

    async def _stop_accepting(self) -> None:
        if self._acceptor is not None:
            self._acceptor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._acceptor
            self._acceptor = None

    async def _black_hole(self) -> None:
        self.holed = True
        await self._stop_accepting()
        for link in self._links:
            link.holed = True

    async def _cut(self) -> None:
        self.cut_off = True
        for link in list(self._links):
            link.abort()

    async def _partition(self) -> None:
        self._flowing.clear()
        await self._stop_accepting()

    async def _heal(self) -> None:
        self.holed = self.cut_off = False
        self._flowing.set()
        await self._start_accepting()

    async def _shut(self) -> None:
        await self._stop_accepting()
        for link in self._links:
            link.abort()
        for task in self._opening:
            task.cancel()
        await asyncio.gather(*self._opening, return_exceptions=True)

    async def _accept(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            client, _ = await loop.sock_accept(self._listener)
            if self.cut_off:
                _reset(client)
                continue
            task = asyncio.create_task(self._open(client))
            self._opening.add(task)
            task.add_done_callback(self._opening.discard)

    async def _open(self, client: socket.socket) -> None:
        try:
            upstream = await asyncio.open_connection(*self.upstream)
        except OSError:
            _reset(client)  # the broker is away: so is the proxy
            return
        link = _Link(await asyncio.open_connection(sock=client), upstream, holed=self.holed)
        self._links.add(link)
        self.opened.append(time.time())
        try:
            await asyncio.gather(
                self._pump(link, link.client[0], link.upstream[1], from_client=True),
                self._pump(link, link.upstream[0], link.client[1], from_client=False),
            )
        finally:
            link.abort()
            self._links.discard(link)

    async def _pump(
        self,
        link: _Link,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        *,
        from_client: bool,
    ) -> None:
        """One direction: read chunks, hold each for the latency, write them in order."""
        held: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()
        sending = asyncio.create_task(self._send(link, held, writer))
        loop = asyncio.get_running_loop()
        try:
            with contextlib.suppress(OSError):
                while chunk := await reader.read(CHUNK):
                    if not link.holed:
                        held.put_nowait((loop.time() + self.latency, chunk))
            # The end closed: so does the other, once what it was sent has gone on. A black
            # hole passes no FIN either: its other end is left to notice by itself.
            if not link.holed:
                await held.join()
                link.abort()
            elif from_client:
                self.given_up.append(time.time())
        finally:
            sending.cancel()
            await asyncio.gather(sending, return_exceptions=True)

    async def _send(
        self, link: _Link, held: asyncio.Queue[tuple[float, bytes]], writer: asyncio.StreamWriter
    ) -> None:
        loop = asyncio.get_running_loop()
        while True:
            due, chunk = await held.get()
            try:
                await asyncio.sleep(max(0.0, due - loop.time()))
                await self._flowing.wait()
                if not link.holed:
                    writer.write(chunk)
                    await writer.drain()
            except OSError:
                link.abort()
            finally:
                held.task_done()


@contextlib.contextmanager
def net_proxy(upstream_port: int) -> Iterator[NetProxy]:
    """A started proxy to `upstream_port` on loopback; closed afterwards."""
    proxy = NetProxy(upstream_port)
    proxy.start()
    try:
        yield proxy
    finally:
        proxy.close()
