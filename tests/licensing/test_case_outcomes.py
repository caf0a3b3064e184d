"""The window sees what came of its case transfers (通报备案): enforcement's events, as
enforcement's relay publishes them, fold into each transfer however the bus orders them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from chassis.legalclock import shanghai_today
from contracts import Contract, Envelope
from contracts.enforcement import CaseClosed, CaseFiled, CaseNotFiled, PenaltyDecided
from tests.conftest import handled, publish
from tests.licensing.conftest import AUDITOR, CLERK, Licensing, shop, unique


async def transferred(licensing: Licensing, **given: Any) -> dict[str, Any]:
    code = await licensing.issued(shop(unique("通报")))
    body = {"credit_code": code, "allegation": "注册资本虚报"} | given
    created = await licensing.client.post("/case-transfers", json=body, headers=CLERK)
    assert created.status_code == 201, created.text
    answer: dict[str, Any] = created.json()
    return answer


async def told(licensing: Licensing, *events: Contract) -> None:
    """Enforcement's relay publishes the events, in this order (the same event twice: the
    same envelope delivered again); licensing has handled them."""
    wrapped = {id(e): Envelope.wrap(e, source="enforcement", sequence=1) for e in events}
    envelopes = [wrapped[id(event)] for event in events]
    await publish(licensing.settings.bus_prefix, *envelopes)
    await handled(licensing.settings.database_url, *(e.id for e in envelopes))


async def outcome(licensing: Licensing, case_source_id: str) -> dict[str, Any]:
    answer = await licensing.client.get(f"/case-transfers/{case_source_id}", headers=AUDITOR)
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()["outcome"]
    return found


def decided(case_id: uuid.UUID, case_source_id: uuid.UUID | None, at: datetime) -> PenaltyDecided:
    return PenaltyDecided(
        case_id=case_id,
        procedure="general",
        penalty_kinds=("fine",),
        fine_amount=Decimal(2000),
        legal_basis="《市场主体登记管理条例》第四十五条",
        source_department="licensing",
        case_source_id=case_source_id,
        decided_at=at,
    )


async def test_a_transfer_shows_filed_then_decided_with_its_fine(licensing: Licensing) -> None:
    found_on = shanghai_today() - timedelta(days=3)
    sent = await transferred(licensing, discovered_on=found_on.isoformat())
    source_id, now = uuid.UUID(sent["case_source_id"]), datetime.now(UTC)
    assert (sent["discovered_on"], sent["outcome"]["status"]) == (
        found_on.isoformat(),
        "transferred",
    )
    [event] = await licensing.published(
        "licensing.case_source.transferred", "case_source_id", str(source_id)
    )
    assert event["data"]["discovered_on"] == found_on.isoformat()

    case_id = uuid.uuid4()
    await told(licensing, CaseFiled(case_id=case_id, case_source_id=source_id, filed_at=now))
    filed = await outcome(licensing, str(source_id))
    assert (filed["status"], filed["case_id"]) == ("filed", str(case_id))

    # The decision names only its case: matched by the case the filing named.
    await told(licensing, decided(case_id, None, now + timedelta(days=20)))
    shown = await outcome(licensing, str(source_id))
    assert (shown["status"], shown["penalty_kinds"], shown["fine_amount"]) == (
        "decided",
        ["fine"],
        "2000.00",
    )
    listed = await licensing.client.get(
        "/case-transfers", params={"credit_code": sent["credit_code"]}, headers=AUDITOR
    )
    assert [t["outcome"]["status"] for t in listed.json()["case_transfers"]] == ["decided"]

    closed = CaseClosed(
        case_id=case_id,
        case_source_id=source_id,
        satisfaction="satisfied",
        closed_at=now + timedelta(days=40),
    )
    await told(licensing, closed)
    ended = await outcome(licensing, str(source_id))
    assert (ended["status"], ended["fine_amount"]) == ("closed", "2000.00")


async def test_a_decision_delivered_before_the_filing_stays_decided(licensing: Licensing) -> None:
    sent = await transferred(licensing)
    source_id, case_id, now = uuid.UUID(sent["case_source_id"]), uuid.uuid4(), datetime.now(UTC)
    assert sent["discovered_on"] == shanghai_today().isoformat()
    filed = CaseFiled(case_id=case_id, case_source_id=source_id, filed_at=now)
    await told(licensing, decided(case_id, source_id, now + timedelta(days=20)), filed, filed)
    shown = await outcome(licensing, str(source_id))
    assert (shown["status"], shown["case_id"], shown["fine_amount"]) == (
        "decided",
        str(case_id),
        "2000.00",
    )


async def test_a_declined_transfer_shows_the_reasons_and_others_news_is_ignored(
    licensing: Licensing,
) -> None:
    sent = await transferred(licensing)
    source_id, now = uuid.UUID(sent["case_source_id"]), datetime.now(UTC)
    declined = CaseNotFiled(case_source_id=source_id, reasons=("证据不足",), decided_at=now)
    elsewhere = CaseFiled(case_id=uuid.uuid4(), case_source_id=uuid.uuid4(), filed_at=now)
    await told(licensing, declined, elsewhere)
    shown = await outcome(licensing, str(source_id))
    assert (shown["status"], shown["reasons"]) == ("not_filed", ["证据不足"])
    unknown = await licensing.client.get(
        f"/case-transfers/{elsewhere.case_source_id}", headers=AUDITOR
    )
    assert unknown.status_code == 404


async def test_a_discovery_day_after_today_is_refused_and_nothing_is_stored(
    licensing: Licensing,
) -> None:
    code = await licensing.issued(shop(unique("未来")))
    tomorrow = (shanghai_today() + timedelta(days=1)).isoformat()
    body = {"credit_code": code, "allegation": "股东签名涉嫌伪造", "discovered_on": tomorrow}
    refused = await licensing.client.post("/case-transfers", json=body, headers=CLERK)
    assert refused.status_code == 422, refused.text
    assert [e["field"] for e in refused.json()["errors"]] == ["body.discovered_on"]
    listed = await licensing.client.get(
        "/case-transfers", params={"credit_code": code}, headers=AUDITOR
    )
    assert listed.json()["case_transfers"] == []
