"""The deadline watch with a fixed clock across the 2026 National Day holiday (1-7 October off,
Saturday 10 October worked): a random inspection result not published within 20 working days,
and a claimed household not visited by the due day of its risk class, each raise
supervision.deadline.missed once, on the first day past the due day, with its rule and basis,
whatever the number of checks, replicas and restarts; the office head sees them listed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from typing import Any

import pytest
import sqlalchemy as sa

from chassis.app import create_service_app
from chassis.legalclock.deadlines import SHANGHAI
from services.supervision.app import spec
from services.supervision.context import SupervisionContext
from services.supervision.domain.risk import results_publication_due, risk_rules
from services.supervision.tables import deadlines_missed, household_history, inspection_plan_entries
from tests.conftest import (
    CreateDatabase,
    directory_knows,
    fully_ready,
    migrate,
    running,
    tapping,
    wait_until,
)
from tests.supervision.conftest import (
    AUDITOR,
    DIRECTORY,
    Supervision,
    head,
    inspector,
    issued,
    standby,
    supervision_settings,
)

MISSED = "supervision.deadline.missed"
OWNER = 6  # inspector06 owns office-06's only grid; standby06 is the office's other inspector
RESULTS_BASIS = "Enterprise Information Publicity art. 6"
VISIT_D_BASIS = "local setting (risk class D: about every month)"


class FixedClock:
    """The service's clock held on a day (10:00 in Shanghai), moved on by the test."""

    def __init__(self, day: date) -> None:
        self.day = day

    def now(self) -> datetime:
        return datetime.combine(self.day, time(10), SHANGHAI)

    def today(self) -> date:
        return self.day


@dataclass
class Watching(Supervision):
    clock: FixedClock

    def raised(self, subject: str) -> list[dict[str, Any]]:
        """The data of every missed deadline raised about `subject`, in the order published."""
        return [e["data"] for e in self.bus.of_type(MISSED) if e["subject"] == subject]

    async def watch(self, who: dict[str, str]) -> list[dict[str, Any]]:
        answer = await self.client.get("/deadlines", headers=who)
        assert answer.status_code == 200, answer.text
        found: list[dict[str, Any]] = answer.json()["deadlines"]
        return found

    async def claimed(self, *, risky: bool) -> str:
        """A household of inspector06's grid claimed today (risky: three penalties in its file
        first, so class D)."""
        code = await issued(self, OWNER, point=None)
        await self.household(code)
        if risky:
            async with self.transaction() as connection:
                await connection.execute(
                    sa.insert(household_history),
                    [
                        {
                            "credit_code": code,
                            "kind": "penalty",
                            "at": self.clock.now(),
                            "actor": None,
                            "detail": {"case_id": f"case-{n}"},
                        }
                        for n in range(3)
                    ],
                )
        answer = await self.client.post(f"/households/{code}/claim", headers=inspector(OWNER))
        assert answer.status_code == 200, answer.text
        return code

    async def round_on(self, day: date) -> None:
        """Move the clock to `day` and wait for a whole round of the watch on it: a household
        whose visit was due the day before is raised, so every deadline missed before `day`
        is raised by then too (rounds run one after the other)."""
        self.clock.day = day
        sentinel = await self.claimed(risky=False)
        async with self.transaction() as connection:
            await connection.execute(
                sa.update(inspection_plan_entries)
                .where(inspection_plan_entries.c.credit_code == sentinel)
                .values(due=date.fromordinal(day.toordinal() - 1))
            )

        async def raised() -> bool:
            return bool(self.raised(sentinel))

        await wait_until(raised, within=10)


@asynccontextmanager
async def started(watching: Watching) -> AsyncIterator[Any]:
    """Another process of the same service (a replica, or the service started again), its
    clock the test's from its start."""

    async def hold_clock(ctx: SupervisionContext) -> None:
        ctx.clock = watching.clock

    clocked = replace(spec, on_startup=[*spec.on_startup, hold_clock])
    async with running(create_service_app(clocked, watching.settings)) as client:
        yield client


