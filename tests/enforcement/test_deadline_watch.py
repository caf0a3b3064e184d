"""Overdue and soon-due deadlines (verifying a case source, deciding a case, serving the
decision, the fine's payment, the return visit, on-the-spot cash to the bank) are listed for
their section with their rule and article, and each missed one raises
enforcement.deadline.missed once, whatever the number of checks and restarts."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from chassis.app import create_service_app
from chassis.db import Database
from chassis.legalclock import shanghai_today
from chassis.uow import UnitOfWork
from services.enforcement import domain
from services.enforcement.app import spec
from services.enforcement.domain import Transfer
from services.enforcement.settings import EnforcementContext, EnforcementSettings
from services.enforcement.tables import case_sources, cases, deadlines_missed, on_the_spot_penalties
from services.enforcement.usecases import intake
from tests.conftest import (
    BUS_URL,
    BusTap,
    CreateDatabase,
    directory_knows,
    feed_demo_map,
    fully_ready,
    migrate,
    running,
    running_service,
    tapping,
    wait_until,
)
from tests.enforcement.conftest import AUDITOR, DIRECTORY, Enforcement, FixedClock, officer
from tests.enforcement.test_filing import filed, investigated, received, told
from tests.enforcement.test_on_the_spot import CITIZEN, INSPECTOR, decision


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


# -- every kind of deadline, once each, with its rule and article ------------------------

MISSED = "enforcement.deadline.missed"
ARTICLES = {
    "serve": ("enforcement.serve", "Administrative Penalty Law art. 61"),
    "pay": ("enforcement.payment", "Administrative Penalty Law art. 67"),
    "return_visit": ("enforcement.return_visit", "local setting"),
    "cash_handover": ("enforcement.cash_handover", "Administrative Penalty Law art. 71"),
    "verify": ("enforcement.verify", "art. 18"),
}


async def set_columns(
    settings: EnforcementSettings, table: sa.Table, row_id: str, **values: Any
) -> None:
    """Change a row as the case steps (or time passing) would."""
    database = Database(settings.database_url)
    try:
        async with database.engine.begin() as connection:
            await connection.execute(
                sa.update(table).where(table.c.id == uuid.UUID(row_id)).values(values)
            )
    finally:
        await database.dispose()


def raised(bus: BusTap, subject: str) -> list[tuple[str, dict[str, Any]]]:
    """The missed deadlines raised about one record: (kind, data) in the order published."""
    return [
        (e["data"]["deadline"], e["data"]) for e in bus.of_type(MISSED) if e["subject"] == subject
    ]


async def cash_collected(enforcement: Enforcement) -> str:
    """An on-the-spot fine of section-2 whose cash was collected there and then."""
    answer = await enforcement.client.post(
        "/on-the-spot-penalties", json=decision(CITIZEN, "fine", "50", cash=True), headers=INSPECTOR
    )
    assert answer.status_code == 201, answer.text
    penalty_id: str = answer.json()["id"]
    return penalty_id


async def overdue_sentinel(enforcement: Enforcement, bus: BusTap, due: date | None = None) -> None:
    """One more verification deadline missed (by `due`, yesterday by default), waited for: a
    round later than every deadline raised before it, so any of them raised twice would have
    been published by now."""
    late = await received(enforcement)
    await set_verify_on(
        enforcement.settings, str(late), due or shanghai_today() - timedelta(days=1)
    )

    async def arrived() -> bool:
        return bool(raised(bus, str(late)))

    await wait_until(arrived, within=10)


async def test_service_payment_return_visit_and_cash_hand_over_are_raised_once_and_listed(
    enforcement: Enforcement,
) -> None:
    today = shanghai_today()
    case_id = await investigated(enforcement)
    fine: dict[str, Any] = {
        "penalty": {"kind": "fine", "amount": "2000"},
        "legal_basis": "《价格法》第四十二条",
    }
    await told(enforcement, case_id, fine["penalty"])
    answer = await enforcement.client.post(
        f"/cases/{case_id}/decision", json=fine, headers=officer(1)
    )
    assert answer.status_code == 200, answer.text
    penalty_id = await cash_collected(enforcement)
    settings = enforcement.settings
    async with tapping(settings.bus_prefix, "enforcement.deadline.#") as bus:
        await set_columns(
            settings,
            cases,
            case_id,
            service_due=today - timedelta(days=1),
            payment_due=today - timedelta(days=2),
            return_visit_due=today - timedelta(days=3),
        )
        await set_columns(
            settings, on_the_spot_penalties, penalty_id, cash_handover_due=today - timedelta(days=1)
        )

        async def all_four() -> bool:
            return len(raised(bus, case_id)) == 3 and len(raised(bus, penalty_id)) == 1

        await wait_until(all_four, within=10)
        await overdue_sentinel(enforcement, bus)
        seen = raised(bus, case_id) + raised(bus, penalty_id)
        assert sorted(kind for kind, _ in seen) == ["cash_handover", "pay", "return_visit", "serve"]
        for kind, data in seen:
            rule_code, article = ARTICLES[kind]
            assert (data["rule_code"], article in data["basis"]) == (rule_code, True)
        assert {e["dataversion"] for e in bus.of_type(MISSED)} == {2}

    section_1 = (await enforcement.client.get("/deadlines", headers=officer(1))).json()
    mine = {d["deadline"]: d for d in section_1["deadlines"] if d["subject_id"] == case_id}
    assert sorted(mine) == ["pay", "return_visit", "serve"]
    for kind, entry in mine.items():
        assert (entry["state"], entry["rule_code"]) == ("overdue", ARTICLES[kind][0])
        assert ARTICLES[kind][1] in entry["basis"]
    section_2 = (await enforcement.client.get("/deadlines", headers=officer(2))).json()
    [cash] = [d for d in section_2["deadlines"] if d["subject_id"] == penalty_id]
    assert (cash["deadline"], cash["rule_code"]) == ("cash_handover", "enforcement.cash_handover")
    assert penalty_id not in [d["subject_id"] for d in section_1["deadlines"]]

    # Met: served, paid, handed over; the return visit done closes the case.
    await set_columns(settings, cases, case_id, served_on=today, paid_on=today, status="closed")
    await set_columns(settings, on_the_spot_penalties, penalty_id, handed_over_on=today)
    after = (await enforcement.client.get("/deadlines", headers=AUDITOR)).json()["deadlines"]
    assert {case_id, penalty_id}.isdisjoint(d["subject_id"] for d in after)


# -- 600 overdue, across a restart ----------------------------------------------------------


def fresh_settings(database_url: str, bus_prefix: str, check_seconds: float) -> EnforcementSettings:
    return EnforcementSettings(
        service="enforcement",
        environment="test",
        database_url=database_url,
        bus_url=BUS_URL,
        bus_prefix=bus_prefix,
        relay_poll_seconds=0.2,
        deadline_check_seconds=check_seconds,
    )


async def received_long_ago(settings: EnforcementSettings, count: int) -> None:
    """`count` case sources handed in to section-1's desk between August and mid-September:
    received through the intake use case as on any day, their verification now long overdue."""
    database = Database(settings.database_url)
    try:
        async with UnitOfWork(database, "enforcement") as uow:
            for number in range(count):
                clock = FixedClock(date(2026, 8, 3) + timedelta(days=number % 45))
                transfer = Transfer(
                    id=uuid.uuid4(),
                    source_department="market",
                    credit_code=None,
                    allegation=f"无照经营 {number}",
                    evidence=(),
                    office_id=None,
                    transferred_by="officer1",
                    transferred_at=clock.now(),
                    fallback_section="section-1",
                )
                assert await intake.receive(uow.work, clock, transfer)
            await uow.commit()
    finally:
        await database.dispose()


async def raised_rows(settings: EnforcementSettings) -> int:
    database = Database(settings.database_url)
    try:
        async with database.engine.connect() as connection:
            return int(
                await connection.scalar(sa.select(sa.func.count()).select_from(deadlines_missed))
                or 0
            )
    finally:
        await database.dispose()


async def test_600_overdue_verification_deadlines_are_each_raised_once_across_a_restart(
    create_database: CreateDatabase, bus_prefix: str
) -> None:
    prefix = f"{bus_prefix}-enf-{uuid.uuid4().hex[:4]}"
    # The first process checks once at start, then not for an hour: it stops part way.
    first = fresh_settings(await create_database("enforcement"), prefix, check_seconds=3600)
    await migrate(spec, first)
    await received_long_ago(first, 600)
    async with tapping(prefix, "enforcement.deadline.#") as bus:
        async with running_service(spec, first):
            await bus.wait_for(MISSED, count=500)
        assert (await raised_rows(first), len(bus.of_type(MISSED))) == (500, 500)
        dues_first = [e["data"]["due"] for e in bus.of_type(MISSED)]

        # Started again (checking often now): the next round takes the 100 left, and later
        # rounds raise nothing again.
        second = first.model_copy(update={"deadline_check_seconds": 0.2})
        async with running_service(spec, second):
            await bus.wait_for(MISSED, count=600, within=20)
            await received_long_ago(second, 1)
            await bus.wait_for(MISSED, count=601)
        subjects = [e["subject"] for e in bus.of_type(MISSED)]
        assert len(subjects) == len(set(subjects)) == 601
        assert await raised_rows(second) == 601
        assert {e["data"]["deadline"] for e in bus.of_type(MISSED)} == {"verify"}
        # The earliest due went first.
        dues_after = [e["data"]["due"] for e in bus.of_type(MISSED)[500:600]]
        assert max(dues_first) <= min(dues_after)


# -- a fixed clock across National Day 2026 ------------------------------------------------


@asynccontextmanager
async def clocked_enforcement(
    create_database: CreateDatabase, bus_prefix: str, clock: FixedClock
) -> AsyncIterator[Enforcement]:
    """An enforcement service of its own whose clock the test holds from its start."""
    settings = fresh_settings(
        await create_database("enforcement"), f"{bus_prefix}-enf-{uuid.uuid4().hex[:4]}", 0.2
    )

    async def hold_clock(ctx: EnforcementContext) -> None:
        ctx.clock = clock

    clocked = replace(spec, on_startup=[*spec.on_startup, hold_clock])
    await migrate(clocked, settings)
    app = create_service_app(clocked, settings)
    async with running(app) as client:

        async def ready() -> bool:
            return fully_ready(await client.get("/readyz"))

        await wait_until(ready)
        await directory_knows(settings, *DIRECTORY)
        await feed_demo_map(clocked, settings)
        yield Enforcement(client, settings, app)


def listed(watch: dict[str, Any], *subjects: str) -> dict[tuple[str, str], str]:
    """(subject, kind) → state of the watch list's entries about these records."""
    return {
        (d["subject_id"], d["deadline"]): d["state"]
        for d in watch["deadlines"]
        if d["subject_id"] in subjects
    }


