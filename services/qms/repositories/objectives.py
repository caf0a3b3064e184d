"""Quality objectives as stored: each event's observations, and the breaches found."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.db import dialect_of
from services.qms.domain.objectives import Figure, Observation, Totals
from services.qms.tables import objective_breaches, objective_observations


class Observations:
    """What the events added to the objectives, summed by objective and month."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def add(self, event_id: uuid.UUID, observations: Sequence[Observation]) -> None:
        """Store one event's observations; a second telling of the event adds nothing."""
        if not observations:
            return
        rows = [
            {
                "event_id": event_id,
                "objective": seen.objective,
                "period": seen.period,
                "office": seen.office,
                "numerator": seen.numerator,
                "denominator": seen.denominator,
            }
            for seen in observations
        ]
        await self.connection.execute(
            dialect_of(self.connection)
            .insert(objective_observations)
            .values(rows)
            .on_conflict_do_nothing(
                index_elements=[
                    objective_observations.c.event_id,
                    objective_observations.c.objective,
                ]
            )
        )

    async def totals(self, periods: Sequence[str], office: str | None = None) -> Totals:
        """(numerator, denominator) by objective and month over `periods` (one office's)."""
        table = objective_observations
        statement = (
            sa.select(
                table.c.objective,
                table.c.period,
                sa.func.sum(table.c.numerator),
                sa.func.sum(table.c.denominator),
            )
            .where(table.c.period.in_(periods))
            .group_by(table.c.objective, table.c.period)
        )
        if office is not None:
            statement = statement.where(table.c.office == office)
        rows = await self.connection.execute(statement)
        return {(row[0], row[1]): (int(row[2]), int(row[3])) for row in rows}


class Breaches:
    """The objectives found below target once their month ended: each once."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def claim(self, breached: Figure, event_id: uuid.UUID, at: datetime) -> bool:
        """Record the breach, told by event `event_id`; False if another evaluator (a replica
        at the same moment) recorded it first: then it is not told again."""
        assert breached.value is not None  # a month with nothing measured is never breached
        inserted = await self.connection.execute(
            dialect_of(self.connection)
            .insert(objective_breaches)
            .values(
                objective=breached.code,
                period=breached.period,
                value=breached.value,
                target=breached.target,
                event_id=event_id,
                measured_at=at,
            )
            .on_conflict_do_nothing()
            .returning(objective_breaches.c.event_id)
        )
        return inserted.first() is not None
