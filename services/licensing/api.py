"""Licensing routes: the window's applications, the licence register, partners, the van."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import Field

from chassis.auth import PartnerPrincipal, Principal, require_roles
from chassis.idempotency import IdempotencyKeyHeader, idempotent_create, request_fingerprint
from chassis.problems import PROBLEM
from chassis.schemas import RequestModel
from chassis.uow import UnitOfWorkDep, unit_of_work_factory
from contracts.licensing import ApplicationKind, EntityType
from contracts.values import CreditCode
from services.licensing import mobile
from services.licensing.domain import Status
from services.licensing.joint import JointLicensing
from services.licensing.schemas import (
    ApplicationIn,
    ApplicationList,
    ApplicationOut,
    BatchOut,
    CaseTransferIn,
    CaseTransferOut,
    Extension,
    LicenceList,
    LicenceOut,
    PartnerDecisionIn,
    PartnerRequestList,
    PartnerRequestOut,
    Reasons,
    Rejection,
    RequirementsOut,
    Resubmission,
    ScopeCatalogueOut,
    VisitList,
)
from services.licensing.usecases import Licensing

Clerk = Annotated[Principal, require_roles("licensing_clerk")]
Reader = Annotated[Principal, require_roles("licensing_clerk", "auditor")]
ApplicationId = Annotated[uuid.UUID, Path(description="The application's id")]
CreditCodePath = Annotated[CreditCode, Path(description="Unified social credit code")]

router = APIRouter(tags=["licensing"], responses={403: PROBLEM})


def licensing(request: Request) -> Licensing:
    """The application use cases of this process."""
    found: Licensing = request.app.state.context.licensing
    return found


def joint_licensing(request: Request) -> JointLicensing:
    """The joint-licensing use cases of this process."""
    found: JointLicensing = request.app.state.context.joint_licensing
    return found


LicensingDep = Annotated[Licensing, Depends(licensing)]
JointDep = Annotated[JointLicensing, Depends(joint_licensing)]


# -- reference tables ----------------------------------------------------------------------


@router.get("/requirements", response_model=RequirementsOut)
async def requirements(
    _: Reader, use: LicensingDep, entity_type: EntityType, kind: ApplicationKind
) -> dict[str, Any]:
    """The materials an application of this entity type and kind must hand in."""
    return {
        "entity_type": entity_type,
        "kind": kind,
        "materials": use.rules.required(entity_type, kind),
        "registered_capital_required": use.rules.capital_required(entity_type, kind),
    }


@router.get("/scope-catalogue", response_model=ScopeCatalogueOut)
async def scope_catalogue(_: Reader, use: LicensingDep) -> dict[str, Any]:
    """Every business-scope item, with the partner agency whose permit it needs."""
    return {"items": list(use.catalogue.items.values())}


# -- applications ------------------------------------------------------------------------------


@router.post(
    "/applications",
    status_code=201,
    response_model=ApplicationOut,
    responses={409: PROBLEM, 422: PROBLEM},
)
async def submit(
    *,
    request: Request,
    body: ApplicationIn,
    actor: Clerk,
    use: LicensingDep,
    uow: UnitOfWorkDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Take in an application; `missing_materials` lists at once everything still missing."""

    async def create() -> ApplicationOut:
        return ApplicationOut.model_validate(await use.submit(uow, actor, body))

    return await idempotent_create(
        uow,
        key=idempotency_key,
        scope=f"applications:{actor.subject}",
        fingerprint=request_fingerprint(request, body),
        create=create,
    )


class BatchIn(RequestModel):
    """Applications captured offline, each as for POST /applications plus its `client_id`."""

    # Items are checked one by one, so that one bad item does not refuse the others.
    applications: list[dict[str, Any]] = Field(min_length=1, max_length=200)


@router.post("/applications:batch", response_model=BatchOut)
async def upload_batch(
    request: Request, body: BatchIn, actor: Clerk, use: LicensingDep
) -> dict[str, Any]:
    """The mobile van's upload: each item created once (by `client_id`), answered alone."""
    results = await mobile.upload_batch(
        use, lambda: unit_of_work_factory(request), actor, body.applications
    )
    return {"results": results}


