"""On-the-spot penalties."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.auth import Principal
from chassis.errors import NotFound
from chassis.sealing import SealedIdNumber
from services.enforcement.domain import OnTheSpotPenalty
from services.enforcement.repositories.documents import revived, row
from services.enforcement.repositories.scope import in_section, sees_every_section
from services.enforcement.tables import on_the_spot_penalties


class PenaltyRepository:
    """On-the-spot penalties on a unit of work's connection."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def add(self, penalty: OnTheSpotPenalty, id_number: SealedIdNumber | None) -> None:
        """Store a new penalty (its party's ID number masked) with the number sealed."""
        # The party's credit code is kept beside its document, to be found by.
        values = row(
            on_the_spot_penalties,
            penalty,
            credit_code=penalty.credit_code,
            sealed_party_id_number=None if id_number is None else id_number.sealed,
            party_id_number_hash=None if id_number is None else id_number.hash,
        )
        await self.connection.execute(sa.insert(on_the_spot_penalties).values(values))

    async def sealed_id_number(
        self, principal: Principal, penalty_id: uuid.UUID
    ) -> tuple[OnTheSpotPenalty, str | None]:
        """A penalty of the caller's section and its party's sealed ID number (None for an
        organisation); NotFound outside the section."""
        table = on_the_spot_penalties
        found = (
            await self.connection.execute(
                sa.select(table).where(
                    table.c.id == penalty_id, in_section(principal, table.c.section)
                )
            )
        ).first()
        if found is None:
            raise NotFound("on-the-spot penalty")
        return revived(OnTheSpotPenalty, table, found), found.sealed_party_id_number

    async def seen_by(self, principal: Principal, *, limit: int) -> list[OnTheSpotPenalty]:
        """An inspector's own; a section's, for its officers; all, for auditors and admins.
        Newest first."""
        table = on_the_spot_penalties
        statement = sa.select(table).order_by(table.c.decided_at.desc()).limit(limit)
        if principal.has_any("enforcement_officer") or sees_every_section(principal):
            statement = statement.where(in_section(principal, table.c.section))
        else:
            statement = statement.where(table.c.decided_by == principal.subject)
        rows = await self.connection.execute(statement)
        return [revived(OnTheSpotPenalty, table, found) for found in rows]

    async def locked_of_office(
        self, principal: Principal, penalty_id: uuid.UUID
    ) -> OnTheSpotPenalty:
        """A penalty the inspector imposed, or one of their office (its head), locked;
        NotFound otherwise."""
        table = on_the_spot_penalties
        mine = (
            table.c.office_id == principal.office
            if principal.has_any("office_head")
            else table.c.decided_by == principal.subject
        )
        found = (
            await self.connection.execute(
                sa.select(table).where(table.c.id == penalty_id, mine).with_for_update()
            )
        ).first()
        if found is None:
            raise NotFound("on-the-spot penalty")
        return revived(OnTheSpotPenalty, table, found)

    async def record_handover(self, penalty: OnTheSpotPenalty) -> None:
        """The day the cash reached the bank, and its receipt."""
        table = on_the_spot_penalties
        await self.connection.execute(
            sa.update(table)
            .where(table.c.id == penalty.id)
            .values(handed_over_on=penalty.handed_over_on, cash_receipt=penalty.cash_receipt)
        )
