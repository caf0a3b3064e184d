"""The outbox relay: claims unsent rows, publishes them with confirms, marks them sent."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from chassis.brokers import url_user
from chassis.bus.faults import CrashPoints
from chassis.bus.metrics import EVENTS_PUBLISHED, OUTBOX_BACKLOG, OUTBOX_OLDEST_AGE
from chassis.bus.topology import Topology, declare_exchanges
from chassis.bus.transport import CONNECTION_ERRORS, Exchange, Transport, persistent_message
from chassis.db import Database, inbox, outbox
from contracts import MEDIA_TYPE, all_contracts, owner

log = logging.getLogger("shijian.bus.relay")
ROUND_ERRORS: tuple[type[BaseException], ...] = (*CONNECTION_ERRORS, SQLAlchemyError)
PRUNE_EVERY_SECONDS = 600.0
GAUGE_EVERY_SECONDS = 1.0


class Doorbell:
    """Rung after a commit that wrote the outbox, from whichever thread committed; heard by the
    relay on its own event loop."""

    def __init__(self) -> None:
        self._rung = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """Ring on `loop` from now on (the relay's, when it runs on a thread of its own)."""
        self._loop = loop

    def set(self) -> None:
        """Wake the relay now (a ring after the relay stopped is ignored)."""
        loop = self._loop
        if loop is None or loop is _running_loop():
            self._rung.set()
            return
        with contextlib.suppress(RuntimeError):  # the relay's loop is closed: nothing to wake
            loop.call_soon_threadsafe(self._rung.set)

    def clear(self) -> None:
        """Forget rings heard so far (the relay is about to read the outbox)."""
        self._rung.clear()

    async def wait(self) -> None:
        """Until the next ring."""
        await self._rung.wait()


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def event_type(routing_key: str) -> str:
    """`licensing.licence.issued` from `licensing.licence.issued.v1`."""
    return routing_key.rsplit(".v", 1)[0]


class Relay:
    """Publishes what use cases committed to the outbox; several replicas share the work safely."""

    def __init__(
        self,
        *,
        service: str,
        database: Database,
        transport: Transport,
        topology: Topology,
        wake: Doorbell,
        batch: int = 200,
        poll_seconds: float = 1.0,
        publish_timeout: float = 5.0,
        outbox_retention: timedelta = timedelta(hours=72),
        inbox_retention: timedelta = timedelta(days=30),
        crash: CrashPoints | None = None,
    ) -> None:
        self.service = service
        self.database = database
        self.transport = transport
        self.topology = topology
        self.wake = wake
        self.batch = batch
        self.poll_seconds = poll_seconds
        self.publish_timeout = publish_timeout
        self.outbox_retention = outbox_retention
        self.inbox_retention = inbox_retention
        self.crash = crash or CrashPoints(None)
        # Set on every message: the broker refuses it unless it is the connection's own user, so
        # consumers can trust it to say which process published.
        self.publisher = url_user(transport.url)
        self._task: asyncio.Task[None] | None = None
        self._gauging: asyncio.Task[None] | None = None
        self._pruned_at = 0.0
        # Rows claimed a round: the batch, or one while the broker confirms nothing. A paused
        # or blocked broker keeps what it was sent and takes it all in when it resumes: whole
        # batches sent again each round would all arrive, as copies for the consumers to skip.
        self._claim = batch

    def start(self) -> None:
        """Run the relay in the background until stopped."""
        # Every type this process publishes counted from 0: a series born at 1 would hide its
        # first event from increase(), and from the bureau's day dashboard.
        for contract in all_contracts():
            if owner(contract.event_type) == self.service:
                EVENTS_PUBLISHED.labels(self.service, contract.event_type)
        self._task = asyncio.create_task(self._run(), name=f"relay-{self.service}")
        self._gauging = asyncio.create_task(self._gauge(), name=f"outbox-gauge-{self.service}")

    async def stop(self) -> None:
        """Stop relaying (rows not yet marked sent are published again later: at least once)."""
        for task in (self._task, self._gauging):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def _gauge(self) -> None:
        # Beside the publishing loop, not in it: while the broker is away that loop waits for a
        # connection, and the oldest unsent row's age must still grow for its alert to fire.
        while True:
            with contextlib.suppress(SQLAlchemyError, OSError):
                await self.measure_backlog()
            await asyncio.sleep(GAUGE_EVERY_SECONDS)

    async def _run(self) -> None:
        while True:
            connection = await self.transport.connection()
            channel = None
            try:
                channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
                exchange = await declare_exchanges(channel, self.topology)
                while not channel.is_closed:
                    # Cleared before draining, so a commit during the drain wakes the next round.
                    self.wake.clear()
                    try:
                        await self.drain(exchange)
                        await self._housekeeping()
                    except ROUND_ERRORS as error:
                        if channel.is_closed:
                            raise
                        # The broker is still there: the database is away, or a publish timed
                        # out. Keep the channel and try the round again shortly.
                        log.warning("relay round failed, retrying", extra={"error": repr(error)})
                        await asyncio.sleep(1.0)
                        continue
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self.wake.wait(), self.poll_seconds)
            except CONNECTION_ERRORS as error:
                log.warning("relay lost the broker, resuming", extra={"error": repr(error)})
            finally:
                if channel is not None and not channel.is_closed:
                    with contextlib.suppress(*CONNECTION_ERRORS):
                        await channel.close()
            await asyncio.sleep(0.5)

    async def drain(self, exchange: Exchange) -> int:
        """Publish claimed batches until the outbox has nothing unsent left; how many were sent."""
        total = 0
        while True:
            claim = self._claim
            sent, claimed = await self.publish_batch(exchange)
            total += sent
            if claimed < claim or sent < claimed:
                return total

    async def publish_batch(self, exchange: Exchange) -> tuple[int, int]:
        """Claim one batch, publish it concurrently under confirms, mark what was confirmed."""
        claim = (
            sa.select(outbox.c.id, outbox.c.routing_key, outbox.c.envelope)
            .where(outbox.c.published_at.is_(None))
            .order_by(outbox.c.created_at)
            .limit(self._claim)
            # Rows another replica holds are skipped, never waited for nor published twice.
            .with_for_update(skip_locked=True)
        )
        async with self.database.engine.begin() as connection:
            rows = (await connection.execute(claim)).all()
            if not rows:
                return 0, 0
            results = await asyncio.gather(
                *(self._publish(exchange, row) for row in rows), return_exceptions=True
            )
            self.crash.reached("relay.after_publish_before_mark")
            sent = [row.id for row, result in zip(rows, results, strict=True) if result is None]
            failed = [row.id for row, result in zip(rows, results, strict=True) if result]
            if sent:
                await connection.execute(
                    sa.update(outbox)
                    .where(outbox.c.id.in_(sent))
                    .values(published_at=datetime.now(UTC))
                )
            if failed:
                await connection.execute(
                    sa.update(outbox)
                    .where(outbox.c.id.in_(failed))
                    .values(attempts=outbox.c.attempts + 1)
                )
        for row, result in zip(rows, results, strict=True):
            if result is None:
                EVENTS_PUBLISHED.labels(self.service, event_type(row.routing_key)).inc()
        if sent:
            self._claim = self.batch
        errors = [r for r in results if isinstance(r, BaseException)]
        if errors:
            log.warning(
                "publishing failed", extra={"failed": len(errors), "error": repr(errors[0])}
            )
            if all(isinstance(e, CONNECTION_ERRORS) for e in errors):
                self._claim = 1
                raise errors[0]
        return len(sent), len(rows)

    async def _publish(self, exchange: Exchange, row: Any) -> None:
        message = persistent_message(
            row.envelope,
            content_type=MEDIA_TYPE,
            message_id=str(row.id),
            type=event_type(row.routing_key),
            user_id=self.publisher,
        )
        # `mandatory` with the alternate exchange: unroutable events land in `events.unrouted`.
        await exchange.publish(
            message, routing_key=row.routing_key, mandatory=True, timeout=self.publish_timeout
        )

    async def _housekeeping(self) -> None:
        now = time.monotonic()
        if now - self._pruned_at >= PRUNE_EVERY_SECONDS:
            self._pruned_at = now
            await self.prune()

    async def measure_backlog(self) -> tuple[int, float]:
        """Unsent rows and the age in seconds of the oldest, also set on the gauges."""
        statement = sa.select(sa.func.count(), sa.func.min(outbox.c.created_at)).where(
            outbox.c.published_at.is_(None)
        )
        async with self.database.engine.connect() as connection:
            count, oldest = (await connection.execute(statement)).one()
        if oldest is not None and oldest.tzinfo is None:
            oldest = oldest.replace(tzinfo=UTC)  # SQLite hands back naive UTC
        age = (datetime.now(UTC) - oldest).total_seconds() if oldest else 0.0
        OUTBOX_BACKLOG.labels(self.service).set(count)
        OUTBOX_OLDEST_AGE.labels(self.service).set(age)
        return int(count), age

    async def prune(self) -> None:
        """Delete published outbox rows and inbox ids past their retention."""
        now = datetime.now(UTC)
        async with self.database.engine.begin() as connection:
            await connection.execute(
                sa.delete(outbox).where(outbox.c.published_at < now - self.outbox_retention)
            )
            await connection.execute(
                sa.delete(inbox).where(inbox.c.received_at < now - self.inbox_retention)
            )


