"""Controlled documents as stored: one row a document, one a version with its text."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.copying import made_from
from chassis.errors import Conflict
from chassis.rows import values_for
from services.qms.domain.documents import Approval, Document, Version
from services.qms.tables import document_versions, documents

# Every column of a version but its text: what lists and documents are read with.
_VERSION_COLUMNS = [c for c in document_versions.c if c.name != "text"]


def _version(found: Any) -> Version:
    approval = None
    if found.approver is not None:
        approval = made_from(Approval, found)
    return made_from(Version, found, approval=approval)


def _version_row(document_id: uuid.UUID, version: Version, text: str) -> dict[str, Any]:
    return values_for(document_versions, version, document_id=document_id, text=text)


class DocumentRepository:
    """Documents, their versions and texts."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def add(self, document: Document, text: str) -> None:
        """Store a new document and its first version."""
        try:
            async with self.connection.begin_nested():
                await self.connection.execute(
                    sa.insert(documents).values(values_for(documents, document))
                )
                await self.connection.execute(
                    sa.insert(document_versions).values(
                        _version_row(document.id, document.versions[0], text)
                    )
                )
        except IntegrityError:
            # Another document took the code, or the process's procedure, since the check.
            raise Conflict(
                f"{document.code} or a procedure of {document.process} was written meanwhile"
            ) from None

    async def add_version(self, document_id: uuid.UUID, version: Version, text: str) -> None:
        """Store a new version (its document is locked by this transaction)."""
        await self.connection.execute(
            sa.insert(document_versions).values(_version_row(document_id, version, text))
        )

    async def approve(self, document_id: uuid.UUID, version: Version) -> None:
        """Store a version's approval (its document is locked by this transaction)."""
        assert version.approval is not None
        await self.connection.execute(
            sa.update(document_versions)
            .where(
                document_versions.c.document_id == document_id,
                document_versions.c.number == version.number,
                document_versions.c.approver.is_(None),
            )
            .values(values_for(document_versions, version.approval))
        )

    async def get(self, document_id: uuid.UUID, *, lock: bool = False) -> Document | None:
        """A document with its versions; locked, other writers to it wait for this
        transaction."""
        statement = sa.select(documents).where(documents.c.id == document_id)
        if lock:
            statement = statement.with_for_update()
        found = (await self.connection.execute(statement)).first()
        if found is None:
            return None
        return (await self._with_versions([found]))[0]

    async def with_code(self, code: str) -> uuid.UUID | None:
        """The id of the document with this code, if any."""
        return await self.connection.scalar(
            sa.select(documents.c.id).where(documents.c.code == code)
        )

    async def procedure_of(self, process: str) -> uuid.UUID | None:
        """The id of the process's procedure, if it has one."""
        return await self.connection.scalar(
            sa.select(documents.c.id).where(
                documents.c.process == process, documents.c.kind == "procedure"
            )
        )

    async def every(self, *, process: str | None = None, kind: str | None = None) -> list[Document]:
        """The documents, by code, with their versions."""
        statement = sa.select(documents).order_by(documents.c.code)
        if process is not None:
            statement = statement.where(documents.c.process == process)
        if kind is not None:
            statement = statement.where(documents.c.kind == kind)
        return await self._with_versions(list(await self.connection.execute(statement)))

    async def text(self, document_id: uuid.UUID, number: int) -> str | None:
        """The text of a version."""
        return await self.connection.scalar(
            sa.select(document_versions.c.text).where(
                document_versions.c.document_id == document_id,
                document_versions.c.number == number,
            )
        )

    async def _with_versions(self, rows: Sequence[Any]) -> list[Document]:
        if not rows:
            return []
        versions: dict[uuid.UUID, list[Version]] = {}
        found = await self.connection.execute(
            sa.select(*_VERSION_COLUMNS)
            .where(document_versions.c.document_id.in_([row.id for row in rows]))
            .order_by(document_versions.c.document_id, document_versions.c.number)
        )
        for version in found:
            versions.setdefault(version.document_id, []).append(_version(version))
        return [made_from(Document, row, versions=versions.get(row.id, [])) for row in rows]
