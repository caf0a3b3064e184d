"""Re-drawing and re-assigning grids re-routes the households they touch (a map of its own)."""

from __future__ import annotations

from typing import Any

import httpx

from services.supervision.republish import republish
from tests.supervision.conftest import (
    ADMIN,
    AUDITOR,
    GRIDS,
    UNKNOWN_COMMUNITY,
    Supervision,
    assigned_times,
    assignments,
    file_of,
    head,
    household_where,
    inspector,
    issued,
    licence_issued,
    new_credit_code,
)


def square(west: float, south: float, east: float, north: float) -> dict[str, Any]:
    corners = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [corners]}


async def change_grid(supervision: Supervision, number: int, /, **changes: Any) -> httpx.Response:
    """PUT /grids/{id} of inspector0N's grid, as the admin."""
    grid_id = GRIDS[f"inspector{number:02d}"]["id"]
    return await supervision.client.put(f"/grids/{grid_id}", json=changes, headers=ADMIN)


async def current(supervision: Supervision, code: str) -> dict[str, Any]:
    """The household now, as an auditor sees it (the map's changes are synchronous)."""
    answer = await supervision.client.get(f"/households/{code}", headers=AUDITOR)
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


async def without_community(
    supervision: Supervision, lon: float, lat: float, office: str | None = None
) -> str:
    """A licence at a point, in a community no grid covers."""
    code = new_credit_code()
    event = licence_issued(code, lon=lon, lat=lat, community=UNKNOWN_COMMUNITY)
    await supervision.licensing_publishes(event.model_copy(update={"office_code": office}), 1)
    return code


async def test_a_shrunk_grid_keeps_by_community_what_its_community_covers(
    supervision: Supervision,
) -> None:
    # inspector05's grid spans lon 104.03-104.06; it shrinks to 104.03-104.05.
    outside = await issued(supervision, 5, point=(104.055, 30.715))
    inside = await issued(supervision, 5, point=(104.035, 30.700))
    for code in (outside, inside):
        await assigned_times(supervision, code, 1)

    answer = await change_grid(supervision, 5, polygon=square(104.03, 30.69, 104.05, 30.72))
    assert answer.status_code == 200, answer.text

    still = await current(supervision, inside)
    assert (still["owner"], still["routed_by"]) == ("inspector05", "point")
    kept = await current(supervision, outside)
    assert (kept["grid_id"], kept["owner"]) == (GRIDS["inspector05"]["id"], "inspector05")
    assert len(assignments(supervision, outside)) == 1
    assert kept["routed_by"] == "community"  # its point is in no grid any more


async def test_a_household_a_shrunk_grid_drops_waits_in_its_offices_queue(
    supervision: Supervision,
) -> None:
    # inspector06's grid spans lon 104.06-104.09; it shrinks to 104.06-104.08.
    code = await without_community(supervision, 104.085, 30.705, office="office-06")
    await assigned_times(supervision, code, 1)

    answer = await change_grid(supervision, 6, polygon=square(104.06, 30.69, 104.08, 30.72))
    assert answer.status_code == 200, answer.text

    dropped = await current(supervision, code)
    assert (dropped["status"], dropped["owner"], dropped["grid_id"]) == ("unrouted", None, None)
    gone = await supervision.client.get(f"/households/{code}", headers=inspector(6))
    assert gone.status_code == 404
    # The licence was issued by office-06: its head finds it in the unrouted queue.
    assert dropped["office_id"] == "office-06"
    queue = await supervision.client.get("/households?status=unrouted", headers=head(6))
    assert code in [h["credit_code"] for h in queue.json()["households"]]


