"""Applications' running deadlines, and which missed ones were raised."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.db import dialect_of
from services.licensing.domain.applications import DEADLINE_RUNS, RunningDeadline
from services.licensing.tables import applications, deadlines_missed


class Deadlines:
    """Applications' deadlines on a unit of work's connection."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def missed(self, day: date, limit: int) -> list[RunningDeadline]:
        """Up to `limit` running deadlines missed before `day` and not raised yet, the earliest
        due first: each round takes the next ones, however many were raised."""
        raised = sa.and_(
            deadlines_missed.c.application_id == applications.c.id,
            deadlines_missed.c.rule_code == applications.c.deadline_rule,
            deadlines_missed.c.due == applications.c.deadline,
        )
        rows = await self.connection.execute(
            sa.select(
                applications.c.id.label("application_id"),
                applications.c.deadline_rule.label("rule_code"),
                applications.c.deadline.label("due"),
                applications.c.channel,
                applications.c.office_code,
            )
            .outerjoin(deadlines_missed, raised)
            .where(
                applications.c.status.in_(DEADLINE_RUNS),
                applications.c.deadline_rule.is_not(None),
                applications.c.deadline < day,
                deadlines_missed.c.application_id.is_(None),
            )
            .order_by(applications.c.deadline, applications.c.id)
            .limit(limit)
        )
        return [RunningDeadline(*row) for row in rows]

    async def raise_once(self, deadline: RunningDeadline, at: datetime) -> bool:
        """Mark a missed deadline raised; False if another process did first."""
        inserted = await self.connection.execute(
            dialect_of(self.connection)
            .insert(deadlines_missed)
            .values(
                application_id=deadline.application_id,
                rule_code=deadline.rule_code,
                due=deadline.due,
                raised_at=at,
            )
            .on_conflict_do_nothing()
            .returning(deadlines_missed.c.application_id)
        )
        return inserted.first() is not None
