"""Bulk onboarding (批量建档): an existing register of market entities loaded as households,
routed to their grids as live ones are, without an event per household."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import asyncpg
import sqlalchemy as sa

from chassis.db import Database
from chassis.legalclock.deadlines import SHANGHAI
from services.supervision import domain
from services.supervision.register import (
    REPEATED,
    BadLineError,
    Entity,
    ImportRefusedError,
    RegisterFile,
    check,
)
from services.supervision.repositories.delegations import Delegations
from services.supervision.repositories.map import GridIndex
from services.supervision.settings import SupervisionSettings
from services.supervision.tables import offices

if TYPE_CHECKING:  # rich is imported by the command alone, not by the serving process
    from rich.progress import Progress

DEFAULT_BATCH = 20_000
FIRST_REJECTED = 20
STAGED = (
    "line",
    "credit_code",
    "name",
    "entity_type",
    "operator_name",
    "address_text",
    "community_code",
    "lon",
    "lat",
    "business_scope",
    "office_code",
    "grid_id",
    "office_id",
    "owner",
    "agent",
    "routed_by",
)


@dataclass
class Outcome:
    """What an import did."""

    file: str
    read: int = 0
    by_point: int = 0
    by_community: int = 0
    unrouted: int = 0
    already_there: int = 0
    rejected: Counter[str] = field(default_factory=Counter)  # by the field at fault
    first_rejected: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)  # seconds per phase

    @property
    def stored(self) -> int:
        """Households added by this import."""
        return self.by_point + self.by_community + self.unrouted

    @property
    def rejected_total(self) -> int:
        """Lines rejected."""
        return sum(self.rejected.values())

    def reject(self, line: int, error: BadLineError) -> None:
        """Count a rejected line (lines come in order: the first ones are kept)."""
        self.rejected[error.field] += 1
        if len(self.first_rejected) < FIRST_REJECTED:
            self.first_rejected.append((line, str(error)))


_CREATE_STAGING = """
CREATE TEMPORARY TABLE import_lines (
    line integer NOT NULL, credit_code text NOT NULL, name text NOT NULL,
    entity_type text NOT NULL, operator_name text NOT NULL, address_text text NOT NULL,
    community_code text NOT NULL, lon float8, lat float8, business_scope text[] NOT NULL,
    office_code text, grid_id text, office_id text, owner text, agent text,
    routed_by text NOT NULL
)"""

# A credit code on several lines of the file: the first line is kept, the others rejected.
_REPEATS = """
SELECT array_agg(line ORDER BY line) FROM import_lines
GROUP BY credit_code HAVING count(*) > 1"""

# One chunk of lines: the households not yet there, each with its licence fact and file entry,
# in one statement. The licence fact (sequence 0, before any licensing event) keeps the
# household the fold of its licence facts, so a later licence.changed applies on top of the
# register's data instead of replacing it.
_STORE = """
WITH chunk AS (
    SELECT s.*,
        json_build_object(
            'text', address_text, 'community_code', community_code, 'location',
            CASE WHEN lon IS NULL THEN NULL ELSE json_build_object('lon', lon, 'lat', lat) END
        ) AS address,
        array_to_json(business_scope) AS scope,
        CASE WHEN grid_id IS NULL THEN NULL ELSE $3::date END AS deadline
    FROM import_lines s WHERE line >= $1 AND line < $2
), inserted AS (
    INSERT INTO households (
        credit_code, name, entity_type, operator_name, address, business_scope, licensed,
        status, grid_id, office_id, owner, agent, routed_by, claim_deadline, assigned_at,
        updated_at
    )
    SELECT credit_code, name, entity_type, operator_name, address, scope, true,
        CASE WHEN grid_id IS NULL THEN 'unrouted' ELSE 'assigned' END,
        grid_id, office_id, owner, agent, routed_by, deadline,
        CASE WHEN grid_id IS NULL THEN NULL ELSE $4::timestamptz END, $4::timestamptz
    FROM chunk
    ON CONFLICT (credit_code) DO NOTHING
    RETURNING credit_code, routed_by
), facts AS (
    INSERT INTO licence_facts (credit_code, sequence, kind, data, at)
    SELECT c.credit_code, 0, 'issued', json_build_object(
        'credit_code', c.credit_code, 'name', c.name, 'entity_type', c.entity_type,
        'operator_name', c.operator_name, 'address', c.address, 'business_scope', c.scope,
        'issued_at', NULL, 'office_code', c.office_code, 'imported_from', $5::text
    ), $4::timestamptz
    FROM chunk c JOIN inserted USING (credit_code)
    ON CONFLICT DO NOTHING
), history AS (
    INSERT INTO household_history (credit_code, kind, at, actor, detail)
    SELECT c.credit_code, 'import', $4::timestamptz, NULL, json_build_object(
        'file', $5::text, 'line', c.line, 'grid_id', c.grid_id, 'office_id', c.office_id,
        'owner', c.owner, 'agent', c.agent, 'routed_by', c.routed_by,
        'claim_deadline', c.deadline
    )
    FROM chunk c JOIN inserted USING (credit_code)
)
SELECT (SELECT count(*) FROM chunk) AS staged,
    count(*) FILTER (WHERE routed_by = 'point') AS by_point,
    count(*) FILTER (WHERE routed_by = 'community') AS by_community,
    count(*) FILTER (WHERE routed_by = 'none') AS unrouted
