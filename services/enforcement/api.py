"""Enforcement routes: case sources from every department, filing, and the steps of a case."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from chassis.auth import CurrentPrincipal, Principal, require_roles
from chassis.legalclock.deadlines import shanghai_today
from chassis.problems import PROBLEM
from chassis.uow import UnitOfWorkDep
from services.enforcement import cases, deadlines, filing, intake, on_the_spot, reports
from services.enforcement.schemas import (
    CaseFiledOut,
    CaseOut,
    CaseSourceIn,
    CaseSourceList,
    CaseSourceOut,
    DeadlineWatch,
    DecisionExtensionIn,
    DecisionIn,
    DeclineIn,
    ExtensionIn,
    FaultFindingIn,
    FileIn,
    InvestigationRecordIn,
    InvestigationRecordOut,
    NoticeIn,
    OfficeReport,
    OnTheSpotPenaltyIn,
    OnTheSpotPenaltyList,
    OnTheSpotPenaltyOut,
    PaymentIn,
    PublicityFeed,
    PublicityWithdrawalIn,
    ReturnVisitIn,
    StopIn,
    TestingIn,
)

router = APIRouter(tags=["enforcement"], responses={403: PROBLEM})

# The sub-bureau's officers act within their section (their token's office); auditors read.
Officer = Annotated[Principal, require_roles("enforcement_officer", "admin")]
Reader = Annotated[Principal, require_roles("enforcement_officer", "auditor", "admin")]
# Deciding a case source is the section's officers' own act, never an administrator's.
SectionOfficer = Annotated[Principal, require_roles("enforcement_officer")]


@router.post(
    "/case-sources", status_code=201, response_model=CaseSourceOut, responses={422: PROBLEM}
)
async def hand_in_case_source(
    body: CaseSourceIn, principal: Officer, uow: UnitOfWorkDep
) -> dict[str, Any]:
    """A case source from trademark, advertising or market, entered at the sub-bureau's desk."""
    return await intake.receive_by_hand(uow, principal, body.model_dump(mode="json"))


