"""The directory of people as enforcement keeps it, from `identity.person.changed`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.copying import made_from
from chassis.db import dialect_of
from chassis.rows import values_for
from services.enforcement.domain import Officer
from services.enforcement.tables import people

_KEPT = ("roles", "office", "active", "certificate_number", "certificate_valid_until", "sequence")


@dataclass
class People:
    """People on one connection."""

    connection: AsyncConnection

    async def keep(self, officer: Officer, sequence: int) -> None:
        """Store a person as they stand now, unless a later event about them is stored."""
        statement = (
            dialect_of(self.connection)
            .insert(people)
            .values(values_for(people, officer, roles=sorted(officer.roles), sequence=sequence))
        )
        await self.connection.execute(
            statement.on_conflict_do_update(
                index_elements=[people.c.username],
                set_={name: statement.excluded[name] for name in _KEPT},
                where=people.c.sequence < statement.excluded.sequence,
            )
        )

    async def named(self, usernames: Iterable[str]) -> dict[str, Officer]:
        """Those of `usernames` the directory knows, by username."""
        rows = await self.connection.execute(
            sa.select(people).where(people.c.username.in_(list(usernames)))
        )
        return {row.username: made_from(Officer, row, roles=frozenset(row.roles)) for row in rows}
