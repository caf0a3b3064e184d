"""Intake: a submission becomes routed tickets on their clocks, their events go out without
the submitter, and bad input is refused with nothing stored."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from chassis.db import Database
from contracts import Envelope
from contracts.supervision import GridChanged, HouseholdAssigned, OfficeChanged
from contracts.values import GeoPolygon
from services.complaints.app import spec
from services.complaints.tables import submissions, tickets
from tests.complaints.conftest import (
    AUDITOR,
    DESK,
    OFFICE_01,
    OFFICE_01_COMMUNITY,
    OFFICE_02,
    Complaints,
    bearer,
    complaints_settings,
    new_credit_code,
    submission,
)
from tests.conftest import CreateDatabase, handled, publish, running_service, tapping


async def counts(complaints: Complaints) -> tuple[int, int]:
    """How many submissions and tickets are stored."""
    database = Database(complaints.settings.database_url)
    try:
        async with database.engine.connect() as connection:
            return (
                await connection.scalar(sa.select(sa.func.count()).select_from(submissions)) or 0,
                await connection.scalar(sa.select(sa.func.count()).select_from(tickets)) or 0,
            )
    finally:
        await database.dispose()


async def test_a_phone_complaint_is_routed_by_place_and_announced_without_its_submitter(
    complaints: Complaints,
) -> None:
    async with tapping(complaints.settings.bus_prefix, "complaints.#") as tap:
        received = await complaints.submit()
        (ticket,) = received["tickets"]
        assert ticket["kind"] == "complaint" and ticket["status"] == "received"
        assert ticket["unit"] == {"level": "office", "id": "office-01"}
        assert ticket["routing_rule"] == "office_area"
        assert ticket["owner"] == "office:office-01"
        assert [d["rule"] for d in ticket["deadlines"]] == ["complaints.accept"]
        assert "art. 14" in ticket["deadlines"][0]["basis"]
        await tap.wait_for("complaints.ticket.routed")
        await tap.wait_for("complaints.ticket.received")
    published = str(tap.envelopes)
    for secret in ("王芳", "13800138000", "11010519491231002X"):
        assert secret not in published
    assert "submitter" not in str(ticket)


async def test_a_known_business_goes_to_its_grid_office(complaints: Complaints) -> None:
    code = new_credit_code()
    assigned = HouseholdAssigned(
        credit_code=code,
        grid_code="510106002001001",
        office_code="office-02",
        owner="inspector02",
        claim_deadline=datetime(2026, 12, 9).date(),
        assigned_at=datetime.now(UTC),
    )
    await handled(
        complaints.settings.database_url,
        await complaints.receives(assigned, "/services/supervision"),
    )
    received = await complaints.submit(business={"credit_code": str(code), "name": "老王面馆"})
    (ticket,) = received["tickets"]
    assert ticket["unit"] == {"level": "office", "id": "office-02"}
    assert ticket["routing_rule"] == "business_grid"
    # office-01 does not see it; office-02 and the auditor do.
    path = f"/tickets/{ticket['id']}"
    assert (await complaints.client.get(path, headers=OFFICE_01)).status_code == 404
    assert (await complaints.client.get(path, headers=OFFICE_02)).status_code == 200
    assert (await complaints.client.get(path, headers=AUDITOR)).status_code == 200
    refused = await complaints.client.post(f"{path}/accept", headers=OFFICE_01)
    assert refused.status_code == 403


async def test_a_mixed_submission_splits_into_two_linked_tickets(complaints: Complaints) -> None:
    received = await complaints.submit(kinds=["complaint", "report"])
    complaint, report = received["tickets"]
    assert (complaint["kind"], report["kind"]) == ("complaint", "report")
    assert complaint["linked"] == [report["id"]] and report["linked"] == [complaint["id"]]
    assert complaint["deadlines"] and not report["deadlines"]


async def test_bad_input_is_refused_by_name_and_nothing_is_stored(
    complaints: Complaints,
) -> None:
    before = await counts(complaints)
    bad = {
        "no description": (submission(description=""), "description"),
        "5 MB description": (submission(description="x" * 5_000_000), "description"),
        "credit code": (submission(business={"credit_code": "91510106MA6CXXXX0X"}), "credit_code"),
        "ID number": (
            submission(submitter={"name": "王芳", "id_number": "110105194912310021"}),
            "id_number",
        ),
        "channel": (submission(channel="fax"), "channel"),
        "kind": (submission(kinds=["praise"]), "kinds"),
        "outside the district": (submission(location={"lon": 116.4, "lat": 39.9}), "location"),
        "anonymous complaint": (
            submission(submitter={"anonymous": True}),
            "submitter.anonymous",
        ),
    }
    for name, (body, field) in bad.items():
        answer = await complaints.client.post("/submissions", json=body, headers=DESK)
        assert answer.status_code == 422, (name, answer.status_code)
        assert answer.headers["content-type"].startswith("application/problem+json"), name
        assert field in answer.text, (name, answer.text[:300])
    assert await counts(complaints) == before


async def test_routing_preview_answers_without_storing(complaints: Complaints) -> None:
    before = await counts(complaints)
    place = {"address": "营门口路 18 号", "community_code": OFFICE_01_COMMUNITY}
    body = submission(location=place)
    answer = await complaints.client.post("/routing:preview", json=body, headers=DESK)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"unit": {"level": "office", "id": "office-01"}, "rule": "office_area"}
    nowhere = submission(location={"address": "某路 1 号", "community_code": "999999001001"})
    answer = await complaints.client.post("/routing:preview", json=nowhere, headers=DESK)
    assert answer.json() == {"unit": {"level": "bureau", "id": "intake"}, "rule": "fallback"}
    assert await counts(complaints) == before


async def test_the_demo_seed_registers_its_station_once(
    create_database: CreateDatabase, bus_prefix: str
) -> None:
    settings = complaints_settings(
        await create_database("complaints"), f"{bus_prefix}-cmp-demo", seed_demo=True
    )
    for _ in range(2):  # a restart registers nothing twice
        async with running_service(spec, settings) as client:
            answer = await client.get("/stations", headers=DESK)
            assert [(s["id"], s["office"]) for s in answer.json()["stations"]] == [
                ("station-01", "office-01")
            ]
    staff = bearer("station01", "station_staff", office="station-01")
    place = {"address": "营门口商场 2 楼", "community_code": "510106001002"}
    async with running_service(spec, settings) as client:
        answer = await client.post("/submissions", json=submission(location=place), headers=staff)
        (ticket,) = answer.json()["tickets"]
        assert ticket["unit"] == {"level": "station", "id": "station-01"}
        assert (await client.get(f"/tickets/{ticket['id']}", headers=staff)).status_code == 200


async def test_an_office_and_grid_drawn_later_route_what_was_outside_the_district(
    complaints: Complaints,
) -> None:
    east = submission(location={"lon": 104.11, "lat": 30.67})
    outside = await complaints.client.post("/routing:preview", json=east, headers=DESK)
    assert outside.status_code == 422, outside.text

    now = datetime.now(UTC)
    ring = ((104.10, 30.66), (104.12, 30.66), (104.12, 30.68), (104.10, 30.68), (104.10, 30.66))

    def grid_of(office: str) -> GridChanged:
        return GridChanged(
            grid_code="510106004001001",
            office_code=office,
            name="江北网格",
            owner="inspector10",
            community_codes=("510106004001",),
            polygon=GeoPolygon(coordinates=(ring,)),
            changed_by="admin",
            changed_at=now,
        )

    office = OfficeChanged(
        office_code="office-10", name="江北市场监管所", area=2, changed_by="admin", changed_at=now
    )
    drawn = [
        Envelope.wrap(office, source="supervision", sequence=1),
        Envelope.wrap(grid_of("office-10"), source="supervision", sequence=2),
        # An older event of the grid, delivered late, changes nothing.
        Envelope.wrap(grid_of("office-02"), source="supervision", sequence=1),
    ]
    for envelope in drawn:
        await publish(complaints.settings.bus_prefix, envelope)
    await handled(complaints.settings.database_url, *(envelope.id for envelope in drawn))

    answer = await complaints.client.post("/routing:preview", json=east, headers=DESK)
    assert answer.json() == {"unit": {"level": "office", "id": "office-10"}, "rule": "office_area"}
