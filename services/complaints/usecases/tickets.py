"""The steps of a ticket, each in one transaction with its events and any deadline it
missed; reading tickets in scope; opening a submitter's identity on the record."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from chassis.auth import Principal
from chassis.errors import Conflict, Forbidden, RuleViolated
from chassis.observability import count_missed_deadline
from chassis.uow import UnitOfWork, Work
from contracts import Contract
from contracts.complaints import (
    ReportTransferred,
    TicketAccepted,
    TicketClosed,
    TicketDeadlineMissed,
    TicketFollowedUp,
    TicketRejected,
    TicketRouted,
)
from services.complaints.context import ComplaintsContext
from services.complaints.domain.clocks import shanghai_day
from services.complaints.domain.confidentiality import open_submitter
from services.complaints.domain.routing import Unit
from services.complaints.domain.submissions import Submitter
from services.complaints.domain.tickets import Ticket
from services.complaints.repositories.network import NetworkRepository
from services.complaints.repositories.scope import at_bureau
from services.complaints.repositories.submissions import SubmissionRepository
from services.complaints.repositories.tickets import StoredTicket, TicketFilter, TicketRepository

# What a step does to the ticket at `now`; it returns the events the step publishes.
Act = Callable[[Ticket, datetime], list[Contract]]


def _about(ticket: Ticket) -> dict[str, object]:
    return {
        "ticket_id": uuid.UUID(ticket.id),
        "kind": ticket.kind,
        "credit_code": ticket.business.credit_code,
    }


def missed_events(ticket: Ticket, now: datetime) -> list[Contract]:
    """`complaints.deadline.missed` for each deadline newly found missed (once per rule)."""
    return [
        TicketDeadlineMissed(
            **_about(ticket),
            rule=deadline.rule,
            basis=deadline.basis,
            due=deadline.due,
            unit_level=ticket.unit.level,
            unit_id=ticket.unit.id,
            detected_at=now,
        )
        for deadline in ticket.newly_missed(shanghai_day(now))
    ]


async def save_step(
    work: Work, stored: StoredTicket, before: int, events: list[Contract], **given: object
) -> None:
    """Store what a step changed, the history it added and its events."""
    ticket = stored.ticket
    await TicketRepository(work.connection).save(ticket, ticket.history[before:], **given)
    for event in events:
        work.emit(event)
        if isinstance(event, TicketDeadlineMissed):
            count_missed_deadline(work, event.rule)


async def step(
    ctx: ComplaintsContext, uow: UnitOfWork, by: Principal, ticket_id: uuid.UUID, act: Act
) -> Ticket:
    """Take one step of a ticket in the caller's scope (403 outside it) and store it with its
    events and any deadline it missed, in one transaction."""
    if not by.has_any("complaints_handler", "station_staff"):
        raise Forbidden("only complaints handlers and station staff handle tickets")
    stored = await TicketRepository(uow.connection, by).for_action(ticket_id)
    now, before = ctx.clock.now(), len(stored.ticket.history)
    events = act(stored.ticket, now)
    await save_step(uow.work, stored, before, events + missed_events(stored.ticket, now))
    await uow.commit()
    return stored.ticket


async def accept_ticket(
    ctx: ComplaintsContext, uow: UnitOfWork, by: Principal, ticket_id: uuid.UUID
) -> Ticket:
    """Accept a ticket; a report goes to enforcement as a case source (without its reporter)."""
    repository = TicketRepository(uow.connection, by)
    stored = await repository.for_action(ticket_id)
    ticket, now, before = stored.ticket, ctx.clock.now(), len(stored.ticket.history)
    ticket.accept(by.subject, now)
    events: list[Contract] = [TicketAccepted(**_about(ticket), accepted_at=now)]
    case_source_id = None
    if ticket.kind == "report":
        case_source_id = uuid.uuid4()
        submission = await SubmissionRepository(uow.connection).get(stored.submission_id)
        events.append(
            ReportTransferred(
                report_id=uuid.UUID(ticket.id),
                case_source_id=case_source_id,
                credit_code=ticket.business.credit_code,
                allegation=submission.description,
                office_code=ticket.unit.id if ticket.unit.level == "office" else None,
                transferred_at=now,
                # The bureau received the materials with the report: verification runs from then.
                discovered_on=shanghai_day(ticket.received_at),
            )
        )
    given = {} if case_source_id is None else {"case_source_id": case_source_id}
    await save_step(uow.work, stored, before, events + missed_events(ticket, now), **given)
    await uow.commit()
    return ticket


def reject(by: str, reasons: str, competent_body: str) -> Act:
    def act(ticket: Ticket, now: datetime) -> list[Contract]:
        ticket.reject(reasons, competent_body, by, now)
        return [TicketRejected(**_about(ticket), competent_body=competent_body, rejected_at=now)]

    return act


def handover(by: str, to: str, reason: str) -> Act:
    def act(ticket: Ticket, now: datetime) -> list[Contract]:
        ticket.handover(to, reason, by, now)
        return []

    return act


def return_to_intake(by: str, reason: str) -> Act:
    def act(ticket: Ticket, now: datetime) -> list[Contract]:
        ticket.return_to_intake(reason, by, now)
        return []

    return act


async def reassign(
    ctx: ComplaintsContext,
    uow: UnitOfWork,
    by: Principal,
    ticket_id: uuid.UUID,
    *,
    unit: Unit,
    reason: str,
) -> Ticket:
    """Only the bureau's desk sends a ticket from intake, and only to a unit of the network
    (a ticket sent to no unit would be nobody's to see or answer)."""
    if not at_bureau(by):
        raise Forbidden("only the bureau's 12315 desk reassigns tickets")
    if not await NetworkRepository(uow.connection).has_unit(unit):
        raise RuleViolated("unit.id", f"no {unit.level} {unit.id!r} in the network", "unknown")

    def act(ticket: Ticket, now: datetime) -> list[Contract]:
        ticket.reassign(unit, reason, by.subject, now)
        routed = TicketRouted(
            **_about(ticket),
            unit_level=unit.level,
            unit_id=unit.id,
            rule="reassigned",
            routed_at=now,
        )
        return [routed]

    return await step(ctx, uow, by, ticket_id, act)


def mediation(by: str, outcome: Literal["settled", "terminated"], summary: str) -> Act:
    """Record a mediation's outcome (starting it, if the accepted complaint had not yet)."""

    def act(ticket: Ticket, now: datetime) -> list[Contract]:
        if ticket.status == "accepted":
            ticket.start_mediation(by, now)
        ticket.end_mediation(outcome, summary, by, now)
        return []

    return act


def reply(by: str, text: str) -> Act:
    def act(ticket: Ticket, now: datetime) -> list[Contract]:
        ticket.reply(text, by, now)
        return []

    return act


def close(by: str) -> Act:
    def act(ticket: Ticket, now: datetime) -> list[Contract]:
        outcome = "rejected" if ticket.status == "rejected" else _outcome(ticket)
        ticket.close(by, now)
        return [TicketClosed(**_about(ticket), outcome=outcome, closed_at=now)]

    return act


def _outcome(ticket: Ticket) -> str:
    ended = [e for e in ticket.history if e.action == "mediation_ended"]
    return dict(ended[-1].details)["outcome"] if ended else "replied"


def follow_up(by: str, satisfaction: int, remarks: str, reopen_reason: str | None) -> Act:
    """The satisfaction follow-up; a dissatisfied party's request to reopen goes on record."""

    def act(ticket: Ticket, now: datetime) -> list[Contract]:
        ticket.follow_up(satisfaction, remarks, by, now)
        if reopen_reason is not None:
            ticket.ask_reopen(reopen_reason, by, now)
        return [TicketFollowedUp(**_about(ticket), satisfaction=satisfaction, followed_up_at=now)]

    return act


def decide_reopen(by: str, reopen: bool, reason: str) -> Act:
    def act(ticket: Ticket, now: datetime) -> list[Contract]:
        ticket.decide_reopen(reopen, reason, by, now)
        return []

    return act


async def merge(
    ctx: ComplaintsContext, uow: UnitOfWork, by: Principal, ticket_id: uuid.UUID, into: uuid.UUID
) -> Ticket:
    """Merge a duplicate into another ticket in scope; both keep their histories."""
    if ticket_id == into:
        raise Conflict("a ticket is not merged into itself")
    repository = TicketRepository(uow.connection, by)
    first, second = sorted([ticket_id, into])  # lock in one order: two merges never deadlock
    locked = {found: await repository.for_action(found) for found in (first, second)}
    duplicate, kept = locked[ticket_id], locked[into]
    now = ctx.clock.now()
    befores = (len(duplicate.ticket.history), len(kept.ticket.history))
    duplicate.ticket.merge_into(kept.ticket, by.subject, now)
    await save_step(uow.work, duplicate, befores[0], missed_events(duplicate.ticket, now))
    await save_step(uow.work, kept, befores[1], missed_events(kept.ticket, now))
    await uow.commit()
    return duplicate.ticket


async def filing_decided(
    ctx: ComplaintsContext, work: Work, case_source_id: uuid.UUID, filed: bool, at: datetime
) -> bool:
    """Enforcement decided whether to file a transferred report: a real-name reporter is to
    be told within 5 working days. False if the case source is not one of our reports."""
    repository = TicketRepository(work.connection)
    stored = await repository.of_case_source(case_source_id)
    if stored is None:
        return False
    ticket = stored.ticket
    if any(e.action == "filing_decided" for e in ticket.history):
        return False  # told once: a second decision event changes nothing
    if ticket.status != "accepted":
        return False  # merged meanwhile: the ticket it joined carries the matter
    submission = await SubmissionRepository(work.connection).get(stored.submission_id)
    before = len(ticket.history)
    ticket.filing_decided(filed, not submission.anonymous, "enforcement", at)
    await save_step(work, stored, before, missed_events(ticket, ctx.clock.now()))
    return True


# -- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TicketView:
    """A ticket as a caller sees it, with the flags a handler needs (never its submitter)."""

    ticket: Ticket
    serial_submitter: bool
    duplicates: list[str]


async def ticket(
    ctx: ComplaintsContext, uow: UnitOfWork, by: Principal, ticket_id: uuid.UUID
) -> TicketView:
    """One ticket in scope (404 outside), with duplicate proposals and the serial flag."""
    stored = await TicketRepository(uow.connection, by).get(ticket_id)
    window = stored.ticket.received_at - timedelta(days=ctx.settings.duplicate_window_days)
    duplicates = await TicketRepository(uow.connection, by).duplicates_of(stored.ticket, window)
    count = await SubmissionRepository(uow.connection).tickets_of_submitter(
        stored.submission_id, window
    )
    return TicketView(
        stored.ticket,
        serial_submitter=count >= ctx.settings.serial_submitter_tickets,
        duplicates=[found.id for found in duplicates],
    )


async def tickets(
    uow: UnitOfWork, by: Principal, query: TicketFilter
) -> tuple[list[Ticket], str | None]:
    """A page of the caller's tickets."""
    return await TicketRepository(uow.connection, by).listed(query)


async def submitter(
    ctx: ComplaintsContext, uow: UnitOfWork, by: Principal, ticket_id: uuid.UUID
) -> Submitter:
    """The submitter's identity, for a complaints handler whose ticket it is; the read is
    logged with who read it, in the same transaction."""
    if not by.has_any("complaints_handler"):
        raise Forbidden("only complaints handlers see a submitter's identity")
    stored = await TicketRepository(uow.connection, by).get(ticket_id)
    submissions = SubmissionRepository(uow.connection)
    sealed = await submissions.sealed_submitter(stored.submission_id)
    await submissions.log_read(ticket_id, by.subject, ctx.clock.now())
    await uow.commit()
    return open_submitter(ctx.keyring, sealed)
