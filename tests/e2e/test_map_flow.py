"""An office drawn at runtime in supervision is known to enforcement, complaints and licensing
at once, through the bus, without a restart: the case source that waited for it is routed to
its area's section, complaints about its grid go to it, and the van's list puts its grid's
communities in its area."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from tests.conftest import wait_until
from tests.e2e.conftest import Databases
from tests.e2e.test_licensing_flow import signed_in
from tests.gateway.conftest import running_platform
from tests.gateway.signin import admin_token, demo_sign_in

QUICK = {"relay_poll_seconds": 0.2}
# East of the demo district: a place no grid covers until office-10's grid is drawn there.
PLACE = {"lon": 104.11, "lat": 30.67}
COMMUNITY = "510106004001"
GRID = {
    "id": "510106004001001",
    "office_id": "office-10",
    "name": "江北网格",
    "polygon": {
        "type": "Polygon",
        "coordinates": [
            [[104.10, 30.66], [104.12, 30.66], [104.12, 30.68], [104.10, 30.68], [104.10, 30.66]]
        ],
    },
    "community_codes": [COMMUNITY],
    "owner": "inspector10",
}


async def test_an_office_drawn_at_runtime_is_known_to_every_service(
    databases: Databases, bus_prefix: str, tmp_path: Path
) -> None:
    async with (
        running_platform(
            databases.create,
            f"{bus_prefix}-e2e-map-{databases.kind}",
            tmp_path / "keys",
            services={
                "supervision": {"seed_demo": True, **QUICK},
                "licensing": QUICK,
                "enforcement": {**QUICK, "deadline_check_seconds": 3600},
                "complaints": QUICK,
            },
            seed_demo=True,
        ) as platform,
        httpx.AsyncClient(base_url=platform.gateway_url, timeout=30) as client,
    ):
        people = {"admin": await admin_token(client)}
        password = "Inspector-10-long-pass"
        inspector10 = {
            "username": "inspector10",
            "password": password,
            "name": "江网格员",
            "roles": ["grid_inspector"],
            "office": "office-10",
        }
        added = await client.post("/api/admin/users", json=inspector10, headers=people["admin"])
        assert added.status_code == 201, added.text
        people["inspector10"] = await signed_in(
            client, grant_type="password", username="inspector10", password=password
        )
        for username in ("officer21", "auditor01", "clerk01", "handler01"):
            people[username] = await signed_in(client, **demo_sign_in(username))

        async def post(who: str, path: str, body: dict[str, Any]) -> Any:
            answer = await client.post(path, json=body, headers=people[who])
            assert answer.status_code == 201, answer.text
            return answer.json()

        async def get(who: str, path: str, **params: Any) -> httpx.Response:
            return await client.get(path, params=params, headers=people[who])

        # Before office-10 is on the map, its inspector finds unlicensed trading east of the
        # district and hands it to enforcement: no office known there, so no section takes it.
        address = {"text": "江北路 1 号门前", "community_code": COMMUNITY, "location": PLACE}
        finding = await post(
            "inspector10",
            "/api/supervision/unlicensed-findings",
            {"address": address, "description": "流动摊点，无营业执照"},
        )
        sent = await post(
            "inspector10",
            "/api/supervision/case-transfers",
            {"finding_id": finding["finding_id"], "allegation": "无照经营"},
        )
        source = f"/api/enforcement/case-sources/{sent['case_source_id']}"

        async def arrived() -> bool:
            return (await get("auditor01", source)).status_code == 200

        await wait_until(arrived, within=10)
        waiting = (await get("auditor01", source)).json()
        assert (waiting["office_id"], waiting["section"]) == ("office-10", None)
        assert (await get("officer21", source)).status_code == 404

        # The admin draws office-10 (area 2) and its grid.
        office = {"id": "office-10", "name": "江北市场监管所", "area": 2}
        await post("admin", "/api/supervision/offices", office)
        await post("admin", "/api/supervision/grids", GRID)

        # Enforcement: the waiting case source goes to area 2's section, and a new one for
        # office-10 is routed there at once.
        async def routed() -> bool:
            return (await get("officer21", source)).status_code == 200

        await wait_until(routed, within=10)
        assert (await get("officer21", source)).json()["section"] == "section-2"
        handed = {"source_department": "market", "allegation": "价格欺诈", "office_id": "office-10"}
        new = await post("officer21", "/api/enforcement/case-sources", handed)
        assert (new["office_id"], new["section"]) == ("office-10", "section-2")

        # Complaints: a complaint at the place goes to office-10 by its grid's area (it was
        # outside the district before the grid was drawn).
        complaint = {
            "channel": "phone",
            "kinds": ["complaint"],
            "submitter": {"name": "王芳", "phone": "13800138000"},
            "description": "买到过期牛奶",
            "location": PLACE,
        }
        preview: dict[str, Any] = {}

        async def to_office_10() -> bool:
            answer = await client.post(
                "/api/complaints/routing:preview", json=complaint, headers=people["handler01"]
            )
            preview.update(answer.json())
            return answer.status_code == 200 and preview["unit"]["id"] == "office-10"

        await wait_until(to_office_10, within=10)
        assert preview == {"unit": {"level": "office", "id": "office-10"}, "rule": "office_area"}

        # Licensing: the van's list puts the finding in area 2.
        async def in_area_2() -> bool:
            visits = (await get("clerk01", "/api/licensing/mobile/visits", area=2)).json()
            return any(v["finding_id"] == finding["finding_id"] for v in visits["visits"])

        await wait_until(in_area_2, within=10)
        visits = (await get("clerk01", "/api/licensing/mobile/visits")).json()["visits"]
        (listed,) = [v for v in visits if v["finding_id"] == finding["finding_id"]]
        assert listed["area"] == 2
