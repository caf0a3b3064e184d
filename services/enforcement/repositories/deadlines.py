"""The deadlines the watch keeps, where each is stored, and which of them were raised."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.auth import Principal
from chassis.db import dialect_of
from contracts.enforcement import EnforcementDeadline
from services.enforcement.domain import CaseSourceStatus, CaseStatus
from services.enforcement.repositories.scope import in_section
from services.enforcement.tables import (
    case_sources,
    cases,
    deadlines_missed,
    on_the_spot_penalties,
)


@dataclass(frozen=True)
class Watched:
    """One kind of deadline: its legal-clock rule, the table and column of its due day, and
    what keeps it open (once that no longer holds, it is met)."""

    kind: EnforcementDeadline
    rule_code: str
    table: sa.Table
    due: sa.Column[Any]
    still_open: sa.ColumnElement[bool]


WATCHED: tuple[Watched, ...] = (
    Watched(
        "verify",
        "enforcement.verify",
        case_sources,
        case_sources.c.verify_due,
        case_sources.c.status == CaseSourceStatus.RECEIVED,
    ),
    Watched(
        "decide",
        "enforcement.decide",
        cases,
        cases.c.decision_due,
        cases.c.status.in_((CaseStatus.FILED, CaseStatus.INVESTIGATING)),
    ),
    Watched(
        "serve",
        "enforcement.serve",
        cases,
        cases.c.service_due,
        sa.and_(cases.c.status == CaseStatus.DECIDED, cases.c.served_on.is_(None)),
    ),
    Watched("pay", "enforcement.payment", cases, cases.c.payment_due, cases.c.paid_on.is_(None)),
    Watched(
        "return_visit",
        "enforcement.return_visit",
        cases,
        cases.c.return_visit_due,
        cases.c.status == CaseStatus.DECIDED,
    ),
    Watched(
        "cash_handover",
        "enforcement.cash_handover",
        on_the_spot_penalties,
        on_the_spot_penalties.c.cash_handover_due,
        on_the_spot_penalties.c.handed_over_on.is_(None),
    ),
)


@dataclass(frozen=True)
class OpenDeadline:
    """A deadline still open: whose, which, and its due day."""

    watched: Watched
    subject_id: uuid.UUID
    due: date
    section: str | None
    credit_code: str | None


def _open_before(watched: Watched, day: date) -> sa.Select[Any]:
    table = watched.table
    return sa.select(table.c.id, watched.due, table.c.section, table.c.credit_code).where(
        watched.still_open, watched.due < day
    )


def _opened(watched: Watched, rows: Any) -> list[OpenDeadline]:
    return [OpenDeadline(watched, *row) for row in rows]


class Deadlines:
    """The watched deadlines on a unit of work's connection."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def missed(self, watched: Watched, day: date, limit: int) -> list[OpenDeadline]:
        """Up to `limit` of a kind's deadlines missed before `day` and not raised yet, the
        earliest due first: each round takes the next ones, however many were raised."""
        raised = sa.and_(
            deadlines_missed.c.subject_id == watched.table.c.id,
            deadlines_missed.c.deadline == watched.kind,
            deadlines_missed.c.due == watched.due,
        )
        rows = await self.connection.execute(
            _open_before(watched, day)
            .outerjoin(deadlines_missed, raised)
            .where(deadlines_missed.c.subject_id.is_(None))
            .order_by(watched.due, watched.table.c.id)
            .limit(limit)
        )
        return _opened(watched, rows)

    async def raise_once(self, deadline: OpenDeadline, at: datetime) -> bool:
        """Mark a missed deadline raised; False if another process did first."""
        inserted = await self.connection.execute(
            dialect_of(self.connection)
            .insert(deadlines_missed)
            .values(
                subject_id=deadline.subject_id,
                deadline=deadline.watched.kind,
                due=deadline.due,
                raised_at=at,
            )
            .on_conflict_do_nothing()
            .returning(deadlines_missed.c.subject_id)
        )
        return inserted.first() is not None

    async def open_before(self, day: date, principal: Principal) -> list[OpenDeadline]:
        """Every kind's open deadlines due before `day`, of the caller's section."""
        found = []
        for watched in WATCHED:
            mine = _open_before(watched, day).where(in_section(principal, watched.table.c.section))
            found += _opened(watched, await self.connection.execute(mine))
        return found
