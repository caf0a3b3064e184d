"""Nonconformities: opened once from a missed legal time limit or a breached objective (in the
transaction of the event or measurement that found it), raised by a person, followed through
corrective actions to the effectiveness check that closes them; read in scope."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from chassis.auth import Principal
from chassis.errors import Forbidden
from chassis.legalclock.rules import rule
from chassis.uow import UnitOfWork, Work
from contracts import Envelope
from contracts.complaints import TicketDeadlineMissed
from contracts.enforcement import DeadlineMissed, DeadlineMissedV2
from contracts.licensing import ApplicationDeadlineMissed
from contracts.qms import NonconformityClosed, NonconformityRaised, ObjectiveBreached
from contracts.supervision import ClaimOverdue, SupervisionDeadlineMissed
from services.qms.context import QmsContext
from services.qms.domain.nonconformities import (
    Evidence,
    Nonconformity,
    Origin,
    missed_time_limit,
    objective_breached,
    raised_by_person,
)
from services.qms.repositories.nonconformities import Nonconformities, NonconformityFilter

# Who raises one from an objective's measurement: the quality system itself (one from a
# missed deadline names the service that reported it, the envelope's source).
QMS = "qms"
CLAIM_RULE = "supervision.claim"
_CASE_OF_DEADLINE = {
    "verify": "case source",
    "decide": "case",
    "serve": "case",
    "pay": "case",
    "return_visit": "case",
    "cash_handover": "on-the-spot penalty",
}


def raised_event(nonconformity: Nonconformity) -> NonconformityRaised:
    """`qms.nonconformity.raised` for a nonconformity just raised."""
    return NonconformityRaised(
        nonconformity_id=nonconformity.id,
        basis=nonconformity.source,
        basis_code=nonconformity.basis_code,
        description=nonconformity.description,
        raised_at=nonconformity.raised_at,
        subject_id=nonconformity.subject,
        office=nonconformity.office,
        evidence_event_id=nonconformity.evidence.event_id,
    )


async def open_once(
    work: Work, origin: Origin, by: str, at: datetime, nonconformity_id: uuid.UUID | None = None
) -> Nonconformity | None:
    """Raise a nonconformity (under `nonconformity_id`, or a new id) with its event, unless the
    same fact raised one already (then None: nothing stored, nothing emitted)."""
    nonconformity = Nonconformity.raise_(nonconformity_id or uuid.uuid4(), origin, by, at)
    if not await Nonconformities(work.connection).add(nonconformity):
        return None
    work.emit(raised_event(nonconformity))
    return nonconformity


def _evidence(envelope: Envelope, basis: str, **facts: object) -> Evidence:
    given = tuple((name, str(value)) for name, value in facts.items() if value is not None)
    return Evidence(basis, envelope.id, envelope.type, given)


def enforcement_deadline(event: DeadlineMissed | DeadlineMissedV2, envelope: Envelope) -> Origin:
    """A case source, a case or an on-the-spot penalty's time limit missed (version 1 knew only
    verifying and deciding): the section answers."""
    what = _CASE_OF_DEADLINE[event.deadline]
    return missed_time_limit(
        rule_code=event.rule_code,
        subject=str(event.subject_id),
        due=event.due,
        office=event.section,
        description=(
            f"The {event.deadline} time limit ({event.rule_code}) of {what} {event.subject_id} "
            f"ran out on {event.due.isoformat()} unmet"
        ),
        evidence=_evidence(
            envelope,
            event.basis,
            deadline=event.deadline,
            due=event.due.isoformat(),
            credit_code=event.credit_code,
            detected_at=event.detected_at.isoformat(),
        ),
    )


def supervision_claim(event: ClaimOverdue, envelope: Envelope) -> Origin:
    """A household not claimed by its grid's owner in time: the office answers."""
    return missed_time_limit(
        rule_code=CLAIM_RULE,
        subject=event.credit_code,
        due=event.claim_deadline,
        office=event.office_code,
        description=(
            f"Household {event.credit_code} was not claimed by {event.owner} in grid "
            f"{event.grid_code} by {event.claim_deadline.isoformat()}"
        ),
        evidence=_evidence(
            envelope,
            rule(CLAIM_RULE).basis,
            grid_code=event.grid_code,
            owner=event.owner,
            agent=event.agent,
            due=event.claim_deadline.isoformat(),
            detected_at=event.detected_at.isoformat(),
        ),
    )


