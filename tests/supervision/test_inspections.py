"""Inspection records, attachments, unlicensed trading, case transfers and the file."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime
from decimal import Decimal

from contracts.complaints import ReportTransferred, TicketReceived
from contracts.enforcement import PenaltyDecided
from tests.conftest import wait_until
from tests.supervision.conftest import (
    AUDITOR,
    GRIDS,
    PNG,
    Supervision,
    bearer,
    claimed_household,
    head,
    inspector,
    licence_issued,
    new_credit_code,
    record,
    upload,
)


async def test_attachments_are_kept_by_content_and_checked(supervision: Supervision) -> None:
    first = await upload(supervision, PNG, inspector(4))
    assert first.status_code == 201, first.text
    assert first.json()["ref"] == "sha256:" + hashlib.sha256(PNG).hexdigest()
    again = await upload(supervision, PNG, inspector(5))
    assert again.json()["sha256"] == first.json()["sha256"]
    content = await supervision.client.get(
        f"/attachments/{first.json()['sha256']}", headers=AUDITOR
    )
    assert content.content == PNG
    assert content.headers["content-type"] == "image/png"

    text = await upload(supervision, b"just some words pretending to be a photo", inspector(4))
    assert text.status_code == 415
    assert text.headers["content-type"] == "application/problem+json"
    huge = await upload(
        supervision, PNG + b"\x00" * supervision.settings.attachment_max_bytes, inspector(4)
    )
    assert huge.status_code == 413
    clerk = bearer("clerk01", "licensing_clerk")
    assert (await upload(supervision, PNG, clerk)).status_code == 403


async def test_an_attachment_is_read_by_those_who_may_see_a_record_citing_it(
    supervision: Supervision,
) -> None:
    code = await claimed_household(supervision, owner=4)
    photo = (await upload(supervision, PNG + uuid.uuid4().bytes, inspector(4))).json()
    path = f"/attachments/{photo['sha256']}"

    async def status(who: dict[str, str]) -> int:
        return (await supervision.client.get(path, headers=who)).status_code

    # Not cited yet: its uploader and auditors only.
    assert [await status(who) for who in (inspector(4), AUDITOR, head(4))] == [200, 200, 404]
    created = await supervision.client.post(
        "/inspections", json=record([code], [photo["ref"]]), headers=inspector(4)
    )
    assert created.status_code == 201, created.text
    # Cited by office-04's record: its head reads it; another office's people, who know the
    # hash, do not (404, as for an attachment that is not there).
    assert await status(head(4)) == 200
    assert [await status(who) for who in (inspector(1), head(1))] == [404, 404]
    absent = await supervision.client.get(f"/attachments/{'0' * 64}", headers=head(4))
    assert absent.status_code == 404


async def test_an_inspection_record_is_immutable_and_corrected_by_versions(
    supervision: Supervision,
) -> None:
    code = await claimed_household(supervision)
    photo = (await upload(supervision, PNG, inspector(4))).json()["ref"]
    plan = (await supervision.client.get("/inspection-plan", headers=inspector(4))).json()
    before = next(h for h in plan["households"] if h["credit_code"] == code)

    created = await supervision.client.post(
        "/inspections", json=record([code], [photo]), headers=inspector(4)
    )
    assert created.status_code == 201, created.text
    inspection = created.json()
    assert inspection["version"] == 1
    assert inspection["attachments"] == [photo]
    plan = (await supervision.client.get("/inspection-plan", headers=inspector(4))).json()
    after = next(h for h in plan["households"] if h["credit_code"] == code)
    assert after["rule_code"] == before["rule_code"] == "supervision.plan_a"

    corrected = await supervision.client.post(
        f"/inspections/{inspection['id']}/corrections",
        json=record([code], [photo], findings="证照齐全，健康证过期") | {"reason": "漏记健康证"},
        headers=inspector(4),
    )
    assert corrected.status_code == 201, corrected.text
    assert corrected.json()["version"] == 2
    versions = corrected.json()["versions"]
    assert [v["version"] for v in versions] == [2, 1]
    assert versions[1]["findings"] == "证照齐全"  # the first version stands as it was
    assert versions[0]["correction_reason"] == "漏记健康证"

    recorded = await supervision.published(
        "supervision.inspection.recorded", inspection["id"], count=2
    )
    assert [e["data"]["version"] for e in recorded] == [1, 2]
    assert recorded[0]["data"]["evidence_refs"] == [photo]

    # Someone else's household, someone else's record.
    refused = await supervision.client.post(
        "/inspections", json=record([code], []), headers=inspector(5)
    )
    assert refused.status_code == 403
    hidden = await supervision.client.get(f"/inspections/{inspection['id']}", headers=inspector(5))
    assert hidden.status_code == 404
    unknown = await supervision.client.post(
        "/inspections", json=record([code], ["sha256:" + "0" * 64]), headers=inspector(4)
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "body.attachments"
    backwards = record([code], []) | {"ended_at": "2020-01-01T00:00:00+08:00"}
    late = await supervision.client.post("/inspections", json=backwards, headers=inspector(4))
    assert late.status_code == 422


async def test_unlicensed_trading_is_published_and_linked_once_licensed(
    supervision: Supervision,
) -> None:
    grid = GRIDS["inspector04"]
    address = {
        "text": "示范区金沙路口流动摊点",
        "community_code": grid["community_codes"][0],
        "location": {"lon": 104.01, "lat": 30.70},
    }
    found = await supervision.client.post(
        "/unlicensed-findings",
        json={"address": address, "description": "无照烧烤摊"},
        headers=inspector(4),
    )
    assert found.status_code == 201, found.text
    finding_id = found.json()["finding_id"]
    [event] = await supervision.published("supervision.unlicensed.found", finding_id)
    assert event["data"]["address"]["community_code"] == grid["community_codes"][0]

    code = new_credit_code()
    licence = licence_issued(code, lon=104.01, lat=30.70, community=grid["community_codes"][0])
    await supervision.licensing_publishes(
        licence.model_copy(update={"finding_id": uuid.UUID(finding_id)}), 1
    )
    await supervision.household(code)
    linked = await supervision.client.get(f"/unlicensed-findings/{finding_id}", headers=AUDITOR)
    assert linked.json()["credit_code"] == code


async def test_case_sources_go_to_enforcement_with_their_evidence(
    supervision: Supervision,
) -> None:
    code = await claimed_household(supervision)
    photo = (await upload(supervision, PNG, inspector(4))).json()["ref"]
    transfer = {"credit_code": code, "allegation": "超范围经营", "evidence": [photo]}
    sent = await supervision.client.post("/case-transfers", json=transfer, headers=inspector(4))
    assert sent.status_code == 201, sent.text
    case_source_id = sent.json()["case_source_id"]
    [event] = await supervision.published("supervision.case_source.transferred", case_source_id)
    assert event["data"]["evidence_refs"] == [photo]
    assert event["data"]["office_code"] == "office-04"
    missing = transfer | {"evidence": ["sha256:" + "1" * 64]}
    refused = await supervision.client.post("/case-transfers", json=missing, headers=inspector(4))
    assert refused.status_code == 422
    elsewhere = await supervision.client.post(
        "/case-transfers", json=transfer, headers=inspector(5)
    )
    assert elsewhere.status_code == 422  # not a household of theirs


async def test_the_file_tells_the_households_story(supervision: Supervision) -> None:
    code = await claimed_household(supervision)
    await supervision.client.post("/inspections", json=record([code], []), headers=inspector(4))
    case_id = uuid.uuid4()
    penalty = PenaltyDecided(
        case_id=case_id,
        credit_code=code,
        procedure="general",
        penalty_kinds=("warning", "fine"),
        fine_amount=Decimal("2000.00"),
        legal_basis="《食品安全法》第一百二十六条",
        source_department="supervision",
        decided_at=datetime.now(UTC),
    )
    report = ReportTransferred(
        report_id=uuid.uuid4(),
        case_source_id=uuid.uuid4(),
        credit_code=code,
        allegation="销售过期食品",
        transferred_at=datetime.now(UTC),
    )
    ticket = TicketReceived(
        ticket_id=uuid.uuid4(),
        kind="complaint",
        credit_code=code,
        channel="phone",
        received_at=datetime.now(UTC),
    )
    await supervision.other_service_publishes(penalty, "enforcement")
    await supervision.other_service_publishes(report, "complaints")
    await supervision.other_service_publishes(ticket, "complaints")

    async def complete() -> bool:
        answer = await supervision.client.get(f"/households/{code}/file", headers=inspector(4))
        kinds = [entry["kind"] for entry in answer.json()["entries"]]
        return "penalty" in kinds and kinds.count("complaint") == 2

    await wait_until(complete, within=10)
    entries = (await supervision.client.get(f"/households/{code}/file", headers=AUDITOR)).json()[
        "entries"
    ]
    kinds = [entry["kind"] for entry in entries]
    assert kinds[:3] == ["licence", "assignment", "claim"]
    assert {"inspection", "penalty", "complaint"} <= set(kinds)
    complaints = [e for e in entries if e["kind"] == "complaint"]
    assert {e["step"] for e in complaints} == {"transferred", "received"}
    received = next(e for e in complaints if e["step"] == "received")
    assert (received["ticket_id"], received["ticket_kind"]) == (str(ticket.ticket_id), "complaint")
    penalty_entry = next(e for e in entries if e["kind"] == "penalty")
    assert penalty_entry["fine_amount"] == "2000.00"
    hidden = await supervision.client.get(f"/households/{code}/file", headers=inspector(5))
    assert hidden.status_code == 404
