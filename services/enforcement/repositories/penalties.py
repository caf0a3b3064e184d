"""On-the-spot penalties."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.auth import Principal
from services.enforcement.domain import OnTheSpotPenalty, Party
from services.enforcement.repositories.scope import in_section, sees_every_section
from services.enforcement.tables import on_the_spot_penalties


def _penalty(row: Any) -> OnTheSpotPenalty:
    party = row.party
    return OnTheSpotPenalty(
        id=row.id,
        party=Party(
            kind=party["kind"],
            name=party["name"],
            id_number=party.get("id_number"),
            credit_code=party.get("credit_code"),
        ),
        penalty_kind=row.penalty_kind,
        amount=row.amount,
        collected_on_spot=row.collected_on_spot,
        facts=row.facts,
        legal_basis=row.legal_basis,
        office_id=row.office_id,
        section=row.section,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
    )


class PenaltyRepository:
    """On-the-spot penalties on a unit of work's connection."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def add(self, penalty: OnTheSpotPenalty) -> None:
        """Store a new penalty."""
        values = vars(penalty) | {
            "party": penalty.party.as_json(),
            "credit_code": penalty.credit_code,
        }
        await self.connection.execute(sa.insert(on_the_spot_penalties).values(values))

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