_SUPERVISION_DEADLINE = {
    "publish_results": "publication of random inspection result",
    "inspection_visit": "plan visit of household",
}


def supervision_deadline(event: SupervisionDeadlineMissed, envelope: Envelope) -> Origin:
    """A random inspection's result not published, or a claimed household not visited, in
    time: the office answers."""
    return missed_time_limit(
        rule_code=event.rule_code,
        subject=event.subject_id,
        due=event.due,
        office=event.office_code,
        description=(
            f"The time limit {event.rule_code} of the {_SUPERVISION_DEADLINE[event.deadline]} "
            f"{event.subject_id} ran out on {event.due.isoformat()} unmet"
        ),
        evidence=_evidence(
            envelope,
            event.basis,
            deadline=event.deadline,
            due=event.due.isoformat(),
            credit_code=event.credit_code,
            owner=event.owner,
            detected_at=event.detected_at.isoformat(),
        ),
    )


def licensing_deadline(event: ApplicationDeadlineMissed, envelope: Envelope) -> Origin:
    """An accepted application not decided in time: the office that took it in answers."""
    return missed_time_limit(
        rule_code=event.rule_code,
        subject=str(event.application_id),
        due=event.due,
        office=event.office_code,
        description=(
            f"The time limit {event.rule_code} of application {event.application_id} ran out "
            f"on {event.due.isoformat()} with no decision"
        ),
        evidence=_evidence(
            envelope,
            event.basis,
            due=event.due.isoformat(),
            channel=event.channel,
            detected_at=event.detected_at.isoformat(),
        ),
    )


def complaints_deadline(event: TicketDeadlineMissed, envelope: Envelope) -> Origin:
    """A ticket's legal time limit missed: an office answers for its own tickets (a station's
    or the bureau's desk's are the quality office's to place)."""
    return missed_time_limit(
        rule_code=event.rule,
        subject=str(event.ticket_id),
        due=event.due,
        office=event.unit_id if event.unit_level == "office" else None,
        description=(
            f"The time limit {event.rule} of {event.kind} ticket {event.ticket_id} ran out on "
            f"{event.due.isoformat()} unmet at {event.unit_level} {event.unit_id}"
        ),
        evidence=_evidence(
            envelope,
            event.basis,
            due=event.due.isoformat(),
            unit=f"{event.unit_level}:{event.unit_id}",
            credit_code=event.credit_code,
            detected_at=event.detected_at.isoformat(),
        ),
    )


async def open_for_missed_deadline(
    ctx: QmsContext, work: Work, origin: Origin, envelope: Envelope
) -> Nonconformity | None:
    """A missed legal time limit another service reported: one nonconformity per miss, raised
    in the transaction that handles the event."""
    return await open_once(work, origin, envelope.source, ctx.clock.now())


async def open_for_objective_breach(
    work: Work, breach: ObjectiveBreached, event_id: uuid.UUID | None, at: datetime
) -> Nonconformity | None:
    """A quality objective below its target: one nonconformity per objective, office and
    period. The objectives' measurement calls this in its own transaction, with the id
    `work.emit(breach)` returned (the evidence); None when that breach raised one already."""
    origin = objective_breached(
        objective_code=breach.objective_code,
        period=breach.period,
        office=breach.office,
        value=breach.value,
        target=breach.target,
        event_id=event_id,
        event_type=None if event_id is None else breach.event_type,
    )
    return await open_once(work, origin, QMS, at)


