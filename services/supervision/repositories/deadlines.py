"""The deadlines the watch keeps, where each is stored, and which of them were raised."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.db import dialect_of
from chassis.legalclock import rule
from contracts.supervision import SupervisionDeadline
from services.supervision.domain import HouseholdStatus, Viewer
from services.supervision.domain.risk import RESULTS_RULE
from services.supervision.tables import (
    deadlines_missed,
    households,
    inspection_plan_entries,
    random_inspection_plans,
    random_inspection_results,
)


@dataclass(frozen=True)
class Watched:
    """One kind of deadline: the rows that carry it, what it is about, its due day and rule,
    whose it is, and what keeps it open (once that no longer holds, it is met)."""

    kind: SupervisionDeadline
    rows: sa.FromClause
    subject: sa.ColumnElement[str]
    due: sa.ColumnElement[date]
    rule_code: sa.ColumnElement[str]
    basis: sa.ColumnElement[str]
    office_id: sa.ColumnElement[Any]
    owner: sa.ColumnElement[Any]
    credit_code: sa.ColumnElement[str]
    plan_id: sa.ColumnElement[Any]
    draw_number: sa.ColumnElement[Any]
    still_open: sa.ColumnElement[bool]


_results, _plans = random_inspection_results, random_inspection_plans
_entries = inspection_plan_entries
# A result's deadline is about a household of one draw of a plan (the same household drawn by
# another plan has a deadline of its own): `<plan id>/<draw number>/<credit code>`.
_RESULT_SUBJECT = (
    sa.cast(_results.c.plan_id, sa.String)
    + "/"
    + sa.cast(_results.c.number, sa.String)
    + "/"
    + _results.c.credit_code
)

WATCHED: tuple[Watched, ...] = (
    # 一公开: a result recorded is published within 20 working days.
    Watched(
        kind="publish_results",
        rows=_results.join(_plans, _plans.c.id == _results.c.plan_id),
        subject=_RESULT_SUBJECT,
        due=_results.c.publish_by,
        rule_code=sa.literal(RESULTS_RULE, sa.String),
        basis=sa.literal(rule(RESULTS_RULE).basis, sa.String),
        office_id=_plans.c.office_id,
        owner=sa.null(),
        credit_code=_results.c.credit_code,
        plan_id=_results.c.plan_id,
        draw_number=_results.c.number,
        still_open=_results.c.published_at.is_(None),
    ),
    # A claimed household's next visit by its risk class: an inspection moves the due day on.
    Watched(
        kind="inspection_visit",
        rows=_entries.join(households, households.c.credit_code == _entries.c.credit_code),
        subject=_entries.c.credit_code,
        due=_entries.c.due,
        rule_code=_entries.c.rule_code,
        basis=_entries.c.basis,
        office_id=households.c.office_id,
        owner=households.c.owner,
        credit_code=_entries.c.credit_code,
        plan_id=sa.null(),
        draw_number=sa.null(),
        still_open=households.c.status == HouseholdStatus.CLAIMED,
    ),
)


@dataclass(frozen=True)
class OpenDeadline:
    """A deadline still open: which, about what, its due day and rule, whose."""

    watched: Watched
    subject: str
    due: date
    rule_code: str
    basis: str
    office_id: str | None
    owner: str | None
    credit_code: str
    plan_id: uuid.UUID | None
    draw_number: int | None


def _open_before(watched: Watched, day: date) -> sa.Select[Any]:
    columns = (
        watched.subject,
        watched.due,
        watched.rule_code,
        watched.basis,
        watched.office_id,
        watched.owner,
        watched.credit_code,
        watched.plan_id,
        watched.draw_number,
    )
    return (
        sa.select(*columns).select_from(watched.rows).where(watched.still_open, watched.due < day)
    )


def _opened(watched: Watched, rows: Any) -> list[OpenDeadline]:
    return [OpenDeadline(watched, *row) for row in rows]


def _in_scope(watched: Watched, viewer: Viewer) -> sa.ColumnElement[bool]:
    """The office head's office, the inspector's own plan (and of whom they act for today);
    the whole district for auditors and admins."""
    if viewer.sees_everything:
        return sa.true()
    scope = []
    if "office_head" in viewer.roles and viewer.office is not None:
        scope.append(watched.office_id == viewer.office)
    if "grid_inspector" in viewer.roles:
        scope.append(watched.owner.in_(sorted(viewer.acts_for)))
    return sa.or_(*scope) if scope else sa.false()


class Deadlines:
    """The watched deadlines on a unit of work's connection."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def missed(self, watched: Watched, day: date, limit: int) -> list[OpenDeadline]:
        """Up to `limit` of a kind's deadlines missed before `day` and not raised yet, the
        earliest due first: each round takes the next ones, however many were raised."""
        raised = sa.and_(
            deadlines_missed.c.subject == watched.subject,
            deadlines_missed.c.deadline == watched.kind,
            deadlines_missed.c.due == watched.due,
        )
        rows = await self.connection.execute(
            _open_before(watched, day)
            .outerjoin(deadlines_missed, raised)
            .where(deadlines_missed.c.subject.is_(None))
            .order_by(watched.due, watched.subject)
            .limit(limit)
        )
        return _opened(watched, rows)

    async def raise_once(self, deadline: OpenDeadline, at: datetime) -> bool:
        """Mark a missed deadline raised; False if another process did first."""
        inserted = await self.connection.execute(
            dialect_of(self.connection)
            .insert(deadlines_missed)
            .values(
                subject=deadline.subject,
                deadline=deadline.watched.kind,
                due=deadline.due,
                raised_at=at,
            )
            .on_conflict_do_nothing()
            .returning(deadlines_missed.c.subject)
        )
        return inserted.first() is not None

    async def open_before(self, day: date, viewer: Viewer) -> list[OpenDeadline]:
        """Every kind's open deadlines due before `day`, in the viewer's scope."""
        found = []
        for watched in WATCHED:
            mine = _open_before(watched, day).where(_in_scope(watched, viewer))
            found += _opened(watched, await self.connection.execute(mine))
        return found