class RelayThread:
    """Runs a relay, its broker connection and its database engine on an event loop of their
    own, in a thread of their own.

    On the request loop, a CPU-bound service's relay waits for every request's callbacks
    between two of its own steps: at twice the sustainable rate, events reached the bus 7 s
    after their commit. Here it waits at most one switch of the interpreter lock.
    """

    def __init__(self, relay: Relay, transport: Transport, database: Database) -> None:
        self.relay = relay
        self.transport = transport
        self.database = database
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Connect and relay in the background."""
        loop = self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=loop.run_forever, name=f"relay-{self.relay.service}", daemon=True
        )
        self._thread.start()
        self.relay.wake.bind(loop)
        asyncio.run_coroutine_threadsafe(self._start(), loop).result()

    @property
    def running(self) -> bool:
        """Whether the thread was started and has not ended."""
        return self._thread is not None and self._thread.is_alive()

    async def _start(self) -> None:
        self.transport.start()
        self.relay.start()

    async def _stop(self) -> None:
        await self.relay.stop()
        await self.transport.stop()
        await self.database.dispose()

    async def stop(self) -> None:
        """Stop relaying, disconnect, close the engine; end the thread."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(self._stop(), loop))
        loop.call_soon_threadsafe(loop.stop)
        await asyncio.to_thread(thread.join)
        loop.close()
