"""Applications and their recorded steps."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from chassis.copying import made_from
from chassis.errors import NotFound
from chassis.paging import page_of, resume_after
from chassis.rows import values_for
from services.licensing.domain.applications import Application, Search, Step
from services.licensing.domain.places import Place
from services.licensing.domain.rules import Status
from services.licensing.tables import application_steps, applications


def application_of(row: Mapping[str, Any]) -> Application:
    """An application from its row's mapping."""
    address, status = Place.from_json(row["address"]), Status(row["status"])
    return made_from(Application, row, address=address, status=status)


@dataclass(frozen=True)
class ApplicationFilter:
    """Which applications to list: of a status, a channel, a kind, matching a search; a page
    after `cursor`."""

    status: str | None = None
    channel: str | None = None
    kind: str | None = None
    search: Search | None = None
    cursor: str | None = None
    limit: int = 100


# Built once, the values given at execution: a statement built per call with .values() costs
# more CPU than its round trip (its clauses constructed, then its cache key computed).
_ADD = sa.insert(applications)
_SAVE = sa.update(applications).where(applications.c.id == sa.bindparam("saved_id"))
_RECORD = sa.insert(application_steps)


@dataclass
class Applications:
    """The applications of the district."""

    connection: AsyncConnection

    async def get(self, application_id: uuid.UUID, *, lock: bool = False) -> Application:
        """An application; NotFound if absent. `lock` holds it for this transaction."""
        statement = sa.select(applications).where(applications.c.id == application_id)
        if lock:
            statement = statement.with_for_update()
        row = (await self.connection.execute(statement)).first()
        if row is None:
            raise NotFound("application")
        return application_of(row._asdict())

    async def by_client_ref(self, client_ref: str) -> Application | None:
        """The application the van uploaded under its own id, if any."""
        row = (
            await self.connection.execute(
                sa.select(applications).where(applications.c.client_ref == client_ref)
            )
        ).first()
        return None if row is None else application_of(row._asdict())

    async def exists(self, application_id: uuid.UUID) -> bool:
        """Whether an application has this id."""
        found = await self.connection.scalar(
            sa.select(applications.c.id).where(applications.c.id == application_id)
        )
        return found is not None

    async def listed(self, query: ApplicationFilter) -> tuple[list[Application], str | None]:
        """A page of applications, oldest first, and the next page's cursor (None on the last).

        The key is (submitted_at, id), on the index (status, submitted_at, id), or
        (submitted_at, id) without a status. The search is bound as parameters of LIKE with its
        wildcards escaped, never spliced into the SQL; a part of the name cannot use a b-tree
        index, so it filters the rows as that index is walked in order, which stops once a
        page is full.
        """
        statement = sa.select(applications)
        for column, wanted in (
            (applications.c.status, query.status),
            (applications.c.channel, query.channel),
            (applications.c.kind, query.kind),
        ):
            if wanted is not None:
                statement = statement.where(column == wanted)
        if query.search is not None:
            statement = statement.where(_matching(query.search))
        if query.cursor is not None:
            at, application_id = resume_after(query.cursor, datetime, uuid.UUID)
            statement = statement.where(
                sa.tuple_(applications.c.submitted_at, applications.c.id)
                > sa.tuple_(at, application_id)
            )
        statement = statement.order_by(applications.c.submitted_at, applications.c.id)
        found = list(await self.connection.execute(statement.limit(query.limit + 1)))
        page, following = page_of(found, query.limit, lambda row: (row.submitted_at, row.id))
        return [application_of(row._asdict()) for row in page], following

    async def steps(self, application_id: uuid.UUID) -> list[Step]:
        """The recorded steps of an application, in order."""
        rows = await self.connection.execute(
            sa.select(application_steps)
            .where(application_steps.c.application_id == application_id)
            .order_by(application_steps.c.id)
        )
        return [made_from(Step, row) for row in rows]

    async def add(self, application: Application) -> None:
        """Store a new application and its first step."""
        await self.connection.execute(_ADD, _row(application))
        await self._record(application.id, application.new_steps)
        application.new_steps.clear()

    async def save(self, application: Application) -> None:
        """Store what the application's steps changed, and the steps."""
        await self.connection.execute(_SAVE, {**_row(application), "saved_id": application.id})
        await self._record(application.id, application.new_steps)
        application.new_steps.clear()

    async def _record(self, application_id: uuid.UUID, steps: Sequence[Step]) -> None:
        if steps:
            await self.connection.execute(
                _RECORD,
                [values_for(application_steps, s, application_id=application_id) for s in steps],
            )


def _matching(search: Search) -> sa.ColumnElement[bool]:
    """Applications whose name contains the search, or whose credit code starts with it."""
    named = applications.c.name.icontains(search.fragment, autoescape=True)
    if search.code_prefix is None:
        return named
    return sa.or_(named, applications.c.credit_code.startswith(search.code_prefix, autoescape=True))


def _row(application: Application) -> dict[str, object]:
    return values_for(applications, application, address=application.address.to_json())
