"""Case sources the window transferred to enforcement, and what came of each."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.case_transfers import Outcome
from chassis.copying import made_from
from chassis.errors import NotFound
from chassis.rows import values_for
from services.licensing.domain.licences import CaseTransfer
from services.licensing.tables import case_transfers


def _transfer_of(row: sa.Row[Any]) -> CaseTransfer:
    return made_from(CaseTransfer, row, outcome=_outcome_of(row))


def _outcome_of(row: sa.Row[Any]) -> Outcome:
    if row.outcome is None:
        return Outcome.transferred(row.transferred_at)
    return Outcome.from_document(row.outcome)


@dataclass
class CaseTransfers:
    """The transfers on one connection."""

    connection: AsyncConnection

    async def add(self, transfer: CaseTransfer) -> None:
        """Keep a transferred case source for the licensing file."""
        values = values_for(case_transfers, transfer, outcome=transfer.outcome.document())
        await self.connection.execute(sa.insert(case_transfers).values(values))

    async def get(self, case_source_id: uuid.UUID) -> CaseTransfer:
        """One transfer; NotFound if the window made none of this id."""
        row = (
            await self.connection.execute(
                sa.select(case_transfers).where(case_transfers.c.case_source_id == case_source_id)
            )
        ).first()
        if row is None:
            raise NotFound("case transfer")
        return _transfer_of(row)

    async def listed(self, credit_code: str | None, limit: int) -> list[CaseTransfer]:
        """The latest transfers first, of one business if given."""
        statement = sa.select(case_transfers)
        if credit_code is not None:
            statement = statement.where(case_transfers.c.credit_code == credit_code)
        statement = statement.order_by(
            case_transfers.c.transferred_at.desc(), case_transfers.c.case_source_id
        ).limit(limit)
        return [_transfer_of(row) for row in await self.connection.execute(statement)]

    async def outcome_locked(
        self, case_source_id: uuid.UUID | None, case_id: uuid.UUID | None
    ) -> tuple[uuid.UUID, Outcome] | None:
        """The transfer of this case source (or of the case filed from it) and its outcome,
        locked to fold news in; None when the window transferred no such case source."""
        if case_source_id is not None:
            wanted = case_transfers.c.case_source_id == case_source_id
        elif case_id is not None:
            wanted = case_transfers.c.case_id == case_id
        else:
            return None
        statement = sa.select(case_transfers).where(wanted).with_for_update()
        row = (await self.connection.execute(statement)).first()
        return None if row is None else (row.case_source_id, _outcome_of(row))

    async def keep_outcome(self, case_source_id: uuid.UUID, outcome: Outcome) -> None:
        """Store what came of the transfer now, and the case it was filed as."""
        await self.connection.execute(
            sa.update(case_transfers)
            .where(case_transfers.c.case_source_id == case_source_id)
            .values(outcome=outcome.document(), case_id=outcome.case_id)
        )
