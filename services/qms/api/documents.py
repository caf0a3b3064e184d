"""Document control: procedures and work instructions per process, their versions and
approvals, and the procedure each process follows."""

from __future__ import annotations

import uuid
from datetime import date
from functools import partial
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse

from chassis.auth import PARTNER_ROLES, ROLE_ORDER, Principal, require_roles
from chassis.context import context_of
from chassis.idempotency import IdempotencyKeyHeader, idempotent_create, request_fingerprint
from chassis.problems import PROBLEM, post_route
from chassis.uow import UnitOfWorkDep
from services.qms.context import QmsContext
from services.qms.domain.documents import PROCESS_PATTERN, Document, Process, Version
from services.qms.schemas import (
    ApprovalIn,
    DocumentIn,
    DocumentList,
    DocumentOut,
    DocumentSummaryOut,
    ProcedureOut,
    ProcessList,
    ProcessOut,
    VersionIn,
    VersionOut,
    VersionTextOut,
)
from services.qms.usecases import documents as control
from services.qms.usecases.documents import Approving, NewDocument, NewVersion

Ctx = Annotated[QmsContext, Depends(context_of)]
Uow = UnitOfWorkDep
router = APIRouter(tags=["qms"], responses={403: PROBLEM})
_post = partial(post_route, router)
# The quality office writes and approves; every member of the staff reads what is in force
# (they follow the procedures), the quality office and auditors every version.
Manager = Annotated[Principal, require_roles("qms_manager")]
Reader = Annotated[
    Principal, require_roles(*(role for role in ROLE_ORDER if role not in PARTNER_ROLES))
]
DocumentId = Annotated[uuid.UUID, Path(alias="id", description="The document's id")]
Number = Annotated[int, Path(alias="n", ge=1, le=100_000, description="The version's number")]


def _version_out(document: Document, version: Version, day: date) -> VersionOut:
    approval = version.approval
    return VersionOut(
        document_id=document.id,
        number=version.number,
        status=document.status(version, day),
        author=version.author,
        created_at=version.created_at,
        change_note=version.change_note,
        approver=None if approval is None else approval.approver,
        approved_at=None if approval is None else approval.approved_at,
        effective_date=None if approval is None else approval.effective_date,
    )


def _summary_out(document: Document, day: date) -> DocumentSummaryOut:
    in_force = document.in_force(day)
    return DocumentSummaryOut(
        id=document.id,
        kind=document.kind,
        code=document.code,
        title=document.title,
        process=document.process,
        procedure_id=document.procedure_id,
        created_by=document.created_by,
        created_at=document.created_at,
        in_force_version=None if in_force is None else in_force.number,
        latest_version=document.versions[-1].number,
    )


def _document_out(document: Document, day: date) -> DocumentOut:
    return DocumentOut(
        **_summary_out(document, day).model_dump(),
        versions=[_version_out(document, version, day) for version in document.versions],
    )


def _procedure_out(procedure: Document, day: date) -> ProcedureOut:
    in_force = procedure.in_force(day)
    approval = None if in_force is None else in_force.approval
    return ProcedureOut(
        document_id=procedure.id,
        code=procedure.code,
        title=procedure.title,
        in_force_version=None if in_force is None else in_force.number,
        effective_date=None if approval is None else approval.effective_date,
    )


def _process_out(process: Process, procedure: Document | None, day: date) -> ProcessOut:
    in_force = procedure is not None and procedure.in_force(day) is not None
    return ProcessOut(
        code=process.code,
        name=process.name,
        status="in_force" if in_force else "none_in_force",
        procedure=None if procedure is None else _procedure_out(procedure, day),
    )


@router.get("/processes", response_model=ProcessList)
async def list_processes(principal: Reader, ctx: Ctx, uow: Uow) -> ProcessList:
    """The bureau's processes, each with the procedure it follows and that procedure's
    version in force today; `none_in_force` marks a process without one."""
    day = ctx.clock.today()
    found = await control.process_procedures(uow, principal, day)
    return ProcessList(processes=[_process_out(*pair, day) for pair in found])


