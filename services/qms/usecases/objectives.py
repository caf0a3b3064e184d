"""Quality objectives: measured as each event is handled, recomputed from the record of
everything on request, and evaluated once a month has ended (a breach opens a nonconformity
by itself, once)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from chassis.auth import Principal
from chassis.clock import Clock
from chassis.errors import Forbidden, NotFound
from chassis.uow import UnitOfWork, Work
from contracts import Envelope
from contracts.qms import ObjectiveBreached
from services.qms.domain.objectives import (
    Figure,
    figures,
    month_of,
    months_up_to,
    observe,
    tally,
)
from services.qms.repositories.log import AuditLog
from services.qms.repositories.objectives import Breaches, Observations
from services.qms.usecases.nonconformities import open_for_objective_breach


async def measure(work: Work, envelopes: Sequence[Envelope]) -> None:
    """What the events add to the objectives, stored in the consumer's transaction."""
    observations = Observations(work.connection)
    for envelope in envelopes:
        await observations.add(envelope.id, observe(envelope))


def office_in_scope(by: Principal, office: str | None) -> str | None:
    """The office whose figures the caller reads: any (or the bureau's) for the quality office
    and auditors; an office head's own only (another office's are not found)."""
    if by.has_any("qms_manager", "auditor"):
        return office
    if not by.has_any("office_head") or by.office is None:
        raise Forbidden("only the quality office, auditors and office heads read objectives")
    if office not in (None, by.office):
        raise NotFound("office")
    return by.office


async def live(uow: UnitOfWork, by: Principal, period: str, office: str | None) -> list[Figure]:
    """The figures as measured while the events were handled."""
    office = office_in_scope(by, office)
    totals = await Observations(uow.connection).totals(months_up_to(period), office)
    return figures(totals, period)


async def recomputed(
    uow: UnitOfWork, by: Principal, period: str, office: str | None
) -> list[Figure]:
    """The figures measured again from every entry of the record of everything."""
    office = office_in_scope(by, office)
    observations = [
        seen
        async for leaf in AuditLog(uow.connection).leaves()
        for seen in observe(Envelope.from_json(leaf.entry))
    ]
    return figures(tally(observations, office), period)


def month_before(today: date) -> str:
    """The month that ended before the one `today` is in."""
    return months_up_to(month_of(today), 2)[0]


async def evaluate_ended_month(uow: UnitOfWork, clock: Clock) -> list[Figure]:
    """The bureau's objectives over the month just ended: each one below its target is told
    (`qms.objective.breached`) and opens a nonconformity, in this transaction, once. Returns
    the breaches found this time."""
    period = month_before(clock.today())
    now = clock.now()
    breaches = Breaches(uow.connection)
    totals = await Observations(uow.connection).totals(months_up_to(period))
    found = []
    for figure in figures(totals, period):
        if figure.status == "met":
            continue
        assert figure.value is not None  # a month with nothing measured is met
        breach = ObjectiveBreached(
            objective_code=figure.code,
            period=period,
            value=figure.value,
            target=figure.target,
            measured_at=now,
        )
        event_id = uuid.uuid4()
        if not await breaches.claim(figure, event_id, now):
            continue  # recorded before, or by another replica just now
        uow.emit(breach, event_id=event_id)
        await open_for_objective_breach(uow.work, breach, event_id, now)
        found.append(figure)
    await uow.commit()
    return found
