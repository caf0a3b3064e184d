"""A missed legal time limit is raised once per ticket and rule: by the deadline watch, across
restarts, or by the step that keeps the deadline late."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from chassis.app import ServiceSpec
from chassis.legalclock import shanghai_today
from services.complaints.app import spec
from services.complaints.settings import ComplaintsSettings
from tests.complaints.conftest import Complaints, complaints_settings, days_ago
from tests.conftest import (
    BusTap,
    CreateDatabase,
    deadlines_missed,
    feed_demo_map,
    running_service,
    tapping,
)

SUBMITTER = ("王芳", "13800138000", "11010519491231002X")
# The service without its deadline watch: only a ticket's own steps can raise a miss.
UNWATCHED = replace(spec, background=[])


@pytest.fixture
async def settings(create_database: CreateDatabase, bus_prefix: str) -> ComplaintsSettings:
    """A database and bus prefix of this test alone, for services it starts and stops."""
    return complaints_settings(
        await create_database("complaints"), f"{bus_prefix}-cmd-{uuid.uuid4().hex[:4]}"
    )


@asynccontextmanager
async def started(
    settings: ComplaintsSettings, service: ServiceSpec = spec
) -> AsyncIterator[Complaints]:
    async with running_service(service, settings) as client:
        await feed_demo_map(service, settings)
        yield Complaints(client, settings)


def missed_for(tap: BusTap, ticket_id: str) -> list[dict[str, Any]]:
    return [
        e["data"] for e in tap.of_type("complaints.deadline.missed") if e["subject"] == ticket_id
    ]


async def test_a_missed_accept_deadline_is_raised_once_across_restarts(
    settings: ComplaintsSettings,
) -> None:
    async with tapping(settings.bus_prefix, "complaints.deadline.#") as tap:
        async with started(settings) as complaints:
            (late,) = (await complaints.submit(received_at=days_ago(30)))["tickets"]
            await tap.wait_for("complaints.deadline.missed")
        async with started(settings) as complaints:
            # Each later ticket's miss shows one more round of the restarted watch.
            for round_ in (2, 3):
                await complaints.submit(received_at=days_ago(30))
                await tap.wait_for("complaints.deadline.missed", count=round_)
            # Accepting it late now raises nothing more: its miss is out already.
            accepted = await complaints.act(late["id"], "accept")
            await complaints.submit(received_at=days_ago(30))
            await tap.wait_for("complaints.deadline.missed", count=4)

    (missed,) = missed_for(tap, late["id"])
    (accept,) = [d for d in accepted["deadlines"] if d["rule"] == "complaints.accept"]
    assert missed | {"rule": "complaints.accept", "kind": "complaint"} == missed
    assert "art. 14" in missed["basis"]
    assert missed["due"] == accept["due"] < shanghai_today().isoformat()
    assert (missed["unit_level"], missed["unit_id"]) == ("office", "office-01")
    assert accept["met_on"] == shanghai_today().isoformat()
    published = str(tap.envelopes)
    for secret in SUBMITTER:
        assert secret not in published


async def test_a_deadline_kept_late_is_raised_by_the_step_that_keeps_it(
    settings: ComplaintsSettings,
) -> None:
    async with (
        tapping(settings.bus_prefix, "complaints.#") as tap,
        started(settings, UNWATCHED) as complaints,
    ):
        (late,) = (await complaints.submit(received_at=days_ago(30)))["tickets"]
        counted_before = deadlines_missed("complaints", "complaints.accept")
        before = datetime.now(UTC)
        await complaints.act(late["id"], "accept")
        await tap.wait_for("complaints.deadline.missed")
        # The later steps keep their own clocks in time and raise nothing more.
        await complaints.act(late["id"], "mediation", {"outcome": "settled", "summary": "退款"})
        await complaints.act(late["id"], "reply", {"text": "已退款"})
        await complaints.act(late["id"], "close")
        await tap.wait_for("complaints.ticket.closed")
        # Counted once for the alert, by the step's transaction, not by a watch.
        assert deadlines_missed("complaints", "complaints.accept") == counted_before + 1

    (missed,) = missed_for(tap, late["id"])
    assert missed["rule"] == "complaints.accept" and "art. 14" in missed["basis"]
    (accepted,) = tap.of_type("complaints.ticket.accepted")
    # Detected at the very instant of the acceptance: the step raised it, in its transaction.
    assert missed["detected_at"] == accepted["data"]["accepted_at"]
    assert datetime.fromisoformat(missed["detected_at"]) >= before