async def test_a_new_grid_takes_the_households_whose_point_it_contains(
    supervision: Supervision,
) -> None:
    # inspector03's grid shrinks to lon 104.06-104.08; a new grid fills lon 104.08-104.09.
    by_community = await issued(supervision, 3, point=(104.085, 30.735))
    nowhere = await without_community(supervision, 104.085, 30.725)
    for code in (by_community, nowhere):
        await assigned_times(supervision, code, 1)
    answer = await change_grid(supervision, 3, polygon=square(104.06, 30.72, 104.08, 30.75))
    assert answer.status_code == 200, answer.text
    assert (await current(supervision, nowhere))["status"] == "unrouted"

    drawn = await supervision.client.post(
        "/grids",
        json={
            "id": "510106001007001",
            "office_id": "office-03",
            "name": "北城东缘网格",
            "polygon": square(104.08, 30.72, 104.09, 30.75),
            "community_codes": ["510106001007"],
            "owner": "inspector10",
        },
        headers=ADMIN,
    )
    assert drawn.status_code == 201, drawn.text
    picked = await current(supervision, nowhere)
    assert (picked["grid_id"], picked["owner"]) == ("510106001007001", "inspector10")
    moved = await current(supervision, by_community)
    assert (moved["grid_id"], moved["owner"]) == ("510106001007001", "inspector10")


async def test_a_new_owner_takes_the_grids_households(supervision: Supervision) -> None:
    waiting = await issued(supervision, 4, point=(104.015, 30.705))
    claimed = await issued(supervision, 4, point=None)
    for code in (waiting, claimed):
        await assigned_times(supervision, code, 1)
    answer = await supervision.client.post(f"/households/{claimed}/claim", headers=inspector(4))
    assert answer.status_code == 200, answer.text

    answer = await change_grid(supervision, 4, owner="inspector05")
    assert answer.status_code == 200, answer.text
    assert answer.json()["owner"] == "inspector05"

    for code in (waiting, claimed):
        first, second = await assigned_times(supervision, code, 2)
        assert (first["owner"], second["owner"]) == ("inspector04", "inspector05")
        assert second["grid_code"] == GRIDS["inspector04"]["id"]
        theirs = await supervision.client.get(f"/households/{code}", headers=inspector(5))
        assert theirs.json()["status"] == "assigned"
        former = await supervision.client.get(f"/households/{code}", headers=inspector(4))
        assert former.status_code == 404
    story = [(e["kind"], e.get("owner")) for e in await file_of(supervision, claimed)]
    assert story[-3:] == [
        ("assignment", "inspector04"),
        ("claim", None),
        ("assignment", "inspector05"),
    ]


async def test_a_new_owner_takes_the_households_assigned_by_hand(
    supervision: Supervision,
) -> None:
    code = await without_community(supervision, 103.5, 30.0, office="office-08")
    await household_where(supervision, code, status="unrouted")
    grid = GRIDS["inspector08"]["id"]
    answer = await supervision.client.post(
        f"/households/{code}/assign", json={"grid_id": grid}, headers=head(8)
    )
    assert answer.status_code == 200, answer.text
    await assigned_times(supervision, code, 1)

    answer = await change_grid(supervision, 8, owner="inspector18")
    assert answer.status_code == 200, answer.text
    # The head put it in this grid: it follows the grid to its new owner.
    household = await current(supervision, code)
    assert (household["status"], household["grid_id"], household["owner"]) == (
        "assigned",
        grid,
        "inspector18",
    )


async def test_a_grid_cannot_be_redrawn_into_something_unusable(
    supervision: Supervision,
) -> None:
    bow_tie = {
        "type": "Polygon",
        "coordinates": [
            [[104.0, 30.72], [104.03, 30.75], [104.03, 30.72], [104.0, 30.75], [104.0, 30.72]]
        ],
    }
    crossed = await change_grid(supervision, 1, polygon=bow_tie)
    assert crossed.status_code == 422
    assert [e["field"] for e in crossed.json()["errors"]] == ["body.polygon"]
    overlapping = await change_grid(supervision, 1, polygon=square(104.0, 30.72, 104.04, 30.75))
    assert overlapping.status_code == 409
    taken = await change_grid(
        supervision, 1, community_codes=GRIDS["inspector02"]["community_codes"]
    )
    assert taken.status_code == 409
    not_admin = await supervision.client.put(
        f"/grids/{GRIDS['inspector01']['id']}", json={"owner": "inspector02"}, headers=head(1)
    )
    assert not_admin.status_code == 403
    unchanged = await supervision.client.get(f"/grids/{GRIDS['inspector01']['id']}", headers=ADMIN)
    assert unchanged.json()["polygon"] == GRIDS["inspector01"]["polygon"]
    assert unchanged.json()["owner"] == "inspector01"


