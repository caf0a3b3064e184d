"""GET /case-sources and GET /cases: a page at a time by cursor, in the promised order, filtered,
and within the caller's section."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import httpx
import sqlalchemy as sa

from chassis.db import Database
from services.enforcement.tables import cases
from tests.enforcement.conftest import AUDITOR, Enforcement, new_credit_code, officer

# Offices 01-05 are in area 1 (section-1), 06-09 in area 2 (section-2).
OFFICE_OF_SECTION = {1: "office-01", 2: "office-06"}


def new_tag() -> str:
    """Words no other test's allegations hold, to find one's own rows."""
    return f"标记{uuid.uuid4().hex[:10]}"


def new_handler() -> str:
    """A handler's username no other test uses."""
    return f"h{uuid.uuid4().hex[:10]}"


async def handed_in(
    enforcement: Enforcement, allegation: str, section: int = 1, **changes: Any
) -> dict[str, Any]:
    """A case source handed in at the desk by an officer of `section`, routed there."""
    body = {
        "source_department": "market",
        "allegation": allegation,
        "office_id": OFFICE_OF_SECTION[section],
    } | changes
    answer = await enforcement.client.post("/case-sources", json=body, headers=officer(section))
    assert answer.status_code == 201, answer.text
    source: dict[str, Any] = answer.json()
    return source


async def filed(enforcement: Enforcement, handlers: list[str], section: int = 1) -> dict[str, Any]:
    """A case of `section`, just filed with these handlers (certified first)."""
    await enforcement.certify(*handlers)
    source = await handed_in(enforcement, f"{new_tag()} 无照经营", section)
    answer = await enforcement.client.post(
        f"/case-sources/{source['id']}/file", json={"handlers": handlers}, headers=officer(section)
    )
    assert answer.status_code == 201, answer.text
    case: dict[str, Any] = answer.json()
    return case


async def listed(
    enforcement: Enforcement, path: str, headers: dict[str, str], **query: Any
) -> dict[str, Any]:
    answer = await enforcement.client.get(path, params=query, headers=headers)
    assert answer.status_code == 200, answer.text
    page: dict[str, Any] = answer.json()
    return page


async def walked(
    enforcement: Enforcement, path: str, field: str, limit: int, **query: Any
) -> tuple[list[dict[str, Any]], int]:
    """Every row of a list, following its cursor page after page; and how many pages."""
    rows: list[dict[str, Any]] = []
    pages, cursor = 0, None
    while True:
        after: dict[str, str] = {} if cursor is None else {"cursor": cursor}
        page = await listed(enforcement, path, AUDITOR, limit=limit, **query, **after)
        assert len(page[field]) <= limit
        rows += page[field]
        pages, cursor = pages + 1, page["next_cursor"]
        if cursor is None:
            return rows, pages


def refused_fields(answer: httpx.Response) -> list[str]:
    """The fields a 422 problem+json answer names."""
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    return [error["field"] for error in answer.json()["errors"]]


async def test_the_cursor_walks_every_case_source_once_soonest_deadline_first(
    enforcement: Enforcement,
) -> None:
    tag = new_tag()
    sources = [await handed_in(enforcement, f"{tag} 第{n}件") for n in range(5)]
    # Two get the approved extension: their deadline comes 15 working days later.
    extended = set()
    for source in sources[1:3]:
        answer = await enforcement.client.post(
            f"/case-sources/{source['id']}/extension",
            json={"approved_by": "head.subbureau", "reason": "需检测鉴定"},
            headers=officer(1),
        )
        assert answer.status_code == 200, answer.text
        extended.add(source["id"])

    walk, pages = await walked(enforcement, "/case-sources", "case_sources", 2, q=tag)
    assert pages == 3
    assert sorted(s["id"] for s in walk) == sorted(s["id"] for s in sources)
    keys = [(s["verify_due"], s["id"]) for s in walk]
    assert keys == sorted(keys)
    # Three share today's deadline (the cursor tells them apart by id); the extended come last.
    assert {s["id"] for s in walk[3:]} == extended
    assert len({s["verify_due"] for s in walk[:3]}) == 1


