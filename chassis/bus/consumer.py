"""The consumer: a delivery is validated, deduplicated by the inbox, handled, committed, acked."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError

from chassis import observability
from chassis.brokers import url_user
from chassis.bus.faults import CrashPoints
from chassis.bus.handlers import HandlerRegistry, Registration
from chassis.bus.metrics import (
    CONSUMERS_ATTACHED,
    EVENTS_CONSUMED,
    EVENTS_DEAD_LETTERED,
    HANDLER_LATENCY,
)
from chassis.bus.topology import Topology, declare_service_queue, repost
from chassis.bus.transport import (
    CONNECTION_ERRORS,
    Channel,
    ChannelClosed,
    IncomingMessage,
    Queue,
    Transport,
)
from chassis.bus.users import broker_user
from chassis.db import Database, delivery_failures, dialect_of, for_each_dialect, inbox
from chassis.uow import UnitOfWork
from contracts import Contract, Envelope, UnknownContract, domain, owner, service_source

log = logging.getLogger("shijian.bus.consumer")
ERROR_HEADER = "x-shijian-error"
# Who first published a message a service put back on its own queue (a parked or replayed one).
PUBLISHER_HEADER = "x-shijian-published-by"
MAX_BACKOFF_SECONDS = 10.0


def _inbox_insert(dialect: Any) -> Any:
    # Built once: constructing the statement per delivery costs more than executing it.
    return (
        dialect.insert(inbox)
        .values(
            event_id=sa.bindparam("event_id"),
            routing_key=sa.bindparam("routing_key"),
            received_at=sa.bindparam("received_at"),
        )
        .on_conflict_do_nothing(index_elements=[inbox.c.event_id])
        .returning(inbox.c.event_id)
    )


_INBOX_INSERT = for_each_dialect(_inbox_insert)


class InvalidMessage(Exception):  # noqa: N818 - a kind of message, not of failure
    """A delivery no handler can ever accept: it goes to the DLQ at once."""


def publisher(message: IncomingMessage, own_user: str) -> str | None:
    """The broker user who published `message`: its `user_id`, which the broker checked against
    the publishing connection; for a message this service's own user put back (parked, then
    replayed), the publisher it recorded then. Nobody else's word is taken for it."""
    recorded = (message.headers or {}).get(PUBLISHER_HEADER)
    if message.user_id == own_user and recorded is not None:
        return recorded.decode() if isinstance(recorded, bytes) else str(recorded)
    return message.user_id


def _delivery_count(message: IncomingMessage) -> int:
    # Quorum queues count every return of the message, by nack or by a lost channel.
    count = (message.headers or {}).get("x-delivery-count", 0)
    return int(count) if isinstance(count, int) else 0


@contextlib.contextmanager
def _event_context(envelope: Envelope) -> Iterator[None]:
    # Logs and the events a handler emits carry the delivery's ids.
    tokens = [
        (observability.event_id, observability.event_id.set(envelope.id)),
        (observability.correlation_id, observability.correlation_id.set(envelope.correlationid)),
        (observability.causation_id, observability.causation_id.set(envelope.causationid)),
        (
            observability.traceparent,
            observability.traceparent.set(observability.new_traceparent(envelope.traceparent)),
        ),
    ]
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)  # type: ignore[attr-defined]


@dataclass
class Delivery:
    """A valid delivery, opened: the message, its envelope and event, and their handler (none
    for an event only the service's journal keeps)."""

    message: IncomingMessage
    envelope: Envelope
    event: Contract | None
    registration: Registration | None

    @property
    def stale(self) -> bool:
        """Whether it came on a channel that has closed since: it cannot be acked any more."""
        try:
            return self.message.channel.is_closed
        except ChannelClosed:
            return True


