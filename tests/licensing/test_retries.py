"""Retries change nothing: a re-sent mobile batch, a repeated partner decision, a re-sent POST."""

from __future__ import annotations

import uuid
from typing import Any

from tests.licensing.conftest import CLERK, HEALTH, Licensing, food_shop, shop, unique


def van_item(name: str, **changes: Any) -> dict[str, Any]:
    """An application the mobile van captured offline, with the van's own id for it."""
    return shop(name, client_id=f"van-07:{uuid.uuid4()}", channel="mobile") | changes


async def test_a_resent_mobile_batch_creates_nothing_twice(licensing: Licensing) -> None:
    client = licensing.client
    good = van_item(unique("流动一"))
    bad = van_item(unique("流动二"), business_scope=["casino"])
    broken = {"client_id": "van-07:broken", "kind": "establishment"}
    batch = {"applications": [good, bad, broken]}

    first = await client.post("/applications:batch", json=batch, headers=CLERK)
    assert first.status_code == 200, first.text
    results = first.json()["results"]
    assert [r["outcome"] for r in results] == ["created", "refused", "refused"]
    assert [r["client_id"] for r in results] == [
        good["client_id"],
        bad["client_id"],
        "van-07:broken",
    ]
    created = results[0]["application"]
    assert created["channel"] == "mobile"
    assert created["client_id"] == good["client_id"]
    assert results[1]["problem"]["errors"][0]["field"] == "body.business_scope"
    assert {"body.entity_type", "body.operator"} <= {
        e["field"] for e in results[2]["problem"]["errors"]
    }

    again = await client.post("/applications:batch", json=batch, headers=CLERK)
    results = again.json()["results"]
    assert [r["outcome"] for r in results] == ["existing", "refused", "refused"]
    assert results[0]["application"]["id"] == created["id"]

    submitted = await licensing.published(
        "licensing.application.submitted", "application_id", created["id"]
    )
    assert len(submitted) == 1


async def test_a_repeated_partner_decision_with_the_same_key_changes_nothing(
    licensing: Licensing,
) -> None:
    client = licensing.client
    created = (
        await client.post("/applications", json=food_shop(unique("饭店")), headers=CLERK)
    ).json()
    await client.post(f"/applications/{created['id']}/accept", headers=CLERK)
    approved = (await client.post(f"/applications/{created['id']}/approve", headers=CLERK)).json()
    [request] = approved["partner_requests"]
    decision = {"decision": "approved", "permit_number": "JY-2026-0099"}
    key = {"Idempotency-Key": f"health-decision-{uuid.uuid4()}"}

    first = await client.post(
        f"/partner/requests/{request['id']}/decision", json=decision, headers=HEALTH | key
    )
    second = await client.post(
        f"/partner/requests/{request['id']}/decision", json=decision, headers=HEALTH | key
    )
    assert first.status_code == second.status_code == 200
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()

    after = (await client.get(f"/applications/{created['id']}", headers=CLERK)).json()
    assert after["status"] == "issued"
    decided = await licensing.published(
        "licensing.joint_approval.decided", "application_id", created["id"]
    )
    assert len(decided) == 1
    issued = await licensing.published(
        "licensing.licence.issued", "credit_code", after["credit_code"]
    )
    assert len(issued) == 1

    # Without the key, deciding again is a conflict, not a second decision.
    repeated = await client.post(
        f"/partner/requests/{request['id']}/decision", json=decision, headers=HEALTH
    )
    assert repeated.status_code == 409
    # The same key for a different decision is refused.
    different = await client.post(
        f"/partner/requests/{request['id']}/decision",
        json={"decision": "rejected", "reason": "改主意"},
        headers=HEALTH | key,
    )
    assert different.status_code == 422
    assert different.json()["type"] == "/problems/idempotency-key-reused"


async def test_a_resent_submission_with_the_same_key_is_stored_once(licensing: Licensing) -> None:
    client = licensing.client
    key = {"Idempotency-Key": f"window-{uuid.uuid4()}"}
    application = shop(unique("重发"))
    first = await client.post("/applications", json=application, headers=CLERK | key)
    second = await client.post("/applications", json=application, headers=CLERK | key)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    submitted = await licensing.published(
        "licensing.application.submitted", "application_id", first.json()["id"]
    )
    assert len(submitted) == 1
