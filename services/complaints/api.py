"""Complaints (12315) routes: intake on every channel, the ticket's steps, the stations."""

from __future__ import annotations

import uuid
from datetime import datetime
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from chassis.auth import Principal, require_roles
from chassis.context import context_of
from chassis.copying import made_from
from chassis.idempotency import IdempotencyKeyHeader, idempotent_create, request_fingerprint
from chassis.problems import PROBLEM, post_route
from chassis.uow import UnitOfWorkDep
from services.complaints import presenters as out
from services.complaints.context import ComplaintsContext
from services.complaints.domain.routing import Unit
from services.complaints.domain.submissions import Business, Location, Submission, Submitter
from services.complaints.repositories.tickets import TicketFilter
from services.complaints.schemas import (
    FollowUpIn,
    HandoverIn,
    MediationIn,
    MergeIn,
    ReasonIn,
    ReassignIn,
    RejectIn,
    ReopenIn,
    ReplyIn,
    RoutingOut,
    StationIn,
    StationList,
    StationOut,
    SubmissionIn,
    SubmissionOut,
    SubmitterOut,
    TicketDetailOut,
    TicketList,
    TicketOut,
)
from services.complaints.usecases import network, submissions, tickets
from services.complaints.usecases.tickets import Act

Ctx = Annotated[ComplaintsContext, Depends(context_of)]
Uow = UnitOfWorkDep

router = APIRouter(tags=["complaints"], responses={403: PROBLEM})

# Intake takes submissions from handlers, station staff and partner platforms; tickets are
# handled by complaints handlers and station staff in their unit; auditors read them all.
Intake = Annotated[
    Principal, require_roles("complaints_handler", "station_staff", "partner_agency")
]
Handler = Annotated[Principal, require_roles("complaints_handler", "station_staff")]
Reader = Annotated[Principal, require_roles("complaints_handler", "station_staff", "auditor")]
IdentityReader = Annotated[Principal, require_roles("complaints_handler")]
Registrar = Annotated[Principal, require_roles("complaints_handler", "admin")]
NetworkReader = Annotated[
    Principal, require_roles("complaints_handler", "station_staff", "auditor", "admin")
]


# A POST route answering its model, or problem+json with the statuses named.
_post = partial(post_route, router)


def submission_of(body: SubmissionIn, now: datetime) -> Submission:
    """The domain's submission from the request (its rules refuse bad values by field)."""
    return Submission(
        channel=body.channel,
        kinds=tuple(body.kinds),
        submitter=made_from(Submitter, body.submitter),
        description=body.description,
        received_at=body.received_at or now,
        business=Business() if body.business is None else made_from(Business, body.business),
        location=None if body.location is None else made_from(Location, body.location),
    )


