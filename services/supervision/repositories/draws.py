"""Random inspection plans, their draws and results, the households' history counts, and the
owners' inspection plan entries, as stored."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.db import dialect_of
from services.supervision.domain import HouseholdStatus
from services.supervision.domain.risk import HistoryCounts
from services.supervision.tables import (
    case_transfers,
    household_history,
    households,
    inspection_plan_entries,
    offices,
    random_inspection_draws,
    random_inspection_plans,
    random_inspection_results,
)

PROBLEMS_FOUND = "problems_found"


@dataclass(frozen=True)
class OpenHousehold:
    """A household of an office's register that a draw may pick."""

    credit_code: str
    grid_id: str
    owner: str


@dataclass(frozen=True)
class UnplannedHousehold:
    """A claimed household that has no plan entry, with when it was claimed and last visited."""

    credit_code: str
    claimed_at: datetime
    last_inspected_at: datetime | None


@dataclass
class Draws:
    """Plans, draws, results and plan entries on one connection."""

    connection: AsyncConnection

    async def add_plan(self, values: dict[str, Any]) -> None:
        """Store a new plan."""
        await self.connection.execute(sa.insert(random_inspection_plans).values(values))

    async def plan(self, plan_id: uuid.UUID) -> sa.Row[Any] | None:
        """A plan, if it exists."""
        statement = sa.select(random_inspection_plans).where(
            random_inspection_plans.c.id == plan_id
        )
        return (await self.connection.execute(statement)).first()

    async def plans(self, office_id: str | None) -> list[sa.Row[Any]]:
        """The plans of an office (of every office if None), newest first, each with how many
        draws it had and its latest draw's status."""
        draws = random_inspection_draws
        latest = (
            sa.select(draws.c.status)
            .where(draws.c.plan_id == random_inspection_plans.c.id)
            .order_by(draws.c.number.desc())
            .limit(1)
            .scalar_subquery()
        )
        count = (
            sa.select(sa.func.count())
            .where(draws.c.plan_id == random_inspection_plans.c.id)
            .scalar_subquery()
        )
        statement = sa.select(
            random_inspection_plans.c.id,
            random_inspection_plans.c.office_id,
            random_inspection_plans.c.title,
            random_inspection_plans.c.created_by,
            random_inspection_plans.c.created_at,
            count.label("draws"),
            latest.label("latest_status"),
        ).order_by(random_inspection_plans.c.created_at.desc(), random_inspection_plans.c.id)
        if office_id is not None:
            statement = statement.where(random_inspection_plans.c.office_id == office_id)
        return list(await self.connection.execute(statement))

    async def lock_plan(self, plan_id: uuid.UUID) -> sa.Row[Any] | None:
        """A plan, locked: its draws are numbered one at a time."""
        statement = (
            sa.select(random_inspection_plans)
            .where(random_inspection_plans.c.id == plan_id)
            .with_for_update()
        )
        return (await self.connection.execute(statement)).first()

    async def draws_of(self, plan_id: uuid.UUID) -> list[sa.Row[Any]]:
        """Every draw of a plan, by number."""
        rows = await self.connection.execute(
            sa.select(random_inspection_draws)
            .where(random_inspection_draws.c.plan_id == plan_id)
            .order_by(random_inspection_draws.c.number)
        )
        return list(rows)

    async def add_draw(self, values: dict[str, Any]) -> None:
        """Store a committed draw."""
        await self.connection.execute(sa.insert(random_inspection_draws).values(values))

    async def mark_drawn(
        self,
        plan_id: uuid.UUID,
        number: int,
        selection: list[dict[str, Any]],
        by: str,
        at: datetime,
    ) -> None:
        """The draw was drawn: its selection, by whom and when."""
        await self.connection.execute(
            sa.update(random_inspection_draws)
            .where(
                random_inspection_draws.c.plan_id == plan_id,
                random_inspection_draws.c.number == number,
            )
            .values(status="drawn", selection=selection, drawn_by=by, drawn_at=at)
        )

    async def open_households(self, office_id: str) -> list[OpenHousehold]:
        """The office's households routed to a grid and not cancelled, by credit code."""
        rows = await self.connection.execute(
            sa.select(households.c.credit_code, households.c.grid_id, households.c.owner)
            .where(
                households.c.office_id == office_id,
                households.c.status.in_([HouseholdStatus.ASSIGNED, HouseholdStatus.CLAIMED]),
            )
            .order_by(households.c.credit_code)
        )
        return [OpenHousehold(code, grid, owner) for code, grid, owner in rows]

    async def history_counts(self, credit_codes: Sequence[str]) -> dict[str, HistoryCounts]:
        """What weighs on the risk of each household: penalties, complaints (received or
        transferred), missed claims, and findings (case sources transferred about it, problems
        found by random inspections)."""
        codes = list(credit_codes)
        kind, step = household_history.c.kind, household_history.c.detail["step"].as_string()
        history = await self.connection.execute(
            sa.select(
                household_history.c.credit_code,
                sa.func.count().filter(kind == "penalty"),
                sa.func.count().filter(kind == "complaint", step != "closed"),
                sa.func.count().filter(kind == "overdue"),
            )
            .where(household_history.c.credit_code.in_(codes))
            .group_by(household_history.c.credit_code)
        )
        counts = {code: [0, 0, 0, 0] for code in codes}
        for code, penalties, complaints, overdue in history:
            counts[code][:3] = [penalties, complaints, overdue]
        transfers = await self.connection.execute(
            sa.select(case_transfers.c.credit_code, sa.func.count())
            .where(case_transfers.c.credit_code.in_(codes))
            .group_by(case_transfers.c.credit_code)
        )
        problems = await self.connection.execute(
            sa.select(random_inspection_results.c.credit_code, sa.func.count())
            .where(
                random_inspection_results.c.credit_code.in_(codes),
                random_inspection_results.c.outcome == PROBLEMS_FOUND,
            )
            .group_by(random_inspection_results.c.credit_code)
        )
        for code, found in [*transfers, *problems]:
            counts[code][3] += found
        return {code: HistoryCounts(*values) for code, values in counts.items()}

    async def add_result(self, values: dict[str, Any]) -> bool:
        """Store a household's result; False if one is stored already."""
        inserted = await self.connection.execute(
            dialect_of(self.connection)
            .insert(random_inspection_results)
            .values(values)
            .on_conflict_do_nothing()
            .returning(random_inspection_results.c.credit_code)
        )
        return inserted.first() is not None

    async def results_of(self, plan_id: uuid.UUID, *, unpublished: bool = False) -> list[Any]:
        """The results of a plan's draws (only those not published yet if asked)."""
        statement = (
            sa.select(random_inspection_results)
            .where(random_inspection_results.c.plan_id == plan_id)
            .order_by(random_inspection_results.c.number, random_inspection_results.c.credit_code)
        )
        if unpublished:
            statement = statement.where(random_inspection_results.c.published_at.is_(None))
        return list(await self.connection.execute(statement))

    async def mark_published(self, plan_id: uuid.UUID, codes: Iterable[str], at: datetime) -> None:
        """These results are on the publicity feed since `at`."""
        await self.connection.execute(
            sa.update(random_inspection_results)
            .where(
                random_inspection_results.c.plan_id == plan_id,
                random_inspection_results.c.credit_code.in_(list(codes)),
                random_inspection_results.c.published_at.is_(None),
            )
            .values(published_at=at)
        )

    async def published(self, office_id: str | None, limit: int) -> list[Any]:
        """The publicity feed: published results with the names of the office and the
        household, newest first (of one office if asked)."""
        statement = (
            sa.select(
                random_inspection_results,
                random_inspection_plans.c.office_id,
                offices.c.name.label("office_name"),
                households.c.name,
            )
            .join(
                random_inspection_plans,
                random_inspection_plans.c.id == random_inspection_results.c.plan_id,
            )
            .outerjoin(offices, offices.c.id == random_inspection_plans.c.office_id)
            .outerjoin(
                households, households.c.credit_code == random_inspection_results.c.credit_code
            )
            .where(random_inspection_results.c.published_at.is_not(None))
            .order_by(
                random_inspection_results.c.published_at.desc(),
                random_inspection_results.c.credit_code,
            )
            .limit(limit)
        )
        if office_id is not None:
            statement = statement.where(random_inspection_plans.c.office_id == office_id)
        return list(await self.connection.execute(statement))

    async def keep_plan_entry(self, values: dict[str, Any]) -> None:
        """Put a household in its owner's plan, or move its due date."""
        insert = dialect_of(self.connection).insert(inspection_plan_entries).values(values)
        changed = {k: v for k, v in values.items() if k != "credit_code"}
        # A correction of an older inspection does not move the due date back.
        later = inspection_plan_entries.c.since <= insert.excluded.since
        await self.connection.execute(
            insert.on_conflict_do_update(index_elements=["credit_code"], set_=changed, where=later)
        )

    async def unplanned(self) -> list[UnplannedHousehold]:
        """Claimed households without a plan entry (claimed before the plan existed)."""
        rows = await self.connection.execute(
            sa.select(
                households.c.credit_code, households.c.claimed_at, households.c.last_inspected_at
            )
            .outerjoin(
                inspection_plan_entries,
                inspection_plan_entries.c.credit_code == households.c.credit_code,
            )
            .where(
                households.c.status == HouseholdStatus.CLAIMED,
                inspection_plan_entries.c.credit_code.is_(None),
            )
            .order_by(households.c.credit_code)
        )
        return [UnplannedHousehold(*row) for row in rows]

    async def add_plan_entries(self, entries: Sequence[dict[str, Any]]) -> None:
        """Put households in the plan, leaving those already in it as they are."""
        if entries:
            insert = dialect_of(self.connection).insert(inspection_plan_entries).values(entries)
            await self.connection.execute(insert.on_conflict_do_nothing())

    async def planned(self, codes: Iterable[str]) -> set[str]:
        """Those of `codes` in an inspection plan."""
        found = await self.connection.scalars(
            sa.select(inspection_plan_entries.c.credit_code).where(
                inspection_plan_entries.c.credit_code.in_(list(codes))
            )
        )
        return set(found)

    async def plan_of(self, owners: Iterable[str], due_by: date | None) -> list[Any]:
        """The claimed households of these owners with their plan entries, soonest due first
        (only those due by `due_by` if given)."""
        statement = (
            sa.select(
                households,
                inspection_plan_entries.c.risk_class,
                inspection_plan_entries.c.since,
                inspection_plan_entries.c.due,
                inspection_plan_entries.c.rule_code,
                inspection_plan_entries.c.basis,
            )
            .join(
                inspection_plan_entries,
                inspection_plan_entries.c.credit_code == households.c.credit_code,
            )
            .where(
                households.c.status == HouseholdStatus.CLAIMED,
                households.c.owner.in_(sorted(owners)),
            )
            .order_by(inspection_plan_entries.c.due, households.c.credit_code)
        )
        if due_by is not None:
            statement = statement.where(inspection_plan_entries.c.due <= due_by)
        return list(await self.connection.execute(statement))
