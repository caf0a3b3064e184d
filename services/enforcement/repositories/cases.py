"""Cases with their records, history, stopped time, extensions and publication."""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.auth import Principal
from chassis.copying import made_from
from chassis.errors import NotFound
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
