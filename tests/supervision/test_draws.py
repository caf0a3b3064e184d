"""Random inspections (双随机、一公开) on a running service with a fixed clock around the 2026
National Day holiday: the plan by risk class, a draw committed then drawn and verified offline
by `draw verify`, a second draw visible, results published within 20 working days."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from chassis.app import create_service_app
from chassis.legalclock.deadlines import SHANGHAI
from services.supervision.app import spec
from services.supervision.tables import household_history, inspection_plan_entries
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

ROOT = Path(__file__).resolve().parents[2]
OWNER = 6  # inspector06 owns office-06's only grid; standby06 is the office's other inspector


class FixedClock:
    """The clock the service reads, set by the test."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at

    def today(self) -> date:
        return self.at.astimezone(SHANGHAI).date()


def shanghai_morning(day: date) -> datetime:
    """10:00 in Chengdu (02:00 UTC) on `day`."""
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)


@dataclass
class Drawing(Supervision):
    clock: FixedClock


@pytest.fixture(scope="module")
async def drawing(create_database: CreateDatabase, bus_prefix: str) -> AsyncIterator[Drawing]:
    """The service with the demo map and a clock set to 1 September 2026."""
    settings = await supervision_settings(create_database, bus_prefix)
    await migrate(spec, settings)
    app = create_service_app(spec, settings)
    clock = FixedClock(shanghai_morning(date(2026, 9, 1)))
    async with tapping(settings.bus_prefix, "supervision.#") as bus, running(app) as client:
        app.state.context.clock = clock

        async def ready() -> bool:
            return fully_ready(await client.get("/readyz"))

        await wait_until(ready)
        await directory_knows(settings, *DIRECTORY)
        yield Drawing(client, bus, settings, clock)


async def penalised(drawing: Drawing, code: str, times: int) -> None:
    """Penalties decided about the household, in its file (as enforcement's news would put
    them there)."""
    async with drawing.transaction() as connection:
        await connection.execute(
            sa.insert(household_history),
            [
                {
                    "credit_code": code,
                    "kind": "penalty",
                    "at": drawing.clock.now(),
                    "actor": None,
                    "detail": {"case_id": f"case-{n}"},
                }
                for n in range(times)
            ],
        )


def verify_cli(path: Path, *more: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "services.supervision", "draw", "verify", str(path), *more],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def test_claimed_households_are_planned_by_risk_class_across_national_day(
    drawing: Drawing,
) -> None:
    drawing.clock.at = shanghai_morning(date(2026, 9, 1))
    quiet = await issued(drawing, OWNER, point=None)
    risky = await issued(drawing, OWNER, point=None)
    for code in (quiet, risky):
        await drawing.household(code)
    await penalised(drawing, risky, 3)  # 15 points: class D
    for code in (quiet, risky):
        answer = await drawing.client.post(f"/households/{code}/claim", headers=inspector(OWNER))
        assert answer.status_code == 200, answer.text

    plan = await drawing.client.get("/inspection-plan", headers=inspector(OWNER))
    assert plan.status_code == 200, plan.text
    entries = {h["credit_code"]: h for h in plan.json()["households"]}
    # Class D: 30 days from 1 Sep is 1 Oct, a holiday; due on the first working day after.
    assert (
        entries[risky].items()
        >= {
            "risk_class": "D",
            "since": "2026-09-01",
            "due": "2026-10-08",
            "rule_code": "supervision.plan_d",
            "basis": "local setting (risk class D: about every month)",
        }.items()
    )
    assert entries[quiet]["risk_class"] == "A"
    assert entries[quiet]["rule_code"] == "supervision.plan_a"
    assert plan.json()["households"][0]["credit_code"] == risky  # soonest first
    due_soon = await drawing.client.get(
        "/inspection-plan", params={"due_by": "2026-10-31"}, headers=inspector(OWNER)
    )
    assert [h["credit_code"] for h in due_soon.json()["households"]] == [risky]

    # A visit on 9 Sep moves the next due date: 30 days on is 9 Oct, a working day.
    visit = {
        "started_at": "2026-09-09T01:00:00Z",
        "ended_at": "2026-09-09T02:00:00Z",
        "route": [[104.05, 30.70]],
        "households": [risky],
        "findings": "健康证过期",
        "actions": ["责令整改"],
        "attachments": [],
    }
    drawing.clock.at = shanghai_morning(date(2026, 9, 9))
    recorded = await drawing.client.post("/inspections", json=visit, headers=inspector(OWNER))
    assert recorded.status_code == 201, recorded.text
    plan = await drawing.client.get("/inspection-plan", headers=inspector(OWNER))
    moved = next(h for h in plan.json()["households"] if h["credit_code"] == risky)
    assert (moved["since"], moved["due"]) == ("2026-09-09", "2026-10-09")


