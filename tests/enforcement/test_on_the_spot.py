"""当场处罚: within articles 51 and 68 an office inspector decides on the spot, the penalty is
filed with the section of the office's area and notified; beyond them, 422 and nothing is kept."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from chassis.legalclock import shanghai_today
from contracts.supervision import HouseholdAssigned
from tests.conftest import handled, tapping
from tests.enforcement.conftest import AUDITOR, Enforcement, bearer, new_credit_code, officer

INSPECTOR = bearer("inspector07", "grid_inspector", office="office-07")  # area 2: section-2
CITIZEN = {"kind": "citizen", "name": "李某", "id_number": "11010519491231002X"}


def decision(
    party: dict[str, Any], kind: str, amount: str | None, cash: bool = False
) -> dict[str, Any]:
    return {
        "party": party,
        "penalty": {"kind": kind} | ({"amount": amount} if amount is not None else {}),
        "facts": "占道经营，经劝阻拒不改正",
        "legal_basis": "《无证无照经营查处办法》第十三条",
        "collected_on_spot": cash,
    }


async def listed(enforcement: Enforcement, who: dict[str, str]) -> list[dict[str, Any]]:
    answer = await enforcement.client.get("/on-the-spot-penalties?limit=500", headers=who)
    assert answer.status_code == 200, answer.text
    penalties: list[dict[str, Any]] = answer.json()["penalties"]
    return penalties


async def test_a_201_cny_fine_on_a_citizen_is_refused_and_nothing_is_kept(
    enforcement: Enforcement,
) -> None:
    before = await listed(enforcement, AUDITOR)
    for body, field in (
        (decision(CITIZEN, "fine", "201"), "body.penalty.amount"),
        (decision(CITIZEN, "fine", "150", cash=True), "body.collected_on_spot"),
        (decision(CITIZEN, "confiscation", None), "body.penalty.kind"),
    ):
        answer = await enforcement.client.post(
            "/on-the-spot-penalties", json=body, headers=INSPECTOR
        )
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        [error] = answer.json()["errors"]
        assert error["field"] == field
    refused = await enforcement.client.post(
        "/on-the-spot-penalties", json=decision(CITIZEN, "fine", "201"), headers=INSPECTOR
    )
    assert "general procedure" in refused.json()["errors"][0]["message"]
    assert len(await listed(enforcement, AUDITOR)) == len(before)


async def test_a_penalty_on_a_business_of_another_office_is_forbidden(
    enforcement: Enforcement,
) -> None:
    elsewhere = new_credit_code()
    assigned = HouseholdAssigned(
        credit_code=elsewhere,
        grid_code="510106001005001",
        office_code="office-05",
        owner="inspector05",
        claim_deadline=shanghai_today(),
        assigned_at=datetime.now(UTC),
    )
    await handled(
        enforcement.settings.database_url, await enforcement.receives(assigned, "supervision")
    )
    before = await listed(enforcement, AUDITOR)
    company = {"kind": "organisation", "name": "示范区某餐馆", "credit_code": str(elsewhere)}
    answer = await enforcement.client.post(
        "/on-the-spot-penalties", json=decision(company, "warning", None), headers=INSPECTOR
    )
    assert answer.status_code == 403, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert len(await listed(enforcement, AUDITOR)) == len(before)
    own_office = bearer("inspector05", "grid_inspector", office="office-05")
    allowed = await enforcement.client.post(
        "/on-the-spot-penalties", json=decision(company, "warning", None), headers=own_office
    )
    assert allowed.status_code == 201, allowed.text


async def test_a_3000_cny_fine_on_a_company_is_filed_and_notified(
    enforcement: Enforcement,
) -> None:
    company = {
        "kind": "organisation",
        "name": "示范区某超市",
        "credit_code": str(new_credit_code()),
    }
    async with tapping(enforcement.settings.bus_prefix, "enforcement.#") as bus:
        answer = await enforcement.client.post(
            "/on-the-spot-penalties", json=decision(company, "fine", "3000"), headers=INSPECTOR
        )
        assert answer.status_code == 201, answer.text
        penalty = answer.json()
        assert (penalty["section"], penalty["office_id"], penalty["decided_by"]) == (
            "section-2",
            "office-07",
            "inspector07",
        )
        await bus.wait_for("enforcement.penalty.decided")
        [decided] = bus.of_type("enforcement.penalty.decided")
    assert decided["data"]["credit_code"] == company["credit_code"]
    assert (decided["data"]["procedure"], decided["data"]["penalty_kinds"]) == (
        "on_the_spot",
        ["fine"],
    )
    assert Decimal(decided["data"]["fine_amount"]) == Decimal(3000)
    # Filed with the sub-bureau: section-2 sees it, section-1 does not; the inspector sees
    # their own, another inspector does not.
    assert penalty["id"] in [p["id"] for p in await listed(enforcement, officer(2))]
    assert penalty["id"] not in [p["id"] for p in await listed(enforcement, officer(1))]
    assert penalty["id"] in [p["id"] for p in await listed(enforcement, INSPECTOR)]
    other = bearer("inspector08", "grid_inspector", office="office-08")
    assert penalty["id"] not in [p["id"] for p in await listed(enforcement, other)]


async def test_a_warning_and_a_small_fine_paid_in_cash(enforcement: Enforcement) -> None:
    warned = await enforcement.client.post(
        "/on-the-spot-penalties", json=decision(CITIZEN, "warning", None), headers=INSPECTOR
    )
    assert warned.status_code == 201, warned.text
    paid = await enforcement.client.post(
        "/on-the-spot-penalties",
        json=decision(CITIZEN, "fine", "100", cash=True),
        headers=INSPECTOR,
    )
    assert paid.status_code == 201, paid.text
    assert paid.json()["collected_on_spot"] is True


async def test_only_office_inspectors_and_heads_decide_on_the_spot(
    enforcement: Enforcement,
) -> None:
    for who in (officer(1), AUDITOR, bearer("clerk01", "licensing_clerk", office="office-01")):
        answer = await enforcement.client.post(
            "/on-the-spot-penalties", json=decision(CITIZEN, "warning", None), headers=who
        )
        assert answer.status_code == 403


async def test_a_retried_penalty_returns_the_first_answer_and_is_kept_once(
    enforcement: Enforcement,
) -> None:
    body = decision(CITIZEN, "fine", "80", cash=True)
    key = {"Idempotency-Key": f"on-the-spot-{uuid.uuid4()}"}
    first = await enforcement.client.post(
        "/on-the-spot-penalties", json=body, headers=INSPECTOR | key
    )
    assert first.status_code == 201, first.text
    again = await enforcement.client.post(
        "/on-the-spot-penalties", json=body, headers=INSPECTOR | key
    )
    assert again.status_code == 201, again.text
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    mine = [p["id"] for p in await listed(enforcement, INSPECTOR)]
    assert mine.count(first.json()["id"]) == 1
    without_key = await enforcement.client.post(
        "/on-the-spot-penalties", json=body, headers=INSPECTOR
    )
    assert without_key.status_code == 201
    assert without_key.json()["id"] != first.json()["id"]


async def test_a_citizens_id_number_is_masked_and_read_in_clear_by_the_section_alone(
    enforcement: Enforcement,
) -> None:
    key = {"Idempotency-Key": f"on-the-spot-{uuid.uuid4()}"}
    created = await enforcement.client.post(
        "/on-the-spot-penalties", json=decision(CITIZEN, "warning", None), headers=INSPECTOR | key
    )
    assert created.status_code == 201, created.text
    penalty = created.json()
    # The answer (kept for a retry) and every list show the number masked.
    assert penalty["party"]["id_number"] == "110105********002X"
    for who in (INSPECTOR, officer(2), AUDITOR):
        [shown] = [p for p in await listed(enforcement, who) if p["id"] == penalty["id"]]
        assert shown["party"]["id_number"] == "110105********002X"

    party = f"/on-the-spot-penalties/{penalty['id']}/party"
    assert (await enforcement.client.get(party, headers=INSPECTOR)).status_code == 403
    assert (await enforcement.client.get(party, headers=officer(1))).status_code == 404
    async with tapping(enforcement.settings.bus_prefix, "enforcement.party.#") as bus:
        read = await enforcement.client.get(party, headers=officer(2))
        assert read.status_code == 200, read.text
        assert read.json() == CITIZEN
        await bus.wait_for("enforcement.party.read")
    [event] = bus.of_type("enforcement.party.read")
    assert event["data"]["record_id"] == penalty["id"]
    assert event["data"]["read_by"] == "officer2"
    assert CITIZEN["id_number"] not in str(event)
