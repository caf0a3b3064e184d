"""Supervision routes: the map, households, claims, position agents, inspections, findings
(each parses, builds the use case's command, and answers with the schema of its result)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse
from fastapi.types import DecoratedCallable
from pydantic import BaseModel

from chassis.auth import CurrentPrincipal, Principal, require_roles
from chassis.context import context_of
from chassis.idempotency import IdempotencyKeyHeader, idempotent_create, request_fingerprint
from chassis.problems import PROBLEM
from chassis.uow import UnitOfWork, UnitOfWorkDep
from contracts.values import CreditCode
from services.supervision.context import SupervisionContext
from services.supervision.domain import InspectionReport, Office
from services.supervision.schemas import (
    Assignment,
    AttachmentOut,
    CaseTransferIn,
    CaseTransferList,
    CaseTransferOut,
    DeadlineWatch,
    DelegationIn,
    DelegationList,
    DelegationOut,
    DrawIn,
    DrawOut,
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
    PublishedResults,
    RandomPlanIn,
    RandomPlanList,
    RandomPlanOut,
    ResultIn,
    ResultList,
    ResultOut,
    UnlicensedIn,
)
from services.supervision.usecases import (
    attachments,
    deadlines,
    draws,
    findings,
    households,
    inspections,
)
from services.supervision.usecases import delegations as agents
from services.supervision.usecases import map as grid_map

Admin = Annotated[Principal, require_roles("admin")]
Staff = Annotated[Principal, require_roles("grid_inspector", "office_head", "auditor", "admin")]
Head = Annotated[Principal, require_roles("office_head", "admin")]
Inspector = Annotated[Principal, require_roles("grid_inspector")]
# Random inspections are the office head's own (an admin neither plans nor draws them).
OfficeHead = Annotated[Principal, require_roles("office_head")]
# Those who work in the street, and their heads.
StreetStaff = Annotated[Principal, require_roles("grid_inspector", "office_head")]
CreditCodePath = Annotated[CreditCode, Path(description="Unified social credit code")]
GridPath = Annotated[str, Path(pattern=r"^[0-9]{15}$", description="Grid code")]
Sha256Path = Annotated[str, Path(pattern=r"^[0-9a-f]{64}$")]
Context = Annotated[SupervisionContext, Depends(context_of)]

router = APIRouter(tags=["supervision"], responses={403: PROBLEM})


def creates(
    path: str, answer: type[BaseModel], *problems: int
) -> Callable[[DecoratedCallable], DecoratedCallable]:
    """A POST route that answers 201 with `answer`, or a problem with one of these statuses."""
    return router.post(
        path, status_code=201, response_model=answer, responses=dict.fromkeys(problems, PROBLEM)
    )


@dataclass(frozen=True)
class Creation:
    """A creating request: itself, its unit of work and the caller's Idempotency-Key."""

    request: Request
    uow: UnitOfWork
    key: str | None

    async def answer(
        self, what: str, by: Principal, body: BaseModel, create: Callable[[], Awaitable[BaseModel]]
    ) -> JSONResponse:
        """201 with the `what` that `create` made, once per caller (`by`) and key: a retry with
        the key gets the first answer."""
        fingerprint = request_fingerprint(self.request, body)
        return await idempotent_create(
            self.uow,
            key=self.key,
            scope=f"{what}:{by.subject}",
            fingerprint=fingerprint,
            create=create,
        )


async def creation(
    request: Request, uow: UnitOfWorkDep, key: IdempotencyKeyHeader = None
) -> Creation:
    """The request as a creation."""
    return Creation(request, uow, key)


Creating = Annotated[Creation, Depends(creation)]


@creates("/offices", OfficeOut, 409)
async def create_office(
    body: OfficeIn, admin: Admin, ctx: Context, uow: UnitOfWorkDep
) -> OfficeOut:
    """A new office in area 1 or 2."""
    office = Office(**body.model_dump())
    created = await grid_map.create_office(ctx, uow, office, by=admin.subject)
    return OfficeOut.model_validate(created)


@router.get("/offices", response_model=OfficeList)
async def list_offices(_: Staff, uow: UnitOfWorkDep) -> OfficeList:
    """Every office and its area."""
    return OfficeList.model_validate({"offices": await grid_map.offices(uow.connection)})


@creates("/grids", GridOut, 409, 422)
async def create_grid(body: GridIn, admin: Admin, ctx: Context, uow: UnitOfWorkDep) -> GridOut:
    """Draw a grid; unrouted households inside it go to its owner."""
    command = grid_map.DrawGrid(**body.model_dump(mode="json"))
    return GridOut.model_validate(await grid_map.create_grid(ctx, uow, command, by=admin.subject))


