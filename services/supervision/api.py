"""Supervision routes: the map, households, claims, position agents, inspections, findings.

Each route parses the request, builds the use case's command, and answers with the schema of
what the use case returns.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse

from chassis.auth import Principal, require_roles
from chassis.context import context_of
from chassis.idempotency import IdempotencyKeyHeader, idempotent_create, request_fingerprint
from chassis.problems import PROBLEM
from chassis.uow import UnitOfWorkDep
from contracts.values import CreditCode
from services.supervision.context import SupervisionContext
from services.supervision.domain import Grid, Household, Office
from services.supervision.schemas import (
    Assignment,
    AttachmentOut,
    CaseTransferIn,
    CaseTransferOut,
    DelegationIn,
    DelegationList,
    DelegationOut,
    FileEntry,
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
from services.supervision.usecases import attachments, findings, households, inspections
from services.supervision.usecases import delegations as agents
from services.supervision.usecases import map as grid_map

Admin = Annotated[Principal, require_roles("admin")]
Staff = Annotated[Principal, require_roles("grid_inspector", "office_head", "auditor", "admin")]
Head = Annotated[Principal, require_roles("office_head", "admin")]
Inspector = Annotated[Principal, require_roles("grid_inspector")]
# Those who work in the street, and their heads.
StreetStaff = Annotated[Principal, require_roles("grid_inspector", "office_head")]
CreditCodePath = Annotated[CreditCode, Path(description="Unified social credit code")]
GridPath = Annotated[str, Path(pattern=r"^[0-9]{15}$", description="Grid code")]
Sha256Path = Annotated[str, Path(pattern=r"^[0-9a-f]{64}$")]
Context = Annotated[SupervisionContext, Depends(context_of)]

router = APIRouter(tags=["supervision"], responses={403: PROBLEM})


def office_out(office: Office) -> OfficeOut:
    """An office as answered."""
    return OfficeOut.model_validate(office, from_attributes=True)


def grid_out(grid: Grid) -> GridOut:
    """A grid as answered: its polygon as drawn."""
    return GridOut.model_validate(
        {
            "id": grid.id,
            "office_id": grid.office_id,
            "name": grid.name,
            "polygon": dict(grid.geojson),
            "community_codes": list(grid.community_codes),
            "owner": grid.owner,
            "updated_at": grid.updated_at,
        }
    )


def household_out(household: Household) -> HouseholdOut:
    """A household as answered."""
    return HouseholdOut.model_validate(household, from_attributes=True)


@router.post("/offices", status_code=201, response_model=OfficeOut, responses={409: PROBLEM})
async def create_office(body: OfficeIn, _: Admin, ctx: Context, uow: UnitOfWorkDep) -> OfficeOut:
    """A new office in area 1 or 2."""
    office = Office(id=body.id, name=body.name, area=body.area)
    return office_out(await grid_map.create_office(ctx, uow, office))


@router.get("/offices", response_model=OfficeList)
async def list_offices(_: Staff, uow: UnitOfWorkDep) -> OfficeList:
    """Every office and its area."""
    return OfficeList(offices=[office_out(o) for o in await grid_map.offices(uow.connection)])


@router.post(
    "/grids", status_code=201, response_model=GridOut, responses={409: PROBLEM, 422: PROBLEM}
)
async def create_grid(body: GridIn, _: Admin, ctx: Context, uow: UnitOfWorkDep) -> GridOut:
    """Draw a grid; unrouted households inside it go to its owner."""
    drawn = body.model_dump(mode="json")
    command = grid_map.DrawGrid(
        id=drawn["id"],
        office_id=drawn["office_id"],
        name=drawn["name"],
        polygon=drawn["polygon"],
        community_codes=drawn["community_codes"],
        owner=drawn["owner"],
    )
    return grid_out(await grid_map.create_grid(ctx, uow, command))


@router.put("/grids/{grid_id}", response_model=GridOut, responses={404: PROBLEM, 409: PROBLEM})
async def update_grid(
    grid_id: GridPath, body: GridChange, _: Admin, ctx: Context, uow: UnitOfWorkDep
) -> GridOut:
    """Re-draw or re-assign a grid; the households it touches are re-routed."""
    changes = body.model_dump(mode="json", exclude_unset=True)
    command = grid_map.RedrawGrid(id=grid_id, **changes)
    return grid_out(await grid_map.update_grid(ctx, uow, command))


@router.get("/grids", response_model=GridList)
async def list_grids(
    _: Staff,
    uow: UnitOfWorkDep,
    office_id: Annotated[str | None, Query(max_length=64)] = None,
) -> GridList:
    """The grids (of one office if asked)."""
    return GridList(grids=[grid_out(g) for g in await grid_map.grids(uow.connection, office_id)])


@router.get("/grids/{grid_id}", response_model=GridOut, responses={404: PROBLEM})
async def get_grid(grid_id: GridPath, _: Staff, uow: UnitOfWorkDep) -> GridOut:
    """One grid."""
    return grid_out(await grid_map.grid(uow.connection, grid_id))


@router.get("/households", response_model=HouseholdList)
async def list_households(
    *,
    principal: Staff,
    ctx: Context,
    uow: UnitOfWorkDep,
    grid_id: Annotated[str | None, Query(pattern=r"^[0-9]{15}$")] = None,
    status: Literal["unrouted", "assigned", "claimed", "cancelled"] | None = None,
    cursor: Annotated[str | None, Query(max_length=18)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> HouseholdList:
    """The households in one's scope (one's grids, one's office, or all for auditors)."""
    query = households.HouseholdQuery(principal, grid_id, status, cursor, limit)
    page = await households.households(ctx, uow.connection, query)
    return HouseholdList(
        households=[household_out(h) for h in page.households], next_cursor=page.next_cursor
    )


