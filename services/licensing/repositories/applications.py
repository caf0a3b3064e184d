"""Applications and their recorded steps."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.errors import NotFound
from services.licensing.domain.applications import Application, Step
from services.licensing.domain.places import Place
from services.licensing.domain.rules import Status
from services.licensing.repositories import row_of
from services.licensing.tables import application_steps, applications

# The columns a step may change (the rest is fixed when the application is handed in).
_MOVING = (
    "status",
    "materials",
    "credit_code",
    "accepted_at",
    "updated_at",
    "deadline",
    "deadline_rule",
    "deadline_start",
    "deadline_extensions",
)

# A step's columns but its number (the database gives it).
_STEP = [column.name for column in application_steps.c if column.name != "id"]


def application_of(mapping: Any) -> Application:
    """An application from its row (a row's mapping, or a joined row's by column)."""
    values = {column.name: mapping[column] for column in applications.c}
    values["address"] = Place.from_json(values["address"])
    values["status"] = Status(values["status"])
    return Application(**values)


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
        return application_of(row._mapping)

    async def by_client_ref(self, client_ref: str) -> Application | None:
        """The application the van uploaded under its own id, if any."""
        row = (
            await self.connection.execute(
                sa.select(applications).where(applications.c.client_ref == client_ref)
            )
        ).first()
        return None if row is None else application_of(row._mapping)

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
        return [application_of(row._mapping) for row in await self.connection.execute(statement)]

    async def steps(self, application_id: uuid.UUID) -> list[Step]:
        """The recorded steps of an application, in order."""
        rows = await self.connection.execute(
            sa.select(application_steps)
            .where(application_steps.c.application_id == application_id)
            .order_by(application_steps.c.id)
        )
        return [
            Step(row.step, row.from_status, row.to_status, row.actor, row.at, row.detail)
            for row in rows
        ]

    async def add(self, application: Application) -> None:
        """Store a new application and its first step."""
        await self.connection.execute(
            sa.insert(applications).values(row_of(applications, application))
        )
        await self._record(application.id, application.new_steps)
        application.new_steps.clear()

    async def save(self, application: Application) -> None:
        """Store what the application's steps changed, and the steps."""
        await self.connection.execute(
            sa.update(applications)
            .where(applications.c.id == application.id)
            .values(row_of(applications, application, only=_MOVING))
        )
        await self._record(application.id, application.new_steps)
        application.new_steps.clear()

    async def _record(self, application_id: uuid.UUID, steps: Sequence[Step]) -> None:
        for step in steps:
            values = row_of(application_steps, step, only=_STEP, application_id=application_id)
            await self.connection.execute(sa.insert(application_steps).values(values))
