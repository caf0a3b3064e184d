"""The directory of people as supervision keeps it, from `identity.person.changed`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.db import dialect_of
from services.supervision.domain import Person
from services.supervision.tables import people


@dataclass
class People:
    """People on one connection."""

    connection: AsyncConnection

    async def keep(self, person: Person, sequence: int) -> None:
        """Store a person as they stand now, unless a later event about them is stored."""
        statement = (
            dialect_of(self.connection)
            .insert(people)
            .values(
                username=person.username,
                roles=sorted(person.roles),
                office=person.office,
                active=person.active,
                sequence=sequence,
            )
        )
        await self.connection.execute(
            statement.on_conflict_do_update(
                index_elements=[people.c.username],
                set_={
                    name: statement.excluded[name]
                    for name in ("roles", "office", "active", "sequence")
                },
                where=people.c.sequence < statement.excluded.sequence,
            )
        )

    async def named(self, usernames: Iterable[str]) -> dict[str, Person]:
        """Those of `usernames` the directory knows, by username."""
        rows = await self.connection.execute(
            sa.select(people).where(people.c.username.in_(list(usernames)))
        )
        return {
            row.username: Person(row.username, frozenset(row.roles), row.office, row.active)
            for row in rows
        }