@router.get("/households/{credit_code}", response_model=HouseholdOut, responses={404: PROBLEM})
async def get_household(
    credit_code: CreditCodePath, principal: Staff, ctx: Context, uow: UnitOfWorkDep
) -> HouseholdOut:
    """One household; 404 when absent or outside one's scope."""
    return household_out(await households.household(ctx, uow.connection, principal, credit_code))


@router.post(
    "/households/{credit_code}/claim",
    response_model=HouseholdOut,
    responses={404: PROBLEM, 409: PROBLEM},
)
async def claim(
    credit_code: CreditCodePath, principal: Inspector, ctx: Context, uow: UnitOfWorkDep
) -> HouseholdOut:
    """认领: the grid's owner, or their agent, takes the household into the inspection plan."""
    command = households.Claim(principal, credit_code)
    return household_out(await households.claim(ctx, uow, command))


@router.post(
    "/households/{credit_code}/assign",
    response_model=HouseholdOut,
    responses={404: PROBLEM, 409: PROBLEM, 422: PROBLEM},
)
async def assign(
    credit_code: CreditCodePath, body: Assignment, principal: Head, ctx: Context, uow: UnitOfWorkDep
) -> HouseholdOut:
    """The office head gives an unrouted (or misrouted) household to one of their grids."""
    command = households.AssignByHand(principal, credit_code, body.grid_id)
    return household_out(await households.assign_by_hand(ctx, uow, command))