class Consumer:
    """Consumes one service's queue in lanes; re-attaches after any loss.

    Deliveries are spread over `concurrency` lanes by subject, so one subject's events are
    handled one at a time in the order they arrived. A lane takes the deliveries waiting in it
    (up to `batch`) into one transaction: under load, one commit serves many events; when one
    of them fails, they are taken again one by one so that only the failing one is retried.
    """

    def __init__(
        self,
        *,
        service: str,
        registry: HandlerRegistry,
        database: Database,
        transport: Transport,
        topology: Topology,
        after_commit: Callable[[], None] | None = None,
        after_handled: Callable[[], None] | None = None,
        prefetch: int = 64,
        concurrency: int = 8,
        batch: int = 16,
        crash: CrashPoints | None = None,
        context: Any = None,
    ) -> None:
        """`context` is handed to every handler (the service's ServiceContext)."""
        self.service = service
        self.context = context
        self.registry = registry
        self.database = database
        self.transport = transport
        self.topology = topology
        self.user = url_user(transport.url)
        self.after_commit = after_commit
        self.after_handled = after_handled
        self.prefetch = prefetch
        self.batch = batch
        self.crash = crash or CrashPoints(None)
        self._lanes: list[asyncio.Queue[Delivery]] = [asyncio.Queue() for _ in range(concurrency)]
        self._workers: list[asyncio.Task[None]] = []
        self._retrying: set[asyncio.Task[None]] = set()
        self._database_up = asyncio.Event()
        self._database_up.set()
        self._watching_database: asyncio.Task[None] | None = None
        self._channel: Channel | None = None
        self._queue: Queue | None = None
        self._consumer_tag: str | None = None
        self._task: asyncio.Task[None] | None = None
        self.attached = False

    def start(self) -> None:
        """Consume in the background until stopped."""
        self._workers = [
            asyncio.create_task(self._work(lane), name=f"consumer-{self.service}-lane-{number}")
            for number, lane in enumerate(self._lanes)
        ]
        self._task = asyncio.create_task(self._run(), name=f"consumer-{self.service}")

    async def stop(self, drain_seconds: float = 10.0) -> None:
        """Stop taking deliveries, finish those in hand (so they are not returned), close."""
        if self._queue is not None and self._consumer_tag is not None:
            with contextlib.suppress(*CONNECTION_ERRORS):
                await self._queue.cancel(self._consumer_tag)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(
                asyncio.gather(*(lane.join() for lane in self._lanes)), drain_seconds
            )
        for task in (self._task, self._watching_database, *self._workers, *self._retrying):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if self._channel is not None:
            with contextlib.suppress(*CONNECTION_ERRORS):
                await self._channel.close()
        self._set_attached(False)

    def _set_attached(self, attached: bool) -> None:
        self.attached = attached
        CONSUMERS_ATTACHED.labels(self.service).set(1 if attached else 0)

    async def _run(self) -> None:
        while True:
            connection = await self.transport.connection()
            lost = asyncio.Event()

            def on_close(*_: Any, lost: asyncio.Event = lost) -> None:
                lost.set()

            channel = None
            try:
                connection.close_callbacks.add(on_close)
                channel = await connection.channel()
                channel.close_callbacks.add(on_close)
                await channel.set_qos(prefetch_count=self.prefetch)
                queue = await declare_service_queue(
                    channel, self.topology, self.service, self.registry.routing_keys()
                )
                self._channel, self._queue = channel, queue
                self._consumer_tag = await queue.consume(self._deliver)
                self._set_attached(True)
                log.info("consumer attached", extra={"queue": queue.name})
                await lost.wait()
            except CONNECTION_ERRORS as error:
                log.warning("consumer interrupted", extra={"error": repr(error)})
            finally:
                self._set_attached(False)
                connection.close_callbacks.discard(on_close)
                if channel is not None and not channel.is_closed:
                    with contextlib.suppress(*CONNECTION_ERRORS):
                        await channel.close()
            await asyncio.sleep(0.5)

    async def _deliver(self, message: IncomingMessage) -> None:
        """Open a delivery and put it in its subject's lane; park it at once if invalid."""
        if log.isEnabledFor(logging.DEBUG):  # its extra is built before the level is checked
            log.debug(
                "delivery",
                extra={
                    "message_id": message.message_id,
                    "delivery_count": _delivery_count(message),
                },
            )
        try:
            delivery = self.open(message)
        except InvalidMessage as error:
            await self._dead_letter(message, str(error))
            return
        subject = delivery.envelope.subject or str(delivery.envelope.id)
        self._lanes[zlib.crc32(subject.encode()) % len(self._lanes)].put_nowait(delivery)

    def open(self, message: IncomingMessage) -> Delivery:
        """The envelope, the validated event and its handler; InvalidMessage if any is wrong."""
        try:
            envelope = Envelope.from_json(message.body)
        except ValidationError as error:
            raise InvalidMessage(f"not a valid CloudEvents envelope: {error}") from None
        self._check_publisher(message, envelope)
        registration = self.registry.get(envelope.routing_key)
        if registration is None:
            if self.registry.journal is None:
                raise InvalidMessage(f"no handler for {envelope.routing_key} in {self.service}")
            return Delivery(message, envelope, None, None)
        try:
            event = envelope.open_as(registration.contract)
        except (ValidationError, UnknownContract, TypeError) as error:
            raise InvalidMessage(f"data does not match {envelope.routing_key}: {error}") from None
        return Delivery(message, envelope, event, registration)

    def _check_publisher(self, message: IncomingMessage, envelope: Envelope) -> None:
        """InvalidMessage unless the process owning the event's type published it, under its
        own name: anyone else with broker access could otherwise speak for it."""
        owning = owner(envelope.type)
        expected = broker_user(self.topology.prefix, owning)
        published_by = publisher(message, self.user)
        if published_by != expected:
            raise InvalidMessage(
                f"{envelope.type} is published by {owning} (broker user {expected}), "
                f"not by {published_by or 'an unnamed user'}"
            )
        if envelope.source != service_source(domain(envelope.type)):
            raise InvalidMessage(
                f"{envelope.type} comes from {service_source(domain(envelope.type))}, "
                f"not from the source {envelope.source} it claims"
            )

    async def _work(self, lane: asyncio.Queue[Delivery]) -> None:
        while True:
            batch = [await lane.get()]
            while len(batch) < self.batch and not lane.empty():
                batch.append(lane.get_nowait())
            try:
                # Deliveries from a lost channel are redelivered by the broker: drop them.
                await self.handle([delivery for delivery in batch if not delivery.stale])
            except Exception:
                log.exception("consumer lane failed; the broker will redeliver")
            finally:
                for _ in batch:
                    lane.task_done()

    async def handle(self, batch: list[Delivery]) -> None:
        """Handle deliveries in one transaction, or one by one if one fails; ack the handled."""
        if not batch:
            return
        started = time.perf_counter()
        while True:
            await self._database_up.wait()
            try:
                outcomes = await self._apply(batch)
                break
            except Exception as error:
                if not await self._database_reachable():
                    # Not the messages' fault: hold them (no redelivery is counted) until it is.
                    await self._pause_for_database(error)
                    continue
                if len(batch) > 1:
                    for delivery in batch:
                        await self.handle([delivery])
                else:
                    self._failed(batch[0], error)
                return
        elapsed = time.perf_counter() - started
        if self.after_handled is not None and "processed" in outcomes:
            self.after_handled()
        for delivery, outcome in zip(batch, outcomes, strict=True):
            event_type = delivery.envelope.type
            HANDLER_LATENCY.labels(self.service, event_type).observe(elapsed)
            EVENTS_CONSUMED.labels(self.service, event_type, outcome).inc()
            if outcome == "duplicate":
                with _event_context(delivery.envelope):
                    log.info("duplicate delivery acked without effect", extra={"outcome": outcome})
            await self._settle(delivery.message.ack())

    async def _apply(self, batch: list[Delivery]) -> list[str]:
        async with UnitOfWork(self.database, self.service, after_commit=self.after_commit) as uow:
            fresh = await self._first_seen(uow, batch)
            new = [delivery for delivery in batch if id(delivery) in fresh]
            journal = self.registry.journal
            if journal is not None and new:
                entries = [(delivery.envelope, delivery.message.body) for delivery in new]
                await journal(self.context, uow.work, entries)
            for delivery in new:
                if delivery.registration is not None:
                    with _event_context(delivery.envelope):
                        await delivery.registration.handler(
                            self.context, uow.work, delivery.event, delivery.envelope
                        )
            self.crash.reached("consumer.before_commit")
            await uow.commit()
            self.crash.reached("consumer.after_commit_before_ack")
        return ["processed" if id(delivery) in fresh else "duplicate" for delivery in batch]

    async def _first_seen(self, uow: UnitOfWork, batch: list[Delivery]) -> set[int]:
        """Record the batch's event ids in the inbox in one statement; the deliveries seen for
        the first time (a second copy inside the batch is a duplicate too)."""
        first: dict[Any, Delivery] = {}
        for delivery in batch:
            first.setdefault(delivery.envelope.id, delivery)
        now = datetime.now(UTC)
        rows = [
            {"event_id": event_id, "routing_key": delivery.envelope.routing_key, "received_at": now}
            for event_id, delivery in first.items()
        ]
        inserted = await uow.connection.execute(_INBOX_INSERT[self.database.dialect], rows)
        return {id(first[row.event_id]) for row in inserted}

    async def _database_reachable(self) -> bool:
        try:
            await asyncio.wait_for(self.database.ping(), 5)
        except Exception:
            return False
        return True

    async def _pause_for_database(self, error: BaseException) -> None:
        if self._database_up.is_set():
            log.warning("database unreachable: consumption paused", extra={"error": repr(error)})
            self._database_up.clear()
            self._watching_database = asyncio.create_task(self._wait_for_database())
        await self._database_up.wait()

    async def _wait_for_database(self) -> None:
        while True:
            if await self._database_reachable():
                break
            await asyncio.sleep(1.0)
        log.info("database back: consumption resumed")
        self._database_up.set()

    def _failed(self, delivery: Delivery, error: BaseException) -> None:
        message, envelope = delivery.message, delivery.envelope
        attempts = _delivery_count(message) + 1
        with _event_context(envelope):
            log.warning(
                "handler failed; the broker will redeliver",
                extra={"attempt": attempts, "error": repr(error)},
                exc_info=error,
            )
        EVENTS_CONSUMED.labels(self.service, envelope.type, "failed").inc()
        if attempts > self.topology.delivery_limit:
            EVENTS_DEAD_LETTERED.labels(self.service, envelope.type, "delivery_limit").inc()
        # The backoff runs beside the lane, which goes on with the next deliveries.
        retry = asyncio.create_task(self._retry_later(delivery, attempts, error))
        self._retrying.add(retry)
        retry.add_done_callback(self._retrying.discard)

    async def _retry_later(self, delivery: Delivery, attempts: int, error: BaseException) -> None:
        await self._record_failure(delivery.envelope, attempts, error)
        await asyncio.sleep(min(0.1 * 2 ** (attempts - 1), MAX_BACKOFF_SECONDS))
        await self._settle(delivery.message.nack(requeue=True))

    async def _record_failure(
        self, envelope: Envelope, attempts: int, error: BaseException
    ) -> None:
        values = {
            "event_id": envelope.id,
            "routing_key": envelope.routing_key,
            "attempts": attempts,
            "error": f"{type(error).__name__}: {error}"[:4000],
            "failed_at": datetime.now(UTC),
        }
        try:
            async with self.database.engine.begin() as connection:
                statement = dialect_of(connection).insert(delivery_failures).values(**values)
                statement = statement.on_conflict_do_update(
                    index_elements=[delivery_failures.c.event_id],
                    set_={k: statement.excluded[k] for k in ("attempts", "error", "failed_at")},
                )
                await connection.execute(statement)
        except Exception as record_error:
            log.warning("could not record the failure", extra={"error": repr(record_error)})

    async def _dead_letter(self, message: IncomingMessage, reason: str) -> None:
        """Send an invalid delivery to the DLQ at once, with the reason in a header."""
        log.warning("invalid message sent to the DLQ", extra={"reason": reason[:500]})
        event_type = message.type or "unknown"
        EVENTS_CONSUMED.labels(self.service, event_type, "rejected").inc()
        channel = self._channel
        try:
            if channel is None:
                raise RuntimeError("no channel")
            exchange = await channel.get_exchange(self.topology.dead_letter_exchange)
            headers = dict(message.headers or {})
            headers[ERROR_HEADER] = reason[:2000]
            headers["x-shijian-queue"] = self.topology.queue(self.service)
            headers[PUBLISHER_HEADER] = publisher(message, self.user) or ""
            await exchange.publish(
                repost(message, headers, user_id=self.user),
                routing_key=self.topology.dead_letter_queue(self.service),
                timeout=5,
            )
        except CONNECTION_ERRORS as error:
            # Not parked yet: hand it back; at worst the delivery limit parks it (without reason).
            log.warning("could not park the invalid message", extra={"error": repr(error)})
            await self._settle(message.nack(requeue=True))
            return
        EVENTS_DEAD_LETTERED.labels(self.service, event_type, "invalid").inc()
        await self._settle(message.ack())

    async def _settle(self, settlement: Any) -> None:
        try:
            await settlement
        except CONNECTION_ERRORS as error:
            # A delivery from a channel that has since closed: the broker redelivers it and the
            # inbox absorbs the duplicate, so the stale message is simply dropped.
            log.info("stale delivery dropped", extra={"error": repr(error)})