async def test_an_explicit_null_is_refused_naming_the_field(supervision: Supervision) -> None:
    for field in ("polygon", "community_codes", "owner", "name", "office_id"):
        answer = await change_grid(supervision, 1, **{field: None})
        assert answer.status_code == 422, (field, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
        assert [e["field"] for e in answer.json()["errors"]] == [f"body.{field}"]
    unchanged = await supervision.client.get(f"/grids/{GRIDS['inspector01']['id']}", headers=ADMIN)
    assert unchanged.json()["polygon"] == GRIDS["inspector01"]["polygon"]
    assert unchanged.json()["owner"] == "inspector01"


async def test_every_office_and_grid_is_published_as_it_stands(supervision: Supervision) -> None:
    # The demo map, drawn on first start, is published by the seed.
    seeded = await supervision.published("supervision.office.changed", "office-09")
    assert seeded[0]["data"] | {"changed_at": None} == {
        "office_code": "office-09",
        "name": "桥头市场监管所",
        "area": 2,
        "changed_by": "system:demo",
        "changed_at": None,
    }
    (grid,) = await supervision.published("supervision.grid.changed", GRIDS["inspector09"]["id"])
    assert grid["data"]["polygon"] == GRIDS["inspector09"]["polygon"]
    assert len(supervision.bus.of_type("supervision.office.changed")) >= 9

    office = {"id": "office-10", "name": "江北市场监管所", "area": 2}
    created = await supervision.client.post("/offices", json=office, headers=ADMIN)
    assert created.status_code == 201, created.text
    (published,) = await supervision.published("supervision.office.changed", "office-10")
    assert (published["sequence"], published["data"]["changed_by"]) == (1, "admin")
    assert published["data"]["area"] == 2

    grid_body = {
        "id": "510106004001001",
        "office_id": "office-10",
        "name": "江北网格",
        "polygon": square(104.10, 30.66, 104.12, 30.68),
        "community_codes": ["510106004001"],
        "owner": "inspector10",
    }
    assert (await supervision.client.post("/grids", json=grid_body, headers=ADMIN)).is_success
    changed = await supervision.client.put(
        "/grids/510106004001001", json={"owner": "inspector11"}, headers=ADMIN
    )
    assert changed.status_code == 200, changed.text
    first, second = await supervision.published(
        "supervision.grid.changed", "510106004001001", count=2
    )
    assert (first["sequence"], first["data"]["owner"]) == (1, "inspector10")
    assert (second["sequence"], second["data"]["owner"]) == (2, "inspector11")
    assert second["data"] | {"changed_at": None} == {
        "grid_code": "510106004001001",
        "office_code": "office-10",
        "name": "江北网格",
        "owner": "inspector11",
        "community_codes": ["510106004001"],
        "polygon": grid_body["polygon"],
        "changed_by": "admin",
        "changed_at": None,
    }
    # A refused change publishes nothing.
    clash = await supervision.client.post("/offices", json=office, headers=ADMIN)
    assert clash.status_code == 409
    blank = await supervision.client.post("/offices", json=office | {"name": " "}, headers=ADMIN)
    assert blank.status_code == 422
    assert [e["field"] for e in blank.json()["errors"]] == ["body.name"]
    assert len(await supervision.published("supervision.office.changed", "office-10")) == 1


async def test_the_whole_map_is_published_again_on_demand(supervision: Supervision) -> None:
    office_01 = len(await supervision.published("supervision.office.changed", "office-01"))
    grid_01 = GRIDS["inspector01"]["id"]
    grid_01_events = len(await supervision.published("supervision.grid.changed", grid_01))

    count = await republish(supervision.settings)

    assert count >= 18  # the demo map's 9 offices and 9 grids, and what other tests drew
    again = await supervision.published("supervision.office.changed", "office-01", office_01 + 1)
    assert again[-1]["data"]["changed_by"] == "system:publish-map"
    assert again[-1]["sequence"] == again[-2]["sequence"] + 1
    redrawn = await supervision.published("supervision.grid.changed", grid_01, grid_01_events + 1)
    assert redrawn[-1]["data"]["polygon"] == redrawn[-2]["data"]["polygon"]
