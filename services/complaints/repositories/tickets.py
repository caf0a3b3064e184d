"""Tickets with their history and clocks, as the caller may see them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.auth import Principal
from chassis.copying import made_from
from chassis.errors import Forbidden, NotFound
from chassis.paging import page_of, resume_after
from chassis.rows import values_for
from services.complaints.domain.clocks import LegalDeadline
from services.complaints.domain.routing import Unit
from services.complaints.domain.submissions import Business
from services.complaints.domain.tickets import Entry, Ticket
from services.complaints.repositories.scope import in_scope
from services.complaints.tables import submissions, ticket_history, tickets


def _deadline_of(stored: dict[str, Any]) -> LegalDeadline:
    met_on = stored.get("met_on")
    return LegalDeadline(
        rule=stored["rule"],
        start=date.fromisoformat(stored["start"]),
        due=date.fromisoformat(stored["due"]),
        basis=stored["basis"],
        met_on=None if met_on is None else date.fromisoformat(met_on),
    )


def _stored_deadline(deadline: LegalDeadline) -> dict[str, Any]:
    return {
        key: value.isoformat() if isinstance(value, date) else value
        for key, value in asdict(deadline).items()
    }


def _row(ticket: Ticket, **given: Any) -> dict[str, Any]:
    return values_for(
        tickets,
        ticket,
        id=uuid.UUID(ticket.id),
        unit_level=ticket.unit.level,
        unit_id=ticket.unit.id,
        credit_code=ticket.business.credit_code,
        business_name=ticket.business.name,
        linked=list(ticket.linked),
        deadlines=[_stored_deadline(d) for d in ticket.deadlines],
        missed_raised=list(ticket.missed_raised),
        next_due=ticket.next_due,
        merged_into=None if ticket.merged_into is None else uuid.UUID(ticket.merged_into),
        **given,
    )


@dataclass(frozen=True)
class StoredTicket:
    """A ticket and what is kept beside it: its submission and its report's case source."""

    ticket: Ticket
    submission_id: uuid.UUID
    case_source_id: uuid.UUID | None


@dataclass(frozen=True)
class TicketFilter:
    """Which tickets to list: of a unit, a status, a kind; a page after `cursor`."""

    unit: Unit | None = None
    status: str | None = None
    kind: str | None = None
    credit_code: str | None = None
    cursor: str | None = None
    limit: int = 50


