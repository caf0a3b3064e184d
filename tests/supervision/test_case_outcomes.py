"""An office sees what came of its case transfers (通报备案), and the business's file notes the
case filed, declined or closed about it: enforcement's events as its relay publishes them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from chassis.legalclock import shanghai_today
from contracts import Contract, Envelope
from contracts.enforcement import CaseClosed, CaseFiled, CaseNotFiled, PenaltyDecided
from tests.conftest import handled, publish
from tests.supervision.conftest import (
    AUDITOR,
    Supervision,
    claimed_household,
    head,
    inspector,
    new_credit_code,
)


async def transferred(supervision: Supervision, code: str, **given: Any) -> dict[str, Any]:
    body = {"credit_code": code, "allegation": "超范围经营：无许可销售熟食"} | given
    sent = await supervision.client.post("/case-transfers", json=body, headers=inspector(4))
    assert sent.status_code == 201, sent.text
    answer: dict[str, Any] = sent.json()
    return answer


async def told(supervision: Supervision, *events: Contract) -> None:
    """Enforcement's relay publishes the events, in this order (the same event twice: the
    same envelope delivered again); supervision has handled them."""
    wrapped = {id(e): Envelope.wrap(e, source="enforcement", sequence=1) for e in events}
    envelopes = [wrapped[id(event)] for event in events]
    await publish(supervision.settings.bus_prefix, *envelopes)
    await handled(supervision.settings.database_url, *(e.id for e in envelopes))


async def case_entries(supervision: Supervision, code: str) -> list[dict[str, Any]]:
    answer = await supervision.client.get(f"/households/{code}/file", headers=AUDITOR)
    return [e for e in answer.json()["entries"] if e["kind"] == "case"]


async def test_the_transfer_shows_filed_decided_closed_and_the_file_notes_the_case(
    supervision: Supervision,
) -> None:
    code = await claimed_household(supervision)
    found_on = shanghai_today() - timedelta(days=2)
    sent = await transferred(supervision, code, discovered_on=found_on.isoformat())
    assert (sent["discovered_on"], sent["outcome"]["status"]) == (
        found_on.isoformat(),
        "transferred",
    )
    source_id = sent["case_source_id"]
    [event] = await supervision.published("supervision.case_source.transferred", source_id)
    assert event["data"]["discovered_on"] == found_on.isoformat()

    case_id, now = uuid.uuid4(), datetime.now(UTC)
    decided = PenaltyDecided(
        case_id=case_id,
        credit_code=code,
        procedure="general",
        penalty_kinds=("fine",),
        fine_amount=Decimal(2000),
        legal_basis="《食品安全法》第一百二十二条",
        source_department="supervision",
        case_source_id=uuid.UUID(source_id),
        decided_at=now + timedelta(days=20),
    )
    filed = CaseFiled(
        case_id=case_id, case_source_id=uuid.UUID(source_id), credit_code=code, filed_at=now
    )
    # The decision overtakes the filing on the bus; the filing is delivered twice.
    await told(supervision, decided, filed, filed)
    path = f"/case-transfers/{source_id}"
    shown = (await supervision.client.get(path, headers=inspector(4))).json()["outcome"]
    assert (shown["status"], shown["case_id"], shown["penalty_kinds"], shown["fine_amount"]) == (
        "decided",
        str(case_id),
        ["fine"],
        "2000.00",
    )
    closed = CaseClosed(
        case_id=case_id,
        case_source_id=uuid.UUID(source_id),
        credit_code=code,
        satisfaction="satisfied",
        closed_at=now + timedelta(days=40),
    )
    await told(supervision, closed)
    mine = await supervision.client.get(
        "/case-transfers", params={"credit_code": code}, headers=head(4)
    )
    [listed] = mine.json()["case_transfers"]
    assert (listed["outcome"]["status"], listed["outcome"]["fine_amount"]) == ("closed", "2000.00")
    others = await supervision.client.get(f"{path}", headers=inspector(5))
    assert others.status_code == 404

    entries = await case_entries(supervision, code)
    assert [(e["step"], e["case_id"]) for e in entries] == [
        ("filed", str(case_id)),
        ("closed", str(case_id)),
    ]
    assert entries[1]["satisfaction"] == "satisfied"


async def test_a_declined_transfer_is_noted_in_the_file_with_its_reasons(
    supervision: Supervision,
) -> None:
    code = await claimed_household(supervision)
    sent = await transferred(supervision, code)
    assert sent["discovered_on"] == shanghai_today().isoformat()
    source_id = uuid.UUID(sent["case_source_id"])
    declined = CaseNotFiled(
        case_source_id=source_id, reasons=("证据不足",), decided_at=datetime.now(UTC)
    )
    # Another department's case source, declined: no office's transfer, no business known.
    elsewhere = CaseNotFiled(
        case_source_id=uuid.uuid4(), reasons=("不属管辖",), decided_at=datetime.now(UTC)
    )
    await told(supervision, declined, elsewhere)
    shown = (await supervision.client.get(f"/case-transfers/{source_id}", headers=AUDITOR)).json()[
        "outcome"
    ]
    assert (shown["status"], shown["reasons"]) == ("not_filed", ["证据不足"])
    [entry] = await case_entries(supervision, code)
    assert (entry["step"], entry["case_source_id"], entry["reasons"]) == (
        "not_filed",
        str(source_id),
        ["证据不足"],
    )


async def test_a_case_filed_from_another_departments_transfer_is_noted_in_the_file(
    supervision: Supervision,
) -> None:
    code = await claimed_household(supervision)
    filed = CaseFiled(
        case_id=uuid.uuid4(),
        case_source_id=uuid.uuid4(),
        credit_code=code,
        filed_at=datetime.now(UTC),
    )
    unknown = CaseFiled(
        case_id=uuid.uuid4(), case_source_id=uuid.uuid4(), credit_code=new_credit_code(),
        filed_at=datetime.now(UTC),
    )  # fmt: skip
    await told(supervision, filed, unknown)
    [entry] = await case_entries(supervision, code)
    assert (entry["step"], entry["case_id"]) == ("filed", str(filed.case_id))


async def test_a_discovery_day_after_today_is_refused_naming_the_field(
    supervision: Supervision,
) -> None:
    code = await claimed_household(supervision)
    tomorrow = (shanghai_today() + timedelta(days=1)).isoformat()
    body = {"credit_code": code, "allegation": "超范围经营", "discovered_on": tomorrow}
    refused = await supervision.client.post("/case-transfers", json=body, headers=inspector(4))
    assert refused.status_code == 422, refused.text
    assert [e["field"] for e in refused.json()["errors"]] == ["body.discovered_on"]
    listed = await supervision.client.get(
        "/case-transfers", params={"credit_code": code}, headers=AUDITOR
    )
    assert listed.json()["case_transfers"] == []
