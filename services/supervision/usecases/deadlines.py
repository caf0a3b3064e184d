"""The deadline watch: a random inspection's result published within 20 working days (一公开),
and each claimed household visited by the due day its risk class sets, are listed when overdue
or due soon, and each missed one raises `supervision.deadline.missed` once, however often it is
checked and by however many replicas. (The claim deadline has its own watch: households.)"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from chassis.auth import Principal
from chassis.observability import count_missed_deadline
from chassis.uow import UnitOfWork
from contracts.supervision import SupervisionDeadline, SupervisionDeadlineMissed
from services.supervision.context import SupervisionContext
from services.supervision.domain.deadlines import DeadlineState, deadline_state, soon_horizon
from services.supervision.repositories.deadlines import WATCHED, Deadlines, OpenDeadline
from services.supervision.usecases.delegations import viewer_of

BATCH = 500


def _missed_event(deadline: OpenDeadline, now: datetime) -> SupervisionDeadlineMissed:
    return SupervisionDeadlineMissed.model_validate(
        {
            "subject_id": deadline.subject,
            "deadline": deadline.watched.kind,
            "rule_code": deadline.rule_code,
            "basis": deadline.basis,
            "due": deadline.due,
            "office_code": deadline.office_id,
            "credit_code": deadline.credit_code,
            "owner": deadline.owner,
            "plan_id": deadline.plan_id,
            "draw_number": deadline.draw_number,
            "detected_at": now,
        }
    )


async def raise_missed(uow: UnitOfWork, day: date, now: datetime, batch: int = BATCH) -> int:
    """Raise, in one transaction, up to `batch` deadlines of each kind missed before `day`
    and not raised yet, the earliest due first; how many. The ones raised are not selected
    again, so the next round takes the next batch."""
    repository = Deadlines(uow.connection)
    raised = 0
    for watched in WATCHED:
        for missed in await repository.missed(watched, day, batch):
            if not await repository.raise_once(missed, now):
                continue  # another replica raised it just now
            uow.emit(_missed_event(missed, now))
            count_missed_deadline(uow.work, missed.rule_code)
            raised += 1
    await uow.commit()
    return raised


@dataclass(frozen=True)
class WatchedDeadline:
    """An open deadline that is overdue or due soon."""

    subject_id: str
    deadline: SupervisionDeadline
    due: date
    state: DeadlineState
    rule_code: str
    basis: str
    office_id: str | None
    owner: str | None
    credit_code: str
    plan_id: uuid.UUID | None
    draw_number: int | None


async def watch_list(
    ctx: SupervisionContext, uow: UnitOfWork, by: Principal
) -> list[WatchedDeadline]:
    """The caller's open deadlines (an office head's office's, an inspector's own plan's, the
    district's for auditors and admins) overdue or due within DEADLINE_SOON_DAYS working
    days, soonest first."""
    viewer = await viewer_of(ctx, uow.connection, by)
    today, soon_days = ctx.clock.today(), ctx.settings.deadline_soon_days
    horizon = soon_horizon(today, soon_days)
    listed = [
        WatchedDeadline(
            subject_id=entry.subject,
            deadline=entry.watched.kind,
            due=entry.due,
            state=deadline_state(entry.due, today, soon_days),
            rule_code=entry.rule_code,
            basis=entry.basis,
            office_id=entry.office_id,
            owner=entry.owner,
            credit_code=entry.credit_code,
            plan_id=entry.plan_id,
            draw_number=entry.draw_number,
        )
        for entry in await Deadlines(uow.connection).open_before(horizon, viewer)
    ]
    return sorted(listed, key=lambda entry: (entry.due, entry.deadline, entry.subject_id))