@router.put("/grids/{grid_id}", response_model=GridOut, responses={404: PROBLEM, 409: PROBLEM})
async def update_grid(
    grid_id: GridPath, body: GridChange, admin: Admin, ctx: Context, uow: UnitOfWorkDep
) -> GridOut:
    """Re-draw or re-assign a grid; the households it touches are re-routed."""
    changes = body.model_dump(mode="json", exclude_unset=True)
    command = grid_map.RedrawGrid(id=grid_id, **changes)
    return GridOut.model_validate(await grid_map.update_grid(ctx, uow, command, by=admin.subject))


@router.get("/grids", response_model=GridList)
async def list_grids(
    _: Staff,
    uow: UnitOfWorkDep,
    office_id: Annotated[str | None, Query(max_length=64)] = None,
) -> GridList:
    """The grids (of one office if asked)."""
    return GridList.model_validate({"grids": await grid_map.grids(uow.connection, office_id)})


@router.get("/grids/{grid_id}", response_model=GridOut, responses={404: PROBLEM})
async def get_grid(grid_id: GridPath, _: Staff, uow: UnitOfWorkDep) -> GridOut:
    """One grid."""
    return GridOut.model_validate(await grid_map.grid(uow.connection, grid_id))


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
    return HouseholdList.model_validate(
        {"households": page.households, "next_cursor": page.next_cursor}
    )


@router.get("/households/{credit_code}", response_model=HouseholdOut, responses={404: PROBLEM})
async def get_household(
    credit_code: CreditCodePath, principal: Staff, ctx: Context, uow: UnitOfWorkDep
) -> HouseholdOut:
    """One household; 404 when absent or outside one's scope."""
    return HouseholdOut.model_validate(
        await households.household(ctx, uow.connection, principal, credit_code)
    )


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
    return HouseholdOut.model_validate(await households.claim(ctx, uow, command))


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
    return HouseholdOut.model_validate(await households.assign_by_hand(ctx, uow, command))


@creates("/delegations", DelegationOut)
async def delegate(
    body: DelegationIn, principal: Staff, ctx: Context, creating: Creating
) -> JSONResponse:
    """Name a position agent for an officer for a date range."""
    command = agents.NameDelegation(principal, body.officer, body.agent, body.start, body.end)

    async def create() -> DelegationOut:
        return DelegationOut.model_validate(await agents.delegate(ctx, creating.uow, command))

    return await creating.answer("delegations", principal, body, create)


@router.get("/delegations", response_model=DelegationList)
async def list_delegations(
    principal: Staff,
    uow: UnitOfWorkDep,
    on: Annotated[date | None, Query(description="running on this day (default: any)")] = None,
) -> DelegationList:
    """Who stands in for whom: one's own (as officer or agent); all for heads, auditors, admins."""
    found = await agents.delegations(uow.connection, principal, on=on)
    return DelegationList.model_validate({"delegations": found})


@router.get(
    "/households/{credit_code}/file", response_model=HouseholdFile, responses={404: PROBLEM}
)
async def household_file(
    credit_code: CreditCodePath, principal: Staff, ctx: Context, uow: UnitOfWorkDep
) -> HouseholdFile:
    """The supervision file: licence, assignments, claims, inspections, penalties, complaints."""
    entries = await households.file(ctx, uow.connection, principal, credit_code)
    return HouseholdFile.of(credit_code, entries)


@creates("/attachments", AttachmentOut, 413, 415)
async def upload_attachment(
    file: UploadFile, principal: StreetStaff, ctx: Context, uow: UnitOfWorkDep
) -> AttachmentOut:
    """A photo or document (JPEG, PNG, PDF) for a record or a case, kept by its SHA-256."""

    async def chunks() -> AsyncIterator[bytes]:
        while chunk := await file.read(attachments.CHUNK):
            yield chunk

    stored = await attachments.store(ctx, uow, principal, chunks())
    return AttachmentOut.model_validate(stored)


@router.get(
    "/attachments/{sha256}",
    response_class=FileResponse,
    responses={200: {"content": {"application/octet-stream": {}}}, 404: PROBLEM},
)
async def download_attachment(
    sha256: Sha256Path, principal: Staff, ctx: Context, uow: UnitOfWorkDep
) -> FileResponse:
    """An attachment's content, for whoever stored it or may see a record or a case transfer
    citing it."""
    stored = await attachments.readable(ctx, uow.connection, principal, sha256)
    return FileResponse(ctx.attachment_path(sha256), media_type=stored.media_type)


async def recorded(
    ctx: SupervisionContext,
    creating: Creation,
    principal: Principal,
    body: InspectionIn,
    correcting: uuid.UUID | None = None,
) -> JSONResponse:
    """201 with the record (or correction) the body asks for, once per Idempotency-Key."""
    report = InspectionReport(**body.model_dump(exclude={"reason"}))
    why = body.reason if isinstance(body, InspectionCorrection) else None
    command = inspections.RecordInspection(principal, report, correcting, why)

    async def create() -> InspectionOut:
        return InspectionOut.model_validate(await inspections.record(ctx, creating.uow, command))

    return await creating.answer("inspections", principal, body, create)


