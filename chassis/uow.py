"""The unit of work: one transaction per request or message, with the events it emits."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Annotated, Any
from uuid import UUID, uuid4

import sqlalchemy as sa
from fastapi import Depends, Request
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from chassis import observability
from chassis.db import Database, event_sequences, outbox
from contracts import Contract, Envelope


@dataclass
class _Pending:
    event: Contract
    subject: str
    sequence: int | None
    event_id: UUID = field(default_factory=uuid4)
    correlation_id: UUID | None = None
    causation_id: UUID | None = None
    traceparent: str | None = None


class UnitOfWork:
    """A database session and the events it will publish; rolls back unless told to commit."""

    def __init__(
        self,
        database: Database,
        service: str,
        *,
        after_commit: Callable[[], None] | None = None,
    ) -> None:
        self.database = database
        self.service = service
        self._after_commit = after_commit
        self._pending: list[_Pending] = []
        self._deferred = False
        self.commit_requested = False
        self._events_written = False
        self.committed = False
        self._session: AsyncSession | None = None

    @property
    def session(self) -> AsyncSession:
        """The session of this unit of work (only inside `async with`)."""
        if self._session is None:
            raise RuntimeError("UnitOfWork used outside `async with`")
        return self._session

    async def __aenter__(self) -> UnitOfWork:
        self._session = self.database.session()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if not self.committed:
                await self.session.rollback()
        finally:
            await self.session.close()
            self._session = None

    def emit(
        self, event: Contract, *, subject: str | None = None, sequence: int | None = None
    ) -> UUID:
        """Publish `event` if and when this unit of work commits; return its event id.

        The event is written to the outbox in this transaction; nothing talks to the broker.
        The subject defaults to the contract's subject field; without `sequence`, the next
        number of the subject's sequence is taken at commit.
        """
        pending = _Pending(
            event=event,
            subject=subject if subject is not None else event.subject(),
            sequence=sequence,
            correlation_id=observability.correlation_id.get(),
            # Emitted while handling an event: that event caused this one.
            causation_id=observability.event_id.get(),
            traceparent=observability.traceparent.get(),
        )
        self._pending.append(pending)
        return pending.event_id

    async def _next_sequence(self, subject: str) -> int:
        dialect = postgresql if self.database.dialect == "postgresql" else sqlite
        statement = (
            dialect.insert(event_sequences)
            .values(subject=subject, last_sequence=1)
            .on_conflict_do_update(
                index_elements=[event_sequences.c.subject],
                set_={"last_sequence": event_sequences.c.last_sequence + 1},
            )
            .returning(event_sequences.c.last_sequence)
        )
        return int((await self.session.execute(statement)).scalar_one())

    async def _write_outbox(self) -> None:
        now = datetime.now(UTC)
        rows: list[dict[str, Any]] = []
        for pending in self._pending:
            sequence = pending.sequence
            if sequence is None:
                sequence = await self._next_sequence(pending.subject)
            envelope = Envelope.wrap(
                pending.event,
                source=f"/services/{self.service}",
                subject=pending.subject,
                sequence=sequence,
                id=pending.event_id,
                correlationid=pending.correlation_id,
                causationid=pending.causation_id,
                traceparent=pending.traceparent,
                time=now,
            )
            rows.append(
                {
                    "id": envelope.id,
                    "routing_key": envelope.routing_key,
                    "subject": pending.subject,
                    "sequence": sequence,
                    "envelope": envelope.to_json(),
                    "created_at": now,
                }
            )
        self._pending.clear()
        if rows:
            await self.session.execute(sa.insert(outbox), rows)
            self._events_written = True

    async def flush(self) -> None:
        """Send pending changes and outbox rows to the database without committing."""
        await self._write_outbox()
        await self.session.flush()

    async def commit(self) -> None:
        """Commit the state changes and the emitted events together."""
        if self._deferred:
            # Someone above (e.g. the idempotency helper) adds to this transaction, then commits.
            await self.flush()
            self.commit_requested = True
            return
        await self._write_outbox()
        await self.session.commit()
        self.committed = True
        # Wake the relay only when there is something for it to publish.
        if self._events_written and self._after_commit is not None:
            self._after_commit()

    async def rollback(self) -> None:
        """Forget the state changes and the emitted events."""
        self._pending.clear()
        await self.session.rollback()

    @asynccontextmanager
    async def deferred_commit(self) -> AsyncIterator[None]:
        """Within the block, `commit()` only flushes; the caller commits after adding its rows."""
        self._deferred = True
        try:
            yield
        finally:
            self._deferred = False


def unit_of_work_factory(request: Request) -> UnitOfWork:
    """A new UnitOfWork bound to the app's database (the app factory stores it in app.state)."""
    state = request.app.state
    return UnitOfWork(state.database, state.settings.service, after_commit=state.outbox_written.set)


async def _unit_of_work(request: Request) -> AsyncIterator[UnitOfWork]:
    async with unit_of_work_factory(request) as uow:
        yield uow


UnitOfWorkDep = Annotated[UnitOfWork, Depends(_unit_of_work)]