@router.post("/delegations", status_code=201, response_model=DelegationOut)
async def delegate(
    *,
    request: Request,
    body: DelegationIn,
    principal: Staff,
    ctx: Context,
    uow: UnitOfWorkDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Name a position agent for an officer for a date range."""
    command = agents.NameDelegation(principal, body.officer, body.agent, body.start, body.end)

    async def create() -> DelegationOut:
        named = await agents.delegate(ctx, uow, command)
        return DelegationOut.model_validate(named, from_attributes=True)

    return await idempotent_create(
        uow,
        key=idempotency_key,
        scope=f"delegations:{principal.subject}",
        fingerprint=request_fingerprint(request, body),
        create=create,
    )


@router.get("/delegations", response_model=DelegationList)
async def list_delegations(
    principal: Staff,
    uow: UnitOfWorkDep,
    on: Annotated[date | None, Query(description="running on this day (default: any)")] = None,
) -> DelegationList:
    """Who stands in for whom: an inspector's own (as officer or agent), everyone's for heads,
    auditors and admins."""
    found = await agents.delegations(uow.connection, principal, on=on)
    return DelegationList(
        delegations=[DelegationOut.model_validate(d, from_attributes=True) for d in found]
    )


@router.get(
    "/households/{credit_code}/file", response_model=HouseholdFile, responses={404: PROBLEM}
)
async def household_file(
    credit_code: CreditCodePath, principal: Staff, ctx: Context, uow: UnitOfWorkDep
) -> HouseholdFile:
    """The supervision file: licence, assignments, claims, inspections, penalties, complaints."""
    entries = await households.file(ctx, uow.connection, principal, credit_code)
    return HouseholdFile(
        credit_code=credit_code,
        entries=[
            FileEntry.model_validate(
                {**entry.detail, "kind": entry.kind, "at": entry.at, "actor": entry.actor}
            )
            for entry in entries
        ],
    )


@router.post(
    "/attachments",
    status_code=201,
    response_model=AttachmentOut,
    responses={413: PROBLEM, 415: PROBLEM},
)
async def upload_attachment(
    file: UploadFile, principal: StreetStaff, ctx: Context, uow: UnitOfWorkDep
) -> AttachmentOut:
    """A photo or document (JPEG, PNG, PDF) for a record or a case, kept by its SHA-256."""

    async def chunks() -> AsyncIterator[bytes]:
        while chunk := await file.read(attachments.CHUNK):
            yield chunk

    stored = await attachments.store(ctx, uow, principal, chunks())
    return AttachmentOut.model_validate(stored, from_attributes=True)


@router.get(
    "/attachments/{sha256}",
    response_class=FileResponse,
    responses={200: {"content": {"application/octet-stream": {}}}, 404: PROBLEM},
)
async def download_attachment(
    sha256: Sha256Path, _: Staff, ctx: Context, uow: UnitOfWorkDep
) -> FileResponse:
    """An attachment's content."""
    stored = await attachments.attachment(uow.connection, sha256)
    return FileResponse(ctx.attachment_path(sha256), media_type=stored.media_type)


def inspection_command(
    principal: Principal, body: InspectionIn, correcting: uuid.UUID | None = None
) -> inspections.RecordInspection:
    """The record (or correction) the body asks for."""
    return inspections.RecordInspection(
        by=principal,
        started_at=body.started_at,
        ended_at=body.ended_at,
        route=body.route,
        households=body.households,
        findings=body.findings,
        actions=body.actions,
        attachments=body.attachments,
        correcting=correcting,
        reason=body.reason if isinstance(body, InspectionCorrection) else None,
    )


async def _recorded(
    *,
    request: Request,
    ctx: SupervisionContext,
    uow: UnitOfWorkDep,
    body: InspectionIn,
    command: inspections.RecordInspection,
    key: str | None,
) -> JSONResponse:
    async def create() -> InspectionOut:
        recorded = await inspections.record(ctx, uow, command)
        return InspectionOut.model_validate(recorded, from_attributes=True)

    return await idempotent_create(
        uow,
        key=key,
        scope=f"inspections:{command.by.subject}",
        fingerprint=request_fingerprint(request, body),
        create=create,
    )


@router.post(
    "/inspections",
    status_code=201,
    response_model=InspectionOut,
    responses={403: PROBLEM, 422: PROBLEM},
)
async def record_inspection(
    *,
    request: Request,
    body: InspectionIn,
    principal: Inspector,
    ctx: Context,
    uow: UnitOfWorkDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Submit an inspection record; it never changes afterwards."""
    command = inspection_command(principal, body)
    return await _recorded(
        request=request, ctx=ctx, uow=uow, body=body, command=command, key=idempotency_key
    )


@router.post(
    "/inspections/{inspection_id}/corrections",
    status_code=201,
    response_model=InspectionOut,
    responses={403: PROBLEM, 404: PROBLEM, 422: PROBLEM},
)
async def correct_inspection(
    *,
    request: Request,
    inspection_id: uuid.UUID,
    body: InspectionCorrection,
    principal: Inspector,
    ctx: Context,
    uow: UnitOfWorkDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """A correction: the record as it should read, kept as its next version beside the old."""
    command = inspection_command(principal, body, correcting=inspection_id)
    return await _recorded(
        request=request, ctx=ctx, uow=uow, body=body, command=command, key=idempotency_key
    )


@router.get("/inspections/{inspection_id}", response_model=InspectionOut, responses={404: PROBLEM})
async def get_inspection(
    inspection_id: uuid.UUID, principal: Staff, ctx: Context, uow: UnitOfWorkDep
) -> InspectionOut:
    """An inspection record with its versions."""
    found = await inspections.inspection_record(ctx, uow.connection, principal, inspection_id)
    return InspectionOut.model_validate(found, from_attributes=True)


@router.get("/inspection-plan", response_model=InspectionPlan)
async def inspection_plan(principal: Inspector, ctx: Context, uow: UnitOfWorkDep) -> InspectionPlan:
    """One's claimed households due a visit, the longest unvisited first."""
    due = await inspections.plan(ctx, uow.connection, principal)
    return InspectionPlan(households=[household_out(h) for h in due])


@router.post("/unlicensed-findings", status_code=201, response_model=FindingOut)
async def unlicensed_found(
    *,
    request: Request,
    body: UnlicensedIn,
    principal: Inspector,
    ctx: Context,
    uow: UnitOfWorkDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """A trader without a licence: the mobile licensing van is told where to call."""
    address = body.address.model_dump(mode="json")
    command = findings.ReportUnlicensed(principal, address, body.description)

    async def create() -> FindingOut:
        found = await findings.unlicensed_found(ctx, uow, command)
        return FindingOut.model_validate(found, from_attributes=True)

    return await idempotent_create(
        uow,
        key=idempotency_key,
        scope=f"unlicensed-findings:{principal.subject}",
        fingerprint=request_fingerprint(request, body),
        create=create,
    )


@router.get(
    "/unlicensed-findings/{finding_id}", response_model=FindingOut, responses={404: PROBLEM}
)
async def get_finding(
    finding_id: uuid.UUID, principal: Staff, ctx: Context, uow: UnitOfWorkDep
) -> FindingOut:
    """A finding, and the licence if the trader has registered since."""
    found = await findings.finding(ctx, uow.connection, principal, finding_id)
    return FindingOut.model_validate(found, from_attributes=True)


@router.post(
    "/case-transfers", status_code=201, response_model=CaseTransferOut, responses={422: PROBLEM}
)
async def transfer_case_source(
    *,
    request: Request,
    body: CaseTransferIn,
    principal: StreetStaff,
    ctx: Context,
    uow: UnitOfWorkDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """案源移送: a case source with its evidence to enforcement."""
    command = findings.TransferCaseSource(
        principal, body.credit_code, body.finding_id, body.allegation, body.evidence
    )

    async def create() -> CaseTransferOut:
        transferred = await findings.transfer(ctx, uow, command)
        return CaseTransferOut.model_validate(transferred, from_attributes=True)

    return await idempotent_create(
        uow,
        key=idempotency_key,
        scope=f"case-transfers:{principal.subject}",
        fingerprint=request_fingerprint(request, body),
        create=create,
    )
