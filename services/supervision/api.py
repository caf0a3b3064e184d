"""Supervision routes: the map, households, claims, position agents, inspections, findings."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, UploadFile
from fastapi.responses import FileResponse

from chassis.auth import Principal, require_roles
from chassis.problems import PROBLEM
from chassis.uow import UnitOfWorkDep
from contracts.values import CreditCode
from services.supervision.findings import Findings
from services.supervision.grids import GridMap
from services.supervision.inspections import CHUNK, Inspections
from services.supervision.schemas import (
    Assignment,
    AttachmentOut,
    CaseTransferIn,
    CaseTransferOut,
    DelegationIn,
    DelegationList,
    DelegationOut,
    FindingOut,
    GridChange,
    GridIn,
    GridList,
    GridOut,
    HouseholdFile,
    HouseholdList,
    HouseholdOut,
    InspectionCorrection,
    InspectionIn,
    InspectionOut,
    InspectionPlan,
    OfficeIn,
    OfficeList,
    OfficeOut,
    UnlicensedIn,
)
from services.supervision.usecases import Supervision

Admin = Annotated[Principal, require_roles("admin")]
Staff = Annotated[Principal, require_roles("grid_inspector", "office_head", "auditor", "admin")]
Head = Annotated[Principal, require_roles("office_head", "admin")]
Inspector = Annotated[Principal, require_roles("grid_inspector")]
CreditCodePath = Annotated[CreditCode, Path(description="Unified social credit code")]
GridPath = Annotated[str, Path(pattern=r"^[0-9]{15}$", description="Grid code")]

router = APIRouter(tags=["supervision"], responses={403: PROBLEM})


def supervision(request: Request) -> Supervision:
    """The household use cases of this process."""
    found: Supervision = request.app.state.context.supervision
    return found


def grid_map(request: Request) -> GridMap:
    """The map's use cases of this process."""
    found: GridMap = request.app.state.context.grid_map
    return found


def inspections(request: Request) -> Inspections:
    """The inspection use cases of this process."""
    found: Inspections = request.app.state.context.inspections
    return found


def findings(request: Request) -> Findings:
    """The findings and case-transfer use cases of this process."""
    found: Findings = request.app.state.context.findings
    return found


SupervisionDep = Annotated[Supervision, Depends(supervision)]
GridMapDep = Annotated[GridMap, Depends(grid_map)]
InspectionsDep = Annotated[Inspections, Depends(inspections)]
FindingsDep = Annotated[Findings, Depends(findings)]
# Those who work in the street, and their heads.
StreetStaff = Annotated[Principal, require_roles("grid_inspector", "office_head")]
Sha256Path = Annotated[str, Path(pattern=r"^[0-9a-f]{64}$")]


@router.post("/offices", status_code=201, response_model=OfficeOut, responses={409: PROBLEM})
async def create_office(
    body: OfficeIn, _: Admin, use: GridMapDep, uow: UnitOfWorkDep
) -> dict[str, Any]:
    """A new office in area 1 or 2."""
    return await use.create_office(uow, body.model_dump())


@router.get("/offices", response_model=OfficeList)
async def list_offices(_: Staff, use: GridMapDep, uow: UnitOfWorkDep) -> dict[str, Any]:
    """Every office and its area."""
    return {"offices": await use.offices(uow.connection)}


@router.post(
    "/grids", status_code=201, response_model=GridOut, responses={409: PROBLEM, 422: PROBLEM}
)
async def create_grid(
    body: GridIn, _: Admin, use: GridMapDep, uow: UnitOfWorkDep
) -> dict[str, Any]:
    """Draw a grid; unrouted households inside it go to its owner."""
    return await use.create_grid(uow, body.model_dump(mode="json"))


@router.put("/grids/{grid_id}", response_model=GridOut, responses={404: PROBLEM, 409: PROBLEM})
async def update_grid(
    grid_id: GridPath, body: GridChange, _: Admin, use: GridMapDep, uow: UnitOfWorkDep
) -> dict[str, Any]:
    """Re-draw or re-assign a grid; the households it touches are re-routed."""
    changes = body.model_dump(mode="json", exclude_unset=True)
    return await use.update_grid(uow, grid_id, changes)


