"""Licence routes: the reference tables, the register, case sources to enforcement."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse

from chassis.copying import made_from
from chassis.problems import PROBLEM
from chassis.uow import UnitOfWorkDep
from contracts.licensing import ApplicationKind, EntityType
from contracts.values import CreditCode
from services.licensing.api.deps import Clerk, Ctx, Once, Reader, RegisterReader
from services.licensing.schemas.licences import (
    CaseTransferIn,
    CaseTransferList,
    CaseTransferOut,
    LicenceList,
    LicenceOut,
    RequirementsOut,
    ScopeCatalogueOut,
)
from services.licensing.usecases import applications, licences

CaseSourceId = Annotated[uuid.UUID, Path(description="The transferred case source's id")]
CreditCodePath = Annotated[CreditCode, Path(description="Unified social credit code")]

reference = APIRouter(tags=["licensing"], responses={403: PROBLEM})
router = APIRouter(tags=["licensing"], responses={403: PROBLEM})


@reference.get("/requirements", response_model=RequirementsOut)
async def requirements(
    _: Reader, entity_type: EntityType, kind: ApplicationKind
) -> RequirementsOut:
    """The materials an application of this entity type and kind must hand in."""
    found = applications.requirements_of(entity_type, kind)
    return RequirementsOut.model_validate(found, from_attributes=True)


@reference.get("/scope-catalogue", response_model=ScopeCatalogueOut)
async def scope_catalogue(_: Reader) -> ScopeCatalogueOut:
    """Every business-scope item, with the partner agency whose permit it needs."""
    return ScopeCatalogueOut.model_validate(
        {"items": applications.scope_items()}, from_attributes=True
    )


@router.get("/licences", response_model=LicenceList)
async def search_licences(
    *,
    _: RegisterReader,
    uow: UnitOfWorkDep,
    name: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    credit_code: CreditCode | None = None,
    operator: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> LicenceList:
    """Licences by part of the name or operator's name, or by credit code; newest first."""
    code = None if credit_code is None else str(credit_code)
    query = licences.SearchLicences(name, code, operator, limit)
    found = await licences.search_licences(uow, query)
    return LicenceList.model_validate({"licences": found}, from_attributes=True)


@router.get("/licences/{credit_code}", response_model=LicenceOut, responses={404: PROBLEM})
async def get_licence(
    credit_code: CreditCodePath, _: RegisterReader, uow: UnitOfWorkDep
) -> LicenceOut:
    """One licence."""
    found = await licences.get_licence(uow, str(credit_code))
    return LicenceOut.model_validate(found, from_attributes=True)


@router.post("/case-transfers", status_code=201, response_model=CaseTransferOut)
async def transfer_case_source(
    body: CaseTransferIn, actor: Clerk, ctx: Ctx, creation: Once
) -> JSONResponse:
    """案源移送: hand what the window found to enforcement."""
    command = made_from(
        licences.TransferCaseSource,
        body,
        credit_code=None if body.credit_code is None else str(body.credit_code),
        evidence=tuple(body.evidence),
        actor=actor.subject,
    )

    async def create() -> CaseTransferOut:
        transferred = await licences.transfer_case_source(ctx, creation.uow, command)
        return CaseTransferOut.model_validate(transferred, from_attributes=True)

    return await creation.once(body, scope=f"case-transfers:{actor.subject}", create=create)


@router.get("/case-transfers", response_model=CaseTransferList)
async def list_case_transfers(
    *,
    _: Reader,
    uow: UnitOfWorkDep,
    credit_code: CreditCode | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> CaseTransferList:
    """The case sources the window transferred, the latest first, each with what came of it
    at enforcement; of one business if `credit_code` is given."""
    code = None if credit_code is None else str(credit_code)
    found = await licences.case_transfers(uow, code, limit)
    return CaseTransferList.model_validate({"case_transfers": found}, from_attributes=True)


@router.get(
    "/case-transfers/{case_source_id}", response_model=CaseTransferOut, responses={404: PROBLEM}
)
async def get_case_transfer(
    case_source_id: CaseSourceId, _: Reader, uow: UnitOfWorkDep
) -> CaseTransferOut:
    """One case source the window transferred, and what came of it at enforcement."""
    found = await licences.case_transfer(uow, case_source_id)
    return CaseTransferOut.model_validate(found, from_attributes=True)
