"""Overdue and soon-due case sources are listed for their section, and each missed deadline
raises enforcement.deadline.missed once, whatever the number of checks."""

from __future__ import annotations

import uuid
from datetime import timedelta

import sqlalchemy as sa

from chassis.db import Database
from chassis.legalclock import shanghai_today
from services.enforcement.tables import case_sources
from tests.conftest import tapping
from tests.enforcement.conftest import Enforcement, officer
from tests.enforcement.test_filing import received


async def set_verify_due(enforcement: Enforcement, source_id: uuid.UUID, days: int) -> None:
    """Move a case source's verification deadline `days` from today (as time passing would)."""
    database = Database(enforcement.settings.database_url)
    try:
        async with database.engine.begin() as connection:
            await connection.execute(
                sa.update(case_sources)
                .where(case_sources.c.id == source_id)
                .values(verify_due=shanghai_today() + timedelta(days=days))
            )
    finally:
        await database.dispose()


async def test_a_missed_verification_deadline_is_raised_once_and_listed(
    enforcement: Enforcement,
) -> None:
    async with tapping(enforcement.settings.bus_prefix, "enforcement.deadline.#") as bus:
        late, soon = await received(enforcement), await received(enforcement)
        await set_verify_due(enforcement, late, -1)
        await set_verify_due(enforcement, soon, 2)
        await bus.wait_for("enforcement.deadline.missed")
        # Two more rounds of the check at least: each raises a deadline missed after the
        # previous one was seen, and the relay publishes in the order the rounds committed.
        for round_ in (2, 3):
            later = await received(enforcement)
            await set_verify_due(enforcement, later, -1)
            await bus.wait_for("enforcement.deadline.missed", count=round_)
        missed = [
            e for e in bus.of_type("enforcement.deadline.missed") if e["subject"] == str(late)
        ]
        assert len(missed) == 1
        assert missed[0]["data"]["deadline"] == "verify"
        assert "art. 18" in missed[0]["data"]["basis"]
        assert str(soon) not in [e["subject"] for e in bus.of_type("enforcement.deadline.missed")]

    watched = await enforcement.client.get("/deadlines", headers=officer(1))
    assert watched.status_code == 200, watched.text
    states = {d["subject_id"]: d["state"] for d in watched.json()["deadlines"]}
    assert (states[str(late)], states[str(soon)]) == ("overdue", "due_soon")
    other = await enforcement.client.get("/deadlines", headers=officer(2))
    assert str(late) not in [d["subject_id"] for d in other.json()["deadlines"]]
