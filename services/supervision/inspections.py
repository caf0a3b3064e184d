"""Inspection records (巡查记录): who, when, route, households, findings, actions, documents.

A record never changes once submitted; a correction is a new version beside it. Attachments
are stored once by the SHA-256 of their content.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.auth import Principal
from chassis.db import dialect_of
from chassis.legalclock.deadlines import SHANGHAI, shanghai_today
from chassis.problems import Problem, invalid_field, not_found
from chassis.uow import UnitOfWork
from contracts.supervision import InspectionRecorded
from services.supervision import domain
from services.supervision.domain import HouseholdStatus
from services.supervision.settings import SupervisionSettings
from services.supervision.tables import attachments, households, inspection_visits, inspections
from services.supervision.usecases import viewer_of

CHUNK = 256 * 1024


async def check_uploaded(connection: AsyncConnection, field_name: str, refs: list[str]) -> None:
    """422 naming `field_name` unless every `sha256:` reference is a stored attachment."""
    hashes = [ref.removeprefix("sha256:") for ref in refs]
    known = set(
        await connection.scalars(
            sa.select(attachments.c.sha256).where(attachments.c.sha256.in_(hashes))
        )
    )
    missing = [ref for ref, sha in zip(refs, hashes, strict=True) if sha not in known]
    if missing:
        raise invalid_field(field_name, f"not uploaded: {', '.join(missing)}")


@dataclass
class Inspections:
    """Inspection and attachment use cases."""

    settings: SupervisionSettings

    @property
    def attachment_dir(self) -> Path:
        """Where attachment contents live, by their hash."""
        return self.settings.data_dir / "attachments"

    def path_of(self, sha256: str) -> Path:
        """The file of one attachment (two-level fan-out keeps directories small)."""
        return self.attachment_dir / sha256[:2] / sha256

    async def store_attachment(
        self, uow: UnitOfWork, principal: Principal, chunks: AsyncIterator[bytes]
    ) -> dict[str, Any]:
        """Keep an upload if it is an allowed type within the size limit; same content, same
        address (a second upload of it stores nothing new)."""
        self.attachment_dir.mkdir(parents=True, exist_ok=True)
        digest, size, head = hashlib.sha256(), 0, b""
        handle, temporary = tempfile.mkstemp(dir=self.attachment_dir, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as spool:
                async for chunk in chunks:
                    size += len(chunk)
                    if size > self.settings.attachment_max_bytes:
                        raise Problem(
                            "payload-too-large",
                            413,
                            f"file: larger than {self.settings.attachment_max_bytes} bytes",
                        )
                    if len(head) < 16:
                        head = (head + chunk)[:16]
                    digest.update(chunk)
                    spool.write(chunk)
            media_type = domain.media_type_of(head)
            if media_type is None:
                raise Problem(
                    "unsupported-media-type",
                    415,
                    "file: only JPEG, PNG and PDF documents may be attached",
                )
            sha256 = digest.hexdigest()
            target = self.path_of(sha256)
            target.parent.mkdir(exist_ok=True)
            # Written before the row: a failed commit leaves an unreferenced file, never a row
            # without its content.
            os.replace(temporary, target)
        finally:
            # Gone already when it became the attachment's file.
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
        row = {
            "sha256": sha256,
            "media_type": media_type,
            "size": size,
            "stored_by": principal.subject,
            "stored_at": datetime.now(UTC),
        }
        await uow.connection.execute(
            dialect_of(uow.connection).insert(attachments).values(row).on_conflict_do_nothing()
        )
        await uow.commit()
        return await self.attachment(uow.connection, sha256)

    async def attachment(self, connection: AsyncConnection, sha256: str) -> dict[str, Any]:
        """An attachment's record; 404 if absent."""
        row = (
            await connection.execute(sa.select(attachments).where(attachments.c.sha256 == sha256))
        ).first()
        if row is None:
            raise not_found("attachment")
        return row._asdict() | {"ref": f"sha256:{row.sha256}"}

    async def record(
        self,
        uow: UnitOfWork,
        principal: Principal,
        record: dict[str, Any],
        *,
        correcting: uuid.UUID | None = None,
    ) -> dict[str, Any]:
        """Submit an inspection record, or a correction of one (its next version)."""
        connection = uow.connection
        viewer = await viewer_of(connection, principal)
        if record["ended_at"] < record["started_at"]:
            raise invalid_field("ended_at", "the inspection ends before it starts")
        inspection_id, version = uuid.uuid4(), 1
        if correcting is not None:
            latest = await self._latest(connection, correcting, lock=True)
            if latest is None or not domain.may_see(
                viewer, owner=latest.inspector, office_id=latest.office_id
            ):
                raise not_found("inspection")
            if latest.inspector not in viewer.acts_for:
                raise Problem("forbidden", 403, "Only its inspector (or their agent) corrects it")
            inspection_id, version = correcting, latest.version + 1
        visited = list(dict.fromkeys(record["households"]))
        rows = (
            await connection.execute(
                sa.select(households).where(households.c.credit_code.in_(visited))
            )
        ).all()
        found = {row.credit_code: row for row in rows}
        for code in visited:
            row = found.get(code)
            if row is None:
                raise invalid_field("households", f"no household {code}")
            if not domain.may_act(viewer, owner=row.owner):
                raise Problem("forbidden", 403, f"household {code} is not in your grids")
        refs = list(dict.fromkeys(record["attachments"]))
        await check_uploaded(connection, "attachments", refs)
        now = datetime.now(UTC)
        office = next((row.office_id for row in rows), principal.office)
        stored = {
            "id": inspection_id,
            "version": version,
            "inspector": principal.subject,
            "office_id": office,
            "started_at": record["started_at"],
            "ended_at": record["ended_at"],
            "route": record["route"],
            "households": visited,
            "findings": record["findings"],
            "actions": record["actions"],
            "attachments": refs,
            "correction_reason": record.get("reason"),
            "recorded_by": principal.subject,
            "recorded_at": now,
        }
        await connection.execute(sa.insert(inspections).values(stored))
        if visited:
            await connection.execute(
                sa.insert(inspection_visits),
                [
                    {"inspection_id": inspection_id, "version": version, "credit_code": c}
                    for c in visited
                ],
            )
            await connection.execute(
                sa.update(households)
                .where(
                    households.c.credit_code.in_(visited),
                    sa.or_(
                        households.c.last_inspected_at.is_(None),
                        households.c.last_inspected_at < record["ended_at"],
                    ),
                )
                .values(last_inspected_at=record["ended_at"])
            )
        uow.emit(
            InspectionRecorded(
                inspection_id=inspection_id,
                version=version,
                inspector=principal.subject,
                office_code=office,
                households=tuple(visited),
                findings=record["findings"],
                actions=tuple(record["actions"]),
                evidence_refs=tuple(refs),
                started_at=record["started_at"],
                ended_at=record["ended_at"],
                recorded_at=now,
            )
        )
        await uow.commit()
        return await self.inspection(connection, principal, inspection_id)

    async def _latest(
        self, connection: AsyncConnection, inspection_id: uuid.UUID, *, lock: bool = False
    ) -> Any:
        statement = (
            sa.select(inspections)
            .where(inspections.c.id == inspection_id)
            .order_by(inspections.c.version.desc())
            .limit(1)
        )
        if lock:
            statement = statement.with_for_update()
        return (await connection.execute(statement)).first()

    async def inspection(
        self, connection: AsyncConnection, principal: Principal, inspection_id: uuid.UUID
    ) -> dict[str, Any]:
        """The latest version of a record with every earlier one; 404 outside one's scope."""
        viewer = await viewer_of(connection, principal)
        versions = (
            await connection.execute(
                sa.select(inspections)
                .where(inspections.c.id == inspection_id)
                .order_by(inspections.c.version.desc())
            )
        ).all()
        if not versions or not domain.may_see(
            viewer, owner=versions[0].inspector, office_id=versions[0].office_id
        ):
            raise not_found("inspection")
        latest = versions[0]._asdict()
        return latest | {"versions": [row._asdict() for row in versions]}

    async def plan(self, connection: AsyncConnection, principal: Principal) -> list[dict[str, Any]]:
        """The caller's claimed households due a visit, the longest unvisited first."""
        viewer = await viewer_of(connection, principal)
        rows = (
            await connection.execute(
                sa.select(households)
                .where(
                    households.c.status == HouseholdStatus.CLAIMED,
                    households.c.owner.in_(sorted(viewer.acts_for)),
                )
                .order_by(
                    households.c.last_inspected_at.asc().nulls_first(), households.c.credit_code
                )
            )
        ).all()
        today = shanghai_today()
        interval = self.settings.inspection_interval_days
        return [
            row._asdict()
            for row in rows
            if domain.due_for_visit(
                row.last_inspected_at.astimezone(SHANGHAI).date()
                if row.last_inspected_at
                else None,
                today,
                interval,
            )
        ]