async def test_across_national_day_due_soon_counts_working_days_and_each_is_raised_on_its_day(
    create_database: CreateDatabase, bus_prefix: str
) -> None:
    clock = FixedClock(date(2026, 9, 30))  # Wednesday; 1-7 October off; Saturday 10 October worked
    async with clocked_enforcement(create_database, bus_prefix, clock) as enforcement:
        settings = enforcement.settings
        source = str(await received(enforcement))
        case = await filed(enforcement)
        penalty = await cash_collected(enforcement)
        # Cash collected on 30 September reaches the bank within 2 working days: 9 October.
        handover = domain.cash_handover_deadline(date(2026, 9, 30)).due
        assert handover == date(2026, 10, 9)
        async with tapping(settings.bus_prefix, "enforcement.deadline.#") as bus:
            await set_verify_on(settings, source, date(2026, 10, 9))
            await set_columns(
                settings,
                cases,
                case,
                status="decided",
                return_visit_due=date(2026, 10, 8),
                service_due=date(2026, 10, 10),  # the make-up Saturday
                payment_due=date(2026, 10, 12),
            )
            await set_columns(settings, on_the_spot_penalties, penalty, cash_handover_due=handover)

            # 30 September, 3 working days ahead: 8, 9 and 10 October are due soon (days
            # after the holiday); 12 October is the fourth working day, not yet listed.
            watch = (await enforcement.client.get("/deadlines", headers=AUDITOR)).json()
            assert listed(watch, source, case, penalty) == {
                (case, "return_visit"): "due_soon",
                (source, "verify"): "due_soon",
                (penalty, "cash_handover"): "due_soon",
                (case, "serve"): "due_soon",
            }

            async def raised_kinds(*kinds: str) -> None:
                async def there() -> bool:
                    found = {k for s in (source, case, penalty) for k, _ in raised(bus, s)}
                    return found >= set(kinds)

                await wait_until(there, within=10)

            clock.day = date(2026, 10, 9)
            await raised_kinds("return_visit")
            watch = (await enforcement.client.get("/deadlines", headers=AUDITOR)).json()
            assert listed(watch, source, case, penalty) == {
                (case, "return_visit"): "overdue",
                (source, "verify"): "due_soon",
                (penalty, "cash_handover"): "due_soon",
                (case, "serve"): "due_soon",
                (case, "pay"): "due_soon",
            }
            clock.day = date(2026, 10, 10)
            await raised_kinds("verify", "cash_handover")
            clock.day = date(2026, 10, 13)
            await raised_kinds("serve", "pay")
            await overdue_sentinel(enforcement, bus, date(2026, 10, 12))

        detected = {
            kind: data["detected_at"][:10]
            for subject in (source, case, penalty)
            for kind, data in raised(bus, subject)
        }
        # Each raised once, on the first day past its due day (09:00 Shanghai is 01:00 UTC).
        assert sum(len(raised(bus, s)) for s in (source, case, penalty)) == 5
        assert detected == {
            "return_visit": "2026-10-09",
            "verify": "2026-10-10",
            "cash_handover": "2026-10-10",
            "serve": "2026-10-13",
            "pay": "2026-10-13",
        }
        for subject in (source, case, penalty):
            for kind, data in raised(bus, subject):
                assert data["rule_code"] == ARTICLES[kind][0]
                assert ARTICLES[kind][1] in data["basis"]


async def set_verify_on(settings: EnforcementSettings, source_id: str, due: date) -> None:
    await set_columns(settings, case_sources, source_id, verify_due=due)
