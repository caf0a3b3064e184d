"""The window, end to end through the gateway: a food business licensed with the health agency."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import httpx

from contracts.values import CreditCode
from services.licensing.domain import OfficeHours
from services.licensing.settings import LicensingSettings
from tests.conftest import tapping
from tests.e2e.conftest import Databases, on_both_databases
from tests.gateway.conftest import running_platform
from tests.licensing.conftest import relayed


async def signed_in(client: httpx.AsyncClient, **form: str) -> dict[str, str]:
    """The Authorization header of a token the gateway issued for these credentials."""
    answer = await client.post("/auth/token", data=form)
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


@on_both_databases
async def test_a_food_business_is_licensed_the_same_day_with_the_health_partner(
    databases: Databases, bus_prefix: str, tmp_path: Path
) -> None:
    prefix = f"{bus_prefix}-e2e-licensing-{databases.kind}"
    urls: dict[str, str] = {}

    async def recorded(label: str) -> str:
        urls[label] = await databases.create(label)
        return urls[label]

    async with (
        tapping(prefix, "licensing.licence.issued.v1") as bus,
        running_platform(recorded, prefix, tmp_path / "keys", seed_demo=True) as platform,
        httpx.AsyncClient(base_url=platform.gateway_url, timeout=30) as client,
    ):
        clerk = await signed_in(
            client, grant_type="password", username="clerk01", password="demo-clerk01"
        )
        health = await signed_in(
            client,
            grant_type="client_credentials",
            client_id="health",
            client_secret="demo-health",
        )
        application = {
            "kind": "establishment",
            "entity_type": "individual_business",
            "name": "示范区老王面馆",
            "operator": {"name": "王某", "id_number": "11010519491231002X"},
            "address": {
                "text": "示范区营门口路 18 号",
                "community_code": "510106001001",
                "lon": 104.015,
                "lat": 30.735,
            },
            "business_scope": ["catering"],
            "channel": "window",
            "materials": ["application_form", "operator_id", "premises_proof"],
        }
        created = await client.post("/api/licensing/applications", json=application, headers=clerk)
        assert created.status_code == 201, created.text
        assert created.json()["missing_materials"] == []
        path = f"/api/licensing/applications/{created.json()['id']}"
        accepted = await client.post(f"{path}/accept", headers=clerk)
        assert accepted.json()["status"] == "accepted"
        approved = await client.post(f"{path}/approve", headers=clerk)
        assert approved.json()["status"] == "awaiting_partners"

        # The health agency, with its own token, finds the request and approves it.
        pending = await client.get("/api/licensing/partner/requests", headers=health)
        [request] = pending.json()["requests"]
        assert request["name"] == "示范区老王面馆"
        decided = await client.post(
            f"/api/licensing/partner/requests/{request['id']}/decision",
            json={"decision": "approved", "permit_number": "JY15101060000001"},
            headers=health,
        )
        assert decided.status_code == 200, decided.text
        # The clerk's token cannot decide for a partner; the partner's cannot act as a clerk.
        assert (
            await client.get("/api/licensing/partner/requests", headers=clerk)
        ).status_code == 403
        assert (
            await client.post(f"{path}/reject", json={"reasons": ["x"]}, headers=health)
        ).status_code == 403

        issued = (await client.get(path, headers=clerk)).json()
        assert issued["status"] == "issued"
        credit_code = CreditCode(issued["credit_code"])  # raises unless GB 32100-valid
        licence = (await client.get(f"/api/licensing/licences/{credit_code}", headers=clerk)).json()
        assert licence["same_day"] is True
        hours = LicensingSettings(service="licensing", environment="test")
        office_hours = OfficeHours(hours.office_opens, hours.office_closes)
        issued_at = datetime.fromisoformat(licence["issued_at"]).astimezone(UTC)
        assert licence["after_hours"] is office_hours.after_hours(issued_at)

        await bus.wait_for("licensing.licence.issued")
        # Until every issue licensing wrote is on the bus: a duplicate would show.
        await relayed(urls["licensing"], bus, "licensing.licence.issued")
        published = [
            e for e in bus.of_type("licensing.licence.issued") if e["subject"] == credit_code
        ]
        assert len(published) == 1
        assert published[0]["data"]["name"] == "示范区老王面馆"
        assert published[0]["data"]["same_day"] is True