@router.get("/grids", response_model=GridList)
async def list_grids(
    _: Staff,
    use: GridMapDep,
    uow: UnitOfWorkDep,
    office_id: Annotated[str | None, Query(max_length=64)] = None,
) -> dict[str, Any]:
    """The grids (of one office if asked)."""
    return {"grids": await use.grids(uow.connection, office_id)}


@router.get("/grids/{grid_id}", response_model=GridOut, responses={404: PROBLEM})
async def get_grid(
    grid_id: GridPath, _: Staff, use: GridMapDep, uow: UnitOfWorkDep
) -> dict[str, Any]:
    """One grid."""
    return await use.grid(uow.connection, grid_id)


@router.get("/households", response_model=HouseholdList)
async def list_households(
    *,
    principal: Staff,
    use: SupervisionDep,
    uow: UnitOfWorkDep,
    grid_id: Annotated[str | None, Query(pattern=r"^[0-9]{15}$")] = None,
    status: Literal["unrouted", "assigned", "claimed", "cancelled"] | None = None,
    cursor: Annotated[str | None, Query(max_length=18)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    """The households in one's scope (one's grids, one's office, or all for auditors)."""
    found, following = await use.households(
        uow.connection, principal, grid_id=grid_id, status=status, cursor=cursor, limit=limit
    )
    return {"households": found, "next_cursor": following}


@router.get("/households/{credit_code}", response_model=HouseholdOut, responses={404: PROBLEM})
async def get_household(
    credit_code: CreditCodePath, principal: Staff, use: SupervisionDep, uow: UnitOfWorkDep
) -> dict[str, Any]:
    """One household; 404 when absent or outside one's scope."""
    return await use.household(uow.connection, principal, credit_code)


@router.post(
    "/households/{credit_code}/claim",
    response_model=HouseholdOut,
    responses={404: PROBLEM, 409: PROBLEM},
)
async def claim(
    credit_code: CreditCodePath, principal: Inspector, use: SupervisionDep, uow: UnitOfWorkDep
) -> dict[str, Any]:
    """认领: the grid's owner, or their agent, takes the household into the inspection plan."""
    return await use.claim(uow, principal, credit_code)


@router.post(
    "/households/{credit_code}/assign",
    response_model=HouseholdOut,
    responses={404: PROBLEM, 409: PROBLEM, 422: PROBLEM},
)
async def assign(
    credit_code: CreditCodePath,
    body: Assignment,
    principal: Head,
    use: SupervisionDep,
    uow: UnitOfWorkDep,
) -> dict[str, Any]:
    """The office head gives an unrouted (or misrouted) household to one of their grids."""
    return await use.assign_by_hand(uow, principal, credit_code, body.grid_id)


@router.post("/delegations", status_code=201, response_model=DelegationOut)
async def delegate(
    body: DelegationIn,
    principal: Staff,
    use: SupervisionDep,
    uow: UnitOfWorkDep,
) -> dict[str, Any]:
    """Name a position agent for an officer for a date range."""
    return await use.delegate(
        uow, principal, officer=body.officer, agent=body.agent, start=body.start, end=body.end
    )


@router.get("/delegations", response_model=DelegationList)
async def list_delegations(
    principal: Staff,
    use: SupervisionDep,
    uow: UnitOfWorkDep,
    on: Annotated[date | None, Query(description="running on this day (default: any)")] = None,
) -> dict[str, Any]:
    """Who stands in for whom: an inspector's own (as officer or agent), everyone's for heads,
    auditors and admins."""
    return {"delegations": await use.delegations(uow.connection, principal, on=on)}


@router.get(
    "/households/{credit_code}/file", response_model=HouseholdFile, responses={404: PROBLEM}
)
async def household_file(
    credit_code: CreditCodePath, principal: Staff, use: SupervisionDep, uow: UnitOfWorkDep
) -> dict[str, Any]:
    """The supervision file: licence, assignments, claims, inspections, penalties, complaints."""
    entries = await use.file(uow.connection, principal, credit_code)
    return {"credit_code": credit_code, "entries": entries}


@router.post(
    "/attachments",
    status_code=201,
    response_model=AttachmentOut,
    responses={413: PROBLEM, 415: PROBLEM},
)
async def upload_attachment(
    file: UploadFile, principal: StreetStaff, use: InspectionsDep, uow: UnitOfWorkDep
) -> dict[str, Any]:
    """A photo or document (JPEG, PNG, PDF) for a record or a case, kept by its SHA-256."""

    async def chunks() -> AsyncIterator[bytes]:
        while chunk := await file.read(CHUNK):
            yield chunk

    return await use.store_attachment(uow, principal, chunks())


@router.get(
    "/attachments/{sha256}",
    response_class=FileResponse,
    responses={200: {"content": {"application/octet-stream": {}}}, 404: PROBLEM},
)
async def download_attachment(
    sha256: Sha256Path, _: Staff, use: InspectionsDep, uow: UnitOfWorkDep
) -> FileResponse:
    """An attachment's content."""
    stored = await use.attachment(uow.connection, sha256)
    return FileResponse(use.path_of(sha256), media_type=stored["media_type"])


@router.post(
    "/inspections",
    status_code=201,
    response_model=InspectionOut,
    responses={403: PROBLEM, 422: PROBLEM},
)
async def record_inspection(
    body: InspectionIn, principal: Inspector, use: InspectionsDep, uow: UnitOfWorkDep
) -> dict[str, Any]:
    """Submit an inspection record; it never changes afterwards."""
    return await use.record(uow, principal, body.model_dump())


@router.post(
    "/inspections/{inspection_id}/corrections",
    status_code=201,
    response_model=InspectionOut,
    responses={403: PROBLEM, 404: PROBLEM, 422: PROBLEM},
)
async def correct_inspection(
    inspection_id: uuid.UUID,
    body: InspectionCorrection,
    principal: Inspector,
    use: InspectionsDep,
    uow: UnitOfWorkDep,
) -> dict[str, Any]:
    """A correction: the record as it should read, kept as its next version beside the old."""
    return await use.record(uow, principal, body.model_dump(), correcting=inspection_id)


@router.get("/inspections/{inspection_id}", response_model=InspectionOut, responses={404: PROBLEM})
async def get_inspection(
    inspection_id: uuid.UUID, principal: Staff, use: InspectionsDep, uow: UnitOfWorkDep
) -> dict[str, Any]:
    """An inspection record with its versions."""
    return await use.inspection(uow.connection, principal, inspection_id)


@router.get("/inspection-plan", response_model=InspectionPlan)
async def inspection_plan(
    principal: Inspector, use: InspectionsDep, uow: UnitOfWorkDep
) -> dict[str, Any]:
    """One's claimed households due a visit, the longest unvisited first."""
    return {"households": await use.plan(uow.connection, principal)}


@router.post("/unlicensed-findings", status_code=201, response_model=FindingOut)
async def unlicensed_found(
    body: UnlicensedIn, principal: Inspector, use: FindingsDep, uow: UnitOfWorkDep
) -> dict[str, Any]:
    """A trader without a licence: the mobile licensing van is told where to call."""
    address = body.address.model_dump(mode="json")
    return await use.unlicensed_found(uow, principal, address, body.description)


@router.get(
    "/unlicensed-findings/{finding_id}", response_model=FindingOut, responses={404: PROBLEM}
)
async def get_finding(
    finding_id: uuid.UUID, principal: Staff, use: FindingsDep, uow: UnitOfWorkDep
) -> dict[str, Any]:
    """A finding, and the licence if the trader has registered since."""
    return await use.finding(uow.connection, principal, finding_id)


@router.post(
    "/case-transfers", status_code=201, response_model=CaseTransferOut, responses={422: PROBLEM}
)
async def transfer_case_source(
    body: CaseTransferIn, principal: StreetStaff, use: FindingsDep, uow: UnitOfWorkDep
) -> dict[str, Any]:
    """案源移送: a case source with its evidence to enforcement."""
    return await use.transfer(
        uow,
        principal,
        credit_code=body.credit_code,
        finding_id=body.finding_id,
        allegation=body.allegation,
        evidence=body.evidence,
    )