async def test_a_draw_is_committed_then_drawn_verified_offline_and_redrawn_visibly(
    drawing: Drawing, tmp_path: Path
) -> None:
    drawing.clock.at = shanghai_morning(date(2026, 9, 28))
    for _ in range(4):
        await drawing.household(await issued(drawing, OWNER, point=None))
    pool = {"title": "2026 年第四季度双随机抽查", "inspectors": ["inspector06", "standby06"]}
    refused = await drawing.client.post(
        "/random-inspections",
        json=pool | {"inspectors": ["inspector06", "inspector01"]},
        headers=head(OWNER),
    )
    assert refused.status_code == 422
    assert "inspectors" in refused.text
    for who in (inspector(OWNER), AUDITOR):
        assert (
            await drawing.client.post(
                "/random-inspections", json=pool | {"inspectors_per_household": 1}, headers=who
            )
        ).status_code == 403
    created = await drawing.client.post(
        "/random-inspections", json=pool | {"inspectors_per_household": 1}, headers=head(OWNER)
    )
    assert created.status_code == 201, created.text
    plan = created.json()
    assert plan["rules"]["ratios"] == {"A": "0.05", "B": "0.10", "C": "0.20", "D": "0.50"}
    draws = f"/random-inspections/{plan['id']}/draws"

    committed = await drawing.client.post(draws, json={}, headers=head(OWNER))
    assert committed.status_code == 201, committed.text
    assert committed.json()["status"] == "committed"
    assert committed.json()["seed"] is None  # secret until drawn
    assert committed.json()["snapshot"] is None
    published_commitment = (await drawing.published("supervision.draw.committed", plan["id"]))[0][
        "data"
    ]
    assert published_commitment["commitment"] == committed.json()["commitment"]
    again = await drawing.client.post(draws, json={"reason": "想再抽一次"}, headers=head(OWNER))
    assert again.status_code == 409  # the first is not drawn yet
    # Another office's head neither draws nor sees it.
    other = await drawing.client.post(f"{draws}/1/reveal", headers=head(1))
    assert other.status_code == 404

    drawn = await drawing.client.post(f"{draws}/1/reveal", headers=head(OWNER))
    assert drawn.status_code == 200, drawn.text
    selection = drawn.json()["selection"]
    assert selection
    # The grid's owner is never drawn for their own households: standby06 goes.
    assert all(s["inspectors"] == ["standby06"] for s in selection)
    assert {s["credit_code"] for s in selection} <= {
        h["credit_code"] for h in drawn.json()["snapshot"]
    }
    event = (await drawing.published("supervision.draw.drawn", plan["id"]))[0]
    assert event["data"]["seed"] == drawn.json()["seed"]

    # Anyone recomputes it from the published event, offline.
    honest = tmp_path / "drawn.json"
    honest.write_text(json.dumps(event), encoding="utf-8")
    checked = verify_cli(honest, "--commitment", published_commitment["commitment"])
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "draw verified" in checked.stdout
    data = event["data"]
    seed = bytearray(bytes.fromhex(data["seed"]))
    seed[0] ^= 1
    for name, tampered in (
        ("seed", data | {"seed": bytes(seed).hex()}),
        (
            "snapshot",
            data
            | {
                "snapshot": [
                    data["snapshot"][0] | {"agent": "somebody-else"},
                    *data["snapshot"][1:],
                ]
            },
        ),
    ):
        path = tmp_path / f"tampered-{name}.json"
        path.write_text(json.dumps(tampered), encoding="utf-8")
        result = verify_cli(path)
        assert result.returncode == 1, (name, result.stdout)
        assert "commitment: does not match" in result.stdout
        assert "does not match its published inputs" in result.stdout

    # A second draw of the plan: allowed only with a reason, and listed beside the first.
    unexplained = await drawing.client.post(draws, json={}, headers=head(OWNER))
    assert unexplained.status_code == 422
    assert "reason" in unexplained.text
    second = await drawing.client.post(
        draws, json={"reason": "登记簿更正后重新抽取"}, headers=head(OWNER)
    )
    assert second.status_code == 201, second.text
    assert second.json()["number"] == 2
    both = await drawing.client.get(f"/random-inspections/{plan['id']}", headers=AUDITOR)
    assert [d["number"] for d in both.json()["draws"]] == [1, 2]
    assert [d["status"] for d in both.json()["draws"]] == ["drawn", "committed"]
    assert both.json()["draws"][0]["seed"] == drawn.json()["seed"]
    # The office finds its plans again; another office does not see them.
    listed = await drawing.client.get("/random-inspections", headers=head(OWNER))
    assert listed.status_code == 200, listed.text
    mine = next(p for p in listed.json()["plans"] if p["id"] == plan["id"])
    assert mine["title"] == "2026 年第四季度双随机抽查"
    assert (mine["draws"], mine["latest_status"]) == (2, "committed")
    for who in (inspector(OWNER), AUDITOR):
        seen = await drawing.client.get("/random-inspections", headers=who)
        assert plan["id"] in [p["id"] for p in seen.json()["plans"]]
    elsewhere = await drawing.client.get("/random-inspections", headers=head(1))
    assert plan["id"] not in [p["id"] for p in elsewhere.json()["plans"]]
    events = await drawing.published("supervision.draw.committed", plan["id"], count=2)
    assert [e["data"]["number"] for e in events] == [1, 2]
    assert events[1]["data"]["reason"] == "登记簿更正后重新抽取"


