"""A service's whole bus: one connection, the outbox relay, and the consumer of its queue."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from chassis.bus.consumer import Consumer
from chassis.bus.faults import CrashPoints
from chassis.bus.handlers import HandlerRegistry
from chassis.bus.relay import Doorbell, Relay, RelayThread
from chassis.bus.topology import Topology
from chassis.bus.transport import Transport
from chassis.db import Database
from chassis.settings import Settings


class Bus:
    """Started and stopped by the service's lifespan; `outbox_written` wakes the relay."""

    def __init__(
        self,
        *,
        settings: Settings,
        database: Database,
        handlers: HandlerRegistry,
        after_handled: Callable[[], None] | None = None,
        context: Any = None,
        outbox_written: Doorbell | None = None,
    ) -> None:
        """`after_handled` runs after each commit that handled deliveries (to wake whatever
        reads what the handlers stored); `context` is handed to every handler;
        `outbox_written`, when set by a commit, wakes the relay."""
        self.outbox_written = outbox_written or Doorbell()
        self.database = database
        self.topology = Topology(settings.bus_prefix, settings.bus_delivery_limit)
        crash = CrashPoints(settings.crash_point, settings.crash_probability)
        name = f"{settings.bus_prefix}.{settings.service}"
        # The consumer's connection, and the relay's own: the relay runs on a loop of its own.
        self.transport = Transport(
            settings.bus_url, name=name, heartbeat=settings.bus_heartbeat_seconds
        )
        self.relay_transport = Transport(
            settings.bus_url, name=f"{name}.relay", heartbeat=settings.bus_heartbeat_seconds
        )
        # The relay's database connection is its own: requests holding every pooled connection
        # under load would otherwise make events wait behind them.
        self.relay_database = database.with_own_connection()
        self.relay = Relay(
            service=settings.service,
            database=self.relay_database,
            transport=self.relay_transport,
            topology=self.topology,
            wake=self.outbox_written,
            batch=settings.relay_batch,
            poll_seconds=settings.relay_poll_seconds,
            publish_timeout=settings.publish_timeout_seconds,
            outbox_retention=timedelta(hours=settings.outbox_retention_hours),
            inbox_retention=timedelta(days=settings.inbox_retention_days),
            crash=crash,
        )
        # SQLite's engine is the service's own, bound to the request loop: its relay stays there.
        self.relay_thread = (
            RelayThread(self.relay, self.relay_transport, self.relay_database)
            if self.relay_database is not database
            else None
        )
        # A service that handles no event has no queue and no consumer.
        self.consumer = (
            Consumer(
                service=settings.service,
                registry=handlers,
                database=database,
                transport=self.transport,
                topology=self.topology,
                after_commit=self.outbox_written.set,
                after_handled=after_handled,
                prefetch=settings.bus_prefetch,
                concurrency=settings.bus_concurrency,
                batch=settings.bus_batch,
                crash=crash,
                context=context,
            )
            if handlers.routing_keys()
            else None
        )

    def start(self) -> None:
        """Connect, relay and consume in the background."""
        if self.relay_thread is not None:
            self.relay_thread.start()
        else:
            self.relay_transport.start()
            self.relay.start()
        if self.consumer is not None:
            self.transport.start()
            self.consumer.start()

    async def stop(self) -> None:
        """Finish deliveries in hand, stop relaying, disconnect."""
        if self.consumer is not None:
            await self.consumer.stop()
            await self.transport.stop()
        if self.relay_thread is not None and self.relay_thread.running:
            await self.relay_thread.stop()
        else:
            await self.relay.stop()
            await self.relay_transport.stop()
            if self.relay_database is not self.database:
                await self.relay_database.dispose()

    def problems(self) -> dict[str, str]:
        """Readiness of the broker links and of the consumer, by name ("ok" when fine)."""
        links = [self.relay_transport] + ([self.transport] if self.consumer is not None else [])
        up = all(link.is_up for link in links)
        checks = {"broker": "ok" if up else "unavailable: not connected"}
        if self.consumer is not None:
            checks["consumer"] = (
                "ok" if self.consumer.attached else "unavailable: no consumer on the queue"
            )
        return checks
