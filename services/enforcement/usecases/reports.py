"""The year-end evaluation (年终考核): each office's case sources, how many were filed and
decided on time, its on-the-spot penalties, beside its linked section's figures (the office and
the section answer for them jointly)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.legalclock.deadlines import SHANGHAI
from chassis.uow import UnitOfWork
from services.enforcement import domain
from services.enforcement.domain import CaseSourceStatus
from services.enforcement.tables import case_sources, cases, offices, on_the_spot_penalties


def _year(column: Any, year: int) -> sa.ColumnElement[bool]:
    """Within the bureau's calendar year (Asia/Shanghai)."""
    start = datetime(year, 1, 1, tzinfo=SHANGHAI)
    end = datetime(year + 1, 1, 1, tzinfo=SHANGHAI)
    return sa.and_(column >= start, column < end)


@dataclass(frozen=True)
class Figures:
    """Case sources received in the year, how many were filed, how many decided on time."""

    case_sources: int = 0
    filed: int = 0
    decided_on_time: int = 0


@dataclass(frozen=True)
class SectionYear:
    """The linked section's figures for the year."""

    id: str | None
    figures: Figures


@dataclass(frozen=True)
class OfficeYear:
    """One office's year: what it sent, what came of it, its on-the-spot penalties."""

    office_id: str
    name: str
    area: int
    figures: Figures
    on_the_spot_penalties: int
    section: SectionYear


async def _source_figures(
    connection: AsyncConnection, group: Any, year: int, *, sent_only: bool
) -> dict[str, Figures]:
    """Case sources received in the year, filed, and decided within their deadline, by `group`."""
    on_time = sa.func.count(cases.c.id).filter(cases.c.decided_on_time.is_(True))
    statement = (
        sa.select(
            group,
            sa.func.count(case_sources.c.id),
            sa.func.count(case_sources.c.id).filter(
                case_sources.c.status == CaseSourceStatus.FILED
            ),
            on_time,
        )
        .select_from(case_sources.outerjoin(cases, cases.c.case_source_id == case_sources.c.id))
        .where(_year(case_sources.c.received_at, year), group.is_not(None))
        .group_by(group)
    )
    if sent_only:  # what the office itself sent: its inspectors' transfers
        statement = statement.where(case_sources.c.source_department == "supervision")
    rows = await connection.execute(statement)
    return {
        key: Figures(case_sources=sent, filed=filed, decided_on_time=decided)
        for key, sent, filed, decided in rows
    }


async def office_report(uow: UnitOfWork, year: int) -> list[OfficeYear]:
    """One line per office, its section's figures beside it."""
    connection = uow.connection
    by_office = await _source_figures(connection, case_sources.c.office_id, year, sent_only=True)
    by_section = await _source_figures(connection, case_sources.c.section, year, sent_only=False)
    counted = await connection.execute(
        sa.select(on_the_spot_penalties.c.office_id, sa.func.count())
        .where(_year(on_the_spot_penalties.c.decided_at, year))
        .group_by(on_the_spot_penalties.c.office_id)
    )
    on_the_spot: dict[str, int] = {office: count for office, count in counted}
    report = []
    for office in await connection.execute(sa.select(offices).order_by(offices.c.id)):
        section = domain.section_for(office.area)
        report.append(
            OfficeYear(
                office_id=office.id,
                name=office.name,
                area=office.area,
                figures=by_office.get(office.id, Figures()),
                on_the_spot_penalties=int(on_the_spot.get(office.id, 0)),
                section=SectionYear(section, by_section.get(section or "", Figures())),
            )
        )
    return report
