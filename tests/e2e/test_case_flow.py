"""A case source found in the street goes, through the gateway, from the inspector to the
section of the office's area, is filed, noticed, investigated and decided, and the penalty is
in the household's supervision file within 2 seconds of the decision."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx

from chassis.legalclock import shanghai_today
from tests.conftest import wait_until
from tests.e2e.conftest import Databases
from tests.e2e.test_household_flow import shop
from tests.e2e.test_licensing_flow import signed_in
from tests.gateway.conftest import running_platform


async def test_a_case_from_the_street_ends_in_the_households_file(
    databases: Databases, bus_prefix: str, tmp_path: Path
) -> None:
    async with (
        running_platform(
            databases.create,
            f"{bus_prefix}-e2e-cases-{databases.kind}",
            tmp_path / "keys",
            services={
                "supervision": {"seed_demo": True, "relay_poll_seconds": 0.2},
                "enforcement": {"relay_poll_seconds": 0.2},
            },
            seed_demo=True,
        ) as platform,
        httpx.AsyncClient(base_url=platform.gateway_url, timeout=30) as client,
    ):
        people: dict[str, dict[str, str]] = {}
        for username in ("clerk01", "inspector02", "officer11", "officer21"):
            people[username] = await signed_in(
                client, grant_type="password", username=username, password=f"demo-{username}"
            )

        async def post(who: str, path: str, body: dict[str, Any], status: int = 200) -> Any:
            answer = await client.post(path, json=body, headers=people[who])
            assert answer.status_code == status, answer.text
            return answer.json()

        # A shop in office-02's grid (area 1), licensed at the window.
        applications = "/api/licensing/applications"
        created = await post("clerk01", applications, shop("示范区西华路熟食店"), 201)
        await post("clerk01", f"{applications}/{created['id']}/accept", {})
        issued = await post("clerk01", f"{applications}/{created['id']}/approve", {})
        code = issued["credit_code"]
        household = f"/api/supervision/households/{code}"

        async def assigned() -> bool:
            return (await client.get(household, headers=people["inspector02"])).status_code == 200

        await wait_until(assigned, within=10)

        # The inspector finds it selling cooked food without the permit: a case source.
        transfer = {"credit_code": code, "allegation": "超范围经营：无许可销售熟食"}
        sent = await post("inspector02", "/api/supervision/case-transfers", transfer, 201)
        source = f"/api/enforcement/case-sources/{sent['case_source_id']}"

        async def arrived() -> bool:
            return (await client.get(source, headers=people["officer11"])).status_code == 200

        await wait_until(arrived, within=10)
        received = (await client.get(source, headers=people["officer11"])).json()
        assert (received["section"], received["office_id"]) == ("section-1", "office-02")
        other_section = await client.get(source, headers=people["officer21"])
        assert other_section.status_code == 404

        case = await post(
            "officer11", f"{source}/file", {"handlers": ["officer11", "officer12"]}, 201
        )
        path = f"/api/enforcement/cases/{case['case_id']}"
        # The section lists it among the cases its second handler works on; no other section does.
        for who, expected in (("officer11", [case["case_id"]]), ("officer21", [])):
            mine = await client.get(
                "/api/enforcement/cases", params={"handler": "officer12"}, headers=people[who]
            )
            assert [c["id"] for c in mine.json()["cases"]] == expected, mine.text
        record = {"kind": "site_inspection", "summary": "现场检查：销售自制熟食，无许可"}
        early = await client.post(
            f"{path}/investigation-records", json=record, headers=people["officer11"]
        )
        assert early.status_code == 409
        notice = {
            "delivered_to": "李某",
            "delivered_at": "2026-11-20T10:00:00+08:00",
            "method": "in_person",
        }
        await post("officer11", f"{path}/notice", notice)
        await post("officer11", f"{path}/investigation-records", record, 201)
        decision = {
            "penalty": {"kind": "fine", "amount": "3000"},
            "legal_basis": "《食品安全法》第一百二十二条",
        }
        # The intended penalty is told; the party waives its statement and hearing in writing.
        today = str(shanghai_today())
        told = {
            "facts": "无许可销售自制熟食",
            "legal_basis": decision["legal_basis"],
            "penalty": decision["penalty"],
            "party_kind": "organisation",
            "served_on": today,
            "served_how": "in_person",
        }
        await post("officer11", f"{path}/penalty-notice", told)
        await post("officer11", f"{path}/waiver", {"received_on": today})
        await post("officer11", f"{path}/decision", decision)
        decided_at = time.monotonic()

        penalty: dict[str, Any] = {}

        async def in_the_file() -> bool:
            answer = await client.get(f"{household}/file", headers=people["inspector02"])
            entries = [e for e in answer.json()["entries"] if e["kind"] == "penalty"]
            penalty.update(entries[0] if entries else {})
            return bool(entries)

        await wait_until(in_the_file, within=10, interval=0.02)
        assert time.monotonic() - decided_at < 2.0
        assert penalty["case_id"] == case["case_id"]
        assert (penalty["procedure"], penalty["penalty_kinds"]) == ("general", ["fine"])
