"""The year-end evaluation counts each office's case sources, what was filed and decided on
time, and its on-the-spot penalties, beside its linked section's figures."""

from __future__ import annotations

from typing import Any

from chassis.legalclock import shanghai_today
from tests.enforcement.conftest import AUDITOR, Enforcement, bearer, officer
from tests.enforcement.test_filing import received, told

NOTICE = {"delivered_to": "王某", "delivered_at": "2026-11-20T10:00:00+08:00", "method": "post"}


async def post(
    enforcement: Enforcement, path: str, body: dict[str, Any], who: dict[str, str]
) -> Any:
    answer = await enforcement.client.post(path, json=body, headers=who)
    assert answer.status_code in {200, 201}, answer.text
    return answer.json()


async def test_each_office_beside_its_section(enforcement: Enforcement) -> None:
    decided, waiting = (
        await received(enforcement, "office-03"),
        await received(enforcement, "office-03"),
    )
    await received(enforcement, "office-07")
    case = await post(
        enforcement, f"/case-sources/{decided}/file", {"handlers": ["zhao", "qian"]}, officer(1)
    )
    await post(enforcement, f"/cases/{case['case_id']}/notice", NOTICE, officer(1))
    await told(enforcement, case["case_id"], {"kind": "warning"})
    decision = {"penalty": {"kind": "warning"}, "legal_basis": "《价格法》第四十二条"}
    await post(enforcement, f"/cases/{case['case_id']}/decision", decision, officer(1))
    inspector = bearer("inspector03", "grid_inspector", office="office-03")
    on_the_spot = {
        "party": {"kind": "citizen", "name": "李某", "id_number": "11010519491231002X"},
        "penalty": {"kind": "warning"},
        "facts": "占道经营",
        "legal_basis": "《无证无照经营查处办法》第十三条",
    }
    await post(enforcement, "/on-the-spot-penalties", on_the_spot, inspector)
    assert waiting  # received, neither filed nor declined

    year = shanghai_today().year
    answer = await enforcement.client.get(f"/reports/offices?year={year}", headers=AUDITOR)
    assert answer.status_code == 200, answer.text
    offices = {o["office_id"]: o for o in answer.json()["offices"]}
    section_1 = {"id": "section-1", "case_sources": 2, "filed": 1, "decided_on_time": 1}
    assert offices["office-03"] == offices["office-03"] | {
        "case_sources": 2,
        "filed": 1,
        "decided_on_time": 1,
        "on_the_spot_penalties": 1,
        "section": section_1,
    }
    assert offices["office-01"]["case_sources"] == 0
    assert offices["office-01"]["section"] == section_1
    assert (offices["office-07"]["case_sources"], offices["office-07"]["section"]) == (
        1,
        {"id": "section-2", "case_sources": 1, "filed": 0, "decided_on_time": 0},
    )
    last_year = await enforcement.client.get(f"/reports/offices?year={year - 1}", headers=AUDITOR)
    assert {o["case_sources"] for o in last_year.json()["offices"]} == {0}
    refused = await enforcement.client.get(f"/reports/offices?year={year}", headers=inspector)
    assert refused.status_code == 403
