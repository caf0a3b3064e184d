"""A case's decision deadline moves with its stopped time (suspension, hearing, testing) and
its extensions: 30 days once with approval, beyond that only by a collective decision."""

from __future__ import annotations

from datetime import timedelta

from chassis.legalclock import Interval, shanghai_today
from services.enforcement import domain
from tests.enforcement.conftest import Enforcement, officer
from tests.enforcement.test_filing import filed


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
