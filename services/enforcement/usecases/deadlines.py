"""The deadline watch: every time limit the sub-bureau keeps (verifying a case source,
deciding a case, serving the decision, the fine's payment, the return visit, on-the-spot cash
to the bank) is listed when overdue or due soon, and each missed one raises
`enforcement.deadline.missed` once, however often it is checked and by however many replicas."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from chassis.auth import Principal
from chassis.legalclock.rules import rule
from chassis.observability import count_missed_deadline
from chassis.uow import UnitOfWork
from contracts.enforcement import DeadlineMissedV2, EnforcementDeadline
from services.enforcement import domain
from services.enforcement.domain import DeadlineState
from services.enforcement.repositories.deadlines import WATCHED, Deadlines, OpenDeadline

BATCH = 500


def _missed_event(deadline: OpenDeadline, now: datetime) -> DeadlineMissedV2:
    watched = deadline.watched
    return DeadlineMissedV2(
        subject_id=deadline.subject_id,
        deadline=watched.kind,
        rule_code=watched.rule_code,
        basis=rule(watched.rule_code).basis,
        due=deadline.due,
        section=deadline.section,
        credit_code=deadline.credit_code,
        detected_at=now,
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
            count_missed_deadline(uow.work, watched.rule_code)
            raised += 1
    await uow.commit()
    return raised


@dataclass(frozen=True)
class WatchedDeadline:
    """An open deadline that is overdue or due soon."""

    subject_id: uuid.UUID
    deadline: EnforcementDeadline
    due: date
    state: DeadlineState
    rule_code: str
    basis: str
    section: str | None
    credit_code: str | None


@dataclass(frozen=True)
class WatchQuery:
    """Whose deadlines, on which day, and how many working days ahead count as due soon."""

    by: Principal
    today: date
    soon_days: int


async def watch_list(uow: UnitOfWork, query: WatchQuery) -> list[WatchedDeadline]:
    """One's section's open deadlines that are overdue or due within `soon_days` working
    days, soonest first."""
    today, soon_days = query.today, query.soon_days
    horizon = domain.soon_horizon(today, soon_days)
    listed = [
        WatchedDeadline(
            subject_id=entry.subject_id,
            deadline=entry.watched.kind,
            due=entry.due,
            state=domain.deadline_state(entry.due, today, soon_days),
            rule_code=entry.watched.rule_code,
            basis=rule(entry.watched.rule_code).basis,
            section=entry.section,
            credit_code=entry.credit_code,
        )
        for entry in await Deadlines(uow.connection).open_before(horizon, query.by)
    ]
    return sorted(listed, key=lambda entry: (entry.due, entry.deadline, str(entry.subject_id)))
