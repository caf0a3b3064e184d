"""核查 and 立案: a section files a case source with two handlers, or declines it with
reasons; either way the source department learns it from the bus, once."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from chassis.legalclock import shanghai_today
from contracts.supervision import SupervisionCaseSourceTransferred
from services.enforcement import domain
from tests.conftest import tapping
from tests.enforcement.conftest import ADMIN, AUDITOR, Enforcement, new_credit_code, officer


async def received(enforcement: Enforcement, office: str = "office-01") -> uuid.UUID:
    """A case source from an office (section-1 for offices 01-05), once it has arrived."""
    transfer = SupervisionCaseSourceTransferred(
        case_source_id=uuid.uuid4(),
        credit_code=new_credit_code(),
        allegation="无证生产食品",
        transferred_at=datetime.now(UTC),
        transferred_by="inspector01",
        office_code=office,
    )
    await enforcement.receives(transfer, "supervision")
    await enforcement.case_source(transfer.case_source_id)
    return transfer.case_source_id


async def test_a_filed_case_has_two_handlers_and_a_decision_due_in_90_days(
    enforcement: Enforcement,
) -> None:
    source_id = await received(enforcement)
    async with tapping(enforcement.settings.bus_prefix, "enforcement.#") as bus:
        answer = await enforcement.client.post(
            f"/case-sources/{source_id}/file",
            json={"handlers": ["zhao", "qian"]},
            headers=officer(1),
        )
        assert answer.status_code == 201, answer.text
        case = answer.json()
        expected = domain.decision_deadline(shanghai_today())
        assert case["decision_due"] == expected.due.isoformat()
        assert "Administrative Penalty Law art. 60" in case["decision_deadline"]["basis"]
        assert (case["status"], case["handlers"]) == ("filed", ["zhao", "qian"])
        await bus.wait_for("enforcement.case.filed")
        [filed] = bus.of_type("enforcement.case.filed")
        assert filed["data"]["case_id"] == case["case_id"]
        assert filed["data"]["case_source_id"] == str(source_id)
    source = await enforcement.case_source(source_id)
    assert (source["status"], source["decided_by"]) == ("filed", "officer1")
    again = await enforcement.client.post(
        f"/case-sources/{source_id}/file", json={"handlers": ["zhao", "qian"]}, headers=officer(1)
    )
    assert again.status_code == 409


async def test_a_case_needs_two_different_handlers(enforcement: Enforcement) -> None:
    source_id = await received(enforcement)
    for handlers in (["zhao"], ["zhao", "zhao"], []):
        answer = await enforcement.client.post(
            f"/case-sources/{source_id}/file", json={"handlers": handlers}, headers=officer(1)
        )
        assert answer.status_code == 422, answer.text
        assert [e["field"] for e in answer.json()["errors"]] == ["body.handlers"]
    assert (await enforcement.case_source(source_id))["status"] == "received"


async def test_a_case_filed_with_an_uncertified_handler_is_refused_naming_the_rule(
    enforcement: Enforcement,
) -> None:
    source_id = await received(enforcement)
    for uncertified in ("lapsed", "trainee", "nobody"):
        answer = await enforcement.client.post(
            f"/case-sources/{source_id}/file",
            json={"handlers": ["zhao", uncertified]},
            headers=officer(1),
        )
        assert answer.status_code == 422, answer.text
        [error] = answer.json()["errors"]
        assert (error["field"], error["code"]) == ("body.handlers", "uncertified_handler")
        assert "Administrative Penalty Law art. 42" in error["message"]
        assert uncertified in error["message"]
    assert (await enforcement.case_source(source_id))["status"] == "received"


async def test_a_declined_source_tells_its_reasons(enforcement: Enforcement) -> None:
    source_id = await received(enforcement, "office-06")
    async with tapping(enforcement.settings.bus_prefix, "enforcement.#") as bus:
        answer = await enforcement.client.post(
            f"/case-sources/{source_id}/decline",
            json={"reasons": ["违法事实不成立"]},
            headers=officer(2),
        )
        assert answer.status_code == 200, answer.text
        assert (answer.json()["status"], answer.json()["decline_reasons"]) == (
            "declined",
            ["违法事实不成立"],
        )
        await bus.wait_for("enforcement.case.not_filed")
        [told] = bus.of_type("enforcement.case.not_filed")
        assert told["data"]["reasons"] == ["违法事实不成立"]
    filed_after = await enforcement.client.post(
        f"/case-sources/{source_id}/file", json={"handlers": ["zhao", "qian"]}, headers=officer(2)
    )
    assert filed_after.status_code == 409


async def test_the_verification_period_is_extended_once_with_its_approval(
    enforcement: Enforcement,
) -> None:
    source_id = await received(enforcement)
    approval = {"approved_by": "head.subbureau", "reason": "需调取银行流水"}
    answer = await enforcement.client.post(
        f"/case-sources/{source_id}/extension", json=approval, headers=officer(1)
    )
    assert answer.status_code == 200, answer.text
    extended = domain.verify_deadline(shanghai_today(), extended=True)
    assert answer.json()["verify_due"] == extended.due.isoformat()
    assert answer.json()["verify_deadline"]["extended_by"] == 15
    assert answer.json()["verify_extension"]["approved_by"] == "head.subbureau"
    twice = await enforcement.client.post(
        f"/case-sources/{source_id}/extension", json=approval, headers=officer(1)
    )
    assert twice.status_code == 409


async def test_another_sections_source_is_not_theirs_to_decide(enforcement: Enforcement) -> None:
    source_id = await received(enforcement, "office-02")  # section-1's
    for path, body in (
        ("file", {"handlers": ["zhao", "qian"]}),
        ("decline", {"reasons": ["不属于本机关管辖"]}),
    ):
        answer = await enforcement.client.post(
            f"/case-sources/{source_id}/{path}", json=body, headers=officer(2)
        )
        assert answer.status_code == 404
        reader = await enforcement.client.post(
            f"/case-sources/{source_id}/{path}", json=body, headers=AUDITOR
        )
        assert reader.status_code == 403
    assert (await enforcement.case_source(source_id))["status"] == "received"


async def filed(enforcement: Enforcement) -> str:
    """A case of section-1, just filed."""
    source_id = await received(enforcement)
    answer = await enforcement.client.post(
        f"/case-sources/{source_id}/file", json={"handlers": ["zhao", "qian"]}, headers=officer(1)
    )
    assert answer.status_code == 201, answer.text
    case_id: str = answer.json()["case_id"]
    return case_id


RECORD = {
    "kind": "site_inspection",
    "summary": "现场检查：后厨无健康证人员从业",
    "evidence": ["sha256:" + "cd" * 32],
}


async def test_no_investigation_record_before_the_supervision_notice(
    enforcement: Enforcement,
) -> None:
    case_id = await filed(enforcement)
    early = await enforcement.client.post(
        f"/cases/{case_id}/investigation-records", json=RECORD, headers=officer(1)
    )
    assert early.status_code == 409
    assert "supervision notice" in early.json()["detail"]
    assert (await enforcement.client.get(f"/cases/{case_id}", headers=officer(1))).json()[
        "investigation_records"
    ] == []

    notice = {
        "delivered_to": "王某（经营者）",
        "delivered_at": "2026-11-20T10:00:00+08:00",
        "method": "in_person",
    }
    delivered = await enforcement.client.post(
        f"/cases/{case_id}/notice", json=notice, headers=officer(1)
    )
    assert delivered.status_code == 200, delivered.text
    assert delivered.json()["status"] == "investigating"
    again = await enforcement.client.post(
        f"/cases/{case_id}/notice", json=notice, headers=officer(1)
    )
    assert again.status_code == 409

    for _ in range(2):
        added = await enforcement.client.post(
            f"/cases/{case_id}/investigation-records", json=RECORD, headers=officer(1)
        )
        assert added.status_code == 201, added.text
    case = (await enforcement.client.get(f"/cases/{case_id}", headers=officer(1))).json()
    assert [r["summary"] for r in case["investigation_records"]] == [RECORD["summary"]] * 2
    assert [step["step"] for step in case["history"]] == [
        "filed",
        "notice_delivered",
        "investigation_record",
        "investigation_record",
    ]
    other_section = await enforcement.client.get(f"/cases/{case_id}", headers=officer(2))
    assert other_section.status_code == 404


async def investigated(enforcement: Enforcement) -> str:
    """A case of section-1 with its notice delivered and one record."""
    case_id = await filed(enforcement)
    notice = {"delivered_to": "王某", "delivered_at": "2026-11-20T10:00:00+08:00", "method": "post"}
    answer = await enforcement.client.post(
        f"/cases/{case_id}/notice", json=notice, headers=officer(1)
    )
    assert answer.status_code == 200, answer.text
    answer = await enforcement.client.post(
        f"/cases/{case_id}/investigation-records", json=RECORD, headers=officer(1)
    )
    assert answer.status_code == 201, answer.text
    return case_id


async def told(
    enforcement: Enforcement,
    case_id: str,
    penalty: dict[str, Any],
    *,
    served_on: date | None = None,
    party_kind: str = "organisation",
    waived: bool = True,
) -> dict[str, Any]:
    """The notice of the intended penalty served on the party (today unless said), who waived
    its statement, defence and hearing unless `waived` is false; the case as answered."""
    day = str(served_on or shanghai_today())
    notice = {
        "facts": "后厨无健康证人员从业",
        "legal_basis": "《食品安全法》第一百二十六条",
        "penalty": penalty,
        "party_kind": party_kind,
        "served_on": day,
        "served_how": "in_person",
    }
    answer = await enforcement.client.post(
        f"/cases/{case_id}/penalty-notice", json=notice, headers=officer(1)
    )
    assert answer.status_code == 200, answer.text
    if waived:
        answer = await enforcement.client.post(
            f"/cases/{case_id}/waiver", json={"received_on": day}, headers=officer(1)
        )
        assert answer.status_code == 200, answer.text
    case: dict[str, Any] = answer.json()
    return case


async def test_a_fine_is_decided_notified_published_and_the_case_closes_after_its_visit(
    enforcement: Enforcement,
) -> None:
    case_id = await investigated(enforcement)
    decision: dict[str, Any] = {
        "penalty": {"kind": "fine", "amount": "5000"},
        "legal_basis": "《食品安全法》第一百二十六条",
    }
    await told(enforcement, case_id, decision["penalty"])
    async with tapping(enforcement.settings.bus_prefix, "enforcement.#") as bus:
        answer = await enforcement.client.post(
            f"/cases/{case_id}/decision", json=decision, headers=officer(1)
        )
        assert answer.status_code == 200, answer.text
        assert (answer.json()["status"], answer.json()["decided_on_time"]) == ("decided", True)
        await bus.wait_for("enforcement.penalty.decided")
        [decided] = bus.of_type("enforcement.penalty.decided")
        assert decided["data"]["case_id"] == case_id
        assert (decided["data"]["procedure"], decided["data"]["penalty_kinds"]) == (
            "general",
            ["fine"],
        )
        assert decided["data"]["source_department"] == "supervision"
        again = await enforcement.client.post(
            f"/cases/{case_id}/decision", json=decision, headers=officer(1)
        )
        assert again.status_code == 409
        feed = await enforcement.client.get("/publicity", headers=AUDITOR)
        [entry] = [e for e in feed.json()["entries"] if e["case_id"] == case_id]
        assert entry["publish_deadline"]["rule_code"] == "enforcement.publicity"
        # The quality system hears it was made public, and within its 20 working days.
        await bus.wait_for("enforcement.penalty.published")
        [published] = bus.of_type("enforcement.penalty.published")
        assert published["data"]["case_id"] == case_id
        assert published["data"]["due"] == entry["publish_deadline"]["due"]
        assert published["data"]["on_time"] is True
        visit = {"party_view": "执法人员文明规范", "satisfaction": "satisfied"}
        closed = await enforcement.client.post(
            f"/cases/{case_id}/return-visit", json=visit, headers=officer(1)
        )
        assert closed.status_code == 200, closed.text
        assert closed.json()["status"] == "closed"
        await bus.wait_for("enforcement.case.closed")
    steps = [step["step"] for step in closed.json()["history"]]
    assert steps[-2:] == ["decided", "closed"]


async def test_a_warning_is_not_published_and_a_fine_needs_its_amount(
    enforcement: Enforcement,
) -> None:
    case_id = await investigated(enforcement)
    for penalty in ({"kind": "fine"}, {"kind": "warning", "amount": "100"}):
        answer = await enforcement.client.post(
            f"/cases/{case_id}/decision",
            json={"penalty": penalty, "legal_basis": "《产品质量法》第五十条"},
            headers=officer(1),
        )
        assert answer.status_code == 422, answer.text
        assert [e["field"] for e in answer.json()["errors"]] == ["body.penalty.amount"]
    await told(enforcement, case_id, {"kind": "warning"})
    warned = await enforcement.client.post(
        f"/cases/{case_id}/decision",
        json={"penalty": {"kind": "warning"}, "legal_basis": "《产品质量法》第五十条"},
        headers=officer(1),
    )
    assert warned.status_code == 200, warned.text
    feed = await enforcement.client.get("/publicity", headers=AUDITOR)
    assert case_id not in [e["case_id"] for e in feed.json()["entries"]]


async def test_no_decision_before_the_notice_and_no_visit_before_the_decision(
    enforcement: Enforcement,
) -> None:
    case_id = await filed(enforcement)
    early = await enforcement.client.post(
        f"/cases/{case_id}/decision",
        json={"penalty": {"kind": "warning"}, "legal_basis": "《广告法》第五十五条"},
        headers=officer(1),
    )
    assert early.status_code == 409
    visit = await enforcement.client.post(
        f"/cases/{case_id}/return-visit",
        json={"party_view": "无", "satisfaction": "neutral"},
        headers=officer(1),
    )
    assert visit.status_code == 409


async def test_a_finding_of_fault_is_kept_in_the_case_history(enforcement: Enforcement) -> None:
    case_id = await investigated(enforcement)
    finding = {
        "step": "notice_delivered",
        "finding": "告知书送达回证缺当事人签字",
        "responsible": ["zhao"],
    }
    answer = await enforcement.client.post(
        f"/cases/{case_id}/fault-findings", json=finding, headers=ADMIN
    )
    assert answer.status_code == 200, answer.text
    [fault] = [step for step in answer.json()["history"] if step["step"] == "fault_found"]
    assert (fault["actor"], fault["detail"]) == ("admin", finding)
    unknown = await enforcement.client.post(
        f"/cases/{case_id}/fault-findings", json=finding | {"step": "decided"}, headers=ADMIN
    )
    assert unknown.status_code == 422
    assert [e["field"] for e in unknown.json()["errors"]] == ["body.step"]
    not_theirs = await enforcement.client.post(
        f"/cases/{case_id}/fault-findings", json=finding, headers=officer(1)
    )
    assert not_theirs.status_code == 403
