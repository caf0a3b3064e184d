"""Two replicas of enforcement on one database, their watchers' rounds at the same moment:
each missed deadline is raised once, each waiting case source routed once."""

from __future__ import annotations

import uuid
from datetime import date

import sqlalchemy as sa

from chassis.db import Database
from chassis.uow import UnitOfWork
from contracts.enforcement import DeadlineMissedV2
from services.enforcement.app import spec
from services.enforcement.domain import Transfer
from services.enforcement.tables import case_sources, offices
from services.enforcement.usecases import intake
from services.enforcement.usecases.deadlines import raise_missed
from tests.conftest import CreateDatabase, migrate
from tests.enforcement.conftest import FixedClock
from tests.enforcement.test_deadline_watch import fresh_settings, received_long_ago
from tests.replicas import events_by_subject, replicas, rounds_at_once

LATER = FixedClock(date(2026, 12, 1))


async def test_two_replicas_raise_each_missed_deadline_once(
    create_database: CreateDatabase, bus_prefix: str
) -> None:
    settings = fresh_settings(await create_database("enforcement"), bus_prefix, 3600)
    await migrate(spec, settings)
    await received_long_ago(settings, 300)

    async def round_(database: Database) -> int:
        async with UnitOfWork(database, "enforcement") as uow:
            return await raise_missed(uow, LATER.today(), LATER.now(), batch=40)

    async with replicas(settings.database_url) as databases:
        acted = await rounds_at_once(databases, round_, times=10)

    raised = await events_by_subject(settings.database_url, DeadlineMissedV2.routing_key())
    assert len(raised) == 300 and set(raised.values()) == {1}
    assert sum(acted) == 300


async def test_two_replicas_route_each_waiting_case_source_once(
    create_database: CreateDatabase, bus_prefix: str
) -> None:
    settings = fresh_settings(await create_database("enforcement"), bus_prefix, 3600)
    await migrate(spec, settings)
    database = Database(settings.database_url)
    try:
        # Sources from an office the map does not know yet wait, unrouted; then it is known.
        async with UnitOfWork(database, "enforcement") as uow:
            for number in range(120):
                transfer = Transfer(
                    id=uuid.uuid4(),
                    source_department="market",
                    credit_code=None,
                    allegation=f"无照经营 {number}",
                    evidence=(),
                    office_id="office-77",
                    transferred_by="officer1",
                    transferred_at=LATER.now(),
                )
                assert await intake.receive(uow.work, LATER, transfer)
            await uow.connection.execute(
                sa.insert(offices).values(id="office-77", name="新设所", area=2, sequence=1)
            )
            await uow.commit()
    finally:
        await database.dispose()

    async def round_(database: Database) -> int:
        async with UnitOfWork(database, "enforcement") as uow:
            return await intake.route_waiting(uow)

    async with replicas(settings.database_url) as databases:
        acted = await rounds_at_once(databases, round_, times=3)
        async with databases[0].engine.connect() as connection:
            sections = list(await connection.scalars(sa.select(case_sources.c.section)))

    assert sum(acted) == 120
    assert sections == ["section-2"] * 120
