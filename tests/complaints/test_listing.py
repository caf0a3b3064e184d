"""GET /tickets: newest first, a page at a time by cursor, filtered by unit, status and kind,
within the caller's scope."""

from __future__ import annotations

import base64
import json
from typing import Any

from tests.complaints.conftest import (
    DESK,
    OFFICE_01,
    OFFICE_02,
    Complaints,
    days_ago,
    fields_of,
    new_credit_code,
    refused,
)

IN_OFFICE_02 = {"lon": 104.04, "lat": 30.73}


async def listed(
    complaints: Complaints, query: str, headers: dict[str, str] = DESK
) -> dict[str, Any]:
    answer = await complaints.client.get(f"/tickets?{query}", headers=headers)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def test_the_cursor_walks_every_ticket_once_newest_first(complaints: Complaints) -> None:
    code = str(new_credit_code())
    business = {"credit_code": code}
    # Two received at the very same instant: the cursor still tells them apart.
    same_time = days_ago(1)
    submitted = [
        await complaints.submit(business=business, received_at=received)
        for received in (days_ago(3), same_time, same_time, days_ago(0))
    ] + [await complaints.submit(business=business, kinds=["report", "consultation"])]
    ids = {t["id"] for s in submitted for t in s["tickets"]}

    walked: list[dict[str, Any]] = []
    pages, cursor = 0, None
    while True:
        after = "" if cursor is None else f"&cursor={cursor}"
        page = await listed(complaints, f"credit_code={code}&limit=2{after}")
        assert len(page["tickets"]) <= 2
        walked += page["tickets"]
        pages, cursor = pages + 1, page["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert len(walked) == len(ids) == 6 and {t["id"] for t in walked} == ids
    keys = [(t["received_at"], t["id"]) for t in walked]
    assert keys == sorted(keys, reverse=True)


async def test_a_cursor_this_service_did_not_give_is_refused(complaints: Complaints) -> None:
    def encoded(value: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()

    garbage = [
        "not-a-cursor",
        encoded(["yesterday", "not-a-uuid"]),
        encoded({"at": 1}),
        encoded(["2026-12-01T08:00:00+00:00"]),
        "%ff%fe",
    ]
    for cursor in garbage:
        answer = await complaints.client.get(f"/tickets?cursor={cursor}", headers=DESK)
        assert fields_of(refused(answer, 422)) == ["query.cursor"], cursor
    for query, field in (("limit=0", "query.limit"), ("unit=office", "query.unit")):
        answer = await complaints.client.get(f"/tickets?{query}", headers=DESK)
        assert fields_of(refused(answer, 422)) == [field]


async def test_filters_by_unit_status_and_kind(complaints: Complaints) -> None:
    code = str(new_credit_code())
    business = {"credit_code": code}
    (waiting,) = (await complaints.submit(business=business))["tickets"]
    (accepted,) = (await complaints.submit(business=business))["tickets"]
    await complaints.act(accepted["id"], "accept")
    (question,) = (await complaints.submit(business=business, kinds=["consultation"]))["tickets"]
    (west,) = (await complaints.submit(business=business, location=IN_OFFICE_02))["tickets"]

    def ids(page: dict[str, Any]) -> set[str]:
        return {t["id"] for t in page["tickets"]}

    mine = f"credit_code={code}"
    office_01 = await listed(complaints, f"{mine}&unit=office:office-01")
    assert ids(office_01) == {waiting["id"], accepted["id"], question["id"]}
    office_02 = await listed(complaints, f"{mine}&unit=office:office-02")
    assert ids(office_02) == {west["id"]}
    assert ids(await listed(complaints, f"{mine}&status=accepted")) == {accepted["id"]}
    assert ids(await listed(complaints, f"{mine}&kind=consultation")) == {question["id"]}
    both = await listed(complaints, f"{mine}&unit=office:office-01&status=received&kind=complaint")
    assert ids(both) == {waiting["id"]}
    # A filter never widens the caller's scope.
    assert ids(await listed(complaints, f"{mine}&unit=office:office-01", OFFICE_02)) == set()
    assert ids(await listed(complaints, mine, OFFICE_01)) == ids(office_01)
