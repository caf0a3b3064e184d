"""On-the-spot penalties."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.auth import Principal
from services.enforcement.domain import OnTheSpotPenalty, Party
from services.enforcement.domain.history import fields_and_documents as stored
from services.enforcement.repositories.rows import columns
from services.enforcement.repositories.scope import in_section, sees_every_section
from services.enforcement.tables import on_the_spot_penalties


def _penalty(row: Any) -> OnTheSpotPenalty:
    values = dict(row._mapping)
    del values["credit_code"]  # the party's, kept beside it to be found by
    return OnTheSpotPenalty(**values | {"party": Party(**values["party"])})


class PenaltyRepository:
    """On-the-spot penalties on a unit of work's connection."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def add(self, penalty: OnTheSpotPenalty) -> None:
        """Store a new penalty."""
        table = on_the_spot_penalties
        await self.connection.execute(sa.insert(table).values(columns(table, stored(penalty))))

    async def seen_by(self, principal: Principal, *, limit: int) -> list[OnTheSpotPenalty]:
        """An inspector's own; a section's, for its officers; all, for auditors and admins.
        Newest first."""
        table = on_the_spot_penalties
        statement = sa.select(table).order_by(table.c.decided_at.desc()).limit(limit)
        if principal.has_any("enforcement_officer") or sees_every_section(principal):
            statement = statement.where(in_section(principal, table.c.section))
        else:
            statement = statement.where(table.c.decided_by == principal.subject)
        return [_penalty(row) for row in await self.connection.execute(statement)]
