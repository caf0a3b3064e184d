"""Two replicas of supervision on one database, their watchers' rounds at the same moment:
each missed claim deadline and each missed visit is raised once."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from chassis.db import Database
from chassis.legalclock import shanghai_today
from contracts.supervision import ClaimOverdue, SupervisionDeadlineMissed
from services.supervision.app import spec
from services.supervision.context import SupervisionContext
from services.supervision.tables import households, inspection_plan_entries
from services.supervision.usecases.deadlines import raise_missed
from services.supervision.usecases.households import raise_overdue_claims
from tests.conftest import CreateDatabase, directory_knows, running_service, tapping
from tests.replicas import events_by_subject, replicas, rounds_at_once
from tests.supervision.conftest import (
    DIRECTORY,
    Supervision,
    claimed_household,
    issued,
    supervision_settings,
)

# The service without its own watches: only the test's replicas raise.
UNWATCHED = replace(spec, background=[])


async def test_two_replicas_raise_each_missed_claim_and_visit_once(
    create_database: CreateDatabase, bus_prefix: str
) -> None:
    settings = await supervision_settings(create_database, bus_prefix)
    async with (
        tapping(settings.bus_prefix, "supervision.#") as bus,
        running_service(UNWATCHED, settings) as client,
    ):
        await directory_knows(settings, *DIRECTORY)
        supervision = Supervision(client, bus, settings)
        unclaimed = {await issued(supervision, 2, point=(104.045, 30.735)) for _ in range(16)}
        for code in unclaimed:
            await supervision.household(code)
        claimed = {await claimed_household(supervision) for _ in range(8)}

    # A week ago the unclaimed were due a claim, the claimed a visit.
    week_ago = shanghai_today() - timedelta(days=7)
    database = Database(settings.database_url)
    try:
        async with database.engine.begin() as connection:
            await connection.execute(
                sa.update(households)
                .where(households.c.credit_code.in_(unclaimed))
                .values(claim_deadline=week_ago)
            )
            await connection.execute(
                sa.update(inspection_plan_entries)
                .where(inspection_plan_entries.c.credit_code.in_(claimed))
                .values(due=week_ago)
            )
    finally:
        await database.dispose()

    today, now = shanghai_today(), datetime.now(UTC)

    async def claims_round(database: Database) -> int:
        ctx = SupervisionContext(settings=settings, database=database)
        async with ctx.unit_of_work() as uow:
            return await raise_overdue_claims(ctx, uow, today)

    async def visits_round(database: Database) -> int:
        async with SupervisionContext(settings=settings, database=database).unit_of_work() as uow:
            return await raise_missed(uow, today, now, batch=2)

    async with replicas(settings.database_url) as databases:
        claims_acted = await rounds_at_once(databases, claims_round, times=3)
        visits_acted = await rounds_at_once(databases, visits_round, times=6)

    overdue = await events_by_subject(settings.database_url, ClaimOverdue.routing_key())
    assert overdue.keys() == unclaimed and set(overdue.values()) == {1}
    assert sum(claims_acted) == 16
    missed = await events_by_subject(settings.database_url, SupervisionDeadlineMissed.routing_key())
    assert missed.keys() == claimed and set(missed.values()) == {1}
    assert sum(visits_acted) == 8