FROM inserted"""


@dataclass
class _Routing:
    """What routing needs, loaded once: the map, today's agents, the known offices."""

    grid_map: domain.GridMap
    agents: dict[str, str | None]
    offices: frozenset[str]

    @classmethod
    async def load(cls, database_url: str, day: date) -> _Routing:
        database = Database(database_url)
        try:
            async with database.engine.connect() as connection:
                grid_map = await GridIndex().current(connection)
                running = await Delegations(connection).running(day)
                known = frozenset(await connection.scalars(sa.select(offices.c.id)))
        finally:
            await database.dispose()
        owners = {grid.owner for grid in grid_map.grids}
        agents = {owner: domain.agent_of(owner, running, day) for owner in owners}
        return cls(grid_map, agents, known)

    def staged(self, batch: list[Entity]) -> list[tuple[Any, ...]]:
        """The staging rows of a batch, each routed."""
        routes = self.grid_map.route_many(
            [e.lon for e in batch], [e.lat for e in batch], [e.community_code for e in batch]
        )
        rows = []
        for entity, route in zip(batch, routes, strict=True):
            grid = route.grid
            if grid is None:
                office = entity.office_code if entity.office_code in self.offices else None
                routing: tuple[Any, ...] = (None, office, None, None, "none")
            else:
                routing = (grid.id, grid.office_id, grid.owner, self.agents[grid.owner], route.by)
            rows.append((*entity, *routing))
        return rows


def asyncpg_dsn(database_url: str) -> str:
    """The asyncpg DSN of a `postgresql+asyncpg://` URL."""
    url = sa.make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


