"""Objects the matrix's sample requests need, made through the gateway before the calls."""

from __future__ import annotations

from typing import Any

import httpx

from tests.access.matrix import APPLICATION_SAMPLE


async def licensing_samples(client: httpx.AsyncClient, clerk: dict[str, str]) -> dict[str, str]:
    """Applications in each state a clerk's step needs, a licence, and a health request."""
    made = 0

    async def submitted(**changes: Any) -> str:
        nonlocal made
        made += 1
        body = APPLICATION_SAMPLE | {"name": f"示范区样例{made}号店"} | changes
        answer = await client.post("/api/licensing/applications", json=body, headers=clerk)
        assert answer.status_code == 201, answer.text
        application_id: str = answer.json()["id"]
        return application_id

    async def step(application_id: str, name: str, body: dict[str, Any] | None = None) -> Any:
        path = f"/api/licensing/applications/{application_id}/{name}"
        answer = await client.post(path, json=body, headers=clerk)
        assert answer.status_code == 200, answer.text
        return answer.json()

    returned = await submitted(materials=["application_form", "operator_id"])
    await step(returned, "return", {"reasons": ["缺经营场所证明"]})
    accepted = await submitted()
    await step(accepted, "accept")
    licensed = await submitted()
    await step(licensed, "accept")
    issued = await step(licensed, "approve")
    food = await submitted(business_scope=["catering"])
    await step(food, "accept")
    waiting = await step(food, "approve")
    return {
        "submitted": await submitted(),
        "to_return": await submitted(),
        "returned": returned,
        "accepted": accepted,
        "to_reject": await submitted(),
        "credit_code": issued["credit_code"],
        "health_request": waiting["partner_requests"][0]["id"],
    }
