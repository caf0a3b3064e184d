"""Inspection records, their visits and attachments, as stored."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.db import dialect_of
from services.supervision.domain import Attachment, Inspection
from services.supervision.tables import attachments, inspection_visits, inspections

_COLUMNS = [column.name for column in inspections.columns]


def inspection_of(row: Any) -> Inspection:
    """A stored version of an inspection record."""
    return Inspection(**{name: getattr(row, name) for name in _COLUMNS})


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
        return inspection_of(row) if row is not None else None

    async def record(self, inspection_id: uuid.UUID) -> Inspection | None:
        """The latest version with every version (newest first), if the record exists."""
        rows = await self.connection.execute(
            sa.select(inspections)
            .where(inspections.c.id == inspection_id)
            .order_by(inspections.c.version.desc())
        )
        versions = [inspection_of(row) for row in rows]
        return replace(versions[0], versions=versions) if versions else None

    async def add(self, inspection: Inspection) -> None:
        """Store a version and the visits it records."""
        values = {name: getattr(inspection, name) for name in _COLUMNS}
        await self.connection.execute(sa.insert(inspections).values(values))
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
        return [inspection_of(row) for row in rows]

    async def attachment(self, sha256: str) -> Attachment | None:
        """An attachment's record, if stored."""
        row = (
            await self.connection.execute(
                sa.select(attachments).where(attachments.c.sha256 == sha256)
            )
        ).first()
        if row is None:
            return None
        return Attachment(row.sha256, row.media_type, row.size, row.stored_by, row.stored_at)

    async def add_attachment(self, attachment: Attachment) -> None:
        """Store an attachment's record (the same content stored again adds nothing)."""
        values = {
            "sha256": attachment.sha256,
            "media_type": attachment.media_type,
            "size": attachment.size,
            "stored_by": attachment.stored_by,
            "stored_at": attachment.stored_at,
        }
        await self.connection.execute(
            dialect_of(self.connection).insert(attachments).values(values).on_conflict_do_nothing()
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
