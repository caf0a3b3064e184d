"""Unlicensed-trading findings and case transfers, as stored."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.case_transfers import Outcome
from chassis.copying import made_from
from chassis.rows import values_for
from services.supervision.domain import CaseTransfer, UnlicensedFinding, Viewer
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
        values = values_for(case_transfers, transfer, outcome=transfer.outcome.document())
        await self.connection.execute(sa.insert(case_transfers).values(values))

    async def transfer(self, case_source_id: uuid.UUID) -> CaseTransfer | None:
        """A transferred case source, if it exists."""
        statement = sa.select(case_transfers).where(
            case_transfers.c.case_source_id == case_source_id
        )
        row = (await self.connection.execute(statement)).first()
        return None if row is None else _transfer_of(row)

    async def transfers(
        self, viewer: Viewer, credit_code: str | None, limit: int
    ) -> list[CaseTransfer]:
        """The transfers in the viewer's scope (as `may_see` draws it: an office head's office's,
        an inspector's own and those of whom they act for), the latest first, of one business
        if given."""
        statement = sa.select(case_transfers)
        if not viewer.sees_everything:
            scope: list[sa.ColumnElement[bool]] = [sa.false()]
            if "office_head" in viewer.roles and viewer.office is not None:
                scope.append(case_transfers.c.office_id == viewer.office)
            if "grid_inspector" in viewer.roles:
                scope.append(case_transfers.c.transferred_by.in_(viewer.acts_for))
            statement = statement.where(sa.or_(*scope))
        if credit_code is not None:
            statement = statement.where(case_transfers.c.credit_code == credit_code)
        statement = statement.order_by(
            case_transfers.c.transferred_at.desc(), case_transfers.c.case_source_id
        ).limit(limit)
        return [_transfer_of(row) for row in await self.connection.execute(statement)]

    async def outcome_locked(
        self, case_source_id: uuid.UUID | None, case_id: uuid.UUID | None
    ) -> CaseTransfer | None:
        """The transfer of this case source (or of the case filed from it), locked to fold
        news in; None when the offices transferred no such case source."""
        if case_source_id is not None:
            wanted = case_transfers.c.case_source_id == case_source_id
        elif case_id is not None:
            wanted = case_transfers.c.case_id == case_id
        else:
            return None
        statement = sa.select(case_transfers).where(wanted).with_for_update()
        row = (await self.connection.execute(statement)).first()
        return None if row is None else _transfer_of(row)

    async def keep_outcome(self, case_source_id: uuid.UUID, outcome: Outcome) -> None:
        """Store what came of the transfer now, and the case it was filed as."""
        await self.connection.execute(
            sa.update(case_transfers)
            .where(case_transfers.c.case_source_id == case_source_id)
            .values(outcome=outcome.document(), case_id=outcome.case_id)
        )


def _transfer_of(row: sa.Row[Any]) -> CaseTransfer:
    outcome = (
        Outcome.transferred(row.transferred_at)
        if row.outcome is None
        else Outcome.from_document(row.outcome)
    )
    return made_from(CaseTransfer, row, outcome=outcome)
