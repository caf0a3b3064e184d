"""Who owns a ticket and who may touch it: handovers on the record, one owner, returns to the
bureau's intake desk and its reassignments, stations and their staff, auditors who only read."""

from __future__ import annotations

import uuid
from typing import Any

from tests.complaints.conftest import (
    AUDITOR,
    DESK,
    IN_OFFICE_01,
    OFFICE_01,
    OFFICE_02,
    Complaints,
    bearer,
    fields_of,
    refused,
)
from tests.conftest import tapping

ADMIN = bearer("admin", "admin")
OFFICE_05 = bearer("handler-o5", "complaints_handler", office="office-05")
# office-05's grid covers 104.03-104.06 E, 30.69-30.72 N and these two communities.
OFFICE_05_COMMUNITIES = ("510106002003", "510106002004")


def square(west: float, south: float, side: float = 0.005) -> dict[str, Any]:
    """A GeoJSON square; each test's stations get their own, so routing is the test's alone."""
    east, north = west + side, south + side
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


async def office_01_ticket(complaints: Complaints) -> dict[str, Any]:
    (ticket,) = (await complaints.submit(location=IN_OFFICE_01))["tickets"]
    assert ticket["unit"] == {"level": "office", "id": "office-01"}
    found: dict[str, Any] = ticket
    return found


async def station(complaints: Complaints, **area: Any) -> dict[str, Any]:
    """A mall's station under office-05 covering `area`, registered by the desk."""
    body = {
        "name": f"万达广场消费维权站 {uuid.uuid4().hex[:6]}",
        "kind": "mall",
        "office": "office-05",
    } | area
    answer = await complaints.client.post("/stations", json=body, headers=DESK)
    assert answer.status_code == 201, answer.text
    registered: dict[str, Any] = answer.json()
    return registered


async def test_a_handover_records_from_to_why_and_who(complaints: Complaints) -> None:
    ticket = await office_01_ticket(complaints)
    path = f"/tickets/{ticket['id']}"
    first = await complaints.act(
        ticket["id"], "handover", {"to": "handler-o1b", "reason": "熟悉该商家"}, OFFICE_01
    )
    assert first["owner"] == "handler-o1b"
    second = await complaints.act(
        ticket["id"], "handover", {"to": "handler-o1c", "reason": "原承办人休假"}, OFFICE_01
    )
    assert second["owner"] == "handler-o1c"
    handovers = [e for e in second["history"] if e["action"] == "handed_over"]
    assert [(e["by"], e["details"]) for e in handovers] == [
        ("handler-o1", {"from": "office:office-01", "to": "handler-o1b", "reason": "熟悉该商家"}),
        ("handler-o1", {"from": "handler-o1b", "to": "handler-o1c", "reason": "原承办人休假"}),
    ]
    # One owner: handing it to the one who has it is refused, and the owner stays.
    same = await complaints.client.post(
        f"{path}/handover", json={"to": "handler-o1c", "reason": "再次"}, headers=OFFICE_01
    )
    refused(same, 409)
    assert (await complaints.ticket(ticket["id"], OFFICE_01))["owner"] == "handler-o1c"


async def test_an_office_returns_a_ticket_and_only_the_desk_reassigns_it(
    complaints: Complaints,
) -> None:
    ticket = await office_01_ticket(complaints)
    path = f"/tickets/{ticket['id']}"
    to_office_02 = {"unit": {"level": "office", "id": "office-02"}, "reason": "商家在西城"}
    sideways = await complaints.client.post(
        f"{path}/reassign", json=to_office_02, headers=OFFICE_01
    )
    refused(sideways, 403)  # an office cannot pass a ticket sideways

    returned = await complaints.act(ticket["id"], "return", {"reason": "不属于本所辖区"}, OFFICE_01)
    assert (returned["unit"], returned["owner"]) == (
        {"level": "bureau", "id": "intake"},
        "bureau:intake",
    )
    assert returned["history"][-1] == returned["history"][-1] | {
        "action": "returned",
        "by": "handler-o1",
        "details": {"unit": "office:office-01", "reason": "不属于本所辖区"},
    }
    # Back at intake, it is no longer office-01's to see or move.
    refused(await complaints.client.get(path, headers=OFFICE_01), 404)
    refused(
        await complaints.client.post(f"{path}/reassign", json=to_office_02, headers=OFFICE_01), 403
    )

    async with tapping(complaints.settings.bus_prefix, "complaints.ticket.routed.#") as tap:
        moved = await complaints.act(ticket["id"], "reassign", to_office_02, DESK)
        await tap.wait_for("complaints.ticket.routed")
    assert (moved["unit"], moved["owner"]) == (
        {"level": "office", "id": "office-02"},
        "office:office-02",
    )
    assert moved["history"][-1]["details"] == {"unit": "office:office-02", "reason": "商家在西城"}
    (routed,) = [e for e in tap.envelopes if e["subject"] == ticket["id"]]
    assert (
        routed["data"] | {"rule": "reassigned", "unit_level": "office", "unit_id": "office-02"}
        == routed["data"]
    )
    assert (await complaints.ticket(ticket["id"], OFFICE_02))["unit"]["id"] == "office-02"
    # Only a ticket at intake is reassigned; office-02 works it now.
    again = await complaints.client.post(f"{path}/reassign", json=to_office_02, headers=DESK)
    refused(again, 409)
    await complaints.act(ticket["id"], "accept", headers=OFFICE_02)