@pytest.fixture(scope="module")
async def watching(create_database: CreateDatabase, bus_prefix: str) -> AsyncIterator[Watching]:
    """The service with the demo map, checking often, its clock held on 1 September 2026."""
    settings = await supervision_settings(
        create_database, bus_prefix, deadline_check_seconds=0.2, deadline_soon_days=3
    )
    await migrate(spec, settings)
    clock = FixedClock(date(2026, 9, 1))

    async def hold_clock(ctx: SupervisionContext) -> None:
        ctx.clock = clock

    app = create_service_app(replace(spec, on_startup=[*spec.on_startup, hold_clock]), settings)
    async with tapping(settings.bus_prefix, "supervision.#") as bus, running(app) as client:

        async def ready() -> bool:
            return fully_ready(await client.get("/readyz"))

        await wait_until(ready)
        await directory_knows(settings, *DIRECTORY)
        yield Watching(client, bus, settings, clock)


async def drawn_plan(watching: Watching, title: str) -> tuple[str, str]:
    """A plan of office-06 drawn today: its id and the household drawn (standby06 is sent)."""
    created = await watching.client.post(
        "/random-inspections",
        json={"title": title, "inspectors": ["inspector06", "standby06"]}
        | {"inspectors_per_household": 1},
        headers=head(OWNER),
    )
    assert created.status_code == 201, created.text
    plan_id: str = created.json()["id"]
    draws = f"/random-inspections/{plan_id}/draws"
    assert (await watching.client.post(draws, json={}, headers=head(OWNER))).status_code == 201
    drawn = await watching.client.post(f"{draws}/1/reveal", headers=head(OWNER))
    assert drawn.status_code == 200, drawn.text
    code: str = drawn.json()["selection"][0]["credit_code"]
    return plan_id, code


async def result_recorded(watching: Watching, plan_id: str, code: str) -> dict[str, Any]:
    answer = await watching.client.post(
        f"/random-inspections/{plan_id}/results",
        json={"credit_code": code, "outcome": "compliant"},
        headers=standby(OWNER),
    )
    assert answer.status_code == 201, answer.text
    found: dict[str, Any] = answer.json()
    return found


def visit_on(day: date, code: str) -> dict[str, Any]:
    start = datetime.combine(day, time(8), SHANGHAI)
    return {
        "started_at": start.isoformat(),
        "ended_at": start.replace(hour=9).isoformat(),
        "route": [[104.05, 30.70]],
        "households": [code],
        "findings": "证照齐全",
        "actions": [],
        "attachments": [],
    }


