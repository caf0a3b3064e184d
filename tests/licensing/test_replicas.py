"""Two replicas of licensing on one database, their deadline watches' rounds at the same
moment: each missed registration deadline is raised once. (Two replicas pushing webhooks:
test_webhooks.)"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from chassis.db import Database
from chassis.legalclock import shanghai_today
from chassis.uow import UnitOfWork
from contracts.licensing import ApplicationDeadlineMissed
from services.licensing.app import spec
from services.licensing.usecases.deadlines import raise_missed
from tests.conftest import CreateDatabase, feed_demo_map, running_service, tapping
from tests.licensing.conftest import Licensing, licensing_settings
from tests.licensing.test_deadlines import accepted
from tests.replicas import events_by_subject, replicas, rounds_at_once

# The service without its own watch: only the test's replicas raise.
UNWATCHED = replace(spec, background=[])


async def test_two_replicas_raise_each_missed_registration_deadline_once(
    create_database: CreateDatabase, bus_prefix: str
) -> None:
    settings = await licensing_settings(create_database, bus_prefix)
    async with (
        tapping(settings.bus_prefix, "licensing.#") as bus,
        running_service(UNWATCHED, settings) as client,
    ):
        await feed_demo_map(UNWATCHED, settings)
        licensing = Licensing(client, bus, settings)
        ids = {(await accepted(licensing, "accept"))["id"] for _ in range(40)}

    # Two months on, every registration (3 + 3 working days) is long overdue.
    later, now = shanghai_today() + timedelta(days=60), datetime.now(UTC) + timedelta(days=60)

    async def round_(database: Database) -> int:
        async with UnitOfWork(database, "licensing") as uow:
            return await raise_missed(uow, later, now, batch=5)

    async with replicas(settings.database_url) as databases:
        acted = await rounds_at_once(databases, round_, times=8)

    raised = await events_by_subject(settings.database_url, ApplicationDeadlineMissed.routing_key())
    assert raised.keys() == ids and set(raised.values()) == {1}
    assert sum(acted) == 40
