"""Case sources (案源): received from every department once, routed to the section of their
office's area, read within one's section."""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.auth import Principal
from chassis.db import dialect_of
from chassis.legalclock.deadlines import SHANGHAI
from chassis.problems import invalid_field, not_found
from chassis.uow import UnitOfWork, Work
from services.enforcement import domain
from services.enforcement.domain import CaseSourceStatus
from services.enforcement.tables import business_offices, case_sources, offices


def sees_every_section(principal: Principal) -> bool:
    """Auditors and admins read every section's work."""
    return principal.has_any("auditor", "admin")


@dataclass(frozen=True)
class Transfer:
    """A case source as a department hands it over."""

    id: uuid.UUID
    source_department: str
    credit_code: str | None
    allegation: str
    evidence: tuple[str, ...]
    office_id: str | None  # the transferring or reporting office, when it says
    transferred_by: str
    transferred_at: datetime
    source_ref: str | None = None
    # Where it goes when no office says: the section of the officer who took it in by hand.
    fallback_section: str | None = None


async def load_offices(connection: AsyncConnection, district_file: Path) -> int:
    """Keep the offices of the shared seed (new ones added, areas brought up to date)."""
    text = await asyncio.to_thread(district_file.read_text, encoding="utf-8")
    district = json.loads(text)
    rows = [{"id": o["id"], "name": o["name"], "area": o["area"]} for o in district["offices"]]
    if rows:
        statement = dialect_of(connection).insert(offices).values(rows)
        await connection.execute(
            statement.on_conflict_do_update(
                index_elements=[offices.c.id],
                set_={"name": statement.excluded.name, "area": statement.excluded.area},
            )
        )
    return len(rows)


async def note_business_office(
    connection: AsyncConnection, credit_code: str, office_id: str, at: datetime
) -> None:
    """Remember which office supervises a business (the latest assignment wins)."""
    statement = (
        dialect_of(connection)
        .insert(business_offices)
        .values(credit_code=credit_code, office_id=office_id, updated_at=at)
    )
    await connection.execute(
        statement.on_conflict_do_update(
            index_elements=[business_offices.c.credit_code],
            set_={"office_id": office_id, "updated_at": at},
            where=business_offices.c.updated_at <= at,
        )
    )


async def receive(work: Work, transfer: Transfer) -> bool:
    """Record a case source once, routed to its section with its verification deadline;
    whether it is new (a repeated transfer of the same id changes nothing)."""
    connection = work.connection
    office_id = transfer.office_id
    if office_id is None and transfer.credit_code is not None:
        office_id = await connection.scalar(
            sa.select(business_offices.c.office_id).where(
                business_offices.c.credit_code == transfer.credit_code
            )
        )
    area = (
        None
        if office_id is None
        else await connection.scalar(sa.select(offices.c.area).where(offices.c.id == office_id))
    )
    now = datetime.now(UTC)
    deadline = domain.verify_deadline(now.astimezone(SHANGHAI).date())
    inserted = await connection.execute(
        dialect_of(connection)
        .insert(case_sources)
        .values(
            id=transfer.id,
            source_department=transfer.source_department,
            source_ref=transfer.source_ref,
            credit_code=transfer.credit_code,
            allegation=transfer.allegation,
            evidence=list(transfer.evidence),
            office_id=office_id,
            section=domain.section_for(area) or transfer.fallback_section,
            status=CaseSourceStatus.RECEIVED,
            received_at=now,
            verify_deadline=deadline.model_dump(mode="json"),
            verify_due=deadline.due,
            transferred_by=transfer.transferred_by,
            transferred_at=transfer.transferred_at,
        )
        .on_conflict_do_nothing()
        .returning(case_sources.c.id)
    )
    return inserted.first() is not None


async def receive_by_hand(
    uow: UnitOfWork, principal: Principal, body: dict[str, Any]
) -> dict[str, Any]:
    """A functional department with no service here (trademark, advertising, market) hands a
    case source to the sub-bureau's desk."""
    transfer = Transfer(
        id=uuid.uuid4(),
        source_department=body["source_department"],
        credit_code=body.get("credit_code"),
        allegation=body["allegation"],
        evidence=tuple(body.get("evidence", ())),
        office_id=body.get("office_id"),
        transferred_by=principal.subject,
        transferred_at=datetime.now(UTC),
        fallback_section=principal.office if principal.has_any("enforcement_officer") else None,
    )
    if transfer.office_id is not None and not await uow.connection.scalar(
        sa.select(offices.c.id).where(offices.c.id == transfer.office_id)
    ):
        raise invalid_field("office_id", "no such office", "unknown")
    await receive(uow.work, transfer)
    await uow.commit()
    return await case_source(uow.connection, principal, transfer.id)


def in_section(principal: Principal, section: sa.ColumnElement[Any]) -> sa.ColumnElement[bool]:
    """Rows of the caller's section (their token's office), or every row for auditors and
    admins: the one scope rule of the sub-bureau's work."""
    if sees_every_section(principal):
        return sa.true()
    return section == principal.office


async def case_source(
    connection: AsyncConnection, principal: Principal, case_source_id: uuid.UUID
) -> dict[str, Any]:
    """One case source, if it is the caller's section's (404 otherwise)."""
    row = (
        await connection.execute(
            sa.select(case_sources).where(
                case_sources.c.id == case_source_id, in_section(principal, case_sources.c.section)
            )
        )
    ).first()
    if row is None:
        raise not_found("case source")
    return row._asdict()


async def list_case_sources(
    connection: AsyncConnection,
    principal: Principal,
    *,
    status: str | None,
    unrouted: bool,
    limit: int,
) -> list[dict[str, Any]]:
    """The caller's section's case sources (those waiting to be routed, for auditors and
    admins), the soonest verification deadline first."""
    statement = (
        sa.select(case_sources)
        .where(in_section(principal, case_sources.c.section))
        .order_by(case_sources.c.verify_due, case_sources.c.received_at)
        .limit(limit)
    )
    if status is not None:
        statement = statement.where(case_sources.c.status == status)
    if unrouted:
        statement = statement.where(case_sources.c.section.is_(None))
    return [row._asdict() for row in await connection.execute(statement)]
