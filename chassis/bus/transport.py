"""The AMQP connection of a process, re-made by our own loop whenever it is lost.

The one module that imports the AMQP client (aio-pika): the relay, the consumer, the topology
and the DLQ tools use the names below, so a change of client library stays in this file.

A plain connection plus an explicit reconnect loop, rather than aio-pika's robust connection,
whose consumer restoration has failed after reconnects in several releases (#231, #626, #588):
every component re-opens its own channel and re-declares what it needs on each new connection.
The robust connection also reconnects to its one URL only, at a fixed interval, with no hook to
pick another; this loop goes through BUS_URL's brokers (chassis.brokers) in turn, the one that
dropped the connection last, with tenacity's jittered backoff between rounds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from typing import Any

import aio_pika
from aio_pika.abc import (
    AbstractChannel,
    AbstractConnection,
    AbstractExchange,
    AbstractIncomingMessage,
    AbstractQueue,
)
from aio_pika.exceptions import ChannelInvalidStateError, ChannelNotFoundEntity
from tenacity import AsyncRetrying, retry_if_exception_type, wait_random_exponential

from chassis.brokers import address, broker_urls

Channel = AbstractChannel
Connection = AbstractConnection
Exchange = AbstractExchange
IncomingMessage = AbstractIncomingMessage
Queue = AbstractQueue
Message = aio_pika.Message
ExchangeType = aio_pika.ExchangeType
ChannelClosed = ChannelInvalidStateError
# A queue or exchange the broker does not have (e.g. never declared on this bus prefix).
NotDeclared = ChannelNotFoundEntity
__all__ = [
    "CONNECTION_ERRORS",
    "Channel",
    "ChannelClosed",
    "Connection",
    "Exchange",
    "ExchangeType",
    "IncomingMessage",
    "Message",
    "NotDeclared",
    "Queue",
    "Transport",
    "connect",
    "connect_first",
    "persistent_message",
]

log = logging.getLogger("shijian.bus")
TOOL_CONNECT_SECONDS = 10

# What a broken or refused broker connection raises, from the socket up to aiormq.
CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    ConnectionError,
    TimeoutError,
    aio_pika.exceptions.AMQPError,
    RuntimeError,
)


def persistent_message(body: bytes, **properties: Any) -> Message:
    """A message the broker writes to disk before it confirms it."""
    return aio_pika.Message(body=body, delivery_mode=aio_pika.DeliveryMode.PERSISTENT, **properties)


async def connect_first(
    urls: Sequence[str], *, start: int = 0, **options: Any
) -> tuple[int, Connection]:
    """A connection to the first of `urls` that answers, trying each once from `start` (and
    round to the beginning); which one it is, by index. ConnectionError if none answers."""
    last: BaseException | None = None
    for offset in range(len(urls)):
        index = (start + offset) % len(urls)
        try:
            return index, await aio_pika.connect(urls[index], **options)
        except CONNECTION_ERRORS as error:
            log.warning(
                "broker unreachable", extra={"broker": address(urls[index]), "error": repr(error)}
            )
            last = error
    raise ConnectionError(f"none of {len(urls)} brokers answers") from last


async def connect(url: str) -> Connection:
    """One plain connection to the first broker of `url` that answers (for short-lived tools;
    services keep a Transport)."""
    _, connection = await connect_first(broker_urls(url), timeout=TOOL_CONNECT_SECONDS)
    return connection


class Transport:
    """Keeps one connection to RabbitMQ open, with heartbeats; never blocks the service's start.

    With several brokers in `url` it connects to the first that answers and, when that
    connection is lost, tries the next one first.
    """

    def __init__(
        self,
        url: str,
        *,
        name: str,
        heartbeat: int = 15,
        retry_seconds: float = 1.0,
        max_retry_seconds: float = 2.0,
        connect_timeout: float = 10.0,
    ) -> None:
        self.url = url
        self.urls = broker_urls(url)
        self.name = name
        self.heartbeat = heartbeat
        self.retry_seconds = retry_seconds
        self.max_retry_seconds = max_retry_seconds
        self.connect_timeout = connect_timeout
        # `host:port` of the broker connected to now (None while disconnected).
        self.broker: str | None = None
        self._connection: AbstractConnection | None = None
        self._ready = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def _connect(self, start: int) -> tuple[int, AbstractConnection]:
        # Rounds over every broker until one answers, apart by a random, growing pause: the
        # processes that lost the same broker do not all come back in the same instant. Its
        # cap is how long a broker back or a partition healed may go unnoticed, which every
        # event committed meanwhile waits out: short beside the 5 s it may lag after a fault.
        retrying = AsyncRetrying(
            retry=retry_if_exception_type(CONNECTION_ERRORS),
            wait=wait_random_exponential(multiplier=self.retry_seconds, max=self.max_retry_seconds),
        )
        return await retrying(
            connect_first,
            self.urls,
            start=start,
            heartbeat=self.heartbeat,
            timeout=self.connect_timeout,
            client_properties={"connection_name": self.name},
        )

    async def _keep_connected(self) -> None:
        start = 0
        while True:
            index, connection = await self._connect(start)
            lost = asyncio.Event()

            def on_close(*_: Any, lost: asyncio.Event = lost) -> None:
                lost.set()

            connection.close_callbacks.add(on_close)
            self._connection = connection
            self.broker = address(self.urls[index])
            self._ready.set()
            log.info("broker connected", extra={"broker": self.broker})
            await lost.wait()
            self._ready.clear()
            self._connection = None
            log.warning("broker connection lost, reconnecting", extra={"broker": self.broker})
            self.broker = None
            with contextlib.suppress(*CONNECTION_ERRORS):
                await connection.close()
            # The next broker first: the one that dropped us may still take connections while
            # it shuts down, or be the one cut off from the others.
            start = index + 1
            await asyncio.sleep(self.retry_seconds)

    def start(self) -> None:
        """Begin connecting; keep reconnecting until stopped."""
        self._task = asyncio.create_task(self._keep_connected(), name="bus-transport")

    async def connection(self) -> AbstractConnection:
        """The open connection, waiting for one if the broker is away."""
        while True:
            await self._ready.wait()
            if self._connection is not None:
                return self._connection

    @property
    def is_up(self) -> bool:
        """Whether the connection is open right now."""
        return self._connection is not None and self._connection.connected.is_set()

    async def stop(self) -> None:
        """Stop reconnecting and close the connection."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._connection is not None:
            with contextlib.suppress(*CONNECTION_ERRORS):
                await self._connection.close()
            self._connection = None
