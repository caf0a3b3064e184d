"""The test-controlled TCP proxy of the network fault tests, against an echo server."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator

import pytest

from tests.netproxy import NetProxy, net_proxy

QUIET_SECONDS = 0.5


async def _echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError):
        while data := await reader.read(1024):
            writer.write(data)
            await writer.drain()
    writer.close()


@pytest.fixture
async def proxy() -> AsyncIterator[NetProxy]:
    """A proxy in front of an echo server."""
    server = await asyncio.start_server(_echo, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    with net_proxy(port) as started:
        yield started
    server.close()


async def connect(proxy: NetProxy) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_connection("127.0.0.1", proxy.port)


async def echoed(
    connection: tuple[asyncio.StreamReader, asyncio.StreamWriter], text: bytes
) -> bytes:
    """What comes back for `text` within QUIET_SECONDS (b"" when nothing does)."""
    reader, writer = connection
    writer.write(text)
    await writer.drain()
    try:
        return await asyncio.wait_for(reader.readexactly(len(text)), QUIET_SECONDS)
    except TimeoutError:
        return b""


async def refused(proxy: NetProxy) -> bool:
    """Whether a new connection is reset or closed at once."""
    try:
        reader, _ = await connect(proxy)
        return await asyncio.wait_for(reader.read(), QUIET_SECONDS) == b""
    except ConnectionError:
        return True


async def test_bytes_pass_both_ways_and_are_held_for_the_latency(proxy: NetProxy) -> None:
    connection = await connect(proxy)
    assert await echoed(connection, b"ping") == b"ping"
    proxy.delay(0.1)
    started = time.monotonic()
    assert await echoed(connection, b"slow") == b"slow"
    # 0.1 s out and 0.1 s back.
    assert time.monotonic() - started >= 0.2
    connection[1].close()


async def test_a_black_hole_drops_everything_silently_until_new_connections_after_it(
    proxy: NetProxy,
) -> None:
    before = await connect(proxy)
    assert await echoed(before, b"one") == b"one"
    proxy.black_hole()
    assert await echoed(before, b"two") == b""
    assert not before[0].at_eof(), "a black hole closes nothing"
    # Taken into the listening socket's backlog by the kernel, unanswered until healed.
    waiting = await connect(proxy)
    assert await echoed(waiting, b"three") == b""
    proxy.heal()
    assert await asyncio.wait_for(waiting[0].readexactly(5), 5) == b"three"
    assert await echoed(before, b"four") == b"", "a black-holed connection stays dead"
    assert await echoed(await connect(proxy), b"five") == b"five"


async def test_a_cut_closes_connections_and_resets_new_ones_until_healed(proxy: NetProxy) -> None:
    before = await connect(proxy)
    assert await echoed(before, b"one") == b"one"
    proxy.cut()
    assert await asyncio.wait_for(before[0].read(), QUIET_SECONDS) == b""
    assert await refused(proxy), "a cut link takes no new connection"
    proxy.heal()
    assert await echoed(await connect(proxy), b"three") == b"three"


async def test_a_partition_holds_the_bytes_and_passes_them_on_in_order_when_it_heals(
    proxy: NetProxy,
) -> None:
    before = await connect(proxy)
    assert await echoed(before, b"one") == b"one"
    proxy.partition()
    assert await echoed(before, b"two") == b""
    assert await echoed(before, b"three") == b""
    assert not before[0].at_eof(), "a partition closes nothing"
    proxy.heal()
    assert await asyncio.wait_for(before[0].readexactly(8), 5) == b"twothree"
    assert await echoed(before, b"four") == b"four", "the connection outlives the partition"