async def test_results_go_on_the_publicity_feed_within_20_working_days(drawing: Drawing) -> None:
    drawing.clock.at = shanghai_morning(date(2026, 9, 20))
    await drawing.household(await issued(drawing, OWNER, point=None))
    created = await drawing.client.post(
        "/random-inspections",
        json={"title": "国庆前抽查", "inspectors": ["inspector06", "standby06"]}
        | {"inspectors_per_household": 1},
        headers=head(OWNER),
    )
    plan_id = created.json()["id"]
    draws = f"/random-inspections/{plan_id}/draws"
    assert (await drawing.client.post(draws, json={}, headers=head(OWNER))).status_code == 201
    drawn = await drawing.client.post(f"{draws}/1/reveal", headers=head(OWNER))
    drawn_code = drawn.json()["selection"][0]["credit_code"]

    drawing.clock.at = shanghai_morning(date(2026, 9, 28))
    result = {"credit_code": drawn_code, "outcome": "problems_found", "note": "未公示年报"}
    results = f"/random-inspections/{plan_id}/results"
    by_owner = await drawing.client.post(results, json=result, headers=inspector(OWNER))
    assert by_owner.status_code == 403  # the owner was not drawn for it
    recorded = await drawing.client.post(results, json=result, headers=standby(OWNER))
    assert recorded.status_code == 201, recorded.text
    # Recorded on 28 Sep: 29, 30 Sep, then 8 Oct on (10 Oct a make-up working day): 30 Oct.
    assert recorded.json()["publish_by"] == {
        "due": "2026-10-30",
        "rule_code": "supervision.draw_results",
        "basis": recorded.json()["publish_by"]["basis"],
    }
    assert "Enterprise Information Publicity art. 6" in recorded.json()["publish_by"]["basis"]
    on_plan = await drawing.client.get(f"/random-inspections/{plan_id}", headers=head(OWNER))
    assert [(r["credit_code"], r["outcome"]) for r in on_plan.json()["results"]] == [
        (drawn_code, "problems_found")
    ]
    twice = await drawing.client.post(results, json=result, headers=standby(OWNER))
    assert twice.status_code == 409

    drawing.clock.at = shanghai_morning(date(2026, 10, 9))
    published = await drawing.client.post(f"{results}/publish", headers=head(OWNER))
    assert published.status_code == 200, published.text
    assert published.json()["results"][0]["published_at"].startswith("2026-10-09")
    event = (await drawing.published("supervision.draw.results_published", plan_id))[0]
    assert (
        event["data"]["results"][0].items()
        >= {
            "credit_code": drawn_code,
            "outcome": "problems_found",
            "publish_by": "2026-10-30",
        }.items()
    )
    feed = await drawing.client.get(
        "/random-inspection-results", params={"office_id": "office-06"}, headers=AUDITOR
    )
    assert drawn_code in [r["credit_code"] for r in feed.json()["results"]]
    nothing_left = await drawing.client.post(f"{results}/publish", headers=head(OWNER))
    assert nothing_left.status_code == 409


