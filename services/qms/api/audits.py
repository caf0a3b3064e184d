"""Internal audits: the programme, each audit's checklist and findings (a major or minor
finding raises a nonconformity). The quality office runs them; auditors read them."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from chassis.auth import Principal, require_roles
from chassis.context import context_of
from chassis.problems import PROBLEM, post_route
from chassis.uow import UnitOfWorkDep
from services.qms.context import QmsContext
from services.qms.domain.audits import Audit
from services.qms.schemas import AuditIn, AuditList, AuditOut, FindingIn, FindingOut
from services.qms.usecases import audits
from services.qms.usecases.audits import NewAudit

Ctx = Annotated[QmsContext, Depends(context_of)]
Uow = UnitOfWorkDep
router = APIRouter(tags=["qms"], responses={403: PROBLEM})
Manager = Annotated[Principal, require_roles("qms_manager")]
Reader = Annotated[Principal, require_roles("qms_manager", "auditor")]
AuditId = Annotated[uuid.UUID, Path(description="The audit's id")]
_post = partial(post_route, router)


def audit_out(audit: Audit) -> AuditOut:
    return AuditOut.model_validate(asdict(audit))


@router.get("/audits", response_model=AuditList, responses={422: PROBLEM})
async def programme(
    principal: Reader, uow: Uow, year: Annotated[int | None, Query(ge=2000, le=2100)] = None
) -> AuditList:
    """The audit programme (of one year, if given), by planned day."""
    return AuditList(audits=[audit_out(a) for a in await audits.programme(uow, year)])


@_post("/audits", AuditOut, 422, status_code=201)
async def plan_audit(body: AuditIn, principal: Manager, ctx: Ctx, uow: Uow) -> AuditOut:
    """Add an audit to the programme: a process, an office or both; day, auditors, checklist."""
    new = NewAudit(
        title=body.title,
        process=body.process,
        office=body.office,
        planned_on=body.planned_on,
        auditors=tuple(body.auditors),
        checklist=tuple((item.question, item.reference) for item in body.checklist),
    )
    return audit_out(await audits.plan_audit(ctx, uow, principal, new))


@router.get("/audits/{audit_id}", response_model=AuditOut, responses={404: PROBLEM})
async def get_audit(audit_id: AuditId, principal: Reader, uow: Uow) -> AuditOut:
    """An audit with its checklist and findings."""
    return audit_out(await audits.audit(uow, audit_id))


@_post("/audits/{audit_id}/findings", FindingOut, 404, 422, status_code=201)
async def record_finding(
    audit_id: AuditId, body: FindingIn, principal: Manager, ctx: Ctx, uow: Uow
) -> FindingOut:
    """Record a finding; a major or minor one raises a nonconformity (its id is in the
    answer)."""
    _, finding = await audits.record_finding(
        ctx,
        uow,
        principal,
        audit_id,
        description=body.description,
        severity=body.severity,
        checklist_item=body.checklist_item,
    )
    return FindingOut.model_validate(asdict(finding))
