"""The unit of work: one transaction per request or message, with the events it emits."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Annotated, Any
from uuid import UUID, uuid4

import sqlalchemy as sa
from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis import observability
from chassis.db import Database, event_sequences, for_each_dialect, outbox
from contracts import Contract, Envelope


def _reserve_sequences_statement(dialect: Any) -> Any:
    # Built once per dialect: statement construction costs more than its execution.
    statement = dialect.insert(event_sequences).values(
        subject=sa.bindparam("subject"), last_sequence=sa.bindparam("count")
    )
    return statement.on_conflict_do_update(
        index_elements=[event_sequences.c.subject],
        set_={"last_sequence": event_sequences.c.last_sequence + statement.excluded.last_sequence},
    ).returning(event_sequences.c.subject, event_sequences.c.last_sequence)


_RESERVE_SEQUENCES = for_each_dialect(_reserve_sequences_statement)


@dataclass
class _Pending:
    event: Contract
    subject: str
    sequence: int | None
    event_id: UUID
    correlation_id: UUID | None = None
    causation_id: UUID | None = None
    traceparent: str | None = None


class Work:
    """What a handler or a use case may do inside a transaction: read, write, emit events.

    It cannot commit: a handler's work is committed by the consumer with the rest of its batch,
    an HTTP use case's by the UnitOfWork that holds this Work. It holds a SQLAlchemy Core
    connection, not an ORM session: the session's bookkeeping costs more than the statements
    on the bus' hot path (docs/architecture.md).
    """

    def __init__(self, database: Database, service: str) -> None:
        self.database = database
        self.service = service
        self._pending: list[_Pending] = []
        self._committed: list[Callable[[], None]] = []
        self._connection: AsyncConnection | None = None
        self.events_written = False

    @property
    def connection(self) -> AsyncConnection:
        """The connection of this unit of work, inside its transaction (only in `async with`)."""
        if self._connection is None:
            raise RuntimeError("UnitOfWork used outside `async with`")
        return self._connection

    def emit(
        self,
        event: Contract,
        *,
        subject: str | None = None,
        sequence: int | None = None,
        event_id: UUID | None = None,
    ) -> UUID:
        """Publish `event` if and when this unit of work commits; return its event id.

        The event is written to the outbox in this transaction; nothing talks to the broker.
        The subject defaults to the contract's subject field; without `sequence`, the next
        number of the subject's sequence is taken at commit. `event_id` is for a caller that
        wrote a row naming the event before emitting it (a new one is drawn otherwise).
        """
        pending = _Pending(
            event=event,
            subject=subject if subject is not None else event.subject(),
            sequence=sequence,
            event_id=event_id or uuid4(),
            correlation_id=observability.correlation_id.get(),
            # Emitted while handling an event: that event caused this one.
            causation_id=observability.event_id.get(),
            traceparent=observability.traceparent.get(),
        )
        self._pending.append(pending)
        return pending.event_id

    def on_commit(self, hook: Callable[[], None]) -> None:
        """Run `hook` once this unit of work has committed, never if it rolls back (a metric
        counted only for what really happened). It must not fail: the commit is done."""
        self._committed.append(hook)

    def _run_committed(self) -> None:
        hooks, self._committed = self._committed, []
        for hook in hooks:
            hook()

    async def _reserve_sequences(self) -> dict[str, int]:
        """Take the next numbers of the subjects' sequences for the pending events, in one go.

        Returns, per subject, the first number taken; the subject's events get consecutive
        numbers from it in the order they were emitted.
        """
        counts = Counter(p.subject for p in self._pending if p.sequence is None)
        if not counts:
            return {}
        result = await self.connection.execute(
            _RESERVE_SEQUENCES[self.database.dialect],
            [{"subject": subject, "count": count} for subject, count in counts.items()],
        )
        return {subject: last - counts[subject] + 1 for subject, last in result.all()}

    async def flush(self) -> None:
        """Write the emitted events' outbox rows in this transaction, without committing."""
        now = datetime.now(UTC)
        rows: list[dict[str, Any]] = []
        next_sequence = await self._reserve_sequences()
        for pending in self._pending:
            sequence = pending.sequence
            if sequence is None:
                sequence = next_sequence[pending.subject]
                next_sequence[pending.subject] += 1
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
            await self.connection.execute(sa.insert(outbox), rows)
            self.events_written = True

    def _forget(self) -> None:
        self._pending.clear()
        self._committed.clear()


class UnitOfWork:
    """A transaction and the events it will publish; rolls back unless told to commit.

    Whoever opens it owns the commit: the consumer for a batch of deliveries (handlers get
    only its `work`), an HTTP use case for its request, a watcher for its round.
    """

    def __init__(
        self,
        database: Database,
        service: str,
        *,
        after_commit: Callable[[], None] | None = None,
    ) -> None:
        self.work = Work(database, service)
        self._after_commit = after_commit
        self.committed = False

    @property
    def database(self) -> Database:
        """The service's database."""
        return self.work.database

    @property
    def connection(self) -> AsyncConnection:
        """The connection of this unit of work, inside its transaction (only in `async with`)."""
        return self.work.connection

    def emit(
        self,
        event: Contract,
        *,
        subject: str | None = None,
        sequence: int | None = None,
        event_id: UUID | None = None,
    ) -> UUID:
        """Publish `event` if and when this unit of work commits (see `Work.emit`)."""
        return self.work.emit(event, subject=subject, sequence=sequence, event_id=event_id)

    async def flush(self) -> None:
        """Write the emitted events' outbox rows without committing."""
        await self.work.flush()

    async def __aenter__(self) -> UnitOfWork:
        # The transaction begins with the first statement.
        self.work._connection = await self.work.database.engine.connect()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if not self.committed:
                await self.connection.rollback()
        finally:
            await self.connection.close()
            self.work._connection = None

    async def commit(self) -> None:
        """Commit the state changes and the emitted events together."""
        await self.work.flush()
        await self.connection.commit()
        self.committed = True
        self.work._run_committed()
        # Wake the relay only when there is something for it to publish.
        if self.work.events_written and self._after_commit is not None:
            self._after_commit()

    async def rollback(self) -> None:
        """Forget the state changes and the emitted events."""
        self.work._forget()
        await self.connection.rollback()


def unit_of_work_factory(request: Request) -> UnitOfWork:
    """A new UnitOfWork bound to the app's database (the app factory stores it in app.state)."""
    state = request.app.state
    return UnitOfWork(state.database, state.settings.service, after_commit=state.outbox_written.set)


async def _unit_of_work(request: Request) -> AsyncIterator[UnitOfWork]:
    async with unit_of_work_factory(request) as uow:
        yield uow


UnitOfWorkDep = Annotated[UnitOfWork, Depends(_unit_of_work)]
