"""Households, their licence facts and their supervision file, as stored."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.copying import made_from
from chassis.db import dialect_of, for_each_dialect
from chassis.rows import values_for
from services.supervision.domain import (
    FileEntry,
    Household,
    HouseholdStatus,
    LicenceFact,
    Viewer,
)
from services.supervision.tables import claim_overdue, household_history, households, licence_facts


def household_of(row: sa.Row[Any]) -> Household:
    """A stored household."""
    return made_from(Household, row, status=HouseholdStatus(row.status))


# What a listing shows of a household: all but the bookkeeping only its steps use.
_LISTED = [
    column
    for column in households.c
    if column.name not in {"licensed", "last_inspected_at", "updated_at"}
]
_LISTED_NAMES = tuple(column.name for column in _LISTED)

# Built once, the values given at execution: a statement built per call with .values() costs
# more CPU than its round trip (its clauses constructed, then its cache key computed).
_ADD = sa.insert(households)
_SAVE = sa.update(households).where(households.c.credit_code == sa.bindparam("saved_code"))
_ADD_ENTRY = sa.insert(household_history)
_KEEP_FACT = for_each_dialect(
    lambda dialect: (
        dialect.insert(licence_facts).on_conflict_do_nothing().returning(licence_facts.c.sequence)
    )
)


@dataclass
class Households:
    """Households on one connection."""

    connection: AsyncConnection

    async def get(self, credit_code: str, *, lock: bool = False) -> Household | None:
        """One household, if it exists (locked for the transaction if asked)."""
        statement = sa.select(households).where(households.c.credit_code == credit_code)
        if lock:
            statement = statement.with_for_update()
        row = (await self.connection.execute(statement)).first()
        return household_of(row) if row is not None else None

    async def of(self, credit_codes: Iterable[str]) -> list[Household]:
        """The households among `credit_codes` that exist."""
        statement = sa.select(households).where(households.c.credit_code.in_(list(credit_codes)))
        return [household_of(row) for row in await self.connection.execute(statement)]

    async def save(self, household: Household, *, new: bool = False) -> None:
        """Store the household and the entries its steps added to its file."""
        address = dict(household.address) if household.address is not None else None
        values = values_for(households, household, address=address)
        del values["last_inspected_at"]  # inspections write when it was last inspected
        if new:
            await self.connection.execute(_ADD, values)
        else:
            del values["credit_code"]
            await self.connection.execute(_SAVE, {**values, "saved_code": household.credit_code})
        await self.add_entries(household.news)
        household.news.clear()

    async def add_entries(self, entries: Sequence[FileEntry]) -> None:
        """Entries of supervision files, in order (one statement)."""
        if entries:
            await self.connection.execute(
                _ADD_ENTRY,
                [values_for(household_history, e, detail=dict(e.detail)) for e in entries],
            )

    async def lock_licence(self, credit_code: str) -> None:
        """Serialise the licence events of one business (two handled at once would each fold
        without the other's fact)."""
        if self.connection.dialect.name == "postgresql":
            await self.connection.execute(
                sa.text("SELECT pg_advisory_xact_lock(hashtextextended(:code, 0))"),
                {"code": credit_code},
            )

    async def keep_fact(self, credit_code: str, fact: LicenceFact, at: datetime) -> bool:
        """Keep a licensing event; False if it was kept before (a redelivery or a re-publish)."""
        kept = await self.connection.execute(
            _KEEP_FACT[self.connection.dialect.name],
            values_for(licence_facts, fact, credit_code=credit_code, data=dict(fact.data), at=at),
        )
        return kept.first() is not None

    async def facts(self, credit_code: str) -> list[LicenceFact]:
        """Every licensing event kept about the business."""
        rows = await self.connection.execute(
            sa.select(licence_facts).where(licence_facts.c.credit_code == credit_code)
        )
        return [made_from(LicenceFact, row) for row in rows]

    async def page(
        self,
        viewer: Viewer,
        *,
        grid_id: str | None,
        status: str | None,
        cursor: str | None,
        limit: int,
    ) -> tuple[list[dict[str, Any]], str | None]:
        """The households in the viewer's scope, by credit code, a page at a time: each as it
        is listed (its columns by name), not as a domain object, which a listing has no use for
        and which would cost more than the query (500 a page)."""
        statement = sa.select(*_LISTED).order_by(households.c.credit_code).limit(limit + 1)
        if not viewer.sees_everything:
            in_scope = []
            if "office_head" in viewer.roles and viewer.office is not None:
                in_scope.append(households.c.office_id == viewer.office)
            if "grid_inspector" in viewer.roles:
                in_scope.append(households.c.owner.in_(sorted(viewer.acts_for)))
            statement = statement.where(sa.or_(*in_scope) if in_scope else sa.false())
        if grid_id is not None:
            statement = statement.where(households.c.grid_id == grid_id)
        if status is not None:
            statement = statement.where(households.c.status == status)
        if cursor is not None:
            statement = statement.where(households.c.credit_code > cursor)
        rows = (await self.connection.execute(statement)).all()
        found = [dict(zip(_LISTED_NAMES, row, strict=True)) for row in rows[:limit]]
        following = found[limit - 1]["credit_code"] if len(rows) > limit else None
        return found, following

    async def claimed_by(self, officers: Iterable[str]) -> list[Household]:
        """The claimed households of these officers, the longest unvisited first."""
        rows = await self.connection.execute(
            sa.select(households)
            .where(
                households.c.status == HouseholdStatus.CLAIMED,
                households.c.owner.in_(sorted(officers)),
            )
            .order_by(households.c.last_inspected_at.asc().nulls_first(), households.c.credit_code)
        )
        return [household_of(row) for row in rows]

    async def mark_inspected(self, credit_codes: Sequence[str], at: datetime) -> None:
        """The households were visited at `at` (a later visit already kept stays)."""
        await self.connection.execute(
            sa.update(households)
            .where(
                households.c.credit_code.in_(list(credit_codes)),
                sa.or_(
                    households.c.last_inspected_at.is_(None),
                    households.c.last_inspected_at < at,
                ),
            )
            .values(last_inspected_at=at)
        )

    async def entries(self, credit_code: str) -> list[FileEntry]:
        """The file's own entries, in the order they were written."""
        rows = await self.connection.execute(
            sa.select(household_history)
            .where(household_history.c.credit_code == credit_code)
            .order_by(household_history.c.id)
        )
        return [made_from(FileEntry, row) for row in rows]

    async def missed_claims(self, day: date, limit: int = 500) -> list[Household]:
        """Assigned households whose claim deadline passed before `day`, not raised yet."""
        rows = await self.connection.execute(
            sa.select(households)
            .outerjoin(
                claim_overdue,
                sa.and_(
                    claim_overdue.c.credit_code == households.c.credit_code,
                    claim_overdue.c.claim_deadline == households.c.claim_deadline,
                ),
            )
            .where(
                households.c.status == HouseholdStatus.ASSIGNED,
                households.c.claim_deadline < day,
                claim_overdue.c.credit_code.is_(None),
            )
            .order_by(households.c.credit_code)
            .limit(limit)
        )
        return [household_of(row) for row in rows]

    async def raise_once(self, household: Household, at: datetime) -> bool:
        """Mark the household's missed deadline raised; False if another process did first."""
        inserted = await self.connection.execute(
            dialect_of(self.connection)
            .insert(claim_overdue)
            .values(values_for(claim_overdue, household, raised_at=at))
            .on_conflict_do_nothing()
            .returning(claim_overdue.c.credit_code)
        )
        return inserted.first() is not None
