"""A case source found at the licensing window goes through the gateway to enforcement, whose
verification runs from the day the window found it; licensing's transfer then shows what came
of it (通报备案): filed, then decided with its fine."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

from chassis.legalclock import shanghai_today
from services.enforcement import domain
from tests.conftest import CreateDatabase, tapping, wait_until
from tests.e2e.test_household_flow import shop
from tests.e2e.test_licensing_flow import signed_in
from tests.gateway.conftest import running_platform


async def test_the_window_sees_its_transfer_filed_then_decided(
    create_database: CreateDatabase, bus_prefix: str, tmp_path: Path
) -> None:
    prefix = f"{bus_prefix}-e2e-outcomes"
    async with (
        tapping(prefix, "supervision.household.#") as bus,
        running_platform(
            create_database,
            prefix,
            tmp_path / "keys",
            services={
                "supervision": {"seed_demo": True, "relay_poll_seconds": 0.2},
                "licensing": {"relay_poll_seconds": 0.2},
                "enforcement": {"relay_poll_seconds": 0.2},
            },
            seed_demo=True,
        ) as platform,
        httpx.AsyncClient(base_url=platform.gateway_url, timeout=30) as client,
    ):
        people: dict[str, dict[str, str]] = {}
        for username in ("clerk01", "officer11"):
            people[username] = await signed_in(
                client, grant_type="password", username=username, password=f"demo-{username}"
            )

        async def post(who: str, path: str, body: dict[str, Any], status: int = 200) -> Any:
            answer = await client.post(path, json=body, headers=people[who])
            assert answer.status_code == status, answer.text
            return answer.json()

        applications = "/api/licensing/applications"
        created = await post("clerk01", applications, shop("示范区西华路文具店"), 201)
        await post("clerk01", f"{applications}/{created['id']}/accept", {})
        code = (await post("clerk01", f"{applications}/{created['id']}/approve", {}))["credit_code"]

        async def assigned() -> bool:
            return any(e["data"]["credit_code"] == code for e in bus.envelopes)

        # Enforcement routes the window's case source by the office supervision assigned.
        await wait_until(assigned, within=10)

        found_on = shanghai_today() - timedelta(days=2)
        transfer = {
            "credit_code": code,
            "allegation": "注册资本虚报",
            "discovered_on": found_on.isoformat(),
        }
        sent = await post("clerk01", "/api/licensing/case-transfers", transfer, 201)
        window = f"/api/licensing/case-transfers/{sent['case_source_id']}"
        source = f"/api/enforcement/case-sources/{sent['case_source_id']}"

        async def arrived() -> bool:
            return (await client.get(source, headers=people["officer11"])).status_code == 200

        await wait_until(arrived, within=10)
        received = (await client.get(source, headers=people["officer11"])).json()
        assert received["discovered_on"] == found_on.isoformat()
        assert received["verify_due"] == domain.verify_deadline(found_on).due.isoformat()
        assert received["verify_deadline"]["rule_code"] == "enforcement.verify"

        async def outcome(status: str) -> dict[str, Any]:
            shown: dict[str, Any] = {}

            async def there() -> bool:
                answer = await client.get(window, headers=people["clerk01"])
                shown.update(answer.json()["outcome"])
                return bool(shown["status"] == status)

            await wait_until(there, within=10)
            return shown

        case = await post(
            "officer11", f"{source}/file", {"handlers": ["officer11", "officer12"]}, 201
        )
        filed = await outcome("filed")
        assert filed["case_id"] == case["case_id"]

        path = f"/api/enforcement/cases/{case['case_id']}"
        notice = {
            "delivered_to": "李某",
            "delivered_at": "2026-11-20T10:00:00+08:00",
            "method": "in_person",
        }
        await post("officer11", f"{path}/notice", notice)
        record = {"kind": "site_inspection", "summary": "现场检查：实缴资本与登记不符"}
        await post("officer11", f"{path}/investigation-records", record, 201)
        decision = {
            "penalty": {"kind": "fine", "amount": "2000"},
            "legal_basis": "《市场主体登记管理条例》第四十五条",
        }
        # The intended penalty is told; the party waives its statement and hearing in writing.
        today = shanghai_today().isoformat()
        told = {
            "facts": "虚报注册资本",
            "legal_basis": decision["legal_basis"],
            "penalty": decision["penalty"],
            "party_kind": "organisation",
            "served_on": today,
            "served_how": "in_person",
        }
        await post("officer11", f"{path}/penalty-notice", told)
        await post("officer11", f"{path}/waiver", {"received_on": today})
        await post("officer11", f"{path}/decision", decision)
        decided = await outcome("decided")
        assert (decided["penalty_kinds"], decided["fine_amount"]) == (["fine"], "2000.00")