async def test_unpublished_results_and_missed_visits_are_raised_once_on_the_first_day_after(
    watching: Watching,
) -> None:
    # 1 September: two class D households claimed, due a visit 30 days on; 1 October is a
    # holiday, so 8 October, the first working day after.
    late, visited = await watching.claimed(risky=True), await watching.claimed(risky=True)
    plan = {
        e["credit_code"]: e
        for e in (await watching.client.get("/inspection-plan", headers=inspector(OWNER))).json()[
            "households"
        ]
    }
    assert {plan[c]["due"] for c in (late, visited)} == {"2026-10-08"}
    assert risk_rules().plan_due("D", date(2026, 9, 1)).due == date(2026, 10, 8)

    # 20 September: two plans drawn; 28 September: a result of each recorded, due on the
    # publicity feed in 20 working days (29, 30 Sep, then from 8 Oct with 10 Oct): 30 October.
    watching.clock.day = date(2026, 9, 20)
    kept_plan, kept_code = await drawn_plan(watching, "按时公示的抽查")
    lapsed_plan, lapsed_code = await drawn_plan(watching, "未公示的抽查")
    watching.clock.day = date(2026, 9, 28)
    for plan_id, code in ((kept_plan, kept_code), (lapsed_plan, lapsed_code)):
        recorded = await result_recorded(watching, plan_id, code)
        assert recorded["publish_by"]["due"] == "2026-10-30"
    assert results_publication_due(date(2026, 9, 28)).due == date(2026, 10, 30)
    kept, lapsed = f"{kept_plan}/1/{kept_code}", f"{lapsed_plan}/1/{lapsed_code}"

    # 30 September: `visited` is visited, next due 30 days on (30 October, a Friday).
    await watching.round_on(date(2026, 9, 30))
    answer = await watching.client.post(
        "/inspections", json=visit_on(date(2026, 9, 30), visited), headers=inspector(OWNER)
    )
    assert answer.status_code == 201, answer.text
    visited_due = risk_rules().plan_due("D", date(2026, 9, 30)).due
    assert visited_due == date(2026, 10, 30)
    # The head sees `late` due soon: 8 October is one working day away across the holiday.
    listed = {(d["deadline"], d["subject_id"]): d for d in await watching.watch(head(OWNER))}
    assert listed[("inspection_visit", late)]["state"] == "due_soon"
    assert ("inspection_visit", visited) not in listed
    assert ("publish_results", lapsed) not in listed

    # 8 October, the due day: nothing raised yet. 9 October: `late` raised, `visited` not.
    await watching.round_on(date(2026, 10, 8))
    assert watching.raised(late) == []
    await watching.round_on(date(2026, 10, 9))
    [missed_visit] = watching.raised(late)
    assert watching.raised(visited) == []
    assert (
        missed_visit.items()
        >= {
            "deadline": "inspection_visit",
            "rule_code": "supervision.plan_d",
            "basis": VISIT_D_BASIS,
            "due": "2026-10-08",
            "office_code": "office-06",
            "credit_code": late,
            "owner": "inspector06",
        }.items()
    )
    assert missed_visit["detected_at"].startswith("2026-10-09")

    # 9 October: the first plan's result published in time.
    published = await watching.client.post(
        f"/random-inspections/{kept_plan}/results/publish", headers=head(OWNER)
    )
    assert published.status_code == 200, published.text

    # 28 October: the other is due soon (29, 30 October ahead); 30 October, its due day:
    # nothing raised; 2 November, a Monday and the first day after: raised.
    watching.clock.day = date(2026, 10, 28)
    listed = {(d["deadline"], d["subject_id"]): d for d in await watching.watch(head(OWNER))}
    due_soon = listed[("publish_results", lapsed)]
    assert (due_soon["state"], due_soon["rule_code"]) == ("due_soon", "supervision.draw_results")
    assert RESULTS_BASIS in due_soon["basis"]
    assert ("publish_results", kept) not in listed
    await watching.round_on(date(2026, 10, 30))
    assert watching.raised(lapsed) == []
    await watching.round_on(date(2026, 11, 2))
    [missed_result] = watching.raised(lapsed)
    assert (
        missed_result.items()
        >= {
            "deadline": "publish_results",
            "rule_code": "supervision.draw_results",
            "due": "2026-10-30",
            "office_code": "office-06",
            "credit_code": lapsed_code,
            "owner": None,
            "plan_id": lapsed_plan,
            "draw_number": 1,
        }.items()
    )
    assert RESULTS_BASIS in missed_result["basis"]
    assert missed_result["detected_at"].startswith("2026-11-02")
    # Published in time: never raised. Visited on 30 September, due again 30 October and not
    # visited since: that is another miss, of the new due day.
    assert watching.raised(kept) == []
    assert [(d["due"], d["rule_code"]) for d in watching.raised(visited)] == [
        ("2026-10-30", "supervision.plan_d")
    ]

    # The head, the auditor and the owner see them overdue; another office's head does not.
    for who in (head(OWNER), AUDITOR, inspector(OWNER)):
        overdue = {(d["deadline"], d["subject_id"]): d["state"] for d in await watching.watch(who)}
        assert overdue[("inspection_visit", late)] == "overdue"
    assert ("publish_results", lapsed) in {
        (d["deadline"], d["subject_id"]) for d in await watching.watch(head(OWNER))
    }
    assert ("publish_results", lapsed) not in {
        (d["deadline"], d["subject_id"]) for d in await watching.watch(inspector(OWNER))
    }
    assert late not in {d["subject_id"] for d in await watching.watch(head(1))}

    # A replica checking beside it, then the service started again: nothing raised twice.
    async with started(watching), started(watching):
        await watching.round_on(date(2026, 11, 3))
    for subject in (late, lapsed, visited):
        assert len(watching.raised(subject)) == 1
    async with watching.transaction() as connection:
        rows = await connection.execute(
            sa.select(deadlines_missed.c.subject, sa.func.count())
            .where(deadlines_missed.c.subject.in_([late, lapsed, visited, kept]))
            .group_by(deadlines_missed.c.subject)
        )
        assert dict(rows.all()) == {late: 1, lapsed: 1, visited: 1}
