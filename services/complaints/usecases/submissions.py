"""Intake: a submission on any channel is sealed, split into tickets and routed, in one
transaction with the tickets' events; a routing preview stores nothing."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from chassis.auth import Principal
from chassis.uow import UnitOfWork
from contracts.complaints import TicketReceived, TicketRouted
from services.complaints.context import ComplaintsContext
from services.complaints.domain.confidentiality import seal_submitter
from services.complaints.domain.routing import Routing, Where
from services.complaints.domain.submissions import Submission
from services.complaints.domain.tickets import Ticket
from services.complaints.repositories.network import NetworkRepository
from services.complaints.repositories.submissions import SubmissionRepository
from services.complaints.repositories.tickets import TicketRepository


@dataclass(frozen=True)
class Received:
    """A stored submission and its tickets."""

    submission_id: uuid.UUID
    tickets: list[Ticket]


def _where(submission: Submission) -> Where:
    location = submission.location
    return Where(
        credit_code=submission.business.credit_code,
        lon=None if location is None else location.lon,
        lat=None if location is None else location.lat,
        community_code=None if location is None else location.community_code,
    )


async def preview(ctx: ComplaintsContext, uow: UnitOfWork, submission: Submission) -> Routing:
    """Where the submission would go, storing nothing."""
    network = await NetworkRepository(uow.connection).network(submission.business.credit_code)
    return network.route(_where(submission))


async def submit(
    ctx: ComplaintsContext, uow: UnitOfWork, submission: Submission, by: Principal
) -> Received:
    """Seal the submitter, open one ticket per kind where routing sends it, and publish each
    ticket's receipt and routing (never the submitter) in the same transaction."""
    routing = await preview(ctx, uow, submission)
    submission_id = uuid.uuid4()
    sealed = seal_submitter(ctx.keyring, submission.submitter)
    await SubmissionRepository(uow.connection).add(submission_id, submission, sealed, by.subject)
    repository = TicketRepository(uow.connection)
    opened: list[Ticket] = []
    for draft in submission.split():
        ticket = Ticket.open(draft, routing, by.subject)
        await repository.add(ticket, submission_id)
        _announce(uow, ticket, submission, routing, ctx.clock.now())
        opened.append(ticket)
    await uow.commit()
    return Received(submission_id, opened)


def _announce(
    uow: UnitOfWork, ticket: Ticket, submission: Submission, routing: Routing, now: datetime
) -> None:
    about = {
        "ticket_id": uuid.UUID(ticket.id),
        "kind": ticket.kind,
        "credit_code": ticket.business.credit_code,
    }
    uow.emit(
        TicketReceived(
            **about,
            channel=submission.channel,  # checked by Submission
            business_name=ticket.business.name,
            received_at=ticket.received_at,
        )
    )
    uow.emit(
        TicketRouted(
            **about,
            unit_level=routing.unit.level,
            unit_id=routing.unit.id,
            rule=routing.rule,
            routed_at=now,
        )
    )
