"""Dead letters for operators: list them with their reasons, replay chosen ones after a fix."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from chassis.brokers import url_user
from chassis.bus.consumer import ERROR_HEADER, PUBLISHER_HEADER, publisher
from chassis.bus.topology import Topology, repost
from chassis.bus.transport import IncomingMessage, NotDeclared, connect
from chassis.db import Database, delivery_failures
from chassis.settings import Settings

BROWSE_LIMIT = 10_000
_BROKER_HEADERS = (
    "x-death",
    "x-first-death-exchange",
    "x-first-death-queue",
    "x-first-death-reason",
    "x-delivery-count",
    ERROR_HEADER,
    PUBLISHER_HEADER,
    "x-shijian-queue",
)


@dataclass(frozen=True)
class DeadLetter:
    """One message in a service's DLQ and why it is there."""

    event_id: str
    type: str
    reason: str
    error: str | None
    attempts: int | None
    failed_at: datetime | None


def _reason(message: IncomingMessage) -> str:
    headers = message.headers or {}
    if ERROR_HEADER in headers:
        return f"invalid: {_text(headers[ERROR_HEADER])}"
    return f"broker: {_text(headers.get('x-first-death-reason', 'unknown'))}"


def _text(value: object) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


async def _failures(database: Database, ids: list[str]) -> dict[str, Any]:
    valid = []
    for value in ids:
        try:
            valid.append(uuid.UUID(value))
        except ValueError:
            continue
    if not valid:
        return {}
    statement = sa.select(delivery_failures).where(delivery_failures.c.event_id.in_(valid))
    async with database.engine.connect() as connection:
        return {str(row.event_id): row for row in await connection.execute(statement)}


async def _browse(settings: Settings) -> tuple[Any, Any, list[IncomingMessage]]:
    connection = await connect(settings.bus_url)
    channel = await connection.channel()
    messages: list[IncomingMessage] = []
    try:
        queue = await channel.get_queue(
            Topology(settings.bus_prefix).dead_letter_queue(settings.service)
        )
    except NotDeclared:
        # The service never started on this bus: it has no dead-letter queue, nor letters.
        return connection, await connection.channel(), messages
    # Taken without ack: closing the channel puts back whatever is not replayed.
    while len(messages) < BROWSE_LIMIT and (message := await queue.get(fail=False)) is not None:
        messages.append(message)
    return connection, channel, messages


async def list_dead_letters(settings: Settings, database: Database) -> list[DeadLetter]:
    """Every dead letter of the service, with the broker's reason and the handler's last error."""
    connection, _, messages = await _browse(settings)
    try:
        failures = await _failures(database, [m.message_id or "" for m in messages])
    finally:
        await connection.close()
    letters = []
    for message in messages:
        failure = failures.get(message.message_id or "")
        letters.append(
            DeadLetter(
                event_id=message.message_id or "(none)",
                type=message.type or "(unknown)",
                reason=_reason(message),
                error=failure.error if failure else None,
                attempts=failure.attempts if failure else None,
                failed_at=failure.failed_at if failure else None,
            )
        )
    return letters


async def replay(settings: Settings, event_ids: Collection[str] | None) -> int:
    """Put the chosen dead letters (all when `event_ids` is None) back on the service's queue.

    Sent as the service's own broker user (BUS_URL's), saying who first published each: its
    consumer checks that publisher again, so a replay never lets in what it refused.
    """
    topology = Topology(settings.bus_prefix)
    own_user = url_user(settings.bus_url)
    connection, channel, messages = await _browse(settings)
    replayed = 0
    try:
        sender = await connection.channel(publisher_confirms=True)
        for message in messages:
            if event_ids is not None and message.message_id not in event_ids:
                continue
            headers = {k: v for k, v in (message.headers or {}).items() if k not in _BROKER_HEADERS}
            headers[PUBLISHER_HEADER] = publisher(message, own_user) or ""
            await sender.default_exchange.publish(
                repost(message, headers, user_id=own_user),
                # Straight to this service's queue: other services handled the event already.
                routing_key=topology.queue(settings.service),
                timeout=10,
            )
            await message.ack()
            replayed += 1
    finally:
        await channel.close()
        await connection.close()
    return replayed
