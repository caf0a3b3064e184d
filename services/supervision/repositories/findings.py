"""Unlicensed-trading findings and case transfers, as stored."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.copying import made_from
from chassis.rows import values_for
from services.supervision.domain import CaseTransfer, UnlicensedFinding
from services.supervision.tables import case_transfers, unlicensed_findings


@dataclass
class Findings:
    """Findings and case transfers on one connection."""

    connection: AsyncConnection

    async def get(self, finding_id: uuid.UUID) -> UnlicensedFinding | None:
        """A finding, if it exists."""
        row = (
            await self.connection.execute(
                sa.select(unlicensed_findings).where(unlicensed_findings.c.id == finding_id)
            )
        ).first()
        return made_from(UnlicensedFinding, row) if row is not None else None

    async def add(self, finding: UnlicensedFinding) -> None:
        """Store a new finding."""
        values = values_for(unlicensed_findings, finding, address=dict(finding.address))
        await self.connection.execute(sa.insert(unlicensed_findings).values(values))

    async def link(self, finding_id: uuid.UUID, credit_code: str) -> None:
        """The trader registered: the finding names their licence."""
        await self.connection.execute(
            sa.update(unlicensed_findings)
            .where(unlicensed_findings.c.id == finding_id)
            .values(credit_code=credit_code)
        )

    async def add_transfer(self, transfer: CaseTransfer) -> None:
        """Store a transferred case source."""
        await self.connection.execute(
            sa.insert(case_transfers).values(values_for(case_transfers, transfer))
        )
