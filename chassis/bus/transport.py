"""The AMQP connection of a process: robust, with heartbeats, never blocking the start."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import aio_pika
from aio_pika.abc import AbstractRobustConnection

log = logging.getLogger("shijian.bus")


class Transport:
    """Keeps one robust connection to RabbitMQ; connects in the background until it succeeds."""

    def __init__(self, url: str, *, name: str, heartbeat: int = 30, retry_seconds: float = 2.0):
        self.url = url
        self.name = name
        self.heartbeat = heartbeat
        self.retry_seconds = retry_seconds
        self.connection: AbstractRobustConnection | None = None
        self._connecting: asyncio.Task[None] | None = None

    async def _connect_until_up(self) -> None:
        while True:
            try:
                self.connection = await aio_pika.connect_robust(
                    self.url,
                    heartbeat=self.heartbeat,
                    client_properties={"connection_name": self.name},
                )
            except (OSError, aio_pika.exceptions.AMQPError) as error:
                log.warning("broker unreachable, retrying", extra={"error": str(error)})
                await asyncio.sleep(self.retry_seconds)
            else:
                log.info("broker connected")
                return

    def start(self) -> None:
        """Begin connecting; the service starts even while the broker is down."""
        self._connecting = asyncio.create_task(self._connect_until_up(), name="bus-connect")

    @property
    def is_up(self) -> bool:
        """Whether the connection is open right now."""
        # A robust connection stays "open" while it reconnects; `connected` tells the truth.
        return self.connection is not None and self.connection.connected.is_set()

    async def stop(self) -> None:
        """Stop connecting and close the connection."""
        if self._connecting is not None:
            self._connecting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._connecting
        if self.connection is not None:
            await self.connection.close()
