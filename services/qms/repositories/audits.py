"""The internal audit programme and each audit's findings."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.copying import made_from
from chassis.errors import NotFound
from chassis.rows import values_for
from services.qms.domain.audits import Audit, ChecklistItem, Finding
from services.qms.tables import audit_findings, audits


class Audits:
    """Audits and their findings (read by the quality office and auditors alike)."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def add(self, audit: Audit) -> None:
        """A new entry of the programme."""
        await self.connection.execute(
            sa.insert(audits).values(
                values_for(
                    audits,
                    audit,
                    auditors=list(audit.auditors),
                    checklist=[asdict(item) for item in audit.checklist],
                )
            )
        )

    async def get(self, audit_id: uuid.UUID, *, lock: bool = False) -> Audit:
        """An audit with its findings (locked to record one); NotFound otherwise."""
        statement = sa.select(audits).where(audits.c.id == audit_id)
        if lock:
            statement = statement.with_for_update()
        found = (await self.connection.execute(statement)).first()
        if found is None:
            raise NotFound("audit")
        return (await self._revived([found]))[0]

    async def listed(self, start: date | None, end: date | None) -> list[Audit]:
        """The programme (planned between `start` and `end`, both included), by planned day."""
        statement = sa.select(audits)
        if start is not None:
            statement = statement.where(audits.c.planned_on >= start)
        if end is not None:
            statement = statement.where(audits.c.planned_on <= end)
        statement = statement.order_by(audits.c.planned_on, audits.c.planned_at)
        return await self._revived(list(await self.connection.execute(statement)))

    async def _revived(self, rows: Sequence[Any]) -> list[Audit]:
        findings: dict[uuid.UUID, list[Finding]] = {}
        for found in await self.connection.execute(
            sa.select(audit_findings)
            .where(audit_findings.c.audit_id.in_([row.id for row in rows]))
            .order_by(audit_findings.c.number)
        ):
            findings.setdefault(found.audit_id, []).append(made_from(Finding, found))
        return [
            made_from(
                Audit,
                row,
                auditors=tuple(row.auditors),
                checklist=tuple(made_from(ChecklistItem, item) for item in row.checklist),
                findings=findings.get(row.id, []),
            )
            for row in rows
        ]

    async def add_finding(self, audit: Audit, finding: Finding) -> None:
        """A finding just recorded."""
        await self.connection.execute(
            sa.insert(audit_findings).values(values_for(audit_findings, finding, audit_id=audit.id))
        )
