"""Households opened from licensing's events, routed to their grid's owner, claimed."""

from __future__ import annotations

from tests.supervision.conftest import (
    GRIDS,
    Supervision,
    inspector,
    licence_issued,
    new_credit_code,
)


async def test_a_new_licence_becomes_a_household_of_the_grid_owner(
    supervision: Supervision,
) -> None:
    grid = GRIDS["inspector01"]
    code = new_credit_code()
    await supervision.licensing_publishes(
        licence_issued(code, lon=104.015, lat=30.735, community=grid["community_codes"][0]), 1
    )
    household = await supervision.household(code)
    assert household["status"] == "assigned"
    assert household["grid_id"] == grid["id"]
    assert household["owner"] == "inspector01"
    assert household["routed_by"] == "point"
    mine = await supervision.client.get(f"/households/{code}", headers=inspector(1))
    assert mine.status_code == 200
    theirs = await supervision.client.get(f"/households/{code}", headers=inspector(2))
    assert theirs.status_code == 404
    claimed = await supervision.client.post(f"/households/{code}/claim", headers=inspector(1))
    assert claimed.status_code == 200, claimed.text
    assert claimed.json()["status"] == "claimed"
    await supervision.bus.wait_for("supervision.household.assigned")
    assigned = [
        e for e in supervision.bus.of_type("supervision.household.assigned") if e["subject"] == code
    ]
    assert [e["data"]["owner"] for e in assigned] == ["inspector01"]
