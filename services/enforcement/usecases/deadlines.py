"""The deadline watch: case sources not decided and cases not decided in time are listed, and
each missed deadline raises `enforcement.deadline.missed` once, however often it is checked."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from chassis.auth import Principal
from chassis.db import dialect_of
from chassis.uow import UnitOfWork
from contracts.enforcement import DeadlineMissed
from services.enforcement import domain
from services.enforcement.domain import CaseSourceStatus, CaseStatus, DeadlineState
from services.enforcement.repositories.scope import in_section
from services.enforcement.tables import case_sources, cases, deadlines_missed

OPEN_CASES = (CaseStatus.FILED, CaseStatus.INVESTIGATING)
BATCH = 500


def _running(day: date) -> list[tuple[str, sa.Select[Any]]]:
    """The open deadlines due before `day`, as (kind, query of id, due, deadline, section, code)."""
    verify = sa.select(
        case_sources.c.id,
        case_sources.c.verify_due,
        case_sources.c.verify_deadline,
        case_sources.c.section,
        case_sources.c.credit_code,
    ).where(case_sources.c.status == CaseSourceStatus.RECEIVED, case_sources.c.verify_due < day)
    decide = sa.select(
        cases.c.id,
        cases.c.decision_due,
        cases.c.decision_deadline,
        cases.c.section,
        cases.c.credit_code,
    ).where(cases.c.status.in_(OPEN_CASES), cases.c.decision_due < day)
    return [("verify", verify), ("decide", decide)]


async def raise_missed(uow: UnitOfWork, day: date, now: datetime) -> int:
    """Raise each deadline missed before `day` that has not been raised yet; how many."""
    connection = uow.connection
    raised = 0
    for kind, query in _running(day):
        for subject_id, due, deadline, section, credit_code in (
            await connection.execute(query.limit(BATCH))
        ).all():
            inserted = await connection.execute(
                dialect_of(connection)
                .insert(deadlines_missed)
                .values(subject_id=subject_id, deadline=kind, due=due, raised_at=now)
                .on_conflict_do_nothing()
                .returning(deadlines_missed.c.subject_id)
            )
            if inserted.first() is None:
                continue  # raised before (or by another replica just now)
            uow.emit(
                DeadlineMissed(
                    subject_id=subject_id,
                    deadline=kind,
                    rule_code=deadline["rule_code"],
                    basis=deadline["basis"],
                    due=due,
                    section=section,
                    credit_code=credit_code,
                    detected_at=now,
                )
            )
            raised += 1
    await uow.commit()
    return raised


@dataclass(frozen=True)
class WatchedDeadline:
    """An open deadline that is overdue or due soon."""

    subject_id: uuid.UUID
    deadline: str
    due: date
    state: DeadlineState
    rule_code: str
    basis: str
    section: str | None
    credit_code: str | None


@dataclass(frozen=True)
class WatchQuery:
    """Whose deadlines, on which day, and how near counts as due soon."""

    by: Principal
    today: date
    soon_days: int


async def watch_list(uow: UnitOfWork, query: WatchQuery) -> list[WatchedDeadline]:
    """One's section's open deadlines that are overdue or due within `soon_days`, soonest first."""
    today, soon_days = query.today, query.soon_days
    horizon = today + timedelta(days=soon_days + 1)
    listed = []
    for kind, running in _running(horizon):
        table = case_sources if kind == "verify" else cases
        mine = running.where(in_section(query.by, table.c.section))
        for subject_id, due, deadline, section, credit_code in await uow.connection.execute(mine):
            listed.append(
                WatchedDeadline(
                    subject_id=subject_id,
                    deadline=kind,
                    due=due,
                    state=domain.deadline_state(due, today, soon_days),
                    rule_code=deadline["rule_code"],
                    basis=deadline["basis"],
                    section=section,
                    credit_code=credit_code,
                )
            )
    return sorted(listed, key=lambda entry: (entry.due, entry.deadline))