async def test_a_ticket_is_reassigned_only_to_a_unit_of_the_network(
    complaints: Complaints,
) -> None:
    ticket = await office_01_ticket(complaints)
    path = f"/tickets/{ticket['id']}"
    await complaints.act(ticket["id"], "return", {"reason": "不属于本所辖区"}, OFFICE_01)
    nowhere = {
        "office": {"level": "office", "id": "office-99"},
        "station": {"level": "station", "id": "no-such-station"},
        "bureau": {"level": "bureau", "id": "elsewhere"},
    }
    for name, unit in nowhere.items():
        answer = await complaints.client.post(
            f"{path}/reassign", json={"unit": unit, "reason": "转办"}, headers=DESK
        )
        assert fields_of(refused(answer, 422)) == ["body.unit.id"], name
    at_intake = {"unit": {"level": "bureau", "id": "intake"}, "reason": "转办"}
    refused(await complaints.client.post(f"{path}/reassign", json=at_intake, headers=DESK), 409)
    unchanged = await complaints.ticket(ticket["id"])
    assert (unchanged["unit"], unchanged["history"][-1]["action"]) == (
        {"level": "bureau", "id": "intake"},
        "returned",
    )


async def test_the_desk_sends_a_returned_ticket_to_a_station(complaints: Complaints) -> None:
    registered = await station(complaints, polygon=square(104.031, 30.691))
    ticket = await office_01_ticket(complaints)
    await complaints.act(ticket["id"], "return", {"reason": "商场内纠纷"}, OFFICE_01)
    to_station = {
        "unit": {"level": "station", "id": registered["id"]},
        "reason": "商场投诉站就近调解",
    }
    moved = await complaints.act(ticket["id"], "reassign", to_station, DESK)
    assert moved["unit"] == {"level": "station", "id": registered["id"]}
    staff = bearer("staff-wanda", "station_staff", office=registered["id"])
    assert (await complaints.ticket(ticket["id"], staff))["owner"] == f"station:{registered['id']}"


async def test_station_staff_see_and_act_on_their_station_alone(complaints: Complaints) -> None:
    area = square(104.041, 30.701)
    registered = await station(complaints, polygon=area, community_codes=[OFFICE_05_COMMUNITIES[0]])
    staff = bearer("staff-1", "station_staff", office=registered["id"])
    (theirs,) = (await complaints.submit(location={"lon": 104.043, "lat": 30.703}))["tickets"]
    assert (theirs["unit"], theirs["routing_rule"]) == (
        {"level": "station", "id": registered["id"]},
        "station_area",
    )
    by_community = {"address": "万达广场 3 楼", "community_code": OFFICE_05_COMMUNITIES[0]}
    (also_theirs,) = (await complaints.submit(location=by_community))["tickets"]
    assert also_theirs["routing_rule"] == "station_area"
    others = await office_01_ticket(complaints)

    listed = await complaints.client.get("/tickets?limit=200", headers=staff)
    assert listed.status_code == 200, listed.text
    assert {t["id"] for t in listed.json()["tickets"]} == {theirs["id"], also_theirs["id"]}
    await complaints.ticket(theirs["id"], staff)
    refused(await complaints.client.get(f"/tickets/{others['id']}", headers=staff), 404)
    refused(await complaints.client.post(f"/tickets/{others['id']}/accept", headers=staff), 403)
    accepted = await complaints.act(theirs["id"], "accept", headers=staff)
    assert accepted["history"][-1]["by"] == "staff-1"
    # The station's office sees its tickets; another office does not.
    await complaints.ticket(theirs["id"], OFFICE_05)
    refused(await complaints.client.get(f"/tickets/{theirs['id']}", headers=OFFICE_01), 404)
    # Staff of another station see none of them.
    elsewhere = bearer("staff-2", "station_staff", office="another-station")
    refused(await complaints.client.get(f"/tickets/{theirs['id']}", headers=elsewhere), 404)