@router.get("/documents", response_model=DocumentList, responses={422: PROBLEM})
async def list_documents(
    *,
    principal: Reader,
    ctx: Ctx,
    uow: Uow,
    process: Annotated[str | None, Query(max_length=60, pattern=PROCESS_PATTERN)] = None,
    kind: Literal["procedure", "work_instruction"] | None = None,
    in_force: Annotated[
        bool | None,
        Query(description="Only documents with (true) or without (false) a version in force today"),
    ] = None,
) -> DocumentList:
    """The documents the caller may read, by code."""
    day = ctx.clock.today()
    found = await control.documents(
        uow, principal, day, process=process, kind=kind, in_force=in_force
    )
    return DocumentList(documents=[_summary_out(document, day) for document in found])


@_post("/documents", DocumentOut, 409, 422, status_code=201)
async def write_document(
    *,
    request: Request,
    body: DocumentIn,
    principal: Manager,
    ctx: Ctx,
    uow: Uow,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Write a procedure (one per process) or a work instruction (under a procedure of its
    process); its first version is a draft of the caller's."""
    command = NewDocument(
        body.kind,
        body.code,
        body.title,
        body.process,
        body.procedure_id,
        body.text,
        body.change_note,
    )

    async def create() -> DocumentOut:
        document = await control.write(ctx, uow, principal, command)
        return _document_out(document, ctx.clock.today())

    return await idempotent_create(
        uow,
        key=idempotency_key,
        scope=f"documents:{principal.subject}",
        fingerprint=request_fingerprint(request, body),
        create=create,
    )


@router.get("/documents/{id}", response_model=DocumentOut, responses={404: PROBLEM})
async def get_document(
    document_id: DocumentId, principal: Reader, ctx: Ctx, uow: Uow
) -> DocumentOut:
    """A document with every version the caller may read and where each stands today."""
    day = ctx.clock.today()
    return _document_out(await control.document(uow, principal, day, document_id), day)


@_post("/documents/{id}/versions", VersionOut, 404, 422, status_code=201)
async def write_version(
    *,
    request: Request,
    document_id: DocumentId,
    body: VersionIn,
    principal: Manager,
    ctx: Ctx,
    uow: Uow,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Write the next version of a document, a draft of the caller's."""
    command = NewVersion(document_id, body.text, body.change_note)

    async def create() -> VersionOut:
        document, version = await control.draft(ctx, uow, principal, command)
        return _version_out(document, version, ctx.clock.today())

    return await idempotent_create(
        uow,
        key=idempotency_key,
        scope=f"document-versions:{principal.subject}",
        fingerprint=request_fingerprint(request, body),
        create=create,
    )


@router.get("/documents/{id}/versions/{n}", response_model=VersionTextOut, responses={404: PROBLEM})
async def get_version(
    document_id: DocumentId, number: Number, principal: Reader, ctx: Ctx, uow: Uow
) -> VersionTextOut:
    """A version with its text."""
    day = ctx.clock.today()
    document, version, text = await control.version_text(uow, principal, day, document_id, number)
    return VersionTextOut(**_version_out(document, version, day).model_dump(), text=text)


@_post("/documents/{id}/versions/{n}/approve", VersionOut, 404, 409, 422)
async def approve_version(
    *,
    document_id: DocumentId,
    number: Number,
    principal: Manager,
    ctx: Ctx,
    uow: Uow,
    body: ApprovalIn | None = None,
) -> VersionOut:
    """Approve a version another member of the quality office wrote (403 for its author:
    separation of duties); in force from its effective date, it supersedes the version in
    force before it. Publishes `qms.document.approved`."""
    effective_date = None if body is None else body.effective_date
    document, version = await control.approve(
        ctx, uow, principal, Approving(document_id, number, effective_date)
    )
    return _version_out(document, version, ctx.clock.today())