async def test_case_sources_are_filtered_by_the_server_within_the_section(
    enforcement: Enforcement,
) -> None:
    tag = new_tag()
    code = str(new_credit_code())
    market = await handed_in(enforcement, f"{tag} 强买强卖", credit_code=code)
    trademark = await handed_in(enforcement, f"{tag} 假冒商标", source_department="trademark")
    elsewhere = await handed_in(enforcement, f"{tag} 另一科室", section=2)
    extended = await handed_in(enforcement, f"{tag} 需延期")
    answer = await enforcement.client.post(
        f"/case-sources/{extended['id']}/extension",
        json={"approved_by": "head.subbureau", "reason": "需调取银行流水"},
        headers=officer(1),
    )
    assert answer.status_code == 200, answer.text
    later = answer.json()["verify_due"]

    async def ids(**query: Any) -> set[str]:
        page = await listed(enforcement, "/case-sources", officer(1), q=tag, **query)
        return {s["id"] for s in page["case_sources"]}

    assert await ids() == {market["id"], trademark["id"], extended["id"]}
    assert await ids(department="trademark") == {trademark["id"]}
    # The text is found in the credit code too, whatever its case.
    by_code = await listed(enforcement, "/case-sources", officer(1), q=code[4:12].lower())
    assert [s["id"] for s in by_code["case_sources"]] == [market["id"]]
    assert await ids(due_from=later) == {extended["id"]}
    assert await ids(due_until=market["verify_due"]) == {market["id"], trademark["id"]}
    assert await ids(status="declined") == set()
    theirs = await listed(enforcement, "/case-sources", officer(2), q=tag)
    assert [s["id"] for s in theirs["case_sources"]] == [elsewhere["id"]]
    for query, field in (
        ({"department": "weather"}, "query.department"),
        ({"due_until": "tomorrow"}, "query.due_until"),
        ({"limit": 501}, "query.limit"),
    ):
        answer = await enforcement.client.get("/case-sources", params=query, headers=officer(1))
        assert refused_fields(answer) == [field]


async def test_the_cursor_walks_every_case_once_newest_filed_first(
    enforcement: Enforcement,
) -> None:
    handler = new_handler()
    filed_cases = [await filed(enforcement, [handler, "zhao"]) for _ in range(5)]
    # Two filed at the very same instant: the cursor still tells them apart.
    database = Database(enforcement.settings.database_url)
    try:
        async with database.engine.begin() as connection:
            await connection.execute(
                sa.update(cases)
                .where(cases.c.id.in_([uuid.UUID(c["case_id"]) for c in filed_cases[1:3]]))
                .values(filed_at=datetime.fromisoformat(filed_cases[1]["filed_at"]))
            )
    finally:
        await database.dispose()

    walk, pages = await walked(enforcement, "/cases", "cases", 2, handler=handler)
    assert pages == 3
    assert sorted(c["id"] for c in walk) == sorted(c["case_id"] for c in filed_cases)
    keys = [(datetime.fromisoformat(c["filed_at"]), c["id"]) for c in walk]
    assert keys == sorted(keys, reverse=True)
    assert len({at for at, _ in keys}) == 4


async def test_a_cursor_another_list_gave_or_none_gave_is_refused(
    enforcement: Enforcement,
) -> None:
    handler = new_handler()
    for _ in range(2):
        await filed(enforcement, [handler, "zhao"])
    of_cases = await listed(enforcement, "/cases", AUDITOR, handler=handler, limit=1)
    of_sources = await listed(enforcement, "/case-sources", AUDITOR, limit=1)
    assert of_cases["next_cursor"] and of_sources["next_cursor"]
    for path, cursor in (
        ("/case-sources", of_cases["next_cursor"]),
        ("/cases", of_sources["next_cursor"]),
        ("/cases", "not-a-cursor"),
        ("/case-sources", "not-a-cursor"),
    ):
        answer = await enforcement.client.get(path, params={"cursor": cursor}, headers=AUDITOR)
        assert refused_fields(answer) == ["query.cursor"], (path, cursor)


