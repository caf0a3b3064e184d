"""Delegations as stored, and the viewer they make of a caller."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.auth import Principal
from chassis.copying import made_from
from chassis.rows import values_for
from services.supervision.domain import Delegation, Viewer, represented
from services.supervision.tables import delegations


@dataclass
class Delegations:
    """Delegations on one connection."""

    connection: AsyncConnection

    async def running(self, day: date) -> list[Delegation]:
        """The delegations that run on `day`."""
        rows = await self.connection.execute(
            sa.select(delegations).where(delegations.c.start <= day, delegations.c.end >= day)
        )
        return [made_from(Delegation, row) for row in rows]

    async def add(self, delegation: Delegation) -> None:
        """Store a new delegation."""
        await self.connection.execute(
            sa.insert(delegations).values(values_for(delegations, delegation))
        )

    async def known_to(self, subject: str, *, everyone: bool, on: date | None) -> list[Delegation]:
        """The delegations `subject` is part of (all of them if `everyone`), latest first."""
        statement = sa.select(delegations).order_by(
            delegations.c.start.desc(), delegations.c.officer
        )
        if not everyone:
            statement = statement.where(
                sa.or_(delegations.c.officer == subject, delegations.c.agent == subject)
            )
        if on is not None:
            statement = statement.where(delegations.c.start <= on, delegations.c.end >= on)
        return [made_from(Delegation, row) for row in await self.connection.execute(statement)]

    async def viewer(self, principal: Principal, today: date) -> Viewer:
        """The caller with the officers they act for today."""
        running = await self.running(today)
        return Viewer(
            subject=principal.subject,
            roles=principal.roles,
            office=principal.office,
            acts_for=represented(principal.subject, running, today),
        )