async def test_an_auditor_reads_everything_and_changes_nothing(complaints: Complaints) -> None:
    ticket = await office_01_ticket(complaints)
    path = f"/tickets/{ticket['id']}"
    assert (await complaints.ticket(ticket["id"], AUDITOR))["id"] == ticket["id"]
    listed = await complaints.client.get("/tickets?limit=200", headers=AUDITOR)
    assert ticket["id"] in [t["id"] for t in listed.json()["tickets"]]
    attempts: dict[str, dict[str, Any] | None] = {
        "accept": None,
        "handover": {"to": "auditor01", "reason": "审计"},
        "return": {"reason": "审计"},
        "reject": {"reasons": "审计", "competent_body": "审计局"},
    }
    for step, body in attempts.items():
        refused(await complaints.client.post(f"{path}/{step}", json=body, headers=AUDITOR), 403)
    refused(await complaints.client.get(f"{path}/submitter", headers=AUDITOR), 403)
    stations = {
        "name": "审计站",
        "kind": "mall",
        "office": "office-01",
        "community_codes": ["510106001001"],
    }
    refused(await complaints.client.post("/stations", json=stations, headers=AUDITOR), 403)
    unchanged = await complaints.ticket(ticket["id"])
    assert (unchanged["status"], unchanged["owner"], len(unchanged["history"])) == (
        "received",
        "office:office-01",
        1,
    )


async def test_stations_are_registered_with_their_area_and_listed(complaints: Complaints) -> None:
    by_desk = await station(complaints, community_codes=[OFFICE_05_COMMUNITIES[1]])
    assert (by_desk["community_codes"], by_desk["polygon"], by_desk["created_by"]) == (
        [OFFICE_05_COMMUNITIES[1]],
        None,
        "handler01",
    )
    village = {
        "name": f"石羊村投诉站 {uuid.uuid4().hex[:6]}",
        "kind": "village",
        "office": "office-05",
        "polygon": square(104.051, 30.711),
    }
    by_admin = await complaints.client.post("/stations", json=village, headers=ADMIN)
    assert by_admin.status_code == 201, by_admin.text
    assert (by_admin.json()["polygon"], by_admin.json()["community_codes"]) == (
        village["polygon"],
        [],
    )

    before = (await complaints.client.get("/stations", headers=DESK)).json()["stations"]
    assert {by_desk["id"], by_admin.json()["id"]} <= {s["id"] for s in before}
    good = {
        "name": f"荷花池市场站 {uuid.uuid4().hex[:6]}",
        "kind": "market",
        "office": "office-05",
        "community_codes": [OFFICE_05_COMMUNITIES[1]],
    }
    bowtie = [[[104.04, 30.70], [104.05, 30.71], [104.05, 30.70], [104.04, 30.71], [104.04, 30.70]]]
    bad = {
        "unknown office": (good | {"office": "office-99"}, "body.office"),
        "no area": (good | {"community_codes": []}, "body.community_codes"),
        "a point": (
            good | {"polygon": {"type": "Point", "coordinates": [104.04, 30.7]}},
            "body.polygon",
        ),
        "crossed ring": (
            good | {"polygon": {"type": "Polygon", "coordinates": bowtie}},
            "body.polygon",
        ),
        "no ring": (
            good
            | {"polygon": {"type": "Polygon", "coordinates": [[[104.04, 30.70], [104.05, 30.71]]]}},
            "body.polygon",
        ),
        "no coordinates": (good | {"polygon": {"type": "Polygon"}}, "body.polygon"),
        "kind": (good | {"kind": "bank"}, "body.kind"),
    }
    for name, (body, field) in bad.items():
        answer = await complaints.client.post("/stations", json=body, headers=DESK)
        assert field in fields_of(refused(answer, 422)), (name, answer.text)
    duplicate = good | {"name": by_desk["name"]}
    refused(await complaints.client.post("/stations", json=duplicate, headers=DESK), 409)
    after = (await complaints.client.get("/stations", headers=AUDITOR)).json()["stations"]
    assert after == before
    inspector = bearer("inspector01", "grid_inspector", office="office-01")
    refused(await complaints.client.post("/stations", json=good, headers=inspector), 403)
    # An office's handler does not draw the network: a station over another office's area
    # would take that office's tickets.
    refused(await complaints.client.post("/stations", json=good, headers=OFFICE_01), 403)
    assert (await complaints.client.get("/stations", headers=AUDITOR)).json()["stations"] == before