class TicketRepository:
    """Tickets in the caller's scope (all of them for the service itself: no principal)."""

    def __init__(self, connection: AsyncConnection, principal: Principal | None = None) -> None:
        self.connection = connection
        self.principal = principal

    def _scoped(self, statement: Any) -> Any:
        return statement if self.principal is None else statement.where(in_scope(self.principal))

    async def get(self, ticket_id: uuid.UUID) -> StoredTicket:
        """A ticket in scope with its history; NotFound otherwise (outside scope too)."""
        found = await self._load(ticket_id, lock=False, scoped=True)
        if found is None:
            raise NotFound("ticket")
        return found

    async def for_action(self, ticket_id: uuid.UUID) -> StoredTicket:
        """A ticket locked for a step: NotFound if there is none, Forbidden outside scope."""
        found = await self._load(ticket_id, lock=True, scoped=False)
        if found is None:
            raise NotFound("ticket")
        if (
            self.principal is not None
            and await self._load(ticket_id, lock=False, scoped=True, with_history=False) is None
        ):
            raise Forbidden("the ticket is not your unit's")
        return found

    async def locked(self, ticket_id: uuid.UUID) -> StoredTicket | None:
        """A ticket locked for the service's own step (from an event); None if unknown."""
        return await self._load(ticket_id, lock=True, scoped=False)

    async def _load(
        self, ticket_id: uuid.UUID, *, lock: bool, scoped: bool, with_history: bool = True
    ) -> StoredTicket | None:
        statement = sa.select(tickets).where(tickets.c.id == ticket_id)
        if scoped:
            statement = self._scoped(statement)
        if lock:
            statement = statement.with_for_update()
        found = (await self.connection.execute(statement)).first()
        if found is None:
            return None
        history = await self._history([ticket_id]) if with_history else {}
        return self._revived(found, history.get(ticket_id, []))

    async def _history(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Entry]]:
        rows = await self.connection.execute(
            sa.select(ticket_history)
            .where(ticket_history.c.ticket_id.in_(ids))
            .order_by(ticket_history.c.id)
        )
        entries: dict[uuid.UUID, list[Entry]] = {}
        for found in rows:
            details = tuple(sorted(found.details.items()))
            entries.setdefault(found.ticket_id, []).append(made_from(Entry, found, details=details))
        return entries

    @staticmethod
    def _revived(found: Any, history: list[Entry]) -> StoredTicket:
        ticket = made_from(
            Ticket,
            found,
            id=str(found.id),
            unit=Unit(found.unit_level, found.unit_id),
            linked=tuple(found.linked),
            business=Business(found.credit_code, found.business_name),
            merged_into=None if found.merged_into is None else str(found.merged_into),
            deadlines=[_deadline_of(d) for d in found.deadlines],
            missed_raised=tuple(found.missed_raised),
            history=history,
        )
        return StoredTicket(ticket, found.submission_id, found.case_source_id)

    async def add(self, ticket: Ticket, submission_id: uuid.UUID) -> None:
        """Store a new ticket and its first history."""
        await self.connection.execute(
            sa.insert(tickets).values(
                _row(ticket, submission_id=submission_id, case_source_id=None)
            )
        )
        await self._add_history(ticket, ticket.history)

    async def save(self, ticket: Ticket, added: Sequence[Entry], **given: Any) -> None:
        """What a step changed, and the history entries it added."""
        await self.connection.execute(
            sa.update(tickets)
            .where(tickets.c.id == uuid.UUID(ticket.id))
            .values(_row(ticket, **given))
        )
        await self._add_history(ticket, added)

    async def _add_history(self, ticket: Ticket, entries: Sequence[Entry]) -> None:
        if entries:
            await self.connection.execute(
                sa.insert(ticket_history),
                [
                    values_for(
                        ticket_history, e, ticket_id=uuid.UUID(ticket.id), details=dict(e.details)
                    )
                    for e in entries
                ],
            )

    async def listed(self, query: TicketFilter) -> tuple[list[Ticket], str | None]:
        """A page of tickets in scope, newest received first, and the next page's cursor."""
        statement = self._scoped(sa.select(tickets))
        if query.unit is not None:
            statement = statement.where(
                tickets.c.unit_level == query.unit.level, tickets.c.unit_id == query.unit.id
            )
        for column, wanted in (
            (tickets.c.status, query.status),
            (tickets.c.kind, query.kind),
            (tickets.c.credit_code, query.credit_code),
        ):
            if wanted is not None:
                statement = statement.where(column == wanted)
        if query.cursor is not None:
            at, ticket_id = resume_after(query.cursor, datetime, uuid.UUID)
            statement = statement.where(
                sa.tuple_(tickets.c.received_at, tickets.c.id) < sa.tuple_(at, ticket_id)
            )
        statement = statement.order_by(tickets.c.received_at.desc(), tickets.c.id.desc())
        found = list(await self.connection.execute(statement.limit(query.limit + 1)))
        page, following = page_of(found, query.limit, lambda row: (row.received_at, row.id))
        history = await self._history([row.id for row in page])
        return [self._revived(row, history.get(row.id, [])).ticket for row in page], following

    async def duplicates_of(self, ticket: Ticket, since: datetime) -> list[Ticket]:
        """Tickets about the same business and of the same kind received since `since`, not
        merged: proposed to a handler, never merged by themselves."""
        if ticket.business.credit_code is None:
            return []
        statement = self._scoped(sa.select(tickets)).where(
            tickets.c.credit_code == ticket.business.credit_code,
            tickets.c.kind == ticket.kind,
            tickets.c.id != uuid.UUID(ticket.id),
            tickets.c.status != "merged",
            tickets.c.received_at >= since,
        )
        rows = await self.connection.execute(statement.order_by(tickets.c.received_at))
        return [self._revived(found, []).ticket for found in rows]

    async def of_case_source(self, case_source_id: uuid.UUID) -> StoredTicket | None:
        """The report transferred as this case source, locked; None if not ours."""
        found = (
            await self.connection.execute(
                sa.select(tickets.c.id).where(tickets.c.case_source_id == case_source_id)
            )
        ).first()
        return None if found is None else await self.locked(found.id)

    async def past_due(self, today: date, limit: int) -> list[StoredTicket]:
        """Tickets with a running deadline due before `today`, locked (others skip them)."""
        statement = (
            sa.select(tickets)
            .where(tickets.c.next_due < today)
            .order_by(tickets.c.next_due)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        found = list(await self.connection.execute(statement))
        history = await self._history([row.id for row in found])
        return [self._revived(row, history.get(row.id, [])) for row in found]

    async def open311(
        self,
        *,
        ids: Sequence[uuid.UUID],
        kind: str | None,
        since: datetime | None,
        until: datetime | None,
        closed: bool | None,
        closed_statuses: frozenset[str],
        limit: int,
    ) -> list[tuple[Ticket, Any]]:
        """Tickets received on the open311 channel with their submissions, newest first."""
        statement = (
            sa.select(tickets, submissions.c.description, submissions.c.location)
            .join(submissions, submissions.c.id == tickets.c.submission_id)
            .where(submissions.c.channel == "open311")
        )
        if ids:
            statement = statement.where(tickets.c.id.in_(ids))
        if kind is not None:
            statement = statement.where(tickets.c.kind == kind)
        if since is not None:
            statement = statement.where(tickets.c.received_at >= since)
        if until is not None:
            statement = statement.where(tickets.c.received_at <= until)
        if closed is not None:
            in_closed = tickets.c.status.in_(closed_statuses)
            statement = statement.where(in_closed if closed else sa.not_(in_closed))
        statement = statement.order_by(tickets.c.received_at.desc()).limit(limit)
        found = list(await self.connection.execute(statement))
        history = await self._history([row.id for row in found])
        return [(self._revived(row, history.get(row.id, [])).ticket, row) for row in found]
