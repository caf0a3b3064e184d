"""Applications through their lifecycle against PostgreSQL, with every event seen on RabbitMQ."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from chassis.db import Database
from contracts.values import CreditCode
from services.licensing.tables import applications, licences
from tests.licensing.conftest import (
    AUDITOR,
    CLERK,
    FIRE,
    HEALTH,
    INSPECTOR,
    Licensing,
    food_shop,
    shop,
    unique,
)


async def test_a_food_business_is_issued_after_the_health_partner_approves(
    licensing: Licensing,
) -> None:
    client = licensing.client
    name = unique("面馆")
    created = await client.post("/applications", json=food_shop(name), headers=CLERK)
    assert created.status_code == 201, created.text
    application = created.json()
    assert application["status"] == "submitted"
    assert application["missing_materials"] == []
    assert application["operator_id_number"] == "110105********002X"  # masked

    accepted = await client.post(f"/applications/{application['id']}/accept", headers=CLERK)
    assert accepted.json()["status"] == "accepted"
    assert date.fromisoformat(accepted.json()["deadline"]) > date.today()
    approved = await client.post(f"/applications/{application['id']}/approve", headers=CLERK)
    assert approved.json()["status"] == "awaiting_partners"
    assert [r["agency"] for r in approved.json()["partner_requests"]] == ["health"]

    # Only the health agency sees the request; fire sees nothing of it.
    pending = (await client.get("/partner/requests", headers=HEALTH)).json()["requests"]
    request = next(r for r in pending if r["application_id"] == application["id"])
    assert request["business_scope"] == ["catering"]
    fire_view = (await client.get("/partner/requests", headers=FIRE)).json()["requests"]
    assert all(r["application_id"] != application["id"] for r in fire_view)
    hidden = await client.get(f"/partner/requests/{request['id']}", headers=FIRE)
    assert hidden.status_code == 404

    decided = await client.post(
        f"/partner/requests/{request['id']}/decision",
        json={"decision": "approved", "permit_number": "JY-2026-0001"},
        headers=HEALTH,
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["status"] == "approved"

    issued = (await client.get(f"/applications/{application['id']}", headers=AUDITOR)).json()
    assert issued["status"] == "issued"
    credit_code = CreditCode(issued["credit_code"])
    assert credit_code.region == licensing.settings.region_code
    assert credit_code.category == "2"  # individual business
    assert [s["step"] for s in issued["steps"]] == ["submit", "accept", "approve", "joint_approval"]
    assert issued["steps"][1]["actor"] == "clerk01"
    licence = (await client.get(f"/licences/{credit_code}", headers=CLERK)).json()
    assert licence["name"] == name
    assert licence["same_day"] is True
    assert licence["status"] == "active"

    for event_type in (
        "licensing.application.submitted",
        "licensing.application.accepted",
        "licensing.joint_approval.requested",
        "licensing.joint_approval.decided",
    ):
        assert len(await licensing.published(event_type, "application_id", application["id"])) == 1
    [issued_event] = await licensing.published(
        "licensing.licence.issued", "credit_code", credit_code
    )
    assert issued_event["subject"] == credit_code
    assert issued_event["data"]["same_day"] is True
    assert issued_event["data"]["channel"] == "window"
    assert issued_event["data"]["address"]["community_code"] == "510106001001"
    assert issued_event["data"]["address"]["location"] == {"lon": 104.015, "lat": 30.735}
    assert issued_event["data"]["business_scope_codes"] == ["catering", "retail_general"]


async def test_incomplete_materials_are_listed_at_once_and_returned_for_correction(
    licensing: Licensing,
) -> None:
    client = licensing.client
    incomplete = shop(unique("百货"), materials=["application_form"])
    created = (await client.post("/applications", json=incomplete, headers=CLERK)).json()
    assert created["missing_materials"] == ["operator_id", "premises_proof"]

    refused = await client.post(f"/applications/{created['id']}/accept", headers=CLERK)
    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["missing_materials"] == ["operator_id", "premises_proof"]

    returned = await client.post(
        f"/applications/{created['id']}/return",
        json={"reasons": ["经营场所证明未提交"]},
        headers=CLERK,
    )
    assert returned.json()["status"] == "returned"
    [event] = await licensing.published(
        "licensing.application.returned", "application_id", created["id"]
    )
    assert event["data"]["missing_materials"] == ["operator_id", "premises_proof"]
    queue = await client.get("/applications", params={"status": "returned"}, headers=AUDITOR)
    assert created["id"] in [a["id"] for a in queue.json()["applications"]]

    resubmitted = await client.post(
        f"/applications/{created['id']}/resubmit",
        json={"materials": ["operator_id", "premises_proof"]},
        headers=CLERK,
    )
    assert resubmitted.json()["status"] == "submitted"
    assert resubmitted.json()["missing_materials"] == []
    accepted = await client.post(f"/applications/{created['id']}/accept", headers=CLERK)
    assert accepted.json()["status"] == "accepted"


async def test_illegal_steps_are_conflicts_and_rejection_records_the_reasons(
    licensing: Licensing,
) -> None:
    client = licensing.client
    created = (await client.post("/applications", json=shop(unique("杂货")), headers=CLERK)).json()
    too_early = await client.post(f"/applications/{created['id']}/approve", headers=CLERK)
    assert too_early.status_code == 409
    assert "submitted" in too_early.json()["detail"]

    rejected = await client.post(
        f"/applications/{created['id']}/reject",
        json={"reasons": ["经营场所为违章建筑"]},
        headers=CLERK,
    )
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["steps"][-1]["detail"] == {"reasons": ["经营场所为违章建筑"]}
    again = await client.post(f"/applications/{created['id']}/accept", headers=CLERK)
    assert again.status_code == 409
    [event] = await licensing.published(
        "licensing.application.rejected", "application_id", created["id"]
    )
    assert event["data"]["reasons"] == ["经营场所为违章建筑"]
    assert event["data"]["partner_agency"] is None


async def test_a_partner_refusal_rejects_the_application_with_its_reason(
    licensing: Licensing,
) -> None:
    client = licensing.client
    venue = food_shop(unique("茶楼"), business_scope=["catering", "gathering_venue"])
    created = (await client.post("/applications", json=venue, headers=CLERK)).json()
    await client.post(f"/applications/{created['id']}/accept", headers=CLERK)
    approved = (await client.post(f"/applications/{created['id']}/approve", headers=CLERK)).json()
    assert sorted(r["agency"] for r in approved["partner_requests"]) == ["fire", "health"]
    fire_request = next(r for r in approved["partner_requests"] if r["agency"] == "fire")

    refused = await client.post(
        f"/partner/requests/{fire_request['id']}/decision",
        json={"decision": "rejected", "reason": "疏散通道不足"},
        headers=FIRE,
    )
    assert refused.json()["status"] == "rejected"
    after = (await client.get(f"/applications/{created['id']}", headers=CLERK)).json()
    assert after["status"] == "rejected"
    assert after["credit_code"] is None
    statuses = {r["agency"]: r["status"] for r in after["partner_requests"]}
    assert statuses == {"fire": "rejected", "health": "withdrawn"}
    [event] = await licensing.published(
        "licensing.application.rejected", "application_id", created["id"]
    )
    assert event["data"]["partner_agency"] == "fire"
    assert event["data"]["reasons"] == ["fire: 疏散通道不足"]


async def test_changes_and_cancellations_go_through_applications(licensing: Licensing) -> None:
    client = licensing.client
    name = unique("五金")
    code = await licensing.issued(shop(name))

    renamed = unique("五金店")
    change = {
        "kind": "change",
        "entity_type": "individual_business",
        "credit_code": code,
        "name": renamed,
        "operator": {"name": "王某", "id_number": "11010519491231002X"},
        "materials": ["application_form", "operator_id", "original_licence"],
    }
    changed = await licensing.issued(change)
    assert changed == code
    licence = (await client.get(f"/licences/{code}", headers=CLERK)).json()
    assert licence["name"] == renamed
    assert licence["business_scope"] == ["retail_general"]  # unchanged, as licensed

    cancellation = change | {
        "kind": "cancellation",
        "name": None,
        "materials": ["application_form", "original_licence", "tax_clearance"],
    }
    await licensing.issued(cancellation)
    licence = (await client.get(f"/licences/{code}", headers=CLERK)).json()
    assert licence["status"] == "cancelled"

    [changed_event] = await licensing.published("licensing.licence.changed", "credit_code", code)
    assert changed_event["data"]["name"] == renamed
    assert changed_event["data"]["business_scope"] is None
    assert len(await licensing.published("licensing.licence.cancelled", "credit_code", code)) == 1

    # A cancelled licence frees its name, and cannot be changed again.
    assert await licensing.issued(shop(renamed)) != code
    again = await client.post("/applications", json=change, headers=CLERK)
    assert again.status_code == 422
    assert again.json()["errors"][0]["field"] == "body.credit_code"


async def test_names_are_unique_among_active_licences(licensing: Licensing) -> None:
    name = unique("烟酒")
    await licensing.issued(shop(name))
    taken = await licensing.client.post("/applications", json=shop(name), headers=CLERK)
    assert taken.status_code == 409
    assert taken.json()["errors"][0]["field"] == "body.name"


async def test_licences_are_found_by_name_code_or_operator(licensing: Licensing) -> None:
    name = unique("文具")
    code = await licensing.issued(
        shop(name, operator={"name": "赵某某", "id_number": "440524188001010014"})
    )
    client = licensing.client
    for query in ({"name": name[3:]}, {"credit_code": code}, {"operator": "赵某某"}):
        found = (await client.get("/licences", params=query, headers=AUDITOR)).json()["licences"]
        assert [licence["credit_code"] for licence in found] == [code], query
    bad = await client.get("/licences", params={"credit_code": "91510106000000000X"}, headers=CLERK)
    assert bad.status_code == 422


async def test_credit_codes_are_never_reused(licensing: Licensing) -> None:
    codes = [await licensing.issued(shop(unique("便利"))) for _ in range(3)]
    assert len(set(codes)) == 3
    database = Database(licensing.settings.database_url)
    try:
        async with database.engine.connect() as connection:
            stored = await connection.scalar(
                sa.select(sa.func.count())
                .select_from(licences)
                .where(licences.c.credit_code.in_(codes))
            )
            linked = await connection.scalar(
                sa.select(sa.func.count())
                .select_from(applications)
                .where(applications.c.credit_code.in_(codes))
            )
    finally:
        await database.dispose()
    assert stored == 3
    assert linked == 3


async def test_only_clerks_act_auditors_read_and_others_are_refused(licensing: Licensing) -> None:
    client = licensing.client
    for who in (AUDITOR, INSPECTOR, HEALTH):
        refused = await client.post("/applications", json=shop(unique("禁止")), headers=who)
        assert refused.status_code == 403
    assert (await client.get("/scope-catalogue", headers=AUDITOR)).status_code == 200
    assert (await client.get("/scope-catalogue", headers=INSPECTOR)).status_code == 403
    assert (await client.get("/partner/requests", headers=CLERK)).status_code == 403


async def test_reference_tables(licensing: Licensing) -> None:
    client = licensing.client
    required = await client.get(
        "/requirements", params={"entity_type": "company", "kind": "establishment"}, headers=CLERK
    )
    codes = [m["code"] for m in required.json()["materials"]]
    assert "articles" in codes
    assert all(m["name"] for m in required.json()["materials"])
    assert required.json()["registered_capital_required"] is True
    catalogue = (await client.get("/scope-catalogue", headers=CLERK)).json()["items"]
    agencies = {item["code"]: item["partner_agency"] for item in catalogue}
    assert agencies["catering"] == "health"
    assert agencies["retail_general"] is None