async def onboard(
    settings: SupervisionSettings,
    path: Path,
    *,
    batch: int = DEFAULT_BATCH,
    progress: Progress | None = None,
) -> Outcome:
    """Import the register in `path`: check, route and store each line not already there."""
    if settings.is_sqlite:
        raise ImportRefusedError(
            "bulk import needs PostgreSQL (DATABASE_URL); SQLite is not supported"
        )
    started = time.perf_counter()
    reader = RegisterFile(path)
    outcome = Outcome(file=path.name)
    now = datetime.now(UTC)
    today = now.astimezone(SHANGHAI).date()
    deadline = (
        None
        if settings.onboarding_claim_workdays is None
        else domain.claim_deadline(today, settings.onboarding_claim_workdays)
    )
    connection = await asyncpg.connect(asyncpg_dsn(settings.database_url))
    try:
        if await connection.fetchval("SELECT to_regclass('households')") is None:
            raise ImportRefusedError(
                "the database has no households table: run"
                " `python -m services.supervision migrate` first"
            )
        routing = await _Routing.load(settings.database_url, today)
        await connection.execute("SET work_mem = '64MB'")
        await connection.execute(_CREATE_STAGING)
        staged = await _stage(
            connection, reader, routing=routing, outcome=outcome, batch=batch, progress=progress
        )
        started_store = time.perf_counter()
        repeats = await _drop_repeats(connection, outcome)
        await connection.execute("ALTER TABLE import_lines ADD PRIMARY KEY (line)")
        await connection.execute("ANALYZE import_lines")
        task = progress.add_task("store", total=staged - repeats) if progress else None
        last = await connection.fetchval("SELECT max(line) FROM import_lines") or 0
        for first in range(1, last + 1, batch):
            async with connection.transaction():
                row = await connection.fetchrow(
                    _STORE, first, first + batch, deadline, now, path.name
                )
            inserted = row["by_point"] + row["by_community"] + row["unrouted"]
            outcome.by_point += row["by_point"]
            outcome.by_community += row["by_community"]
            outcome.unrouted += row["unrouted"]
            outcome.already_there += row["staged"] - inserted
            if progress is not None and task is not None:
                progress.advance(task, row["staged"])
        if outcome.stored:
            # A bulk load leaves the planner's statistics behind until autovacuum comes round.
            await connection.execute("ANALYZE households, household_history, licence_facts")
        outcome.phases["store"] = time.perf_counter() - started_store
    finally:
        await connection.close()
    outcome.seconds = time.perf_counter() - started
    return outcome


async def _stage(
    connection: Any,
    reader: RegisterFile,
    *,
    routing: _Routing,
    outcome: Outcome,
    batch: int,
    progress: Progress | None,
) -> int:
    """Read, check and route every line into the staging table; how many were staged."""
    task = progress.add_task("read and route", total=reader.size) if progress else None
    checking = routing_seconds = copying = 0.0
    staged = 0
    pending: list[Entity] = []

    async def flush() -> None:
        nonlocal routing_seconds, copying, staged
        began = time.perf_counter()
        rows = routing.staged(pending)
        routed = time.perf_counter()
        await connection.copy_records_to_table("import_lines", records=rows, columns=STAGED)
        routing_seconds += routed - began
        copying += time.perf_counter() - routed
        staged += len(rows)
        pending.clear()
        if progress is not None and task is not None:
            progress.update(task, completed=reader.consumed)

    with reader.path.open("rb") as raw:
        began = time.perf_counter()
        for line, record in reader.records(raw):
            outcome.read += 1
            try:
                if isinstance(record, BadLineError):
                    raise record
                pending.append(check(line, record))
            except BadLineError as error:
                outcome.reject(line, error)
            if len(pending) >= batch:
                checking += time.perf_counter() - began
                await flush()
                began = time.perf_counter()
        checking += time.perf_counter() - began
        await flush()
    outcome.phases |= {"read_check": checking, "route": routing_seconds, "copy": copying}
    return staged


async def _drop_repeats(connection: Any, outcome: Outcome) -> int:
    """Reject every line whose credit code an earlier line of the file has; how many."""
    repeated: list[tuple[int, str]] = []
    for (lines,) in await connection.fetch(_REPEATS):
        repeated += [(line, f"credit code repeats line {lines[0]}") for line in lines[1:]]
    if not repeated:
        return 0
    repeated.sort()
    await connection.execute(
        "DELETE FROM import_lines WHERE line = ANY($1::integer[])", [line for line, _ in repeated]
    )
    outcome.rejected[REPEATED] += len(repeated)
    outcome.first_rejected = sorted(outcome.first_rejected + repeated[:FIRST_REJECTED])
    del outcome.first_rejected[FIRST_REJECTED:]
    return len(repeated)
