"""An accepted application's registration (3 + 3 working days) or joint decision (45 + 15)
not made in time raises licensing.deadline.missed once, with its rule and article; a fixed
clock across the 2026 National Day holiday (1-7 October off, Saturday 10 October worked)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from chassis.legalclock import compute_deadline
from chassis.legalclock.deadlines import SHANGHAI
from services.licensing.app import spec
from services.licensing.context import LicensingContext
from tests.conftest import (
    CreateDatabase,
    deadlines_missed,
    feed_demo_map,
    running_service,
    tapping,
    wait_until,
)
from tests.licensing.conftest import CLERK, Licensing, food_shop, licensing_settings, unique

MISSED = "licensing.deadline.missed"


@dataclass
class MovableClock:
    """A clock the test sets (and moves forward): 10:00 in Shanghai on the day set."""

    instant: datetime

    def now(self) -> datetime:
        return self.instant

    def today(self) -> date:
        return self.instant.astimezone(SHANGHAI).date()

    def set(self, day: date) -> None:
        self.instant = datetime.combine(day, time(10, 0), SHANGHAI).astimezone(UTC)


@asynccontextmanager
async def clocked_licensing(
    create_database: CreateDatabase, bus_prefix: str, clock: MovableClock
) -> AsyncIterator[Licensing]:
    """A licensing service of its own whose clock the test holds from its start."""
    settings = await licensing_settings(create_database, bus_prefix, deadline_check_seconds=0.2)

    async def hold_clock(ctx: LicensingContext) -> None:
        ctx.clock = clock

    clocked = replace(spec, on_startup=[*spec.on_startup, hold_clock])
    async with (
        tapping(settings.bus_prefix, "licensing.#") as bus,
        running_service(clocked, settings) as client,
    ):
        await feed_demo_map(clocked, settings)
        yield Licensing(client, bus, settings)


async def accepted(licensing: Licensing, *steps: str) -> dict[str, Any]:
    """A food shop's application handed in and taken through `steps` (accept, approve)."""
    created = await licensing.client.post(
        "/applications", json=food_shop(unique("面馆")), headers=CLERK
    )
    assert created.status_code == 201, created.text
    application: dict[str, Any] = created.json()
    for step in steps:
        moved = await licensing.client.post(
            f"/applications/{application['id']}/{step}", headers=CLERK
        )
        assert moved.status_code == 200, moved.text
        application = moved.json()
    return application


def missed(licensing: Licensing, application: dict[str, Any]) -> list[dict[str, Any]]:
    return [e["data"] for e in licensing.bus.of_type(MISSED) if e["subject"] == application["id"]]


async def test_registration_and_joint_decisions_not_made_in_time_are_raised_once(
    create_database: CreateDatabase, bus_prefix: str
) -> None:
    clock = MovableClock(datetime.now(UTC))
    clock.set(date(2026, 9, 30))  # Wednesday, the eve of the holiday
    rules = ("registration.on_the_spot", "licensing.joint_decision")
    counted_before = [deadlines_missed("licensing", rule_code) for rule_code in rules]
    async with clocked_licensing(create_database, bus_prefix, clock) as licensing:
        registration = await accepted(licensing, "accept")
        joint = await accepted(licensing, "accept", "approve")
        assert joint["status"] == "awaiting_partners"
        # Three working days from 30 September: 8, 9 and the make-up Saturday 10 October.
        assert registration["deadline"] == "2026-10-10"
        joint_due = compute_deadline("licensing.joint_decision", date(2026, 9, 30)).due
        assert joint["deadline"] == joint_due.isoformat()

        async def raised(application: dict[str, Any]) -> bool:
            return bool(missed(licensing, application))

        # Missed once its due day is over: raised on Sunday 11 October, not on the 10th.
        clock.set(date(2026, 10, 11))
        await wait_until(lambda: raised(registration), within=10)
        clock.set(joint_due + timedelta(days=1))
        await wait_until(lambda: raised(joint), within=10)
        # Every event written so far is on the bus: a second raise would be seen.
        [envelope] = await licensing.published(MISSED, "application_id", registration["id"])
        late = envelope["data"]
        [later] = missed(licensing, joint)
        assert missed(licensing, registration) == [late]
        # What an operator's alert sees: one miss of each rule, counted once.
        counted = [deadlines_missed("licensing", rule_code) for rule_code in rules]
        assert counted == [before + 1 for before in counted_before]

    assert (late["rule_code"], late["due"]) == ("registration.on_the_spot", "2026-10-10")
    assert "Market Entity Registration Regulations (2021) art. 19" in late["basis"]
    assert (late["detected_at"][:10], late["channel"]) == ("2026-10-11", "window")
    assert (later["rule_code"], later["due"]) == ("licensing.joint_decision", joint_due.isoformat())
    assert "Administrative Licensing Law art. 42" in later["basis"]
