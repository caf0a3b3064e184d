"""The mobile van's visit list."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.copying import made_from
from chassis.rows import values_for
from services.licensing.domain.mobile import Visit
from services.licensing.domain.places import Place
from services.licensing.tables import mobile_visits


@dataclass
class Visits:
    """Places where inspectors found unlicensed trading."""

    connection: AsyncConnection

    async def add(self, visit: Visit) -> None:
        """List a place; the same finding published again (a re-sent event) is listed already."""
        dialect = postgresql if self.connection.dialect.name == "postgresql" else sqlite
        await self.connection.execute(
            dialect.insert(mobile_visits)
            .on_conflict_do_nothing(index_elements=[mobile_visits.c.finding_id])
            .values(values_for(mobile_visits, visit, address=visit.address.to_json()))
        )

    async def mark_applied(self, finding_id: uuid.UUID, application_id: uuid.UUID) -> None:
        """The van came and an application names the finding."""
        await self.connection.execute(
            sa.update(mobile_visits)
            .where(mobile_visits.c.finding_id == finding_id)
            .values(status="applied", application_id=application_id)
        )

    async def listed(
        self,
        *,
        communities: list[str] | None,
        street_code: str | None,
        status: str | None,
        limit: int,
    ) -> list[Visit]:
        """The visit list, oldest finding first, in some communities or one street if asked."""
        statement = sa.select(mobile_visits).order_by(mobile_visits.c.found_at).limit(limit)
        if communities is not None:
            statement = statement.where(mobile_visits.c.community_code.in_(communities))
        if street_code is not None:
            statement = statement.where(mobile_visits.c.street_code == street_code)
        if status is not None:
            statement = statement.where(mobile_visits.c.status == status)
        return [
            made_from(Visit, row, address=Place.from_json(row.address))
            for row in await self.connection.execute(statement)
        ]