@creates("/inspections", InspectionOut, 403, 422)
async def record_inspection(
    body: InspectionIn, principal: Inspector, ctx: Context, creating: Creating
) -> JSONResponse:
    """Submit an inspection record; it never changes afterwards."""
    return await recorded(ctx, creating, principal, body)


@creates("/inspections/{inspection_id}/corrections", InspectionOut, 403, 404, 422)
async def correct_inspection(
    inspection_id: uuid.UUID,
    body: InspectionCorrection,
    principal: Inspector,
    ctx: Context,
    creating: Creating,
) -> JSONResponse:
    """A correction: the record as it should read, kept as its next version beside the old."""
    return await recorded(ctx, creating, principal, body, inspection_id)


@router.get("/inspections/{inspection_id}", response_model=InspectionOut, responses={404: PROBLEM})
async def get_inspection(
    inspection_id: uuid.UUID, principal: Staff, ctx: Context, uow: UnitOfWorkDep
) -> InspectionOut:
    """An inspection record with its versions."""
    found = await inspections.inspection_record(ctx, uow.connection, principal, inspection_id)
    return InspectionOut.model_validate(found)


@router.get("/inspection-plan", response_model=InspectionPlan)
async def inspection_plan(
    principal: Inspector,
    ctx: Context,
    uow: UnitOfWorkDep,
    due_by: Annotated[date | None, Query(description="only those due by this day")] = None,
) -> InspectionPlan:
    """One's claimed households with their risk class and next due visit, soonest first."""
    entries = await draws.plan_entries(ctx, uow.connection, principal, due_by)
    return InspectionPlan.model_validate({"households": [e._mapping for e in entries]})


@router.get("/deadlines", response_model=DeadlineWatch)
async def deadline_watch(principal: Staff, ctx: Context, uow: UnitOfWorkDep) -> DeadlineWatch:
    """Results to publish and plan visits overdue or due within DEADLINE_SOON_DAYS working
    days, with their rule and basis: an office head's office's, an inspector's own plan's
    (and of whom they act for today), the district's for auditors and admins."""
    found = await deadlines.watch_list(ctx, uow, principal)
    return DeadlineWatch.model_validate({"deadlines": found}, from_attributes=True)


def plan_out(view: draws.PlanView) -> RandomPlanOut:
    """A plan and its draws as answered."""
    return RandomPlanOut.model_validate(
        {**view.plan._mapping, "draws": view.draws, "results": view.results}
    )


@creates("/random-inspections", RandomPlanOut, 403, 422)
async def create_random_plan(
    body: RandomPlanIn, principal: OfficeHead, ctx: Context, creating: Creating
) -> JSONResponse:
    """双随机抽查计划: a plan of one's office, its inspector pool and the class ratios."""
    command = draws.CreatePlan(
        principal, body.title, body.inspectors, body.inspectors_per_household
    )

    async def create() -> RandomPlanOut:
        return plan_out(await draws.create_plan(ctx, creating.uow, command))

    return await creating.answer("random-inspections", principal, body, create)


@router.get("/random-inspections", response_model=RandomPlanList)
async def list_random_plans(principal: Staff, ctx: Context, uow: UnitOfWorkDep) -> RandomPlanList:
    """The plans of one's office, newest first (auditors and admins: every office's)."""
    found = await draws.plans(ctx, uow.connection, principal)
    return RandomPlanList.model_validate({"plans": found})


@router.get("/random-inspections/{plan_id}", response_model=RandomPlanOut, responses={404: PROBLEM})
async def get_random_plan(
    plan_id: uuid.UUID, principal: Staff, ctx: Context, uow: UnitOfWorkDep
) -> RandomPlanOut:
    """A plan with every draw it had: its office's people, auditors and admins."""
    return plan_out(await draws.plan(ctx, uow.connection, principal, plan_id))


@creates("/random-inspections/{plan_id}/draws", DrawOut, 403, 404, 409, 422)
async def commit_draw(
    plan_id: uuid.UUID, body: DrawIn, principal: OfficeHead, ctx: Context, uow: UnitOfWorkDep
) -> DrawOut:
    """Commit the next draw: the register's snapshot and a secret seed, the commitment to them
    published (supervision.draw.committed) before anything is drawn."""
    command = draws.CommitDraw(principal, plan_id, body.reason)
    return DrawOut.model_validate(await draws.commit_draw(ctx, uow, command))


