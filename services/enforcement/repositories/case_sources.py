"""Case sources, the bureau's offices and which office supervises each business."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.auth import Principal
from chassis.db import dialect_of, upsert
from chassis.errors import NotFound
from chassis.paging import page_of, resume_after
from services.enforcement.domain import Case, CaseSource, CaseSourceStatus, Step
from services.enforcement.repositories.cases import CaseRepository
from services.enforcement.repositories.documents import revived, row
from services.enforcement.repositories.scope import in_section
from services.enforcement.tables import business_offices, case_sources, offices


@dataclass(frozen=True)
class CaseSourceFilter:
    """Which case sources to list: of a status, a department, unrouted, whose allegation or
    credit code holds `text`, due within a span of days; a page after `cursor`."""

    status: str | None = None
    department: str | None = None
    unrouted: bool = False
    text: str | None = None
    due_from: date | None = None
    due_until: date | None = None
    cursor: str | None = None
    limit: int = 100


class CaseSourceRepository:
    """Case sources as the caller may see them (their section's, or all for auditors)."""

    def __init__(self, connection: AsyncConnection, principal: Principal | None = None) -> None:
        self.connection = connection
        self.principal = principal

    def _scoped(self) -> sa.Select[Any]:
        statement = sa.select(case_sources)
        if self.principal is not None:
            statement = statement.where(in_section(self.principal, case_sources.c.section))
        return statement

    async def get(self, source_id: uuid.UUID) -> CaseSource:
        """One case source in scope; NotFound otherwise."""
        return await self._one(self._scoped().where(case_sources.c.id == source_id))

    async def locked(self, source_id: uuid.UUID) -> CaseSource:
        """One case source in scope, locked for a step."""
        statement = self._scoped().where(case_sources.c.id == source_id).with_for_update()
        return await self._one(statement)

    async def _one(self, statement: sa.Select[Any]) -> CaseSource:
        found = (await self.connection.execute(statement)).first()
        if found is None:
            raise NotFound("case source")
        return revived(CaseSource, case_sources, found)

    async def listed(self, query: CaseSourceFilter) -> tuple[list[CaseSource], str | None]:
        """A page in scope, the soonest verification deadline first (ties by id), and the next
        page's cursor."""
        statement = self._scoped()
        for column, wanted in (
            (case_sources.c.status, query.status),
            (case_sources.c.source_department, query.department),
        ):
            if wanted is not None:
                statement = statement.where(column == wanted)
        if query.unrouted:
            statement = statement.where(case_sources.c.section.is_(None))
        if query.text is not None:
            statement = statement.where(
                sa.or_(
                    case_sources.c.allegation.icontains(query.text, autoescape=True),
                    case_sources.c.credit_code.icontains(query.text, autoescape=True),
                )
            )
        if query.due_from is not None:
            statement = statement.where(case_sources.c.verify_due >= query.due_from)
        if query.due_until is not None:
            statement = statement.where(case_sources.c.verify_due <= query.due_until)
        if query.cursor is not None:
            due, source_id = resume_after(query.cursor, date, uuid.UUID)
            statement = statement.where(
                sa.tuple_(case_sources.c.verify_due, case_sources.c.id) > sa.tuple_(due, source_id)
            )
        statement = statement.order_by(case_sources.c.verify_due, case_sources.c.id)
        found = list(await self.connection.execute(statement.limit(query.limit + 1)))
        page, following = page_of(found, query.limit, lambda row: (row.verify_due, row.id))
        return [revived(CaseSource, case_sources, row) for row in page], following

    async def route_waiting(self, office_id: str, section: str) -> int:
        """Route to `section` the undecided case sources of an office that no section took
        (they came before the office was known); how many."""
        routed = await self.connection.execute(
            sa.update(case_sources)
            .where(
                case_sources.c.office_id == office_id,
                case_sources.c.section.is_(None),
                case_sources.c.status == CaseSourceStatus.RECEIVED,
            )
            .values(section=section)
        )
        return routed.rowcount

    async def add(self, source: CaseSource) -> bool:
        """Store a new case source once; whether it is new (a repeated id changes nothing)."""
        inserted = await self.connection.execute(
            dialect_of(self.connection)
            .insert(case_sources)
            .values(row(case_sources, source))
            .on_conflict_do_nothing()
            .returning(case_sources.c.id)
        )
        return inserted.first() is not None

    async def save(self, source: CaseSource, step: Step) -> None:
        """What a step changed, and the case it filed."""
        await self.connection.execute(
            sa.update(case_sources)
            .where(case_sources.c.id == source.id)
            .values(row(case_sources, source))
        )
        for added in step.added:
            if isinstance(added, Case):
                await CaseRepository(self.connection).add(added)


class Offices:
    """The bureau's offices and their areas, and which office supervises which business."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def keep(self, office_id: str, name: str, area: int, sequence: int) -> None:
        """Keep an office as the map's event `sequence` says, unless a later one is kept."""
        values = {"id": office_id, "name": name, "area": area, "sequence": sequence}
        await upsert(self.connection, offices, values, ["id"], where=offices.c.sequence < sequence)

    async def awaited(self) -> list[tuple[str, int]]:
        """The known offices (id, area) that undecided case sources wait on, unrouted."""
        rows = await self.connection.execute(
            sa.select(offices.c.id, offices.c.area)
            .join(case_sources, case_sources.c.office_id == offices.c.id)
            .where(
                case_sources.c.section.is_(None),
                case_sources.c.status == CaseSourceStatus.RECEIVED,
            )
            .distinct()
        )
        return [(found.id, found.area) for found in rows]

    async def exists(self, office_id: str) -> bool:
        """Whether the bureau has this office."""
        found = await self.connection.scalar(
            sa.select(offices.c.id).where(offices.c.id == office_id)
        )
        return found is not None

    async def area_of(self, office_id: str | None) -> int | None:
        """The office's area; None when the office is unknown."""
        if office_id is None:
            return None
        area: int | None = await self.connection.scalar(
            sa.select(offices.c.area).where(offices.c.id == office_id)
        )
        return area

    async def of_business(self, credit_code: str) -> str | None:
        """The office that supervises the business, as supervision last said."""
        office: str | None = await self.connection.scalar(
            sa.select(business_offices.c.office_id).where(
                business_offices.c.credit_code == credit_code
            )
        )
        return office

    async def assign_business(self, credit_code: str, office_id: str, at: datetime) -> None:
        """Remember which office supervises a business (the latest assignment wins)."""
        statement = (
            dialect_of(self.connection)
            .insert(business_offices)
            .values(credit_code=credit_code, office_id=office_id, updated_at=at)
        )
        await self.connection.execute(
            statement.on_conflict_do_update(
                index_elements=[business_offices.c.credit_code],
                set_={"office_id": office_id, "updated_at": at},
                where=business_offices.c.updated_at <= at,
            )
        )