async def test_a_bad_filter_of_cases_is_refused_naming_it(enforcement: Enforcement) -> None:
    for query, field in (
        ({"status": "open"}, "query.status"),
        ({"handler": "Not A Name"}, "query.handler"),
        ({"case_source_id": "42"}, "query.case_source_id"),
        ({"limit": 0}, "query.limit"),
        ({"limit": 201}, "query.limit"),
    ):
        answer = await enforcement.client.get("/cases", params=query, headers=officer(1))
        assert refused_fields(answer) == [field], query


async def test_an_officer_lists_only_their_sections_cases(enforcement: Enforcement) -> None:
    handler = new_handler()
    ours = await filed(enforcement, [handler, "zhao"], section=1)
    theirs = await filed(enforcement, [handler, "qian"], section=2)

    async def ids(headers: dict[str, str], **query: Any) -> set[str]:
        page = await listed(enforcement, "/cases", headers, limit=200, **query)
        return {c["id"] for c in page["cases"]}

    assert ours["case_id"] in await ids(officer(1))
    assert theirs["case_id"] not in await ids(officer(1))
    assert await ids(officer(1), handler=handler) == {ours["case_id"]}
    assert await ids(officer(2), handler=handler) == {theirs["case_id"]}
    assert await ids(AUDITOR, handler=handler) == {ours["case_id"], theirs["case_id"]}
    # The same rule as reading the case itself.
    hidden = await enforcement.client.get(f"/cases/{theirs['case_id']}", headers=officer(1))
    assert hidden.status_code == 404


async def test_cases_are_filtered_by_handler_status_and_case_source(
    enforcement: Enforcement,
) -> None:
    one, both, other = new_handler(), new_handler(), new_handler()
    first = await filed(enforcement, [one, both])
    second = await filed(enforcement, [both, other])
    # A handler whose name begins with another's is not that other.
    third = await filed(enforcement, [f"{one}.b", both])
    notice = {
        "delivered_to": "王某（法定代表人）",
        "delivered_at": "2026-11-20T10:00:00+08:00",
        "method": "in_person",
    }
    answer = await enforcement.client.post(
        f"/cases/{first['case_id']}/notice", json=notice, headers=officer(1)
    )
    assert answer.status_code == 200, answer.text

    async def ids(**query: Any) -> list[str]:
        page = await listed(enforcement, "/cases", officer(1), **query)
        return [c["id"] for c in page["cases"]]

    assert await ids(handler=one) == [first["case_id"]]
    assert await ids(handler=other) == [second["case_id"]]
    assert await ids(handler=both) == [third["case_id"], second["case_id"], first["case_id"]]
    assert await ids(handler=new_handler()) == []
    assert await ids(handler=both, status="investigating") == [first["case_id"]]
    assert await ids(handler=both, status="filed") == [third["case_id"], second["case_id"]]
    assert await ids(case_source_id=second["case_source_id"]) == [second["case_id"]]

    # A row carries what the list shows: the case's business, allegation, state and clock.
    page = await listed(enforcement, "/cases", officer(1), handler=one)
    [row] = page["cases"]
    case = (await enforcement.client.get(f"/cases/{first['case_id']}", headers=officer(1))).json()
    source = await enforcement.case_source(uuid.UUID(first["case_source_id"]))
    assert row["status"] == "investigating"
    assert row["handlers"] == [one, both]
    assert row["allegation"] == source["allegation"]
    for field in ("credit_code", "section", "filed_at", "decision_due", "decision_deadline"):
        assert row[field] == case[field], field
