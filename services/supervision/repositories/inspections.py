"""Inspection records, their visits and attachments, as stored."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.copying import made_from
from chassis.db import dialect_of
from chassis.rows import values_for
from services.supervision.domain import Attachment, Citation, Inspection
from services.supervision.tables import (
    attachments,
    case_transfers,
    inspection_visits,
    inspections,
)


@dataclass
class Inspections:
    """Inspection records and attachments on one connection."""

    connection: AsyncConnection

    async def latest(self, inspection_id: uuid.UUID, *, lock: bool = False) -> Inspection | None:
        """The latest version of a record (locked for the transaction if asked)."""
        statement = (
            sa.select(inspections)
            .where(inspections.c.id == inspection_id)
            .order_by(inspections.c.version.desc())
            .limit(1)
        )
        if lock:
            statement = statement.with_for_update()
        row = (await self.connection.execute(statement)).first()
        return made_from(Inspection, row) if row is not None else None

    async def record(self, inspection_id: uuid.UUID) -> Inspection | None:
        """The latest version with every version (newest first), if the record exists."""
        rows = await self.connection.execute(
            sa.select(inspections)
            .where(inspections.c.id == inspection_id)
            .order_by(inspections.c.version.desc())
        )
        versions = [made_from(Inspection, row) for row in rows]
        return replace(versions[0], versions=versions) if versions else None

    async def add(self, inspection: Inspection) -> None:
        """Store a version and the visits it records."""
        await self.connection.execute(
            sa.insert(inspections).values(values_for(inspections, inspection))
        )
        key = {"inspection_id": inspection.id, "version": inspection.version}
        if inspection.households:
            await self.connection.execute(
                sa.insert(inspection_visits),
                [key | {"credit_code": code} for code in inspection.households],
            )

    async def visits_of(self, credit_code: str) -> list[Inspection]:
        """The records whose latest version visited the household."""
        rows = await self.connection.execute(
            sa.select(inspections)
            .join(
                inspection_visits,
                sa.and_(
                    inspection_visits.c.inspection_id == inspections.c.id,
                    inspection_visits.c.version == inspections.c.version,
                ),
            )
            .where(inspection_visits.c.credit_code == credit_code)
        )
        return [made_from(Inspection, row) for row in rows]

    async def attachment(self, sha256: str) -> Attachment | None:
        """An attachment's record, if stored."""
        row = (
            await self.connection.execute(
                sa.select(attachments).where(attachments.c.sha256 == sha256)
            )
        ).first()
        return made_from(Attachment, row) if row is not None else None

    async def add_attachment(self, attachment: Attachment) -> None:
        """Store an attachment's record (the same content stored again adds nothing)."""
        insert = dialect_of(self.connection).insert(attachments)
        await self.connection.execute(
            insert.values(values_for(attachments, attachment)).on_conflict_do_nothing()
        )

    async def missing(self, refs: Iterable[str]) -> list[str]:
        """The `sha256:` references among `refs` that are not stored attachments."""
        refs = list(refs)
        hashes = [ref.removeprefix("sha256:") for ref in refs]
        known = set(
            await self.connection.scalars(
                sa.select(attachments.c.sha256).where(attachments.c.sha256.in_(hashes))
            )
        )
        return [ref for ref, sha in zip(refs, hashes, strict=True) if sha not in known]

    async def citing(self, ref: str) -> list[Citation]:
        """Every record version and case transfer that cites `ref` (a `sha256:` reference)."""
        # The references are JSON lists; their text holds `ref` only when one of them is it.
        records = sa.select(inspections.c.inspector, inspections.c.office_id).where(
            sa.cast(inspections.c.attachments, sa.Text).contains(f'"{ref}"', autoescape=True)
        )
        transfers = sa.select(case_transfers.c.transferred_by, case_transfers.c.office_id).where(
            sa.cast(case_transfers.c.evidence, sa.Text).contains(f'"{ref}"', autoescape=True)
        )
        found = [*await self.connection.execute(records), *await self.connection.execute(transfers)]
        return [Citation(supervisor, office_id) for supervisor, office_id in found]