@router.post(
    "/random-inspections/{plan_id}/draws/{number}/reveal",
    response_model=DrawOut,
    responses={404: PROBLEM, 409: PROBLEM},
)
async def reveal_draw(
    plan_id: uuid.UUID,
    number: Annotated[int, Path(ge=1)],
    principal: OfficeHead,
    ctx: Context,
    uow: UnitOfWorkDep,
) -> DrawOut:
    """Draw: the seed revealed, the households and their inspectors drawn and published
    (supervision.draw.drawn) with every input."""
    command = draws.Reveal(principal, plan_id, number)
    return DrawOut.model_validate(await draws.reveal(ctx, uow, command))


@creates("/random-inspections/{plan_id}/results", ResultOut, 403, 404, 409, 422)
async def record_random_result(
    plan_id: uuid.UUID, body: ResultIn, principal: StreetStaff, ctx: Context, uow: UnitOfWorkDep
) -> ResultOut:
    """A drawn household's result, by one of its drawn inspectors or the office head; due on
    the publicity feed within 20 working days (supervision.draw_results)."""
    command = draws.RecordResult(principal, plan_id, body.credit_code, body.outcome, body.note)
    return ResultOut.model_validate(await draws.record_result(ctx, uow, command))


@router.post(
    "/random-inspections/{plan_id}/results/publish",
    response_model=ResultList,
    responses={404: PROBLEM, 409: PROBLEM},
)
async def publish_random_results(
    plan_id: uuid.UUID, principal: OfficeHead, ctx: Context, uow: UnitOfWorkDep
) -> ResultList:
    """一公开: the plan's results not yet published go on the publicity feed."""
    published = await draws.publish_results(ctx, uow, principal, plan_id)
    return ResultList.model_validate({"results": published})


@router.get("/random-inspection-results", response_model=PublishedResults)
async def random_inspection_publicity(
    _: CurrentPrincipal,
    uow: UnitOfWorkDep,
    office_id: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> PublishedResults:
    """The publicity feed of random inspection results, newest first: public (一公开), so for
    anyone signed in, the gateway's public page among them; it names no staff."""
    found = await draws.publicity(uow.connection, office_id, limit)
    return PublishedResults.model_validate({"results": found})


@creates("/unlicensed-findings", FindingOut)
async def unlicensed_found(
    body: UnlicensedIn, principal: Inspector, ctx: Context, creating: Creating
) -> JSONResponse:
    """A trader without a licence: the mobile licensing van is told where to call."""
    address = body.address.model_dump(mode="json")
    command = findings.ReportUnlicensed(principal, address, body.description)

    async def create() -> FindingOut:
        return FindingOut.model_validate(
            await findings.unlicensed_found(ctx, creating.uow, command)
        )

    return await creating.answer("unlicensed-findings", principal, body, create)


@router.get(
    "/unlicensed-findings/{finding_id}", response_model=FindingOut, responses={404: PROBLEM}
)
async def get_finding(
    finding_id: uuid.UUID, principal: Staff, ctx: Context, uow: UnitOfWorkDep
) -> FindingOut:
    """A finding, and the licence if the trader has registered since."""
    found = await findings.finding(ctx, uow.connection, principal, finding_id)
    return FindingOut.model_validate(found)


@creates("/case-transfers", CaseTransferOut, 422)
async def transfer_case_source(
    body: CaseTransferIn, principal: StreetStaff, ctx: Context, creating: Creating
) -> JSONResponse:
    """案源移送: a case source with its evidence to enforcement."""
    command = findings.TransferCaseSource(
        principal,
        body.credit_code,
        body.finding_id,
        body.allegation,
        body.evidence,
        body.discovered_on,
    )

    async def create() -> CaseTransferOut:
        return CaseTransferOut.model_validate(await findings.transfer(ctx, creating.uow, command))

    return await creating.answer("case-transfers", principal, body, create)


@router.get("/case-transfers", response_model=CaseTransferList)
async def list_case_transfers(
    *,
    principal: Staff,
    ctx: Context,
    uow: UnitOfWorkDep,
    credit_code: CreditCode | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> CaseTransferList:
    """The case sources in the caller's scope the offices transferred, the latest first, each
    with what came of it at enforcement; of one business if `credit_code` is given."""
    code = None if credit_code is None else str(credit_code)
    found = await findings.case_transfers(ctx, uow.connection, principal, code, limit)
    return CaseTransferList.model_validate({"case_transfers": found}, from_attributes=True)


@router.get(
    "/case-transfers/{case_source_id}", response_model=CaseTransferOut, responses={404: PROBLEM}
)
async def get_case_transfer(
    case_source_id: uuid.UUID, principal: Staff, ctx: Context, uow: UnitOfWorkDep
) -> CaseTransferOut:
    """A case source the offices transferred, and what came of it at enforcement."""
    found = await findings.case_transfer(ctx, uow.connection, principal, case_source_id)
    return CaseTransferOut.model_validate(found)
