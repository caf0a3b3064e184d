"""The deadline watch: an accepted application's registration (3 + 3 working days) or joint
decision (45 + 15 working days) not met in time raises `licensing.deadline.missed` once, however
often it is checked and by however many replicas."""

from __future__ import annotations

from datetime import date, datetime

from chassis.observability import count_missed_deadline
from chassis.uow import UnitOfWork
from services.licensing.repositories.deadlines import Deadlines

BATCH = 500


async def raise_missed(uow: UnitOfWork, day: date, now: datetime, batch: int = BATCH) -> int:
    """Raise, in one transaction, up to `batch` deadlines missed before `day` and not raised
    yet, the earliest due first; how many. The ones raised are not selected again, so the next
    round takes the next batch."""
    repository = Deadlines(uow.connection)
    raised = 0
    for missed in await repository.missed(day, batch):
        if not await repository.raise_once(missed, now):
            continue  # another replica raised it just now
        uow.emit(missed.missed(now))
        count_missed_deadline(uow.work, missed.rule_code)
        raised += 1
    await uow.commit()
    return raised
