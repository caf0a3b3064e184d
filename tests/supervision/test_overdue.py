"""A missed claim deadline raises `supervision.claim.overdue` once, across restarts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from chassis.db import Database, outbox
from chassis.legalclock import shanghai_today
from contracts.supervision import ClaimOverdue
from services.supervision.app import spec
from services.supervision.settings import SupervisionSettings
from services.supervision.tables import households
from tests.conftest import (
    BusTap,
    CreateDatabase,
    deadlines_missed,
    running_service,
    tapping,
    wait_until,
)
from tests.supervision.conftest import (
    Supervision,
    assigned_times,
    inspector,
    issued,
    supervision_settings,
)

OVERDUE = "supervision.claim.overdue"


@dataclass
class Deployment:
    """A supervision database and bus prefix, on which the service can be started again."""

    settings: SupervisionSettings
    bus: BusTap

    @asynccontextmanager
    async def started(self) -> AsyncIterator[Supervision]:
        async with running_service(spec, self.settings) as client:
            yield Supervision(client, self.bus, self.settings)

    def overdue(self, code: str) -> list[dict[str, Any]]:
        """The overdue events raised for a household so far."""
        return [e for e in self.bus.of_type(OVERDUE) if e["subject"] == code]

    async def wait_overdue(self, code: str) -> None:
        async def raised() -> bool:
            return bool(self.overdue(code))

        await wait_until(raised, within=10)

    async def drained(self) -> None:
        """Wait until every overdue event raised so far is published and has reached the tap."""
        database = Database(self.settings.database_url)

        async def through() -> bool:
            async with database.engine.connect() as connection:
                raised = await connection.scalar(
                    sa.select(sa.func.count())
                    .select_from(outbox)
                    .where(outbox.c.routing_key == ClaimOverdue.routing_key())
                )
                unsent = await connection.scalar(
                    sa.select(sa.func.count())
                    .select_from(outbox)
                    .where(outbox.c.published_at.is_(None))
                )
            return unsent == 0 and len(self.bus.of_type(OVERDUE)) >= (raised or 0)

        try:
            await wait_until(through, within=10)
        finally:
            await database.dispose()

    async def move_claim_deadlines(self, codes: list[str], day: date) -> None:
        database = Database(self.settings.database_url)
        try:
            async with database.engine.begin() as connection:
                await connection.execute(
                    sa.update(households)
                    .where(households.c.credit_code.in_(codes))
                    .values(claim_deadline=day)
                )
        finally:
            await database.dispose()


@pytest.fixture(scope="module")
async def deployment(create_database: CreateDatabase, bus_prefix: str) -> AsyncIterator[Deployment]:
    settings = await supervision_settings(create_database, bus_prefix, claim_workdays=1)
    async with tapping(settings.bus_prefix, "supervision.#") as bus:
        yield Deployment(settings, bus)


async def test_a_missed_deadline_is_raised_once_across_restarts(deployment: Deployment) -> None:
    counted_before = deadlines_missed("supervision", "supervision.claim")
    async with deployment.started() as supervision:
        code = await issued(supervision, 2, point=(104.045, 30.735))
        [assigned] = await assigned_times(supervision, code, 1)
        assert assigned["claim_deadline"] > shanghai_today().isoformat()
        await deployment.move_claim_deadlines([code], shanghai_today() - timedelta(days=3))
        await deployment.wait_overdue(code)
        [raised] = deployment.overdue(code)
        assert raised["data"]["owner"] == "inspector02"
        assert raised["data"]["claim_deadline"] == str(shanghai_today() - timedelta(days=3))

    async with deployment.started() as supervision:
        # A deadline missed after the restart: once it is raised, a round has checked both.
        later = await issued(supervision, 2, point=(104.045, 30.735))
        await assigned_times(supervision, later, 1)
        await deployment.move_claim_deadlines([later], shanghai_today() - timedelta(days=1))
        await deployment.wait_overdue(later)
        await deployment.drained()
    assert len(deployment.overdue(code)) == 1
    assert len(deployment.overdue(later)) == 1
    # Each miss counted once for the operators' alert, across the restart too.
    assert deadlines_missed("supervision", "supervision.claim") == counted_before + 2


async def test_a_claimed_household_past_its_deadline_raises_nothing(
    deployment: Deployment,
) -> None:
    async with deployment.started() as supervision:
        claimed = await issued(supervision, 5, point=None)
        waiting = await issued(supervision, 5, point=None, community=1)
        for code in (claimed, waiting):
            await assigned_times(supervision, code, 1)
        answer = await supervision.client.post(f"/households/{claimed}/claim", headers=inspector(5))
        assert answer.status_code == 200, answer.text

        await deployment.move_claim_deadlines(
            [claimed, waiting], shanghai_today() - timedelta(days=1)
        )
        await deployment.wait_overdue(waiting)
        await deployment.drained()  # the claimed one was checked in the same round
    assert deployment.overdue(claimed) == []
    assert len(deployment.overdue(waiting)) == 1
