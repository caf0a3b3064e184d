"""Enforcement routes: case sources from every department, filing, and the steps of a case."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import date
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from chassis.auth import CurrentPrincipal, Principal, require_roles
from chassis.context import context_of
from chassis.idempotency import IdempotencyKeyHeader, idempotent_create, request_fingerprint
from chassis.problems import PROBLEM, post_route
from chassis.uow import UnitOfWork, UnitOfWorkDep
from services.enforcement import presenters as out
from services.enforcement.domain import CaseStatus, SourceDepartment
from services.enforcement.repositories.case_sources import CaseSourceFilter
from services.enforcement.repositories.cases import CaseFilter
from services.enforcement.schemas import (
    CaseFiledOut,
    CaseList,
    CaseOut,
    CaseSourceIn,
    CaseSourceList,
    CaseSourceOut,
    CashHandoverIn,
    CitizenPartyOut,
    DeadlineWatch,
    DecisionExtensionIn,
    DecisionIn,
    DeclineIn,
    ExtensionIn,
    FaultFindingIn,
    FileIn,
    HearingIn,
    HearingRequestIn,
    InvestigationRecordIn,
    InvestigationRecordOut,
    NoticeIn,
    OfficeReport,
    OnTheSpotPenaltyIn,
    OnTheSpotPenaltyList,
    OnTheSpotPenaltyOut,
    OrganisationPartyOut,
    PartyOut,
    PaymentIn,
    PenaltyNoticeIn,
    PublicityFeed,
    PublicityWithdrawalIn,
    ReturnVisitIn,
    ServiceIn,
    StatementAnswerIn,
    StatementIn,
    StopIn,
    TestingIn,
    Username,
    WaiverIn,
)
from services.enforcement.settings import EnforcementContext
from services.enforcement.usecases import cases, deadlines, filing, intake, on_the_spot, reports

Ctx = Annotated[EnforcementContext, Depends(context_of)]
Uow = UnitOfWorkDep

router = APIRouter(tags=["enforcement"], responses={403: PROBLEM})


# A POST route answering its model, or problem+json with the statuses named.
_post = partial(post_route, router)


async def _once(
    request: Request,
    body: BaseModel,
    uow: UnitOfWork,
    *,
    scope: str,
    key: str | None,
    create: Callable[[], Awaitable[BaseModel]],
) -> JSONResponse:
    """Create once per Idempotency-Key in `scope`: a retry gets the first answer."""
    fingerprint = request_fingerprint(request, body)
    return await idempotent_create(
        uow, key=key, scope=scope, fingerprint=fingerprint, create=create
    )


# The sub-bureau's officers act within their section (their token's office); auditors read.
Officer = Annotated[Principal, require_roles("enforcement_officer", "admin")]
Reader = Annotated[Principal, require_roles("enforcement_officer", "auditor", "admin")]
# Deciding a case source is the section's officers' own act, never an administrator's.
SectionOfficer = Annotated[Principal, require_roles("enforcement_officer")]


@_post("/case-sources", CaseSourceOut, 422, status_code=201)
async def hand_in_case_source(
    *,
    request: Request,
    body: CaseSourceIn,
    principal: Officer,
    ctx: Ctx,
    uow: Uow,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """A case source from trademark, advertising or market, entered at the sub-bureau's desk;
    a retry with the same Idempotency-Key gets the first answer."""
    command = intake.HandIn(
        by=principal,
        source_department=body.source_department,
        credit_code=body.credit_code,
        allegation=body.allegation,
        evidence=tuple(body.evidence),
        office_id=body.office_id,
    )

    async def create() -> CaseSourceOut:
        return out.case_source_out(await intake.receive_by_hand(uow, ctx.clock, command))

    scope = f"case-sources:{principal.subject}"
    return await _once(request, body, uow, scope=scope, key=idempotency_key, create=create)


@router.get("/case-sources", response_model=CaseSourceList)
async def list_case_sources(
    *,
    principal: Reader,
    uow: Uow,
    status: Annotated[str | None, Query(pattern="^(received|filed|declined)$")] = None,
    unrouted: Annotated[bool, Query(description="only those no section took yet")] = False,
    department: Annotated[SourceDepartment | None, Query(description="where it came from")] = None,
    q: Annotated[
        str | None,
        Query(min_length=1, max_length=200, description="in the allegation or the credit code"),
    ] = None,
    due_from: Annotated[date | None, Query(description="verification due on or after")] = None,
    due_until: Annotated[date | None, Query(description="verification due on or before")] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> CaseSourceList:
    """One's section's case sources, the soonest verification deadline first, a page at a
    time."""
    query = CaseSourceFilter(status, department, unrouted, q, due_from, due_until, cursor, limit)
    return out.case_source_list(*await intake.case_sources(uow, principal, query))


@router.get(
    "/case-sources/{case_source_id}", response_model=CaseSourceOut, responses={404: PROBLEM}
)
async def get_case_source(case_source_id: uuid.UUID, principal: Reader, uow: Uow) -> CaseSourceOut:
    """A case source of one's section (404 for another section's)."""
    return out.case_source_out(await intake.case_source(uow, principal, case_source_id))


@_post("/case-sources/{case_source_id}/file", CaseFiledOut, 404, 409, 422, status_code=201)
async def file_case(
    case_source_id: uuid.UUID, body: FileIn, principal: SectionOfficer, ctx: Ctx, uow: Uow
) -> CaseFiledOut:
    """立案: a case with its handlers (two or more) and its decision deadline."""
    command = filing.FileCase(case_source_id, principal, tuple(body.handlers))
    return out.case_filed_out(await filing.file_case(uow, ctx.clock, command))


@_post("/case-sources/{case_source_id}/decline", CaseSourceOut, 404, 409)
async def decline(
    case_source_id: uuid.UUID, body: DeclineIn, principal: SectionOfficer, ctx: Ctx, uow: Uow
) -> CaseSourceOut:
    """不予立案, with reasons."""
    command = filing.Decline(case_source_id, principal, tuple(body.reasons))
    return out.case_source_out(await filing.decline(uow, ctx.clock, command))


@_post("/case-sources/{case_source_id}/extension", CaseSourceOut, 404, 409)
async def extend_verification(
    case_source_id: uuid.UUID, body: ExtensionIn, principal: SectionOfficer, ctx: Ctx, uow: Uow
) -> CaseSourceOut:
    """Record the approved extension of the verification period (once, +15 working days)."""
    command = filing.ExtendVerification(case_source_id, principal, body.approved_by, body.reason)
    return out.case_source_out(await filing.extend_verification(uow, ctx.clock, command))


@router.get("/cases", response_model=CaseList)
async def list_cases(
    *,
    principal: Reader,
    uow: Uow,
    status: CaseStatus | None = None,
    handler: Annotated[Username | None, Query(description="one of the case's handlers")] = None,
    case_source_id: Annotated[uuid.UUID | None, Query(description="the case filed from it")] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> CaseList:
    """One's section's cases (every section's for auditors), the newest filed first, a page at
    a time."""
    query = CaseFilter(status, handler, case_source_id, cursor, limit)
    return out.case_list(*await cases.case_list(uow, principal, query))


@router.get("/cases/{case_id}", response_model=CaseOut, responses={404: PROBLEM})
async def get_case(case_id: uuid.UUID, principal: Reader, ctx: Ctx, uow: Uow) -> CaseOut:
    """A case of one's section: its notice, investigation records and history."""
    return out.case_out(await cases.case_file(ctx, uow, principal, case_id))


@_post("/cases/{case_id}/notice", CaseOut, 404, 409)
async def deliver_notice(
    case_id: uuid.UUID, body: NoticeIn, principal: SectionOfficer, ctx: Ctx, uow: Uow
) -> CaseOut:
    """Record the enforcement supervision notice as delivered: the investigation may begin."""
    command = cases.DeliverNotice(
        case_id, principal, body.delivered_to, body.delivered_at, body.method
    )
    return out.case_out(await cases.deliver_notice(ctx, uow, command))


@_post("/cases/{case_id}/investigation-records", InvestigationRecordOut, 404, 409, status_code=201)
async def add_investigation_record(
    case_id: uuid.UUID, body: InvestigationRecordIn, principal: SectionOfficer, ctx: Ctx, uow: Uow
) -> InvestigationRecordOut:
    """An investigation record; 409 until the supervision notice is delivered."""
    command = cases.AddRecord(case_id, principal, body.kind, body.summary, tuple(body.evidence))
    return out.record_out(await cases.add_record(ctx, uow, command))


# Office inspectors impose on-the-spot penalties; their heads too.
OfficeInspector = Annotated[Principal, require_roles("grid_inspector", "office_head")]
PenaltyReader = Annotated[
    Principal,
    require_roles("grid_inspector", "office_head", "enforcement_officer", "auditor", "admin"),
]


@_post("/on-the-spot-penalties", OnTheSpotPenaltyOut, 422, status_code=201)
async def impose_on_the_spot(
    *,
    request: Request,
    body: OnTheSpotPenaltyIn,
    principal: OfficeInspector,
    ctx: Ctx,
    uow: Uow,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """当场处罚: a warning, or a fine up to 200 CNY (citizen) / 3,000 CNY (organisation); more
    is 422, telling the officer to transfer the case for the general procedure. A retry with
    the same Idempotency-Key gets the first answer."""
    command = on_the_spot.Impose(
        by=principal,
        party=body.party.value(),
        kind=body.penalty.kind,
        amount=body.penalty.amount,
        collected_on_spot=body.collected_on_spot,
        facts=body.facts,
        legal_basis=body.legal_basis,
    )

    async def create() -> OnTheSpotPenaltyOut:
        return out.penalty_out(await on_the_spot.impose(ctx, uow, command))

    scope = f"on-the-spot-penalties:{principal.subject}"
    return await _once(request, body, uow, scope=scope, key=idempotency_key, create=create)


@router.get(
    "/on-the-spot-penalties/{penalty_id}/party",
    response_model=PartyOut,
    responses={404: PROBLEM},
)
async def read_party(
    penalty_id: uuid.UUID, principal: SectionOfficer, ctx: Ctx, uow: Uow
) -> CitizenPartyOut | OrganisationPartyOut:
    """The party of a penalty of one's section, a citizen's ID number in clear (to collect
    the fine, or enforce it); every such read is recorded (`enforcement.party.read`)."""
    return out.party_out(await on_the_spot.read_party(ctx, uow, principal, penalty_id))


@router.get("/on-the-spot-penalties", response_model=OnTheSpotPenaltyList)
async def list_on_the_spot(
    principal: PenaltyReader,
    uow: Uow,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> OnTheSpotPenaltyList:
    """One's own (inspectors), one's section's (enforcement officers), or all."""
    found = await on_the_spot.penalties(uow, principal, limit=limit)
    return OnTheSpotPenaltyList(penalties=[out.penalty_out(penalty) for penalty in found])


@_post("/on-the-spot-penalties/{penalty_id}/cash-handover", OnTheSpotPenaltyOut, 404, 409, 422)
async def hand_over_cash(
    penalty_id: uuid.UUID, body: CashHandoverIn, principal: OfficeInspector, ctx: Ctx, uow: Uow
) -> OnTheSpotPenaltyOut:
    """Cash collected on the spot paid into the designated bank, with its receipt; due within
    2 working days of the collection (art. 71). The inspector who collected it, or their
    office's head, records it."""
    command = on_the_spot.HandOverCash(principal, penalty_id, body.handed_over_on, body.receipt)
    return out.penalty_out(await on_the_spot.hand_over_cash(ctx, uow, command))


@_post("/cases/{case_id}/penalty-notice", CaseOut, 404, 409, 422)
async def serve_penalty_notice(
    case_id: uuid.UUID, body: PenaltyNoticeIn, principal: SectionOfficer, ctx: Ctx, uow: Uow
) -> CaseOut:
    """事先告知: the intended penalty, its facts and grounds served on the party (art. 44); the
    statement period (`enforcement.statement`) and, for the penalties art. 63 lists, the
    hearing request period (`enforcement.hearing_request`) run from `served_on`."""
    penalty = body.penalty
    command = cases.ServePenaltyNotice(
        case_id,
        principal,
        body.facts,
        body.legal_basis,
        penalty.kind,
        penalty.amount,
        body.party_kind,
        body.served_on,
        body.served_how,
    )
    return out.case_out(await cases.serve_penalty_notice(ctx, uow, command))


@_post("/cases/{case_id}/statements", CaseOut, 404, 409, 422)
async def record_statement(
    case_id: uuid.UUID, body: StatementIn, principal: SectionOfficer, ctx: Ctx, uow: Uow
) -> CaseOut:
    """陈述申辩: the party's statement and defence, numbered, to be answered (art. 45)."""
    command = cases.RecordStatement(case_id, principal, body.received_on, body.content)
    return out.case_out(await cases.record_statement(ctx, uow, command))


@_post("/cases/{case_id}/statements/{number}/answer", CaseOut, 404, 409, 422)
async def answer_statement(
    *,
    case_id: uuid.UUID,
    number: Annotated[int, Path(ge=1, le=1000)],
    body: StatementAnswerIn,
    principal: SectionOfficer,
    ctx: Ctx,
    uow: Uow,
) -> CaseOut:
    """The bureau's answer to a statement: accepted or rejected, with its reasons."""
    command = cases.AnswerStatement(case_id, principal, number, body.accepted, body.reasons)
    return out.case_out(await cases.answer_statement(ctx, uow, command))


@_post("/cases/{case_id}/waiver", CaseOut, 404, 409, 422)
async def record_waiver(
    case_id: uuid.UUID, body: WaiverIn, principal: SectionOfficer, ctx: Ctx, uow: Uow
) -> CaseOut:
    """The party gave up in writing its statement, defence and hearing: the decision need not
    wait for the statement period to run."""
    command = cases.RecordWaiver(case_id, principal, body.received_on)
    return out.case_out(await cases.record_waiver(ctx, uow, command))


@_post("/cases/{case_id}/hearing-request", CaseOut, 404, 409, 422)
async def request_hearing(
    case_id: uuid.UUID, body: HearingRequestIn, principal: SectionOfficer, ctx: Ctx, uow: Uow
) -> CaseOut:
    """听证申请: within 5 working days of the notice (`enforcement.hearing_request`), on a
    penalty art. 63 lists; 422 naming `requested_on` otherwise. No decision until it is held."""
    command = cases.RequestHearing(case_id, principal, body.requested_on)
    return out.case_out(await cases.request_hearing(ctx, uow, command))


@_post("/cases/{case_id}/hearing", CaseOut, 404, 409, 422)
async def hold_hearing(
    case_id: uuid.UUID, body: HearingIn, principal: SectionOfficer, ctx: Ctx, uow: Uow
) -> CaseOut:
    """The hearing held and its conclusion; its days stop the decision clock (art. 60, 64)."""
    command = cases.HoldHearing(case_id, principal, body.start, body.end, body.conclusion)
    return out.case_out(await cases.hold_hearing(ctx, uow, command))


@_post("/cases/{case_id}/decision", CaseOut, 404, 409, 422)
async def decide(
    case_id: uuid.UUID, body: DecisionIn, principal: SectionOfficer, ctx: Ctx, uow: Uow
) -> CaseOut:
    """The penalty decision → enforcement.penalty.decided (the source department and the
    household's file learn it); published unless a warning; to be served within 7 working days
    (`enforcement.serve`). 409 before the notice of the intended penalty, while the statement
    period runs (unless waived, or heard and answered) or a requested hearing is pending; 422
    for a penalty heavier than the notice's."""
    penalty = body.penalty
    command = cases.Decide(case_id, principal, penalty.kind, penalty.amount, body.legal_basis)
    return out.case_out(await cases.decide(ctx, uow, command))


@_post("/cases/{case_id}/service", CaseOut, 404, 409, 422)
async def serve_decision(
    case_id: uuid.UUID, body: ServiceIn, principal: SectionOfficer, ctx: Ctx, uow: Uow
) -> CaseOut:
    """送达: when and how the party received the decision; a fine is due 15 days from it
    (`enforcement.payment`, art. 67)."""
    command = cases.ServeDecision(case_id, principal, body.served_on, body.served_how)
    return out.case_out(await cases.serve_decision(ctx, uow, command))


@_post("/cases/{case_id}/return-visit", CaseOut, 404, 409)
async def return_visit(
    case_id: uuid.UUID, body: ReturnVisitIn, principal: SectionOfficer, ctx: Ctx, uow: Uow
) -> CaseOut:
    """案件回访 after the decision; the case closes → enforcement.case.closed."""
    command = cases.RecordReturnVisit(case_id, principal, body.party_view, body.satisfaction)
    return out.case_out(await cases.return_visit(ctx, uow, command))


@router.get("/publicity", response_model=PublicityFeed)
async def publicity_feed(
    _: CurrentPrincipal,
    uow: Uow,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> PublicityFeed:
    """Published general-procedure penalties (warnings are not published), newest first."""
    found = await cases.published(uow, limit=limit)
    return PublicityFeed(entries=[out.publicity_entry(entry) for entry in found])


@_post("/cases/{case_id}/stops", CaseOut, 404, 409, 422)
async def stop_clock(
    case_id: uuid.UUID, body: StopIn, principal: SectionOfficer, ctx: Ctx, uow: Uow
) -> CaseOut:
    """A suspension, hearing or testing period: the decision deadline moves by its days."""
    command = cases.StopClock(case_id, principal, body.kind, body.start, body.end, body.reason)
    return out.case_out(await cases.stop_clock(ctx, uow, command))


@_post("/cases/{case_id}/extensions", CaseOut, 404, 409, 422)
async def extend_decision(
    case_id: uuid.UUID, body: DecisionExtensionIn, principal: SectionOfficer, ctx: Ctx, uow: Uow
) -> CaseOut:
    """+30 days with approval, once; beyond that only with a collective decision's days."""
    command = cases.ExtendDecision(
        case_id, principal, body.approved_by, body.reason, body.collective_days
    )
    return out.case_out(await cases.extend_decision(ctx, uow, command))


@router.get("/deadlines", response_model=DeadlineWatch)
async def deadline_watch(principal: Reader, ctx: Ctx, uow: Uow) -> DeadlineWatch:
    """One's section's case sources and cases overdue or due within DEADLINE_SOON_DAYS."""
    query = deadlines.WatchQuery(principal, ctx.clock.today(), ctx.settings.deadline_soon_days)
    found = await deadlines.watch_list(uow, query)
    return DeadlineWatch(deadlines=[out.watched(entry) for entry in found])


Evaluator = Annotated[Principal, require_roles("office_head", "auditor", "admin")]


@router.get("/reports/offices", response_model=OfficeReport)
async def office_report(
    principal: Evaluator,
    uow: Uow,
    year: Annotated[int, Query(ge=2000, le=2100)],
) -> OfficeReport:
    """年终考核: per office, case sources sent, filed, decided on time, on-the-spot penalties,
    and its linked section's figures beside them."""
    lines = await reports.office_report(uow, year)
    return OfficeReport(year=year, offices=[out.office_year(line) for line in lines])


# Fault accountability is the bureau's own review of its officers, not a section's act.
FaultReviewer = Annotated[Principal, require_roles("admin")]


@_post("/cases/{case_id}/fault-findings", CaseOut, 404, 422)
async def find_fault(
    case_id: uuid.UUID, body: FaultFindingIn, principal: FaultReviewer, ctx: Ctx, uow: Uow
) -> CaseOut:
    """Record a finding of fault against a step of the case; it shows in the case history."""
    command = cases.FindFault(case_id, principal, body.step, body.finding, tuple(body.responsible))
    return out.case_out(await cases.find_fault(ctx, uow, command))


@_post("/case-sources/{case_source_id}/testing", CaseSourceOut, 404, 409, 422)
async def exclude_testing(
    case_source_id: uuid.UUID, body: TestingIn, principal: SectionOfficer, ctx: Ctx, uow: Uow
) -> CaseSourceOut:
    """A testing or appraisal period: the verification deadline moves by its working days."""
    command = filing.ExcludeTesting(case_source_id, principal, body.start, body.end, body.reason)
    return out.case_source_out(await filing.exclude_testing(uow, ctx.clock, command))


@_post("/cases/{case_id}/payment", CaseOut, 404, 409, 422)
async def record_payment(
    case_id: uuid.UUID, body: PaymentIn, principal: SectionOfficer, ctx: Ctx, uow: Uow
) -> CaseOut:
    """The day the fine was paid; past its payment day the late-payment surcharge grows
    (art. 72). 409 before the decision is served."""
    command = cases.RecordPayment(case_id, principal, body.paid_on)
    return out.case_out(await cases.record_payment(ctx, uow, command))


@_post("/cases/{case_id}/publicity-withdrawal", CaseOut, 404, 409, 422)
async def withdraw_publicity(
    case_id: uuid.UUID, body: PublicityWithdrawalIn, principal: SectionOfficer, ctx: Ctx, uow: Uow
) -> CaseOut:
    """The decision was changed or annulled on `changed_on`: its publication is withdrawn, due
    3 working days from that day (`enforcement.publicity_withdraw`)."""
    command = cases.WithdrawPublication(
        case_id, principal, body.change, body.changed_on, body.reason
    )
    return out.case_out(await cases.withdraw_publication(ctx, uow, command))
