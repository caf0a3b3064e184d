"""Case sources arrive once from every department and go to the section of their office's
area (the demo district: offices 01-05 in area 1, 06-09 in area 2)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa

from chassis.db import Database
from chassis.legalclock import shanghai_today
from contracts import Envelope
from contracts.complaints import ReportTransferred
from contracts.licensing import LicensingCaseSourceTransferred
from contracts.supervision import (
    HouseholdAssigned,
    OfficeChanged,
    SupervisionCaseSourceTransferred,
)
from services.enforcement import domain
from services.enforcement.tables import case_sources, offices
from tests.conftest import handled, publish, wait_until
from tests.enforcement.conftest import (
    ADMIN,
    AUDITOR,
    Enforcement,
    bearer,
    new_credit_code,
    officer,
)

EVIDENCE = "sha256:" + "ab" * 32


def from_supervision(
    office: str, credit_code: str | None = None
) -> SupervisionCaseSourceTransferred:
    return SupervisionCaseSourceTransferred(
        case_source_id=uuid.uuid4(),
        credit_code=credit_code,
        allegation="超范围经营：无食品经营许可销售熟食",
        evidence_refs=(EVIDENCE,),
        transferred_at=datetime.now(UTC),
        transferred_by="inspector07",
        office_code=office,
    )


async def stored_count(enforcement: Enforcement, case_source_id: uuid.UUID) -> int:
    database = Database(enforcement.settings.database_url)
    try:
        async with database.engine.connect() as connection:
            count = await connection.scalar(
                sa.select(sa.func.count())
                .select_from(case_sources)
                .where(case_sources.c.id == case_source_id)
            )
    finally:
        await database.dispose()
    return int(count or 0)


async def test_an_offices_transfer_reaches_the_section_of_its_area(
    enforcement: Enforcement,
) -> None:
    transfer = from_supervision("office-07", new_credit_code())
    await enforcement.receives(transfer, "supervision")
    source = await enforcement.case_source(transfer.case_source_id)
    assert (source["section"], source["office_id"], source["status"]) == (
        "section-2",
        "office-07",
        "received",
    )
    assert (source["source_department"], source["evidence"]) == ("supervision", [EVIDENCE])
    expected = domain.verify_deadline(shanghai_today())
    assert source["verify_due"] == expected.due.isoformat()
    assert source["verify_deadline"]["rule_code"] == "enforcement.verify"
    assert "art. 18" in source["verify_deadline"]["basis"]
    mine = await enforcement.client.get(
        f"/case-sources/{transfer.case_source_id}", headers=officer(2)
    )
    assert mine.status_code == 200
    theirs = await enforcement.client.get(
        f"/case-sources/{transfer.case_source_id}", headers=officer(1)
    )
    assert theirs.status_code == 404
    listed = await enforcement.client.get("/case-sources", headers=officer(2))
    assert str(transfer.case_source_id) in [s["id"] for s in listed.json()["case_sources"]]
    not_listed = await enforcement.client.get("/case-sources", headers=officer(1))
    assert str(transfer.case_source_id) not in [s["id"] for s in not_listed.json()["case_sources"]]


async def test_a_repeated_transfer_creates_nothing_twice(enforcement: Enforcement) -> None:
    transfer = from_supervision("office-02")
    # Three envelopes (as a re-sent transfer), the same case source id.
    envelopes = [await enforcement.receives(transfer, "supervision") for _ in range(3)]
    source = await enforcement.case_source(transfer.case_source_id)
    assert source["section"] == "section-1"
    await handled(enforcement.settings.database_url, *envelopes)
    assert await stored_count(enforcement, transfer.case_source_id) == 1


async def test_a_window_transfer_goes_to_the_section_of_the_business_office(
    enforcement: Enforcement,
) -> None:
    known, unknown = new_credit_code(), new_credit_code()
    assigned = HouseholdAssigned(
        credit_code=known,
        grid_code="510106001008001",
        office_code="office-08",
        owner="inspector08",
        claim_deadline=shanghai_today(),
        assigned_at=datetime.now(UTC),
    )
    await enforcement.receives(assigned, "supervision")

    def at_the_window(credit_code: str) -> LicensingCaseSourceTransferred:
        return LicensingCaseSourceTransferred(
            case_source_id=uuid.uuid4(),
            credit_code=credit_code,
            allegation="股东签名系伪造",
            transferred_at=datetime.now(UTC),
            transferred_by="clerk01",
        )

    routed = at_the_window(known)

    async def office_known() -> bool:
        await enforcement.receives(routed, "licensing")
        answer = await enforcement.client.get(
            f"/case-sources/{routed.case_source_id}", headers=AUDITOR
        )
        return answer.status_code == 200 and answer.json()["section"] == "section-2"

    # The assignment and the transfer travel separately; the transfer is re-sent until its
    # business's office is known, as a repeated transfer changes nothing.
    await wait_until(office_known, within=10)
    assert await stored_count(enforcement, routed.case_source_id) == 1

    waiting = at_the_window(unknown)
    await enforcement.receives(waiting, "licensing")
    source = await enforcement.case_source(waiting.case_source_id)
    assert (source["section"], source["office_id"]) == (None, None)
    unrouted = await enforcement.client.get("/case-sources?unrouted=true", headers=AUDITOR)
    assert str(waiting.case_source_id) in [s["id"] for s in unrouted.json()["case_sources"]]
    for section in (1, 2):
        hidden = await enforcement.client.get(
            f"/case-sources/{waiting.case_source_id}", headers=officer(section)
        )
        assert hidden.status_code == 404


async def test_an_officer_of_no_section_lists_nothing(enforcement: Enforcement) -> None:
    waiting = LicensingCaseSourceTransferred(
        case_source_id=uuid.uuid4(),
        credit_code=new_credit_code(),
        allegation="超范围经营",
        transferred_at=datetime.now(UTC),
        transferred_by="clerk01",
    )
    await enforcement.receives(waiting, "licensing")
    assert (await enforcement.case_source(waiting.case_source_id))["section"] is None
    sectionless = bearer("officer99", "enforcement_officer")
    for query in ("", "?unrouted=true"):
        answer = await enforcement.client.get(f"/case-sources{query}", headers=sectionless)
        assert answer.status_code == 200, answer.text
        assert answer.json()["case_sources"] == []
    one = await enforcement.client.get(
        f"/case-sources/{waiting.case_source_id}", headers=sectionless
    )
    assert one.status_code == 404


async def test_a_12315_report_becomes_a_case_source_without_the_reporter(
    enforcement: Enforcement,
) -> None:
    report = ReportTransferred(
        report_id=uuid.uuid4(),
        case_source_id=uuid.uuid4(),
        credit_code=new_credit_code(),
        allegation="销售过期食品",
        office_code="office-03",
        transferred_at=datetime.now(UTC),
    )
    await enforcement.receives(report, "complaints")
    source = await enforcement.case_source(report.case_source_id)
    assert (source["source_department"], source["source_ref"], source["section"]) == (
        "complaints",
        str(report.report_id),
        "section-1",
    )


async def test_a_department_without_a_service_hands_one_in(enforcement: Enforcement) -> None:
    body = {
        "source_department": "trademark",
        "credit_code": str(new_credit_code()),
        "allegation": "销售假冒注册商标的商品",
        "evidence": [EVIDENCE],
        "office_id": "office-05",
    }
    answer = await enforcement.client.post("/case-sources", json=body, headers=officer(1))
    assert answer.status_code == 201, answer.text
    assert (answer.json()["section"], answer.json()["source_department"]) == (
        "section-1",
        "trademark",
    )
    assert answer.json()["transferred_by"] == "officer1"
    # Without an office it stays with the section of the officer who took it in.
    body = {"source_department": "market", "allegation": "强买强卖"}
    answer = await enforcement.client.post("/case-sources", json=body, headers=officer(2))
    assert answer.status_code == 201, answer.text
    assert (answer.json()["section"], answer.json()["office_id"]) == ("section-2", None)


async def test_bad_case_sources_are_refused_naming_the_field_and_nothing_is_stored(
    enforcement: Enforcement,
) -> None:
    good = {"source_department": "advertising", "allegation": "虚假广告"}
    code = str(new_credit_code())
    cases = {
        "body.credit_code": good | {"credit_code": code[:-1] + ("0" if code[-1] != "0" else "1")},
        "body.source_department": good | {"source_department": "supervision"},
        "body.evidence.0": good | {"evidence": ["not-a-hash"]},
        "body.office_id": good | {"office_id": "office-99"},
        "body.allegation": good | {"allegation": ""},
    }
    before = await enforcement.client.get("/case-sources?limit=500", headers=ADMIN)
    for field, body in cases.items():
        answer = await enforcement.client.post("/case-sources", json=body, headers=ADMIN)
        assert answer.status_code == 422, (field, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
        assert field in [error["field"] for error in answer.json()["errors"]], answer.text
    after = await enforcement.client.get("/case-sources?limit=500", headers=ADMIN)
    assert len(after.json()["case_sources"]) == len(before.json()["case_sources"])


async def test_only_the_sub_bureau_and_auditors_see_case_sources(enforcement: Enforcement) -> None:
    clerk = bearer("clerk01", "licensing_clerk", office="office-01")
    inspector = bearer("inspector01", "grid_inspector", office="office-01")
    for who in (clerk, inspector):
        assert (await enforcement.client.get("/case-sources", headers=who)).status_code == 403
    handed_in = await enforcement.client.post(
        "/case-sources",
        json={"source_department": "market", "allegation": "强买强卖"},
        headers=AUDITOR,
    )
    assert handed_in.status_code == 403


async def test_a_retried_hand_in_returns_the_first_answer_and_stores_one(
    enforcement: Enforcement,
) -> None:
    body = {"source_department": "advertising", "allegation": "虚假宣传：保健品夸大功效"}
    key = {"Idempotency-Key": f"hand-in-{uuid.uuid4()}"}
    first = await enforcement.client.post("/case-sources", json=body, headers=officer(1) | key)
    assert first.status_code == 201, first.text
    again = await enforcement.client.post("/case-sources", json=body, headers=officer(1) | key)
    assert again.status_code == 201, again.text
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert await stored_count(enforcement, uuid.UUID(first.json()["id"])) == 1
    listed = await enforcement.client.get("/case-sources?limit=500", headers=officer(1))
    same = [s for s in listed.json()["case_sources"] if s["allegation"] == body["allegation"]]
    assert len(same) == 1
    other = body | {"allegation": "另一条线索"}
    reused = await enforcement.client.post("/case-sources", json=other, headers=officer(1) | key)
    assert reused.status_code == 422


async def test_an_office_drawn_later_takes_the_case_sources_that_waited_for_it(
    enforcement: Enforcement,
) -> None:
    waiting = from_supervision("office-77")
    await enforcement.receives(waiting, "supervision")
    source = await enforcement.case_source(waiting.case_source_id)
    assert (source["office_id"], source["section"]) == ("office-77", None)

    async def office_77(area: int, sequence: int) -> uuid.UUID:
        drawn = OfficeChanged(
            office_code="office-77",
            name="江北市场监管所",
            area=area,
            changed_by="admin",
            changed_at=datetime.now(UTC),
        )
        envelope = Envelope.wrap(drawn, source="supervision", sequence=sequence)
        await publish(enforcement.settings.bus_prefix, envelope)
        return envelope.id

    await office_77(area=2, sequence=2)

    async def routed() -> bool:
        found = await enforcement.client.get(
            f"/case-sources/{waiting.case_source_id}", headers=officer(2)
        )
        return found.status_code == 200 and found.json()["section"] == "section-2"

    await wait_until(routed, within=10)
    # An older event of the office, delivered late, changes nothing: new ones still go to
    # area 2's section at once.
    await handled(enforcement.settings.database_url, await office_77(area=1, sequence=1))
    fresh = from_supervision("office-77")
    await enforcement.receives(fresh, "supervision")
    assert (await enforcement.case_source(fresh.case_source_id))["section"] == "section-2"


async def test_a_case_source_that_crossed_its_offices_event_is_routed_by_the_watch(
    enforcement: Enforcement,
) -> None:
    crossing = from_supervision("office-78")
    await enforcement.receives(crossing, "supervision")
    assert (await enforcement.case_source(crossing.case_source_id))["section"] is None
    # The office's event was handled in another lane and committed before the case source was:
    # its own routing did not see it.
    database = Database(enforcement.settings.database_url)
    try:
        async with database.engine.begin() as connection:
            office = {"id": "office-78", "name": "江南市场监管所", "area": 1, "sequence": 1}
            await connection.execute(sa.insert(offices).values(office))
    finally:
        await database.dispose()

    async def routed() -> bool:
        source = await enforcement.case_source(crossing.case_source_id)
        return bool(source["section"] == "section-1")

    await wait_until(routed, within=10)