@router.get("/case-sources", response_model=CaseSourceList)
async def list_case_sources(
    principal: Reader,
    uow: UnitOfWorkDep,
    status: Annotated[str | None, Query(pattern="^(received|filed|declined)$")] = None,
    unrouted: Annotated[bool, Query(description="only those no section took yet")] = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    """One's section's case sources, the soonest verification deadline first."""
    found = await intake.list_case_sources(
        uow.connection, principal, status=status, unrouted=unrouted, limit=limit
    )
    return {"case_sources": found}


@router.get(
    "/case-sources/{case_source_id}", response_model=CaseSourceOut, responses={404: PROBLEM}
)
async def get_case_source(
    case_source_id: uuid.UUID, principal: Reader, uow: UnitOfWorkDep
) -> dict[str, Any]:
    """A case source of one's section (404 for another section's)."""
    return await intake.case_source(uow.connection, principal, case_source_id)


@router.post(
    "/case-sources/{case_source_id}/file",
    status_code=201,
    response_model=CaseFiledOut,
    responses={404: PROBLEM, 409: PROBLEM, 422: PROBLEM},
)
async def file_case(
    case_source_id: uuid.UUID, body: FileIn, principal: SectionOfficer, uow: UnitOfWorkDep
) -> dict[str, Any]:
    """立案: a case with its handlers (two or more) and its decision deadline."""
    return await filing.file_case(uow, principal, case_source_id, body.handlers)


@router.post(
    "/case-sources/{case_source_id}/decline",
    response_model=CaseSourceOut,
    responses={404: PROBLEM, 409: PROBLEM},
)
async def decline(
    case_source_id: uuid.UUID, body: DeclineIn, principal: SectionOfficer, uow: UnitOfWorkDep
) -> dict[str, Any]:
    """不予立案, with reasons."""
    return await filing.decline(uow, principal, case_source_id, body.reasons)


@router.post(
    "/case-sources/{case_source_id}/extension",
    response_model=CaseSourceOut,
    responses={404: PROBLEM, 409: PROBLEM},
)
async def extend_verification(
    case_source_id: uuid.UUID, body: ExtensionIn, principal: SectionOfficer, uow: UnitOfWorkDep
) -> dict[str, Any]:
    """Record the approved extension of the verification period (once, +15 working days)."""
    return await filing.extend_verification(
        uow, principal, case_source_id, body.approved_by, body.reason
    )


@router.get("/cases/{case_id}", response_model=CaseOut, responses={404: PROBLEM})
async def get_case(case_id: uuid.UUID, principal: Reader, uow: UnitOfWorkDep) -> dict[str, Any]:
    """A case of one's section: its notice, investigation records and history."""
    return await cases.case(uow.connection, principal, case_id)


@router.post(
    "/cases/{case_id}/notice", response_model=CaseOut, responses={404: PROBLEM, 409: PROBLEM}
)
async def deliver_notice(
    case_id: uuid.UUID, body: NoticeIn, principal: SectionOfficer, uow: UnitOfWorkDep
) -> dict[str, Any]:
    """Record the enforcement supervision notice as delivered: the investigation may begin."""
    return await cases.deliver_notice(uow, principal, case_id, body.model_dump(mode="json"))


@router.post(
    "/cases/{case_id}/investigation-records",
    status_code=201,
    response_model=InvestigationRecordOut,
    responses={404: PROBLEM, 409: PROBLEM},
)
async def add_investigation_record(
    case_id: uuid.UUID, body: InvestigationRecordIn, principal: SectionOfficer, uow: UnitOfWorkDep
) -> dict[str, Any]:
    """An investigation record; 409 until the supervision notice is delivered."""
    return await cases.add_record(uow, principal, case_id, body.model_dump(mode="json"))


# Office inspectors impose on-the-spot penalties; their heads too.
OfficeInspector = Annotated[Principal, require_roles("grid_inspector", "office_head")]
PenaltyReader = Annotated[
    Principal,
    require_roles("grid_inspector", "office_head", "enforcement_officer", "auditor", "admin"),
]


@router.post(
    "/on-the-spot-penalties",
    status_code=201,
    response_model=OnTheSpotPenaltyOut,
    responses={422: PROBLEM},
)
async def impose_on_the_spot(
    request: Request, body: OnTheSpotPenaltyIn, principal: OfficeInspector, uow: UnitOfWorkDep
) -> dict[str, Any]:
    """当场处罚: a warning, or a fine up to 200 CNY (citizen) / 3,000 CNY (organisation); more
    is 422, telling the officer to transfer the case for the general procedure."""
    limits = on_the_spot.limits_of(request.app.state.settings)
    return await on_the_spot.impose(uow, principal, body.model_dump(mode="json"), limits)


@router.get("/on-the-spot-penalties", response_model=OnTheSpotPenaltyList)
async def list_on_the_spot(
    principal: PenaltyReader,
    uow: UnitOfWorkDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    """One's own (inspectors), one's section's (enforcement officers), or all."""
    found = await on_the_spot.penalties(uow.connection, principal, limit=limit)
    return {"penalties": found}


@router.post(
    "/cases/{case_id}/decision",
    response_model=CaseOut,
    responses={404: PROBLEM, 409: PROBLEM, 422: PROBLEM},
)
async def decide(
    request: Request,
    case_id: uuid.UUID,
    body: DecisionIn,
    principal: SectionOfficer,
    uow: UnitOfWorkDep,
) -> dict[str, Any]:
    """The penalty decision → enforcement.penalty.decided (the source department and the
    household's file learn it); published unless a warning; a fine is due in FINE_PAYMENT_DAYS."""
    days = request.app.state.settings.fine_payment_days
    return await cases.decide(uow, principal, case_id, body.model_dump(mode="json"), days)


@router.post(
    "/cases/{case_id}/return-visit", response_model=CaseOut, responses={404: PROBLEM, 409: PROBLEM}
)
async def return_visit(
    case_id: uuid.UUID, body: ReturnVisitIn, principal: SectionOfficer, uow: UnitOfWorkDep
) -> dict[str, Any]:
    """案件回访 after the decision; the case closes → enforcement.case.closed."""
    return await cases.return_visit(uow, principal, case_id, body.model_dump(mode="json"))


@router.get("/publicity", response_model=PublicityFeed)
async def publicity_feed(
    _: CurrentPrincipal,
    uow: UnitOfWorkDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    """Published general-procedure penalties (warnings are not published), newest first."""
    return {"entries": await cases.published(uow.connection, limit=limit)}


@router.post(
    "/cases/{case_id}/stops",
    response_model=CaseOut,
    responses={404: PROBLEM, 409: PROBLEM, 422: PROBLEM},
)
async def stop_clock(
    case_id: uuid.UUID, body: StopIn, principal: SectionOfficer, uow: UnitOfWorkDep
) -> dict[str, Any]:
    """A suspension, hearing or testing period: the decision deadline moves by its days."""
    return await cases.stop_clock(uow, principal, case_id, body.model_dump())


@router.post(
    "/cases/{case_id}/extensions",
    response_model=CaseOut,
    responses={404: PROBLEM, 409: PROBLEM, 422: PROBLEM},
)
async def extend_decision(
    case_id: uuid.UUID, body: DecisionExtensionIn, principal: SectionOfficer, uow: UnitOfWorkDep
) -> dict[str, Any]:
    """+30 days with approval, once; beyond that only with a collective decision's days."""
    return await cases.extend_decision(uow, principal, case_id, body.model_dump())


@router.get("/deadlines", response_model=DeadlineWatch)
async def deadline_watch(request: Request, principal: Reader, uow: UnitOfWorkDep) -> dict[str, Any]:
    """One's section's case sources and cases overdue or due within DEADLINE_SOON_DAYS."""
    soon = request.app.state.settings.deadline_soon_days
    found = await deadlines.watch_list(uow.connection, principal, shanghai_today(), soon)
    return {"deadlines": found}


Evaluator = Annotated[Principal, require_roles("office_head", "auditor", "admin")]


@router.get("/reports/offices", response_model=OfficeReport)
async def office_report(
    principal: Evaluator,
    uow: UnitOfWorkDep,
    year: Annotated[int, Query(ge=2000, le=2100)],
) -> dict[str, Any]:
    """年终考核: per office, case sources sent, filed, decided on time, on-the-spot penalties,
    and its linked section's figures beside them."""
    return {"year": year, "offices": await reports.office_report(uow.connection, year)}


# Fault accountability is the bureau's own review of its officers, not a section's act.
FaultReviewer = Annotated[Principal, require_roles("admin")]


@router.post(
    "/cases/{case_id}/fault-findings",
    response_model=CaseOut,
    responses={404: PROBLEM, 422: PROBLEM},
)
async def find_fault(
    case_id: uuid.UUID, body: FaultFindingIn, principal: FaultReviewer, uow: UnitOfWorkDep
) -> dict[str, Any]:
    """Record a finding of fault against a step of the case; it shows in the case history."""
    return await cases.find_fault(uow, principal, case_id, body.model_dump())


@router.post(
    "/case-sources/{case_source_id}/testing",
    response_model=CaseSourceOut,
    responses={404: PROBLEM, 409: PROBLEM, 422: PROBLEM},
)
async def exclude_testing(
    case_source_id: uuid.UUID, body: TestingIn, principal: SectionOfficer, uow: UnitOfWorkDep
) -> dict[str, Any]:
    """A testing or appraisal period: the verification deadline moves by its working days."""
    return await filing.exclude_testing(
        uow, principal, case_source_id, body.model_dump(mode="json")
    )


@router.post(
    "/cases/{case_id}/payment", response_model=CaseOut, responses={404: PROBLEM, 409: PROBLEM}
)
async def record_payment(
    case_id: uuid.UUID, body: PaymentIn, principal: SectionOfficer, uow: UnitOfWorkDep
) -> dict[str, Any]:
    """The day the fine was paid; until then the late-payment surcharge grows (art. 72)."""
    return await cases.record_payment(uow, principal, case_id, body.paid_on)


@router.post(
    "/cases/{case_id}/publicity-withdrawal",
    response_model=CaseOut,
    responses={404: PROBLEM, 409: PROBLEM},
)
async def withdraw_publicity(
    case_id: uuid.UUID, body: PublicityWithdrawalIn, principal: SectionOfficer, uow: UnitOfWorkDep
) -> dict[str, Any]:
    """The decision was changed or annulled: its publication is withdrawn."""
    return await cases.withdraw_publicity(uow, principal, case_id, body.model_dump())