@_post("/submissions", SubmissionOut, 422, status_code=201)
async def submit(
    *,
    request: Request,
    body: SubmissionIn,
    principal: Intake,
    ctx: Ctx,
    uow: Uow,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Take a submission: one ticket per kind, each routed and on its own legal clock; a
    retry with the same Idempotency-Key gets the first answer."""
    submission = submission_of(body, ctx.clock.now())

    async def create() -> SubmissionOut:
        received = await submissions.submit(ctx, uow, submission, principal)
        return SubmissionOut(
            submission_id=received.submission_id,
            tickets=[out.ticket_out(ticket) for ticket in received.tickets],
        )

    return await idempotent_create(
        uow,
        key=idempotency_key,
        scope=f"submissions:{principal.subject}",
        fingerprint=request_fingerprint(request, body),
        create=create,
    )


@_post("/routing:preview", RoutingOut, 422)
async def preview_routing(body: SubmissionIn, principal: Intake, ctx: Ctx, uow: Uow) -> RoutingOut:
    """Where a draft submission would go, and by which rule; nothing is stored."""
    routing = await submissions.preview(ctx, uow, submission_of(body, ctx.clock.now()))
    return RoutingOut.model_validate(
        {"unit": {"level": routing.unit.level, "id": routing.unit.id}, "rule": routing.rule}
    )


@router.get("/tickets", response_model=TicketList, responses={422: PROBLEM})
async def list_tickets(
    *,
    principal: Reader,
    uow: Uow,
    unit: Annotated[
        str | None, Query(pattern=r"^(bureau|office|station):[^:]{1,64}$", description="level:id")
    ] = None,
    status: Annotated[str | None, Query(max_length=12)] = None,
    kind: Annotated[
        str | None, Query(pattern="^(complaint|report|suggestion|consultation)$")
    ] = None,
    credit_code: Annotated[str | None, Query(max_length=18)] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> TicketList:
    """The caller's tickets, newest first, a page at a time."""
    chosen = None
    if unit is not None:
        level, _, unit_id = unit.partition(":")
        chosen = Unit(level, unit_id)  # type: ignore[arg-type]  # the pattern checked it
    query = TicketFilter(chosen, status, kind, credit_code, cursor, limit)
    found, following = await tickets.tickets(uow, principal, query)
    return TicketList(tickets=[out.ticket_out(t) for t in found], next_cursor=following)


@router.get("/tickets/{ticket_id}", response_model=TicketDetailOut, responses={404: PROBLEM})
async def get_ticket(
    ticket_id: uuid.UUID, principal: Reader, ctx: Ctx, uow: Uow
) -> TicketDetailOut:
    """A ticket in one's unit (404 outside it), with duplicates proposed and serial flag."""
    return out.ticket_detail_out(await tickets.ticket(ctx, uow, principal, ticket_id))


@router.get("/tickets/{ticket_id}/submitter", response_model=SubmitterOut, responses={404: PROBLEM})
async def get_submitter(
    ticket_id: uuid.UUID, principal: IdentityReader, ctx: Ctx, uow: Uow
) -> SubmitterOut:
    """The submitter's identity, for the ticket's complaints handler; the read is logged."""
    return SubmitterOut.model_validate(
        (await tickets.submitter(ctx, uow, principal, ticket_id)).__dict__
    )


async def _step(
    ctx: ComplaintsContext, uow: UnitOfWorkDep, principal: Principal, ticket_id: uuid.UUID, act: Act
) -> TicketOut:
    return out.ticket_out(await tickets.step(ctx, uow, principal, ticket_id, act))


@_post("/tickets/{ticket_id}/accept", TicketOut, 404, 409)
async def accept(ticket_id: uuid.UUID, principal: Handler, ctx: Ctx, uow: Uow) -> TicketOut:
    """Accept (受理); a report is transferred to enforcement as a case source with it."""
    return out.ticket_out(await tickets.accept_ticket(ctx, uow, principal, ticket_id))


@_post("/tickets/{ticket_id}/reject", TicketOut, 404, 409, 422)
async def reject(
    ticket_id: uuid.UUID, body: RejectIn, principal: Handler, ctx: Ctx, uow: Uow
) -> TicketOut:
    """Do not accept, naming the reasons and the competent body."""
    act = tickets.reject(principal.subject, body.reasons, body.competent_body)
    return await _step(ctx, uow, principal, ticket_id, act)


@_post("/tickets/{ticket_id}/handover", TicketOut, 404, 409, 422)
async def handover(
    ticket_id: uuid.UUID, body: HandoverIn, principal: Handler, ctx: Ctx, uow: Uow
) -> TicketOut:
    """Hand the ticket to another handler: who, to whom, why and when are recorded."""
    act = tickets.handover(principal.subject, body.to, body.reason)
    return await _step(ctx, uow, principal, ticket_id, act)


@_post("/tickets/{ticket_id}/return", TicketOut, 404, 409, 422)
async def return_to_intake(
    ticket_id: uuid.UUID, body: ReasonIn, principal: Handler, ctx: Ctx, uow: Uow
) -> TicketOut:
    """A unit without authority returns the ticket to the bureau's intake desk, with why."""
    act = tickets.return_to_intake(principal.subject, body.reason)
    return await _step(ctx, uow, principal, ticket_id, act)


@_post("/tickets/{ticket_id}/reassign", TicketOut, 404, 409, 422)
async def reassign(
    ticket_id: uuid.UUID, body: ReassignIn, principal: Handler, ctx: Ctx, uow: Uow
) -> TicketOut:
    """The bureau's desk sends a ticket at intake to a unit of the network."""
    unit = Unit(body.unit.level, body.unit.id)
    return out.ticket_out(
        await tickets.reassign(ctx, uow, principal, ticket_id, unit=unit, reason=body.reason)
    )


@_post("/tickets/{ticket_id}/mediation", TicketOut, 404, 409, 422)
async def mediation(
    ticket_id: uuid.UUID, body: MediationIn, principal: Handler, ctx: Ctx, uow: Uow
) -> TicketOut:
    """Record a complaint's mediation: settled, or terminated without agreement."""
    act = tickets.mediation(principal.subject, body.outcome, body.summary)
    return await _step(ctx, uow, principal, ticket_id, act)


@_post("/tickets/{ticket_id}/reply", TicketOut, 404, 409, 422)
async def reply(
    ticket_id: uuid.UUID, body: ReplyIn, principal: Handler, ctx: Ctx, uow: Uow
) -> TicketOut:
    """The closing reply to the submitter."""
    return await _step(ctx, uow, principal, ticket_id, tickets.reply(principal.subject, body.text))


@_post("/tickets/{ticket_id}/close", TicketOut, 404, 409)
async def close(ticket_id: uuid.UUID, principal: Handler, ctx: Ctx, uow: Uow) -> TicketOut:
    """Close a replied or rejected ticket."""
    return await _step(ctx, uow, principal, ticket_id, tickets.close(principal.subject))


@_post("/tickets/{ticket_id}/follow-up", TicketOut, 404, 409, 422)
async def follow_up(
    ticket_id: uuid.UUID, body: FollowUpIn, principal: Handler, ctx: Ctx, uow: Uow
) -> TicketOut:
    """The satisfaction follow-up (回访) after closing; a dissatisfied party may ask to
    reopen."""
    act = tickets.follow_up(principal.subject, body.satisfaction, body.remarks, body.reopen_reason)
    return await _step(ctx, uow, principal, ticket_id, act)


@_post("/tickets/{ticket_id}/reopen", TicketOut, 404, 409, 422)
async def reopen(
    ticket_id: uuid.UUID, body: ReopenIn, principal: Handler, ctx: Ctx, uow: Uow
) -> TicketOut:
    """The handler's decision on a request to reopen, on the record."""
    act = tickets.decide_reopen(principal.subject, body.reopen, body.reason)
    return await _step(ctx, uow, principal, ticket_id, act)


@_post("/tickets/{ticket_id}/merge", TicketOut, 404, 409, 422)
async def merge(
    ticket_id: uuid.UUID, body: MergeIn, principal: Handler, ctx: Ctx, uow: Uow
) -> TicketOut:
    """Merge a duplicate into another ticket; both keep their histories."""
    return out.ticket_out(await tickets.merge(ctx, uow, principal, ticket_id, body.into))


@_post("/stations", StationOut, 409, 422, status_code=201)
async def register_station(body: StationIn, principal: Registrar, ctx: Ctx, uow: Uow) -> StationOut:
    """Register a community complaint station under an office, with its area."""
    command = made_from(
        network.NewStation, body, by=principal, community_codes=tuple(body.community_codes)
    )
    stored = await network.register_station(ctx, uow, command)
    return StationOut.model_validate(stored, from_attributes=True)


@router.get("/stations", response_model=StationList)
async def list_stations(principal: NetworkReader, uow: Uow) -> StationList:
    """Every community complaint station, oldest first."""
    found = await network.stations(uow)
    return StationList(
        stations=[StationOut.model_validate(row, from_attributes=True) for row in found]
    )
