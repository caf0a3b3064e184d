"""A case's decision deadline moves with its stopped time (suspension, hearing, testing) and
its extensions: 30 days once with approval, beyond that only by a collective decision."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from chassis.legalclock import Interval, shanghai_today
from services.enforcement import domain
from tests.enforcement.conftest import Enforcement, FixedClock, officer
from tests.enforcement.test_filing import filed, investigated, received, told


async def test_stopped_time_and_extensions_move_the_decision_deadline(
    enforcement: Enforcement,
) -> None:
    case_id = await filed(enforcement)
    today = shanghai_today()
    start, end = today + timedelta(days=5), today + timedelta(days=14)
    suspension = {
        "kind": "suspension",
        "start": str(start),
        "end": str(end),
        "reason": "等待司法鉴定",
    }
    answer = await enforcement.client.post(
        f"/cases/{case_id}/stops", json=suspension, headers=officer(1)
    )
    assert answer.status_code == 200, answer.text
    stopped = [Interval(kind="suspension", start=start, end=end)]
    expected = domain.decision_deadline(today, stopped=stopped)
    assert answer.json()["decision_due"] == expected.due.isoformat()
    assert answer.json()["decision_deadline"]["excluded_days"] == 10

    approval = {"approved_by": "head.subbureau", "reason": "案情复杂"}
    answer = await enforcement.client.post(
        f"/cases/{case_id}/extensions", json=approval, headers=officer(1)
    )
    assert answer.status_code == 200, answer.text
    expected = domain.decision_deadline(today, extensions=1, stopped=stopped)
    assert answer.json()["decision_due"] == expected.due.isoformat()

    refused = await enforcement.client.post(
        f"/cases/{case_id}/extensions", json=approval, headers=officer(1)
    )
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["body.collective_days"]

    collective = approval | {"collective_days": 20}
    answer = await enforcement.client.post(
        f"/cases/{case_id}/extensions", json=collective, headers=officer(1)
    )
    assert answer.status_code == 200, answer.text
    expected = domain.decision_deadline(today, extensions=2, collective_days=20, stopped=stopped)
    assert answer.json()["decision_due"] == expected.due.isoformat()
    assert answer.json()["decision_deadline"]["beyond_extension"] == "collective_decision"
    steps = [step["step"] for step in answer.json()["history"]]
    assert steps[-3:] == ["clock_stopped", "decision_extended", "decision_extended"]


async def test_a_stop_ending_before_it_starts_is_refused_naming_the_field(
    enforcement: Enforcement,
) -> None:
    case_id = await filed(enforcement)
    today = shanghai_today()
    backwards = {
        "kind": "hearing",
        "start": str(today + timedelta(days=3)),
        "end": str(today),
        "reason": "听证",
    }
    answer = await enforcement.client.post(
        f"/cases/{case_id}/stops", json=backwards, headers=officer(1)
    )
    assert answer.status_code == 422
    assert [e["field"] for e in answer.json()["errors"]] == ["body.end"]
    case = await enforcement.client.get(f"/cases/{case_id}", headers=officer(1))
    assert case.json()["decision_due"] == domain.decision_deadline(today).due.isoformat()


async def test_testing_time_does_not_count_towards_verification(enforcement: Enforcement) -> None:
    source_id = await received(enforcement)
    today = shanghai_today()
    start, end = today + timedelta(days=2), today + timedelta(days=8)
    body = {"start": str(start), "end": str(end), "reason": "样品送省质检院检测"}
    answer = await enforcement.client.post(
        f"/case-sources/{source_id}/testing", json=body, headers=officer(1)
    )
    assert answer.status_code == 200, answer.text
    expected = domain.verify_deadline(
        today, testing=[Interval(kind="testing", start=start, end=end)]
    )
    assert answer.json()["verify_due"] == expected.due.isoformat()
    assert answer.json()["verify_deadline"]["excluded_days"] == expected.excluded_days > 0


async def test_a_late_fine_accrues_until_it_is_paid_and_a_changed_decision_is_withdrawn(
    enforcement: Enforcement, clock: FixedClock
) -> None:
    clock.day = date(2026, 8, 3)
    case_id = await investigated(enforcement)
    decision: dict[str, Any] = {
        "penalty": {"kind": "fine", "amount": "2000"},
        "legal_basis": "《价格法》第四十二条",
    }
    await told(enforcement, case_id, decision["penalty"], served_on=clock.day)
    answer = await enforcement.client.post(
        f"/cases/{case_id}/decision", json=decision, headers=officer(1)
    )
    assert answer.status_code == 200, answer.text
    served = {"served_on": "2026-08-03", "served_how": "in_person"}
    answer = await enforcement.client.post(
        f"/cases/{case_id}/service", json=served, headers=officer(1)
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["payment_due"] == "2026-08-18"
    assert Decimal(answer.json()["late_payment_surcharge"]) == 0

    clock.day = date(2026, 8, 25)
    paid_late = "2026-08-22"  # four days late: 4 × 3% of 2,000
    answer = await enforcement.client.post(
        f"/cases/{case_id}/payment", json={"paid_on": paid_late}, headers=officer(1)
    )
    assert answer.status_code == 200, answer.text
    assert Decimal(answer.json()["late_payment_surcharge"]) == Decimal(240)
    twice = await enforcement.client.post(
        f"/cases/{case_id}/payment", json={"paid_on": paid_late}, headers=officer(1)
    )
    assert twice.status_code == 409

    feed = await enforcement.client.get("/publicity", headers=officer(1))
    assert case_id in [e["case_id"] for e in feed.json()["entries"]]
    change = {"change": "annulled", "changed_on": "2026-08-24", "reason": "行政复议决定撤销"}
    answer = await enforcement.client.post(
        f"/cases/{case_id}/publicity-withdrawal", json=change, headers=officer(1)
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["history"][-1]["step"] == "publicity_withdrawn"
    feed = await enforcement.client.get("/publicity", headers=officer(1))
    assert case_id not in [e["case_id"] for e in feed.json()["entries"]]
    again = await enforcement.client.post(
        f"/cases/{case_id}/publicity-withdrawal", json=change, headers=officer(1)
    )
    assert again.status_code == 409
