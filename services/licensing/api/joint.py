"""Joint-licensing routes: the clerk's approval, the partner agencies' requests and decisions."""

from __future__ import annotations

import uuid
from typing import Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from chassis.auth import PartnerPrincipal
from chassis.copying import made_from
from chassis.problems import PROBLEM
from chassis.uow import UnitOfWorkDep
from services.licensing.api.applications import out
from services.licensing.api.deps import ApplicationId, Clerk, Ctx, Once
from services.licensing.schemas.applications import (
    ApplicationOut,
    PartnerDecisionIn,
    PartnerRequestList,
    PartnerRequestOut,
)
from services.licensing.usecases import joint

router = APIRouter(tags=["licensing"], responses={403: PROBLEM})


@router.post(
    "/applications/{application_id}/approve",
    response_model=ApplicationOut,
    responses={404: PROBLEM, 409: PROBLEM},
)
async def approve(
    application_id: ApplicationId, actor: Clerk, ctx: Ctx, uow: UnitOfWorkDep
) -> ApplicationOut:
    """Approve: the licence is issued, or the partner agencies it needs are asked first."""
    return out(await joint.approve(ctx, uow, joint.Approve(application_id, actor.subject)))


@router.get("/partner/requests", response_model=PartnerRequestList, tags=["joint licensing"])
async def partner_requests(
    actor: PartnerPrincipal,
    uow: UnitOfWorkDep,
    status: Literal["pending", "approved", "rejected", "withdrawn"] | None = "pending",
) -> PartnerRequestList:
    """The calling agency's requests (pending ones unless asked otherwise)."""
    assert actor.agency is not None
    found = await joint.partner_requests(uow, actor.agency, status)
    return PartnerRequestList.model_validate({"requests": found}, from_attributes=True)


@router.get(
    "/partner/requests/{request_id}",
    response_model=PartnerRequestOut,
    tags=["joint licensing"],
    responses={404: PROBLEM},
)
async def partner_request(
    request_id: uuid.UUID, actor: PartnerPrincipal, uow: UnitOfWorkDep
) -> PartnerRequestOut:
    """One of the calling agency's requests (another agency's is 404)."""
    assert actor.agency is not None
    found = await joint.partner_request(uow, actor.agency, request_id)
    return PartnerRequestOut.model_validate(found, from_attributes=True)


@router.post(
    "/partner/requests/{request_id}/decision",
    response_model=PartnerRequestOut,
    tags=["joint licensing"],
    responses={404: PROBLEM, 409: PROBLEM},
)
async def decide(
    request_id: uuid.UUID,
    body: PartnerDecisionIn,
    actor: PartnerPrincipal,
    ctx: Ctx,
    creation: Once,
) -> JSONResponse:
    """The agency's decision; a retry with the same Idempotency-Key gets the first answer."""
    command = made_from(
        joint.Decide, body, request_id=request_id, agency=actor.agency or "", actor=actor.subject
    )

    async def create() -> PartnerRequestOut:
        decided = await joint.decide(ctx, creation.uow, command)
        return PartnerRequestOut.model_validate(decided, from_attributes=True)

    scope = f"partner-decisions:{actor.agency}"
    return await creation.once(body, scope=scope, create=create, status_code=200)
