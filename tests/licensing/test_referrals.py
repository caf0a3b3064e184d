"""What licensing takes from and hands to other departments: findings in, case sources out."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

from contracts import Envelope
from contracts.supervision import UnlicensedTradingFound
from contracts.values import Address, GeoPoint
from services.licensing.settings import DEMO_DISTRICT
from tests.conftest import publish, wait_until
from tests.licensing.conftest import AUDITOR, CLERK, INSPECTOR, Licensing, shop, unique


def first_grid(area: int) -> dict[str, object]:
    """A grid of the demo district lying in `area`."""
    district = json.loads(DEMO_DISTRICT.read_text(encoding="utf-8"))
    offices = {office["id"]: office["area"] for office in district["offices"]}
    grid: dict[str, object] = next(g for g in district["grids"] if offices[g["office"]] == area)
    return grid


async def test_unlicensed_trading_found_by_an_inspector_joins_the_van_visit_list(
    licensing: Licensing,
) -> None:
    client = licensing.client
    community = first_grid(area=2)["community_codes"][0]  # type: ignore[index]
    finding = UnlicensedTradingFound(
        finding_id=uuid.uuid4(),
        address=Address(
            text="示范区河畔路 3 号门前",
            community_code=community,
            location=GeoPoint(lon=104.05, lat=30.70),
        ),
        description="流动烧烤摊，无营业执照",
        found_at=datetime.now(UTC),
        found_by="inspector06",
    )
    envelope = Envelope.wrap(finding, source="supervision", sequence=1)
    # Neither a redelivery (same event id) nor the finding published again (a new event id)
    # puts it on the list twice.
    await publish(licensing.settings.bus_prefix, envelope)
    await publish(licensing.settings.bus_prefix, envelope)
    await publish(
        licensing.settings.bus_prefix, Envelope.wrap(finding, source="supervision", sequence=2)
    )

    async def listed() -> bool:
        visits = (await client.get("/mobile/visits", params={"area": 2}, headers=CLERK)).json()
        return any(v["finding_id"] == str(finding.finding_id) for v in visits["visits"])

    await wait_until(listed, within=10)
    visits = (await client.get("/mobile/visits", headers=AUDITOR)).json()["visits"]
    mine = [v for v in visits if v["finding_id"] == str(finding.finding_id)]
    assert len(mine) == 1
    assert mine[0]["area"] == 2
    assert mine[0]["street_code"] == community[:9]
    assert mine[0]["description"] == "流动烧烤摊，无营业执照"
    elsewhere = (await client.get("/mobile/visits", params={"area": 1}, headers=CLERK)).json()
    assert all(v["finding_id"] != str(finding.finding_id) for v in elsewhere["visits"])
    assert (await client.get("/mobile/visits", headers=INSPECTOR)).status_code == 403

    # The van registers the trader: the visit is done.
    application = shop(unique("烧烤"), channel="mobile", finding_id=str(finding.finding_id))
    created = await client.post("/applications", json=application, headers=CLERK)
    assert created.status_code == 201
    still_open = (await client.get("/mobile/visits", headers=CLERK)).json()["visits"]
    assert all(v["finding_id"] != str(finding.finding_id) for v in still_open)
    applied = await client.get("/mobile/visits", params={"status": "applied"}, headers=CLERK)
    [done] = [v for v in applied.json()["visits"] if v["finding_id"] == str(finding.finding_id)]
    assert done["application_id"] == created.json()["id"]


async def test_a_case_source_found_at_the_window_is_transferred_to_enforcement(
    licensing: Licensing,
) -> None:
    code = await licensing.issued(shop(unique("虚报")))
    evidence = "sha256:" + "ab" * 32
    transfer = {"credit_code": code, "allegation": "股东签名涉嫌伪造", "evidence": [evidence]}
    created = await licensing.client.post("/case-transfers", json=transfer, headers=CLERK)
    assert created.status_code == 201, created.text
    case_source_id = created.json()["case_source_id"]
    [event] = await licensing.published(
        "licensing.case_source.transferred", "case_source_id", case_source_id
    )
    assert event["subject"] == case_source_id
    assert event["data"]["credit_code"] == code
    assert event["data"]["evidence_refs"] == [evidence]
    assert event["data"]["transferred_by"] == "clerk01"

    nowhere = await licensing.client.post(
        "/case-transfers", json={"allegation": "无对象"}, headers=CLERK
    )
    assert nowhere.status_code == 422