async def raise_nonconformity(
    ctx: QmsContext,
    uow: UnitOfWork,
    by: Principal,
    *,
    subject: str,
    description: str,
    office: str | None,
    basis_code: str | None,
) -> Nonconformity:
    """A person's nonconformity against a record: the quality office's for any office, an
    office head's for their own office only."""
    if not by.has_any("qms_manager"):
        if not by.has_any("office_head") or by.office is None:
            raise Forbidden("only the quality office and office heads raise nonconformities")
        if office not in (None, by.office):
            raise Forbidden("an office head raises nonconformities of their own office")
        office = by.office
    origin = raised_by_person(
        subject=subject, description=description, office=office, basis_code=basis_code
    )
    nonconformity = await open_once(uow.work, origin, by.subject, ctx.clock.now())
    assert nonconformity is not None  # a person's has no once key: it is always stored
    await uow.commit()
    return nonconformity


def _managing(by: Principal) -> None:
    if not by.has_any("qms_manager"):
        raise Forbidden("only the quality office follows nonconformities up")


async def plan_action(
    ctx: QmsContext,
    uow: UnitOfWork,
    by: Principal,
    nonconformity_id: uuid.UUID,
    *,
    description: str,
    owner: str,
    due: date,
) -> Nonconformity:
    """Plan a corrective action with its owner and due day."""
    _managing(by)
    repository = Nonconformities(uow.connection)
    nonconformity = await repository.locked(nonconformity_id)
    action = nonconformity.plan_action(
        description, owner, due, by=by.subject, at=ctx.clock.now(), today=ctx.clock.today()
    )
    await repository.add_action(nonconformity, action)
    await repository.save_status(nonconformity)
    await uow.commit()
    return nonconformity


async def complete_action(
    ctx: QmsContext, uow: UnitOfWork, by: Principal, nonconformity_id: uuid.UUID, number: int
) -> Nonconformity:
    """Mark a corrective action done."""
    _managing(by)
    repository = Nonconformities(uow.connection)
    nonconformity = await repository.locked(nonconformity_id)
    action = nonconformity.complete_action(number, by.subject, ctx.clock.now())
    await repository.action_done(nonconformity, action)
    await repository.save_status(nonconformity)
    await uow.commit()
    return nonconformity


async def check_effectiveness(
    ctx: QmsContext,
    uow: UnitOfWork,
    by: Principal,
    nonconformity_id: uuid.UUID,
    *,
    effective: bool,
    evidence: str,
) -> Nonconformity:
    """Record the effectiveness check; an effective one closes the nonconformity and
    publishes `qms.nonconformity.closed` with it."""
    _managing(by)
    repository = Nonconformities(uow.connection)
    nonconformity = await repository.locked(nonconformity_id)
    check = nonconformity.check_effectiveness(effective, evidence, by.subject, ctx.clock.now())
    await repository.add_check(nonconformity, check)
    await repository.save_status(nonconformity)
    if check.effective:
        uow.emit(
            NonconformityClosed(
                nonconformity_id=nonconformity.id,
                basis=nonconformity.source,
                basis_code=nonconformity.basis_code,
                subject_id=nonconformity.subject,
                office=nonconformity.office,
                raised_at=nonconformity.raised_at,
                corrective_actions=len(nonconformity.actions),
                effectiveness_checks=len(nonconformity.checks),
                closed_at=check.checked_at,
            )
        )
    await uow.commit()
    return nonconformity


async def nonconformity(
    uow: UnitOfWork, by: Principal, nonconformity_id: uuid.UUID
) -> Nonconformity:
    """One nonconformity in the caller's scope (404 outside it)."""
    return await Nonconformities(uow.connection, by).get(nonconformity_id)


async def nonconformities(
    uow: UnitOfWork, by: Principal, query: NonconformityFilter
) -> list[Nonconformity]:
    """The caller's nonconformities, newest first."""
    return await Nonconformities(uow.connection, by).listed(query)