async def test_households_claimed_before_the_plan_existed_enter_it_at_start(
    drawing: Drawing,
) -> None:
    drawing.clock.at = shanghai_morning(date(2026, 8, 3))
    quiet = await issued(drawing, OWNER, point=None)
    risky = await issued(drawing, OWNER, point=None)
    for code in (quiet, risky):
        await drawing.household(code)
        answer = await drawing.client.post(f"/households/{code}/claim", headers=inspector(OWNER))
        assert answer.status_code == 200, answer.text
    drawing.clock.at = shanghai_morning(date(2026, 8, 10))
    visit = {
        "started_at": "2026-08-10T01:00:00Z",
        "ended_at": "2026-08-10T02:00:00Z",
        "route": [[104.05, 30.70]],
        "households": [quiet],
        "findings": "证照齐全",
        "actions": [],
        "attachments": [],
    }
    recorded = await drawing.client.post("/inspections", json=visit, headers=inspector(OWNER))
    assert recorded.status_code == 201, recorded.text
    await penalised(drawing, risky, 3)  # 15 points: class D
    before = await drawing.client.get("/inspection-plan", headers=inspector(OWNER))
    others = [h for h in before.json()["households"] if h["credit_code"] not in (quiet, risky)]
    # As they stood before migration supervision_0004: claimed, and in no plan.
    async with drawing.transaction() as connection:
        await connection.execute(
            sa.delete(inspection_plan_entries).where(
                inspection_plan_entries.c.credit_code.in_([quiet, risky])
            )
        )
    unplanned = await drawing.client.get("/inspection-plan", headers=inspector(OWNER))
    assert {quiet, risky}.isdisjoint(h["credit_code"] for h in unplanned.json()["households"])

    # A second replica starts beside the running one and enrols them.
    async with running(create_service_app(spec, drawing.settings)) as replica:
        plan = await replica.get("/inspection-plan", headers=inspector(OWNER))
    assert plan.status_code == 200, plan.text
    entries = {h["credit_code"]: h for h in plan.json()["households"]}
    # Class D from the claim on 3 Aug: 30 days on is 2 Sep, a working day.
    assert (entries[risky]["risk_class"], entries[risky]["since"], entries[risky]["due"]) == (
        "D",
        "2026-08-03",
        "2026-09-02",
    )
    # Class A from the inspection on 10 Aug, later than the claim: 365 days on.
    assert (entries[quiet]["risk_class"], entries[quiet]["since"], entries[quiet]["due"]) == (
        "A",
        "2026-08-10",
        "2027-08-10",
    )
    # Those already in the plan stay as they were.
    kept = [h for h in plan.json()["households"] if h["credit_code"] not in (quiet, risky)]
    assert kept == others
