"""Cases with their records, history, stopped time, extensions and publication."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.auth import Principal
from chassis.copying import made_from
from chassis.db import holds
from chassis.errors import NotFound
from chassis.legalclock import Deadline
from chassis.paging import page_of, resume_after
from services.enforcement.domain import (
    Case,
    CaseStatus,
    Extension,
    HistoryEntry,
    InvestigationRecord,
    Publication,
    Step,
    Stop,
    Withdrawal,
)
from services.enforcement.domain.history import document
from services.enforcement.repositories.documents import revived, row
from services.enforcement.repositories.scope import in_section
from services.enforcement.tables import (
    case_extensions,
    case_history,
    case_sources,
    case_stops,
    cases,
    investigation_records,
    publicity,
)

T = TypeVar("T")

# Where each thing a step adds is kept.
_TABLE_OF: dict[type, sa.Table] = {
    InvestigationRecord: investigation_records,
    Stop: case_stops,
    Extension: case_extensions,
    Publication: publicity,
}


@dataclass(frozen=True)
class ListedCase:
    """What a list of cases shows of each: the case without its parts, and what its source
    alleged."""

    id: uuid.UUID
    case_source_id: uuid.UUID
    credit_code: str | None
    allegation: str
    source_department: str
    section: str
    status: CaseStatus
    handlers: tuple[str, ...]
    filed_by: str
    filed_at: datetime
    decision_due: date
    decision_deadline: Deadline
    decided_at: datetime | None
    decided_on_time: bool | None
    payment_due: date | None
    paid_on: date | None
    closed_at: datetime | None


@dataclass(frozen=True)
class CaseFilter:
    """Which cases to list: of a status, handled by someone, filed from a case source; a page
    after `cursor`."""

    status: CaseStatus | None = None
    handler: str | None = None
    case_source_id: uuid.UUID | None = None
    cursor: str | None = None
    limit: int = 50


class CaseRepository:
    """Cases as the caller may see them (their section's, or all for auditors and admins)."""

    def __init__(self, connection: AsyncConnection, principal: Principal | None = None) -> None:
        self.connection = connection
        self.principal = principal

    async def get(self, case_id: uuid.UUID) -> Case:
        """A case in scope with all its parts; NotFound otherwise."""
        return await self._load(case_id, lock=False)

    async def locked(self, case_id: uuid.UUID) -> Case:
        """A case in scope, locked for a step."""
        return await self._load(case_id, lock=True)

    async def _load(self, case_id: uuid.UUID, *, lock: bool) -> Case:
        statement = sa.select(cases, case_sources.c.source_department).join(
            case_sources, case_sources.c.id == cases.c.case_source_id
        )
        statement = statement.where(cases.c.id == case_id)
        if self.principal is not None:
            statement = statement.where(in_section(self.principal, cases.c.section))
        if lock:
            statement = statement.with_for_update(of=cases)
        found = (await self.connection.execute(statement)).first()
        if found is None:
            raise NotFound("case")
        return revived(
            Case,
            cases,
            found,
            status=CaseStatus(found.status),
            records=await self._of_case(
                InvestigationRecord, case_id, investigation_records.c.recorded_at
            ),
            history=await self._history(found.case_source_id),
            stops=await self._of_case(Stop, case_id),
            extensions=await self._of_case(Extension, case_id, case_extensions.c.number),
            publication=next(iter(await self._of_case(Publication, case_id)), None),
        )

    async def listed(self, query: CaseFilter) -> tuple[list[ListedCase], str | None]:
        """A page of the cases in scope, the newest filed first (ties by id), and the next
        page's cursor."""
        statement = sa.select(
            cases, case_sources.c.allegation, case_sources.c.source_department
        ).join(case_sources, case_sources.c.id == cases.c.case_source_id)
        if self.principal is not None:
            statement = statement.where(in_section(self.principal, cases.c.section))
        if query.status is not None:
            statement = statement.where(cases.c.status == query.status)
        if query.case_source_id is not None:
            statement = statement.where(cases.c.case_source_id == query.case_source_id)
        if query.handler is not None:
            statement = statement.where(self._handled_by(query.handler))
        if query.cursor is not None:
            filed_at, case_id = resume_after(query.cursor, datetime, uuid.UUID)
            statement = statement.where(
                sa.tuple_(cases.c.filed_at, cases.c.id) < sa.tuple_(filed_at, case_id)
            )
        statement = statement.order_by(cases.c.filed_at.desc(), cases.c.id.desc())
        found = list(await self.connection.execute(statement.limit(query.limit + 1)))
        page, following = page_of(found, query.limit, lambda row: (row.filed_at, row.id))
        listed = [revived(ListedCase, cases, row, status=CaseStatus(row.status)) for row in page]
        return listed, following

    def _handled_by(self, handler: str) -> sa.ColumnElement[bool]:
        """Cases whose handlers (a JSON list) name `handler`."""
        return holds(cases.c.handlers, handler, self.connection.dialect.name)

    async def _of_case(self, cls: type[T], case_id: uuid.UUID, *order: sa.Column[Any]) -> list[T]:
        """The case's records, stops, extensions or publication, in `order`."""
        table = _TABLE_OF[cls]
        statement = sa.select(table).where(table.c.case_id == case_id).order_by(*order)
        return [revived(cls, table, found) for found in await self.connection.execute(statement)]

    async def _history(self, case_source_id: uuid.UUID) -> list[HistoryEntry]:
        rows = await self.connection.execute(
            sa.select(case_history)
            .where(case_history.c.case_source_id == case_source_id)
            .order_by(case_history.c.id)
        )
        return [made_from(HistoryEntry, r) for r in rows]

    async def add(self, case: Case) -> None:
        """Store a newly filed case."""
        await self.connection.execute(sa.insert(cases).values(row(cases, case)))

    async def save(self, case: Case, step: Step) -> None:
        """What a step changed and what it added."""
        await self.connection.execute(
            sa.update(cases).where(cases.c.id == case.id).values(row(cases, case))
        )
        for added in step.added:
            await self._add(case, added)

    async def _add(self, case: Case, added: object) -> None:
        if isinstance(added, Withdrawal) and case.publication is not None:
            await self.connection.execute(
                sa.update(publicity)
                .where(publicity.c.case_id == case.id)
                .values(withdrawal=document(added), withdrawn_at=case.publication.withdrawn_at)
            )
            return
        table = _TABLE_OF[type(added)]
        await self.connection.execute(sa.insert(table).values(row(table, added)))

    async def published(self, *, limit: int) -> list[Publication]:
        """The publicity feed, newest first."""
        rows = await self.connection.execute(
            sa.select(publicity)
            .where(publicity.c.withdrawn_at.is_(None))
            .order_by(publicity.c.published_at.desc())
            .limit(limit)
        )
        return [revived(Publication, publicity, found) for found in rows]


async def record_history(connection: AsyncConnection, step: Step) -> None:
    """A step in its case source's history."""
    values = row(case_history, step.entry, case_source_id=step.case_source_id)
    await connection.execute(sa.insert(case_history).values(values))