@router.get("/applications", response_model=ApplicationList)
async def list_applications(
    _: Reader,
    use: LicensingDep,
    uow: UnitOfWorkDep,
    status: Status | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    """Applications oldest first; `status=submitted` is the window's queue."""
    found = await use.applications(uow.connection, status=status, limit=limit)
    return {"applications": found}


@router.get("/applications/{application_id}", response_model=ApplicationOut)
async def get_application(
    application_id: ApplicationId, _: Reader, use: LicensingDep, uow: UnitOfWorkDep
) -> dict[str, Any]:
    """An application, its steps (who, when) and its partner requests."""
    return await use.application(uow.connection, application_id)


@router.post(
    "/applications/{application_id}/accept",
    response_model=ApplicationOut,
    responses={404: PROBLEM, 409: PROBLEM},
)
async def accept(
    application_id: ApplicationId, actor: Clerk, use: LicensingDep, uow: UnitOfWorkDep
) -> dict[str, Any]:
    """受理: only with complete materials (else 409 listing every missing one)."""
    return await use.accept(uow, actor, application_id)


@router.post(
    "/applications/{application_id}/return",
    response_model=ApplicationOut,
    responses={404: PROBLEM, 409: PROBLEM},
)
async def return_for_correction(
    application_id: ApplicationId,
    actor: Clerk,
    use: LicensingDep,
    uow: UnitOfWorkDep,
    body: Reasons | None = None,
) -> dict[str, Any]:
    """补正: return it with every missing material and reason in one notice."""
    reasons = body.reasons if body else []
    return await use.return_for_correction(uow, actor, application_id, reasons)


@router.post(
    "/applications/{application_id}/resubmit",
    response_model=ApplicationOut,
    responses={404: PROBLEM, 409: PROBLEM},
)
async def resubmit(
    application_id: ApplicationId,
    body: Resubmission,
    actor: Clerk,
    use: LicensingDep,
    uow: UnitOfWorkDep,
) -> dict[str, Any]:
    """The corrected application comes back with the missing materials."""
    return await use.resubmit(uow, actor, application_id, body.materials)


@router.post(
    "/applications/{application_id}/approve",
    response_model=ApplicationOut,
    responses={404: PROBLEM, 409: PROBLEM},
)
async def approve(
    request: Request,
    application_id: ApplicationId,
    actor: Clerk,
    joint: JointDep,
    uow: UnitOfWorkDep,
) -> dict[str, Any]:
    """Approve: the licence is issued, or the partner agencies it needs are asked first."""
    approved = await joint.approve(uow, actor, application_id)
    if approved["partner_requests"]:
        # Push to partners' webhooks now rather than at the next poll.
        request.app.state.context.webhook_due.set()
    return approved


@router.post(
    "/applications/{application_id}/reject",
    response_model=ApplicationOut,
    responses={404: PROBLEM, 409: PROBLEM},
)
async def reject(
    application_id: ApplicationId,
    body: Rejection,
    actor: Clerk,
    use: LicensingDep,
    uow: UnitOfWorkDep,
) -> dict[str, Any]:
    """Refuse it, with reasons, at any step before issue."""
    return await use.reject(uow, actor, application_id, body.reasons)


@router.post(
    "/applications/{application_id}/extend",
    response_model=ApplicationOut,
    responses={404: PROBLEM, 409: PROBLEM},
)
async def extend(
    application_id: ApplicationId,
    body: Extension,
    actor: Clerk,
    use: LicensingDep,
    uow: UnitOfWorkDep,
) -> dict[str, Any]:
    """Record the approved extension of the running deadline."""
    return await use.extend_deadline(uow, actor, application_id, body.approved_by, body.reason)


# -- licences ----------------------------------------------------------------------------------


@router.get("/licences", response_model=LicenceList)
async def search_licences(
    *,
    _: Reader,
    use: LicensingDep,
    uow: UnitOfWorkDep,
    name: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    credit_code: CreditCode | None = None,
    operator: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    """Licences by part of the name or operator's name, or by credit code; newest first."""
    found = await use.register.search(
        uow.connection, name=name, credit_code=credit_code, operator=operator, limit=limit
    )
    return {"licences": found}


@router.get("/licences/{credit_code}", response_model=LicenceOut, responses={404: PROBLEM})
async def get_licence(
    credit_code: CreditCodePath, _: Reader, use: LicensingDep, uow: UnitOfWorkDep
) -> dict[str, Any]:
    """One licence."""
    return await use.register.licence(uow.connection, credit_code)


@router.post("/case-transfers", status_code=201, response_model=CaseTransferOut)
async def transfer_case_source(
    *,
    request: Request,
    body: CaseTransferIn,
    actor: Clerk,
    use: LicensingDep,
    uow: UnitOfWorkDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """案源移送: hand what the window found to enforcement."""

    async def create() -> CaseTransferOut:
        transferred = await use.register.transfer_case_source(uow, actor, body)
        return CaseTransferOut.model_validate(transferred)

    return await idempotent_create(
        uow,
        key=idempotency_key,
        scope=f"case-transfers:{actor.subject}",
        fingerprint=request_fingerprint(request, body),
        create=create,
    )


# -- partner agencies --------------------------------------------------------------------------


@router.get("/partner/requests", response_model=PartnerRequestList, tags=["joint licensing"])
async def partner_requests(
    actor: PartnerPrincipal,
    joint: JointDep,
    uow: UnitOfWorkDep,
    status: Literal["pending", "approved", "rejected", "withdrawn"] | None = "pending",
) -> dict[str, Any]:
    """The calling agency's requests (pending ones unless asked otherwise)."""
    assert actor.agency is not None
    return {"requests": await joint.partner_requests(uow.connection, actor.agency, status)}


@router.get(
    "/partner/requests/{request_id}",
    response_model=PartnerRequestOut,
    tags=["joint licensing"],
    responses={404: PROBLEM},
)
async def partner_request(
    request_id: uuid.UUID, actor: PartnerPrincipal, joint: JointDep, uow: UnitOfWorkDep
) -> dict[str, Any]:
    """One of the calling agency's requests (another agency's is 404)."""
    assert actor.agency is not None
    return await joint.partner_request(uow.connection, actor.agency, request_id)


@router.post(
    "/partner/requests/{request_id}/decision",
    response_model=PartnerRequestOut,
    tags=["joint licensing"],
    responses={404: PROBLEM, 409: PROBLEM},
)
async def decide(
    *,
    request: Request,
    request_id: uuid.UUID,
    body: PartnerDecisionIn,
    actor: PartnerPrincipal,
    joint: JointDep,
    uow: UnitOfWorkDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """The agency's decision; a retry with the same Idempotency-Key gets the first answer."""

    async def create() -> PartnerRequestOut:
        decided = await joint.decide(uow, actor, request_id, body)
        return PartnerRequestOut.model_validate(decided)

    return await idempotent_create(
        uow,
        key=idempotency_key,
        scope=f"partner-decisions:{actor.agency}",
        fingerprint=request_fingerprint(request, body),
        create=create,
        status_code=200,
    )


# -- mobile licensing --------------------------------------------------------------------------


@router.get("/mobile/visits", response_model=VisitList, tags=["mobile licensing"])
async def mobile_visits(
    *,
    request: Request,
    _: Reader,
    uow: UnitOfWorkDep,
    area: Annotated[int | None, Query(ge=1, le=99, description="Area (片区)")] = None,
    street_code: Annotated[str | None, Query(pattern=r"^[0-9]{9}$")] = None,
    status: Literal["open", "applied"] | None = "open",
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
) -> dict[str, Any]:
    """Where inspectors found unlicensed trading: the van's list, by area or street."""
    found = await mobile.visits(
        uow.connection,
        request.app.state.context.area_map,
        area=area,
        street_code=street_code,
        status=status,
        limit=limit,
    )
    return {"visits": found}
