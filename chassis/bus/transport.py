"""The AMQP connection of a process, re-made by our own loop whenever it is lost.

The one module that imports the AMQP client (aio-pika): the relay, the consumer, the topology
and the DLQ tools use the names below, so a change of client library stays in this file.

A plain connection plus an explicit reconnect loop, rather than aio-pika's robust connection,
whose consumer restoration has failed after reconnects in several releases (#231, #626, #588):
every component re-opens its own channel and re-declares what it needs on each new connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
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


async def connect(url: str) -> Connection:
    """One plain connection (for short-lived tools; services keep a Transport)."""
    return await aio_pika.connect(url, timeout=TOOL_CONNECT_SECONDS)


class Transport:
    """Keeps one connection to RabbitMQ open, with heartbeats; never blocks the service's start."""

    def __init__(
        self, url: str, *, name: str, heartbeat: int = 15, retry_seconds: float = 1.0
    ) -> None:
        self.url = url
        self.name = name
        self.heartbeat = heartbeat
        self.retry_seconds = retry_seconds
        self._connection: AbstractConnection | None = None
        self._ready = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def _keep_connected(self) -> None:
        while True:
            try:
                connection = await aio_pika.connect(
                    self.url,
                    heartbeat=self.heartbeat,
                    timeout=10,
                    client_properties={"connection_name": self.name},
                )
            except CONNECTION_ERRORS as error:
                log.warning("broker unreachable, retrying", extra={"error": repr(error)})
                await asyncio.sleep(self.retry_seconds)
                continue
            lost = asyncio.Event()

            def on_close(*_: Any, lost: asyncio.Event = lost) -> None:
                lost.set()

            connection.close_callbacks.add(on_close)
            self._connection = connection
            self._ready.set()
            log.info("broker connected")
            await lost.wait()
            self._ready.clear()
            self._connection = None
            log.warning("broker connection lost, reconnecting")
            with contextlib.suppress(*CONNECTION_ERRORS):
                await connection.close()
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
