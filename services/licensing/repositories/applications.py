"""Applications and their recorded steps."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.copying import made_from
from chassis.errors import NotFound
from chassis.rows import values_for
from services.licensing.domain.applications import Application, Step
from services.licensing.domain.places import Place
from services.licensing.domain.rules import Status
from services.licensing.tables import application_steps, applications


def application_of(row: Mapping[str, Any]) -> Application:
    """An application from its row's mapping."""
    address, status = Place.from_json(row["address"]), Status(row["status"])
    return made_from(Application, row, address=address, status=status)


@dataclass
class Applications:
    """The applications of the district."""

    connection: AsyncConnection

    async def get(self, application_id: uuid.UUID, *, lock: bool = False) -> Application:
        """An application; NotFound if absent. `lock` holds it for this transaction."""
        statement = sa.select(applications).where(applications.c.id == application_id)
        if lock:
            statement = statement.with_for_update()
        row = (await self.connection.execute(statement)).first()
        if row is None:
            raise NotFound("application")
        return application_of(row._asdict())

    async def by_client_ref(self, client_ref: str) -> Application | None:
        """The application the van uploaded under its own id, if any."""
        row = (
            await self.connection.execute(
                sa.select(applications).where(applications.c.client_ref == client_ref)
            )
        ).first()
        return None if row is None else application_of(row._asdict())

    async def exists(self, application_id: uuid.UUID) -> bool:
        """Whether an application has this id."""
        found = await self.connection.scalar(
            sa.select(applications.c.id).where(applications.c.id == application_id)
        )
        return found is not None

    async def listed(self, *, status: str | None, limit: int) -> list[Application]:
        """Applications, oldest first, of one status if asked."""
        statement = sa.select(applications).order_by(applications.c.submitted_at).limit(limit)
        if status is not None:
            statement = statement.where(applications.c.status == status)
        return [application_of(row._asdict()) for row in await self.connection.execute(statement)]

    async def steps(self, application_id: uuid.UUID) -> list[Step]:
        """The recorded steps of an application, in order."""
        rows = await self.connection.execute(
            sa.select(application_steps)
            .where(application_steps.c.application_id == application_id)
            .order_by(application_steps.c.id)
        )
        return [made_from(Step, row) for row in rows]

    async def add(self, application: Application) -> None:
        """Store a new application and its first step."""
        await self.connection.execute(sa.insert(applications).values(_row(application)))
        await self._record(application.id, application.new_steps)
        application.new_steps.clear()

    async def save(self, application: Application) -> None:
        """Store what the application's steps changed, and the steps."""
        await self.connection.execute(
            sa.update(applications)
            .where(applications.c.id == application.id)
            .values(_row(application))
        )
        await self._record(application.id, application.new_steps)
        application.new_steps.clear()

    async def _record(self, application_id: uuid.UUID, steps: Sequence[Step]) -> None:
        for step in steps:
            values = values_for(application_steps, step, application_id=application_id)
            await self.connection.execute(sa.insert(application_steps).values(values))


def _row(application: Application) -> dict[str, object]:
    return values_for(applications, application, address=application.address.to_json())
