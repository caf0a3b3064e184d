"""Document control: writing documents and their versions and approving them, each in one
transaction (an approval with its event), and reading them as the caller may.

The quality office (`qms_manager`) and auditors read every version; everyone else on the staff
reads only the versions that have taken effect (in force, or superseded since): staff follow
procedures, but never a draft or one whose day has not come.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from chassis.auth import Principal
from chassis.errors import Conflict, NotFound, RuleViolated
from chassis.uow import UnitOfWork
from contracts.qms import DocumentApproved
from services.qms.context import QmsContext
from services.qms.domain.documents import Document, Kind, Process, Version, processes
from services.qms.repositories.documents import DocumentRepository


@dataclass(frozen=True)
class NewDocument:
    """A document to write, with the text of its first version."""

    kind: Kind
    code: str
    title: str
    process: str
    procedure_id: uuid.UUID | None
    text: str
    change_note: str | None


@dataclass(frozen=True)
class NewVersion:
    """A new version of a document: its text and what changed."""

    document_id: uuid.UUID
    text: str
    change_note: str


@dataclass(frozen=True)
class Approving:
    """Version `number` of a document to approve, in force from `effective_date` (default
    the day of approval)."""

    document_id: uuid.UUID
    number: int
    effective_date: date | None


async def write(ctx: QmsContext, uow: UnitOfWork, by: Principal, command: NewDocument) -> Document:
    """Store a new document and its first version, a draft of the caller's."""
    repository = DocumentRepository(uow.connection)
    procedure = None
    if command.procedure_id is not None:
        procedure = await repository.get(command.procedure_id)
        if procedure is None:
            raise RuleViolated("procedure_id", "no such document")
    document = Document.write(
        id=uuid.uuid4(),
        kind=command.kind,
        code=command.code,
        title=command.title,
        process=command.process,
        procedure=procedure,
        text=command.text,
        change_note=command.change_note,
        by=by.subject,
        at=ctx.clock.now(),
    )
    if await repository.with_code(document.code) is not None:
        raise Conflict(f"the code {document.code} is taken by another document")
    if document.kind == "procedure":
        existing = await repository.procedure_of(document.process)
        if existing is not None:
            raise Conflict(
                f"{document.process} follows a procedure already: write a new version of it",
                procedure_id=str(existing),
            )
    await repository.add(document, command.text)
    await uow.commit()
    return document


async def draft(
    ctx: QmsContext, uow: UnitOfWork, by: Principal, command: NewVersion
) -> tuple[Document, Version]:
    """Store a new version of a document, a draft of the caller's."""
    repository = DocumentRepository(uow.connection)
    document = await repository.get(command.document_id, lock=True)
    if document is None:
        raise NotFound("document")
    version = document.draft(command.text, command.change_note, by.subject, ctx.clock.now())
    await repository.add_version(document.id, version, command.text)
    await uow.commit()
    return document, version


async def approve(
    ctx: QmsContext, uow: UnitOfWork, by: Principal, command: Approving
) -> tuple[Document, Version]:
    """Approve a version written by someone else, and publish `qms.document.approved`."""
    repository = DocumentRepository(uow.connection)
    document = await repository.get(command.document_id, lock=True)
    if document is None:
        raise NotFound("document")
    now = ctx.clock.now()
    version = document.approve(
        command.number, by.subject, now, ctx.clock.today(), command.effective_date
    )
    assert version.approval is not None
    await repository.approve(document.id, version)
    uow.emit(
        DocumentApproved(
            document_id=document.id,
            version=version.number,
            kind=document.kind,
            code=document.code,
            title=document.title,
            process=document.process,
            effective_date=version.approval.effective_date,
            approved_by=by.subject,
            approved_at=now,
        )
    )
    await uow.commit()
    return document, version


def _as_read_by(document: Document, by: Principal, day: date) -> Document:
    if by.has_any("qms_manager", "auditor"):
        return document
    return document.published(day)


async def documents(
    uow: UnitOfWork,
    by: Principal,
    day: date,
    *,
    process: str | None = None,
    kind: Kind | None = None,
    in_force: bool | None = None,
) -> list[Document]:
    """The documents the caller reads on `day`, by code; `in_force` keeps those with (or
    without) a version in force that day."""
    if process is not None:
        processes().check(process, where="query")
    found = await DocumentRepository(uow.connection).every(process=process, kind=kind)
    readable = [_as_read_by(document, by, day) for document in found]
    return [
        document
        for document in readable
        if document.versions
        and (in_force is None or (document.in_force(day) is not None) == in_force)
    ]


async def document(uow: UnitOfWork, by: Principal, day: date, document_id: uuid.UUID) -> Document:
    """A document with the versions the caller reads on `day`; 404 when there are none."""
    found = await DocumentRepository(uow.connection).get(document_id)
    readable = None if found is None else _as_read_by(found, by, day)
    if readable is None or not readable.versions:
        raise NotFound("document")
    return readable


async def version_text(
    uow: UnitOfWork, by: Principal, day: date, document_id: uuid.UUID, number: int
) -> tuple[Document, Version, str]:
    """A version the caller reads on `day`, with its text."""
    readable = await document(uow, by, day, document_id)
    version = readable.version(number)
    text = await DocumentRepository(uow.connection).text(document_id, number)
    assert text is not None
    return readable, version, text


async def process_procedures(
    uow: UnitOfWork, by: Principal, day: date
) -> list[tuple[Process, Document | None]]:
    """Each process with the procedure it follows as the caller reads it (None: it has
    none, or none the caller may read)."""
    procedures = {
        procedure.process: procedure
        for procedure in await documents(uow, by, day, kind="procedure")
    }
    return [(process, procedures.get(process.code)) for process in processes().items]
