"""Live notifications: events addressed to a person, pushed over Server-Sent Events.

The gateway consumes the events that name an addressee from its own queue and stores one row
per addressee (in the inbox's transaction, so never twice). One poller per process reads new
rows and hands them to the streams of the people connected here: woken at once by this
process' commits, and every half second for rows other replicas stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Header, Request
from sse_starlette import EventSourceResponse, ServerSentEvent

from chassis.auth import CurrentPrincipal
from chassis.bus import HandlerRegistry
from chassis.db import Database
from chassis.periodic import periodic
from chassis.problems import Problem
from chassis.uow import Work
from contracts import Envelope
from contracts.supervision import HouseholdAssigned
from gateway.identity.tables import notifications

log = logging.getLogger("shijian.gateway.notifications")
REPLAY_WINDOW = timedelta(hours=1)
POLL_SECONDS = 0.5
KEEPALIVE_SECONDS = 15
# A person's open streams (tabs, devices); more is a client gone wrong or someone holding
# connections open with a stolen token.
STREAMS_PER_PERSON = 8
STREAM_PATH = "/api/notifications/stream"

handlers = HandlerRegistry("gateway")


@dataclass(frozen=True)
class Notification:
    """One stored event for one addressee; `data` is the event's payload as it was sent."""

    id: int
    recipient: str
    event_id: uuid.UUID
    event_type: str
    subject: str
    data: dict[str, Any]

    @classmethod
    def of(cls, row: sa.Row[Any]) -> Notification:
        """The notification a `notifications` row holds."""
        return cls(row.id, row.recipient, row.event_id, row.event_type, row.subject, row.data)


async def notify(
    work: Work, envelope: Envelope, recipients: list[str | None], data: dict[str, Any]
) -> None:
    """Store the event once for each addressee."""
    rows = [
        {
            "recipient": recipient,
            "event_id": envelope.id,
            "event_type": envelope.type,
            "subject": envelope.subject,
            "data": data,
            "created_at": datetime.now(UTC),
        }
        for recipient in dict.fromkeys(r for r in recipients if r)
    ]
    if rows:
        await work.connection.execute(sa.insert(notifications), rows)


@handlers.on(HouseholdAssigned)
async def household_assigned(
    _: object, work: Work, event: HouseholdAssigned, envelope: Envelope
) -> None:
    """The grid's owner (and the agent acting for them) have a household to claim."""
    await notify(work, envelope, [event.owner, event.agent], event.model_dump(mode="json"))


class Hub:
    """Hands new notification rows to the streams connected to this process."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.wake = asyncio.Event()
        self._streams: dict[str, set[asyncio.Queue[Notification]]] = defaultdict(set)
        self._last_id = 0
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Begin after the newest row stored so far."""
        async with self.database.engine.connect() as connection:
            newest = await connection.scalar(sa.select(sa.func.max(notifications.c.id)))
        self._last_id = int(newest or 0)
        # The pause is in the round itself (a wake-up or the poll period), so none between.
        self._task = asyncio.create_task(
            periodic("notifications-hub", 0, self._round), name="notifications-hub"
        )

    async def stop(self) -> None:
        """Stop polling."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def open_streams(self, username: str) -> int:
        """How many streams `username` has open on this gateway."""
        return len(self._streams.get(username, ()))

    @contextlib.contextmanager
    def subscription(self, username: str) -> Iterator[asyncio.Queue[Notification]]:
        """A queue receiving `username`'s new notifications while the block runs."""
        queue: asyncio.Queue[Notification] = asyncio.Queue(maxsize=1000)
        self._streams[username].add(queue)
        try:
            yield queue
        finally:
            self._streams[username].discard(queue)
            if not self._streams[username]:
                del self._streams[username]

    async def _round(self) -> None:
        # Woken at once by this process' commits, else after POLL_SECONDS for other replicas'.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.wake.wait(), POLL_SECONDS)
        self.wake.clear()
        await self._dispatch()

    async def _dispatch(self) -> None:
        async with self.database.engine.connect() as connection:
            rows = (
                await connection.execute(
                    sa.select(notifications)
                    .where(notifications.c.id > self._last_id)
                    .order_by(notifications.c.id)
                    .limit(1000)
                )
            ).all()
        for row in rows:
            self._last_id = row.id
            for queue in self._streams.get(row.recipient, ()):
                with contextlib.suppress(asyncio.QueueFull):
                    queue.put_nowait(Notification.of(row))

    async def missed(self, username: str, after_id: int) -> list[Notification]:
        """`username`'s notifications after `after_id` within the replay window."""
        since = datetime.now(UTC) - REPLAY_WINDOW
        async with self.database.engine.connect() as connection:
            rows = (
                await connection.execute(
                    sa.select(notifications)
                    .where(
                        notifications.c.recipient == username,
                        notifications.c.id > after_id,
                        notifications.c.created_at >= since,
                    )
                    .order_by(notifications.c.id)
                )
            ).all()
        return [Notification.of(row) for row in rows]

    async def prune(self) -> None:
        """Forget notifications older than the replay window."""
        async with self.database.engine.begin() as connection:
            await connection.execute(
                sa.delete(notifications).where(
                    notifications.c.created_at < datetime.now(UTC) - REPLAY_WINDOW
                )
            )


def _event(note: Notification) -> ServerSentEvent:
    payload = {
        "type": note.event_type,
        "subject": note.subject,
        "event_id": str(note.event_id),
        "data": note.data,
    }
    return ServerSentEvent(
        data=json.dumps(payload, ensure_ascii=False), event=note.event_type, id=str(note.id)
    )


router = APIRouter(tags=["notifications"])


@router.get(
    STREAM_PATH,
    summary="Live events addressed to the signed-in person (Server-Sent Events)",
    response_class=EventSourceResponse,
)
async def stream(
    request: Request,
    principal: CurrentPrincipal,
    last_event_id: str | None = Header(default=None, alias="Last-Event-ID"),
) -> EventSourceResponse:
    """`text/event-stream`; after a reconnect with `Last-Event-ID`, the last hour's missed
    events come first."""
    hub: Hub = request.app.state.notifications
    username = principal.subject
    if hub.open_streams(username) >= STREAMS_PER_PERSON:
        raise Problem(
            "rate-limited",
            429,
            f"{STREAMS_PER_PERSON} notification streams are open for you already: close one",
            headers={"Retry-After": "30"},
        )
    expires_at = principal.expires_at or time.time()

    async def events() -> AsyncIterator[ServerSentEvent]:
        with hub.subscription(username) as queue:
            sent = 0
            if last_event_id is not None and last_event_id.isdigit():
                for row in await hub.missed(username, int(last_event_id)):
                    sent = row.id
                    yield _event(row)
            while (left := expires_at - time.time()) > 0:
                try:
                    row = await asyncio.wait_for(queue.get(), left)
                except TimeoutError:
                    break
                if row.id > sent:  # not already replayed
                    yield _event(row)
        # The token has expired: the stream ends, and the client comes back with a fresh one
        # and Last-Event-ID (what a deactivated person cannot do).

    return EventSourceResponse(events(), ping=KEEPALIVE_SECONDS)
