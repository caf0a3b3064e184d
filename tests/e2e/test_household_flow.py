"""A licence issued at the window becomes, within 2 seconds, a household of its grid's owner."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import httpx

from chassis.legalclock.deadlines import shanghai_today
from tests.conftest import wait_until
from tests.e2e.conftest import Databases, on_both_databases
from tests.e2e.test_licensing_flow import signed_in
from tests.gateway.conftest import running_platform
from tests.gateway.signin import demo_sign_in


def shop(name: str) -> dict[str, Any]:
    """A complete application for a shop in office-02's grid (north row, middle column)."""
    return {
        "kind": "establishment",
        "entity_type": "individual_business",
        "name": name,
        "operator": {"name": "李某", "id_number": "11010519491231002X"},
        "address": {
            "text": "示范区西华路 8 号",
            "community_code": "510106001003",
            "lon": 104.045,
            "lat": 30.735,
        },
        "business_scope": ["retail_general"],
        "materials": ["application_form", "operator_id", "premises_proof"],
    }


@on_both_databases
async def test_a_licence_reaches_its_grid_owner_and_their_agent(
    databases: Databases, bus_prefix: str, tmp_path: Path
) -> None:
    async with (
        running_platform(
            databases.create,
            f"{bus_prefix}-e2e-households-{databases.kind}",
            tmp_path / "keys",
            services={"supervision": {"seed_demo": True, "relay_poll_seconds": 0.2}},
            seed_demo=True,
        ) as platform,
        httpx.AsyncClient(base_url=platform.gateway_url, timeout=30) as client,
    ):
        people: dict[str, dict[str, str]] = {}
        for username in ("clerk01", "standby02", "inspector02", "inspector03", "head02"):
            people[username] = await signed_in(
                client, grant_type="password", username=username, password=f"demo-{username}"
            )

        async def issue(name: str) -> tuple[str, float]:
            path = "/api/licensing/applications"
            created = await client.post(path, json=shop(name), headers=people["clerk01"])
            assert created.status_code == 201, created.text
            await client.post(f"{path}/{created.json()['id']}/accept", headers=people["clerk01"])
            approved = await client.post(
                f"{path}/{created.json()['id']}/approve", headers=people["clerk01"]
            )
            assert approved.json()["status"] == "issued", approved.text
            return approved.json()["credit_code"], time.monotonic()

        async def household_of(credit_code: str, who: str) -> dict[str, Any]:
            found: dict[str, Any] = {}

            async def visible() -> bool:
                answer = await client.get(
                    f"/api/supervision/households/{credit_code}", headers=people[who]
                )
                found.update(answer.json() if answer.status_code == 200 else {})
                return answer.status_code == 200

            await wait_until(visible, within=10, interval=0.02)
            return found

        code, issued_at = await issue("示范区西华路便利店")
        household = await household_of(code, "inspector02")
        assert time.monotonic() - issued_at < 2.0
        assert household["status"] == "assigned"
        assert household["owner"] == "inspector02"
        hidden = await client.get(
            f"/api/supervision/households/{code}", headers=people["inspector03"]
        )
        assert hidden.status_code == 404

        # office-02's standby inspector stands in for inspector02 today (the bureau's day, in
        # Shanghai): the next household reaches both. The head's office and theirs come from the
        # directory the gateway publishes.
        today = shanghai_today().isoformat()
        delegated = await client.post(
            "/api/supervision/delegations",
            json={"officer": "inspector02", "agent": "standby02", "start": today, "end": today},
            headers=people["head02"],
        )
        assert delegated.status_code == 201, delegated.text
        code, _ = await issue("示范区西华路五金店")
        household = await household_of(code, "standby02")
        assert household["agent"] == "standby02"
        claimed = await client.post(
            f"/api/supervision/households/{code}/claim", headers=people["standby02"]
        )
        assert claimed.status_code == 200, claimed.text
        assert claimed.json()["claimed_by"] == "standby02"

        # The gateway's events pass every consumer's publisher check (the gateway's broker user,
        # under the identity source): the quality system's journal keeps the clerk's account.
        people["auditor01"] = await signed_in(client, **demo_sign_in("auditor01"))

        async def journaled() -> bool:
            answer = await client.get(
                "/api/qms/audit/trail", params={"subject": "clerk01"}, headers=people["auditor01"]
            )
            entries = [json.loads(e["entry"]) for e in answer.json().get("entries", [])]
            return any(e["type"] == "identity.user.created" for e in entries)

        await wait_until(journaled, within=10)
