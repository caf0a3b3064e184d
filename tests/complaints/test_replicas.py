"""Two replicas of complaints on one database, their deadline watches' rounds at the same
moment: each ticket's missed deadline is raised once."""

from __future__ import annotations

import uuid

from chassis.db import Database
from contracts.complaints import TicketDeadlineMissed
from services.complaints.context import ComplaintsContext
from services.complaints.usecases.deadlines import raise_missed
from tests.complaints.conftest import Complaints, complaints_settings, days_ago
from tests.complaints.test_deadlines import UNWATCHED
from tests.conftest import CreateDatabase, feed_demo_map, running_service
from tests.replicas import events_by_subject, replicas, rounds_at_once


async def test_two_replicas_raise_each_missed_accept_deadline_once(
    create_database: CreateDatabase, bus_prefix: str
) -> None:
    settings = complaints_settings(
        await create_database("complaints"), f"{bus_prefix}-cmd-{uuid.uuid4().hex[:4]}"
    )
    async with running_service(UNWATCHED, settings) as client:
        await feed_demo_map(UNWATCHED, settings)
        complaints = Complaints(client, settings)
        # Received a month ago and never accepted: the time limit to accept is missed.
        tickets = {
            ticket["id"]
            for _ in range(30)
            for ticket in (await complaints.submit(received_at=days_ago(30)))["tickets"]
        }

    async def round_(database: Database) -> int:
        return await raise_missed(ComplaintsContext(settings=settings, database=database))

    async with replicas(settings.database_url) as databases:
        acted = await rounds_at_once(databases, round_, times=3)

    raised = await events_by_subject(settings.database_url, TicketDeadlineMissed.routing_key())
    assert raised.keys() == tickets and set(raised.values()) == {1}
    assert sum(acted) == 30
